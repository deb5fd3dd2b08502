#!/usr/bin/env bash
# Allocation benchmarks, each Rust run followed by its Python peer on the same files:
#   (a) 100,000 parcels x 10,000 sensitive polygons: nearest distances, vs geopandas/shapely STRtree
#   (b) plot mode 5,000 enterprises x 20,000 parcels (and a contended 5,000 x 6,000): the exact
#       matching vs OR-Tools SimpleMinCostFlow on the same feasible pairs.
# Needs: pip install geopandas shapely pyproj pyogrio ortools numpy pandas
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench spatial
python3 benches/spatial_geopandas.py target/bench-data/spatial
for size in "5000 20000" "5000 6000"; do
  set -- $size
  cargo bench --bench assign -- "$1" "$2"
  python3 benches/assign_ortools.py "target/bench-data/assign/${1}x${2}"
done
