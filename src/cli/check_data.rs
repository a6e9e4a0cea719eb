//! `maillage check-data`: reconciles the data with the reports' figures.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::check::{reconcile, CheckRow, Verdict};
use crate::cli::{Context, DataArgs, EXIT_OK, EXIT_UNEXPLAINED};
use crate::load::reference::read_figures;
use crate::model::places::{Level, REPORTS_REGION};
use crate::output::write::{Cell, Outputs, Table};

const EXAMPLES: &str = "\
Exemples :
  maillage check-data
  maillage check-data --communes ADMIN-EXPRESS/COMMUNE.shp
  maillage check-data --reference seeds/chiffres_cles.csv --out /tmp/controle";

/// Compare les données chargées aux chiffres des rapports d'activité 2024 et
/// écrit controle_donnees.csv. Sort avec le statut 3 si un écart n'a pas de
/// raison documentée.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct CheckDataArgs {
    /// Chiffres de référence (par défaut : seeds/chiffres_cles.csv, embarqué).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
}

fn fmt_value(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Ok => "ok".to_string(),
        Verdict::Explained(why) => format!("écart expliqué : {why}"),
        Verdict::Unexplained => "ÉCART NON EXPLIQUÉ".to_string(),
        Verdict::NotChecked(why) => format!("non vérifié ({why})"),
    }
}

pub fn run(args: &CheckDataArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let t = ctx.load(data)?;
    ctx.progress.step("rapprochement avec les rapports");
    let figures = read_figures(args.reference.as_deref(), &mut ctx.warnings)?;
    let rows = reconcile(&t, &figures);
    if t.name.level != Level::Region(REPORTS_REGION.to_string()) {
        // Said plainly, before the table: most figures cannot be compared.
        println!(
            "Le territoire chargé ({}) n'est pas celui des rapports d'activité \
             (Hauts-de-France) : seuls les chiffres des départements présents et les \
             contrôles internes des rapports sont vérifiés.",
            t.name.name
        );
    }

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
    outputs.write_all(&ctx.out)?;
    ctx.progress.finish();

    // The verdicts go to stdout: they are this command's result.
    let shown: Vec<&CheckRow> = rows
        .iter()
        .filter(|r| {
            !matches!(
                r.verdict,
                Verdict::NotChecked("vérifié avec la ligne région")
            )
        })
        .collect();
    println!(
        "{:<38} {:>9} {:>11} {:>11}  statut",
        "chiffre", "périmètre", "rapport", "données"
    );
    for r in &shown {
        println!(
            "{:<38} {:>9} {:>11} {:>11}  {}",
            r.figure.id,
            r.figure.perimetre,
            fmt_value(Some(r.figure.valeur)),
            fmt_value(r.data),
            verdict_text(&r.verdict)
        );
    }
    let unexplained = rows
        .iter()
        .filter(|r| r.verdict == Verdict::Unexplained)
        .count();
    let ok = rows.iter().filter(|r| r.verdict == Verdict::Ok).count();
    let explained = rows
        .iter()
        .filter(|r| matches!(r.verdict, Verdict::Explained(_)))
        .count();
    println!(
        "{ok} ok, {explained} écarts expliqués, {unexplained} écarts non expliqués (détail : {})",
        ctx.out.join("controle_donnees.csv").display()
    );
    Ok(if unexplained > 0 {
        EXIT_UNEXPLAINED
    } else {
        EXIT_OK
    })
}
