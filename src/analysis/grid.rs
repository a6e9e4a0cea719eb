//! Regular grids in the territory's plane ([`Frame`]: Lambert-93 in
//! France): the cells of the territory for distance maps, and sample points
//! inside a polygon (the share of a QPV within a distance).

use geo::{Intersects, MapCoords, MultiPolygon, Point};
use rayon::prelude::*;

use crate::geom::frame::Frame;
use crate::model::{Commune, LonLat, L93};

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
    let (x0, x1) = (
        (r.min().x / size).floor() as i64,
        (r.max().x / size).floor() as i64,
    );
    let (y0, y1) = (
        ((r.min().y / size).floor() as i64).max(iy0),
        ((r.max().y / size).floor() as i64).min(iy1 - 1),
    );
    let mut out = Vec::new();
    for iy in y0..=y1 {
        for ix in x0..=x1 {
            let c = Point::new((ix as f64 + 0.5) * size, (iy as f64 + 0.5) * size);
            if poly.intersects(&c) {
                out.push((ix, iy));
            }
        }
    }
    out
}

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

impl Iterator for GridBands {
    type Item = Vec<GridCell>;

    /// The cells of the next band, sorted by row then column (possibly
    /// none); `None` after the last row.
    fn next(&mut self) -> Option<Vec<GridCell>> {
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
        Some(cells)
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
