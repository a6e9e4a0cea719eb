//! The manifest of `maillage report`: its parameters and input files (see
//! [`crate::output::manifest`]).

use serde_json::{json, Map, Value};

use crate::analysis::access::Bands;
use crate::cli::report::ReportArgs;
use crate::cli::{Context, DataArgs};
use crate::load::reference::CHIFFRES_CLES;
use crate::load::territory::defaults;
use crate::output::manifest::{manifest, InputFile, RunRecord, MANIFEST_NAME};
use crate::output::write::{CsvStyle, Outputs};

fn bands(b: &Bands) -> String {
    b.steps()
        .iter()
        .map(|(m, w)| format!("{}:{}", m.km(), w))
        .collect::<Vec<_>>()
        .join(",")
}

/// The parameters of a report, defaults included.
fn parameters(args: &ReportArgs, ctx: &Context) -> anyhow::Result<Map<String, Value>> {
    let d = &args.distance;
    let w = &d.site_weights;
    let radii: Vec<f64> = args.coverage.radii()?.iter().map(|m| m.km()).collect();
    let v = json!({
        "csv": match ctx.csv {
            CsvStyle::French => "francais",
            CsvStyle::Rfc4180 => "rfc4180",
        },
        "grid_m": d.grid_m,
        "points": d.points.as_ref().map(|p| p.display().to_string()),
        "access_km": d.access_km.reach().km(),
        "access_bands_km": bands(&d.access_bands_km),
        "apl_bands_km": bands(&d.apl_bands_km),
        "site_weights": { "siege": w.siege, "antenne": w.antenne, "permanence": w.permanence },
        "write_access_costs": d.write_access_costs,
        "radius_km": radii,
        "non_mobile_rate": args.hotspots.non_mobile_rate,
        "reach_km": args.hotspots.reach_km,
        "basins": args.basins.basins.as_ref().map(|p| p.display().to_string()),
        "basins_count": args.basins.count,
        "placement_k": args.placement.placement_k,
        "placement_radius_km": args.placement.placement_radius_km,
        "placement_candidates": args.placement.placement_candidates,
    });
    Ok(match v {
        Value::Object(m) => m,
        _ => Map::new(),
    })
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
    if let Some(p) = &args.basins.basins {
        v.extend(InputFile::read("bassins", p)?);
    }
    match args.placement.placement_candidates.as_str() {
        "mairies" => {}
        "france-services" => v.push(InputFile::embedded("candidats", &defaults::FRANCE_SERVICES)),
        p => v.extend(InputFile::read("candidats", std::path::Path::new(p))?),
    }
    Ok(v)
}

/// Adds `manifest.json`, listing every output added so far.
pub fn add_report_manifest(
    args: &ReportArgs,
    data: &DataArgs,
    ctx: &mut Context,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    // Starting this step ends the previous one: every step before it is timed.
    ctx.progress.step("manifeste");
    let parameters = parameters(args, ctx)?;
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
    };
    outputs.add(MANIFEST_NAME, manifest(&run, outputs));
    Ok(())
}
