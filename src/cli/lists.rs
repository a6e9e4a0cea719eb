//! `maillage missions-locales` and `maillage sites`: the codes, ids and
//! names the other commands take, on the terminal and as CSV.

use clap::Args;

use crate::cli::args::{parse_ml, MlArg};
use crate::cli::{DataArgs, EXIT_OK};
use crate::output::text::aligned;
use crate::pipeline::lists::{self, Plan};
use crate::pipeline::Context;

const ML_EXAMPLES: &str = "\
Exemples :
  maillage missions-locales
  maillage missions-locales --csv rfc4180 --out /tmp/listes";

const SITES_EXAMPLES: &str = "\
Exemples :
  maillage sites --ml Arras
  maillage sites --ml \"pays d'artois\" --out /tmp/listes
  maillage sites --sites mes_sites.csv";

/// Liste les Missions Locales des données : code, nom, ville du siège,
/// départements, communes, jeunes et sites par type. L'affiche et l'écrit
/// dans liste_missions_locales.csv.
#[derive(Debug, Args)]
#[command(after_long_help = ML_EXAMPLES)]
pub struct MissionsLocalesArgs {}

/// Liste les sites d'accueil (d'une Mission Locale avec --ml) : identifiant,
/// nom, type, commune, Mission Locale et statut. L'affiche et l'écrit dans
/// liste_sites.csv.
#[derive(Debug, Args)]
#[command(after_long_help = SITES_EXAMPLES)]
pub struct SitesArgs {
    /// Les sites d'une seule Mission Locale : son code (62041), son nom, une
    /// partie de son nom ou la ville de son siège (Arras).
    #[arg(long, value_name = "ML", value_parser = parse_ml)]
    pub ml: Option<MlArg>,
}

pub fn run_missions_locales(
    _: &MissionsLocalesArgs,
    data: &DataArgs,
    ctx: &mut Context,
) -> anyhow::Result<u8> {
    let plan = Plan {
        data: data.paths(),
        ml: None,
    };
    let (table, outputs) = lists::missions_locales(&plan, ctx)?;
    ctx.write(&outputs)?;
    print!(
        "{}",
        aligned(
            &table,
            &[
                "Code",
                "Mission Locale",
                "Siège",
                "Dép.",
                "Communes",
                "Jeunes",
                "Sièges",
                "Antennes",
                "Permanences",
            ]
        )
    );
    Ok(EXIT_OK)
}

pub fn run_sites(args: &SitesArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = Plan {
        data: data.paths(),
        ml: args.ml.as_ref().map(|m| m.0.clone()),
    };
    let (table, outputs) = lists::sites(&plan, ctx)?;
    ctx.write(&outputs)?;
    print!(
        "{}",
        aligned(
            &table,
            &[
                "Id",
                "Nom",
                "Type",
                "Code INSEE",
                "Commune",
                "ML",
                "Mission Locale",
                "Statut"
            ]
        )
    );
    Ok(EXIT_OK)
}
