//! `maillage controle`: reconciles the data with the reports' figures.

use std::path::PathBuf;

use crate::analysis::check::{reconcile, CheckRow, Verdict};
use crate::load::reference::read_figures;
use crate::load::territory::DataPaths;
use crate::model::places::{Level, REPORTS_REGION};
use crate::output::write::{Cell, Outputs, Table};
use crate::pipeline::Context;

/// A check run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    /// The reference figures; `None`: the embedded `seeds/chiffres_cles.csv`.
    pub reference: Option<PathBuf>,
}

/// What a check found.
pub struct Check {
    /// `controle_donnees.csv`.
    pub outputs: Outputs,
    pub rows: Vec<CheckRow>,
    /// The territory's name when it is not the reports' (Hauts-de-France):
    /// most figures then cannot be compared.
    pub other_territory: Option<String>,
}

/// The verdict as the table and the terminal write it.
pub fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Ok => "ok".to_string(),
        Verdict::Explained(why) => format!("écart expliqué : {why}"),
        Verdict::Unexplained => "ÉCART NON EXPLIQUÉ".to_string(),
        Verdict::NotChecked(why) => format!("non vérifié ({why})"),
    }
}

/// Loads the data and the reference figures and reconciles them.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Check> {
    let t = ctx.load(&plan.data)?;
    ctx.progress.step("rapprochement avec les rapports");
    let figures = read_figures(plan.reference.as_deref(), &mut ctx.warnings)?;
    let rows = reconcile(&t, &figures);
    let other_territory =
        (t.name.level != Level::Region(REPORTS_REGION.to_string())).then(|| t.name.name.clone());
    let mut table = Table::new(&[
        "id",
        "indicateur",
        "perimetre",
        "valeur_rapport",
        "valeur_donnees",
        "obtenue_par",
        "statut",
        "source",
        "ligne",
    ]);
    for r in &rows {
        table.push(vec![
            r.figure.id.clone().into(),
            r.figure.indicateur.clone().into(),
            r.figure.perimetre.clone().into(),
            Cell::Float(
                r.figure.valeur,
                if r.figure.valeur.fract() == 0.0 { 0 } else { 1 },
            ),
            r.data.map_or(Cell::Empty, |d| {
                Cell::Float(d, if d.fract() == 0.0 { 0 } else { 1 })
            }),
            r.data_note.clone().into(),
            verdict_text(&r.verdict).into(),
            r.figure.source.clone().into(),
            // No line for a figure that is not from a report's text.
            (r.figure.ligne > 0).then_some(r.figure.ligne).into(),
        ]);
    }
    let mut outputs = Outputs::new();
    outputs.add("controle_donnees.csv", table.to_csv(ctx.csv));
    Ok(Check {
        outputs,
        rows,
        other_territory,
    })
}
