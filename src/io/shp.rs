//! Shapefile reader (stub, being written).
