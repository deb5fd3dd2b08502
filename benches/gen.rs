//! Generator benchmark: the 1,000,000-row applicant registry and the 100,000-parcel /
//! 10,000-sensitive-polygon park of `parkplan gen`. Run with `cargo bench --bench gen`; prints
//! the median of 3 runs of each.
//!
//! Peer: the same rows (same chunks, same seed) written one chunk at a time through the project's
//! own CSV writer, `io::enterprises::write_enterprises` (the csv crate, one String per cell), on
//! one thread. The generator's path is timed both on one thread (the writer alone) and on all
//! cores (chunks made and formatted in parallel).

use parkplan::synthetic::{self, CHUNK_ROWS, RowKind, Size};
use std::time::Instant;

fn median(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..3 {
        let start = Instant::now();
        out = f();
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[1], out)
}

fn main() {
    let n = 1_000_000;
    let fast = || {
        let mut sink = Vec::with_capacity(170 << 20);
        synthetic::write_registry(&mut sink, RowKind::Applicants, n, 1, &|_| ()).unwrap();
        sink.len()
    };
    let (t_par, bytes) = median(fast);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (t_one, bytes_one) = median(|| one.install(fast));
    let (t_peer, bytes_peer) = median(|| {
        let mut total = 0;
        let mut buf = Vec::new();
        for c in 0..n.div_ceil(CHUNK_ROWS) {
            let rows = synthetic::registry_chunk(RowKind::Applicants, n, 1, c);
            buf.clear();
            parkplan::io::enterprises::write_enterprises(&mut buf, &rows).unwrap();
            total += buf.len();
        }
        total
    });
    assert_eq!(bytes, bytes_one);
    println!(
        "1,000,000 applicant rows ({:.0} MB), median of 3:",
        bytes as f64 / 1e6
    );
    println!(
        "  gen, {} threads   {t_par:.2} s",
        rayon::current_num_threads()
    );
    println!("  gen, 1 thread     {t_one:.2} s");
    println!(
        "  peer write_enterprises, 1 thread {t_peer:.2} s ({} bytes incl. repeated headers)",
        bytes_peer
    );
    println!(
        "  ratio peer / gen 1 thread {:.2}, peer / gen all threads {:.2}",
        t_peer / t_one,
        t_peer / t_par
    );

    let (t_park, features) = median(|| {
        let (parcels, sensitive) = synthetic::park(
            Size {
                parcels: 100_000,
                sensitive: 10_000,
            },
            1,
        )
        .unwrap();
        let mut sink = Vec::new();
        let fc = parkplan::io::geojson::parcels_to_geojson(&parcels, |_, _| Default::default());
        parkplan::io::geojson::write_feature_collection(&mut sink, &fc).unwrap();
        parkplan::io::geojson::write_feature_collection(
            &mut sink,
            &parkplan::io::geojson::sensitive_to_geojson(&sensitive),
        )
        .unwrap();
        parcels.len() + sensitive.len()
    });
    println!(
        "100,000 parcels + 10,000 sensitive polygons ({features} features) made and written: {t_park:.2} s"
    );
}
