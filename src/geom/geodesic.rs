//! Geodesic distances on the WGS84 ellipsoid.
//!
//! [`distance`] solves the inverse geodesic problem with Karney's algorithm
//! (C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013) through
//! the `geographiclib-rs` port, accurate to a few nanometres. The nearest-site
//! search in [`crate::index`] calls it only on the few candidates a Lambert-93
//! R-tree query leaves, so its cost stays small.

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::model::{LonLat, Meters};

static WGS84: std::sync::LazyLock<Geodesic> = std::sync::LazyLock::new(Geodesic::wgs84);

/// The geodesic distance between two points on the WGS84 ellipsoid.
///
/// # Examples
/// ```
/// use maillage::geom::distance;
/// use maillage::model::LonLat;
/// // Lille town hall to Amiens town hall, about 99.5 km.
/// let d = distance(LonLat::new(3.070_32, 50.630_41), LonLat::new(2.297_05, 49.894_49));
/// assert!((d.km() - 99.5).abs() < 1.0);
/// ```
pub fn distance(a: LonLat, b: LonLat) -> Meters {
    let s12: f64 = WGS84.inverse(a.lat, a.lon, b.lat, b.lon);
    Meters(s12)
}
