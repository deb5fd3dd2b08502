//! Enterprise registries from CSV: English headers or their Chinese aliases, UTF-8 with or
//! without BOM, every cell validated, every bad cell reported with its line and column name.

mod parallel;

pub(crate) use parallel::for_each_chunk;
use parallel::{PARALLEL_BYTES, read_parallel};

use crate::error::{InputError, Place, Problems, Warning};
use crate::metrics::{self, MetricId, m};
use crate::model::{Enterprise, Registry};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// File position of each column, indexed by its metric id (`None`: the file lacks it).
type Positions = Vec<Option<usize>>;

/// The file position of each catalogue column, from the header row.
fn header_map(
    path: &Path,
    headers: &csv::StringRecord,
    problems: &mut Problems,
    warnings: &mut Vec<Warning>,
) -> Positions {
    let mut at: Positions = vec![None; metrics::COLUMN_COUNT];
    for (i, h) in headers.iter().enumerate() {
        match metrics::column_by_header(h) {
            Some(id) => {
                if at[id as usize].replace(i).is_some() {
                    problems.push(InputError::new(
                        path,
                        Place::Line(1),
                        Some(h),
                        format!("column {} appears twice", metrics::metric(id).name),
                    ));
                }
            }
            // Excel leaves trailing empty header cells after a deleted column.
            None if metrics::normalise_header(h).is_empty() => {
                warnings.push(Warning(InputError::new(
                    path,
                    Place::Line(1),
                    None,
                    format!("column {} has no header, ignored", i + 1),
                )))
            }
            None => warnings.push(Warning(InputError::new(
                path,
                Place::Line(1),
                Some(h),
                "unknown column, ignored (see the README for the accepted names)",
            ))),
        }
    }
    for required in [m::ID, m::NAME] {
        if at[required as usize].is_none() {
            problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(metrics::metric(required).name),
                "required column is missing",
            ));
        }
    }
    at
}

/// The header's column positions and its warnings (unknown, unnamed and absent columns), or
/// its problems (a column twice, a required one missing): what both readers start from.
fn header_columns(
    path: &Path,
    headers: &csv::StringRecord,
) -> Result<(Positions, Vec<Warning>), Problems> {
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let at = header_map(path, headers, &mut problems, &mut warnings);
    if !problems.is_empty() {
        return Err(problems);
    }
    warnings.extend(absent_columns(path, &at));
    Ok((at, warnings))
}

/// Enterprises from a CSV file.
pub fn load_enterprises(path: &Path) -> Result<Registry, Problems> {
    let text = crate::io::read_utf8(path)?;
    read_enterprises(path, &text)
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

struct Row<'a> {
    path: &'a Path,
    /// Spreadsheet row (header = 1) and editor line the record starts on.
    row: u64,
    line: u64,
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
    fn bad(&mut self, id: MetricId, msg: String) {
        self.problems.push(InputError::new(
            self.path,
            Place::Record {
                row: self.row,
                line: self.line,
            },
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
        return Err(InputError::file(
            path,
            "the file is empty: expected a header row (at least id,name) and one row per enterprise",
        )
        .into());
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
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(InputError::new(
                path,
                Place::Line(1),
                None,
                format!("cannot read the header: {e}"),
            )
            .into());
        }
    };
    let (at, mut warnings) = header_columns(path, &headers)?;
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
            row: rows,
            line,
            record: &record,
            cols: &at,
            problems: &mut problems,
        };
        let Some(id) = row.cell(m::ID).map(str::to_string) else {
            row.bad(m::ID, "missing: every enterprise needs a unique id".into());
            continue;
        };
        if let Some(prev) = seen.insert(id.clone(), line) {
            row.bad(m::ID, format!("duplicate id {id:?}: also on line {prev}"));
        }
        let e = build(&mut row, id, &mut warnings);
        enterprises.push(e);
    }
    problems.into_result(Registry {
        enterprises,
        warnings,
    })
}

/// One row's enterprise, every cell validated into `row.problems` (the caller checks the id).
fn build(row: &mut Row, id: String, warnings: &mut Vec<Warning>) -> Enterprise {
    let (path, line, row_no) = (row.path, row.line, row.row);
    let mut e = Enterprise {
        line,
        id,
        ..Enterprise::default()
    };
    let mut bad = Vec::new();
    e.read_columns(|c| row.cell(c), |c, msg| bad.push((c, msg)));
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
            "hightech_revenue",
            e.hightech_revenue_10k_yuan,
            "revenue",
            e.revenue_10k_yuan,
        ),
        ("rd_staff", e.rd_staff, "staff", e.staff),
    ];
    for (part_col, part, whole_col, whole) in inconsistent {
        if let (Some(p), Some(w)) = (part, whole)
            && p > w
        {
            warnings.push(Warning(InputError::new(
                path,
                Place::Record { row: row_no, line },
                Some(part_col),
                format!("{p} is above {whole_col} {w}; evaluated as given"),
            )));
        }
    }
    e
}

/// The warning for columns the file does not have.
fn absent_columns(path: &Path, at: &[Option<usize>]) -> Option<Warning> {
    let absent: Vec<&str> = metrics::columns()
        .filter(|(id, _)| at[*id as usize].is_none())
        .map(|(_, d)| d.name)
        .collect();
    (!absent.is_empty()).then(|| {
        Warning(InputError::new(
            path,
            Place::Line(1),
            None,
            format!(
                "columns not present, read as not reported: {}",
                absent.join(", ")
            ),
        ))
    })
}

/// Write enterprises as CSV with the canonical English headers; missing values stay empty.
pub fn write_enterprises(w: &mut dyn Write, enterprises: &[Enterprise]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(metrics::columns().map(|(_, d)| d.name))?;
    for e in enterprises {
        out.write_record(
            metrics::columns()
                .map(|(id, _)| e.cell(id).text())
                .collect::<Vec<_>>()
                .iter()
                .map(|c| c.as_ref()),
        )?;
    }
    out.flush()
}
