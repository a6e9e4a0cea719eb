//! `manifest.json`: what a run read and wrote, so that a result can be
//! traced and checked: the tool's version, the arguments and the parameters
//! in force, every input file (embedded or given) with its size and SHA-256,
//! every output with its size and SHA-256, and the duration of each step.
//!
//! Everything but the member `timings` depends only on the inputs and the
//! arguments: two runs of the same command give the same manifest except
//! for `timings`.

use std::path::Path;
use std::time::Duration;

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::load::territory::Embedded;
use crate::output::write::Outputs;

/// File name of the manifest.
pub const MANIFEST_NAME: &str = "manifest.json";

/// The SHA-256 of some bytes, in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One input file of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// What it is (`communes`, `sites`, `chiffres_cles`…).
    pub role: String,
    /// The path as given, or the repository path of the embedded copy.
    pub file: String,
    pub embedded: bool,
    pub size: u64,
    pub sha256: String,
}

impl InputFile {
    /// An embedded default.
    pub fn embedded(role: &str, e: &Embedded) -> Self {
        InputFile {
            role: role.to_string(),
            file: e.name.to_string(),
            embedded: true,
            size: e.bytes.len() as u64,
            sha256: sha256_hex(e.bytes),
        }
    }

    /// A user's file, read again to hash it; a Shapefile comes with the
    /// companion files that exist beside it (`.dbf`, `.shx`, `.prj`, `.cpg`).
    pub fn read(role: &str, path: &Path) -> Result<Vec<Self>, Error> {
        // A folder (a GTFS feed given unzipped): each of its files, by name.
        let mut paths = if path.is_dir() {
            let mut v: Vec<std::path::PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::io(path, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v
        } else {
            vec![path.to_path_buf()]
        };
        let is_shp = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("shp"));
        if is_shp {
            for ext in ["dbf", "shx", "prj", "cpg"] {
                let p = path.with_extension(ext);
                if p.is_file() {
                    paths.push(p);
                }
            }
        }
        paths
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
                Ok(InputFile {
                    role: role.to_string(),
                    file: p.display().to_string(),
                    embedded: false,
                    size: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                })
            })
            .collect()
    }

    /// The given file, or the embedded default when there is none.
    pub fn given_or_embedded(
        role: &str,
        path: Option<&Path>,
        default: &Embedded,
    ) -> Result<Vec<Self>, Error> {
        match path {
            Some(p) => Self::read(role, p),
            None => Ok(vec![Self::embedded(role, default)]),
        }
    }
}

/// What the manifest says about a run.
#[derive(Debug, Clone)]
pub struct RunRecord<'a> {
    /// The subcommand (`report`).
    pub command: &'a str,
    /// The command-line arguments after the program's name, as given.
    pub arguments: Vec<String>,
    /// The parameters in force, defaults included.
    pub parameters: Map<String, Value>,
    pub inputs: Vec<InputFile>,
    /// Each finished step and its duration.
    pub timings: &'a [(String, Duration)],
    /// Work timed apart, done during the steps (not in their total).
    pub parts: &'a [(String, Duration)],
}

/// The manifest of the outputs added so far (all of them but itself), as
/// pretty-printed JSON with a final newline.
pub fn manifest(run: &RunRecord<'_>, outputs: &Outputs) -> Vec<u8> {
    let inputs: Vec<Value> = run
        .inputs
        .iter()
        .map(|i| {
            json!({
                "role": i.role,
                "file": i.file,
                "source": if i.embedded { "embedded" } else { "file" },
                "bytes": i.size,
                "sha256": i.sha256,
            })
        })
        .collect();
    let files: Vec<Value> = outputs
        .listing()
        .into_iter()
        .map(|(name, bytes, sha256)| {
            json!({
                "file": name,
                "bytes": bytes,
                "sha256": sha256,
            })
        })
        .collect();
    let steps: Vec<Value> = run
        .timings
        .iter()
        .map(|(step, d)| json!({ "step": step, "seconds": round_ms(d.as_secs_f64()) }))
        .collect();
    let total: f64 = run.timings.iter().map(|(_, d)| d.as_secs_f64()).sum();
    let alongside: Vec<Value> = run
        .parts
        .iter()
        .map(|(step, d)| json!({ "step": step, "seconds": round_ms(d.as_secs_f64()) }))
        .collect();
    let v = json!({
        "tool": "maillage",
        "version": env!("CARGO_PKG_VERSION"),
        "command": run.command,
        "arguments": run.arguments,
        "parameters": Value::Object(run.parameters.clone()),
        "inputs": inputs,
        "outputs": files,
        "timings": {
            "note": "the only part of this file that changes from one run to the next; \
                     writing the files is not included",
            "total_seconds": round_ms(total),
            "steps": steps,
            "alongside_steps": alongside,
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn manifest_lists_outputs_and_inputs() {
        let mut o = Outputs::new();
        o.add("a.csv", b"abc".to_vec());
        let timings = [("x".to_string(), Duration::from_millis(1500))];
        let run = RunRecord {
            command: "report",
            arguments: vec!["report".into()],
            parameters: Map::new(),
            inputs: vec![InputFile::embedded(
                "chiffres_cles",
                &crate::load::reference::CHIFFRES_CLES,
            )],
            timings: &timings,
            parts: &[("y".to_string(), Duration::from_millis(700))],
        };
        let v: Value = serde_json::from_slice(&manifest(&run, &o)).unwrap();
        assert_eq!(v["outputs"][0]["file"], "a.csv");
        assert_eq!(v["outputs"][0]["bytes"], 3);
        assert_eq!(v["inputs"][0]["source"], "embedded");
        assert_eq!(v["inputs"][0]["sha256"].as_str().unwrap().len(), 64);
        assert_eq!(v["timings"]["total_seconds"], 1.5);
        assert_eq!(v["timings"]["alongside_steps"][0]["seconds"], 0.7);
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("c.shp");
        std::fs::write(&shp, b"x").unwrap();
        std::fs::write(dir.path().join("c.dbf"), b"y").unwrap();
        let files = InputFile::read("communes", &shp).unwrap();
        assert_eq!(files.len(), 2);
        assert!(InputFile::read("communes", &dir.path().join("absent.csv")).is_err());
    }
}
