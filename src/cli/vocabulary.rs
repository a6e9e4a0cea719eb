//! The words a person types, in French, and the former English ones that
//! still work as hidden aliases, so that no script breaks; and the folding
//! of what is typed, so that case and accents do not matter (`Rapport`,
//! `--portée-km`, `vélo`).
//!
//! The tables below are the record of every rename: the tests check that
//! each former name is a hidden alias of its French one, and docs/developpement.md's
//! vocabulary table is these tables.

use std::ffi::OsString;

use clap::CommandFactory;

use crate::base::text::fold;
use crate::cli::Cli;

/// Commands: (French name, former name).
pub const COMMANDS: [(&str, &str); 8] = [
    ("rapport", "report"),
    ("couverture", "coverage"),
    ("points-chauds", "hotspots"),
    ("bassins", "basins"),
    ("implantation", "placement"),
    ("implantation", "place"),
    ("carte", "map"),
    ("controle", "check-data"),
];

/// Options: (a command that has it, French name, former name, a value to
/// try them with and the other options it needs, `None` for a flag).
pub const OPTIONS: [(&str, &str, &str, Option<&str>); 27] = [
    ("distance", "--grille-m", "--grid-m", Some("500")),
    ("distance", "--acces-km", "--access-km", Some("15")),
    (
        "distance",
        "--acces-tranches-km",
        "--access-bands-km",
        Some("5:1,10:0.5"),
    ),
    (
        "distance",
        "--apl-tranches-km",
        "--apl-bands-km",
        Some("7:1,10:2/3"),
    ),
    (
        "distance",
        "--poids-sites",
        "--site-weights",
        Some("permanence=0.1"),
    ),
    (
        "distance",
        "--ecrire-couts-acces",
        "--write-access-costs",
        None,
    ),
    ("distance", "--acces-min", "--access-min", Some("20")),
    (
        "distance",
        "--acces-tranches-min",
        "--access-bands-min",
        Some("10:1,20:0.5"),
    ),
    (
        "distance",
        "--apl-tranches-min",
        "--apl-bands-min",
        Some("10:1,15:0.5"),
    ),
    (
        "distance",
        "--rattachement-max-m",
        "--snap-max-m",
        Some("500"),
    ),
    ("distance", "--trajet-max-min", "--max-min", Some("90")),
    ("couverture", "--rayons-km", "--radius-km", Some("5,10")),
    (
        "points-chauds",
        "--part-non-mobiles",
        "--non-mobile-rate",
        Some("0.25"),
    ),
    ("points-chauds", "--portee-km", "--reach-km", Some("4")),
    ("points-chauds", "--portee-min", "--reach-min", Some("20")),
    ("bassins", "--bassins", "--basins", Some("b.csv")),
    ("bassins", "--nombre-bassins", "--count", Some("8")),
    ("implantation", "--nombre", "--k", Some("3")),
    ("implantation", "--rayon-km", "--radius-km", Some("7")),
    ("implantation", "--rayon-min", "--radius-min", Some("25")),
    (
        "implantation",
        "--candidats",
        "--candidates",
        Some("france-services"),
    ),
    (
        "implantation",
        "--objectif",
        "--objective",
        Some("population"),
    ),
    ("implantation", "--modele", "--model", Some("p-mediane")),
    (
        "implantation",
        "--exact-noeuds",
        "--exact-nodes",
        Some("1000 --exact"),
    ),
    (
        "rapport",
        "--implantation-nombre",
        "--placement-k",
        Some("5"),
    ),
    (
        "rapport",
        "--implantation-rayon-km",
        "--placement-radius-km",
        Some("7"),
    ),
    (
        "rapport",
        "--implantation-candidats",
        "--placement-candidates",
        Some("france-services"),
    ),
];

/// More options: (a command that has it, French name, former name, value).
pub const MORE_OPTIONS: [(&str, &str, &str, Option<&str>); 4] = [
    (
        "rapport",
        "--implantation-rayon-min",
        "--placement-radius-min",
        Some("25"),
    ),
    ("carte", "--type", "--kind", Some("distances")),
    ("scenario", "--ouvrir", "--add", Some("s.csv")),
    ("scenario", "--fermer", "--remove", Some("02168-S00")),
];

/// Listed values: (command, option, French value, former value).
pub const VALUES: [(&str, &str, &str, &str); 5] = [
    ("implantation", "--modele", "couverture-max", "mclp"),
    ("implantation", "--modele", "p-mediane", "p-median"),
    ("carte", "--format", "les-deux", "both"),
    ("carte", "--type", "points-chauds", "hotspots"),
    ("carte", "--type", "implantation", "placement"),
];

/// A word as people type it, compared the way the command line compares:
/// lower case, no accents, separators as hyphens (`Points chauds` →
/// `points-chauds`, `--Portée-km` → `portee-km`).
fn word(s: &str) -> String {
    fold(s).replace(' ', "-")
}

/// The command line with its command and option names folded to the
/// names clap knows, whatever the case and accents: `maillage Rapport
/// --Portée-km 3` reads as `maillage rapport --portee-km 3`. Values are left
/// as typed (their parsers fold the listed words themselves); everything
/// after `--` too.
pub fn normalize_args(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let root = Cli::command();
    let mut args = args.into_iter();
    let mut out: Vec<OsString> = args.next().into_iter().collect();
    let mut sub: Option<clap::Command> = None;
    while let Some(a) = args.next() {
        let Some(text) = a.to_str().map(str::to_string) else {
            out.push(a);
            continue;
        };
        if text == "--" {
            // Everything after it is a value.
            out.push(a);
            out.extend(args.by_ref());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let folded = word(name);
            let known = sub
                .iter()
                .chain(std::iter::once(&root))
                .flat_map(|c| c.get_arguments())
                .find(|arg| {
                    arg.get_long().is_some_and(|l| l == folded)
                        || arg
                            .get_all_aliases()
                            .is_some_and(|al| al.contains(&folded.as_str()))
                });
            let Some(arg) = known else {
                out.push(a);
                continue;
            };
            out.push(OsString::from(match value {
                Some(v) => format!("--{folded}={v}"),
                None => format!("--{folded}"),
            }));
            // Its value, as typed.
            if value.is_none() && arg.get_action().takes_values() {
                out.extend(args.next());
            }
            continue;
        }
        if sub.is_none() && !text.starts_with('-') {
            let folded = word(&text);
            if let Some(c) = root
                .get_subcommands()
                .find(|c| c.get_name() == folded || c.get_all_aliases().any(|al| al == folded))
            {
                sub = Some(c.clone());
                out.push(OsString::from(folded));
                continue;
            }
        }
        out.push(a);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> String {
        let argv = std::iter::once("maillage")
            .chain(args.iter().copied())
            .map(OsString::from);
        let cli =
            Cli::try_parse_from(normalize_args(argv)).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        format!("{cli:?}")
    }

    /// Every former command, option and value reads exactly as its French
    /// name.
    #[test]
    fn former_names_still_work() {
        for (fr, en) in COMMANDS {
            assert_eq!(parse(&[en]), parse(&[fr]), "{en}");
        }
        for (cmd, fr, en, value) in OPTIONS.iter().chain(&MORE_OPTIONS) {
            let rest: Vec<&str> = value.iter().flat_map(|v| v.split_whitespace()).collect();
            let a: Vec<&str> = [*cmd, *fr]
                .into_iter()
                .chain(rest.iter().copied())
                .collect();
            let b: Vec<&str> = [*cmd, *en]
                .into_iter()
                .chain(rest.iter().copied())
                .collect();
            assert_eq!(parse(&b), parse(&a), "{cmd} {en}");
        }
        for (cmd, option, fr, en) in VALUES {
            assert_eq!(
                parse(&[cmd, option, en]),
                parse(&[cmd, option, fr]),
                "{cmd} {option} {en}"
            );
        }
    }

    /// The former names are hidden: the help shows the French ones only.
    #[test]
    fn former_names_are_hidden_aliases() {
        let root = Cli::command();
        for (fr, en) in COMMANDS {
            let c = root.get_subcommands().find(|c| c.get_name() == fr).unwrap();
            assert!(c.get_all_aliases().any(|a| a == en), "{en}");
            assert!(!c.get_visible_aliases().any(|a| a == en), "{en}");
        }
        for (cmd, fr, en, _) in OPTIONS.iter().chain(&MORE_OPTIONS) {
            let c = root.find_subcommand(cmd).unwrap();
            let arg = c
                .get_arguments()
                .find(|a| a.get_long() == Some(&fr[2..]))
                .unwrap_or_else(|| panic!("{cmd} {fr}"));
            assert!(
                arg.get_all_aliases()
                    .unwrap_or_default()
                    .contains(&&en[2..]),
                "{cmd} {en}"
            );
            assert!(
                arg.get_visible_aliases().unwrap_or_default().is_empty(),
                "{cmd} {fr}"
            );
        }
    }

    /// Every alias the command line knows is in the tables: no rename goes
    /// unrecorded.
    #[test]
    fn every_alias_is_recorded() {
        let root = Cli::command();
        let recorded_options: Vec<&str> = OPTIONS
            .iter()
            .chain(&MORE_OPTIONS)
            .map(|(_, _, en, _)| &en[2..])
            .collect();
        for c in root.get_subcommands() {
            for a in c.get_all_aliases() {
                assert!(COMMANDS.iter().any(|(_, en)| *en == a), "command {a}");
            }
            for arg in c.get_arguments() {
                for a in arg.get_all_aliases().unwrap_or_default() {
                    assert!(recorded_options.contains(&a), "{} --{a}", c.get_name());
                }
            }
        }
    }

    #[test]
    fn case_and_accents_are_ignored() {
        assert_eq!(
            parse(&[
                "Points-Chauds",
                "--Portée-km",
                "4",
                "--mode",
                "Vélo",
                "--reseau",
                "r.pbf"
            ]),
            parse(&[
                "points-chauds",
                "--portee-km",
                "4",
                "--mode",
                "velo",
                "--reseau",
                "r.pbf"
            ])
        );
        assert_eq!(
            parse(&["CARTE", "--type", "Points chauds", "--format", "Les deux"]),
            parse(&["carte", "--type", "points-chauds", "--format", "les-deux"])
        );
        assert_eq!(
            parse(&["contrôle", "--référence", "r.csv"]),
            parse(&["controle", "--reference", "r.csv"])
        );
        assert_eq!(
            parse(&["scénario", "--départ=2019-05-13T08:00"]).len(),
            parse(&["scenario", "--depart", "2019-05-13T08:00"]).len()
        );
        // A value is never taken for a command: `--out rapport` is a folder.
        assert!(parse(&["--out", "Rapport", "distance"]).contains("\"Rapport\""));
    }
}
