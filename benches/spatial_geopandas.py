#!/usr/bin/env python3
"""Peer of benches/spatial.rs: per-parcel nearest sensitive polygon of each kind with
geopandas/shapely (STRtree.query_nearest, exact GEOS distances), on the same GeoJSON files and
the same transverse Mercator frame (centred on the bounding box of both files, as
parkplan::frame::LocalFrame::around). Prints the median of 5 runs of projection + index +
queries, and compares the distances with rust_nearest.csv.

    cargo bench --bench spatial
    python3 benches/spatial_geopandas.py target/bench-data/spatial
"""
import sys, time, statistics
import numpy as np
import geopandas as gpd
import shapely
import pandas as pd

d = sys.argv[1] if len(sys.argv) > 1 else "target/bench-data/spatial"
t = time.perf_counter()
parcels = gpd.read_file(f"{d}/parcels.geojson", engine="pyogrio")
sensitive = gpd.read_file(f"{d}/sensitive.geojson", engine="pyogrio")
load_s = time.perf_counter() - t

minx = min(parcels.total_bounds[0], sensitive.total_bounds[0])
miny = min(parcels.total_bounds[1], sensitive.total_bounds[1])
maxx = max(parcels.total_bounds[2], sensitive.total_bounds[2])
maxy = max(parcels.total_bounds[3], sensitive.total_bounds[3])
lon0, lat0 = (minx + maxx) / 2, (miny + maxy) / 2
crs = f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
kinds = sorted(sensitive["kind"].unique())


def run():
    p = parcels.to_crs(crs)
    s = sensitive.to_crs(crs)
    pg = p.geometry.values
    out = {}
    for k in kinds:
        sk = s[s["kind"] == k]
        tree = shapely.STRtree(sk.geometry.values)
        (pi, si), dist = tree.query_nearest(pg, return_distance=True, all_matches=False)
        out[k] = (pi, sk["id"].values[si], dist)
    return out


times = []
for _ in range(5):
    t = time.perf_counter()
    res = run()
    times.append(time.perf_counter() - t)
med = statistics.median(times)
print(f"spatial geopandas {gpd.__version__} / shapely {shapely.__version__} (GEOS {shapely.geos_version_string}): "
      f"{len(parcels)} parcels x {len(sensitive)} sensitive: load {load_s:.2f} s; project+index+nearest median {med:.3f} s "
      f"(runs {[round(x, 3) for x in times]}); frame origin {lon0:.9f} {lat0:.9f}")

rust = pd.read_csv(f"{d}/rust_nearest.csv")
ids = parcels["id"].values
worst = 0.0
n = 0
same_area = 0
for k in kinds:
    pi, sid, dist = res[k]
    py = pd.DataFrame({"parcel": ids[pi], "area_py": sid, "d_py": dist})
    r = rust[rust["kind"] == k].merge(py, on="parcel")
    n += len(r)
    worst = max(worst, float(np.max(np.abs(r["distance_m"] - r["d_py"]))))
    same_area += int((r["area"] == r["area_py"]).sum())
print(f"compared {n} parcel-kind distances with rust_nearest.csv: max |difference| {worst:.6f} m; same nearest area in {same_area} of {n}")
