//! Reading workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) with calamine: choosing the
//! sheet, and streaming its cells row by row as [`Value`]s. Formulas come as the value Excel
//! saved with them.
//!
//! `.xlsx` and `.xlsb` sheets are streamed from the file (no sheet-sized grid in memory): this
//! thread inflates and parses the sheet while the caller's `consume` takes the cells, in
//! batches, on another, so a million-row workbook uses both cores. The older formats are read
//! whole, then handed over the same way.

use super::text::WorkbookKind;
use crate::error::InputError;
use calamine::{CellErrorType, Data, DataRef, ExcelDateTime, Reader, Sheets};
use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// One cell as the workbook stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Empty,
    Text(Cow<'a, str>),
    Float(f64),
    Int(i64),
    Bool(bool),
    /// A number formatted as a date or time (an Excel serial day number).
    DateTime(ExcelDateTime),
    /// A date or time in ISO 8601 text (OpenDocument).
    DateIso(Cow<'a, str>),
    /// A duration in ISO 8601 text (OpenDocument).
    DurationIso(Cow<'a, str>),
    /// An error value such as `#DIV/0!`.
    Error(CellErrorType),
}

impl<'a> Value<'a> {
    fn of_ref(d: DataRef<'a>) -> Value<'a> {
        match d {
            DataRef::Int(i) => Value::Int(i),
            DataRef::Float(f) => Value::Float(f),
            DataRef::String(s) => Value::Text(Cow::Owned(s)),
            DataRef::SharedString(s) => Value::Text(Cow::Borrowed(s)),
            DataRef::Bool(b) => Value::Bool(b),
            DataRef::DateTime(d) => Value::DateTime(d),
            DataRef::DateTimeIso(s) => Value::DateIso(Cow::Owned(s)),
            DataRef::DurationIso(s) => Value::DurationIso(Cow::Owned(s)),
            DataRef::Error(e) => Value::Error(e),
            DataRef::Empty => Value::Empty,
        }
    }
    fn of_data(d: &'a Data) -> Value<'a> {
        match d {
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::String(s) => Value::Text(Cow::Borrowed(s)),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(d) => Value::DateTime(*d),
            Data::DateTimeIso(s) => Value::DateIso(Cow::Borrowed(s)),
            Data::DurationIso(s) => Value::DurationIso(Cow::Borrowed(s)),
            Data::Error(e) => Value::Error(e.clone()),
            Data::Empty => Value::Empty,
        }
    }
    /// Whether the cell holds nothing (no value, or only spaces).
    pub fn is_blank(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// A batch of non-empty cells in sheet order: (0-based row, 0-based column, value).
pub type Cells<'a> = Vec<(u32, u32, Value<'a>)>;

/// Cells handed over at a time.
const BATCH_CELLS: usize = 1 << 16;

/// An open workbook.
pub struct Workbook {
    sheets: Sheets<Cursor<Vec<u8>>>,
}

/// Excel's name of a cell: column letters and 1-based row, from 0-based indices (`B14`).
pub fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), row + 1)
}

/// Excel's letters of a 0-based column index: A, B, ..., Z, AA, AB, ...
pub fn column_name(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// What calamine's error means for the user.
fn failure(path: &Path, e: impl std::fmt::Display) -> InputError {
    let text = e.to_string();
    if text.to_lowercase().contains("password") {
        InputError::file(
            path,
            "is password protected: remove the password in Excel (File > Info > Protect Workbook) and save it again",
        )
    } else {
        InputError::file(path, format!("cannot read the workbook: {text}"))
    }
}

impl Workbook {
    /// Open a workbook of `kind` from its bytes.
    pub fn open(path: &Path, bytes: Vec<u8>, kind: WorkbookKind) -> Result<Workbook, InputError> {
        let rs = Cursor::new(bytes);
        let sheets = match kind {
            WorkbookKind::Xlsx => calamine::Xlsx::new(rs)
                .map(Sheets::Xlsx)
                .map_err(|e| failure(path, e)),
            WorkbookKind::Xlsb => calamine::Xlsb::new(rs)
                .map(Sheets::Xlsb)
                .map_err(|e| failure(path, e)),
            WorkbookKind::Xls => calamine::Xls::new(rs).map(Sheets::Xls).map_err(|e| {
                let mut err = failure(path, e);
                err.message.push_str(
                    " (an OLE2 file that is not an Excel 97-2003 workbook? save it as .xlsx)",
                );
                err
            }),
            WorkbookKind::Ods => calamine::Ods::new(rs)
                .map(Sheets::Ods)
                .map_err(|e| failure(path, e)),
        }?;
        Ok(Workbook { sheets })
    }

    /// The visible worksheets, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets
            .sheets_metadata()
            .iter()
            .filter(|s| {
                s.visible == calamine::SheetVisible::Visible
                    && s.typ == calamine::SheetType::WorkSheet
            })
            .map(|s| s.name.clone())
            .collect()
    }

    /// The sheet to read: `wanted` (any sheet, hidden ones too), else the first visible one.
    pub fn choose(&self, path: &Path, wanted: Option<&str>) -> Result<String, InputError> {
        let all: Vec<String> = self.sheets.sheet_names();
        match wanted {
            Some(w) => all
                .iter()
                .find(|s| s.as_str() == w)
                .cloned()
                .ok_or_else(|| {
                    InputError::file(
                        path,
                        format!(
                            "has no sheet {w:?}; its sheets are {}",
                            all.iter()
                                .map(|s| format!("{s:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                }),
            None => self
                .sheet_names()
                .into_iter()
                .next()
                .ok_or_else(|| InputError::file(path, "has no visible worksheet")),
        }
    }

    /// Stream the non-empty cells of `sheet`, in sheet order, to `consume` running on another
    /// thread (in batches of [`Cells`]); its result, or the reading error. `consume` may stop
    /// early by dropping the receiver.
    pub fn cells<R: Send>(
        &mut self,
        path: &Path,
        sheet: &str,
        consume: impl FnOnce(Receiver<Cells>) -> R + Send,
    ) -> Result<R, InputError> {
        match &mut self.sheets {
            Sheets::Xlsx(x) => {
                let mut reader = x
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| failure(path, e))?;
                pipe(path, || reader.next_cell(), consume)
            }
            Sheets::Xlsb(x) => {
                let mut reader = x
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| failure(path, e))?;
                pipe(path, || reader.next_cell(), consume)
            }
            other => {
                let range = other.worksheet_range(sheet).map_err(|e| failure(path, e))?;
                let (r0, c0) = range.start().unwrap_or_default();
                let mut cells = range
                    .cells()
                    .filter(|(_, _, v)| !matches!(v, Data::Empty))
                    .map(|(r, c, v)| (r0 + r as u32, c0 + c as u32, Value::of_data(v)));
                pipe(path, || Ok::<_, calamine::Error>(cells.next()), consume)
            }
        }
    }
}

/// A source of cells: calamine's streaming readers, or a whole range's cells.
trait CellSource<'a> {
    fn into_cell(self) -> (u32, u32, Value<'a>);
}

impl<'a> CellSource<'a> for calamine::Cell<DataRef<'a>> {
    fn into_cell(self) -> (u32, u32, Value<'a>) {
        let (r, c) = self.get_position();
        (r, c, Value::of_ref(self.get_value().clone()))
    }
}

impl<'a> CellSource<'a> for (u32, u32, Value<'a>) {
    fn into_cell(self) -> (u32, u32, Value<'a>) {
        self
    }
}

/// Read cells with `next` on this thread and hand them, in batches, to `consume` on another.
fn pipe<'a, C: CellSource<'a>, E: std::fmt::Display, R: Send>(
    path: &Path,
    mut next: impl FnMut() -> Result<Option<C>, E>,
    consume: impl FnOnce(Receiver<Cells<'a>>) -> R + Send,
) -> Result<R, InputError> {
    std::thread::scope(|scope| {
        let (tx, rx): (SyncSender<Cells<'a>>, _) = sync_channel(4);
        let consumer = scope.spawn(move || consume(rx));
        let mut batch: Cells = Vec::with_capacity(BATCH_CELLS);
        let mut error = None;
        loop {
            match next() {
                Ok(Some(cell)) => {
                    let cell = cell.into_cell();
                    if !matches!(cell.2, Value::Empty) {
                        batch.push(cell);
                    }
                    if batch.len() >= BATCH_CELLS {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_CELLS));
                        if tx.send(full).is_err() {
                            break; // the consumer has stopped
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    error = Some(failure(path, e));
                    break;
                }
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        let result = consumer
            .join()
            .map_err(|_| InputError::file(path, "reading the workbook failed"))?;
        match error {
            Some(e) => Err(e),
            None => Ok(result),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(super::cell_name(13, 1), "B14");
        assert_eq!(super::column_name(25), "Z");
        assert_eq!(super::column_name(26), "AA");
        assert_eq!(super::column_name(701), "ZZ");
        assert_eq!(super::column_name(702), "AAA");
    }
}
