//! parkplan's tables as Excel workbooks (rust_xlsxwriter): one sheet per table, Chinese
//! headers, the header row frozen and filterable, columns as wide as their contents, numbers as
//! numbers with a format that suits them, ids, decisions and classes as text, and the rule
//! set's version and hash on a sheet of their own.
//!
//! A sheet is made from the CSV text the table's own writer produces, so the workbook and the
//! CSV can never disagree: each CSV column is looked up in [`column`] for its Chinese header and
//! its kind. A text cell that a spreadsheet would run as a formula is written as text with
//! Excel's quote prefix ([`crate::io::cell`]), so it stays text even when edited. The file is
//! the same bytes for the same tables (its creation time is fixed).
//!
//! ```
//! use parkplan::io::xlsx::{Sheet, write_workbook};
//! let csv = "id,name,decision,score\nAP-1,\"'=HYPERLINK(\"\"x\"\")\",admit,1.5\n";
//! let mut out = Vec::new();
//! let about = [("规则版本".to_string(), "v1".to_string())];
//! write_workbook(&mut out, &[Sheet::new("筛选结果", csv.as_bytes())], &about)?;
//! assert!(out.starts_with(b"PK"));
//! # Ok::<(), std::io::Error>(())
//! ```

use super::cell::{needs_escape, restore};
use crate::i18n::display_width;
use crate::metrics::{self, Unit};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Workbook, Worksheet};
use std::borrow::Cow;
use std::io::Write;

/// The most data rows an Excel sheet holds (1,048,576 rows, one of them the header).
pub const MAX_ROWS: usize = 1_048_575;

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// As text, always (ids, names, decisions, classes, reasons).
    Text,
    /// As a number with this Excel number format; a cell that is no number stays text (`inf`).
    Number(&'static str),
    /// Numbers as numbers (general format), anything else as text: columns [`column`] does
    /// not know.
    Auto,
    /// Left out of the sheet: the rule version and hash, which go on the rules sheet.
    Omit,
}

/// One output column: its Chinese header and how its cells are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub zh: Cow<'static, str>,
    pub kind: Kind,
}

/// The output columns that are no metric, with their Chinese headers and kinds: the
/// vocabulary of every table parkplan writes (screening, comparison, ranking, allocation).
const COLUMNS: &[(&str, &str, Kind)] = &[
    ("id", "企业编号", Kind::Text),
    ("name", "企业名称", Kind::Text),
    ("decision", "准入决定", Kind::Text),
    ("score", "得分", Kind::Number("0.0000")),
    ("failed", "未通过准则", Kind::Text),
    ("before", "原决定", Kind::Text),
    ("after", "新决定", Kind::Text),
    ("why", "变化原因", Kind::Text),
    ("rules_before", "原规则", Kind::Text),
    ("rules_after", "新规则", Kind::Text),
    ("track", "评价类别", Kind::Text),
    ("status", "评价状态", Kind::Text),
    ("imputed", "补值指标", Kind::Text),
    ("class", "分类", Kind::Text),
    ("action", "处置建议", Kind::Text),
    ("rank", "排名", Kind::Number("0")),
    ("burden", "能耗排放负担", Kind::Number("0.000")),
    ("relocation_rank", "搬迁顺序", Kind::Number("0")),
    (
        "energy_per_value_added",
        "单位增加值能耗(吨标煤/万元)",
        Kind::Number("0.0000"),
    ),
    (
        "emissions_per_value_added",
        "单位增加值排放(吨/万元)",
        Kind::Number("0.000000"),
    ),
    (
        "emissions_per_mu",
        "亩均排放(吨/亩)",
        Kind::Number("0.0000"),
    ),
    ("share_class", "按排名分类", Kind::Text),
    ("weed_out", "低于淘汰线", Kind::Text),
    ("driver", "主要失分指标", Kind::Text),
    ("driver_points_lost", "失分", Kind::Number("0.00")),
    ("class_if_driver_met", "该指标达标后分类", Kind::Text),
    ("action_reason", "处置理由", Kind::Text),
    ("not_rated_reason", "未评价原因", Kind::Text),
    ("enterprise_id", "企业编号", Kind::Text),
    ("parcel_id", "地块编号", Kind::Text),
    ("weight", "权重", Kind::Number("0.000000")),
    ("area_mu", "地块面积(亩)", Kind::Number("0.00")),
    ("distance_km", "距离(公里)", Kind::Number("0.000")),
    ("assigned", "已分配", Kind::Text),
    // `plan --compare`'s tables.
    ("key", "规则键", Kind::Text),
    ("rule_before", "原取值", Kind::Text),
    ("rule_after", "新取值", Kind::Text),
    ("criterion", "准入条件", Kind::Text),
    ("result_before", "原结果", Kind::Text),
    ("result_after", "新结果", Kind::Text),
    ("value_before", "原实测值", Kind::Text),
    ("value_after", "新实测值", Kind::Text),
    ("threshold_before", "原门槛", Kind::Text),
    ("threshold_after", "新门槛", Kind::Text),
    ("class_before", "原分类", Kind::Text),
    ("class_after", "新分类", Kind::Text),
    ("action_before", "原处置建议", Kind::Text),
    ("action_after", "新处置建议", Kind::Text),
    ("relocation_rank_before", "原搬迁顺序", Kind::Number("0")),
    ("relocation_rank_after", "新搬迁顺序", Kind::Number("0")),
    ("change", "变化", Kind::Text),
    ("parcel_before", "原地块", Kind::Text),
    ("parcel_after", "新地块", Kind::Text),
    ("weight_before", "原权重", Kind::Number("0.000000")),
    ("weight_after", "新权重", Kind::Number("0.000000")),
    ("status_before", "原状态", Kind::Text),
    ("status_after", "新状态", Kind::Text),
    ("enterprises_before", "原使用企业", Kind::Text),
    ("enterprises_after", "新使用企业", Kind::Text),
    ("rules_version", "规则版本", Kind::Omit),
    ("rules_sha256", "规则哈希", Kind::Omit),
    ("rules_hash", "规则哈希", Kind::Omit),
];

/// The number format of a metric's values.
fn metric_format(unit: Unit) -> &'static str {
    match unit {
        Unit::Ratio => "0.00%",
        Unit::Persons | Unit::Count => "0",
        Unit::Degrees => "0.000000",
        Unit::Far => "0.00",
        _ => "0.00",
    }
}

/// A metric's header: its Chinese label and unit, `亩均税收(万元/亩)`.
fn metric_header(d: &metrics::MetricDef) -> String {
    match d.unit.zh() {
        "" => d.zh.to_string(),
        u => format!("{}({u})", d.zh),
    }
}

/// The Chinese header and kind of an output column: the vocabulary above, then the metric
/// catalogue (`tax_per_mu`, and `tax_per_mu_points` as its score), else the key as it is.
pub fn column(key: &str) -> Column {
    if let Some((_, zh, kind)) = COLUMNS.iter().find(|(k, _, _)| *k == key) {
        return Column {
            zh: Cow::Borrowed(zh),
            kind: *kind,
        };
    }
    if let Some(id) = metrics::by_name(key) {
        let d = metrics::metric(id);
        return Column {
            zh: Cow::Owned(metric_header(d)),
            kind: Kind::Number(metric_format(d.unit)),
        };
    }
    if let Some(id) = key.strip_suffix("_points").and_then(metrics::by_name) {
        return Column {
            zh: Cow::Owned(format!("{}得分", metrics::metric(id).zh)),
            kind: Kind::Number("0.00"),
        };
    }
    // A table already written with Chinese headers (`--lang zh`): its columns by their header.
    if let Some((_, zh, kind)) = COLUMNS.iter().find(|(_, zh, _)| *zh == key) {
        return Column {
            zh: Cow::Borrowed(zh),
            kind: *kind,
        };
    }
    for (_, d) in metrics::all() {
        let header = metric_header(d);
        if header == key {
            return Column {
                zh: Cow::Owned(header),
                kind: Kind::Number(metric_format(d.unit)),
            };
        }
        if key.strip_suffix("得分") == Some(d.zh) {
            return Column {
                zh: Cow::Owned(key.to_string()),
                kind: Kind::Number("0.00"),
            };
        }
    }
    Column {
        zh: Cow::Owned(key.to_string()),
        kind: Kind::Auto,
    }
}

/// One table for a workbook: the sheet name and the CSV text of the table.
#[derive(Debug, Clone, Copy)]
pub struct Sheet<'a> {
    pub name: &'a str,
    pub csv: &'a [u8],
}

impl<'a> Sheet<'a> {
    pub fn new(name: &'a str, csv: &'a [u8]) -> Self {
        Sheet { name, csv }
    }
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> std::io::Error {
    std::io::Error::other(e)
}

/// Write a workbook: one sheet per table, then a sheet `规则` with `about` (label, value) rows
/// (the rule version and hash, the date, ...).
pub fn write_workbook(
    w: &mut dyn Write,
    sheets: &[Sheet],
    about: &[(String, String)],
) -> std::io::Result<()> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(xlsx_err)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("parkplan"),
    );
    for s in sheets {
        let ws = book.add_worksheet_with_low_memory().map_err(xlsx_err)?;
        write_table(ws, s)?;
    }
    let ws = book.add_worksheet();
    ws.set_name("规则").map_err(xlsx_err)?;
    let bold = Format::new().set_bold();
    let mut widths = [4usize, 4];
    for (r, (label, value)) in about.iter().enumerate() {
        ws.write_string_with_format(r as u32, 0, label.as_str(), &bold)
            .map_err(xlsx_err)?;
        ws.write_string(r as u32, 1, value.as_str())
            .map_err(xlsx_err)?;
        widths[0] = widths[0].max(display_width(label));
        widths[1] = widths[1].max(display_width(value));
    }
    for (c, wd) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*wd).min(80) as f64 + 2.0)
            .map_err(xlsx_err)?;
    }
    let bytes = book.save_to_buffer().map_err(xlsx_err)?;
    w.write_all(&bytes)
}

/// One table onto a sheet: Chinese headers, typed cells, frozen and filterable header row,
/// fitting column widths.
fn write_table(ws: &mut Worksheet, s: &Sheet) -> std::io::Result<()> {
    ws.set_name(s.name).map_err(xlsx_err)?;
    let bytes = s.csv.strip_prefix(super::cell::BOM).unwrap_or(s.csv);
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = rdr.headers().map_err(std::io::Error::other)?.clone();
    // The sheet's columns: (CSV field, column) for each field not left out.
    let cols: Vec<(usize, Column)> = headers
        .iter()
        .map(column)
        .enumerate()
        .filter(|(_, c)| c.kind != Kind::Omit)
        .collect();
    let header_format = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let text = Format::new();
    let quoted = Format::new().set_quote_prefix();
    let formats: Vec<Option<Format>> = cols
        .iter()
        .map(|(_, c)| match c.kind {
            Kind::Number(f) => Some(Format::new().set_num_format(f)),
            _ => None,
        })
        .collect();
    let mut widths: Vec<usize> = cols.iter().map(|(_, c)| display_width(&c.zh)).collect();
    for (j, (_, c)) in cols.iter().enumerate() {
        ws.write_string_with_format(0, j as u16, c.zh.as_ref(), &header_format)
            .map_err(xlsx_err)?;
    }
    let mut record = csv::StringRecord::new();
    let mut row: u32 = 0;
    while rdr
        .read_record(&mut record)
        .map_err(std::io::Error::other)?
    {
        row += 1;
        if row as usize > MAX_ROWS {
            return Err(std::io::Error::other(format!(
                "the table {:?} has more than the {MAX_ROWS} rows an Excel sheet holds; write it as CSV",
                s.name
            )));
        }
        for (j, (field, c)) in cols.iter().enumerate() {
            let cell = record.get(*field).unwrap_or("");
            if cell.is_empty() {
                continue;
            }
            let col = j as u16;
            let number = match c.kind {
                Kind::Number(_) | Kind::Auto => cell.parse::<f64>().ok().filter(|x| x.is_finite()),
                _ => None,
            };
            match (number, &formats[j]) {
                (Some(x), Some(f)) => ws.write_number_with_format(row, col, x, f),
                (Some(x), None) => ws.write_number(row, col, x),
                (None, _) => {
                    let t = restore(cell);
                    let f = if needs_escape(t) { &quoted } else { &text };
                    ws.write_string_with_format(row, col, t, f)
                }
            }
            .map_err(xlsx_err)?;
            widths[j] = widths[j].max(display_width(cell).min(60));
        }
    }
    for (j, wd) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, (*wd).clamp(6, 60) as f64 + 2.0)
            .map_err(xlsx_err)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    if !cols.is_empty() {
        ws.autofilter(0, 0, row, (cols.len() - 1) as u16)
            .map_err(xlsx_err)?;
    }
    Ok(())
}

/// The rules sheet's rows for a rule set: its version, hash and file, each label after
/// `prefix` (`对比` for the rule set compared with).
pub fn about_rules(rules: &crate::RuleSet, prefix: &str) -> Vec<(String, String)> {
    vec![
        (format!("{prefix}规则版本"), rules.version.clone()),
        (format!("{prefix}规则哈希(SHA-256)"), rules.hash.clone()),
        (
            format!("{prefix}规则文件"),
            super::shown_path(&rules.source),
        ),
    ]
}

/// The number of data rows of a CSV table (records after the header), to refuse a table too
/// large for a sheet before any work.
pub fn csv_rows(csv: &[u8]) -> usize {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(csv);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while rdr.read_byte_record(&mut record).unwrap_or(false) {
        n += 1;
    }
    n
}
