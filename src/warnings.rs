//! Problems that do not stop a run, counted by file and reason so that the
//! user gets one summary line per kind ("12 × site hors de la région,
//! ignoré") instead of a flood, and nothing is dropped silently.

use std::collections::BTreeMap;
use std::path::Path;

/// How many examples a summary line names.
const EXAMPLES: usize = 3;

#[derive(Debug, Default, Clone)]
struct Entry {
    count: usize,
    examples: Vec<String>,
}

/// A collector of non-fatal problems. Ordered, so the summary is deterministic.
#[derive(Debug, Default, Clone)]
pub struct Warnings {
    entries: BTreeMap<(String, String), Entry>,
}

impl Warnings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one occurrence of `reason` in `file`; `example` says where
    /// ("line 12", "feature 4 (QN05909M)").
    pub fn add(&mut self, file: &Path, reason: impl Into<String>, example: impl Into<String>) {
        let e = self
            .entries
            .entry((file.display().to_string(), reason.into()))
            .or_default();
        e.count += 1;
        if e.examples.len() < EXAMPLES {
            e.examples.push(example.into());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of occurrences of every reason.
    pub fn total(&self) -> usize {
        self.entries.values().map(|e| e.count).sum()
    }

    /// Number of occurrences whose reason contains `needle`.
    pub fn count_matching(&self, needle: &str) -> usize {
        self.entries
            .iter()
            .filter(|((_, r), _)| r.contains(needle))
            .map(|(_, e)| e.count)
            .sum()
    }

    /// One line per file and reason: `file : N × reason (p. ex. ligne 4, ligne 9)`.
    pub fn lines(&self) -> Vec<String> {
        self.entries
            .iter()
            .map(|((file, reason), e)| {
                let more = if e.count > e.examples.len() {
                    ", …"
                } else {
                    ""
                };
                format!(
                    "{file} : {} × {reason} (p. ex. {}{more})",
                    e.count,
                    e.examples.join(", ")
                )
            })
            .collect()
    }

    pub fn extend(&mut self, other: Warnings) {
        for (k, e) in other.entries {
            let mine = self.entries.entry(k).or_default();
            mine.count += e.count;
            for ex in e.examples {
                if mine.examples.len() < EXAMPLES {
                    mine.examples.push(ex);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_file_and_reason_and_keeps_three_examples() {
        let mut w = Warnings::new();
        for i in 0..5 {
            w.add(
                Path::new("sites.csv"),
                "site hors de la région, ignoré",
                format!("ligne {i}"),
            );
        }
        w.add(Path::new("sites.csv"), "pas de coordonnées", "ligne 9");
        assert_eq!(w.total(), 6);
        let lines = w.lines();
        assert_eq!(lines.len(), 2);
        assert!(lines[1].contains("5 × site hors de la région"), "{lines:?}");
        assert!(
            lines[1].contains("ligne 0, ligne 1, ligne 2, …"),
            "{lines:?}"
        );
    }
}
