//! `maillage coverage`: communes, people and young people within given
//! distances of a site.

use clap::Args;

use crate::base::Unit;
use crate::cli::args::{by_unit, parse_minutes_list, parse_radii, MinutesList, NetworkArgs, Radii};
use crate::cli::reseau::RunNetwork;
use crate::cli::{Context, DataArgs, EXIT_OK};

const EXAMPLES: &str = "\
Exemples :
  maillage coverage
  maillage coverage --radius-km 3,5,10
  maillage coverage --reseau hauts-de-france.reseau --mode velo --seuils-min 10,20,30
  maillage coverage --sites mes_sites.csv --csv rfc4180";

/// The coverage thresholds (also in `maillage report` and `scenario`).
#[derive(Debug, Args, Clone)]
pub struct CoverageArgs {
    /// Rayons en km à vol d'oiseau, séparés par des virgules (point décimal :
    /// 7.5). Par défaut 5,10,15,20.
    #[arg(long, value_name = "KM,KM,…", value_parser = parse_radii)]
    pub radius_km: Option<Radii>,
    /// Seuils de temps de parcours en minutes, avec --reseau et --mode
    /// marche, velo, voiture ou transport. Par défaut 15,30,45,60.
    #[arg(long, value_name = "MIN,MIN,…", value_parser = parse_minutes_list)]
    pub seuils_min: Option<MinutesList>,
}

/// Default of `--radius-km`.
const DEFAULT_RADII_KM: [f64; 4] = [5.0, 10.0, 15.0, 20.0];
/// Default of `--seuils-min`.
const DEFAULT_THRESHOLDS_MIN: [f64; 4] = [15.0, 30.0, 45.0, 60.0];

impl CoverageArgs {
    /// The thresholds in the unit of the run's costs (metres or minutes).
    pub fn thresholds(&self, unit: Unit) -> anyhow::Result<Vec<f64>> {
        let km = self.radius_km.as_ref().map(|r| r.km());
        let min = self.seuils_min.as_ref().map(|m| m.0.clone());
        let v = by_unit(
            unit,
            (km, "--radius-km", DEFAULT_RADII_KM.to_vec()),
            (min, "--seuils-min", DEFAULT_THRESHOLDS_MIN.to_vec()),
        )?;
        Ok(v.into_iter().map(|x| unit.from_shown(x)).collect())
    }

    /// The thresholds as people read them (km or minutes), for the manifest.
    pub fn shown(&self, unit: Unit) -> anyhow::Result<Vec<f64>> {
        Ok(self
            .thresholds(unit)?
            .into_iter()
            .map(|x| unit.shown(x))
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
}

pub fn run(cmd: &CoverageCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let radii = cmd.coverage.thresholds(cmd.network.unit()?)?;
    let t = ctx.load(data)?;
    let net = RunNetwork::open(&cmd.network, ctx)?;
    ctx.progress.step("couverture");
    let mut r = net.results(&t, ctx);
    r.coverage = Some(r.basics.coverage(&t, &radii));
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}
