//! The scenario file `maillage scenario --changements` reads, as the page's
//! « Exporter le scénario » writes it: one change per line,
//!
//! ```text
//! action;id;code_insee;type;nom
//! ouvrir;mairie-80829;80829;mairie;Mairie de Y
//! ouvrir;fs-123;59350;france-services;France services de Lille
//! fermer;02168-S00;02292;site;Siège de Château-Thierry
//! ```
//!
//! `action` is `ouvrir` (open a permanence at a candidate point) or
//! `fermer` (close a site). `id` names the candidate point
//! (`mairie-<INSEE>`, `fs-<id>`, `qpv-<code>`: see
//! [`crate::analysis::whatif::candidate_points`]) or the site; to open at a
//! town hall, `code_insee` alone is enough. `type` and `nom` are there for
//! the reader and are not read. Separators `;`, `,` or tab; UTF-8 or
//! Windows-1252. The points are resolved by
//! [`crate::analysis::scenario::from_changes`].
//!
//! Also the embedded France services as points, for the candidates.

use std::path::Path;

use crate::error::{Error, Location};
use crate::load::points::NamedPoints;
use crate::warnings::Warnings;

/// What a line asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Ouvrir,
    Fermer,
}

/// One line of a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLine {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub action: Action,
    /// The `id` column, when filled.
    pub id: Option<String>,
    /// The `code_insee` column, when filled.
    pub code_insee: Option<String>,
}

/// Reads a scenario file.
pub fn read_changes(path: &Path, warnings: &mut Warnings) -> Result<Vec<ChangeLine>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_changes(path, &bytes, warnings)
}

/// Parses a scenario file's bytes; `path` names it in messages.
pub fn parse_changes(
    path: &Path,
    bytes: &[u8],
    warnings: &mut Warnings,
) -> Result<Vec<ChangeLine>, Error> {
    let layer = crate::load::csv_in::parse_csv(path, bytes, warnings)?;
    let mut out = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let line = match f.location {
            Location::Line(l) | Location::LineOf { line: l, .. } => l,
            _ => 0,
        };
        let (field, a) = f.require_text(path, &["action"])?;
        let action = match a.to_lowercase().as_str() {
            "ouvrir" => Action::Ouvrir,
            "fermer" => Action::Fermer,
            _ => {
                return Err(Error::field(
                    path,
                    f.location.clone(),
                    field,
                    format!("attendu ouvrir ou fermer, trouvé « {a} »"),
                ))
            }
        };
        let id = f.text(&["id", "site_id", "candidat"]).map(|(_, s)| s);
        let code_insee = f.text(&["code_insee"]).map(|(_, s)| s);
        match action {
            Action::Fermer if id.is_none() => {
                return Err(f.missing(path, &["id"], "l'identifiant du site à fermer"))
            }
            Action::Ouvrir if id.is_none() && code_insee.is_none() => {
                return Err(f.missing(
                    path,
                    &["id", "code_insee"],
                    "l'identifiant du point où ouvrir (mairie-…, fs-…, qpv-…) ou le code INSEE \
                     de la commune",
                ))
            }
            _ => {}
        }
        out.push(ChangeLine {
            line,
            action,
            id,
            code_insee,
        });
    }
    if out.is_empty() {
        return Err(Error::file(
            path,
            "aucun changement : le fichier a un en-tête mais aucune ligne",
        ));
    }
    Ok(out)
}

/// The embedded France services (`geodata/france_services.csv`) as points,
/// the candidates of `placement --candidates france-services`.
pub fn france_services() -> Result<NamedPoints, Error> {
    let f = crate::load::territory::defaults::FRANCE_SERVICES;
    crate::load::points::parse_points(Path::new(f.name), f.bytes, &mut Warnings::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_page_export_and_names_bad_lines() {
        let p = Path::new("scenario.csv");
        let mut w = Warnings::new();
        let text = "\u{feff}action;id;code_insee;type;nom\nouvrir;mairie-80829;80829;mairie;Mairie de Y\nfermer;02168-S00;02292;site;Siège\nouvrir;;59350;;\n";
        let got = parse_changes(p, text.as_bytes(), &mut w).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].action, Action::Ouvrir);
        assert_eq!(got[0].id.as_deref(), Some("mairie-80829"));
        assert_eq!(got[1].line, 3);
        assert_eq!(got[2].id, None);
        assert_eq!(got[2].code_insee.as_deref(), Some("59350"));
        let bad = parse_changes(p, b"action;id\ndeplacer;X\n", &mut w).unwrap_err();
        let msg = bad.to_string();
        assert!(
            msg.contains("scenario.csv") && msg.contains("ligne 2"),
            "{msg}"
        );
        assert!(msg.contains("action") && msg.contains("deplacer"), "{msg}");
        let bad = parse_changes(p, b"action;id\nfermer;\n", &mut w).unwrap_err();
        assert!(bad.to_string().contains("id"), "{bad}");
    }

    #[test]
    fn embedded_france_services_are_read() {
        let fs = france_services().unwrap();
        // 205 rows (some addresses span several lines).
        assert_eq!(fs.ids.len(), 205);
    }
}
