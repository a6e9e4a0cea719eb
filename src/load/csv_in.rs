//! CSV reader for the tables users bring: `,` or `;` or tab separators
//! (sniffed from the header), an optional UTF-8 byte-order mark, quoted fields
//! with line breaks, and Windows-1252 files saved by spreadsheets.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Location};
use crate::load::features::{names, Name, Props, RawFeature, RawLayer};
use crate::warnings::Warnings;

/// Reads a CSV file into raw features, one per data row, each located by the
/// line it starts on (the header is line 1). Values are strings.
pub fn read_csv(path: &Path, warnings: &mut Warnings) -> Result<RawLayer, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_csv(path, &bytes, warnings)
}

/// The text of a CSV file: without its byte-order mark, decoded as UTF-8 or,
/// failing that, Windows-1252 (with a warning); an empty file is an error.
pub(crate) fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
    warnings: &mut Warnings,
) -> Result<std::borrow::Cow<'a, str>, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            warn_windows_1252(path, warnings);
            let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            s
        }
    };
    if text.trim().is_empty() {
        return Err(empty_file(path));
    }
    Ok(text)
}

/// The warning of a file read as Windows-1252.
pub(crate) fn warn_windows_1252(path: &Path, warnings: &mut Warnings) {
    warnings.add(
        path,
        "pas en UTF-8 : lu en Windows-1252 (Latin-1), comme l'enregistrent les tableurs",
        "tout le fichier",
    );
}

/// The error of a file with nothing but blanks.
pub(crate) fn empty_file(path: &Path) -> Error {
    Error::file(
        path,
        "le fichier est vide : attendu une ligne d'en-tête et des lignes de données",
    )
}

/// A CSV reader over decoded `text`, with the separator its header line
/// uses, every row as wide as the header, fields trimmed; and the header.
pub(crate) fn reader<'t>(
    path: &Path,
    text: &'t str,
) -> Result<(csv::Reader<&'t [u8]>, csv::StringRecord), Error> {
    reader_from(
        path,
        text.lines().next().unwrap_or(""),
        text.as_bytes(),
        csv::Trim::All,
    )
}

/// A CSV reader over the decoded text `source`, whose first line is
/// `first_line`, as [`reader`] makes one, but trimming as `trim` says (the
/// header is trimmed in any case).
pub(crate) fn reader_from<R: std::io::Read>(
    path: &Path,
    first_line: &str,
    source: R,
    trim: csv::Trim,
) -> Result<(csv::Reader<R>, csv::StringRecord), Error> {
    let delimiter = sniff_delimiter(first_line);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(trim)
        .from_reader(source);
    let headers = rdr
        .headers()
        .map_err(|e| Error::file(path, format!("ligne d'en-tête illisible : {e}")))?
        .clone();
    Ok((rdr, headers))
}

/// Parses CSV bytes; `path` only names the source in messages.
pub fn parse_csv(path: &Path, bytes: &[u8], warnings: &mut Warnings) -> Result<RawLayer, Error> {
    let text = decode(path, bytes, warnings)?;
    // Headers trimmed by the reader, fields below.
    let (mut rdr, headers) = reader_from(
        path,
        text.lines().next().unwrap_or(""),
        text.as_bytes(),
        csv::Trim::Headers,
    )?;
    let mut seen = std::collections::BTreeSet::new();
    for h in headers.iter() {
        if h.is_empty() {
            return Err(Error::record(
                path,
                Location::Line(1),
                "une colonne n'a pas de nom dans la ligne d'en-tête",
            ));
        }
        if !seen.insert(h.to_lowercase()) {
            return Err(Error::record(
                path,
                Location::Line(1),
                format!("la colonne « {h} » apparaît deux fois dans la ligne d'en-tête"),
            ));
        }
    }
    // The csv crate does not count blank lines in its line numbers, so lines
    // are counted from byte offsets instead: messages must match an editor.
    let line_of = LineCounter::new(text.as_bytes());
    // The columns in the order of their lower-case names (unique, checked
    // above): each row's attributes are laid out sorted, as inserting them
    // one by one would leave them, without a search or a shift per field.
    // Every row shares its header's names.
    let mut columns: Vec<(usize, Name, Name)> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let (key, name) = names(h);
            (i, key, name)
        })
        .collect();
    columns.sort_by(|a, b| a.1.cmp(&b.1));
    let mut features = Vec::new();
    // One record reused from row to row (what `records()` does, without a
    // copy of each row); fields trimmed here rather than by the reader,
    // which copies each row to trim it: `str::trim` is the trimming the
    // reader applies to text records (after ASCII blanks, which it also
    // removes).
    let mut rec = csv::StringRecord::new();
    while rdr
        .read_record(&mut rec)
        .map_err(|e| csv_error(path, &e, &line_of))?
    {
        let line = rec.position().map_or(0, |p| line_of.line(p.byte()));
        if rec.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let mut f = RawFeature::new(Location::Line(line));
        f.props = Props::from_sorted(
            columns
                .iter()
                .filter_map(|(i, key, name)| {
                    let v = rec.get(*i)?.trim();
                    Some((key.clone(), (name.clone(), Value::String(v.to_string()))))
                })
                .collect(),
        );
        features.push(f);
    }
    Ok(RawLayer {
        path: path.to_path_buf(),
        features,
    })
}

/// Maps byte offsets to 1-based line numbers.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    newlines: Vec<u64>,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        let newlines = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i as u64)
            .collect();
        LineCounter { bytes, newlines }
    }
    /// The line of the first non-blank byte at or after `byte` (a record's
    /// position is where the previous one ended, before any blank lines).
    pub(crate) fn line(&self, byte: u64) -> u64 {
        let mut b = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while b < self.bytes.len() && matches!(self.bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        let byte = b as u64;
        self.newlines.partition_point(|&nl| nl < byte) as u64 + 1
    }

    /// Whether the record starting at `byte` opens a quote it never closes:
    /// an odd number of `"` from there to the end of the file.
    pub(crate) fn unclosed_quote_from(&self, byte: u64) -> bool {
        let b = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        self.bytes[b..].iter().filter(|&&c| c == b'"').count() % 2 == 1
    }
}

pub(crate) fn csv_error(path: &Path, e: &csv::Error, lines: &LineCounter<'_>) -> Error {
    csv_error_at(
        path,
        e,
        |byte| lines.line(byte),
        |byte| lines.unclosed_quote_from(byte),
    )
}

/// [`csv_error`] for any source: `line` maps a byte offset to its line as
/// [`LineCounter::line`] does, `unclosed_quote` says whether the record
/// starting at a byte offset opens a quote it never closes.
pub(crate) fn csv_error_at(
    path: &Path,
    e: &csv::Error,
    line: impl FnOnce(u64) -> u64,
    unclosed_quote: impl FnOnce(u64) -> bool,
) -> Error {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let start = pos.as_ref().map_or(0, |p| p.byte());
            let hint = if unclosed_quote(start) {
                "un guillemet (\") ouvert et jamais refermé ?"
            } else if len > expected_len {
                "un séparateur dans une valeur sans guillemets ?"
            } else {
                "une valeur manquante, ou une ligne coupée en deux ?"
            };
            Error::record(
                path,
                Location::Line(line(start)),
                format!("{len} champs alors que l'en-tête en a {expected_len} ({hint})"),
            )
        }
        _ => Error::file(path, format!("CSV illisible : {e}")),
    }
}

/// The most frequent of `;`, `,` and tab in the header line; `,` when none.
pub fn sniff_delimiter(header: &str) -> u8 {
    let count = |c: char| header.matches(c).count();
    let (semi, comma, tab) = (count(';'), count(','), count('\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> (Result<RawLayer, Error>, Warnings) {
        let mut w = Warnings::new();
        let r = parse_csv(Path::new("t.csv"), s, &mut w);
        (r, w)
    }

    #[test]
    fn semicolon_bom_quoted_newline_and_line_numbers() {
        let (l, w) =
            parse("\u{feff}code_insee;nom\n02001;\"Abbé\ncourt\"\n\n59350;Lille\n".as_bytes());
        let l = l.unwrap();
        assert!(w.is_empty());
        assert_eq!(l.features.len(), 2);
        assert_eq!(l.features[0].text(&["code_insee"]).unwrap().1, "02001");
        assert_eq!(l.features[0].text(&["nom"]).unwrap().1, "Abbé\ncourt");
        assert_eq!(l.features[1].location, Location::Line(5));
    }

    #[test]
    fn windows_1252_is_decoded_with_a_warning() {
        let (l, w) = parse(b"code_insee,nom\n02292,\xC9tampes-sur-Marne\n");
        assert_eq!(
            l.unwrap().features[0].text(&["nom"]).unwrap().1,
            "Étampes-sur-Marne"
        );
        assert_eq!(w.total(), 1);
    }

    /// Rows as the reader trimming fields itself (`Trim::All`) gives them:
    /// (line, [(header, field)]), blank rows left out.
    fn rows_trimmed_by_the_reader(text: &str) -> Vec<(u64, Vec<(String, String)>)> {
        let (mut rdr, headers) = reader(Path::new("t.csv"), text).unwrap();
        let line_of = LineCounter::new(text.as_bytes());
        rdr.records()
            .map(Result::unwrap)
            .filter(|r| !r.iter().all(str::is_empty))
            .map(|r| {
                let line = line_of.line(r.position().unwrap().byte());
                let fields = headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect();
                (line, fields)
            })
            .collect()
    }

    #[test]
    fn fields_are_trimmed_as_the_reader_trims_them() {
        let text = "Code , NOM\u{a0},Zone\n\
                    \u{a0}01001\u{2003}, \x0bAbergement\t,\u{202f} z \r\n\
                    \n\
                    \u{3000},\x0b, \n\
                    \"  02 \", \" b \"\"c\"\" \" ,\t\x0c\n\
                    x,\u{85}y\u{85},z";
        let expected = rows_trimmed_by_the_reader(text);
        assert_eq!(expected.len(), 3, "{expected:?}");
        let (layer, _) = parse(text.as_bytes());
        let layer = layer.unwrap();
        let got: Vec<(u64, Vec<(String, String)>)> = layer
            .features
            .iter()
            .map(|f| {
                let Location::Line(line) = f.location else {
                    panic!("{:?}", f.location)
                };
                let mut fields: Vec<(String, String)> = f
                    .props
                    .values()
                    .map(|(n, v)| (n.to_string(), v.as_str().unwrap().to_string()))
                    .collect();
                fields.sort();
                (line, fields)
            })
            .collect();
        let expected: Vec<_> = expected
            .into_iter()
            .map(|(line, mut fields)| {
                fields.sort();
                (line, fields)
            })
            .collect();
        assert_eq!(got, expected);
    }

    #[test]
    fn ragged_rows_and_empty_files_are_errors() {
        let e = parse(b"a,b\n1,2\n3,4,5\n").0.unwrap_err().to_string();
        assert_eq!(e, "t.csv : ligne 3 : 3 champs alors que l'en-tête en a 2 (un séparateur dans une valeur sans guillemets ?)");
        let e = parse(b"a,b,c\n1,2,3\n4,\"5,6\n7,8,9\n")
            .0
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.csv : ligne 3 : 2 champs alors que l'en-tête en a 3 (un guillemet (\") ouvert et jamais refermé ?)"
        );
        let e = parse(b"a,b,c\n1,2\n").0.unwrap_err().to_string();
        assert!(
            e.contains("ligne 2 : 2 champs") && e.contains("valeur manquante"),
            "{e}"
        );
        assert!(parse(b"").0.unwrap_err().to_string().contains("vide"));
        assert!(parse(b"a,a\n1,2\n")
            .0
            .unwrap_err()
            .to_string()
            .contains("deux fois"));
    }
}
