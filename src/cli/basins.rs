//! `maillage bassins`: sizing the PAMS mobility basins.

use std::path::PathBuf;

use clap::Args;

use crate::cli::args::NetworkArgs;
use crate::cli::args::ScopeArgs;
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::basins::{self, BasinOptions, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage bassins                       10 bassins proposés, faits d'EPCI entiers
  maillage bassins --bassins perimetres_epci_bassins.csv   la table de la Région (siren_epci, bassin)
  maillage bassins --bassins bassins_communes.csv          une commune par ligne (code_insee, bassin)
  maillage bassins --nombre-bassins 8";

/// The basin options (also in `maillage rapport` and `carte`).
#[derive(Debug, Args, Clone)]
pub struct BasinsArgs {
    /// Bassins : la table de la Région par EPCI (colonnes siren_epci et
    /// bassin ; un EPCI dans deux bassins est partagé selon les voisines de
    /// ses communes) ou un CSV par commune (code_insee et bassin).
    #[arg(long = "bassins", alias = "basins", value_name = "FICHIER")]
    pub basins: Option<PathBuf>,
    /// Nombre de bassins à proposer quand aucun fichier --bassins n'est donné.
    #[arg(
        long = "nombre-bassins",
        alias = "count",
        value_name = "N",
        default_value_t = 10
    )]
    pub count: usize,
}

impl BasinsArgs {
    pub fn options(&self) -> BasinOptions {
        BasinOptions {
            basins: self.basins.clone(),
            count: self.count,
        }
    }
}

/// Dimensionne chaque bassin de mobilité : communes, population, jeunes,
/// jeunes non mobiles, jeunes sans permis, distances (ou temps avec un réseau), sites, FRR et QPV, et
/// la demande d'appui à la mobilité estimée avec les taux par département du
/// rapport 2024. Les bassins réels sont ceux de la Région (10 bassins de
/// mobilité adoptés le 27 janvier 2022, faits d'EPCI entiers) : donnez leur
/// table avec --bassins. Sans elle, propose des bassins d'un seul tenant
/// faits d'EPCI entiers, équilibrés en jeunes (une proposition, pas les
/// bassins réels), et dit leur écart à la taille moyenne. Écrit bassins.csv
/// et bassins_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct BasinsCmd {
    #[command(flatten)]
    pub basins: BasinsArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub fn run(cmd: &BasinsCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = Plan {
        network: cmd.network.plan()?,
        data: data.paths(),
        basins: cmd.basins.options(),
        scope: cmd.scope.choice(),
    };
    let outputs = basins::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
