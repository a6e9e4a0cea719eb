//! Reads the coordinate reference system of a shapefile's `.prj`: ESRI or OGC
//! WKT1, and the simple WKT2 that PROJ and GDAL write.
//!
//! Supported:
//! - longitude/latitude in degrees on WGS84, RGF93 (v1, v2, v2b) or ETRS89,
//!   which coincide to well under a metre in the region;
//! - Lambert conformal conic projections on RGF93/GRS80 in metres
//!   (Lambert-93, CC42–CC50), whose parameters are read from the file.
//!
//! Anything else (Web Mercator, UTM, the NTF Lambert zones on Clarke 1880…)
//! is refused with a message naming the system found and the `ogr2ogr`
//! command that reprojects the layer.

use std::path::Path;

use crate::base::lambert::{LambertConic, LambertParams, LAMBERT_93_PARAMS};
use crate::base::LonLat;
use crate::error::Error;

/// The coordinates a layer is written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Crs {
    /// Longitude and latitude in degrees on WGS84, RGF93 or ETRS89.
    Wgs84,
    /// A Lambert conformal conic projection on GRS80, in metres.
    Lambert(LambertConic),
}

impl Crs {
    /// A name for messages: "Lambert-93 (EPSG:2154)", "CC49 (EPSG:3949)"…
    pub fn name(&self) -> String {
        match self {
            Crs::Wgs84 => "longitude/latitude WGS84/RGF93 en degrés".to_string(),
            Crs::Lambert(l) => known_lambert(l).unwrap_or_else(|| {
                "une projection conique conforme de Lambert sur GRS80 (RGF93)".to_string()
            }),
        }
    }
}

/// The parameters of the conic conformal zone CC`zone` (EPSG:39`zone`).
fn cc_zone(zone: u8) -> LambertParams {
    let lat0 = f64::from(zone);
    LambertParams {
        lat1: lat0 - 0.75,
        lat2: lat0 + 0.75,
        lat0,
        lon0: 3.0,
        false_easting: 1_700_000.0,
        false_northing: (f64::from(zone) - 41.0) * 1_000_000.0 + 200_000.0,
    }
}

/// The name of a French Lambert zone when `l` is one of them (compared on
/// projected points, so that the order of the standard parallels and the
/// way the numbers are written do not matter).
fn known_lambert(l: &LambertConic) -> Option<String> {
    let same = |other: LambertConic| {
        [LonLat::new(3.0, 46.5), LonLat::new(1.5, 51.0)]
            .iter()
            .all(|&p| {
                let (a, b) = (l.project(p), other.project(p));
                (a.x - b.x).abs() < 1e-3 && (a.y - b.y).abs() < 1e-3
            })
    };
    if same(LambertConic::new(LAMBERT_93_PARAMS)) {
        return Some("Lambert-93 (EPSG:2154)".to_string());
    }
    (42..=50)
        .find(|&z| same(LambertConic::new(cc_zone(z))))
        .map(|z| format!("CC{z} (EPSG:39{z})"))
}

/// One element of a WKT text: `KEYWORD[arg, …]`, a quoted text, a number or
/// a bare word (`EAST`, `Cartesian`).
#[derive(Debug, Clone, PartialEq)]
enum Wkt {
    Node(Node),
    Text(String),
    Number(f64),
    Word(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Node {
    /// Upper-cased.
    key: String,
    args: Vec<Wkt>,
}

impl Node {
    /// The first argument when it is a quoted text: the element's name.
    fn name(&self) -> &str {
        match self.args.first() {
            Some(Wkt::Text(s)) => s,
            _ => "",
        }
    }

    fn numbers(&self) -> impl Iterator<Item = f64> + '_ {
        self.args.iter().filter_map(|a| match a {
            Wkt::Number(x) => Some(*x),
            _ => None,
        })
    }

    fn number(&self, i: usize) -> Option<f64> {
        self.numbers().nth(i)
    }

    fn children<'a, 'k>(
        &'a self,
        keys: &'k [&'k str],
    ) -> impl Iterator<Item = &'a Node> + use<'a, 'k> {
        self.args.iter().filter_map(move |a| match a {
            Wkt::Node(n) if keys.contains(&n.key.as_str()) => Some(n),
            _ => None,
        })
    }

    fn child(&self, keys: &[&str]) -> Option<&Node> {
        self.children(keys).next()
    }

    /// The first element named by one of `keys` anywhere below, depth first.
    fn find(&self, keys: &[&str]) -> Option<&Node> {
        self.args.iter().find_map(|a| match a {
            Wkt::Node(n) if keys.contains(&n.key.as_str()) => Some(n),
            Wkt::Node(n) => n.find(keys),
            _ => None,
        })
    }
}

/// A small recursive-descent reader of WKT (both `[ ]` and `( )` brackets).
struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    /// How many brackets are open, bounded by [`MAX_DEPTH`] so that no file
    /// can exhaust the stack.
    depth: usize,
}

/// Deepest nesting accepted; real coordinate systems nest 5 to 8 levels.
const MAX_DEPTH: usize = 64;

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.pos).copied()
    }

    fn fail<T>(&self, what: &str) -> Result<T, String> {
        Err(format!("{what} au caractère {}", self.pos + 1))
    }

    fn value(&mut self) -> Result<Wkt, String> {
        match self.peek() {
            Some(b'"') => self.quoted().map(Wkt::Text),
            Some(c) if c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.') => {
                let start = self.pos;
                while self.pos < self.text.len()
                    && (self.text[self.pos].is_ascii_alphanumeric()
                        || matches!(self.text[self.pos], b'-' | b'+' | b'.'))
                {
                    self.pos += 1;
                }
                let s = String::from_utf8_lossy(&self.text[start..self.pos]);
                match s.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(Wkt::Number(x)),
                    _ => {
                        self.pos = start;
                        self.fail(&format!("nombre illisible « {s} »"))
                    }
                }
            }
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.pos;
                while self.pos < self.text.len()
                    && (self.text[self.pos].is_ascii_alphanumeric() || self.text[self.pos] == b'_')
                {
                    self.pos += 1;
                }
                let word = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
                match self.peek() {
                    Some(b'[' | b'(') => {
                        if self.depth == MAX_DEPTH {
                            return self.fail(&format!(
                                "crochets imbriqués sur plus de {MAX_DEPTH} niveaux"
                            ));
                        }
                        self.depth += 1;
                        self.pos += 1;
                        let mut args = Vec::new();
                        if !matches!(self.peek(), Some(b']' | b')')) {
                            loop {
                                args.push(self.value()?);
                                match self.peek() {
                                    Some(b',') => self.pos += 1,
                                    Some(b']' | b')') => break,
                                    _ => return self.fail("attendu « , » ou « ] »"),
                                }
                            }
                        }
                        self.pos += 1;
                        self.depth -= 1;
                        Ok(Wkt::Node(Node {
                            key: word.to_ascii_uppercase(),
                            args,
                        }))
                    }
                    _ => Ok(Wkt::Word(word)),
                }
            }
            Some(_) => self.fail("caractère inattendu"),
            None => self.fail("fin du texte inattendue"),
        }
    }

    /// A quoted text; `""` inside stands for one quote (WKT2).
    fn quoted(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.text.get(self.pos) {
                Some(b'"') if self.text.get(self.pos + 1) == Some(&b'"') => {
                    out.push(b'"');
                    self.pos += 2;
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(&c) => {
                    out.push(c);
                    self.pos += 1;
                }
                None => return self.fail("texte entre guillemets non refermé"),
            }
        }
    }
}

fn parse_wkt(text: &str) -> Result<Node, String> {
    let mut p = Parser {
        text: text.trim_start_matches('\u{feff}').as_bytes(),
        pos: 0,
        depth: 0,
    };
    let root = match p.value()? {
        Wkt::Node(n) => n,
        _ => return p.fail("attendu MOT_CLÉ[...]"),
    };
    if p.peek().is_some() {
        return p.fail("du texte après la fin du système de coordonnées");
    }
    Ok(root)
}

/// Upper-case letters and digits only: `Standard_Parallel_1` and
/// `standard parallel 1` compare equal.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

const DEGREE: f64 = std::f64::consts::PI / 180.0;

fn is_degree(factor: f64) -> bool {
    (factor - DEGREE).abs() < 1e-12
}

fn is_metre(factor: f64) -> bool {
    (factor - 1.0).abs() < 1e-12
}

/// Why a system is refused; the caller turns it into the full message.
struct Refusal(String);

fn refuse<T>(why: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal(why.into()))
}

const GEOGRAPHIC: &[&str] = &["GEOGCS", "GEOGCRS", "GEOGRAPHICCRS", "BASEGEOGCRS"];
const GEODETIC_WKT2: &[&str] = &["GEODCRS", "GEODETICCRS", "BASEGEODCRS"];
const PROJECTED: &[&str] = &["PROJCS", "PROJCRS", "PROJECTEDCRS"];

/// Checks that a geographic system is WGS84, RGF93 or ETRS89 on a Greenwich
/// meridian, with its angles in degrees.
fn check_geographic(g: &Node) -> Result<(), Refusal> {
    // WKT2 geodetic systems may be geocentric: only ellipsoidal ones are
    // longitude/latitude.
    if let Some(cs) = g.child(&["CS"]) {
        if let Some(Wkt::Word(kind)) = cs.args.first() {
            if !kind.eq_ignore_ascii_case("ellipsoidal") {
                return refuse(format!("coordonnées {kind}, pas une longitude/latitude"));
            }
        }
    }
    let datum = g
        .child(&["DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE"])
        .map(|d| d.name().to_string())
        .unwrap_or_default();
    let datum_n = normalize(&datum);
    let name_n = normalize(g.name());
    let known = [
        "WGS84",
        "WGS1984",
        "WORLDGEODETICSYSTEM1984",
        "RGF93",
        "RGF1993",
        "RESEAUGEODESIQUEFRANCAIS1993",
        "ETRS89",
        "ETRS1989",
        "EUROPEANTERRESTRIALREFERENCESYSTEM1989",
    ];
    if !known
        .iter()
        .any(|k| datum_n.contains(k) || (datum.is_empty() && name_n.contains(k)))
    {
        let shown = if datum.is_empty() { g.name() } else { &datum };
        return refuse(format!(
            "datum « {shown} » : seuls WGS84, RGF93 et ETRS89 se lisent sans changement de datum"
        ));
    }
    if let Some(e) = g.find(&["SPHEROID", "ELLIPSOID"]) {
        let (a, rf) = (e.number(0).unwrap_or(0.0), e.number(1).unwrap_or(0.0));
        let grs80_or_wgs84 = (a - 6_378_137.0).abs() < 1e-3
            && ((rf - 298.257_222_101).abs() < 1e-6 || (rf - 298.257_223_563).abs() < 1e-6);
        if !grs80_or_wgs84 {
            return refuse(format!(
                "ellipsoïde « {} » ({a} m, 1/f = {rf}), pas GRS80/WGS84",
                e.name()
            ));
        }
    }
    if let Some(pm) = g.child(&["PRIMEM", "PRIMEMERIDIAN"]) {
        if pm.number(0).is_some_and(|x| x.abs() > 1e-12) {
            return refuse(format!(
                "méridien d'origine « {} », pas Greenwich",
                pm.name()
            ));
        }
    }
    // WKT1: UNIT of the geographic system; WKT2: ANGLEUNIT of the axes or of
    // the whole system.
    let mut units: Vec<&Node> = g.children(&["UNIT", "ANGLEUNIT"]).collect();
    for axis in g.children(&["AXIS"]) {
        units.extend(axis.children(&["UNIT", "ANGLEUNIT"]));
    }
    for u in units {
        if !u.number(0).is_some_and(is_degree) {
            return refuse(format!("angles en unité « {} », pas en degrés", u.name()));
        }
    }
    Ok(())
}

/// A parameter's value by any of its spellings (normalized), with its unit
/// checked when WKT2 gives one.
fn parameter(params: &[&Node], names: &[&str]) -> Result<Option<f64>, Refusal> {
    for p in params {
        if names.contains(&normalize(p.name()).as_str()) {
            let Some(v) = p.number(0) else {
                return refuse(format!("paramètre « {} » sans valeur", p.name()));
            };
            if let Some(u) = p.child(&["ANGLEUNIT"]) {
                if !u.number(0).is_some_and(is_degree) {
                    return refuse(format!("paramètre « {} » en {}", p.name(), u.name()));
                }
            }
            if let Some(u) = p.child(&["LENGTHUNIT"]) {
                if !u.number(0).is_some_and(is_metre) {
                    return refuse(format!("paramètre « {} » en {}", p.name(), u.name()));
                }
            }
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// Reads a projected system: a Lambert conformal conic on GRS80, in metres.
fn projected(p: &Node) -> Result<LambertConic, Refusal> {
    let base = p
        .child(GEOGRAPHIC)
        .or_else(|| p.child(GEODETIC_WKT2))
        .ok_or_else(|| Refusal("pas de système géographique de base".to_string()))?;
    check_geographic(base)?;
    // WGS84's flattening differs from GRS80's by 5e-9 relative, which moves
    // projected points by well under a millimetre: both are accepted.
    let conversion = p.child(&["CONVERSION"]);
    let method_node = p
        .child(&["PROJECTION"])
        .or_else(|| conversion.and_then(|c| c.child(&["METHOD", "PROJECTION"])));
    let method = method_node.map(Node::name).unwrap_or("");
    let m = normalize(method);
    let two_sp = matches!(
        m.as_str(),
        "LAMBERTCONFORMALCONIC" | "LAMBERTCONFORMALCONIC2SP" | "LAMBERTCONICCONFORMAL2SP"
    );
    let one_sp = matches!(
        m.as_str(),
        "LAMBERTCONFORMALCONIC1SP" | "LAMBERTCONICCONFORMAL1SP"
    );
    if !two_sp && !one_sp {
        return refuse(format!("projection « {method} »"));
    }
    let params: Vec<&Node> = match conversion {
        Some(c) => c.children(&["PARAMETER"]).collect(),
        None => p.children(&["PARAMETER"]).collect(),
    };
    let lat1 = parameter(
        &params,
        &["STANDARDPARALLEL1", "LATITUDEOF1STSTANDARDPARALLEL"],
    )?;
    let lat2 = parameter(
        &params,
        &["STANDARDPARALLEL2", "LATITUDEOF2NDSTANDARDPARALLEL"],
    )?;
    let lat0 = parameter(
        &params,
        &[
            "LATITUDEOFORIGIN",
            "LATITUDEOFFALSEORIGIN",
            "LATITUDEOFNATURALORIGIN",
            "LATITUDEOFCENTER",
        ],
    )?;
    let lon0 = parameter(
        &params,
        &[
            "CENTRALMERIDIAN",
            "LONGITUDEOFORIGIN",
            "LONGITUDEOFFALSEORIGIN",
            "LONGITUDEOFNATURALORIGIN",
            "LONGITUDEOFCENTER",
        ],
    )?;
    let fe = parameter(
        &params,
        &[
            "FALSEEASTING",
            "EASTINGATFALSEORIGIN",
            "EASTINGATNATURALORIGIN",
        ],
    )?;
    let fn_ = parameter(
        &params,
        &[
            "FALSENORTHING",
            "NORTHINGATFALSEORIGIN",
            "NORTHINGATNATURALORIGIN",
        ],
    )?;
    let k0 = parameter(&params, &["SCALEFACTOR", "SCALEFACTORATNATURALORIGIN"])?;
    if let Some(k) = k0 {
        if (k - 1.0).abs() > 1e-12 {
            return refuse(format!("facteur d'échelle {k} (seul 1 est pris en charge)"));
        }
    }
    let (lat1, lat2, lat0) = match (lat1, lat2, lat0) {
        (Some(a), Some(b), Some(o)) => (a, b, o),
        // One standard parallel (tangent cone): it is the latitude of origin.
        (Some(a), None, o) if o.is_none_or(|o| (o - a).abs() < 1e-12) => (a, a, a),
        (None, None, Some(o)) => (o, o, o),
        _ => {
            return refuse(
                "paramètres de Lambert incomplets (parallèles standard, latitude d'origine)",
            )
        }
    };
    let Some(lon0) = lon0 else {
        return refuse("pas de méridien central");
    };
    // Linear unit: WKT1 UNIT of the projected system, WKT2 LENGTHUNIT of the
    // axes or of the whole system.
    let mut units: Vec<&Node> = p.children(&["UNIT", "LENGTHUNIT"]).collect();
    for axis in p.children(&["AXIS"]) {
        units.extend(axis.children(&["UNIT", "LENGTHUNIT"]));
    }
    for u in units {
        if !u.number(0).is_some_and(is_metre) {
            return refuse(format!(
                "coordonnées en unité « {} », pas en mètres",
                u.name()
            ));
        }
    }
    let ok_lat = |x: f64| (-90.0..=90.0).contains(&x);
    if !(ok_lat(lat1) && ok_lat(lat2) && ok_lat(lat0) && (-180.0..=180.0).contains(&lon0))
        || (lat1 + lat2).abs() < 1e-9
    {
        return refuse("paramètres de Lambert hors limites");
    }
    Ok(LambertConic::new(LambertParams {
        lat1,
        lat2,
        lat0,
        lon0,
        false_easting: fe.unwrap_or(0.0),
        false_northing: fn_.unwrap_or(0.0),
    }))
}

/// Reads a coordinate system, unwrapping WKT2 bound and compound systems.
fn crs_of(root: &Node) -> Result<Crs, Refusal> {
    let key = root.key.as_str();
    if GEOGRAPHIC.contains(&key) || GEODETIC_WKT2.contains(&key) {
        check_geographic(root)?;
        return Ok(Crs::Wgs84);
    }
    if PROJECTED.contains(&key) {
        return projected(root).map(Crs::Lambert);
    }
    if key == "BOUNDCRS" {
        if let Some(Wkt::Node(inner)) = root.child(&["SOURCECRS"]).and_then(|s| s.args.first()) {
            return crs_of(inner);
        }
    }
    if key == "COMPD_CS" || key == "COMPOUNDCRS" {
        let horizontal = root.args.iter().find_map(|a| match a {
            Wkt::Node(n)
                if PROJECTED.contains(&n.key.as_str())
                    || GEOGRAPHIC.contains(&n.key.as_str())
                    || GEODETIC_WKT2.contains(&n.key.as_str()) =>
            {
                Some(n)
            }
            _ => None,
        });
        if let Some(h) = horizontal {
            return crs_of(h);
        }
    }
    refuse(format!("un système {key}"))
}

const SUPPORTED: &str = "pris en charge : longitude/latitude en degrés sur WGS84, RGF93 ou \
     ETRS89, et projections coniques conformes de Lambert sur RGF93 (GRS80) en mètres : \
     Lambert-93 (EPSG:2154) et CC42–CC50 (EPSG:3942–3950)";

/// Parses the text of a `.prj` file; `path` names it in messages.
pub fn parse_prj(path: &Path, wkt: &str) -> Result<Crs, Error> {
    if wkt.trim().is_empty() {
        return Err(Error::file(
            path,
            format!("le fichier .prj est vide ({SUPPORTED})"),
        ));
    }
    let root = parse_wkt(wkt).map_err(|e| {
        Error::file(
            path,
            format!("pas un système de coordonnées WKT (attendu GEOGCS[...] ou PROJCS[...]) : {e}"),
        )
    })?;
    crs_of(&root).map_err(|Refusal(why)| {
        let name = if root.name().is_empty() {
            root.key.clone()
        } else {
            root.name().to_string()
        };
        Error::file(
            path,
            format!(
                "le système de coordonnées « {name} » n'est pas pris en charge ({why}) ; {SUPPORTED}. \
                 Reprojetez la couche, p. ex. `ogr2ogr -t_srs EPSG:2154 out.shp in.shp`"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::lambert::LAMBERT_93;
    use crate::base::L93;
    use crate::geom::distance;

    fn fixture(rel: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rel)
    }

    fn read(rel: &str) -> String {
        std::fs::read_to_string(fixture(rel)).unwrap()
    }

    /// Every `.prj` PROJ wrote in tests/fixtures/shp/prj/ gives what
    /// expected.csv says; for the Lambert ones, our projection with the
    /// parameters read lands within a millimetre of PROJ's.
    #[test]
    fn prj_texts_written_by_proj() {
        let expected = read("shp/prj/expected.csv");
        let mut n = 0;
        for line in expected.lines().skip(1) {
            let v: Vec<&str> = line.split(',').collect();
            let (file, epsg, name, what) = (v[0], v[1], v[2], v[3]);
            let path = fixture(&format!("shp/prj/{file}"));
            let got = parse_prj(&path, &std::fs::read_to_string(&path).unwrap());
            match (what, got) {
                ("wgs84", Ok(Crs::Wgs84)) => {}
                ("lambert", Ok(crs @ Crs::Lambert(l))) => {
                    let num = |i: usize| v[i].parse::<f64>().unwrap();
                    let p = l.project(LonLat::new(num(4), num(5)));
                    assert!(
                        (p.x - num(6)).abs() < 1e-3 && (p.y - num(7)).abs() < 1e-3,
                        "{file}: {p:?}"
                    );
                    let zone = match epsg {
                        "2154" | "9794" => "Lambert-93 (EPSG:2154)".to_string(),
                        cc => format!("CC{} (EPSG:{cc})", &cc[2..]),
                    };
                    assert_eq!(crs.name(), zone, "{file}");
                }
                ("error", Err(e)) => {
                    let msg = e.to_string();
                    assert!(msg.contains(file), "{msg}");
                    assert!(msg.contains("ogr2ogr -t_srs EPSG:2154"), "{msg}");
                    assert!(msg.contains("Lambert-93 (EPSG:2154)"), "{msg}");
                    // The message names the system as the file spells it.
                    let text = std::fs::read_to_string(&path).unwrap();
                    let spelled = parse_wkt(&text).unwrap().name().to_string();
                    assert!(msg.contains(&spelled), "{name}: {msg}");
                }
                (w, got) => panic!("{file} ({name}): expected {w}, got {got:?}"),
            }
            n += 1;
        }
        assert_eq!(n, 19);
    }

    #[test]
    fn refusals_say_why() {
        let p = Path::new("layer.prj");
        let msg = |wkt: &str| parse_prj(p, wkt).unwrap_err().to_string();
        let m = msg(&read("shp/prj/3857_esri.prj"));
        assert!(
            m.contains("« WGS_1984_Web_Mercator_Auxiliary_Sphere »")
                && m.contains("projection « Mercator_Auxiliary_Sphere »"),
            "{m}"
        );
        let m = msg(&read("shp/prj/27572_esri.prj"));
        assert!(m.contains("NTF_Paris_Lambert_Zone_II"), "{m}");
        assert!(m.contains("Nouvelle_Triangulation_Francaise"), "{m}");
        assert!(msg(&read("shp/prj/2192_esri.prj")).contains("European_1950"));
        // Lambert-93 in US feet, and a 1SP Lambert with a scale factor.
        let l93 = read("shp/prj/2154_esri.prj");
        let feet = l93.replace(
            r#"UNIT["Meter",1.0]"#,
            r#"UNIT["Foot_US",0.3048006096012192]"#,
        );
        assert!(msg(&feet).contains("pas en mètres"), "{}", msg(&feet));
        let k = l93.replace(
            r#"PARAMETER["Standard_Parallel_2",44.0]"#,
            r#"PARAMETER["Scale_Factor",0.99987742]"#,
        );
        assert!(
            msg(&k).contains("facteur d'échelle 0.99987742"),
            "{}",
            msg(&k)
        );
        // Geographic RGF93 in grads.
        let grads = read("shp/prj/4171_esri.prj").replace(
            r#"UNIT["Degree",0.0174532925199433]"#,
            r#"UNIT["Grad",0.0157079632679489]"#,
        );
        assert!(msg(&grads).contains("pas en degrés"), "{}", msg(&grads));
        // Not WKT at all, truncated, empty.
        assert!(msg("hello").contains("pas un système de coordonnées WKT"));
        assert!(msg(&l93[..100]).contains("pas un système de coordonnées WKT"));
        assert!(msg("  \n").contains("vide"));
        // Nesting deep enough to exhaust the stack is refused, not followed.
        let deep = format!("{}{}", "A[".repeat(200_000), "]".repeat(200_000));
        assert!(
            msg(&deep).contains("imbriqués sur plus de 64 niveaux"),
            "{}",
            msg(&deep)
        );
    }

    #[test]
    fn lambert93_variants_are_the_same_projection() {
        let p = Path::new("a.prj");
        let l93 = read("shp/prj/2154_esri.prj");
        // ArcGIS lists the parallels the other way round; some tools write
        // "Lambert_Conformal_Conic_2SP", lower case, spaces, a BOM, CRLF.
        let variants = [
            l93.clone(),
            l93.replace("Standard_Parallel_1\",49.0", "Standard_Parallel_1\",44.0")
                .replace("Standard_Parallel_2\",44.0", "Standard_Parallel_2\",49.0"),
            l93.replace(
                "\"Lambert_Conformal_Conic\"",
                "\"Lambert_Conformal_Conic_2SP\"",
            ),
            format!("\u{feff}{}\r\n", l93.to_lowercase().replace(',', " , ")),
            read("shp/prj/2154_gdal.prj"),
            read("shp/prj/2154_wkt2.prj"),
        ];
        for v in &variants {
            let crs = parse_prj(p, v).unwrap();
            assert_eq!(crs.name(), "Lambert-93 (EPSG:2154)", "{v}");
            let Crs::Lambert(l) = crs else { panic!() };
            let q = LonLat::new(2.3, 49.9);
            let (a, b) = (l.project(q), LAMBERT_93.project(q));
            assert!((a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6, "{v}");
        }
        assert_eq!(
            Crs::Wgs84.name(),
            "longitude/latitude WGS84/RGF93 en degrés"
        );
    }

    /// Reads one of the reference CSV files into rows of numbers.
    fn rows(rel: &str) -> Vec<Vec<f64>> {
        read(rel)
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
            .collect()
    }

    /// LAMBERT_93 against PROJ (EPSG:4326 → EPSG:2154, always_xy) on 40
    /// points over the region: both ways.
    #[test]
    fn lambert93_matches_proj_reference() {
        let rows = rows("reference_l93.csv");
        assert_eq!(rows.len(), 40);
        let (mut worst_m, mut worst_deg) = (0.0_f64, 0.0_f64);
        for r in &rows {
            let p = LAMBERT_93.project(LonLat::new(r[0], r[1]));
            worst_m = worst_m.max((p.x - r[2]).abs()).max((p.y - r[3]).abs());
            let back = LAMBERT_93.unproject(L93 { x: r[2], y: r[3] });
            worst_deg = worst_deg
                .max((back.lon - r[0]).abs())
                .max((back.lat - r[1]).abs());
        }
        println!("Lambert-93 vs PROJ: max {worst_m:.6} m forward, {worst_deg:.3e}° inverse");
        assert!(worst_m < 1e-3, "forward: {worst_m} m");
        assert!(worst_deg < 1e-8, "inverse: {worst_deg}°");
    }

    /// `geom::distance` against GeographicLib (Python, Karney's reference
    /// implementation) on 60 pairs from 0 m to 250 km.
    #[test]
    fn geodesic_matches_karney_reference() {
        let rows = rows("reference_geodesic.csv");
        assert_eq!(rows.len(), 60);
        let mut worst = 0.0_f64;
        let mut longest = 0.0_f64;
        for r in &rows {
            let d = distance(LonLat::new(r[0], r[1]), LonLat::new(r[2], r[3])).0;
            worst = worst.max((d - r[4]).abs());
            longest = longest.max(r[4]);
        }
        println!("geodesic vs GeographicLib: max {worst:.6} m (pairs up to {longest:.0} m)");
        assert!(longest >= 249_000.0);
        assert!(worst < 1e-3, "{worst} m");
    }
}
