"""The peer benchmark behind scripts/bench-peers (run that, not this).

Two parts, both by default; `--only nearest` or `--only access` runs one.

Nearest site, maillage against geopandas `sjoin_nearest` (EPSG:2154), on
(1) the communes' measuring points and (2) seeded random points in the
region: both tools get the same points and the same 962 sites, in the same
run. maillage's time is its own "points : site le plus proche" step, read
from `--verbose` (projection to Lambert-93 included); geopandas' time is
`to_crs` + `sjoin_nearest`, and `sjoin_nearest` alone. The figure that
matters is the whole process of each tool, from the points file to the
result file: maillage's `distance --points` run (reading, locating each
point's commune, nearest site, writing points_distance.csv and the commune
tables), against a Python process that imports geopandas, reads the points
CSV and the sites, projects both (`to_crs`), joins (`sjoin_nearest`) and
writes the joined table as CSV; both timed from outside, wall clock; the
geopandas pipeline without the interpreter's start and imports is printed
too. Both answers are
compared point by point: maillage ranks sites by geodesic distance,
geopandas by Lambert-93 planar distance, so they may differ where two sites
are almost equally far; such cases are counted apart, with their distances.

Accessibility: maillage writes the cost table its scores used
(`couts_acces.csv`: commune, site, geodesic distance in metres with every
digit) and its scores with every digit (`scores_acces.csv`, per 10,000 young
people). PySAL `access` gets that same table, the same demand (young people
per commune) and a supply built here from the sites file's `type` column and
the documented weights (siege 1, antenne 0.5, permanence 0.2), and computes
the classic 2SFCA (`two_stage_fca`, max_cost = catchment) and the enhanced
2SFCA with maillage's default bands and with the APL bands
(`enhanced_two_stage_fca` with `weights.step_fn`, which includes each upper
bound as maillage does). Communes `access` leaves out (no site within reach)
score 0 in maillage: they are compared as 0. A site with no young people in
its catchment would differ (maillage gives it no ratio, access divides by
zero); there is none on the embedded data. Prints the largest absolute
difference per score, on the per-10,000 scale, against the 1e-9 target.
"""
import argparse
import csv
import os
import random
import re
import subprocess
import sys
import time

import geopandas as gpd
import pandas as pd

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WORK = os.path.join(ROOT, "target", "bench")
BIN = os.path.join(ROOT, "target", "release", "maillage")
SEED = 20261122

# The accessibility parameters, passed to maillage explicitly and used for
# access: maillage's documented defaults (bands in metres, weights as given).
ACCESS_KM = 10.0
E2SFCA_BANDS = [(5_000.0, 1.0), (10_000.0, 0.68), (15_000.0, 0.22)]
APL_BANDS = [(10_000.0, 1.0), (15_000.0, 2 / 3), (20_000.0, 1 / 3)]
SITE_WEIGHTS = {"siege": 1.0, "antenne": 0.5, "permanence": 0.2}
TARGET = 1e-9


def run_maillage(points_csv, out):
    t0 = time.perf_counter()
    p = subprocess.run([BIN, "distance", "--points", points_csv, "--grille-m", "0", "--csv", "rfc4180",
                        "--out", out, "--verbose"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    m = re.search(r"points : site le plus proche : ([0-9.]+) s", p.stderr)
    if not m:
        sys.exit("maillage did not report its nearest-site step:\n" + p.stderr)
    res = pd.read_csv(os.path.join(out, "points_distance.csv"), dtype={"id": str, "site_plus_proche": str})
    return float(m.group(1)), wall, res


def run_geopandas(points, sites):
    t0 = time.perf_counter()
    gp = gpd.GeoDataFrame(points[["id"]], geometry=gpd.points_from_xy(points.lon, points.lat), crs=4326).to_crs(2154)
    gs = gpd.GeoDataFrame(sites[["site_id"]], geometry=gpd.points_from_xy(sites.lon, sites.lat), crs=4326).to_crs(2154)
    t1 = time.perf_counter()
    j = gpd.sjoin_nearest(gp, gs, how="left", distance_col="distance_m")
    t2 = time.perf_counter()
    return t2 - t0, t2 - t1, j, gp, gs


# The whole geopandas pipeline, run as its own process: points CSV in, CSV out.
GEOPANDAS_WHOLE = """
import sys, time
t0 = time.perf_counter()
import geopandas as gpd
import pandas as pd
t1 = time.perf_counter()
points_csv, sites_csv, out_csv = sys.argv[1:4]
points = pd.read_csv(points_csv, dtype={"id": str})
sites = pd.read_csv(sites_csv, dtype={"site_id": str})
gp = gpd.GeoDataFrame(points[["id"]], geometry=gpd.points_from_xy(points.lon, points.lat), crs=4326).to_crs(2154)
gs = gpd.GeoDataFrame(sites[["site_id"]], geometry=gpd.points_from_xy(sites.lon, sites.lat), crs=4326).to_crs(2154)
j = gpd.sjoin_nearest(gp, gs, how="left", distance_col="distance_m")
j.drop(columns="geometry").to_csv(out_csv, index=False)
t2 = time.perf_counter()
print(f"{t1 - t0} {t2 - t1}")
"""


def run_geopandas_whole(points_csv, out_csv):
    """Wall time of the whole geopandas process, and of its pipeline alone
    (read, project, join, write; without the interpreter and imports)."""
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", GEOPANDAS_WHOLE, points_csv,
                        os.path.join(ROOT, "geodata", "sites.csv"), out_csv],
                       capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    _, pipeline = map(float, p.stdout.split())
    return wall, pipeline


def compare(name, points, sites):
    pts_csv = os.path.join(WORK, f"{name}.csv")
    points.to_csv(pts_csv, index=False)
    m_step, m_wall, mres = run_maillage(pts_csv, os.path.join(WORK, f"maillage_{name}"))
    g_wall, g_pipeline = run_geopandas_whole(pts_csv, os.path.join(WORK, f"geopandas_{name}.csv"))
    g_total, g_join, j, gp, gs = run_geopandas(points, sites)
    # geopandas returns one row per tied site: keep the set per point.
    ties = j.groupby("id")["site_id"].apply(set)
    mine = mres.set_index("id")["site_plus_proche"]
    agree = sum(1 for i, s in mine.items() if s in ties[i])
    differ = [(i, s) for i, s in mine.items() if s not in ties[i]]
    # For each disagreement: how much farther, in the plane, maillage's site is.
    pos = gs.set_index("site_id").geometry
    gpt = gp.set_index("id").geometry
    gaps = []
    for i, s in differ:
        other = next(iter(ties[i]))
        d_mine, d_theirs = gpt[i].distance(pos[s]), gpt[i].distance(pos[other])
        gaps.append((d_mine - d_theirs, d_theirs))
    n = len(points)
    print(f"\n== {name}: {n:,} points, {len(sites)} sites")
    print(f"maillage, nearest-site step (projection included, {os.cpu_count()} threads): {m_step:8.3f} s   (whole process {m_wall:.2f} s)")
    print(f"geopandas, to_crs + sjoin_nearest (1 thread):                  {g_total:8.3f} s")
    print(f"geopandas, sjoin_nearest alone:                                {g_join:8.3f} s")
    if m_step > 0:
        print(f"ratio geopandas (to_crs + sjoin) / maillage: {g_total / m_step:6.1f}x")
        print(f"ratio geopandas (sjoin alone) / maillage:    {g_join / m_step:6.1f}x")
    else:
        print("maillage step below the 1 ms resolution of its timer: ratio not computed")
    print(f"whole process, points file to result file (wall clock, {os.cpu_count()} cores):")
    print(f"  maillage distance --points:                                  {m_wall:8.3f} s")
    print(f"  geopandas, python + imports + read + to_crs + sjoin + write: {g_wall:8.3f} s"
          f"   (pipeline without start and imports {g_pipeline:.3f} s)")
    print(f"ratio whole process geopandas / maillage: {g_wall / m_wall:6.1f}x"
          f"   (geopandas pipeline alone / maillage whole: {g_pipeline / m_wall:.1f}x)")
    print(f"same nearest site: {agree:,} of {n:,}; different: {len(differ):,}")
    if gaps:
        worst = max(g for g, _ in gaps)
        rel = max(g / d for g, d in gaps if d > 0) if any(d > 0 for _, d in gaps) else 0.0
        print(f"  where they differ, maillage's site is at most {worst:.1f} m ({100 * rel:.3f} %) farther in the plane:"
              " near-ties that the geodesic and the Lambert-93 plane rank differently")
    return agree, len(differ)


def bands_arg(bands):
    """maillage's KM:WEIGHT syntax; the weights 2/3 and 1/3 as fractions, so
    that both sides hold the same float."""
    def w(x):
        return {2 / 3: "2/3", 1 / 3: "1/3"}.get(x, repr(x))
    return ",".join(f"{b / 1000:g}:{w(x)}" for b, x in bands)


def access_part():
    import access
    from access import weights

    out = os.path.join(WORK, "access")
    t0 = time.perf_counter()
    p = subprocess.run([BIN, "distance", "--grille-m", "0", "--csv", "rfc4180", "--out", out, "--verbose",
                        "--ecrire-couts-acces", "--acces-km", f"{ACCESS_KM:g}",
                        "--acces-tranches-km", bands_arg(E2SFCA_BANDS), "--apl-tranches-km", bands_arg(APL_BANDS),
                        "--poids-sites", ",".join(f"{k}={v:g}" for k, v in SITE_WEIGHTS.items())],
                       capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    m = re.search(r"accessibilité : ([0-9.]+) s", p.stderr)
    if not m:
        sys.exit("maillage did not report its accessibility step:\n" + p.stderr)
    m_step = float(m.group(1))
    # Floats are read as text and parsed by Python, which gives back exactly
    # the f64 maillage wrote (pandas' fast parser may be off by an ulp).
    costs = pd.read_csv(os.path.join(out, "couts_acces.csv"), dtype=str)
    costs["distance_m"] = costs.distance_m.map(float)
    mine = pd.read_csv(os.path.join(out, "scores_acces.csv"), dtype=str).set_index("code_insee")
    mine["jeunes_16_25"] = mine.jeunes_16_25.map(int)
    for col in ["acces_2sfca", "acces_e2sfca", "acces_apl"]:
        mine[col] = mine[col].map(float)
    demand = mine[["jeunes_16_25"]].reset_index()
    sites = pd.read_csv(os.path.join(ROOT, "geodata", "sites.csv"), dtype={"site_id": str})
    supply = pd.DataFrame({"site_id": sites.site_id, "offre": sites["type"].map(SITE_WEIGHTS)})
    if supply.offre.isna().any():
        sys.exit("sites.csv: unexpected site types " + str(sorted(set(sites["type"]) - set(SITE_WEIGHTS))))

    t1 = time.perf_counter()
    acc = access.Access(demand_df=demand, demand_index="code_insee", demand_value="jeunes_16_25",
                        supply_df=supply, supply_index="site_id", supply_value="offre",
                        cost_df=costs, cost_origin="code_insee", cost_dest="site_id", cost_name="distance_m")
    acc.two_stage_fca(name="2sfca", max_cost=ACCESS_KM * 1000)
    acc.enhanced_two_stage_fca(name="e2sfca", max_cost=E2SFCA_BANDS[-1][0], weight_fn=weights.step_fn(dict(E2SFCA_BANDS)))
    acc.enhanced_two_stage_fca(name="apl", max_cost=APL_BANDS[-1][0], weight_fn=weights.step_fn(dict(APL_BANDS)))
    a_time = time.perf_counter() - t1
    theirs = acc.access_df

    print(f"\n== accessibility: {len(mine):,} communes, {len(supply)} sites, {len(costs):,} commune-site pairs"
          f" (PySAL access {getattr(access, '__version__', '?')})")
    print(f"maillage, accessibility step (cost table + 3 scores, {os.cpu_count()} threads): {m_step:8.3f} s"
          f"   (whole process {wall:.2f} s)")
    print(f"access, 2SFCA + E2SFCA + APL on maillage's cost table (1 thread):    {a_time:8.3f} s")
    ok = True
    for col in ["2sfca", "e2sfca", "apl"]:
        t = theirs[f"{col}_offre"].reindex(mine.index)
        left_out = int(t.isna().sum())
        t = t.fillna(0.0) * 10_000
        diff = (mine[f"acces_{col}"] - t).abs()
        worst = diff.idxmax()
        rel = (diff / t.where(t > 0)).max()
        passed = diff.max() <= TARGET
        ok &= passed
        print(f"acces_{col:7s} largest |maillage - access| = {diff.max():.3e} per 10,000 young people"
              f" (commune {worst}; largest relative {rel:.1e}; {left_out} communes with no site in reach)"
              f"  {'PASS' if passed else 'FAIL'} (target {TARGET:g})")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--only", choices=["nearest", "access"], help="run one part only")
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    ok = True
    if a.only != "nearest":
        ok = access_part()
    if a.only == "access":
        sys.exit(0 if ok else 1)
    sites = pd.read_csv(os.path.join(ROOT, "geodata", "sites.csv"), dtype={"site_id": str, "code_insee": str, "code_ml": str})
    # (1) The communes' measuring points, as maillage's report gives them.
    subprocess.run([BIN, "distance", "--grille-m", "0", "--csv", "rfc4180", "--out", os.path.join(WORK, "report"), "--quiet"],
                   check=True, capture_output=True)
    com = pd.read_csv(os.path.join(WORK, "report", "communes.csv"), dtype={"code_insee": str})
    communes = pd.DataFrame({"id": com.code_insee, "lon": com.lon_mesure, "lat": com.lat_mesure})
    compare("communes", communes, sites)
    # (2) Seeded random points over the region's bounding box.
    rng = random.Random(SEED)
    n = a.points
    rnd = pd.DataFrame({"id": [f"P{i:07d}" for i in range(n)],
                        "lon": [round(1.38 + 2.8 * rng.random(), 6) for _ in range(n)],
                        "lat": [round(48.84 + 2.2 * rng.random(), 6) for _ in range(n)]})
    compare(f"points_{n}", rnd, sites)
    if not ok:
        sys.exit("accessibility scores differ from access beyond the target")


if __name__ == "__main__":
    main()
