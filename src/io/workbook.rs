//! Reading workbooks (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) with calamine: choosing the
//! sheet, and streaming its cells row by row as [`Value`]s. Formulas come as the value Excel
//! saved with them; `.xlsx` and `.xlsb` sheets are streamed from the file's XML (no sheet-sized
//! grid in memory), the older formats are read whole.

use super::text::WorkbookKind;
use crate::error::InputError;
use calamine::{Data, DataRef, Reader, Sheets};
use std::io::Cursor;
use std::path::Path;

/// One cell as the workbook stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Empty,
    Text(&'a str),
    Float(f64),
    Int(i64),
    Bool(bool),
    /// A number formatted as a date or time (an Excel serial day number).
    DateTime(calamine::ExcelDateTime),
    /// A date or time in ISO 8601 text (OpenDocument).
    DateIso(&'a str),
    /// A duration in ISO 8601 text (OpenDocument).
    DurationIso(&'a str),
    /// An error value such as `#DIV/0!`.
    Error(&'a calamine::CellErrorType),
}

impl<'a> Value<'a> {
    fn of_ref(d: &'a DataRef<'_>) -> Value<'a> {
        match d {
            DataRef::Int(i) => Value::Int(*i),
            DataRef::Float(f) => Value::Float(*f),
            DataRef::String(s) => Value::Text(s),
            DataRef::SharedString(s) => Value::Text(s),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(d) => Value::DateTime(*d),
            DataRef::DateTimeIso(s) => Value::DateIso(s),
            DataRef::DurationIso(s) => Value::DurationIso(s),
            DataRef::Error(e) => Value::Error(e),
            DataRef::Empty => Value::Empty,
        }
    }
    fn of_data(d: &'a Data) -> Value<'a> {
        match d {
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::String(s) => Value::Text(s),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(d) => Value::DateTime(*d),
            Data::DateTimeIso(s) => Value::DateIso(s),
            Data::DurationIso(s) => Value::DurationIso(s),
            Data::Error(e) => Value::Error(e),
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

    /// Call `each` with every row of `sheet` that has a cell: its 0-based index and its cells
    /// (0-based column, value) in column order. `each` returns false to stop.
    pub fn rows(&mut self, path: &Path, sheet: &str, each: &mut EachRow) -> Result<(), InputError> {
        match &mut self.sheets {
            Sheets::Xlsx(x) => {
                let mut reader = x
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| failure(path, e))?;
                stream(path, || reader.next_cell(), each)
            }
            Sheets::Xlsb(x) => {
                let mut reader = x
                    .worksheet_cells_reader(sheet)
                    .map_err(|e| failure(path, e))?;
                stream(path, || reader.next_cell(), each)
            }
            other => {
                let range = other.worksheet_range(sheet).map_err(|e| failure(path, e))?;
                let Some((r0, c0)) = range.start() else {
                    return Ok(());
                };
                let mut cells = Vec::new();
                for (i, r) in range.rows().enumerate() {
                    cells.clear();
                    cells.extend(
                        r.iter()
                            .enumerate()
                            .filter(|(_, v)| !matches!(v, Data::Empty))
                            .map(|(j, v)| (c0 + j as u32, Value::of_data(v))),
                    );
                    if !cells.is_empty() && !each(r0 + i as u32, &cells) {
                        break;
                    }
                }
                Ok(())
            }
        }
    }
}

/// What [`Workbook::rows`] calls with each row: its 0-based index and its (column, value)
/// cells; false stops the reading.
pub type EachRow<'f> = dyn FnMut(u32, &[(u32, Value)]) -> bool + 'f;

/// Group a stream of cells (in XML order: row by row, columns rising) into rows for `each`.
fn stream<'a, E: std::fmt::Display>(
    path: &Path,
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    each: &mut EachRow,
) -> Result<(), InputError> {
    let mut row: Vec<(u32, DataRef)> = Vec::new();
    let mut at = 0;
    while let Some(cell) = next().map_err(|e| failure(path, e))? {
        let (r, c) = cell.get_position();
        if r != at {
            if !row.is_empty() && !flush(at, &row, each) {
                return Ok(());
            }
            row.clear();
            at = r;
        }
        row.push((c, cell.get_value().clone()));
    }
    if !row.is_empty() {
        flush(at, &row, each);
    }
    Ok(())
}

/// Hand one streamed row to `each`, its cells sorted by column.
fn flush(row: u32, cells: &[(u32, DataRef)], each: &mut EachRow) -> bool {
    let mut values: Vec<(u32, Value)> = cells
        .iter()
        .filter(|(_, v)| !matches!(v, DataRef::Empty))
        .map(|(c, v)| (*c, Value::of_ref(v)))
        .collect();
    values.sort_by_key(|(c, _)| *c);
    values.is_empty() || each(row, &values)
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
