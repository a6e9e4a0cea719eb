//! `maillage report`: the whole pipeline on the given (or embedded) data.

use clap::Args;

use crate::analysis::basics::Basics;
use crate::analysis::placement::{Model, Objective, PlacementParams};
use crate::analysis::results::{PlacementResults, Results};
use crate::cli::basins::BasinsArgs;
use crate::cli::coverage::CoverageArgs;
use crate::cli::distance::DistanceArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::map::sources_line;
use crate::cli::place::{check_common, load_candidates, CandidateSource};
use crate::cli::{basins, distance, hotspots, place, Context, DataArgs, EXIT_OK};
use crate::model::{Meters, Territory};
use crate::output::add_tables;
use crate::output::layers::add_layers;
use crate::output::write::Outputs;
use crate::render::data::{add_maps, map_data};
use crate::render::html::{synthese, HTML_NAME};
use crate::render::{Format, MapKind, Scope};

const EXAMPLES: &str = "\
Examples:
  maillage report
  maillage report --out /tmp/maillage --csv rfc4180
  maillage report --sites geodata/sites.csv --grid-m 500 --quiet";

/// Runs every analysis with its defaults and writes the results into --out:
/// communes.csv (with the accessibility scores), qpv.csv,
/// grille_distance.csv, distances_synthese.csv, couverture.csv, hotspots.csv,
/// hotspots.geojson, hotspots_communes.csv, bassins.csv, bassins_communes.csv,
/// a placement proposal (k new permanences among the town halls, maximal
/// covering): placement.csv, placement_bilan.csv, placement_synthese.csv,
/// and with --write-access-costs couts_acces.csv and scores_acces.csv.
/// Then the map layers: maillage.gpkg (GeoPackage, Lambert-93), one GeoJSON
/// per layer, grille_distance.tif (GeoTIFF); and manifest.json (inputs and
/// outputs with their sha256, parameters, timings).
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
    pub placement: ReportPlacementArgs,
}

/// The placement proposal of the report (`maillage place` has every option).
#[derive(Debug, Args, Clone)]
pub struct ReportPlacementArgs {
    /// Number of new permanences the proposal places.
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub placement_k: usize,
    /// Radius of the proposal, in km: at 10 km the stand-in network already
    /// reaches all but a few hundred young people, so the report looks at 5.
    #[arg(long, value_name = "KM", default_value_t = 5.0)]
    pub placement_radius_km: f64,
    /// Candidates of the proposal: mairies, france-services or a CSV file.
    #[arg(
        long,
        value_name = "mairies|france-services|FILE",
        default_value = "mairies"
    )]
    pub placement_candidates: String,
}

pub fn run(args: &ReportArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = args.distance.plan(ctx)?;
    let radii = args.coverage.radii()?;
    let hotspot_params = args.hotspots.params()?;
    check_common(
        (args.placement.placement_k, "--placement-k"),
        (args.placement.placement_radius_km, "--placement-radius-km"),
    )?;
    let t = ctx.load(data)?;
    plan.check_grid(&t)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    r.distance = Some(distance::analyse(&t, &r.basics, &plan, ctx));
    ctx.progress.step("couverture");
    r.coverage = Some(r.basics.coverage(&t, &radii));
    r.hotspots = Some(hotspots::analyse(&t, &r.basics, &hotspot_params, ctx));
    r.basins = Some(basins::analyse(&t, &r.basics, &args.basins, ctx)?);
    r.placement = Some(proposal(&t, &r.basics, &args.placement, ctx)?);

    let mut outputs = Outputs::new();
    add_tables(
        &t,
        &r,
        ctx.table_options(plan.write_access_costs),
        &mut outputs,
    );
    ctx.progress.step("cartes");
    let maps = map_data(&t, &r, sources_line(data));
    add_maps(
        &maps,
        &MapKind::ALL,
        Scope::Region,
        &[Format::Png, Format::Svg],
        &mut outputs,
    )?;
    outputs.add(HTML_NAME, synthese(&maps, &r)?);
    ctx.progress.step("couches cartographiques");
    add_layers(&t, &r, &mut outputs)?;
    crate::cli::manifest::add_report_manifest(args, data, ctx, &mut outputs)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}

/// The report's placement proposal (k new permanences, maximal covering,
/// jeunes).
pub fn proposal(
    t: &Territory,
    b: &Basics,
    args: &ReportPlacementArgs,
    ctx: &mut Context,
) -> anyhow::Result<PlacementResults> {
    ctx.progress.step("placement");
    let candidates = load_candidates(t, &CandidateSource::parse(&args.placement_candidates), ctx)?;
    // A small territory may have fewer candidates than the default k: the
    // proposal then uses them all rather than failing the whole report.
    let k = args.placement_k.min(candidates.len());
    if k < args.placement_k {
        ctx.warnings.add(
            std::path::Path::new("--placement-k"),
            "fewer candidates than new sites asked: the proposal places one per candidate",
            format!(
                "{} asked, {} candidates",
                args.placement_k,
                candidates.len()
            ),
        );
    }
    if k == 0 {
        anyhow::bail!("--placement-candidates: no candidate to place a new site at");
    }
    let params = PlacementParams {
        model: Model::Mclp,
        objective: Objective::Jeunes,
        k,
        radius: Meters::from_km(args.placement_radius_km),
        ml: None,
        exact_nodes: None,
    };
    let p = place::analyse(t, b, candidates, &params)?;
    ctx.progress.say(&place::describe(&p.placement));
    Ok(p)
}
