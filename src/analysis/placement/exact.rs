//! Exact solutions of small placement problems with a MILP solver
//! ([microlp](https://docs.rs/microlp), pure Rust: it builds anywhere cargo
//! does, unlike HiGHS, which needs cmake and a C++ build).
//!
//! The model is the textbook one. Covering form (every positive saving of a
//! demand equals its weight `w_i`):
//!
//! ```text
//! max Σ_i w_i y_i   s.t.  y_i ≤ Σ_{j covers i} x_j,  Σ_j x_j ≤ k,  x binary, 0 ≤ y ≤ 1
//! ```
//!
//! Savings form: `max Σ s_ij z_ij  s.t.  Σ_j z_ij ≤ 1,  z_ij ≤ x_j,  Σ_j x_j ≤ k`.
//!
//! The heuristic's answer seeds the search (warm start), a node budget keeps
//! the run bounded and deterministic, and the solver's answer is checked by
//! recomputing its objective: it is kept only if it is at least as good.

use microlp::{ComparisonOp, OptimizationDirection, SolveOptions as MipOptions};

use crate::analysis::placement::solver::{Problem, Solution};

/// What the exact solver concluded.
#[derive(Debug, Clone, PartialEq)]
pub struct ExactOutcome {
    pub solution: Solution,
    /// The solver proved the optimum.
    pub proven: bool,
    /// Branch-and-bound nodes explored.
    pub nodes: u64,
}

/// Solves `p` for at most `k` candidates, starting from `start` (the
/// heuristic's solution, whose bound is kept if the solver's is weaker).
/// Gives up after `node_limit` nodes with the best answer found.
pub fn solve_exact(
    p: &Problem,
    k: usize,
    start: &Solution,
    node_limit: u64,
) -> Result<ExactOutcome, String> {
    let mut m = microlp::Problem::new(OptimizationDirection::Maximize);
    let useful: Vec<usize> = (0..p.n_candidates())
        .filter(|&j| !p.of_candidate(j).is_empty())
        .collect();
    let mut x = vec![None; p.n_candidates()];
    for &j in &useful {
        x[j] = Some(m.add_binary_var(0.0));
    }
    let var = |j: u32| x[j as usize].expect("a candidate with a saving has a variable");
    let mut warm: Vec<(microlp::Variable, f64)> = useful
        .iter()
        .map(|&j| {
            (
                var(j as u32),
                f64::from(u8::from(start.chosen.contains(&j))),
            )
        })
        .collect();
    let best = p.best_savings(&start.chosen);
    if p.is_coverage_form() {
        for (i, &b) in best.iter().enumerate() {
            let row = p.of_demand(i);
            let Some(&(_, w)) = row.first() else { continue };
            let y = m.add_var(w, (0.0, 1.0));
            let mut expr: Vec<(microlp::Variable, f64)> = vec![(y, 1.0)];
            expr.extend(row.iter().map(|&(j, _)| (var(j), -1.0)));
            m.add_constraint(expr.as_slice(), ComparisonOp::Le, 0.0);
            warm.push((y, if b > 0.0 { 1.0 } else { 0.0 }));
        }
    } else {
        for i in 0..p.n_demand() {
            let row = p.of_demand(i);
            if row.is_empty() {
                continue;
            }
            // The warm start serves each demand from its best open candidate.
            let served = row
                .iter()
                .filter(|&&(j, _)| start.chosen.contains(&(j as usize)))
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|&(j, _)| j);
            let mut one: Vec<(microlp::Variable, f64)> = Vec::with_capacity(row.len());
            for &(j, s) in row {
                let z = m.add_var(s, (0.0, 1.0));
                m.add_constraint([(z, 1.0), (var(j), -1.0)].as_slice(), ComparisonOp::Le, 0.0);
                one.push((z, 1.0));
                warm.push((z, if served == Some(j) { 1.0 } else { 0.0 }));
            }
            m.add_constraint(one.as_slice(), ComparisonOp::Le, 1.0);
        }
    }
    let all: Vec<(microlp::Variable, f64)> = useful.iter().map(|&j| (var(j as u32), 1.0)).collect();
    if !all.is_empty() {
        m.add_constraint(all.as_slice(), ComparisonOp::Le, k as f64);
    }
    let mut options = MipOptions::default();
    options.node_limit = Some(node_limit);
    options.warm_start = Some(warm);
    // microlp documents that it may still fail on hard problems: a failure
    // is reported, never a crash of the whole run.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| m.solve_with(options)))
        .map_err(|_| "le solveur MILP s'est arrêté sur une erreur interne".to_string())?
        .map_err(|e| format!("le solveur MILP a échoué : {e}"))?;
    let nodes = outcome.stats().nodes_solved;
    let proven = outcome.is_optimal();
    let solver_bound = outcome.stats().best_bound;
    let Some(sol) = outcome.solution() else {
        return Ok(ExactOutcome {
            solution: start.clone(),
            proven: false,
            nodes,
        });
    };
    let mut chosen: Vec<usize> = useful
        .iter()
        .copied()
        .filter(|&j| sol.var_value_raw(var(j as u32)) > 0.5)
        .collect();
    chosen.sort_unstable();
    let value = p.value(&chosen);
    // Keep the solver's set only if it really is at least as good.
    let (chosen, value) = if value >= start.value && chosen.len() <= k {
        (chosen, value)
    } else {
        (start.chosen.clone(), start.value)
    };
    let bound = if proven {
        value
    } else {
        solver_bound
            .map_or(start.bound, |b| b.min(start.bound))
            .max(value)
    };
    Ok(ExactOutcome {
        solution: Solution {
            chosen,
            value,
            bound,
            iterations: start.iterations,
            swaps: start.swaps,
        },
        proven,
        nodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::placement::solver::{greedy, SolveOptions};
    use crate::seeded::SplitMix64;

    fn exhaustive(p: &Problem, k: usize) -> f64 {
        let m = p.n_candidates();
        let mut best = 0.0f64;
        for mask in 0u32..(1 << m) {
            if mask.count_ones() as usize <= k {
                let set: Vec<usize> = (0..m).filter(|j| mask & (1 << j) != 0).collect();
                best = best.max(p.value(&set));
            }
        }
        best
    }

    #[test]
    fn exact_reaches_the_exhaustive_optimum_from_a_poor_start() {
        for seed in 0..12u64 {
            let mut r = SplitMix64(seed);
            let n = 30;
            let m = 12;
            let covering = seed % 2 == 0;
            let mut t = Vec::new();
            for i in 0..n {
                let w = (1.0 + 20.0 * r.next_f64()).floor();
                for j in 0..m {
                    let x = r.next_f64();
                    if covering && x < 0.2 {
                        t.push((i, j, w));
                    } else if !covering && x < 0.4 {
                        t.push((i, j, (w * x * 10.0).round()));
                    }
                }
            }
            let p = Problem::new(n, m, &t);
            let k = 3;
            // Start from the greedy answer alone, with a loose bound, so the
            // solver has work to do.
            let g = greedy(&p, k);
            let start = Solution {
                value: p.value(&g),
                chosen: g,
                bound: f64::INFINITY,
                iterations: 0,
                swaps: 0,
            };
            let out = solve_exact(&p, k, &start, 100_000).unwrap();
            let opt = exhaustive(&p, k);
            assert!(out.proven, "seed {seed}");
            assert_eq!(out.solution.value, opt, "seed {seed}");
            assert_eq!(out.solution.bound, opt, "seed {seed}");
            assert_eq!(p.value(&out.solution.chosen), opt);
            // The heuristic agrees on these small cases.
            let h = crate::analysis::placement::solver::solve(&p, k, &SolveOptions::default());
            assert_eq!(h.value, opt, "seed {seed}: heuristic");
        }
    }
}
