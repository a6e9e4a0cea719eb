//! Regular grids in the territory's plane ([`Frame`]: Lambert-93 in
//! France): the cells of the territory for distance maps, and sample points
//! inside a polygon (the share of a QPV within a distance).

use geo::{Intersects, MapCoords, MultiPolygon, Point};
use rayon::prelude::*;

use crate::base::frame::Frame;
use crate::base::{LonLat, L93};
use crate::model::Commune;

/// A grid cell whose centre lies in a commune.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridCell {
    /// Column and row: the centre is at `((ix + ½)·size, (iy + ½)·size)` in
    /// the frame's metres, so every run uses the same cells.
    pub ix: i64,
    pub iy: i64,
    pub centre: L93,
    /// Index of the commune holding the centre (the lowest index when the
    /// centre lies exactly on a shared border).
    pub commune: usize,
}

/// Projects a lon/lat polygon to the frame's plane.
pub fn to_plane(frame: &Frame, p: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    p.map_coords(|c| {
        let q = frame.project(LonLat::new(c.x, c.y));
        geo::Coord { x: q.x, y: q.y }
    })
}

/// The centres of the grid of `size` metres that fall inside a polygon
/// given in Lambert-93, as (ix, iy) pairs in row-major order.
pub fn cells_in(poly: &MultiPolygon<f64>, size: f64) -> Vec<(i64, i64)> {
    cells_in_rows(poly, size, i64::MIN, i64::MAX)
}

/// The centres of the grid of `size` metres inside a polygon (given in the
/// plane) on rows `iy0..iy1` only, as (ix, iy) pairs in row-major order:
/// [`cells_in`] cut to a band of rows.
pub fn cells_in_rows(poly: &MultiPolygon<f64>, size: f64, iy0: i64, iy1: i64) -> Vec<(i64, i64)> {
    use geo::BoundingRect;
    let Some(r) = poly.bounding_rect() else {
        return Vec::new();
    };
    let (y0, y1) = (
        ((r.min().y / size).floor() as i64).max(iy0),
        ((r.max().y / size).floor() as i64).min(iy1 - 1),
    );
    if y0 > y1 {
        return Vec::new();
    }
    // Each edge, with its polygon, in the buckets of the rows whose centre
    // line it may cross or come within DOUBT of.
    let rows = (y1 - y0 + 1) as usize;
    let mut edges: Vec<(usize, u32, geo::Line<f64>)> = Vec::new();
    for (k, p) in poly.0.iter().enumerate() {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            for e in ring.lines() {
                let (lo, hi) = (e.start.y.min(e.end.y), e.start.y.max(e.end.y));
                let first = (((lo - DOUBT) / size - 0.5).ceil() as i64).max(y0);
                let last = (((hi + DOUBT) / size - 0.5).floor() as i64).min(y1);
                for iy in first..=last {
                    edges.push(((iy - y0) as usize, k as u32, e));
                }
            }
        }
    }
    edges.sort_by_key(|e| e.0);
    let mut out = Vec::new();
    let mut crossings: Vec<(u32, f64)> = Vec::new();
    let mut doubts: Vec<(f64, f64)> = Vec::new();
    let mut row: Vec<i64> = Vec::new();
    let mut doubtful: Vec<i64> = Vec::new();
    let mut rest = &edges[..];
    for r in 0..rows {
        let n = rest.iter().take_while(|e| e.0 == r).count();
        let (here, tail) = rest.split_at(n);
        rest = tail;
        if here.is_empty() {
            continue;
        }
        let iy = y0 + r as i64;
        let yc = (iy as f64 + 0.5) * size;
        crossings.clear();
        doubts.clear();
        for &(_, k, e) in here {
            let (a, b) = (e.start, e.end);
            // Half-open rule: a vertex on the line counts for the edge
            // leaving upwards only, so each ring crosses an even number of
            // times.
            if (a.y <= yc) != (b.y <= yc) {
                let x = a.x + (yc - a.y) * (b.x - a.x) / (b.y - a.y);
                crossings.push((k, x));
                doubts.push((x, x));
            }
            let (na, nb) = ((a.y - yc).abs() <= DOUBT, (b.y - yc).abs() <= DOUBT);
            if na && nb {
                doubts.push((a.x.min(b.x), a.x.max(b.x)));
            } else if na {
                doubts.push((a.x, a.x));
            } else if nb {
                doubts.push((b.x, b.x));
            }
        }
        crossings.sort_by(|p, q| p.0.cmp(&q.0).then(p.1.total_cmp(&q.1)));
        row.clear();
        for pair in crossings.chunks_exact(2) {
            // Centres strictly inside the span (those near its ends are
            // doubtful and decided below).
            let first = (pair[0].1 / size - 0.5).ceil() as i64;
            let last = (pair[1].1 / size - 0.5).floor() as i64;
            row.extend(first..=last);
        }
        // Centres within DOUBT of the boundary: the exact test decides.
        doubtful.clear();
        for &(lo, hi) in &doubts {
            let first = ((lo - DOUBT) / size - 0.5).ceil() as i64;
            let last = ((hi + DOUBT) / size - 0.5).floor() as i64;
            doubtful.extend(first..=last);
        }
        doubtful.sort_unstable();
        doubtful.dedup();
        row.retain(|ix| doubtful.binary_search(ix).is_err());
        row.extend(
            doubtful
                .iter()
                .copied()
                .filter(|&ix| poly.intersects(&Point::new((ix as f64 + 0.5) * size, yc))),
        );
        row.sort_unstable();
        row.dedup();
        out.extend(row.iter().map(|&ix| (ix, iy)));
    }
    out
}

/// Distance (metres) from the boundary within which a cell's centre is
/// tested exactly (point in polygon, the boundary included) rather than by
/// the parity of the boundary's crossings along its row: far above the
/// rounding of a crossing's abscissa, far below a cell.
const DOUBT: f64 = 1e-3;

/// The grid of [`commune_grid`], a band of rows at a time (south to north),
/// so that a grid of any size is computed in bounded memory: the same cells,
/// in the same order, with the same communes.
pub struct GridBands {
    size: f64,
    /// The communes in the plane, with their rows (first, last).
    communes: Vec<(MultiPolygon<f64>, i64, i64)>,
    next_row: i64,
    last_row: i64,
    rows_per_band: i64,
}

impl GridBands {
    /// Bands of about `band_cells` cells of the communes' bounding box (at
    /// least one row).
    pub fn new(frame: &Frame, communes: &[Commune], size: f64, band_cells: usize) -> Self {
        use geo::BoundingRect;
        let communes: Vec<(MultiPolygon<f64>, i64, i64)> = communes
            .par_iter()
            .map(|c| {
                let p = to_plane(frame, &c.geometry);
                let (lo, hi) = p.bounding_rect().map_or((1, 0), |r| {
                    (
                        (r.min().y / size).floor() as i64,
                        (r.max().y / size).floor() as i64,
                    )
                });
                (p, lo, hi)
            })
            .collect();
        let next_row = communes.iter().map(|c| c.1).min().unwrap_or(0);
        let last_row = communes.iter().map(|c| c.2).max().unwrap_or(-1);
        let (x0, x1) = communes
            .iter()
            .filter_map(|c| c.0.bounding_rect())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
                (a.min(r.min().x), b.max(r.max().x))
            });
        let columns = ((x1 - x0) / size).ceil().max(1.0);
        let rows_per_band = (band_cells as f64 / columns).floor().max(1.0) as i64;
        GridBands {
            size,
            communes,
            next_row,
            last_row,
            rows_per_band,
        }
    }
}

impl GridBands {
    /// The columns and rows the cells span, `(x0, x1, y0, y1)` inclusive;
    /// `None` without a cell. Found by a pass over the communes before the
    /// bands (a raster of the grid is laid out before its rows are known).
    pub fn cell_extent(&self) -> Option<(i64, i64, i64, i64)> {
        let size = self.size;
        self.communes
            .par_iter()
            .filter_map(|c| {
                let cells = cells_in_rows(&c.0, size, i64::MIN, i64::MAX);
                cells.iter().fold(None, |e, &(ix, iy)| {
                    Some(widen(e.unwrap_or((ix, ix, iy, iy)), (ix, ix, iy, iy)))
                })
            })
            .reduce_with(widen)
    }

    /// The next band: its rows (all of them, whether they hold cells or
    /// not) and its cells sorted by row then column; `None` after the last
    /// row.
    pub fn next_band(&mut self) -> Option<(std::ops::Range<i64>, Vec<GridCell>)> {
        if self.next_row > self.last_row {
            return None;
        }
        let (iy0, iy1) = (
            self.next_row,
            self.next_row.saturating_add(self.rows_per_band),
        );
        self.next_row = iy1;
        let size = self.size;
        let mut cells: Vec<GridCell> = self
            .communes
            .par_iter()
            .enumerate()
            .filter(|(_, c)| c.1 < iy1 && c.2 >= iy0)
            .flat_map_iter(|(i, c)| {
                cells_in_rows(&c.0, size, iy0, iy1)
                    .into_iter()
                    .map(move |(ix, iy)| GridCell {
                        ix,
                        iy,
                        centre: L93 {
                            x: (ix as f64 + 0.5) * size,
                            y: (iy as f64 + 0.5) * size,
                        },
                        commune: i,
                    })
            })
            .collect();
        cells.sort_by_key(|c| (c.iy, c.ix, c.commune));
        cells.dedup_by_key(|c| (c.iy, c.ix));
        Some((iy0..iy1, cells))
    }
}

/// The smallest extent `(x0, x1, y0, y1)` holding two.
fn widen(a: (i64, i64, i64, i64), b: (i64, i64, i64, i64)) -> (i64, i64, i64, i64) {
    (a.0.min(b.0), a.1.max(b.1), a.2.min(b.2), a.3.max(b.3))
}

impl Iterator for GridBands {
    type Item = Vec<GridCell>;

    /// The cells of the next band, sorted by row then column (possibly
    /// none); `None` after the last row.
    fn next(&mut self) -> Option<Vec<GridCell>> {
        self.next_band().map(|(_, cells)| cells)
    }
}

/// The communes' total area in square metres (in the frame's plane): about
/// the number of grid cells times the square of their side.
pub fn communes_area_m2(frame: &Frame, communes: &[Commune]) -> f64 {
    use geo::Area;
    communes
        .par_iter()
        .map(|c| to_plane(frame, &c.geometry).unsigned_area())
        .sum()
}

/// The communes a perimeter's grid covers: the territory's, those outside
/// the perimeter without area, so that cells keep the territory's commune
/// indexes (borrowed as they are for the whole territory).
pub fn perimeter_communes<'a>(
    t: &'a crate::model::Territory,
    scope: &crate::model::Scope,
) -> std::borrow::Cow<'a, [Commune]> {
    if *scope == crate::model::Scope::Region {
        return std::borrow::Cow::Borrowed(&t.communes);
    }
    std::borrow::Cow::Owned(
        t.communes
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut c = c.clone();
                if !scope.has_commune(t, i) {
                    c.geometry = MultiPolygon(Vec::new());
                }
                c
            })
            .collect(),
    )
}

/// The cells of `size` metres whose centre lies in a commune, sorted by row
/// then column. Parallel over communes; the result does not depend on the
/// number of threads.
pub fn commune_grid(frame: &Frame, communes: &[Commune], size: f64) -> Vec<GridCell> {
    GridBands::new(frame, communes, size, usize::MAX)
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    /// Band by band, whatever the band's height, the grid is the whole
    /// grid: same cells, order and communes.
    #[test]
    fn bands_give_the_whole_grid() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        let communes = &t.communes[..400];
        for size in [500.0, 1000.0] {
            let whole = commune_grid(&t.frame, communes, size);
            assert!(whole.len() > 1000);
            for band_cells in [1, 700, 5_000, 10_000_000] {
                let banded: Vec<GridCell> = GridBands::new(&t.frame, communes, size, band_cells)
                    .flatten()
                    .collect();
                assert_eq!(banded, whole, "{size} m, bands of {band_cells} cells");
            }
        }
    }

    /// The plain reference: every centre of the bounding box tested for
    /// being in the polygon or on its boundary.
    fn brute_force(poly: &MultiPolygon<f64>, size: f64) -> Vec<(i64, i64)> {
        use geo::BoundingRect;
        let Some(r) = poly.bounding_rect() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for iy in (r.min().y / size).floor() as i64..=(r.max().y / size).floor() as i64 {
            for ix in (r.min().x / size).floor() as i64..=(r.max().x / size).floor() as i64 {
                let c = Point::new((ix as f64 + 0.5) * size, (iy as f64 + 0.5) * size);
                if poly.intersects(&c) {
                    out.push((ix, iy));
                }
            }
        }
        out
    }

    /// A star-shaped ring of `n` vertices around (cx, cy); with `snap`,
    /// vertices are rounded to a multiple of `snap` so that many fall on
    /// cell centres, rows and columns.
    fn star(
        rng: &mut crate::seeded::SplitMix64,
        cx: f64,
        cy: f64,
        r: f64,
        n: usize,
        snap: f64,
    ) -> geo::LineString<f64> {
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                let d = r * (0.3 + 0.7 * rng.next_f64());
                let (x, y) = (cx + d * a.cos(), cy + d * a.sin());
                if snap > 0.0 {
                    ((x / snap).round() * snap, (y / snap).round() * snap)
                } else {
                    (x, y)
                }
            })
            .collect();
        pts.dedup();
        pts.push(pts[0]);
        pts.into()
    }

    /// The scanline gives the brute force's cells on random polygons with
    /// holes and several parts, with vertices anywhere or snapped onto
    /// centres, rows and columns (boundary points count), on every band.
    #[test]
    fn scanline_equals_brute_force() {
        let mut rng = crate::seeded::SplitMix64(41);
        for case in 0..300 {
            let size = [100.0, 200.0, 250.0][case % 3];
            let snap = [0.0, size / 2.0, size][case / 3 % 3];
            let mut parts = Vec::new();
            for k in 0..1 + case % 3 {
                let (cx, cy) = (5000.0 + 3000.0 * k as f64, 7000.0 + 1000.0 * k as f64);
                let exterior = star(&mut rng, cx, cy, 2500.0, 5 + case % 40, snap);
                let holes = if case % 2 == 0 {
                    vec![star(&mut rng, cx, cy, 500.0, 6, snap)]
                } else {
                    vec![]
                };
                parts.push(geo::Polygon::new(exterior, holes));
            }
            let poly = MultiPolygon(parts);
            let expected = brute_force(&poly, size);
            assert_eq!(cells_in(&poly, size), expected, "case {case}");
            let mid = expected.get(expected.len() / 2).map_or(0, |c| c.1);
            let mut banded = cells_in_rows(&poly, size, i64::MIN, mid);
            banded.extend(cells_in_rows(&poly, size, mid, i64::MAX));
            assert_eq!(banded, expected, "case {case} in two bands");
        }
    }

    /// And on real communes of the embedded region, in Lambert-93.
    #[test]
    fn scanline_equals_brute_force_on_communes() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        for c in t.communes.iter().step_by(40) {
            let p = to_plane(&t.frame, &c.geometry);
            for size in [200.0, 1000.0] {
                assert_eq!(cells_in(&p, size), brute_force(&p, size), "{}", c.code);
            }
        }
    }

    /// The extent found before the bands is the cells' own.
    #[test]
    fn cell_extent_is_the_cells_extent() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        let communes = &t.communes[..300];
        let cells = commune_grid(&t.frame, communes, 500.0);
        let expected = (
            cells.iter().map(|c| c.ix).min().unwrap(),
            cells.iter().map(|c| c.ix).max().unwrap(),
            cells.iter().map(|c| c.iy).min().unwrap(),
            cells.iter().map(|c| c.iy).max().unwrap(),
        );
        let bands = GridBands::new(&t.frame, communes, 500.0, 1000);
        assert_eq!(bands.cell_extent(), Some(expected));
        assert_eq!(
            GridBands::new(&t.frame, &[], 500.0, 1000).cell_extent(),
            None
        );
    }

    #[test]
    fn cells_of_a_square_are_counted_exactly() {
        // A 1 km square from (1000, 2000): 5 × 5 centres of a 200 m grid.
        let sq = MultiPolygon(vec![
            polygon![(x: 1000.0, y: 2000.0), (x: 2000.0, y: 2000.0), (x: 2000.0, y: 3000.0), (x: 1000.0, y: 3000.0)],
        ]);
        let cells = cells_in(&sq, 200.0);
        assert_eq!(cells.len(), 25);
        assert_eq!(cells[0], (5, 10));
        // A centre on the boundary counts: (1000, 3000) is a corner.
        assert_eq!(cells_in(&sq, 2000.0), vec![(0, 1)]);
        assert!(cells_in(&sq, 3000.0).is_empty());
    }
}
