//! The QGIS styles of the GeoPackage's layers, as QML (the XML of a QGIS
//! `.qml` style file), built from the classes of [`crate::output::style`]:
//! the classes, colours, markers and French legend labels of the PNG maps.
//! [`crate::output::gpkg`] stores them in the `layer_styles` table, where
//! QGIS finds a layer's default style when it opens the layer.
//!
//! Sizes are in pixels (`Pixel` units), as on the maps; a marker's QGIS
//! size is its diameter. Every style is a pure function of the results, so
//! the GeoPackage stays byte-identical from run to run.

use std::fmt::Write as _;

use crate::analysis::basins::BasinSize;
use crate::analysis::results::Results;
use crate::base::{TravelMode, Unit};
use crate::model::{Scope, SiteKind, Territory};
use crate::output::style::{
    self, band_of, bands, basin_colour, classement_colour, Marker, BASIN_OUTLINE, COMMUNE_EDGE,
    COMMUNE_EDGE_MAX_M_PER_PX, COMMUNE_EDGE_WIDTH, HOTSPOT_LABELS, HOTSPOT_OUTLINE, INK, NEW_SITE,
    NEW_SITE_LABEL_OFFSET, NO_COST, QPV_COLOUR, QPV_OUTLINE_WIDTH,
};

/// The QGIS version the styles are written for (and checked with in CI).
pub const QGIS_VERSION: &str = "3.22.16-Białowieża";

/// One row of the `layer_styles` table: a named style of a layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerStyle {
    /// `styleName`: short, shown in QGIS's list of the database's styles.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `styleQML`.
    pub qml: String,
    /// `useAsDefault`: the style QGIS applies when it opens the layer.
    pub default: bool,
}

/// Escapes a text for an XML attribute value.
pub use crate::base::text::escape_markup as escape;

/// A colour as QGIS writes it: `r,g,b,a`.
pub fn qgis_colour(hex: u32) -> String {
    format!("{},{},{},255", hex >> 16, (hex >> 8) & 0xff, hex & 0xff)
}

/// A size in pixels, with at most three decimals.
fn num(x: f64) -> String {
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// A field's name in a QGIS expression.
fn field(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A text in a QGIS expression.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The `<Option>` map of a symbol layer's properties.
fn options(props: &[(&str, String)]) -> String {
    let mut s = String::from("<Option type=\"Map\">");
    for (k, v) in props {
        let _ = write!(
            s,
            "<Option name=\"{}\" type=\"QString\" value=\"{}\"/>",
            escape(k),
            escape(v)
        );
    }
    s.push_str("</Option>");
    s
}

/// How a symbol looks: a polygon's fill and outline, or a marker.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Symbol {
    /// Fill colour (none: hollow), outline colour and width in pixels
    /// (none: no outline).
    Fill(Option<u32>, Option<(u32, f64)>),
    /// A commune's fill colour, with the maps' edge shown only at the
    /// scales where the maps show it.
    Commune(u32),
    /// Shape, radius in pixels, colour, and the symbol level it is drawn at
    /// (higher on top).
    Marker(Marker, f64, u32, u8),
}

impl Symbol {
    /// `<symbol name="…">` for QGIS.
    fn qml(&self, name: &str) -> String {
        match *self {
            Symbol::Commune(colour) => {
                let fill = Symbol::Fill(Some(colour), Some((COMMUNE_EDGE, COMMUNE_EDGE_WIDTH)));
                // A QGIS scale is at 96 dpi: a pixel is 0.0254 / 96 m of
                // paper. (A width of 0 would be a hairline in QGIS: the
                // style is what goes.)
                let scale = COMMUNE_EDGE_MAX_M_PER_PX * 96.0 / 0.0254;
                let dd = format!(
                    "<data_defined_properties><Option type=\"Map\">\
                     <Option name=\"name\" type=\"QString\" value=\"\"/>\
                     <Option name=\"properties\" type=\"Map\">\
                     <Option name=\"outlineStyle\" type=\"Map\">\
                     <Option name=\"active\" type=\"bool\" value=\"true\"/>\
                     <Option name=\"expression\" type=\"QString\" value=\"{}\"/>\
                     <Option name=\"type\" type=\"int\" value=\"3\"/></Option></Option>\
                     <Option name=\"type\" type=\"QString\" value=\"collection\"/>\
                     </Option></data_defined_properties>",
                    escape(&format!(
                        "if(@map_scale < {}, 'solid', 'no')",
                        scale.round()
                    ))
                );
                fill.qml(name).replace("</layer>", &format!("{dd}</layer>"))
            }
            Symbol::Fill(fill, outline) => {
                let (oc, ow) = outline.unwrap_or((0, 0.0));
                let props = [
                    ("color", qgis_colour(fill.unwrap_or(0xffffff))),
                    ("joinstyle", "bevel".into()),
                    ("outline_color", qgis_colour(oc)),
                    (
                        "outline_style",
                        if outline.is_some() { "solid" } else { "no" }.into(),
                    ),
                    ("outline_width", num(ow)),
                    ("outline_width_unit", "Pixel".into()),
                    ("style", if fill.is_some() { "solid" } else { "no" }.into()),
                ];
                format!(
                    "<symbol name=\"{}\" type=\"fill\" alpha=\"1\" clip_to_extent=\"1\" \
                     force_rhr=\"0\"><layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" \
                     pass=\"0\">{}</layer></symbol>",
                    escape(name),
                    options(&props)
                )
            }
            Symbol::Marker(shape, r, colour, level) => {
                let (shape_name, diameter, edge) = match shape {
                    Marker::Square => ("square", 2.0 * r, style::marker_edge(r)),
                    Marker::Disc => ("circle", 2.0 * r, style::marker_edge(r)),
                    Marker::Star => ("star", 2.0 * style::star_radii(r).0, Some(style::STAR_EDGE)),
                };
                let props = [
                    ("angle", "0".into()),
                    ("color", qgis_colour(colour)),
                    ("joinstyle", "miter".into()),
                    ("name", shape_name.into()),
                    ("outline_color", qgis_colour(0xffffff)),
                    (
                        "outline_style",
                        if edge.is_some() { "solid" } else { "no" }.into(),
                    ),
                    ("outline_width", num(edge.unwrap_or(0.0))),
                    ("outline_width_unit", "Pixel".into()),
                    ("scale_method", "diameter".into()),
                    ("size", num(diameter)),
                    ("size_unit", "Pixel".into()),
                ];
                format!(
                    "<symbol name=\"{}\" type=\"marker\" alpha=\"1\" clip_to_extent=\"1\" \
                     force_rhr=\"0\"><layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" \
                     pass=\"{level}\">{}</layer></symbol>",
                    escape(name),
                    options(&props)
                )
            }
        }
    }
}

/// A class of a renderer: what it selects, its legend label and symbol.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// A QGIS filter expression (rule-based), a category's value
    /// (categorized) or a range `lower upper` (graduated).
    pub selects: Selects,
    pub label: String,
    pub symbol: Symbol,
}

/// What a class selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selects {
    Filter(String),
    Value(String),
    Range(f64, f64),
}

/// A layer's renderer.
#[derive(Debug, Clone, PartialEq)]
pub enum Renderer {
    /// Rules under one heading (the heading is a rule of its own, shown
    /// above its classes in QGIS's legend).
    Rules {
        heading: String,
        classes: Vec<Class>,
    },
    /// Categories of a field's values.
    Categorized {
        field: String,
        classes: Vec<Class>,
        symbol_levels: bool,
    },
    /// Ranges of a numeric field.
    Graduated { field: String, classes: Vec<Class> },
}

impl Renderer {
    /// The classes, in legend order.
    pub fn classes(&self) -> &[Class] {
        match self {
            Renderer::Rules { classes, .. }
            | Renderer::Categorized { classes, .. }
            | Renderer::Graduated { classes, .. } => classes,
        }
    }

    fn symbols(&self) -> String {
        let mut s = String::from("<symbols>");
        for (k, c) in self.classes().iter().enumerate() {
            s.push_str(&c.symbol.qml(&k.to_string()));
        }
        s.push_str("</symbols>");
        s
    }

    fn qml(&self) -> String {
        let common = "forceraster=\"0\" enableorderby=\"0\" referencescale=\"-1\"";
        match self {
            Renderer::Rules { heading, classes } => {
                let mut s = format!(
                    "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" {common}>\
                     <rules key=\"{{maillage-regles}}\"><rule key=\"{{maillage-titre}}\" \
                     label=\"{}\">",
                    escape(heading)
                );
                for (k, c) in classes.iter().enumerate() {
                    let filter = match &c.selects {
                        Selects::Filter(f) => format!(" filter=\"{}\"", escape(f)),
                        _ => String::new(),
                    };
                    let _ = write!(
                        s,
                        "<rule key=\"{{maillage-classe-{}}}\" symbol=\"{k}\" label=\"{}\"{filter}/>",
                        k + 1,
                        escape(&c.label)
                    );
                }
                s.push_str("</rule></rules>");
                s.push_str(&self.symbols());
                s.push_str("</renderer-v2>");
                s
            }
            Renderer::Categorized {
                field,
                classes,
                symbol_levels,
            } => {
                let mut s = format!(
                    "<renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"{}\" \
                     {common}><categories>",
                    escape(field),
                    u8::from(*symbol_levels)
                );
                for (k, c) in classes.iter().enumerate() {
                    let value = match &c.selects {
                        Selects::Value(v) => v.as_str(),
                        _ => "",
                    };
                    let _ = write!(
                        s,
                        "<category value=\"{}\" symbol=\"{k}\" label=\"{}\" render=\"true\"/>",
                        escape(value),
                        escape(&c.label)
                    );
                }
                s.push_str("</categories>");
                s.push_str(&self.symbols());
                s.push_str("</renderer-v2>");
                s
            }
            Renderer::Graduated { field, classes } => {
                let mut s = format!(
                    "<renderer-v2 type=\"graduatedSymbol\" attr=\"{}\" \
                     graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" {common}><ranges>",
                    escape(field)
                );
                for (k, c) in classes.iter().enumerate() {
                    let (lower, upper) = match c.selects {
                        Selects::Range(a, b) => (a, b),
                        _ => (0.0, 0.0),
                    };
                    let _ = write!(
                        s,
                        "<range lower=\"{}\" upper=\"{}\" symbol=\"{k}\" label=\"{}\" \
                         render=\"true\"/>",
                        num(lower),
                        num(upper),
                        escape(&c.label)
                    );
                }
                s.push_str("</ranges>");
                s.push_str(&self.symbols());
                s.push_str("<mode name=\"manual\"/></renderer-v2>");
                s
            }
        }
    }
}

/// Labels of a layer: a QGIS expression written at the feature (the
/// centroid inside a polygon, or a point with an offset in pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct Labels {
    pub expression: String,
    /// Font size in pixels (bold, in the maps' ink, with a white halo).
    pub size: f64,
    pub offset: (f64, f64),
}

impl Labels {
    fn qml(&self) -> String {
        // The maps' halo: a ninth of the size, at least a pixel.
        let halo = (self.size / 9.0).max(1.0);
        format!(
            "<labeling type=\"simple\"><settings calloutType=\"simple\">\
             <text-style fieldName=\"{}\" isExpression=\"1\" fontFamily=\"DejaVu Sans\" \
             fontWeight=\"75\" fontSize=\"{}\" fontSizeUnit=\"Pixel\" textColor=\"{}\" \
             textOpacity=\"1\" namedStyle=\"Bold\">\
             <text-buffer bufferDraw=\"1\" bufferSize=\"{}\" bufferSizeUnits=\"Pixel\" \
             bufferColor=\"255,255,255,255\" bufferOpacity=\"1\" bufferNoFill=\"1\" \
             bufferJoinStyle=\"128\"/></text-style>\
             <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\" \
             xOffset=\"{}\" yOffset=\"{}\" offsetUnits=\"Pixel\" quadOffset=\"4\" \
             priority=\"5\" dist=\"0\"/>\
             <rendering drawLabels=\"1\" obstacle=\"1\" displayAll=\"1\" \
             upsidedownLabels=\"0\" scaleVisibility=\"0\" limitNumLabels=\"0\"/>\
             </settings></labeling>",
            escape(&self.expression),
            num(self.size),
            qgis_colour(INK),
            num(halo),
            num(self.offset.0),
            num(self.offset.1)
        )
    }
}

/// The geometry type of a layer in a QML (`layerGeometryType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Geometry {
    Point,
    Polygon,
}

/// A layer's style: renderer, labels, and the field QGIS names a feature
/// by (identify tool, map tips).
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub geometry: Geometry,
    pub renderer: Renderer,
    pub labels: Option<Labels>,
    pub display_field: &'static str,
}

impl Style {
    /// The QML document.
    pub fn qml(&self) -> String {
        let mut s = format!(
            "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
             <qgis version=\"{QGIS_VERSION}\" styleCategories=\"Symbology|Labeling|MapTips\" \
             labelsEnabled=\"{}\">\n",
            u8::from(self.labels.is_some())
        );
        s.push_str(&self.renderer.qml());
        s.push('\n');
        if let Some(l) = &self.labels {
            s.push_str(&l.qml());
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "<blendMode>0</blendMode><featureBlendMode>0</featureBlendMode>\
             <layerOpacity>1</layerOpacity>\
             <previewExpression>{}</previewExpression>\
             <layerGeometryType>{}</layerGeometryType>",
            escape(&field(self.display_field)),
            match self.geometry {
                Geometry::Point => 0,
                Geometry::Polygon => 2,
            }
        );
        s.push_str("</qgis>\n");
        s
    }

    /// The row of `layer_styles`.
    pub fn row(&self, name: &str, description: &str, default: bool) -> LayerStyle {
        LayerStyle {
            name: name.into(),
            description: description.into(),
            qml: self.qml(),
            default,
        }
    }
}

/// The communes' fill: the class colour, with the maps' edge.
fn commune_fill(colour: u32) -> Symbol {
    Symbol::Commune(colour)
}

/// The communes by distance (km) or by time by network (minutes), in the
/// bands of `carte_distances`: `cost[i]` is commune `i`'s value in the
/// unit people read (NaN: none), as on the map, and `column` the layer's
/// column of that value (`distance_km` or `temps_min`).
pub fn communes_by_cost(
    t: &Territory,
    unit: Unit,
    mode: Option<TravelMode>,
    cost: &[f64],
    column: &str,
) -> Style {
    let bands = bands(unit);
    let total: u64 = t.jeunes.iter().sum();
    let f = field(column);
    let mut classes: Vec<Class> = bands
        .iter()
        .enumerate()
        .map(|(b, (upper, label, colour))| {
            let in_band: Vec<usize> = (0..cost.len())
                .filter(|&i| band_of(bands, cost[i]) == Some(b))
                .collect();
            let jeunes: u64 = in_band.iter().map(|&i| t.jeunes[i]).sum();
            let share = if total > 0 {
                jeunes as f64 / total as f64
            } else {
                0.0
            };
            let below = format!("{f} <= {}", num(*upper));
            let filter = match b {
                0 => below,
                _ if upper.is_infinite() => format!("{f} > {}", num(bands[b - 1].0)),
                _ => format!("{f} > {} AND {below}", num(bands[b - 1].0)),
            };
            Class {
                selects: Selects::Filter(filter),
                label: style::band_caption(label, in_band.len(), share),
                symbol: commune_fill(*colour),
            }
        })
        .collect();
    let unmeasured = cost.iter().filter(|x| x.is_nan()).count();
    if unmeasured > 0 {
        classes.push(Class {
            selects: Selects::Filter(format!("{f} IS NULL")),
            label: style::no_cost_caption(unmeasured),
            symbol: commune_fill(NO_COST),
        });
    }
    Style {
        geometry: Geometry::Polygon,
        renderer: Renderer::Rules {
            heading: style::distance_heading(mode),
            classes,
        },
        labels: None,
        display_field: "nom",
    }
}

/// The communes by classement (FRR+, FRR, ZRR maintenue, non classée), as
/// on `carte_regionale`.
pub fn communes_by_classement(t: &Territory) -> Style {
    let classes = style::CLASSEMENTS
        .iter()
        .map(|&c| Class {
            selects: Selects::Value(c.code().into()),
            label: style::classement_caption(c, t.classement.iter().filter(|&&k| k == c).count()),
            symbol: commune_fill(classement_colour(c)),
        })
        .collect();
    Style {
        geometry: Geometry::Polygon,
        renderer: Renderer::Categorized {
            field: "classement".into(),
            classes,
            symbol_levels: false,
        },
        labels: None,
        display_field: "nom",
    }
}

/// The QPV, filled and outlined in red as on `carte_regionale`.
pub fn qpv(t: &Territory) -> Style {
    Style {
        geometry: Geometry::Polygon,
        renderer: Renderer::Rules {
            heading: "Quartiers prioritaires de la politique de la ville".into(),
            classes: vec![Class {
                selects: Selects::Filter("TRUE".into()),
                label: style::qpv_caption(t.qpv.len(), Scope::Region.within(t)),
                symbol: Symbol::Fill(Some(QPV_COLOUR), Some((QPV_COLOUR, QPV_OUTLINE_WIDTH))),
            }],
        },
        labels: None,
        display_field: "nom_qp",
    }
}

/// The sites by kind, with the maps' markers: head offices on top.
pub fn sites(t: &Territory) -> Style {
    let within = Scope::Region.within(t);
    let classes = SiteKind::ALL
        .iter()
        .enumerate()
        .map(|(k, &kind)| {
            let (shape, r, colour, _) = style::site_style(kind);
            let n = t.sites.iter().filter(|s| s.kind == kind).count();
            Class {
                selects: Selects::Value(kind.code().into()),
                label: style::site_caption(kind, n, within),
                symbol: Symbol::Marker(shape, r, colour, (SiteKind::ALL.len() - 1 - k) as u8),
            }
        })
        .collect();
    Style {
        geometry: Geometry::Point,
        renderer: Renderer::Categorized {
            field: "type".into(),
            classes,
            symbol_levels: true,
        },
        labels: None,
        display_field: "nom",
    }
}

/// The hotspot clusters by rank, in the map's classes, the first ones
/// labelled with their rank.
pub fn hotspots(n: usize) -> Style {
    let classes = style::rank_classes(n)
        .into_iter()
        .map(|(first, last, label, colour)| Class {
            selects: Selects::Range((first + 1) as f64, (last + 1) as f64),
            label,
            symbol: Symbol::Fill(Some(colour), Some(HOTSPOT_OUTLINE)),
        })
        .collect();
    Style {
        geometry: Geometry::Polygon,
        renderer: Renderer::Graduated {
            field: "rang".into(),
            classes,
        },
        labels: Some(Labels {
            expression: format!("if({} <= {HOTSPOT_LABELS}, {0}, NULL)", field("rang")),
            size: 17.0,
            offset: (0.0, 0.0),
        }),
        display_field: "rang",
    }
}

/// The basins in the map's palette, labelled with their number (`01`…:
/// the row, that is the `fid`), the legend giving their size and demand.
pub fn basins(names: &[String], sizes: &[BasinSize]) -> Style {
    let classes = names
        .iter()
        .zip(sizes)
        .enumerate()
        .map(|(k, (name, s))| Class {
            selects: Selects::Value(name.clone()),
            label: format!(
                "{} – {}",
                style::basin_label(k),
                style::basin_caption(name, s)
            ),
            symbol: Symbol::Fill(Some(basin_colour(k)), Some(BASIN_OUTLINE)),
        })
        .collect();
    Style {
        geometry: Geometry::Polygon,
        renderer: Renderer::Categorized {
            field: "bassin".into(),
            classes,
            symbol_levels: false,
        },
        labels: Some(Labels {
            expression: format!("lpad(to_string({}), 2, {})", field("fid"), literal("0")),
            size: 17.0,
            offset: (0.0, 0.0),
        }),
        display_field: "bassin",
    }
}

/// The proposed permanences: the map's stars, with their rank.
pub fn placement() -> Style {
    Style {
        geometry: Geometry::Point,
        renderer: Renderer::Rules {
            heading: style::PLACEMENT_HEADING.into(),
            classes: vec![Class {
                selects: Selects::Filter("TRUE".into()),
                label: style::NEW_SITE_CAPTION.into(),
                symbol: Symbol::Marker(Marker::Star, NEW_SITE.0, NEW_SITE.1, 0),
            }],
        },
        labels: Some(Labels {
            expression: field("rang"),
            size: 15.0,
            offset: NEW_SITE_LABEL_OFFSET,
        }),
        display_field: "nom",
    }
}

/// The communes' styles of a run: by distance or time (the default), and
/// by classement.
pub fn communes_styles(t: &Territory, r: &Results) -> Vec<LayerStyle> {
    let costs = &r.basics.costs;
    let unit = costs.unit;
    // The maps' values: the same costs in the unit people read.
    let cost: Vec<f64> = costs
        .communes
        .iter()
        .map(|n| n.as_ref().map_or(f64::NAN, |n| unit.shown(n.value)))
        .collect();
    let (column, what) = match unit {
        Unit::Metres => ("distance_km", "distance à vol d'oiseau"),
        Unit::Minutes => ("temps_min", "temps par le réseau"),
    };
    vec![
        communes_by_cost(t, unit, costs.mode, &cost, column).row(
            match unit {
                Unit::Metres => "maillage – distances",
                Unit::Minutes => "maillage – temps",
            },
            &format!(
                "Communes par {what} au site d'accueil le plus proche, dans les classes \
                 de carte_distances (style par défaut)"
            ),
            true,
        ),
        communes_by_classement(t).row(
            "maillage – classement",
            "Communes par classement (FRR+, FRR, ZRR maintenue, non classée), comme sur \
             carte_regionale",
            false,
        ),
    ]
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::base::french;

    #[test]
    fn numbers_and_texts_are_written_for_qgis() {
        assert_eq!(num(18.200000000000003), "18.2");
        assert_eq!(num(11.0), "11");
        assert_eq!(num(0.0), "0");
        assert_eq!(qgis_colour(0x1a9850), "26,152,80,255");
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(literal("l'Aa"), "'l''Aa'");
    }

    /// The classes of a QML: (label, colour of its symbol, its size).
    fn parsed(qml: &str) -> Vec<(String, String, Option<String>)> {
        // A QML starts with QGIS's DOCTYPE line.
        let options = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        let doc = roxmltree::Document::parse_with_options(qml, options).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "qgis");
        let option = |symbol: roxmltree::Node, name: &str| {
            symbol
                .descendants()
                .find(|n| n.has_tag_name("Option") && n.attribute("name") == Some(name))
                .and_then(|n| n.attribute("value"))
                .map(str::to_string)
        };
        let symbols: Vec<roxmltree::Node> = doc
            .descendants()
            .filter(|n| n.has_tag_name("symbol"))
            .collect();
        doc.descendants()
            .filter(|n| n.attribute("symbol").is_some())
            .map(|n| {
                let k = n.attribute("symbol").unwrap();
                let s = symbols
                    .iter()
                    .find(|s| s.attribute("name") == Some(k))
                    .unwrap();
                (
                    n.attribute("label").unwrap().to_string(),
                    option(*s, "color").unwrap(),
                    option(*s, "size"),
                )
            })
            .collect()
    }

    /// Every style of the embedded territory parses as XML, and its
    /// classes are the maps' (the same constants of `style`).
    #[test]
    fn styles_parse_and_hold_the_maps_classes() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        // Distances of 0, 3, 6… km, and every seventh commune unmeasured.
        let cost: Vec<f64> = (0..t.communes.len())
            .map(|i| {
                if i % 7 == 0 {
                    f64::NAN
                } else {
                    (3 * i % 30) as f64
                }
            })
            .collect();
        let s = communes_by_cost(
            &t,
            Unit::Minutes,
            Some(TravelMode::Velo),
            &cost,
            "temps_min",
        );
        let classes = parsed(&s.qml());
        let colours: Vec<String> = classes.iter().map(|c| c.1.clone()).collect();
        let mut expected: Vec<String> = BANDS_MIN_COLOURS.iter().map(|&c| qgis_colour(c)).collect();
        expected.push(qgis_colour(NO_COST));
        assert_eq!(colours, expected);
        let unmeasured = cost.iter().filter(|c| c.is_nan()).count();
        assert_eq!(classes[5].0, style::no_cost_caption(unmeasured));
        let in_first = cost.iter().filter(|&&c| c <= 15.0).count();
        assert!(
            classes[0].0.starts_with(&format!(
                "0 – 15 min : {} communes",
                french::int(in_first as u64)
            )),
            "{}",
            classes[0].0
        );
        assert!(s
            .qml()
            .contains("label=\"Temps de la mairie au site le plus proche à vélo\""));
        // The communes' edge shows where the maps show it: under 120 m a
        // pixel, 1:453 543 at QGIS's 96 dpi.
        assert!(s
            .qml()
            .contains("if(@map_scale &lt; 453543, &#39;solid&#39;, &#39;no&#39;)"));

        let classes = parsed(&sites(&t).qml());
        let got: Vec<(String, Option<String>)> =
            classes.iter().map(|c| (c.1.clone(), c.2.clone())).collect();
        assert_eq!(
            got,
            [
                ("8,48,107,255".to_string(), Some("11".to_string())),
                ("8,81,156,255".to_string(), Some("8".to_string())),
                ("49,130,189,255".to_string(), Some("4.8".to_string())),
            ]
        );
        assert!(classes[0].0.starts_with("Sièges ("));

        let classes = parsed(&communes_by_classement(&t).qml());
        let colours: Vec<String> = classes.iter().map(|c| c.1.clone()).collect();
        let expected: Vec<String> = style::CLASSEMENTS
            .iter()
            .map(|&c| qgis_colour(classement_colour(c)))
            .collect();
        assert_eq!(colours, expected);

        let classes = parsed(&qpv(&t).qml());
        assert_eq!(classes.len(), 1);
        assert_eq!(classes[0].1, qgis_colour(QPV_COLOUR));

        let classes = parsed(&hotspots(12).qml());
        let labels: Vec<&str> = classes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(labels, ["rangs 1 à 5", "rangs 6 à 10", "rangs 11 à 20"]);
        assert!(hotspots(12)
            .qml()
            .contains("<range lower=\"11\" upper=\"12\""));

        let classes = parsed(&placement().qml());
        assert_eq!(
            classes,
            [(
                style::NEW_SITE_CAPTION.to_string(),
                "215,48,31,255".to_string(),
                Some("18.2".to_string())
            )]
        );
    }

    const BANDS_MIN_COLOURS: [u32; 5] = [0x1a9850, 0x91cf60, 0xfee08b, 0xfc8d59, 0xd73027];

    #[test]
    fn a_star_is_as_wide_as_the_maps() {
        let qml = Symbol::Marker(Marker::Star, 7.0, 0xd7301f, 0).qml("0");
        assert!(qml.contains("value=\"18.2\""), "{qml}");
        assert!(qml.contains("value=\"star\""), "{qml}");
        assert!(qml.contains("value=\"215,48,31,255\""), "{qml}");
    }
}
