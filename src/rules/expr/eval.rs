//! The evaluator: walks a compiled [`Node`] tree on one row, the last stage of the pipeline and
//! the only one that runs per row (no allocation, three-valued logic, tolerant comparisons).

use super::compile::{Arith, Node};
use super::{AtomOp, LIST_SIDE, Missing, REL_TOLERANCE, Recorder, Row, Value, num_cmp};
use chrono::NaiveDate;

/// Numbers equal within [`REL_TOLERANCE`] of the larger magnitude.
pub(super) fn num_eq(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_TOLERANCE * a.abs().max(b.abs())
}

/// Strings equal ignoring surrounding blanks and ASCII case.
fn str_eq(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The value of `n` on `row` at date `today`, reporting every test to `rec`.
pub(super) fn eval<'a, R: Row + ?Sized, T: Recorder<'a>>(
    n: &'a Node,
    row: &'a R,
    today: NaiveDate,
    rec: &mut T,
) -> Value<'a> {
    use Value::*;
    match n {
        Node::Num(v) => Num(*v),
        Node::Str(s) => Str(s),
        Node::Date(d) => Date(*d),
        Node::Bool(b) => Bool(*b),
        Node::Metric(id) => row.metric(*id),
        Node::EvalDate => Date(today),
        Node::Neg(e) => match eval(e, row, today, rec) {
            Num(v) => Num(-v),
            other => other,
        },
        Node::Not(e) => match eval(e, row, today, rec) {
            Bool(b) => Bool(!b),
            other => other,
        },
        Node::Abs(e) => match eval(e, row, today, rec) {
            Num(v) => Num(v.abs()),
            other => other,
        },
        Node::MinMax(max, a, b) => match (eval(a, row, today, rec), eval(b, row, today, rec)) {
            (Num(x), Num(y)) => Num(if *max { x.max(y) } else { x.min(y) }),
            (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
            _ => Missing(crate::rules::expr::Missing::DivisionByZero(0)),
        },
        Node::Arith(op, a, b, at) => {
            arith(*op, eval(a, row, today, rec), eval(b, row, today, rec), *at)
        }
        Node::DateDiff(a, b) => match (eval(a, row, today, rec), eval(b, row, today, rec)) {
            (Date(x), Date(y)) => Num((x - y).num_days() as f64),
            (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
            _ => Missing(self::Missing::DivisionByZero(0)),
        },
        Node::Cmp(op, a, b, atom) => {
            let l = eval(a, row, today, rec);
            let r = eval(b, row, today, rec);
            let res = compare(*op, l, r);
            rec.atom(*atom, l, r, res);
            res
        }
        Node::And(a, b) => kleene(a, b, false, row, today, rec),
        Node::Or(a, b) => kleene(a, b, true, row, today, rec),
        Node::In(a, items, negated, atom) => {
            let l = eval(a, row, today, rec);
            let res = membership(l, items, *negated, row, today, rec);
            rec.atom(*atom, l, LIST_SIDE, res);
            res
        }
        Node::StartsWith(a, items, atom) => {
            let l = eval(a, row, today, rec);
            let res = starts_with(l, items, row, today, rec);
            rec.atom(*atom, l, LIST_SIDE, res);
            res
        }
        Node::Reported(e) => Bool(!matches!(eval(e, row, today, rec), Missing(_))),
    }
}

/// `x op y` on two evaluated operands; a division by zero or a non-finite result is missing,
/// located at `at`.
#[inline]
fn arith<'a>(op: Arith, l: Value<'a>, r: Value<'a>, at: u32) -> Value<'a> {
    use Value::*;
    match (l, r) {
        (Num(x), Num(y)) => {
            let v = match op {
                Arith::Add => x + y,
                Arith::Sub => x - y,
                Arith::Mul => x * y,
                Arith::Div => {
                    if y == 0.0 {
                        return Missing(self::Missing::DivisionByZero(at));
                    }
                    x / y
                }
            };
            if v.is_finite() {
                Num(v)
            } else {
                Missing(self::Missing::DivisionByZero(at))
            }
        }
        (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
        _ => Missing(self::Missing::DivisionByZero(at)),
    }
}

/// Kleene `and` (`dominant` false) and `or` (`dominant` true): the dominant value wins over
/// missing, and `b` is not evaluated when `a` already has it.
#[inline]
fn kleene<'a, R: Row + ?Sized, T: Recorder<'a>>(
    a: &'a Node,
    b: &'a Node,
    dominant: bool,
    row: &'a R,
    today: NaiveDate,
    rec: &mut T,
) -> Value<'a> {
    use Value::*;
    let l = eval(a, row, today, rec);
    if l == Bool(dominant) {
        return l;
    }
    match (l, eval(b, row, today, rec)) {
        (_, Bool(x)) if x == dominant => Bool(dominant),
        (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
        _ => Bool(!dominant),
    }
}

/// `l in items` (or `not in`, `negated`): true on the first equal item; missing when no item
/// is equal and some comparison was missing.
#[inline]
fn membership<'a, R: Row + ?Sized, T: Recorder<'a>>(
    l: Value<'a>,
    items: &'a [Node],
    negated: bool,
    row: &'a R,
    today: NaiveDate,
    rec: &mut T,
) -> Value<'a> {
    use Value::*;
    if let Missing(_) = l {
        return l;
    }
    let mut missing = None;
    for it in items {
        match compare(AtomOp::Eq, l, eval(it, row, today, rec)) {
            Bool(true) => return Bool(!negated),
            m @ Missing(_) => missing = missing.or(Some(m)),
            _ => {}
        }
    }
    missing.unwrap_or(Bool(negated))
}

/// `l starts_with items`: whether any item is a prefix of `l`, ignoring ASCII case.
#[inline]
fn starts_with<'a, R: Row + ?Sized, T: Recorder<'a>>(
    l: Value<'a>,
    items: &'a [Node],
    row: &'a R,
    today: NaiveDate,
    rec: &mut T,
) -> Value<'a> {
    let Value::Str(s) = l else { return l };
    Value::Bool(items.iter().any(|it| match eval(it, row, today, rec) {
        Value::Str(p) => {
            s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        }
        _ => false,
    }))
}

/// The result of comparison `op` of two evaluated operands; missing if either is.
fn compare<'a>(op: AtomOp, l: Value<'a>, r: Value<'a>) -> Value<'a> {
    use Value::*;
    use std::cmp::Ordering::*;
    let ord = match (l, r) {
        (Missing(_), _) => return l,
        (_, Missing(_)) => return r,
        (Num(a), Num(b)) => num_cmp(a, b),
        (Date(a), Date(b)) => Some(a.cmp(&b)),
        (Str(a), Str(b)) => Some(if str_eq(a, b) { Equal } else { Less }),
        (Bool(a), Bool(b)) => Some(if a == b { Equal } else { Less }),
        _ => None,
    };
    let Some(ord) = ord else {
        return Missing(self::Missing::DivisionByZero(0));
    };
    Bool(match op {
        AtomOp::Lt => ord == Less,
        AtomOp::Le => ord != Greater,
        AtomOp::Gt => ord == Greater,
        AtomOp::Ge => ord != Less,
        AtomOp::Eq => ord == Equal,
        AtomOp::Ne => ord != Equal,
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{R, row, run, today};
    use super::super::*;

    #[test]
    fn decimal_boundaries_pass() {
        assert_eq!(
            run("rd_expense / revenue >= 0.05", &row()),
            Value::Bool(true)
        );
        assert_eq!(run("rd_expense / revenue >= 5%", &row()), Value::Bool(true));
        assert_eq!(
            run("rd_expense / revenue < 0.05", &row()),
            Value::Bool(false)
        );
        assert_eq!(
            run("rd_expense / revenue > 0.05", &row()),
            Value::Bool(false)
        );
        assert_eq!(run("0.1 + 0.2 == 0.3", &row()), Value::Bool(true));
        assert_eq!(
            run("revenue <= 3333.3 and not (revenue > 3333.3)", &row()),
            Value::Bool(true)
        );
    }

    #[test]
    fn missing_and_division_by_zero_never_pass() {
        let r = R(vec![
            Value::Num(0.0),
            Value::Missing(Missing::NotReported(1)),
            Value::Missing(Missing::NotReported(2)),
            Value::Date(today()),
            Value::Str("C3911"),
        ]);
        assert!(matches!(
            run("rd_expense >= 0", &r),
            Value::Missing(Missing::NotReported(1))
        ));
        assert!(matches!(
            run("revenue / revenue >= 0", &r),
            Value::Missing(Missing::DivisionByZero(_))
        ));
        assert!(matches!(
            run("not (level == \"none\")", &r),
            Value::Missing(_)
        ));
        assert_eq!(run("false and rd_expense > 1", &r), Value::Bool(false));
        assert_eq!(run("true or rd_expense > 1", &r), Value::Bool(true));
        assert_eq!(run("reported(rd_expense)", &r), Value::Bool(false));
    }

    #[test]
    fn strings_dates_lists() {
        let r = row();
        assert_eq!(
            run("level in ['Municipal', 'national']", &r),
            Value::Bool(true)
        );
        assert_eq!(run("level not in ['national']", &r), Value::Bool(true));
        assert_eq!(
            run("code starts_with ['c39', 'C40']", &r),
            Value::Bool(true)
        );
        assert_eq!(run("expiry >= eval_date", &r), Value::Bool(true));
        assert_eq!(run("expiry > eval_date", &r), Value::Bool(false));
        assert_eq!(
            run("expiry - date(\"2026-04-30\") == 1", &r),
            Value::Bool(true)
        );
        assert_eq!(
            run("20_000 == 2e4 and -max(1, 2) == -2", &r),
            Value::Bool(true)
        );
    }
}
