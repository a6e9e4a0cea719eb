//! `maillage basins`: sizing the PAMS mobility basins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::basins::{
    basins_from_ml, ml_adjacency, propose_basins, size_basins, Basins, DemandRates,
};
use crate::analysis::results::{BasinResults, Results};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::load::layers::code_table;
use crate::load::reference::read_figures;
use crate::load::territory::read_file;
use crate::model::figures::Figure;
use crate::model::{Territory, DEPARTEMENTS};
use crate::warnings::Warnings;

const EXAMPLES: &str = "\
Exemples :
  maillage basins                       10 bassins proposés, faits de territoires entiers de ML
  maillage basins --basins bassins.csv  les bassins réels (colonnes code_insee, bassin)
  maillage basins --count 8";

/// Dimensionne chaque bassin de mobilité : communes, population, jeunes,
/// jeunes non mobiles, jeunes sans permis, distances, sites, FRR et QPV, et
/// la demande d'appui à la mobilité estimée avec les taux par département du
/// rapport 2024. Sans --basins, propose des bassins faits de territoires
/// entiers de Missions Locales, équilibrés en jeunes (une proposition, pas
/// les bassins PAMS réels, dont la liste n'est pas publiée). Écrit
/// bassins.csv et bassins_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct BasinsArgs {
    /// Bassins : CSV avec les colonnes code_insee et bassin (son nom).
    #[arg(long, value_name = "FILE")]
    pub basins: Option<PathBuf>,
    /// Nombre de bassins à proposer quand aucun fichier --basins n'est donné.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub count: usize,
}

/// Reads the report's rates from the reference figures.
pub fn demand_rates(figures: &[Figure]) -> anyhow::Result<DemandRates> {
    let value = |id: &str| {
        figures
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.valeur)
            .ok_or_else(|| anyhow::anyhow!("reference figure {id} missing from the reference file"))
    };
    let mut by_departement = BTreeMap::new();
    for (d, _) in DEPARTEMENTS {
        by_departement.insert(
            d.to_string(),
            (
                value(&format!("ic_jeunes_accompagnes_{d}"))?,
                value(&format!("ic_appui_mobilite_{d}"))? / 100.0,
            ),
        );
    }
    Ok(DemandRates {
        non_mobile_rate: value("non_mobiles")? / 100.0,
        licence_rate: value("permis")? / 100.0,
        by_departement,
    })
}

fn read_basins(path: &Path, t: &Territory, warnings: &mut Warnings) -> Result<Basins, Error> {
    let layer = read_file(path, warnings)?;
    let mut table = code_table(&layer, |f| {
        f.require_text(path, &["bassin", "nom_bassin", "code_bassin"])
            .map(|(_, s)| s)
    })?;
    let mut names: Vec<String> = table.values().map(|(n, _)| n.clone()).collect();
    names.sort();
    names.dedup();
    let of_commune = t
        .communes
        .iter()
        .map(|c| match table.remove(&c.code) {
            Some((n, _)) => names.binary_search(&n).ok(),
            None => {
                warnings.add(
                    path,
                    "commune absent from the basin file: in no basin",
                    c.code.to_string(),
                );
                None
            }
        })
        .collect();
    for (code, (_, loc)) in table {
        warnings.add(
            path,
            "commune unknown to the commune layer: row ignored",
            format!("{loc} ({code})"),
        );
    }
    Ok(Basins {
        names,
        of_commune,
        proposed: false,
    })
}

/// Reads or proposes the basins, and sizes them.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    args: &BasinsArgs,
    ctx: &mut Context,
) -> anyhow::Result<BasinResults> {
    if args.basins.is_none() && args.count == 0 {
        anyhow::bail!("--count 0 : demandez au moins un bassin");
    }
    // The proposal joins whole ML territories: a territory with fewer MLs
    // than basins asked gets one basin per ML, and says so.
    let n = t.missions_locales.len();
    let count = args.count.min(n);
    if args.basins.is_none() && count < args.count {
        ctx.warnings.add(
            Path::new("--count"),
            "moins de Missions Locales que de bassins demandés : un bassin par Mission Locale",
            format!("{} demandés, {n} Missions Locales", args.count),
        );
    }
    ctx.progress.step("bassins de mobilité");
    let rates = demand_rates(&read_figures(None, &mut ctx.warnings)?)?;
    let basins = match &args.basins {
        Some(p) => read_basins(p, t, &mut ctx.warnings)?,
        None => {
            let ml_adj = ml_adjacency(t, b.adjacency(t));
            basins_from_ml(t, &propose_basins(t, &ml_adj, count))
        }
    };
    let sizes = size_basins(t, b, &basins, &rates);
    Ok(BasinResults { basins, sizes })
}

pub fn run(args: &BasinsArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let t = ctx.load(data)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    r.basins = Some(analyse(&t, &r.basics, args, ctx)?);
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
