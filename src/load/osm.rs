//! Reads OpenStreetMap `.osm.pbf` extracts into the raw ways and node
//! positions that routing needs, and nothing else.
//!
//! Two passes over each file: the first keeps the ways that carry a
//! `highway` tag (their node ids and the few tags the mode rules of
//! [`crate::index::network`] read), the second the positions of the nodes
//! those ways use. Blocks are decoded in parallel, in batches, and their
//! results taken in file order; ways and nodes are then sorted by OSM id, so
//! the result does not depend on the number of threads. Several files are
//! merged (an element present in two extracts is kept once).
//!
//! Deciding which way is open to which mode is left to
//! [`crate::index::network::Network::build`], which tests can call on ways
//! built in memory.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use osmpbf::{BlobDecode, BlobReader, BlobType, Element};
use rayon::prelude::*;

use crate::base::LonLat;
use crate::error::Error;
use crate::model::osm::{RawOsm, RawWay, ROUTING_TAGS};

/// Reads and merges the extracts.
///
/// # Errors
/// [`Error::Io`] when a file cannot be opened; [`Error::File`], naming the
/// file, when it is not an OSM PBF file, is cut short, or holds no way with a
/// `highway` tag.
pub fn read_osm(paths: &[PathBuf]) -> Result<RawOsm, Error> {
    let mut ways = Vec::new();
    let mut per_file_ways = Vec::with_capacity(paths.len());
    for path in paths {
        let w = read_ways(path)?;
        if w.is_empty() {
            return Err(Error::file(
                path,
                "aucune voie (way) portant une étiquette highway : ce n'est pas un extrait routier OpenStreetMap",
            ));
        }
        per_file_ways.push(w.len());
        ways.extend(w);
    }
    ways.sort_by_key(|w| w.id);
    ways.dedup_by_key(|w| w.id);
    let mut wanted: Vec<i64> = ways.iter().flat_map(|w| w.nodes.iter().copied()).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut nodes = Vec::new();
    for path in paths {
        nodes.extend(read_nodes(path, &wanted)?);
    }
    nodes.sort_by_key(|(id, _)| *id);
    nodes.dedup_by_key(|(id, _)| *id);
    Ok(RawOsm {
        nodes,
        ways,
        files: paths.to_vec(),
    })
}

/// A reader that counts the bytes taken from the file, so that a file cut
/// between two blocks (which the block reader cannot tell from a clean end)
/// is still caught.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Blocks decoded together; large enough to keep the cores busy, small
/// enough to bound memory (a block holds 8,000 elements).
const BATCH: usize = 64;

/// Calls `per_block` on every data block of `path` (decoded in parallel,
/// results in file order) and returns the results.
fn scan<T: Send>(
    path: &Path,
    per_block: impl Fn(&osmpbf::PrimitiveBlock) -> T + Sync,
) -> Result<Vec<T>, Error> {
    let file = File::open(path).map_err(|e| open_error(path, &e))?;
    let len = file.metadata().map_err(|e| open_error(path, &e))?.len();
    let read = Arc::new(AtomicU64::new(0));
    let reader = BlobReader::new(Counting {
        inner: BufReader::new(file),
        read: Arc::clone(&read),
    });
    let not_pbf = |detail: String| {
        Error::file(
            path,
            format!("ce n'est pas un fichier OpenStreetMap PBF lisible ({detail})"),
        )
    };
    let mut out = Vec::new();
    let mut batch = Vec::with_capacity(BATCH);
    let mut first = true;
    let mut blobs = reader.into_iter();
    loop {
        let next = blobs.next();
        let done = next.is_none();
        if let Some(blob) = next {
            let blob = blob.map_err(|e| describe(path, &e, first))?;
            if first && blob.get_type() != BlobType::OsmHeader {
                return Err(not_pbf(format!(
                    "le premier bloc est de type « {} » et non OSMHeader",
                    blob.get_type().as_str()
                )));
            }
            first = false;
            if blob.get_type() == BlobType::OsmData {
                batch.push(blob);
            }
        }
        if batch.len() == BATCH || (done && !batch.is_empty()) {
            let decoded: Vec<Result<T, Error>> = batch
                .par_iter()
                .map(|b| match b.decode() {
                    Ok(BlobDecode::OsmData(block)) => Ok(per_block(&block)),
                    Ok(_) => Err(not_pbf("bloc de données illisible".into())),
                    Err(e) => Err(describe(path, &e, false)),
                })
                .collect();
            for d in decoded {
                out.push(d?);
            }
            batch.clear();
        }
        if done {
            break;
        }
    }
    if first {
        let why = if len == 0 {
            "le fichier est vide"
        } else {
            "aucun bloc lisible"
        };
        return Err(not_pbf(why.into()));
    }
    let consumed = read.load(Ordering::Relaxed);
    if consumed != len {
        return Err(Error::file(
            path,
            format!(
                "fichier OpenStreetMap PBF tronqué ou abîmé : {consumed} octets lisibles sur {len} (téléchargez-le à nouveau)"
            ),
        ));
    }
    Ok(out)
}

/// A French message for a file that cannot be opened.
fn open_error(path: &Path, e: &std::io::Error) -> Error {
    let problem = match e.kind() {
        std::io::ErrorKind::NotFound => "fichier introuvable (vérifiez le chemin)".to_string(),
        std::io::ErrorKind::PermissionDenied => "lecture refusée (droits du fichier)".to_string(),
        _ => format!("ouverture impossible : {e}"),
    };
    Error::file(path, problem)
}

/// A French message for a PBF decoding error.
fn describe(path: &Path, e: &osmpbf::Error, at_start: bool) -> Error {
    if let osmpbf::ErrorKind::Io(io) = e.kind() {
        if io.kind() != std::io::ErrorKind::UnexpectedEof {
            return Error::file(path, format!("lecture impossible : {io}"));
        }
    }
    if at_start {
        Error::file(
            path,
            format!("ce n'est pas un fichier OpenStreetMap PBF ({e})"),
        )
    } else {
        Error::file(
            path,
            format!("fichier OpenStreetMap PBF tronqué ou abîmé ({e}) (téléchargez-le à nouveau)"),
        )
    }
}

fn read_ways(path: &Path) -> Result<Vec<RawWay>, Error> {
    let blocks = scan(path, |block| {
        let mut v = Vec::new();
        block.for_each_element(|e| {
            if let Element::Way(w) = e {
                let tags: Vec<(String, String)> = w
                    .tags()
                    .filter(|(k, _)| ROUTING_TAGS.contains(k))
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                if tags.iter().any(|(k, _)| k == "highway") {
                    v.push(RawWay {
                        id: w.id(),
                        nodes: w.refs().collect(),
                        tags,
                    });
                }
            }
        });
        v
    })?;
    Ok(blocks.into_iter().flatten().collect())
}

fn read_nodes(path: &Path, wanted: &[i64]) -> Result<Vec<(i64, LonLat)>, Error> {
    let blocks = scan(path, |block| {
        let mut v = Vec::new();
        let mut keep = |id: i64, lon: f64, lat: f64| {
            if wanted.binary_search(&id).is_ok() {
                v.push((id, LonLat::new(lon, lat)));
            }
        };
        block.for_each_element(|e| match e {
            Element::Node(n) => keep(n.id(), n.lon(), n.lat()),
            Element::DenseNode(n) => keep(n.id(), n.lon(), n.lat()),
            _ => {}
        });
        v
    })?;
    Ok(blocks.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network")
            .join(name)
    }

    #[test]
    fn reads_saint_barthelemy_ways_and_their_nodes() {
        let osm = read_osm(&[fixture("osm_saint_barthelemy.osm.pbf")]).unwrap();
        // GDAL's OSM driver counts 515 highway lines in this file
        // (tests/fixtures/network/README.md, PROVENANCE-more.md).
        assert_eq!(osm.ways.len(), 515);
        assert!(osm.ways.windows(2).all(|w| w[0].id < w[1].id));
        // Every tag kept is one routing reads.
        assert!(osm.ways.iter().all(|w| w
            .tags
            .iter()
            .all(|(k, _)| ROUTING_TAGS.contains(&k.as_str()))));
        // Every node of every way is there, within the extract's box.
        for w in &osm.ways {
            for n in &w.nodes {
                let p = osm.position(*n).expect("node present");
                assert!((-63.1..-62.5).contains(&p.lon) && (17.6..18.2).contains(&p.lat));
            }
        }
        // Reading the same file twice merges to the same data.
        let twice = read_osm(&[
            fixture("osm_saint_barthelemy.osm.pbf"),
            fixture("osm_saint_barthelemy.osm.pbf"),
        ])
        .unwrap();
        assert_eq!(twice.ways, osm.ways);
        assert_eq!(twice.nodes, osm.nodes);
    }

    #[test]
    fn bad_files_are_named_in_french() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("texte.osm.pbf");
        std::fs::write(&text, "id,lon,lat\n1,2.3,49.9\n").unwrap();
        let e = read_osm(&[text]).unwrap_err().to_string();
        assert!(
            e.contains("texte.osm.pbf") && e.contains("n'est pas un fichier OpenStreetMap PBF"),
            "{e}"
        );
        let empty = dir.path().join("vide.osm.pbf");
        std::fs::write(&empty, "").unwrap();
        let e = read_osm(&[empty]).unwrap_err().to_string();
        assert!(e.contains("vide.osm.pbf") && e.contains("vide"), "{e}");
        let bytes = std::fs::read(fixture("osm_saint_barthelemy.osm.pbf")).unwrap();
        let tiny = dir.path().join("trois_octets.osm.pbf");
        std::fs::write(&tiny, &bytes[..3]).unwrap();
        let e = read_osm(&[tiny]).unwrap_err().to_string();
        assert!(
            e.contains("trois_octets.osm.pbf") && e.contains("aucun bloc lisible"),
            "{e}"
        );
        for cut in [bytes.len() / 2, bytes.len() - 1, 200] {
            let cut_path = dir.path().join(format!("coupe_{cut}.osm.pbf"));
            std::fs::write(&cut_path, &bytes[..cut]).unwrap();
            let e = read_osm(&[cut_path]).unwrap_err().to_string();
            assert!(
                e.contains(&format!("coupe_{cut}.osm.pbf")) && e.contains("tronqué"),
                "{cut}: {e}"
            );
        }
        let e = read_osm(&[dir.path().join("absent.osm.pbf")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("absent.osm.pbf") && e.contains("fichier introuvable"),
            "{e}"
        );
    }
}
