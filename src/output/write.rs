//! Writing tables and files: one place for number formatting and CSV
//! conventions, and atomic writes (temporary file in the same folder, renamed
//! when complete), so a failed run never leaves a half-written output.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The CSV convention of an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvStyle {
    /// French spreadsheet convention: UTF-8 with BOM, `;` separator, decimal
    /// comma, CRLF line ends. Opens as-is in Excel and LibreOffice set to French.
    #[default]
    French,
    /// RFC 4180 for programs: `,` separator, decimal point, CRLF, no BOM.
    Rfc4180,
}

/// One value of a table, formatted by [`Table::to_csv`] according to the style.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A number with a fixed number of decimals.
    Float(f64, usize),
    /// A number with every digit needed to read back the same `f64` (the
    /// shortest such text), for outputs that programs compare exactly.
    Exact(f64),
    Bool(bool),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}
impl From<u64> for Cell {
    fn from(n: u64) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<usize> for Cell {
    fn from(n: usize) -> Self {
        Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(o: Option<T>) -> Self {
        o.map_or(Cell::Empty, Into::into)
    }
}

/// Formats a float with `decimals` decimals in the given style; `-0` prints
/// as `0` so that signs never depend on rounding paths.
pub fn format_float(x: f64, decimals: usize, style: CsvStyle) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let mut s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s.remove(0);
    }
    match style {
        CsvStyle::French => s.replace('.', ","),
        CsvStyle::Rfc4180 => s,
    }
}

/// Formats a float with the fewest digits that read back as the same `f64`
/// (never in exponent notation), in the given style; empty when not finite.
pub fn format_exact(x: f64, style: CsvStyle) -> String {
    if !x.is_finite() {
        return String::new();
    }
    // `-0` prints as `0`, as in `format_float`.
    let s = if x == 0.0 {
        "0".to_string()
    } else {
        x.to_string()
    };
    match style {
        CsvStyle::French => s.replace('.', ","),
        CsvStyle::Rfc4180 => s,
    }
}

/// A table with named columns.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.headers.len(),
            "row width must match the header"
        );
        self.rows.push(row);
    }

    /// Lays the columns of `other` that this table lacks (by name) beside
    /// its own. Both tables must have one row per item in the same order
    /// (the per-commune tables: one row per commune in the territory's
    /// order); a row count that differs is a programming error.
    pub fn append_new_columns(&mut self, other: &Table) {
        assert_eq!(
            self.rows.len(),
            other.rows.len(),
            "tables laid side by side must have the same rows"
        );
        let extra: Vec<usize> = (0..other.headers.len())
            .filter(|&k| !self.headers.contains(&other.headers[k]))
            .collect();
        self.headers
            .extend(extra.iter().map(|&k| other.headers[k].clone()));
        for (row, o) in self.rows.iter_mut().zip(&other.rows) {
            row.extend(extra.iter().map(|&k| o[k].clone()));
        }
    }

    /// The table as CSV bytes.
    pub fn to_csv(&self, style: CsvStyle) -> Vec<u8> {
        let (sep, bom) = match style {
            CsvStyle::French => (b';', true),
            CsvStyle::Rfc4180 => (b',', false),
        };
        let mut out = Vec::new();
        if bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut w = csv::WriterBuilder::new()
            .delimiter(sep)
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        // Writing into a Vec cannot fail, so the results are ignored on purpose.
        let _ = w.write_record(&self.headers);
        for row in &self.rows {
            let fields: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Int(n) => n.to_string(),
                    Cell::Float(x, d) => format_float(*x, *d, style),
                    Cell::Exact(x) => format_exact(*x, style),
                    Cell::Bool(b) => match (style, b) {
                        (CsvStyle::French, true) => "oui".into(),
                        (CsvStyle::French, false) => "non".into(),
                        (CsvStyle::Rfc4180, b) => b.to_string(),
                    },
                    Cell::Empty => String::new(),
                })
                .collect();
            let _ = w.write_record(&fields);
        }
        w.into_inner().unwrap_or_default()
    }
}

/// Outputs computed in memory, written together at the end of a run.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<(String, Vec<u8>)>,
}

impl Outputs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file, named relative to the output folder.
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), bytes));
    }

    /// Adds every file of `other`, after those already here.
    pub fn append(&mut self, other: Outputs) {
        self.files.extend(other.files);
    }

    /// Adds a table as CSV in `style`.
    pub fn add_table(&mut self, name: impl Into<String>, table: &Table, style: CsvStyle) {
        self.add(name, table.to_csv(style));
    }

    /// Every file added so far, in order: name and bytes.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))
    }

    pub fn names(&self) -> Vec<&str> {
        self.files.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Writes every file into `dir` (created if needed). Each is first
    /// written whole to a temporary file beside its target; only when all of
    /// them are ready are they renamed into place. A failure while writing
    /// (disk full, a folder in the way) thus leaves the previous outputs as
    /// they were and no temporary file behind. Returns the paths written, in
    /// order.
    pub fn write_all(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        if dir.exists() && !dir.is_dir() {
            return Err(Error::file(
                dir,
                "est un fichier, pas un dossier : --out doit nommer un dossier (créé au besoin)",
            ));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let mut staged = Vec::with_capacity(self.files.len());
        for (name, bytes) in &self.files {
            let path = dir.join(name);
            if path.is_dir() {
                return Err(Error::file(
                    &path,
                    "est un dossier : un fichier de sortie ne peut pas le remplacer (supprimez-le ou choisissez un autre --out)",
                ));
            }
            staged.push((stage(&path, bytes)?, path));
        }
        let mut written = Vec::with_capacity(staged.len());
        for (tmp, path) in staged {
            tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// renamed into place once complete: readers see the old file or the new one,
/// never a partial one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    stage(path, bytes)?
        .persist(path)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// `bytes` written and synced to a temporary file in the folder of `path`
/// (created if needed), to be renamed to `path`; dropped, it is removed.
fn stage(path: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile, Error> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Some(parent) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".maillage-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // Temporary files are private (0600); an output is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_and_rfc4180_conventions() {
        let mut t = Table::new(&["code_insee", "nom", "distance_km", "site_dans_commune"]);
        t.push(vec![
            "02001".into(),
            "Abbécourt; Aisne".into(),
            Cell::Float(1.23456, 3),
            true.into(),
        ]);
        t.push(vec![
            "59350".into(),
            "Lille".into(),
            Cell::Float(-0.0001, 3),
            Cell::Empty,
        ]);
        let fr = String::from_utf8(t.to_csv(CsvStyle::French)).unwrap();
        assert_eq!(
            fr,
            "\u{feff}code_insee;nom;distance_km;site_dans_commune\r\n02001;\"Abbécourt; Aisne\";1,235;oui\r\n59350;Lille;0,000;\r\n"
        );
        let en = String::from_utf8(t.to_csv(CsvStyle::Rfc4180)).unwrap();
        assert_eq!(
            en,
            "code_insee,nom,distance_km,site_dans_commune\r\n02001,Abbécourt; Aisne,1.235,true\r\n59350,Lille,0.000,\r\n"
        );
    }

    #[test]
    fn exact_floats_read_back_bit_for_bit() {
        for x in [
            0.1 + 0.2,
            1.0 / 3.0,
            12_345.678_901_234_5,
            1e-7,
            2.5e9,
            -0.0,
        ] {
            let s = format_exact(x, CsvStyle::Rfc4180);
            assert!(!s.contains('e'), "{s}");
            let back: f64 = s.parse().unwrap();
            assert_eq!(back.to_bits(), (x + 0.0).to_bits(), "{x} -> {s}");
        }
        assert_eq!(format_exact(0.5, CsvStyle::French), "0,5");
        assert_eq!(format_exact(f64::NAN, CsvStyle::French), "");
    }

    #[test]
    fn a_failed_write_leaves_previous_outputs_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = Outputs::new();
        first.add("a.csv", b"old a".to_vec());
        first.add("b.csv", b"old b".to_vec());
        first.write_all(dir.path()).unwrap();
        // A folder where the second output goes: the run fails after the
        // first file was staged, and nothing is replaced.
        std::fs::remove_file(dir.path().join("b.csv")).unwrap();
        std::fs::create_dir(dir.path().join("b.csv")).unwrap();
        let mut second = Outputs::new();
        second.add("a.csv", b"new a".to_vec());
        second.add("b.csv", b"new b".to_vec());
        let e = second.write_all(dir.path()).unwrap_err().to_string();
        assert!(e.contains("b.csv : est un dossier"), "{e}");
        assert_eq!(std::fs::read(dir.path().join("a.csv")).unwrap(), b"old a");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        write_atomic(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"new");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
    }
}
