//! The plane a territory is measured in: Lambert-93 in metropolitan France,
//! a local Lambert conformal conic elsewhere.
//!
//! Grids, indexes, maps and the GeoTIFF and GeoPackage work in metres on a
//! plane. Lambert-93 (EPSG:2154) is the official one for metropolitan
//! France, and every output there keeps it. For a territory elsewhere
//! (Porto Alegre, say) Lambert-93 would stretch distances several times and
//! turn the map by tens of degrees, so [`Frame::for_points`] builds a
//! Lambert conformal conic fitted to the territory instead:
//! - standard parallels at a sixth of the latitude range from each end
//!   (at least 0.25° from the middle), the classic choice that keeps the
//!   scale factor within a few parts in 10⁵ over the territory;
//! - origin at the middle latitude and the median longitude, no false
//!   easting or northing;
//! - in the southern hemisphere, the mirror image: the conic of the
//!   mirrored latitudes, with northings negated. Reflection through the
//!   equator is an isometry of the ellipsoid, so the result is conformal
//!   with the same scale factors.
//!
//! Whatever the frame, distances stay geodesic: the frame only decides where
//! the grid's cells fall and how maps are drawn.

use crate::base::lambert::{LambertConic, LambertParams, LAMBERT_93, LAMBERT_93_PARAMS};
use crate::base::{LonLat, L93};

/// Longitudes and latitudes taken as metropolitan France (with its
/// neighbours' border areas): data inside stays in Lambert-93.
pub const FRANCE_LON: (f64, f64) = (-5.5, 10.0);
pub const FRANCE_LAT: (f64, f64) = (41.0, 51.5);

/// Latitudes where Lambert-93's scale bounds are computed (metropolitan
/// France and its surroundings).
const LAMBERT_93_BAND: (f64, f64) = (40.0, 53.0);

/// How far beyond the territory's latitudes a local frame's bounds hold.
const LOCAL_MARGIN_DEG: f64 = 3.0;

/// A conformal plane for one territory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    conic: LambertConic,
    params: LambertParams,
    /// Southern hemisphere: latitudes mirrored, northings negated.
    south: bool,
    /// Latitudes (true sign) over which scale bounds are computed.
    band: (f64, f64),
}

impl Frame {
    /// Lambert-93 (EPSG:2154).
    pub fn lambert93() -> Frame {
        Frame {
            conic: *LAMBERT_93,
            params: LAMBERT_93_PARAMS,
            south: false,
            band: LAMBERT_93_BAND,
        }
    }

    /// The frame for data at these positions: Lambert-93 when they all lie in
    /// metropolitan France ([`FRANCE_LON`], [`FRANCE_LAT`]) or there are
    /// none, a local conic otherwise (see the module's documentation).
    /// `None` when the positions straddle the equator (no conic fits them).
    pub fn for_points(points: impl IntoIterator<Item = LonLat>) -> Option<Frame> {
        let mut lons = Vec::new();
        let (mut lat_min, mut lat_max) = (f64::INFINITY, f64::NEG_INFINITY);
        let mut in_france = true;
        for p in points {
            in_france &= (FRANCE_LON.0..=FRANCE_LON.1).contains(&p.lon)
                && (FRANCE_LAT.0..=FRANCE_LAT.1).contains(&p.lat);
            lons.push(p.lon);
            lat_min = lat_min.min(p.lat);
            lat_max = lat_max.max(p.lat);
        }
        if in_france || lons.is_empty() {
            return Some(Frame::lambert93());
        }
        if lat_min < 0.5 && lat_max > -0.5 {
            return None;
        }
        lons.sort_by(f64::total_cmp);
        let lon0 = lons[lons.len() / 2];
        let south = lat_max < 0.0;
        // Work on the mirrored (northern) latitudes in the southern hemisphere.
        let (lo, hi) = if south {
            (-lat_max, -lat_min)
        } else {
            (lat_min, lat_max)
        };
        let mid = (lo + hi) / 2.0;
        let half = ((hi - lo) / 3.0).max(0.25);
        let lat1 = (mid - half).max(0.25);
        let lat2 = (mid + half).min(89.0);
        let params = LambertParams {
            lat1,
            lat2,
            lat0: mid,
            lon0,
            false_easting: 0.0,
            false_northing: 0.0,
        };
        let (blo, bhi) = (
            (lo - LOCAL_MARGIN_DEG).max(0.1),
            (hi + LOCAL_MARGIN_DEG).min(89.5),
        );
        Some(Frame {
            conic: LambertConic::new(params),
            params,
            south,
            band: if south { (-bhi, -blo) } else { (blo, bhi) },
        })
    }

    pub fn is_lambert93(&self) -> bool {
        self.params == LAMBERT_93_PARAMS && !self.south
    }

    /// Projects a WGS84 point to the plane.
    pub fn project(&self, p: LonLat) -> L93 {
        if self.south {
            let q = self.conic.project(LonLat::new(p.lon, -p.lat));
            L93 { x: q.x, y: -q.y }
        } else {
            self.conic.project(p)
        }
    }

    /// Back from the plane to longitude/latitude.
    pub fn unproject(&self, p: L93) -> LonLat {
        if self.south {
            let q = self.conic.unproject(L93 { x: p.x, y: -p.y });
            LonLat::new(q.lon, -q.lat)
        } else {
            self.conic.unproject(p)
        }
    }

    /// The apex of the cone in the plane: every parallel is a circle around
    /// it, and the scale factor depends only on the distance to it.
    pub fn apex(&self) -> L93 {
        let a = self.conic.apex();
        if self.south {
            L93 { x: a.x, y: -a.y }
        } else {
            a
        }
    }

    /// The scale factor at a latitude (degrees, true sign).
    pub fn scale_factor(&self, lat: f64) -> f64 {
        self.conic.scale_factor(if self.south { -lat } else { lat })
    }

    /// The scale factor at a distance `rho` from the apex.
    pub fn scale_factor_at_rho(&self, rho: f64) -> f64 {
        self.conic.scale_factor_at_rho(rho)
    }

    /// Latitudes (true sign, ascending) over which the index's scale bounds
    /// are computed; queries outside are measured without the plane.
    pub fn band(&self) -> (f64, f64) {
        self.band
    }

    /// The EPSG code of the frame, when it has one (Lambert-93: 2154).
    pub fn epsg(&self) -> Option<u16> {
        self.is_lambert93().then_some(2154)
    }

    /// The defining parameters (of the mirrored conic in the south).
    pub fn params(&self) -> LambertParams {
        self.params
    }

    /// Whether northings are negated (southern hemisphere).
    pub fn is_south(&self) -> bool {
        self.south
    }

    /// The frame for people: « Lambert-93 (EPSG:2154) », or the local
    /// conic's parameters.
    pub fn label(&self) -> String {
        if self.is_lambert93() {
            return "Lambert-93 (EPSG:2154)".to_string();
        }
        let s = if self.south { -1.0 } else { 1.0 };
        format!(
            "Lambert conique conforme local (parallèles {} et {}, méridien {}, WGS84)",
            deg(s * self.params.lat1),
            deg(s * self.params.lat2),
            deg(self.params.lon0)
        )
    }

    /// The OGC WKT (version 1) of the frame, for the GeoPackage and anyone
    /// reading its layers. In the south the northing axis of the mirrored
    /// conic is negated, which WKT 1 cannot say: the definition given is the
    /// southern conic with the same parallels, which PROJ handles, and the
    /// tests check that it gives the same coordinates.
    pub fn wkt(&self) -> String {
        let p = self.params;
        let s = if self.south { -1.0 } else { 1.0 };
        format!(
            "PROJCS[\"maillage local LCC\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",\
             SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],\
             UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Lambert_Conformal_Conic_2SP\"],\
             PARAMETER[\"standard_parallel_1\",{}],PARAMETER[\"standard_parallel_2\",{}],\
             PARAMETER[\"latitude_of_origin\",{}],PARAMETER[\"central_meridian\",{}],\
             PARAMETER[\"false_easting\",0],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1]]",
            s * p.lat1,
            s * p.lat2,
            s * p.lat0,
            p.lon0
        )
    }
}

fn deg(x: f64) -> String {
    format!("{}°", crate::base::french::km(x))
}

/// Where coordinates may lie: in metropolitan France (the embedded data's
/// and most users' case: the messages then name swapped axes and
/// Lambert-93 metres), within [`AROUND_DEG`] degrees of the communes'
/// median position for a territory elsewhere, or anywhere on Earth (the
/// points of `maillage temps`, which needs no territory).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    France,
    Around(LonLat),
    World,
}

/// Half-width of the window around a territory outside France, in degrees
/// of latitude (and the same ground distance in longitude).
pub const AROUND_DEG: f64 = 8.0;

impl Window {
    /// Whether a position lies in the window.
    pub fn contains(&self, p: LonLat) -> bool {
        match self {
            Window::France => {
                (FRANCE_LON.0..=FRANCE_LON.1).contains(&p.lon)
                    && (FRANCE_LAT.0..=FRANCE_LAT.1).contains(&p.lat)
            }
            Window::Around(m) => {
                let dlon = (p.lon - m.lon + 540.0).rem_euclid(360.0) - 180.0;
                p.lat.abs() <= 90.0
                    && (p.lat - m.lat).abs() <= AROUND_DEG
                    && dlon.abs() * m.lat.to_radians().cos().max(0.1) <= AROUND_DEG
            }
            Window::World => p.lon.abs() <= 180.0 && p.lat.abs() <= 90.0,
        }
    }

    /// The window of a layer given the first vertex (or point) of each of
    /// its features, in file order: France when their median lies in
    /// metropolitan France, otherwise around that median. One stray
    /// feature cannot move it.
    pub fn of_first_vertices(firsts: impl Iterator<Item = Option<geo::Coord<f64>>>) -> Window {
        let (mut lons, mut lats): (Vec<f64>, Vec<f64>) = firsts
            .flatten()
            .filter(|c| c.x.is_finite() && c.y.is_finite())
            .map(|c| (c.x, c.y))
            .unzip();
        if lons.is_empty() {
            return Window::France;
        }
        lons.sort_by(f64::total_cmp);
        lats.sort_by(f64::total_cmp);
        let m = LonLat::new(lons[lons.len() / 2], lats[lats.len() / 2]);
        if Window::France.contains(m) || m.lon.abs() > 180.0 || m.lat.abs() > 90.0 {
            Window::France
        } else {
            Window::Around(m)
        }
    }

    /// `p` when it lies in the window, else why not, in French, with the
    /// likely cause (metres instead of degrees, swapped axes, too far):
    /// `(lon, lat) : raison`. The reader adds the file, place and field.
    pub fn check(&self, p: LonLat) -> Result<LonLat, String> {
        if self.contains(p) {
            return Ok(p);
        }
        let hint = match self {
            Window::France => {
                if (0.0..1_300_000.0).contains(&p.lon)
                    && (6_000_000.0..7_200_000.0).contains(&p.lat)
                {
                    "on dirait des mètres Lambert-93, attendu une longitude/latitude WGS84 en degrés"
                        .to_string()
                } else if self.contains(LonLat::new(p.lat, p.lon)) {
                    "longitude et latitude semblent inversées".to_string()
                } else {
                    format!(
                        "hors de France (attendu une longitude de {} à {} et une latitude de {} à {})",
                        crate::base::french::km(FRANCE_LON.0),
                        crate::base::french::km(FRANCE_LON.1),
                        crate::base::french::km(FRANCE_LAT.0),
                        crate::base::french::km(FRANCE_LAT.1)
                    )
                }
            }
            Window::Around(m) => {
                if p.lon.abs() > 1000.0 || p.lat.abs() > 1000.0 {
                    "ce sont sans doute des mètres, attendu une longitude/latitude WGS84 en degrés"
                        .to_string()
                } else if self.contains(LonLat::new(p.lat, p.lon)) {
                    "longitude et latitude semblent inversées".to_string()
                } else {
                    format!(
                        "hors du territoire : à plus de {} degrés du point médian des communes ({}, {})",
                        AROUND_DEG, m.lon, m.lat
                    )
                }
            }
            Window::World => {
                return Err(format!(
                    "({}, {}) n'est pas une position WGS84 en degrés (longitude de -180 à 180, \
                     latitude de -90 à 90){}",
                    p.lon,
                    p.lat,
                    if p.lon.abs() > 1000.0 || p.lat.abs() > 1000.0 {
                        " : ce sont sans doute des mètres (Lambert-93 ?), il faut des degrés WGS84"
                    } else {
                        ""
                    }
                ))
            }
        };
        Err(format!("({}, {}) : {hint}", p.lon, p.lat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::distance;

    #[test]
    fn france_stays_in_lambert_93() {
        let f = Frame::for_points([LonLat::new(2.3, 49.9), LonLat::new(3.1, 50.6)]).unwrap();
        assert!(f.is_lambert93());
        assert_eq!(f.epsg(), Some(2154));
        let p = LonLat::new(2.3, 49.9);
        assert_eq!(f.project(p), LAMBERT_93.project(p));
    }

    #[test]
    fn a_local_frame_is_conformal_and_true_to_scale_in_both_hemispheres() {
        for (lon, lat) in [(-51.2, -30.05), (55.5, -21.1), (-52.3, 4.9), (-73.9, 40.7)] {
            let pts = [
                LonLat::new(lon - 0.2, lat - 0.2),
                LonLat::new(lon + 0.2, lat + 0.2),
            ];
            let f = Frame::for_points(pts).unwrap();
            assert!(!f.is_lambert93());
            assert_eq!(f.is_south(), lat < 0.0);
            for dx in [-0.15, 0.0, 0.1] {
                for dy in [-0.1, 0.05, 0.15] {
                    let a = LonLat::new(lon + dx, lat + dy);
                    let back = f.unproject(f.project(a));
                    assert!((back.lon - a.lon).abs() < 1e-9 && (back.lat - a.lat).abs() < 1e-9);
                    // Short steps east and north: same scale both ways
                    // (conformal), and the scale factor the frame gives.
                    let (e, n) = (
                        LonLat::new(a.lon + 1e-4, a.lat),
                        LonLat::new(a.lon, a.lat + 1e-4),
                    );
                    let (pa, pe, pn) = (f.project(a), f.project(e), f.project(n));
                    let ke = ((pe.x - pa.x).hypot(pe.y - pa.y)) / distance(a, e).0;
                    let kn = ((pn.x - pa.x).hypot(pn.y - pa.y)) / distance(a, n).0;
                    assert!((ke - kn).abs() < 1e-5, "{ke} {kn}");
                    assert!((ke - f.scale_factor(a.lat)).abs() < 1e-5);
                    assert!((ke - 1.0).abs() < 1e-3, "scale {ke} at {a:?}");
                    // North is up: a step north moves up, east moves right.
                    assert!(pn.y > pa.y && pe.x > pa.x);
                    // The scale factor depends on the distance to the apex.
                    let ap = f.apex();
                    let rho = (pa.x - ap.x).hypot(pa.y - ap.y);
                    assert!((f.scale_factor_at_rho(rho) - ke).abs() < 1e-5);
                }
            }
        }
    }

    /// The WKT and GeoKeys describe the frame: PROJ (gdaltransform, WGS84
    /// ellipsoid) gives the same coordinates, north and south.
    #[test]
    fn proj_agrees_with_the_frame_it_is_told() {
        let south = Frame::for_points([
            LonLat::new(-51.3, -30.3),
            LonLat::new(-51.1, -29.8),
            LonLat::new(-50.9, -30.0),
        ])
        .unwrap();
        assert!(
            south.wkt().contains("\"standard_parallel_1\",-29.8"),
            "{}",
            south.wkt()
        );
        assert!(south.wkt().contains("\"latitude_of_origin\",-30.05"));
        assert!(south.wkt().contains("\"central_meridian\",-51.1"));
        // echo "-51.2 -30.1" | gdaltransform -s_srs EPSG:4326 -t_srs "+proj=lcc
        //   +lat_0=-30.05 +lon_0=-51.1 +lat_1=-29.8 +lat_2=-30.3 +datum=WGS84"
        for (ll, xy) in [
            ((-51.2, -30.1), (-9638.85074874003, -5546.84568389722)),
            ((-50.9, -29.7), (19355.199406561, 38780.5755390873)),
        ] {
            let p = south.project(LonLat::new(ll.0, ll.1));
            assert!(
                (p.x - xy.0).abs() < 0.001 && (p.y - xy.1).abs() < 0.001,
                "{p:?}"
            );
        }
        let north = Frame::for_points([
            LonLat::new(1.8, 9.8),
            LonLat::new(1.9, 10.3),
            LonLat::new(2.0, 10.0),
        ])
        .unwrap();
        let p = north.project(LonLat::new(2.0, 10.0));
        assert!((p.x - 10963.8366989455).abs() < 0.001 && (p.y + 5528.67530236003).abs() < 0.001);
    }

    #[test]
    fn the_equator_has_no_conic() {
        assert!(Frame::for_points([LonLat::new(-78.5, -0.2), LonLat::new(-78.4, 0.3)]).is_none());
    }
}
