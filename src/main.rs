//! The `maillage` binary: parse, run, print the error chain once, exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = maillage::cli::vocabulary::normalize_args(std::env::args_os());
    let cli = match maillage::cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0, with clap's own
        // English words put in French.
        Err(e) if !e.use_stderr() => {
            print!("{}", maillage::cli::french_help(&e.render().to_string()));
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("{}", maillage::cli::usage_error(&e));
            return ExitCode::from(maillage::cli::EXIT_USAGE);
        }
    };
    match maillage::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // The chain joined the French way (anyhow's `{:#}` joins with ": ").
            let chain: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("erreur : {}", chain.join(" : "));
            ExitCode::from(maillage::cli::EXIT_ERROR)
        }
    }
}
