//! Pure computations on a [`crate::model::Territory`]: they take domain types
//! and return values, never touch files, the terminal or the environment.

pub mod access;
pub mod adjacency;
pub mod basics;
pub mod basins;
pub mod check;
pub mod coverage;
pub mod curves;
pub mod distance;
pub mod grid;
pub mod hotspots;
pub mod measure;
pub mod placement;
pub mod results;
pub mod scenario;
pub mod stats;
pub mod summary;
pub mod transit;
pub mod travel;
pub mod whatif;
