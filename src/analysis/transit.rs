//! Travel times by public transport: walking on the `marche` network to a
//! stop, riding trips of the service day, walking between stops to
//! transfer, walking from a stop to the destination; the time from a
//! departure minute is the earliest arrival minus that minute, and over a
//! window of departures the median, as R5 reports it.
//!
//! # The model
//! - **Walking legs** on the walking network ([`crate::index::network`],
//!   the `marche` mode and its speed): access from the origin to a stop,
//!   each transfer from the stop a trip was left at to another stop (one
//!   walk per transfer), egress from the last stop to the destination; each
//!   at most `walk_max_s` (15 minutes by default). Their times are those of
//!   the walking router (both snapping legs included), rounded to the
//!   nearest second.
//! - **Transfers**: at the same stop, immediate unless `transfers.txt` gives
//!   a minimum time for it; between two stops, the walking time, raised to
//!   `transfers.txt`'s minimum where one is given (a pair given there is
//!   allowed even beyond the walking limit, at the given time); a forbidden
//!   transfer (type 3) is not made.
//! - **Boarding** when at the stop no later than the trip's departure.
//! - **Walking alone** is a trip too, whatever its length, counted with the
//!   same `max_s`; since it does not depend on the departure minute, the
//!   median of `min(walk, transit)` over the window is `min(walk, median of
//!   transit)`, which is how it is combined ([`Transit::times`]). Walking
//!   alone keeps the walking router's milliseconds; a destination's time is
//!   the smaller in milliseconds, and among equally near destinations the
//!   first listed is the nearest.
//! - **Limit**: a trip longer than `max_s` (120 minutes) is unreachable.
//! - **Window**: departures every minute in `[departure, departure + W)`;
//!   the time reported is the element at index `round(W/2)` (half up; the
//!   last for `W = 1`) of the `W` times sorted, unreachable counted as
//!   infinite: R5's non-interpolated percentile 50 (`TravelTimeReducer`),
//!   kept in seconds (R5 truncates to whole minutes). `W = 0` is the single
//!   departure.
//!
//! # The algorithm
//! Range RAPTOR (Delling, Pajor, Werneck 2015, §4): for one origin, the
//! departure minutes are routed from the latest to the earliest, keeping
//! the labels of later departures as upper bounds (one may always wait), so
//! each minute only propagates what its earlier start improves. Labels are
//! earliest arrivals in seconds from the service day's midnight, two per
//! stop (arrived by a vehicle; ready to board after a transfer), and a
//! label is kept only when it improves the best one at that stop (local
//! pruning, exact for earliest arrival with unlimited transfers).

use std::sync::Arc;

use rayon::prelude::*;

use crate::analysis::travel::{many_to_many_from, one_to_many, Direction, Scratch, Targets};
use crate::base::TravelMode;
use crate::base::{LonLat, Meters};
use crate::index::network::{Network, Snap};
use crate::index::transit::Routes;
use crate::model::transit::Timetable;

/// "Not reached" in the labels.
const INF: i32 = i32::MAX;

/// The settings of a public transport run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransitParams {
    /// The first departure, seconds from the service day's midnight.
    pub departure: i32,
    /// The window in minutes (`--fenetre-min`); 0: the single departure.
    pub window_min: u32,
    /// The longest walking leg, seconds (`--marche-max-min`).
    pub walk_max_s: u32,
    /// The longest trip, seconds (`--trajet-max-min`).
    pub max_s: u32,
    /// Points farther than this from the walking network are unmeasured.
    pub snap_max: Meters,
}

impl TransitParams {
    /// The number of departure minutes routed.
    pub fn departures(&self) -> usize {
        self.window_min.max(1) as usize
    }
}

/// Milliseconds of the walking router to whole seconds, nearest.
fn seconds(ms: u64) -> i32 {
    i32::try_from(ms.saturating_add(500) / 1000).unwrap_or(INF)
}

/// A public transport network: the walking network, the routes of one
/// service day and the transfers between their stops.
pub struct Transit {
    walk: Arc<Network>,
    routes: Routes,
    params: TransitParams,
    stop_snaps: Vec<Option<Snap>>,
    stop_targets: Targets,
    /// The transfers on foot in compressed rows: those of stop `s` are
    /// `foot_start[s]..foot_start[s + 1]` in `foot_to` and `foot_s`,
    /// shortest first; only between stops some trip serves.
    foot_start: Vec<u32>,
    foot_to: Vec<u32>,
    foot_s: Vec<i32>,
    /// Per stop: the minimum time of a transfer at the stop itself, `None`
    /// where forbidden.
    same_stop: Vec<Option<i32>>,
}

impl std::fmt::Debug for Transit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transit")
            .field("stops", &self.stop_snaps.len())
            .field("routes", &self.routes.routes.len())
            .field("params", &self.params)
            .finish()
    }
}

/// The walks from the stops to some destinations.
pub struct Egress {
    /// Per stop: `(destination, seconds)`.
    per_stop: Vec<Vec<(u32, i32)>>,
    /// The destinations snapped to the walking network.
    pub snaps: Vec<Option<Snap>>,
    targets: Targets,
}

/// Reusable per-thread state of one origin's routing.
#[derive(Default)]
pub struct Workspace {
    vehicle: Vec<i32>,
    board: Vec<i32>,
    marked: Vec<u32>,
    is_marked: Vec<bool>,
    improved: Vec<u32>,
    is_improved: Vec<bool>,
    route_from: Vec<u32>,
    touched_routes: Vec<u32>,
    reached: Vec<u32>,
    is_reached: Vec<bool>,
    arrivals: Vec<i32>,
    samples: Vec<i32>,
    scratch: Scratch,
}

impl Transit {
    /// Prepares the network: snaps the stops to the walking network (a stop
    /// farther than `snap_max` is never reached on foot), and finds the
    /// transfers on foot between stops within `walk_max_s`.
    pub fn new(walk: Arc<Network>, tt: &Timetable, params: TransitParams) -> Transit {
        assert_eq!(
            walk.mode(),
            TravelMode::Marche,
            "transit walks on the walking network"
        );
        let positions: Vec<LonLat> = tt.stops.iter().map(|s| s.position).collect();
        let stop_snaps = walk.snap_all(&positions, params.snap_max);
        let walk_max_ms = u64::from(params.walk_max_s) * 1000;
        let walks = many_to_many_from(
            &walk,
            &stop_snaps,
            &stop_snaps,
            Some(walk_max_ms),
            Direction::Forward,
        );
        let mut footpaths: Vec<Vec<(u32, i32)>> = walks
            .into_iter()
            .enumerate()
            .map(|(s, trips)| {
                trips
                    .into_iter()
                    .filter(|t| t.destination != s)
                    .map(|t| (t.destination as u32, seconds(t.time_ms)))
                    .collect()
            })
            .collect();
        let mut same_stop = vec![Some(0); tt.stops.len()];
        for tr in &tt.transfers {
            let (from, to) = (tr.from as usize, tr.to);
            if from == to as usize {
                same_stop[from] = tr.seconds.map(|s| i32::try_from(s).unwrap_or(INF));
                continue;
            }
            let paths = &mut footpaths[from];
            let at = paths.iter().position(|(q, _)| *q == to);
            match (tr.seconds, at) {
                (None, Some(k)) => {
                    paths.remove(k);
                }
                (None, None) => {}
                (Some(m), Some(k)) => paths[k].1 = paths[k].1.max(m as i32),
                (Some(m), None) => paths.push((to, m as i32)),
            }
        }
        // A walk to or from a stop no trip serves leads nowhere (egress
        // leaves from the stop a trip reached, not after a transfer).
        let routes = Routes::build(tt);
        let served: Vec<bool> = routes.of_stop.iter().map(|r| !r.is_empty()).collect();
        let mut foot_start = Vec::with_capacity(footpaths.len() + 1);
        let (mut foot_to, mut foot_s) = (Vec::new(), Vec::new());
        foot_start.push(0);
        for (s, mut p) in footpaths.into_iter().enumerate() {
            p.retain(|&(q, _)| served[s] && served[q as usize]);
            p.sort_unstable_by_key(|&(q, w)| (w, q));
            foot_to.extend(p.iter().map(|x| x.0));
            foot_s.extend(p.iter().map(|x| x.1));
            foot_start.push(foot_to.len() as u32);
        }
        let stop_targets = Targets::new(&walk, &stop_snaps);
        Transit {
            walk,
            routes,
            params,
            stop_snaps,
            stop_targets,
            foot_start,
            foot_to,
            foot_s,
            same_stop,
        }
    }

    pub fn params(&self) -> &TransitParams {
        &self.params
    }

    /// The walking network the legs are on.
    pub fn walk(&self) -> &Network {
        &self.walk
    }

    /// The stops farther than the snapping limit from the walking network.
    pub fn unsnapped_stops(&self) -> Vec<usize> {
        (0..self.stop_snaps.len())
            .filter(|&s| self.stop_snaps[s].is_none())
            .collect()
    }

    /// The walks from every stop to `destinations` (snapped here).
    pub fn egress(&self, destinations: &[LonLat]) -> Egress {
        let snaps = self.walk.snap_all(destinations, self.params.snap_max);
        let walk_max_ms = u64::from(self.params.walk_max_s) * 1000;
        let walks = many_to_many_from(
            &self.walk,
            &self.stop_snaps,
            &snaps,
            Some(walk_max_ms),
            Direction::Backward,
        );
        let per_stop = walks
            .into_iter()
            .map(|trips| {
                trips
                    .into_iter()
                    .map(|t| (t.destination as u32, seconds(t.time_ms)))
                    .collect()
            })
            .collect();
        let targets = Targets::new(&self.walk, &snaps);
        Egress {
            per_stop,
            snaps,
            targets,
        }
    }

    /// The time in milliseconds from a snapped origin to every destination
    /// of `egress`: walking alone (at the walking router's millisecond) or
    /// by public transport (whole seconds), the median over the window (see
    /// the module documentation); `None` when unreachable within `max_s`.
    /// Walks are searched up to `walk_bound_s` only (the caller's reach, at
    /// most `max_s`).
    pub fn times(
        &self,
        origin: &Snap,
        egress: &Egress,
        walk_bound_s: u32,
        ws: &mut Workspace,
    ) -> Vec<Option<u64>> {
        let bound_ms = u64::from(walk_bound_s.min(self.params.max_s)) * 1000;
        let mut best: Vec<Option<u64>> = self
            .transit_medians(origin, egress, ws)
            .into_iter()
            .map(|t| t.map(|s| s as u64 * 1000))
            .collect();
        let walks = one_to_many(
            &self.walk,
            origin,
            &egress.snaps,
            &egress.targets,
            Some(bound_ms),
            &mut ws.scratch,
        );
        for t in walks {
            let b = &mut best[t.destination];
            if b.is_none_or(|x| t.time_ms < x) {
                *b = Some(t.time_ms);
            }
        }
        best
    }

    /// The median time by public transport alone (at least one trip).
    pub fn transit_medians(
        &self,
        origin: &Snap,
        egress: &Egress,
        ws: &mut Workspace,
    ) -> Vec<Option<i32>> {
        let walk_max_ms = u64::from(self.params.walk_max_s) * 1000;
        let access: Vec<(u32, i32)> = one_to_many(
            &self.walk,
            origin,
            &self.stop_snaps,
            &self.stop_targets,
            Some(walk_max_ms),
            &mut ws.scratch,
        )
        .into_iter()
        .map(|t| (t.destination as u32, seconds(t.time_ms)))
        .collect();
        let n_dest = egress.snaps.len();
        let w_n = self.params.departures();
        self.route_window(&access, egress, ws);
        let index = if w_n == 1 { 0 } else { w_n.div_ceil(2) }.min(w_n - 1);
        (0..n_dest)
            .map(|d| {
                let s = &mut ws.samples[d * w_n..(d + 1) * w_n];
                s.sort_unstable();
                let t = s[index];
                (t != INF).then_some(t)
            })
            .collect()
    }

    /// Range RAPTOR over the window: fills `ws.samples[d * W + w]` with the
    /// time to destination `d` from departure minute `w` (`INF` when
    /// unreachable within `max_s`).
    fn route_window(&self, access: &[(u32, i32)], egress: &Egress, ws: &mut Workspace) {
        let n_stops = self.stop_snaps.len();
        let n_dest = egress.snaps.len();
        let w_n = self.params.departures();
        ws.vehicle.clear();
        ws.vehicle.resize(n_stops, INF);
        ws.board.clear();
        ws.board.resize(n_stops, INF);
        ws.is_marked.clear();
        ws.is_marked.resize(n_stops, false);
        ws.is_improved.clear();
        ws.is_improved.resize(n_stops, false);
        ws.is_reached.clear();
        ws.is_reached.resize(n_stops, false);
        ws.route_from.clear();
        ws.route_from.resize(self.routes.routes.len(), u32::MAX);
        ws.arrivals.clear();
        ws.arrivals.resize(n_dest, INF);
        ws.samples.clear();
        ws.samples.resize(n_dest * w_n, INF);
        let max_s = self.params.max_s as i32;
        for w in (0..w_n).rev() {
            let tau = self.params.departure + 60 * w as i32;
            let limit = tau.saturating_add(max_s);
            ws.marked.clear();
            for &(s, a) in access {
                let t = tau + a;
                if t <= limit && t < ws.board[s as usize] {
                    ws.board[s as usize] = t;
                    if !ws.is_marked[s as usize] {
                        ws.is_marked[s as usize] = true;
                        ws.marked.push(s);
                    }
                }
            }
            ws.improved.clear();
            while !ws.marked.is_empty() {
                self.round(limit, ws);
            }
            for &s in &ws.improved {
                ws.is_improved[s as usize] = false;
                let v = ws.vehicle[s as usize];
                for &(d, e) in &egress.per_stop[s as usize] {
                    let a = v.saturating_add(e);
                    if a < ws.arrivals[d as usize] {
                        ws.arrivals[d as usize] = a;
                    }
                }
            }
            for d in 0..n_dest {
                let a = ws.arrivals[d];
                if a != INF && a - tau <= max_s {
                    ws.samples[d * w_n + w] = a - tau;
                }
            }
        }
    }

    /// One RAPTOR round: every route through a marked stop is scanned from
    /// its first marked stop, then the transfers from the stops its trips
    /// reached.
    fn round(&self, limit: i32, ws: &mut Workspace) {
        ws.touched_routes.clear();
        for &p in &ws.marked {
            ws.is_marked[p as usize] = false;
            for &(r, i) in &self.routes.of_stop[p as usize] {
                let from = &mut ws.route_from[r as usize];
                if *from == u32::MAX {
                    ws.touched_routes.push(r);
                }
                if i < *from {
                    *from = i;
                }
            }
        }
        ws.marked.clear();
        ws.touched_routes.sort_unstable();
        let mut reached = std::mem::take(&mut ws.reached);
        reached.clear();
        for k in 0..ws.touched_routes.len() {
            let r = ws.touched_routes[k] as usize;
            let start = ws.route_from[r] as usize;
            ws.route_from[r] = u32::MAX;
            let route = &self.routes.routes[r];
            let mut trip: Option<usize> = None;
            for i in start..route.len() {
                let s = route.stops[i] as usize;
                if let Some(t) = trip {
                    let a = route.arrival(t, i);
                    if a <= limit && a < ws.vehicle[s] {
                        ws.vehicle[s] = a;
                        if !ws.is_reached[s] {
                            ws.is_reached[s] = true;
                            reached.push(s as u32);
                        }
                    }
                }
                let b = ws.board[s];
                if b != INF && trip.is_none_or(|t| b <= route.departure(t, i)) {
                    if let Some(t) = route.earliest_trip(i, b) {
                        if trip.is_none_or(|cur| t < cur) {
                            trip = Some(t);
                        }
                    }
                }
            }
        }
        reached.sort_unstable();
        for &s in &reached {
            let su = s as usize;
            ws.is_reached[su] = false;
            if !ws.is_improved[su] {
                ws.is_improved[su] = true;
                ws.improved.push(s);
            }
            let v = ws.vehicle[su];
            let relax = |q: usize, t: i32, ws: &mut Workspace| {
                if t <= limit && t < ws.board[q] {
                    ws.board[q] = t;
                    if !ws.is_marked[q] {
                        ws.is_marked[q] = true;
                        ws.marked.push(q as u32);
                    }
                }
            };
            if let Some(m) = self.same_stop[su] {
                relax(su, v.saturating_add(m), ws);
            }
            let row = self.foot_start[su] as usize..self.foot_start[su + 1] as usize;
            for (&q, &w) in self.foot_to[row.clone()].iter().zip(&self.foot_s[row]) {
                let t = v.saturating_add(w);
                if t > limit {
                    break; // the rest are longer
                }
                relax(q as usize, t, ws);
            }
        }
        ws.reached = reached;
    }

    /// The time from each origin to every destination, in parallel, in
    /// origin order (an empty list for an origin farther than the snapping
    /// limit from the walking network).
    pub fn matrix(&self, origins: &[LonLat], egress: &Egress) -> Vec<Option<Vec<Option<u64>>>> {
        origins
            .par_iter()
            .map_init(Workspace::default, |ws, p| {
                let o = self.walk.snap(*p, self.params.snap_max)?;
                Some(self.times(&o, egress, self.params.max_s, ws))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
