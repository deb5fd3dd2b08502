//! The comparison's files: `compare.json` (everything), one CSV table per part, the same tables
//! as sheets of `compare.xlsx`, and the difference map. Machine outputs keep the stable English
//! ids (decisions, statuses, causes); the workbook's headers are Chinese, as `plan.xlsx`'s.

use super::{Comparison, Placement};
use crate::error::Error;
use crate::i18n::Lang;
use crate::io::cell::neutralise;
use crate::io::write_atomic;
use crate::io::xlsx::Sheet;
use crate::rank::fmt_num;
use std::path::Path;

pub const JSON: &str = "compare.json";
pub const RULES_CSV: &str = "compare-rules.csv";
pub const SCREENING_CSV: &str = "compare-screening.csv";
pub const RANKING_CSV: &str = "compare-ranking.csv";
pub const ALLOCATION_CSV: &str = "compare-allocation.csv";
pub const PARCELS_CSV: &str = "compare-parcels.csv";
pub const XLSX: &str = "compare.xlsx";
/// The difference map's file stem (`.svg` and `.png`).
pub const MAP: &str = "compare-map";

/// The comparison's files as (names, what they hold), in the order the report lists them.
pub fn compare_files() -> Vec<(Vec<String>, &'static str)> {
    let one = |n: &str| vec![n.to_string()];
    vec![
        (
            one(JSON),
            "the whole comparison: rule diff, screening, ranking, allocation, both rule sets' version and hash",
        ),
        (
            one(RULES_CSV),
            "every rule value that differs, by key, with both values",
        ),
        (
            one(SCREENING_CSV),
            "applicants whose decision changes, one row per criterion that moved, with values and both thresholds",
        ),
        (
            one(RANKING_CSV),
            "urban enterprises whose class, action or relocation place changes",
        ),
        (
            one(ALLOCATION_CSV),
            "enterprises newly placed, no longer placed or moved, with the parcel or reason in each plan",
        ),
        (
            one(PARCELS_CSV),
            "parcels whose occupant changes, with the enterprises before and after",
        ),
        (
            one(XLSX),
            "the five comparison tables as sheets of one workbook",
        ),
        (
            vec![format!("{MAP}.svg"), format!("{MAP}.png")],
            "difference map: parcels that change, with the enterprise before and after",
        ),
    ]
}

/// Write the comparison's tables, JSON and workbook into `dir` (CSV with the byte-order mark
/// when `bom`, with Chinese headers and values when `lang` is Chinese, else the stable English
/// ids), and the drawn difference map; `workbook`: also `compare.xlsx` (made from the English
/// tables, with Chinese headers, as `plan.xlsx` is).
pub fn write_comparison(
    c: &Comparison,
    map: &crate::plan::maps::Drawn,
    dir: &Path,
    (bom, lang): (bool, Lang),
    workbook: bool,
) -> Result<(), Error> {
    write_atomic(&dir.join(JSON), |w| {
        serde_json::to_writer_pretty(&mut *w, c).map_err(std::io::Error::other)?;
        writeln!(w)
    })?;
    let english = tables(c, Lang::En)?;
    let shown = match lang {
        Lang::Zh => tables(c, Lang::Zh)?,
        _ => english.clone(),
    };
    for (name, _, csv) in &shown {
        write_atomic(&dir.join(name), |w| {
            if bom {
                w.write_all(crate::io::cell::BOM)?;
            }
            w.write_all(csv)
        })?;
    }
    if workbook {
        let sheets: Vec<Sheet> = english
            .iter()
            .map(|(_, sheet, csv)| Sheet::new(sheet, csv))
            .collect();
        let mut about = Vec::new();
        for (side, prefix) in [(&c.base, "原"), (&c.other, "新")] {
            about.push((format!("{prefix}规则版本"), side.rules_version.clone()));
            about.push((
                format!("{prefix}规则哈希(SHA-256)"),
                side.rules_sha256.clone(),
            ));
            about.push((format!("{prefix}规则文件"), side.rules_file.clone()));
        }
        about.push(("评估日期".into(), c.date.clone()));
        about.push(("分配模式".into(), c.mode.to_string()));
        write_atomic(&dir.join(XLSX), |w| {
            crate::io::xlsx::write_workbook(w, &sheets, &about)
        })?;
    }
    write_atomic(&dir.join(format!("{MAP}.svg")), |w| {
        w.write_all(map.svg.as_bytes())
    })?;
    write_atomic(&dir.join(format!("{MAP}.png")), |w| w.write_all(&map.png))
}

/// "2 rule values differ (same version lingkun-2026.2!), 3 decisions change, 2 placements
/// change, 2 parcels change occupant": the progress line of a comparison.
pub fn summary_line(c: &Comparison) -> String {
    let warn = if c.rules.same_version {
        format!(
            " (both rule sets are version {}: told apart only by hash)",
            c.base.rules_version
        )
    } else {
        String::new()
    };
    format!(
        "{} rule values differ{warn}, {} decisions change, {} ranking changes, {} placements change, {} parcels change occupant; objective {} -> {}",
        c.rules.changes.len(),
        c.screening.changes.len(),
        c.ranking.changes.len(),
        c.allocation.enterprises.len(),
        c.allocation.parcels.len(),
        fmt_num(c.allocation.objective_before),
        fmt_num(c.allocation.objective_after),
    )
}

type Tables = Vec<(&'static str, &'static str, Vec<u8>)>;

/// Each part's table as CSV text in `lang` (Chinese, or English ids): (file name, sheet name,
/// text).
fn tables(c: &Comparison, lang: Lang) -> Result<Tables, Error> {
    let t = |f: &dyn Fn(&mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()>| {
        let mut v = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut v);
            f(&mut w).map_err(|e| Error::io("<table>", std::io::Error::other(e)))?;
            w.flush().map_err(|e| Error::io("<table>", e))?;
        }
        Ok::<_, Error>(v)
    };
    Ok(vec![
        (RULES_CSV, "规则差异", t(&|w| rules_table(w, c, Tx(lang)))?),
        (
            SCREENING_CSV,
            "准入变化",
            t(&|w| screening_table(w, c, Tx(lang)))?,
        ),
        (
            RANKING_CSV,
            "评价变化",
            t(&|w| ranking_table(w, c, Tx(lang)))?,
        ),
        (
            ALLOCATION_CSV,
            "分配变化",
            t(&|w| allocation_table(w, c, Tx(lang)))?,
        ),
        (
            PARCELS_CSV,
            "地块变化",
            t(&|w| parcels_table(w, c, Tx(lang)))?,
        ),
    ])
}

type W<'a, 'b> = csv::Writer<&'a mut Vec<u8>>;

/// A table's language: English writes the stable ids, Chinese the catalogue's texts.
#[derive(Clone, Copy)]
struct Tx(Lang);

impl Tx {
    fn header(self, keys: &[&str]) -> Vec<String> {
        keys.iter()
            .map(|k| match self.0 {
                Lang::Zh => crate::io::xlsx::column(k).zh.into_owned(),
                _ => k.to_string(),
            })
            .collect()
    }
    /// An id (`admit`, `pass`, `relocate`) or, in Chinese, its text from catalogue `area`.
    fn id(self, area: &str, id: &str) -> String {
        self.keyed(&format!("{area}.{id}"), id)
    }
    /// The id, or in Chinese the text of catalogue `key`.
    fn keyed(self, key: &str, id: &str) -> String {
        match self.0 {
            Lang::Zh => crate::i18n::text(Lang::Zh, key),
            _ => id.to_string(),
        }
    }
    fn absent(self) -> String {
        match self.0 {
            Lang::Zh => crate::i18n::text(Lang::Zh, "compare.absent"),
            _ => "absent".into(),
        }
    }
    fn status(self, p: &Placement) -> String {
        match self.0 {
            Lang::Zh => super::section::placement(Lang::Zh, p),
            _ => status_text(p),
        }
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn rules_table(w: &mut W, c: &Comparison, tx: Tx) -> csv::Result<()> {
    w.write_record(tx.header(&["key", "rule_before", "rule_after"]))?;
    for r in &c.rules.changes {
        w.write_record([
            neutralise(&r.key).as_ref(),
            &neutralise(r.before.as_deref().unwrap_or("")),
            &neutralise(r.after.as_deref().unwrap_or("")),
        ])?;
    }
    Ok(())
}

fn screening_table(w: &mut W, c: &Comparison, tx: Tx) -> csv::Result<()> {
    w.write_record(tx.header(&[
        "id",
        "name",
        "before",
        "after",
        "criterion",
        "result_before",
        "result_after",
        "value_before",
        "value_after",
        "threshold_before",
        "threshold_after",
    ]))?;
    let d =
        |d: Option<crate::screen::Decision>| d.map_or(tx.absent(), |d| tx.id("decision", d.name()));
    let s = |s: Option<crate::screen::Status>| {
        s.map_or(tx.absent(), |s| {
            tx.id("status", &s.name().replace(' ', "_"))
        })
    };
    for x in &c.screening.changes {
        let head = [neutralise(&x.id), neutralise(&x.name)];
        if x.criteria.is_empty() {
            let mut row: Vec<String> = head.iter().map(|h| h.to_string()).collect();
            row.extend([d(x.before), d(x.after)]);
            row.extend(std::iter::repeat_n(String::new(), 7));
            w.write_record(&row)?;
        }
        for m in &x.criteria {
            w.write_record([
                head[0].as_ref(),
                &head[1],
                &d(x.before),
                &d(x.after),
                &neutralise(&m.criterion),
                &s(m.before),
                &s(m.after),
                &neutralise(m.value_before.get(tx.0)),
                &neutralise(m.value_after.get(tx.0)),
                &neutralise(m.threshold_before.get(tx.0)),
                &neutralise(m.threshold_after.get(tx.0)),
            ])?;
        }
    }
    Ok(())
}

fn ranking_table(w: &mut W, c: &Comparison, tx: Tx) -> csv::Result<()> {
    w.write_record(tx.header(&[
        "id",
        "name",
        "class_before",
        "class_after",
        "action_before",
        "action_after",
        "relocation_rank_before",
        "relocation_rank_after",
    ]))?;
    for x in &c.ranking.changes {
        w.write_record([
            neutralise(&x.id).as_ref(),
            &neutralise(&x.name),
            &opt(x.class_before),
            &opt(x.class_after),
            &x.action_before
                .map_or(String::new(), |a| tx.id("action", a.as_str())),
            &x.action_after
                .map_or(String::new(), |a| tx.id("action", a.as_str())),
            &opt(x.relocation_before),
            &opt(x.relocation_after),
        ])?;
    }
    Ok(())
}

/// Where an enterprise stands, in English ids: `placed`, `unplaced: out_competed`,
/// `reject`, `admit (excluded: …)`, `urban: D relocate`, `absent`.
pub(crate) fn status_text(p: &Placement) -> String {
    match p {
        Placement::Placed { .. } => "placed".into(),
        Placement::Unplaced { cause, .. } => format!("unplaced: {cause}"),
        Placement::Screened {
            decision,
            excluded: None,
        } => decision.name().into(),
        Placement::Screened {
            decision,
            excluded: Some(r),
        } => format!("{} (excluded: {r})", decision.name()),
        Placement::Urban { class, action } => format!("urban: {} {}", opt(*class), opt(*action))
            .trim()
            .into(),
        Placement::Absent => "absent".into(),
    }
}

fn allocation_table(w: &mut W, c: &Comparison, tx: Tx) -> csv::Result<()> {
    w.write_record(tx.header(&[
        "enterprise_id",
        "name",
        "change",
        "parcel_before",
        "parcel_after",
        "weight_before",
        "weight_after",
        "status_before",
        "status_after",
    ]))?;
    let weight = |p: &Placement| match p {
        Placement::Placed { weight, .. } => fmt_num(*weight),
        _ => String::new(),
    };
    for x in &c.allocation.enterprises {
        w.write_record([
            neutralise(&x.id).as_ref(),
            &neutralise(&x.name),
            &tx.keyed(
                &format!("compare.move_{}", x.kind.as_str()),
                x.kind.as_str(),
            ),
            &neutralise(x.before.parcel().unwrap_or("")),
            &neutralise(x.after.parcel().unwrap_or("")),
            &weight(&x.before),
            &weight(&x.after),
            &neutralise(&tx.status(&x.before)),
            &neutralise(&tx.status(&x.after)),
        ])?;
    }
    Ok(())
}

fn parcels_table(w: &mut W, c: &Comparison, tx: Tx) -> csv::Result<()> {
    w.write_record(tx.header(&[
        "parcel_id",
        "area_mu",
        "change",
        "enterprises_before",
        "enterprises_after",
    ]))?;
    let ids = |v: &[super::Occupant]| {
        v.iter()
            .map(|o| o.id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    };
    for p in &c.allocation.parcels {
        w.write_record([
            neutralise(&p.parcel_id).as_ref(),
            &fmt_num(p.area_mu),
            &tx.keyed(&format!("compare.parcel_{}", p.kind()), p.kind()),
            &neutralise(&ids(&p.before)),
            &neutralise(&ids(&p.after)),
        ])?;
    }
    Ok(())
}
