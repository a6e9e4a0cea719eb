//! PAMS mobility basins: sizing the demand for mobility support in each basin,
//! and, when the real list is not given, a proposal of contiguous basins made
//! of whole EPCI.
//!
//! The 10 basins of the PAMS (*Plans d'Action en faveur de la Mobilité
//! Solidaire*) are the Region's 10 *bassins de mobilité*, adopted by the
//! Conseil régional on 27 January 2022 and built from whole EPCI; the Region
//! publishes them as « Périmètres à l'EPCI des bassins de mobilité des
//! Hauts-de-France » (EPCI SIREN → basin), a table that could not be had
//! offline for this project. `maillage bassins --bassins` reads it as
//! published; without it, the proposal below is a documented
//! regionalisation built the same way (whole EPCI, contiguous), not the real
//! basins.

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
    /// By département, its young people as a whole (not only those of the
    /// communes loaded): the base of the rate of young people followed, so
    /// that a part of a département gets the followed young people in
    /// proportion to its own young people. A département missing here is
    /// based on the young people loaded.
    pub jeunes_departement: BTreeMap<String, u64>,
}

/// A partition of the communes into basins.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// Communes of a département without the reports' rates (outside the
    /// reports' région): left out of `followed` and `demand`.
    pub unrated_communes: usize,
    /// Population-weighted distance to the nearest site, in km (or time in
    /// minutes by network: the unit of `Basics::costs`).
    pub distance: Option<WeightedSummary>,
    /// Sites standing in the basin, by kind (order of [`SiteKind::ALL`]).
    pub sites: [usize; 3],
    /// Share of the population living in FRR or FRR+ communes.
    pub frr_population_share: f64,
    /// QPV whose interior point lies in the basin.
    pub qpv: usize,
    /// Missions Locales with communes in the basin.
    pub mls: Vec<usize>,
    /// Communes and young people the run's measure took (by network, not
    /// those too far from it).
    pub communes_measured: usize,
    pub jeunes_measured: u64,
}

/// Sizes every basin, in the order of `basins.names`.
pub fn size_basins(
    t: &Territory,
    b: &Basics,
    basins: &Basins,
    rates: &DemandRates,
) -> Vec<BasinSize> {
    // Young people per département, to turn the report's counts into rates:
    // the whole département's when known, else those loaded.
    let mut jeunes_dep: BTreeMap<&str, u64> = BTreeMap::new();
    for (i, c) in t.communes.iter().enumerate() {
        *jeunes_dep.entry(c.departement.as_str()).or_default() += t.jeunes[i];
    }
    for (d, j) in jeunes_dep.iter_mut() {
        if let Some(&whole) = rates.jeunes_departement.get(*d) {
            *j = whole;
        }
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
            unrated_communes: 0,
            distance: None,
            sites: [0; 3],
            frr_population_share: 0.0,
            qpv: 0,
            mls: Vec::new(),
            communes_measured: 0,
            jeunes_measured: 0,
        })
        .collect();
    let measured = b.costs.measured_communes(t.communes.len());
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
        if measured[i] {
            s.communes_measured += 1;
            s.jeunes_measured += t.jeunes[i];
        }
        s.non_mobiles += rates.non_mobile_rate * j;
        s.without_licence += (1.0 - rates.licence_rate) * j;
        if let (Some((followed, share)), Some(&jd)) = (
            rates.by_departement.get(&c.departement),
            jeunes_dep.get(c.departement.as_str()),
        ) {
            if jd > 0 {
                // Never more young people followed than young people.
                let f = j * (followed / jd as f64).min(1.0);
                s.followed += f;
                s.demand += f * share;
            }
        } else {
            s.unrated_communes += 1;
        }
        if t.classement[i].is_frr() {
            frr_pop[k] += c.population;
        }
        if let Some(cost) = b.effective_cost(i) {
            dists[k].push((b.costs.unit.shown(cost), c.population as f64));
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

/// The groups of communes a basin proposal is assembled from: whole EPCI
/// (the Region's basins are built from whole EPCI), with their adjacency.
#[derive(Debug, Clone, PartialEq)]
pub struct Units {
    /// The unit of each commune.
    pub of_commune: Vec<usize>,
    /// Each unit's key: the EPCI's SIREN, or `commune <INSEE code>` for a
    /// commune the data give no EPCI.
    pub keys: Vec<String>,
    /// Which units share a border (from the communes' adjacency).
    pub adjacency: Vec<BTreeSet<usize>>,
}

impl Units {
    /// The number of units.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there is no unit.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// The EPCI of the communes as units, in SIREN order; a commune without an
/// EPCI is a unit of its own.
pub fn epci_units(t: &Territory, commune_adjacency: &[Vec<usize>]) -> Units {
    let key = |i: usize| match &t.communes[i].epci_siren {
        Some(s) if !s.trim().is_empty() => s.trim().to_string(),
        _ => format!("commune {}", t.communes[i].code),
    };
    let keys: Vec<String> = (0..t.communes.len())
        .map(key)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let of_commune: Vec<usize> = (0..t.communes.len())
        .map(|i| keys.binary_search(&key(i)).unwrap_or(0))
        .collect();
    let mut adjacency = vec![BTreeSet::new(); keys.len()];
    for (i, ns) in commune_adjacency.iter().enumerate() {
        for &j in ns {
            let (a, b) = (of_commune[i], of_commune[j]);
            if a != b {
                adjacency[a].insert(b);
                adjacency[b].insert(a);
            }
        }
    }
    Units {
        of_commune,
        keys,
        adjacency,
    }
}

/// Whether `members` (communes) form one piece through `adjacency`.
pub fn contiguous(members: &[usize], adjacency: &[Vec<usize>]) -> bool {
    let Some(&start) = members.first() else {
        return true;
    };
    // 0: not a member, 1: member not reached yet, 2: reached. A flat array
    // rather than sets: the balancing asks this for every candidate move.
    let mut mark = vec![0u8; adjacency.len()];
    let mut members_count = 0usize;
    for &m in members {
        if mark[m] == 0 {
            mark[m] = 1;
            members_count += 1;
        }
    }
    mark[start] = 2;
    let mut reached = 1usize;
    let mut queue = VecDeque::from([start]);
    while let Some(i) = queue.pop_front() {
        for &j in &adjacency[i] {
            if mark[j] == 1 {
                mark[j] = 2;
                reached += 1;
                queue.push_back(j);
            }
        }
    }
    reached == members_count
}

/// Proposes `k` contiguous basins made of whole units (EPCI), balanced on
/// young people. `commune_adjacency` is the communes' adjacency, against
/// which every basin is kept in one piece.
///
/// # Algorithm
/// 1. *Seeds*: the unit with the most young people, then repeatedly the
///    unit farthest (Lambert-93 distance between population-weighted
///    centres) from the seeds already chosen.
/// 2. *Growth*: the basin with the fewest young people takes, among the
///    unassigned units bordering it that keep it in one piece (checked on
///    the communes: an EPCI with an exclave, as the Cambrésis's around
///    Boursies, joins a basin only once that basin reaches both parts), the
///    one whose centre is nearest its seed; when it has none, the next
///    smallest basin; when no basin has one, the same without the
///    one-piece condition; until every unit is assigned (a unit no basin
///    reaches, an island, goes to the nearest seed).
/// 3. *Balancing*: moves one unit at a time to a neighbouring basin when
///    that lowers the sum of squared deviations from the mean basin size
///    and leaves both basins in one piece (checked on the communes) and
///    the one it leaves non-empty; the best move first, until no move helps.
///
/// Every step breaks ties by unit order (SIREN), so the proposal is
/// deterministic. Returns the basin of each unit.
pub fn propose_basins(
    t: &Territory,
    units: &Units,
    commune_adjacency: &[Vec<usize>],
    k: usize,
) -> Vec<usize> {
    let n = units.len();
    let k = k.clamp(1, n.max(1));
    let mut jeunes = vec![0u64; n];
    let mut centre = vec![(0.0, 0.0, 0.0); n];
    let mut communes_of = vec![Vec::new(); n];
    for (i, c) in t.communes.iter().enumerate() {
        let u = units.of_commune[i];
        communes_of[u].push(i);
        jeunes[u] += t.jeunes[i];
        let p = t.frame.project(c.reference);
        let w = c.population.max(1) as f64;
        centre[u].0 += p.x * w;
        centre[u].1 += p.y * w;
        centre[u].2 += w;
    }
    let xy: Vec<(f64, f64)> = centre
        .iter()
        .map(|(x, y, w)| if *w > 0.0 { (x / w, y / w) } else { (0.0, 0.0) })
        .collect();
    let dist =
        |a: usize, b: usize| ((xy[a].0 - xy[b].0).powi(2) + (xy[a].1 - xy[b].1).powi(2)).sqrt();
    let adj = &units.adjacency;

    // 1. Seeds.
    let mut seeds = vec![(0..n)
        .max_by(|&a, &b| jeunes[a].cmp(&jeunes[b]).then(b.cmp(&a)))
        .unwrap_or(0)];
    while seeds.len() < k {
        let next = (0..n).filter(|u| !seeds.contains(u)).max_by(|&a, &b| {
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
            Some(u) => seeds.push(u),
            None => break,
        }
    }
    let communes_in = |basin: &[usize], b: usize, with: Option<usize>, without: Option<usize>| {
        (0..n)
            .filter(|&u| (basin[u] == b && Some(u) != without) || Some(u) == with)
            .flat_map(|u| communes_of[u].iter().copied())
            .collect::<Vec<usize>>()
    };
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
        // The unassigned unit bordering `b` nearest its seed, among those
        // that keep `b` in one piece when `whole`.
        let candidate = |b: usize, whole: bool| {
            (0..n)
                .filter(|&u| basin[u] == usize::MAX && adj[u].iter().any(|&o| basin[o] == b))
                .filter(|&u| {
                    !whole || contiguous(&communes_in(&basin, b, Some(u), None), commune_adjacency)
                })
                .min_by(|&x, &y| {
                    dist(x, seeds[b])
                        .total_cmp(&dist(y, seeds[b]))
                        .then(x.cmp(&y))
                })
                .map(|u| (b, u))
        };
        let pick = order
            .iter()
            .find_map(|&b| candidate(b, true))
            .or_else(|| order.iter().find_map(|&b| candidate(b, false)));
        let Some((b, u)) = pick else {
            break;
        };
        basin[u] = b;
        size[b] += jeunes[u];
    }
    for u in 0..n {
        if basin[u] == usize::MAX {
            let b = (0..seeds.len())
                .min_by(|&x, &y| {
                    dist(u, seeds[x])
                        .total_cmp(&dist(u, seeds[y]))
                        .then(x.cmp(&y))
                })
                .unwrap_or(0);
            basin[u] = b;
            size[b] += jeunes[u];
        }
    }
    // 3. Balancing.
    let mean = jeunes.iter().sum::<u64>() as f64 / seeds.len() as f64;
    let cost = |s: f64| (s - mean).powi(2);
    for _ in 0..10_000 {
        let mut moves: Vec<(f64, usize, usize)> = Vec::new();
        for u in 0..n {
            let from = basin[u];
            let targets: BTreeSet<usize> = adj[u]
                .iter()
                .map(|&o| basin[o])
                .filter(|&b| b != from)
                .collect();
            for to in targets {
                let (sf, st, j) = (size[from] as f64, size[to] as f64, jeunes[u] as f64);
                let gain = cost(sf) + cost(st) - cost(sf - j) - cost(st + j);
                if gain > 1e-6 {
                    moves.push((gain, u, to));
                }
            }
        }
        // Best gain first, ties by unit then basin: the first move that keeps
        // both basins in one piece is made.
        moves.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let found = moves.into_iter().find(|&(_, u, to)| {
            let rest = communes_in(&basin, basin[u], None, Some(u));
            !rest.is_empty()
                && contiguous(&rest, commune_adjacency)
                && contiguous(&communes_in(&basin, to, Some(u), None), commune_adjacency)
        });
        let Some((_, u, to)) = found else { break };
        size[basin[u]] -= jeunes[u];
        size[to] += jeunes[u];
        basin[u] = to;
    }
    // Number basins by their first unit, for stable names.
    let mut first: Vec<(usize, usize)> = (0..seeds.len())
        .filter_map(|b| (0..n).find(|&u| basin[u] == b).map(|u| (u, b)))
        .collect();
    first.sort_unstable();
    let mut renumber = vec![0; seeds.len()];
    for (new, (_, old)) in first.iter().enumerate() {
        renumber[*old] = new;
    }
    basin.iter().map(|&b| renumber[b]).collect()
}

/// Turns a basin-per-unit proposal into [`Basins`].
pub fn basins_from_units(units: &Units, unit_basin: &[usize]) -> Basins {
    let k = unit_basin.iter().copied().max().map_or(0, |m| m + 1);
    Basins {
        names: (1..=k)
            .map(|i| format!("Bassin {i:02} (proposition)"))
            .collect(),
        of_commune: units
            .of_commune
            .iter()
            .map(|&u| Some(unit_basin[u]))
            .collect(),
        proposed: true,
    }
}

/// What assigning communes from a basin table found, for the warnings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assignment {
    pub basins: Basins,
    /// Communes in no basin (the table does not name them, nor their EPCI).
    pub unassigned: Vec<usize>,
    /// EPCI the table puts in several basins, with those basins' names:
    /// their communes were shared out by [`basins_from_epci`]'s rule.
    pub split: Vec<(String, Vec<String>)>,
    /// Rows naming an EPCI no commune belongs to: `(SIREN, where)`.
    pub unknown: Vec<(String, crate::error::Location)>,
}

/// The basins of an EPCI-keyed table (`(SIREN, basin, where)` rows, as the
/// Region publishes them): every commune goes to its EPCI's basin.
///
/// An EPCI named in several basins is shared out by a documented rule:
/// repeatedly, in INSEE order, a commune of that EPCI not yet placed whose
/// neighbours (`commune_adjacency`) are already placed in one of the EPCI's
/// basins takes the basin most of them are in (ties: the basin named first
/// in the table); communes no neighbour reaches take the basin named first.
/// Basin names are sorted.
pub fn basins_from_epci(
    t: &Territory,
    rows: &[(String, String, crate::error::Location)],
    commune_adjacency: &[Vec<usize>],
) -> Assignment {
    let mut names: Vec<String> = rows.iter().map(|(_, b, _)| b.clone()).collect();
    names.sort();
    names.dedup();
    let index = |b: &str| names.binary_search_by(|n| n.as_str().cmp(b)).unwrap_or(0);
    // The basins of each EPCI, in the table's order.
    let mut of_epci: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (siren, basin, _) in rows {
        let list = of_epci.entry(siren.as_str()).or_default();
        let k = index(basin);
        if !list.contains(&k) {
            list.push(k);
        }
    }
    let siren_of = |i: usize| t.communes[i].epci_siren.as_deref().map(str::trim);
    let mut of_commune: Vec<Option<usize>> = (0..t.communes.len())
        .map(|i| match siren_of(i).and_then(|s| of_epci.get(s)) {
            Some(list) if list.len() == 1 => Some(list[0]),
            _ => None,
        })
        .collect();
    let mut split = Vec::new();
    for (siren, list) in of_epci.iter().filter(|(_, l)| l.len() > 1) {
        let members: Vec<usize> = (0..t.communes.len())
            .filter(|&i| siren_of(i) == Some(*siren))
            .collect();
        loop {
            let mut placed = false;
            for &i in &members {
                if of_commune[i].is_some() {
                    continue;
                }
                let mut votes = vec![0usize; list.len()];
                for &j in &commune_adjacency[i] {
                    if let Some(p) = of_commune[j].and_then(|b| list.iter().position(|&k| k == b)) {
                        votes[p] += 1;
                    }
                }
                let best = (0..list.len()).max_by(|&a, &b| votes[a].cmp(&votes[b]).then(b.cmp(&a)));
                if let Some(p) = best.filter(|&p| votes[p] > 0) {
                    of_commune[i] = Some(list[p]);
                    placed = true;
                }
            }
            if !placed {
                break;
            }
        }
        for &i in &members {
            if of_commune[i].is_none() {
                of_commune[i] = Some(list[0]);
            }
        }
        if !members.is_empty() {
            split.push((
                siren.to_string(),
                list.iter().map(|&k| names[k].clone()).collect(),
            ));
        }
    }
    let known: BTreeSet<&str> = (0..t.communes.len()).filter_map(siren_of).collect();
    let mut unknown = Vec::new();
    let mut reported = BTreeSet::new();
    for (siren, _, at) in rows {
        if !known.contains(siren.as_str()) && reported.insert(siren.as_str()) {
            unknown.push((siren.clone(), at.clone()));
        }
    }
    let unassigned = (0..t.communes.len())
        .filter(|&i| of_commune[i].is_none())
        .collect();
    Assignment {
        basins: Basins {
            names,
            of_commune,
            proposed: false,
        },
        unassigned,
        split,
        unknown,
    }
}

/// How far each basin's young people lie from the mean basin size, as a
/// share of that mean (`0.12` for 12 % above); empty without basins.
pub fn balance(sizes: &[BasinSize]) -> Vec<f64> {
    let total: u64 = sizes.iter().map(|s| s.jeunes).sum();
    if sizes.is_empty() || total == 0 {
        return vec![0.0; sizes.len()];
    }
    let mean = total as f64 / sizes.len() as f64;
    sizes.iter().map(|s| s.jeunes as f64 / mean - 1.0).collect()
}
