//! What each fuzz target does with its input, shared by the fuzzers (fuzz_targets/*.rs) and by
//! the replay of the committed corpus as ordinary tests (tests/fuzz_corpus.rs), so a regression
//! on any corpus file fails `cargo test`. Every body must return (an `Err` is fine) and never
//! panic, overflow the stack or run for long, whatever the bytes.

use std::path::Path;
use std::sync::OnceLock;

/// The bundled rule set, loaded once.
fn rules() -> &'static parkplan::RuleSet {
    static RULES: OnceLock<parkplan::RuleSet> = OnceLock::new();
    RULES.get_or_init(|| {
        let text = include_str!("../rules/lingkun.toml");
        parkplan::rules::parse(Path::new("lingkun.toml"), text, String::new())
            .expect("the bundled rules load")
    })
}

/// Bytes as text the way loaders see it (UTF-8 decoding, BOM dropped); `None` when refused.
fn text(bytes: &[u8]) -> Option<String> {
    parkplan::io::decode_utf8(Path::new("fuzz"), bytes.to_vec()).ok()
}

/// GeoJSON parcels and sensitive areas from the same bytes.
pub fn geojson(bytes: &[u8]) {
    let Some(text) = text(bytes) else { return };
    let _ = parkplan::io::geojson::read_parcels(Path::new("p.geojson"), &text);
    let kinds = rules().allocation.sensitive_kinds();
    let _ = parkplan::io::geojson::read_sensitive(Path::new("s.geojson"), &text, &kinds);
}

/// An enterprise registry, screened and ranked when it loads.
pub fn enterprises(bytes: &[u8]) {
    let Some(text) = text(bytes) else { return };
    let Ok(reg) = parkplan::io::enterprises::read_enterprises(Path::new("e.csv"), &text) else {
        return;
    };
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let report = parkplan::screen::screen(&reg.enterprises, rules(), date);
    let mut out = Vec::new();
    let _ = parkplan::screen::write_csv(&mut out, &report, &reg.enterprises, rules());
    for e in reg.enterprises.iter().take(20) {
        let _ = parkplan::screen::trace(e, rules(), date);
    }
    let ranking = parkplan::rank::rank(&reg.enterprises, rules());
    let _ = parkplan::rank::write_csv(&mut out, &ranking);
}

/// A whole rule file.
pub fn rules_file(bytes: &[u8]) {
    let Some(text) = text(bytes) else { return };
    let _ = parkplan::rules::parse(Path::new("r.toml"), &text, String::new());
}

/// One criterion expression: compiled as the bundled rule set's `core_ip` criterion, and when
/// it compiles, every applicant of a small registry screened and traced with it (remedies
/// included).
pub fn expr(bytes: &[u8]) {
    let Ok(src) = std::str::from_utf8(bytes) else {
        return;
    };
    // A TOML literal string cannot hold a single quote or a line break.
    if src.contains(['\'', '\n', '\r']) {
        return;
    }
    let base = include_str!("../rules/lingkun.toml");
    let text = base.replacen("expr = 'ip_count >= 1'", &format!("expr = '{src}'"), 1);
    let Ok(rules) = parkplan::rules::parse(Path::new("r.toml"), &text, String::new()) else {
        return;
    };
    static REGISTRY: OnceLock<Vec<parkplan::Enterprise>> = OnceLock::new();
    let ents = REGISTRY.get_or_init(|| {
        let csv = include_str!("../registries/applicants.csv");
        let reg = parkplan::io::enterprises::read_enterprises(Path::new("a.csv"), csv).unwrap();
        reg.enterprises.into_iter().take(12).collect()
    });
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let _ = parkplan::screen::screen(ents, &rules, date);
    for e in ents {
        let _ = parkplan::screen::trace(e, &rules, date);
    }
}
