//! `maillage distance`: nearest site and distance (or travel time) for
//! communes, QPV, a grid and arbitrary points, with weighted summaries and
//! accessibility scores.

use std::path::PathBuf;

use crate::analysis::access::{access_scores, AccessParams};
use crate::analysis::basics::Basics;
use crate::analysis::distance::{grid_distances, locate_grid_cells, locate_points, nearest_sites};
use crate::analysis::grid::{commune_grid, communes_area_m2, perimeter_communes};
use crate::analysis::measure::Measure;
use crate::analysis::results::{DistanceResults, GridResults, PointResults};
use crate::analysis::summary::distance_summaries;
use crate::base::frame::Window;
use crate::base::{french, LonLat, Unit};
use crate::error::Error;
use crate::index::{LocateGrid, PolygonIndex};
use crate::load::points::{points_outside, read_points_in};
use crate::load::points_stream::{no_points, StreamedPoints};
use crate::load::territory::DataPaths;
use crate::model::{Scope, Territory};
use crate::output::add_tables;
use crate::output::stream::{add_streamed_grid, stream_points, POINTS_CSV};
use crate::output::write::Outputs;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::{Context, ScopeChoice};
use crate::warnings::Warnings;

/// Default of `--grille-m`, in metres.
pub const DEFAULT_GRID_M: f64 = 200.0;

/// Checked options of a distance run.
pub struct DistancePlan {
    pub grid_m: Option<f64>,
    /// Whether `--grille-m` was given (by public transport the default grid
    /// keeps its straight lines only: one routing per cell is asked for
    /// explicitly).
    pub grid_asked: bool,
    pub points: Option<PlanPoints>,
    /// The points file, and the window its rows were checked against.
    pub points_path: Option<std::path::PathBuf>,
    pub points_window: Window,
    pub access: AccessParams,
    pub write_access_costs: bool,
}

/// Reads points as French (`read` with [`Window::France`]); when that fails
/// and the communes are the user's, again as WGS84 positions, setting
/// `window` to [`Window::World`] (the French read's error if this fails too).
fn french_or_world<T>(
    own_communes: bool,
    warnings: &mut Warnings,
    window: &mut Window,
    read: impl Fn(Window, &mut Warnings) -> Result<T, Error>,
) -> Result<T, Error> {
    match read(Window::France, warnings) {
        Err(e) if own_communes => {
            *window = Window::World;
            read(Window::World, &mut Warnings::new()).map_err(|_| e)
        }
        other => other,
    }
}

/// The points of `--points`, as a run takes them.
pub enum PlanPoints {
    /// Read whole: ids and positions (reports, and measures by network,
    /// which route all the points at once).
    Whole(Vec<String>, Vec<LonLat>),
    /// Read, measured and written a chunk at a time ([`crate::output::stream::stream_points`]), by
    /// `distance` as the crow flies.
    Streamed(StreamedPoints),
}

/// What a distance run measures, as asked (checked, in typed units).
#[derive(Debug, Clone)]
pub struct DistanceOptions {
    /// The side of the grid's cells in metres; `None`: no grid.
    pub grid_m: Option<f64>,
    /// Whether the grid was asked for (`--grille-m`): by public transport
    /// the default grid keeps its straight lines only, one routing per cell
    /// being asked for explicitly.
    pub grid_asked: bool,
    /// The points file (`--points`).
    pub points: Option<PathBuf>,
    pub access: AccessParams,
    /// Also write the costs and scores of the accessibility scores.
    pub write_access_costs: bool,
}

impl DistancePlan {
    /// Reads the points file of `options` before any computation. With
    /// `stream`, the file is opened and its first chunk read, the rest being
    /// read as the points are measured
    /// ([`crate::output::stream::stream_points`]).
    ///
    /// The points must lie in France when the embedded communes are used
    /// (`own_communes` false), checked as they are read; with the user's
    /// communes the territory decides where they may lie, so they are read
    /// as WGS84 positions and checked against it once it is loaded
    /// ([`DistancePlan::check_points`]).
    pub fn read(
        options: &DistanceOptions,
        warnings: &mut Warnings,
        stream: bool,
        own_communes: bool,
    ) -> anyhow::Result<DistancePlan> {
        // Read as French points first (their messages name swapped axes and
        // Lambert-93 metres); with the user's communes, a file that is not
        // French is read again as WGS84 positions, to be checked against the
        // territory once loaded.
        let mut window = Window::France;
        let points = match &options.points {
            None => None,
            Some(p) if stream => Some(PlanPoints::Streamed(french_or_world(
                own_communes,
                warnings,
                &mut window,
                |w, warnings| StreamedPoints::open(p, warnings, w),
            )?)),
            Some(p) => {
                let (ids, pts) =
                    french_or_world(own_communes, warnings, &mut window, |w, warnings| {
                        read_points_in(p, w, warnings)
                    })?;
                if ids.is_empty() {
                    return Err(no_points(p).into());
                }
                Some(PlanPoints::Whole(ids, pts))
            }
        };
        Ok(DistancePlan {
            grid_m: options.grid_m,
            grid_asked: options.grid_asked,
            points_path: options.points.clone(),
            points_window: window,
            points,
            access: options.access.clone(),
            write_access_costs: options.write_access_costs,
        })
    }
}

/// The most grid cells a run routes by network (the default 200 m grid of the
/// region has about 800,000; each cell costs some 200 bytes until written).
pub const MAX_GRID_CELLS: f64 = 10_000_000.0;

/// The most grid cells a straight-line grid writes, streamed: about 4.5 GB
/// of table (45 bytes a row) and 1.2 GB held for its GeoTIFF. Metropolitan
/// France at 200 m has 14.2 million.
pub const MAX_STREAMED_GRID_CELLS: f64 = 100_000_000.0;

impl DistancePlan {
    /// With the user's communes, the points read so far (the whole file, or
    /// the first chunk) against the territory's window; the next chunks are
    /// checked as they come ([`crate::output::stream::stream_points`]).
    pub fn check_points(&self, t: &Territory) -> Result<(), Error> {
        let Some(path) = &self.points_path else {
            return Ok(());
        };
        // Read as French points into a French territory: nothing to add.
        if self.points_window == Window::France && t.window == Window::France {
            return Ok(());
        }
        match &self.points {
            Some(PlanPoints::Whole(ids, pts)) => points_outside(t, path, 0, ids, pts),
            Some(PlanPoints::Streamed(s)) => {
                points_outside(t, path, 0, &s.first.ids, &s.first.points)
            }
            None => Ok(()),
        }
    }

    /// Refuses a grid measured by network too fine for the territory's area
    /// before any work (a straight-line grid is streamed: any size).
    pub fn check_grid(
        &self,
        t: &Territory,
        scope: &Scope,
        unit: Unit,
        transit: bool,
    ) -> anyhow::Result<()> {
        let Some(size) = self.grid_m else {
            return Ok(());
        };
        let streamed = grid_streamed(self, unit, transit);
        let (max, what) = if streamed {
            (MAX_STREAMED_GRID_CELLS, "qu'une grille écrit")
        } else {
            (MAX_GRID_CELLS, "qu'un calcul par réseau traite")
        };
        let area = communes_area_m2(&t.frame, &perimeter_communes(t, scope));
        let cells = area / (size * size);
        if cells > max {
            anyhow::bail!(
                "--grille-m {size} : environ {} millions de mailles sur les {} km² des communes, plus \
                 que les {} millions {what} ; choisissez --grille-m {} ou plus",
                french::decimal(cells / 1e6, 0),
                french::decimal(area / 1e6, 0),
                french::decimal(max / 1e6, 0),
                (area / max).sqrt().ceil()
            );
        }
        Ok(())
    }
}

/// Computes distances, accessibility scores, summaries, the grid and the
/// points of `plan`, in the measure of `net` (that of `b`).
pub fn analyse(
    t: &Territory,
    b: &Basics,
    net: &RunNetwork,
    plan: &DistancePlan,
    scope: &Scope,
    ctx: &mut Context,
) -> anyhow::Result<DistanceResults> {
    let measure = net.measure();
    ctx.progress.step("accessibilité");
    let access = access_scores(t, &measure, &plan.access);
    ctx.progress.step("tables des distances");
    let summaries = distance_summaries(t, b, scope);
    // By network, one search from all the sites serves the grid and the points.
    let transit = matches!(measure, Measure::Transit(_));
    let grid_by_network = plan.grid_m.is_some() && (plan.grid_asked || !transit);
    if transit && plan.grid_m.is_some() && !plan.grid_asked {
        ctx.progress.say(
            "grille : distances à vol d'oiseau seulement ; en transports en commun, \
             demandez-la avec --grille-m (un calcul d'itinéraire par maille)",
        );
    }
    let field = match measure {
        Measure::Geodesic => None,
        _ if grid_by_network || plan.points.is_some() => {
            let sites: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
            Some(measure.towards(&sites))
        }
        _ => None,
    };
    let streamed = grid_streamed(plan, measure.unit(), transit);
    let grid = plan.grid_m.filter(|_| !streamed).map(|size| {
        ctx.progress.step(&format!("grille de {size} m"));
        let cells = commune_grid(&t.frame, &perimeter_communes(t, scope), size);
        let nearest = grid_distances(&b.index, &t.frame, &cells);
        let costs = field.as_ref().filter(|_| grid_by_network).map(|f| {
            let centres: Vec<LonLat> = cells.iter().map(|c| t.frame.unproject(c.centre)).collect();
            f.nearest(&centres).costs
        });
        GridResults {
            size,
            cells,
            nearest,
            costs,
        }
    });
    let points = match &plan.points {
        None | Some(PlanPoints::Streamed(_)) => None,
        Some(PlanPoints::Whole(ids, pts)) => {
            // Separate steps, so that --verbose times the nearest-site search
            // alone (scripts/bench-peers reads it).
            ctx.progress.step("points : site le plus proche");
            let nearest = nearest_sites(&b.index, pts);
            let costs = match &field {
                Some(f) => {
                    let c = f.nearest(pts);
                    net.warn_unsnapped(ctx, "point", &c.unsnapped, &|i| ids[i].clone());
                    Some(c.costs)
                }
                None => None,
            };
            ctx.progress.step("points : commune");
            let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
            let index = PolygonIndex::new(&geoms);
            let grid = LocateGrid::new(&index, locate_grid_cells(pts.len()));
            let communes = locate_points(&grid, pts);
            ctx.progress.step("points : table");
            Some(PointResults {
                ids: ids.clone(),
                points: pts.clone(),
                communes,
                nearest,
                costs,
            })
        }
    };
    Ok(DistanceResults {
        access,
        summaries,
        grid,
        points,
    })
}

/// A `maillage distance` run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    pub options: DistanceOptions,
    pub scope: ScopeChoice,
}

/// Distances, scores and summaries of the communes and QPV, the grid and
/// the points; as the crow flies the points are streamed (any number of
/// them in bounded memory), by network they are routed all at once.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let unit = plan.network.unit();
    let transit = plan.network.is_transit();
    let mut dplan = DistancePlan::read(
        &plan.options,
        &mut ctx.warnings,
        unit == Unit::Metres,
        plan.data.communes.is_some(),
    )?;
    let t = ctx.load(&plan.data)?;
    let scope = plan.scope.resolve(&t)?;
    dplan.check_grid(&t, &scope, unit, transit)?;
    dplan.check_points(&t)?;
    let net = RunNetwork::open(&plan.network, ctx)?;
    let streamed = match dplan.points.take() {
        Some(PlanPoints::Streamed(s)) => Some(s),
        other => {
            dplan.points = other;
            None
        }
    };
    let plan = dplan;
    let (out, style) = (ctx.out.clone(), ctx.csv);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let points_path = plan.points_path.clone().unwrap_or_default();
    let check_window = plan.points_window == Window::World || t.window != Window::France;
    // The points are measured and written beside the analysis of the
    // communes, which leaves cores idle in its sequential parts.
    let (analysed, points) = std::thread::scope(|s| {
        let points = streamed.map(|p| {
            s.spawn(|| stream_points(&t, p, &points_path, check_window, &out, style, &stop))
        });
        let analysed = (|| -> anyhow::Result<Outputs> {
            ctx.progress.step("distances");
            let mut r = net.results(&t, &scope, ctx)?;
            r.distance = Some(analyse(&t, &r.basics, &net, &plan, &scope, ctx)?);
            // The tables are built while the grid is computed.
            let grid_m = streamed_grid_m(&plan, unit, transit);
            ctx.progress.step(&grid_step(grid_m, "tables"));
            let options = ctx.table_options(plan.write_access_costs);
            let (mut outputs, mut grid) = (Outputs::new(), Outputs::new());
            let (tables, streamed) = rayon::join(
                || add_tables(&t, &r, options, &mut outputs),
                || {
                    add_streamed_grid(
                        &t,
                        &r.basics.index,
                        (grid_m, &scope),
                        (&out, style),
                        &mut grid,
                    )
                },
            );
            tables?;
            streamed?;
            outputs.append(grid);
            if points.is_some() {
                ctx.progress.step("points");
            }
            Ok(outputs)
        })();
        if analysed.is_err() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let points = points.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("calcul des points interrompu")))
        });
        (analysed, points)
    });
    let mut outputs = analysed?;
    if let Some(p) = points {
        let (file, timings) = p?;
        for (what, d) in timings {
            ctx.progress.record(what, d);
        }
        outputs.add_staged(POINTS_CSV, file);
    }
    Ok(outputs)
}

/// Whether the grid of `plan` is streamed: straight-line distances, written
/// a band of rows at a time (any number of cells in bounded memory). A grid
/// measured by network (each cell routed) is computed whole, within
/// [`MAX_GRID_CELLS`].
pub fn grid_streamed(plan: &DistancePlan, unit: Unit, transit: bool) -> bool {
    plan.grid_m.is_some() && (unit == Unit::Metres || (transit && !plan.grid_asked))
}

/// The side of the straight-line grid of `plan` when it is streamed
/// ([`grid_streamed`]).
pub fn streamed_grid_m(plan: &DistancePlan, unit: Unit, transit: bool) -> Option<f64> {
    plan.grid_m.filter(|_| grid_streamed(plan, unit, transit))
}

/// The name of the progress step that computes the streamed grid of `size`
/// metres, if any, with `then` done beside it.
pub fn grid_step(size: Option<f64>, then: &str) -> String {
    match size {
        Some(size) => format!("grille de {size} m, {then}"),
        None => then.to_string(),
    }
}
