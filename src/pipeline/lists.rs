//! `maillage missions-locales` and `maillage sites`: the Missions Locales and
//! the sites of the data, to find the codes, ids and names the other
//! commands take.

use crate::load::territory::DataPaths;
use crate::model::{ml_seat, SiteKind, Territory};
use crate::output::write::{Outputs, Table};
use crate::pipeline::Context;

/// A listing run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    /// Only the sites of this Mission Locale (code, name, part of a name or
    /// seat town); for `missions-locales`, unused.
    pub ml: Option<String>,
}

/// The name of the Missions Locales' list.
pub const ML_CSV: &str = "liste_missions_locales.csv";
/// The name of the sites' list.
pub const SITES_CSV: &str = "liste_sites.csv";

/// One row per Mission Locale: code, name, seat town, départements,
/// communes, young people, sites by type.
pub fn ml_table(t: &Territory) -> Table {
    let mut table = Table::new(&[
        "code_ml",
        "nom_ml",
        "ville_siege",
        "departements",
        "communes",
        "jeunes_16_25",
        "sieges",
        "antennes",
        "permanences",
    ]);
    for (m, ml) in t.missions_locales.iter().enumerate() {
        let members: Vec<usize> = (0..t.communes.len())
            .filter(|&i| t.ml_of_commune[i] == m)
            .collect();
        let mut deps: Vec<&str> = members
            .iter()
            .map(|&i| t.communes[i].departement.as_str())
            .collect();
        deps.sort_unstable();
        deps.dedup();
        let kind = |k: SiteKind| {
            t.sites
                .iter()
                .filter(|s| s.code_ml == ml.code && s.kind == k)
                .count()
        };
        table.push(vec![
            ml.code.clone().into(),
            ml.nom.clone().into(),
            ml_seat(t, m).map(str::to_string).into(),
            deps.join(" ").into(),
            members.len().into(),
            members.iter().map(|&i| t.jeunes[i]).sum::<u64>().into(),
            kind(SiteKind::Siege).into(),
            kind(SiteKind::Antenne).into(),
            kind(SiteKind::Permanence).into(),
        ]);
    }
    table
}

/// One row per site (of one Mission Locale, or all): id, name, type,
/// commune, Mission Locale, status.
pub fn sites_table(t: &Territory, ml: Option<usize>) -> Table {
    let mut table = Table::new(&[
        "site_id",
        "nom",
        "type",
        "code_insee",
        "commune",
        "code_ml",
        "nom_ml",
        "statut",
    ]);
    for s in &t.sites {
        if ml.is_some_and(|m| t.missions_locales[m].code != s.code_ml) {
            continue;
        }
        let commune = s
            .commune
            .as_ref()
            .and_then(|c| t.commune_index(c))
            .map(|i| t.communes[i].nom.clone());
        let nom_ml = t
            .ml_index(&s.code_ml)
            .map(|m| t.missions_locales[m].nom.clone());
        table.push(vec![
            s.id.clone().into(),
            s.nom.clone().into(),
            s.kind.code().into(),
            s.commune.as_ref().map(|c| c.to_string()).into(),
            commune.into(),
            s.code_ml.clone().into(),
            nom_ml.into(),
            s.status.code().into(),
        ]);
    }
    table
}

/// The Missions Locales: their table, and `liste_missions_locales.csv`.
pub fn missions_locales(plan: &Plan, ctx: &mut Context) -> anyhow::Result<(Table, Outputs)> {
    let t = ctx.load(&plan.data)?;
    let table = ml_table(&t);
    let mut outputs = Outputs::new();
    outputs.add_table(ML_CSV, &table, ctx.csv);
    Ok((table, outputs))
}

/// The sites (of one Mission Locale with `plan.ml`): their table, and
/// `liste_sites.csv`.
pub fn sites(plan: &Plan, ctx: &mut Context) -> anyhow::Result<(Table, Outputs)> {
    let t = ctx.load(&plan.data)?;
    let ml = match &plan.ml {
        Some(typed) => Some(crate::model::resolve_ml(&t, typed, "--ml")?),
        None => None,
    };
    let table = sites_table(&t, ml);
    let mut outputs = Outputs::new();
    outputs.add_table(SITES_CSV, &table, ctx.csv);
    Ok((table, outputs))
}
