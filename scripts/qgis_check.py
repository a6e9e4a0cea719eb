#!/usr/bin/python3
"""QGIS opens a report's maillage.gpkg styled: the check run by scripts/qgis-check.

Usage: qgis_check.py OUT_DIR PNG_PREFIX

Opens every layer of OUT_DIR/maillage.gpkg with QGIS (python3-qgis,
headless), checks that each is valid and comes up in its default style from
the `layer_styles` table with the renderer, classes, colours, markers and
French legend labels of the PNG maps, that each commune falls in the class
its distance (or time) in OUT_DIR/communes.csv puts it in, then renders the
communes (by distance, and in the second style, by classement) to
PNG_PREFIX_distances.png and PNG_PREFIX_classement.png and checks the pixel
colour at the most inward point of one commune of every class. Prints what it
checked; exits 1 on the first list of failures.

The expected classes below are written out again on purpose (they are those
of src/output/style.rs, the maps' palette): a colour or bound changed in the
Rust code without its map counterpart, or a style QGIS reads otherwise than
meant, fails here.
"""

import csv
import os
import sys

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsPointXY,
    QgsRenderContext,
    QgsSimpleMarkerSymbolLayerBase,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

# Marker shapes: Qgis.MarkerShape from QGIS 3.24, before on the symbol layer.
Shape = getattr(Qgis, "MarkerShape", QgsSimpleMarkerSymbolLayerBase)

BANDS = {
    "distance_km": [
        (5, "0 – 5 km", "#1a9850"),
        (10, "5 – 10 km", "#91cf60"),
        (15, "10 – 15 km", "#fee08b"),
        (20, "15 – 20 km", "#fc8d59"),
        (float("inf"), "20 km et plus", "#d73027"),
    ],
    "temps_min": [
        (15, "0 – 15 min", "#1a9850"),
        (30, "15 – 30 min", "#91cf60"),
        (45, "30 – 45 min", "#fee08b"),
        (60, "45 – 60 min", "#fc8d59"),
        (float("inf"), "60 min et plus", "#d73027"),
    ],
}
NO_COST = "#cccccc"
CLASSEMENT = {
    "FRR_PLUS": ("FRR+", "#7b3294"),
    "FRR": ("FRR", "#c2a5cf"),
    "ZRR_MAINTENUE": ("ZRR maintenue", "#a6dba0"),
    "NON_CLASSEE": ("non classée", "#f7f7f7"),
}
# type: (legend label, shape, colour, diameter in pixels)
SITES = {
    "siege": ("Sièges", Shape.Square, "#08306b", 11.0),
    "antenne": ("Antennes", Shape.Circle, "#08519c", 8.0),
    "permanence": ("Permanences", Shape.Circle, "#3182bd", 4.8),
}
# (last rank of the class, label, colour)
RANKS = [
    (5, "rangs 1 à 5", "#99000d"),
    (10, "rangs 6 à 10", "#cb181d"),
    (20, "rangs 11 à 20", "#fb6a4a"),
    (None, "rangs suivants", "#fcbba1"),
]
BASINS = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
    "#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
]
QPV = "#e31a1c"
# Where the counts are taken: the territory, as its kind names it.
WITHIN = ("dans la région", "dans le département", "dans le territoire", "en France")
STAR = "#d7301f"
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
    return ok


def french_int(n):
    """An integer as the French tables write it (no-break space)."""
    return f"{n:,}".replace(",", "\u00a0")


def number(text):
    text = text.strip().replace("\u00a0", "").replace(",", ".")
    return float(text) if text else None


def band(bands, x):
    """The index of x's band, None when there is no value."""
    if x is None:
        return None
    return next(k for k, b in enumerate(bands) if x <= b[0])


def open_layer(gpkg, name):
    layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
    check(layer.isValid(), f"{name}: QGIS cannot open the layer")
    return layer


def symbol_colour(symbol):
    return symbol.color().name() if symbol is not None else None


def colours_by_feature(layer):
    """{code_insee or fid: colour of the symbol QGIS draws it with}."""
    renderer = layer.renderer().clone()
    ctx = QgsRenderContext()
    ctx.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(ctx, layer.fields())
    out = {}
    for f in layer.getFeatures():
        ctx.expressionContext().setFeature(f)
        symbols = renderer.symbolsForFeature(f, ctx)
        out[f["code_insee"]] = [symbol_colour(s) for s in symbols]
    renderer.stopRender(ctx)
    return out


def render(layer, path, size=1600, above=()):
    """Renders the layer (under the layers `above`, top first) on white;
    returns the image and map settings."""
    settings = QgsMapSettings()
    settings.setLayers(list(above) + [layer])
    settings.setDestinationCrs(layer.crs())
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setOutputSize(QSize(size, size))
    extent = layer.extent()
    extent.scale(1.04)  # a margin round the layer
    settings.setExtent(extent)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    check(image.save(path, "PNG"), f"cannot save {path}")
    return image, settings


def pixel_checks(layer, image, settings, expected, what):
    """For each class of `expected` ({code: colour}), the commune of that
    class whose most inward point lies deepest inside it: the pixel there
    must be the class colour."""
    m2p = settings.mapToPixel()
    px = settings.mapUnitsPerPixel()
    best = {}
    for f in layer.getFeatures():
        colour = expected.get(f["code_insee"])
        if colour is None:
            continue
        point, depth = f.geometry().poleOfInaccessibility(px / 2)
        if depth > best.get(colour, (None, 0, None))[1]:
            best[colour] = (f, depth, point)
    check(len(best) == len(set(expected.values())), f"{what}: a class has no commune to check")
    for colour, (f, depth, point) in sorted(best.items()):
        p = m2p.transform(QgsPointXY(point.asPoint()))
        x, y = int(p.x()), int(p.y())
        got = QColor(image.pixel(x, y)).name()
        print(
            f"  {what}: {f['nom']} ({f['code_insee']}) at pixel ({x}, {y}), "
            f"{depth / px:.0f} px inside: {got}, expected {colour}"
        )
        check(depth >= 3 * px, f"{what}: {f['nom']} is too small to check on the render")
        check(got == colour, f"{what}: {f['nom']} ({f['code_insee']}) drawn {got}, expected {colour}")


def check_communes(gpkg, out_dir, prefix):
    layer = open_layer(gpkg, "communes")
    with open(os.path.join(out_dir, "communes.csv"), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    column = "temps_min" if "temps_min" in rows[0] else "distance_km"
    bands = BANDS[column]
    by_time = column == "temps_min"
    r = layer.renderer()
    check(r.type() == "RuleRenderer", f"communes: renderer {r.type()}, expected RuleRenderer")
    heading = r.rootRule().children()
    check(len(heading) == 1, "communes: expected one heading rule")
    title = heading[0].label()
    check(
        title.startswith("Temps de la mairie au site le plus proche" if by_time
                         else "Distance de la mairie au site le plus proche"),
        f"communes: heading {title!r}",
    )
    rules = heading[0].children()
    classes = [band(bands, number(row[column])) for row in rows]
    total = sum(int(row["jeunes_16_25"]) for row in rows)
    unmeasured = classes.count(None)
    check(
        len(rules) == len(bands) + (1 if unmeasured else 0),
        f"communes: {len(rules)} classes, expected {len(bands)} (+1 when some have no time)",
    )
    print(f"  communes ({column}): {title}")
    for k, rule in enumerate(rules):
        if k < len(bands):
            n = classes.count(k)
            young = sum(int(row["jeunes_16_25"]) for row, c in zip(rows, classes) if c == k)
            share = f"{100 * young / total:.1f}".replace(".", ",") if total else "–"
            label = f"{bands[k][1]} : {french_int(n)} communes, {share} % des jeunes"
            colour = bands[k][2]
        else:
            label = (
                "sans temps (loin du réseau, ou aucun site atteint) : "
                f"{french_int(unmeasured)} communes"
            )
            colour = NO_COST
        print(f"    {rule.label()} → {symbol_colour(rule.symbol())}")
        check(rule.label() == label, f"communes: label {rule.label()!r}, expected {label!r}")
        check(symbol_colour(rule.symbol()) == colour, f"communes: {label} drawn {symbol_colour(rule.symbol())}")
    # Every commune in the class its value in communes.csv puts it in.
    expected = {
        row["code_insee"]: bands[c][2] if c is not None else NO_COST
        for row, c in zip(rows, classes)
    }
    drawn = colours_by_feature(layer)
    wrong = [code for code, colour in expected.items() if drawn.get(code) != [colour]]
    check(not wrong, f"communes: {len(wrong)} communes in the wrong class, e.g. {wrong[:5]}")
    print(f"    {len(expected) - len(wrong)} of {len(expected)} communes in the class of communes.csv")
    image, settings = render(layer, f"{prefix}_distances.png")
    pixel_checks(layer, image, settings, expected, "distances")

    # The second style: by classement.
    ids, names, _descriptions = layer.listStylesInDatabase()[1:4]
    check("maillage – classement" in names, f"communes: no classement style in {set(names)}")
    if "maillage – classement" in names:
        qml = layer.getStyleFromDatabase(ids[names.index("maillage – classement")])
        if isinstance(qml, tuple):  # (style, error message) in PyQGIS
            qml = qml[0]
        doc = QDomDocument()
        doc.setContent(qml)
        ok, message = layer.importNamedStyle(doc)
        check(ok, f"communes: the classement style does not load: {message}")
        r = layer.renderer()
        check(r.type() == "categorizedSymbol" and r.classAttribute() == "classement",
              f"communes (classement): renderer {r.type()}")
        cats = r.categories()
        check([c.value() for c in cats] == list(CLASSEMENT), f"communes (classement): {[c.value() for c in cats]}")
        for c in cats:
            label, colour = CLASSEMENT.get(c.value(), ("?", "?"))
            n = sum(1 for row in rows if row["classement"] == c.value())
            want = f"{label} ({french_int(n)} communes)"
            print(f"    {c.label()} → {symbol_colour(c.symbol())}")
            check(c.label() == want, f"communes (classement): {c.label()!r}, expected {want!r}")
            check(symbol_colour(c.symbol()) == colour, f"communes (classement): {want} drawn {symbol_colour(c.symbol())}")
        expected = {row["code_insee"]: CLASSEMENT[row["classement"]][1] for row in rows}
        image, settings = render(layer, f"{prefix}_classement.png")
        pixel_checks(layer, image, settings, expected, "classement")


def check_qpv(gpkg):
    layer = open_layer(gpkg, "qpv")
    r = layer.renderer()
    rules = r.rootRule().children()[0].children() if r.type() == "RuleRenderer" else []
    check(len(rules) == 1, f"qpv: renderer {r.type()} with {len(rules)} classes, expected one rule")
    for rule in rules:
        want = [f"QPV 2024 ({french_int(layer.featureCount())} quartiers {w})" for w in WITHIN]
        print(f"  qpv: {rule.label()} → {symbol_colour(rule.symbol())}")
        check(rule.label() in want, f"qpv: {rule.label()!r}, expected {want[0]!r}")
        check(symbol_colour(rule.symbol()) == QPV, "qpv: not drawn in the maps' red")
        sl = rule.symbol().symbolLayer(0)
        check(sl.strokeColor().name() == QPV, "qpv: not outlined in the maps' red")


def check_sites(gpkg):
    layer = open_layer(gpkg, "sites")
    r = layer.renderer()
    check(r.type() == "categorizedSymbol" and r.classAttribute() == "type",
          f"sites: renderer {r.type()}, expected categorized by type")
    check(r.usingSymbolLevels(), "sites: head offices are not drawn on top (symbol levels)")
    cats = r.categories()
    check([c.value() for c in cats] == list(SITES), f"sites: categories {[c.value() for c in cats]}")
    counts = {}
    for f in layer.getFeatures():
        counts[f["type"]] = counts.get(f["type"], 0) + 1
    for c in cats:
        label, shape, colour, size = SITES.get(c.value(), ("?", None, "?", 0))
        want = [f"{label} ({french_int(counts.get(c.value(), 0))} {w})" for w in WITHIN]
        sl = c.symbol().symbolLayer(0)
        print(f"  sites: {c.label()} → {symbol_colour(c.symbol())}, size {sl.size()} px")
        check(c.label() in want, f"sites: {c.label()!r}, expected {want[0]!r}")
        check(symbol_colour(c.symbol()) == colour, f"sites: {label} drawn {symbol_colour(c.symbol())}")
        check(sl.shape() == shape, f"sites: {label} drawn as shape {sl.shape()}")
        check(abs(sl.size() - size) < 1e-9 and sl.sizeUnit() == QgsUnitTypes.RenderPixels,
              f"sites: {label} of size {sl.size()}")


def check_hotspots(gpkg):
    layer = open_layer(gpkg, "hotspots")
    n = layer.featureCount()
    r = layer.renderer()
    check(r.type() == "graduatedSymbol" and r.classAttribute() == "rang",
          f"hotspots: renderer {r.type()}, expected graduated on rang")
    expected = []
    first = 1
    for last, label, colour in RANKS:
        if first <= n:
            if last is None:
                expected.append((first, n, f"{label} ({n - first + 1} groupes)", colour))
            else:
                expected.append((first, min(last, n), label, colour))
        first = (last or n) + 1
    ranges = r.ranges()
    got = [(rg.lowerValue(), rg.upperValue(), rg.label(), symbol_colour(rg.symbol())) for rg in ranges]
    for g in got:
        print(f"  hotspots: {g[2]} ({g[0]:g}–{g[1]:g}) → {g[3]}")
    check(got == [(float(a), float(b), c, d) for a, b, c, d in expected],
          f"hotspots: classes {got}, expected {expected}")
    check(layer.labelsEnabled(), "hotspots: no rank labels")


def check_basins(gpkg):
    layer = open_layer(gpkg, "bassins")
    r = layer.renderer()
    check(r.type() == "categorizedSymbol" and r.classAttribute() == "bassin",
          f"bassins: renderer {r.type()}, expected categorized by bassin")
    names = [f["bassin"] for f in layer.getFeatures(QgsFeatureRequest().addOrderBy("fid"))]
    cats = r.categories()
    check([c.value() for c in cats] == names, "bassins: one category per basin, in order")
    for k, c in enumerate(cats):
        print(f"  bassins: {c.label()} → {symbol_colour(c.symbol())}")
        check(c.label().startswith(f"{k + 1:02} – {names[k]} : "), f"bassins: label {c.label()!r}")
        check(symbol_colour(c.symbol()) == BASINS[k % len(BASINS)], f"bassins: {names[k]} drawn {symbol_colour(c.symbol())}")
    check(layer.labelsEnabled(), "bassins: no number labels")


def check_placement(gpkg):
    layer = open_layer(gpkg, "placement")
    r = layer.renderer()
    rules = r.rootRule().children()[0].children() if r.type() == "RuleRenderer" else []
    check(len(rules) == 1, f"placement: renderer {r.type()} with {len(rules)} classes")
    for rule in rules:
        sl = rule.symbol().symbolLayer(0)
        print(f"  placement: {rule.label()} → {symbol_colour(rule.symbol())}, shape {sl.shape()}")
        check(rule.label() == "nouvelle permanence (rang du choix)", f"placement: {rule.label()!r}")
        check(symbol_colour(rule.symbol()) == STAR, "placement: star not in the maps' red")
        check(sl.shape() == Shape.Star, "placement: not a star")
    check(layer.labelsEnabled() and layer.labeling().settings().fieldName == '"rang"',
          "placement: no rank labels")


def main():
    out_dir, prefix = sys.argv[1], sys.argv[2]
    gpkg = os.path.join(out_dir, "maillage.gpkg")
    app = QgsApplication([], False)
    app.initQgis()
    print(f"QGIS {Qgis.QGIS_VERSION} opens {gpkg}")
    check_communes(gpkg, out_dir, prefix)
    check_qpv(gpkg)
    check_sites(gpkg)
    check_hotspots(gpkg)
    check_basins(gpkg)
    check_placement(gpkg)
    # For the eye: every layer over the communes, as a planner opens them.
    communes = open_layer(gpkg, "communes")
    above = [open_layer(gpkg, name) for name in ("placement", "sites", "qpv")]
    render(communes, f"{prefix}_couches.png", above=above)
    render(open_layer(gpkg, "bassins"), f"{prefix}_bassins.png")
    render(open_layer(gpkg, "hotspots"), f"{prefix}_hotspots.png")
    for f in failures:
        print(f"ÉCHEC : {f}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()
    # QGIS 3.22's Python bindings may crash while tearing down: leave now.
    os._exit(1 if failures else 0)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a QGIS API error is a failure too
        import traceback
        traceback.print_exc()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(1)
