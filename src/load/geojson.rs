//! GeoJSON reader (RFC 7946, WGS84 lon/lat). An old-style `crs` member naming
//! EPSG:2154 (Lambert-93), as some French portals still write, is honoured by
//! unprojecting; any other non-WGS84 `crs` is an error.

use std::path::Path;

use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::{Error, Location};
use crate::geom::LAMBERT_93;
use crate::load::features::{Props, RawFeature, RawLayer};
use crate::model::L93;
use crate::warnings::Warnings;

/// Which coordinates a file holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Coords {
    LonLat,
    Lambert93,
}

/// Reads a GeoJSON FeatureCollection (or a single Feature) into raw features.
pub fn read_geojson(path: &Path, _warnings: &mut Warnings) -> Result<RawLayer, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_geojson(path, &bytes)
}

/// Parses GeoJSON bytes; `path` only names the source in messages.
pub fn parse_geojson(path: &Path, bytes: &[u8]) -> Result<RawLayer, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::file(
            path,
            "le fichier est vide : attendu une FeatureCollection GeoJSON",
        ));
    }
    // A FeatureCollection is split into its features without building the
    // whole tree (each feature stays a slice of the file), and the features
    // are parsed in parallel: memory stays near the file's size.
    let top: Top<'_> = serde_json::from_slice(bytes).map_err(|e| invalid_json(path, &e))?;
    let coords = crs_of(path, top.crs.as_ref())?;
    let features: Vec<&RawValue> = match top.kind.as_deref() {
        Some("FeatureCollection") => match top.features {
            Some(a) => a,
            None => {
                return Err(Error::file(
                    path,
                    "FeatureCollection sans tableau « features »",
                ))
            }
        },
        Some("Feature") => {
            // A single feature: read it whole (rare, small).
            let root: Value = serde_json::from_slice(bytes).map_err(|e| invalid_json(path, &e))?;
            return Ok(RawLayer {
                path: path.to_path_buf(),
                features: vec![read_feature(path, bytes, 0, &root, coords)?],
            });
        }
        Some(other) => {
            return Err(Error::file(
                path,
                format!("attendu une FeatureCollection GeoJSON, trouvé un {other}"),
            ))
        }
        None => {
            return Err(Error::file(
                path,
                "attendu une FeatureCollection GeoJSON : pas de membre « type »",
            ))
        }
    };
    let parsed: Vec<Result<RawFeature, Error>> = features
        .par_iter()
        .enumerate()
        .map(|(index, raw)| read_raw_feature(path, bytes, index, raw, coords))
        .collect();
    // The first problem in file order, whatever the thread that found it.
    let out = parsed.into_iter().collect::<Result<Vec<_>, Error>>()?;
    Ok(RawLayer {
        path: path.to_path_buf(),
        features: out,
    })
}

/// The members of a GeoJSON object that decide how it is read; `features`
/// kept as slices of the file. `features` that is not an array of objects
/// is caught as invalid.
#[derive(serde::Deserialize)]
struct Top<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(borrow, default, deserialize_with = "features_or_none")]
    features: Option<Vec<&'a RawValue>>,
}

/// `features` as raw slices when it is an array, `None` for anything else
/// (the caller then says « sans tableau « features » »).
fn features_or_none<'de, D>(d: D) -> Result<Option<Vec<&'de RawValue>>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw: &'de RawValue = serde::Deserialize::deserialize(d)?;
    Ok(serde_json::from_str::<Vec<&'de RawValue>>(raw.get()).ok())
}

fn invalid_json(path: &Path, e: &serde_json::Error) -> Error {
    Error::file(
        path,
        format!(
            "JSON invalide ligne {} colonne {} : {} (fichier tronqué ou autre chose que du GeoJSON ?)",
            e.line(),
            e.column(),
            json_problem(e)
        ),
    )
}

fn crs_of(path: &Path, crs: Option<&Value>) -> Result<Coords, Error> {
    let Some(name) = crs
        .and_then(|c| c.get("properties"))
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
    else {
        return Ok(Coords::LonLat);
    };
    let n = name.to_uppercase();
    if n.contains("CRS84") || n.ends_with(":4326") || n.ends_with("::4326") || n.ends_with(":4171")
    {
        Ok(Coords::LonLat)
    } else if n.ends_with(":2154") || n.ends_with("::2154") {
        Ok(Coords::Lambert93)
    } else {
        Err(Error::file(
            path,
            format!(
                "le membre « crs » nomme {name} : seuls la longitude/latitude WGS84 (RFC 7946) et \
                 le Lambert-93 (EPSG:2154) sont pris en charge ; reprojetez avec `ogr2ogr -t_srs EPSG:4326`"
            ),
        ))
    }
}

/// A feature's members, its geometry kept as a slice of the file.
#[derive(serde::Deserialize)]
struct FeatureRaw<'a> {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<Value>,
    #[serde(borrow, default)]
    geometry: Option<&'a RawValue>,
}

/// A geometry's members, coordinates kept as a slice of the file until its
/// type is known (the members may come in any order).
#[derive(serde::Deserialize)]
struct GeometryRaw<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
    #[serde(borrow, default)]
    geometries: Option<Vec<&'a RawValue>>,
}

/// A position: its first two numbers, and how many numbers it had (a
/// shorter one is refused after parsing, with its text).
#[derive(Clone, Copy)]
struct Pos {
    xy: [f64; 2],
    count: u8,
}

impl<'de> serde::Deserialize<'de> for Pos {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Pos;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a position (an array of numbers)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Pos, A::Error> {
                let mut p = Pos {
                    xy: [f64::NAN; 2],
                    count: 0,
                };
                while let Some(x) = seq.next_element::<f64>()? {
                    if usize::from(p.count) < 2 {
                        p.xy[usize::from(p.count)] = x;
                    }
                    p.count = p.count.saturating_add(1);
                }
                Ok(p)
            }
        }
        d.deserialize_seq(V)
    }
}

/// Reads one feature from its slice of the file.
fn read_raw_feature(
    path: &Path,
    bytes: &[u8],
    index: usize,
    raw: &RawValue,
    coords: Coords,
) -> Result<RawFeature, Error> {
    let fr: FeatureRaw<'_> = match serde_json::from_str(raw.get()) {
        Ok(f) => f,
        // Not an object, or members of the wrong kind: the general reader
        // gives the message.
        Err(_) => {
            let fv: Value = serde_json::from_str(raw.get()).map_err(|e| {
                // Positions within the file, not within the feature.
                serde_json::from_slice::<Value>(bytes).err().map_or_else(
                    || invalid_json(path, &e),
                    |whole| invalid_json(path, &whole),
                )
            })?;
            return read_feature(path, bytes, index, &fv, coords);
        }
    };
    build_feature(path, bytes, index, fr, coords)
}

/// A feature from its members, however they were read: `kind` must be
/// « Feature », `properties` an object (or absent), `geometry` is kept as
/// JSON text until read.
fn build_feature(
    path: &Path,
    bytes: &[u8],
    index: usize,
    fr: FeatureRaw<'_>,
    coords: Coords,
) -> Result<RawFeature, Error> {
    let id = match &fr.id {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let location = Location::Feature { index, id };
    if fr.kind.as_ref().and_then(Value::as_str) != Some("Feature") {
        return Err(Error::record(
            path,
            location,
            "pas un objet GeoJSON Feature (pas de « type » : « Feature »)",
        ));
    }
    let mut f = RawFeature::new(location.clone());
    match fr.properties {
        Some(Value::Object(props)) => {
            // As inserting them one by one, in the object's order.
            f.props = Props::from_entries(
                props
                    .into_iter()
                    .map(|(k, v)| (k.to_lowercase(), (k, v)))
                    .collect(),
            );
        }
        Some(Value::Null) | None => {}
        Some(_) => {
            return Err(Error::record(
                path,
                location,
                "« properties » n'est pas un objet JSON",
            ))
        }
    }
    if let Some(g) = fr.geometry.filter(|g| g.get().trim() != "null") {
        f.geometry = Some(read_geometry(path, bytes, &location, g, coords)?);
    }
    Ok(f)
}

/// A feature's geometry, checked, in lon/lat; `bytes` (the whole file)
/// gives the position of a JSON error.
fn read_geometry(
    path: &Path,
    bytes: &[u8],
    location: &Location,
    g: &RawValue,
    coords: Coords,
) -> Result<geo::Geometry<f64>, Error> {
    let mut geom = parse_geometry(g).map_err(|e| match e {
        GeometryError::Problem(problem) => {
            Error::field(path, location.clone(), "geometry", problem)
        }
        // A number the splitting let through (1e999): the message of the
        // whole file, with its line and column.
        GeometryError::Syntax => match serde_json::from_slice::<Value>(bytes) {
            Err(e) => invalid_json(path, &e),
            Ok(_) => Error::field(path, location.clone(), "geometry", "JSON invalide"),
        },
    })?;
    check_coordinates(path, location, &geom, coords)?;
    if coords == Coords::Lambert93 {
        use geo::MapCoordsInPlace;
        geom.map_coords_in_place(|c| {
            let ll = LAMBERT_93.unproject(L93 { x: c.x, y: c.y });
            geo::Coord {
                x: ll.lon,
                y: ll.lat,
            }
        });
    }
    Ok(geom)
}

/// Why a geometry could not be read.
enum GeometryError {
    /// Said in French, for the feature's `geometry` field.
    Problem(String),
    /// Not JSON (a number out of range): the whole file's message applies.
    Syntax,
}

impl From<String> for GeometryError {
    fn from(s: String) -> Self {
        GeometryError::Problem(s)
    }
}

fn json_error(e: &serde_json::Error) -> GeometryError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => GeometryError::Syntax,
        _ => GeometryError::Problem(format!("géométrie GeoJSON invalide : {}", json_problem(e))),
    }
}

/// A GeoJSON geometry read straight into `geo` types, or the problem.
fn parse_geometry(raw: &RawValue) -> Result<geo::Geometry<f64>, GeometryError> {
    use geo::{Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
    let invalid = |e: String| GeometryError::Problem(format!("géométrie GeoJSON invalide : {e}"));
    let g: GeometryRaw<'_> = serde_json::from_str(raw.get()).map_err(|e| json_error(&e))?;
    let kind = g
        .kind
        .ok_or_else(|| invalid("membre « type » absent".into()))?;
    if kind == "GeometryCollection" {
        let members = g
            .geometries
            .ok_or_else(|| invalid("membre « geometries » absent".into()))?;
        return members
            .iter()
            .map(|m| parse_geometry(m))
            .collect::<Result<Vec<_>, _>>()
            .map(|v| geo::Geometry::GeometryCollection(geo::GeometryCollection(v)));
    }
    let c = g
        .coordinates
        .ok_or_else(|| invalid("membre « coordinates » absent".into()))?
        .get();
    if let Some(geometry) = fast::geometry(&kind, c) {
        return Ok(geometry);
    }
    fn parse<T: serde::de::DeserializeOwned>(c: &str) -> Result<T, GeometryError> {
        serde_json::from_str(c).map_err(|e| json_error(&e))
    }
    fn coord(p: &Pos) -> Result<Coord<f64>, String> {
        if p.count < 2 {
            let shown: Vec<String> = p.xy[..usize::from(p.count)]
                .iter()
                .map(|x| Value::from(*x).to_string())
                .collect();
            return Err(format!(
                "la position [{}] a {} nombre(s) : attendu au moins la longitude et la latitude",
                shown.join(","),
                p.count
            ));
        }
        Ok(Coord {
            x: p.xy[0],
            y: p.xy[1],
        })
    }
    fn line(v: &[Pos]) -> Result<LineString<f64>, String> {
        v.iter()
            .map(coord)
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    }
    fn polygon(rings: &[Vec<Pos>]) -> Result<Polygon<f64>, String> {
        let mut rings = rings.iter().map(|r| line(r));
        let exterior = rings
            .next()
            .transpose()?
            .unwrap_or_else(|| LineString(Vec::new()));
        let interiors = rings.collect::<Result<Vec<_>, _>>()?;
        Ok(Polygon::new(exterior, interiors))
    }
    Ok(match kind.as_str() {
        "Point" => geo::Geometry::Point(Point(coord(&parse::<Pos>(c)?)?)),
        "MultiPoint" => geo::Geometry::MultiPoint(MultiPoint(
            parse::<Vec<Pos>>(c)?
                .iter()
                .map(|p| coord(p).map(Point))
                .collect::<Result<_, _>>()?,
        )),
        "LineString" => geo::Geometry::LineString(line(&parse::<Vec<Pos>>(c)?)?),
        "MultiLineString" => geo::Geometry::MultiLineString(MultiLineString(
            parse::<Vec<Vec<Pos>>>(c)?
                .iter()
                .map(|l| line(l))
                .collect::<Result<_, _>>()?,
        )),
        "Polygon" => geo::Geometry::Polygon(polygon(&parse::<Vec<Vec<Pos>>>(c)?)?),
        "MultiPolygon" => geo::Geometry::MultiPolygon(MultiPolygon(
            parse::<Vec<Vec<Vec<Pos>>>>(c)?
                .iter()
                .map(|p| polygon(p))
                .collect::<Result<_, _>>()?,
        )),
        other => return Err(invalid(format!("type de géométrie « {other} » inconnu"))),
    })
}

/// Coordinates read straight into `geo` types, without the intermediate
/// vectors of positions of [`parse_geometry`]: the common case, when every
/// position has its two numbers and the JSON is what the type expects.
/// Anything else gives `None`, and [`parse_geometry`] reads the geometry
/// again for its message; what both read is the same geometry, number for
/// number (the same `f64` parse, the same `Polygon::new`).
mod fast {
    use geo::{Coord, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
    use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};

    /// A position: its first two numbers; fewer than two is a failure.
    struct Position;

    impl<'de> DeserializeSeed<'de> for Position {
        type Value = Coord<f64>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Coord<f64>, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Position {
        type Value = Coord<f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a position")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coord<f64>, A::Error> {
            let mut xy = [0.0; 2];
            let mut count = 0usize;
            while let Some(x) = seq.next_element::<f64>()? {
                if count < 2 {
                    xy[count] = x;
                }
                count += 1;
            }
            if count < 2 {
                return Err(A::Error::custom("short position"));
            }
            Ok(Coord { x: xy[0], y: xy[1] })
        }
    }

    /// An array of positions, gathered in `scratch` (reused from one array
    /// to the next) and returned in a vector of its exact length.
    struct Positions<'s>(&'s mut Vec<Coord<f64>>);

    impl<'de> DeserializeSeed<'de> for Positions<'_> {
        type Value = Vec<Coord<f64>>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Coord<f64>>, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Positions<'_> {
        type Value = Vec<Coord<f64>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of positions")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Coord<f64>>, A::Error> {
            self.0.clear();
            while let Some(c) = seq.next_element_seed(Position)? {
                self.0.push(c);
            }
            Ok(self.0.as_slice().to_vec())
        }
    }

    /// An array of arrays of positions (rings, lines).
    struct Lines<'s>(&'s mut Vec<Coord<f64>>);

    impl<'de> DeserializeSeed<'de> for Lines<'_> {
        type Value = Vec<LineString<f64>>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Lines<'_> {
        type Value = Vec<LineString<f64>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of arrays of positions")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(Positions(&mut *self.0))? {
                out.push(LineString(v));
            }
            Ok(out)
        }
    }

    /// An array of polygons, each an array of rings.
    struct Polygons<'s>(&'s mut Vec<Coord<f64>>);

    impl<'de> DeserializeSeed<'de> for Polygons<'_> {
        type Value = Vec<Polygon<f64>>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Polygons<'_> {
        type Value = Vec<Polygon<f64>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of polygons")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(rings) = seq.next_element_seed(Lines(&mut *self.0))? {
                out.push(polygon(rings));
            }
            Ok(out)
        }
    }

    /// A polygon from its rings, the first the exterior (an empty one when
    /// there is none), as the general reader builds it.
    fn polygon(rings: Vec<LineString<f64>>) -> Polygon<f64> {
        let mut rings = rings.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(Vec::new()));
        Polygon::new(exterior, rings.collect())
    }

    /// Reads `c` whole with `seed`, or `None`.
    fn read<'de, S: DeserializeSeed<'de>>(c: &'de str, seed: S) -> Option<S::Value> {
        let mut de = serde_json::Deserializer::from_str(c);
        let v = seed.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(v)
    }

    /// The geometry of type `kind` with coordinates `c`, or `None` when the
    /// general reader must read it (an unknown type included).
    pub(super) fn geometry(kind: &str, c: &str) -> Option<geo::Geometry<f64>> {
        let mut scratch = Vec::new();
        let s = &mut scratch;
        Some(match kind {
            "Point" => geo::Geometry::Point(Point(read(c, Position)?)),
            "MultiPoint" => geo::Geometry::MultiPoint(MultiPoint(
                read(c, Positions(s))?.into_iter().map(Point).collect(),
            )),
            "LineString" => geo::Geometry::LineString(LineString(read(c, Positions(s))?)),
            "MultiLineString" => {
                geo::Geometry::MultiLineString(MultiLineString(read(c, Lines(s))?))
            }
            "Polygon" => geo::Geometry::Polygon(polygon(read(c, Lines(s))?)),
            "MultiPolygon" => geo::Geometry::MultiPolygon(MultiPolygon(read(c, Polygons(s))?)),
            _ => return None,
        })
    }
}

/// A feature read whole as JSON (a file that is a single Feature, or a
/// feature that is not an object): [`build_feature`] on its members.
fn read_feature(
    path: &Path,
    bytes: &[u8],
    index: usize,
    fv: &Value,
    coords: Coords,
) -> Result<RawFeature, Error> {
    let geometry = match fv.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => Some(serde_json::value::to_raw_value(g).map_err(|e| {
            Error::field(
                path,
                Location::Feature { index, id: None },
                "geometry",
                json_problem(&e),
            )
        })?),
    };
    let fr = FeatureRaw {
        kind: fv.get("type").cloned(),
        id: fv.get("id").cloned(),
        properties: fv.get("properties").cloned(),
        geometry: geometry.as_deref(),
    };
    build_feature(path, bytes, index, fr, coords)
}

/// Rejects non-finite coordinates, and lon/lat out of range, naming the
/// likely cause (Lambert-93 metres in a WGS84 file, swapped axes).
pub(crate) fn check_coordinates(
    path: &Path,
    location: &Location,
    geom: &geo::Geometry<f64>,
    coords: Coords,
) -> Result<(), Error> {
    use geo::CoordsIter;
    for c in geom.coords_iter() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(Error::field(
                path,
                location.clone(),
                "geometry",
                format!("coordonnée non finie ({}, {})", c.x, c.y),
            ));
        }
        if coords == Coords::LonLat && (c.x.abs() > 180.0 || c.y.abs() > 90.0) {
            let hint = if (0.0..1_300_000.0).contains(&c.x)
                && (6_000_000.0..7_200_000.0).contains(&c.y)
            {
                " (on dirait des mètres Lambert-93 : le GeoJSON doit être en longitude/latitude WGS84, ou déclarer « crs » EPSG:2154)"
            } else {
                ""
            };
            return Err(Error::field(
                path,
                location.clone(),
                "geometry",
                format!(
                    "la coordonnée ({}, {}) n'est pas une longitude/latitude{hint}",
                    c.x, c.y
                ),
            ));
        }
    }
    Ok(())
}

/// serde_json's message without its " at line … column …" tail, in French
/// for the messages a damaged file gives; any other keeps serde_json's text.
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let msg = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    let known = [
        (
            "EOF while parsing a list",
            "fin du fichier au milieu d'un tableau",
        ),
        (
            "EOF while parsing an object",
            "fin du fichier au milieu d'un objet",
        ),
        (
            "EOF while parsing a string",
            "fin du fichier au milieu d'une chaîne",
        ),
        (
            "EOF while parsing a value",
            "fin du fichier au milieu d'une valeur",
        ),
        ("expected `:`", "attendu « : »"),
        ("expected `,` or `]`", "attendu « , » ou « ] »"),
        ("expected `,` or `}`", "attendu « , » ou « } »"),
        ("expected ident", "attendu true, false ou null"),
        ("expected value", "attendu une valeur"),
        ("expected `\"`", "attendu « \" »"),
        ("invalid escape", "séquence d'échappement invalide"),
        ("invalid number", "nombre invalide"),
        ("number out of range", "nombre hors limites"),
        (
            "invalid unicode code point",
            "point de code Unicode invalide",
        ),
        ("key must be a string", "une clé doit être une chaîne"),
        ("trailing comma", "virgule en trop"),
        ("trailing characters", "caractères après la fin du JSON"),
        ("recursion limit exceeded", "imbrication trop profonde"),
    ];
    match known.iter().find(|(en, _)| *en == msg) {
        Some((_, fr)) => (*fr).to_string(),
        None => msg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<RawLayer, Error> {
        parse_geojson(Path::new("t.geojson"), s.as_bytes())
    }

    #[test]
    fn reads_features_with_properties_and_geometry() {
        let l = parse(r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code_insee":"02001","population":498},"geometry":{"type":"Point","coordinates":[3.1,49.5]}}]}"#).unwrap();
        assert_eq!(l.features.len(), 1);
        assert_eq!(l.features[0].text(&["code_insee"]).unwrap().1, "02001");
        assert!(matches!(
            l.features[0].geometry,
            Some(geo::Geometry::Point(_))
        ));
    }

    #[test]
    fn short_positions_are_refused_not_a_panic() {
        for geom in [
            r#"{"type":"Point","coordinates":[2.3]}"#,
            r#"{"type":"LineString","coordinates":[[2.3,49.0],[]]}"#,
            r#"{"type":"Polygon","coordinates":[[[2.3,49.0],[2.4],[2.3,49.1],[2.3,49.0]]]}"#,
            r#"{"type":"MultiPolygon","coordinates":[[[[]]]]}"#,
            r#"{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[]}]}"#,
        ] {
            let text = format!(
                r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{}},"geometry":{geom}}}]}}"#
            );
            let e = parse(&text).unwrap_err().to_string();
            assert!(
                e.contains("objet 0") && e.contains("attendu au moins la longitude et la latitude"),
                "{e}"
            );
        }
    }

    #[test]
    fn errors_name_the_file_and_feature() {
        let e = parse(r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[3.1,49.5]}},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[700000,6600000]}}]}"#).unwrap_err().to_string();
        assert!(
            e.starts_with("t.geojson : objet 1 : champ « geometry »"),
            "{e}"
        );
        assert!(e.contains("Lambert-93"), "{e}");
        let e = parse(r#"{"type":"FeatureCollection","features":[{"type":"Fea"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("JSON invalide ligne 1"), "{e}");
        let e = parse("").unwrap_err().to_string();
        assert!(e.contains("vide"), "{e}");
        let e = parse(r#"{"type":"Point","coordinates":[1,2]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("trouvé un Point"), "{e}");
    }

    #[test]
    fn lambert93_crs_member_is_unprojected() {
        let l = parse(r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[700000,6600000]}}]}"#).unwrap();
        let Some(geo::Geometry::Point(p)) = l.features[0].geometry else {
            panic!()
        };
        assert!((p.x() - 3.0).abs() < 1e-9 && (p.y() - 46.5).abs() < 1e-9);
    }
}
