//! Reading and writing. Nothing here computes: readers turn files into
//! domain types with errors that name the file, the feature or line and the
//! field; writers put tables and layers on disk atomically.

pub mod csv_in;
pub mod export;
pub mod features;
pub mod geojson;
pub mod geojson_out;
pub mod geotiff;
pub mod gpkg;
pub mod layers;
pub mod manifest;
pub mod maps;
pub mod points;
pub mod prj;
pub mod reference;
pub mod shp;
pub mod tables;
pub mod territory;
pub mod write;
