//! Reads a table of mobility basins, in either form it is published in:
//! by commune (`code_insee`, `bassin`, as `bassins_communes.csv` writes it)
//! or by EPCI (`siren_epci`, `bassin`, as the Region publishes its
//! « Périmètres à l'EPCI des bassins de mobilité des Hauts-de-France »). The
//! form is told by the columns of the first row.

use crate::error::{Error, Location};
use crate::load::features::RawLayer;
use crate::load::layers::{code_table, CodeTable};

/// Names the basin column is found under.
const BASIN: &[&str] = &[
    "bassin",
    "nom_bassin",
    "code_bassin",
    "bassin_mobilite",
    "bassin_de_mobilite",
    "nom_bassin_mobilite",
];
/// Names the EPCI's SIREN is found under.
const SIREN: &[&str] = &["siren_epci", "epci_siren", "siren", "code_epci", "epci"];
/// Names the commune's code is found under (as the other layers read it).
const COMMUNE: &[&str] = &["code_insee", "insee_com", "codgeo", "code_commune", "insee"];

/// A basin table as read.
#[derive(Debug, Clone, PartialEq)]
pub enum BasinTable {
    /// One basin per commune.
    ByCommune(CodeTable<String>),
    /// `(SIREN, basin, where)` rows: an EPCI may appear in two basins.
    ByEpci(Vec<(String, String, Location)>),
}

/// Reads the rows of `layer` as a basin table.
pub fn basin_table(layer: &RawLayer) -> Result<BasinTable, Error> {
    let path = layer.path.as_path();
    let Some(first) = layer.features.first() else {
        return Err(Error::file(
            path,
            "aucun bassin : attendu une ligne par commune (code_insee, bassin) ou par EPCI \
             (siren_epci, bassin)",
        ));
    };
    if first.has(COMMUNE) {
        let table = code_table(layer, |f| f.require_text(path, BASIN).map(|(_, s)| s))?;
        return Ok(BasinTable::ByCommune(table));
    }
    if !first.has(SIREN) {
        return Err(Error::record(
            path,
            first.location.clone(),
            "attendu une colonne code_insee (une ligne par commune) ou siren_epci (une ligne \
             par EPCI, comme la Région publie ses bassins)",
        ));
    }
    let mut rows = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let (field, siren) = f.require_text(path, SIREN)?;
        let siren: String = siren.chars().filter(|c| !c.is_whitespace()).collect();
        if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::field(
                path,
                f.location.clone(),
                field,
                format!("attendu les 9 chiffres du SIREN d'un EPCI, trouvé « {siren} »"),
            ));
        }
        let (_, basin) = f.require_text(path, BASIN)?;
        rows.push((siren, basin, f.location.clone()));
    }
    Ok(BasinTable::ByEpci(rows))
}
