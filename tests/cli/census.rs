//! Young people from the census: each commune of the region gets its INSEE
//! census 2022 count of 15–24 year-olds scaled to the reports' 768,524 young
//! people of 16–25 (largest remainders on the counts in tenths); a commune
//! not in the census keeps the uniform estimate. The expected values are
//! computed here from the census file by a plain re-implementation of the
//! rule, independently of the library.

use std::collections::BTreeMap;

use crate::util::{assert_exit, fixture, read_csv, Dir};

/// The reports' young people of 16–25 in the region.
const REPORTS_16_25: u64 = 768_524;
/// Population of the region's communes (the uniform share's base).
const REGION_POPULATION: u64 = 6_003_815;

/// The census file: 15–24 year-olds in tenths by INSEE code, read from the
/// text (`51.0` → 510).
fn census() -> BTreeMap<String, u64> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/geodata/jeunes_15_24_rp2022.csv"
    ))
    .unwrap();
    read_csv(&text)
        .into_iter()
        .map(|r| {
            let (whole, tenth) = r["jeunes_15_24_rp2022"].split_once('.').unwrap();
            assert_eq!(tenth.len(), 1);
            (
                r["code_insee"].clone(),
                whole.parse::<u64>().unwrap() * 10 + tenth.parse::<u64>().unwrap(),
            )
        })
        .collect()
}

/// Hamilton's largest remainders: `total` shared in proportion to
/// `weights`, floors first, then one each to the largest remainders, ties
/// to the first.
fn largest_remainder(weights: &[u64], total: u64) -> Vec<u64> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<u64> = weights
        .iter()
        .map(|&w| (u128::from(w) * u128::from(total) / sum) as u64)
        .collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    let rem = |i: usize| u128::from(weights[i]) * u128::from(total) % sum;
    order.sort_by(|&a, &b| rem(b).cmp(&rem(a)).then(a.cmp(&b)));
    let left = total - parts.iter().sum::<u64>();
    for &i in order.iter().take(left as usize) {
        parts[i] += 1;
    }
    parts
}

/// `a × b / c` rounded half up.
fn scaled(a: u64, b: u64, c: u64) -> u64 {
    ((u128::from(a) * u128::from(b) + u128::from(c / 2)) / u128::from(c)) as u64
}

/// Runs `maillage distance` (rfc4180, no grid) with `extra` arguments and
/// returns the rows of `communes.csv` and `couverture.csv`'s (by `coverage`).
fn communes_of(dir: &Dir, extra: &[&str]) -> Vec<BTreeMap<String, String>> {
    let mut args = vec![
        "distance", "--grid-m", "0", "--csv", "rfc4180", "--out", "res", "--quiet",
    ];
    args.extend_from_slice(extra);
    assert_exit(&dir.run(&args), 0);
    read_csv(&dir.read("res/communes.csv"))
}

#[test]
fn the_regions_young_people_are_the_census_scaled_to_the_reports() {
    let dir = Dir::new();
    let communes = communes_of(&dir, &[]);
    let census = census();
    assert_eq!(communes.len(), census.len());
    // Every commune of the region is in the census; the weights in the
    // communes' (INSEE) order.
    let weights: Vec<u64> = communes.iter().map(|r| census[&r["code_insee"]]).collect();
    let census_total: u64 = weights.iter().sum();
    assert_eq!(census_total, 7_641_966, "764,196.6 people of 15–24");
    let total = scaled(census_total, REPORTS_16_25, census_total);
    assert_eq!(total, REPORTS_16_25);
    let expected = largest_remainder(&weights, total);
    let got: Vec<u64> = communes
        .iter()
        .map(|r| r["jeunes_16_25"].parse().unwrap())
        .collect();
    assert_eq!(got.iter().sum::<u64>(), REPORTS_16_25);
    assert_eq!(got, expected, "every commune's young people");
    let of = |code: &str| {
        let i = communes
            .iter()
            .position(|r| r["code_insee"] == code)
            .unwrap();
        (got[i], communes[i]["jeunes_16_25_source"].clone())
    };
    // Lille: 61,568.3 × 768,524 / 764,196.6 = 61,916.9; Amiens: 28,512.1 →
    // 28,673.5 (the uniform share gave 29,798 and 17,160).
    assert_eq!(
        of("59350").0,
        expected[communes
            .iter()
            .position(|r| r["code_insee"] == "59350")
            .unwrap()]
    );
    assert_eq!(of("59350"), (61_917, "recensement 2022 recalé".to_string()));
    assert!(
        (28_673..=28_674).contains(&of("80021").0),
        "{:?}",
        of("80021")
    );
    assert!(communes
        .iter()
        .all(|r| r["jeunes_16_25_source"] == "recensement 2022 recalé"));

    // Young people within 2 km of a site (a site in the commune, or the
    // nearest within 2 km of its measuring point, as coverage counts): 87.8 %
    // by the census where the uniform share gave 84.5 %.
    let near: u64 = communes
        .iter()
        .zip(&got)
        .filter(|(r, _)| {
            r["site_dans_commune"] == "true" || r["distance_km"].parse::<f64>().unwrap() <= 2.0
        })
        .map(|(_, j)| j)
        .sum();
    let share = near as f64 / REPORTS_16_25 as f64;
    assert_eq!(
        (share * 1000.0).round(),
        878.0,
        "{near} young people: {share}"
    );
}

/// The mini territory with Y (80829) given a code the census does not know
/// (80999, deliberately unknown: a constructed case, not a real commune):
/// the other three get the census counts, scaled by the same factor; Y the
/// uniform share, labelled `estimation`; a perimeter that mixes says so.
#[test]
fn a_commune_outside_the_census_keeps_the_estimate_and_its_label() {
    let dir = Dir::new();
    let read = |name: &str| std::fs::read_to_string(fixture(&format!("mini/{name}"))).unwrap();
    let moved = |text: String| text.replace("80829", "80999");
    let communes = dir.write("communes.geojson", moved(read("communes.geojson")));
    let zones = dir.write("zones.csv", moved(read("zones.csv")));
    let classement = dir.write("classement.csv", moved(read("classement.csv")));
    let sites = fixture("mini/sites.csv");
    let rows = communes_of(
        &dir,
        &[
            "--communes",
            communes.to_str().unwrap(),
            "--zones",
            zones.to_str().unwrap(),
            "--classement",
            classement.to_str().unwrap(),
            "--sites",
            sites.to_str().unwrap(),
        ],
    );
    let census = census();
    let codes: Vec<&str> = rows.iter().map(|r| r["code_insee"].as_str()).collect();
    assert_eq!(codes, ["60471", "80021", "80620", "80999"]);
    let weights: Vec<u64> = codes[..3].iter().map(|c| census[*c]).collect();
    let total = scaled(weights.iter().sum(), REPORTS_16_25, 7_641_966);
    let mut expected = largest_remainder(&weights, total);
    // Y: 92 inhabitants × 768,524 / 6,003,815 = 11.8 → 12.
    let population_y: u64 = rows[3]["population"].parse().unwrap();
    expected.push(scaled(population_y, REPORTS_16_25, REGION_POPULATION));
    let got: Vec<u64> = rows
        .iter()
        .map(|r| r["jeunes_16_25"].parse().unwrap())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(got[3], 12);
    let labels: Vec<&str> = rows
        .iter()
        .map(|r| r["jeunes_16_25_source"].as_str())
        .collect();
    assert_eq!(
        labels,
        [
            "recensement 2022 recalé",
            "recensement 2022 recalé",
            "recensement 2022 recalé",
            "estimation"
        ]
    );

    // Per perimeter: the territory and Péronne's ML (80620, with Y) mix;
    // Noyon's ML is all census.
    assert_exit(
        &dir.run(&[
            "coverage",
            "--communes",
            communes.to_str().unwrap(),
            "--zones",
            zones.to_str().unwrap(),
            "--classement",
            classement.to_str().unwrap(),
            "--sites",
            sites.to_str().unwrap(),
            "--csv",
            "rfc4180",
            "--out",
            "cov",
            "--quiet",
        ]),
        0,
    );
    let coverage = read_csv(&dir.read("cov/couverture.csv"));
    let label = |kind: &str, code: &str| {
        let r = coverage
            .iter()
            .find(|r| {
                r["type_perimetre"] == kind
                    && r["code_perimetre"] == code
                    && r["categorie"] == "toutes"
            })
            .unwrap_or_else(|| panic!("no row for {kind} {code}"));
        r["jeunes_16_25_source"].clone()
    };
    let whole = coverage
        .iter()
        .find(|r| r["type_perimetre"] != "departement" && r["type_perimetre"] != "ml")
        .unwrap();
    assert_eq!(
        whole["jeunes_16_25_source"],
        "recensement 2022 recalé, en partie estimation"
    );
    assert_eq!(
        label("ml", "80620"),
        "recensement 2022 recalé, en partie estimation"
    );
    assert_eq!(label("ml", "60471"), "recensement 2022 recalé");
    assert_eq!(label("departement", "60"), "recensement 2022 recalé");
}
