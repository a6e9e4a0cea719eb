//! GeoPackage writer (OGC GeoPackage 1.3, the file QGIS and GDAL open as
//! `.gpkg`): an SQLite database with the core tables of the standard
//! (`gpkg_spatial_ref_sys`, `gpkg_contents`, `gpkg_geometry_columns`) and one
//! feature table per layer, geometries in GeoPackage binary form (a `GP`
//! header with the envelope, then little-endian WKB).
//!
//! Layers are written in **Lambert-93 (EPSG:2154)**, the projection French
//! planners work in: lengths and areas read in metres. The file is built in
//! a temporary database, in a fixed order with fixed settings, then returned
//! as bytes, so the same layers always give the same bytes and the output
//! goes through the atomic write of [`crate::output::write::Outputs`]. The
//! `last_change` of `gpkg_contents` is a fixed date ([`LAST_CHANGE`]) rather
//! than the time of the run, for the same reason.
//!
//! Each layer's QGIS styles ([`crate::output::qml`]) go in a `layer_styles`
//! table made as QGIS makes it (QGIS 3.22 through GDAL: the same columns,
//! registered in `gpkg_contents` as `attributes`, no extension), one of them
//! `useAsDefault`: QGIS opens the layer in it. Its `update_time` is
//! [`LAST_CHANGE`] too.

use std::path::Path;

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;

use crate::base::frame::Frame;
use crate::base::LonLat;
use crate::error::Error;
use crate::output::qml::LayerStyle;
use crate::output::write::{format_float, Cell, CsvStyle, Table};

/// `PRAGMA application_id` of a GeoPackage: `GPKG` in ASCII.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `PRAGMA user_version` of GeoPackage 1.3.0.
pub const USER_VERSION: i32 = 10300;
/// The `srs_id` of the layers: RGF93 v1 / Lambert-93.
pub const SRS_LAMBERT_93: i32 = 2154;
/// The srs_id of a territory's local frame (outside France).
pub const SRS_LOCAL: i32 = 990_001;
/// The date written as `last_change` of every layer (fixed, so that the file
/// does not depend on the day of the run).
pub const LAST_CHANGE: &str = "2025-01-01T00:00:00.000Z";

/// OGC WKT of EPSG:2154, as GDAL writes it.
const WKT_2154: &str = "PROJCS[\"RGF93 v1 / Lambert-93\",GEOGCS[\"RGF93 v1\",\
DATUM[\"Reseau_Geodesique_Francais_1993_v1\",SPHEROID[\"GRS 1980\",6378137,298.257222101,\
AUTHORITY[\"EPSG\",\"7019\"]],AUTHORITY[\"EPSG\",\"6171\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AUTHORITY[\"EPSG\",\"4171\"]],PROJECTION[\"Lambert_Conformal_Conic_2SP\"],\
PARAMETER[\"latitude_of_origin\",46.5],PARAMETER[\"central_meridian\",3],\
PARAMETER[\"standard_parallel_1\",49],PARAMETER[\"standard_parallel_2\",44],\
PARAMETER[\"false_easting\",700000],PARAMETER[\"false_northing\",6600000],\
UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH],\
AUTHORITY[\"EPSG\",\"2154\"]]";

/// OGC WKT of EPSG:4326, as GDAL writes it.
const WKT_4326: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,\
298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,\
AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],\
AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],AUTHORITY[\"EPSG\",\"4326\"]]";

/// The geometry type of a layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryType {
    Point,
    MultiPolygon,
}

impl GeometryType {
    /// The name in `gpkg_geometry_columns` and the SQL column type.
    pub fn name(self) -> &'static str {
        match self {
            GeometryType::Point => "POINT",
            GeometryType::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// A layer to write: a table of attributes and one geometry per row, in
/// WGS84 longitude/latitude (projected to Lambert-93 when written).
#[derive(Debug, Clone)]
pub struct VectorLayer {
    /// Table name.
    pub name: String,
    /// The layer's title (`identifier` in `gpkg_contents`), in French.
    pub title: String,
    /// What the layer holds (`description` in `gpkg_contents`), in French.
    pub description: String,
    /// Its QGIS styles, the default one first (none: no row in
    /// `layer_styles`).
    pub styles: Vec<LayerStyle>,
    pub geometry_type: GeometryType,
    pub table: Table,
    /// One geometry per row of `table`.
    pub geometries: Vec<Geometry<f64>>,
}

/// The SQLite type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    Integer,
    Real,
    Boolean,
}

impl FieldType {
    fn sql(self) -> &'static str {
        match self {
            FieldType::Text => "TEXT",
            FieldType::Integer => "INTEGER",
            FieldType::Real => "REAL",
            FieldType::Boolean => "BOOLEAN",
        }
    }
}

/// The type of each column: that of its non-empty cells (integers mixed
/// with decimals are `REAL`, anything mixed with text is `TEXT`; a column
/// with no value at all is `TEXT`).
pub fn field_types(table: &Table) -> Vec<FieldType> {
    (0..table.headers.len())
        .map(|k| {
            let mut ty: Option<FieldType> = None;
            for row in &table.rows {
                let t = match &row[k] {
                    Cell::Empty => continue,
                    Cell::Text(_) => FieldType::Text,
                    Cell::Int(_) => FieldType::Integer,
                    Cell::Float(..) | Cell::Exact(_) => FieldType::Real,
                    Cell::Bool(_) => FieldType::Boolean,
                };
                ty = Some(match (ty, t) {
                    (None, t) => t,
                    (Some(a), b) if a == b => a,
                    (Some(FieldType::Integer), FieldType::Real)
                    | (Some(FieldType::Real), FieldType::Integer) => FieldType::Real,
                    _ => FieldType::Text,
                });
            }
            ty.unwrap_or(FieldType::Text)
        })
        .collect()
}

/// The value a cell holds, as in the CSV: a `Float` keeps the decimals the
/// CSV shows, so the layer and the table say the same thing.
pub fn cell_number(cell: &Cell) -> Option<f64> {
    match cell {
        Cell::Int(n) => Some(*n as f64),
        Cell::Float(x, d) => format_float(*x, *d, CsvStyle::Rfc4180).parse().ok(),
        Cell::Exact(x) => x.is_finite().then_some(*x),
        _ => None,
    }
}

fn sql_value(cell: &Cell, ty: FieldType) -> SqlValue {
    match (cell, ty) {
        (Cell::Empty, _) => SqlValue::Null,
        (Cell::Int(n), FieldType::Integer) => SqlValue::Integer(*n),
        (Cell::Bool(b), FieldType::Boolean) => SqlValue::Integer(i64::from(*b)),
        (Cell::Text(s), _) => SqlValue::Text(s.clone()),
        (c, FieldType::Text) => SqlValue::Text(match c {
            Cell::Bool(b) => b.to_string(),
            c => cell_number(c).map_or_else(String::new, |x| x.to_string()),
        }),
        (c, _) => cell_number(c).map_or(SqlValue::Null, SqlValue::Real),
    }
}

/// Projects a lon/lat geometry to the frame's plane.
pub fn project_to(frame: &Frame, g: &Geometry<f64>) -> Geometry<f64> {
    use geo::MapCoords;
    g.map_coords(|c| {
        let p = frame.project(LonLat::new(c.x, c.y));
        Coord { x: p.x, y: p.y }
    })
}

/// Little-endian WKB of a point or (multi)polygon; other types are written
/// as an empty geometry collection.
pub fn wkb(g: &Geometry<f64>, out: &mut Vec<u8>) {
    fn header(out: &mut Vec<u8>, ty: u32) {
        out.push(1);
        out.extend_from_slice(&ty.to_le_bytes());
    }
    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
    }
    fn coord(out: &mut Vec<u8>, c: Coord<f64>) {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
    fn ring(out: &mut Vec<u8>, r: &LineString<f64>) {
        count(out, r.0.len());
        for c in &r.0 {
            coord(out, *c);
        }
    }
    fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
        header(out, 3);
        let rings = std::iter::once(p.exterior())
            .chain(p.interiors())
            .filter(|r| !r.0.is_empty());
        count(out, rings.clone().count());
        for r in rings {
            ring(out, r);
        }
    }
    fn multipolygon(out: &mut Vec<u8>, m: &MultiPolygon<f64>) {
        header(out, 6);
        count(out, m.0.len());
        for p in &m.0 {
            polygon(out, p);
        }
    }
    match g {
        Geometry::Point(Point(c)) => {
            header(out, 1);
            coord(out, *c);
        }
        Geometry::Polygon(p) => multipolygon(out, &MultiPolygon(vec![p.clone()])),
        Geometry::MultiPolygon(m) => multipolygon(out, m),
        _ => {
            header(out, 7);
            count(out, 0);
        }
    }
}

/// A geometry as a GeoPackage binary blob: `GP`, version 0, flags
/// (little-endian, envelope `[minx, maxx, miny, maxy]`, or the empty flag),
/// `srs_id`, the envelope, then WKB. Returns the blob and the envelope.
pub fn gpkg_blob(g: &Geometry<f64>, srs_id: i32) -> (Vec<u8>, Option<geo::Rect<f64>>) {
    use geo::BoundingRect;
    let env = g.bounding_rect();
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0);
    // Flags: bit 0 little-endian; bits 1-3 envelope code (1 = xy); bit 4 empty.
    out.push(match env {
        Some(_) => 0b0000_0011,
        None => 0b0001_0001,
    });
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = env {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    wkb(g, &mut out);
    (out, env)
}

/// Quotes an SQL identifier.
fn ident(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// The core tables of GeoPackage 1.3 (requirements 10, 13 and 21), and the
/// reference systems used here.
const SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
";

fn sql_err(path: &Path, e: rusqlite::Error) -> Error {
    Error::file(path, format!("écriture du GeoPackage : {e}"))
}

/// Writes the layers into a new GeoPackage at `path` (which must not exist
/// or be empty).
pub fn write_file(path: &Path, layers: &[VectorLayer], frame: &Frame) -> Result<(), Error> {
    let err = |e| sql_err(path, e);
    let conn = Connection::open(path).map_err(err)?;
    // Fixed settings: the bytes depend only on the layers.
    conn.execute_batch(&format!(
        "PRAGMA page_size = 4096;
         PRAGMA journal_mode = OFF;
         PRAGMA synchronous = OFF;
         PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {USER_VERSION};"
    ))
    .map_err(err)?;
    conn.execute_batch("BEGIN").map_err(err)?;
    conn.execute_batch(SCHEMA).map_err(err)?;
    {
        let mut srs = conn
            .prepare(
                "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, \
                 organization_coordsys_id, definition, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .map_err(err)?;
        let (local_wkt, local_label) = (frame.wkt(), frame.label());
        let projected = if frame.is_lambert93() {
            (
                "RGF93 v1 / Lambert-93",
                SRS_LAMBERT_93,
                "EPSG",
                2154,
                WKT_2154,
                "Lambert-93, the official projection of metropolitan France",
            )
        } else {
            (
                "maillage local LCC",
                SRS_LOCAL,
                "maillage",
                SRS_LOCAL,
                local_wkt.as_str(),
                local_label.as_str(),
            )
        };
        let rows: [(&str, i32, &str, i32, &str, &str); 4] = [
            (
                "Undefined cartesian SRS",
                -1,
                "NONE",
                -1,
                "undefined",
                "undefined cartesian coordinate reference system",
            ),
            (
                "Undefined geographic SRS",
                0,
                "NONE",
                0,
                "undefined",
                "undefined geographic coordinate reference system",
            ),
            (
                "WGS 84 geodetic",
                4326,
                "EPSG",
                4326,
                WKT_4326,
                "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid",
            ),
            projected,
        ];
        for r in rows {
            srs.execute(rusqlite::params![r.0, r.1, r.2, r.3, r.4, r.5])
                .map_err(err)?;
        }
    }
    for layer in layers {
        write_layer(&conn, layer, frame).map_err(err)?;
    }
    if layers.iter().any(|l| !l.styles.is_empty()) {
        write_styles(&conn, layers).map_err(err)?;
    }
    conn.execute_batch("COMMIT").map_err(err)?;
    conn.close().map_err(|(_, e)| err(e))?;
    Ok(())
}

fn write_layer(conn: &Connection, layer: &VectorLayer, frame: &Frame) -> rusqlite::Result<()> {
    let srs_id = if frame.is_lambert93() {
        SRS_LAMBERT_93
    } else {
        SRS_LOCAL
    };
    let types = field_types(&layer.table);
    let name = ident(&layer.name);
    let mut columns = vec![
        "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL".to_string(),
        format!("geom {}", layer.geometry_type.name()),
    ];
    columns.extend(
        layer
            .table
            .headers
            .iter()
            .zip(&types)
            .map(|(h, t)| format!("{} {}", ident(h), t.sql())),
    );
    conn.execute_batch(&format!("CREATE TABLE {name} ({})", columns.join(", ")))?;
    let placeholders: Vec<String> = (1..=layer.table.headers.len() + 2)
        .map(|i| format!("?{i}"))
        .collect();
    let names: Vec<String> = ["fid".to_string(), "geom".to_string()]
        .into_iter()
        .chain(layer.table.headers.iter().map(|h| ident(h)))
        .collect();
    let mut insert = conn.prepare(&format!(
        "INSERT INTO {name} ({}) VALUES ({})",
        names.join(", "),
        placeholders.join(", ")
    ))?;
    let mut extent: Option<geo::Rect<f64>> = None;
    for (i, (row, g)) in layer.table.rows.iter().zip(&layer.geometries).enumerate() {
        let (blob, env) = gpkg_blob(&project_to(frame, g), srs_id);
        if let Some(e) = env {
            extent = Some(match extent {
                None => e,
                Some(x) => geo::Rect::new(
                    Coord {
                        x: x.min().x.min(e.min().x),
                        y: x.min().y.min(e.min().y),
                    },
                    Coord {
                        x: x.max().x.max(e.max().x),
                        y: x.max().y.max(e.max().y),
                    },
                ),
            });
        }
        let mut values = vec![SqlValue::Integer(i as i64 + 1), SqlValue::Blob(blob)];
        values.extend(row.iter().zip(&types).map(|(c, t)| sql_value(c, *t)));
        insert.execute(rusqlite::params_from_iter(values))?;
    }
    let (min_x, min_y, max_x, max_y) = match extent {
        Some(e) => (
            Some(e.min().x),
            Some(e.min().y),
            Some(e.max().x),
            Some(e.max().y),
        ),
        None => (None, None, None, None),
    };
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        rusqlite::params![
            layer.name,
            layer.title,
            layer.description,
            LAST_CHANGE,
            min_x,
            min_y,
            max_x,
            max_y,
            srs_id
        ],
    )?;
    conn.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) \
         VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        rusqlite::params![layer.name, layer.geometry_type.name(), srs_id],
    )?;
    Ok(())
}

/// The table of QGIS styles, as QGIS 3.22 creates it.
const LAYER_STYLES: &str =
    "CREATE TABLE \"layer_styles\" ( \"id\" INTEGER PRIMARY KEY AUTOINCREMENT \
NOT NULL, \"f_table_catalog\" TEXT(256), \"f_table_schema\" TEXT(256), \"f_table_name\" TEXT(256), \
\"f_geometry_column\" TEXT(256), \"styleName\" TEXT(30), \"styleQML\" TEXT, \"styleSLD\" TEXT, \
\"useAsDefault\" BOOLEAN, \"description\" TEXT, \"owner\" TEXT(30), \"ui\" TEXT(30), \
\"update_time\" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))";

/// The `identifier` of `layer_styles` in `gpkg_contents`.
pub const LAYER_STYLES_TITLE: &str = "Styles QGIS des couches";

/// Writes the `layer_styles` table: each layer's styles, in the layers'
/// order, with empty catalog, schema and owner and no SLD, as QGIS does.
fn write_styles(conn: &Connection, layers: &[VectorLayer]) -> rusqlite::Result<()> {
    conn.execute_batch(LAYER_STYLES)?;
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, \
         srs_id) VALUES ('layer_styles', 'attributes', ?1, ?2, ?3, 0)",
        rusqlite::params![
            LAYER_STYLES_TITLE,
            "Styles des couches pour QGIS (symbologie, légende et étiquettes des cartes) ; \
             QGIS applique le style par défaut de chaque couche à son ouverture",
            LAST_CHANGE
        ],
    )?;
    let mut insert = conn.prepare(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, \
         f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, \
         update_time) VALUES ('', '', ?1, 'geom', ?2, ?3, '', ?4, ?5, '', NULL, ?6)",
    )?;
    for layer in layers {
        for s in &layer.styles {
            insert.execute(rusqlite::params![
                layer.name,
                s.name,
                s.qml,
                s.default,
                s.description,
                LAST_CHANGE
            ])?;
        }
    }
    Ok(())
}

/// The GeoPackage of `layers` as bytes: written into a temporary folder,
/// read back, and the temporary file removed.
pub fn to_bytes(layers: &[VectorLayer], frame: &Frame) -> Result<Vec<u8>, Error> {
    let dir = tempfile::Builder::new()
        .prefix("maillage-gpkg-")
        .tempdir()
        .map_err(|e| Error::io(&std::env::temp_dir(), e))?;
    let path = dir.path().join("maillage.gpkg");
    write_file(&path, layers, frame)?;
    std::fs::read(&path).map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use geo::polygon;

    fn layers() -> Vec<VectorLayer> {
        let mut t = Table::new(&["code", "n", "x", "ok", "vide"]);
        t.push(vec![
            "02001".into(),
            Cell::Int(3),
            Cell::Float(1.23456, 2),
            true.into(),
            Cell::Empty,
        ]);
        t.push(vec![
            "59350".into(),
            Cell::Int(4),
            Cell::Empty,
            false.into(),
            Cell::Empty,
        ]);
        let sq =
            polygon![(x: 2.0, y: 49.0), (x: 2.1, y: 49.0), (x: 2.1, y: 49.1), (x: 2.0, y: 49.1)];
        vec![
            VectorLayer {
                name: "zones".into(),
                title: "Zones".into(),
                description: "test".into(),
                styles: vec![
                    LayerStyle {
                        name: "a".into(),
                        description: "défaut".into(),
                        qml: "<qgis/>".into(),
                        default: true,
                    },
                    LayerStyle {
                        name: "b".into(),
                        description: String::new(),
                        qml: "<qgis></qgis>".into(),
                        default: false,
                    },
                ],
                geometry_type: GeometryType::MultiPolygon,
                table: t.clone(),
                geometries: vec![
                    Geometry::MultiPolygon(MultiPolygon(vec![sq.clone()])),
                    Geometry::Polygon(sq),
                ],
            },
            VectorLayer {
                name: "points".into(),
                title: "Points".into(),
                description: String::new(),
                styles: Vec::new(),
                geometry_type: GeometryType::Point,
                table: t,
                geometries: vec![
                    Geometry::Point(Point::new(3.0, 46.5)),
                    Geometry::Point(Point::new(2.0, 49.0)),
                ],
            },
        ]
    }

    #[test]
    fn a_geopackage_reads_back_with_its_types_srs_and_envelopes() {
        let bytes = to_bytes(&layers(), &Frame::lambert93()).unwrap();
        assert_eq!(&bytes[..16], b"SQLite format 3\0");
        assert_eq!(&bytes[68..72], b"GPKG");
        assert_eq!(i32::from_be_bytes(bytes[60..64].try_into().unwrap()), 10300);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.gpkg");
        std::fs::write(&p, &bytes).unwrap();
        let c = Connection::open(&p).unwrap();
        let ty: Vec<(String, String)> = c
            .prepare("SELECT name, type FROM pragma_table_info('zones') ORDER BY cid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let types: Vec<&str> = ty.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            types,
            [
                "INTEGER",
                "MULTIPOLYGON",
                "TEXT",
                "INTEGER",
                "REAL",
                "BOOLEAN",
                "TEXT"
            ]
        );
        let (code, x, ok): (String, f64, bool) = c
            .query_row("SELECT code, x, ok FROM zones WHERE fid = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((code.as_str(), x, ok), ("02001", 1.23, true));
        // The point at (3°E, 46.5°N) is the origin of Lambert-93.
        let blob: Vec<u8> = c
            .query_row("SELECT geom FROM points WHERE fid = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(&blob[..4], b"GP\x00\x03");
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 2154);
        let f = |k: usize| f64::from_le_bytes(blob[8 + 8 * k..16 + 8 * k].try_into().unwrap());
        assert!((f(0) - 700_000.0).abs() < 1e-6 && (f(2) - 6_600_000.0).abs() < 1e-6);
        let srs: i64 = c
            .query_row(
                "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'zones'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(srs, 2154);
        let n: i64 = c
            .query_row("SELECT count(*) FROM gpkg_spatial_ref_sys", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(n, 4);
        // The styles of the first layer, registered as QGIS does; none for
        // the second.
        let styles: Vec<(String, String, String, bool, String)> = c
            .prepare(
                "SELECT f_table_name, styleName, styleQML, useAsDefault, update_time \
                 FROM layer_styles ORDER BY id",
            )
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(
            styles,
            [
                (
                    "zones".into(),
                    "a".into(),
                    "<qgis/>".into(),
                    true,
                    LAST_CHANGE.into()
                ),
                (
                    "zones".into(),
                    "b".into(),
                    "<qgis></qgis>".into(),
                    false,
                    LAST_CHANGE.into()
                ),
            ]
        );
        let (kind, title): (String, String) = c
            .query_row(
                "SELECT data_type, identifier FROM gpkg_contents WHERE table_name = 'layer_styles'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (kind.as_str(), title.as_str()),
            ("attributes", LAYER_STYLES_TITLE)
        );
        let title: String = c
            .query_row(
                "SELECT identifier FROM gpkg_contents WHERE table_name = 'zones'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(title, "Zones");
        // Same layers, same bytes.
        assert_eq!(to_bytes(&layers(), &Frame::lambert93()).unwrap(), bytes);
    }

    #[test]
    fn without_styles_there_is_no_style_table() {
        let mut l = layers();
        l[0].styles.clear();
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.gpkg");
        std::fs::write(&p, to_bytes(&l, &Frame::lambert93()).unwrap()).unwrap();
        let c = Connection::open(&p).unwrap();
        let n: i64 = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'layer_styles'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn mixed_columns_widen() {
        let mut t = Table::new(&["a", "b"]);
        t.push(vec![Cell::Int(1), Cell::Int(1)]);
        t.push(vec![Cell::Float(1.5, 1), "x".into()]);
        assert_eq!(field_types(&t), [FieldType::Real, FieldType::Text]);
    }
}
