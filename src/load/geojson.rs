//! GeoJSON reader (RFC 7946, WGS84 lon/lat). An old-style `crs` member naming
//! EPSG:2154 (Lambert-93), as some French portals still write, is honoured by
//! unprojecting; any other non-WGS84 `crs` is an error.

use std::path::Path;

use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::base::lambert::LAMBERT_93;
use crate::base::L93;
use crate::error::{Error, Location};
use crate::load::features::{names, Props, RawFeature, RawLayer};
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
    Ok(RawLayer {
        path: path.to_path_buf(),
        features: parse_geojson_with(path, bytes, |f| f)?,
    })
}

/// Parses GeoJSON bytes as [`parse_geojson`] does, handing each feature to
/// `convert` as soon as it is read, in parallel: the layer's raw features
/// are never all held at once. The first feature that cannot be read, in
/// file order, is the error, whatever was converted.
pub fn parse_geojson_with<T: Send>(
    path: &Path,
    bytes: &[u8],
    convert: impl Fn(RawFeature) -> T + Sync,
) -> Result<Vec<T>, Error> {
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
    let top: Top<'_> = match serde_json::from_slice::<TopFast<'_>>(bytes) {
        Ok(t) => Top {
            kind: t.kind,
            crs: t.crs,
            features: t.features,
        },
        Err(_) => serde_json::from_slice(bytes).map_err(|e| invalid_json(path, &e))?,
    };
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
            return Ok(vec![convert(read_feature(path, bytes, 0, &root, coords)?)]);
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
    let parsed: Vec<Result<T, Error>> = features
        .par_iter()
        .enumerate()
        .map(
            |(index, raw)| match fast_feature(path, index, raw, coords) {
                Some(f) => Ok(f),
                None => read_raw_feature(path, bytes, index, raw, coords),
            },
        )
        .map(|f| f.map(&convert))
        .collect();
    // The first problem in file order, whatever the thread that found it.
    parsed.into_iter().collect::<Result<Vec<_>, Error>>()
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

/// [`Top`] read in one pass, for the common file whose `features` is an
/// array (or absent, or null): its elements are cut as the array is read,
/// not after a first pass over the whole array. Any failure, `features` of
/// another kind included, and [`Top`] reads the file again.
#[derive(serde::Deserialize)]
struct TopFast<'a> {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    crs: Option<Value>,
    #[serde(borrow, default)]
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

/// A feature read in one pass over its slice, with its geometry parsed
/// straight into `geo` types and its properties into [`Props`]: the common
/// case. `None` whenever anything is unusual (a JSON or type problem, a
/// member the general reader would refuse, a geometry collection, escaped
/// member names, two properties whose names differ only by case, a
/// coordinate out of range): [`read_raw_feature`] then reads the feature
/// again and gives the message. What both give for a feature that the
/// fast reader accepts is the same feature, value for value.
fn fast_feature(path: &Path, index: usize, raw: &RawValue, coords: Coords) -> Option<RawFeature> {
    let fr: FeatureFast = serde_json::from_str(raw.get()).ok()?;
    if fr.kind.as_ref().and_then(Value::as_str) != Some("Feature") {
        return None;
    }
    let id = match &fr.id {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let location = Location::Feature { index, id };
    let mut f = RawFeature::new(location);
    if let Some(PropsFast(entries)) = fr.properties {
        f.props = Props::from_distinct_entries(
            entries
                .into_iter()
                .map(|(k, v)| {
                    let (key, name) = names(&k);
                    (key, (name, v))
                })
                .collect(),
        )?;
    }
    if let Some(GeometryFast(geom)) = fr.geometry {
        f.geometry = Some(finish_geometry(path, &f.location, geom, coords).ok()?);
    }
    Some(f)
}

/// The members of a feature as [`fast_feature`] reads them.
#[derive(serde::Deserialize)]
struct FeatureFast {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    properties: Option<PropsFast>,
    #[serde(default)]
    geometry: Option<GeometryFast>,
}

/// The name serde_json gives a raw value inside a map: a `properties`
/// object whose first member bears it is read differently by
/// `serde_json::Value`, so the fast reader leaves it to the general one.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A `properties` object: its members in the file's order; one name twice
/// is a failure (the general reader keeps the last value at the first
/// place).
struct PropsFast(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for PropsFast {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = PropsFast;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<PropsFast, A::Error> {
                use serde::de::Error as _;
                let mut out: Vec<(String, Value)> =
                    Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(k) = map.next_key::<String>()? {
                    if out.is_empty() && k == RAW_VALUE_TOKEN {
                        return Err(A::Error::custom("raw value token"));
                    }
                    let v: Value = map.next_value()?;
                    out.push((k, v));
                }
                Ok(PropsFast(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A geometry whose `type` is one of the six with coordinates, read
/// straight into `geo` types (coordinates given before the type are kept
/// as a slice until it is known). `geometries`, a member given twice, a
/// missing type or coordinates, or escaped member names are failures.
struct GeometryFast(geo::Geometry<f64>);

impl<'de> serde::Deserialize<'de> for GeometryFast {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = GeometryFast;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a geometry object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GeometryFast, A::Error> {
                use serde::de::Error as _;
                let fail = || A::Error::custom("left to the general reader");
                let mut kind: Option<&'de str> = None;
                let mut geometry: Option<geo::Geometry<f64>> = None;
                let mut later: Option<&'de RawValue> = None;
                while let Some(key) = map.next_key::<&'de str>()? {
                    match key {
                        "type" => {
                            if kind.is_some() {
                                return Err(fail());
                            }
                            kind = Some(map.next_value()?);
                        }
                        "coordinates" => {
                            if geometry.is_some() || later.is_some() {
                                return Err(fail());
                            }
                            match kind {
                                Some(k) => {
                                    geometry = Some(map.next_value_seed(fast::Typed(k))?);
                                }
                                None => later = Some(map.next_value()?),
                            }
                        }
                        "geometries" => return Err(fail()),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                let kind = kind.ok_or_else(fail)?;
                match (geometry, later) {
                    (Some(g), _) => Ok(GeometryFast(g)),
                    (None, Some(c)) => fast::geometry(kind, c.get())
                        .map(GeometryFast)
                        .ok_or_else(fail),
                    (None, None) => Err(fail()),
                }
            }
        }
        d.deserialize_map(V)
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
                    .map(|(k, v)| {
                        let (key, name) = names(&k);
                        (key, (name, v))
                    })
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
    let geom = parse_geometry(g).map_err(|e| match e {
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
    finish_geometry(path, location, geom, coords)
}

/// A geometry as read, checked and brought to lon/lat.
fn finish_geometry(
    path: &Path,
    location: &Location,
    mut geom: geo::Geometry<f64>,
    coords: Coords,
) -> Result<geo::Geometry<f64>, Error> {
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

    /// The coordinates of a geometry of type `kind` (one of the six that
    /// have coordinates; any other is a failure).
    pub(super) struct Typed<'k>(pub(super) &'k str);

    impl<'de> DeserializeSeed<'de> for Typed<'_> {
        type Value = geo::Geometry<f64>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            let mut scratch = Vec::new();
            let s = &mut scratch;
            Ok(match self.0 {
                "Point" => geo::Geometry::Point(Point(Position.deserialize(d)?)),
                "MultiPoint" => geo::Geometry::MultiPoint(MultiPoint(
                    Positions(s)
                        .deserialize(d)?
                        .into_iter()
                        .map(Point)
                        .collect(),
                )),
                "LineString" => geo::Geometry::LineString(LineString(Positions(s).deserialize(d)?)),
                "MultiLineString" => {
                    geo::Geometry::MultiLineString(MultiLineString(Lines(s).deserialize(d)?))
                }
                "Polygon" => geo::Geometry::Polygon(polygon(Lines(s).deserialize(d)?)),
                "MultiPolygon" => {
                    geo::Geometry::MultiPolygon(MultiPolygon(Polygons(s).deserialize(d)?))
                }
                _ => return Err(D::Error::custom("not a type with coordinates")),
            })
        }
    }

    /// The geometry of type `kind` with coordinates `c`, or `None` when the
    /// general reader must read it (an unknown type included).
    pub(super) fn geometry(kind: &str, c: &str) -> Option<geo::Geometry<f64>> {
        read(c, Typed(kind))
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

    /// Features the fast reader must read as the general one does, and
    /// features it must leave to the general one (which gives the message).
    #[test]
    fn the_fast_reader_gives_the_general_readers_feature_or_steps_aside() {
        let sq = "[[[2.0,49.0],[2.1,49.0],[2.1,49.1],[2.0,49.1],[2.0,49.0]]]";
        let open = "[[[2.0,49.0],[2.1,49.0],[2.1,49.1]],[[2.02,49.02],[2.03,49.02],[2.03,49.03]]]";
        // (feature, whether the fast reader must read it)
        let cases: Vec<(String, bool)> = vec![
            (format!(r#"{{"type":"Feature","id":"a","properties":{{"Nom":"X","pop":1.5e3,"l":[1,{{"b":null}}]}},"geometry":{{"type":"Polygon","coordinates":{sq}}}}}"#), true),
            (format!(r#"{{"geometry":{{"coordinates":[{sq},{open}],"type":"MultiPolygon","bbox":[0,0,1,1]}},"properties":null,"type":"Feature","id":7}}"#), true),
            (format!(r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{open}}}}}"#), true),
            (r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[2,49,100,7]}}"#.to_string(), true),
            (r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"MultiPoint","coordinates":[[2,49],[2.5,49.5]]}}"#.to_string(), true),
            (r#"{"type":"Feature","geometry":{"type":"LineString","coordinates":[[2,49],[2.5,49.5]]}}"#.to_string(), true),
            (r#"{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[2,49],[2.5,49.5]],[]]}}"#.to_string(), true),
            (r#"{"type":"Feature","properties":{"a":1},"geometry":null}"#.to_string(), true),
            (r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"Polygon","coordinates":[]}}"#.to_string(), true),
            (r#"{"type":"Feature","properties":{"a":1},"geometry":{"type":"MultiPolygon","coordinates":[[]]}}"#.to_string(), true),
            // Left to the general reader.
            (r#"{"type":"Feature","properties":{"A":1,"a":2,"A":3},"geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","properties":{"a":1,"a":2},"geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","properties":{"$serde_json::private::RawValue":"{\"x\":1}"},"geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","properties":{"\u0061b":1},"geometry":{"t\u0079pe":"Point","coordinates":[2,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","properties":[1],"geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","properties":"x","geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[2]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[2,"49"]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[200,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[2,49],"geometries":[]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Point","type":"Point","coordinates":[2,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[2,49]}]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":"Circle","coordinates":[2,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"coordinates":[2,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":{"type":null,"coordinates":[2,49]}}"#.to_string(), false),
            (r#"{"type":"Feature","geometry":"Point"}"#.to_string(), false),
            (r#"{"type":"Feat","geometry":null}"#.to_string(), false),
            (r#"{"type":"Feature","type":"Feature","geometry":null}"#.to_string(), false),
            (r#"[1,2]"#.to_string(), false),
        ];
        for (i, (text, fast_reads)) in cases.iter().enumerate() {
            for coords in [Coords::LonLat, Coords::Lambert93] {
                let doc = format!(r#"{{"type":"FeatureCollection","features":[{text}]}}"#);
                let raw: &RawValue = serde_json::from_str(text).unwrap();
                let path = Path::new("t.geojson");
                let fast = fast_feature(path, i, raw, coords);
                let general = read_raw_feature(path, doc.as_bytes(), i, raw, coords);
                match fast {
                    Some(f) => assert_eq!(
                        format!("{f:?}"),
                        format!("{:?}", general.unwrap()),
                        "{text}"
                    ),
                    // Out of range in lon/lat is fine in Lambert-93.
                    None => assert!(
                        !fast_reads || coords == Coords::Lambert93 && general.is_err(),
                        "{text} {coords:?}"
                    ),
                }
                if *fast_reads && coords == Coords::LonLat {
                    assert!(fast_feature(path, i, raw, coords).is_some(), "{text}");
                }
            }
        }
    }

    /// The one-pass top level agrees with the two-pass one whenever it reads
    /// a file.
    #[test]
    fn the_one_pass_top_level_agrees_with_the_general_one() {
        let docs = [
            r#"{"type":"FeatureCollection","features":[{"a":1}, 2 ,"x",[]]}"#,
            r#"{"features":[],"type":"FeatureCollection","crs":{"properties":{"name":"EPSG:2154"}}}"#,
            r#"{"type":"FeatureCollection","features":null}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"FeatureCollection","features":{"a":1}}"#,
            r#"{"type":"FeatureCollection","features":7}"#,
            r#"{"type":"FeatureCollection","features":[1,]}"#,
            r#"{"type":"FeatureCollection","features":[],"features":[]}"#,
            r#"{"type":"Feature","geometry":null}"#,
            r#"[1]"#,
        ];
        let show = |t: &Top<'_>| {
            format!(
                "{:?} {:?} {:?}",
                t.kind,
                t.crs,
                t.features
                    .as_ref()
                    .map(|v| v.iter().map(|r| r.get()).collect::<Vec<_>>())
            )
        };
        let mut read_fast = 0;
        for d in docs {
            let general = serde_json::from_str::<Top<'_>>(d);
            if let Ok(t) = serde_json::from_str::<TopFast<'_>>(d) {
                read_fast += 1;
                let fast = Top {
                    kind: t.kind,
                    crs: t.crs,
                    features: t.features,
                };
                assert_eq!(show(&fast), show(&general.unwrap()), "{d}");
            }
        }
        assert_eq!(read_fast, 5);
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
