"""The placement half of the peer benchmark (run scripts/bench-peers, not this).

`maillage place` against spopt's maximal covering location problem (MCLP),
solved with the CBC that PuLP bundles, on the same inputs in the same run.

The problem: each commune is a demand point weighted by its young people
16-25, at its measuring point (`lon_mesure`, `lat_mesure` of the
communes.csv that `maillage distance` writes). A point covers a commune when
its geodesic (WGS84) distance to the measuring point is <= R, or when it lies
in the commune's polygon. The 962 existing sites are fixed; K new sites are
chosen among the communes' town halls (one candidate per commune, at its
measuring point), to maximise the young people covered.

This side builds the coverage matrix itself, independently of maillage:
pyproj `Geod(ellps="WGS84").inv` (Karney's algorithm, as in maillage) for
every commune-facility pair, geopandas `sjoin(predicate="within")` for the
in-polygon rule (those pairs get cost 0). spopt's `MCLP.from_cost_matrix`
then gets p_facilities = 962 + K, the sites as predefined facilities, and
the young people as weights.

maillage reads "a site in the commune" otherwise: an existing site counts in
the commune sites.csv names, a town-hall candidate in its own commune. The
two readings differ only where a town-hall point lies outside its commune's
polygon (maillage keeps such points up to 1 km out), so only at small radii
(on the embedded data, under 2.63 km); there the MCLP is solved a second time
under maillage's reading, and maillage's bound and proofs are checked on that
one.

Then it runs `maillage place` with the same K and R, reads its objective,
bound, stated gap and step time, re-evaluates maillage's chosen candidates on
the matrix built here, and prints the comparison, the time ratios and
PASS/FAIL for the issue's two targets (covered young people within 0.5 % of
spopt's optimum; at least 100 times faster). Where the two disagree, it
lists the communes whose coverage differs and why.
"""
import argparse
import csv
import os
import re
import subprocess
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd
import pulp
from pyproj import Geod
from spopt.locate import MCLP

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WORK = os.path.join(ROOT, "target", "bench", "placement")
BIN = os.path.join(ROOT, "target", "release", "maillage")
# Pairs whose distance is this close to R could be counted differently by
# two correct distance codes (float rounding), or by the 6 decimals of a
# coordinate written to CSV.
NEAR_TIE_M = 0.01
TARGET_GAP_PCT = 0.5
TARGET_SPEEDUP = 100.0


def read_inputs(bin_path):
    """The communes' measuring points and young people, as maillage reports
    them, the sites, and the commune polygons."""
    out = os.path.join(WORK, "report")
    subprocess.run([bin_path, "distance", "--grille-m", "0", "--csv", "rfc4180", "--out", out, "--quiet"],
                   check=True, capture_output=True)
    com = pd.read_csv(os.path.join(out, "communes.csv"), dtype={"code_insee": str, "site_plus_proche": str})
    sites = pd.read_csv(os.path.join(ROOT, "geodata", "sites.csv"),
                        dtype={"site_id": str, "code_insee": str, "code_ml": str})
    poly = gpd.read_file(os.path.join(ROOT, "geodata", "communes.geojson"))[["code_insee", "geometry"]]
    return com, sites, poly


def coverage_matrix(com, sites, poly):
    """Cost matrix (metres), communes x facilities, facilities = the sites
    then one candidate per commune at its measuring point; 0 where the
    facility lies in the commune's polygon. Returns the matrix, the raw
    geodesic distances, the in-polygon pairs and the time taken."""
    t0 = time.perf_counter()
    fac_lon = np.concatenate([sites.lon.to_numpy(float), com.lon_mesure.to_numpy(float)])
    fac_lat = np.concatenate([sites.lat.to_numpy(float), com.lat_mesure.to_numpy(float)])
    n_com, n_fac = len(com), len(fac_lon)
    geod = Geod(ellps="WGS84")
    dist = np.empty((n_com, n_fac))
    step = 256  # communes per call, to bound memory
    for a in range(0, n_com, step):
        b = min(a + step, n_com)
        lon1 = np.repeat(com.lon_mesure.to_numpy(float)[a:b], n_fac)
        lat1 = np.repeat(com.lat_mesure.to_numpy(float)[a:b], n_fac)
        _, _, d = geod.inv(lon1, lat1, np.tile(fac_lon, b - a), np.tile(fac_lat, b - a))
        dist[a:b] = d.reshape(b - a, n_fac)
    t1 = time.perf_counter()
    pts = gpd.GeoDataFrame({"fac": np.arange(n_fac)}, geometry=gpd.points_from_xy(fac_lon, fac_lat), crs=4326)
    j = gpd.sjoin(pts, poly.to_crs(4326), predicate="within", how="inner")
    row_of = pd.Series(np.arange(n_com), index=com.code_insee)
    rows = row_of.reindex(j.code_insee).to_numpy()
    ok = ~np.isnan(rows)
    inside = (rows[ok].astype(int), j.fac.to_numpy()[ok])
    cost = dist.copy()
    cost[inside] = 0.0
    t2 = time.perf_counter()
    return cost, dist, inside, t1 - t0, t2 - t1


def boundary_points(sites, com, poly):
    """Facilities on a commune's boundary: inside for maillage (boundary
    counts), not `within` for geopandas."""
    fac_lon = np.concatenate([sites.lon.to_numpy(float), com.lon_mesure.to_numpy(float)])
    fac_lat = np.concatenate([sites.lat.to_numpy(float), com.lat_mesure.to_numpy(float)])
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(fac_lon, fac_lat), crs=4326)
    a = gpd.sjoin(pts, poly, predicate="intersects")
    b = gpd.sjoin(pts, poly, predicate="within")
    return len(a) - len(b)


def solve_spopt(cost, weights, radius_m, n_sites, k, threads):
    n_fac = cost.shape[1]
    fixed = np.zeros(n_fac, dtype=int)
    fixed[:n_sites] = 1
    t0 = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius_m, p_facilities=n_sites + k,
                                  predefined_facilities_arr=fixed, name="mclp_placement")
    t1 = time.perf_counter()
    solver = pulp.PULP_CBC_CMD(msg=False, threads=threads)
    model.solve(solver, results=False)
    t2 = time.perf_counter()
    status = pulp.LpStatus[model.problem.status]
    objective = round(pulp.value(model.problem.objective))
    chosen = [j - n_sites for j in range(n_sites, n_fac) if model.fac_vars[j].value() > 0.5]
    return objective, status, chosen, t1 - t0, t2 - t1


def run_maillage(bin_path, k, radius_km, out, extra=()):
    t0 = time.perf_counter()
    p = subprocess.run([bin_path, "implantation", "--nombre", str(k), "--rayon-km", f"{radius_km:g}", "--candidats", "mairies",
                        "--objectif", "jeunes", "--csv", "rfc4180", "--out", out, "--verbose", *extra],
                       capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"maillage place failed ({p.returncode}):\n{p.stderr}")
    # The step's time is the line "placement : 0.012 s" (another line starts
    # with "placement : 5 sites, ...").
    m = re.search(r"^placement : ([0-9.]+) s$", p.stderr, re.MULTILINE)
    if not m:
        sys.exit("maillage did not report its placement step:\n" + p.stderr)
    with open(os.path.join(out, "placement_bilan.csv"), newline="", encoding="utf-8-sig") as f:
        bilan = {r["indicateur"]: r["valeur"] for r in csv.DictReader(f)}
    need = ["demande_totale", "couvert_avant", "gain", "couvert_apres", "borne_couvert_apres", "ecart_pct"]
    missing = [n for n in need if n not in bilan]
    if missing:
        sys.exit(f"placement_bilan.csv lacks {', '.join(missing)}")
    place = pd.read_csv(os.path.join(out, "placement.csv"), dtype={"code_insee": str, "candidat": str, "code_ml": str})
    return float(m.group(1)), wall, bilan, place


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def explain_before(com, sites, dist, inside, radius_m, mine_before):
    """Communes covered by the existing sites for one rule and not the other:
    maillage's own rule is read from its communes.csv (nearest-site distance
    and sites in the commune)."""
    d_km = com["distance_km"].to_numpy(float)
    n_in = com["nb_sites_commune"].to_numpy(int)
    theirs = (d_km * 1000.0 <= radius_m) | (n_in > 0)
    diff = np.flatnonzero(theirs != mine_before)
    lines = []
    n_sites = len(sites)
    for i in diff:
        near = dist[i, :n_sites].min()
        poly_sites = int((inside[1][inside[0] == i] < n_sites).sum())
        note = " (the report rounds to the metre)" if abs(near - radius_m) <= 1.0 else ""
        lines.append(f"    {com.code_insee[i]} {com.nom[i]}: recomputed "
                     f"{'covered' if mine_before[i] else 'not covered'} (nearest site {near:.3f} m, "
                     f"{poly_sites} site(s) in its polygon); maillage's report "
                     f"{'covered' if theirs[i] else 'not covered'} (distance {d_km[i]:.3f} km, "
                     f"{n_in[i]} site(s) with its code_insee){note}")
    return diff, lines


def declared_rule_matrix(com, sites, dist):
    """The cost matrix under maillage's reading of "a site in the commune":
    an existing site counts in the commune its `code_insee` names in
    sites.csv, a town-hall candidate in its own commune, wherever the point
    falls. It differs from the polygon rule where a town-hall point lies
    outside its own commune's polygon (maillage keeps such points up to 1 km
    out)."""
    cost = dist.copy()
    row = {c: i for i, c in enumerate(com.code_insee)}
    for s, code in enumerate(sites.code_insee):
        if code in row:
            cost[row[code], s] = 0.0
    n_sites = len(sites)
    cost[np.arange(len(com)), n_sites + np.arange(len(com))] = 0.0
    return cost


def covered(cov, w, cols, n_sites):
    """Young people covered by the sites and the candidates in `cols`."""
    c = cov[:, :n_sites].any(axis=1)
    if len(cols):
        c = c | cov[:, cols].any(axis=1)
    return int(w[c].sum())


def compare(k, radius_km, com, sites, cost, cost_declared, dist, inside, t_dist, t_join, a):
    radius_m = radius_km * 1000.0
    n_sites, n_com = len(sites), len(com)
    w = com["jeunes_16_25"].to_numpy(int)
    cov = cost <= radius_m
    cov_decl = cost_declared <= radius_m
    rules_differ = cov != cov_decl
    before = cov[:, :n_sites].any(axis=1)
    demand, covered_before = int(w.sum()), int(w[before].sum())
    sp_obj, sp_status, sp_chosen, t_model, t_cbc = solve_spopt(cost, w, radius_m, n_sites, k, a.cbc_threads)
    if rules_differ.any():
        # Solve again under maillage's rule, so that its bound and its
        # proofs are checked on the problem it solves.
        sp_decl, st_decl, _, _, _ = solve_spopt(cost_declared, w, radius_m, n_sites, k, a.cbc_threads)
    else:
        sp_decl, st_decl = sp_obj, sp_status
    out = os.path.join(WORK, f"maillage_k{k}_r{radius_km:g}")
    m_step, m_wall, bilan, place = run_maillage(a.bin, k, radius_km, out)
    m_obj = int(float(bilan["couvert_apres"]))
    m_bound = float(bilan["borne_couvert_apres"])
    m_gap = float(bilan["ecart_pct"])
    m_proven = bilan.get("optimalite", "").startswith("prouv")
    # The same with --exact (branch and bound), for information.
    x_step, _, x_bilan, _ = run_maillage(a.bin, k, radius_km, out + "_exact", ["--exact"])
    x_obj = int(float(x_bilan["couvert_apres"]))
    x_proven = x_bilan.get("optimalite", "").startswith("prouv")
    # maillage's choice, evaluated on the matrices built here.
    col = {c: n_sites + i for i, c in enumerate(com.code_insee)}
    m_cols = [col[c] for c in place.code_insee]
    m_eval = covered(cov, w, m_cols, n_sites)
    m_eval_decl = covered(cov_decl, w, m_cols, n_sites)
    near_cand = int((np.abs(dist[:, n_sites:] - radius_m) <= NEAR_TIE_M).sum())
    near_site = int((np.abs(dist[:, :n_sites] - radius_m) <= NEAR_TIE_M).sum())
    near_1m = int((np.abs(dist - radius_m) <= 1.0).sum())

    print(f"\n== placement: K = {k} new sites among {n_com:,} town halls, R = {radius_km:g} km, {n_sites} sites fixed")
    print(f"demand, young people 16-25:    maillage {int(float(bilan['demande_totale'])):>9,}   recomputed {demand:>9,}")
    print(f"covered by the {n_sites} sites:     maillage {int(float(bilan['couvert_avant'])):>9,}   recomputed {covered_before:>9,}")
    print(f"spopt MCLP optimum (CBC, {sp_status}):      {sp_obj:>9,}  ({pct(sp_obj, demand):.3f} % of the demand)")
    print(f"maillage covered after:                  {m_obj:>9,}  (stated gap {m_gap:.4f} %, bound {m_bound:,.1f}; "
          f"optimality: {bilan.get('optimalite', '?')})")
    print(f"maillage --exact covered after:          {x_obj:>9,}  (optimality: {x_bilan.get('optimalite', '?')}, "
          f"step {x_step:.3f} s)")
    print(f"maillage's {len(m_cols)} candidates on this side's matrix: {m_eval:>9,}")
    rel = pct(sp_obj - m_obj, sp_obj)
    print(f"relative difference (spopt - maillage) / spopt: {rel:+.4f} %")
    if rules_differ.any():
        i_diff = np.flatnonzero(rules_differ.any(axis=1))
        print(f"!! at this radius the polygon rule and maillage's rule (a site counts in the commune sites.csv names, "
              f"a town hall in its own commune) differ on {int(rules_differ.sum())} commune-facility pair(s), "
              f"communes {', '.join(com.code_insee[i] for i in i_diff[:12])}{' ...' if len(i_diff) > 12 else ''}")
        print(f"   spopt under maillage's rule (CBC, {st_decl}): {sp_decl:,}; "
              f"maillage's candidates under that rule: {m_eval_decl:,}")
    # The bound and the proofs are checked on the problem maillage solves.
    ref = sp_decl
    bound_ok = m_bound + 1e-6 >= ref
    if bound_ok:
        print(f"maillage's bound >= spopt's optimum (same rule): yes ({m_bound:,.1f} >= {ref:,})")
    else:
        print(f"*** BUG: maillage's bound {m_bound:,.1f} is BELOW spopt's optimum {ref:,} under the same rule: "
              "it is not an upper bound ***")
    proven_wrong = False
    for label, obj, proven in [("maillage", m_obj, m_proven), ("maillage --exact", x_obj, x_proven)]:
        if proven and obj != ref:
            proven_wrong = True
            print(f"*** BUG: {label} says its optimum is proven, but finds {obj:,} where spopt's optimum "
                  f"under the same rule is {ref:,} ***")
    if m_obj > ref:
        print(f"*** maillage claims more than spopt's optimum under the same rule ({m_obj:,} > {ref:,}) ***")
    print(f"chosen: spopt {', '.join(sorted(com.code_insee[j] for j in sp_chosen))}")
    print(f"        maillage {', '.join(sorted(place.code_insee))}")
    print(f"pairs within {100 * NEAR_TIE_M:g} cm of R: {near_cand:,} commune-candidate, {near_site:,} commune-site "
          f"({near_1m:,} pairs of either kind within 1 m)")
    cpu = os.cpu_count()
    print(f"times: distances (pyproj, {n_com * cost.shape[1]:,} pairs) {t_dist:.2f} s, in-polygon sjoin {t_join:.2f} s, "
          f"spopt model {t_model:.2f} s, CBC solve ({a.cbc_threads} thread{'s' if a.cbc_threads > 1 else ''}) {t_cbc:.2f} s")
    print(f"       maillage placement step {m_step:.3f} s ({cpu} cores), whole `maillage place` process {m_wall:.2f} s")
    if m_step > 0:
        r_solve = (t_model + t_cbc) / m_step
        print(f"ratio spopt (model + CBC) / maillage step:   {r_solve:8.1f}x")
        print(f"ratio CBC alone / maillage step:             {t_cbc / m_step:8.1f}x")
    else:
        r_solve = None
        print("maillage step below the 1 ms resolution of its timer: ratios not computed")
    r_all = (t_dist + t_join + t_model + t_cbc) / m_wall
    print(f"ratio spopt (matrix + model + CBC) / whole maillage process: {r_all:6.1f}x")
    ok_gap = abs(rel) <= TARGET_GAP_PCT
    print(f"target covered within {TARGET_GAP_PCT} % of spopt's optimum: {'PASS' if ok_gap else 'FAIL'} ({rel:+.4f} %)"
          + ("; equal" if m_obj == sp_obj else ""))
    ok_speed = r_solve is not None and r_solve >= TARGET_SPEEDUP
    print(f"target >= {TARGET_SPEEDUP:g}x faster than spopt (model + CBC / maillage step): {'PASS' if ok_speed else 'FAIL'}")
    # spopt spends most of its time writing a dense PuLP model (one term per
    # commune-facility pair, zeros included): say too how maillage fares
    # against the solver alone.
    ok_cbc = m_step > 0 and t_cbc / m_step >= TARGET_SPEEDUP
    print(f"  the same against CBC alone (not the target, for information): {'PASS' if ok_cbc else 'FAIL'}")

    # Diagnosis: where do the two sides count coverage differently?
    issues = []
    if int(float(bilan["couvert_avant"])) != covered_before:
        issues.append("covered before")
    if m_eval != m_obj:
        issues.append("maillage's choice")
    if issues:
        print(f"-- disagreement ({', '.join(issues)}): diagnosis")
        diff, lines = explain_before(com, sites, dist, inside, radius_m, before)
        print(f"  communes covered by the sites for one side only (maillage's report vs this matrix): {len(diff)}")
        for ln in lines[:40]:
            print(ln)
        for i in diff:
            for s in inside[1][(inside[0] == i) & (inside[1] < n_sites)]:
                if sites.code_insee[s] != com.code_insee[i]:
                    print(f"    site {sites.site_id[s]} ({sites.nom[s]}) stands in the polygon of {com.code_insee[i]} "
                          f"but sites.csv puts it in {sites.code_insee[s]}")
        if m_eval_decl == m_obj and m_eval != m_obj:
            print(f"  maillage's choice is worth {m_eval_decl:,} under maillage's rule, as it says: "
                  "the difference is the rule, not the count")
        cur = cov[:, :n_sites].any(axis=1)
        for r, j in enumerate(m_cols):
            g = int(w[cov[:, j] & ~cur].sum())
            cur |= cov[:, j]
            g_m = int(float(place.gain.iloc[r]))
            if g != g_m:
                print(f"  rank {r + 1}, {place.candidat.iloc[r]}: maillage gain {g_m:,}, recomputed {g:,}")
                for i in np.flatnonzero(np.abs(dist[:, j] - radius_m) <= 1.0):
                    print(f"    near R: {com.code_insee[i]} at {dist[i, j]:.4f} m, {w[i]} young people")
                for i in inside[0][inside[1] == j]:
                    if dist[i, j] > radius_m:
                        print(f"    in-polygon only: the candidate lies in {com.code_insee[i]} "
                              f"({dist[i, j]:.1f} m from its measuring point), {w[i]} young people")
    return dict(k=k, r=radius_km, spopt=sp_obj, spopt_decl=sp_decl, maillage=m_obj, exact=x_obj, rel=rel, gap=m_gap,
                bound_ok=bound_ok and not proven_wrong, ok_gap=ok_gap, ok_speed=ok_speed, ok_cbc=ok_cbc)


def parse_config(s):
    k, r = s.split(":")
    return int(k), float(r)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--radius-km", type=float, default=10.0)
    ap.add_argument("--also", default="25:5",
                    help="further K:R configurations, comma-separated ('' for none); default 25:5")
    ap.add_argument("--cbc-threads", type=int, default=1)
    ap.add_argument("--bin", default=BIN, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    configs = [(a.k, a.radius_km)] + [parse_config(s) for s in a.also.split(",") if s.strip()]
    os.makedirs(WORK, exist_ok=True)
    com, sites, poly = read_inputs(a.bin)
    cost, dist, inside, t_dist, t_join = coverage_matrix(com, sites, poly)
    n_inside = len(inside[0])
    print(f"\n== placement peer: spopt MCLP (CBC from PuLP {pulp.__version__}) against maillage place")
    print(f"coverage matrix: {len(com):,} communes x ({len(sites)} sites + {len(com):,} candidates); "
          f"{n_inside:,} facility-in-commune pairs (sjoin within), "
          f"{boundary_points(sites, com, poly)} facility on a commune boundary")
    cost_declared = declared_rule_matrix(com, sites, dist)
    results = [compare(k, r, com, sites, cost, cost_declared, dist, inside, t_dist, t_join, a) for k, r in configs]
    print("\n== placement summary")
    for x in results:
        same = "" if x["spopt_decl"] == x["spopt"] else f" ({x['spopt_decl']:,} under maillage's rule)"
        print(f"K = {x['k']}, R = {x['r']:g} km: spopt {x['spopt']:,}{same}, maillage {x['maillage']:,} ({x['rel']:+.4f} %), "
              f"gap {x['gap']:.4f} %, --exact {x['exact']:,}, bound and proofs {'ok' if x['bound_ok'] else 'WRONG'}; "
              f"within {TARGET_GAP_PCT} %: {'PASS' if x['ok_gap'] else 'FAIL'}, "
              f">= {TARGET_SPEEDUP:g}x: {'PASS' if x['ok_speed'] else 'FAIL'} "
              f"(against CBC alone: {'PASS' if x['ok_cbc'] else 'FAIL'})")
    return 0 if all(x["bound_ok"] for x in results) else 1


if __name__ == "__main__":
    sys.exit(main())
