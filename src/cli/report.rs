//! `maillage rapport`: the whole pipeline on the given (or embedded) data.

use clap::Args;

use crate::cli::args::{NetworkArgs, ProposalArgs, ScopeArgs};
use crate::cli::basins::BasinsArgs;
use crate::cli::coverage::CoverageArgs;
use crate::cli::distance::DistanceArgs;
use crate::cli::hotspots::HotspotsArgs;
use crate::cli::placement::check_k;
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::report::{self, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage rapport
  maillage rapport --out /tmp/maillage --csv rfc4180
  maillage rapport --sites geodata/sites.csv --grille-m 500 --quiet";

/// Lance toutes les analyses avec leurs réglages par défaut et écrit les
/// résultats dans --out : communes.csv (avec les scores d'accessibilité),
/// qpv.csv, grille_distance.csv, distances_synthese.csv, couverture.csv,
/// hotspots.csv, hotspots.geojson, hotspots_communes.csv, bassins.csv,
/// bassins_communes.csv, une proposition de k nouvelles permanences parmi
/// les mairies (couverture maximale) : placement.csv, placement_bilan.csv,
/// placement_synthese.csv, et avec --ecrire-couts-acces couts_acces.csv et
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
    #[command(flatten)]
    pub scope: ScopeArgs,
}

pub fn run(args: &ReportArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = args.network.plan()?;
    let unit = network.unit();
    check_k(args.placement.placement_k, "--implantation-nombre")?;
    let plan = Plan {
        distance: args.distance.options(unit, false)?,
        thresholds: args.coverage.thresholds(unit)?,
        hotspots: args.hotspots.params(unit)?,
        basins: args.basins.options(),
        scope: args.scope.choice(),
        proposal: args.placement.options(unit)?,
        data: data.paths(),
        network,
    };
    let outputs = report::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}
