//! `maillage carte`: one or all of the maps, for the territory, a
//! département or one Mission Locale's territory.

use clap::{Args, ValueEnum};

use crate::base::text::fold;
use crate::cli::args::{folded, NetworkArgs, ProposalArgs, ScopeArgs};
use crate::cli::basins::BasinsArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::placement::check_k;
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::map::{self, Plan};
use crate::pipeline::Context;
use crate::render::{Format, MapKind};

const EXAMPLES: &str = "\
Exemples :
  maillage carte --type regionale
  maillage carte --type distances --ml 62041 --format png
  maillage carte --type toutes --ml Arras --out /tmp/cartes
  maillage carte --type distances --departement 80 --format png";

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
    /// Quelle carte : regionale, distances, points-chauds, implantation,
    /// bassins, ou toutes.
    #[arg(long = "type", alias = "kind", value_name = "TYPE", default_value = "toutes", value_parser = parse_kind)]
    pub kind: KindArg,
    /// Le périmètre dessiné ; le nom des fichiers finit alors par son code.
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Format d'image.
    #[arg(long, value_name = "FORMAT", default_value = "les-deux", value_parser = folded::<FormatArg>())]
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

/// `--type`: one map or all of them.
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

/// Parses a map's French name, or the name its files carry (`hotspots`,
/// `placement`), whatever the case and accents; `toutes` (or `all`) for
/// every map.
fn parse_kind(s: &str) -> Result<KindArg, String> {
    let word = fold(s).replace(' ', "-");
    if matches!(word.as_str(), "toutes" | "all") {
        return Ok(KindArg::All);
    }
    MapKind::ALL
        .into_iter()
        .find(|k| k.name() == word || k.code() == word)
        .map(KindArg::One)
        .ok_or_else(|| {
            format!(
                "« {s} » n'est pas une carte : attendu {}, toutes",
                MapKind::ALL.map(MapKind::name).join(", ")
            )
        })
}

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Png,
    Svg,
    #[value(name = "les-deux", alias = "both")]
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
    let network = args.network.plan()?;
    let unit = network.unit();
    check_k(args.placement.placement_k, "--implantation-nombre")?;
    let plan = Plan {
        kinds: args.kind.kinds(),
        scope: args.scope.choice(),
        formats: args.format.formats(),
        hotspots: args.hotspots.params(unit)?,
        basins: args.basins.options(),
        proposal: args.placement.options(unit)?,
        data: data.paths(),
        network,
    };
    let outputs = map::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_by_french_name_or_file_name() {
        for k in MapKind::ALL {
            assert_eq!(parse_kind(k.name()), Ok(KindArg::One(k)));
            assert_eq!(parse_kind(k.code()), Ok(KindArg::One(k)));
        }
        assert_eq!(
            parse_kind("Points chauds"),
            Ok(KindArg::One(MapKind::Hotspots))
        );
        assert_eq!(
            parse_kind("Régionale"),
            Ok(KindArg::One(MapKind::Regionale))
        );
        assert_eq!(parse_kind("Toutes"), Ok(KindArg::All));
        assert!(parse_kind("carte").unwrap_err().contains("points-chauds"));
    }
}
