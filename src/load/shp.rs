//! Shapefile reader: geometries from the `.shp` (through the `shapefile`
//! crate, with the `.shx` when present), attributes from the `.dbf` (read
//! here, so that the text encoding is under our control), coordinate system
//! from the `.prj`.
//!
//! IGN ADMIN EXPRESS, the file planners download, comes in Lambert-93 with
//! Windows-1252 or UTF-8 attributes, with or without a `.cpg`; all read as
//! downloaded. Coordinates are converted to WGS84 longitude/latitude once,
//! here.
//!
//! Text encoding, in order: the `.cpg` file; else the dBASE language driver
//! byte when it names a code page; else UTF-8 when every text is valid UTF-8,
//! Windows-1252 (Latin-1) otherwise, with a warning.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use geo::{Area, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use serde_json::{Number, Value};
use shapefile::{PolygonRing, Shape, ShapeReader};

use crate::base::L93;
use crate::error::{Error, Location};
use crate::load::features::{RawFeature, RawLayer};
use crate::load::prj::{parse_prj, Crs};
use crate::warnings::Warnings;

/// The warning given when text without a declared encoding is not UTF-8.
pub const GUESSED_1252: &str = "pas de .cpg : attributs lus en Windows-1252 (Latin-1)";

// ---------------------------------------------------------------------------
// Text encodings

/// A code page the `.dbf` text can be in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CodePage {
    /// Anything `encoding_rs` decodes (UTF-8, Windows-125x, ISO-8859-x, …).
    Web(&'static encoding_rs::Encoding),
    /// The MS-DOS code pages of old dBASE files, which `encoding_rs` lacks.
    Dos(u16),
}

/// Bytes 0x80–0xFF of IBM code page 437.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";
/// Bytes 0x80–0xFF of IBM code page 850 (MS-DOS Western Europe).
const CP850_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜø£Ø×ƒáíóúñÑªº¿®¬½¼¡«»░▒▓│┤ÁÂÀ©╣║╗╝¢¥┐└┴┬├─┼ãÃ╚╔╩╦╠═╬¤ðÐÊËÈıÍÎÏ┘┌█▄¦Ì▀ÓßÔÒõÕµþÞÚÛÙýÝ¯´\u{ad}±‗¾¶§÷¸°¨·¹³²■\u{a0}";

static CP437: LazyLock<Vec<char>> = LazyLock::new(|| CP437_HIGH.chars().collect());
static CP850: LazyLock<Vec<char>> = LazyLock::new(|| CP850_HIGH.chars().collect());

impl CodePage {
    fn name(self) -> String {
        match self {
            CodePage::Web(e) => e.name().to_string(),
            CodePage::Dos(n) => format!("IBM{n}"),
        }
    }

    fn is_utf8(self) -> bool {
        self == CodePage::Web(encoding_rs::UTF_8)
    }

    /// The text, or `None` when the bytes are not valid in this code page
    /// (only possible for UTF-8 and the multi-byte Asian code pages).
    fn decode(self, raw: &[u8]) -> Option<String> {
        match self {
            CodePage::Web(e) => {
                let (s, had_errors) = e.decode_without_bom_handling(raw);
                (!had_errors).then(|| s.into_owned())
            }
            CodePage::Dos(n) => {
                let table = if n == 437 { &*CP437 } else { &*CP850 };
                Some(
                    raw.iter()
                        .map(|&b| {
                            if b < 0x80 {
                                char::from(b)
                            } else {
                                table[usize::from(b - 0x80)]
                            }
                        })
                        .collect(),
                )
            }
        }
    }
}

/// A Windows/IBM code page number, when we can decode it.
fn code_page_number(n: u16) -> Option<CodePage> {
    let web = |label: &str| encoding_rs::Encoding::for_label(label.as_bytes()).map(CodePage::Web);
    match n {
        437 | 850 => Some(CodePage::Dos(n)),
        866 => Some(CodePage::Web(encoding_rs::IBM866)),
        874 => Some(CodePage::Web(encoding_rs::WINDOWS_874)),
        932 => Some(CodePage::Web(encoding_rs::SHIFT_JIS)),
        936 => Some(CodePage::Web(encoding_rs::GBK)),
        949 => Some(CodePage::Web(encoding_rs::EUC_KR)),
        950 => Some(CodePage::Web(encoding_rs::BIG5)),
        1250..=1258 => web(&format!("windows-{n}")),
        10000 => Some(CodePage::Web(encoding_rs::MACINTOSH)),
        10007 => Some(CodePage::Web(encoding_rs::X_MAC_CYRILLIC)),
        28591 => Some(CodePage::Web(encoding_rs::WINDOWS_1252)),
        28592..=28606 => web(&format!("iso-8859-{}", n - 28590)),
        65001 => Some(CodePage::Web(encoding_rs::UTF_8)),
        _ => None,
    }
}

/// The code page a dBASE language driver byte names (byte 29 of the header).
fn language_driver_code_page(b: u8) -> Option<u16> {
    Some(match b {
        0x01 | 0x09 | 0x0B | 0x0D | 0x0F | 0x11 | 0x15 | 0x18 | 0x19 | 0x1B => 437,
        0x02 | 0x0A | 0x0E | 0x10 | 0x12 | 0x14 | 0x16 | 0x1A | 0x1D | 0x25 | 0x37 => 850,
        // 0x57 is "ANSI", the system code page: Windows-1252 in France, and
        // what GDAL means by it.
        0x03 | 0x57 | 0x58 | 0x59 => 1252,
        0x04 => 10000,
        0x08 | 0x17 | 0x66 => 865,
        0x13 | 0x7B => 932,
        0x1C | 0x6C => 863,
        0x1F | 0x22 | 0x23 | 0x40 | 0x64 | 0x87 => 852,
        0x24 => 860,
        0x26 | 0x65 => 866,
        0x4D | 0x7A => 936,
        0x4E | 0x79 => 949,
        0x4F | 0x78 => 950,
        0x50 | 0x7C => 874,
        0x67 => 861,
        0x6A | 0x86 => 737,
        0x6B | 0x88 => 857,
        0x7D => 1255,
        0x7E => 1256,
        0x96 => 10007,
        0xC8 => 1250,
        0xC9 => 1251,
        0xCA => 1254,
        0xCB => 1253,
        0xCC => 1257,
        _ => return None,
    })
}

/// The code page a `.cpg` file names.
fn code_page_of_cpg(path: &Path, cpg: &str) -> Result<CodePage, Error> {
    let raw = cpg.trim().trim_start_matches('\u{feff}').trim();
    let v = raw.to_ascii_uppercase().replace([' ', '_'], "");
    let digits = |s: &str| s.parse::<u16>().ok();
    let found = match v.as_str() {
        "UTF-8" | "UTF8" => Some(CodePage::Web(encoding_rs::UTF_8)),
        // Windows-1252 is Latin-1 plus printable characters in 0x80–0x9F,
        // which is also what the WHATWG labels map Latin-1 to.
        "ANSI" | "LATIN1" | "LATIN-1" | "ISO-8859-1" | "ISO8859-1" | "8859-1" | "88591"
        | "ISO88591" => Some(CodePage::Web(encoding_rs::WINDOWS_1252)),
        "LATIN9" | "LATIN-9" | "ISO-8859-15" | "ISO8859-15" | "8859-15" | "885915"
        | "ISO885915" => Some(CodePage::Web(encoding_rs::ISO_8859_15)),
        "OEM" => Some(CodePage::Dos(850)),
        _ => {
            let number = ["WINDOWS-", "WINDOWS", "ANSI", "CP", "IBM", "OEM", "DOS"]
                .iter()
                .find_map(|p| v.strip_prefix(p).and_then(digits))
                .or_else(|| digits(&v));
            let iso = ["8859-", "ISO8859-", "ISO-8859-"]
                .iter()
                .find_map(|p| v.strip_prefix(p).and_then(digits));
            match (number, iso) {
                (Some(n), _) => code_page_number(n),
                (None, Some(part)) => {
                    encoding_rs::Encoding::for_label(format!("iso-8859-{part}").as_bytes())
                        .map(CodePage::Web)
                }
                (None, None) => encoding_rs::Encoding::for_label(raw.as_bytes())
                    .filter(|e| *e != encoding_rs::REPLACEMENT)
                    .map(CodePage::Web),
            }
        }
    };
    found.ok_or_else(|| {
        Error::file(
            path,
            format!(
                "page de code « {raw} » inconnue dans le fichier .cpg : attendu p. ex. UTF-8, 1252, \
                 ISO-8859-1, ISO-8859-15 ou 850"
            ),
        )
    })
}

// ---------------------------------------------------------------------------
// dBASE

/// One `.dbf` column.
struct DbfField {
    raw_name: Vec<u8>,
    kind: u8,
    len: usize,
}

/// Attributes of one record, or `None` when the record is marked deleted.
type Attributes = Option<Vec<(String, Value)>>;

fn record_location(i: usize) -> Location {
    Location::Record {
        index: i + 1,
        id: None,
    }
}

/// Reads every record of a `.dbf`.
fn read_dbf(
    path: &Path,
    cpg: Option<CodePage>,
    warnings: &mut Warnings,
) -> Result<Vec<Attributes>, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let bad = |what: String| Error::file(path, format!("pas un fichier dBASE valide : {what}"));
    if bytes.len() < 33 {
        return Err(bad("plus court que son en-tête".into()));
    }
    let version = bytes[0];
    let n_records = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
    let record_len = usize::from(u16::from_le_bytes([bytes[10], bytes[11]]));
    let language = bytes[29];
    if header_len < 33 || header_len > bytes.len() || record_len == 0 {
        return Err(bad(format!(
            "en-tête de {header_len} octets, enregistrements de {record_len} octets"
        )));
    }
    // Field descriptors: 32 bytes each, up to a 0x0D byte.
    let mut fields = Vec::new();
    let mut high_len = Vec::new();
    let mut pos = 32;
    while pos + 32 <= header_len && bytes[pos] != 0x0D {
        let raw = &bytes[pos..pos + 11];
        let name_end = raw.iter().position(|&b| b == 0).unwrap_or(11);
        fields.push(DbfField {
            raw_name: raw[..name_end].to_vec(),
            kind: bytes[pos + 11].to_ascii_uppercase(),
            len: usize::from(bytes[pos + 16]),
        });
        high_len.push(usize::from(bytes[pos + 17]));
        pos += 32;
    }
    if fields.is_empty() {
        return Err(bad("aucun champ".into()));
    }
    // Clipper and FoxPro store text fields longer than 255 with the high
    // byte of the length in the "decimal count" byte.
    if fields.iter().map(|f| f.len).sum::<usize>() + 1 != record_len {
        for (f, hi) in fields.iter_mut().zip(&high_len) {
            if f.kind == b'C' {
                f.len += hi << 8;
            }
        }
    }
    let total: usize = fields.iter().map(|f| f.len).sum::<usize>() + 1;
    if total != record_len {
        return Err(bad(format!(
            "enregistrements de {record_len} octets mais les champs totalisent {total}"
        )));
    }
    if header_len + n_records * record_len > bytes.len() {
        return Err(bad(format!(
            "tronqué : {n_records} enregistrements annoncés, place pour {}",
            (bytes.len() - header_len) / record_len
        )));
    }
    let record = |r: usize| &bytes[header_len + r * record_len..header_len + (r + 1) * record_len];
    let deleted = |r: usize| record(r)[0] == b'*';

    // Every piece of text the file holds: field names and text values.
    let mut texts: Vec<(Option<usize>, usize, &[u8])> = fields
        .iter()
        .enumerate()
        .map(|(j, f)| (None, j, f.raw_name.as_slice()))
        .collect();
    for r in (0..n_records).filter(|&r| !deleted(r)) {
        let mut off = 1;
        for (j, f) in fields.iter().enumerate() {
            if f.kind == b'C' {
                texts.push((Some(r), j, &record(r)[off..off + f.len]));
            }
            off += f.len;
        }
    }
    let non_ascii = texts.iter().any(|(_, _, t)| !t.is_ascii());
    let first_non_utf8 = texts
        .iter()
        .find(|(_, _, t)| std::str::from_utf8(t).is_err())
        .map(|&(r, j, _)| {
            let field = String::from_utf8_lossy(&fields[j].raw_name).into_owned();
            match r {
                Some(r) => format!("{}, champ {field}", record_location(r)),
                None => format!("nom de champ {field}"),
            }
        });
    let utf8 = CodePage::Web(encoding_rs::UTF_8);
    let windows_1252 = CodePage::Web(encoding_rs::WINDOWS_1252);
    let code_page = match (cpg, language_driver_code_page(language)) {
        (Some(cp), _) => cp,
        _ if !non_ascii => utf8,
        (None, Some(n)) => match code_page_number(n) {
            // A single-byte code page is declared, but the text is valid
            // UTF-8 with accents: Latin-1 text practically never is.
            Some(cp) if first_non_utf8.is_none() && !cp.is_utf8() => {
                warnings.add(
                    path,
                    format!(
                        "l'octet de langue 0x{language:02X} du .dbf annonce la page de code {n} mais \
                         le texte est de l'UTF-8 valide : lu en UTF-8 (un fichier .cpg trancherait)"
                    ),
                    "tout le fichier",
                );
                utf8
            }
            Some(cp) => cp,
            None if first_non_utf8.is_none() => utf8,
            None => {
                return Err(Error::file(
                    path,
                    format!(
                        "le .dbf déclare la page de code {n} (octet de langue \
                         0x{language:02X}), que maillage ne sait pas décoder : ajoutez à \
                         côté un fichier .cpg nommant l'encodage (p. ex. UTF-8 ou 1252), \
                         ou réencodez avec `ogr2ogr -lco ENCODING=UTF-8 out.shp in.shp`"
                    ),
                ))
            }
        },
        (None, None) => match first_non_utf8 {
            None => utf8,
            Some(example) => {
                warnings.add(path, GUESSED_1252, example);
                windows_1252
            }
        },
    };
    let decode = |raw: &[u8], at: &dyn Fn() -> String, warnings: &mut Warnings| -> String {
        code_page.decode(raw).unwrap_or_else(|| {
            warnings.add(
                path,
                format!(
                    "texte qui n'est pas du {} valide comme déclaré : lu en Windows-1252",
                    code_page.name()
                ),
                at(),
            );
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(raw)
                .0
                .into_owned()
        })
    };
    let trim = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || c == '\0')
            .to_string()
    };

    // Field names, with unreadable types and duplicates left out (and said).
    let dbase7 = version & 0x07 == 4;
    let foxpro = matches!(version, 0x30..=0x32);
    let mut names: Vec<Option<String>> = Vec::with_capacity(fields.len());
    for (j, f) in fields.iter().enumerate() {
        let lossy = String::from_utf8_lossy(&f.raw_name).into_owned();
        let mut name = trim(&decode(
            &f.raw_name,
            &|| format!("nom de champ {lossy}"),
            warnings,
        ));
        if name.is_empty() {
            name = format!("FIELD{}", j + 1);
        }
        let readable = match f.kind {
            b'C' | b'N' | b'F' | b'L' | b'D' => true,
            b'I' => f.len == 4,
            b'+' | b'O' => dbase7 && f.len == (if f.kind == b'O' { 8 } else { 4 }),
            b'B' | b'Y' => foxpro && f.len == 8,
            _ => false,
        };
        let duplicate = names
            .iter()
            .flatten()
            .any(|n: &String| n.eq_ignore_ascii_case(&name));
        if f.kind == b'0' {
            // FoxPro's hidden _NullFlags system column.
            names.push(None);
        } else if !readable {
            warnings.add(
                path,
                format!(
                    "champ « {name} » de type dBASE '{}' ({} octets) non lu (mémo, binaire ou \
                     date-heure)",
                    char::from(f.kind),
                    f.len
                ),
                "tous les enregistrements",
            );
            names.push(None);
        } else if duplicate {
            warnings.add(
                path,
                format!("un deuxième champ s'appelle « {name} » : seul le premier est lu"),
                "tous les enregistrements",
            );
            names.push(None);
        } else {
            names.push(Some(name));
        }
    }

    let mut records = Vec::with_capacity(n_records);
    for r in 0..n_records {
        if deleted(r) {
            records.push(None);
            continue;
        }
        let rec = record(r);
        let mut off = 1;
        let mut values = Vec::with_capacity(fields.len());
        for (f, name) in fields.iter().zip(&names) {
            let raw = &rec[off..off + f.len];
            off += f.len;
            let Some(name) = name else { continue };
            let field_error =
                |problem: String| Error::field(path, record_location(r), name, problem);
            let ascii = || trim(&String::from_utf8_lossy(raw));
            let value = match f.kind {
                b'C' => {
                    let at = || format!("{}, champ {name}", record_location(r));
                    let t = trim(&decode(raw, &at, warnings));
                    if t.is_empty() {
                        Value::Null
                    } else {
                        Value::String(t)
                    }
                }
                b'N' | b'F' => {
                    let t = ascii();
                    if t.is_empty() {
                        Value::Null
                    } else if t.chars().all(|c| c == '*') {
                        warnings.add(
                            path,
                            format!(
                                "champ « {name} » : nombre trop large pour sa colonne (écrit \
                                 {t}), lu comme vide"
                            ),
                            record_location(r).to_string(),
                        );
                        Value::Null
                    } else if let Ok(i) = t.parse::<i64>() {
                        Value::Number(i.into())
                    } else {
                        t.parse::<f64>()
                            .ok()
                            .and_then(Number::from_f64)
                            .map(Value::Number)
                            .ok_or_else(|| {
                                field_error(format!("attendu un nombre, trouvé « {t} »"))
                            })?
                    }
                }
                b'L' => match ascii().chars().next() {
                    Some('T' | 't' | 'Y' | 'y') => Value::Bool(true),
                    Some('F' | 'f' | 'N' | 'n') => Value::Bool(false),
                    None | Some('?') => Value::Null,
                    Some(_) => {
                        return Err(field_error(format!(
                            "attendu une valeur logique (T, F ou ?), trouvé « {} »",
                            ascii()
                        )))
                    }
                },
                b'D' => {
                    let t = ascii();
                    if t.is_empty() || t.chars().all(|c| c == '0') {
                        Value::Null
                    } else {
                        Value::String(date(&t).ok_or_else(|| {
                            field_error(format!("attendu une date AAAAMMJJ, trouvé « {t} »"))
                        })?)
                    }
                }
                b'I' | b'+' if dbase7 => {
                    let b = [raw[0], raw[1], raw[2], raw[3]];
                    if b == [0; 4] {
                        Value::Null
                    } else {
                        // Big-endian with the sign bit flipped.
                        let v = (u32::from_be_bytes(b) ^ 0x8000_0000) as i32;
                        Value::Number(v.into())
                    }
                }
                b'I' => Value::Number(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]).into()),
                b'O' => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(raw);
                    if b == [0; 8] {
                        Value::Null
                    } else {
                        // dBASE 7 doubles sort as bytes: positive ones have
                        // the sign bit set, negative ones are inverted.
                        let bits = u64::from_be_bytes(b);
                        let bits = if bits >> 63 == 1 {
                            bits & !(1 << 63)
                        } else {
                            !bits
                        };
                        number(f64::from_bits(bits))
                    }
                }
                b'B' => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(raw);
                    number(f64::from_le_bytes(b))
                }
                b'Y' => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(raw);
                    number(i64::from_le_bytes(b) as f64 / 10_000.0)
                }
                _ => continue,
            };
            values.push((name.clone(), value));
        }
        records.push(Some(values));
    }
    Ok(records)
}

fn number(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}

/// `YYYYMMDD` as `YYYY-MM-DD`, when it is a date.
fn date(t: &str) -> Option<String> {
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month: u32 = t[4..6].parse().ok()?;
    let day: u32 = t[6..].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
}

// ---------------------------------------------------------------------------
// The shapefile

/// The file next to `path` with extension `ext`, in lower or upper case.
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .into_iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

fn read_text(path: &Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(match String::from_utf8_lossy(&bytes) {
        Cow::Borrowed(s) => s.to_string(),
        Cow::Owned(s) => s,
    })
}

/// Reads a shapefile into raw features in WGS84 longitude/latitude.
pub fn read_shapefile(path: &Path, warnings: &mut Warnings) -> Result<RawLayer, Error> {
    let shp_file = File::open(path).map_err(|e| Error::io(path, e))?;
    let Some(dbf) = sibling(path, "dbf") else {
        return Err(Error::file(
            path,
            format!(
                "le fichier des attributs {} manque : un shapefile se compose d'un .shp et d'un .dbf \
                 (+ .shx, .prj, .cpg), copiez-les ensemble",
                path.with_extension("dbf").display()
            ),
        ));
    };
    let cpg = match sibling(path, "cpg") {
        Some(p) => {
            let text = read_text(&p)?;
            if text.trim().is_empty() {
                None
            } else {
                Some(code_page_of_cpg(&p, &text)?)
            }
        }
        None => None,
    };
    let records = read_dbf(&dbf, cpg, warnings)?;
    let shapes = read_shapes(path, shp_file)?;
    if shapes.len() != records.len() {
        return Err(Error::file(
            path,
            format!(
                "{} formes dans le .shp mais {} enregistrements dans {} : ces fichiers ne vont pas ensemble",
                shapes.len(),
                records.len(),
                dbf.display()
            ),
        ));
    }
    let prj = sibling(path, "prj");
    let crs = match &prj {
        Some(p) => {
            let wkt = read_text(p)?;
            if wkt.trim().is_empty() {
                infer_crs(path, &shapes, ".prj vide", warnings)?
            } else {
                let crs = parse_prj(p, &wkt)?;
                check_projected(p, crs, &shapes)?;
                crs
            }
        }
        None => infer_crs(path, &shapes, "pas de .prj", warnings)?,
    };
    let mut features = Vec::with_capacity(shapes.len());
    for (i, (shape, attrs)) in shapes.into_iter().zip(records).enumerate() {
        let location = record_location(i);
        let Some(attrs) = attrs else {
            warnings.add(
                path,
                "enregistrement marqué comme supprimé dans le .dbf, sauté",
                location.to_string(),
            );
            continue;
        };
        let mut f = RawFeature::new(location.clone());
        for (name, v) in attrs {
            f.insert(&name, v);
        }
        f.geometry = convert(path, &location, shape, crs, warnings)?;
        features.push(f);
    }
    Ok(RawLayer {
        path: path.to_path_buf(),
        features,
    })
}

/// Every shape of the `.shp`, through the `.shx` index when there is one.
fn read_shapes(path: &Path, shp_file: File) -> Result<Vec<Shape>, Error> {
    let unreadable = |e: shapefile::Error| Error::file(path, format!(".shp illisible : {e}"));
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut BufReader::new(shp_file), &mut bytes)
        .map_err(|e| Error::io(path, e))?;
    check_record_sizes(path, &bytes)?;
    let source = std::io::Cursor::new(bytes);
    let mut reader = match sibling(path, "shx") {
        Some(shx) => {
            let index = File::open(&shx).map_err(|e| Error::io(&shx, e))?;
            ShapeReader::with_shx(source, BufReader::new(index)).map_err(unreadable)?
        }
        None => ShapeReader::new(source).map_err(unreadable)?,
    };
    let mut shapes = Vec::new();
    for (i, s) in reader.iter_shapes().enumerate() {
        shapes.push(s.map_err(|e| {
            Error::record(path, record_location(i), format!("forme illisible : {e}"))
        })?);
    }
    Ok(shapes)
}

/// Checks that each record of a `.shp` holds the points it declares, before
/// the `shapefile` crate reads it: that crate sizes its buffers from the
/// declared counts, so a corrupt count would make it reserve gigabytes
/// (found by fuzzing). Layout: ESRI Shapefile Technical Description, 1998.
fn check_record_sizes(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let be = |at: usize| -> Option<i64> {
        Some(i64::from(i32::from_be_bytes(
            bytes.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    let le = |at: usize| -> Option<i64> {
        Some(i64::from(i32::from_le_bytes(
            bytes.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    let mut at = 100;
    let mut i = 0;
    while at + 8 <= bytes.len() {
        let loc = record_location(i);
        let content = be(at + 4).unwrap_or(0) * 2;
        let start = at + 8;
        if content < 4 || start as i64 + content > bytes.len() as i64 {
            return Err(Error::record(
                path,
                loc,
                format!(
                    "l'enregistrement annonce {content} octets mais il n'en reste que {} dans le fichier : .shp tronqué ou corrompu",
                    bytes.len().saturating_sub(start)
                ),
            ));
        }
        let shape_type = le(start).unwrap_or(0);
        // Multi-point shapes: type, box, [parts count,] points count, the
        // parts, then 16 bytes of x and y per point (Z and M variants add
        // more after them, which the crate reads within the record).
        let (has_parts, per_point) = match shape_type {
            3 | 5 | 13 | 15 | 23 | 25 | 31 => (true, 16),
            8 | 18 | 28 => (false, 16),
            _ => (false, 0),
        };
        if per_point > 0 {
            let (parts, points) = if has_parts {
                (le(start + 36).unwrap_or(-1), le(start + 40).unwrap_or(-1))
            } else {
                (0, le(start + 36).unwrap_or(-1))
            };
            let fixed = if has_parts { 44 } else { 40 };
            let needed = fixed + 4 * parts + per_point * points;
            if parts < 0 || points < 0 || needed > content {
                return Err(Error::record(
                    path,
                    loc,
                    format!(
                        "l'enregistrement annonce {parts} parties et {points} points, plus que ses {content} octets ne peuvent contenir : .shp corrompu"
                    ),
                ));
            }
            // Part starts index the points: ascending, within the count
            // (the crate sizes rings from their differences).
            let mut previous = 0;
            for k in 0..parts {
                let first = le(start + 44 + 4 * k as usize).unwrap_or(-1);
                if first < previous || first >= points.max(1) || (k == 0 && first != 0) {
                    return Err(Error::record(
                        path,
                        loc,
                        format!(
                            "la partie {} commence au point {first}, hors de 0..{points} ou avant la partie précédente : .shp corrompu",
                            k + 1
                        ),
                    ));
                }
                previous = first;
            }
        }
        at = usize::try_from(start as i64 + content).unwrap_or(usize::MAX);
        i += 1;
    }
    Ok(())
}

/// Without a `.prj`, decides from the coordinates' range.
fn infer_crs(
    path: &Path,
    shapes: &[Shape],
    why: &str,
    warnings: &mut Warnings,
) -> Result<Crs, Error> {
    let mut all_lonlat = true;
    let mut all_l93 = true;
    for (x, y) in shapes.iter().flat_map(shape_xy) {
        all_lonlat &= (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
        all_l93 &= (0.0..=1_300_000.0).contains(&x) && (6_000_000.0..=7_200_000.0).contains(&y);
    }
    if all_lonlat {
        warnings.add(
            path,
            format!(
                "{why} : coordonnées lues en longitude/latitude WGS84 (toutes sont dans \
                 ±180°/±90°)"
            ),
            "tout le fichier",
        );
        Ok(Crs::Wgs84)
    } else if all_l93 {
        warnings.add(
            path,
            format!("{why} : coordonnées lues en mètres Lambert-93 (EPSG:2154) (toutes sont dans son emprise)"),
            "tout le fichier",
        );
        Ok(Crs::Lambert(*crate::base::lambert::LAMBERT_93))
    } else {
        Err(Error::file(
            path,
            format!(
                "{why}, et les coordonnées ne sont ni des longitudes/latitudes (±180°/±90°) ni du \
                 Lambert-93 (x de 0 à 1 300 000 m, y de 6 000 000 à 7 200 000 m) : ajoutez le .prj \
                 livré avec la couche, ou reprojetez-la avec `ogr2ogr -t_srs EPSG:2154 out.shp in.shp`"
            ),
        ))
    }
}

/// A `.prj` announcing a projection over coordinates that are all plainly
/// longitude/latitude is wrong: say so instead of placing the layer in the
/// sea off Africa.
fn check_projected(prj: &Path, crs: Crs, shapes: &[Shape]) -> Result<(), Error> {
    let Crs::Lambert(_) = crs else { return Ok(()) };
    let mut any = false;
    let all_lonlat = shapes.iter().flat_map(shape_xy).all(|(x, y)| {
        any = true;
        x.abs() <= 180.0 && y.abs() <= 90.0
    });
    if any && all_lonlat {
        return Err(Error::file(
            prj,
            format!(
                "le .prj annonce {} mais toutes les coordonnées sont dans ±180/±90 : on dirait des \
                 longitudes/latitudes ; utilisez un .prj WGS84 ou le bon fichier",
                crs.name()
            ),
        ));
    }
    Ok(())
}

fn shape_xy(s: &Shape) -> Vec<(f64, f64)> {
    fn rings<P: shapefile::record::traits::HasXY>(rings: &[PolygonRing<P>]) -> Vec<(f64, f64)> {
        rings
            .iter()
            .flat_map(|r| r.points().iter().map(|q| (q.x(), q.y())))
            .collect()
    }
    match s {
        Shape::Point(p) => vec![(p.x, p.y)],
        Shape::PointM(p) => vec![(p.x, p.y)],
        Shape::PointZ(p) => vec![(p.x, p.y)],
        Shape::Polygon(p) => rings(p.rings()),
        Shape::PolygonM(p) => rings(p.rings()),
        Shape::PolygonZ(p) => rings(p.rings()),
        Shape::Multipoint(m) => m.points().iter().map(|q| (q.x, q.y)).collect(),
        Shape::MultipointM(m) => m.points().iter().map(|q| (q.x, q.y)).collect(),
        Shape::MultipointZ(m) => m.points().iter().map(|q| (q.x, q.y)).collect(),
        _ => Vec::new(),
    }
}

fn shape_name(s: &Shape) -> &'static str {
    match s {
        Shape::NullShape => "Null",
        Shape::Point(_) | Shape::PointM(_) | Shape::PointZ(_) => "Point",
        Shape::Polyline(_) | Shape::PolylineM(_) | Shape::PolylineZ(_) => "PolyLine",
        Shape::Polygon(_) | Shape::PolygonM(_) | Shape::PolygonZ(_) => "Polygon",
        Shape::Multipoint(_) | Shape::MultipointM(_) | Shape::MultipointZ(_) => "MultiPoint",
        Shape::Multipatch(_) => "MultiPatch",
    }
}

/// Groups rings into polygons: each hole goes to the smallest outer ring
/// that contains it; a hole that no outer ring contains (a ring written the
/// wrong way round) is kept as an outer ring, with a warning.
fn assemble_polygons(
    path: &Path,
    location: &Location,
    rings: Vec<(bool, LineString<f64>)>,
    warnings: &mut Warnings,
) -> MultiPolygon<f64> {
    let mut outers: Vec<(Polygon<f64>, f64)> = Vec::new();
    let mut holes = Vec::new();
    for (outer, ring) in rings {
        if outer {
            let p = Polygon::new(ring, vec![]);
            let area = p.unsigned_area();
            outers.push((p, area));
        } else {
            holes.push(ring);
        }
    }
    let mut interiors: Vec<Vec<LineString<f64>>> = vec![Vec::new(); outers.len()];
    let mut orphans = Vec::new();
    for h in holes {
        let owner = h.0.iter().find_map(|c| {
            let p = Point(*c);
            outers
                .iter()
                .enumerate()
                .filter(|(_, (o, _))| o.contains(&p))
                .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))
                .map(|(k, _)| k)
        });
        match owner {
            Some(k) => interiors[k].push(h),
            None => orphans.push(h),
        }
    }
    if !orphans.is_empty() {
        warnings.add(
            path,
            "anneau orienté comme un trou mais dans aucun anneau extérieur : lu comme un anneau extérieur",
            location.to_string(),
        );
    }
    let mut polygons: Vec<Polygon<f64>> = outers
        .into_iter()
        .zip(interiors)
        .map(|((p, _), hs)| Polygon::new(p.into_inner().0, hs))
        .collect();
    polygons.extend(orphans.into_iter().map(|h| Polygon::new(h, vec![])));
    MultiPolygon(polygons)
}

fn convert(
    path: &Path,
    location: &Location,
    shape: Shape,
    crs: Crs,
    warnings: &mut Warnings,
) -> Result<Option<geo::Geometry<f64>>, Error> {
    let to_lonlat = |x: f64, y: f64| -> Result<Coord<f64>, Error> {
        let fail = |what: &str| {
            Err(Error::record(
                path,
                location.clone(),
                format!("{what} ({x}, {y})"),
            ))
        };
        if !x.is_finite() || !y.is_finite() {
            return fail("coordonnée non finie");
        }
        match crs {
            Crs::Wgs84 if x.abs() > 180.0 || y.abs() > 90.0 => {
                fail("longitude/latitude hors limites : le .prj annonce des degrés mais on trouve la coordonnée")
            }
            Crs::Wgs84 => Ok(Coord { x, y }),
            Crs::Lambert(l) => {
                let p = l.unproject(L93 { x, y });
                if p.lon.is_finite() && p.lat.is_finite() && p.lat.abs() <= 90.0 {
                    Ok(Coord { x: p.lon, y: p.lat })
                } else {
                    fail(&format!("hors de la zone couverte par {} : coordonnée", crs.name()))
                }
            }
        }
    };
    let point = |x: f64, y: f64| -> Result<Option<geo::Geometry<f64>>, Error> {
        Ok(Some(geo::Geometry::Point(Point(to_lonlat(x, y)?))))
    };
    macro_rules! multipoint {
        ($m:expr) => {{
            let pts = $m.points();
            match pts {
                [q] => point(q.x, q.y),
                _ => Err(Error::record(
                    path,
                    location.clone(),
                    format!(
                        "MultiPoint de {} points : un site est un seul point (séparez-les avec \
                         `ogr2ogr -explodecollections`)",
                        pts.len()
                    ),
                )),
            }
        }};
    }
    macro_rules! polygon {
        ($p:expr) => {{
            let rings = $p.into_inner();
            if rings.is_empty() {
                warnings.add(
                    path,
                    "polygone sans aucun anneau, lu comme sans géométrie",
                    location.to_string(),
                );
                return Ok(None);
            }
            let mut converted = Vec::with_capacity(rings.len());
            for r in rings {
                let outer = matches!(r, PolygonRing::Outer(_));
                let coords = r
                    .into_inner()
                    .iter()
                    .map(|q| to_lonlat(q.x, q.y))
                    .collect::<Result<Vec<_>, _>>()?;
                converted.push((outer, LineString(coords)));
            }
            Ok(Some(geo::Geometry::MultiPolygon(assemble_polygons(
                path, location, converted, warnings,
            ))))
        }};
    }
    match shape {
        Shape::NullShape => Ok(None),
        Shape::Point(p) => point(p.x, p.y),
        Shape::PointM(p) => point(p.x, p.y),
        Shape::PointZ(p) => point(p.x, p.y),
        Shape::Multipoint(m) => multipoint!(m),
        Shape::MultipointM(m) => multipoint!(m),
        Shape::MultipointZ(m) => multipoint!(m),
        Shape::Polygon(p) => polygon!(p),
        Shape::PolygonM(p) => polygon!(p),
        Shape::PolygonZ(p) => polygon!(p),
        other => Err(Error::record(
            path,
            location.clone(),
            format!(
                "type de forme {} non pris en charge : attendu des polygones (communes, QPV) ou des \
                 points (sites)",
                shape_name(&other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpg_values_map_to_code_pages() {
        let p = Path::new("a.cpg");
        let cp = |s: &str| code_page_of_cpg(p, s).unwrap();
        let utf8 = CodePage::Web(encoding_rs::UTF_8);
        let w1252 = CodePage::Web(encoding_rs::WINDOWS_1252);
        for s in ["UTF-8\n", "utf8", "65001"] {
            assert_eq!(cp(s), utf8, "{s}");
        }
        for s in [
            "1252",
            "CP1252",
            "Windows-1252",
            "ANSI 1252",
            "ISO-8859-1",
            "8859-1",
            "88591",
            "ISO 88591",
            "LATIN1",
            "\u{feff}1252\r\n",
        ] {
            assert_eq!(cp(s), w1252, "{s}");
        }
        for s in ["ISO-8859-15", "8859-15", "latin9"] {
            assert_eq!(cp(s), CodePage::Web(encoding_rs::ISO_8859_15), "{s}");
        }
        assert_eq!(cp("850"), CodePage::Dos(850));
        assert_eq!(cp("IBM850"), CodePage::Dos(850));
        assert_eq!(cp("437"), CodePage::Dos(437));
        assert_eq!(cp("1250"), CodePage::Web(encoding_rs::WINDOWS_1250));
        assert_eq!(cp("8859-2"), CodePage::Web(encoding_rs::ISO_8859_2));
        let e = code_page_of_cpg(p, "EBCDIC-42").unwrap_err().to_string();
        assert!(e.contains("a.cpg") && e.contains("« EBCDIC-42 »"), "{e}");
        assert!(code_page_of_cpg(p, "852").is_err());
    }

    #[test]
    fn dos_code_pages_decode_french_letters() {
        // "Étampes-sur-Marne, Abbécourt, Œ is not in 850" in IBM850 bytes.
        let raw = b"\x90tampes-sur-Marne, Abb\x82court, \xb7";
        assert_eq!(
            CodePage::Dos(850).decode(raw).unwrap(),
            "Étampes-sur-Marne, Abbécourt, À"
        );
        assert_eq!(CodePage::Dos(437).decode(b"\x82\x90").unwrap(), "éÉ");
        assert_eq!(CP437.len(), 128);
        assert_eq!(CP850.len(), 128);
    }

    #[test]
    fn dates() {
        assert_eq!(date("20250131").as_deref(), Some("2025-01-31"));
        assert_eq!(date("20251331"), None);
        assert_eq!(date("2025-1-1"), None);
    }
}

#[cfg(test)]
mod fixture_tests {
    //! The fixtures of tests/fixtures/shp/ (written by pyshp, projected by
    //! PROJ: scripts/make-shp-fixtures), and small files built here byte by
    //! byte for the cases IGN files do not show.

    use std::collections::BTreeMap;

    use geo::CoordsIter;

    use super::*;
    use crate::load::geojson::parse_geojson;

    #[test]
    fn corrupt_part_index_found_by_fuzzing_is_an_error() {
        // A fuzzed copy of a fixture: record 6 declares its first ring at
        // point -1593835520, which made the shapefile crate try to reserve
        // 25 GB.
        let p =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz/bad_part_index.shp");
        let e = read_shapefile(&p, &mut Warnings::new())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(
                "bad_part_index.shp : enregistrement 6 : la partie 1 commence au point -1593835520"
            ),
            "{e}"
        );
    }

    #[test]
    fn record_sizes_are_checked_against_the_file() {
        // Header (100 bytes) + one polygon record claiming 1,000,000 points
        // in 48 bytes of content.
        let mut b = vec![0u8; 100];
        b.extend_from_slice(&1i32.to_be_bytes());
        b.extend_from_slice(&24i32.to_be_bytes()); // 48 bytes
        b.extend_from_slice(&5i32.to_le_bytes());
        b.extend_from_slice(&[0u8; 32]);
        b.extend_from_slice(&1i32.to_le_bytes());
        b.extend_from_slice(&1_000_000i32.to_le_bytes());
        b.extend_from_slice(&0i32.to_le_bytes());
        let e = check_record_sizes(Path::new("x.shp"), &b)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("enregistrement 1") && e.contains("1000000 points"),
            "{e}"
        );
        // A record running past the end of the file.
        let mut t = vec![0u8; 100];
        t.extend_from_slice(&1i32.to_be_bytes());
        t.extend_from_slice(&500i32.to_be_bytes());
        t.extend_from_slice(&5i32.to_le_bytes());
        let e = check_record_sizes(Path::new("x.shp"), &t)
            .unwrap_err()
            .to_string();
        assert!(e.contains("tronqué ou corrompu"), "{e}");
    }

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/shp")
            .join(name)
    }

    /// Copies fixture `stem`.{exts} into `dir` as `new_stem`.{exts}.
    fn copy(dir: &Path, stem: &str, new_stem: &str, exts: &[&str]) -> PathBuf {
        for ext in exts {
            std::fs::copy(
                fixture(&format!("{stem}.{ext}")),
                dir.join(format!("{new_stem}.{ext}")),
            )
            .unwrap();
        }
        dir.join(format!("{new_stem}.shp"))
    }

    struct Source {
        nom: String,
        population: f64,
        departement: String,
        epci: String,
        geometry: geo::Geometry<f64>,
    }

    /// The source communes the fixtures were made from, by INSEE code.
    fn source() -> BTreeMap<String, Source> {
        let p = fixture("source_communes.geojson");
        let layer = parse_geojson(&p, &std::fs::read(&p).unwrap()).unwrap();
        layer
            .features
            .into_iter()
            .map(|f| {
                let t = |k: &str| f.text(&[k]).unwrap().1;
                let s = Source {
                    nom: t("nom"),
                    population: f.number(&p, &["population"]).unwrap().unwrap().1,
                    departement: t("departement"),
                    epci: t("epci_siren"),
                    geometry: f.geometry.clone().unwrap(),
                };
                (t("code_insee"), s)
            })
            .collect()
    }

    fn read(path: &Path) -> (RawLayer, Warnings) {
        let mut w = Warnings::new();
        let layer = read_shapefile(path, &mut w).unwrap();
        (layer, w)
    }

    fn read_err(path: &Path) -> Error {
        read_shapefile(path, &mut Warnings::new()).unwrap_err()
    }

    /// Checks names (accents), codes, populations against the source and
    /// returns the largest vertex deviation, in degrees.
    fn check_against_source(layer: &RawLayer) -> f64 {
        let src = source();
        assert_eq!(layer.features.len(), 6);
        let mut worst: f64 = 0.0;
        for f in &layer.features {
            let code = f.text(&["INSEE_COM"]).unwrap().1;
            let s = &src[&code];
            assert_eq!(f.text(&["NOM"]).unwrap().1, s.nom, "{code}: accents intact");
            assert_eq!(f.text(&["INSEE_DEP"]).unwrap().1, s.departement);
            assert_eq!(f.text(&["SIREN_EPCI"]).unwrap().1, s.epci);
            let pop = f.number(Path::new("x"), &["POPULATION"]).unwrap().unwrap();
            assert_eq!(pop, ("POPULATION".to_string(), s.population));
            let Some(geo::Geometry::MultiPolygon(mp)) = &f.geometry else {
                panic!("{code}: {:?}", f.geometry)
            };
            let geo::Geometry::MultiPolygon(smp) = &s.geometry else {
                panic!()
            };
            // Same parts, each with the same number of holes.
            let shape = |m: &MultiPolygon<f64>| {
                let mut v: Vec<usize> = m.0.iter().map(|p| p.interiors().len()).collect();
                v.sort_unstable();
                v
            };
            assert_eq!(shape(mp), shape(smp), "{code}: parts and holes");
            let a: Vec<Coord<f64>> = mp.coords_iter().collect();
            let b: Vec<Coord<f64>> = smp.coords_iter().collect();
            assert_eq!(a.len(), b.len(), "{code}: vertex count");
            // Rings may be reversed (shapefiles want outer rings clockwise):
            // match each vertex to its nearest source vertex.
            for p in &a {
                let d = b
                    .iter()
                    .map(|q| (p.x - q.x).abs().max((p.y - q.y).abs()))
                    .fold(f64::INFINITY, f64::min);
                worst = worst.max(d);
            }
        }
        worst
    }

    #[test]
    fn admin_express_lambert93_reads_as_downloaded() {
        let (layer, w) = read(&fixture("communes_l93.shp"));
        assert!(w.is_empty(), "{:?}", w.lines());
        let dev = check_against_source(&layer);
        println!("communes_l93: largest deviation from the source {dev:.2e}°");
        // PROJ wrote the fixture at 1 mm; our inverse projection must land on
        // the source vertices (given at 1e-6°).
        assert!(dev < 1e-7, "largest deviation {dev}°");
        let etampes = layer
            .features
            .iter()
            .find(|f| f.text(&["insee_com"]).unwrap().1 == "02292")
            .unwrap();
        assert_eq!(etampes.text(&["nom"]).unwrap().1, "Étampes-sur-Marne");
        // Field names as the file spells them, 1-based record numbers.
        assert_eq!(etampes.get(&["nom"]).unwrap().0, "NOM");
        assert_eq!(
            layer.features[0].location,
            Location::Record { index: 1, id: None }
        );
        // Coyolles: two parts, three holes.
        let coyolles = &layer.features[0];
        assert_eq!(coyolles.text(&["NOM"]).unwrap().1, "Coyolles");
        let Some(geo::Geometry::MultiPolygon(mp)) = &coyolles.geometry else {
            panic!()
        };
        assert_eq!(mp.0.len(), 2);
    }

    #[test]
    fn latin1_without_cpg_is_decoded_with_a_warning() {
        let (layer, w) = read(&fixture("communes_l93_nocpg.shp"));
        assert!(check_against_source(&layer) < 1e-7);
        assert_eq!(w.count_matching(GUESSED_1252), 1, "{:?}", w.lines());
        assert_eq!(w.total(), 1, "{:?}", w.lines());
        assert!(w.lines()[0].contains("champ NOM"), "{:?}", w.lines());
    }

    #[test]
    fn language_byte_declares_the_code_page() {
        let dir = tempfile::tempdir().unwrap();
        let shp = copy(
            dir.path(),
            "communes_l93_nocpg",
            "c",
            &["shp", "shx", "dbf", "prj"],
        );
        let dbf = dir.path().join("c.dbf");
        let mut bytes = std::fs::read(&dbf).unwrap();
        bytes[29] = 0x57; // ANSI: Windows-1252
        std::fs::write(&dbf, &bytes).unwrap();
        let (layer, w) = read(&shp);
        assert!(w.is_empty(), "{:?}", w.lines());
        check_against_source(&layer);
        // A code page we do not decode, with accents in the text: an error
        // that says what to do.
        bytes[29] = 0x64; // IBM852
        std::fs::write(&dbf, &bytes).unwrap();
        let e = read_err(&shp).to_string();
        assert!(
            e.contains("c.dbf") && e.contains("852") && e.contains(".cpg"),
            "{e}"
        );
        // The .cpg wins over the language byte.
        std::fs::write(dir.path().join("c.cpg"), "1252").unwrap();
        let (layer, w) = read(&shp);
        assert!(w.is_empty(), "{:?}", w.lines());
        check_against_source(&layer);
    }

    #[test]
    fn wrong_cpg_and_unknown_cpg() {
        let dir = tempfile::tempdir().unwrap();
        let shp = copy(
            dir.path(),
            "communes_l93_nocpg",
            "c",
            &["shp", "shx", "dbf", "prj"],
        );
        // UTF-8 declared, Windows-1252 written: read as 1252, said.
        std::fs::write(dir.path().join("c.cpg"), "UTF-8").unwrap();
        let (layer, w) = read(&shp);
        check_against_source(&layer);
        // Only Étampes-sur-Marne has a non-ASCII letter.
        assert_eq!(
            w.count_matching("pas du UTF-8 valide"),
            1,
            "{:?}",
            w.lines()
        );
        std::fs::write(dir.path().join("c.cpg"), "EBCDIC-42").unwrap();
        let e = read_err(&shp).to_string();
        assert!(e.contains("c.cpg") && e.contains("« EBCDIC-42 »"), "{e}");
    }

    #[test]
    fn wgs84_utf8_reads_as_is() {
        let (layer, w) = read(&fixture("communes_wgs84.shp"));
        assert!(w.is_empty(), "{:?}", w.lines());
        assert!(check_against_source(&layer) < 1e-12);
    }

    #[test]
    fn missing_prj_is_inferred_with_a_warning() {
        let (layer, w) = read(&fixture("communes_l93_noprj.shp"));
        assert_eq!(
            w.count_matching("pas de .prj : coordonnées lues en mètres Lambert-93"),
            1,
            "{:?}",
            w.lines()
        );
        let dev = check_against_source(&layer);
        assert!(dev < 1e-7, "{dev}");

        let dir = tempfile::tempdir().unwrap();
        let shp = copy(
            dir.path(),
            "communes_wgs84",
            "w",
            &["shp", "shx", "dbf", "cpg"],
        );
        let (layer, w) = read(&shp);
        assert_eq!(
            w.count_matching("pas de .prj : coordonnées lues en longitude/latitude WGS84"),
            1
        );
        assert!(check_against_source(&layer) < 1e-12);

        // Metres that are not Lambert-93 (UTM 31N here) without a .prj:
        // an error. (Web Mercator metres of northern France, alas, fall
        // inside the Lambert-93 extent and would be read as Lambert-93, with
        // the warning.)
        let shp = dir.path().join("u.shp");
        write_shp(&shp, 1, &[Rec::Point(500_000.0, 5_540_000.0)]);
        write_dbf(
            &dir.path().join("u.dbf"),
            0x03,
            0,
            &[("ID", b'C', 4)],
            &[(false, vec![b"x"])],
        );
        let e = read_err(&shp);
        assert!(matches!(e, Error::File { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("u.shp : pas de .prj") && e.contains("ni des longitudes"),
            "{e}"
        );
    }

    #[test]
    fn web_mercator_prj_is_refused() {
        let e = read_err(&fixture("communes_3857.shp"));
        assert!(matches!(e, Error::File { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("communes_3857.prj")
                && e.contains("WGS_1984_Web_Mercator_Auxiliary_Sphere")
                && e.contains("ogr2ogr -t_srs EPSG:2154"),
            "{e}"
        );
    }

    #[test]
    fn lambert_prj_over_lonlat_coordinates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let shp = copy(
            dir.path(),
            "communes_wgs84",
            "w",
            &["shp", "shx", "dbf", "cpg"],
        );
        std::fs::copy(fixture("communes_l93.prj"), dir.path().join("w.prj")).unwrap();
        let e = read_err(&shp).to_string();
        assert!(e.contains("w.prj") && e.contains("on dirait"), "{e}");
    }

    #[test]
    fn missing_dbf_is_an_error_and_shx_is_optional() {
        let dir = tempfile::tempdir().unwrap();
        let shp = copy(
            dir.path(),
            "communes_l93",
            "c",
            &["shp", "shx", "prj", "cpg"],
        );
        let e = read_err(&shp);
        assert!(matches!(e, Error::File { .. }), "{e:?}");
        let e = e.to_string();
        assert!(e.contains("c.dbf manque"), "{e}");
        assert!(read_err(&dir.path().join("nothing.shp"))
            .to_string()
            .contains("nothing.shp"));
        // Without the .shx, and with upper-case sidecars as Windows-era
        // archives have them.
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(fixture("communes_l93.shp"), dir.path().join("C.shp")).unwrap();
        for ext in ["dbf", "prj", "cpg"] {
            std::fs::copy(
                fixture(&format!("communes_l93.{ext}")),
                dir.path().join(format!("C.{}", ext.to_uppercase())),
            )
            .unwrap();
        }
        let (layer, w) = read(&dir.path().join("C.shp"));
        assert!(w.is_empty(), "{:?}", w.lines());
        assert!(check_against_source(&layer) < 1e-7);
    }

    #[test]
    fn points_shapefile_gives_sites() {
        let (layer, w) = read(&fixture("sites_points.shp"));
        assert!(w.is_empty(), "{:?}", w.lines());
        // geodata/sites.csv, the script's input.
        let expected = [
            (
                "02168-S00",
                "02168",
                "siege",
                "Mission Locale de l'arrondissement de Château-Thierry",
                3.419070,
                49.034302,
            ),
            (
                "59122-S00",
                "59122",
                "siege",
                "Mission Locale du Cambrésis",
                3.234790,
                50.176998,
            ),
            (
                "59350-S00",
                "59350",
                "siege",
                "Lille Avenirs",
                3.070860,
                50.630888,
            ),
        ];
        assert_eq!(layer.features.len(), 3);
        for (f, (id, ml, kind, nom, lon, lat)) in layer.features.iter().zip(expected) {
            assert_eq!(f.text(&["site_id"]).unwrap().1, id);
            assert_eq!(f.text(&["code_ml"]).unwrap().1, ml);
            assert_eq!(f.text(&["type"]).unwrap().1, kind);
            assert_eq!(f.text(&["nom"]).unwrap().1, nom);
            let Some(geo::Geometry::Point(p)) = f.geometry else {
                panic!("{:?}", f.geometry)
            };
            assert!(
                (p.x() - lon).abs() < 1e-7 && (p.y() - lat).abs() < 1e-7,
                "{id}: {p:?}"
            );
        }
    }

    // ---- files built byte by byte --------------------------------------

    /// One record of a hand-made `.shp`.
    enum Rec {
        Null,
        Point(f64, f64),
        Multi(Vec<(f64, f64)>),
        /// Shape type 3 (PolyLine) or 5 (Polygon), with its parts.
        Parts(i32, Vec<Vec<(f64, f64)>>),
    }

    /// A `.shp` without `.shx`, as the format describes it.
    fn write_shp(path: &Path, shape_type: i32, recs: &[Rec]) {
        let mut body = Vec::new();
        let f64s = |v: &mut Vec<u8>, xs: &[f64]| {
            for x in xs {
                v.extend_from_slice(&x.to_le_bytes());
            }
        };
        for (i, r) in recs.iter().enumerate() {
            let mut c = Vec::new();
            match r {
                Rec::Null => c.extend_from_slice(&0i32.to_le_bytes()),
                Rec::Point(x, y) => {
                    c.extend_from_slice(&1i32.to_le_bytes());
                    f64s(&mut c, &[*x, *y]);
                }
                Rec::Multi(pts) => {
                    c.extend_from_slice(&8i32.to_le_bytes());
                    f64s(&mut c, &[0.0, 0.0, 10.0, 60.0]);
                    c.extend_from_slice(&(pts.len() as i32).to_le_bytes());
                    for (x, y) in pts {
                        f64s(&mut c, &[*x, *y]);
                    }
                }
                Rec::Parts(t, parts) => {
                    c.extend_from_slice(&t.to_le_bytes());
                    f64s(&mut c, &[0.0, 0.0, 10.0, 60.0]);
                    let n: usize = parts.iter().map(Vec::len).sum();
                    c.extend_from_slice(&(parts.len() as i32).to_le_bytes());
                    c.extend_from_slice(&(n as i32).to_le_bytes());
                    let mut start = 0i32;
                    for p in parts {
                        c.extend_from_slice(&start.to_le_bytes());
                        start += p.len() as i32;
                    }
                    for (x, y) in parts.iter().flatten() {
                        f64s(&mut c, &[*x, *y]);
                    }
                }
            }
            body.extend_from_slice(&(i as i32 + 1).to_be_bytes());
            body.extend_from_slice(&((c.len() / 2) as i32).to_be_bytes());
            body.extend_from_slice(&c);
        }
        let mut h = vec![0u8; 100];
        h[..4].copy_from_slice(&9994i32.to_be_bytes());
        h[24..28].copy_from_slice(&(((100 + body.len()) / 2) as i32).to_be_bytes());
        h[28..32].copy_from_slice(&1000i32.to_le_bytes());
        h[32..36].copy_from_slice(&shape_type.to_le_bytes());
        h.extend_from_slice(&body);
        std::fs::write(path, h).unwrap();
    }

    /// A `.dbf`: `fields` are (name, type, length); each record is a
    /// deletion flag and the raw bytes of its values (text values are
    /// padded with spaces to the field length).
    fn write_dbf(
        path: &Path,
        version: u8,
        language: u8,
        fields: &[(&str, u8, usize)],
        recs: &[(bool, Vec<&[u8]>)],
    ) {
        let record_len = 1 + fields.iter().map(|f| f.2).sum::<usize>();
        let header_len = 32 + 32 * fields.len() + 1;
        let mut b = vec![0u8; 32];
        b[0] = version;
        b[4..8].copy_from_slice(&(recs.len() as u32).to_le_bytes());
        b[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
        b[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
        b[29] = language;
        for (name, kind, len) in fields {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name.as_bytes());
            d[11] = *kind;
            d[16] = *len as u8;
            b.extend_from_slice(&d);
        }
        b.push(0x0D);
        for (deleted, values) in recs {
            b.push(if *deleted { b'*' } else { b' ' });
            for ((_, _, len), v) in fields.iter().zip(values) {
                let mut v = v.to_vec();
                v.resize(*len, b' ');
                b.extend_from_slice(&v);
            }
        }
        b.push(0x1A);
        std::fs::write(path, b).unwrap();
    }

    fn wgs84_prj(dir: &Path, stem: &str) {
        std::fs::copy(
            fixture("communes_wgs84.prj"),
            dir.join(format!("{stem}.prj")),
        )
        .unwrap();
    }

    #[test]
    fn dbase_field_types() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("t.shp");
        write_shp(&shp, 1, &[Rec::Point(2.3, 49.9), Rec::Point(2.4, 49.8)]);
        wgs84_prj(dir.path(), "t");
        let fields = [
            ("NOM", b'C', 20),
            ("POP", b'N', 8),
            ("RATIO", b'F', 10),
            ("ACTIF", b'L', 1),
            ("DATE_MAJ", b'D', 8),
            ("VIDE", b'N', 5),
        ];
        let recs = vec![
            (
                false,
                vec![
                    &b"  Zo\x82 "[..],
                    b"   12345",
                    b"    -3.250",
                    b"T",
                    b"20250131",
                    b"",
                ],
            ),
            (
                false,
                vec![&b""[..], b"********", b"1e3", b"?", b"", b"    7"],
            ),
        ];
        // IBM850 declared by the language byte.
        write_dbf(&dir.path().join("t.dbf"), 0x03, 0x02, &fields, &recs);
        let (layer, w) = read(&shp);
        let f = &layer.features[0];
        let v = |f: &RawFeature, k: &str| f.props[&k.to_lowercase()].1.clone();
        assert_eq!(v(f, "NOM"), Value::String("Zoé".into()));
        assert_eq!(v(f, "POP"), serde_json::json!(12345));
        assert_eq!(v(f, "RATIO"), serde_json::json!(-3.25));
        assert_eq!(v(f, "ACTIF"), Value::Bool(true));
        assert_eq!(v(f, "DATE_MAJ"), Value::String("2025-01-31".into()));
        assert_eq!(v(f, "VIDE"), Value::Null);
        let g = &layer.features[1];
        assert_eq!(v(g, "NOM"), Value::Null);
        assert_eq!(v(g, "POP"), Value::Null);
        assert_eq!(v(g, "RATIO"), serde_json::json!(1000.0));
        assert_eq!(v(g, "ACTIF"), Value::Null);
        assert_eq!(v(g, "DATE_MAJ"), Value::Null);
        assert_eq!(v(g, "VIDE"), serde_json::json!(7));
        assert_eq!(w.count_matching("trop large"), 1, "{:?}", w.lines());
        assert_eq!(w.total(), 1, "{:?}", w.lines());
        // The same with a .cpg saying 850 and no language byte.
        write_dbf(&dir.path().join("t.dbf"), 0x03, 0x00, &fields, &recs);
        std::fs::write(dir.path().join("t.cpg"), "850").unwrap();
        let (layer, _) = read(&shp);
        assert_eq!(layer.features[0].text(&["nom"]).unwrap().1, "Zoé");

        // Unreadable values: errors naming file, record and field.
        let bad = |values: Vec<&[u8]>| {
            let mut recs = recs.clone();
            recs[1].1 = values;
            write_dbf(&dir.path().join("t.dbf"), 0x03, 0x00, &fields, &recs);
            read_err(&shp).to_string()
        };
        let e = bad(vec![b"x", b"12 345", b"", b"", b"", b""]);
        assert!(
            e.contains(
                "t.dbf : enregistrement 2 : champ « POP » : attendu un nombre, trouvé « 12 345 »"
            ),
            "{e}"
        );
        let e = bad(vec![b"x", b"", b"", b"", b"20251301", b""]);
        assert!(e.contains("enregistrement 2 : champ « DATE_MAJ »"), "{e}");
        let e = bad(vec![b"x", b"", b"", b"X", b"", b""]);
        assert!(e.contains("enregistrement 2 : champ « ACTIF »"), "{e}");
    }

    #[test]
    fn foxpro_binary_fields_and_unreadable_ones() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("f.shp");
        write_shp(&shp, 1, &[Rec::Point(2.3, 49.9)]);
        wgs84_prj(dir.path(), "f");
        let i = (-42i32).to_le_bytes();
        let b = 2.5f64.to_le_bytes();
        let y = 123_450_000i64.to_le_bytes();
        let m = 7u32.to_le_bytes();
        write_dbf(
            &dir.path().join("f.dbf"),
            0x30,
            0x03,
            &[
                ("ID", b'I', 4),
                ("SURF", b'B', 8),
                ("COUT", b'Y', 8),
                ("NOTE", b'M', 4),
                ("ID2", b'I', 4),
            ],
            &[(false, vec![&i[..], &b[..], &y[..], &m[..], &i[..]])],
        );
        let (layer, w) = read(&shp);
        let f = &layer.features[0];
        assert_eq!(f.props["id"].1, serde_json::json!(-42));
        assert_eq!(f.props["surf"].1, serde_json::json!(2.5));
        assert_eq!(f.props["cout"].1, serde_json::json!(12345.0));
        assert!(!f.has(&["note"]));
        assert_eq!(w.count_matching("champ « NOTE » de type dBASE 'M'"), 1);
    }

    #[test]
    fn deleted_records_are_skipped_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("d.shp");
        write_shp(&shp, 1, &[Rec::Point(2.3, 49.9), Rec::Point(2.4, 49.8)]);
        wgs84_prj(dir.path(), "d");
        write_dbf(
            &dir.path().join("d.dbf"),
            0x03,
            0,
            &[("ID", b'C', 4)],
            &[(true, vec![b"A"]), (false, vec![b"B"])],
        );
        let (layer, w) = read(&shp);
        assert_eq!(layer.features.len(), 1);
        assert_eq!(
            layer.features[0].location,
            Location::Record { index: 2, id: None }
        );
        assert_eq!(w.count_matching("supprimé"), 1);
        assert!(w.lines()[0].contains("enregistrement 1"), "{:?}", w.lines());
    }

    #[test]
    fn shapes_null_multipoint_and_refused_types() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("s.shp");
        wgs84_prj(dir.path(), "s");
        let one_field = |n: usize| {
            write_dbf(
                &dir.path().join("s.dbf"),
                0x03,
                0,
                &[("ID", b'C', 4)],
                &vec![(false, vec![&b"x"[..]]); n],
            )
        };
        write_shp(
            &shp,
            8,
            &[
                Rec::Null,
                Rec::Multi(vec![(2.3, 49.9)]),
                Rec::Point(2.4, 49.8),
            ],
        );
        one_field(3);
        let (layer, _) = read(&shp);
        assert!(layer.features[0].geometry.is_none());
        assert_eq!(
            layer.features[1].geometry,
            Some(geo::Geometry::Point(Point::new(2.3, 49.9)))
        );

        write_shp(
            &shp,
            8,
            &[
                Rec::Point(2.3, 49.9),
                Rec::Multi(vec![(2.3, 49.9), (2.4, 49.9)]),
            ],
        );
        one_field(2);
        let e = read_err(&shp);
        assert!(matches!(e, Error::Record { .. }), "{e:?}");
        let e = e.to_string();
        assert!(
            e.contains("s.shp : enregistrement 2 : MultiPoint de 2 points"),
            "{e}"
        );

        let line = vec![vec![(2.3, 49.9), (2.4, 49.9)]];
        write_shp(&shp, 3, &[Rec::Point(2.3, 49.9), Rec::Parts(3, line)]);
        let e = read_err(&shp).to_string();
        assert!(
            e.contains("s.shp : enregistrement 2 : type de forme PolyLine"),
            "{e}"
        );

        write_shp(
            &shp,
            1,
            &[Rec::Point(2.3, 49.9), Rec::Point(f64::NAN, 49.0)],
        );
        let e = read_err(&shp).to_string();
        assert!(
            e.contains("s.shp : enregistrement 2 : coordonnée non finie"),
            "{e}"
        );

        write_shp(
            &shp,
            1,
            &[Rec::Point(2.3, 49.9), Rec::Point(700_000.0, 49.0)],
        );
        let e = read_err(&shp).to_string();
        assert!(
            e.contains("enregistrement 2 : longitude/latitude hors limites"),
            "{e}"
        );

        write_shp(&shp, 1, &[Rec::Point(2.3, 49.9)]);
        let e = read_err(&shp).to_string();
        assert!(
            e.contains("1 formes dans le .shp mais 2 enregistrements"),
            "{e}"
        );
    }

    #[test]
    fn holes_go_to_the_outer_ring_that_contains_them() {
        let dir = tempfile::tempdir().unwrap();
        let shp = dir.path().join("h.shp");
        wgs84_prj(dir.path(), "h");
        // Clockwise outer rings, counter-clockwise holes.
        let square = |x0: f64, y0: f64, s: f64, clockwise: bool| {
            let mut r = vec![
                (x0, y0),
                (x0, y0 + s),
                (x0 + s, y0 + s),
                (x0 + s, y0),
                (x0, y0),
            ];
            if !clockwise {
                r.reverse();
            }
            r
        };
        // A big square with an island inside its hole: the island's hole
        // must go to the island, not to the big square.
        let parts = vec![
            square(2.45, 49.45, 0.1, false), // hole of the island
            square(2.0, 49.0, 1.0, true),    // big square
            square(2.2, 49.2, 0.6, false),   // its hole
            square(2.4, 49.4, 0.2, true),    // island in that hole
            square(5.0, 45.0, 0.1, false),   // a hole in nothing
        ];
        write_shp(&shp, 5, &[Rec::Parts(5, parts)]);
        write_dbf(
            &dir.path().join("h.dbf"),
            0x03,
            0,
            &[("ID", b'C', 4)],
            &[(false, vec![b"x"])],
        );
        let (layer, w) = read(&shp);
        let Some(geo::Geometry::MultiPolygon(mp)) = &layer.features[0].geometry else {
            panic!()
        };
        assert_eq!(mp.0.len(), 3);
        let (big, island, orphan) = (&mp.0[0], &mp.0[1], &mp.0[2]);
        assert_eq!(big.exterior().0[0], Coord { x: 2.0, y: 49.0 });
        assert_eq!(big.interiors().len(), 1);
        assert_eq!(big.interiors()[0].0[0], Coord { x: 2.2, y: 49.2 });
        assert_eq!(island.exterior().0[0], Coord { x: 2.4, y: 49.4 });
        assert_eq!(island.interiors().len(), 1);
        assert!(orphan.interiors().is_empty());
        assert_eq!(w.count_matching("dans aucun anneau extérieur"), 1);
        assert!((big.unsigned_area() - (1.0 - 0.36)).abs() < 1e-9);
    }
}
