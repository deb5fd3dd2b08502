//! The header row of an enterprise file: which catalogue column each header cell names, the
//! headers that name none (each with the column it is close to, for a "did you mean"), and the
//! problems that stop the file (a column twice, `id` or `name` missing). CSV files and
//! workbooks share it; they differ only in how a place is named (`row 1` or `cell C3`).

use crate::error::{InputError, Place, Problems, Warning};
use crate::metrics::{self, MetricId, m};
use crate::model::Columns;
use std::path::Path;

/// File position of each column, indexed by its metric id (`None`: the file lacks it).
pub(super) type Positions = Vec<Option<usize>>;

/// A header row read against the catalogue.
#[derive(Debug, Clone)]
pub(super) struct Header {
    pub(super) at: Positions,
    pub(super) warnings: Vec<Warning>,
    pub(super) columns: Columns,
}

/// How the places of a header are named in messages.
pub(super) struct Places<'a> {
    /// The header row as a whole.
    pub(super) row: Place,
    /// Header cell `i` (0-based position in the row).
    pub(super) cell: &'a dyn Fn(usize) -> Place,
    /// Column `i` as a user finds it: `column 3` in a CSV, `column F` in a workbook.
    pub(super) column: &'a dyn Fn(usize) -> String,
}

/// Read a header row. Unknown headers are warnings (with "did you mean" when close to a column
/// the file lacks); a column named twice or a missing `id` or `name` are problems.
pub(super) fn read_header(
    path: &Path,
    cells: &[&str],
    places: &Places,
) -> Result<Header, Problems> {
    let mut problems = Problems::default();
    let mut warnings = Vec::new();
    let mut at: Positions = vec![None; metrics::COLUMN_COUNT];
    let mut unknown = Vec::new();
    for (i, h) in cells.iter().enumerate() {
        match metrics::column_by_header(h) {
            Some(id) => {
                if let Some(first) = at[id as usize].replace(i) {
                    problems.push(InputError::new(
                        path,
                        (places.cell)(i),
                        Some(h),
                        format!(
                            "column {} appears twice (also as {:?}, {})",
                            metrics::metric(id).name,
                            cells[first].trim(),
                            (places.column)(first)
                        ),
                    ));
                }
            }
            None if !metrics::normalise_header(h).is_empty() => unknown.push(i),
            // Excel leaves trailing empty header cells after a deleted column.
            None => warnings.push(Warning(InputError::new(
                path,
                places.row.clone(),
                None,
                format!("{} has no header, ignored", (places.column)(i)),
            ))),
        }
    }
    let mut columns = Columns {
        header: places.row.clone(),
        present: (0..metrics::COLUMN_COUNT as MetricId)
            .filter(|&id| at[id as usize].is_some())
            .collect(),
        unknown: Vec::new(),
    };
    for i in unknown {
        let h = cells[i].trim();
        let near = near_column(h);
        let message = match &near {
            Some((id, hint)) if at[*id as usize].is_none() => {
                format!("unknown column, ignored: {hint}")
            }
            Some((id, _)) => format!(
                "unknown column, ignored (close to {}, which is {})",
                metrics::metric(*id).name,
                (places.column)(at[*id as usize].unwrap_or_default())
            ),
            None => "unknown column, ignored (see the README for the accepted names)".into(),
        };
        warnings.push(Warning(InputError::new(
            path,
            (places.cell)(i),
            Some(h),
            message,
        )));
        columns
            .unknown
            .push((h.to_string(), near.map(|(id, _)| id)));
    }
    for required in [m::ID, m::NAME] {
        if at[required as usize].is_none() {
            let title = cells.iter().filter(|c| !c.trim().is_empty()).count() <= 1;
            problems.push(InputError::new(
                path,
                places.row.clone(),
                Some(metrics::metric(required).name),
                format!(
                    "required column is missing{}",
                    missing_hint(required, &columns, title)
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    warnings.extend(absent_columns(path, &at, &places.row));
    Ok(Header {
        at,
        warnings,
        columns,
    })
}

/// What to add to "column is missing": the near-miss headers, or that the first row looks like
/// a title rather than a header.
fn missing_hint(id: MetricId, columns: &Columns, title: bool) -> String {
    let near = near_misses(id, columns);
    if !near.is_empty() {
        format!("; headers not understood: {near}")
    } else if title {
        "; the first row looks like a title: the header row (id, name, ...) must come first in a CSV"
            .into()
    } else {
        String::new()
    }
}

/// The unknown headers that may be column `id`: those close to it, else every unknown header
/// close to no column (one of them may be it under a name the catalogue lacks), quoted and
/// comma-separated.
pub(crate) fn near_misses(id: MetricId, columns: &Columns) -> String {
    let close: Vec<&(String, Option<MetricId>)> = columns
        .unknown
        .iter()
        .filter(|(_, near)| *near == Some(id))
        .collect();
    let others: Vec<&String> = columns
        .unknown
        .iter()
        .filter(|(_, near)| near.is_none())
        .map(|(h, _)| h)
        .collect();
    let shown: Vec<String> = if close.is_empty() {
        others.iter().take(8).map(|h| format!("{h:?}")).collect()
    } else {
        close
            .iter()
            .map(|(h, _)| format!("{h:?} (close to {})", spelling(id)))
            .collect()
    };
    let more = if close.is_empty() && others.len() > 8 {
        format!(" and {} more", others.len() - 8)
    } else {
        String::new()
    };
    format!("{}{more}", shown.join(", "))
}

/// A column as a user would name it: its Chinese label and its canonical name.
fn spelling(id: MetricId) -> String {
    let d = metrics::metric(id);
    format!("{} ({})", d.zh, d.name)
}

/// The column an unknown header is close to, and a hint: a unit other than the column's
/// (`营业收入(元)`), a spelling one or two characters off (`营业收人`, `revenu`), or a known
/// header inside a longer one (`2025年营业收入`).
pub(crate) fn near_column(header: &str) -> Option<(MetricId, String)> {
    let n = metrics::normalise_header(header);
    if let Some((base, unit)) = metrics::split_unit(&n)
        && let Some(id) = metrics::column_by_header(base)
    {
        let d = metrics::metric(id);
        let expected = d.unit.header_units();
        return Some((
            id,
            match expected.first() {
                Some(want) => format!(
                    "{} is read in {want}, not {unit}: convert the values to {want} and name the column {}({want})",
                    spelling(id),
                    d.zh
                ),
                None => format!("did you mean {}? it has no unit", spelling(id)),
            },
        ));
    }
    let bare = metrics::split_unit(&n).map_or(n.as_str(), |(b, _)| b);
    let mut best: Option<(usize, MetricId)> = None;
    for (id, d) in metrics::columns() {
        for s in d.aliases.iter().copied().chain([d.name]) {
            let s = metrics::normalise_header(s);
            let len = s.chars().count();
            let allowed = match len {
                0..=2 => 0,
                3..=8 => 1,
                _ => 2,
            };
            let dist = strsim::levenshtein(bare, &s);
            let contains = len >= 4 && bare.contains(s.as_str());
            let score = if contains { 0 } else { dist };
            if (contains || (dist > 0 && dist <= allowed)) && best.is_none_or(|(b, _)| score < b) {
                best = Some((score, id));
            }
        }
    }
    best.map(|(_, id)| (id, format!("did you mean {}?", spelling(id))))
}

/// The warning for columns the file does not have.
fn absent_columns(path: &Path, at: &[Option<usize>], header: &Place) -> Option<Warning> {
    let absent: Vec<&str> = metrics::columns()
        .filter(|(id, _)| at[*id as usize].is_none())
        .map(|(_, d)| d.name)
        .collect();
    (!absent.is_empty()).then(|| {
        Warning(InputError::new(
            path,
            header.clone(),
            None,
            format!(
                "columns not present, read as not reported: {}",
                absent.join(", ")
            ),
        ))
    })
}

/// The headers an enterprise file may use, as a Markdown table made from the metric catalogue
/// (the README's table is this text; a test keeps them equal): each column's name, the other
/// headers understood for it, the unit it may name in brackets, and what its cells hold.
pub fn headers_table() -> String {
    let mut out = String::from(
        "| column | also understood as | unit (values in it; may follow the header in brackets) | cells hold |\n|---|---|---|---|\n",
    );
    for (id, d) in metrics::columns() {
        let units = d.unit.header_units();
        // Spellings the unit rule already covers (`营业收入(万元)`) are not listed again.
        let aliases: Vec<&str> = d
            .aliases
            .iter()
            .copied()
            .filter(|a| {
                let n = metrics::normalise_header(a);
                !metrics::split_unit(&n).is_some_and(|(base, unit)| {
                    metrics::column_by_header(base) == Some(id) && units.contains(&unit)
                })
            })
            .collect();
        let required = if matches!(id, m::ID | m::NAME) {
            " (required)"
        } else {
            ""
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {}: {}{required} |\n",
            d.name,
            aliases.join(", "),
            units.join(", "),
            d.en,
            holds(d.derivation)
        ));
    }
    out
}

/// What a column's cells hold, for [`headers_table`].
fn holds(derivation: metrics::Derivation) -> String {
    use metrics::{Derivation, Read};
    let Derivation::Column(read) = derivation else {
        return String::new();
    };
    match read {
        Read::Text => "text".into(),
        Read::Number {
            min: Some(m),
            whole: true,
        } => format!("a whole number, at least {m}"),
        Read::Number { min: Some(m), .. } => format!("a number, at least {m}"),
        Read::Number { min: None, .. } => "a number".into(),
        Read::IndustryCode => "a GB/T 4754-2017 code with its section letter (`C3911`)".into(),
        Read::HightechLevel => {
            "`none`, `municipal`, `provincial`, `national` (or 无, 市级, 省级, 国家级)".into()
        }
        Read::Date => "a date cell, or `YYYY-MM-DD`, `YYYY/M/D` or `YYYY年M月D日`".into(),
        Read::PollutionClass => "`light`, `moderate`, `heavy` (or 轻度, 中度, 重度)".into(),
        Read::Flag => {
            "`true`/`false`, `yes`/`no`, `y`/`n`, `1`/`0`, 是/否, or a TRUE/FALSE cell".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_headers_get_a_did_you_mean() {
        for (h, id) in [
            ("营业收人", m::REVENUE),
            ("revenu", m::REVENUE),
            ("2025年营业收入(万元)", m::REVENUE),
            ("营业收入(元)", m::REVENUE),
            ("研发费", m::RD_EXPENSE),
            ("科技人员数量", m::RD_STAFF),
        ] {
            assert_eq!(near_column(h).map(|n| n.0), Some(id), "{h}");
        }
        let (_, hint) = near_column("营业收入（元）").unwrap();
        assert!(hint.contains("read in 万元, not 元"), "{hint}");
        for h in [
            "序号",
            "备注",
            "企业类型",
            "所属行业",
            "联系电话",
            "法定代表人",
        ] {
            assert_eq!(near_column(h), None, "{h}");
        }
    }
}
