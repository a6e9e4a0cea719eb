//! What-if scenarios: open, close or move sites and compare coverage and
//! distances before and after. Moving a site is removing its id and adding
//! it back at its new position.

use std::path::Path;

use crate::analysis::basics::Basics;
use crate::analysis::summary::{distance_summaries, SummaryRow};
use crate::analysis::whatif::{CandidatePoint, MAIRIE_PREFIX};
use crate::error::{Error, Location};
use crate::load::changes::{Action, ChangeLine};
use crate::model::{Site, SiteKind, SiteStatus, Territory};

/// Why a scenario cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    #[error("--remove : aucun site n'a l'id {}", .0.join(", "))]
    UnknownIds(Vec<String>),
    #[error("l'id de site « {0} » est ajouté deux fois, ou ajouté alors qu'un site existant le garde (retirez aussi ce site pour le déplacer)")]
    DuplicateId(String),
    #[error("rien à comparer : donnez --add FICHIER et/ou --remove IDS, ou --changements FICHIER")]
    Empty,
}

/// The territory after the change: the sites of `t` minus `remove`, plus
/// `add`, sorted by id like every territory.
pub fn apply(t: &Territory, add: &[Site], remove: &[String]) -> Result<Territory, ScenarioError> {
    if add.is_empty() && remove.is_empty() {
        return Err(ScenarioError::Empty);
    }
    let unknown: Vec<String> = remove
        .iter()
        .filter(|id| t.sites.binary_search_by(|s| s.id.as_str().cmp(id)).is_err())
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return Err(ScenarioError::UnknownIds(unknown));
    }
    let mut after = t.clone();
    after.sites.retain(|s| !remove.contains(&s.id));
    after.sites.extend(add.iter().cloned());
    after.sites.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = after.sites.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(ScenarioError::DuplicateId(w[0].id.clone()));
    }
    Ok(after)
}

/// A commune whose nearest site or distance changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub commune: usize,
    /// Site id and cost (metres, or minutes by network) before and after;
    /// a site standing in the commune counts as cost zero.
    pub before: Option<(String, f64)>,
    pub after: Option<(String, f64)>,
}

impl Change {
    /// After minus before, in the costs' unit (None when either side has no
    /// site).
    pub fn delta(&self) -> Option<f64> {
        Some(self.after.as_ref()?.1 - self.before.as_ref()?.1)
    }
}

fn effective(t: &Territory, b: &Basics, i: usize) -> Option<(String, f64)> {
    let n = b.costs.communes[i].as_ref()?;
    let d = b.effective_cost(i)?;
    Some((t.sites[n.site].id.clone(), d))
}

/// The communes whose nearest site (by id) or cost changes by more than
/// 0.001 (a millimetre, or 0.06 s by network), the largest change first
/// (then INSEE order).
pub fn changes(
    before_t: &Territory,
    before: &Basics,
    after_t: &Territory,
    after: &Basics,
) -> Vec<Change> {
    let mut v: Vec<Change> = (0..before_t.communes.len())
        .filter_map(|i| {
            let b = effective(before_t, before, i);
            let a = effective(after_t, after, i);
            let same = match (&b, &a) {
                (Some(x), Some(y)) => x.0 == y.0 && (x.1 - y.1).abs() <= 1e-3,
                (None, None) => true,
                _ => false,
            };
            (!same).then_some(Change {
                commune: i,
                before: b,
                after: a,
            })
        })
        .collect();
    v.sort_by(|x, y| {
        let dx = x.delta().map_or(f64::INFINITY, f64::abs);
        let dy = y.delta().map_or(f64::INFINITY, f64::abs);
        dy.total_cmp(&dx).then(x.commune.cmp(&y.commune))
    });
    v
}

/// The sites a scenario file opens and the ids it closes
/// ([`crate::load::changes`]): opening a point opens a permanence with the
/// point's id (`mairie-80829`…), at the point, in the commune it stands
/// in, run by that commune's Mission Locale — exactly what the page does.
/// `candidates` are [`crate::analysis::whatif::candidate_points`]; `path`
/// names the file in messages. A point opened twice, or an id closed twice,
/// is an error naming its line.
pub fn from_changes(
    t: &Territory,
    path: &Path,
    lines: &[ChangeLine],
    candidates: &[CandidatePoint],
) -> Result<(Vec<Site>, Vec<String>), Error> {
    let by_id: std::collections::BTreeMap<&str, &CandidatePoint> = candidates
        .iter()
        .map(|c| (c.candidate.id.as_str(), c))
        .collect();
    let mut add: Vec<Site> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    for l in lines {
        let at = Location::Line(l.line);
        match l.action {
            Action::Fermer => {
                let id = l.id.clone().unwrap_or_default();
                if t.sites.binary_search_by(|s| s.id.cmp(&id)).is_err() {
                    return Err(Error::field(
                        path,
                        at,
                        "id",
                        format!("aucun site n'a l'id « {id} »"),
                    ));
                }
                if remove.contains(&id) {
                    return Err(Error::field(
                        path,
                        at,
                        "id",
                        format!("le site « {id} » est déjà fermé plus haut"),
                    ));
                }
                remove.push(id);
            }
            Action::Ouvrir => {
                let (field, id) = match (&l.id, &l.code_insee) {
                    (Some(id), _) => ("id", id.clone()),
                    (None, Some(code)) => ("code_insee", format!("{MAIRIE_PREFIX}{code}")),
                    (None, None) => ("id", String::new()),
                };
                let Some(c) = by_id.get(id.as_str()) else {
                    return Err(Error::field(
                        path,
                        at,
                        field,
                        format!(
                            "aucun point candidat « {id} » (attendu mairie-<code INSEE>, \
                             fs-<id France services> ou qpv-<code QPV> d'une commune du \
                             territoire)"
                        ),
                    ));
                };
                let Some(i) = c.candidate.commune else {
                    return Err(Error::field(path, at, field, "point hors du territoire"));
                };
                let commune = &t.communes[i];
                if let Some(code) = &l.code_insee {
                    if code != commune.code.as_str() {
                        return Err(Error::field(
                            path,
                            at,
                            "code_insee",
                            format!(
                                "le point « {id} » est dans la commune {} ({}), pas {code}",
                                commune.nom, commune.code
                            ),
                        ));
                    }
                }
                if add.iter().any(|s| s.id == id) {
                    return Err(Error::field(
                        path,
                        at,
                        field,
                        format!("le point « {id} » est déjà ouvert plus haut"),
                    ));
                }
                add.push(Site {
                    id,
                    code_ml: t.missions_locales[t.ml_of_commune[i]].code.clone(),
                    nom: c.candidate.nom.clone(),
                    kind: SiteKind::Permanence,
                    commune: Some(commune.code.clone()),
                    position: c.candidate.position,
                    status: SiteStatus::Substitut,
                    source: "scénario".into(),
                });
            }
        }
    }
    Ok((add, remove))
}

/// The distance summaries of a scenario, by the rule of its coverage and
/// of its list of communes: a commune with a site standing in it counts at
/// zero (and a QPV with a site inside it). `distances_synthese.csv`
/// measured such a commune from its town hall; the page's what-if figures
/// follow this rule, and `scenario_indicateurs.csv` gives the same.
pub fn summaries(t: &Territory, b: &Basics) -> Vec<SummaryRow> {
    let mut costs = b.costs.clone();
    for (i, c) in costs.communes.iter_mut().enumerate() {
        if b.sites_in_commune[i] > 0 {
            // As `Basics::effective_cost`: zero even where the measure
            // found no way (a commune too far from the network).
            let at = c.map_or(0, |c| c.site);
            *c = Some(crate::analysis::measure::Cost {
                site: at,
                value: 0.0,
                length_m: Some(0.0),
            });
        }
    }
    for (j, c) in costs.qpv.iter_mut().enumerate() {
        if b.sites_in_qpv[j] > 0 {
            if let Some(c) = c.as_mut() {
                c.value = 0.0;
            }
        }
    }
    distance_summaries(t, &costs, &b.qpv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::summarise;
    use crate::analysis::summary::{Category, Weight};
    use crate::load::territory::{load_territory, DataPaths};
    use crate::model::Scope;
    use crate::warnings::Warnings;

    /// The scenario's means count a commune with a site in it at zero: the
    /// region's young-people-weighted mean is the plain weighted mean of
    /// the effective costs, in km.
    #[test]
    fn scenario_summaries_count_a_site_in_the_commune_at_zero() {
        let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
        let b = Basics::new(&t);
        let rows = summaries(&t, &b);
        let got = rows
            .iter()
            .find(|r| {
                r.scope == Scope::Region
                    && r.category == Category::Toutes
                    && r.weight == Weight::Jeunes
            })
            .unwrap();
        let values: Vec<(f64, f64)> = (0..t.communes.len())
            .filter_map(|i| Some((b.effective_cost(i)? / 1000.0, t.jeunes[i] as f64)))
            .collect();
        let expected = summarise(&values).unwrap();
        assert_eq!(got.summary, expected);
        // Not the town hall's distance: some communes with a site are not at 0.
        assert!((0..t.communes.len()).any(
            |i| b.sites_in_commune[i] > 0 && b.costs.communes[i].is_some_and(|c| c.value > 0.0)
        ));
    }
}
