//! The page's charts, as inline SVG (no script, no request: they print as
//! they show): the share of young people covered against the threshold,
//! their distribution by distance or time, and the proposal's before and
//! after. Every figure comes from a typed result ([`crate::analysis::curves`],
//! [`crate::analysis::placement::ScopeSummary`]); each bar and curve carries
//! its figures in a `<title>` (a tooltip, read by screen readers).

use std::fmt::Write as _;

use crate::analysis::curves::{CoverageCurve, Distribution};
use crate::base::{french, Unit};

use super::html::esc;

/// The curves' colours, told apart in print and by most colour-blind
/// readers (ColorBrewer Dark2, then greys).
const COLOURS: [&str; 9] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
    "#999999",
];

/// A curve of the coverage chart: its name, its curve, and whether it is
/// drawn dashed (a reference, such as the region beside a Mission Locale).
pub struct Series<'a> {
    pub name: String,
    pub curve: &'a CoverageCurve,
    pub reference: bool,
}

const WIDTH: f64 = 760.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 14.0;

/// A tick step on an axis from 0 to `max`: 1, 2 or 5 × a power of ten,
/// for at most about 8 ticks.
fn tick_step(max: f64) -> f64 {
    let raw = (max / 8.0).max(f64::MIN_POSITIVE);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * p)
}

/// The figure around a chart, with its `id` (a link's target): the SVG, a
/// legend (HTML, so long names wrap) and a caption.
fn figure(id: &str, svg: &str, legend: &str, caption: &str) -> String {
    format!(
        "<figure class=\"chart\" id=\"{id}\">{svg}{legend}<figcaption>{}</figcaption></figure>",
        esc(caption)
    )
}

/// A chart's SVG element, `height` units high, named by its caption.
fn open_svg(height: f64, caption: &str) -> String {
    format!(
        "<svg class=\"graphique\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"{}\">",
        esc(caption)
    )
}

/// A horizontal grid line across the plot (`w` wide) at height `y`, with
/// its `label` on the left axis.
fn y_grid_line(s: &mut String, w: f64, y: f64, label: &str) {
    let _ = write!(
        s,
        "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" class=\"grille\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"end\">{}</text>",
        LEFT + w,
        LEFT - 6.0,
        y + 4.0,
        esc(label)
    );
}

/// The share of young people within each threshold, one curve per
/// perimeter (`unit` for the axis).
pub fn coverage_chart(series: &[Series<'_>], unit: Unit, caption: &str) -> String {
    let Some(first) = series.first() else {
        return String::new();
    };
    let height = 300.0;
    let bottom = 40.0;
    let (w, h) = (WIDTH - LEFT - RIGHT, height - TOP - bottom);
    let max = unit.shown(*first.curve.costs.last().unwrap_or(&0.0));
    if max <= 0.0 {
        return String::new();
    }
    let x = |v: f64| LEFT + w * v / max;
    let y = |share: f64| TOP + h * (1.0 - share);
    let mut s = open_svg(height, caption);
    // Grid and axes.
    for k in 0..=5 {
        let share = k as f64 / 5.0;
        y_grid_line(&mut s, w, y(share), &format!("{} %", k * 20));
    }
    let step = tick_step(max);
    let mut v = 0.0;
    while v <= max + 1e-9 {
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{TOP}\" y2=\"{:.1}\" class=\"grille\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"middle\">{}</text>",
            x(v),
            x(v),
            TOP + h,
            x(v),
            TOP + h + 16.0,
            french::km(v)
        );
        v += step;
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"middle\">seuil ({})</text>",
        LEFT + w / 2.0,
        height - 6.0,
        unit.symbol()
    );
    let mut legend = String::from("<p class=\"chart-legende\">");
    for (k, se) in series.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let c = se.curve;
        if c.jeunes == 0 {
            continue;
        }
        let points: Vec<String> = c
            .costs
            .iter()
            .zip(&c.covered)
            .map(|(&cost, &n)| {
                format!(
                    "{:.1},{:.1}",
                    x(unit.shown(cost)),
                    y(n as f64 / c.jeunes as f64)
                )
            })
            .collect();
        let dash = if se.reference {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        // The curve's figures at each whole tick, for its tooltip.
        let mut figures = Vec::new();
        let mut v = step;
        while v <= max + 1e-9 {
            if let Some(k) = c
                .costs
                .iter()
                .position(|&cost| unit.shown(cost) >= v - 1e-9)
            {
                figures.push(format!(
                    "{} {} : {}",
                    french::km(v),
                    unit.symbol(),
                    french::percent(c.covered[k] as f64, c.jeunes as f64)
                ));
            }
            v += step;
        }
        let _ = write!(
            s,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.2\"{dash}>\
             <title>{}</title></polyline>",
            points.join(" "),
            esc(&format!("{} — {}", se.name, figures.join(" ; ")))
        );
        let _ = write!(
            legend,
            "<span><svg width=\"26\" height=\"10\" aria-hidden=\"true\"><line x1=\"0\" x2=\"26\" \
             y1=\"5\" y2=\"5\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/></svg> {}</span>",
            esc(&se.name)
        );
    }
    s.push_str("</svg>");
    legend.push_str("</p>");
    figure("graphique-couverture", &s, &legend, caption)
}

/// The young people by band of distance or time.
pub fn distribution_chart(d: &Distribution, unit: Unit, caption: &str) -> String {
    let height = 280.0;
    let bottom = 52.0;
    let (w, h) = (WIDTH - LEFT - RIGHT, height - TOP - bottom);
    let sym = unit.symbol();
    let band = unit.shown(d.scale.band);
    let max = unit.shown(d.scale.max);
    // Bars: each band, beyond, not measured (when any). The young people
    // at 0 (a site in their commune: most of them in a dense region) are
    // said in the caption, so the bars of the others stay readable.
    let mut bars: Vec<(String, String, u64)> = Vec::new();
    for (k, &n) in d.bands.iter().enumerate() {
        let lo = band * k as f64;
        let hi = (band * (k + 1) as f64).min(max);
        bars.push((
            french::km(hi),
            format!("de {} à {} {sym}", french::km(lo), french::km(hi)),
            n,
        ));
    }
    bars.push((
        format!("> {}", french::km(max)),
        format!("au-delà de {} {sym}", french::km(max)),
        d.beyond,
    ));
    if d.unmeasured > 0 {
        bars.push((
            "non mesurés".into(),
            "communes que le réseau n'atteint pas".into(),
            d.unmeasured,
        ));
    }
    let total: u64 = bars.iter().map(|b| b.2).sum::<u64>() + d.at_zero;
    let top = bars.iter().map(|b| b.2).max().unwrap_or(0).max(1) as f64;
    let step = tick_step(top);
    let ymax = (top / step).ceil() * step;
    let y = |n: f64| TOP + h * (1.0 - n / ymax);
    let slot = w / bars.len() as f64;
    let mut s = open_svg(height, caption);
    let mut v = 0.0;
    while v <= ymax + 1e-9 {
        y_grid_line(&mut s, w, y(v), &french::int(v as u64));
        v += step;
    }
    for (k, (label, long, n)) in bars.iter().enumerate() {
        let x0 = LEFT + slot * k as f64;
        let _ = write!(
            s,
            "<rect class=\"barre\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">\
             <title>{}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"middle\">{}</text>",
            x0 + slot * 0.12,
            y(*n as f64),
            slot * 0.76,
            TOP + h - y(*n as f64),
            esc(&format!(
                "{long} : {} jeunes ({})",
                french::int(*n),
                french::percent(*n as f64, total as f64)
            )),
            x0 + slot / 2.0,
            TOP + h + 15.0,
            esc(label)
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"middle\">jusqu'à … {sym} du site le plus proche (chaque barre : la tranche qui se termine à ce seuil)</text>",
        LEFT + w / 2.0,
        height - 10.0
    );
    s.push_str("</svg>");
    let caption = format!(
        "{caption} Jeunes de 16 à 25 ans par tranche ; {} ({}) ont un site dans leur commune et ne sont pas dans les barres.",
        french::int(d.at_zero),
        french::percent(d.at_zero as f64, total as f64)
    );
    figure("graphique-distances", &s, "", &caption)
}

/// A perimeter's young people covered before and after the proposal.
pub struct BeforeAfter {
    pub name: String,
    pub jeunes: u64,
    pub before: u64,
    pub after: u64,
}

/// The share of young people covered, before and after the proposal, one
/// pair of bars per perimeter.
pub fn before_after_chart(rows: &[BeforeAfter], caption: &str) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let name_w = 270.0;
    let row_h = 40.0;
    let height = TOP + row_h * rows.len() as f64 + 30.0;
    let w = WIDTH - name_w - RIGHT - 120.0;
    let x = |share: f64| name_w + w * share;
    let mut s = open_svg(height, caption);
    for k in 0..=5 {
        let share = k as f64 / 5.0;
        let _ = write!(
            s,
            "<line x1=\"{:.1}\" x2=\"{:.1}\" y1=\"{TOP}\" y2=\"{:.1}\" class=\"grille\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\" text-anchor=\"middle\">{} %</text>",
            x(share),
            x(share),
            height - 24.0,
            x(share),
            height - 8.0,
            k * 20
        );
    }
    for (k, r) in rows.iter().enumerate() {
        let top = TOP + row_h * k as f64;
        let total = r.jeunes.max(1) as f64;
        let (b, a) = (r.before as f64 / total, r.after as f64 / total);
        let shown = if r.name.chars().count() > 40 {
            format!("{}…", r.name.chars().take(39).collect::<String>())
        } else {
            r.name.clone()
        };
        let title = format!(
            "{} : {} → {} jeunes couverts sur {} ({} → {}, +{})",
            r.name,
            french::int(r.before),
            french::int(r.after),
            french::int(r.jeunes),
            french::percent(r.before as f64, total),
            french::percent(r.after as f64, total),
            french::int(r.after.saturating_sub(r.before))
        );
        let _ = write!(
            s,
            "<g><title>{}</title>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"nom\" text-anchor=\"end\">{}</text>\
             <rect class=\"avant\" x=\"{name_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\"/>\
             <rect class=\"apres\" x=\"{name_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"axe\">{} → {}</text></g>",
            esc(&title),
            name_w - 8.0,
            top + 20.0,
            esc(&shown),
            top + 4.0,
            w * b,
            top + 19.0,
            w * a,
            x(1.0) + 6.0,
            top + 22.0,
            french::percent(r.before as f64, total),
            french::percent(r.after as f64, total)
        );
    }
    s.push_str("</svg>");
    let legend = "<p class=\"chart-legende\"><span><i class=\"carre avant\"></i> avant</span>\
                  <span><i class=\"carre apres\"></i> après la proposition</span></p>";
    figure("graphique-implantation", &s, legend, caption)
}

/// The charts' style (screen and print).
pub const STYLE: &str = r#"
figure.chart{margin:14px 0 18px;background:#fff;border:1px solid #ddd;padding:8px 10px;max-width:780px}
figure.chart svg.graphique{width:100%;height:auto;display:block}
figure.chart figcaption{font-size:13px;color:#444;margin-top:4px}
.graphique .grille{stroke:#e3e3e3;stroke-width:1}
.graphique .axe{font-size:11px;fill:#444}
.graphique .nom{font-size:12px;fill:#222}
.graphique .barre{fill:#4292c6}
.graphique .avant,.carre.avant{fill:#c6dbef;background:#c6dbef}
.graphique .apres,.carre.apres{fill:#08519c;background:#08519c}
.chart-legende{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;margin:6px 0 0}
.chart-legende span{white-space:nowrap}
.chart-legende svg{vertical-align:middle}
.carre{display:inline-block;width:14px;height:10px;vertical-align:middle}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::curves::Scale;
    use crate::model::Scope;

    fn curve(covered: Vec<u64>, jeunes: u64) -> CoverageCurve {
        let costs = (0..covered.len()).map(|k| k as f64 * 250.0).collect();
        CoverageCurve {
            scope: Scope::Region,
            jeunes,
            costs,
            covered,
        }
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(tick_step(20.0), 5.0);
        assert_eq!(tick_step(60.0), 10.0);
        assert_eq!(tick_step(363_988.0), 50_000.0);
        assert_eq!(tick_step(7.0), 1.0);
    }

    #[test]
    fn a_curve_ends_at_its_share_and_names_its_figures() {
        let c = curve(vec![10, 50, 80, 100, 100], 200);
        let svg = coverage_chart(
            &[Series {
                name: "Somme & co".into(),
                curve: &c,
                reference: false,
            }],
            Unit::Metres,
            "Part des jeunes",
        );
        // 100 of 200 at 1 km: the last point at half height.
        let top = TOP;
        let h = 300.0 - TOP - 40.0;
        let expected = format!("{:.1},{:.1}", LEFT + (WIDTH - LEFT - RIGHT), top + h * 0.5);
        assert!(svg.contains(&expected), "{svg}");
        assert!(svg.contains("Somme &amp; co"));
        assert!(svg.contains("1 km : 50,0 %"), "{svg}");
    }

    #[test]
    fn bars_hold_every_young_person_once() {
        let d = Distribution {
            scope: Scope::Region,
            scale: Scale::new(Unit::Metres, 3000.0),
            at_zero: 5,
            bands: vec![1, 2, 3],
            beyond: 4,
            unmeasured: 0,
        };
        let svg = distribution_chart(&d, Unit::Metres, "Jeunes par distance.");
        // Three bands and beyond; those at 0 in the caption.
        assert_eq!(svg.matches("<rect class=\"barre").count(), 4);
        assert!(
            svg.contains("5 (33,3 %) ont un site dans leur commune"),
            "{svg}"
        );
        assert!(svg.contains("de 2 à 3 km : 3 jeunes (20,0 %)"), "{svg}");
        assert!(svg.contains("au-delà de 3 km : 4 jeunes"));
        assert!(!svg.contains("non mesurés"));
    }

    #[test]
    fn before_and_after_bars_are_to_scale() {
        let svg = before_after_chart(
            &[BeforeAfter {
                name: "Hauts-de-France".into(),
                jeunes: 1000,
                before: 500,
                after: 750,
            }],
            "Avant, après",
        );
        assert!(svg.contains("50,0 % → 75,0 %"), "{svg}");
        assert!(svg.contains("+250"));
    }
}
