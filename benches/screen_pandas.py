#!/usr/bin/env python3
"""The screening peer: pandas with the pyarrow CSV engine evaluating the default Lingkun admission
criteria (rules/lingkun.toml) on the same file, writing the same CSV as `parkplan screen`.

    python3 benches/screen_pandas.py IN.csv RULES.toml YYYY-MM-DD OUT.csv [pandas|pyarrow]

The last argument picks the CSV writer: pandas' own `to_csv` (default) or pyarrow's C++ writer
(`pyarrow.csv.write_csv`, much faster; the score is pre-formatted as text).

Same semantics as parkplan: categorical values trimmed and case-insensitive; an empty cell or a
zero denominator never passes; numbers compare with a relative tolerance of 1e-9; the R&D tiers
at 5,000 and 20,000 are inclusive; the priority score is level points + catalogue weight + the
R&D and high-tech margins. Vectorised throughout (the `failed` text is built per distinct
combination, not per row). `benches/screen.sh` runs both and checks the outputs are identical.
"""
import hashlib
import sys
import tomllib

import numpy as np
import pandas as pd

TOL = 1e-9


def eq(a, b):
    return (a == b) | (np.abs(a - b) <= TOL * np.maximum(np.abs(a), np.abs(b)))


def ge(a, b):
    return ((a >= b) | eq(a, b)).fillna(False).astype(bool) if isinstance(a, pd.Series) else (a >= b) | eq(a, b)


def le(a, b):
    return ((a <= b) | eq(a, b)).fillna(False).astype(bool)


def ratio(num, den):
    r = num / den.where(den != 0)
    return r


def main():
    src, rules_path, date, out = sys.argv[1:5]
    writer = sys.argv[5] if len(sys.argv) > 5 else "pandas"
    raw = open(rules_path, "rb").read()
    sha = hashlib.sha256(raw).hexdigest()
    rules = tomllib.loads(raw.decode())
    version = rules["version"]
    adm = rules["admission"]
    level_pts = adm["priority"]["level"]
    margins = {m["criterion"]: (m["weight"], m["cap"]) for m in adm["priority"]["margin"]}
    min_far = adm["min_far"]

    df = pd.read_csv(src, engine="pyarrow")
    n = len(df)
    num = lambda c: pd.to_numeric(df[c], errors="coerce").astype("float64")
    level = df["hightech_level"].astype("string").str.strip().str.lower()
    pollution = df["pollution_class"].astype("string").str.strip().str.lower()
    code = df["industry_code"].astype("string").str.strip().str.upper()
    expiry = pd.to_datetime(df["cert_expiry"], format="%Y-%m-%d", errors="coerce")
    revenue = num("revenue")

    passed = {}
    passed["certified"] = (level.isin(["municipal", "provincial", "national"]).fillna(False).astype(bool)
                           & (expiry >= pd.Timestamp(date)).fillna(False).astype(bool))
    passed["no_violations"] = (num("violations") == 0).fillna(False).astype(bool)
    rd_ratio = ratio(num("rd_expense"), revenue)
    tier1 = le(revenue, 5000)
    tier2 = ~tier1 & le(revenue, 20000) & revenue.notna()
    thr = pd.Series(np.where(tier1, 0.05, np.where(tier2, 0.04, 0.03)), index=df.index).where(revenue.notna())
    passed["rd_intensity"] = ge(rd_ratio, thr)
    ht_share = ratio(num("hightech_revenue"), revenue)
    passed["hightech_share"] = ge(ht_share, 0.6)
    passed["rd_staff_share"] = ge(ratio(num("rd_staff"), num("staff")), 0.1)
    passed["core_ip"] = ge(num("ip_count"), 1)
    passed["not_heavy"] = (pollution != "heavy").fillna(False).astype(bool)
    passed["key_industry"] = code.str.startswith(("C39", "C40", "C38", "C27", "C34", "C35", "I65")).fillna(False).astype(bool)
    passed["investment_intensity"] = ge(ratio(num("planned_investment"), num("requested_mu")), 300)
    far_min = pd.Series(np.nan, index=df.index)
    for plen in sorted({len(p) for p in min_far["prefix"]}, reverse=True):
        table = {p: v for p, v in min_far["prefix"].items() if len(p) == plen}
        far_min = far_min.fillna(code.str[:plen].map(table).astype("float64"))
    far_min = far_min.fillna(min_far["default"]).where(code.notna())
    passed["far_minimum"] = ge(num("planned_far"), far_min)
    catalogue = ge(num("catalogue_products"), 1)

    required = ["certified", "no_violations", "rd_intensity", "hightech_share", "rd_staff_share", "core_ip", "not_heavy"]
    conditional = ["key_industry", "investment_intensity", "far_minimum"]
    reject = np.zeros(n, dtype=bool)
    for c in required:
        reject |= ~passed[c].to_numpy()
    cond = np.zeros(n, dtype=bool)
    for c in conditional:
        cond |= ~passed[c].to_numpy()
    decision = np.where(reject, "reject", np.where(cond, "conditional", "admit"))

    score = level.map(level_pts).astype("float64").fillna(0.0).to_numpy()
    for cid, (value, threshold) in [("rd_intensity", (rd_ratio, thr)), ("hightech_share", (ht_share, 0.6))]:
        w, cap = margins[cid]
        m = ((value - threshold) / threshold).clip(0, cap).fillna(0).to_numpy()
        score = score + np.where(passed[cid].to_numpy(), w * m, 0.0)
    score = score + np.where(catalogue.to_numpy(), 1.0, 0.0)
    score = np.where(reject, np.nan, score)

    ids = required + conditional
    codes = np.zeros(n, dtype=np.int64)
    for i, c in enumerate(ids):
        codes |= (~passed[c].to_numpy()).astype(np.int64) << i
    uniq, inv = np.unique(codes, return_inverse=True)
    texts = np.array([";".join(c for i, c in enumerate(ids) if u >> i & 1) for u in uniq], dtype=object)
    failed = texts[inv]

    if writer == "pyarrow":
        import pyarrow as pa
        import pyarrow.csv as pacsv
        text = pd.Series(score).map("{:.4f}".format).where(~reject, "")
        table = pa.table({
            "id": pa.array(df["id"]), "name": pa.array(df["name"]), "decision": pa.array(decision),
            "score": pa.array(text.to_numpy(dtype=object)), "failed": pa.array(failed),
            "rules_version": pa.array([version] * n), "rules_sha256": pa.array([sha] * n),
        })
        pacsv.write_csv(table, out, write_options=pacsv.WriteOptions(quoting_style="needed"))
        return
    res = pd.DataFrame({
        "id": df["id"], "name": df["name"], "decision": decision, "score": score,
        "failed": failed, "rules_version": version, "rules_sha256": sha,
    })
    res.to_csv(out, index=False, float_format="%.4f", lineterminator="\n")


if __name__ == "__main__":
    main()
