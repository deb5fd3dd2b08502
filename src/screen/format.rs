//! How values and thresholds read in a trace: numbers, percentages, units, what is missing
//! and why, and the threshold a test holds a value to.

use crate::metrics::{Derivation, Unit, metric};
use crate::rules::expr::{Atom, AtomOp, Missing, Value};

/// Numbers at least this large are written in scientific notation: an absurd but finite input
/// (revenue 1e300) must not print a 300-digit number.
pub(super) const SCIENTIFIC_FROM: f64 = 1e15;

/// A number too large for fixed notation, as `1.235e306`; `None` for an ordinary number. An
/// infinite one (an overflow) says so.
pub(super) fn fmt_huge(v: f64) -> Option<String> {
    if !v.is_finite() {
        return Some("too large to compute".into());
    }
    (v.abs() >= SCIENTIFIC_FROM).then(|| {
        let s = format!("{v:.3e}");
        // `1.000e20` -> `1e20`: trailing zeros of the mantissa say nothing.
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => {
                format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
            }
            _ => s,
        }
    })
}

/// Format a number: integers without decimals, others with up to 4, trailing zeros trimmed;
/// very large ones in scientific notation ([`fmt_huge`]).
pub fn fmt_num(v: f64) -> String {
    if let Some(s) = fmt_huge(v) {
        return s;
    }
    if v.fract() == 0.0 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A ratio as a percentage with at least one decimal: 0.05 -> "5.0%", 0.046154 -> "4.62%".
fn fmt_pct(v: f64) -> String {
    if let Some(s) = fmt_huge(v * 100.0) {
        return format!("{s}%");
    }
    let s = format!("{:.2}", v * 100.0);
    let s = s.trim_end_matches('0');
    let s = if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    };
    format!("{s}%")
}

pub(super) fn fmt_value(v: &Value, unit: Option<Unit>) -> String {
    match v {
        Value::Num(x) => match unit {
            Some(Unit::Ratio) => fmt_pct(*x),
            Some(u) if !u.en().is_empty() && u != Unit::Degrees => {
                format!("{} ({})", fmt_num(*x), u.en())
            }
            _ => fmt_num(*x),
        },
        Value::Str(s) => s.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Missing(why) => missing_text(why),
    }
}

pub(super) fn missing_text(why: &Missing) -> String {
    match why {
        Missing::NotReported(id) => format!("{} not reported 未填报", metric(*id).name),
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => format!(
                "{} not computable: {} is 0 无法计算",
                metric(*id).name,
                metric(den).name
            ),
            _ => format!("{} not computable 无法计算", metric(*id).name),
        },
        Missing::DivisionByZero(_) => "not computable: division by zero 无法计算".into(),
        Missing::OutOfRange(id) => format!(
            "{} not computable: too large for a number 无法计算",
            metric(*id).name
        ),
    }
}

pub(super) fn missing_remedy(why: &Missing) -> String {
    match why {
        Missing::NotReported(id) => format!(
            "report {} ({}, {})",
            metric(*id).en,
            metric(*id).zh,
            metric(*id).name
        ),
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => format!(
                "report a non-zero {} ({})",
                metric(den).en,
                metric(den).name
            ),
            _ => "report the inputs".into(),
        },
        Missing::DivisionByZero(_) => "report non-zero inputs".into(),
        Missing::OutOfRange(id) => format!("check the inputs of {}", metric(*id).name),
    }
}

pub(super) fn atom_unit(a: &Atom) -> Option<Unit> {
    a.lhs_metric.or(a.rhs_metric).map(|id| metric(id).unit)
}

pub(super) fn threshold_text(a: &Atom, rhs: &Value) -> String {
    match a.op {
        AtomOp::In | AtomOp::NotIn | AtomOp::StartsWith => {
            format!("{} {}", a.op.symbol(), a.list.join(", "))
        }
        _ => {
            let v = fmt_value(rhs, atom_unit(a));
            match a.rhs_metric {
                Some(id) if !matches!(rhs, Value::Missing(_)) => {
                    format!("{} {v} ({})", a.op.symbol(), metric(id).name)
                }
                _ => format!("{} {v}", a.op.symbol()),
            }
        }
    }
}
