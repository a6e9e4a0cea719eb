//! The outputs written while they are computed, in bounded memory: the
//! straight-line grid a band of rows at a time (`grille_distance.csv` and
//! its GeoTIFF), and the points of `distance --points` a chunk at a time
//! (`points_distance.csv`). Each goes to a temporary file in the output
//! folder, renamed with the other outputs ([`crate::output::write::Outputs`]).

use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::analysis::distance::{grid_distances, locate_each, locate_grid_cells, nearest_sites};
use crate::analysis::grid::{perimeter_communes, GridBands};
use crate::base::LonLat;
use crate::error::Error;
use crate::index::{LocateGrid, PolygonIndex, SiteIndex};
use crate::load::points::points_outside;
use crate::load::points_stream::StreamedPoints;
use crate::model::{Scope, Territory};
use crate::output::geotiff::GridTiff;
use crate::output::tables::{grid_csv_rows, grid_table, points_csv_rows, POINTS_COLUMNS};
use crate::output::write::{csv_start, CsvStyle, Outputs, StagedFile, StreamedFile};

/// Cells of a band of the streamed grid (about 15 MB of rows at a time).
const GRID_BAND_CELLS: usize = 200_000;

/// Computes and writes the straight-line grid a band of rows at a time:
/// `grille_distance.csv` and `grille_distance.tif` to temporary files in the
/// output folder `out` (renamed with the other outputs), in memory bounded
/// by a band whatever the number of cells. Same bytes as the whole-grid
/// path.
pub fn stream_grid(
    t: &Territory,
    index: &SiteIndex,
    size: f64,
    scope: &Scope,
    out: &std::path::Path,
    style: CsvStyle,
) -> Result<(StagedFile, StagedFile), Error> {
    let mut csv = StreamedFile::create(out, GRID_CSV)?;
    let mut tif = StreamedFile::create(out, GRID_TIF)?;
    let communes = perimeter_communes(t, scope);
    let mut bands = GridBands::new(&t.frame, &communes, size, GRID_BAND_CELLS);
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

/// The streamed grid of `size` metres, if any ([`crate::pipeline::distance::streamed_grid_m`]), into
/// `outputs` (see [`stream_grid`]); the progress step is the caller's.
pub fn add_streamed_grid(
    t: &Territory,
    index: &SiteIndex,
    (size, scope): (Option<f64>, &Scope),
    (out, style): (&std::path::Path, CsvStyle),
    outputs: &mut Outputs,
) -> Result<(), Error> {
    let Some(size) = size else {
        return Ok(());
    };
    let (csv, tif) = stream_grid(t, index, size, scope, out, style)?;
    outputs.add_staged(GRID_CSV, csv);
    outputs.add_staged(GRID_TIF, tif);
    Ok(())
}

/// The name of the grid's table and GeoTIFF.
pub const GRID_CSV: &str = "grille_distance.csv";

pub const GRID_TIF: &str = "grille_distance.tif";

/// Rows located and formatted by one parallel task.
const PIECE_ROWS: usize = 4096;

/// The name of the points' table.
pub const POINTS_CSV: &str = "points_distance.csv";

/// Measures and writes the points of a streamed file a chunk at a time, in
/// the file's order, to a temporary file in the output folder `out`: each
/// chunk is located and measured in parallel and its rows formatted in
/// parallel, while the reader thread reads the next ones. The rows are
/// those [`crate::pipeline::distance::analyse`] gives a whole file. A bad row anywhere stops with the
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
