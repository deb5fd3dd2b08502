//! Spatial benchmark: per-parcel nearest sensitive area of each kind (exact polygon-to-polygon
//! distance in the metric frame) for 100,000 parcels and 10,000 sensitive polygons.
//!
//! `cargo bench --bench spatial [-- PARCELS SENSITIVE]` writes the data set (seeded) to
//! `target/bench-data/spatial/` as GeoJSON, loads it with the project's loaders, then times
//! projection + R-tree bulk load + all nearest queries (median of 5 runs) and writes the
//! distances to `rust_nearest.csv`. `python3 benches/spatial_geopandas.py target/bench-data/spatial`
//! does the same with geopandas/shapely STRtree on the same files and compares the distances.

use parkplan::io::geojson::{load_parcels, load_sensitive};
use parkplan::spatial::ParkGeometry;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

const LON0: f64 = 120.87;
const LAT0: f64 = 27.96;
const DLAT: f64 = 1.0 / 110_800.0;
const DLON: f64 = 1.0 / 98_400.0;
const KINDS: [&str; 5] = [
    "residential",
    "school",
    "hospital",
    "wetland",
    "water_source",
];

fn pos(s: &mut String, x: f64, y: f64) {
    write!(s, "[{:.7},{:.7}]", LON0 + x * DLON, LAT0 + y * DLAT).unwrap();
}

/// Parcels on a road grid (rectangles 60-150 m a side, 160 m pitch), sensitive areas as
/// irregular 8-16-gons (radius 40-300 m) scattered over the same square.
fn generate(dir: &Path, n_parcels: usize, n_sensitive: usize) {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let side = (n_parcels as f64).sqrt().ceil() as usize;
    let pitch = 160.0;
    let half = side as f64 * pitch / 2.0;
    let mut s = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..n_parcels {
        let (gx, gy) = (
            (i % side) as f64 * pitch - half,
            (i / side) as f64 * pitch - half,
        );
        let (w, h) = (rng.random_range(60.0..150.0), rng.random_range(60.0..150.0));
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"type":"Feature","properties":{{"id":"P{i:06}","land_use":"M1","status":"available"}},"geometry":{{"type":"Polygon","coordinates":[["#).unwrap();
        for (k, (x, y)) in [
            (gx, gy),
            (gx + w, gy),
            (gx + w, gy + h),
            (gx, gy + h),
            (gx, gy),
        ]
        .into_iter()
        .enumerate()
        {
            if k > 0 {
                s.push(',');
            }
            pos(&mut s, x, y);
        }
        s.push_str("]]}}");
    }
    s.push_str("]}\n");
    std::fs::write(dir.join("parcels.geojson"), s).unwrap();
    let mut s = String::from(r#"{"type":"FeatureCollection","features":["#);
    for i in 0..n_sensitive {
        let (cx, cy) = (rng.random_range(-half..half), rng.random_range(-half..half));
        let r = rng.random_range(40.0..300.0);
        let n = rng.random_range(8..17);
        if i > 0 {
            s.push(',');
        }
        write!(s, r#"{{"type":"Feature","properties":{{"id":"S{i:05}","kind":"{}"}},"geometry":{{"type":"Polygon","coordinates":[["#, KINDS[i % 5]).unwrap();
        let mut first = String::new();
        for k in 0..n {
            let t = k as f64 / n as f64 * std::f64::consts::TAU;
            let rr = r * rng.random_range(0.6..1.0);
            let mut p = String::new();
            pos(&mut p, cx + rr * t.cos(), cy + rr * t.sin());
            if k == 0 {
                first = p.clone();
            } else {
                s.push(',');
            }
            s.push_str(&p);
        }
        s.push(',');
        s.push_str(&first);
        s.push_str("]]}}");
    }
    s.push_str("]}\n");
    std::fs::write(dir.join("sensitive.geojson"), s).unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n_parcels: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let n_sensitive: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/spatial");
    std::fs::create_dir_all(&dir).unwrap();
    let t = Instant::now();
    generate(&dir, n_parcels, n_sensitive);
    eprintln!(
        "generated {n_parcels} parcels, {n_sensitive} sensitive polygons in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let (parcels, _) = load_parcels(&dir.join("parcels.geojson")).unwrap();
    let kinds = KINDS.iter().map(|k| k.to_string()).collect();
    let (sensitive, _) = load_sensitive(&dir.join("sensitive.geojson"), &kinds).unwrap();
    let load_s = t.elapsed().as_secs_f64();

    let mut times = Vec::new();
    let mut result = None;
    for _ in 0..5 {
        let t = Instant::now();
        let g = ParkGeometry::new(&parcels, &sensitive);
        let near = g.nearest_all();
        times.push(t.elapsed().as_secs_f64());
        result = Some((g, near));
    }
    let (g, near) = result.unwrap();
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("rust_nearest.csv")).unwrap());
    writeln!(out, "parcel,kind,area,distance_m").unwrap();
    for (i, row) in near.iter().enumerate() {
        for (k, n) in row.iter().enumerate() {
            if let Some(n) = n {
                writeln!(
                    out,
                    "{},{},{},{:.6}",
                    parcels[i].id, g.kinds[k], sensitive[n.area].id, n.distance_m
                )
                .unwrap();
            }
        }
    }
    out.flush().unwrap();
    let (lon0, lat0) = g.frame.origin();
    println!(
        "spatial rust: {} parcels x {} sensitive ({} kinds), {} threads: load {:.2} s; project+index+nearest median {:.3} s (runs {:?}); frame origin {lon0:.9} {lat0:.9}",
        parcels.len(),
        sensitive.len(),
        g.kinds.len(),
        rayon::current_num_threads(),
        load_s,
        median(times.clone()),
        times
            .iter()
            .map(|t| (t * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>()
    );
}
