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
use crate::base::text::{fold, suggest};
use crate::load::territory::{load_territory, DataPaths};
use crate::model::{departement_name, did_you_mean, Scope, Territory};
use crate::output::write::{CsvStyle, Outputs};
use crate::output::{add_tables, TableOptions};
use crate::progress::{Progress, Verbosity};
use crate::warnings::Warnings;

pub mod basins;
pub mod check_data;
pub mod coverage;
pub mod distance;
pub mod hotspots;
pub mod lists;
pub mod map;
pub mod network;
pub mod placement;
pub mod report;
pub mod scenario;
pub mod temps;

/// The part of the territory a run is about, as typed (`--ml`,
/// `--departement`, `--epci`); resolved once the data are loaded. The
/// analyses still measure every commune against every site (a site across
/// the border still serves), and the outputs hold the perimeter's rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ScopeChoice {
    #[default]
    Territory,
    /// A Mission Locale by code, name, part of its name or seat town.
    Ml(String),
    /// A département by code or name.
    Departement(String),
    /// An EPCI by SIREN or name.
    Epci(String),
}

impl ScopeChoice {
    /// The scope this names in `t`, or an error naming the option, with at
    /// most three suggestions for a name that matches nothing.
    pub fn resolve(&self, t: &Territory) -> anyhow::Result<Scope> {
        Ok(match self {
            ScopeChoice::Territory => Scope::Region,
            ScopeChoice::Ml(ml) => Scope::Ml(crate::model::resolve_ml(t, ml, "--ml")?),
            ScopeChoice::Departement(d) => {
                let mut known: Vec<&str> =
                    t.communes.iter().map(|c| c.departement.as_str()).collect();
                known.sort_unstable();
                known.dedup();
                let typed = d.trim();
                let wanted = fold(typed);
                let found = known.iter().find(|&&k| {
                    k.eq_ignore_ascii_case(typed)
                        || k == format!("{typed:0>2}")
                        || fold(departement_name(k)) == wanted
                });
                match found {
                    Some(k) => Scope::Departement(k.to_string()),
                    None => {
                        let names: Vec<Vec<String>> = known
                            .iter()
                            .map(|k| vec![k.to_string(), departement_name(k).to_string()])
                            .collect();
                        let near: Vec<String> = suggest(typed, &names, 3)
                            .into_iter()
                            .map(|k| format!("{} ({})", departement_name(known[k]), known[k]))
                            .collect();
                        anyhow::bail!(
                            "--departement {typed} : aucune commune de ce département dans les \
                             données{}",
                            did_you_mean(&near)
                        )
                    }
                }
            }
            ScopeChoice::Epci(e) => {
                let mut epci: Vec<(&str, &str)> = t
                    .communes
                    .iter()
                    .filter_map(|c| {
                        Some((
                            c.epci_siren.as_deref()?,
                            c.epci_nom.as_deref().unwrap_or(""),
                        ))
                    })
                    .collect();
                epci.sort_unstable();
                epci.dedup_by(|a, b| a.0 == b.0);
                let typed = e.trim();
                let wanted = fold(typed);
                let found: Vec<&(&str, &str)> = epci
                    .iter()
                    .filter(|(siren, nom)| *siren == typed || fold(nom) == wanted)
                    .collect();
                let found = if found.is_empty() && !wanted.is_empty() {
                    epci.iter()
                        .filter(|(_, nom)| {
                            format!(" {} ", fold(nom)).contains(&format!(" {wanted} "))
                        })
                        .collect()
                } else {
                    found
                };
                match found.as_slice() {
                    [(siren, _)] => Scope::Epci(siren.to_string()),
                    [] => {
                        let names: Vec<Vec<&str>> =
                            epci.iter().map(|(s, n)| vec![*s, *n]).collect();
                        let near: Vec<String> = suggest(typed, &names, 3)
                            .into_iter()
                            .map(|k| format!("{} ({})", epci[k].1, epci[k].0))
                            .collect();
                        anyhow::bail!(
                            "--epci {typed} : aucun EPCI des communes n'a ce SIREN ou ce nom{}",
                            did_you_mean(&near)
                        )
                    }
                    several => anyhow::bail!(
                        "--epci {typed} : plusieurs EPCI répondent à ce nom, donnez le SIREN : {}",
                        several
                            .iter()
                            .map(|(s, n)| format!("{n} ({s})"))
                            .collect::<Vec<_>>()
                            .join(" ; ")
                    ),
                }
            }
        })
    }
}

/// The start of most runs: the territory loaded, the run's perimeter
/// resolved, its network opened and the basics measured (progress step
/// `step`), the perimeter set in the results.
pub fn start(
    ctx: &mut Context,
    data: &DataPaths,
    scope: &ScopeChoice,
    network: &network::NetworkPlan,
    step: &str,
) -> anyhow::Result<(Territory, network::RunNetwork, Results)> {
    let t = ctx.load(data)?;
    let scope = scope.resolve(&t)?;
    let net = network::RunNetwork::open(network, ctx)?;
    ctx.progress.step(step);
    let r = net.results(&t, &scope, ctx)?;
    Ok((t, net, r))
}

/// What every command needs once the arguments are checked.
pub struct Context {
    /// The folder of the outputs.
    pub out: PathBuf,
    pub csv: CsvStyle,
    pub verbosity: Verbosity,
    pub progress: Progress,
    pub warnings: Warnings,
    /// The sources line of the data loaded ([`DataPaths::sources_line`]).
    pub sources: String,
}

impl Context {
    pub fn new(out: PathBuf, csv: CsvStyle, verbosity: Verbosity) -> Self {
        Context {
            out,
            csv,
            verbosity,
            progress: Progress::new(verbosity),
            warnings: Warnings::new(),
            sources: String::new(),
        }
    }

    /// Loads the territory from the data paths.
    pub fn load(&mut self, data: &DataPaths) -> anyhow::Result<Territory> {
        self.progress.step("chargement des données");
        let t = load_territory(data, &mut self.warnings)?;
        self.sources = data.sources_line(&t.frame);
        Ok(t)
    }

    /// The tables of `r` and their workbook (see
    /// [`crate::output::add_tables`]).
    pub fn tables(
        &self,
        t: &Territory,
        r: &Results,
        access_costs: bool,
    ) -> anyhow::Result<Outputs> {
        let mut outputs = Outputs::new();
        add_tables(t, r, self.table_options(access_costs), &mut outputs)?;
        Ok(outputs)
    }

    /// How this run writes its tables.
    pub fn table_options(&self, access_costs: bool) -> TableOptions {
        TableOptions {
            csv: self.csv,
            access_costs,
            sources: self.sources.clone(),
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
