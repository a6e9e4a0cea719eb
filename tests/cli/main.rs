//! One integration-test binary: one module per subcommand.

#![allow(clippy::unwrap_used)]

mod util;

mod architecture;
mod bad_inputs;
mod basins;
mod census;
mod check_data;
mod coverage;
mod distance;
mod docs;
mod figures;
mod golden;
mod help;
mod hotspots;
mod html;
mod injection;
mod layers;
mod maps;
mod network_analyses;
mod placement;
mod points_stream;
mod report;
mod scenario;
mod scope;
mod sites;
mod temps;
mod transit;
mod xlsx;
