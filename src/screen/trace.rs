//! The full trace of one enterprise: every criterion, every test evaluated, the measured value,
//! threshold, tier, reason and remedy, for the JSON output and `--explain`.

use super::decide::{CritResult, margins, run_criterion, screen_one};
use super::format::{atom_unit, fmt_value, missing_remedy, missing_text, threshold_text};
use super::remedy::remedy;
use super::row::EntRow;
use super::{Decision, Outcome, Status};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::admission::{CompiledCriterion, Criterion, Severity};
use crate::rules::expr::{Atom, Missing, Recorded, Value};
use chrono::NaiveDate;
use serde::Serialize;

/// One enterprise's full trace: what officials hand to the enterprise and to an auditor.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub id: String,
    pub name: String,
    pub decision: Decision,
    pub score: Option<f64>,
    /// Required and conditional criteria not passed.
    pub failed: Vec<String>,
    pub criteria: Vec<CriterionTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionTrace {
    pub id: String,
    pub severity: Severity,
    /// Descriptions (left out of each row of the JSON output, which lists them once).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub zh: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub en: String,
    /// The document its threshold comes from (its own `source`, else the `[admission]`
    /// section's); left out like the descriptions.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    pub status: Status,
    /// The tier that applied, for a tiered criterion.
    pub tier: Option<String>,
    /// The measured value of the deciding test, formatted with its unit.
    pub value: Option<String>,
    /// The threshold it was held to, with the comparison, e.g. ">= 5.0%".
    pub threshold: Option<String>,
    /// The same two numbers unformatted (a ratio as a fraction), when both are numbers.
    pub measured_number: Option<f64>,
    pub threshold_number: Option<f64>,
    /// Why it could not be decided (not reported, not computable, no tier).
    pub reason: Option<String>,
    /// The smallest change that would pass it, in its own units.
    pub remedy: Option<String>,
    /// Every test evaluated, in order.
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub test: String,
    pub value: String,
    pub threshold: String,
    pub result: String,
}

/// A recorded test's result in words.
fn result_text(v: &Value) -> String {
    match v {
        Value::Bool(true) => "pass".into(),
        Value::Bool(false) => "fail".into(),
        Value::Missing(Missing::NotReported(_)) => "not reported".into(),
        _ => "not computable".into(),
    }
}

/// The full trace of one enterprise: every criterion, every test, value, threshold, remedy.
pub fn trace(e: &Enterprise, rules: &RuleSet, date: NaiveDate) -> Trace {
    let adm = &rules.admission;
    let margins = margins(rules);
    let mut outs: Vec<Outcome> = Vec::new();
    let (decision, score) = screen_one(e, rules, &margins, date, &mut outs);
    let row = EntRow { e, rules };
    let mut criteria = Vec::new();
    let mut failed = Vec::new();
    for ((c, cc), o) in adm.criteria().iter().zip(adm.compiled()).zip(&outs) {
        if o.status.is_failure() && c.severity != Severity::Preferred {
            failed.push(c.id.clone());
        }
        let mut t = trace_criterion(c, cc, o.status, &row, date);
        t.source = adm.source_of(c).unwrap_or("").to_string();
        criteria.push(t);
    }
    Trace {
        id: e.id.clone(),
        name: e.name.clone(),
        decision,
        score,
        failed,
        criteria,
    }
}

/// Re-run one criterion with every test recorded, and describe it: the status the fast path
/// gave it, the deciding test's value and threshold, the tier, the reason and the remedy.
fn trace_criterion(
    c: &Criterion,
    cc: &CompiledCriterion,
    status: Status,
    row: &EntRow,
    date: NaiveDate,
) -> CriterionTrace {
    let mut rec: Vec<Recorded> = Vec::new();
    let res = run_criterion(cc, row, date, &mut rec);
    let tier_idx = match res {
        CritResult::Tested { tier, .. } => tier,
        _ => None,
    };
    let branch = match res {
        CritResult::Tested { tier, .. } => cc.branches.get(tier.unwrap_or(0)),
        _ => None,
    };
    let atoms: &[Atom] = branch.map_or(&[], |b| &b.test.atoms);
    let checks = checks(&rec, atoms);
    // The deciding test: the first that did not pass, else the first.
    let decisive = rec
        .iter()
        .find(|r| r.result != Value::Bool(true))
        .or(rec.first());
    let (value, threshold) = match decisive {
        Some(r) => (
            Some(fmt_value(&r.lhs, atom_unit(&atoms[r.atom]))),
            Some(threshold_text(&atoms[r.atom], &r.rhs)),
        ),
        None => (None, None),
    };
    let (measured_number, threshold_number) = match decisive {
        Some(Recorded {
            lhs: Value::Num(a),
            rhs: Value::Num(b),
            ..
        }) => (Some(*a), Some(*b)),
        _ => (None, None),
    };
    let (reason, remedy_text) = reason_and_remedy(&res, status, &rec, atoms, row);
    CriterionTrace {
        id: c.id.clone(),
        severity: c.severity,
        zh: c.zh.clone(),
        en: c.en.clone(),
        source: String::new(),
        status,
        tier: tier_idx.and_then(|i| cc.branches[i].label.clone()),
        value,
        threshold,
        measured_number,
        threshold_number,
        reason,
        remedy: remedy_text,
        checks,
    }
}

/// Every recorded test of a criterion as a [`Check`]: the test as written, its value,
/// threshold and result.
fn checks(rec: &[Recorded], atoms: &[Atom]) -> Vec<Check> {
    rec.iter()
        .map(|r| {
            let a = &atoms[r.atom];
            Check {
                test: format!("{} {} {}", a.lhs_text, a.op.symbol(), a.rhs_text),
                value: fmt_value(&r.lhs, atom_unit(a)),
                threshold: threshold_text(a, &r.rhs),
                result: result_text(&r.result),
            }
        })
        .collect()
}

/// Why a criterion could not be decided (no tier, an input missing), and what it would take
/// to pass it: report the input, or the remedies of every failed test, `;`-separated.
fn reason_and_remedy(
    res: &CritResult,
    status: Status,
    rec: &[Recorded],
    atoms: &[Atom],
    row: &EntRow,
) -> (Option<String>, Option<String>) {
    match (res, status) {
        (CritResult::NoTier, _) => (Some("no tier applies 无适用档次".to_string()), None),
        (
            CritResult::Tested {
                value: Value::Missing(why),
                ..
            },
            _,
        ) => (Some(missing_text(why)), Some(missing_remedy(why))),
        (_, Status::Fail) => {
            let fixes: Vec<String> = rec
                .iter()
                .filter(|r| r.result == Value::Bool(false))
                .filter_map(|r| remedy(&atoms[r.atom], &r.lhs, &r.rhs, row))
                .collect();
            (None, (!fixes.is_empty()).then(|| fixes.join("; ")))
        }
        _ => (None, None),
    }
}
