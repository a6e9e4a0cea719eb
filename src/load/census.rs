//! Reads the census count of young people per commune
//! (`geodata/jeunes_15_24_rp2022.csv`, embedded): INSEE's census 2022, people
//! aged 15–24 with one decimal, for the 3,782 communes of Hauts-de-France.
//! The counts are kept in tenths of a person, read from the text, so that the
//! scaling of [`crate::model::youth`] never depends on float rounding.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Error;
use crate::load::csv_in;
use crate::load::territory::defaults;
use crate::warnings::Warnings;

/// The column of the count.
const COUNT: &str = "jeunes_15_24_rp2022";

/// The embedded census counts: 15–24 year-olds in tenths, by INSEE code.
pub fn census_15_24() -> Result<BTreeMap<String, u64>, Error> {
    let d = defaults::RECENSEMENT_15_24;
    parse_census(Path::new(d.name), d.bytes)
}

/// The census counts of a CSV with columns `code_insee` and
/// `jeunes_15_24_rp2022` (a count with at most one decimal, point or comma):
/// 15–24 year-olds in tenths, by INSEE code. A malformed count or a commune
/// given twice is an error naming the line and the field.
pub fn parse_census(path: &Path, bytes: &[u8]) -> Result<BTreeMap<String, u64>, Error> {
    let layer = csv_in::parse_csv(path, bytes, &mut Warnings::new())?;
    let mut counts = BTreeMap::new();
    for f in &layer.features {
        let (_, code) = f.require_text(path, &["code_insee"])?;
        let (_, text) = f.require_text(path, &[COUNT])?;
        let tenths = tenths(&text).ok_or_else(|| {
            Error::field(
                path,
                f.location.clone(),
                COUNT,
                format!(
                    "« {text} » : attendu un nombre de personnes positif avec au plus une décimale"
                ),
            )
        })?;
        if counts.insert(code.clone(), tenths).is_some() {
            return Err(Error::field(
                path,
                f.location.clone(),
                "code_insee",
                format!("commune {code} donnée deux fois"),
            ));
        }
    }
    Ok(counts)
}

/// `51.0` → 510, `7` → 70, `3,5` → 35; `None` for anything else (a sign,
/// two decimals, letters, a count beyond 10^15).
fn tenths(s: &str) -> Option<u64> {
    let (whole, frac) = match s.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (s, "0"),
    };
    let digits = |t: &str| !t.is_empty() && t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) || frac.len() != 1 {
        return None;
    }
    Some(whole.parse::<u64>().ok()? * 10 + frac.parse::<u64>().ok()?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::youth::CENSUS_REGION_15_24_TENTHS;

    #[test]
    fn the_embedded_census_has_every_commune_of_the_region_and_its_total() {
        let c = census_15_24().unwrap();
        assert_eq!(c.len(), 3_782);
        assert_eq!(c.values().sum::<u64>(), CENSUS_REGION_15_24_TENTHS);
        // Lille and Amiens, as the file gives them (61,568.3 and 28,512.1).
        assert_eq!(c["59350"], 615_683);
        assert_eq!(c["80021"], 285_121);
    }

    #[test]
    fn counts_are_read_in_tenths_and_bad_ones_name_the_line_and_field() {
        assert_eq!(tenths("51.0"), Some(510));
        assert_eq!(tenths("7"), Some(70));
        assert_eq!(tenths("3,5"), Some(35));
        for bad in ["-1.0", "1.25", "", "a.0", "1.", ".5", "+2"] {
            assert_eq!(tenths(bad), None, "{bad}");
        }
        let e = parse_census(
            Path::new("j.csv"),
            b"code_insee,jeunes_15_24_rp2022\n02001,51.0\n02002,8.85\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("j.csv") && e.contains("ligne 3") && e.contains(COUNT),
            "{e}"
        );
        let e = parse_census(
            Path::new("j.csv"),
            b"code_insee,jeunes_15_24_rp2022\n02001,51.0\n02001,8.8\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("02001 donnée deux fois"), "{e}");
    }
}
