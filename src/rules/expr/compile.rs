//! The type checker and compiler: untyped syntax tree -> typed [`Node`] tree, checked against
//! the host's [`Schema`], with every test recorded as an [`Atom`] for traces.

use super::lexer::{Tok, punct};
use super::parser::{Syn, SynKind};
use super::{Atom, AtomOp, ExprError, MetricId, Program, Schema, Ty, err};
use chrono::NaiveDate;
use std::ops::Range;

/// A node of a compiled expression: typed, metric names resolved to ids, every test numbered
/// by its atom, every division by its byte offset (for `Missing::DivisionByZero`).
#[derive(Debug, Clone)]
pub(super) enum Node {
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

/// An arithmetic operator of [`Node::Arith`].
#[derive(Debug, Clone, Copy)]
pub(super) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Type-check and compile a parsed expression of `src`, which must be of type `want`; every
/// error found is reported, not just the first.
pub(super) fn program(
    syn: &Syn,
    src: &str,
    schema: &dyn Schema,
    want: Ty,
) -> Result<Program, Vec<ExprError>> {
    let mut c = Compiler {
        schema,
        src,
        errors: Vec::new(),
        atoms: Vec::new(),
        metrics: Vec::new(),
    };
    let (root, ty) = c.compile(syn);
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

/// Compilation state: the errors, atoms and metrics found so far.
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
    /// Report an error at `span` and give a placeholder node of unknown type.
    fn fail(&mut self, span: &Range<usize>, message: String) -> (Node, Option<Ty>) {
        self.errors.push(err(span.clone(), message));
        (Node::Bool(false), None)
    }

    /// The source text of a syntax node, as messages and atoms quote it.
    fn text(&self, s: &Syn) -> String {
        self.src[s.span.clone()].to_string()
    }

    /// The metric a syntax node names, when it is a bare metric name.
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
            SynKind::Ident(name) => self.ident(s, name),
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
            SynKind::And(a, b) => self.logic(true, a, b),
            SynKind::Or(a, b) => self.logic(false, a, b),
            SynKind::Bin(op, a, b) => self.binary(s, op, a, b),
            SynKind::In(a, b, negated) => self.membership(a, b, *negated),
            SynKind::StartsWith(a, b) => self.starts_with(a, b),
            SynKind::Call(name, args) => self.call(s, name, args),
        }
    }

    /// `eval_date` or a metric name; an unknown name is an error naming the nearest known one.
    fn ident(&mut self, s: &Syn, name: &str) -> (Node, Option<Ty>) {
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

    /// `a and b` (`and` true) or `a or b`: both sides boolean.
    fn logic(&mut self, and: bool, a: &Syn, b: &Syn) -> (Node, Option<Ty>) {
        let word = if and { "`and`" } else { "`or`" };
        let (na, ta) = self.compile(a);
        self.want(a, ta, Ty::Bool, word);
        let (nb, tb) = self.compile(b);
        self.want(b, tb, Ty::Bool, word);
        let node = if and {
            Node::And(Box::new(na), Box::new(nb))
        } else {
            Node::Or(Box::new(na), Box::new(nb))
        };
        (node, Some(Ty::Bool))
    }

    /// `a in [...]` / `a not in [...]`: a number or string against a list of the same type.
    fn membership(&mut self, a: &Syn, b: &Syn, negated: bool) -> (Node, Option<Ty>) {
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
            if negated { AtomOp::NotIn } else { AtomOp::In },
            a,
            b,
            items,
        );
        (Node::In(Box::new(na), nodes, negated, atom), Some(Ty::Bool))
    }

    /// `a starts_with p` or `a starts_with [p, ...]`: strings only.
    fn starts_with(&mut self, a: &Syn, b: &Syn) -> (Node, Option<Ty>) {
        let (na, ta) = self.compile(a);
        self.want(a, ta, Ty::Str, "`starts_with`");
        let items: Vec<Syn> = match &b.kind {
            SynKind::List(items) => items.clone(),
            _ => vec![b.clone()],
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

    /// Report a type mismatch when `got` is known and is not `want`; `ctx` names the operator.
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

    /// Record a test for traces; its index goes into the compiled node.
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

    /// Arithmetic (`+ - * /`, and `date - date` in days) or a comparison.
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

    /// A call of `date`, `reported`, `abs`, `min` or `max`, with its arity checked.
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::S;
    use super::super::{Program, Ty};

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
}
