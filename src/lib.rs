//! maillage: how well the Missions Locales cover their territory.
pub mod error;
pub mod geom;
pub mod io;
pub mod model;
pub mod warnings;

pub use error::{Error, Result};
pub mod analysis;
pub mod cli;
pub mod index;
pub mod progress;
