//! `synthese.html`: one self-contained page (no request to any other
//! address: style, script and data are inline) with the key figures by
//! département in the style of the activity report, the coverage, hotspot,
//! placement and basin tables, and an interactive map of the communes (pan,
//! zoom, a tooltip with the commune's name, ML, classement, distance and
//! young people).
//!
//! Every text that comes from an input file is escaped: [`esc`] in the
//! markup, [`script_json`] for the data inside `<script>`.

use std::fmt::Write as _;

use geo::{MapCoords, Simplify};
use serde_json::json;

use super::charts::{before_after_chart, coverage_chart, distribution_chart, BeforeAfter, Series};
use super::maps::bands;
use super::MapData;
use crate::analysis::coverage::CoverageCategory;
use crate::analysis::curves::{coverage_curve, distribution, Scale};
use crate::analysis::results::CoverageResults;
use crate::analysis::results::Results;
use crate::analysis::summary::{Category, Weight};
use crate::base::french;
use crate::base::LonLat;
use crate::base::Unit;
use crate::error::Error;
use crate::model::Scope;
use crate::model::{departement_name, Classement, SiteKind, SiteStatus, Territory};
use crate::output::perimeter::Perimeter;
use crate::output::tables::{
    basins_table, coverage_table, hotspot_clusters_table, in_unit, placement_scopes_table,
    placement_table, summary_table,
};
use crate::output::text::cell_text;
use crate::output::write::{Cell, Table};

/// How many hotspot clusters the page lists (all are in `hotspots.csv`).
const HOTSPOTS_SHOWN: usize = 15;

/// File name of the page.
pub const HTML_NAME: &str = "synthese.html";

/// Escapes a text for HTML markup and attribute values.
pub use crate::base::text::escape_markup as esc;

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` (so
/// no `</script>` or `<!--`), and no U+2028/U+2029 line separators.
pub fn script_json(v: &serde_json::Value) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A cell as a person reads it, by what its column holds: a share
/// (`part_…`, between 0 and 1) as a percentage with one decimal, people
/// (`jeunes…`, `population…`, `demande…`) as whole numbers, the relative
/// gap of a basin to the mean size in words; other cells as the table has
/// them. The CSV files keep every decimal, for programs.
fn shown(column: &str, c: &Cell) -> String {
    let people = ["jeunes", "population", "demande"]
        .iter()
        .any(|p| column.starts_with(p));
    match c {
        Cell::Float(x, _) if column.starts_with("part_") => french::percent(*x, 1.0),
        Cell::Float(x, _) if people => french::int(x.round().max(0.0) as u64),
        Cell::Float(x, _) if column == "ecart_relatif_moyenne_jeunes" => {
            let pct = french::decimal(100.0 * x.abs(), 1);
            if pct == "0,0" {
                "à la taille moyenne".into()
            } else if *x < 0.0 {
                format!("{pct} % de moins que la moyenne")
            } else {
                format!("{pct} % de plus que la moyenne")
            }
        }
        _ => cell_text(c),
    }
}

/// Some columns of a table as an HTML table, with the table's own cells
/// (so the page shows the figures of the CSV file built from the same
/// results). A column the table lacks is an error: a renamed column fails
/// the page, never silently empties it.
fn html_table(t: &Table, unit: Unit, columns: &[(&str, &str)]) -> Result<String, Error> {
    let cols = columns
        .iter()
        .map(|(name, label)| {
            let name = in_unit(unit, name);
            t.headers
                .iter()
                .position(|h| *h == name)
                .map(|k| (k, label_in(unit, label)))
                .ok_or_else(|| {
                    Error::Invalid(format!(
                        "synthese.html : la table n'a pas de colonne {name}"
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut s = String::from("<div class=\"scroll\"><table><thead><tr>");
    for (_, label) in &cols {
        let _ = write!(s, "<th>{}</th>", esc(label));
    }
    s.push_str("</tr></thead><tbody>");
    for r in &t.rows {
        s.push_str("<tr>");
        for (k, _) in &cols {
            let class = match r[*k] {
                Cell::Text(_) | Cell::Empty | Cell::Bool(_) => "",
                _ => " class=\"n\"",
            };
            let _ = write!(s, "<td{class}>{}</td>", esc(&shown(&t.headers[*k], &r[*k])));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    Ok(s)
}

/// A Mission Locale's page: its communes ranked from the farthest from a
/// site (a site standing in the commune counting 0), with their nearest
/// site's name, young people and non-mobile young people; then its sites.
fn ml_sections(t: &Territory, r: &Results, keep: &Perimeter) -> Result<String, Error> {
    let unit = r.basics.costs.unit;
    let mut h = String::new();
    let mut members: Vec<usize> = (0..t.communes.len()).filter(|&i| keep.commune(i)).collect();
    let cost = |i: usize| r.basics.effective_cost(i).unwrap_or(f64::INFINITY);
    members.sort_by(|&a, &b| {
        cost(b)
            .total_cmp(&cost(a))
            .then(t.jeunes[b].cmp(&t.jeunes[a]))
            .then(t.communes[a].nom.cmp(&t.communes[b].nom))
    });
    let cost_name = crate::output::tables::in_unit(unit, "distance_km");
    let mut table = Table::new(&[
        "commune",
        &cost_name,
        "site_plus_proche",
        "jeunes_16_25",
        "jeunes_non_mobiles",
    ]);
    for &i in &members {
        let site = if r.basics.sites_in_commune[i] > 0 {
            "dans la commune".to_string()
        } else {
            r.basics.costs.communes[i]
                .as_ref()
                .map_or_else(String::new, |c| t.sites[c.site].nom.clone())
        };
        table.push(vec![
            t.communes[i].nom.clone().into(),
            r.basics.effective_cost(i).map_or(Cell::Empty, |c| {
                Cell::Float(unit.shown(c), if unit == Unit::Metres { 1 } else { 0 })
            }),
            site.into(),
            t.jeunes[i].into(),
            r.hotspots.as_ref().map_or(Cell::Empty, |hs| {
                Cell::Float(hs.estimates[i].non_mobiles, 0)
            }),
        ]);
    }
    h.push_str("<h2 id=\"communes-ml\">Les communes de la Mission Locale</h2>");
    let _ = write!(
        h,
        "<p>Les {} communes, de la plus éloignée d'un site à la plus proche (une commune où se \
         tient un site compte pour 0).</p>",
        french::int(members.len() as u64)
    );
    h.push_str(&html_table(
        &table,
        unit,
        &[
            ("commune", "Commune"),
            ("distance_km", "Distance au site le plus proche (km)"),
            ("site_plus_proche", "Site le plus proche"),
            ("jeunes_16_25", "Jeunes 16–25"),
            ("jeunes_non_mobiles", "Jeunes non mobiles"),
        ],
    )?);
    let mut sites = Table::new(&["site_id", "nom", "type", "commune"]);
    for s in t.sites.iter().filter(|s| r.scope.has_site(t, s)) {
        let commune = s
            .commune
            .as_ref()
            .and_then(|c| t.commune_index(c))
            .map(|i| t.communes[i].nom.clone());
        sites.push(vec![
            s.id.clone().into(),
            s.nom.clone().into(),
            s.kind.label().into(),
            commune.into(),
        ]);
    }
    h.push_str("<h2 id=\"sites-ml\">Les sites d'accueil de la Mission Locale</h2>");
    h.push_str(&html_table(
        &sites,
        unit,
        &[
            ("site_id", "Identifiant"),
            ("nom", "Nom"),
            ("type", "Type"),
            ("commune", "Commune"),
        ],
    )?);
    Ok(h)
}

/// Key figures of a set of communes (the region or a département).
struct Figures {
    communes: usize,
    population: u64,
    jeunes: u64,
    frr: usize,
    frr_plus: usize,
    zrr: usize,
    qpv: usize,
    sites: [usize; 3],
    /// Young people covered at each radius of the coverage table (a site
    /// in the commune counts as distance zero), as in `couverture.csv`.
    jeunes_covered: Vec<(f64, u64, u64)>,
    /// The young-people-weighted mean distance of `distances_synthese.csv`.
    distance_moyenne: Option<f64>,
    /// Non-mobile young people with no site within reach, when the run
    /// looked for hotspots.
    hors_portee: Option<f64>,
    /// By public transport: communes (and their young people) with no trip
    /// to any site within the longest trip.
    sans_trajet: Option<(usize, u64)>,
}

fn figures(data: &MapData<'_>, r: &Results, scope: &Scope) -> Figures {
    let t = data.territory;
    let members: Vec<usize> = (0..t.communes.len())
        .filter(|&i| scope.has_commune(t, i))
        .collect();
    let jeunes: u64 = members.iter().map(|&i| t.jeunes[i]).sum();
    let scope = scope.clone();
    let mut sites = [0; 3];
    for s in &t.sites {
        if scope.has_site(t, s) {
            let k = SiteKind::ALL.iter().position(|&k| k == s.kind).unwrap_or(0);
            sites[k] += 1;
        }
    }
    let jeunes_covered = r.coverage.as_ref().map_or_else(Vec::new, |c| {
        c.rows
            .iter()
            .filter(|row| row.scope == scope && row.category == CoverageCategory::Toutes)
            .map(|row| (row.threshold, row.counts.jeunes_covered, row.counts.jeunes))
            .collect()
    });
    let distance_moyenne = r.distance.as_ref().and_then(|d| {
        d.summaries
            .iter()
            .find(|row| {
                row.scope == scope
                    && row.category == Category::Toutes
                    && row.weight == Weight::Jeunes
            })
            .map(|row| row.summary.mean)
    });
    let hors_portee = r
        .hotspots
        .as_ref()
        .map(|h| members.iter().map(|&i| h.estimates[i].out_of_reach).sum());
    let count = |c: Classement| members.iter().filter(|&&i| t.classement[i] == c).count();
    Figures {
        communes: members.len(),
        population: members.iter().map(|&i| t.communes[i].population).sum(),
        jeunes,
        frr: count(Classement::Frr),
        frr_plus: count(Classement::FrrPlus),
        zrr: count(Classement::ZrrMaintenue),
        qpv: t.qpv.iter().filter(|q| scope.has_qpv(t, q)).count(),
        sites,
        jeunes_covered,
        distance_moyenne,
        hors_portee,
        sans_trajet: r.transit.as_ref().map(|_| {
            let none = r.basics.without_trip();
            let m: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&i| none[i] == Some(true))
                .collect();
            (m.len(), m.iter().map(|&i| t.jeunes[i]).sum())
        }),
    }
}

/// The perimeters of the key figures' columns: the territory and its
/// départements; for a run scoped to a perimeter, the perimeter, and the
/// Missions Locales wholly inside a département or an EPCI.
fn key_columns(t: &Territory, scope: &Scope) -> Vec<(Scope, String)> {
    match scope {
        Scope::Region => std::iter::once((Scope::Region, t.name.column_title().to_string()))
            .chain(t.departements().into_iter().map(|d| {
                (
                    Scope::Departement(d.clone()),
                    departement_name(&d).to_string(),
                )
            }))
            .collect(),
        Scope::Ml(_) => vec![(scope.clone(), scope.name(t))],
        _ => {
            let keep = Perimeter::new(t, scope);
            std::iter::once((scope.clone(), scope.name(t)))
                .chain((0..t.missions_locales.len()).filter_map(|m| {
                    let ml = Scope::Ml(m);
                    (keep.row(&ml) && ml != *scope).then(|| (ml.clone(), ml.name(t)))
                }))
                .collect()
        }
    }
}

fn key_figures(data: &MapData<'_>, r: &Results, youth_note: &str) -> String {
    let t = data.territory;
    let columns = key_columns(t, &r.scope);
    let cols: Vec<Figures> = columns
        .iter()
        .map(|(scope, _)| figures(data, r, scope))
        .collect();
    let mut s =
        String::from("<div class=\"scroll\"><table class=\"key\"><thead><tr><th>Indicateur</th>");
    for (_, name) in &columns {
        let _ = write!(s, "<th>{}</th>", esc(name));
    }
    s.push_str("</tr></thead><tbody>");
    let rows: Vec<(&str, Vec<Row>)> = vec![
        (
            "Le territoire",
            owned(vec![
                (
                    "Nombre de communes",
                    Box::new(|f: &Figures| french::int(f.communes as u64)),
                ),
                (
                    "Population municipale",
                    Box::new(|f: &Figures| french::int(f.population)),
                ),
                (youth_note, Box::new(|f: &Figures| french::int(f.jeunes))),
                (
                    "dont communes « France Ruralités Revitalisation » (FRR et FRR+)",
                    Box::new(|f: &Figures| french::int((f.frr + f.frr_plus) as u64)),
                ),
                (
                    "dont communes FRR+",
                    Box::new(|f: &Figures| french::int(f.frr_plus as u64)),
                ),
                (
                    "dont communes en ZRR maintenue",
                    Box::new(|f: &Figures| french::int(f.zrr as u64)),
                ),
                (
                    "Quartiers prioritaires (QPV 2024)",
                    Box::new(|f: &Figures| french::int(f.qpv as u64)),
                ),
            ]),
        ),
        (
            "Les sites d'accueil des Missions Locales",
            owned(vec![
                (
                    "Sièges",
                    Box::new(|f: &Figures| french::int(f.sites[0] as u64)),
                ),
                (
                    "Antennes",
                    Box::new(|f: &Figures| french::int(f.sites[1] as u64)),
                ),
                (
                    "Permanences",
                    Box::new(|f: &Figures| french::int(f.sites[2] as u64)),
                ),
            ]),
        ),
        ("L'accès des jeunes à un site", access_rows(r)),
    ];
    for (title, rows) in rows {
        let _ = write!(
            s,
            "<tr class=\"section\"><td colspan=\"{}\">{}</td></tr>",
            cols.len() + 1,
            esc(title)
        );
        for (label, value) in rows {
            let _ = write!(s, "<tr><td>{}</td>", esc(&label));
            for f in &cols {
                let _ = write!(s, "<td class=\"n\">{}</td>", esc(&value(f)));
            }
            s.push_str("</tr>");
        }
    }
    s.push_str("</tbody></table></div>");
    s
}

/// A line of the key figures: its label and how each column's value is written.
type Row = (String, Value);

/// The mode of a network run in words (` à vélo`), empty as the crow flies.
fn mode_words(r: &Results) -> String {
    match r.basics.costs.mode {
        None => String::new(),
        Some(m) => format!(" {}", m.phrase()),
    }
}

/// A column label in the run's unit: `(km)` becomes `(min)`, a distance a
/// time and a radius a threshold by network.
fn label_in(unit: Unit, label: &str) -> String {
    match unit {
        Unit::Metres => label.to_string(),
        Unit::Minutes => label
            .replace("(km)", "(min)")
            .replace("Distance moyenne", "Temps moyen")
            .replace("Distance", "Temps")
            .replace("Rayon", "Seuil"),
    }
}

/// A date in French words: `lundi 13 mai 2019`.
fn french_date(d: crate::model::transit::Date) -> String {
    const DAYS: [&str; 7] = [
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    ];
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    format!(
        "{} {} {} {}",
        DAYS[d.weekday()],
        d.day,
        MONTHS[(d.month - 1) as usize],
        d.year
    )
}

/// How one key figure is written for each column.
type Value = Box<dyn Fn(&Figures) -> String>;

/// Lines with fixed labels.
fn owned(rows: Vec<(&str, Value)>) -> Vec<Row> {
    rows.into_iter().map(|(l, f)| (l.to_string(), f)).collect()
}

/// The key figures' lines on access: the share of young people within each
/// radius of the coverage table, their mean distance, the non-mobile young
/// people out of reach (each present when the run computed it).
fn access_rows(r: &Results) -> Vec<Row> {
    let mut rows: Vec<Row> = Vec::new();
    let unit = r.basics.costs.unit;
    let radii = r
        .coverage
        .as_ref()
        .map_or(&[][..], |c| c.thresholds.as_slice());
    for (k, radius) in radii.iter().enumerate() {
        rows.push((
            format!(
                "Part des jeunes à moins de {}{} d'un site",
                french::threshold(unit, *radius),
                mode_words(r)
            ),
            Box::new(move |f: &Figures| {
                f.jeunes_covered.get(k).map_or_else(
                    || "–".into(),
                    |&(_, c, n)| french::percent(c as f64, n as f64),
                )
            }),
        ));
    }
    if r.distance.is_some() {
        rows.push((
            match unit {
                Unit::Metres => "Distance moyenne des jeunes au site le plus proche (km)".into(),
                Unit::Minutes => format!(
                    "Temps moyen des jeunes jusqu'au site le plus proche{} (min)",
                    mode_words(r)
                ),
            },
            Box::new(|f: &Figures| {
                f.distance_moyenne
                    .map_or_else(|| "–".into(), |d| french::decimal(d, 2))
            }),
        ));
    }
    if let Some(tr) = &r.transit {
        rows.push((
            format!(
                "Communes sans aucun trajet vers un site en moins de {} min (transports en \
                 commun ou à pied)",
                french::km(tr.max_min)
            ),
            Box::new(|f: &Figures| {
                f.sans_trajet.map_or_else(
                    || "–".into(),
                    |(n, j)| format!("{} ({} jeunes)", french::int(n as u64), french::int(j)),
                )
            }),
        ));
    }
    if r.hotspots.is_some() {
        rows.push((
            "Jeunes non mobiles sans site à portée (estimation)".into(),
            Box::new(|f: &Figures| {
                f.hors_portee
                    .map_or_else(|| "–".into(), |h| french::int(h.round() as u64))
            }),
        ));
    }
    rows
}

/// The communes as SVG paths (the territory's frame in hectometres, y down),
/// simplified at 150 m, and the data of their tooltips.
fn map_svg(data: &MapData<'_>, keep: &Perimeter) -> (String, serde_json::Value, [f64; 4]) {
    let t = data.territory;
    let scale = 100.0;
    let mut bbox = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut paths = String::new();
    let mut rows = Vec::with_capacity(t.communes.len());
    for (i, c) in t.communes.iter().enumerate() {
        if !keep.commune(i) {
            // Outside the perimeter: not drawn, its row kept empty so that
            // `data-i` stays the commune's index.
            rows.push(serde_json::Value::Null);
            continue;
        }
        let g = c
            .geometry
            .map_coords(|p| {
                let q = t.frame.project(LonLat::new(p.x, p.y));
                geo::Coord {
                    x: q.x / scale,
                    y: -q.y / scale,
                }
            })
            .simplify(1.5);
        let mut d = String::new();
        for poly in &g.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let mut last = (i64::MIN, i64::MIN);
                for (k, p) in ring.0.iter().enumerate() {
                    let q = (p.x.round() as i64, p.y.round() as i64);
                    if q == last {
                        continue;
                    }
                    bbox = [
                        bbox[0].min(q.0 as f64),
                        bbox[1].min(q.1 as f64),
                        bbox[2].max(q.0 as f64),
                        bbox[3].max(q.1 as f64),
                    ];
                    let _ = write!(d, "{}{} {}", if k == 0 { "M" } else { "L" }, q.0, q.1);
                    last = q;
                }
                d.push('Z');
            }
        }
        let km = data.cost[i];
        let colour = bands(data.unit)
            .iter()
            .find(|b| km <= b.0)
            .map_or_else(|| "#cccccc".to_string(), |b| format!("#{:06x}", b.2));
        let _ = write!(paths, "<path data-i=\"{i}\" fill=\"{colour}\" d=\"{d}\"/>");
        let ml = &t.missions_locales[t.ml_of_commune[i]];
        rows.push(json!([
            c.nom,
            c.code.as_str(),
            ml.nom,
            t.classement[i].label(),
            if km.is_finite() {
                french::decimal(km, 1)
            } else {
                String::new()
            },
            french::int(t.jeunes[i]),
        ]));
    }
    let mut sites = String::new();
    for (j, s) in t.sites.iter().enumerate() {
        let q = t.frame.project(s.position);
        let r = match s.kind {
            SiteKind::Siege => 9,
            SiteKind::Antenne => 6,
            SiteKind::Permanence => 4,
        };
        let _ = write!(
            sites,
            "<circle class=\"site {}\" data-s=\"{j}\" cx=\"{}\" cy=\"{}\" r=\"{r}\"/>",
            s.kind.code(),
            (q.x / scale).round(),
            (-q.y / scale).round()
        );
    }
    (
        format!("<g id=\"communes\">{paths}</g><g id=\"sites\">{sites}</g>"),
        serde_json::Value::Array(rows),
        bbox,
    )
}

/// The charts' scale: up to the largest coverage threshold (20 km or 60 min
/// without a coverage).
fn chart_scale(r: &Results) -> Scale {
    let unit = r.basics.costs.unit;
    let largest = r.coverage.as_ref().map_or(0.0, |c| {
        c.rows.iter().map(|row| row.threshold).fold(0.0, f64::max)
    });
    let max = if largest > 0.0 {
        largest
    } else {
        unit.from_shown(if unit == Unit::Metres { 20.0 } else { 60.0 })
    };
    Scale::new(unit, max)
}

/// The most curves a coverage chart draws (beyond, the largest perimeters).
const CURVES_SHOWN: usize = 8;

/// The share of young people within each threshold: the page's perimeter,
/// its départements (the region's page) or its Missions Locales (a
/// département's or an EPCI's page), and the region dashed beside a smaller
/// perimeter.
fn coverage_figure(t: &Territory, r: &Results, keep: &Perimeter, c: &CoverageResults) -> String {
    let unit = r.basics.costs.unit;
    if c.rows.is_empty() {
        return String::new();
    }
    let steps = chart_scale(r).steps();
    let mut parts: Vec<Scope> = match &r.scope {
        Scope::Region => t
            .departements()
            .into_iter()
            .map(Scope::Departement)
            .collect(),
        Scope::Ml(_) => Vec::new(),
        _ => (0..t.missions_locales.len())
            .map(Scope::Ml)
            .filter(|m| keep.row(m))
            .collect(),
    };
    let curves_of = |scopes: &[Scope]| -> Vec<_> {
        scopes
            .iter()
            .map(|s| coverage_curve(t, &r.basics, s, &steps))
            .collect()
    };
    let mut part_curves = curves_of(&parts);
    let mut dropped = 0;
    if part_curves.len() > CURVES_SHOWN {
        let mut order: Vec<usize> = (0..part_curves.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(part_curves[k].jeunes));
        order.truncate(CURVES_SHOWN);
        order.sort_unstable();
        dropped = part_curves.len() - CURVES_SHOWN;
        part_curves = order.iter().map(|&k| part_curves[k].clone()).collect();
        parts = order.iter().map(|&k| parts[k].clone()).collect();
    }
    let own = coverage_curve(t, &r.basics, &r.scope, &steps);
    let region =
        (r.scope != Scope::Region).then(|| coverage_curve(t, &r.basics, &Scope::Region, &steps));
    let mut series = vec![Series {
        name: r.scope.name(t),
        curve: &own,
        reference: false,
    }];
    for (scope, curve) in parts.iter().zip(&part_curves) {
        series.push(Series {
            name: scope.name(t),
            curve,
            reference: false,
        });
    }
    if let Some(region) = &region {
        series.push(Series {
            name: format!("{} (pour comparer)", t.name.name),
            curve: region,
            reference: true,
        });
    }
    let by = r
        .basics
        .costs
        .mode
        .map_or(String::new(), |m| format!(" ({})", m.phrase()));
    let mut caption = format!(
        "Part des jeunes de 16 à 25 ans à moins de … d'un site{by}, selon le seuil (un site dans la commune compte 0)."
    );
    if dropped > 0 {
        let _ = write!(
            caption,
            " Les {CURVES_SHOWN} Missions Locales qui ont le plus de jeunes ; les {dropped} autres dans couverture.csv."
        );
    }
    coverage_chart(&series, unit, &caption)
}

/// The young people of the page's perimeter by band of distance or time.
fn distribution_figure(t: &Territory, r: &Results) -> String {
    let unit = r.basics.costs.unit;
    let d = distribution(t, &r.basics, &r.scope, chart_scale(r));
    let what = match r.basics.costs.mode {
        None => "la distance".to_string(),
        Some(m) => format!("le temps {}", m.phrase()),
    };
    distribution_chart(
        &d,
        unit,
        &format!(
            "Les jeunes de {} selon {what} jusqu'au site le plus proche.",
            r.scope.name(t)
        ),
    )
}

/// One row per Mission Locale of the page: its name, its seat, its
/// communes, sites and young people, its coverage at the smallest threshold
/// and its young people's mean distance or time.
fn ml_table(t: &Territory, r: &Results, keep: &Perimeter) -> Result<String, Error> {
    let (Some(c), Some(d)) = (&r.coverage, &r.distance) else {
        return Ok(String::new());
    };
    let unit = r.basics.costs.unit;
    let Some(first) = c
        .rows
        .iter()
        .map(|row| row.threshold)
        .min_by(f64::total_cmp)
    else {
        return Ok(String::new());
    };
    let mut mls: Vec<usize> = (0..t.missions_locales.len())
        .filter(|&m| keep.row(&Scope::Ml(m)))
        .collect();
    mls.sort_by(|&a, &b| t.missions_locales[a].nom.cmp(&t.missions_locales[b].nom));
    if mls.is_empty() {
        return Ok(String::new());
    }
    let mean_name = crate::output::tables::in_unit(unit, "distance_moyenne_jeunes_km");
    let mut table = Table::new(&[
        "nom",
        "siege",
        "communes",
        "sites",
        "jeunes_16_25",
        "jeunes_couverts",
        "part_jeunes",
        &mean_name,
    ]);
    for m in mls {
        let scope = Scope::Ml(m);
        let Some(row) = c.rows.iter().find(|row| {
            row.scope == scope && row.category == CoverageCategory::Toutes && row.threshold == first
        }) else {
            continue;
        };
        let ml = &t.missions_locales[m];
        let seat = crate::model::ml_seat(t, m).unwrap_or("");
        let sites = t.sites.iter().filter(|s| s.code_ml == ml.code).count();
        let mean = d
            .summaries
            .iter()
            .find(|s| {
                s.scope == scope && s.category == Category::Toutes && s.weight == Weight::Jeunes
            })
            .map_or(Cell::Empty, |s| Cell::Float(s.summary.mean, 2));
        table.push(vec![
            ml.nom.clone().into(),
            seat.to_string().into(),
            row.counts.places.into(),
            (sites as u64).into(),
            row.counts.jeunes.into(),
            row.counts.jeunes_covered.into(),
            if row.counts.jeunes > 0 {
                Cell::Float(
                    row.counts.jeunes_covered as f64 / row.counts.jeunes as f64,
                    4,
                )
            } else {
                Cell::Empty
            },
            mean,
        ]);
    }
    let threshold = french::threshold(unit, first);
    let mut h = String::from("<h2 id=\"missions-locales\">Par Mission Locale</h2>");
    h.push_str(&html_table(
        &table,
        unit,
        &[
            ("nom", "Mission Locale"),
            ("siege", "Siège"),
            ("communes", "Communes"),
            ("sites", "Sites"),
            ("jeunes_16_25", "Jeunes 16–25"),
            ("jeunes_couverts", &format!("Jeunes à moins de {threshold}")),
            ("part_jeunes", "Part des jeunes"),
            (
                "distance_moyenne_jeunes_km",
                "Distance moyenne des jeunes (km)",
            ),
        ],
    )?);
    Ok(h)
}

const STYLE: &str = r#"
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#08306b;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:24px}
header p{margin:0;font-size:13px;opacity:.9}
main{max-width:1200px;margin:0 auto;padding:10px 28px 40px}
h2{color:#08306b;border-bottom:2px solid #08306b;padding-bottom:4px;margin-top:34px}
.warn{background:#fff3cd;border:1px solid #e0b000;padding:10px 14px;margin:16px 0;font-size:14px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:8px 0;background:#fff}
th{background:#deebf7;text-align:left;padding:5px 8px;border:1px solid #c6dbef}
td{padding:4px 8px;border:1px solid #e0e0e0}
td.n{text-align:right;white-space:nowrap}
tr.section td{background:#f0f0f0;font-weight:bold;color:#08306b}
table.key td:first-child{max-width:420px}
#map-wrap{position:relative;background:#fff;border:1px solid #bbb;height:640px;overflow:hidden}
#carte{width:100%;height:100%;cursor:grab;display:block}
#carte path{stroke:#fff;stroke-width:.6;vector-effect:non-scaling-stroke}
#carte path:hover{stroke:#000;stroke-width:2}
#carte .site{fill:#08306b;stroke:#fff;stroke-width:.8;vector-effect:non-scaling-stroke}
#carte .permanence{fill:#3182bd}
#tip{position:absolute;display:none;pointer-events:none;background:rgba(255,255,255,.96);border:1px solid #555;padding:6px 9px;font-size:13px;box-shadow:0 1px 4px rgba(0,0,0,.3)}
#zoom{position:absolute;right:10px;top:10px;display:flex;flex-direction:column;gap:4px}
#zoom button{width:32px;height:32px;font-size:18px;cursor:pointer}
.legend{display:flex;flex-wrap:wrap;gap:14px;font-size:13px;margin:8px 0}
.legend span{display:inline-block;width:16px;height:12px;margin-right:5px;border:1px solid #999;vertical-align:middle}
footer{font-size:12px;color:#666;margin-top:30px}
"#;

/// The page on paper: A4 portrait; the interactive parts (zoom, tooltip,
/// the planning tool) left out; the map alone on its page; a table or a
/// chart that fits on a page is never cut, a longer table breaks between
/// rows with its header repeated; headings stay with what follows; the
/// stand-in warning kept.
const PRINT: &str = r#"
@media print{
@page{size:A4 portrait;margin:12mm 11mm 14mm}
body{background:#fff;font-size:10pt}
header{background:#fff;color:#08306b;padding:0 0 6px;border-bottom:2px solid #08306b}
main{max-width:none;padding:0}
h2{margin-top:16px;break-after:avoid;page-break-after:avoid}
h3{break-after:avoid;page-break-after:avoid}
h2+p,h3+p{break-after:avoid;page-break-after:avoid}
table{font-size:8.5pt;break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}
tr,figure.chart{break-inside:avoid;page-break-inside:avoid}
.scroll{overflow:visible}
#zoom,#tip,#simulation,#simulation-detail,#sim-menu,button,input{display:none!important}
#carte-page{break-before:page;page-break-before:always;break-after:page;page-break-after:always}
#map-wrap{height:205mm;border:none;break-inside:avoid}
#carte path:hover{stroke:#fff;stroke-width:.6}
figure.chart{max-width:none;border:none;padding:0}
.warn{border:1px solid #e0b000;-webkit-print-color-adjust:exact;print-color-adjust:exact}
th,.legend span,#carte,figure.chart{-webkit-print-color-adjust:exact;print-color-adjust:exact}
footer{font-size:8pt}
}
"#;

const SCRIPT: &str = r#"
(function(){
  var data = JSON.parse(document.getElementById('donnees-communes').textContent);
  var svg = document.getElementById('carte');
  var tip = document.getElementById('tip');
  var wrap = document.getElementById('map-wrap');
  var vb = svg.getAttribute('viewBox').split(' ').map(Number);
  var home = vb.slice();
  function apply(){ svg.setAttribute('viewBox', vb.join(' ')); }
  function zoom(f, cx, cy){
    var r = svg.getBoundingClientRect();
    var px = cx === undefined ? 0.5 : (cx - r.left) / r.width;
    var py = cy === undefined ? 0.5 : (cy - r.top) / r.height;
    var w = vb[2] * f, h = vb[3] * f;
    if (w < home[2] / 60 || w > home[2] * 4) return;
    vb = [vb[0] + (vb[2] - w) * px, vb[1] + (vb[3] - h) * py, w, h];
    apply();
  }
  svg.addEventListener('wheel', function(e){ e.preventDefault(); zoom(e.deltaY > 0 ? 1.25 : 0.8, e.clientX, e.clientY); }, {passive:false});
  document.getElementById('zoom-in').onclick = function(){ zoom(0.8); };
  document.getElementById('zoom-out').onclick = function(){ zoom(1.25); };
  document.getElementById('zoom-home').onclick = function(){ vb = home.slice(); apply(); };
  var drag = null;
  svg.addEventListener('mousedown', function(e){ drag = {x:e.clientX, y:e.clientY, vb:vb.slice()}; svg.style.cursor = 'grabbing'; });
  window.addEventListener('mouseup', function(){ drag = null; svg.style.cursor = 'grab'; });
  window.addEventListener('mousemove', function(e){
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    var s = Math.max(drag.vb[2] / r.width, drag.vb[3] / r.height);
    vb = [drag.vb[0] - (e.clientX - drag.x) * s, drag.vb[1] - (e.clientY - drag.y) * s, drag.vb[2], drag.vb[3]];
    apply();
  });
  function text(label, value){
    var d = document.createElement('div');
    var b = document.createElement('b'); b.textContent = label; d.appendChild(b);
    d.appendChild(document.createTextNode(value));
    return d;
  }
  svg.addEventListener('mousemove', function(e){
    var i = e.target.getAttribute && e.target.getAttribute('data-i');
    if (i === null || i === undefined) { tip.style.display = 'none'; return; }
    var c = data[+i];
    tip.textContent = '';
    var t = document.createElement('div'); t.className = 'nom';
    var b = document.createElement('b'); b.textContent = c[0] + ' (' + c[1] + ')'; t.appendChild(b);
    tip.appendChild(t);
    tip.appendChild(text('Mission Locale : ', c[2]));
    tip.appendChild(text('Classement : ', c[3]));
    tip.appendChild(text('Site le plus proche : ', c[4] === '' ? 'non mesuré' : c[4] + ' ' + UNIT));
    tip.appendChild(text('Jeunes de 16 à 25 ans : ', c[5]));
    var after = window.maillage && window.maillage.apres ? window.maillage.apres(+i) : null;
    if (after !== null) tip.appendChild(text('Après les changements : ', after));
    var r = wrap.getBoundingClientRect();
    tip.style.left = (e.clientX - r.left + 14) + 'px';
    tip.style.top = (e.clientY - r.top + 14) + 'px';
    tip.style.display = 'block';
  });
  svg.addEventListener('mouseleave', function(){ tip.style.display = 'none'; });
  document.body.setAttribute('data-carte', 'prete');
})();
"#;

/// The whole page.
pub fn synthese(data: &MapData<'_>, r: &Results) -> Result<Vec<u8>, Error> {
    let t = data.territory;
    let youth_note = super::data::youth_note(t);
    let stand_ins = t
        .sites
        .iter()
        .filter(|s| s.status == SiteStatus::Substitut)
        .count();
    let keep = Perimeter::new(t, &r.scope);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    // The page of a perimeter is titled with its name.
    let (title, heading) = match &r.scope {
        Scope::Region => (
            format!("Maillage des Missions Locales {} : synthèse", t.name.of),
            format!("Maillage territorial des Missions Locales {}", t.name.of),
        ),
        scope => {
            let what = match scope {
                Scope::Ml(_) => "Mission Locale",
                Scope::Departement(_) => "département",
                _ => "EPCI",
            };
            let name = scope.name(t);
            (
                format!("{name} ({what}) : maillage, synthèse"),
                format!("Maillage territorial : {name} ({what})"),
            )
        }
    };
    let _ = write!(h, "<title>{}</title>", esc(&title));
    let _ = write!(
        h,
        "<style>{STYLE}{}{}{PRINT}</style></head><body>",
        super::planner::STYLE,
        super::charts::STYLE
    );
    let members = (0..t.communes.len()).filter(|&i| keep.commune(i)).count();
    let own_sites = t.sites.iter().filter(|s| r.scope.has_site(t, s)).count();
    let mls = match &r.scope {
        Scope::Ml(_) => String::new(),
        _ => {
            let mut m: Vec<usize> = (0..t.communes.len())
                .filter(|&i| keep.commune(i))
                .map(|i| t.ml_of_commune[i])
                .collect();
            m.sort_unstable();
            m.dedup();
            format!("{} Missions Locales · ", m.len())
        }
    };
    let _ = write!(
        h,
        "<header><h1>{}</h1>\
         <p>{mls}{} sites d'accueil · {} communes · maillage {}</p></header><main>",
        esc(&heading),
        french::int(own_sites as u64),
        french::int(members as u64),
        env!("CARGO_PKG_VERSION")
    );
    if stand_ins > 0 {
        let _ = write!(
            h,
            "<div class=\"warn\"><b>Sites : substitut.</b> {} des {} sites sont marqués \
             « substitut » dans le fichier des sites : ce ne sont pas les lieux d'accueil réels \
             (leur liste n'est pas publiée). Ceux du fichier fourni avec l'outil sont placés par \
             une règle documentée (geodata/PROVENANCE.md). Les distances, la couverture et les \
             propositions qui en dépendent illustrent la méthode ; fournissez le fichier réel \
             avec <code>--sites</code>.</div>",
            french::int(stand_ins as u64),
            french::int(t.sites.len() as u64)
        );
    }

    if let Some(mode) = r.basics.costs.mode {
        let m = r.basics.measured_part(t, &r.scope);
        if m.share() < crate::analysis::basics::MIN_MEASURED_SHARE {
            let _ = write!(
                h,
                "<div class=\"warn\"><b>Chiffres partiels.</b> Le réseau ({mode}) ne mesure que \
                 {} des jeunes du territoire ({} communes sur {}) : les autres sont trop loin de \
                 ses voies. Les tableaux disent la part mesurée de chaque ligne \
                 (<code>part_jeunes_16_25_mesures</code>) ; les chiffres ci-dessous ne valent que \
                 pour la partie mesurée.</div>",
                french::percent(m.jeunes_measured as f64, m.jeunes as f64),
                french::int(m.communes_measured as u64),
                french::int(m.communes as u64),
            );
        }
    }

    if let Some(tr) = &r.transit {
        let f = figures(data, r, &r.scope);
        let (n, j) = f.sans_trajet.unwrap_or((0, 0));
        let h0 = tr.departure / 3600;
        let m0 = tr.departure / 60 % 60;
        let end = tr.departure + 60 * tr.window_min.max(1) as i32 - 60;
        let window = if tr.window_min <= 1 {
            format!("départ à {h0} h {m0:02}")
        } else {
            format!(
                "départs de {h0} h {m0:02} à {} h {:02} (temps médian)",
                end / 3600,
                end / 60 % 60
            )
        };
        let (communes, verb) = if n == 1 {
            ("1 commune".to_string(), "n'a")
        } else {
            (format!("{} communes", french::int(n as u64)), "n'ont")
        };
        let _ = write!(
            h,
            "<p class=\"headline\"><strong>{communes} ({} jeunes de 16 à 25 ans)</strong> \
             {verb} aucun trajet vers un site d'accueil en moins de {} minutes, ni en transports \
             en commun ni à pied, le {}, {window} ; horaires : {}.</p>",
            french::int(j),
            french::km(tr.max_min),
            french_date(tr.date),
            esc(&tr
                .feeds
                .iter()
                .map(|f| f.prefix.clone())
                .collect::<Vec<_>>()
                .join(", "))
        );
    }
    h.push_str(if keep.whole() {
        "<h2>Indicateurs clés par département</h2>"
    } else {
        "<h2>Indicateurs clés</h2>"
    });
    h.push_str(&key_figures(data, r, &youth_note));

    // The map and its heading: a page of their own on paper.
    h.push_str("<div id=\"carte-page\">");
    match data.mode {
        None => h.push_str("<h2>Carte des communes : distance au site le plus proche</h2>"),
        Some(m) => {
            let _ = write!(
                h,
                "<h2>Carte des communes : temps {} jusqu'au site le plus proche</h2>",
                m.phrase()
            );
        }
    }
    // The planner works on the page's perimeter: its figures are those of
    // the perimeter's communes, measured against every site.
    let planner = super::planner::section(t, r, &r.scope);
    if let Some((top, _)) = &planner {
        h.push_str(top);
    }
    h.push_str("<div class=\"legend\">");
    for (_, label, colour) in bands(data.unit) {
        let _ = write!(
            h,
            "<div><span style=\"background:#{colour:06x}\"></span>{label}</div>"
        );
    }
    h.push_str("<div><span style=\"background:#08306b;border-radius:50%\"></span>site d'accueil</div></div>");
    let (svg, rows, bbox) = map_svg(data, &keep);
    let pad = 20.0;
    let _ = write!(
        h,
        "<div id=\"map-wrap\"><svg id=\"carte\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"{} {} {} {}\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" \
         aria-label=\"Carte des communes\">{svg}</svg>\
         <div id=\"zoom\"><button id=\"zoom-in\" title=\"Zoomer\">+</button>\
         <button id=\"zoom-out\" title=\"Dézoomer\">−</button>\
         <button id=\"zoom-home\" title=\"Tout le territoire\">⌂</button></div>\
         <div id=\"tip\"></div></div>\
         <p style=\"font-size:12px;color:#666\">Molette ou boutons pour zoomer, glisser pour \
         se déplacer, survoler une commune pour ses chiffres. {}, contours simplifiés à \
         150 m.</p></div>",
        bbox[0] - pad,
        bbox[1] - pad,
        bbox[2] - bbox[0] + 2.0 * pad,
        bbox[3] - bbox[1] + 2.0 * pad,
        esc(&t.frame.label())
    );
    let _ = write!(
        h,
        "<script type=\"application/json\" id=\"donnees-communes\">{}</script>",
        script_json(&rows)
    );
    if let Some((_, bottom)) = &planner {
        h.push_str(bottom);
    }

    // The tables' rows: the territory and its départements, or the
    // perimeter's rows.
    let broad = |scope: &Scope| {
        if keep.whole() {
            matches!(scope, Scope::Region | Scope::Departement(_))
        } else {
            keep.row(scope)
        }
    };
    if let Scope::Ml(_) = &r.scope {
        h.push_str(&ml_sections(t, r, &keep)?);
    }
    if let Some(c) = &r.coverage {
        let rows: Vec<_> = c
            .rows
            .iter()
            .filter(|row| broad(&row.scope) && row.category == CoverageCategory::Toutes)
            .cloned()
            .collect();
        h.push_str(
            "<h2 id=\"couverture\">Couverture : jeunes et population à moins de … d'un site</h2>",
        );
        h.push_str(&html_table(
            &coverage_table(t, r.basics.costs.unit, &rows),
            r.basics.costs.unit,
            &[
                ("nom_perimetre", "Périmètre"),
                ("rayon_km", "Rayon (km)"),
                ("lieux", "Communes"),
                ("lieux_couverts", "Communes couvertes"),
                ("population_couverte", "Population couverte"),
                ("part_population", "Part de la population"),
                ("jeunes_16_25", "Jeunes 16–25"),
                ("jeunes_16_25_couverts", "Jeunes couverts"),
                ("part_jeunes", "Part des jeunes"),
            ],
        )?);
        h.push_str(&coverage_figure(t, r, &keep, c));
    }
    if let Scope::Region | Scope::Departement(_) | Scope::Epci(_) = &r.scope {
        h.push_str(&ml_table(t, r, &keep)?);
    }
    if let Some(d) = &r.distance {
        let rows: Vec<_> = d
            .summaries
            .iter()
            .filter(|row| broad(&row.scope) && row.category == Category::Toutes)
            .cloned()
            .collect();
        match r.basics.costs.mode {
            None => h.push_str("<h2 id=\"distances\">Distance au site le plus proche</h2>"),
            Some(m) => {
                let _ = write!(
                    h,
                    "<h2 id=\"distances\">Temps {} jusqu'au site le plus proche</h2>",
                    m.phrase()
                );
            }
        }
        h.push_str(&html_table(
            &summary_table(t, r.basics.costs.unit, &rows),
            r.basics.costs.unit,
            &[
                ("nom_perimetre", "Périmètre"),
                ("ponderation", "Pondération"),
                ("lieux", "Lieux"),
                ("distance_moyenne_km", "Moyenne (km)"),
                ("distance_mediane_km", "Médiane (km)"),
                ("distance_p90_km", "9ᵉ décile (km)"),
            ],
        )?);
        if rows.iter().any(|row| row.summary.median == 0.0) {
            h.push_str(
                "<p>Une médiane de 0 veut dire qu'au moins la moitié des jeunes (ou des \
                 habitants, selon la pondération) du périmètre ont un site dans leur commune : \
                 une commune où se tient un site compte pour 0.</p>",
            );
        }
        h.push_str(&distribution_figure(t, r));
    }
    if let Some(hs) = &r.hotspots {
        h.push_str("<h2 id=\"hotspots\">Points chauds de non-mobilité</h2>");
        let _ = write!(
            h,
            "<p>Groupes de communes voisines dont les jeunes qui ne peuvent pas quitter leur \
             commune n'ont aucun site à portée, classés par nombre de ces jeunes (les {} \
             premiers ; tous dans hotspots.csv).</p>",
            HOTSPOTS_SHOWN
        );
        let shown = &hs.clusters[..hs.clusters.len().min(HOTSPOTS_SHOWN)];
        h.push_str(&html_table(
            &hotspot_clusters_table(t, r.basics.costs.unit, shown),
            r.basics.costs.unit,
            &[
                ("rang", "Rang"),
                (
                    "jeunes_non_mobiles_hors_portee",
                    "Jeunes non mobiles sans site à portée",
                ),
                ("nb_communes", "Communes"),
                ("jeunes_16_25", "Jeunes 16–25"),
                ("noms_ml", "Mission Locale"),
                ("nom_site_plus_proche", "Site le plus proche"),
                (
                    "distance_moyenne_jeunes_km",
                    "Distance moyenne des jeunes (km)",
                ),
                ("distance_max_km", "Commune la plus loin (km)"),
            ],
        )?);
    }
    if let Some(p) = &r.placement {
        h.push_str("<h2 id=\"placement\">Nouvelles permanences proposées</h2>");
        let _ = write!(h, "<p>{}</p>", esc(&data.placement_caption));
        h.push_str(&html_table(
            &placement_table(t, &p.candidates, &p.placement),
            p.placement.unit,
            &[
                ("rang", "Rang"),
                ("nom", "Lieu"),
                ("commune", "Commune"),
                ("nom_ml", "Mission Locale"),
                (
                    "jeunes_nouvellement_couverts",
                    "Jeunes nouvellement couverts",
                ),
                ("cumul", "Cumul"),
                (
                    "communes_nouvellement_couvertes",
                    "Communes nouvellement couvertes",
                ),
            ],
        )?);
        h.push_str("<h3>Avant et après la proposition</h3>");
        let rows: Vec<_> = p
            .scopes
            .iter()
            .filter(|row| broad(&row.scope))
            .cloned()
            .collect();
        h.push_str(&html_table(
            &placement_scopes_table(t, p.placement.unit, &rows),
            p.placement.unit,
            &[
                ("nom", "Périmètre"),
                ("jeunes_16_25", "Jeunes 16–25"),
                ("jeunes_couverts_avant", "Jeunes couverts avant"),
                ("jeunes_couverts_apres", "après"),
                (
                    "distance_moyenne_jeunes_avant_km",
                    "Distance moyenne avant (km)",
                ),
                ("distance_moyenne_jeunes_apres_km", "après (km)"),
            ],
        )?);
        let bars: Vec<BeforeAfter> = rows
            .iter()
            .map(|row| BeforeAfter {
                name: row.scope.name(t),
                jeunes: row.jeunes,
                before: row.jeunes_covered[0],
                after: row.jeunes_covered[1],
            })
            .collect();
        h.push_str(&before_after_chart(
            &bars,
            &format!(
                "Part des jeunes à moins de {} d'un site, avant et après les {} permanences proposées",
                french::threshold(p.placement.unit, p.placement.params.radius.raw()),
                p.placement.placed.len()
            ),
        ));
    }
    if let Some(bs) = &r.basins {
        h.push_str("<h2 id=\"bassins\">Bassins de mobilité (PAMS)</h2>");
        // The basins the perimeter touches, as in bassins.csv.
        let mut basins = basins_table(t, r.basics.costs.unit, &bs.basins, &bs.sizes);
        keep.retain(&mut basins, |k| bs.sizes[k].communes > 0);
        h.push_str(&html_table(
            &basins,
            r.basics.costs.unit,
            &[
                ("bassin", "Bassin"),
                ("statut", "Statut"),
                ("nb_communes", "Communes"),
                ("jeunes_16_25", "Jeunes 16–25"),
                (
                    "ecart_relatif_moyenne_jeunes",
                    "Taille par rapport à la moyenne",
                ),
                ("jeunes_non_mobiles", "Jeunes non mobiles"),
                ("jeunes_sans_permis", "Jeunes sans permis"),
                (
                    "demande_appui_mobilite_estimee",
                    "Demande d'appui à la mobilité estimée",
                ),
                ("distance_moyenne_km", "Distance moyenne (km)"),
            ],
        )?);
    }
    let _ = write!(h, "<footer>{}</footer>", esc(&data.sources));
    h.push_str("</main><script>");
    let _ = write!(h, "var UNIT = '{}';", data.unit.symbol());
    h.push_str(SCRIPT);
    h.push_str(super::planner::SCRIPT);
    h.push_str("</script></body></html>\n");
    Ok(h.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_script_data_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        let v = json!(["</script><!-- a & b", "ligne\u{2028}suivante"]);
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        assert!(!s.contains('\u{2028}'));
        // Still the same JSON once parsed.
        assert_eq!(serde_json::from_str::<serde_json::Value>(&s).unwrap(), v);
    }

    #[test]
    fn cells_read_as_french_text() {
        assert_eq!(cell_text(&Cell::Float(0.95163, 4)), "0,9516");
        assert_eq!(cell_text(&Cell::Int(-1234)), "−1\u{a0}234");
    }
}
