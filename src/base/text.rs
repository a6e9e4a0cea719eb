//! Names as people type them: [`fold`] compares them whatever the case,
//! the accents and the punctuation, and [`suggest`] offers the closest
//! known names for one that matches nothing; [`escape_markup`] writes a
//! text into HTML or XML.

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

/// At most `max` of `candidates` closest to `wanted`, closest first. Each
/// candidate is one or more names (a code, a full name, a town); all are
/// compared folded ([`fold`]).
///
/// 1. First the candidates one of whose names, or a run of its words as
///    long as `wanted`, lies within a few edits of `wanted` (a quarter of
///    its length, at least 2), fewest edits first: `Arass` finds `Arras`.
/// 2. Then the candidates that share words with `wanted` (words of three
///    letters or more, each within one edit, two for words of six letters
///    or more), a word counting the less the more candidates hold it:
///    `Grand Arras` finds the Mission Locale whose seat is Arras before the
///    several whose names hold `Grand`.
///
/// Ties keep the candidates' order. Returns the candidates' indexes.
pub fn suggest<S: AsRef<str>>(wanted: &str, candidates: &[Vec<S>], max: usize) -> Vec<usize> {
    let w = fold(wanted);
    let limit = (w.chars().count() / 4).max(2);
    let wanted_words: Vec<&str> = w.split(' ').filter(|x| x.chars().count() >= 3).collect();
    let n_words = w.split(' ').count();
    let folded: Vec<Vec<String>> = candidates
        .iter()
        .map(|names| names.iter().map(|n| fold(n.as_ref())).collect())
        .collect();
    // 1. Close as a whole.
    let mut close: Vec<(usize, usize)> = folded
        .iter()
        .enumerate()
        .filter_map(|(k, names)| {
            let best = names
                .iter()
                .flat_map(|f| {
                    let words: Vec<&str> = f.split(' ').collect();
                    let runs: Vec<String> = (0..words.len())
                        .flat_map(|i| {
                            let words = &words;
                            (i + 1..=words.len().min(i + n_words))
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
    close.sort_by_key(|&(d, k)| (d, k));
    let mut out: Vec<usize> = close.into_iter().map(|(_, k)| k).collect();
    // 2. Sharing rare words.
    let near = |a: &str, b: &str| {
        let allowed = if a.chars().count() >= 6 { 2 } else { 1 };
        edit_distance(a, b) <= allowed
    };
    let holds = |k: usize, word: &str| {
        folded[k].iter().any(|f| {
            f.split(' ')
                .any(|x| x.chars().count() >= 3 && near(word, x))
        })
    };
    let df: Vec<usize> = wanted_words
        .iter()
        .map(|word| (0..folded.len()).filter(|&k| holds(k, word)).count())
        .collect();
    let mut shared: Vec<(f64, usize)> = (0..folded.len())
        .filter(|k| !out.contains(k))
        .map(|k| {
            let score: f64 = wanted_words
                .iter()
                .zip(&df)
                .filter(|(word, _)| holds(k, word))
                .map(|(_, &d)| 1.0 / d as f64)
                .sum();
            (score, k)
        })
        .filter(|(score, _)| *score > 0.0)
        .collect();
    shared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    out.extend(shared.into_iter().map(|(_, k)| k));
    out.truncate(max);
    out
}

/// Escapes a text for HTML or XML, in element content and in attribute
/// values alike: `& < > " '`, the line feed and the line and paragraph
/// separators (U+2028, U+2029) become references (numeric but for the first
/// four, valid in both languages).
///
/// ```
/// use maillage::base::text::escape_markup;
/// assert_eq!(escape_markup("l'a<b & \"c\""), "l&#39;a&lt;b &amp; &quot;c&quot;");
/// assert_eq!(escape_markup("a\u{2028}b"), "a&#8232;b");
/// ```
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            // Line and paragraph separators: invisible, and they end a line
            // of script in older engines; a reference keeps them.
            '\u{2028}' => out.push_str("&#8232;"),
            '\u{2029}' => out.push_str("&#8233;"),
            c => out.push(c),
        }
    }
    out
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
        assert_eq!(suggest("amien", &names, 3)[0], 1);
        assert_eq!(suggest("pays d artoi", &names, 3)[0], 0);
        assert!(suggest("zzzzzzzzzz", &names, 3).is_empty());
        assert_eq!(suggest("Lile", &names, 1), vec![2]);
        // A rare word counts more than a common one.
        let more = vec![
            vec!["1", "Mission Locale du Grand Amiénois", "Amiens"],
            vec!["2", "Mission Locale du Grand Lens", "Lens"],
            vec!["3", "Maison de l'Emploi en Pays d'Artois", "Arras"],
            vec!["4", "Mission Locale du Grand Calaisis", "Calais"],
        ];
        assert_eq!(suggest("Grand Arras", &more, 3)[0], 2);
        assert!(suggest("Grand Arras", &more, 3).len() <= 3);
    }
}
