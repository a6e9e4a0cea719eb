//! GTFS feeds read into the [`Timetable`] of one service day.
//!
//! [`read_gtfs`] takes one or more feeds, each a `.zip` archive or a folder
//! of `.txt` files, and a date D. The rules, exactly as implemented:
//!
//! **Files.** `stops.txt`, `trips.txt` and `stop_times.txt` are required, and
//! at least one of `calendar.txt` and `calendar_dates.txt`; `frequencies.txt`,
//! `transfers.txt` and `routes.txt` are read when present; any other file is
//! ignored. In a zip archive a file is looked for at the root, then in any
//! folder (the shallowest wins). Files are read with the `csv` crate: a UTF-8
//! byte-order mark is dropped, fields may be quoted, columns come in any
//! order, extra columns are ignored, short rows read as empty fields, fields
//! and column names are trimmed. A file that is not UTF-8 is read as
//! Windows-1252, with a warning.
//!
//! **Ids.** Every stop, trip and route id is prefixed by the feed's file stem
//! (the folder's name for a folder) and a colon, `poa_eptc:1511`, so that two
//! feeds never collide; two feeds with the same stem are refused. Feeds are
//! merged in the order given: stops in `stops.txt` order, trips in
//! `trips.txt` order.
//!
//! **Service days.** A service is active on a day if a `calendar.txt` row of
//! it has that weekday's flag at 1 and `start_date ≤ day ≤ end_date`, or
//! `calendar_dates.txt` adds the day (`exception_type` 1), unless
//! `calendar_dates.txt` removes it (`exception_type` 2, which wins). A trip
//! runs on D if its service is active on D. A trip whose service is active on
//! D−1 and that has a time at or after 24:00:00 is also kept, with every time
//! shifted by −86,400 s (so it counts after D's midnight, its times before
//! midnight negative); its id gets the suffix `~J-1` (a trip can run both
//! days). For each trip, the run of the day before comes first. The feed's
//! period goes from the first to the last day of its `calendar.txt` rows and
//! `calendar_dates.txt` additions; a date D that no `calendar.txt` row covers
//! and that no `calendar_dates.txt` row adds is an error naming that period
//! (`du 2019-04-15 au 2019-07-15`).
//!
//! **Times.** `H:MM:SS` or `HH:MM:SS` (more hour digits allowed, hours may
//! exceed 24), in seconds from the service day's midnight. Stop times are
//! sorted by `stop_sequence` (a non-negative integer, unique within a trip).
//! If only one of arrival and departure is given at a stop, the other equals
//! it. The first and last stops of a trip must have a time. Between two timed
//! stops, the missing times are interpolated linearly on the cumulated
//! straight-line (geodesic, [`crate::geom::distance`]) distance between
//! consecutive stops, from the departure of the timed stop before to the
//! arrival of the timed stop after, rounded to the nearest second, ties away
//! from zero; where the timed stops are all at one point, on the number of
//! stops instead. A kept trip whose times go backwards (an arrival before the
//! previous departure, or a departure before its arrival) is skipped with a
//! warning.
//!
//! **Frequencies.** Each `frequencies.txt` row expands its template trip into
//! runs starting at `start_time`, then every `headway_secs`, while the start
//! is before `end_time`; each run keeps the template's times as offsets from
//! the template's first departure. The runs of all the rows of one trip are
//! numbered in time order, `trip_id#0`, `trip_id#1`…; the template itself is
//! not a run. `exact_times` 0 (headway-based) and 1 (schedule-based) are
//! treated the same: the router sees the runs as if they were scheduled. The
//! day-before rule applies to each run.
//!
//! **Transfers.** `transfers.txt` rows of `transfer_type` 2 become a
//! [`MinTransfer`] of `min_transfer_time` seconds; type 3 a forbidden
//! transfer (`seconds: None`); types 0 (recommended), 1 (timed) and 4–5
//! (in-seat) are ignored, the router's own transfer rules applying. Rows
//! restricted to trips or routes (`from_trip_id`, `to_route_id`…) are
//! skipped with a warning; rows between stops that no trip serves on D are
//! dropped silently.
//!
//! **Stops.** The [`Timetable`] holds the stops served by a kept trip. A stop
//! without coordinates, or with coordinates that do not parse or lie out of
//! range, is an error when a kept trip uses it. Stations, entrances and other
//! nodes (`location_type` 1 to 4) are not served and not warned about.
//!
//! **Errors** (the reading stops; French messages naming the feed and the
//! file inside it as `feed/file`, the line — the header is line 1 — and the
//! field): a required file or column missing; a calendar, frequency or
//! transfer field that does not parse; a stop without usable coordinates that
//! a kept trip uses; a trip without stop times; a first or last stop without
//! time; a time or `stop_sequence` that does not parse, or repeated; a stop
//! time citing an unknown stop; D outside the feed's service periods.
//!
//! **Warnings** (counted, the thing skipped): a stop time of a trip absent
//! from `trips.txt`; a trip whose service no calendar defines; a repeated
//! trip id; a trip whose route is absent from `routes.txt` (kept); a calendar
//! row with no active weekday and no `calendar_dates.txt` addition ("un
//! calendrier qui ne correspond à aucun jour"); a stop no trip serves; a kept
//! trip whose times go backwards; a frequency of an unknown trip; a transfer
//! citing an unknown stop, or restricted to trips or routes.
//!
//! The output is deterministic: the same feeds and date give the same
//! [`Timetable`].

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::base::LonLat;
use crate::error::Error;
use crate::model::transit::{Date, FeedSummary, MinTransfer, Timetable, TransitStop, TransitTrip};
use crate::warnings::Warnings;

/// Seconds in a day: the shift of the day before's trips.
const DAY: i32 = 86_400;

/// Suffix of the id of a trip of the day before still running after
/// midnight.
pub const DAY_BEFORE_SUFFIX: &str = "~J-1";

/// Reads the feeds (each a .zip or a folder of .txt files) and keeps the trips running on `date`
/// (and those of the day before still running after midnight).
pub fn read_gtfs(
    paths: &[PathBuf],
    date: Date,
    warnings: &mut Warnings,
) -> Result<Timetable, Error> {
    let mut timetable = Timetable {
        date,
        stops: Vec::new(),
        trips: Vec::new(),
        transfers: Vec::new(),
        feeds: Vec::new(),
    };
    let mut prefixes = BTreeSet::new();
    for path in paths {
        let mut feed = Feed::open(path)?;
        if !prefixes.insert(feed.prefix.clone()) {
            return Err(Error::Invalid(format!(
                "{} : deux flux GTFS portent le même nom « {} » : leurs identifiants se \
                 confondraient ; renommer l'un des fichiers",
                path.display(),
                feed.prefix
            )));
        }
        read_feed(&mut feed, date, &mut timetable, warnings)?;
    }
    Ok(timetable)
}

/// Where a feed's files are.
enum Source {
    Dir(PathBuf),
    Zip(zip::ZipArchive<std::fs::File>),
}

/// One feed being read.
struct Feed {
    path: PathBuf,
    prefix: String,
    source: Source,
}

impl Feed {
    fn open(path: &Path) -> Result<Feed, Error> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let (prefix, source) = if meta.is_dir() {
            let name = path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "gtfs".to_string());
            (name, Source::Dir(path.to_path_buf()))
        } else {
            let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
            let archive = zip::ZipArchive::new(file).map_err(|e| {
                Error::file(
                    path,
                    format!("ni un dossier ni une archive zip lisible (flux GTFS attendu) : {e}"),
                )
            })?;
            let stem = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "gtfs".to_string());
            (stem, Source::Zip(archive))
        };
        Ok(Feed {
            path: path.to_path_buf(),
            prefix,
            source,
        })
    }

    /// The path naming `name` inside the feed in messages.
    fn inner(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The bytes of `name`, if the feed has it.
    fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, Error> {
        let inner = self.inner(name);
        match &mut self.source {
            Source::Dir(dir) => {
                let p = dir.join(name);
                match std::fs::read(&p) {
                    Ok(b) => Ok(Some(b)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(Error::io(&p, e)),
                }
            }
            Source::Zip(archive) => {
                // The shallowest entry whose last component is `name`.
                let found = archive
                    .file_names()
                    .filter(|n| n.rsplit('/').next() == Some(name))
                    .min_by_key(|n| (n.matches('/').count(), n.to_string()))
                    .map(str::to_string);
                let Some(entry) = found else {
                    return Ok(None);
                };
                let mut file = archive.by_name(&entry).map_err(|e| {
                    Error::file(&inner, format!("illisible dans l'archive zip : {e}"))
                })?;
                let mut bytes = Vec::new();
                file.read_to_end(&mut bytes)
                    .map_err(|e| Error::io(&inner, e))?;
                Ok(Some(bytes))
            }
        }
    }

    /// `name` as a table, if the feed has it.
    fn table(&mut self, name: &str, warnings: &mut Warnings) -> Result<Option<Table>, Error> {
        match self.bytes(name)? {
            None => Ok(None),
            Some(bytes) => Table::parse(self.inner(name), &bytes, warnings).map(Some),
        }
    }

    /// `name` as a table; an error if the feed lacks it.
    fn required(&mut self, name: &str, warnings: &mut Warnings) -> Result<Table, Error> {
        self.table(name, warnings)?.ok_or_else(|| {
            Error::file(
                &self.inner(name),
                format!("fichier {name} absent du flux GTFS : il est obligatoire"),
            )
        })
    }
}

/// One GTFS file: its column names and its rows, each with the line it
/// starts on.
struct Table {
    path: PathBuf,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    fn parse(path: PathBuf, bytes: &[u8], warnings: &mut Warnings) -> Result<Table, Error> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => {
                warnings.add(
                    &path,
                    "pas en UTF-8 : lu en Windows-1252",
                    "tout le fichier",
                );
                encoding_rs::WINDOWS_1252.decode(bytes).0
            }
        };
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = rdr
            .headers()
            .map_err(|e| Error::file(&path, format!("ligne 1 : ligne d'en-tête illisible : {e}")))?
            .clone();
        let mut columns = HashMap::new();
        for (i, h) in header.iter().enumerate() {
            columns.entry(h.to_string()).or_insert(i);
        }
        // The csv crate's own line numbers drift on CRLF files and blank
        // lines: lines are counted here from the records' byte offsets.
        let mut lines = LineCounter::new(text.as_bytes());
        let mut rows = Vec::new();
        for record in rdr.records() {
            let record = record.map_err(|e| {
                let line = e
                    .position()
                    .map_or(0, |p| LineCounter::new(text.as_bytes()).line_of(p.byte()));
                Error::file(&path, format!("ligne {line} : ligne CSV illisible : {e}"))
            })?;
            let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
            if record.iter().all(str::is_empty) {
                continue;
            }
            rows.push((line, record));
        }
        Ok(Table {
            path,
            columns,
            rows,
        })
    }

    /// The index of a required column.
    fn column(&self, name: &str) -> Result<usize, Error> {
        self.columns.get(name).copied().ok_or_else(|| {
            Error::file(
                &self.path,
                format!("ligne 1, champ « {name} » : colonne obligatoire absente de l'en-tête"),
            )
        })
    }

    fn optional(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    /// An error about one field of one line.
    fn error(&self, line: u64, field: &str, problem: impl std::fmt::Display) -> Error {
        Error::file(
            &self.path,
            format!("ligne {line}, champ « {field} » : {problem}"),
        )
    }
}

/// Line numbers (from 1) of byte offsets, asked in increasing order.
struct LineCounter<'t> {
    text: &'t [u8],
    /// An offset, and the number of line breaks before it.
    at: usize,
    breaks: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t [u8]) -> Self {
        LineCounter {
            text,
            at: 0,
            breaks: 0,
        }
    }

    /// The line of the record the csv crate places at `byte`: that offset
    /// may point at the line break ending the previous record (or at blank
    /// lines), which are skipped.
    fn line_of(&mut self, byte: u64) -> u64 {
        let mut end = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if end < self.at {
            // Not in increasing order: count again from the start.
            self.at = 0;
            self.breaks = 0;
        }
        while end < self.text.len() && matches!(self.text[end], b'\r' | b'\n') {
            end += 1;
        }
        self.breaks += self.text[self.at..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.at = end;
        self.breaks + 1
    }
}

/// Field `i` of a row, empty when the row is short.
fn get(record: &csv::StringRecord, i: usize) -> &str {
    record.get(i).unwrap_or("")
}

fn opt_get(record: &csv::StringRecord, i: Option<usize>) -> &str {
    i.map_or("", |i| get(record, i))
}

/// Parses `H:MM:SS` (one or more hour digits) into seconds.
pub fn parse_time(s: &str) -> Option<i32> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || h.is_empty()
        || h.len() > 4
        || m.len() != 2
        || sec.len() != 2
        || ![h, m, sec]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (h, m, sec): (i32, i32, i32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    (m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

/// One `calendar.txt` row.
struct CalendarRow {
    days: [bool; 7],
    start: Date,
    end: Date,
}

/// What `calendar.txt` and `calendar_dates.txt` say of one service.
#[derive(Default)]
struct Service {
    rows: Vec<CalendarRow>,
    added: BTreeSet<Date>,
    removed: BTreeSet<Date>,
}

impl Service {
    fn active(&self, d: Date) -> bool {
        if self.removed.contains(&d) {
            return false;
        }
        self.added.contains(&d)
            || self
                .rows
                .iter()
                .any(|r| r.days[d.weekday()] && r.start <= d && d <= r.end)
    }
}

/// A stop of `stops.txt`: its coordinates, or why it has none.
struct RawStop {
    id: String,
    name: String,
    line: u64,
    position: Result<LonLat, (&'static str, String)>,
    /// `location_type` 0 or empty: a place where trips stop.
    boarding: bool,
}

/// One `stop_times.txt` row.
struct RawStopTime {
    seq: u32,
    stop: usize,
    arrival: Option<i32>,
    departure: Option<i32>,
    line: u64,
}

/// One `trips.txt` row kept.
struct RawTrip {
    id: String,
    route: String,
    service: String,
    line: u64,
}

fn read_calendars(
    feed: &mut Feed,
    warnings: &mut Warnings,
) -> Result<HashMap<String, Service>, Error> {
    let calendar = feed.table("calendar.txt", warnings)?;
    let dates = feed.table("calendar_dates.txt", warnings)?;
    if calendar.is_none() && dates.is_none() {
        return Err(Error::file(
            &feed.inner("calendar.txt"),
            "ni calendar.txt ni calendar_dates.txt dans le flux GTFS : l'un des deux est \
             obligatoire",
        ));
    }
    let mut services: HashMap<String, Service> = HashMap::new();
    if let Some(t) = &dates {
        let (sid, date, ty) = (
            t.column("service_id")?,
            t.column("date")?,
            t.column("exception_type")?,
        );
        for (line, r) in &t.rows {
            let d = Date::parse(get(r, date)).ok_or_else(|| {
                t.error(
                    *line,
                    "date",
                    format!("date illisible « {} » (attendu AAAAMMJJ)", get(r, date)),
                )
            })?;
            let s = services.entry(get(r, sid).to_string()).or_default();
            match get(r, ty) {
                "1" => s.added.insert(d),
                "2" => s.removed.insert(d),
                other => {
                    return Err(t.error(
                        *line,
                        "exception_type",
                        format!("valeur « {other} » : attendu 1 (ajout) ou 2 (retrait)"),
                    ))
                }
            };
        }
    }
    if let Some(t) = &calendar {
        const DAYS: [&str; 7] = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ];
        let sid = t.column("service_id")?;
        let mut day_cols = [0; 7];
        for (k, name) in DAYS.iter().enumerate() {
            day_cols[k] = t.column(name)?;
        }
        let (start, end) = (t.column("start_date")?, t.column("end_date")?);
        for (line, r) in &t.rows {
            let mut days = [false; 7];
            for k in 0..7 {
                days[k] = match get(r, day_cols[k]) {
                    "1" => true,
                    "0" => false,
                    other => {
                        return Err(t.error(
                            *line,
                            DAYS[k],
                            format!("valeur « {other} » : attendu 0 ou 1"),
                        ))
                    }
                };
            }
            let date = |col: usize, field: &str| {
                Date::parse(get(r, col)).ok_or_else(|| {
                    t.error(
                        *line,
                        field,
                        format!("date illisible « {} » (attendu AAAAMMJJ)", get(r, col)),
                    )
                })
            };
            let (s, e) = (date(start, "start_date")?, date(end, "end_date")?);
            if e < s {
                return Err(t.error(*line, "end_date", format!("fin {e} avant le début {s}")));
            }
            let id = get(r, sid).to_string();
            let service = services.entry(id.clone()).or_default();
            if !days.iter().any(|&d| d) && service.added.is_empty() {
                warnings.add(
                    &t.path,
                    "un calendrier qui ne correspond à aucun jour (aucun jour de semaine actif, \
                     aucun ajout dans calendar_dates.txt), ignoré",
                    format!("ligne {line} ({id})"),
                );
            }
            service.rows.push(CalendarRow {
                days,
                start: s,
                end: e,
            });
        }
    }
    Ok(services)
}

/// First and last day of the services, and whether `date` is in one of
/// their periods (covered by a calendar row or added).
fn period(services: &HashMap<String, Service>, date: Date) -> (Option<(Date, Date)>, bool) {
    let mut span: Option<(Date, Date)> = None;
    let mut covered = false;
    let mut extend = |a: Date, b: Date| {
        span = Some(match span {
            None => (a, b),
            Some((x, y)) => (x.min(a), y.max(b)),
        });
    };
    for s in services.values() {
        for r in &s.rows {
            extend(r.start, r.end);
            covered |= r.start <= date && date <= r.end;
        }
        for &d in &s.added {
            extend(d, d);
            covered |= d == date;
        }
    }
    (span, covered)
}

fn read_stops(feed: &mut Feed, warnings: &mut Warnings) -> Result<(Table, Vec<RawStop>), Error> {
    let t = feed.required("stops.txt", warnings)?;
    let (id, lat, lon) = (
        t.column("stop_id")?,
        t.column("stop_lat")?,
        t.column("stop_lon")?,
    );
    let (name, ltype) = (t.optional("stop_name"), t.optional("location_type"));
    let mut stops = Vec::with_capacity(t.rows.len());
    for (line, r) in &t.rows {
        let coord = |col: usize, field: &'static str, limit: f64| {
            let v = get(r, col);
            if v.is_empty() {
                return Err((field, "coordonnée absente".to_string()));
            }
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x.abs() <= limit => Ok(x),
                _ => Err((
                    field,
                    format!("coordonnée illisible ou hors limites « {v} »"),
                )),
            }
        };
        let position = coord(lat, "stop_lat", 90.0)
            .and_then(|la| coord(lon, "stop_lon", 180.0).map(|lo| LonLat::new(lo, la)));
        stops.push(RawStop {
            id: get(r, id).to_string(),
            name: opt_get(r, name).to_string(),
            line: *line,
            position,
            boarding: matches!(opt_get(r, ltype), "" | "0"),
        });
    }
    Ok((t, stops))
}

/// Fills every arrival and departure of a trip whose stop times are sorted
/// and whose first and last stops are timed: the missing one of a pair
/// equals the other, and the stops between timed stops are interpolated on
/// distance (see the module doc). `positions` are the stops' coordinates.
pub fn fill_times(
    arrivals: &[Option<i32>],
    departures: &[Option<i32>],
    positions: &[LonLat],
) -> (Vec<i32>, Vec<i32>) {
    let n = arrivals.len();
    let mut arr: Vec<Option<i32>> = (0..n).map(|i| arrivals[i].or(departures[i])).collect();
    let mut dep: Vec<Option<i32>> = (0..n).map(|i| departures[i].or(arrivals[i])).collect();
    let mut i = 0;
    while i + 1 < n {
        // `i` is timed; find the next timed stop `j`.
        let mut j = i + 1;
        while arr[j].is_none() {
            j += 1;
        }
        if j > i + 1 {
            let (t0, t1) = (
                dep[i].unwrap_or_default() as f64,
                arr[j].unwrap_or_default() as f64,
            );
            let mut cumulated = vec![0.0; j - i + 1];
            for k in i + 1..=j {
                cumulated[k - i] =
                    cumulated[k - i - 1] + crate::geom::distance(positions[k - 1], positions[k]).0;
            }
            let total = cumulated[j - i];
            for k in i + 1..j {
                let share = if total > 0.0 {
                    cumulated[k - i] / total
                } else {
                    (k - i) as f64 / (j - i) as f64
                };
                let t = (t0 + (t1 - t0) * share).round() as i32;
                arr[k] = Some(t);
                dep[k] = Some(t);
            }
        }
        i = j;
    }
    (
        arr.into_iter().map(Option::unwrap_or_default).collect(),
        dep.into_iter().map(Option::unwrap_or_default).collect(),
    )
}

/// One run of a trip: a name suffix and a shift of its times.
struct Run {
    suffix: String,
    shift: i32,
}

fn read_feed(
    feed: &mut Feed,
    date: Date,
    timetable: &mut Timetable,
    warnings: &mut Warnings,
) -> Result<(), Error> {
    let prefix = feed.prefix.clone();
    let services = read_calendars(feed, warnings)?;
    let (span, covered) = period(&services, date);
    if !covered {
        let said = match span {
            Some((a, b)) => format!("du {a} au {b}"),
            None => "vide : aucun service défini".to_string(),
        };
        return Err(Error::file(
            &feed.path,
            format!(
                "la date {date} est hors de la période des services de ce flux GTFS ({said}) : \
                 choisir une date dans cette période"
            ),
        ));
    }
    let day_before = date.previous();

    let (stops_table, stops) = read_stops(feed, warnings)?;
    let mut stop_index: HashMap<&str, usize> = HashMap::with_capacity(stops.len());
    for (k, s) in stops.iter().enumerate() {
        stop_index.entry(s.id.as_str()).or_insert(k);
    }

    // routes.txt, only to check the trips' routes.
    let routes: Option<BTreeSet<String>> = match feed.table("routes.txt", warnings)? {
        Some(t) => {
            let c = t.column("route_id")?;
            Some(t.rows.iter().map(|(_, r)| get(r, c).to_string()).collect())
        }
        None => None,
    };

    // trips.txt
    let t = feed.required("trips.txt", warnings)?;
    let (rid, sid, tid) = (
        t.column("route_id")?,
        t.column("service_id")?,
        t.column("trip_id")?,
    );
    let mut trips: Vec<RawTrip> = Vec::with_capacity(t.rows.len());
    let mut trip_index: HashMap<String, usize> = HashMap::with_capacity(t.rows.len());
    for (line, r) in &t.rows {
        let id = get(r, tid).to_string();
        let service = get(r, sid).to_string();
        let route = get(r, rid).to_string();
        if trip_index.contains_key(&id) {
            warnings.add(
                &t.path,
                "trajet déjà défini plus haut (trip_id en double), ignoré",
                format!("ligne {line} ({id})"),
            );
            continue;
        }
        if !services.contains_key(&service) {
            warnings.add(
                &t.path,
                "trajet d'un service absent de calendar.txt et calendar_dates.txt, ignoré",
                format!("ligne {line} ({id}, service {service})"),
            );
            continue;
        }
        if routes.as_ref().is_some_and(|rs| !rs.contains(&route)) {
            warnings.add(
                &t.path,
                "trajet d'une ligne absente de routes.txt (gardé)",
                format!("ligne {line} ({id}, ligne {route})"),
            );
        }
        trip_index.insert(id.clone(), trips.len());
        trips.push(RawTrip {
            id,
            route,
            service,
            line: *line,
        });
    }
    let trips_path = t.path.clone();
    drop(t);

    // stop_times.txt
    let st = feed.required("stop_times.txt", warnings)?;
    let (c_trip, c_arr, c_dep, c_stop, c_seq) = (
        st.column("trip_id")?,
        st.column("arrival_time")?,
        st.column("departure_time")?,
        st.column("stop_id")?,
        st.column("stop_sequence")?,
    );
    let mut times: Vec<Vec<RawStopTime>> = (0..trips.len()).map(|_| Vec::new()).collect();
    for (line, r) in &st.rows {
        let trip = get(r, c_trip);
        let time = |col: usize, field: &str| -> Result<Option<i32>, Error> {
            let v = get(r, col);
            if v.is_empty() {
                return Ok(None);
            }
            parse_time(v).map(Some).ok_or_else(|| {
                st.error(
                    *line,
                    field,
                    format!(
                        "heure illisible « {v} » (trajet {trip}) : attendu H:MM:SS ou HH:MM:SS"
                    ),
                )
            })
        };
        let (arrival, departure) = (time(c_arr, "arrival_time")?, time(c_dep, "departure_time")?);
        let stop_id = get(r, c_stop);
        let stop = *stop_index.get(stop_id).ok_or_else(|| {
            st.error(
                *line,
                "stop_id",
                format!("arrêt « {stop_id} » absent de stops.txt (trajet {trip})"),
            )
        })?;
        let seq_text = get(r, c_seq);
        let seq: u32 = seq_text.parse().map_err(|_| {
            st.error(
                *line,
                "stop_sequence",
                format!("« {seq_text} » n'est pas un entier positif ou nul (trajet {trip})"),
            )
        })?;
        let Some(&k) = trip_index.get(trip) else {
            warnings.add(
                &st.path,
                "horaire d'un trajet absent de trips.txt (ou ignoré), ignoré",
                format!("ligne {line} ({trip})"),
            );
            continue;
        };
        times[k].push(RawStopTime {
            seq,
            stop,
            arrival,
            departure,
            line: *line,
        });
    }
    let st_path = st.path.clone();
    drop(st);

    // frequencies.txt: runs (start of each) per trip.
    let mut runs_of: HashMap<usize, Vec<(i32, u64)>> = HashMap::new();
    if let Some(f) = feed.table("frequencies.txt", warnings)? {
        let (c_trip, c_start, c_end, c_head) = (
            f.column("trip_id")?,
            f.column("start_time")?,
            f.column("end_time")?,
            f.column("headway_secs")?,
        );
        for (line, r) in &f.rows {
            let trip = get(r, c_trip);
            let time = |col: usize, field: &str| {
                let v = get(r, col);
                parse_time(v).ok_or_else(|| {
                    f.error(
                        *line,
                        field,
                        format!("heure illisible « {v} » : attendu H:MM:SS"),
                    )
                })
            };
            let (start, end) = (time(c_start, "start_time")?, time(c_end, "end_time")?);
            let head_text = get(r, c_head);
            let headway: i32 = match head_text.parse() {
                Ok(h) if h > 0 => h,
                _ => {
                    return Err(f.error(
                        *line,
                        "headway_secs",
                        format!("« {head_text} » : attendu un nombre entier de secondes > 0"),
                    ))
                }
            };
            let Some(&k) = trip_index.get(trip) else {
                warnings.add(
                    &f.path,
                    "fréquence d'un trajet absent de trips.txt (ou ignoré), ignorée",
                    format!("ligne {line} ({trip})"),
                );
                continue;
            };
            let runs = runs_of.entry(k).or_default();
            let mut s = start;
            while s < end {
                runs.push((s, *line));
                s += headway;
            }
        }
    }

    // Each trip: sorted, checked, filled, expanded.
    let mut used = vec![false; stops.len()];
    let mut served = vec![false; stops.len()];
    let mut kept: Vec<TransitTrip> = Vec::new();
    for (k, trip) in trips.iter().enumerate() {
        let list = &mut times[k];
        if list.is_empty() {
            return Err(Error::file(
                &trips_path,
                format!(
                    "ligne {}, champ « trip_id » : le trajet {} n'a aucun horaire dans \
                     stop_times.txt",
                    trip.line, trip.id
                ),
            ));
        }
        list.sort_by_key(|s| s.seq);
        for w in list.windows(2) {
            if w[0].seq == w[1].seq {
                return Err(Error::file(
                    &st_path,
                    format!(
                        "ligne {}, champ « stop_sequence » : {} répété dans le trajet {} \
                         (déjà ligne {})",
                        w[1].line, w[1].seq, trip.id, w[0].line
                    ),
                ));
            }
        }
        for s in list.iter() {
            used[s.stop] = true;
        }
        for (which, s) in [("premier", &list[0]), ("dernier", &list[list.len() - 1])] {
            if s.arrival.is_none() && s.departure.is_none() {
                return Err(Error::file(
                    &st_path,
                    format!(
                        "ligne {}, champ « arrival_time » : le {which} arrêt du trajet {} n'a \
                         pas d'horaire (arrival_time et departure_time vides)",
                        s.line, trip.id
                    ),
                ));
            }
        }
        let service = &services[&trip.service];
        let (today, yesterday) = (service.active(date), service.active(day_before));
        if !today && !yesterday {
            continue;
        }
        // The runs, decided on the given times (the interpolated ones lie
        // between them): (suffix, offset from the template's times).
        let first = list[0].departure.or(list[0].arrival).unwrap_or_default();
        let last = list
            .iter()
            .flat_map(|s| [s.arrival, s.departure])
            .flatten()
            .max()
            .unwrap_or_default();
        let template_runs: Vec<(String, i32)> = match runs_of.get_mut(&k) {
            None => vec![(String::new(), 0)],
            Some(starts) => {
                starts.sort();
                starts
                    .iter()
                    .enumerate()
                    .map(|(n, &(s, _))| (format!("#{n}"), s - first))
                    .collect()
            }
        };
        let mut runs: Vec<Run> = Vec::new();
        if yesterday {
            for (suffix, offset) in &template_runs {
                if last + offset >= DAY {
                    runs.push(Run {
                        suffix: format!("{suffix}{DAY_BEFORE_SUFFIX}"),
                        shift: offset - DAY,
                    });
                }
            }
        }
        if today {
            for (suffix, offset) in template_runs {
                runs.push(Run {
                    suffix,
                    shift: offset,
                });
            }
        }
        if runs.is_empty() {
            continue;
        }
        let mut positions = Vec::with_capacity(list.len());
        for s in list.iter() {
            let stop = &stops[s.stop];
            match &stop.position {
                Ok(p) => positions.push(*p),
                Err((field, problem)) => {
                    return Err(stops_table.error(
                        stop.line,
                        field,
                        format!(
                            "{problem} : l'arrêt {} est desservi par le trajet {} (stop_times.txt \
                             ligne {})",
                            stop.id, trip.id, s.line
                        ),
                    ))
                }
            }
        }
        let arrivals: Vec<_> = list.iter().map(|s| s.arrival).collect();
        let departures: Vec<_> = list.iter().map(|s| s.departure).collect();
        let (arr, dep) = fill_times(&arrivals, &departures, &positions);
        let backwards = (0..arr.len()).find(|&i| dep[i] < arr[i] || (i > 0 && arr[i] < dep[i - 1]));
        if let Some(i) = backwards {
            warnings.add(
                &st_path,
                "trajet dont les horaires reculent, ignoré",
                format!("ligne {} ({})", list[i].line, trip.id),
            );
            continue;
        }
        for s in list.iter() {
            served[s.stop] = true;
        }
        for run in runs {
            kept.push(TransitTrip {
                id: format!("{prefix}:{}{}", trip.id, run.suffix),
                route: format!("{prefix}:{}", trip.route),
                stops: list.iter().map(|s| s.stop as u32).collect(),
                arrivals: arr.iter().map(|t| t + run.shift).collect(),
                departures: dep.iter().map(|t| t + run.shift).collect(),
            });
        }
    }

    // Stops: the served ones, renumbered into the timetable.
    for (s, &u) in stops.iter().zip(&used) {
        if !u && s.boarding {
            warnings.add(
                &stops_table.path,
                "arrêt desservi par aucun trajet, ignoré",
                format!("ligne {} ({})", s.line, s.id),
            );
        }
    }
    let base = timetable.stops.len();
    let mut global = vec![u32::MAX; stops.len()];
    for (k, s) in stops.iter().enumerate() {
        if served[k] {
            global[k] = timetable.stops.len() as u32;
            timetable.stops.push(TransitStop {
                id: format!("{prefix}:{}", s.id),
                name: s.name.clone(),
                // Served stops were checked to have a position.
                position: s.position.clone().unwrap_or(LonLat::new(0.0, 0.0)),
            });
        }
    }
    for trip in &mut kept {
        for s in &mut trip.stops {
            *s = global[*s as usize];
        }
    }
    let feed_stops = timetable.stops.len() - base;
    let trips_on_date = kept.len();
    timetable.trips.extend(kept);

    // transfers.txt
    if let Some(t) = feed.table("transfers.txt", warnings)? {
        let (c_from, c_to, c_type) = (
            t.column("from_stop_id")?,
            t.column("to_stop_id")?,
            t.column("transfer_type")?,
        );
        let c_min = t.optional("min_transfer_time");
        let restricted: Vec<usize> = ["from_trip_id", "to_trip_id", "from_route_id", "to_route_id"]
            .iter()
            .filter_map(|c| t.optional(c))
            .collect();
        for (line, r) in &t.rows {
            let ty = get(r, c_type);
            let seconds = match ty {
                "" | "0" | "1" | "4" | "5" => continue,
                "3" => None,
                "2" => {
                    let v = opt_get(r, c_min);
                    Some(v.parse::<u32>().map_err(|_| {
                        t.error(
                            *line,
                            "min_transfer_time",
                            format!(
                                "« {v} » : attendu un nombre entier de secondes (transfer_type 2)"
                            ),
                        )
                    })?)
                }
                other => {
                    return Err(t.error(
                        *line,
                        "transfer_type",
                        format!("valeur « {other} » : attendu 0 à 5"),
                    ))
                }
            };
            if restricted.iter().any(|&c| !get(r, c).is_empty()) {
                warnings.add(
                    &t.path,
                    "correspondance propre à des trajets ou des lignes, ignorée",
                    format!("ligne {line}"),
                );
                continue;
            }
            let (from, to) = (get(r, c_from), get(r, c_to));
            let (Some(&f), Some(&to_k)) = (stop_index.get(from), stop_index.get(to)) else {
                warnings.add(
                    &t.path,
                    "correspondance citant un arrêt absent de stops.txt, ignorée",
                    format!("ligne {line} ({from} → {to})"),
                );
                continue;
            };
            if served[f] && served[to_k] {
                timetable.transfers.push(MinTransfer {
                    from: global[f],
                    to: global[to_k],
                    seconds,
                });
            }
        }
    }

    timetable.feeds.push(FeedSummary {
        path: feed.path.clone(),
        prefix,
        period: span,
        stops: feed_stops,
        trips: trips.len(),
        trips_on_date,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STOPS: &str = "stop_id,stop_name,stop_lat,stop_lon\n\
        A,Alpha,0.0,0.0\n\
        B,Beta,0.0,0.01\n\
        C,Gamma,0.0,0.03\n\
        D,Delta,0.0,0.04\n";
    const CALENDAR: &str =
        "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n\
        WK,1,1,1,1,1,0,0,20190401,20190630\n\
        SUN,0,0,0,0,0,0,1,20190401,20190630\n";
    const TRIPS: &str = "route_id,service_id,trip_id\n\
        R1,WK,T1\n\
        R1,SUN,N1\n\
        R1,SUN,N2\n";
    const STOP_TIMES: &str = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\n\
        T1,08:00:00,08:00:00,A,1\n\
        T1,,,B,2\n\
        T1,,,C,3\n\
        T1,08:10:00,08:10:00,D,4\n\
        N1,23:50:00,23:50:00,A,1\n\
        N1,,,B,2\n\
        N1,,,C,3\n\
        N1,24:20:00,24:20:00,D,4\n\
        N2,22:00:00,22:00:00,A,1\n\
        N2,23:00:00,23:00:00,D,2\n";
    const ROUTES: &str = "route_id,route_type\nR1,3\n";

    /// 13 May 2019, a Monday.
    fn monday() -> Date {
        Date::new(2019, 5, 13).unwrap()
    }

    /// The base feed's files, with `changes` replacing (or, with `None`,
    /// removing) some of them.
    fn files(changes: &[(&str, Option<&str>)]) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = [
            ("stops.txt", STOPS),
            ("calendar.txt", CALENDAR),
            ("trips.txt", TRIPS),
            ("stop_times.txt", STOP_TIMES),
            ("routes.txt", ROUTES),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
        for (name, text) in changes {
            files.retain(|(n, _)| n != name);
            if let Some(t) = text {
                files.push((name.to_string(), t.to_string()));
            }
        }
        files
    }

    /// Writes a feed folder `name` in `dir`.
    fn write_feed(dir: &Path, name: &str, files: &[(String, String)]) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(&path).unwrap();
        for (n, t) in files {
            std::fs::write(path.join(n), t).unwrap();
        }
        path
    }

    /// Reads the base feed, changed, as folder `f`, on `date`.
    fn read_changed(
        changes: &[(&str, Option<&str>)],
        date: Date,
    ) -> (Result<Timetable, Error>, Warnings) {
        let dir = tempfile::tempdir().unwrap();
        let path = write_feed(dir.path(), "f", &files(changes));
        let mut w = Warnings::new();
        let t = read_gtfs(&[path], date, &mut w);
        (t, w)
    }

    fn read_ok(changes: &[(&str, Option<&str>)], date: Date) -> (Timetable, Warnings) {
        let (t, w) = read_changed(changes, date);
        (t.unwrap(), w)
    }

    fn error_of(changes: &[(&str, Option<&str>)], date: Date) -> String {
        match read_changed(changes, date).0 {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    fn assert_names(msg: &str, parts: &[&str]) {
        for p in parts {
            assert!(msg.contains(p), "« {p} » not in: {msg}");
        }
    }

    fn trip<'a>(t: &'a Timetable, id: &str) -> &'a TransitTrip {
        t.trips
            .iter()
            .find(|x| x.id == id)
            .unwrap_or_else(|| panic!("no trip {id} in {:?}", ids(t)))
    }

    fn ids(t: &Timetable) -> Vec<&str> {
        t.trips.iter().map(|x| x.id.as_str()).collect()
    }

    fn hms(h: i32, m: i32, s: i32) -> i32 {
        h * 3600 + m * 60 + s
    }

    #[test]
    fn times_parse_with_one_or_two_hour_digits_and_hours_past_24() {
        assert_eq!(parse_time("8:05:09"), Some(hms(8, 5, 9)));
        assert_eq!(parse_time("08:05:09"), Some(hms(8, 5, 9)));
        assert_eq!(parse_time("25:00:00"), Some(90_000));
        assert_eq!(parse_time("100:00:00"), Some(360_000));
        for bad in [
            "8:5:09",
            "08:60:00",
            "08:00:60",
            "08:00",
            "",
            "a8:00:00",
            "08:00:00:00",
            "-1:00:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn missing_times_are_interpolated_on_distance_to_the_second() {
        let (t, w) = read_ok(&[], monday());
        assert!(w.is_empty(), "{:?}", w.lines());
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1"]);
        let t1 = trip(&t, "f:T1");
        // Along the equator the geodesic lengths are proportional to the
        // longitudes: B at 1/4 and C at 3/4 of the 600 s.
        assert_eq!(
            t1.arrivals,
            [hms(8, 0, 0), hms(8, 2, 30), hms(8, 7, 30), hms(8, 10, 0)]
        );
        assert_eq!(t1.departures, t1.arrivals);
        assert_eq!(t1.route, "f:R1");
        let names: Vec<_> = t1
            .stops
            .iter()
            .map(|&s| t.stops[s as usize].id.as_str())
            .collect();
        assert_eq!(names, ["f:A", "f:B", "f:C", "f:D"]);
        assert_eq!(t.stops[1].name, "Beta");
        assert_eq!(t.stops[1].position, LonLat::new(0.01, 0.0));
        assert_eq!(t.feeds.len(), 1);
        let s = &t.feeds[0];
        assert_eq!(
            (s.prefix.as_str(), s.stops, s.trips, s.trips_on_date),
            ("f", 4, 3, 2)
        );
        assert_eq!(
            s.period,
            Some((
                Date::new(2019, 4, 1).unwrap(),
                Date::new(2019, 6, 30).unwrap()
            ))
        );

        // 601 s: 150.25 → 150 and 450.75 → 451.
        let st = STOP_TIMES.replace("08:10:00,08:10:00", "08:10:01,08:10:01");
        let (t, _) = read_ok(&[("stop_times.txt", Some(&st))], monday());
        assert_eq!(
            trip(&t, "f:T1").arrivals[1..3],
            [hms(8, 2, 30), hms(8, 7, 31)]
        );

        // A lone arrival gives the departure, a lone departure the arrival;
        // the interpolation runs from a departure to the next arrival.
        let st = STOP_TIMES
            .replace("T1,08:00:00,08:00:00,A", "T1,,08:00:00,A")
            .replace("T1,08:10:00,08:10:00,D", "T1,08:10:00,,D")
            .replace("T1,,,C,3", "T1,08:06:00,08:08:00,C,3");
        let (t, _) = read_ok(&[("stop_times.txt", Some(&st))], monday());
        let t1 = trip(&t, "f:T1");
        // B is a third of the way from A (dep 08:00) to C (arr 08:06).
        assert_eq!(
            t1.arrivals,
            [hms(8, 0, 0), hms(8, 2, 0), hms(8, 6, 0), hms(8, 10, 0)]
        );
        assert_eq!(
            t1.departures,
            [hms(8, 0, 0), hms(8, 2, 0), hms(8, 8, 0), hms(8, 10, 0)]
        );
    }

    #[test]
    fn interpolation_rounds_half_seconds_away_from_zero_and_falls_back_on_stop_count() {
        // B exactly halfway (longitudes 0, 0.25, 0.5: exact in binary).
        let p = [
            LonLat::new(0.0, 0.0),
            LonLat::new(0.25, 0.0),
            LonLat::new(0.5, 0.0),
        ];
        let (a, d) = fill_times(&[Some(0), None, Some(61)], &[Some(0), None, None], &p);
        assert_eq!(a, [0, 31, 61], "30.5 rounds to 31");
        assert_eq!(d, [0, 31, 61]);
        let (a, _) = fill_times(&[Some(-61), None, Some(0)], &[None, None, None], &p);
        assert_eq!(a, [-61, -31, 0], "-30.5 rounds to -31");
        // All at one point: evenly by stop count.
        let same = [LonLat::new(1.0, 1.0); 4];
        let (a, _) = fill_times(&[Some(0), None, None, Some(100)], &[None; 4], &same);
        assert_eq!(a, [0, 33, 67, 100]);
    }

    #[test]
    fn trips_of_the_day_before_running_past_midnight_are_kept_shifted() {
        // Monday: T1, and Sunday's N1 (23:50 → 24:20) shifted by a day; N2
        // (Sunday 22:00 → 23:00) ends before midnight.
        let (t, _) = read_ok(&[], monday());
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1"]);
        let n1 = trip(&t, "f:N1~J-1");
        // 23:50 − 24 h = −600; B and C at 1/4 and 3/4 of 30 min.
        assert_eq!(n1.arrivals, [-600, -150, 750, 1200]);
        assert_eq!(n1.departures, n1.arrivals);
        assert_eq!(t.feeds[0].trips_on_date, 2);

        // Sunday: N1 and N2 as they are, no Saturday trip.
        let (t, _) = read_ok(&[], Date::new(2019, 5, 12).unwrap());
        assert_eq!(ids(&t), ["f:N1", "f:N2"]);
        assert_eq!(
            trip(&t, "f:N1").arrivals,
            [hms(23, 50, 0), 86_250, 87_150, hms(24, 20, 0)]
        );

        // Tuesday: Monday has no trip past midnight.
        let (t, _) = read_ok(&[], Date::new(2019, 5, 14).unwrap());
        assert_eq!(ids(&t), ["f:T1"]);

        // A trip of the day before ending at exactly 24:00:00 is kept.
        let st = STOP_TIMES.replace("N2,23:00:00,23:00:00", "N2,23:00:00,24:00:00");
        let (t, _) = read_ok(&[("stop_times.txt", Some(&st))], monday());
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1", "f:N2~J-1"]);
        assert_eq!(trip(&t, "f:N2~J-1").departures, [-7200, 0]);
        assert_eq!(trip(&t, "f:N2~J-1").arrivals, [-7200, -3600]);
    }

    #[test]
    fn calendar_dates_add_and_remove_days() {
        // Monday 13 May removed from WK, added to SUN: N1 runs on the Monday
        // itself and from the Sunday.
        let cd = "service_id,date,exception_type
WK,20190513,2
SUN,20190513,1
";
        let (t, _) = read_ok(&[("calendar_dates.txt", Some(cd))], monday());
        assert_eq!(ids(&t), ["f:N1~J-1", "f:N1", "f:N2"]);
        assert_eq!(trip(&t, "f:N1").arrivals[0], hms(23, 50, 0));
        // The other Mondays keep WK.
        let (t, _) = read_ok(
            &[("calendar_dates.txt", Some(cd))],
            Date::new(2019, 5, 20).unwrap(),
        );
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1"]);
        // Removing the Sunday removes the night trip from the Monday.
        let cd = "service_id,date,exception_type
SUN,20190512,2
";
        let (t, _) = read_ok(&[("calendar_dates.txt", Some(cd))], monday());
        assert_eq!(ids(&t), ["f:T1"]);
        // calendar_dates.txt alone is enough; its dates make the period.
        let cd = "service_id,date,exception_type
WK,20190513,1
SUN,20190601,1
";
        let (t, _) = read_ok(
            &[("calendar_dates.txt", Some(cd)), ("calendar.txt", None)],
            monday(),
        );
        assert_eq!(ids(&t), ["f:T1"]);
        assert_eq!(
            t.feeds[0].period,
            Some((monday(), Date::new(2019, 6, 1).unwrap()))
        );
    }

    #[test]
    fn a_weekday_not_served_has_no_trip() {
        // Saturday: no service, no night trip from Friday.
        let (t, w) = read_ok(&[], Date::new(2019, 5, 18).unwrap());
        assert!(t.trips.is_empty(), "{:?}", ids(&t));
        assert!(t.stops.is_empty());
        assert_eq!(t.feeds[0].trips_on_date, 0);
        assert_eq!(t.feeds[0].trips, 3);
        assert!(w.is_empty(), "{:?}", w.lines());
    }

    #[test]
    fn frequencies_expand_templates_into_runs_in_time_order() {
        let trips = format!("{TRIPS}R2,WK,F1\nR2,SUN,F2\n");
        let st = format!(
            "{STOP_TIMES}F1,06:00:00,06:00:00,A,1\nF1,06:04:00,06:05:00,B,2\nF1,06:10:00,06:10:00,C,3\n\
             F2,10:00:00,10:00:00,A,1\nF2,10:30:00,10:30:00,D,2\n"
        );
        // Rows out of order; 08:00 is not a start (end excluded); F2 runs
        // on Sunday at 23:00 (ends before midnight) and 24:00 (kept).
        let freq = "trip_id,start_time,end_time,headway_secs,exact_times\n\
            F1,07:00:00,08:00:00,1200,0\n\
            F1,6:30:00,07:00:00,1800,1\n\
            F2,23:00:00,25:00:00,3600\n";
        let (t, w) = read_ok(
            &[
                ("trips.txt", Some(&trips)),
                ("stop_times.txt", Some(&st)),
                ("frequencies.txt", Some(freq)),
                ("routes.txt", Some("route_id\nR1\nR2\n")),
            ],
            monday(),
        );
        assert!(w.is_empty(), "{:?}", w.lines());
        assert_eq!(
            ids(&t),
            [
                "f:T1",
                "f:N1~J-1",
                "f:F1#0",
                "f:F1#1",
                "f:F1#2",
                "f:F1#3",
                "f:F2#1~J-1"
            ]
        );
        for (k, start) in [hms(6, 30, 0), hms(7, 0, 0), hms(7, 20, 0), hms(7, 40, 0)]
            .into_iter()
            .enumerate()
        {
            let run = trip(&t, &format!("f:F1#{k}"));
            assert_eq!(run.arrivals, [start, start + 240, start + 600]);
            assert_eq!(run.departures, [start, start + 300, start + 600]);
            assert_eq!(run.route, "f:R2");
        }
        let f2 = trip(&t, "f:F2#1~J-1");
        assert_eq!(f2.arrivals, [0, 1800]);
        assert_eq!(t.feeds[0].trips, 5, "templates counted once");
        assert_eq!(t.feeds[0].trips_on_date, 7);
    }

    #[test]
    fn transfers_keep_minimum_times_and_forbidden_ones_only() {
        let tr = "from_stop_id,to_stop_id,transfer_type,min_transfer_time\n\
            A,B,0,\n\
            A,C,1,\n\
            A,B,2,180\n\
            B,A,3,\n\
            C,D,4,\n\
            D,C,,\n";
        let (t, w) = read_ok(&[("transfers.txt", Some(tr))], monday());
        assert!(w.is_empty(), "{:?}", w.lines());
        assert_eq!(
            t.transfers,
            [
                MinTransfer {
                    from: 0,
                    to: 1,
                    seconds: Some(180)
                },
                MinTransfer {
                    from: 1,
                    to: 0,
                    seconds: None
                },
            ]
        );
        // Between stops served on another day only: dropped silently.
        let (t, _) = read_ok(
            &[("transfers.txt", Some(tr))],
            Date::new(2019, 5, 18).unwrap(),
        );
        assert!(t.transfers.is_empty());
        // Type 2 without a time is an error.
        let msg = error_of(
            &[(
                "transfers.txt",
                Some("from_stop_id,to_stop_id,transfer_type\nA,B,2\n"),
            )],
            monday(),
        );
        assert_names(&msg, &["f/transfers.txt", "ligne 2", "min_transfer_time"]);
        let msg = error_of(
            &[(
                "transfers.txt",
                Some("from_stop_id,to_stop_id,transfer_type\nA,B,7\n"),
            )],
            monday(),
        );
        assert_names(
            &msg,
            &["f/transfers.txt", "ligne 2", "transfer_type", "« 7 »"],
        );
    }

    #[test]
    fn csv_quirks_are_read() {
        // BOM, CRLF, quotes (with a comma and a line break), extra columns,
        // columns in another order, a blank line, spaces around fields.
        let stops = "\u{feff}stop_lon,stop_lat,extra,stop_id,stop_name\r\n\
            0.0,0.0,x,A,\"Alpha, la gare\"\r\n\
            0.01, 0.0 ,,B,\"Beta\r\nbis\"\r\n\
            \r\n\
            0.03,0.0,,C,Gamma\r\n\
            0.04,0.0,,D,Delta\r\n";
        let (t, w) = read_ok(&[("stops.txt", Some(stops))], monday());
        assert!(w.is_empty(), "{:?}", w.lines());
        assert_eq!(t.stops[0].name, "Alpha, la gare");
        assert_eq!(t.stops[1].name, "Beta\r\nbis");
        assert_eq!(t.stops[1].position, LonLat::new(0.01, 0.0));
        assert_eq!(trip(&t, "f:T1").arrivals[1], hms(8, 2, 30));
        // Lines are counted in the file, quoted line breaks included.
        let stops = stops.replace("0.03,0.0,,C", "0.03,x,,C");
        let msg = error_of(&[("stops.txt", Some(&stops))], monday());
        assert_names(
            &msg,
            &["f/stops.txt", "ligne 6", "stop_lat", "« x »", "C", "T1"],
        );
    }

    #[test]
    fn feeds_from_zips_and_folders_merge_with_prefixed_ids_deterministically() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let folder = write_feed(dir.path(), "bus", &files(&[]));
        // The same feed zipped, its files in a subfolder.
        let zpath = dir.path().join("rail.zip");
        let mut z = zip::ZipWriter::new(std::fs::File::create(&zpath).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (n, t) in files(&[]) {
            z.start_file(format!("gtfs/{n}"), opts).unwrap();
            z.write_all(t.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        let mut w = Warnings::new();
        let paths = [folder.clone(), zpath.clone()];
        let t = read_gtfs(&paths, monday(), &mut w).unwrap();
        assert_eq!(ids(&t), ["bus:T1", "bus:N1~J-1", "rail:T1", "rail:N1~J-1"]);
        assert_eq!(t.stops.len(), 8);
        assert_eq!(t.stops[4].id, "rail:A");
        assert_eq!(trip(&t, "rail:T1").stops, [4, 5, 6, 7]);
        assert_eq!(trip(&t, "rail:T1").arrivals, trip(&t, "bus:T1").arrivals);
        assert_eq!(t.feeds[1].prefix, "rail");
        assert_eq!(t.feeds[1].path, zpath);
        assert_eq!(
            read_gtfs(&paths, monday(), &mut w).unwrap(),
            t,
            "deterministic"
        );
        // Errors name the file inside the zip.
        let msg = read_gtfs(
            std::slice::from_ref(&zpath),
            Date::new(2020, 1, 1).unwrap(),
            &mut w,
        )
        .unwrap_err()
        .to_string();
        assert_names(&msg, &["rail.zip", "2020-01-01"]);
        // Two feeds of one name would mix their ids.
        let other = dir.path().join("x");
        std::fs::create_dir(&other).unwrap();
        let same = write_feed(&other, "bus", &files(&[]));
        let msg = read_gtfs(&[folder, same], monday(), &mut w)
            .unwrap_err()
            .to_string();
        assert_names(&msg, &["« bus »"]);
    }

    #[test]
    fn each_error_names_the_feed_the_file_the_line_and_the_field() {
        let d = monday();
        let msg = error_of(&[("stops.txt", None)], d);
        assert_names(&msg, &["f/stops.txt", "absent", "obligatoire"]);
        let msg = error_of(&[("trips.txt", None)], d);
        assert_names(&msg, &["f/trips.txt", "absent"]);
        let msg = error_of(&[("stop_times.txt", None)], d);
        assert_names(&msg, &["f/stop_times.txt", "absent"]);
        let msg = error_of(&[("calendar.txt", None)], d);
        assert_names(&msg, &["f/calendar.txt", "calendar_dates.txt"]);

        let msg = error_of(
            &[("stops.txt", Some(&STOPS.replace("stop_lat", "latitude")))],
            d,
        );
        assert_names(&msg, &["f/stops.txt", "ligne 1", "« stop_lat »", "colonne"]);
        let st = STOP_TIMES.replace("stop_sequence", "seq");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(&msg, &["f/stop_times.txt", "ligne 1", "« stop_sequence »"]);

        // A stop without coordinates, or with bad ones, used by a kept trip.
        let msg = error_of(
            &[(
                "stops.txt",
                Some(&STOPS.replace("B,Beta,0.0,0.01", "B,Beta,,0.01")),
            )],
            d,
        );
        assert_names(
            &msg,
            &[
                "f/stops.txt",
                "ligne 3",
                "« stop_lat »",
                "absente",
                "B",
                "T1",
            ],
        );
        let msg = error_of(
            &[("stops.txt", Some(&STOPS.replace("0.0,0.01", "0.0,2E3")))],
            d,
        );
        assert_names(&msg, &["f/stops.txt", "ligne 3", "« stop_lon »", "« 2E3 »"]);
        // ... but not when only trips of other days use it.
        let stops = format!("{STOPS}E,Epsilon,,\n");
        let st = STOP_TIMES.replace("N2,23:00:00,23:00:00,D", "N2,23:00:00,23:00:00,E");
        let (t, _) = read_ok(
            &[("stops.txt", Some(&stops)), ("stop_times.txt", Some(&st))],
            d,
        );
        assert_eq!(t.stops.len(), 4);
        let msg = error_of(
            &[("stops.txt", Some(&stops)), ("stop_times.txt", Some(&st))],
            Date::new(2019, 5, 12).unwrap(),
        );
        assert_names(&msg, &["f/stops.txt", "ligne 6", "stop_lat", "E", "N2"]);

        // A trip without stop times.
        let trips = format!("{TRIPS}R1,WK,T9\n");
        let msg = error_of(&[("trips.txt", Some(&trips))], d);
        assert_names(
            &msg,
            &[
                "f/trips.txt",
                "ligne 5",
                "« trip_id »",
                "T9",
                "aucun horaire",
            ],
        );

        // A time that does not parse.
        let st = STOP_TIMES.replace("T1,08:10:00,08:10:00", "T1,08:10:00,8:1:00");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(
            &msg,
            &[
                "f/stop_times.txt",
                "ligne 5",
                "« departure_time »",
                "« 8:1:00 »",
                "T1",
            ],
        );

        // A stop time citing an unknown stop.
        let st = STOP_TIMES.replace("N1,,,C,3", "N1,,,Z,3");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(
            &msg,
            &["f/stop_times.txt", "ligne 8", "« stop_id »", "« Z »", "N1"],
        );

        // A stop_sequence that is not an integer, or repeated.
        let st = STOP_TIMES.replace("T1,,,C,3", "T1,,,C,3.5");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(
            &msg,
            &[
                "f/stop_times.txt",
                "ligne 4",
                "« stop_sequence »",
                "« 3.5 »",
            ],
        );
        let st = STOP_TIMES.replace("T1,,,C,3", "T1,,,C,2");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(
            &msg,
            &[
                "f/stop_times.txt",
                "ligne 4",
                "« stop_sequence »",
                "T1",
                "ligne 3",
            ],
        );

        // First and last stops must be timed (any day's trip).
        let st = STOP_TIMES.replace("N2,23:00:00,23:00:00", "N2,,");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(&msg, &["f/stop_times.txt", "ligne 11", "dernier", "N2"]);
        let st = STOP_TIMES.replace("T1,08:00:00,08:00:00", "T1,,");
        let msg = error_of(&[("stop_times.txt", Some(&st))], d);
        assert_names(&msg, &["f/stop_times.txt", "ligne 2", "premier", "T1"]);

        // Calendar fields.
        let cal = CALENDAR.replace("0,20190401,20190630\nSUN", "0,2019-04-31,20190630\nSUN");
        let msg = error_of(&[("calendar.txt", Some(&cal))], d);
        assert_names(&msg, &["f/calendar.txt", "ligne 2", "« start_date »"]);
        let cal = CALENDAR.replace("SUN,0,0", "SUN,0,oui");
        let msg = error_of(&[("calendar.txt", Some(&cal))], d);
        assert_names(
            &msg,
            &["f/calendar.txt", "ligne 3", "« tuesday »", "« oui »"],
        );
        let cd = "service_id,date,exception_type\nWK,20190513,3\n";
        let msg = error_of(&[("calendar_dates.txt", Some(cd))], d);
        assert_names(
            &msg,
            &["f/calendar_dates.txt", "ligne 2", "« exception_type »"],
        );

        // Frequencies.
        let freq = "trip_id,start_time,end_time,headway_secs\nT1,07:00:00,08:00:00,0\n";
        let msg = error_of(&[("frequencies.txt", Some(freq))], d);
        assert_names(&msg, &["f/frequencies.txt", "ligne 2", "« headway_secs »"]);
    }

    #[test]
    fn a_date_outside_the_period_is_an_error_saying_the_period() {
        for date in [
            Date::new(2019, 7, 1).unwrap(),
            Date::new(2019, 3, 31).unwrap(),
        ] {
            let msg = error_of(&[], date);
            assert_names(
                &msg,
                &["f", &date.to_string(), "du 2019-04-01 au 2019-06-30"],
            );
        }
        // A day added by calendar_dates.txt is in a period.
        let cd = "service_id,date,exception_type\nWK,20190701,1\n";
        let (t, _) = read_ok(
            &[("calendar_dates.txt", Some(cd))],
            Date::new(2019, 7, 1).unwrap(),
        );
        // Sunday 30 June is in the period: its night trip runs on.
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1"]);
        assert_eq!(t.feeds[0].period.unwrap().1, Date::new(2019, 7, 1).unwrap());
    }

    #[test]
    fn each_warning_is_counted() {
        let d = monday();
        // A stop time of an unknown trip.
        let st = format!("{STOP_TIMES}X,08:00:00,08:00:00,A,1\nX,08:10:00,08:10:00,D,2\n");
        let (t, w) = read_ok(&[("stop_times.txt", Some(&st))], d);
        assert_eq!(
            w.count_matching("horaire d'un trajet absent de trips.txt"),
            2
        );
        assert_eq!(w.total(), 2, "{:?}", w.lines());
        assert_names(&w.lines()[0], &["f/stop_times.txt", "ligne 12 (X)"]);
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1"]);

        // A calendar row with no weekday and no addition (one with an
        // addition is not warned about).
        let cal = format!(
            "{CALENDAR}NONE,0,0,0,0,0,0,0,20190401,20190630\nADD,0,0,0,0,0,0,0,20190401,20190630\n"
        );
        let cd = "service_id,date,exception_type\nADD,20190514,1\n";
        let (_, w) = read_ok(
            &[
                ("calendar.txt", Some(&cal)),
                ("calendar_dates.txt", Some(cd)),
            ],
            d,
        );
        assert_eq!(
            w.count_matching("un calendrier qui ne correspond à aucun jour"),
            1
        );
        assert_eq!(w.total(), 1, "{:?}", w.lines());
        assert_names(&w.lines()[0], &["f/calendar.txt", "ligne 4 (NONE)"]);

        // A stop no trip serves (a station is not warned about).
        let stops = format!("{STOPS}E,Epsilon,1.0,1.0\nS,Station,1.0,1.0,\n");
        let stops = stops
            .replace("stop_lon\n", "stop_lon,location_type\n")
            .replace("Station,1.0,1.0,", "Station,1.0,1.0,1");
        let (t, w) = read_ok(&[("stops.txt", Some(&stops))], d);
        assert_eq!(w.count_matching("arrêt desservi par aucun trajet"), 1);
        assert_eq!(w.total(), 1, "{:?}", w.lines());
        assert_names(&w.lines()[0], &["f/stops.txt", "ligne 6 (E)"]);
        assert_eq!(t.stops.len(), 4);

        // A trip of an unknown service, a repeated trip, a route not in
        // routes.txt: its stop times then belong to no trip.
        let trips = format!("{TRIPS}R1,NOPE,T8\nR1,WK,T1\nR9,WK,T7\n");
        let st = format!("{STOP_TIMES}T8,08:00:00,08:00:00,A,1\nT8,08:10:00,08:10:00,D,2\nT7,09:00:00,09:00:00,A,1\nT7,09:10:00,09:10:00,D,2\n");
        let (t, w) = read_ok(
            &[("trips.txt", Some(&trips)), ("stop_times.txt", Some(&st))],
            d,
        );
        assert_eq!(w.count_matching("trajet d'un service absent"), 1);
        assert_eq!(w.count_matching("trip_id en double"), 1);
        assert_eq!(w.count_matching("ligne absente de routes.txt"), 1);
        assert_eq!(w.count_matching("horaire d'un trajet absent"), 2);
        assert_eq!(w.total(), 5, "{:?}", w.lines());
        assert_eq!(ids(&t), ["f:T1", "f:N1~J-1", "f:T7"]);
        assert_eq!(trip(&t, "f:T7").route, "f:R9");

        // A trip whose times go backwards.
        let st = STOP_TIMES.replace("T1,,,C,3", "T1,07:00:00,07:00:00,C,3");
        let (t, w) = read_ok(&[("stop_times.txt", Some(&st))], d);
        assert_eq!(w.count_matching("horaires reculent"), 1);
        assert_names(&w.lines()[0], &["f/stop_times.txt", "ligne 3 (T1)"]);
        assert_eq!(ids(&t), ["f:N1~J-1"]);

        // A frequency of an unknown trip; transfers citing an unknown stop
        // or restricted to trips.
        let freq = "trip_id,start_time,end_time,headway_secs\nQ,07:00:00,08:00:00,600\n";
        let tr = "from_stop_id,to_stop_id,transfer_type,min_transfer_time,from_trip_id\n\
            A,Z,2,60,\n\
            A,B,2,60,T1\n";
        let (t, w) = read_ok(
            &[("frequencies.txt", Some(freq)), ("transfers.txt", Some(tr))],
            d,
        );
        assert_eq!(w.count_matching("fréquence d'un trajet absent"), 1);
        assert_eq!(w.count_matching("correspondance citant un arrêt absent"), 1);
        assert_eq!(w.count_matching("correspondance propre à des trajets"), 1);
        assert_eq!(w.total(), 3, "{:?}", w.lines());
        assert!(t.transfers.is_empty());
    }

    /// The r5r example feeds of Porto Alegre (tests/fixtures/transit).
    fn poa(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/transit")
            .join(name)
    }

    /// A file of a zipped feed as rows of named fields, read here without
    /// the reader under test.
    fn raw_rows(zip_path: &Path, name: &str) -> Vec<HashMap<String, String>> {
        let mut z = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
        let mut text = String::new();
        z.by_name(name).unwrap().read_to_string(&mut text).unwrap();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let header = rdr.headers().unwrap().clone();
        rdr.records()
            .map(|r| {
                let r = r.unwrap();
                header
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn porto_alegre_feeds_read_for_monday_13_may_2019() {
        let paths = [poa("poa_eptc.zip"), poa("poa_trensurb.zip")];
        let mut w = Warnings::new();
        let start = std::time::Instant::now();
        let t = read_gtfs(&paths, monday(), &mut w).unwrap();
        eprintln!("POA read in {:?}", start.elapsed());
        assert!(w.is_empty(), "{:?}", w.lines());
        let summary: Vec<_> = t
            .feeds
            .iter()
            .map(|f| (f.prefix.as_str(), f.stops, f.trips, f.trips_on_date))
            .collect();
        // Every EPTC trip runs on weekdays; Trensurb has weekday, Saturday
        // and Sunday trips; no trip of Sunday runs past midnight.
        assert_eq!(
            summary,
            [
                ("poa_eptc", 3986, 2374, 2374),
                ("poa_trensurb", 24, 1248, 529)
            ]
        );
        assert_eq!(t.stops.len(), 3986 + 24);
        assert_eq!(t.trips.len(), 2374 + 529);
        let d = |y, m, day| Date::new(y, m, day).unwrap();
        assert_eq!(t.feeds[0].period, Some((d(2019, 4, 15), d(2019, 7, 15))));
        assert_eq!(t.feeds[1].period, Some((d(2019, 3, 1), d(2019, 12, 31))));
        assert_eq!(t.stops[3986].id, "poa_trensurb:MR");
        assert_eq!(t.stops[3986].name, "ESTACAO MERCADO");

        for trip in &t.trips {
            let n = trip.stops.len();
            assert!(n >= 2, "{}", trip.id);
            assert_eq!((trip.arrivals.len(), trip.departures.len()), (n, n));
            for i in 0..n {
                assert!(trip.arrivals[i] <= trip.departures[i], "{} at {i}", trip.id);
                if i > 0 {
                    assert!(
                        trip.departures[i - 1] <= trip.arrivals[i],
                        "{} at {i}",
                        trip.id
                    );
                }
            }
            assert!(trip.stops.iter().all(|&s| (s as usize) < t.stops.len()));
            let feed = if trip.id.starts_with("poa_eptc:") {
                0
            } else {
                1
            };
            let served = if feed == 0 { 0..3986 } else { 3986..4010 };
            assert!(
                trip.stops.iter().all(|s| served.contains(&(*s as usize))),
                "{}",
                trip.id
            );
        }

        // EPTC times only the first and last stop of each trip: every other
        // time of the feed is empty, and was interpolated.
        let eptc = poa("poa_eptc.zip");
        let rows = raw_rows(&eptc, "stop_times.txt");
        let empty = rows
            .iter()
            .filter(|r| r["arrival_time"].is_empty() && r["departure_time"].is_empty())
            .count();
        let eptc_trips = &t.trips[..2374];
        let intermediate: usize = eptc_trips.iter().map(|x| x.stops.len() - 2).sum();
        assert_eq!(rows.len(), 130_019);
        assert_eq!(empty, 125_271);
        assert_eq!(intermediate, empty, "every intermediate stop was untimed");

        // A few trips against an independent computation: the raw rows,
        // sorted by sequence, distances by geographiclib-rs directly, the
        // share of the time by cumulated distance, rounded half away.
        let stops: HashMap<String, (f64, f64)> = raw_rows(&eptc, "stops.txt")
            .into_iter()
            .map(|r| {
                let p = (
                    r["stop_lat"].parse().unwrap(),
                    r["stop_lon"].parse().unwrap(),
                );
                (r["stop_id"].clone(), p)
            })
            .collect();
        let wgs84 = geographiclib_rs::Geodesic::wgs84();
        let secs = |s: &str| {
            let v: Vec<i32> = s.split(':').map(|x| x.parse().unwrap()).collect();
            v[0] * 3600 + v[1] * 60 + v[2]
        };
        for k in [0, 1, 500, 1234, 2373] {
            let trip = &eptc_trips[k];
            let raw_id = trip.id.strip_prefix("poa_eptc:").unwrap();
            let mut mine: Vec<_> = rows.iter().filter(|r| r["trip_id"] == raw_id).collect();
            mine.sort_by_key(|r| r["stop_sequence"].parse::<u32>().unwrap());
            assert_eq!(mine.len(), trip.stops.len());
            let pos: Vec<(f64, f64)> = mine.iter().map(|r| stops[&r["stop_id"]]).collect();
            let mut cum = vec![0.0];
            for w2 in pos.windows(2) {
                let s12: f64 = geographiclib_rs::InverseGeodesic::inverse(
                    &wgs84, w2[0].0, w2[0].1, w2[1].0, w2[1].1,
                );
                cum.push(cum.last().unwrap() + s12);
            }
            let t0 = secs(&mine[0]["departure_time"]) as f64;
            let t1 = secs(&mine[mine.len() - 1]["arrival_time"]) as f64;
            let total = cum[cum.len() - 1];
            let expected: Vec<i32> = cum
                .iter()
                .map(|c| (t0 + (t1 - t0) * c / total).round() as i32)
                .collect();
            assert_eq!(trip.arrivals, expected, "{}", trip.id);
            assert_eq!(trip.departures, expected, "{}", trip.id);
            // And within 2 s of a spherical (haversine) interpolation.
            let hav = |a: (f64, f64), b: (f64, f64)| {
                let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
                let (dla, dlo) = (la2 - la1, (b.1 - a.1).to_radians());
                let h =
                    (dla / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlo / 2.0).sin().powi(2);
                2.0 * 6_371_008.8 * h.sqrt().asin()
            };
            let mut c = 0.0;
            let mut sph = vec![0.0];
            for w2 in pos.windows(2) {
                c += hav(w2[0], w2[1]);
                sph.push(c);
            }
            for (i, got) in trip.arrivals.iter().enumerate() {
                let e = t0 + (t1 - t0) * sph[i] / c;
                assert!(
                    (f64::from(*got) - e).abs() <= 2.0,
                    "{} at {i}: {got} vs {e}",
                    trip.id
                );
            }
            assert!(trip.stops.len() > 2, "{} has interpolated stops", trip.id);
        }
        assert_eq!(eptc_trips[0].id, "poa_eptc:T1-2@1#1202");
        assert_eq!(eptc_trips[0].arrivals[0], hms(12, 2, 0));

        // Trensurb times every stop: its times are the feed's.
        let first = &t.trips[2374];
        assert_eq!(first.id, "poa_trensurb:FULLW_AP_MR_05:05:00");
        assert_eq!(first.route, "poa_trensurb:LINHA1");
        let mut raw: Vec<_> = raw_rows(&poa("poa_trensurb.zip"), "stop_times.txt")
            .into_iter()
            .filter(|r| r["trip_id"] == "FULLW_AP_MR_05:05:00")
            .collect();
        raw.sort_by_key(|r| r["stop_sequence"].parse::<u32>().unwrap());
        let arr: Vec<i32> = raw.iter().map(|r| secs(&r["arrival_time"])).collect();
        let dep: Vec<i32> = raw.iter().map(|r| secs(&r["departure_time"])).collect();
        assert_eq!((&first.arrivals, &first.departures), (&arr, &dep));
        let names: Vec<_> = first
            .stops
            .iter()
            .map(|&s| {
                t.stops[s as usize]
                    .id
                    .strip_prefix("poa_trensurb:")
                    .unwrap()
            })
            .collect();
        let raw_stops: Vec<_> = raw.iter().map(|r| r["stop_id"].as_str()).collect();
        assert_eq!(names, raw_stops);
    }
}
