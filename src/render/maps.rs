//! The five maps: layout, colours, legends.

use std::collections::BTreeMap;

use geo::{Area as _, BoundingRect, Coord, InteriorPoint, MapCoords, MultiPolygon, Rect, Simplify};
use plotters::prelude::*;
use plotters::style::RGBAColor;
use rayon::prelude::*;

use super::canvas::{downsample, encode_png, register_fonts, rgb, rgba, Anchor, Frame, Painter};
use super::{Format, MapData, MapKind};
use crate::base::frame::Frame as Plane;
use crate::base::french;
use crate::base::LonLat;
use crate::base::{TravelMode, Unit};
use crate::error::Error;
use crate::model::Scope;
use crate::model::{SiteKind, SiteStatus};
pub(crate) use crate::output::style::bands;
use crate::output::style::{
    self, band_of, basin_colour, classement_colour, Marker, BASIN_OUTLINE, COMMUNE_EDGE,
    COMMUNE_EDGE_WIDTH, HOTSPOT_LABELS, HOTSPOT_OUTLINE, NEW_SITE, NEW_SITE_LABEL_OFFSET, NO_COST,
    QPV_COLOUR, QPV_OUTLINE_WIDTH, RANK_CLASSES,
};

/// Canvas size in logical pixels.
const WIDTH: f64 = 1760.0;
const HEIGHT: f64 = 1400.0;
/// The map area: left, top, width, height.
const MAP_AREA: (f64, f64, f64, f64) = (24.0, 96.0, 1060.0, 1230.0);
/// The legend column.
const LEGEND_X: f64 = 1112.0;
const LEGEND_W: f64 = 624.0;
/// Device pixels per logical pixel of PNGs (drawn large, averaged down).
const SUPERSAMPLE: usize = 2;

const INK: RGBColor = rgb(0x222222);
const GREY: RGBColor = rgb(0x666666);
/// Land that no commune polygon of the source covers.
const GAP: u32 = 0x737373;

fn site_style(k: SiteKind) -> (Marker, f64, u32, &'static str) {
    style::site_style(k)
}

/// The geometries of a territory in Lambert-93, projected once for any
/// number of maps.
pub struct Prepared<'a> {
    data: &'a MapData<'a>,
    communes: Vec<MultiPolygon<f64>>,
    /// Communes by decreasing area: fills drawn in this order leave the
    /// enclaves (drawn later) visible over their surrounding commune.
    by_area: Vec<usize>,
    bboxes: Vec<Option<Rect<f64>>>,
    qpv: Vec<MultiPolygon<f64>>,
    sites: Vec<(f64, f64)>,
    /// Holes of the union of all communes: land no commune polygon covers
    /// (the embedded source has four, see geodata/PROVENANCE.md).
    gaps: MultiPolygon<f64>,
}

fn project(frame: &Plane, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
    mp.map_coords(|c| {
        let p = frame.project(LonLat::new(c.x, c.y));
        Coord { x: p.x, y: p.y }
    })
}

fn union(polys: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    geo::unary_union(polys.iter().copied())
}

/// `m` without the holes the map could only draw as hairline specks: the
/// slivers that adjacent commune polygons of the source leave between them.
/// A hole goes when its mean half-width (area ÷ perimeter) or its side
/// (√area) is under `tolerance` (half a pixel) and twice that; real holes,
/// such as a commune of another basin enclosed in this one, are far wider.
pub(crate) fn without_slivers(m: MultiPolygon<f64>, tolerance: f64) -> MultiPolygon<f64> {
    use geo::{Euclidean, Length};
    let keep = |ring: &geo::LineString<f64>| {
        let area = geo::Polygon::new(ring.clone(), vec![]).unsigned_area();
        let perimeter = Euclidean.length(ring);
        perimeter > 0.0 && area / perimeter >= tolerance && area.sqrt() >= 2.0 * tolerance
    };
    MultiPolygon(
        m.0.into_iter()
            .map(|p| {
                let (exterior, interiors) = p.into_inner();
                geo::Polygon::new(
                    exterior,
                    interiors.into_iter().filter(|r| keep(r)).collect(),
                )
            })
            .collect(),
    )
}

fn intersects(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

fn contains(r: &Rect<f64>, x: f64, y: f64) -> bool {
    r.min().x <= x && x <= r.max().x && r.min().y <= y && y <= r.max().y
}

/// A drawing in progress: the painter, the frame, and what the map covers.
struct Sheet<'p, 'a, DB: DrawingBackend> {
    p: Painter<'p, DB>,
    prep: &'p Prepared<'a>,
    /// The perimeter's frame, scope and shared shapes.
    view: &'p View,
}

/// What every map of one perimeter shares, whatever its kind and format,
/// computed once for all of them: its frame, and the communes, gaps and
/// boundaries simplified at its tolerance.
pub struct View {
    scope: Scope,
    /// The communes of the perimeter.
    members: Vec<usize>,
    frame: Frame,
    /// Simplification tolerance in metres (half a logical pixel).
    tolerance: f64,
    window: Rect<f64>,
    /// Each commune in the map's window, simplified; `None` outside it.
    communes: Vec<Option<MultiPolygon<f64>>>,
    /// The territory's gaps, simplified.
    gaps: MultiPolygon<f64>,
    /// The boundaries of the départements in the window.
    departements: Vec<MultiPolygon<f64>>,
    /// The boundaries of the Missions Locales' zones in the window, when a
    /// map shows them.
    ml_zones: Option<Vec<MultiPolygon<f64>>>,
    /// The perimeter's outline, when it is not the whole territory.
    own: Option<MultiPolygon<f64>>,
}

impl<'a> Prepared<'a> {
    pub fn new(data: &'a MapData<'a>) -> Self {
        let t = data.territory;
        let communes: Vec<MultiPolygon<f64>> = t
            .communes
            .par_iter()
            .map(|c| project(&t.frame, &c.geometry))
            .collect();
        let areas: Vec<f64> = communes.iter().map(|g| g.unsigned_area()).collect();
        let mut by_area: Vec<usize> = (0..communes.len()).collect();
        by_area.sort_by(|&a, &b| areas[b].total_cmp(&areas[a]).then(a.cmp(&b)));
        let bboxes = communes.iter().map(|g| g.bounding_rect()).collect();
        let qpv = t
            .qpv
            .par_iter()
            .map(|q| project(&t.frame, &q.geometry))
            .collect();
        let sites = t
            .sites
            .iter()
            .map(|s| {
                let p = t.frame.project(s.position);
                (p.x, p.y)
            })
            .collect();
        let all: Vec<&MultiPolygon<f64>> = communes.iter().collect();
        let gaps = MultiPolygon(
            union(&all)
                .0
                .iter()
                .flat_map(|p| p.interiors().iter().cloned())
                .map(|ring| geo::Polygon::new(ring, vec![]))
                .collect(),
        );
        Prepared {
            gaps,
            data,
            communes,
            by_area,
            bboxes,
            qpv,
            sites,
        }
    }

    /// The shared parts of the maps of `scope` (the zones of the Missions
    /// Locales only when `kinds` has a map showing them).
    pub fn view(&self, scope: &Scope, kinds: &[MapKind]) -> Result<View, Error> {
        let members = self.in_scope(scope);
        let bbox = members
            .iter()
            .filter_map(|&i| self.bboxes[i])
            .reduce(|a, b| {
                Rect::new(
                    (a.min().x.min(b.min().x), a.min().y.min(b.min().y)),
                    (a.max().x.max(b.max().x), a.max().y.max(b.max().y)),
                )
            })
            .ok_or_else(|| Error::Invalid("cartes : aucune commune à dessiner".into()))?;
        let frame = Frame::fit(bbox, MAP_AREA, 0.02);
        let tolerance = frame.m_per_px * 0.5;
        let window = frame.window();
        let visible = |i: usize| self.bboxes[i].is_some_and(|b| intersects(&b, &window));
        let t = self.data.territory;
        let ((communes, gaps), ((departements, ml_zones), own)) = rayon::join(
            || {
                let communes = (0..self.communes.len())
                    .into_par_iter()
                    .map(|i| visible(i).then(|| self.communes[i].simplify(tolerance)))
                    .collect();
                (communes, self.gaps.simplify(tolerance))
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || {
                                self.group_unions(
                                    |i| t.communes[i].departement.clone(),
                                    &visible,
                                    tolerance,
                                )
                            },
                            || {
                                kinds.contains(&MapKind::Regionale).then(|| {
                                    self.group_unions(
                                        |i| t.ml_of_commune[i].to_string(),
                                        &visible,
                                        tolerance,
                                    )
                                })
                            },
                        )
                    },
                    || (*scope != Scope::Region).then(|| self.union_of(&members, tolerance)),
                )
            },
        );
        Ok(View {
            scope: scope.clone(),
            members,
            frame,
            tolerance,
            window,
            communes,
            gaps,
            departements,
            ml_zones,
            own,
        })
    }

    /// The outlines of groups of communes (MLs, départements) with a commune
    /// in the window, simplified, in the order of the groups' keys.
    fn group_unions(
        &self,
        group_of: impl Fn(usize) -> String,
        visible: &(impl Fn(usize) -> bool + Sync),
        tolerance: f64,
    ) -> Vec<MultiPolygon<f64>> {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in 0..self.communes.len() {
            groups.entry(group_of(i)).or_default().push(i);
        }
        groups
            .values()
            .filter(|m| m.iter().any(|&i| visible(i)))
            .collect::<Vec<_>>()
            .par_iter()
            .map(|m| self.union_of(m, tolerance))
            .collect()
    }

    /// Draws one map of `scope`.
    pub fn render(&self, kind: MapKind, scope: &Scope, format: Format) -> Result<Vec<u8>, Error> {
        self.render_in(&self.view(scope, &[kind])?, kind, format)
    }

    /// Draws one map of a view's perimeter.
    pub fn render_in(&self, view: &View, kind: MapKind, format: Format) -> Result<Vec<u8>, Error> {
        register_fonts()?;
        match format {
            Format::Svg => {
                let mut s = String::new();
                {
                    let backend = SVGBackend::with_string(&mut s, (WIDTH as u32, HEIGHT as u32));
                    let root = backend.into_drawing_area();
                    self.draw(&root, 1.0, false, kind, view)?;
                    root.present()
                        .map_err(|e| Error::Invalid(format!("cartes : {e}")))?;
                }
                Ok(s.into_bytes())
            }
            Format::Png => {
                let (w, h) = (WIDTH as usize * SUPERSAMPLE, HEIGHT as usize * SUPERSAMPLE);
                let mut buf = vec![255u8; w * h * 3];
                {
                    let backend = BitMapBackend::with_buffer(&mut buf, (w as u32, h as u32));
                    let root = backend.into_drawing_area();
                    self.draw(&root, SUPERSAMPLE as f64, true, kind, view)?;
                    root.present()
                        .map_err(|e| Error::Invalid(format!("cartes : {e}")))?;
                }
                let small = downsample(&buf, w, h, SUPERSAMPLE);
                encode_png(&small, WIDTH as u32, HEIGHT as u32)
            }
        }
    }

    /// The union of some communes, simplified at `tolerance` metres.
    fn union_of(&self, members: &[usize], tolerance: f64) -> MultiPolygon<f64> {
        let polys: Vec<&MultiPolygon<f64>> = members.iter().map(|&i| &self.communes[i]).collect();
        without_slivers(union(&polys), tolerance).simplify(tolerance)
    }

    /// The communes the map is about.
    fn in_scope(&self, scope: &Scope) -> Vec<usize> {
        let t = self.data.territory;
        (0..t.communes.len())
            .filter(|&i| scope.has_commune(t, i))
            .collect()
    }

    fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, plotters::coord::Shift>,
        k: f64,
        raster: bool,
        kind: MapKind,
        view: &View,
    ) -> Result<(), Error> {
        let sheet = Sheet {
            p: Painter::new(root, k, raster),
            prep: self,
            view,
        };
        sheet.p.fill_background(rgb(0xffffff))?;
        let legend = match kind {
            MapKind::Regionale => sheet.regionale()?,
            MapKind::Distances => sheet.distances()?,
            MapKind::Hotspots => sheet.hotspots()?,
            MapKind::Placement => sheet.placement()?,
            MapKind::Bassins => sheet.bassins()?,
        };
        sheet.fade_outside()?;
        sheet.finish(kind, legend)
    }
}

/// One line of a legend.
enum Entry {
    Heading(String),
    Swatch(RGBAColor, String),
    Line(RGBColor, f64, String),
    Marker(Marker, f64, RGBColor, String),
    Text(String),
    Gap,
}

impl<'p, 'a, DB: DrawingBackend> Sheet<'p, 'a, DB> {
    fn data(&self) -> &MapData<'a> {
        self.prep.data
    }

    fn visible(&self, i: usize) -> bool {
        self.prep.bboxes[i].is_some_and(|b| intersects(&b, &self.view.window))
    }

    fn simplified(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        mp.simplify(self.view.tolerance)
    }

    /// Fills every visible commune with `colour(i)`, largest first, with a
    /// thin edge when the map is zoomed in enough to show it.
    fn fill_communes(&self, colour: impl Fn(usize) -> RGBAColor) -> Result<(), Error> {
        let edges = self.view.frame.m_per_px < style::COMMUNE_EDGE_MAX_M_PER_PX;
        for &i in &self.prep.by_area {
            let Some(g) = &self.view.communes[i] else {
                continue;
            };
            self.p.fill(&self.view.frame, g, colour(i))?;
            if edges {
                self.p
                    .outline(&self.view.frame, g, rgb(COMMUNE_EDGE), COMMUNE_EDGE_WIDTH)?;
            }
        }
        self.p.fill(&self.view.frame, &self.view.gaps, rgb(GAP))
    }

    /// Whether a gap of the commune polygons shows on the map.
    fn gaps_visible(&self) -> bool {
        self.prep.gaps.0.iter().any(|p| {
            p.bounding_rect()
                .is_some_and(|b| intersects(&b, &self.view.window))
                && p.unsigned_area() > (4.0 * self.view.frame.m_per_px).powi(2)
        })
    }

    fn departements(&self) -> Result<(), Error> {
        for u in &self.view.departements {
            self.p.outline(&self.view.frame, u, INK, 2.2)?;
        }
        Ok(())
    }

    fn ml_zones(&self) -> Result<(), Error> {
        for u in self.view.ml_zones.iter().flatten() {
            self.p.outline(&self.view.frame, u, rgb(0x444444), 1.0)?;
        }
        Ok(())
    }

    /// Fades everything drawn outside the perimeter of the map (a
    /// département or a Mission Locale), then outlines it.
    fn fade_outside(&self) -> Result<(), Error> {
        if self.view.scope != Scope::Region {
            let t = self.data().territory;
            for &i in &self.prep.by_area {
                if let Some(g) = self.view.communes[i]
                    .as_ref()
                    .filter(|_| !self.view.scope.has_commune(t, i))
                {
                    self.p.fill(&self.view.frame, g, rgba(0xf4f4f4, 0.72))?;
                }
            }
        }
        if let Some(own) = &self.view.own {
            self.p.outline(&self.view.frame, own, rgb(0x08306b), 3.0)?;
        }
        Ok(())
    }

    /// Where counts of the legend are taken: the region or the ML.
    fn scope_label(&self) -> &'static str {
        self.view.scope.within(self.data().territory)
    }

    /// Whether site `s` belongs to the map's scope.
    fn site_in_scope(&self, s: &crate::model::Site) -> bool {
        self.view.scope.has_site(self.data().territory, s)
    }

    fn sites(&self, kinds_shown: &[SiteKind], scale: f64) -> Result<Vec<Entry>, Error> {
        let t = self.data().territory;
        let mut entries = Vec::new();
        // Permanences first, head offices on top.
        for &kind in kinds_shown.iter().rev() {
            let (shape, r, colour, _) = site_style(kind);
            for (s, &(x, y)) in t.sites.iter().zip(&self.prep.sites) {
                if s.kind == kind && contains(&self.view.window, x, y) {
                    self.p
                        .marker(shape, self.view.frame.px(x, y), r * scale, rgb(colour))?;
                }
            }
        }
        for &kind in kinds_shown {
            let (shape, r, colour, _) = site_style(kind);
            let n = t
                .sites
                .iter()
                .filter(|s| s.kind == kind && self.site_in_scope(s))
                .count();
            entries.push(Entry::Marker(
                shape,
                r * scale,
                rgb(colour),
                style::site_caption(kind, n, self.scope_label()),
            ));
        }
        Ok(entries)
    }

    fn regionale(&self) -> Result<Vec<Entry>, Error> {
        let t = self.data().territory;
        self.fill_communes(|i| rgb(classement_colour(t.classement[i])).into())?;
        for q in &self.prep.qpv {
            if q.bounding_rect()
                .is_some_and(|b| intersects(&b, &self.view.window))
            {
                let g = self.simplified(q);
                self.p.fill(&self.view.frame, &g, rgb(QPV_COLOUR))?;
                self.p
                    .outline(&self.view.frame, &g, rgb(QPV_COLOUR), QPV_OUTLINE_WIDTH)?;
            }
        }
        self.ml_zones()?;
        self.departements()?;
        let site_entries = self.sites(&SiteKind::ALL, 1.0)?;
        let n_qpv = t
            .qpv
            .iter()
            .filter(|q| self.view.scope.has_qpv(t, q))
            .count();
        let mut legend = vec![Entry::Heading(format!(
            "Classement des communes ({})",
            self.scope_label()
        ))];
        for c in style::CLASSEMENTS {
            let n = self
                .view
                .members
                .iter()
                .filter(|&&i| t.classement[i] == c)
                .count();
            legend.push(Entry::Swatch(
                rgb(classement_colour(c)).into(),
                style::classement_caption(c, n),
            ));
        }
        legend.push(Entry::Swatch(
            rgb(QPV_COLOUR).into(),
            style::qpv_caption(n_qpv, self.scope_label()),
        ));
        legend.push(Entry::Gap);
        legend.push(Entry::Heading("Limites".into()));
        legend.push(Entry::Line(INK, 2.2, "département".into()));
        legend.push(Entry::Line(
            rgb(0x444444),
            1.0,
            format!(
                "zone de couverture d'une Mission Locale ({})",
                t.missions_locales.len()
            ),
        ));
        legend.push(Entry::Gap);
        legend.push(Entry::Heading("Sites d'accueil".into()));
        legend.extend(site_entries);
        Ok(legend)
    }

    fn distances(&self) -> Result<Vec<Entry>, Error> {
        let t = self.data().territory;
        let data = self.data();
        let d = &data.cost;
        let bands = bands(data.unit);
        let band = |x: f64| band_of(bands, x);
        self.fill_communes(|i| match band(d[i]) {
            Some(b) => rgb(bands[b].2).into(),
            None => rgb(NO_COST).into(),
        })?;
        self.departements()?;
        let site_entries = self.sites(&SiteKind::ALL, 0.8)?;
        let scope_members = &self.view.members;
        let total: u64 = scope_members.iter().map(|&i| t.jeunes[i]).sum();
        let mut legend = vec![Entry::Heading(style::distance_heading(data.mode))];
        for (b, (_, label, colour)) in bands.iter().enumerate() {
            let in_band: Vec<usize> = scope_members
                .iter()
                .copied()
                .filter(|&i| band(d[i]) == Some(b))
                .collect();
            let jeunes: u64 = in_band.iter().map(|&i| t.jeunes[i]).sum();
            legend.push(Entry::Swatch(
                rgb(*colour).into(),
                style::band_caption(
                    label,
                    in_band.len(),
                    if total > 0 {
                        jeunes as f64 / total as f64
                    } else {
                        0.0
                    },
                ),
            ));
        }
        let unmeasured = scope_members.iter().filter(|&&i| d[i].is_nan()).count();
        if unmeasured > 0 {
            legend.push(Entry::Swatch(
                rgb(NO_COST).into(),
                style::no_cost_caption(unmeasured),
            ));
        }
        legend.push(Entry::Text(match data.mode {
            None => "Distance à vol d'oiseau (géodésique), mesurée depuis la mairie \
                     ou un point intérieur de la commune."
                .into(),
            Some(TravelMode::Transport) => "Temps médian de porte à porte à pied et en \
                 transports en commun (horaires GTFS, marche sur le réseau OpenStreetMap), \
                 depuis la mairie ou un point intérieur de la commune."
                .into(),
            Some(m) => format!(
                "Temps de porte à porte {} sur le réseau OpenStreetMap (mode {m}), \
                 depuis la mairie ou un point intérieur de la commune.",
                m.phrase()
            ),
        }));
        legend.push(Entry::Gap);
        legend.push(Entry::Heading("Sites d'accueil".into()));
        legend.extend(site_entries);
        Ok(legend)
    }

    /// Fills and labels areas (clusters, basins) over a light base.
    fn areas(
        &self,
        areas: &[super::Area],
        colour: impl Fn(usize) -> RGBColor,
        outline: RGBColor,
        width: f64,
        base: RGBColor,
    ) -> Result<(), Error> {
        let (prep, tolerance) = (self.prep, self.view.tolerance);
        let shapes: Vec<MultiPolygon<f64>> = areas
            .par_iter()
            .map(|a| prep.union_of(&a.members, tolerance))
            .collect();
        // A fill covers its holes, so each area's holes are painted back in
        // the map's base colour, and the areas go largest outline first: an
        // area lying in another's hole is drawn after it.
        let outer = |g: &MultiPolygon<f64>| -> f64 {
            g.0.iter()
                .map(|p| geo::Polygon::new(p.exterior().clone(), vec![]).unsigned_area())
                .sum()
        };
        let mut order: Vec<usize> = (0..shapes.len()).collect();
        order.sort_by(|&a, &b| {
            outer(&shapes[b])
                .total_cmp(&outer(&shapes[a]))
                .then(a.cmp(&b))
        });
        for k in order {
            let g = &shapes[k];
            self.p.fill(&self.view.frame, g, colour(k))?;
            let holes = MultiPolygon(
                g.0.iter()
                    .flat_map(|p| p.interiors())
                    .map(|r| geo::Polygon::new(r.clone(), vec![]))
                    .collect(),
            );
            self.p.fill(&self.view.frame, &holes, base)?;
        }
        // The source's gaps go back on top.
        self.p.fill(&self.view.frame, &self.view.gaps, rgb(GAP))?;
        for g in &shapes {
            self.p.outline(&self.view.frame, g, outline, width)?;
        }
        Ok(())
    }

    fn area_labels(&self, areas: &[super::Area], max: usize) -> Result<(), Error> {
        for a in areas.iter().take(max) {
            let visible: Vec<usize> = a
                .members
                .iter()
                .copied()
                .filter(|&i| self.visible(i))
                .collect();
            if visible.is_empty() {
                continue;
            }
            // The interior point of the largest member keeps the label
            // inside the area, even for a ring-shaped cluster.
            let largest = visible
                .iter()
                .copied()
                .max_by(|&x, &y| {
                    self.prep.communes[x]
                        .unsigned_area()
                        .total_cmp(&self.prep.communes[y].unsigned_area())
                        .then(y.cmp(&x))
                })
                .unwrap_or(visible[0]);
            let u = union(
                &a.members
                    .iter()
                    .map(|&i| &self.prep.communes[i])
                    .collect::<Vec<_>>(),
            );
            let p = u
                .interior_point()
                .or_else(|| self.prep.communes[largest].interior_point());
            if let Some(p) = p {
                self.p
                    .label(&a.label, self.view.frame.px(p.x(), p.y()), 17.0, INK)?;
            }
        }
        Ok(())
    }

    fn hotspots(&self) -> Result<Vec<Entry>, Error> {
        let hs = &self.data().hotspots;
        self.fill_communes(|_| rgb(0xf4f4f4).into())?;
        let class = |k: usize| RANK_CLASSES.iter().position(|c| k < c.0).unwrap_or(3);
        let colour = |k: usize| rgb(RANK_CLASSES[class(k)].2);
        self.areas(
            hs,
            colour,
            rgb(HOTSPOT_OUTLINE.0),
            HOTSPOT_OUTLINE.1,
            rgb(0xf4f4f4),
        )?;
        self.departements()?;
        let site_entries = self.sites(&SiteKind::ALL, 0.7)?;
        self.area_labels(hs, HOTSPOT_LABELS)?;
        let mut legend = vec![
            Entry::Heading("Points chauds de non-mobilité".into()),
            Entry::Text(
                "Groupes de communes voisines dont les jeunes qui ne peuvent pas quitter \
                 leur commune n'ont aucun site à portée, classés par nombre de ces jeunes \
                 (rang sur la carte)."
                    .into(),
            ),
        ];
        if hs.is_empty() {
            legend.push(Entry::Text("Aucun point chaud avec ces paramètres.".into()));
        }
        for (_, _, label, hex) in style::rank_classes(hs.len()) {
            legend.push(Entry::Swatch(rgb(hex).into(), label));
        }
        legend.push(Entry::Gap);
        // At the scale of one ML, the groups that reach into it.
        let t = self.data().territory;
        let listed: Vec<&super::Area> = hs
            .iter()
            .filter(|a| a.members.iter().any(|&i| self.view.scope.has_commune(t, i)))
            .collect();
        for a in listed.iter().take(12) {
            legend.push(Entry::Text(a.caption.clone()));
        }
        if listed.len() > 12 {
            legend.push(Entry::Text(format!(
                "… et {} autres groupes (hotspots.csv).",
                listed.len() - 12
            )));
        }
        legend.push(Entry::Gap);
        legend.push(Entry::Heading("Sites d'accueil".into()));
        legend.extend(site_entries);
        Ok(legend)
    }

    fn placement(&self) -> Result<Vec<Entry>, Error> {
        let data = self.data();
        let r_km = data.placement_radius;
        let within = format!(
            "{} {}{}",
            french::km(r_km),
            data.unit.symbol(),
            data.mode
                .map_or(String::new(), |m| format!(" {}", m.phrase()))
        );
        let covered = &data.placement_covered;
        self.fill_communes(|i| {
            if covered[i] {
                rgb(0xe8e8e8).into()
            } else {
                rgb(0xfdd0a2).into()
            }
        })?;
        self.departements()?;
        // Existing sites, small and grey.
        for (s, &(x, y)) in data.territory.sites.iter().zip(&self.prep.sites) {
            if contains(&self.view.window, x, y) {
                let r = if s.kind == SiteKind::Permanence {
                    2.2
                } else {
                    3.2
                };
                self.p
                    .marker(Marker::Disc, self.view.frame.px(x, y), r, rgb(0x525252))?;
            }
        }
        // A radius in km is a circle; a time by network is no circle.
        let radius_px = match data.unit {
            Unit::Metres => Some(data.placement_radius * 1000.0 / self.view.frame.m_per_px),
            Unit::Minutes => None,
        };
        let new: Vec<((f64, f64), &super::NewSite)> = data
            .placement
            .iter()
            .map(|s| {
                let p = data.territory.frame.project(s.position);
                (self.view.frame.px(p.x, p.y), s)
            })
            .collect();
        for (c, _) in new.iter().filter(|_| radius_px.is_some()) {
            self.p.disc(
                *c,
                radius_px.unwrap_or(0.0),
                Some(rgba(0x2171b5, 0.18)),
                Some((rgb(0x08519c), 1.5)),
            )?;
        }
        for (c, s) in &new {
            self.p
                .marker(Marker::Star, *c, NEW_SITE.0, rgb(NEW_SITE.1))?;
            let (dx, dy) = NEW_SITE_LABEL_OFFSET;
            self.p
                .label(&s.rank.to_string(), (c.0 + dx, c.1 + dy), 15.0, INK)?;
        }
        let mut legend = vec![
            Entry::Heading(style::PLACEMENT_HEADING.into()),
            Entry::Text(data.placement_caption.clone()),
            Entry::Marker(
                Marker::Star,
                NEW_SITE.0,
                rgb(NEW_SITE.1),
                style::NEW_SITE_CAPTION.into(),
            ),
        ];
        if radius_px.is_some() {
            legend.push(Entry::Swatch(
                rgba(0x2171b5, 0.25),
                format!("zone à moins de {within}"),
            ));
        }
        for s in new.iter().map(|(_, s)| s) {
            legend.push(Entry::Text(format!("{}. {}", s.rank, s.caption)));
        }
        legend.push(Entry::Gap);
        legend.push(Entry::Heading("Situation actuelle".into()));
        legend.push(Entry::Marker(
            Marker::Disc,
            3.2,
            rgb(0x525252),
            "site existant".into(),
        ));
        legend.push(Entry::Swatch(
            rgb(0xe8e8e8).into(),
            format!("commune à moins de {within} d'un site"),
        ));
        legend.push(Entry::Swatch(
            rgb(0xfdd0a2).into(),
            format!("commune à plus de {within} de tout site"),
        ));
        Ok(legend)
    }

    fn bassins(&self) -> Result<Vec<Entry>, Error> {
        let basins = &self.data().basins;
        let colour = |k: usize| rgb(basin_colour(k));
        // Communes in no basin stay white; each basin is filled as one
        // union, so no sliver between two of its communes shows.
        self.fill_communes(|_| rgb(0xffffff).into())?;
        self.areas(
            basins,
            colour,
            rgb(BASIN_OUTLINE.0),
            BASIN_OUTLINE.1,
            rgb(0xffffff),
        )?;
        self.departements()?;
        self.area_labels(basins, basins.len())?;
        let mut legend = vec![Entry::Heading(style::BASINS_HEADING.into())];
        if !self.data().basins_caption.is_empty() {
            legend.push(Entry::Text(self.data().basins_caption.clone()));
        }
        for (k, b) in basins.iter().enumerate() {
            legend.push(Entry::Swatch(colour(k).into(), b.caption.clone()));
        }
        Ok(legend)
    }

    /// Masks what spilled out of the map area, then draws the frame, scale
    /// bar, north arrow, title, legend and sources.
    fn finish(&self, kind: MapKind, legend: Vec<Entry>) -> Result<(), Error> {
        let p = &self.p;
        let (ax, ay, aw, ah) = MAP_AREA;
        let white = Some(rgba(0xffffff, 1.0));
        p.rect((0.0, 0.0, WIDTH, ay), white, None)?;
        p.rect((0.0, ay + ah, WIDTH, HEIGHT - ay - ah), white, None)?;
        p.rect((0.0, 0.0, ax, HEIGHT), white, None)?;
        p.rect((ax + aw, 0.0, WIDTH - ax - aw, HEIGHT), white, None)?;
        p.rect((ax, ay, aw, ah), None, Some((rgb(0x888888), 1.0)))?;
        p.scale_bar(&self.view.frame, (ax + 24.0, ay + ah - 16.0), 170.0)?;
        p.north_arrow((ax + aw - 34.0, ay + 18.0))?;

        let data = self.data();
        let t = data.territory;
        let place = self.view.scope.name(t);
        let title = match kind {
            MapKind::Regionale => format!("{place} : zonages et implantation des Missions Locales"),
            MapKind::Distances => match data.mode {
                None => format!("{place} : distance au site d'accueil le plus proche"),
                Some(m) => format!(
                    "{place} : temps {} jusqu'au site d'accueil le plus proche",
                    m.phrase()
                ),
            },
            MapKind::Hotspots => format!("{place} : points chauds de non-mobilité"),
            MapKind::Placement => format!("{place} : nouvelles permanences proposées"),
            MapKind::Bassins => format!("{place} : bassins de mobilité (PAMS)"),
        };
        p.text(&title, (ax, 22.0), 26.0, true, INK, Anchor::TopLeft)?;
        let members = &self.view.members;
        let jeunes: u64 = members.iter().map(|&i| t.jeunes[i]).sum();
        let n_sites = t
            .sites
            .iter()
            .filter(|s| self.view.scope.has_site(t, s))
            .count();
        let subtitle = format!(
            "{} communes · {} jeunes de 16 à 25 ans · {} sites d'accueil",
            french::int(members.len() as u64),
            french::int(jeunes),
            french::int(n_sites as u64)
        );
        p.text(&subtitle, (ax, 60.0), 16.0, false, GREY, Anchor::TopLeft)?;

        let mut legend = legend;
        if self.gaps_visible() {
            legend.push(Entry::Gap);
            legend.push(Entry::Swatch(
                rgb(GAP).into(),
                "lacune des contours communaux de la source (terres couvertes par \
                 aucune commune)"
                    .into(),
            ));
        }
        self.legend(&legend)?;

        let stand_in = t.sites.iter().any(|s| s.status == SiteStatus::Substitut);
        let mut sources = data.sources.clone();
        if stand_in {
            let n = t
                .sites
                .iter()
                .filter(|s| s.status == SiteStatus::Substitut)
                .count();
            sources.push_str(&format!(
                " · sites : substitut ({} sur {} placés par une règle documentée, \
                 pas la liste réelle)",
                french::int(n as u64),
                french::int(t.sites.len() as u64)
            ));
        }
        p.paragraph(&sources, (ax, ay + ah + 12.0), 12.5, GREY, WIDTH - 2.0 * ax)?;
        Ok(())
    }

    fn legend(&self, entries: &[Entry]) -> Result<(), Error> {
        let p = &self.p;
        let x = LEGEND_X;
        let mut y = MAP_AREA.1;
        let text_x = x + 34.0;
        let text_w = LEGEND_W - 40.0;
        for e in entries {
            if y > MAP_AREA.1 + MAP_AREA.3 - 20.0 {
                p.text("…", (x, y), 15.0, false, GREY, Anchor::TopLeft)?;
                break;
            }
            match e {
                Entry::Heading(s) => {
                    p.text(s, (x, y), 17.0, true, INK, Anchor::TopLeft)?;
                    y += 28.0;
                }
                Entry::Swatch(c, s) => {
                    p.rect((x, y, 24.0, 16.0), Some(*c), Some((rgb(0x888888), 0.8)))?;
                    y += p
                        .paragraph(s, (text_x, y + 1.5), 14.0, INK, text_w)?
                        .max(22.0)
                        + 2.0;
                }
                Entry::Line(c, w, s) => {
                    p.line(&[(x, y + 8.0), (x + 24.0, y + 8.0)], *c, *w)?;
                    y += p
                        .paragraph(s, (text_x, y + 1.5), 14.0, INK, text_w)?
                        .max(22.0)
                        + 2.0;
                }
                Entry::Marker(shape, r, c, s) => {
                    p.marker(*shape, (x + 12.0, y + 8.0), *r, *c)?;
                    y += p
                        .paragraph(s, (text_x, y + 1.5), 14.0, INK, text_w)?
                        .max(22.0)
                        + 2.0;
                }
                Entry::Text(s) => {
                    y += p.paragraph(s, (x, y), 13.0, GREY, LEGEND_W - 8.0)? + 6.0;
                }
                Entry::Gap => y += 14.0,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use geo::polygon;

    /// Two squares 1 m apart with a frame around them: the union holds a
    /// 1 m wide slit, a hairline at any scale, and a 400 m square hole.
    #[test]
    fn slivers_go_and_real_holes_stay() {
        let frame = polygon![(x: 0.0, y: 0.0), (x: 3000.0, y: 0.0), (x: 3000.0, y: 3000.0), (x: 0.0, y: 3000.0)];
        let slit = geo::LineString::from(vec![
            (100.0, 100.0),
            (2900.0, 100.0),
            (2900.0, 101.0),
            (100.0, 101.0),
            (100.0, 100.0),
        ]);
        let hole = geo::LineString::from(vec![
            (1000.0, 1000.0),
            (1400.0, 1000.0),
            (1400.0, 1400.0),
            (1000.0, 1400.0),
            (1000.0, 1000.0),
        ]);
        let m = MultiPolygon(vec![geo::Polygon::new(
            frame.exterior().clone(),
            vec![slit, hole.clone()],
        )]);
        let kept = without_slivers(m, 25.0);
        assert_eq!(kept.0[0].interiors(), &[hole]);
        assert!((kept.unsigned_area() - (9e6 - 160_000.0)).abs() < 1e-6);
    }

    /// The basins and hotspot clusters are drawn as unions of communes: on
    /// the embedded data, at the region map's scale, no union keeps a hole
    /// thinner than a pixel (the hairline specks of the issue), while the
    /// source's four gaps (several km²) stay holes.
    #[test]
    fn unions_of_embedded_communes_have_no_hairline_holes() {
        let t = crate::load::territory::load_territory(
            &crate::load::territory::DataPaths::default(),
            &mut crate::warnings::Warnings::new(),
        )
        .unwrap();
        let communes: Vec<MultiPolygon<f64>> = t
            .communes
            .iter()
            .map(|c| project(&t.frame, &c.geometry))
            .collect();
        let all: Vec<&MultiPolygon<f64>> = communes.iter().collect();
        let raw = union(&all);
        let tolerance = 80.0;
        let thin = |m: &MultiPolygon<f64>| {
            use geo::{Euclidean, Length};
            m.0.iter()
                .flat_map(|p| p.interiors())
                .filter(|r| {
                    let a = geo::Polygon::new((*r).clone(), vec![]).unsigned_area();
                    a / Euclidean.length(*r) < tolerance
                })
                .count()
        };
        assert!(thin(&raw) > 0, "the source has slivers: the test can fail");
        let cleaned = without_slivers(raw, tolerance);
        assert_eq!(thin(&cleaned), 0);
        let big = cleaned
            .0
            .iter()
            .flat_map(|p| p.interiors())
            .filter(|r| geo::Polygon::new((*r).clone(), vec![]).unsigned_area() > 1e6)
            .count();
        assert_eq!(big, 4, "the four gaps of geodata/PROVENANCE.md");
    }
}
