//! The timetable of one service day arranged for RAPTOR (Delling, Pajor,
//! Werneck, *Round-Based Public Transit Routing*, Transportation Science
//! 49(3), 2015): trips grouped into routes that visit the same stops in the
//! same order and never overtake one another, each route's trips sorted by
//! time, and for each stop the routes that serve it.
//!
//! Trips with the same stop sequence whose times would overtake (one leaves
//! a stop later but arrives at a later stop earlier) are split into several
//! routes, each kept first-in first-out, so that "the earliest trip
//! boardable at a stop" is found by a search on one sorted column.

use std::collections::BTreeMap;

use crate::model::transit::Timetable;

/// One route: trips with the same stops, first-in first-out.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// The stops in order (indices into [`Timetable::stops`]).
    pub stops: Vec<u32>,
    /// The trips (indices into [`Timetable::trips`]), earliest first.
    pub trips: Vec<u32>,
    /// `arrivals[t * stops.len() + i]`: arrival of the route's `t`-th trip at
    /// its `i`-th stop, seconds from the service day's midnight.
    pub arrivals: Vec<i32>,
    /// Departures, laid out as `arrivals`.
    pub departures: Vec<i32>,
}

impl Route {
    /// Number of stops.
    pub fn len(&self) -> usize {
        self.stops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.stops.is_empty()
    }

    /// Departure of trip `t` at stop position `i`.
    #[inline]
    pub fn departure(&self, t: usize, i: usize) -> i32 {
        self.departures[t * self.stops.len() + i]
    }

    /// Arrival of trip `t` at stop position `i`.
    #[inline]
    pub fn arrival(&self, t: usize, i: usize) -> i32 {
        self.arrivals[t * self.stops.len() + i]
    }

    /// The earliest trip leaving stop position `i` at `time` or later
    /// (trips are first-in first-out, so their departures at `i` are sorted).
    pub fn earliest_trip(&self, i: usize, time: i32) -> Option<usize> {
        let n = self.trips.len();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.departure(mid, i) < time {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < n).then_some(lo)
    }
}

/// The routes of a timetable and the routes serving each stop.
#[derive(Debug, Clone, PartialEq)]
pub struct Routes {
    pub routes: Vec<Route>,
    /// For each stop, `(route, position)` of every visit, in route order.
    pub of_stop: Vec<Vec<(u32, u32)>>,
}

/// Whether trip `b` can follow trip `a` in one route: never earlier at any
/// stop, arriving nor leaving.
fn follows(tt: &Timetable, a: usize, b: usize) -> bool {
    let (ta, tb) = (&tt.trips[a], &tt.trips[b]);
    ta.arrivals.iter().zip(&tb.arrivals).all(|(x, y)| x <= y)
        && ta
            .departures
            .iter()
            .zip(&tb.departures)
            .all(|(x, y)| x <= y)
}

impl Routes {
    /// Groups the trips by stop sequence (in the order each sequence first
    /// appears), sorts each group by first departure (then by trip index),
    /// and deals them into first-in first-out routes: each trip goes to the
    /// first route of its group it can follow, or opens a new one.
    pub fn build(tt: &Timetable) -> Routes {
        let mut groups: BTreeMap<&[u32], usize> = BTreeMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        let mut first_seen: Vec<&[u32]> = Vec::new();
        for (k, trip) in tt.trips.iter().enumerate() {
            if trip.stops.len() < 2 {
                continue;
            }
            let g = *groups.entry(&trip.stops).or_insert_with(|| {
                members.push(Vec::new());
                first_seen.push(&trip.stops);
                members.len() - 1
            });
            members[g].push(k);
        }
        let mut routes = Vec::new();
        for (g, mut trips) in members.into_iter().enumerate() {
            trips.sort_by_key(|&k| (tt.trips[k].departures[0], k));
            let mut lanes: Vec<Vec<usize>> = Vec::new();
            for k in trips {
                match lanes
                    .iter_mut()
                    .find(|lane| lane.last().is_some_and(|&last| follows(tt, last, k)))
                {
                    Some(lane) => lane.push(k),
                    None => lanes.push(vec![k]),
                }
            }
            for lane in lanes {
                let stops = first_seen[g].to_vec();
                let mut arrivals = Vec::with_capacity(lane.len() * stops.len());
                let mut departures = Vec::with_capacity(lane.len() * stops.len());
                for &k in &lane {
                    arrivals.extend_from_slice(&tt.trips[k].arrivals);
                    departures.extend_from_slice(&tt.trips[k].departures);
                }
                routes.push(Route {
                    stops,
                    trips: lane.iter().map(|&k| k as u32).collect(),
                    arrivals,
                    departures,
                });
            }
        }
        let mut of_stop = vec![Vec::new(); tt.stops.len()];
        for (r, route) in routes.iter().enumerate() {
            for (i, &s) in route.stops.iter().enumerate() {
                of_stop[s as usize].push((r as u32, i as u32));
            }
        }
        Routes { routes, of_stop }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::LonLat;
    use crate::model::transit::{Date, TransitStop, TransitTrip};

    pub(crate) fn timetable(trips: &[(&[u32], &[i32])]) -> Timetable {
        let n = trips
            .iter()
            .flat_map(|(s, _)| s.iter())
            .max()
            .map_or(0, |m| *m as usize + 1);
        Timetable {
            date: Date::new(2019, 5, 13).unwrap(),
            stops: (0..n)
                .map(|i| TransitStop {
                    id: format!("t:{i}"),
                    name: String::new(),
                    position: LonLat::new(0.0, i as f64 / 1000.0),
                })
                .collect(),
            trips: trips
                .iter()
                .enumerate()
                .map(|(k, (stops, times))| TransitTrip {
                    id: format!("t:{k}"),
                    route: "t:r".into(),
                    stops: stops.to_vec(),
                    arrivals: times.to_vec(),
                    departures: times.to_vec(),
                })
                .collect(),
            transfers: vec![],
            feeds: vec![],
        }
    }

    #[test]
    fn overtaking_trips_go_to_separate_routes() {
        // Trips 0 and 2 share stops 0→1→2 and keep their order; trip 1 (same
        // stops) leaves after trip 0 but arrives first: a route of its own.
        // Trip 3 runs the other way.
        let tt = timetable(&[
            (&[0, 1, 2], &[100, 200, 300]),
            (&[0, 1, 2], &[150, 180, 250]),
            (&[0, 1, 2], &[400, 500, 600]),
            (&[2, 1, 0], &[100, 200, 300]),
        ]);
        let r = Routes::build(&tt);
        assert_eq!(r.routes.len(), 3);
        assert_eq!(r.routes[0].trips, vec![0, 2]);
        assert_eq!(r.routes[1].trips, vec![1]);
        assert_eq!(r.routes[2].stops, vec![2, 1, 0]);
        assert_eq!(r.routes[0].departure(1, 2), 600);
        assert_eq!(r.of_stop[1], vec![(0, 1), (1, 1), (2, 1)]);
        for route in &r.routes {
            for t in 1..route.trips.len() {
                for i in 0..route.len() {
                    assert!(route.departure(t - 1, i) <= route.departure(t, i));
                }
            }
        }
    }

    #[test]
    fn earliest_trip_is_the_first_leaving_at_or_after_the_time() {
        let tt = timetable(&[
            (&[0, 1], &[100, 200]),
            (&[0, 1], &[300, 400]),
            (&[0, 1], &[300, 450]),
        ]);
        let r = Routes::build(&tt);
        let route = &r.routes[0];
        assert_eq!(route.earliest_trip(0, 0), Some(0));
        assert_eq!(route.earliest_trip(0, 100), Some(0));
        assert_eq!(route.earliest_trip(0, 101), Some(1));
        assert_eq!(route.earliest_trip(0, 301), None);
        assert_eq!(route.earliest_trip(1, 401), Some(2));
    }
}
