//! What the page needs to answer "and if we opened a permanence here, closed
//! that site?" offline: for every existing site and every candidate point
//! (each commune's town hall, the France services, each QPV's interior
//! point), its cost to the communes within the largest threshold, in the
//! run's measure; and a compact, exact encoding of those costs for the page
//! (see [`encode`] and [`decode`]).
//!
//! The page then recomputes, for any set of opened and closed points, each
//! commune's cost to its nearest open site by the rules of
//! [`crate::analysis::scenario`]: a site standing in the commune puts it at
//! 0, a threshold includes its bound. It computes nothing geographic itself.
//!
//! # Exactness
//!
//! The page must give the figures `maillage scenario` gives, to the unit
//! shown. Each commune's cost *before* any change is embedded exactly (the
//! `f64` of [`crate::analysis::basics::Basics`]). The costs of the pairs are stored as whole
//! *quanta* ([`Quantum`]):
//!
//! - by network, a cost is a whole number of milliseconds
//!   ([`crate::analysis::travel`]): stored as that number, it is exact;
//! - as the crow flies, a distance in metres is stored rounded **up** to the
//!   centimetre, `q = ⌈100·d⌉`. For a threshold `T` that is a whole number
//!   of centimetres, `d ≤ T` exactly when `q ≤ 100·T`, so coverage is exact;
//!   [`WhatIf::new`] refuses thresholds that are not ([`WhatIfError`]). A
//!   distance shown to the metre (or coarser) is the same for every `d` in
//!   `(q − 1, q]` cm but the top, because the rounding boundaries (half
//!   metres) are whole centimetres: the page shows `(q − ½)` cm. Quantiles
//!   (median, 9th decile) commute with this rounding (it is monotone), so
//!   they are exact too. A mean may straddle a rounding boundary by less
//!   than half a centimetre times the share of the young people whose cost
//!   changed: the page computes its bounds and says when the last digit is
//!   uncertain (`moyenne_exacte: false` in `window.maillage.simuler`).
//!
//! The nearest site as the crow flies is the lowest id among those within
//! a millimetre of the nearest ([`crate::index::sites::TIE_TOLERANCE`]); the page
//! takes the minimum. They differ by less than a millimetre, and only when
//! two distinct points lie within a millimetre of the same distance.
//!
//! # Beyond the largest threshold
//!
//! Only the pairs within the largest threshold (the coverage thresholds and
//! the placement radius) are embedded. A commune keeps its exact cost as
//! long as its nearest site before stays open; a cost found among the pairs
//! is exact (every point not listed is farther). When its nearest site is
//! closed and no open point is within the largest threshold, its cost is
//! only known to exceed it: it counts as not covered at every threshold
//! (exact), and the means and deciles of the perimeters holding it are
//! unknown (the page shows « – » and `simuler` returns `null` with the
//! number of such communes).

use rayon::prelude::*;

use crate::analysis::measure::Measure;
use crate::analysis::placement::{mairie_candidates, point_candidates, Candidate};
use crate::base::{Cost, LonLat, Unit};
use crate::load::points::NamedPoints;
use crate::model::Territory;

/// What kind of place a point of the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointKind {
    /// An existing site (it can be closed).
    Site,
    /// A commune's town hall (its reference point).
    Mairie,
    /// A France services.
    FranceServices,
    /// A QPV's interior point.
    Qpv,
}

impl PointKind {
    /// The word the exported scenario and the page use.
    pub fn code(self) -> &'static str {
        match self {
            PointKind::Site => "site",
            PointKind::Mairie => "mairie",
            PointKind::FranceServices => "france-services",
            PointKind::Qpv => "qpv",
        }
    }
}

/// Id prefixes of the candidate points: `mairie-80829`, `fs-123`,
/// `qpv-QN05912M`. Opening a candidate opens a site with that id.
pub const MAIRIE_PREFIX: &str = "mairie-";
pub const FRANCE_SERVICES_PREFIX: &str = "fs-";
pub const QPV_PREFIX: &str = "qpv-";

/// A candidate point with its kind.
#[derive(Debug, Clone, PartialEq)]
pub struct CandidatePoint {
    pub kind: PointKind,
    pub candidate: Candidate,
}

/// Every point where the page (and `maillage scenario --changements`) can
/// open a permanence, in this order: each commune's town hall (the
/// candidates of `placement --candidates mairies`, same ids), then the
/// France services `france_services` (a points file) standing in a
/// commune of the territory (ids prefixed `fs-`, as `placement --candidates
/// france-services` does), then each QPV's interior point standing in a
/// commune (`qpv-<code>`). Each is located in the commune it stands in.
pub fn candidate_points(t: &Territory, france_services: NamedPoints) -> Vec<CandidatePoint> {
    let mut out: Vec<CandidatePoint> = mairie_candidates(t)
        .into_iter()
        .map(|candidate| CandidatePoint {
            kind: PointKind::Mairie,
            candidate,
        })
        .collect();
    // The France services, then the QPV points: located in their communes
    // in one pass (one index of the communes).
    let NamedPoints {
        ids,
        mut names,
        mut points,
        ..
    } = france_services;
    let mut kinds = vec![PointKind::FranceServices; ids.len()];
    let mut ids: Vec<String> = ids
        .into_iter()
        .map(|id| format!("{FRANCE_SERVICES_PREFIX}{id}"))
        .collect();
    for q in &t.qpv {
        if let Some(p) = crate::geom::interior_point(&q.geometry) {
            kinds.push(PointKind::Qpv);
            ids.push(format!("{QPV_PREFIX}{}", q.code));
            names.push(format!("QPV {}", q.nom));
            points.push(p);
        }
    }
    out.extend(
        point_candidates(t, ids, names, &points)
            .into_iter()
            .zip(kinds)
            .filter(|(c, _)| c.commune.is_some())
            .map(|(candidate, kind)| CandidatePoint { kind, candidate }),
    );
    out
}

/// How costs are stored as whole numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantum {
    /// Metres rounded up to the centimetre.
    Centimetre,
    /// Minutes as whole milliseconds (exact).
    Millisecond,
}

impl Quantum {
    /// The quantum of a unit.
    pub fn of(unit: Unit) -> Quantum {
        match unit {
            Unit::Metres => Quantum::Centimetre,
            Unit::Minutes => Quantum::Millisecond,
        }
    }

    /// Quanta per unit of cost (per metre, per minute).
    pub fn per_unit(self) -> f64 {
        match self {
            Quantum::Centimetre => 100.0,
            Quantum::Millisecond => 60_000.0,
        }
    }

    /// The stored value of a cost: rounded up to the centimetre, or the
    /// (whole) number of milliseconds.
    pub fn code(self, cost: f64) -> u64 {
        match self {
            Quantum::Centimetre => (cost * 100.0).ceil().max(0.0) as u64,
            Quantum::Millisecond => (cost * 60_000.0).round().max(0.0) as u64,
        }
    }

    /// A threshold as a whole number of quanta, when it is one: then
    /// `cost ≤ threshold` exactly when `code(cost) ≤` it.
    pub fn threshold_code(self, threshold: f64) -> Option<u64> {
        let q = threshold * self.per_unit();
        (q.is_finite() && q >= 0.0 && q.fract() == 0.0 && q < 9.0e15).then_some(q as u64)
    }
}

/// Why the page cannot carry the what-if data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WhatIfError {
    #[error(
        "le seuil {0} n'est pas un nombre entier de centimètres (ou de millisecondes) : \
         la page ne pourrait pas le comparer exactement"
    )]
    InexactThreshold(String),
}

/// The costs the page embeds.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIf {
    pub unit: Unit,
    pub quantum: Quantum,
    /// The coverage thresholds (cost unit), ascending.
    pub thresholds: Vec<f64>,
    /// The main threshold of `simuler`: the placement radius (cost unit).
    pub main: f64,
    /// The largest of all: pairs beyond it are not embedded.
    pub reach: f64,
    /// The candidate points (the sites are those of the territory, first).
    pub candidates: Vec<CandidatePoint>,
    /// Per point (the territory's sites, then the candidates), the communes
    /// within `reach` (ascending) and the cost to each, in the run's unit,
    /// from the commune's reference point to the point.
    pub costs: Vec<Vec<(u32, f64)>>,
}

impl WhatIf {
    /// Measures the cost from every commune to every site and candidate
    /// within the largest of `thresholds` and `main`, in `measure` (the
    /// measure of `b`).
    pub fn new(
        t: &Territory,
        measure: &Measure<'_>,
        thresholds: &[Cost],
        main: Cost,
        candidates: Vec<CandidatePoint>,
    ) -> Result<WhatIf, WhatIfError> {
        let unit = measure.unit();
        let quantum = Quantum::of(unit);
        let main = main.raw();
        let mut thresholds: Vec<f64> = thresholds.iter().map(|c| c.raw()).collect();
        thresholds.sort_by(f64::total_cmp);
        for &x in thresholds.iter().chain(std::iter::once(&main)) {
            if quantum.threshold_code(x).is_none() {
                return Err(WhatIfError::InexactThreshold(
                    crate::base::french::threshold(unit, x),
                ));
            }
        }
        let reach = thresholds.iter().copied().fold(main, f64::max);
        let mut positions: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
        positions.extend(candidates.iter().map(|c| c.candidate.position));
        let origins: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
        let reaches = vec![reach; origins.len()];
        let (rows, _unsnapped) = measure.within(&origins, &reaches, &positions);
        let mut costs: Vec<Vec<(u32, f64)>> = vec![Vec::new(); positions.len()];
        for (i, row) in rows.into_iter().enumerate() {
            for (p, c) in row {
                costs[p].push((i as u32, c));
            }
        }
        Ok(WhatIf {
            unit,
            quantum,
            thresholds,
            main,
            reach,
            candidates,
            costs,
        })
    }

    /// Number of points: sites then candidates.
    pub fn len(&self) -> usize {
        self.costs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.costs.is_empty()
    }
}

/// The costs of every point to the communes `keep` says, as the page reads
/// them, in base64 of LEB128 varints:
///
/// 1. a flag: 1 when the town halls' costs are stored once per pair of
///    communes (below), 0 otherwise; with 1, the index of the first town
///    hall among the points (the number of sites) and the number of town
///    halls;
/// 2. for each point (in the order of `what.costs`): the number of its
///    pairs, then for each commune (ascending) the gap to the previous one's
///    index (the first from −1) and the cost in quanta;
/// 3. with the flag, for each commune `j` in order: the number of its
///    pairs, then for each commune `i > j` (ascending, gaps from `j`) a cost
///    `c` that stands for two pairs: town hall `j` to commune `i`, and town
///    hall `i` to commune `j`.
///
/// As the crow flies, the distance from town hall `i` to commune `j`'s
/// reference point is the distance between the two communes' reference
/// points, whichever way it is measured: the codes of the two pairs are
/// equal (checked pair by pair; a pair whose codes differ, or whose partner
/// lies outside `keep`, is stored in part 2). This halves the bulk of the
/// data (three quarters of the pairs are town halls'). By network the two
/// ways differ and every pair is in part 2.
pub fn encode(what: &WhatIf, keep: &(dyn Fn(usize) -> bool + Sync)) -> String {
    let n = what.costs.len() - what.candidates.len();
    let communes = what
        .candidates
        .iter()
        .take_while(|c| c.kind == PointKind::Mairie)
        .count();
    let symmetric = what.quantum == Quantum::Centimetre
        && what.candidates[..communes]
            .iter()
            .enumerate()
            .all(|(k, c)| c.candidate.commune == Some(k));
    let q = what.quantum;
    // The code of town hall `j` to commune `i`.
    let code_at = |j: usize, i: usize| -> Option<u64> {
        let row = &what.costs[n + j];
        let k = row.binary_search_by_key(&(i as u32), |p| p.0).ok()?;
        Some(q.code(row[k].1))
    };
    // Whether the pair (town hall j, commune i) of code c goes to part 3.
    let paired = |j: usize, i: usize, c: u64| -> bool {
        symmetric
            && j < communes
            && i < communes
            && i != j
            && keep(i)
            && keep(j)
            && code_at(i, j) == Some(c)
    };
    let rows: Vec<Vec<u8>> = what
        .costs
        .par_iter()
        .enumerate()
        .map(|(p, row)| {
            let kept: Vec<(u32, u64)> = row
                .iter()
                .filter(|(i, _)| keep(*i as usize))
                .map(|&(i, c)| (i, q.code(c)))
                .filter(|&(i, c)| p < n || !paired(p - n, i as usize, c))
                .collect();
            let mut out = Vec::with_capacity(1 + kept.len() * 4);
            push_pairs(&mut out, &kept, -1);
            out
        })
        .collect();
    let halves: Vec<Vec<u8>> = if symmetric {
        (0..communes)
            .into_par_iter()
            .map(|j| {
                let pairs: Vec<(u32, u64)> = what.costs[n + j]
                    .iter()
                    .filter(|(i, _)| (*i as usize) > j)
                    .map(|&(i, c)| (i, q.code(c)))
                    .filter(|&(i, c)| paired(j, i as usize, c))
                    .collect();
                let mut out = Vec::new();
                push_pairs(&mut out, &pairs, j as i64);
                out
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut bytes = Vec::new();
    varint(&mut bytes, u64::from(symmetric));
    if symmetric {
        varint(&mut bytes, n as u64);
        varint(&mut bytes, communes as u64);
    }
    bytes.extend(rows.concat());
    bytes.extend(halves.concat());
    base64(&bytes)
}

/// A count, then each pair as the gap from the previous commune (the
/// first from `start`) and its code.
fn push_pairs(out: &mut Vec<u8>, pairs: &[(u32, u64)], start: i64) {
    varint(out, pairs.len() as u64);
    let mut last = start;
    for &(i, c) in pairs {
        varint(out, (i64::from(i) - last) as u64);
        varint(out, c);
        last = i64::from(i);
    }
}

/// The inverse of [`encode`]: per point, its communes (ascending) and costs
/// in quanta; `None` when the text is not a valid encoding of `points`
/// points.
pub fn decode(text: &str, points: usize) -> Option<Vec<Vec<(u32, u64)>>> {
    let bytes = unbase64(text)?;
    let mut at = 0usize;
    let symmetric = read_varint(&bytes, &mut at)? == 1;
    let (sites, communes) = if symmetric {
        (
            usize::try_from(read_varint(&bytes, &mut at)?).ok()?,
            usize::try_from(read_varint(&bytes, &mut at)?).ok()?,
        )
    } else {
        (0, 0)
    };
    let read_pairs = |at: &mut usize, start: i64| -> Option<Vec<(u32, u64)>> {
        let n = read_varint(&bytes, at)?;
        let mut row = Vec::with_capacity(n.min(1 << 20) as usize);
        let mut last = start;
        for _ in 0..n {
            let gap = read_varint(&bytes, at)?;
            let code = read_varint(&bytes, at)?;
            last = last.checked_add(i64::try_from(gap).ok()?)?;
            row.push((u32::try_from(last).ok()?, code));
        }
        Some(row)
    };
    let mut out = Vec::with_capacity(points);
    for _ in 0..points {
        out.push(read_pairs(&mut at, -1)?);
    }
    for j in 0..communes {
        for (i, c) in read_pairs(&mut at, j as i64)? {
            out.get_mut(sites + j)?.push((i, c));
            out.get_mut(sites + i as usize)?
                .push((u32::try_from(j).ok()?, c));
        }
    }
    for row in &mut out {
        row.sort_unstable();
    }
    (at == bytes.len()).then_some(out)
}

fn varint(out: &mut Vec<u8>, mut x: u64) {
    loop {
        let b = (x & 0x7f) as u8;
        x >>= 7;
        if x == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn read_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut x: u64 = 0;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        x |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(x);
        }
    }
    None
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what the browser's `atob` reads).
pub fn base64(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                s.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

fn unbase64(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in t {
        let v = B64.iter().position(|&x| x == c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::basics::Basics;
    use crate::load::territory::{load_territory, DataPaths};
    use crate::warnings::Warnings;

    fn region() -> Territory {
        load_territory(&DataPaths::default(), &mut Warnings::new()).unwrap()
    }

    fn candidates(t: &Territory) -> Vec<CandidatePoint> {
        let fs = crate::load::changes::france_services().unwrap();
        candidate_points(t, fs)
    }

    /// The pairs hold every site within reach with the very cost the run
    /// measured: the nearest site's cost of every commune within reach is
    /// the smallest of its site pairs (the page's "before" and "after"
    /// agree with `Basics`), and the encoding decodes to the costs' codes.
    fn check_against_basics(t: &Territory, what: &WhatIf, b: &Basics) {
        let n = t.sites.len();
        let mut best: Vec<Option<f64>> = vec![None; t.communes.len()];
        for row in &what.costs[..n] {
            for &(i, c) in row {
                let e = &mut best[i as usize];
                *e = Some(e.map_or(c, |x: f64| x.min(c)));
            }
        }
        let mut within = 0;
        for (i, c) in b.costs.communes.iter().enumerate() {
            match c {
                Some(c) if c.value <= what.reach => {
                    within += 1;
                    assert_eq!(best[i], Some(c.value), "commune {}", t.communes[i].code);
                }
                _ => assert!(best[i].is_none(), "commune {}", t.communes[i].code),
            }
        }
        assert!(within > 0);
        for (k, &x) in what.thresholds.iter().enumerate() {
            let tc = what.quantum.threshold_code(x).unwrap();
            for row in &what.costs {
                for &(_, c) in row {
                    assert_eq!(c <= x, what.quantum.code(c) <= tc, "threshold {k}: {c}");
                }
            }
        }
        let text = encode(what, &|_| true);
        let got = decode(&text, what.len()).unwrap();
        let expected: Vec<Vec<(u32, u64)>> = what
            .costs
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&(i, c)| (i, what.quantum.code(c)))
                    .collect()
            })
            .collect();
        assert_eq!(got, expected);
        assert_eq!(decode(&text, what.len() + 1), None);
    }

    #[test]
    fn region_pairs_as_the_crow_flies_match_the_run() {
        let t = region();
        let b = Basics::new(&t);
        let cands = candidates(&t);
        let kinds = |k: PointKind| cands.iter().filter(|c| c.kind == k).count();
        assert_eq!(kinds(PointKind::Mairie), t.communes.len());
        assert!(
            kinds(PointKind::FranceServices) > 150,
            "{}",
            kinds(PointKind::FranceServices)
        );
        assert!(kinds(PointKind::Qpv) > 150, "{}", kinds(PointKind::Qpv));
        let radii = [5.0, 10.0, 15.0, 20.0].map(Cost::km);
        let what = WhatIf::new(&t, &Measure::Geodesic, &radii, Cost::km(5.0), cands).unwrap();
        assert_eq!(what.reach, 20_000.0);
        check_against_basics(&t, &what, &b);
        // A town hall's candidate is at zero from its own commune.
        let m = t.sites.len();
        for (k, c) in what.costs[m..m + t.communes.len()].iter().enumerate() {
            assert!(c.contains(&(k as u32, 0.0)), "{k}");
        }
        // A département's share decodes alone.
        let in59 = |i: usize| t.communes[i].departement == "59";
        let got = decode(&encode(&what, &in59), what.len()).unwrap();
        for (row, full) in got.iter().zip(&what.costs) {
            let kept: Vec<u32> = full
                .iter()
                .map(|p| p.0)
                .filter(|&i| in59(i as usize))
                .collect();
            assert_eq!(row.iter().map(|p| p.0).collect::<Vec<_>>(), kept);
        }
        let err = WhatIf::new(
            &t,
            &Measure::Geodesic,
            &[Cost::km(5.0)],
            Cost::Length(crate::base::Meters(1234.5678)),
            Vec::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("1,2345678 km"), "{err}");
    }

    #[test]
    fn mini_pairs_by_bicycle_match_the_run() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mini = dir.join("mini");
        let paths = DataPaths {
            communes: Some(mini.join("communes.geojson")),
            zones: Some(mini.join("zones.csv")),
            sites: Some(mini.join("sites.csv")),
            classement: Some(mini.join("classement.csv")),
            ..DataPaths::default()
        };
        let t = load_territory(&paths, &mut Warnings::new()).unwrap();
        let raw = crate::load::osm::read_osm(&[dir.join("network/mini_grid.osm.pbf")]).unwrap();
        let net = crate::index::network::Network::build(
            &raw,
            crate::base::TravelMode::Velo,
            crate::index::network::Speeds::default(),
        );
        let measure = Measure::Network {
            net: &net,
            snap_max: crate::base::Meters(1000.0),
        };
        let b = Basics::measured(&t, &measure);
        let what = WhatIf::new(
            &t,
            &measure,
            &[15.0, 30.0, 45.0, 60.0].map(Cost::minutes),
            Cost::minutes(20.0),
            candidates(&t),
        )
        .unwrap();
        assert_eq!(what.quantum, Quantum::Millisecond);
        check_against_basics(&t, &what, &b);
        // Costs are whole milliseconds: the codes give them back exactly.
        for row in &what.costs {
            for &(_, c) in row {
                assert_eq!(what.quantum.code(c) as f64 / 60_000.0, c);
            }
        }
    }

    #[test]
    fn varints_and_base64_round_trip() {
        for bytes in [&b""[..], b"a", b"ab", b"abc", b"abcd", &[0, 255, 128, 7]] {
            assert_eq!(unbase64(&base64(bytes)).unwrap(), bytes);
        }
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"Ma"), "TWE=");
        let mut v = Vec::new();
        for x in [0u64, 1, 127, 128, 300, u64::MAX] {
            varint(&mut v, x);
        }
        let mut at = 0;
        for x in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(read_varint(&v, &mut at), Some(x));
        }
        assert_eq!(at, v.len());
    }

    #[test]
    fn centimetre_codes_compare_with_whole_thresholds_exactly() {
        let q = Quantum::Centimetre;
        let t = q.threshold_code(5000.0).unwrap();
        assert_eq!(t, 500_000);
        for (d, inside) in [
            (5000.0, true),
            (4_999.999_999, true),
            (5_000.000_001, false),
            (4999.99, true),
            (5000.01, false),
            (0.0, true),
        ] {
            assert_eq!(q.code(d) <= t, inside, "{d}");
            assert_eq!(d <= 5000.0, inside, "{d}");
        }
        assert_eq!(q.threshold_code(1234.5678), None);
        assert_eq!(Quantum::Millisecond.threshold_code(20.0), Some(1_200_000));
        assert_eq!(Quantum::Millisecond.code(61_234.0 / 60_000.0), 61_234);
    }
}
