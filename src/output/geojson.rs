//! GeoJSON writer (RFC 7946): WGS84 longitude/latitude rounded to 1e-6°
//! (about 10 cm), properties in the given order, so the bytes are stable.

use geo::MapCoords;
use serde_json::{Map, Value};

/// A feature to write: ordered properties and a geometry in lon/lat.
pub struct OutFeature {
    pub properties: Vec<(String, Value)>,
    pub geometry: geo::Geometry<f64>,
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// A FeatureCollection as compact JSON bytes with a final newline.
pub fn feature_collection(features: &[OutFeature]) -> Vec<u8> {
    let feats: Vec<Value> = features
        .iter()
        .map(|f| {
            let g = f.geometry.map_coords(|c| geo::Coord {
                x: round6(c.x),
                y: round6(c.y),
            });
            let geometry = geojson::Geometry::from(&g);
            let mut props = Map::new();
            for (k, v) in &f.properties {
                props.insert(k.clone(), v.clone());
            }
            let mut feature = Map::new();
            feature.insert("type".into(), Value::String("Feature".into()));
            feature.insert("properties".into(), Value::Object(props));
            feature.insert(
                "geometry".into(),
                serde_json::to_value(geometry).unwrap_or(Value::Null),
            );
            Value::Object(feature)
        })
        .collect();
    let mut root = Map::new();
    root.insert("type".into(), Value::String("FeatureCollection".into()));
    root.insert("features".into(), Value::Array(feats));
    let mut bytes = serde_json::to_vec(&Value::Object(root)).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}
