//! The fuzzers' corpus (fuzz/corpus/<target>/) and the inputs that once crashed them
//! (fuzz/regressions/<target>/) replayed as ordinary tests: each must return, never panic.
//! The fuzz targets run the same bodies (fuzz/bodies.rs); README "Fuzzing" says how to fuzz.

#[path = "../fuzz/bodies.rs"]
mod bodies;

use std::path::Path;

/// Run `body` on every file of the target's corpus and regressions; how many ran.
fn replay(target: &str, body: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for dir in [
        root.join("corpus").join(target),
        root.join("regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        for f in files.iter().filter(|f| f.is_file()) {
            let bytes = std::fs::read(f).unwrap();
            let outcome = std::panic::catch_unwind(|| body(&bytes));
            assert!(outcome.is_ok(), "{target}: {} panicked", f.display());
            n += 1;
        }
    }
    n
}

#[test]
fn geojson_corpus_never_panics() {
    assert!(replay("geojson", bodies::geojson) >= 60);
}

#[test]
fn enterprise_corpus_never_panics() {
    assert!(replay("enterprises", bodies::enterprises) >= 3);
}

#[test]
fn rules_corpus_never_panics() {
    assert!(replay("rules", bodies::rules_file) >= 1);
}

#[test]
fn expression_corpus_never_panics() {
    assert!(replay("expr", bodies::expr) >= 10);
}
