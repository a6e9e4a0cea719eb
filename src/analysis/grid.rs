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
    use geo::BoundingRect;
    let Some(r) = poly.bounding_rect() else {
        return Vec::new();
    };
    let (x0, x1) = (
        (r.min().x / size).floor() as i64,
        (r.max().x / size).floor() as i64,
    );
    let (y0, y1) = (
        (r.min().y / size).floor() as i64,
        (r.max().y / size).floor() as i64,
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
    let mut cells: Vec<GridCell> = communes
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, c)| {
            cells_in(&to_plane(frame, &c.geometry), size)
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
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

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
