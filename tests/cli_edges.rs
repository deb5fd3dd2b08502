//! Edge cases of the command line found by an adversarial sweep: each test reproduces a case
//! that once went wrong (a silent default, a wrong exit code, a half-written file).

mod common;

use common::{assert_contains, bundled, parkplan, read, stderr, stdout, temp_file};
use std::path::Path;
use std::process::Output;

/// The stderr of a run that must exit with `code` (the stderr is shown if it did not).
#[track_caller]
fn stderr_of(o: &Output, code: i32) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(code), "{err}");
    err
}

/// `parkplan screen` of the enterprise file `f` on 2026-06-01, then `extra` arguments.
fn screen(f: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "screen",
        "--date",
        "2026-06-01",
        "--enterprises",
        f.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    parkplan(&args)
}

/// The bundled rule file without the lines of one `[section]` (up to the next top-level one).
fn rules_without(section: &str) -> String {
    let text = read(bundled("rules/lingkun.toml"));
    let mut out = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            let name = line.trim_matches(|c| c == '[' || c == ']');
            let top = name.split('.').next().unwrap();
            skipping = top == section;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Every command that screens refuses a rule set without admission criteria (it would admit
/// every applicant) and writes nothing.
#[test]
fn screening_commands_refuse_a_rule_set_without_admission_criteria() {
    let (dir, rules) = temp_file("r.toml", rules_without("admission"));
    let r = rules.to_str().unwrap();
    for (cmd, out, written) in [
        ("screen", "screen.csv", "screen.csv"),
        ("plan", "plan", "plan/report.html"),
        ("allocate", "alloc", "alloc/summary.json"),
    ] {
        let out = dir.path().join(out);
        let o = parkplan(&[
            cmd,
            "--rules",
            r,
            "--date",
            "2026-06-01",
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(
            err.contains("r.toml") && err.contains("no [admission] criteria"),
            "{cmd}: {err}"
        );
        assert!(
            !dir.path().join(written).exists(),
            "{cmd}: output written on a refused rule set"
        );
    }
    // The same holds for the rule set given to --compare.
    let o = parkplan(&["screen", "--date", "2026-06-01", "--compare", r]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn output_paths_that_cannot_be_written_are_bad_input() {
    let (dir, file) = temp_file("afile", "x");
    let f = file.to_str().unwrap();
    let under = file.join("x.csv");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "screen",
                "--date",
                "2026-06-01",
                "--out",
                dir.path().to_str().unwrap(),
            ],
            "is a folder",
        ),
        (
            vec![
                "screen",
                "--date",
                "2026-06-01",
                "--out",
                under.to_str().unwrap(),
            ],
            "is a file",
        ),
        (vec!["rank", "--charts", f], "is a file"),
        (
            vec!["gen", "--parcels", "3", "--enterprises", "3", "--out", f],
            "is a file",
        ),
        (vec!["map", "--out", f], "is a file"),
    ];
    for (args, expect) in cases {
        let o = parkplan(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    assert_eq!(read(&file), "x", "the file in the way is untouched");
}

/// A FeatureCollection of one feature, id `T1` and the other properties `props`.
fn feature_collection(geometry: &str, props: &str) -> String {
    common::collection(&[common::feature(
        &format!(r#"{{"id":"T1"{props}}}"#),
        geometry,
    )])
}

/// A parcel or sensitive area that encloses nothing is refused, not loaded as 0 mu.
#[test]
fn empty_or_degenerate_geometries_are_refused() {
    let (dir, good_parcels) = temp_file(
        "good.geojson",
        feature_collection(
            r#"{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}"#,
            r#","land_use":"M1","status":"available""#,
        ),
    );
    let parcel = r#","land_use":"M1","status":"available""#;
    let site = r#","kind":"school""#;
    let cases = [
        (
            "parcels",
            r#"{"type":"Polygon","coordinates":[[[120.87,27.96],[120.87,27.96],[120.87,27.96],[120.87,27.96]]]}"#,
            parcel,
            "1 distinct position",
        ),
        (
            "parcels",
            r#"{"type":"MultiPolygon","coordinates":[]}"#,
            parcel,
            "at least one polygon",
        ),
        (
            "sensitive",
            r#"{"type":"MultiPolygon","coordinates":[]}"#,
            site,
            "at least one polygon",
        ),
        (
            "sensitive",
            r#"{"type":"MultiPoint","coordinates":[]}"#,
            site,
            "at least one position",
        ),
    ];
    for (which, geometry, props, expect) in cases {
        let bad = dir.path().join("bad.geojson");
        std::fs::write(&bad, feature_collection(geometry, props)).unwrap();
        let sensitive_ok = dir.path().join("s.geojson");
        std::fs::write(
            &sensitive_ok,
            r#"{"type":"FeatureCollection","features":[]}"#,
        )
        .unwrap();
        let (p, s) = if which == "parcels" {
            (&bad, &sensitive_ok)
        } else {
            (&good_parcels, &bad)
        };
        let o = parkplan(&[
            "validate",
            "--parcels",
            p.to_str().unwrap(),
            "--sensitive",
            s.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{geometry}: {err}");
        assert!(
            err.contains("bad.geojson: feature 0 (id \"T1\"): geometry") && err.contains(expect),
            "{geometry}: {err}"
        );
    }
}

/// A quoted line break moves the editor line but not the spreadsheet row; with CRLF line ends
/// too. A record with the wrong number of fields says so in plain words.
#[test]
fn csv_rows_and_lines_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let head = "id,name,revenue,hightech_revenue";
    for eol in ["\n", "\r\n"] {
        let rows = [
            head,
            "E1,\"Acme, Inc.",
            "second line\",100,50",
            "E2,乙,100,300",
        ];
        let f = dir.path().join("e.csv");
        let run = |extra: &str| {
            let text = rows.join(eol) + eol + extra;
            std::fs::write(&f, text).unwrap();
            screen(&f, &[])
        };
        let o = run("");
        let err = stderr_of(&o, 0);
        assert!(
            err.contains("e.csv: row 3 (line 4): hightech_revenue: 300 is above revenue 100"),
            "{eol:?}: {err}"
        );
        let o = run(&format!("E3,丙,abc,1{eol}"));
        let err = stderr_of(&o, 2);
        assert!(
            err.contains("e.csv: row 4 (line 5): revenue: expected a number, got \"abc\""),
            "{eol:?}: {err}"
        );
    }
    let f = dir.path().join("wide.csv");
    std::fs::write(&f, format!("{head}\nE1,甲,100,50,7\n")).unwrap();
    let o = parkplan(&["rank", "--enterprises", f.to_str().unwrap()]);
    let err = stderr_of(&o, 2);
    assert_contains(
        &err,
        "wide.csv: row 2 (line 2): has 5 fields where the header has 4",
    );
}

/// `map --ranking` refuses a file whose ids, classes or actions `rank` never writes, instead of
/// drawing those sites grey; a file in the way of `--out` is left alone.
#[test]
fn map_ranking_values_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let urban = read(bundled("registries/urban.csv"));
    let id = urban
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let cases = [
        (
            format!("{id},Z,relocate"),
            "class: expected one of A, B, C, D, not rated",
        ),
        (
            format!("{id},A,explode"),
            "action: expected one of retain, rectify, relocate, convert",
        ),
        (
            "NOPE,A,retain".to_string(),
            "id: \"NOPE\" is in no enterprise file",
        ),
    ];
    for (row, expect) in cases {
        let f = dir.path().join("r.csv");
        std::fs::write(&f, format!("id,class,action\n{row}\n")).unwrap();
        let out = dir.path().join("maps");
        let o = parkplan(&[
            "map",
            "--ranking",
            f.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{row}: {err}");
        assert!(
            err.contains(&format!("r.csv: row 2 (line 2): {expect}")),
            "{row}: {err}"
        );
        assert!(!out.exists(), "no maps from a refused ranking");
    }
}

/// One id is one enterprise across all the files of a scenario; a file given twice is refused
/// too (both were screened and allocated twice).
#[test]
fn enterprise_ids_are_unique_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let head = "id,name,industry_code";
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    std::fs::write(&a, format!("{head}\nE1,甲,C3911\nE2,乙,C3911\n")).unwrap();
    std::fs::write(&b, format!("{head}\nE3,丙,C3911\nE2,丁,C3911\n")).unwrap();
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let o = parkplan(&["validate", "--enterprises", a, "--enterprises", b]);
    let err = stderr_of(&o, 2);
    assert!(
        err.contains("b.csv: row 3 (line 3): id: duplicate id \"E2\": also in")
            && err.contains("a.csv on line 3"),
        "{err}"
    );
    let out = dir.path().join("plan");
    let o = parkplan(&[
        "plan",
        "--date",
        "2026-06-01",
        "--enterprises",
        a,
        "--enterprises",
        a,
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr_of(&o, 2);
    assert_contains(&err, "given twice with --enterprises");
    assert!(!out.exists());
}

/// "1,234" is refused with the reason (a thousands separator), and "-0" reads as 0.
#[test]
fn number_cells_thousands_separator_and_negative_zero() {
    let (_dir, f) = temp_file("e.csv", "id,name,revenue\nE1,甲,\"1,234\"\n");
    let o = screen(&f, &[]);
    let err = stderr_of(&o, 2);
    assert_contains(
        &err,
        "row 2 (line 2): revenue: expected a number without thousands separators (e.g. 1234.5), got \"1,234\"",
    );
    std::fs::write(&f, "id,name,revenue,hightech_revenue\nE1,甲,-0,5\n").unwrap();
    let o = screen(&f, &[]);
    let err = stderr_of(&o, 0);
    assert_contains(&err, "5 is above revenue 0;");
}

#[test]
fn an_empty_enterprise_file_says_so() {
    let (_dir, f) = temp_file("e.csv", "\r\n");
    for cmd in ["screen", "rank", "validate"] {
        let o = parkplan(&[cmd, "--enterprises", f.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {err}");
        assert!(
            err.contains("e.csv: the file is empty: expected a header row"),
            "{cmd}: {err}"
        );
    }
}

/// A ratio that overflows to infinity is not computable and fails, never passes.
#[test]
fn an_overflowing_ratio_never_passes() {
    let (_dir, f) = temp_file(
        "e.csv",
        "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,hightech_revenue,staff,rd_staff,ip_count,pollution_class,violations\n\
         E1,甲,C3911,national,2029-01-01,1e-300,1e300,1e-300,100,10,5,light,0\n",
    );
    let o = screen(&f, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let row = out.lines().nth(1).unwrap();
    assert!(row.starts_with("E1,甲,reject,,rd_intensity"), "{out}");
    let o = screen(&f, &["--explain", "E1"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_contains(&out, "rd_ratio not computable: too large for a number");
}

/// A parcel cluster that no industry maps to (a typo such as "electronic") is named.
#[test]
fn an_unknown_parcel_cluster_is_warned_about() {
    let (_dir, p) = temp_file(
        "p.geojson",
        feature_collection(
            r#"{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}"#,
            r#","land_use":"M1","status":"available","cluster":"electronic""#,
        ),
    );
    let o = parkplan(&["validate", "--parcels", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o) + &stderr(&o);
    assert_contains(
        &out,
        "p.geojson: feature 0 (id \"T1\"): cluster: \"electronic\" is no cluster of the rule set's [clusters] table",
    );
}

/// Excel's trailing empty header cells are named by position, not as a blank field.
#[test]
fn empty_header_cells_are_named_by_position() {
    let (_dir, f) = temp_file("e.csv", "id,name,revenue,,\nE1,甲,1,,\n");
    let o = screen(&f, &[]);
    let err = stderr_of(&o, 0);
    assert_contains(
        &err,
        "e.csv: row 1 (line 1): column 4 has no header, ignored",
    );
    assert!(!err.contains(": : unknown column"), "{err}");
}

/// `--explain` and `--compare` answer different questions; asking both is a usage error
/// (explain silently won).
#[test]
fn screen_explain_and_compare_conflict() {
    let rules = bundled("rules/lingkun.toml");
    let o = parkplan(&[
        "screen",
        "--explain",
        "AP-001",
        "--compare",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

/// An output path that is one of the run's inputs is refused and the input kept byte for byte.
#[test]
fn an_output_never_replaces_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let ents = dir.path().join("a.csv");
    std::fs::copy(bundled("registries/applicants.csv"), &ents).unwrap();
    let before = std::fs::read(&ents).unwrap();
    let e = ents.to_str().unwrap();
    let o = screen(&ents, &["--out", e]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is also an input of this run"),
        "{}",
        stderr(&o)
    );
    let o = parkplan(&["rank", "--enterprises", e, "--out", e]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read(&ents).unwrap(), before);
    // plan writes parcels.geojson into its folder: not over the parcels it reads.
    let parcels = dir.path().join("parcels.geojson");
    std::fs::copy(bundled("parcels/lingkun.geojson"), &parcels).unwrap();
    let o = parkplan(&[
        "plan",
        "--date",
        "2026-06-01",
        "--parcels",
        parcels.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(&parcels).unwrap(),
        std::fs::read(bundled("parcels/lingkun.geojson")).unwrap()
    );
}

/// validate's area table keeps one column for the numbers, however long a cluster's name.
#[test]
fn validate_area_table_is_aligned() {
    let o = parkplan(&["validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    let ends: std::collections::BTreeSet<usize> = out
        .lines()
        .filter(|l| l.starts_with("  land ") || l.starts_with("  cluster "))
        .map(|l| l.find(" mu").unwrap())
        .collect();
    assert_eq!(ends.len(), 1, "{out}");
}

/// A rule file without buffers says so instead of "expected one of " and nothing.
#[test]
fn sensitive_kinds_without_any_buffer_rule_say_why() {
    let (_dir, rules) = temp_file("r.toml", rules_without("allocation"));
    let o = parkplan(&["validate", "--rules", rules.to_str().unwrap()]);
    let err = stderr_of(&o, 2);
    assert_contains(
        &err,
        "has no buffer rule in the rule set: the rule set has no [allocation.buffers_m] table",
    );
}

// ---- allocate: inputs are never overwritten, and a failing run writes nothing --------------

#[test]
fn allocate_refuses_to_overwrite_its_own_input() {
    let dir = tempfile::tempdir().unwrap();
    let parcels = dir.path().join("parcels.geojson");
    std::fs::copy(bundled("parcels/lingkun.geojson"), &parcels).unwrap();
    let before = std::fs::read(&parcels).unwrap();
    let o = parkplan(&[
        "allocate",
        "--date",
        "2026-11-26",
        "--parcels",
        parcels.to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is also an input of this run"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&parcels).unwrap(), before);
    assert!(!dir.path().join("summary.json").exists());
}

#[test]
fn allocate_with_an_unwritable_lp_path_writes_no_outputs() {
    let (dir, blocker) = temp_file("afile", "x");
    let out_dir = dir.path().join("out");
    let o = parkplan(&[
        "allocate",
        "--date",
        "2026-11-26",
        "--out",
        out_dir.to_str().unwrap(),
        "--write-lp",
        blocker.join("model.lp").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        !out_dir.join("summary.json").exists(),
        "outputs written by a failing run"
    );
}

#[test]
fn candidates_csv_refuses_negative_requests_and_absurd_priorities_with_their_row() {
    let (dir, c) = temp_file(
        "c.csv",
        "id,name,industry_code,pollution_class,requested_mu,priority,kind\nX1,a,C3911,light,-5,1,admitted\nX2,b,C3911,light,20,1e300,admitted\n",
    );
    let out = dir.path().join("o");
    let o = parkplan(&[
        "allocate",
        "--candidates",
        c.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr_of(&o, 2);
    assert!(
        err.contains("c.csv: row 2")
            && err.contains("requested_mu: expected a number >= 0, got \"-5\""),
        "{err}"
    );
    assert!(
        err.contains("c.csv: row 3")
            && err.contains("priority: expected a number from 0 to 1000000, got \"1e300\""),
        "{err}"
    );
}

#[test]
fn plan_runs_block_mode_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    let o = parkplan(&[
        "plan",
        "--mode",
        "blocks",
        "--date",
        "2026-11-26",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let summary = common::read_json(out.join("summary.json"));
    assert_eq!(summary["mode"], "blocks");
    assert!(
        summary["gap"].as_f64().unwrap() <= 1e-4,
        "within the rule file's mip_gap"
    );
    let report = read(out.join("report.html"));
    assert!(
        report.contains("多企共用地块"),
        "the report names the blocks mode"
    );
}

#[test]
fn relocation_map_without_a_ranking_says_no_ranking_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let o = parkplan(&["map", "--out", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = read(dir.path().join("relocation-map.svg"));
    assert!(
        svg.contains("no ranking given (150)"),
        "legend should not call unranked sites 'not rated'"
    );
    assert!(!svg.contains("not rated ("));
}
