//! Population-weighted distance summaries by region, département and Mission
//! Locale, split by rural classement, and for QPV.

use std::collections::BTreeMap;

use crate::analysis::basics::Basics;
use crate::analysis::stats::{summarise, WeightedSummary};
use crate::model::{Classement, Scope, Territory};

/// The part of the perimeter a row summarises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    /// Every commune.
    Toutes,
    Frr,
    FrrPlus,
    Zrr,
    /// Communes not classified FRR, FRR+ or ZRR.
    Autre,
    /// The QPV, each counted once (no per-QPV population is available).
    Qpv,
}

impl Category {
    pub fn label(self) -> &'static str {
        match self {
            Category::Toutes => "toutes",
            Category::Frr => "FRR",
            Category::FrrPlus => "FRR+",
            Category::Zrr => "ZRR",
            Category::Autre => "autre",
            Category::Qpv => "QPV",
        }
    }
    fn of(c: Classement) -> Category {
        match c {
            Classement::Frr => Category::Frr,
            Classement::FrrPlus => Category::FrrPlus,
            Classement::ZrrMaintenue => Category::Zrr,
            Classement::NonClassee => Category::Autre,
        }
    }
}

/// What the summary is weighted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weight {
    Population,
    Jeunes,
    /// One per QPV.
    Qpv,
}

impl Weight {
    pub fn label(self) -> &'static str {
        match self {
            Weight::Population => "population",
            Weight::Jeunes => "jeunes_16_25",
            Weight::Qpv => "qpv (non pondéré)",
        }
    }
}

/// One summary: distance in km, or time in minutes, to the nearest site.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub scope: Scope,
    pub category: Category,
    pub weight: Weight,
    /// Number of places (communes or QPV) behind the row.
    pub places: usize,
    pub summary: WeightedSummary,
    /// Places of the row's perimeter and category the run's measure took,
    /// with their weight, out of all of them (by network, those too far
    /// from it are not measured; as the crow flies, all are).
    pub measured: (usize, f64),
    pub all: (usize, f64),
}

/// Summarises the costs of the nearest sites, in km or minutes (the costs'
/// unit as people read it), by scope × category × weight. A commune (or
/// QPV) with a site standing in it counts at zero, as coverage counts it
/// ([`Basics::effective_cost`]). Rows are sorted by scope, category and
/// weight; rows with no weight are left out. `run` is the run's perimeter
/// ([`Scope::perimeters_of_commune`]).
pub fn distance_summaries(t: &Territory, b: &Basics, run: &Scope) -> Vec<SummaryRow> {
    let unit = b.costs.unit;
    let qpv = &b.qpv;
    type Key = (Scope, Category, Weight);
    let mut groups: BTreeMap<Key, Vec<(f64, f64)>> = BTreeMap::new();
    // (measured, all): places and weight.
    let mut counts: BTreeMap<Key, [(usize, f64); 2]> = BTreeMap::new();
    let measured = b.costs.measured_communes(t.communes.len());
    let mut count = |key: Key, weight: f64, m: bool| {
        let e = counts.entry(key).or_default();
        e[1].0 += 1;
        e[1].1 += weight;
        if m {
            e[0].0 += 1;
            e[0].1 += weight;
        }
    };
    for (i, c) in t.communes.iter().enumerate() {
        let scopes = Scope::perimeters_of_commune(t, i, run);
        for scope in &scopes {
            for cat in [Category::Toutes, Category::of(t.classement[i])] {
                count(
                    (scope.clone(), cat, Weight::Population),
                    c.population as f64,
                    measured[i],
                );
                count(
                    (scope.clone(), cat, Weight::Jeunes),
                    t.jeunes[i] as f64,
                    measured[i],
                );
            }
        }
        let Some(cost) = b.effective_cost(i) else {
            continue;
        };
        let d = unit.shown(cost);
        for scope in scopes {
            for cat in [Category::Toutes, Category::of(t.classement[i])] {
                groups
                    .entry((scope.clone(), cat, Weight::Population))
                    .or_default()
                    .push((d, c.population as f64));
                groups
                    .entry((scope.clone(), cat, Weight::Jeunes))
                    .or_default()
                    .push((d, t.jeunes[i] as f64));
            }
        }
    }
    let qpv_measured = b.costs.measured_qpv(t.qpv.len());
    for (j, q) in qpv.iter().enumerate() {
        let scopes = Scope::perimeters_of_qpv(t, j, q.commune, run);
        for scope in &scopes {
            count(
                (scope.clone(), Category::Qpv, Weight::Qpv),
                1.0,
                qpv_measured[j],
            );
        }
        let Some(cost) = b.effective_qpv_cost(j) else {
            continue;
        };
        for scope in scopes {
            groups
                .entry((scope, Category::Qpv, Weight::Qpv))
                .or_default()
                .push((unit.shown(cost), 1.0));
        }
    }
    groups
        .into_iter()
        .filter_map(|((scope, category, weight), values)| {
            let places = values.len();
            let [measured, all] = counts
                .get(&(scope.clone(), category, weight))
                .copied()
                .unwrap_or_default();
            summarise(&values).map(|summary| SummaryRow {
                scope,
                category,
                weight,
                places,
                summary,
                measured,
                all,
            })
        })
        .collect()
}
