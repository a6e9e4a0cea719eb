//! `maillage rapport`: the whole pipeline on the given (or embedded) data.

use serde_json::{json, Map, Value};

use crate::analysis::access::Bands;
use crate::analysis::hotspots::HotspotParams;
use crate::analysis::results::Results;
use crate::analysis::whatif::{candidate_points, WhatIf};
use crate::base::Cost;
use crate::error::Error;
use crate::load::changes::france_services;
use crate::load::reference::CHIFFRES_CLES;
use crate::load::territory::{defaults, DataPaths};
use crate::model::Territory;
use crate::output::add_tables;
use crate::output::layers::add_layers;
use crate::output::manifest::{manifest, InputFile, RunRecord, MANIFEST_NAME};
use crate::output::stream::add_streamed_grid;
use crate::output::write::{CsvStyle, Outputs};
use crate::pipeline::basins::{self, BasinOptions};
use crate::pipeline::distance::{self, DistanceOptions, DistancePlan};
use crate::pipeline::hotspots;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::placement::{self, CandidateSource, ProposalOptions};
use crate::pipeline::{Context, ScopeChoice};
use crate::render::data::{add_maps, map_data};
use crate::render::html::{synthese, HTML_NAME};
use crate::render::{Format, MapKind};

/// A report: every analysis with its settings.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    pub distance: DistanceOptions,
    /// The coverage thresholds, sorted, in the network's unit.
    pub thresholds: Vec<Cost>,
    pub hotspots: HotspotParams,
    pub basins: BasinOptions,
    pub proposal: ProposalOptions,
    pub scope: ScopeChoice,
}

/// The whole pipeline: every analysis with its tables, the maps and the
/// page, the layers, the grid (streamed beside the rest) and the manifest.
pub fn run(args: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let data = &args.data;
    let unit = args.network.unit();
    let plan = DistancePlan::read(
        &args.distance,
        &mut ctx.warnings,
        false,
        data.communes.is_some(),
    )?;
    let t = ctx.load(data)?;
    let scope = args.scope.resolve(&t)?;
    let transit = args.network.is_transit();
    plan.check_grid(&t, &scope, unit, transit)?;
    plan.check_points(&t)?;
    let net = RunNetwork::open(&args.network, ctx)?;
    ctx.progress.step("distances");
    // The straight-line grid needs only the sites: it is computed and
    // written, band by band, on its own thread beside the analyses and the
    // other outputs.
    let grid_m = distance::streamed_grid_m(&plan, unit, transit);
    let (out, style) = (ctx.out.clone(), ctx.csv);
    let index = std::sync::Arc::new(crate::analysis::basics::site_index(&t));
    let (done, grid) = std::thread::scope(|s| {
        let grid = s.spawn(|| {
            let clock = std::time::Instant::now();
            let mut o = Outputs::new();
            add_streamed_grid(&t, &index, (grid_m, &scope), (&out, style), &mut o)
                .map(|()| (o, clock.elapsed()))
        });
        let done = net
            .results_with(&t, &scope, ctx, std::sync::Arc::clone(&index))
            .and_then(|mut r| analyses_and_outputs(args, &t, &net, &plan, &mut r, ctx));
        let grid = grid
            .join()
            .unwrap_or_else(|_| Err(Error::Invalid("calcul de la grille interrompu".into())));
        (done, grid)
    });
    let (tables, maps, layers) = done?;
    let (grid, grid_time) = grid?;
    if let Some(size) = grid_m {
        ctx.progress
            .record(&format!("grille de {size} m"), grid_time);
    }
    let mut outputs = tables;
    outputs.append(grid);
    outputs.append(maps);
    outputs.append(layers);
    add_report_manifest(args, &t, ctx, &mut outputs)?;
    Ok(outputs)
}

/// Every analysis of the report into `r`, then its tables, its maps with the
/// page, and its map layers: independent, built side by side.
fn analyses_and_outputs(
    args: &Plan,
    t: &Territory,
    net: &RunNetwork,
    plan: &DistancePlan,
    r: &mut Results,
    ctx: &mut Context,
) -> anyhow::Result<(Outputs, Outputs, Outputs)> {
    let data = &args.data;
    let radii = &args.thresholds;
    let hotspot_params = &args.hotspots;
    r.distance = Some(distance::analyse(
        t,
        &r.basics,
        net,
        plan,
        &r.scope.clone(),
        ctx,
    )?);
    ctx.progress.step("couverture");
    r.coverage = Some(r.basics.coverage(t, radii, &r.scope));
    r.hotspots = Some(hotspots::analyse(
        t,
        &r.basics,
        hotspot_params,
        &r.scope.clone(),
        ctx,
    ));
    r.basins = Some(basins::analyse(
        t,
        &r.basics,
        &args.basins,
        data.communes.is_some(),
        &r.scope.clone(),
        ctx,
    )?);
    r.placement = Some(placement::report_placement(
        t,
        &r.basics,
        &net.measure(),
        &args.proposal,
        &r.scope.clone(),
        ctx,
    )?);
    let points = candidate_points(t, france_services()?);
    match WhatIf::new(t, &net.measure(), radii, args.proposal.radius, points) {
        Ok(w) => r.whatif = Some(w),
        Err(e) => ctx.warnings.add(
            std::path::Path::new(HTML_NAME),
            "pas de simulation dans la page",
            e.to_string(),
        ),
    }

    ctx.progress.step("tables, cartes et couches");
    let options = ctx.table_options(plan.write_access_costs);
    let sources = data.sources_line(&t.frame);
    let r = &*r;
    let (tables, (maps, layers)) = rayon::join(
        || -> Result<Outputs, Error> {
            let mut o = Outputs::new();
            add_tables(t, r, options, &mut o)?;
            Ok(o)
        },
        || {
            rayon::join(
                || -> Result<Outputs, Error> {
                    let mut o = Outputs::new();
                    let maps = map_data(t, r, sources);
                    add_maps(
                        &maps,
                        &MapKind::ALL,
                        &r.scope,
                        &[Format::Png, Format::Svg],
                        &mut o,
                    )?;
                    o.add(HTML_NAME, synthese(&maps, r)?);
                    Ok(o)
                },
                || -> Result<Outputs, Error> {
                    let mut o = Outputs::new();
                    add_layers(t, r, &mut o)?;
                    Ok(o)
                },
            )
        },
    );
    Ok((tables?, maps?, layers?))
}

fn bands(b: &Bands) -> String {
    b.steps()
        .iter()
        .map(|(m, w)| format!("{}:{}", b.unit().shown(*m), w))
        .collect::<Vec<_>>()
        .join(",")
}

/// The parameters of a report, defaults included.
fn parameters(args: &Plan, t: &Territory, ctx: &Context) -> Map<String, Value> {
    let d = &args.distance;
    let w = &d.access.weights;
    let n = &args.network;
    let unit = n.unit();
    let access = &d.access;
    let (level, code) = t.name.level_code();
    let v = json!({
        "territory": { "name": t.name.name, "level": level, "code": code },
        "projection": if t.frame.is_lambert93() {
            json!("EPSG:2154")
        } else {
            json!(t.frame.wkt())
        },
        "csv": match ctx.csv {
            CsvStyle::French => "francais",
            CsvStyle::Rfc4180 => "rfc4180",
        },
        "grid_m": d.grid_m.unwrap_or(0.0),
        "points": d.points.as_ref().map(|p| p.display().to_string()),
        "site_weights": { "siege": w.siege, "antenne": w.antenne, "permanence": w.permanence },
        "write_access_costs": d.write_access_costs,
        "mode": n.mode.map_or("vol-oiseau", |m| m.name()),
        "snap_max_m": n.snap_max.0,
        "vitesse_marche_kmh": n.speeds.walk_kmh,
        "vitesse_velo_kmh": n.speeds.bike_kmh,
        "non_mobile_rate": args.hotspots.non_mobile_rate,
        "basins": args.basins.basins.as_ref().map(|p| p.display().to_string()),
        "basins_count": args.basins.count,
        "placement_k": args.proposal.k,
        "placement_candidates": args.proposal.candidates.code(),
        "scope": args.scope.resolve(t).ok().map(|s| {
            let [kind, code, name] = crate::output::tables::scope_cells(t, &s)
                .map(|c| match c {
                    crate::output::write::Cell::Text(x) => x,
                    _ => String::new(),
                });
            json!({ "type": kind, "code": code, "name": name })
        }),
    });
    let mut m = match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // The thresholds under the name of the unit they are in (km or min).
    let u = unit.symbol();
    let radii: Vec<f64> = args.thresholds.iter().map(|c| c.shown()).collect();
    for (key, value) in [
        (
            format!("access_{u}"),
            json!(unit.shown(access.catchment.reach())),
        ),
        (format!("access_bands_{u}"), json!(bands(&access.enhanced))),
        (format!("apl_bands_{u}"), json!(bands(&access.apl))),
        (format!("radius_{u}"), json!(radii)),
        (format!("reach_{u}"), json!(args.hotspots.reach.shown())),
        (
            format!("placement_radius_{u}"),
            json!(args.proposal.radius.shown()),
        ),
    ] {
        m.insert(key, value);
    }
    if let Some(tr) = &n.transit {
        let tp = &tr.params;
        let dep = format!(
            "{}T{:02}:{:02}",
            tr.date,
            tp.departure / 3600,
            tp.departure / 60 % 60
        );
        for (key, value) in [
            ("depart", json!(dep)),
            ("fenetre_min", json!(tp.window_min)),
            ("marche_max_min", json!(f64::from(tp.walk_max_s) / 60.0)),
            ("max_min", json!(f64::from(tp.max_s) / 60.0)),
        ] {
            m.insert(key.to_string(), value);
        }
    }
    m
}

/// Every file the report read, with the embedded copies standing in for
/// the files not given.
fn inputs(args: &Plan) -> anyhow::Result<Vec<InputFile>> {
    let data = &args.data;
    let mut v = Vec::new();
    for (role, path, default) in [
        ("communes", &data.communes, defaults::COMMUNES),
        ("qpv", &data.qpv, defaults::QPV),
        ("classement", &data.classement, defaults::CLASSEMENT),
        ("zones", &data.zones, defaults::ZONES),
        (
            "missions_locales",
            &data.missions_locales,
            defaults::MISSIONS_LOCALES,
        ),
        ("sites", &data.sites, defaults::SITES),
    ] {
        v.extend(InputFile::given_or_embedded(
            role,
            path.as_deref(),
            &default,
        )?);
    }
    for (_, p) in &data.sites_ml {
        v.extend(InputFile::read("sites_ml", p)?);
    }
    match &data.jeunes {
        Some(p) => v.extend(InputFile::read("jeunes", p)?),
        None => v.push(InputFile::embedded("jeunes", &defaults::RECENSEMENT_15_24)),
    }
    v.push(InputFile::embedded("chiffres_cles", &CHIFFRES_CLES));
    if let Some(p) = &args.distance.points {
        v.extend(InputFile::read("points", p)?);
    }
    for p in &args.network.files {
        v.extend(InputFile::read("reseau", p)?);
    }
    for p in args.network.transit.iter().flat_map(|t| &t.gtfs) {
        v.extend(InputFile::read("gtfs", p)?);
    }
    if let Some(p) = &args.basins.basins {
        v.extend(InputFile::read("bassins", p)?);
    }
    match &args.proposal.candidates {
        CandidateSource::Mairies => {}
        CandidateSource::FranceServices => {
            v.push(InputFile::embedded("candidats", &defaults::FRANCE_SERVICES));
        }
        CandidateSource::File(p) => v.extend(InputFile::read("candidats", p)?),
    }
    Ok(v)
}

/// Adds `manifest.json`, listing every output added so far.
pub fn add_report_manifest(
    args: &Plan,
    t: &Territory,
    ctx: &mut Context,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    // Starting this step ends the previous one: every step before it is timed.
    ctx.progress.step("manifeste");
    let parameters = parameters(args, t, ctx);
    let inputs = inputs(args)?;
    let run = RunRecord {
        command: "rapport",
        arguments: std::env::args_os()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect(),
        parameters,
        inputs,
        timings: &ctx.progress.timings,
        parts: &ctx.progress.parts,
    };
    outputs.add(MANIFEST_NAME, manifest(&run, outputs));
    Ok(())
}
