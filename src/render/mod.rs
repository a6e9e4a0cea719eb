//! Maps drawn with plotters, as PNG and SVG, in the territory's frame
//! (Lambert-93, EPSG:2154, in France).
//!
//! Five maps ([`MapKind`]): the regional map of the activity report (FRR,
//! FRR+, ZRR kept, QPV, the coverage zones of the Missions Locales, the
//! départements and the sites by type), the distance to the nearest site in
//! bands, the non-mobility hotspot clusters ranked, the proposed new
//! permanences with their catchment, and the mobility basins. Each has a
//! title, a legend, a scale bar, a north arrow and the sources line; each can
//! be drawn for the whole region or for one Mission Locale's territory.
//!
//! [`render`] is a pure function: the same [`MapData`] gives the same bytes.
//! Text uses the bundled DejaVu Sans (`assets/fonts`), so accents render the
//! same on every machine; PNGs are drawn at twice their size and averaged
//! down, which smooths edges and text.

mod canvas;
pub mod charts;
pub mod data;
pub mod html;
mod maps;
pub mod planner;

use crate::base::LonLat;
use crate::base::{TravelMode, Unit};
use crate::error::Error;
use crate::model::{Scope, Territory};

pub use maps::Prepared;

/// The maps maillage draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MapKind {
    /// FRR, FRR+, ZRR kept, QPV, ML coverage zones, départements, sites.
    Regionale,
    /// Communes coloured by distance to the nearest site, in 5 km bands
    /// (or by travel time, in 15-minute bands).
    Distances,
    /// Non-mobility hotspot clusters, ranked.
    Hotspots,
    /// Existing sites, proposed new permanences and their catchment.
    Placement,
    /// Mobility basins and their key figures.
    Bassins,
}

impl MapKind {
    pub const ALL: [MapKind; 5] = [
        MapKind::Regionale,
        MapKind::Distances,
        MapKind::Hotspots,
        MapKind::Placement,
        MapKind::Bassins,
    ];
    /// The name used in file names (`carte_hotspots.png`).
    pub fn code(self) -> &'static str {
        match self {
            MapKind::Regionale => "regionale",
            MapKind::Distances => "distances",
            MapKind::Hotspots => "hotspots",
            MapKind::Placement => "placement",
            MapKind::Bassins => "bassins",
        }
    }
    /// The French name used on the command line (`carte --type`).
    pub fn name(self) -> &'static str {
        match self {
            MapKind::Hotspots => "points-chauds",
            MapKind::Placement => "implantation",
            k => k.code(),
        }
    }
    /// The file name without extension: `carte_regionale`, or
    /// `carte_regionale_<code ML>` for one ML's territory.
    pub fn file_stem(self, ml_code: Option<&str>) -> String {
        match ml_code {
            None => format!("carte_{}", self.code()),
            Some(c) => format!("carte_{}_{c}", self.code()),
        }
    }
}

/// Image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Png,
    Svg,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// A group of communes drawn as one area: a hotspot cluster or a basin.
#[derive(Debug, Clone)]
pub struct Area {
    /// Short label drawn on the map (the rank, the basin's number).
    pub label: String,
    /// The legend's line for this area.
    pub caption: String,
    /// Indices into `Territory::communes`.
    pub members: Vec<usize>,
}

/// A proposed new site.
#[derive(Debug, Clone)]
pub struct NewSite {
    pub rank: usize,
    pub position: LonLat,
    /// The legend's line for this site.
    pub caption: String,
}

/// Everything the maps show, computed beforehand.
#[derive(Debug, Clone)]
pub struct MapData<'a> {
    pub territory: &'a Territory,
    /// The unit of the costs: km as the crow flies, minutes by network.
    pub unit: Unit,
    /// The network's mode, `None` as the crow flies.
    pub mode: Option<TravelMode>,
    /// Distance in km (or time in minutes by network) from each commune's
    /// reference point to its nearest site (NaN where unknown), one per
    /// commune.
    pub cost: Vec<f64>,
    /// Hotspot clusters, best ranked first.
    pub hotspots: Vec<Area>,
    /// Mobility basins.
    pub basins: Vec<Area>,
    /// What the basins are and how balanced (drawn under the legend's heading).
    pub basins_caption: String,
    /// Proposed new sites, in order of choice.
    pub placement: Vec<NewSite>,
    /// Catchment radius of the proposal, in km or minutes.
    pub placement_radius: f64,
    /// Per commune, whether it is covered before the proposal (a site in
    /// it, or its nearest site within the radius: the placement's own
    /// rule); all false without a proposal.
    pub placement_covered: Vec<bool>,
    /// What the proposal is (drawn under the map's title).
    pub placement_caption: String,
    /// The sources line, printed under the map.
    pub sources: String,
}

/// Draws one map (see [`Prepared::render`] to draw several from one
/// projection of the geometries).
pub fn render(
    kind: MapKind,
    data: &MapData<'_>,
    scope: &Scope,
    format: Format,
) -> Result<Vec<u8>, Error> {
    Prepared::new(data).render(kind, scope, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_files() {
        assert_eq!(MapKind::Hotspots.name(), "points-chauds");
        assert_eq!(MapKind::Hotspots.file_stem(None), "carte_hotspots");
        assert_eq!(MapKind::Distances.file_stem(None), "carte_distances");
        assert_eq!(
            MapKind::Bassins.file_stem(Some("62041")),
            "carte_bassins_62041"
        );
    }
}
