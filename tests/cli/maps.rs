//! The maps: `maillage report` draws the five maps in PNG and SVG; `maillage
//! map` draws one or all of them for the region or one Mission Locale. The
//! legends' figures are checked against the tables and the input files,
//! read here independently; the PNGs are decoded and their map area holds
//! the colours the legend announces.

use std::collections::{BTreeMap, BTreeSet};

use crate::util::{assert_exit, read_csv, Dir};

const KINDS: [&str; 5] = ["regionale", "distances", "hotspots", "placement", "bassins"];
/// The map area of the PNGs, in pixels (left, top, width, height).
const MAP_AREA: (u32, u32, u32, u32) = (25, 97, 1058, 1228);

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("a frame");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Pixel counts by colour inside the map area.
fn map_colours(bytes: &[u8]) -> BTreeMap<u32, usize> {
    let (w, _, buf) = decode(bytes);
    let mut counts = BTreeMap::new();
    let (x0, y0, mw, mh) = MAP_AREA;
    for y in y0..y0 + mh {
        for x in x0..x0 + mw {
            let i = ((y * w + x) * 3) as usize;
            let c = u32::from(buf[i]) << 16 | u32::from(buf[i + 1]) << 8 | u32::from(buf[i + 2]);
            *counts.entry(c).or_insert(0) += 1;
        }
    }
    counts
}

/// A text as plotters writes it into an SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A whole number as the maps print it: `12\u{a0}345`.
fn fr(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('\u{a0}');
        }
        out.push(c);
    }
    out
}

fn read(dir: &Dir, rel: &str) -> String {
    std::fs::read_to_string(dir.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn geodata_csv(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("geodata")
        .join(name);
    read_csv(&std::fs::read_to_string(&path).unwrap())
}

#[test]
fn the_report_draws_five_maps_whose_legends_match_the_data() {
    let dir = Dir::new();
    let out = dir.run(&[
        "rapport",
        "--out",
        "res",
        "--csv",
        "rfc4180",
        "--grille-m",
        "0",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    for kind in KINDS {
        let png = std::fs::read(dir.path().join(format!("res/carte_{kind}.png"))).unwrap();
        let (w, h, _) = decode(&png);
        assert_eq!((w, h), (1760, 1400), "{kind}");
        assert!(
            map_colours(&png).len() > 100,
            "{kind}: the map area is nearly blank"
        );
        let svg = read(&dir, &format!("res/carte_{kind}.svg"));
        assert!(svg.starts_with("<svg"), "{kind}");
        assert!(svg.contains("Hauts-de-France : "), "{kind}: no title");
        assert!(
            svg.contains("Lambert-93 (EPSG:2154)"),
            "{kind}: no sources line"
        );
        // The embedded sites are stand-ins, and every map says so.
        assert!(
            svg.contains("sites : substitut (920 sur 962"),
            "{kind}: the stand-in sites are not declared"
        );
        assert!(
            svg.contains("\n0\n</text>") && svg.contains(" km\n</text>"),
            "{kind}: no scale bar"
        );
    }

    // Regional map: counts of the legend from the input files.
    let svg = read(&dir, "res/carte_regionale.svg");
    let classement = geodata_csv("classement_frr_zrr.csv");
    let communes = read_csv(&read(&dir, "res/communes.csv"));
    let codes: BTreeSet<&str> = communes.iter().map(|r| r["code_insee"].as_str()).collect();
    for (code, label) in [
        ("FRR_PLUS", "FRR+"),
        ("FRR", "FRR"),
        ("ZRR_MAINTENUE", "ZRR maintenue"),
    ] {
        let n = classement
            .iter()
            .filter(|r| r["classement"] == code && codes.contains(r["code_insee"].as_str()))
            .count();
        assert!(n > 0);
        let want = format!("{label} ({} communes)", fr(n));
        assert!(svg.contains(&want), "regional legend lacks {want:?}");
    }
    let sites = geodata_csv("sites.csv");
    for (kind, label) in [
        ("siege", "Sièges"),
        ("antenne", "Antennes"),
        ("permanence", "Permanences"),
    ] {
        let n = sites.iter().filter(|r| r["type"] == kind).count();
        let want = format!("{label} ({} dans la région)", fr(n));
        assert!(svg.contains(&want), "{want}");
    }

    // Distance map: the band counts of the legend from communes.csv, and
    // each band's colour fills the map exactly when the band has communes.
    let svg = read(&dir, "res/carte_distances.svg");
    let colours = map_colours(&std::fs::read(dir.path().join("res/carte_distances.png")).unwrap());
    let bands = [
        (0.0, 5.0, "0 – 5 km", 0x1a9850),
        (5.0, 10.0, "5 – 10 km", 0x91cf60),
        (10.0, 15.0, "10 – 15 km", 0xfee08b),
        (15.0, 20.0, "15 – 20 km", 0xfc8d59),
        (20.0, f64::INFINITY, "20 km et plus", 0xd73027),
    ];
    for (lo, hi, label, colour) in bands {
        let n = communes
            .iter()
            .filter(|r| {
                let d: f64 = r["distance_km"].parse().unwrap();
                (lo == 0.0 || d > lo) && d <= hi
            })
            .count();
        assert!(
            svg.contains(&format!("{label} : {} communes", fr(n))),
            "{label}: {n} communes"
        );
        let pixels = colours.get(&colour).copied().unwrap_or(0);
        assert_eq!(
            pixels > 200,
            n > 0,
            "{label}: {pixels} pixels for {n} communes"
        );
    }

    // Placement map: one legend line per proposed site, with its name.
    let svg = read(&dir, "res/carte_placement.svg");
    let placement = read_csv(&read(&dir, "res/placement.csv"));
    assert_eq!(placement.len(), 10);
    for r in &placement {
        let line = esc(&format!("{}. {}", r["rang"], r["nom"]));
        assert!(svg.contains(&line), "placement legend lacks {line:?}");
    }

    // Basins map: one legend line per basin of bassins.csv.
    let svg = read(&dir, "res/carte_bassins.svg");
    let basins = read_csv(&read(&dir, "res/bassins.csv"));
    assert_eq!(basins.len(), 10);
    for r in &basins {
        assert!(
            svg.contains(&esc(&format!("{} : ", r["bassin"]))),
            "{}",
            r["bassin"]
        );
    }

    // Hotspot map: the best-ranked cluster is listed with its figure.
    let svg = read(&dir, "res/carte_hotspots.svg");
    let hotspots = read_csv(&read(&dir, "res/hotspots.csv"));
    let first = &hotspots[0];
    let jeunes: f64 = first["jeunes_non_mobiles_hors_portee"].parse().unwrap();
    let j_text = fr(jeunes.round() as usize);
    assert!(
        svg.contains(&format!("n° 1 : {j_text} jeunes non mobiles")),
        "hotspot 1: {j_text}"
    );
}

#[test]
fn map_draws_one_mission_locale() {
    let dir = Dir::new();
    let out = dir.run(&[
        "carte",
        "--type",
        "regionale",
        "--ml",
        "62041",
        "--format",
        "svg",
        "--out",
        "res",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("res"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["carte_regionale_62041.svg".to_string()]);
    let svg = read(&dir, "res/carte_regionale_62041.svg");
    let ml = geodata_csv("missions_locales.csv")
        .into_iter()
        .find(|r| r["code_ml"] == "62041")
        .unwrap();
    let title = esc(&format!("{} : zonages", ml["nom_arefie"]));
    assert!(svg.contains(&title), "title {title:?}");
    // Counts are the ML's own.
    let sites = geodata_csv("sites.csv");
    for (kind, label) in [
        ("siege", "Sièges"),
        ("antenne", "Antennes"),
        ("permanence", "Permanences"),
    ] {
        let n = sites
            .iter()
            .filter(|r| r["type"] == kind && r["code_ml"] == "62041")
            .count();
        assert!(
            svg.contains(&format!("{label} ({n} dans la Mission Locale)")),
            "{label}: {n}"
        );
    }
    let zones = geodata_csv("zones_ml.csv");
    let n = zones.iter().filter(|r| r["code_ml"] == "62041").count();
    assert!(svg.contains(&format!("{n} communes · ")), "{n} communes");

    // The same ML by name, PNG only, all kinds.
    let out = dir.run(&[
        "carte",
        "--ml",
        &ml["nom_arefie"],
        "--format",
        "png",
        "--out",
        "all",
        "--quiet",
    ]);
    assert_exit(&out, 0);
    for kind in KINDS {
        assert!(
            dir.path()
                .join(format!("all/carte_{kind}_62041.png"))
                .exists(),
            "{kind}"
        );
    }
}

#[test]
fn map_options_are_checked() {
    let dir = Dir::new();
    let out = dir.run(&["carte", "--ml", "99999", "--out", "res"]);
    assert_exit(&out, 1);
    let err = String::from_utf8_lossy(&out.stderr);
    // At most three suggestions, never the whole list.
    assert!(err.contains("--ml 99999 : aucune Mission Locale"), "{err}");
    assert!(err.matches(" ; ").count() <= 3, "{err}");
    assert!(
        !dir.path().join("res").exists(),
        "a failed run wrote outputs"
    );

    let out = dir.run(&["carte", "--type", "carte", "--out", "res"]);
    assert_exit(&out, 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("regionale, distances, points-chauds, implantation, bassins"),
        "{err}"
    );
}
