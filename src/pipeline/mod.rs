//! Each command's work, from a checked plan to the files it writes: load the
//! territory, open the network the plan asks for, run the analyses of
//! [`crate::analysis`], and build the outputs of [`crate::output`] and
//! [`crate::render`]. A command of [`crate::cli`] turns its arguments into
//! the plan of its module here (typed units, no clap type) and makes one
//! call: `pipeline::<command>::run(&plan, &mut ctx)`, then writes what it
//! returns with [`Context::write`].
//!
//! [`Context`] carries what every run shares: where and how outputs are
//! written, the progress display and the warnings.
//!
//! To add a command: a plan and a `run` here, built from the analyses'
//! functions, returning [`Outputs`]; then its clap arguments in
//! `cli/<command>.rs` (copy `cli/couverture.rs`), and one line in
//! `cli::Command`.

use std::path::PathBuf;

use crate::analysis::results::Results;
use crate::load::territory::{load_territory, DataPaths};
use crate::model::Territory;
use crate::output::write::{CsvStyle, Outputs};
use crate::output::{add_tables, TableOptions};
use crate::progress::{Progress, Verbosity};
use crate::warnings::Warnings;

pub mod basins;
pub mod check_data;
pub mod coverage;
pub mod distance;
pub mod hotspots;
pub mod map;
pub mod network;
pub mod placement;
pub mod report;
pub mod scenario;
pub mod temps;

/// What every command needs once the arguments are checked.
pub struct Context {
    /// The folder of the outputs.
    pub out: PathBuf,
    pub csv: CsvStyle,
    pub verbosity: Verbosity,
    pub progress: Progress,
    pub warnings: Warnings,
}

impl Context {
    pub fn new(out: PathBuf, csv: CsvStyle, verbosity: Verbosity) -> Self {
        Context {
            out,
            csv,
            verbosity,
            progress: Progress::new(verbosity),
            warnings: Warnings::new(),
        }
    }

    /// Loads the territory from the data paths.
    pub fn load(&mut self, data: &DataPaths) -> anyhow::Result<Territory> {
        self.progress.step("chargement des données");
        let t = load_territory(data, &mut self.warnings)?;
        Ok(t)
    }

    /// The tables of `r` (see [`crate::output::add_tables`]).
    pub fn tables(&self, t: &Territory, r: &Results, access_costs: bool) -> Outputs {
        let mut outputs = Outputs::new();
        add_tables(t, r, self.table_options(access_costs), &mut outputs);
        outputs
    }

    /// How this run writes its tables.
    pub fn table_options(&self, access_costs: bool) -> TableOptions {
        TableOptions {
            csv: self.csv,
            access_costs,
        }
    }

    /// Writes every output (atomically, each file complete or absent) and
    /// lists what was written.
    pub fn write(&mut self, outputs: &Outputs) -> anyhow::Result<()> {
        self.progress.step("écriture");
        let written = outputs.write_all(&self.out)?;
        self.progress.finish();
        self.progress.say(&format!(
            "{} écrit{} dans {} :",
            match written.len() {
                1 => "1 fichier".to_string(),
                n => format!("{n} fichiers"),
            },
            if written.len() == 1 { "" } else { "s" },
            self.out.display()
        ));
        for p in written {
            self.progress.say(&format!(
                "  {}",
                p.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().to_string())
            ));
        }
        Ok(())
    }

    /// Prints the warnings summary (always, even with --quiet: nothing is
    /// dropped silently) and finishes the progress display.
    pub fn finish(&mut self) {
        self.progress.finish();
        if !self.warnings.is_empty() {
            eprintln!("avertissements ({}) :", self.warnings.total());
            for l in self.warnings.lines() {
                eprintln!("  {l}");
            }
        }
    }
}
