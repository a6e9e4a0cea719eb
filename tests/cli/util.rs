//! Runs the built `maillage` binary in a fresh temporary folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A temporary working folder that disappears with the test.
pub struct Dir {
    pub tmp: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Self {
        Dir {
            tmp: tempfile::tempdir().expect("a temporary folder can be created"),
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes a file inside the folder.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("fixture folder");
        }
        std::fs::write(&p, contents).expect("fixture written");
        p
    }

    /// Runs `maillage ARGS` with this folder as working directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_maillage"));
        cmd.args(args).current_dir(self.path());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("maillage runs")
    }

    /// Reads an output file as text.
    pub fn read(&self, name: &str) -> String {
        let p = self.path().join(name);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }
}

/// Panics with the command's stderr when it did not exit with `code`.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A fixture of the repository.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Reads an RFC 4180 CSV written by maillage into header-keyed rows.
pub fn read_csv(text: &str) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("record");
            headers
                .iter()
                .map(str::to_string)
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// Equality with a readable diff of the first differing line.
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let expected: &str = &$expected;
        let got: &str = &$got;
        if expected != got {
            let line = expected.lines().zip(got.lines()).position(|(a, b)| a != b);
            panic!(
                "outputs differ (first differing line: {:?})\n--- expected\n{}\n--- got\n{}",
                line.map(|l| l + 1),
                expected.lines().take(20).collect::<Vec<_>>().join("\n"),
                got.lines().take(20).collect::<Vec<_>>().join("\n")
            );
        }
    }};
}

/// The mini territory's layers as command-line arguments.
pub fn mini_layers() -> Vec<String> {
    let f = |n: &str| fixture(&format!("mini/{n}")).display().to_string();
    vec![
        "--communes".into(),
        f("communes.geojson"),
        "--zones".into(),
        f("zones.csv"),
        "--sites".into(),
        f("sites.csv"),
        "--classement".into(),
        f("classement.csv"),
    ]
}

/// The measuring points of communes read from a `communes.csv` (rfc4180) as
/// a `maillage temps` points file (`id,lon,lat`, the INSEE code as id).
pub fn measuring_points(communes: &[std::collections::BTreeMap<String, String>]) -> String {
    let mut s = String::from("id,lon,lat\n");
    for r in communes {
        s.push_str(&format!(
            "{},{},{}\n",
            r["code_insee"], r["lon_mesure"], r["lat_mesure"]
        ));
    }
    s
}

/// The mini territory's sites as a `maillage temps` points file, in site-id
/// order (the order of the territory's sites: ties go to the first, as the
/// straight-line rule gives them to the smallest id). A site given by its
/// commune stands at the commune's measuring point, read from `communes`.
pub fn mini_site_points(communes: &[std::collections::BTreeMap<String, String>]) -> String {
    let sites = std::fs::read_to_string(fixture("mini/sites.csv")).unwrap();
    let mut lines: Vec<&str> = sites.lines().skip(1).collect();
    lines.sort();
    let mut dest = String::from("id,lon,lat\n");
    for line in lines {
        let f: Vec<&str> = line.split(';').collect();
        let (lon, lat) = if f[5].is_empty() {
            let c = communes.iter().find(|r| r["code_insee"] == f[4]).unwrap();
            (c["lon_mesure"].clone(), c["lat_mesure"].clone())
        } else {
            (f[5].to_string(), f[6].to_string())
        };
        dest.push_str(&format!("{},{lon},{lat}\n", f[0]));
    }
    dest
}

/// Asserts that a report with travel times wrote, in `out`, the tables,
/// rasters (the time raster included), maps, page, layers and manifest.
pub fn assert_network_report(out: &Path) {
    for f in [
        "communes.csv",
        "qpv.csv",
        "couverture.csv",
        "distances_synthese.csv",
        "hotspots.csv",
        "hotspots_communes.csv",
        "bassins.csv",
        "placement.csv",
        "placement_bilan.csv",
        "placement_synthese.csv",
        "grille_distance.csv",
        "grille_distance.tif",
        "grille_temps.tif",
        "carte_distances.png",
        "carte_placement.svg",
        "synthese.html",
        "maillage.gpkg",
        "manifest.json",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
}

/// A brute-force maximal covering of a placement test: the communes (rows
/// of a `communes.csv`) each a candidate at its town hall, `times` the
/// minutes from town hall to town hall (`maillage temps`' long form),
/// `before` each commune's cost of its nearest existing site; a commune is
/// covered by its own town hall, or within `radius` of a chosen one.
pub struct CoverBrute {
    /// Per candidate, the communes it covers.
    sets: Vec<std::collections::BTreeSet<usize>>,
    covered_before: std::collections::BTreeSet<usize>,
    jeunes: Vec<u64>,
}

impl CoverBrute {
    pub fn new(
        communes: &[std::collections::BTreeMap<String, String>],
        times: &std::collections::BTreeMap<(String, String), f64>,
        before: &[Option<f64>],
        radius: f64,
    ) -> Self {
        let codes: Vec<&String> = communes.iter().map(|r| &r["code_insee"]).collect();
        let sets = (0..codes.len())
            .map(|j| {
                (0..codes.len())
                    .filter(|&i| {
                        i == j
                            || times
                                .get(&(codes[i].clone(), codes[j].clone()))
                                .is_some_and(|&t| t <= radius)
                    })
                    .collect()
            })
            .collect();
        CoverBrute {
            sets,
            covered_before: (0..codes.len())
                .filter(|&i| before[i].is_some_and(|t| t <= radius))
                .collect(),
            jeunes: communes
                .iter()
                .map(|r| r["jeunes_16_25"].parse().unwrap())
                .collect(),
        }
    }

    /// The young people covered with the candidates `chosen` added.
    pub fn value(&self, chosen: &[usize]) -> u64 {
        let mut c = self.covered_before.clone();
        for &j in chosen {
            c.extend(&self.sets[j]);
        }
        c.iter().map(|&i| self.jeunes[i]).sum()
    }

    /// The best value of any two candidates, every pair tried.
    pub fn best_pair(&self) -> u64 {
        let n = self.sets.len();
        (0..n)
            .flat_map(|x| (x + 1..n).map(move |y| (x, y)))
            .map(|(x, y)| self.value(&[x, y]))
            .max()
            .unwrap_or(0)
    }
}
