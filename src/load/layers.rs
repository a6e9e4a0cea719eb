//! Layer builders: from raw features (whatever the file format) to domain
//! types. Each knows the field names its layer is found under in the files
//! users bring (our `geodata/`, IGN ADMIN EXPRESS, ANCT, i-Milo exports), and
//! reports the first unusable value with its file, feature or line, and field.

use std::collections::BTreeMap;
use std::path::Path;

use geo::MultiPolygon;
use serde_json::Value;

use crate::base::french;
use crate::base::LonLat;
use crate::error::{Error, Location};
use crate::load::features::{short, RawFeature, RawLayer};
use crate::model::{
    Classement, Commune, InseeCode, Qpv, ReferenceKind, Site, SiteKind, SiteStatus,
};
use crate::warnings::Warnings;

const CODE_INSEE: &[&str] = &[
    "code_insee",
    "insee_com",
    "codgeo",
    "code_commune",
    "insee",
    "code",
];
const NOM_COMMUNE: &[&str] = &[
    "nom",
    "nom_com",
    "nom_m",
    "nom_commune",
    "libelle",
    "lib_com",
    "name",
];
const DEPARTEMENT: &[&str] = &[
    "departement",
    "insee_dep",
    "dep",
    "code_dep",
    "code_departement",
];
const POPULATION: &[&str] = &["population", "population_municipale", "pmun", "pop"];

const JEUNES: &[&str] = &["jeunes", "jeunes_16_25", "pop_16_25", "nb_jeunes"];

/// A number as the file writes it (a float prints 2^64 - 1 as
/// 18446744073709552000), `x` when the field is not text.
fn raw_number(f: &RawFeature, aliases: &[&str], x: f64) -> String {
    match f.get(aliases) {
        Some((_, Value::String(s))) => s.trim().to_string(),
        Some((_, Value::Number(n))) => n.to_string(),
        _ => x.to_string(),
    }
}

/// The most inhabitants (or young people) a commune may have: ten million,
/// five times Paris. It keeps every sum of the analyses far from overflow.
pub const MAX_PEOPLE: f64 = 10_000_000.0;

fn parse_insee(
    path: &Path,
    f: &RawFeature,
    (field, raw): (&str, String),
) -> Result<InseeCode, Error> {
    InseeCode::parse(&raw).ok_or_else(|| {
        Error::field(
            path,
            f.location.clone(),
            field,
            format!("attendu un code INSEE de 5 caractères comme 02001 ou 59350, trouvé « {raw} »"),
        )
    })
}

pub fn located(f: &RawFeature, id: &str) -> Location {
    match &f.location {
        Location::Feature { index, .. } => Location::Feature {
            index: *index,
            id: Some(id.to_string()),
        },
        Location::Record { index, .. } => Location::Record {
            index: *index,
            id: Some(id.to_string()),
        },
        Location::Line(line) | Location::LineOf { line, .. } => Location::LineOf {
            line: *line,
            id: id.to_string(),
        },
    }
}

/// The feature's polygons, checked: every outer ring must enclose an area
/// and every vertex lie in or near France (swapped axes are named); a ring
/// that crosses itself is kept, with a warning, since point location near
/// the crossing is then ambiguous.
fn multipolygon(
    path: &Path,
    window: Window,
    geometry: Option<geo::Geometry<f64>>,
    location: &Location,
    warnings: &mut Warnings,
) -> Result<MultiPolygon<f64>, Error> {
    let m = multipolygon_of(path, geometry, location)?;
    check_polygons(path, window, location, &m, warnings)?;
    Ok(m)
}

/// The feature's geometry as a MultiPolygon, moved out of the feature (a
/// layer is read once, so its coordinates are never copied).
fn multipolygon_of(
    path: &Path,
    geometry: Option<geo::Geometry<f64>>,
    location: &Location,
) -> Result<MultiPolygon<f64>, Error> {
    match geometry {
        Some(geo::Geometry::Polygon(p)) => Ok(MultiPolygon(vec![p])),
        Some(geo::Geometry::MultiPolygon(m)) if !m.0.is_empty() => Ok(m),
        Some(geo::Geometry::MultiPolygon(_)) => Err(Error::field(
            path,
            location.clone(),
            "geometry",
            "MultiPolygon vide",
        )),
        Some(other) => Err(Error::field(
            path,
            location.clone(),
            "geometry",
            format!(
                "attendu un Polygon ou un MultiPolygon, trouvé un {}",
                geometry_name(&other)
            ),
        )),
        None => Err(Error::field(
            path,
            location.clone(),
            "geometry",
            "absent : attendu un Polygon ou un MultiPolygon",
        )),
    }
}

/// The warning given for a polygon ring that crosses itself.
pub const RING_CROSSES_ITSELF: &str = "un anneau du polygone se recoupe (polygone invalide) : \
     conservé tel quel, les points proches du croisement peuvent tomber dans le mauvais polygone ; \
     réparez-le, avec `ogr2ogr -makevalid` par exemple";

fn check_polygons(
    path: &Path,
    window: Window,
    location: &Location,
    m: &MultiPolygon<f64>,
    warnings: &mut Warnings,
) -> Result<(), Error> {
    use geo::CoordsIter;
    let field_error = |problem: String| Error::field(path, location.clone(), "geometry", problem);
    for c in m.coords_iter() {
        let p = LonLat::new(c.x, c.y);
        if !window.contains(p) {
            return check_position(window, path, location, "geometry", p).map(|_| ());
        }
    }
    for (k, p) in m.0.iter().enumerate() {
        let which = if m.0.len() > 1 {
            format!("polygone {k} : ")
        } else {
            String::new()
        };
        // The points once consecutive repeats are dropped (what `dedup` would
        // leave), counted without a copy.
        let distinct = distinct_len(&p.exterior().0);
        // Twice the ring's area (shoelace); exactly 0 when its points are aligned.
        let area2: f64 = p.exterior().lines().map(|l| l.determinant()).sum();
        if distinct < 4 || area2 == 0.0 {
            return Err(field_error(format!(
                "{which}anneau extérieur de {} points distincts, sans surface : attendu un anneau \
                 fermé d'au moins 3 points entourant la commune ou le quartier",
                distinct.saturating_sub(1)
            )));
        }
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            if let Some(at) = ring_crossing(ring) {
                warnings.add(
                    path,
                    RING_CROSSES_ITSELF,
                    format!("{location} vers ({:.6}, {:.6})", at.x, at.y),
                );
                return Ok(());
            }
        }
    }
    Ok(())
}

/// How many points `v` keeps once consecutive repeats are dropped, as
/// `Vec::dedup` would leave them.
fn distinct_len(v: &[geo::Coord<f64>]) -> usize {
    if v.is_empty() {
        0
    } else {
        1 + v.windows(2).filter(|w| w[0] != w[1]).count()
    }
}

/// The ring's edges once consecutive repeated points are dropped, or `None`
/// when fewer than 4 points remain (no crossing is looked for).
#[cfg(test)]
fn ring_edges(ring: &geo::LineString<f64>) -> Option<Vec<geo::Line<f64>>> {
    let mut edges = Vec::new();
    ring_edges_into(ring, &mut edges).then_some(edges)
}

/// [`ring_edges`] into `edges` (emptied first): whether there are any.
fn ring_edges_into(ring: &geo::LineString<f64>, edges: &mut Vec<geo::Line<f64>>) -> bool {
    edges.clear();
    if distinct_len(&ring.0) < 4 {
        return false;
    }
    let mut last = ring.0[0];
    for &c in &ring.0[1..] {
        if c != last {
            edges.push(geo::Line::new(last, c));
            last = c;
        }
    }
    true
}

/// An edge's bounding box and its index in the ring.
type EdgeBox = ([f64; 2], [f64; 2], usize);

thread_local! {
    /// The edges and boxes of the ring being checked, kept from one ring to
    /// the next on each thread: a national layer has a million edges, and
    /// each ring would otherwise allocate its own.
    static RING_SCRATCH: std::cell::RefCell<(Vec<geo::Line<f64>>, Vec<EdgeBox>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Whether edges `i < j` of a ring of `n` edges meet other than at the
/// vertex two consecutive edges share: the test [`ring_crossing`] applies
/// to every pair whose bounding boxes touch, with the point it reports.
fn edges_cross(edges: &[geo::Line<f64>], i: usize, j: usize) -> Option<geo::Coord<f64>> {
    use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
    use geo::line_intersection::{line_intersection, LineIntersection};
    let n = edges.len();
    let adjacent = j == i + 1 || (i == 0 && j == n - 1);
    // For consecutive edges only an overlap along one line counts, and
    // `line_intersection` reports one only when all four ends are aligned;
    // the end of the second edge off the first's line (its first test,
    // made here the same way) rules it out.
    if adjacent
        && RobustKernel::orient2d(edges[i].start, edges[i].end, edges[j].end)
            != Orientation::Collinear
    {
        return None;
    }
    match line_intersection(edges[i], edges[j]) {
        None => None,
        // Consecutive edges share their common vertex.
        Some(LineIntersection::SinglePoint { .. }) if adjacent => None,
        Some(LineIntersection::Collinear { intersection })
            if adjacent && intersection.start == intersection.end =>
        {
            None
        }
        Some(LineIntersection::SinglePoint { intersection, .. }) => Some(intersection),
        Some(LineIntersection::Collinear { intersection }) => Some(intersection.start),
    }
}

/// The bounding box of an edge, `([min x, min y], [max x, max y])`.
fn edge_box(e: &geo::Line<f64>) -> ([f64; 2], [f64; 2]) {
    (
        [e.start.x.min(e.end.x), e.start.y.min(e.end.y)],
        [e.start.x.max(e.end.x), e.start.y.max(e.end.y)],
    )
}

/// Whether any two edges of a ring cross, by the test of [`edges_cross`]
/// applied to exactly the pairs whose (closed) bounding boxes meet, as
/// [`ring_crossing_rtree`] pairs them: a sweep over the edges sorted by
/// their least x, each compared with the following edges that start before
/// it ends. No tree is built; most rings of a national layer cross nowhere,
/// and only those that do go through the R-tree, for the same point.
fn ring_crosses(edges: &[geo::Line<f64>], boxes: &mut Vec<EdgeBox>) -> bool {
    boxes.clear();
    boxes.extend(edges.iter().enumerate().map(|(i, e)| {
        let (lo, hi) = edge_box(e);
        (lo, hi, i)
    }));
    boxes.sort_unstable_by(|a, b| a.0[0].total_cmp(&b.0[0]).then(a.2.cmp(&b.2)));
    for (k, (alo, ahi, i)) in boxes.iter().enumerate() {
        for (blo, bhi, j) in &boxes[k + 1..] {
            if blo[0] > ahi[0] {
                break;
            }
            // x ranges meet (sorted by least x); y ranges must too.
            if blo[1] <= ahi[1] && alo[1] <= bhi[1] {
                let (i, j) = if i < j { (*i, *j) } else { (*j, *i) };
                if edges_cross(edges, i, j).is_some() {
                    return true;
                }
            }
        }
    }
    false
}

/// A point where two non-adjacent edges of a closed ring meet, if any (an
/// edge folding back onto the previous one counts too). Rings with finite
/// coordinates are first checked by the sweep of [`ring_crosses`]; the
/// point itself, for the few that cross, is the one the R-tree pairing of
/// [`ring_crossing_rtree`] finds first.
fn ring_crossing(ring: &geo::LineString<f64>) -> Option<geo::Coord<f64>> {
    RING_SCRATCH.with(|scratch| {
        let (edges, boxes) = &mut *scratch.borrow_mut();
        if !ring_edges_into(ring, edges) {
            return None;
        }
        let finite = ring.0.iter().all(|c| c.x.is_finite() && c.y.is_finite());
        if finite && !ring_crosses(edges, boxes) {
            return None;
        }
        ring_crossing_rtree(edges)
    })
}

/// The first crossing of [`ring_crossing`]: edges are paired through an
/// R-tree of their bounding boxes, so the cost stays near n log n for the
/// detailed outlines of IGN files.
fn ring_crossing_rtree(edges: &[geo::Line<f64>]) -> Option<geo::Coord<f64>> {
    use rstar::primitives::{GeomWithData, Rectangle};
    use rstar::{RTree, AABB};
    let bbox = edge_box;
    let tree = RTree::bulk_load(
        edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let (lo, hi) = bbox(e);
                GeomWithData::new(Rectangle::from_corners(lo, hi), i)
            })
            .collect(),
    );
    for (i, e) in edges.iter().enumerate() {
        let (lo, hi) = bbox(e);
        for other in tree.locate_in_envelope_intersecting(AABB::from_corners(lo, hi)) {
            let j = other.data;
            if j <= i {
                continue;
            }
            if let Some(at) = edges_cross(edges, i, j) {
                return Some(at);
            }
        }
    }
    None
}

fn geometry_name(g: &geo::Geometry<f64>) -> &'static str {
    match g {
        geo::Geometry::Point(_) => "Point",
        geo::Geometry::Line(_) | geo::Geometry::LineString(_) => "LineString",
        geo::Geometry::Polygon(_) => "Polygon",
        geo::Geometry::MultiPoint(_) => "MultiPoint",
        geo::Geometry::MultiLineString(_) => "MultiLineString",
        geo::Geometry::MultiPolygon(_) => "MultiPolygon",
        geo::Geometry::GeometryCollection(_) => "GeometryCollection",
        geo::Geometry::Rect(_) => "Rect",
        geo::Geometry::Triangle(_) => "Triangle",
    }
}

pub use crate::base::frame::{Window, AROUND_DEG};

/// A feature's first vertex (or point), which [`Window::of_first_vertices`] takes.
pub fn first_vertex(f: &RawFeature) -> Option<geo::Coord<f64>> {
    use geo::CoordsIter;
    f.geometry.as_ref()?.coords_iter().next()
}

/// The window of a communes layer ([`Window::of_first_vertices`] of its
/// features).
pub fn window_of_layer(layer: &RawLayer) -> Window {
    Window::of_first_vertices(layer.features.iter().map(first_vertex))
}

/// `p` when it lies in `window`, else an error naming the file, the place,
/// the field and the likely cause ([`Window::check`]).
pub fn check_position(
    window: Window,
    path: &Path,
    location: &Location,
    field: &str,
    p: LonLat,
) -> Result<LonLat, Error> {
    window
        .check(p)
        .map_err(|why| Error::field(path, location.clone(), field, why))
}

/// Checks that a lon/lat pair lies in metropolitan France and, if not,
/// names the likely cause.
pub fn check_lonlat(
    path: &Path,
    location: &Location,
    field: &str,
    p: LonLat,
) -> Result<LonLat, Error> {
    check_position(Window::France, path, location, field, p)
}

fn mairie_point(
    path: &Path,
    window: Window,
    f: &RawFeature,
    location: &Location,
) -> Result<Option<LonLat>, Error> {
    if let Some((name, v)) = f.get(&["mairie", "chef_lieu", "chflieu"]) {
        let coords = v.as_array().and_then(|a| match a.as_slice() {
            [x, y] => Some((x.as_f64()?, y.as_f64()?)),
            _ => None,
        });
        return match coords {
            Some((lon, lat)) => {
                check_position(window, path, location, name, LonLat::new(lon, lat)).map(Some)
            }
            None => Err(Error::field(
                path,
                location.clone(),
                name,
                format!("attendu [longitude, latitude] ou null, trouvé {}", short(v)),
            )),
        };
    }
    let lon = f.number(path, &["mairie_lon", "lon_mairie"])?;
    let lat = f.number(path, &["mairie_lat", "lat_mairie"])?;
    match (lon, lat) {
        (Some((n, lon)), Some((_, lat))) => {
            check_position(window, path, location, &n, LonLat::new(lon, lat)).map(Some)
        }
        _ => Ok(None),
    }
}

/// How far outside its (simplified) commune polygon a town-hall point may lie
/// and still be trusted.
pub const MAIRIE_TOLERANCE_M: f64 = 1_000.0;

/// Whether a point lies inside a polygon or within [`MAIRIE_TOLERANCE_M`]
/// of it, measured in Lambert-93 metres.
fn near_polygon(geometry: &MultiPolygon<f64>, p: LonLat) -> bool {
    use geo::{Distance, Euclidean, Intersects, MapCoords};
    let pt = geo::Point::new(p.lon, p.lat);
    if geometry.intersects(&pt) {
        return true;
    }
    let project = |c: geo::Coord<f64>| {
        let q = crate::base::lambert::LAMBERT_93.project(LonLat::new(c.x, c.y));
        geo::Coord { x: q.x, y: q.y }
    };
    let poly = geometry.map_coords(project);
    let q = project(pt.0);
    Euclidean.distance(&geo::Point(q), &poly) <= MAIRIE_TOLERANCE_M
}

/// The measuring point a commune file gives itself (`point_de_mesure` with
/// `lon_mesure`, `lat_mesure`), when it gives one that holds: a town hall
/// inside the commune or within [`MAIRIE_TOLERANCE_M`] of it, or an interior
/// point inside the polygon. `geodata/communes.geojson` gives one for every
/// commune, decided when it was built with the rule of [`measuring_point`].
/// A given point that does not hold is set aside with a warning, and the
/// rule applies as for a file that gives none.
fn given_reference(
    path: &Path,
    window: Window,
    f: &RawFeature,
    location: &Location,
    geometry: &MultiPolygon<f64>,
    warnings: &mut Warnings,
) -> Result<Option<(ReferenceKind, LonLat)>, Error> {
    use geo::Intersects;
    let Some((field, raw)) = f.text(&["point_de_mesure"]) else {
        return Ok(None);
    };
    let kind = ReferenceKind::parse_given(&raw).ok_or_else(|| {
        Error::field(
            path,
            location.clone(),
            field,
            format!(
                "attendu mairie, interieur_sans_mairie ou interieur_mairie_ecartee, trouvé « {raw} »"
            ),
        )
    })?;
    let lon = f
        .number(path, &["lon_mesure"])
        .map_err(|e| relocate(e, location))?;
    let lat = f
        .number(path, &["lat_mesure"])
        .map_err(|e| relocate(e, location))?;
    let (Some((name, lon)), Some((_, lat))) = (lon, lat) else {
        return Err(Error::field(
            path,
            location.clone(),
            field,
            format!(
                "« {raw} » donné sans son point : attendu lon_mesure et lat_mesure en degrés WGS84"
            ),
        ));
    };
    let p = check_position(window, path, location, &name, LonLat::new(lon, lat))?;
    let holds = match kind {
        ReferenceKind::Mairie => near_polygon(geometry, p),
        _ => geometry.intersects(&geo::Point::new(p.lon, p.lat)),
    };
    if holds {
        return Ok(Some((kind, p)));
    }
    warnings.add(
        path,
        "point de mesure donné par le fichier (point_de_mesure) hors de la commune : ignoré, point choisi par la règle de maillage",
        format!("{location} ({:.5}, {:.5})", p.lon, p.lat),
    );
    Ok(None)
}

/// The point inside a commune that distances are measured from when its town
/// hall is missing or set aside: [`crate::geom::interior_point`], computed in
/// Lambert-93 whatever the file's coordinates. `scripts/rebuild-geodata`
/// computes the same point for `geodata/communes.geojson`.
pub fn interior_point(geometry: &MultiPolygon<f64>) -> Option<LonLat> {
    crate::geom::interior_point(geometry)
}

/// maillage's rule for a commune's measuring point: its town hall when it
/// lies inside the commune or within [`MAIRIE_TOLERANCE_M`] of it, otherwise
/// a point inside the polygon, with a warning saying which.
fn measuring_point(
    path: &Path,
    window: Window,
    f: &RawFeature,
    location: &Location,
    geometry: &MultiPolygon<f64>,
    warnings: &mut Warnings,
) -> Result<(Option<LonLat>, LonLat, ReferenceKind), Error> {
    let mut rejected = false;
    let mairie = match mairie_point(path, window, f, location) {
        Ok(Some(p)) if !near_polygon(geometry, p) => {
            rejected = true;
            // Real directories hold a few misplaced town halls (swapped or
            // repeated coordinates): trust the polygon instead.
            warnings.add(
                    path,
                    "point de la mairie à plus de 1 km hors de la commune : ignoré, distances mesurées depuis un point intérieur à la commune",
                    format!("{location} ({:.5}, {:.5})", p.lon, p.lat),
                );
            None
        }
        Ok(m) => m,
        Err(Error::Field { problem, .. }) if f.get(&["mairie"]).is_some() => {
            rejected = true;
            warnings.add(
                    path,
                    "point de la mairie inutilisable : ignoré, distances mesurées depuis un point intérieur à la commune",
                    format!("{location} : {problem}"),
                );
            None
        }
        Err(e) => return Err(e),
    };
    let reference_kind = match (mairie, rejected) {
        (Some(_), _) => ReferenceKind::Mairie,
        (None, true) => ReferenceKind::InteriorMairieRejected,
        (None, false) => ReferenceKind::InteriorNoMairie,
    };
    let reference = match mairie {
        Some(p) => p,
        None => {
            if !rejected {
                warnings.add(
                    path,
                    "pas de point de la mairie : distances mesurées depuis un point intérieur à la commune",
                    location.to_string(),
                );
            }
            interior_point(geometry).ok_or_else(|| {
                Error::field(
                    path,
                    location.clone(),
                    "geometry",
                    "polygone dégénéré : aucun point intérieur",
                )
            })?
        }
    };
    Ok((mairie, reference, reference_kind))
}

/// Builds communes, sorted by INSEE code. Duplicated codes are an error.
/// The features are converted in parallel, each moved into its commune
/// (its geometry is not copied, its attributes are dropped at once); the
/// first error and the warnings come in file order, as read one by one.
pub fn communes(
    layer: RawLayer,
    window: Window,
    warnings: &mut Warnings,
) -> Result<Vec<Commune>, Error> {
    let path = layer.path.as_path();
    let out = in_file_order(layer.features, warnings, |f, w| commune(path, window, f, w))?;
    sorted_unique(path, out, |c| c.code.to_string(), "code INSEE")
}

/// One commune converted on its own, with its warnings: what [`communes`]
/// does for each feature, for a reader that converts features as it reads
/// them. [`communes_in_order`] then gives [`communes`]'s result.
pub fn commune_alone(path: &Path, window: Window, f: RawFeature) -> Converted<Commune> {
    let mut w = Warnings::new();
    let r = commune(path, window, f, &mut w);
    (r, w)
}

/// A feature's conversion and the warnings it gave.
pub type Converted<T> = (Result<(T, Location), Error>, Warnings);

/// [`communes`]'s result from every feature's [`commune_alone`], in file
/// order: warnings up to the first error, then sorted and checked.
pub fn communes_in_order(
    path: &Path,
    converted: impl IntoIterator<Item = Converted<Commune>>,
    warnings: &mut Warnings,
) -> Result<Vec<Commune>, Error> {
    let out = replay(converted, warnings)?;
    sorted_unique(path, out, |c| c.code.to_string(), "code INSEE")
}

/// Adds each conversion's warnings in order, up to and including the first
/// that failed, whose error is returned.
fn replay<T>(
    converted: impl IntoIterator<Item = (Result<T, Error>, Warnings)>,
    warnings: &mut Warnings,
) -> Result<Vec<T>, Error> {
    let converted = converted.into_iter();
    let mut out = Vec::with_capacity(converted.size_hint().0);
    for (r, w) in converted {
        if !w.is_empty() {
            warnings.extend(w);
        }
        out.push(r?);
    }
    Ok(out)
}

/// Converts `features` in parallel with `convert`, which records its
/// warnings in a collector of its own; those are added to `warnings` in
/// file order, up to and including the first feature that fails, whose
/// error is returned: the same warnings, counts and examples as a loop over
/// the features that stops at the first error.
fn in_file_order<T: Send>(
    features: Vec<RawFeature>,
    warnings: &mut Warnings,
    convert: impl Fn(RawFeature, &mut Warnings) -> Result<T, Error> + Sync,
) -> Result<Vec<T>, Error> {
    use rayon::prelude::*;
    let converted: Vec<(Result<T, Error>, Warnings)> = features
        .into_par_iter()
        .map(|f| {
            let mut w = Warnings::new();
            let r = convert(f, &mut w);
            (r, w)
        })
        .collect();
    replay(converted, warnings)
}

/// One commune from its feature, located by its INSEE code.
fn commune(
    path: &Path,
    window: Window,
    mut f: RawFeature,
    warnings: &mut Warnings,
) -> Result<(Commune, Location), Error> {
    // Moved out now, checked where a commune's geometry always was.
    let geometry = f.geometry.take();
    let f = &f;
    let code = parse_insee(path, f, f.require_text(path, CODE_INSEE)?)?;
    let location = located(f, &format!("INSEE {code}"));
    let nom = f.text(NOM_COMMUNE).map(|(_, s)| s).ok_or_else(|| {
        Error::field(
            path,
            location.clone(),
            "nom",
            "manquant : attendu le nom de la commune",
        )
    })?;
    let departement = f
        .text(DEPARTEMENT)
        .map_or_else(|| code.departement().to_string(), |(_, s)| s);
    let population = match f
        .number(path, POPULATION)
        .map_err(|e| relocate(e, &location))?
    {
        Some((name, x)) if x < 0.0 || x.fract() != 0.0 || x > MAX_PEOPLE => {
            return Err(Error::field(
                path,
                location,
                name,
                format!(
                    "attendu un nombre entier d'habitants de 0 à {}, trouvé {}",
                    french::int(MAX_PEOPLE as u64),
                    raw_number(f, POPULATION, x)
                ),
            ))
        }
        Some((_, x)) => x as u64,
        None if f.has(POPULATION) => {
            // A column exists but this commune has no value (a commune
            // nouvelle not yet in the census): keep it, say so.
            warnings.add(
                path,
                "population vide : comptée pour 0 habitant",
                location.to_string(),
            );
            0
        }
        None => {
            return Err(relocate(
                f.missing(
                    path,
                    POPULATION,
                    "le nombre d'habitants (population municipale)",
                ),
                &location,
            ))
        }
    };
    let geometry = multipolygon(path, window, geometry, &location, warnings)?;
    let (mairie, reference, reference_kind) =
        match given_reference(path, window, f, &location, &geometry, warnings)? {
            Some((kind, p)) => ((kind == ReferenceKind::Mairie).then_some(p), p, kind),
            None => measuring_point(path, window, f, &location, &geometry, warnings)?,
        };
    Ok((
        Commune {
            code,
            nom,
            departement,
            population,
            epci_siren: f
                .text(&["epci_siren", "siren_epci", "epci"])
                .map(|(_, s)| s),
            epci_nom: f
                .text(&["epci_nom", "nom_epci", "lib_epci"])
                .map(|(_, s)| s),
            mairie,
            reference,
            reference_kind,
            geometry,
        },
        location,
    ))
}

fn relocate(e: Error, location: &Location) -> Error {
    match e {
        Error::Field {
            path,
            field,
            problem,
            ..
        } => Error::Field {
            path,
            location: location.clone(),
            field,
            problem,
        },
        other => other,
    }
}

/// Builds QPV, sorted by code. Duplicated codes are an error. Converted as
/// [`communes`] are: in parallel, first error and warnings in file order.
pub fn qpv(layer: RawLayer, window: Window, warnings: &mut Warnings) -> Result<Vec<Qpv>, Error> {
    let path = layer.path.as_path();
    let out = in_file_order(layer.features, warnings, |f, w| qpv_of(path, window, f, w))?;
    sorted_unique(path, out, |q| q.code.clone(), "code QPV")
}

/// One QPV from its feature, located by its code.
fn qpv_of(
    path: &Path,
    window: Window,
    mut f: RawFeature,
    warnings: &mut Warnings,
) -> Result<(Qpv, Location), Error> {
    let geometry = f.geometry.take();
    let f = &f;
    let (_, code) = f.require_text(path, &["code_qp", "code_quartier", "cod_qp", "qp"])?;
    let location = located(f, &code);
    let nom = f
        .text(&["nom_qp", "lib_qp", "nom_quartier", "nom"])
        .map(|(_, s)| s)
        .ok_or_else(|| {
            Error::field(
                path,
                location.clone(),
                "nom_qp",
                "manquant : attendu le nom du QPV",
            )
        })?;
    let mut communes = Vec::new();
    if let Some((name, v)) = f.get(&[
        "communes_insee",
        "insee_com",
        "communes_insee_list",
        "code_insee",
    ]) {
        let raw: Vec<String> = match v {
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                .collect(),
            Value::String(s) => s
                .split([',', ';', '|'])
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
            other => vec![other.to_string()],
        };
        for r in raw {
            communes.push(InseeCode::parse(&r).ok_or_else(|| {
                Error::field(
                    path,
                    location.clone(),
                    name,
                    format!("attendu des codes INSEE, trouvé « {r} »"),
                )
            })?);
        }
    }
    let departement = f.text(&["departement", "insee_dep", "dep"]).map_or_else(
        || {
            // ANCT codes read QN + 3-digit département + number: QN05909M.
            code.get(3..5).unwrap_or_default().to_string()
        },
        |(_, s)| s,
    );
    let geometry = multipolygon(path, window, geometry, &location, warnings)?;
    Ok((
        Qpv {
            code,
            nom,
            communes,
            departement,
            geometry,
        },
        location,
    ))
}

/// Builds sites, sorted by id. A site with neither coordinates nor a known
/// commune code is an error; a site whose commune is given without
/// coordinates takes the commune's town-hall point (`communes` is sorted).
pub fn sites(layer: &RawLayer, window: Window, communes: &[Commune]) -> Result<Vec<Site>, Error> {
    let path = layer.path.as_path();
    let mut out: Vec<(Site, Location)> = Vec::with_capacity(layer.features.len());
    for f in &layer.features {
        let (_, id) = f.require_text(path, &["site_id", "id_site", "identifiant", "id"])?;
        let location = located(f, &id);
        let (_, code_ml) = f
            .require_text(path, &["code_ml", "ml", "code_mission_locale"])
            .map_err(|e| relocate(e, &location))?;
        let (tf, traw) = f
            .require_text(path, &["type", "type_site", "site_kind", "nature"])
            .map_err(|e| relocate(e, &location))?;
        let kind = SiteKind::parse(&traw).ok_or_else(|| {
            Error::field(
                path,
                location.clone(),
                tf,
                format!("attendu siege, antenne ou permanence, trouvé « {traw} »"),
            )
        })?;
        let status = match f.text(&["statut", "status"]) {
            None => SiteStatus::Reel,
            Some((sf, s)) => SiteStatus::parse(&s).ok_or_else(|| {
                Error::field(
                    path,
                    location.clone(),
                    sf,
                    format!("attendu reel ou substitut, trouvé « {s} »"),
                )
            })?,
        };
        let commune = match f.text(&["code_insee", "insee_com", "codgeo", "commune_insee"]) {
            Some(pair) => Some(parse_insee(path, f, pair).map_err(|e| relocate(e, &location))?),
            None => None,
        };
        let point = match &f.geometry {
            Some(geo::Geometry::Point(p)) => Some(check_position(
                window,
                path,
                &location,
                "geometry",
                LonLat::new(p.x(), p.y()),
            )?),
            Some(other) => {
                return Err(Error::field(
                    path,
                    location,
                    "geometry",
                    format!("attendu un Point, trouvé un {}", geometry_name(other)),
                ))
            }
            None => {
                let lon = f
                    .number(path, &["lon", "longitude", "lng", "x"])
                    .map_err(|e| relocate(e, &location))?;
                let lat = f
                    .number(path, &["lat", "latitude", "y"])
                    .map_err(|e| relocate(e, &location))?;
                match (lon, lat) {
                    (Some((n, lon)), Some((_, lat))) => Some(check_position(
                        window,
                        path,
                        &location,
                        &format!("{n}/lat"),
                        LonLat::new(lon, lat),
                    )?),
                    (Some((n, _)), None) | (None, Some((n, _))) => {
                        return Err(Error::field(
                            path,
                            location,
                            n,
                            "une seule des deux, longitude ou latitude, est donnée",
                        ))
                    }
                    (None, None) => None,
                }
            }
        };
        let position = match (point, &commune) {
            (Some(p), _) => p,
            (None, Some(code)) => match communes.binary_search_by(|c| c.code.cmp(code)) {
                Ok(i) => communes[i].reference,
                Err(_) => {
                    return Err(Error::field(
                        path,
                        location,
                        "code_insee",
                        format!("pas de coordonnées, et la commune {code} n'est pas dans la couche des communes : aucun point de mairie ne peut les remplacer"),
                    ))
                }
            },
            (None, None) => {
                return Err(Error::record(path, location, "pas de position : donnez lon et lat, ou code_insee pour prendre le point de la mairie"))
            }
        };
        out.push((
            Site {
                id,
                code_ml,
                nom: f
                    .text(&["nom", "nom_site", "name", "libelle"])
                    .map(|(_, s)| s)
                    .unwrap_or_default(),
                kind,
                commune,
                position,
                status,
                source: f.text(&["source"]).map(|(_, s)| s).unwrap_or_default(),
            },
            location,
        ));
    }
    sorted_unique(path, out, |s| s.id.clone(), "id de site")
}

/// Sorts records by `key` and rejects a key that appears twice, naming both
/// places; `what` names the key in the message ("code INSEE").
fn sorted_unique<T>(
    path: &Path,
    mut items: Vec<(T, Location)>,
    key: impl Fn(&T) -> String,
    what: &str,
) -> Result<Vec<T>, Error> {
    items.sort_by_cached_key(|(t, _)| key(t));
    for w in items.windows(2) {
        let k = key(&w[1].0);
        if key(&w[0].0) == k {
            return Err(Error::record(
                path,
                w[1].1.clone(),
                format!("{what} {k} en double (aussi : {})", w[0].1),
            ));
        }
    }
    Ok(items.into_iter().map(|(t, _)| t).collect())
}

/// A commune-keyed table (classement, ML zone, young people), with the line
/// of each entry for messages.
pub type CodeTable<T> = BTreeMap<InseeCode, (T, Location)>;

/// Reads `code_insee → value` rows, rejecting duplicates; `value` parses one row.
pub fn code_table<T>(
    layer: &RawLayer,
    mut value: impl FnMut(&RawFeature) -> Result<T, Error>,
) -> Result<CodeTable<T>, Error> {
    let path = layer.path.as_path();
    let mut out = BTreeMap::new();
    for f in &layer.features {
        let code = parse_insee(path, f, f.require_text(path, CODE_INSEE)?)?;
        let v = value(f)?;
        if let Some((_, prev)) = out.get(&code) {
            return Err(Error::record(
                path,
                f.location.clone(),
                format!("commune {code} en double (aussi : {prev})"),
            ));
        }
        out.insert(code, (v, f.location.clone()));
    }
    Ok(out)
}

/// `code_insee,classement` rows.
pub fn classement(layer: &RawLayer) -> Result<CodeTable<Classement>, Error> {
    let path = layer.path.clone();
    code_table(layer, |f| {
        let (name, raw) = f
            .get(&["classement", "codefrr", "frr", "zonage"])
            .map(|(n, v)| {
                (
                    n.to_string(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .ok_or_else(|| {
                f.missing(
                    &path,
                    &["classement", "codefrr", "frr", "zonage"],
                    "NON_CLASSEE, ZRR_MAINTENUE, FRR ou FRR_PLUS",
                )
            })?;
        Classement::parse(&raw).ok_or_else(|| {
            Error::field(
                &path,
                f.location.clone(),
                name,
                format!("attendu NON_CLASSEE, ZRR_MAINTENUE, FRR ou FRR_PLUS, trouvé « {raw} »"),
            )
        })
    })
}

/// `code_insee,code_ml,nom_ml` rows.
pub fn zones(layer: &RawLayer) -> Result<CodeTable<(String, String)>, Error> {
    let path = layer.path.clone();
    code_table(layer, |f| {
        let (_, code) = f.require_text(&path, &["code_ml", "code ml", "ml"])?;
        let nom = f
            .text(&["nom_ml", "nom officiel ml", "nom_officiel_ml"])
            .map_or_else(|| code.clone(), |(_, s)| s);
        Ok((code, nom))
    })
}

/// `code_insee,jeunes` rows: young people aged 16–25 per commune.
pub fn jeunes(layer: &RawLayer) -> Result<CodeTable<u64>, Error> {
    let path = layer.path.clone();
    code_table(layer, |f| match f.number(&path, JEUNES)? {
        Some((n, x)) if x < 0.0 || x.fract() != 0.0 || x > MAX_PEOPLE => Err(Error::field(
            &path,
            f.location.clone(),
            n,
            format!(
                "attendu un nombre entier de 0 à {}, trouvé {}",
                french::int(MAX_PEOPLE as u64),
                raw_number(f, JEUNES, x)
            ),
        )),
        Some((_, x)) => Ok(x as u64),
        None => Err(f.missing(&path, JEUNES, "le nombre de jeunes de 16 à 25 ans")),
    })
}

/// `code_ml,nom_arefie` (or `nom`) rows: every Mission Locale of the file,
/// with its display name when the row has one.
pub fn ml_names(layer: &RawLayer) -> Result<BTreeMap<String, Option<String>>, Error> {
    let path = layer.path.as_path();
    let mut out = BTreeMap::new();
    for f in &layer.features {
        let (_, code) = f.require_text(path, &["code_ml"])?;
        let nom = f
            .text(&["nom_arefie", "nom_usuel", "nom", "nom_unml"])
            .map(|(_, s)| s);
        out.insert(code, nom);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::geojson::parse_geojson;
    use crate::load::territory::{defaults, load_territory, DataPaths};
    use geo::{Coord, LineString};

    /// The embedded communes with the given measuring points removed, so
    /// that the loader decides them itself.
    fn embedded_without_given_points() -> RawLayer {
        let mut v: Value = serde_json::from_slice(defaults::COMMUNES.bytes).unwrap();
        for f in v["features"].as_array_mut().unwrap() {
            let p = f["properties"].as_object_mut().unwrap();
            for k in ["point_de_mesure", "lon_mesure", "lat_mesure"] {
                assert!(p.remove(k).is_some(), "{k} in every embedded commune");
            }
        }
        parse_geojson(
            Path::new("stripped.geojson"),
            &serde_json::to_vec(&v).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_embedded_data_load_without_a_warning() {
        let mut w = Warnings::new();
        let t = load_territory(&DataPaths::default(), &mut w).unwrap();
        assert!(w.is_empty(), "{:#?}", w.lines());
        assert_eq!(t.communes.len(), 3782);
        let given = t
            .communes
            .iter()
            .filter(|c| c.reference_kind != ReferenceKind::Mairie)
            .count();
        assert_eq!(given, 182);
    }

    #[test]
    fn the_embedded_measuring_points_are_those_of_the_loaders_rule() {
        // scripts/rebuild-geodata decides them once; this is the rule it
        // must reproduce.
        let layer = parse_geojson(
            Path::new("geodata/communes.geojson"),
            defaults::COMMUNES.bytes,
        )
        .unwrap();
        let given = communes(layer, Window::France, &mut Warnings::new()).unwrap();
        let mut w = Warnings::new();
        let ruled = communes(embedded_without_given_points(), Window::France, &mut w).unwrap();
        // The loader still warns about the source's town halls when it
        // decides: 175 beyond 1 km, 7 without a point (the two impossible
        // ones were removed at build time).
        assert_eq!(w.count_matching("à plus de 1 km hors"), 175);
        assert_eq!(w.count_matching("pas de point de la mairie"), 7);
        for (g, r) in given.iter().zip(&ruled) {
            assert_eq!(g.code, r.code);
            assert_eq!(
                g.reference_kind == ReferenceKind::Mairie,
                r.reference_kind == ReferenceKind::Mairie,
                "{}",
                g.code
            );
            let (dx, dy) = (
                g.reference.lon - r.reference.lon,
                g.reference.lat - r.reference.lat,
            );
            assert!(
                dx.abs() <= 1e-9 && dy.abs() <= 1e-9,
                "{}: given {:?}, rule {:?}",
                g.code,
                g.reference,
                r.reference
            );
        }
    }

    /// One square commune around (2.0, 49.0), 0.02° wide, with extra
    /// properties.
    fn square_commune(props: &str) -> RawLayer {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"code_insee":"60001","nom":"Carré","population":10{props}}},"geometry":{{"type":"Polygon","coordinates":[[[1.99,48.99],[2.01,48.99],[2.01,49.01],[1.99,49.01],[1.99,48.99]]]}}}}]}}"#
        );
        parse_geojson(Path::new("c.geojson"), text.as_bytes()).unwrap()
    }

    #[test]
    fn a_users_file_is_checked_and_a_given_point_only_if_it_holds() {
        let load = |props: &str| {
            let mut w = Warnings::new();
            let c = communes(square_commune(props), Window::France, &mut w)
                .unwrap()
                .remove(0);
            (c.reference_kind, c.reference, w)
        };
        // A town hall 5 km away: set aside, with a warning.
        let (kind, _, w) = load(r#","mairie":[2.1,49.0]"#);
        assert_eq!(kind, ReferenceKind::InteriorMairieRejected);
        assert_eq!(w.count_matching("à plus de 1 km hors"), 1);
        // A given interior point inside the commune: trusted, no warning.
        let (kind, p, w) = load(
            r#","mairie":[2.1,49.0],"point_de_mesure":"interieur_mairie_ecartee","lon_mesure":2.005,"lat_mesure":49.001"#,
        );
        assert_eq!(kind, ReferenceKind::GivenInteriorMairieRejected);
        assert_eq!(p, LonLat::new(2.005, 49.001));
        assert!(w.is_empty(), "{:?}", w.lines());
        // maillage's own label reads back.
        let (kind, _, _) = load(
            r#","point_de_mesure":"point intérieur (pas de mairie)","lon_mesure":2.0,"lat_mesure":49.0"#,
        );
        assert_eq!(kind, ReferenceKind::GivenInteriorNoMairie);
        let (_, expected, _) = load("");
        // A given interior point outside, or a given town hall 5 km away:
        // set aside with a warning, and the rule decides.
        for props in [
            r#","point_de_mesure":"interieur_sans_mairie","lon_mesure":2.05,"lat_mesure":49.0"#,
            r#","point_de_mesure":"mairie","lon_mesure":2.1,"lat_mesure":49.0"#,
        ] {
            let (kind, p, w) = load(props);
            assert_eq!(kind, ReferenceKind::InteriorNoMairie, "{props}");
            assert_eq!(p, expected, "{props}");
            assert_eq!(w.count_matching("point_de_mesure"), 1, "{props}");
        }
        // An unknown kind is an error naming the field.
        let e = communes(
            square_commune(r#","point_de_mesure":"centre","lon_mesure":2.0,"lat_mesure":49.0"#),
            Window::France,
            &mut Warnings::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("point_de_mesure") && e.contains("centre"), "{e}");
    }

    fn ring(points: &[(f64, f64)]) -> LineString<f64> {
        LineString(points.iter().map(|&(x, y)| Coord { x, y }).collect())
    }

    /// The test of two edges as `line_intersection` alone gives it, without
    /// the shortcut [`edges_cross`] takes for consecutive edges.
    fn plain_cross(edges: &[geo::Line<f64>], i: usize, j: usize) -> Option<Coord<f64>> {
        use geo::line_intersection::{line_intersection, LineIntersection};
        let n = edges.len();
        let adjacent = j == i + 1 || (i == 0 && j == n - 1);
        match line_intersection(edges[i], edges[j]) {
            None => None,
            Some(LineIntersection::SinglePoint { .. }) if adjacent => None,
            Some(LineIntersection::Collinear { intersection })
                if adjacent && intersection.start == intersection.end =>
            {
                None
            }
            Some(LineIntersection::SinglePoint { intersection, .. }) => Some(intersection),
            Some(LineIntersection::Collinear { intersection }) => Some(intersection.start),
        }
    }

    /// The plain reference for [`ring_crosses`]: every pair of edges, by
    /// [`plain_cross`]; [`edges_cross`] agrees with it on every pair.
    fn crosses_brute_force(edges: &[geo::Line<f64>]) -> bool {
        let mut any = false;
        for i in 0..edges.len() {
            for j in i + 1..edges.len() {
                let plain = plain_cross(edges, i, j);
                assert_eq!(edges_cross(edges, i, j), plain, "{edges:?} {i} {j}");
                any |= plain.is_some();
            }
        }
        any
    }

    /// The sweep and [`ring_crossing`] against every pair, on one ring.
    fn check_against_brute_force(r: &LineString<f64>) -> bool {
        let Some(edges) = ring_edges(r) else {
            assert_eq!(ring_crossing(r), None, "{r:?}");
            return false;
        };
        let expected = crosses_brute_force(&edges);
        assert_eq!(ring_crosses(&edges, &mut Vec::new()), expected, "{r:?}");
        assert_eq!(ring_crossing(r).is_some(), expected, "{r:?}");
        assert_eq!(ring_crossing(r), ring_crossing_rtree(&edges), "{r:?}");
        expected
    }

    #[test]
    fn the_sweep_finds_a_crossing_exactly_when_some_pair_of_edges_meets() {
        let mut rng = crate::seeded::SplitMix64(0x5EED_1A7E);
        let (mut crossing, mut clean) = (0, 0);
        for case in 0..20_000 {
            // Few distinct values, so that vertices repeat, edges overlap
            // along a line, touch at a point or meet at a vertex.
            let n = 3 + (rng.next_f64() * 12.0) as usize;
            let grid = if case % 2 == 0 { 4.0 } else { 1000.0 };
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|_| {
                    (
                        (rng.next_f64() * grid).floor(),
                        (rng.next_f64() * grid).floor(),
                    )
                })
                .collect();
            if case % 5 == 0 {
                // A repeated point somewhere in the ring.
                let k = (rng.next_f64() * n as f64) as usize;
                pts.insert(k, pts[k]);
            }
            pts.push(pts[0]);
            if check_against_brute_force(&ring(&pts)) {
                crossing += 1;
            } else {
                clean += 1;
            }
        }
        // Both verdicts were exercised, many times.
        assert!(crossing > 1000 && clean > 1000, "{crossing} {clean}");
    }

    #[test]
    fn the_sweep_agrees_on_edge_cases() {
        let cases: &[&[(f64, f64)]] = &[
            // A square, and the same with a straight run through a vertex.
            &[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)],
            &[
                (0.0, 0.0),
                (0.5, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (0.0, 1.0),
                (0.0, 0.0),
            ],
            // Bow tie.
            &[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)],
            // Spike folding back over the previous edge.
            &[
                (0.0, 0.0),
                (2.0, 0.0),
                (1.0, 0.0),
                (1.0, 1.0),
                (0.0, 1.0),
                (0.0, 0.0),
            ],
            // Two lobes sharing one vertex (touching at a point).
            &[
                (0.0, 0.0),
                (1.0, 1.0),
                (2.0, 0.0),
                (2.0, 2.0),
                (1.0, 1.0),
                (0.0, 2.0),
                (0.0, 0.0),
            ],
            // A vertex touching the middle of a non-adjacent edge.
            &[
                (0.0, 0.0),
                (4.0, 0.0),
                (2.0, 2.0),
                (2.0, 0.0),
                (1.0, 3.0),
                (0.0, 0.0),
            ],
            // Collinear overlap of two non-adjacent edges.
            &[
                (0.0, 0.0),
                (3.0, 0.0),
                (3.0, 1.0),
                (1.0, 1.0),
                (1.0, 0.0),
                (2.0, 0.0),
                (2.0, -1.0),
                (0.0, -1.0),
                (0.0, 0.0),
            ],
            // Vertical edges sharing their least x, and equal boxes.
            &[(0.0, 0.0), (0.0, 2.0), (0.0, 1.0), (1.0, 1.0), (0.0, 0.0)],
            &[(0.0, 0.0), (1.0, 1.0), (0.0, 0.0), (1.0, 1.0), (0.0, 0.0)],
            // Negative zero beside zero.
            &[
                (-0.0, 0.0),
                (1.0, 0.0),
                (0.0, 1.0),
                (0.0, -1.0),
                (-0.0, 0.0),
            ],
            // Degenerate rings: too few distinct points.
            &[(0.0, 0.0), (0.0, 0.0), (1.0, 0.0), (0.0, 0.0)],
            &[],
        ];
        let verdicts: Vec<bool> = cases
            .iter()
            .map(|c| check_against_brute_force(&ring(c)))
            .collect();
        assert_eq!(
            verdicts,
            [false, false, true, true, true, true, true, true, true, true, false, false]
        );
    }

    #[test]
    fn ring_crossings_are_found_and_shared_vertices_are_not() {
        let square = ring(&[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_crossing(&square), None);
        // Repeated vertices and a straight run through a vertex are fine.
        let repeated = ring(&[
            (0.0, 0.0),
            (0.5, 0.0),
            (0.5, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        assert_eq!(ring_crossing(&repeated), None);
        let bowtie = ring(&[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)]);
        assert_eq!(ring_crossing(&bowtie), Some(Coord { x: 0.5, y: 0.5 }));
        // An edge folding back over the previous one (a spike).
        let spike = ring(&[
            (0.0, 0.0),
            (2.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        assert!(ring_crossing(&spike).is_some());
    }
}
