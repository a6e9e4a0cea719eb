//! `--help` shows examples that run on the embedded data, and they do run.

use crate::util::{assert_exit, Dir};

#[test]
fn help_lists_commands_and_examples() {
    let dir = Dir::new();
    let out = dir.run(&["--help"]);
    assert_exit(&out, 0);
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "report",
        "check-data",
        "maillage report",
        "Statut de sortie",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}:\n{text}");
    }
    for cmd in ["report", "check-data"] {
        let out = dir.run(&[cmd, "--help"]);
        assert_exit(&out, 0);
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("maillage {cmd}")));
    }
}

#[test]
fn bad_usage_exits_with_2() {
    let out = Dir::new().run(&["report", "--csv", "excel"]);
    assert_exit(&out, 2);
}
