//! Travel times on a road network ([`crate::index::network::Network`]):
//! the nearest destination from every node, and the destinations within
//! reach of each origin.
//!
//! Both are Dijkstra's algorithm (E. W. Dijkstra, *A note on two problems in
//! connexion with graphs*, Numerische Mathematik 1, 1959) on the network's
//! integer arc times, with the snapping legs of the points added at both
//! ends. Costs are compared as tuples, so that ties are broken on purpose:
//! among equally fast paths the shortest one gives the distance, and among
//! equally near destinations the one listed first wins. Integer sums make
//! the results exact, independent of the order of the search and of the
//! number of threads.
//!
//! Times are milliseconds, lengths millimetres; converting to minutes and
//! kilometres is left to the outputs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use crate::index::network::{Arc, Network, Snap};

/// "No value" in the per-node arrays.
const UNREACHED: u64 = u64::MAX;

/// A trip from an origin to a destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trip {
    /// Index of the destination in the caller's list.
    pub destination: usize,
    /// Door-to-door time: both snapping legs and the network path, ms.
    pub time_ms: u64,
    /// Door-to-door length of that fastest path, snapping legs included, mm.
    pub length_mm: u64,
}

impl Trip {
    pub fn minutes(&self) -> f64 {
        self.time_ms as f64 / 60_000.0
    }
    pub fn km(&self) -> f64 {
        self.length_mm as f64 / 1_000_000.0
    }
}

/// For every node of the network, the nearest destination and the time
/// and length to it (from [`nearest_destinations`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearestField {
    /// Time from the node to its nearest destination's door, ms
    /// (`u64::MAX` when none within the bound).
    pub time_ms: Vec<u64>,
    /// Length of that path, mm.
    pub length_mm: Vec<u64>,
    /// Index of that destination (`u32::MAX` when none).
    pub destination: Vec<u32>,
}

impl NearestField {
    /// The nearest destination of a snapped origin: the node's, with the
    /// origin's leg added; `None` when none lies within `max_ms`.
    pub fn trip(&self, origin: &Snap, max_ms: Option<u64>) -> Option<Trip> {
        let v = origin.node as usize;
        if self.time_ms[v] == UNREACHED {
            return None;
        }
        let time_ms = self.time_ms[v] + origin.leg_ms;
        if max_ms.is_some_and(|m| time_ms > m) {
            return None;
        }
        Some(Trip {
            destination: self.destination[v] as usize,
            time_ms,
            length_mm: self.length_mm[v] + origin.leg_mm,
        })
    }
}

/// The nearest destination of every node: one multi-source Dijkstra from
/// all the destinations over the reversed arcs.
///
/// # Parameters
/// - `destinations`: the snapped destinations (`None` for those too far
///   from the network, which are left out).
/// - `max_ms`: when given, nodes farther than this from every destination
///   are left unreached (the search stops there).
///
/// # Returns
/// For each node, the time to the nearest destination (its snapping leg
/// included), the length of that fastest path, and which destination;
/// ties in time go to the lowest destination index, then the shortest
/// path.
///
/// # Examples
/// ```
/// use maillage::analysis::travel::nearest_destinations;
/// use maillage::base::TravelMode;
/// use maillage::index::network::{Network, Speeds};
/// use maillage::model::osm::{RawOsm, RawWay};
/// use maillage::base::{LonLat, Meters};
/// let raw = RawOsm {
///     nodes: (1..=3).map(|i| (i, LonLat::new(2.0 + i as f64 / 1000.0, 50.0))).collect(),
///     ways: vec![RawWay::new(1, &[1, 2, 3], &[("highway", "footway")])],
///     files: vec![],
/// };
/// let net = Network::build(&raw, TravelMode::Marche, Speeds::default());
/// let school = net.snap(LonLat::new(2.003, 50.0), Meters(1000.0));
/// let field = nearest_destinations(&net, &[school], None);
/// let home = net.snap(LonLat::new(2.001, 50.0), Meters(1000.0)).unwrap();
/// let trip = field.trip(&home, None).unwrap();
/// // Two blocks of about 71.5 m at 4.5 km/h: a little under two minutes.
/// assert_eq!(trip.destination, 0);
/// assert!((trip.minutes() - 0.143 / 4.5 * 60.0).abs() < 0.01);
/// ```
pub fn nearest_destinations(
    net: &Network,
    destinations: &[Option<Snap>],
    max_ms: Option<u64>,
) -> NearestField {
    match packing(net, destinations, max_ms) {
        Some(p) => nearest_packed(net, destinations, max_ms, p),
        None => nearest_tuples(net, destinations, max_ms),
    }
}

/// How [`nearest_packed`] packs labels: the number of low bits of a key
/// that hold the destination, and the least arc time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packing {
    shift: u32,
    min_arc_ms: u32,
}

/// The [`Packing`] of a search, when every time it computes fits above the
/// destination bits with room to spare (no sum can then overflow, and
/// `u64::MAX` stays free to mean "unreached"); `None` otherwise.
///
/// A label is the cost of a path without repeated arcs, so its time is at
/// most the largest snapping leg plus the sum of all arc times, and one
/// more arc adds at most that sum again; with `max_ms`, labels stay within
/// it and one arc adds at most `u32::MAX`.
fn packing(net: &Network, destinations: &[Option<Snap>], max_ms: Option<u64>) -> Option<Packing> {
    let count = destinations.len();
    if count > 1 << 32 {
        return None;
    }
    let shift = usize::BITS - count.saturating_sub(1).leading_zeros();
    let max_leg = destinations
        .iter()
        .flatten()
        .map(|s| s.leg_ms)
        .max()
        .unwrap_or(0);
    let (min_arc_ms, sum) = net.arc_times_ms();
    let mut cap = u128::from(max_leg) + 2 * sum;
    if let Some(m) = max_ms {
        cap = cap.min(u128::from(m) + u128::from(u32::MAX));
    }
    // Two bits of room: every key stays below 2^62.
    (cap < 1u128 << (62 - shift)).then_some(Packing { shift, min_arc_ms })
}

/// How many entries of a window ahead [`nearest_packed`] reads the labels
/// and rows of, and half as many ahead the labels of their neighbours.
const AHEAD: usize = 16;

/// [`nearest_destinations`] with each label `(time, destination, length)`
/// held as a key `time << shift | destination` and the length beside it:
/// comparing `(key, length)` is comparing the tuples. The queue is a radix
/// heap on the keys, which never decrease along an arc.
///
/// The nodes come out of it by windows: with `t` the least time queued and
/// `a` the least arc time, every label of time below `t + a` is final (an
/// arc from any of them ends at `t + a` or later), so a whole window is
/// scanned in a row, reading ahead in it so that the cache misses of
/// several nodes overlap. When some arc takes 0 ms, windows hold one key:
/// the rare label then improved at an equal key (a shorter path of the same
/// time from the same destination) is pushed and scanned again. Either way
/// the labels end as the least tuples, exactly as in [`nearest_tuples`].
fn nearest_packed(
    net: &Network,
    destinations: &[Option<Snap>],
    max_ms: Option<u64>,
    packing: Packing,
) -> NearestField {
    let Packing { shift, min_arc_ms } = packing;
    let n = net.node_count();
    let mask = (1u64 << shift) - 1;
    // Keys above this one are beyond `max_ms`.
    let max_key = max_ms.map_or(u64::MAX, |m| m << shift | mask);
    // (key, length) per node.
    let mut best: Vec<(u64, u64)> = vec![(UNREACHED, UNREACHED); n];
    let mut heap = RadixHeap::default();
    for (d, s) in destinations.iter().enumerate() {
        let Some(s) = s else { continue };
        if max_ms.is_some_and(|m| s.leg_ms > m) {
            continue;
        }
        let label = (s.leg_ms << shift | d as u64, s.leg_mm);
        if label < best[s.node as usize] {
            best[s.node as usize] = label;
            heap.push(label.0, s.node);
        }
    }
    let mut window: Vec<(u64, u32)> = Vec::new();
    while let Some(first) = heap.pop() {
        window.clear();
        window.push(first);
        if min_arc_ms > 0 {
            let end = ((first.0 >> shift) + u64::from(min_arc_ms)) << shift;
            while heap.peek().is_some_and(|k| k < end) {
                window.extend(heap.pop());
            }
        }
        for i in 0..window.len() {
            // Reading ahead (safe Rust has no prefetch): these loads do not
            // wait on the current node's, so their misses overlap.
            if let Some(&(_, u)) = window.get(i + AHEAD) {
                std::hint::black_box(best[u as usize]);
                std::hint::black_box(net.in_arcs(u).next());
            }
            if let Some(&(_, u)) = window.get(i + AHEAD / 2) {
                for a in net.in_arcs(u) {
                    std::hint::black_box(best[a.node as usize]);
                }
            }
            let (key, v) = window[i];
            let (k, length) = best[v as usize];
            if key != k {
                continue;
            }
            for a in net.in_arcs(v) {
                let next = (
                    key + (u64::from(a.time_ms) << shift),
                    length + u64::from(a.length_mm),
                );
                if next.0 > max_key {
                    continue;
                }
                let b = &mut best[a.node as usize];
                if next < *b {
                    *b = next;
                    heap.push(next.0, a.node);
                }
            }
        }
    }
    let unpack = |b: &(u64, u64)| {
        if b.0 == UNREACHED {
            (UNREACHED, u32::MAX)
        } else {
            (b.0 >> shift, (b.0 & mask) as u32)
        }
    };
    let ((time_ms, destination), length_mm) = rayon::join(
        || best.par_iter().map(unpack).unzip(),
        || best.par_iter().map(|b| b.1).collect(),
    );
    NearestField {
        time_ms,
        length_mm,
        destination,
    }
}

/// A monotone priority queue of `(key, node)` (a radix heap: R. K. Ahuja,
/// K. Mehlhorn, J. Orlin and R. E. Tarjan, *Faster algorithms for the
/// shortest path problem*, J. ACM 37, 1990): no key pushed may be below
/// the last one popped. Bucket `i > 0` holds the keys whose highest bit
/// differing from the last popped key is bit `i - 1`; bucket 0 holds keys
/// equal to it.
#[derive(Debug)]
struct RadixHeap {
    last: u64,
    buckets: [Vec<(u64, u32)>; 65],
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            buckets: std::array::from_fn(|_| Vec::new()),
        }
    }
}

impl RadixHeap {
    #[inline]
    fn bucket(last: u64, key: u64) -> usize {
        (u64::BITS - (key ^ last).leading_zeros()) as usize
    }

    #[inline]
    fn push(&mut self, key: u64, v: u32) {
        debug_assert!(key >= self.last, "radix heap: {key} below {}", self.last);
        self.buckets[Self::bucket(self.last, key)].push((key, v));
    }

    /// A least key, `None` when empty.
    fn peek(&self) -> Option<u64> {
        if self.buckets[0].is_empty() {
            let i = (1..self.buckets.len()).find(|&i| !self.buckets[i].is_empty())?;
            self.buckets[i].iter().map(|e| e.0).min()
        } else {
            Some(self.last)
        }
    }

    /// A least `(key, node)`, `None` when empty.
    fn pop(&mut self) -> Option<(u64, u32)> {
        if self.buckets[0].is_empty() {
            let i = (1..self.buckets.len()).find(|&i| !self.buckets[i].is_empty())?;
            let mut moved = std::mem::take(&mut self.buckets[i]);
            self.last = moved.iter().map(|e| e.0).min()?;
            // Every key of bucket i now shares more high bits with `last`:
            // it goes to a lower bucket.
            for &(key, v) in &moved {
                self.buckets[Self::bucket(self.last, key)].push((key, v));
            }
            moved.clear();
            self.buckets[i] = moved;
        }
        self.buckets[0].pop()
    }
}

/// [`nearest_destinations`] on `(u64, u32, u64)` tuples in a binary heap:
/// for label times too large for [`nearest_packed`]'s keys.
fn nearest_tuples(
    net: &Network,
    destinations: &[Option<Snap>],
    max_ms: Option<u64>,
) -> NearestField {
    let n = net.node_count();
    // The cost of a node: (time, destination, length), compared as a tuple.
    let mut best: Vec<(u64, u32, u64)> = vec![(UNREACHED, u32::MAX, UNREACHED); n];
    let mut heap = BinaryHeap::new();
    for (d, s) in destinations.iter().enumerate() {
        let Some(s) = s else { continue };
        let cost = (s.leg_ms, d as u32, s.leg_mm);
        if max_ms.is_some_and(|m| cost.0 > m) {
            continue;
        }
        if cost < best[s.node as usize] {
            best[s.node as usize] = cost;
            heap.push(Reverse((cost, s.node)));
        }
    }
    while let Some(Reverse((cost, v))) = heap.pop() {
        if cost != best[v as usize] {
            continue;
        }
        for a in net.in_arcs(v) {
            let next = (
                cost.0 + u64::from(a.time_ms),
                cost.1,
                cost.2 + u64::from(a.length_mm),
            );
            if max_ms.is_some_and(|m| next.0 > m) {
                continue;
            }
            if next < best[a.node as usize] {
                best[a.node as usize] = next;
                heap.push(Reverse((next, a.node)));
            }
        }
    }
    NearestField {
        time_ms: best.iter().map(|c| c.0).collect(),
        destination: best.iter().map(|c| c.1).collect(),
        length_mm: best.iter().map(|c| c.2).collect(),
    }
}

/// Reusable per-thread state of [`one_to_many`].
#[derive(Debug, Default)]
pub struct Scratch {
    best: Vec<(u64, u64)>,
    touched: Vec<u32>,
    heap: BinaryHeap<Reverse<((u64, u64), u32)>>,
}

/// The direction a search follows the arcs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From an origin, along the arcs.
    Forward,
    /// From a destination, against them.
    Backward,
}

/// Dijkstra from `from` in `direction`, bounded by `max_ms`, stopped once
/// every target node is settled; leaves `(time, length)` per node in
/// `scratch.best`, the start's leg included.
fn search(
    net: &Network,
    from: &Snap,
    direction: Direction,
    targets: &Targets,
    max_ms: Option<u64>,
    scratch: &mut Scratch,
) {
    let n = net.node_count();
    if scratch.best.len() != n {
        scratch.best = vec![(UNREACHED, UNREACHED); n];
        scratch.touched.clear();
    }
    for &v in &scratch.touched {
        scratch.best[v as usize] = (UNREACHED, UNREACHED);
    }
    scratch.touched.clear();
    scratch.heap.clear();
    let start = (from.leg_ms, from.leg_mm);
    let mut remaining = targets.nodes;
    if max_ms.is_none_or(|m| start.0 <= m) {
        scratch.best[from.node as usize] = start;
        scratch.touched.push(from.node);
        scratch.heap.push(Reverse((start, from.node)));
    }
    fn relax(scratch: &mut Scratch, cost: (u64, u64), a: Arc, max_ms: Option<u64>) {
        let next = (
            cost.0 + u64::from(a.time_ms),
            cost.1 + u64::from(a.length_mm),
        );
        if max_ms.is_some_and(|m| next.0 > m) {
            return;
        }
        let b = &mut scratch.best[a.node as usize];
        if next < *b {
            if b.0 == UNREACHED {
                scratch.touched.push(a.node);
            }
            *b = next;
            scratch.heap.push(Reverse((next, a.node)));
        }
    }
    while let Some(Reverse((cost, v))) = scratch.heap.pop() {
        if cost != scratch.best[v as usize] {
            continue;
        }
        if targets.has(v) {
            remaining -= 1;
            if remaining == 0 {
                break;
            }
        }
        match direction {
            Direction::Forward => net
                .out_arcs(v)
                .for_each(|a| relax(scratch, cost, a, max_ms)),
            Direction::Backward => net.in_arcs(v).for_each(|a| relax(scratch, cost, a, max_ms)),
        }
    }
}

/// The trip from the search's start to the point snapped as `end`, its leg
/// added; `None` when not reached within `max_ms`.
fn reached(scratch: &Scratch, end: &Snap, max_ms: Option<u64>) -> Option<(u64, u64)> {
    let (t, l) = scratch.best[end.node as usize];
    if t == UNREACHED {
        return None;
    }
    let time_ms = t + end.leg_ms;
    if max_ms.is_some_and(|m| time_ms > m) {
        return None;
    }
    Some((time_ms, l + end.leg_mm))
}

/// The destinations reachable from one origin within `max_ms` (all of them
/// when `None`): one Dijkstra from the origin's node, stopped at the bound
/// or once every destination's node is settled.
///
/// `targets` lists the nodes the destinations are snapped to (see
/// [`Targets`]). Returns the trips in destination order.
pub fn one_to_many(
    net: &Network,
    origin: &Snap,
    destinations: &[Option<Snap>],
    targets: &Targets,
    max_ms: Option<u64>,
    scratch: &mut Scratch,
) -> Vec<Trip> {
    search(net, origin, Direction::Forward, targets, max_ms, scratch);
    destinations
        .iter()
        .enumerate()
        .filter_map(|(d, s)| {
            let (time_ms, length_mm) = reached(scratch, s.as_ref()?, max_ms)?;
            Some(Trip {
                destination: d,
                time_ms,
                length_mm,
            })
        })
        .collect()
}

/// The nodes the destinations are snapped to, for [`one_to_many`].
#[derive(Debug, Clone)]
pub struct Targets {
    is_target: Vec<bool>,
    /// Number of distinct target nodes.
    nodes: usize,
}

impl Targets {
    pub fn new(net: &Network, destinations: &[Option<Snap>]) -> Self {
        let mut is_target = vec![false; net.node_count()];
        let mut nodes = 0;
        for s in destinations.iter().flatten() {
            if !is_target[s.node as usize] {
                is_target[s.node as usize] = true;
                nodes += 1;
            }
        }
        Targets { is_target, nodes }
    }

    fn has(&self, v: u32) -> bool {
        self.is_target[v as usize]
    }
}

/// The trips from every origin to every destination within `max_ms`, in
/// origin order, each origin's trips in destination order (an empty list
/// for an origin that is not snapped).
///
/// One bounded Dijkstra per point, in parallel, from whichever side has
/// fewer points: from each origin along the arcs, or from each destination
/// against them (the usual case: many young people, a few sites). Both give
/// the same values: a trip's cost is the least (time, length) pair over all
/// paths, the same pair whichever end the search starts from, and integer
/// sums do not depend on their order.
pub fn many_to_many(
    net: &Network,
    origins: &[Option<Snap>],
    destinations: &[Option<Snap>],
    max_ms: Option<u64>,
) -> Vec<Vec<Trip>> {
    let snapped = |v: &[Option<Snap>]| v.iter().flatten().count();
    let direction = if snapped(destinations) < snapped(origins) {
        Direction::Backward
    } else {
        Direction::Forward
    };
    many_to_many_from(net, origins, destinations, max_ms, direction)
}

/// [`many_to_many`] with the direction chosen by the caller (tests compare
/// the two).
pub fn many_to_many_from(
    net: &Network,
    origins: &[Option<Snap>],
    destinations: &[Option<Snap>],
    max_ms: Option<u64>,
    direction: Direction,
) -> Vec<Vec<Trip>> {
    if direction == Direction::Forward {
        let targets = Targets::new(net, destinations);
        return origins
            .par_iter()
            .map_init(Scratch::default, |scratch, o| match o {
                Some(o) => one_to_many(net, o, destinations, &targets, max_ms, scratch),
                None => Vec::new(),
            })
            .collect();
    }
    let targets = Targets::new(net, origins);
    let per_destination: Vec<Vec<(usize, u64, u64)>> = destinations
        .par_iter()
        .map_init(Scratch::default, |scratch, d| {
            let Some(d) = d else { return Vec::new() };
            search(net, d, Direction::Backward, &targets, max_ms, scratch);
            origins
                .iter()
                .enumerate()
                .filter_map(|(o, s)| {
                    let (t, l) = reached(scratch, s.as_ref()?, max_ms)?;
                    Some((o, t, l))
                })
                .collect()
        })
        .collect();
    // Transposed in destination order, so each origin's list stays sorted.
    let mut out = vec![Vec::new(); origins.len()];
    for (d, reached) in per_destination.into_iter().enumerate() {
        for (o, time_ms, length_mm) in reached {
            out[o].push(Trip {
                destination: d,
                time_ms,
                length_mm,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
