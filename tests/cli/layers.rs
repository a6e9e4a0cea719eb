//! `maillage report`'s map layers: the GeoPackage read back with SQLite, its
//! QGIS styles parsed and compared with the maps' classes and the tables, the
//! GeoTIFF read back with the `tiff` crate and compared with
//! grille_distance.csv, the GeoJSON files, the manifest, and the same bytes
//! whatever the number of threads.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::util::{assert_exit, fixture, read_csv, Dir};

fn report(dir: &Dir, extra: &[&str], threads: &str) {
    let mut args = vec!["rapport", "--csv", "rfc4180", "--out", "res", "--quiet"];
    args.extend_from_slice(extra);
    let out = dir.run_env(&args, &[("RAYON_NUM_THREADS", threads)]);
    assert_exit(&out, 0);
}

fn count(c: &Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn le_f64(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().unwrap())
}

/// Lambert-93 by the textbook formulas (IGN, NTG 71), independent of the
/// library's implementation.
fn lambert93(lon: f64, lat: f64) -> (f64, f64) {
    let (a, f): (f64, f64) = (6_378_137.0, 1.0 / 298.257_222_101);
    let e = (f * (2.0 - f)).sqrt();
    let iso = |phi: f64| {
        ((std::f64::consts::FRAC_PI_4 + phi / 2.0).tan()
            * ((1.0 - e * phi.sin()) / (1.0 + e * phi.sin())).powf(e / 2.0))
        .ln()
    };
    let m = |phi: f64| phi.cos() / (1.0 - (e * phi.sin()).powi(2)).sqrt();
    let (p1, p2, p0) = (49f64.to_radians(), 44f64.to_radians(), 46.5f64.to_radians());
    let n = (m(p1) / m(p2)).ln() / (iso(p2) - iso(p1));
    let c = a * m(p1) / n * (n * iso(p1)).exp();
    let ys = 6_600_000.0 + c * (-n * iso(p0)).exp();
    let r = c * (-n * iso(lat.to_radians())).exp();
    let g = n * (lon - 3.0).to_radians();
    (700_000.0 + r * g.sin(), ys - r * g.cos())
}

#[test]
fn the_geopackage_holds_every_layer_in_lambert_93() {
    let dir = Dir::new();
    report(&dir, &[], "2");
    let path = dir.path().join("res/maillage.gpkg");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..16], b"SQLite format 3\0");
    let c = Connection::open(&path).unwrap();
    assert_eq!(count(&c, "PRAGMA application_id"), 0x4750_4B47);
    assert_eq!(count(&c, "PRAGMA user_version"), 10300);
    assert_eq!(
        c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .unwrap(),
        "ok"
    );
    // The layers, in order, all features in EPSG:2154.
    let mut st = c
        .prepare(
            "SELECT c.table_name, g.geometry_type_name, g.srs_id, c.data_type \
             FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) ORDER BY c.rowid",
        )
        .unwrap();
    let layers: Vec<(String, String, i64, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = layers.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "communes",
            "qpv",
            "sites",
            "hotspots",
            "bassins",
            "placement"
        ]
    );
    for (name, ty, srs, kind) in &layers {
        assert_eq!((*srs, kind.as_str()), (2154, "features"), "{name}");
        let expected = if name == "sites" || name == "placement" {
            "POINT"
        } else {
            "MULTIPOLYGON"
        };
        assert_eq!(ty, expected, "{name}");
    }
    let def: String = c
        .query_row(
            "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id = 2154",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(def.starts_with("PROJCS[\"RGF93 v1 / Lambert-93\""), "{def}");
    assert_eq!(count(&c, "SELECT count(*) FROM gpkg_spatial_ref_sys"), 4);
    // As many features as rows in the tables.
    let hotspots = read_csv(&dir.read("res/hotspots.csv"));
    for (table, n) in [
        ("communes", 3782),
        ("qpv", 204),
        ("sites", 962),
        ("hotspots", hotspots.len() as i64),
        ("bassins", 10),
        ("placement", 10),
    ] {
        assert_eq!(
            count(&c, &format!("SELECT count(*) FROM {table}")),
            n,
            "{table}"
        );
        assert_eq!(
            count(
                &c,
                &format!("SELECT count(*) FROM {table} WHERE geom IS NULL")
            ),
            0
        );
    }
    // Attributes are those of the CSV: Lille's row.
    let communes = read_csv(&dir.read("res/communes.csv"));
    let lille = communes
        .iter()
        .find(|r| r["code_insee"] == "59350")
        .unwrap();
    let (site, km, rank, basin, blob): (String, f64, Option<i64>, String, Vec<u8>) = c
        .query_row(
            "SELECT site_plus_proche, distance_km, rang_foyer, bassin, geom FROM communes \
             WHERE code_insee = '59350'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(site, lille["site_plus_proche"]);
    assert_eq!(km, lille["distance_km"].parse::<f64>().unwrap());
    assert_eq!(rank, None, "Lille is no hotspot");
    assert!(basin.starts_with("Bassin "), "{basin}");
    // Its geometry: GP header, little-endian, xy envelope, srs 2154, then a
    // WKB multipolygon; the envelope holds the town hall in Lambert-93.
    assert_eq!(&blob[..4], b"GP\x00\x03");
    assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 2154);
    let (minx, maxx, miny, maxy) = (
        le_f64(&blob, 8),
        le_f64(&blob, 16),
        le_f64(&blob, 24),
        le_f64(&blob, 32),
    );
    assert_eq!(
        &blob[40..45],
        &[1, 6, 0, 0, 0],
        "little-endian MULTIPOLYGON"
    );
    let (x, y) = lambert93(
        lille["lon_mesure"].parse().unwrap(),
        lille["lat_mesure"].parse().unwrap(),
    );
    assert!(minx < x && x < maxx && miny < y && y < maxy, "{x} {y}");
    // Lille spans about 10 km by 8 km.
    assert!(
        (5_000.0..15_000.0).contains(&(maxx - minx)),
        "{minx} {maxx}"
    );
    // A site's point, within a millimetre of the textbook projection.
    let sites = read_csv(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv"))
            .unwrap(),
    );
    let s = &sites[0];
    let blob: Vec<u8> = c
        .query_row(
            "SELECT geom FROM sites WHERE site_id = ?1",
            [&s["site_id"]],
            |r| r.get(0),
        )
        .unwrap();
    let (x, y) = lambert93(s["lon"].parse().unwrap(), s["lat"].parse().unwrap());
    assert_eq!(&blob[40..45], &[1, 1, 0, 0, 0], "little-endian POINT");
    assert!((le_f64(&blob, 45) - x).abs() < 1e-3 && (le_f64(&blob, 53) - y).abs() < 1e-3);
    // The layer extent covers the region.
    let (cminx, cmaxy): (f64, f64) = c
        .query_row(
            "SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'communes'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!((560_000.0..600_000.0).contains(&cminx) && (7_100_000.0..7_130_000.0).contains(&cmaxy));
}

#[test]
fn the_geotiff_is_the_grid() {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::tags::Tag;
    let dir = Dir::new();
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "1000",
        "--csv",
        "rfc4180",
        "--out",
        "res",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let grid = read_csv(&dir.read("res/grille_distance.csv"));
    let bytes = std::fs::read(dir.path().join("res/grille_distance.tif")).unwrap();
    let mut d = Decoder::new(std::io::Cursor::new(bytes)).unwrap();
    let (w, h) = d.dimensions().unwrap();
    assert_eq!(
        d.get_tag_f64_vec(Tag::ModelPixelScaleTag).unwrap(),
        [1000.0, 1000.0, 0.0]
    );
    let tie = d.get_tag_f64_vec(Tag::ModelTiepointTag).unwrap();
    assert_eq!(&tie[..3], &[0.0, 0.0, 0.0]);
    let (west, north) = (tie[3], tie[4]);
    // Corners on the grid's lines.
    assert_eq!((west % 1000.0, north % 1000.0), (0.0, 0.0));
    let keys = d.get_tag_u16_vec(Tag::GeoKeyDirectoryTag).unwrap();
    let key = |id: u16| {
        keys[4..]
            .chunks(4)
            .find(|k| k[0] == id)
            .map(|k| (k[1], k[3]))
    };
    assert_eq!(key(1024), Some((0, 1)), "GTModelTypeGeoKey: projected");
    assert_eq!(key(1025), Some((0, 1)), "GTRasterTypeGeoKey: pixel is area");
    assert_eq!(key(3072), Some((0, 2154)), "ProjectedCSTypeGeoKey");
    let nodata: f32 = d
        .get_tag_ascii_string(Tag::GdalNodata)
        .unwrap()
        .parse()
        .unwrap();
    let DecodingResult::F32(v) = d.read_image().unwrap() else {
        panic!("not float32")
    };
    assert_eq!(v.len(), (w * h) as usize);
    // Every row of the CSV is the pixel whose square holds its centre.
    let mut by_pixel = BTreeMap::new();
    for r in &grid {
        let (x, y): (f64, f64) = (r["x_l93"].parse().unwrap(), r["y_l93"].parse().unwrap());
        let col = ((x - west) / 1000.0).floor() as usize;
        let row = ((north - y) / 1000.0).floor() as usize;
        assert!(col < w as usize && row < h as usize, "{x} {y}");
        // The centre sits in the middle of the pixel.
        assert_eq!(west + (col as f64 + 0.5) * 1000.0, x);
        assert_eq!(north - (row as f64 + 0.5) * 1000.0, y);
        let got = v[row * w as usize + col];
        let km: f64 = r["distance_km"].parse().unwrap();
        assert!(
            (f64::from(got) - km).abs() <= 0.0005 + 1e-6,
            "{x} {y}: {got} vs {km}"
        );
        by_pixel.insert((row, col), ());
    }
    // The other pixels are nodata.
    let valued = v.iter().filter(|&&p| p != nodata).count();
    assert_eq!(valued, grid.len());
    assert_eq!(by_pixel.len(), grid.len());
}

#[test]
fn geojson_layers_are_wgs84_feature_collections() {
    let dir = Dir::new();
    report(&dir, &[], "2");
    for (name, n) in [
        ("communes", 3782),
        ("qpv", 204),
        ("sites", 962),
        ("bassins", 10),
        ("placement", 10),
    ] {
        let v: serde_json::Value =
            serde_json::from_str(&dir.read(&format!("res/{name}.geojson"))).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        assert!(v.get("crs").is_none(), "RFC 7946 has no crs member");
        let f = v["features"].as_array().unwrap();
        assert_eq!(f.len(), n, "{name}");
        let g = &f[0]["geometry"];
        let mut c = &g["coordinates"];
        while c[0].is_array() {
            c = &c[0];
        }
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (1.0..5.0).contains(&lon) && (48.5..51.5).contains(&lat),
            "{name}"
        );
    }
    let v: serde_json::Value = serde_json::from_str(&dir.read("res/communes.geojson")).unwrap();
    let p = &v["features"][0]["properties"];
    assert_eq!(p["code_insee"], "02001", "codes stay text");
    assert!(p["distance_km"].is_number() && p["site_dans_commune"].is_boolean());
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_manifest_lists_inputs_and_outputs_with_their_sha256() {
    let dir = Dir::new();
    report(
        &dir,
        &[
            "--communes",
            fixture("mini/communes.geojson").to_str().unwrap(),
            "--sites",
            fixture("mini/sites.csv").to_str().unwrap(),
            "--classement",
            fixture("mini/classement.csv").to_str().unwrap(),
            "--zones",
            fixture("mini/zones.csv").to_str().unwrap(),
            "--implantation-nombre",
            "1",
        ],
        "2",
    );
    let out = files(&dir.path().join("res"));
    let m: serde_json::Value = serde_json::from_slice(&out["manifest.json"]).unwrap();
    assert_eq!(m["tool"], "maillage");
    assert_eq!(m["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(m["arguments"][0], "rapport");
    assert_eq!(m["parameters"]["grid_m"], 200.0);
    assert_eq!(m["parameters"]["placement_k"], 1);
    let listed: BTreeMap<String, (u64, String)> = m["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["file"].as_str().unwrap().to_string(),
                (
                    o["bytes"].as_u64().unwrap(),
                    o["sha256"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    // Every output but the manifest itself, byte for byte.
    assert_eq!(listed.len(), out.len() - 1);
    for (name, bytes) in &out {
        if name == "manifest.json" {
            continue;
        }
        assert_eq!(listed[name], (bytes.len() as u64, sha256(bytes)), "{name}");
    }
    for name in ["maillage.gpkg", "grille_distance.tif", "communes.geojson"] {
        assert!(listed.contains_key(name), "{name}");
    }
    let inputs = m["inputs"].as_array().unwrap();
    let communes = inputs.iter().find(|i| i["role"] == "communes").unwrap();
    assert_eq!(communes["source"], "file");
    let given = std::fs::read(fixture("mini/communes.geojson")).unwrap();
    assert_eq!(communes["sha256"], sha256(&given));
    let qpv = inputs.iter().find(|i| i["role"] == "qpv").unwrap();
    assert_eq!(
        (qpv["source"].as_str(), qpv["file"].as_str()),
        (Some("embedded"), Some("geodata/qpv.geojson"))
    );
    let embedded =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/qpv.geojson")).unwrap();
    assert_eq!(qpv["sha256"], sha256(&embedded));
    assert!(inputs.iter().any(|i| i["role"] == "chiffres_cles"));
    let steps = m["timings"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| s["step"] == "placement"));
}

#[test]
fn every_output_is_the_same_with_1_or_4_threads() {
    let (one, four) = (Dir::new(), Dir::new());
    report(&one, &[], "1");
    report(&four, &[], "4");
    let (a, b) = (
        files(&one.path().join("res")),
        files(&four.path().join("res")),
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        if name == "manifest.json" {
            let strip = |b: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
                v.as_object_mut().unwrap().remove("timings").unwrap();
                v
            };
            assert_eq!(strip(bytes), strip(&b[name]), "manifest apart from timings");
        } else {
            assert!(bytes == &b[name], "{name} differs between 1 and 4 threads");
        }
    }
}

/// A QML's classes in legend order: (what selects it, its label, the
/// colour of its symbol as QGIS writes it), for a rule-based, categorized
/// or graduated renderer.
fn qml_classes(qml: &str) -> (String, Vec<(String, String, String)>) {
    // A QML starts with QGIS's DOCTYPE line.
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(qml, options)
        .unwrap_or_else(|e| panic!("{e}: {qml}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "qgis");
    let renderer = root
        .children()
        .find(|n| n.has_tag_name("renderer-v2"))
        .unwrap();
    let colour = |symbol: &str| -> String {
        let s = renderer
            .descendants()
            .find(|n| n.has_tag_name("symbol") && n.attribute("name") == Some(symbol))
            .unwrap_or_else(|| panic!("no symbol {symbol}"));
        s.descendants()
            .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some("color"))
            .and_then(|n| n.attribute("value"))
            .unwrap()
            .to_string()
    };
    let classes = renderer
        .descendants()
        .filter(|n| {
            ["rule", "category", "range"].contains(&n.tag_name().name())
                && n.attribute("symbol").is_some()
        })
        .map(|n| {
            let selects = match n.tag_name().name() {
                "rule" => n.attribute("filter").unwrap_or_default().to_string(),
                "category" => n.attribute("value").unwrap().to_string(),
                _ => format!(
                    "{}-{}",
                    n.attribute("lower").unwrap(),
                    n.attribute("upper").unwrap()
                ),
            };
            (
                selects,
                n.attribute("label").unwrap().to_string(),
                colour(n.attribute("symbol").unwrap()),
            )
        })
        .collect();
    (renderer.attribute("type").unwrap().to_string(), classes)
}

fn qgis_colour(hex: u32) -> String {
    format!("{},{},{},255", hex >> 16, (hex >> 8) & 0xff, hex & 0xff)
}

/// The styles of `layer_styles`: (table, style name, QML, default).
fn styles(c: &Connection) -> Vec<(String, String, String, bool)> {
    c.prepare(
        "SELECT f_table_name, styleName, styleQML, useAsDefault FROM layer_styles ORDER BY id",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn default_qml<'a>(styles: &'a [(String, String, String, bool)], layer: &str) -> &'a str {
    let defaults: Vec<&(String, String, String, bool)> =
        styles.iter().filter(|s| s.0 == layer && s.3).collect();
    assert_eq!(defaults.len(), 1, "{layer}: one default style");
    &defaults[0].2
}

/// The communes' classes: those of the maps' bands, each label counting the
/// communes and young people whose value in communes.csv lies in the band.
fn assert_band_classes(
    qml: &str,
    communes: &[BTreeMap<String, String>],
    column: &str,
    bands: &[maillage::output::style::Band],
) {
    use maillage::output::style::band_of;
    let (kind, classes) = qml_classes(qml);
    assert_eq!(kind, "RuleRenderer");
    let value = |r: &BTreeMap<String, String>| r[column].parse::<f64>().unwrap_or(f64::NAN);
    let total: u64 = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse::<u64>().unwrap())
        .sum();
    let unmeasured = communes.iter().filter(|r| value(r).is_nan()).count();
    assert_eq!(classes.len(), bands.len() + usize::from(unmeasured > 0));
    for (k, (upper, label, colour)) in bands.iter().enumerate() {
        let members: Vec<&BTreeMap<String, String>> = communes
            .iter()
            .filter(|r| band_of(bands, value(r)) == Some(k))
            .collect();
        let jeunes: u64 = members
            .iter()
            .map(|r| r["jeunes_16_25"].parse::<u64>().unwrap())
            .sum();
        let pct = format!("{:.1}", 100.0 * jeunes as f64 / total as f64).replace('.', ",");
        let n = members.len().to_string();
        let n = if n.len() > 3 {
            format!("{}\u{a0}{}", &n[..n.len() - 3], &n[n.len() - 3..])
        } else {
            n
        };
        assert_eq!(
            classes[k].1,
            format!("{label} : {n} communes, {pct} % des jeunes")
        );
        assert_eq!(classes[k].2, qgis_colour(*colour), "{label}");
        let f = format!("\"{column}\"");
        assert!(
            classes[k].0.ends_with(&if upper.is_finite() {
                format!("{f} <= {upper}")
            } else {
                format!("{f} > {}", bands[k - 1].0)
            }),
            "{}",
            classes[k].0
        );
    }
    if unmeasured > 0 {
        assert_eq!(classes[bands.len()].0, format!("\"{column}\" IS NULL"));
        assert_eq!(
            classes[bands.len()].2,
            qgis_colour(maillage::output::style::NO_COST)
        );
    }
}

#[test]
fn the_geopackage_holds_the_maps_styles_for_qgis() {
    use maillage::output::style;
    let dir = Dir::new();
    report(&dir, &[], "2");
    let c = Connection::open(dir.path().join("res/maillage.gpkg")).unwrap();
    // The table as QGIS makes it, registered as QGIS registers it.
    let columns: Vec<String> = c
        .prepare("SELECT name FROM pragma_table_info('layer_styles') ORDER BY cid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        columns,
        [
            "id",
            "f_table_catalog",
            "f_table_schema",
            "f_table_name",
            "f_geometry_column",
            "styleName",
            "styleQML",
            "styleSLD",
            "useAsDefault",
            "description",
            "owner",
            "ui",
            "update_time"
        ]
    );
    let (kind, srs): (String, i64) = c
        .query_row(
            "SELECT data_type, srs_id FROM gpkg_contents WHERE table_name = 'layer_styles'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), srs), ("attributes", 0));
    // A fixed update time, empty catalog and schema (QGIS looks the styles
    // up with f_table_schema = ''), the geometry column.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM layer_styles WHERE update_time = '2025-01-01T00:00:00.000Z' \
             AND f_table_catalog = '' AND f_table_schema = '' AND f_geometry_column = 'geom'"
        ),
        7
    );
    // French titles and descriptions.
    let titles: Vec<(String, String)> = c
        .prepare("SELECT identifier, description FROM gpkg_contents ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let names: Vec<&str> = titles.iter().map(|t| t.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "Communes",
            "Quartiers prioritaires (QPV)",
            "Sites des Missions Locales",
            "Points chauds de non-mobilité",
            "Bassins de mobilité (PAMS)",
            "Nouvelles permanences proposées",
            "Styles QGIS des couches"
        ]
    );
    assert!(titles[0]
        .1
        .starts_with("Communes : site d'accueil le plus proche"));

    let styles = styles(&c);
    let rows: Vec<(&str, &str, bool)> = styles
        .iter()
        .map(|s| (s.0.as_str(), s.1.as_str(), s.3))
        .collect();
    assert_eq!(
        rows,
        [
            ("communes", "maillage – distances", true),
            ("communes", "maillage – classement", false),
            ("qpv", "maillage – QPV", true),
            ("sites", "maillage – sites", true),
            ("hotspots", "maillage – points chauds", true),
            ("bassins", "maillage – bassins", true),
            ("placement", "maillage – permanences", true),
        ]
    );

    // Communes by distance, in the bands of carte_distances.
    let communes = read_csv(&dir.read("res/communes.csv"));
    assert_band_classes(
        default_qml(&styles, "communes"),
        &communes,
        "distance_km",
        &style::BANDS_KM,
    );
    // By classement: the regional map's colours.
    let (kind, classes) = qml_classes(&styles[1].2);
    assert_eq!(kind, "categorizedSymbol");
    for (class, c) in classes.iter().zip(style::CLASSEMENTS) {
        let n = communes
            .iter()
            .filter(|r| r["classement"] == c.code())
            .count();
        assert_eq!(class.0, c.code());
        assert_eq!(class.1, style::classement_caption(c, n));
        assert_eq!(class.2, qgis_colour(style::classement_colour(c)));
    }
    assert_eq!(classes.len(), 4);

    // Sites by kind, with the maps' markers.
    let (kind, classes) = qml_classes(default_qml(&styles, "sites"));
    assert_eq!(kind, "categorizedSymbol");
    let sites = read_csv(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/sites.csv"))
            .unwrap(),
    );
    let labels: Vec<&str> = classes.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Sièges (42 dans la région)",
            "Antennes (184 dans la région)",
            "Permanences (736 dans la région)"
        ]
    );
    assert_eq!(sites.len(), 962);
    for (class, k) in classes.iter().zip(maillage::model::SiteKind::ALL) {
        assert_eq!(class.0, k.code());
        assert_eq!(class.2, qgis_colour(style::site_style(k).2));
    }

    // Hotspots: the rank classes of the map, the last one counting its groups.
    let hotspots = read_csv(&dir.read("res/hotspots.csv"));
    let (kind, classes) = qml_classes(default_qml(&styles, "hotspots"));
    assert_eq!(kind, "graduatedSymbol");
    let n = hotspots.len();
    assert!(n > 20, "{n} clusters: every class shows");
    let expected: Vec<(String, String, String)> = [
        ("1-5", "rangs 1 à 5".to_string(), 0x99000d),
        ("6-10", "rangs 6 à 10".to_string(), 0xcb181d),
        ("11-20", "rangs 11 à 20".to_string(), 0xfb6a4a),
        ("", format!("rangs suivants ({} groupes)", n - 20), 0xfcbba1),
    ]
    .into_iter()
    .map(|(r, l, c)| {
        let r = if r.is_empty() {
            format!("21-{n}")
        } else {
            r.to_string()
        };
        (r, l, qgis_colour(c))
    })
    .collect();
    assert_eq!(classes, expected);

    // Basins: one category each, in the map's palette and numbering.
    let basins = read_csv(&dir.read("res/bassins.csv"));
    let (kind, classes) = qml_classes(default_qml(&styles, "bassins"));
    assert_eq!(kind, "categorizedSymbol");
    assert_eq!(classes.len(), basins.len());
    for (k, (class, b)) in classes.iter().zip(&basins).enumerate() {
        assert_eq!(class.0, b["bassin"]);
        assert!(
            class.1.starts_with(&format!(
                "{:02} – {} : {} communes",
                k + 1,
                b["bassin"],
                b["nb_communes"]
            )),
            "{}",
            class.1
        );
        assert_eq!(class.2, qgis_colour(style::basin_colour(k)));
    }

    // QPV and the proposed permanences: one class each, labelled.
    let (_, classes) = qml_classes(default_qml(&styles, "qpv"));
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0].1, "QPV 2024 (204 quartiers dans la région)");
    assert_eq!(classes[0].2, qgis_colour(style::QPV_COLOUR));
    let qml = default_qml(&styles, "placement");
    let (_, classes) = qml_classes(qml);
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0].2, qgis_colour(style::NEW_SITE.1));
    assert!(qml.contains("labelsEnabled=\"1\"") && qml.contains("fieldName=\"&quot;rang&quot;\""));
}

#[test]
fn by_network_the_communes_style_classes_the_time() {
    let dir = Dir::new();
    let mut args: Vec<String> = vec!["report".into()];
    args.extend(crate::util::mini_layers());
    let grid = fixture("network/mini_grid.osm.pbf").display().to_string();
    args.extend(
        [
            "--reseau", &grid, "--mode", "velo", "--csv", "rfc4180", "--out", "out", "--quiet",
        ]
        .map(String::from),
    );
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_exit(&dir.run(&a), 0);
    let c = Connection::open(dir.path().join("out/maillage.gpkg")).unwrap();
    let styles = styles(&c);
    let communes = read_csv(&dir.read("out/communes.csv"));
    let qml = default_qml(&styles, "communes");
    assert!(qml.contains("label=\"Temps de la mairie au site le plus proche à vélo\""));
    assert_band_classes(
        qml,
        &communes,
        "temps_min",
        &maillage::output::style::BANDS_MIN,
    );
    // Two bands hold communes: the test can tell them apart.
    let (_, classes) = qml_classes(qml);
    assert_eq!(
        classes
            .iter()
            .filter(|c| !c.1.contains(" : 0 communes"))
            .count(),
        2
    );
}
