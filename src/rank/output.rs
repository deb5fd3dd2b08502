//! Writing the ranking: fixed number formatting, the CSV (one line per enterprise, formatted
//! in parallel blocks) and the JSON (summary, then the streamed relocation and enterprise
//! arrays).

use super::{ActionReason, Evaluation, Land, Ranking};
use crate::i18n::{Lang, text};
use crate::rules::ranking::Metric;
use serde::Serialize;
use std::collections::BTreeMap;

/// A number as written in outputs: 6 decimals, or 6 significant digits below 0.1 (emission
/// intensities are small), trailing zeros trimmed, `inf` for the unbounded burden. Fixed
/// formatting keeps outputs byte-identical across runs and platforms.
pub fn fmt_num(x: f64) -> String {
    let mut out = Vec::new();
    push_num(&mut out, x);
    // Only ASCII digits, signs, '.' and "inf" are written.
    String::from_utf8(out).unwrap_or_default()
}

/// Append the decimal digits of `n`.
fn push_u64(out: &mut Vec<u8>, mut n: u64, min_digits: usize) {
    let mut digits = [0u8; 20];
    let mut k = 0;
    while n > 0 || k < min_digits.max(1) {
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        k += 1;
    }
    out.extend(digits[..k].iter().rev());
}

/// Append `x` formatted as [`fmt_num`] does.
fn push_num(out: &mut Vec<u8>, x: f64) {
    if x.is_infinite() {
        out.extend_from_slice(if x > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    if x.is_nan() {
        return;
    }
    let decimals = if x == 0.0 || x.abs() >= 0.1 {
        6
    } else {
        (5 - x.abs().log10().floor() as i32).clamp(6, 15) as usize
    };
    let scaled = (x * 10f64.powi(decimals as i32)).round();
    if scaled.abs() < 9.0e15 {
        // Integer digits: exact, and much faster than float formatting for a million rows.
        let n = scaled as i64;
        if n < 0 {
            out.push(b'-');
        }
        let a = n.unsigned_abs();
        let p = 10u64.pow(decimals as u32);
        push_u64(out, a / p, 1);
        let frac = a % p;
        if frac != 0 {
            out.push(b'.');
            push_u64(out, frac, decimals);
            while out.last() == Some(&b'0') {
                out.pop();
            }
        }
        return;
    }
    let mut s = format!("{x:.decimals$}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    out.extend_from_slice(s.as_bytes());
}

/// The CSV header for a ranking with these indicators.
fn csv_header(metrics: &[Metric]) -> Vec<String> {
    let mut header: Vec<String> = [
        "id",
        "name",
        "track",
        "status",
        "score",
        "class",
        "action",
        "rank",
        "burden",
        "relocation_rank",
    ]
    .map(String::from)
    .to_vec();
    header.extend(metrics.iter().map(|m| m.key().to_string()));
    header.extend(metrics.iter().map(|m| format!("{}_points", m.key())));
    header.extend(
        [
            "imputed",
            "energy_per_value_added",
            "emissions_per_value_added",
            "emissions_per_mu",
            "land_mu",
            "share_class",
            "weed_out",
            "driver",
            "driver_points_lost",
            "class_if_driver_met",
            "action_reason",
            "not_rated_reason",
            "rules_version",
            "rules_hash",
        ]
        .map(String::from),
    );
    header
}

/// One CSV line being written: fields separated by commas, text quoted only when it must be
/// (a comma, quote or line break in it; quotes doubled), as the csv crate writes it, and
/// neutralised when it would run as a formula ([`crate::io::cell`]).
struct Line<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl Line<'_> {
    fn sep(&mut self) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
    }
    /// A text cell, neutralised when a spreadsheet would run it as a formula.
    fn text(&mut self, s: &str) {
        self.sep();
        let s = crate::io::cell::neutralise(s);
        if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            self.out.push(b'"');
            for b in s.bytes() {
                if b == b'"' {
                    self.out.push(b'"');
                }
                self.out.push(b);
            }
            self.out.push(b'"');
        } else {
            self.out.extend_from_slice(s.as_bytes());
        }
    }
    fn num(&mut self, x: Option<f64>) {
        self.sep();
        if let Some(x) = x {
            push_num(self.out, x);
        }
    }
    fn end(self) {
        self.out.push(b'\n');
    }
}

/// Append one enterprise's CSV line, its statuses, actions and reasons in `lang` (English: the
/// stable ids).
fn csv_record(out: &mut Vec<u8>, ranking: &Ranking, ev: &Evaluation, lang: Lang) {
    let zh = lang == Lang::Zh;
    let mut l = Line { out, first: true };
    let r = ev.rated();
    l.text(&ev.id);
    l.text(&ev.name);
    l.text(ranking.track_id(ev));
    let status = ev.outcome.status();
    match zh {
        true => l.text(&text(lang, &format!("outcome.{status}"))),
        false => l.text(status),
    }
    l.num(r.map(|r| r.score));
    match (r, zh) {
        (None, true) => l.text(&text(lang, "outcome.not_rated")),
        _ => l.text(r.map_or("not rated", |r| r.class.as_str())),
    }
    match (r, zh) {
        (Some(r), true) => l.text(&text(lang, &format!("action.{}", r.action.as_str()))),
        _ => l.text(r.map_or("", |r| r.action.as_str())),
    }
    l.num(r.map(|r| r.rank as f64));
    l.num(ev.intensity.burden);
    l.num(r.and_then(|r| r.relocation_rank).map(|x| x as f64));
    // Each of the ranking's metrics: the enterprise's indicator of it, when its track has one.
    let ind = |m: &Metric| r.and_then(|r| r.indicators.iter().find(|i| i.metric == *m));
    for m in &ranking.metrics {
        l.num(ind(m).and_then(|i| i.value));
    }
    for m in &ranking.metrics {
        l.num(ind(m).map(|i| i.points));
    }
    let imputed: Vec<String> = r
        .map(|r| {
            r.indicators
                .iter()
                .filter_map(|i| {
                    i.imputed
                        .map(|how| format!("{}={}", i.metric, how.as_str()))
                })
                .collect()
        })
        .unwrap_or_default();
    l.text(&imputed.join(";"));
    l.num(ev.intensity.energy_per_value_added);
    l.num(ev.intensity.emissions_per_value_added);
    l.num(ev.intensity.emissions_per_mu);
    l.num(ev.land_mu);
    l.text(r.map_or("", |r| r.share_class.as_str()));
    match (r, zh) {
        (Some(r), true) => l.text(&text(
            lang,
            if r.weed_out { "value.yes" } else { "value.no" },
        )),
        _ => l.text(r.map_or("", |r| if r.weed_out { "true" } else { "false" })),
    }
    let d = r.and_then(|r| r.driver.as_ref());
    l.text(d.map_or("", |d| d.metric.key()));
    l.num(d.map(|d| d.points_lost));
    l.text(d.map_or("", |d| d.class_if_met.as_str()));
    match r.map(|r| r.action_reason) {
        Some(reason) if zh => l.text(&reason.text(lang)),
        Some(ActionReason::ByClass) => l.text("by class"),
        Some(reason) => l.text(&reason.to_string()),
        None => l.text(""),
    }
    l.text(ev.outcome.reason().unwrap_or(""));
    l.text(&ranking.rules_version);
    l.text(&ranking.rules_hash);
    l.end();
}

/// Write the ranking as CSV: one row per enterprise, rated best first, then the not rated.
///
/// Columns: `id,name,track,status,score,class,action,rank,burden,relocation_rank`, each
/// indicator's value and points (empty where the enterprise's track has no such indicator),
/// which indicators were imputed, the intensities, why (driver, weed-out, action reason, the
/// reason it is not rated), and the rule set's version and hash on every row. Rows are formatted in parallel in blocks and
/// written in order, so the bytes do not depend on the number of threads.
pub fn write_csv(w: &mut dyn std::io::Write, ranking: &Ranking) -> std::io::Result<()> {
    write_csv_in(w, ranking, Lang::En)
}

/// [`write_csv`] with the headers, statuses, actions and reasons in `lang` (Chinese:
/// `编号,企业名称,...`, `参评`, `搬迁腾退`; any other language: the stable English ids). Ids,
/// classes, tracks and metric keys stay as they are: a planner needs them to look things up.
pub fn write_csv_in(
    w: &mut dyn std::io::Write,
    ranking: &Ranking,
    lang: Lang,
) -> std::io::Result<()> {
    {
        let mut out = csv::Writer::from_writer(&mut *w);
        let header = csv_header(&ranking.metrics);
        match lang {
            Lang::Zh => out.write_record(
                header
                    .iter()
                    .map(|k| crate::io::xlsx::column(k).zh.into_owned()),
            )?,
            _ => out.write_record(header)?,
        }
        out.flush()?;
    }
    in_parallel_blocks(w, &ranking.order, |_, chunk| {
        let mut out = Vec::with_capacity(chunk.len() * 400);
        for &i in chunk {
            csv_record(&mut out, ranking, &ranking.evaluations[i], lang);
        }
        Ok(out)
    })?;
    Ok(())
}

/// Format `order` in blocks of 4096 on all cores and write them in order; at most 64 blocks are
/// held at once, so memory stays bounded on a million rows. `format` gets whether the block is
/// the first one, and the block. The bytes do not depend on the number of threads.
fn in_parallel_blocks(
    w: &mut dyn std::io::Write,
    order: &[usize],
    format: impl Fn(bool, &[usize]) -> std::io::Result<Vec<u8>> + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    const BLOCK: usize = 4096;
    for (batch, rows) in order.chunks(BLOCK * 64).enumerate() {
        let blocks: Vec<std::io::Result<Vec<u8>>> = rows
            .par_chunks(BLOCK)
            .enumerate()
            .map(|(b, chunk)| format(batch == 0 && b == 0, chunk))
            .collect();
        for block in blocks {
            w.write_all(&block?)?;
        }
    }
    Ok(())
}

/// Round every float in a JSON tree as [`fmt_num`] writes it.
fn round_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if n.is_f64() => {
            if let Some(r) = n
                .as_f64()
                .and_then(|x| fmt_num(x).parse::<f64>().ok())
                .and_then(serde_json::Number::from_f64)
            {
                *n = r;
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(round_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(round_json),
        _ => {}
    }
}

/// A value as JSON with its floats rounded as [`fmt_num`] writes them.
fn json<T: Serialize>(v: &T) -> std::io::Result<serde_json::Value> {
    let mut v = serde_json::to_value(v).map_err(std::io::Error::other)?;
    round_json(&mut v);
    Ok(v)
}

/// Write the ranking as JSON: rules, class boundaries and counts, land freed, the relocation
/// ranking, and every enterprise in rank order with its indicators, driver and reasons.
///
/// The summary is pretty-printed; the `relocation` and `enterprises` arrays hold one compact
/// object per line and are streamed, so a million enterprises never sit in memory as JSON.
pub fn write_json(w: &mut dyn std::io::Write, ranking: &Ranking) -> std::io::Result<()> {
    let summary = json_summary(ranking)?;
    writeln!(w, "{{")?;
    for (key, value) in &summary {
        let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
        writeln!(w, "  \"{key}\": {},", text.replace('\n', "\n  "))?;
    }
    json_array(
        w,
        "relocation",
        &ranking.relocation,
        ranking,
        &|ev| relocation_item(ranking, ev),
        false,
    )?;
    json_array(
        w,
        "enterprises",
        &ranking.order,
        ranking,
        &|ev| {
            let mut v = json(ev)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("track".into(), ranking.track_id(ev).into());
            }
            Ok(v)
        },
        true,
    )?;
    writeln!(w, "}}")
}

/// The JSON summary ahead of the arrays, key by key in output order: rules and their source,
/// counts, each track (condition, indicators with their sources, class boundaries and counts),
/// classes and actions over all tracks, and land freed (with its tax per mu).
fn json_summary(ranking: &Ranking) -> std::io::Result<[(&'static str, serde_json::Value); 9]> {
    #[derive(Serialize)]
    struct LandOut {
        enterprises: usize,
        mu: f64,
        tax_10k_yuan: f64,
        tax_per_mu: Option<f64>,
    }
    let land = |l: &Land| LandOut {
        enterprises: l.enterprises,
        mu: l.mu,
        tax_10k_yuan: l.tax_10k_yuan,
        tax_per_mu: l.tax_per_mu(),
    };
    let by = |m: &BTreeMap<String, LandOut>| json(m);
    Ok([
        (
            "rules",
            serde_json::json!({ "version": ranking.rules_version, "hash": ranking.rules_hash, "source": ranking.source }),
        ),
        ("rated", json(&ranking.rated)?),
        ("not_rated", json(&ranking.not_rated)?),
        ("listed_apart", json(&ranking.listed_apart)?),
        ("exempt", json(&ranking.exempt)?),
        ("tracks", json(&ranking.tracks)?),
        ("class_counts", json(&ranking.class_counts)?),
        ("action_counts", json(&ranking.action_counts)?),
        (
            "land_freed",
            serde_json::json!({
                "total": json(&land(&ranking.land_freed.total))?,
                "by_class": by(&ranking.land_freed.by_class.iter().map(|(c, l)| (c.to_string(), land(l))).collect())?,
                "by_action": by(&ranking.land_freed.by_action.iter().map(|(a, l)| (a.to_string(), land(l))).collect())?,
            }),
        ),
    ])
}

/// One array of the JSON output: one compact object per line, formatted in parallel blocks
/// written in order; `last` leaves out the comma after it.
fn json_array(
    w: &mut dyn std::io::Write,
    key: &str,
    order: &[usize],
    ranking: &Ranking,
    item: &(dyn Fn(&Evaluation) -> std::io::Result<serde_json::Value> + Sync),
    last: bool,
) -> std::io::Result<()> {
    write!(w, "  \"{key}\": [")?;
    in_parallel_blocks(w, order, |first, chunk| {
        let mut out = Vec::with_capacity(chunk.len() * 1024);
        for (k, &i) in chunk.iter().enumerate() {
            out.extend_from_slice(if first && k == 0 {
                b"\n    "
            } else {
                b",\n    "
            });
            serde_json::to_writer(&mut out, &item(&ranking.evaluations[i])?)
                .map_err(std::io::Error::other)?;
        }
        Ok(out)
    })?;
    let close = if order.is_empty() { "" } else { "\n  " };
    writeln!(w, "{close}]{}", if last { "" } else { "," })
}

/// One entry of the JSON relocation ranking: place, enterprise, track, class, action, burden,
/// land.
fn relocation_item(ranking: &Ranking, ev: &Evaluation) -> std::io::Result<serde_json::Value> {
    let burden = ev.intensity.burden.map(|b| {
        if b.is_infinite() {
            serde_json::json!("inf")
        } else {
            serde_json::json!(b)
        }
    });
    let mut v = serde_json::json!({
        "relocation_rank": ev.rated().and_then(|r| r.relocation_rank),
        "id": ev.id,
        "name": ev.name,
        "track": ranking.track_id(ev),
        "class": ev.class(),
        "action": ev.action(),
        "burden": burden,
        "land_mu": ev.land_mu,
    });
    round_json(&mut v);
    Ok(v)
}

/// The lines `rank` prints on stderr: the classes and actions, one line per track, and the
/// land freed.
pub fn summary_lines(ranking: &Ranking, rules: &crate::rules::RuleSet) -> Vec<String> {
    use super::Class;
    let classes = |counts: &BTreeMap<Class, usize>| {
        Class::ALL
            .iter()
            .map(|c| format!("{} {c}", counts.get(c).copied().unwrap_or(0)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let actions: Vec<String> = ranking
        .action_counts
        .iter()
        .map(|(a, n)| format!("{n} {a}"))
        .collect();
    let freed = &ranking.land_freed.total;
    let mut lines = vec![format!(
        "ranked {} enterprises with rules {} (sha256 {}): {}; {} not rated, {} listed apart, {} exempt; actions: {}",
        ranking.rated,
        rules.version,
        rules.short_hash(),
        classes(&ranking.class_counts),
        ranking.not_rated,
        ranking.listed_apart,
        ranking.exempt,
        if actions.is_empty() {
            "none".to_string()
        } else {
            actions.join(", ")
        }
    )];
    for t in &ranking.tracks {
        let when = t.when.as_deref().unwrap_or("every enterprise left");
        lines.push(if t.listed_apart {
            format!(
                "  track {} ({when}): {} listed apart, not rated",
                t.id, t.enterprises
            )
        } else {
            format!(
                "  track {} ({when}): {} enterprises, {} rated: {}",
                t.id,
                t.enterprises,
                t.boundaries.rated,
                classes(&t.class_counts)
            )
        });
    }
    lines.push(format!(
        "land freed by relocate and convert: {} mu from {} enterprises, earning {} (10k yuan) tax per mu today",
        fmt_num((freed.mu * 10.0).round() / 10.0),
        freed.enterprises,
        freed
            .tax_per_mu()
            .map_or("-".to_string(), |t| format!("{t:.2}"))
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_same_way_every_time() {
        assert_eq!(fmt_num(24.1), "24.1");
        assert_eq!(fmt_num(100.0), "100");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333");
        assert_eq!(fmt_num(0.000585123456), "0.000585123");
        assert_eq!(fmt_num(-1e-17), "0");
        assert_eq!(fmt_num(f64::INFINITY), "inf");
        assert_eq!(fmt_num(-2.5), "-2.5");
        assert_eq!(fmt_num(1.0000004), "1");
        assert_eq!(
            fmt_num(1e300),
            format!("{:.6}", 1e300)
                .trim_end_matches('0')
                .trim_end_matches('.')
        );
    }
}
