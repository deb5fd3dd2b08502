#!/usr/bin/env bash
# Rank 1,000,000 generated urban enterprises end to end (load CSV, rank, write CSV), then time the
# command line on the same file next to its peer, `parkplan screen` on the same file (the same
# load, the admission criteria, the same kind of CSV out). Usage: benches/rank.sh [ROWS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
runs="${2:-3}"
target="${CARGO_TARGET_DIR:-target}"
cargo bench --bench rank -- "$rows"
cargo build --release --quiet
csv="$target/bench-data/urban-$rows.csv"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for cmd in rank screen; do
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%e %U %S %M" -o "$out/time" "$target/release/parkplan" "$cmd" --enterprises "$csv" --out "$out/$cmd.csv" 2>/dev/null
        cat "$out/time" >> "$out/$cmd.times"
    done
    sort -n "$out/$cmd.times" | awk -v c="$cmd" -v n="$runs" '{w[NR]=$1; cpu[NR]=$2+$3; m[NR]=$4} END {
        k=int((n+1)/2); printf "parkplan %-6s median of %d: %6.2f s wall, %6.2f s CPU, %d MB max resident\n", c, n, w[k], cpu[k], m[k]/1024 }'
done
