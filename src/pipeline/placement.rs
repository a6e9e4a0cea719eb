//! `maillage implantation`: where k new permanences would reach the most
//! young people far from any site today; and the report's proposal.

use std::path::PathBuf;

use crate::analysis::basics::Basics;
use crate::analysis::measure::Measure;
use crate::analysis::placement::{
    mairie_candidates, place, point_candidates, summarise_placement, Candidate, Method, Model,
    Objective, Placement, PlacementError, PlacementParams,
};
use crate::analysis::results::PlacementResults;
use crate::base::{french, Cost};
use crate::error::Error;
use crate::load::points::{parse_points, points_outside};
use crate::load::territory::{defaults, DataPaths};
use crate::model::Territory;
use crate::output::write::Outputs;
use crate::pipeline::network::{NetworkPlan, RunNetwork};
use crate::pipeline::{Context, ScopeChoice};

/// Where new sites may open.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateSource {
    /// Every town hall (or the commune's measuring point).
    Mairies,
    /// The embedded France services of the region.
    FranceServices,
    /// A CSV file `id,lon,lat[,nom]`.
    File(PathBuf),
}

impl CandidateSource {
    /// The option's value as given (`mairies`, `france-services` or the path).
    pub fn code(&self) -> String {
        match self {
            CandidateSource::Mairies => "mairies".into(),
            CandidateSource::FranceServices => "france-services".into(),
            CandidateSource::File(p) => p.display().to_string(),
        }
    }
}

/// The proposal of the report and of the maps: `k` new permanences within
/// `radius`, maximal covering of the young people, among `candidates`.
#[derive(Debug, Clone)]
pub struct ProposalOptions {
    pub k: usize,
    pub radius: Cost,
    pub candidates: CandidateSource,
}

/// A `maillage implantation` run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub data: DataPaths,
    pub network: NetworkPlan,
    pub candidates: CandidateSource,
    /// The perimeter of demand and candidates, resolved once the data are
    /// loaded.
    pub scope: ScopeChoice,
    /// The settings, but the perimeter.
    pub params: PlacementParams,
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
        points_outside(t, &path, 0, &pts.ids, &pts.points)?;
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
    args: &ProposalOptions,
    scope: &crate::model::Scope,
    ctx: &mut Context,
) -> anyhow::Result<PlacementResults> {
    ctx.progress.step("placement");
    let candidates = load_candidates(t, &args.candidates, ctx)?;
    // A small territory may have fewer candidates than the default k: the
    // proposal then uses them all rather than failing the whole report.
    let k = args.k.min(candidates.len());
    if k < args.k {
        ctx.warnings.add(
            std::path::Path::new("--implantation-nombre"),
            "moins de candidats que de nouveaux sites demandés : la proposition en place un par candidat",
            format!(
                "{} demandés, {} candidats",
                args.k,
                candidates.len()
            ),
        );
    }
    if k == 0 {
        anyhow::bail!("--implantation-candidats : aucun candidat où placer un nouveau site");
    }
    let params = PlacementParams {
        model: Model::Mclp,
        objective: Objective::Jeunes,
        k,
        radius: args.radius,
        scope: scope.clone(),
        exact_nodes: None,
    };
    let p = analyse(t, b, measure, candidates, &params)?;
    ctx.progress.say(&describe(&p.placement));
    Ok(p)
}

/// One line for the terminal, and when fewer sites were placed than asked,
/// why and what to try.
pub fn describe(p: &Placement) -> String {
    let gap = 100.0 * p.gap();
    let proof = match p.method {
        Method::Exact { proven: true, .. } => "optimum prouvé".to_string(),
        _ if p.solution.gap() == 0.0 => "optimum prouvé".to_string(),
        _ => format!("écart à l'optimum ≤ {gap:.3} %, non prouvé"),
    };
    let radius = p.params.radius;
    let n = p.placed.len();
    let s = french::plural(n);
    let line = match p.params.model {
        Model::Mclp => format!(
            "placement : {n} site{s}, {} → {} couverts à {radius} ({proof})",
            french::int(p.objective_before.round() as u64),
            french::int(p.objective_after.round() as u64),
        ),
        Model::PMedian => format!(
            "placement : {n} site{s}, coût pondéré {:.0} → {:.0} {} ({proof})",
            p.objective_before,
            p.objective_after,
            p.unit.symbol()
        ),
    };
    match why_fewer(p) {
        Some(why) => format!("{line}\n{why}"),
        None => line,
    }
}

/// Why a placement placed fewer sites than asked, and what to try; `None`
/// when it placed them all.
pub fn why_fewer(p: &Placement) -> Option<String> {
    let (asked, placed) = (p.params.k, p.placed.len());
    if placed >= asked {
        return None;
    }
    let radius = p.params.radius;
    let smaller = Cost::km(3.0);
    let try_smaller = match radius {
        Cost::Length(_) if smaller < radius => {
            format!(" (par exemple --rayon-km {})", french::km(smaller.shown()))
        }
        Cost::Length(_) => String::new(),
        Cost::Time(_) => " (--rayon-min)".to_string(),
    };
    let why = if p.candidates_useful == 0 {
        format!(
            "aucune nouvelle permanence placée sur les {asked} demandées : tous les jeunes du \
             périmètre sont déjà à moins de {radius} d'un site, ou aucun candidat n'en rapproche \
             un seul. Essayez un rayon plus petit{try_smaller}, ou d'autres candidats \
             (--candidats france-services, ou un fichier)."
        )
    } else {
        let useful = p.candidates_useful;
        let (s, c) = (french::plural(placed), french::plural(useful));
        let (only, put) = if useful > 1 {
            ("seuls", "mettent")
        } else {
            ("seul", "met")
        };
        format!(
            "{placed} nouvelle{s} permanence{s} placée{s} sur les {asked} demandées : {only} \
             {useful} candidat{c} {put} de nouveaux jeunes à moins de {radius} d'un site. Essayez \
             un rayon plus petit{try_smaller}, ou d'autres candidats (--candidats \
             france-services, ou un fichier)."
        )
    };
    Some(why)
}

/// Loads, measures, reads the candidates and places; the placement tables.
pub fn run(plan: &Plan, ctx: &mut Context) -> anyhow::Result<Outputs> {
    let t = ctx.load(&plan.data)?;
    let mut params = plan.params.clone();
    params.scope = plan.scope.resolve(&t)?;
    let candidates = load_candidates(&t, &plan.candidates, ctx)?;
    let net = RunNetwork::open(&plan.network, ctx)?;
    ctx.progress.step("distances");
    let mut r = net.results(&t, &params.scope, ctx)?;
    ctx.progress.step("placement");
    let p = analyse(&t, &r.basics, &net.measure(), candidates, &params).map_err(|e| {
        match e.downcast_ref::<PlacementError>() {
            // Name the options the user can change.
            Some(PlacementError::TooFewCandidates { .. }) => e.context(format!(
                "--nombre {} avec --candidats {}",
                params.k,
                plan.candidates.code()
            )),
            _ => e,
        }
    })?;
    ctx.progress.say(&describe(&p.placement));
    r.placement = Some(p);
    ctx.tables(&t, &r, false)
}
