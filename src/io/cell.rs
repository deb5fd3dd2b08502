//! Text cells that spreadsheets take as text: how parkplan writes tables for Excel.
//!
//! Excel (and LibreOffice, WPS) runs a cell that starts with `=`, `+`, `-` or `@` as a formula,
//! and one starting with a tab or carriage return can hide one, so an enterprise named
//! `=HYPERLINK("http://x.example","click")` would become a live link in `screen.csv`. Following
//! OWASP's advice on CSV injection, such a cell is written with a leading apostrophe (`'=HYPER…`),
//! which spreadsheets show as text; numbers (`-12.5`) are left alone. The full-width forms
//! (`＝＋－＠`), which some input methods turn into formulas, are treated the same way.
//!
//! The escape can be undone exactly ([`restore`]): a cell that already starts with apostrophes
//! before such a character gets one more, so reading a parkplan table back gives the original
//! text. CSV files start with a UTF-8 byte-order mark ([`BOM`]) so Excel reads them as UTF-8,
//! not as the system's GBK.
//!
//! ```
//! use parkplan::io::cell::{neutralise, restore};
//! assert_eq!(neutralise("=1+1"), "'=1+1");
//! assert_eq!(neutralise("-12.5"), "-12.5"); // a number stays a number
//! assert_eq!(neutralise("温州甲科技"), "温州甲科技");
//! assert_eq!(restore(&neutralise("'=1+1")), "'=1+1");
//! ```

use std::borrow::Cow;

/// The UTF-8 byte-order mark every CSV starts with unless asked not to.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Characters that make a spreadsheet read a cell as a formula (OWASP), with the full-width
/// forms some input methods produce.
const TRIGGERS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// Whether `s` would be taken for a formula (after any leading apostrophes), and is not a number.
pub fn needs_escape(s: &str) -> bool {
    let Some(first) = s.trim_start_matches('\'').chars().next() else {
        return false;
    };
    if !TRIGGERS.contains(&first) {
        return false;
    }
    // A number such as -12.5 or +3 is a value, not a formula; only plain decimal numbers count
    // (`-inf` and `-nan` are text to a spreadsheet).
    !(s == s.trim_start_matches('\'')
        && s.parse::<f64>().is_ok_and(f64::is_finite)
        && s.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E')))
}

/// The text as written in a table: an apostrophe in front when it would run as a formula.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if needs_escape(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The text a [`neutralise`]d cell held: the apostrophe it added taken off.
pub fn restore(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_escape(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_escaped_and_restored() {
        for s in [
            "=HYPERLINK(\"http://x.example\",\"click\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "-2+3",
            "\t=1",
            "\r=1",
            "＝1+1",
            "'=1",
            "''@x",
        ] {
            let n = neutralise(s);
            assert!(n.starts_with('\''), "{s:?} -> {n:?}");
            assert_eq!(restore(&n), s);
        }
        for s in ["-12.5", "+3", "1e5", "AP-001", "温州", "'quoted'", "", "-"] {
            if s == "-" {
                assert_eq!(neutralise(s), "'-");
                continue;
            }
            assert_eq!(neutralise(s), s, "{s:?}");
            assert_eq!(restore(s), s);
        }
        assert_eq!(neutralise("-inf"), "'-inf");
    }
}
