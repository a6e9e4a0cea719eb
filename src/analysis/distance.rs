//! Distance from places (communes, QPV, arbitrary points, grid cells) to
//! their nearest site, and whether that site belongs to the Mission Locale
//! that covers the place.

use rayon::prelude::*;

use crate::analysis::grid::{cells_in, to_plane, GridCell};
use crate::base::frame::Frame;
use crate::base::{LonLat, Meters};
use crate::index::{LocateGrid, Nearest, PolygonIndex, SiteIndex};
use crate::model::Territory;

/// Upper bounds of the distance bands, in km: 0–5, 5–10, 10–15, 15–20, 20+.
pub const BANDS_KM: [f64; 4] = [5.0, 10.0, 15.0, 20.0];

/// French labels of the bands, for column names.
pub const BAND_LABELS: [&str; 5] = ["0_5", "5_10", "10_15", "15_20", "20_plus"];

/// The band (0–4) a distance falls in; a band includes its upper bound.
pub fn band(d: Meters) -> usize {
    BANDS_KM
        .iter()
        .position(|&b| d.km() <= b)
        .unwrap_or(BANDS_KM.len())
}

/// The nearest site to each point, in the order of `points`; `None` when there
/// is no site. Runs in parallel; the result does not depend on the number of
/// threads (each query is independent and the order is kept).
pub fn nearest_sites(index: &SiteIndex, points: &[LonLat]) -> Vec<Option<Nearest>> {
    points.par_iter().map(|p| index.nearest(*p)).collect()
}

/// The number of sites standing in each commune (by the commune each site
/// belongs to), in commune order.
pub fn sites_per_commune(territory: &Territory) -> Vec<usize> {
    let mut counts = vec![0; territory.communes.len()];
    for s in &territory.sites {
        if let Some(i) = s.commune.as_ref().and_then(|c| territory.commune_index(c)) {
            counts[i] += 1;
        }
    }
    counts
}

/// Whether the nearest site is run by the Mission Locale covering commune
/// `commune` (`None` when either is unknown).
pub fn same_ml(t: &Territory, commune: Option<usize>, nearest: Option<&Nearest>) -> Option<bool> {
    let ml = &t.missions_locales[t.ml_of_commune[commune?]];
    Some(t.sites[nearest?.site].code_ml == ml.code)
}

/// Distance of one QPV.
#[derive(Debug, Clone, PartialEq)]
pub struct QpvDistance {
    /// A point inside the polygon, where the distance is measured from.
    pub point: LonLat,
    /// The commune holding that point.
    pub commune: Option<usize>,
    pub nearest: Option<Nearest>,
    /// Share of the QPV's area (sampled on a regular grid) in each band of
    /// [`BANDS_KM`], summing to 1.
    pub band_shares: [f64; 5],
    /// Number of sample points behind `band_shares`.
    pub samples: usize,
}

/// Distances of every QPV, in QPV order. The area shares come from the
/// centres of a `sample_m` grid inside the polygon (the interior point alone
/// when the QPV is smaller than one cell).
pub fn qpv_distances(
    t: &Territory,
    index: &SiteIndex,
    communes: &PolygonIndex<'_>,
    sample_m: f64,
) -> Vec<QpvDistance> {
    t.qpv
        .par_iter()
        .map(|q| {
            let point = crate::geom::interior_point(&q.geometry)
                .unwrap_or_else(|| LonLat::new(f64::NAN, f64::NAN));
            let nearest = index.nearest(point);
            let cells = cells_in(&to_plane(&t.frame, &q.geometry), sample_m);
            let mut counts = [0usize; 5];
            if cells.is_empty() {
                if let Some(n) = &nearest {
                    counts[band(n.distance)] += 1;
                }
            } else {
                for (ix, iy) in &cells {
                    let c = crate::base::L93 {
                        x: (*ix as f64 + 0.5) * sample_m,
                        y: (*iy as f64 + 0.5) * sample_m,
                    };
                    if let Some(n) = index.nearest_in(&t.frame, c) {
                        counts[band(n.distance)] += 1;
                    }
                }
            }
            let samples: usize = counts.iter().sum();
            let mut band_shares = [0.0; 5];
            if samples > 0 {
                for (s, c) in band_shares.iter_mut().zip(counts) {
                    *s = c as f64 / samples as f64;
                }
            }
            QpvDistance {
                point,
                commune: communes.locate(point),
                nearest,
                band_shares,
                samples,
            }
        })
        .collect()
}

/// Distances of grid cells, in cell order.
pub fn grid_distances(
    index: &SiteIndex,
    frame: &Frame,
    cells: &[GridCell],
) -> Vec<Option<Nearest>> {
    cells
        .par_iter()
        .map(|c| index.nearest_in(frame, c.centre))
        .collect()
}

/// The commune each point lies in (the lowest index on a shared border).
pub fn locate_points(communes: &LocateGrid<'_, '_>, points: &[LonLat]) -> Vec<Option<usize>> {
    points.par_iter().map(|p| communes.locate(*p)).collect()
}

/// [`locate_points`] on one thread, for a piece of a larger parallel task.
pub fn locate_each(communes: &LocateGrid<'_, '_>, points: &[LonLat]) -> Vec<Option<usize>> {
    points.iter().map(|p| communes.locate(*p)).collect()
}

/// Cells of the [`LocateGrid`] worth building to locate `points` points:
/// none for a few thousand points (the index alone answers them sooner than
/// the grid is built), then about two per point up to two million (about
/// 300 m cells over the region, 8 MB).
pub fn locate_grid_cells(points: usize) -> usize {
    if points < 20_000 {
        0
    } else {
        points.saturating_mul(2).min(2_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_include_their_upper_bound() {
        assert_eq!(band(Meters(0.0)), 0);
        assert_eq!(band(Meters(5_000.0)), 0);
        assert_eq!(band(Meters(5_000.1)), 1);
        assert_eq!(band(Meters(20_000.0)), 3);
        assert_eq!(band(Meters(25_000.0)), 4);
    }
}
