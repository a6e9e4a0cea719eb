//! Writing: the French CSV tables, the GeoPackage and GeoJSON layers, the
//! GeoTIFF and the manifest, each a pure function of the territory and the
//! typed results of the analyses; then every file staged and renamed into
//! place at once ([`write::Outputs`]). Maps and the page are drawn by
//! [`crate::render`] from the same results.

pub mod geojson;
pub mod geotiff;
pub mod gpkg;
pub mod layers;
pub mod manifest;
pub mod perimeter;
pub mod prepared;
pub mod qml;
pub mod stream;
pub mod style;
pub mod tables;
pub mod text;
pub mod write;
pub mod xlsx;

use crate::analysis::results::Results;
use crate::error::Error;
use crate::model::Territory;
use perimeter::Perimeter;
use tables::{
    access_costs_table, access_scores_table, basin_communes_table, basins_table, coverage_table,
    grid_table, hotspot_clusters_table, hotspot_communes_table, placement_scopes_table,
    placement_summary_table, placement_table, points_table, scenario_communes_table,
    scenario_indicators_table, summary_table,
};
use write::{CsvStyle, Outputs, Table};

/// The raster of the grid's travel times in minutes, by network.
pub const GRID_TIME_TIF: &str = "grille_temps.tif";

/// How the tables are written.
#[derive(Debug, Clone, Default)]
pub struct TableOptions {
    /// The CSV convention.
    pub csv: CsvStyle,
    /// Also write `couts_acces.csv` and `scores_acces.csv`.
    pub access_costs: bool,
    /// The sources line of the maps and the page, for the workbook's
    /// Lisez-moi sheet.
    pub sources: String,
}

/// Adds the tables of every analysis in `r` (and the grid's GeoTIFF, the
/// hotspots' GeoJSON), in a fixed order: distances, coverage, hotspots,
/// basins, placement, scenario (for a run scoped to a perimeter,
/// `Results::scope`, its rows: [`perimeter`]); then the workbook of those
/// tables ([`xlsx::XLSX_NAME`], see [`xlsx`]).
pub fn add_tables(
    t: &Territory,
    r: &Results,
    opts: TableOptions,
    out: &mut Outputs,
) -> Result<(), Error> {
    let mut book = Book::default();
    tables_into(t, r, &opts, out, &mut book);
    book.add_workbook(out, &xlsx::ReadMe::new(t, r, &opts.sources, opts.csv))
}

/// The tables added as CSV files, kept for the workbook, in order.
#[derive(Default)]
pub struct Book {
    tables: Vec<(String, Table)>,
}

impl Book {
    /// Adds `table` to `out` as the CSV file `name`, and keeps it for the
    /// workbook unless it is one of [`xlsx::LEFT_OUT`].
    pub fn add(&mut self, out: &mut Outputs, name: &str, table: Table, csv: CsvStyle) {
        out.add_table(name, &table, csv);
        if xlsx::in_workbook(name) {
            self.tables.push((name.to_string(), table));
        }
    }

    /// Adds the workbook of the tables kept (none when there are none).
    pub fn add_workbook(&self, out: &mut Outputs, readme: &xlsx::ReadMe) -> Result<(), Error> {
        if self.tables.is_empty() {
            return Ok(());
        }
        let tables: Vec<(&str, &Table)> =
            self.tables.iter().map(|(n, t)| (n.as_str(), t)).collect();
        out.add(xlsx::XLSX_NAME, xlsx::workbook(readme, &tables)?);
        Ok(())
    }
}

fn tables_into(
    t: &Territory,
    r: &Results,
    opts: &TableOptions,
    out: &mut Outputs,
    book: &mut Book,
) {
    let csv = opts.csv;
    let unit = r.basics.costs.unit;
    let keep = Perimeter::new(t, &r.scope);
    if let Some(d) = &r.distance {
        if let Some(mut table) = tables::communes_full_table(t, r) {
            keep.retain(&mut table, |i| keep.commune(i));
            book.add(out, "communes.csv", table, csv);
        }
        if opts.access_costs {
            let mut costs = access_costs_table(t, &d.access);
            keep.retain_by_code(&mut costs, "code_insee");
            book.add(out, "couts_acces.csv", costs, csv);
            let mut scores = access_scores_table(t, &d.access);
            keep.retain_by_code(&mut scores, "code_insee");
            book.add(out, "scores_acces.csv", scores, csv);
        }
        if let Some(mut table) = tables::qpv_full_table(t, r) {
            keep.retain(&mut table, |j| keep.qpv(j));
            book.add(out, "qpv.csv", table, csv);
        }
        let summaries: Vec<_> = d
            .summaries
            .iter()
            .filter(|row| keep.row(&row.scope))
            .cloned()
            .collect();
        book.add(
            out,
            "distances_synthese.csv",
            summary_table(t, unit, &summaries),
            csv,
        );
        if let Some(g) = &d.grid {
            let mut table = grid_table(t, &g.cells, &g.nearest, g.size);
            if let (Some(mode), Some(costs)) = (r.basics.costs.mode, &g.costs) {
                table.append_new_columns(&tables::network_columns(t, mode, costs));
            }
            book.add(out, "grille_distance.csv", table, csv);
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
            book.add(out, "points_distance.csv", table, csv);
        }
    }
    if let Some(c) = &r.coverage {
        let rows: Vec<_> = c
            .rows
            .iter()
            .filter(|row| keep.row(&row.scope))
            .cloned()
            .collect();
        book.add(out, "couverture.csv", coverage_table(t, c.unit, &rows), csv);
    }
    if let Some(h) = &r.hotspots {
        book.add(
            out,
            "hotspots.csv",
            hotspot_clusters_table(t, h.unit, &h.clusters),
            csv,
        );
        let mut communes = hotspot_communes_table(t, &h.estimates, &h.cluster_of);
        keep.retain(&mut communes, |i| keep.commune(i));
        book.add(out, "hotspots_communes.csv", communes, csv);
        out.add(layers::HOTSPOTS_GEOJSON, layers::hotspots_geojson(t, h));
    }
    if let Some(bs) = &r.basins {
        let mut basins = basins_table(t, unit, &bs.basins, &bs.sizes);
        keep.retain(&mut basins, |k| bs.sizes[k].communes > 0);
        book.add(out, "bassins.csv", basins, csv);
        let mut communes = basin_communes_table(t, &bs.basins);
        keep.retain_by_code(&mut communes, "code_insee");
        book.add(out, "bassins_communes.csv", communes, csv);
    }
    if let Some(p) = &r.placement {
        book.add(
            out,
            "placement.csv",
            placement_table(t, &p.candidates, &p.placement),
            csv,
        );
        book.add(
            out,
            "placement_bilan.csv",
            placement_summary_table(t, &p.placement),
            csv,
        );
        let scopes: Vec<_> = p
            .scopes
            .iter()
            .filter(|s| keep.row(&s.scope))
            .cloned()
            .collect();
        book.add(
            out,
            "placement_synthese.csv",
            placement_scopes_table(t, p.placement.unit, &scopes),
            csv,
        );
    }
    if let Some(sc) = &r.scenario {
        let cov = |k: usize| -> Vec<_> {
            sc.coverage[k]
                .rows
                .iter()
                .filter(|row| keep.row(&row.scope))
                .cloned()
                .collect()
        };
        let sum = |k: usize| -> Vec<_> {
            sc.summaries[k]
                .iter()
                .filter(|row| keep.row(&row.scope))
                .cloned()
                .collect()
        };
        let (c0, c1, s0, s1) = (cov(0), cov(1), sum(0), sum(1));
        book.add(
            out,
            "scenario_indicateurs.csv",
            scenario_indicators_table(t, unit, [&c0, &c1], [&s0, &s1]),
            csv,
        );
        let changes: Vec<_> = sc
            .changes
            .iter()
            .filter(|c| keep.commune(c.commune))
            .cloned()
            .collect();
        book.add(
            out,
            "scenario_communes.csv",
            scenario_communes_table(t, unit, &changes),
            csv,
        );
    }
}
