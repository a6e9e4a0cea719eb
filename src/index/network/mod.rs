//! Road networks for travel times: a compact directed graph of one mode
//! built from OpenStreetMap ways, and the snapping of points to it.
//!
//! [`Network::build`] is pure: it takes the raw ways and node positions
//! ([`crate::model::osm::RawOsm`], read from `.osm.pbf` files or written in a
//! test), keeps the ways the mode may use ([`rules`]), cuts them into arcs
//! between consecutive nodes, and keeps the largest strongly connected
//! component (the largest connected component for walking, whose graph is
//! symmetric), as OSRM and R5 drop the small islands a clipped extract
//! leaves, so that every kept node can reach every other one.
//!
//! **Storage.** Nodes are numbered `0..n` in the order of their OSM ids
//! (`u32`); arcs are stored twice in compressed sparse rows, by tail for
//! forward searches and by head for searches from the destinations. Each
//! arc carries its length in millimetres and its time in milliseconds
//! (`u32`, rounded once from the geodesic length and the way's speed):
//! searches then add integers, so their results are exact and the same in
//! any order or thread count. Rounding to the millisecond changes a path's
//! time by at most half a millisecond per arc.
//!
//! **Lengths** are WGS84 geodesics between consecutive nodes
//! ([`crate::geom::distance`], Karney's algorithm).
//!
//! **Snapping** ([`Network::snap`]): a point goes to the nearest kept node
//! (geodesic distance; ties to the lowest node number), found in a uniform
//! longitude/latitude grid of the nodes searched ring by ring, with exact
//! lower bounds taken on a sphere, which is valid anywhere on Earth.
//! The leg from the point to that node is travelled as the crow flies at
//! walking speed for walking and driving (one leaves the car where the road
//! ends and walks; this also keeps a point far from any road from looking
//! near by car), at cycling speed for cycling. A point farther than the
//! caller's limit is not snapped at all ([`None`]): it is unmeasured, never
//! given a made-up time.

pub mod format;
mod grid;
pub mod rules;

use rayon::prelude::*;

use crate::base::{LonLat, Meters, TravelMode};
use crate::geom::distance;
use crate::model::osm::RawOsm;

pub use rules::Speeds;

/// Radius of the sphere the snapping index places nodes on, in metres
/// (the mean Earth radius, IUGG).
const SPHERE_RADIUS_M: f64 = 6_371_008.8;

/// A geodesic on the WGS84 ellipsoid is never shorter than this fraction of
/// the chord between the same points on the sphere of [`SPHERE_RADIUS_M`]
/// (the ellipsoid's radii of curvature lie within 0.7 % of that radius, and
/// a chord is shorter than its arc), with a margin.
const CHORD_TO_GEODESIC_MIN: f64 = 0.99;

/// One arc list in compressed sparse rows: the arcs of node `v` are
/// `arcs[start[v]..start[v + 1]]`, each held whole (other end, time and
/// length side by side, read together by the searches).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Csr {
    start: Vec<u32>,
    /// Each arc seen from its row's node: [`Arc::node`] is the head for
    /// forward rows, the tail for backward rows.
    arcs: Vec<Arc>,
}

impl Csr {
    /// From arcs `(row, other, time_ms, length_mm)` sorted by row.
    fn from_sorted(n: usize, arcs: &[(u32, u32, u32, u32)]) -> Self {
        let mut start = vec![0u32; n + 1];
        for a in arcs {
            start[a.0 as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Csr {
            start,
            arcs: arcs
                .iter()
                .map(|a| Arc {
                    node: a.1,
                    time_ms: a.2,
                    length_mm: a.3,
                })
                .collect(),
        }
    }

    /// The same arcs by their other end (backward rows from forward ones,
    /// and back), by a counting sort: each row lists its arcs in the order
    /// of their other end, and arcs between the same two nodes in their
    /// order in `self` (for rows sorted by (other end, time, length), the
    /// rows of sorting all the reversed arcs).
    fn reversed(&self, n: usize) -> Self {
        let mut start = vec![0u32; n + 1];
        for a in &self.arcs {
            start[a.node as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut next = start[..n].to_vec();
        let mut arcs = vec![
            Arc {
                node: 0,
                time_ms: 0,
                length_mm: 0,
            };
            self.arcs.len()
        ];
        for v in 0..n as u32 {
            for a in &self.arcs[self.row(v)] {
                let at = &mut next[a.node as usize];
                arcs[*at as usize] = Arc { node: v, ..*a };
                *at += 1;
            }
        }
        Csr { start, arcs }
    }

    #[inline]
    fn row(&self, v: u32) -> std::ops::Range<usize> {
        self.start[v as usize] as usize..self.start[v as usize + 1] as usize
    }
}

/// An arc seen from one of its ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arc {
    /// The node at the other end (head of an out-arc, tail of an in-arc).
    pub node: u32,
    pub time_ms: u32,
    pub length_mm: u32,
}

/// What building the graph kept and dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuildStats {
    /// Ways with a `highway` tag read.
    pub ways_read: usize,
    /// Ways the mode may use.
    pub ways_used: usize,
    /// References of used ways to nodes the extracts do not hold (ways cut
    /// by an extract's boundary); the way is cut there.
    pub missing_nodes: usize,
    /// Nodes of the mode's graph before keeping the largest component.
    pub nodes_before: usize,
    /// Nodes dropped with the smaller components.
    pub nodes_dropped: usize,
    /// Number of (strongly) connected components found.
    pub components: usize,
}

/// A point snapped to the network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The node the point goes to.
    pub node: u32,
    /// Geodesic distance from the point to the node.
    pub distance: Meters,
    /// Time of that leg at the snapping speed, in milliseconds.
    pub leg_ms: u64,
    /// Length of that leg, in millimetres.
    pub leg_mm: u64,
}

/// The graph of one mode (see the module documentation).
#[derive(Debug)]
pub struct Network {
    mode: TravelMode,
    speeds: Speeds,
    positions: Vec<LonLat>,
    osm_ids: Vec<i64>,
    forward: Csr,
    backward: Csr,
    grid: grid::Grid,
    stats: BuildStats,
    /// The least arc time and the sum of all arc times, ms.
    arc_times: (u32, u128),
}

/// What one way gives: whether the mode uses it, how many of its nodes are
/// missing, and its arcs `(tail, head, ms, mm)` by OSM node id.
type WayArcs = (bool, usize, Vec<(i64, i64, u32, u32)>);

/// Milliseconds to travel `meters` at `kmh`, rounded.
fn millis(meters: f64, kmh: f64) -> u64 {
    (meters * 3600.0 / kmh).round() as u64
}

impl Network {
    /// Builds the graph of `mode` from raw ways (see the module doc).
    ///
    /// # Parameters
    /// - `raw`: ways and node positions; ways whose nodes are missing are cut
    ///   at the gap (counted in [`BuildStats::missing_nodes`]).
    /// - `mode`, `speeds`: the rules of [`rules::way_use`]; speeds must be
    ///   positive (the command checks them).
    ///
    /// # Returns
    /// The largest (strongly) connected component, possibly empty when no
    /// way is open to the mode.
    ///
    /// # Examples
    /// ```
    /// use maillage::base::TravelMode;
    /// use maillage::index::network::{Network, Speeds};
    /// use maillage::model::osm::{RawOsm, RawWay};
    /// use maillage::base::LonLat;
    /// // A 3-node one-way street: walkers use it both ways, cars one way only,
    /// // so for cars no node can come back and only one node is kept.
    /// let raw = RawOsm {
    ///     nodes: vec![(1, LonLat::new(2.0, 50.0)), (2, LonLat::new(2.001, 50.0)),
    ///                 (3, LonLat::new(2.002, 50.0))],
    ///     ways: vec![RawWay::new(10, &[1, 2, 3], &[("highway", "residential"), ("oneway", "yes")])],
    ///     files: vec![],
    /// };
    /// let walk = Network::build(&raw, TravelMode::Marche, Speeds::default());
    /// assert_eq!((walk.node_count(), walk.arc_count()), (3, 4));
    /// let car = Network::build(&raw, TravelMode::Voiture, Speeds::default());
    /// assert_eq!(car.node_count(), 1);
    /// assert_eq!(car.stats().nodes_dropped, 2);
    /// ```
    pub fn build(raw: &RawOsm, mode: TravelMode, speeds: Speeds) -> Network {
        debug_assert!(speeds.walk_kmh > 0.0 && speeds.bike_kmh > 0.0);
        // Public transport travels the walking network.
        let mode = mode.street();
        // Arcs by OSM node id, way by way, in the ways' order.
        let per_way: Vec<WayArcs> = raw
            .ways
            .par_iter()
            .map(|w| {
                let Some(u) = rules::way_use(w, mode, speeds) else {
                    return (false, 0, Vec::new());
                };
                let mut missing = 0;
                let mut arcs = Vec::new();
                let mut prev: Option<(i64, LonLat)> = None;
                for &id in &w.nodes {
                    let Some(p) = raw.position(id) else {
                        missing += 1;
                        prev = None;
                        continue;
                    };
                    if let Some((a, pa)) = prev {
                        if a != id {
                            let len = distance(pa, p).0;
                            let t = u32::try_from(millis(len, u.speed_kmh)).unwrap_or(u32::MAX);
                            let mm =
                                u32::try_from((len * 1000.0).round() as u64).unwrap_or(u32::MAX);
                            if u.forward {
                                arcs.push((a, id, t, mm));
                            }
                            if u.backward {
                                arcs.push((id, a, t, mm));
                            }
                        }
                    }
                    prev = Some((id, p));
                }
                (true, missing, arcs)
            })
            .collect();
        let mut stats = BuildStats {
            ways_read: raw.ways.len(),
            ..BuildStats::default()
        };
        let mut ids: Vec<i64> = Vec::new();
        for (used, missing, arcs) in &per_way {
            stats.ways_used += usize::from(*used);
            stats.missing_nodes += missing;
            for a in arcs {
                ids.push(a.0);
                ids.push(a.1);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let index = |id: i64| ids.binary_search(&id).map_or(u32::MAX, |i| i as u32);
        let mut arcs: Vec<(u32, u32, u32, u32)> = per_way
            .iter()
            .flat_map(|(_, _, a)| a.iter())
            .map(|&(a, b, t, mm)| (index(a), index(b), t, mm))
            .collect();
        arcs.sort_unstable();
        let n = ids.len();
        stats.nodes_before = n;
        let all = Csr::from_sorted(n, &arcs);
        let (component, count) = strongly_connected(n, &all);
        stats.components = count;
        let keep = largest(&component, count);
        let mut renumber = vec![u32::MAX; n];
        let mut kept = 0u32;
        for (v, &c) in component.iter().enumerate() {
            if Some(c) == keep {
                renumber[v] = kept;
                kept += 1;
            }
        }
        stats.nodes_dropped = n - kept as usize;
        let fwd: Vec<(u32, u32, u32, u32)> = arcs
            .iter()
            .filter(|a| renumber[a.0 as usize] != u32::MAX && renumber[a.1 as usize] != u32::MAX)
            .map(|a| (renumber[a.0 as usize], renumber[a.1 as usize], a.2, a.3))
            .collect();
        // Renumbering keeps the order, so `fwd` is still sorted by tail.
        let kept_ids: Vec<i64> = ids
            .iter()
            .zip(&renumber)
            .filter(|(_, r)| **r != u32::MAX)
            .map(|(id, _)| *id)
            .collect();
        let positions: Vec<LonLat> = kept_ids
            .iter()
            .map(|id| raw.position(*id).unwrap_or(LonLat::new(f64::NAN, f64::NAN)))
            .collect();
        let forward = Csr::from_sorted(kept as usize, &fwd);
        drop(fwd);
        Network::assemble(mode, speeds, positions, kept_ids, forward, stats)
    }

    /// The network from its kept nodes and forward arcs: the backward rows
    /// and the snapping grid are derived here, the same way for a graph
    /// just built and for one read from a prepared file ([`file`]).
    fn assemble(
        mode: TravelMode,
        speeds: Speeds,
        positions: Vec<LonLat>,
        osm_ids: Vec<i64>,
        forward: Csr,
        stats: BuildStats,
    ) -> Network {
        let (backward, grid) = rayon::join(
            || forward.reversed(positions.len()),
            || grid::Grid::new(&positions),
        );
        let arc_times = forward.arcs.iter().fold((u32::MAX, 0u128), |(m, s), a| {
            (m.min(a.time_ms), s + u128::from(a.time_ms))
        });
        Network {
            mode,
            speeds,
            positions,
            osm_ids,
            forward,
            backward,
            grid,
            stats,
            arc_times,
        }
    }

    pub fn mode(&self) -> TravelMode {
        self.mode
    }

    pub fn node_count(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    pub fn arc_count(&self) -> usize {
        self.forward.arcs.len()
    }

    pub fn stats(&self) -> BuildStats {
        self.stats
    }

    /// The least arc time (`u32::MAX` without arcs) and the sum of all arc
    /// times, ms.
    pub fn arc_times_ms(&self) -> (u32, u128) {
        self.arc_times
    }

    /// The speeds the graph was built with.
    pub fn speeds(&self) -> Speeds {
        self.speeds
    }

    /// Position of node `v`.
    pub fn position(&self, v: u32) -> LonLat {
        self.positions[v as usize]
    }

    /// OSM id of node `v`.
    pub fn osm_id(&self, v: u32) -> i64 {
        self.osm_ids[v as usize]
    }

    /// The node of an OSM id, if kept.
    pub fn node_of(&self, osm_id: i64) -> Option<u32> {
        // Nodes are numbered in the order of their OSM ids.
        self.osm_ids.binary_search(&osm_id).ok().map(|i| i as u32)
    }

    /// Arcs leaving `v`, by head.
    pub fn out_arcs(&self, v: u32) -> impl Iterator<Item = Arc> + '_ {
        self.forward.arcs[self.forward.row(v)].iter().copied()
    }

    /// Arcs entering `v`, by tail.
    pub fn in_arcs(&self, v: u32) -> impl Iterator<Item = Arc> + '_ {
        self.backward.arcs[self.backward.row(v)].iter().copied()
    }

    /// The speed of the snapping leg, km/h (see the module doc).
    pub fn snap_speed_kmh(&self) -> f64 {
        match self.mode {
            TravelMode::Velo => self.speeds.bike_kmh,
            TravelMode::Marche | TravelMode::Voiture | TravelMode::Transport => {
                self.speeds.walk_kmh
            }
        }
    }

    /// Snaps every point ([`Network::snap`]), in parallel, in their order.
    pub fn snap_all(&self, points: &[LonLat], max: Meters) -> Vec<Option<Snap>> {
        points.par_iter().map(|p| self.snap(*p, max)).collect()
    }

    /// Snaps `p` to the nearest node (geodesic distance, ties to the lowest
    /// node number); `None` when no node lies within `max`.
    pub fn snap(&self, p: LonLat, max: Meters) -> Option<Snap> {
        let (d, node) = self.grid.nearest(&self.positions, p, max.0, |v| {
            distance(p, self.positions[v as usize]).0
        })?;
        Some(Snap {
            node,
            distance: Meters(d),
            leg_ms: millis(d, self.snap_speed_kmh()),
            leg_mm: (d * 1000.0).round() as u64,
        })
    }
}

/// Strongly connected components (Tarjan's algorithm, iterative): the
/// component of each node and the number of components.
fn strongly_connected(n: usize, g: &Csr) -> (Vec<u32>, usize) {
    const NONE: u32 = u32::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![NONE; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut calls: Vec<(u32, usize)> = Vec::new();
    let (mut next, mut count) = (0u32, 0u32);
    for root in 0..n as u32 {
        if index[root as usize] != NONE {
            continue;
        }
        index[root as usize] = next;
        low[root as usize] = next;
        next += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        calls.push((root, g.row(root).start));
        while let Some(&mut (v, ref mut pos)) = calls.last_mut() {
            let vi = v as usize;
            if *pos < g.row(v).end {
                let w = g.arcs[*pos].node;
                *pos += 1;
                let wi = w as usize;
                if index[wi] == NONE {
                    index[wi] = next;
                    low[wi] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[wi] = true;
                    calls.push((w, g.row(w).start));
                } else if on_stack[wi] {
                    low[vi] = low[vi].min(index[wi]);
                }
            } else {
                calls.pop();
                if let Some(&(u, _)) = calls.last() {
                    low[u as usize] = low[u as usize].min(low[vi]);
                }
                if low[vi] == index[vi] {
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        component[w as usize] = count;
                        if w == v {
                            break;
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    (component, count as usize)
}

/// The largest component; among equal ones, the one holding the lowest node.
fn largest(component: &[u32], count: usize) -> Option<u32> {
    let mut size = vec![0usize; count];
    let mut first = vec![usize::MAX; count];
    for (v, &c) in component.iter().enumerate() {
        size[c as usize] += 1;
        first[c as usize] = first[c as usize].min(v);
    }
    (0..count as u32).max_by(|&a, &b| {
        size[a as usize]
            .cmp(&size[b as usize])
            .then(first[b as usize].cmp(&first[a as usize]))
    })
}

#[cfg(test)]
mod tests;
