//! Reads `id, lon, lat` point files anywhere on Earth, for `maillage temps`.
//!
//! [`crate::load::points`] checks that points lie in metropolitan France,
//! which is right for the coverage commands but would refuse the network
//! fixtures (Saint-Barthélemy, Porto Alegre) and any network a user brings
//! from elsewhere: here only WGS84 ranges are checked (with the same hints
//! for Lambert-93 metres), the network itself decides later which points are
//! near enough to be measured. Same columns, delimiters, decimal comma and
//! unique ids as [`crate::load::points`]; messages in French.

use std::path::Path;

use crate::error::{Error, Location};
use crate::load::csv_in::{csv_error, decode, sniff_delimiter, LineCounter};
use crate::load::features::parse_number;
use crate::load::points::NamedPoints;
use crate::model::LonLat;
use crate::warnings::Warnings;

/// Reads `id, lon, lat` rows (column names matched case-insensitively; also
/// `identifiant`/`id_fs`, `longitude`/`x`, `latitude`/`y`), WGS84 degrees.
///
/// # Errors
/// [`Error::File`] when the file cannot be read or lacks a column;
/// [`Error::Field`] naming the line and column of a missing id, a duplicated
/// id, or a coordinate that is not a number or not in WGS84 degrees.
pub fn read_points_wgs84(path: &Path, warnings: &mut Warnings) -> Result<NamedPoints, Error> {
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::file(path, "fichier introuvable (vérifiez le chemin)")
        }
        _ => Error::file(path, format!("lecture impossible : {e}")),
    })?;
    let text = decode(path, &bytes, warnings)?;
    let delimiter = sniff_delimiter(text.lines().next().unwrap_or(""));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| Error::file(path, format!("ligne d'en-tête illisible : {e}")))?
        .clone();
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
            "colonnes id, lon et lat attendues dans la ligne d'en-tête",
        ));
    };
    let cn = column(&["nom", "name", "lib_fs", "libelle"]);
    let names = [&headers[ci], &headers[cx], &headers[cy]];
    let lines = LineCounter::new(text.as_bytes());
    let mut out = NamedPoints {
        ids: Vec::new(),
        names: Vec::new(),
        lines: Vec::new(),
        points: Vec::new(),
    };
    let mut seen: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut rec = csv::StringRecord::new();
    while rdr
        .read_record(&mut rec)
        .map_err(|e| csv_error(path, &e, &lines))?
    {
        if rec.iter().all(str::is_empty) {
            continue;
        }
        let line = rec.position().map_or(0, |p| lines.line(p.byte()));
        let at = Location::Line(line);
        let id = rec.get(ci).unwrap_or("");
        if id.is_empty() {
            return Err(Error::field(path, at, names[0], "identifiant manquant"));
        }
        let coord = |c: usize, name: &str, limit: f64| {
            let raw = rec.get(c).unwrap_or("");
            let x = parse_number(raw).ok_or_else(|| {
                Error::field(
                    path,
                    Location::Line(line),
                    name,
                    format!("nombre attendu, trouvé « {raw} »"),
                )
            })?;
            if x.abs() > limit {
                let hint = if x.abs() > 1000.0 {
                    " : ce sont sans doute des mètres (Lambert-93 ?), il faut des degrés WGS84"
                } else {
                    ""
                };
                return Err(Error::field(
                    path,
                    Location::Line(line),
                    name,
                    format!("{x} n'est pas une coordonnée WGS84 en degrés (au plus {limit} en valeur absolue){hint}"),
                ));
            }
            Ok(x)
        };
        let lon = coord(cx, names[1], 180.0)?;
        let lat = coord(cy, names[2], 90.0)?;
        if let Some(first) = seen.insert(id.to_string(), line) {
            return Err(Error::field(
                path,
                at,
                names[0],
                format!(
                    "« {id} » figure déjà ligne {first} : les identifiants doivent être uniques"
                ),
            ));
        }
        out.ids.push(id.to_string());
        out.names
            .push(cn.and_then(|c| rec.get(c)).unwrap_or("").to_string());
        out.lines.push(line);
        out.points.push(LonLat::new(lon, lat));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<NamedPoints, String> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.csv");
        std::fs::write(&p, text).unwrap();
        read_points_wgs84(&p, &mut Warnings::new())
            .map_err(|e| e.to_string().replace(&dir.path().display().to_string(), ""))
    }

    #[test]
    fn reads_points_anywhere_and_names_bad_lines() {
        let p = read("id;lat;lon\nmarket;-30,03;-51,23\nstbarth;17.9;-62.85\n").unwrap();
        assert_eq!(p.ids, vec!["market", "stbarth"]);
        assert_eq!(p.points[0], LonLat::new(-51.23, -30.03));
        assert_eq!(p.lines, vec![2, 3]);
        assert_eq!(
            read("id,lon,lat\nA,2.3,49.9\nB,3.0,nord\n").unwrap_err(),
            "/p.csv: line 3: field \"lat\": nombre attendu, trouvé « nord »"
        );
        let e = read("id,lon,lat\nA,700000,6600000\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("Lambert-93"), "{e}");
        let e = read("id,lon,lat\nA,2.3,49.9\nA,2.5,49.9\n").unwrap_err();
        assert!(
            e.contains("line 3") && e.contains("figure déjà ligne 2"),
            "{e}"
        );
        assert!(read("nom,x\n")
            .unwrap_err()
            .contains("colonnes id, lon et lat"));
    }
}
