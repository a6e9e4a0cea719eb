//! `maillage couverture`: communes, people and young people within given
//! distances of a site.

use clap::Args;

use crate::base::{Cost, Unit};
use crate::cli::args::ScopeArgs;
use crate::cli::args::{by_unit, parse_minutes_list, parse_radii, MinutesList, NetworkArgs, Radii};
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::coverage::{self, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage couverture
  maillage couverture --rayons-km 3,5,10
  maillage couverture --reseau hauts-de-france.reseau --mode velo --seuils-min 10,20,30
  maillage couverture --sites mes_sites.csv --csv rfc4180";

/// The coverage thresholds (also in `maillage rapport` and `scenario`).
#[derive(Debug, Args, Clone)]
pub struct CoverageArgs {
    /// Rayons en km à vol d'oiseau, séparés par des virgules (point décimal :
    /// 7.5). Par défaut 5,10,15,20.
    #[arg(long = "rayons-km", alias = "radius-km", value_name = "KM,KM,…", value_parser = parse_radii)]
    pub radius_km: Option<Radii>,
    /// Seuils de temps de parcours en minutes, avec --reseau et --mode
    /// marche, velo, voiture ou transport. Par défaut 15,30,45,60.
    #[arg(long, value_name = "MIN,MIN,…", value_parser = parse_minutes_list)]
    pub seuils_min: Option<MinutesList>,
}

/// Default of `--rayons-km`.
const DEFAULT_RADII_KM: [f64; 4] = [5.0, 10.0, 15.0, 20.0];
/// Default of `--seuils-min`.
const DEFAULT_THRESHOLDS_MIN: [f64; 4] = [15.0, 30.0, 45.0, 60.0];

impl CoverageArgs {
    /// The thresholds in the run's unit.
    pub fn thresholds(&self, unit: Unit) -> anyhow::Result<Vec<Cost>> {
        let km = self.radius_km.as_ref().map(|r| r.km());
        let min = self.seuils_min.as_ref().map(|m| m.0.clone());
        let v = by_unit(
            unit,
            (km, "--rayons-km", DEFAULT_RADII_KM.to_vec()),
            (min, "--seuils-min", DEFAULT_THRESHOLDS_MIN.to_vec()),
        )?;
        Ok(v.into_iter()
            .map(|x| unit.cost(unit.from_shown(x)))
            .collect())
    }
}

/// La population et les jeunes à moins de chaque rayon d'un site (ou, avec
/// un réseau, à moins de chaque temps de parcours), et leur part, par
/// région, département et Mission Locale, en distinguant les communes FRR,
/// ZRR, les QPV et les autres communes. Un site dans la commune compte pour
/// une distance nulle. Écrit couverture.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct CoverageCmd {
    #[command(flatten)]
    pub coverage: CoverageArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub fn run(cmd: &CoverageCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = cmd.network.plan()?;
    let plan = Plan {
        thresholds: cmd.coverage.thresholds(network.unit())?,
        scope: cmd.scope.choice(),
        data: data.paths(),
        network,
    };
    let outputs = coverage::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
