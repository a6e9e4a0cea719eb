//! Loads every layer and assembles a checked [`Territory`].
//!
//! Each layer comes from the file the user names or, by default, from the
//! copy of `geodata/` embedded in the binary, so `maillage rapport` runs from
//! any directory. Inconsistencies between layers that leave the run
//! trustworthy are counted as warnings; the others are errors.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::base::frame::Frame;
use crate::error::Error;
use crate::index::PolygonIndex;
use crate::load::features::RawLayer;
use crate::load::{csv_in, geojson, layers, shp, xlsx_in};
use crate::model::places::{in_reports_region, TerritoryName};
use crate::model::youth::youth_from_census;
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
    embed!(RECENSEMENT_15_24, "jeunes_15_24_rp2022.csv");
    /// Every embedded file, for the manifest and `controle`.
    pub const ALL: [Embedded; 8] = [
        COMMUNES,
        QPV,
        CLASSEMENT,
        ZONES,
        MISSIONS_LOCALES,
        SITES,
        FRANCE_SERVICES,
        RECENSEMENT_15_24,
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
    /// Sites files that replace one Mission Locale's sites each, the others
    /// kept (`--sites-ml CODE=FICHIER`): the Mission Locale as typed (code
    /// or name), and the file.
    pub sites_ml: Vec<(String, PathBuf)>,
    pub jeunes: Option<PathBuf>,
    /// The territory's name (`--territoire`); from the communes otherwise.
    pub territoire: Option<String>,
}

impl DataPaths {
    /// The options of the layers given on the command line (`--communes`…),
    /// for the commands that read none.
    pub fn given_layers(&self) -> Vec<&'static str> {
        [
            ("--communes", self.communes.is_some()),
            ("--qpv", self.qpv.is_some()),
            ("--classement", self.classement.is_some()),
            ("--zones", self.zones.is_some()),
            ("--missions-locales", self.missions_locales.is_some()),
            ("--sites", self.sites.is_some()),
            ("--sites-ml", !self.sites_ml.is_empty()),
            ("--jeunes", self.jeunes.is_some()),
        ]
        .into_iter()
        .filter(|(_, g)| *g)
        .map(|(n, _)| n)
        .collect()
    }

    /// The sources line of the maps and the page: the embedded data's
    /// sources, or the files the user gave.
    pub fn sources_line(&self, frame: &Frame) -> String {
        let file = |p: &Option<PathBuf>, default: &str| match p {
            Some(p) => format!(
                "fichier {}",
                p.file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
            ),
            None => default.to_string(),
        };
        format!(
            "Sources : communes {} ; QPV {} ; classement {} ; zones des Missions Locales {} ; \
             sites {}. {}. Traitement : maillage {}",
            file(&self.communes, "IGN ADMIN EXPRESS et INSEE, COG 2025"),
            file(&self.qpv, "ANCT, périmètre 2024"),
            file(&self.classement, "FRR/ZRR, ANCT et DGCL, arrêtés 2024–2025"),
            file(&self.zones, "UNML, janvier 2026"),
            file(&self.sites, "UNML (sièges)")
                + &self
                    .sites_ml
                    .iter()
                    .map(|(ml, p)| format!(
                        ", ceux de la Mission Locale {ml} : {}",
                        file(&Some(p.clone()), "")
                    ))
                    .collect::<String>(),
            frame.label(),
            env!("CARGO_PKG_VERSION"),
        )
    }
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

/// Reads a file by its extension: GeoJSON, Shapefile, CSV or an Excel
/// workbook (its first sheet).
pub fn read_file(path: &Path, warnings: &mut Warnings) -> Result<RawLayer, Error> {
    read_file_sheet(path, None, warnings)
}

/// The sheet read in a sites workbook when it has one of that name.
pub const SITES_SHEET: &str = "sites";

/// [`read_file`], reading the sheet named `sheet` of a workbook when it
/// has one (the first sheet otherwise).
pub fn read_file_sheet(
    path: &Path,
    sheet: Option<&str>,
    warnings: &mut Warnings,
) -> Result<RawLayer, Error> {
    let ext = extension(path);
    match ext.as_str() {
        "geojson" | "json" => geojson::read_geojson(path, warnings),
        "shp" => shp::read_shapefile(path, warnings),
        "csv" | "txt" | "tsv" => csv_in::read_csv(path, warnings),
        "xlsx" | "xlsm" => xlsx_in::read_xlsx(path, sheet),
        _ => Err(Error::file(
            path,
            format!("extension « .{ext} » inconnue : attendu .geojson, .shp, .csv ou .xlsx"),
        )),
    }
}

/// A step's result with the warnings it gave, kept aside until the step's
/// turn comes in the order the layers have always been read in.
type Deferred<T> = (Result<T, Error>, Warnings);

/// Runs `step` with a collector of its own.
fn deferred<T>(step: impl FnOnce(&mut Warnings) -> Result<T, Error>) -> Deferred<T> {
    let mut w = Warnings::new();
    let r = step(&mut w);
    (r, w)
}

/// Adds a deferred step's warnings, then gives its result: as if the step
/// ran here with `warnings`.
fn resume<T>(step: Deferred<T>, warnings: &mut Warnings) -> Result<T, Error> {
    let (r, w) = step;
    if !w.is_empty() {
        warnings.extend(w);
    }
    r
}

/// The layers read while the communes are: none depends on them. Each is
/// read (and its table built) as it always was, only earlier.
struct SideLayers<'a> {
    classement: Deferred<(PathBuf, layers::CodeTable<Classement>)>,
    zones: Deferred<(PathBuf, layers::CodeTable<(String, String)>)>,
    missions_locales: Deferred<(PathBuf, BTreeMap<String, Option<String>>)>,
    jeunes: Option<(&'a Path, Deferred<layers::CodeTable<u64>>)>,
    qpv: Deferred<RawLayer>,
    sites: Deferred<RawLayer>,
}

fn read_side_layers(paths: &DataPaths) -> SideLayers<'_> {
    SideLayers {
        classement: deferred(|w| {
            let layer = read_layer(paths.classement.as_deref(), defaults::CLASSEMENT, w)?;
            Ok((layer.path.clone(), layers::classement(&layer)?))
        }),
        zones: deferred(|w| {
            let layer = read_layer(paths.zones.as_deref(), defaults::ZONES, w)?;
            Ok((layer.path.clone(), layers::zones(&layer)?))
        }),
        missions_locales: deferred(|w| {
            let layer = read_layer(
                paths.missions_locales.as_deref(),
                defaults::MISSIONS_LOCALES,
                w,
            )?;
            Ok((layer.path.clone(), layers::ml_names(&layer)?))
        }),
        jeunes: paths.jeunes.as_deref().map(|p| {
            (
                p,
                deferred(|w| {
                    let layer = read_file(p, w)?;
                    layers::jeunes(&layer)
                }),
            )
        }),
        qpv: deferred(|w| read_layer(paths.qpv.as_deref(), defaults::QPV, w)),
        sites: deferred(|w| match paths.sites.as_deref() {
            Some(p) => read_file_sheet(p, Some(SITES_SHEET), w),
            None => read_layer(None, defaults::SITES, w),
        }),
    }
}

/// The communes, and the window their coordinates must lie in: France, or
/// near the communes' median for a territory elsewhere (layers::Window).
///
/// A GeoJSON layer (the embedded one included) is converted as it is read,
/// feature by feature, so that its raw features are never all held: as if
/// in France, the usual case, while each feature's first vertex is noted.
/// When the window those vertices give is another, the file is read again
/// and converted with it. Either way the result, warnings and errors are
/// those of reading the layer, then converting it.
fn load_communes(
    paths: &DataPaths,
    warnings: &mut Warnings,
) -> Result<(Vec<crate::model::Commune>, layers::Window), Error> {
    let geojson: Option<(PathBuf, Cow<'static, [u8]>)> = match paths.communes.as_deref() {
        Some(p) if is_geojson(p) => Some((
            p.to_path_buf(),
            Cow::Owned(std::fs::read(p).map_err(|e| Error::io(p, e))?),
        )),
        None if !defaults::COMMUNES.name.ends_with(".csv") => Some((
            PathBuf::from(defaults::COMMUNES.name),
            Cow::Borrowed(defaults::COMMUNES.bytes),
        )),
        _ => None,
    };
    let Some((path, bytes)) = geojson else {
        let communes_layer = read_layer(paths.communes.as_deref(), defaults::COMMUNES, warnings)?;
        let window = layers::window_of_layer(&communes_layer);
        return Ok((layers::communes(communes_layer, window, warnings)?, window));
    };
    let assumed = layers::Window::France;
    let read = geojson::parse_geojson_with(&path, &bytes, |f| {
        (
            layers::first_vertex(&f),
            layers::commune_alone(&path, assumed, f),
        )
    })?;
    let window = layers::Window::of_first_vertices(read.iter().map(|(v, _)| *v));
    let communes = if window == assumed {
        layers::communes_in_order(&path, read.into_iter().map(|(_, c)| c), warnings)
    } else {
        drop(read);
        let converted = geojson::parse_geojson_with(&path, &bytes, |f| {
            layers::commune_alone(&path, window, f)
        })?;
        layers::communes_in_order(&path, converted, warnings)
    };
    Ok((communes?, window))
}

/// A file's extension in lower case ("" for none).
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// Whether [`read_file`] reads `path` as GeoJSON.
fn is_geojson(path: &Path) -> bool {
    matches!(extension(path).as_str(), "geojson" | "json")
}

/// Loads and assembles the territory.
///
/// The tables that do not depend on the communes are read on the side
/// while the communes are; their warnings are added, and their errors
/// returned, at the place they always were, so that messages, warnings and
/// the first error stay those of reading the layers one after the other.
pub fn load_territory(paths: &DataPaths, warnings: &mut Warnings) -> Result<Territory, Error> {
    let (communes, side) = rayon::join(
        || deferred(|w| load_communes(paths, w)),
        || read_side_layers(paths),
    );
    let (communes, window) = resume(communes, warnings)?;
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
    let (cl_path, mut cl_table) = resume(side.classement, warnings)?;
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
    let (z_path, mut z_table) = resume(side.zones, warnings)?;
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
    let (ml_path, ml_table) = resume(side.missions_locales, warnings)?;
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
    let (jeunes, jeunes_source) = match side.jeunes {
        None => {
            // The census count of each commune that has one; the others
            // estimated (model::youth).
            let census = crate::load::census::census_15_24()?;
            let counts: Vec<Option<u64>> = communes
                .iter()
                .map(|c| census.get(c.code.as_str()).copied())
                .collect();
            let populations: Vec<u64> = communes.iter().map(|c| c.population).collect();
            let y = youth_from_census(&counts, &populations);
            let outside_region = communes
                .iter()
                .filter(|c| !in_reports_region(&c.departement))
                .count();
            let source = if y.from_census.iter().any(|&b| b) {
                YouthSource::Census {
                    from_census: y.from_census,
                    census_tenths: y.census_tenths,
                    census_total: y.census_total,
                    estimated_total: y.estimated_total,
                    outside_region,
                }
            } else {
                YouthSource::EstimatedFromRegionalTotal {
                    total: y.estimated_total,
                    outside_region,
                }
            };
            (y.jeunes, source)
        }
        Some((p, read)) => {
            let mut table = resume(read, warnings)?;
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
    let q_layer = resume(side.qpv, warnings)?;
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
    let s_layer = resume(side.sites, warnings)?;
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
    for (ml, path) in &paths.sites_ml {
        replace_ml_sites(
            &mut sites,
            ml,
            path,
            window,
            &communes,
            &missions_locales,
            warnings,
        )?;
    }
    warn_mls_without_site(&s_path, &sites, &ml_of_commune, &missions_locales, warnings);

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

/// Replaces the sites of the Mission Locale `ml` (its code, or its name
/// whatever the case and accents) with those of `path`
/// (`--sites-ml CODE=FICHIER`): every site of the file must be of that
/// Mission Locale, and no id may repeat one of another Mission Locale's.
fn replace_ml_sites(
    sites: &mut Vec<crate::model::Site>,
    ml: &str,
    path: &Path,
    window: layers::Window,
    communes: &[crate::model::Commune],
    missions_locales: &[MissionLocale],
    warnings: &mut Warnings,
) -> Result<(), Error> {
    let fold = crate::base::text::fold;
    let wanted = fold(ml);
    // The town of a Mission Locale's head office, from the sites loaded.
    let seat = |m: &MissionLocale| {
        sites
            .iter()
            .find(|s| s.kind == crate::model::SiteKind::Siege && s.code_ml == m.code)
            .and_then(|s| s.commune.as_ref())
            .and_then(|c| communes.binary_search_by(|x| x.code.cmp(c)).ok())
            .map(|i| fold(&communes[i].nom))
    };
    let found = missions_locales
        .iter()
        .find(|m| m.code == ml.trim() || fold(&m.nom) == wanted)
        .or_else(|| {
            let by_seat: Vec<&MissionLocale> = missions_locales
                .iter()
                .filter(|m| seat(m).as_deref() == Some(wanted.as_str()))
                .collect();
            (by_seat.len() == 1).then(|| by_seat[0])
        });
    let Some(m) = found.cloned() else {
        return Err(Error::file(
            path,
            format!(
                "--sites-ml {ml} : aucune Mission Locale des zones n'a ce code, ce nom ou cette \
                 ville de siège (écrivez --sites-ml CODE=FICHIER, par exemple \
                 62041=mes_sites.csv ; maillage missions-locales les liste)"
            ),
        ));
    };
    let m = &m;
    let layer = read_file(path, warnings)?;
    let mut new = layers::sites(&layer, window, communes)?;
    if new.is_empty() {
        return Err(Error::file(path, "aucun site dans le fichier"));
    }
    for (s, f) in new.iter().zip(&layer.features) {
        if s.code_ml != m.code {
            return Err(Error::field(
                path,
                layers::located(f, &s.id),
                "code_ml",
                format!(
                    "« {} » : ce fichier remplace les sites de la Mission Locale {} ({}) \
                     donnée à --sites-ml, il ne peut pas en donner d'une autre",
                    s.code_ml, m.code, m.nom
                ),
            ));
        }
    }
    sites.retain(|s| s.code_ml != m.code);
    for (s, f) in new.iter().zip(&layer.features) {
        if sites.iter().any(|o| o.id == s.id) {
            return Err(Error::field(
                path,
                layers::located(f, &s.id),
                "site_id",
                format!(
                    "« {} » est déjà l'identifiant d'un site d'une autre Mission Locale",
                    s.id
                ),
            ));
        }
    }
    place_sites(path, &mut new, communes, missions_locales, warnings);
    sites.extend(new);
    // Sorted by id, as every territory's sites are.
    sites.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(())
}

/// Warns about the Missions Locales of the zones that the sites leave
/// without any site (a sites file that holds only a few sites replaces
/// all of them): how many, and the first ones by name.
fn warn_mls_without_site(
    s_path: &Path,
    sites: &[crate::model::Site],
    ml_of_commune: &[usize],
    missions_locales: &[MissionLocale],
    warnings: &mut Warnings,
) {
    let mut with_communes = vec![false; missions_locales.len()];
    for &m in ml_of_commune {
        with_communes[m] = true;
    }
    for (m, ml) in missions_locales.iter().enumerate() {
        if with_communes[m] && !sites.iter().any(|s| s.code_ml == ml.code) {
            warnings.add(
                s_path,
                "Mission Locale des zones sans aucun site dans le fichier des sites : ses jeunes \
                 sont mesurés jusqu'aux sites des autres (pour ne remplacer que les sites d'une \
                 Mission Locale, donnez --sites-ml CODE=FICHIER plutôt que --sites)",
                format!("{} ({})", ml.nom, ml.code),
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
    let layer = read_file_sheet(path, Some(SITES_SHEET), warnings)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`load_communes`] did before it converted features as it read
    /// them: the whole layer read, its window decided, then converted.
    fn read_then_convert(
        paths: &DataPaths,
        warnings: &mut Warnings,
    ) -> Result<(Vec<crate::model::Commune>, layers::Window), Error> {
        let layer = read_layer(paths.communes.as_deref(), defaults::COMMUNES, warnings)?;
        let window = layers::window_of_layer(&layer);
        Ok((layers::communes(layer, window, warnings)?, window))
    }

    fn same_as_read_then_convert(paths: &DataPaths) -> String {
        let (mut w1, mut w2) = (Warnings::new(), Warnings::new());
        let got = format!("{:?}", load_communes(paths, &mut w1));
        let expected = format!("{:?}", read_then_convert(paths, &mut w2));
        assert_eq!(got, expected);
        assert_eq!(w1.lines(), w2.lines());
        got
    }

    /// A square commune 0.02° wide around (lon, lat), with a town hall
    /// `mairie` away in longitude.
    fn commune(code: &str, lon: f64, lat: f64, mairie: f64) -> String {
        let (a, b, c, d) = (lon - 0.01, lon + 0.01, lat - 0.01, lat + 0.01);
        format!(
            r#"{{"type":"Feature","properties":{{"code_insee":"{code}","nom":"C{code}","population":10,"mairie":[{},{lat}]}},"geometry":{{"type":"Polygon","coordinates":[[[{a},{c}],[{b},{c}],[{b},{d}],[{a},{d}],[{a},{c}]]]}}}}"#,
            lon + mairie
        )
    }

    #[test]
    fn communes_converted_as_read_are_those_of_the_whole_layer() {
        // The embedded layer (in France).
        let got = same_as_read_then_convert(&DataPaths::default());
        assert!(
            got.starts_with("Ok(") && got.ends_with("France))"),
            "{}",
            &got[..100]
        );
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, features: &[String]| {
            let p = dir.path().join(name);
            let text = format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                features.join(",")
            );
            std::fs::write(&p, text).unwrap();
            DataPaths {
                communes: Some(p),
                ..DataPaths::default()
            }
        };
        // Réunion: another window, so the file is read again; one town hall
        // far away gives a warning.
        let reunion = write(
            "reunion.geojson",
            &[
                commune("97411", 55.45, -20.9, 0.0),
                commune("97415", 55.3, -21.0, 0.5),
                commune("97416", 55.5, -21.3, 0.0),
            ],
        );
        let got = same_as_read_then_convert(&reunion);
        assert!(got.contains("Around"), "{got}");
        // In France, with a warning, then with an error after a warning:
        // the same warnings and the same first error.
        let france = write(
            "france.json",
            &[
                commune("60001", 2.0, 49.0, 0.5),
                commune("60002", 2.1, 49.0, 0.0),
            ],
        );
        same_as_read_then_convert(&france);
        let broken = write(
            "broken.geojson",
            &[
                commune("60001", 2.0, 49.0, 0.5),
                commune("600021", 2.1, 49.0, 0.0),
                commune("60003", 2.2, 49.0, 0.5),
                commune("60004", 2.3, 49.0, 9.0),
            ],
        );
        let got = same_as_read_then_convert(&broken);
        assert!(got.starts_with("Err("), "{got}");
        // A feature that cannot be read: the reading error, no warning.
        let unreadable = write(
            "unreadable.geojson",
            &[
                commune("60001", 2.0, 49.0, 0.5),
                r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[2]}}"#.to_string(),
            ],
        );
        let got = same_as_read_then_convert(&unreadable);
        assert!(got.contains("attendu au moins"), "{got}");
    }
}
