//! The classes of the map layers: bounds, colours, marker shapes and French
//! legend labels. One source for the maps ([`crate::render`]) and for the
//! QGIS styles stored in the GeoPackage ([`crate::output::qml`]), so a layer
//! opened in QGIS shows the classes, colours and legend of the PNG map.
//!
//! Colours are `0xRRGGBB`; sizes are in the maps' logical pixels (a marker's
//! size is its radius).

use crate::analysis::basins::BasinSize;
use crate::base::french;
use crate::base::{TravelMode, Unit};
use crate::model::{Classement, SiteKind};

/// A marker's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Square,
    Disc,
    Star,
}

/// The edge of the communes when the map is zoomed in enough to show it.
pub const COMMUNE_EDGE: u32 = 0xbdbdbd;
/// Width of the communes' edge.
pub const COMMUNE_EDGE_WIDTH: f64 = 0.5;
/// The communes' edge shows when a pixel is under this many metres (at a
/// coarser scale the edges would grey the whole map).
pub const COMMUNE_EDGE_MAX_M_PER_PX: f64 = 120.0;
/// A commune without a time by network (far from the network, or no site
/// reached).
pub const NO_COST: u32 = 0xcccccc;

/// A band of the distance map: upper bound in km or minutes (included),
/// label, colour.
pub type Band = (f64, &'static str, u32);

/// The bands of `carte_distances` and `synthese.html` in `unit`: upper
/// bound in km or minutes (included), label, colour.
pub fn bands(unit: Unit) -> &'static [Band; 5] {
    match unit {
        Unit::Metres => &BANDS_KM,
        Unit::Minutes => &BANDS_MIN,
    }
}

/// Time bands by network, in minutes: the default `--seuils-min`.
pub const BANDS_MIN: [Band; 5] = [
    (15.0, "0 – 15 min", 0x1a9850),
    (30.0, "15 – 30 min", 0x91cf60),
    (45.0, "30 – 45 min", 0xfee08b),
    (60.0, "45 – 60 min", 0xfc8d59),
    (f64::INFINITY, "60 min et plus", 0xd73027),
];

/// Distance bands, in km.
pub const BANDS_KM: [Band; 5] = [
    (5.0, "0 – 5 km", 0x1a9850),
    (10.0, "5 – 10 km", 0x91cf60),
    (15.0, "10 – 15 km", 0xfee08b),
    (20.0, "15 – 20 km", 0xfc8d59),
    (f64::INFINITY, "20 km et plus", 0xd73027),
];

/// The band of a value (`None` for NaN: no distance or time).
pub fn band_of(bands: &[Band], x: f64) -> Option<usize> {
    bands.iter().position(|b| x <= b.0)
}

/// The heading of the distance map's legend.
pub fn distance_heading(mode: Option<TravelMode>) -> String {
    match mode {
        None => "Distance de la mairie au site le plus proche".to_string(),
        Some(m) => format!("Temps de la mairie au site le plus proche {}", m.phrase()),
    }
}

/// A band in the legend: `0 – 5 km : 1 234 communes, 56,7 % des jeunes`
/// (`share` of the young people of the map's perimeter).
pub fn band_caption(label: &str, communes: usize, share: f64) -> String {
    format!(
        "{label} : {} communes, {} des jeunes",
        french::int(communes as u64),
        french::percent(share, 1.0)
    )
}

/// The communes without a time in the legend.
pub fn no_cost_caption(communes: usize) -> String {
    format!(
        "sans temps (loin du réseau, ou aucun site atteint) : {} communes",
        french::int(communes as u64)
    )
}

/// Classes of hotspot ranks: (first rank after the class, label, colour).
pub const RANK_CLASSES: [(usize, &str, u32); 4] = [
    (5, "rangs 1 à 5", 0x99000d),
    (10, "rangs 6 à 10", 0xcb181d),
    (20, "rangs 11 à 20", 0xfb6a4a),
    (usize::MAX, "rangs suivants", 0xfcbba1),
];

/// The outline of a hotspot cluster: colour and width.
pub const HOTSPOT_OUTLINE: (u32, f64) = (0x67000d, 1.2);
/// How many clusters, best first, the map labels with their rank.
pub const HOTSPOT_LABELS: usize = 20;

/// The hotspot rank classes the legend shows for `n` clusters: the
/// 0-based first rank, the last (included) and the label (the last class
/// with its number of groups); a class with no cluster is left out.
pub fn rank_classes(n: usize) -> Vec<(usize, usize, String, u32)> {
    RANK_CLASSES
        .iter()
        .enumerate()
        .filter_map(|(c, (end, label, colour))| {
            let start = if c == 0 { 0 } else { RANK_CLASSES[c - 1].0 };
            (start < n).then(|| {
                let label = if *end == usize::MAX {
                    format!("{label} ({} groupes)", n - start)
                } else {
                    label.to_string()
                };
                (start, (*end).min(n) - 1, label, *colour)
            })
        })
        .collect()
}

/// Categorical colours of the basins (ColorBrewer Set3, 12 classes).
pub const BASIN_COLOURS: [u32; 12] = [
    0x8dd3c7, 0xffffb3, 0xbebada, 0xfb8072, 0x80b1d3, 0xfdb462, 0xb3de69, 0xfccde5, 0xd9d9d9,
    0xbc80bd, 0xccebc5, 0xffed6f,
];

/// The colour of the `k`-th basin.
pub fn basin_colour(k: usize) -> u32 {
    BASIN_COLOURS[k % BASIN_COLOURS.len()]
}

/// The outline of a basin: colour and width.
pub const BASIN_OUTLINE: (u32, f64) = (0x333333, 1.8);

/// A basin's label on the map: its number on two digits.
pub fn basin_label(k: usize) -> String {
    format!("{:02}", k + 1)
}

/// A basin in the legend: its name, size and demand for mobility support.
pub fn basin_caption(name: &str, s: &BasinSize) -> String {
    format!(
        "{name} : {} communes, {} jeunes, demande d'appui à la mobilité {}",
        french::int(s.communes as u64),
        french::int(s.jeunes),
        if s.unrated_communes == 0 {
            format!("estimée {}", french::int(s.demand.round() as u64))
        } else if s.unrated_communes < s.communes {
            format!(
                "estimée {} ({} communes sans taux du rapport)",
                french::int(s.demand.round() as u64),
                french::int(s.unrated_communes as u64)
            )
        } else {
            "non estimée (aucun taux du rapport pour ses départements)".to_string()
        }
    )
}

/// The legend's heading of the basins.
pub const BASINS_HEADING: &str = "Bassins de mobilité (PAMS)";

/// The classements in the legend's order.
pub const CLASSEMENTS: [Classement; 4] = [
    Classement::FrrPlus,
    Classement::Frr,
    Classement::ZrrMaintenue,
    Classement::NonClassee,
];

/// The colour of a commune's classement on the regional map.
pub fn classement_colour(c: Classement) -> u32 {
    match c {
        Classement::FrrPlus => 0x7b3294,
        Classement::Frr => 0xc2a5cf,
        Classement::ZrrMaintenue => 0xa6dba0,
        Classement::NonClassee => 0xf7f7f7,
    }
}

/// A classement in the legend: `FRR+ (123 communes)`.
pub fn classement_caption(c: Classement, communes: usize) -> String {
    format!("{} ({} communes)", c.label(), french::int(communes as u64))
}

/// The QPV: fill and outline colour, outline width.
pub const QPV_COLOUR: u32 = 0xe31a1c;
/// Width of the QPV's outline.
pub const QPV_OUTLINE_WIDTH: f64 = 0.8;

/// The QPV in the legend: `QPV 2024 (204 quartiers dans la région)`.
pub fn qpv_caption(n: usize, within: &str) -> String {
    format!("QPV 2024 ({} quartiers {within})", french::int(n as u64))
}

/// A site's marker: shape, radius, colour and the kind's name.
pub fn site_style(k: SiteKind) -> (Marker, f64, u32, &'static str) {
    match k {
        SiteKind::Siege => (Marker::Square, 5.5, 0x08306b, "Siège"),
        SiteKind::Antenne => (Marker::Disc, 4.0, 0x08519c, "Antenne"),
        SiteKind::Permanence => (Marker::Disc, 2.4, 0x3182bd, "Permanence"),
    }
}

/// A kind of site in the legend: `Sièges (42 dans la région)`.
pub fn site_caption(k: SiteKind, n: usize, within: &str) -> String {
    format!("{}s ({} {within})", site_style(k).3, french::int(n as u64))
}

/// The white edge of a marker of radius `r`: its width, or `None` for a
/// small marker (it would be all edge).
pub fn marker_edge(r: f64) -> Option<f64> {
    (r >= 3.5).then_some((r / 4.0).min(1.5))
}

/// A star's outer and inner radii for a marker of radius `r`.
pub fn star_radii(r: f64) -> (f64, f64) {
    (r * 1.3, r * 0.55)
}

/// The width of the white edge of a star.
pub const STAR_EDGE: f64 = 1.0;

/// A proposed permanence: its star's radius and colour.
pub const NEW_SITE: (f64, u32) = (7.0, 0xd7301f);
/// Where the map writes a proposed permanence's rank, from its star.
pub const NEW_SITE_LABEL_OFFSET: (f64, f64) = (13.0, -13.0);
/// The proposed permanences in the legend.
pub const NEW_SITE_CAPTION: &str = "nouvelle permanence (rang du choix)";
/// The legend's heading of the proposed permanences.
pub const PLACEMENT_HEADING: &str = "Nouvelles permanences proposées";

/// The text colour of the maps.
pub const INK: u32 = 0x222222;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bands_close_on_their_upper_bound() {
        let b = bands(Unit::Metres);
        assert_eq!(band_of(b, 0.0), Some(0));
        assert_eq!(band_of(b, 5.0), Some(0));
        assert_eq!(band_of(b, 5.001), Some(1));
        assert_eq!(band_of(b, 250.0), Some(4));
        assert_eq!(band_of(b, f64::NAN), None);
        assert_eq!(band_of(bands(Unit::Minutes), 45.0), Some(2));
    }

    #[test]
    fn rank_classes_keep_the_classes_with_clusters() {
        let c = rank_classes(23);
        let ranges: Vec<(usize, usize)> = c.iter().map(|c| (c.0, c.1)).collect();
        assert_eq!(ranges, [(0, 4), (5, 9), (10, 19), (20, 22)]);
        assert_eq!(c[3].2, "rangs suivants (3 groupes)");
        let c = rank_classes(7);
        assert_eq!(c.len(), 2);
        assert_eq!((c[1].0, c[1].1, c[1].2.as_str()), (5, 6, "rangs 6 à 10"));
        assert!(rank_classes(0).is_empty());
    }

    #[test]
    fn captions_are_french() {
        assert_eq!(
            band_caption("0 – 5 km", 1234, 0.5678),
            "0 – 5 km : 1\u{a0}234 communes, 56,8 % des jeunes"
        );
        assert_eq!(
            site_caption(SiteKind::Siege, 42, "dans la région"),
            "Sièges (42 dans la région)"
        );
        assert_eq!(
            classement_caption(Classement::FrrPlus, 3),
            "FRR+ (3 communes)"
        );
        assert_eq!(marker_edge(2.4), None);
        assert_eq!(marker_edge(4.0), Some(1.0));
        assert_eq!(marker_edge(7.0), Some(1.5));
    }
}
