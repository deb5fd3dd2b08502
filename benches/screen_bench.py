#!/usr/bin/env python3
"""Screening benchmark: `parkplan screen` against pandas (pyarrow CSV engine) on the same file,
side by side in one run, end to end (read the CSV, screen every row, write the CSV).

    cargo build --release
    pip install pandas pyarrow
    python3 benches/screen_bench.py [ROWS] [RUNS]      # defaults: 1000000 rows, 3 runs

Generates the applicants with `parkplan gen --enterprises ROWS --seed 1` (or, with
GEN=python, benches/gen_applicants.py: messier names with quotes and commas, 2% empty cells)
into `target/bench/` if not there, then runs each contender RUNS times, interleaved, and prints the median wall time, the median
CPU time (user + system; the fairer number on a busy machine), rows/s and the ratio. It checks
that both outputs hold the same table (parkplan quotes only where needed; pyarrow quotes every
string). Set PANDAS_TO_CSV=1 to also time pandas' own `to_csv` writer (much slower).
"""
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATE = "2026-05-01"


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    out_dir = os.path.join(ROOT, "target", "bench")
    os.makedirs(out_dir, exist_ok=True)
    binary = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "parkplan")
    python_gen = os.environ.get("GEN") == "python"
    if python_gen:
        data = os.path.join(out_dir, f"applicants-{rows}.csv")
        if not os.path.exists(data):
            print(f"generating {data} ...", flush=True)
            subprocess.run([sys.executable, os.path.join(ROOT, "benches", "gen_applicants.py"), str(rows), data], check=True)
    else:
        gen_dir = os.path.join(out_dir, f"gen-{rows}")
        data = os.path.join(gen_dir, "enterprises.csv")
        if not os.path.exists(data):
            print(f"generating {data} ...", flush=True)
            subprocess.run([binary, "gen", "--parcels", "10", "--sensitive", "1", "--enterprises", str(rows),
                            "--seed", "1", "--out", gen_dir], check=True, stdout=subprocess.DEVNULL)
    rules = os.path.join(ROOT, "rules", "lingkun.toml")
    pandas_script = os.path.join(ROOT, "benches", "screen_pandas.py")
    contenders = {
        "parkplan": [binary, "screen", "--enterprises", data, "--rules", rules, "--date", DATE,
                     "--out", os.path.join(out_dir, "parkplan.csv")],
        "pandas+pyarrow": [sys.executable, pandas_script, data, rules, DATE,
                           os.path.join(out_dir, "pandas-pyarrow.csv"), "pyarrow"],
    }
    if os.environ.get("PANDAS_TO_CSV"):
        contenders["pandas to_csv"] = [sys.executable, pandas_script, data, rules, DATE,
                                       os.path.join(out_dir, "pandas-to_csv.csv"), "pandas"]
    times = {k: [] for k in contenders}
    for _ in range(runs):
        for name, cmd in contenders.items():
            times[name].append(run(cmd))

    import pandas as pd
    a = pd.read_csv(os.path.join(out_dir, "parkplan.csv"), dtype=str, keep_default_na=False)
    b = pd.read_csv(os.path.join(out_dir, "pandas-pyarrow.csv"), dtype=str, keep_default_na=False)
    same = a.equals(b)

    print(f"{data}: {rows} rows, {runs} runs each, median; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'':16} {'wall s':>8} {'cpu s':>8} {'rows/s (wall)':>14}")
    med = {}
    for name, ts in times.items():
        wall = statistics.median(t[0] for t in ts)
        cpu = statistics.median(t[1] for t in ts)
        med[name] = (wall, cpu)
        print(f"{name:16} {wall:8.2f} {cpu:8.2f} {rows / wall:14,.0f}")
    pw, pc = med["parkplan"]
    qw, qc = med["pandas+pyarrow"]
    print(f"parkplan vs pandas+pyarrow: {qw / pw:.2f}x faster (wall), {qc / pc:.2f}x less CPU")
    print(f"outputs hold the same table: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
