//! Reads the reports' reference figures (`seeds/chiffres_cles.csv`, embedded).

use std::path::Path;

use crate::error::Error;
use crate::load::csv_in;
use crate::load::features::parse_number;
use crate::load::territory::Embedded;
use crate::model::figures::{Control, Figure};
use crate::warnings::Warnings;

/// The embedded copy of `seeds/chiffres_cles.csv`.
pub const CHIFFRES_CLES: Embedded = Embedded {
    name: "seeds/chiffres_cles.csv",
    bytes: include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/chiffres_cles.csv"
    )),
};

/// Reads the figures from a file, or the embedded copy.
pub fn read_figures(path: Option<&Path>, warnings: &mut Warnings) -> Result<Vec<Figure>, Error> {
    let layer = match path {
        Some(p) => csv_in::read_csv(p, warnings)?,
        None => csv_in::parse_csv(Path::new(CHIFFRES_CLES.name), CHIFFRES_CLES.bytes, warnings)?,
    };
    let p = layer.path.as_path();
    layer
        .features
        .iter()
        .map(|f| {
            let text = |k: &str| f.text(&[k]).map(|(_, s)| s).unwrap_or_default();
            let (_, id) = f.require_text(p, &["id"])?;
            let valeur = f
                .number(p, &["valeur"])?
                .map(|(_, x)| x)
                .ok_or_else(|| Error::field(p, f.location.clone(), "valeur", "manquant"))?;
            let control = match text("controle").as_str() {
                "somme_departements" => Control::SumOfDepartements,
                "moyenne_departements" => Control::WithinDepartements,
                "parametre" => Control::Parameter,
                "reference" | "" => Control::Reference,
                m => Control::Metric(m.to_string()),
            };
            let expected_data = match text("valeur_donnees_attendue").as_str() {
                "" => None,
                s => Some(parse_number(s).ok_or_else(|| {
                    Error::field(
                        p,
                        f.location.clone(),
                        "valeur_donnees_attendue",
                        format!("attendu un nombre, trouvé « {s} »"),
                    )
                })?),
            };
            Ok(Figure {
                id,
                indicateur: text("indicateur"),
                perimetre: text("perimetre"),
                valeur,
                unite: text("unite"),
                source: text("source"),
                ligne: text("ligne").parse().unwrap_or(0),
                control,
                expected_data,
                explication: text("explication"),
            })
        })
        .collect()
}
