#!/usr/bin/env bash
# Rank 1,000,000 generated urban enterprises end to end (load CSV, rank, write CSV) and time the
# command line on the same file. Usage: benches/rank.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-1000000}"
target="${CARGO_TARGET_DIR:-target}"
cargo bench --bench rank -- "$rows"
cargo build --release --quiet
csv="$target/bench-data/urban-$rows.csv"
out="$(mktemp -d)"
echo "parkplan rank on $csv (one run, wall clock):"
/usr/bin/time -f "  %e s elapsed, %M KB max resident" "$target/release/parkplan" rank --enterprises "$csv" --out "$out/rank.csv"
rm -rf "$out"
