//! The map layers of a report: communes, QPV, sites, hotspot clusters,
//! mobility basins and the placement proposal, as one GeoPackage
//! (`maillage.gpkg`, Lambert-93) and one GeoJSON file per layer (RFC 7946,
//! WGS84).
//!
//! Each layer's attributes are the cells of the French table the run wrote
//! (`communes.csv`, `qpv.csv`…, kept by [`Outputs::add_table`]), so a layer
//! and its CSV always agree; the geometries come from the territory,
//! matched by code: the communes' polygons, the QPV's, the sites' points,
//! the union of the member communes of each cluster (column `codes_insee`)
//! and of each basin (`bassins_communes.csv`), the candidates' points
//! (columns `lon`, `lat`).

use std::collections::{BTreeMap, HashMap};

use geo::{Geometry, MultiPolygon, Point};
use rayon::prelude::*;
use serde_json::Value;

use crate::error::Error;
use crate::model::Territory;
use crate::output::geojson::{feature_collection, OutFeature};
use crate::output::gpkg::{self, cell_number, GeometryType, VectorLayer};
use crate::output::write::{Cell, Outputs, Table};

/// File name of the GeoPackage.
pub const GPKG_NAME: &str = "maillage.gpkg";

/// The text of a cell used as a key.
fn key(c: &Cell) -> Option<&str> {
    match c {
        Cell::Text(s) => Some(s.as_str()),
        _ => None,
    }
}

fn column(t: &Table, name: &str) -> Result<usize, Error> {
    t.headers.iter().position(|h| h == name).ok_or_else(|| {
        Error::Invalid(format!(
            "layers: the table has no column {name} (columns: {})",
            t.headers.join(", ")
        ))
    })
}

/// `base` with the columns of `other` that it lacks, matched on the text
/// column `on` (empty where `other` has no row).
pub fn join(base: &Table, other: &Table, on: &str) -> Result<Table, Error> {
    let (kb, ko) = (column(base, on)?, column(other, on)?);
    let extra: Vec<usize> = (0..other.headers.len())
        .filter(|&k| !base.headers.contains(&other.headers[k]))
        .collect();
    let rows: HashMap<&str, &Vec<Cell>> = other
        .rows
        .iter()
        .filter_map(|r| key(&r[ko]).map(|k| (k, r)))
        .collect();
    let mut out = Table {
        headers: base.headers.clone(),
        rows: Vec::with_capacity(base.rows.len()),
    };
    out.headers
        .extend(extra.iter().map(|&k| other.headers[k].clone()));
    for r in &base.rows {
        let mut row = r.clone();
        let found = key(&r[kb]).and_then(|k| rows.get(k));
        row.extend(
            extra
                .iter()
                .map(|&k| found.map_or(Cell::Empty, |o| o[k].clone())),
        );
        out.rows.push(row);
    }
    Ok(out)
}

/// The union of some communes' polygons.
fn union_of(t: &Territory, members: &[usize]) -> Geometry<f64> {
    Geometry::MultiPolygon(geo::unary_union(
        members.iter().map(|&i| &t.communes[i].geometry),
    ))
}

/// The layers of the tables present in `outputs`, in a fixed order:
/// communes, qpv, sites, hotspots, bassins, placement (a layer whose table
/// the run did not write is left out; sites is always there).
pub fn layers(t: &Territory, outputs: &Outputs) -> Result<Vec<VectorLayer>, Error> {
    let communes_of = |cell: &Cell| -> Vec<usize> {
        key(cell)
            .map(|s| s.split('|').filter_map(|c| t.commune_by_code(c)).collect())
            .unwrap_or_default()
    };
    let mut out = Vec::new();

    if let Some(base) = outputs.table("communes.csv") {
        let mut table = base.clone();
        for extra in ["hotspots_communes.csv", "bassins_communes.csv"] {
            if let Some(o) = outputs.table(extra) {
                table = join(&table, o, "code_insee")?;
            }
        }
        let k = column(&table, "code_insee")?;
        let geometries = table
            .rows
            .iter()
            .map(|r| {
                key(&r[k])
                    .and_then(|c| t.commune_by_code(c))
                    .map_or(Geometry::MultiPolygon(MultiPolygon(vec![])), |i| {
                        Geometry::MultiPolygon(t.communes[i].geometry.clone())
                    })
            })
            .collect();
        out.push(VectorLayer {
            name: "communes".into(),
            description: "Communes: nearest site, distance, accessibility scores, \
                          non-mobile young people, hotspot cluster and mobility basin"
                .into(),
            geometry_type: GeometryType::MultiPolygon,
            table,
            geometries,
        });
    }

    if let Some(table) = outputs.table("qpv.csv") {
        let k = column(table, "code_qp")?;
        let qpv_of: HashMap<&str, usize> = t
            .qpv
            .iter()
            .enumerate()
            .map(|(j, q)| (q.code.as_str(), j))
            .collect();
        let geometries = table
            .rows
            .iter()
            .map(|r| {
                key(&r[k])
                    .and_then(|c| qpv_of.get(c))
                    .map_or(Geometry::MultiPolygon(MultiPolygon(vec![])), |&j| {
                        Geometry::MultiPolygon(t.qpv[j].geometry.clone())
                    })
            })
            .collect();
        out.push(VectorLayer {
            name: "qpv".into(),
            description: "Priority urban districts (QPV): nearest site and distance".into(),
            geometry_type: GeometryType::MultiPolygon,
            table: table.clone(),
            geometries,
        });
    }

    out.push(sites_layer(t));

    if let Some(table) = outputs.table("hotspots.csv") {
        let k = column(table, "codes_insee")?;
        let geometries = table
            .rows
            .par_iter()
            .map(|r| union_of(t, &communes_of(&r[k])))
            .collect();
        out.push(VectorLayer {
            name: "hotspots".into(),
            description: "Non-mobility hotspot clusters, ranked".into(),
            geometry_type: GeometryType::MultiPolygon,
            table: table.clone(),
            geometries,
        });
    }

    if let (Some(table), Some(members)) = (
        outputs.table("bassins.csv"),
        outputs.table("bassins_communes.csv"),
    ) {
        let (kb, kc, km) = (
            column(table, "bassin")?,
            column(members, "code_insee")?,
            column(members, "bassin")?,
        );
        let mut of_basin: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for r in &members.rows {
            if let (Some(b), Some(i)) =
                (key(&r[km]), key(&r[kc]).and_then(|c| t.commune_by_code(c)))
            {
                of_basin.entry(b).or_default().push(i);
            }
        }
        let geometries = table
            .rows
            .par_iter()
            .map(|r| {
                let m = key(&r[kb]).and_then(|b| of_basin.get(b));
                union_of(t, m.map_or(&[][..], Vec::as_slice))
            })
            .collect();
        out.push(VectorLayer {
            name: "bassins".into(),
            description: "Mobility basins (PAMS) and their demand for mobility support".into(),
            geometry_type: GeometryType::MultiPolygon,
            table: table.clone(),
            geometries,
        });
    }

    if let Some(table) = outputs.table("placement.csv") {
        let (klon, klat) = (column(table, "lon")?, column(table, "lat")?);
        let geometries = table
            .rows
            .iter()
            .map(|r| match (cell_number(&r[klon]), cell_number(&r[klat])) {
                (Some(x), Some(y)) => Geometry::Point(Point::new(x, y)),
                _ => Geometry::MultiPolygon(MultiPolygon(vec![])),
            })
            .collect();
        out.push(VectorLayer {
            name: "placement".into(),
            description: "Proposed new permanences, best first".into(),
            geometry_type: GeometryType::Point,
            table: table.clone(),
            geometries,
        });
    }
    Ok(out)
}

/// The sites as a layer: identity, Mission Locale, kind, status, source.
pub fn sites_layer(t: &Territory) -> VectorLayer {
    let mut table = Table::new(&[
        "site_id",
        "code_ml",
        "nom_ml",
        "nom",
        "type",
        "statut",
        "code_insee",
        "source",
        "lon",
        "lat",
    ]);
    for s in &t.sites {
        let ml = t
            .ml_index(&s.code_ml)
            .map(|m| t.missions_locales[m].nom.clone());
        table.push(vec![
            s.id.clone().into(),
            s.code_ml.clone().into(),
            ml.into(),
            s.nom.clone().into(),
            s.kind.code().into(),
            s.status.code().into(),
            s.commune.as_ref().map(|c| c.to_string()).into(),
            s.source.clone().into(),
            Cell::Float(s.position.lon, 6),
            Cell::Float(s.position.lat, 6),
        ]);
    }
    VectorLayer {
        name: "sites".into(),
        description: "Sites of the Missions Locales (siège, antenne, permanence)".into(),
        geometry_type: GeometryType::Point,
        table,
        geometries: t
            .sites
            .iter()
            .map(|s| Geometry::Point(Point::new(s.position.lon, s.position.lat)))
            .collect(),
    }
}

/// A cell as a JSON value, with the decimals of the CSV.
pub fn json_value(c: &Cell) -> Value {
    match c {
        Cell::Text(s) => Value::String(s.clone()),
        Cell::Int(n) => Value::from(*n),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Empty => Value::Null,
        c => cell_number(c).map_or(Value::Null, Value::from),
    }
}

/// A layer as an RFC 7946 FeatureCollection (WGS84).
pub fn layer_geojson(layer: &VectorLayer) -> Vec<u8> {
    let features: Vec<OutFeature> = layer
        .table
        .rows
        .iter()
        .zip(&layer.geometries)
        .map(|(row, g)| OutFeature {
            properties: layer
                .table
                .headers
                .iter()
                .cloned()
                .zip(row.iter().map(json_value))
                .collect(),
            geometry: g.clone(),
        })
        .collect();
    feature_collection(&features)
}

/// Adds `maillage.gpkg` and a GeoJSON file per layer (`communes.geojson`,
/// `qpv.geojson`…, except those the run already wrote, such as
/// `hotspots.geojson`). Returns the layers' names.
pub fn add_layers(t: &Territory, outputs: &mut Outputs) -> Result<Vec<String>, Error> {
    let layers = layers(t, outputs)?;
    outputs.add(GPKG_NAME, gpkg::to_bytes(&layers)?);
    let written: Vec<String> = outputs.names().iter().map(|s| s.to_string()).collect();
    let geojson: Vec<(String, Vec<u8>)> = layers
        .par_iter()
        .map(|l| (format!("{}.geojson", l.name), l))
        .filter(|(name, _)| !written.contains(name))
        .map(|(name, l)| (name, layer_geojson(l)))
        .collect();
    for (name, bytes) in geojson {
        outputs.add(name, bytes);
    }
    Ok(layers.into_iter().map(|l| l.name).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn join_adds_missing_columns_by_key() {
        let mut a = Table::new(&["code_insee", "x"]);
        a.push(vec!["02001".into(), Cell::Int(1)]);
        a.push(vec!["02002".into(), Cell::Int(2)]);
        let mut b = Table::new(&["code_insee", "x", "y"]);
        b.push(vec!["02002".into(), Cell::Int(9), "b".into()]);
        let j = join(&a, &b, "code_insee").unwrap();
        assert_eq!(j.headers, ["code_insee", "x", "y"]);
        assert_eq!(j.rows[0][2], Cell::Empty);
        assert_eq!(j.rows[1], vec!["02002".into(), Cell::Int(2), "b".into()]);
        assert!(join(&a, &b, "nope").is_err());
    }

    #[test]
    fn json_values_keep_the_csv_decimals() {
        assert_eq!(json_value(&Cell::Float(1.23456, 3)), Value::from(1.235));
        assert_eq!(json_value(&Cell::Float(f64::NAN, 3)), Value::Null);
        assert_eq!(json_value(&"02001".into()), Value::from("02001"));
    }
}
