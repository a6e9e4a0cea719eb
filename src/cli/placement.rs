//! `maillage implantation`: where k new permanences would reach the most
//! young people far from any site today.

use clap::{Args, ValueEnum};

use crate::analysis::placement::{Model, Objective, PlacementParams};
use crate::base::{Minutes, Share, Unit};
use crate::cli::args::{
    by_unit, folded, parse_candidates, parse_minutes, parse_radii, parse_share, NetworkArgs, Radii,
    ScopeArgs, DEFAULT_PROPOSAL_RADIUS_KM, DEFAULT_PROPOSAL_RADIUS_MIN,
};
use crate::cli::{DataArgs, EXIT_OK};
use crate::pipeline::placement::{self, CandidateSource, Plan};
use crate::pipeline::Context;

const EXAMPLES: &str = "\
Exemples :
  maillage implantation
  maillage implantation --nombre 5 --rayon-km 5 --objectif non-mobiles
  maillage implantation --nombre 3 --ml 59183 --exact
  maillage implantation --nombre 10 --candidats france-services --modele p-mediane
  maillage implantation --nombre 4 --candidats mes_locaux.csv     (CSV id,lon,lat[,nom])
  maillage implantation --reseau hauts-de-france.reseau --mode velo --rayon-min 20";

/// Choisit k nouveaux sites parmi des candidats, les sites existants restant
/// en place, pour mettre le plus de jeunes à moins du rayon d'un site
/// (couverture maximale, par défaut) ou pour réduire leur distance au site
/// le plus proche (p-médiane). Dit à quelle distance de l'optimum la réponse
/// peut être. Écrit placement.csv (les sites, le meilleur d'abord),
/// placement_bilan.csv (l'objectif, sa borne et l'écart) et
/// placement_synthese.csv (avant et après, par région, département et
/// Mission Locale).
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct PlacementArgs {
    /// Nombre de nouveaux sites.
    #[arg(long = "nombre", alias = "k", value_name = "N", default_value_t = 10)]
    pub k: usize,
    /// Rayon en km à vol d'oiseau dans lequel un site couvre une commune
    /// (depuis sa mairie) ; un seul. Par défaut 5, comme le rapport.
    #[arg(long = "rayon-km", alias = "radius-km", value_name = "KM", value_parser = parse_radii)]
    pub radius_km: Option<Radii>,
    /// Avec --reseau et --mode : temps de parcours en minutes depuis la
    /// mairie dans lequel un site couvre une commune. Par défaut 20, comme le
    /// rapport (la dernière tranche de l'APL).
    #[arg(long = "rayon-min", alias = "radius-min", value_name = "MIN", value_parser = parse_minutes)]
    pub radius_min: Option<Minutes>,
    /// Où de nouveaux sites peuvent ouvrir : `mairies` (toutes les mairies),
    /// `france-services` (les 205 France services de la région) ou un fichier
    /// CSV `id,lon,lat` avec une colonne `nom` facultative.
    #[arg(
        long = "candidats",
        alias = "candidates",
        value_name = "mairies|france-services|FICHIER",
        default_value = "mairies",
        value_parser = parse_candidates
    )]
    pub candidates: CandidateSource,
    /// La demande à servir.
    #[arg(long = "objectif", alias = "objective", value_name = "OBJECTIF", default_value = "jeunes", value_parser = folded::<ObjectiveArg>())]
    pub objective: ObjectiveArg,
    /// Part des jeunes qui ne peuvent pas quitter leur commune, pour
    /// `--objectif non-mobiles` (0.32 dans le rapport 2024).
    #[arg(long = "part-non-mobiles", alias = "non-mobile-rate", value_name = "PART", default_value = "0.32", value_parser = parse_share)]
    pub non_mobile_rate: Share,
    /// `couverture-max` : couvrir le plus de demande nouvelle ; `p-mediane` :
    /// réduire la distance au site le plus proche, pondérée par la demande.
    #[arg(long = "modele", alias = "model", value_name = "MODELE", default_value = "couverture-max", value_parser = folded::<ModelArg>())]
    pub model: ModelArg,
    /// Prouver l'optimum avec un solveur en nombres entiers (pour de petites
    /// instances : une ML, quelques centaines de candidats).
    #[arg(long)]
    pub exact: bool,
    /// Nombre de nœuds de l'arbre de recherche de --exact.
    #[arg(
        long = "exact-noeuds",
        alias = "exact-nodes",
        value_name = "N",
        default_value_t = 200_000,
        requires = "exact"
    )]
    pub exact_nodes: u64,
    #[command(flatten)]
    pub network: NetworkArgs,
    /// La demande et les candidats du périmètre (les sites existants de
    /// partout le servent).
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// `--objectif`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    Jeunes,
    NonMobiles,
    Population,
}

/// `--modele`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    #[value(name = "couverture-max", alias = "mclp")]
    Mclp,
    #[value(name = "p-mediane", alias = "p-median")]
    PMedian,
}

/// Checks a number of new sites, given with its option's name.
pub fn check_k(k: usize, option: &str) -> anyhow::Result<()> {
    if k == 0 {
        anyhow::bail!("{option} 0 : demandez au moins un nouveau site");
    }
    Ok(())
}

impl PlacementArgs {
    /// The settings in `unit`, but the Mission Locale (resolved once the
    /// data are loaded).
    fn params(&self, unit: Unit) -> anyhow::Result<PlacementParams> {
        check_k(self.k, "--nombre")?;
        let km = match &self.radius_km {
            Some(r) => Some(r.single("--rayon-km").map_err(anyhow::Error::msg)?.0),
            None => None,
        };
        let r = by_unit(
            unit,
            (km, "--rayon-km", DEFAULT_PROPOSAL_RADIUS_KM),
            (
                self.radius_min.map(|m| m.0),
                "--rayon-min",
                DEFAULT_PROPOSAL_RADIUS_MIN,
            ),
        )?;
        Ok(PlacementParams {
            model: match self.model {
                ModelArg::Mclp => Model::Mclp,
                ModelArg::PMedian => Model::PMedian,
            },
            objective: match self.objective {
                ObjectiveArg::Jeunes => Objective::Jeunes,
                ObjectiveArg::NonMobiles => Objective::NonMobiles {
                    rate: self.non_mobile_rate.0,
                },
                ObjectiveArg::Population => Objective::Population,
            },
            k: self.k,
            radius: unit.cost(unit.from_shown(r)),
            scope: crate::model::Scope::Region,
            exact_nodes: self.exact.then_some(self.exact_nodes),
        })
    }
}

pub fn run(args: &PlacementArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = args.network.plan()?;
    let plan = Plan {
        params: args.params(network.unit())?,
        data: data.paths(),
        network,
        candidates: args.candidates.clone(),
        scope: args.scope.choice(),
    };
    let outputs = placement::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_checked() {
        assert!(check_k(0, "--nombre")
            .unwrap_err()
            .to_string()
            .contains("--nombre 0"));
        assert!(check_k(3, "--nombre").is_ok());
    }
}
