//! `maillage report`: the whole pipeline on the given (or embedded) data.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::cli::basins::BasinsArgs;
use crate::cli::coverage::CoverageArgs;
use crate::cli::distance::DistanceArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::{basins, coverage, distance, hotspots, Context, DataArgs, EXIT_OK};
use crate::io::write::Outputs;

const EXAMPLES: &str = "\
Examples:
  maillage report
  maillage report --out /tmp/maillage --csv rfc4180
  maillage report --sites geodata/sites.csv --grid-m 500 --quiet";

/// Runs every analysis with its defaults and writes the results into --out:
/// communes.csv (with the accessibility scores), qpv.csv,
/// grille_distance.csv, distances_synthese.csv, couverture.csv, hotspots.csv,
/// hotspots.geojson, hotspots_communes.csv, bassins.csv, bassins_communes.csv,
/// and with --write-access-costs couts_acces.csv and scores_acces.csv.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ReportArgs {
    #[command(flatten)]
    pub distance: DistanceArgs,
    #[command(flatten)]
    pub coverage: CoverageArgs,
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub basins: BasinsArgs,
}

pub fn run(args: &ReportArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = args.distance.plan(ctx)?;
    let radii = args.coverage.radii()?;
    let hotspot_params = args.hotspots.params()?;
    let t = ctx.load(data)?;
    ctx.progress.step("distances");
    let b = Basics::new(&t);
    let mut outputs = Outputs::new();
    distance::compute(&t, &b, &plan, ctx, &mut outputs);
    ctx.progress.step("couverture");
    coverage::compute(&t, &b, &radii, ctx, &mut outputs);
    hotspots::compute(&t, &b, &hotspot_params, ctx, &mut outputs);
    basins::compute(&t, &b, &args.basins, ctx, &mut outputs)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
