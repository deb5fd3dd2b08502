//! The parser: tokens -> untyped syntax tree, by recursive descent, one method per precedence
//! level (`or`, `and`, `not`, comparisons, `+ -`, `* /`, unary minus, primaries).

use super::lexer::{Tok, describe};
use super::{ExprError, err};
use std::ops::Range;

/// The most tokens an expression may have: rule expressions are short, and a cap keeps an
/// absurd one (a sum of ten thousand terms) from costing memory and time at every row.
pub const MAX_TOKENS: usize = 1000;
/// The deepest an expression may nest (parentheses, `not`, unary minus, and each operator of a
/// chain such as `a + b + c`): compiling and evaluating recurse once per level, so a cap keeps
/// them far from the stack's limit.
pub const MAX_DEPTH: u32 = 100;

/// Parse the whole token list into one expression: an empty expression, trailing tokens, more
/// than [`MAX_TOKENS`] tokens and nesting deeper than [`MAX_DEPTH`] are errors.
pub(super) fn parse(toks: Vec<(Tok, Range<usize>)>, src: &str) -> Result<Syn, Vec<ExprError>> {
    // The end marker is a token of its own.
    if toks.len() > MAX_TOKENS + 1 {
        return Err(vec![err(
            0..src.len(),
            format!(
                "expression too long: {} tokens, at most {MAX_TOKENS}; split it into several criteria or tiers",
                toks.len() - 1
            ),
        )]);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
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
    Ok(syn)
}

/// A node of the untyped syntax tree, with its span in the source.
#[derive(Debug, Clone)]
pub(super) struct Syn {
    pub(super) kind: SynKind,
    /// Bytes of the source text this node covers.
    pub(super) span: Range<usize>,
    /// Levels of nesting below and including this node (a leaf is 1).
    pub(super) depth: u32,
}

impl Syn {
    /// The node's children, for its depth.
    fn children(kind: &SynKind) -> Vec<&Syn> {
        match kind {
            SynKind::Num(_) | SynKind::Str(_) | SynKind::Bool(_) | SynKind::Ident(_) => vec![],
            SynKind::Call(_, v) | SynKind::List(v) => v.iter().collect(),
            SynKind::Neg(a) | SynKind::Not(a) => vec![a],
            SynKind::Bin(_, a, b)
            | SynKind::And(a, b)
            | SynKind::Or(a, b)
            | SynKind::In(a, b, _)
            | SynKind::StartsWith(a, b) => vec![a, b],
        }
    }
}

/// The syntactic forms; `Bin` holds the operator token of arithmetic and comparisons.
#[derive(Debug, Clone)]
pub(super) enum SynKind {
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

/// A cursor over the tokens; each method parses one precedence level, loosest first.
struct Parser {
    toks: Vec<(Tok, Range<usize>)>,
    pos: usize,
    /// How many recursive descents (parentheses, lists, calls, `not`, unary minus) are open.
    depth: u32,
}

/// Keywords, which are not values (but `true` and `false` are).
const KEYWORDS: &[&str] = &["and", "or", "not", "in", "starts_with", "true", "false"];

/// The error for an expression nested deeper than [`MAX_DEPTH`].
fn too_deep(span: Range<usize>) -> ExprError {
    err(
        span,
        format!(
            "expression nested more than {MAX_DEPTH} levels deep (parentheses, `not`, unary minus, chained operators); split it into several criteria or tiers"
        ),
    )
}

impl Parser {
    /// A node over `kind`, refused when it nests deeper than [`MAX_DEPTH`].
    fn node(&self, kind: SynKind, span: Range<usize>) -> Result<Syn, ExprError> {
        let depth = 1 + Syn::children(&kind)
            .iter()
            .map(|c| c.depth)
            .max()
            .unwrap_or(0);
        if depth > MAX_DEPTH {
            return Err(too_deep(span));
        }
        Ok(Syn { kind, span, depth })
    }
    /// Run `f` one recursive level down, refusing to go deeper than [`MAX_DEPTH`] (before the
    /// recursion could exhaust the stack).
    fn nested(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<Syn, ExprError>,
    ) -> Result<Syn, ExprError> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep(self.span()));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }
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
            l = self.node(SynKind::Or(Box::new(l), Box::new(r)), span)?;
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.not()?;
        while self.is_kw("and") {
            self.next();
            let r = self.not()?;
            let span = l.span.start..r.span.end;
            l = self.node(SynKind::And(Box::new(l), Box::new(r)), span)?;
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Syn, ExprError> {
        if self.is_kw("not") {
            let start = self.next().1.start;
            let e = self.nested(|p| p.not())?;
            let span = start..e.span.end;
            return self.node(SynKind::Not(Box::new(e)), span);
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
            return self.node(SynKind::Bin(op, Box::new(l), Box::new(r)), span);
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
            return self.node(SynKind::In(Box::new(l), Box::new(r), negated), span);
        }
        if self.is_kw("starts_with") {
            self.next();
            let r = self.add()?;
            let span = l.span.start..r.span.end;
            return self.node(SynKind::StartsWith(Box::new(l), Box::new(r)), span);
        }
        Ok(l)
    }
    fn add(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.mul()?;
        while matches!(self.peek(), Tok::Plus | Tok::Minus) {
            let op = self.next().0;
            let r = self.mul()?;
            let span = l.span.start..r.span.end;
            l = self.node(SynKind::Bin(op, Box::new(l), Box::new(r)), span)?;
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<Syn, ExprError> {
        let mut l = self.unary()?;
        while matches!(self.peek(), Tok::Star | Tok::Slash) {
            let op = self.next().0;
            let r = self.unary()?;
            let span = l.span.start..r.span.end;
            l = self.node(SynKind::Bin(op, Box::new(l), Box::new(r)), span)?;
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Syn, ExprError> {
        if *self.peek() == Tok::Minus {
            let start = self.next().1.start;
            let e = self.nested(|p| p.unary())?;
            let span = start..e.span.end;
            return self.node(SynKind::Neg(Box::new(e)), span);
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Syn, ExprError> {
        let (tok, span) = self.next();
        let kind = match tok {
            Tok::Num(v) => SynKind::Num(v),
            Tok::Str(s) => SynKind::Str(s),
            Tok::LParen => {
                let e = self.nested(|p| p.or())?;
                let end = self.expect(Tok::RParen, "`)`")?.end;
                return Ok(Syn {
                    kind: e.kind,
                    span: span.start..end,
                    depth: e.depth,
                });
            }
            Tok::LBracket => {
                let mut items = Vec::new();
                if *self.peek() != Tok::RBracket {
                    loop {
                        items.push(self.nested(|p| p.or())?);
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
                return self.node(SynKind::List(items), span.start..end);
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
                            args.push(self.nested(|p| p.or())?);
                            if *self.peek() == Tok::Comma {
                                self.next();
                            } else {
                                break;
                            }
                        }
                    }
                    let end = self.expect(Tok::RParen, "`,` or `)`")?.end;
                    return self.node(SynKind::Call(name, args), span.start..end);
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
        self.node(kind, span)
    }
}
