"""The public transport part of scripts/bench-peers (run that, not this): the
time by public transport and walking from every Porto Alegre hexagon to the
nearest hexagon with healthcare, on Monday 2019-05-13 from 14:00 (the EPTC
sample feed runs from 11:00 to 16:00).

Inputs: tests/fixtures/network/poa_osm.pbf (the walking network),
tests/fixtures/transit/poa_eptc.zip and poa_trensurb.zip (the feeds),
tests/fixtures/network/poa_hexgrid.csv (1,227 hexagon centroids; the 117
with healthcare > 0 are the destinations).

maillage is timed as a whole process (`maillage temps --mode transport
--plus-proche`: reading the PBF and the feeds, the walking graph, the
transfers on foot, the routing, writing temps.csv), with a 60-minute window
and with a single departure.

Peers: R5 (through r5py or r5r) is the reference for this model, but it
cannot run here: r5py downloads R5's jar from GitHub on first use (GitHub is
not reachable from this machine) and needs Java 21 (the machine has the one
the check below prints); OpenTripPlanner likewise is a jar from Maven
Central or GitHub. pyraptor (PyPI) installs, but it routes from station to
station within one operator's feed, with no street network for access and
egress: it does not answer this question. The script checks what it can and
says which peer did not run and why.
"""
import os
import shutil
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
WORK = os.path.join(ROOT, "target", "bench", "transit")
BIN = os.path.join(ROOT, "target", "release", "maillage")
FIX = os.path.join(ROOT, "tests", "fixtures")


def points():
    os.makedirs(WORK, exist_ok=True)
    hexes = os.path.join(WORK, "hexagones.csv")
    health = os.path.join(WORK, "sante.csv")
    with open(os.path.join(FIX, "network", "poa_hexgrid.csv")) as f, \
            open(hexes, "w") as h, open(health, "w") as s:
        header = f.readline().strip().split(",")
        col = {k: i for i, k in enumerate(header)}
        h.write("id,lon,lat\n")
        s.write("id,lon,lat\n")
        for line in f:
            v = line.strip().split(",")
            row = f"{v[col['id']]},{v[col['lon']]},{v[col['lat']]}\n"
            h.write(row)
            if v[col["healthcare"]] and int(v[col["healthcare"]]) > 0:
                s.write(row)
    return hexes, health


def run_maillage(hexes, health, window):
    out = os.path.join(WORK, f"fenetre_{window}")
    cmd = [BIN, "temps", "--origines", hexes, "--destinations", health,
           "--reseau", os.path.join(FIX, "network", "poa_osm.pbf"), "--mode", "transport",
           "--gtfs", os.path.join(FIX, "transit", "poa_eptc.zip"),
           "--gtfs", os.path.join(FIX, "transit", "poa_trensurb.zip"),
           "--depart", "2019-05-13T14:00", "--fenetre-min", str(window),
           "--plus-proche", "--csv", "rfc4180", "--out", out, "--quiet"]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    with open(os.path.join(out, "temps.csv"), encoding="utf-8-sig") as f:
        f.readline()
        times = sorted(float(l.split(",")[2]) for l in f if l.split(",")[2].strip())
    return elapsed, times


def java_major():
    java = shutil.which("java")
    if not java:
        return None
    p = subprocess.run([java, "-version"], capture_output=True, text=True)
    text = p.stderr or p.stdout
    try:
        v = text.split('"')[1]
        return int(v.split(".")[0])
    except (IndexError, ValueError):
        return None


def reachable(url):
    try:
        urllib.request.urlopen(url, timeout=5)
        return True
    except Exception:
        return False


def main():
    hexes, health = points()
    print("== public transport (Porto Alegre, 1,227 hexagons to the nearest of 117 with healthcare, "
          "Monday 2019-05-13 from 14:00)")
    for window, goal in [(60, 10.0), (0, 1.0)]:
        elapsed, times = run_maillage(hexes, health, window)
        med = times[len(times) // 2] if times else float("nan")
        label = f"{window}-minute window (median)" if window else "single departure"
        print(f"maillage temps --mode transport, {label}: {elapsed:.2f} s whole process "
              f"(goal {goal:g} s), {len(times)} hexagons reached, median {med:.1f} min")
    jv = java_major()
    github = reachable("https://github.com")
    print("peers:")
    print(f"  r5py / r5r (R5): not run: R5's jar is downloaded from GitHub on first use "
          f"(GitHub {'reachable' if github else 'not reachable from this machine'}), "
          f"and R5 needs Java 21 (java here: {jv if jv else 'none'})")
    print("  OpenTripPlanner: not run: a jar from Maven Central or GitHub, neither of which "
          "this machine reaches")
    print("  pyraptor (PyPI): not run: station-to-station RAPTOR within one operator's feed, "
          "with no street network for access and egress; it does not answer this question")
    return 0


if __name__ == "__main__":
    sys.exit(main())
