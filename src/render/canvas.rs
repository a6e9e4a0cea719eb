//! Drawing primitives over a plotters backend: a frame that maps Lambert-93
//! metres to pixels, and shapes, text, legend entries and a scale bar in
//! *logical* pixels (multiplied by the supersampling factor on the way to the
//! backend).

use std::sync::Once;

use geo::{LineString, MultiPolygon, Rect};
use plotters::coord::Shift;
use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontStyle, RGBAColor};
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind};

use crate::error::Error;

/// The bundled fonts (DejaVu Sans, see `assets/fonts/LICENSE-DejaVu.txt`).
static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");
/// Registered under the generic name, so that SVG viewers without DejaVu
/// fall back to their own sans-serif font.
pub const FAMILY: &str = "sans-serif";

/// Registers the bundled fonts with plotters (once per process).
pub fn register_fonts() -> Result<(), Error> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        let r = plotters::style::register_font(FAMILY, FontStyle::Normal, REGULAR)
            .and_then(|()| plotters::style::register_font(FAMILY, FontStyle::Bold, BOLD));
        if r.is_err() {
            result = Err(Error::Invalid(
                "maps: the bundled font cannot be read".into(),
            ));
        }
    });
    result
}

/// An RGB colour from `0xRRGGBB`.
pub const fn rgb(hex: u32) -> RGBColor {
    RGBColor((hex >> 16) as u8, (hex >> 8) as u8, hex as u8)
}

/// A colour with opacity.
pub fn rgba(hex: u32, alpha: f64) -> RGBAColor {
    rgb(hex).mix(alpha)
}

/// Maps Lambert-93 metres to logical pixels inside the map area.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Lambert-93 of the map area's left edge and top edge.
    x0: f64,
    y1: f64,
    /// Metres per logical pixel.
    pub m_per_px: f64,
    /// The map area in logical pixels: left, top, width, height.
    pub area: (f64, f64, f64, f64),
}

impl Frame {
    /// The frame that fits `bbox` (with a margin) in `area`, centred, one
    /// scale for both axes.
    pub fn fit(bbox: Rect<f64>, area: (f64, f64, f64, f64), margin: f64) -> Frame {
        let (w, h) = (bbox.width().max(1.0), bbox.height().max(1.0));
        let m_per_px = (w / area.2).max(h / area.3) * (1.0 + 2.0 * margin);
        let c = bbox.center();
        Frame {
            x0: c.x - area.2 / 2.0 * m_per_px,
            y1: c.y + area.3 / 2.0 * m_per_px,
            m_per_px,
            area,
        }
    }
    /// Logical pixel of a Lambert-93 point.
    pub fn px(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.area.0 + (x - self.x0) / self.m_per_px,
            self.area.1 + (self.y1 - y) / self.m_per_px,
        )
    }
    /// The Lambert-93 rectangle the map area shows.
    pub fn window(&self) -> Rect<f64> {
        Rect::new(
            (self.x0, self.y1 - self.area.3 * self.m_per_px),
            (self.x0 + self.area.2 * self.m_per_px, self.y1),
        )
    }
}

/// Where a text is anchored.
#[derive(Debug, Clone, Copy)]
pub enum Anchor {
    TopLeft,
    Center,
}

/// A shape for a bitmap drawn with [`scan_fill`] (the same pixels as
/// plotters, faster): a filled polygon (plotters' `Polygon` element), or a
/// stroked path (its `PathElement`).
struct Scan {
    points: Vec<(i32, i32)>,
    style: ShapeStyle,
    fill: bool,
}

impl<'a> PointCollection<'a, (i32, i32)> for &'a Scan {
    type Point = &'a (i32, i32);
    type IntoIter = &'a [(i32, i32)];
    fn point_iter(self) -> &'a [(i32, i32)] {
        &self.points
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Scan {
    /// A polygon filled by [`scan_fill`]; a path as plotters-backend
    /// 0.3.7's `DrawingBackend::draw_path` draws it, with the polygon of a
    /// thick stroke filled by [`scan_fill`].
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        points: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let color = self.style.color.to_backend_color();
        if self.fill {
            let vertices: Vec<BackendCoord> = points.collect();
            return scan_fill(backend, &vertices, color);
        }
        if color.alpha == 0.0 {
            return Ok(());
        }
        if self.style.stroke_width == 1 {
            return backend.draw_path(points, &self.style);
        }
        let path: Vec<BackendCoord> = points.collect();
        let outline = plotters_backend::rasterizer::polygonize(&path, self.style.stroke_width);
        scan_fill(backend, &outline, color)
    }
}

/// An edge crossing the sweep lines, in sweep coordinates (the sweep
/// coordinate first): plotters' `Edge`, with its position on the current
/// line computed once.
struct Active {
    epoch: u32,
    total: u32,
    begin: i32,
    end: i32,
    /// The edge's other coordinate on the current line.
    at: f64,
}

impl Active {
    fn new(from: (i32, i32), to: (i32, i32)) -> Self {
        let mut e = Active {
            epoch: 0,
            total: (to.0 - from.0) as u32,
            begin: from.1,
            end: to.1,
            at: 0.0,
        };
        e.at = e.position();
        e
    }

    /// Lines left to cross.
    fn left(&self) -> i32 {
        (self.total - self.epoch) as i32
    }

    fn position(&self) -> f64 {
        f64::from(self.begin)
            + (i64::from(self.end - self.begin) * i64::from(self.epoch)) as f64
                / f64::from(self.total)
    }
}

/// plotters' polygon fill (`plotters_backend::rasterizer::fill_polygon`,
/// 0.3.7) making the same calls to the backend in the same order, so the
/// same pixels, without its allocations on every sweep line and with each
/// edge's position computed once a line rather than at every comparison of
/// the sort. Its rules are kept as they are, odd ones included (the
/// anti-aliased pixel after a span swept by rows has a negative weight).
fn scan_fill<DB: DrawingBackend>(
    back: &mut DB,
    vertices: &[BackendCoord],
    color: BackendColor,
) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
    let Some(&(fx, fy)) = vertices.first() else {
        return Ok(());
    };
    let ((x0, x1), (y0, y1)) = vertices.iter().fold(((fx, fx), (fy, fy)), |b, &(x, y)| {
        (
            (b.0 .0.min(x), b.0 .1.max(x)),
            (b.1 .0.min(y), b.1 .1.max(y)),
        )
    });
    if x0 == x1 || y0 == y1 {
        return back.draw_line((x0, y0), (x1, y1), &color);
    }
    let by_columns = x1 - x0 > y1 - y0;
    let sweep = |p: BackendCoord| if by_columns { p } else { (p.1, p.0) };
    let n = vertices.len();
    let mut edges: Vec<(BackendCoord, BackendCoord)> = (0..n)
        .map(|i| (sweep(vertices[i]), sweep(vertices[(i + 1) % n])))
        .collect();
    edges.sort_by_key(|(a, b)| a.0.min(b.0));
    for e in &mut edges {
        if e.0 .0 > e.1 .0 {
            std::mem::swap(&mut e.0, &mut e.1);
        }
    }
    let (low, high) = if by_columns { (x0, x1) } else { (y0, y1) };
    let mut next = 0;
    let mut active: Vec<Active> = Vec::new();
    for line in low..=high {
        active.retain_mut(|e| {
            if e.left() > 0 {
                e.epoch += 1;
                e.at = e.position();
                true
            } else {
                false
            }
        });
        while let Some(&(a, b)) = edges.get(next).filter(|e| e.0 .0 <= line) {
            if a.0 != b.0 {
                active.push(Active::new(a, b));
            }
            next += 1;
        }
        active.sort_by(|p, q| p.at.partial_cmp(&q.at).unwrap_or(std::cmp::Ordering::Equal));
        let (mut first, mut second): (Option<usize>, Option<usize>) = (None, None);
        for k in 0..active.len() {
            if first.is_none() {
                first = Some(k);
            } else if second.is_none() {
                second = Some(k);
            }
            let (Some(a), Some(b)) = (first, second) else {
                continue;
            };
            let (ea, eb) = (&active[a], &active[b]);
            if ea.left() == 0 && eb.left() != 0 {
                (first, second) = (Some(b), None);
                continue;
            }
            if ea.left() != 0 && eb.left() == 0 {
                second = None;
                continue;
            }
            let (from, to) = (ea.at, eb.at);
            if ea.left() == 0 && eb.left() == 0 && to - from > 1.0 {
                (first, second) = (None, None);
                continue;
            }
            if by_columns {
                back.draw_line(
                    (line, from.ceil() as i32),
                    (line, to.floor() as i32),
                    &color,
                )?;
                back.draw_pixel((line, from.floor() as i32), color.mix(from.ceil() - from))?;
                back.draw_pixel((line, to.ceil() as i32), color.mix(to - to.floor()))?;
            } else {
                back.draw_line(
                    (from.ceil() as i32, line),
                    (to.floor() as i32, line),
                    &color,
                )?;
                back.draw_pixel((from.floor() as i32, line), color.mix(from.ceil() - from))?;
                back.draw_pixel((to.ceil() as i32, line), color.mix(to.floor() - to))?;
            }
            (first, second) = (None, None);
        }
    }
    Ok(())
}

/// Draws on a backend in logical pixels.
pub struct Painter<'a, DB: DrawingBackend> {
    root: &'a DrawingArea<DB, Shift>,
    /// Device pixels per logical pixel.
    k: f64,
    /// Whether the backend is a bitmap, which strokes thick paths itself
    /// (see [`Painter::outline`]).
    raster: bool,
}

fn err<E: std::fmt::Display>(e: E) -> Error {
    Error::Invalid(format!("cartes : le dessin a échoué : {e}"))
}

impl<'a, DB: DrawingBackend> Painter<'a, DB> {
    /// `raster`: the backend is a bitmap (plotters' `BitMapBackend`), not SVG.
    pub fn new(root: &'a DrawingArea<DB, Shift>, k: f64, raster: bool) -> Self {
        Painter { root, k, raster }
    }

    fn d(&self, p: (f64, f64)) -> (i32, i32) {
        ((p.0 * self.k).round() as i32, (p.1 * self.k).round() as i32)
    }

    fn w(&self, width: f64) -> u32 {
        (width * self.k).round().max(1.0) as u32
    }

    pub fn fill_background(&self, color: RGBColor) -> Result<(), Error> {
        self.root.fill(&color).map_err(err)
    }

    /// Device pixels of a ring, consecutive duplicates removed; `None` when
    /// fewer than 3 distinct pixels are left.
    fn ring_px(&self, frame: &Frame, ring: &LineString<f64>) -> Option<Vec<(i32, i32)>> {
        let mut pts: Vec<(i32, i32)> = Vec::with_capacity(ring.0.len());
        for c in &ring.0 {
            let p = self.d(frame.px(c.x, c.y));
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        if pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        (pts.len() >= 3).then_some(pts)
    }

    /// Fills the exterior rings of `mp` (holes are left to whatever is drawn
    /// after: the maps fill larger polygons first).
    pub fn fill(
        &self,
        frame: &Frame,
        mp: &MultiPolygon<f64>,
        color: impl Color,
    ) -> Result<(), Error> {
        let style = color.filled();
        for p in &mp.0 {
            if let Some(pts) = self.ring_px(frame, p.exterior()) {
                if self.raster {
                    let shape = Scan {
                        points: pts,
                        style,
                        fill: true,
                    };
                    self.root.draw(&shape).map_err(err)?;
                } else {
                    self.root.draw(&Polygon::new(pts, style)).map_err(err)?;
                }
            }
        }
        Ok(())
    }

    /// Strokes every ring of `mp`.
    pub fn outline(
        &self,
        frame: &Frame,
        mp: &MultiPolygon<f64>,
        color: impl Color,
        width: f64,
    ) -> Result<(), Error> {
        let w = self.w(width);
        let style = color.stroke_width(w);
        for p in &mp.0 {
            for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
                if let Some(mut pts) = self.ring_px(frame, ring) {
                    pts.push(pts[0]);
                    if self.raster && w > 1 {
                        self.thick_ring(&pts, &color, w)?;
                    } else {
                        self.root.draw(&PathElement::new(pts, style)).map_err(err)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Strokes a closed ring of device pixels `w` pixels wide on a bitmap:
    /// each edge on its own, with a disc at every vertex (round joins).
    /// plotters' bitmap backend strokes a thick path as one polygon with
    /// mitred joins, and at a needle-sharp turn (an estuary in a simplified
    /// coast) the inner mitre point shoots far off the ring: a stray straight
    /// line in the PNG that the SVG, stroked by its viewer, does not have.
    fn thick_ring(&self, pts: &[(i32, i32)], color: &impl Color, w: u32) -> Result<(), Error> {
        let (edge, join) = (color.stroke_width(w), color.filled());
        for e in pts.windows(2) {
            self.root
                .draw(&Scan {
                    points: vec![e[0], e[1]],
                    style: edge,
                    fill: false,
                })
                .map_err(err)?;
        }
        for &v in pts {
            self.root.draw(&Circle::new(v, w / 2, join)).map_err(err)?;
        }
        Ok(())
    }

    pub fn rect(
        &self,
        (x, y, w, h): (f64, f64, f64, f64),
        fill: Option<RGBAColor>,
        stroke: Option<(RGBColor, f64)>,
    ) -> Result<(), Error> {
        let (a, b) = (self.d((x, y)), self.d((x + w, y + h)));
        if let Some(c) = fill {
            self.root
                .draw(&Rectangle::new([a, b], c.filled()))
                .map_err(err)?;
        }
        if let Some((c, width)) = stroke {
            self.root
                .draw(&Rectangle::new([a, b], c.stroke_width(self.w(width))))
                .map_err(err)?;
        }
        Ok(())
    }

    pub fn line(&self, pts: &[(f64, f64)], color: impl Color, width: f64) -> Result<(), Error> {
        let pts: Vec<_> = pts.iter().map(|&p| self.d(p)).collect();
        self.root
            .draw(&PathElement::new(pts, color.stroke_width(self.w(width))))
            .map_err(err)
    }

    pub fn polygon(&self, pts: &[(f64, f64)], color: impl Color) -> Result<(), Error> {
        let pts: Vec<_> = pts.iter().map(|&p| self.d(p)).collect();
        self.root
            .draw(&Polygon::new(pts, color.filled()))
            .map_err(err)
    }

    /// A disc of radius `r` logical pixels, with an optional outline.
    pub fn disc(
        &self,
        c: (f64, f64),
        r: f64,
        fill: Option<RGBAColor>,
        stroke: Option<(RGBColor, f64)>,
    ) -> Result<(), Error> {
        let (cx, r_dev) = (self.d(c), (r * self.k).round().max(1.0) as i32);
        if let Some(f) = fill {
            self.root
                .draw(&Circle::new(cx, r_dev, f.filled()))
                .map_err(err)?;
        }
        if let Some((s, width)) = stroke {
            self.root
                .draw(&Circle::new(cx, r_dev, s.stroke_width(self.w(width))))
                .map_err(err)?;
        }
        Ok(())
    }

    /// A marker of a site: square, disc or triangle of half-size `r`.
    pub fn marker(
        &self,
        shape: Marker,
        c: (f64, f64),
        r: f64,
        fill: RGBColor,
    ) -> Result<(), Error> {
        // A white edge separates large markers; small ones would be all edge.
        let edge = crate::output::style::marker_edge(r).map(|w| (rgb(0xffffff), w));
        match shape {
            Marker::Disc => self.disc(c, r, Some(fill.into()), edge),
            Marker::Square => self.rect(
                (c.0 - r, c.1 - r, 2.0 * r, 2.0 * r),
                Some(fill.into()),
                edge,
            ),
            Marker::Star => {
                let pts: Vec<(f64, f64)> = (0..10)
                    .map(|i| {
                        let a = std::f64::consts::PI * (i as f64 / 5.0 - 0.5);
                        let (outer, inner) = crate::output::style::star_radii(r);
                        let rr = if i % 2 == 0 { outer } else { inner };
                        (c.0 + rr * a.cos(), c.1 + rr * a.sin())
                    })
                    .collect();
                self.polygon(&pts, fill)?;
                let mut closed = pts.clone();
                closed.push(pts[0]);
                self.line(&closed, rgb(0xffffff), crate::output::style::STAR_EDGE)
            }
        }
    }

    /// Width and height of a text, in logical pixels.
    pub fn text_size(&self, s: &str, size: f64, bold: bool) -> (f64, f64) {
        let style = self.style(size, bold, rgb(0));
        self.root
            .estimate_text_size(s, &style)
            .map_or((s.chars().count() as f64 * size * 0.55, size), |(w, h)| {
                (w as f64 / self.k, h as f64 / self.k)
            })
    }

    fn style(&self, size: f64, bold: bool, color: RGBColor) -> TextStyle<'static> {
        // `FontDesc::style` keeps the regular face's data: the style must be
        // given when the font is made.
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        (FAMILY, size * self.k, style).into_font().color(&color)
    }

    pub fn text(
        &self,
        s: &str,
        at: (f64, f64),
        size: f64,
        bold: bool,
        color: RGBColor,
        anchor: Anchor,
    ) -> Result<(), Error> {
        let pos = match anchor {
            Anchor::TopLeft => Pos::new(HPos::Left, VPos::Top),
            Anchor::Center => Pos::new(HPos::Center, VPos::Center),
        };
        let style = self.style(size, bold, color).pos(pos);
        self.root
            .draw(&Text::new(s.to_string(), self.d(at), style))
            .map_err(err)
    }

    /// A text with a white halo, readable over any fill.
    pub fn label(&self, s: &str, at: (f64, f64), size: f64, color: RGBColor) -> Result<(), Error> {
        let h = (size / 9.0).max(1.0);
        for (dx, dy) in [
            (-h, 0.0),
            (h, 0.0),
            (0.0, -h),
            (0.0, h),
            (-h, -h),
            (h, h),
            (-h, h),
            (h, -h),
        ] {
            self.text(
                s,
                (at.0 + dx, at.1 + dy),
                size,
                true,
                rgb(0xffffff),
                Anchor::Center,
            )?;
        }
        self.text(s, at, size, true, color, Anchor::Center)
    }

    /// Lines of text that wrap at `max_width` logical pixels; returns the
    /// height used.
    pub fn paragraph(
        &self,
        s: &str,
        at: (f64, f64),
        size: f64,
        color: RGBColor,
        max_width: f64,
    ) -> Result<f64, Error> {
        let mut y = at.1;
        let mut line = String::new();
        for word in s.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if !line.is_empty() && self.text_size(&candidate, size, false).0 > max_width {
                self.text(&line, (at.0, y), size, false, color, Anchor::TopLeft)?;
                y += size * 1.35;
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.text(&line, (at.0, y), size, false, color, Anchor::TopLeft)?;
            y += size * 1.35;
        }
        Ok(y - at.1)
    }

    /// A scale bar of a round length at `at` (bottom left), about `target`
    /// logical pixels long.
    pub fn scale_bar(&self, frame: &Frame, at: (f64, f64), target: f64) -> Result<(), Error> {
        let want_km = target * frame.m_per_px / 1000.0;
        let km = [1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0]
            .into_iter()
            .rev()
            .find(|&k| k <= want_km)
            .unwrap_or(1.0);
        let len = km * 1000.0 / frame.m_per_px;
        let (x, y) = at;
        let h = 7.0;
        self.rect(
            (x - 8.0, y - 36.0, len + 50.0, 44.0),
            Some(rgba(0xffffff, 0.8)),
            None,
        )?;
        for i in 0..4 {
            let part = len / 4.0;
            let fill = if i % 2 == 0 {
                rgb(0x222222)
            } else {
                rgb(0xffffff)
            };
            self.rect(
                (x + part * i as f64, y - h, part, h),
                Some(fill.into()),
                Some((rgb(0x222222), 1.0)),
            )?;
        }
        for (frac, label) in [
            (0.0, "0".to_string()),
            (0.5, crate::base::french::km(km / 2.0)),
            (1.0, format!("{} km", crate::base::french::km(km))),
        ] {
            self.text(
                &label,
                (x + len * frac, y - h - 12.0),
                12.0,
                false,
                rgb(0x222222),
                Anchor::Center,
            )?;
        }
        Ok(())
    }

    /// A north arrow whose tip is at `at`.
    pub fn north_arrow(&self, at: (f64, f64)) -> Result<(), Error> {
        let (x, y) = at;
        self.polygon(&[(x, y), (x + 9.0, y + 26.0), (x, y + 20.0)], rgb(0x222222))?;
        self.polygon(&[(x, y), (x - 9.0, y + 26.0), (x, y + 20.0)], rgb(0x999999))?;
        self.text(
            "N",
            (x, y + 38.0),
            14.0,
            true,
            rgb(0x222222),
            Anchor::Center,
        )
    }
}

/// Site marker shapes (defined with the other classes of the layers).
pub use crate::output::style::Marker;

/// Averages `k`×`k` blocks of an RGB buffer of `w`×`h` device pixels.
pub fn downsample(buf: &[u8], w: usize, h: usize, k: usize) -> Vec<u8> {
    let (ow, oh) = (w / k, h / k);
    let mut out = vec![0u8; ow * oh * 3];
    let n = (k * k) as u32;
    for oy in 0..oh {
        for ox in 0..ow {
            for ch in 0..3 {
                let mut sum = 0u32;
                for dy in 0..k {
                    let row = (oy * k + dy) * w;
                    for dx in 0..k {
                        sum += u32::from(buf[(row + ox * k + dx) * 3 + ch]);
                    }
                }
                out[(oy * ow + ox) * 3 + ch] = ((sum + n / 2) / n) as u8;
            }
        }
    }
    out
}

/// Encodes an RGB buffer as PNG.
pub fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanline fill paints plotters' pixels: random polygons, wide
    /// and tall (both sweeps), self-crossing, with repeated vertices, flat
    /// ones, opaque and translucent, drawn over each other.
    #[test]
    fn scan_fill_paints_plotters_pixels() {
        let (w, h) = (240u32, 180u32);
        let mut rng = crate::seeded::SplitMix64(7);
        let mut shapes: Vec<(Vec<(i32, i32)>, RGBAColor)> = Vec::new();
        for case in 0..400 {
            let n = 3 + case % 12;
            let (sx, sy) = if case % 2 == 0 {
                (200.0, 60.0)
            } else {
                (60.0, 160.0)
            };
            let mut pts: Vec<(i32, i32)> = (0..n)
                .map(|_| {
                    (
                        (rng.next_f64() * sx) as i32 - 10,
                        (rng.next_f64() * sy) as i32 - 5,
                    )
                })
                .collect();
            if case % 7 == 0 {
                pts.push(pts[0]);
                pts.insert(1, pts[1]);
            }
            if case % 11 == 0 {
                for p in &mut pts {
                    p.1 = 40;
                }
            }
            let alpha = if case % 3 == 0 { 0.6 } else { 1.0 };
            let c = RGBColor((case * 37 % 256) as u8, (case * 91 % 256) as u8, 90).mix(alpha);
            shapes.push((pts, c));
        }
        let draw = |scan: bool| -> Vec<u8> {
            let mut buf = vec![255u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
                for (pts, c) in &shapes {
                    if scan {
                        let (points, style) = (pts.clone(), c.filled());
                        root.draw(&Scan {
                            points,
                            style,
                            fill: true,
                        })
                        .unwrap();
                    } else {
                        root.draw(&Polygon::new(pts.clone(), c.filled())).unwrap();
                    }
                }
                root.present().unwrap();
            }
            buf
        };
        let (plotters, ours) = (draw(false), draw(true));
        assert!(plotters.iter().filter(|&&b| b != 255).count() > 10_000);
        assert!(plotters == ours, "the scanline fill differs from plotters'");
        // Thick strokes, segment by segment as the outlines draw them.
        let stroke = |scan: bool| -> Vec<u8> {
            let mut buf = vec![255u8; (w * h * 3) as usize];
            {
                let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
                for (k, (pts, c)) in shapes.iter().enumerate() {
                    let style = c.stroke_width(1 + (k % 6) as u32);
                    for e in pts.windows(2) {
                        if scan {
                            let points = vec![e[0], e[1]];
                            root.draw(&Scan {
                                points,
                                style,
                                fill: false,
                            })
                            .unwrap();
                        } else {
                            root.draw(&PathElement::new(vec![e[0], e[1]], style))
                                .unwrap();
                        }
                    }
                }
                root.present().unwrap();
            }
            buf
        };
        let (plotters, ours) = (stroke(false), stroke(true));
        assert!(plotters.iter().filter(|&&b| b != 255).count() > 10_000);
        assert!(plotters == ours, "the thick strokes differ from plotters'");
    }

    #[test]
    fn frame_keeps_one_scale_and_centres() {
        let f = Frame::fit(
            Rect::new((0.0, 0.0), (1000.0, 500.0)),
            (10.0, 20.0, 100.0, 100.0),
            0.0,
        );
        assert_eq!(f.m_per_px, 10.0);
        assert_eq!(f.px(0.0, 250.0), (10.0, 70.0));
        assert_eq!(f.px(1000.0, 500.0), (110.0, 45.0));
    }

    /// Regression: a stray straight line ran from the coast near the Canche
    /// estuary in `carte_regionale.png` and `carte_bassins.png`, not in the
    /// SVG: the bitmap's mitred join at a needle-sharp turn of a thick
    /// outline. Every pixel a thick outline paints must lie within half its
    /// width (and one pixel of rounding) of the ring.
    #[test]
    fn thick_outlines_stay_on_their_ring_in_bitmaps() {
        let ring = [(20.0, 100.0), (180.0, 100.0), (20.0, 104.0), (20.0, 100.0)];
        let needle = MultiPolygon(vec![geo::Polygon::new(
            LineString::from(ring.to_vec()),
            vec![],
        )]);
        let (size, width) = (200usize, 6.0);
        let mut buf = vec![255u8; size * size * 3];
        let frame = Frame::fit(
            Rect::new((0.0, 0.0), (200.0, 200.0)),
            (0.0, 0.0, 200.0, 200.0),
            0.0,
        );
        {
            let root = BitMapBackend::with_buffer(&mut buf, (size as u32, size as u32))
                .into_drawing_area();
            let p = Painter::new(&root, 1.0, true);
            p.outline(&frame, &needle, RGBColor(0, 0, 0), width)
                .unwrap();
            root.present().unwrap();
        }
        let px: Vec<(f64, f64)> = ring.iter().map(|&(x, y)| frame.px(x, y)).collect();
        let to_segment = |q: (f64, f64), a: (f64, f64), b: (f64, f64)| {
            let (dx, dy) = (b.0 - a.0, b.1 - a.1);
            let t = (((q.0 - a.0) * dx + (q.1 - a.1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
            ((q.0 - a.0 - t * dx).powi(2) + (q.1 - a.1 - t * dy).powi(2)).sqrt()
        };
        let mut painted = 0;
        for y in 0..size {
            for x in 0..size {
                if buf[(y * size + x) * 3] == 255 {
                    continue;
                }
                painted += 1;
                let q = (x as f64 + 0.5, y as f64 + 0.5);
                let d = px
                    .windows(2)
                    .map(|e| to_segment(q, e[0], e[1]))
                    .fold(f64::INFINITY, f64::min);
                assert!(
                    d <= width / 2.0 + 1.5,
                    "pixel ({x}, {y}) painted {d:.1} px off the ring"
                );
            }
        }
        assert!(painted > 300, "the outline is drawn: {painted} pixels");
    }

    #[test]
    fn downsample_averages_blocks() {
        // 2×2 device pixels → 1: black, white, white, white.
        let buf = [0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255];
        assert_eq!(downsample(&buf, 2, 2, 2), vec![191, 191, 191]);
    }
}
