//! Reads point files (`id, lon, lat`), which can hold millions of rows (the
//! geocoded addresses of the young people followed): a direct CSV pass,
//! without the general feature machinery, with the same messages. Points
//! must lie in metropolitan France ([`Window::France`], for the coverage
//! commands), or anywhere on Earth ([`Window::World`], for `maillage temps`,
//! whose network decides which points it can measure).

use std::path::Path;

use crate::base::frame::Window;
use crate::base::LonLat;
use crate::error::{Error, Location};
use crate::load::csv_in::{csv_error, decode, reader, LineCounter};
use crate::load::features::parse_number;
use crate::load::layers::check_position;
use crate::warnings::Warnings;

/// Reads `id, lon, lat` rows (column names matched case-insensitively; also
/// `identifiant`/`id_fs`, `longitude`/`x`, `latitude`/`y`). Coordinates are
/// WGS84 degrees, a decimal comma is accepted.
pub fn read_points(
    path: &Path,
    warnings: &mut Warnings,
) -> Result<(Vec<String>, Vec<LonLat>), Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let p = parse_points(path, &bytes, warnings)?;
    Ok((p.ids, p.points))
}

/// [`read_points`] with the positions checked against `window` (France,
/// or only WGS84 validity when the territory decides later).
pub fn read_points_in(
    path: &Path,
    window: Window,
    warnings: &mut Warnings,
) -> Result<(Vec<String>, Vec<LonLat>), Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let p = parse_points_within(path, &bytes, warnings, window)?;
    Ok((p.ids, p.points))
}

/// Reads `id, lon, lat` rows anywhere on Earth (WGS84 degrees), for
/// `maillage temps`.
pub fn read_points_wgs84(path: &Path, warnings: &mut Warnings) -> Result<NamedPoints, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_points_within(path, &bytes, warnings, Window::World)
}

/// Points read from a file, with their optional names.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPoints {
    pub ids: Vec<String>,
    /// From a `nom`, `name` or `lib_fs` column; empty when there is none.
    pub names: Vec<String>,
    /// The line each point was read from.
    pub lines: Vec<u64>,
    pub points: Vec<LonLat>,
}

/// The columns of a points file: id, lon and lat, by position, with their
/// names as the header spells them (for messages).
pub(crate) struct Columns {
    ci: usize,
    cx: usize,
    cy: usize,
    pub(crate) names: [String; 3],
}

impl Columns {
    /// The id and position of one record, checked against `window`; `None`
    /// for a blank record; `line` gives a record's line for messages. Fields
    /// are trimmed here as `csv::Trim::All` trims them (a record read with
    /// it is unchanged).
    pub(crate) fn row<'r>(
        &self,
        path: &Path,
        rec: &'r csv::StringRecord,
        window: Window,
        line: &dyn Fn(&csv::StringRecord) -> u64,
    ) -> Result<Option<(&'r str, LonLat)>, Error> {
        if rec.iter().all(|f| f.trim().is_empty()) {
            return Ok(None);
        }
        let at = || Location::Line(line(rec));
        let field = |c: usize| rec.get(c).unwrap_or("").trim();
        let id = field(self.ci);
        if id.is_empty() {
            return Err(Error::field(path, at(), &self.names[0], "manquant"));
        }
        let coord = |c: usize, name: &str| {
            let raw = field(c);
            parse_number(raw).ok_or_else(|| {
                Error::field(
                    path,
                    at(),
                    name,
                    format!("attendu un nombre fini, trouvé « {raw} »"),
                )
            })
        };
        let lon = coord(self.cx, &self.names[1])?;
        let lat = coord(self.cy, &self.names[2])?;
        let p = LonLat::new(lon, lat);
        // The line is counted only for the message of a point out of the
        // window.
        if !window.contains(p) {
            check_position(window, path, &at(), &self.names[1], p)?;
        }
        Ok(Some((id, p)))
    }

    /// The columns of `headers`, or the error naming those missing.
    pub(crate) fn find(
        path: &Path,
        headers: &csv::StringRecord,
    ) -> Result<(Self, Option<usize>), Error> {
        let column = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
        };
        let (Some(ci), Some(cx), Some(cy)) = (
            column(&["id", "identifiant", "id_fs"]),
            column(&["lon", "longitude", "x"]),
            column(&["lat", "latitude", "y"]),
        ) else {
            return Err(Error::file(
                path,
                "attendu les colonnes id, lon et lat dans la ligne d'en-tête",
            ));
        };
        let cn = column(&["nom", "name", "lib_fs", "libelle"]);
        let names = [
            headers[ci].to_string(),
            headers[cx].to_string(),
            headers[cy].to_string(),
        ];
        Ok((Columns { ci, cx, cy, names }, cn))
    }
}

/// The error of an id met a second time at `line`, first at `first`.
pub(crate) fn repeated_id(path: &Path, line: u64, column: &str, id: &str, first: u64) -> Error {
    Error::field(
        path,
        Location::Line(line),
        column,
        format!("« {id} » figure déjà à la ligne {first} : chaque id doit être unique"),
    )
}

/// Parses point rows from `bytes`, in metropolitan France; `path` names the
/// file in messages.
pub fn parse_points(
    path: &Path,
    bytes: &[u8],
    warnings: &mut Warnings,
) -> Result<NamedPoints, Error> {
    parse_points_within(path, bytes, warnings, Window::France)
}

/// Parses point rows from `bytes`, each checked against `window`.
pub fn parse_points_within(
    path: &Path,
    bytes: &[u8],
    warnings: &mut Warnings,
    window: Window,
) -> Result<NamedPoints, Error> {
    let text = decode(path, bytes, warnings)?;
    let (mut rdr, headers) = reader(path, &text)?;
    let (cols, cn) = Columns::find(path, &headers)?;
    let lines = LineCounter::new(text.as_bytes());
    let mut ids = Vec::new();
    let mut labels = Vec::new();
    let mut at = Vec::new();
    let mut pts = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let more = rdr
            .read_record(&mut rec)
            .map_err(|e| csv_error(path, &e, &lines))?;
        if !more {
            break;
        }
        let line = |r: &csv::StringRecord| r.position().map_or(0, |p| lines.line(p.byte()));
        let Some((id, p)) = cols.row(path, &rec, window, &line)? else {
            continue;
        };
        pts.push(p);
        ids.push(id.to_string());
        labels.push(cn.and_then(|c| rec.get(c)).unwrap_or("").to_string());
        at.push(line(&rec));
    }
    // Ids name the output rows: two points with one id could not be told
    // apart.
    let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for (id, &line) in ids.iter().zip(&at) {
        if let Some(first) = seen.insert(id.as_str(), line) {
            return Err(repeated_id(path, line, &cols.names[0], id, first));
        }
    }
    drop(seen);
    Ok(NamedPoints {
        ids,
        names: labels,
        lines: at,
        points: pts,
    })
}

/// The first point outside the territory's window, as an error naming the
/// file, the point (its rank and id) and the likely cause.
pub fn points_outside(
    t: &crate::model::Territory,
    path: &std::path::Path,
    first_index: usize,
    ids: &[String],
    points: &[LonLat],
) -> Result<(), Error> {
    match points.iter().position(|p| !t.window.contains(*p)) {
        None => Ok(()),
        Some(i) => {
            let at = crate::error::Location::Feature {
                index: first_index + i,
                id: Some(ids[i].clone()),
            };
            check_position(t.window, path, &at, "lon/lat", points[i]).map(|_| ())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<(Vec<String>, Vec<LonLat>), Error> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        std::fs::write(&p, text).unwrap();
        read_points(&p, &mut Warnings::new()).map_err(|e| {
            // Messages name the file by its full path; keep the tail.
            Error::Invalid(e.to_string().replace(&dir.path().display().to_string(), ""))
        })
    }

    #[test]
    fn reads_semicolons_decimal_commas_and_reports_lines() {
        let (ids, pts) = read("id;lon;lat\nA;2,3;49,9\n\nB;3.0;50.6\n").unwrap();
        assert_eq!(ids, vec!["A", "B"]);
        assert_eq!(pts[1], LonLat::new(3.0, 50.6));
        let e = read("id,lon,lat\nA,2.3,49.9\n\nB,3.0,north\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "/p.csv : ligne 4 : champ « lat » : attendu un nombre fini, trouvé « north »"
        );
        let e = read("id,lon,lat\nA,700000,6600000\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("ligne 2") && e.contains("Lambert-93"), "{e}");
        let e = read("id,lon,lat\nA,2.3,49.9\nB,2.4,49.9\nA,2.5,49.9\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "/p.csv : ligne 4 : champ « id » : « A » figure déjà à la ligne 2 : chaque id doit être unique"
        );
        assert!(read("name,x\n")
            .unwrap_err()
            .to_string()
            .contains("attendu les colonnes id, lon et lat"));
    }

    #[test]
    fn world_points_lie_anywhere_but_in_degrees() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        let read = |text: &str| {
            std::fs::write(&p, text).unwrap();
            read_points_wgs84(&p, &mut Warnings::new())
                .map_err(|e| e.to_string().replace(&dir.path().display().to_string(), ""))
        };
        let pts = read("id;lat;lon\nmarket;-30,03;-51,23\nstbarth;17.9;-62.85\n").unwrap();
        assert_eq!(pts.ids, vec!["market", "stbarth"]);
        assert_eq!(pts.points[0], LonLat::new(-51.23, -30.03));
        assert_eq!(pts.lines, vec![2, 3]);
        assert_eq!(
            read("id,lon,lat\nA,2.3,49.9\nB,3.0,nord\n").unwrap_err(),
            "/p.csv : ligne 3 : champ « lat » : attendu un nombre fini, trouvé « nord »"
        );
        let e = read("id,lon,lat\nA,700000,6600000\n").unwrap_err();
        assert!(e.contains("ligne 2") && e.contains("Lambert-93"), "{e}");
        let e = read("id,lon,lat\nA,2.3,49.9\nA,2.5,49.9\n").unwrap_err();
        assert!(
            e.contains("ligne 3") && e.contains("figure déjà à la ligne 2"),
            "{e}"
        );
    }
}
