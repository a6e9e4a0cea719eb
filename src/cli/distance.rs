//! `maillage distance`: nearest site and distance for communes, QPV, a grid
//! and arbitrary points, with weighted summaries.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::analysis::access::{access_scores, AccessParams, Bands, SupplyWeights};
use crate::analysis::basics::Basics;
use crate::analysis::distance::{grid_distances, locate_points, nearest_sites};
use crate::analysis::grid::{commune_grid, communes_area_m2};
use crate::analysis::results::{
    DistanceResults, GridResults, NetworkResults, PointResults, Results,
};
use crate::analysis::summary::distance_summaries;
use crate::analysis::travel::nearest_sites_by_network;
use crate::cli::args::{parse_grid_m, GridSize};
use crate::cli::args::{NetworkArgs, NetworkParams};
use crate::cli::reseau::{files_text, open_network};
use crate::cli::{Context, DataArgs, EXIT_OK};
use crate::error::Error;
use crate::index::network::Mode;
use crate::index::PolygonIndex;
use crate::load::points::read_points;
use crate::model::{LonLat, Meters, SiteKind, Territory};
use crate::output::french;

const EXAMPLES: &str = "\
Exemples :
  maillage distance
  maillage distance --grid-m 500 --out /tmp/distances
  maillage distance --points adresses_jeunes.csv   (colonnes id, lon, lat ; sans grille)
  maillage distance --access-km 15 --site-weights permanence=0.1
  maillage distance --apl-bands-km 7:1,10:2/3,14:1/3 --write-access-costs --csv rfc4180";

/// Default of `--grid-m`, in metres.
pub const DEFAULT_GRID_M: f64 = 200.0;
/// Default of `--access-km` (see [`crate::analysis::access::DEFAULT_CATCHMENT_KM`]).
const DEFAULT_ACCESS_KM: &str = "10";
/// Default of `--access-bands-km` ([`Bands::luo_qi`]).
const DEFAULT_ACCESS_BANDS: &str = "5:1,10:0.68,15:0.22";
/// Default of `--apl-bands-km` ([`Bands::apl`]).
const DEFAULT_APL_BANDS: &str = "10:1,15:2/3,20:1/3";
/// Default of `--site-weights` ([`SupplyWeights::default`]).
const DEFAULT_SITE_WEIGHTS: &str = "siege=1,antenne=0.5,permanence=0.2";

/// Site le plus proche et distance géodésique pour chaque commune (depuis sa
/// mairie), chaque QPV (depuis un point intérieur, avec la part de sa surface
/// dans chaque tranche de distance), chaque maille de la grille et chaque
/// point donné ; synthèses pondérées par la population ; scores
/// d'accessibilité par commune (2SFCA, 2SFCA amélioré, tranches APL). Écrit
/// communes.csv, qpv.csv, distances_synthese.csv, grille_distance.csv et
/// .tif (GeoTIFF), avec --points points_distance.csv (et pas de grille sauf
/// --grid-m), et avec --write-access-costs couts_acces.csv et scores_acces.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceArgs {
    /// Côté des mailles de la grille Lambert-93 en mètres (mailles dont le
    /// centre est dans une commune) ; 0 : pas de grille. Par défaut 200, ou pas
    /// de grille avec --points.
    #[arg(long, value_name = "M", value_parser = parse_grid_m)]
    pub grid_m: Option<GridSize>,
    /// Points à mesurer : CSV avec les colonnes id, lon, lat (degrés WGS84), par
    /// exemple les adresses géocodées et anonymisées des jeunes suivis.
    #[arg(long, value_name = "FILE")]
    pub points: Option<PathBuf>,
    /// Rayon du score 2SFCA classique, en km (colonne acces_2sfca).
    ///
    /// L'offre d'un site est partagée entre les jeunes des communes dont la
    /// mairie est à moins de cette distance, et chaque commune additionne les
    /// parts des sites à sa portée. 10 km par défaut : 71 % des jeunes suivis
    /// n'ont pas le permis, c'est un trajet à vélo, en bus ou en covoiturage
    /// plutôt qu'en voiture. Scores en sites pour 10 000 jeunes.
    #[arg(long, value_name = "KM", default_value = DEFAULT_ACCESS_KM, value_parser = parse_catchment, help_heading = "Accessibilité")]
    pub access_km: Bands,
    /// Tranches de distance du 2SFCA amélioré, paires KM:POIDS (colonne acces_e2sfca).
    ///
    /// Chaque paire donne la borne haute d'une tranche en km (incluse) et le
    /// poids d'un site ou d'une commune dans cette tranche, appliqué aux deux
    /// étapes (Luo et Qi 2009) ; au-delà de la dernière borne le poids est
    /// nul. Les poids sont dans ]0, 1] et peuvent être des fractions (2/3).
    /// Par défaut : les poids de Luo et Qi, 1, 0,68, 0,22, sur 0-5, 5-10 et
    /// 10-15 km.
    #[arg(long, value_name = "KM:POIDS,…", default_value = DEFAULT_ACCESS_BANDS, value_parser = parse_bands, help_heading = "Accessibilité")]
    pub access_bands_km: Bands,
    /// Tranches de distance du score à la manière de l'APL, paires KM:POIDS
    /// (colonne acces_apl).
    ///
    /// L'APL de la DREES pondère les médecins 1 jusqu'à 10 minutes de route,
    /// 2/3 jusqu'à 15 et 1/3 jusqu'à 20, rien au-delà. Sans réseau routier, le
    /// défaut lit ces minutes comme des km à vol d'oiseau (1 min ↔ 1 km, 60
    /// km/h à vol d'oiseau) en gardant les poids de l'APL ; donnez ici votre
    /// équivalence (par exemple 7:1,10:2/3,14:1/3 pour 0,7 km par minute).
    #[arg(long, value_name = "KM:POIDS,…", default_value = DEFAULT_APL_BANDS, value_parser = parse_bands, help_heading = "Accessibilité")]
    pub apl_bands_km: Bands,
    /// Offre d'un site selon son type, paires TYPE=POIDS (les trois scores).
    ///
    /// Les types sont siege, antenne et permanence ; un type absent garde son
    /// poids par défaut (siege 1, antenne 0.5, permanence 0.2 : une
    /// permanence ouvre quelques demi-journées par mois). Les poids sont des
    /// nombres ≥ 0 ou des fractions.
    #[arg(long, value_name = "TYPE=POIDS,…", default_value = DEFAULT_SITE_WEIGHTS, value_parser = parse_site_weights, help_heading = "Accessibilité")]
    pub site_weights: SupplyWeights,
    /// Écrire aussi couts_acces.csv (les distances commune-site utilisées par
    /// les scores) et scores_acces.csv (les scores avec tous leurs chiffres),
    /// pour des programmes.
    #[arg(long, help_heading = "Accessibilité")]
    pub write_access_costs: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Parses a number with a decimal point, or a fraction `a/b`.
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    let x = match s.split_once('/') {
        Some((a, b)) => a.trim().parse::<f64>().ok()? / b.trim().parse::<f64>().ok()?,
        None => s.parse::<f64>().ok()?,
    };
    x.is_finite().then_some(x)
}

/// Parses `--access-km`.
fn parse_catchment(s: &str) -> Result<Bands, String> {
    let km: f64 = s.trim().parse().map_err(|_| {
        format!("« {s} » n'est pas un nombre : attendu une distance en km comme 10 ou 7.5")
    })?;
    if !km.is_finite() || km <= 0.0 {
        return Err(format!("{s} km : attendu une distance positive en km"));
    }
    Bands::catchment(Meters::from_km(km)).map_err(|e| e.to_string())
}

/// Parses `10:1,15:2/3,20:1/3` into distance bands.
pub fn parse_bands(s: &str) -> Result<Bands, String> {
    let expected =
        "attendu des paires KM:POIDS séparées par des virgules, comme 10:1,15:2/3,20:1/3 \
                    (point décimal, bornes croissantes, poids dans ]0, 1] non croissants)";
    let mut steps = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (km, w) = part
            .split_once(':')
            .ok_or_else(|| format!("« {part} » : {expected}"))?;
        let km = km
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|k| k.is_finite())
            .ok_or_else(|| {
                format!("« {part} » : la borne n'est pas un nombre de km ; {expected}")
            })?;
        let w = parse_number(w)
            .ok_or_else(|| format!("« {part} » : le poids n'est pas un nombre ; {expected}"))?;
        steps.push((Meters::from_km(km), w));
    }
    Bands::new(steps).map_err(|e| format!("{e} ; {expected}"))
}

/// Parses `siege=1,antenne=0.5,permanence=0.2`; kinds left out keep their default.
pub fn parse_site_weights(s: &str) -> Result<SupplyWeights, String> {
    let expected = "attendu des paires TYPE=POIDS comme siege=1,antenne=0.5,permanence=0.2 \
                    (types siege, antenne, permanence ; poids ≥ 0)";
    let mut weights = SupplyWeights::default();
    let mut seen: Vec<SiteKind> = Vec::new();
    for part in s.split(',') {
        let part = part.trim();
        let (k, w) = part
            .split_once('=')
            .ok_or_else(|| format!("« {part} » : {expected}"))?;
        let kind = SiteKind::parse(k)
            .ok_or_else(|| format!("« {} » n'est pas un type de site ; {expected}", k.trim()))?;
        if seen.contains(&kind) {
            return Err(format!("{} est donné deux fois ; {expected}", kind.code()));
        }
        seen.push(kind);
        let w = parse_number(w)
            .filter(|w| *w >= 0.0)
            .ok_or_else(|| format!("« {part} » : le poids n'est pas un nombre ≥ 0 ; {expected}"))?;
        weights.set(kind, w);
    }
    if SiteKind::ALL.iter().all(|&k| weights.of(k) == 0.0) {
        return Err(format!(
            "tous les poids valent 0, aucun site n'aurait d'offre ; {expected}"
        ));
    }
    Ok(weights)
}

/// Checked options of a distance run.
pub struct DistancePlan {
    pub grid_m: Option<f64>,
    pub points: Option<(Vec<String>, Vec<LonLat>)>,
    pub access: AccessParams,
    pub write_access_costs: bool,
    /// The road network and its mode, when distances are also measured on it.
    pub network: Option<NetworkPlan>,
}

/// A road network to measure on.
pub struct NetworkPlan {
    pub mode: Mode,
    pub files: Vec<PathBuf>,
    pub params: NetworkParams,
}

impl DistanceArgs {
    /// The grid asked for: `--grid-m`, or by default the 200 m grid, except
    /// for a `distance --points` run (`points_alone`), which measures its
    /// points only.
    pub fn grid(&self, points_alone: bool) -> Option<f64> {
        match self.grid_m {
            Some(g) => g.0,
            None if points_alone && self.points.is_some() => None,
            None => Some(DEFAULT_GRID_M),
        }
    }

    /// Checks the options and reads the points file, before any computation;
    /// `points_alone` as in [`DistanceArgs::grid`].
    pub fn plan(&self, ctx: &mut Context, points_alone: bool) -> anyhow::Result<DistancePlan> {
        let grid_m = self.grid(points_alone);
        let points = match &self.points {
            None => None,
            Some(p) => {
                let points = read_points(p, &mut ctx.warnings)?;
                if points.0.is_empty() {
                    return Err(Error::file(
                        p,
                        "aucun point : le fichier a un en-tête mais aucune ligne",
                    )
                    .into());
                }
                Some(points)
            }
        };
        Ok(DistancePlan {
            grid_m,
            points,
            access: AccessParams {
                weights: self.site_weights,
                catchment: self.access_km.clone(),
                enhanced: self.access_bands_km.clone(),
                apl: self.apl_bands_km.clone(),
            },
            write_access_costs: self.write_access_costs,
            network: self.network.mode()?.map(|mode| NetworkPlan {
                mode,
                files: self.network.reseau.clone(),
                params: self.network.params.clone(),
            }),
        })
    }
}

/// The most grid cells a run computes (the default 200 m grid of the region
/// has about 800,000; each cell costs some 200 bytes until written).
pub const MAX_GRID_CELLS: f64 = 10_000_000.0;

impl DistancePlan {
    /// Refuses a grid too fine for the territory's area before any work.
    pub fn check_grid(&self, t: &Territory) -> anyhow::Result<()> {
        let Some(size) = self.grid_m else {
            return Ok(());
        };
        let area = communes_area_m2(&t.communes);
        let cells = area / (size * size);
        if cells > MAX_GRID_CELLS {
            anyhow::bail!(
                "--grid-m {size} : environ {} millions de mailles sur les {} km² des communes, plus \
                 que les {} millions qu'un calcul traite ; choisissez --grid-m {} ou plus",
                french::decimal(cells / 1e6, 0),
                french::decimal(area / 1e6, 0),
                french::decimal(MAX_GRID_CELLS / 1e6, 0),
                (area / MAX_GRID_CELLS).sqrt().ceil()
            );
        }
        Ok(())
    }
}

/// Computes distances, accessibility scores, summaries, the grid and the
/// points of `plan`.
pub fn analyse(
    t: &Territory,
    b: &Basics,
    plan: &DistancePlan,
    ctx: &mut Context,
) -> anyhow::Result<DistanceResults> {
    ctx.progress.step("accessibilité");
    let access = access_scores(t, &b.index, &plan.access);
    ctx.progress.step("tables des distances");
    let summaries = distance_summaries(t, &b.nearest, &b.qpv);
    let grid = plan.grid_m.map(|size| {
        ctx.progress.step(&format!("grille de {size} m"));
        let cells = commune_grid(&t.communes, size);
        let nearest = grid_distances(&b.index, &cells);
        GridResults {
            size,
            cells,
            nearest,
        }
    });
    let points = plan.points.as_ref().map(|(ids, pts)| {
        // Separate steps, so that --verbose times the nearest-site search
        // alone (scripts/bench-peers reads it).
        ctx.progress.step("points : site le plus proche");
        let nearest = nearest_sites(&b.index, pts);
        ctx.progress.step("points : commune");
        let geoms: Vec<_> = t.communes.iter().map(|c| c.geometry.clone()).collect();
        let communes = locate_points(&PolygonIndex::new(&geoms), pts);
        ctx.progress.step("points : table");
        PointResults {
            ids: ids.clone(),
            points: pts.clone(),
            communes,
            nearest,
        }
    });
    let network = match &plan.network {
        None => None,
        Some(n) => Some(network_distances(t, b, n, points.as_ref(), ctx)?),
    };
    Ok(DistanceResults {
        access,
        summaries,
        grid,
        points,
        network,
    })
}

/// The nearest site by road network of the communes, QPV and points; a
/// place or site farther than the snapping limit from the network is
/// counted in a warning and left unmeasured.
fn network_distances(
    t: &Territory,
    b: &Basics,
    n: &NetworkPlan,
    points: Option<&PointResults>,
    ctx: &mut Context,
) -> anyhow::Result<NetworkResults> {
    let net = open_network(&n.files, n.mode, n.params.speeds(), ctx)?;
    let files = files_text(&n.files);
    let snap = n.params.snap_max_m;
    let sites: Vec<LonLat> = t.sites.iter().map(|s| s.position).collect();
    let mut measure = |what: &str, ids: &dyn Fn(usize) -> String, origins: &[LonLat]| {
        let (res, lost_sites) = nearest_sites_by_network(&net, &sites, origins, snap);
        for &i in &res.unsnapped {
            ctx.warnings.add(
                Path::new(&files),
                format!(
                    "{what} à plus de {} m du réseau ({}) : non mesuré par le réseau",
                    snap.0, n.mode
                ),
                ids(i),
            );
        }
        (res.trips, lost_sites)
    };
    let reference: Vec<LonLat> = t.communes.iter().map(|c| c.reference).collect();
    let (communes, lost) = measure("commune", &|i| t.communes[i].code.to_string(), &reference);
    let qpv_points: Vec<LonLat> = b.qpv.iter().map(|q| q.point).collect();
    let (qpv, _) = measure("QPV", &|j| t.qpv[j].code.clone(), &qpv_points);
    let points = match points {
        Some(p) => measure("point", &|i| p.ids[i].clone(), &p.points).0,
        None => Vec::new(),
    };
    for j in lost {
        ctx.warnings.add(
            Path::new(&files),
            format!(
                "site à plus de {} m du réseau ({}) : aucun trajet n'y mène",
                snap.0, n.mode
            ),
            t.sites[j].id.clone(),
        );
    }
    Ok(NetworkResults {
        mode: n.mode,
        communes,
        qpv,
        points,
    })
}

pub fn run(args: &DistanceArgs, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let plan = args.plan(ctx, true)?;
    let t = ctx.load(data)?;
    plan.check_grid(&t)?;
    ctx.progress.step("distances");
    let mut r = Results::new(Basics::new(&t));
    r.distance = Some(analyse(&t, &r.basics, &plan, ctx)?);
    ctx.write_results(&t, &r, plan.write_access_costs)?;
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn option_defaults_are_the_library_defaults() {
        let d = AccessParams::default();
        assert_eq!(parse_catchment(DEFAULT_ACCESS_KM).unwrap(), d.catchment);
        assert_eq!(parse_bands(DEFAULT_ACCESS_BANDS).unwrap(), d.enhanced);
        assert_eq!(parse_bands(DEFAULT_APL_BANDS).unwrap(), d.apl);
        assert_eq!(parse_site_weights(DEFAULT_SITE_WEIGHTS).unwrap(), d.weights);
    }

    #[test]
    fn bands_parse_fractions_and_refuse_mistakes() {
        let b = parse_bands(" 7:1, 10:2/3 ,14:1/3").unwrap();
        assert_eq!(b.steps()[1], (Meters(10_000.0), 2.0 / 3.0));
        for bad in [
            "10",
            "10:1,5:0.5",
            "5:0.5,10:1",
            "10:0",
            "10:1.2",
            "x:1",
            "10:y",
            "10:1;15:0.5",
            "-5:1",
            "",
        ] {
            assert!(parse_bands(bad).is_err(), "{bad} accepted");
        }
        assert!(parse_bands("10:1,5:0.5").unwrap_err().contains("croître"));
    }

    #[test]
    fn site_weights_keep_defaults_for_kinds_left_out() {
        let w = parse_site_weights("permanence=0.1, siège=2").unwrap();
        assert_eq!((w.siege, w.antenne, w.permanence), (2.0, 0.5, 0.1));
        assert!(parse_site_weights("bureau=1")
            .unwrap_err()
            .contains("n'est pas un type de site"));
        assert!(parse_site_weights("siege=1,siege=2")
            .unwrap_err()
            .contains("deux fois"));
        assert!(parse_site_weights("siege=-1").is_err());
        assert!(parse_site_weights("siege=0,antenne=0,permanence=0")
            .unwrap_err()
            .contains("tous les poids valent 0"));
    }

    #[test]
    fn catchment_must_be_positive() {
        assert!(parse_catchment("0").unwrap_err().contains("positive"));
        assert!(parse_catchment("dix")
            .unwrap_err()
            .contains("n'est pas un nombre"));
        assert_eq!(parse_catchment("7.5").unwrap().reach(), Meters(7_500.0));
    }
}
