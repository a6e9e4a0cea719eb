//! Writing tables and files: one place for number formatting and CSV
//! conventions, and atomic writes (temporary file in the same folder, renamed
//! when complete), so a failed run never leaves a half-written output.
//!
//! Every text cell of a CSV table goes through [`push_text`]: one that
//! starts with a character a spreadsheet reads as the start of a formula
//! ([`FORMULA_STARTS`]) is written behind an apostrophe, so a commune named
//! `=HYPERLINK(…)` in an input file stays text when `communes.csv` is opened
//! in Excel or LibreOffice (OWASP's advice on "CSV injection"). Numbers
//! ([`Cell::Int`], [`Cell::Float`], [`Cell::Exact`]) are never text cells and
//! are written as they are, negative ones included. The rule applies to every
//! text cell, not only to those read from an input: the tool's own texts
//! (labels, codes, placeholders) never start with one of these characters
//! (its minus sign in prose is `−`, U+2212), so they are unchanged, and no
//! cell has to be traced back to where it came from. GeoJSON and GeoPackage
//! layers are not spreadsheets and keep the text as read.

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
    let mut s = String::new();
    push_float(&mut s, x, decimals, style);
    s
}

/// Appends [`format_float`]'s text to `out`, without allocating.
pub fn push_float(out: &mut String, x: f64, decimals: usize, style: CsvStyle) {
    use std::fmt::Write as _;
    if !x.is_finite() {
        return;
    }
    let point = match style {
        CsvStyle::French => ',',
        CsvStyle::Rfc4180 => '.',
    };
    if push_fixed(out, x, decimals, point) {
        return;
    }
    let start = out.len();
    // Writing into a String cannot fail.
    let _ = write!(out, "{x:.decimals$}");
    let s = &out[start..];
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        out.remove(start);
    }
    if style == CsvStyle::French {
        if let Some(dot) = out[start..].find('.') {
            out.replace_range(start + dot..start + dot + 1, ",");
        }
    }
}

/// Appends `x` with `decimals` decimals exactly as `format!("{x:.decimals$}")`
/// does (the exact binary value rounded half to even), in integer
/// arithmetic, with `point` as the decimal separator and no sign on a value
/// that rounds to zero; `false`, with nothing written, outside its range
/// (more than 9 decimals, |x| of 2^50 or more), left to `format!`.
fn push_fixed(out: &mut String, x: f64, decimals: usize, point: char) -> bool {
    if decimals > 9 || !x.is_finite() || x.abs() >= (1u64 << 50) as f64 {
        return false;
    }
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    // x = m * 2^e exactly.
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    let scale = 10u128.pow(decimals as u32);
    let q = u128::from(m) * scale;
    // The scaled value rounded half to even: q * 2^e.
    let n: u128 = if e >= 0 {
        q << e
    } else {
        let s = (-e) as u32;
        if s >= 127 {
            0 // q < 2^84: below one half
        } else {
            let int = q >> s;
            let rem = q & ((1u128 << s) - 1);
            let half = 1u128 << (s - 1);
            if rem > half || (rem == half && int & 1 == 1) {
                int + 1
            } else {
                int
            }
        }
    };
    if negative && n != 0 {
        out.push('-');
    }
    // Divided in 64 bits when it fits (coordinates and distances do).
    let (int, mut f) = match (u64::try_from(n), u64::try_from(scale)) {
        (Ok(n), Ok(scale)) => (u128::from(n / scale), u128::from(n % scale)),
        _ => (n / scale, n % scale),
    };
    // The integer part's digits, most significant first.
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    let mut rest = int;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
    if decimals > 0 {
        out.push(point);
        let mut digits = [b'0'; 9];
        for d in digits[..decimals].iter_mut().rev() {
            *d = b'0' + (f % 10) as u8;
            f /= 10;
        }
        out.push_str(std::str::from_utf8(&digits[..decimals]).unwrap_or_default());
    }
    true
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
        self.rows_after(style, csv_start(style, &self.headers))
    }

    /// The rows alone as CSV bytes (a table written in pieces, after its
    /// [`csv_start`]).
    pub fn rows_csv(&self, style: CsvStyle) -> Vec<u8> {
        self.rows_after(style, Vec::new())
    }

    /// `start` followed by the rows, formatted in parallel pieces of
    /// [`PIECE_ROWS`] rows joined in order (the same bytes as one writer).
    fn rows_after(&self, style: CsvStyle, start: Vec<u8>) -> Vec<u8> {
        use rayon::prelude::*;
        let pieces: Vec<Vec<u8>> = self
            .rows
            .par_chunks(PIECE_ROWS)
            .map(|rows| {
                let mut w = csv_writer(style, Vec::with_capacity(rows.len() * 64));
                let mut text = String::new();
                let mut ends: Vec<usize> = Vec::new();
                for row in rows {
                    text.clear();
                    ends.clear();
                    for c in row {
                        push_cell(&mut text, c, style);
                        ends.push(text.len());
                    }
                    let fields = ends.iter().scan(0, |from, &to| {
                        let f = &text[*from..to];
                        *from = to;
                        Some(f)
                    });
                    // Writing into a Vec cannot fail.
                    let _ = w.write_record(fields);
                }
                w.into_inner().unwrap_or_default()
            })
            .collect();
        let mut out = start;
        out.reserve(pieces.iter().map(Vec::len).sum());
        for p in pieces {
            out.extend_from_slice(&p);
        }
        out
    }
}

/// Rows formatted by one parallel task of [`Table::to_csv`].
const PIECE_ROWS: usize = 4096;

/// The first characters that make a spreadsheet read a cell as a formula
/// or a command (OWASP, "CSV Injection"): `=`, `+`, `-`, `@`, a tab and a
/// carriage return.
pub const FORMULA_STARTS: &[u8] = b"=+-@\t\r";

/// Whether the text `s`, written as is in a CSV cell, would start with one
/// of [`FORMULA_STARTS`] and needs [`push_text`]'s apostrophe.
pub fn needs_apostrophe(s: &[u8]) -> bool {
    s.first().is_some_and(|b| FORMULA_STARTS.contains(b))
}

/// Appends the text `s` of a CSV cell to `out`, behind an apostrophe when
/// it starts with one of [`FORMULA_STARTS`]: a spreadsheet then shows it
/// as text (the apostrophe is not displayed in a cell) instead of
/// evaluating it.
pub fn push_text(out: &mut String, s: &str) {
    if needs_apostrophe(s.as_bytes()) {
        out.push('\'');
    }
    out.push_str(s);
}

/// Appends a cell's text in `style` to `out`.
fn push_cell(out: &mut String, c: &Cell, style: CsvStyle) {
    use std::fmt::Write as _;
    match c {
        Cell::Text(s) => push_text(out, s),
        // Writing into a String cannot fail.
        Cell::Int(n) => {
            let _ = write!(out, "{n}");
        }
        Cell::Float(x, d) => push_float(out, *x, *d, style),
        Cell::Exact(x) => out.push_str(&format_exact(*x, style)),
        Cell::Bool(b) => out.push_str(bool_text(*b, style)),
        Cell::Empty => {}
    }
}

/// The start of a CSV file in `style`: the byte-order mark if any, and the
/// header line.
pub fn csv_start<I, T>(style: CsvStyle, headers: I) -> Vec<u8>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut out = Vec::new();
    if style == CsvStyle::French {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let mut w = csv_writer(style, out);
    // Writing into a Vec cannot fail.
    let _ = w.write_record(headers);
    w.into_inner().unwrap_or_default()
}

/// A CSV writer appending rows in `style` (separator, quoting, line ends)
/// to `out`.
pub fn csv_writer(style: CsvStyle, out: Vec<u8>) -> csv::Writer<Vec<u8>> {
    let sep = match style {
        CsvStyle::French => b';',
        CsvStyle::Rfc4180 => b',',
    };
    csv::WriterBuilder::new()
        .delimiter(sep)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// The text of a yes/no value in `style`.
pub fn bool_text(b: bool, style: CsvStyle) -> &'static str {
    match (style, b) {
        (CsvStyle::French, true) => "oui",
        (CsvStyle::French, false) => "non",
        (CsvStyle::Rfc4180, true) => "true",
        (CsvStyle::Rfc4180, false) => "false",
    }
}

/// One output: its bytes, or a file already written beside its target.
#[derive(Debug)]
enum Content {
    Bytes(Vec<u8>),
    /// Taken out when renamed into place; with its size and SHA-256.
    Staged(
        std::sync::Mutex<Option<tempfile::NamedTempFile>>,
        u64,
        String,
    ),
}

/// Outputs computed in memory, written together at the end of a run, and
/// outputs streamed to a temporary file as they were computed
/// ([`StreamedFile`]), renamed into place with the others.
#[derive(Debug, Default)]
pub struct Outputs {
    files: Vec<(String, Content)>,
}

impl Outputs {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file, named relative to the output folder.
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        self.files.push((name.into(), Content::Bytes(bytes)));
    }

    /// Adds a file written by [`StreamedFile`] (in the folder the outputs
    /// are written to), renamed into place by [`Outputs::write_all`].
    pub fn add_staged(&mut self, name: impl Into<String>, mut file: StagedFile) {
        // The folders made for it are the output folder: they stay.
        file.created.clear();
        self.files.push((
            name.into(),
            Content::Staged(
                std::sync::Mutex::new(file.tmp.take()),
                file.bytes,
                std::mem::take(&mut file.sha256),
            ),
        ));
    }

    /// Adds every file of `other`, after those already here.
    pub fn append(&mut self, other: Outputs) {
        self.files.extend(other.files);
    }

    /// Adds a table as CSV in `style`.
    pub fn add_table(&mut self, name: impl Into<String>, table: &Table, style: CsvStyle) {
        self.add(name, table.to_csv(style));
    }

    /// Every file held in memory, in order: name and bytes (files added by
    /// [`Outputs::add_staged`] are not in memory and are left out).
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.files.iter().filter_map(|(n, c)| match c {
            Content::Bytes(b) => Some((n.as_str(), b.as_slice())),
            Content::Staged(..) => None,
        })
    }

    /// Every file, in order: name, size and SHA-256 (hex), whether it is
    /// held in memory or was streamed to disk (hashed as it was written).
    pub fn listing(&self) -> Vec<(&str, u64, String)> {
        use rayon::prelude::*;
        self.files
            .par_iter()
            .map(|(n, c)| match c {
                Content::Bytes(b) => (n.as_str(), b.len() as u64, super::manifest::sha256_hex(b)),
                Content::Staged(_, len, sha) => (n.as_str(), *len, sha.clone()),
            })
            .collect()
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
        use rayon::prelude::*;
        output_dir(dir)?;
        // Staged in parallel; the first failure in the files' order is the
        // one reported, and every temporary file is removed with it.
        let staged: Vec<Result<(tempfile::NamedTempFile, PathBuf), Error>> = self
            .files
            .par_iter()
            .map(|(name, content)| {
                let path = dir.join(name);
                if path.is_dir() {
                    return Err(Error::file(
                        &path,
                        "est un dossier : un fichier de sortie ne peut pas le remplacer (supprimez-le ou choisissez un autre --out)",
                    ));
                }
                let tmp = match content {
                    Content::Bytes(bytes) => stage(&path, bytes)?,
                    Content::Staged(file, ..) => file
                        .lock()
                        .ok()
                        .and_then(|mut f| f.take())
                        .ok_or_else(|| {
                            Error::file(
                                &path,
                                "fichier déjà écrit : une sortie ne s'écrit qu'une fois",
                            )
                        })?,
                };
                Ok((tmp, path))
            })
            .collect();
        let staged: Vec<(tempfile::NamedTempFile, PathBuf)> =
            staged.into_iter().collect::<Result<_, _>>()?;
        let mut written = Vec::with_capacity(staged.len());
        for (tmp, path) in staged {
            tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Checks that `dir` can hold the outputs and creates it if needed.
fn output_dir(dir: &Path) -> Result<(), Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::file(
            dir,
            "est un fichier, pas un dossier : --out doit nommer un dossier (créé au besoin)",
        ));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))
}

/// An output written a piece at a time to a temporary file in the output
/// folder, for tables too large to hold in memory; [`StreamedFile::finish`]
/// hands it to [`Outputs::add_staged`], which renames it into place with the
/// other outputs. Dropped unfinished (a failed run), the temporary file is
/// removed, and so are the folders its creation made: no partial output
/// is left.
pub struct StreamedFile {
    path: PathBuf,
    tmp: Option<tempfile::NamedTempFile>,
    /// Bytes written so far, and their running SHA-256 (while written in
    /// order).
    bytes: u64,
    hasher: sha2::Sha256,
    /// Whether bytes were written at given offsets ([`StreamedFile::write_at`]):
    /// the hash is then taken from the finished file.
    out_of_order: bool,
    /// Folders created for it, deepest first.
    created: Vec<PathBuf>,
}

/// A finished [`StreamedFile`], ready to be renamed into place by
/// [`Outputs::write_all`]; dropped before (a run failing elsewhere), it is
/// removed with the folders made for it, as an unfinished one.
#[derive(Debug)]
pub struct StagedFile {
    tmp: Option<tempfile::NamedTempFile>,
    bytes: u64,
    sha256: String,
    created: Vec<PathBuf>,
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        drop(self.tmp.take());
        for d in &self.created {
            let _ = std::fs::remove_dir(d);
        }
    }
}

impl StreamedFile {
    /// Starts the output `name` in the folder `dir` (created if needed).
    pub fn create(dir: &Path, name: &str) -> Result<Self, Error> {
        let created: Vec<PathBuf> = dir
            .ancestors()
            .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
            .map(Path::to_path_buf)
            .collect();
        let mut file = StreamedFile {
            path: dir.join(name),
            tmp: None,
            bytes: 0,
            hasher: sha2::Digest::new(),
            out_of_order: false,
            created,
        };
        output_dir(dir)?;
        file.tmp = Some(
            tempfile::Builder::new()
                .prefix(".maillage-")
                .suffix(".tmp")
                .tempfile_in(dir)
                .map_err(|e| Error::io(dir, e))?,
        );
        Ok(file)
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if self.out_of_order {
            return self.write_at(self.bytes, bytes);
        }
        sha2::Digest::update(&mut self.hasher, bytes);
        self.bytes += bytes.len() as u64;
        match &mut self.tmp {
            Some(tmp) => tmp.write_all(bytes).map_err(|e| Error::io(&self.path, e)),
            None => Ok(()),
        }
    }

    /// Writes bytes at `offset`, for a file laid out in advance and filled
    /// in any order (a gap left unwritten reads as zeros).
    pub fn write_at(&mut self, offset: u64, bytes: &[u8]) -> Result<(), Error> {
        use std::io::{Seek, SeekFrom};
        self.out_of_order = true;
        self.bytes = self.bytes.max(offset + bytes.len() as u64);
        match &mut self.tmp {
            Some(tmp) => tmp
                .seek(SeekFrom::Start(offset))
                .and_then(|_| tmp.write_all(bytes))
                .map_err(|e| Error::io(&self.path, e)),
            None => Ok(()),
        }
    }

    /// The complete file, synced, with an ordinary file's permissions.
    pub fn finish(mut self) -> Result<StagedFile, Error> {
        let tmp = self
            .tmp
            .take()
            .ok_or_else(|| Error::file(&self.path, "fichier de sortie inachevé"))?;
        finish_temp(&self.path, &tmp)?;
        let mut hasher = std::mem::take(&mut self.hasher);
        if self.out_of_order {
            // The hash of the bytes written in order before is dropped.
            hasher = sha2::Digest::new();
            use std::io::{Seek, SeekFrom};
            let mut file = tmp.as_file();
            file.seek(SeekFrom::Start(0))
                .and_then(|_| std::io::copy(&mut file, &mut hasher))
                .map_err(|e| Error::io(&self.path, e))?;
        }
        Ok(StagedFile {
            tmp: Some(tmp),
            bytes: self.bytes,
            sha256: format!("{:x}", sha2::Digest::finalize(hasher)),
            created: std::mem::take(&mut self.created),
        })
    }
}

impl Drop for StreamedFile {
    fn drop(&mut self) {
        // The temporary file first, then the folders made for it, if empty.
        drop(self.tmp.take());
        for d in &self.created {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Syncs a complete temporary file and gives it an ordinary file's
/// permissions (temporary files are private, 0600).
fn finish_temp(path: &Path, tmp: &tempfile::NamedTempFile) -> Result<(), Error> {
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    Ok(())
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
    finish_temp(path, &tmp)?;
    Ok(tmp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A streamed file written in order, then at offsets (a layout filled
    /// out of order), is listed with its final bytes' size and hash.
    #[test]
    fn streamed_file_written_at_offsets_lists_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = StreamedFile::create(dir.path(), "f.bin").unwrap();
        f.write(b"head:").unwrap();
        f.write_at(9, b"tail").unwrap();
        f.write_at(5, b"mid-").unwrap();
        f.write(b"!").unwrap();
        let mut outputs = Outputs::new();
        outputs.add_staged("f.bin", f.finish().unwrap());
        let expected = b"head:mid-tail!";
        assert_eq!(
            outputs.listing(),
            vec![(
                "f.bin",
                expected.len() as u64,
                super::super::manifest::sha256_hex(expected)
            )]
        );
        outputs.write_all(dir.path()).unwrap();
        assert_eq!(std::fs::read(dir.path().join("f.bin")).unwrap(), expected);
    }

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

    /// A text cell that starts like a formula gets an apostrophe, in both
    /// styles and inside the quotes when it needs them; other text, and
    /// numbers (negative ones included), are written as they are.
    #[test]
    fn formula_like_text_gets_an_apostrophe_and_numbers_do_not() {
        let mut t = Table::new(&["nom", "x", "n", "e"]);
        for name in [
            "=HYPERLINK(\"http://x\",\"Amiens\")",
            "+33 3 22 00 00 00",
            "-1+1",
            "@SUM(1)",
            "\tTab",
            "\rCR",
            "'=déjà",
            "Saint-Omer",
            "−2 (moins typographique)",
        ] {
            t.push(vec![
                name.into(),
                Cell::Float(-1.5, 1),
                Cell::Int(-3),
                Cell::Exact(-0.25),
            ]);
        }
        let fr = String::from_utf8(t.to_csv(CsvStyle::French)).unwrap();
        assert_eq!(
            fr,
            "\u{feff}nom;x;n;e\r\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"Amiens\"\")\";-1,5;-3;-0,25\r\n\
             '+33 3 22 00 00 00;-1,5;-3;-0,25\r\n\
             '-1+1;-1,5;-3;-0,25\r\n\
             '@SUM(1);-1,5;-3;-0,25\r\n\
             '\tTab;-1,5;-3;-0,25\r\n\
             \"'\rCR\";-1,5;-3;-0,25\r\n\
             '=déjà;-1,5;-3;-0,25\r\n\
             Saint-Omer;-1,5;-3;-0,25\r\n\
             −2 (moins typographique);-1,5;-3;-0,25\r\n"
        );
        let en = String::from_utf8(t.to_csv(CsvStyle::Rfc4180)).unwrap();
        assert!(
            en.contains("\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"Amiens\"\")\",-1.5,-3,-0.25\r\n"),
            "{en}"
        );
        assert!(en.contains("\r\n'-1+1,-1.5,-3,-0.25\r\n"), "{en}");
    }

    #[test]
    fn fixed_decimals_are_those_of_format() {
        // Ties of the exact binary value (j/128 with j odd), their
        // neighbours, signs, zeros, subnormals and large values; then a
        // sweep of pseudo-random values at every scale.
        let mut xs = vec![
            0.0,
            -0.0,
            0.0078125,
            2.5078125,
            -0.0078125,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.000_000_4,
            -0.000_000_4,
            1e-300,
            5e-324,
            123_456_789.987_654_33,
            (1u64 << 49) as f64 + 0.5,
            4.111138,
            48.9562,
            0.0005,
            0.0015,
            1.0005,
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            let scale = 10f64.powi((state % 17) as i32 - 8);
            let x = (unit - 0.3) * scale;
            xs.push(x);
            xs.push((x * 1e6).round() / 1e6);
            xs.push(f64::from_bits(state >> 2));
        }
        // The reference: `format!`, without the sign of a value shown as
        // zero, with the style's decimal separator.
        let reference = |x: f64, d: usize, style: CsvStyle| {
            let mut s = format!("{x:.d$}");
            if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
                s.remove(0);
            }
            if style == CsvStyle::French {
                s = s.replace('.', ",");
            }
            s
        };
        let mut fixed = 0;
        for x in xs {
            for d in [0, 1, 3, 6, 9] {
                for style in [CsvStyle::French, CsvStyle::Rfc4180] {
                    let mut mine = String::new();
                    fixed += usize::from(push_fixed(&mut mine, x, d, ','));
                    assert_eq!(
                        format_float(x, d, style),
                        reference(x, d, style),
                        "{x:e} with {d} decimals"
                    );
                }
            }
        }
        assert!(fixed > 1_000_000, "{fixed} values in integer arithmetic");
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
