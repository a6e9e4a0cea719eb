//! `maillage distance`: nearest site and distance for communes, QPV, a grid
//! and arbitrary points, with weighted summaries.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Args;

use crate::analysis::access::{access_scores, AccessParams, Bands, SupplyWeights};
use crate::analysis::basics::Basics;
use crate::analysis::distance::{
    grid_distances, locate_each, locate_grid_cells, locate_points, nearest_sites,
};
use crate::analysis::grid::{commune_grid, communes_area_m2, GridBands};
use crate::analysis::measure::{Measure, TravelMode, Unit};
use crate::analysis::results::{DistanceResults, GridResults, PointResults};
use crate::analysis::summary::distance_summaries;
use crate::cli::args::{by_unit, parse_grid_m, parse_minutes, GridSize, Minutes, NetworkArgs};
use crate::cli::reseau::RunNetwork;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::index::{LocateGrid, PolygonIndex, SiteIndex};
use crate::load::points::{read_points_in, Window};
use crate::load::points_stream::{chunk_rows, PointChunk, PointsStream};
use crate::model::{LonLat, SiteKind, Territory};
use crate::output::geotiff::GridTiff;
use crate::output::tables::{grid_csv_rows, grid_table, points_csv_rows, POINTS_COLUMNS};
use crate::output::write::{csv_start, CsvStyle, Outputs, StagedFile, StreamedFile};
use crate::output::{add_tables, french};
use crate::warnings::Warnings;
use rayon::prelude::*;

const EXAMPLES: &str = "\
Exemples :
  maillage distance
  maillage distance --grid-m 500 --out /tmp/distances
  maillage distance --points adresses_jeunes.csv   (colonnes id, lon, lat ; sans grille)
  maillage distance --access-km 15 --site-weights permanence=0.1
  maillage distance --apl-bands-km 7:1,10:2/3,14:1/3 --write-access-costs --csv rfc4180";

/// Default of `--grid-m`, in metres.
pub const DEFAULT_GRID_M: f64 = 200.0;
/// Default of `--site-weights` ([`SupplyWeights::default`]).
const DEFAULT_SITE_WEIGHTS: &str = "siege=1,antenne=0.5,permanence=0.2";

/// Site le plus proche et distance géodésique pour chaque commune (depuis sa
/// mairie), chaque QPV (depuis un point intérieur, avec la part de sa surface
/// dans chaque tranche de distance), chaque maille de la grille et chaque
/// point donné ; synthèses pondérées par la population ; scores
/// d'accessibilité par commune (2SFCA, 2SFCA amélioré, tranches APL). Écrit
/// communes.csv, qpv.csv, distances_synthese.csv, grille_distance.csv et
/// .tif (GeoTIFF), avec --points points_distance.csv (et pas de grille sauf
/// --grid-m), et avec --write-access-costs couts_acces.csv et scores_acces.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceArgs {
    /// Côté des mailles de la grille Lambert-93 en mètres (mailles dont le
    /// centre est dans une commune) ; 0 : pas de grille. Par défaut 200, ou pas
    /// de grille avec --points.
    #[arg(long, value_name = "M", value_parser = parse_grid_m)]
    pub grid_m: Option<GridSize>,
    /// Points à mesurer : CSV avec les colonnes id, lon, lat (degrés WGS84), par
    /// exemple les adresses géocodées et anonymisées des jeunes suivis.
    #[arg(long, value_name = "FILE")]
    pub points: Option<PathBuf>,
    /// Rayon du score 2SFCA classique, en km (colonne acces_2sfca).
    ///
    /// L'offre d'un site est partagée entre les jeunes des communes dont la
    /// mairie est à moins de cette distance, et chaque commune additionne les
    /// parts des sites à sa portée. 10 km par défaut : 71 % des jeunes suivis
    /// n'ont pas le permis, c'est un trajet à vélo, en bus ou en covoiturage
    /// plutôt qu'en voiture. Scores en sites pour 10 000 jeunes.
    #[arg(long, value_name = "KM", value_parser = parse_catchment, help_heading = "Accessibilité")]
    pub access_km: Option<Bands>,
    /// Tranches de distance du 2SFCA amélioré, paires KM:POIDS (colonne acces_e2sfca).
    ///
    /// Chaque paire donne la borne haute d'une tranche en km (incluse) et le
    /// poids d'un site ou d'une commune dans cette tranche, appliqué aux deux
    /// étapes (Luo et Qi 2009) ; au-delà de la dernière borne le poids est
    /// nul. Les poids sont dans ]0, 1] et peuvent être des fractions (2/3).
    /// Par défaut : les poids de Luo et Qi, 1, 0,68, 0,22, sur 0-5, 5-10 et
    /// 10-15 km.
    #[arg(long, value_name = "KM:POIDS,…", value_parser = parse_bands, help_heading = "Accessibilité")]
    pub access_bands_km: Option<Bands>,
    /// Tranches de distance du score à la manière de l'APL, paires KM:POIDS
    /// (colonne acces_apl).
    ///
    /// L'APL de la DREES pondère les médecins 1 jusqu'à 10 minutes de route,
    /// 2/3 jusqu'à 15 et 1/3 jusqu'à 20, rien au-delà. Sans réseau routier, le
    /// défaut lit ces minutes comme des km à vol d'oiseau (1 min ↔ 1 km, 60
    /// km/h à vol d'oiseau) en gardant les poids de l'APL ; donnez ici votre
    /// équivalence (par exemple 7:1,10:2/3,14:1/3 pour 0,7 km par minute).
    /// Par défaut 10:1,15:2/3,20:1/3. Avec un réseau : --apl-bands-min.
    #[arg(long, value_name = "KM:POIDS,…", value_parser = parse_bands, help_heading = "Accessibilité")]
    pub apl_bands_km: Option<Bands>,
    /// Offre d'un site selon son type, paires TYPE=POIDS (les trois scores).
    ///
    /// Les types sont siege, antenne et permanence ; un type absent garde son
    /// poids par défaut (siege 1, antenne 0.5, permanence 0.2 : une
    /// permanence ouvre quelques demi-journées par mois). Les poids sont des
    /// nombres ≥ 0 ou des fractions.
    #[arg(long, value_name = "TYPE=POIDS,…", default_value = DEFAULT_SITE_WEIGHTS, value_parser = parse_site_weights, help_heading = "Accessibilité")]
    pub site_weights: SupplyWeights,
    /// Écrire aussi couts_acces.csv (les distances commune-site utilisées par
    /// les scores) et scores_acces.csv (les scores avec tous leurs chiffres),
    /// pour des programmes.
    #[arg(long, help_heading = "Accessibilité")]
    pub write_access_costs: bool,
    /// Rayon du score 2SFCA classique en minutes, avec un réseau (colonne
    /// acces_2sfca) ; 30 par défaut (Luo et Wang 2003).
    #[arg(long, value_name = "MIN", value_parser = parse_minutes, help_heading = "Accessibilité")]
    pub access_min: Option<Minutes>,
    /// Tranches de temps du 2SFCA amélioré avec un réseau, paires MIN:POIDS ;
    /// par défaut les zones de Luo et Qi (2009) : 10:1,20:0.68,30:0.22.
    #[arg(long, value_name = "MIN:POIDS,…", value_parser = parse_bands_min, help_heading = "Accessibilité")]
    pub access_bands_min: Option<Bands>,
    /// Tranches de temps du score APL avec un réseau, paires MIN:POIDS : par
    /// défaut celles de la DREES dans leurs propres minutes, 10:1,15:2/3,20:1/3.
    #[arg(long, value_name = "MIN:POIDS,…", value_parser = parse_bands_min, help_heading = "Accessibilité")]
    pub apl_bands_min: Option<Bands>,
}

/// A distance command: the options of `maillage distance` and the network.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceCmd {
    #[command(flatten)]
    pub distance: DistanceArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
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
        format!("« {s} » n'est pas un nombre : attendu une distance en km comme 10 ou 7.5")
    })?;
    if !km.is_finite() || km <= 0.0 {
        return Err(format!("{s} km : attendu une distance positive en km"));
    }
    Bands::catchment(Unit::Metres, Unit::Metres.from_shown(km)).map_err(|e| e.to_string())
}

/// Parses `10:1,15:2/3,20:1/3` into distance bands in km.
pub fn parse_bands(s: &str) -> Result<Bands, String> {
    parse_bands_in(s, Unit::Metres)
}

/// Parses `10:1,20:0.68,30:0.22` into time bands in minutes.
pub fn parse_bands_min(s: &str) -> Result<Bands, String> {
    parse_bands_in(s, Unit::Minutes)
}

fn parse_bands_in(s: &str, unit: Unit) -> Result<Bands, String> {
    let (u, what) = match unit {
        Unit::Metres => ("KM", "de km"),
        Unit::Minutes => ("MIN", "de minutes"),
    };
    let expected = format!(
        "attendu des paires {u}:POIDS séparées par des virgules, comme 10:1,15:2/3,20:1/3 \
         (point décimal, bornes croissantes, poids dans ]0, 1] non croissants)"
    );
    let mut steps = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (km, w) = part
            .split_once(':')
            .ok_or_else(|| format!("« {part} » : {expected}"))?;
        let km = km
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|k| k.is_finite())
            .ok_or_else(|| {
                format!("« {part} » : la borne n'est pas un nombre {what} ; {expected}")
            })?;
        let w = parse_number(w)
            .ok_or_else(|| format!("« {part} » : le poids n'est pas un nombre ; {expected}"))?;
        steps.push((unit.from_shown(km), w));
    }
    Bands::new(unit, steps).map_err(|e| format!("{e} ; {expected}"))
}

/// Parses `siege=1,antenne=0.5,permanence=0.2`; kinds left out keep their default.
pub fn parse_site_weights(s: &str) -> Result<SupplyWeights, String> {
    let expected = "attendu des paires TYPE=POIDS comme siege=1,antenne=0.5,permanence=0.2 \
                    (types siege, antenne, permanence ; poids ≥ 0)";
    let mut weights = SupplyWeights::default();
    let mut seen: Vec<SiteKind> = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (k, w) = part
            .split_once('=')
            .ok_or_else(|| format!("« {part} » : {expected}"))?;
        let kind = SiteKind::parse(k)
            .ok_or_else(|| format!("« {} » n'est pas un type de site ; {expected}", k.trim()))?;
        if seen.contains(&kind) {
            return Err(format!("{} est donné deux fois ; {expected}", kind.code()));
        }
        seen.push(kind);
        let w = parse_number(w)
            .filter(|w| *w >= 0.0)
            .ok_or_else(|| format!("« {part} » : le poids n'est pas un nombre ≥ 0 ; {expected}"))?;
        weights.set(kind, w);
    }
    if SiteKind::ALL.iter().all(|&k| weights.of(k) == 0.0) {
        return Err(format!(
            "tous les poids valent 0, aucun site n'aurait d'offre ; {expected}"
        ));
    }
    Ok(weights)
}

/// Checked options of a distance run.
pub struct DistancePlan {
    pub grid_m: Option<f64>,
    /// Whether `--grid-m` was given (by public transport the default grid
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

/// The first point outside the territory's window, as an error naming the
/// file, the point (its rank and id) and the likely cause.
pub fn points_outside(
    t: &Territory,
    path: &std::path::Path,
    first_index: usize,
    ids: &[String],
    points: &[LonLat],
) -> Result<(), Error> {
    match points.iter().position(|p| !t.window.contains(*p)) {
        None => Ok(()),
        Some(i) => {
            let at = crate::error::Location::Feature {
                index: first_index + i,
                id: Some(ids[i].clone()),
            };
            t.window.check(path, &at, "lon/lat", points[i]).map(|_| ())
        }
    }
}

/// The points of `--points`, as a run takes them.
pub enum PlanPoints {
    /// Read whole: ids and positions (reports, and measures by network,
    /// which route all the points at once).
    Whole(Vec<String>, Vec<LonLat>),
    /// Read, measured and written a chunk at a time ([`stream_points`]), by
    /// `distance` as the crow flies.
    Streamed(StreamedPoints),
}

/// A points file being read a chunk at a time, with its first chunk read
/// while planning: a bad row there, or a file without rows, is reported
/// before the data are loaded, as a whole-file read does. A reader thread
/// then reads ahead, a few chunks at most, while the data load.
pub struct StreamedPoints {
    first: PointChunk,
    rest: std::sync::mpsc::Receiver<Result<Option<PointChunk>, Error>>,
    estimated_rows: usize,
}

/// Chunks the reader thread reads ahead of the computation.
const READ_AHEAD_CHUNKS: usize = 4;

impl StreamedPoints {
    /// Opens the points file, reads its first chunk and starts reading
    /// ahead; the error of the first chunk, or of a file without rows.
    fn open(
        path: &std::path::Path,
        warnings: &mut Warnings,
        window: Window,
    ) -> Result<Self, Error> {
        let mut stream = PointsStream::open(path, warnings, window)?;
        let rows = chunk_rows();
        let first = stream.next_chunk(rows)?.ok_or_else(|| no_points(path))?;
        let estimated_rows = stream.estimated_rows();
        let (tx, rest) = std::sync::mpsc::sync_channel(READ_AHEAD_CHUNKS);
        // Ends at the end of the file, at its first error, or when the run
        // no longer listens.
        std::thread::spawn(move || loop {
            let next = stream.next_chunk(rows);
            let last = !matches!(next, Ok(Some(_)));
            if tx.send(next).is_err() || last {
                break;
            }
        });
        Ok(StreamedPoints {
            first,
            rest,
            estimated_rows,
        })
    }
}

/// The error of a points file with a header and no row.
fn no_points(path: &std::path::Path) -> Error {
    Error::file(
        path,
        "aucun point : le fichier a un en-tête mais aucune ligne",
    )
}

impl DistanceArgs {
    /// The grid asked for: `--grid-m`, or by default the 200 m grid, except
    /// for a `distance --points` run (`points_alone`), which measures its
    /// points only.
    pub fn grid(&self, points_alone: bool) -> Option<f64> {
        match self.grid_m {
            Some(g) => g.0,
            None if points_alone && self.points.is_some() => None,
            None => Some(DEFAULT_GRID_M),
        }
    }

    /// The accessibility parameters in `unit`: the km options as the crow
    /// flies, the minutes options by network, each with its default.
    pub fn access(&self, unit: Unit) -> anyhow::Result<AccessParams> {
        let km = AccessParams::default();
        let min = AccessParams::minutes();
        let catchment_min = match self.access_min {
            Some(m) => Some(Bands::catchment(Unit::Minutes, m.0)?),
            None => None,
        };
        Ok(AccessParams {
            weights: self.site_weights,
            catchment: by_unit(
                unit,
                (self.access_km.clone(), "--access-km", km.catchment),
                (catchment_min, "--access-min", min.catchment),
            )?,
            enhanced: by_unit(
                unit,
                (
                    self.access_bands_km.clone(),
                    "--access-bands-km",
                    km.enhanced,
                ),
                (
                    self.access_bands_min.clone(),
                    "--access-bands-min",
                    min.enhanced,
                ),
            )?,
            apl: by_unit(
                unit,
                (self.apl_bands_km.clone(), "--apl-bands-km", km.apl),
                (self.apl_bands_min.clone(), "--apl-bands-min", min.apl),
            )?,
        })
    }

    /// Checks the options and reads the points file, before any computation;
    /// `points_alone` as in [`DistanceArgs::grid`]; `unit` is the run's.
    /// With `stream`, the points file is opened and its first chunk read,
    /// the rest being read as the points are measured ([`stream_points`]).
    ///
    /// The points must lie in France when the embedded communes are used
    /// (`own_communes` false), checked as they are read; with the user's
    /// communes the territory decides where they may lie, so they are read
    /// as WGS84 positions and checked against it once it is loaded
    /// ([`DistancePlan::check_points`]).
    pub fn plan(
        &self,
        ctx: &mut Context,
        points_alone: bool,
        unit: Unit,
        stream: bool,
        own_communes: bool,
    ) -> anyhow::Result<DistancePlan> {
        let access = self.access(unit)?;
        let grid_m = self.grid(points_alone);
        // Read as French points first (their messages name swapped axes and
        // Lambert-93 metres); with the user's communes, a file that is not
        // French is read again as WGS84 positions, to be checked against the
        // territory once loaded.
        let mut window = Window::France;
        let points = match &self.points {
            None => None,
            Some(p) if stream => Some(PlanPoints::Streamed(french_or_world(
                own_communes,
                &mut ctx.warnings,
                &mut window,
                |w, warnings| StreamedPoints::open(p, warnings, w),
            )?)),
            Some(p) => {
                let (ids, pts) = french_or_world(
                    own_communes,
                    &mut ctx.warnings,
                    &mut window,
                    |w, warnings| read_points_in(p, w, warnings),
                )?;
                if ids.is_empty() {
                    return Err(no_points(p).into());
                }
                Some(PlanPoints::Whole(ids, pts))
            }
        };
        Ok(DistancePlan {
            grid_m,
            grid_asked: self.grid_m.is_some(),
            points_path: self.points.clone(),
            points_window: window,
            points,
            access,
            write_access_costs: self.write_access_costs,
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
    /// checked as they come ([`stream_points`]).
    pub fn check_points(&self, t: &Territory) -> Result<(), Error> {
        let Some(path) = &self.points_path else {
            return Ok(());
        };
        // Read as French points into a French territory: nothing to add.
        if self.points_window == Window::France && t.window == crate::geom::frame::Window::France {
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
    pub fn check_grid(&self, t: &Territory, unit: Unit, transit: bool) -> anyhow::Result<()> {
        let Some(size) = self.grid_m else {
            return Ok(());
        };
        let streamed = grid_streamed(self, unit, transit);
        let (max, what) = if streamed {
            (MAX_STREAMED_GRID_CELLS, "qu'une grille écrit")
        } else {
            (MAX_GRID_CELLS, "qu'un calcul par réseau traite")
        };
        let area = communes_area_m2(&t.frame, &t.communes);
        let cells = area / (size * size);
        if cells > max {
            anyhow::bail!(
                "--grid-m {size} : environ {} millions de mailles sur les {} km² des communes, plus \
                 que les {} millions {what} ; choisissez --grid-m {} ou plus",
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
    ctx: &mut Context,
) -> anyhow::Result<DistanceResults> {
    let measure = net.measure();
    ctx.progress.step("accessibilité");
    let access = access_scores(t, &measure, &plan.access);
    ctx.progress.step("tables des distances");
    let summaries = distance_summaries(t, &b.costs, &b.qpv);
    // By network, one search from all the sites serves the grid and the points.
    let transit = matches!(measure, Measure::Transit(_));
    let grid_by_network = plan.grid_m.is_some() && (plan.grid_asked || !transit);
    if transit && plan.grid_m.is_some() && !plan.grid_asked {
        ctx.progress.say(
            "grille : distances à vol d'oiseau seulement ; en transports en commun, \
             demandez-la avec --grid-m (un calcul d'itinéraire par maille)",
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
        let cells = commune_grid(&t.frame, &t.communes, size);
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

pub fn run(cmd: &DistanceCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let args = &cmd.distance;
    // As the crow flies, the points are streamed: any number of them in
    // bounded memory. By network they are routed all at once.
    let unit = cmd.network.unit()?;
    let mut plan = args.plan(
        ctx,
        true,
        unit,
        unit == Unit::Metres,
        data.communes.is_some(),
    )?;
    let t = ctx.load(data)?;
    let transit = cmd.network.travel()? == Some(TravelMode::Transit);
    plan.check_grid(&t, unit, transit)?;
    plan.check_points(&t)?;
    let net = RunNetwork::open(&cmd.network, ctx)?;
    let streamed = match plan.points.take() {
        Some(PlanPoints::Streamed(s)) => Some(s),
        other => {
            plan.points = other;
            None
        }
    };
    let (out, style) = (ctx.out.clone(), ctx.csv);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let points_path = plan.points_path.clone().unwrap_or_default();
    let check_window =
        plan.points_window == Window::World || t.window != crate::geom::frame::Window::France;
    // The points are measured and written beside the analysis of the
    // communes, which leaves cores idle in its sequential parts.
    let (analysed, points) = std::thread::scope(|s| {
        let points = streamed.map(|p| {
            s.spawn(|| stream_points(&t, p, &points_path, check_window, &out, style, &stop))
        });
        let analysed = (|| -> anyhow::Result<Outputs> {
            ctx.progress.step("distances");
            let mut r = net.results(&t, ctx);
            r.distance = Some(analyse(&t, &r.basics, &net, &plan, ctx)?);
            // The tables are built while the grid is computed.
            let grid_m = streamed_grid_m(&plan, unit, transit);
            ctx.progress.step(&grid_step(grid_m, "tables"));
            let options = ctx.table_options(plan.write_access_costs);
            let (mut outputs, mut grid) = (Outputs::new(), Outputs::new());
            let (tables, streamed) = rayon::join(
                || add_tables(&t, &r, options, &mut outputs),
                || add_streamed_grid(&t, &r.basics.index, grid_m, (&out, style), &mut grid),
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
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}

/// Cells of a band of the streamed grid (about 15 MB of rows at a time).
const GRID_BAND_CELLS: usize = 200_000;

/// Whether the grid of `plan` is streamed: straight-line distances, written
/// a band of rows at a time (any number of cells in bounded memory). A grid
/// measured by network (each cell routed) is computed whole, within
/// [`MAX_GRID_CELLS`].
pub fn grid_streamed(plan: &DistancePlan, unit: Unit, transit: bool) -> bool {
    plan.grid_m.is_some() && (unit == Unit::Metres || (transit && !plan.grid_asked))
}

/// Computes and writes the straight-line grid a band of rows at a time:
/// `grille_distance.csv` and `grille_distance.tif` to temporary files in the
/// output folder `out` (renamed with the other outputs), in memory bounded
/// by a band whatever the number of cells. Same bytes as the whole-grid
/// path.
pub fn stream_grid(
    t: &Territory,
    index: &SiteIndex,
    size: f64,
    out: &std::path::Path,
    style: CsvStyle,
) -> Result<(StagedFile, StagedFile), Error> {
    let mut csv = StreamedFile::create(out, GRID_CSV)?;
    let mut tif = StreamedFile::create(out, GRID_TIF)?;
    let mut bands = GridBands::new(&t.frame, &t.communes, size, GRID_BAND_CELLS);
    let (layout, start) = GridTiff::new(bands.cell_extent(), size, &t.frame);
    tif.write(&start)?;
    // Each band is computed while the previous one is written.
    let mut pending: Option<BandBytes> = None;
    let mut first = true;
    loop {
        let (written, next) = rayon::join(
            || -> Result<(), Error> {
                if let Some((rows, pixels)) = pending.take() {
                    csv.write(&rows)?;
                    if let Some((at, bytes)) = pixels {
                        tif.write_at(at, &bytes)?;
                    }
                }
                Ok(())
            },
            || {
                let (rows, band) = bands.next_band()?;
                let nearest = grid_distances(index, &t.frame, &band);
                // The first band carries the header (and the byte-order mark).
                let mut text = if first {
                    grid_table(t, &[], &[], size).to_csv(style)
                } else {
                    Vec::new()
                };
                text.extend(grid_csv_rows(t, style, &band, &nearest, size));
                let pixels = layout.rows(
                    rows,
                    band.iter()
                        .zip(&nearest)
                        .map(|(c, n)| (c.ix, c.iy, n.as_ref().map(|n| n.distance.km() as f32))),
                );
                Some((text, pixels))
            },
        );
        written?;
        let Some(band) = next else {
            break;
        };
        first = false;
        pending = Some(band);
    }
    if first {
        csv.write(&grid_table(t, &[], &[], size).to_csv(style))?;
    }
    Ok((csv.finish()?, tif.finish()?))
}

/// A band of the streamed grid ready to write: its CSV rows, and its
/// GeoTIFF pixels with their offset in the file.
type BandBytes = (Vec<u8>, Option<(u64, Vec<u8>)>);

/// The side of the straight-line grid of `plan` when it is streamed
/// ([`grid_streamed`]).
pub fn streamed_grid_m(plan: &DistancePlan, unit: Unit, transit: bool) -> Option<f64> {
    plan.grid_m.filter(|_| grid_streamed(plan, unit, transit))
}

/// The streamed grid of `size` metres, if any ([`streamed_grid_m`]), into
/// `outputs` (see [`stream_grid`]); the progress step is the caller's.
pub fn add_streamed_grid(
    t: &Territory,
    index: &SiteIndex,
    size: Option<f64>,
    (out, style): (&std::path::Path, CsvStyle),
    outputs: &mut Outputs,
) -> Result<(), Error> {
    let Some(size) = size else {
        return Ok(());
    };
    let (csv, tif) = stream_grid(t, index, size, out, style)?;
    outputs.add_staged(GRID_CSV, csv);
    outputs.add_staged(GRID_TIF, tif);
    Ok(())
}

/// The name of the progress step that computes the streamed grid of `size`
/// metres, if any, with `then` done beside it.
pub fn grid_step(size: Option<f64>, then: &str) -> String {
    match size {
        Some(size) => format!("grille de {size} m, {then}"),
        None => then.to_string(),
    }
}

/// The name of the grid's table and GeoTIFF.
pub const GRID_CSV: &str = "grille_distance.csv";
pub const GRID_TIF: &str = "grille_distance.tif";

/// Rows located and formatted by one parallel task.
const PIECE_ROWS: usize = 4096;

/// The name of the points' table.
const POINTS_CSV: &str = "points_distance.csv";

/// Measures and writes the points of a streamed file a chunk at a time, in
/// the file's order, to a temporary file in the output folder `out`: each
/// chunk is located and measured in parallel and its rows formatted in
/// parallel, while the reader thread reads the next ones. The rows are
/// those [`analyse`] gives a whole file. A bad row anywhere stops with the
/// whole-file read's error, and `stop` stops early; the temporary file is
/// then removed. Also returns the time spent in each part.
pub fn stream_points(
    t: &Territory,
    points: StreamedPoints,
    path: &std::path::Path,
    check_window: bool,
    out: &std::path::Path,
    style: CsvStyle,
    stop: &std::sync::atomic::AtomicBool,
) -> anyhow::Result<(StagedFile, Vec<(&'static str, Duration)>)> {
    let clock = Instant::now();
    let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    let sites = SiteIndex::new(&positions);
    let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
    let index = PolygonIndex::new(&geoms);
    let grid = LocateGrid::new(&index, locate_grid_cells(points.estimated_rows));
    let mut file = StreamedFile::create(out, POINTS_CSV)?;
    file.write(&csv_start(style, POINTS_COLUMNS))?;
    let mut time = [Duration::ZERO; 4];
    time[0] = clock.elapsed();
    let StreamedPoints { first, rest, .. } = points;
    let mut chunk = first;
    // The first chunk was checked against the territory by the plan.
    let mut done = 0usize;
    loop {
        if done > 0 && check_window {
            points_outside(t, path, done, &chunk.ids, &chunk.points)?;
        }
        done += chunk.len();
        let clock = Instant::now();
        let nearest = nearest_sites(&sites, &chunk.points);
        time[1] += clock.elapsed();
        // Located and formatted in one parallel pass, a piece at a time
        // (one wait for the slowest thread per chunk, not two).
        let clock = Instant::now();
        let starts: Vec<usize> = (0..chunk.len()).step_by(PIECE_ROWS).collect();
        let bytes: Vec<Vec<Vec<u8>>> = starts
            .into_par_iter()
            .map(|s| {
                let r = s..(s + PIECE_ROWS).min(chunk.len());
                let communes = locate_each(&grid, &chunk.points[r.clone()]);
                points_csv_rows(
                    t,
                    style,
                    &chunk.ids[r.clone()],
                    &chunk.points[r.clone()],
                    &communes,
                    &nearest[r],
                )
            })
            .collect();
        drop(chunk);
        time[2] += clock.elapsed();
        let clock = Instant::now();
        for part in bytes.iter().flatten() {
            file.write(part)?;
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            anyhow::bail!("calcul des points interrompu");
        }
        chunk = match rest.recv() {
            Ok(Ok(Some(c))) => c,
            Ok(Ok(None)) => break,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => anyhow::bail!("lecture des points interrompue"),
        };
        time[3] += clock.elapsed();
    }
    let timings = [
        "points : index des sites et grille des communes",
        "points : site le plus proche",
        "points : commune et table",
        "points : écriture et attente de la lecture",
    ]
    .into_iter()
    .zip(time)
    .collect();
    Ok((file.finish()?, timings))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Default of `--access-km` (see [`crate::analysis::access::DEFAULT_CATCHMENT_KM`]).
    const DEFAULT_ACCESS_KM: &str = "10";
    // Default of `--access-bands-km` ([`Bands::luo_qi`]).
    const DEFAULT_ACCESS_BANDS: &str = "5:1,10:0.68,15:0.22";
    // Default of `--apl-bands-km` ([`Bands::apl`]).
    const DEFAULT_APL_BANDS: &str = "10:1,15:2/3,20:1/3";

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
        assert_eq!(b.steps()[1], (10_000.0, 2.0 / 3.0));
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
        assert!(parse_bands("10:1,5:0.5").unwrap_err().contains("croître"));
    }

    #[test]
    fn site_weights_keep_defaults_for_kinds_left_out() {
        let w = parse_site_weights("permanence=0.1, siège=2").unwrap();
        assert_eq!((w.siege, w.antenne, w.permanence), (2.0, 0.5, 0.1));
        assert!(parse_site_weights("bureau=1")
            .unwrap_err()
            .contains("n'est pas un type de site"));
        assert!(parse_site_weights("siege=1,siege=2")
            .unwrap_err()
            .contains("deux fois"));
        assert!(parse_site_weights("siege=-1").is_err());
        assert!(parse_site_weights("siege=0,antenne=0,permanence=0")
            .unwrap_err()
            .contains("tous les poids valent 0"));
    }

    #[test]
    fn catchment_must_be_positive() {
        assert!(parse_catchment("0").unwrap_err().contains("positive"));
        assert!(parse_catchment("dix")
            .unwrap_err()
            .contains("n'est pas un nombre"));
        assert_eq!(parse_catchment("7.5").unwrap().reach(), 7_500.0);
    }
}
