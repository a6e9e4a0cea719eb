//! `maillage controle`: reconciles the data with the reports' figures.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::check::{CheckRow, Verdict};
use crate::cli::{DataArgs, EXIT_OK, EXIT_UNEXPLAINED};
use crate::pipeline::check_data::{self, verdict_text, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage controle
  maillage controle --communes ADMIN-EXPRESS/COMMUNE.shp
  maillage controle --reference seeds/chiffres_cles.csv --out /tmp/controle";

/// Compare les données chargées aux chiffres des rapports d'activité 2024 et
/// écrit controle_donnees.csv. Sort avec le statut 3 si un écart n'a pas de
/// raison documentée.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct CheckDataArgs {
    /// Chiffres de référence (par défaut : seeds/chiffres_cles.csv, embarqué).
    #[arg(long, value_name = "FICHIER")]
    pub reference: Option<PathBuf>,
}

fn fmt_value(x: Option<f64>) -> String {
    match x {
        None => "—".to_string(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

pub fn run(args: &CheckDataArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = Plan {
        data: data.paths(),
        reference: args.reference.clone(),
    };
    let check = check_data::run(&plan, ctx)?;
    let rows = &check.rows;
    if let Some(name) = &check.other_territory {
        // Said plainly, before the table: most figures cannot be compared.
        println!(
            "Le territoire chargé ({name}) n'est pas celui des rapports d'activité \
             (Hauts-de-France) : seuls les chiffres des départements présents et les \
             contrôles internes des rapports sont vérifiés."
        );
    }
    check.outputs.write_all(&ctx.out)?;
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
