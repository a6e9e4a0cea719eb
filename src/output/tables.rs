//! The French tables written by the commands: column names and formats in
//! one place, so every command writes the same columns the same way.

use crate::analysis::access::{AccessScores, PER_YOUNG_PEOPLE};
use crate::analysis::basins::{BasinSize, Basins};
use crate::analysis::coverage::{CoverageCategory, CoverageRow};
use crate::analysis::distance::{same_ml, QpvDistance, BAND_LABELS};
use crate::analysis::grid::GridCell;
use crate::analysis::hotspots::{Cluster, CommuneEstimate};
use crate::analysis::measure::SiteCost;
use crate::analysis::placement::{Candidate, Method, Model, Objective, Placement, ScopeSummary};
use crate::analysis::scenario::Change;
use crate::analysis::stats::WeightedSummary;
use crate::analysis::summary::{Category, SummaryRow, Weight};
use crate::base::LonLat;
use crate::base::{TravelMode, Unit};
use crate::index::Nearest;
use crate::model::places::in_reports_region;
use crate::model::Scope;
use crate::model::{departement_name, Territory, YouthSource};
use crate::output::write::{bool_text, needs_apostrophe, push_float, Cell, CsvStyle, Table};
use rayon::prelude::*;

/// Columns of `communes.csv`.
pub const COMMUNES_COLUMNS: &[&str] = &[
    "code_insee",
    "nom",
    "departement",
    "code_ml",
    "nom_ml",
    "classement",
    "population",
    "jeunes_16_25",
    "jeunes_16_25_source",
    "site_plus_proche",
    "type_site_plus_proche",
    "ml_site_plus_proche",
    "statut_site_plus_proche",
    "distance_km",
    "site_meme_ml",
    "sites_ex_aequo",
    "site_dans_commune",
    "nb_sites_commune",
    "point_de_mesure",
    "lon_mesure",
    "lat_mesure",
    "acces_2sfca",
    "acces_e2sfca",
    "acces_apl",
];

/// Decimals of the accessibility columns of `communes.csv` (sites per
/// 10,000 young people: around 3.7 on average).
pub const ACCESS_DECIMALS: usize = 3;

/// How the young-people column is labelled in tables that sum the
/// territory's communes: [`youth_label_of`] all of them.
pub fn youth_label(t: &Territory) -> &'static str {
    youth_label_of(t, 0..t.communes.len())
}

/// The young-people label of a perimeter: [`youth_label_of`] its communes.
pub fn scope_youth_label(t: &Territory, scope: &Scope) -> &'static str {
    youth_label_of(
        t,
        (0..t.communes.len()).filter(|&i| scope.has_commune(t, i)),
    )
}

/// [`scope_youth_label`] remembered for the last perimeter asked: the rows
/// of a table come perimeter by perimeter.
fn scope_labels(t: &Territory) -> impl FnMut(&Scope) -> &'static str + '_ {
    let mut last: Option<(Scope, &'static str)> = None;
    move |scope: &Scope| match &last {
        Some((s, label)) if s == scope => label,
        _ => {
            let label = scope_youth_label(t, scope);
            last = Some((scope.clone(), label));
            label
        }
    }
}

/// How the young people of `communes` were obtained: `fichier` (the user's
/// file); `recensement 2022 recalé` (the census 15–24 count scaled to the
/// reports' 16–25, see [`crate::model::youth`]) when every commune has one;
/// `recensement 2022 recalé, en partie estimation` when some are estimated;
/// otherwise `estimation` (the reports' share in the reports' région),
/// `estimation hors région` (the same share applied outside it) or
/// `estimation, en partie hors région`. No commune: the territory's label.
pub fn youth_label_of(t: &Territory, communes: impl IntoIterator<Item = usize>) -> &'static str {
    if let YouthSource::File(_) = t.jeunes_source {
        return "fichier";
    }
    let (mut census, mut inside, mut outside) = (0usize, 0usize, 0usize);
    for i in communes {
        match commune_youth_label(t, i) {
            CENSUS_LABEL => census += 1,
            ESTIMATE_LABEL => inside += 1,
            _ => outside += 1,
        }
    }
    match (census, inside, outside) {
        (0, 0, 0) if t.communes.is_empty() => ESTIMATE_LABEL,
        (0, 0, 0) => youth_label(t),
        (_, 0, 0) => CENSUS_LABEL,
        (1.., _, _) => "recensement 2022 recalé, en partie estimation",
        (0, _, 0) => ESTIMATE_LABEL,
        (0, 0, _) => "estimation hors région",
        (0, _, _) => "estimation, en partie hors région",
    }
}

/// The label of a commune whose young people come from the census.
const CENSUS_LABEL: &str = "recensement 2022 recalé";
/// The label of a commune of the reports' région estimated by their share.
const ESTIMATE_LABEL: &str = "estimation";

/// The same for one commune: `fichier`, `recensement 2022 recalé`,
/// `estimation` or `estimation hors région`.
pub fn commune_youth_label(t: &Territory, i: usize) -> &'static str {
    match &t.jeunes_source {
        YouthSource::File(_) => "fichier",
        YouthSource::Census { from_census, .. } if from_census.get(i) == Some(&true) => {
            CENSUS_LABEL
        }
        _ if in_reports_region(&t.communes[i].departement) => ESTIMATE_LABEL,
        _ => "estimation hors région",
    }
}

/// One row per commune, in INSEE order: where it stands, who covers it, its
/// nearest site and its accessibility scores (per 10,000 young people).
/// `nearest[i]` and `site_counts[i]` are for commune `i`.
pub fn communes_table(
    t: &Territory,
    nearest: &[Option<Nearest>],
    site_counts: &[usize],
    access: &AccessScores,
) -> Table {
    let mut table = Table::new(COMMUNES_COLUMNS);
    for (i, c) in t.communes.iter().enumerate() {
        let youth = commune_youth_label(t, i);
        let ml = &t.missions_locales[t.ml_of_commune[i]];
        let n = nearest[i].as_ref();
        let site = n.map(|n| &t.sites[n.site]);
        table.push(vec![
            c.code.as_str().into(),
            c.nom.clone().into(),
            c.departement.clone().into(),
            ml.code.clone().into(),
            ml.nom.clone().into(),
            t.classement[i].code().into(),
            c.population.into(),
            t.jeunes[i].into(),
            youth.into(),
            site.map(|s| s.id.clone()).into(),
            site.map(|s| s.kind.code()).into(),
            site.map(|s| s.code_ml.clone()).into(),
            site.map(|s| s.status.code()).into(),
            n.map_or(Cell::Empty, |n| Cell::Float(n.distance.km(), 3)),
            same_ml(t, Some(i), n).into(),
            n.map_or(Cell::Empty, |n| {
                Cell::Text(
                    n.ties
                        .iter()
                        .map(|&j| t.sites[j].id.as_str())
                        .collect::<Vec<_>>()
                        .join("|"),
                )
            }),
            (site_counts[i] > 0).into(),
            site_counts[i].into(),
            c.reference_kind.label().into(),
            Cell::Float(c.reference.lon, 6),
            Cell::Float(c.reference.lat, 6),
            Cell::Float(access.two_step.score[i] * PER_YOUNG_PEOPLE, ACCESS_DECIMALS),
            Cell::Float(access.enhanced.score[i] * PER_YOUNG_PEOPLE, ACCESS_DECIMALS),
            Cell::Float(access.apl.score[i] * PER_YOUNG_PEOPLE, ACCESS_DECIMALS),
        ]);
    }
    table
}

/// A column name of a cost in the run's unit: the km name as the crow
/// flies; by network the same in minutes, `distance` read as `temps` and
/// `rayon` as `seuil` (`distance_moyenne_km` → `temps_moyen_min`,
/// `rayon_km` → `seuil_min`, `ecart_km` → `ecart_min`).
pub fn in_unit(unit: Unit, name: &str) -> String {
    let Some(stem) = name.strip_suffix("_km").filter(|_| unit == Unit::Minutes) else {
        return name.to_string();
    };
    let stem = stem
        .replacen("distance_moyenne", "temps_moyen", 1)
        .replacen("distance_mediane", "temps_median", 1)
        .replacen("distance", "temps", 1)
        .replacen("rayon", "seuil", 1);
    format!("{stem}_min")
}

/// A table whose cost columns are named in `unit` (see [`in_unit`]).
fn table_in(unit: Unit, headers: &[&str]) -> Table {
    let names: Vec<String> = headers.iter().map(|h| in_unit(unit, h)).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    Table::new(&refs)
}

/// A cost in the unit people read: km with 3 decimals (metres), minutes
/// with 2 (`cost` in metres or minutes).
fn cost_cell(unit: Unit, cost: f64) -> Cell {
    match unit {
        Unit::Metres => Cell::Float(cost / 1000.0, 3),
        Unit::Minutes => Cell::Float(cost, 2),
    }
}

/// `couts_acces.csv`: the cost table the accessibility scores used, one row
/// per (commune, site) pair within reach, in INSEE then site order; the
/// distance in metres (or by network the time in minutes, `temps_min`) with
/// every digit (a site standing in the commune is at 0).
pub fn access_costs_table(t: &Territory, access: &AccessScores) -> Table {
    let cost = match access.costs.unit {
        Unit::Metres => "distance_m",
        Unit::Minutes => "temps_min",
    };
    let mut table = Table::new(&["code_insee", "site_id", cost]);
    for p in &access.costs.pairs {
        table.push(vec![
            t.communes[p.commune].code.as_str().into(),
            t.sites[p.site].id.clone().into(),
            Cell::Exact(p.cost),
        ]);
    }
    table
}

/// `scores_acces.csv`: the three scores of every commune per 10,000 young
/// people with every digit, for programs that compare them exactly.
pub fn access_scores_table(t: &Territory, access: &AccessScores) -> Table {
    let mut table = Table::new(&[
        "code_insee",
        "jeunes_16_25",
        "acces_2sfca",
        "acces_e2sfca",
        "acces_apl",
    ]);
    for (i, c) in t.communes.iter().enumerate() {
        table.push(vec![
            c.code.as_str().into(),
            t.jeunes[i].into(),
            Cell::Exact(access.two_step.score[i] * PER_YOUNG_PEOPLE),
            Cell::Exact(access.enhanced.score[i] * PER_YOUNG_PEOPLE),
            Cell::Exact(access.apl.score[i] * PER_YOUNG_PEOPLE),
        ]);
    }
    table
}

/// The three columns naming a perimeter.
pub fn scope_cells(t: &Territory, scope: &Scope) -> [Cell; 3] {
    match scope {
        Scope::Region => {
            let (level, code) = t.name.level_code();
            [
                level.into(),
                code.to_string().into(),
                t.name.name.clone().into(),
            ]
        }
        Scope::Departement(d) => [
            "departement".into(),
            d.clone().into(),
            departement_name(d).into(),
        ],
        Scope::Ml(i) => {
            let m = &t.missions_locales[*i];
            ["ml".into(), m.code.clone().into(), m.nom.clone().into()]
        }
        Scope::Epci(e) => ["epci".into(), e.clone().into(), scope.name(t).into()],
    }
}

/// `qpv.csv`: one row per QPV.
pub fn qpv_table(t: &Territory, qpv: &[QpvDistance], sites_in_qpv: &[usize]) -> Table {
    let mut headers = vec![
        "code_qp",
        "nom_qp",
        "departement",
        "code_insee",
        "code_ml",
        "lon",
        "lat",
        "site_plus_proche",
        "type_site_plus_proche",
        "ml_site_plus_proche",
        "distance_km",
        "site_meme_ml",
        "sites_dans_qpv",
    ];
    let share_cols: Vec<String> = BAND_LABELS
        .iter()
        .map(|b| format!("part_surface_{b}_km"))
        .collect();
    headers.extend(share_cols.iter().map(String::as_str));
    let mut table = Table::new(&headers);
    for (j, (q, d)) in t.qpv.iter().zip(qpv).enumerate() {
        let site = d.nearest.as_ref().map(|n| &t.sites[n.site]);
        let mut row = vec![
            q.code.clone().into(),
            q.nom.clone().into(),
            q.departement.clone().into(),
            d.commune.map(|c| t.communes[c].code.to_string()).into(),
            d.commune
                .map(|c| t.missions_locales[t.ml_of_commune[c]].code.clone())
                .into(),
            Cell::Float(d.point.lon, 6),
            Cell::Float(d.point.lat, 6),
            site.map(|s| s.id.clone()).into(),
            site.map(|s| s.kind.code()).into(),
            site.map(|s| s.code_ml.clone()).into(),
            d.nearest
                .as_ref()
                .map_or(Cell::Empty, |n| Cell::Float(n.distance.km(), 3)),
            same_ml(t, d.commune, d.nearest.as_ref()).into(),
            sites_in_qpv[j].into(),
        ];
        row.extend(d.band_shares.iter().map(|s| Cell::Float(*s, 3)));
        table.push(row);
    }
    table
}

/// `grille_distance.csv`: one row per grid cell, its centre in Lambert-93
/// (`x_l93`, `y_l93`) or, outside France, in the territory's local frame
/// (`x_local`, `y_local`, described in the manifest and the GeoTIFF).
pub fn grid_table(
    t: &Territory,
    cells: &[GridCell],
    nearest: &[Option<Nearest>],
    size_m: f64,
) -> Table {
    let (x, y) = if t.frame.is_lambert93() {
        ("x_l93", "y_l93")
    } else {
        ("x_local", "y_local")
    };
    let mut table = Table::new(&[
        x,
        y,
        "taille_m",
        "code_insee",
        "site_plus_proche",
        "distance_km",
        "site_meme_ml",
    ]);
    table.rows = cells
        .par_iter()
        .zip(nearest)
        .map(|(c, n)| {
            vec![
                Cell::Float(c.centre.x, 0),
                Cell::Float(c.centre.y, 0),
                Cell::Float(size_m, 0),
                t.communes[c.commune].code.as_str().into(),
                n.as_ref().map(|n| t.sites[n.site].id.clone()).into(),
                n.as_ref()
                    .map_or(Cell::Empty, |n| Cell::Float(n.distance.km(), 3)),
                same_ml(t, Some(c.commune), n.as_ref()).into(),
            ]
        })
        .collect();
    table
}

/// The rows of [`grid_table`] without its header, as the bytes
/// [`Table::rows_csv`] gives, formatted in parallel without a [`Cell`] per
/// value: the streamed grid writes millions of them.
pub fn grid_csv_rows(
    t: &Territory,
    style: CsvStyle,
    cells: &[GridCell],
    nearest: &[Option<Nearest>],
    size_m: f64,
) -> Vec<u8> {
    // Rows per parallel task.
    const PART: usize = 8192;
    let sep = match style {
        CsvStyle::French => b';',
        CsvStyle::Rfc4180 => b',',
    };
    let mut size = String::new();
    push_float(&mut size, size_m, 0, style);
    let parts: Vec<Vec<u8>> = cells
        .par_chunks(PART)
        .zip(nearest.par_chunks(PART))
        .map(|(cells, nearest)| {
            let mut out = Vec::with_capacity(cells.len() * 56);
            let mut num = String::new();
            for (c, n) in cells.iter().zip(nearest) {
                for (k, x) in [c.centre.x, c.centre.y].into_iter().enumerate() {
                    num.clear();
                    push_float(&mut num, x, 0, style);
                    push_field(&mut out, num.as_bytes(), sep);
                    out.push(sep);
                    if k == 1 {
                        push_field(&mut out, size.as_bytes(), sep);
                        out.push(sep);
                    }
                }
                push_text_field(
                    &mut out,
                    t.communes[c.commune].code.as_str().as_bytes(),
                    sep,
                );
                out.push(sep);
                let n = n.as_ref();
                push_text_field(
                    &mut out,
                    n.map_or("", |n| t.sites[n.site].id.as_str()).as_bytes(),
                    sep,
                );
                out.push(sep);
                push_distance_end(&mut out, &mut num, t, Some(c.commune), n, (style, sep));
            }
            out
        })
        .collect();
    parts.concat()
}

/// The end of a row of the grid's or the points' table: the distance in
/// km to the nearest site `n` and whether that site is of the Mission
/// Locale of `commune`, then the line break; `num` is a scratch buffer.
fn push_distance_end(
    out: &mut Vec<u8>,
    num: &mut String,
    t: &Territory,
    commune: Option<usize>,
    n: Option<&Nearest>,
    (style, sep): (CsvStyle, u8),
) {
    num.clear();
    if let Some(n) = n {
        push_float(num, n.distance.km(), 3, style);
    }
    push_field(out, num.as_bytes(), sep);
    out.push(sep);
    let same = same_ml(t, commune, n).map_or("", |b| bool_text(b, style));
    push_field(out, same.as_bytes(), sep);
    out.extend_from_slice(b"\r\n");
}

/// Columns of `points_distance.csv`.
pub const POINTS_COLUMNS: &[&str] = &[
    "id",
    "lon",
    "lat",
    "code_insee",
    "code_ml",
    "site_plus_proche",
    "type_site_plus_proche",
    "ml_site_plus_proche",
    "distance_km",
    "site_meme_ml",
];

/// Rows of `points_distance.csv` as CSV bytes in `style`, without the
/// header ([`crate::output::write::csv_start`] with [`POINTS_COLUMNS`]), in
/// pieces to be written one after the other: the bytes [`points_table`]
/// gives through [`Table::to_csv`], formatted in parallel without a
/// [`Cell`] per value, for files of millions of points written a chunk at
/// a time.
pub fn points_csv_rows(
    t: &Territory,
    style: CsvStyle,
    ids: &[String],
    points: &[LonLat],
    communes: &[Option<usize>],
    nearest: &[Option<Nearest>],
) -> Vec<Vec<u8>> {
    // Rows per parallel task.
    const PART: usize = 4096;
    let sep = match style {
        CsvStyle::French => b';',
        CsvStyle::Rfc4180 => b',',
    };
    ids.par_chunks(PART)
        .enumerate()
        .map(|(k, part)| {
            let mut out = Vec::with_capacity(part.len() * 96);
            let mut num = String::new();
            for (i, id) in (k * PART..).zip(part) {
                let (p, commune, n) = (points[i], communes[i], nearest[i].as_ref());
                let site = n.map(|n| &t.sites[n.site]);
                push_text_field(&mut out, id.as_bytes(), sep);
                out.push(sep);
                num.clear();
                push_float(&mut num, p.lon, 6, style);
                push_field(&mut out, num.as_bytes(), sep);
                out.push(sep);
                num.clear();
                push_float(&mut num, p.lat, 6, style);
                push_field(&mut out, num.as_bytes(), sep);
                for field in [
                    commune.map_or("", |c| t.communes[c].code.as_str()),
                    commune.map_or("", |c| t.missions_locales[t.ml_of_commune[c]].code.as_str()),
                    site.map_or("", |s| s.id.as_str()),
                    site.map_or("", |s| s.kind.code()),
                    site.map_or("", |s| s.code_ml.as_str()),
                ] {
                    out.push(sep);
                    push_text_field(&mut out, field.as_bytes(), sep);
                }
                out.push(sep);
                push_distance_end(&mut out, &mut num, t, commune, n, (style, sep));
            }
            out
        })
        .collect()
}

/// Appends a text field of a CSV row as [`Table::to_csv`] writes a
/// [`Cell::Text`]: behind an apostrophe when it starts like a formula (see
/// [`crate::output::write::push_text`]), then as [`push_field`] does.
fn push_text_field(out: &mut Vec<u8>, field: &[u8], sep: u8) {
    if needs_apostrophe(field) {
        let mut guarded = Vec::with_capacity(field.len() + 1);
        guarded.push(b'\'');
        guarded.extend_from_slice(field);
        push_field(out, &guarded, sep);
    } else {
        push_field(out, field, sep);
    }
}

/// Appends one field of a CSV row as the csv crate's writer does (the
/// settings of [`crate::output::write::csv_writer`]): in quotes, its quotes
/// doubled, when it holds the separator, a quote or a line break; as it is
/// otherwise.
fn push_field(out: &mut Vec<u8>, field: &[u8], sep: u8) {
    if field
        .iter()
        .any(|&b| b == sep || b == b'"' || b == b'\n' || b == b'\r')
    {
        out.push(b'"');
        for &b in field {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(field);
    }
}

/// `points_distance.csv`: one row per input point, in input order.
pub fn points_table(
    t: &Territory,
    ids: &[String],
    points: &[LonLat],
    communes: &[Option<usize>],
    nearest: &[Option<Nearest>],
) -> Table {
    let mut table = Table::new(POINTS_COLUMNS);
    for (((id, p), commune), n) in ids.iter().zip(points).zip(communes).zip(nearest) {
        let site = n.as_ref().map(|n| &t.sites[n.site]);
        table.push(vec![
            id.clone().into(),
            Cell::Float(p.lon, 6),
            Cell::Float(p.lat, 6),
            commune.map(|c| t.communes[c].code.to_string()).into(),
            commune
                .map(|c| t.missions_locales[t.ml_of_commune[c]].code.clone())
                .into(),
            site.map(|s| s.id.clone()).into(),
            site.map(|s| s.kind.code()).into(),
            site.map(|s| s.code_ml.clone()).into(),
            n.as_ref()
                .map_or(Cell::Empty, |n| Cell::Float(n.distance.km(), 3)),
            same_ml(t, *commune, n.as_ref()).into(),
        ]);
    }
    table
}

/// `distances_synthese.csv`: weighted distance summaries.
pub fn summary_table(t: &Territory, unit: Unit, rows: &[SummaryRow]) -> Table {
    let mut table = table_in(
        unit,
        &[
            "type_perimetre",
            "code_perimetre",
            "nom_perimetre",
            "categorie",
            "ponderation",
            "lieux",
            "poids",
            "distance_moyenne_km",
            "distance_mediane_km",
            "distance_p90_km",
        ],
    );
    for r in rows {
        let mut row: Vec<Cell> = scope_cells(t, &r.scope).into();
        row.extend([
            r.category.label().into(),
            r.weight.label().into(),
            r.places.into(),
            Cell::Float(r.summary.weight, 0),
            Cell::Float(r.summary.mean, 2),
            Cell::Float(r.summary.median, 2),
            Cell::Float(r.summary.p90, 2),
        ]);
        table.push(row);
    }
    if unit == Unit::Minutes {
        let mut measured = Table::new(&["lieux_mesures", "poids_mesure", "part_poids_mesure"]);
        for r in rows {
            let ((places, weight), (_, all)) = (r.measured, r.all);
            measured.push(vec![
                places.into(),
                Cell::Float(weight, 0),
                if all > 0.0 {
                    Cell::Float(weight / all, 4)
                } else {
                    Cell::Empty
                },
            ]);
        }
        table.append_new_columns(&measured);
    }
    table
}

/// `couverture.csv`: coverage by perimeter, category and radius.
pub fn coverage_table(t: &Territory, unit: Unit, rows: &[CoverageRow]) -> Table {
    let mut scope_label = scope_labels(t);
    let mut table = table_in(
        unit,
        &[
            "type_perimetre",
            "code_perimetre",
            "nom_perimetre",
            "categorie",
            "rayon_km",
            "lieux",
            "lieux_couverts",
            "part_lieux",
            "population",
            "population_couverte",
            "part_population",
            "jeunes_16_25",
            "jeunes_16_25_couverts",
            "part_jeunes",
            "jeunes_16_25_source",
        ],
    );
    let share = |a: u64, b: u64| {
        if b == 0 {
            Cell::Empty
        } else {
            Cell::Float(a as f64 / b as f64, 4)
        }
    };
    for r in rows {
        let c = r.counts;
        let mut row: Vec<Cell> = scope_cells(t, &r.scope).into();
        let qpv = r.category == CoverageCategory::Qpv;
        row.extend([
            r.category.label().into(),
            Cell::Float(unit.shown(r.threshold), 1),
            c.places.into(),
            c.places_covered.into(),
            share(c.places_covered, c.places),
            if qpv {
                Cell::Empty
            } else {
                c.population.into()
            },
            if qpv {
                Cell::Empty
            } else {
                c.population_covered.into()
            },
            if qpv {
                Cell::Empty
            } else {
                share(c.population_covered, c.population)
            },
            if qpv { Cell::Empty } else { c.jeunes.into() },
            if qpv {
                Cell::Empty
            } else {
                c.jeunes_covered.into()
            },
            if qpv {
                Cell::Empty
            } else {
                share(c.jeunes_covered, c.jeunes)
            },
            scope_label(&r.scope).into(),
        ]);
        table.push(row);
    }
    if unit == Unit::Minutes {
        table.append_new_columns(&measured_columns(rows.iter().map(|r| {
            let qpv = r.category == CoverageCategory::Qpv;
            let c = r.counts;
            (
                c.places_measured,
                c.places,
                (!qpv).then_some((c.jeunes_measured, c.jeunes)),
            )
        })));
    }
    table
}

/// By network, how many of a row's places and young people the measure took
/// (the others being too far from the network): `lieux_mesures`,
/// `jeunes_16_25_mesures` and their share `part_jeunes_16_25_mesures`,
/// from (places measured, places, (young people measured, young people)).
pub fn measured_columns(rows: impl Iterator<Item = (u64, u64, Option<(u64, u64)>)>) -> Table {
    let mut table = Table::new(&[
        "lieux_mesures",
        "jeunes_16_25_mesures",
        "part_jeunes_16_25_mesures",
    ]);
    for (places, _, jeunes) in rows {
        table.push(vec![
            places.into(),
            jeunes.map_or(Cell::Empty, |(m, _)| m.into()),
            jeunes.map_or(Cell::Empty, |(m, all)| {
                if all == 0 {
                    Cell::Empty
                } else {
                    Cell::Float(m as f64 / all as f64, 4)
                }
            }),
        ]);
    }
    table
}

/// `hotspots_communes.csv`: the non-mobility estimate of every commune.
pub fn hotspot_communes_table(
    t: &Territory,
    est: &[CommuneEstimate],
    cluster_of: &[Option<usize>],
) -> Table {
    let mut table = Table::new(&[
        "code_insee",
        "nom",
        "code_ml",
        "classement",
        "jeunes_16_25",
        "jeunes_non_mobiles",
        "jeunes_non_mobiles_sans_site",
        "jeunes_non_mobiles_hors_portee",
        "commune_point_chaud",
        "rang_foyer",
        "jeunes_16_25_source",
    ]);
    for (i, c) in t.communes.iter().enumerate() {
        let e = est[i];
        table.push(vec![
            c.code.as_str().into(),
            c.nom.clone().into(),
            t.missions_locales[t.ml_of_commune[i]].code.clone().into(),
            t.classement[i].code().into(),
            t.jeunes[i].into(),
            Cell::Float(e.non_mobiles, 1),
            Cell::Float(e.without_site, 1),
            Cell::Float(e.out_of_reach, 1),
            e.hotspot.into(),
            cluster_of[i].map(|r| r + 1).into(),
            commune_youth_label(t, i).into(),
        ]);
    }
    table
}

/// `hotspots.csv`: one row per cluster, ranked.
pub fn hotspot_clusters_table(t: &Territory, unit: Unit, clusters: &[Cluster]) -> Table {
    let mut table = table_in(
        unit,
        &[
            "rang",
            "nb_communes",
            "jeunes_non_mobiles_hors_portee",
            "jeunes_16_25",
            "population",
            "codes_ml",
            "noms_ml",
            "communes_frr",
            "communes_frr_plus",
            "communes_zrr",
            "communes_autres",
            "site_plus_proche",
            "nom_site_plus_proche",
            "type_site_plus_proche",
            "distance_site_km",
            "commune_la_plus_proche_du_site",
            "distance_moyenne_jeunes_km",
            "distance_max_km",
            "codes_insee",
            "communes",
            "jeunes_16_25_source",
        ],
    );
    for (r, c) in clusters.iter().enumerate() {
        let site = c.nearest_site.as_ref().map(|(n, _)| &t.sites[n.site]);
        let names = |sep: &str| {
            c.mls
                .iter()
                .map(|&m| t.missions_locales[m].nom.as_str())
                .collect::<Vec<_>>()
                .join(sep)
        };
        table.push(vec![
            (r + 1).into(),
            c.communes.len().into(),
            Cell::Float(c.non_mobiles, 1),
            c.jeunes.into(),
            c.population.into(),
            c.mls
                .iter()
                .map(|&m| t.missions_locales[m].code.as_str())
                .collect::<Vec<_>>()
                .join("|")
                .into(),
            names("|").into(),
            c.classement_mix[0].into(),
            c.classement_mix[1].into(),
            c.classement_mix[2].into(),
            c.classement_mix[3].into(),
            site.map(|s| s.id.clone()).into(),
            site.map(|s| s.nom.clone()).into(),
            site.map(|s| s.kind.code()).into(),
            c.nearest_site
                .as_ref()
                .map_or(Cell::Empty, |(n, _)| cost_cell(unit, n.value)),
            c.nearest_site
                .as_ref()
                .map(|(_, i)| t.communes[*i].code.to_string())
                .into(),
            c.mean_cost.map_or(Cell::Empty, |v| cost_cell(unit, v)),
            c.max_cost.map_or(Cell::Empty, |v| cost_cell(unit, v)),
            c.communes
                .iter()
                .map(|&i| t.communes[i].code.as_str())
                .collect::<Vec<_>>()
                .join("|")
                .into(),
            c.communes
                .iter()
                .map(|&i| t.communes[i].nom.as_str())
                .collect::<Vec<_>>()
                .join("|")
                .into(),
            youth_label_of(t, c.communes.iter().copied()).into(),
        ]);
    }
    table
}

/// `bassins.csv`: the size of each mobility basin.
pub fn basins_table(t: &Territory, unit: Unit, basins: &Basins, sizes: &[BasinSize]) -> Table {
    let mut table = table_in(
        unit,
        &[
            "bassin",
            "statut",
            "missions_locales",
            "nb_communes",
            "population",
            "jeunes_16_25",
            "ecart_relatif_moyenne_jeunes",
            "jeunes_non_mobiles",
            "jeunes_sans_permis",
            "jeunes_accompagnes_estimes",
            "demande_appui_mobilite_estimee",
            "communes_sans_taux_departemental",
            "distance_moyenne_km",
            "distance_mediane_km",
            "distance_p90_km",
            "sieges",
            "antennes",
            "permanences",
            "part_population_frr",
            "nb_qpv",
            "jeunes_16_25_source",
        ],
    );
    let statut = if basins.proposed {
        "proposition (liste PAMS non publique)"
    } else {
        "fichier"
    };
    let balance = crate::analysis::basins::balance(sizes);
    for (k, ((name, s), gap)) in basins.names.iter().zip(sizes).zip(balance).enumerate() {
        let d = s.distance;
        table.push(vec![
            name.clone().into(),
            statut.into(),
            s.mls
                .iter()
                .map(|&m| t.missions_locales[m].code.as_str())
                .collect::<Vec<_>>()
                .join("|")
                .into(),
            s.communes.into(),
            s.population.into(),
            s.jeunes.into(),
            Cell::Float(gap, 4),
            Cell::Float(s.non_mobiles, 0),
            Cell::Float(s.without_licence, 0),
            // No département rate for any commune: unknown, not 0.
            if s.unrated_communes == s.communes && s.communes > 0 {
                Cell::Empty
            } else {
                Cell::Float(s.followed, 0)
            },
            if s.unrated_communes == s.communes && s.communes > 0 {
                Cell::Empty
            } else {
                Cell::Float(s.demand, 0)
            },
            s.unrated_communes.into(),
            d.map_or(Cell::Empty, |d| Cell::Float(d.mean, 2)),
            d.map_or(Cell::Empty, |d| Cell::Float(d.median, 2)),
            d.map_or(Cell::Empty, |d| Cell::Float(d.p90, 2)),
            s.sites[0].into(),
            s.sites[1].into(),
            s.sites[2].into(),
            Cell::Float(s.frr_population_share, 4),
            s.qpv.into(),
            youth_label_of(
                t,
                (0..t.communes.len()).filter(|&i| basins.of_commune[i] == Some(k)),
            )
            .into(),
        ]);
    }
    if unit == Unit::Minutes {
        table.append_new_columns(&measured_columns(sizes.iter().map(|s| {
            (
                s.communes_measured as u64,
                s.communes as u64,
                Some((s.jeunes_measured, s.jeunes)),
            )
        })));
    }
    table
}

/// `bassins_communes.csv`: the basin of every commune (editable, and
/// accepted back by `--bassins`).
pub fn basin_communes_table(t: &Territory, basins: &Basins) -> Table {
    let mut table = Table::new(&["code_insee", "nom", "code_ml", "bassin"]);
    for (i, c) in t.communes.iter().enumerate() {
        table.push(vec![
            c.code.as_str().into(),
            c.nom.clone().into(),
            t.missions_locales[t.ml_of_commune[i]].code.clone().into(),
            basins.of_commune[i].map(|k| basins.names[k].clone()).into(),
        ]);
    }
    table
}

/// `placement.csv`: the proposed new sites, best first.
pub fn placement_table(t: &Territory, candidates: &[Candidate], p: &Placement) -> Table {
    let mut table = Table::new(&[
        "rang",
        "candidat",
        "nom",
        "code_insee",
        "commune",
        "code_ml",
        "nom_ml",
        "lon",
        "lat",
        "gain",
        "cumul",
        "communes_nouvellement_couvertes",
        "jeunes_nouvellement_couverts",
        "population_nouvellement_couverte",
        "jeunes_16_25_source",
    ]);
    let decimals = whole_decimals(p);
    for (r, placed) in p.placed.iter().enumerate() {
        let c = &candidates[placed.candidate];
        let commune = c.commune.map(|i| &t.communes[i]);
        let ml = c.commune.map(|i| &t.missions_locales[t.ml_of_commune[i]]);
        table.push(vec![
            (r + 1).into(),
            c.id.clone().into(),
            c.nom.clone().into(),
            commune.map(|c| c.code.as_str()).into(),
            commune.map(|c| c.nom.clone()).into(),
            ml.map(|m| m.code.clone()).into(),
            ml.map(|m| m.nom.clone()).into(),
            Cell::Float(c.position.lon, 6),
            Cell::Float(c.position.lat, 6),
            Cell::Float(placed.gain, decimals),
            Cell::Float(placed.cumulative, decimals),
            placed.communes_covered.into(),
            placed.jeunes_covered.into(),
            placed.population_covered.into(),
            youth_label(t).into(),
        ]);
    }
    table
}

/// `placement_bilan.csv`: the parameters, the objective before and after,
/// the bound and the optimality gap, one `indicateur;valeur` row each.
pub fn placement_summary_table(t: &Territory, p: &Placement) -> Table {
    let mut table = Table::new(&["indicateur", "valeur", "unite"]);
    let mut row = |k: &str, v: Cell, u: &str| table.push(vec![k.into(), v, u.into()]);
    let unit = match (p.params.model, p.params.objective) {
        (Model::Mclp, Objective::Jeunes) => "jeunes",
        (Model::Mclp, Objective::NonMobiles { .. }) => "jeunes non mobiles",
        (Model::Mclp, Objective::Population) => "habitants",
        (Model::PMedian, Objective::Jeunes) => "jeunes",
        (Model::PMedian, Objective::NonMobiles { .. }) => "jeunes non mobiles",
        (Model::PMedian, Objective::Population) => "habitants",
    };
    let weighted = format!("{unit} × {}", p.unit.symbol());
    let unit = match p.params.model {
        Model::Mclp => unit,
        Model::PMedian => weighted.as_str(),
    };
    let dec = whole_decimals(p);
    row("modele", p.params.model.code().into(), "");
    row("objectif", p.params.objective.code().into(), "");
    if let Objective::NonMobiles { rate } = p.params.objective {
        row("taux_non_mobiles", Cell::Float(rate, 4), "");
    }
    row("k", p.params.k.into(), "sites");
    row("k_places", p.placed.len().into(), "sites");
    let u = p.unit.symbol();
    row(
        &in_unit(p.unit, "rayon_km"),
        Cell::Float(p.params.radius.shown(), 3),
        u,
    );
    row(
        "perimetre",
        match &p.params.scope {
            Scope::Region => t.name.name.clone(),
            Scope::Ml(m) => format!(
                "{} {}",
                t.missions_locales[*m].code, t.missions_locales[*m].nom
            ),
            scope => scope.name(t),
        }
        .into(),
        "",
    );
    row("communes", p.demand.len().into(), "communes");
    row("candidats", p.candidates_in_scope.into(), "candidats");
    row("candidats_utiles", p.candidates_useful.into(), "candidats");
    let demand_total: f64 = p
        .demand
        .iter()
        .map(|&i| p.params.objective.weight(t, i))
        .sum();
    row(
        "demande_totale",
        Cell::Float(demand_total, dec.min(1)),
        unit_total(p),
    );
    match p.params.model {
        Model::Mclp => {
            row("couvert_avant", Cell::Float(p.objective_before, dec), unit);
            row("gain", Cell::Float(p.solution.value, dec), unit);
            row("couvert_apres", Cell::Float(p.objective_after, dec), unit);
            row(
                "borne_couvert_apres",
                Cell::Float(p.objective_bound, dec),
                unit,
            );
        }
        Model::PMedian => {
            row("cout_avant", Cell::Float(p.objective_before, 1), unit);
            row("gain", Cell::Float(p.solution.value, 1), unit);
            row("cout_apres", Cell::Float(p.objective_after, 1), unit);
            row("borne_cout_apres", Cell::Float(p.objective_bound, 1), unit);
            if demand_total > 0.0 {
                row(
                    &in_unit(p.unit, "distance_moyenne_avant_km"),
                    Cell::Float(p.objective_before / demand_total, 3),
                    u,
                );
                row(
                    &in_unit(p.unit, "distance_moyenne_apres_km"),
                    Cell::Float(p.objective_after / demand_total, 3),
                    u,
                );
            }
        }
    }
    row("ecart_pct", Cell::Float(100.0 * p.gap(), 3), "%");
    let (method, proven) = match p.method {
        Method::Heuristic => (
            "glouton + échanges (substitution de sommets) + borne lagrangienne",
            p.solution.gap() == 0.0,
        ),
        Method::Exact { proven, nodes: 0 } => (
            "glouton + échanges + borne lagrangienne, puis relaxation linéaire (microlp)",
            proven,
        ),
        Method::Exact { proven, .. } => (
            "glouton + échanges, puis séparation et évaluation MILP (microlp)",
            proven,
        ),
    };
    row("methode", method.into(), "");
    row(
        "optimalite",
        if proven || p.solution.gap() == 0.0 {
            "prouvée"
        } else {
            "non prouvée : l'optimum est entre la valeur et la borne"
        }
        .into(),
        "",
    );
    row("iterations_borne", p.solution.iterations.into(), "");
    row("echanges", p.solution.swaps.into(), "");
    if let Method::Exact { nodes, .. } = p.method {
        row(
            "noeuds_milp",
            Cell::Int(i64::try_from(nodes).unwrap_or(i64::MAX)),
            "",
        );
    }
    row("jeunes_16_25_source", youth_label(t).into(), "");
    table
}

/// Covered young people and inhabitants are whole numbers; weighted
/// distances and non-mobile estimates are not.
fn whole_decimals(p: &Placement) -> usize {
    let whole = p.params.model == Model::Mclp
        && !matches!(p.params.objective, Objective::NonMobiles { .. });
    if whole {
        0
    } else {
        1
    }
}

fn unit_total(p: &Placement) -> &'static str {
    match p.params.objective {
        Objective::Jeunes => "jeunes",
        Objective::NonMobiles { .. } => "jeunes non mobiles",
        Objective::Population => "habitants",
    }
}

/// `placement_synthese.csv`: before and after, by region, département and
/// Mission Locale: young people and population within the radius, and the
/// distance to the nearest site weighted by young people and by population.
pub fn placement_scopes_table(t: &Territory, unit: Unit, rows: &[ScopeSummary]) -> Table {
    let mut scope_label = scope_labels(t);
    let mut table = table_in(
        unit,
        &[
            "perimetre",
            "code",
            "nom",
            "nb_communes",
            "population",
            "jeunes_16_25",
            "jeunes_couverts_avant",
            "jeunes_couverts_apres",
            "population_couverte_avant",
            "population_couverte_apres",
            "distance_moyenne_jeunes_avant_km",
            "distance_moyenne_jeunes_apres_km",
            "distance_p90_jeunes_avant_km",
            "distance_p90_jeunes_apres_km",
            "distance_moyenne_population_avant_km",
            "distance_moyenne_population_apres_km",
            "distance_p90_population_avant_km",
            "distance_p90_population_apres_km",
            "jeunes_16_25_source",
        ],
    );
    let f = |s: Option<WeightedSummary>, q: fn(&WeightedSummary) -> f64| {
        s.map_or(Cell::Empty, |s| Cell::Float(q(&s), 3))
    };
    for r in rows {
        let mut cells: Vec<Cell> = scope_cells(t, &r.scope).into();
        cells.extend([
            r.communes.into(),
            r.population.into(),
            r.jeunes.into(),
            r.jeunes_covered[0].into(),
            r.jeunes_covered[1].into(),
            r.population_covered[0].into(),
            r.population_covered[1].into(),
            f(r.distance_jeunes[0], |s| s.mean),
            f(r.distance_jeunes[1], |s| s.mean),
            f(r.distance_jeunes[0], |s| s.p90),
            f(r.distance_jeunes[1], |s| s.p90),
            f(r.distance_population[0], |s| s.mean),
            f(r.distance_population[1], |s| s.mean),
            f(r.distance_population[0], |s| s.p90),
            f(r.distance_population[1], |s| s.p90),
            scope_label(&r.scope).into(),
        ]);
        table.push(cells);
    }
    table
}

/// `scenario_indicateurs.csv`: per perimeter, young people and population
/// within each radius, and the mean and 90th percentile of the distance
/// (weighted by young people and by population), before and after.
pub fn scenario_indicators_table(
    t: &Territory,
    unit: Unit,
    coverage: [&[CoverageRow]; 2],
    summaries: [&[SummaryRow]; 2],
) -> Table {
    use std::collections::BTreeMap;
    let mut rows: BTreeMap<(Scope, usize, String), [Option<f64>; 2]> = BTreeMap::new();
    for (k, cov) in coverage.iter().enumerate() {
        for r in cov
            .iter()
            .filter(|r| r.category == CoverageCategory::Toutes)
        {
            let x = unit.shown(r.threshold);
            let u = unit.symbol();
            for (n, (name, v)) in [
                (
                    format!("jeunes_a_moins_de_{x}_{u}"),
                    r.counts.jeunes_covered,
                ),
                (
                    format!("population_a_moins_de_{x}_{u}"),
                    r.counts.population_covered,
                ),
            ]
            .into_iter()
            .enumerate()
            {
                let order = 2 * ((1000.0 * unit.shown(r.threshold)) as usize) + n;
                rows.entry((r.scope.clone(), order, name)).or_default()[k] = Some(v as f64);
            }
        }
    }
    for (k, sum) in summaries.iter().enumerate() {
        for r in sum.iter().filter(|r| r.category == Category::Toutes) {
            let w = match r.weight {
                Weight::Jeunes => "jeunes",
                Weight::Population => "population",
                Weight::Qpv => continue,
            };
            for (n, (stat, v)) in [("moyenne", r.summary.mean), ("p90", r.summary.p90)]
                .into_iter()
                .enumerate()
            {
                let order = usize::MAX / 2 + 2 * usize::from(w == "population") + n;
                let name = in_unit(unit, &format!("distance_{stat}_{w}_km"));
                rows.entry((r.scope.clone(), order, name)).or_default()[k] = Some(v);
            }
        }
    }
    let mut table = Table::new(&[
        "perimetre",
        "code",
        "nom",
        "indicateur",
        "avant",
        "apres",
        "ecart",
    ]);
    for ((scope, _, name), [a, b]) in rows {
        let dec = if name.starts_with("distance") || name.starts_with("temps") {
            3
        } else {
            0
        };
        let cell = |x: Option<f64>| x.map_or(Cell::Empty, |x| Cell::Float(x, dec));
        let mut cells: Vec<Cell> = scope_cells(t, &scope).into();
        cells.extend([
            name.into(),
            cell(a),
            cell(b),
            cell(a.zip(b).map(|(a, b)| b - a)),
        ]);
        table.push(cells);
    }
    table
}

/// `scenario_communes.csv`: the communes whose nearest site changes.
pub fn scenario_communes_table(t: &Territory, unit: Unit, changes: &[Change]) -> Table {
    let mut table = table_in(
        unit,
        &[
            "code_insee",
            "nom",
            "code_ml",
            "site_avant",
            "distance_avant_km",
            "site_apres",
            "distance_apres_km",
            "ecart_km",
            "jeunes_16_25",
            "jeunes_16_25_source",
        ],
    );
    for c in changes {
        let commune = &t.communes[c.commune];
        let km = |x: &Option<(String, f64)>| {
            x.as_ref()
                .map_or(Cell::Empty, |x| Cell::Float(unit.shown(x.1), 3))
        };
        table.push(vec![
            commune.code.as_str().into(),
            commune.nom.clone().into(),
            t.missions_locales[t.ml_of_commune[c.commune]]
                .code
                .clone()
                .into(),
            c.before.as_ref().map(|x| x.0.clone()).into(),
            km(&c.before),
            c.after.as_ref().map(|x| x.0.clone()).into(),
            km(&c.after),
            c.delta()
                .map_or(Cell::Empty, |d| Cell::Float(unit.shown(d), 3)),
            t.jeunes[c.commune].into(),
            commune_youth_label(t, c.commune).into(),
        ]);
    }
    table
}

/// The columns a road network adds to a table of places (communes, QPV,
/// cells, points), one row per place in the same order: the mode, the
/// nearest site by the network, the door-to-door time in minutes and the
/// length of that fastest path in km (empty where the place is farther than
/// the snapping limit from the network, or no site is reachable).
pub fn network_columns(t: &Territory, mode: TravelMode, costs: &[Option<SiteCost>]) -> Table {
    let mut table = Table::new(&[
        "mode",
        "site_plus_proche_reseau",
        "temps_min",
        "distance_reseau_km",
    ]);
    for c in costs {
        table.push(vec![
            mode.name().into(),
            c.as_ref().map(|c| t.sites[c.site].id.clone()).into(),
            c.as_ref().map_or(Cell::Empty, |c| Cell::Float(c.value, 2)),
            c.as_ref()
                .and_then(|c| c.length_m)
                .map_or(Cell::Empty, |m| Cell::Float(m / 1000.0, 3)),
        ]);
    }
    table
}

/// `communes.csv`: the commune table, with the network's columns when a
/// network was given.
pub fn communes_full_table(t: &Territory, r: &crate::analysis::results::Results) -> Option<Table> {
    let d = r.distance.as_ref()?;
    let b = &r.basics;
    let mut table = communes_table(t, &b.nearest, &b.sites_in_commune, &d.access);
    if let Some(mode) = b.costs.mode {
        table.append_new_columns(&network_columns(t, mode, &b.costs.communes));
    }
    if b.costs.mode == Some(TravelMode::Transport) {
        // The headline by public transport: no trip to any site that morning.
        let mut col = Table::new(&["aucun_trajet_vers_un_site"]);
        for none in b.without_trip() {
            col.push(vec![none.into()]);
        }
        table.append_new_columns(&col);
    }
    Some(table)
}

/// `qpv.csv`, with the network's columns when a network was given.
pub fn qpv_full_table(t: &Territory, r: &crate::analysis::results::Results) -> Option<Table> {
    r.distance.as_ref()?;
    let b = &r.basics;
    let mut table = qpv_table(t, &b.qpv, &b.sites_in_qpv);
    if let Some(mode) = b.costs.mode {
        table.append_new_columns(&network_columns(t, mode, &b.costs.qpv));
    }
    Some(table)
}

/// Where the young people of 16–25 of `t` come from, for the sources line
/// of the maps and the page; `None` for the user's file (named with the
/// other inputs).
pub fn youth_sources(t: &Territory) -> Option<String> {
    use crate::base::french;
    use crate::model::youth::REGIONAL_YOUTH_16_25;
    use std::fmt::Write as _;
    let estimate = |total: u64| {
        format!(
            "estimation ({} au total : part des 16-25 ans dans la population du rapport \
             d'activité 2024 de l'AREFIE, 12,8 %, appliquée à la population)",
            french::int(total)
        )
    };
    match &t.jeunes_source {
        YouthSource::File(_) => None,
        YouthSource::EstimatedFromRegionalTotal { total, .. } => Some(estimate(*total)),
        YouthSource::Census {
            from_census,
            census_total,
            estimated_total,
            ..
        } => {
            let mut s = format!(
                "recensement 2022 de l'INSEE (15-24 ans) recalé sur les {} jeunes de 16 à 25 \
                 ans du rapport d'activité 2024 de l'AREFIE",
                french::int(REGIONAL_YOUTH_16_25)
            );
            if *census_total != REGIONAL_YOUTH_16_25 {
                let _ = write!(s, " ({} ici)", french::int(*census_total));
            }
            let others = from_census.iter().filter(|&&b| !b).count();
            if others > 0 {
                let _ = write!(
                    s,
                    " ; {} commune{} hors du recensement : {}",
                    french::int(others as u64),
                    if others > 1 { "s" } else { "" },
                    estimate(*estimated_total)
                );
            }
            Some(s)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::index::SiteIndex;
    use crate::load::territory::{load_territory, DataPaths};
    use crate::output::write::csv_start;
    use crate::warnings::Warnings;

    /// The grid's rows written directly are the table's bytes, in both
    /// styles, with cells that have no nearest site.
    #[test]
    fn grid_rows_are_the_table_bytes() {
        let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
        let cells = crate::analysis::grid::commune_grid(&t.frame, &t.communes[..300], 300.0);
        assert!(cells.len() > 20_000, "{} cells", cells.len());
        let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
        let sites = SiteIndex::new(&positions);
        let mut nearest: Vec<_> = cells
            .iter()
            .map(|c| sites.nearest_in(&t.frame, c.centre))
            .collect();
        nearest[5] = None;
        nearest[9_000] = None;
        for style in [CsvStyle::French, CsvStyle::Rfc4180] {
            let table = grid_table(&t, &cells, &nearest, 300.0).rows_csv(style);
            let direct = grid_csv_rows(&t, style, &cells, &nearest, 300.0);
            assert_eq!(
                String::from_utf8(direct).unwrap(),
                String::from_utf8(table).unwrap()
            );
        }
    }

    /// The streamed rows are the bytes of the table written whole, in both
    /// styles, ids needing quotes or an apostrophe (formula-like) included,
    /// with negative coordinates left as numbers.
    #[test]
    fn points_rows_are_the_table_bytes() {
        let t = load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap();
        let ids: Vec<String> = [
            "plain",
            "a;b",
            "a,b",
            "q\"uote",
            "line\nbreak",
            "",
            "é",
            "=1+",
            "-",
            "+33 ",
            "@SUM(",
            "\ttab ",
            "\rcr;",
            "'",
        ]
        .iter()
        .cycle()
        .take(40)
        .enumerate()
        .map(|(i, s)| format!("{s}{i}"))
        .collect();
        let mut points: Vec<LonLat> = (0..ids.len())
            .map(|i| LonLat::new(1.3 + 0.0781 * i as f64, 48.8 + 0.0573 * i as f64))
            .collect();
        points[2] = LonLat::new(-1.553_621, 47.218_371);
        let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
        let index = crate::index::PolygonIndex::new(&geoms);
        let communes: Vec<_> = points.iter().map(|p| index.locate(*p)).collect();
        let positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
        let sites = SiteIndex::new(&positions);
        let mut nearest: Vec<_> = points.iter().map(|p| sites.nearest(*p)).collect();
        nearest[3] = None;
        assert!(communes.iter().any(Option::is_none) && communes.iter().any(Option::is_some));
        for style in [CsvStyle::French, CsvStyle::Rfc4180] {
            let whole = points_table(&t, &ids, &points, &communes, &nearest).to_csv(style);
            let mut streamed = csv_start(style, POINTS_COLUMNS);
            for part in points_csv_rows(&t, style, &ids, &points, &communes, &nearest) {
                streamed.extend(part);
            }
            let streamed = String::from_utf8(streamed).unwrap();
            assert_eq!(streamed, String::from_utf8(whole).unwrap());
            let (sep, point) = match style {
                CsvStyle::French => (';', ','),
                CsvStyle::Rfc4180 => (',', '.'),
            };
            for row in [
                format!("\r\n'=1+7{sep}"),
                format!("\r\n'-8{sep}"),
                format!("\r\n'+33 9{sep}"),
                format!("\r\n'@SUM(10{sep}"),
                format!("\r\n'\ttab 11{sep}"),
                format!("\r\n\"'\rcr;12\"{sep}"),
                format!("\r\n'13{sep}"),
                format!("\r\na,b2{sep}-1{point}553621{sep}47{point}218371{sep}"),
            ] {
                let row = if style == CsvStyle::Rfc4180 {
                    row.replace("a,b2,", "\"a,b2\",")
                } else {
                    row
                };
                assert!(streamed.contains(&row), "{row:?} in {style:?}");
            }
        }
    }
}
