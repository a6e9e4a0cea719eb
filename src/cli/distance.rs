//! `maillage distance`: nearest site and distance for communes, QPV, a grid
//! and arbitrary points, with weighted summaries and accessibility scores.

use std::path::PathBuf;

use clap::Args;

use crate::analysis::access::{AccessParams, Bands, SupplyWeights};
use crate::base::Minutes;
use crate::base::Unit;
use crate::cli::args::{by_unit, parse_grid_m, parse_minutes, GridSize, NetworkArgs, ScopeArgs};
use crate::cli::{DataArgs, EXIT_OK};
use crate::model::SiteKind;
use crate::pipeline::distance::{DistanceOptions, Plan, DEFAULT_GRID_M};
use crate::pipeline::{distance, Context};

const EXAMPLES: &str = "\
Exemples :
  maillage distance
  maillage distance --grille-m 500 --out /tmp/distances
  maillage distance --points adresses_jeunes.csv   (colonnes id, lon, lat ; sans grille)
  maillage distance --acces-km 15 --poids-sites permanence=0.1
  maillage distance --apl-tranches-km 7:1,10:2/3,14:1/3 --ecrire-couts-acces --csv rfc4180";

/// Default of `--poids-sites` ([`SupplyWeights::default`]).
const DEFAULT_SITE_WEIGHTS: &str = "siege=1,antenne=0.5,permanence=0.2";

/// Site le plus proche et distance géodésique pour chaque commune (depuis sa
/// mairie), chaque QPV (depuis un point intérieur, avec la part de sa surface
/// dans chaque tranche de distance), chaque maille de la grille et chaque
/// point donné ; synthèses pondérées par la population ; scores
/// d'accessibilité par commune (2SFCA, 2SFCA amélioré, tranches APL). Écrit
/// communes.csv, qpv.csv, distances_synthese.csv, grille_distance.csv et
/// .tif (GeoTIFF), avec --points points_distance.csv (et pas de grille sauf
/// --grille-m), et avec --ecrire-couts-acces couts_acces.csv et scores_acces.csv.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceArgs {
    /// Côté des mailles de la grille Lambert-93 en mètres (mailles dont le
    /// centre est dans une commune) ; 0 : pas de grille. Par défaut 200, ou pas
    /// de grille avec --points.
    #[arg(long = "grille-m", alias = "grid-m", value_name = "M", value_parser = parse_grid_m)]
    pub grid_m: Option<GridSize>,
    /// Points à mesurer : CSV avec les colonnes id, lon, lat (degrés WGS84), par
    /// exemple les adresses géocodées et anonymisées des jeunes suivis.
    #[arg(long, value_name = "FICHIER")]
    pub points: Option<PathBuf>,
    /// Rayon du score 2SFCA classique, en km (colonne acces_2sfca).
    ///
    /// L'offre d'un site est partagée entre les jeunes des communes dont la
    /// mairie est à moins de cette distance, et chaque commune additionne les
    /// parts des sites à sa portée. 10 km par défaut : 71 % des jeunes suivis
    /// n'ont pas le permis, c'est un trajet à vélo, en bus ou en covoiturage
    /// plutôt qu'en voiture. Scores en sites pour 10 000 jeunes.
    #[arg(long = "acces-km", alias = "access-km", value_name = "KM", value_parser = parse_catchment, help_heading = "Accessibilité")]
    pub access_km: Option<Bands>,
    /// Tranches de distance du 2SFCA amélioré, paires KM:POIDS (colonne acces_e2sfca).
    ///
    /// Chaque paire donne la borne haute d'une tranche en km (incluse) et le
    /// poids d'un site ou d'une commune dans cette tranche, appliqué aux deux
    /// étapes (Luo et Qi 2009) ; au-delà de la dernière borne le poids est
    /// nul. Les poids sont dans ]0, 1] et peuvent être des fractions (2/3).
    /// Par défaut : les poids de Luo et Qi, 1, 0,68, 0,22, sur 0-5, 5-10 et
    /// 10-15 km.
    #[arg(long = "acces-tranches-km", alias = "access-bands-km", value_name = "KM:POIDS,…", value_parser = parse_bands, help_heading = "Accessibilité")]
    pub access_bands_km: Option<Bands>,
    /// Tranches de distance du score à la manière de l'APL, paires KM:POIDS
    /// (colonne acces_apl).
    ///
    /// L'APL de la DREES pondère les médecins 1 jusqu'à 10 minutes de route,
    /// 2/3 jusqu'à 15 et 1/3 jusqu'à 20, rien au-delà. Sans réseau routier, le
    /// défaut lit ces minutes comme des km à vol d'oiseau (1 min ↔ 1 km, 60
    /// km/h à vol d'oiseau) en gardant les poids de l'APL ; donnez ici votre
    /// équivalence (par exemple 7:1,10:2/3,14:1/3 pour 0,7 km par minute).
    /// Par défaut 10:1,15:2/3,20:1/3. Avec un réseau : --apl-tranches-min.
    #[arg(long = "apl-tranches-km", alias = "apl-bands-km", value_name = "KM:POIDS,…", value_parser = parse_bands, help_heading = "Accessibilité")]
    pub apl_bands_km: Option<Bands>,
    /// Offre d'un site selon son type, paires TYPE=POIDS (les trois scores).
    ///
    /// Les types sont siege, antenne et permanence ; un type absent garde son
    /// poids par défaut (siege 1, antenne 0.5, permanence 0.2 : une
    /// permanence ouvre quelques demi-journées par mois). Les poids sont des
    /// nombres ≥ 0 ou des fractions.
    #[arg(long = "poids-sites", alias = "site-weights", value_name = "TYPE=POIDS,…", default_value = DEFAULT_SITE_WEIGHTS, value_parser = parse_site_weights, help_heading = "Accessibilité")]
    pub site_weights: SupplyWeights,
    /// Écrire aussi couts_acces.csv (les distances commune-site utilisées par
    /// les scores) et scores_acces.csv (les scores avec tous leurs chiffres),
    /// pour des programmes.
    #[arg(
        long = "ecrire-couts-acces",
        alias = "write-access-costs",
        help_heading = "Accessibilité"
    )]
    pub write_access_costs: bool,
    /// Rayon du score 2SFCA classique en minutes, avec un réseau (colonne
    /// acces_2sfca) ; 30 par défaut (Luo et Wang 2003).
    #[arg(long = "acces-min", alias = "access-min", value_name = "MIN", value_parser = parse_minutes, help_heading = "Accessibilité")]
    pub access_min: Option<Minutes>,
    /// Tranches de temps du 2SFCA amélioré avec un réseau, paires MIN:POIDS ;
    /// par défaut les zones de Luo et Qi (2009) : 10:1,20:0.68,30:0.22.
    #[arg(long = "acces-tranches-min", alias = "access-bands-min", value_name = "MIN:POIDS,…", value_parser = parse_bands_min, help_heading = "Accessibilité")]
    pub access_bands_min: Option<Bands>,
    /// Tranches de temps du score APL avec un réseau, paires MIN:POIDS : par
    /// défaut celles de la DREES dans leurs propres minutes, 10:1,15:2/3,20:1/3.
    #[arg(long = "apl-tranches-min", alias = "apl-bands-min", value_name = "MIN:POIDS,…", value_parser = parse_bands_min, help_heading = "Accessibilité")]
    pub apl_bands_min: Option<Bands>,
}

/// A distance command: the options of `maillage distance` and the network.
#[derive(Debug, Args, Clone)]
#[command(after_long_help = EXAMPLES)]
pub struct DistanceCmd {
    #[command(flatten)]
    pub distance: DistanceArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

impl DistanceArgs {
    /// The checked options in `unit` (metres as the crow flies, minutes by
    /// network): the grid (`--grille-m`, or the 200 m grid, except for a
    /// `distance --points` run, `points_alone`, which measures its points
    /// only) and the accessibility parameters, the km options as the crow
    /// flies and the minutes options by network, each with its default.
    pub fn options(&self, unit: Unit, points_alone: bool) -> anyhow::Result<DistanceOptions> {
        let grid_m = match self.grid_m {
            Some(g) => g.0,
            None if points_alone && self.points.is_some() => None,
            None => Some(DEFAULT_GRID_M),
        };
        let km = AccessParams::default();
        let min = AccessParams::minutes();
        let catchment_min = match self.access_min {
            Some(m) => Some(Bands::catchment(Unit::Minutes, m.0)?),
            None => None,
        };
        let access = AccessParams {
            weights: self.site_weights,
            catchment: by_unit(
                unit,
                (self.access_km.clone(), "--acces-km", km.catchment),
                (catchment_min, "--acces-min", min.catchment),
            )?,
            enhanced: by_unit(
                unit,
                (
                    self.access_bands_km.clone(),
                    "--acces-tranches-km",
                    km.enhanced,
                ),
                (
                    self.access_bands_min.clone(),
                    "--acces-tranches-min",
                    min.enhanced,
                ),
            )?,
            apl: by_unit(
                unit,
                (self.apl_bands_km.clone(), "--apl-tranches-km", km.apl),
                (self.apl_bands_min.clone(), "--apl-tranches-min", min.apl),
            )?,
        };
        Ok(DistanceOptions {
            grid_m,
            grid_asked: self.grid_m.is_some(),
            points: self.points.clone(),
            access,
            write_access_costs: self.write_access_costs,
        })
    }
}

pub fn run(cmd: &DistanceCmd, data: &DataArgs, ctx: &mut Context) -> anyhow::Result<u8> {
    let network = cmd.network.plan()?;
    let plan = Plan {
        data: data.paths(),
        options: cmd.distance.options(network.unit(), true)?,
        scope: cmd.scope.choice(),
        network,
    };
    let outputs = distance::run(&plan, ctx)?;
    ctx.write(&outputs)?;
    Ok(EXIT_OK)
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

/// Parses `--acces-km`.
fn parse_catchment(s: &str) -> Result<Bands, String> {
    let km: f64 = s.trim().parse().map_err(|_| {
        format!("« {s} » n'est pas un nombre : attendu une distance en km comme 10 ou 7.5")
    })?;
    if !km.is_finite() || km <= 0.0 {
        return Err(format!("{s} km : attendu une distance positive en km"));
    }
    Bands::catchment(Unit::Metres, Unit::Metres.from_shown(km)).map_err(|e| e.to_string())
}

/// Parses `10:1,15:2/3,20:1/3` into distance bands in km.
pub fn parse_bands(s: &str) -> Result<Bands, String> {
    parse_bands_in(s, Unit::Metres)
}

/// Parses `10:1,20:0.68,30:0.22` into time bands in minutes.
pub fn parse_bands_min(s: &str) -> Result<Bands, String> {
    parse_bands_in(s, Unit::Minutes)
}

fn parse_bands_in(s: &str, unit: Unit) -> Result<Bands, String> {
    let (u, what) = match unit {
        Unit::Metres => ("KM", "de km"),
        Unit::Minutes => ("MIN", "de minutes"),
    };
    let expected = format!(
        "attendu des paires {u}:POIDS séparées par des virgules, comme 10:1,15:2/3,20:1/3 \
         (point décimal, bornes croissantes, poids dans ]0, 1] non croissants)"
    );
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
                format!("« {part} » : la borne n'est pas un nombre {what} ; {expected}")
            })?;
        let w = parse_number(w)
            .ok_or_else(|| format!("« {part} » : le poids n'est pas un nombre ; {expected}"))?;
        steps.push((unit.from_shown(km), w));
    }
    Bands::new(unit, steps).map_err(|e| format!("{e} ; {expected}"))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    // Default of `--acces-km` (see [`crate::analysis::access::DEFAULT_CATCHMENT_KM`]).
    const DEFAULT_ACCESS_KM: &str = "10";
    // Default of `--acces-tranches-km` ([`Bands::luo_qi`]).
    const DEFAULT_ACCESS_BANDS: &str = "5:1,10:0.68,15:0.22";
    // Default of `--apl-tranches-km` ([`Bands::apl`]).
    const DEFAULT_APL_BANDS: &str = "10:1,15:2/3,20:1/3";

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
        assert_eq!(b.steps()[1], (10_000.0, 2.0 / 3.0));
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
        assert_eq!(parse_catchment("7.5").unwrap().reach(), 7_500.0);
    }
}
