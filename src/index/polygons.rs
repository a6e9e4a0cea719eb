//! Point location in polygons: an R-tree over the polygons' bounding boxes
//! narrows the candidates, then an exact point-in-polygon test decides.

use geo::coordinate_position::CoordPos;
use geo::{BoundingRect, CoordinatePosition, MultiPolygon};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

use crate::base::LonLat;

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
        let mut hits: Vec<usize> = self.candidates(p).filter(|&i| self.holds(i, p)).collect();
        hits.sort_unstable();
        hits
    }

    /// The first polygon (lowest index) containing the point.
    pub fn locate(&self, p: LonLat) -> Option<usize> {
        self.candidates(p).filter(|&i| self.holds(i, p)).min()
    }

    /// The polygons whose bounding box holds the point.
    fn candidates(&self, p: LonLat) -> impl Iterator<Item = usize> + '_ {
        self.tree
            .locate_in_envelope_intersecting(AABB::from_point([p.lon, p.lat]))
            .map(|e| e.data)
    }

    /// Whether polygon `i`, whose bounding box holds the point, contains it
    /// or has it on its boundary: `Intersects<Point>` without the bounding
    /// box it computes again on each call.
    fn holds(&self, i: usize, p: LonLat) -> bool {
        let c = geo::Coord { x: p.lon, y: p.lat };
        self.polygons[i]
            .0
            .iter()
            .any(|poly| poly.coordinate_position(&c) != CoordPos::Outside)
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

/// Cell value: an edge of some polygon comes near the cell, ask the index.
const NEAR_EDGE: u32 = u32::MAX;
/// Cell value: no polygon holds the cell.
const OUTSIDE: u32 = u32::MAX - 1;

/// A lookup grid in front of a [`PolygonIndex`], for locating many points:
/// a cell that no polygon edge comes near lies wholly inside the same
/// polygons, so one exact location answers for every point in it; points in
/// the other cells (and outside the grid) go to the index. The answers are
/// [`PolygonIndex::locate`]'s, whatever the cell size.
pub struct LocateGrid<'i, 'a> {
    index: &'i PolygonIndex<'a>,
    x0: f64,
    y0: f64,
    /// Cells per unit, along both axes.
    scale: f64,
    nx: usize,
    ny: usize,
    cells: Vec<u32>,
}

/// How far from an edge's bounding box a cell counts as near it, in the
/// polygons' units: far above the rounding of the cell arithmetic.
const MARGIN: f64 = 1e-9;

impl<'i, 'a> LocateGrid<'i, 'a> {
    /// A grid of about `cells` cells over the polygons' extent.
    pub fn new(index: &'i PolygonIndex<'a>, cells: usize) -> Self {
        let mut grid = LocateGrid {
            index,
            x0: 0.0,
            y0: 0.0,
            scale: 0.0,
            nx: 0,
            ny: 0,
            cells: Vec::new(),
        };
        let env = index.tree.root().envelope();
        let (lo, hi) = (env.lower(), env.upper());
        let (w, h) = (hi[0] - lo[0], hi[1] - lo[1]);
        if index.tree.size() == 0 || !(w > 0.0 && h > 0.0) || cells == 0 {
            return grid;
        }
        let scale = (cells as f64 / (w * h)).sqrt();
        grid.x0 = lo[0] - MARGIN;
        grid.y0 = lo[1] - MARGIN;
        grid.scale = scale;
        grid.nx = ((w + 2.0 * MARGIN) * scale).ceil().max(1.0) as usize;
        grid.ny = ((h + 2.0 * MARGIN) * scale).ceil().max(1.0) as usize;
        let mut near = vec![false; grid.nx * grid.ny];
        for poly in index.polygons {
            for p in &poly.0 {
                for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                    // Each vertex too: a ring of one point has no edge.
                    for c in &ring.0 {
                        let (ix0, iy0) = grid.cell_floor(c.x - MARGIN, c.y - MARGIN);
                        let (ix1, iy1) = grid.cell_floor(c.x + MARGIN, c.y + MARGIN);
                        for iy in iy0..=iy1 {
                            near[iy * grid.nx + ix0..=iy * grid.nx + ix1].fill(true);
                        }
                    }
                    for line in ring.lines() {
                        let (a, b) = (line.start, line.end);
                        let (ix0, iy0) =
                            grid.cell_floor(a.x.min(b.x) - MARGIN, a.y.min(b.y) - MARGIN);
                        let (ix1, iy1) =
                            grid.cell_floor(a.x.max(b.x) + MARGIN, a.y.max(b.y) + MARGIN);
                        for iy in iy0..=iy1 {
                            near[iy * grid.nx + ix0..=iy * grid.nx + ix1].fill(true);
                        }
                    }
                }
            }
        }
        // Along a row, cells between two cells near an edge touch without
        // an edge between them: one location serves the run.
        let (nx, x0, y0) = (grid.nx, grid.x0, grid.y0);
        let mut cells = vec![NEAR_EDGE; grid.nx * grid.ny];
        cells
            .par_chunks_mut(nx)
            .zip(near.par_chunks(nx))
            .enumerate()
            .for_each(|(iy, (row, near))| {
                let y = y0 + (iy as f64 + 0.5) / scale;
                let mut ix = 0;
                while ix < nx {
                    if near[ix] {
                        ix += 1;
                        continue;
                    }
                    let x = x0 + (ix as f64 + 0.5) / scale;
                    let v = index
                        .locate(LonLat::new(x, y))
                        .map_or(OUTSIDE, |i| u32::try_from(i).unwrap_or(NEAR_EDGE));
                    while ix < nx && !near[ix] {
                        row[ix] = v;
                        ix += 1;
                    }
                }
            });
        grid.cells = cells;
        grid
    }

    /// The cell holding (x, y), clamped to the grid.
    fn cell_floor(&self, x: f64, y: f64) -> (usize, usize) {
        let fx = ((x - self.x0) * self.scale).floor();
        let fy = ((y - self.y0) * self.scale).floor();
        (
            (fx.max(0.0) as usize).min(self.nx - 1),
            (fy.max(0.0) as usize).min(self.ny - 1),
        )
    }

    /// The first polygon (lowest index) containing the point, as
    /// [`PolygonIndex::locate`] gives it.
    pub fn locate(&self, p: LonLat) -> Option<usize> {
        let fx = (p.lon - self.x0) * self.scale;
        let fy = (p.lat - self.y0) * self.scale;
        if fx >= 0.0 && fy >= 0.0 && fx < self.nx as f64 && fy < self.ny as f64 {
            match self.cells[fy as usize * self.nx + fx as usize] {
                NEAR_EDGE => {}
                OUTSIDE => return None,
                i => return Some(i as usize),
            }
        }
        self.index.locate(p)
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

    #[test]
    fn grid_answers_as_the_index_does() {
        // Squares sharing borders, one overlapping two others, one with a
        // hole, a triangle with a long slanted edge, a ring of one point.
        let mut polys = vec![
            square(0.0, 0.0, 1.0),
            square(1.0, 0.0, 1.0),
            square(0.5, 0.5, 1.0),
            MultiPolygon(vec![geo::Polygon::new(
                geo::LineString::from(vec![(3.0, 0.0), (5.0, 0.0), (5.0, 2.0), (3.0, 2.0)]),
                vec![geo::LineString::from(vec![
                    (3.5, 0.5),
                    (4.5, 0.5),
                    (4.5, 1.5),
                    (3.5, 1.5),
                ])],
            )]),
            MultiPolygon(vec![
                polygon![(x: 0.0, y: 2.0), (x: 2.9, y: 2.1), (x: 0.0, y: 3.0)],
            ]),
        ];
        polys.push(MultiPolygon(vec![geo::Polygon::new(
            geo::LineString(vec![geo::Coord { x: 2.5, y: 0.5 }]),
            vec![],
        )]));
        let idx = PolygonIndex::new(&polys);
        for cells in [0, 1, 7, 100, 5_000, 200_000] {
            let grid = LocateGrid::new(&idx, cells);
            let mut pts = vec![LonLat::new(2.5, 0.5), LonLat::new(-1.0, 9.0)];
            for i in 0..=120 {
                for j in 0..=90 {
                    pts.push(LonLat::new(-0.5 + i as f64 / 20.0, -0.5 + j as f64 / 25.0));
                }
            }
            for p in pts {
                assert_eq!(grid.locate(p), idx.locate(p), "{p:?} with {cells} cells");
            }
        }
    }
}
