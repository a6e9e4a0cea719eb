//! The snapping index: the nodes bucketed in a uniform longitude/latitude
//! grid, searched ring by ring around the query's cell.
//!
//! The grid is built by a counting sort in O(n) (each cell lists its nodes
//! in increasing order) and is exact: a ring search stops only once a lower
//! bound of the geodesic distance to every node not yet looked at exceeds
//! the best distance found (or the caller's limit). The bounds are those of
//! the sphere of [`SPHERE_RADIUS_M`] on which the nodes' latitudes and
//! longitudes are placed, scaled by [`CHORD_TO_GEODESIC_MIN`]: the central
//! angle between two points is at least their difference of latitude, and
//! at least `asin(cos φ · sin Δλ)` (the angle from the query, at latitude
//! `φ`, to the meridian `Δλ` away, `Δλ` at most 90°); the chord of an angle
//! `θ` is `2 R sin(θ / 2)`. Longitudes are compared around the circle, so
//! the search is valid across the antimeridian too.

use super::{CHORD_TO_GEODESIC_MIN, SPHERE_RADIUS_M};
use crate::base::LonLat;

/// Margin, in degrees, added around every cell's bounds against rounding
/// when nodes are put in cells (about 0.1 mm).
const EDGE_EPS_DEG: f64 = 1e-9;

/// Nodes per cell aimed at when sizing the grid.
const NODES_PER_CELL: usize = 2;

/// The grid (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Grid {
    /// South-west corner of the nodes' bounding box, degrees.
    lon0: f64,
    lat0: f64,
    /// North-east corner.
    lon1: f64,
    lat1: f64,
    /// Size of a cell, degrees (positive).
    cell_lon: f64,
    cell_lat: f64,
    cols: usize,
    rows: usize,
    /// The nodes of cell `r * cols + c` are `nodes[start[i]..start[i + 1]]`.
    start: Vec<u32>,
    nodes: Vec<u32>,
}

/// The least central angle, radians, between `p` and any point of the box
/// `[lon_lo, lon_hi] × [lat_lo, lat_hi]` (degrees, `lon_lo <= lon_hi`).
fn box_angle(p: LonLat, cos_lat: f64, lon_lo: f64, lon_hi: f64, lat_lo: f64, lat_hi: f64) -> f64 {
    let dlat = if p.lat < lat_lo {
        lat_lo - p.lat
    } else if p.lat > lat_hi {
        p.lat - lat_hi
    } else {
        0.0
    };
    let dlon = if p.lon >= lon_lo && p.lon <= lon_hi {
        0.0
    } else {
        // Around the circle: the nearest end of the interval.
        let around = |x: f64| {
            let d = (p.lon - x).abs() % 360.0;
            d.min(360.0 - d)
        };
        around(lon_lo).min(around(lon_hi))
    };
    let by_lon = (cos_lat * dlon.min(90.0).to_radians().sin())
        .clamp(0.0, 1.0)
        .asin();
    dlat.to_radians().max(by_lon)
}

/// A lower bound of the geodesic distance, metres, between points a
/// central angle `theta` (radians) apart on the sphere.
fn geodesic_floor(theta: f64) -> f64 {
    CHORD_TO_GEODESIC_MIN * 2.0 * SPHERE_RADIUS_M * (theta.min(std::f64::consts::PI) / 2.0).sin()
}

impl Grid {
    /// The grid of `positions` (node `v` at `positions[v]`).
    pub(super) fn new(positions: &[LonLat]) -> Grid {
        let n = positions.len();
        let (mut lon0, mut lat0, mut lon1, mut lat1) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
        for p in positions {
            lon0 = lon0.min(p.lon);
            lon1 = lon1.max(p.lon);
            lat0 = lat0.min(p.lat);
            lat1 = lat1.max(p.lat);
        }
        if n == 0 || lon0 > lon1 || lat0 > lat1 {
            (lon0, lat0, lon1, lat1) = (0.0, 0.0, 0.0, 0.0);
        }
        // Cells about square on the ground, about NODES_PER_CELL nodes each.
        let target = (n / NODES_PER_CELL).max(1) as f64;
        let squeeze = ((lat0 + lat1) / 2.0).to_radians().cos().max(0.01);
        let (w, h) = ((lon1 - lon0) * squeeze, lat1 - lat0);
        let side = if w > 0.0 && h > 0.0 {
            (w * h / target).sqrt()
        } else {
            w.max(h) / target
        };
        let count = |extent: f64| {
            if side > 0.0 && extent > 0.0 {
                ((extent / side).ceil() as usize).clamp(1, 1 << 16)
            } else {
                1
            }
        };
        let (cols, rows) = (count(w), count(h));
        let positive = |extent: f64, k: usize| {
            if extent > 0.0 {
                extent / k as f64
            } else {
                1.0
            }
        };
        let mut g = Grid {
            lon0,
            lat0,
            lon1,
            lat1,
            cell_lon: positive(lon1 - lon0, cols),
            cell_lat: positive(lat1 - lat0, rows),
            cols,
            rows,
            start: Vec::new(),
            nodes: Vec::new(),
        };
        // Counting sort by cell, nodes in increasing order within a cell.
        let cell: Vec<u32> = positions.iter().map(|p| g.cell_of(*p) as u32).collect();
        let mut start = vec![0u32; cols * rows + 1];
        for &c in &cell {
            start[c as usize + 1] += 1;
        }
        for i in 0..cols * rows {
            start[i + 1] += start[i];
        }
        let mut next = start.clone();
        let mut nodes = vec![0u32; n];
        for (v, &c) in cell.iter().enumerate() {
            let at = &mut next[c as usize];
            nodes[*at as usize] = v as u32;
            *at += 1;
        }
        g.start = start;
        g.nodes = nodes;
        g
    }

    fn col(&self, lon: f64) -> usize {
        let x = ((lon - self.lon0) / self.cell_lon).floor();
        // `as` saturates, and turns NaN into 0.
        (x.max(0.0) as usize).min(self.cols - 1)
    }

    fn row(&self, lat: f64) -> usize {
        let y = ((lat - self.lat0) / self.cell_lat).floor();
        (y.max(0.0) as usize).min(self.rows - 1)
    }

    fn cell_of(&self, p: LonLat) -> usize {
        self.row(p.lat) * self.cols + self.col(p.lon)
    }

    /// West edge of column `c` (`c <= cols`), degrees.
    fn lon_edge(&self, c: usize) -> f64 {
        if c >= self.cols {
            self.lon1
        } else {
            self.lon0 + c as f64 * self.cell_lon
        }
    }

    /// South edge of row `r` (`r <= rows`), degrees.
    fn lat_edge(&self, r: usize) -> f64 {
        if r >= self.rows {
            self.lat1
        } else {
            self.lat0 + r as f64 * self.cell_lat
        }
    }

    /// The least central angle from `p` to any node outside columns
    /// `c_lo..=c_hi` and rows `r_lo..=r_hi` (infinite when there is none
    /// outside).
    fn outside_angle(&self, p: LonLat, cos_lat: f64, c: (usize, usize), r: (usize, usize)) -> f64 {
        let e = EDGE_EPS_DEG;
        let (c_lo, c_hi) = c;
        let (r_lo, r_hi) = r;
        let (lat_s, lat_n) = (self.lat0 - e, self.lat1 + e);
        let mut least = f64::INFINITY;
        let mut region = |lon_lo: f64, lon_hi: f64, lat_lo: f64, lat_hi: f64| {
            least = least.min(box_angle(p, cos_lat, lon_lo, lon_hi, lat_lo, lat_hi));
        };
        // The columns west and east of the block, every row.
        if c_lo > 0 {
            region(self.lon0 - e, self.lon_edge(c_lo) + e, lat_s, lat_n);
        }
        if c_hi + 1 < self.cols {
            region(self.lon_edge(c_hi + 1) - e, self.lon1 + e, lat_s, lat_n);
        }
        // The rows south and north of it, within the block's columns.
        let (lon_w, lon_e) = (self.lon_edge(c_lo) - e, self.lon_edge(c_hi + 1) + e);
        if r_lo > 0 {
            region(lon_w, lon_e, lat_s, self.lat_edge(r_lo) + e);
        }
        if r_hi + 1 < self.rows {
            region(lon_w, lon_e, self.lat_edge(r_hi + 1) - e, lat_n);
        }
        least
    }

    /// The nearest node to `p` by `distance` among those whose distance is
    /// at most `max` (ties to the lowest node number), and its distance.
    ///
    /// `distance(p, v)` must be the geodesic distance to node `v` at
    /// `positions[v]`, never shorter than [`CHORD_TO_GEODESIC_MIN`] times
    /// the chord on the sphere.
    pub(super) fn nearest(
        &self,
        positions: &[LonLat],
        p: LonLat,
        max: f64,
        distance: impl Fn(u32) -> f64,
    ) -> Option<(f64, u32)> {
        if self.nodes.is_empty() {
            return None;
        }
        if !(p.lon.is_finite() && p.lat.is_finite()) {
            return None;
        }
        // Longitudes are compared around the circle from [-180, 180).
        let p = LonLat::new((p.lon + 180.0).rem_euclid(360.0) - 180.0, p.lat);
        let lat_rad = p.lat.to_radians();
        let cos_lat = lat_rad.cos().max(0.0);
        // A lower bound of the geodesic distance to a node at `q`: the
        // chord on the sphere (haversine form).
        let floor = |q: LonLat| {
            let q_lat = q.lat.to_radians();
            let half_dlat = (q_lat - lat_rad) / 2.0;
            let half_dlon = (q.lon - p.lon).to_radians() / 2.0;
            let h = half_dlat.sin().powi(2) + cos_lat * q_lat.cos() * half_dlon.sin().powi(2);
            CHORD_TO_GEODESIC_MIN * 2.0 * SPHERE_RADIUS_M * h.clamp(0.0, 1.0).sqrt()
        };
        let (cc, rc) = (self.col(p.lon), self.row(p.lat));
        let mut best: Option<(f64, u32)> = None;
        let mut candidates: Vec<(f64, u32)> = Vec::new();
        let mut k = 0usize;
        loop {
            let (c_lo, c_hi) = (cc.saturating_sub(k), (cc + k).min(self.cols - 1));
            let (r_lo, r_hi) = (rc.saturating_sub(k), (rc + k).min(self.rows - 1));
            // The cells of ring k: the block's border.
            for r in r_lo..=r_hi {
                let whole = r + k == rc || r == rc + k;
                let mut visit = |c: usize| {
                    let i = r * self.cols + c;
                    for &v in &self.nodes[self.start[i] as usize..self.start[i + 1] as usize] {
                        candidates.push((floor(positions[v as usize]), v));
                    }
                };
                if whole {
                    (c_lo..=c_hi).for_each(&mut visit);
                } else {
                    if c_lo + k == cc {
                        visit(c_lo);
                    }
                    if c_hi == cc + k {
                        visit(c_hi);
                    }
                }
            }
            // The candidates in order of their lower bound, each measured
            // while it could still win (ties included).
            candidates.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            for &(lower, v) in &candidates {
                let limit = best.map_or(max, |(b, _)| b.min(max));
                if lower > limit {
                    break;
                }
                let d = distance(v);
                let better = match best {
                    None => d <= max,
                    Some((b, bv)) => d < b || (d == b && v < bv),
                };
                if better {
                    best = Some((d, v));
                }
            }
            candidates.clear();
            let rest = self.outside_angle(p, cos_lat, (c_lo, c_hi), (r_lo, r_hi));
            if rest.is_infinite() {
                break;
            }
            let lower = geodesic_floor(rest);
            if lower > best.map_or(max, |(b, _)| b.min(max)) {
                break;
            }
            k += 1;
        }
        best
    }
}
