//! `maillage temps`: travel times on an OpenStreetMap road network, walking,
//! cycling or driving, from origins to destinations (issue 12). Needs no
//! commune layer: it reads only the two point files and the extracts.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use clap::{Args, ValueEnum};

use crate::analysis::measure::Measure;
use crate::analysis::transit::TransitParams;
use crate::analysis::travel::{many_to_many, nearest_destinations, Trip};
use crate::base::Meters;
use crate::base::TravelMode;
use crate::cli::args::{NetworkParams, TransitArgs};
use crate::cli::reseau::{files_text, open_network, open_transit};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::index::network::{Network, Snap, Speeds};
use crate::load::points::read_points_wgs84;
use crate::load::points::NamedPoints;
use crate::model::transit::Date;
use crate::output::write::{Cell, Outputs, Table};
use crate::warnings::Warnings;

const EXAMPLES: &str = "\
Exemples :
  maillage temps --origines jeunes.csv --destinations sites.csv \\
      --reseau nord-pas-de-calais-latest.osm.pbf --reseau picardie-latest.osm.pbf \\
      --mode velo --plus-proche --out resultats/
      le site le plus proche à vélo de chaque jeune, et le temps pour l'atteindre
  maillage temps --origines communes.csv --destinations sites.csv \\
      --reseau picardie-latest.osm.pbf --mode marche --max-min 45
      tous les couples commune–site à moins de 45 minutes à pied

Les fichiers de points ont les colonnes id, lon, lat (degrés WGS84).
Statut de sortie : 0 succès (avec d'éventuels avertissements) ; 1 erreur sur une
entrée ou une sortie ; 2 ligne de commande incorrecte.";

/// A travel mode on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    // The values are described in `--mode`'s help: clap would print per-value
    // doc comments under an English "Possible values:" heading.
    Marche,
    Velo,
    Voiture,
    Transport,
}

impl ModeArg {
    /// The road mode, or walking for transport (its access, transfers and
    /// egress are on foot).
    fn road(self) -> TravelMode {
        match self {
            ModeArg::Marche | ModeArg::Transport => TravelMode::Marche,
            ModeArg::Velo => TravelMode::Velo,
            ModeArg::Voiture => TravelMode::Voiture,
        }
    }
}

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
--snap-max-m du réseau n'est pas mesuré (avertissement qui le nomme). Seule la
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
    /// TravelMode de déplacement : marche, velo, voiture ou transport.
    ///
    /// marche : 4,5 km/h, toutes les voies sauf autoroutes et voies interdites
    /// aux piétons, sans sens unique. velo : 15 km/h, sans autoroutes ni voies
    /// express, sens uniques respectés (sauf double sens cyclable). voiture :
    /// routes ouvertes aux voitures, à la vitesse maximale autorisée (maxspeed,
    /// sinon une vitesse par type de route, voir le README), sens uniques
    /// respectés. transport : à pied et en transports en commun (--gtfs,
    /// --depart), médiane sur la fenêtre de départs, trajets de plus de
    /// --max-min (120 par défaut) hors d'atteinte.
    #[arg(long, value_enum)]
    pub mode: ModeArg,
    /// Une ligne par origine : la destination la plus rapide à atteindre
    /// (cellules vides si aucune n'est atteinte).
    ///
    /// Sans cette option, temps.csv a une ligne par couple origine–destination.
    /// À temps égal, la destination listée en premier l'emporte.
    #[arg(long)]
    pub plus_proche: bool,
    /// Temps maximal en minutes : les couples plus lointains ne sont pas écrits
    /// (avec --plus-proche : cellules vides).
    #[arg(long, value_name = "MIN")]
    pub max_min: Option<f64>,
    #[command(flatten)]
    pub params: NetworkParams,
    #[command(flatten)]
    pub transit: TransitArgs,
}

/// The checked arguments.
struct Plan {
    mode: TravelMode,
    /// Public transport settings, with `--mode transport`.
    transit: Option<(TransitParams, Date)>,
    speeds: Speeds,
    max_ms: Option<u64>,
    snap_max: Meters,
}

fn plan(args: &TempsArgs, data: &DataArgs) -> anyhow::Result<Plan> {
    let given = data.given_layers();
    if !given.is_empty() {
        bail!(
            "maillage temps n'utilise pas {} : donnez les points avec --origines et --destinations",
            given.join(", ")
        );
    }
    let positive = |name: &str, v: f64| -> anyhow::Result<f64> {
        if !v.is_finite() || v <= 0.0 {
            bail!("{name} : {v} ; il faut un nombre positif");
        }
        Ok(v)
    };
    let speeds = args.params.speeds();
    let max_ms = args
        .max_min
        .map(|m| positive("--max-min", m).map(|m| (m * 60_000.0).round() as u64))
        .transpose()?;
    let t = &args.transit;
    let transit = if args.mode == ModeArg::Transport {
        Some(t.plan(args.max_min, args.params.snap_max_m)?)
    } else {
        t.refuse_without_transport(&[])?;
        None
    };
    Ok(Plan {
        mode: args.mode.road(),
        transit,
        speeds,
        max_ms,
        snap_max: args.params.snap_max_m,
    })
}

/// Snaps every point, warning once per point too far from the network.
fn snap_all(
    net: &Network,
    path: &Path,
    pts: &NamedPoints,
    plan: &Plan,
    warnings: &mut Warnings,
) -> Vec<Option<Snap>> {
    let snaps = net.snap_all(&pts.points, plan.snap_max);
    for (i, s) in snaps.iter().enumerate() {
        if s.is_none() {
            warnings.add(
                path,
                format!(
                    "point à plus de {} m du réseau ({}) : non mesuré",
                    plan.snap_max.0, plan.mode
                ),
                format!("ligne {} ({})", pts.lines[i], pts.ids[i]),
            );
        }
    }
    snaps
}

fn row(origin: &str, destination: Option<&str>, trip: Option<&Trip>) -> Vec<Cell> {
    vec![
        Cell::Text(origin.to_string()),
        destination.map_or(Cell::Empty, |d| Cell::Text(d.to_string())),
        trip.map_or(Cell::Empty, |t| Cell::Float(t.minutes(), 2)),
        trip.map_or(Cell::Empty, |t| Cell::Float(t.km(), 3)),
    ]
}

pub fn run(args: &TempsArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = plan(args, data)?;
    ctx.progress.step("lecture des points");
    let origins = read_points_wgs84(&args.origines, &mut ctx.warnings)?;
    let dests = read_points_wgs84(&args.destinations, &mut ctx.warnings)?;
    let net = open_network(&args.reseau, plan.mode, plan.speeds, ctx)?;
    if let Some((params, date)) = plan.transit {
        return run_transit(args, net, params, date, &origins, &dests, ctx);
    }
    let files = files_text(&args.reseau);
    ctx.progress.step("rattachement au réseau");
    let o_snap = snap_all(&net, &args.origines, &origins, &plan, &mut ctx.warnings);
    let d_snap = snap_all(&net, &args.destinations, &dests, &plan, &mut ctx.warnings);
    if dests.ids.is_empty() {
        bail!(
            "{} : aucune destination dans le fichier",
            args.destinations.display()
        );
    }
    if d_snap.iter().all(Option::is_none) {
        bail!(
            "{} : aucune destination à moins de {} m du réseau ({files})",
            args.destinations.display(),
            plan.snap_max.0
        );
    }
    ctx.progress.step("temps de parcours");
    let mut table = Table::new(&["origine", "destination", "temps_min", "distance_reseau_km"]);
    if args.plus_proche {
        let field = nearest_destinations(&net, &d_snap, plan.max_ms);
        for (i, s) in o_snap.iter().enumerate() {
            let trip = s.as_ref().and_then(|s| field.trip(s, plan.max_ms));
            if s.is_some() && trip.is_none() {
                ctx.warnings.add(
                    &args.origines,
                    format!(
                        "aucune destination à moins de {} min ({}) : cellules vides",
                        args.max_min.unwrap_or(f64::INFINITY),
                        plan.mode
                    ),
                    format!("ligne {} ({})", origins.lines[i], origins.ids[i]),
                );
            }
            table.push(row(
                &origins.ids[i],
                trip.as_ref().map(|t| dests.ids[t.destination].as_str()),
                trip.as_ref(),
            ));
        }
    } else {
        let all = many_to_many(&net, &o_snap, &d_snap, plan.max_ms);
        for (i, trips) in all.iter().enumerate() {
            for t in trips {
                table.push(row(
                    &origins.ids[i],
                    Some(&dests.ids[t.destination]),
                    Some(t),
                ));
            }
        }
    }
    write_temps(&table, ctx)
}

/// `maillage temps --mode transport`: the times by public transport and
/// walking ([`crate::analysis::transit`]) from every origin.
fn run_transit(
    args: &TempsArgs,
    walk: Network,
    params: TransitParams,
    date: Date,
    origins: &NamedPoints,
    dests: &NamedPoints,
    ctx: &mut Context,
) -> anyhow::Result<u8> {
    if dests.ids.is_empty() {
        bail!(
            "{} : aucune destination dans le fichier",
            args.destinations.display()
        );
    }
    let (transit, _) = open_transit(walk, &args.transit.gtfs, date, params, ctx)?;
    ctx.progress.step("temps de parcours");
    let lost = |path: &Path, pts: &NamedPoints, i: usize, warnings: &mut Warnings| {
        warnings.add(
            path,
            format!(
                "point à plus de {} m du réseau piéton : non mesuré",
                params.snap_max.0
            ),
            format!("ligne {} ({})", pts.lines[i], pts.ids[i]),
        );
    };
    let minutes = |m: f64| Cell::Float(m, 2);
    let mut table = Table::new(&["origine", "destination", "temps_min", "distance_reseau_km"]);
    if args.plus_proche {
        // One walking search from all the destinations, then the transit
        // medians per origin (see `Measure::Transit`).
        let field = Measure::Transit(&transit).towards(&dests.points);
        for &j in field.unsnapped_sites() {
            lost(&args.destinations, dests, j, &mut ctx.warnings);
        }
        let nearest = field.nearest(&origins.points);
        let mut measured = vec![true; origins.ids.len()];
        for &i in &nearest.unsnapped {
            measured[i] = false;
            lost(&args.origines, origins, i, &mut ctx.warnings);
        }
        for (i, c) in nearest.costs.iter().enumerate() {
            if c.is_none() && measured[i] {
                ctx.warnings.add(
                    &args.origines,
                    format!(
                        "aucune destination à moins de {} min (transport) : cellules vides",
                        f64::from(params.max_s) / 60.0
                    ),
                    format!("ligne {} ({})", origins.lines[i], origins.ids[i]),
                );
            }
            table.push(vec![
                Cell::Text(origins.ids[i].clone()),
                c.map_or(Cell::Empty, |c| Cell::Text(dests.ids[c.site].clone())),
                c.map_or(Cell::Empty, |c| minutes(c.value)),
                Cell::Empty,
            ]);
        }
    } else {
        let egress = transit.egress(&dests.points);
        for (j, s) in egress.snaps.iter().enumerate() {
            if s.is_none() {
                lost(&args.destinations, dests, j, &mut ctx.warnings);
            }
        }
        let matrix = transit.matrix(&origins.points, &egress);
        for (i, times) in matrix.iter().enumerate() {
            let Some(times) = times else {
                lost(&args.origines, origins, i, &mut ctx.warnings);
                continue;
            };
            for (j, t) in times.iter().enumerate() {
                if let Some(t) = t {
                    table.push(vec![
                        Cell::Text(origins.ids[i].clone()),
                        Cell::Text(dests.ids[j].clone()),
                        minutes(*t as f64 / 60_000.0),
                        Cell::Empty,
                    ]);
                }
            }
        }
    }
    write_temps(&table, ctx)
}

/// Writes `temps.csv`.
fn write_temps(table: &Table, ctx: &mut Context) -> anyhow::Result<u8> {
    let mut outputs = Outputs::new();
    outputs.add_table("temps.csv", table, ctx.csv);
    ctx.write(&outputs)
        .with_context(|| format!("écriture de temps.csv dans {}", ctx.out.display()))?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let p = parse(&["--max-min", "30"]).unwrap();
        assert_eq!(p.mode, TravelMode::Velo);
        assert_eq!(p.max_ms, Some(1_800_000));
        assert_eq!(p.snap_max, Meters(1000.0));
        assert_eq!(p.speeds, Speeds::default());
        for (flag, value) in [
            ("--max-min", "0"),
            ("--vitesse-velo-kmh", "-3"),
            ("--vitesse-marche-kmh", "inf"),
            ("--snap-max-m", "-1"),
        ] {
            let arg = format!("{flag}={value}");
            let e = parse(&[&arg]).err().expect("refused").to_string();
            assert!(e.contains(flag) && e.contains("positi"), "{e}");
        }
        let e = parse(&["--communes", "c.geojson"])
            .err()
            .expect("refused")
            .to_string();
        assert!(e.contains("n'utilise pas --communes"), "{e}");
    }
}
