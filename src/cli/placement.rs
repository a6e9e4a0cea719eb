//! `maillage placement`: where k new permanences would reach the most young
//! people far from any site today.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::analysis::basics::Basics;
use crate::analysis::measure::Measure;
use crate::analysis::placement::{
    mairie_candidates, place, point_candidates, summarise_placement, Candidate, Method, Model,
    Objective, Placement, PlacementError, PlacementParams,
};
use crate::analysis::results::PlacementResults;
use crate::base::french;
use crate::base::Unit;
use crate::cli::args::{
    by_unit, parse_candidates, parse_minutes, parse_ml, parse_radii, parse_share, CandidateSource,
    Minutes, MlArg, NetworkArgs, ProposalArgs, Radii, Share,
};
use crate::cli::reseau::RunNetwork;
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::load::points::parse_points;
use crate::load::territory::defaults;
use crate::model::Territory;

const EXAMPLES: &str = "\
Exemples :
  maillage placement
  maillage placement --k 5 --radius-km 5 --objective non-mobiles
  maillage placement --k 3 --ml 59183 --exact
  maillage placement --k 10 --candidates france-services --model p-median
  maillage placement --k 4 --candidates mes_locaux.csv     (CSV id,lon,lat[,nom])
  maillage placement --reseau hauts-de-france.reseau --mode velo --radius-min 20";

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
    #[arg(long, value_name = "K", default_value_t = 10)]
    pub k: usize,
    /// Rayon en km à vol d'oiseau dans lequel un site couvre une commune
    /// (depuis sa mairie) ; un seul. Par défaut 10.
    #[arg(long, value_name = "KM", value_parser = parse_radii)]
    pub radius_km: Option<Radii>,
    /// Avec --reseau et --mode : temps de parcours en minutes depuis la
    /// mairie dans lequel un site couvre une commune. Par défaut 30 (la
    /// promesse des France services : un accueil à moins de 30 minutes).
    #[arg(long, value_name = "MIN", value_parser = parse_minutes)]
    pub radius_min: Option<Minutes>,
    /// Où de nouveaux sites peuvent ouvrir : `mairies` (toutes les mairies),
    /// `france-services` (les 205 France services de la région) ou un fichier
    /// CSV `id,lon,lat` avec une colonne `nom` facultative.
    #[arg(
        long,
        value_name = "mairies|france-services|FILE",
        default_value = "mairies",
        value_parser = parse_candidates
    )]
    pub candidates: CandidateSource,
    /// La demande à servir.
    #[arg(long, value_enum, default_value_t = ObjectiveArg::Jeunes)]
    pub objective: ObjectiveArg,
    /// Part des jeunes qui ne peuvent pas quitter leur commune, pour
    /// `--objective non-mobiles` (0.32 dans le rapport 2024).
    #[arg(long, value_name = "RATE", default_value = "0.32", value_parser = parse_share)]
    pub non_mobile_rate: Share,
    /// `mclp` : couvrir le plus de demande nouvelle ; `p-median` : réduire la
    /// distance au site le plus proche, pondérée par la demande.
    #[arg(long, value_enum, default_value_t = ModelArg::Mclp)]
    pub model: ModelArg,
    /// Limiter la demande et les candidats à une Mission Locale : son code
    /// (62041), son nom ou la ville de son siège (Arras).
    #[arg(long, value_name = "ML", value_parser = parse_ml)]
    pub ml: Option<MlArg>,
    /// Prouver l'optimum avec un solveur en nombres entiers (pour de petites
    /// instances : une ML, quelques centaines de candidats).
    #[arg(long)]
    pub exact: bool,
    /// Nombre de nœuds de l'arbre de recherche de --exact.
    #[arg(long, value_name = "N", default_value_t = 200_000, requires = "exact")]
    pub exact_nodes: u64,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Default of `--radius-km`.
const DEFAULT_RADIUS_KM: f64 = 10.0;
/// Default of `--radius-min`.
const DEFAULT_RADIUS_MIN: f64 = 30.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    Jeunes,
    NonMobiles,
    Population,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Mclp,
    PMedian,
}

impl PlacementArgs {
    /// Checks the options that do not need the data.
    pub fn check(&self) -> anyhow::Result<()> {
        check_k(self.k, "--k")?;
        self.radius(self.network.unit()?)?;
        Ok(())
    }

    /// The radius in `unit` (metres or minutes).
    fn radius(&self, unit: Unit) -> anyhow::Result<f64> {
        let km = match &self.radius_km {
            Some(r) => Some(r.single("--radius-km").map_err(anyhow::Error::msg)?.0),
            None => None,
        };
        let r = by_unit(
            unit,
            (km, "--radius-km", DEFAULT_RADIUS_KM),
            (
                self.radius_min.map(|m| m.0),
                "--radius-min",
                DEFAULT_RADIUS_MIN,
            ),
        )?;
        Ok(unit.from_shown(r))
    }

    fn params(&self, t: &Territory) -> anyhow::Result<PlacementParams> {
        let ml = match &self.ml {
            None => None,
            Some(ml) => Some(ml.resolve(t, "--ml")?),
        };
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
            radius: self.radius(self.network.unit()?)?,
            ml,
            exact_nodes: self.exact.then_some(self.exact_nodes),
        })
    }
}

/// Checks a number of new sites, given with its option's name.
pub fn check_k(k: usize, option: &str) -> anyhow::Result<()> {
    if k == 0 {
        anyhow::bail!("{option} 0 : demandez au moins un nouveau site");
    }
    Ok(())
}

/// Reads the candidates.
pub fn load_candidates(
    t: &Territory,
    source: &CandidateSource,
    ctx: &mut Context,
) -> anyhow::Result<Vec<Candidate>> {
    let (path, bytes, prefix) = match source {
        CandidateSource::Mairies => return Ok(mairie_candidates(t)),
        CandidateSource::FranceServices => (
            PathBuf::from(defaults::FRANCE_SERVICES.name),
            defaults::FRANCE_SERVICES.bytes.to_vec(),
            "fs-",
        ),
        CandidateSource::File(p) => (
            p.clone(),
            std::fs::read(p).map_err(|e| Error::io(p, e))?,
            "",
        ),
    };
    // In France the candidates are checked as they are read (with their
    // line); elsewhere against the territory's window.
    let pts = if t.window == crate::base::frame::Window::France {
        parse_points(&path, &bytes, &mut ctx.warnings)?
    } else {
        let pts = crate::load::points::parse_points_within(
            &path,
            &bytes,
            &mut ctx.warnings,
            crate::base::frame::Window::World,
        )?;
        crate::cli::distance::points_outside(t, &path, 0, &pts.ids, &pts.points)?;
        pts
    };
    if pts.ids.is_empty() {
        return Err(Error::file(
            &path,
            "aucun candidat : le fichier a un en-tête mais aucune ligne",
        )
        .into());
    }
    let ids = pts.ids.iter().map(|id| format!("{prefix}{id}")).collect();
    let c = point_candidates(t, ids, pts.names, &pts.points);
    for cand in c.iter().filter(|c| c.commune.is_none()) {
        ctx.warnings.add(
            &path,
            "candidat hors de toute commune du territoire : gardé, il peut desservir \
             les communes dans le rayon, mais n'appartient à aucune ML (écarté avec --ml)",
            cand.id.clone(),
        );
    }
    Ok(c)
}

/// Runs a placement and summarises it by region, département and ML.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    measure: &Measure<'_>,
    candidates: Vec<Candidate>,
    params: &PlacementParams,
) -> anyhow::Result<PlacementResults> {
    let placement = place(t, b, measure, &candidates, params)?;
    let scopes = summarise_placement(t, &placement);
    Ok(PlacementResults {
        candidates,
        placement,
        scopes,
    })
}

/// The report's placement proposal (k new permanences, maximal covering,
/// jeunes).
pub fn report_placement(
    t: &Territory,
    b: &Basics,
    measure: &Measure<'_>,
    args: &ProposalArgs,
    ctx: &mut Context,
) -> anyhow::Result<PlacementResults> {
    ctx.progress.step("placement");
    let candidates = load_candidates(t, &args.placement_candidates, ctx)?;
    // A small territory may have fewer candidates than the default k: the
    // proposal then uses them all rather than failing the whole report.
    let k = args.placement_k.min(candidates.len());
    if k < args.placement_k {
        ctx.warnings.add(
            std::path::Path::new("--placement-k"),
            "moins de candidats que de nouveaux sites demandés : la proposition en place un par candidat",
            format!(
                "{} demandés, {} candidats",
                args.placement_k,
                candidates.len()
            ),
        );
    }
    if k == 0 {
        anyhow::bail!("--placement-candidates : aucun candidat où placer un nouveau site");
    }
    let params = PlacementParams {
        model: Model::Mclp,
        objective: Objective::Jeunes,
        k,
        radius: args.radius(measure.unit())?,
        ml: None,
        exact_nodes: None,
    };
    let p = analyse(t, b, measure, candidates, &params)?;
    ctx.progress.say(&describe(&p.placement));
    Ok(p)
}

/// One line for the terminal.
pub fn describe(p: &Placement) -> String {
    let gap = 100.0 * p.gap();
    let proof = match p.method {
        Method::Exact { proven: true, .. } => "optimum prouvé".to_string(),
        _ if p.solution.gap() == 0.0 => "optimum prouvé".to_string(),
        _ => format!("écart à l'optimum ≤ {gap:.3} %, non prouvé"),
    };
    match p.params.model {
        Model::Mclp => format!(
            "placement : {} sites, {} → {} couverts à {} {} ({proof})",
            p.placed.len(),
            french::int(p.objective_before.round() as u64),
            french::int(p.objective_after.round() as u64),
            p.unit.shown(p.params.radius),
            p.unit.symbol()
        ),
        Model::PMedian => format!(
            "placement : {} sites, coût pondéré {:.0} → {:.0} {} ({proof})",
            p.placed.len(),
            p.objective_before,
            p.objective_after,
            p.unit.symbol()
        ),
    }
}

pub fn run(args: &PlacementArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    args.check()?;
    let t = ctx.load(data)?;
    let params = args.params(&t)?;
    let candidates = load_candidates(&t, &args.candidates, ctx)?;
    let net = RunNetwork::open(&args.network, ctx)?;
    ctx.progress.step("distances");
    let mut r = net.results(&t, ctx);
    ctx.progress.step("placement");
    let p = analyse(&t, &r.basics, &net.measure(), candidates, &params).map_err(|e| {
        match e.downcast_ref::<PlacementError>() {
            // Name the options the user can change.
            Some(PlacementError::TooFewCandidates { .. }) => e.context(format!(
                "--k {} avec --candidates {}",
                args.k,
                args.candidates.code()
            )),
            _ => e,
        }
    })?;
    ctx.progress.say(&describe(&p.placement));
    r.placement = Some(p);
    ctx.write_results(&t, &r, false)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_is_checked() {
        assert!(check_k(0, "--k").unwrap_err().to_string().contains("--k 0"));
        assert!(check_k(3, "--k").is_ok());
    }
}
