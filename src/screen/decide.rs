//! Deciding one enterprise: running each compiled criterion, its status, and the decision and
//! priority score (preferred criteria's weights, margins over thresholds) they add up to.

use super::row::EntRow;
use super::{Decision, Outcome, Status};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::admission::{CompiledCriterion, Severity};
use crate::rules::expr::{Missing, NoTrace, Recorder, Value};
use chrono::NaiveDate;

/// What one criterion came to, with the tier and the value of its test.
#[derive(Debug, Clone, Copy)]
pub(super) enum CritResult<'a> {
    NotApplicable,
    /// A tiered criterion none of whose tiers holds.
    NoTier,
    Tested {
        tier: Option<usize>,
        value: Value<'a>,
    },
}

pub(super) fn run_criterion<'a, T: Recorder<'a>>(
    cc: &'a CompiledCriterion,
    row: &'a EntRow<'a>,
    date: NaiveDate,
    rec: &mut T,
) -> CritResult<'a> {
    if let Some(w) = &cc.when {
        match w.eval(row, date, &mut NoTrace) {
            Value::Bool(true) => {}
            Value::Bool(false) => return CritResult::NotApplicable,
            other => {
                return CritResult::Tested {
                    tier: None,
                    value: other,
                };
            }
        }
    }
    for (i, b) in cc.branches.iter().enumerate() {
        if let Some(w) = &b.when {
            match w.eval(row, date, &mut NoTrace) {
                Value::Bool(true) => {}
                Value::Bool(false) => continue,
                other => {
                    return CritResult::Tested {
                        tier: None,
                        value: other,
                    };
                }
            }
        }
        let tier = b.label.as_ref().map(|_| i);
        return CritResult::Tested {
            tier,
            value: b.test.eval(row, date, rec),
        };
    }
    CritResult::NoTier
}

fn status_of(r: &CritResult) -> Status {
    match r {
        CritResult::NotApplicable => Status::NotApplicable,
        CritResult::NoTier => Status::Fail,
        CritResult::Tested { value, .. } => match value {
            Value::Bool(true) => Status::Pass,
            Value::Missing(Missing::NotReported(_)) => Status::NotReported,
            Value::Missing(_) => Status::NotComputable,
            _ => Status::Fail,
        },
    }
}

/// Keeps the first test's two sides: the margin of a passed criterion over its threshold.
struct FirstAtom<'a>(Option<(Value<'a>, Value<'a>)>);
impl<'a> Recorder<'a> for FirstAtom<'a> {
    fn atom(&mut self, _: usize, lhs: Value<'a>, rhs: Value<'a>, _: Value<'a>) {
        if self.0.is_none() {
            self.0 = Some((lhs, rhs));
        }
    }
}

/// Screen one enterprise: decision, score, and per-criterion outcomes appended to `out`.
pub(super) fn screen_one(
    e: &Enterprise,
    rules: &RuleSet,
    margins: &[Option<(f64, f64)>],
    date: NaiveDate,
    out: &mut Vec<Outcome>,
) -> (Decision, Option<f64>) {
    let adm = &rules.admission;
    let row = EntRow { e, rules };
    let mut reject = false;
    let mut conditional = false;
    let mut score = adm.level_points(e.hightech_level);
    for ((c, cc), margin) in adm.criteria().iter().zip(adm.compiled()).zip(margins) {
        let (res, first) = if margin.is_some() {
            let mut rec = FirstAtom(None);
            let r = run_criterion(cc, &row, date, &mut rec);
            (r, rec.0)
        } else {
            (run_criterion(cc, &row, date, &mut NoTrace), None)
        };
        let status = status_of(&res);
        let tier = match res {
            CritResult::Tested { tier: Some(t), .. } => t as u8,
            _ => u8::MAX,
        };
        out.push(Outcome { status, tier });
        match (c.severity, status) {
            (Severity::Required, s) if s.is_failure() => reject = true,
            (Severity::Conditional, s) if s.is_failure() => conditional = true,
            (Severity::Preferred, Status::Pass) => score += c.weight.unwrap_or(0.0),
            _ => {}
        }
        if let (Status::Pass, Some((weight, cap)), Some((Value::Num(v), Value::Num(t)))) =
            (status, margin, first)
            && t > 0.0
        {
            score += weight * ((v - t) / t).clamp(0.0, *cap);
        }
    }
    let decision = if reject {
        Decision::Reject
    } else if conditional {
        Decision::Conditional
    } else {
        Decision::Admit
    };
    (decision, (decision != Decision::Reject).then_some(score))
}

/// (weight, cap) of each criterion's margin, in criterion order.
pub(super) fn margins(rules: &RuleSet) -> Vec<Option<(f64, f64)>> {
    let adm = &rules.admission;
    adm.criteria()
        .iter()
        .map(|c| {
            adm.priority
                .margin
                .iter()
                .find(|mg| mg.criterion == c.id)
                .map(|mg| (mg.weight, mg.cap))
        })
        .collect()
}
