//! `maillage distance --points` reads, measures and writes its points a
//! chunk at a time (`MAILLAGE_POINTS_CHUNK` rows, a hidden setting for
//! these tests): the outputs do not depend on the chunks, and a bad row in
//! any chunk fails the run with the whole-file read's message and no output.

use crate::util::{assert_exit, mini_layers, Dir};

/// `n` seeded points around the mini territory (some outside every
/// commune), `;`-separated with decimal commas, blank lines and ids that
/// need quotes in the output.
fn points_file(n: usize) -> String {
    let mut s = String::from("id;lon;lat\n");
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..n {
        let lon = 1.9 + 0.8 * next();
        let lat = 49.6 + 0.6 * next();
        let id = match i % 5 {
            0 => format!("\"P;{i}\""),
            1 => format!("\"Q\"\"{i}\""),
            _ => format!("P{i}"),
        };
        s.push_str(&format!("{id};{lon:.6};{lat:.6}\n").replace('.', ","));
        if i % 97 == 0 {
            s.push('\n');
        }
    }
    s
}

/// Runs `distance --points` on the mini territory with `chunk` rows a chunk.
fn distance(dir: &Dir, points: &str, out: &str, chunk: &str, csv: &str) -> std::process::Output {
    let mut args: Vec<String> = vec!["distance".into(), "--points".into(), points.into()];
    args.extend(mini_layers());
    args.extend(["--csv", csv, "--out", out, "--quiet"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    dir.run_env(&args, &[("MAILLAGE_POINTS_CHUNK", chunk)])
}

/// The files of an output folder, by name.
fn outputs(dir: &Dir, out: &str) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir.path().join(out))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn chunks_do_not_change_the_outputs() {
    let dir = Dir::new();
    let pts = dir.write("points.csv", points_file(2_000));
    let pts = pts.to_str().unwrap();
    for csv in ["francais", "rfc4180"] {
        let whole = format!("whole_{csv}");
        assert_exit(&distance(&dir, pts, &whole, "1000000", csv), 0);
        let files = outputs(&dir, &whole);
        assert!(files.iter().any(|(n, _)| n == "points_distance.csv"));
        for chunk in ["1", "7", "256"] {
            let out = format!("chunks_{chunk}_{csv}");
            assert_exit(&distance(&dir, pts, &out, chunk, csv), 0);
            assert!(
                outputs(&dir, &out) == files,
                "{csv}, {chunk} rows a chunk: outputs differ from one chunk"
            );
        }
        let table = files
            .iter()
            .find(|(n, _)| n == "points_distance.csv")
            .unwrap();
        let table = String::from_utf8(table.1.clone()).unwrap();
        assert_eq!(table.lines().count(), 2_001, "a header and a row per point");
    }
}

/// The points read whole (`report`, which also writes `points_distance.csv`)
/// and streamed in small chunks give the same table.
#[test]
fn streamed_points_are_the_whole_file_points() {
    let dir = Dir::new();
    let pts = dir.write("points.csv", points_file(300));
    let pts = pts.to_str().unwrap();
    assert_exit(&distance(&dir, pts, "streamed", "16", "rfc4180"), 0);
    let mut args: Vec<String> = vec!["rapport".into(), "--points".into(), pts.into()];
    args.extend(mini_layers());
    args.extend(["--csv", "rfc4180", "--out", "whole", "--quiet"].map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dir.run(&args);
    assert_exit(&out, 0);
    assert_eq!(
        dir.read("streamed/points_distance.csv"),
        dir.read("whole/points_distance.csv")
    );
}

/// A bad row, a repeated id or a ragged row far into the file, several
/// chunks after the first: the whole-file read's message, no output folder,
/// and a previous output left as it was with no temporary file beside it.
#[test]
fn a_bad_row_in_a_later_chunk_leaves_no_output() {
    let dir = Dir::new();
    let good = points_file(400);
    let mut lines: Vec<&str> = good.lines().collect();
    let cases: Vec<(String, String)> = vec![
        (
            {
                let mut l = lines.clone();
                l[350] = "B1;2,3;nord";
                l.join("\n")
            },
            "ligne 351 : champ « lat » : attendu un nombre fini, trouvé « nord »".into(),
        ),
        (
            {
                let mut l = lines.clone();
                l[300] = "P7;2,3;49,9";
                l.join("\n")
            },
            "ligne 301 : champ « id » : « P7 » figure déjà à la ligne 10 : chaque id doit être unique"
                .into(),
        ),
        (
            {
                // A bad value after a repeated id: the bad value is told,
                // as the whole-file read checks ids after every row.
                let mut l = lines.clone();
                l[100] = "P7;2,3;49,9";
                l[380] = "B2;700000;6600000";
                l.join("\n")
            },
            "ligne 381 : champ « lon » : (700000, 6600000) : on dirait des mètres Lambert-93".into(),
        ),
        (
            {
                let mut l = lines.clone();
                l[390] = "B3;2,3;49,9;extra";
                l.join("\n")
            },
            "ligne 391 : 4 champs alors que l'en-tête en a 3".into(),
        ),
    ];
    lines.clear();
    for (i, (text, message)) in cases.iter().enumerate() {
        let pts = dir.write(&format!("bad{i}.csv"), text);
        let pts = pts.to_str().unwrap();
        let out = distance(&dir, pts, &format!("fresh{i}"), "50", "francais");
        assert_exit(&out, 1);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(message),
            "expected {message:?} in:\n{stderr}"
        );
        assert!(
            !dir.path().join(format!("fresh{i}")).exists(),
            "case {i}: an output folder was left"
        );
        // Over a previous run's outputs: they stay as they were.
        let before = dir.write(&format!("old{i}/points_distance.csv"), "old");
        let out = distance(&dir, pts, &format!("old{i}"), "50", "francais");
        assert_exit(&out, 1);
        assert_eq!(std::fs::read_to_string(&before).unwrap(), "old");
        let names: Vec<_> = std::fs::read_dir(dir.path().join(format!("old{i}")))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "case {i}: {names:?}");
    }
}

/// A Windows-1252 file read in chunks: one warning, the ids decoded.
#[test]
fn windows_1252_files_stream_with_their_warning() {
    let dir = Dir::new();
    let mut bytes = b"id,lon,lat\n".to_vec();
    for i in 0..60 {
        bytes.extend_from_slice(format!("\u{0}{i},2.3,49.9\n").as_bytes());
        let last = bytes.len();
        // The placeholder becomes an É in Windows-1252.
        bytes[last - format!("{i},2.3,49.9\n").len() - 1] = 0xC9;
    }
    let pts = dir.path().join("latin1.csv");
    std::fs::write(&pts, &bytes).unwrap();
    let out = distance(&dir, pts.to_str().unwrap(), "res", "8", "rfc4180");
    assert_exit(&out, 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("latin1.csv : 1 × pas en UTF-8 : lu en Windows-1252"),
        "{stderr}"
    );
    let table = dir.read("res/points_distance.csv");
    assert!(table.contains("\r\nÉ0,2.300000,49.900000,"), "{table}");
    assert!(table.contains("\r\nÉ59,"), "{table}");
}
