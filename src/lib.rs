//! maillage: how well the Missions Locales cover their territory.
pub mod error;
pub mod geom;
pub mod io;
pub mod model;
pub mod warnings;

pub use error::{Error, Result};
pub mod index;
pub mod analysis;
pub mod progress;
pub mod cli;
