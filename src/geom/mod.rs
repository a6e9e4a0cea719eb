//! Coordinates and distances: the Lambert conformal conic projection
//! (Lambert-93 and the other French zones), geodesic distances on the WGS84
//! ellipsoid, and small polygon helpers.

pub mod fast;
pub mod geodesic;
pub mod lambert;

pub use geodesic::distance;
pub use lambert::{LambertConic, LAMBERT_93};
