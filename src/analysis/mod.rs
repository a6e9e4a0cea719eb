//! Pure computations on a [`crate::model::Territory`]: they take domain types
//! and return values, never touch files, the terminal or the environment.

pub mod check;
pub mod distance;
pub mod youth;
