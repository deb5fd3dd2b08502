//! Loading benchmark: a 200,000-vertex parcel (a digitised coastline-sized ring) through the
//! GeoJSON loader with full validation. Run with `cargo bench --bench load`; prints the median
//! of 7 runs.

use std::path::Path;
use std::time::Instant;

fn main() {
    let n = 200_000;
    let (lon0, lat0) = (120.87, 27.96);
    let mut coords = String::with_capacity(n * 40);
    for i in 0..=n {
        let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        let r = 0.01 * (1.0 + 0.02 * (97.0 * t).sin());
        if i > 0 {
            coords.push(',');
        }
        coords.push_str(&format!(
            "[{:.7},{:.7}]",
            lon0 + r * t.cos(),
            lat0 + r * t.sin()
        ));
    }
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","properties":{{"id":"BIG","land_use":"M1","status":"available"}},"geometry":{{"type":"Polygon","coordinates":[[{coords}]]}}}}]}}"#
    );
    let mut times = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let (parcels, _) =
            parkplan::io::geojson::read_parcels(Path::new("big.geojson"), &text).expect("valid");
        times.push(start.elapsed().as_secs_f64());
        assert_eq!(parcels.len(), 1);
    }
    times.sort_by(f64::total_cmp);
    let mut json = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        json.push(start.elapsed().as_secs_f64());
        std::hint::black_box(v);
    }
    json.sort_by(f64::total_cmp);
    println!(
        "load 200,000-vertex polygon ({} KB): median {:.3} s (min {:.3}, max {:.3})",
        text.len() / 1024,
        times[3],
        times[0],
        times[6]
    );
    println!(
        "  of which JSON text to serde_json::Value: median {:.3} s",
        json[3]
    );
}
