//! The corpus of bad inputs of `tests/fixtures/bad/` (its README.md lists
//! each case): every case runs the real binary and must end as the table
//! says — an error naming the file, the line or feature, the field and what
//! was expected, with exit status 1 and no output left behind; or a warning
//! that counts what was skipped; or the same results as the clean input.
//! Never a panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::util::{fixture, Dir};

/// The small territory a case runs on; `data` options replace its layers.
#[derive(Clone, Copy)]
enum Base {
    /// `tests/fixtures/mini/`: four communes, five sites.
    Mini,
    /// Two Aisne communes (`bad/aisne_*`), whose codes start with 0.
    Aisne,
    /// Only the layers given; the others are the embedded `geodata/`.
    Embedded,
}

enum Expect {
    /// Exit status 1; stderr holds every piece (file, place, field, what
    /// was expected); no output folder is created.
    Error(&'static [&'static str]),
    /// Exit status 2 (a bad option value, refused by the command-line
    /// parser before anything is read); stderr holds every piece, in
    /// French; no output folder is created.
    Usage(&'static [&'static str]),
    /// Exit status 0; one warning line reads `<file> : <count> × <reason…>`.
    Warning {
        file: &'static str,
        count: usize,
        reason: &'static str,
    },
    /// Exit status 0 and outputs byte-for-byte equal to those of the run
    /// with `clean` in place of the case's layers; `warning` as above when
    /// the input is accepted with a warning.
    Same {
        clean: &'static [(&'static str, &'static str)],
        warning: Option<(&'static str, usize, &'static str)>,
    },
}

struct Case {
    name: &'static str,
    /// The command and its options.
    args: &'static [&'static str],
    base: Base,
    /// `(--option, fixture path under tests/fixtures/)`.
    data: &'static [(&'static str, &'static str)],
    expect: Expect,
}

const DIST: &[&str] = &["distance", "--grille-m", "0"];
const REPORT: &[&str] = &["rapport", "--grille-m", "0"];

use Base::{Aisne, Embedded, Mini};
use Expect::{Error, Same, Usage, Warning};

const CASES: &[Case] = &[
    // ----- Communes --------------------------------------------------------
    Case {
        name: "empty GeoJSON file",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/empty.geojson")],
        expect: Error(&["bad/empty.geojson : le fichier est vide", "attendu une FeatureCollection GeoJSON"]),
    },
    Case {
        name: "truncated GeoJSON",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_truncated.geojson")],
        expect: Error(&[
            "bad/communes_truncated.geojson : JSON invalide ligne 1 colonne 2390",
            "fin du fichier au milieu d'une valeur",
            "fichier tronqué ou autre chose que du GeoJSON ?",
        ]),
    },
    Case {
        name: "commune with a Point geometry",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_point_geometry.geojson")],
        expect: Error(&[
            "bad/communes_point_geometry.geojson : objet 3 (INSEE 80829) : champ « geometry » : attendu un Polygon ou un MultiPolygon, trouvé un Point",
        ]),
    },
    Case {
        name: "self-intersecting commune polygon",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_self_intersecting.geojson")],
        expect: Warning {
            file: "bad/communes_self_intersecting.geojson",
            count: 1,
            reason: "un anneau du polygone se recoupe (polygone invalide) : conservé tel quel",
        },
    },
    Case {
        name: "commune ring with two distinct points",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_degenerate_ring.geojson")],
        expect: Error(&[
            "bad/communes_degenerate_ring.geojson : objet 3 (INSEE 80829) : champ « geometry » : anneau extérieur de 2 points distincts, sans surface",
            "attendu un anneau fermé d'au moins 3 points",
        ]),
    },
    Case {
        name: "commune without population",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_no_population.geojson")],
        expect: Error(&[
            "bad/communes_no_population.geojson : objet 3 (INSEE 80829) : champ « population » : absent",
            "attendu le nombre d'habitants (population municipale) dans une colonne ou propriété nommée population ou",
            "trouvé code_insee, departement,",
        ]),
    },
    Case {
        name: "population NaN",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_nan_population.geojson")],
        expect: Error(&[
            "bad/communes_nan_population.geojson : objet 3 (INSEE 80829) : champ « population » : attendu un nombre fini, trouvé « NaN »",
        ]),
    },
    Case {
        name: "infinite coordinate (1e999)",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_infinite_coordinate.geojson")],
        expect: Error(&[
            "bad/communes_infinite_coordinate.geojson : JSON invalide ligne 1 colonne",
            "nombre hors limites",
        ]),
    },
    Case {
        name: "negative population",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_negative_population.geojson")],
        expect: Error(&[
            "bad/communes_negative_population.geojson : objet 3 (INSEE 80829) : champ « population » : attendu un nombre entier d'habitants de 0 à 10\u{a0}000\u{a0}000, trouvé -92",
        ]),
    },
    Case {
        name: "population of 2^64 - 1 (a no-data sentinel)",
        args: REPORT,
        base: Mini,
        data: &[("--communes", "bad/communes_huge_population.geojson")],
        expect: Error(&[
            "bad/communes_huge_population.geojson : objet 3 (INSEE 80829) : champ « population » : attendu un nombre entier d'habitants de 0 à 10\u{a0}000\u{a0}000, trouvé 18446744073709551615",
        ]),
    },
    Case {
        name: "zero-population region",
        args: REPORT,
        base: Mini,
        data: &[("--communes", "bad/communes_zero_population.geojson")],
        expect: Error(&[
            "bad/communes_zero_population.geojson : champ « population » : les 4 communes totalisent 0 habitant",
        ]),
    },
    Case {
        name: "GeoJSON feature without properties",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_no_properties.geojson")],
        expect: Error(&[
            "bad/communes_no_properties.geojson : objet 3 : champ « code_insee » : absent",
            "trouvé aucune",
        ]),
    },
    Case {
        name: "commune code twice",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_duplicate_code.geojson")],
        expect: Error(&[
            "bad/communes_duplicate_code.geojson : objet 4 (INSEE 80829) : code INSEE 80829 en double (aussi : objet 3 (INSEE 80829))",
        ]),
    },
    Case {
        name: "Lambert-93 metres in a GeoJSON without crs",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_lambert93_no_crs.geojson")],
        expect: Error(&[
            "bad/communes_lambert93_no_crs.geojson : objet 3 : champ « geometry » : la coordonnée (698569.3, 6968354) n'est pas une longitude/latitude",
            "on dirait des mètres Lambert-93",
        ]),
    },
    Case {
        name: "commune outline with longitude and latitude swapped",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_swapped_axes.geojson")],
        expect: Error(&[
            "bad/communes_swapped_axes.geojson : objet 3 (INSEE 80829) : champ « geometry » : (49.814039, 2.980136) : longitude et latitude semblent inversées",
        ]),
    },
    Case {
        name: "GeoJSON crs that is neither WGS84 nor Lambert-93",
        args: DIST,
        base: Mini,
        data: &[("--communes", "bad/communes_crs_3857.geojson")],
        expect: Error(&[
            "bad/communes_crs_3857.geojson : le membre « crs » nomme urn:ogc:def:crs:EPSG::3857",
            "seuls la longitude/latitude WGS84 (RFC 7946) et le Lambert-93 (EPSG:2154) sont pris en charge",
        ]),
    },
    Case {
        name: "QPV given as a LineString",
        args: DIST,
        base: Mini,
        data: &[("--qpv", "bad/qpv_linestring.geojson")],
        expect: Error(&[
            "bad/qpv_linestring.geojson : objet 1 (QN08006M) : champ « geometry » : attendu un Polygon ou un MultiPolygon, trouvé un LineString",
        ]),
    },
    // ----- Shapefiles -------------------------------------------------------
    Case {
        name: "shapefile without .prj",
        args: DIST,
        base: Embedded,
        data: &[("--communes", "shp/communes_l93_noprj.shp")],
        expect: Warning {
            file: "shp/communes_l93_noprj.shp",
            count: 1,
            reason: "pas de .prj : coordonnées lues en mètres Lambert-93 (EPSG:2154)",
        },
    },
    Case {
        name: "shapefile in Web Mercator",
        args: DIST,
        base: Embedded,
        data: &[("--communes", "shp/communes_3857.shp")],
        expect: Error(&[
            "shp/communes_3857.prj : le système de coordonnées « WGS_1984_Web_Mercator_Auxiliary_Sphere » n'est pas pris en charge",
            "Lambert-93 (EPSG:2154)",
        ]),
    },
    Case {
        name: "Latin-1 .dbf without .cpg",
        args: DIST,
        base: Embedded,
        data: &[("--communes", "shp/communes_l93_nocpg.shp")],
        expect: Warning {
            file: "shp/communes_l93_nocpg.dbf",
            count: 1,
            reason: "pas de .cpg : attributs lus en Windows-1252 (Latin-1) (p. ex. enregistrement 2, champ NOM)",
        },
    },
    Case {
        name: "truncated .shp",
        args: DIST,
        base: Embedded,
        data: &[("--communes", "bad/shp_truncated.shp")],
        expect: Error(&["bad/shp_truncated.shp : enregistrement 4 : l'enregistrement annonce 896 octets mais il n'en reste que 420 dans le fichier : .shp tronqué"]),
    },
    Case {
        name: "truncated .dbf",
        args: DIST,
        base: Embedded,
        data: &[("--communes", "bad/dbf_truncated.shp")],
        expect: Error(&[
            "bad/dbf_truncated.dbf : pas un fichier dBASE valide : tronqué : 6 enregistrements annoncés, place pour 4",
        ]),
    },
    // ----- Sites ------------------------------------------------------------
    Case {
        name: "empty sites file",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_empty.csv")],
        expect: Error(&["bad/sites_empty.csv : le fichier est vide : attendu une ligne d'en-tête et des lignes de données"]),
    },
    Case {
        name: "sites file with a header only",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_header_only.csv")],
        expect: Error(&["bad/sites_header_only.csv : aucun site dans le fichier"]),
    },
    Case {
        name: "site id twice",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_duplicate_id.csv")],
        expect: Error(&[
            "bad/sites_duplicate_id.csv : ligne 7 (AMI-S00) : id de site AMI-S00 en double (aussi : ligne 2 (AMI-S00))",
        ]),
    },
    Case {
        name: "site with longitude and latitude swapped",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_swapped.csv")],
        expect: Error(&[
            "bad/sites_swapped.csv : ligne 4 (HAM-P01) : champ « lon/lat » : (49.7466, 3.0733) : longitude et latitude semblent inversées",
        ]),
    },
    Case {
        name: "site far outside the region",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_abroad.csv")],
        expect: Error(&[
            "bad/sites_abroad.csv : ligne 4 (HAM-P01) : champ « lon/lat » : (13.405, 52.52) : hors de France (attendu une longitude de -5,5 à 10 et une latitude de 41 à 51,5)",
        ]),
    },
    Case {
        name: "Lambert-93 metres in the lon/lat columns",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_lambert93.csv")],
        expect: Error(&[
            "bad/sites_lambert93.csv : ligne 4 (HAM-P01) : champ « lon/lat » : (705286.4, 6960850.1) : on dirait des mètres Lambert-93, attendu une longitude/latitude WGS84 en degrés",
        ]),
    },
    Case {
        name: "longitude NaN",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_nan.csv")],
        expect: Error(&[
            "bad/sites_nan.csv : ligne 5 (NOY-S00) : champ « lon » : attendu un nombre fini, trouvé « NaN »",
        ]),
    },
    Case {
        name: "latitude infinite",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_infinite.csv")],
        expect: Error(&[
            "bad/sites_infinite.csv : ligne 5 (NOY-S00) : champ « lat » : attendu un nombre fini, trouvé « inf »",
        ]),
    },
    Case {
        name: "longitude without latitude",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_only_lon.csv")],
        expect: Error(&[
            "bad/sites_only_lon.csv : ligne 5 (NOY-S00) : champ « lon » : une seule des deux, longitude ou latitude, est donnée",
        ]),
    },
    Case {
        name: "required column absent",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_missing_type_column.csv")],
        expect: Error(&[
            "bad/sites_missing_type_column.csv : ligne 2 (AMI-S00) : champ « type » : absent : attendu une valeur dans une colonne ou propriété nommée type ou type_site ou site_kind ou nature ; trouvé code_insee, code_ml, lat, lon, nom, site_id, source, statut",
        ]),
    },
    Case {
        name: "unknown site type",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_unknown_type.csv")],
        expect: Error(&[
            "bad/sites_unknown_type.csv : ligne 3 (PER-A01) : champ « type » : attendu siege, antenne ou permanence, trouvé « bureau »",
        ]),
    },
    Case {
        name: "site given by an unknown commune code only",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_unknown_commune.csv")],
        expect: Error(&[
            "bad/sites_unknown_commune.csv : ligne 7 (LIL-S00) : champ « code_insee » : pas de coordonnées, et la commune 59350 n'est pas dans la couche des communes",
        ]),
    },
    Case {
        name: "malformed commune code",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_bad_commune_code.csv")],
        expect: Error(&[
            "bad/sites_bad_commune_code.csv : ligne 7 (AMI-P02) : champ « code_insee » : attendu un code INSEE de 5 caractères comme 02001 ou 59350, trouvé « 8OO21 »",
        ]),
    },
    Case {
        name: "sites outside every commune",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_outside_communes.csv")],
        expect: Warning {
            file: "bad/sites_outside_communes.csv",
            count: 2,
            reason: "site hors de toute commune : gardé comme site, compté dans aucune commune (p. ex. HAM-P01, LIL-S00)",
        },
    },
    Case {
        name: "site of an unknown Mission Locale",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_unknown_ml.csv")],
        expect: Warning {
            file: "bad/sites_unknown_ml.csv",
            count: 1,
            reason: "site d'une Mission Locale absente des zones de couverture (p. ex. XYZ-P01 (99999))",
        },
    },
    Case {
        name: "separator inside an unquoted value",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_ragged.csv")],
        expect: Error(&[
            "bad/sites_ragged.csv : ligne 4 : 10 champs alors que l'en-tête en a 9 (un séparateur dans une valeur sans guillemets ?)",
        ]),
    },
    Case {
        name: "quote never closed",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_unclosed_quote.csv")],
        expect: Error(&[
            "bad/sites_unclosed_quote.csv : ligne 4 : 3 champs alors que l'en-tête en a 9 (un guillemet (\") ouvert et jamais refermé ?)",
        ]),
    },
    Case {
        name: "error after a quoted value with a line break",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_multiline_then_error.csv")],
        expect: Error(&[
            "bad/sites_multiline_then_error.csv : ligne 5 (HAM-P01) : champ « type » : attendu siege, antenne ou permanence, trouvé « bureau »",
        ]),
    },
    Case {
        name: "sites as a GeoJSON with a polygon",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites_polygon.geojson")],
        expect: Error(&[
            "bad/sites_polygon.geojson : objet 1 (Y-P01) : champ « geometry » : attendu un Point, trouvé un MultiPolygon",
        ]),
    },
    Case {
        name: "an .xlsx that is not a workbook",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/sites.xlsx")],
        expect: Error(&[
            "bad/sites.xlsx : pas un classeur Excel .xlsx lisible (le fichier n'est pas une archive zip, comme l'est tout fichier .xlsx) : enregistrez-le au format .xlsx",
        ]),
    },
    Case {
        name: "file that does not exist",
        args: DIST,
        base: Mini,
        data: &[("--sites", "bad/no_such_file.csv")],
        expect: Error(&["bad/no_such_file.csv : fichier ou dossier introuvable (erreur système 2)\n"]),
    },
    // Accepted: the same results as mini/sites.csv.
    Case {
        name: "`,` instead of `;`",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_comma.csv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: None,
        },
    },
    Case {
        name: "tab-separated",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_tab.tsv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: None,
        },
    },
    Case {
        name: "decimal commas",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_decimal_comma.csv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: None,
        },
    },
    Case {
        name: "byte-order mark and CRLF",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_bom_crlf.csv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: None,
        },
    },
    Case {
        name: "quoted value with a line break",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_multiline.csv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: None,
        },
    },
    Case {
        name: "Windows-1252 CSV",
        args: REPORT,
        base: Mini,
        data: &[("--sites", "bad/sites_cp1252.csv")],
        expect: Same {
            clean: &[("--sites", "mini/sites.csv")],
            warning: Some((
                "bad/sites_cp1252.csv",
                1,
                "pas en UTF-8 : lu en Windows-1252 (Latin-1)",
            )),
        },
    },
    Case {
        name: "INSEE codes that lost their leading zero",
        args: REPORT,
        base: Aisne,
        data: &[
            ("--classement", "bad/aisne_4_digits_classement.csv"),
            ("--zones", "bad/aisne_4_digits_zones.csv"),
            ("--sites", "bad/aisne_4_digits_sites.csv"),
        ],
        expect: Same {
            clean: &[
                ("--classement", "bad/aisne_classement.csv"),
                ("--zones", "bad/aisne_zones.csv"),
                ("--sites", "bad/aisne_sites.csv"),
            ],
            warning: None,
        },
    },
    // ----- Classement, zones, young people -----------------------------------
    Case {
        name: "unknown classement value",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_unknown_value.csv")],
        expect: Error(&[
            "bad/classement_unknown_value.csv : ligne 4 : champ « classement » : attendu NON_CLASSEE, ZRR_MAINTENUE, FRR ou FRR_PLUS, trouvé « FRR++ »",
        ]),
    },
    Case {
        name: "classement file missing a commune",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_disagrees.csv")],
        expect: Warning {
            file: "bad/classement_disagrees.csv",
            count: 1,
            reason: "commune de la couche des communes absente du fichier de classement : prise comme NON_CLASSEE (p. ex. 80829)",
        },
    },
    Case {
        name: "classement file with an unknown commune",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_disagrees.csv")],
        expect: Warning {
            file: "bad/classement_disagrees.csv",
            count: 1,
            reason: "commune inconnue de la couche des communes : ligne ignorée (p. ex. ligne 5 (59350))",
        },
    },
    Case {
        name: "commune name in the code column",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_bad_code.csv")],
        expect: Error(&[
            "bad/classement_bad_code.csv : ligne 3 : champ « code_insee » : attendu un code INSEE de 5 caractères comme 02001 ou 59350, trouvé « Amiens »",
        ]),
    },
    Case {
        name: "classement row twice",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_duplicate.csv")],
        expect: Error(&[
            "bad/classement_duplicate.csv : ligne 6 : commune 80829 en double (aussi : ligne 5)",
        ]),
    },
    Case {
        name: "classement column absent",
        args: DIST,
        base: Mini,
        data: &[("--classement", "bad/classement_missing_column.csv")],
        expect: Error(&[
            "bad/classement_missing_column.csv : ligne 2 : champ « classement » : absent : attendu NON_CLASSEE, ZRR_MAINTENUE, FRR ou FRR_PLUS dans une colonne ou propriété nommée classement ou codefrr ou frr ou zonage ; trouvé code_insee, zone",
        ]),
    },
    Case {
        name: "zones naming an unknown Mission Locale",
        args: DIST,
        base: Mini,
        data: &[("--zones", "bad/zones_unknown_ml.csv")],
        expect: Warning {
            file: "bad/zones_unknown_ml.csv",
            count: 1,
            reason: "Mission Locale absente du fichier des Missions Locales geodata/missions_locales.csv : nommée comme dans le fichier des zones de couverture (p. ex. 99999 (80-ML INCONNUE))",
        },
    },
    Case {
        name: "zones leaving a commune without Mission Locale",
        args: DIST,
        base: Mini,
        data: &[("--zones", "bad/zones_commune_without_ml.csv")],
        expect: Warning {
            file: "bad/zones_commune_without_ml.csv",
            count: 1,
            reason: "commune absente du fichier des zones de couverture : comptée sous SANS_ML (p. ex. 80829)",
        },
    },
    Case {
        name: "zone row with an empty ML code",
        args: DIST,
        base: Mini,
        data: &[("--zones", "bad/zones_empty_ml.csv")],
        expect: Error(&[
            "bad/zones_empty_ml.csv : ligne 5 : champ « code_ml » : vide : attendu une valeur",
        ]),
    },
    Case {
        name: "negative number of young people",
        args: DIST,
        base: Mini,
        data: &[("--jeunes", "bad/jeunes_negative.csv")],
        expect: Error(&[
            "bad/jeunes_negative.csv : ligne 3 : champ « jeunes » : attendu un nombre entier de 0 à 10\u{a0}000\u{a0}000, trouvé -20",
        ]),
    },
    Case {
        name: "fractional number of young people",
        args: DIST,
        base: Mini,
        data: &[("--jeunes", "bad/jeunes_fraction.csv")],
        expect: Error(&[
            "bad/jeunes_fraction.csv : ligne 4 : champ « jeunes » : attendu un nombre entier de 0 à 10\u{a0}000\u{a0}000, trouvé 812,5",
        ]),
    },
    Case {
        name: "young-people file missing communes",
        args: DIST,
        base: Mini,
        data: &[("--jeunes", "bad/jeunes_partial.csv")],
        expect: Warning {
            file: "bad/jeunes_partial.csv",
            count: 2,
            reason: "commune absente du fichier des jeunes : comptée pour 0 (p. ex. 80620, 80829)",
        },
    },
    // ----- Points, candidates and options ----------------------------------------
    Case {
        name: "points file with a bad row",
        args: &["distance", "--grille-m", "0", "--points", "@bad/points_bad_row.csv"],
        base: Mini,
        data: &[],
        expect: Error(&[
            "bad/points_bad_row.csv : ligne 3 : champ « lat » : attendu un nombre fini, trouvé « nord »",
        ]),
    },
    Case {
        name: "points file with a header only",
        args: &["distance", "--grille-m", "0", "--points", "@bad/points_header_only.csv"],
        base: Mini,
        data: &[],
        expect: Error(&["bad/points_header_only.csv : aucun point : le fichier a un en-tête mais aucune ligne"]),
    },
    Case {
        name: "k larger than the candidates",
        args: &["implantation", "--nombre", "5", "--candidats", "@bad/candidates_three.csv"],
        base: Mini,
        data: &[],
        expect: Error(&[
            "--nombre 5 avec --candidats ",
            "bad/candidates_three.csv : k = 5 dépasse les 3 candidats disponibles",
        ]),
    },
    Case {
        name: "coverage radius of zero",
        args: &["couverture", "--rayons-km", "5,0"],
        base: Mini,
        data: &[],
        expect: Usage(&["--rayons-km", "« 5,0 »", "0 km : une distance doit être un nombre de km positif"]),
    },
    Case {
        name: "negative coverage radius",
        args: &["couverture", "--rayons-km=-5"],
        base: Mini,
        data: &[],
        expect: Usage(&["--rayons-km", "-5 km : une distance doit être un nombre de km positif"]),
    },
    Case {
        name: "coverage radius NaN",
        args: &["couverture", "--rayons-km", "NaN"],
        base: Mini,
        data: &[],
        expect: Usage(&["--rayons-km", "NaN km : une distance doit être un nombre de km positif"]),
    },
    Case {
        name: "placement radius of zero",
        args: &["implantation", "--rayon-km", "0"],
        base: Mini,
        data: &[],
        expect: Usage(&["--rayon-km", "0 km : une distance doit être un nombre de km positif"]),
    },
    Case {
        name: "negative placement radius in the report",
        args: &["rapport", "--implantation-rayon-km=-1"],
        base: Mini,
        data: &[],
        expect: Usage(&["--implantation-rayon-km", "-1 km : une distance doit être un nombre de km positif"]),
    },
    Case {
        name: "grid too fine for the region",
        args: &["distance", "--grille-m", "10"],
        base: Embedded,
        data: &[],
        expect: Error(&[
            "--grille-m 10 : environ 320 millions de mailles sur les 31\u{a0}973 km² des communes, plus que les 100 millions qu'une grille écrit ; choisissez --grille-m 18 ou plus",
        ]),
    },
    Case {
        name: "reach of zero",
        args: &["points-chauds", "--portee-km", "0"],
        base: Mini,
        data: &[],
        expect: Usage(&["--portee-km", "« 0 »", "0 km : une distance doit être un nombre de km positif"]),
    },
];

/// The data options of a base territory, with `data` replacing its layers.
fn data_args(base: Base, data: &[(&str, &str)]) -> Vec<String> {
    let mut layers: BTreeMap<&str, String> = BTreeMap::new();
    let defaults: &[(&str, &str)] = match base {
        Mini => &[
            ("--communes", "mini/communes.geojson"),
            ("--classement", "mini/classement.csv"),
            ("--zones", "mini/zones.csv"),
            ("--sites", "mini/sites.csv"),
        ],
        Aisne => &[
            ("--communes", "bad/aisne_communes.geojson"),
            ("--classement", "bad/aisne_classement.csv"),
            ("--zones", "bad/aisne_zones.csv"),
            ("--sites", "bad/aisne_sites.csv"),
        ],
        Embedded => &[],
    };
    for (opt, rel) in defaults.iter().chain(data) {
        layers.insert(opt, path_of(rel));
    }
    layers
        .into_iter()
        .flat_map(|(o, p)| [o.to_string(), p])
        .collect()
}

fn path_of(rel: &str) -> String {
    fixture(rel).to_string_lossy().into_owned()
}

/// The command's arguments; `@rel` names a fixture.
fn command_args(args: &[&str]) -> Vec<String> {
    args.iter()
        .map(|a| match a.strip_prefix('@') {
            Some(rel) => path_of(rel),
            None => (*a).to_string(),
        })
        .collect()
}

fn run(dir: &Dir, args: &[&str], base: Base, data: &[(&str, &str)], out: &str) -> Output {
    let mut all = command_args(args);
    all.extend(data_args(base, data));
    all.extend([
        "--out".to_string(),
        out.to_string(),
        "--csv".into(),
        "rfc4180".into(),
    ]);
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    // A panic would print its message and, with this, a backtrace.
    dir.run_env(&refs, &[("RUST_BACKTRACE", "1")])
}

/// Every file of an output folder, by name (sub-folders aside).
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The warning line `<file> : <count> × <reason…>` is in stderr.
fn has_warning(stderr: &str, file: &str, count: usize, reason: &str) -> bool {
    let head = format!("{file} : {count} × {reason}");
    stderr.lines().any(|l| l.contains(&head))
}

/// Checks one case; returns what went wrong, if anything.
fn check(case: &Case) -> Result<(), String> {
    let dir = Dir::new();
    let out = run(&dir, case.args, case.base, case.data, "res");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let status = out.status.code();
    let fail = |what: String| Err(format!("{what}\nexit status {status:?}\nstderr:\n{stderr}"));
    for p in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
        if stderr.contains(p) {
            return fail(format!("panic text \"{p}\""));
        }
    }
    let res = dir.path().join("res");
    match &case.expect {
        Error(pieces) => {
            if status != Some(1) {
                return fail("expected exit status 1".into());
            }
            for p in pieces.iter() {
                if !stderr.contains(p) {
                    return fail(format!("stderr lacks {p:?}"));
                }
            }
            if !stderr.contains("erreur : ") {
                return fail("no \"erreur : \" line".into());
            }
            if res.exists() {
                return fail("an output folder was created by a failed run".into());
            }
        }
        Usage(pieces) => {
            if status != Some(2) {
                return fail("expected exit status 2".into());
            }
            for p in pieces.iter() {
                if !stderr.contains(p) {
                    return fail(format!("stderr lacks {p:?}"));
                }
            }
            if !stderr.contains("erreur : ") {
                return fail("no \"erreur : \" line".into());
            }
            if res.exists() {
                return fail("an output folder was created by a failed run".into());
            }
        }
        Warning {
            file,
            count,
            reason,
        } => {
            if status != Some(0) {
                return fail("expected exit status 0".into());
            }
            if !has_warning(&stderr, file, *count, reason) {
                return fail(format!("no warning \"{file} : {count} × {reason}\""));
            }
        }
        Same { clean, warning } => {
            if status != Some(0) {
                return fail("expected exit status 0".into());
            }
            if let Some((file, count, reason)) = warning {
                if !has_warning(&stderr, file, *count, reason) {
                    return fail(format!("no warning \"{file} : {count} × {reason}\""));
                }
            }
            let clean_out = run(&dir, case.args, case.base, clean, "clean");
            if clean_out.status.code() != Some(0) {
                return fail(format!(
                    "the clean run failed:\n{}",
                    String::from_utf8_lossy(&clean_out.stderr)
                ));
            }
            let (got, want) = (outputs(&res), outputs(&dir.path().join("clean")));
            if got.keys().ne(want.keys()) {
                return fail(format!(
                    "output files differ: {:?} vs {:?}",
                    got.keys(),
                    want.keys()
                ));
            }
            // The manifest names the input files and their sha256, which
            // differ, and so does the sources line of the maps, the page
            // and the workbook's Lisez-moi (its tables are those of the
            // CSV files, compared here); the sites layer shows the names,
            // and a two-line name is not the clean file's.
            let differs_by_design = |n: &str| {
                n == "manifest.json"
                    || n == "maillage.xlsx"
                    || n.starts_with("carte_")
                    || n == "synthese.html"
                    || (case.name == "quoted value with a line break"
                        && (n == "maillage.gpkg" || n == "sites.geojson"))
            };
            for (name, bytes) in got.iter().filter(|(n, _)| !differs_by_design(n)) {
                if want[name] != *bytes {
                    return fail(format!("{name} differs from the clean run's"));
                }
            }
        }
    }
    // No temporary file anywhere, whatever the outcome.
    let leftovers: Vec<PathBuf> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    if !leftovers.is_empty() {
        return fail(format!("temporary files left: {leftovers:?}"));
    }
    Ok(())
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn every_bad_input_gives_its_documented_outcome() {
    assert!(CASES.len() >= 28, "{} cases", CASES.len());
    // Every fixture file of bad/ is used by some case (README.md aside).
    let used: String = CASES
        .iter()
        .flat_map(|c| {
            c.args
                .iter()
                .map(|a| a.to_string())
                .chain(c.data.iter().map(|(_, p)| p.to_string()))
                .chain(match &c.expect {
                    Same { clean, .. } => clean.iter().map(|(_, p)| p.to_string()).collect(),
                    _ => Vec::new(),
                })
        })
        .chain(data_args(Aisne, &[]))
        .collect::<Vec<_>>()
        .join(" ");
    let mut unused = Vec::new();
    for e in std::fs::read_dir(fixture("bad")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let stem = name.split('.').next().unwrap_or("").to_string();
        if name != "README.md" && !used.contains(&format!("bad/{stem}.")) {
            unused.push(name);
        }
    }
    assert!(unused.is_empty(), "fixtures used by no case: {unused:?}");

    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|c| check(c).err().map(|e| format!("--- {}: {e}", c.name)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn a_failed_run_leaves_the_previous_outputs_untouched() {
    let dir = Dir::new();
    let ok = run(&dir, REPORT, Mini, &[], "res");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = outputs(&dir.path().join("res"));
    assert_eq!(before.len(), 31, "{:?}", before.keys());
    // An input error: nothing is written.
    let bad = run(
        &dir,
        REPORT,
        Mini,
        &[("--sites", "bad/sites_nan.csv")],
        "res",
    );
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(outputs(&dir.path().join("res")), before);
    // A failure while writing (a folder where qpv.csv goes), on a run whose
    // results differ from the first: no file is replaced, none left over.
    let other = &[("--sites", "bad/sites_unknown_ml.csv")];
    let elsewhere = run(&dir, REPORT, Mini, other, "other");
    assert_eq!(elsewhere.status.code(), Some(0));
    assert_ne!(outputs(&dir.path().join("other")), before);
    std::fs::remove_file(dir.path().join("res/qpv.csv")).unwrap();
    std::fs::create_dir(dir.path().join("res/qpv.csv")).unwrap();
    let fails = run(&dir, REPORT, Mini, other, "res");
    let stderr = String::from_utf8_lossy(&fails.stderr);
    assert_eq!(fails.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("res/qpv.csv : est un dossier"), "{stderr}");
    let mut expected = before;
    expected.remove("qpv.csv");
    assert_eq!(outputs(&dir.path().join("res")), expected);
    let names: Vec<PathBuf> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn a_prj_nested_deep_enough_to_overflow_the_stack_is_an_error() {
    // 100,000 levels (written here rather than kept as a 200 kB fixture):
    // the reader used to recurse into each and abort with a stack overflow.
    let dir = Dir::new();
    for ext in ["shp", "shx", "dbf", "cpg"] {
        std::fs::copy(
            fixture(&format!("shp/communes_wgs84.{ext}")),
            dir.path().join(format!("deep.{ext}")),
        )
        .unwrap();
    }
    dir.write("deep.prj", "A[".repeat(100_000) + &"]".repeat(100_000));
    let out = dir.run(&[
        "distance",
        "--grille-m",
        "0",
        "--communes",
        "deep.shp",
        "--out",
        "res",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("deep.prj : pas un système de coordonnées WKT")
            && stderr.contains("crochets imbriqués sur plus de 64 niveaux"),
        "{stderr}"
    );
    assert!(!dir.path().join("res").exists());
}
