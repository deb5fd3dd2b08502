//! Coordinate systems against outside references: Gauss–Krüger and UTM grids against PROJ over
//! whole zones, GCJ-02 and BD-09 against a published conversion, and round trips.

use parkplan::crs::{self, Crs};

/// Metres between two lon/lat points (local equirectangular, exact enough at centimetres).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let dy = (a.1 - b.1) * 111_320.0;
    let dx = (a.0 - b.0) * 111_320.0 * a.1.to_radians().cos();
    dx.hypot(dy)
}

/// tests/data/crs/proj-points.csv: PROJ 9.5 (pyproj 3.7) grid coordinates of a 13 x 13 lattice
/// over each zone, 0-60 N (made by make_proj_points.py beside it).
#[test]
fn grids_agree_with_proj_within_a_centimetre_over_whole_zones() {
    let text = std::fs::read_to_string("tests/data/crs/proj-points.csv").unwrap();
    let mut worst_inverse = 0.0f64;
    let mut worst_forward = 0.0f64;
    let mut n = 0;
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        let crs = Crs::from_epsg(v[0] as u32).unwrap();
        let (lon, lat) = crs.to_wgs84(v[3], v[4]);
        worst_inverse = worst_inverse.max(metres((lon, lat), (v[1], v[2])));
        let (x, y) = crs.from_wgs84(v[1], v[2]);
        worst_forward = worst_forward.max((x - v[3]).hypot(y - v[4]));
        n += 1;
    }
    assert_eq!(n, 7 * 169);
    assert!(
        worst_inverse < 0.01,
        "grid to lon/lat off by {worst_inverse} m"
    );
    assert!(
        worst_forward < 0.01,
        "lon/lat to grid off by {worst_forward} m"
    );
    // In fact far better: the series is exact to well under a millimetre in a zone.
    assert!(
        worst_inverse < 1e-3 && worst_forward < 1e-3,
        "{worst_inverse} {worst_forward}"
    );
}

/// wandergis/coordtransform's published example (test/app.js), at Tiananmen (116.404, 39.915).
#[test]
fn web_map_offsets_agree_with_a_published_conversion() {
    let p = (116.404, 39.915);
    let gcj = crs::wgs84_to_gcj02(p.0, p.1);
    assert!(metres(gcj, (116.41024449916938, 39.91640428150164)) < 0.5);
    let bd = crs::gcj02_to_bd09(p.0, p.1);
    assert!(metres(bd, (116.41036949371029, 39.92133699351021)) < 0.5);
    let back = crs::bd09_to_gcj02(p.0, p.1);
    assert!(metres(back, (116.39762729119315, 39.90865673957631)) < 0.5);
    // Their GCJ-02 -> WGS84 is a one-step approximation; the iterated inverse agrees within
    // half a metre, and is exact: converting it forward gives the input back.
    let wgs = crs::gcj02_to_wgs84(p.0, p.1);
    assert!(metres(wgs, (116.39775550083061, 39.91359571849836)) < 0.5);
    assert!(metres(crs::wgs84_to_gcj02(wgs.0, wgs.1), p) < 1e-3);
}

#[test]
fn web_map_round_trips_within_a_centimetre_across_china() {
    let mut worst = 0.0f64;
    for i in 0..=40 {
        for j in 0..=40 {
            let p = (73.0 + 62.0 * i as f64 / 40.0, 18.0 + 35.0 * j as f64 / 40.0);
            for crs in [Crs::Gcj02, Crs::Bd09] {
                let (x, y) = crs.from_wgs84(p.0, p.1);
                worst = worst.max(metres(crs.to_wgs84(x, y), p));
                let (lon, lat) = crs.to_wgs84(p.0, p.1);
                worst = worst.max(metres(crs.from_wgs84(lon, lat), p));
            }
        }
    }
    assert!(worst < 0.01, "round trip off by {worst} m");
    // At Lingkun the GCJ-02 offset is about 540 m, more than the 300 m buffers.
    let gcj = crs::wgs84_to_gcj02(120.87, 27.96);
    let off = metres(gcj, (120.87, 27.96));
    assert!((500.0..600.0).contains(&off), "{off}");
}

#[test]
fn projected_coordinates_without_a_crs_get_the_likely_zone() {
    let zone40 = crs::projected_hint(40_512_345.0, 3_094_000.0);
    assert!(
        zone40.contains("zone number 40") && zone40.contains("--crs EPSG:4528"),
        "{zone40}"
    );
    let bare = crs::projected_hint(512_345.0, 3_094_000.0);
    assert!(
        bare.contains("EPSG:4549") && bare.contains("27.9°N"),
        "{bare}"
    );
}
