//! Placing new permanences: where `k` new sites would reach the most demand
//! far from any site today (maximal covering location, MCLP), or bring it
//! closest (p-median), existing sites fixed.
//!
//! Demand sits at each commune's reference point (its town hall), weighted
//! by its young people, its estimated non-mobile young people or its
//! population. A site covers a commune at radius `R` when it stands in the
//! commune or within `R` of its town hall — the rule of
//! [`crate::analysis::coverage`]. `R` and every cost are in the run's
//! measure ([`crate::analysis::measure`]): geodesic metres, or minutes from
//! the town hall to the candidate by network (`--rayon-min`). Candidates are points (town halls, France
//! services, or a user's list) located in the commune they stand in.
//!
//! [`solver`] finds the sites and a bound on the optimum; [`exact`] proves
//! the optimum of small instances with a MILP solver.

pub mod exact;
pub mod solver;

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::analysis::basics::Basics;
use crate::analysis::measure::Measure;
use crate::analysis::stats::{summarise, WeightedSummary};
use crate::base::{Cost, LonLat, Unit};
use crate::model::Scope;
use crate::model::Territory;
use solver::{Problem, Solution, SolveOptions};

/// The placement model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// Maximise the demand newly within the radius of a site.
    Mclp,
    /// Minimise the demand-weighted distance to the nearest site.
    PMedian,
}

impl Model {
    pub fn code(self) -> &'static str {
        match self {
            Model::Mclp => "mclp",
            Model::PMedian => "p-median",
        }
    }
    /// The model in words, as a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            Model::Mclp => "couverture maximale",
            Model::PMedian => "p-médiane (distance pondérée)",
        }
    }
}

/// What the demand of a commune is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// Young people aged 16–25.
    Jeunes,
    /// Young people who cannot leave their commune: `rate × jeunes`.
    NonMobiles { rate: f64 },
    /// Inhabitants.
    Population,
}

impl Objective {
    pub fn code(self) -> &'static str {
        match self {
            Objective::Jeunes => "jeunes",
            Objective::NonMobiles { .. } => "non-mobiles",
            Objective::Population => "population",
        }
    }
    /// The demand of commune `i`.
    pub fn weight(self, t: &Territory, i: usize) -> f64 {
        match self {
            Objective::Jeunes => t.jeunes[i] as f64,
            Objective::NonMobiles { rate } => rate * t.jeunes[i] as f64,
            Objective::Population => t.communes[i].population as f64,
        }
    }
    /// Whether every weight is a whole number.
    fn integral(self) -> bool {
        !matches!(self, Objective::NonMobiles { .. })
    }
}

/// A place where a new site could open.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    /// A label for tables (`Mairie de …`, the France services' name…).
    pub nom: String,
    pub position: LonLat,
    /// The commune it stands in, if any.
    pub commune: Option<usize>,
}

/// One candidate per commune, at its reference point (the town hall, or a
/// point inside the commune when the town hall is unknown or misplaced).
pub fn mairie_candidates(t: &Territory) -> Vec<Candidate> {
    t.communes
        .iter()
        .enumerate()
        .map(|(i, c)| Candidate {
            id: format!("mairie-{}", c.code),
            nom: format!("Mairie de {}", c.nom),
            position: c.reference,
            commune: Some(i),
        })
        .collect()
}

/// Candidates at given points, each located in the commune it stands in.
pub fn point_candidates(
    t: &Territory,
    ids: Vec<String>,
    noms: Vec<String>,
    points: &[LonLat],
) -> Vec<Candidate> {
    let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
    let index = crate::index::PolygonIndex::new(&geoms);
    let communes: Vec<Option<usize>> = points.par_iter().map(|p| index.locate(*p)).collect();
    ids.into_iter()
        .zip(noms)
        .zip(points.iter().zip(communes))
        .map(|((id, nom), (&position, commune))| Candidate {
            id,
            nom,
            position,
            commune,
        })
        .collect()
}

/// The settings of one placement.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementParams {
    pub model: Model,
    pub objective: Objective,
    /// Number of new sites.
    pub k: usize,
    /// Coverage radius (the MCLP's radius; for p-median, the radius at which
    /// "newly covered" is reported), in the unit of the run's measure.
    pub radius: Cost,
    /// The perimeter of demand and candidates (the whole territory, a
    /// Mission Locale, a département or an EPCI); every site serves it,
    /// wherever it stands.
    pub scope: Scope,
    /// Run the exact MILP solver with this node budget.
    pub exact_nodes: Option<u64>,
}

/// Why a placement cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlacementError {
    #[error("k = 0 : demandez au moins un nouveau site")]
    ZeroK,
    #[error(
        "k = {k} dépasse les {candidates} candidats disponibles{scope} : au plus une \
             permanence par candidat ; donnez d'autres candidats (--candidats france-services, ou \
             un fichier de candidats) ou moins de sites"
    )]
    TooFewCandidates {
        k: usize,
        candidates: usize,
        scope: String,
    },
    #[error("le rayon doit être une distance ou une durée positive")]
    BadRadius,
    #[error("solveur exact : {0}")]
    Exact(String),
}

/// A chosen site, in rank order.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Index into the candidates.
    pub candidate: usize,
    /// What it adds to the objective given the sites ranked before it.
    pub gain: f64,
    pub cumulative: f64,
    /// Communes within the radius that no existing site nor better-ranked
    /// new site covered.
    pub communes_covered: usize,
    pub jeunes_covered: u64,
    pub population_covered: u64,
}

/// A commune's situation before or after the placement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommuneState {
    /// Cost of the nearest site (metres or minutes; 0 when a site stands in
    /// the commune).
    pub cost: Option<f64>,
    pub covered: bool,
}

/// How the answer was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Greedy, swaps and Lagrangian bound.
    Heuristic,
    /// The same, then the MILP solver from the heuristic's answer: its root
    /// LP relaxation only (`nodes == 0`) or branch and bound.
    Exact { proven: bool, nodes: u64 },
}

/// The result of a placement.
#[derive(Debug, Clone)]
pub struct Placement {
    pub params: PlacementParams,
    /// The unit of the radius and the costs.
    pub unit: Unit,
    /// Candidates inside the perimeter (all of them without `--ml`).
    pub candidates_in_scope: usize,
    /// Candidates that could add something to the objective.
    pub candidates_useful: usize,
    /// Communes of the perimeter, ascending.
    pub demand: Vec<usize>,
    pub placed: Vec<Placed>,
    pub solution: Solution,
    pub method: Method,
    /// Objective before: demand covered (MCLP) or demand-weighted distance in
    /// km, or time in minutes (p-median), with the existing sites.
    pub objective_before: f64,
    /// Objective after, and the best value any choice of `k` could reach
    /// (an upper bound for MCLP, a lower bound for p-median).
    pub objective_after: f64,
    pub objective_bound: f64,
    /// Per commune (all communes, same order; those outside the perimeter
    /// keep their state).
    pub before: Vec<CommuneState>,
    pub after: Vec<CommuneState>,
}

impl Placement {
    /// Relative optimality gap of the answer.
    pub fn gap(&self) -> f64 {
        self.solution
            .gap_against_objective(self.objective_before, self.params.model)
    }
}

impl Solution {
    /// The gap on the objective users read: covered demand (MCLP) or total
    /// weighted distance (p-median), rather than on the savings.
    fn gap_against_objective(&self, before: f64, model: Model) -> f64 {
        match model {
            Model::Mclp => {
                let ub = before + self.bound;
                if ub > 0.0 {
                    ((self.bound - self.value) / ub).max(0.0)
                } else {
                    0.0
                }
            }
            Model::PMedian => {
                let cost = before - self.value;
                if cost > 0.0 {
                    ((self.bound - self.value) / cost).max(0.0)
                } else {
                    0.0
                }
            }
        }
    }
}

/// Branch-and-bound nodes the covering model may use without `--exact`.
pub const DEFAULT_MCLP_NODES: u64 = 2_000;

/// Cost assumed when no site can be reached at all (p-median's fallback
/// cost), in km or minutes.
const NO_SITE: f64 = 1_000.0;

/// Chooses `params.k` new sites among `candidates`; `b` and `measure` are
/// the same measure (the costs of the existing sites come from `b`).
pub fn place(
    t: &Territory,
    b: &Basics,
    measure: &Measure<'_>,
    candidates: &[Candidate],
    params: &PlacementParams,
) -> Result<Placement, PlacementError> {
    let unit = measure.unit();
    let no_site = unit.from_shown(NO_SITE);
    if params.k == 0 {
        return Err(PlacementError::ZeroK);
    }
    let radius = match params.radius.value_in(unit) {
        Some(r) if r.is_finite() && r > 0.0 => r,
        _ => return Err(PlacementError::BadRadius),
    };
    let in_scope = |i: usize| params.scope.has_commune(t, i);
    let whole = params.scope == Scope::Region;
    let demand: Vec<usize> = (0..t.communes.len()).filter(|&i| in_scope(i)).collect();
    // Candidates in the perimeter (without --ml, also those outside every commune).
    let cand: Vec<usize> = (0..candidates.len())
        .filter(|&j| match candidates[j].commune {
            Some(i) => in_scope(i),
            None => whole,
        })
        .collect();
    if params.k > cand.len() {
        return Err(PlacementError::TooFewCandidates {
            k: params.k,
            candidates: cand.len(),
            scope: if whole {
                String::new()
            } else {
                format!(" sur le territoire de {}", params.scope.name(t))
            },
        });
    }
    let before: Vec<CommuneState> = (0..t.communes.len())
        .map(|i| {
            let cost = b.effective_cost(i);
            CommuneState {
                cost,
                covered: cost.is_some_and(|d| d <= radius),
            }
        })
        .collect();
    // Local candidate numbering 0..cand.len().
    let positions: Vec<LonLat> = cand.iter().map(|&j| candidates[j].position).collect();
    let mut inside: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (l, &j) in cand.iter().enumerate() {
        if let Some(i) = candidates[j].commune {
            inside.entry(i).or_default().push(l);
        }
    }
    let origins: Vec<LonLat> = demand.iter().map(|&i| t.communes[i].reference).collect();
    // Costs from each demand to the candidates within its reach (none when
    // the reach is negative), plus those standing in the commune (cost zero).
    let near = |reach: &dyn Fn(usize) -> Option<f64>| -> Vec<Vec<(usize, f64)>> {
        let reaches: Vec<f64> = demand.iter().map(|&i| reach(i).unwrap_or(-1.0)).collect();
        let (mut rows, _) = measure.within(&origins, &reaches, &positions);
        for (row, (&i, &r)) in rows.iter_mut().zip(demand.iter().zip(&reaches)) {
            if let (Some(ls), true) = (inside.get(&i), r >= 0.0) {
                row.extend(ls.iter().map(|&l| (l, 0.0)));
            }
        }
        rows
    };
    let weight: Vec<f64> = (0..t.communes.len())
        .map(|i| params.objective.weight(t, i))
        .collect();
    // The covering problem, needed by both models for the report.
    let cover_rows = near(&|i| (!before[i].covered && weight[i] > 0.0).then_some(radius));
    let cover_pairs: Vec<Vec<(usize, usize, f64)>> = cover_rows
        .into_iter()
        .enumerate()
        .map(|(di, row)| {
            let i = demand[di];
            row.into_iter().map(|(l, _)| (di, l, weight[i])).collect()
        })
        .collect();
    let cover = Problem::new(demand.len(), cand.len(), &cover_pairs.concat());
    let problem = match params.model {
        Model::Mclp => cover.clone(),
        Model::PMedian => {
            let d0 = |i: usize| before[i].cost.unwrap_or(no_site);
            let rows = near(&|i| (d0(i) > 0.0 && weight[i] > 0.0).then(|| d0(i)));
            let pairs: Vec<Vec<(usize, usize, f64)>> = rows
                .into_iter()
                .enumerate()
                .map(|(di, row)| {
                    let i = demand[di];
                    row.into_iter()
                        .filter(|&(_, d)| d < d0(i))
                        .map(|(l, d)| (di, l, unit.weighted(weight[i], d0(i) - d)))
                        .collect()
                })
                .collect();
            Problem::new(demand.len(), cand.len(), &pairs.concat())
        }
    };
    let integral = params.model == Model::Mclp && params.objective.integral();
    // Covering problems: a short Lagrangian phase, then the MILP solver from
    // the heuristic's answer with a bounded number of branch-and-bound nodes
    // (deterministic, unlike a time limit): their LP relaxation is tight, so
    // this usually proves the optimum in milliseconds (K = 25 at 5 km on the
    // region: 0.05 s). p-median: the Lagrangian bound alone, its LP being
    // much larger; `exact_nodes` sets the budget on either.
    let opts = SolveOptions {
        integral,
        max_iterations: if params.model == Model::Mclp {
            300
        } else {
            3_000
        },
        ..SolveOptions::default()
    };
    let mut solution = solver::solve(&problem, params.k, &opts);
    let mut method = Method::Heuristic;
    let nodes = match (params.exact_nodes, params.model) {
        (Some(n), _) => Some(n),
        (None, Model::Mclp) => Some(DEFAULT_MCLP_NODES),
        (None, Model::PMedian) => None,
    };
    if let Some(nodes) = nodes {
        if solution.gap() > 0.0 {
            let out = exact::solve_exact(&problem, params.k, &solution, nodes)
                .map_err(PlacementError::Exact)?;
            method = Method::Exact {
                proven: out.proven,
                nodes: out.nodes,
            };
            solution = out.solution;
        }
    }
    // Rank the chosen sites and count what each newly covers.
    let ranked = problem.rank(&solution.chosen);
    let mut covered_now = vec![false; demand.len()];
    let mut cumulative = 0.0;
    let placed: Vec<Placed> = ranked
        .iter()
        .map(|&(l, gain)| {
            cumulative += gain;
            let mut p = Placed {
                candidate: cand[l],
                gain,
                cumulative,
                communes_covered: 0,
                jeunes_covered: 0,
                population_covered: 0,
            };
            for &(di, _) in cover.of_candidate(l) {
                let di = di as usize;
                if !covered_now[di] {
                    covered_now[di] = true;
                    let i = demand[di];
                    p.communes_covered += 1;
                    p.jeunes_covered += t.jeunes[i];
                    p.population_covered += t.communes[i].population;
                }
            }
            p
        })
        .collect();
    // The situation after: existing sites plus the chosen ones.
    let chosen_pos: Vec<LonLat> = solution.chosen.iter().map(|&l| positions[l]).collect();
    let from_chosen = measure.towards(&chosen_pos).nearest(&origins).costs;
    let mut after = before.clone();
    for (di, &i) in demand.iter().enumerate() {
        let mut d = from_chosen[di].map(|c| c.value);
        if solution
            .chosen
            .iter()
            .any(|&l| candidates[cand[l]].commune == Some(i))
        {
            d = Some(0.0);
        }
        let best = match (before[i].cost, d) {
            (Some(a), Some(b)) => Some(if b < a { b } else { a }),
            (a, b) => a.or(b),
        };
        after[i] = CommuneState {
            cost: best,
            covered: best.is_some_and(|d| d <= radius),
        };
    }
    let objective_before = match params.model {
        Model::Mclp => demand
            .iter()
            .filter(|&&i| before[i].covered)
            .map(|&i| weight[i])
            .sum(),
        Model::PMedian => demand
            .iter()
            .map(|&i| unit.weighted(weight[i], before[i].cost.unwrap_or(no_site)))
            .sum(),
    };
    let (objective_after, objective_bound) = match params.model {
        Model::Mclp => (
            objective_before + solution.value,
            objective_before + solution.bound,
        ),
        Model::PMedian => (
            objective_before - solution.value,
            objective_before - solution.bound,
        ),
    };
    Ok(Placement {
        params: params.clone(),
        unit,
        candidates_in_scope: cand.len(),
        candidates_useful: problem.useful_candidates(),
        demand,
        placed,
        solution,
        method,
        objective_before,
        objective_after,
        objective_bound,
        before,
        after,
    })
}

/// Before/after figures for one perimeter.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeSummary {
    pub scope: Scope,
    pub communes: usize,
    pub population: u64,
    pub jeunes: u64,
    pub jeunes_covered: [u64; 2],
    pub population_covered: [u64; 2],
    /// Distance in km (or time in minutes) weighted by young people, before
    /// and after.
    pub distance_jeunes: [Option<WeightedSummary>; 2],
    /// Distance in km (or time in minutes) weighted by population, before
    /// and after.
    pub distance_population: [Option<WeightedSummary>; 2],
}

/// The before/after summary by region, département and Mission Locale, over
/// the placement's perimeter. Sorted by scope.
pub fn summarise_placement(t: &Territory, p: &Placement) -> Vec<ScopeSummary> {
    type Acc = (ScopeSummary, [Vec<(f64, f64)>; 2], [Vec<(f64, f64)>; 2]);
    let mut acc: BTreeMap<Scope, Acc> = BTreeMap::new();
    for &i in &p.demand {
        let c = &t.communes[i];
        for scope in Scope::perimeters_of_commune(t, i, &p.params.scope) {
            let e = acc.entry(scope.clone()).or_insert_with(|| {
                (
                    ScopeSummary {
                        scope,
                        communes: 0,
                        population: 0,
                        jeunes: 0,
                        jeunes_covered: [0; 2],
                        population_covered: [0; 2],
                        distance_jeunes: [None; 2],
                        distance_population: [None; 2],
                    },
                    [Vec::new(), Vec::new()],
                    [Vec::new(), Vec::new()],
                )
            });
            e.0.communes += 1;
            e.0.population += c.population;
            e.0.jeunes += t.jeunes[i];
            for (k, state) in [p.before[i], p.after[i]].iter().enumerate() {
                if state.covered {
                    e.0.jeunes_covered[k] += t.jeunes[i];
                    e.0.population_covered[k] += c.population;
                }
                if let Some(d) = state.cost {
                    let d = p.unit.shown(d);
                    e.1[k].push((d, t.jeunes[i] as f64));
                    e.2[k].push((d, c.population as f64));
                }
            }
        }
    }
    acc.into_values()
        .map(|(mut s, dj, dp)| {
            for k in 0..2 {
                s.distance_jeunes[k] = summarise(&dj[k]);
                s.distance_population[k] = summarise(&dp[k]);
            }
            s
        })
        .collect()
}
