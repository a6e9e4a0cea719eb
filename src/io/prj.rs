//! Reads the coordinate reference system of a shapefile's `.prj` (ESRI or
//! OGC WKT1). Supported: geographic WGS84/RGF93/ETRS89 coordinates, and the
//! Lambert conformal conic 2SP projections on GRS80 (Lambert-93, CC42–CC50),
//! whose parameters are read from the file.

use std::path::Path;

use crate::error::Error;
use crate::geom::lambert::{LambertConic, LambertParams};

/// The coordinates a layer is written in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Crs {
    /// Longitude and latitude in degrees on WGS84 or RGF93 (identical to
    /// well under a metre).
    Wgs84,
    /// A Lambert conformal conic projection on GRS80, in metres.
    Lambert(LambertConic),
}

impl Crs {
    pub fn name(&self) -> String {
        match self {
            Crs::Wgs84 => "WGS84 longitude/latitude".to_string(),
            Crs::Lambert(_) => "Lambert conformal conic on GRS80 (e.g. Lambert-93)".to_string(),
        }
    }
}

/// The first quoted name after `KEY[` in the WKT, upper-cased.
fn quoted_after(wkt: &str, key: &str) -> Option<String> {
    let upper = wkt.to_uppercase();
    let start = upper.find(&format!("{key}["))? + key.len() + 1;
    let rest = &wkt[start..];
    let open = rest.find('"')? + 1;
    let close = rest[open..].find('"')? + open;
    Some(rest[open..close].to_uppercase())
}

/// The value of `PARAMETER["name", value]`, the name matched case-insensitively.
fn parameter(wkt: &str, name: &str) -> Option<f64> {
    let upper = wkt.to_uppercase();
    let key = format!("PARAMETER[\"{}\"", name.to_uppercase());
    let start = upper.find(&key)? + key.len();
    let rest = &upper[start..];
    let rest = rest.trim_start().strip_prefix(',')?;
    let end = rest.find(']')?;
    rest[..end].trim().parse().ok()
}

/// Parses the text of a `.prj` file; `path` names it in messages.
pub fn parse_prj(path: &Path, wkt: &str) -> Result<Crs, Error> {
    let wkt = wkt.trim();
    let upper = wkt.to_uppercase();
    let unsupported = |what: &str| {
        Error::file(
            path,
            format!(
                "coordinate system {what} is not supported: expected WGS84/RGF93 longitude/latitude or a Lambert \
                 conformal conic projection on RGF93 (Lambert-93, EPSG:2154); reproject with \
                 `ogr2ogr -t_srs EPSG:2154 out.shp in.shp`"
            ),
        )
    };
    let datum_ok = |u: &str| {
        [
            "WGS_1984",
            "WGS 84",
            "WGS84",
            "RGF93",
            "RGF_1993",
            "RESEAU_GEODESIQUE_FRANCAIS_1993",
            "ETRS89",
            "ETRS_1989",
            "EUROPEAN_TERRESTRIAL_REFERENCE_SYSTEM_1989",
            "GRS_1980",
            "GRS 1980",
        ]
        .iter()
        .any(|d| u.contains(d))
    };
    if upper.starts_with("GEOGCS[") || upper.starts_with("GEOGCRS[") {
        if !datum_ok(&upper) {
            return Err(unsupported(
                &quoted_after(wkt, "GEOGCS").unwrap_or_else(|| "(unnamed)".into()),
            ));
        }
        return Ok(Crs::Wgs84);
    }
    if upper.starts_with("PROJCS[") || upper.starts_with("PROJCRS[") {
        let name = quoted_after(wkt, "PROJCS")
            .or_else(|| quoted_after(wkt, "PROJCRS"))
            .unwrap_or_default();
        let method = quoted_after(wkt, "PROJECTION")
            .or_else(|| quoted_after(wkt, "METHOD"))
            .unwrap_or_default();
        if !method.contains("LAMBERT_CONFORMAL_CONIC")
            && !method.contains("LAMBERT CONIC CONFORMAL (2SP)")
        {
            return Err(unsupported(&format!("\"{name}\" (projection {method})")));
        }
        if !datum_ok(&upper) || upper.contains("CLARKE") || upper.contains("NTF") {
            return Err(unsupported(&format!(
                "\"{name}\" (not on RGF93/GRS80: NTF Lambert zones need a datum shift)"
            )));
        }
        if let Some(unit) = upper.rfind("UNIT[\"").map(|i| &upper[i + 6..]) {
            let u = unit.split('"').next().unwrap_or("");
            if !(u.starts_with("METER") || u.starts_with("METRE")) {
                return Err(unsupported(&format!(
                    "\"{name}\" in unit {u} (expected metres)"
                )));
            }
        }
        let get = |names: &[&str]| names.iter().find_map(|n| parameter(wkt, n));
        let (Some(lat1), Some(lat2), Some(lat0), Some(lon0)) = (
            get(&["standard_parallel_1", "Latitude of 1st standard parallel"]),
            get(&["standard_parallel_2", "Latitude of 2nd standard parallel"]),
            get(&["latitude_of_origin", "Latitude of false origin"]),
            get(&[
                "central_meridian",
                "longitude_of_center",
                "Longitude of false origin",
            ]),
        ) else {
            return Err(Error::file(
                path,
                format!(
                    "\"{name}\": the Lambert parameters (standard parallels, origin) are missing"
                ),
            ));
        };
        let params = LambertParams {
            lat1,
            lat2,
            lat0,
            lon0,
            false_easting: get(&["false_easting", "Easting at false origin"]).unwrap_or(0.0),
            false_northing: get(&["false_northing", "Northing at false origin"]).unwrap_or(0.0),
        };
        return Ok(Crs::Lambert(LambertConic::new(params)));
    }
    Err(Error::file(
        path,
        "not a WKT coordinate system (expected GEOGCS[...] or PROJCS[...])",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LAMBERT_93;
    use crate::model::LonLat;

    /// The `.prj` IGN ships with ADMIN EXPRESS in Lambert-93.
    pub const LAMBERT93_ESRI: &str = r#"PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]"#;

    #[test]
    fn lambert93_prj_gives_lambert93() {
        let Crs::Lambert(l) = parse_prj(Path::new("a.prj"), LAMBERT93_ESRI).unwrap() else {
            panic!()
        };
        let p = LonLat::new(2.3, 49.9);
        let (a, b) = (l.project(p), LAMBERT_93.project(p));
        assert!((a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6);
    }

    #[test]
    fn geographic_and_refused_systems() {
        let wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert_eq!(parse_prj(Path::new("a.prj"), wgs).unwrap(), Crs::Wgs84);
        let merc = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]]],PROJECTION["Mercator_Auxiliary_Sphere"],UNIT["Meter",1.0]]"#;
        let e = parse_prj(Path::new("a.prj"), merc).unwrap_err().to_string();
        assert!(
            e.contains("WGS_1984_WEB_MERCATOR_AUXILIARY_SPHERE") && e.contains("ogr2ogr"),
            "{e}"
        );
        let ntf = r#"PROJCS["NTF_Paris_Lambert_II_etendu",GEOGCS["GCS_NTF_Paris",DATUM["D_NTF",SPHEROID["Clarke_1880_IGN",6378249.2,293.4660212936265]]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["Standard_Parallel_1",46.8],PARAMETER["Standard_Parallel_2",46.8],PARAMETER["Latitude_Of_Origin",46.8],PARAMETER["Central_Meridian",0.0],UNIT["Meter",1.0]]"#;
        assert!(parse_prj(Path::new("a.prj"), ntf)
            .unwrap_err()
            .to_string()
            .contains("datum shift"));
        assert!(parse_prj(Path::new("a.prj"), "hello").is_err());
    }
}
