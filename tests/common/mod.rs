//! Helpers the integration tests share: running the binary, the bundled files, reading and
//! writing test files, test geometry and GeoJSON.
#![allow(dead_code)] // each test crate uses a different part

pub mod excel;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

// ---- the bundled scenario and rules -----------------------------------------------------------

/// The crate folder, where the bundled scenario lives.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The bundled rule file, as a command-line argument.
pub const RULES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/lingkun.toml");

/// A file of the bundled scenario, e.g. `bundled("rules/lingkun.toml")`.
pub fn bundled(rel: &str) -> PathBuf {
    Path::new(ROOT).join(rel)
}

/// The bundled rule set, loaded.
pub fn rules() -> parkplan::RuleSet {
    parkplan::rules::load(&parkplan::io::bundled::rules()).expect("bundled rules load")
}

/// The one error message of a rule text (read as `r.toml`) that must be refused.
pub fn rules_error(text: &str) -> String {
    parkplan::rules::parse(Path::new("r.toml"), text, String::new())
        .expect_err("refused")
        .to_string()
}

// ---- running the binary -------------------------------------------------------------------------

/// The `parkplan` binary, ready for arguments.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_parkplan"))
}

/// The `parkplan` binary run in `dir`.
pub fn bin_in(dir: &Path) -> Command {
    let mut c = bin();
    c.current_dir(dir);
    c
}

/// Run `parkplan` with `args` and collect its output.
pub fn parkplan(args: &[&str]) -> Output {
    bin().args(args).output().expect("run parkplan")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts that `text` (an output, a message) contains `part`, showing `text` if not.
#[track_caller]
pub fn assert_contains(text: &str, part: &str) {
    assert!(text.contains(part), "{text}");
}

/// Asserts a run exited 0, showing its stderr if it did not.
#[track_caller]
pub fn assert_ok(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
}

// ---- test files -------------------------------------------------------------------------------

/// A text file's contents.
#[track_caller]
pub fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// A JSON file, parsed.
#[track_caller]
pub fn read_json(path: impl AsRef<Path>) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A new temporary folder holding the file `name` with `contents`: the folder (removed when it
/// is dropped) and the file's path.
#[track_caller]
pub fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// Writes each `(name, contents)` into `dir`: the files of a test scenario.
#[track_caller]
pub fn write_files(dir: &Path, files: &[(&str, &str)]) {
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents).unwrap();
    }
}

/// Asserts that each of `files` has the same bytes in folders `a` and `b`; a difference is
/// reported as "`{file} {why}`".
#[track_caller]
pub fn assert_same_files(a: &Path, b: &Path, files: &[&str], why: &str) {
    for f in files {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(x == y, "{f} {why}");
    }
}

// ---- test geometry ----------------------------------------------------------------------------

/// Origin of test geometry, near Lingkun.
pub const LON0: f64 = 120.90;
pub const LAT0: f64 = 27.95;
/// Degrees per metre near 27.96 N (geometry is placed with these, not measured: areas come from
/// the ellipsoid).
pub const DLAT: f64 = 1.0 / 110_800.0;
pub const DLON: f64 = 1.0 / 98_400.0;

/// Where test geometry is placed (metres east and north of `lon`, `lat`) and how many decimals
/// its coordinates are printed with.
pub struct Origin {
    pub lon: f64,
    pub lat: f64,
    pub decimals: usize,
}

/// The default origin ([`LON0`], [`LAT0`]), 9 decimals.
pub const PARK: Origin = Origin {
    lon: LON0,
    lat: LAT0,
    decimals: 9,
};

/// The park's centre (120.87 E, 27.96 N), 7 decimals: the maps' scenario.
pub const LINGKUN: Origin = Origin {
    lon: 120.87,
    lat: 27.96,
    decimals: 7,
};

impl Origin {
    /// A GeoJSON position `(x, y)` metres from the origin.
    pub fn position(&self, x: f64, y: f64) -> String {
        let d = self.decimals;
        format!("[{:.d$},{:.d$}]", self.lon + x * DLON, self.lat + y * DLAT)
    }

    /// A GeoJSON polygon's coordinates: a rectangle `w` x `h` metres with its south-west corner
    /// `(x, y)` metres from the origin.
    pub fn rect(&self, x: f64, y: f64, w: f64, h: f64) -> String {
        let c = |x: f64, y: f64| self.position(x, y);
        format!(
            "[[{},{},{},{},{}]]",
            c(x, y),
            c(x + w, y),
            c(x + w, y + h),
            c(x, y + h),
            c(x, y)
        )
    }
}

/// [`Origin::rect`] from the default origin ([`PARK`]).
pub fn rect(x: f64, y: f64, w: f64, h: f64) -> String {
    PARK.rect(x, y, w, h)
}

// ---- GeoJSON ----------------------------------------------------------------------------------

/// A GeoJSON Feature: `props` and `geometry` are JSON objects.
pub fn feature(props: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{props},"geometry":{geometry}}}"#)
}

/// A Polygon geometry with these coordinates.
pub fn polygon(coords: &str) -> String {
    format!(r#"{{"type":"Polygon","coordinates":{coords}}}"#)
}

/// A Point geometry at this position.
pub fn point(position: &str) -> String {
    format!(r#"{{"type":"Point","coordinates":{position}}}"#)
}

/// A FeatureCollection of these features.
pub fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

/// A FeatureCollection of polygon features, each `(properties JSON, coordinates JSON)`.
pub fn polygons(features: &[(String, String)]) -> String {
    let f: Vec<String> = features
        .iter()
        .map(|(props, coords)| feature(props, &polygon(coords)))
        .collect();
    collection(&f)
}

// ---- HTML ------------------------------------------------------------------------------------

/// Minimal HTML well-formedness: every non-void tag closed in order, quotes balanced in tags;
/// the content of `script` and `style` is skipped.
pub fn assert_well_formed(html: &str) {
    const VOID: &[&str] = &["meta", "br", "hr", "img", "input", "link", "col", "wbr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i..];
        if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").expect("unclosed comment") + 3..];
            continue;
        }
        let end = rest.find('>').expect("unclosed tag");
        let tag = &rest[1..end];
        assert_eq!(
            tag.matches('"').count() % 2,
            0,
            "unbalanced quotes in <{tag}>"
        );
        rest = &rest[end + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue;
        }
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let name = name.to_ascii_lowercase();
        assert!(!name.is_empty(), "empty tag <{tag}>");
        if (name == "script" || name == "style") && !tag.starts_with('/') {
            // Their content is not markup: skip to the closing tag.
            let close = format!("</{name}>");
            let k = rest.find(&close).expect("unclosed script or style");
            rest = &rest[k + close.len()..];
            continue;
        }
        if tag.starts_with('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else if !tag.ends_with('/') && !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

// ---- tables and edited files (plan --compare) -------------------------------------------------

/// A CSV file parkplan wrote (byte-order mark or not), one map of header -> cell per row.
#[track_caller]
pub fn read_csv(path: impl AsRef<Path>) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = read(path);
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// A copy of the bundled file `rel` in `dir` with each `(from, to)` replaced once (each must
/// be there), e.g. a rule file with another threshold.
#[track_caller]
pub fn edited_copy(rel: &str, dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = read(bundled(rel));
    for (from, to) in edits {
        assert!(text.contains(from), "{rel} has no {from:?}");
        text = text.replacen(from, to, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The first row of a workbook sheet, as text.
pub fn sheet_header(sheet: &calamine::Range<calamine::Data>) -> Vec<String> {
    sheet
        .rows()
        .next()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default()
}
