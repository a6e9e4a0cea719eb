//! How a run measures the way from a place to a site: a geodesic distance
//! (the default, `--mode vol-oiseau`), a travel time on a road network
//! (`--reseau … --mode marche|velo|voiture`), or by public transport
//! (`--mode transport`, [`crate::analysis::transit`]).
//!
//! Every analysis that compares places with sites (coverage, hotspots,
//! placement, scenarios, accessibility scores, summaries, the grid) asks a
//! [`Measure`] for costs and compares them with thresholds in the same
//! [`Unit`]: metres as the crow flies, or minutes door to door on the
//! network. The rules that do not depend on the measure stay where they
//! are: a commune with a site standing in it counts as cost zero, and
//! thresholds include their bound.
//!
//! By network, a point farther than the snapping limit from the network
//! has no cost (it is unmeasured, never given a made-up time), and a site
//! that cannot be snapped is reached by no trip. The callers count both in
//! warnings.

use rayon::prelude::*;

use crate::analysis::transit::{Egress, Transit, Workspace};
use crate::analysis::travel::{nearest_destinations, one_to_many, NearestField, Scratch, Targets};
use crate::base::{LonLat, Meters};
use crate::base::{TravelMode, Unit};
use crate::index::network::{Network, Snap};
use crate::index::{Nearest, SiteIndex};

/// The cost of reaching a site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiteCost {
    /// Index of the site (in the list the cost was measured against).
    pub site: usize,
    /// Metres or minutes, in the measure's [`Unit`].
    pub value: f64,
    /// Length of the way measured, metres: the geodesic distance, or the
    /// length of the fastest path on a road network; `None` by public
    /// transport.
    pub length_m: Option<f64>,
}

impl SiteCost {
    /// The cost of a geodesic nearest site.
    pub fn geodesic(n: &Nearest) -> SiteCost {
        SiteCost {
            site: n.site,
            value: n.distance.0,
            length_m: Some(n.distance.0),
        }
    }
}

/// How the way to a site is measured.
#[derive(Debug, Clone, Copy)]
pub enum Measure<'a> {
    /// Geodesic distance on the WGS84 ellipsoid.
    Geodesic,
    /// Travel time on a network of one mode; points farther than
    /// `snap_max` from it are left unmeasured.
    Network { net: &'a Network, snap_max: Meters },
    /// Travel time by public transport and walking.
    Transit(&'a Transit),
}

impl<'a> Measure<'a> {
    pub fn unit(&self) -> Unit {
        match self {
            Measure::Geodesic => Unit::Metres,
            Measure::Network { .. } | Measure::Transit(_) => Unit::Minutes,
        }
    }

    /// The network's mode, `None` as the crow flies.
    pub fn mode(&self) -> Option<TravelMode> {
        match self {
            Measure::Geodesic => None,
            Measure::Network { net, .. } => Some(net.mode()),
            Measure::Transit(_) => Some(TravelMode::Transport),
        }
    }

    /// Prepares nearest-site queries against `sites`: an R-tree, or one
    /// search of the whole network from all the sites at once.
    pub fn towards(&self, sites: &[LonLat]) -> SiteField<'a> {
        match *self {
            Measure::Geodesic => SiteField::Geodesic(SiteIndex::new(sites)),
            Measure::Network { net, snap_max } => {
                let snaps: Vec<Option<Snap>> = net.snap_all(sites, snap_max);
                let unsnapped = unsnapped(&snaps);
                let field = nearest_destinations(net, &snaps, None);
                SiteField::Network {
                    net,
                    snap_max,
                    field,
                    unsnapped,
                }
            }
            Measure::Transit(transit) => {
                let egress = transit.egress(sites);
                let walk = transit.walk();
                let max_ms = u64::from(transit.params().max_s) * 1000;
                let field = nearest_destinations(walk, &egress.snaps, Some(max_ms));
                let unsnapped = unsnapped(&egress.snaps);
                SiteField::Transit {
                    transit,
                    egress,
                    walk_field: field,
                    unsnapped,
                }
            }
        }
    }

    /// For each origin, the destinations whose cost is at most the origin's
    /// `reaches` entry, with that cost, in ascending destination order (none
    /// for a negative reach).
    /// Also returns the origins the measure could not take (too far from the
    /// network).
    pub fn within(
        &self,
        origins: &[LonLat],
        reaches: &[f64],
        destinations: &[LonLat],
    ) -> (Vec<Vec<(usize, f64)>>, Vec<usize>) {
        match *self {
            Measure::Geodesic => {
                let index = SiteIndex::tree_only(destinations);
                let rows = origins
                    .par_iter()
                    .zip(reaches)
                    .map(|(p, &r)| {
                        if r.is_nan() || r < 0.0 {
                            return Vec::new();
                        }
                        index
                            .within(*p, Meters(r))
                            .into_iter()
                            .map(|(j, d)| (j, d.0))
                            .collect()
                    })
                    .collect();
                (rows, Vec::new())
            }
            Measure::Network { net, snap_max } => {
                let dest: Vec<Option<Snap>> = net.snap_all(destinations, snap_max);
                let targets = Targets::new(net, &dest);
                let snaps: Vec<Option<Snap>> = net.snap_all(origins, snap_max);
                let rows = snaps
                    .par_iter()
                    .zip(reaches)
                    .map_init(Scratch::default, |scratch, (o, &r)| {
                        let Some(o) = o.as_ref().filter(|_| r >= 0.0) else {
                            return Vec::new();
                        };
                        let max_ms = minutes_to_ms(r);
                        one_to_many(net, o, &dest, &targets, Some(max_ms), scratch)
                            .into_iter()
                            .map(|t| (t.destination, t.minutes()))
                            .collect()
                    })
                    .collect();
                let lost = unsnapped(&snaps);
                (rows, lost)
            }
            Measure::Transit(transit) => {
                let egress = transit.egress(destinations);
                let snap_max = transit.params().snap_max;
                let walk = transit.walk();
                let snaps: Vec<Option<Snap>> = walk.snap_all(origins, snap_max);
                let rows = snaps
                    .par_iter()
                    .zip(reaches)
                    .map_init(Workspace::default, |ws, (o, &r)| {
                        let Some(o) = o.as_ref().filter(|_| r >= 0.0) else {
                            return Vec::new();
                        };
                        // Walks need no search beyond the reach.
                        let bound = (r * 60.0).ceil().min(f64::from(u32::MAX)) as u32;
                        transit
                            .times(o, &egress, bound, ws)
                            .into_iter()
                            .enumerate()
                            .filter_map(|(j, t)| {
                                let m = t? as f64 / 60_000.0;
                                (m <= r).then_some((j, m))
                            })
                            .collect()
                    })
                    .collect();
                let lost = unsnapped(&snaps);
                (rows, lost)
            }
        }
    }
}

/// The indices of the points left unsnapped.
fn unsnapped(snaps: &[Option<Snap>]) -> Vec<usize> {
    (0..snaps.len()).filter(|&i| snaps[i].is_none()).collect()
}

/// A bound in minutes as whole milliseconds, rounded down: a trip of
/// `time_ms` is within `m` minutes exactly when `time_ms / 60,000 ≤ m`.
fn minutes_to_ms(m: f64) -> u64 {
    if m.is_finite() && m >= 0.0 {
        (m * 60_000.0).floor() as u64
    } else if m > 0.0 {
        u64::MAX
    } else {
        0
    }
}

/// Nearest-site queries against one set of sites (from [`Measure::towards`]).
pub enum SiteField<'a> {
    Geodesic(SiteIndex),
    Network {
        net: &'a Network,
        snap_max: Meters,
        field: NearestField,
        /// Sites farther than `snap_max` from the network.
        unsnapped: Vec<usize>,
    },
    Transit {
        transit: &'a Transit,
        /// The walks from the stops to the sites.
        egress: Egress,
        /// The nearest site on foot alone from every node, within the
        /// longest trip.
        walk_field: NearestField,
        unsnapped: Vec<usize>,
    },
}

/// The nearest site of some origins, and the origins left unmeasured.
#[derive(Debug, Clone, PartialEq)]
pub struct NearestCosts {
    pub costs: Vec<Option<SiteCost>>,
    /// Origins farther than the snapping limit from the network.
    pub unsnapped: Vec<usize>,
}

impl SiteField<'_> {
    /// The sites no trip reaches (too far from the network).
    pub fn unsnapped_sites(&self) -> &[usize] {
        match self {
            SiteField::Geodesic(_) => &[],
            SiteField::Network { unsnapped, .. } | SiteField::Transit { unsnapped, .. } => {
                unsnapped
            }
        }
    }

    /// The nearest site of each origin, in order; ties go to the lowest
    /// site index.
    pub fn nearest(&self, origins: &[LonLat]) -> NearestCosts {
        match self {
            SiteField::Geodesic(index) => NearestCosts {
                costs: origins
                    .par_iter()
                    .map(|p| index.nearest(*p).as_ref().map(SiteCost::geodesic))
                    .collect(),
                unsnapped: Vec::new(),
            },
            SiteField::Network {
                net,
                snap_max,
                field,
                ..
            } => {
                let snaps: Vec<Option<Snap>> = net.snap_all(origins, *snap_max);
                let costs = snaps
                    .iter()
                    .map(|s| {
                        let t = field.trip(s.as_ref()?, None)?;
                        Some(SiteCost {
                            site: t.destination,
                            value: t.minutes(),
                            length_m: Some(t.length_mm as f64 / 1000.0),
                        })
                    })
                    .collect();
                let unsnapped = unsnapped(&snaps);
                NearestCosts { costs, unsnapped }
            }
            SiteField::Transit {
                transit,
                egress,
                walk_field,
                ..
            } => {
                let walk = transit.walk();
                let snap_max = transit.params().snap_max;
                let snaps: Vec<Option<Snap>> = walk.snap_all(origins, snap_max);
                let costs = snaps
                    .par_iter()
                    .map_init(Workspace::default, |ws, s| {
                        let o = s.as_ref()?;
                        // Walking alone: the nearest site on foot, in
                        // milliseconds; by transit in whole seconds. Ties
                        // go to the first site (see `analysis::transit`).
                        let max_ms = u64::from(transit.params().max_s) * 1000;
                        let on_foot = walk_field
                            .trip(o, Some(max_ms))
                            .map(|t| (t.time_ms, t.destination));
                        let by_transit = transit
                            .transit_medians(o, egress, ws)
                            .into_iter()
                            .enumerate()
                            .filter_map(|(j, t)| Some((t? as u64 * 1000, j)))
                            .min();
                        let (ms, site) = match (on_foot, by_transit) {
                            (Some(a), Some(b)) => a.min(b),
                            (a, b) => a.or(b)?,
                        };
                        Some(SiteCost {
                            site,
                            value: ms as f64 / 60_000.0,
                            length_m: None,
                        })
                    })
                    .collect();
                let unsnapped = unsnapped(&snaps);
                NearestCosts { costs, unsnapped }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_bounds_round_down_to_whole_milliseconds() {
        assert_eq!(minutes_to_ms(1.0), 60_000);
        assert_eq!(minutes_to_ms(0.5), 30_000);
        assert_eq!(minutes_to_ms(f64::INFINITY), u64::MAX);
        assert_eq!(minutes_to_ms(-1.0), 0);
    }

    #[test]
    fn units_show_km_or_minutes() {
        assert_eq!(Unit::Metres.shown(2500.0), 2.5);
        assert_eq!(Unit::Metres.from_shown(2.5), 2500.0);
        assert_eq!(Unit::Minutes.shown(12.0), 12.0);
        assert_eq!(Unit::Minutes.symbol(), "min");
    }
}
