//! The golden outputs of `maillage rapport` on the embedded data, and what
//! changed when they change.
//!
//! `tests/golden/report_sha256.txt` holds the SHA-256 of every table, layer
//! and raster: the authority. Beside it, `tests/golden/report_parts.txt`
//! holds a short hash of every part of each file (a CSV row, a GeoJSON
//! feature, a GeoPackage layer's row; blocks of rows for the 200 m grid),
//! so that on a mismatch the test names the file and its first differing
//! part, and prints that part as it now reads: a reviewer reads the change
//! instead of a hash. `UPDATE_GOLDEN=1 cargo test` rewrites both files, and
//! their diff is reviewed in the commit with the reason for the change.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

/// Files with more parts than this are hashed by blocks of [`BLOCK`] parts.
const MAX_PARTS: usize = 20_000;
const BLOCK: usize = 4096;

/// A part of an output: where it is, and its text.
pub struct Part {
    pub label: String,
    pub text: String,
}

/// The parts of the output `name` (see the module doc); one part, the whole
/// file, for a raster.
pub fn parts(name: &str, bytes: &[u8]) -> Vec<Part> {
    let parts = if name.ends_with(".csv") {
        String::from_utf8_lossy(bytes)
            .split_inclusive('\n')
            .enumerate()
            .map(|(i, l)| Part {
                label: format!("ligne {}", i + 1),
                text: l.trim_end().to_string(),
            })
            .collect()
    } else if name.ends_with(".geojson") {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let p = &f["properties"];
                let id = ["code_insee", "code_qp", "site_id", "rang", "bassin", "id"]
                    .iter()
                    .find_map(|k| p.get(*k).filter(|v| !v.is_null()))
                    .map_or(String::new(), |v| format!(" ({v})"));
                Part {
                    label: format!("entité {}{id}", i + 1),
                    text: f.to_string(),
                }
            })
            .collect()
    } else if name.ends_with(".gpkg") {
        gpkg_parts(bytes)
    } else {
        vec![Part {
            label: "fichier entier".into(),
            text: format!("{:x}", Sha256::digest(bytes)),
        }]
    };
    blocks(parts)
}

/// Parts grouped by blocks of [`BLOCK`] when there are too many: each
/// block's text is its parts' texts, its label their range and first part.
fn blocks(parts: Vec<Part>) -> Vec<Part> {
    if parts.len() <= MAX_PARTS {
        return parts;
    }
    parts
        .chunks(BLOCK)
        .map(|c| Part {
            label: format!("{} à {} (bloc)", c[0].label, c[c.len() - 1].label),
            text: c
                .iter()
                .map(|p| p.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect()
}

/// Every row of every layer of a GeoPackage, layer by layer in the order of
/// `gpkg_contents`, columns in their order.
fn gpkg_parts(bytes: &[u8]) -> Vec<Part> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.gpkg");
    std::fs::write(&path, bytes).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut parts = Vec::new();
    for t in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let rows: Vec<String> = st
            .query_map([], |r| {
                Ok((0..n)
                    .map(|k| match r.get_ref(k).unwrap() {
                        rusqlite::types::ValueRef::Null => "NULL".to_string(),
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(s) => String::from_utf8_lossy(s).into(),
                        rusqlite::types::ValueRef::Blob(b) => {
                            format!("<{} octets {:x}>", b.len(), Sha256::digest(b))
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" | "))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (i, text) in rows.into_iter().enumerate() {
            parts.push(Part {
                label: format!("couche {t}, ligne {}", i + 1),
                text,
            });
        }
    }
    parts
}

/// A part's short hash: enough to find the first difference, the SHA-256
/// of the whole file being the authority.
fn short(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))[..10].to_string()
}

/// The parts file: `# name` then one short hash per part.
pub fn parts_file(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = String::new();
    for (name, bytes) in files {
        out.push_str(&format!("# {name}\n"));
        for p in parts(name, bytes) {
            out.push_str(&short(&p.text));
            out.push('\n');
        }
    }
    out
}

/// What changed in each file against a parts file: for each file whose
/// parts differ, its first differing part as it now reads, and how many
/// parts differ.
pub fn changes(files: &BTreeMap<String, Vec<u8>>, golden_parts: &str) -> Vec<String> {
    let mut golden: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut current = None;
    for line in golden_parts.lines() {
        if let Some(name) = line.strip_prefix("# ") {
            current = Some(name);
            golden.entry(name).or_default();
        } else if let Some(name) = current {
            golden.entry(name).or_default().push(line);
        }
    }
    let mut out = Vec::new();
    for (name, bytes) in files {
        let Some(was) = golden.remove(name.as_str()) else {
            out.push(format!("{name} : nouveau fichier"));
            continue;
        };
        let now = parts(name, bytes);
        let differ: Vec<usize> = (0..now.len().max(was.len()))
            .filter(|&i| now.get(i).map(|p| short(&p.text)).as_deref() != was.get(i).copied())
            .collect();
        let Some(&first) = differ.first() else {
            continue;
        };
        let shown = match now.get(first) {
            Some(p) => {
                let text: String = p.text.chars().take(400).collect();
                format!("{}, qui se lit maintenant :\n    {text}", p.label)
            }
            None => format!("partie {} : disparue", first + 1),
        };
        out.push(format!(
            "{name} : {} partie(s) sur {} diffèrent ({} avant) ; la première est {shown}",
            differ.len(),
            now.len(),
            was.len()
        ));
    }
    for name in golden.keys() {
        out.push(format!("{name} : fichier disparu"));
    }
    out
}

/// The golden outputs of a run's folder: its tables, layers and rasters.
pub fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            [".csv", ".geojson", ".gpkg", ".tif", ".xlsx"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap();
            (n, bytes)
        })
        .collect()
}

#[test]
fn a_change_is_named_by_its_file_and_first_differing_part() {
    let mut files = BTreeMap::new();
    files.insert(
        "a.csv".to_string(),
        b"code;x\r\n1;2\r\n3;4\r\n5;6\r\n".to_vec(),
    );
    files.insert(
        "b.geojson".to_string(),
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code_insee":"02001"},"geometry":null}]}"#.to_vec(),
    );
    let golden = parts_file(&files);
    assert!(changes(&files, &golden).is_empty());
    let mut changed = files.clone();
    changed.insert(
        "a.csv".to_string(),
        b"code;x\r\n1;2\r\n3;9\r\n5;6\r\n".to_vec(),
    );
    changed.insert(
        "b.geojson".to_string(),
        br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code_insee":"02001","v":1},"geometry":null}]}"#.to_vec(),
    );
    let c = changes(&changed, &golden);
    assert_eq!(c.len(), 2, "{c:?}");
    assert!(
        c[0].starts_with("a.csv : 1 partie(s) sur 4")
            && c[0].contains("ligne 3")
            && c[0].contains("3;9"),
        "{}",
        c[0]
    );
    assert!(
        c[1].contains("entité 1 (\"02001\")") && c[1].contains("\"v\":1"),
        "{}",
        c[1]
    );
    changed.remove("a.csv");
    changed.insert("c.tif".to_string(), vec![1, 2, 3]);
    let c = changes(&changed, &golden);
    assert!(c.iter().any(|l| l == "a.csv : fichier disparu"), "{c:?}");
    assert!(c.iter().any(|l| l == "c.tif : nouveau fichier"), "{c:?}");
}
