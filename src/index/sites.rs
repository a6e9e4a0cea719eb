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

use crate::base::frame::Frame;
use crate::base::{LonLat, Meters, L93};
use crate::geom::fast::{Metric, Projected};

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
    /// The plane of the sites ([`Frame::for_points`]: Lambert-93 in France).
    metric: std::sync::Arc<Metric>,
    /// The sites' positions, for queries outside the frame's band.
    lonlat: Vec<LonLat>,
    positions: Vec<Projected>,
    tree: RTree<Entry>,
    /// Upper bound of the Lambert-93 scale factor over the indexed area and
    /// any query point accepted (see [`SiteIndex::nearest`]).
    k_max: f64,
    /// Lower bound of the same.
    k_min: f64,
    /// The frame's band of latitudes (NaN for sites straddling the equator),
    /// and the distances to the cone's apex it spans: a point of the plane
    /// lies in the band when its distance is within.
    band: (f64, f64),
    rho_band: (f64, f64),
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
        // Sites straddling the equator (no conic fits them) are indexed in
        // Lambert-93 and every query is measured by a scan.
        let frame = Frame::for_points(positions.iter().copied());
        let straddle = frame.is_none();
        let metric = Metric::shared(frame.unwrap_or_else(Frame::lambert93));
        let projected: Vec<Projected> = positions.iter().map(|p| metric.project(*p)).collect();
        let entries = projected
            .iter()
            .enumerate()
            .map(|(i, q)| GeomWithData::new([q.xy.x, q.xy.y], i))
            .collect();
        // The scale factor of a conic projection varies monotonically away
        // from its minimum between the standard parallels, so the maximum over
        // the band is at one of its ends; a small margin absorbs rounding.
        let frame = *metric.frame();
        let (b0, b1) = if straddle {
            (f64::NAN, f64::NAN)
        } else {
            frame.band()
        };
        let k_max = frame.scale_factor(b0).max(frame.scale_factor(b1)) * 1.000_001;
        // The minimum lies between the standard parallels: sample the band.
        let k_min = (0..=1300)
            .map(|i| frame.scale_factor(b0 + f64::from(i) * (b1 - b0) / 1300.0))
            .fold(f64::INFINITY, f64::min)
            * 0.999_999;
        let rho_band = if straddle {
            (f64::NAN, f64::NAN)
        } else {
            let (r0, r1) = (
                metric.project(LonLat::new(0.0, b0)).rho,
                metric.project(LonLat::new(0.0, b1)).rho,
            );
            (r0.min(r1), r0.max(r1))
        };
        SiteIndex {
            metric,
            band: (b0, b1),
            rho_band,
            lonlat: positions.to_vec(),
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

    /// Whether the frame's scale bounds hold at this latitude (40°–53° N in
    /// Lambert-93, three degrees around the sites for a local frame).
    fn in_band(&self, lat: f64) -> bool {
        // Sites straddling the equator have no band (NaN): every query scans.
        let (b0, b1) = self.band;
        (b0..=b1).contains(&lat)
    }

    /// The nearest site by geodesic distance, with ties. `None` when the index
    /// is empty. Query points outside the frame's band fall back to a full
    /// scan with Karney's distance, which is exact but slow.
    pub fn nearest(&self, p: LonLat) -> Option<Nearest> {
        if !self.in_band(p.lat) {
            return self.nearest_by_scan(p);
        }
        self.nearest_projected(&self.metric.project(p))
    }

    /// The nearest site to a point given in the plane of `frame` (grid
    /// cells): directly when it is the index's own frame.
    pub fn nearest_in(&self, frame: &Frame, p: L93) -> Option<Nearest> {
        if frame == self.metric.frame() {
            let q = self.metric.from_xy(p);
            if (self.rho_band.0..=self.rho_band.1).contains(&q.rho) {
                return self.nearest_projected(&q);
            }
        }
        self.nearest(frame.unproject(p))
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
            *d = self.metric.distance(q, &self.positions[i as usize]).0;
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
            let d = self.metric.distance(q, &self.positions[e.data]).0;
            found.push((d, e.data));
            if best.is_none_or(|(b, i)| d < b || (d == b && e.data < i)) {
                best = Some((d, e.data));
            }
        }
        best.map(|(b, _)| Self::with_ties(b, found))
    }

    /// The nearest site by scanning every site with the same distance (or
    /// Karney's, for a point outside the frame's band): the reference the
    /// index is tested against, and the fallback far from the sites.
    pub fn nearest_by_scan(&self, p: LonLat) -> Option<Nearest> {
        let found: Vec<(f64, usize)> = self.scan(p).collect();
        let best = found
            .iter()
            .map(|(d, _)| *d)
            .fold(None, |acc: Option<f64>, d| {
                Some(acc.map_or(d, |a| a.min(d)))
            })?;
        Some(Self::with_ties(best, found))
    }

    /// Every site's distance to `p`, in index order: the frame's when `p`
    /// lies in its band, Karney's otherwise.
    fn scan(&self, p: LonLat) -> Box<dyn Iterator<Item = (f64, usize)> + '_> {
        if self.in_band(p.lat) {
            let q = self.metric.project(p);
            Box::new(
                self.positions
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| (self.metric.distance(&q, s).0, i)),
            )
        } else {
            Box::new(
                self.lonlat
                    .iter()
                    .enumerate()
                    .map(move |(i, s)| (crate::geom::distance(p, *s).0, i)),
            )
        }
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
        if !self.in_band(p.lat) {
            return self
                .scan(p)
                .filter(|(d, _)| *d <= radius.0)
                .map(|(d, i)| (i, Meters(d)))
                .collect();
        }
        let q = self.metric.project(p);
        // Projected distance ≤ geodesic × k_max, so this circle holds every
        // site within the radius.
        let r_proj = radius.0 * self.k_max;
        let mut v: Vec<(usize, Meters)> = self
            .tree
            .locate_within_distance([q.xy.x, q.xy.y], r_proj * r_proj)
            .filter_map(|e| {
                let d = self.metric.distance(&q, &self.positions[e.data]);
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
    use crate::geom::fast::{fast_distance, project};

    /// Sites on both sides of the equator fit no conic: every query is
    /// measured by a scan with Karney's distance, near them or far away.
    #[test]
    fn sites_straddling_the_equator_are_scanned_exactly() {
        let sites = [
            LonLat::new(-78.5, -0.3),
            LonLat::new(-78.4, 0.2),
            LonLat::new(-78.2, 0.6),
        ];
        let idx = SiteIndex::new(&sites);
        for q in [
            LonLat::new(-78.45, 0.0),
            LonLat::new(-78.3, 0.5),
            LonLat::new(2.3, 48.9),
        ] {
            let exact: Vec<f64> = sites.iter().map(|s| distance(q, *s).0).collect();
            let best = exact.iter().copied().fold(f64::INFINITY, f64::min);
            let n = idx.nearest(q).unwrap();
            assert!((n.distance.0 - best).abs() < 1e-6, "{q:?}");
            assert_eq!(
                idx.within(q, Meters(best + 1.0)).len(),
                exact.iter().filter(|&&d| d <= best + 1.0).count()
            );
        }
    }

    /// Far from France (Porto Alegre, 30° S) the index works in a local
    /// frame: nearest, within and the grid path against Karney by brute force.
    #[test]
    fn a_territory_far_from_france_gets_exact_answers() {
        let mut rng = crate::seeded::SplitMix64(SEED ^ 11);
        let mut pt = |w: f64| {
            LonLat::new(
                -51.25 + w * (rng.next_f64() - 0.5),
                -30.05 + w * (rng.next_f64() - 0.5),
            )
        };
        let sites: Vec<LonLat> = (0..150).map(|_| pt(0.4)).collect();
        let idx = SiteIndex::new(&sites);
        assert!(!idx.metric.frame().is_lambert93());
        assert!(idx.grid.is_some());
        let frame = *idx.metric.frame();
        // Queries around the sites, and some far outside the frame's band.
        let mut queries: Vec<LonLat> = (0..600).map(|_| pt(0.6)).collect();
        queries.extend([LonLat::new(-51.2, -40.0), LonLat::new(2.3, 49.0)]);
        for q in queries {
            let exact: Vec<f64> = sites.iter().map(|s| distance(q, *s).0).collect();
            let best = exact.iter().copied().fold(f64::INFINITY, f64::min);
            for n in [
                idx.nearest(q).unwrap(),
                idx.nearest_in(&frame, frame.project(q)).unwrap(),
            ] {
                assert!(
                    (n.distance.0 - best).abs() < 0.01,
                    "{q:?}: {} vs {best}",
                    n.distance.0
                );
                assert!((exact[n.site] - best).abs() < 0.01);
            }
            let r = best + 3_000.0;
            let got: Vec<usize> = idx.within(q, Meters(r)).iter().map(|(i, _)| *i).collect();
            let want: Vec<usize> = (0..sites.len())
                .filter(|&i| exact[i] <= r - 0.01 || (exact[i] <= r + 0.01 && got.contains(&i)))
                .collect();
            assert_eq!(got, want, "{q:?}");
        }
    }

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
