"""Reference points for tests/crs.rs: WGS84/CGCS2000 lon/lat and their grid coordinates by PROJ.

    pip install pyproj && python3 tests/data/crs/make_proj_points.py > tests/data/crs/proj-points.csv

For each grid a 13 x 13 lattice spanning the whole zone east-west (central meridian +-1.5 deg for
3-degree zones, +-3 deg for 6-degree ones and UTM) and 0-60 deg N, converted by PROJ from the
geographic CRS of the grid's datum (EPSG:4490 for CGCS2000, EPSG:4326 for UTM).
"""
import pyproj

GRIDS = [
    (4549, 120.0, 1.5, 4490),  # 3-degree CM 120E (Wenzhou)
    (4528, 120.0, 1.5, 4490),  # 3-degree zone 40, zone number in the easting
    (4534, 75.0, 1.5, 4490),   # 3-degree CM 75E, the westernmost
    (4533, 135.0, 1.5, 4490),  # 3-degree zone 45, the easternmost
    (4502, 75.0, 3.0, 4490),   # 6-degree CM 75E
    (4497, 117.0, 3.0, 4490),  # 6-degree zone 19
    (32651, 123.0, 3.0, 4326), # WGS 84 / UTM 51N
]
print("epsg,lon,lat,x,y")
for epsg, cm, half, geo in GRIDS:
    t = pyproj.Transformer.from_crs(f"EPSG:{geo}", f"EPSG:{epsg}", always_xy=True)
    for i in range(13):
        lon = cm - half + 2 * half * i / 12
        for j in range(13):
            lat = 60.0 * j / 12
            x, y = t.transform(lon, lat)
            print(f"{epsg},{lon:.10f},{lat:.10f},{x:.6f},{y:.6f}")
