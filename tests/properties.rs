//! Property tests (proptest) of the site index and of coverage:
//!
//! - the index's nearest site (with its ties) and its within-radius query
//!   agree with a brute-force scan, on random sites with duplicates and on
//!   random queries, some on a site, some outside the candidate grid;
//! - adding a site never raises any commune's distance to its nearest site
//!   and never lowers any coverage count;
//! - coverage never decreases when the radius grows.
//!
//! Coverage runs on a synthetic territory: a grid of square communes around
//! the Somme, with varied populations, young people, classements,
//! départements and Missions Locales.

#![allow(clippy::unwrap_used)]

use geo::{Coord, LineString, MultiPolygon, Polygon};
use proptest::prelude::*;

use maillage::analysis::basics::Basics;
use maillage::analysis::coverage::CoverageRow;
use maillage::base::{Cost, LonLat, Meters};
use maillage::geom::fast::{fast_distance, project};
use maillage::index::{Nearest, SiteIndex};
use maillage::model::{
    Classement, Commune, InseeCode, MissionLocale, ReferenceKind, Site, SiteKind, SiteStatus,
    Territory, YouthSource,
};

/// Two distances this close are tied (the index's rule, 1 mm).
const TIE_M: f64 = 0.001;

/// A point in a box of about 45 × 45 km north-east of Amiens, on a grid of
/// 0.001° so that random sites often coincide.
fn site_point() -> impl Strategy<Value = LonLat> {
    (2_600u32..3_200, 49_600u32..50_000)
        .prop_map(|(x, y)| LonLat::new(f64::from(x) / 1000.0, f64::from(y) / 1000.0))
}

/// A query point in a wider box, partly outside the index's candidate grid.
fn query_point() -> impl Strategy<Value = LonLat> {
    (1.5f64..4.3, 49.0f64..50.6).prop_map(|(lon, lat)| LonLat::new(lon, lat))
}

/// Sites with repeated positions: distinct points, then copies of some.
fn sites() -> impl Strategy<Value = Vec<LonLat>> {
    (
        prop::collection::vec(site_point(), 1..40),
        prop::collection::vec(any::<prop::sample::Index>(), 0..10),
    )
        .prop_map(|(mut v, dups)| {
            let copies: Vec<LonLat> = dups.iter().map(|i| v[i.index(v.len())]).collect();
            v.extend(copies);
            v
        })
}

/// Nearest site by scanning every site: lowest index among those within
/// 1 mm of the minimum, the others as ties.
fn brute_nearest(sites: &[LonLat], q: LonLat) -> Option<Nearest> {
    let pq = project(q);
    let d: Vec<f64> = sites
        .iter()
        .map(|s| fast_distance(&pq, &project(*s)).0)
        .collect();
    let best = d.iter().copied().fold(f64::INFINITY, f64::min);
    let tied: Vec<usize> = (0..sites.len()).filter(|&i| d[i] <= best + TIE_M).collect();
    let (&site, ties) = tied.split_first()?;
    Some(Nearest {
        site,
        distance: Meters(d[site]),
        ties: ties.to_vec(),
    })
}

fn brute_within(sites: &[LonLat], q: LonLat, r: Meters) -> Vec<(usize, Meters)> {
    let pq = project(q);
    sites
        .iter()
        .enumerate()
        .map(|(i, s)| (i, fast_distance(&pq, &project(*s))))
        .filter(|(_, d)| d.0 <= r.0)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn index_agrees_with_brute_force(
        sites in sites(),
        queries in prop::collection::vec(query_point(), 1..30),
        on_site in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        radius_km in 0.0f64..30.0,
    ) {
        let full = SiteIndex::new(&sites);
        let tree = SiteIndex::tree_only(&sites);
        // Queries exactly on sites: distance 0, ties with the copies.
        let on: Vec<LonLat> = on_site.iter().map(|i| sites[i.index(sites.len())]).collect();
        for q in queries.iter().chain(&on) {
            let want = brute_nearest(&sites, *q);
            prop_assert_eq!(full.nearest(*q), want.clone(), "nearest, full index, {:?}", q);
            prop_assert_eq!(tree.nearest(*q), want, "nearest, tree only, {:?}", q);
            let r = Meters(radius_km * 1000.0);
            let want = brute_within(&sites, *q, r);
            prop_assert_eq!(full.within(*q, r), want.clone(), "within, {:?}", q);
            prop_assert_eq!(tree.within(*q, r), want, "within, tree only, {:?}", q);
        }
    }
}

// --- Coverage on a synthetic territory ---------------------------------------

/// Communes: `COLS × ROWS` squares of 0.05° × 0.03° (about 3.6 × 3.3 km).
const COLS: usize = 8;
const ROWS: usize = 6;
const LON0: f64 = 2.6;
const LAT0: f64 = 49.7;
const DLON: f64 = 0.05;
const DLAT: f64 = 0.03;

fn square(col: usize, row: usize) -> MultiPolygon<f64> {
    let (x0, y0) = (LON0 + col as f64 * DLON, LAT0 + row as f64 * DLAT);
    let c = |x: f64, y: f64| Coord { x, y };
    MultiPolygon(vec![Polygon::new(
        LineString(vec![
            c(x0, y0),
            c(x0 + DLON, y0),
            c(x0 + DLON, y0 + DLAT),
            c(x0, y0 + DLAT),
            c(x0, y0),
        ]),
        vec![],
    )])
}

/// The commune a point falls in (the grid makes it arithmetic).
fn commune_of(t: &Territory, p: LonLat) -> Option<InseeCode> {
    let col = ((p.lon - LON0) / DLON).floor();
    let row = ((p.lat - LAT0) / DLAT).floor();
    if col < 0.0 || row < 0.0 || col >= COLS as f64 || row >= ROWS as f64 {
        return None;
    }
    Some(t.communes[row as usize * COLS + col as usize].code.clone())
}

/// Populations and young people per commune come from `people`.
fn territory(people: &[(u64, u64)]) -> Territory {
    let mut communes = Vec::new();
    for row in 0..ROWS {
        for col in 0..COLS {
            let i = row * COLS + col;
            // Two départements (west and east halves).
            let dep = if col < COLS / 2 { "60" } else { "80" };
            let code = InseeCode::parse(&format!("{dep}{:03}", i + 1)).unwrap();
            let centre = LonLat::new(
                LON0 + (col as f64 + 0.5) * DLON,
                LAT0 + (row as f64 + 0.5) * DLAT,
            );
            communes.push(Commune {
                code,
                nom: format!("Commune {i}"),
                departement: dep.to_string(),
                population: people[i].0,
                epci_siren: None,
                epci_nom: None,
                mairie: Some(centre),
                reference: centre,
                reference_kind: ReferenceKind::Mairie,
                geometry: square(col, row),
            });
        }
    }
    let n = communes.len();
    Territory {
        name: maillage::model::places::TerritoryName::from_departements(
            communes.iter().map(|c| c.departement.as_str()),
        ),
        frame: maillage::base::frame::Frame::for_points(communes.iter().map(|c| c.reference))
            .unwrap(),
        window: maillage::base::frame::Window::France,
        classement: (0..n)
            .map(|i| {
                [
                    Classement::NonClassee,
                    Classement::Frr,
                    Classement::FrrPlus,
                    Classement::ZrrMaintenue,
                ][i % 4]
            })
            .collect(),
        // Three Missions Locales in bands of rows.
        ml_of_commune: (0..n).map(|i| (i / COLS) / 2).collect(),
        jeunes: people.iter().map(|p| p.1).collect(),
        jeunes_source: YouthSource::File("synthetic".into()),
        qpv: Vec::new(),
        sites: Vec::new(),
        missions_locales: (0..3)
            .map(|m| MissionLocale {
                code: format!("ML{m}"),
                nom: format!("Mission Locale {m}"),
            })
            .collect(),
        communes,
    }
}

fn add_site(t: &mut Territory, p: LonLat) {
    let n = t.sites.len();
    t.sites.push(Site {
        id: format!("S{n:03}"),
        code_ml: "ML0".into(),
        nom: String::new(),
        kind: SiteKind::Permanence,
        commune: commune_of(t, p),
        position: p,
        status: SiteStatus::Substitut,
        source: String::new(),
    });
}

fn coverage_rows(t: &Territory, radii: &[Meters]) -> (Basics, Vec<CoverageRow>) {
    let b = Basics::new(t);
    let costs: Vec<Cost> = radii.iter().map(|r| Cost::Length(*r)).collect();
    let rows = b.coverage(t, &costs, &maillage::model::Scope::Region).rows;
    (b, rows)
}

/// A site anywhere over the communes and a few km around them.
fn territory_point() -> impl Strategy<Value = LonLat> {
    (2.5f64..3.1, 49.65f64..49.93).prop_map(|(lon, lat)| LonLat::new(lon, lat))
}

fn people() -> impl Strategy<Value = Vec<(u64, u64)>> {
    prop::collection::vec((0u64..20_000, 0u64..3_000), COLS * ROWS)
}

fn radii() -> impl Strategy<Value = Vec<Meters>> {
    prop::collection::vec(0.5f64..25.0, 1..4).prop_map(|mut v| {
        v.sort_by(f64::total_cmp);
        v.dedup();
        v.into_iter().map(Meters::from_km).collect()
    })
}

/// Asserts that every count of `after` is at least that of `before`, row
/// by row (same scopes, categories and radii).
fn no_count_lower(before: &[CoverageRow], after: &[CoverageRow]) -> Result<(), TestCaseError> {
    prop_assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(after) {
        prop_assert_eq!(
            (&b.scope, b.category, b.threshold),
            (&a.scope, a.category, a.threshold)
        );
        let (b, a) = (b.counts, a.counts);
        prop_assert_eq!(
            (b.places, b.population, b.jeunes),
            (a.places, a.population, a.jeunes)
        );
        prop_assert!(a.places_covered >= b.places_covered, "{:?} → {:?}", b, a);
        prop_assert!(
            a.population_covered >= b.population_covered,
            "{:?} → {:?}",
            b,
            a
        );
        prop_assert!(a.jeunes_covered >= b.jeunes_covered, "{:?} → {:?}", b, a);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn adding_a_site_never_raises_a_distance_nor_lowers_coverage(
        people in people(),
        existing in prop::collection::vec(territory_point(), 0..12),
        new_site in territory_point(),
        radii in radii(),
    ) {
        let mut t = territory(&people);
        for p in &existing {
            add_site(&mut t, *p);
        }
        let (b0, before) = coverage_rows(&t, &radii);
        add_site(&mut t, new_site);
        let (b1, after) = coverage_rows(&t, &radii);
        for i in 0..t.communes.len() {
            let d0 = b0.nearest[i].as_ref().map_or(f64::INFINITY, |n| n.distance.0);
            let d1 = b1.nearest[i].as_ref().map_or(f64::INFINITY, |n| n.distance.0);
            prop_assert!(d1 <= d0, "commune {}: {} m → {} m", i, d0, d1);
            prop_assert!(b1.sites_in_commune[i] >= b0.sites_in_commune[i]);
        }
        no_count_lower(&before, &after)?;
    }

    #[test]
    fn coverage_grows_with_the_radius(
        people in people(),
        sites in prop::collection::vec(territory_point(), 0..12),
        r1 in 0.1f64..20.0,
        extra in 0.0f64..20.0,
    ) {
        let mut t = territory(&people);
        for p in &sites {
            add_site(&mut t, *p);
        }
        let (small, large) = (Meters::from_km(r1), Meters::from_km(r1 + extra));
        let (_, rows_small) = coverage_rows(&t, &[small]);
        let (_, rows_large) = coverage_rows(&t, &[large]);
        // Same rows but for the radius itself.
        let relabel: Vec<CoverageRow> = rows_large
            .into_iter()
            .map(|mut r| {
                r.threshold = small.0;
                r
            })
            .collect();
        no_count_lower(&rows_small, &relabel)?;
    }
}
