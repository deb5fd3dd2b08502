//! Writing screening results: the CSV (from a report, or streamed straight from the input
//! text), the JSON of every trace, and the bilingual `--explain` table.

use super::decide::{margins, screen_one};
use super::trace::{Trace, trace};
use super::{Decision, Outcome, ScreenReport};
use crate::i18n::{self, Lang, display_width};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::admission::Severity;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;

/// Score with fixed formatting, empty for rejected applicants.
fn fmt_score(s: Option<f64>) -> String {
    s.map(fmt4).unwrap_or_default()
}

/// `format!("{v:.4}")`, faster: through an integer where the rounding is not a near tie (the
/// exact formatter is slow, and a million rows notice).
fn fmt4(v: f64) -> String {
    let x = v * 1e4;
    let r = x.round();
    if v.is_finite() && v >= 0.0 && x < 1e9 && ((x - x.trunc()) - 0.5).abs() > 1e-6 {
        let r = r as u64;
        format!("{}.{:04}", r / 10_000, r % 10_000)
    } else {
        format!("{v:.4}")
    }
}

/// The CSV output's columns, by their stable keys.
const HEADER: &str = "id,name,decision,score,failed,rules_version,rules_sha256\n";

/// Header of the CSV output: stable English ids, or Chinese when asked (`--lang zh`), from the
/// one output vocabulary the workbooks use too.
fn csv_header(lang: Lang) -> Vec<u8> {
    match lang {
        Lang::Zh => {
            let keys = HEADER.trim_end().split(',');
            let zh: Vec<String> = keys
                .map(|k| crate::io::xlsx::column(k).zh.into_owned())
                .collect();
            format!("{}\n", zh.join(",")).into_bytes()
        }
        _ => HEADER.as_bytes().to_vec(),
    }
}

/// A decision as the CSV writes it: the stable id, or Chinese when asked.
fn decision_cell(d: Decision, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => d.zh(),
        _ => d.name(),
    }
}

/// `;`-separated ids of the required and conditional criteria not passed.
fn failed_text(outs: &[Outcome], rules: &RuleSet) -> String {
    let mut s = String::new();
    for (o, c) in outs.iter().zip(rules.admission.criteria()) {
        if o.status.is_failure() && c.severity != Severity::Preferred {
            if !s.is_empty() {
                s.push(';');
            }
            s.push_str(&c.id);
        }
    }
    s
}

fn csv_row(
    out: &mut csv::Writer<Vec<u8>>,
    e: &Enterprise,
    decision: Decision,
    score: Option<f64>,
    outs: &[Outcome],
    rules: &RuleSet,
    lang: Lang,
) -> csv::Result<()> {
    use crate::io::cell::neutralise;
    out.write_record([
        neutralise(&e.id).as_ref(),
        &neutralise(&e.name),
        decision_cell(decision, lang),
        &fmt_score(score),
        &neutralise(&failed_text(outs, rules)),
        &neutralise(&rules.version),
        &rules.hash,
    ])
}

fn csv_buffer(rows: usize) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::with_capacity(rows * 160))
}

/// CSV: `id,name,decision,score,failed,rules_version,rules_sha256`, one row per enterprise in
/// input order; `failed` lists the required and conditional criteria not passed, `;`-separated.
/// A text a spreadsheet would run as a formula is neutralised ([`crate::io::cell`]); the
/// byte-order mark is the caller's (see [`crate::io::cell::BOM`]).
pub fn write_csv(
    w: &mut dyn Write,
    report: &ScreenReport,
    enterprises: &[Enterprise],
    rules: &RuleSet,
) -> std::io::Result<()> {
    write_csv_in(w, report, enterprises, rules, Lang::En)
}

/// [`write_csv`] with the headers and decisions in `lang` (Chinese: `企业编号,企业名称,准入决定,...`
/// and `准入`/`有条件准入`/`不予准入`; any other language: the stable English ids).
pub fn write_csv_in(
    w: &mut dyn Write,
    report: &ScreenReport,
    enterprises: &[Enterprise],
    rules: &RuleSet,
    lang: Lang,
) -> std::io::Result<()> {
    w.write_all(&csv_header(lang))?;
    const BATCH: usize = 1 << 17;
    for (b, batch) in report.rows.chunks(BATCH).enumerate() {
        let chunks: Vec<std::io::Result<Vec<u8>>> = batch
            .par_chunks(8192)
            .enumerate()
            .map(|(k, rows)| {
                let mut out = csv_buffer(rows.len());
                for (j, r) in rows.iter().enumerate() {
                    let i = b * BATCH + k * 8192 + j;
                    csv_row(
                        &mut out,
                        &enterprises[r.index],
                        r.decision,
                        r.score,
                        report.outcomes(i),
                        rules,
                        lang,
                    )?;
                }
                out.into_inner().map_err(|e| e.into_error())
            })
            .collect();
        for c in chunks {
            w.write_all(&c?)?;
        }
    }
    Ok(())
}

/// The CSV output of a whole file, screened chunk by chunk (see [`screen_csv_text`]).
#[derive(Debug)]
pub struct StreamedCsv {
    /// The CSV text in pieces, header first; write them in order.
    pub chunks: Vec<Vec<u8>>,
    pub warnings: Vec<crate::Warning>,
    /// Admit, conditional, reject.
    pub counts: (usize, usize, usize),
}

/// Screen enterprise CSV text straight to the CSV output of [`write_csv`], parsing and
/// screening chunk by chunk on all cores so a million rows never sit in memory at once.
/// Same bytes as `screen` + `write_csv`. `None` when the file has any problem: load it with
/// [`crate::io::enterprises::read_enterprises`] to get the located errors.
pub fn screen_csv_text(
    path: &std::path::Path,
    text: &str,
    rules: &RuleSet,
    date: NaiveDate,
) -> Option<StreamedCsv> {
    screen_csv_text_in(path, text, rules, date, Lang::En)
}

/// [`screen_csv_text`] with the headers and decisions in `lang`, as [`write_csv_in`].
pub fn screen_csv_text_in(
    path: &std::path::Path,
    text: &str,
    rules: &RuleSet,
    date: NaiveDate,
    lang: Lang,
) -> Option<StreamedCsv> {
    let margins = margins(rules);
    let n = rules.admission.criteria().len();
    let (parts, warnings) = crate::io::enterprises::for_each_chunk(path, text, |ents| {
        let mut out = csv_buffer(ents.len());
        let mut outs = Vec::with_capacity(n);
        let mut counts = (0, 0, 0);
        for e in &ents {
            outs.clear();
            let (decision, score) = screen_one(e, rules, &margins, date, &mut outs);
            match decision {
                Decision::Admit => counts.0 += 1,
                Decision::Conditional => counts.1 += 1,
                Decision::Reject => counts.2 += 1,
            }
            csv_row(&mut out, e, decision, score, &outs, rules, lang).ok()?;
        }
        Some((out.into_inner().ok()?, counts))
    })?;
    let mut chunks = vec![csv_header(lang)];
    let mut counts = (0, 0, 0);
    for p in parts {
        let (buf, c) = p?;
        chunks.push(buf);
        counts = (counts.0 + c.0, counts.1 + c.1, counts.2 + c.2);
    }
    Some(StreamedCsv {
        chunks,
        warnings,
        counts,
    })
}

/// JSON: the rule set's version and hash, the date, the counts, the criteria (id, severity,
/// descriptions, tier labels, source) once, and every enterprise's full [`Trace`] without repeating the
/// descriptions, one enterprise per line. Written in batches, so memory stays bounded.
pub fn write_json(
    w: &mut dyn Write,
    report: &ScreenReport,
    enterprises: &[Enterprise],
    rules: &RuleSet,
) -> std::io::Result<()> {
    let head = json_head(report, rules)?;
    // Splice the enterprises array into the head object, streaming the traces batch by batch.
    w.write_all(&head.as_bytes()[..head.len() - 1])?;
    w.write_all(b",\"enterprises\":[\n")?;
    const BATCH: usize = 1 << 14;
    for (b, batch) in report.rows.chunks(BATCH).enumerate() {
        let chunks: Vec<std::io::Result<Vec<u8>>> = batch
            .par_chunks(1024)
            .enumerate()
            .map(|(k, rows)| {
                let mut out = Vec::new();
                for (j, r) in rows.iter().enumerate() {
                    if b + k + j > 0 {
                        out.extend_from_slice(b",\n");
                    }
                    let mut t = trace(&enterprises[r.index], rules, report.date);
                    for c in &mut t.criteria {
                        c.zh.clear();
                        c.en.clear();
                        c.source.clear();
                    }
                    serde_json::to_writer(&mut out, &t).map_err(std::io::Error::other)?;
                }
                Ok(out)
            })
            .collect();
        for c in chunks {
            w.write_all(&c?)?;
        }
    }
    w.write_all(b"\n]}\n")
}

/// The JSON object ahead of the traces: rules, date, counts and the criteria's definitions.
fn json_head(report: &ScreenReport, rules: &RuleSet) -> std::io::Result<String> {
    #[derive(Serialize)]
    struct Head<'a> {
        rules_version: &'a str,
        rules_sha256: &'a str,
        date: String,
        counts: Counts,
        criteria: Vec<Def<'a>>,
    }
    #[derive(Serialize)]
    struct Counts {
        admit: usize,
        conditional: usize,
        reject: usize,
    }
    #[derive(Serialize)]
    struct Def<'a> {
        id: &'a str,
        severity: Severity,
        zh: &'a str,
        en: &'a str,
        weight: Option<f64>,
        tiers: Vec<&'a str>,
        source: Option<&'a str>,
    }
    let (admit, conditional, reject) = report.counts();
    let head = Head {
        rules_version: &report.rules_version,
        rules_sha256: &report.rules_hash,
        date: report.date.to_string(),
        counts: Counts {
            admit,
            conditional,
            reject,
        },
        criteria: rules
            .admission
            .criteria()
            .iter()
            .map(|c| Def {
                id: &c.id,
                severity: c.severity,
                zh: &c.zh,
                en: &c.en,
                weight: c.weight,
                tiers: c.tiers.iter().map(|t| t.label.as_str()).collect(),
                source: rules.admission.source_of(c),
            })
            .collect(),
    };
    serde_json::to_string(&head).map_err(std::io::Error::other)
}

/// Text padded with spaces to `w` display columns.
fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(display_width(s))))
}

/// One enterprise's trace as a readable bilingual table, for `--explain`.
pub fn write_explain(w: &mut dyn Write, t: &Trace, report: &ScreenReport) -> std::io::Result<()> {
    write_explain_in(w, t, report, None)
}

/// The `--explain` table in `lang`: `None` is the bilingual table with English values (as it
/// has always read); `Zh` and `En` put labels, results, values, thresholds, reasons and
/// remedies in that language; `Both` gives both.
pub fn write_explain_in(
    w: &mut dyn Write,
    t: &Trace,
    report: &ScreenReport,
    lang: Option<Lang>,
) -> std::io::Result<()> {
    let label = |key: &str, en: &str| match lang {
        None => format!("{} {en}", i18n::text(Lang::Zh, key)),
        Some(l) => i18n::text(l, key),
    };
    explain_heading(w, t, report, lang)?;
    let header = match lang {
        None => [
            "准则 criterion",
            "类别 severity",
            "结果 result",
            "实测 value",
            "门槛 threshold",
        ]
        .map(String::from),
        Some(_) => [
            label("col.criterion", "criterion"),
            label("col.severity", "severity"),
            label("col.result", "result"),
            label("col.value", "value"),
            label("col.threshold", "threshold"),
        ],
    };
    let word = |zh: &str, en: &str| match lang {
        None | Some(Lang::Both) => format!("{zh} {en}"),
        Some(l) => l.pick(zh, en),
    };
    let rows: Vec<[String; 5]> = t
        .criteria
        .iter()
        .map(|c| {
            let (value, threshold) = match lang {
                None => (
                    c.value.clone().unwrap_or_else(|| "-".into()),
                    c.threshold.clone().unwrap_or_else(|| "-".into()),
                ),
                Some(l) => (c.value_in(l), c.threshold_in(l)),
            };
            [
                c.id.clone(),
                word(c.severity.zh(), c.severity.name()),
                word(c.status.zh(), c.status.name()),
                value,
                threshold,
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| display_width(&h));
    for r in &rows {
        for (k, cell) in r.iter().enumerate() {
            widths[k] = widths[k].max(display_width(cell));
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, wd)| pad(c, wd))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(w, "{}", line(&header))?;
    writeln!(
        w,
        "{}",
        widths
            .iter()
            .map(|wd| "-".repeat(*wd))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    let sub = |key: &str, en: &str| match lang {
        None => format!("{} {en}", i18n::text(Lang::Zh, key)),
        Some(l) => i18n::text(l, key),
    };
    for (c, r) in t.criteria.iter().zip(&rows) {
        writeln!(w, "{}", line(r))?;
        match lang {
            Some(l @ (Lang::Zh | Lang::En)) => writeln!(w, "    {}", l.pick(&c.zh, &c.en))?,
            _ => writeln!(w, "    {} / {}", c.zh, c.en)?,
        }
        if !c.source.is_empty() {
            writeln!(w, "    {}: {}", sub("explain.source", "source"), c.source)?;
        }
        if let Some(tier) = &c.tier {
            writeln!(w, "    {}: {tier}", sub("explain.tier", "tier"))?;
        }
        let (reason, remedy) = match lang {
            None => (c.reason.clone(), c.remedy.clone()),
            Some(l) => (c.reason_in(l), c.remedy_in(l)),
        };
        if let Some(reason) = reason {
            writeln!(w, "    {}: {reason}", sub("explain.reason", "reason"))?;
        }
        if let Some(fix) = remedy {
            writeln!(
                w,
                "    {}: {fix}",
                sub("explain.remedy", "what it would take")
            )?;
        }
    }
    Ok(())
}

/// The lines above the `--explain` table: enterprise, decision, score, rules and date.
fn explain_heading(
    w: &mut dyn Write,
    t: &Trace,
    report: &ScreenReport,
    lang: Option<Lang>,
) -> std::io::Result<()> {
    let Some(l) = lang else {
        return explain_heading_bilingual(w, t, report);
    };
    let label = |key: &str| i18n::text(l, key);
    let lines = [
        (label("explain.enterprise"), format!("{} {}", t.id, t.name)),
        (
            label("explain.decision"),
            i18n::text(l, &format!("decision.{}", t.decision.name())),
        ),
        (
            label("explain.score"),
            t.score
                .map_or(label("explain.rejected"), |s| format!("{s:.4}")),
        ),
        (
            label("explain.rules"),
            format!(
                "{} (sha256 {})",
                report.rules_version,
                &report.rules_hash[..report.rules_hash.len().min(12)]
            ),
        ),
        (label("explain.date"), report.date.to_string()),
    ];
    let wd = lines
        .iter()
        .map(|(k, _)| display_width(k))
        .max()
        .unwrap_or(0)
        + 2;
    for (k, v) in &lines {
        writeln!(w, "{}{v}", pad(k, wd))?;
    }
    writeln!(w)
}

/// The heading as it has always read: Chinese and English labels, English values.
fn explain_heading_bilingual(
    w: &mut dyn Write,
    t: &Trace,
    report: &ScreenReport,
) -> std::io::Result<()> {
    writeln!(w, "企业 Enterprise   {} {}", t.id, t.name)?;
    writeln!(
        w,
        "决定 Decision     {} {}",
        t.decision.zh(),
        t.decision.name()
    )?;
    writeln!(
        w,
        "优先分 Score      {}",
        t.score
            .map_or("- (rejected 不予准入)".to_string(), |s| format!(
                "{s:.4}"
            ))
    )?;
    writeln!(
        w,
        "规则 Rules        {} (sha256 {})",
        report.rules_version,
        &report.rules_hash[..report.rules_hash.len().min(12)]
    )?;
    writeln!(w, "评估日期 Date     {}", report.date)?;
    writeln!(w)
}

/// One enterprise's trace as pretty JSON (`screen --explain ID --format json`).
pub fn write_trace_json(w: &mut dyn Write, t: &Trace) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, t).map_err(std::io::Error::other)?;
    writeln!(w)
}

/// "screened 80 enterprises on 2026-11-26 with rules V (sha256 H): 34 admit, 12 conditional,
/// 34 reject", from the counts (admit, conditional, reject).
pub fn screened_line(counts: (usize, usize, usize), date: NaiveDate, rules: &RuleSet) -> String {
    let (a, c, r) = counts;
    format!(
        "screened {} enterprises on {date} with rules {} (sha256 {}): {a} admit, {c} conditional, {r} reject",
        a + c + r,
        rules.version,
        rules.short_hash()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn fast_score_format_matches_std() {
        let mut x = 0.0f64;
        for i in 0..200_000u64 {
            x += 0.000_123_456_7 * (i % 97) as f64;
            let v = x % 9.0;
            assert_eq!(super::fmt4(v), format!("{v:.4}"), "{v}");
        }
        for v in [
            0.0,
            0.00005,
            0.00015,
            1.23445,
            2.5,
            3.99995,
            1e-9,
            5.304757308758056,
        ] {
            assert_eq!(super::fmt4(v), format!("{v:.4}"), "{v}");
        }
    }
}
