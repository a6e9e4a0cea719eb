//! `maillage map`: one or all of the maps, for the region or one Mission
//! Locale's territory.

use clap::{Args, ValueEnum};

use crate::analysis::basics::Basics;
use crate::analysis::results::Results;
use crate::cli::basins::BasinsArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::report::{proposal, ReportPlacementArgs};
use crate::cli::{basins, hotspots, Context, DataArgs, EXIT_OK};
use crate::model::Territory;
use crate::output::write::Outputs;
use crate::render::data::{add_maps, map_data};
use crate::render::{Format, MapKind, Scope};

const EXAMPLES: &str = "\
Examples:
  maillage map --kind regionale
  maillage map --kind distances --ml 62041 --format png
  maillage map --kind toutes --ml \"Mission Locale de l'Arrageois\" --out /tmp/cartes";

/// Draws the maps of the report as PNG and SVG (Lambert-93, title, legend,
/// scale bar, sources): carte_regionale (FRR, FRR+, ZRR kept, QPV, coverage
/// zones of the Missions Locales, départements, sites by type),
/// carte_distances (distance to the nearest site in 5 km bands),
/// carte_hotspots (non-mobility hotspot clusters, ranked), carte_placement
/// (proposed new permanences and their catchment) and carte_bassins
/// (mobility basins and their key figures). With --ml, the map covers that
/// Mission Locale's territory and the file names end with its code.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct MapArgs {
    /// Which map: regionale, distances, hotspots, placement, bassins, or toutes.
    #[arg(long, value_name = "KIND", default_value = "toutes", value_parser = parse_kind)]
    pub kind: KindArg,
    /// Draw the territory of one Mission Locale: its code (e.g. 62041) or its
    /// name as in missions_locales.csv.
    #[arg(long, value_name = "CODE")]
    pub ml: Option<String>,
    /// Image format.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    pub format: FormatArg,
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub basins: BasinsArgs,
    #[command(flatten)]
    pub placement: ReportPlacementArgs,
}

/// `--kind`: one map or all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindArg {
    One(MapKind),
    All,
}

impl KindArg {
    pub fn kinds(self) -> Vec<MapKind> {
        match self {
            KindArg::One(k) => vec![k],
            KindArg::All => MapKind::ALL.to_vec(),
        }
    }
}

fn parse_kind(s: &str) -> Result<KindArg, String> {
    if matches!(s.trim(), "toutes" | "all") {
        return Ok(KindArg::All);
    }
    MapKind::parse(s).map(KindArg::One).ok_or_else(|| {
        format!(
            "\"{s}\" is not a map: expected one of {}, toutes",
            MapKind::ALL.map(MapKind::code).join(", ")
        )
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    Both,
}

impl FormatArg {
    pub fn formats(self) -> Vec<Format> {
        match self {
            FormatArg::Png => vec![Format::Png],
            FormatArg::Svg => vec![Format::Svg],
            FormatArg::Both => vec![Format::Png, Format::Svg],
        }
    }
}

/// The Mission Locale `--ml` names, by code or by name.
pub fn find_ml(t: &Territory, wanted: &str) -> anyhow::Result<usize> {
    let w = wanted.trim();
    t.missions_locales
        .iter()
        .position(|m| m.code == w)
        .or_else(|| {
            t.missions_locales
                .iter()
                .position(|m| m.nom.to_lowercase() == w.to_lowercase())
        })
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--ml {w}: no such Mission Locale; codes: {}",
                t.missions_locales
                    .iter()
                    .map(|m| m.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
}

/// The sources line of the maps: the embedded data's sources, or the files
/// the user gave.
pub fn sources_line(data: &DataArgs) -> String {
    let file = |p: &Option<std::path::PathBuf>, default: &str| match p {
        Some(p) => format!(
            "fichier {}",
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        ),
        None => default.to_string(),
    };
    format!(
        "Sources : communes {} ; QPV {} ; classement {} ; zones des Missions Locales {} ; \
         sites {}. Lambert-93 (EPSG:2154). Traitement : maillage {}",
        file(&data.communes, "IGN ADMIN EXPRESS et INSEE, COG 2025"),
        file(&data.qpv, "ANCT, périmètre 2024"),
        file(&data.classement, "FRR/ZRR, ANCT et DGCL, arrêtés 2024–2025"),
        file(&data.zones, "UNML, janvier 2026"),
        file(&data.sites, "UNML (sièges)"),
        env!("CARGO_PKG_VERSION"),
    )
}

pub fn run(args: &MapArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let hotspot_params = args.hotspots.params()?;
    let t = ctx.load(data)?;
    let scope = match &args.ml {
        Some(w) => Scope::Ml(find_ml(&t, w)?),
        None => Scope::Region,
    };
    let kinds = args.kind.kinds();
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    // The analyses the maps show, computed as the report does.
    if kinds.contains(&MapKind::Hotspots) {
        r.hotspots = Some(hotspots::analyse(&t, &r.basics, &hotspot_params, ctx));
    }
    if kinds.contains(&MapKind::Bassins) {
        r.basins = Some(basins::analyse(&t, &r.basics, &args.basins, ctx)?);
    }
    if kinds.contains(&MapKind::Placement) {
        r.placement = Some(proposal(&t, &r.basics, &args.placement, ctx)?);
    }
    ctx.progress.step("cartes");
    let md = map_data(&t, &r, sources_line(data));
    let mut outputs = Outputs::new();
    add_maps(&md, &kinds, scope, &args.format.formats(), &mut outputs)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
