//! One type per domain concept: communes, QPV, sites, Missions Locales, the
//! territory that holds them, scopes. Coordinates and units are in
//! [`crate::base`].

use std::fmt;

use geo::MultiPolygon;

use crate::base::text::fold;
use crate::base::LonLat;

pub mod figures;
pub mod osm;
pub mod places;
pub mod transit;
pub mod youth;

/// An INSEE commune code (*code officiel géographique*): five characters, the
/// first two the département (`02`, `59`, `2A`…), kept as text so that the
/// leading zero is never lost.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct InseeCode(String);

impl InseeCode {
    /// Parses a code, accepting a four-digit code that lost its leading zero
    /// (`2001` → `02001`), as spreadsheets do to département 01–09 codes.
    /// Returns `None` for anything else that is not five digits (or 2A/2B + 3).
    pub fn parse(raw: &str) -> Option<Self> {
        let s = raw.trim();
        let s = s.strip_suffix(".0").unwrap_or(s);
        let padded = if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
            format!("0{s}")
        } else {
            s.to_ascii_uppercase()
        };
        let b = padded.as_bytes();
        let ok = b.len() == 5
            // Bytes, not `&str` slices: a multi-byte character at index 2
            // would not be a char boundary (found by fuzzing).
            && (b[..2].iter().all(u8::is_ascii_digit) || &b[..2] == b"2A" || &b[..2] == b"2B")
            && b[2..].iter().all(u8::is_ascii_digit);
        ok.then_some(InseeCode(padded))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The département code (`59`, `02`, `2A`).
    pub fn departement(&self) -> &str {
        &self.0[..2]
    }
}

impl fmt::Display for InseeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The rural-zoning class of a commune: *France Ruralités Revitalisation*
/// (FRR, FRR+) since July 2024, or former ZRR kept under the transitional measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classement {
    NonClassee,
    ZrrMaintenue,
    Frr,
    FrrPlus,
}

impl Classement {
    pub const ALL: [Classement; 4] = [
        Classement::Frr,
        Classement::FrrPlus,
        Classement::ZrrMaintenue,
        Classement::NonClassee,
    ];
    /// The value used in `classement_frr_zrr.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Classement::NonClassee => "NON_CLASSEE",
            Classement::ZrrMaintenue => "ZRR_MAINTENUE",
            Classement::Frr => "FRR",
            Classement::FrrPlus => "FRR_PLUS",
        }
    }
    /// The French label printed in reports.
    pub fn label(self) -> &'static str {
        match self {
            Classement::NonClassee => "non classée",
            Classement::ZrrMaintenue => "ZRR maintenue",
            Classement::Frr => "FRR",
            Classement::FrrPlus => "FRR+",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        let norm: String = raw
            .trim()
            .to_ascii_uppercase()
            .chars()
            .map(|c| if c == ' ' || c == '-' { '_' } else { c })
            .collect();
        match norm.as_str() {
            "NON_CLASSEE" | "NON_CLASSÉE" | "0" | "" => Some(Classement::NonClassee),
            "ZRR_MAINTENUE" | "ZRR" | "1" => Some(Classement::ZrrMaintenue),
            "FRR" | "4" => Some(Classement::Frr),
            "FRR_PLUS" | "FRR+" | "5" => Some(Classement::FrrPlus),
            _ => None,
        }
    }
    /// FRR or FRR+.
    pub fn is_frr(self) -> bool {
        matches!(self, Classement::Frr | Classement::FrrPlus)
    }
}

/// The kind of a Mission Locale site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteKind {
    /// *Siège*: the head office.
    Siege,
    /// *Antenne*: a permanent branch office.
    Antenne,
    /// *Permanence* (or *relais*): a regular drop-in session held in premises of
    /// a partner (town hall, France services…).
    Permanence,
}

impl SiteKind {
    pub const ALL: [SiteKind; 3] = [SiteKind::Siege, SiteKind::Antenne, SiteKind::Permanence];
    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Siege => "siege",
            SiteKind::Antenne => "antenne",
            SiteKind::Permanence => "permanence",
        }
    }
    /// The French word a person reads: `siège`, `antenne`, `permanence`.
    pub fn label(self) -> &'static str {
        match self {
            SiteKind::Siege => "siège",
            SiteKind::Antenne => "antenne",
            SiteKind::Permanence => "permanence",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_lowercase().as_str() {
            "siege" | "siège" | "siege social" | "siège social" | "head office" => {
                Some(SiteKind::Siege)
            }
            "antenne" => Some(SiteKind::Antenne),
            "permanence" | "relais" | "lieu de permanence" => Some(SiteKind::Permanence),
            _ => None,
        }
    }
}

/// Whether a site is a real, published site or a stand-in built by the
/// documented rule of `geodata/PROVENANCE.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SiteStatus {
    Reel,
    Substitut,
}

impl SiteStatus {
    pub fn code(self) -> &'static str {
        match self {
            SiteStatus::Reel => "reel",
            SiteStatus::Substitut => "substitut",
        }
    }
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_lowercase().as_str() {
            "reel" | "réel" | "real" | "" => Some(SiteStatus::Reel),
            "substitut" | "stand-in" => Some(SiteStatus::Substitut),
            _ => None,
        }
    }
}

/// A commune (municipality) with what the analyses need.
#[derive(Debug, Clone)]
pub struct Commune {
    pub code: InseeCode,
    pub nom: String,
    /// Département code, e.g. `59`.
    pub departement: String,
    /// *Population municipale* (INSEE).
    pub population: u64,
    pub epci_siren: Option<String>,
    pub epci_nom: Option<String>,
    /// The town-hall point, when known.
    pub mairie: Option<LonLat>,
    /// Where distances are measured from: the town hall, or a point inside the
    /// polygon when the town hall is unknown or misplaced.
    pub reference: LonLat,
    /// Which point `reference` is.
    pub reference_kind: ReferenceKind,
    /// Boundary, in WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
}

/// Which point a commune's distances are measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceKind {
    /// The town-hall point.
    Mairie,
    /// A point inside the polygon: the source gives no town hall.
    InteriorNoMairie,
    /// A point inside the polygon: the source's town hall lies more than
    /// 1 km outside the commune or is unusable, so it was set aside.
    InteriorMairieRejected,
    /// A point inside the polygon that the commune file itself gives
    /// (`point_de_mesure`, `lon_mesure`, `lat_mesure`), decided when the file
    /// was built (for `geodata/`, by `scripts/rebuild-geodata` with the rule
    /// of [`ReferenceKind::InteriorNoMairie`]): the file has no town hall.
    GivenInteriorNoMairie,
    /// As [`ReferenceKind::GivenInteriorNoMairie`], the file's town hall
    /// having been set aside when the file was built.
    GivenInteriorMairieRejected,
}

impl ReferenceKind {
    /// The French label written in tables.
    pub fn label(self) -> &'static str {
        match self {
            ReferenceKind::Mairie => "mairie",
            ReferenceKind::InteriorNoMairie => "point intérieur (pas de mairie)",
            ReferenceKind::InteriorMairieRejected => "point intérieur (mairie hors commune)",
            ReferenceKind::GivenInteriorNoMairie => {
                "point intérieur fixé par les données (pas de mairie)"
            }
            ReferenceKind::GivenInteriorMairieRejected => {
                "point intérieur fixé par les données (mairie hors commune)"
            }
        }
    }

    /// Reads the kind a commune file gives in `point_de_mesure`: the codes
    /// `geodata/communes.geojson` uses (`mairie`, `interieur_sans_mairie`,
    /// `interieur_mairie_ecartee`) or the labels maillage writes, so that its
    /// own `communes` layers read back. An interior point read from a file
    /// is a given one, whichever label it bears.
    pub fn parse_given(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.eq_ignore_ascii_case("mairie") {
            return Some(ReferenceKind::Mairie);
        }
        [
            (
                "interieur_sans_mairie",
                ReferenceKind::InteriorNoMairie,
                ReferenceKind::GivenInteriorNoMairie,
            ),
            (
                "interieur_mairie_ecartee",
                ReferenceKind::InteriorMairieRejected,
                ReferenceKind::GivenInteriorMairieRejected,
            ),
        ]
        .into_iter()
        .find(|(code, computed, given)| {
            raw.eq_ignore_ascii_case(code) || raw == computed.label() || raw == given.label()
        })
        .map(|(_, _, given)| given)
    }
}

/// A *quartier prioritaire de la politique de la ville* (2024 perimeter).
#[derive(Debug, Clone)]
pub struct Qpv {
    pub code: String,
    pub nom: String,
    /// INSEE codes of the communes it lies in, as the source lists them.
    pub communes: Vec<InseeCode>,
    pub departement: String,
    /// Boundary, in WGS84 lon/lat.
    pub geometry: MultiPolygon<f64>,
}

/// A place where a Mission Locale receives young people.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    /// The Mission Locale that runs it.
    pub code_ml: String,
    pub nom: String,
    pub kind: SiteKind,
    /// The commune it stands in, as declared by the source (or located).
    pub commune: Option<InseeCode>,
    pub position: LonLat,
    pub status: SiteStatus,
    pub source: String,
}

/// The départements of Hauts-de-France, code and name, in the order of the
/// activity report's tables (Nord, Pas-de-Calais, Aisne, Oise, Somme).
pub const DEPARTEMENTS: [(&str, &str); 5] = [
    ("59", "Nord"),
    ("62", "Pas-de-Calais"),
    ("02", "Aisne"),
    ("60", "Oise"),
    ("80", "Somme"),
];

pub use places::departement_name;

/// A perimeter: the whole territory, a département, a Mission Locale's
/// territory or an EPCI. Tables summarise by it, maps are drawn for it, and
/// a run can be scoped to it (`--departement`, `--ml`, `--epci`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Region,
    /// A département code (`59`).
    Departement(String),
    /// Index into `Territory::missions_locales`.
    Ml(usize),
    /// An EPCI by its SIREN.
    Epci(String),
}

impl Scope {
    /// Whether commune `i` lies in the perimeter.
    pub fn has_commune(&self, t: &Territory, i: usize) -> bool {
        match self {
            Scope::Region => true,
            Scope::Departement(d) => t.communes[i].departement == *d,
            Scope::Ml(m) => t.ml_of_commune[i] == *m,
            Scope::Epci(e) => t.communes[i].epci_siren.as_deref() == Some(e.as_str()),
        }
    }

    /// Whether site `s` belongs to the perimeter: every site for the
    /// region, the sites standing in the département, the ML's own sites.
    pub fn has_site(&self, t: &Territory, s: &Site) -> bool {
        match self {
            Scope::Region => true,
            Scope::Departement(_) | Scope::Epci(_) => s
                .commune
                .as_ref()
                .and_then(|c| t.commune_index(c))
                .is_some_and(|i| self.has_commune(t, i)),
            Scope::Ml(m) => s.code_ml == t.missions_locales[*m].code,
        }
    }

    /// Whether QPV `q` lies (at least partly) in the perimeter.
    pub fn has_qpv(&self, t: &Territory, q: &Qpv) -> bool {
        match self {
            Scope::Region => true,
            Scope::Departement(d) => q.departement == *d,
            Scope::Ml(_) | Scope::Epci(_) => q
                .communes
                .iter()
                .any(|c| t.commune_index(c).is_some_and(|i| self.has_commune(t, i))),
        }
    }

    /// The perimeter's name: the territory's (`Hauts-de-France`), `Somme`,
    /// the ML's name.
    pub fn name(&self, t: &Territory) -> String {
        match self {
            Scope::Region => t.name.name.clone(),
            Scope::Departement(d) => departement_name(d).to_string(),
            Scope::Ml(m) => t.missions_locales[*m].nom.clone(),
            Scope::Epci(e) => t
                .communes
                .iter()
                .find(|c| c.epci_siren.as_deref() == Some(e.as_str()))
                .and_then(|c| c.epci_nom.clone())
                .unwrap_or_else(|| format!("EPCI {e}")),
        }
    }

    /// `dans la région` (or what the territory is), `dans le département`,
    /// `dans la Mission Locale`.
    pub fn within(&self, t: &Territory) -> &'static str {
        match self {
            Scope::Region => t.name.within(),
            Scope::Departement(_) => "dans le département",
            Scope::Ml(_) => "dans la Mission Locale",
            Scope::Epci(_) => "dans l'EPCI",
        }
    }

    /// The perimeters tables summarise commune `i` by: the territory, its
    /// département, its Mission Locale, and the run's perimeter `run` when
    /// it is an EPCI holding the commune (départements and Missions Locales
    /// are always there).
    pub fn perimeters_of_commune(t: &Territory, i: usize, run: &Scope) -> Vec<Scope> {
        let mut v = vec![
            Scope::Region,
            Scope::Departement(t.communes[i].departement.clone()),
            Scope::Ml(t.ml_of_commune[i]),
        ];
        if matches!(run, Scope::Epci(_)) && run.has_commune(t, i) {
            v.push(run.clone());
        }
        v
    }

    /// The perimeters tables summarise QPV `j` by: the territory, its
    /// département, and, when a commune holds its measuring point
    /// (`commune`), that commune's Mission Locale and the run's EPCI.
    pub fn perimeters_of_qpv(
        t: &Territory,
        j: usize,
        commune: Option<usize>,
        run: &Scope,
    ) -> Vec<Scope> {
        let mut v = vec![
            Scope::Region,
            Scope::Departement(t.qpv[j].departement.clone()),
        ];
        if let Some(c) = commune {
            v.push(Scope::Ml(t.ml_of_commune[c]));
            if matches!(run, Scope::Epci(_)) && run.has_commune(t, c) {
                v.push(run.clone());
            }
        }
        v
    }

    /// Whether every commune of `other` lies in this perimeter (a
    /// perimeter holds itself).
    pub fn holds(&self, t: &Territory, other: &Scope) -> bool {
        self == other
            || *self == Scope::Region
            || (0..t.communes.len())
                .filter(|&i| other.has_commune(t, i))
                .all(|i| self.has_commune(t, i))
                && (0..t.communes.len()).any(|i| other.has_commune(t, i))
    }
}

/// A Mission Locale and its coverage zone.
#[derive(Debug, Clone)]
pub struct MissionLocale {
    /// UNML code (INSEE code of the seat commune in most cases).
    pub code: String,
    /// Name as printed by AREFIE, or the UNML short name when unknown.
    pub nom: String,
}

/// The whole territory, assembled from its layers and checked for consistency.
///
/// `communes` is sorted by INSEE code, `sites` by id, `qpv` by code; every
/// vector index used by the analyses refers to these orders.
#[derive(Debug, Clone)]
pub struct Territory {
    /// What the territory is called (from its départements, or given).
    pub name: places::TerritoryName,
    /// The plane its grids and maps are drawn in (Lambert-93 in France).
    pub frame: crate::base::frame::Frame,
    /// Where the coordinates of its layers (and points) may lie.
    pub window: crate::base::frame::Window,
    pub communes: Vec<Commune>,
    /// One per commune, same order.
    pub classement: Vec<Classement>,
    /// Index into `missions_locales`, one per commune, same order.
    pub ml_of_commune: Vec<usize>,
    /// Young people aged 16–25, one per commune, same order.
    pub jeunes: Vec<u64>,
    /// How `jeunes` was obtained.
    pub jeunes_source: YouthSource,
    pub qpv: Vec<Qpv>,
    pub sites: Vec<Site>,
    /// Sorted by code.
    pub missions_locales: Vec<MissionLocale>,
}

/// Where the per-commune young population comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum YouthSource {
    /// Estimated: the reports' share of young people applied to the
    /// population, spread over communes in proportion to it; when no commune
    /// loaded is in the census file (a territory outside Hauts-de-France).
    EstimatedFromRegionalTotal {
        total: u64,
        /// Communes outside the reports' région (the same share applied).
        outside_region: usize,
    },
    /// The INSEE census 2022 count of 15–24 year-olds, scaled to the
    /// reports' 768,524 young people of 16–25, for the communes in the
    /// census file; the others estimated as [`Self::EstimatedFromRegionalTotal`]
    /// says (see [`youth`]).
    Census {
        /// One per commune, same order: whether its young people come from
        /// the census (otherwise the estimate).
        from_census: Vec<bool>,
        /// The census 15–24 count of those communes, in tenths of a person.
        census_tenths: u64,
        /// The young people given to them (768,524 on the whole region).
        census_total: u64,
        /// The young people estimated for the other communes.
        estimated_total: u64,
        /// Communes outside the reports' région (all among the estimated).
        outside_region: usize,
    },
    /// Read from a per-commune file given by the user.
    File(String),
}

impl Territory {
    /// The codes of the départements of the communes: those of the reports'
    /// région first, in the order of the reports' tables ([`DEPARTEMENTS`]),
    /// then the others by code.
    pub fn departements(&self) -> Vec<String> {
        let present: std::collections::BTreeSet<&str> = self
            .communes
            .iter()
            .map(|c| c.departement.as_str())
            .collect();
        let mut v: Vec<String> = DEPARTEMENTS
            .iter()
            .filter(|(d, _)| present.contains(d))
            .map(|(d, _)| (*d).to_string())
            .collect();
        v.extend(
            present
                .iter()
                .filter(|d| !DEPARTEMENTS.iter().any(|(c, _)| c == *d))
                .map(|d| (*d).to_string()),
        );
        v
    }

    /// Index of a commune by INSEE code (binary search: communes are sorted).
    pub fn commune_index(&self, code: &InseeCode) -> Option<usize> {
        self.communes.binary_search_by(|c| c.code.cmp(code)).ok()
    }
    /// Index of a commune by the text of its INSEE code, as tables write it.
    pub fn commune_by_code(&self, code: &str) -> Option<usize> {
        self.communes
            .binary_search_by(|c| c.code.as_str().cmp(code))
            .ok()
    }
    /// Index of a Mission Locale by code.
    pub fn ml_index(&self, code: &str) -> Option<usize> {
        self.missions_locales
            .binary_search_by(|m| m.code.as_str().cmp(code))
            .ok()
    }
}

/// The town of the head office of Mission Locale `m`, if a head office
/// among the sites says where it stands.
pub fn ml_seat(t: &Territory, m: usize) -> Option<&str> {
    let code = &t.missions_locales[m].code;
    t.sites
        .iter()
        .find(|s| s.kind == SiteKind::Siege && &s.code_ml == code)
        .and_then(|s| s.commune.as_ref())
        .and_then(|c| t.commune_by_code(c.as_str()))
        .map(|i| t.communes[i].nom.as_str())
}

/// `Nom (code, ville du siège)`: a Mission Locale as messages name it.
pub fn ml_described(t: &Territory, m: usize) -> String {
    let ml = &t.missions_locales[m];
    match ml_seat(t, m) {
        Some(s) => format!("{} ({}, {s})", ml.nom, ml.code),
        None => format!("{} ({})", ml.nom, ml.code),
    }
}

/// ` ; vouliez-vous dire : A ; B ?` for at most three suggestions, closest
/// first, or nothing.
pub fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(" ; vouliez-vous dire : {} ?", suggestions.join(" ; "))
    }
}

/// The index of the Mission Locale `typed` names in `t`, whatever the case,
/// accents and punctuation: its code, its full name, the town of its head
/// office, or a part of its name (whole words: `pays d'artois`). A part
/// that several names hold is an error listing them; a name that matches
/// none gets at most three suggestions, closest first by edit distance on
/// the folded names ([`crate::base::text::suggest`]), never the whole list.
pub fn resolve_ml(t: &Territory, typed: &str, option: &str) -> anyhow::Result<usize> {
    if let Some(m) = t.ml_index(typed.trim()) {
        return Ok(m);
    }
    let wanted = fold(typed);
    let all: Vec<usize> = (0..t.missions_locales.len()).collect();
    let name = |m: usize| fold(&t.missions_locales[m].nom);
    let tries: [&dyn Fn(usize) -> bool; 3] = [
        &|m| name(m) == wanted,
        &|m| ml_seat(t, m).is_some_and(|s| fold(s) == wanted),
        &|m| !wanted.is_empty() && format!(" {} ", name(m)).contains(&format!(" {wanted} ")),
    ];
    for matches in tries {
        let found: Vec<usize> = all.iter().copied().filter(|&m| matches(m)).collect();
        match found.as_slice() {
            [] => continue,
            [m] => return Ok(*m),
            several => anyhow::bail!(
                "{option} {typed} : plusieurs Missions Locales répondent à ce nom, donnez le \
                 code : {}",
                several
                    .iter()
                    .map(|&m| ml_described(t, m))
                    .collect::<Vec<_>>()
                    .join(" ; ")
            ),
        }
    }
    let names: Vec<Vec<String>> = all
        .iter()
        .map(|&m| {
            let ml = &t.missions_locales[m];
            let mut v = vec![ml.code.clone(), ml.nom.clone()];
            v.extend(ml_seat(t, m).map(str::to_string));
            v
        })
        .collect();
    let suggestions: Vec<String> = crate::base::text::suggest(typed, &names, 3)
        .into_iter()
        .map(|m| ml_described(t, m))
        .collect();
    anyhow::bail!(
        "{option} {typed} : aucune Mission Locale n'a ce code, ce nom ou cette ville de siège{}{}",
        did_you_mean(&suggestions),
        if suggestions.is_empty() {
            " ; maillage missions-locales les liste toutes"
        } else {
            ""
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insee_code_keeps_and_restores_leading_zero() {
        assert_eq!(InseeCode::parse("02001").unwrap().as_str(), "02001");
        assert_eq!(InseeCode::parse("2001").unwrap().as_str(), "02001");
        assert_eq!(InseeCode::parse(" 59350 ").unwrap().departement(), "59");
        assert_eq!(InseeCode::parse("2a004").unwrap().as_str(), "2A004");
        assert!(InseeCode::parse("5935").is_some());
        assert!(InseeCode::parse("593500").is_none());
        assert!(InseeCode::parse("59A50").is_none());
        assert!(InseeCode::parse("").is_none());
        // Five bytes, a two-byte character across index 2: refused, no panic.
        assert!(InseeCode::parse("l\u{b4}7z").is_none());
        assert!(InseeCode::parse("2\u{e9}01").is_none());
    }

    #[test]
    fn classement_parses_file_values_and_source_keys() {
        assert_eq!(Classement::parse("FRR_PLUS"), Some(Classement::FrrPlus));
        assert_eq!(Classement::parse("frr+"), Some(Classement::FrrPlus));
        assert_eq!(
            Classement::parse("ZRR_MAINTENUE"),
            Some(Classement::ZrrMaintenue)
        );
        assert_eq!(Classement::parse("5"), Some(Classement::FrrPlus));
        assert_eq!(Classement::parse("QPV"), None);
    }
}
