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
use crate::base::frame::Frame;
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
    let sharing = sharing_a_vertex(lonlat);
    let pairs: Vec<Vec<usize>> = (0..lonlat.len())
        .into_par_iter()
        .map(|i| {
            index
                .bbox_neighbours_padded(i, 0.001)
                .into_iter()
                .filter(|&j| j > i)
                .filter(|&j| {
                    // A shared vertex is a shared point: no exact test needed.
                    sharing.binary_search(&(i, j)).is_ok()
                        || l93[i].intersects(&l93[j])
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

/// The pairs `(i, j)`, `i < j`, of polygons with a vertex in common (the
/// same coordinates, bit for bit, on any ring), sorted: the common case of
/// neighbours cut from one topology, found by sorting every vertex once.
fn sharing_a_vertex(polys: &[MultiPolygon<f64>]) -> Vec<(usize, usize)> {
    use geo::CoordsIter;
    let mut vertices: Vec<(u64, u64, u32)> = polys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, p)| {
            p.coords_iter()
                .map(move |c| (c.x.to_bits(), c.y.to_bits(), i as u32))
        })
        .collect();
    vertices.par_sort_unstable();
    vertices.dedup();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for run in vertices.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        for (k, a) in run.iter().enumerate() {
            for b in &run[k + 1..] {
                pairs.push((a.2 as usize, b.2 as usize));
            }
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
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

    /// On real communes, the neighbours are those of the plain rule applied
    /// to every pair: touching, overlapping or within the tolerance.
    #[test]
    fn neighbours_of_real_communes_are_the_plain_rules() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        // Communes of one département, neighbours of each other.
        let communes: Vec<Commune> = t
            .communes
            .iter()
            .filter(|c| c.departement == "80")
            .take(400)
            .cloned()
            .collect();
        let adj = commune_adjacency(&t.frame, &communes);
        let l93: Vec<_> = communes
            .iter()
            .map(|c| to_plane(&t.frame, &c.geometry))
            .collect();
        let mut expected = vec![Vec::new(); l93.len()];
        for i in 0..l93.len() {
            for j in 0..l93.len() {
                if i != j
                    && (l93[i].intersects(&l93[j])
                        || Euclidean.distance(&l93[i], &l93[j]) <= ADJACENCY_TOLERANCE_M)
                {
                    expected[i].push(j);
                }
            }
        }
        let degrees: usize = expected.iter().map(Vec::len).sum();
        assert!(degrees > 800, "{degrees}");
        assert_eq!(adj, expected);
        let shared = sharing_a_vertex(
            &communes
                .iter()
                .map(|c| c.geometry.clone())
                .collect::<Vec<_>>(),
        );
        assert!(shared.len() > 100, "{} pairs share a vertex", shared.len());
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
