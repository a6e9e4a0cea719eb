//! Argument types shared by the commands, each parsed once by clap: a
//! distance in km, a list of radii, a share, the Mission Locale selector, the
//! candidate source and the report's placement proposal. A command copies
//! the fields it needs; the checks and messages are the same everywhere.

use std::path::PathBuf;

use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::{Args, ValueEnum};

use crate::analysis::transit::TransitParams;
use crate::base::text::fold;
use crate::base::{Cost, Km, Meters, Minutes, Share, TravelMode, Unit};
use crate::index::network::Speeds;
use crate::model::transit::Date;
use crate::model::Territory;
use crate::pipeline::network::{NetworkPlan, TransitPlan};
use crate::pipeline::placement::{CandidateSource, ProposalOptions};
use crate::pipeline::ScopeChoice;

/// Parses a positive distance in km, with a decimal point.
pub fn parse_km(s: &str) -> Result<Km, String> {
    let km: f64 = s.trim().parse().map_err(|_| {
        format!(
            "« {s} » n'est pas un nombre : une distance en km s'écrit 10 ou 7.5 (point décimal)"
        )
    })?;
    if !km.is_finite() || km <= 0.0 {
        return Err(format!(
            "{s} km : une distance doit être un nombre de km positif"
        ));
    }
    Ok(Km(km))
}

/// Radii in km: strictly increasing, positive (`--rayons-km 5,10,15,20`).
#[derive(Debug, Clone, PartialEq)]
pub struct Radii(Vec<Km>);

impl Radii {
    /// The radii in metres, sorted.
    pub fn meters(&self) -> Vec<Meters> {
        self.0.iter().map(|k| k.meters()).collect()
    }
    /// The radii in km, sorted.
    pub fn km(&self) -> Vec<f64> {
        self.0.iter().map(|k| k.0).collect()
    }
    /// The one radius of a command that takes a single one.
    pub fn single(&self, option: &str) -> Result<Km, String> {
        match self.0.as_slice() {
            [one] => Ok(*one),
            _ => Err(format!(
                "{option} {} : cette commande prend un seul rayon",
                self.km()
                    .iter()
                    .map(f64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )),
        }
    }
}

/// Parses `5,10,15` into positive radii, which must be strictly
/// increasing ([`increasing_list`]).
pub fn parse_radii(s: &str) -> Result<Radii, String> {
    let v = increasing_list(s, |p| parse_km(p).map(|k| k.0), "km", "rayons", "5,10,15")?;
    Ok(Radii(v.into_iter().map(Km).collect()))
}

/// A comma-separated list of positive values (each read by `parse`),
/// strictly increasing: a list is never reordered or thinned silently. A
/// French decimal typed with a comma (`7,5`: two whole numbers, the second
/// positive and not above the first) gets a message saying how to write either reading:
/// `pour 7,5 km écrivez 7.5 ; pour deux rayons, dans l'ordre : 5,7`.
pub fn increasing_list(
    s: &str,
    parse: impl Fn(&str) -> Result<f64, String>,
    unit: &str,
    what: &str,
    example: &str,
) -> Result<Vec<f64>, String> {
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    if let [a, b] = parts.as_slice() {
        let whole = |x: &str| -> Option<u64> {
            (!x.is_empty() && x.bytes().all(|c| c.is_ascii_digit()))
                .then(|| x.parse().ok())
                .flatten()
        };
        if let (Some(x), Some(y)) = (whole(a), whole(b)) {
            if 0 < y && y <= x {
                return Err(format!(
                    "pour {a},{b} {unit} écrivez {a}.{b} ; pour deux {what}, dans l'ordre : {y},{x}"
                ));
            }
        }
    }
    let mut v = Vec::with_capacity(parts.len());
    for part in parts {
        v.push(parse(part).map_err(|e| {
            format!("{e} (les {what} s'écrivent séparés par des virgules : {example})")
        })?);
    }
    if v.windows(2).any(|w| w[1] <= w[0]) {
        return Err(format!(
            "« {s} » : les {what} doivent être croissants et distincts, par exemple {example}"
        ));
    }
    Ok(v)
}

/// The side of the distance grid's cells in metres, or no grid (`--grille-m 0`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GridSize(pub Option<f64>);

/// Parses `--grille-m`: 0 for no grid, or at least 10 metres.
pub fn parse_grid_m(s: &str) -> Result<GridSize, String> {
    let m: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("« {s} » n'est pas un nombre de mètres"))?;
    match m {
        0.0 => Ok(GridSize(None)),
        m if m.is_finite() && m >= 10.0 => Ok(GridSize(Some(m))),
        _ => Err(format!(
            "{s} m : attendu 0 (pas de grille) ou une maille d'au moins 10 mètres"
        )),
    }
}

/// Parses a share between 0 and 1.
pub fn parse_share(s: &str) -> Result<Share, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("« {s} » n'est pas un nombre : une part s'écrit 0.32 pour 32 %"))?;
    if !(0.0..=1.0).contains(&x) {
        return Err(format!(
            "{s} : une part est comprise entre 0 et 1 (0.32 pour 32 %)"
        ));
    }
    Ok(Share(x))
}

/// Parses `mairies`, `france-services` or a file path.
/// The words are read whatever the case and accents (`Mairies`,
/// `France services`).
pub fn parse_candidates(s: &str) -> Result<CandidateSource, String> {
    Ok(match fold(s).replace(' ', "-").as_str() {
        "mairies" => CandidateSource::Mairies,
        "france-services" => CandidateSource::FranceServices,
        "" => return Err("attendu : mairies, france-services ou un fichier CSV".into()),
        _ => CandidateSource::File(PathBuf::from(s.trim())),
    })
}

/// A Mission Locale named by its code (`62041`), its name or the town of
/// its head office (`Arras`), whatever the case and accents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MlArg(pub String);

impl MlArg {
    /// The index of the Mission Locale this names in `t`
    /// ([`crate::model::resolve_ml`]).
    pub fn resolve(&self, t: &Territory, option: &str) -> anyhow::Result<usize> {
        crate::model::resolve_ml(t, &self.0, option)
    }
}

/// The perimeter of a run: the whole territory, or one Mission Locale,
/// département or EPCI (shared by every analysing command).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Périmètre (par défaut : tout le territoire)")]
pub struct ScopeArgs {
    /// Une Mission Locale : son code (62041), son nom, une partie de son nom
    /// (« pays d'artois ») ou la ville de son siège (Arras), sans souci des
    /// majuscules ni des accents. Ses communes sont mesurées jusqu'à tous les
    /// sites (un site de l'autre côté de la limite les sert aussi).
    #[arg(long, value_name = "ML", value_parser = parse_ml, conflicts_with_all = ["departement", "epci"])]
    pub ml: Option<MlArg>,
    /// Un département : son code (80) ou son nom (Somme).
    #[arg(long, value_name = "DÉPARTEMENT", conflicts_with = "epci")]
    pub departement: Option<String>,
    /// Un EPCI : son SIREN ou son nom (ou une partie de son nom).
    #[arg(long, value_name = "EPCI")]
    pub epci: Option<String>,
}

impl ScopeArgs {
    /// The perimeter as typed.
    pub fn choice(&self) -> ScopeChoice {
        match (&self.ml, &self.departement, &self.epci) {
            (Some(ml), _, _) => ScopeChoice::Ml(ml.0.clone()),
            (None, Some(d), _) => ScopeChoice::Departement(d.clone()),
            (None, None, Some(e)) => ScopeChoice::Epci(e.clone()),
            (None, None, None) => ScopeChoice::Territory,
        }
    }
}

/// Parses `--ml` (checked against the territory once it is loaded).
pub fn parse_ml(s: &str) -> Result<MlArg, String> {
    if s.trim().is_empty() {
        return Err("attendu : le code, le nom ou la ville de siège d'une Mission Locale".into());
    }
    Ok(MlArg(s.trim().to_string()))
}

/// The placement proposal of the report and of the maps (`maillage implantation`
/// has every option).
#[derive(Debug, Args, Clone)]
pub struct ProposalArgs {
    /// Nombre de nouvelles permanences que propose le rapport.
    #[arg(
        long = "implantation-nombre",
        alias = "placement-k",
        value_name = "N",
        default_value_t = 10
    )]
    pub placement_k: usize,
    /// Rayon de la proposition, en km : à 10 km le réseau substitut atteint
    /// déjà tous les jeunes sauf quelques centaines, le rapport regarde donc 5 km.
    /// Par défaut 5.
    #[arg(long = "implantation-rayon-km", alias = "placement-radius-km", value_name = "KM", value_parser = parse_km)]
    pub placement_radius_km: Option<Km>,
    /// Rayon de la proposition en minutes par le mode choisi, avec --reseau et
    /// --mode ; par défaut 20 (la dernière tranche de l'APL).
    #[arg(long = "implantation-rayon-min", alias = "placement-radius-min", value_name = "MIN", value_parser = parse_minutes)]
    pub placement_radius_min: Option<Minutes>,
    /// Candidats de la proposition : mairies, france-services ou un fichier CSV.
    #[arg(
        long = "implantation-candidats",
        alias = "placement-candidates",
        value_name = "mairies|france-services|FICHIER",
        default_value = "mairies",
        value_parser = parse_candidates
    )]
    pub placement_candidates: CandidateSource,
}

/// Default of `--implantation-rayon-km` (and of `implantation --rayon-km`).
pub const DEFAULT_PROPOSAL_RADIUS_KM: f64 = 5.0;
/// Default of `--implantation-rayon-min` (and of `implantation --rayon-min`).
pub const DEFAULT_PROPOSAL_RADIUS_MIN: f64 = 20.0;

impl ProposalArgs {
    /// The proposal's settings in the run's unit.
    pub fn options(&self, unit: Unit) -> anyhow::Result<ProposalOptions> {
        Ok(ProposalOptions {
            k: self.placement_k,
            radius: self.radius(unit)?,
            candidates: self.placement_candidates.clone(),
        })
    }

    /// The proposal's radius in the run's unit.
    pub fn radius(&self, unit: Unit) -> anyhow::Result<Cost> {
        let r = by_unit(
            unit,
            (
                self.placement_radius_km.map(|k| k.0),
                "--implantation-rayon-km",
                DEFAULT_PROPOSAL_RADIUS_KM,
            ),
            (
                self.placement_radius_min.map(|m| m.0),
                "--implantation-rayon-min",
                DEFAULT_PROPOSAL_RADIUS_MIN,
            ),
        )?;
        Ok(unit.cost(unit.from_shown(r)))
    }
}

/// Parses a positive speed in km/h.
pub fn parse_kmh(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("« {s} » n'est pas un nombre de km/h"))?;
    if !v.is_finite() || v <= 0.0 {
        return Err(format!(
            "{s} km/h : une vitesse doit être un nombre positif"
        ));
    }
    Ok(v)
}

/// Parses a distance in metres, zero or positive.
pub fn parse_meters(s: &str) -> Result<Meters, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("« {s} » n'est pas un nombre de mètres"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!(
            "{s} m : il faut un nombre de mètres positif ou nul"
        ));
    }
    Ok(Meters(v))
}

/// A value parser for a list of words (a clap `ValueEnum`) that ignores
/// case, accents and the separators people type: `Vélo` is `velo`,
/// `Les deux` is `les-deux`. The help lists the values as clap does.
#[derive(Clone)]
pub struct Folded<E>(std::marker::PhantomData<E>);

/// [`Folded`] for `E`.
pub fn folded<E>() -> Folded<E> {
    Folded(std::marker::PhantomData)
}

impl<E: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for Folded<E> {
    type Value = E;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<E, clap::Error> {
        let word = value.to_str().map(|s| fold(s).replace(' ', "-"));
        let value = word.as_deref().map_or(value, std::ffi::OsStr::new);
        EnumValueParser::<E>::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            E::value_variants()
                .iter()
                .filter_map(ValueEnum::to_possible_value),
        ))
    }
}

/// The travel modes on the command line, by their French names.
impl ValueEnum for TravelMode {
    fn value_variants<'a>() -> &'a [Self] {
        &TravelMode::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// How the analyses measure (`--mode`): as the crow flies (`vol-oiseau`,
/// no travel mode) or by a travel mode on a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mesure(pub Option<TravelMode>);

/// Every value of `--mode`, in the order of the help.
const MESURES: [Mesure; 5] = [
    Mesure(None),
    Mesure(Some(TravelMode::Marche)),
    Mesure(Some(TravelMode::Velo)),
    Mesure(Some(TravelMode::Voiture)),
    Mesure(Some(TravelMode::Transport)),
];

impl ValueEnum for Mesure {
    fn value_variants<'a>() -> &'a [Self] {
        &MESURES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(
            self.0.map_or("vol-oiseau", TravelMode::name),
        ))
    }
}

/// The walking and cycling speeds of a network, shared by `maillage temps`,
/// `maillage reseau` and the analyses.
#[derive(Debug, Args, Clone)]
pub struct SpeedArgs {
    /// Vitesse de marche en km/h (mode marche, et rattachement au réseau en
    /// modes marche et voiture).
    #[arg(long, value_name = "KMH", default_value = "4.5", value_parser = parse_kmh)]
    pub vitesse_marche_kmh: f64,
    /// Vitesse à vélo en km/h (mode velo).
    #[arg(long, value_name = "KMH", default_value = "15", value_parser = parse_kmh)]
    pub vitesse_velo_kmh: f64,
}

impl SpeedArgs {
    pub fn speeds(&self) -> Speeds {
        Speeds {
            walk_kmh: self.vitesse_marche_kmh,
            bike_kmh: self.vitesse_velo_kmh,
        }
    }
}

/// The network's speeds and snapping, shared by `maillage temps` and the
/// analyses.
#[derive(Debug, Args, Clone)]
pub struct NetworkParams {
    /// Distance maximale en mètres entre un point et le nœud du réseau le plus
    /// proche ; au-delà, le point n'est pas mesuré.
    #[arg(long = "rattachement-max-m", alias = "snap-max-m", value_name = "M", default_value = "1000", value_parser = parse_meters)]
    pub snap_max_m: Meters,
    #[command(flatten)]
    pub speeds: SpeedArgs,
}

impl NetworkParams {
    pub fn speeds(&self) -> Speeds {
        self.speeds.speeds()
    }
}

/// A road network to measure on, for the analyses (`--reseau`, `--mode`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Réseau (temps de parcours)")]
pub struct NetworkArgs {
    /// Extrait OpenStreetMap .osm.pbf (répéter l'option pour en fusionner
    /// plusieurs), avec --mode marche, velo, voiture ou transport (le réseau
    /// piéton des trajets vers, entre et depuis les arrêts) : toutes les
    /// analyses mesurent alors des temps de parcours (voir docs/methodes.md).
    #[arg(long, value_name = "FICHIER.osm.pbf")]
    pub reseau: Vec<PathBuf>,
    /// Mesure : vol-oiseau (distance géodésique, par défaut), marche, velo,
    /// voiture (temps sur le réseau de --reseau, mêmes règles que maillage
    /// temps) ou transport (à pied et en transports en commun, horaires de
    /// --gtfs, départ --depart).
    #[arg(long, value_name = "MODE", default_value = "vol-oiseau", value_parser = folded::<Mesure>())]
    pub mode: Mesure,
    #[command(flatten)]
    pub params: NetworkParams,
    #[command(flatten)]
    pub transit: TransitArgs,
    /// Mode transport : durée maximale d'un trajet en minutes ; au-delà, le
    /// site est hors d'atteinte. Par défaut 120.
    #[arg(long = "trajet-max-min", alias = "max-min", value_name = "MIN", value_parser = parse_minutes, help_heading = "Transports en commun (--mode transport)")]
    pub max_min: Option<Minutes>,
    /// Continuer quand le réseau ne mesure pas au moins 95 % des jeunes du
    /// territoire (extrait trop petit, voies manquantes) : les tableaux
    /// disent alors la part mesurée de chaque ligne, et la page l'annonce.
    #[arg(long)]
    pub partiel: bool,
}

/// A departure: the service day and the time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Departure {
    pub date: Date,
    /// Seconds from the day's midnight.
    pub seconds: i32,
}

impl std::fmt::Display for Departure {
    /// `2019-05-13T08:00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}T{:02}:{:02}",
            self.date,
            self.seconds / 3600,
            self.seconds / 60 % 60
        )
    }
}

/// Parses `2019-05-13T08:00` (or `…T08:00:00`, or a space for the `T`).
pub fn parse_departure(s: &str) -> Result<Departure, String> {
    let expected = "attendu une date et une heure AAAA-MM-JJTHH:MM, comme 2019-05-13T08:00";
    let t = s.trim();
    let (d, h) = t
        .split_once(['T', ' '])
        .ok_or_else(|| format!("« {s} » : {expected}"))?;
    let date = Date::parse(d).ok_or_else(|| format!("« {s} » : date inconnue ; {expected}"))?;
    let parts: Vec<&str> = h.split(':').collect();
    let num = |x: &str, max: i32| -> Option<i32> {
        let v: i32 = x.parse().ok()?;
        (x.len() == 2 && (0..max).contains(&v)).then_some(v)
    };
    let hms = match parts.as_slice() {
        [hh, mm] => num(hh, 24).zip(num(mm, 60)).map(|(a, b)| (a, b, 0)),
        [hh, mm, ss] => num(hh, 24)
            .zip(num(mm, 60))
            .zip(num(ss, 60))
            .map(|((a, b), c)| (a, b, c)),
        _ => None,
    };
    let (hh, mm, ss) = hms.ok_or_else(|| format!("« {s} » : heure illisible ; {expected}"))?;
    Ok(Departure {
        date,
        seconds: hh * 3600 + mm * 60 + ss,
    })
}

/// The public transport options (`--mode transport`).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Transports en commun (--mode transport)")]
pub struct TransitArgs {
    /// Horaires GTFS (.zip ou dossier) ; répéter l'option pour plusieurs
    /// réseaux (TER régional, réseaux urbains).
    #[arg(long, value_name = "FICHIER.zip")]
    pub gtfs: Vec<PathBuf>,
    /// Jour et heure du premier départ, AAAA-MM-JJTHH:MM (heure des horaires).
    #[arg(long, value_name = "AAAA-MM-JJTHH:MM", value_parser = parse_departure)]
    pub depart: Option<Departure>,
    /// Fenêtre de départs en minutes : un départ chaque minute, le temps
    /// retenu est la médiane, comme R5 ; 0 : un seul départ.
    #[arg(long, value_name = "MIN", default_value_t = 60)]
    pub fenetre_min: u32,
    /// Plus long trajet à pied vers un arrêt, entre deux arrêts et depuis un
    /// arrêt, en minutes (un trajet tout à pied n'a pas cette limite).
    #[arg(long, value_name = "MIN", default_value = "15", value_parser = parse_minutes)]
    pub marche_max_min: Minutes,
}

/// The default longest trip by public transport, minutes.
pub const DEFAULT_TRANSIT_MAX_MIN: f64 = 120.0;

/// Parses a positive duration in minutes, with a decimal point.
pub fn parse_minutes(s: &str) -> Result<Minutes, String> {
    let m: f64 = s.trim().parse().map_err(|_| {
        format!(
            "« {s} » n'est pas un nombre : une durée en minutes s'écrit 15 ou 7.5 (point décimal)"
        )
    })?;
    if !m.is_finite() || m <= 0.0 {
        return Err(format!(
            "{s} min : une durée doit être un nombre de minutes positif"
        ));
    }
    Ok(Minutes(m))
}

/// Thresholds in minutes: strictly increasing, positive (`--seuils-min 15,30`).
#[derive(Debug, Clone, PartialEq)]
pub struct MinutesList(pub Vec<f64>);

/// Parses `15,30,45` into positive minutes, strictly increasing
/// ([`increasing_list`]).
pub fn parse_minutes_list(s: &str) -> Result<MinutesList, String> {
    let v = increasing_list(
        s,
        |p| parse_minutes(p).map(|m| m.0),
        "min",
        "seuils",
        "15,30,45",
    )?;
    Ok(MinutesList(v))
}

/// The value of an option that exists in km (as the crow flies) and in
/// minutes (by network): the one of the run's unit, given or its default.
/// Giving the other one is an error, so that a threshold is never read in
/// the wrong unit.
pub fn by_unit<T>(
    unit: Unit,
    km: (Option<T>, &str, T),
    min: (Option<T>, &str, T),
) -> anyhow::Result<T> {
    match unit {
        Unit::Metres => {
            if min.0.is_some() {
                anyhow::bail!(
                    "{} : une durée ne s'applique qu'aux temps de parcours (--reseau et --mode marche, \
                     velo, voiture ou transport) ; à vol d'oiseau, donnez {}",
                    min.1,
                    km.1
                );
            }
            Ok(km.0.unwrap_or(km.2))
        }
        Unit::Minutes => {
            if km.0.is_some() {
                anyhow::bail!(
                    "{} : avec --mode marche, velo, voiture ou transport les seuils sont des temps \
                     de parcours ; donnez {}",
                    km.1,
                    min.1
                );
            }
            Ok(min.0.unwrap_or(min.2))
        }
    }
}

impl NetworkArgs {
    /// The unit of the run's costs: metres as the crow flies, minutes by
    /// network.
    pub fn unit(&self) -> Unit {
        match self.mode.0 {
            None => Unit::Metres,
            Some(_) => Unit::Minutes,
        }
    }

    /// The network plan, checked: a network mode needs `--reseau`;
    /// transport also `--gtfs` and `--depart`, which no other mode takes.
    pub fn plan(&self) -> anyhow::Result<NetworkPlan> {
        let mode = self.mode.0;
        if mode != Some(TravelMode::Transport) {
            self.transit
                .refuse_without_transport(&[("--trajet-max-min", self.max_min.is_some())])?;
        }
        match (mode, self.reseau.is_empty()) {
            (Some(TravelMode::Transport), true) => anyhow::bail!(
                "--mode transport : donnez le réseau piéton avec --reseau FICHIER.osm.pbf (les \
                 trajets à pied vers, entre et depuis les arrêts ; voir docs/methodes.md)"
            ),
            (Some(m), true) => anyhow::bail!(
                "--mode {m} : donnez le réseau avec --reseau FICHIER.osm.pbf (les extraits \
                 OpenStreetMap régionaux, voir docs/guide-mobilite.md)"
            ),
            (None, false) => anyhow::bail!(
                "--reseau sans --mode : choisissez --mode marche, velo, voiture ou transport"
            ),
            (None, true) if self.partiel => anyhow::bail!(
                "--partiel ne sert qu'avec un réseau (--reseau et --mode) : à vol d'oiseau, \
                 toutes les communes sont mesurées"
            ),
            _ => {}
        }
        let transit = match mode {
            Some(TravelMode::Transport) => Some(
                self.transit
                    .plan(self.max_min.map(|m| m.0), self.params.snap_max_m)?,
            ),
            _ => None,
        };
        Ok(NetworkPlan {
            files: self.reseau.clone(),
            mode,
            snap_max: self.params.snap_max_m,
            speeds: self.params.speeds(),
            transit,
            partial: self.partiel,
        })
    }
}

impl TransitArgs {
    /// Refuses the public transport options given without `--mode
    /// transport`, naming them (`extra`: the command's own such options).
    pub fn refuse_without_transport(&self, extra: &[(&str, bool)]) -> anyhow::Result<()> {
        let given: Vec<&str> = [
            ("--gtfs", !self.gtfs.is_empty()),
            ("--depart", self.depart.is_some()),
        ]
        .iter()
        .chain(extra)
        .filter_map(|&(name, on)| on.then_some(name))
        .collect();
        if !given.is_empty() {
            anyhow::bail!(
                "{} : ne {} qu'avec --mode transport (temps en transports en commun)",
                given.join(", "),
                if given.len() > 1 { "servent" } else { "sert" }
            );
        }
        Ok(())
    }

    /// With `--mode transport`: the feeds, the routing settings (`max_min`,
    /// the longest trip, 120 minutes by default) and the service day of
    /// `--depart`; an error names `--gtfs` or `--depart` when missing.
    pub fn plan(&self, max_min: Option<f64>, snap_max: Meters) -> anyhow::Result<TransitPlan> {
        if self.gtfs.is_empty() {
            anyhow::bail!(
                "--mode transport : donnez les horaires avec --gtfs FICHIER.zip (GTFS du TER \
                 et des réseaux urbains)"
            );
        }
        let Some(dep) = self.depart else {
            anyhow::bail!(
                "--mode transport : donnez le jour et l'heure du départ avec --depart \
                 AAAA-MM-JJTHH:MM (un jour couvert par les horaires)"
            );
        };
        let max = max_min.unwrap_or(DEFAULT_TRANSIT_MAX_MIN);
        let params = TransitParams {
            departure: dep.seconds,
            window_min: self.fenetre_min,
            walk_max_s: (self.marche_max_min.0 * 60.0).round() as u32,
            max_s: (max * 60.0).round() as u32,
            snap_max,
        };
        Ok(TransitPlan {
            gtfs: self.gtfs.clone(),
            params,
            date: dep.date,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn radii_are_strictly_increasing_and_positive() {
        assert_eq!(
            parse_radii("5, 10").unwrap().meters(),
            vec![Meters(5000.0), Meters(10000.0)]
        );
        // A list is never reordered nor thinned: it is refused.
        assert!(parse_radii("10, 5,10")
            .unwrap_err()
            .contains("croissants et distincts"));
        assert!(parse_radii("5,10,10").is_err());
        assert!(parse_radii("0").unwrap_err().contains("positif"));
        assert!(parse_radii("-5").is_err());
        assert!(parse_radii("5;10")
            .unwrap_err()
            .contains("n'est pas un nombre"));
        assert!(parse_radii("inf").is_err());
        assert_eq!(
            parse_radii("7.5").unwrap().single("--rayon-km").unwrap(),
            Km(7.5)
        );
        assert!(parse_radii("5,10")
            .unwrap()
            .single("--rayon-km")
            .unwrap_err()
            .contains("un seul rayon"));
    }

    /// `7,5` is not read as 5 and 7 km: the message says how to write
    /// either reading (issue 23, case 3).
    #[test]
    fn a_french_decimal_in_a_list_is_refused_with_both_readings() {
        assert_eq!(
            parse_radii("7,5").unwrap_err(),
            "pour 7,5 km écrivez 7.5 ; pour deux rayons, dans l'ordre : 5,7"
        );
        assert_eq!(
            parse_radii("12,05").unwrap_err(),
            "pour 12,05 km écrivez 12.05 ; pour deux rayons, dans l'ordre : 5,12"
        );
        assert_eq!(
            parse_minutes_list("30,15").unwrap_err(),
            "pour 30,15 min écrivez 30.15 ; pour deux seuils, dans l'ordre : 15,30"
        );
        assert!(parse_minutes_list("15,15").is_err());
        // Two increasing radii are two radii.
        assert_eq!(parse_radii("5,7").unwrap().km(), vec![5.0, 7.0]);
    }

    #[test]
    fn grid_sizes() {
        assert_eq!(parse_grid_m("0").unwrap(), GridSize(None));
        assert_eq!(parse_grid_m("200").unwrap(), GridSize(Some(200.0)));
        assert!(parse_grid_m("5")
            .unwrap_err()
            .contains("au moins 10 mètres"));
        assert!(parse_grid_m("NaN").is_err());
    }

    #[test]
    fn shares_lie_between_zero_and_one() {
        assert_eq!(parse_share("0.32").unwrap(), Share(0.32));
        assert!(parse_share("1.5").is_err());
        assert!(parse_share("32 %").is_err());
    }

    #[test]
    fn candidate_sources() {
        assert_eq!(
            parse_candidates("mairies").unwrap(),
            CandidateSource::Mairies
        );
        assert_eq!(
            parse_candidates("x.csv").unwrap(),
            CandidateSource::File(PathBuf::from("x.csv"))
        );
        assert_eq!(CandidateSource::FranceServices.code(), "france-services");
    }
}
