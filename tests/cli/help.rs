//! `--help` shows examples that run on the embedded data, and they do run.

use crate::util::{assert_exit, Dir};

#[test]
fn help_lists_commands_and_examples() {
    let dir = Dir::new();
    let out = dir.run(&["--help"]);
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    for english in ["Usage:", "[default:", "[possible values:", "Print help"] {
        assert!(!text.contains(english), "--help says {english}:\n{text}");
    }
    for needle in [
        "rapport",
        "controle",
        "maillage rapport",
        "Statut de sortie",
        "Utilisation : maillage",
        "Commandes :",
        "Affiche l'aide",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}:\n{text}");
    }
    // Every command's help is French, clap's own words included.
    for cmd in [
        "rapport",
        "distance",
        "couverture",
        "points-chauds",
        "bassins",
        "implantation",
        "carte",
        "scenario",
        "controle",
        "reseau",
        "temps",
        "missions-locales",
        "sites",
    ] {
        let out = dir.run(&[cmd, "--help"]);
        assert_exit(&out, 0);
        let help = String::from_utf8_lossy(&out.stdout);
        for needle in [
            format!("maillage {cmd}"),
            "Exemples :".into(),
            "Utilisation :".into(),
            "Options générales :".into(),
        ] {
            assert!(
                help.contains(&needle),
                "{cmd} --help lacks {needle}:\n{help}"
            );
        }
        for english in ["Usage:", "Examples:", "[default:", "Print help", "Options:"] {
            assert!(
                !help.contains(english),
                "{cmd} --help says {english}:\n{help}"
            );
        }
    }
}

#[test]
fn bad_usage_exits_with_2() {
    let out = Dir::new().run(&["rapport", "--csv", "excel"]);
    assert_exit(&out, 2);
}
