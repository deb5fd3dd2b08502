//! Province-size allocation: 1,000,000 parcels, 100,000 sensitive areas, 150,000 candidates,
//! plot mode, exact.
//!
//! `cargo bench --bench province [-- PARCELS SENSITIVE CANDIDATES [MAX_LISTED FIRST] [--blocks]]`
//! (`--blocks`: block mode, e.g. `-- 13000 1300 2718 --blocks`) builds the park with the
//! project's generator (`synthetic::park`, what `parkplan gen` writes, seed 1) and candidates from
//! its applicant generator (cluster from the rule file's industry table, the generated pollution
//! class, request and planned FAR, a seeded priority of 1 to 6), then runs the whole plot-mode
//! allocation once — spatial index, feasibility funnels, the matching with its rows listing each
//! enterprise's best parcels, the certificate, reasons — and prints each step's time, the pairs
//! listed against the feasible pairs, the optimum and its gap, and the peak resident memory
//! (`VmHWM`) before and after. `MAX_LISTED FIRST` set `Problem::listing` (defaults
//! `MAX_LISTED_PAIRS`, `FIRST_LISTED`).

use parkplan::allocate::{Mode, Problem, allocate};
use parkplan::model::{Candidate, CandidateKind, Park, PollutionClass};
use parkplan::synthetic::{Size, applicant, park};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;
use std::time::Instant;

/// Peak resident memory so far, from `/proc/self/status`.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n_parcels = args.first().copied().unwrap_or(1_000_000);
    let n_sensitive = args.get(1).copied().unwrap_or(100_000);
    let n_cand = args.get(2).copied().unwrap_or(150_000);
    let max_listed = args
        .get(3)
        .copied()
        .unwrap_or(parkplan::allocate::MAX_LISTED_PAIRS);
    let first = args
        .get(4)
        .copied()
        .unwrap_or(parkplan::allocate::FIRST_LISTED);
    let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();

    let t = Instant::now();
    let (parcels, sensitive) = park(
        Size {
            parcels: n_parcels,
            sensitive: n_sensitive,
        },
        1,
    )
    .expect("a size the generator takes");
    let park = Park {
        parcels,
        sensitive,
        warnings: vec![],
    };
    let mut r = ChaCha8Rng::seed_from_u64(1);
    let mut name = String::new();
    let mut far = BTreeMap::new();
    let candidates: Vec<Candidate> = (0..n_cand)
        .map(|i| {
            let e = applicant(&mut r, format!("E{i:07}"), i as u64 + 2, &mut name);
            if let Some(f) = e.planned_far {
                far.insert(e.id.clone(), f);
            }
            let priority = (r.random_range(1.0..6.0f64) * 100.0).round() / 100.0;
            let class = e.pollution_class.unwrap_or(PollutionClass::Light);
            Candidate::from_enterprise(
                &e,
                rules.clusters.cluster_for(e.industry_code.as_ref()),
                CandidateKind::Admitted,
                class,
                e.requested_mu,
                priority,
            )
        })
        .collect();
    println!(
        "generated {} parcels, {} sensitive areas, {} candidates in {:.1} s; peak RSS so far {:.0} MB",
        park.parcels.len(),
        park.sensitive.len(),
        candidates.len(),
        t.elapsed().as_secs_f64(),
        peak_rss_mb()
    );

    let t = Instant::now();
    let mode = if std::env::args().any(|a| a == "--blocks") {
        Mode::Blocks
    } else {
        Mode::Plots
    };
    let problem = Problem::new(&park, &candidates, &rules, mode)
        .planned_far(far)
        .listing(max_listed, first);
    let a = allocate(&problem).expect("the allocation runs");
    let wall = t.elapsed().as_secs_f64();
    let ms = &a.timings;
    println!(
        "allocate: {wall:.1} s wall (spatial {:.1} s, feasibility {:.1} s, matching {:.1} s, certificate {:.2} s, reasons and options {:.1} s)",
        ms.spatial_ms / 1e3,
        ms.feasibility_ms / 1e3,
        ms.solve_ms / 1e3,
        ms.certify_ms / 1e3,
        wall - (ms.spatial_ms + ms.feasibility_ms + ms.solve_ms + ms.certify_ms) / 1e3
    );
    println!(
        "pairs: {} feasible, {} listed ({:.2}%); {} assigned, {} unplaced",
        a.feasible.len(),
        a.feasible.listed(),
        100.0 * a.feasible.listed() as f64 / a.feasible.len().max(1) as f64,
        a.assignments.len(),
        a.unplaced.len()
    );
    println!(
        "{}: status {}: objective {:.6}, bound {:.6}, gap {}; peak RSS {:.0} MB",
        a.method,
        a.status,
        a.objective,
        a.bound,
        a.gap,
        peak_rss_mb()
    );
}
