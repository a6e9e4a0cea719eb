//! Which OSM ways each mode may use, in which direction, and at what speed.
//!
//! The rules are few and written out in full here (and in the README section
//! "Temps de parcours sur réseau"); a way the rules do not open is left out
//! of the mode's graph.
//!
//! - **marche** (walking): every way with a `highway` tag except
//!   [`NOT_WALKABLE`]; left out when `foot=no`, or when `access=no|private`
//!   without `foot=yes|designated|permissive`. Both directions always.
//! - **velo** (cycling): the walking ways minus [`MOTOR_ONLY`]; left out when
//!   `bicycle=no`, or `access=no|private` without
//!   `bicycle=yes|designated|permissive`. One-way streets are honoured
//!   (`oneway=yes|1|true`, `oneway=-1` reversed, `junction=roundabout`
//!   one-way) unless `oneway:bicycle=no`.
//! - **voiture** (car): [`MOTOR_ROADS`] only (so no `track`: in France most
//!   are farm and forest tracks closed to traffic, as OSRM's car profile
//!   also leaves them out); left out when the most specific of `motorcar`,
//!   `motor_vehicle`, `access` that is present says `no` or `private`.
//!   One-way as for cycling, plus `highway=motorway` one-way unless
//!   `oneway=no` (the OSM convention). Speed from `maxspeed` when it parses
//!   ([`parse_maxspeed`]), otherwise [`default_car_speed_kmh`].
//!
//! Walking and cycling use one speed on every way (4.5 and 15 km/h by
//! default); slopes, surfaces, crossings and traffic lights are not modelled.

use crate::base::TravelMode;
use crate::model::osm::RawWay;

/// `highway` values no one walks on: motorways, and ways that do not exist
/// (yet or any more) or are not streets.
pub const NOT_WALKABLE: [&str; 9] = [
    "motorway",
    "motorway_link",
    "construction",
    "proposed",
    "platform",
    "raceway",
    "bus_guideway",
    "abandoned",
    "razed",
];

/// `highway` values closed to bicycles on top of [`NOT_WALKABLE`]
/// (motorways and *voies express*).
pub const MOTOR_ONLY: [&str; 4] = ["motorway", "motorway_link", "trunk", "trunk_link"];

/// `highway` values open to cars.
pub const MOTOR_ROADS: [&str; 15] = [
    "motorway",
    "motorway_link",
    "trunk",
    "trunk_link",
    "primary",
    "primary_link",
    "secondary",
    "secondary_link",
    "tertiary",
    "tertiary_link",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "road",
];

/// Which directions of a way a mode may use, and its speed on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayUse {
    /// Along the order of the way's nodes.
    pub forward: bool,
    /// Against it.
    pub backward: bool,
    /// km/h.
    pub speed_kmh: f64,
}

/// Walking and cycling speeds, km/h (the car's come from the way).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speeds {
    pub walk_kmh: f64,
    pub bike_kmh: f64,
}

impl Default for Speeds {
    /// 4.5 km/h walking, 15 km/h cycling.
    fn default() -> Self {
        Speeds {
            walk_kmh: 4.5,
            bike_kmh: 15.0,
        }
    }
}

fn is_no(v: Option<&str>) -> bool {
    matches!(v, Some("no"))
}

fn is_closed(v: Option<&str>) -> bool {
    matches!(v, Some("no" | "private"))
}

fn is_allowed(v: Option<&str>) -> bool {
    matches!(v, Some("yes" | "designated" | "permissive"))
}

/// How `mode` may use `way`; `None` when it may not.
pub fn way_use(way: &RawWay, mode: TravelMode, speeds: Speeds) -> Option<WayUse> {
    let highway = way.tag("highway")?;
    let access = way.tag("access");
    let walkable = !NOT_WALKABLE.contains(&highway);
    // Public transport travels the walking network.
    match mode {
        TravelMode::Marche | TravelMode::Transport => {
            let foot = way.tag("foot");
            if !walkable || is_no(foot) || (is_closed(access) && !is_allowed(foot)) {
                return None;
            }
            Some(WayUse {
                forward: true,
                backward: true,
                speed_kmh: speeds.walk_kmh,
            })
        }
        TravelMode::Velo => {
            let bicycle = way.tag("bicycle");
            if !walkable
                || MOTOR_ONLY.contains(&highway)
                || is_no(bicycle)
                || (is_closed(access) && !is_allowed(bicycle))
            {
                return None;
            }
            let (forward, backward) = if way.tag("oneway:bicycle") == Some("no") {
                (true, true)
            } else {
                directions(way, false)
            };
            Some(WayUse {
                forward,
                backward,
                speed_kmh: speeds.bike_kmh,
            })
        }
        TravelMode::Voiture => {
            if !MOTOR_ROADS.contains(&highway) {
                return None;
            }
            let decisive = way
                .tag("motorcar")
                .or_else(|| way.tag("motor_vehicle"))
                .or(access);
            if is_closed(decisive) {
                return None;
            }
            let (forward, backward) = directions(way, highway == "motorway");
            let speed_kmh = way
                .tag("maxspeed")
                .and_then(parse_maxspeed)
                .unwrap_or_else(|| default_car_speed_kmh(highway));
            Some(WayUse {
                forward,
                backward,
                speed_kmh,
            })
        }
    }
}

/// `(forward, backward)` from `oneway` and `junction=roundabout`;
/// `implied_oneway` for ways one-way unless `oneway=no` says otherwise.
fn directions(way: &RawWay, implied_oneway: bool) -> (bool, bool) {
    match way.tag("oneway") {
        Some("yes" | "1" | "true") => (true, false),
        Some("-1") => (false, true),
        Some("no") => (true, true),
        _ if way.tag("junction") == Some("roundabout") || implied_oneway => (true, false),
        _ => (true, true),
    }
}

/// Parses an OSM `maxspeed` value into km/h: a number (`50`, `50 km/h`),
/// `NN mph`, the French implicit values `FR:urban` (50), `FR:rural` (80),
/// `FR:motorway` (130), `FR:zone30` (30), and `walk` (6 km/h, the usual
/// reading of *au pas*). `None` for anything else (`none`, `signals`,
/// `50;30`…), so that the road type's default applies.
///
/// # Examples
/// ```
/// use maillage::index::network::rules::parse_maxspeed;
/// assert_eq!(parse_maxspeed("70"), Some(70.0));
/// assert_eq!(parse_maxspeed("FR:rural"), Some(80.0));
/// assert_eq!(parse_maxspeed("signals"), None);
/// ```
pub fn parse_maxspeed(raw: &str) -> Option<f64> {
    let s = raw.trim();
    let named = match s {
        "FR:urban" => Some(50.0),
        "FR:rural" => Some(80.0),
        "FR:motorway" => Some(130.0),
        "FR:zone30" => Some(30.0),
        "walk" => Some(6.0),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let (number, factor) = if let Some(n) = s.strip_suffix("mph") {
        (n.trim(), 1.609_344)
    } else if let Some(n) = s.strip_suffix("km/h") {
        (n.trim(), 1.0)
    } else {
        (s, 1.0)
    };
    let v: f64 = number.parse().ok()?;
    (v.is_finite() && v > 0.0).then_some(v * factor)
}

/// The car speed, km/h, of a road type without a usable `maxspeed`.
///
/// The French legal limit where the road type fixes it, otherwise the
/// speed of OSRM's car profile (Project-OSRM/osrm-backend,
/// `profiles/car.lua`, version 5). Times are therefore free-flow times at
/// the limit: no congestion, crossings or traffic lights.
///
/// | `highway` | km/h | source |
/// | --- | ---: | --- |
/// | motorway | 130 | Code de la route, art. R413-2 (autoroutes) |
/// | trunk | 110 | R413-2 (routes à deux chaussées séparées par un terre-plein central) |
/// | primary, secondary, tertiary | 80 | R413-2 (other roads outside built-up areas, décret n° 2018-487) |
/// | unclassified, road, residential | 50 | R413-3 (in built-up areas); for unclassified and road the lower of the two limits that can apply |
/// | living_street | 20 | R110-2 (*zone de rencontre*) |
/// | service | 15 | OSRM car profile (no legal figure) |
/// | motorway_link | 45 | OSRM car profile |
/// | trunk_link | 40 | OSRM car profile |
/// | primary_link | 30 | OSRM car profile |
/// | secondary_link | 25 | OSRM car profile |
/// | tertiary_link | 20 | OSRM car profile |
pub fn default_car_speed_kmh(highway: &str) -> f64 {
    match highway {
        // Code de la route, art. R413-2.
        "motorway" => 130.0,
        // R413-2: dual carriageways (French trunk roads mostly are).
        "trunk" => 110.0,
        // R413-2 as amended by décret n° 2018-487 (80 km/h outside
        // built-up areas on two-way roads without a central barrier).
        "primary" | "secondary" | "tertiary" => 80.0,
        // R413-3: 50 km/h in built-up areas; also the lower of the two
        // limits that can apply to unclassified and unknown roads.
        "unclassified" | "road" | "residential" => 50.0,
        // R110-2: zone de rencontre.
        "living_street" => 20.0,
        // OSRM car profile (profiles/car.lua, v5): no legal figure.
        "motorway_link" => 45.0,
        "trunk_link" => 40.0,
        "primary_link" => 30.0,
        "secondary_link" => 25.0,
        "tertiary_link" => 20.0,
        // "service" and anything else: OSRM's service speed.
        _ => 15.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(tags: &[(&str, &str)]) -> RawWay {
        RawWay::new(1, &[1, 2], tags)
    }

    fn dirs(tags: &[(&str, &str)], mode: TravelMode) -> Option<(bool, bool)> {
        way_use(&way(tags), mode, Speeds::default()).map(|u| (u.forward, u.backward))
    }

    #[test]
    fn network_rules_oneway_binds_bikes_and_cars_not_walkers() {
        let t = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(dirs(&t, TravelMode::Marche), Some((true, true)));
        assert_eq!(dirs(&t, TravelMode::Velo), Some((true, false)));
        assert_eq!(dirs(&t, TravelMode::Voiture), Some((true, false)));
        for v in ["1", "true"] {
            let t = [("highway", "residential"), ("oneway", v)];
            assert_eq!(dirs(&t, TravelMode::Voiture), Some((true, false)), "{v}");
        }
        let rev = [("highway", "residential"), ("oneway", "-1")];
        assert_eq!(dirs(&rev, TravelMode::Velo), Some((false, true)));
        assert_eq!(dirs(&rev, TravelMode::Voiture), Some((false, true)));
        assert_eq!(dirs(&rev, TravelMode::Marche), Some((true, true)));
        let round = [("highway", "primary"), ("junction", "roundabout")];
        assert_eq!(dirs(&round, TravelMode::Voiture), Some((true, false)));
        assert_eq!(dirs(&round, TravelMode::Velo), Some((true, false)));
        assert_eq!(dirs(&round, TravelMode::Marche), Some((true, true)));
        // Contraflow for bicycles.
        let contra = [
            ("highway", "residential"),
            ("oneway", "yes"),
            ("oneway:bicycle", "no"),
        ];
        assert_eq!(dirs(&contra, TravelMode::Velo), Some((true, true)));
        assert_eq!(dirs(&contra, TravelMode::Voiture), Some((true, false)));
        // Motorways are one-way unless tagged otherwise.
        assert_eq!(
            dirs(&[("highway", "motorway")], TravelMode::Voiture),
            Some((true, false))
        );
        assert_eq!(
            dirs(
                &[("highway", "motorway"), ("oneway", "no")],
                TravelMode::Voiture
            ),
            Some((true, true))
        );
    }

    #[test]
    fn network_rules_access_and_road_types() {
        // foot=no closes a way to walkers only.
        let t = [("highway", "residential"), ("foot", "no")];
        assert_eq!(dirs(&t, TravelMode::Marche), None);
        assert!(dirs(&t, TravelMode::Velo).is_some() && dirs(&t, TravelMode::Voiture).is_some());
        // access=private, with and without foot=yes.
        let private = [("highway", "service"), ("access", "private")];
        assert_eq!(dirs(&private, TravelMode::Marche), None);
        assert_eq!(dirs(&private, TravelMode::Velo), None);
        assert_eq!(dirs(&private, TravelMode::Voiture), None);
        for v in ["yes", "designated", "permissive"] {
            let open = [("highway", "service"), ("access", "private"), ("foot", v)];
            assert!(dirs(&open, TravelMode::Marche).is_some(), "{v}");
            assert_eq!(dirs(&open, TravelMode::Velo), None, "{v}");
        }
        let no = [
            ("highway", "track"),
            ("access", "no"),
            ("bicycle", "designated"),
        ];
        assert_eq!(dirs(&no, TravelMode::Marche), None);
        assert!(dirs(&no, TravelMode::Velo).is_some());
        assert_eq!(
            dirs(
                &[("highway", "cycleway"), ("bicycle", "no")],
                TravelMode::Velo
            ),
            None
        );
        // Motorways: cars only; trunk roads: no bicycles.
        for h in ["motorway", "motorway_link"] {
            assert_eq!(dirs(&[("highway", h)], TravelMode::Marche), None, "{h}");
            assert_eq!(dirs(&[("highway", h)], TravelMode::Velo), None, "{h}");
            assert!(
                dirs(&[("highway", h)], TravelMode::Voiture).is_some(),
                "{h}"
            );
        }
        assert!(dirs(&[("highway", "trunk")], TravelMode::Marche).is_some());
        assert_eq!(dirs(&[("highway", "trunk")], TravelMode::Velo), None);
        // Paths are not for cars; tracks are left out for cars.
        for h in [
            "footway",
            "path",
            "cycleway",
            "pedestrian",
            "steps",
            "track",
        ] {
            assert!(dirs(&[("highway", h)], TravelMode::Marche).is_some(), "{h}");
            assert_eq!(dirs(&[("highway", h)], TravelMode::Voiture), None, "{h}");
        }
        for h in [
            "construction",
            "proposed",
            "platform",
            "raceway",
            "abandoned",
            "razed",
        ] {
            assert_eq!(dirs(&[("highway", h)], TravelMode::Marche), None, "{h}");
        }
        // The most specific car tag decides.
        let t = [
            ("highway", "residential"),
            ("access", "no"),
            ("motor_vehicle", "yes"),
        ];
        assert!(dirs(&t, TravelMode::Voiture).is_some());
        let t = [("highway", "residential"), ("motor_vehicle", "private")];
        assert_eq!(dirs(&t, TravelMode::Voiture), None);
        let t = [
            ("highway", "residential"),
            ("motor_vehicle", "no"),
            ("motorcar", "yes"),
        ];
        assert!(dirs(&t, TravelMode::Voiture).is_some());
        let t = [("highway", "residential"), ("motorcar", "no")];
        assert_eq!(dirs(&t, TravelMode::Voiture), None);
        // No highway tag, no use.
        assert_eq!(dirs(&[("oneway", "yes")], TravelMode::Marche), None);
    }

    #[test]
    fn network_rules_maxspeed_and_defaults() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("50 km/h"), Some(50.0));
        assert!((parse_maxspeed("30 mph").unwrap() - 48.28032).abs() < 1e-9);
        assert_eq!(parse_maxspeed("FR:urban"), Some(50.0));
        assert_eq!(parse_maxspeed("FR:rural"), Some(80.0));
        assert_eq!(parse_maxspeed("FR:motorway"), Some(130.0));
        assert_eq!(parse_maxspeed("FR:zone30"), Some(30.0));
        assert_eq!(parse_maxspeed("walk"), Some(6.0));
        for bad in ["none", "signals", "50;30", "", "-20", "0", "NaN"] {
            assert_eq!(parse_maxspeed(bad), None, "{bad}");
        }
        let speed = |tags: &[(&str, &str)]| {
            way_use(&way(tags), TravelMode::Voiture, Speeds::default())
                .unwrap()
                .speed_kmh
        };
        assert_eq!(speed(&[("highway", "primary"), ("maxspeed", "70")]), 70.0);
        assert_eq!(
            speed(&[("highway", "primary"), ("maxspeed", "signals")]),
            80.0
        );
        assert_eq!(speed(&[("highway", "motorway")]), 130.0);
        assert_eq!(speed(&[("highway", "trunk")]), 110.0);
        assert_eq!(speed(&[("highway", "residential")]), 50.0);
        assert_eq!(speed(&[("highway", "living_street")]), 20.0);
        assert_eq!(speed(&[("highway", "service")]), 15.0);
        assert_eq!(speed(&[("highway", "motorway_link")]), 45.0);
        // Walking and cycling: one speed everywhere, whatever maxspeed says.
        let s = Speeds {
            walk_kmh: 5.0,
            bike_kmh: 18.0,
        };
        let t = way(&[("highway", "primary"), ("maxspeed", "90")]);
        assert_eq!(way_use(&t, TravelMode::Marche, s).unwrap().speed_kmh, 5.0);
        assert_eq!(way_use(&t, TravelMode::Velo, s).unwrap().speed_kmh, 18.0);
    }
}
