//! Enterprise registries from CSV: English headers or their Chinese aliases, UTF-8 with or
//! without BOM, every cell validated, every bad cell reported with its line and column name.

use crate::error::{InputError, Place, Problems, Warning};
use crate::model::{
    Categorical, Enterprise, HightechLevel, IndustryCode, PollutionClass, Registry,
};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// Every column: canonical name, then accepted aliases (compared after trimming, lower-casing,
/// and turning full-width brackets into ASCII ones).
pub const COLUMNS: &[(&str, &[&str])] = &[
    ("id", &["企业编号", "编号", "统一社会信用代码"]),
    ("name", &["企业名称", "名称"]),
    ("lon", &["经度"]),
    ("lat", &["纬度"]),
    ("industry_code", &["行业代码", "国民经济行业代码"]),
    ("hightech_level", &["高新技术企业级别", "高企级别"]),
    ("cert_expiry", &["证书有效期至", "证书到期日"]),
    (
        "catalogue_products",
        &["目录产品数", "高新技术产品目录产品数"],
    ),
    (
        "revenue",
        &[
            "营业收入",
            "主营业务收入",
            "营业收入(万元)",
            "主营业务收入(万元)",
        ],
    ),
    ("rd_expense", &["研发费用", "研发费用(万元)"]),
    (
        "hightech_revenue",
        &["高新技术产品收入", "高新技术产品收入(万元)"],
    ),
    ("staff", &["职工人数", "从业人员"]),
    ("rd_staff", &["科技人员", "研发人员"]),
    ("ip_count", &["知识产权数", "核心知识产权"]),
    ("value_added", &["工业增加值", "工业增加值(万元)"]),
    ("tax", &["实缴税金", "税收", "实缴税金(万元)"]),
    ("land_mu", &["用地面积(亩)", "用地面积"]),
    ("energy_tce", &["综合能耗(吨标煤)", "综合能耗"]),
    ("cod_t", &["化学需氧量(吨)", "化学需氧量"]),
    ("nh3n_t", &["氨氮(吨)", "氨氮"]),
    ("so2_t", &["二氧化硫(吨)", "二氧化硫"]),
    ("nox_t", &["氮氧化物(吨)", "氮氧化物"]),
    ("pollution_class", &["污染类别", "污染程度"]),
    ("violations", &["违法违规次数", "违规次数"]),
    ("willing_to_convert", &["转型意愿"]),
    ("requested_mu", &["申请用地(亩)", "申请用地"]),
    ("planned_investment", &["计划投资(万元)", "计划投资"]),
    ("planned_far", &["计划容积率", "容积率"]),
];

/// Index in [`COLUMNS`] of a canonical column name, without hashing (the per-cell hot path).
fn column_index(name: &str) -> Option<usize> {
    Some(match name {
        "id" => 0,
        "name" => 1,
        "lon" => 2,
        "lat" => 3,
        "industry_code" => 4,
        "hightech_level" => 5,
        "cert_expiry" => 6,
        "catalogue_products" => 7,
        "revenue" => 8,
        "rd_expense" => 9,
        "hightech_revenue" => 10,
        "staff" => 11,
        "rd_staff" => 12,
        "ip_count" => 13,
        "value_added" => 14,
        "tax" => 15,
        "land_mu" => 16,
        "energy_tce" => 17,
        "cod_t" => 18,
        "nh3n_t" => 19,
        "so2_t" => 20,
        "nox_t" => 21,
        "pollution_class" => 22,
        "violations" => 23,
        "willing_to_convert" => 24,
        "requested_mu" => 25,
        "planned_investment" => 26,
        "planned_far" => 27,
        _ => return None,
    })
}

/// File position of each column by its index in [`COLUMNS`].
fn positions(cols: &HashMap<&'static str, usize>) -> Vec<Option<usize>> {
    COLUMNS.iter().map(|(n, _)| cols.get(n).copied()).collect()
}

fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['（', '【'], "(")
        .replace(['）', '】'], ")")
        .replace(' ', "")
}

/// Map from canonical column name to its position in the file.
fn header_map(
    path: &Path,
    headers: &csv::StringRecord,
    problems: &mut Problems,
    warnings: &mut Vec<Warning>,
) -> HashMap<&'static str, usize> {
    let mut map = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let n = normalise_header(h);
        let hit = COLUMNS
            .iter()
            .find(|(name, aliases)| *name == n || aliases.iter().any(|a| normalise_header(a) == n));
        match hit {
            Some((name, _)) => {
                if map.insert(*name, i).is_some() {
                    problems.push(InputError::new(
                        path,
                        Place::Line(1),
                        Some(h),
                        format!("column {name} appears twice"),
                    ));
                }
            }
            // Excel leaves trailing empty header cells after a deleted column.
            None if n.is_empty() => warnings.push(Warning(InputError::new(
                path,
                Place::Line(1),
                None,
                format!("column {} has no header, ignored", i + 1),
            ))),
            None => warnings.push(Warning(InputError::new(
                path,
                Place::Line(1),
                Some(h),
                "unknown column, ignored (see the README for the accepted names)",
            ))),
        }
    }
    for required in ["id", "name"] {
        if !map.contains_key(required) {
            problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(required),
                "required column is missing",
            ));
        }
    }
    map
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
    /// File position of each column, by its index in [`COLUMNS`].
    cols: &'a [Option<usize>],
    problems: &'a mut Problems,
}

impl<'a> Row<'a> {
    fn cell(&self, col: &str) -> Option<&'a str> {
        let i = (*self.cols.get(column_index(col)?)?)?;
        let v = self.record.get(i)?.trim();
        (!v.is_empty()).then_some(v)
    }
    fn bad(&mut self, col: &str, msg: String) {
        self.problems.push(InputError::new(
            self.path,
            Place::Record {
                row: self.row,
                line: self.line,
            },
            Some(col),
            msg,
        ));
    }
    /// A number that may be missing; negative values refused where `min` says so.
    fn number(&mut self, col: &str, min: Option<f64>) -> Option<f64> {
        let text = self.cell(col)?;
        match text.parse::<f64>() {
            Ok(v) if !v.is_finite() => {
                self.bad(col, format!("expected a finite number, got {text:?}"));
                None
            }
            Ok(v) if min.is_some_and(|m| v < m) => {
                self.bad(
                    col,
                    format!("expected a number >= {}, got {text:?}", min.unwrap()),
                );
                None
            }
            // `-0` reads as 0, so no output or message shows a negative zero.
            Ok(v) => Some(v + 0.0),
            Err(_)
                if text.contains([',', '，'])
                    && text.replace([',', '，'], "").parse::<f64>().is_ok() =>
            {
                self.bad(
                    col,
                    format!(
                        "expected a number without thousands separators (e.g. 1234.5), got {text:?}"
                    ),
                );
                None
            }
            Err(_) => {
                self.bad(col, format!("expected a number, got {text:?}"));
                None
            }
        }
    }
    fn non_negative(&mut self, col: &str) -> Option<f64> {
        self.number(col, Some(0.0))
    }
    fn parsed<T>(&mut self, col: &str, parse: impl Fn(&str) -> Result<T, String>) -> Option<T> {
        let text = self.cell(col)?;
        parse(text).map_err(|e| self.bad(col, e)).ok()
    }
}

fn parse_level(s: &str) -> Result<HightechLevel, String> {
    match s.trim() {
        "无" | "否" => Ok(HightechLevel::None),
        "市级" => Ok(HightechLevel::Municipal),
        "省级" => Ok(HightechLevel::Provincial),
        "国家级" => Ok(HightechLevel::National),
        other => HightechLevel::parse(other),
    }
}

fn parse_pollution(s: &str) -> Result<PollutionClass, String> {
    match s.trim() {
        "轻度" | "轻" => Ok(PollutionClass::Light),
        "中度" | "中" => Ok(PollutionClass::Moderate),
        "重度" | "重" => Ok(PollutionClass::Heavy),
        other => PollutionClass::parse(other),
    }
}

fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "是" => Ok(true),
        "false" | "no" | "n" | "0" | "否" => Ok(false),
        _ => Err(format!("expected true or false, got {s:?}")),
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    // Fast path for the usual all-digit YYYY-MM-DD (chrono's format parser is slow on 1M rows);
    // anything else takes the general path below, so results and messages are unchanged.
    let b = t.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        let n =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        if let Some(d) = NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)) {
            return Ok(d);
        }
    }
    let shaped = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) if shaped => Ok(d),
        _ => Err(format!("expected a date as YYYY-MM-DD, got {s:?}")),
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
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
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
    let cols = header_map(path, &headers, &mut problems, &mut warnings);
    if !problems.is_empty() {
        return Err(problems);
    }
    warnings.extend(absent_columns(path, &cols));
    let at = positions(&cols);
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
        let Some(id) = row.cell("id").map(str::to_string) else {
            row.bad("id", "missing: every enterprise needs a unique id".into());
            continue;
        };
        if let Some(prev) = seen.insert(id.clone(), line) {
            row.bad("id", format!("duplicate id {id:?}: also on line {prev}"));
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
    let e = Enterprise {
        line,
        name: row.cell("name").unwrap_or("").to_string(),
        lon: row.number("lon", Some(-180.0)),
        lat: row.number("lat", Some(-90.0)),
        industry_code: row.parsed("industry_code", IndustryCode::parse),
        hightech_level: row.parsed("hightech_level", parse_level),
        cert_expiry: row.parsed("cert_expiry", parse_date),
        catalogue_products: row.non_negative("catalogue_products"),
        revenue_10k_yuan: row.non_negative("revenue"),
        rd_expense_10k_yuan: row.non_negative("rd_expense"),
        hightech_revenue_10k_yuan: row.non_negative("hightech_revenue"),
        staff: row.non_negative("staff"),
        rd_staff: row.non_negative("rd_staff"),
        ip_count: row.non_negative("ip_count"),
        value_added_10k_yuan: row.number("value_added", None),
        tax_10k_yuan: row.non_negative("tax"),
        land_mu: row.non_negative("land_mu"),
        energy_tce: row.non_negative("energy_tce"),
        cod_t: row.non_negative("cod_t"),
        nh3n_t: row.non_negative("nh3n_t"),
        so2_t: row.non_negative("so2_t"),
        nox_t: row.non_negative("nox_t"),
        pollution_class: row.parsed("pollution_class", parse_pollution),
        violations: row.non_negative("violations"),
        willing_to_convert: row.parsed("willing_to_convert", parse_bool),
        requested_mu: row.non_negative("requested_mu"),
        planned_investment_10k_yuan: row.non_negative("planned_investment"),
        planned_far: row.non_negative("planned_far"),
        id,
    };
    if e.lon.is_some_and(|v| v > 180.0) {
        row.bad(
            "lon",
            format!(
                "expected a WGS84 longitude in [-180, 180], got {}",
                e.lon.unwrap()
            ),
        );
    }
    if e.lat.is_some_and(|v| v > 90.0) {
        row.bad(
            "lat",
            format!(
                "expected a WGS84 latitude in [-90, 90], got {}",
                e.lat.unwrap()
            ),
        );
    }
    if e.lon.is_some() != e.lat.is_some() {
        row.bad(
            if e.lon.is_some() { "lat" } else { "lon" },
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

/// Files at least this large are parsed on all cores (see [`read_parallel`]).
const PARALLEL_BYTES: usize = 2 << 20;

/// The fast path for large, clean files: all of them in memory, from [`for_each_chunk`].
fn read_parallel(path: &Path, text: &str) -> Option<Registry> {
    let (parts, warnings) = for_each_chunk(path, text, |v| v)?;
    let mut enterprises = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for e in parts {
        enterprises.extend(e);
    }
    Some(Registry {
        enterprises,
        warnings,
    })
}

/// Parse a clean file on all cores and hand each chunk's enterprises, in file order, to `each`,
/// so a caller can process a file larger than it wants to hold (the screening stage streams
/// 1M rows this way). The text is cut at record boundaries (newlines outside quotes).
///
/// Gives up (`None`) at the first problem of any kind — a bad cell, a malformed record, a
/// missing or duplicate id — and the caller then uses [`read_enterprises`], whose sequential
/// reader reports every problem with its line. Returns the results in chunk order and the
/// warnings in file order, exactly as the sequential reader gives them.
pub fn for_each_chunk<R: Send>(
    path: &Path,
    text: &str,
    each: impl Fn(Vec<Enterprise>) -> R + Sync,
) -> Option<(Vec<R>, Vec<Warning>)> {
    use rayon::prelude::*;
    use std::hash::BuildHasher;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader.headers().ok()?.clone();
    let bytes = text.as_bytes();
    let body_start = usize::try_from(reader.position().byte()).ok()?;
    if body_start == 0 || body_start > bytes.len() || bytes[body_start - 1] != b'\n' {
        return None;
    }
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let cols = header_map(path, &headers, &mut problems, &mut warnings);
    if !problems.is_empty() {
        return None;
    }
    warnings.extend(absent_columns(path, &cols));
    let at = positions(&cols);
    let body = &bytes[body_start..];
    let header_lines = bytes[..body_start].iter().filter(|&&b| b == b'\n').count() as u64;

    // Cut points: quote parity at each segment start from per-segment quote counts, then the
    // first newline outside quotes from there.
    let seg = (body.len() / (rayon::current_num_threads().max(1) * 8)).max(1 << 20);
    let starts: Vec<usize> = (0..body.len()).step_by(seg).collect();
    let quotes: Vec<usize> = starts
        .par_iter()
        .map(|&a| {
            body[a..(a + seg).min(body.len())]
                .iter()
                .filter(|&&c| c == b'"')
                .count()
        })
        .collect();
    let mut cuts = vec![0];
    let mut before = 0;
    for (k, &a) in starts.iter().enumerate() {
        if k > 0 {
            let mut odd = before % 2 == 1;
            let mut i = a;
            while i < body.len() && (odd || body[i] != b'\n') {
                odd ^= body[i] == b'"';
                i += 1;
            }
            let cut = (i + 1).min(body.len());
            if cut > *cuts.last().unwrap_or(&0) {
                cuts.push(cut);
            }
        }
        before += quotes[k];
    }
    if *cuts.last().unwrap_or(&0) < body.len() {
        cuts.push(body.len());
    }
    let chunks: Vec<&[u8]> = cuts.windows(2).map(|w| &body[w[0]..w[1]]).collect();
    let newlines: Vec<u64> = chunks
        .par_iter()
        .map(|c| c.iter().filter(|&&b| b == b'\n').count() as u64)
        .collect();
    let mut first_lines = Vec::with_capacity(chunks.len());
    let mut line = header_lines + 1;
    for n in &newlines {
        first_lines.push(line);
        line += n;
    }
    // Duplicate ids are found from 64-bit hashes; equal hashes (a duplicate, or a collision)
    // send the file to the sequential reader, which decides exactly.
    let hasher = std::collections::hash_map::RandomState::new();
    let parts: Vec<(R, Vec<u64>, Vec<Warning>)> = chunks
        .par_iter()
        .zip(first_lines)
        .map(|(chunk, first)| {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(*chunk);
            let mut problems = Problems::default();
            let mut warnings = Vec::new();
            let mut out = Vec::with_capacity(chunk.len() / 160);
            let mut record = csv::StringRecord::new();
            let mut lines = LineCounter::new(chunk);
            while reader.read_record(&mut record).ok()? {
                if record.len() != headers.len() {
                    return None;
                }
                let line = first + record.position().map_or(0, |p| lines.at(p.byte())) - 1;
                let mut row = Row {
                    path,
                    // Chunk-local for now (first record = 2); shifted once every chunk's
                    // record count is known.
                    row: out.len() as u64 + 2,
                    line,
                    record: &record,
                    cols: &at,
                    problems: &mut problems,
                };
                let id = row.cell("id")?.to_string();
                let e = build(&mut row, id, &mut warnings);
                if !problems.is_empty() {
                    return None;
                }
                out.push(e);
            }
            let ids = out.iter().map(|e| hasher.hash_one(&e.id)).collect();
            Some((each(out), ids, warnings))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut ids = Vec::with_capacity(parts.iter().map(|p| p.1.len()).sum());
    let mut results = Vec::with_capacity(parts.len());
    let mut rows_before = 0;
    for (r, h, w) in parts {
        results.push(r);
        warnings.extend(w.into_iter().map(|mut w| {
            if let Place::Record { row, .. } = &mut w.0.place {
                *row += rows_before;
            }
            w
        }));
        rows_before += h.len() as u64;
        ids.extend(h);
    }
    ids.par_sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return None;
    }
    Some((results, warnings))
}

/// The warning for columns the file does not have.
fn absent_columns(path: &Path, cols: &HashMap<&'static str, usize>) -> Option<Warning> {
    let absent: Vec<&str> = COLUMNS
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !cols.contains_key(n))
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
fn opt(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Write enterprises as CSV with the canonical English headers; missing values stay empty.
pub fn write_enterprises(w: &mut dyn Write, enterprises: &[Enterprise]) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(COLUMNS.iter().map(|(n, _)| *n))?;
    for e in enterprises {
        out.write_record([
            e.id.clone(),
            e.name.clone(),
            opt(e.lon),
            opt(e.lat),
            e.industry_code
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            e.hightech_level.map(|l| l.to_string()).unwrap_or_default(),
            e.cert_expiry
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            opt(e.catalogue_products),
            opt(e.revenue_10k_yuan),
            opt(e.rd_expense_10k_yuan),
            opt(e.hightech_revenue_10k_yuan),
            opt(e.staff),
            opt(e.rd_staff),
            opt(e.ip_count),
            opt(e.value_added_10k_yuan),
            opt(e.tax_10k_yuan),
            opt(e.land_mu),
            opt(e.energy_tce),
            opt(e.cod_t),
            opt(e.nh3n_t),
            opt(e.so2_t),
            opt(e.nox_t),
            e.pollution_class.map(|l| l.to_string()).unwrap_or_default(),
            opt(e.violations),
            e.willing_to_convert
                .map(|b| b.to_string())
                .unwrap_or_default(),
            opt(e.requested_mu),
            opt(e.planned_investment_10k_yuan),
            opt(e.planned_far),
        ])?;
    }
    out.flush()
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    #[test]
    fn fast_dates_match_chrono() {
        for t in [
            "2026-05-01",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "0000-01-01",
            "2026-5-01",
            " 2026-05-01 ",
            "+202-01-01",
            "2026-05-0x",
        ] {
            let slow = {
                let tt = t.trim();
                let shaped = tt.len() == 10 && tt.as_bytes()[4] == b'-' && tt.as_bytes()[7] == b'-';
                match NaiveDate::parse_from_str(tt, "%Y-%m-%d") {
                    Ok(d) if shaped => Ok(d),
                    _ => Err(format!("expected a date as YYYY-MM-DD, got {t:?}")),
                }
            };
            assert_eq!(parse_date(t), slow, "{t}");
        }
    }

    #[test]
    fn column_index_matches_columns() {
        for (i, (name, _)) in COLUMNS.iter().enumerate() {
            assert_eq!(column_index(name), Some(i));
        }
        assert_eq!(column_index("nope"), None);
    }

    /// The parallel reader gives exactly what the sequential one gives, quoted newlines included.
    #[test]
    fn parallel_reader_matches_sequential() {
        let mut text = String::from(
            "id,name,revenue,rd_expense,hightech_level,cert_expiry,hightech_revenue\n",
        );
        for i in 0..80_000 {
            let name = if i % 7 == 0 {
                format!("\"温州, \"\"甲\"\"\n科技{i}\"")
            } else {
                format!("公司{i}")
            };
            let hr = if i % 11 == 0 { "900" } else { "" };
            text.push_str(&format!(
                "E{i},{name},{}.5,{},National ,2027-01-0{},{hr}\n",
                i % 1000,
                i % 13,
                1 + i % 9
            ));
        }
        assert!(text.len() >= PARALLEL_BYTES);
        let path = Path::new("big.csv");
        let fast = read_parallel(path, &text).expect("clean file takes the parallel path");
        let reg = read_sequential(path, &text).unwrap();
        let slow = read_enterprises(path, &(text.clone() + "E0,dup,1,1,none,,\n")).unwrap_err();
        assert_eq!(
            slow.0.len(),
            1,
            "a duplicate falls back to the sequential reader: {slow}"
        );
        assert!(
            slow.0[0]
                .message
                .starts_with("duplicate id \"E0\": also on line 2"),
            "{slow}"
        );
        assert_eq!(fast.enterprises, reg.enterprises);
        assert_eq!(fast.warnings, reg.warnings);
        assert_eq!(fast.enterprises[7].name, "温州, \"甲\"\n科技7");
        assert_eq!(fast.enterprises[59_999].line, reg.enterprises[59_999].line);
    }
}
