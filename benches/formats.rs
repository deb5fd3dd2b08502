//! Loading 100,000 parcels as GeoJSON, Shapefile and GeoPackage: the same parcels (`parkplan
//! gen`'s generator, seed 1), the Shapefile (GBK attribute table, EPSG:4549) and GeoPackage
//! (EPSG:4490) made from the GeoJSON by GDAL's ogr2ogr (needs gdal-bin), each loaded with full
//! validation and conversion to WGS84 by `parkplan::io::load_parcels`. Prints the median of 5.
//!
//!     cargo bench --bench formats [-- PARCELS]

use parkplan::io::{self, MapOptions};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time(path: &Path, n: usize) -> f64 {
    let runs = (0..5)
        .map(|_| {
            let t = Instant::now();
            let (parcels, _, _) = io::load_parcels(path, &MapOptions::default()).expect("loads");
            assert_eq!(parcels.len(), n);
            t.elapsed().as_secs_f64()
        })
        .collect();
    median(runs)
}

fn ogr2ogr(args: &[&str]) {
    let ok = Command::new("ogr2ogr")
        .args(args)
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "ogr2ogr failed or is missing (apt-get install gdal-bin)"
    );
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = Path::new("target/bench-data/formats");
    std::fs::create_dir_all(dir).unwrap();
    let gj = dir.join(format!("parcels-{n}.geojson"));
    let shp = dir.join(format!("parcels-{n}.shp"));
    let gpkg = dir.join(format!("parcels-{n}.gpkg"));
    if !gj.exists() {
        let size = parkplan::synthetic::Size {
            parcels: n,
            sensitive: 10,
        };
        let (parcels, sensitive) = parkplan::synthetic::park(size, 1).unwrap();
        io::geojson::write_park(&gj, &dir.join("sensitive.geojson"), &parcels, &sensitive).unwrap();
    }
    let src = gj.to_str().unwrap();
    if !shp.exists() {
        ogr2ogr(&[
            "-f",
            "ESRI Shapefile",
            shp.to_str().unwrap(),
            src,
            "-t_srs",
            "EPSG:4549",
            "-lco",
            "ENCODING=GBK",
        ]);
    }
    if !gpkg.exists() {
        ogr2ogr(&[
            "-f",
            "GPKG",
            gpkg.to_str().unwrap(),
            src,
            "-t_srs",
            "EPSG:4490",
        ]);
    }
    let mb = |p: &Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1e6);
    let shp_mb = mb(&shp) + mb(&shp.with_extension("dbf"));
    let g = time(&gj, n);
    let s = time(&shp, n);
    let k = time(&gpkg, n);
    println!("load {n} parcels, median of 5 (validated, converted to WGS84):");
    println!("  GeoJSON (WGS84, {:.0} MB)            {g:.3} s", mb(&gj));
    println!(
        "  Shapefile (EPSG:4549, GBK, {shp_mb:.0} MB)  {s:.3} s  ({:.2}x GeoJSON's time)",
        s / g
    );
    println!(
        "  GeoPackage (EPSG:4490, {:.0} MB)       {k:.3} s  ({:.2}x GeoJSON's time)",
        mb(&gpkg),
        k / g
    );
}
