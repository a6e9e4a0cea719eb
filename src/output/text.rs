//! A table as aligned text for the terminal: one line per row, columns
//! padded to their widest cell (counted in characters), numbers aligned
//! right, the French way (`768 524`, `0,74`).

use crate::base::french;
use crate::output::write::{Cell, Table};

/// The cell as a person reads it (the terminal, the page): French numbers,
/// `oui`/`non`.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => french::signed(*n),
        Cell::Float(x, d) => french::decimal(*x, *d),
        Cell::Exact(x) => format!("{x}").replace('.', ","),
        Cell::Bool(b) => if *b { "oui" } else { "non" }.into(),
        Cell::Empty => String::new(),
    }
}

/// `table` as aligned text, headers first, with `labels` (one per column)
/// in place of the column names.
pub fn aligned(table: &Table, labels: &[&str]) -> String {
    let rows: Vec<Vec<(String, bool)>> = table
        .rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| {
                    (
                        cell_text(c),
                        matches!(c, Cell::Int(_) | Cell::Float(..) | Cell::Exact(_)),
                    )
                })
                .collect()
        })
        .collect();
    let n = labels.len().min(table.headers.len());
    let width: Vec<usize> = (0..n)
        .map(|k| {
            rows.iter()
                .map(|r| r[k].0.chars().count())
                .chain(std::iter::once(labels[k].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let pad = |s: &str, w: usize, right: bool| {
        let fill = " ".repeat(w.saturating_sub(s.chars().count()));
        if right {
            format!("{fill}{s}")
        } else {
            format!("{s}{fill}")
        }
    };
    let mut out = String::new();
    let line = |cells: Vec<String>| cells.join("  ").trim_end().to_string() + "\n";
    out.push_str(&line(
        (0..n).map(|k| pad(labels[k], width[k], false)).collect(),
    ));
    for r in &rows {
        out.push_str(&line(
            (0..n).map(|k| pad(&r[k].0, width[k], r[k].1)).collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_padded_and_numbers_right_aligned() {
        let mut t = Table::new(&["code", "nom", "jeunes"]);
        t.push(vec!["62041".into(), "Arras".into(), Cell::Int(26_241)]);
        t.push(vec!["59350".into(), "Lille Métropole".into(), Cell::Int(7)]);
        let s = aligned(&t, &["Code", "Nom", "Jeunes"]);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "Code   Nom              Jeunes");
        assert_eq!(lines[1], "62041  Arras            26\u{a0}241");
        assert_eq!(lines[2], "59350  Lille Métropole       7");
    }
}
