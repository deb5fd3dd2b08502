#!/usr/bin/env bash
# End-to-end scale benchmark: generate a scenario, run `parkplan validate` (the loading alone) and
# `parkplan plan` on it, and report the wall time and the peak resident memory of each stage of
# the plan, then (PEERS=1) run the SPEC-size benchmarks against their peers in the same run, so a
# regression shows next to the peer's time.
#
#   benches/scale.sh                       # the province: 1,000,000 parcels, 100,000 sensitive
#                                          # areas, 100,000 applicants, 50,000 urban enterprises
#   benches/scale.sh 100000 10000 1000000 50000    # PARCELS SENSITIVE APPLICANTS URBAN
#   MODE=blocks benches/scale.sh           # block mode
#   PEERS=1 benches/scale.sh               # also screening vs pandas+pyarrow, ranking, spatial vs
#                                          # geopandas STRtree, allocation vs OR-Tools min-cost flow
#
# Targets (benchmark, not tests): the province plan under 60 s and under 4 GB peak RSS on a
# 2-core machine; 1,000,000 parcels loaded in under 8 s, 100,000 in under 1 s.
#
# Per-stage memory: the resident set of the plan process is sampled every 0.1 s and charged to
# the stage running then (the stage is the next `plan: <stage>` line to appear on stderr); the
# last column is the high-water mark of the whole process (VmHWM). The generated scenario is
# deleted at the end (it is hundreds of MB at province size) unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
parcels=${1:-1000000}
sensitive=${2:-100000}
enterprises=${3:-100000}
urban=${4:-50000}
mode=${MODE:-plots}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --quiet
bin=$target/release/parkplan
work=$target/bench-data/scale-$parcels-$sensitive-$enterprises-$urban
mkdir -p "$work"
[[ ${KEEP:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

ms() { echo $(( $(date +%s%N) / 1000000 )); }

t0=$(ms)
"$bin" gen --parcels "$parcels" --sensitive "$sensitive" --enterprises "$enterprises" \
  --urban "$urban" --seed 1 --out "$work/in" >/dev/null
echo "gen: $(( $(ms) - t0 )) ms ($(du -sh "$work/in" | cut -f1))"
files=(--parcels "$work/in/parcels.geojson" --sensitive "$work/in/sensitive.geojson"
  --enterprises "$work/in/enterprises.csv" --enterprises "$work/in/urban.csv")

# Run a command, sampling its memory; prints "wall_ms peak_kb" and leaves stderr in $work/log.
measure() {
  local start pid hwm=0 rss line stage
  : >"$work/mem"
  start=$(ms)
  "$@" >"$work/stdout" 2>"$work/log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -r /proc/$pid/status ]]; then
      rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      line=$(grep -c '^plan: ' "$work/log" 2>/dev/null || true)
      [[ -n $rss ]] && echo "${line:-0} $rss" >>"$work/mem"
      hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo "$hwm")
    fi
    sleep 0.1
  done
  wait "$pid" || { echo "failed (exit $?):"; tail -20 "$work/log"; return 1; }
  echo "$(( $(ms) - start )) ${hwm:-0}"
}

read -r wall hwm < <(measure "$bin" validate "${files[@]}")
echo "validate (loading + overlap check): $wall ms, peak $(( hwm / 1024 )) MB"

read -r wall hwm < <(measure "$bin" plan "${files[@]}" --mode "$mode" --date 2026-11-26 --out "$work/plan")
echo "plan ($mode): $wall ms, peak $(( hwm / 1024 )) MB (targets: 60000 ms, 4096 MB at province size)"
# Stage i is running while i `plan:` lines have been printed.
awk 'NR == FNR { if ($2 > peak[$1]) peak[$1] = $2; next }
     /^plan: / { printf "  %-60.60s peak %6d MB\n", $0, peak[i] / 1024; i++ }' \
  "$work/mem" "$work/log"
grep -v '^plan: ' "$work/log" | head -5 || true
du -sh "$work/plan" | awk '{print "  outputs: " $1}'

if [[ ${PEERS:-0} == 1 ]]; then
  echo "== screening vs pandas (pyarrow), 1,000,000 rows"
  python3 benches/screen_bench.py 1000000 3
  echo "== ranking, 1,000,000 urban enterprises"
  benches/rank.sh 1000000 3
  echo "== spatial vs geopandas STRtree; allocation vs OR-Tools min-cost flow"
  benches/allocation.sh
fi
