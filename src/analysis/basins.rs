//! PAMS mobility basins: sizing the demand for mobility support in each basin,
//! and, when the real list is not given, a proposal of contiguous basins made
//! of whole Mission Locale territories.
//!
//! The AREFIE and its partners defined 10 mobility basins (*Plans d'Action en
//! faveur de la Mobilité Solidaire*, PAMS); their list is not public. The
//! proposal below is a documented regionalisation, not the real basins.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::analysis::basics::Basics;
use crate::analysis::stats::{summarise, WeightedSummary};
use crate::model::{SiteKind, Territory};

/// Regional reference rates used to size the demand.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandRates {
    /// Share of young people who cannot travel beyond their commune.
    pub non_mobile_rate: f64,
    /// Share of young people followed who hold a driving licence.
    pub licence_rate: f64,
    /// By département: young people followed by the MLs in 2024, and the
    /// share of them who received mobility support (key indicators of the
    /// 2024 report).
    pub by_departement: BTreeMap<String, (f64, f64)>,
}

/// A partition of the communes into basins.
#[derive(Debug, Clone, PartialEq)]
pub struct Basins {
    /// Basin names, in output order.
    pub names: Vec<String>,
    /// Basin of each commune (index into `names`), `None` outside every basin.
    pub of_commune: Vec<Option<usize>>,
    /// Whether the basins are this module's proposal (not a user's file).
    pub proposed: bool,
}

/// The size of one basin.
#[derive(Debug, Clone, PartialEq)]
pub struct BasinSize {
    pub communes: usize,
    pub population: u64,
    pub jeunes: u64,
    pub non_mobiles: f64,
    pub without_licence: f64,
    /// Young people followed by the MLs, estimated from the département rates.
    pub followed: f64,
    /// Of them, those expected to need mobility support.
    pub demand: f64,
    /// Population-weighted distance to the nearest site, in km.
    pub distance: Option<WeightedSummary>,
    /// Sites standing in the basin, by kind (order of [`SiteKind::ALL`]).
    pub sites: [usize; 3],
    /// Share of the population living in FRR or FRR+ communes.
    pub frr_population_share: f64,
    /// QPV whose interior point lies in the basin.
    pub qpv: usize,
    /// Missions Locales with communes in the basin.
    pub mls: Vec<usize>,
}

/// Sizes every basin, in the order of `basins.names`.
pub fn size_basins(
    t: &Territory,
    b: &Basics,
    basins: &Basins,
    rates: &DemandRates,
) -> Vec<BasinSize> {
    // Young people per département, to turn the report's counts into rates.
    let mut jeunes_dep: BTreeMap<&str, u64> = BTreeMap::new();
    for (i, c) in t.communes.iter().enumerate() {
        *jeunes_dep.entry(c.departement.as_str()).or_default() += t.jeunes[i];
    }
    let n = basins.names.len();
    let mut out: Vec<BasinSize> = (0..n)
        .map(|_| BasinSize {
            communes: 0,
            population: 0,
            jeunes: 0,
            non_mobiles: 0.0,
            without_licence: 0.0,
            followed: 0.0,
            demand: 0.0,
            distance: None,
            sites: [0; 3],
            frr_population_share: 0.0,
            qpv: 0,
            mls: Vec::new(),
        })
        .collect();
    let mut dists: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    let mut frr_pop = vec![0u64; n];
    let mut mls: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (i, c) in t.communes.iter().enumerate() {
        let Some(k) = basins.of_commune[i] else {
            continue;
        };
        let s = &mut out[k];
        let j = t.jeunes[i] as f64;
        s.communes += 1;
        s.population += c.population;
        s.jeunes += t.jeunes[i];
        s.non_mobiles += rates.non_mobile_rate * j;
        s.without_licence += (1.0 - rates.licence_rate) * j;
        if let (Some((followed, share)), Some(&jd)) = (
            rates.by_departement.get(&c.departement),
            jeunes_dep.get(c.departement.as_str()),
        ) {
            if jd > 0 {
                let f = j * followed / jd as f64;
                s.followed += f;
                s.demand += f * share;
            }
        }
        if t.classement[i].is_frr() {
            frr_pop[k] += c.population;
        }
        if let Some(nst) = &b.nearest[i] {
            dists[k].push((nst.distance.km(), c.population as f64));
        }
        mls[k].insert(t.ml_of_commune[i]);
    }
    for site in &t.sites {
        if let Some(k) = site
            .commune
            .as_ref()
            .and_then(|c| t.commune_index(c))
            .and_then(|i| basins.of_commune[i])
        {
            let kind = SiteKind::ALL
                .iter()
                .position(|x| *x == site.kind)
                .unwrap_or(0);
            out[k].sites[kind] += 1;
        }
    }
    for q in &b.qpv {
        if let Some(k) = q.commune.and_then(|i| basins.of_commune[i]) {
            out[k].qpv += 1;
        }
    }
    for (k, s) in out.iter_mut().enumerate() {
        s.distance = summarise(&dists[k]);
        s.frr_population_share = if s.population == 0 {
            0.0
        } else {
            frr_pop[k] as f64 / s.population as f64
        };
        s.mls = mls[k].iter().copied().collect();
    }
    out
}

/// Which Missions Locales share a border, from the communes' adjacency.
pub fn ml_adjacency(t: &Territory, commune_adjacency: &[Vec<usize>]) -> Vec<BTreeSet<usize>> {
    let mut adj = vec![BTreeSet::new(); t.missions_locales.len()];
    for (i, ns) in commune_adjacency.iter().enumerate() {
        for &j in ns {
            let (a, b) = (t.ml_of_commune[i], t.ml_of_commune[j]);
            if a != b {
                adj[a].insert(b);
                adj[b].insert(a);
            }
        }
    }
    adj
}

/// Whether the MLs of `members` form one connected piece.
fn connected(members: &BTreeSet<usize>, adj: &[BTreeSet<usize>]) -> bool {
    let Some(&start) = members.iter().next() else {
        return false;
    };
    let mut seen = BTreeSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(m) = queue.pop_front() {
        for &n in &adj[m] {
            if members.contains(&n) && seen.insert(n) {
                queue.push_back(n);
            }
        }
    }
    seen.len() == members.len()
}

/// Proposes `k` contiguous basins made of whole ML territories, balanced on
/// young people.
///
/// # Algorithm
/// 1. *Seeds*: the ML with the most young people, then repeatedly the ML
///    farthest (Lambert-93 distance between population-weighted centres)
///    from the seeds already chosen.
/// 2. *Growth*: the basin with the fewest young people takes, among the
///    unassigned MLs bordering it, the one whose centre is nearest its seed;
///    until every ML is assigned.
/// 3. *Balancing*: moves one ML at a time to a neighbouring basin when that
///    lowers the sum of squared deviations from the mean basin size and
///    leaves both basins contiguous and non-empty; the best move first,
///    until no move helps.
///
/// Every step breaks ties by ML code, so the proposal is deterministic.
/// Returns the basin of each ML.
pub fn propose_basins(t: &Territory, ml_adj: &[BTreeSet<usize>], k: usize) -> Vec<usize> {
    let n = t.missions_locales.len();
    let k = k.clamp(1, n.max(1));
    let mut jeunes = vec![0u64; n];
    let mut centre = vec![(0.0, 0.0, 0.0); n];
    for (i, c) in t.communes.iter().enumerate() {
        let m = t.ml_of_commune[i];
        jeunes[m] += t.jeunes[i];
        let p = crate::geom::LAMBERT_93.project(c.reference);
        let w = c.population.max(1) as f64;
        centre[m].0 += p.x * w;
        centre[m].1 += p.y * w;
        centre[m].2 += w;
    }
    let xy: Vec<(f64, f64)> = centre
        .iter()
        .map(|(x, y, w)| if *w > 0.0 { (x / w, y / w) } else { (0.0, 0.0) })
        .collect();
    let dist =
        |a: usize, b: usize| ((xy[a].0 - xy[b].0).powi(2) + (xy[a].1 - xy[b].1).powi(2)).sqrt();

    // 1. Seeds.
    let mut seeds = vec![(0..n)
        .max_by(|&a, &b| jeunes[a].cmp(&jeunes[b]).then(b.cmp(&a)))
        .unwrap_or(0)];
    while seeds.len() < k {
        let next = (0..n).filter(|m| !seeds.contains(m)).max_by(|&a, &b| {
            let da = seeds
                .iter()
                .map(|&s| dist(a, s))
                .fold(f64::INFINITY, f64::min);
            let db = seeds
                .iter()
                .map(|&s| dist(b, s))
                .fold(f64::INFINITY, f64::min);
            da.total_cmp(&db).then(b.cmp(&a))
        });
        match next {
            Some(m) => seeds.push(m),
            None => break,
        }
    }
    // 2. Growth.
    let mut basin = vec![usize::MAX; n];
    let mut size = vec![0u64; seeds.len()];
    for (b, &s) in seeds.iter().enumerate() {
        basin[s] = b;
        size[b] = jeunes[s];
    }
    loop {
        let mut order: Vec<usize> = (0..seeds.len()).collect();
        order.sort_by_key(|&b| (size[b], b));
        let mut grew = false;
        for b in order {
            let candidate = (0..n)
                .filter(|&m| basin[m] == usize::MAX && ml_adj[m].iter().any(|&o| basin[o] == b))
                .min_by(|&x, &y| {
                    dist(x, seeds[b])
                        .total_cmp(&dist(y, seeds[b]))
                        .then(x.cmp(&y))
                });
            if let Some(m) = candidate {
                basin[m] = b;
                size[b] += jeunes[m];
                grew = true;
                break;
            }
        }
        if !grew {
            break;
        }
    }
    // MLs the growth could not reach (an island): nearest seed.
    for m in 0..n {
        if basin[m] == usize::MAX {
            let b = (0..seeds.len())
                .min_by(|&x, &y| {
                    dist(m, seeds[x])
                        .total_cmp(&dist(m, seeds[y]))
                        .then(x.cmp(&y))
                })
                .unwrap_or(0);
            basin[m] = b;
            size[b] += jeunes[m];
        }
    }
    // 3. Balancing.
    let mean = jeunes.iter().sum::<u64>() as f64 / seeds.len() as f64;
    let cost = |s: f64| (s - mean).powi(2);
    for _ in 0..10_000 {
        let mut best: Option<(f64, usize, usize)> = None;
        for m in 0..n {
            let from = basin[m];
            let targets: BTreeSet<usize> = ml_adj[m]
                .iter()
                .map(|&o| basin[o])
                .filter(|&b| b != from)
                .collect();
            for to in targets {
                let (sf, st, j) = (size[from] as f64, size[to] as f64, jeunes[m] as f64);
                let gain = cost(sf) + cost(st) - cost(sf - j) - cost(st + j);
                if gain <= 1e-6 || best.is_some_and(|(g, _, _)| g >= gain) {
                    continue;
                }
                let rest: BTreeSet<usize> =
                    (0..n).filter(|&o| o != m && basin[o] == from).collect();
                if rest.is_empty() || !connected(&rest, ml_adj) {
                    continue;
                }
                best = Some((gain, m, to));
            }
        }
        let Some((_, m, to)) = best else { break };
        size[basin[m]] -= jeunes[m];
        size[to] += jeunes[m];
        basin[m] = to;
    }
    // Number basins by their smallest ML code, for stable names.
    let mut first: Vec<(usize, usize)> = (0..seeds.len())
        .filter_map(|b| (0..n).find(|&m| basin[m] == b).map(|m| (m, b)))
        .collect();
    first.sort_unstable();
    let mut renumber = vec![0; seeds.len()];
    for (new, (_, old)) in first.iter().enumerate() {
        renumber[*old] = new;
    }
    basin.iter().map(|&b| renumber[b]).collect()
}

/// Turns a basin-per-ML proposal into [`Basins`].
pub fn basins_from_ml(t: &Territory, ml_basin: &[usize]) -> Basins {
    let k = ml_basin.iter().copied().max().map_or(0, |m| m + 1);
    Basins {
        names: (1..=k)
            .map(|i| format!("Bassin {i:02} (proposition)"))
            .collect(),
        of_commune: t.ml_of_commune.iter().map(|&m| Some(ml_basin[m])).collect(),
        proposed: true,
    }
}
