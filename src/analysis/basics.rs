//! The quantities most analyses start from, computed once per run: the site
//! index, each commune's nearest site, the sites standing in each commune
//! and QPV, and the QPV distances.

use crate::analysis::distance::{nearest_sites, qpv_distances, sites_per_commune, QpvDistance};
use crate::analysis::measure::{Measure, SiteCost};
use crate::analysis::results::CoverageResults;
use crate::base::Cost;
use crate::base::LonLat;
use crate::base::{TravelMode, Unit};
use crate::index::{Nearest, PolygonIndex, SiteIndex};
use crate::model::{Scope, Territory};

/// Side of the grid used to sample QPV areas, in metres.
pub const QPV_SAMPLE_M: f64 = 50.0;

/// Shared results for one territory.
pub struct Basics {
    pub index: std::sync::Arc<SiteIndex>,
    /// Nearest site of each commune, from its reference point.
    pub nearest: Vec<Option<Nearest>>,
    pub sites_in_commune: Vec<usize>,
    pub qpv: Vec<QpvDistance>,
    /// Sites standing inside each QPV.
    pub sites_in_qpv: Vec<usize>,
    /// The run's measure of the way to the nearest site (geodesic metres,
    /// or minutes by network) of each commune and QPV.
    pub costs: Costs,
    /// Commune adjacency, computed on first use (hotspots and basins share it).
    adjacency: std::sync::OnceLock<Vec<Vec<usize>>>,
}

/// The cost of the nearest site of every commune and QPV in the run's
/// measure (see [`crate::analysis::measure`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Costs {
    pub unit: Unit,
    /// The network's mode; `None` as the crow flies.
    pub mode: Option<TravelMode>,
    /// One per commune, from its reference point.
    pub communes: Vec<Option<SiteCost>>,
    /// One per QPV, from its interior point.
    pub qpv: Vec<Option<SiteCost>>,
    /// Communes, QPV and sites farther than the snapping limit from the
    /// network (empty as the crow flies).
    pub unsnapped_communes: Vec<usize>,
    pub unsnapped_qpv: Vec<usize>,
    pub unsnapped_sites: Vec<usize>,
}

impl Costs {
    /// `thresholds` as bare numbers in the run's unit, to compare with the
    /// costs. A threshold of the other unit is a programming error (a plan
    /// builds its thresholds from the run's unit): it panics naming it.
    pub fn raw(&self, thresholds: &[Cost]) -> Vec<f64> {
        thresholds
            .iter()
            .map(|c| {
                c.value_in(self.unit).unwrap_or_else(|| {
                    panic!("threshold {c} compared with costs in {:?}", self.unit)
                })
            })
            .collect()
    }
}

/// How much of the territory a run's measure could take: by network, the
/// communes farther than the snapping limit from it are not measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub communes: usize,
    pub communes_measured: usize,
    pub jeunes: u64,
    pub jeunes_measured: u64,
}

impl Measured {
    /// The share of the young people measured (1 for a territory without
    /// young people).
    pub fn share(&self) -> f64 {
        if self.jeunes == 0 {
            1.0
        } else {
            self.jeunes_measured as f64 / self.jeunes as f64
        }
    }
}

/// The least share of a territory's young people a network run must
/// measure to go on without `--partiel`.
pub const MIN_MEASURED_SHARE: f64 = 0.95;

impl Costs {
    /// Per commune of `n`, whether the measure took it (as the crow flies,
    /// every one).
    pub fn measured_communes(&self, n: usize) -> Vec<bool> {
        let mut v = vec![true; n];
        for &i in &self.unsnapped_communes {
            v[i] = false;
        }
        v
    }

    /// Per QPV of `n`, whether the measure took it.
    pub fn measured_qpv(&self, n: usize) -> Vec<bool> {
        let mut v = vec![true; n];
        for &j in &self.unsnapped_qpv {
            v[j] = false;
        }
        v
    }
}

/// The index of the territory's sites, in their order.
pub fn site_index(t: &Territory) -> SiteIndex {
    let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    SiteIndex::new(&positions)
}

impl Basics {
    /// The basics measured as the crow flies.
    pub fn new(t: &Territory) -> Self {
        Basics::measured(t, &Measure::Geodesic)
    }

    /// The basics, with the nearest-site costs in `measure`.
    pub fn measured(t: &Territory, measure: &Measure<'_>) -> Self {
        Basics::measured_with(t, measure, std::sync::Arc::new(site_index(t)))
    }

    /// [`Basics::measured`] with the index of the territory's sites
    /// ([`site_index`]) already built.
    pub fn measured_with(
        t: &Territory,
        measure: &Measure<'_>,
        index: std::sync::Arc<SiteIndex>,
    ) -> Self {
        let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
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
        let costs = match measure {
            Measure::Geodesic => Costs {
                unit: Unit::Metres,
                mode: None,
                communes: nearest
                    .iter()
                    .map(|n| n.as_ref().map(SiteCost::geodesic))
                    .collect(),
                qpv: qpv
                    .iter()
                    .map(|q| q.nearest.as_ref().map(SiteCost::geodesic))
                    .collect(),
                unsnapped_communes: Vec::new(),
                unsnapped_qpv: Vec::new(),
                unsnapped_sites: Vec::new(),
            },
            Measure::Network { .. } | Measure::Transit(_) => {
                let field = measure.towards(&positions);
                let mut origins = points.clone();
                origins.extend(qpv.iter().map(|q| q.point));
                let mut all = field.nearest(&origins);
                let n = points.len();
                let qpv_costs = all.costs.split_off(n);
                Costs {
                    unit: measure.unit(),
                    mode: measure.mode(),
                    communes: all.costs,
                    qpv: qpv_costs,
                    unsnapped_communes: all.unsnapped.iter().copied().filter(|&i| i < n).collect(),
                    unsnapped_qpv: all
                        .unsnapped
                        .iter()
                        .filter(|&&i| i >= n)
                        .map(|&i| i - n)
                        .collect(),
                    unsnapped_sites: field.unsnapped_sites().to_vec(),
                }
            }
        };
        Basics {
            index,
            nearest,
            sites_in_commune,
            qpv,
            sites_in_qpv,
            costs,
            adjacency: std::sync::OnceLock::new(),
        }
    }

    /// The coverage table at `thresholds`, in the unit of the run's costs
    /// (see [`crate::analysis::coverage`]).
    pub fn coverage(&self, t: &Territory, thresholds: &[Cost], run: &Scope) -> CoverageResults {
        let thresholds = self.costs.raw(thresholds);
        let thresholds = thresholds.as_slice();
        let rows = crate::analysis::coverage::coverage(
            t,
            &self.costs.communes,
            &self.sites_in_commune,
            &self.qpv,
            &self.costs.qpv,
            &self.sites_in_qpv,
            thresholds,
            (
                &self.costs.measured_communes(t.communes.len()),
                &self.costs.measured_qpv(t.qpv.len()),
            ),
            run,
        );
        CoverageResults {
            unit: self.costs.unit,
            thresholds: thresholds.to_vec(),
            rows,
        }
    }

    /// How much of the perimeter `scope` the measure took.
    pub fn measured_part(&self, t: &Territory, scope: &Scope) -> Measured {
        let m = self.costs.measured_communes(t.communes.len());
        let inside: Vec<usize> = (0..m.len()).filter(|&i| scope.has_commune(t, i)).collect();
        Measured {
            communes: inside.len(),
            communes_measured: inside.iter().filter(|&&i| m[i]).count(),
            jeunes: inside.iter().map(|&i| t.jeunes[i]).sum(),
            jeunes_measured: inside.iter().filter(|&&i| m[i]).map(|&i| t.jeunes[i]).sum(),
        }
    }

    /// The cost counted for commune `i`: zero when a site stands in it.
    /// Every figure of distance or time (coverage, means, medians,
    /// deciles, placement, scenarios, basins, the page and the maps) counts
    /// a commune by this one rule.
    pub fn effective_cost(&self, i: usize) -> Option<f64> {
        if self.sites_in_commune[i] > 0 {
            Some(0.0)
        } else {
            self.costs.communes[i].map(|c| c.value)
        }
    }

    /// The cost counted for QPV `j`: zero when a site stands in it, as
    /// coverage counts it.
    pub fn effective_qpv_cost(&self, j: usize) -> Option<f64> {
        if self.sites_in_qpv[j] > 0 {
            Some(0.0)
        } else {
            self.costs.qpv[j].map(|c| c.value)
        }
    }

    /// Per commune, whether the run's measure found no way to any site: no
    /// site stands in it and no site is reached (by public transport or on
    /// foot, within the longest trip); `None` for a commune the measure
    /// could not take (too far from the network). Never true as the crow
    /// flies.
    pub fn without_trip(&self) -> Vec<Option<bool>> {
        let mut out: Vec<Option<bool>> = (0..self.costs.communes.len())
            .map(|i| Some(self.effective_cost(i).is_none()))
            .collect();
        for &i in &self.costs.unsnapped_communes {
            out[i] = None;
        }
        out
    }

    /// Which communes share a border (see [`crate::analysis::adjacency`]).
    pub fn adjacency(&self, t: &Territory) -> &[Vec<usize>] {
        self.adjacency
            .get_or_init(|| crate::analysis::adjacency::commune_adjacency(&t.frame, &t.communes))
    }
}
