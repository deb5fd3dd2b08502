//! Screening a 1,000,000-row registry from an Excel workbook against the same rows as CSV.
//!
//! `cargo bench --bench excel -- [ROWS] [RUNS]` (default 1,000,000 rows, 3 runs). The applicant
//! registry is generated once, seeded (`parkplan gen`'s generator), into
//! `target/bench-data/excel/applicants-<ROWS>.csv`, and converted once into
//! `applicants-<ROWS>.xlsx` the way a bureau keeps it (`tests/common/excel.rs`: a merged title
//! above Chinese headers, Chinese values, date cells, shared strings as Excel writes them).
//! Then `parkplan screen` (the release binary) runs on each file in turn, RUNS times, and the
//! median wall and CPU time of each is printed with their ratio; the two outputs must be the
//! same bytes. The peer is the CSV run in the same process: the workbook path should take a
//! time of the same order.

#[path = "../tests/common/excel.rs"]
#[allow(dead_code)]
mod excel;

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let rows: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/excel");
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join(format!("applicants-{rows}.csv"));
    let xlsx = dir.join(format!("applicants-{rows}.xlsx"));
    if !csv.exists() {
        let mut buf = Vec::new();
        parkplan::synthetic::write_registry(
            &mut buf,
            parkplan::synthetic::RowKind::Applicants,
            rows,
            1,
            &|_| (),
        )
        .unwrap();
        std::fs::write(&csv, buf).unwrap();
    }
    if !xlsx.exists() {
        let t = std::time::Instant::now();
        let reg = parkplan::io::enterprises::load_enterprises(&csv).unwrap();
        let style = excel::Style {
            title: true,
            messy: false,
        };
        let bytes = excel::registry_xlsx(&reg.enterprises, "入园申请企业", style);
        std::fs::write(&xlsx, bytes).unwrap();
        eprintln!(
            "wrote {} in {:.1} s",
            xlsx.display(),
            t.elapsed().as_secs_f64()
        );
    }
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "{rows} rows: CSV {:.0} MB, workbook {:.0} MB",
        size(&csv),
        size(&xlsx)
    );
    let out = tempfile::tempdir().unwrap();
    let mut times: Vec<Vec<(f64, f64, u64)>> = vec![Vec::new(), Vec::new()];
    for _ in 0..runs {
        for (k, input) in [&csv, &xlsx].into_iter().enumerate() {
            times[k].push(screen(input, &out.path().join(format!("out-{k}.csv"))));
        }
    }
    let a = std::fs::read(out.path().join("out-0.csv")).unwrap();
    let b = std::fs::read(out.path().join("out-1.csv")).unwrap();
    assert!(a == b, "the CSV and the workbook screen differently");
    let median = |v: &mut Vec<(f64, f64, u64)>| {
        v.sort_by(|x, y| x.0.total_cmp(&y.0));
        v[v.len() / 2]
    };
    let (c, x) = (median(&mut times[0]), median(&mut times[1]));
    for (name, t) in [("CSV", c), ("xlsx", x)] {
        println!(
            "parkplan screen {name:<4} median of {runs}: {:6.2} s wall, {:6.2} s CPU, {} MB max resident",
            t.0,
            t.1,
            t.2 / 1024
        );
    }
    println!(
        "workbook / CSV: {:.1}x wall, {:.1}x CPU",
        x.0 / c.0,
        x.1 / c.1
    );
}

/// One `parkplan screen` of `input` into `out`: wall seconds, CPU seconds, max resident KB.
fn screen(input: &PathBuf, out: &Path) -> (f64, f64, u64) {
    let time = out.with_extension("time");
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%e %U %S %M", "-o"])
        .arg(&time)
        .arg(env!("CARGO_BIN_EXE_parkplan"))
        .args(["screen", "--date", "2026-11-26", "--enterprises"])
        .arg(input)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("/usr/bin/time runs parkplan");
    assert!(status.success(), "parkplan screen {}", input.display());
    let t = std::fs::read_to_string(&time).unwrap();
    let v: Vec<f64> = t
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    (v[0], v[1] + v[2], v[3] as u64)
}
