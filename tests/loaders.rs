//! Loading and validating inputs: each bad input is refused with a message that names the file,
//! the row or feature, the field and what was expected; the CLI exits 2 and never panics.

mod common;

use common::{
    ROOT, assert_contains, bin, bin_in, bundled, collection, feature, point, polygon, read,
    rules_error,
};
use parkplan::io::enterprises::read_enterprises;
use parkplan::io::geojson::{read_parcels, read_sensitive};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SQUARE: &str =
    "[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]";

/// An available M1 parcel `id` with the other properties `props`, one ring.
fn parcel(id: &str, props: &str, ring: &str) -> String {
    feature(
        &format!(r#"{{"id":"{id}","land_use":"M1","status":"available"{props}}}"#),
        &polygon(&format!("[{ring}]")),
    )
}

fn kinds() -> BTreeSet<String> {
    [
        "residential",
        "school",
        "hospital",
        "wetland",
        "water_source",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// The one error message of a parcels text that must fail.
fn parcel_error(text: &str) -> String {
    let err = read_parcels(Path::new("p.geojson"), text).expect_err("should be refused");
    err.to_string()
}

fn enterprise_error(csv: &str) -> String {
    read_enterprises(Path::new("e.csv"), csv)
        .expect_err("should be refused")
        .to_string()
}

#[test]
fn good_parcel_loads_with_ellipsoidal_area_either_winding() {
    let ccw = parcel("P1", "", SQUARE);
    let cw = parcel(
        "P2",
        r#","cluster":"Electronics""#,
        "[[120.88,27.96],[120.88,27.961],[120.881,27.961],[120.881,27.96],[120.88,27.96]]",
    );
    let (parcels, _) = read_parcels(Path::new("p.geojson"), &collection(&[ccw, cw])).unwrap();
    // 0.001 deg lon x 0.001 deg lat at 27.96 N: 98.4 m x 110.8 m = 10,905 m2 = 16.36 mu.
    for p in &parcels {
        assert!((p.area_m2 - 10_905.0).abs() < 15.0, "{}", p.area_m2);
        assert!((p.area_mu - p.area_m2 / 666.666_666_7).abs() < 1e-6);
    }
    assert_eq!(parcels[0].cluster, "general");
    assert_eq!(parcels[1].cluster, "electronics");
}

#[test]
fn unclosed_ring_names_feature_and_positions() {
    let ring = "[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961]]";
    let msg = parcel_error(&collection(&[parcel("P7", "", ring)]));
    assert_contains(
        &msg,
        "p.geojson: feature 0 (id \"P7\"): geometry: coordinates[0]: ring is not closed",
    );
}

#[test]
fn bow_tie_is_a_self_intersection() {
    let ring = "[[120.87,27.96],[120.871,27.961],[120.871,27.96],[120.87,27.961],[120.87,27.96]]";
    let msg = parcel_error(&collection(&[parcel("P1", "", ring)]));
    assert_contains(&msg, "intersects itself");
}

#[test]
fn projected_coordinates_are_named_as_such() {
    let ring =
        "[[587000,3093000],[587100,3093000],[587100,3093100],[587000,3093100],[587000,3093000]]";
    let msg = parcel_error(&collection(&[parcel("P1", "", ring)]));
    // One message for the file, naming the likely grid, not one per position.
    assert_contains(&msg, "are projected metres, not WGS84 lon/lat");
    assert_contains(&msg, "EPSG:4549");
    assert_eq!(msg.lines().count(), 1, "{msg}");
}

#[test]
fn swapped_lat_lon_is_out_of_range() {
    let ring = "[[27.96,120.87],[27.961,120.87],[27.961,120.871],[27.96,120.871],[27.96,120.87]]";
    let msg = parcel_error(&collection(&[parcel("P1", "", ring)]));
    assert!(
        msg.contains("outside lon [-180, 180] / lat [-90, 90]") && msg.contains("longitude first"),
        "{msg}"
    );
}

#[test]
fn linestring_parcel_is_refused() {
    let f = feature(
        r#"{"id":"L1","land_use":"M1","status":"available"}"#,
        r#"{"type":"LineString","coordinates":[[120.87,27.96],[120.871,27.96]]}"#,
    );
    let msg = parcel_error(&collection(&[f]));
    assert_contains(
        &msg,
        "geometry: expected a Polygon or MultiPolygon, got a LineString",
    );
}

#[test]
fn duplicate_parcel_id_names_both_features() {
    let msg = parcel_error(&collection(&[
        parcel("P1", "", SQUARE),
        parcel("P1", "", SQUARE),
    ]));
    assert_contains(
        &msg,
        "feature 1 (id \"P1\"): id: duplicate id \"P1\": also used by feature 0",
    );
}

#[test]
fn bad_land_use_lists_the_allowed_values_and_all_problems_are_reported() {
    let a = parcel("P1", "", SQUARE).replace("\"M1\"", "\"M4\"");
    let b = parcel("P2", "", SQUARE).replace("\"available\"", "\"vacant\"");
    let msg = parcel_error(&collection(&[a, b]));
    assert_contains(
        &msg,
        "land_use: expected one of M1 (一类工业用地), M2 (二类工业用地), M3 (三类工业用地), got \"M4\"",
    );
    assert_contains(
        &msg,
        "status: expected one of available (可用), occupied (已出让), reserved (预留), got \"vacant\"",
    );
}

#[test]
fn empty_parcels_file_is_an_error_but_empty_sensitive_file_a_warning() {
    let empty = r#"{"type":"FeatureCollection","features":[]}"#;
    assert!(parcel_error(empty).contains("no parcels"));
    let (areas, warnings) = read_sensitive(Path::new("s.geojson"), empty, &kinds()).unwrap();
    assert!(areas.is_empty());
    assert_eq!(warnings.len(), 1);
}

#[test]
fn sensitive_kind_without_a_buffer_rule_is_refused() {
    let f = collection(&[feature(
        r#"{"kind":"Temple"}"#,
        &polygon(&format!("[{SQUARE}]")),
    )]);
    let err = read_sensitive(Path::new("s.geojson"), &f, &kinds())
        .unwrap_err()
        .to_string();
    assert_contains(
        &err,
        "kind: \"temple\" has no buffer rule in the rule set: expected one of hospital (医院), residential (居住区)",
    );
    // Points are valid sensitive geometries and kinds are case-insensitive.
    let ok = collection(&[feature(r#"{"kind":" School "}"#, &point("[120.87,27.96]"))]);
    let (areas, _) = read_sensitive(Path::new("s.geojson"), &ok, &kinds()).unwrap();
    assert_eq!(areas[0].kind, "school");
}

#[test]
fn json_syntax_error_has_line_and_column() {
    let msg = parcel_error("{\"type\": \"FeatureCollection\",\n \"features\": [,]}");
    assert!(
        msg.starts_with("p.geojson: line 2, column 15: not valid JSON"),
        "{msg}"
    );
}

const HEADER: &str = "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,staff,pollution_class,willing_to_convert";

#[test]
fn enterprises_load_with_chinese_headers_and_bom_and_keep_missing_values_missing() {
    let csv = "\u{feff}企业编号,企业名称,营业收入,研发费用,用地面积（亩）,综合能耗(吨标煤),高企级别\nE1,温州甲科技有限公司,3333.3,,12.5,0,国家级\n";
    let reg = read_enterprises(Path::new("e.csv"), csv).unwrap();
    let e = &reg.enterprises[0];
    assert_eq!(e.name, "温州甲科技有限公司");
    assert_eq!(e.revenue_10k_yuan, Some(3333.3));
    assert_eq!(e.rd_expense_10k_yuan, None);
    assert_eq!(e.energy_tce, Some(0.0));
    assert_eq!(e.land_mu, Some(12.5));
    assert_eq!(
        e.hightech_level,
        Some(parkplan::model::HightechLevel::National)
    );
}

#[test]
fn bad_number_names_row_and_column() {
    let msg = enterprise_error(&format!(
        "{HEADER}\nE1,A,C3911,national,2027-01-01,n/a,10,5,light,false\n"
    ));
    assert_eq!(
        msg,
        "e.csv: row 2 (line 2): revenue: expected a number, got \"n/a\""
    );
}

#[test]
fn bad_date_and_negative_money_and_nan_are_refused() {
    let msg = enterprise_error(&format!(
        "{HEADER}\nE1,A,C3911,national,2027/02/30,-5,NaN,5,light,false\n"
    ));
    assert_contains(
        &msg,
        "cert_expiry: expected a date as YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日), got \"2027/02/30\"",
    );
    assert_contains(&msg, "revenue: expected a number >= 0, got \"-5\"");
    assert_contains(&msg, "rd_expense: expected a finite number, got \"NaN\"");
}

#[test]
fn duplicate_enterprise_id_names_both_lines() {
    let msg = enterprise_error(&format!("{HEADER}\nE1,A,C3911,,,,,,,\nE1,B,C3911,,,,,,,\n"));
    assert_contains(
        &msg,
        "row 3 (line 3): id: duplicate id \"E1\": also on line 2",
    );
}

#[test]
fn industry_code_without_letter_and_unknown_category_are_refused() {
    let msg = enterprise_error(&format!("{HEADER}\nE1,A,3911,Natl,,,,,very heavy,maybe\n"));
    assert_contains(
        &msg,
        "industry_code: expected a GB/T 4754 code with its section letter (e.g. C3911)",
    );
    assert_contains(
        &msg,
        "hightech_level: expected one of none, municipal, provincial, national, got \"Natl\"",
    );
    assert_contains(
        &msg,
        "pollution_class: expected one of light, moderate, heavy, got \"very heavy\"",
    );
    assert_contains(
        &msg,
        "willing_to_convert: expected true or false, got \"maybe\"",
    );
}

#[test]
fn categorical_values_are_trimmed_and_case_insensitive() {
    let reg = read_enterprises(
        Path::new("e.csv"),
        &format!("{HEADER}\nE1,A, c3911 , Provincial ,2027-01-01,1,1,1, HEAVY ,TRUE\n"),
    )
    .unwrap();
    let e = &reg.enterprises[0];
    assert_eq!(e.industry_code.as_ref().unwrap().as_str(), "C3911");
    assert_eq!(
        e.pollution_class,
        Some(parkplan::model::PollutionClass::Heavy)
    );
    assert_eq!(e.willing_to_convert, Some(true));
}

#[test]
fn inconsistent_rows_load_with_a_warning() {
    let csv = "id,name,revenue,hightech_revenue,staff,rd_staff\nE1,A,100,120,10,12\n";
    let reg = read_enterprises(Path::new("e.csv"), csv).unwrap();
    let w: Vec<String> = reg.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        w.iter()
            .any(|w| w.contains("row 2 (line 2): hightech_revenue: 120 is above revenue 100")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|w| w.contains("rd_staff: 12 is above staff 10")),
        "{w:?}"
    );
}

#[test]
fn gbk_file_is_refused_with_a_conversion_hint() {
    let (bytes, _, _) = encoding_rs::GBK.encode("id,name\nE1,温州甲科技有限公司\n");
    let err = parkplan::io::decode_utf8(Path::new("e.csv"), bytes.into_owned())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("looks like GBK") && err.contains("iconv -f GBK -t UTF-8"),
        "{err}"
    );
}

#[test]
fn rule_file_unknown_key_and_syntax_error_are_located() {
    let good = read(bundled("rules/lingkun.toml"));
    assert!(parkplan::rules::parse(Path::new("r.toml"), &good, String::new()).is_ok());
    let typo = good.replacen("[clusters]\ndefault", "[clusters]\ndefualt", 1);
    let msg = rules_error(&typo);
    assert!(
        msg.contains("r.toml: line") && msg.contains("unknown field `defualt`"),
        "{msg}"
    );
    let syntax = good.replacen("version = \"", "version = = \"", 1);
    let msg = rules_error(&syntax);
    assert!(msg.contains("r.toml: line") && msg.contains('^'), "{msg}");
}

// ---- the command line --------------------------------------------------------------------

struct Scenario {
    dir: tempfile::TempDir,
}

impl Scenario {
    /// A tiny valid scenario: two parcels, a village, an applicant.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let east =
            "[[120.872,27.96],[120.873,27.96],[120.873,27.961],[120.872,27.961],[120.872,27.96]]";
        std::fs::write(
            dir.path().join("p.geojson"),
            collection(&[parcel("P1", "", SQUARE), parcel("P2", "", east)]),
        )
        .unwrap();
        let village = collection(&[feature(
            r#"{"id":"V1","name":"灵昆村","kind":"residential"}"#,
            &polygon("[[[120.86,27.96],[120.865,27.96],[120.865,27.965],[120.86,27.96]]]"),
        )]);
        std::fs::write(dir.path().join("s.geojson"), village).unwrap();
        std::fs::write(
            dir.path().join("e.csv"),
            format!("{HEADER}\nE1,甲,C3911,national,2027-01-01,1000,60,50,light,false\n"),
        )
        .unwrap();
        Scenario { dir }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn validate(&self, replace: &[(&str, &Path)]) -> std::process::Output {
        let mut args: Vec<(String, PathBuf)> = vec![
            ("--parcels".into(), self.path("p.geojson")),
            ("--sensitive".into(), self.path("s.geojson")),
            ("--enterprises".into(), self.path("e.csv")),
        ];
        for (flag, p) in replace {
            args.iter_mut()
                .filter(|(f, _)| f == flag)
                .for_each(|(_, v)| *v = p.to_path_buf());
        }
        let mut cmd = bin();
        cmd.arg("validate");
        for (f, p) in args {
            cmd.arg(f).arg(p);
        }
        cmd.output().unwrap()
    }
}

/// The stdout of a `validate` run that must exit 0 (its stdout and stderr are shown if not).
#[track_caller]
fn validated(out: &std::process::Output) -> String {
    let stdout = common::stdout(out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        common::stderr(out)
    );
    stdout
}

#[test]
fn cli_validate_summarises_a_good_scenario() {
    let s = Scenario::new();
    let stdout = validated(&s.validate(&[]));
    assert_contains(&stdout, "parcels   2 (2 available), 32.7 mu in all");
    assert_contains(&stdout, "sensitive 1 residential");
    assert_contains(&stdout, "overlaps  none");
}

#[test]
fn cli_validate_reports_overlapping_parcels_with_both_ids() {
    let s = Scenario::new();
    let shifted =
        "[[120.8705,27.96],[120.8715,27.96],[120.8715,27.961],[120.8705,27.961],[120.8705,27.96]]";
    let p = s.path("overlap.geojson");
    std::fs::write(
        &p,
        collection(&[parcel("A1", "", SQUARE), parcel("B2", "", shifted)]),
    )
    .unwrap();
    let out = s.validate(&[("--parcels", &p)]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = common::stdout(&out);
    assert_contains(&stdout, "overlap   parcels A1 and B2 share");
}

#[test]
fn cli_reports_problems_of_every_file_at_once_with_exit_2() {
    let s = Scenario::new();
    let bad_csv = s.path("bad.csv");
    std::fs::write(
        &bad_csv,
        format!("{HEADER}\nE1,A,C3911,national,2027-13-01,1,1,1,light,false\n"),
    )
    .unwrap();
    let bad_geo = bundled("tests/data/bad-geojson/bow-tie.geojson");
    let out = s.validate(&[("--enterprises", &bad_csv), ("--parcels", &bad_geo)]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = common::stderr(&out);
    assert!(
        stderr.contains("bow-tie.geojson: feature 0 (id \"P1\"): geometry")
            && stderr.contains("intersects itself"),
        "{stderr}"
    );
    assert_contains(&stderr, "bad.csv: row 2 (line 2): cert_expiry");
}

/// Every invalid GeoJSON fixture, as parcels and as sensitive areas: exit 2, a message naming the
/// file, never a panic. Covers this project's fixtures and the 44 public geojsonhint fixtures
/// (tests/data/geojsonhint-bad, ISC licence, from mapbox/geojsonhint; see its SOURCE.md).
#[test]
fn cli_refuses_every_invalid_geojson_fixture() {
    let s = Scenario::new();
    let root = Path::new(ROOT);
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in [
        root.join("tests/data/bad-geojson"),
        root.join("tests/data/geojsonhint-bad"),
    ] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(
                entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "geojson" || e == "json")),
            );
        }
    }
    files.sort();
    assert!(
        files.len() >= 24 + 44,
        "fixtures missing: {} found",
        files.len()
    );
    for f in &files {
        for flag in ["--parcels", "--sensitive"] {
            let out = s.validate(&[(flag, f)]);
            let stderr = common::stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{flag} {}: {stderr}",
                f.display()
            );
            let name = f.file_name().unwrap().to_string_lossy();
            assert!(
                stderr.contains(&*name) && !stderr.contains("panicked"),
                "{flag} {}: {stderr}",
                f.display()
            );
        }
    }
}

#[test]
fn cli_validate_with_no_arguments_checks_the_bundled_lingkun_scenario() {
    let stdout = validated(&bin_in(Path::new(ROOT)).arg("validate").output().unwrap());
    assert_contains(&stdout, "rules     lingkun-2026.2");
    assert_contains(&stdout, "overlaps  none");
    assert_contains(&stdout, "enterprises 80 in registries/applicants.csv");
}

#[test]
fn cli_validate_json_summary_parses_with_areas_and_overlaps() {
    let out = bin_in(Path::new(ROOT))
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(v["parcels"], 300);
    assert!(v["overlaps"].as_array().unwrap().is_empty());
    let by_use: f64 = v["area_mu_by_land_use"]
        .as_object()
        .unwrap()
        .values()
        .map(|x| x.as_f64().unwrap())
        .sum();
    assert!(
        (by_use - v["area_mu"].as_f64().unwrap()).abs() < 0.5,
        "land classes add up to the total"
    );
}

/// The README's table of accepted enterprise headers is the one the metric catalogue makes
/// (`parkplan::io::enterprises::headers_table`), never written by hand.
#[test]
fn readme_header_table_is_generated_from_the_catalogue() {
    let readme = read(bundled("README.md"));
    let start = "<!-- headers: generated by parkplan::io::enterprises::headers_table -->\n";
    let end = "<!-- end of headers -->";
    let table = parkplan::io::enterprises::headers_table();
    let at = readme.find(start).map(|i| i + start.len());
    let got = at.and_then(|i| readme[i..].find(end).map(|j| &readme[i..i + j]));
    if std::env::var_os("PARKPLAN_PRINT_HEADERS").is_some() {
        print!("{table}");
    }
    assert_eq!(
        got,
        Some(table.as_str()),
        "README.md's header table differs from the catalogue's: replace it with the output of `PARKPLAN_PRINT_HEADERS=1 cargo test --test loaders readme_header_table -- --nocapture`"
    );
}

/// A registry in each encoding Excel saves loads to the same enterprises: UTF-8 with or without
/// BOM, GBK (with a warning naming it), UTF-16 LE and BE with their mark (Excel's "Unicode
/// text", tab-separated); UTF-16 without its mark is named, not read as GBK.
#[test]
fn registries_in_every_excel_encoding_load_alike() {
    let text = "企业编号,企业名称,营业收入,证书有效期\r\nE1,温州甲科技有限公司,3333.3,2029/11/27\r\nE2,瓯海乙,,2029年1月7日\r\n";
    let tabbed = text.replace(',', "\t");
    let utf16 = |t: &str, be: bool| -> Vec<u8> {
        let mark: [u8; 2] = if be { [0xFE, 0xFF] } else { [0xFF, 0xFE] };
        mark.into_iter()
            .chain(
                t.encode_utf16()
                    .flat_map(|u| if be { u.to_be_bytes() } else { u.to_le_bytes() }),
            )
            .collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let want = read_enterprises(Path::new("e.csv"), text)
        .unwrap()
        .enterprises;
    assert_eq!(want[0].cert_expiry.unwrap().to_string(), "2029-11-27");
    assert_eq!(want[1].cert_expiry.unwrap().to_string(), "2029-01-07");
    for (name, bytes, warning) in [
        ("utf8.csv", text.as_bytes().to_vec(), None),
        (
            "bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            None,
        ),
        (
            "gbk.csv",
            encoding_rs::GBK.encode(text).0.into_owned(),
            Some("GBK (GB18030)"),
        ),
        ("le.txt", utf16(&tabbed, false), Some("UTF-16 LE")),
        ("be.txt", utf16(&tabbed, true), Some("UTF-16 BE")),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let reg = parkplan::io::enterprises::load_enterprises(&f).unwrap();
        let mut got = reg.enterprises.clone();
        for (g, w) in got.iter_mut().zip(&want) {
            g.line = w.line;
        }
        assert_eq!(got, want, "{name}");
        let decoded: Vec<String> = reg
            .warnings
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("not UTF-8"))
            .collect();
        match warning {
            Some(enc) => assert!(
                decoded.len() == 1 && decoded[0].contains(&format!("read as {enc} text")),
                "{name}: {decoded:?}"
            ),
            None => assert!(decoded.is_empty(), "{name}: {decoded:?}"),
        }
    }
    let f = dir.path().join("nobom.txt");
    let bare: Vec<u8> = tabbed.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(&f, bare).unwrap();
    let err = parkplan::io::enterprises::load_enterprises(&f)
        .unwrap_err()
        .to_string();
    assert_contains(&err, "looks like UTF-16 text without a byte-order mark");
}

/// Shapes whose area would silently be wrong are refused, each naming its feature: parts of a
/// MultiPolygon that overlap (counted twice), a parcel across the antimeridian (measured the
/// long way round the Earth) and a parcel with no area.
#[test]
fn parcel_shapes_with_a_wrong_area_are_refused() {
    let shifted =
        "[[120.8705,27.96],[120.8715,27.96],[120.8715,27.961],[120.8705,27.961],[120.8705,27.96]]";
    let overlapping = feature(
        r#"{"id":"M1","land_use":"M1","status":"available"}"#,
        &format!(r#"{{"type":"MultiPolygon","coordinates":[[{SQUARE}],[{shifted}]]}}"#),
    );
    let err = parcel_error(&collection(&[overlapping]));
    assert_contains(&err, "feature 0");
    assert_contains(&err, "parts 0 and 1 overlap by");
    // Touching parts (a shared edge) are fine.
    let east =
        "[[120.871,27.96],[120.872,27.96],[120.872,27.961],[120.871,27.961],[120.871,27.96]]";
    let touching = feature(
        r#"{"id":"M2","land_use":"M1","status":"available"}"#,
        &format!(r#"{{"type":"MultiPolygon","coordinates":[[{SQUARE}],[{east}]]}}"#),
    );
    let (parcels, _) = read_parcels(Path::new("p.geojson"), &collection(&[touching])).unwrap();
    assert!(
        (parcels[0].area_mu - 32.7).abs() < 0.2,
        "{}",
        parcels[0].area_mu
    );

    let across = "[[179.999,0.0],[-179.999,0.0],[-179.999,0.001],[179.999,0.001],[179.999,0.0]]";
    let err = parcel_error(&collection(&[parcel("AM", "", across)]));
    assert_contains(&err, "crossing the antimeridian");

    let sliver = "[[120.87,27.96],[120.871,27.96],[120.871,27.9600000001],[120.87,27.96]]";
    let err = parcel_error(&collection(&[parcel("Z", "", sliver)]));
    assert_contains(&err, "has no area");
}

/// A key repeated in one JSON object is refused by name, never taken last-wins: a parcel marked
/// both available and occupied, or a second `features` member emptying the file.
#[test]
fn repeated_json_keys_are_refused() {
    let twice = feature(
        r#"{"id":"D1","land_use":"M1","status":"available","status":"occupied"}"#,
        &polygon(&format!("[{SQUARE}]")),
    );
    let err = parcel_error(&collection(&[parcel("P1", "", SQUARE), twice]));
    assert_contains(&err, "feature 1");
    assert_contains(&err, "properties.status: the key appears twice");
    let emptied = format!(
        r#"{{"type":"FeatureCollection","features":[{}],"features":[]}}"#,
        parcel("P1", "", SQUARE)
    );
    assert_contains(&parcel_error(&emptied), "features: the key appears twice");
}

/// Loading counts every input file's bytes once it is read, so a bar over the total ends full.
#[test]
fn loading_counts_each_input_file_to_the_total() {
    use parkplan::scenario::{ScenarioFiles, load_scenario_counted};
    let files = ScenarioFiles::bundled();
    let size: u64 = files
        .inputs()
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let meter = parkplan::meter::Meter::default();
    load_scenario_counted(&files, Some(&meter)).unwrap();
    assert_eq!(meter.read(), (size, size));
}
