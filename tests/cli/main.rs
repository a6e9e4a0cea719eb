//! One integration-test binary: one module per subcommand.

#![allow(clippy::unwrap_used)]

mod util;

mod check_data;
mod help;
mod report;
