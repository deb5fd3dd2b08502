//! Enterprises from a workbook sheet, the way a bureau keeps a registry in Excel.
//!
//! - The header row is the first of the first 30 rows with at least two cells that name
//!   columns, so a title row (or merged title cells) above it is skipped, with a warning.
//! - Each cell becomes the text the CSV reader would see, then goes through the same checks:
//!   a date cell in a date column is that date; a text date may be `YYYY-MM-DD`, `YYYY/M/D` or
//!   `YYYY年M月D日`; a number stored as text is read as the number; a formula gives the value
//!   Excel saved with it; an empty cell is "not reported".
//! - A cell that cannot be what its column holds (a date in a number column, `#DIV/0!`, a
//!   number where a date is expected) is an error naming the sheet, the cell (`B14`) and the
//!   column.
//!
//! The sheet is inflated and parsed on one thread while its cells are read into enterprises on
//! another ([`Workbook::cells`]), so a million-row workbook takes both cores.

use super::header::{Header, Places, read_header};
use super::{Row, RowAt, checked_row};
use crate::error::{InputError, Place, Problems, Warning};
use crate::io::text::WorkbookKind;
use crate::io::workbook::{Value, Workbook, cell_name, column_name};
use crate::metrics::{self, Derivation, Read};
use crate::model::{Enterprise, Registry};
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;

/// How many rows from the top are searched for the header.
const HEADER_SEARCH_ROWS: usize = 30;
/// Reading stops after this many problems.
const MAX_PROBLEMS: usize = 1000;

/// Read the enterprise registry on `sheet` (or the first visible sheet) of a workbook.
pub(super) fn read_workbook(
    path: &Path,
    bytes: Vec<u8>,
    kind: WorkbookKind,
    sheet: Option<&str>,
) -> Result<Registry, Problems> {
    let mut book = Workbook::open(path, bytes, kind)?;
    let sheet = book.choose(path, sheet)?;
    let sheet = sheet.as_str();
    book.cells(path, sheet, |batches| {
        let mut reader = SheetReader::new(path, sheet);
        let mut row: Vec<(u32, Value)> = Vec::new();
        let mut at = None;
        'rows: for batch in batches {
            for (r, c, v) in batch {
                if at != Some(r) {
                    if let Some(a) = at
                        && !reader.row(a, &mut row)
                    {
                        row.clear();
                        break 'rows;
                    }
                    row.clear();
                    at = Some(r);
                }
                row.push((c, v));
            }
        }
        if let Some(a) = at
            && !row.is_empty()
        {
            reader.row(a, &mut row);
        }
        reader.finish()
    })?
}

/// The header, once found: what each sheet column is.
#[derive(Debug)]
struct Found {
    header: Header,
    /// The sheet column of each header field (contiguous, rising).
    cols: Vec<u32>,
    /// How each field's cells are read (`None`: a column the catalogue does not know).
    reads: Vec<Option<Read>>,
    /// Whether each field has a header.
    named: Vec<bool>,
    /// The column name of each field, for messages.
    names: Vec<Option<&'static str>>,
}

impl Found {
    /// The field of sheet column `c`, when it is under a header.
    fn field(&self, c: u32) -> Option<usize> {
        let f = c.checked_sub(*self.cols.first()?)? as usize;
        self.named.get(f).copied().unwrap_or(false).then_some(f)
    }
}

/// Reads a sheet's rows: finds the header, then turns each data row into text as the CSV
/// reader sees it and builds its enterprise.
struct SheetReader<'a> {
    path: &'a Path,
    sheet: &'a str,
    /// Rows seen before the header was found: (row, cell texts by column).
    before: Vec<(u32, Vec<(u32, String)>)>,
    found: Option<Found>,
    problems: Problems,
    warnings: Vec<Warning>,
    enterprises: Vec<Enterprise>,
    seen: HashMap<String, u64>,
    /// Sheet columns with values but no header, warned about once.
    unheaded: Vec<u32>,
    record: csv::StringRecord,
    text: String,
}

impl<'a> SheetReader<'a> {
    fn new(path: &'a Path, sheet: &'a str) -> Self {
        SheetReader {
            path,
            sheet,
            before: Vec::new(),
            found: None,
            problems: Problems::default(),
            warnings: Vec::new(),
            enterprises: Vec::new(),
            seen: HashMap::new(),
            unheaded: Vec::new(),
            record: csv::StringRecord::new(),
            text: String::new(),
        }
    }

    /// Take one row (its cells are put in column order); false stops reading (too many
    /// problems, or a bad header).
    fn row(&mut self, row: u32, cells: &mut [(u32, Value)]) -> bool {
        cells.sort_by_key(|(c, _)| *c);
        if self.found.is_some() {
            self.data_row(row, cells);
            return self.problems.len() <= MAX_PROBLEMS;
        }
        let texts: Vec<(u32, String)> = cells
            .iter()
            .filter(|(_, v)| !v.is_blank())
            .map(|(c, v)| (*c, header_text(v)))
            .collect();
        let known = texts
            .iter()
            .filter(|(_, t)| metrics::column_by_header(t).is_some())
            .count();
        self.before.push((row, texts));
        if known >= 2 {
            return self.take_header(self.before.len() - 1);
        }
        if self.before.len() >= HEADER_SEARCH_ROWS {
            // No header found near the top: take the first row, whose errors then say what
            // is missing; the rows after it are data.
            return self.take_first_row_as_header();
        }
        true
    }

    /// Make buffered row `k` the header; the rows above it are a title, warned about.
    fn take_header(&mut self, k: usize) -> bool {
        let (row, texts) = self.before[k].clone();
        if k > 0 {
            let title: Vec<&str> = self.before[..k]
                .iter()
                .flat_map(|(_, t)| t.iter().map(|(_, s)| s.as_str()))
                .take(3)
                .collect();
            let rows = if k == 1 {
                format!("row {}", self.before[0].0 + 1)
            } else {
                format!("rows {}-{}", self.before[0].0 + 1, self.before[k - 1].0 + 1)
            };
            self.warnings.push(Warning(InputError::new(
                self.path,
                self.sheet_row(row),
                None,
                format!(
                    "the header is on row {}; {rows} above it ({}) are taken as a title and skipped",
                    row + 1,
                    title.join(" / ")
                ),
            )));
        }
        let ok = self.set_header(row, &texts);
        self.before.clear();
        ok
    }

    fn take_first_row_as_header(&mut self) -> bool {
        let rest: Vec<(u32, Vec<(u32, String)>)> = self.before.drain(1..).collect();
        if !self.take_header(0) {
            return false;
        }
        for (row, texts) in rest {
            let cells: Vec<(u32, Value)> = texts
                .into_iter()
                .map(|(c, t)| (c, Value::Text(Cow::Owned(t))))
                .collect();
            self.data_row(row, &cells);
        }
        true
    }

    fn sheet_row(&self, row: u32) -> Place {
        Place::SheetRow {
            sheet: self.sheet.to_string(),
            row: u64::from(row) + 1,
        }
    }

    /// Read the header row `row`; false when it has problems (they are recorded).
    fn set_header(&mut self, row: u32, texts: &[(u32, String)]) -> bool {
        let (Some(first), Some(last)) = (texts.first(), texts.last()) else {
            return false;
        };
        let cols: Vec<u32> = (first.0..=last.0).collect();
        let by_col: HashMap<u32, &str> = texts.iter().map(|(c, t)| (*c, t.as_str())).collect();
        let cells: Vec<&str> = cols
            .iter()
            .map(|c| by_col.get(c).copied().unwrap_or(""))
            .collect();
        let sheet = self.sheet;
        let header = read_header(
            self.path,
            &cells,
            &Places {
                row: self.sheet_row(row),
                cell: &|i| Place::Cell {
                    sheet: sheet.to_string(),
                    cell: cell_name(row, cols[i]),
                },
                column: &|i| format!("column {}", column_name(cols[i])),
            },
        );
        let mut header = match header {
            Ok(h) => h,
            Err(p) => {
                self.problems.extend(p);
                return false;
            }
        };
        // Header cells left empty are warned about only when values sit under them.
        header
            .warnings
            .retain(|w| !w.0.message.ends_with("has no header, ignored"));
        self.warnings.append(&mut header.warnings);
        let mut reads = vec![None; cols.len()];
        let mut names = vec![None; cols.len()];
        for (id, d) in metrics::columns() {
            if let (Some(f), Derivation::Column(read)) = (header.at[id as usize], d.derivation) {
                reads[f] = Some(read);
                names[f] = Some(d.name);
            }
        }
        let named = cells.iter().map(|c| !c.trim().is_empty()).collect();
        self.found = Some(Found {
            header,
            cols,
            reads,
            named,
            names,
        });
        true
    }

    /// Read one data row into an enterprise (or problems). Rows without any value are skipped.
    fn data_row(&mut self, row: u32, cells: &[(u32, Value)]) {
        let Some(found) = &self.found else { return };
        if cells.iter().all(|(_, v)| v.is_blank()) {
            return;
        }
        let first_problem = self.problems.len();
        self.record.clear();
        let mut next = 0; // the next field to push: cells come in column order
        for (c, v) in cells {
            let Some(f) = found.field(*c) else {
                if !v.is_blank() && !self.unheaded.contains(c) {
                    self.unheaded.push(*c);
                    self.warnings.push(Warning(InputError::new(
                        self.path,
                        Place::Cell {
                            sheet: self.sheet.to_string(),
                            cell: cell_name(row, *c),
                        },
                        None,
                        format!(
                            "column {} has values but no header; ignored",
                            column_name(*c)
                        ),
                    )));
                }
                continue;
            };
            let Some(read) = found.reads[f] else {
                continue; // an unknown column: ignored, as warned
            };
            while next < f {
                self.record.push_field("");
                next += 1;
            }
            self.text.clear();
            if let Err(msg) = cell_text(v, read, &mut self.text) {
                self.problems.push(InputError::new(
                    self.path,
                    Place::Cell {
                        sheet: self.sheet.to_string(),
                        cell: cell_name(row, *c),
                    },
                    found.names[f],
                    msg,
                ));
                self.text.clear();
            }
            self.record.push_field(&self.text);
            next += 1;
        }
        while next < found.cols.len() {
            self.record.push_field("");
            next += 1;
        }
        let mut r = Row {
            path: self.path,
            at: RowAt::Sheet {
                sheet: self.sheet,
                row,
                cols: &found.cols,
            },
            record: &self.record,
            cols: &found.header.at,
            problems: &mut self.problems,
        };
        if let Some(e) = checked_row(&mut r, &mut self.seen, "row", &mut self.warnings) {
            self.enterprises.push(e);
        }
        // The row's problems from reading cells and from checking values, left to right.
        self.problems.0[first_problem..].sort_by_key(|p| match &p.place {
            Place::Cell { cell, .. } => {
                let letters = cell.trim_end_matches(|c: char| c.is_ascii_digit());
                (letters.len(), letters.to_string())
            }
            _ => (0, String::new()),
        });
    }

    fn finish(mut self) -> Result<Registry, Problems> {
        if self.found.is_none() && !self.before.is_empty() && self.problems.is_empty() {
            self.take_first_row_as_header();
        }
        let Some(found) = self.found else {
            if self.problems.is_empty() {
                self.problems.push(InputError::file(
                    self.path,
                    format!(
                        "sheet {:?} is empty: expected a header row (at least id, name) and one row per enterprise",
                        self.sheet
                    ),
                ));
            }
            return Err(self.problems);
        };
        self.problems.into_result(Registry {
            enterprises: self.enterprises,
            warnings: self.warnings,
            columns: found.header.columns,
        })
    }
}

/// A header cell's text.
fn header_text(v: &Value) -> String {
    let mut s = String::new();
    match v {
        Value::Text(t) => s.push_str(t.trim()),
        other => {
            let _ = cell_text(other, Read::Text, &mut s);
        }
    }
    s
}

/// The text the CSV reader would see for a cell of a column read as `read`, into `out`; an
/// error says why the cell cannot be such a value.
fn cell_text(v: &Value, read: Read, out: &mut String) -> Result<(), String> {
    use std::fmt::Write;
    match v {
        Value::Empty => {}
        Value::Text(t) => out.push_str(t),
        &Value::Float(x) => match read {
            Read::Date => {
                return Err(format!(
                    "expected a date, got the number {x}: format the cell as a date, or write it as YYYY-MM-DD"
                ));
            }
            // The shortest text that reads back as the same number (ryu: fast, exact).
            Read::Number { .. } if x.is_finite() => {
                out.push_str(ryu::Buffer::new().format_finite(x));
            }
            _ => {
                let _ = write!(out, "{x}");
            }
        },
        &Value::Int(i) => {
            if read == Read::Date {
                return Err(format!(
                    "expected a date, got the number {i}: format the cell as a date, or write it as YYYY-MM-DD"
                ));
            }
            let _ = write!(out, "{i}");
        }
        &Value::Bool(b) => out.push_str(if b { "true" } else { "false" }),
        Value::DateTime(d) => {
            let Some(dt) = d.as_datetime() else {
                return Err(format!(
                    "expected a date, got the date number {} that no calendar date has",
                    d.as_f64()
                ));
            };
            let date = dt.date().format("%Y-%m-%d");
            match read {
                Read::Date | Read::Text => {
                    let _ = write!(out, "{date}");
                }
                _ => {
                    return Err(format!(
                        "expected {}, got a date cell ({date}): the cell is formatted as a date; format it as a number",
                        expected(read)
                    ));
                }
            }
        }
        Value::DateIso(t) => match read {
            Read::Date => out.push_str(t.get(..10).unwrap_or(t)),
            Read::Text => out.push_str(t),
            _ => {
                return Err(format!(
                    "expected {}, got a date cell ({t}): format the cell as a number",
                    expected(read)
                ));
            }
        },
        Value::DurationIso(t) => {
            return Err(format!("expected {}, got a duration ({t})", expected(read)));
        }
        Value::Error(e) => {
            return Err(format!(
                "the cell holds the error {e}: expected {}, or an empty cell for not reported (fix the formula or clear the cell)",
                expected(read)
            ));
        }
    }
    Ok(())
}

/// What a column of this kind holds, for messages.
fn expected(read: Read) -> &'static str {
    match read {
        Read::Text => "text",
        Read::Number { .. } => "a number",
        Read::IndustryCode => "an industry code",
        Read::HightechLevel => "a certification level",
        Read::Date => "a date",
        Read::PollutionClass => "a pollution class",
        Read::Flag => "true or false",
    }
}
