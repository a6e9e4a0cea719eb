//! `maillage scenario`: what opening, closing or moving sites changes.

use std::path::PathBuf;

use clap::Args;

use crate::cli::args::{NetworkArgs, ScopeArgs};
use crate::cli::coverage::CoverageArgs;
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::scenario::{self, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage scenario --fermer 02168-S00
  maillage scenario --ouvrir nouveaux_sites.csv
  maillage scenario --ouvrir deplace.csv --fermer 80620-S00      (déplacer un site : le fermer, le rouvrir ailleurs)
  maillage scenario --changements scenario.csv                   (le scénario exporté de synthese.html)";

/// Compare la couverture et les distances avant et après un changement de
/// sites, par région, département et Mission Locale, et liste les communes
/// dont le site le plus proche change. Écrit scenario_indicateurs.csv et
/// scenario_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct ScenarioArgs {
    /// Sites à ouvrir : un fichier au format de --sites
    /// (site_id,code_ml,nom,type,code_insee,lon,lat,statut,source).
    #[arg(long = "ouvrir", alias = "add", value_name = "FICHIER")]
    pub add: Option<PathBuf>,
    /// Identifiants des sites à fermer, séparés par des virgules.
    #[arg(long = "fermer", alias = "remove", value_name = "ID,ID,…")]
    pub remove: Option<String>,
    /// Changements à appliquer : le fichier « Exporter le scénario » de
    /// synthese.html (action;id;code_insee;type;nom, une ligne par
    /// ouverture ou fermeture ; voir docs/sorties.md).
    #[arg(long, value_name = "FICHIER")]
    pub changements: Option<PathBuf>,
    #[command(flatten)]
    pub coverage: CoverageArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub fn run(args: &ScenarioArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = args.network.plan()?;
    let plan = Plan {
        thresholds: args.coverage.thresholds(network.unit())?,
        data: data.paths(),
        network,
        open: args.add.clone(),
        changes: args.changements.clone(),
        scope: args.scope.choice(),
        close: args
            .remove
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    };
    let outputs = scenario::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
