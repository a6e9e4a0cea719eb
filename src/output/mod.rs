//! Writing: the French CSV tables, the GeoPackage and GeoJSON layers, the
//! GeoTIFF and the manifest, each a pure function of the territory and the
//! typed results of the analyses; then every file staged and renamed into
//! place at once ([`write::Outputs`]). Maps and the page are drawn by
//! [`crate::render`] from the same results.

pub mod geojson;
pub mod geotiff;
pub mod gpkg;
pub mod layers;
pub mod manifest;
pub mod tables;
pub mod write;
