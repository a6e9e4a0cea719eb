//! Coordinates.
//!
//! Inside the library, positions are WGS84 longitude/latitude in degrees
//! ([`LonLat`]; RGF93 and WGS84 agree to well under a metre) for storage and
//! geodesic distances, and plane metres ([`L93`]: Lambert-93, EPSG:2154, or
//! the territory's own plane, see [`crate::base::frame`]) for indexes, grids
//! and maps. Conversion happens once, at load time or when an index is built.

/// WGS84 longitude and latitude, in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub const fn new(lon: f64, lat: f64) -> Self {
        LonLat { lon, lat }
    }
}

/// Plane easting and northing in metres: Lambert-93 (EPSG:2154) in
/// metropolitan France, the territory's own conic elsewhere.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct L93 {
    pub x: f64,
    pub y: f64,
}
