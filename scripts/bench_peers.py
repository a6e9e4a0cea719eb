"""The peer benchmark behind scripts/bench-peers (run that, not this).

Nearest site, maillage against geopandas `sjoin_nearest` (EPSG:2154), on
(1) the communes' measuring points and (2) seeded random points in the
region: both tools get the same points and the same 962 sites, in the same
run. maillage's time is its own "points : site le plus proche" step, read
from `--verbose` (projection to Lambert-93 included); geopandas' time is
`to_crs` + `sjoin_nearest`, and `sjoin_nearest` alone. Both answers are
compared point by point: maillage ranks sites by geodesic distance,
geopandas by Lambert-93 planar distance, so they may differ where two sites
are almost equally far; such cases are counted apart, with their distances.
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


def run_maillage(points_csv, out):
    t0 = time.perf_counter()
    p = subprocess.run([BIN, "distance", "--points", points_csv, "--grid-m", "0", "--csv", "rfc4180",
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


def compare(name, points, sites):
    pts_csv = os.path.join(WORK, f"{name}.csv")
    points.to_csv(pts_csv, index=False)
    m_step, m_wall, mres = run_maillage(pts_csv, os.path.join(WORK, f"maillage_{name}"))
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
    print(f"same nearest site: {agree:,} of {n:,}; different: {len(differ):,}")
    if gaps:
        worst = max(g for g, _ in gaps)
        rel = max(g / d for g, d in gaps if d > 0) if any(d > 0 for _, d in gaps) else 0.0
        print(f"  where they differ, maillage's site is at most {worst:.1f} m ({100 * rel:.3f} %) farther in the plane:"
              " near-ties that the geodesic and the Lambert-93 plane rank differently")
    return agree, len(differ)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", type=int, default=1_000_000)
    a = ap.parse_args()
    os.makedirs(WORK, exist_ok=True)
    sites = pd.read_csv(os.path.join(ROOT, "geodata", "sites.csv"), dtype={"site_id": str, "code_insee": str, "code_ml": str})
    # (1) The communes' measuring points, as maillage's report gives them.
    subprocess.run([BIN, "distance", "--grid-m", "0", "--csv", "rfc4180", "--out", os.path.join(WORK, "report"), "--quiet"],
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


if __name__ == "__main__":
    main()
