//! Population-weighted distance summaries by region, département and Mission
//! Locale, split by rural classement, and for QPV.

use std::collections::BTreeMap;

use crate::analysis::basics::Costs;
use crate::analysis::distance::QpvDistance;
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
}

/// Summarises the costs of the nearest sites, in km or minutes (the costs'
/// unit as people read it), by scope × category × weight. Rows are sorted
/// by scope, category and weight; rows with no weight are left out.
/// `qpv[j]` tells where QPV `j` lies.
pub fn distance_summaries(t: &Territory, costs: &Costs, qpv: &[QpvDistance]) -> Vec<SummaryRow> {
    let nearest = &costs.communes;
    type Key = (Scope, Category, Weight);
    let mut groups: BTreeMap<Key, Vec<(f64, f64)>> = BTreeMap::new();
    for (i, c) in t.communes.iter().enumerate() {
        let Some(n) = &nearest[i] else { continue };
        let d = costs.unit.shown(n.value);
        let scopes = [
            Scope::Region,
            Scope::Departement(c.departement.clone()),
            Scope::Ml(t.ml_of_commune[i]),
        ];
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
    for (j, q) in qpv.iter().enumerate() {
        let Some(n) = &costs.qpv[j] else { continue };
        let mut scopes = vec![
            Scope::Region,
            Scope::Departement(t.qpv[j].departement.clone()),
        ];
        if let Some(c) = q.commune {
            scopes.push(Scope::Ml(t.ml_of_commune[c]));
        }
        for scope in scopes {
            groups
                .entry((scope, Category::Qpv, Weight::Qpv))
                .or_default()
                .push((costs.unit.shown(n.value), 1.0));
        }
    }
    groups
        .into_iter()
        .filter_map(|((scope, category, weight), values)| {
            let places = values.len();
            summarise(&values).map(|summary| SummaryRow {
                scope,
                category,
                weight,
                places,
                summary,
            })
        })
        .collect()
}
