//! What-if scenarios: open, close or move sites and compare coverage and
//! distances before and after. Moving a site is removing its id and adding
//! it back at its new position.

use std::path::Path;

use crate::analysis::basics::Basics;
use crate::analysis::whatif::{CandidatePoint, MAIRIE_PREFIX};
use crate::error::{Error, Location};
use crate::load::changes::{Action, ChangeLine};
use crate::model::{Site, SiteKind, SiteStatus, Territory};

/// Why a scenario cannot be applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// Each unknown id, with the closest ids or names (at most three).
    #[error("--fermer : {}", unknown_ids(.0))]
    UnknownIds(Vec<(String, Vec<String>)>),
    #[error("l'id de site « {0} » est ajouté deux fois, ou ajouté alors qu'un site existant le garde (retirez aussi ce site pour le déplacer)")]
    DuplicateId(String),
    #[error(
        "rien à comparer : donnez --ouvrir FICHIER et/ou --fermer IDS, ou --changements FICHIER"
    )]
    Empty,
}

/// `aucun site n'a l'id X ; vouliez-vous dire : …`, for each unknown id.
fn unknown_ids(ids: &[(String, Vec<String>)]) -> String {
    ids.iter()
        .map(|(id, near)| {
            format!(
                "aucun site n'a l'id {id}{}",
                crate::model::did_you_mean(near)
            )
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// At most three sites whose id or name is closest to `typed`, as
/// `id (nom)`.
pub fn site_suggestions(t: &Territory, typed: &str) -> Vec<String> {
    let names: Vec<[&str; 2]> = t
        .sites
        .iter()
        .map(|s| [s.id.as_str(), s.nom.as_str()])
        .collect();
    let names: Vec<Vec<&str>> = names.iter().map(|n| n.to_vec()).collect();
    crate::base::text::suggest(typed, &names, 3)
        .into_iter()
        .map(|j| format!("{} ({})", t.sites[j].id, t.sites[j].nom))
        .collect()
}

/// The territory after the change: the sites of `t` minus `remove`, plus
/// `add`, sorted by id like every territory.
pub fn apply(t: &Territory, add: &[Site], remove: &[String]) -> Result<Territory, ScenarioError> {
    if add.is_empty() && remove.is_empty() {
        return Err(ScenarioError::Empty);
    }
    let unknown: Vec<(String, Vec<String>)> = remove
        .iter()
        .filter(|id| t.sites.binary_search_by(|s| s.id.as_str().cmp(id)).is_err())
        .map(|id| (id.clone(), site_suggestions(t, id)))
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
