//! `maillage distance`: nearest site and distance for communes, QPV, a grid
//! and arbitrary points, with weighted summaries.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::distance::{grid_distances, locate_points, nearest_sites};
use crate::analysis::grid::{commune_grid, communes_area_m2};
use crate::analysis::summary::distance_summaries;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::index::PolygonIndex;
use crate::io::points::read_points;
use crate::io::tables::{communes_table, grid_table, points_table, qpv_table, summary_table};
use crate::io::write::Outputs;
use crate::model::{LonLat, Territory};

const EXAMPLES: &str = "\
Examples:
  maillage distance
  maillage distance --grid-m 500 --out /tmp/distances
  maillage distance --points adresses_jeunes.csv   (columns id, lon, lat)";

/// Nearest site and geodesic distance for every commune (from its town
/// hall), QPV (from a point inside, with the share of its area in each
/// distance band), grid cell and given point; population-weighted summaries.
/// Writes communes.csv, qpv.csv, grille_distance.csv, distances_synthese.csv
/// and, with --points, points_distance.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceArgs {
    /// Side of the Lambert-93 grid cells in metres (cells whose centre lies in
    /// a commune); 0 writes no grid.
    #[arg(long, value_name = "M", default_value_t = 200.0)]
    pub grid_m: f64,
    /// Points to measure: CSV with columns id, lon, lat (WGS84 degrees), for
    /// instance the geocoded, anonymised addresses of the young people followed.
    #[arg(long, value_name = "FILE")]
    pub points: Option<PathBuf>,
}

/// Checked options of a distance run.
pub struct DistancePlan {
    pub grid_m: Option<f64>,
    pub points: Option<(Vec<String>, Vec<LonLat>)>,
}

impl DistanceArgs {
    /// Checks the options and reads the points file, before any computation.
    pub fn plan(&self, ctx: &mut Context) -> anyhow::Result<DistancePlan> {
        let grid_m = match self.grid_m {
            0.0 => None,
            g if g.is_finite() && g >= 10.0 => Some(g),
            g => anyhow::bail!(
                "--grid-m {g}: expected 0 (no grid) or a cell size of at least 10 metres"
            ),
        };
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
        Ok(DistancePlan { grid_m, points })
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

/// Computes every distance output into `outputs`.
pub fn compute(
    t: &Territory,
    b: &Basics,
    plan: &DistancePlan,
    ctx: &mut Context,
    outputs: &mut Outputs,
) {
    outputs.add(
        "communes.csv",
        communes_table(t, &b.nearest, &b.sites_in_commune).to_csv(ctx.csv),
    );
    outputs.add(
        "qpv.csv",
        qpv_table(t, &b.qpv, &b.sites_in_qpv).to_csv(ctx.csv),
    );
    let summaries = distance_summaries(t, &b.nearest, &b.qpv);
    outputs.add(
        "distances_synthese.csv",
        summary_table(t, &summaries).to_csv(ctx.csv),
    );
    if let Some(size) = plan.grid_m {
        ctx.progress.step(&format!("grille de {size} m"));
        let cells = commune_grid(&t.communes, size);
        let nearest = grid_distances(&b.index, &cells);
        outputs.add(
            "grille_distance.csv",
            grid_table(t, &cells, &nearest, size).to_csv(ctx.csv),
        );
    }
    if let Some((ids, pts)) = &plan.points {
        // Separate steps, so that --verbose times the nearest-site search
        // alone (scripts/bench-peers reads it).
        ctx.progress.step("points : site le plus proche");
        let nearest = nearest_sites(&b.index, pts);
        ctx.progress.step("points : commune");
        let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
        let communes = locate_points(&PolygonIndex::new(&geoms), pts);
        ctx.progress.step("points : table");
        outputs.add(
            "points_distance.csv",
            points_table(t, ids, pts, &communes, &nearest).to_csv(ctx.csv),
        );
    }
}

pub fn run(args: &DistanceArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = args.plan(ctx)?;
    let t = ctx.load(data)?;
    plan.check_grid(&t)?;
    ctx.progress.step("distances");
    let b = Basics::new(&t);
    let mut outputs = Outputs::new();
    compute(&t, &b, &plan, ctx, &mut outputs);
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
