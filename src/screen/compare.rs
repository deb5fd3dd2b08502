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
