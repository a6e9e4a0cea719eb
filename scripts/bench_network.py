"""The network part of scripts/bench-peers (run that, not this): walking time
from every Porto Alegre hexagon to the nearest hexagon with a school.

Inputs: tests/fixtures/network/poa_osm.pbf and poa_hexgrid.csv (1,227 H3
hexagon centroids; destinations are the hexagons with schools > 0). Same
walking speed (4.5 km/h) and, as far as each peer allows, the same network:

- maillage: the whole `maillage temps --plus-proche --mode marche` process
  (reading the PBF, building the graph, snapping, the multi-source search,
  writing temps.csv).
- pandana (`Network.nearest_pois`, contraction hierarchies): the ways read
  from the same PBF by pyrosm (`get_network(nodes=True)`, one edge per pair
  of consecutive nodes, pyrosm's haversine length), with maillage's walking
  rule: the same `highway` values excluded (custom filter), then `foot=no`
  and `access=no|private` without `foot=yes|designated|permissive` dropped
  here; the largest connected component kept (scipy), as maillage does.
  Points are snapped by pandana (`get_node_ids`, nearest node in a local
  metric plane); the snapping legs are added as the crow flies at 4.5 km/h,
  at both ends (the 10 nearest schools of each node are asked for, and the
  one with the least time including its own leg kept).
- networkx: the same edges and component, one multi-source Dijkstra from a
  virtual source joined to each school's node by that school's leg (so the
  legs count exactly as in maillage), snapping with a k-d tree (scipy).

Each peer's time runs from the PBF to the answers (pyrosm's reading
included; the Python imports are not). Agreement: the share of hexagons
measured by both whose time is within 1 % of maillage's, and the median
relative gap. Points farther than 1,000 m from the network are unmeasured
on every side, as in maillage.
"""
import math
import os
import subprocess
import sys
import time

import numpy as np
import pandas as pd

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WORK = os.path.join(ROOT, "target", "bench", "network")
BIN = os.path.join(ROOT, "target", "release", "maillage")
PBF = os.path.join(ROOT, "tests", "fixtures", "network", "poa_osm.pbf")
HEX = os.path.join(ROOT, "tests", "fixtures", "network", "poa_hexgrid.csv")
WALK_KMH = 4.5
SNAP_MAX_M = 1000.0
# maillage's walking rule (src/index/network/rules.rs).
NOT_WALKABLE = ["motorway", "motorway_link", "construction", "proposed", "platform", "raceway",
                "bus_guideway", "abandoned", "razed"]
EARTH_R = 6_371_008.8


def seconds(meters):
    return meters * 3.6 / WALK_KMH


def haversine(lon1, lat1, lon2, lat2):
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_R * np.arcsin(np.sqrt(a))


def plane(lon, lat, lat0):
    """A local metric plane (equirectangular at the extract's latitude)."""
    k = math.pi / 180 * EARTH_R
    return np.asarray(lon) * k * math.cos(math.radians(lat0)), np.asarray(lat) * k


def walking_edges():
    """The walkable edges read by pyrosm, filtered as maillage filters ways,
    in the largest connected component: (nodes lon/lat by id, edges u, v,
    length m)."""
    import pyrosm
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    osm = pyrosm.OSM(PBF)
    nodes, edges = osm.get_network(network_type="walking", custom_filter={"highway": NOT_WALKABLE},
                                   filter_type="exclude", nodes=True)
    foot = edges["foot"] if "foot" in edges else pd.Series(None, index=edges.index)
    access = edges["access"] if "access" in edges else pd.Series(None, index=edges.index)
    closed = (foot == "no") | (access.isin(["no", "private"]) & ~foot.isin(["yes", "designated", "permissive"]))
    e = edges.loc[~closed & (edges.u != edges.v), ["u", "v", "length"]]
    ids = np.unique(np.concatenate([e.u.values, e.v.values]))
    iu, iv = np.searchsorted(ids, e.u.values), np.searchsorted(ids, e.v.values)
    m = coo_matrix((np.ones(len(e)), (iu, iv)), shape=(len(ids), len(ids)))
    _, label = connected_components(m, directed=False)
    keep = label == np.bincount(label).argmax()
    kept = ids[keep]
    e = e[np.isin(e.u.values, kept) & np.isin(e.v.values, kept)]
    pos = nodes.drop_duplicates("id").set_index("id").loc[kept, ["lon", "lat"]]
    return pos, e, len(edges)


def run_maillage(origins_csv, dests_csv):
    out = os.path.join(WORK, "maillage")
    t0 = time.perf_counter()
    p = subprocess.run([BIN, "temps", "--origines", origins_csv, "--destinations", dests_csv, "--reseau", PBF,
                        "--mode", "marche", "--plus-proche", "--vitesse-marche-kmh", f"{WALK_KMH:g}",
                        "--rattachement-max-m", f"{SNAP_MAX_M:g}", "--csv", "rfc4180", "--out", out, "--verbose"],
                       capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    res = pd.read_csv(os.path.join(out, "temps.csv"), dtype={"origine": str, "destination": str})
    lines = p.stderr.splitlines()
    network_line = next((l for l in lines if l.startswith("réseau (marche)")), "")
    steps = "; ".join(l.strip() for l in lines if l.rstrip().endswith(" s") and " : " in l)
    return wall, res.set_index("origine")["temps_min"], network_line + "\n  steps: " + steps


def run_pandana(hexes, schools):
    import pandana

    t0 = time.perf_counter()
    pos, e, read_edges = walking_edges()
    t1 = time.perf_counter()
    lat0 = pos.lat.mean()
    x, y = plane(pos.lon.values, pos.lat.values, lat0)
    net = pandana.Network(pd.Series(x, index=pos.index), pd.Series(y, index=pos.index), e.u.values, e.v.values,
                          pd.DataFrame({"s": seconds(e["length"].values)}), twoway=True)
    t2 = time.perf_counter()
    sx, sy = plane(schools.lon.values, schools.lat.values, lat0)
    s_node = net.get_node_ids(pd.Series(sx), pd.Series(sy)).values
    s_leg = seconds(haversine(schools.lon.values, schools.lat.values,
                              pos.lon.loc[s_node].values, pos.lat.loc[s_node].values))
    ok_s = s_leg <= seconds(SNAP_MAX_M)
    maxdist = 6 * 3600.0
    k = 10
    net.set_pois("ecole", maxdist, k, pd.Series(sx[ok_s]), pd.Series(sy[ok_s]))
    near = net.nearest_pois(maxdist, "ecole", num_pois=k, include_poi_ids=True)
    hx, hy = plane(hexes.lon.values, hexes.lat.values, lat0)
    h_node = net.get_node_ids(pd.Series(hx), pd.Series(hy)).values
    h_leg = seconds(haversine(hexes.lon.values, hexes.lat.values,
                              pos.lon.loc[h_node].values, pos.lat.loc[h_node].values))
    legs = s_leg[ok_s]
    rows = near.loc[h_node]
    best = np.full(len(hexes), np.inf)
    for j in range(1, k + 1):
        d = rows[j].values
        poi = rows[f"poi{j}"].values
        has = ~np.isnan(poi) & (d < maxdist)
        t = np.where(has, d + legs[np.where(has, poi, 0).astype(int)], np.inf)
        best = np.minimum(best, t)
    t = np.where(h_leg <= seconds(SNAP_MAX_M), best + h_leg, np.inf)
    t3 = time.perf_counter()
    ans = pd.Series(np.where(np.isfinite(t), t / 60, np.nan), index=hexes.id.values)
    return t3 - t0, (t1 - t0, t2 - t1, t3 - t2), ans, (len(pos), len(e), read_edges)


def run_networkx(hexes, schools):
    import networkx as nx
    from scipy.spatial import cKDTree

    t0 = time.perf_counter()
    pos, e, _ = walking_edges()
    t1 = time.perf_counter()
    g = nx.Graph()
    # Parallel edges: the shortest one stays (added last).
    e = e.sort_values("length", ascending=False)
    g.add_weighted_edges_from(zip(e.u.values, e.v.values, seconds(e["length"].values)))
    lat0 = pos.lat.mean()
    tree = cKDTree(np.column_stack(plane(pos.lon.values, pos.lat.values, lat0)))
    ids = pos.index.values

    def snap(pts):
        _, i = tree.query(np.column_stack(plane(pts.lon.values, pts.lat.values, lat0)))
        node = ids[i]
        leg = seconds(haversine(pts.lon.values, pts.lat.values, pos.lon.values[i], pos.lat.values[i]))
        return node, leg

    s_node, s_leg = snap(schools)
    source = "ecoles"
    for n, leg in zip(s_node, s_leg):
        if leg <= seconds(SNAP_MAX_M) and (not g.has_edge(source, n) or g[source][n]["weight"] > leg):
            g.add_edge(source, n, weight=leg)
    dist = nx.single_source_dijkstra_path_length(g, source)
    h_node, h_leg = snap(hexes)
    t = np.array([dist.get(n, np.inf) + leg if leg <= seconds(SNAP_MAX_M) else np.inf
                  for n, leg in zip(h_node, h_leg)])
    t2 = time.perf_counter()
    ans = pd.Series(np.where(np.isfinite(t), t / 60, np.nan), index=hexes.id.values)
    return t2 - t0, (t1 - t0, t2 - t1), ans


def agreement(mine, theirs):
    """Hexagons measured by both; the share within 1 % of maillage's time,
    and the share within 1 % or within the rounding of temps.csv (two
    decimals: 0.005 min, which matters for the hexagons holding a school,
    a few seconds away); median and largest relative gap."""
    both = mine.dropna().index.intersection(theirs.dropna().index)
    m, t = mine.loc[both], theirs.loc[both]
    rel = (t - m).abs() / m
    rounding = (t - m).abs() <= 0.005 + 1e-9
    return (len(both), float((rel <= 0.01).mean()), float(((rel <= 0.01) | rounding).mean()),
            float(rel.median()), float(rel.max()), rel.idxmax())


def main():
    os.makedirs(WORK, exist_ok=True)
    hexgrid = pd.read_csv(HEX, dtype={"id": str})
    hexes = hexgrid[["id", "lon", "lat"]]
    schools = hexgrid.loc[hexgrid.schools > 0, ["id", "lon", "lat"]].reset_index(drop=True)
    o_csv, d_csv = os.path.join(WORK, "hexagones.csv"), os.path.join(WORK, "ecoles.csv")
    hexes.to_csv(o_csv, index=False)
    schools.to_csv(d_csv, index=False)
    print(f"\n== network: walking time ({WALK_KMH:g} km/h) from each of the {len(hexes):,} Porto Alegre hexagons"
          f" to the nearest of the {len(schools)} hexagons with a school (poa_osm.pbf, 0.9 MB)")
    m_wall, mine, net_line = run_maillage(o_csv, d_csv)
    print(f"maillage temps --plus-proche --mode marche, whole process ({os.cpu_count()} threads): {m_wall:8.3f} s")
    print(f"  {net_line}")
    print(f"  hexagons measured: {mine.notna().sum():,} of {len(hexes):,}")
    results = []
    try:
        import pyrosm  # noqa: F401
    except Exception as err:  # noqa: BLE001
        print(f"pandana, networkx: not run, pyrosm (their PBF reader) could not be imported ({type(err).__name__}: {err})")
        sys.exit("no network peer could run")
    # One untimed reading first, so that both peers are timed warm, as
    # maillage is (its file is in the page cache after the run above).
    walking_edges()
    try:
        import pandana  # noqa: F401
    except Exception as err:  # noqa: BLE001
        print(f"pandana: not run, it could not be imported ({type(err).__name__}: {err})")
    else:
        total, (read, build, query), ans, (n, m, read_edges) = run_pandana(hexes, schools)
        print(f"pandana {pandana.__version__} (pyrosm {pyrosm.__version__} reading), PBF to answers:"
              f" {total:8.3f} s  (pyrosm read + filter + component {read:.3f} s, contraction hierarchy {build:.3f} s,"
              f" snapping + nearest_pois {query:.3f} s)")
        print(f"  network: {n:,} nodes, {m:,} edges kept of the {read_edges:,} pyrosm read")
        results.append(("pandana", total, ans))
    try:
        import networkx
    except Exception as err:  # noqa: BLE001
        print(f"networkx: not run, it could not be imported ({type(err).__name__}: {err})")
    else:
        total, (read, search), ans = run_networkx(hexes, schools)
        print(f"networkx {networkx.__version__}, PBF to answers: {total:8.3f} s  (pyrosm read + filter + component"
              f" {read:.3f} s, graph + snapping + multi-source Dijkstra {search:.3f} s)")
        results.append(("networkx", total, ans))
    for name, total, ans in results:
        n, share, share_r, median, worst, where = agreement(mine, ans)
        only_m = int(mine.notna().sum() - n)
        print(f"{name:9s} ratio {name} / maillage: {total / m_wall:6.1f}x;  within 1 % of maillage: {100 * share:.1f} %"
              f" of {n:,} hexagons measured by both ({100 * share_r:.1f} % counting the 0.005 min rounding of"
              f" temps.csv); median relative gap {100 * median:.3f} %, largest {100 * worst:.1f} % ({where}: "
              f"{mine[where]:.2f} against {ans[where]:.2f} min)" + (f"; {only_m} measured by maillage only" if only_m else ""))
    if not results:
        sys.exit("no network peer could run")


if __name__ == "__main__":
    main()
