//! The French tables written by the commands: column names and formats in
//! one place, so every command writes the same columns the same way.

use crate::index::Nearest;
use crate::io::write::{Cell, Table};
use crate::model::{Territory, YouthSource};

/// Columns of `communes.csv`.
pub const COMMUNES_COLUMNS: &[&str] = &[
    "code_insee",
    "nom",
    "departement",
    "code_ml",
    "nom_ml",
    "classement",
    "population",
    "jeunes_16_25",
    "jeunes_16_25_source",
    "site_plus_proche",
    "type_site_plus_proche",
    "ml_site_plus_proche",
    "statut_site_plus_proche",
    "distance_km",
    "sites_ex_aequo",
    "site_dans_commune",
    "nb_sites_commune",
    "point_de_mesure",
];

/// How the young-people column is labelled in tables.
pub fn youth_label(t: &Territory) -> &'static str {
    match t.jeunes_source {
        YouthSource::EstimatedFromRegionalTotal { .. } => "estimation",
        YouthSource::File(_) => "fichier",
    }
}

/// One row per commune, in INSEE order: where it stands, who covers it, and
/// its nearest site. `nearest[i]` and `site_counts[i]` are for commune `i`.
pub fn communes_table(t: &Territory, nearest: &[Option<Nearest>], site_counts: &[usize]) -> Table {
    let mut table = Table::new(COMMUNES_COLUMNS);
    let youth = youth_label(t);
    for (i, c) in t.communes.iter().enumerate() {
        let ml = &t.missions_locales[t.ml_of_commune[i]];
        let n = nearest[i].as_ref();
        let site = n.map(|n| &t.sites[n.site]);
        table.push(vec![
            c.code.as_str().into(),
            c.nom.clone().into(),
            c.departement.clone().into(),
            ml.code.clone().into(),
            ml.nom.clone().into(),
            t.classement[i].code().into(),
            c.population.into(),
            t.jeunes[i].into(),
            youth.into(),
            site.map(|s| s.id.clone()).into(),
            site.map(|s| s.kind.code()).into(),
            site.map(|s| s.code_ml.clone()).into(),
            site.map(|s| s.status.code()).into(),
            n.map_or(Cell::Empty, |n| Cell::Float(n.distance.km(), 3)),
            n.map_or(Cell::Empty, |n| {
                Cell::Text(n.ties.iter().map(|&j| t.sites[j].id.as_str()).collect::<Vec<_>>().join("|"))
            }),
            (site_counts[i] > 0).into(),
            site_counts[i].into(),
            c.reference_kind.label().into(),
        ]);
    }
    table
}
