//! Plot-mode benchmark: 5,000 enterprises x 20,000 parcels, allocated exactly.
//!
//! `cargo bench --bench assign [-- ENTERPRISES PARCELS]` builds a seeded park (road grid,
//! clusters, M1/M2, 10% occupied, 300 sensitive areas) and candidates, runs the whole plot-mode
//! allocation once (spatial index, feasible pairs, matching, certificate, reasons) with every
//! feasible pair listed and once listing only each enterprise's best parcels (checking both
//! give the same optimum and assignments), then times
//! the matching alone (median of 3) and writes its input, the feasible pairs, to
//! `target/bench-data/assign/<E>x<P>/pairs.bin` (little-endian i32 row, i32 column, i64 weight in 1e-6
//! units) with `meta.json`. `python3 benches/assign_ortools.py target/bench-data/assign/<E>x<P>` solves
//! the same pairs with OR-Tools' min-cost flow and compares the optimum.

use geo::{GeodesicArea, MultiPolygon, polygon};
use parkplan::allocate::matching::{Graph, certify, max_weight_matching};
use parkplan::allocate::{Mode, Problem, allocate};
use parkplan::model::{
    Candidate, CandidateKind, LandUse, M2_PER_MU, Parcel, ParcelStatus, Park, PollutionClass,
    SensitiveArea,
};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

const LON0: f64 = 120.87;
const LAT0: f64 = 27.96;
const DLAT: f64 = 1.0 / 110_800.0;
const DLON: f64 = 1.0 / 98_400.0;
const CLUSTERS: [&str; 5] = [
    "general",
    "electronics",
    "biomedicine",
    "mechatronics",
    "pharma_equipment",
];
const KINDS: [&str; 5] = [
    "residential",
    "school",
    "hospital",
    "wetland",
    "water_source",
];

fn rect(x: f64, y: f64, w: f64, h: f64) -> geo::Polygon<f64> {
    let (x0, y0, x1, y1) = (
        LON0 + x * DLON,
        LAT0 + y * DLAT,
        LON0 + (x + w) * DLON,
        LAT0 + (y + h) * DLAT,
    );
    polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)]
}

fn scenario(n_cand: usize, n_parcels: usize) -> (Park, Vec<Candidate>) {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let side = (n_parcels as f64).sqrt().ceil() as usize;
    let pitch = 420.0;
    let half = side as f64 * pitch / 2.0;
    let parcels: Vec<Parcel> = (0..n_parcels)
        .map(|i| {
            // Log-uniform 10-200 mu: side lengths from the area with a random aspect ratio.
            let mu = 10f64 * 20f64.powf(rng.random_range(0.0..1.0));
            let aspect = rng.random_range(0.6..1.6);
            let m2 = mu * M2_PER_MU;
            let (w, h) = ((m2 * aspect).sqrt(), (m2 / aspect).sqrt());
            let (x, y) = (
                (i % side) as f64 * pitch - half,
                (i / side) as f64 * pitch - half,
            );
            let geometry = MultiPolygon(vec![rect(x, y, w, h)]);
            let area_m2 = geometry.geodesic_area_unsigned();
            let cluster = if rng.random_range(0.0..1.0) < 0.3 {
                "general"
            } else {
                CLUSTERS[rng.random_range(1..5)]
            };
            Parcel {
                index: i,
                id: format!("P{i:05}"),
                land_use: if rng.random_range(0..2) == 0 {
                    LandUse::M1
                } else {
                    LandUse::M2
                },
                cluster: cluster.into(),
                status: if rng.random_range(0..10) == 0 {
                    ParcelStatus::Occupied
                } else {
                    ParcelStatus::Available
                },
                occupant: None,
                max_far: None,
                geometry,
                area_mu: area_m2 / M2_PER_MU,
                area_m2,
                properties: Default::default(),
            }
        })
        .collect();
    let sensitive: Vec<SensitiveArea> = (0..300)
        .map(|i| {
            let (x, y) = (rng.random_range(-half..half), rng.random_range(-half..half));
            let s = rng.random_range(100.0..600.0);
            SensitiveArea {
                index: i,
                id: format!("S{i:03}"),
                name: None,
                kind: KINDS[i % 5].into(),
                geometry: geo::Geometry::Polygon(rect(x, y, s, s)),
                properties: Default::default(),
            }
        })
        .collect();
    let candidates: Vec<Candidate> = (0..n_cand)
        .map(|i| Candidate {
            id: format!("E{i:05}"),
            name: format!("enterprise {i}"),
            industry_code: None,
            cluster: if rng.random_range(0.0..1.0) < 0.2 {
                "general".into()
            } else {
                CLUSTERS[rng.random_range(1..5)].into()
            },
            pollution_class: if rng.random_range(0..5) == 0 {
                PollutionClass::Moderate
            } else {
                PollutionClass::Light
            },
            requested_mu: Some(
                (10f64 * 15f64.powf(rng.random_range(0.0..1.0)) * 100.0).round() / 100.0,
            ),
            priority: (rng.random_range(1.0..6.0f64) * 100.0).round() / 100.0,
            kind: CandidateKind::Admitted,
            site: None,
        })
        .collect();
    (
        Park {
            parcels,
            sensitive,
            warnings: vec![],
        },
        candidates,
    )
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let n_cand: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(5_000);
    let n_parcels: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data/assign")
        .join(format!("{n_cand}x{n_parcels}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (park, candidates) = scenario(n_cand, n_parcels);
    let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();

    let t = Instant::now();
    let a = allocate(&Problem::new(&park, &candidates, &rules, Mode::Plots)).unwrap();
    let total = t.elapsed().as_secs_f64();
    println!(
        "allocate end to end: {:.3} s ({} feasible pairs; spatial {:.0} ms, feasibility {:.0} ms, matching {:.0} ms, certificate {:.0} ms); objective {:.6} bound {:.6} gap {} ; {} assigned, {} unplaced",
        total,
        a.feasible.len(),
        a.timings.spatial_ms,
        a.timings.feasibility_ms,
        a.timings.solve_ms,
        a.timings.certify_ms,
        a.objective,
        a.bound,
        a.gap,
        a.assignments.len(),
        a.unplaced.len()
    );

    // The same allocation listing only each enterprise's best parcels (what `plan` does above
    // `MAX_LISTED_PAIRS`): same optimum, same assignments, far fewer pairs.
    let t = Instant::now();
    let s = allocate(
        &Problem::new(&park, &candidates, &rules, Mode::Plots)
            .listing(0, parkplan::allocate::FIRST_LISTED),
    )
    .unwrap();
    println!(
        "allocate listing best parcels only: {:.3} s ({} of {} pairs listed, {:.1}%; feasibility {:.0} ms, matching {:.0} ms, certificate {:.0} ms); objective {:.6} gap {}; same optimum as every pair: {}, same assignments: {}",
        t.elapsed().as_secs_f64(),
        s.feasible.listed(),
        s.feasible.len(),
        100.0 * s.feasible.listed() as f64 / s.feasible.len().max(1) as f64,
        s.timings.feasibility_ms,
        s.timings.solve_ms,
        s.timings.certify_ms,
        s.objective,
        s.gap,
        s.objective == a.objective && s.bound == a.bound,
        s.assignments == a.assignments
    );

    // The matching alone, on exactly the pairs OR-Tools gets.
    let g = Graph {
        rows: n_cand,
        cols: n_parcels,
        start: a.feasible.start.clone(),
        edges: a.feasible.pairs.clone(),
    };
    let mut times = Vec::new();
    let mut m = None;
    for _ in 0..3 {
        let t = Instant::now();
        m = Some(max_weight_matching(&g));
        times.push(t.elapsed().as_secs_f64());
    }
    let m = m.unwrap();
    let (obj, bound) = certify(&g, &m).unwrap();
    times.sort_by(f64::total_cmp);
    println!(
        "matching rust: {} x {}, {} pairs: median {:.3} s (runs {:?}); objective {} bound {} (1e-6 units)",
        n_cand,
        n_parcels,
        g.edges.len(),
        times[1],
        times
            .iter()
            .map(|t| (t * 1000.0).round() / 1000.0)
            .collect::<Vec<_>>(),
        obj,
        bound
    );
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.join("pairs.bin")).unwrap());
    for i in 0..g.rows {
        for &(j, w) in g.row(i) {
            out.write_all(&(i as i32).to_le_bytes()).unwrap();
            out.write_all(&(j as i32).to_le_bytes()).unwrap();
            out.write_all(&w.to_le_bytes()).unwrap();
        }
    }
    out.flush().unwrap();
    std::fs::write(
        dir.join("meta.json"),
        format!(
            r#"{{"rows":{},"cols":{},"pairs":{},"objective":{},"rust_matching_median_s":{:.6}}}"#,
            g.rows,
            g.cols,
            g.edges.len(),
            obj,
            times[1]
        ),
    )
    .unwrap();
}
