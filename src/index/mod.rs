//! R-tree indexes (rstar): sites for nearest and within-radius queries, and
//! polygons (communes, QPV) for point location.

pub mod network;
pub mod polygons;
pub mod sites;
pub mod transit;

pub use polygons::{LocateGrid, PolygonIndex};
pub use sites::{Nearest, SiteIndex};
