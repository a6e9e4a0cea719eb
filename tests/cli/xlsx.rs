//! The workbook `maillage.xlsx`, read back with calamine and from its XML;
//! and sites read from a workbook, which must give what their CSV gives.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};

use crate::util::{assert_exit, Dir};

/// The CSV files of a report that have a sheet, in the order of the
/// sheets, with the sheet's name.
const REPORT_SHEETS: [(&str, &str); 11] = [
    ("communes.csv", "Communes"),
    ("qpv.csv", "QPV"),
    ("distances_synthese.csv", "Distances (synthèse)"),
    ("couverture.csv", "Couverture"),
    ("hotspots.csv", "Points chauds"),
    ("hotspots_communes.csv", "Points chauds (communes)"),
    ("bassins.csv", "Bassins"),
    ("bassins_communes.csv", "Bassins (communes)"),
    ("placement.csv", "Placement"),
    ("placement_bilan.csv", "Placement (bilan)"),
    ("placement_synthese.csv", "Placement (synthèse)"),
];

/// A French CSV written by maillage: header and rows of text.
fn french_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
    let mut r = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// A zip member's text.
fn member(xlsx: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The value of attribute `attr` in the XML element text `el`.
fn attr<'a>(el: &'a str, attr: &str) -> Option<&'a str> {
    let key = format!(" {attr}=\"");
    let at = el.find(&key)? + key.len();
    Some(&el[at..at + el[at..].find('"')?])
}

/// Every element `<tag …>` of `xml` (its opening tag's text).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    xml.match_indices(&open)
        .map(|(i, _)| &xml[i..i + xml[i..].find('>').unwrap()])
        .collect()
}

/// The sheets' names and their XML parts, in the workbook's order.
fn sheet_parts(xlsx: &[u8]) -> Vec<(String, String)> {
    let book = member(xlsx, "xl/workbook.xml");
    let rels = member(xlsx, "xl/_rels/workbook.xml.rels");
    let targets: BTreeMap<&str, &str> = elements(&rels, "Relationship")
        .into_iter()
        .map(|e| (attr(e, "Id").unwrap(), attr(e, "Target").unwrap()))
        .collect();
    elements(&book, "sheet")
        .into_iter()
        .map(|e| {
            let name = attr(e, "name").unwrap().replace("&apos;", "'");
            (name, format!("xl/{}", targets[attr(e, "r:id").unwrap()]))
        })
        .collect()
}

/// The number format of cell `cell` (`C2`) of the sheet part `part`.
fn number_format(xlsx: &[u8], part: &str, cell: &str) -> String {
    let sheet = member(xlsx, part);
    let c = elements(&sheet, "c")
        .into_iter()
        .find(|e| attr(e, "r") == Some(cell))
        .unwrap_or_else(|| panic!("no cell {cell} in {part}"));
    let style: usize = attr(c, "s").map_or(0, |s| s.parse().unwrap());
    let styles = member(xlsx, "xl/styles.xml");
    let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let id = attr(elements(xfs, "xf")[style], "numFmtId").unwrap();
    match id {
        "0" => "General".to_string(),
        _ => elements(&styles, "numFmt")
            .into_iter()
            .find(|e| attr(e, "numFmtId") == Some(id))
            .and_then(|e| attr(e, "formatCode"))
            .unwrap_or_else(|| panic!("format {id}"))
            .to_string(),
    }
}

/// The letters of column `c` (0 → A).
fn column(mut c: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (c % 26) as u8) as char);
        if c < 26 {
            return s;
        }
        c = c / 26 - 1;
    }
}

/// Checks that the workbook cell `v` holds the CSV text `text`: the same
/// text, or a number that the CSV shows rounded to its decimals.
fn same_cell(v: Option<&Data>, text: &str, at: &str) -> bool {
    match v.unwrap_or(&Data::Empty) {
        Data::Empty => {
            assert_eq!(text, "", "{at}: empty in the workbook");
            false
        }
        Data::String(s) => {
            assert_eq!(s, text, "{at}");
            false
        }
        Data::Float(x) => {
            let shown: f64 = text
                .replace(',', ".")
                .parse()
                .unwrap_or_else(|_| panic!("{at}: {x} in the workbook, « {text} » in the CSV"));
            let decimals = text.split(',').nth(1).map_or(0, str::len);
            let half = 0.5 * 10f64.powi(-(decimals as i32));
            assert!(
                (x - shown).abs() <= half * (1.0 + 1e-9) + 1e-12 * shown.abs(),
                "{at}: {x} in the workbook, « {text} » in the CSV"
            );
            true
        }
        other => panic!("{at}: unexpected {other:?}"),
    }
}

#[test]
fn the_report_workbook_holds_every_table_as_its_csv() {
    let dir = Dir::new();
    assert_exit(&dir.run(&["report", "--out", "res", "--quiet"]), 0);
    let res = dir.path().join("res");
    let bytes = std::fs::read(res.join("maillage.xlsx")).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();

    // Sheets: the Lisez-moi, then one per table in the order of the files.
    let mut expected = vec!["Lisez-moi".to_string()];
    expected.extend(REPORT_SHEETS.iter().map(|(_, s)| s.to_string()));
    assert_eq!(book.sheet_names(), expected);
    assert!(res.join("grille_distance.csv").exists());
    let parts = sheet_parts(&bytes);
    assert_eq!(
        parts.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        expected
    );

    let mut text_numbers = Vec::new();
    for (i, (file, sheet)) in REPORT_SHEETS.iter().enumerate() {
        let (header, rows) = french_csv(&res.join(file));
        let range = book.worksheet_range(sheet).unwrap();
        assert_eq!(range.start(), Some((0, 0)), "{sheet}");
        assert_eq!(
            range.get_size(),
            (rows.len() + 1, header.len()),
            "{sheet}: the header and every row"
        );
        for (c, h) in header.iter().enumerate() {
            assert_eq!(
                range.get_value((0, c as u32)),
                Some(&Data::String(h.clone())),
                "{sheet} header"
            );
        }
        let mut numbers = vec![0usize; header.len()];
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                let at = format!("{sheet}!{}{}", column(c), r + 2);
                if same_cell(range.get_value((r as u32 + 1, c as u32)), text, &at) {
                    numbers[c] += 1;
                }
            }
        }
        // Numbers as numbers: a column is numbers in the workbook exactly
        // when all its CSV values are numbers, codes apart.
        for (c, h) in header.iter().enumerate() {
            let numeric = rows
                .iter()
                .all(|r| r[c].is_empty() || r[c].replace(',', ".").parse::<f64>().is_ok());
            // Codes and ids that look like numbers are text.
            let code = h.starts_with("code")
                || [
                    "candidat",
                    "commune_la_plus_proche_du_site",
                    "departement",
                    "ml_site_plus_proche",
                ]
                .contains(&h.as_str());
            let non_empty = rows.iter().filter(|r| !r[c].is_empty()).count();
            if numeric && !code && non_empty > 0 && numbers[c] != non_empty {
                text_numbers.push(format!("{sheet}: {h}"));
            }
        }
        // Header frozen, filter on the whole table.
        let (name, part) = &parts[i + 1];
        assert_eq!(name, sheet);
        let xml = member(&bytes, part);
        let pane = elements(&xml, "pane");
        assert_eq!(pane.len(), 1, "{sheet}");
        assert_eq!(attr(pane[0], "ySplit"), Some("1"), "{sheet}");
        assert_eq!(attr(pane[0], "state"), Some("frozen"), "{sheet}");
        let filter = elements(&xml, "autoFilter");
        assert_eq!(
            filter.iter().map(|e| attr(e, "ref")).collect::<Vec<_>>(),
            vec![Some(
                format!("A1:{}{}", column(header.len() - 1), rows.len() + 1).as_str()
            )],
            "{sheet}"
        );
        // Widths set for every column, none wider than 61 characters.
        let cols = elements(&xml, "col");
        assert!(!cols.is_empty(), "{sheet}");
        for c in cols {
            let w: f64 = attr(c, "width").unwrap().parse().unwrap();
            assert!((4.0..=62.0).contains(&w), "{sheet}: {c}");
        }
        // No formula anywhere.
        assert!(!xml.contains("<f>") && !xml.contains("<f "), "{sheet}");
    }

    assert!(text_numbers.is_empty(), "numbers as text: {text_numbers:?}");

    // A few columns, checked by hand: codes as text with their zero,
    // people and distances as numbers.
    let communes = book.worksheet_range("Communes").unwrap();
    assert_eq!(
        communes.get_value((1, 0)),
        Some(&Data::String("02001".into()))
    );
    assert_eq!(communes.get_value((1, 6)), Some(&Data::Float(498.0)));
    assert_eq!(
        communes.get_value((1, 16)),
        Some(&Data::String("non".into()))
    );

    // Formats: a share as a percentage, people with a thousands
    // separator, a distance with the CSV's decimals.
    let (header, _) = french_csv(&res.join("couverture.csv"));
    let col = |h: &str| column(header.iter().position(|x| x == h).unwrap());
    let part = &parts[4].1;
    assert_eq!(
        number_format(&bytes, part, &format!("{}2", col("part_population"))),
        "0.0%"
    );
    assert_eq!(
        number_format(&bytes, part, &format!("{}2", col("population_couverte"))),
        "#,##0"
    );
    assert_eq!(
        number_format(&bytes, part, &format!("{}2", col("jeunes_16_25"))),
        "#,##0"
    );
    assert_eq!(
        number_format(&bytes, part, &format!("{}2", col("rayon_km"))),
        "0.0"
    );
    assert_eq!(number_format(&bytes, &parts[1].1, "N2"), "0.000");
    assert_eq!(number_format(&bytes, &parts[1].1, "A2"), "General");

    // The Lisez-moi: label and text in columns A and B.
    let readme = book.worksheet_range("Lisez-moi").unwrap();
    let lines: BTreeMap<String, String> = readme
        .rows()
        .filter_map(|r| match (r.first(), r.get(1)) {
            (Some(Data::String(a)), Some(Data::String(b))) => Some((a.clone(), b.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        readme.get_value((0, 0)),
        Some(&Data::String(
            "Maillage territorial des Missions Locales des Hauts-de-France".into()
        ))
    );
    assert!(
        lines["Territoire"]
            .starts_with("Hauts-de-France : 3\u{a0}782 communes, 42 Missions Locales, 962 sites"),
        "{lines:?}"
    );
    assert!(lines["Sources"].starts_with("communes IGN ADMIN EXPRESS"));
    assert!(lines["Attention : sites substituts"].contains("sont marqués « substitut »"));
    assert!(lines["Non repris"].contains("grille_distance.csv"));
    assert_eq!(lines["Seuils de couverture"], "5 km, 10 km, 15 km, 20 km");
    for (file, sheet) in REPORT_SHEETS {
        assert!(lines[sheet].starts_with(file), "{sheet}: {}", lines[sheet]);
    }
    let (_, communes_rows) = french_csv(&res.join("communes.csv"));
    assert!(lines["Communes"].starts_with(&format!(
        "communes.csv ({}\u{a0}{:03} lignes)",
        communes_rows.len() / 1000,
        communes_rows.len() % 1000
    )));
}

/// geodata/sites.csv as a workbook: the sites on a sheet named « Sites »
/// after another sheet, lon, lat and code_insee as numbers (the codes of
/// départements 01 to 09 lose their leading zero), the rest as text.
/// `edit` changes the rows (header first) before they are written, in the
/// workbook and in the CSV returned beside it.
fn sites_workbook(edit: impl Fn(&mut Vec<Vec<String>>)) -> (Vec<u8>, String) {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv")).unwrap();
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> =
        vec![r.headers().unwrap().iter().map(str::to_string).collect()];
    rows.extend(
        r.records()
            .map(|rec| rec.unwrap().iter().map(str::to_string).collect()),
    );
    edit(&mut rows);
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .set_name("Notes")
        .unwrap()
        .write_string(0, 0, "les sites sont sur la feuille suivante")
        .unwrap();
    let ws = book.add_worksheet();
    ws.set_name("Sites").unwrap();
    let numeric = ["lon", "lat", "code_insee"];
    for (i, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (i, col) = (i as u32, c as u16);
            let number = v
                .parse::<f64>()
                .ok()
                .filter(|_| i > 0 && numeric.contains(&rows[0][c].as_str()));
            match number {
                Some(x) => ws.write_number(i, col, x).map(|_| ()),
                None if v.is_empty() => Ok(()),
                None => ws.write_string(i, col, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in &rows {
        w.write_record(row).unwrap();
    }
    (
        book.save_to_buffer().unwrap(),
        String::from_utf8(w.into_inner().unwrap()).unwrap(),
    )
}

#[test]
fn sites_from_a_workbook_give_the_tables_of_their_csv() {
    let dir = Dir::new();
    let (xlsx, csv) = sites_workbook(|rows| {
        // Codes stored as numbers lose their leading zero.
        assert!(rows.iter().any(|r| r[4].starts_with('0')));
    });
    dir.write("sites.xlsx", xlsx);
    dir.write("sites.csv", csv);
    for (sites, out) in [("sites.csv", "c"), ("sites.xlsx", "x")] {
        assert_exit(
            &dir.run(&[
                "report", "--grid-m", "0", "--sites", sites, "--out", out, "--quiet",
            ]),
            0,
        );
    }
    let mut compared = 0;
    for e in std::fs::read_dir(dir.path().join("c")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if [".csv", ".geojson", ".gpkg"]
            .iter()
            .any(|x| name.ends_with(x))
        {
            let a = std::fs::read(dir.path().join("c").join(&name)).unwrap();
            let b = std::fs::read(dir.path().join("x").join(&name)).unwrap();
            assert!(a == b, "{name} differs between the CSV and the workbook");
            compared += 1;
        }
    }
    assert!(compared >= 15, "{compared}");
}

#[test]
fn a_bad_row_of_a_workbook_is_reported_as_in_its_csv() {
    type Edit = fn(&mut Vec<Vec<String>>);
    let cases: [(Edit, &str); 4] = [
        // No longitude on the 10th site (row 11).
        (|rows| rows[10][5].clear(), "ligne 11 ("),
        (
            |rows| rows[20][3] = "bureau".into(),
            "champ « type » : attendu siege, antenne ou permanence, trouvé « bureau »",
        ),
        // The 31st site takes the id of the 6th.
        (
            |rows| rows[31][0] = rows[6][0].clone(),
            "en double (aussi : ligne 7 (",
        ),
        (|rows| rows[40][4] = "8OO21".into(), "ligne 41 ("),
    ];
    for (edit, expected) in cases {
        let dir = Dir::new();
        let (xlsx, csv) = sites_workbook(edit);
        dir.write("sites.xlsx", xlsx);
        dir.write("sites.csv", csv);
        let run = |sites: &str| {
            let out = dir.run(&["distance", "--grid-m", "0", "--sites", sites, "--out", "o"]);
            assert_exit(&out, 1);
            String::from_utf8(out.stderr).unwrap()
        };
        let (from_csv, from_xlsx) = (run("sites.csv"), run("sites.xlsx"));
        assert!(from_csv.contains(expected), "{from_csv}");
        assert!(from_csv.starts_with("erreur"), "{from_csv}");
        crate::eqnice!(from_csv.replace("sites.csv", "sites.xlsx"), from_xlsx);
    }
}

#[test]
fn a_scenario_adds_sites_from_a_workbook() {
    let dir = Dir::new();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in [
        "site_id",
        "code_ml",
        "nom",
        "type",
        "code_insee",
        "lon",
        "lat",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    // At Villers-Agron-Aiguizy's town hall (02809), 14 km from the nearest
    // site, its INSEE code stored as a number.
    for (c, v) in ["NEW-P01", "02168", "Nouvelle permanence", "permanence"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1, 4, 2809.0).unwrap();
    ws.write_number(1, 5, 3.695243).unwrap();
    ws.write_number(1, 6, 49.160924).unwrap();
    dir.write("ajout.xlsx", book.save_to_buffer().unwrap());
    dir.write(
        "ajout.csv",
        "site_id,code_ml,nom,type,code_insee,lon,lat\nNEW-P01,02168,Nouvelle permanence,permanence,02809,3.695243,49.160924\n",
    );
    for (file, out) in [("ajout.csv", "c"), ("ajout.xlsx", "x")] {
        assert_exit(
            &dir.run(&["scenario", "--add", file, "--out", out, "--quiet"]),
            0,
        );
    }
    for name in ["scenario_indicateurs.csv", "scenario_communes.csv"] {
        let a = dir.read(&format!("c/{name}"));
        assert!(a.lines().count() > 2, "{name}");
        assert_eq!(a, dir.read(&format!("x/{name}")), "{name}");
    }
    // The scenario's own workbook: its two tables.
    let bytes = std::fs::read(dir.path().join("x/maillage.xlsx")).unwrap();
    let book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Lisez-moi", "Scénario (indicateurs)", "Scénario (communes)"]
    );
}
