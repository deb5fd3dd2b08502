//! Admission screening of park applicants: each enterprise is held to every criterion of the
//! rule set's `[admission]` section on an evaluation date, and gets a decision (`admit`,
//! `conditional`, `reject`), a priority score, and a trace an official can hand to the
//! enterprise: each criterion's result, measured value, threshold (and tier), and for a failed
//! one the smallest change that would pass it.
//!
//! [`screen`] is the fast path (compact outcomes, both cores); [`trace`] re-evaluates one
//! enterprise with every test recorded, for JSON output and `--explain`. Both run the same
//! compiled expressions, so they cannot disagree.

mod candidates;
mod compare;
mod decide;
mod format;
mod output;
mod remedy;
pub(crate) mod row;
mod trace;

pub use candidates::{Excluded, candidates, candidates_checked};
pub use compare::{Change, changes_line, compare, write_changes_csv, write_changes_json};
pub use format::{Val, fmt_num};
pub use output::{
    StreamedCsv, screen_csv_text, screen_csv_text_in, screened_line, write_csv, write_csv_in,
    write_explain, write_explain_in, write_json, write_trace_json,
};
pub use remedy::{Remedy, Step, Subject, Target};
pub use trace::{Check, CriterionTrace, Decisive, Trace, Why, trace};

use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::admission::Severity;
use chrono::NaiveDate;
use decide::{margins, screen_one};
use rayon::prelude::*;
use serde::Serialize;

/// The decision on one applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Admit,
    Conditional,
    Reject,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Admit => "admit",
            Decision::Conditional => "conditional",
            Decision::Reject => "reject",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Admit => "准入",
            Decision::Conditional => "有条件准入",
            Decision::Reject => "不予准入",
        }
    }
}

/// The result of one criterion for one enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// An input is empty: fails a required criterion, makes a conditional one conditional.
    NotReported,
    /// A ratio with a zero denominator (or a division by zero): fails like a missing value.
    NotComputable,
    /// The criterion's `when` does not hold for this enterprise.
    NotApplicable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotReported => "not reported",
            Status::NotComputable => "not computable",
            Status::NotApplicable => "not applicable",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Pass => "通过",
            Status::Fail => "不通过",
            Status::NotReported => "未填报",
            Status::NotComputable => "无法计算",
            Status::NotApplicable => "不适用",
        }
    }
    /// Whether the criterion counts against the applicant.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::Fail | Status::NotReported | Status::NotComputable
        )
    }
}

/// One criterion's outcome, compact: the status and the tier that applied (`u8::MAX`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub tier: u8,
}

/// One screened enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    pub id: String,
    /// Position in the enterprises given to [`screen`].
    pub index: usize,
    pub decision: Decision,
    /// Priority score of admitted and conditional applicants; `None` for rejected ones.
    pub score: Option<f64>,
}

/// The result of screening: one row per enterprise, in input order.
#[derive(Debug, Clone)]
pub struct ScreenReport {
    pub rules_version: String,
    /// SHA-256 of the rule file.
    pub rules_hash: String,
    pub date: NaiveDate,
    /// Criterion ids, in rule-file order; [`ScreenReport::outcomes`] follows it.
    pub criteria: Vec<String>,
    pub rows: Vec<Screened>,
    outcomes: Vec<Outcome>,
}

impl ScreenReport {
    /// Every criterion's outcome for row `i`, in the order of [`ScreenReport::criteria`].
    pub fn outcomes(&self, i: usize) -> &[Outcome] {
        let n = self.criteria.len();
        &self.outcomes[i * n..(i + 1) * n]
    }

    /// Ids of the required and conditional criteria row `i` did not pass (preferred ones only
    /// change the score).
    pub fn failed<'a>(
        &'a self,
        i: usize,
        rules: &'a RuleSet,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.outcomes(i)
            .iter()
            .zip(rules.admission.criteria())
            .filter(|(o, c)| o.status.is_failure() && c.severity != Severity::Preferred)
            .map(|(_, c)| c.id.as_str())
    }

    /// Row of an enterprise id.
    pub fn find(&self, id: &str) -> Option<&Screened> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Count of each decision: (admit, conditional, reject).
    pub fn counts(&self) -> (usize, usize, usize) {
        let c = |d| self.rows.iter().filter(|r| r.decision == d).count();
        (
            c(Decision::Admit),
            c(Decision::Conditional),
            c(Decision::Reject),
        )
    }
}

/// Screen every enterprise against the rule set's admission criteria on `date`.
///
/// Runs on all cores in chunks; the result is in input order and does not depend on the
/// number of threads.
///
/// ```
/// use parkplan::screen::{screen, trace, Decision};
/// let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
/// let csv = "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,hightech_revenue,staff,rd_staff,ip_count,pollution_class,violations,requested_mu,planned_investment,planned_far\n\
///            E1,温州甲科技,C3911,national,2027-01-01,3333.3,128.2,3000,100,10,2,light,0,20,8000,1.2\n";
/// let reg = parkplan::io::enterprises::read_enterprises("e.csv".as_ref(), csv).unwrap();
/// let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
/// let report = screen(&reg.enterprises, &rules, date);
/// assert_eq!(report.rows[0].decision, Decision::Reject);
/// assert_eq!(report.failed(0, &rules).collect::<Vec<_>>(), ["rd_intensity"]);
/// let t = trace(&reg.enterprises[0], &rules, date);
/// assert_eq!(t.criteria[2].remedy.as_deref(), Some("R&D expense +38.5 (10k yuan) to reach 5.0% of revenue"));
/// ```
pub fn screen(enterprises: &[Enterprise], rules: &RuleSet, date: NaiveDate) -> ScreenReport {
    let n = rules.admission.criteria().len();
    let margins = margins(rules);
    let parts: Vec<(Vec<Screened>, Vec<Outcome>)> = enterprises
        .par_chunks(4096)
        .enumerate()
        .map(|(k, chunk)| {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut outs = Vec::with_capacity(chunk.len() * n);
            for (j, e) in chunk.iter().enumerate() {
                let (decision, score) = screen_one(e, rules, &margins, date, &mut outs);
                rows.push(Screened {
                    id: e.id.clone(),
                    index: k * 4096 + j,
                    decision,
                    score,
                });
            }
            (rows, outs)
        })
        .collect();
    let mut rows = Vec::with_capacity(enterprises.len());
    let mut outcomes = Vec::with_capacity(enterprises.len() * n);
    for (r, o) in parts {
        rows.extend(r);
        outcomes.extend(o);
    }
    ScreenReport {
        rules_version: rules.version.clone(),
        rules_hash: rules.hash.clone(),
        date,
        criteria: rules
            .admission
            .criteria()
            .iter()
            .map(|c| c.id.clone())
            .collect(),
        rows,
        outcomes,
    }
}
