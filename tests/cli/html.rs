//! `synthese.html`: self-contained (no address but the SVG namespace), names
//! from the input files escaped in the markup and in the script data, the
//! key figures taken from the tables. The page in a real browser is checked
//! by `scripts/browser-test` (run by `.ci/run`).

use std::collections::BTreeMap;

use crate::util::{assert_exit, fixture, read_csv, Dir};

type Row = BTreeMap<String, String>;

/// A page's cell as the RFC 4180 CSV writes it: no digit grouping, a
/// decimal point (a comma between two digits; a comma in a name stays),
/// a plain minus, markup entities decoded.
fn plain(cell: &str) -> String {
    let chars: Vec<char> = cell.replace('\u{a0}', "").chars().collect();
    let decimal = |i: usize| {
        chars[i] == ','
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
    };
    (0..chars.len())
        .map(|i| if decimal(i) { '.' } else { chars[i] })
        .collect::<String>()
        .replace('−', "-")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The rows (cells as plain text) of the first table after `marker`.
fn table_after(html: &str, marker: &str) -> Vec<Vec<String>> {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} not in the page"));
    let rest = &html[start..];
    let body = &rest[rest.find("<tbody>").expect("a table body")..];
    let body = &body[..body.find("</tbody>").expect("the body's end")];
    body.split("<tr")
        .skip(1)
        .map(|tr| {
            tr.split("<td")
                .skip(1)
                .map(|td| {
                    let text = &td[td.find('>').expect("a cell") + 1..];
                    plain(&text[..text.find("</td>").expect("a closed cell")])
                })
                .collect()
        })
        .collect()
}

/// A CSV value (RFC 4180) as the page shows it, by the page's documented
/// rule (issue 23, case 6), in the page's plain form: shares (`part_…`) as
/// percentages with one decimal, people (`jeunes…`, `population…`,
/// `demande…`) as whole numbers, a basin's relative gap in words.
fn as_shown(column: &str, value: &str) -> String {
    let Ok(x) = value.parse::<f64>() else {
        return value.to_string();
    };
    if column.starts_with("part_") {
        format!("{:.1} %", 100.0 * x)
    } else if ["jeunes", "population", "demande"]
        .iter()
        .any(|p| column.starts_with(p))
    {
        format!("{}", x.round())
    } else if column == "ecart_relatif_moyenne_jeunes" {
        let pct = format!("{:.1}", 100.0 * x.abs());
        match pct.as_str() {
            "0.0" => "à la taille moyenne".into(),
            _ if x < 0.0 => format!("{pct} % de moins que la moyenne"),
            _ => format!("{pct} % de plus que la moyenne"),
        }
    } else {
        value.to_string()
    }
}

/// The `nth` table of the section `id` holds exactly `rows`, with the cells
/// of `columns` in that order, shown as a person reads them ([`as_shown`]).
fn assert_section(html: &str, id: &str, nth: usize, rows: &[&Row], columns: &[&str]) {
    let h2 = format!("<h2 id=\"{id}\">");
    let start = html
        .find(&h2)
        .unwrap_or_else(|| panic!("no section {id} in the page"));
    let mut from = start;
    for _ in 0..nth {
        from += html[from..].find("</table>").expect("another table") + 8;
    }
    let page = table_after(&html[from..], "<table");
    let want: Vec<Vec<String>> = rows
        .iter()
        .map(|r| columns.iter().map(|c| as_shown(c, &r[*c])).collect())
        .collect();
    // A percentage computed by the page from the exact share may round the
    // last decimal otherwise than the CSV's four decimals do (0.9335 is
    // 93.35 % rounded down, the share it rounds, 0.93350…, up).
    let close = |a: &str, b: &str| {
        a == b
            || a.strip_suffix(" %")
                .zip(b.strip_suffix(" %"))
                .and_then(|(x, y)| Some((x.parse::<f64>().ok()?, y.parse::<f64>().ok()?)))
                .is_some_and(|(x, y)| (x - y).abs() <= 0.1 + 1e-9)
    };
    let same = page.len() == want.len()
        && page
            .iter()
            .zip(&want)
            .all(|(p, w)| p.len() == w.len() && p.iter().zip(w).all(|(a, b)| close(a, b)));
    assert!(same, "section {id}, table {nth}:\n{page:?}\n{want:?}");
}

const HOSTILE: &str = "<script>alert(1)</script> & \"Saint-Œil\"\u{2028}l'Abbaye";

/// The mini fixture with a hostile commune name and a hostile ML name.
fn hostile_report(dir: &Dir) -> String {
    let communes = std::fs::read_to_string(fixture("mini/communes.geojson"))
        .unwrap()
        .replacen(
            "\"nom\":\"Noyon\"",
            &format!("\"nom\":{}", serde_json::json!(HOSTILE)),
            1,
        );
    assert!(communes.contains("Saint-Œil"), "the fixture changed");
    dir.write("communes.geojson", communes);
    let zones = std::fs::read_to_string(fixture("mini/zones.csv"))
        .unwrap()
        .replace("60-ML NOYON", "\"60-ML <b>NOYON</b> & Cie\"");
    dir.write("zones.csv", zones);
    let out = dir.run(&[
        "rapport",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
        "--communes",
        "communes.geojson",
        "--zones",
        "zones.csv",
        "--sites",
        fixture("mini/sites.csv").to_str().unwrap(),
        "--classement",
        fixture("mini/classement.csv").to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    dir.read("res/synthese.html")
}

#[test]
fn names_from_input_files_are_escaped() {
    let dir = Dir::new();
    let html = hostile_report(&dir);
    // Two script elements of ours with data (the map's, the planning
    // tool's), one with code, nothing else.
    assert_eq!(
        html.matches("<script").count(),
        3,
        "unexpected script element"
    );
    assert!(!html.contains("<b>NOYON"), "ML name not escaped");
    assert!(
        !html.contains('\u{2028}'),
        "raw line separator left in the page"
    );
    // The data keeps the name, escaped for a script element.
    assert!(
        html.contains(
            r#"\u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \"Saint-Œil\"\u2028l'Abbaye"#
        ),
        "the commune's name is not in the map data"
    );
    // The placement table names the candidate town hall: escaped markup.
    if html.contains("Saint-Œil") {
        for line in html.split("<td>").filter(|l| l.contains("Saint-Œil")) {
            assert!(
                line.contains("&lt;script&gt;") || line.contains("\\u003c"),
                "{line}"
            );
        }
    }
}

#[test]
fn the_page_is_self_contained_and_every_section_shows_the_tables_figures() {
    let dir = Dir::new();
    let out = dir.run(&[
        "rapport",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--grille-m",
        "0",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let html = dir.read("res/synthese.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Numbers for people (issue 23, case 6): no share as 0,9516, no
    // fractional person, a median of 0 explained, a basin's gap in words.
    let cells: Vec<&str> = html
        .split("<td class=\"n\">")
        .skip(1)
        .map(|c| &c[..c.find("</td>").unwrap()])
        .collect();
    assert!(cells.len() > 200);
    for c in &cells {
        let bare = c.replace('\u{a0}', "");
        assert!(
            !(bare.starts_with("0,")
                && bare.len() == 6
                && bare[2..].chars().all(|d| d.is_ascii_digit())),
            "a share written as a fraction: {c}"
        );
    }
    assert!(html.contains("Une médiane de 0 veut dire qu'au moins la moitié des jeunes"));
    assert!(
        html.contains("% de plus que la moyenne") && html.contains("% de moins que la moyenne")
    );
    assert!(
        html.contains("95,2 %") || html.contains("96,2 %"),
        "shares in per cent"
    );
    // No address anywhere but the SVG namespace: no stylesheet, script,
    // image or font is fetched.
    let addresses: Vec<&str> = html
        .match_indices("://")
        .map(|(i, _)| &html[i.saturating_sub(4)..(i + 22).min(html.len())])
        .collect();
    assert_eq!(
        addresses,
        vec!["http://www.w3.org/2000/svg"],
        "{addresses:?}"
    );
    for tag in ["<link", "<img", "<iframe", "src=", "@import", "url("] {
        assert!(!html.contains(tag), "{tag} in the page");
    }
    assert!(
        html.contains("Sites : substitut."),
        "stand-in sites not declared"
    );

    // Every section shows the rows of its table, figure for figure.
    let csv = |name: &str| read_csv(&dir.read(&format!("res/{name}")));
    let broad = |r: &Row| matches!(r["type_perimetre"].as_str(), "region" | "departement");
    let cov = csv("couverture.csv");
    let cov_rows: Vec<&Row> = cov
        .iter()
        .filter(|r| broad(r) && r["categorie"] == "toutes")
        .collect();
    assert_section(
        &html,
        "couverture",
        0,
        &cov_rows,
        &[
            "nom_perimetre",
            "rayon_km",
            "lieux",
            "lieux_couverts",
            "population_couverte",
            "part_population",
            "jeunes_16_25",
            "jeunes_16_25_couverts",
            "part_jeunes",
        ],
    );
    // Every radius of the table is on the page for the region.
    for radius in ["5.0", "10.0", "15.0", "20.0"] {
        assert!(cov_rows
            .iter()
            .any(|r| r["type_perimetre"] == "region" && r["rayon_km"] == radius));
    }
    let dist = csv("distances_synthese.csv");
    let dist_rows: Vec<&Row> = dist
        .iter()
        .filter(|r| broad(r) && r["categorie"] == "toutes")
        .collect();
    assert!(dist_rows
        .iter()
        .any(|r| r["type_perimetre"] == "region" && r["ponderation"] == "jeunes_16_25"));
    assert_section(
        &html,
        "distances",
        0,
        &dist_rows,
        &[
            "nom_perimetre",
            "ponderation",
            "lieux",
            "distance_moyenne_km",
            "distance_mediane_km",
            "distance_p90_km",
        ],
    );
    let hot = csv("hotspots.csv");
    let hot_rows: Vec<&Row> = hot.iter().take(15).collect();
    assert_section(
        &html,
        "hotspots",
        0,
        &hot_rows,
        &[
            "rang",
            "jeunes_non_mobiles_hors_portee",
            "nb_communes",
            "jeunes_16_25",
            "noms_ml",
            "nom_site_plus_proche",
            "distance_moyenne_jeunes_km",
            "distance_max_km",
        ],
    );
    let placement = csv("placement.csv");
    assert_section(
        &html,
        "placement",
        0,
        &placement.iter().collect::<Vec<_>>(),
        &[
            "rang",
            "nom",
            "commune",
            "nom_ml",
            "jeunes_nouvellement_couverts",
            "cumul",
            "communes_nouvellement_couvertes",
        ],
    );
    let before_after = csv("placement_synthese.csv");
    let ba_rows: Vec<&Row> = before_after
        .iter()
        .filter(|r| matches!(r["perimetre"].as_str(), "region" | "departement"))
        .collect();
    assert_section(
        &html,
        "placement",
        1,
        &ba_rows,
        &[
            "nom",
            "jeunes_16_25",
            "jeunes_couverts_avant",
            "jeunes_couverts_apres",
            "distance_moyenne_jeunes_avant_km",
            "distance_moyenne_jeunes_apres_km",
        ],
    );
    let basins = csv("bassins.csv");
    assert_section(
        &html,
        "bassins",
        0,
        &basins.iter().collect::<Vec<_>>(),
        &[
            "bassin",
            "statut",
            "nb_communes",
            "jeunes_16_25",
            "ecart_relatif_moyenne_jeunes",
            "jeunes_non_mobiles",
            "jeunes_sans_permis",
            "demande_appui_mobilite_estimee",
            "distance_moyenne_km",
        ],
    );

    // Key figures: the share of young people within each radius, for the
    // region and each département, from couverture.csv's counts; their
    // mean distance from distances_synthese.csv.
    let key = table_after(&html, "<table class=\"key\">");
    let columns = ["region", "59", "62", "02", "60", "80"];
    for radius in ["5", "10", "15", "20"] {
        let label = format!("Part des jeunes à moins de {radius} km d'un site");
        let row = key
            .iter()
            .find(|r| r[0] == label)
            .unwrap_or_else(|| panic!("no key-figure row {label}"));
        for (k, code) in columns.iter().enumerate() {
            let r = cov
                .iter()
                .find(|r| {
                    (r["code_perimetre"] == *code
                        || (*code == "region" && r["type_perimetre"] == "region"))
                        && r["rayon_km"] == format!("{radius}.0")
                        && r["categorie"] == "toutes"
                })
                .unwrap_or_else(|| panic!("{code} at {radius} km"));
            let covered: f64 = r["jeunes_16_25_couverts"].parse().unwrap();
            let total: f64 = r["jeunes_16_25"].parse().unwrap();
            assert_eq!(
                row[k + 1],
                format!("{:.1} %", 100.0 * covered / total),
                "{label}, {code}"
            );
        }
    }
    let row = key
        .iter()
        .find(|r| r[0] == "Distance moyenne des jeunes au site le plus proche (km)")
        .expect("mean distance row");
    for (k, code) in columns.iter().enumerate() {
        let r = dist
            .iter()
            .find(|r| {
                (r["code_perimetre"] == *code
                    || (*code == "region" && r["type_perimetre"] == "region"))
                    && r["categorie"] == "toutes"
                    && r["ponderation"] == "jeunes_16_25"
            })
            .unwrap();
        assert_eq!(
            row[k + 1],
            r["distance_moyenne_km"],
            "mean distance, {code}"
        );
    }
    // The map has one path per commune and its data one row per commune.
    let communes = read_csv(&dir.read("res/communes.csv"));
    assert_eq!(html.matches("<path data-i=").count(), communes.len());
    // Every proposed permanence is in the placement table.
    for r in read_csv(&dir.read("res/placement.csv")) {
        let name = r["nom"].replace('\'', "&#39;");
        assert!(html.contains(&format!("<td>{name}</td>")), "{name}");
    }
}

/// The page's charts (issue 25) and its table by Mission Locale: the curve
/// of each département passes through the coverage table's share at each
/// threshold, the table by Mission Locale gives couverture.csv's figures
/// under the Missions Locales' names; a Mission Locale's page shows only
/// the basins it touches, as bassins.csv does.
#[test]
fn the_page_charts_the_tables_figures_and_lists_the_missions_locales() {
    let dir = Dir::new();
    let out = dir.run(&[
        "rapport",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--grille-m",
        "0",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let html = dir.read("res/synthese.html");
    assert_eq!(html.matches("<figure class=\"chart\"").count(), 3);
    let cov = read_csv(&dir.read("res/couverture.csv"));
    // A share as the page writes it, from the counts (not the CSV's
    // rounded share).
    let french_percent = |r: &Row| {
        let part: f64 = r["jeunes_16_25_couverts"].parse().unwrap();
        let all: f64 = r["jeunes_16_25"].parse().unwrap();
        format!("{:.1} %", 100.0 * part / all).replace('.', ",")
    };
    let mut curves = 0;
    for r in cov
        .iter()
        .filter(|r| matches!(r["type_perimetre"].as_str(), "region" | "departement"))
        .filter(|r| r["categorie"] == "toutes")
    {
        // The tooltip of the curve: « Aisne — 5 km : 89,0 % ; 10 km : … ».
        let name = r["nom_perimetre"].replace('\'', "&#39;");
        let start = html
            .find(&format!("<title>{name} — "))
            .unwrap_or_else(|| panic!("no curve for {name}"));
        let tip = &html[start..start + html[start..].find("</title>").unwrap()];
        let km = r["rayon_km"].trim_end_matches(".0");
        let expected = format!("{km} km : {}", french_percent(r));
        assert!(
            tip.replace('\u{a0}', " ").contains(&expected),
            "{tip} lacks {expected}"
        );
        curves += 1;
    }
    assert_eq!(
        curves,
        6 * 4,
        "region and five départements at four thresholds"
    );
    // The table by Mission Locale: one row per Mission Locale, by name.
    let rows = table_after(&html, "id=\"missions-locales\"");
    let mls: Vec<&Row> = cov
        .iter()
        .filter(|r| {
            r["type_perimetre"] == "ml" && r["categorie"] == "toutes" && r["rayon_km"] == "5.0"
        })
        .collect();
    assert_eq!(rows.len(), 42);
    assert_eq!(mls.len(), 42);
    for m in mls {
        let row = rows
            .iter()
            .find(|row| row[0] == m["nom_perimetre"])
            .unwrap_or_else(|| panic!("{} not in the table", m["nom_perimetre"]));
        assert_eq!(row[2], m["lieux"]);
        assert_eq!(row[4], m["jeunes_16_25"]);
        assert_eq!(row[5], m["jeunes_16_25_couverts"]);
    }
    assert!(rows.iter().any(
        |row| row[0] == "Maison de l'Emploi et des Métiers en Pays d'Artois" && row[1] == "Arras"
    ));

    let out = dir.run(&[
        "rapport",
        "--ml",
        "62041",
        "--csv",
        "rfc4180",
        "--out",
        "arras",
        "--grille-m",
        "0",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let html = dir.read("arras/synthese.html");
    let basins = read_csv(&dir.read("arras/bassins.csv"));
    let rows = table_after(&html, "id=\"bassins\"");
    assert_eq!(rows.len(), basins.len());
    assert!(rows.iter().all(|row| row[2] != "0"), "{rows:?}");
    // Its curve and the region's, dashed, to compare.
    assert!(html.contains("Hauts-de-France (pour comparer)"));
    assert!(!html.contains("id=\"missions-locales\""));
}
