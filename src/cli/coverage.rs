//! `maillage coverage`: communes, people and young people within given
//! distances of a site.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::results::Results;
use crate::cli::args::{parse_radii, Radii};
use crate::cli::{Context, DataArgs, EXIT_OK};

const EXAMPLES: &str = "\
Examples:
  maillage coverage
  maillage coverage --radius-km 3,5,10
  maillage coverage --sites mes_sites.csv --csv rfc4180";

/// The population and young people within each radius of a site, and the
/// share, by region, département and Mission Locale, split by FRR, ZRR, QPV
/// and other communes. A site in the commune itself counts as distance zero.
/// Writes couverture.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct CoverageArgs {
    /// Radii in km, separated by commas (decimal point: 7.5).
    #[arg(long, value_name = "KM,KM,…", default_value = "5,10,15,20", value_parser = parse_radii)]
    pub radius_km: Radii,
}

pub fn run(args: &CoverageArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let radii = args.radius_km.meters();
    let t = ctx.load(data)?;
    ctx.progress.step("couverture");
    let mut r = Results::new(Basics::new(&t));
    r.coverage = Some(r.basics.coverage(&t, &radii));
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
