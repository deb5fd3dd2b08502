//! Classes and actions: the class boundaries by rank share (exact in decimal, see
//! [`TOLERANCE`]), the action each class leads to and why, and the indicator that drives a
//! low class.

use super::IndicatorScore;
use crate::model::Enterprise;
use crate::rules::ranking::{Metric, RankingRules, Track};
use serde::Serialize;
use std::fmt;

/// Relative tolerance for "equal in decimal" comparisons (scores, the weed-out line).
pub const TOLERANCE: f64 = 1e-9;

pub(super) fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// `a >= b`, where values equal in decimal count as equal.
pub(super) fn at_least(a: f64, b: f64) -> bool {
    a >= b || close(a, b)
}

/// The per-mu benefit class, A best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Class {
    A,
    B,
    C,
    D,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::A, Class::B, Class::C, Class::D];
    pub fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
            Class::D => "D",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the plan proposes for an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A and B: keep as is.
    Retain,
    /// C: rectify (upgrade, cut energy and emissions) on site.
    Rectify,
    /// D: close or move out of the urban area.
    Relocate,
    /// A willing C or D enterprise meeting the conversion criteria: becomes a park applicant.
    Convert,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Retain => "retain",
            Action::Rectify => "rectify",
            Action::Relocate => "relocate",
            Action::Convert => "convert",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
/// Where the classes split: the cut positions and the score of the last enterprise at each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boundaries {
    /// Number of rated enterprises.
    pub rated: usize,
    /// floor(share x N) for A, B, C.
    pub positions: [usize; 3],
    /// Score of the enterprise at each cut position (`None` when the class is empty).
    pub scores: [Option<f64>; 3],
}

impl Boundaries {
    /// The class a score reaches against these boundaries (the weed-out line aside).
    pub fn class_for(&self, score: f64) -> Class {
        for (i, class) in [Class::A, Class::B, Class::C].into_iter().enumerate() {
            if self.scores[i].is_some_and(|s| at_least(score, s)) {
                return class;
            }
        }
        Class::D
    }
}

/// floor(share x n), where a product equal to an integer in decimal is that integer
/// (0.95 x 20 is 19, not 18.999...).
pub(super) fn cut(share: f64, n: usize) -> usize {
    let x = share * n as f64;
    let r = x.round();
    let k = if close(x, r) { r } else { x.floor() };
    (k.max(0.0) as usize).min(n)
}

/// The indicator that cost an enterprise most, and what meeting its benchmark would bring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub metric: Metric,
    /// Points below what the benchmark would give (`weight x (1 - ratio)`).
    pub points_lost: f64,
    /// The class it would reach with this indicator at its benchmark, against today's class
    /// boundaries (and clear of the weed-out line if the indicator is tax per mu).
    pub class_if_met: Class,
}

/// Why an enterprise got its action; written out as a sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ActionReason {
    /// A or B: the class alone decides.
    ByClass,
    /// Willing, and its violations are within the conversion criteria.
    Converts {
        violations: f64,
        max: f64,
    },
    /// Willing, but too many violations in the last year.
    TooManyViolations {
        violations: f64,
        max: f64,
    },
    /// Willing, but violations were not reported (not assumed to be zero).
    ViolationsNotReported,
    NotWilling,
    WillingnessNotReported,
}

impl ActionReason {
    /// The reason in `lang`, from the message catalogue (English: the same text as `Display`).
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{fill, text};
        let n = |x: &f64| super::output::fmt_num(*x);
        match self {
            ActionReason::ByClass => text(lang, "action_reason.by_class"),
            ActionReason::Converts { violations, max } => fill(
                lang,
                "action_reason.converts",
                &[("violations", &n(violations)), ("max", &n(max))],
            ),
            ActionReason::TooManyViolations { violations, max } => fill(
                lang,
                "action_reason.too_many_violations",
                &[("violations", &n(violations)), ("max", &n(max))],
            ),
            ActionReason::ViolationsNotReported => {
                text(lang, "action_reason.violations_not_reported")
            }
            ActionReason::NotWilling => text(lang, "action_reason.not_willing"),
            ActionReason::WillingnessNotReported => {
                text(lang, "action_reason.willingness_not_reported")
            }
        }
    }
}

impl fmt::Display for ActionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionReason::ByClass => f.write_str("by class"),
            ActionReason::Converts { violations, max } => {
                write!(
                    f,
                    "willing to convert, {violations} violations (at most {max})"
                )
            }
            ActionReason::TooManyViolations { violations, max } => write!(
                f,
                "willing to convert but {violations} violations in the last year (at most {max})"
            ),
            ActionReason::ViolationsNotReported => {
                f.write_str("willing to convert but violations not reported")
            }
            ActionReason::NotWilling => f.write_str("not willing to convert"),
            ActionReason::WillingnessNotReported => {
                f.write_str("willingness to convert not reported")
            }
        }
    }
}

impl Serialize for ActionReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The action for a class, with conversion for willing enterprises that meet the criteria.
pub(super) fn action_for(
    e: &Enterprise,
    class: Class,
    rules: &RankingRules,
) -> (Action, ActionReason) {
    let base = match class {
        Class::A | Class::B => return (Action::Retain, ActionReason::ByClass),
        Class::C => Action::Rectify,
        Class::D => Action::Relocate,
    };
    let max = rules.conversion.max_violations.value;
    match (e.willing_to_convert, e.violations) {
        (Some(true), Some(violations)) if violations <= max => {
            (Action::Convert, ActionReason::Converts { violations, max })
        }
        (Some(true), Some(violations)) => {
            (base, ActionReason::TooManyViolations { violations, max })
        }
        (Some(true), None) => (base, ActionReason::ViolationsNotReported),
        (Some(false), _) => (base, ActionReason::NotWilling),
        (None, _) => (base, ActionReason::WillingnessNotReported),
    }
}

/// The indicator that cost most points against its benchmark on `track`, and the class with
/// it met. Under the weed-out line (`weed_line`), tax per mu drives it (if it is an indicator):
/// nothing else lifts D.
pub(super) fn driver(
    ind: &[IndicatorScore],
    raw: f64,
    weed_out: bool,
    track: &Track,
    weed_line: f64,
    b: &Boundaries,
) -> Option<Driver> {
    let weight = |m: Metric| track.indicator(m).map_or(0.0, |i| i.weight.value);
    let lost = |s: &IndicatorScore| weight(s.metric) * (1.0 - s.ratio);
    let mut pick: Option<&IndicatorScore> = None;
    if weed_out {
        pick = ind.iter().find(|s| s.metric == Metric::TAX_PER_MU);
    }
    if pick.is_none() {
        for s in ind {
            // Strictly more: ties keep the rule file's order.
            if lost(s) > 0.0 && pick.is_none_or(|p| lost(s) > lost(p)) {
                pick = Some(s);
            }
        }
    }
    let s = pick?;
    let met_ratio = s.ratio.max(1.0);
    let new_score = (raw - s.points + weight(s.metric) * met_ratio).max(track.score_floor.value);
    let tax_benchmark = track
        .indicator(Metric::TAX_PER_MU)
        .map(|i| i.benchmark.value);
    let still_weeded = weed_out
        && !(s.metric == Metric::TAX_PER_MU
            && tax_benchmark.is_some_and(|t| at_least(t, weed_line)));
    let class_if_met = if still_weeded {
        Class::D
    } else {
        b.class_for(new_score)
    };
    Some(Driver {
        metric: s.metric,
        points_lost: lost(s).max(0.0),
        class_if_met,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_are_exact_in_decimal() {
        assert_eq!(cut(0.95, 20), 19);
        assert_eq!(cut(0.2, 15), 3);
        assert_eq!(cut(0.8, 7), 5);
        assert_eq!(cut(0.2, 4), 0);
        assert_eq!(cut(1.0, 3), 3);
    }
}
