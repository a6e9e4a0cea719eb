//! Reading and writing. Nothing here computes: readers turn files into
//! domain types with errors that name the file, the feature or line and the
//! field; writers put tables and layers on disk atomically.

pub mod csv_in;
pub mod features;
pub mod geojson;
pub mod prj;
pub mod shp;
