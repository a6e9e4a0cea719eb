//! `maillage temps`: travel times on an OpenStreetMap road network, walking,
//! cycling or driving, or by public transport, from origins to
//! destinations. Needs no commune layer: it reads only the two point files
//! and the extracts.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;

use crate::base::Minutes;
use crate::base::TravelMode;
use crate::cli::args::{folded, parse_minutes, NetworkParams, TransitArgs};
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::temps::{self, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage temps --origines jeunes.csv --destinations sites.csv \\
      --reseau nord-pas-de-calais-latest.osm.pbf --reseau picardie-latest.osm.pbf \\
      --mode velo --plus-proche --out resultats/
      le site le plus proche à vélo de chaque jeune, et le temps pour l'atteindre
  maillage temps --origines communes.csv --destinations sites.csv \\
      --reseau picardie-latest.osm.pbf --mode marche --trajet-max-min 45
      tous les couples commune–site à moins de 45 minutes à pied

Les fichiers de points ont les colonnes id, lon, lat (degrés WGS84).
Statut de sortie : 0 succès (avec d'éventuels avertissements) ; 1 erreur sur une
entrée ou une sortie ; 2 ligne de commande incorrecte.";

/// The long help of `maillage temps` (the subcommand's doc comment gives
/// the short one).
pub const LONG_ABOUT: &str = "\
Temps de parcours sur un réseau routier OpenStreetMap (.osm.pbf), à pied, à vélo
ou en voiture, ou en transports en commun (--mode transport : horaires GTFS de
--gtfs, marche sur le réseau de --reseau), des origines vers les destinations.
Écrit temps.csv (colonnes origine, destination, temps_min, distance_reseau_km ;
la distance reste vide en transports en commun). Aucune couche de communes
n'est lue.

Chaque point est rattaché au nœud du réseau le plus proche, trajet compté à vol
d'oiseau à la vitesse de marche (de vélo en mode velo) ; un point à plus de
--rattachement-max-m du réseau n'est pas mesuré (avertissement qui le nomme). Seule la
plus grande composante (fortement) connexe du réseau est gardée. La distance
est la longueur du trajet le plus rapide, rattachements compris.";

/// The arguments of `maillage temps` (help texts in French: they are the
/// `--help`).
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct TempsArgs {
    /// Origines : CSV id, lon, lat (degrés WGS84).
    #[arg(long, value_name = "FICHIER.csv")]
    pub origines: PathBuf,
    /// Destinations : CSV id, lon, lat (degrés WGS84).
    #[arg(long, value_name = "FICHIER.csv")]
    pub destinations: PathBuf,
    /// Extrait OpenStreetMap .osm.pbf ; répéter l'option pour en fusionner
    /// plusieurs. Ou un réseau préparé par maillage reseau, seul.
    #[arg(long, value_name = "FICHIER.osm.pbf", required = true)]
    pub reseau: Vec<PathBuf>,
    /// Mode de déplacement : marche, velo, voiture ou transport.
    ///
    /// marche : 4,5 km/h, toutes les voies sauf autoroutes et voies interdites
    /// aux piétons, sans sens unique. velo : 15 km/h, sans autoroutes ni voies
    /// express, sens uniques respectés (sauf double sens cyclable). voiture :
    /// routes ouvertes aux voitures, à la vitesse maximale autorisée (maxspeed,
    /// sinon une vitesse par type de route, voir docs/methodes.md), sens uniques
    /// respectés. transport : à pied et en transports en commun (--gtfs,
    /// --depart), médiane sur la fenêtre de départs, trajets de plus de
    /// --trajet-max-min (120 par défaut) hors d'atteinte.
    #[arg(long, value_name = "MODE", value_parser = folded::<TravelMode>())]
    pub mode: TravelMode,
    /// Une ligne par origine : la destination la plus rapide à atteindre
    /// (cellules vides si aucune n'est atteinte).
    ///
    /// Sans cette option, temps.csv a une ligne par couple origine–destination.
    /// À temps égal, la destination listée en premier l'emporte.
    #[arg(long)]
    pub plus_proche: bool,
    /// Temps maximal en minutes : les couples plus lointains ne sont pas écrits
    /// (avec --plus-proche : cellules vides).
    #[arg(long = "trajet-max-min", alias = "max-min", value_name = "MIN", value_parser = parse_minutes)]
    pub max_min: Option<Minutes>,
    #[command(flatten)]
    pub params: NetworkParams,
    #[command(flatten)]
    pub transit: TransitArgs,
}

/// The checked plan.
fn plan(args: &TempsArgs, data: &DataArgs) -> anyhow::Result<Plan> {
    let given = data.paths().given_layers();
    if !given.is_empty() {
        bail!(
            "maillage temps n'utilise pas {} : donnez les points avec --origines et --destinations",
            given.join(", ")
        );
    }
    let speeds = args.params.speeds();
    let max_min = args.max_min.map(|m| m.0);
    let max_ms = max_min.map(|m| (m * 60_000.0).round() as u64);
    let t = &args.transit;
    let transit = if args.mode == TravelMode::Transport {
        Some(t.plan(max_min, args.params.snap_max_m)?)
    } else {
        t.refuse_without_transport(&[])?;
        None
    };
    Ok(Plan {
        origines: args.origines.clone(),
        destinations: args.destinations.clone(),
        reseau: args.reseau.clone(),
        mode: args.mode,
        transit,
        speeds,
        max_min,
        max_ms,
        snap_max: args.params.snap_max_m,
        plus_proche: args.plus_proche,
    })
}

pub fn run(args: &TempsArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = plan(args, data)?;
    let outputs = temps::run(&plan, ctx)?;
    ctx.write(&outputs)
        .with_context(|| format!("écriture de temps.csv dans {}", ctx.out.display()))?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Meters;
    use crate::index::network::Speeds;
    use clap::Parser;

    fn parse(extra: &[&str]) -> anyhow::Result<Plan> {
        let mut argv = vec![
            "maillage",
            "temps",
            "--origines",
            "o.csv",
            "--destinations",
            "d.csv",
            "--reseau",
            "r.osm.pbf",
            "--mode",
            "velo",
        ];
        argv.extend_from_slice(extra);
        let cli = crate::cli::Cli::try_parse_from(argv)?;
        match &cli.command {
            crate::cli::Command::Temps(a) => plan(a, &cli.global.data),
            _ => unreachable!(),
        }
    }

    #[test]
    fn network_temps_arguments_are_checked() {
        let p = parse(&["--trajet-max-min", "30"]).unwrap();
        assert_eq!(p.mode, TravelMode::Velo);
        assert_eq!(p.max_ms, Some(1_800_000));
        assert_eq!(p.snap_max, Meters(1000.0));
        assert_eq!(p.speeds, Speeds::default());
        for (flag, value) in [
            ("--trajet-max-min", "0"),
            ("--vitesse-velo-kmh", "-3"),
            ("--vitesse-marche-kmh", "inf"),
            ("--rattachement-max-m", "-1"),
        ] {
            let arg = format!("{flag}={value}");
            let e = parse(&[&arg]).expect_err("refused").to_string();
            assert!(e.contains(flag) && e.contains("positi"), "{e}");
        }
        let e = parse(&["--communes", "c.geojson"])
            .expect_err("refused")
            .to_string();
        assert!(e.contains("n'utilise pas --communes"), "{e}");
    }
}
