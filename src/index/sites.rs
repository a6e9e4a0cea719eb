//! Nearest-site and within-radius queries with exact geodesic distances.
//!
//! Sites are indexed by their Lambert-93 position. A query walks the R-tree
//! in order of projected distance and evaluates the geodesic distance of each
//! candidate ([`crate::geom::fast::fast_distance`], within millimetres of
//! Karney's algorithm at these ranges); it stops once the projected distance,
//! divided by the largest Lambert-93 scale factor the data can meet, exceeds
//! the best distance found. Because the projection is conformal, the geodesic
//! between two points is never shorter than their projected distance over
//! that scale factor, so no nearer site can be missed.

use rstar::primitives::GeomWithData;
use rstar::RTree;

use crate::geom::fast::{fast_distance, project, Projected};
use crate::geom::LAMBERT_93;
use crate::model::{LonLat, Meters, L93};

type Entry = GeomWithData<[f64; 2], usize>;

/// Two distances closer than this are a tie (1 mm).
pub const TIE_TOLERANCE: Meters = Meters(0.001);

/// The nearest site to a point.
#[derive(Debug, Clone, PartialEq)]
pub struct Nearest {
    /// Index of the nearest site; among tied sites, the lowest index (the
    /// sites are sorted by id, so the smallest id).
    pub site: usize,
    pub distance: Meters,
    /// The other sites at the same distance (within [`TIE_TOLERANCE`]), in
    /// ascending index order.
    pub ties: Vec<usize>,
}

/// An R-tree over site positions.
pub struct SiteIndex {
    positions: Vec<Projected>,
    tree: RTree<Entry>,
    /// Upper bound of the Lambert-93 scale factor over the indexed area and
    /// any query point accepted (see [`SiteIndex::nearest`]).
    k_max: f64,
}

/// Latitudes where Lambert-93 queries are valid (metropolitan France and
/// its surroundings); the scale-factor bound is computed over this band.
const LAT_BAND: (f64, f64) = (40.0, 53.0);

impl SiteIndex {
    pub fn new(positions: &[LonLat]) -> Self {
        let projected: Vec<Projected> = positions.iter().map(|p| project(*p)).collect();
        let entries = projected
            .iter()
            .enumerate()
            .map(|(i, q)| GeomWithData::new([q.xy.x, q.xy.y], i))
            .collect();
        // The scale factor of a conic projection varies monotonically away
        // from its minimum between the standard parallels, so the maximum over
        // the band is at one of its ends; a small margin absorbs rounding.
        let k_max = LAMBERT_93
            .scale_factor(LAT_BAND.0)
            .max(LAMBERT_93.scale_factor(LAT_BAND.1))
            * 1.000_001;
        SiteIndex {
            positions: projected,
            tree: RTree::bulk_load(entries),
            k_max,
        }
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// The nearest site by geodesic distance, with ties. `None` when the index
    /// is empty. Query points outside latitudes 40°–53° N fall back to a full
    /// scan, which is exact but slow.
    pub fn nearest(&self, p: LonLat) -> Option<Nearest> {
        if !(LAT_BAND.0..=LAT_BAND.1).contains(&p.lat) {
            return self.nearest_by_scan(p);
        }
        self.nearest_projected(&project(p))
    }

    /// The nearest site to a point given in Lambert-93 (grid cells), which
    /// must lie in metropolitan France.
    pub fn nearest_l93(&self, p: L93) -> Option<Nearest> {
        self.nearest_projected(&crate::geom::fast::from_l93(p))
    }

    fn nearest_projected(&self, q: &Projected) -> Option<Nearest> {
        let mut best: Option<(f64, usize)> = None;
        let mut found: Vec<(f64, usize)> = Vec::new();
        for (e, d2) in self
            .tree
            .nearest_neighbor_iter_with_distance_2([q.xy.x, q.xy.y])
        {
            let lower_bound = d2.sqrt() / self.k_max;
            if let Some((b, _)) = best {
                if lower_bound > b + TIE_TOLERANCE.0 {
                    break;
                }
            }
            let d = fast_distance(q, &self.positions[e.data]).0;
            found.push((d, e.data));
            if best.is_none_or(|(b, i)| d < b || (d == b && e.data < i)) {
                best = Some((d, e.data));
            }
        }
        best.map(|(b, _)| Self::with_ties(b, found))
    }

    /// The nearest site by scanning every site with the same distance: the
    /// reference the index is tested against, and the fallback far from France.
    pub fn nearest_by_scan(&self, p: LonLat) -> Option<Nearest> {
        let q = project(p);
        let found: Vec<(f64, usize)> = self
            .positions
            .iter()
            .enumerate()
            .map(|(i, s)| (fast_distance(&q, s).0, i))
            .collect();
        let best = found
            .iter()
            .map(|(d, _)| *d)
            .fold(None, |acc: Option<f64>, d| {
                Some(acc.map_or(d, |a| a.min(d)))
            })?;
        Some(Self::with_ties(best, found))
    }

    fn with_ties(best: f64, found: Vec<(f64, usize)>) -> Nearest {
        let mut tied: Vec<usize> = found
            .iter()
            .filter(|(d, _)| *d <= best + TIE_TOLERANCE.0)
            .map(|(_, i)| *i)
            .collect();
        tied.sort_unstable();
        tied.dedup();
        let site = tied[0];
        let distance = found
            .iter()
            .find(|(_, i)| *i == site)
            .map_or(best, |(d, _)| *d);
        Nearest {
            site,
            distance: Meters(distance),
            ties: tied[1..].to_vec(),
        }
    }

    /// Every site within `radius` (geodesic) of the point, with its distance,
    /// in ascending index order.
    pub fn within(&self, p: LonLat, radius: Meters) -> Vec<(usize, Meters)> {
        let q = project(p);
        // Projected distance ≤ geodesic × k_max, so this circle holds every
        // site within the radius.
        let r_proj = radius.0 * self.k_max;
        let mut v: Vec<(usize, Meters)> = self
            .tree
            .locate_within_distance([q.xy.x, q.xy.y], r_proj * r_proj)
            .filter_map(|e| {
                let d = fast_distance(&q, &self.positions[e.data]);
                (d.0 <= radius.0).then_some((e.data, d))
            })
            .collect();
        v.sort_unstable_by_key(|(i, _)| *i);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::distance;

    /// A small deterministic generator (SplitMix64), so the oracle test
    /// needs no extra crate and replays the same points on every machine.
    struct SplitMix(u64);
    impl SplitMix {
        fn next_f64(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 11) as f64 / (1u64 << 53) as f64
        }
        fn point(&mut self) -> LonLat {
            LonLat::new(1.3 + 3.0 * self.next_f64(), 48.8 + 2.4 * self.next_f64())
        }
    }

    const SEED: u64 = 0x6d61_696c_6c61_6765; // "maillage"

    #[test]
    fn nearest_matches_brute_force_on_seeded_points() {
        let mut rng = SplitMix(SEED);
        let sites: Vec<LonLat> = (0..1000).map(|_| rng.point()).collect();
        let idx = SiteIndex::new(&sites);
        for _ in 0..2000 {
            let q = rng.point();
            assert_eq!(idx.nearest(q), idx.nearest_by_scan(q), "query {q:?}");
        }
    }

    #[test]
    fn nearest_distance_is_within_a_metre_of_karney() {
        let mut rng = SplitMix(SEED ^ 2);
        let sites: Vec<LonLat> = (0..300).map(|_| rng.point()).collect();
        let idx = SiteIndex::new(&sites);
        for _ in 0..500 {
            let q = rng.point();
            let n = idx.nearest(q).unwrap();
            let exact = sites
                .iter()
                .map(|s| distance(q, *s).0)
                .fold(f64::INFINITY, f64::min);
            assert!(
                (n.distance.0 - exact).abs() < 0.01,
                "{} vs {exact}",
                n.distance.0
            );
            assert!((distance(q, sites[n.site]).0 - exact).abs() < 0.01);
        }
    }

    #[test]
    fn within_matches_brute_force() {
        let mut rng = SplitMix(SEED ^ 1);
        let sites: Vec<LonLat> = (0..500).map(|_| rng.point()).collect();
        let idx = SiteIndex::new(&sites);
        for _ in 0..200 {
            let q = rng.point();
            let r = Meters(20_000.0 * rng.next_f64());
            let pq = project(q);
            let brute: Vec<(usize, Meters)> = sites
                .iter()
                .enumerate()
                .map(|(i, s)| (i, fast_distance(&pq, &project(*s))))
                .filter(|(_, d)| d.0 <= r.0)
                .collect();
            assert_eq!(idx.within(q, r), brute);
        }
    }

    #[test]
    fn ties_are_reported_and_broken_by_index() {
        let p = LonLat::new(3.0, 50.0);
        let sites = vec![LonLat::new(3.1, 50.0), p, LonLat::new(2.0, 50.0), p];
        let n = SiteIndex::new(&sites)
            .nearest(LonLat::new(3.0, 50.0))
            .unwrap();
        assert_eq!(n.site, 1);
        assert_eq!(n.ties, vec![3]);
        assert_eq!(n.distance, Meters(0.0));
    }

    #[test]
    fn empty_and_single_site() {
        assert!(SiteIndex::new(&[])
            .nearest(LonLat::new(3.0, 50.0))
            .is_none());
        let one = SiteIndex::new(&[LonLat::new(2.3, 49.9)]);
        let n = one.nearest(LonLat::new(3.0, 50.6)).unwrap();
        assert_eq!((n.site, n.ties.len()), (0, 0));
        assert!(n.distance.0 > 50_000.0);
    }
}
