//! Lambert conformal conic projection with two standard parallels on the
//! GRS80 ellipsoid (EPSG method 9802), as used by Lambert-93 (EPSG:2154) and
//! the nine CC zones (EPSG:3942–3950).
//!
//! Formulas of IGN's *Algorithmes de géodésie* (notes ALG0001, ALG0003,
//! ALG0004, ALG0054): isometric latitude, forward and inverse projection.
//! The tests check them against PROJ's own output on reference points.

use crate::base::{LonLat, L93};

/// GRS80 semi-major axis (m).
pub const GRS80_A: f64 = 6_378_137.0;
/// GRS80 flattening.
pub const GRS80_F: f64 = 1.0 / 298.257_222_101;

/// A Lambert conformal conic projection (2SP) on GRS80.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LambertConic {
    e: f64,
    n: f64,
    c: f64,
    lon0: f64,
    xs: f64,
    ys: f64,
}

/// Lambert-93, EPSG:2154: standard parallels 44° and 49° N, origin 46°30' N
/// 3° E, false easting 700 000 m, false northing 6 600 000 m.
pub const LAMBERT_93_PARAMS: LambertParams = LambertParams {
    lat1: 44.0,
    lat2: 49.0,
    lat0: 46.5,
    lon0: 3.0,
    false_easting: 700_000.0,
    false_northing: 6_600_000.0,
};

/// The defining parameters of a Lambert conformal conic 2SP projection, in
/// degrees and metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LambertParams {
    pub lat1: f64,
    pub lat2: f64,
    pub lat0: f64,
    pub lon0: f64,
    pub false_easting: f64,
    pub false_northing: f64,
}

/// Lambert-93, ready to use.
pub static LAMBERT_93: std::sync::LazyLock<LambertConic> =
    std::sync::LazyLock::new(|| LambertConic::new(LAMBERT_93_PARAMS));

fn isometric_latitude(phi: f64, e: f64) -> f64 {
    // ln(tan(π/4 + φ/2) · ((1 − e sinφ)/(1 + e sinφ))^(e/2)) written with
    // atanh, which is cheaper and as accurate: ln tan(π/4 + φ/2) = atanh(sinφ).
    let s = phi.sin();
    s.atanh() - e * (e * s).atanh()
}

fn latitude_from_isometric(l: f64, e: f64) -> f64 {
    let mut phi = 2.0 * l.exp().atan() - std::f64::consts::FRAC_PI_2;
    for _ in 0..50 {
        let es = e * phi.sin();
        let next = 2.0 * (((1.0 + es) / (1.0 - es)).powf(e / 2.0) * l.exp()).atan()
            - std::f64::consts::FRAC_PI_2;
        let done = (next - phi).abs() < 1e-14;
        phi = next;
        if done {
            break;
        }
    }
    phi
}

impl LambertConic {
    pub fn new(p: LambertParams) -> Self {
        let e2 = GRS80_F * (2.0 - GRS80_F);
        let e = e2.sqrt();
        let (phi1, phi2, phi0) = (
            p.lat1.to_radians(),
            p.lat2.to_radians(),
            p.lat0.to_radians(),
        );
        let gn = |phi: f64| GRS80_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let (l1, l2, l0) = (
            isometric_latitude(phi1, e),
            isometric_latitude(phi2, e),
            isometric_latitude(phi0, e),
        );
        let n = if (p.lat1 - p.lat2).abs() < 1e-12 {
            phi1.sin()
        } else {
            ((gn(phi2) * phi2.cos()) / (gn(phi1) * phi1.cos())).ln() / (l1 - l2)
        };
        let c = gn(phi1) * phi1.cos() / n * (n * l1).exp();
        LambertConic {
            e,
            n,
            c,
            lon0: p.lon0.to_radians(),
            xs: p.false_easting,
            ys: p.false_northing + c * (-n * l0).exp(),
        }
    }

    /// Projects a WGS84/RGF93 point.
    pub fn project(&self, p: LonLat) -> L93 {
        let r = self.c * (-self.n * isometric_latitude(p.lat.to_radians(), self.e)).exp();
        let (sin_g, cos_g) = (self.n * (p.lon.to_radians() - self.lon0)).sin_cos();
        L93 {
            x: self.xs + r * sin_g,
            y: self.ys - r * cos_g,
        }
    }

    /// Inverse projection back to longitude/latitude.
    pub fn unproject(&self, p: L93) -> LonLat {
        let dx = p.x - self.xs;
        let dy = p.y - self.ys;
        let r = (dx * dx + dy * dy).sqrt();
        let gamma = dx.atan2(-dy);
        let lon = self.lon0 + gamma / self.n;
        let l = -(r / self.c).abs().ln() / self.n;
        LonLat {
            lon: lon.to_degrees(),
            lat: latitude_from_isometric(l, self.e).to_degrees(),
        }
    }

    /// The apex of the cone in projected coordinates: every parallel is a
    /// circle around it.
    pub fn apex(&self) -> L93 {
        L93 {
            x: self.xs,
            y: self.ys,
        }
    }

    /// The point scale factor at a distance `rho` from the apex.
    pub fn scale_factor_at_rho(&self, rho: f64) -> f64 {
        let l = -(rho / self.c).ln() / self.n;
        self.scale_factor(latitude_from_isometric(l, self.e).to_degrees())
    }

    /// The point scale factor at a latitude (degrees): projected length over
    /// true length on the ellipsoid, the same in every direction (conformal).
    pub fn scale_factor(&self, lat: f64) -> f64 {
        let phi = lat.to_radians();
        let e2 = self.e * self.e;
        let nu = GRS80_A / (1.0 - e2 * phi.sin().powi(2)).sqrt();
        let r = self.c * (-self.n * isometric_latitude(phi, self.e)).exp();
        self.n * r / (nu * phi.cos())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_maps_to_false_origin() {
        let p = LAMBERT_93.project(LonLat::new(3.0, 46.5));
        assert!((p.x - 700_000.0).abs() < 1e-6, "{p:?}");
        assert!((p.y - 6_600_000.0).abs() < 1e-6, "{p:?}");
    }

    #[test]
    fn round_trip_is_exact_to_a_micrometre_over_the_region() {
        for i in 0..=20 {
            for j in 0..=20 {
                let ll = LonLat::new(
                    1.3 + 3.0 * f64::from(i) / 20.0,
                    48.8 + 2.4 * f64::from(j) / 20.0,
                );
                let back = LAMBERT_93.unproject(LAMBERT_93.project(ll));
                assert!((back.lon - ll.lon).abs() < 1e-10 && (back.lat - ll.lat).abs() < 1e-10);
            }
        }
    }

    #[test]
    fn scale_factor_is_one_on_standard_parallels() {
        assert!((LAMBERT_93.scale_factor(44.0) - 1.0).abs() < 1e-12);
        assert!((LAMBERT_93.scale_factor(49.0) - 1.0).abs() < 1e-12);
        assert!(LAMBERT_93.scale_factor(46.5) < 1.0);
        assert!(LAMBERT_93.scale_factor(51.0) > 1.0);
    }
}

#[cfg(test)]
mod reference_tests {
    use super::*;

    /// Points projected by PROJ (EPSG:4326 → EPSG:2154), written by
    /// scripts/make-shp-fixtures.
    #[test]
    fn matches_proj_within_a_millimetre() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/reference_l93.csv"
        ))
        .unwrap();
        let mut n = 0;
        for line in text.lines().skip(1) {
            let v: Vec<f64> = line.split(',').map(|x| x.parse().unwrap()).collect();
            let p = LAMBERT_93.project(LonLat::new(v[0], v[1]));
            assert!(
                (p.x - v[2]).abs() < 1e-3 && (p.y - v[3]).abs() < 1e-3,
                "{line}: {p:?}"
            );
            let back = LAMBERT_93.unproject(L93 { x: v[2], y: v[3] });
            assert!(
                (back.lon - v[0]).abs() < 1e-8 && (back.lat - v[1]).abs() < 1e-8,
                "{line}: {back:?}"
            );
            n += 1;
        }
        assert_eq!(n, 40);
    }
}
