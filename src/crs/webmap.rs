//! GCJ-02 and BD-09, the offset longitude/latitude of Chinese web maps.
//!
//! GCJ-02 is defined only by its forward formula from WGS84 (the widely published one on the
//! Krasovsky ellipsoid, identity outside China's bounding box); BD-09 adds Baidu's offset to it.
//! The inverses have no closed form: they start from the point itself and subtract the offset
//! measured at the current estimate until a step moves less than 1e-10 degrees (about 10
//! micrometres), so converting back and forth round-trips far within a centimetre.

use std::f64::consts::PI;

const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
const X_PI: f64 = PI * 3000.0 / 180.0;
const STEP: f64 = 1e-10;
const MAX_STEPS: usize = 50;

/// Outside China's bounding box GCJ-02 is WGS84 itself.
fn out_of_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    ret
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    ret += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    ret += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    ret += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    ret
}

/// WGS84 to GCJ-02 (the published forward formula).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let rad = lat / 180.0 * PI;
    let magic = 1.0 - KRASOVSKY_EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (KRASOVSKY_A / sqrt_magic * rad.cos() * PI);
    (lon + dlon, lat + dlat)
}

/// Invert `forward` at `target` by fixed-point iteration from `target` itself.
fn invert(forward: fn(f64, f64) -> (f64, f64), target: (f64, f64)) -> (f64, f64) {
    let (mut x, mut y) = target;
    for _ in 0..MAX_STEPS {
        let (fx, fy) = forward(x, y);
        let (dx, dy) = (fx - target.0, fy - target.1);
        x -= dx;
        y -= dy;
        if dx.abs() < STEP && dy.abs() < STEP {
            break;
        }
    }
    (x, y)
}

/// GCJ-02 to WGS84: the inverse of [`wgs84_to_gcj02`], iterated to under a millimetre.
///
/// ```
/// use parkplan::crs::{gcj02_to_wgs84, wgs84_to_gcj02};
/// let (lon, lat) = wgs84_to_gcj02(120.87, 27.96);
/// assert!((lon - 120.87).abs() > 0.003); // about 540 m off at Lingkun
/// let (x, y) = gcj02_to_wgs84(lon, lat);
/// assert!((x - 120.87).abs() < 1e-9 && (y - 27.96).abs() < 1e-9);
/// ```
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    invert(wgs84_to_gcj02, (lon, lat))
}

/// GCJ-02 to BD-09 (Baidu's published formula).
pub fn gcj02_to_bd09(lon: f64, lat: f64) -> (f64, f64) {
    let z = (lon * lon + lat * lat).sqrt() + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

/// BD-09 to GCJ-02: the inverse of [`gcj02_to_bd09`], iterated to under a millimetre.
pub fn bd09_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    invert(gcj02_to_bd09, (lon, lat))
}
