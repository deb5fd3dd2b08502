//! The robustness of a plan's decisions, measured on its outcome and written with its folder:
//! how stable each urban enterprise's class is ([`crate::rank::robustness`]) and what each
//! allocation decision rests on ([`crate::allocate::sensitivity`]).
//!
//! `plan` measures it by default: on the bundled scenario it adds well under a second, and the
//! rule file bounds it at scale (`ranking.robustness.max_evaluations`,
//! `allocation.sensitivity.max_pairs` and `max_resolves`); what a bound skips is written as a
//! note, never left out silently.

use super::Outcome;
use crate::allocate::sensitivity::{self, Sensitivity};
use crate::rank::robustness::{self as stability, RankRobustness};
use serde::Serialize;

/// `robustness.json`, and its tables.
pub const JSON: &str = "robustness.json";
pub const RANKING_CSV: &str = "robustness-ranking.csv";
pub const PRICES_CSV: &str = "robustness-prices.csv";
pub const NEXT_BEST_CSV: &str = "robustness-next-best.csv";
pub const PARCELS_CSV: &str = "robustness-parcels.csv";

/// Both halves of the measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Robustness {
    pub rules_version: String,
    pub rules_hash: String,
    /// `None` when the rule set does not rank (or the candidates were given).
    pub ranking: Option<RankRobustness>,
    pub allocation: Sensitivity,
}

/// Measure the robustness of `o`'s ranking and allocation.
pub fn measure(o: &Outcome) -> Robustness {
    let rules = &o.scenario.rules;
    let ranking = o
        .has_ranking()
        .then(|| stability::stability(&o.admission.roles.urban, rules, &o.admission.ranking));
    Robustness {
        rules_version: rules.version.clone(),
        rules_hash: rules.hash.clone(),
        ranking,
        allocation: sensitivity::sensitivity(&o.problem(), &o.allocation),
    }
}

/// One line for the progress output.
pub fn summary(r: &Robustness) -> String {
    let mut parts = Vec::new();
    if let Some(k) = &r.ranking {
        match &k.skipped {
            Some(why) => parts.push(format!("ranking skipped ({why})")),
            None => {
                let (c, w) = k.borderline_counts();
                parts.push(format!(
                    "{} draws, {c} borderline classes, {w} borderline on the weed-out line",
                    k.draws
                ));
            }
        }
    }
    let s = &r.allocation;
    let binding = s
        .prices
        .iter()
        .filter(|p| p.gain.is_some_and(|g| g > 0.0))
        .count();
    parts.push(format!(
        "{} constraint prices ({binding} binding), {} parcels, {} re-solves",
        s.prices.len(),
        s.parcels.len(),
        s.resolves
    ));
    if let Some(why) = &s.skipped {
        parts.push(why.clone());
    }
    parts.join("; ")
}

/// `robustness.json`.
pub fn write_json(w: &mut dyn std::io::Write, r: &Robustness) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, r)?;
    w.write_all(b"\n")
}

/// The ranking's table (when there is a ranking).
pub fn write_ranking_csv(w: &mut dyn std::io::Write, r: &Robustness) -> std::io::Result<()> {
    match &r.ranking {
        Some(k) => stability::write_csv(w, k),
        None => Ok(()),
    }
}
