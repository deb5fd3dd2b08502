//! Map files as planning offices hand them out: the bundled parcels converted by GDAL to a GBK
//! Shapefile in EPSG:4549 with Chinese fields, a GeoPackage in EPSG:4490 and GeoJSON in
//! EPSG:4528 (tests/data/gis/make_fixtures.sh) give the same parcels and the same allocation;
//! web-map coordinates, missing or conflicting CRSs, and the plan's GeoPackage for QGIS.

mod common;

use common::{assert_ok, bin};
use parkplan::crs::Crs;
use parkplan::io::{self, MapOptions};
use parkplan::model::Parcel;
use parkplan::plan::Plan;
use parkplan::scenario::{ScenarioFiles, load_scenario};
use std::path::{Path, PathBuf};

const DATA: &str = "tests/data/gis";

fn fixture(name: &str) -> PathBuf {
    Path::new(DATA).join(name)
}

fn bundled_parcels() -> Vec<Parcel> {
    io::load_parcels(&io::bundled::parcels(), &MapOptions::default())
        .unwrap()
        .0
}

/// Same ids, land use, status and cluster in the same order, areas within 0.01%.
fn assert_same_parcels(got: &[Parcel], want: &[Parcel], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (&g.id, g.land_use, g.status, &g.cluster, g.max_far),
            (&w.id, w.land_use, w.status, &w.cluster, w.max_far),
            "{what}"
        );
        let rel = (g.area_m2 - w.area_m2).abs() / w.area_m2;
        assert!(
            rel < 1e-4,
            "{what}: {} area {} vs {}",
            g.id,
            g.area_m2,
            w.area_m2
        );
    }
}

#[test]
fn gdal_conversions_give_the_same_parcels() {
    let want = bundled_parcels();
    for (name, crs) in [
        ("parcels-4549-gbk.shp", 4549),
        ("lingkun-4490.gpkg", 4490),
        ("parcels-4528.geojson", 4528),
    ] {
        let (got, warnings, declared) =
            io::load_parcels(&fixture(name), &MapOptions::default()).unwrap();
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        assert_eq!(declared.and_then(|c| c.epsg()), Some(crs), "{name}");
        assert_same_parcels(&got, &want, name);
    }
    // The Shapefile's attributes are Chinese names and values, read from a GBK table.
    let (shp, _, _) =
        io::load_parcels(&fixture("parcels-4549-gbk.shp"), &MapOptions::default()).unwrap();
    assert!(shp[0].properties.contains_key("地块编号"));
    assert_eq!(shp[0].properties["用地性质"], "一类工业用地");
}

/// The allocation of the bundled scenario with its parcels and sensitive areas replaced.
fn assignments(
    parcels: PathBuf,
    sensitive: PathBuf,
    layers: (Option<&str>, Option<&str>),
) -> Vec<(String, String)> {
    let mut files = ScenarioFiles::bundled();
    files.parcels = parcels;
    files.sensitive = sensitive;
    files.parcels_layer = layers.0.map(str::to_string);
    files.sensitive_layer = layers.1.map(str::to_string);
    let s = load_scenario(&files).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let o = Plan::new(&s).date(date).run().unwrap();
    o.allocation
        .assignments
        .iter()
        .map(|a| (a.enterprise_id.clone(), a.parcel_id.clone()))
        .collect()
}

#[test]
fn gdal_conversions_give_the_same_allocation() {
    let want = assignments(
        io::bundled::parcels(),
        io::bundled::sensitive(),
        (None, None),
    );
    assert!(want.len() > 40);
    let shp = assignments(
        fixture("parcels-4549-gbk.shp"),
        io::bundled::sensitive(),
        (None, None),
    );
    assert_eq!(shp, want, "Shapefile EPSG:4549");
    let gpkg = fixture("lingkun-4490.gpkg");
    let g = assignments(gpkg.clone(), gpkg, (Some("parcels"), Some("sensitive")));
    assert_eq!(g, want, "GeoPackage EPSG:4490 (sensitive kinds in Chinese)");
    let gj = assignments(
        fixture("parcels-4528.geojson"),
        fixture("sensitive-4528.geojson"),
        (None, None),
    );
    assert_eq!(gj, want, "GeoJSON EPSG:4528");
}

/// A copy of the fixture Shapefile in a scratch folder, without the files named in `drop`.
fn shapefile_without(drop: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["shp", "shx", "dbf", "prj", "cpg"] {
        if !drop.contains(&ext) {
            std::fs::copy(
                fixture(&format!("parcels-4549-gbk.{ext}")),
                dir.path().join(format!("p.{ext}")),
            )
            .unwrap();
        }
    }
    let p = dir.path().join("p.shp");
    (dir, p)
}

#[test]
fn dbf_encoding_is_detected_without_a_cpg() {
    let (_dir, p) = shapefile_without(&["cpg"]);
    let (got, warnings, _) = io::load_parcels(&p, &MapOptions::default()).unwrap();
    assert_same_parcels(&got, &bundled_parcels(), "no .cpg");
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].to_string().contains("read as GBK"),
        "{}",
        warnings[0]
    );
}

#[test]
fn projected_metres_without_a_crs_are_one_problem_naming_the_grid() {
    let (_dir, p) = shapefile_without(&["prj"]);
    let e = io::load_parcels(&p, &MapOptions::default()).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert!(e.to_string().contains("EPSG:4549"), "{e}");
    // Given with --crs, it loads.
    let opts = MapOptions {
        crs: Some(Crs::from_epsg(4549).unwrap()),
        layer: None,
    };
    assert_eq!(io::load_parcels(&p, &opts).unwrap().0.len(), 300);
    // GeoJSON in zone 40 without its crs member: the zone number in the easting names the grid.
    let text = std::fs::read_to_string(fixture("parcels-4528.geojson")).unwrap();
    let bare = text.replace(
        r#""crs": { "type": "name", "properties": { "name": "urn:ogc:def:crs:EPSG::4528" } },"#,
        "",
    );
    assert_ne!(bare, text);
    let dir = tempfile::tempdir().unwrap();
    let gj = dir.path().join("zone40.geojson");
    std::fs::write(&gj, bare).unwrap();
    let e = io::load_parcels(&gj, &MapOptions::default()).unwrap_err();
    assert_eq!(e.len(), 1, "{e}");
    assert!(e.to_string().contains("--crs EPSG:4528"), "{e}");
    // A --crs that contradicts the file is refused, naming both.
    let opts = MapOptions {
        crs: Some(Crs::from_epsg(4549).unwrap()),
        layer: None,
    };
    let e = io::load_parcels(&fixture("parcels-4528.geojson"), &opts).unwrap_err();
    assert!(
        e.to_string().contains("zone 40") && e.to_string().contains("CM 120E"),
        "{e}"
    );
}

#[test]
fn chinese_values_that_are_not_allowed_list_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("p.geojson");
    std::fs::write(&p, r#"{"type":"FeatureCollection","features":[{"type":"Feature",
      "properties":{"宗地编号":"P1","用地类型":"工业","状态":"可用"},
      "geometry":{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}}]}"#).unwrap();
    let e = io::load_parcels(&p, &MapOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(r#"feature 0 (id "P1"): 用地类型 (land_use): expected one of M1 (一类工业用地), M2 (二类工业用地), M3 (三类工业用地), got "工业""#),
        "{e}"
    );
}

#[test]
fn gcj02_parcels_land_where_the_wgs84_ones_are() {
    let want = bundled_parcels();
    let text = std::fs::read_to_string(io::bundled::parcels()).unwrap();
    let mut fc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in fc["features"].as_array_mut().unwrap() {
        for poly in f["geometry"]["coordinates"].as_array_mut().unwrap() {
            for ring in poly.as_array_mut().unwrap() {
                for p in ring.as_array_mut().unwrap() {
                    let (x, y) = parkplan::crs::wgs84_to_gcj02(
                        p[0].as_f64().unwrap(),
                        p[1].as_f64().unwrap(),
                    );
                    *p = serde_json::json!([x, y]);
                }
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("gcj.geojson");
    std::fs::write(&p, fc.to_string()).unwrap();
    let opts = MapOptions {
        crs: Some(Crs::Gcj02),
        layer: None,
    };
    let (got, _, _) = io::load_parcels(&p, &opts).unwrap();
    assert_same_parcels(&got, &want, "GCJ-02");
    let (a, b) = (
        got[0].geometry.0[0].exterior().0[0],
        want[0].geometry.0[0].exterior().0[0],
    );
    assert!(
        (a.x - b.x).abs() < 1e-7 && (a.y - b.y).abs() < 1e-7,
        "{a:?} {b:?}"
    );
}

#[test]
fn files_that_are_no_map_are_named() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, says) in [
        ("a.zip", &b"PK\x03\x04rest"[..], "a ZIP archive"),
        ("a.xlsx", &b"PK\x03\x04rest"[..], "an Excel workbook"),
        ("a.dbf", &[0x03u8, 0x7A, 1, 1][..], "attribute table (.dbf)"),
        ("a.kml", &b"<?xml version=\"1.0\"?><kml>"[..], "a KML file"),
        ("a.sqlite", &b"SQLite format 3\0"[..], "not a GeoPackage"),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let e = io::load_parcels(&p, &MapOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains(says), "{name}: {e}");
    }
}

/// Whether GDAL's ogrinfo is on this machine; in CI (.ci/run installs gdal-bin) it must be.
fn ogrinfo() -> bool {
    let found = std::process::Command::new("ogrinfo")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs .ci/run, which installs gdal-bin: ogrinfo must be there"
        );
        eprintln!(
            "ogrinfo not found (apt-get install gdal-bin): plan.gpkg checked with SQLite only"
        );
    }
    found
}

#[test]
fn plan_gpkg_opens_in_gdal_with_every_layer_and_style() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args(["plan", "--date", "2026-11-26", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ok(&out);
    let gpkg = dir.path().join("plan.gpkg");
    // The relocation lines are the maps' links: one per converting or relocating enterprise
    // with a parcel or an option, as the plan decides them.
    let scenario = parkplan::load_scenario(&parkplan::ScenarioFiles::bundled()).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let outcome = parkplan::Plan::new(&scenario).date(date).run().unwrap();
    let lines = parkplan::plan::maps::MapInputs::from_outcome(&outcome)
        .links
        .len() as i64;
    assert!(lines > 0);
    let layers = [
        ("parcels", 300),
        ("sensitive_areas", 11),
        ("buffer_rings", 10),
        ("urban_sites", 150),
        ("relocation_lines", lines),
    ];
    let db = rusqlite::Connection::open(&gpkg).unwrap();
    // Written in one pass: no free pages to vacuum away.
    let free: i64 = db
        .query_row("PRAGMA freelist_count", [], |r| r.get(0))
        .unwrap();
    assert_eq!(free, 0);
    for (layer, n) in layers {
        let count: i64 = db
            .query_row(&format!("SELECT count(*) FROM {layer}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, n, "{layer}");
        let qml: String = db
            .query_row(
                "SELECT styleQML FROM layer_styles WHERE f_table_name = ?1 AND useAsDefault",
                [layer],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            qml.contains(r#"<renderer-v2 type="categorizedSymbol""#),
            "{layer}"
        );
    }
    if ogrinfo() {
        let info = std::process::Command::new("ogrinfo")
            .args(["-ro", "-so", "-al"])
            .arg(&gpkg)
            .output()
            .unwrap();
        assert!(
            info.status.success(),
            "{}",
            String::from_utf8_lossy(&info.stderr)
        );
        let text = String::from_utf8_lossy(&info.stdout);
        for (layer, n) in layers {
            let at = text
                .find(&format!("Layer name: {layer}\n"))
                .unwrap_or_else(|| panic!("{layer}: {text}"));
            assert!(
                text[at..].contains(&format!("Feature Count: {n}\n")),
                "{layer}"
            );
        }
        assert!(text.contains("Layer name: layer_styles"), "{text}");
        assert!(
            !String::from_utf8_lossy(&info.stderr).contains("ERROR"),
            "{}",
            String::from_utf8_lossy(&info.stderr)
        );
    }
    // Read back as parcels: the plan's layer is a parcels file, assignment columns and all.
    let (back, _, crs) = io::load_parcels(&gpkg, &MapOptions::default()).unwrap();
    assert_eq!(crs, Some(Crs::WGS84));
    assert_same_parcels(&back, &bundled_parcels(), "plan.gpkg parcels");
    let excluded = back
        .iter()
        .filter(|p| p.properties["excluded_moderate"].is_string())
        .count();
    assert!(excluded > 200, "{excluded}");
}

#[test]
fn out_crs_input_writes_the_input_grid() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "allocate",
            "--date",
            "2026-11-26",
            "--format",
            "gpkg",
            "--out-crs",
            "input",
            "--parcels",
        ])
        .arg(fixture("parcels-4549-gbk.shp"))
        .arg("--out")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_ok(&out);
    let gpkg = dir.path().join("plan.gpkg");
    let (back, _, crs) = io::load_parcels(&gpkg, &MapOptions::default()).unwrap();
    assert_eq!(crs.and_then(|c| c.epsg()), Some(4549));
    assert_same_parcels(&back, &bundled_parcels(), "plan.gpkg in EPSG:4549");
}
