//! Which communes share a border.
//!
//! Candidates come from the R-tree of bounding boxes; two communes are
//! neighbours when their polygons touch or overlap, or come within
//! [`ADJACENCY_TOLERANCE_M`] of each other in Lambert-93 — the commune layer
//! is simplified, and simplification opens hairline gaps along some shared
//! borders.

use geo::{Distance, Euclidean, Intersects, MultiPolygon};
use rayon::prelude::*;

use crate::analysis::grid::to_plane;
use crate::geom::frame::Frame;
use crate::index::PolygonIndex;
use crate::model::Commune;

/// Largest gap between two polygons that still counts as a shared border.
pub const ADJACENCY_TOLERANCE_M: f64 = 50.0;

/// Neighbours of each commune, as sorted index lists (symmetric).
pub fn commune_adjacency(frame: &Frame, communes: &[Commune]) -> Vec<Vec<usize>> {
    let geoms: Vec<MultiPolygon<f64>> = communes.iter().map(|c| c.geometry.clone()).collect();
    let projected: Vec<MultiPolygon<f64>> = geoms.par_iter().map(|g| to_plane(frame, g)).collect();
    polygon_adjacency(&geoms, &projected)
}

/// Neighbours among polygons given both in lon/lat (for the index) and in
/// Lambert-93 (for the exact test).
pub fn polygon_adjacency(
    lonlat: &[MultiPolygon<f64>],
    l93: &[MultiPolygon<f64>],
) -> Vec<Vec<usize>> {
    // Pad the boxes a little so that polygons separated by a hairline gap
    // are still candidates: 0.001° is over 70 m at these latitudes.
    let index = PolygonIndex::new(lonlat);
    let pairs: Vec<Vec<usize>> = (0..lonlat.len())
        .into_par_iter()
        .map(|i| {
            index
                .bbox_neighbours_padded(i, 0.001)
                .into_iter()
                .filter(|&j| j > i)
                .filter(|&j| {
                    l93[i].intersects(&l93[j])
                        || Euclidean.distance(&l93[i], &l93[j]) <= ADJACENCY_TOLERANCE_M
                })
                .collect()
        })
        .collect();
    let mut adj = vec![Vec::new(); lonlat.len()];
    for (i, js) in pairs.into_iter().enumerate() {
        for j in js {
            adj[i].push(j);
            adj[j].push(i);
        }
    }
    for a in &mut adj {
        a.sort_unstable();
    }
    adj
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn sq(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)],
        ])
    }

    #[test]
    fn touching_and_nearly_touching_polygons_are_neighbours() {
        // In degrees for the index, the same shapes scaled to metres for the test.
        let ll = vec![
            sq(2.0, 50.0, 0.01),
            sq(2.01, 50.0, 0.01),
            sq(2.0203, 50.0, 0.01),
            sq(2.05, 50.0, 0.01),
        ];
        let m = |p: &MultiPolygon<f64>| {
            use geo::MapCoords;
            p.map_coords(|c| geo::Coord {
                x: c.x * 71_000.0,
                y: c.y * 111_000.0,
            })
        };
        let l93: Vec<_> = ll.iter().map(m).collect();
        let adj = polygon_adjacency(&ll, &l93);
        assert_eq!(adj[0], vec![1]);
        // 0.0003° ≈ 21 m gap between squares 1 and 2: still neighbours.
        assert_eq!(adj[1], vec![0, 2]);
        assert_eq!(adj[3], Vec::<usize>::new());
    }
}
