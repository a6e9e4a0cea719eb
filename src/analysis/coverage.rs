//! Coverage: the communes, people and young people within given distances
//! of a site, by region, département and Mission Locale, split by rural
//! classement and for QPV.
//!
//! A commune is covered at threshold `R` when a site stands in it (cost
//! zero) or when its nearest site, measured from its town hall, is within
//! `R`. A QPV is covered when a site stands inside it or within `R` of its
//! interior point. Population and young people are counted whole per commune.
//! `R` and the costs are in the run's unit ([`crate::analysis::measure`]):
//! geodesic metres (`--rayons-km`), or minutes by network (`--seuils-min`).

use std::collections::BTreeMap;

use crate::analysis::distance::QpvDistance;
use crate::analysis::measure::SiteCost;
use crate::model::Scope;
use crate::model::{Classement, Territory};

/// The part of a perimeter a coverage row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CoverageCategory {
    Toutes,
    /// FRR and FRR+.
    Frr,
    Zrr,
    /// The QPV (counted as QPV: no per-QPV population is available).
    Qpv,
    /// Communes neither FRR nor ZRR.
    Autre,
}

impl CoverageCategory {
    pub fn label(self) -> &'static str {
        match self {
            CoverageCategory::Toutes => "toutes",
            CoverageCategory::Frr => "FRR",
            CoverageCategory::Zrr => "ZRR",
            CoverageCategory::Qpv => "QPV",
            CoverageCategory::Autre => "autre",
        }
    }
    fn of(c: Classement) -> CoverageCategory {
        match c {
            Classement::Frr | Classement::FrrPlus => CoverageCategory::Frr,
            Classement::ZrrMaintenue => CoverageCategory::Zrr,
            Classement::NonClassee => CoverageCategory::Autre,
        }
    }
}

/// Counts for one scope, category and threshold. For the QPV category,
/// `places` counts QPV and the population fields stay zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CoverageCounts {
    pub places: u64,
    pub places_covered: u64,
    pub population: u64,
    pub population_covered: u64,
    pub jeunes: u64,
    pub jeunes_covered: u64,
    /// Places and young people the run's measure took (all of them as the
    /// crow flies; by network, not those too far from it).
    pub places_measured: u64,
    pub jeunes_measured: u64,
}

/// One row of the coverage table.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageRow {
    pub scope: Scope,
    pub category: CoverageCategory,
    /// The threshold, in the unit of the costs.
    pub threshold: f64,
    pub counts: CoverageCounts,
}

/// Whether a place whose nearest site costs `nearest`, with `sites_inside`
/// sites, is covered at `threshold`.
pub fn is_covered(nearest: Option<&SiteCost>, sites_inside: usize, threshold: f64) -> bool {
    sites_inside > 0 || nearest.is_some_and(|n| n.value <= threshold)
}

/// The coverage table, sorted by scope, category and radius. Integer counts
/// only, so the result is exact and independent of any order.
///
/// `nearest[i]` and `sites_in_commune[i]` are for commune `i`; `qpv[j]`
/// (where QPV `j` is measured from), `qpv_nearest[j]` and `sites_in_qpv[j]`
/// for QPV `j`; `measured` tells which communes and QPV the measure took.
#[allow(clippy::too_many_arguments)]
pub fn coverage(
    t: &Territory,
    nearest: &[Option<SiteCost>],
    sites_in_commune: &[usize],
    qpv: &[QpvDistance],
    qpv_nearest: &[Option<SiteCost>],
    sites_in_qpv: &[usize],
    radii: &[f64],
    (measured, qpv_measured): (&[bool], &[bool]),
    run: &Scope,
) -> Vec<CoverageRow> {
    let mut acc: BTreeMap<(Scope, CoverageCategory, usize), CoverageCounts> = BTreeMap::new();
    for (i, c) in t.communes.iter().enumerate() {
        let scopes = Scope::perimeters_of_commune(t, i, run);
        for (r, radius) in radii.iter().enumerate() {
            let covered = is_covered(nearest[i].as_ref(), sites_in_commune[i], *radius);
            for scope in &scopes {
                for cat in [
                    CoverageCategory::Toutes,
                    CoverageCategory::of(t.classement[i]),
                ] {
                    let e = acc.entry((scope.clone(), cat, r)).or_default();
                    e.places += 1;
                    e.population += c.population;
                    e.jeunes += t.jeunes[i];
                    if measured[i] {
                        e.places_measured += 1;
                        e.jeunes_measured += t.jeunes[i];
                    }
                    if covered {
                        e.places_covered += 1;
                        e.population_covered += c.population;
                        e.jeunes_covered += t.jeunes[i];
                    }
                }
            }
        }
    }
    for (j, q) in qpv.iter().enumerate() {
        let scopes = Scope::perimeters_of_qpv(t, j, q.commune, run);
        for (r, radius) in radii.iter().enumerate() {
            let covered = is_covered(qpv_nearest[j].as_ref(), sites_in_qpv[j], *radius);
            for scope in &scopes {
                let e = acc
                    .entry((scope.clone(), CoverageCategory::Qpv, r))
                    .or_default();
                e.places += 1;
                if qpv_measured[j] {
                    e.places_measured += 1;
                }
                if covered {
                    e.places_covered += 1;
                }
            }
        }
    }
    acc.into_iter()
        .map(|((scope, category, r), counts)| CoverageRow {
            scope,
            category,
            threshold: radii[r],
            counts,
        })
        .collect()
}
