//! The quantities most analyses start from, computed once per run: the site
//! index, each commune's nearest site, the sites standing in each commune
//! and QPV, and the QPV distances.

use crate::analysis::distance::{nearest_sites, qpv_distances, sites_per_commune, QpvDistance};
use crate::analysis::results::CoverageResults;
use crate::index::{Nearest, PolygonIndex, SiteIndex};
use crate::model::{LonLat, Territory};

/// Side of the grid used to sample QPV areas, in metres.
pub const QPV_SAMPLE_M: f64 = 50.0;

/// Shared results for one territory.
pub struct Basics {
    pub index: SiteIndex,
    /// Nearest site of each commune, from its reference point.
    pub nearest: Vec<Option<Nearest>>,
    pub sites_in_commune: Vec<usize>,
    pub qpv: Vec<QpvDistance>,
    /// Sites standing inside each QPV.
    pub sites_in_qpv: Vec<usize>,
    /// Commune adjacency, computed on first use (hotspots and basins share it).
    adjacency: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl Basics {
    pub fn new(t: &Territory) -> Self {
        let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
        let index = SiteIndex::new(&positions);
        let points: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
        let nearest = nearest_sites(&index, &points);
        let sites_in_commune = sites_per_commune(t);
        let commune_geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
        let communes = PolygonIndex::new(&commune_geoms);
        let qpv = qpv_distances(t, &index, &communes, QPV_SAMPLE_M);
        let qpv_geoms: Vec<_> = t.qpv.iter().map(|q| q.geometry.clone()).collect();
        let qpv_index = PolygonIndex::new(&qpv_geoms);
        let mut sites_in_qpv = vec![0; t.qpv.len()];
        for s in &t.sites {
            for j in qpv_index.containing(s.position) {
                sites_in_qpv[j] += 1;
            }
        }
        Basics {
            index,
            nearest,
            sites_in_commune,
            qpv,
            sites_in_qpv,
            adjacency: std::sync::OnceLock::new(),
        }
    }

    /// The coverage table at `radii` (see [`crate::analysis::coverage`]).
    pub fn coverage(&self, t: &Territory, radii: &[crate::model::Meters]) -> CoverageResults {
        let rows = crate::analysis::coverage::coverage(
            t,
            &self.nearest,
            &self.sites_in_commune,
            &self.qpv,
            &self.sites_in_qpv,
            radii,
        );
        CoverageResults {
            radii: radii.to_vec(),
            rows,
        }
    }

    /// Which communes share a border (see [`crate::analysis::adjacency`]).
    pub fn adjacency(&self, t: &Territory) -> &[Vec<usize>] {
        self.adjacency
            .get_or_init(|| crate::analysis::adjacency::commune_adjacency(&t.communes))
    }
}
