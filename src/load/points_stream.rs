//! Point files read in chunks, for files too large to hold in memory (ten
//! million geocoded addresses): the same rows, checks and messages as
//! [`crate::load::points::parse_points_within`], but the file is read block
//! by block and handed out a chunk of points at a time.
//!
//! What a whole-file read decides from the whole text is decided here
//! before the first chunk: the encoding (UTF-8, or Windows-1252 with a
//! warning, from a first pass over the bytes) and whether the file is blank.
//! Line numbers are counted from byte offsets as the whole-file read's
//! `LineCounter` does, over
//! the window of text the CSV reader has not finished with. Ids must be
//! unique over the whole file: a 64-bit hash of each id is kept (8 bytes a
//! row) and, at the end of the file, the sorted hashes show whether a hash
//! comes twice; then a second pass over the ids with such hashes names the
//! first repeated id and both its lines, exactly as the whole-file read
//! does (a hash shared by two different ids is no error).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::base::frame::Window;
use crate::base::LonLat;
use crate::error::Error;
use crate::load::csv_in::{csv_error_at, empty_file, reader_from, warn_windows_1252};
use crate::load::points::{repeated_id, Columns};
use crate::warnings::Warnings;

/// Rows per chunk when [`CHUNK_ENV`] does not say.
pub const DEFAULT_CHUNK_ROWS: usize = 131_072;

/// Environment variable setting the rows per chunk (a positive integer),
/// for tests that need files of several chunks without millions of rows.
/// Not documented to users: the outputs do not depend on it.
pub const CHUNK_ENV: &str = "MAILLAGE_POINTS_CHUNK";

/// Rows per chunk: [`CHUNK_ENV`] when it holds a positive integer, else
/// [`DEFAULT_CHUNK_ROWS`].
pub fn chunk_rows() -> usize {
    std::env::var(CHUNK_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(DEFAULT_CHUNK_ROWS)
}

/// Bytes read from the file at a time.
const BLOCK: usize = 1 << 18;

/// Some points of a file, in the file's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PointChunk {
    pub ids: Vec<String>,
    pub points: Vec<LonLat>,
}

impl PointChunk {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// Whether the file holds valid UTF-8 (after an optional byte-order mark).
fn is_utf8(path: &Path) -> Result<bool, Error> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; BLOCK];
    // Bytes of a character cut by the end of the previous block.
    let mut carry = 0;
    loop {
        let n = f.read(&mut buf[carry..]).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            return Ok(carry == 0);
        }
        let end = carry + n;
        match std::str::from_utf8(&buf[..end]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..end, 0);
                carry = end - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

/// The text of a file, decoded block by block: UTF-8 as it is (without its
/// byte-order mark), or Windows-1252 decoded as
/// `encoding_rs::WINDOWS_1252.decode` decodes a whole file.
struct Decoded {
    file: File,
    windows_1252: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    out: Vec<u8>,
    at: usize,
    eof: bool,
    /// Whether the UTF-8 byte-order mark is still to be looked for.
    bom: bool,
}

impl Decoded {
    fn new(file: File, utf8: bool) -> Self {
        Decoded {
            file,
            windows_1252: (!utf8).then(|| encoding_rs::WINDOWS_1252.new_decoder()),
            raw: vec![0; BLOCK],
            out: Vec::new(),
            at: 0,
            eof: false,
            bom: true,
        }
    }

    /// Reads the next block into `out`.
    fn fill(&mut self) -> std::io::Result<()> {
        // The byte-order mark is stripped before decoding, in both encodings.
        let mut n = 0;
        let want = if self.bom { 3 } else { 1 };
        while n < want {
            let k = self.file.read(&mut self.raw[n..])?;
            if k == 0 {
                break;
            }
            n += k;
        }
        let mut raw = &self.raw[..n];
        if self.bom {
            self.bom = false;
            raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
        }
        self.out.clear();
        self.at = 0;
        let last = n == 0;
        match &mut self.windows_1252 {
            None => self.out.extend_from_slice(raw),
            Some(d) => {
                let cap = d
                    .max_utf8_buffer_length(raw.len())
                    .unwrap_or(raw.len() * 3 + 16);
                self.out.resize(cap, 0);
                let (_, _, written, _) = d.decode_to_utf8(raw, &mut self.out, last);
                self.out.truncate(written);
            }
        }
        self.eof = last;
        Ok(())
    }
}

impl Read for Decoded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.out.len() {
            if self.eof {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.at);
        buf[..n].copy_from_slice(&self.out[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The text the CSV reader has read and may still name in a message: from
/// the start of the record being read to what the reader buffered ahead.
#[derive(Default)]
struct Seen {
    /// Offset in the text of `bytes[0]`.
    start: u64,
    bytes: Vec<u8>,
    /// Line breaks before `start`.
    newlines: u64,
    /// Offset of the earliest byte still needed (a record's start).
    keep: u64,
}

/// A source that keeps [`Seen`] up to date as the CSV reader pulls from it.
struct Tee<R> {
    src: R,
    seen: RefCell<Seen>,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.src.read(buf)?;
        let s = self.seen.get_mut();
        let done = usize::try_from(s.keep - s.start).unwrap_or(usize::MAX);
        if done >= 1 << 20 {
            let done = done.min(s.bytes.len());
            s.newlines += count(&s.bytes[..done], b'\n');
            s.bytes.drain(..done);
            s.start += done as u64;
        }
        s.bytes.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

fn count(bytes: &[u8], b: u8) -> u64 {
    bytes.iter().filter(|&&c| c == b).count() as u64
}

impl<R: Read> Tee<R> {
    /// Bytes before `byte` will not be asked about again.
    fn keep_from(&self, byte: u64) {
        let mut s = self.seen.borrow_mut();
        s.keep = s.keep.max(byte);
    }

    /// The line of the first non-blank byte at or after `byte`, as
    /// `LineCounter::line` gives it.
    fn line(&self, byte: u64) -> u64 {
        let s = self.seen.borrow();
        let at = usize::try_from(byte.saturating_sub(s.start))
            .unwrap_or(usize::MAX)
            .min(s.bytes.len());
        let mut b = at;
        while b < s.bytes.len() && matches!(s.bytes[b], b'\n' | b'\r') {
            b += 1;
        }
        s.newlines + count(&s.bytes[..b], b'\n') + 1
    }

    /// Whether the text from `byte` to the end holds an odd number of `"`
    /// (reads the rest of the source).
    fn unclosed_quote_from(&mut self, byte: u64) -> bool {
        let s = self.seen.get_mut();
        let at = usize::try_from(byte.saturating_sub(s.start))
            .unwrap_or(usize::MAX)
            .min(s.bytes.len());
        let mut quotes = count(&s.bytes[at..], b'"');
        let mut buf = vec![0u8; BLOCK];
        while let Ok(n) = self.src.read(&mut buf) {
            if n == 0 {
                break;
            }
            quotes += count(&buf[..n], b'"');
        }
        quotes % 2 == 1
    }
}

/// A pass-through hasher for keys that already are hashes.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type HashSet64 = HashSet<u64, BuildHasherDefault<Prehashed>>;

/// A 64-bit hash of an id, the same in every run.
fn id_hash(id: &str) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    h.write(id.as_bytes());
    h.finish()
}

type Source = Tee<std::io::Chain<Cursor<Vec<u8>>, Decoded>>;

/// An open points file, read a chunk at a time.
pub struct PointsStream {
    path: PathBuf,
    utf8: bool,
    window: Window,
    rdr: csv::Reader<Source>,
    cols: Columns,
    rec: csv::StringRecord,
    /// Hashes of the ids read so far, in the file's order.
    hashes: Vec<u64>,
    rows: usize,
    /// Rows the file holds, estimated from the first chunk.
    estimated: usize,
    finished: bool,
}

/// Opens `path` as a points file: the encoding (with its warning), a blank
/// file and the header are checked here, the rows by
/// [`PointsStream::next_chunk`].
fn open_source(path: &Path, utf8: bool) -> Result<(csv::Reader<Source>, csv::StringRecord), Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut text = Decoded::new(file, utf8);
    // The head of the text: up to its first line break and its first
    // non-blank character, or all of it.
    let mut head = Vec::new();
    let mut buf = vec![0u8; BLOCK];
    loop {
        let valid = match std::str::from_utf8(&head) {
            Ok(s) => s,
            Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or(""),
        };
        if valid.contains('\n') && !valid.trim().is_empty() {
            break;
        }
        let n = text.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head_text = String::from_utf8_lossy(&head).into_owned();
    if head_text.trim().is_empty() {
        return Err(empty_file(path));
    }
    let first_line = head_text.lines().next().unwrap_or("").to_string();
    let source = Tee {
        src: Cursor::new(head).chain(text),
        seen: RefCell::new(Seen::default()),
    };
    // Fields are trimmed by `Columns::row` (as `csv::Trim::All` trims them,
    // without a copy of each record).
    reader_from(path, &first_line, source, csv::Trim::Headers)
}

impl PointsStream {
    /// Opens a points file whose points must lie in `window`.
    pub fn open(path: &Path, warnings: &mut Warnings, window: Window) -> Result<Self, Error> {
        let utf8 = is_utf8(path)?;
        if !utf8 {
            warn_windows_1252(path, warnings);
        }
        let (rdr, headers) = open_source(path, utf8)?;
        let (cols, _) = Columns::find(path, &headers)?;
        Ok(PointsStream {
            path: path.to_path_buf(),
            utf8,
            window,
            rdr,
            cols,
            rec: csv::StringRecord::new(),
            hashes: Vec::new(),
            rows: 0,
            estimated: 0,
            finished: false,
        })
    }

    /// The rows the file holds, estimated from the first chunk's (at least
    /// the rows read so far).
    pub fn estimated_rows(&self) -> usize {
        self.estimated.max(self.rows)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The next points, at most `max` (at least one); `None` once every row
    /// was read. The error of a bad row is the whole-file read's; a repeated
    /// id is reported at the end of the file, after every row was checked,
    /// as the whole-file read does.
    pub fn next_chunk(&mut self, max: usize) -> Result<Option<PointChunk>, Error> {
        if self.finished {
            return Ok(None);
        }
        let max = max.max(1);
        let room = max.min(1 << 20);
        let mut chunk = PointChunk {
            ids: Vec::with_capacity(room),
            points: Vec::with_capacity(room),
        };
        while chunk.len() < max {
            let more = match self.rdr.read_record(&mut self.rec) {
                Ok(more) => more,
                Err(e) => return Err(self.csv_error(&e)),
            };
            if !more {
                break;
            }
            let src = self.rdr.get_ref();
            if let Some(p) = self.rec.position() {
                src.keep_from(p.byte());
            }
            let line = |r: &csv::StringRecord| r.position().map_or(0, |p| src.line(p.byte()));
            let Some((id, p)) = self.cols.row(&self.path, &self.rec, self.window, &line)? else {
                continue;
            };
            self.hashes.push(id_hash(id));
            chunk.points.push(p);
            chunk.ids.push(id.to_string());
        }
        if self.rows == 0 && !chunk.is_empty() {
            self.reserve_for_file(chunk.len());
        }
        self.rows += chunk.len();
        if chunk.is_empty() {
            self.finished = true;
            let mut hashes = std::mem::take(&mut self.hashes);
            hashes.par_sort_unstable();
            let repeated: HashSet64 = hashes
                .windows(2)
                .filter(|w| w[0] == w[1])
                .map(|w| w[0])
                .collect();
            drop(hashes);
            if !repeated.is_empty() {
                self.check_repeated_ids(&repeated)?;
            }
            return Ok(None);
        }
        Ok(Some(chunk))
    }

    /// Sizes the list of id hashes for the whole file, from the rows of the
    /// first chunk and the bytes they took (rather than growing it step by
    /// step, which holds two lists at once).
    fn reserve_for_file(&mut self, rows: usize) {
        let Some(read) = self.rec.position().map(|p| p.byte()).filter(|&b| b > 0) else {
            return;
        };
        let Ok(size) = std::fs::metadata(&self.path).map(|m| m.len()) else {
            return;
        };
        let estimate = (size as f64 / read as f64 * rows as f64 * 1.05).min(1e9) as usize;
        self.estimated = estimate;
        self.hashes
            .reserve(estimate.saturating_sub(self.hashes.len()));
    }

    fn csv_error(&mut self, e: &csv::Error) -> Error {
        let src = self.rdr.get_mut();
        let line = {
            let src = &*src;
            move |b| src.line(b)
        };
        let line_no = match e.kind() {
            csv::ErrorKind::UnequalLengths { pos, .. } => {
                line(pos.as_ref().map_or(0, |p| p.byte()))
            }
            _ => 0,
        };
        csv_error_at(&self.path, e, |_| line_no, |b| src.unclosed_quote_from(b))
    }

    /// Reads the file again for the ids whose hash was met twice, and
    /// reports the first id repeated, as the whole-file read does.
    fn check_repeated_ids(&self, repeated: &HashSet64) -> Result<(), Error> {
        let (mut rdr, _) = open_source(&self.path, self.utf8)?;
        let mut first: HashMap<String, u64> = HashMap::new();
        let mut rec = csv::StringRecord::new();
        loop {
            let more = match rdr.read_record(&mut rec) {
                Ok(more) => more,
                Err(e) => return Err(Error::file(&self.path, format!("CSV illisible : {e}"))),
            };
            if !more {
                return Ok(());
            }
            let src = rdr.get_ref();
            if let Some(p) = rec.position() {
                src.keep_from(p.byte());
            }
            let line = |r: &csv::StringRecord| r.position().map_or(0, |p| src.line(p.byte()));
            let Some((id, _)) = self.cols.row(&self.path, &rec, self.window, &line)? else {
                continue;
            };
            if !repeated.contains(&id_hash(id)) {
                continue;
            }
            let at = line(&rec);
            if let Some(before) = first.insert(id.to_string(), at) {
                return Err(repeated_id(&self.path, at, &self.cols.names[0], id, before));
            }
        }
    }
}
/// A points file being read a chunk at a time, with its first chunk read
/// while planning: a bad row there, or a file without rows, is reported
/// before the data are loaded, as a whole-file read does. A reader thread
/// then reads ahead, a few chunks at most, while the data load.
pub struct StreamedPoints {
    /// The first chunk, read while planning.
    pub first: PointChunk,
    /// The next chunks, as the reader thread reads them; `Ok(None)` at the
    /// end of the file.
    pub rest: std::sync::mpsc::Receiver<Result<Option<PointChunk>, Error>>,
    /// About how many rows the file holds.
    pub estimated_rows: usize,
}

/// Chunks the reader thread reads ahead of the computation.
const READ_AHEAD_CHUNKS: usize = 4;

impl StreamedPoints {
    /// Opens the points file, reads its first chunk and starts reading
    /// ahead; the error of the first chunk, or of a file without rows.
    pub fn open(
        path: &std::path::Path,
        warnings: &mut Warnings,
        window: Window,
    ) -> Result<Self, Error> {
        let mut stream = PointsStream::open(path, warnings, window)?;
        let rows = chunk_rows();
        let first = stream.next_chunk(rows)?.ok_or_else(|| no_points(path))?;
        let estimated_rows = stream.estimated_rows();
        let (tx, rest) = std::sync::mpsc::sync_channel(READ_AHEAD_CHUNKS);
        // Ends at the end of the file, at its first error, or when the run
        // no longer listens.
        std::thread::spawn(move || loop {
            let next = stream.next_chunk(rows);
            let last = !matches!(next, Ok(Some(_)));
            if tx.send(next).is_err() || last {
                break;
            }
        });
        Ok(StreamedPoints {
            first,
            rest,
            estimated_rows,
        })
    }
}

/// The error of a points file with a header and no row.
pub fn no_points(path: &std::path::Path) -> Error {
    Error::file(
        path,
        "aucun point : le fichier a un en-tête mais aucune ligne",
    )
}
