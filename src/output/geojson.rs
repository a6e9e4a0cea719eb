//! GeoJSON writer (RFC 7946): WGS84 longitude/latitude rounded to 1e-6°
//! (about 10 cm), properties in the given order, so the bytes are stable.

use geo::MapCoords;
use serde_json::Value;

/// A feature to write: ordered properties and a geometry in lon/lat.
pub struct OutFeature {
    pub properties: Vec<(String, Value)>,
    pub geometry: geo::Geometry<f64>,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A FeatureCollection as compact JSON bytes with a final newline.
///
/// Written straight to bytes, feature by feature in parallel, without a
/// JSON tree: the same bytes as serialising the tree (`type`, `properties`,
/// `geometry` in that order; coordinates as serde_json writes them).
pub fn feature_collection(features: &[OutFeature]) -> Vec<u8> {
    use rayon::prelude::*;
    let parts: Vec<Vec<u8>> = features.par_iter().map(feature_bytes).collect();
    let mut bytes =
        Vec::with_capacity(parts.iter().map(Vec::len).sum::<usize>() + parts.len() + 64);
    bytes.extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(p);
    }
    bytes.extend_from_slice(b"]}\n");
    bytes
}

fn feature_bytes(f: &OutFeature) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(br#"{"type":"Feature","properties":{"#);
    for (i, (k, v)) in f.properties.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a string or a Value into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut out, k);
        out.push(b':');
        let _ = serde_json::to_writer(&mut out, v);
    }
    out.extend_from_slice(br#"},"geometry":"#);
    geometry_bytes(&f.geometry, &mut out);
    out.push(b'}');
    out
}

fn coord_bytes(c: &geo::Coord<f64>, out: &mut Vec<u8>) {
    out.push(b'[');
    number_bytes(round6(c.x), out);
    out.push(b',');
    number_bytes(round6(c.y), out);
    out.push(b']');
}

fn number_bytes(x: f64, out: &mut Vec<u8>) {
    // serde_json writes a non-finite number as null.
    let _ = serde_json::to_writer(&mut *out, &x);
}

fn list<T>(items: &[T], out: &mut Vec<u8>, each: impl Fn(&T, &mut Vec<u8>)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(x, out);
    }
    out.push(b']');
}

fn line_bytes(l: &geo::LineString<f64>, out: &mut Vec<u8>) {
    list(&l.0, out, coord_bytes);
}

fn polygon_bytes(p: &geo::Polygon<f64>, out: &mut Vec<u8>) {
    out.push(b'[');
    line_bytes(p.exterior(), out);
    for r in p.interiors() {
        out.push(b',');
        line_bytes(r, out);
    }
    out.push(b']');
}

/// Writes a geometry's `coordinates` member.
type WriteCoords<'a> = dyn Fn(&mut Vec<u8>) + 'a;

fn geometry_bytes(g: &geo::Geometry<f64>, out: &mut Vec<u8>) {
    use geo::Geometry as G;
    let (kind, coords): (&str, &WriteCoords<'_>) = match g {
        G::Point(p) => ("Point", &|o: &mut Vec<u8>| coord_bytes(&p.0, o)),
        G::MultiPoint(m) => ("MultiPoint", &|o: &mut Vec<u8>| {
            list(&m.0, o, |p, o| coord_bytes(&p.0, o))
        }),
        G::LineString(l) => ("LineString", &|o: &mut Vec<u8>| line_bytes(l, o)),
        G::MultiLineString(m) => ("MultiLineString", &|o: &mut Vec<u8>| {
            list(&m.0, o, line_bytes)
        }),
        G::Polygon(p) => ("Polygon", &|o: &mut Vec<u8>| polygon_bytes(p, o)),
        G::MultiPolygon(m) => ("MultiPolygon", &|o: &mut Vec<u8>| {
            list(&m.0, o, polygon_bytes)
        }),
        G::GeometryCollection(c) => {
            out.extend_from_slice(br#"{"type":"GeometryCollection","geometries":"#);
            list(&c.0, out, geometry_bytes);
            out.push(b'}');
            return;
        }
        // Not written by maillage's layers; through the geojson crate.
        other => {
            let g = other.map_coords(|c| geo::Coord {
                x: round6(c.x),
                y: round6(c.y),
            });
            let _ = serde_json::to_writer(&mut *out, &geojson::Geometry::from(&g));
            return;
        }
    };
    out.extend_from_slice(br#"{"type":""#);
    out.extend_from_slice(kind.as_bytes());
    out.extend_from_slice(br#"","coordinates":"#);
    coords(out);
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{point, polygon, MultiPolygon};
    use serde_json::Map;

    /// The bytes are those of the JSON tree the writer used to build.
    #[test]
    fn same_bytes_as_the_json_tree() {
        fn tree(features: &[OutFeature]) -> Vec<u8> {
            let feats: Vec<Value> = features
                .iter()
                .map(|f| {
                    let g = f.geometry.map_coords(|c| geo::Coord {
                        x: round6(c.x),
                        y: round6(c.y),
                    });
                    let mut props = Map::new();
                    for (k, v) in &f.properties {
                        props.insert(k.clone(), v.clone());
                    }
                    let mut feature = Map::new();
                    feature.insert("type".into(), Value::String("Feature".into()));
                    feature.insert("properties".into(), Value::Object(props));
                    feature.insert(
                        "geometry".into(),
                        serde_json::to_value(geojson::Geometry::from(&g)).unwrap(),
                    );
                    Value::Object(feature)
                })
                .collect();
            let mut root = Map::new();
            root.insert("type".into(), Value::String("FeatureCollection".into()));
            root.insert("features".into(), Value::Array(feats));
            let mut bytes = serde_json::to_vec(&Value::Object(root)).unwrap();
            bytes.push(b'\n');
            bytes
        }
        let square = polygon![(x: 2.0, y: 49.0), (x: 2.1234567, y: 49.0), (x: 2.1, y: 49.1), (x: 2.0, y: 49.0)];
        let holed = geo::Polygon::new(
            square.exterior().clone(),
            vec![geo::LineString::from(vec![
                (2.05, 49.01),
                (2.06, 49.01),
                (2.05, 49.02),
                (2.05, 49.01),
            ])],
        );
        let features = vec![
            OutFeature {
                properties: vec![
                    ("code".into(), Value::from("02001")),
                    ("n".into(), Value::from(3)),
                    ("x".into(), Value::from(0.1 + 0.2)),
                    ("vide".into(), Value::Null),
                    ("texte \"é\"".into(), Value::from("a\"b\\c\n")),
                ],
                geometry: geo::Geometry::MultiPolygon(MultiPolygon(vec![square.clone(), holed])),
            },
            OutFeature {
                properties: vec![],
                geometry: geo::Geometry::Point(point!(x: -51.0000004, y: -30.0)),
            },
            OutFeature {
                properties: vec![("k".into(), Value::from(true))],
                geometry: geo::Geometry::Polygon(square),
            },
        ];
        assert_eq!(
            String::from_utf8(feature_collection(&features)).unwrap(),
            String::from_utf8(tree(&features)).unwrap()
        );
        assert_eq!(feature_collection(&[]), tree(&[]));
    }
}
