//! `maillage hotspots`: where non-mobile young people have no site within reach.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::hotspots::{clusters, estimates, HotspotParams};
use crate::analysis::results::HotspotResults;
use crate::base::Unit;
use crate::cli::args::{
    by_unit, parse_km, parse_minutes, parse_share, Km, Minutes, NetworkArgs, Share,
};
use crate::cli::reseau::RunNetwork;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::model::Territory;

const EXAMPLES: &str = "\
Exemples :
  maillage hotspots
  maillage hotspots --reach-km 5 --non-mobile-rate 0.25
  maillage hotspots --reseau hauts-de-france.reseau --mode marche --reach-min 20
  maillage hotspots --sites mes_sites.csv --out /tmp/foyers";

/// The hotspot options (also in `maillage report` and `map`).
#[derive(Debug, Args, Clone)]
pub struct HotspotsArgs {
    /// Part des jeunes qui ne peuvent pas sortir de leur commune (entre 0 et 1).
    #[arg(long, value_name = "RATE", default_value = "0.32", value_parser = parse_share)]
    pub non_mobile_rate: Share,
    /// Portée à pied ou à vélo, en km à vol d'oiseau : un site plus loin de
    /// la mairie est hors de portée. Par défaut 3.
    #[arg(long, value_name = "KM", value_parser = parse_km)]
    pub reach_km: Option<Km>,
    /// Portée en minutes par le mode choisi, avec --reseau et --mode. Par
    /// défaut 15 (le « quart d'heure » de proximité).
    #[arg(long, value_name = "MIN", value_parser = parse_minutes)]
    pub reach_min: Option<Minutes>,
}

/// Default of `--reach-km`.
const DEFAULT_REACH_KM: f64 = 3.0;
/// Default of `--reach-min`.
const DEFAULT_REACH_MIN: f64 = 15.0;

impl HotspotsArgs {
    /// The parameters of the analysis, the reach in `unit`.
    pub fn params(&self, unit: Unit) -> anyhow::Result<HotspotParams> {
        let reach = by_unit(
            unit,
            (self.reach_km.map(|k| k.0), "--reach-km", DEFAULT_REACH_KM),
            (
                self.reach_min.map(|m| m.0),
                "--reach-min",
                DEFAULT_REACH_MIN,
            ),
        )?;
        Ok(HotspotParams {
            non_mobile_rate: self.non_mobile_rate.0,
            reach: unit.from_shown(reach),
        })
    }
}

/// Estime, par commune, les jeunes qui ne peuvent pas la quitter (32 % par
/// défaut, rapport 2024) sans site dans la commune ni à portée à pied ou à
/// vélo (3 km, ou avec un réseau 15 minutes par le mode choisi), regroupe ces communes voisines en foyers et les classe.
/// Écrit hotspots.csv (les foyers), hotspots.geojson et
/// hotspots_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct HotspotsCmd {
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Estimates the non-mobile young people out of reach and clusters them.
pub fn analyse(t: &Territory, b: &Basics, p: &HotspotParams, ctx: &mut Context) -> HotspotResults {
    ctx.progress.step("communes voisines");
    let adjacency = b.adjacency(t);
    ctx.progress.step("points chauds de non-mobilité");
    let est = estimates(t, b, p);
    let found = clusters(t, b, &est, adjacency);
    HotspotResults::new(est, found, b.costs.unit, p.reach)
}

pub fn run(cmd: &HotspotsCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let p = cmd.hotspots.params(cmd.network.unit()?)?;
    let t = ctx.load(data)?;
    let net = RunNetwork::open(&cmd.network, ctx)?;
    ctx.progress.step("distances");
    let mut r = net.results(&t, ctx);
    r.hotspots = Some(analyse(&t, &r.basics, &p, ctx));
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
