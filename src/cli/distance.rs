//! `maillage distance`: nearest site and distance for communes, QPV, a grid
//! and arbitrary points, with weighted summaries.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::access::{access_scores, AccessParams, Bands, SupplyWeights};
use crate::analysis::basics::Basics;
use crate::analysis::distance::{grid_distances, locate_points, nearest_sites};
use crate::analysis::grid::{commune_grid, communes_area_m2};
use crate::analysis::results::{DistanceResults, GridResults, PointResults, Results};
use crate::analysis::summary::distance_summaries;
use crate::cli::args::{parse_grid_m, GridSize};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::index::PolygonIndex;
use crate::load::points::read_points;
use crate::model::{LonLat, Meters, SiteKind, Territory};

const EXAMPLES: &str = "\
Examples:
  maillage distance
  maillage distance --grid-m 500 --out /tmp/distances
  maillage distance --points adresses_jeunes.csv   (columns id, lon, lat)
  maillage distance --access-km 15 --site-weights permanence=0.1
  maillage distance --apl-bands-km 7:1,10:2/3,14:1/3 --write-access-costs --csv rfc4180";

/// Default of `--access-km` (see [`crate::analysis::access::DEFAULT_CATCHMENT_KM`]).
const DEFAULT_ACCESS_KM: &str = "10";
/// Default of `--access-bands-km` ([`Bands::luo_qi`]).
const DEFAULT_ACCESS_BANDS: &str = "5:1,10:0.68,15:0.22";
/// Default of `--apl-bands-km` ([`Bands::apl`]).
const DEFAULT_APL_BANDS: &str = "10:1,15:2/3,20:1/3";
/// Default of `--site-weights` ([`SupplyWeights::default`]).
const DEFAULT_SITE_WEIGHTS: &str = "siege=1,antenne=0.5,permanence=0.2";

/// Nearest site and geodesic distance for every commune (from its town
/// hall), QPV (from a point inside, with the share of its area in each
/// distance band), grid cell and given point; population-weighted summaries;
/// accessibility scores per commune (2SFCA, enhanced 2SFCA, APL bands).
/// Writes communes.csv, qpv.csv, grille_distance.csv and .tif (GeoTIFF),
/// distances_synthese.csv, with --points points_distance.csv, and with
/// --write-access-costs couts_acces.csv and scores_acces.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceArgs {
    /// Side of the Lambert-93 grid cells in metres (cells whose centre lies in
    /// a commune); 0 writes no grid.
    #[arg(long, value_name = "M", default_value = "200", value_parser = parse_grid_m)]
    pub grid_m: GridSize,
    /// Points to measure: CSV with columns id, lon, lat (WGS84 degrees), for
    /// instance the geocoded, anonymised addresses of the young people followed.
    #[arg(long, value_name = "FILE")]
    pub points: Option<PathBuf>,
    /// Catchment of the classic 2SFCA score, in km (column acces_2sfca).
    ///
    /// A site's supply is shared among the young people of the communes
    /// whose town hall lies within this distance, and each commune adds the
    /// shares of the sites within it. Default 10 km: 71 % of the young people
    /// followed have no driving licence, so this is a trip by bicycle, bus or
    /// lift rather than by car. Scores are sites per 10,000 young people.
    #[arg(long, value_name = "KM", default_value = DEFAULT_ACCESS_KM, value_parser = parse_catchment, help_heading = "Accessibility")]
    pub access_km: Bands,
    /// Distance bands of the enhanced 2SFCA, KM:WEIGHT pairs (column acces_e2sfca).
    ///
    /// Each pair is the upper bound of a band in km (included) and the weight
    /// of a site or commune in it, applied in both steps (Luo & Qi 2009);
    /// beyond the last bound the weight is 0. Weights lie in (0, 1] and may
    /// be fractions (2/3). Default: the weights of Luo & Qi, 1, 0.68, 0.22,
    /// on 0-5, 5-10 and 10-15 km.
    #[arg(long, value_name = "KM:WEIGHT,…", default_value = DEFAULT_ACCESS_BANDS, value_parser = parse_bands, help_heading = "Accessibility")]
    pub access_bands_km: Bands,
    /// Distance bands of the APL-style score, KM:WEIGHT pairs (column acces_apl).
    ///
    /// The DREES APL weighs general practitioners 1 up to 10 minutes by road,
    /// 2/3 up to 15 and 1/3 up to 20, nothing beyond. maillage has no road
    /// network: the default reads those minutes as straight-line km (1 min ↔
    /// 1 km, 60 km/h as the crow flies), keeping the APL's weights; give your
    /// own equivalence here (for instance 7:1,10:2/3,14:1/3 for 0.7 km per
    /// minute).
    #[arg(long, value_name = "KM:WEIGHT,…", default_value = DEFAULT_APL_BANDS, value_parser = parse_bands, help_heading = "Accessibility")]
    pub apl_bands_km: Bands,
    /// Supply of one site by kind, KIND=WEIGHT pairs (all three scores).
    ///
    /// Kinds are siege, antenne and permanence; a kind left out keeps its
    /// default (siege 1, antenne 0.5, permanence 0.2: a permanence opens a
    /// few half-days a month). Weights are numbers ≥ 0 or fractions.
    #[arg(long, value_name = "KIND=WEIGHT,…", default_value = DEFAULT_SITE_WEIGHTS, value_parser = parse_site_weights, help_heading = "Accessibility")]
    pub site_weights: SupplyWeights,
    /// Also write couts_acces.csv (the commune-site distances the scores used)
    /// and scores_acces.csv (the scores with every digit), for programs.
    #[arg(long, help_heading = "Accessibility")]
    pub write_access_costs: bool,
}

/// Parses a number with a decimal point, or a fraction `a/b`.
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let x = match s.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => s.parse::<f64>().ok()?,
    };
    x.is_finite().then_some(x)
}

/// Parses `--access-km`.
fn parse_catchment(s: &str) -> Result<Bands, String> {
    let km: f64 = s.trim().parse().map_err(|_| {
        format!("\"{s}\" is not a number: expected a distance in km such as 10 or 7.5")
    })?;
    if !km.is_finite() || km <= 0.0 {
        return Err(format!("{s} km: expected a positive distance in km"));
    }
    Bands::catchment(Meters::from_km(km)).map_err(|e| e.to_string())
}

/// Parses `10:1,15:2/3,20:1/3` into distance bands.
pub fn parse_bands(s: &str) -> Result<Bands, String> {
    let expected = "expected KM:WEIGHT pairs separated by commas, such as 10:1,15:2/3,20:1/3 \
                    (decimal point, bounds increasing, weights in (0, 1] not increasing)";
    let mut steps = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (km, w) = part
            .split_once(':')
            .ok_or_else(|| format!("\"{part}\": {expected}"))?;
        let km = km
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|k| k.is_finite())
            .ok_or_else(|| format!("\"{part}\": the bound is not a number of km; {expected}"))?;
        let w = parse_number(w)
            .ok_or_else(|| format!("\"{part}\": the weight is not a number; {expected}"))?;
        steps.push((Meters::from_km(km), w));
    }
    Bands::new(steps).map_err(|e| format!("{e}; {expected}"))
}

/// Parses `siege=1,antenne=0.5,permanence=0.2`; kinds left out keep their default.
pub fn parse_site_weights(s: &str) -> Result<SupplyWeights, String> {
    let expected = "expected KIND=WEIGHT pairs such as siege=1,antenne=0.5,permanence=0.2 \
                    (kinds siege, antenne, permanence; weights ≥ 0)";
    let mut weights = SupplyWeights::default();
    let mut seen: Vec<SiteKind> = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (k, w) = part
            .split_once('=')
            .ok_or_else(|| format!("\"{part}\": {expected}"))?;
        let kind = SiteKind::parse(k)
            .ok_or_else(|| format!("\"{}\" is not a kind of site; {expected}", k.trim()))?;
        if seen.contains(&kind) {
            return Err(format!("{} is given twice; {expected}", kind.code()));
        }
        seen.push(kind);
        let w = parse_number(w)
            .filter(|w| *w >= 0.0)
            .ok_or_else(|| format!("\"{part}\": the weight is not a number ≥ 0; {expected}"))?;
        weights.set(kind, w);
    }
    if SiteKind::ALL.iter().all(|&k| weights.of(k) == 0.0) {
        return Err(format!(
            "every weight is 0, so no site offers anything; {expected}"
        ));
    }
    Ok(weights)
}

/// Checked options of a distance run.
pub struct DistancePlan {
    pub grid_m: Option<f64>,
    pub points: Option<(Vec<String>, Vec<LonLat>)>,
    pub access: AccessParams,
    pub write_access_costs: bool,
}

impl DistanceArgs {
    /// Checks the options and reads the points file, before any computation.
    pub fn plan(&self, ctx: &mut Context) -> anyhow::Result<DistancePlan> {
        let grid_m = self.grid_m.0;
        let points = match &self.points {
            None => None,
            Some(p) => {
                let points = read_points(p, &mut ctx.warnings)?;
                if points.0.is_empty() {
                    return Err(Error::file(p, "no point: the file has a header but no row").into());
                }
                Some(points)
            }
        };
        Ok(DistancePlan {
            grid_m,
            points,
            access: AccessParams {
                weights: self.site_weights,
                catchment: self.access_km.clone(),
                enhanced: self.access_bands_km.clone(),
                apl: self.apl_bands_km.clone(),
            },
            write_access_costs: self.write_access_costs,
        })
    }
}

/// The most grid cells a run computes (the default 200 m grid of the region
/// has about 800,000; each cell costs some 200 bytes until written).
pub const MAX_GRID_CELLS: f64 = 10_000_000.0;

impl DistancePlan {
    /// Refuses a grid too fine for the territory's area before any work.
    pub fn check_grid(&self, t: &Territory) -> anyhow::Result<()> {
        let Some(size) = self.grid_m else {
            return Ok(());
        };
        let area = communes_area_m2(&t.communes);
        let cells = area / (size * size);
        if cells > MAX_GRID_CELLS {
            anyhow::bail!(
                "--grid-m {size}: about {:.0} million cells over the communes' {:.0} km², more \
                 than the {:.0} million a run computes; choose --grid-m {:.0} or more",
                cells / 1e6,
                area / 1e6,
                MAX_GRID_CELLS / 1e6,
                (area / MAX_GRID_CELLS).sqrt().ceil()
            );
        }
        Ok(())
    }
}

/// Computes distances, accessibility scores, summaries, the grid and the
/// points of `plan`.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    plan: &DistancePlan,
    ctx: &mut Context,
) -> DistanceResults {
    ctx.progress.step("accessibilité");
    let access = access_scores(t, &b.index, &plan.access);
    ctx.progress.step("tables des distances");
    let summaries = distance_summaries(t, &b.nearest, &b.qpv);
    let grid = plan.grid_m.map(|size| {
        ctx.progress.step(&format!("grille de {size} m"));
        let cells = commune_grid(&t.communes, size);
        let nearest = grid_distances(&b.index, &cells);
        GridResults {
            size,
            cells,
            nearest,
        }
    });
    let points = plan.points.as_ref().map(|(ids, pts)| {
        // Separate steps, so that --verbose times the nearest-site search
        // alone (scripts/bench-peers reads it).
        ctx.progress.step("points : site le plus proche");
        let nearest = nearest_sites(&b.index, pts);
        ctx.progress.step("points : commune");
        let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
        let communes = locate_points(&PolygonIndex::new(&geoms), pts);
        ctx.progress.step("points : table");
        PointResults {
            ids: ids.clone(),
            points: pts.clone(),
            communes,
            nearest,
        }
    });
    DistanceResults {
        access,
        summaries,
        grid,
        points,
    }
}

pub fn run(args: &DistanceArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = args.plan(ctx)?;
    let t = ctx.load(data)?;
    plan.check_grid(&t)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    r.distance = Some(analyse(&t, &r.basics, &plan, ctx));
    ctx.write_results(&t, &r, plan.write_access_costs)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn option_defaults_are_the_library_defaults() {
        let d = AccessParams::default();
        assert_eq!(parse_catchment(DEFAULT_ACCESS_KM).unwrap(), d.catchment);
        assert_eq!(parse_bands(DEFAULT_ACCESS_BANDS).unwrap(), d.enhanced);
        assert_eq!(parse_bands(DEFAULT_APL_BANDS).unwrap(), d.apl);
        assert_eq!(parse_site_weights(DEFAULT_SITE_WEIGHTS).unwrap(), d.weights);
    }

    #[test]
    fn bands_parse_fractions_and_refuse_mistakes() {
        let b = parse_bands(" 7:1, 10:2/3 ,14:1/3").unwrap();
        assert_eq!(b.steps()[1], (Meters(10_000.0), 2.0 / 3.0));
        for bad in [
            "10",
            "10:1,5:0.5",
            "5:0.5,10:1",
            "10:0",
            "10:1.2",
            "x:1",
            "10:y",
            "10:1;15:0.5",
            "-5:1",
            "",
        ] {
            assert!(parse_bands(bad).is_err(), "{bad} accepted");
        }
        assert!(parse_bands("10:1,5:0.5").unwrap_err().contains("increase"));
    }

    #[test]
    fn site_weights_keep_defaults_for_kinds_left_out() {
        let w = parse_site_weights("permanence=0.1, siège=2").unwrap();
        assert_eq!((w.siege, w.antenne, w.permanence), (2.0, 0.5, 0.1));
        assert!(parse_site_weights("bureau=1")
            .unwrap_err()
            .contains("not a kind of site"));
        assert!(parse_site_weights("siege=1,siege=2")
            .unwrap_err()
            .contains("twice"));
        assert!(parse_site_weights("siege=-1").is_err());
        assert!(parse_site_weights("siege=0,antenne=0,permanence=0")
            .unwrap_err()
            .contains("every weight is 0"));
    }

    #[test]
    fn catchment_must_be_positive() {
        assert!(parse_catchment("0").unwrap_err().contains("positive"));
        assert!(parse_catchment("dix").unwrap_err().contains("not a number"));
        assert_eq!(parse_catchment("7.5").unwrap().reach(), Meters(7_500.0));
    }
}
