//! The allocation's files: parcels GeoJSON, assignments and options CSV, summary JSON.
//! Writers take any `Write`; floats are rounded and rows sorted so reruns are byte-identical.
//! Ids a spreadsheet would run as formulas are neutralised ([`crate::io::cell`]).

use super::{Allocation, Problem, Unplaced};
use crate::i18n::{Lang, text};
use crate::io::cell::neutralise;
use crate::io::geojson::{Layout, round_to};
use crate::rules::RuleSet;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

fn csv_err(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}

/// `enterprise_id,parcel_id,weight` (weight to 6 decimals, exact in the solver's units).
pub fn write_assignments(w: &mut dyn Write, a: &Allocation) -> std::io::Result<()> {
    write_assignments_in(w, a, Lang::En)
}

/// The header of a table in `lang`: Chinese through the output vocabulary
/// ([`crate::io::xlsx::column`]), else the stable keys.
fn header_in(keys: &[&str], lang: Lang) -> Vec<String> {
    keys.iter()
        .map(|k| match lang {
            Lang::Zh => crate::io::xlsx::column(k).zh.into_owned(),
            _ => k.to_string(),
        })
        .collect()
}

/// [`write_assignments`] with the headers in `lang`.
pub fn write_assignments_in(w: &mut dyn Write, a: &Allocation, lang: Lang) -> std::io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(header_in(&["enterprise_id", "parcel_id", "weight"], lang))
        .map_err(csv_err)?;
    for x in &a.assignments {
        out.write_record([
            neutralise(&x.enterprise_id).as_ref(),
            &neutralise(&x.parcel_id),
            &format!("{:.6}", x.weight),
        ])
        .map_err(csv_err)?;
    }
    out.flush()
}

/// `enterprise_id,action,rank,parcel_id,weight,area_mu,distance_km,assigned`: converting
/// candidates, then relocating probes (`assigned` always false), each in input order by rank.
pub fn write_options(w: &mut dyn Write, a: &Allocation) -> std::io::Result<()> {
    write_options_in(w, a, Lang::En)
}

/// [`write_options`] with the headers, actions and yes/no in `lang`.
pub fn write_options_in(w: &mut dyn Write, a: &Allocation, lang: Lang) -> std::io::Result<()> {
    let zh = lang == Lang::Zh;
    let mut out = csv::Writer::from_writer(w);
    let keys = [
        "enterprise_id",
        "action",
        "rank",
        "parcel_id",
        "weight",
        "area_mu",
        "distance_km",
        "assigned",
    ];
    out.write_record(header_in(&keys, lang)).map_err(csv_err)?;
    for o in &a.options {
        out.write_record([
            neutralise(&o.enterprise_id).into_owned(),
            match zh {
                true => text(lang, &format!("action.{}", o.action.as_str())),
                false => o.action.to_string(),
            },
            o.rank.to_string(),
            neutralise(&o.parcel_id).into_owned(),
            format!("{:.6}", o.weight),
            format!("{:.2}", o.area_mu),
            format!("{:.3}", o.distance_km),
            match zh {
                true => text(lang, if o.assigned { "value.yes" } else { "value.no" }),
                false => o.assigned.to_string(),
            },
        ])
        .map_err(csv_err)?;
    }
    out.flush()
}

/// Every parcel with its original properties plus `assigned`, `enterprise_id`,
/// `enterprise_name`, `industry`, `weight` (several enterprises joined by `;` in block mode).
pub fn write_parcels(w: &mut dyn Write, p: &Problem, a: &Allocation) -> std::io::Result<()> {
    let mut by_parcel: BTreeMap<usize, Vec<&super::Assignment>> = BTreeMap::new();
    for x in &a.assignments {
        by_parcel.entry(x.parcel).or_default().push(x);
    }
    let extra = |j: usize, _: &crate::model::Parcel| {
        let mut m = serde_json::Map::new();
        let xs = by_parcel.get(&j).map(Vec::as_slice).unwrap_or(&[]);
        let join = |f: &dyn Fn(&super::Assignment) -> String| {
            xs.iter().map(|x| f(x)).collect::<Vec<_>>().join(";")
        };
        m.insert("assigned".into(), json!(!xs.is_empty()));
        if xs.is_empty() {
            for k in ["enterprise_id", "enterprise_name", "industry", "weight"] {
                m.insert(k.into(), serde_json::Value::Null);
            }
        } else {
            m.insert(
                "enterprise_id".into(),
                json!(join(&|x| x.enterprise_id.clone())),
            );
            m.insert(
                "enterprise_name".into(),
                json!(join(&|x| p.candidates[x.candidate].name.clone())),
            );
            m.insert(
                "industry".into(),
                json!(join(&|x| p.candidates[x.candidate]
                    .industry_code
                    .as_ref()
                    .map(|c| c.to_string())
                    .unwrap_or_default())),
            );
            m.insert(
                "weight".into(),
                json!(round_to(xs.iter().map(|x| x.weight).sum::<f64>(), 6)),
            );
            m.insert("locked".into(), json!(xs.iter().any(|x| x.locked)));
        }
        m
    };
    crate::io::geojson::write_parcels(w, &p.park.parcels, extra, Layout::Compact)?;
    writeln!(w)
}

#[derive(Serialize)]
struct Counts {
    candidates: usize,
    parcels: usize,
    available_parcels: usize,
    feasible_pairs: usize,
    locked_pairs: usize,
    assigned: usize,
    locked: usize,
    unassigned: usize,
    assigned_parcel_mu: f64,
    /// Relocating enterprises probed for options (never placed).
    relocating: usize,
    relocation_options: usize,
}

/// The summary: objective, bound, gap, mode, counts, timings, the unassigned with reasons, the
/// converting and relocating enterprises without relocation options with reasons, rule version
/// and hash. `timings` false writes none, for byte-identical reruns.
pub fn write_summary(
    w: &mut dyn Write,
    p: &Problem,
    a: &Allocation,
    rules: &RuleSet,
    timings: bool,
) -> std::io::Result<()> {
    let mut parcels_used: Vec<usize> = a.assignments.iter().map(|x| x.parcel).collect();
    parcels_used.sort_unstable();
    parcels_used.dedup();
    let counts = Counts {
        candidates: p.candidates.len(),
        parcels: p.park.parcels.len(),
        available_parcels: p
            .park
            .parcels
            .iter()
            .filter(|q| q.status == crate::model::ParcelStatus::Available)
            .count(),
        feasible_pairs: a.feasible.len(),
        locked_pairs: a.locked.len(),
        assigned: a.assignments.len(),
        locked: a.assignments.iter().filter(|x| x.locked).count(),
        unassigned: a.unplaced.len(),
        assigned_parcel_mu: round_to(
            parcels_used
                .iter()
                .map(|&j| p.park.parcels[j].area_mu)
                .sum(),
            2,
        ),
        relocating: p.probes.len(),
        relocation_options: a.options.len(),
    };
    let unassigned: Vec<&Unplaced> = a.unplaced.iter().collect();
    let mut v = json!({
        "mode": a.mode,
        "method": a.method,
        "status": a.status,
        "objective": round_to(a.objective, 6),
        "bound": round_to(a.bound, 6),
        "gap": round_to(a.gap, 9),
        "rules": { "version": rules.version, "hash": rules.hash, "file": rules.source.display().to_string() },
        "counts": counts,
        "unassigned": unassigned,
        "relocation_without_options": a.without_options,
        "warnings": a.warnings,
    });
    if timings {
        v["timings_ms"] = json!(a.timings);
    }
    serde_json::to_writer_pretty(&mut *w, &v).map_err(std::io::Error::other)?;
    writeln!(w)
}
