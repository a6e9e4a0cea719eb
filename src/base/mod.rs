//! The basics every other module builds on, importing nothing of the crate:
//! units ([`Meters`], [`Km`], [`Minutes`], the run's [`Unit`] and a typed
//! [`Cost`]), coordinates ([`LonLat`], [`L93`]), the Lambert conformal
//! conic projection and the plane a territory is measured in
//! ([`frame::Frame`], [`frame::Window`]), the one [`TravelMode`] type,
//! French number text ([`french`]) and the folding of names that people
//! type ([`text`]).
//!
//! Everything here is pure: no file, no terminal, no thread.

pub mod coords;
pub mod frame;
pub mod french;
pub mod lambert;
pub mod mode;
pub mod text;
pub mod units;

pub use coords::{LonLat, L93};
pub use mode::TravelMode;
pub use units::{Cost, Km, Meters, Minutes, Share, Unit};
