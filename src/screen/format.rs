//! How values and thresholds read in a trace: numbers, percentages, units, what is missing
//! and why, and the threshold a test holds a value to.

use crate::i18n::{self, Lang};
use crate::metrics::{Derivation, Unit, metric};
use crate::rules::expr::{Atom, AtomOp, MetricId, Missing, Value};

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

/// A value a trace shows, owned and typed, rendered per language: the measured value or the
/// threshold of a test ([`fmt_value`] is its English rendering).
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Num(f64, Option<Unit>),
    Str(String),
    Date(chrono::NaiveDate),
    Bool(bool),
    Missing(Missing),
}

impl Val {
    pub(super) fn of(v: &Value, unit: Option<Unit>) -> Val {
        match v {
            Value::Num(x) => Val::Num(*x, unit),
            Value::Str(s) => Val::Str(s.to_string()),
            Value::Date(d) => Val::Date(*d),
            Value::Bool(b) => Val::Bool(*b),
            Value::Missing(m) => Val::Missing(*m),
        }
    }

    /// The value in `lang`: English exactly as [`fmt_value`] writes it (the JSON's text);
    /// Chinese with Chinese units (`300万元/亩`, `12吨标煤`).
    pub fn render(&self, lang: Lang) -> String {
        match (self, lang) {
            (Val::Num(x, unit), Lang::Zh) => match unit {
                Some(Unit::Ratio) => fmt_pct(*x),
                Some(u) if !u.zh().is_empty() && *u != Unit::Count => {
                    format!("{}{}", fmt_num(*x), u.zh())
                }
                _ => fmt_num(*x),
            },
            (Val::Num(x, unit), _) => fmt_value(&Value::Num(*x), *unit),
            (Val::Str(s), Lang::Zh) => i18n::name_of(Lang::Zh, "category", s),
            (Val::Str(s), _) => s.clone(),
            (Val::Date(d), _) => d.format("%Y-%m-%d").to_string(),
            (Val::Bool(b), Lang::Zh) => {
                i18n::text(Lang::Zh, if *b { "value.yes" } else { "value.no" })
            }
            (Val::Bool(b), _) => b.to_string(),
            (Val::Missing(m), Lang::En) => missing_en(m),
            (Val::Missing(m), Lang::Zh) => missing_zh(m),
            (Val::Missing(m), Lang::Both) => format!("{} {}", missing_zh(m), missing_en(m)),
        }
    }
}

/// Why a value is missing, in Chinese: `研发费用（rd_expense）未填报`.
pub(super) fn missing_zh(why: &Missing) -> String {
    missing_in(Lang::Zh, why)
}

/// Why a value is missing, in English words (the JSON keeps [`missing_text`]).
pub(super) fn missing_en(why: &Missing) -> String {
    missing_in(Lang::En, why)
}

fn missing_in(lang: Lang, why: &Missing) -> String {
    let label = |id: MetricId| lang.pick(metric(id).zh, metric(id).en);
    match why {
        Missing::NotReported(id) => i18n::fill(
            lang,
            "reason.not_reported",
            &[("metric", &label(*id)), ("name", metric(*id).name)],
        ),
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => i18n::fill(
                lang,
                "reason.zero_denominator",
                &[("metric", &label(*id)), ("den", &label(den))],
            ),
            _ => i18n::fill(lang, "reason.not_computable", &[("metric", &label(*id))]),
        },
        Missing::DivisionByZero(_) => i18n::text(lang, "reason.division_by_zero"),
        Missing::OutOfRange(id) => {
            i18n::fill(lang, "reason.out_of_range", &[("metric", &label(*id))])
        }
    }
}

/// A comparison in words for documents: `≥`, `属于`, ...
pub(super) fn op_text(lang: Lang, op: AtomOp) -> String {
    let key = match op {
        AtomOp::Lt => "op.lt",
        AtomOp::Le => "op.le",
        AtomOp::Gt => "op.gt",
        AtomOp::Ge => "op.ge",
        AtomOp::Eq => "op.eq",
        AtomOp::Ne => "op.ne",
        AtomOp::In => "op.in",
        AtomOp::NotIn => "op.not_in",
        AtomOp::StartsWith => "op.starts_with",
    };
    i18n::text(lang, key)
}
