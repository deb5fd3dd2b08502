//! Enterprise registries from CSV or a workbook: English headers or their Chinese aliases,
//! every cell validated, every bad cell reported with its row and line (CSV) or its sheet and
//! cell (workbook) and its column name.
//!
//! A CSV may be in any encoding Excel writes ([`crate::io::text`]), comma- or tab-separated
//! (Excel's "Unicode text" is tab-separated UTF-16). A workbook's sheet is read by
//! `sheet.rs`: the header row found below a title, dates as dates, numbers stored as text as
//! numbers, formulas by their saved value.

mod header;
pub mod needs;
mod parallel;
mod sheet;

pub use header::headers_table;
pub(crate) use header::near_misses;
use header::{Header, Places, read_header};
pub(crate) use parallel::for_each_chunk;
use parallel::{PARALLEL_BYTES, read_parallel};

use crate::error::{InputError, Place, Problems, Warning};
use crate::io::text::{self, Content};
use crate::metrics::{self, MetricId, m};
use crate::model::{Enterprise, Registry};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// How to read an enterprise file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The workbook sheet to read (default: the first visible one); refused for a CSV.
    pub sheet: Option<String>,
}

/// An enterprise file as opened: CSV text (to stream or read) or a workbook already read.
#[derive(Debug)]
pub enum Opened {
    /// CSV text, with the warning about its encoding when it was not UTF-8.
    Csv {
        text: String,
        warning: Option<Warning>,
    },
    Workbook(Registry),
}

/// Open an enterprise file: a workbook by its contents (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`,
/// `.ods`), else text in an encoding Excel writes; anything else (a zip, a Shapefile, an
/// image) is refused, named for what it is.
pub fn open(path: &Path, options: &ReadOptions) -> Result<Opened, Problems> {
    match text::sniff(text::read_bytes(path)?) {
        Content::Workbook(kind, bytes) => {
            sheet::read_workbook(path, bytes, kind, options.sheet.as_deref()).map(Opened::Workbook)
        }
        Content::Text(t) => {
            if options.sheet.is_some() {
                return Err(InputError::file(
                    path,
                    "is a CSV, not a workbook: --sheet only applies to workbooks",
                )
                .into());
            }
            let warning = text::decoded_warning(path, t.encoding);
            Ok(Opened::Csv {
                text: t.text,
                warning,
            })
        }
        Content::Binary(what) => Err(InputError::file(
            path,
            format!(
                "is {what}; an enterprise registry is a CSV or a workbook (.xlsx, .xlsm, .xls, .ods)"
            ),
        )
        .into()),
    }
}

/// Enterprises from a CSV file or a workbook's first sheet.
pub fn load_enterprises(path: &Path) -> Result<Registry, Problems> {
    load_enterprises_with(path, &ReadOptions::default())
}

/// Enterprises from a CSV file or a workbook, read as `options` say.
pub fn load_enterprises_with(path: &Path, options: &ReadOptions) -> Result<Registry, Problems> {
    match open(path, options)? {
        Opened::Workbook(r) => Ok(r),
        Opened::Csv { text, warning } => {
            let mut r = read_enterprises(path, &text)?;
            r.warnings.splice(0..0, warning);
            Ok(r)
        }
    }
}

/// The header of CSV text, read as the loaders read it (its columns and their near misses),
/// for a command to check the columns it needs before streaming the rows.
pub fn csv_columns(path: &Path, text: &str) -> Result<crate::model::Columns, Problems> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(empty_file(path).into());
    }
    let mut reader = csv_reader(text).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| header_error(path, e))?;
    Ok(csv_header(path, headers)?.columns)
}

/// The csv reader settings for `text`: comma-separated, or tab-separated when its first line
/// has tabs and no commas (Excel's "Unicode text").
fn csv_reader(text: &str) -> csv::ReaderBuilder {
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(delimiter).flexible(false);
    b
}

fn empty_file(path: &Path) -> InputError {
    InputError::file(
        path,
        "the file is empty: expected a header row (at least id,name) and one row per enterprise",
    )
}

fn header_error(path: &Path, e: csv::Error) -> InputError {
    InputError::new(
        path,
        Place::Line(1),
        None,
        format!("cannot read the header: {e}"),
    )
}

/// A CSV header row read against the catalogue.
fn csv_header(path: &Path, headers: &csv::StringRecord) -> Result<Header, Problems> {
    let cells: Vec<&str> = headers.iter().collect();
    read_header(
        path,
        &cells,
        &Places {
            row: Place::Line(1),
            cell: &|_| Place::Line(1),
            column: &|i| format!("column {}", i + 1),
        },
    )
}

/// Editor line numbers of byte offsets, asked in increasing order: the csv crate's own line
/// count misses line breaks inside quoted fields of a CRLF file.
struct LineCounter<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            pos: 0,
            line: 1,
        }
    }
    /// The 1-based line of byte offset `byte` (not before the last one asked).
    fn at(&mut self, byte: u64) -> u64 {
        let mut to = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .clamp(self.pos, self.bytes.len());
        // After a CRLF the csv crate puts the next record at its `\n`; a record never starts
        // with a line break (blank lines are skipped), so step over them.
        while to < self.bytes.len() && matches!(self.bytes[to], b'\r' | b'\n') {
            to += 1;
        }
        self.line += self.bytes[self.pos..to]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.pos = to;
        self.line
    }
}

/// Where a row is, for messages.
#[derive(Debug, Clone, Copy)]
enum RowAt<'a> {
    /// A CSV record: its row as a spreadsheet numbers it (header = 1) and the editor line it
    /// starts on.
    Csv { row: u64, line: u64 },
    /// A workbook row: the sheet, the 0-based row, and the 0-based sheet column of each field.
    Sheet {
        sheet: &'a str,
        row: u32,
        cols: &'a [u32],
    },
}

impl RowAt<'_> {
    /// The place of field `field` of the row (the row itself in a CSV).
    fn place(&self, field: Option<usize>) -> Place {
        match *self {
            RowAt::Csv { row, line } => Place::Record { row, line },
            RowAt::Sheet { sheet, row, cols } => match field.and_then(|f| cols.get(f)) {
                Some(&c) => Place::Cell {
                    sheet: sheet.to_string(),
                    cell: crate::io::workbook::cell_name(row, c),
                },
                None => Place::SheetRow {
                    sheet: sheet.to_string(),
                    row: u64::from(row) + 1,
                },
            },
        }
    }
    /// The number users see for the row: the editor line of a CSV record, the sheet row.
    fn line(&self) -> u64 {
        match *self {
            RowAt::Csv { line, .. } => line,
            RowAt::Sheet { row, .. } => u64::from(row) + 1,
        }
    }
}

struct Row<'a> {
    path: &'a Path,
    at: RowAt<'a>,
    record: &'a csv::StringRecord,
    /// File position of each column, by metric id.
    cols: &'a [Option<usize>],
    problems: &'a mut Problems,
}

impl<'a> Row<'a> {
    /// The trimmed text of a column, `None` when the file lacks it or the cell is empty.
    fn cell(&self, id: MetricId) -> Option<&'a str> {
        let i = (*self.cols.get(id as usize)?)?;
        let v = self.record.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }
    /// The place of column `id` in this row.
    fn place(&self, id: MetricId) -> Place {
        self.at.place(self.cols.get(id as usize).copied().flatten())
    }
    fn bad(&mut self, id: MetricId, msg: String) {
        let place = self.place(id);
        self.problems.push(InputError::new(
            self.path,
            place,
            Some(metrics::metric(id).name),
            msg,
        ));
    }
}

/// Enterprises from CSV text; `path` is used in messages only.
///
/// ```
/// let csv = "id,name,revenue,rd_expense\nE1,温州甲科技,3333.3,\n";
/// let reg = parkplan::io::enterprises::read_enterprises("e.csv".as_ref(), csv).unwrap();
/// assert_eq!(reg.enterprises[0].revenue_10k_yuan, Some(3333.3));
/// assert_eq!(reg.enterprises[0].rd_expense_10k_yuan, None); // not reported, not zero
/// ```
pub fn read_enterprises(path: &Path, text: &str) -> Result<Registry, Problems> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(empty_file(path).into());
    }
    if text.len() >= PARALLEL_BYTES
        && let Some(registry) = read_parallel(path, text)
    {
        return Ok(registry);
    }
    read_sequential(path, text)
}

/// The reference reader: one record after another, every problem collected.
fn read_sequential(path: &Path, text: &str) -> Result<Registry, Problems> {
    let mut reader = csv_reader(text).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| header_error(path, e))?.clone();
    let Header {
        at,
        mut warnings,
        columns,
    } = csv_header(path, &headers)?;
    let mut problems = Problems::default();
    let mut enterprises = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text.as_bytes());
    let mut rows = 1;
    loop {
        rows += 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!(
                        "has {len} fields where the header has {expected_len}: expected one value per column (a value with a comma or a line break needs double quotes)"
                    ),
                    _ => format!("malformed CSV: {e}"),
                };
                problems.push(InputError::new(
                    path,
                    Place::Record { row: rows, line },
                    None,
                    message,
                ));
                if problems.len() > 1000 {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        let mut row = Row {
            path,
            at: RowAt::Csv { row: rows, line },
            record: &record,
            cols: &at,
            problems: &mut problems,
        };
        if let Some(e) = checked_row(&mut row, &mut seen, "line", &mut warnings) {
            enterprises.push(e);
        }
    }
    problems.into_result(Registry {
        enterprises,
        warnings,
        columns,
    })
}

/// One row's enterprise with its id checked: present, and not seen before in the file (`seen`
/// records the line or row, `unit` says which); `None` when it has no id.
fn checked_row(
    row: &mut Row,
    seen: &mut HashMap<String, u64>,
    unit: &str,
    warnings: &mut Vec<Warning>,
) -> Option<Enterprise> {
    let Some(id) = row
        .cell(m::ID)
        .map(crate::io::cell::restore)
        .map(str::to_string)
    else {
        row.bad(m::ID, "missing: every enterprise needs a unique id".into());
        return None;
    };
    if let Some(prev) = seen.insert(id.clone(), row.at.line()) {
        row.bad(m::ID, format!("duplicate id {id:?}: also on {unit} {prev}"));
    }
    Some(build(row, id, warnings))
}

/// One row's enterprise, every cell validated into `row.problems` (the caller checks the id).
fn build(row: &mut Row, id: String, warnings: &mut Vec<Warning>) -> Enterprise {
    let path = row.path;
    let mut e = Enterprise {
        line: row.at.line(),
        id,
        ..Enterprise::default()
    };
    let mut bad = Vec::new();
    e.read_columns(|c| row.cell(c), |c, msg| bad.push((c, msg)));
    if crate::io::cell::restore(&e.name).len() != e.name.len() {
        e.name = crate::io::cell::restore(&e.name).to_string();
    }
    for (c, msg) in bad {
        row.bad(c, msg);
    }
    if e.lon.is_some_and(|v| v > 180.0) {
        row.bad(
            m::LON,
            format!(
                "expected a WGS84 longitude in [-180, 180], got {}",
                e.lon.unwrap()
            ),
        );
    }
    if e.lat.is_some_and(|v| v > 90.0) {
        row.bad(
            m::LAT,
            format!(
                "expected a WGS84 latitude in [-90, 90], got {}",
                e.lat.unwrap()
            ),
        );
    }
    if e.lon.is_some() != e.lat.is_some() {
        row.bad(
            if e.lon.is_some() { m::LAT } else { m::LON },
            "a site needs both lon and lat, or neither".into(),
        );
    }
    let inconsistent = [
        (
            m::HIGHTECH_REVENUE,
            e.hightech_revenue_10k_yuan,
            "revenue",
            e.revenue_10k_yuan,
        ),
        (m::RD_STAFF, e.rd_staff, "staff", e.staff),
    ];
    for (part_col, part, whole_col, whole) in inconsistent {
        if let (Some(p), Some(w)) = (part, whole)
            && p > w
        {
            warnings.push(Warning(InputError::new(
                path,
                row.place(part_col),
                Some(metrics::metric(part_col).name),
                format!("{p} is above {whole_col} {w}; evaluated as given"),
            )));
        }
    }
    e
}

/// Write enterprises as CSV with the canonical English headers; missing values stay empty, and
/// a text that a spreadsheet would run as a formula is neutralised ([`crate::io::cell`]).
pub fn write_enterprises(w: &mut dyn Write, enterprises: &[Enterprise]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(metrics::columns().map(|(_, d)| d.name))?;
    for e in enterprises {
        let cells: Vec<_> = metrics::columns()
            .map(|(id, _)| e.cell(id).text())
            .collect();
        let safe: Vec<_> = cells
            .iter()
            .map(|c| crate::io::cell::neutralise(c))
            .collect();
        out.write_record(safe.iter().map(|c| c.as_bytes()))?;
    }
    out.flush()
}
