//! `maillage map`: one or all of the maps, for the region or one Mission
//! Locale's territory.

use clap::{Args, ValueEnum};

use crate::cli::args::NetworkArgs;
use crate::cli::args::{parse_ml, MlArg, ProposalArgs};
use crate::cli::basins::BasinsArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::reseau::RunNetwork;
use crate::cli::{basins, hotspots, placement, Context, DataArgs, EXIT_OK};
use crate::model::Scope;
use crate::output::write::Outputs;
use crate::render::data::{add_maps, map_data};
use crate::render::{Format, MapKind};

const EXAMPLES: &str = "\
Exemples :
  maillage map --kind regionale
  maillage map --kind distances --ml 62041 --format png
  maillage map --kind toutes --ml Arras --out /tmp/cartes
  maillage map --kind distances --departement 80 --format png";

/// Dessine les cartes du rapport en PNG et SVG (Lambert-93, titre, légende,
/// échelle, sources) : carte_regionale (FRR, FRR+, ZRR maintenues, QPV,
/// zones de couverture des Missions Locales, départements, sites par type),
/// carte_distances (distance au site le plus proche, par tranches de 5 km),
/// carte_hotspots (foyers de non-mobilité classés), carte_placement
/// (nouvelles permanences proposées et leur rayon) et carte_bassins (bassins
/// de mobilité et leurs chiffres). Avec --ml ou --departement, la carte
/// couvre ce territoire et le nom des fichiers finit par son code.
#[derive(Debug, Args)]
#[command(after_long_help = EXAMPLES)]
pub struct MapArgs {
    /// Quelle carte : regionale, distances, hotspots, placement, bassins, ou toutes.
    #[arg(long, value_name = "KIND", default_value = "toutes", value_parser = parse_kind)]
    pub kind: KindArg,
    /// Dessiner le territoire d'une Mission Locale : son code (62041), son nom
    /// ou la ville de son siège (Arras), sans souci des majuscules ni des accents.
    #[arg(long, value_name = "ML", value_parser = parse_ml)]
    pub ml: Option<MlArg>,
    /// Dessiner un département (son code, par exemple 80) ; le nom des fichiers finit par ce code.
    #[arg(long, value_name = "CODE", conflicts_with = "ml")]
    pub departement: Option<String>,
    /// Format d'image.
    #[arg(long, value_enum, default_value_t = FormatArg::Both)]
    pub format: FormatArg,
    #[command(flatten)]
    pub hotspots: HotspotsArgs,
    #[command(flatten)]
    pub basins: BasinsArgs,
    #[command(flatten)]
    pub placement: ProposalArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
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
            "« {s} » n'est pas une carte : attendu {}, toutes",
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

pub fn run(args: &MapArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let unit = args.network.unit()?;
    let hotspot_params = args.hotspots.params(unit)?;
    args.placement.radius(unit)?;
    let t = ctx.load(data)?;
    let scope = match (&args.ml, &args.departement) {
        (Some(ml), _) => Scope::Ml(ml.resolve(&t, "--ml")?),
        (None, Some(d)) => {
            let d = d.trim();
            if !t.communes.iter().any(|c| c.departement == d) {
                let mut known: Vec<&str> =
                    t.communes.iter().map(|c| c.departement.as_str()).collect();
                known.dedup();
                anyhow::bail!(
                    "--departement {d} : aucune commune de ce département dans les données ; \
                     départements présents : {}",
                    known.join(", ")
                );
            }
            Scope::Departement(d.to_string())
        }
        (None, None) => Scope::Region,
    };
    let kinds = args.kind.kinds();
    let net = RunNetwork::open(&args.network, ctx)?;
    ctx.progress.step("distances");
    let mut r = net.results(&t, ctx);
    // The analyses the maps show, computed as the report does.
    if kinds.contains(&MapKind::Hotspots) {
        r.hotspots = Some(hotspots::analyse(&t, &r.basics, &hotspot_params, ctx));
    }
    if kinds.contains(&MapKind::Bassins) {
        r.basins = Some(basins::analyse(&t, &r.basics, &args.basins, ctx)?);
    }
    if kinds.contains(&MapKind::Placement) {
        r.placement = Some(placement::report_placement(
            &t,
            &r.basics,
            &net.measure(),
            &args.placement,
            ctx,
        )?);
    }
    ctx.progress.step("cartes");
    let md = map_data(&t, &r, data.sources_line(&t.frame));
    let mut outputs = Outputs::new();
    add_maps(&md, &kinds, &scope, &args.format.formats(), &mut outputs)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
