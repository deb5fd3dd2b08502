//! Errors that point at the place in the user's file where the problem is.
//!
//! Every bad input becomes an [`InputError`]: file, place (CSV line, GeoJSON feature, TOML
//! line and column), field, and a message that quotes the value and says what was expected.
//! Loaders collect all of them ([`Problems`]) so a user fixes a file in one pass.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The whole file.
    File,
    /// A CSV line, 1-based as an editor shows it (the header is line 1).
    Line(u64),
    /// A CSV record: its row as a spreadsheet shows it (the header is row 1) and the line it
    /// starts on in a text editor; they differ after a quoted field with a line break.
    Record { row: u64, line: u64 },
    /// A GeoJSON feature: 0-based index in `features`, and its `id` property when it has one.
    Feature { index: usize, id: Option<String> },
    /// A text position, 1-based line and column (TOML, JSON syntax, rule expressions).
    Position { line: usize, column: usize },
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => Ok(()),
            Place::Line(n) => write!(f, "row {n} (line {n})"),
            Place::Record { row, line } => write!(f, "row {row} (line {line})"),
            Place::Feature {
                index,
                id: Some(id),
            } => write!(f, "feature {index} (id {id:?})"),
            Place::Feature { index, id: None } => write!(f, "feature {index}"),
            Place::Position { line, column } => write!(f, "line {line}, column {column}"),
        }
    }
}

/// One problem with a user's input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    pub place: Place,
    /// The column, property or key at fault, when there is one.
    pub field: Option<String>,
    pub message: String,
}

impl InputError {
    pub fn new(
        file: impl AsRef<Path>,
        place: Place,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            file: file.as_ref().to_path_buf(),
            place,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    /// A problem with the file as a whole (unreadable, wrong encoding, empty).
    pub fn file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Self::new(file, Place::File, None, message)
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.place != Place::File {
            write!(f, ": {}", self.place)?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// All the problems found in one or more input files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<InputError>);

impl Problems {
    pub fn push(&mut self, e: InputError) {
        self.0.push(e);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }
    /// `Ok(value)` when nothing was found, else every problem.
    pub fn into_result<T>(self, value: T) -> Result<T, Problems> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<InputError> for Problems {
    fn from(e: InputError) -> Self {
        Problems(vec![e])
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// A warning about an input that still loads (inconsistent rows, an empty sensitive-areas file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning(pub InputError);

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "warning: {}", self.0)
    }
}

/// The library's top-level error: bad input (exit status 2) or a failure of another kind
/// (exit status 1), each keeping its source.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Every problem found in the user's files (and arguments that name files).
    #[error("{0}")]
    Input(#[from] Problems),
    /// Reading or writing a file failed for a reason that is not the user's path (a full disk).
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The allocation's solver failed (infeasible side constraints, no solution in time).
    #[error(transparent)]
    Solver(#[from] crate::allocate::SolverError),
    /// Drawing a map or chart failed.
    #[error(transparent)]
    Render(#[from] crate::render::RenderError),
    /// Writing a JSON document failed.
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(e.into())
    }
}

impl Error {
    /// The process exit status the CLI uses for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            _ => 1,
        }
    }
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

/// 1-based line and column of a byte offset in `src`, for span-carrying errors (TOML, JSON, rules).
pub(crate) fn line_column(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src[..src.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Widest source line a message shows whole; a longer one is cut to this many characters
/// around the column, so a pathological rule (ten thousand parentheses) still gives a short
/// message.
const SNIPPET_CHARS: usize = 100;

/// The source line at 1-based `line` with a caret under `column`, for rule-file errors.
pub(crate) fn caret_snippet(src: &str, line: usize, column: usize) -> String {
    let full: Vec<char> = src
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .chars()
        .collect();
    let col = column.saturating_sub(1).min(full.len());
    // The window shown: the whole line, or SNIPPET_CHARS around the column with `…` marks.
    let (from, to) = if full.len() <= SNIPPET_CHARS {
        (0, full.len())
    } else {
        let from = col.saturating_sub(SNIPPET_CHARS / 2);
        (from, (from + SNIPPET_CHARS).min(full.len()))
    };
    let mut text: String = full[from..to].iter().collect();
    let mut pad = String::new();
    if from > 0 {
        text.insert(0, '…');
        pad.push(' ');
    }
    if to < full.len() {
        text.push('…');
    }
    // Pad with what precedes the caret: tabs stay tabs and wide (CJK) characters become an
    // ideographic space, so the caret lines up under Chinese descriptions too.
    pad.extend(full[from..col].iter().map(|&c| match c {
        '\t' => '\t',
        c if ('\u{1100}'..='\u{115F}').contains(&c)
            || ('\u{2E80}'..='\u{A4CF}').contains(&c)
            || ('\u{AC00}'..='\u{D7A3}').contains(&c)
            || ('\u{F900}'..='\u{FAFF}').contains(&c)
            || ('\u{FE30}'..='\u{FE4F}').contains(&c)
            || ('\u{FF00}'..='\u{FF60}').contains(&c) =>
        {
            '\u{3000}'
        }
        _ => ' ',
    }));
    format!("{text}\n{pad}^")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let src = format!("x = '{}y'", "(".repeat(5000));
        let snippet = caret_snippet(&src, 1, 5006);
        let lines: Vec<&str> = snippet.lines().collect();
        assert!(
            lines[0].chars().count() <= SNIPPET_CHARS + 2,
            "{}",
            lines[0]
        );
        assert!(lines[0].starts_with('…') && lines[0].ends_with("y'"));
        let caret = lines[1].chars().count() - 1;
        assert_eq!(lines[0].chars().nth(caret), Some('y'));
    }

    #[test]
    fn caret_lines_up_under_chinese_text() {
        let src = "a = 1\nzh = \"研发\" + x\n";
        let col = "zh = \"研发\" + ".chars().count() + 1;
        assert_eq!(line_column(src, src.find('x').unwrap()), (2, col));
        assert_eq!(
            caret_snippet(src, 2, col),
            "zh = \"研发\" + x\n      \u{3000}\u{3000}    ^"
        );
    }
}
