//! Shapefile reader: geometries from the `.shp` (through the `shapefile`
//! crate), attributes from the `.dbf` (read here, so that the text encoding
//! is under our control), coordinate system from the `.prj`.
//!
//! IGN ADMIN EXPRESS, the file planners download, comes in Lambert-93 with
//! Windows-1252 or UTF-8 attributes; both read as downloaded. Coordinates are
//! converted to WGS84 longitude/latitude once, here.

use std::path::Path;

use geo::{Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::{Number, Value};
use shapefile::{PolygonRing, Shape, ShapeReader};

use crate::error::{Error, Location};
use crate::io::features::{RawFeature, RawLayer};
use crate::io::prj::{parse_prj, Crs};
use crate::model::L93;
use crate::warnings::Warnings;

/// How `.dbf` text is decoded.
#[derive(Debug, Clone, Copy)]
enum TextEncoding {
    /// Declared (by `.cpg` or the dBASE language byte).
    Known(&'static encoding_rs::Encoding),
    /// Unknown: UTF-8 when the bytes are valid UTF-8, else Windows-1252.
    Guess,
}

fn encoding_of_cpg(path: &Path, cpg: &str) -> Result<&'static encoding_rs::Encoding, Error> {
    let v = cpg.trim().to_uppercase().replace(' ', "");
    let enc = match v.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(encoding_rs::UTF_8),
        "1252" | "CP1252" | "WINDOWS-1252" | "ANSI1252" | "ANSI" | "ISO-8859-1" | "ISO8859-1"
        | "8859-1" | "88591" | "LATIN1" | "LATIN-1" => {
            // Windows-1252 is the superset of Latin-1 in every printable
            // character, which is what the WHATWG label maps to as well.
            Some(encoding_rs::WINDOWS_1252)
        }
        "ISO-8859-15" | "8859-15" | "885915" | "LATIN9" => Some(encoding_rs::ISO_8859_15),
        other => encoding_rs::Encoding::for_label(other.as_bytes()),
    };
    enc.ok_or_else(|| {
        Error::file(
            path,
            format!("unknown code page \"{}\" in the .cpg file", cpg.trim()),
        )
    })
}

/// One `.dbf` column.
struct DbfField {
    name: String,
    kind: u8,
    len: usize,
}

/// Reads every record of a `.dbf` into (name, value) pairs.
fn read_dbf(
    path: &Path,
    enc: TextEncoding,
    warnings: &mut Warnings,
) -> Result<Vec<Vec<(String, Value)>>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = |what: &str| Error::file(path, format!("not a valid dBASE file: {what}"));
    if bytes.len() < 33 {
        return Err(bad("shorter than its header"));
    }
    let n_records = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let record_len = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
    let language = bytes[29];
    let enc = match enc {
        TextEncoding::Guess => match language {
            0x03 | 0x57 | 0x58 | 0x59 => TextEncoding::Known(encoding_rs::WINDOWS_1252),
            _ => TextEncoding::Guess,
        },
        known => known,
    };
    let mut fields = Vec::new();
    let mut pos = 32;
    while pos + 32 <= bytes.len() && bytes[pos] != 0x0D {
        let raw = &bytes[pos..pos + 11];
        let name_end = raw.iter().position(|&b| b == 0).unwrap_or(11);
        fields.push(DbfField {
            name: String::from_utf8_lossy(&raw[..name_end]).trim().to_string(),
            kind: bytes[pos + 11],
            len: bytes[pos + 16] as usize,
        });
        pos += 32;
    }
    if fields.is_empty() {
        return Err(bad("no field"));
    }
    if fields.iter().map(|f| f.len).sum::<usize>() + 1 != record_len {
        return Err(bad("record length disagrees with the fields"));
    }
    if header_len + n_records * record_len > bytes.len() {
        return Err(bad(&format!("truncated: {n_records} records announced")));
    }
    let mut guessed_1252 = false;
    let mut records = Vec::with_capacity(n_records);
    for r in 0..n_records {
        let rec = &bytes[header_len + r * record_len..header_len + (r + 1) * record_len];
        if rec[0] == b'*' {
            // Deleted records still have their shape in the .shp, so they keep
            // their place; their attributes are empty.
            records.push(Vec::new());
            continue;
        }
        let mut off = 1;
        let mut values = Vec::with_capacity(fields.len());
        for f in &fields {
            let raw = &rec[off..off + f.len];
            off += f.len;
            let text = match enc {
                TextEncoding::Known(e) => e.decode_without_bom_handling(raw).0.into_owned(),
                TextEncoding::Guess => match std::str::from_utf8(raw) {
                    Ok(s) => s.to_string(),
                    Err(_) => {
                        guessed_1252 = true;
                        encoding_rs::WINDOWS_1252
                            .decode_without_bom_handling(raw)
                            .0
                            .into_owned()
                    }
                },
            };
            let t = text
                .trim_matches(|c: char| c == ' ' || c == '\0')
                .to_string();
            let value = match f.kind {
                b'N' | b'F' | b'O' | b'I' | b'B' if t.is_empty() || t.starts_with('*') => {
                    Value::Null
                }
                b'N' | b'F' | b'O' => match t.parse::<i64>() {
                    Ok(i) => Value::Number(i.into()),
                    Err(_) => t
                        .parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map_or(Value::String(t), Value::Number),
                },
                b'L' => match t.chars().next() {
                    Some('T' | 't' | 'Y' | 'y') => Value::Bool(true),
                    Some('F' | 'f' | 'N' | 'n') => Value::Bool(false),
                    _ => Value::Null,
                },
                b'D' if t.len() == 8 => {
                    Value::String(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
                }
                _ if t.is_empty() => Value::Null,
                _ => Value::String(t),
            };
            values.push((f.name.clone(), value));
        }
        records.push(values);
    }
    if guessed_1252 {
        warnings.add(
            path,
            "no .cpg and text not UTF-8: attributes read as Windows-1252 (Latin-1)",
            "whole file",
        );
    }
    Ok(records)
}

/// Reads a shapefile into raw features in WGS84 longitude/latitude.
pub fn read_shapefile(path: &Path, warnings: &mut Warnings) -> Result<RawLayer, Error> {
    if !path.exists() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let dbf = path.with_extension("dbf");
    if !dbf.exists() {
        return Err(Error::file(
            path,
            format!(
                "the attribute file {} is missing (a shapefile is .shp + .shx + .dbf)",
                dbf.display()
            ),
        ));
    }
    let enc = match std::fs::read_to_string(path.with_extension("cpg")) {
        Ok(cpg) => TextEncoding::Known(encoding_of_cpg(&path.with_extension("cpg"), &cpg)?),
        Err(_) => TextEncoding::Guess,
    };
    let records = read_dbf(&dbf, enc, warnings)?;
    let mut reader = ShapeReader::from_path(path)
        .map_err(|e| Error::file(path, format!("unreadable .shp: {e}")))?;
    let mut shapes = Vec::new();
    for (i, s) in reader.iter_shapes().enumerate() {
        shapes.push(s.map_err(|e| {
            Error::record(
                path,
                Location::Record {
                    index: i + 1,
                    id: None,
                },
                format!("unreadable shape: {e}"),
            )
        })?);
    }
    if shapes.len() != records.len() {
        return Err(Error::file(
            path,
            format!(
                "{} shapes in the .shp but {} records in the .dbf",
                shapes.len(),
                records.len()
            ),
        ));
    }
    let prj_path = path.with_extension("prj");
    let crs = match std::fs::read_to_string(&prj_path) {
        Ok(wkt) => parse_prj(&prj_path, &wkt)?,
        Err(_) => infer_crs(path, &shapes, warnings)?,
    };
    let mut features = Vec::with_capacity(shapes.len());
    for (i, (shape, attrs)) in shapes.into_iter().zip(records).enumerate() {
        let location = Location::Record {
            index: i + 1,
            id: None,
        };
        let mut f = RawFeature::new(location.clone());
        for (name, v) in attrs {
            f.insert(&name, v);
        }
        f.geometry = convert(path, &location, shape, crs)?;
        features.push(f);
    }
    Ok(RawLayer {
        path: path.to_path_buf(),
        features,
    })
}

/// Without a `.prj`, decides from the coordinates' range.
fn infer_crs(path: &Path, shapes: &[Shape], warnings: &mut Warnings) -> Result<Crs, Error> {
    let mut all_lonlat = true;
    let mut all_l93 = true;
    for s in shapes {
        for (x, y) in shape_xy(s) {
            all_lonlat &= (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
            all_l93 &= (0.0..=1_300_000.0).contains(&x) && (6_000_000.0..=7_200_000.0).contains(&y);
        }
    }
    if all_lonlat {
        warnings.add(
            path,
            "no .prj: coordinates read as WGS84 longitude/latitude (they lie within ±180°/±90°)",
            "whole file",
        );
        Ok(Crs::Wgs84)
    } else if all_l93 {
        warnings.add(
            path,
            "no .prj: coordinates read as Lambert-93 metres (they lie in its extent)",
            "whole file",
        );
        Ok(Crs::Lambert(*crate::geom::LAMBERT_93))
    } else {
        Err(Error::file(path, "no .prj file, and the coordinates are neither longitude/latitude nor Lambert-93: add the .prj"))
    }
}

fn shape_xy(s: &Shape) -> Vec<(f64, f64)> {
    match s {
        Shape::Point(p) => vec![(p.x, p.y)],
        Shape::PointM(p) => vec![(p.x, p.y)],
        Shape::PointZ(p) => vec![(p.x, p.y)],
        Shape::Polygon(p) => p
            .rings()
            .iter()
            .flat_map(|r| r.points().iter().map(|q| (q.x, q.y)))
            .collect(),
        Shape::PolygonM(p) => p
            .rings()
            .iter()
            .flat_map(|r| r.points().iter().map(|q| (q.x, q.y)))
            .collect(),
        Shape::PolygonZ(p) => p
            .rings()
            .iter()
            .flat_map(|r| r.points().iter().map(|q| (q.x, q.y)))
            .collect(),
        Shape::Multipoint(m) => m.points().iter().map(|q| (q.x, q.y)).collect(),
        _ => Vec::new(),
    }
}

fn shape_name(s: &Shape) -> &'static str {
    match s {
        Shape::NullShape => "Null",
        Shape::Point(_) | Shape::PointM(_) | Shape::PointZ(_) => "Point",
        Shape::Polyline(_) | Shape::PolylineM(_) | Shape::PolylineZ(_) => "PolyLine",
        Shape::Polygon(_) | Shape::PolygonM(_) | Shape::PolygonZ(_) => "Polygon",
        Shape::Multipoint(_) | Shape::MultipointM(_) | Shape::MultipointZ(_) => "MultiPoint",
        Shape::Multipatch(_) => "MultiPatch",
    }
}

fn convert(
    path: &Path,
    location: &Location,
    shape: Shape,
    crs: Crs,
) -> Result<Option<geo::Geometry<f64>>, Error> {
    let to_lonlat = |x: f64, y: f64| -> Result<Coord<f64>, Error> {
        if !x.is_finite() || !y.is_finite() {
            return Err(Error::record(
                path,
                location.clone(),
                format!("non-finite coordinate ({x}, {y})"),
            ));
        }
        Ok(match crs {
            Crs::Wgs84 => Coord { x, y },
            Crs::Lambert(l) => {
                let p = l.unproject(L93 { x, y });
                Coord { x: p.lon, y: p.lat }
            }
        })
    };
    let rings_of = |rings: Vec<(bool, Vec<(f64, f64)>)>| -> Result<MultiPolygon<f64>, Error> {
        let mut outers: Vec<(LineString<f64>, Vec<LineString<f64>>)> = Vec::new();
        let mut holes: Vec<LineString<f64>> = Vec::new();
        for (outer, pts) in rings {
            let ls = LineString(
                pts.into_iter()
                    .map(|(x, y)| to_lonlat(x, y))
                    .collect::<Result<Vec<_>, _>>()?,
            );
            if outer {
                outers.push((ls, Vec::new()));
            } else {
                holes.push(ls);
            }
        }
        // A hole belongs to the outer ring that contains it; one that no
        // outer ring contains is kept as an outer ring (bad orientation).
        for h in holes {
            let probe = h.0.first().copied().map(Point::from);
            let owner = probe.and_then(|p| {
                outers
                    .iter()
                    .position(|(o, _)| Polygon::new(o.clone(), vec![]).contains(&p))
            });
            match owner {
                Some(i) => outers[i].1.push(h),
                None => outers.push((h, Vec::new())),
            }
        }
        Ok(MultiPolygon(
            outers
                .into_iter()
                .map(|(o, hs)| Polygon::new(o, hs))
                .collect(),
        ))
    };
    macro_rules! polygon {
        ($p:expr) => {
            rings_of(
                $p.into_inner()
                    .into_iter()
                    .map(|r| match r {
                        PolygonRing::Outer(v) => (true, v.iter().map(|q| (q.x, q.y)).collect()),
                        PolygonRing::Inner(v) => (false, v.iter().map(|q| (q.x, q.y)).collect()),
                    })
                    .collect(),
            )
            .map(|m| Some(geo::Geometry::MultiPolygon(m)))
        };
    }
    match shape {
        Shape::NullShape => Ok(None),
        Shape::Point(p) => Ok(Some(geo::Geometry::Point(Point(to_lonlat(p.x, p.y)?)))),
        Shape::PointM(p) => Ok(Some(geo::Geometry::Point(Point(to_lonlat(p.x, p.y)?)))),
        Shape::PointZ(p) => Ok(Some(geo::Geometry::Point(Point(to_lonlat(p.x, p.y)?)))),
        Shape::Multipoint(m) if m.points().len() == 1 => {
            let q = m.points()[0];
            Ok(Some(geo::Geometry::Point(Point(to_lonlat(q.x, q.y)?))))
        }
        Shape::Polygon(p) => polygon!(p),
        Shape::PolygonM(p) => polygon!(p),
        Shape::PolygonZ(p) => polygon!(p),
        other => Err(Error::record(
            path,
            location.clone(),
            format!("shape type {} is not supported: expected polygons (communes, QPV) or points (sites)", shape_name(&other)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpg_values_map_to_encodings() {
        let p = Path::new("a.cpg");
        assert_eq!(encoding_of_cpg(p, "UTF-8\n").unwrap(), encoding_rs::UTF_8);
        assert_eq!(
            encoding_of_cpg(p, "1252").unwrap(),
            encoding_rs::WINDOWS_1252
        );
        assert_eq!(
            encoding_of_cpg(p, "ISO-8859-1").unwrap(),
            encoding_rs::WINDOWS_1252
        );
        assert!(encoding_of_cpg(p, "EBCDIC-42")
            .unwrap_err()
            .to_string()
            .contains("EBCDIC-42"));
    }
}

#[cfg(test)]
mod fixture_tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use geo::CoordsIter;

    use super::*;
    use crate::io::geojson::parse_geojson;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/shp")
            .join(name)
    }

    /// The source polygons the fixtures were made from, by INSEE code.
    fn source() -> BTreeMap<String, (String, geo::Geometry<f64>)> {
        let p = fixture("source_communes.geojson");
        let layer = parse_geojson(&p, &std::fs::read(&p).unwrap()).unwrap();
        layer
            .features
            .into_iter()
            .map(|f| {
                let code = f.text(&["code_insee"]).unwrap().1;
                let nom = f.text(&["nom"]).unwrap().1;
                (code, (nom, f.geometry.unwrap()))
            })
            .collect()
    }

    /// Largest coordinate difference, in degrees, between the shapefile's
    /// features and the source polygons.
    fn max_deviation(layer: &RawLayer) -> f64 {
        let src = source();
        let mut worst: f64 = 0.0;
        for f in &layer.features {
            let code = f.text(&["INSEE_COM"]).unwrap().1;
            let (_, g) = &src[&code];
            let a: Vec<(f64, f64)> = f
                .geometry
                .as_ref()
                .unwrap()
                .coords_iter()
                .map(|c| (c.x, c.y))
                .collect();
            let b: Vec<(f64, f64)> = g.coords_iter().map(|c| (c.x, c.y)).collect();
            assert_eq!(a.len(), b.len(), "{code}: vertex count");
            // Rings may be reversed (shapefiles want outer rings clockwise):
            // match each vertex to its nearest source vertex.
            for p in &a {
                let d = b
                    .iter()
                    .map(|q| (p.0 - q.0).abs().max((p.1 - q.1).abs()))
                    .fold(f64::INFINITY, f64::min);
                worst = worst.max(d);
            }
        }
        worst
    }

    #[test]
    fn lambert93_with_cpg_reads_names_and_reprojects() {
        let mut w = Warnings::new();
        let layer = read_shapefile(&fixture("communes_l93.shp"), &mut w).unwrap();
        assert!(w.is_empty(), "{:?}", w.lines());
        assert_eq!(layer.features.len(), 6);
        let src = source();
        for f in &layer.features {
            let code = f.text(&["INSEE_COM"]).unwrap().1;
            assert_eq!(f.text(&["NOM"]).unwrap().1, src[&code].0, "accents intact");
        }
        let etampes = layer
            .features
            .iter()
            .find(|f| f.text(&["INSEE_COM"]).unwrap().1 == "02292")
            .unwrap();
        assert_eq!(etampes.text(&["NOM"]).unwrap().1, "Étampes-sur-Marne");
        assert!(
            etampes
                .number(Path::new("x"), &["POPULATION"])
                .unwrap()
                .unwrap()
                .1
                > 1000.0
        );
        // PROJ wrote the fixture at 1 mm; our inverse projection must land on
        // the source vertices (given at 1e-6°).
        let dev = max_deviation(&layer);
        assert!(dev < 1e-7, "largest deviation {dev}°");
    }

    #[test]
    fn latin1_without_cpg_is_decoded_with_a_warning() {
        let mut w = Warnings::new();
        let layer = read_shapefile(&fixture("communes_l93_nocpg.shp"), &mut w).unwrap();
        let names: Vec<String> = layer
            .features
            .iter()
            .map(|f| f.text(&["NOM"]).unwrap().1)
            .collect();
        assert!(
            names.contains(&"Étampes-sur-Marne".to_string()),
            "{names:?}"
        );
        assert_eq!(w.count_matching("Windows-1252"), 1);
    }

    #[test]
    fn wgs84_utf8_reads_as_is() {
        let mut w = Warnings::new();
        let layer = read_shapefile(&fixture("communes_wgs84.shp"), &mut w).unwrap();
        assert!(max_deviation(&layer) < 1e-12);
    }

    #[test]
    fn missing_prj_is_inferred_with_a_warning() {
        let mut w = Warnings::new();
        let layer = read_shapefile(&fixture("communes_l93_noprj.shp"), &mut w).unwrap();
        assert_eq!(w.count_matching("no .prj"), 1);
        assert!(max_deviation(&layer) < 1e-7);
    }

    #[test]
    fn unsupported_prj_and_missing_dbf_are_errors() {
        let mut w = Warnings::new();
        let e = read_shapefile(&fixture("communes_3857.shp"), &mut w)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("communes_3857.prj") && e.contains("MERCATOR"),
            "{e}"
        );
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixture("communes_l93.shp"), dir.path().join("c.shp")).unwrap();
        let e = read_shapefile(&dir.path().join("c.shp"), &mut w)
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.dbf is missing"), "{e}");
    }

    #[test]
    fn points_shapefile_gives_sites() {
        let mut w = Warnings::new();
        let layer = read_shapefile(&fixture("sites_points.shp"), &mut w).unwrap();
        assert_eq!(layer.features.len(), 3);
        let Some(geo::Geometry::Point(p)) = layer.features[0].geometry else {
            panic!()
        };
        assert!((p.x() - 2.295408).abs() < 1e-7 && (p.y() - 49.893422).abs() < 1e-7);
        assert_eq!(
            layer.features[2].text(&["nom"]).unwrap().1,
            "Permanence Saint-Valery-sur-Somme"
        );
    }
}
