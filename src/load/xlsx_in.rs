//! Tables users bring as an Excel workbook (`.xlsx`), read as the CSV
//! reader reads a CSV file ([`crate::load::csv_in`]), so that every check
//! and message is the same: one raw feature per data row, its cells as
//! text, located by its row number as the spreadsheet shows it (the header
//! is row 1 when the sheet starts at the top).
//!
//! The sheet read is the one named as asked (`sites` for a sites file,
//! whatever its case) when there is one, the first sheet otherwise.
//! Cells become the text a CSV would hold: text trimmed; numbers with the
//! fewest digits that read back as the same value (`2001`, `3.179578`), so
//! an INSEE code stored as a number gets its leading zero back as one saved
//! in a CSV does ([`crate::model::InseeCode::parse`]); booleans `true` /
//! `false`; a spreadsheet error as shown (`#N/A`). Rows whose cells are all
//! empty are skipped, as blank lines of a CSV are, and so is a column with
//! neither a header nor a value (a spacer).

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use serde_json::Value;

use crate::error::{Error, Location};
use crate::load::features::{names, Name, Props, RawFeature, RawLayer};

/// Reads the sheet `sheet` (or the first) of the workbook at `path`.
pub fn read_xlsx(path: &Path, sheet: Option<&str>) -> Result<RawLayer, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_xlsx(path, bytes, sheet)
}

/// Parses workbook bytes; `path` only names the source in messages.
pub fn parse_xlsx(path: &Path, bytes: Vec<u8>, sheet: Option<&str>) -> Result<RawLayer, Error> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| not_a_workbook(path, &e))?;
    let names_in_book = book.sheet_names();
    let name = sheet
        .and_then(|s| {
            names_in_book
                .iter()
                .find(|n| n.trim().to_lowercase() == s.to_lowercase())
        })
        .or_else(|| names_in_book.first())
        .cloned()
        .ok_or_else(|| Error::file(path, "le classeur n'a aucune feuille"))?;
    let range = book.worksheet_range(&name).map_err(|e| {
        Error::file(
            path,
            format!("feuille « {name} » illisible : {}", cause(&e)),
        )
    })?;
    let Some((first_row, _)) = range.start() else {
        return Err(Error::file(
            path,
            format!("la feuille « {name} » est vide : attendu une ligne d'en-tête et des lignes de données"),
        ));
    };
    // Rows as the spreadsheet numbers them, from 1.
    let row_number = |i: usize| u64::from(first_row) + i as u64 + 1;
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(|c| text(c).trim().to_string()).collect())
        .unwrap_or_default();
    let data: Vec<&[Data]> = rows.collect();
    let header_line = Location::Line(row_number(0));
    // Spacer columns, with no header and no value, are left out.
    let used: Vec<usize> = (0..header.len())
        .filter(|&c| {
            !header[c].is_empty()
                || data
                    .iter()
                    .any(|r| r.get(c).is_some_and(|v| !text(v).trim().is_empty()))
        })
        .collect();
    let mut seen = std::collections::BTreeSet::new();
    for &c in &used {
        let h = &header[c];
        if h.is_empty() {
            return Err(Error::record(
                path,
                header_line,
                "une colonne n'a pas de nom dans la ligne d'en-tête",
            ));
        }
        if !seen.insert(h.to_lowercase()) {
            return Err(Error::record(
                path,
                header_line,
                format!("la colonne « {h} » apparaît deux fois dans la ligne d'en-tête"),
            ));
        }
    }
    // As the CSV reader does: each row's attributes laid out sorted by
    // lower-case name.
    let mut columns: Vec<(usize, Name, Name)> = used
        .iter()
        .map(|&c| {
            let (key, spelled) = names(&header[c]);
            (c, key, spelled)
        })
        .collect();
    columns.sort_by(|a, b| a.1.cmp(&b.1));
    let mut features = Vec::with_capacity(data.len());
    for (i, row) in data.iter().enumerate() {
        let cells: Vec<String> = columns
            .iter()
            .map(|(c, _, _)| {
                row.get(*c)
                    .map(|v| text(v).trim().to_string())
                    .unwrap_or_default()
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let mut f = RawFeature::new(Location::Line(row_number(i + 1)));
        f.props = Props::from_sorted(
            columns
                .iter()
                .zip(cells)
                .map(|((_, key, spelled), v)| (key.clone(), (spelled.clone(), Value::String(v))))
                .collect(),
        );
        features.push(f);
    }
    Ok(RawLayer {
        path: path.to_path_buf(),
        features,
    })
}

/// The error of a file that cannot be opened as a workbook.
fn not_a_workbook(path: &Path, e: &calamine::XlsxError) -> Error {
    Error::file(
        path,
        format!(
            "pas un classeur Excel .xlsx lisible ({}) : enregistrez-le au format .xlsx \
             (« Classeur Excel »), ou en CSV",
            cause(e)
        ),
    )
}

/// Why a workbook cannot be read, in French where the cause is a usual one.
fn cause(e: &calamine::XlsxError) -> String {
    use calamine::XlsxError as E;
    match e {
        E::Zip(_) => "le fichier n'est pas une archive zip, comme l'est tout fichier .xlsx".into(),
        E::Password => "il est protégé par un mot de passe".into(),
        E::FileNotFound(part) => format!("il y manque la partie {part}"),
        E::Io(io) => crate::error::io_cause(io),
        other => format!("contenu invalide : {other}"),
    }
}

/// A cell as the text a CSV would hold.
fn text(v: &Data) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    match v {
        Data::Empty => Cow::Borrowed(""),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Float(x) => Cow::Owned(number(*x)),
        Data::Int(n) => Cow::Owned(n.to_string()),
        Data::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Data::DateTime(d) => Cow::Owned(number(d.as_f64())),
        Data::Error(e) => Cow::Owned(e.to_string()),
    }
}

/// A number with the fewest digits that read back as the same `f64`, never
/// in exponent notation; `-0` as `0`.
fn number(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    /// A workbook whose sheets are given as (name, rows of cells); a cell is
    /// a number when it parses as one and is not quoted with `'`.
    fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
        let mut book = Workbook::new();
        for (name, rows) in sheets {
            let ws = book.add_worksheet();
            ws.set_name(*name).unwrap();
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let (r, c) = (r as u32, c as u16);
                    if cell.is_empty() {
                        continue;
                    }
                    match (cell.strip_prefix('\''), cell.parse::<f64>()) {
                        (Some(t), _) => ws.write_string(r, c, t).map(|_| ()),
                        (None, Ok(x)) => ws.write_number(r, c, x).map(|_| ()),
                        (None, Err(_)) => ws.write_string(r, c, *cell).map(|_| ()),
                    }
                    .unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    fn props(f: &RawFeature) -> Vec<(String, String)> {
        f.props
            .values()
            .map(|(n, v)| (n.to_string(), v.as_str().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn rows_are_read_as_csv_text_with_their_row_numbers() {
        let bytes = workbook(&[
            ("Autre", &[&["x"], &["1"]]),
            (
                "Sites",
                &[
                    &["site_id", "lon", "", "code_insee", "Nom"],
                    &["a", "2.5", "", "2001", " Abbécourt "],
                    &["", "", "", "", ""],
                    &["b", "3.179578", "", "'02001", "=1+1"],
                ],
            ),
        ]);
        let layer = parse_xlsx(Path::new("s.xlsx"), bytes, Some("sites")).unwrap();
        assert_eq!(layer.features.len(), 2);
        assert_eq!(layer.features[0].location, Location::Line(2));
        assert_eq!(layer.features[1].location, Location::Line(4));
        assert_eq!(
            props(&layer.features[0]),
            [
                ("code_insee", "2001"),
                ("lon", "2.5"),
                ("Nom", "Abbécourt"),
                ("site_id", "a"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            props(&layer.features[1])[..3],
            [
                ("code_insee", "02001"),
                ("lon", "3.179578"),
                ("Nom", "=1+1")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // Without a sheet of that name, the first one.
        let bytes = workbook(&[("Autre", &[&["x"], &["1"]]), ("Feuil2", &[&["y"]])]);
        let layer = parse_xlsx(Path::new("s.xlsx"), bytes, Some("sites")).unwrap();
        assert_eq!(
            props(&layer.features[0]),
            [("x".to_string(), "1".to_string())]
        );
    }

    #[test]
    fn a_sheet_that_does_not_start_at_the_top_keeps_its_row_numbers() {
        let bytes = workbook(&[("s", &[&[], &[], &["", "id"], &["", "7"]])]);
        let layer = parse_xlsx(Path::new("s.xlsx"), bytes, None).unwrap();
        assert_eq!(layer.features[0].location, Location::Line(4));
    }

    #[test]
    fn bad_headers_and_files_are_named() {
        let e = |bytes: Vec<u8>| {
            parse_xlsx(Path::new("s.xlsx"), bytes, None)
                .unwrap_err()
                .to_string()
        };
        let m = e(workbook(&[("s", &[&["a", "A"], &["1", "2"]])]));
        assert_eq!(
            m,
            "s.xlsx : ligne 1 : la colonne « A » apparaît deux fois dans la ligne d'en-tête"
        );
        let m = e(workbook(&[("s", &[&["a", "", "b"], &["1", "2", "3"]])]));
        assert_eq!(
            m,
            "s.xlsx : ligne 1 : une colonne n'a pas de nom dans la ligne d'en-tête"
        );
        let m = e(workbook(&[("s", &[])]));
        assert!(m.starts_with("s.xlsx : la feuille « s » est vide"), "{m}");
        let m = e(b"site_id,lon,lat\n".to_vec());
        assert!(
            m.starts_with("s.xlsx : pas un classeur Excel .xlsx lisible"),
            "{m}"
        );
    }
}
