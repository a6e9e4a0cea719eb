//! Reading: every input format (GeoJSON, Shapefile with its `.prj` and
//! `.dbf`, CSV, Excel workbooks, point files, the reports' reference figures, GTFS feeds),
//! decoding and validation into the domain types of [`crate::model`]. Errors name the
//! file, the feature or line and the field; recoverable problems are counted
//! in [`crate::warnings::Warnings`]. Nothing here computes or writes.

pub mod basins;
pub mod census;
pub mod changes;
pub mod csv_in;
pub mod features;
pub mod geojson;
pub mod gtfs;
pub mod layers;
pub mod osm;
pub mod points;
pub mod points_stream;
pub mod prepared;
pub mod prj;
pub mod reference;
pub mod shp;
pub mod territory;
pub mod xlsx_in;
