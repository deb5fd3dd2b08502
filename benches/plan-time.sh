#!/usr/bin/env bash
# Run time of `parkplan plan` (release build, compilation excluded): median of N runs.
# Target: under one second on the bundled Lingkun scenario.
#
#   benches/plan-time.sh                 # bundled scenario, 11 runs
#   RUNS=21 benches/plan-time.sh --parcels P --sensitive S --enterprises F   # any scenario
#
# Prints each run's wall time and the median; the per-stage times are on plan's stderr
# (`plan: <stage> ... (N ms)`) in the last run's log, printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-11}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/parkplan
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
times=()
for _ in $(seq "$RUNS"); do
  t0=$(date +%s%N)
  "$bin" plan --out "$out/plan" "$@" 2>"$out/log"
  t1=$(date +%s%N)
  times+=($(( (t1 - t0) / 1000000 )))
done
echo "runs (ms): ${times[*]}"
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median: ${median} ms (target < 1000 ms)"
grep '^plan:' "$out/log"
