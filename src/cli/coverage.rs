//! `maillage coverage`: communes, people and young people within given
//! distances of a site.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::results::Results;
use crate::cli::args::{parse_radii, Radii};
use crate::cli::{Context, DataArgs, EXIT_OK};

const EXAMPLES: &str = "\
Exemples :
  maillage coverage
  maillage coverage --radius-km 3,5,10
  maillage coverage --sites mes_sites.csv --csv rfc4180";

/// La population et les jeunes à moins de chaque rayon d'un site, et leur
/// part, par région, département et Mission Locale, en distinguant les
/// communes FRR, ZRR, les QPV et les autres communes. Un site dans la commune
/// compte pour une distance nulle. Écrit couverture.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct CoverageArgs {
    /// Rayons en km, séparés par des virgules (point décimal : 7.5).
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
