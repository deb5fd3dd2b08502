//! Comparing rule sets: which enterprises change decision between two screenings of the same
//! enterprises, and which criteria moved.

use super::{Decision, ScreenReport, Status};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use serde::Serialize;

/// An enterprise whose decision differs between two rule sets, and the criteria that moved.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: String,
    pub name: String,
    pub before: Decision,
    pub after: Decision,
    /// e.g. `rd_intensity: fail -> pass`, `catalogue: (absent) -> pass`.
    pub why: Vec<String>,
}

/// Which enterprises change decision between screening `a` under `rules_a` and `b` under
/// `rules_b` (same enterprises, same order), and why.
pub fn compare(
    a: &ScreenReport,
    rules_a: &RuleSet,
    b: &ScreenReport,
    rules_b: &RuleSet,
    enterprises: &[Enterprise],
) -> Vec<Change> {
    let mut ids: Vec<&str> = a.criteria.iter().map(String::as_str).collect();
    for c in &b.criteria {
        if !ids.contains(&c.as_str()) {
            ids.push(c);
        }
    }
    let status = |r: &ScreenReport, rules: &RuleSet, i: usize, id: &str| {
        rules
            .admission
            .position(id)
            .map(|k| r.outcomes(i)[k].status)
    };
    a.rows
        .iter()
        .zip(&b.rows)
        .enumerate()
        .filter(|(_, (x, y))| x.decision != y.decision)
        .map(|(i, (x, y))| {
            let why = ids
                .iter()
                .filter_map(|id| {
                    let (s, t) = (status(a, rules_a, i, id), status(b, rules_b, i, id));
                    (s != t).then(|| {
                        let f = |s: Option<Status>| s.map_or("(absent)", Status::name);
                        format!("{id}: {} -> {}", f(s), f(t))
                    })
                })
                .collect();
            Change {
                id: x.id.clone(),
                name: enterprises[x.index].name.clone(),
                before: x.decision,
                after: y.decision,
                why,
            }
        })
        .collect()
}

/// `version@hash12` of a screening's rule set, as the comparison table names it.
fn rules_tag(r: &ScreenReport) -> String {
    format!(
        "{}@{}",
        r.rules_version,
        &r.rules_hash[..r.rules_hash.len().min(12)]
    )
}

/// The changes as CSV: `id,name,before,after,why,rules_before,rules_after`.
pub fn write_changes_csv(
    w: &mut dyn std::io::Write,
    a: &ScreenReport,
    b: &ScreenReport,
    changes: &[Change],
) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "id",
        "name",
        "before",
        "after",
        "why",
        "rules_before",
        "rules_after",
    ])?;
    let (ra, rb) = (rules_tag(a), rules_tag(b));
    for c in changes {
        use crate::io::cell::neutralise;
        out.write_record([
            neutralise(&c.id).as_ref(),
            &neutralise(&c.name),
            c.before.name(),
            c.after.name(),
            &neutralise(&c.why.join("; ")),
            &neutralise(&ra),
            &neutralise(&rb),
        ])?;
    }
    out.flush()
}

/// The changes as JSON, with both rule sets' version and hash and the date.
pub fn write_changes_json(
    w: &mut dyn std::io::Write,
    a: &ScreenReport,
    b: &ScreenReport,
    changes: &[Change],
) -> std::io::Result<()> {
    let v = serde_json::json!({
        "before": { "rules_version": a.rules_version, "rules_sha256": a.rules_hash },
        "after": { "rules_version": b.rules_version, "rules_sha256": b.rules_hash },
        "date": a.date.to_string(),
        "changes": changes,
    });
    serde_json::to_writer_pretty(&mut *w, &v).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// "3 of 80 enterprises change decision from rules A (sha256 …) to B (sha256 …)".
pub fn changes_line(changes: &[Change], n: usize, a: &RuleSet, b: &RuleSet) -> String {
    format!(
        "{} of {n} enterprises change decision from rules {} (sha256 {}) to {} (sha256 {})",
        changes.len(),
        a.version,
        a.short_hash(),
        b.version,
        b.short_hash()
    )
}
