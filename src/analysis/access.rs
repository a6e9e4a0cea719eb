//! Accessibility scores per commune: the two-step floating catchment area
//! (2SFCA), its enhanced form with distance bands (E2SFCA), and the same
//! with the bands of the French APL indicator.
//!
//! **Supply** is the sites, each weighted by its kind ([`SupplyWeights`]:
//! a *siège* 1, an *antenne* 0.5, a *permanence* 0.2 by default). **Demand**
//! is the young people aged 16–25 of each commune (`Territory::jeunes`),
//! placed at the commune's reference point (its town hall, see
//! [`crate::model::Commune::reference`]). **Costs** are geodesic distances
//! in metres from that point to each site ([`crate::index::SiteIndex::within`], within
//! millimetres of Karney's algorithm), or with a road network the travel
//! time in minutes by the run's mode ([`crate::analysis::measure`]); they
//! are kept only up to the largest catchment ([`CostTable`]), and the bands
//! are in the same unit. A site standing in the commune (by the commune it
//! declares, as [`crate::analysis::coverage`] counts it) is at cost zero,
//! whatever the way from the town hall.
//!
//! # Method
//! With `w(d)` the weight of distance `d` ([`Bands`]), `S_j` the supply of
//! site `j` and `P_i` the demand of commune `i`:
//!
//! ```text
//! step 1, per site:     R_j = S_j / Σ_i P_i · w(d_ij)
//! step 2, per commune:  A_i = Σ_j R_j · w(d_ij)
//! ```
//!
//! Both sums run over the pairs of the cost table with `w(d_ij) > 0`. The
//! classic 2SFCA (Luo & Wang 2003) has `w = 1` up to the catchment `d0`
//! (included) and 0 beyond; the enhanced 2SFCA (Luo & Qi 2009) applies
//! stepped weights in *both* steps; the APL preset is the enhanced form with
//! the DREES bands (see [`Bands::apl`]). A site whose catchment holds no
//! demand (`Σ_i P_i · w = 0`) serves nobody: its ratio is undefined
//! ([`Catchment::site_ratio`] is `None`) and it adds nothing to any commune.
//!
//! `A_i` is in supply units per young person, as PySAL `access` returns it
//! unnormalised; the tables write it per 10,000 young people
//! ([`PER_YOUNG_PEOPLE`]). Every site whose catchment holds demand hands out
//! its whole supply: `Σ_i P_i · A_i = Σ_j S_j` over those sites (the weights
//! cancel out, since they appear in both steps).
//!
//! # Determinism
//! Only the distance queries run in parallel; they are collected in commune
//! order. Both steps then sum sequentially over the pairs sorted by
//! (commune, site): each site's demand adds communes in ascending index, each
//! commune's score adds sites in ascending index. The result is the same, bit
//! for bit, whatever the number of threads.
//!
//! # References
//! - Luo, W., Wang, F. (2003). Measures of spatial accessibility to health
//!   care in a GIS environment. *Environment and Planning B* 30, 865–884.
//! - Luo, W., Qi, Y. (2009). An enhanced two-step floating catchment area
//!   (E2SFCA) method for measuring spatial accessibility to primary care
//!   physicians. *Health & Place* 15, 1100–1107.
//! - Barlet, M., Coldefy, M., Collin, C., Lucas-Gabrielli, V. (2012).
//!   L'accessibilité potentielle localisée (APL). DREES, *Études et
//!   Résultats* 795, and *Document de travail* 124.

use crate::analysis::measure::Measure;
use crate::base::LonLat;
use crate::base::Unit;
use crate::error::Error;
use crate::model::{SiteKind, Territory};

/// Scores are written per this many young people.
pub const PER_YOUNG_PEOPLE: f64 = 10_000.0;

/// The supply one site brings, by kind.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SupplyWeights {
    pub siege: f64,
    pub antenne: f64,
    pub permanence: f64,
}

impl Default for SupplyWeights {
    /// A head office 1, an antenne 0.5, a permanence 0.2: a permanence is
    /// held a few half-days a month, an antenne most of the week with a
    /// smaller team than the head office. A convention to adjust with
    /// `--poids-sites` when opening hours or staff are known.
    fn default() -> Self {
        SupplyWeights {
            siege: 1.0,
            antenne: 0.5,
            permanence: 0.2,
        }
    }
}

impl SupplyWeights {
    /// The weight of a kind of site.
    pub fn of(&self, kind: SiteKind) -> f64 {
        match kind {
            SiteKind::Siege => self.siege,
            SiteKind::Antenne => self.antenne,
            SiteKind::Permanence => self.permanence,
        }
    }

    /// Sets the weight of one kind.
    pub fn set(&mut self, kind: SiteKind, weight: f64) {
        match kind {
            SiteKind::Siege => self.siege = weight,
            SiteKind::Antenne => self.antenne = weight,
            SiteKind::Permanence => self.permanence = weight,
        }
    }
}

/// A stepped distance-decay function: `(upper bound, weight)` pairs with
/// increasing bounds, in the unit of the costs (metres or minutes). A cost
/// takes the weight of the first band whose upper bound it does not exceed
/// (bounds are included, as in coverage and as PySAL
/// `access.weights.step_fn` does); beyond the last bound the weight is 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    unit: Unit,
    steps: Vec<(f64, f64)>,
}

impl Bands {
    /// Checks and builds the bands: at least one; bounds finite, positive
    /// and increasing; weights in (0, 1] and never increasing with distance.
    pub fn new(unit: Unit, steps: Vec<(f64, f64)>) -> Result<Self, Error> {
        let shown = |b: f64| format!("{} {}", unit.shown(b), unit.symbol());
        if steps.is_empty() {
            return Err(Error::Invalid("aucune tranche de distance donnée".into()));
        }
        let mut previous: Option<(f64, f64)> = None;
        for &(bound, weight) in &steps {
            if !bound.is_finite() || bound <= 0.0 {
                return Err(Error::Invalid(format!(
                    "borne de tranche {} : attendu un nombre positif de {}",
                    shown(bound),
                    unit.symbol()
                )));
            }
            if weight.is_nan() || weight <= 0.0 || weight > 1.0 {
                return Err(Error::Invalid(format!(
                    "poids de tranche {weight} : attendu un poids supérieur à 0 et au plus égal à 1"
                )));
            }
            if let Some((b, w)) = previous {
                if bound <= b {
                    return Err(Error::Invalid(format!(
                        "les bornes des tranches doivent croître : {} après {}",
                        shown(bound),
                        shown(b)
                    )));
                }
                if weight > w {
                    return Err(Error::Invalid(format!(
                        "les poids des tranches ne doivent pas croître avec la distance : {weight} après {w}"
                    )));
                }
            }
            previous = Some((bound, weight));
        }
        Ok(Bands { unit, steps })
    }

    /// The classic 2SFCA catchment: weight 1 up to `d0` included, 0 beyond.
    pub fn catchment(unit: Unit, d0: f64) -> Result<Self, Error> {
        Bands::new(unit, vec![(d0, 1.0)])
    }

    /// The enhanced 2SFCA default: the weights of Luo & Qi (2009), 1, 0.68
    /// and 0.22 (a Gaussian decay sampled in three travel-time zones of 10,
    /// 20 and 30 min), on bands of 5, 10 and 15 km, scaled to the short
    /// trips of young people without a car.
    pub fn luo_qi() -> Self {
        Bands {
            unit: Unit::Metres,
            steps: vec![(5_000.0, 1.0), (10_000.0, 0.68), (15_000.0, 0.22)],
        }
    }

    /// The enhanced 2SFCA bands of Luo & Qi (2009) in their own minutes:
    /// weights 1, 0.68 and 0.22 on the zones 0–10, 10–20 and 20–30 min.
    pub fn luo_qi_minutes() -> Self {
        Bands {
            unit: Unit::Minutes,
            steps: vec![(10.0, 1.0), (20.0, 0.68), (30.0, 0.22)],
        }
    }

    /// The APL preset: full weight up to 10, 2/3 up to 15, 1/3 up to 20, 0
    /// beyond: the DREES decay for general practitioners (APL method of
    /// 2015, "une fonction décroissante entre 0 et 20 minutes", arrêté du 13
    /// novembre 2017, annexe), whose bands are minutes by road. Without a
    /// road network maillage reads them as straight-line km (1 min ↔ 1 km,
    /// 60 km/h as the crow flies): the structure and weights of the APL, not
    /// its travel times; with a road network, [`Bands::apl_minutes`].
    pub fn apl() -> Self {
        Bands {
            unit: Unit::Metres,
            steps: vec![
                (10_000.0, 1.0),
                (15_000.0, 2.0 / 3.0),
                (20_000.0, 1.0 / 3.0),
            ],
        }
    }

    /// The APL preset in its own minutes (travel times by the run's mode):
    /// full weight up to 10 min, 2/3 up to 15, 1/3 up to 20.
    pub fn apl_minutes() -> Self {
        Bands {
            unit: Unit::Minutes,
            steps: vec![(10.0, 1.0), (15.0, 2.0 / 3.0), (20.0, 1.0 / 3.0)],
        }
    }

    /// The weight of a cost.
    pub fn weight(&self, d: f64) -> f64 {
        self.steps
            .iter()
            .find(|(bound, _)| d <= *bound)
            .map_or(0.0, |(_, w)| *w)
    }

    /// The last bound: no weight beyond it.
    pub fn reach(&self) -> f64 {
        self.steps.last().map_or(0.0, |(b, _)| *b)
    }

    /// The `(bound, weight)` pairs, bounds in the costs' unit.
    pub fn steps(&self) -> &[(f64, f64)] {
        &self.steps
    }

    pub fn unit(&self) -> Unit {
        self.unit
    }
}

/// One commune–site pair of a cost table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostPair {
    pub commune: usize,
    pub site: usize,
    /// Metres or minutes, the table's unit.
    pub cost: f64,
}

/// The costs between communes and sites, up to `reach`, sorted by
/// (commune, site) without duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct CostTable {
    pub unit: Unit,
    pub communes: usize,
    pub sites: usize,
    pub reach: f64,
    pub pairs: Vec<CostPair>,
}

impl CostTable {
    /// A table from given pairs (sorted here; tests and other sources of
    /// costs). Pairs beyond `reach` are kept: they simply weigh nothing.
    pub fn from_pairs(
        unit: Unit,
        communes: usize,
        sites: usize,
        reach: f64,
        mut pairs: Vec<CostPair>,
    ) -> Result<Self, Error> {
        pairs.sort_by_key(|p| (p.commune, p.site));
        for w in pairs.windows(2) {
            if (w[0].commune, w[0].site) == (w[1].commune, w[1].site) {
                return Err(Error::Invalid(format!(
                    "table des coûts : la commune {} et le site {} figurent deux fois",
                    w[0].commune, w[0].site
                )));
            }
        }
        if let Some(p) = pairs
            .iter()
            .find(|p| p.commune >= communes || p.site >= sites || p.cost.is_nan() || p.cost < 0.0)
        {
            return Err(Error::Invalid(format!(
                "table des coûts : paire (commune {}, site {}, coût {}) hors limites",
                p.commune, p.site, p.cost
            )));
        }
        Ok(CostTable {
            unit,
            communes,
            sites,
            reach,
            pairs,
        })
    }
}

/// The cost table of `points` (one per commune) against `sites` in
/// `measure`: every site within `reach`, and every site standing in the
/// commune at cost zero. `site_commune[j]` is the commune site `j` stands
/// in, when known. Also returns the points the measure could not take.
pub fn cost_table(
    measure: &Measure<'_>,
    points: &[LonLat],
    sites: &[LonLat],
    site_commune: &[Option<usize>],
    reach: f64,
) -> (CostTable, Vec<usize>) {
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); points.len()];
    for (j, c) in site_commune.iter().enumerate() {
        if let Some(i) = c.filter(|&i| i < points.len()) {
            own[i].push(j);
        }
    }
    let (mut rows, lost) = measure.within(points, &vec![reach; points.len()], sites);
    for (v, own) in rows.iter_mut().zip(&own) {
        for &j in own {
            match v.binary_search_by_key(&j, |(s, _)| *s) {
                Ok(k) => v[k].1 = 0.0,
                Err(k) => v.insert(k, (j, 0.0)),
            }
        }
    }
    let pairs = rows
        .into_iter()
        .enumerate()
        .flat_map(|(i, row)| {
            row.into_iter().map(move |(site, cost)| CostPair {
                commune: i,
                site,
                cost,
            })
        })
        .collect();
    let table = CostTable {
        unit: measure.unit(),
        communes: points.len(),
        sites: sites.len(),
        reach,
        pairs,
    };
    (table, lost)
}

/// The cost table of a territory: communes at their reference point, sites
/// standing in a commune at cost zero.
pub fn territory_cost_table(t: &Territory, measure: &Measure<'_>, reach: f64) -> CostTable {
    let points: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
    let sites: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    let site_commune: Vec<Option<usize>> = t
        .sites
        .iter()
        .map(|s| s.commune.as_ref().and_then(|c| t.commune_index(c)))
        .collect();
    cost_table(measure, &points, &sites, &site_commune, reach).0
}

/// The supply of each site, in site order.
pub fn supply(t: &Territory, weights: &SupplyWeights) -> Vec<f64> {
    t.sites.iter().map(|s| weights.of(s.kind)).collect()
}

/// The result of one floating-catchment computation.
#[derive(Debug, Clone, PartialEq)]
pub struct Catchment {
    /// `A_i` per commune, in supply units per young person; 0 where no site
    /// with demand is within reach.
    pub score: Vec<f64>,
    /// `R_j` per site: its supply over the (weighted) young people within its
    /// catchment; `None` when that demand is zero.
    pub site_ratio: Vec<Option<f64>>,
}

/// The two-step floating catchment area with the given bands (see the
/// module's documentation for the formulas).
///
/// `supply[j]` is site `j`'s supply, `demand[i]` commune `i`'s young people.
///
/// # Examples
/// Two communes of 100 and 300 young people, one site of supply 1 within
/// reach of both: 1 / 400 for each.
/// ```
/// use maillage::analysis::access::{floating_catchment, Bands, CostPair, CostTable};
/// use maillage::base::Unit;
/// let pair = |commune, km: f64| CostPair { commune, site: 0, cost: km * 1000.0 };
/// let costs = CostTable::from_pairs(Unit::Metres, 2, 1, 10_000.0, vec![pair(0, 2.0), pair(1, 8.0)]).unwrap();
/// let bands = Bands::catchment(Unit::Metres, 10_000.0).unwrap();
/// let c = floating_catchment(&costs, &[1.0], &[100, 300], &bands);
/// assert_eq!(c.score, vec![1.0 / 400.0, 1.0 / 400.0]);
/// ```
pub fn floating_catchment(
    costs: &CostTable,
    supply: &[f64],
    demand: &[u64],
    bands: &Bands,
) -> Catchment {
    let weights: Vec<f64> = costs.pairs.iter().map(|p| bands.weight(p.cost)).collect();
    // Step 1: the pairs are sorted by commune, so each site adds its
    // communes in ascending order.
    let mut site_demand = vec![0.0f64; costs.sites];
    for (p, &w) in costs.pairs.iter().zip(&weights) {
        if w > 0.0 {
            site_demand[p.site] += demand[p.commune] as f64 * w;
        }
    }
    let site_ratio: Vec<Option<f64>> = site_demand
        .iter()
        .zip(supply)
        .map(|(&d, &s)| (d > 0.0).then(|| s / d))
        .collect();
    // Step 2: each commune adds its sites in ascending order.
    let mut score = vec![0.0f64; costs.communes];
    for (p, &w) in costs.pairs.iter().zip(&weights) {
        if let (true, Some(r)) = (w > 0.0, site_ratio[p.site]) {
            score[p.commune] += r * w;
        }
    }
    Catchment { score, site_ratio }
}

/// Checked parameters of the accessibility scores.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessParams {
    pub weights: SupplyWeights,
    /// The classic 2SFCA catchment.
    pub catchment: Bands,
    /// The enhanced 2SFCA bands.
    pub enhanced: Bands,
    /// The APL preset bands.
    pub apl: Bands,
}

impl Default for AccessParams {
    /// 10 km for the 2SFCA, Luo & Qi bands, APL bands, default weights.
    fn default() -> Self {
        AccessParams {
            weights: SupplyWeights::default(),
            catchment: Bands {
                unit: Unit::Metres,
                steps: vec![(DEFAULT_CATCHMENT_KM * 1000.0, 1.0)],
            },
            enhanced: Bands::luo_qi(),
            apl: Bands::apl(),
        }
    }
}

impl AccessParams {
    /// The defaults by network: a 30-minute 2SFCA catchment (Luo & Wang
    /// 2003), the Luo & Qi and APL bands in their own minutes.
    pub fn minutes() -> Self {
        AccessParams {
            weights: SupplyWeights::default(),
            catchment: Bands {
                unit: Unit::Minutes,
                steps: vec![(DEFAULT_CATCHMENT_MIN, 1.0)],
            },
            enhanced: Bands::luo_qi_minutes(),
            apl: Bands::apl_minutes(),
        }
    }
}

/// The default 2SFCA catchment by network, in minutes: the 30 minutes of
/// Luo & Wang (2003).
pub const DEFAULT_CATCHMENT_MIN: f64 = 30.0;

/// The default 2SFCA catchment, in km: 71 % of the young people followed
/// have no driving licence, so the catchment is a trip by bicycle, bus or
/// lift (about 40 min by bicycle), not by car; it is also the middle radius
/// of the coverage table and the first APL band.
pub const DEFAULT_CATCHMENT_KM: f64 = 10.0;

impl AccessParams {
    /// The cost the table must reach for all three scores.
    pub fn reach(&self) -> f64 {
        [&self.catchment, &self.enhanced, &self.apl]
            .iter()
            .map(|b| b.reach())
            .fold(0.0, f64::max)
    }
}

/// The three scores of every commune, with the cost table they used.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessScores {
    pub costs: CostTable,
    pub supply: Vec<f64>,
    pub two_step: Catchment,
    pub enhanced: Catchment,
    pub apl: Catchment,
}

/// Computes the 2SFCA, enhanced 2SFCA and APL-preset scores of every commune
/// of the territory.
/// `measure` must be in the unit of the bands.
pub fn access_scores(t: &Territory, measure: &Measure<'_>, params: &AccessParams) -> AccessScores {
    let costs = territory_cost_table(t, measure, params.reach());
    let supply = supply(t, &params.weights);
    let two_step = floating_catchment(&costs, &supply, &t.jeunes, &params.catchment);
    let enhanced = floating_catchment(&costs, &supply, &t.jeunes, &params.enhanced);
    let apl = floating_catchment(&costs, &supply, &t.jeunes, &params.apl);
    AccessScores {
        costs,
        supply,
        two_step,
        enhanced,
        apl,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn km(x: f64) -> f64 {
        x * 1000.0
    }

    fn pair(commune: usize, site: usize, d_km: f64) -> CostPair {
        CostPair {
            commune,
            site,
            cost: km(d_km),
        }
    }

    /// Five communes, four sites (supply: siège 1, antenne 0.5, two
    /// permanences 0.2), distances given in km:
    ///
    /// ```text
    ///            P     S0 (1)  S1 (0.5)  S2 (0.2)  S3 (0.2)
    /// C0      1000       2       8
    /// C1       500       6       3
    /// C2      2000               9         0 (in C2)
    /// C3         0                         4          1
    /// C4       300                        12
    /// ```
    fn hand_case() -> (CostTable, Vec<f64>, Vec<u64>) {
        let pairs = vec![
            pair(4, 2, 12.0),
            pair(0, 0, 2.0),
            pair(0, 1, 8.0),
            pair(1, 0, 6.0),
            pair(1, 1, 3.0),
            pair(2, 1, 9.0),
            pair(2, 2, 0.0),
            pair(3, 2, 4.0),
            pair(3, 3, 1.0),
        ];
        let costs = CostTable::from_pairs(Unit::Metres, 5, 4, km(20.0), pairs).unwrap();
        (
            costs,
            vec![1.0, 0.5, 0.2, 0.2],
            vec![1000, 500, 2000, 0, 300],
        )
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15 * b.abs().max(1e-300)
    }

    fn assert_scores(got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len());
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(close(*g, *w), "commune {i}: {g} vs {w}");
        }
    }

    #[test]
    fn classic_2sfca_matches_the_hand_computation() {
        let (costs, supply, demand) = hand_case();
        let c = floating_catchment(
            &costs,
            &supply,
            &demand,
            &Bands::catchment(Unit::Metres, km(10.0)).unwrap(),
        );
        // Step 1 (d ≤ 10 km, C4's 12 km left out):
        //   D0 = 1000 + 500 = 1500          R0 = 1 / 1500
        //   D1 = 1000 + 500 + 2000 = 3500   R1 = 0.5 / 3500 = 1 / 7000
        //   D2 = 2000 + 0 = 2000            R2 = 0.2 / 2000 = 1 / 10000
        //   D3 = 0 (only C3, no young people): R3 undefined, serves nobody
        assert_eq!(
            c.site_ratio,
            vec![
                Some(1.0 / 1500.0),
                Some(0.5 / 3500.0),
                Some(0.2 / 2000.0),
                None
            ]
        );
        // Step 2:
        //   A0 = A1 = 1/1500 + 1/7000 = 17/21000 ≈ 8.0952e-4
        //   A2 = 1/7000 + 1/10000 = 17/70000 ≈ 2.4286e-4
        //   A3 = 1/10000 (S3 adds nothing), A4 = 0 (S2 beyond 10 km)
        assert_scores(
            &c.score,
            &[
                17.0 / 21000.0,
                17.0 / 21000.0,
                17.0 / 70000.0,
                1.0 / 10000.0,
                0.0,
            ],
        );
    }

    #[test]
    fn enhanced_2sfca_weighs_both_steps() {
        let (costs, supply, demand) = hand_case();
        let c = floating_catchment(&costs, &supply, &demand, &Bands::luo_qi());
        // Weights (5:1, 10:0.68, 15:0.22): 2→1, 8→0.68, 6→0.68, 3→1, 9→0.68,
        // 0→1, 4→1, 1→1, 12→0.22.
        //   D0 = 1000 + 0.68·500 = 1340                 R0 = 1 / 1340
        //   D1 = 0.68·1000 + 500 + 0.68·2000 = 2540     R1 = 0.5 / 2540
        //   D2 = 2000 + 0 + 0.22·300 = 2066             R2 = 0.2 / 2066
        //   D3 = 0                                      R3 undefined
        //   A0 = 1/1340 + 0.68·0.5/2540 ≈ 8.8013e-4
        //   A1 = 0.68/1340 + 0.5/2540   ≈ 7.0430e-4
        //   A2 = 0.68·0.5/2540 + 0.2/2066 ≈ 2.3066e-4
        //   A3 = 0.2/2066 ≈ 9.6805e-5,  A4 = 0.22·0.2/2066 ≈ 2.1297e-5
        assert_scores(
            &c.score,
            &[
                1.0 / 1340.0 + 0.68 * 0.5 / 2540.0,
                0.68 / 1340.0 + 0.5 / 2540.0,
                0.68 * 0.5 / 2540.0 + 0.2 / 2066.0,
                0.2 / 2066.0,
                0.22 * 0.2 / 2066.0,
            ],
        );
        assert!((c.score[0] - 8.8013e-4).abs() < 1e-8);
        assert!((c.score[4] - 2.1297e-5).abs() < 1e-9);
    }

    #[test]
    fn apl_preset_matches_the_hand_computation() {
        let (costs, supply, demand) = hand_case();
        let c = floating_catchment(&costs, &supply, &demand, &Bands::apl());
        // Weights (10:1, 15:2/3, 20:1/3): every distance ≤ 10 km → 1, 12 → 2/3.
        //   D0 = 1500, D1 = 3500, D2 = 2000 + 300·2/3 = 2200 → R2 = 1/11000
        //   A0 = A1 = 17/21000, A2 = 1/7000 + 1/11000 = 18/77000,
        //   A3 = 1/11000, A4 = (2/3)/11000 = 2/33000
        assert_scores(
            &c.score,
            &[
                17.0 / 21000.0,
                17.0 / 21000.0,
                18.0 / 77000.0,
                1.0 / 11000.0,
                2.0 / 33000.0,
            ],
        );
    }

    #[test]
    fn bands_include_their_bound_and_weigh_nothing_beyond() {
        let b = Bands::apl();
        assert_eq!(b.weight(0.0), 1.0);
        assert_eq!(b.weight(km(10.0)), 1.0);
        assert_eq!(b.weight(10_000.001), 2.0 / 3.0);
        assert_eq!(b.weight(km(20.0)), 1.0 / 3.0);
        assert_eq!(b.weight(20_000.001), 0.0);
        assert_eq!(b.reach(), km(20.0));
    }

    #[test]
    fn bad_bands_are_refused() {
        assert!(Bands::new(Unit::Metres, vec![]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(km(10.0), 1.0), (km(5.0), 0.5)]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(km(5.0), 0.5), (km(10.0), 1.0)]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(km(5.0), 0.0)]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(km(5.0), 1.5)]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(km(0.0), 1.0)]).is_err());
        assert!(Bands::new(Unit::Metres, vec![(f64::NAN, 1.0)]).is_err());
        assert!(CostTable::from_pairs(
            Unit::Metres,
            1,
            1,
            km(1.0),
            vec![pair(0, 0, 1.0), pair(0, 0, 2.0)]
        )
        .is_err());
        assert!(CostTable::from_pairs(Unit::Metres, 1, 1, km(1.0), vec![pair(0, 1, 1.0)]).is_err());
    }

    /// Seeded random communes, sites and costs.
    fn random_case(seed: u64) -> (CostTable, Vec<f64>, Vec<u64>) {
        let mut rng = crate::seeded::SplitMix64(seed);
        let (n, m) = (200, 40);
        let demand: Vec<u64> = (0..n)
            .map(|_| {
                let x = rng.next_f64();
                // Some communes without young people.
                if x < 0.1 {
                    0
                } else {
                    (x * 5000.0) as u64
                }
            })
            .collect();
        let supply: Vec<f64> = (0..m)
            .map(|_| [1.0, 0.5, 0.2][(rng.next_f64() * 3.0) as usize])
            .collect();
        let mut pairs = Vec::new();
        for i in 0..n {
            for j in 0..m {
                if rng.next_f64() < 0.15 {
                    pairs.push(pair(i, j, 25.0 * rng.next_f64()));
                }
            }
        }
        (
            CostTable::from_pairs(Unit::Metres, n, m, km(25.0), pairs).unwrap(),
            supply,
            demand,
        )
    }

    /// Σ_i P_i A_i = Σ_j S_j over the sites whose catchment holds demand.
    #[test]
    fn every_site_with_demand_hands_out_its_whole_supply() {
        for seed in 0..20 {
            let (costs, supply, demand) = random_case(seed);
            for bands in [
                Bands::catchment(Unit::Metres, km(10.0)).unwrap(),
                Bands::luo_qi(),
                Bands::apl(),
            ] {
                let c = floating_catchment(&costs, &supply, &demand, &bands);
                let handed: f64 = c
                    .score
                    .iter()
                    .zip(&demand)
                    .map(|(a, &p)| a * p as f64)
                    .sum();
                // Which sites have demand, found from the pairs directly.
                let mut has_demand = vec![false; supply.len()];
                for p in &costs.pairs {
                    if bands.weight(p.cost) > 0.0 && demand[p.commune] > 0 {
                        has_demand[p.site] = true;
                    }
                }
                let offered: f64 = supply
                    .iter()
                    .zip(&has_demand)
                    .filter(|(_, h)| **h)
                    .map(|(s, _)| s)
                    .sum();
                assert!(offered > 0.0);
                assert!(
                    (handed - offered).abs() <= 1e-12 * offered,
                    "seed {seed}: {handed} vs {offered}"
                );
                assert_eq!(
                    c.site_ratio.iter().map(Option::is_some).collect::<Vec<_>>(),
                    has_demand
                );
            }
        }
    }

    #[test]
    fn scores_scale_with_supply_and_inversely_with_demand() {
        let (costs, supply, demand) = random_case(99);
        let bands = Bands::luo_qi();
        let base = floating_catchment(&costs, &supply, &demand, &bands);
        let doubled: Vec<f64> = supply.iter().map(|s| s * 2.0).collect();
        let more = floating_catchment(&costs, &doubled, &demand, &bands);
        for (a, b) in base.score.iter().zip(&more.score) {
            assert!((2.0 * a - b).abs() <= 1e-15 * b.abs());
        }
        let crowd: Vec<u64> = demand.iter().map(|p| p * 4).collect();
        let fewer = floating_catchment(&costs, &supply, &crowd, &bands);
        for (a, b) in base.score.iter().zip(&fewer.score) {
            assert!((a / 4.0 - b).abs() <= 1e-15 * a.abs());
        }
    }

    #[test]
    fn no_site_or_no_pair_gives_zero() {
        let costs = CostTable::from_pairs(Unit::Metres, 3, 0, km(10.0), vec![]).unwrap();
        let c = floating_catchment(&costs, &[], &[1, 2, 3], &Bands::apl());
        assert_eq!(c.score, vec![0.0; 3]);
        assert!(c.site_ratio.is_empty());
    }

    /// Seeded points in the region.
    fn points(n: usize, seed: u64) -> Vec<LonLat> {
        let mut rng = crate::seeded::SplitMix64(seed);
        (0..n)
            .map(|_| LonLat::new(1.4 + 2.7 * rng.next_f64(), 48.9 + 2.1 * rng.next_f64()))
            .collect()
    }

    #[test]
    fn cost_table_holds_every_site_within_reach_and_own_sites_at_zero() {
        let communes = points(300, 7);
        let sites = points(60, 8);
        // Site 5 stands in commune 0, far from its point.
        let mut site_commune = vec![None; sites.len()];
        site_commune[5] = Some(0);
        site_commune[6] = Some(1);
        let reach = km(15.0);
        let table = cost_table(&Measure::Geodesic, &communes, &sites, &site_commune, reach).0;
        let q = |p: LonLat| crate::geom::fast::project(p);
        for (i, c) in communes.iter().enumerate() {
            let mut want: Vec<(usize, f64)> = sites
                .iter()
                .enumerate()
                .map(|(j, s)| (j, crate::geom::fast::fast_distance(&q(*c), &q(*s)).0))
                .filter(|(_, d)| *d <= reach)
                .collect();
            for (j, own) in site_commune.iter().enumerate() {
                if *own == Some(i) {
                    match want.iter_mut().find(|(s, _)| *s == j) {
                        Some(w) => w.1 = 0.0,
                        None => want.push((j, 0.0)),
                    }
                }
            }
            want.sort_by_key(|(j, _)| *j);
            let got: Vec<(usize, f64)> = table
                .pairs
                .iter()
                .filter(|p| p.commune == i)
                .map(|p| (p.site, p.cost))
                .collect();
            assert_eq!(got, want, "commune {i}");
        }
        assert!(table
            .pairs
            .iter()
            .any(|p| p.commune == 0 && p.site == 5 && p.cost == 0.0));
    }

    #[test]
    fn same_bits_with_one_thread_and_with_four() {
        let communes = points(2000, 11);
        let sites = points(200, 12);
        let site_commune: Vec<Option<usize>> =
            (0..sites.len()).map(|j| Some(j * 7 % 2000)).collect();
        let demand: Vec<u64> = (0..2000).map(|i| (i * 37 % 1000) as u64).collect();
        let supply: Vec<f64> = (0..sites.len()).map(|j| [1.0, 0.5, 0.2][j % 3]).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let t = cost_table(
                    &Measure::Geodesic,
                    &communes,
                    &sites,
                    &site_commune,
                    km(20.0),
                )
                .0;
                let c = floating_catchment(&t, &supply, &demand, &Bands::apl());
                (t, c)
            })
        };
        let (t1, c1) = run(1);
        let (t4, c4) = run(4);
        assert!(t1.pairs.len() > 10_000, "{} pairs", t1.pairs.len());
        assert_eq!(t1, t4);
        let bits = |c: &Catchment| c.score.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&c1), bits(&c4));
    }
}
