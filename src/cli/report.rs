//! `maillage report`: the whole pipeline on the given (or embedded) data.

use clap::Args;

use crate::cli::basins::BasinsArgs;
use crate::cli::coverage::CoverageArgs;
use crate::cli::distance::DistanceArgs;
use crate::cli::hotspots::HotspotsArgs;
use serde_json::{json, Map, Value};

use crate::analysis::access::Bands;
use crate::cli::args::{CandidateSource, NetworkArgs, ProposalArgs};
use crate::cli::placement::check_k;
use crate::cli::reseau::RunNetwork;
use crate::cli::{basins, distance, hotspots, placement, Context, DataArgs, EXIT_OK};
use crate::load::reference::CHIFFRES_CLES;
use crate::load::territory::defaults;
use crate::output::manifest::{manifest, InputFile, RunRecord, MANIFEST_NAME};
use crate::output::write::CsvStyle;

use crate::analysis::measure::TravelMode;
use crate::analysis::results::Results;
use crate::error::Error;
use crate::model::{Scope, Territory};
use crate::output::add_tables;
use crate::output::layers::add_layers;
use crate::output::write::Outputs;
use crate::render::data::{add_maps, map_data};
use crate::render::html::{synthese, HTML_NAME};
use crate::render::{Format, MapKind};

const EXAMPLES: &str = "\
Exemples :
  maillage report
  maillage report --out /tmp/maillage --csv rfc4180
  maillage report --sites geodata/sites.csv --grid-m 500 --quiet";

/// Lance toutes les analyses avec leurs réglages par défaut et écrit les
/// résultats dans --out : communes.csv (avec les scores d'accessibilité),
/// qpv.csv, grille_distance.csv, distances_synthese.csv, couverture.csv,
/// hotspots.csv, hotspots.geojson, hotspots_communes.csv, bassins.csv,
/// bassins_communes.csv, une proposition de k nouvelles permanences parmi
/// les mairies (couverture maximale) : placement.csv, placement_bilan.csv,
/// placement_synthese.csv, et avec --write-access-costs couts_acces.csv et
/// scores_acces.csv. Puis les cinq cartes (PNG et SVG), la page
/// synthese.html, les couches : maillage.gpkg (GeoPackage, Lambert-93), un
/// GeoJSON par couche, grille_distance.tif (GeoTIFF) ; et manifest.json
/// (entrées et sorties avec leur sha256, paramètres, durées).
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct ReportArgs {
    #[command(flatten)]
    pub distance: DistanceArgs,
    #[command(flatten)]
    pub coverage: CoverageArgs,
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub basins: BasinsArgs,
    #[command(flatten)]
    pub placement: ProposalArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
}

pub fn run(args: &ReportArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let unit = args.network.unit()?;
    let plan = args
        .distance
        .plan(ctx, false, unit, false, data.communes.is_some())?;
    // Checked before the data is loaded.
    args.coverage.thresholds(unit)?;
    args.hotspots.params(unit)?;
    args.placement.radius(unit)?;
    check_k(args.placement.placement_k, "--placement-k")?;
    let t = ctx.load(data)?;
    let transit = args.network.travel()? == Some(TravelMode::Transit);
    plan.check_grid(&t, unit, transit)?;
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
            distance::add_streamed_grid(&t, &index, grid_m, (&out, style), &mut o)
                .map(|()| (o, clock.elapsed()))
        });
        let mut r = net.results_with(&t, ctx, std::sync::Arc::clone(&index));
        let done = analyses_and_outputs(args, data, &t, &net, &plan, &mut r, ctx);
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
    add_report_manifest(args, data, &t, ctx, &mut outputs)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}

/// Every analysis of the report into `r`, then its tables, its maps with the
/// page, and its map layers: independent, built side by side.
fn analyses_and_outputs(
    args: &ReportArgs,
    data: &DataArgs,
    t: &Territory,
    net: &RunNetwork,
    plan: &distance::DistancePlan,
    r: &mut Results,
    ctx: &mut Context,
) -> anyhow::Result<(Outputs, Outputs, Outputs)> {
    let unit = args.network.unit()?;
    let radii = args.coverage.thresholds(unit)?;
    let hotspot_params = args.hotspots.params(unit)?;
    r.distance = Some(distance::analyse(t, &r.basics, net, plan, ctx)?);
    ctx.progress.step("couverture");
    r.coverage = Some(r.basics.coverage(t, &radii));
    r.hotspots = Some(hotspots::analyse(t, &r.basics, &hotspot_params, ctx));
    r.basins = Some(basins::analyse(t, &r.basics, &args.basins, ctx)?);
    r.placement = Some(placement::report_placement(
        t,
        &r.basics,
        &net.measure(),
        &args.placement,
        ctx,
    )?);
    let fs = crate::load::changes::france_services()?;
    let points = crate::analysis::whatif::candidate_points(t, (fs.ids, fs.names, fs.points));
    let main = args.placement.radius(unit)?;
    match crate::analysis::whatif::WhatIf::new(t, &net.measure(), &radii, main, points) {
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
        || {
            let mut o = Outputs::new();
            add_tables(t, r, options, &mut o);
            o
        },
        || {
            rayon::join(
                || -> Result<Outputs, Error> {
                    let mut o = Outputs::new();
                    let maps = map_data(t, r, sources);
                    add_maps(
                        &maps,
                        &MapKind::ALL,
                        &Scope::Region,
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
    Ok((tables, maps?, layers?))
}

fn bands(b: &Bands) -> String {
    b.steps()
        .iter()
        .map(|(m, w)| format!("{}:{}", b.unit().shown(*m), w))
        .collect::<Vec<_>>()
        .join(",")
}

/// The parameters of a report, defaults included.
fn parameters(
    args: &ReportArgs,
    t: &Territory,
    ctx: &Context,
) -> anyhow::Result<Map<String, Value>> {
    let d = &args.distance;
    let w = &d.site_weights;
    let n = &args.network;
    let unit = n.unit()?;
    let access = d.access(unit)?;
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
        "grid_m": d.grid(false).unwrap_or(0.0),
        "points": d.points.as_ref().map(|p| p.display().to_string()),
        "site_weights": { "siege": w.siege, "antenne": w.antenne, "permanence": w.permanence },
        "write_access_costs": d.write_access_costs,
        "mode": clap::ValueEnum::to_possible_value(&n.mode).map(|v| v.get_name().to_string()),
        "snap_max_m": n.params.snap_max_m.0,
        "vitesse_marche_kmh": n.params.speeds.vitesse_marche_kmh,
        "vitesse_velo_kmh": n.params.speeds.vitesse_velo_kmh,
        "non_mobile_rate": args.hotspots.non_mobile_rate.0,
        "basins": args.basins.basins.as_ref().map(|p| p.display().to_string()),
        "basins_count": args.basins.count,
        "placement_k": args.placement.placement_k,
        "placement_candidates": args.placement.placement_candidates.code(),
    });
    let mut m = match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // The thresholds under the name of the unit they are in (km or min).
    let u = unit.symbol();
    let reach = args.hotspots.params(unit)?.reach;
    for (key, value) in [
        (
            format!("access_{u}"),
            json!(unit.shown(access.catchment.reach())),
        ),
        (format!("access_bands_{u}"), json!(bands(&access.enhanced))),
        (format!("apl_bands_{u}"), json!(bands(&access.apl))),
        (format!("radius_{u}"), json!(args.coverage.shown(unit)?)),
        (format!("reach_{u}"), json!(unit.shown(reach))),
        (
            format!("placement_radius_{u}"),
            json!(unit.shown(args.placement.radius(unit)?)),
        ),
    ] {
        m.insert(key, value);
    }
    if let Some((tp, _)) = n.transit_params()? {
        let dep = n.transit.depart.map(|d| d.to_string());
        for (key, value) in [
            ("depart", json!(dep)),
            ("fenetre_min", json!(tp.window_min)),
            ("marche_max_min", json!(f64::from(tp.walk_max_s) / 60.0)),
            ("max_min", json!(f64::from(tp.max_s) / 60.0)),
        ] {
            m.insert(key.to_string(), value);
        }
    }
    Ok(m)
}

/// Every file the report read, with the embedded copies standing in for
/// the files not given.
fn inputs(args: &ReportArgs, data: &DataArgs) -> anyhow::Result<Vec<InputFile>> {
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
    if let Some(p) = &data.jeunes {
        v.extend(InputFile::read("jeunes", p)?);
    }
    v.push(InputFile::embedded("chiffres_cles", &CHIFFRES_CLES));
    if let Some(p) = &args.distance.points {
        v.extend(InputFile::read("points", p)?);
    }
    for p in &args.network.reseau {
        v.extend(InputFile::read("reseau", p)?);
    }
    for p in &args.network.transit.gtfs {
        v.extend(InputFile::read("gtfs", p)?);
    }
    if let Some(p) = &args.basins.basins {
        v.extend(InputFile::read("bassins", p)?);
    }
    match &args.placement.placement_candidates {
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
    args: &ReportArgs,
    data: &DataArgs,
    t: &Territory,
    ctx: &mut Context,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    // Starting this step ends the previous one: every step before it is timed.
    ctx.progress.step("manifeste");
    let parameters = parameters(args, t, ctx)?;
    let inputs = inputs(args, data)?;
    let run = RunRecord {
        command: "report",
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
