//! The workbook `maillage.xlsx`: every table of a run on a sheet of its own,
//! beside the CSV files, for the people who open them in Excel or
//! LibreOffice rather than import a CSV. Every command whose tables go
//! through [`crate::output::add_tables`] writes it (`report`, `distance`,
//! `coverage`, `hotspots`, `basins`, `placement`, `scenario`); `temps` and
//! `check-data`, which write one table of their own, do not.
//!
//! The first sheet, « Lisez-moi », says what the workbook holds: the
//! territory, the sources, the parameters of the run, the stand-in warning
//! when some sites are stand-ins, one line per sheet with its file, and the
//! conventions below. Then one sheet per CSV table, in the order of the
//! files, named in French ([`SHEETS`]; 31 characters at most, Excel's limit).
//!
//! A cell holds what the CSV holds, typed:
//! - numbers ([`Cell::Int`], [`Cell::Float`], [`Cell::Exact`]) are stored as
//!   numbers, with every digit of the value (a `Float` is not rounded to its
//!   decimals: its format shows them);
//! - text as text, never as a formula (`=1+1` stays text);
//! - yes/no values as the text `oui` / `non` (as in the French CSV, and the
//!   same in a filter whatever the language of the spreadsheet);
//! - an empty cell is left empty.
//!
//! Formats, by column name:
//! - `part_…`: a share between 0 and 1, shown as a percentage with one
//!   decimal (`0,7454` → `74,5 %`);
//! - `population…`, `jeunes…`: counts of people, with a thousands separator
//!   (`6 003 815`), whole numbers unless the CSV gives decimals (an
//!   estimate such as `2 022,7`);
//! - any other number with a fixed number of decimals keeps them (`1,983`);
//!   integers and full-precision numbers in the general format.
//!
//! Every table sheet has its header row in bold and frozen, a filter on it,
//! and columns as wide as their header and longest value (up to
//! [`MAX_WIDTH`] characters).
//!
//! The long tables are left out ([`LEFT_OUT`]: the distance grid, the
//! points, the access costs), and so is any table beyond Excel's
//! 1,048,576 rows; the Lisez-moi sheet says so. A text longer than Excel's
//! 32,767 characters per cell is cut, marked as such, and counted on the
//! Lisez-moi sheet: the CSV holds it whole.
//!
//! The bytes are the same from run to run: the creation date written in
//! the document's properties is fixed ([`CREATED`], the GeoPackage's
//! `last_change`), and so are the zip entries' dates.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::analysis::results::Results;
use crate::base::french;
use crate::error::Error;
use crate::model::{SiteStatus, Territory, YouthSource};
use crate::output::write::{format_float, Cell, CsvStyle, Table};

/// The workbook's file name.
pub const XLSX_NAME: &str = "maillage.xlsx";

/// The name of the first sheet.
pub const README_SHEET: &str = "Lisez-moi";

/// The sheet of each table, by file name, in one place: (file, sheet, what
/// a row is). A table whose file is not here gets a name made from its file
/// ([`sheet_name`]).
pub const SHEETS: [(&str, &str, &str); 13] = [
    (
        "communes.csv",
        "Communes",
        "une ligne par commune : site le plus proche, distance, scores d'accessibilité",
    ),
    (
        "qpv.csv",
        "QPV",
        "une ligne par quartier prioritaire : site le plus proche, distance, parts de surface par tranche de distance",
    ),
    (
        "distances_synthese.csv",
        "Distances (synthèse)",
        "distances moyenne, médiane et 9e décile par région, département et Mission Locale",
    ),
    (
        "couverture.csv",
        "Couverture",
        "communes, population et jeunes à portée d'un site, et leurs parts, par périmètre et par seuil",
    ),
    (
        "hotspots.csv",
        "Points chauds",
        "les foyers de jeunes non mobiles hors de portée d'un site, classés",
    ),
    (
        "hotspots_communes.csv",
        "Points chauds (communes)",
        "une ligne par commune : jeunes non mobiles, sans site dans la commune, hors de portée",
    ),
    (
        "bassins.csv",
        "Bassins",
        "la taille de chaque bassin de mobilité et sa demande d'appui à la mobilité",
    ),
    (
        "bassins_communes.csv",
        "Bassins (communes)",
        "le bassin de chaque commune",
    ),
    (
        "placement.csv",
        "Placement",
        "les nouvelles permanences proposées, dans l'ordre de leur gain",
    ),
    (
        "placement_bilan.csv",
        "Placement (bilan)",
        "l'objectif avant et après, sa borne et la méthode",
    ),
    (
        "placement_synthese.csv",
        "Placement (synthèse)",
        "avant et après la proposition, par région, département et Mission Locale",
    ),
    (
        "scenario_indicateurs.csv",
        "Scénario (indicateurs)",
        "couverture et distances avant et après le scénario",
    ),
    (
        "scenario_communes.csv",
        "Scénario (communes)",
        "les communes dont le site le plus proche change",
    ),
];

/// The tables never put in the workbook: too long for a sheet to be of use
/// (hundreds of thousands of rows), or for programs.
pub const LEFT_OUT: [&str; 4] = [
    "grille_distance.csv",
    "points_distance.csv",
    "couts_acces.csv",
    "scores_acces.csv",
];

/// Whether the table written as `file` goes into the workbook.
pub fn in_workbook(file: &str) -> bool {
    !LEFT_OUT.contains(&file)
}

/// The creation date in the document's properties: fixed, as the
/// GeoPackage's `last_change` ([`crate::output::gpkg::LAST_CHANGE`]).
pub const CREATED: (u16, u8, u8) = (2025, 1, 1);

/// The widest a column is made, in characters.
pub const MAX_WIDTH: usize = 60;

/// Excel's limits: rows of a sheet (the header included), characters of a
/// cell.
const MAX_ROWS: usize = 1_048_576;
const MAX_CELL_CHARS: usize = 32_767;

/// What ends a text cut at Excel's limit.
const CUT_MARK: &str = " […] (texte coupé : entier dans le fichier CSV)";

/// The sheet name of the table written as `file`: from [`SHEETS`], or made
/// from the file name (`mon_tableau.csv` → « Mon tableau »), within Excel's
/// 31 characters and without the characters it forbids.
pub fn sheet_name(file: &str) -> String {
    if let Some((_, sheet, _)) = SHEETS.iter().find(|(f, _, _)| *f == file) {
        return (*sheet).to_string();
    }
    let stem = file.strip_suffix(".csv").unwrap_or(file);
    let mut name: String = stem
        .chars()
        .map(|c| match c {
            '_' | '[' | ']' | ':' | '*' | '?' | '/' | '\\' => ' ',
            c => c,
        })
        .take(31)
        .collect();
    if let Some(first) = name.chars().next() {
        let upper: String = first.to_uppercase().collect();
        if upper.chars().count() == 1 {
            name.replace_range(..first.len_utf8(), &upper);
        }
    }
    let name = name.trim().trim_matches('\'').to_string();
    if name.is_empty() {
        "Tableau".to_string()
    } else {
        name
    }
}

/// What the Lisez-moi sheet says about a run.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadMe {
    /// « Maillage territorial des Missions Locales des Hauts-de-France ».
    pub title: String,
    pub territory: String,
    /// The sources line of the maps and the page.
    pub sources: String,
    /// Where the young people per commune come from.
    pub youth: String,
    /// The stand-in warning, when some sites are stand-ins.
    pub stand_in: Option<String>,
    /// The parameters of the run: label and value.
    pub parameters: Vec<(String, String)>,
}

impl ReadMe {
    /// The Lisez-moi of a run on `t` whose results are `r`, with the
    /// sources line of its maps and its CSV convention.
    pub fn new(t: &Territory, r: &Results, sources: &str, csv: CsvStyle) -> Self {
        let n_sites = t.sites.len();
        let stand_ins = t
            .sites
            .iter()
            .filter(|s| s.status == SiteStatus::Substitut)
            .count();
        let stand_in = (stand_ins > 0).then(|| {
            format!(
                "{} des {} sites sont marqués « substitut » dans le fichier des sites : ce ne \
                 sont pas les lieux d'accueil réels (leur liste n'est pas publiée). Ceux du \
                 fichier fourni avec l'outil sont placés par une règle documentée \
                 (geodata/PROVENANCE.md). Les distances, la couverture et les propositions qui \
                 en dépendent illustrent la méthode ; fournissez le fichier réel avec --sites.",
                french::int(stand_ins as u64),
                french::int(n_sites as u64)
            )
        });
        let youth = match &t.jeunes_source {
            YouthSource::File(f) => format!("fichier {f}"),
            _ => crate::output::tables::youth_sources(t).unwrap_or_default(),
        };
        ReadMe {
            title: format!("Maillage territorial des Missions Locales {}", t.name.of),
            territory: format!(
                "{} : {} communes, {} Missions Locales, {} sites d'accueil",
                t.name.name,
                french::int(t.communes.len() as u64),
                french::int(t.missions_locales.len() as u64),
                french::int(n_sites as u64)
            ),
            sources: sources
                .strip_prefix("Sources : ")
                .unwrap_or(sources)
                .to_string(),
            youth,
            stand_in,
            parameters: parameters(r, csv),
        }
    }
}

/// The parameters a run's results carry, as a person reads them.
fn parameters(r: &Results, csv: CsvStyle) -> Vec<(String, String)> {
    let costs = &r.basics.costs;
    let unit = costs.unit;
    let mut p: Vec<(String, String)> = Vec::new();
    let mut push = |label: &str, value: String| p.push((label.to_string(), value));
    push(
        "Mesure",
        match costs.mode {
            None => "distance à vol d'oiseau (géodésique, ellipsoïde WGS84), en km".to_string(),
            Some(m) => format!(
                "temps de parcours {} sur le réseau, en minutes (mode {m})",
                m.phrase()
            ),
        },
    );
    if let Some(tr) = &r.transit {
        push(
            "Transports en commun",
            format!(
                "le {}, départs à partir de {} h {:02} sur {} min, marche au plus {} min, \
                 trajets au plus {} min ; horaires : {}",
                tr.date,
                tr.departure / 3600,
                tr.departure / 60 % 60,
                tr.window_min,
                french::km(tr.walk_max_min),
                french::km(tr.max_min),
                tr.feeds
                    .iter()
                    .map(|f| f.prefix.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    let list = |values: &[f64]| {
        values
            .iter()
            .map(|&v| french::threshold(unit, v))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(d) = &r.distance {
        if let Some(g) = &d.grid {
            push(
                "Grille",
                format!("carrés de {} m (Lambert-93)", french::km(g.size)),
            );
        }
    }
    if let Some(c) = &r.coverage {
        push("Seuils de couverture", list(&c.thresholds));
    }
    if let Some(h) = &r.hotspots {
        push(
            "Portée (points chauds)",
            format!(
                "{} ; {} foyers",
                h.reach,
                french::int(h.clusters.len() as u64)
            ),
        );
    }
    if let Some(b) = &r.basins {
        push(
            "Bassins de mobilité",
            format!("{} bassins", french::int(b.sizes.len() as u64)),
        );
    }
    if let Some(pl) = &r.placement {
        let params = &pl.placement.params;
        push(
            "Proposition (placement)",
            format!(
                "{} nouveaux sites, modèle {}, objectif {}, rayon {}",
                params.k,
                params.model.label(),
                params.objective.code(),
                params.radius
            ),
        );
    }
    if let Some(sc) = &r.scenario {
        push(
            "Scénario",
            format!(
                "{} communes dont le site le plus proche change ; seuils : {}",
                french::int(sc.changes.len() as u64),
                list(&sc.coverage[0].thresholds)
            ),
        );
    }
    push(
        "Fichiers CSV",
        match csv {
            CsvStyle::French => "convention française (« ; », virgule décimale)".to_string(),
            CsvStyle::Rfc4180 => "convention RFC 4180 (« , », point décimal)".to_string(),
        },
    );
    p
}

/// The workbook of `tables` (file name and table, in the order of the
/// files; those of [`LEFT_OUT`] are skipped) with the Lisez-moi sheet first.
pub fn workbook(readme: &ReadMe, tables: &[(&str, &Table)]) -> Result<Vec<u8>, Error> {
    build(readme, tables).map_err(|e| {
        Error::Invalid(format!(
            "{XLSX_NAME} : le classeur n'a pas pu être écrit ({e})"
        ))
    })
}

/// One table's sheet, as the Lisez-moi lists it.
struct Written {
    file: String,
    sheet: String,
    rows: usize,
    cut: usize,
}

fn build(readme: &ReadMe, tables: &[(&str, &Table)]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(CREATED.0, CREATED.1, CREATED.2)?;
    book.set_properties(
        &DocProperties::new()
            .set_title(readme.title.as_str())
            .set_author("maillage")
            .set_creation_datetime(&created),
    );
    // The Lisez-moi first, filled once the tables are written.
    book.add_worksheet().set_name(README_SHEET)?;
    let styles = Styles::new();
    let mut written = Vec::new();
    let mut too_long = Vec::new();
    for (file, table) in tables {
        if !in_workbook(file) {
            continue;
        }
        if table.rows.len() >= MAX_ROWS || table.headers.len() > 16_384 {
            too_long.push((file.to_string(), table.rows.len()));
            continue;
        }
        let sheet = sheet_name(file);
        let ws = book.add_worksheet();
        ws.set_name(&sheet)?;
        let cut = table_sheet(ws, table, &styles)?;
        written.push(Written {
            file: file.to_string(),
            sheet,
            rows: table.rows.len(),
            cut,
        });
    }
    readme_sheet(
        book.worksheet_from_index(0)?,
        readme,
        &written,
        &too_long,
        &styles,
    )?;
    book.save_to_buffer()
}

/// The formats of the workbook, made once.
struct Styles {
    header: Format,
    share: Format,
    /// People, by number of decimals.
    people: Vec<Format>,
    /// Fixed decimals, by number of decimals.
    fixed: Vec<Format>,
    title: Format,
    label: Format,
    wrap: Format,
    warn: Format,
}

/// Decimals a format is made for (a `Float` asks for no more).
const MAX_DECIMALS: usize = 12;

impl Styles {
    fn new() -> Self {
        let decimals = |d: usize| {
            if d == 0 {
                String::new()
            } else {
                format!(".{}", "0".repeat(d))
            }
        };
        Styles {
            header: Format::new().set_bold(),
            share: Format::new().set_num_format("0.0%"),
            people: (0..=MAX_DECIMALS)
                .map(|d| Format::new().set_num_format(format!("#,##0{}", decimals(d))))
                .collect(),
            fixed: (0..=MAX_DECIMALS)
                .map(|d| Format::new().set_num_format(format!("0{}", decimals(d))))
                .collect(),
            title: Format::new().set_bold().set_font_size(14),
            label: Format::new()
                .set_bold()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            wrap: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            warn: Format::new()
                .set_text_wrap()
                .set_bold()
                .set_font_color(rust_xlsxwriter::Color::RGB(0x00B0_3A2E))
                .set_align(rust_xlsxwriter::FormatAlign::Top),
        }
    }
}

/// What a column's numbers are, from its name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Share,
    People,
    Other,
}

fn kind(header: &str) -> Kind {
    if header.starts_with("part_") {
        Kind::Share
    } else if header.starts_with("population") || header.starts_with("jeunes") {
        Kind::People
    } else {
        Kind::Other
    }
}

/// Writes `table` on `ws`; returns the number of texts cut at Excel's limit.
fn table_sheet(ws: &mut Worksheet, table: &Table, styles: &Styles) -> Result<usize, XlsxError> {
    let kinds: Vec<Kind> = table.headers.iter().map(|h| kind(h)).collect();
    // Each column as wide as its header (and the filter's button) or its
    // longest value as shown.
    let mut widths: Vec<usize> = table
        .headers
        .iter()
        .map(|h| h.chars().count() + 3)
        .collect();
    for (c, h) in table.headers.iter().enumerate() {
        ws.write_string_with_format(0, col(c), h, &styles.header)?;
    }
    let mut cut = 0;
    for (i, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let k = kinds.get(c).copied().unwrap_or(Kind::Other);
            let shown = write_cell(ws, r, col(c), cell, k, styles, &mut cut)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(shown);
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c), (*w).min(MAX_WIDTH) as f64 + 1.0)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(table.rows.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last_row, col(table.headers.len().saturating_sub(1)))?;
    Ok(cut)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// Writes one cell; returns its width as shown, in characters.
fn write_cell(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    cell: &Cell,
    kind: Kind,
    styles: &Styles,
    cut: &mut usize,
) -> Result<usize, XlsxError> {
    let number = |ws: &mut Worksheet, x: f64, decimals: Option<usize>| {
        if !x.is_finite() {
            return Ok(0);
        }
        let fixed = decimals.map(|d| d.min(MAX_DECIMALS));
        let (format, shown) = match (kind, fixed) {
            (Kind::Share, _) => (
                Some(&styles.share),
                format_float(100.0 * x, 1, CsvStyle::French).len() + 2,
            ),
            (Kind::People, d) => {
                let d = d.unwrap_or(0);
                let text = format_float(x, d, CsvStyle::French);
                let digits = text.split(',').next().unwrap_or("").len();
                (Some(&styles.people[d]), text.len() + digits / 3)
            }
            (Kind::Other, Some(d)) => (
                Some(&styles.fixed[d]),
                format_float(x, d, CsvStyle::French).len(),
            ),
            (Kind::Other, None) => (None, x.to_string().len().min(12)),
        };
        match format {
            Some(f) => ws.write_number_with_format(r, c, x, f)?,
            None => ws.write_number(r, c, x)?,
        };
        Ok::<usize, XlsxError>(shown)
    };
    match cell {
        Cell::Text(s) => {
            if s.is_empty() {
                return Ok(0);
            }
            let n = s.chars().count();
            if n > MAX_CELL_CHARS {
                *cut += 1;
                let keep = MAX_CELL_CHARS - CUT_MARK.chars().count();
                let mut t: String = s.chars().take(keep).collect();
                t.push_str(CUT_MARK);
                ws.write_string(r, c, &t)?;
            } else {
                ws.write_string(r, c, s)?;
            }
            Ok(n)
        }
        Cell::Int(n) => match kind {
            Kind::Other => {
                ws.write_number(r, c, *n as f64)?;
                Ok(n.to_string().len())
            }
            _ => number(ws, *n as f64, Some(0)),
        },
        Cell::Float(x, d) => number(ws, *x, Some(*d)),
        Cell::Exact(x) => number(ws, *x, None),
        Cell::Bool(b) => {
            ws.write_string(r, c, if *b { "oui" } else { "non" })?;
            Ok(3)
        }
        Cell::Empty => Ok(0),
    }
}

/// A line of the Lisez-moi sheet.
enum Line<'a> {
    /// A label and its text.
    Text(&'a str, &'a str),
    /// The stand-in warning, in red.
    Warning(&'a str, &'a str),
    /// A section heading, after a blank line.
    Heading(&'a str),
}

/// Fills the Lisez-moi sheet.
fn readme_sheet(
    ws: &mut Worksheet,
    readme: &ReadMe,
    written: &[Written],
    too_long: &[(String, usize)],
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, README_WIDTH as f64)?;
    // Printed (or saved as PDF) on landscape pages one page wide.
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, &readme.title, &styles.title)?;
    ws.write_string(
        1,
        0,
        format!(
            "Classeur écrit par maillage {} : chaque tableau de cette exécution sur une \
             feuille, avec les valeurs du fichier CSV du même dossier.",
            env!("CARGO_PKG_VERSION")
        ),
    )?;
    let sheets: Vec<(&str, String)> = written
        .iter()
        .map(|w| (w.sheet.as_str(), sheet_line(w)))
        .collect();
    let mut left_out = format!(
        "les tableaux très longs ne sont pas repris dans ce classeur : {} (la grille des \
         distances), {} (les points de --points), {} et {} (--write-access-costs). Ouvrez ces \
         fichiers CSV s'ils sont dans le dossier.",
        LEFT_OUT[0], LEFT_OUT[1], LEFT_OUT[2], LEFT_OUT[3]
    );
    for (file, rows) in too_long {
        left_out.push_str(&format!(
            " {file} non plus : {} lignes, plus que n'en tient une feuille (1 048 576 avec \
             l'en-tête).",
            french::int(*rows as u64)
        ));
    }
    let mut lines = vec![
        Line::Text("Territoire", &readme.territory),
        Line::Text("Sources", &readme.sources),
        Line::Text("Jeunes de 16 à 25 ans", &readme.youth),
    ];
    if let Some(w) = &readme.stand_in {
        lines.push(Line::Warning("Attention : sites substituts", w));
    }
    lines.push(Line::Heading("Paramètres"));
    lines.extend(
        readme
            .parameters
            .iter()
            .map(|(l, v)| Line::Text(l.as_str(), v.as_str())),
    );
    lines.push(Line::Heading("Feuilles"));
    lines.extend(sheets.iter().map(|(s, t)| Line::Text(s, t.as_str())));
    lines.push(Line::Heading("À savoir"));
    lines.push(Line::Text("Non repris", &left_out));
    lines.push(Line::Text("Conventions", CONVENTIONS));
    let mut row: u32 = 3;
    for l in lines {
        match l {
            Line::Text(label, text) | Line::Warning(label, text) => {
                let format = match l {
                    Line::Warning(..) => &styles.warn,
                    _ => &styles.wrap,
                };
                ws.write_string_with_format(row, 0, label, &styles.label)?;
                ws.write_string_with_format(row, 1, text, format)?;
                // Spreadsheets do not fit a row to its wrapped text on
                // opening: the height is set for the lines it takes.
                let per_line = match l {
                    Line::Warning(..) => README_LINE_CHARS - 10,
                    _ => README_LINE_CHARS,
                };
                let lines = text.chars().count().div_ceil(per_line);
                if lines > 1 {
                    ws.set_row_height(row, 15.0 * lines as f64)?;
                }
            }
            Line::Heading(h) => {
                row += 1;
                ws.write_string_with_format(row, 0, h, &styles.header)?;
            }
        }
        row += 1;
    }
    Ok(())
}

/// The width of the Lisez-moi's text column, in characters, and the
/// characters a line of it holds: more, an average letter being narrower
/// than the digit the width is counted in (fewer in bold), with a margin
/// for a wider font than Excel's Calibri (LibreOffice without it).
const README_WIDTH: usize = 100;
const README_LINE_CHARS: usize = 110;

/// The conventions of the table sheets, as the Lisez-moi says them.
const CONVENTIONS: &str = "les nombres sont des nombres ; les colonnes part_… sont des parts, \
    affichées en pourcentage avec une décimale ; les colonnes population… et jeunes… sont des \
    effectifs, avec séparateur de milliers ; les autres nombres gardent les décimales du CSV ; \
    oui et non sont du texte ; une cellule vide n'a pas de valeur. Chaque feuille a sa ligne \
    d'en-tête figée et un filtre.";

/// The Lisez-moi's line of a table sheet: its file, its rows, what a row
/// is, and the texts cut.
fn sheet_line(w: &Written) -> String {
    let what = SHEETS
        .iter()
        .find(|(f, _, _)| *f == w.file)
        .map_or(String::new(), |(_, _, what)| format!(" : {what}"));
    let mut text = format!(
        "{} ({} ligne{}){what}",
        w.file,
        french::int(w.rows as u64),
        french::plural(w.rows)
    );
    if w.cut > 0 {
        let s = french::plural(w.cut);
        text.push_str(&format!(
            " ; {} texte{s} plus long{s} que les 32 767 caractères d'une cellule coupé{s} \
             (entier{s} dans le CSV)",
            w.cut
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_fit_excel() {
        let mut seen = std::collections::BTreeSet::new();
        for (file, sheet, _) in SHEETS {
            assert!(sheet.chars().count() <= 31, "{sheet}");
            assert!(
                !sheet.contains(['[', ']', ':', '*', '?', '/', '\\']),
                "{sheet}"
            );
            assert!(seen.insert(sheet.to_lowercase()), "{sheet} twice");
            assert_eq!(sheet_name(file), sheet);
            assert_ne!(sheet.to_lowercase(), README_SHEET.to_lowercase());
        }
        assert_eq!(sheet_name("mon_tableau.csv"), "Mon tableau");
        assert_eq!(
            sheet_name("un_nom_de_fichier_bien_trop_long_pour_excel.csv")
                .chars()
                .count(),
            31
        );
        assert_eq!(sheet_name("a:b?.csv"), "A b");
    }

    fn readme() -> ReadMe {
        ReadMe {
            title: "Maillage territorial des Missions Locales de la Somme".into(),
            territory: "Somme".into(),
            sources: "communes fichier c.geojson".into(),
            youth: "fichier j.csv".into(),
            stand_in: None,
            parameters: vec![("Mesure".into(), "à vol d'oiseau".into())],
        }
    }

    fn member(xlsx: &[u8], name: &str) -> String {
        use std::io::Read;
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut s = String::new();
        z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    }

    /// Cells of every kind, read back with calamine.
    #[test]
    fn cells_keep_their_kind() {
        use calamine::{Data, Reader};
        let mut t = Table::new(&[
            "nom",
            "part_x",
            "population",
            "jeunes_estimes",
            "d_km",
            "n",
            "ok",
        ]);
        let long = "é".repeat(MAX_CELL_CHARS + 10);
        t.push(vec![
            "=1+1".into(),
            Cell::Float(0.74545, 4),
            Cell::Int(6_003_815),
            Cell::Float(2022.66, 1),
            Cell::Float(1.98349, 3),
            Cell::Exact(0.1 + 0.2),
            true.into(),
        ]);
        t.push(vec![
            long.clone().into(),
            Cell::Float(f64::NAN, 4),
            Cell::Empty,
            Cell::Empty,
            Cell::Float(-0.0, 3),
            Cell::Int(-3),
            false.into(),
        ]);
        let bytes = workbook(&readme(), &[("t.csv", &t), ("grille_distance.csv", &t)]).unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        assert_eq!(book.sheet_names(), ["Lisez-moi", "T"]);
        let r = book.worksheet_range("T").unwrap();
        let row = |i: usize| r.rows().nth(i).unwrap().to_vec();
        assert_eq!(
            row(1),
            [
                Data::String("=1+1".into()),
                Data::Float(0.74545),
                Data::Float(6_003_815.0),
                Data::Float(2022.66),
                Data::Float(1.98349),
                Data::Float(0.1 + 0.2),
                Data::String("oui".into()),
            ]
        );
        let second = row(2);
        let Data::String(cut) = &second[0] else {
            panic!("{:?}", &second[0]);
        };
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(CUT_MARK));
        assert!(long.starts_with(&cut[..cut.len() - CUT_MARK.len()]));
        assert_eq!(
            &second[1..],
            [
                Data::Empty,
                Data::Empty,
                Data::Empty,
                Data::Float(0.0),
                Data::Float(-3.0),
                Data::String("non".into())
            ]
        );
        let sheet = member(&bytes, "xl/worksheets/sheet2.xml");
        assert!(!sheet.contains("<f>"), "no formula");
        let lisez = member(&bytes, "xl/sharedStrings.xml");
        assert!(
            lisez.contains("1 texte plus long que les 32 767 caractères"),
            "the cut is said"
        );
        assert!(lisez.contains("t.csv (2 lignes)"));
        // Formats: share, people whole and with the CSV's decimal, fixed
        // decimals, general.
        let styles = member(&bytes, "xl/styles.xml");
        for code in ["0.0%", "#,##0", "#,##0.0", "0.000"] {
            assert!(styles.contains(&format!("formatCode=\"{code}\"")), "{code}");
        }
    }

    /// The same bytes every time: a fixed creation date, fixed zip dates.
    #[test]
    fn the_workbook_is_the_same_every_time() {
        let mut t = Table::new(&["a"]);
        t.push(vec![Cell::Int(1)]);
        let a = workbook(&readme(), &[("a.csv", &t)]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let b = workbook(&readme(), &[("a.csv", &t)]).unwrap();
        assert!(a == b);
        let core = member(&a, "docProps/core.xml");
        assert!(
            core.contains(">2025-01-01T00:00:00Z</dcterms:created>"),
            "{core}"
        );
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&a)).unwrap();
        for i in 0..z.len() {
            let f = z.by_index(i).unwrap();
            let d = f.last_modified().unwrap();
            assert_eq!((d.year(), d.month(), d.day()), (1980, 1, 1), "{}", f.name());
        }
    }

    /// A table longer than a sheet is left out, and the Lisez-moi says so.
    #[test]
    fn a_table_beyond_excel_rows_is_left_out() {
        let mut t = Table::new(&["a"]);
        t.rows = vec![vec![Cell::Empty]; MAX_ROWS];
        let mut small = Table::new(&["b"]);
        small.push(vec![Cell::Int(1)]);
        let bytes = workbook(&readme(), &[("grand.csv", &t), ("b.csv", &small)]).unwrap();
        let book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        use calamine::Reader;
        assert_eq!(book.sheet_names(), ["Lisez-moi", "B"]);
        assert!(member(&bytes, "xl/sharedStrings.xml")
            .contains("grand.csv non plus : 1\u{a0}048\u{a0}576 lignes"));
    }
}
