#!/usr/bin/env python3
"""Peer of benches/assign.rs: the same feasible pairs solved with OR-Tools' SimpleMinCostFlow
(source -> enterprise -> parcel -> sink, plus enterprise -> sink at cost 0 so an enterprise may
stay unplaced; costs = -weight in integer 1e-6 units). Prints the median solve time of 3 runs
and checks the optimum equals the Rust matching's.

    cargo bench --bench assign
    python3 benches/assign_ortools.py target/bench-data/assign/5000x20000
"""
import sys, time, json, statistics
import numpy as np
from ortools.graph.python import min_cost_flow
import ortools

d = sys.argv[1] if len(sys.argv) > 1 else "target/bench-data/assign/5000x20000"
meta = json.load(open(f"{d}/meta.json"))
pairs = np.fromfile(f"{d}/pairs.bin", dtype=np.dtype([("i", "<i4"), ("j", "<i4"), ("w", "<i8")]))
n, m = meta["rows"], meta["cols"]
src, sink = 0, n + m + 1
rows = np.arange(n, dtype=np.int64)
cols = np.arange(m, dtype=np.int64)
tails = np.concatenate([np.zeros(n, np.int64), 1 + pairs["i"].astype(np.int64), 1 + rows, 1 + n + cols])
heads = np.concatenate([1 + rows, 1 + n + pairs["j"].astype(np.int64), np.full(n, sink, np.int64), np.full(m, sink, np.int64)])
costs = np.concatenate([np.zeros(n, np.int64), -pairs["w"], np.zeros(n, np.int64), np.zeros(m, np.int64)])
caps = np.ones(len(tails), np.int64)


def solve():
    t0 = time.perf_counter()
    f = min_cost_flow.SimpleMinCostFlow()
    f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    f.set_node_supply(src, n)
    f.set_node_supply(sink, -n)
    t1 = time.perf_counter()
    status = f.solve()
    t2 = time.perf_counter()
    assert status == f.OPTIMAL, status
    return -f.optimal_cost(), t1 - t0, t2 - t1


runs = [solve() for _ in range(3)]
obj = runs[0][0]
build = statistics.median(r[1] for r in runs)
solve_s = statistics.median(r[2] for r in runs)
print(f"ortools {ortools.__version__} SimpleMinCostFlow: {n} x {m}, {len(pairs)} pairs: build median {build:.3f} s, "
      f"solve median {solve_s:.3f} s (runs {[round(r[2], 3) for r in runs]}); objective {obj} (1e-6 units)")
print(f"rust matching median {meta['rust_matching_median_s']:.3f} s, objective {meta['objective']}: "
      f"{'SAME optimum' if obj == meta['objective'] else 'DIFFERENT optimum'}; "
      f"ratio ortools solve / rust = {solve_s / max(meta['rust_matching_median_s'], 1e-9):.2f}")
