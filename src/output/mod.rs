//! Writing: the French CSV tables, the GeoPackage and GeoJSON layers, the
//! GeoTIFF and the manifest, each a pure function of the territory and the
//! typed results of the analyses; then every file staged and renamed into
//! place at once ([`write::Outputs`]). Maps and the page are drawn by
//! [`crate::render`] from the same results.

pub mod french;
pub mod geojson;
pub mod geotiff;
pub mod gpkg;
pub mod layers;
pub mod manifest;
pub mod qml;
pub mod style;
pub mod tables;
pub mod write;

use crate::analysis::results::Results;
use crate::model::Territory;
use tables::{
    access_costs_table, access_scores_table, basin_communes_table, basins_table, coverage_table,
    grid_table, hotspot_clusters_table, hotspot_communes_table, placement_scopes_table,
    placement_summary_table, placement_table, points_table, scenario_communes_table,
    scenario_indicators_table, summary_table,
};
use write::{CsvStyle, Outputs};

/// The raster of the grid's travel times in minutes, by network.
pub const GRID_TIME_TIF: &str = "grille_temps.tif";

/// How the tables are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableOptions {
    /// The CSV convention.
    pub csv: CsvStyle,
    /// Also write `couts_acces.csv` and `scores_acces.csv`.
    pub access_costs: bool,
}

/// Adds the tables of every analysis in `r` (and the grid's GeoTIFF, the
/// hotspots' GeoJSON), in a fixed order: distances, coverage, hotspots,
/// basins, placement, scenario.
pub fn add_tables(t: &Territory, r: &Results, opts: TableOptions, out: &mut Outputs) {
    let csv = opts.csv;
    let unit = r.basics.costs.unit;
    if let Some(d) = &r.distance {
        if let Some(table) = tables::communes_full_table(t, r) {
            out.add_table("communes.csv", &table, csv);
        }
        if opts.access_costs {
            out.add_table("couts_acces.csv", &access_costs_table(t, &d.access), csv);
            out.add_table("scores_acces.csv", &access_scores_table(t, &d.access), csv);
        }
        if let Some(table) = tables::qpv_full_table(t, r) {
            out.add_table("qpv.csv", &table, csv);
        }
        out.add_table(
            "distances_synthese.csv",
            &summary_table(t, unit, &d.summaries),
            csv,
        );
        if let Some(g) = &d.grid {
            let mut table = grid_table(t, &g.cells, &g.nearest, g.size);
            if let (Some(mode), Some(costs)) = (r.basics.costs.mode, &g.costs) {
                table.append_new_columns(&tables::network_columns(t, mode, costs));
            }
            out.add_table("grille_distance.csv", &table, csv);
            let km: Vec<Option<f64>> = g
                .nearest
                .iter()
                .map(|n| n.as_ref().map(|n| n.distance.km()))
                .collect();
            out.add(
                "grille_distance.tif",
                geotiff::geotiff(&geotiff::grid_raster(&g.cells, &km, g.size), &t.frame),
            );
            if let Some(costs) = &g.costs {
                let min: Vec<Option<f64>> =
                    costs.iter().map(|c| c.as_ref().map(|c| c.value)).collect();
                out.add(
                    GRID_TIME_TIF,
                    geotiff::geotiff(&geotiff::grid_raster(&g.cells, &min, g.size), &t.frame),
                );
            }
        }
        if let Some(p) = &d.points {
            let mut table = points_table(t, &p.ids, &p.points, &p.communes, &p.nearest);
            if let (Some(mode), Some(costs)) = (r.basics.costs.mode, &p.costs) {
                table.append_new_columns(&tables::network_columns(t, mode, costs));
            }
            out.add_table("points_distance.csv", &table, csv);
        }
    }
    if let Some(c) = &r.coverage {
        out.add_table("couverture.csv", &coverage_table(t, c.unit, &c.rows), csv);
    }
    if let Some(h) = &r.hotspots {
        out.add_table(
            "hotspots.csv",
            &hotspot_clusters_table(t, h.unit, &h.clusters),
            csv,
        );
        out.add_table(
            "hotspots_communes.csv",
            &hotspot_communes_table(t, &h.estimates, &h.cluster_of),
            csv,
        );
        out.add(layers::HOTSPOTS_GEOJSON, layers::hotspots_geojson(t, h));
    }
    if let Some(bs) = &r.basins {
        out.add_table(
            "bassins.csv",
            &basins_table(t, unit, &bs.basins, &bs.sizes),
            csv,
        );
        out.add_table(
            "bassins_communes.csv",
            &basin_communes_table(t, &bs.basins),
            csv,
        );
    }
    if let Some(p) = &r.placement {
        out.add_table(
            "placement.csv",
            &placement_table(t, &p.candidates, &p.placement),
            csv,
        );
        out.add_table(
            "placement_bilan.csv",
            &placement_summary_table(t, &p.placement),
            csv,
        );
        out.add_table(
            "placement_synthese.csv",
            &placement_scopes_table(t, p.placement.unit, &p.scopes),
            csv,
        );
    }
    if let Some(sc) = &r.scenario {
        out.add_table(
            "scenario_indicateurs.csv",
            &scenario_indicators_table(
                t,
                unit,
                [&sc.coverage[0].rows, &sc.coverage[1].rows],
                [&sc.summaries[0], &sc.summaries[1]],
            ),
            csv,
        );
        out.add_table(
            "scenario_communes.csv",
            &scenario_communes_table(t, unit, &sc.changes),
            csv,
        );
    }
}
