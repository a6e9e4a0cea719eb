//! Geodesic distances on the WGS84 ellipsoid.
//!
//! [`distance`] solves the inverse geodesic problem with Karney's algorithm
//! (C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013) through
//! the `geographiclib-rs` port, accurate to a few nanometres. The nearest-site
//! search in [`crate::index`] calls it only on the few candidates a Lambert-93
//! R-tree query leaves, so its cost stays small.

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::base::{LonLat, Meters};

static WGS84: std::sync::LazyLock<Geodesic> = std::sync::LazyLock::new(Geodesic::wgs84);

/// The geodesic distance between two points on the WGS84 ellipsoid.
///
/// # Examples
/// ```
/// use maillage::geom::distance;
/// use maillage::base::LonLat;
/// // Lille town hall to Amiens town hall, about 99.5 km.
/// let d = distance(LonLat::new(3.070_32, 50.630_41), LonLat::new(2.297_05, 49.894_49));
/// assert!((d.km() - 99.5).abs() < 1.0);
/// ```
pub fn distance(a: LonLat, b: LonLat) -> Meters {
    let s12: f64 = WGS84.inverse(a.lat, a.lon, b.lat, b.lon);
    Meters(s12)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs computed by GeographicLib (Python, Karney's reference
    /// implementation), written by scripts/make-shp-fixtures.
    #[test]
    fn geodesic_matches_karney_reference() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference_geodesic.csv"
        ))
        .unwrap();
        let mut n = 0;
        for line in text.lines().skip(1) {
            let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
            let d = distance(LonLat::new(v[0], v[1]), LonLat::new(v[2], v[3])).0;
            assert!((d - v[4]).abs() < 1e-3, "{line}: {d}");
            let fast = crate::geom::fast::fast_distance(
                &crate::geom::fast::project(LonLat::new(v[0], v[1])),
                &crate::geom::fast::project(LonLat::new(v[2], v[3])),
            )
            .0;
            // The fast distance is within 2 mm below 50 km and a few
            // centimetres at 250 km, the longest pair here.
            let tol = if v[4] < 50_000.0 { 0.002 } else { 0.1 };
            assert!((fast - v[4]).abs() < tol, "{line}: fast {fast}");
            n += 1;
        }
        assert_eq!(n, 60);
    }
}
