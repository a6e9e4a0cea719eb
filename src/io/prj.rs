//! .prj reader (stub, being written).
