//! The import order of the library's top-level modules: each may use only
//! those before it in [`ORDER`], so that no two modules import each other,
//! directly or in a cycle. The "Architecture" section of
//! docs/developpement.md states the same order. Test code (`#[cfg(test)]`
//! items and `tests.rs` files) is left out: a test may reach up.

use std::collections::BTreeSet;
use std::path::Path;

/// The modules from the bottom up.
const ORDER: [&str; 14] = [
    "base", "error", "warnings", "progress", "seeded", "geom", "model", "index", "load",
    "analysis", "output", "render", "pipeline", "cli",
];

/// `src` without comments, string literals and `#[cfg(test)]` items.
fn code_of(text: &str) -> String {
    // Comments and strings out first, so that braces in them do not count.
    let mut out = String::with_capacity(text.len());
    let b: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if b[i] == '/' && b.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if b[i] == 'r' && matches!(b.get(i + 1), Some('"') | Some('#')) && {
            let mut j = i + 1;
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            b.get(j) == Some(&'"') && (i == 0 || !b[i - 1].is_alphanumeric() && b[i - 1] != '_')
        } {
            // A raw string: r"…" or r#"…"#.
            let mut hashes = 0;
            i += 1;
            while b[i] == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            loop {
                if i >= b.len() {
                    break;
                }
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if b[i] == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == '\'' && (b.get(i + 2) == Some(&'\'') || b.get(i + 1) == Some(&'\\')) {
            // A char literal ('{', '\n', '\''): skipped; lifetimes are not.
            i += 1;
            if b[i] == '\\' {
                i += 1;
            }
            i += 1;
            while i < b.len() && b[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    // Then the items marked #[cfg(test)]: up to the end of their braces, or
    // their semicolon.
    let mut kept = String::with_capacity(out.len());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        kept.push_str(&rest[..at]);
        let after = &rest[at..];
        let mut depth = 0usize;
        let mut end = after.len();
        for (k, c) in after.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k + 1;
                        break;
                    }
                }
                ';' if depth == 0 => {
                    end = k + 1;
                    break;
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    kept.push_str(rest);
    kept
}

/// The crate's top-level modules that `code` refers to (`crate::x::…`).
fn uses(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every `crate::x` a non-test line of `src/` refers to, as (file, module
/// of the file, module used).
fn imports() -> Vec<(String, String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut v = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" || rel == "main.rs" || rel.ends_with("/tests.rs") {
            continue;
        }
        let top = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let code = code_of(&std::fs::read_to_string(&f).unwrap());
        for used in uses(&code) {
            if used != top {
                v.push((rel.clone(), top.clone(), used));
            }
        }
    }
    v
}

#[test]
fn no_module_imports_one_above_it() {
    let rank = |m: &str| ORDER.iter().position(|o| *o == m);
    let mut wrong = Vec::new();
    for (file, from, to) in imports() {
        match (rank(&from), rank(&to)) {
            (Some(a), Some(b)) if b < a => {}
            (None, _) => wrong.push(format!("{file}: module {from} is not in ORDER")),
            (_, None) => wrong.push(format!("{file}: uses crate::{to}, not in ORDER")),
            _ => wrong.push(format!(
                "{file} ({from}) uses crate::{to}, which comes after it"
            )),
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn every_top_level_module_is_in_the_order_and_the_contributors_page() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).unwrap();
    let declared: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let mut sorted_order: Vec<&str> = ORDER.to_vec();
    sorted_order.sort_unstable();
    let mut sorted_declared = declared.clone();
    sorted_declared.sort_unstable();
    assert_eq!(
        sorted_declared, sorted_order,
        "src/lib.rs declares other modules"
    );
    // The contributors' page states the order; the README links to it.
    let page = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/developpement.md"
    ))
    .unwrap();
    let stated = format!("`{}`", ORDER.join("` → `"));
    assert!(
        page.contains(&stated),
        "docs/developpement.md must state the import order as {stated}"
    );
}

#[test]
fn the_checker_sees_imports_and_skips_test_code_comments_and_strings() {
    let code = code_of(
        "use crate::model::Territory;\n\
         // use crate::cli::Nope;\n\
         let s = \"crate::render\";\n\
         let c = '{';\n\
         fn f() { crate::index::SiteIndex::new(&[]); }\n\
         #[cfg(test)]\nmod tests { use crate::cli::Context; fn g() { let x = '}'; } }\n\
         pub use crate::base::LonLat;\n",
    );
    let found: Vec<String> = uses(&code).into_iter().collect();
    assert_eq!(found, ["base", "index", "model"]);
}
