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

use rayon::prelude::*;
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
    /// Lower bound of the same.
    k_min: f64,
    grid: Option<CandidateGrid>,
}

/// For each cell of a regular Lambert-93 grid around the sites, the sites
/// that can be the nearest (or tied with it) for some point of the cell.
/// A query then evaluates those few sites only; points outside the grid go
/// through the R-tree. Both paths give the same answer.
struct CandidateGrid {
    x0: f64,
    y0: f64,
    size: f64,
    nx: usize,
    ny: usize,
    /// `starts[c]..starts[c + 1]` indexes `candidates` for cell `c`.
    starts: Vec<u32>,
    candidates: Vec<u32>,
}

/// Side of the candidate grid's cells, in metres.
const GRID_CELL_M: f64 = 1_000.0;
/// Margin around the sites' bounding box covered by the grid.
const GRID_MARGIN_M: f64 = 40_000.0;
/// Largest number of cells; a wider spread of sites uses larger cells.
const GRID_MAX_CELLS: f64 = 4_000_000.0;

/// Latitudes where Lambert-93 queries are valid (metropolitan France and
/// its surroundings); the scale-factor bound is computed over this band.
const LAT_BAND: (f64, f64) = (40.0, 53.0);

impl SiteIndex {
    /// An index for many queries: the R-tree and the candidate grid.
    pub fn new(positions: &[LonLat]) -> Self {
        let mut index = Self::tree_only(positions);
        index.grid = index.build_grid();
        index
    }

    /// An index for a few thousand queries, where building the candidate
    /// grid (some 100,000 cells over the region) would cost more than it
    /// saves: the R-tree alone, same answers.
    pub fn tree_only(positions: &[LonLat]) -> Self {
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
        // The minimum lies between the standard parallels: sample the band.
        let k_min = (0..=1300)
            .map(|i| LAMBERT_93.scale_factor(LAT_BAND.0 + f64::from(i) * 0.01))
            .fold(f64::INFINITY, f64::min)
            * 0.999_999;
        SiteIndex {
            positions: projected,
            tree: RTree::bulk_load(entries),
            k_max,
            k_min,
            grid: None,
        }
    }

    /// Builds the candidate grid over the sites' bounding box plus a margin.
    fn build_grid(&self) -> Option<CandidateGrid> {
        let first = self.positions.first()?;
        let (mut xmin, mut ymin, mut xmax, mut ymax) =
            (first.xy.x, first.xy.y, first.xy.x, first.xy.y);
        for p in &self.positions {
            xmin = xmin.min(p.xy.x);
            ymin = ymin.min(p.xy.y);
            xmax = xmax.max(p.xy.x);
            ymax = ymax.max(p.xy.y);
        }
        let (x0, y0) = (xmin - GRID_MARGIN_M, ymin - GRID_MARGIN_M);
        let (w, h) = (
            xmax - xmin + 2.0 * GRID_MARGIN_M,
            ymax - ymin + 2.0 * GRID_MARGIN_M,
        );
        let size = GRID_CELL_M.max((w * h / GRID_MAX_CELLS).sqrt());
        let (nx, ny) = ((w / size).ceil() as usize, (h / size).ceil() as usize);
        let half_diag = size * std::f64::consts::SQRT_2 / 2.0;
        let cells: Vec<Vec<u32>> = (0..nx * ny)
            .into_par_iter()
            .map(|c| {
                let (cx, cy) = (
                    x0 + ((c % nx) as f64 + 0.5) * size,
                    y0 + ((c / nx) as f64 + 0.5) * size,
                );
                let Some(near) = self.tree.nearest_neighbor([cx, cy]) else {
                    return Vec::new();
                };
                let d0 = ((near.geom()[0] - cx).powi(2) + (near.geom()[1] - cy).powi(2)).sqrt();
                // No point of the cell is farther than this (geodesic) from
                // the site nearest the centre...
                let upper = (d0 + half_diag) / self.k_min + TIE_TOLERANCE.0;
                // ...so any site nearer (or tied) for some point of the cell
                // lies within this projected distance of the centre.
                let r = upper * self.k_max + half_diag + 1.0;
                let mut v: Vec<u32> = self
                    .tree
                    .locate_within_distance([cx, cy], r * r)
                    .map(|e| u32::try_from(e.data).unwrap_or(u32::MAX))
                    .collect();
                v.sort_unstable();
                v
            })
            .collect();
        let mut starts = Vec::with_capacity(cells.len() + 1);
        let mut candidates = Vec::new();
        for c in &cells {
            starts.push(u32::try_from(candidates.len()).ok()?);
            candidates.extend_from_slice(c);
        }
        starts.push(u32::try_from(candidates.len()).ok()?);
        Some(CandidateGrid {
            x0,
            y0,
            size,
            nx,
            ny,
            starts,
            candidates,
        })
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
        if let Some(g) = &self.grid {
            let (fx, fy) = ((q.xy.x - g.x0) / g.size, (q.xy.y - g.y0) / g.size);
            if fx >= 0.0 && fy >= 0.0 && (fx as usize) < g.nx && (fy as usize) < g.ny {
                let c = fy as usize * g.nx + fx as usize;
                let cands = &g.candidates[g.starts[c] as usize..g.starts[c + 1] as usize];
                return self.nearest_among(q, cands);
            }
        }
        self.nearest_by_tree(q)
    }

    /// The nearest among `cands` (ascending site indexes), with ties.
    fn nearest_among(&self, q: &Projected, cands: &[u32]) -> Option<Nearest> {
        // Distances are computed once; most cells hold a handful of sites.
        let mut small = [0.0f64; 32];
        let mut large = Vec::new();
        let dists: &mut [f64] = if cands.len() <= small.len() {
            &mut small[..cands.len()]
        } else {
            large.resize(cands.len(), 0.0);
            &mut large
        };
        let mut best = f64::INFINITY;
        for (d, &i) in dists.iter_mut().zip(cands) {
            *d = fast_distance(q, &self.positions[i as usize]).0;
            best = best.min(*d);
        }
        // Ties: every candidate within the tolerance, lowest index first.
        let mut tied = cands
            .iter()
            .zip(dists.iter())
            .filter(|(_, d)| **d <= best + TIE_TOLERANCE.0);
        let (&site, &d) = tied.next()?;
        Some(Nearest {
            site: site as usize,
            distance: Meters(d),
            ties: tied.map(|(&i, _)| i as usize).collect(),
        })
    }

    fn nearest_by_tree(&self, q: &Projected) -> Option<Nearest> {
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
    struct SplitMix(crate::seeded::SplitMix64);
    impl SplitMix {
        fn next_f64(&mut self) -> f64 {
            self.0.next_f64()
        }
        fn point(&mut self) -> LonLat {
            LonLat::new(1.3 + 3.0 * self.next_f64(), 48.8 + 2.4 * self.next_f64())
        }
    }

    const SEED: u64 = 0x6d61_696c_6c61_6765; // "maillage"

    #[test]
    fn nearest_matches_brute_force_on_seeded_points() {
        let mut rng = SplitMix(crate::seeded::SplitMix64(SEED));
        let sites: Vec<LonLat> = (0..1000).map(|_| rng.point()).collect();
        let idx = SiteIndex::new(&sites);
        for _ in 0..2000 {
            let q = rng.point();
            assert_eq!(idx.nearest(q), idx.nearest_by_scan(q), "query {q:?}");
        }
    }

    #[test]
    fn nearest_distance_is_within_a_metre_of_karney() {
        let mut rng = SplitMix(crate::seeded::SplitMix64(SEED ^ 2));
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
    fn grid_and_tree_paths_agree_including_ties() {
        let mut rng = SplitMix(crate::seeded::SplitMix64(SEED ^ 3));
        let mut sites: Vec<LonLat> = (0..400).map(|_| rng.point()).collect();
        // Co-located sites, as stand-ins at one town hall make them.
        sites.extend_from_within(..50);
        let idx = SiteIndex::new(&sites);
        assert!(idx.grid.is_some());
        for _ in 0..5000 {
            let q = project(rng.point());
            assert_eq!(idx.nearest_projected(&q), idx.nearest_by_tree(&q), "{q:?}");
        }
    }

    #[test]
    fn tree_only_index_gives_the_same_answers() {
        let mut rng = SplitMix(crate::seeded::SplitMix64(SEED ^ 5));
        let mut sites: Vec<LonLat> = (0..300).map(|_| rng.point()).collect();
        sites.extend_from_within(..20);
        let full = SiteIndex::new(&sites);
        let tree = SiteIndex::tree_only(&sites);
        assert!(tree.grid.is_none());
        for _ in 0..2000 {
            let q = rng.point();
            assert_eq!(full.nearest(q), tree.nearest(q), "{q:?}");
            assert_eq!(
                full.within(q, Meters(8_000.0)),
                tree.within(q, Meters(8_000.0))
            );
        }
    }

    #[test]
    fn within_matches_brute_force() {
        let mut rng = SplitMix(crate::seeded::SplitMix64(SEED ^ 1));
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
