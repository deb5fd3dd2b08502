#!/usr/bin/env bash
# Maps at scale: wall time and peak RSS of `parkplan map` (both maps, SVG and PNG, A3 at
# 300 dpi) on parks from `parkplan gen`, against `parkplan validate` (loading the same files)
# measured in the same run, so the drawing's own cost is the difference.
#
#   benches/maps.sh                  # 100,000 and 1,000,000 parcels, 3 runs each
#   SIZES="20000 100000" RUNS=5 benches/maps.sh
#
# Above OVERVIEW_ABOVE parcels (20,000) the park map is an overview raster (stated on the map),
# so memory is the raster plus one projected chunk of parcels. Generated files are deleted at
# the end (1M parcels is about 400 MB of GeoJSON).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
cargo build --release --quiet
bin=$(pwd)/${CARGO_TARGET_DIR:-target}/release/parkplan
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Median of the numbers on stdin.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# `measure OUT CMD...`: run CMD RUNS times; print "median-seconds median-peak-MB".
measure() {
  local secs=() mbs=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/log" ||
      { cat "$work/log" >&2; exit 1; }
    read -r s kb <"$work/time"
    secs+=("$s")
    mbs+=($((kb / 1024)))
  done
  echo "$(printf '%s\n' "${secs[@]}" | median) $(printf '%s\n' "${mbs[@]}" | median)"
}

printf '%-10s %-22s %-22s %s\n' parcels "map: s, peak MB" "validate: s, peak MB" "map - validate"
for n in $SIZES; do
  dir=$work/gen-$n
  "$bin" gen --parcels "$n" --sensitive 30 --enterprises 200 --urban 200 --out "$dir" >/dev/null 2>&1
  files=(--parcels "$dir/parcels.geojson" --sensitive "$dir/sensitive.geojson"
         --enterprises "$dir/enterprises.csv" --enterprises "$dir/urban.csv")
  read -r ms mm < <(measure "$bin" map "${files[@]}" --out "$dir/maps" --date 2026-06-30)
  read -r vs vm < <(measure "$bin" validate "${files[@]}")
  printf '%-10s %-22s %-22s %s\n' "$n" "$ms s, $mm MB" "$vs s, $vm MB" \
    "$(awk -v a="$ms" -v b="$vs" 'BEGIN {printf "%.2f s", a - b}')"
  rm -rf "$dir"
done
