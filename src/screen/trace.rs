//! The full trace of one enterprise: every criterion, every test evaluated, the measured value,
//! threshold, tier, reason and remedy, for the JSON output and `--explain`.

use super::decide::{CritResult, margins, run_criterion, screen_one};
use super::format::{Val, atom_unit, fmt_value, missing_text, op_text, threshold_text};
use super::remedy::{Remedy, remedy};
use super::row::EntRow;
use super::{Decision, Outcome, Status};
use crate::i18n::{self, Lang};
use crate::metrics::metric;
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::admission::{CompiledCriterion, Criterion, Severity};
use crate::rules::expr::{Atom, AtomOp, MetricId, Missing, Recorded, Value};
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
    /// The smallest change that would pass it, in its own units (English; `;`-separated
    /// when several tests failed).
    pub remedy: Option<String>,
    /// Every test evaluated, in order.
    pub checks: Vec<Check>,
    /// The deciding test, typed, for documents in any language ([`CriterionTrace::value_in`]).
    #[serde(skip)]
    pub decisive: Option<Decisive>,
    /// Why it could not be decided, typed ([`CriterionTrace::reason_in`]).
    #[serde(skip)]
    pub why: Option<Why>,
    /// What it would take, typed, one per failed test ([`CriterionTrace::remedy_in`]).
    #[serde(skip)]
    pub remedies: Vec<Remedy>,
}

/// The test that decided a criterion: its measured value and the threshold it was held to.
#[derive(Debug, Clone, PartialEq)]
pub struct Decisive {
    pub value: Val,
    pub op: AtomOp,
    pub threshold: Val,
    /// The list of `in` and `starts_with`.
    pub list: Vec<String>,
    /// The metric the threshold is, when it is one (`min_far`).
    pub threshold_metric: Option<MetricId>,
}

/// Why a criterion could not be decided.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Why {
    /// No tier's condition holds.
    NoTier,
    Missing(Missing),
}

impl CriterionTrace {
    /// The measured value in `lang` (`-` when nothing was tested).
    pub fn value_in(&self, lang: Lang) -> String {
        self.decisive
            .as_ref()
            .map_or("-".into(), |d| d.value.render(lang))
    }
    /// The threshold with its comparison in `lang`: `≥ 300万元/亩`, `>= 300 (10k yuan/mu)`.
    pub fn threshold_in(&self, lang: Lang) -> String {
        let Some(d) = &self.decisive else {
            return "-".into();
        };
        if lang == Lang::En {
            return self.threshold.clone().unwrap_or_else(|| "-".into());
        }
        let op = op_text(lang, d.op);
        match d.op {
            AtomOp::In | AtomOp::NotIn | AtomOp::StartsWith => {
                let list: Vec<String> = d
                    .list
                    .iter()
                    .map(|x| i18n::name_of(lang, "category", x))
                    .collect();
                format!("{op} {}", list.join("、"))
            }
            _ => match d.threshold_metric {
                Some(id) if !matches!(d.threshold, Val::Missing(_)) => format!(
                    "{op} {}（{}）",
                    d.threshold.render(lang),
                    lang.pick(metric(id).zh, metric(id).name)
                ),
                _ => format!("{op} {}", d.threshold.render(lang)),
            },
        }
    }
    /// Why it could not be decided, in `lang`.
    pub fn reason_in(&self, lang: Lang) -> Option<String> {
        self.why.map(|w| match w {
            Why::NoTier => i18n::text(lang, "reason.no_tier"),
            Why::Missing(m) => Val::Missing(m).render(lang),
        })
    }
    /// What it would take, in `lang`; several remedies joined with `；` (Chinese) or `; `.
    pub fn remedy_in(&self, lang: Lang) -> Option<String> {
        if self.remedies.is_empty() {
            return None;
        }
        let sep = if lang == Lang::En { "; " } else { "；" };
        Some(
            self.remedies
                .iter()
                .map(|r| r.render(lang))
                .collect::<Vec<_>>()
                .join(sep),
        )
    }
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
    let typed = decisive.map(|r| {
        let a = &atoms[r.atom];
        Decisive {
            value: Val::of(&r.lhs, atom_unit(a)),
            op: a.op,
            threshold: Val::of(&r.rhs, atom_unit(a)),
            list: a.list.clone(),
            threshold_metric: a.rhs_metric,
        }
    });
    let (measured_number, threshold_number) = match decisive {
        Some(Recorded {
            lhs: Value::Num(a),
            rhs: Value::Num(b),
            ..
        }) => (Some(*a), Some(*b)),
        _ => (None, None),
    };
    let (why, remedies) = reason_and_remedy(&res, status, &rec, atoms, row);
    let reason = why.map(|w| match w {
        Why::NoTier => "no tier applies 无适用档次".to_string(),
        Why::Missing(m) => missing_text(&m),
    });
    let remedy_text = (!remedies.is_empty()).then(|| {
        remedies
            .iter()
            .map(|r| r.render(Lang::En))
            .collect::<Vec<_>>()
            .join("; ")
    });
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
        decisive: typed,
        why,
        remedies,
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
/// to pass it: report the input, or the remedies of every failed test.
fn reason_and_remedy(
    res: &CritResult,
    status: Status,
    rec: &[Recorded],
    atoms: &[Atom],
    row: &EntRow,
) -> (Option<Why>, Vec<Remedy>) {
    match (res, status) {
        (CritResult::NoTier, _) => (Some(Why::NoTier), vec![]),
        (
            CritResult::Tested {
                value: Value::Missing(why),
                ..
            },
            _,
        ) => (Some(Why::Missing(*why)), vec![Remedy::Report(*why)]),
        (_, Status::Fail) => {
            let fixes = rec
                .iter()
                .filter(|r| r.result == Value::Bool(false))
                .filter_map(|r| remedy(&atoms[r.atom], &r.lhs, &r.rhs, row))
                .collect();
            (None, fixes)
        }
        _ => (None, vec![]),
    }
}
