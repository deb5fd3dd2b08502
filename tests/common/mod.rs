//! Helpers the integration tests share: running the binary, the bundled files, test geometry.
#![allow(dead_code)] // each test crate uses a different part

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate folder, where the bundled scenario lives.
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A file of the bundled scenario, e.g. `bundled("rules/lingkun.toml")`.
pub fn bundled(rel: &str) -> PathBuf {
    Path::new(ROOT).join(rel)
}

/// The bundled rule set, loaded.
pub fn rules() -> parkplan::RuleSet {
    parkplan::rules::load(&parkplan::io::bundled::rules()).expect("bundled rules load")
}

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

/// Origin of test geometry, near Lingkun.
pub const LON0: f64 = 120.90;
pub const LAT0: f64 = 27.95;
/// Degrees per metre near 27.96 N (geometry is placed with these, not measured: areas come from
/// the ellipsoid).
pub const DLAT: f64 = 1.0 / 110_800.0;
pub const DLON: f64 = 1.0 / 98_400.0;

/// A GeoJSON polygon's coordinates: a rectangle `w` x `h` metres with its south-west corner
/// `(x, y)` metres from (`lon0`, `lat0`), 9 decimals.
pub fn rect_at(lon0: f64, lat0: f64, x: f64, y: f64, w: f64, h: f64) -> String {
    let c = |x: f64, y: f64| format!("[{:.9},{:.9}]", lon0 + x * DLON, lat0 + y * DLAT);
    format!(
        "[[{},{},{},{},{}]]",
        c(x, y),
        c(x + w, y),
        c(x + w, y + h),
        c(x, y + h),
        c(x, y)
    )
}

/// [`rect_at`] from the default origin ([`LON0`], [`LAT0`]).
pub fn rect(x: f64, y: f64, w: f64, h: f64) -> String {
    rect_at(LON0, LAT0, x, y, w, h)
}

/// A FeatureCollection of polygon features, each `(properties JSON, coordinates JSON)`.
pub fn polygons(features: &[(String, String)]) -> String {
    let f: Vec<String> = features
        .iter()
        .map(|(props, coords)| {
            format!(
                r#"{{"type":"Feature","properties":{props},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        f.join(",")
    )
}
