//! `maillage reseau`: reads OpenStreetMap extracts once and writes the
//! graphs of the three modes to a prepared file
//! ([`crate::index::network::format`]) that `--reseau` reads instead of the
//! extracts.

use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;

use crate::cli::args::SpeedArgs;
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::{network, Context};

const EXAMPLES: &str = "\
Exemples :
  maillage reseau --osm nord-pas-de-calais-latest.osm.pbf --osm picardie-latest.osm.pbf \\
      --out hauts-de-france.reseau
      prépare une fois les réseaux marche, vélo et voiture de la région
  maillage temps --origines jeunes.csv --destinations sites.csv \\
      --reseau hauts-de-france.reseau --mode velo --plus-proche
      puis les temps de parcours sans relire les extraits

Sans --out, le fichier reseau.maillage est écrit dans le dossier outputs/ ; si
--out désigne un dossier existant, reseau.maillage y est écrit.
Statut de sortie : 0 succès ; 1 erreur sur une entrée ou une sortie ; 2 ligne
de commande incorrecte.";

/// Prépare les réseaux marche, vélo et voiture d'extraits OpenStreetMap dans un
/// fichier que `maillage temps --reseau` lit à la place des extraits.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct ReseauArgs {
    /// Extrait OpenStreetMap .osm.pbf ; répéter l'option pour en fusionner plusieurs.
    #[arg(long, value_name = "FICHIER.osm.pbf", required = true)]
    pub osm: Vec<PathBuf>,
    /// Les vitesses, enregistrées dans le fichier.
    #[command(flatten)]
    pub speeds: SpeedArgs,
}

/// The file `--out` names (see the examples' note).
fn target(out: &Path) -> PathBuf {
    if out.is_dir() || out == Path::new("outputs") {
        out.join("reseau.maillage")
    } else {
        out.to_path_buf()
    }
}

pub fn run(args: &ReseauArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    if !data.paths().given_layers().is_empty() {
        bail!("maillage reseau ne lit que les extraits OpenStreetMap donnés par --osm");
    }
    network::prepare(&args.osm, args.speeds.speeds(), &target(&ctx.out), ctx)?;
    Ok(EXIT_OK)
}
