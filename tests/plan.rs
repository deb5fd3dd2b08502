//! The plan as a library object: run without the binary, and the commands on the same path.

mod common;

use common::{assert_contains, bin_in, polygons, rect, stderr};
use parkplan::plan::{Plan, Silent, write_folder};
use parkplan::scenario::{ScenarioFiles, load_scenario};
use std::path::Path;

fn date() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The library runs the bundled plan, and `parkplan allocate` and `parkplan plan` place the same
/// enterprises on the same parcels, byte for byte.
#[test]
fn library_plan_and_both_commands_place_the_same_enterprises() {
    let scenario = load_scenario(&ScenarioFiles::bundled()).unwrap();
    let outcome = Plan::new(&scenario).date(date()).run().unwrap();
    let (admit, conditional, _) = outcome.admission.screen.counts();
    assert!(admit + conditional > 0);
    assert_eq!(outcome.allocation.status.to_string(), "optimal");
    assert_eq!(outcome.allocation.gap, 0.0);
    let placed: Vec<(String, String)> = outcome
        .allocation
        .assignments
        .iter()
        .map(|a| (a.enterprise_id.clone(), a.parcel_id.clone()))
        .collect();
    assert!(!placed.is_empty());

    let tmp = tempfile::tempdir().unwrap();
    let lib = tmp.path().join("lib");
    write_folder(&outcome, &lib, &mut Silent).unwrap();
    let root = Path::new(common::ROOT);
    let run = |args: &[&str]| {
        let o = bin_in(root).args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    };
    let plan_dir = tmp.path().join("plan");
    let alloc_dir = tmp.path().join("allocate");
    run(&[
        "plan",
        "--date",
        "2026-11-26",
        "--out",
        plan_dir.to_str().unwrap(),
    ]);
    run(&[
        "allocate",
        "--date",
        "2026-11-26",
        "--no-timings",
        "--out",
        alloc_dir.to_str().unwrap(),
    ]);
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).unwrap();
    for f in [
        "assignments.csv",
        "parcels.geojson",
        "options.csv",
        "summary.json",
    ] {
        assert_eq!(read(&lib, f), read(&plan_dir, f), "{f}: library vs plan");
        assert_eq!(
            read(&plan_dir, f),
            read(&alloc_dir, f),
            "{f}: plan vs allocate"
        );
    }
    let csv = String::from_utf8(read(&alloc_dir, "assignments.csv")).unwrap();
    let from_cli: Vec<(String, String)> = csv
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<&str> = l.split(',').collect();
            (v[0].to_string(), v[1].to_string())
        })
        .collect();
    assert_eq!(from_cli, placed);
    // The whole folder the library writes is the one `plan` writes.
    for entry in std::fs::read_dir(&plan_dir).unwrap() {
        let name = entry.unwrap().file_name();
        let name = name.to_str().unwrap();
        assert_eq!(read(&lib, name), read(&plan_dir, name), "{name}");
    }
}

/// Two overlapping parcels: `plan` and `allocate` both refuse the scenario with the same
/// message and exit status 2, writing nothing.
#[test]
fn allocate_refuses_overlapping_parcels_exactly_as_plan_does() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let props = |id: &str| format!(r#"{{"id":"{id}","land_use":"M1","status":"available"}}"#);
    std::fs::write(
        d.join("parcels.geojson"),
        polygons(&[
            (props("P1"), rect(0.0, 0.0, 200.0, 200.0)),
            (props("P2"), rect(150.0, 0.0, 200.0, 200.0)),
            (props("P3"), rect(500.0, 0.0, 200.0, 200.0)),
        ]),
    )
    .unwrap();
    let files = [
        "--parcels",
        "parcels.geojson",
        "--enterprises",
        common::bundled("registries/applicants.csv")
            .to_str()
            .unwrap(),
        "--date",
        "2026-11-26",
    ]
    .map(String::from);
    let run = |cmd: &str| {
        let o = bin_in(d)
            .arg(cmd)
            .args(&files)
            .args(["--out", &format!("out-{cmd}")])
            .output()
            .unwrap();
        (o.status.code(), stderr(&o))
    };
    let (plan_code, plan_err) = run("plan");
    let (alloc_code, alloc_err) = run("allocate");
    assert_eq!(plan_code, Some(2), "{plan_err}");
    assert_eq!(alloc_code, Some(2), "{alloc_err}");
    let errors = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("error:"))
            .map(String::from)
            .collect()
    };
    assert_eq!(errors(&plan_err), errors(&alloc_err));
    assert_contains(&plan_err, "parcels P1 and P2 overlap by");
    assert!(!d.join("out-plan").exists() && !d.join("out-allocate").exists());
}
