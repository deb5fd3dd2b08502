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
    root: Node,
    pub ty: Ty,
    /// Every test in the expression, in source order; `Recorded::atom` indexes this.
    pub atoms: Vec<Atom>,
    /// The metrics the expression reads.
    pub metrics: Vec<MetricId>,
    pub source: String,
}

#[derive(Debug, Clone)]
enum Node {
    Num(f64),
    Str(Box<str>),
    Date(NaiveDate),
    Bool(bool),
    Metric(MetricId),
    EvalDate,
    Neg(Box<Node>),
    Not(Box<Node>),
    Arith(Arith, Box<Node>, Box<Node>, u32),
    DateDiff(Box<Node>, Box<Node>),
    Cmp(AtomOp, Box<Node>, Box<Node>, usize),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    In(Box<Node>, Vec<Node>, bool, usize),
    StartsWith(Box<Node>, Vec<Node>, usize),
    Reported(Box<Node>),
    MinMax(bool, Box<Node>, Box<Node>),
    Abs(Box<Node>),
}

#[derive(Debug, Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ident(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    End,
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string {s:?}"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::End => "the end of the expression".into(),
        other => format!("`{}`", punct(other)),
    }
}

fn punct(t: &Tok) -> &'static str {
    match t {
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::LBracket => "[",
        Tok::RBracket => "]",
        Tok::Comma => ",",
        Tok::Plus => "+",
        Tok::Minus => "-",
        Tok::Star => "*",
        Tok::Slash => "/",
        Tok::Lt => "<",
        Tok::Le => "<=",
        Tok::Gt => ">",
        Tok::Ge => ">=",
        Tok::EqEq => "==",
        Tok::Ne => "!=",
        _ => "?",
    }
}

fn err(span: Range<usize>, message: impl Into<String>) -> ExprError {
    ExprError {
        span,
        message: message.into(),
    }
}

fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let tok = if c.is_ascii_digit()
            || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = src[start..i].chars().filter(|&c| c != '_').collect();
            let mut v: f64 = text
                .parse()
                .map_err(|_| err(start..i, format!("{:?} is not a number", &src[start..i])))?;
            if i < b.len() && b[i] == b'%' {
                i += 1;
                v /= 100.0;
            }
            Tok::Num(v)
        } else if c == b'"' || c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            if i >= b.len() {
                return Err(err(
                    start..b.len(),
                    "unterminated string: add the closing quote",
                ));
            }
            i += 1;
            Tok::Str(src[start + 1..i - 1].to_string())
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            Tok::Ident(src[start..i].to_string())
        } else {
            let two = b.get(i + 1).copied();
            let (t, n) = match (c, two) {
                (b'<', Some(b'=')) => (Tok::Le, 2),
                (b'>', Some(b'=')) => (Tok::Ge, 2),
                (b'=', Some(b'=')) => (Tok::EqEq, 2),
                (b'!', Some(b'=')) => (Tok::Ne, 2),
                (b'<', _) => (Tok::Lt, 1),
                (b'>', _) => (Tok::Gt, 1),
                (b'(', _) => (Tok::LParen, 1),
                (b')', _) => (Tok::RParen, 1),
                (b'[', _) => (Tok::LBracket, 1),
                (b']', _) => (Tok::RBracket, 1),
                (b',', _) => (Tok::Comma, 1),
                (b'+', _) => (Tok::Plus, 1),
                (b'-', _) => (Tok::Minus, 1),
                (b'*', _) => (Tok::Star, 1),
                (b'/', _) => (Tok::Slash, 1),
                (b'=', _) => {
                    return Err(err(
                        i..i + 1,
                        "`=` is not an operator: write `==` to compare",
                    ));
                }
                (b'&', _) | (b'|', _) => return Err(err(i..i + 1, "write `and` / `or` for logic")),
                (b'!', _) => return Err(err(i..i + 1, "write `not` for negation")),
                _ => {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return Err(err(
                        i..i + ch.len_utf8(),
                        format!("unexpected character {ch:?}"),
                    ));
                }
            };
            i += n;
            t
        };
        out.push((tok, start..i));
    }
    out.push((Tok::End, b.len()..b.len()));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Parser: tokens -> untyped syntax tree

#[derive(Debug, Clone)]
struct Syn {
    kind: SynKind,
    span: Range<usize>,
}

#[derive(Debug, Clone)]
enum SynKind {
    Num(f64),
    Str(String),
    Bool(bool),
    Ident(String),
    Call(String, Vec<Syn>),
    List(Vec<Syn>),
    Neg(Box<Syn>),
    Not(Box<Syn>),
    Bin(Tok, Box<Syn>, Box<Syn>),
    And(Box<Syn>, Box<Syn>),
    Or(Box<Syn>, Box<Syn>),
    In(Box<Syn>, Box<Syn>, bool),
    StartsWith(Box<Syn>, Box<Syn>),
}

struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
}

const KEYWORDS: &[&str] = &["and", "or", "not", "in", "starts_with", "true", "false"];

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn span(&self) -> Range<usize> {
        self.toks[self.pos].1.clone()
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn next(&mut self) -> (Tok, Range<usize>) {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<Range<usize>, ExprError> {
        if *self.peek() == t {
            Ok(self.next().1)
        } else {
            Err(err(
                self.span(),
                format!("expected {what}, found {}", describe(self.peek())),
            ))
        }
    }

    fn or(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.and()?;
        while self.is_kw("or") {
            self.next();
            let r = self.and()?;
            let span = l.span.start..r.span.end;
            l = Syn {
                kind: SynKind::Or(Box::new(l), Box::new(r)),
                span,
            };
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.not()?;
        while self.is_kw("and") {
            self.next();
            let r = self.not()?;
            let span = l.span.start..r.span.end;
            l = Syn {
                kind: SynKind::And(Box::new(l), Box::new(r)),
                span,
            };
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Syn, ExprError> {
        if self.is_kw("not") {
            let start = self.next().1.start;
            let e = self.not()?;
            let span = start..e.span.end;
            return Ok(Syn {
                kind: SynKind::Not(Box::new(e)),
                span,
            });
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Syn, ExprError> {
        let l = self.add()?;
        let op = self.peek().clone();
        if matches!(
            op,
            Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne
        ) {
            self.next();
            let r = self.add()?;
            let span = l.span.start..r.span.end;
            if matches!(
                self.peek(),
                Tok::Lt | Tok::Le | Tok::Gt | Tok::Ge | Tok::EqEq | Tok::Ne
            ) {
                return Err(err(
                    self.span(),
                    "comparisons do not chain: write `a <= x and x <= b`",
                ));
            }
            return Ok(Syn {
                kind: SynKind::Bin(op, Box::new(l), Box::new(r)),
                span,
            });
        }
        let negated =
            self.is_kw("not") && matches!(&self.toks[self.pos + 1].0, Tok::Ident(s) if s == "in");
        if negated {
            self.next();
        }
        if self.is_kw("in") {
            self.next();
            let r = self.add()?;
            let span = l.span.start..r.span.end;
            return Ok(Syn {
                kind: SynKind::In(Box::new(l), Box::new(r), negated),
                span,
            });
        }
        if self.is_kw("starts_with") {
            self.next();
            let r = self.add()?;
            let span = l.span.start..r.span.end;
            return Ok(Syn {
                kind: SynKind::StartsWith(Box::new(l), Box::new(r)),
                span,
            });
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.mul()?;
        while matches!(self.peek(), Tok::Plus | Tok::Minus) {
            let op = self.next().0;
            let r = self.mul()?;
            let span = l.span.start..r.span.end;
            l = Syn {
                kind: SynKind::Bin(op, Box::new(l), Box::new(r)),
                span,
            };
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.unary()?;
        while matches!(self.peek(), Tok::Star | Tok::Slash) {
            let op = self.next().0;
            let r = self.unary()?;
            let span = l.span.start..r.span.end;
            l = Syn {
                kind: SynKind::Bin(op, Box::new(l), Box::new(r)),
                span,
            };
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Syn, ExprError> {
        if *self.peek() == Tok::Minus {
            let start = self.next().1.start;
            let e = self.unary()?;
            let span = start..e.span.end;
            return Ok(Syn {
                kind: SynKind::Neg(Box::new(e)),
                span,
            });
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Syn, ExprError> {
        let (tok, span) = self.next();
        let kind = match tok {
            Tok::Num(v) => SynKind::Num(v),
            Tok::Str(s) => SynKind::Str(s),
            Tok::LParen => {
                let e = self.or()?;
                let end = self.expect(Tok::RParen, "`)`")?.end;
                return Ok(Syn {
                    kind: e.kind,
                    span: span.start..end,
                });
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if *self.peek() != Tok::RBracket {
                    loop {
                        items.push(self.or()?);
                        if *self.peek() == Tok::Comma {
                            self.next();
                            if *self.peek() == Tok::RBracket {
                                break;
                            }
                        } else {
                            break;
                        }
                    }
                }
                let end = self.expect(Tok::RBracket, "`,` or `]`")?.end;
                return Ok(Syn {
                    kind: SynKind::List(items),
                    span: span.start..end,
                });
            }
            Tok::Ident(name) => match name.as_str() {
                "true" => SynKind::Bool(true),
                "false" => SynKind::Bool(false),
                kw if KEYWORDS.contains(&kw) => {
                    return Err(err(
                        span,
                        format!("expected a value, found the keyword `{kw}`"),
                    ));
                }
                _ if *self.peek() == Tok::LParen => {
                    self.next();
                    let mut args = Vec::new();
                    if *self.peek() != Tok::RParen {
                        loop {
                            args.push(self.or()?);
                            if *self.peek() == Tok::Comma {
                                self.next();
                            } else {
                                break;
                            }
                        }
                    }
                    let end = self.expect(Tok::RParen, "`,` or `)`")?.end;
                    return Ok(Syn {
                        kind: SynKind::Call(name, args),
                        span: span.start..end,
                    });
                }
                _ => SynKind::Ident(name),
            },
            other => {
                return Err(err(
                    span,
                    format!("expected a value, found {}", describe(&other)),
                ));
            }
        };
        Ok(Syn { kind, span })
    }
}

// ---------------------------------------------------------------------------------------------
// Type checker and compiler: syntax tree -> typed Node

struct Compiler<'s> {
    schema: &'s dyn Schema,
    src: &'s str,
    errors: Vec<ExprError>,
    atoms: Vec<Atom>,
    metrics: Vec<MetricId>,
}

/// Edit distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

impl Compiler<'_> {
    fn fail(&mut self, span: &Range<usize>, message: String) -> (Node, Option<Ty>) {
        self.errors.push(err(span.clone(), message));
        (Node::Bool(false), None)
    }

    fn text(&self, s: &Syn) -> String {
        self.src[s.span.clone()].to_string()
    }

    fn metric_of(&self, s: &Syn) -> Option<MetricId> {
        match &s.kind {
            SynKind::Ident(n) => self.schema.lookup(n).map(|(id, _)| id),
            _ => None,
        }
    }

    /// Compile `s`; `None` type means an error was already reported.
    fn compile(&mut self, s: &Syn) -> (Node, Option<Ty>) {
        match &s.kind {
            SynKind::Num(v) => (Node::Num(*v), Some(Ty::Num)),
            SynKind::Str(v) => (Node::Str(v.as_str().into()), Some(Ty::Str)),
            SynKind::Bool(v) => (Node::Bool(*v), Some(Ty::Bool)),
            SynKind::Ident(name) => {
                if name == "eval_date" {
                    return (Node::EvalDate, Some(Ty::Date));
                }
                match self.schema.lookup(name) {
                    Some((id, ty)) => {
                        if !self.metrics.contains(&id) {
                            self.metrics.push(id);
                        }
                        (Node::Metric(id), Some(ty))
                    }
                    None => {
                        let names = self.schema.names();
                        let best = names.iter().map(|n| (distance(name, n), *n)).min();
                        let hint = match best {
                            Some((d, n)) if d <= 3 => format!(" (did you mean `{n}`?)"),
                            _ => String::new(),
                        };
                        self.fail(
                            &s.span,
                            format!("unknown metric `{name}`{hint}; the README lists the metrics"),
                        )
                    }
                }
            }
            SynKind::List(_) => self.fail(
                &s.span,
                "a list is only allowed after `in` or `starts_with`".into(),
            ),
            SynKind::Neg(e) => {
                let (n, t) = self.compile(e);
                self.want(e, t, Ty::Num, "`-`");
                (Node::Neg(Box::new(n)), Some(Ty::Num))
            }
            SynKind::Not(e) => {
                let (n, t) = self.compile(e);
                self.want(e, t, Ty::Bool, "`not`");
                (Node::Not(Box::new(n)), Some(Ty::Bool))
            }
            SynKind::And(a, b) | SynKind::Or(a, b) => {
                let word = if matches!(s.kind, SynKind::And(..)) {
                    "`and`"
                } else {
                    "`or`"
                };
                let (na, ta) = self.compile(a);
                self.want(a, ta, Ty::Bool, word);
                let (nb, tb) = self.compile(b);
                self.want(b, tb, Ty::Bool, word);
                let node = if matches!(s.kind, SynKind::And(..)) {
                    Node::And(Box::new(na), Box::new(nb))
                } else {
                    Node::Or(Box::new(na), Box::new(nb))
                };
                (node, Some(Ty::Bool))
            }
            SynKind::Bin(op, a, b) => self.binary(s, op, a, b),
            SynKind::In(a, b, negated) => {
                let (na, ta) = self.compile(a);
                let SynKind::List(items) = &b.kind else {
                    return self.fail(&b.span, "expected a list `[...]` after `in`".into());
                };
                if let Some(t) = ta
                    && !matches!(t, Ty::Num | Ty::Str)
                {
                    self.errors.push(err(
                        a.span.clone(),
                        format!("`in` tests a number or a string, not a {t}"),
                    ));
                }
                let mut nodes = Vec::new();
                for it in items {
                    let (n, t) = self.compile(it);
                    if let (Some(ta), Some(t)) = (ta, t)
                        && ta != t
                    {
                        self.errors.push(err(
                            it.span.clone(),
                            format!(
                                "type mismatch: list item is a {t}, but `{}` is a {ta}",
                                self.text(a)
                            ),
                        ));
                    }
                    self.check_category(a, it);
                    nodes.push(n);
                }
                let atom = self.atom(
                    if *negated { AtomOp::NotIn } else { AtomOp::In },
                    a,
                    b,
                    items,
                );
                (
                    Node::In(Box::new(na), nodes, *negated, atom),
                    Some(Ty::Bool),
                )
            }
            SynKind::StartsWith(a, b) => {
                let (na, ta) = self.compile(a);
                self.want(a, ta, Ty::Str, "`starts_with`");
                let items: Vec<Syn> = match &b.kind {
                    SynKind::List(items) => items.clone(),
                    _ => vec![(**b).clone()],
                };
                let mut nodes = Vec::new();
                for it in &items {
                    let (n, t) = self.compile(it);
                    self.want(it, t, Ty::Str, "`starts_with`");
                    nodes.push(n);
                }
                let atom = self.atom(AtomOp::StartsWith, a, b, &items);
                (Node::StartsWith(Box::new(na), nodes, atom), Some(Ty::Bool))
            }
            SynKind::Call(name, args) => self.call(s, name, args),
        }
    }

    fn want(&mut self, s: &Syn, got: Option<Ty>, want: Ty, ctx: &str) {
        if let Some(got) = got
            && got != want
        {
            self.errors.push(err(
                s.span.clone(),
                format!(
                    "type mismatch: {ctx} needs a {want}, but `{}` is a {got}",
                    self.text(s)
                ),
            ));
        }
    }

    /// A string literal compared with a categorical metric must be one of its values.
    fn check_category(&mut self, metric: &Syn, lit: &Syn) {
        let (Some(id), SynKind::Str(v)) = (self.metric_of(metric), &lit.kind) else {
            return;
        };
        if let Some(allowed) = self.schema.categories(id)
            && !allowed.iter().any(|a| a.eq_ignore_ascii_case(v.trim()))
        {
            self.errors.push(err(
                lit.span.clone(),
                format!(
                    "`{}` is never {v:?}: its values are {}",
                    self.text(metric),
                    allowed.join(", ")
                ),
            ));
        }
    }

    fn atom(&mut self, op: AtomOp, a: &Syn, b: &Syn, items: &[Syn]) -> usize {
        let list = items
            .iter()
            .map(|i| match &i.kind {
                SynKind::Str(s) => s.clone(),
                _ => self.text(i),
            })
            .collect();
        self.atoms.push(Atom {
            op,
            lhs_text: self.text(a),
            rhs_text: self.text(b),
            lhs_metric: self.metric_of(a),
            rhs_metric: self.metric_of(b),
            list,
        });
        self.atoms.len() - 1
    }

    fn binary(&mut self, s: &Syn, op: &Tok, a: &Syn, b: &Syn) -> (Node, Option<Ty>) {
        let (na, ta) = self.compile(a);
        let (nb, tb) = self.compile(b);
        let sym = punct(op);
        match op {
            Tok::Plus | Tok::Minus | Tok::Star | Tok::Slash => {
                if *op == Tok::Minus && ta == Some(Ty::Date) && tb == Some(Ty::Date) {
                    return (Node::DateDiff(Box::new(na), Box::new(nb)), Some(Ty::Num));
                }
                self.want(a, ta, Ty::Num, &format!("`{sym}`"));
                self.want(b, tb, Ty::Num, &format!("`{sym}`"));
                let ar = match op {
                    Tok::Plus => Arith::Add,
                    Tok::Minus => Arith::Sub,
                    Tok::Star => Arith::Mul,
                    _ => Arith::Div,
                };
                (
                    Node::Arith(ar, Box::new(na), Box::new(nb), s.span.start as u32),
                    Some(Ty::Num),
                )
            }
            _ => {
                let aop = match op {
                    Tok::Lt => AtomOp::Lt,
                    Tok::Le => AtomOp::Le,
                    Tok::Gt => AtomOp::Gt,
                    Tok::Ge => AtomOp::Ge,
                    Tok::EqEq => AtomOp::Eq,
                    _ => AtomOp::Ne,
                };
                if let (Some(ta), Some(tb)) = (ta, tb) {
                    if ta != tb {
                        self.errors.push(err(
                            s.span.clone(),
                            format!(
                                "type mismatch: cannot compare `{}` (a {ta}) with `{}` (a {tb})",
                                self.text(a),
                                self.text(b)
                            ),
                        ));
                    } else if matches!(ta, Ty::Str | Ty::Bool)
                        && !matches!(aop, AtomOp::Eq | AtomOp::Ne)
                    {
                        self.errors.push(err(
                            s.span.clone(),
                            format!("a {ta} can only be compared with == or !=, not {sym}"),
                        ));
                    }
                }
                self.check_category(a, b);
                self.check_category(b, a);
                let atom = self.atom(aop, a, b, &[]);
                (
                    Node::Cmp(aop, Box::new(na), Box::new(nb), atom),
                    Some(Ty::Bool),
                )
            }
        }
    }

    fn call(&mut self, s: &Syn, name: &str, args: &[Syn]) -> (Node, Option<Ty>) {
        let arity =
            match name {
                "date" | "reported" | "abs" => 1,
                "min" | "max" => 2,
                _ => return self.fail(
                    &s.span,
                    format!(
                        "unknown function `{name}`: the functions are date, reported, min, max, abs"
                    ),
                ),
            };
        if args.len() != arity {
            return self.fail(
                &s.span,
                format!("`{name}` takes {arity} argument(s), got {}", args.len()),
            );
        }
        match name {
            "date" => match &args[0].kind {
                SynKind::Str(t) => {
                    let shaped =
                        t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
                    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                        Ok(d) if shaped => (Node::Date(d), Some(Ty::Date)),
                        _ => self.fail(
                            &args[0].span,
                            format!("expected a date as \"YYYY-MM-DD\", got {t:?}"),
                        ),
                    }
                }
                _ => self.fail(
                    &args[0].span,
                    "`date` takes a string literal \"YYYY-MM-DD\"".into(),
                ),
            },
            "reported" => {
                if !matches!(args[0].kind, SynKind::Ident(_)) {
                    return self.fail(&args[0].span, "`reported` takes a metric name".into());
                }
                let (n, _) = self.compile(&args[0]);
                (Node::Reported(Box::new(n)), Some(Ty::Bool))
            }
            "abs" => {
                let (n, t) = self.compile(&args[0]);
                self.want(&args[0], t, Ty::Num, "`abs`");
                (Node::Abs(Box::new(n)), Some(Ty::Num))
            }
            _ => {
                let (a, ta) = self.compile(&args[0]);
                let (b, tb) = self.compile(&args[1]);
                self.want(&args[0], ta, Ty::Num, &format!("`{name}`"));
                self.want(&args[1], tb, Ty::Num, &format!("`{name}`"));
                (
                    Node::MinMax(name == "max", Box::new(a), Box::new(b)),
                    Some(Ty::Num),
                )
            }
        }
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
        let toks = lex(src).map_err(|e| vec![e])?;
        let mut p = Parser { toks, pos: 0 };
        if *p.peek() == Tok::End {
            return Err(vec![err(0..src.len(), "empty expression")]);
        }
        let syn = p.or().map_err(|e| vec![e])?;
        if *p.peek() != Tok::End {
            return Err(vec![err(
                p.span(),
                format!(
                    "expected an operator or the end, found {}",
                    describe(p.peek())
                ),
            )]);
        }
        let mut c = Compiler {
            schema,
            src,
            errors: Vec::new(),
            atoms: Vec::new(),
            metrics: Vec::new(),
        };
        let (root, ty) = c.compile(&syn);
        if let Some(ty) = ty
            && ty != want
        {
            c.errors.push(err(
                syn.span.clone(),
                format!("type mismatch: expected a {want} expression, but this is a {ty}"),
            ));
        }
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        Ok(Program {
            root,
            ty: want,
            atoms: c.atoms,
            metrics: c.metrics,
            source: src.to_string(),
        })
    }

    /// Evaluate on one row at date `today`, reporting every test to `rec`.
    #[inline]
    pub fn eval<'a, R: Row + ?Sized, T: Recorder<'a>>(
        &'a self,
        row: &'a R,
        today: NaiveDate,
        rec: &mut T,
    ) -> Value<'a> {
        eval(&self.root, row, today, rec)
    }
}

fn num_eq(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_TOLERANCE * a.abs().max(b.abs())
}

/// Compare with the relative tolerance; `None` only for NaN (which evaluation never produces).
pub fn num_cmp(a: f64, b: f64) -> Option<std::cmp::Ordering> {
    if num_eq(a, b) {
        Some(std::cmp::Ordering::Equal)
    } else {
        a.partial_cmp(&b)
    }
}

fn str_eq(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn eval<'a, R: Row + ?Sized, T: Recorder<'a>>(
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
        Node::Arith(op, a, b, at) => match (eval(a, row, today, rec), eval(b, row, today, rec)) {
            (Num(x), Num(y)) => {
                let v = match op {
                    Arith::Add => x + y,
                    Arith::Sub => x - y,
                    Arith::Mul => x * y,
                    Arith::Div => {
                        if y == 0.0 {
                            return Missing(self::Missing::DivisionByZero(*at));
                        }
                        x / y
                    }
                };
                if v.is_finite() {
                    Num(v)
                } else {
                    Missing(self::Missing::DivisionByZero(*at))
                }
            }
            (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
            _ => Missing(self::Missing::DivisionByZero(*at)),
        },
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
        Node::And(a, b) => {
            let l = eval(a, row, today, rec);
            if l == Bool(false) {
                return l;
            }
            let r = eval(b, row, today, rec);
            match (l, r) {
                (_, Bool(false)) => Bool(false),
                (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
                _ => Bool(true),
            }
        }
        Node::Or(a, b) => {
            let l = eval(a, row, today, rec);
            if l == Bool(true) {
                return l;
            }
            let r = eval(b, row, today, rec);
            match (l, r) {
                (_, Bool(true)) => Bool(true),
                (m @ Missing(_), _) | (_, m @ Missing(_)) => m,
                _ => Bool(false),
            }
        }
        Node::In(a, items, negated, atom) => {
            let l = eval(a, row, today, rec);
            let res = match l {
                Missing(_) => l,
                _ => {
                    let mut found = false;
                    let mut missing = None;
                    for it in items {
                        match compare(AtomOp::Eq, l, eval(it, row, today, rec)) {
                            Bool(true) => {
                                found = true;
                                break;
                            }
                            m @ Missing(_) => missing = missing.or(Some(m)),
                            _ => {}
                        }
                    }
                    match (found, missing) {
                        (true, _) => Bool(!negated),
                        (false, Some(m)) => m,
                        (false, None) => Bool(*negated),
                    }
                }
            };
            rec.atom(*atom, l, LIST_SIDE, res);
            res
        }
        Node::StartsWith(a, items, atom) => {
            let l = eval(a, row, today, rec);
            let res = match l {
                Str(s) => {
                    let hit = items.iter().any(|it| match eval(it, row, today, rec) {
                        Str(p) => {
                            s.len() >= p.len()
                                && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
                        }
                        _ => false,
                    });
                    Bool(hit)
                }
                other => other,
            };
            rec.atom(*atom, l, LIST_SIDE, res);
            res
        }
        Node::Reported(e) => Bool(!matches!(eval(e, row, today, rec), Missing(_))),
    }
}

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
    use super::*;

    struct S;
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
    struct R(Vec<Value<'static>>);
    impl Row for R {
        fn metric(&self, id: MetricId) -> Value<'_> {
            self.0[id as usize]
        }
    }
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()
    }
    fn run(src: &str, row: &R) -> Value<'static> {
        let p = Program::compile(src, &S, Ty::Bool).unwrap();
        let v = p.eval(row, today(), &mut NoTrace);
        // Values borrowed from the program are not needed outside; copy the simple ones.
        match v {
            Value::Bool(b) => Value::Bool(b),
            Value::Missing(m) => Value::Missing(m),
            _ => unreachable!(),
        }
    }
    fn row() -> R {
        R(vec![
            Value::Num(3333.3),
            Value::Num(166.665),
            Value::Str("municipal"),
            Value::Date(today()),
            Value::Str("C3911"),
        ])
    }

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

    #[test]
    fn errors_point_at_the_fault() {
        let e = Program::compile("revenue >= 5000 and level == 3", &S, Ty::Bool).unwrap_err();
        assert_eq!(e[0].span, 20..30);
        assert!(
            e[0].message
                .contains("cannot compare `level` (a string) with `3` (a number)"),
            "{}",
            e[0].message
        );
        let e = Program::compile("revenue >= ", &S, Ty::Bool).unwrap_err();
        assert_eq!(e[0].span, 11..11);
        let e = Program::compile("revenue = 5", &S, Ty::Bool).unwrap_err();
        assert_eq!(e[0].span, 8..9);
        let e = Program::compile("level == \"provincal\"", &S, Ty::Bool).unwrap_err();
        assert!(
            e[0].message
                .contains("its values are none, municipal, national")
        );
        let e = Program::compile("revenue + 1", &S, Ty::Bool).unwrap_err();
        assert!(e[0].message.contains("expected a boolean expression"));
        let e = Program::compile("1 < revenue < 2", &S, Ty::Bool).unwrap_err();
        assert!(e[0].message.contains("do not chain"));
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
