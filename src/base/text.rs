//! Names as people type them: [`fold`] compares them whatever the case,
//! the accents and the punctuation, and [`suggest`] offers the closest
//! known names for one that matches nothing.

/// Lower case, accents off, every run of non-alphanumeric characters as one
/// space: `Mission Locale de l'Arrageois` and `mission locale de l arrageois`
/// compare equal, and so do `vélo` and `VELO`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' | 'ì' => 'i',
            'ô' | 'ö' | 'ó' | 'õ' | 'ò' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' | 'ý' => 'y',
            'ç' => 'c',
            'ñ' => 'n',
            'œ' => {
                out.push('o');
                'e'
            }
            'æ' => {
                out.push('a');
                'e'
            }
            c => c,
        };
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// The edit distance (Levenshtein: insertions, deletions, substitutions,
/// each counting one) between two strings, on characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// At most `max` of `candidates` closest to `wanted`, closest first: each
/// candidate is one or more names (a code, a full name, a town) and scores
/// the smallest edit distance between the folded `wanted` and any of its
/// folded names, or any word run of them as long as `wanted` (so that
/// `Arass` finds the name that contains `Arras`). Only candidates within
/// half the length of `wanted` (at least 2 edits) are offered; ties keep
/// the candidates' order. Returns the candidates' indexes.
pub fn suggest<S: AsRef<str>>(wanted: &str, candidates: &[Vec<S>], max: usize) -> Vec<usize> {
    let w = fold(wanted);
    let wn = w.chars().count();
    let limit = (wn / 2).max(2);
    let words_w = w.split(' ').count();
    let mut scored: Vec<(usize, usize)> = candidates
        .iter()
        .enumerate()
        .filter_map(|(k, names)| {
            let best = names
                .iter()
                .flat_map(|n| {
                    let f = fold(n.as_ref());
                    let words: Vec<&str> = f.split(' ').collect();
                    let runs: Vec<String> = (0..words.len())
                        .flat_map(|i| {
                            let words = &words;
                            (i + 1..=words.len().min(i + words_w))
                                .map(move |j| words[i..j].join(" "))
                        })
                        .collect();
                    std::iter::once(f.clone()).chain(runs)
                })
                .map(|n| edit_distance(&w, &n))
                .min()?;
            (best <= limit).then_some((best, k))
        })
        .collect();
    scored.sort_by_key(|&(d, k)| (d, k));
    scored.into_iter().take(max).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_accents_and_punctuation() {
        assert_eq!(
            fold("Mission Locale de l'Arrageois"),
            "mission locale de l arrageois"
        );
        assert_eq!(fold("  BÉTHUNE-Bruay "), "bethune bruay");
        assert_eq!(fold("Cœur"), "coeur");
        assert_eq!(fold("vélo"), fold("VELO"));
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("arras", "arras"), 0);
        assert_eq!(edit_distance("arass", "arras"), 2);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("chat", "chats"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn suggestions_come_closest_first_and_few() {
        let names = vec![
            vec![
                "62041",
                "Maison de l'Emploi et des Métiers en Pays d'Artois",
                "Arras",
            ],
            vec!["80021", "Mission Locale du Grand Amiénois", "Amiens"],
            vec!["59350", "Mission Locale de Lille", "Lille"],
        ];
        assert_eq!(suggest("Arass", &names, 3), vec![0]);
        assert_eq!(suggest("amien", &names, 3), vec![1]);
        assert_eq!(suggest("pays d artoi", &names, 3), vec![0]);
        assert!(suggest("zzzzzzzzzz", &names, 3).is_empty());
        assert!(suggest("Lile", &names, 1).len() <= 1);
    }
}
