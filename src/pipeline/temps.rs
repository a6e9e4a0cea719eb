//! `maillage temps`: travel times on an OpenStreetMap road network,
//! walking, cycling or driving, or by public transport, from origins to
//! destinations. Needs no commune layer: it reads only the two point files,
//! the extracts and the feeds.

use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::analysis::measure::Measure;
use crate::analysis::transit::TransitParams;
use crate::analysis::travel::{many_to_many, nearest_destinations, Trip};
use crate::base::{Meters, TravelMode};
use crate::index::network::{Network, Snap, Speeds};
use crate::load::points::{read_points_wgs84, NamedPoints};
use crate::model::transit::Date;
use crate::output::write::{Cell, Outputs, Table};
use crate::pipeline::network::{files_text, open_network, open_transit, TransitPlan};
use crate::pipeline::Context;
use crate::warnings::Warnings;

/// A `maillage temps` run.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The origins and destinations: `id, lon, lat` files.
    pub origines: PathBuf,
    pub destinations: PathBuf,
    /// The extracts, or one prepared network.
    pub reseau: Vec<PathBuf>,
    pub mode: TravelMode,
    /// Public transport settings, with [`TravelMode::Transport`].
    pub transit: Option<TransitPlan>,
    pub speeds: Speeds,
    /// The longest trip written, in minutes and milliseconds.
    pub max_min: Option<f64>,
    pub max_ms: Option<u64>,
    pub snap_max: Meters,
    /// One row per origin: its nearest destination.
    pub plus_proche: bool,
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

pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let args = plan;
    ctx.progress.step("lecture des points");
    let origins = read_points_wgs84(&args.origines, &mut ctx.warnings)?;
    let dests = read_points_wgs84(&args.destinations, &mut ctx.warnings)?;
    let net = open_network(&args.reseau, plan.mode.street(), plan.speeds, ctx)?;
    if let Some(tr) = &plan.transit {
        return run_transit(args, net, tr.params, tr.date, &origins, &dests, ctx);
    }
    let files = files_text(&args.reseau);
    ctx.progress.step("rattachement au réseau");
    let o_snap = snap_all(&net, &args.origines, &origins, plan, &mut ctx.warnings);
    let d_snap = snap_all(&net, &args.destinations, &dests, plan, &mut ctx.warnings);
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
    Ok(temps_table(&table, ctx))
}

/// `maillage temps --mode transport`: the times by public transport and
/// walking ([`crate::analysis::transit`]) from every origin.
fn run_transit(
    args: &Plan,
    walk: Network,
    params: TransitParams,
    date: Date,
    origins: &NamedPoints,
    dests: &NamedPoints,
    ctx: &mut Context,
) -> anyhow::Result<Outputs> {
    if dests.ids.is_empty() {
        bail!(
            "{} : aucune destination dans le fichier",
            args.destinations.display()
        );
    }
    let gtfs = args.transit.as_ref().map_or(&[][..], |t| &t.gtfs[..]);
    let (transit, _) = open_transit(walk, gtfs, date, params, ctx)?;
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
    Ok(temps_table(&table, ctx))
}

/// `temps.csv`.
fn temps_table(table: &Table, ctx: &Context) -> Outputs {
    let mut outputs = Outputs::new();
    outputs.add_table("temps.csv", table, ctx.csv);
    outputs
}
