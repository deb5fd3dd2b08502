//! The lexer: expression text -> tokens with byte spans, the first stage of the pipeline.

use super::{ExprError, err};
use std::ops::Range;

/// A token; identifiers include the keywords, which the parser tells apart.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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

/// How an error message names a token.
pub(super) fn describe(t: &Tok) -> String {
    match t {
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string {s:?}"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::End => "the end of the expression".into(),
        other => format!("`{}`", punct(other)),
    }
}

/// The source text of an operator or punctuation token (`?` for the others).
pub(super) fn punct(t: &Tok) -> &'static str {
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

/// Cut `src` into tokens with their byte spans, ending with [`Tok::End`].
pub(super) fn lex(src: &str) -> Result<Vec<(Tok, Range<usize>)>, ExprError> {
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
