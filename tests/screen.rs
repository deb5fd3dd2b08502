//! Admission screening: the SPEC's boundary cases, traces, remedies, rule-file errors, CLI.

mod common;

use chrono::NaiveDate;
use common::{assert_contains, assert_ok, bin, read, rules, stderr, temp_file};
use parkplan::io::enterprises::read_enterprises;
use parkplan::model::{CandidateKind, Enterprise, PollutionClass};
use parkplan::screen::{Decision, Status, Trace, candidates, screen, trace};
use std::path::Path;
use std::process::Command;

const HEADER: &str = "id,name,industry_code,hightech_level,cert_expiry,catalogue_products,revenue,rd_expense,hightech_revenue,staff,rd_staff,ip_count,pollution_class,violations,requested_mu,planned_investment,planned_far";

/// A good applicant: admitted under the default rules on 2026-05-01.
const GOOD: [(&str, &str); 17] = [
    ("id", "E"),
    ("name", "温州测试科技有限公司"),
    ("industry_code", "C3911"),
    ("hightech_level", "municipal"),
    ("cert_expiry", "2027-12-31"),
    ("catalogue_products", "0"),
    ("revenue", "4000"),
    ("rd_expense", "300"),
    ("hightech_revenue", "3000"),
    ("staff", "100"),
    ("rd_staff", "20"),
    ("ip_count", "3"),
    ("pollution_class", "light"),
    ("violations", "0"),
    ("requested_mu", "20"),
    ("planned_investment", "8000"),
    ("planned_far", "1.5"),
];

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
}

/// One row per case: the good applicant with some fields changed.
fn registry(cases: &[&[(&str, &str)]]) -> Vec<Enterprise> {
    let mut csv = format!("{HEADER}\n");
    for (i, changes) in cases.iter().enumerate() {
        let cells: Vec<String> = GOOD
            .iter()
            .map(|(k, v)| {
                let v = changes.iter().find(|(c, _)| c == k).map_or(*v, |(_, v)| *v);
                if *k == "id" {
                    format!("E{i}")
                } else {
                    v.to_string()
                }
            })
            .collect();
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    read_enterprises(Path::new("test.csv"), &csv)
        .expect("test rows load")
        .enterprises
}

/// Four applicants: admitted, rejected (violations), conditional (no floor-area ratio) and
/// rejected (no revenue).
fn four_outcomes() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![],
        vec![("violations", "2")],
        vec![("planned_far", "")],
        vec![("revenue", "0")],
    ]
}

/// [`registry`] of cases held in vectors.
fn registry_of(cases: &[Vec<(&str, &str)>]) -> Vec<Enterprise> {
    let refs: Vec<&[(&str, &str)]> = cases.iter().map(Vec::as_slice).collect();
    registry(&refs)
}

fn one(changes: &[(&str, &str)]) -> Trace {
    let ents = registry(&[changes]);
    trace(&ents[0], &rules(), date())
}

fn status(t: &Trace, id: &str) -> Status {
    t.criteria.iter().find(|c| c.id == id).unwrap().status
}

fn crit<'a>(t: &'a Trace, id: &str) -> &'a parkplan::screen::CriterionTrace {
    t.criteria.iter().find(|c| c.id == id).unwrap()
}

#[test]
fn the_good_applicant_is_admitted() {
    let t = one(&[]);
    assert_eq!(t.decision, Decision::Admit, "{t:#?}");
    assert!(t.failed.is_empty());
}

#[test]
fn rd_tiers_are_inclusive_at_5000_and_20000() {
    let rules = rules();
    let ents = registry(&[
        &[
            ("revenue", "5000"),
            ("rd_expense", "250"),
            ("hightech_revenue", "4000"),
        ],
        &[
            ("revenue", "5000"),
            ("rd_expense", "249.99"),
            ("hightech_revenue", "4000"),
        ],
        &[
            ("revenue", "5000.01"),
            ("rd_expense", "200.0004"),
            ("hightech_revenue", "4000"),
        ],
        &[
            ("revenue", "20000"),
            ("rd_expense", "800"),
            ("hightech_revenue", "15000"),
        ],
        &[
            ("revenue", "20000"),
            ("rd_expense", "799.99"),
            ("hightech_revenue", "15000"),
        ],
        &[
            ("revenue", "20000.01"),
            ("rd_expense", "600.0003"),
            ("hightech_revenue", "15000"),
        ],
        &[
            ("revenue", "3333.3"),
            ("rd_expense", "166.665"),
            ("hightech_revenue", "3000"),
        ],
    ]);
    let got: Vec<(Status, Option<String>)> = ents
        .iter()
        .map(|e| {
            let t = trace(e, &rules, date());
            let c = crit(&t, "rd_intensity");
            (c.status, c.tier.clone())
        })
        .collect();
    let tier = |s: &str| Some(s.to_string());
    let t1 = tier("revenue <= 5,000 (10k yuan) 营业收入≤5000万元");
    let t2 = tier("5,000 < revenue <= 20,000 (10k yuan) 5000万元<营业收入≤2亿元");
    let t3 = tier("revenue > 20,000 (10k yuan) 营业收入>2亿元");
    assert_eq!(
        got,
        vec![
            (Status::Pass, t1.clone()),
            (Status::Fail, t1.clone()),
            (Status::Pass, t2.clone()),
            (Status::Pass, t2.clone()),
            (Status::Fail, t2),
            (Status::Pass, t3),
            (Status::Pass, t1), // 166.665 / 3333.3 is exactly 5% in decimal
        ]
    );
    let report = screen(&ents, &rules, date());
    assert_eq!(report.rows[6].decision, Decision::Admit);
}

/// The national industrial land control indicators (国土资发〔2008〕24号, table 2) as the issue
/// maps them to GB/T 4754-2017 divisions: a code in each division and its minimum FAR.
const NATIONAL_FAR: [(&str, f64); 31] = [
    ("C1310", 1.0),
    ("C1411", 1.0),
    ("C1511", 1.0),
    ("C1610", 1.0),
    ("C1713", 0.8),
    ("C1810", 1.0),
    ("C1951", 1.0), // shoes: Wenzhou's classic industry
    ("C2011", 0.8),
    ("C2110", 0.8),
    ("C2221", 0.8),
    ("C2319", 0.8),
    ("C2411", 1.0),
    ("C2511", 0.5),
    ("C2614", 0.6),
    ("C2720", 0.7),
    ("C2821", 0.8),
    ("C2911", 0.8), // C291 rubber
    ("C2929", 1.0), // C292 plastics
    ("C3011", 0.7),
    ("C3110", 0.6),
    ("C3211", 0.6),
    ("C3360", 0.7),
    ("C3443", 0.7),
    ("C3544", 0.7),
    ("C3670", 0.7),
    ("C3731", 0.7),
    ("C3823", 0.7),
    ("C3911", 1.0),
    ("C4011", 1.0),
    ("C4190", 1.0),
    ("C4210", 0.7),
];

#[test]
fn floor_area_minimums_follow_the_national_table_in_every_division() {
    let rules = rules();
    let far = |code: &str, planned: &str| {
        let t = one(&[("industry_code", code), ("planned_far", planned)]);
        let c = crit(&t, "far_minimum");
        (c.status, c.threshold_number)
    };
    for (code, min) in NATIONAL_FAR {
        // Exactly the minimum passes (decimal-exact), 0.01 under it fails, 0.01 over passes.
        let at = format!("{min}");
        assert_eq!(far(code, &at), (Status::Pass, Some(min)), "{code} at {min}");
        let under = format!("{:.2}", min - 0.01);
        assert_eq!(far(code, &under).0, Status::Fail, "{code} at {under}");
        let over = format!("{:.2}", min + 0.01);
        assert_eq!(far(code, &over).0, Status::Pass, "{code} at {over}");
        assert_eq!(
            rules
                .admission
                .min_far
                .of(&parkplan::model::IndustryCode::parse(code).unwrap()),
            Some(min),
            "{code}"
        );
    }
    // Other sections and divisions the table does not list keep the default 0.7.
    for code in ["I6510", "C4320", "M7320"] {
        assert_eq!(far(code, "0.7").0, Status::Pass, "{code}");
        assert_eq!(far(code, "0.69").0, Status::Fail, "{code}");
    }
    // A shoe maker planning 0.8 passed a flat 0.7; the national table asks 1.0 of C19.
    let t = one(&[("industry_code", "C1951"), ("planned_far", "0.8")]);
    let c = crit(&t, "far_minimum");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.threshold.as_deref(), Some(">= 1 (min_far)"));
    assert_eq!(
        c.remedy.as_deref(),
        Some("planned floor-area ratio +0.20 to reach 1 (industry minimum floor-area ratio)")
    );
    // Without an industry code the minimum cannot be known: not reported.
    let t = one(&[("industry_code", ""), ("planned_far", "3")]);
    assert_eq!(crit(&t, "far_minimum").status, Status::NotReported);
}

#[test]
fn certificate_expiring_on_the_date_is_valid_the_day_before_is_not() {
    assert_eq!(
        status(&one(&[("cert_expiry", "2026-05-01")]), "certified"),
        Status::Pass
    );
    let t = one(&[("cert_expiry", "2026-04-30")]);
    assert_eq!(t.decision, Decision::Reject);
    let c = crit(&t, "certified");
    assert_eq!(c.status, Status::Fail);
    assert_eq!(c.value.as_deref(), Some("2026-04-30"));
    assert_eq!(c.threshold.as_deref(), Some(">= 2026-05-01"));
    assert_eq!(
        c.remedy.as_deref(),
        Some("certificate expired 2026-04-30: renew it (must be valid on 2026-05-01)")
    );
    assert_eq!(
        status(&one(&[("hightech_level", "none")]), "certified"),
        Status::Fail
    );
}

#[test]
fn shares_exactly_at_60_and_10_percent_pass() {
    let t = one(&[("hightech_revenue", "2400"), ("rd_staff", "10")]);
    assert_eq!(status(&t, "hightech_share"), Status::Pass);
    assert_eq!(status(&t, "rd_staff_share"), Status::Pass);
    assert_eq!(t.decision, Decision::Admit);
    let t = one(&[("hightech_revenue", "2399.9"), ("rd_staff", "9")]);
    assert_eq!(t.failed, vec!["hightech_share", "rd_staff_share"]);
    assert_eq!(
        crit(&t, "rd_staff_share").remedy.as_deref(),
        Some("R&D staff +1 (persons) to reach 10.0% of staff")
    );
}

#[test]
fn missing_values_are_not_zero() {
    // Required criterion on an empty cell: reject, "not reported", never a pass.
    let t = one(&[("rd_expense", "")]);
    assert_eq!(t.decision, Decision::Reject);
    let c = crit(&t, "rd_intensity");
    assert_eq!(c.status, Status::NotReported);
    assert_eq!(c.reason.as_deref(), Some("rd_expense not reported 未填报"));
    // An empty violations count is not "0 violations".
    assert_eq!(
        status(&one(&[("violations", "")]), "no_violations"),
        Status::NotReported
    );
    assert_eq!(
        status(&one(&[("pollution_class", "")]), "not_heavy"),
        Status::NotReported
    );
    // Conditional criterion on an empty cell: conditional.
    let t = one(&[("planned_far", "")]);
    assert_eq!(t.decision, Decision::Conditional);
    assert_eq!(t.failed, vec!["far_minimum"]);
    assert!(t.score.is_some());
}

#[test]
fn zero_denominators_are_not_computable_and_fail() {
    let t = one(&[
        ("revenue", "0"),
        ("rd_expense", "0"),
        ("hightech_revenue", "0"),
    ]);
    assert_eq!(t.decision, Decision::Reject);
    assert_eq!(status(&t, "rd_intensity"), Status::NotComputable);
    assert_eq!(status(&t, "hightech_share"), Status::NotComputable);
    assert_eq!(
        crit(&t, "hightech_share").reason.as_deref(),
        Some("hightech_share not computable: revenue is 0 无法计算")
    );
    let t = one(&[("requested_mu", "0")]);
    assert_eq!(status(&t, "investment_intensity"), Status::NotComputable);
    assert_eq!(t.decision, Decision::Conditional);
}

#[test]
fn heavy_pollution_and_violations_reject() {
    let t = one(&[("pollution_class", "Heavy ")]);
    assert_eq!(
        (t.decision, t.failed.clone()),
        (Decision::Reject, vec!["not_heavy".to_string()])
    );
    let t = one(&[("violations", "1")]);
    assert_eq!(
        (t.decision, t.failed.clone()),
        (Decision::Reject, vec!["no_violations".to_string()])
    );
    assert_eq!(
        crit(&t, "no_violations").remedy.as_deref(),
        Some("violations is 1: must be 0")
    );
}

#[test]
fn what_it_would_take_is_in_the_criterion_units() {
    // 3333.3 x 5% = 166.665; 128.2 is 38.465 short, rounded up to 38.5.
    let t = one(&[
        ("revenue", "3333.3"),
        ("rd_expense", "128.2"),
        ("hightech_revenue", "3000"),
    ]);
    let c = crit(&t, "rd_intensity");
    assert_eq!(c.value.as_deref(), Some("3.85%"));
    assert_eq!(c.threshold.as_deref(), Some(">= 5.0%"));
    assert_eq!(
        (c.measured_number, c.threshold_number),
        (Some(128.2 / 3333.3), Some(0.05))
    );
    assert_eq!(
        c.remedy.as_deref(),
        Some("R&D expense +38.5 (10k yuan) to reach 5.0% of revenue")
    );
    let t = one(&[("planned_investment", "5000")]);
    assert_eq!(
        crit(&t, "investment_intensity").remedy.as_deref(),
        Some(
            "planned investment +1000.0 (10k yuan) to reach 300 (10k yuan/mu) on 20 mu, or requested land -3.4 (mu)"
        )
    );
    let t = one(&[("planned_far", "0.8")]);
    assert_eq!(
        crit(&t, "far_minimum").remedy.as_deref(),
        Some("planned floor-area ratio +0.20 to reach 1 (industry minimum floor-area ratio)")
    );
}

#[test]
fn catalogue_and_certification_level_set_the_priority() {
    let rules = rules();
    let ents = registry(&[
        &[("hightech_level", "municipal")],
        &[("hightech_level", "municipal"), ("catalogue_products", "2")],
        &[("hightech_level", "national")],
        &[("hightech_level", "national"), ("catalogue_products", "")],
    ]);
    let r = screen(&ents, &rules, date());
    let s: Vec<f64> = r.rows.iter().map(|x| x.score.unwrap()).collect();
    // Margins: R&D 7.5% on a 5% tier is 0.5 over (weight 1); high-tech 75% on 60% is 0.25 over.
    assert!((s[0] - (1.0 + 0.5 + 0.25)).abs() < 1e-12, "{s:?}");
    assert!(
        (s[1] - s[0] - 1.0).abs() < 1e-12,
        "catalogue adds its weight: {s:?}"
    );
    assert!(
        (s[2] - s[0] - 2.0).abs() < 1e-12,
        "national 3 vs municipal 1: {s:?}"
    );
    assert_eq!(
        s[3], s[2],
        "a missing catalogue count adds nothing and rejects nothing"
    );
    // Rejected applicants have no score; allocation candidates carry the score.
    let cands = candidates(&r, &ents, &rules);
    assert_eq!(cands.len(), 4);
    assert_eq!(cands[2].priority, s[2]);
    assert_eq!(cands[0].cluster, "electronics");
    assert_eq!(cands[0].kind, CandidateKind::Admitted);
    assert_eq!(cands[0].pollution_class, PollutionClass::Light);
}

#[test]
fn screening_is_deterministic_and_matches_the_trace() {
    let rules = rules();
    let ents = registry_of(&four_outcomes());
    let a = screen(&ents, &rules, date());
    for (i, e) in ents.iter().enumerate() {
        let t = trace(e, &rules, date());
        assert_eq!(t.decision, a.rows[i].decision);
        assert_eq!(t.score, a.rows[i].score);
        assert_eq!(t.failed, a.failed(i, &rules).collect::<Vec<_>>());
    }
    let cands = candidates(&a, &ents, &rules);
    assert_eq!(
        cands
            .iter()
            .map(|c| (c.id.as_str(), c.kind))
            .collect::<Vec<_>>(),
        vec![
            ("E0", CandidateKind::Admitted),
            ("E2", CandidateKind::Conditional)
        ]
    );
}

// ---- the command line -------------------------------------------------------------------------

/// `parkplan screen` with `args`, then `--enterprises csv`.
fn screen_of(csv: &Path, args: &[&str]) -> Command {
    let mut c = bin();
    c.arg("screen").args(args).arg("--enterprises").arg(csv);
    c
}

/// A new folder holding `applicants.csv`, the [`registry`] of `cases`; the folder and the file's
/// path.
fn write_csv(cases: &[&[(&str, &str)]]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ents = registry(cases);
    let path = dir.path().join("applicants.csv");
    let mut buf = Vec::new();
    parkplan::io::enterprises::write_enterprises(&mut buf, &ents).unwrap();
    std::fs::write(&path, buf).unwrap();
    (dir, path)
}

#[test]
fn cli_writes_csv_with_rules_version_and_hash() {
    let (dir, csv) = write_csv(&[&[], &[("cert_expiry", "2026-04-30"), ("rd_staff", "")]]);
    let out = dir.path().join("out.csv");
    let st = screen_of(&csv, &["--date", "2026-05-01"])
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(st.success());
    let text = read(&out);
    let rules = rules();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,decision,score,failed,rules_version,rules_sha256")
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "E0,温州测试科技有限公司,admit,1.7500,,{},{}",
            rules.version, rules.hash
        )
    );
    assert_eq!(
        lines.next().unwrap(),
        format!(
            "E1,温州测试科技有限公司,reject,,certified;rd_staff_share,{},{}",
            rules.version, rules.hash
        )
    );
    // JSON carries the full trace, and the same run gives the same bytes.
    let json = |p: &str| {
        let o = screen_of(&csv, &["--date", "2026-05-01", "--format", "json"])
            .arg("--out")
            .arg(dir.path().join(p))
            .status()
            .unwrap();
        assert!(o.success());
        std::fs::read(dir.path().join(p)).unwrap()
    };
    let (a, b) = (json("a.json"), json("b.json"));
    assert_eq!(a, b);
    let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
    assert_eq!(v["rules_sha256"], rules.hash.as_str());
    let c = &v["enterprises"][1]["criteria"][0];
    assert_eq!(c["id"], "certified");
    assert_eq!(c["status"], "fail");
    assert_eq!(c["checks"][1]["test"], "cert_expiry >= eval_date");
}

#[test]
fn cli_explain_shows_value_threshold_and_remedy() {
    let (_dir, csv) = write_csv(&[&[
        ("revenue", "3333.3"),
        ("rd_expense", "128.2"),
        ("hightech_revenue", "3000"),
    ]]);
    let o = screen_of(&csv, &["--date", "2026-05-01", "--explain", "E0"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    assert_contains(&text, "决定 Decision     不予准入 reject");
    let row = text
        .lines()
        .find(|l| l.starts_with("rd_intensity"))
        .unwrap();
    assert!(
        row.contains("不通过 fail") && row.contains("3.85%") && row.contains(">= 5.0%"),
        "{row}"
    );
    assert_contains(&text, "档次 tier: revenue <= 5,000 (10k yuan)");
    assert_contains(
        &text,
        "整改 what it would take: R&D expense +38.5 (10k yuan) to reach 5.0% of revenue",
    );
    let o = screen_of(&csv, &["--explain", "NOPE"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cli_refuses_bad_rule_files_with_rule_id_and_position() {
    let (dir, csv) = write_csv(&[&[]]);
    let base = read(parkplan::io::bundled::rules());
    let cases = [
        (
            "expr = 'ip_count >= 1'",
            "expr = 'ip_cont >= 1'",
            "core_ip",
            "unknown metric `ip_cont` (did you mean `ip_count`?)",
            9,
        ),
        (
            "expr = 'violations == 0'",
            "expr = 'violations == \"no\"'",
            "no_violations",
            "cannot compare `violations` (a number) with `\"no\"` (a string)",
            9,
        ),
        (
            "expr = 'hightech_share >= 60%'",
            "expr = 'hightech_share >= 60% and'",
            "hightech_share",
            "expected a value, found the end of the expression",
            34,
        ),
        (
            "expr = 'pollution_class != \"heavy\"'",
            "expr = 'pollution_class != \"hevy\"'",
            "not_heavy",
            "`pollution_class` is never \"hevy\"",
            28,
        ),
    ];
    for (from, to, id, msg, column) in cases {
        assert!(base.contains(from));
        let path = dir.path().join(format!("{id}.toml"));
        std::fs::write(&path, base.replace(from, to)).unwrap();
        let line = base.lines().position(|l| l == from).unwrap() + 1;
        let o = screen_of(&csv, &[])
            .arg("--rules")
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{id}");
        let err = String::from_utf8(o.stderr).unwrap();
        let want = format!(
            "{}: line {line}, column {column}: admission.criterion.{id}.expr: criterion \"{id}\": ",
            path.display()
        );
        assert!(
            err.contains(&want) && err.contains(msg),
            "{err}\nwant: {want}{msg}"
        );
        assert!(
            err.contains(&format!("{}^", " ".repeat(column - 1))),
            "{err}"
        );
        assert!(o.stdout.is_empty());
    }
}

#[test]
fn cli_compare_names_the_criteria_that_moved() {
    let (dir, csv) = write_csv(&[&[], &[("revenue", "4000"), ("rd_expense", "180")]]);
    let base = read(parkplan::io::bundled::rules());
    let lax = dir.path().join("lax.toml");
    std::fs::write(
        &lax,
        base.replace("expr = 'rd_ratio >= 5%'", "expr = 'rd_ratio >= 4%'")
            .replace("lingkun-2026.2", "lax"),
    )
    .unwrap();
    let o = screen_of(&csv, &["--date", "2026-05-01"])
        .arg("--compare")
        .arg(&lax)
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(
            "E1,温州测试科技有限公司,reject,admit,rd_intensity: fail -> pass,lingkun-2026.2@"
        ),
        "{text}"
    );
}

#[test]
fn streamed_csv_is_byte_identical_to_screen_then_write() {
    let rules = rules();
    let mut cases = four_outcomes();
    cases.push(vec![("name", "\"甲, 乙\"")]);
    let ents = registry_of(&cases);
    let mut text = Vec::new();
    parkplan::io::enterprises::write_enterprises(&mut text, &ents).unwrap();
    let text = String::from_utf8(text).unwrap();
    let report = screen(&ents, &rules, date());
    let mut want = Vec::new();
    parkplan::screen::write_csv(&mut want, &report, &ents, &rules).unwrap();
    let got = parkplan::screen::screen_csv_text(Path::new("t.csv"), &text, &rules, date())
        .expect("clean file streams");
    assert_eq!(got.chunks.concat(), want);
    assert_eq!(got.counts, report.counts());
    // Any problem (here a duplicate id) leaves the file to the sequential reader's errors.
    let dup = format!("{text}{}", text.lines().nth(1).unwrap());
    assert!(parkplan::screen::screen_csv_text(Path::new("t.csv"), &dup, &rules, date()).is_none());
}

#[test]
fn cli_refuses_a_bad_cell_with_its_line_and_writes_nothing() {
    let (dir, csv) = temp_file(
        "bad.csv",
        format!("{HEADER}\nE1,甲,C3911,municipal,2027-01-01,0,n/a,1,1,1,1,1,light,0,1,1,1\n"),
    );
    let out = dir.path().join("out.csv");
    let o = screen_of(&csv, &[])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_contains(
        &err,
        "bad.csv: row 2 (line 2): revenue: expected a number, got \"n/a\"",
    );
    assert!(!out.exists());
}

#[test]
fn cli_screens_the_bundled_applicants() {
    let o = bin()
        .args(["screen", "--date", "2026-05-01"])
        .output()
        .unwrap();
    assert_ok(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 80);
    for d in ["admit", "conditional", "reject"] {
        assert!(
            rows.iter().any(|r| r.split(',').nth(2) == Some(d)),
            "no {d} in the bundled screen"
        );
    }
    // The bundled edge case: R&D 166.665 on revenue 3,333.3 is exactly 5%.
    let o = bin()
        .args([
            "screen",
            "--date",
            "2026-05-01",
            "--explain",
            "AP-003",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(t["criteria"][2]["id"], "rd_intensity");
    assert_eq!(t["criteria"][2]["status"], "pass");
}

#[test]
fn explain_the_report_json_and_trace_name_each_criterions_source() {
    let (_dir, csv) = write_csv(&[&[("industry_code", "C1951"), ("planned_far", "0.8")]]);
    let o = screen_of(&csv, &["--date", "2026-05-01", "--explain", "E0"])
        .output()
        .unwrap();
    assert_ok(&o);
    let text = String::from_utf8(o.stdout).unwrap();
    let source_after = |criterion: &str| {
        let mut lines = text.lines().skip_while(|l| !l.starts_with(criterion));
        lines
            .find(|l| l.trim_start().starts_with("依据 source:"))
            .unwrap_or_else(|| panic!("no source after {criterion}:\n{text}"))
            .to_string()
    };
    assert_contains(&source_after("far_minimum"), "国土资发〔2008〕24号");
    assert_contains(
        &source_after("rd_intensity"),
        "国科发火〔2016〕32号 第十一条（五）",
    );
    assert_contains(&source_after("rd_staff_share"), "第十一条（四）");
    // Every criterion of the bundled rules names one.
    let rules = rules();
    for c in rules.admission.criteria() {
        assert!(rules.admission.source_of(c).is_some(), "{}", c.id);
    }
    // The JSON lists each criterion's source once; --explain's JSON has it on the trace.
    let o = screen_of(&csv, &["--date", "2026-05-01", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let far = v["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "far_minimum")
        .unwrap();
    assert_contains(far["source"].as_str().unwrap(), "国土资发〔2008〕24号");
    assert!(
        v["enterprises"][0]["criteria"][0].get("source").is_none(),
        "listed once"
    );
    let o = screen_of(
        &csv,
        &[
            "--date",
            "2026-05-01",
            "--explain",
            "E0",
            "--format",
            "json",
        ],
    )
    .output()
    .unwrap();
    let t: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_contains(
        t["criteria"][2]["source"].as_str().unwrap(),
        "国科发火〔2016〕32号",
    );
}

/// One applicant's standard-land decision worked out from its cells, apart from the rule
/// language: required commitments (investment, output, tax per requested mu; height), then
/// conditional figures of the last year (value added per tce and per tonne, R&D share).
fn standard_land_decision(r: &std::collections::HashMap<String, String>) -> &'static str {
    let n = |k: &str| r[k].parse::<f64>().ok();
    let ratio = |a: &str, b: &str| match (n(a), n(b)) {
        (Some(x), Some(y)) if y != 0.0 => Some(x / y),
        _ => None,
    };
    let at_least = |v: Option<f64>, t: f64| v.is_some_and(|v| v >= t * (1.0 - 1e-9));
    let emissions = ["cod_t", "nh3n_t", "so2_t", "nox_t"]
        .iter()
        .map(|k| n(k))
        .sum::<Option<f64>>();
    let required = at_least(ratio("planned_investment", "requested_mu"), 240.0)
        && at_least(ratio("planned_output", "requested_mu"), 360.0)
        && at_least(ratio("planned_tax", "requested_mu"), 9.6)
        && n("planned_height_m").is_some_and(|h| h <= 24.0 * (1.0 + 1e-9));
    let per_t = match (n("value_added"), emissions) {
        (Some(v), Some(e)) if e != 0.0 => Some(v / e),
        _ => None,
    };
    let conditional = at_least(ratio("value_added", "energy_tce"), 3.0)
        && at_least(per_t, 293.0)
        && at_least(ratio("rd_expense", "revenue"), 0.01);
    match (required, conditional) {
        (false, _) => "reject",
        (true, false) => "conditional",
        (true, true) => "admit",
    }
}

#[test]
fn the_standard_land_rules_screen_the_bundled_applicants() {
    let path = common::bundled("rules/wenzhou-standard-land.toml");
    let sl = parkplan::rules::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let reg =
        parkplan::io::enterprises::load_enterprises(&parkplan::io::bundled::applicants()).unwrap();
    let report = screen(&reg.enterprises, &sl, date());
    // Each decision agrees with the commitments worked out from the file's cells.
    let text = read(parkplan::io::bundled::applicants());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let mut seen = std::collections::BTreeMap::new();
    for (row, rec) in report.rows.iter().zip(reader.records()) {
        let rec: std::collections::HashMap<String, String> = header
            .iter()
            .cloned()
            .zip(rec.unwrap().iter().map(String::from))
            .collect();
        assert_eq!(row.id, rec["id"]);
        assert_eq!(
            row.decision.name(),
            standard_land_decision(&rec),
            "{}",
            row.id
        );
        *seen.entry(row.decision.name()).or_insert(0) += 1;
    }
    assert_eq!(
        seen.len(),
        3,
        "admit, conditional and reject all occur: {seen:?}"
    );
    // The bounds are inclusive: output exactly 360 and tax exactly 9.6 per mu, height exactly
    // 24 m pass; a height not reported fails as not reported.
    let status = |id: &str, criterion: &str| {
        let e = reg.enterprises.iter().find(|e| e.id == id).unwrap();
        let t = trace(e, &sl, date());
        t.criteria
            .iter()
            .find(|c| c.id == criterion)
            .unwrap()
            .status
    };
    assert_eq!(status("AP-066", "output_per_mu"), Status::Pass);
    assert_eq!(status("AP-070", "tax_per_mu"), Status::Pass);
    assert_eq!(status("AP-074", "height"), Status::Pass);
    assert_eq!(status("AP-078", "height"), Status::NotReported);
    // The same command line, another policy: only the rule file differs.
    let o = bin()
        .args(["screen", "--date", "2026-05-01", "--rules"])
        .arg(&path)
        .output()
        .unwrap();
    assert_ok(&o);
    assert_contains(&stderr(&o), "wenzhou-standard-land-2026.1");
}
