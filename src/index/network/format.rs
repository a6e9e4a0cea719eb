//! The format of the prepared network file that `maillage reseau` writes
//! ([`crate::output::prepared`]) and `--reseau` reads
//! ([`crate::load::prepared`]): the graphs of the three modes, built once
//! from the extracts, so that later runs skip reading the PBF and building.
//! This module turns networks into bytes and back, and touches no file.
//!
//! **Layout** (integers little-endian):
//!
//! | bytes | what |
//! | --- | --- |
//! | 16 | [`MAGIC`] |
//! | 4 | format version ([`FORMAT_VERSION`]) |
//! | 8 | payload length |
//! | 32 | SHA-256 of the payload |
//! | … | payload |
//!
//! The payload: walking and cycling speeds (`f64`); the source files (count,
//! then each name's length and UTF-8 bytes, and its size in bytes); the
//! networks (count, then for each: mode `u8`, the six [`BuildStats`]
//! counts, node count `n`, arc count `m`, `n` (lon, lat) `f64` pairs, `n`
//! OSM ids `i64`, `n + 1` row starts, then `m` heads, `m` times (ms) and `m`
//! lengths (mm), all `u32`). Only the forward rows are stored; the backward
//! rows and the snapping grid are derived on reading, by the same code as
//! after a build, so a network read back is the one that was written.
//!
//! A file from another format version is refused (prepare it again), and so
//! is one whose length or checksum does not match (truncated or corrupt),
//! or whose graph is not well formed: never a silently wrong network.
//! [`FORMAT_VERSION`] changes whenever the layout or the rules that build
//! the graphs ([`super::rules`]) change.

use sha2::{Digest, Sha256};

use super::{Arc, BuildStats, Csr, Network, Speeds};
use crate::base::LonLat;
use crate::base::TravelMode;

/// The first bytes of a prepared network file.
pub const MAGIC: &[u8; 16] = b"MAILLAGE-RESEAU\0";
/// The version of the layout and of the graph rules this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_LEN: usize = 16 + 4 + 8 + 32;

/// The content of a prepared file.
#[derive(Debug)]
pub struct Prepared {
    pub speeds: Speeds,
    /// The extracts it was built from: file name and size in bytes.
    pub sources: Vec<(String, u64)>,
    pub networks: Vec<Network>,
}

impl Prepared {
    /// The network of `mode`, if the file holds it.
    pub fn network(self, mode: TravelMode) -> Option<Network> {
        self.networks.into_iter().find(|n| n.mode == mode)
    }
}

fn mode_code(m: TravelMode) -> u8 {
    // Public transport travels the walking network.
    match m {
        TravelMode::Marche | TravelMode::Transport => 0,
        TravelMode::Velo => 1,
        TravelMode::Voiture => 2,
    }
}

/// The bytes of a prepared file holding `networks`.
pub fn encode(networks: &[Network], speeds: Speeds, sources: &[(String, u64)]) -> Vec<u8> {
    let mut p: Vec<u8> = Vec::new();
    p.extend(speeds.walk_kmh.to_le_bytes());
    p.extend(speeds.bike_kmh.to_le_bytes());
    p.extend((sources.len() as u32).to_le_bytes());
    for (name, size) in sources {
        p.extend((name.len() as u32).to_le_bytes());
        p.extend(name.as_bytes());
        p.extend(size.to_le_bytes());
    }
    p.extend((networks.len() as u32).to_le_bytes());
    for net in networks {
        p.push(mode_code(net.mode));
        let s = net.stats;
        for v in [
            s.ways_read,
            s.ways_used,
            s.missing_nodes,
            s.nodes_before,
            s.nodes_dropped,
            s.components,
        ] {
            p.extend((v as u64).to_le_bytes());
        }
        p.extend((net.positions.len() as u64).to_le_bytes());
        p.extend((net.forward.arcs.len() as u64).to_le_bytes());
        for q in &net.positions {
            p.extend(q.lon.to_le_bytes());
            p.extend(q.lat.to_le_bytes());
        }
        for id in &net.osm_ids {
            p.extend(id.to_le_bytes());
        }
        let f = &net.forward;
        for v in &f.start {
            p.extend(v.to_le_bytes());
        }
        for column in [|a: &Arc| a.node, |a: &Arc| a.time_ms, |a: &Arc| a.length_mm] {
            for a in &f.arcs {
                p.extend(column(a).to_le_bytes());
            }
        }
    }
    let mut out = Vec::with_capacity(HEADER_LEN + p.len());
    out.extend(MAGIC);
    out.extend(FORMAT_VERSION.to_le_bytes());
    out.extend((p.len() as u64).to_le_bytes());
    out.extend(Sha256::digest(&p));
    out.extend(p);
    out
}

/// A cursor over the payload that fails instead of reading past its end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }
    fn arr<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.arr::<1>()?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.arr()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.arr()?))
    }
    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.arr()?))
    }
    /// A count of items of `size` bytes each that the rest can hold.
    fn count(&mut self, size: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(size)? <= self.bytes.len() - self.at).then_some(n)
    }
    /// `n` little-endian words of `N` bytes, each turned into a value.
    fn words<const N: usize, T>(&mut self, n: usize, f: impl Fn([u8; N]) -> T) -> Option<Vec<T>> {
        let bytes = self.take(n.checked_mul(N)?)?;
        Some(
            bytes
                .chunks_exact(N)
                .map(|w| f(w.try_into().unwrap_or([0; N])))
                .collect(),
        )
    }
}

/// What every refusal of a prepared file advises.
const AGAIN: &str = "préparez-le à nouveau avec maillage reseau";

/// The message for a payload whose length or checksum does not match.
fn corrupt_checksum() -> String {
    format!("réseau préparé corrompu : la somme de contrôle ne correspond pas ({AGAIN})")
}

/// Decodes the bytes of a prepared file, the networks of `want` only (all
/// of them when `None`; the others are checked against the checksum and
/// skipped); `Err` holds the French reason.
pub fn decode(bytes: &[u8], want: Option<TravelMode>) -> Result<Prepared, String> {
    if bytes.len() < 16 || &bytes[..16] != MAGIC {
        return Err(
            "ce n'est ni un réseau préparé par maillage reseau ni un fichier OpenStreetMap PBF"
                .into(),
        );
    }
    if bytes.len() < HEADER_LEN {
        return Err(format!(
            "réseau préparé tronqué : {} octets, moins que son en-tête ({AGAIN})",
            bytes.len()
        ));
    }
    let version = u32::from_le_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    if version != FORMAT_VERSION {
        return Err(format!(
            "réseau préparé au format {version}, or cette version de maillage lit le format \
             {FORMAT_VERSION} : il est périmé ({AGAIN})"
        ));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[20..28]);
    let len = u64::from_le_bytes(len);
    let payload = &bytes[HEADER_LEN..];
    if (payload.len() as u64) < len {
        return Err(format!(
            "réseau préparé tronqué : {} octets sur les {} annoncés ({AGAIN})",
            bytes.len(),
            HEADER_LEN as u64 + len
        ));
    }
    if payload.len() as u64 != len {
        return Err(corrupt_checksum());
    }
    // The checksum on one thread while the other parses: the parse is
    // bounds-checked, and its result is dropped unless the checksum matches.
    let (digest, parsed) = rayon::join(|| Sha256::digest(payload), || parse(payload, want));
    if digest[..] != bytes[28..60] {
        return Err(corrupt_checksum());
    }
    parsed.ok_or_else(|| format!("réseau préparé corrompu : graphe mal formé ({AGAIN})"))
}

/// The payload, checked to be a well-formed graph (`None` otherwise).
fn parse(payload: &[u8], want: Option<TravelMode>) -> Option<Prepared> {
    let mut c = Cursor {
        bytes: payload,
        at: 0,
    };
    let speeds = Speeds {
        walk_kmh: c.f64()?,
        bike_kmh: c.f64()?,
    };
    if !(speeds.walk_kmh > 0.0 && speeds.bike_kmh > 0.0) {
        return None;
    }
    let mut sources = Vec::new();
    for _ in 0..c.u32()? {
        let n = c.u32()? as usize;
        let name = String::from_utf8(c.take(n)?.to_vec()).ok()?;
        sources.push((name, c.u64()?));
    }
    let mut networks = Vec::new();
    for _ in 0..c.u32()? {
        let mode = match c.u8()? {
            0 => TravelMode::Marche,
            1 => TravelMode::Velo,
            2 => TravelMode::Voiture,
            _ => return None,
        };
        let mut counts = [0usize; 6];
        for v in &mut counts {
            *v = usize::try_from(c.u64()?).ok()?;
        }
        let [ways_read, ways_used, missing_nodes, nodes_before, nodes_dropped, components] = counts;
        let stats = BuildStats {
            ways_read,
            ways_used,
            missing_nodes,
            nodes_before,
            nodes_dropped,
            components,
        };
        let n = c.count(16 + 8 + 4)?;
        let m = c.count(12)?;
        if n >= u32::MAX as usize || m > u32::MAX as usize {
            return None;
        }
        if want.is_some_and(|w| w != mode) {
            c.take(n * 24 + (n + 1) * 4 + m * 12)?;
            continue;
        }
        let positions: Vec<LonLat> = c.words(n, |w: [u8; 16]| {
            let (lon, lat) = w.split_at(8);
            let f = |x: &[u8]| f64::from_le_bytes(x.try_into().unwrap_or([0; 8]));
            LonLat::new(f(lon), f(lat))
        })?;
        let osm_ids: Vec<i64> = c.words(n, i64::from_le_bytes)?;
        let start: Vec<u32> = c.words(n + 1, u32::from_le_bytes)?;
        // The three columns of the arcs, read side by side.
        let columns = c.take(m * 12)?;
        let (heads, rest) = columns.split_at(m * 4);
        let (times, lengths) = rest.split_at(m * 4);
        let word = |x: &[u8]| u32::from_le_bytes(x.try_into().unwrap_or([0; 4]));
        let arcs: Vec<Arc> = heads
            .chunks_exact(4)
            .zip(times.chunks_exact(4))
            .zip(lengths.chunks_exact(4))
            .map(|((h, t), l)| Arc {
                node: word(h),
                time_ms: word(t),
                length_mm: word(l),
            })
            .collect();
        let well_formed = start.first() == Some(&0)
            && start.last() == Some(&(m as u32))
            && start.windows(2).all(|w| w[0] <= w[1])
            && arcs.iter().all(|a| (a.node as usize) < n)
            && osm_ids.windows(2).all(|w| w[0] < w[1])
            && positions
                .iter()
                .all(|p| p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0);
        if !well_formed {
            return None;
        }
        let forward = Csr { start, arcs };
        networks.push(Network::assemble(
            mode, speeds, positions, osm_ids, forward, stats,
        ));
    }
    (c.at == payload.len()).then_some(Prepared {
        speeds,
        sources,
        networks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::osm::read_osm;
    use std::path::PathBuf;

    fn saint_barthelemy() -> Vec<Network> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network/osm_saint_barthelemy.osm.pbf");
        let raw = read_osm(&[path]).expect("fixture reads");
        [TravelMode::Marche, TravelMode::Velo, TravelMode::Voiture]
            .into_iter()
            .map(|m| Network::build(&raw, m, Speeds::default()))
            .collect()
    }

    fn same(a: &Network, b: &Network) -> bool {
        a.mode == b.mode
            && a.stats == b.stats
            && a.positions.len() == b.positions.len()
            && a.positions.iter().zip(&b.positions).all(|(p, q)| {
                p.lon.to_bits() == q.lon.to_bits() && p.lat.to_bits() == q.lat.to_bits()
            })
            && a.osm_ids == b.osm_ids
            && a.forward == b.forward
            && a.backward == b.backward
    }

    #[test]
    fn network_file_round_trip_and_refusals() {
        let nets = saint_barthelemy();
        let bytes = encode(&nets, Speeds::default(), &[("sbh.osm.pbf".into(), 75_353)]);
        let back = decode(&bytes, None).expect("reads back");
        assert_eq!(back.speeds, Speeds::default());
        assert_eq!(back.sources, vec![("sbh.osm.pbf".to_string(), 75_353)]);
        assert_eq!(back.networks.len(), 3);
        for (a, b) in nets.iter().zip(&back.networks) {
            assert!(same(a, b), "{}", a.mode);
            // The derived snapping grid snaps alike.
            let p = LonLat::new(-62.84, 17.90);
            assert_eq!(
                a.snap(p, crate::base::Meters(1000.0)),
                b.snap(p, crate::base::Meters(1000.0))
            );
        }
        // One mode only: the same network.
        let velo = decode(&bytes, Some(TravelMode::Velo)).expect("reads back");
        assert_eq!(velo.networks.len(), 1);
        assert!(same(&nets[1], &velo.networks[0]));
        // Truncated anywhere: refused as truncated.
        for cut in [
            10,
            HEADER_LEN - 1,
            HEADER_LEN + 5,
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            let e = decode(&bytes[..cut], None).expect_err("refused");
            assert!(
                e.contains("tronqué") || (cut < 16 && e.contains("ni un réseau préparé")),
                "{cut}: {e}"
            );
        }
        // One byte flipped in the payload, or one appended: corrupt.
        let mut flipped = bytes.clone();
        let at = HEADER_LEN + (bytes.len() - HEADER_LEN) / 3;
        flipped[at] ^= 0x40;
        let e = decode(&flipped, None).expect_err("refused");
        assert!(
            e.contains("corrompu") && e.contains("somme de contrôle"),
            "{e}"
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer, None)
            .expect_err("refused")
            .contains("corrompu"));
        // Another format version: stale.
        let mut stale = bytes.clone();
        stale[16..20].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        let e = decode(&stale, None).expect_err("refused");
        assert!(e.contains("périmé") && e.contains("maillage reseau"), "{e}");
        // A head arc pointing past the nodes, checksum recomputed: malformed.
        let mut bad = bytes.clone();
        let m = nets[0].forward.arcs.len();
        let n = nets[0].positions.len();
        let heads = HEADER_LEN + 16 + 4 + 4 + 11 + 8 + 4 + 1 + 48 + 16 + n * 24 + (n + 1) * 4;
        assert!(m > 0);
        bad[heads..heads + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let digest = Sha256::digest(&bad[HEADER_LEN..]);
        bad[28..60].copy_from_slice(&digest);
        let e = decode(&bad, None).expect_err("refused");
        assert!(e.contains("mal formé"), "{e}");
        // Not a prepared file at all.
        assert!(decode(b"id,lon,lat\n", None)
            .expect_err("refused")
            .contains("ni un réseau"));
    }
}
