#!/usr/bin/env python3
"""Write a seeded synthetic applicants CSV of any size in parkplan's format (all 28 columns, the
canonical English headers), for the screening benchmark when `parkplan gen` is not at hand.

    python3 benches/gen_applicants.py ROWS OUT.csv [SEED]

Figures follow the SPEC's ranges (R&D 0.5-12% of revenue, ...); about 2% of the numeric cells are
empty (not reported) and a few rows sit on the thresholds, so every criterion and decision occurs.
"""
import sys

import numpy as np
import pandas as pd

COLUMNS = ["id", "name", "lon", "lat", "industry_code", "hightech_level", "cert_expiry",
           "catalogue_products", "revenue", "rd_expense", "hightech_revenue", "staff", "rd_staff",
           "ip_count", "value_added", "tax", "land_mu", "energy_tce", "cod_t", "nh3n_t", "so2_t",
           "nox_t", "pollution_class", "violations", "willing_to_convert", "requested_mu",
           "planned_investment", "planned_far"]


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    ids = np.char.add("A", np.char.zfill(np.arange(n).astype(str), 7))
    stems = np.array(["温州瓯江科技有限公司", "灵昆智能装备有限公司", "龙湾电子股份有限公司",
                      "Wenzhou Bio-Pharma Co., Ltd.", "东海仪器有限公司", "浙南软件有限公司"])
    names = np.char.add(stems[rng.integers(0, len(stems), n)], np.arange(n).astype(str))
    codes = np.array(["C3911", "C3971", "C4011", "C3811", "C2710", "C3511", "C3531", "C3544",
                      "C3412", "I6513", "C1711", "C2614", "C1311", "C1411"])
    revenue = np.round(np.exp(rng.uniform(np.log(300), np.log(60000), n)), 1)
    revenue[rng.random(n) < 0.01] = 5000.0
    revenue[rng.random(n) < 0.01] = 20000.0
    rd = np.round(revenue * rng.uniform(0.005, 0.12, n), 3)
    staff = rng.integers(10, 2000, n).astype(float)
    level = np.array(["none", "municipal", "provincial", "national", "National "])[
        rng.choice(5, n, p=[0.15, 0.35, 0.25, 0.2, 0.05])]
    days = rng.integers(-200, 1500, n)
    expiry = (np.datetime64("2026-05-01") + days.astype("timedelta64[D]")).astype(str)
    va = np.round(revenue * rng.uniform(0.15, 0.4, n), 1)
    cols = {
        "id": ids,
        "name": names,
        "lon": np.round(rng.uniform(120.6, 120.9, n), 6),
        "lat": np.round(rng.uniform(27.9, 28.05, n), 6),
        "industry_code": codes[rng.integers(0, len(codes), n)],
        "hightech_level": level,
        "cert_expiry": expiry,
        "catalogue_products": rng.choice(4, n, p=[0.6, 0.2, 0.15, 0.05]).astype(float),
        "revenue": revenue,
        "rd_expense": rd,
        "hightech_revenue": np.round(revenue * rng.uniform(0.3, 1.0, n), 1),
        "staff": staff,
        "rd_staff": np.floor(staff * rng.uniform(0.03, 0.4, n)),
        "ip_count": rng.choice(6, n, p=[0.1, 0.2, 0.3, 0.2, 0.1, 0.1]).astype(float),
        "value_added": va,
        "tax": np.round(va * rng.uniform(0.05, 0.3, n), 1),
        "land_mu": np.round(rng.uniform(5, 200, n), 1),
        "energy_tce": np.round(va * rng.uniform(0.1, 3, n), 1),
        "cod_t": np.round(rng.uniform(0, 20, n), 2),
        "nh3n_t": np.round(rng.uniform(0, 2, n), 2),
        "so2_t": np.round(rng.uniform(0, 10, n), 2),
        "nox_t": np.round(rng.uniform(0, 10, n), 2),
        "pollution_class": np.array(["light", "moderate", "heavy"])[rng.choice(3, n, p=[0.6, 0.3, 0.1])],
        "violations": rng.choice(3, n, p=[0.9, 0.07, 0.03]).astype(float),
        "willing_to_convert": np.array(["true", "false"])[rng.integers(0, 2, n)],
        "requested_mu": np.round(rng.uniform(10, 150, n), 1),
        "planned_investment": np.round(rng.uniform(1000, 80000, n), 1),
        "planned_far": np.round(rng.uniform(0.5, 3.0, n), 2),
    }
    df = pd.DataFrame(cols, columns=COLUMNS)
    numeric = [c for c in COLUMNS if df[c].dtype.kind == "f" and c not in ("lon", "lat")]
    for c in numeric + ["cert_expiry", "pollution_class", "hightech_level"]:
        df[c] = df[c].astype(object)
        df.loc[rng.random(n) < 0.02, c] = None
    df.to_csv(out, index=False)


if __name__ == "__main__":
    main()
