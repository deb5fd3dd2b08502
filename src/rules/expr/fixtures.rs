//! Test fixtures shared by the expression stages' unit tests: a small schema and rows.

use super::{MetricId, NoTrace, Program, Row, Schema, Ty, Value};
use chrono::NaiveDate;

/// A schema of five metrics; `level` is categorical.
pub(super) struct S;
const NAMES: &[(&str, Ty)] = &[
    ("revenue", Ty::Num),
    ("rd_expense", Ty::Num),
    ("level", Ty::Str),
    ("expiry", Ty::Date),
    ("code", Ty::Str),
];
impl Schema for S {
    fn lookup(&self, n: &str) -> Option<(MetricId, Ty)> {
        NAMES
            .iter()
            .position(|(m, _)| *m == n)
            .map(|i| (i as MetricId, NAMES[i].1))
    }
    fn names(&self) -> Vec<&str> {
        NAMES.iter().map(|(n, _)| *n).collect()
    }
    fn categories(&self, id: MetricId) -> Option<&[&str]> {
        (id == 2).then_some(&["none", "municipal", "national"][..])
    }
}
/// A row: metric values by id.
pub(super) struct R(pub(super) Vec<Value<'static>>);
impl Row for R {
    fn metric(&self, id: MetricId) -> Value<'_> {
        self.0[id as usize]
    }
}
/// The evaluation date of the tests.
pub(super) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
}
/// Compile a boolean expression against [`S`] and evaluate it on `row`.
pub(super) fn run(src: &str, row: &R) -> Value<'static> {
    let p = Program::compile(src, &S, Ty::Bool).unwrap();
    let v = p.eval(row, today(), &mut NoTrace);
    // Values borrowed from the program are not needed outside; copy the simple ones.
    match v {
        Value::Bool(b) => Value::Bool(b),
        Value::Missing(m) => Value::Missing(m),
        _ => unreachable!(),
    }
}
/// A row where every metric is reported.
pub(super) fn row() -> R {
    R(vec![
        Value::Num(3333.3),
        Value::Num(166.665),
        Value::Str("municipal"),
        Value::Date(today()),
        Value::Str("C3911"),
    ])
}
