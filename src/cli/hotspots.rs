//! `maillage points-chauds`: where non-mobile young people have no site
//! within reach.

use clap::Args;

use crate::analysis::hotspots::HotspotParams;
use crate::base::{Km, Minutes, Share, Unit};
use crate::cli::args::ScopeArgs;
use crate::cli::args::{by_unit, parse_km, parse_minutes, parse_share, NetworkArgs};
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::hotspots::{self, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage points-chauds
  maillage points-chauds --portee-km 5 --part-non-mobiles 0.25
  maillage points-chauds --reseau hauts-de-france.reseau --mode marche --portee-min 20
  maillage points-chauds --sites mes_sites.csv --out /tmp/foyers";

/// The hotspot options (also in `maillage rapport` and `carte`).
#[derive(Debug, Args, Clone)]
pub struct HotspotsArgs {
    /// Part des jeunes qui ne peuvent pas sortir de leur commune (entre 0 et 1).
    #[arg(long = "part-non-mobiles", alias = "non-mobile-rate", value_name = "PART", default_value = "0.32", value_parser = parse_share)]
    pub non_mobile_rate: Share,
    /// Portée à pied ou à vélo, en km à vol d'oiseau : un site plus loin de
    /// la mairie est hors de portée. Par défaut 3.
    #[arg(long = "portee-km", alias = "reach-km", value_name = "KM", value_parser = parse_km)]
    pub reach_km: Option<Km>,
    /// Portée en minutes par le mode choisi, avec --reseau et --mode. Par
    /// défaut 15 (le « quart d'heure » de proximité).
    #[arg(long = "portee-min", alias = "reach-min", value_name = "MIN", value_parser = parse_minutes)]
    pub reach_min: Option<Minutes>,
}

/// Default of `--portee-km`.
const DEFAULT_REACH_KM: f64 = 3.0;
/// Default of `--portee-min`.
const DEFAULT_REACH_MIN: f64 = 15.0;

impl HotspotsArgs {
    /// The parameters of the analysis, the reach in `unit`.
    pub fn params(&self, unit: Unit) -> anyhow::Result<HotspotParams> {
        let reach = by_unit(
            unit,
            (self.reach_km.map(|k| k.0), "--portee-km", DEFAULT_REACH_KM),
            (
                self.reach_min.map(|m| m.0),
                "--portee-min",
                DEFAULT_REACH_MIN,
            ),
        )?;
        Ok(HotspotParams {
            non_mobile_rate: self.non_mobile_rate.0,
            reach: unit.cost(unit.from_shown(reach)),
        })
    }
}

/// Estime, par commune, les jeunes qui ne peuvent pas la quitter (32 % par
/// défaut, rapport 2024) sans site dans la commune ni à portée à pied ou à
/// vélo (3 km, ou avec un réseau 15 minutes par le mode choisi), regroupe
/// ces communes voisines en foyers et les classe. Écrit hotspots.csv (les
/// foyers), hotspots.geojson et hotspots_communes.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct HotspotsCmd {
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub fn run(cmd: &HotspotsCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = cmd.network.plan()?;
    let plan = Plan {
        params: cmd.hotspots.params(network.unit())?,
        scope: cmd.scope.choice(),
        data: data.paths(),
        network,
    };
    let outputs = hotspots::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
