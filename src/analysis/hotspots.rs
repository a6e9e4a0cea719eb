//! Non-mobility hotspots: where young people who cannot leave their commune
//! have no site within reach.
//!
//! The 2024 report says 32 % of the young people followed declare they cannot
//! travel beyond their own commune. For each commune we estimate the
//! non-mobile young people as `rate × jeunes` (the rate applied uniformly: no
//! per-commune figure exists). A commune is a **hotspot** when no site stands
//! in it and its nearest site is farther than a walking or cycling distance
//! (3 km by default) from its town hall: its non-mobile young people have no
//! site they can reach. Adjacent hotspot communes (sharing a border, see
//! [`crate::analysis::adjacency`]) of the same Mission Locale are joined
//! into clusters, ranked by the non-mobile young people they hold. Clusters
//! stop at the borders between Missions Locales: each ML places its own
//! permanences, and without that limit the rural south of the region forms a
//! single cluster of some 1,800 communes, which ranks nothing.
//!
//! With a road network the reach is a travel time by the run's mode (15
//! minutes by default, the "quarter-hour" of proximity planning) and the
//! nearest site is the fastest one; a commune left unmeasured (too far from
//! the network) counts as out of reach, as one with no site at all.

use std::collections::BTreeSet;

use crate::analysis::basics::Basics;
use crate::analysis::measure::SiteCost;
use crate::base::Cost;
use crate::model::{Classement, Territory};

/// The assumptions of a hotspot analysis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HotspotParams {
    /// Share of young people who cannot travel beyond their commune.
    pub non_mobile_rate: f64,
    /// The distance or time a non-mobile young person can still walk or
    /// cycle to a site, in the run's unit.
    pub reach: Cost,
}

impl Default for HotspotParams {
    fn default() -> Self {
        HotspotParams {
            non_mobile_rate: 0.32,
            reach: Cost::km(3.0),
        }
    }
}

/// The estimate for one commune.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommuneEstimate {
    /// Young people who cannot leave the commune (`rate × jeunes`).
    pub non_mobiles: f64,
    /// Of them, those with no site in their commune.
    pub without_site: f64,
    /// Of them, those with no site in their commune nor within reach.
    pub out_of_reach: f64,
    pub hotspot: bool,
}

/// A cluster of adjacent hotspot communes.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// Member communes, ascending.
    pub communes: Vec<usize>,
    /// Non-mobile young people out of reach, summed over members.
    pub non_mobiles: f64,
    pub jeunes: u64,
    pub population: u64,
    /// Missions Locales covering the members, ascending (one, as clusters
    /// stay within an ML's territory).
    pub mls: Vec<usize>,
    /// Members per classement, in the order of [`Classement::ALL`].
    pub classement_mix: [usize; 4],
    /// The existing site nearest to any member, with its cost and the
    /// member it is measured from.
    pub nearest_site: Option<(SiteCost, usize)>,
    /// The members' cost to their nearest site (a site in the commune
    /// counting 0), weighted by their young people, and the largest: how far
    /// the cluster's young people are, not only its nearest commune.
    pub mean_cost: Option<f64>,
    pub max_cost: Option<f64>,
}

/// The most communes a cluster holds.
pub const MAX_CLUSTER_COMMUNES: usize = 25;
/// The largest distance between two members' measuring points, metres.
pub const MAX_CLUSTER_ACROSS_M: f64 = 15_000.0;

/// Per-commune estimates, in commune order.
pub fn estimates(t: &Territory, b: &Basics, p: &HotspotParams) -> Vec<CommuneEstimate> {
    let reach = b.costs.raw(&[p.reach])[0];
    (0..t.communes.len())
        .map(|i| {
            let non_mobiles = p.non_mobile_rate * t.jeunes[i] as f64;
            let no_site = b.sites_in_commune[i] == 0;
            let far = b.costs.communes[i].as_ref().is_none_or(|n| n.value > reach);
            let hotspot = no_site && far;
            CommuneEstimate {
                non_mobiles,
                without_site: if no_site { non_mobiles } else { 0.0 },
                out_of_reach: if hotspot { non_mobiles } else { 0.0 },
                hotspot,
            }
        })
        .collect()
}

/// Joins adjacent hotspot communes into clusters, ranked by non-mobile young
/// people out of reach (descending), ties by smallest member code.
/// `adjacency[i]` lists the neighbours of commune `i`; only the communes
/// `inside` accepts (the run's perimeter) are clustered.
///
/// A cluster never crosses a Mission Locale's boundary (each places its own
/// permanences), and is bounded so that a director can act on it: at most
/// [`MAX_CLUSTER_COMMUNES`] communes and [`MAX_CLUSTER_ACROSS_M`] between
/// its two farthest measuring points. A group of adjacent hotspot
/// communes beyond either bound is split in two between its two farthest
/// communes ([`split`]), again until every part holds.
pub fn clusters(
    t: &Territory,
    b: &Basics,
    est: &[CommuneEstimate],
    adjacency: &[Vec<usize>],
    inside: &dyn Fn(usize) -> bool,
) -> Vec<Cluster> {
    let n = t.communes.len();
    let mut seen = vec![false; n];
    let mut groups = Vec::new();
    for start in 0..n {
        if seen[start] || !est[start].hotspot || !inside(start) {
            continue;
        }
        // Breadth-first walk over hotspot neighbours.
        let mut members = Vec::new();
        let mut queue = std::collections::VecDeque::from([start]);
        seen[start] = true;
        while let Some(i) = queue.pop_front() {
            members.push(i);
            for &j in &adjacency[i] {
                if !seen[j]
                    && est[j].hotspot
                    && inside(j)
                    && t.ml_of_commune[j] == t.ml_of_commune[i]
                {
                    seen[j] = true;
                    queue.push_back(j);
                }
            }
        }
        members.sort_unstable();
        groups.extend(bounded(t, adjacency, members));
    }
    let mut out = Vec::new();
    for members in groups {
        // Summed in member order, so the float total is deterministic.
        let non_mobiles = members.iter().map(|&i| est[i].out_of_reach).sum();
        let mls: BTreeSet<usize> = members.iter().map(|&i| t.ml_of_commune[i]).collect();
        let mut classement_mix = [0; 4];
        for &i in &members {
            let k = Classement::ALL
                .iter()
                .position(|c| *c == t.classement[i])
                .unwrap_or(0);
            classement_mix[k] += 1;
        }
        let nearest_site = members
            .iter()
            .filter_map(|&i| b.costs.communes[i].map(|nst| (nst, i)))
            .min_by(|a, b| {
                a.0.value
                    .total_cmp(&b.0.value)
                    .then(a.0.site.cmp(&b.0.site))
            });
        let costs: Vec<(f64, f64)> = members
            .iter()
            .filter_map(|&i| Some((b.effective_cost(i)?, t.jeunes[i] as f64)))
            .collect();
        let weight: f64 = costs.iter().map(|(_, w)| w).sum();
        let mean_cost =
            (weight > 0.0).then(|| costs.iter().map(|(c, w)| c * w).sum::<f64>() / weight);
        let max_cost = costs.iter().map(|(c, _)| *c).reduce(f64::max);
        out.push(Cluster {
            jeunes: members.iter().map(|&i| t.jeunes[i]).sum(),
            population: members.iter().map(|&i| t.communes[i].population).sum(),
            communes: members,
            non_mobiles,
            mls: mls.into_iter().collect(),
            classement_mix,
            nearest_site,
            mean_cost,
            max_cost,
        });
    }
    out.sort_by(|a, b| {
        b.non_mobiles
            .total_cmp(&a.non_mobiles)
            .then(a.communes[0].cmp(&b.communes[0]))
    });
    out
}
/// The largest distance between two members' measuring points, metres
/// (geodesic), and the two members.
fn across(t: &Territory, members: &[usize]) -> (f64, usize, usize) {
    let mut best = (0.0, members[0], members[0]);
    for (k, &a) in members.iter().enumerate() {
        for &b in &members[k + 1..] {
            let d = crate::geom::distance(t.communes[a].reference, t.communes[b].reference).0;
            if d > best.0 {
                best = (d, a, b);
            }
        }
    }
    best
}

/// `members` (connected, ascending) as parts within the bounds, each in one
/// piece, ascending, in the order of their smallest member.
fn bounded(t: &Territory, adjacency: &[Vec<usize>], members: Vec<usize>) -> Vec<Vec<usize>> {
    let mut done = Vec::new();
    let mut todo = vec![members];
    while let Some(part) = todo.pop() {
        let (d, a, b) = across(t, &part);
        if part.len() <= MAX_CLUSTER_COMMUNES && d <= MAX_CLUSTER_ACROSS_M {
            done.push(part);
        } else {
            let (x, y) = split(adjacency, &part, a, b);
            if x.is_empty() || y.is_empty() {
                // Not splittable (one point): kept whole.
                done.push(part);
            } else {
                todo.push(x);
                todo.push(y);
            }
        }
    }
    done.sort();
    done
}

/// Splits a connected group between two of its members `a` and `b`: both
/// grow at once, breadth-first over the adjacency inside the group, each
/// commune joining the seed that reaches it first (in fewer steps; on the
/// same step, `a`'s side, the walk taking neighbours in ascending order).
/// Each part is therefore in one piece. Both parts are ascending.
pub fn split(
    adjacency: &[Vec<usize>],
    part: &[usize],
    a: usize,
    b: usize,
) -> (Vec<usize>, Vec<usize>) {
    use std::collections::{BTreeMap, VecDeque};
    let mut side: BTreeMap<usize, bool> = BTreeMap::new();
    let inside: BTreeSet<usize> = part.iter().copied().collect();
    side.insert(a, false);
    side.insert(b, true);
    let mut queue = VecDeque::from([a, b]);
    while let Some(i) = queue.pop_front() {
        let s = side[&i];
        let mut next: Vec<usize> = adjacency[i]
            .iter()
            .copied()
            .filter(|j| inside.contains(j) && !side.contains_key(j))
            .collect();
        next.sort_unstable();
        for j in next {
            side.insert(j, s);
            queue.push_back(j);
        }
    }
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (i, s) in side {
        if s {
            y.push(i);
        } else {
            x.push(i);
        }
    }
    (x, y)
}
