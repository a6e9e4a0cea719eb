//! Choosing `k` new sites among candidates, existing sites fixed.
//!
//! Both placement models reduce to one problem. Each demand point `i` gains
//! `s[i][j] ≥ 0` when candidate `j` is open (a *saving*); it keeps the best
//! saving among the open candidates. Find at most `k` candidates maximising
//!
//! ```text
//! f(S) = Σ_i max_{j ∈ S} s[i][j]        (max over an empty set = 0)
//! ```
//!
//! - maximal covering (MCLP): `s[i][j] = w_i` when `j` covers `i` and no
//!   existing site does, else 0; `f` is the demand newly covered;
//! - p-median with fixed sites: `s[i][j] = w_i · max(0, d_i0 − d_ij)`, with
//!   `d_i0` the distance to the nearest existing site; `f` is the reduction of
//!   the demand-weighted distance.
//!
//! [`solve`] runs a greedy start, improves it by vertex substitution (swap
//! one open candidate for a closed one while the objective rises, Teitz and
//! Bart 1968), and proves an upper bound by Lagrangian relaxation of
//! "each demand takes at most one saving" (`Σ_j z_ij ≤ 1`), minimised by
//! subgradient steps: for multipliers `μ ≥ 0`,
//!
//! ```text
//! f(S) ≤ L(μ) = Σ_i μ_i + (sum of the k largest ρ_j),   ρ_j = Σ_i max(0, s[i][j] − μ_i)
//! ```
//!
//! The candidates achieving `L(μ)` also seed new swap searches (a Lagrangian
//! heuristic). The result states the bound, so the gap to the optimum is
//! known. [`crate::analysis::placement::exact`] solves small instances
//! exactly with a MILP solver.
//!
//! Every sum runs in a fixed order (rayon only spreads independent
//! per-candidate sums), and ties break towards the lowest index, so the
//! answer does not depend on the number of threads.

use rayon::prelude::*;

/// A placement problem in savings form, stored both by candidate and by
/// demand (compressed sparse rows).
#[derive(Debug, Clone)]
pub struct Problem {
    n_demand: usize,
    n_cand: usize,
    cand_start: Vec<usize>,
    /// `(demand, saving)` per candidate, ascending demand.
    by_cand: Vec<(u32, f64)>,
    dem_start: Vec<usize>,
    /// `(candidate, saving)` per demand, ascending candidate.
    by_dem: Vec<(u32, f64)>,
    /// Whether every positive saving of a demand equals the same weight (the
    /// covering form), which the exact solver writes more compactly.
    coverage_form: bool,
}

impl Problem {
    /// Builds a problem from `(demand, candidate, saving)` triples. Savings
    /// that are not positive and finite are dropped; a repeated pair keeps
    /// its largest saving.
    ///
    /// # Panics
    /// When a triple names a demand or candidate out of range (a caller bug).
    pub fn new(n_demand: usize, n_cand: usize, triples: &[(usize, usize, f64)]) -> Self {
        assert!(
            n_demand < u32::MAX as usize && n_cand < u32::MAX as usize,
            "indexes are stored as u32"
        );
        let mut t: Vec<(usize, usize, f64)> = triples
            .iter()
            .copied()
            .filter(|&(_, _, s)| s.is_finite() && s > 0.0)
            .collect();
        for &(i, j, _) in &t {
            assert!(i < n_demand && j < n_cand, "pair ({i}, {j}) out of range");
        }
        t.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)).then(b.2.total_cmp(&a.2)));
        t.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut cand_start = vec![0; n_cand + 1];
        for &(_, j, _) in &t {
            cand_start[j + 1] += 1;
        }
        for j in 0..n_cand {
            cand_start[j + 1] += cand_start[j];
        }
        let by_cand: Vec<(u32, f64)> = t.iter().map(|&(i, _, s)| (i as u32, s)).collect();
        t.sort_by_key(|a| (a.0, a.1));
        let mut dem_start = vec![0; n_demand + 1];
        for &(i, _, _) in &t {
            dem_start[i + 1] += 1;
        }
        for i in 0..n_demand {
            dem_start[i + 1] += dem_start[i];
        }
        let by_dem: Vec<(u32, f64)> = t.iter().map(|&(_, j, s)| (j as u32, s)).collect();
        let coverage_form = (0..n_demand).all(|i| {
            let row = &by_dem[dem_start[i]..dem_start[i + 1]];
            row.windows(2).all(|w| w[0].1 == w[1].1)
        });
        Problem {
            n_demand,
            n_cand,
            cand_start,
            by_cand,
            dem_start,
            by_dem,
            coverage_form,
        }
    }

    pub fn n_demand(&self) -> usize {
        self.n_demand
    }
    pub fn n_candidates(&self) -> usize {
        self.n_cand
    }
    /// Number of (demand, candidate) pairs with a positive saving.
    pub fn n_pairs(&self) -> usize {
        self.by_cand.len()
    }
    /// Whether each demand's positive savings are all equal (covering form).
    pub fn is_coverage_form(&self) -> bool {
        self.coverage_form
    }
    /// The demands candidate `j` saves on, with the savings.
    pub fn of_candidate(&self, j: usize) -> &[(u32, f64)] {
        &self.by_cand[self.cand_start[j]..self.cand_start[j + 1]]
    }
    /// The candidates that save on demand `i`, with the savings.
    pub fn of_demand(&self, i: usize) -> &[(u32, f64)] {
        &self.by_dem[self.dem_start[i]..self.dem_start[i + 1]]
    }
    /// Candidates with at least one positive saving.
    pub fn useful_candidates(&self) -> usize {
        (0..self.n_cand)
            .filter(|&j| self.cand_start[j + 1] > self.cand_start[j])
            .count()
    }

    /// `f(S)`: the best saving of each demand, summed in demand order.
    pub fn value(&self, chosen: &[usize]) -> f64 {
        let best = self.best_savings(chosen);
        best.iter().sum()
    }

    /// The best saving of each demand among `chosen`.
    pub fn best_savings(&self, chosen: &[usize]) -> Vec<f64> {
        let mut best = vec![0.0f64; self.n_demand];
        for &j in chosen {
            for &(i, s) in self.of_candidate(j) {
                let b = &mut best[i as usize];
                if s > *b {
                    *b = s;
                }
            }
        }
        best
    }

    /// The gain of opening `j` when demands already have `current` savings.
    fn gain(&self, j: usize, current: &[f64]) -> f64 {
        self.of_candidate(j)
            .iter()
            .map(|&(i, s)| (s - current[i as usize]).max(0.0))
            .sum()
    }

    /// Orders `chosen` greedily: each next one adds the most to those before
    /// it. Returns `(candidate, marginal gain)` pairs.
    pub fn rank(&self, chosen: &[usize]) -> Vec<(usize, f64)> {
        let mut left: Vec<usize> = chosen.to_vec();
        left.sort_unstable();
        let mut current = vec![0.0; self.n_demand];
        let mut out = Vec::with_capacity(left.len());
        while !left.is_empty() {
            let (pos, g) = left
                .iter()
                .enumerate()
                .map(|(p, &j)| (p, self.gain(j, &current)))
                .fold(
                    (0, f64::NEG_INFINITY),
                    |acc, x| if x.1 > acc.1 { x } else { acc },
                );
            let j = left.remove(pos);
            for &(i, s) in self.of_candidate(j) {
                let c = &mut current[i as usize];
                if s > *c {
                    *c = s;
                }
            }
            out.push((j, g));
        }
        out
    }
}

/// How a solution was obtained and how good it is known to be.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Chosen candidates, ascending index.
    pub chosen: Vec<usize>,
    /// `f(chosen)`.
    pub value: f64,
    /// An upper bound on the optimal `f` (equal to `value` when proven optimal).
    pub bound: f64,
    /// Subgradient iterations run for the bound.
    pub iterations: usize,
    /// Swaps that improved a solution.
    pub swaps: usize,
}

impl Solution {
    /// Relative optimality gap, `(bound − value) / bound` (0 when the bound is 0).
    pub fn gap(&self) -> f64 {
        if self.bound > 0.0 {
            ((self.bound - self.value) / self.bound).max(0.0)
        } else {
            0.0
        }
    }
}

/// Settings of [`solve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveOptions {
    /// Largest number of subgradient iterations for the bound.
    pub max_iterations: usize,
    /// Stop once the relative gap is at most this.
    pub target_gap: f64,
    /// The savings are whole numbers (young people, inhabitants): the
    /// optimum is then at most the bound rounded down.
    pub integral: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            max_iterations: 3_000,
            target_gap: 0.0,
            integral: false,
        }
    }
}

/// Greedy start: `k` times, the candidate with the largest gain (lowest
/// index on ties); stops early when no candidate adds anything.
pub fn greedy(p: &Problem, k: usize) -> Vec<usize> {
    let mut current = vec![0.0; p.n_demand];
    let mut open = vec![false; p.n_cand];
    let mut chosen = Vec::new();
    for _ in 0..k {
        let best = (0..p.n_cand)
            .into_par_iter()
            .filter(|&j| !open[j])
            .map(|j| (j, p.gain(j, &current)))
            .reduce(|| (usize::MAX, 0.0), better);
        if best.0 == usize::MAX || best.1 <= 0.0 {
            break;
        }
        let j = best.0;
        open[j] = true;
        chosen.push(j);
        for &(i, s) in p.of_candidate(j) {
            let c = &mut current[i as usize];
            if s > *c {
                *c = s;
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The larger gain, the lower index on ties: associative and commutative, so
/// a parallel reduction gives the same answer in any order.
fn better(a: (usize, f64), b: (usize, f64)) -> (usize, f64) {
    if b.1 > a.1 || (b.1 == a.1 && b.0 < a.0) {
        b
    } else {
        a
    }
}

/// Best and second-best savings of each demand among the open candidates.
struct Assignment {
    best: Vec<f64>,
    best_site: Vec<u32>,
    second: Vec<f64>,
}

const NONE: u32 = u32::MAX;

impl Assignment {
    fn new(p: &Problem, chosen: &[usize]) -> Self {
        let mut a = Assignment {
            best: vec![0.0; p.n_demand],
            best_site: vec![NONE; p.n_demand],
            second: vec![0.0; p.n_demand],
        };
        let mut sorted = chosen.to_vec();
        sorted.sort_unstable();
        for &j in &sorted {
            for &(i, s) in p.of_candidate(j) {
                let i = i as usize;
                if s > a.best[i] {
                    a.second[i] = a.best[i];
                    a.best[i] = s;
                    a.best_site[i] = j as u32;
                } else if s > a.second[i] {
                    a.second[i] = s;
                }
            }
        }
        a
    }
}

/// Vertex substitution: while some swap of an open candidate for a closed
/// one raises the objective, make the best such swap (lowest positions and
/// indexes on ties). Returns the improved set (ascending) and the number of
/// swaps made.
pub fn improve(p: &Problem, chosen: &[usize]) -> (Vec<usize>, usize) {
    let mut set: Vec<usize> = chosen.to_vec();
    set.sort_unstable();
    let mut swaps = 0;
    let mut corr = vec![0.0f64; p.n_cand];
    let mut touched: Vec<usize> = Vec::new();
    loop {
        let a = Assignment::new(p, &set);
        let value: f64 = a.best.iter().sum();
        let tol = 1e-9 * value.max(1.0);
        let mut open = vec![false; p.n_cand];
        for &j in &set {
            open[j] = true;
        }
        // Gain of each closed candidate with every open one kept.
        let g0: Vec<f64> = (0..p.n_cand)
            .into_par_iter()
            .map(|j| if open[j] { 0.0 } else { p.gain(j, &a.best) })
            .collect();
        let mut best_move: Option<(usize, usize, f64)> = None;
        for (pos, &s) in set.iter().enumerate() {
            // Removing `s`: the demands it serves fall back to their second
            // best; closed candidates gain more on those demands.
            let mut loss = 0.0;
            for &(i, _) in p.of_candidate(s) {
                let i = i as usize;
                if a.best_site[i] != s as u32 {
                    continue;
                }
                loss += a.best[i] - a.second[i];
                for &(j, sij) in p.of_demand(i) {
                    let j = j as usize;
                    if open[j] {
                        continue;
                    }
                    let extra = (sij - a.second[i]).max(0.0) - (sij - a.best[i]).max(0.0);
                    if extra > 0.0 {
                        if corr[j] == 0.0 {
                            touched.push(j);
                        }
                        corr[j] += extra;
                    }
                }
            }
            // The best replacement: the top plain gain, or a candidate whose
            // gain rises once `s` is gone.
            let mut cand: Option<(usize, f64)> = None;
            let mut consider = |j: usize, delta: f64| {
                if cand.is_none_or(|(cj, cd)| delta > cd || (delta == cd && j < cj)) {
                    cand = Some((j, delta));
                }
            };
            if let Some((j, g)) = top_closed(&g0, &open) {
                consider(j, g + corr[j] - loss);
            }
            touched.sort_unstable();
            for &j in &touched {
                consider(j, g0[j] + corr[j] - loss);
            }
            for &j in &touched {
                corr[j] = 0.0;
            }
            touched.clear();
            if let Some((j, delta)) = cand {
                if delta > tol && best_move.is_none_or(|(_, _, d)| delta > d) {
                    best_move = Some((pos, j, delta));
                }
            }
        }
        match best_move {
            Some((pos, j, _)) if swaps < 100_000 => {
                set[pos] = j;
                set.sort_unstable();
                swaps += 1;
            }
            _ => break,
        }
    }
    (set, swaps)
}

/// The closed candidate with the largest plain gain (lowest index on ties).
fn top_closed(g0: &[f64], open: &[bool]) -> Option<(usize, f64)> {
    g0.iter()
        .enumerate()
        .filter(|(j, _)| !open[*j])
        .map(|(j, &g)| (j, g))
        .reduce(better)
}

/// The `k` largest values' indexes (value descending, index ascending).
fn top_k(values: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    let order = |a: &usize, b: &usize| values[*b].total_cmp(&values[*a]).then(a.cmp(b));
    if k < idx.len() {
        idx.select_nth_unstable_by(k, order);
        idx.truncate(k);
    }
    idx.sort_unstable_by(order);
    idx
}

/// Greedy start, swaps, and the Lagrangian bound with its heuristic.
pub fn solve(p: &Problem, k: usize, opts: &SolveOptions) -> Solution {
    let start = greedy(p, k);
    let (mut chosen, mut swaps) = improve(p, &start);
    let mut value = p.value(&chosen);
    // Upper bound on the best saving of each demand.
    let smax: Vec<f64> = (0..p.n_demand)
        .map(|i| p.of_demand(i).iter().map(|x| x.1).fold(0.0, f64::max))
        .collect();
    // A feasible bound to start from: every demand at its best saving.
    let mut bound: f64 = smax.iter().sum();
    let finished = |value: f64, bound: f64| {
        let b = if opts.integral {
            (bound + 1e-6).floor()
        } else {
            bound
        };
        b - value <= opts.target_gap * b.max(0.0) + 1e-9 * b.abs().max(1.0)
    };
    let mut iterations = 0;
    if k == 0 || p.n_pairs() == 0 {
        return Solution {
            chosen,
            value,
            bound: value,
            iterations,
            swaps,
        };
    }
    // Multipliers start at the savings the heuristic grants each demand.
    let mut mu = p.best_savings(&chosen);
    let mut theta = 2.0;
    let mut since_improved = 0;
    let mut tried: std::collections::BTreeSet<Vec<usize>> = std::collections::BTreeSet::new();
    while iterations < opts.max_iterations && !finished(value, bound) && theta > 1e-5 {
        iterations += 1;
        let rho: Vec<f64> = (0..p.n_cand)
            .into_par_iter()
            .map(|j| {
                p.of_candidate(j)
                    .iter()
                    .map(|&(i, s)| (s - mu[i as usize]).max(0.0))
                    .sum()
            })
            .collect();
        let top = top_k(&rho, k);
        let l: f64 = mu.iter().sum::<f64>() + top.iter().map(|&j| rho[j]).sum::<f64>();
        if l < bound {
            bound = l;
            since_improved = 0;
        } else {
            since_improved += 1;
            if since_improved >= 20 {
                theta /= 2.0;
                since_improved = 0;
            }
        }
        // Lagrangian heuristic: the candidates of the relaxed optimum.
        let mut seed: Vec<usize> = top.iter().copied().filter(|&j| rho[j] > 0.0).collect();
        seed.sort_unstable();
        if p.value(&seed) > value * (1.0 - 1e-3) && tried.insert(seed.clone()) {
            let (s, n) = improve(p, &seed);
            let v = p.value(&s);
            if v > value {
                chosen = s;
                value = v;
                swaps += n;
            }
        }
        // Subgradient of L at mu: 1 − (open candidates saving on i).
        let mut g = vec![1.0f64; p.n_demand];
        for &j in &top {
            for &(i, s) in p.of_candidate(j) {
                if s > mu[i as usize] {
                    g[i as usize] -= 1.0;
                }
            }
        }
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let step = theta * (l - value).max(1e-9 * l.abs().max(1.0)) / norm;
        for i in 0..p.n_demand {
            mu[i] = (mu[i] - step * g[i]).clamp(0.0, smax[i]);
        }
    }
    if opts.integral {
        bound = (bound + 1e-6).floor().max(value);
    }
    Solution {
        chosen,
        value,
        bound: bound.max(value),
        iterations,
        swaps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seeded::SplitMix64;

    /// A random instance: `n` demands and `m` candidates on the unit square,
    /// integer weights; covering (radius) or savings (distance) form.
    fn instance(seed: u64, n: usize, m: usize, covering: bool) -> Problem {
        let mut r = SplitMix64(seed);
        let dem: Vec<(f64, f64, f64)> = (0..n)
            .map(|_| {
                (
                    r.next_f64(),
                    r.next_f64(),
                    (1.0 + 99.0 * r.next_f64()).floor(),
                )
            })
            .collect();
        let cand: Vec<(f64, f64)> = (0..m).map(|_| (r.next_f64(), r.next_f64())).collect();
        let mut t = Vec::new();
        for (i, &(x, y, w)) in dem.iter().enumerate() {
            // Distance to a fixed existing site at the centre.
            let d0 = ((x - 0.5).powi(2) + (y - 0.5).powi(2)).sqrt();
            for (j, &(cx, cy)) in cand.iter().enumerate() {
                let d = ((x - cx).powi(2) + (y - cy).powi(2)).sqrt();
                if covering {
                    if d <= 0.25 && d0 > 0.25 {
                        t.push((i, j, w));
                    }
                } else {
                    t.push((i, j, w * (d0 - d)));
                }
            }
        }
        Problem::new(n, m, &t)
    }

    /// The optimum by enumerating every set of `k` candidates.
    fn exhaustive(p: &Problem, k: usize) -> f64 {
        fn rec(p: &Problem, k: usize, from: usize, cur: &mut Vec<usize>, best: &mut f64) {
            if cur.len() == k || from == p.n_candidates() {
                *best = best.max(p.value(cur));
                return;
            }
            for j in from..p.n_candidates() {
                cur.push(j);
                rec(p, k, j + 1, cur, best);
                cur.pop();
            }
        }
        let mut best = 0.0;
        rec(p, k, 0, &mut Vec::new(), &mut best);
        best
    }

    #[test]
    fn heuristic_meets_exhaustive_search_and_bound_holds() {
        let mut equal = 0;
        let mut total = 0;
        let mut worst_gap = 0.0f64;
        for seed in 0..40u64 {
            for covering in [true, false] {
                for k in 1..=4 {
                    let p = instance(seed * 7919 + k as u64, 40, 14, covering);
                    let opt = exhaustive(&p, k);
                    let s = solve(
                        &p,
                        k,
                        &SolveOptions {
                            integral: covering,
                            ..SolveOptions::default()
                        },
                    );
                    assert!(s.chosen.len() <= k);
                    assert!((p.value(&s.chosen) - s.value).abs() < 1e-9);
                    assert!(
                        s.value <= opt + 1e-9,
                        "seed {seed} k {k}: beyond the optimum"
                    );
                    assert!(
                        s.bound >= opt - 1e-6,
                        "seed {seed} k {k} covering {covering}: bound {} below optimum {opt}",
                        s.bound
                    );
                    assert!(
                        s.value >= 0.99 * opt,
                        "seed {seed} k {k}: {} far from {opt}",
                        s.value
                    );
                    total += 1;
                    worst_gap = worst_gap.max(s.gap());
                    if (s.value - opt).abs() < 1e-9 {
                        equal += 1;
                    }
                }
            }
        }
        // Greedy plus swaps plus the Lagrangian heuristic finds the optimum
        // on almost every small instance.
        assert!(equal * 100 >= total * 97, "{equal} optimal of {total}");
        // And the Lagrangian bound proves it within a few percent.
        assert!(worst_gap < 0.05, "gap up to {worst_gap}");
    }

    #[test]
    fn greedy_alone_can_miss_what_swaps_find() {
        // Candidate 0 covers the middle of two groups; 1 and 2 cover each
        // group whole. Greedy takes 0 first (6 > 5) and then one group;
        // the optimum is {1, 2}.
        let t = [
            (0, 0, 3.0),
            (1, 0, 3.0),
            (0, 1, 3.0),
            (2, 1, 2.0),
            (1, 2, 3.0),
            (3, 2, 2.0),
        ];
        let p = Problem::new(4, 3, &t);
        assert!(p.is_coverage_form());
        assert_eq!(greedy(&p, 2), vec![0, 1]);
        assert_eq!(p.value(&[0, 1]), 8.0);
        let s = solve(
            &p,
            2,
            &SolveOptions {
                integral: true,
                ..SolveOptions::default()
            },
        );
        assert_eq!(s.chosen, vec![1, 2]);
        assert_eq!(s.value, 10.0);
        assert_eq!(s.bound, 10.0);
        assert_eq!(s.gap(), 0.0);
    }

    #[test]
    fn rank_orders_by_marginal_gain() {
        let t = [(0, 0, 5.0), (1, 1, 2.0), (1, 2, 2.0), (2, 2, 4.0)];
        let p = Problem::new(3, 3, &t);
        assert_eq!(p.rank(&[0, 1, 2]), vec![(2, 6.0), (0, 5.0), (1, 0.0)]);
    }

    #[test]
    fn fewer_useful_candidates_than_k() {
        let p = Problem::new(2, 3, &[(0, 1, 4.0), (1, 1, 1.0)]);
        assert_eq!(p.useful_candidates(), 1);
        let s = solve(&p, 3, &SolveOptions::default());
        assert_eq!(s.chosen, vec![1]);
        assert_eq!(s.value, 5.0);
        assert_eq!(s.bound, 5.0);
        let empty = Problem::new(2, 3, &[(0, 1, 0.0), (1, 2, f64::NAN)]);
        let s = solve(&empty, 2, &SolveOptions::default());
        assert!(s.chosen.is_empty() && s.value == 0.0 && s.bound == 0.0);
    }

    #[test]
    fn same_answer_with_one_thread() {
        let p = instance(99, 400, 120, false);
        let many = solve(&p, 6, &SolveOptions::default());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let one = pool.install(|| solve(&p, 6, &SolveOptions::default()));
        assert_eq!(many, one);
        assert_eq!(many.value.to_bits(), one.value.to_bits());
        assert_eq!(many.bound.to_bits(), one.bound.to_bits());
    }
}
