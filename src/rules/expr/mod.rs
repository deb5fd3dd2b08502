//! The rule expression language: a small, sandboxed, typed language for admission criteria.
//!
//! An expression is parsed and type-checked once, against a [`Schema`] that names the metrics a
//! row offers, and compiled into a tree that [`Program::eval`] walks per row: no loops, no I/O,
//! no allocation. Errors carry a byte span in the expression, which the rule loader turns into
//! the rule id, file, line and column with a caret under the fault.
//!
//! Syntax, loosest binding first:
//!
//! ```text
//! or  and  not                       boolean logic (three-valued: see below)
//! < <= > >= == !=                    comparison of numbers, dates, strings (==, != only), booleans
//! x in [a, b]   x not in [a, b]      membership
//! x starts_with "C39"                prefix (or a list of prefixes), case-insensitive
//! + -   * /                          arithmetic on numbers; date - date is days
//! -x  ( )  5  0.05  5%  20_000  "text" 'text'  true false  date("2026-01-01")  eval_date
//! reported(metric)  min(a, b)  max(a, b)  abs(a)
//! ```
//!
//! **Missing values.** A metric the row leaves empty is *not reported*; a ratio or division by
//! zero is *not computable*. Either makes every operation on it missing too, so a test on a
//! missing value is never silently true or false. `and`/`or` are Kleene's: `false and missing`
//! is false, `true or missing` is true, anything else with a missing operand is missing.
//! `reported(m)` tests presence and is never missing.
//!
//! **Exactness.** Numbers are `f64`; comparisons treat two numbers as equal when they differ by
//! at most 1e-9 of the larger magnitude ([`REL_TOLERANCE`]), so a value equal to its threshold
//! in decimal (R&D 166.665 on revenue 3,333.3 is 5%) passes `>=` whatever binary rounding did.
//! `<=` and `>` stay exact complements, as do `>=` and `<`, so tiers never overlap or leave gaps.
//! Strings compare case-insensitively (ASCII).
//!
//! **Pipeline.** As in cel-rust, the stages are kept apart, one file each, and only [`Program`]
//! ties them together:
//!
//! ```text
//! text --lexer--> tokens --parser--> syntax tree --compile--> typed program --eval--> value
//! ```
//!
//! `lexer.rs` cuts the text into tokens with byte spans; `parser.rs` builds the untyped syntax
//! tree by recursive descent, one function per precedence level; `compile.rs` resolves metric
//! names against the [`Schema`], checks types and categorical literals (collecting every error,
//! not just the first) and lowers the tree to typed nodes and the list of [`Atom`]s; `eval.rs`
//! walks those nodes on one [`Row`]. This file holds the public surface the rest of the crate
//! uses.

mod compile;
mod eval;
#[cfg(test)]
mod fixtures;
mod lexer;
mod parser;

pub use parser::{MAX_DEPTH, MAX_TOKENS};

use chrono::NaiveDate;
use std::fmt;
use std::ops::Range;

/// Relative tolerance of numeric comparisons: `a == b` when `|a - b| <= 1e-9 * max(|a|, |b|)`.
pub const REL_TOLERANCE: f64 = 1e-9;

/// The type of an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Num,
    Str,
    Date,
    Bool,
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::Num => "number",
            Ty::Str => "string",
            Ty::Date => "date",
            Ty::Bool => "boolean",
        })
    }
}

/// Index of a metric in the host's schema.
pub type MetricId = u16;

/// What the host offers to expressions: metric names, their types and allowed values.
pub trait Schema {
    /// The id and type of a metric name, `None` if unknown.
    fn lookup(&self, name: &str) -> Option<(MetricId, Ty)>;
    /// All metric names, for "did you mean" hints.
    fn names(&self) -> Vec<&str>;
    /// The allowed values of a categorical string metric, so a misspelt literal is a load error.
    fn categories(&self, _id: MetricId) -> Option<&[&str]> {
        None
    }
}

/// Why a value is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The row leaves this metric (or an input of it) empty.
    NotReported(MetricId),
    /// A ratio with a zero denominator: the metric whose denominator is zero.
    NotComputable(MetricId),
    /// A division by zero in the expression itself, at this byte offset.
    DivisionByZero(u32),
    /// A ratio too large for a number (1e300 / 1e-300): the metric.
    OutOfRange(MetricId),
}

/// A value during evaluation; strings borrow from the row or the program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Num(f64),
    Str(&'a str),
    Date(NaiveDate),
    Bool(bool),
    Missing(Missing),
}

/// What a recorder receives as the right side of `in` and `starts_with`: the list itself is in
/// [`Atom::list`].
pub const LIST_SIDE: Value<'static> = Value::Missing(Missing::DivisionByZero(u32::MAX));

/// The values a row gives to metrics.
pub trait Row {
    fn metric(&self, id: MetricId) -> Value<'_>;
}

/// An error in an expression: a byte span in its text and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub span: Range<usize>,
    pub message: String,
}

/// A comparison, membership or prefix test in a compiled expression, recorded in traces.
#[derive(Debug, Clone)]
pub struct Atom {
    pub op: AtomOp,
    /// Source text of the left side, e.g. `rd_ratio`.
    pub lhs_text: String,
    /// Source text of the right side, e.g. `0.05` or `["C39", "C40"]`.
    pub rhs_text: String,
    /// The metric when the left side is a bare metric name (what a remedy changes).
    pub lhs_metric: Option<MetricId>,
    /// The metric when the right side is a bare metric name (e.g. `min_far`).
    pub rhs_metric: Option<MetricId>,
    /// Literal values of a list on the right side (`in`, `starts_with`).
    pub list: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtomOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    In,
    NotIn,
    StartsWith,
}

impl AtomOp {
    pub fn symbol(self) -> &'static str {
        match self {
            AtomOp::Lt => "<",
            AtomOp::Le => "<=",
            AtomOp::Gt => ">",
            AtomOp::Ge => ">=",
            AtomOp::Eq => "==",
            AtomOp::Ne => "!=",
            AtomOp::In => "in",
            AtomOp::NotIn => "not in",
            AtomOp::StartsWith => "starts with",
        }
    }
}

/// Receives every test evaluated, with both sides' values: how traces see inside a criterion.
pub trait Recorder<'a> {
    fn atom(&mut self, index: usize, lhs: Value<'a>, rhs: Value<'a>, result: Value<'a>);
}

/// Records nothing: the fast path.
pub struct NoTrace;
impl<'a> Recorder<'a> for NoTrace {
    #[inline(always)]
    fn atom(&mut self, _: usize, _: Value<'a>, _: Value<'a>, _: Value<'a>) {}
}

/// One recorded test.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub atom: usize,
    pub lhs: Value<'a>,
    pub rhs: Value<'a>,
    pub result: Value<'a>,
}

impl<'a> Recorder<'a> for Vec<Recorded<'a>> {
    fn atom(&mut self, atom: usize, lhs: Value<'a>, rhs: Value<'a>, result: Value<'a>) {
        self.push(Recorded {
            atom,
            lhs,
            rhs,
            result,
        });
    }
}

/// A compiled, type-checked expression.
#[derive(Debug, Clone)]
pub struct Program {
    root: compile::Node,
    pub ty: Ty,
    /// Every test in the expression, in source order; `Recorded::atom` indexes this.
    pub atoms: Vec<Atom>,
    /// The metrics the expression reads.
    pub metrics: Vec<MetricId>,
    pub source: String,
}

/// An [`ExprError`] at `span`: the one way every stage reports a fault.
fn err(span: Range<usize>, message: impl Into<String>) -> ExprError {
    ExprError {
        span,
        message: message.into(),
    }
}

impl Program {
    /// Parse, type-check and compile `src`, which must be of type `want` (criteria are boolean).
    ///
    /// ```
    /// use parkplan::rules::expr::{Program, Schema, Row, Value, Ty, MetricId, NoTrace};
    /// struct S;
    /// impl Schema for S {
    ///     fn lookup(&self, n: &str) -> Option<(MetricId, Ty)> { (n == "rd_ratio").then_some((0, Ty::Num)) }
    ///     fn names(&self) -> Vec<&str> { vec!["rd_ratio"] }
    /// }
    /// struct R(f64);
    /// impl Row for R { fn metric(&self, _: MetricId) -> Value<'_> { Value::Num(self.0) } }
    /// let p = Program::compile("rd_ratio >= 5%", &S, Ty::Bool).unwrap();
    /// let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// assert_eq!(p.eval(&R(166.665 / 3333.3), date, &mut NoTrace), Value::Bool(true));
    /// let e = Program::compile("rd_ration >= 5%", &S, Ty::Bool).unwrap_err();
    /// assert!(e[0].message.contains("did you mean `rd_ratio`"));
    /// ```
    pub fn compile(src: &str, schema: &dyn Schema, want: Ty) -> Result<Program, Vec<ExprError>> {
        let toks = lexer::lex(src).map_err(|e| vec![e])?;
        let syn = parser::parse(toks, src)?;
        compile::program(&syn, src, schema, want)
    }

    /// Evaluate on one row at date `today`, reporting every test to `rec`.
    #[inline]
    pub fn eval<'a, R: Row + ?Sized, T: Recorder<'a>>(
        &'a self,
        row: &'a R,
        today: NaiveDate,
        rec: &mut T,
    ) -> Value<'a> {
        eval::eval(&self.root, row, today, rec)
    }
}

/// Compare with the relative tolerance; `None` only for NaN (which evaluation never produces).
pub fn num_cmp(a: f64, b: f64) -> Option<std::cmp::Ordering> {
    if eval::num_eq(a, b) {
        Some(std::cmp::Ordering::Equal)
    } else {
        a.partial_cmp(&b)
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{R, S, row, today};
    use super::*;

    /// Absurdly deep or long expressions are refused with a message, never a stack overflow; the
    /// deepest allowed one still compiles and evaluates.
    #[test]
    fn deep_and_long_expressions_are_refused_not_crashed() {
        let n = 5000;
        let cases = [
            format!("{}revenue >= 1{}", "(".repeat(n), ")".repeat(n)),
            format!("{}true", "not ".repeat(n)),
            format!("{}revenue >= 1", "-".repeat(n)),
            format!("revenue{} >= 1", " + revenue".repeat(10_000)),
            format!("revenue{} >= 1", " + revenue".repeat(400)),
            format!("revenue in [{}1]", "[".repeat(n)),
        ];
        for src in &cases {
            let e = Program::compile(src, &S, Ty::Bool).unwrap_err();
            let msg = &e[0].message;
            assert!(
                msg.contains("nested more than 100 levels") || msg.contains("too long"),
                "{msg}"
            );
        }
        let ok = format!("revenue{} >= 1", " + revenue".repeat(90));
        let p = Program::compile(&ok, &S, Ty::Bool).unwrap();
        assert_eq!(p.eval(&row(), today(), &mut NoTrace), Value::Bool(true));
    }

    const SOUP: &[&str] = &[
        "revenue",
        "rd_expense",
        "level",
        "expiry",
        "code",
        "eval_date",
        "1",
        "0",
        "5%",
        "\"none\"",
        "'C39'",
        "date(\"2026-01-01\")",
        "reported(",
        "min(",
        "abs(",
        "(",
        ")",
        "[",
        "]",
        ",",
        "+",
        "-",
        "*",
        "/",
        "<",
        "<=",
        ">=",
        "==",
        "!=",
        "and",
        "or",
        "not",
        "in",
        "starts_with",
        "true",
    ];

    proptest::proptest! {
        /// Token soup: compiling never panics; what compiles evaluates without panicking, on
        /// present, missing and zero values alike.
        #[test]
        fn token_soup_compiles_or_errs_and_evaluates(toks in proptest::collection::vec(proptest::sample::select(SOUP), 0..14)) {
            let src = toks.join(" ");
            if let Ok(p) = Program::compile(&src, &S, Ty::Bool) {
                let zero = R(vec![Value::Num(0.0), Value::Num(0.0), Value::Str("none"), Value::Date(today()), Value::Str("C3911")]);
                let missing = R(vec![Value::Missing(Missing::NotReported(0)); 5]);
                for r in [&row(), &zero, &missing] {
                    let mut rec = Vec::new();
                    let v = p.eval(r, today(), &mut rec);
                    proptest::prop_assert!(matches!(v, Value::Bool(_) | Value::Missing(_)));
                }
            }
        }

        /// Whatever officials type, compiling never panics, and errors point inside the text.
        #[test]
        fn compile_never_panics(src in "[a-z_0-9 .%<>=!()\\[\\],'\"+*/-]{0,40}") {
            if let Err(es) = Program::compile(&src, &S, Ty::Bool) {
                for e in es {
                    proptest::prop_assert!(e.span.start <= src.len() && e.span.end <= src.len());
                }
            }
        }
    }
}
