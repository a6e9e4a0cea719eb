//! Loads every layer and assembles a checked [`Territory`].
//!
//! Each layer comes from the file the user names or, by default, from the
//! copy of `geodata/` embedded in the binary, so `maillage report` runs from
//! any directory. Inconsistencies between layers that leave the run
//! trustworthy are counted as warnings; the others are errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::geom::frame::Frame;
use crate::index::PolygonIndex;
use crate::load::features::RawLayer;
use crate::load::{csv_in, geojson, layers, shp};
use crate::model::places::{in_reports_region, TerritoryName};
use crate::model::youth::{apportion, youth_estimate_total};
use crate::model::{Classement, MissionLocale, Territory, YouthSource};
use crate::warnings::Warnings;

/// One of the embedded default files.
#[derive(Debug, Clone, Copy)]
pub struct Embedded {
    /// Path shown in messages, relative to the repository.
    pub name: &'static str,
    pub bytes: &'static [u8],
}

/// The embedded copy of `geodata/`.
pub mod defaults {
    use super::Embedded;
    macro_rules! embed {
        ($id:ident, $file:literal) => {
            pub const $id: Embedded = Embedded {
                name: concat!("geodata/", $file),
                bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/geodata/", $file)),
            };
        };
    }
    embed!(COMMUNES, "communes.geojson");
    embed!(QPV, "qpv.geojson");
    embed!(CLASSEMENT, "classement_frr_zrr.csv");
    embed!(ZONES, "zones_ml.csv");
    embed!(MISSIONS_LOCALES, "missions_locales.csv");
    embed!(SITES, "sites.csv");
    embed!(FRANCE_SERVICES, "france_services.csv");
    /// Every embedded file, for the manifest and `check-data`.
    pub const ALL: [Embedded; 7] = [
        COMMUNES,
        QPV,
        CLASSEMENT,
        ZONES,
        MISSIONS_LOCALES,
        SITES,
        FRANCE_SERVICES,
    ];
}

/// The input files; `None` means the embedded default.
#[derive(Debug, Clone, Default)]
pub struct DataPaths {
    pub communes: Option<PathBuf>,
    pub qpv: Option<PathBuf>,
    pub classement: Option<PathBuf>,
    pub zones: Option<PathBuf>,
    pub missions_locales: Option<PathBuf>,
    pub sites: Option<PathBuf>,
    pub jeunes: Option<PathBuf>,
    /// The territory's name (`--territoire`); from the communes otherwise.
    pub territoire: Option<String>,
}

/// Reads a vector layer or table from a user file, choosing the reader by
/// extension, or from the embedded default.
pub fn read_layer(
    path: Option<&Path>,
    default: Embedded,
    warnings: &mut Warnings,
) -> Result<RawLayer, Error> {
    match path {
        Some(p) => read_file(p, warnings),
        None => {
            let p = Path::new(default.name);
            if default.name.ends_with(".csv") {
                csv_in::parse_csv(p, default.bytes, warnings)
            } else {
                geojson::parse_geojson(p, default.bytes)
            }
        }
    }
}

/// Reads a file by its extension: GeoJSON, Shapefile or CSV.
pub fn read_file(path: &Path, warnings: &mut Warnings) -> Result<RawLayer, Error> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "geojson" | "json" => geojson::read_geojson(path, warnings),
        "shp" => shp::read_shapefile(path, warnings),
        "csv" | "txt" | "tsv" => csv_in::read_csv(path, warnings),
        _ => Err(Error::file(
            path,
            format!("extension « .{ext} » inconnue : attendu .geojson, .shp ou .csv"),
        )),
    }
}

/// Loads and assembles the territory.
pub fn load_territory(paths: &DataPaths, warnings: &mut Warnings) -> Result<Territory, Error> {
    let communes_layer = read_layer(paths.communes.as_deref(), defaults::COMMUNES, warnings)?;
    // Coordinates must lie in France, or near the communes' median for a
    // territory elsewhere (layers::Window).
    let window = layers::Window::of_layer(&communes_layer);
    let communes = layers::communes(communes_layer, window, warnings)?;
    if communes.is_empty() {
        return Err(Error::file(
            &layer_path(paths.communes.as_deref(), defaults::COMMUNES),
            "aucune commune dans le fichier",
        ));
    }
    if communes.iter().all(|c| c.population == 0) {
        // Every share of the population (and the estimate of young people)
        // would be 0/0: nothing computed from it could be trusted.
        return Err(Error::file(
            &layer_path(paths.communes.as_deref(), defaults::COMMUNES),
            format!(
                "champ « population » : les {} communes totalisent 0 habitant : attendu la \
                 population municipale de chaque commune",
                communes.len()
            ),
        ));
    }
    let codes: Vec<_> = communes.iter().map(|c| c.code.clone()).collect();

    // Classement: a commune absent from the file is taken as not classified.
    let cl_layer = read_layer(paths.classement.as_deref(), defaults::CLASSEMENT, warnings)?;
    let cl_path = cl_layer.path.clone();
    let mut cl_table = layers::classement(&cl_layer)?;
    drop(cl_layer);
    let classement: Vec<Classement> = codes
        .iter()
        .map(|c| match cl_table.remove(c) {
            Some((v, _)) => v,
            None => {
                warnings.add(&cl_path, "commune de la couche des communes absente du fichier de classement : prise comme NON_CLASSEE", c.to_string());
                Classement::NonClassee
            }
        })
        .collect();
    for (code, (_, loc)) in cl_table {
        warnings.add(
            &cl_path,
            "commune inconnue de la couche des communes : ligne ignorée",
            format!("{loc} ({code})"),
        );
    }

    // Coverage zones of the Missions Locales.
    let z_layer = read_layer(paths.zones.as_deref(), defaults::ZONES, warnings)?;
    let z_path = z_layer.path.clone();
    let mut z_table = layers::zones(&z_layer)?;
    drop(z_layer);
    let mut ml_names: BTreeMap<String, String> = BTreeMap::new();
    for ((code, nom), _) in z_table.values() {
        ml_names.entry(code.clone()).or_insert_with(|| nom.clone());
    }
    const NO_ML: &str = "SANS_ML";
    let ml_code_of: Vec<String> = codes
        .iter()
        .map(|c| match z_table.remove(c) {
            Some(((code, _), _)) => code,
            None => {
                warnings.add(
                    &z_path,
                    "commune absente du fichier des zones de couverture : comptée sous SANS_ML",
                    c.to_string(),
                );
                NO_ML.to_string()
            }
        })
        .collect();
    for (code, (_, loc)) in z_table {
        warnings.add(
            &z_path,
            "commune inconnue de la couche des communes : ligne ignorée",
            format!("{loc} ({code})"),
        );
    }
    if ml_code_of.iter().any(|c| c == NO_ML) {
        ml_names.insert(NO_ML.to_string(), "(sans Mission Locale)".to_string());
    }
    // Display names, when the ML table is there.
    let ml_layer = read_layer(
        paths.missions_locales.as_deref(),
        defaults::MISSIONS_LOCALES,
        warnings,
    )?;
    let ml_table = layers::ml_names(&ml_layer)?;
    let ml_path = ml_layer.path.clone();
    drop(ml_layer);
    for (code, n) in &mut ml_names {
        match ml_table.get(code) {
            Some(Some(nom)) => *n = nom.clone(),
            Some(None) => {}
            None if code == NO_ML => {}
            None => warnings.add(
                &z_path,
                format!(
                    "Mission Locale absente du fichier des Missions Locales {} : nommée comme dans \
                     le fichier des zones de couverture",
                    ml_path.display()
                ),
                format!("{code} ({n})"),
            ),
        }
    }
    let missions_locales: Vec<MissionLocale> = ml_names
        .into_iter()
        .map(|(code, nom)| MissionLocale { code, nom })
        .collect();
    let ml_of_commune: Vec<usize> = ml_code_of
        .iter()
        .map(|c| {
            missions_locales
                .binary_search_by(|m| m.code.as_str().cmp(c))
                .expect("every code of ml_code_of was put in ml_names, hence in missions_locales")
        })
        .collect();

    // Young people.
    let (jeunes, jeunes_source) = match &paths.jeunes {
        None => {
            let populations: Vec<u64> = communes.iter().map(|c| c.population).collect();
            let total = youth_estimate_total(populations.iter().sum());
            let outside_region = communes
                .iter()
                .filter(|c| !in_reports_region(&c.departement))
                .count();
            (
                apportion(&populations, total),
                YouthSource::EstimatedFromRegionalTotal {
                    total,
                    outside_region,
                },
            )
        }
        Some(p) => {
            let layer = read_file(p, warnings)?;
            let mut table = layers::jeunes(&layer)?;
            drop(layer);
            let v = codes
                .iter()
                .map(|c| match table.remove(c) {
                    Some((n, _)) => n,
                    None => {
                        warnings.add(
                            p,
                            "commune absente du fichier des jeunes : comptée pour 0",
                            c.to_string(),
                        );
                        0
                    }
                })
                .collect();
            for (code, (_, loc)) in table {
                warnings.add(
                    p,
                    "commune inconnue de la couche des communes : ligne ignorée",
                    format!("{loc} ({code})"),
                );
            }
            (v, YouthSource::File(p.display().to_string()))
        }
    };

    // QPV.
    let q_layer = read_layer(paths.qpv.as_deref(), defaults::QPV, warnings)?;
    let q_path = q_layer.path.clone();
    let qpv = layers::qpv(q_layer, window, warnings)?;
    for q in &qpv {
        for c in &q.communes {
            if codes.binary_search(c).is_err() {
                warnings.add(
                    &q_path,
                    "QPV citant une commune inconnue de la couche des communes",
                    format!("{} ({c})", q.code),
                );
            }
        }
    }

    // Sites: locate those given without a commune; keep every site (a site
    // just across the border still serves people), but say what is odd.
    let s_layer = read_layer(paths.sites.as_deref(), defaults::SITES, warnings)?;
    let s_path = s_layer.path.clone();
    let mut sites = layers::sites(&s_layer, window, &communes)?;
    drop(s_layer);
    if sites.is_empty() {
        return Err(Error::file(
            &s_path,
            "aucun site dans le fichier : attendu une ligne (ou un objet) par site, avec site_id, \
             code_ml, type et lon/lat ou code_insee",
        ));
    }
    place_sites(&s_path, &mut sites, &communes, &missions_locales, warnings);

    let name = match &paths.territoire {
        Some(n) => TerritoryName::given(n),
        None => TerritoryName::from_departements(communes.iter().map(|c| c.departement.as_str())),
    };
    let frame = Frame::for_points(communes.iter().map(|c| c.reference)).ok_or_else(|| {
        Error::file(
            &layer_path(paths.communes.as_deref(), defaults::COMMUNES),
            "les communes sont de part et d'autre de l'équateur : aucune projection conique ne \
             convient, ce territoire n'est pas pris en charge",
        )
    })?;
    Ok(Territory {
        name,
        frame,
        window,
        communes,
        classement,
        ml_of_commune,
        jeunes,
        jeunes_source,
        qpv,
        sites,
        missions_locales,
    })
}

/// Locates the sites given without a commune and warns about sites in no
/// known commune or of an unknown Mission Locale (every site is kept: one
/// just across the border still serves people).
pub fn place_sites(
    s_path: &Path,
    sites: &mut [crate::model::Site],
    communes: &[crate::model::Commune],
    missions_locales: &[MissionLocale],
    warnings: &mut Warnings,
) {
    let codes: Vec<_> = communes.iter().map(|c| c.code.clone()).collect();
    // The polygons are copied and indexed only when a site must be located.
    let locate = sites.iter().any(|s| s.commune.is_none());
    let geoms: Vec<_> = if locate {
        communes.iter().map(|c| c.geometry.clone()).collect()
    } else {
        Vec::new()
    };
    let pindex = PolygonIndex::new(&geoms);
    for s in sites.iter_mut() {
        match &s.commune {
            Some(code) if codes.binary_search(code).is_err() => {
                warnings.add(s_path, "site dans une commune inconnue de la couche des communes : gardé, compté dans aucune commune", format!("{} ({code})", s.id));
            }
            Some(_) => {}
            None => match pindex.locate(s.position) {
                Some(i) => s.commune = Some(codes[i].clone()),
                None => warnings.add(
                    s_path,
                    "site hors de toute commune : gardé comme site, compté dans aucune commune",
                    s.id.clone(),
                ),
            },
        }
        if missions_locales
            .binary_search_by(|m| m.code.as_str().cmp(&s.code_ml))
            .is_err()
        {
            warnings.add(
                s_path,
                "site d'une Mission Locale absente des zones de couverture",
                format!("{} ({})", s.id, s.code_ml),
            );
        }
    }
}

/// Reads a sites file (same formats as `--sites`) for a territory already
/// loaded, e.g. the sites a scenario adds.
pub fn read_sites(
    path: &Path,
    t: &Territory,
    warnings: &mut Warnings,
) -> Result<Vec<crate::model::Site>, Error> {
    let layer = read_file(path, warnings)?;
    let mut sites = layers::sites(&layer, t.window, &t.communes)?;
    if sites.is_empty() {
        return Err(Error::file(path, "aucun site dans le fichier"));
    }
    place_sites(path, &mut sites, &t.communes, &t.missions_locales, warnings);
    Ok(sites)
}

fn layer_path(path: Option<&Path>, default: Embedded) -> PathBuf {
    path.map_or_else(|| PathBuf::from(default.name), Path::to_path_buf)
}
