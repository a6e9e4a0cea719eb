//! The format-neutral form of a vector feature: what a GeoJSON feature, a
//! shapefile record or a CSV row becomes before a layer builder reads the
//! fields it needs.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Location};

/// One feature: its position in the file, its attributes and its geometry
/// in WGS84 lon/lat (already reprojected when the file was in Lambert-93).
#[derive(Debug, Clone)]
pub struct RawFeature {
    pub location: Location,
    /// Attributes keyed by lower-case name; the value keeps the name as the
    /// file spells it, for messages.
    pub props: Props,
    pub geometry: Option<geo::Geometry<f64>>,
}

/// A feature's attributes: (lower-case name, (name as spelled, value)),
/// sorted by lower-case name. A sorted vector rather than a map: features
/// have a handful of attributes, and a million CSV rows must not each carry
/// a tree node.
#[derive(Debug, Clone, Default)]
pub struct Props(Vec<(Name, (Name, Value))>);

/// An attribute's name: shared, so that the rows of a table hold their
/// header's names without a copy each.
pub type Name = std::sync::Arc<str>;

/// `name` and its lower-case form, one shared string when they are equal.
pub fn names(name: &str) -> (Name, Name) {
    let spelled = Name::from(name);
    let key = match lower(name) {
        std::borrow::Cow::Borrowed(_) => spelled.clone(),
        std::borrow::Cow::Owned(l) => Name::from(l),
    };
    (key, spelled)
}

impl Props {
    fn position(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(key))
    }

    /// The attributes `insert` would leave after inserting `entries` one by
    /// one, in their order: sorted by lower-case name, the last value of a
    /// name kept. Built with one sort instead of a shift per insertion.
    pub fn from_entries(mut entries: Vec<(Name, (Name, Value))>) -> Self {
        // Stable: entries of one name stay in insertion order, and the last
        // of each run is the one `insert` would have kept.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(Name, (Name, Value))> = Vec::with_capacity(entries.len());
        for e in entries {
            match out.last_mut() {
                Some(last) if last.0 == e.0 => *last = e,
                _ => out.push(e),
            }
        }
        Props(out)
    }

    /// The attributes of `entries` when no two have the same lower-case
    /// name, sorted; `None` otherwise (then [`Props::from_entries`] and the
    /// order of the entries decide which value stays).
    pub(crate) fn from_distinct_entries(mut entries: Vec<(Name, (Name, Value))>) -> Option<Self> {
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if entries.windows(2).any(|w| w[0].0 == w[1].0) {
            return None;
        }
        Some(Props(entries))
    }

    /// Attributes already sorted by lower-case name, each name once (a CSV
    /// row laid out in the order of its sorted header).
    pub(crate) fn from_sorted(entries: Vec<(Name, (Name, Value))>) -> Self {
        debug_assert!(entries.windows(2).all(|w| w[0].0 < w[1].0));
        Props(entries)
    }

    /// Sets `key` (lower-case) to `value`, replacing an earlier one.
    pub fn insert(&mut self, key: Name, value: (Name, Value)) {
        match self.position(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&(Name, Value)> {
        self.position(key).ok().map(|i| &self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// The values in the order of their lower-case names.
    pub fn values(&self) -> impl Iterator<Item = &(Name, Value)> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl std::ops::Index<&str> for Props {
    type Output = (Name, Value);
    fn index(&self, key: &str) -> &Self::Output {
        self.get(key)
            .unwrap_or_else(|| panic!("no attribute {key}"))
    }
}

impl std::ops::Index<&String> for Props {
    type Output = (Name, Value);
    fn index(&self, key: &String) -> &Self::Output {
        &self[key.as_str()]
    }
}

/// A whole layer read from one file.
#[derive(Debug, Clone)]
pub struct RawLayer {
    pub path: PathBuf,
    pub features: Vec<RawFeature>,
}

/// `name` in lower case, as `str::to_lowercase` gives it, without a copy
/// when it has no upper-case letter (the aliases the builders look up).
pub(crate) fn lower(name: &str) -> std::borrow::Cow<'_, str> {
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(name.to_lowercase())
    }
}

impl RawFeature {
    pub fn new(location: Location) -> Self {
        RawFeature {
            location,
            props: Props::default(),
            geometry: None,
        }
    }

    pub fn insert(&mut self, name: &str, value: Value) {
        let (key, spelled) = names(name);
        self.props.insert(key, (spelled, value));
    }

    /// The first attribute present among `aliases` (case-insensitive), with
    /// the name as spelled in the file. A JSON `null` counts as absent.
    pub fn get(&self, aliases: &[&str]) -> Option<(&str, &Value)> {
        aliases.iter().find_map(|a| {
            self.props
                .get(&lower(a))
                .filter(|(_, v)| !v.is_null())
                .map(|(n, v)| (&**n, v))
        })
    }

    /// Whether any of `aliases` is a column of this feature, even if empty.
    pub fn has(&self, aliases: &[&str]) -> bool {
        aliases.iter().any(|a| self.props.contains_key(&lower(a)))
    }

    /// A text attribute; numbers are rendered as text (a code stored as a
    /// number in a .dbf), empty strings count as absent.
    pub fn text(&self, aliases: &[&str]) -> Option<(&str, String)> {
        let (name, v) = self.get(aliases)?;
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => match n.as_i64() {
                Some(i) => i.to_string(),
                None => n.to_string(),
            },
            Value::Bool(b) => b.to_string(),
            _ => return None,
        };
        (!s.is_empty()).then_some((name, s))
    }

    /// A required text attribute, or an error naming the first alias and,
    /// when no column has any of the names, the columns there are.
    pub fn require_text(&self, path: &Path, aliases: &[&str]) -> Result<(&str, String), Error> {
        self.text(aliases)
            .ok_or_else(|| self.missing(path, aliases, "une valeur"))
    }

    /// The error for a required attribute that is empty or absent; `what`
    /// says what was expected ("une valeur", "le nombre d'habitants").
    pub fn missing(&self, path: &Path, aliases: &[&str], what: &str) -> Error {
        let field = aliases.first().copied().unwrap_or("?");
        let problem = if self.has(aliases) {
            format!("vide : attendu {what}")
        } else {
            let found: Vec<&str> = self.props.values().map(|(n, _)| &**n).collect();
            format!(
                "absent : attendu {what} dans une colonne ou propriété nommée {} ; trouvé {}",
                aliases.join(" ou "),
                if found.is_empty() {
                    "aucune".to_string()
                } else {
                    found.join(", ")
                }
            )
        };
        Error::field(path, self.location.clone(), field, problem)
    }

    /// A number attribute: a JSON number, or text holding a number (a decimal
    /// comma is accepted). `Ok(None)` when absent, an error when unreadable.
    pub fn number(&self, path: &Path, aliases: &[&str]) -> Result<Option<(String, f64)>, Error> {
        let Some((name, v)) = self.get(aliases) else {
            return Ok(None);
        };
        let parsed = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return Ok(None),
            Value::String(s) => parse_number(s),
            _ => None,
        };
        match parsed {
            Some(x) if x.is_finite() => Ok(Some((name.to_string(), x))),
            _ => Err(Error::field(
                path,
                self.location.clone(),
                name,
                format!("attendu un nombre fini, trouvé {}", short(v)),
            )),
        }
    }
}

/// Parses a number written the French way or the programs' way:
/// `1234.5`, `1234,5`, `1 234,5` (ordinary or narrow no-break spaces).
pub fn parse_number(s: &str) -> Option<f64> {
    // Plain ASCII without blanks or commas (most values) is its own cleaned
    // text: parsed without a copy.
    if s.bytes().all(|b| b.is_ascii_graphic() && b != b',') {
        let x: f64 = s.parse().ok()?;
        return x.is_finite().then_some(x);
    }
    let cleaned: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let cleaned = if cleaned.contains(',') && !cleaned.contains('.') {
        cleaned.replace(',', ".")
    } else {
        cleaned
    };
    let x: f64 = cleaned.parse().ok()?;
    x.is_finite().then_some(x)
}

/// A value shown in a message, cut to a readable length.
pub fn short(v: &Value) -> String {
    let s = match v {
        Value::String(s) => format!("« {s} »"),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_accept_french_and_program_notation() {
        assert_eq!(parse_number("1234.5"), Some(1234.5));
        assert_eq!(parse_number("1234,5"), Some(1234.5));
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("1\u{202f}234"), Some(1234.0));
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("n/a"), None);
    }

    #[test]
    fn lookup_is_case_insensitive_and_skips_nulls() {
        let mut f = RawFeature::new(Location::Line(2));
        f.insert("INSEE_COM", Value::String("59350".into()));
        f.insert("nom", Value::Null);
        f.insert("NOM_M", Value::String("LILLE".into()));
        assert_eq!(
            f.text(&["code_insee", "insee_com"]).unwrap(),
            ("INSEE_COM", "59350".to_string())
        );
        assert_eq!(f.text(&["nom", "nom_m"]).unwrap().1, "LILLE");
    }
}
