//! The command line: clap definitions, one file per command, glue only.
//! Each command turns its arguments into the checked plan of its
//! [`crate::pipeline`] module (typed units, no clap type), makes one call
//! into it, and writes what it returns. Every name a person types is
//! French; the former English names stay as hidden aliases
//! ([`vocabulary`]), and accents and case are ignored ([`vocabulary::normalize_args`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::load::territory::DataPaths;
use crate::output::write::CsvStyle;
use crate::pipeline::Context;
use crate::progress::Verbosity;

pub mod args;
pub mod basins;
pub mod check_data;
pub mod coverage;
pub mod distance;
pub mod hotspots;
pub mod lists;
pub mod map;
pub mod placement;
pub mod report;
pub mod reseau;
pub mod scenario;
pub mod temps;
pub mod vocabulary;

/// Exit status: the run went through.
pub const EXIT_OK: u8 = 0;
/// Exit status: an input or output error stopped the run.
pub const EXIT_ERROR: u8 = 1;
/// Exit status: the command line is wrong (unknown option, bad value).
pub const EXIT_USAGE: u8 = 2;
/// Exit status: `controle` found a difference with the reports that no
/// documented reason explains.
pub const EXIT_UNEXPLAINED: u8 = 3;

const ABOUT: &str =
    "Mesure la couverture d'un territoire par les Missions Locales (par défaut les \
Hauts-de-France, données embarquées ; tout territoire avec --communes, --zones, --sites…), \
et aide à l'améliorer.";

const AFTER_HELP: &str = "\
Exemples (sur les données embarquées de geodata/) :
  maillage rapport                      tous les résultats dans outputs/
  maillage distance --grille-m 500      distances des communes, des QPV et d'une grille de 500 m
  maillage couverture --rayons-km 5,10  population à moins de 5 et 10 km d'un site
  maillage points-chauds                jeunes non mobiles sans site à moins de 3 km
  maillage bassins                      demande d'appui à la mobilité dans 10 bassins proposés
  maillage implantation --nombre 5      où 5 nouvelles permanences toucheraient le plus de jeunes
  maillage scenario --fermer 02168-S00  ce que change la fermeture d'un site
  maillage carte --ml Arras             les cartes d'une Mission Locale
  maillage controle                     confronter les données aux rapports 2024
  maillage rapport --sites mes_sites.csv --out resultats/

Majuscules et accents sont indifférents (vélo = velo, --portée-km = --portee-km).
Statut de sortie : 0 succès ; 1 erreur sur une entrée ou une sortie ; 2 ligne de
commande incorrecte ; 3 controle a trouvé un écart inexpliqué.";

/// clap's help laid out with French headings.
const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

#[derive(Debug, Parser)]
#[command(
    name = "maillage",
    version,
    about = ABOUT,
    after_help = AFTER_HELP,
    help_template = HELP_TEMPLATE,
    subcommand_help_heading = "Commandes",
    subcommand_value_name = "COMMANDE",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Toute la chaîne de calcul et tous les résultats (la commande principale).
    #[command(name = "rapport", alias = "report")]
    Report(report::ReportArgs),
    /// Site le plus proche et distance pour les communes, les QPV, une grille et des points.
    Distance(distance::DistanceCmd),
    /// Population et jeunes à moins de distances données d'un site.
    #[command(name = "couverture", alias = "coverage")]
    Coverage(coverage::CoverageCmd),
    /// Où les jeunes qui ne peuvent pas quitter leur commune n'ont aucun site à portée.
    #[command(name = "points-chauds", alias = "hotspots")]
    Hotspots(hotspots::HotspotsCmd),
    /// La demande d'appui à la mobilité dans chaque bassin de mobilité (PAMS).
    #[command(name = "bassins", alias = "basins")]
    Basins(basins::BasinsCmd),
    /// Où k nouvelles permanences toucheraient le plus de jeunes loin d'un site.
    #[command(name = "implantation", aliases = ["placement", "place"])]
    Placement(placement::PlacementArgs),
    /// Les cartes (PNG, SVG) du territoire, d'un département ou d'une Mission Locale.
    #[command(name = "carte", alias = "map")]
    Map(map::MapArgs),
    /// Couverture et distances avant et après l'ouverture, la fermeture ou le déplacement de sites.
    Scenario(scenario::ScenarioArgs),
    /// Confronter les données chargées aux chiffres des rapports d'activité.
    #[command(name = "controle", alias = "check-data")]
    CheckData(check_data::CheckDataArgs),
    /// Temps de parcours sur un réseau OpenStreetMap (marche, vélo, voiture).
    #[command(long_about = temps::LONG_ABOUT)]
    Temps(temps::TempsArgs),
    /// Les Missions Locales des données : codes, noms, villes de siège (pour --ml).
    MissionsLocales(lists::MissionsLocalesArgs),
    /// Les sites d'accueil, d'une Mission Locale avec --ml : identifiants et noms (pour --fermer).
    Sites(lists::SitesArgs),
    /// Prépare les réseaux marche, vélo et voiture d'extraits OpenStreetMap pour maillage temps.
    Reseau(reseau::ReseauArgs),
}

/// Options shared by every command (their doc comments are the French help).
#[derive(Debug, Args)]
#[command(next_help_heading = "Options générales")]
pub struct GlobalArgs {
    /// Affiche l'aide (-h : résumé, --help : complète).
    #[arg(short, long, global = true, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// Affiche la version.
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    pub version: Option<bool>,
    /// Dossier des résultats (créé au besoin).
    #[arg(long, global = true, value_name = "DOSSIER", default_value = "outputs")]
    pub out: PathBuf,
    /// Convention des CSV : `francais` (UTF-8 avec BOM, `;`, virgule décimale)
    /// pour les tableurs, `rfc4180` (`,`, point décimal) pour les programmes.
    #[arg(long, global = true, value_name = "CSV", default_value = "francais", value_parser = args::folded::<CsvArg>())]
    pub csv: CsvArg,
    /// Ni progression ni résumé sur la sortie d'erreur (erreurs et avertissements restent affichés).
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Affiche chaque étape avec sa durée.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvArg {
    Francais,
    Rfc4180,
}

/// Input layers; each defaults to the embedded copy of `geodata/`.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Données d'entrée (par défaut : geodata/, embarqué)")]
pub struct DataArgs {
    /// Communes : GeoJSON ou Shapefile (ADMIN EXPRESS de l'IGN en Lambert-93
    /// tel que téléchargé) ; champs code_insee/INSEE_COM, nom/NOM, population/POPULATION.
    #[arg(long, global = true, value_name = "FICHIER")]
    pub communes: Option<PathBuf>,
    /// Contours des QPV : GeoJSON ou Shapefile avec code_qp et nom_qp (ou lib_qp).
    #[arg(long, global = true, value_name = "FICHIER")]
    pub qpv: Option<PathBuf>,
    /// Classement FRR/ZRR : CSV code_insee,classement
    /// (NON_CLASSEE, ZRR_MAINTENUE, FRR, FRR_PLUS).
    #[arg(long, global = true, value_name = "FICHIER")]
    pub classement: Option<PathBuf>,
    /// Zones de couverture des Missions Locales : CSV code_insee,code_ml,nom_ml.
    #[arg(long, global = true, value_name = "FICHIER")]
    pub zones: Option<PathBuf>,
    /// Noms des Missions Locales : CSV code_ml,nom_arefie.
    #[arg(long, global = true, value_name = "FICHIER")]
    pub missions_locales: Option<PathBuf>,
    /// Sites : CSV (`,` ou `;`) site_id,code_ml,nom,type,code_insee,lon,lat,statut,source
    /// (lon/lat peuvent rester vides si code_insee est donné : le point de la
    /// mairie est pris), un classeur .xlsx (feuille « sites », sinon la
    /// première) ou un GeoJSON/Shapefile de points avec les mêmes champs.
    #[arg(long, global = true, value_name = "FICHIER")]
    pub sites: Option<PathBuf>,
    /// Remplacer les sites d'une seule Mission Locale, en gardant ceux des
    /// autres : son code (ou son nom, ou la ville de son siège), le signe =,
    /// puis un fichier au format de --sites dont tous les sites sont de cette
    /// Mission Locale. Option répétable.
    #[arg(long, global = true, value_name = "CODE=FICHIER", value_parser = parse_sites_ml)]
    pub sites_ml: Vec<(String, PathBuf)>,
    /// Jeunes de 16 à 25 ans par commune : CSV code_insee,jeunes. Sans lui, les
    /// 15-24 ans du recensement 2022 de l'INSEE (communes des Hauts-de-France),
    /// recalés sur les 768 524 jeunes de 16 à 25 ans du rapport 2024 ; hors du
    /// recensement, la part des 16-25 ans du rapport (12,8 %) appliquée à la
    /// population (une estimation).
    #[arg(long, global = true, value_name = "FICHIER")]
    pub jeunes: Option<PathBuf>,
    /// Nom du territoire dans les tableaux, les cartes et la page. Sans lui, il
    /// est tiré des départements des communes (la région quand ce sont tous
    /// ses départements, le département, « France métropolitaine »…).
    #[arg(long, global = true, value_name = "NOM")]
    pub territoire: Option<String>,
}

impl DataArgs {
    pub fn paths(&self) -> DataPaths {
        DataPaths {
            communes: self.communes.clone(),
            qpv: self.qpv.clone(),
            classement: self.classement.clone(),
            zones: self.zones.clone(),
            missions_locales: self.missions_locales.clone(),
            sites: self.sites.clone(),
            sites_ml: self.sites_ml.clone(),
            jeunes: self.jeunes.clone(),
            territoire: self.territoire.clone(),
        }
    }
}

/// Parses `--sites-ml 62041=mes_sites.csv`.
fn parse_sites_ml(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((ml, file)) if !ml.trim().is_empty() && !file.trim().is_empty() => {
            Ok((ml.trim().to_string(), PathBuf::from(file.trim())))
        }
        _ => Err(format!(
            "« {s} » : attendu CODE=FICHIER, le code (ou le nom) d'une Mission Locale et le \
             fichier de ses sites, par exemple 62041=mes_sites.csv"
        )),
    }
}

/// The context of a run from the global options.
fn context(g: &GlobalArgs) -> Context {
    let verbosity = if g.quiet {
        Verbosity::Quiet
    } else if g.verbose {
        Verbosity::Verbose
    } else {
        Verbosity::Normal
    };
    let csv = match g.csv {
        CsvArg::Francais => CsvStyle::French,
        CsvArg::Rfc4180 => CsvStyle::Rfc4180,
    };
    Context::new(g.out.clone(), csv, verbosity)
}

/// Runs the parsed command line and returns the exit status.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut ctx = context(&cli.global);
    let code = match &cli.command {
        Command::Report(a) => report::run(a, &cli.global.data, &mut ctx),
        Command::Distance(a) => distance::run(a, &cli.global.data, &mut ctx),
        Command::Coverage(a) => coverage::run(a, &cli.global.data, &mut ctx),
        Command::Hotspots(a) => hotspots::run(a, &cli.global.data, &mut ctx),
        Command::Basins(a) => basins::run(a, &cli.global.data, &mut ctx),
        Command::Placement(a) => placement::run(a, &cli.global.data, &mut ctx),
        Command::Map(a) => map::run(a, &cli.global.data, &mut ctx),
        Command::Scenario(a) => scenario::run(a, &cli.global.data, &mut ctx),
        Command::CheckData(a) => check_data::run(a, &cli.global.data, &mut ctx),
        Command::Temps(a) => temps::run(a, &cli.global.data, &mut ctx),
        Command::Reseau(a) => reseau::run(a, &cli.global.data, &mut ctx),
        Command::MissionsLocales(a) => lists::run_missions_locales(a, &cli.global.data, &mut ctx),
        Command::Sites(a) => lists::run_sites(a, &cli.global.data, &mut ctx),
    };
    ctx.finish();
    code.map(ExitCode::from)
}

/// clap's help text with its few English words in French (`[default: …]`,
/// `[possible values: …]`, the headings' colons).
pub fn french_help(help: &str) -> String {
    let text = help
        .replace("Usage: ", "Utilisation : ")
        .replace("[default:", "[par défaut :")
        .replace("[possible values:", "[valeurs possibles :");
    // Headings (a line of its own, flush left, ending in a colon) take the
    // French space before the colon.
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.trim_end_matches('\n');
            let heading = body.ends_with(':')
                && !body.ends_with(" :")
                && !body.starts_with(char::is_whitespace)
                && !body.is_empty();
            if heading {
                format!("{} :{}", &body[..body.len() - 1], &line[body.len()..])
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// A command-line usage error from clap, in French: which option, which
/// value, why, and where to find help (clap itself only speaks English).
pub fn usage_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ErrorKind};
    let get = |k| e.get(k).map(ToString::to_string).unwrap_or_default();
    let (arg, value) = (get(ContextKind::InvalidArg), get(ContextKind::InvalidValue));
    let suggestion = match e.get(ContextKind::SuggestedArg) {
        Some(s) => format!(" ; vouliez-vous dire {s} ?"),
        None => match e.get(ContextKind::SuggestedSubcommand) {
            Some(s) => format!(" ; vouliez-vous dire {s} ?"),
            None => String::new(),
        },
    };
    let msg = match e.kind() {
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e).map_or_else(String::new, |s| s.to_string());
            format!("{arg} « {value} » : {why}")
        }
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("{arg} : une valeur est attendue")
        }
        ErrorKind::InvalidValue => format!(
            "{arg} « {value} » : valeur inconnue ; valeurs possibles : {}{suggestion}",
            get(ContextKind::ValidValue)
        ),
        ErrorKind::UnknownArgument => format!("option inconnue {arg}{suggestion}"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »{suggestion}",
            get(ContextKind::InvalidSubcommand)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("option obligatoire absente : {arg}")
        }
        ErrorKind::MissingSubcommand => "une commande est attendue (rapport, distance…)".into(),
        ErrorKind::ArgumentConflict => format!(
            "{arg} ne peut pas être donnée avec {}",
            get(ContextKind::PriorArg)
        ),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} : nombre de valeurs inattendu « {value} »")
        }
        _ => e
            .to_string()
            .trim_start_matches("error: ")
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    format!("erreur : {msg}\n\nPour l'aide : maillage --help, ou maillage COMMANDE --help")
}
