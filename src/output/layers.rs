//! The map layers of a run: communes, QPV, sites, hotspot clusters,
//! mobility basins and the placement proposal, as one GeoPackage
//! (`maillage.gpkg`, Lambert-93) and one GeoJSON file per layer (RFC 7946,
//! WGS84).
//!
//! Each layer's attributes are the cells of the French table of the same
//! results (built by [`crate::output::tables`], so a layer and its CSV
//! always agree); the geometries come from the territory: the communes'
//! polygons, the QPV's, the sites' points, the union of the member communes
//! of each cluster and of each basin, the candidates' points.

use geo::{Geometry, Point};
use rayon::prelude::*;
use serde_json::Value;

use crate::analysis::results::{HotspotResults, Results};
use crate::error::Error;
use crate::model::Territory;
use crate::output::geojson::{feature_collection, OutFeature};
use crate::output::gpkg::{self, cell_number, GeometryType, VectorLayer};
use crate::output::perimeter::Perimeter;
use crate::output::qml;
use crate::output::tables::{
    basin_communes_table, basins_table, communes_full_table, hotspot_clusters_table,
    hotspot_communes_table, placement_table, qpv_full_table,
};
use crate::output::write::{Cell, Outputs, Table};

/// File name of the GeoPackage.
pub const GPKG_NAME: &str = "maillage.gpkg";

/// File name of the hotspot clusters' GeoJSON (written by `maillage
/// hotspots` too, with the member codes as arrays).
pub const HOTSPOTS_GEOJSON: &str = "hotspots.geojson";

/// The union of some communes' polygons.
fn union_of(t: &Territory, members: &[usize]) -> Geometry<f64> {
    Geometry::MultiPolygon(geo::unary_union(
        members.iter().map(|&i| &t.communes[i].geometry),
    ))
}

/// The shape of each hotspot cluster: the union of its communes.
fn cluster_shapes(t: &Territory, h: &HotspotResults) -> Vec<Geometry<f64>> {
    h.clusters
        .par_iter()
        .map(|c| union_of(t, &c.communes))
        .collect()
}

/// `hotspots.geojson`: one feature per cluster, best ranked first, with its
/// rank, size, young people and the codes of its MLs and communes as arrays.
pub fn hotspots_geojson(t: &Territory, h: &HotspotResults) -> Vec<u8> {
    let shapes = cluster_shapes(t, h);
    let features: Vec<OutFeature> = h
        .clusters
        .iter()
        .zip(shapes)
        .enumerate()
        .map(|(r, (c, geometry))| OutFeature {
            properties: vec![
                ("rang".into(), Value::from(r + 1)),
                ("nb_communes".into(), Value::from(c.communes.len())),
                (
                    "jeunes_non_mobiles_hors_portee".into(),
                    Value::from((c.non_mobiles * 10.0).round() / 10.0),
                ),
                ("jeunes_16_25".into(), Value::from(c.jeunes)),
                (
                    "codes_ml".into(),
                    Value::from(
                        c.mls
                            .iter()
                            .map(|&m| t.missions_locales[m].code.clone())
                            .collect::<Vec<_>>(),
                    ),
                ),
                (
                    "codes_insee".into(),
                    Value::from(
                        c.communes
                            .iter()
                            .map(|&i| t.communes[i].code.to_string())
                            .collect::<Vec<_>>(),
                    ),
                ),
            ],
            geometry,
        })
        .collect();
    feature_collection(&features)
}

/// The layers of the results, in a fixed order: communes, qpv, sites,
/// hotspots, bassins, placement (a layer whose analysis the run did not do
/// is left out; sites is always there).
pub fn layers(t: &Territory, r: &Results) -> Vec<VectorLayer> {
    let mut out = Vec::new();

    if let (Some(mut table), Some(qpv)) = (communes_full_table(t, r), qpv_full_table(t, r)) {
        // Per-commune tables have one row per commune in the territory's
        // order: their columns are laid side by side.
        if let Some(h) = &r.hotspots {
            table.append_new_columns(&hotspot_communes_table(t, &h.estimates, &h.cluster_of));
        }
        if let Some(bs) = &r.basins {
            table.append_new_columns(&basin_communes_table(t, &bs.basins));
        }
        out.push(VectorLayer {
            name: "communes".into(),
            title: "Communes".into(),
            description: "Communes : site d'accueil le plus proche, distance (ou temps par \
                          le réseau), scores d'accessibilité, jeunes non mobiles, point chaud \
                          et bassin de mobilité"
                .into(),
            styles: qml::communes_styles(t, r),
            geometry_type: GeometryType::MultiPolygon,
            table,
            geometries: t
                .communes
                .iter()
                .map(|c| Geometry::MultiPolygon(c.geometry.clone()))
                .collect(),
        });
        out.push(VectorLayer {
            name: "qpv".into(),
            title: "Quartiers prioritaires (QPV)".into(),
            description: "Quartiers prioritaires de la politique de la ville (QPV 2024) : \
                          site d'accueil le plus proche et distance"
                .into(),
            styles: vec![qml::qpv(t).row(
                "maillage – QPV",
                "QPV en rouge, comme sur carte_regionale",
                true,
            )],
            geometry_type: GeometryType::MultiPolygon,
            table: qpv,
            geometries: t
                .qpv
                .iter()
                .map(|q| Geometry::MultiPolygon(q.geometry.clone()))
                .collect(),
        });
    }

    out.push(sites_layer(t));

    if let Some(h) = &r.hotspots {
        out.push(VectorLayer {
            name: "hotspots".into(),
            title: "Points chauds de non-mobilité".into(),
            description: "Points chauds de non-mobilité : groupes de communes voisines dont \
                          les jeunes non mobiles n'ont aucun site à portée, classés"
                .into(),
            styles: vec![qml::hotspots(h.clusters.len()).row(
                "maillage – points chauds",
                "Groupes par classe de rang, les 20 premiers numérotés, comme sur \
                 carte_hotspots",
                true,
            )],
            geometry_type: GeometryType::MultiPolygon,
            table: hotspot_clusters_table(t, h.unit, &h.clusters),
            geometries: cluster_shapes(t, h),
        });
    }

    if let Some(bs) = &r.basins {
        out.push(VectorLayer {
            name: "bassins".into(),
            title: "Bassins de mobilité (PAMS)".into(),
            description: "Bassins de mobilité (PAMS) et leur demande d'appui à la mobilité".into(),
            styles: vec![qml::basins(&bs.basins.names, &bs.sizes).row(
                "maillage – bassins",
                "Bassins numérotés dans la palette de carte_bassins",
                true,
            )],
            geometry_type: GeometryType::MultiPolygon,
            table: basins_table(t, r.basics.costs.unit, &bs.basins, &bs.sizes),
            geometries: (0..bs.basins.names.len())
                .into_par_iter()
                .map(|k| union_of(t, &bs.members(k)))
                .collect(),
        });
    }

    if let Some(p) = &r.placement {
        // The points as the table writes them (6 decimals), so that the
        // geometry and the lon/lat columns agree.
        let rounded = |x: f64| cell_number(&Cell::Float(x, 6)).unwrap_or(x);
        out.push(VectorLayer {
            name: "placement".into(),
            title: "Nouvelles permanences proposées".into(),
            description: "Nouvelles permanences proposées, la meilleure d'abord".into(),
            styles: vec![qml::placement().row(
                "maillage – permanences",
                "Étoiles numérotées par rang du choix, comme sur carte_placement",
                true,
            )],
            geometry_type: GeometryType::Point,
            table: placement_table(t, &p.candidates, &p.placement),
            geometries: p
                .placement
                .placed
                .iter()
                .map(|placed| {
                    let c = p.candidates[placed.candidate].position;
                    Geometry::Point(Point::new(rounded(c.lon), rounded(c.lat)))
                })
                .collect(),
        });
    }
    keep_perimeter(t, r, &mut out);
    out
}

/// A run scoped to a perimeter keeps its features: its communes, its QPV,
/// its sites, the basins (or their parts) it holds ([`Perimeter`]).
fn keep_perimeter(t: &Territory, r: &Results, layers: &mut [VectorLayer]) {
    let keep = Perimeter::new(t, &r.scope);
    if keep.whole() {
        return;
    }
    for layer in layers {
        let k: Box<dyn Fn(usize) -> bool> = match layer.name.as_str() {
            "communes" => Box::new(|i| keep.commune(i)),
            "qpv" => Box::new(|j| keep.qpv(j)),
            "sites" => Box::new(|j| r.scope.has_site(t, &t.sites[j])),
            "bassins" => match &r.basins {
                Some(bs) => Box::new(move |k| bs.sizes[k].communes > 0),
                None => continue,
            },
            _ => continue,
        };
        let mut rows = Vec::new();
        let mut geometries = Vec::new();
        for (i, (row, g)) in layer
            .table
            .rows
            .drain(..)
            .zip(layer.geometries.drain(..))
            .enumerate()
        {
            if k(i) {
                rows.push(row);
                geometries.push(g);
            }
        }
        layer.table.rows = rows;
        layer.geometries = geometries;
    }
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
        title: "Sites des Missions Locales".into(),
        description: "Sites d'accueil des Missions Locales (siège, antenne, permanence)".into(),
        styles: vec![qml::sites(t).row(
            "maillage – sites",
            "Sites par type, avec les symboles des cartes",
            true,
        )],
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
/// `qpv.geojson`…; the hotspots' is [`HOTSPOTS_GEOJSON`], written with the
/// hotspot tables). Returns the layers' names.
pub fn add_layers(t: &Territory, r: &Results, outputs: &mut Outputs) -> Result<Vec<String>, Error> {
    let layers = layers(t, r);
    outputs.add(GPKG_NAME, gpkg::to_bytes(&layers, &t.frame)?);
    let geojson: Vec<(String, Vec<u8>)> = layers
        .par_iter()
        .filter(|l| l.name != "hotspots")
        .map(|l| (format!("{}.geojson", l.name), layer_geojson(l)))
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
    fn json_values_keep_the_csv_decimals() {
        assert_eq!(json_value(&Cell::Float(1.23456, 3)), Value::from(1.235));
        assert_eq!(json_value(&Cell::Float(f64::NAN, 3)), Value::Null);
        assert_eq!(json_value(&"02001".into()), Value::from("02001"));
    }
}
