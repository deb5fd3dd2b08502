//! Bad and odd inputs that once crashed parkplan, gave a silent wrong answer or damaged an
//! output: each now gives the right answer, or exit 2 with a message naming the place.

mod common;

use common::{ROOT, assert_contains, bin, bundled, stderr};
use parkplan::model::PollutionClass;
use std::path::Path;

/// The bundled rule file with `from` replaced by `to` (the text must contain `from`).
fn rules_with(from: &str, to: &str) -> String {
    let text = common::read(bundled("rules/lingkun.toml"));
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

/// Rule texts that must be refused, and words the message must hold.
#[test]
fn absurd_rule_values_are_load_errors() {
    let deep = format!(
        "expr = '{}ip_count >= 1{}'",
        "(".repeat(300),
        ")".repeat(300)
    );
    let deeper = format!(
        "expr = '{}ip_count >= 1{}'",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let long = format!("expr = 'ip_count{} >= 1'", " + ip_count".repeat(10_000));
    let cases: Vec<(String, &[&str])> = vec![
        (
            rules_with("expr = 'ip_count >= 1'", &deep),
            &["core_ip", "nested more than 100 levels"],
        ),
        (
            rules_with("expr = 'ip_count >= 1'", &long),
            &["core_ip", "too long"],
        ),
        (
            rules_with("expr = 'ip_count >= 1'", &deeper),
            &["core_ip", "too long: 10003 tokens"],
        ),
        (
            rules_with(
                "expr = 'ip_count >= 1'",
                &format!("expr = '{}true'", "not ".repeat(300)),
            ),
            &["nested more than 100 levels"],
        ),
        (
            rules_with("time_limit_s = 30", "time_limit_s = 1e19"),
            &["allocation.time_limit_s", "at most a day"],
        ),
        (
            rules_with(
                "[allocation.buffers_m.school]",
                "[allocation.buffers_m.Residential]\nlight = 1\nmoderate = 1\n\n[allocation.buffers_m.school]",
            ),
            &["residential", "twice"],
        ),
    ];
    for (text, words) in &cases {
        let err = common::rules_error(text);
        for w in *words {
            assert_contains(&err, w);
        }
    }
    // The command line says the same with exit 2, and survives the deep expression.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("deep.toml");
    std::fs::write(&path, &cases[0].0).unwrap();
    let out = bin()
        .args(["validate", "--rules"])
        .arg(&path)
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_contains(&stderr(&out), "nested more than 100 levels");
}

/// A buffer table keyed `Residential` enforces the residential buffer: kinds are matched
/// ignoring case on both sides, so the allocation is the one the lower-case table gives.
#[test]
fn a_capitalised_buffer_kind_still_keeps_polluters_away() {
    let text = rules_with(
        "[allocation.buffers_m.residential]",
        "[allocation.buffers_m.Residential]",
    );
    let rules = parkplan::rules::parse(Path::new("r.toml"), &text, "h".into()).unwrap();
    assert_eq!(
        rules
            .allocation
            .buffer_m("residential", PollutionClass::Moderate),
        Some(300.0)
    );
    let mut scenario = parkplan::load_scenario(&parkplan::ScenarioFiles::bundled()).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let placed = |s: &parkplan::Scenario| {
        let o = parkplan::Plan::new(s).date(date).run().unwrap();
        o.allocation
            .assignments
            .iter()
            .map(|a| (a.enterprise_id.clone(), a.parcel_id.clone()))
            .collect::<Vec<_>>()
    };
    let expected = placed(&scenario);
    scenario.rules.allocation = rules.allocation;
    assert_eq!(placed(&scenario), expected);
}

/// `--out` naming a symbolic link or a FIFO is refused (exit 2) and the link's target is
/// untouched; a regular file is replaced as before.
#[cfg(unix)]
#[test]
fn outputs_never_replace_links_or_special_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let target = d.join("target.csv");
    std::fs::write(&target, "precious\n").unwrap();
    std::os::unix::fs::symlink(&target, d.join("link.csv")).unwrap();
    let fifo = d.join("fifo.csv");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for (name, word) in [
        ("link.csv", "symbolic link"),
        ("fifo.csv", "not a regular file"),
    ] {
        let out = bin()
            .args(["screen", "--date", "2026-11-26", "--out"])
            .arg(d.join(name))
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert_contains(&stderr(&out), word);
    }
    assert_eq!(common::read(&target), "precious\n");
    assert!(
        std::fs::symlink_metadata(d.join("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let out = bin()
        .args(["plan", "--date", "2026-11-26", "--out"])
        .arg(d)
        .current_dir(ROOT)
        .output()
        .unwrap();
    // The plan folder holds no such file yet, so plan writes; a link in it is refused.
    common::assert_ok(&out);
    std::fs::remove_file(d.join("rank.csv")).unwrap();
    std::os::unix::fs::symlink(&target, d.join("rank.csv")).unwrap();
    let out = bin()
        .args(["plan", "--date", "2026-11-26", "--out"])
        .arg(d)
        .current_dir(ROOT)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_contains(&stderr(&out), "rank.csv: is a symbolic link");
    assert_eq!(common::read(&target), "precious\n");
}

/// SIGTERM while `screen` writes its output: the temporary file is removed and no output
/// appears; the process exits 130.
#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let generated = bin()
        .args([
            "gen",
            "--parcels",
            "1",
            "--sensitive",
            "0",
            "--enterprises",
            "40000",
        ])
        .args(["--seed", "5", "--out"])
        .arg(d)
        .output()
        .unwrap();
    common::assert_ok(&generated);
    let out_dir = d.join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // JSON traces are a few kB per applicant: writing them takes long enough to interrupt.
    let mut child = bin()
        .args([
            "screen",
            "--date",
            "2026-11-26",
            "--format",
            "json",
            "--enterprises",
        ])
        .arg(d.join("enterprises.csv"))
        .arg("--out")
        .arg(out_dir.join("trace.json"))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    interrupt_when(
        &mut child,
        "-TERM",
        60,
        "the temporary file never appeared",
        || std::fs::read_dir(&out_dir).unwrap().next().is_some(),
    );
    let left: Vec<_> = std::fs::read_dir(&out_dir).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Absurd but finite figures give remedies a person can read: no `inf`, no 300-digit number.
#[test]
fn remedies_stay_readable_for_absurd_figures() {
    let csv = "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,hightech_revenue,staff,rd_staff,ip_count,pollution_class,violations,requested_mu,planned_investment,planned_far\n\
               E1,巨,C3911,national,2030-01-01,1e300,1,1e300,1e300,1,2,light,0,20,1,1.2\n\
               E2,巨二,C3911,national,2030-01-01,1.7e308,1,1,1,1,2,light,0,20,1,1.2\n";
    let reg = parkplan::io::enterprises::read_enterprises(Path::new("a.csv"), csv).unwrap();
    let rules = common::rules();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    for e in &reg.enterprises {
        let t = parkplan::screen::trace(e, &rules, date);
        for c in &t.criteria {
            for text in c.remedy.iter().chain(&c.value).chain(&c.threshold) {
                assert!(!text.contains("inf"), "{}: {text}", c.id);
                assert!(
                    !text
                        .chars()
                        .collect::<Vec<_>>()
                        .windows(20)
                        .any(|w| w.iter().all(char::is_ascii_digit)),
                    "{}: {text}",
                    c.id
                );
            }
        }
        let rd = t.criteria.iter().find(|c| c.id == "rd_intensity").unwrap();
        let remedy = rd.remedy.as_deref().unwrap();
        assert!(
            remedy.contains("R&D expense +")
                && (remedy.contains("e298") || remedy.contains("e306")),
            "{remedy}"
        );
    }
}

/// An urban registry with one row missing its site is refused, naming the file and the line,
/// instead of being screened silently as an applicants file.
#[test]
fn a_registry_with_some_sites_missing_is_refused() {
    let text = common::read(bundled("registries/urban.csv"));
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let (lon, lat) = (
        header.iter().position(|h| *h == "lon").unwrap(),
        header.iter().position(|h| *h == "lat").unwrap(),
    );
    // Row 5 (line 6) loses its site; names in the bundled file have no commas.
    let mut cells: Vec<String> = lines[5].split(',').map(String::from).collect();
    cells[lon].clear();
    cells[lat].clear();
    lines[5] = cells.join(",");
    let tmp = tempfile::tempdir().unwrap();
    let urban = tmp.path().join("urban.csv");
    std::fs::write(&urban, lines.join("\n") + "\n").unwrap();
    for cmd in ["plan", "allocate"] {
        let out = bin()
            .args([cmd, "--date", "2026-11-26", "--enterprises"])
            .arg(bundled("registries/applicants.csv"))
            .arg("--enterprises")
            .arg(&urban)
            .arg("--out")
            .arg(tmp.path().join(cmd))
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{cmd}: {}", stderr(&out));
        let err = stderr(&out);
        assert_contains(
            &err,
            "urban.csv: row 6 (line 6): lon: 1 of 150 rows have no current site",
        );
        assert!(!tmp.path().join(cmd).exists());
    }
}

/// Errors in a rule file point at the key at fault (its line), name the criterion, and refuse
/// values no data can satisfy (an empty version).
#[test]
fn rule_errors_point_at_the_key_and_name_the_criterion() {
    let text = common::read(bundled("rules/lingkun.toml"));
    let line_of = |needle: &str, from: &str| {
        let start = text.find(from).unwrap();
        text[..start + text[start..].find(needle).unwrap()]
            .matches('\n')
            .count()
            + 1
    };
    let weight_line = line_of("weight = 1.0", "id = \"catalogue\"");
    let severity_line = line_of("severity = \"preferred\"", "id = \"catalogue\"");
    let cases = [
        (
            rules_with(
                "weight = 1.0\nzh = \"产品列入",
                "weight = nan\nzh = \"产品列入",
            ),
            format!("line {weight_line}, column 10: admission.criterion.catalogue.weight"),
            "expected a weight >= 0, got NaN",
        ),
        (
            rules_with(
                "severity = \"preferred\"\nweight = 1.0",
                "severity = \"prefered\"\nweight = 1.0",
            ),
            format!("line {severity_line}, column 12"),
            "criterion \"catalogue\": unknown variant `prefered`",
        ),
        (
            rules_with("version = \"lingkun-", "version = \"\"\n# was \"lingkun-"),
            "version".to_string(),
            "got an empty one",
        ),
    ];
    for (text, place, words) in &cases {
        let err = common::rules_error(text);
        assert_contains(&err, place);
        assert_contains(&err, words);
    }
}

/// A cluster the rule set names but no parcel carries is warned about (a typo would otherwise
/// silently cost those industries their cluster bonus).
#[test]
fn a_cluster_no_parcel_carries_is_warned_about() {
    let text = rules_with("C39 = \"electronics\"", "C39 = \"electronix\"");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.toml");
    std::fs::write(&path, text).unwrap();
    let out = bin()
        .args(["validate", "--rules"])
        .arg(&path)
        .current_dir(ROOT)
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_contains(
        &stderr(&out),
        "clusters.prefix.C39: cluster \"electronix\" (industries C39) is on no parcel",
    );
}

/// A `plan` interrupted while it writes leaves the previous plan folder exactly as it was: the
/// files are staged in a hidden folder and moved into place only at the end.
#[cfg(unix)]
#[test]
fn an_interrupted_plan_leaves_the_previous_folder_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("plan");
    let first = bin()
        .args(["plan", "--date", "2026-11-26", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    common::assert_ok(&first);
    let before = folder_bytes(&out);
    assert!(before.len() > 10, "{:?}", before.keys());
    // A later date expires certificates: the new plan differs from the old one.
    let mut child = bin()
        .args(["plan", "--date", "2031-01-01", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    interrupt_when(
        &mut child,
        "-INT",
        120,
        "the staging folder never filled",
        || {
            let staging = std::fs::read_dir(&out).unwrap().flatten().find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(".parkplan-staging")
            });
            staging.is_some_and(|s| std::fs::read_dir(s.path()).map(|d| d.count()).unwrap_or(0) > 0)
        },
    );
    let after = folder_bytes(&out);
    let changed: Vec<&String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "the folder changed: {changed:?}");
}

/// Wait (up to `secs`) until `ready` holds while `child` runs, then send it `signal` (`-INT`,
/// `-TERM`): it must exit 130.
#[cfg(unix)]
fn interrupt_when(
    child: &mut std::process::Child,
    signal: &str,
    secs: u64,
    never: &str,
    mut ready: impl FnMut() -> bool,
) {
    let started = std::time::Instant::now();
    let seen = loop {
        if ready() {
            break true;
        }
        if started.elapsed().as_secs() > secs || child.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    assert!(seen, "{never}");
    let kill = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{status:?}");
}

/// Every entry of `dir` (hidden ones included) with its bytes.
fn folder_bytes(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Counts are whole numbers: half a violation or 2.5 core IP is a data error naming the cell,
/// not a value to screen on. Staff stay as given (a year's average headcount may be fractional).
#[test]
fn counts_with_fractions_are_refused() {
    use parkplan::io::enterprises::read_enterprises;
    let header = "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,staff,ip_count,violations";
    let ok = format!("{header}\nE1,甲,C3911,national,2028-06-30,1000,60,50.5,3,0\n");
    assert!(read_enterprises(Path::new("e.csv"), &ok).is_ok());
    for (row, field) in [
        (
            "E1,甲,C3911,national,2028-06-30,1000,60,50,2.5,0",
            "ip_count",
        ),
        (
            "E1,甲,C3911,national,2028-06-30,1000,60,50,3,0.5",
            "violations",
        ),
    ] {
        let err = read_enterprises(Path::new("e.csv"), &format!("{header}\n{row}\n"))
            .expect_err("a fraction of a count")
            .to_string();
        assert_contains(
            &err,
            &format!("row 2 (line 2): {field}: expected a whole number"),
        );
    }
}

/// `--date` is read as a date cell is: the same forms (`2028/6/30`), the same refusals
/// (`2026-2-3`, a sign, year 0).
#[test]
fn the_evaluation_date_is_read_like_a_date_cell() {
    for bad in ["2026-2-3", "+2026-11-26", "0000-01-01", "2026-13-01"] {
        let o = bin()
            .args(["screen", "--date", bad])
            .current_dir(ROOT)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert_contains(&stderr(&o), "expected a date");
    }
    let slash = bin()
        .args(["screen", "--date", "2026/11/26"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    let iso = bin()
        .args(["screen", "--date", "2026-11-26"])
        .current_dir(ROOT)
        .output()
        .unwrap();
    common::assert_ok(&iso);
    assert_eq!(slash.stdout, iso.stdout);
}
