//! The figures behind the page's charts: the young people within every cost
//! of a fine scale (a coverage curve) and the young people by band of cost
//! (a distribution). Both follow the rule of every other figure: a commune
//! counts at its effective cost ([`Basics::effective_cost`]: 0 with a site
//! standing in it), a threshold includes its bound, and a commune the
//! measure did not reach (too far from the network) is within no threshold.
//! At a coverage threshold the curve gives `couverture.csv`'s young people
//! covered (tested).

use crate::analysis::basics::Basics;
use crate::base::Unit;
use crate::model::{Scope, Territory};

/// The charts' scale, in the unit of the costs: the curve's step, the
/// distribution's band, and the largest cost shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub step: f64,
    pub band: f64,
    pub max: f64,
}

impl Scale {
    /// 250 m steps and 1 km bands as the crow flies, 1 min steps and 5 min
    /// bands by network, up to `max` (the largest coverage threshold).
    pub fn new(unit: Unit, max: f64) -> Scale {
        match unit {
            Unit::Metres => Scale {
                step: 250.0,
                band: 1000.0,
                max,
            },
            Unit::Minutes => Scale {
                step: 1.0,
                band: 5.0,
                max,
            },
        }
    }

    /// The curve's costs: 0, one step, two steps… up to `max` included
    /// (each a whole multiple of the step, so no drift accumulates).
    pub fn steps(&self) -> Vec<f64> {
        let n = (self.max / self.step).floor() as usize;
        let mut v: Vec<f64> = (0..=n).map(|k| k as f64 * self.step).collect();
        if v.last().is_some_and(|&x| x < self.max) {
            v.push(self.max);
        }
        v
    }

    /// The number of bands of the distribution: `(0, band]`, `(band,
    /// 2·band]`… up to `max`.
    pub fn bands(&self) -> usize {
        (self.max / self.band).ceil() as usize
    }

    /// The band of a cost in `(0, max]`: `(k·band, (k+1)·band]` is band `k`,
    /// so a cost on a bound falls in the lower band.
    pub fn band_of(&self, cost: f64) -> usize {
        let k = ((cost / self.band).ceil() as usize).saturating_sub(1);
        k.min(self.bands().saturating_sub(1))
    }
}

/// The young people of a perimeter within each cost of a scale.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageCurve {
    pub scope: Scope,
    /// All the perimeter's young people.
    pub jeunes: u64,
    /// The costs (unit of the costs), ascending.
    pub costs: Vec<f64>,
    /// For each cost, the young people whose effective cost is at most it.
    pub covered: Vec<u64>,
}

/// The young people of a perimeter by band of cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    pub scope: Scope,
    pub scale: Scale,
    /// At 0: a site in their commune (or at its reference point).
    pub at_zero: u64,
    /// Band `k` holds the costs in `(k·band, (k+1)·band]` (the last one ends
    /// at `max`).
    pub bands: Vec<u64>,
    /// Beyond `max`.
    pub beyond: u64,
    /// In communes the measure did not reach.
    pub unmeasured: u64,
}

/// The effective costs and young people of the communes of `scope`.
fn members(t: &Territory, b: &Basics, scope: &Scope) -> Vec<(Option<f64>, u64)> {
    (0..t.communes.len())
        .filter(|&i| scope.has_commune(t, i))
        .map(|i| (b.effective_cost(i), t.jeunes[i]))
        .collect()
}

/// The coverage curve of `scope` at `costs` (ascending): one sort of the
/// perimeter's communes, then one sweep.
pub fn coverage_curve(t: &Territory, b: &Basics, scope: &Scope, costs: &[f64]) -> CoverageCurve {
    let m = members(t, b, scope);
    let jeunes = m.iter().map(|&(_, j)| j).sum();
    let mut reached: Vec<(f64, u64)> = m
        .into_iter()
        .filter_map(|(c, j)| c.map(|c| (c, j)))
        .collect();
    reached.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut covered = Vec::with_capacity(costs.len());
    let (mut k, mut sum) = (0, 0u64);
    for &x in costs {
        while k < reached.len() && reached[k].0 <= x {
            sum += reached[k].1;
            k += 1;
        }
        covered.push(sum);
    }
    CoverageCurve {
        scope: scope.clone(),
        jeunes,
        costs: costs.to_vec(),
        covered,
    }
}

/// The distribution of the young people of `scope` by band of cost.
pub fn distribution(t: &Territory, b: &Basics, scope: &Scope, scale: Scale) -> Distribution {
    let mut d = Distribution {
        scope: scope.clone(),
        scale,
        at_zero: 0,
        bands: vec![0; scale.bands()],
        beyond: 0,
        unmeasured: 0,
    };
    for (c, j) in members(t, b, scope) {
        match c {
            None => d.unmeasured += j,
            Some(c) if c <= 0.0 => d.at_zero += j,
            Some(c) if c > scale.max => d.beyond += j,
            Some(c) => d.bands[scale.band_of(c)] += j,
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::coverage::CoverageCategory;
    use crate::base::Cost;
    use crate::load::territory::{load_territory, DataPaths};
    use crate::warnings::Warnings;

    #[test]
    fn steps_end_at_the_largest_threshold() {
        let s = Scale::new(Unit::Metres, 20_000.0);
        let v = s.steps();
        assert_eq!(v.len(), 81);
        assert_eq!(v[0], 0.0);
        assert_eq!(v[80], 20_000.0);
        assert_eq!(s.bands(), 20);
        let s = Scale::new(Unit::Minutes, 62.5);
        assert_eq!(*s.steps().last().unwrap(), 62.5);
        assert_eq!(s.bands(), 13);
    }

    /// On the embedded region: the curve, against a plain count for every
    /// step, and at the coverage thresholds, against `couverture.csv`'s
    /// figures; the distribution holds every young person once.
    #[test]
    fn the_curve_counts_as_coverage_does() {
        let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
        let b = Basics::new(&t);
        let radii = [5.0, 10.0, 15.0, 20.0].map(Cost::km);
        let coverage = b.coverage(&t, &radii, &Scope::Region);
        let scale = Scale::new(Unit::Metres, 20_000.0);
        let steps = scale.steps();
        let deps = t.departements();
        let mut scopes = vec![Scope::Region];
        scopes.extend(deps.iter().map(|d| Scope::Departement(d.clone())));
        scopes.push(Scope::Ml(3));
        for scope in &scopes {
            let curve = coverage_curve(&t, &b, scope, &steps);
            for (k, &x) in steps.iter().enumerate() {
                let plain: u64 = (0..t.communes.len())
                    .filter(|&i| scope.has_commune(&t, i))
                    .filter(|&i| b.effective_cost(i).is_some_and(|c| c <= x))
                    .map(|i| t.jeunes[i])
                    .sum();
                assert_eq!(curve.covered[k], plain, "{scope:?} at {x}");
            }
            for row in coverage
                .rows
                .iter()
                .filter(|r| r.scope == *scope && r.category == CoverageCategory::Toutes)
            {
                let k = steps.iter().position(|&x| x == row.threshold).unwrap();
                assert_eq!(curve.covered[k], row.counts.jeunes_covered, "{scope:?}");
                assert_eq!(curve.jeunes, row.counts.jeunes);
            }
            let d = distribution(&t, &b, scope, scale);
            let total = d.at_zero + d.bands.iter().sum::<u64>() + d.beyond + d.unmeasured;
            assert_eq!(total, curve.jeunes);
            // Up to each band's upper bound, the distribution adds up to the curve.
            let mut sum = d.at_zero;
            for (k, n) in d.bands.iter().enumerate() {
                sum += n;
                let x = (k + 1) as f64 * scale.band;
                let at = steps.iter().position(|&s| s == x).unwrap();
                assert_eq!(sum, curve.covered[at], "{scope:?} band {k}");
            }
            assert_eq!(d.at_zero, curve.covered[0]);
        }
    }

    /// A cost on a band's bound falls in the lower band; none is lost.
    #[test]
    fn a_bound_belongs_to_the_lower_band() {
        let scale = Scale::new(Unit::Minutes, 15.0);
        assert_eq!(scale.band_of(5.0), 0);
        assert_eq!(scale.band_of(5.001), 1);
        assert_eq!(scale.band_of(15.0), 2);
        assert_eq!(scale.band_of(0.001), 0);
        // A last band shorter than the others ends at max.
        let scale = Scale::new(Unit::Minutes, 12.0);
        assert_eq!(scale.bands(), 3);
        assert_eq!(scale.band_of(12.0), 2);
        assert_eq!(scale.band_of(10.5), 2);
    }
}
