//! Distances and shapes: geodesic distances on the WGS84 ellipsoid (Karney,
//! and a fast Lambert-93 form within millimetres of it) and small polygon
//! helpers. The projections are in [`crate::base`].

pub mod fast;
pub mod geodesic;

pub use geodesic::distance;

use crate::base::lambert::LAMBERT_93;
use crate::base::LonLat;

/// A point inside a polygon given in WGS84 longitude/latitude: geo's
/// [`geo::InteriorPoint`] (the middle of the widest stretch of the polygon
/// along a horizontal line through the middle of its bounding box),
/// computed on the polygon projected to Lambert-93 and brought back to
/// WGS84.
///
/// Always in Lambert-93, whatever the coordinates the file came in: the
/// widest stretch along a parallel of latitude and along a Lambert-93
/// horizontal are not the same, so a GeoJSON and a Lambert-93 shapefile of
/// the same commune would otherwise give points hundreds of metres apart.
/// `scripts/rebuild-geodata` computes the same point for
/// `geodata/communes.geojson`.
///
/// ```
/// use geo::{polygon, Contains, MultiPolygon, Point};
/// let square = MultiPolygon(vec![polygon![
///     (x: 1.99, y: 48.99), (x: 2.01, y: 48.99), (x: 2.01, y: 49.01), (x: 1.99, y: 49.01)
/// ]]);
/// let p = maillage::geom::interior_point(&square).unwrap();
/// assert!(square.contains(&Point::new(p.lon, p.lat)));
/// assert!((p.lon - 2.0).abs() < 1e-3 && (p.lat - 49.0).abs() < 1e-3);
/// ```
pub fn interior_point(geometry: &geo::MultiPolygon<f64>) -> Option<LonLat> {
    use geo::{InteriorPoint, MapCoords};
    let projected = geometry.map_coords(|c| {
        let q = LAMBERT_93.project(LonLat::new(c.x, c.y));
        geo::Coord { x: q.x, y: q.y }
    });
    let p = projected.interior_point()?;
    Some(LAMBERT_93.unproject(crate::base::L93 { x: p.x(), y: p.y() }))
}
