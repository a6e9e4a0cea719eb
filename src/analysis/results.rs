//! The typed results of a run: one value per analysis, filled by the
//! commands that run it, read by every output.
//!
//! CSV tables, GeoPackage and GeoJSON layers, the GeoTIFF, the maps and the
//! page are pure functions of `(&Territory, &Results)`: none of them reads a
//! file another output wrote, so renaming a column is a change in one table
//! builder, and the page's figures come from the same values as the tables.
//! An analysis the run did not do is `None`, and its outputs are absent.

use crate::analysis::access::AccessScores;
use crate::analysis::basics::Basics;
use crate::analysis::basins::{BasinSize, Basins};
use crate::analysis::coverage::CoverageRow;
use crate::analysis::grid::GridCell;
use crate::analysis::hotspots::{Cluster, CommuneEstimate};
use crate::analysis::measure::SiteCost;
use crate::analysis::placement::{Candidate, Placement, ScopeSummary};
use crate::analysis::scenario::Change;
use crate::analysis::summary::SummaryRow;
use crate::base::Cost;
use crate::base::LonLat;
use crate::base::Unit;
use crate::index::Nearest;
use crate::model::transit::{Date, FeedSummary};
use crate::model::Scope;

/// Everything a run computed.
pub struct Results {
    /// Site index, nearest site of each commune and QPV, sites standing in
    /// each commune and QPV: every analysis starts from them.
    pub basics: Basics,
    pub distance: Option<DistanceResults>,
    pub coverage: Option<CoverageResults>,
    pub hotspots: Option<HotspotResults>,
    pub basins: Option<BasinResults>,
    pub placement: Option<PlacementResults>,
    pub scenario: Option<ScenarioResults>,
    /// How the times were measured, by public transport.
    pub transit: Option<TransitRun>,
    /// The perimeter the run is about (`--ml`, `--departement`, `--epci`):
    /// every commune is measured against every site, and the outputs hold
    /// this perimeter's rows.
    pub scope: Scope,
    /// The costs the page embeds to answer what-if questions.
    pub whatif: Option<crate::analysis::whatif::WhatIf>,
}

/// The settings of a run by public transport, for the page and the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitRun {
    pub date: Date,
    /// First departure, seconds from midnight.
    pub departure: i32,
    pub window_min: u32,
    pub walk_max_min: f64,
    pub max_min: f64,
    pub feeds: Vec<FeedSummary>,
}

impl Results {
    /// The results of a run that has computed only the basics so far.
    pub fn new(basics: Basics) -> Self {
        Results {
            basics,
            distance: None,
            coverage: None,
            hotspots: None,
            basins: None,
            placement: None,
            scenario: None,
            transit: None,
            scope: Scope::Region,
            whatif: None,
        }
    }
}

/// Distances and accessibility (`maillage distance`).
pub struct DistanceResults {
    /// The three accessibility scores of every commune, with their cost table.
    pub access: AccessScores,
    /// Weighted distance summaries by region, département and ML.
    pub summaries: Vec<SummaryRow>,
    /// The grid, when one was asked for.
    pub grid: Option<GridResults>,
    /// The user's points, when given.
    pub points: Option<PointResults>,
}

/// The distance grid: cells whose centre lies in a commune.
pub struct GridResults {
    /// Side of a cell in metres (Lambert-93).
    pub size: f64,
    pub cells: Vec<GridCell>,
    /// Nearest site of each cell, as the crow flies.
    pub nearest: Vec<Option<Nearest>>,
    /// By network, the nearest site of each cell in time, from its centre.
    pub costs: Option<Vec<Option<SiteCost>>>,
}

/// The points of `--points`, in the file's order.
pub struct PointResults {
    pub ids: Vec<String>,
    pub points: Vec<LonLat>,
    /// The commune each point lies in.
    pub communes: Vec<Option<usize>>,
    pub nearest: Vec<Option<Nearest>>,
    /// By network, the nearest site of each point in time.
    pub costs: Option<Vec<Option<SiteCost>>>,
}

/// Coverage by radius or travel time (`maillage couverture`).
pub struct CoverageResults {
    /// The unit of the thresholds: metres (radii) or minutes.
    pub unit: Unit,
    /// The thresholds, sorted and distinct.
    pub thresholds: Vec<f64>,
    pub rows: Vec<CoverageRow>,
}

/// Non-mobility hotspots (`maillage points-chauds`).
pub struct HotspotResults {
    /// The unit of the reach and of the clusters' nearest sites.
    pub unit: Unit,
    /// The reach, in that unit.
    pub reach: Cost,
    /// Per commune, in the territory's order.
    pub estimates: Vec<CommuneEstimate>,
    /// Clusters, best ranked first.
    pub clusters: Vec<Cluster>,
    /// The cluster (index into `clusters`) of each commune.
    pub cluster_of: Vec<Option<usize>>,
}

impl HotspotResults {
    /// Bundles the estimates and clusters, with each commune's cluster.
    pub fn new(
        estimates: Vec<CommuneEstimate>,
        clusters: Vec<Cluster>,
        unit: Unit,
        reach: Cost,
    ) -> Self {
        let mut cluster_of = vec![None; estimates.len()];
        for (r, c) in clusters.iter().enumerate() {
            for &i in &c.communes {
                cluster_of[i] = Some(r);
            }
        }
        HotspotResults {
            unit,
            reach,
            estimates,
            clusters,
            cluster_of,
        }
    }
}

/// Mobility basins and their sizes (`maillage bassins`).
pub struct BasinResults {
    pub basins: Basins,
    /// One per basin, in the order of `basins.names`.
    pub sizes: Vec<BasinSize>,
}

impl BasinResults {
    /// The communes of basin `k`, in the territory's order.
    pub fn members(&self, k: usize) -> Vec<usize> {
        (0..self.basins.of_commune.len())
            .filter(|&i| self.basins.of_commune[i] == Some(k))
            .collect()
    }
}

/// A placement of new sites (`maillage implantation`, the report's proposal).
pub struct PlacementResults {
    /// The candidates the placement chose among.
    pub candidates: Vec<Candidate>,
    pub placement: Placement,
    /// Before and after, by region, département and ML.
    pub scopes: Vec<ScopeSummary>,
}

/// A change of sites, before and after (`maillage scenario`).
pub struct ScenarioResults {
    /// Coverage before and after.
    pub coverage: [CoverageResults; 2],
    /// Distance summaries before and after.
    pub summaries: [Vec<SummaryRow>; 2],
    /// The communes whose nearest site changes.
    pub changes: Vec<Change>,
}
