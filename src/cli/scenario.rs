//! `maillage scenario`: what opening, closing or moving sites changes.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::coverage::CoverageCategory;
use crate::analysis::results::{CoverageResults, Results, ScenarioResults};
use crate::analysis::scenario::{apply, changes};
use crate::cli::args::NetworkArgs;
use crate::cli::coverage::CoverageArgs;
use crate::cli::reseau::RunNetwork;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::load::territory::read_sites;
use crate::model::Scope;
use crate::output::french;

const EXAMPLES: &str = "\
Exemples :
  maillage scenario --remove 02168-S00
  maillage scenario --add nouveaux_sites.csv
  maillage scenario --add deplace.csv --remove 80620-S00      (déplacer un site : le fermer, le rouvrir ailleurs)
  maillage scenario --changements scenario.csv                (le scénario exporté de synthese.html)";

/// Compare la couverture et les distances avant et après un changement de
/// sites, par région, département et Mission Locale, et liste les communes
/// dont le site le plus proche change. Écrit scenario_indicateurs.csv et
/// scenario_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct ScenarioArgs {
    /// Sites à ouvrir : un fichier au format de --sites
    /// (site_id,code_ml,nom,type,code_insee,lon,lat,statut,source).
    #[arg(long, value_name = "FILE")]
    pub add: Option<PathBuf>,
    /// Identifiants des sites à fermer, séparés par des virgules.
    #[arg(long, value_name = "ID,ID,…")]
    pub remove: Option<String>,
    /// Changements à appliquer : le fichier « Exporter le scénario » de
    /// synthese.html (action;id;code_insee;type;nom, une ligne par
    /// ouverture ou fermeture ; voir le README).
    #[arg(long, value_name = "FICHIER")]
    pub changements: Option<PathBuf>,
    #[command(flatten)]
    pub coverage: CoverageArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
}

pub fn run(args: &ScenarioArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let unit = args.network.unit()?;
    let radii = args.coverage.thresholds(unit)?;
    let remove: Vec<String> = args
        .remove
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let t = ctx.load(data)?;
    let mut add = match &args.add {
        Some(p) => read_sites(p, &t, &mut ctx.warnings)?,
        None => Vec::new(),
    };
    let mut remove = remove;
    if let Some(p) = &args.changements {
        let lines = crate::load::changes::read_changes(p, &mut ctx.warnings)?;
        let fs = crate::load::changes::france_services()?;
        let points = crate::analysis::whatif::candidate_points(&t, (fs.ids, fs.names, fs.points));
        let (a, r) = crate::analysis::scenario::from_changes(&t, p, &lines, &points)?;
        add.extend(a);
        remove.extend(r);
    }
    let after = apply(&t, &add, &remove)?;
    let net = RunNetwork::open(&args.network, ctx)?;
    ctx.progress.step("scénario");
    let b0 = net.basics(&t, ctx);
    let b1 = Basics::measured(&after, &net.measure());
    net.warn_unsnapped_sites(ctx, &b1.costs.unsnapped_sites, &|j| {
        after.sites[j].id.clone()
    });
    let coverage = [b0.coverage(&t, &radii), b1.coverage(&after, &radii)];
    let summaries = [
        crate::analysis::scenario::summaries(&t, &b0),
        crate::analysis::scenario::summaries(&after, &b1),
    ];
    let changed = changes(&t, &b0, &after, &b1);
    let middle = radii[(radii.len() - 1) / 2];
    let region_jeunes = |c: &CoverageResults| {
        c.rows
            .iter()
            .find(|r| {
                r.scope == Scope::Region
                    && r.category == CoverageCategory::Toutes
                    && r.threshold == middle
            })
            .map_or(0, |r| r.counts.jeunes_covered)
    };
    let (j0, j1) = (region_jeunes(&coverage[0]), region_jeunes(&coverage[1]));
    ctx.progress.say(&format!(
        "scénario : +{} site(s), −{} site(s) ; jeunes à moins de {} : {} → {} ({:+}) ; {} communes changent de site le plus proche",
        add.len(),
        remove.len(),
        french::threshold(unit, middle),
        french::int(j0),
        french::int(j1),
        j1 as i64 - j0 as i64,
        changed.len()
    ));
    let mut r = Results::new(b0);
    r.scenario = Some(ScenarioResults {
        coverage,
        summaries,
        changes: changed,
    });
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
