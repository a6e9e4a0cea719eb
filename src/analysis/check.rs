//! Reconciles the loaded data with the figures of the activity reports
//! (`seeds/chiffres_cles.csv`): each figure is compared with the value the
//! data gives, and a difference is either documented (the file says why, for
//! exactly the value the data gives) or reported as unexplained.

use std::collections::BTreeMap;

use crate::model::figures::{Control, Figure};
use crate::model::places::{Level, REPORTS_REGION};
use crate::model::{SiteKind, Territory, DEPARTEMENTS};

/// The verdict on one figure.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Ok,
    Explained(String),
    Unexplained,
    /// Not checked (parameter or reference); the text says why.
    NotChecked(&'static str),
}

/// One line of the reconciliation.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRow {
    pub figure: Figure,
    /// The value from the data (or from the report's other figures, for the
    /// internal checks), when there is one.
    pub data: Option<f64>,
    /// How the data value was obtained, for the reader.
    pub data_note: String,
    pub verdict: Verdict,
}

/// Computes a data metric for a perimeter (`region` or a département).
/// `None` for an unknown metric name.
pub fn metric(t: &Territory, name: &str, perimetre: &str) -> Option<f64> {
    let in_dep = |d: &str| perimetre == "region" || d == perimetre;
    let communes = || {
        t.communes
            .iter()
            .zip(&t.classement)
            .filter(|(c, _)| in_dep(&c.departement))
    };
    let sites = |k: Option<SiteKind>| {
        t.sites
            .iter()
            .filter(|s| k.is_none_or(|k| s.kind == k))
            .count() as f64
    };
    Some(match name {
        "communes" => communes().count() as f64,
        "frr" => communes().filter(|(_, cl)| cl.is_frr()).count() as f64,
        "zrr" => communes()
            .filter(|(_, cl)| **cl == crate::model::Classement::ZrrMaintenue)
            .count() as f64,
        "qpv" => t.qpv.iter().filter(|q| in_dep(&q.departement)).count() as f64,
        "missions_locales" => t
            .missions_locales
            .iter()
            .filter(|m| m.code != "SANS_ML")
            .count() as f64,
        "sites" => sites(None),
        "sites_siege" => sites(Some(SiteKind::Siege)),
        "sites_antenne" => sites(Some(SiteKind::Antenne)),
        "sites_permanence" => sites(Some(SiteKind::Permanence)),
        "jeunes_16_25" => t.jeunes.iter().sum::<u64>() as f64,
        // The census 15–24 count of the communes (embedded census file, in
        // tenths), rounded half up to a whole person: the base of the
        // 16–25 of the communes (model::youth).
        "jeunes_15_24_recensement" => {
            let census = crate::load::census::census_15_24().ok()?;
            let tenths: u64 = communes()
                .filter_map(|(c, _)| census.get(c.code.as_str()))
                .sum();
            ((tenths + 5) / 10) as f64
        }
        "part_jeunes" => {
            let pop: u64 = t.communes.iter().map(|c| c.population).sum();
            if pop == 0 {
                return Some(0.0);
            }
            100.0 * t.jeunes.iter().sum::<u64>() as f64 / pop as f64
        }
        _ => return None,
    })
}

/// How close a data value must be to the report's to count as equal: exact
/// for counts, half a point for a percentage the report rounds to a whole or
/// tenth.
fn tolerance(f: &Figure) -> f64 {
    if f.unite == "%" {
        if f.valeur.fract() == 0.0 {
            0.5
        } else {
            0.05
        }
    } else {
        1e-9
    }
}

/// Reconciles every figure. Rows keep the order of `figures`.
pub fn reconcile(t: &Territory, figures: &[Figure]) -> Vec<CheckRow> {
    // The report's département values of each internal-check family, by
    // the id without its perimeter suffix.
    let mut families: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for f in figures {
        if matches!(
            f.control,
            Control::SumOfDepartements | Control::WithinDepartements
        ) {
            if let Some((base, _)) = f.id.rsplit_once('_') {
                families
                    .entry(base.to_string())
                    .or_default()
                    .insert(f.perimetre.clone(), f.valeur);
            }
        }
    }
    // A figure of the data is compared only where the territory loaded holds
    // the figure's perimeter: the whole reports' région, or the département.
    let departements = t.departements();
    let holds = |perimetre: &str| {
        if perimetre == "region" {
            t.name.level == Level::Region(REPORTS_REGION.to_string())
        } else {
            departements.iter().any(|d| d == perimetre)
        }
    };
    figures
        .iter()
        .map(|f| {
            let (data, data_note) = match &f.control {
                Control::Metric(_) if !holds(&f.perimetre) => (None, String::new()),
                Control::Metric(m) => (metric(t, m, &f.perimetre), format!("données : {m}")),
                Control::SumOfDepartements | Control::WithinDepartements
                    if f.perimetre == "region" =>
                {
                    let deps: Vec<f64> =
                        f.id.rsplit_once('_')
                            .and_then(|(b, _)| families.get(b))
                            .map(|fam| {
                                DEPARTEMENTS
                                    .iter()
                                    .filter_map(|(d, _)| fam.get(*d).copied())
                                    .collect()
                            })
                            .unwrap_or_default();
                    if deps.len() != DEPARTEMENTS.len() {
                        (None, "départements incomplets".to_string())
                    } else if f.control == Control::SumOfDepartements {
                        (
                            Some(deps.iter().sum()),
                            "somme des départements du rapport".to_string(),
                        )
                    } else {
                        let (lo, hi) = deps
                            .iter()
                            .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
                        // The value shown is the nearest end of the range.
                        (
                            Some(f.valeur.clamp(lo, hi)),
                            format!("départements entre {lo} et {hi}"),
                        )
                    }
                }
                _ => (None, String::new()),
            };
            let verdict = match (&f.control, data) {
                (Control::Metric(_), _) if !holds(&f.perimetre) => {
                    Verdict::NotChecked("périmètre du rapport absent du territoire chargé")
                }
                (Control::Parameter, _) => Verdict::NotChecked("paramètre par défaut des analyses"),
                (Control::Reference, _) => Verdict::NotChecked(
                    "référence : rien dans les données ne permet de la vérifier",
                ),
                (Control::SumOfDepartements | Control::WithinDepartements, _)
                    if f.perimetre != "region" =>
                {
                    Verdict::NotChecked("vérifié avec la ligne région")
                }
                (_, None) => Verdict::Unexplained,
                (c, Some(d)) => {
                    // Sums of rounded amounts may differ by half a unit per part.
                    let tol = if *c == Control::SumOfDepartements {
                        0.5 * DEPARTEMENTS.len() as f64
                    } else {
                        tolerance(f)
                    };
                    if (d - f.valeur).abs() <= tol {
                        Verdict::Ok
                    } else if !f.explication.is_empty()
                        && f.expected_data.is_none_or(|e| (e - d).abs() <= 1e-9)
                    {
                        Verdict::Explained(f.explication.clone())
                    } else {
                        Verdict::Unexplained
                    }
                }
            };
            CheckRow {
                figure: f.clone(),
                data,
                data_note,
                verdict,
            }
        })
        .collect()
}
