//! The documentation's commands stay true: every `maillage …` line (and
//! `cargo run --release -- …`) of a ```sh block in README.md and docs/*.md
//! parses with the binary's own command line (clap's definition, after the
//! folding of case, accents and former names), so a misspelled command,
//! option or value fails here; and the quick starts that need no network run
//! for real on the embedded data.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::Parser;
use maillage::cli::vocabulary::normalize_args;
use maillage::cli::Cli;

use crate::util::{assert_exit, Dir};

/// A command shown in the documentation: where, and its words after
/// `maillage`.
#[derive(Debug)]
struct Shown {
    place: String,
    words: Vec<String>,
}

/// The documentation pages: README.md and every docs/*.md.
fn pages() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// Splits a shell line into words: blanks separate, quotes ('…', "…") keep
/// blanks, a backslash escapes the next character; ` #` starts a comment.
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' if word.is_none() => break,
            c if c.is_whitespace() => {
                words.extend(word.take());
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("quote ' not closed".into()),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => w.extend(chars.next()),
                        Some(c) => w.push(c),
                        None => return Err("quote \" not closed".into()),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// The `maillage` commands of the ```sh blocks of one page's text, lines
/// ending in `\` joined to the next.
fn commands_in(name: &str, text: &str) -> Result<Vec<Shown>, String> {
    let mut shown = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_sh = !in_sh && trimmed == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let (start, mut full) = pending.take().unwrap_or((i + 1, String::new()));
        if let Some(body) = trimmed.strip_suffix('\\') {
            full.push_str(body);
            full.push(' ');
            pending = Some((start, full));
            continue;
        }
        full.push_str(trimmed);
        let words = shell_words(&full).map_err(|e| format!("{name}:{start}: {e}: {full}"))?;
        let rest = match words.first().map(String::as_str) {
            Some("maillage") => &words[1..],
            Some("cargo") if words.len() > 4 && words[1..4] == ["run", "--release", "--"] => {
                &words[4..]
            }
            _ => continue,
        };
        shown.push(Shown {
            place: format!("{name}:{start}"),
            words: rest.to_vec(),
        });
    }
    Ok(shown)
}

/// Parses the words as the binary does; clap's message when they do not.
fn parse(words: &[String]) -> Result<Cli, String> {
    let argv = std::iter::once(OsString::from("maillage")).chain(words.iter().map(OsString::from));
    Cli::try_parse_from(normalize_args(argv))
        .map_err(|e| e.to_string().lines().next().unwrap_or_default().to_string())
}

/// Every command of every page, each with its parse error if any.
fn check(pages: &[(String, String)]) -> (Vec<Shown>, Vec<String>) {
    let mut all = Vec::new();
    let mut wrong = Vec::new();
    for (name, text) in pages {
        match commands_in(name, text) {
            Ok(shown) => all.extend(shown),
            Err(e) => wrong.push(e),
        }
    }
    for s in &all {
        if let Err(e) = parse(&s.words) {
            wrong.push(format!("{}: maillage {}: {e}", s.place, s.words.join(" ")));
        }
    }
    (all, wrong)
}

fn read_pages() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    pages()
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, text)
        })
        .collect()
}

#[test]
fn every_command_in_the_docs_parses() {
    let pages = read_pages();
    assert!(pages.len() >= 8, "README.md and the docs/ pages");
    let (all, wrong) = check(&pages);
    assert!(
        wrong.is_empty(),
        "commands in the documentation that maillage does not take:\n{}",
        wrong.join("\n")
    );
    // Each page that shows commands is read: not a silent empty scan.
    for page in [
        "README.md",
        "docs/guide-planificateur.md",
        "docs/guide-directeur.md",
        "docs/guide-mobilite.md",
    ] {
        assert!(
            all.iter().filter(|s| s.place.starts_with(page)).count() >= 3,
            "{page}: fewer than 3 commands found in its ```sh blocks"
        );
    }
}

#[test]
fn a_misspelled_command_option_or_value_in_a_page_is_caught() {
    let page = |text: &str| vec![("page.md".to_string(), text.to_string())];
    for bad in [
        "maillage rapport --rayon-kms 5",
        "maillage raport",
        "maillage implantation --modele p-median-x",
        "maillage couverture --rayons-km 10,5",
        "maillage carte --type toutes \\\n    --formt png",
    ] {
        let (all, wrong) = check(&page(&format!("Texte.\n\n```sh\n{bad}\n```\n")));
        assert_eq!(all.len(), 1, "{bad}");
        assert_eq!(wrong.len(), 1, "{bad} was taken");
        assert!(wrong[0].starts_with("page.md:4: maillage "), "{}", wrong[0]);
    }
    // Folded names, former names, quotes, comments, continuations and the
    // cargo form are read as the shell and the binary read them.
    let good = "```sh\n\
        maillage Rapport --Portée-km 4   # un commentaire\n\
        maillage sites --ml \"pays d'artois\"\n\
        maillage placement --k 2 \\\n  --ml 62041\n\
        cargo run --release -- rapport\n\
        cargo test\n\
        ```\n\
        ```\nmaillage pas-dans-un-bloc-sh\n```\n";
    let (all, wrong) = check(&page(good));
    assert!(wrong.is_empty(), "{wrong:?}");
    assert_eq!(all.len(), 4, "{all:?}");
    assert_eq!(all[1].words, ["sites", "--ml", "pays d'artois"]);
    assert_eq!(all[2].words, ["placement", "--k", "2", "--ml", "62041"]);
}

/// The sites file the director's guide opens as a new permanence.
const NOUVEAU_CSV: &str = "site_id,code_ml,nom,type,code_insee,lon,lat\n\
                           NOUV-1,62041,Permanence de Boyelles,permanence,62172,,\n";

/// The quick starts that need no network, run as the docs show them (plus
/// `--out` in a temporary folder): each exits 0 with its files.
#[test]
fn the_quick_starts_run_on_the_embedded_data() {
    let pages = read_pages();
    let (all, _) = check(&pages);
    let guide = &pages
        .iter()
        .find(|(n, _)| n == "docs/guide-directeur.md")
        .expect("the director's guide")
        .1;
    assert!(
        guide.contains(NOUVEAU_CSV),
        "docs/guide-directeur.md shows nouveau.csv as the test writes it"
    );
    let runs: [(&str, &[&str]); 6] = [
        (
            "rapport --ml Arras --grille-m 0",
            &["synthese.html", "communes.csv", "carte_distances_62041.png"],
        ),
        ("sites --ml Arras", &["liste_sites.csv"]),
        (
            "implantation --ml Arras --nombre 2",
            &["placement.csv", "placement_bilan.csv"],
        ),
        (
            "scenario --ouvrir nouveau.csv --ml Arras",
            &["scenario_indicateurs.csv", "scenario_communes.csv"],
        ),
        (
            "scenario --fermer 62041-P001 --ml Arras",
            &["scenario_communes.csv"],
        ),
        ("bassins", &["bassins.csv", "bassins_communes.csv"]),
    ];
    for (command, files) in runs {
        let words: Vec<String> = command.split(' ').map(String::from).collect();
        assert!(
            all.iter().any(|s| s.words == words),
            "`maillage {command}` is not shown in a ```sh block of the docs"
        );
        let dir = Dir::new();
        dir.write("nouveau.csv", NOUVEAU_CSV);
        let mut args: Vec<&str> = words.iter().map(String::as_str).collect();
        args.extend(["--out", "sortie", "--quiet"]);
        let out = dir.run(&args);
        assert_exit(&out, 0);
        for f in files {
            assert!(
                dir.path().join("sortie").join(f).is_file(),
                "maillage {command}: no {f}"
            );
        }
    }
}

/// The contributors' vocabulary table is the record of `cli::vocabulary`:
/// each French name beside its former English one.
#[test]
fn the_vocabulary_table_lists_every_rename() {
    use maillage::cli::vocabulary::{COMMANDS, MORE_OPTIONS, OPTIONS, VALUES};
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/developpement.md"
    ))
    .unwrap();
    let pairs = COMMANDS
        .iter()
        .map(|(fr, en)| (*fr, *en))
        .chain(
            OPTIONS
                .iter()
                .chain(&MORE_OPTIONS)
                .map(|(_, fr, en, _)| (*fr, *en)),
        )
        .chain(VALUES.iter().map(|(_, _, fr, en)| (*fr, *en)));
    for (fr, en) in pairs {
        assert!(
            page.lines().any(|l| {
                let french = l.contains(&format!("`{fr}`")) || l.contains(&format!(" {fr}`"));
                french && l.contains(&format!("`{en}`"))
            }),
            "docs/developpement.md: no line with {fr} beside `{en}`"
        );
    }
}
