//! Point location in polygons: an R-tree over the polygons' bounding boxes
//! narrows the candidates, then an exact point-in-polygon test decides.

use geo::{BoundingRect, Intersects, MultiPolygon, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::model::LonLat;

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An index over polygons given in lon/lat; queries return indexes into the
/// slice the index was built from.
pub struct PolygonIndex<'a> {
    polygons: &'a [MultiPolygon<f64>],
    tree: RTree<Entry>,
}

impl<'a> PolygonIndex<'a> {
    pub fn new(polygons: &'a [MultiPolygon<f64>]) -> Self {
        let entries = polygons
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.bounding_rect()?;
                Some(GeomWithData::new(
                    Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                    i,
                ))
            })
            .collect();
        PolygonIndex {
            polygons,
            tree: RTree::bulk_load(entries),
        }
    }

    /// The polygons that contain the point or have it on their boundary, in
    /// ascending index order (a point on a shared border belongs to both).
    pub fn containing(&self, p: LonLat) -> Vec<usize> {
        let pt = Point::new(p.lon, p.lat);
        let mut hits: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(AABB::from_point([p.lon, p.lat]))
            .map(|e| e.data)
            .filter(|&i| self.polygons[i].intersects(&pt))
            .collect();
        hits.sort_unstable();
        hits
    }

    /// The first polygon (lowest index) containing the point.
    pub fn locate(&self, p: LonLat) -> Option<usize> {
        self.containing(p).into_iter().next()
    }

    /// Indexes of polygons whose bounding box intersects the box around
    /// polygon `i` — the candidates for sharing a border with it.
    pub fn bbox_neighbours(&self, i: usize) -> Vec<usize> {
        self.bbox_neighbours_padded(i, 0.0)
    }

    /// Like [`PolygonIndex::bbox_neighbours`], with the box grown by `pad`
    /// (in the polygons' units) on every side.
    pub fn bbox_neighbours_padded(&self, i: usize, pad: f64) -> Vec<usize> {
        let Some(r) = self.polygons[i].bounding_rect() else {
            return Vec::new();
        };
        let mut v: Vec<usize> = self
            .tree
            .locate_in_envelope_intersecting(AABB::from_corners(
                [r.min().x - pad, r.min().y - pad],
                [r.max().x + pad, r.max().y + pad],
            ))
            .map(|e| e.data)
            .filter(|&j| j != i)
            .collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x0: f64, y0: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: x0, y: y0), (x: x0 + s, y: y0), (x: x0 + s, y: y0 + s), (x: x0, y: y0 + s)],
        ])
    }

    #[test]
    fn locates_inside_outside_and_on_shared_border() {
        let polys = vec![square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0)];
        let idx = PolygonIndex::new(&polys);
        assert_eq!(idx.locate(LonLat::new(0.5, 0.5)), Some(0));
        assert_eq!(idx.locate(LonLat::new(1.5, 0.5)), Some(1));
        assert_eq!(idx.containing(LonLat::new(1.0, 0.5)), vec![0, 1]);
        assert_eq!(idx.locate(LonLat::new(3.0, 0.5)), None);
        assert_eq!(idx.bbox_neighbours(0), vec![1]);
    }
}
