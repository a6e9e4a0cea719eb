//! The `maillage` binary: parse, run, print the error chain once, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = maillage::cli::Cli::parse();
    match maillage::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("erreur : {e:#}");
            ExitCode::from(maillage::cli::EXIT_ERROR)
        }
    }
}
