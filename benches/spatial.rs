//! Spatial benchmark: per-parcel nearest sensitive area of each kind (exact polygon-to-polygon
//! distance in the metric frame) for 100,000 parcels and 10,000 sensitive polygons.
//!
//! `cargo bench --bench spatial [-- PARCELS SENSITIVE]` writes the data set with the project's
//! own generator (`synthetic::park`, as `parkplan gen` does, seed 7) to
//! `target/bench-data/spatial/`, loads it with the project's loaders, then times projection +
//! R-tree bulk load + all nearest queries (median of 5 runs) and writes the distances to
//! `rust_nearest.csv`. `python3 benches/spatial_geopandas.py target/bench-data/spatial` does the
//! same with geopandas/shapely STRtree on the same files and compares the distances.

use parkplan::io::geojson::write_park;
use parkplan::io::geojson::{load_parcels, load_sensitive};
use parkplan::spatial::ParkGeometry;
use parkplan::synthetic::{Size, park};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

const KINDS: [&str; 5] = [
    "residential",
    "school",
    "hospital",
    "wetland",
    "water_source",
];

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
    let size = Size {
        parcels: n_parcels,
        sensitive: n_sensitive,
    };
    let (parcels, sensitive) = park(size, 7).expect("a size the generator takes");
    write_park(
        &dir.join("parcels.geojson"),
        &dir.join("sensitive.geojson"),
        &parcels,
        &sensitive,
    )
    .expect("bench data written");
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
