//! Robustness of the plan's decisions: seeded class stability (reproducible, a far enterprise
//! stable and one on a boundary not), and constraint prices that agree with explicit
//! `allocate` runs.

mod common;

use common::{RULES, assert_ok, bin, read, read_json, rules_error};
use parkplan::io::enterprises::read_enterprises;
use parkplan::rank::robustness::{RankRobustness, Stable, stability};
use parkplan::rank::{Class, rank};
use parkplan::rules::{RuleSet, parse};
use std::path::Path;

const HEADER: &str = "id,name,tax,land_mu,value_added,energy_tce,cod_t,nh3n_t,so2_t,nox_t,staff,rd_expense,revenue,violations,willing_to_convert,lon,lat";

/// The bundled rule text with its tracks replaced by one for everyone on two indicators of
/// equal weight: tax per mu (benchmark 10) and R&D intensity (benchmark 0.1), and `extra`
/// appended to the `[ranking]` section (e.g. a `[ranking.robustness]` table).
fn two_indicators(extra: &str) -> RuleSet {
    let text = read(parkplan::io::bundled::rules());
    let start = text.find("[[ranking.track]]").unwrap();
    let end = text.find("[allocation]").unwrap();
    let track = "[[ranking.track]]\nid = \"all\"\ncap = 2.0\nscore_floor = 0.0\n\
        class_shares = { A = 0.20, B = 0.80, C = 0.95 }\n\
        [[ranking.track.indicators]]\nmetric = \"tax_per_mu\"\nweight = 50\nbenchmark = 10\n\
        [[ranking.track.indicators]]\nmetric = \"rd_ratio\"\nweight = 50\nbenchmark = 0.1\n";
    let text = format!("{}{track}\n{extra}\n{}", &text[..start], &text[end..]);
    parse(Path::new("r.toml"), &text, "test".into()).unwrap_or_else(|e| panic!("{e}"))
}

/// Ten enterprises on 10 mu: (id, tax per mu, R&D intensity). E01 beats everyone on both
/// indicators; E02 and E03 tie at the A/B cut (position 2 of 10) with opposite strengths, so
/// any move of the weights or benchmarks splits them; E10's tax per mu is exactly the weed-out
/// line (1.0); the rest are ordered on both indicators and far from the line.
const FIRMS: [(&str, f64, f64); 10] = [
    ("E01", 15.0, 0.15),
    ("E02", 12.0, 0.04),
    ("E03", 4.0, 0.12),
    ("E04", 3.5, 0.035),
    ("E05", 3.0, 0.03),
    ("E06", 2.8, 0.028),
    ("E07", 2.6, 0.026),
    ("E08", 2.4, 0.024),
    ("E09", 2.2, 0.022),
    ("E10", 1.0, 0.01),
];

fn registry() -> Vec<parkplan::model::Enterprise> {
    let rows: Vec<String> = FIRMS
        .iter()
        .map(|(id, tax_mu, rd)| {
            // Revenue 10,000 (10k yuan); R&D expense = rd x revenue.
            format!(
                "{id},企业{id},{},10,1000,100,0.1,0,0.1,0.1,50,{},10000,0,false,120.7,27.95",
                tax_mu * 10.0,
                rd * 10000.0
            )
        })
        .collect();
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    read_enterprises(Path::new("urban.csv"), &text)
        .unwrap_or_else(|e| panic!("{e}"))
        .enterprises
}

fn measure(rules: &RuleSet) -> RankRobustness {
    let reg = registry();
    stability(&reg, rules, &rank(&reg, rules))
}

fn firm<'a>(r: &'a RankRobustness, id: &str) -> &'a Stable {
    r.enterprises.iter().find(|s| s.id == id).unwrap()
}

#[test]
fn a_far_enterprise_is_stable_and_one_on_a_boundary_is_not() {
    let r = measure(&two_indicators(""));
    assert_eq!(
        (r.draws, r.seed, r.spread, r.borderline),
        (200, 1, 0.2, 0.8)
    );
    assert_eq!(r.skipped, None);
    assert_eq!(r.enterprises.len(), 10);
    // Far from every boundary: the same class and side in every draw.
    for id in ["E01", "E05"] {
        let s = firm(&r, id);
        assert_eq!((s.class_share, s.weed_out_share), (1.0, 1.0), "{s:?}");
        assert!(!s.borderline && !s.weed_out_borderline);
        assert_eq!(s.other_class, None);
    }
    assert_eq!(firm(&r, "E01").class, Class::A);
    // On the A/B cut (tied, so both are A in the plan): a draw favouring tax keeps E02 and
    // drops E03 to B, one favouring R&D the reverse.
    let (e2, e3) = (firm(&r, "E02"), firm(&r, "E03"));
    assert_eq!((e2.class, e3.class), (Class::A, Class::A));
    assert!(
        e2.class_share < 0.8 && e3.class_share < 0.8,
        "{e2:?} {e3:?}"
    );
    assert!(
        e2.class_share > 0.2 && e3.class_share > 0.2,
        "{e2:?} {e3:?}"
    );
    assert!(e2.borderline && e3.borderline);
    assert_eq!(e2.other_class, Some(Class::B));
    // Exactly on the weed-out line: the line moving ±20% puts it below in about half the draws.
    // It is D by its rank either way, so its class is stable.
    let e10 = firm(&r, "E10");
    assert!(!e10.weed_out);
    assert!(
        e10.weed_out_share > 0.3 && e10.weed_out_share < 0.7,
        "{e10:?}"
    );
    assert!(e10.weed_out_borderline && !e10.borderline);
    assert_eq!(e10.class_share, 1.0);
    assert_eq!(r.borderline_counts(), (2, 1));
}

#[test]
fn the_figures_are_seeded() {
    let rules = two_indicators("");
    let a = measure(&rules);
    assert_eq!(a, measure(&rules), "two runs, same figures");
    let other = measure(&two_indicators("[ranking.robustness]\nseed = 2\n"));
    assert_ne!(
        firm(&a, "E02").class_share,
        firm(&other, "E02").class_share,
        "another seed draws other factors"
    );
    // No spread: nothing moves.
    let none = measure(&two_indicators("[ranking.robustness]\nspread = 0\n"));
    assert!(none.enterprises.iter().all(|s| s.class_share == 1.0));
    // Off, or above the size bound: skipped, with the reason.
    let off = measure(&two_indicators("[ranking.robustness]\ndraws = 0\n"));
    assert!(off.enterprises.is_empty());
    assert_eq!(off.skipped.as_deref(), Some("ranking.robustness.draws = 0"));
    let big = measure(&two_indicators(
        "[ranking.robustness]\nmax_evaluations = 100\n",
    ));
    assert!(
        big.skipped
            .unwrap()
            .contains("above ranking.robustness.max_evaluations = 100")
    );
}

#[test]
fn bad_robustness_settings_are_located() {
    let text = read(parkplan::io::bundled::rules());
    let at = text.find("[[ranking.track]]").unwrap();
    let with = |extra: &str| format!("{}{extra}\n{}", &text[..at], &text[at..]);
    let e = rules_error(&with("[ranking.robustness]\nspread = 1.5\n"));
    assert!(e.contains("ranking.robustness.spread"), "{e}");
    assert!(e.contains("expected a relative spread in [0, 1)"), "{e}");
    assert!(e.contains("got 1.5"), "{e}");
    // Located at the value: the line of the key.
    let line = text[..at].matches('\n').count() + 2;
    assert!(
        e.contains(&format!("r.toml: line {line}, column 10:")),
        "{e}"
    );
    let e = rules_error(&with("[ranking.robustness]\nborderline = 2\n"));
    assert!(e.contains("ranking.robustness.borderline"), "{e}");
    let e = rules_error(&with("[ranking.robustness]\ndraws = 3\nsamples = 4\n"));
    assert!(e.contains("samples"), "{e}");
    let e = rules_error(&text.replace(
        "[allocation.side]",
        "[allocation.sensitivity]\nbuffer_step_m = -10\n\n[allocation.side]",
    ));
    assert!(e.contains("allocation.sensitivity.buffer_step_m"), "{e}");
    assert!(e.contains("expected a positive step, got -10"), "{e}");
}

const DATE: &str = "2026-11-26";

/// The objective of `parkplan allocate` with the rule file `rules`.
fn allocate_objective(dir: &Path, rules: &Path) -> f64 {
    let out = dir.join("alloc");
    let o = bin()
        .current_dir(common::ROOT)
        .args(["allocate", "--date", DATE, "--no-timings", "--rules"])
        .arg(rules)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o);
    read_json(out.join("summary.json"))["objective"]
        .as_f64()
        .unwrap()
}

/// Rows of a CSV file written with a byte-order mark.
fn csv_rows(path: &Path) -> Vec<csv::StringRecord> {
    let text = read(path);
    let text = text.trim_start_matches('\u{feff}');
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap())
        .collect()
}

const FILES: [&str; 5] = [
    "robustness.json",
    "robustness-ranking.csv",
    "robustness-prices.csv",
    "robustness-next-best.csv",
    "robustness-parcels.csv",
];

#[test]
fn the_plan_writes_the_figures_and_a_price_matches_two_allocate_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let plan = |name: &str| {
        let out = tmp.path().join(name);
        let o = bin()
            .current_dir(common::ROOT)
            .args(["plan", "--date", DATE, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_ok(&o);
        out
    };
    let (a, b) = (plan("a"), plan("b"));
    common::assert_same_files(&a, &b, &FILES, "same inputs, same bytes");
    let report = read(a.join("report.html"));
    assert!(report.contains("决策稳健性") && report.contains("约束价格"));

    // The buffer with the highest price: relaxing it by 10 m in a rule file gains exactly that.
    let prices = csv_rows(&a.join("robustness-prices.csv"));
    let p = prices
        .iter()
        .filter(|r| &r[5] == "re-solve")
        .max_by(|x, y| {
            x[4].parse::<f64>()
                .unwrap()
                .total_cmp(&y[4].parse().unwrap())
        })
        .expect("a buffer re-solved");
    let gain: f64 = p[4].parse().unwrap();
    assert!(gain > 0.0, "the bundled plan has a binding buffer: {p:?}");
    let parts: Vec<&str> = p[0].split('.').collect();
    let (kind, class, value, relaxed) = (parts[1], parts[2], &p[1], &p[2]);
    let text = read(RULES);
    let header = format!("[allocation.buffers_m.{kind}]\n");
    let at = text.find(&header).unwrap() + header.len();
    let end = at + text[at..].find("\n\n").unwrap();
    let table = text[at..end].replace(
        &format!("{class} = {value}\n"),
        &format!("{class} = {relaxed}\n"),
    );
    let table = if table.ends_with(&format!("{class} = {value}")) {
        table.replace(
            &format!("{class} = {value}"),
            &format!("{class} = {relaxed}"),
        )
    } else {
        table
    };
    assert_ne!(table, text[at..end], "the buffer line was found");
    let relaxed_rules = tmp.path().join("relaxed.toml");
    std::fs::write(
        &relaxed_rules,
        format!("{}{table}{}", &text[..at], &text[end..]),
    )
    .unwrap();
    let base = allocate_objective(&tmp.path().join("x"), Path::new(RULES));
    let more = allocate_objective(&tmp.path().join("y"), &relaxed_rules);
    assert!(
        (more - base - gain).abs() < 2e-6,
        "allocate gains {} ({more} - {base}), the plan reports {gain}",
        more - base
    );

    // Every parcel's drop is at least its dual price; a next-best parcel better than the one an
    // enterprise got is held by someone else (an optimum leaves no better parcel free).
    let parcels = csv_rows(&a.join("robustness-parcels.csv"));
    assert!(parcels.iter().any(|r| &r[4] == "matching"));
    for r in &parcels {
        if &r[4] == "matching" {
            let (drop, dual): (f64, f64) = (r[2].parse().unwrap(), r[3].parse().unwrap());
            assert!(drop + 1e-6 >= dual && dual >= 0.0, "{r:?}");
        }
    }
    for r in csv_rows(&a.join("robustness-next-best.csv")) {
        if !r[5].is_empty() && r[5].parse::<f64>().unwrap() < 0.0 {
            assert!(!r[6].is_empty(), "a better parcel left free: {r:?}");
        }
    }
}

#[test]
fn the_price_of_one_more_moderate_place_matches_two_allocate_runs() {
    // Two moderate places make plot mode a MIP; one re-solve is allowed, and the side
    // constraint is priced first.
    let tmp = tempfile::tempdir().unwrap();
    let text = read(RULES);
    let with = |n: u32, resolves: u32| {
        text.replace("# max_moderate = 10", &format!("max_moderate = {n}"))
            .replace(
                "[allocation.side]",
                &format!(
                    "[allocation.sensitivity]\nmax_resolves = {resolves}\n\n[allocation.side]"
                ),
            )
    };
    let (two, three) = (tmp.path().join("two.toml"), tmp.path().join("three.toml"));
    std::fs::write(&two, with(2, 1)).unwrap();
    std::fs::write(&three, with(3, 0)).unwrap();
    let out = tmp.path().join("plan");
    let o = bin()
        .current_dir(common::ROOT)
        .args(["plan", "--date", DATE, "--rules"])
        .arg(&two)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_ok(&o);
    let prices = csv_rows(&out.join("robustness-prices.csv"));
    let p = prices
        .iter()
        .find(|r| &r[0] == "side.max_moderate")
        .unwrap();
    assert_eq!(
        (&p[1], &p[2], &p[3], &p[5]),
        ("2", "3", "places", "re-solve")
    );
    let gain: f64 = p[4].parse().unwrap();
    assert!(gain > 0.0, "two places bind on the bundled scenario: {p:?}");
    // The one re-solve is spent: the buffers needing one say so.
    assert!(
        prices.iter().any(|r| &r[5] == "skipped"
            && r[6].contains("allocation.sensitivity.max_resolves = 1 reached"))
    );
    let base = allocate_objective(&tmp.path().join("x"), &two);
    let more = allocate_objective(&tmp.path().join("y"), &three);
    assert!(
        (more - base - gain).abs() < 2e-6,
        "allocate gains {} ({more} - {base}), the plan reports {gain}",
        more - base
    );
}
