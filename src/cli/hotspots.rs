//! `maillage hotspots`: where non-mobile young people have no site within reach.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::hotspots::{clusters, estimates, HotspotParams};
use crate::analysis::results::{HotspotResults, Results};
use crate::cli::args::{parse_km, parse_share, Km, Share};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::model::Territory;

const EXAMPLES: &str = "\
Exemples :
  maillage hotspots
  maillage hotspots --reach-km 5 --non-mobile-rate 0.25
  maillage hotspots --sites mes_sites.csv --out /tmp/foyers";

/// Estime, par commune, les jeunes qui ne peuvent pas la quitter (32 % par
/// défaut, rapport 2024) sans site dans la commune ni à portée à pied ou à
/// vélo (3 km), regroupe ces communes voisines en foyers et les classe.
/// Écrit hotspots.csv (les foyers), hotspots.geojson et
/// hotspots_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct HotspotsArgs {
    /// Part des jeunes qui ne peuvent pas sortir de leur commune (entre 0 et 1).
    #[arg(long, value_name = "RATE", default_value = "0.32", value_parser = parse_share)]
    pub non_mobile_rate: Share,
    /// Portée à pied ou à vélo, en km : un site plus loin de la mairie est
    /// hors de portée.
    #[arg(long, value_name = "KM", default_value = "3", value_parser = parse_km)]
    pub reach_km: Km,
}

impl HotspotsArgs {
    /// The parameters of the analysis.
    pub fn params(&self) -> HotspotParams {
        HotspotParams {
            non_mobile_rate: self.non_mobile_rate.0,
            reach: self.reach_km.meters(),
        }
    }
}

/// Estimates the non-mobile young people out of reach and clusters them.
pub fn analyse(t: &Territory, b: &Basics, p: &HotspotParams, ctx: &mut Context) -> HotspotResults {
    ctx.progress.step("communes voisines");
    let adjacency = b.adjacency(t);
    ctx.progress.step("points chauds de non-mobilité");
    let est = estimates(t, b, p);
    let found = clusters(t, b, &est, adjacency);
    HotspotResults::new(est, found)
}

pub fn run(args: &HotspotsArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let p = args.params();
    let t = ctx.load(data)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    r.hotspots = Some(analyse(&t, &r.basics, &p, ctx));
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
