//! The synthetic scenario generator: determinism, loadability, the bundled scenario's
//! reproducibility and the properties the later stages rely on (buffers that bite, edge cases).

mod common;

use common::{assert_contains, assert_ok, assert_same_files, bin, stderr, temp_file};
use geo::{Distance, Euclidean, Geometry};
use parkplan::frame::LocalFrame;
use parkplan::io::{self, enterprises, geojson};
use parkplan::model::{ParcelStatus, Park};
use parkplan::synthetic::{self, LINGKUN_SEED, RowKind, Size};
use std::collections::BTreeSet;
use std::path::Path;

/// The sensitive-area kinds the bundled rules have buffers for.
fn kinds() -> BTreeSet<String> {
    common::rules().allocation.sensitive_kinds()
}

/// The three files of a small generated scenario, as bytes.
fn small(seed: u64) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let (parcels, sensitive) = synthetic::park(
        Size {
            parcels: 400,
            sensitive: 40,
        },
        seed,
    )
    .unwrap();
    let mut p = Vec::new();
    geojson::write_feature_collection(
        &mut p,
        &geojson::parcels_to_geojson(&parcels, |_, _| Default::default()),
    )
    .unwrap();
    let mut s = Vec::new();
    geojson::write_feature_collection(&mut s, &geojson::sensitive_to_geojson(&sensitive)).unwrap();
    let mut e = Vec::new();
    // More than one chunk, so chunk seeding is part of what is compared.
    synthetic::write_registry(
        &mut e,
        RowKind::Applicants,
        synthetic::CHUNK_ROWS + 500,
        seed,
        &|_| (),
    )
    .unwrap();
    (p, s, e)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let a = small(11);
    assert_eq!(a, small(11));
    let b = small(12);
    assert_ne!(a.0, b.0);
    assert_ne!(a.1, b.1);
    assert_ne!(a.2, b.2);
}

#[test]
fn registry_bytes_do_not_depend_on_thread_count() {
    let n = 3 * synthetic::CHUNK_ROWS + 7;
    let write = || {
        let mut v = Vec::new();
        synthetic::write_registry(&mut v, RowKind::Urban, n, 5, &|_| ()).unwrap();
        v
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(write);
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(write);
    assert!(one == four, "registry differs between 1 and 4 threads");
    let text = String::from_utf8(one).unwrap();
    assert_eq!(text.lines().count(), n + 1);
}

#[test]
fn fast_writer_writes_what_the_project_writer_writes() {
    let mut rows = synthetic::registry_chunk(RowKind::Applicants, 300, 3, 0);
    rows.extend(synthetic::registry_chunk(RowKind::Urban, 300, 3, 0));
    rows.extend(synthetic::lingkun_applicants(LINGKUN_SEED));
    rows.extend(synthetic::lingkun_urban(LINGKUN_SEED));
    rows[0].name = "温州, \"引号\" 公司".into(); // a name that needs CSV quoting
    rows[1].rating_exempt = "new, \"2026\"".into(); // and an exemption reason
    let mut reference = Vec::new();
    enterprises::write_enterprises(&mut reference, &rows).unwrap();
    let mut fast = Vec::new();
    synthetic::write_header(&mut fast);
    synthetic::write_rows(&mut fast, &rows);
    assert_eq!(
        String::from_utf8(fast).unwrap(),
        String::from_utf8(reference).unwrap()
    );
}

#[test]
fn generated_files_load_without_problems_or_overlaps() {
    let (p, s, e) = small(21);
    let (parcels, _) = geojson::read_parcels(
        Path::new("parcels.geojson"),
        std::str::from_utf8(&p).unwrap(),
    )
    .unwrap();
    let (sensitive, _) = geojson::read_sensitive(
        Path::new("sensitive.geojson"),
        std::str::from_utf8(&s).unwrap(),
        &kinds(),
    )
    .unwrap();
    let registry = enterprises::read_enterprises(
        Path::new("enterprises.csv"),
        std::str::from_utf8(&e).unwrap(),
    )
    .unwrap();
    assert_eq!(parcels.len(), 400);
    assert_eq!(sensitive.len(), 40);
    assert_eq!(registry.enterprises.len(), synthetic::CHUNK_ROWS + 500);
    for p in &parcels {
        assert!(
            (10.0..=200.0).contains(&p.area_mu),
            "{} has {} mu",
            p.id,
            p.area_mu
        );
        assert_eq!(
            p.properties.get("synthetic"),
            Some(&serde_json::Value::Bool(true))
        );
    }
    let park = Park {
        parcels,
        sensitive,
        warnings: vec![],
    };
    assert_eq!(parkplan::scenario::overlapping_parcels(&park), vec![]);
}

#[test]
fn zero_parcels_is_a_clear_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("never-made");
    let out = bin()
        .args(["gen", "--parcels", "0", "--out"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !target.exists(),
        "a refused run must not create its output folder"
    );
    let err = stderr(&out);
    assert!(
        err.contains("--parcels") && err.contains("at least 1"),
        "{err}"
    );
}

#[test]
fn unwritable_output_names_the_path() {
    let (_dir, file) = temp_file("a-file", "x");
    let out = bin()
        .args(["gen", "--parcels", "5", "--out"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    // An output path under a file is the user's argument problem: bad input, exit 2.
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_contains(&err, "a-file/sub");
    assert!(out.stdout.is_empty());
}

#[test]
fn cli_writes_the_three_files_and_one_summary_line() {
    let dir = tempfile::tempdir().unwrap();
    let run = |sub: &str| {
        let out = bin()
            .args([
                "gen",
                "--parcels",
                "120",
                "--sensitive",
                "12",
                "--enterprises",
                "50",
                "--urban",
                "20",
                "--seed",
                "9",
                "--out",
            ])
            .arg(dir.path().join(sub))
            .output()
            .unwrap();
        assert_ok(&out);
        String::from_utf8(out.stdout).unwrap()
    };
    let stdout = run("a");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("wrote 120 parcels"), "{stdout}");
    run("b");
    assert_same_files(
        &dir.path().join("a"),
        &dir.path().join("b"),
        &[
            "parcels.geojson",
            "sensitive.geojson",
            "enterprises.csv",
            "urban.csv",
        ],
        "differs between two runs with the same seed",
    );
}

#[test]
fn bundled_scenario_is_what_the_generator_makes() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["gen", "--lingkun", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ok(&out);
    for (rel, bundled) in [
        ("parcels/lingkun.geojson", io::bundled::parcels()),
        (
            "parcels/lingkun-sensitive.geojson",
            io::bundled::sensitive(),
        ),
        ("parcels/lingkun-context.geojson", io::bundled::context()),
        ("registries/applicants.csv", io::bundled::applicants()),
        ("registries/urban.csv", io::bundled::urban()),
    ] {
        let made = std::fs::read(dir.path().join(rel)).unwrap();
        let shipped = std::fs::read(&bundled).unwrap();
        assert!(
            made == shipped,
            "{rel} differs from what `parkplan gen --lingkun --out .` makes: regenerate it with that command"
        );
    }
}

/// Minimum distance in metres from a parcel to any sensitive area of the given kinds.
fn nearest(park: &Park, frame: &LocalFrame, parcel: usize, kinds: &[&str]) -> f64 {
    let p = Geometry::MultiPolygon(frame.project_geometry(&park.parcels[parcel].geometry));
    park.sensitive
        .iter()
        .filter(|s| kinds.contains(&s.kind.as_str()))
        .map(|s| Euclidean.distance(&p, &frame.project_geometry(&s.geometry)))
        .fold(f64::INFINITY, f64::min)
}

#[test]
fn bundled_buffers_bite_and_nothing_overlaps() {
    let (parcels, _) = geojson::load_parcels(&io::bundled::parcels()).unwrap();
    let (sensitive, _) = geojson::load_sensitive(&io::bundled::sensitive(), &kinds()).unwrap();
    assert!(
        (150..=400).contains(&parcels.len()),
        "{} parcels",
        parcels.len()
    );
    let park = Park {
        parcels,
        sensitive,
        warnings: vec![],
    };
    let frame = LocalFrame::new(120.87, 27.96);
    let people = ["residential", "school", "hospital"];
    let nature = ["wetland", "water_source"];
    let mut counts = [0usize; 4];
    for (i, p) in park.parcels.iter().enumerate() {
        let dp = nearest(&park, &frame, i, &people);
        let dn = nearest(&park, &frame, i, &nature);
        assert!(dp > 0.0 && dn > 0.0, "{} touches a sensitive area", p.id);
        if p.status != ParcelStatus::Available {
            continue;
        }
        counts[0] += usize::from(dp < 50.0);
        counts[1] += usize::from((50.0..300.0).contains(&dp));
        counts[2] += usize::from(dn < 100.0);
        counts[3] += usize::from((100.0..500.0).contains(&dn));
    }
    // Available parcels lost to light industry (inside 50 m / 100 m) and to moderate only.
    assert!(
        counts.iter().all(|&c| c > 0),
        "buffer bands [<50 people, 50-300 people, <100 nature, 100-500 nature]: {counts:?}"
    );
}

#[test]
fn bundled_registries_carry_the_documented_edge_cases() {
    let apps = enterprises::load_enterprises(&io::bundled::applicants()).unwrap();
    let urban = enterprises::load_enterprises(&io::bundled::urban()).unwrap();
    assert_eq!(apps.enterprises.len(), 80);
    assert_eq!(urban.enterprises.len(), 150);
    let app = |id: &str| apps.enterprises.iter().find(|e| e.id == id).unwrap();
    assert_eq!(
        (
            app("AP-003").revenue_10k_yuan,
            app("AP-003").rd_expense_10k_yuan
        ),
        (Some(3333.3), Some(166.665))
    );
    assert_eq!(app("AP-007").revenue_10k_yuan, Some(5000.0));
    assert_eq!(app("AP-011").revenue_10k_yuan, Some(20000.0));
    assert_eq!(app("AP-047").rd_expense_10k_yuan, None);
    // Exactly one deliberately inconsistent row, named in a warning.
    assert_eq!(apps.warnings.len(), 1, "{:?}", apps.warnings);
    assert!(apps.warnings[0].to_string().contains("hightech_revenue"));
    assert!(urban.warnings.is_empty(), "{:?}", urban.warnings);
    let below_line = urban
        .enterprises
        .iter()
        .filter(|e| e.tax_10k_yuan.unwrap() / e.land_mu.unwrap() < 1.0)
        .count();
    assert_eq!(below_line, 1);
    // Electricity on every urban row but UR-070, never more than the energy it is part of
    // (1.229 tce per 10k kWh); a third or so below designated size; two exempt.
    for e in &urban.enterprises {
        match (e.electricity_10k_kwh, e.energy_tce) {
            (None, _) => assert_eq!(e.id, "UR-070"),
            (Some(k), Some(t)) => assert!(k * 1.229 <= t + 0.01, "{}: {k} 10k kWh, {t} tce", e.id),
            (Some(_), None) => assert_eq!(e.id, "UR-020", "energy left empty on purpose"),
        }
    }
    let below = urban
        .enterprises
        .iter()
        .filter(|e| e.revenue_10k_yuan.unwrap() < 2000.0)
        .count();
    assert!((30..=60).contains(&below), "{below} below designated size");
    let exempt: Vec<&str> = urban
        .enterprises
        .iter()
        .filter(|e| !e.rating_exempt.is_empty())
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(exempt, ["UR-045", "UR-090"]);
    // Applicants state their standard-land commitments.
    assert!(
        apps.enterprises
            .iter()
            .all(|e| e.planned_tax_10k_yuan.is_some() || e.requested_mu.is_none())
    );
    assert_eq!(app("AP-074").planned_height_m, Some(24.0));
    assert_eq!(app("AP-078").planned_height_m, None);
    for e in &urban.enterprises {
        let (lon, lat) = e.site().unwrap();
        assert!(
            (120.75..=120.85).contains(&lon) && (27.93..=28.0).contains(&lat),
            "{} at {lon},{lat}",
            e.id
        );
    }
}
