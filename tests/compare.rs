//! `plan --compare`: the comparison lists exactly what two separate runs of `screen` and
//! `allocate` (one per rule file or registry) differ in, in its files and in the report, and
//! a rerun gives the same bytes; bad other inputs are refused like the main ones.

mod common;

use common::{
    assert_contains, assert_ok, assert_same_files, bundled, edited_copy, parkplan, read, read_csv,
    read_json, stderr,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const DATE: &str = "2026-11-26";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `screen` of `enterprises` under `rules`: id -> decision.
fn screened(dir: &Path, rules: &Path, enterprises: &Path, name: &str) -> BTreeMap<String, String> {
    let out = dir.join(name);
    let o = parkplan(&[
        "screen",
        "--rules",
        s(rules),
        "--enterprises",
        s(enterprises),
        "--date",
        DATE,
        "--out",
        s(&out),
    ]);
    assert_ok(&o);
    read_csv(&out)
        .into_iter()
        .map(|r| (r["id"].clone(), r["decision"].clone()))
        .collect()
}

/// `allocate` under `rules` with these registries (and `extra` arguments): enterprise id ->
/// parcel id.
fn allocated(
    dir: &Path,
    rules: &Path,
    registries: &[&Path],
    extra: &[&str],
    name: &str,
) -> BTreeMap<String, String> {
    let out = dir.join(name);
    let mut args = vec!["allocate", "--rules", s(rules), "--date", DATE];
    args.extend(extra);
    for r in registries {
        args.extend(["--enterprises", s(r)]);
    }
    args.extend(["--no-timings", "--out", s(&out)]);
    let o = parkplan(&args);
    assert_ok(&o);
    read_csv(out.join("assignments.csv"))
        .into_iter()
        .map(|r| (r["enterprise_id"].clone(), r["parcel_id"].clone()))
        .collect()
}

/// The enterprises whose decision differs between two screenings: id -> (before, after).
fn flips(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
) -> BTreeMap<String, (String, String)> {
    a.iter()
        .filter(|(id, d)| b.get(*id) != Some(d))
        .map(|(id, d)| (id.clone(), (d.clone(), b[id].clone())))
        .collect()
}

/// The placements that differ between two allocations: id -> (change, before, after).
fn moves(
    a: &BTreeMap<String, String>,
    b: &BTreeMap<String, String>,
) -> BTreeMap<String, (String, String, String)> {
    let ids: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let (x, y) = (a.get(id).cloned(), b.get(id).cloned());
            let change = match (&x, &y) {
                (None, Some(_)) => "newly_placed",
                (Some(_), None) => "no_longer_placed",
                (Some(p), Some(q)) if p != q => "moved",
                _ => return None,
            };
            Some((
                id.clone(),
                (change.into(), x.unwrap_or_default(), y.unwrap_or_default()),
            ))
        })
        .collect()
}

/// The comparison's screening table: id -> (before, after), and its rows.
fn listed_flips(dir: &Path) -> BTreeMap<String, (String, String)> {
    read_csv(dir.join("compare-screening.csv"))
        .into_iter()
        .map(|r| (r["id"].clone(), (r["before"].clone(), r["after"].clone())))
        .collect()
}

fn listed_moves(dir: &Path) -> BTreeMap<String, (String, String, String)> {
    read_csv(dir.join("compare-allocation.csv"))
        .into_iter()
        .map(|r| {
            (
                r["enterprise_id"].clone(),
                (
                    r["change"].clone(),
                    r["parcel_before"].clone(),
                    r["parcel_after"].clone(),
                ),
            )
        })
        .collect()
}

/// The comparison's section of the report (from its heading to the difference map's).
fn section(report: &str) -> &str {
    let start = report.find("id=\"compare\"").expect("a comparison section");
    let end = report[start..]
        .find("id=\"compare-map\"")
        .expect("a map section")
        + start;
    &report[start..end]
}

#[test]
fn compare_rules_lists_what_two_screen_and_two_allocate_runs_differ_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // The case: investment intensity 300 -> 250, high-tech share 60% -> 50%, the
    // version string left as it was.
    let other = edited_copy(
        "rules/lingkun.toml",
        dir,
        "other.toml",
        &[
            ("'investment_per_mu >= 300'", "'investment_per_mu >= 250'"),
            ("'hightech_share >= 60%'", "'hightech_share >= 50%'"),
        ],
    );
    let base = bundled("rules/lingkun.toml");
    let (out, again) = (dir.join("out"), dir.join("again"));
    for o in [&out, &again] {
        let run = parkplan(&[
            "plan",
            "--date",
            DATE,
            "--compare",
            s(&other),
            "--out",
            s(o),
        ]);
        assert_ok(&run);
        assert_contains(&stderr(&run), "told apart only by hash");
    }

    // Screening: exactly the flips of two separate `screen` runs, with the criteria that moved.
    let applicants = bundled("registries/applicants.csv");
    let a = screened(dir, &base, &applicants, "a.csv");
    let b = screened(dir, &other, &applicants, "b.csv");
    let expected = flips(&a, &b);
    assert!(!expected.is_empty(), "the edit changes some decision");
    assert_eq!(listed_flips(&out), expected);
    let json = read_json(out.join("compare.json"));
    assert_eq!(json["rules"]["same_version"], true);
    let keys: Vec<&str> = json["rules"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "admission.criterion[hightech_share].expr",
            "admission.criterion[investment_intensity].expr"
        ]
    );
    let count = |m: &BTreeMap<String, String>, d: &str| m.values().filter(|v| *v == d).count();
    for (side, m) in [("before", &a), ("after", &b)] {
        assert_eq!(json["screening"][side]["admit"], count(m, "admit"));
        assert_eq!(json["screening"][side]["reject"], count(m, "reject"));
    }
    for c in json["screening"]["changes"].as_array().unwrap() {
        let moved: Vec<&str> = c["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["criterion"].as_str().unwrap())
            .collect();
        assert!(
            moved
                .iter()
                .all(|m| ["investment_intensity", "hightech_share"].contains(m))
                && !moved.is_empty(),
            "{c}"
        );
    }
    let rows = read_csv(out.join("compare-screening.csv"));
    let intensity = rows
        .iter()
        .find(|r| r["criterion"] == "investment_intensity")
        .expect("a flip on investment intensity");
    assert_eq!(intensity["threshold_before"], ">= 300 (10k yuan/mu)");
    assert_eq!(intensity["threshold_after"], ">= 250 (10k yuan/mu)");

    // Allocation: exactly the placements that differ between two separate `allocate` runs.
    let urban = bundled("registries/urban.csv");
    let pa = allocated(dir, &base, &[&applicants, &urban], &[], "alloc-a");
    let pb = allocated(dir, &other, &[&applicants, &urban], &[], "alloc-b");
    let expected = moves(&pa, &pb);
    assert!(!expected.is_empty(), "the edit changes some placement");
    assert_eq!(listed_moves(&out), expected);
    let objective = |d: &str| read_json(dir.join(d).join("summary.json"))["objective"].clone();
    assert_eq!(json["allocation"]["objective_before"], objective("alloc-a"));
    assert_eq!(json["allocation"]["objective_after"], objective("alloc-b"));

    // The report names every flip and move, and warns about the shared version.
    let report = read(out.join("report.html"));
    let part = section(&report);
    assert_contains(part, "版本号相同");
    for id in listed_flips(&out).keys().chain(listed_moves(&out).keys()) {
        assert_contains(part, &format!(">{id}<"));
    }
    // The workbook: one sheet per table, Chinese headers, the same rows as the CSV.
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(out.join("compare.xlsx")).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "规则差异",
            "准入变化",
            "评价变化",
            "分配变化",
            "地块变化",
            "规则"
        ]
    );
    let sheet = book.worksheet_range("分配变化").unwrap();
    let header = common::sheet_header(&sheet);
    assert_eq!(header[..3], ["企业编号", "企业名称", "变化"]);
    assert_eq!(sheet.height() - 1, listed_moves(&out).len());

    // Every comparison file, and the report, the same bytes on a rerun.
    let files = [
        "compare.json",
        "compare-rules.csv",
        "compare-screening.csv",
        "compare-ranking.csv",
        "compare-allocation.csv",
        "compare-parcels.csv",
        "compare.xlsx",
        "compare-map.svg",
        "compare-map.png",
        "report.html",
    ];
    assert_same_files(&out, &again, &files, "differs on a rerun");
}

#[test]
fn compare_enterprises_shows_a_changed_revenue_and_what_it_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // This year's registry: AP-001's revenue grew from 1284.76 to 5000 (10k yuan), so its R&D
    // and high-tech shares fall below the thresholds.
    let this_year = edited_copy(
        "registries/applicants.csv",
        dir,
        "applicants-2027.csv",
        &[(",3,1284.76,145.96,", ",3,5000,145.96,")],
    );
    let out = dir.join("out");
    let run = parkplan(&[
        "plan",
        "--date",
        DATE,
        "--compare-enterprises",
        s(&this_year),
        "--lang",
        "en",
        "--out",
        s(&out),
    ]);
    assert_ok(&run);
    let rules = bundled("rules/lingkun.toml");
    let a = screened(dir, &rules, &bundled("registries/applicants.csv"), "a.csv");
    let b = screened(dir, &rules, &this_year, "b.csv");
    assert_eq!(listed_flips(&out), flips(&a, &b));
    let rows = read_csv(out.join("compare-screening.csv"));
    let rd = rows
        .iter()
        .find(|r| r["id"] == "AP-001" && r["criterion"] == "rd_intensity")
        .expect("AP-001's R&D intensity moved");
    assert_eq!(
        (rd["value_before"].as_str(), rd["value_after"].as_str()),
        ("11.36%", "2.92%")
    );
    assert_eq!(rd["threshold_before"], rd["threshold_after"]);
    let json = read_json(out.join("compare.json"));
    assert!(json["rules"]["changes"].as_array().unwrap().is_empty());
    assert_eq!(
        json["other"]["enterprises"][0].as_str().unwrap(),
        "registries/urban.csv",
        "the urban registry is kept"
    );
    let moves = listed_moves(&out);
    assert_eq!(moves["AP-001"].0, "no_longer_placed");
    let part = section(&read(out.join("report.html"))).to_string();
    assert_contains(&part, "Comparison of two plans");
    assert_contains(&part, "no longer placed");
}

#[test]
fn a_bad_other_rule_file_or_registry_is_refused_before_anything_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let out = dir.join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.html"), "the previous plan").unwrap();
    let bad = edited_copy(
        "rules/lingkun.toml",
        dir,
        "bad.toml",
        &[("'investment_per_mu >= 300'", "'investment_per_mu >= '")],
    );
    let missing = dir.join("missing.toml");
    let registry = dir.join("r.csv");
    std::fs::write(&registry, "id,name,revenue\nX,甲,n/a\n").unwrap();
    for (flag, file, says) in [
        ("--compare", &bad, "bad.toml: line "),
        ("--compare", &missing, "missing.toml: cannot read"),
        ("--compare-enterprises", &registry, "r.csv: row 2"),
    ] {
        let run = parkplan(&["plan", flag, s(file), "--out", s(&out)]);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        assert_contains(&stderr(&run), says);
        let left: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(left.len(), 1, "only the previous report is there");
        assert_eq!(read(out.join("report.html")), "the previous plan");
    }
}

#[test]
fn compare_parcels_lists_a_removed_parcel_and_the_moves_two_allocate_runs_show() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // Another layout: the bundled parcels without LK-F05-09 (AP-001's parcel in the plan).
    let mut layout = read_json(bundled("parcels/lingkun.geojson"));
    let features = layout["features"].as_array_mut().unwrap();
    let n = features.len();
    features.retain(|f| f["properties"]["id"] != "LK-F05-09");
    assert_eq!(features.len(), n - 1);
    let layout_b = dir.join("layout-b.geojson");
    std::fs::write(&layout_b, serde_json::to_string(&layout).unwrap()).unwrap();
    let out = dir.join("out");
    let run = parkplan(&[
        "plan",
        "--date",
        DATE,
        "--compare-parcels",
        s(&layout_b),
        "--out",
        s(&out),
    ]);
    assert_ok(&run);
    let rules = bundled("rules/lingkun.toml");
    let registries = [
        bundled("registries/applicants.csv"),
        bundled("registries/urban.csv"),
    ];
    let registries: Vec<&Path> = registries.iter().map(|p| p.as_path()).collect();
    let pa = allocated(dir, &rules, &registries, &[], "alloc-a");
    let pb = allocated(
        dir,
        &rules,
        &registries,
        &["--parcels", s(&layout_b)],
        "alloc-b",
    );
    assert_eq!(listed_moves(&out), moves(&pa, &pb));
    let parcels = read_csv(out.join("compare-parcels.csv"));
    let removed = parcels
        .iter()
        .find(|p| p["parcel_id"] == "LK-F05-09")
        .expect("the removed parcel is listed");
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["enterprises_before"], "AP-001");
    let json = read_json(out.join("compare.json"));
    assert_eq!(json["allocation"]["parcels_removed"][0], "LK-F05-09");
}

#[test]
fn compare_lists_the_class_action_and_relocation_changes_of_two_rank_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // A stricter share of class A on the above-size track.
    let other = edited_copy(
        "rules/lingkun.toml",
        dir,
        "other.toml",
        &[(
            "class_shares = { A = 0.20, B = 0.80, C = 0.95 }",
            "class_shares = { A = 0.10, B = 0.70, C = 0.90 }",
        )],
    );
    let out = dir.join("out");
    let run = parkplan(&[
        "plan",
        "--date",
        DATE,
        "--compare",
        s(&other),
        "--out",
        s(&out),
    ]);
    assert_ok(&run);
    let ranked = |rules: &Path, name: &str| -> BTreeMap<String, [String; 3]> {
        let path = dir.join(name);
        assert_ok(&parkplan(&["rank", "--rules", s(rules), "--out", s(&path)]));
        read_csv(&path)
            .into_iter()
            .map(|r| {
                let v = [
                    r["class"].clone(),
                    r["action"].clone(),
                    r["relocation_rank"].clone(),
                ];
                (r["id"].clone(), v)
            })
            .collect()
    };
    let (a, b) = (
        ranked(&bundled("rules/lingkun.toml"), "a.csv"),
        ranked(&other, "b.csv"),
    );
    let expected: BTreeMap<String, ([String; 3], [String; 3])> = a
        .iter()
        .filter(|(id, v)| b[*id] != **v)
        .map(|(id, v)| (id.clone(), (v.clone(), b[id].clone())))
        .collect();
    assert!(!expected.is_empty(), "the shares move some class");
    let listed: BTreeMap<String, ([String; 3], [String; 3])> =
        read_csv(out.join("compare-ranking.csv"))
            .into_iter()
            .map(|r| {
                let side = |w: &str| {
                    [
                        r[&format!("class_{w}")].clone(),
                        r[&format!("action_{w}")].clone(),
                        r[&format!("relocation_rank_{w}")].clone(),
                    ]
                };
                (r["id"].clone(), (side("before"), side("after")))
            })
            .collect();
    assert_eq!(listed, expected);
    let json = read_json(out.join("compare.json"));
    let key = "ranking.track[above_size].class_shares.A";
    let change = json["rules"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == key)
        .expect("the share is in the rule diff");
    assert_eq!(
        (change["before"].as_str(), change["after"].as_str()),
        (Some("0.2"), Some("0.1"))
    );
}
