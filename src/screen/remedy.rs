//! "What it would take": the smallest change that makes a failed test pass, in the test's own
//! units (rounded up to a whole step of the unit), for the trace's `remedy`.

use super::format::{atom_unit, fmt_num, fmt_value};
use super::row::EntRow;
use crate::metrics::{Derivation, Unit, m, metric};
use crate::rules::expr::{Atom, AtomOp, MetricId, Value};
use chrono::NaiveDate;

/// Round a needed change up to a whole step, so the rounded change passes.
fn round_up(delta: f64, step: f64, strict: bool) -> f64 {
    let k = (delta / step - 1e-9).ceil().max(0.0);
    let mut r = k * step;
    if strict && (r - delta).abs() <= 1e-9 * delta.abs().max(step) {
        r += step;
    }
    r
}

/// A change rounded to its step, with as many decimals as the step has (scientific notation
/// for an absurdly large one).
fn fmt_step(v: f64, step: f64) -> String {
    if let Some(s) = super::format::fmt_huge(v) {
        s
    } else if step >= 1.0 {
        format!("{v:.0}")
    } else if step >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The unit after a change, ` (10k yuan)`; none for counts, ratios and the like.
fn unit_suffix(u: Unit) -> String {
    match u {
        Unit::Count | Unit::Far | Unit::None | Unit::Ratio | Unit::Degrees => String::new(),
        u => format!(" ({})", u.en()),
    }
}

/// The smallest change that makes a failed test pass, in the test's own units.
pub(super) fn remedy(a: &Atom, lhs: &Value, rhs: &Value, row: &EntRow) -> Option<String> {
    match (lhs, rhs, a.op) {
        (
            Value::Num(v),
            Value::Num(t),
            op @ (AtomOp::Ge | AtomOp::Gt | AtomOp::Le | AtomOp::Lt),
        ) => ordering_remedy(a, *v, *t, op, rhs, row),
        (Value::Num(v), Value::Num(t), AtomOp::Eq | AtomOp::Ne) => {
            let must = if a.op == AtomOp::Eq {
                "must be"
            } else {
                "must not be"
            };
            Some(format!(
                "{} is {}: {must} {}",
                subject(a),
                fmt_num(*v),
                fmt_num(*t)
            ))
        }
        (Value::Date(d), Value::Date(t), op) => Some(date_remedy(a, *d, *t, op)),
        (Value::Str(s), _, op) => Some(text_remedy(a, s, rhs, op)),
        (Value::Bool(b), _, _) => Some(format!(
            "`{}` is {b}: must be {} {}",
            a.lhs_text,
            a.op.symbol(),
            fmt_value(rhs, None)
        )),
        _ => None,
    }
}

/// What a test is about, in words: its metric's English name, else the expression as written.
fn subject(a: &Atom) -> String {
    a.lhs_metric
        .map_or(a.lhs_text.clone(), |id| metric(id).en.to_string())
}

/// The threshold a failed ordering test must reach: its value, the way it must move, and the
/// text naming it.
struct Goal {
    threshold: f64,
    /// `>=` or `>`: the measured value must rise.
    up: bool,
    /// `>` or `<`: reaching the threshold exactly is not enough.
    strict: bool,
    target: String,
}

impl Goal {
    fn sign(&self) -> &'static str {
        if self.up { "+" } else { "-" }
    }
}

/// A failed `>=`, `>`, `<=` or `<` test on numbers: how much the measured metric (or, for a
/// ratio, its numerator or denominator) must change.
fn ordering_remedy(
    a: &Atom,
    v: f64,
    t: f64,
    op: AtomOp,
    rhs: &Value,
    row: &EntRow,
) -> Option<String> {
    let target = match a.rhs_metric {
        Some(id) => format!(
            "{} ({})",
            fmt_value(rhs, Some(metric(id).unit)),
            metric(id).en
        ),
        None => fmt_value(rhs, atom_unit(a)),
    };
    let Some(id) = a.lhs_metric else {
        return Some(format!(
            "`{}` is {}: must be {} {target}",
            a.lhs_text,
            fmt_num(v),
            op.symbol()
        ));
    };
    let goal = Goal {
        threshold: t,
        up: matches!(op, AtomOp::Ge | AtomOp::Gt),
        strict: matches!(op, AtomOp::Gt | AtomOp::Lt),
        target,
    };
    let def = metric(id);
    if let Derivation::Ratio {
        num,
        den,
        den_lever,
        ..
    } = def.derivation
    {
        return ratio_remedy(def.unit, num, den, den_lever, &goal, row);
    }
    let u = def.unit;
    let step = round_up((t - v).abs(), u.step(), goal.strict);
    Some(format!(
        "{} {}{}{} to reach {}",
        def.en,
        goal.sign(),
        fmt_step(step, u.step()),
        unit_suffix(u),
        goal.target
    ))
}

/// A ratio short of its threshold: the change in its numerator that meets it, and for a ratio
/// whose denominator is a lever (`den_lever`) the cut in the denominator that would too.
/// `None` when the row lacks either input.
fn ratio_remedy(
    unit: Unit,
    num: MetricId,
    den: MetricId,
    den_lever: bool,
    goal: &Goal,
    row: &EntRow,
) -> Option<String> {
    let (n, d) = (row.column(num)?, row.column(den)?);
    let t = goal.threshold;
    let need = (t * d - n).abs();
    let nu = metric(num).unit;
    let step = round_up(need, nu.step(), goal.strict);
    if !step.is_finite() {
        // t x d overflows: no amount can be named; the inputs are what to look at.
        return Some(format!(
            "{} cannot reach {}: {} {} is too large to compute with; check the inputs",
            metric(num).en,
            goal.target,
            metric(den).en,
            fmt_num(d)
        ));
    }
    let of = if unit == Unit::Ratio {
        format!(" of {}", metric(den).en)
    } else {
        format!(" on {} {}", fmt_num(d), metric(den).unit.en())
    };
    let mut s = format!(
        "{} {}{}{} to reach {}{of}",
        metric(num).en,
        goal.sign(),
        fmt_step(step, nu.step()),
        unit_suffix(nu),
        goal.target
    );
    if den_lever && goal.up && t > 0.0 {
        let du = metric(den).unit;
        let cut = round_up(d - n / t, du.step(), goal.strict);
        if cut > 0.0 && cut < d {
            s.push_str(&format!(
                ", or {} -{}{}",
                metric(den).en,
                fmt_step(cut, du.step()),
                unit_suffix(du)
            ));
        }
    }
    Some(s)
}

/// A failed test on dates: an expired certificate reads as such, any other date as the bound
/// it must meet.
fn date_remedy(a: &Atom, d: NaiveDate, t: NaiveDate, op: AtomOp) -> String {
    if a.lhs_metric == Some(m::CERT_EXPIRY) && matches!(op, AtomOp::Ge | AtomOp::Gt) {
        format!(
            "certificate expired {}: renew it (must be valid on {})",
            d.format("%Y-%m-%d"),
            t.format("%Y-%m-%d")
        )
    } else {
        format!(
            "{} is {}: must be {} {}",
            subject(a),
            d.format("%Y-%m-%d"),
            op.symbol(),
            t.format("%Y-%m-%d")
        )
    }
}

/// A failed test on text (a code, a class, a level): the value it must (or must not) be.
fn text_remedy(a: &Atom, s: &str, rhs: &Value, op: AtomOp) -> String {
    let what = subject(a);
    match op {
        AtomOp::In => format!("{what} is {s}: must be one of {}", a.list.join(", ")),
        AtomOp::NotIn => format!("{what} is {s}: must not be one of {}", a.list.join(", ")),
        AtomOp::StartsWith => format!("{what} {s} is outside {}", a.list.join(", ")),
        AtomOp::Ne => format!("{what} is {s}: must not be {}", fmt_value(rhs, None)),
        _ => format!("{what} is {s}: must be {}", fmt_value(rhs, None)),
    }
}
