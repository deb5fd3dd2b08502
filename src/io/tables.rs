//! parkplan's own tables read back, for `parkplan map`: an assignments CSV
//! (`enterprise_id,parcel_id`, as `allocate` writes it) and a ranking CSV (`id,class,action`, as
//! `rank` writes it). Every id must be in the scenario and every class and action one parkplan
//! writes, so a wrong file is refused rather than drawn grey.

use crate::error::{InputError, Place, Problems};
use crate::plan::maps::{MapInputs, label};
use crate::rank::{Action, Class};
use crate::render::map::{Assigned, Link, SiteClass};
use crate::scenario::Scenario;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// Rows of a small CSV read by header name: (line, values of `columns` in order). Text that
/// parkplan neutralised when writing it (`'=x`) reads back as written (`=x`).
fn read_columns(path: &Path, columns: &[&str]) -> Result<Vec<(u64, Vec<String>)>, Problems> {
    let text = super::read_utf8(path)?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| InputError::file(path, format!("cannot read the header: {e}")))?
        .clone();
    let mut idx = Vec::new();
    let mut problems = Problems::default();
    for c in columns {
        // The stable key, or its Chinese header (a table written with `--lang zh`).
        let zh = super::xlsx::column(c).zh;
        match headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(c) || h.trim() == zh)
        {
            Some(i) => idx.push(i),
            None => problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(c),
                format!(
                    "required column is missing (columns: {})",
                    columns.join(",")
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| InputError::file(path, format!("not a valid CSV: {e}")))?;
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((
            line,
            idx.iter()
                .map(|&i| super::cell::restore(rec.get(i).unwrap_or("").trim()).to_string())
                .collect(),
        ));
    }
    Ok(rows)
}

/// Labels and relocation lines from an assignments CSV into `inputs`; an enterprise takes one
/// parcel (a parcel may take several, as in block mode).
pub fn read_assignments(path: &Path, s: &Scenario, inputs: &mut MapInputs) -> Result<(), Problems> {
    let enterprises: HashMap<&str, &crate::Enterprise> = s
        .registries
        .iter()
        .flat_map(|(_, r)| &r.enterprises)
        .map(|e| (e.id.as_str(), e))
        .collect();
    let parcels: HashSet<&str> = s.park.parcels.iter().map(|p| p.id.as_str()).collect();
    let mut problems = Problems::default();
    let mut assigned: Assigned = BTreeMap::new();
    let mut placed: HashMap<String, (u64, String)> = HashMap::new();
    let mut links = Vec::new();
    for (line, v) in read_columns(path, &["enterprise_id", "parcel_id"])? {
        let (eid, pid) = (&v[0], &v[1]);
        let e = enterprises.get(eid.as_str());
        let known_parcel = parcels.contains(pid.as_str());
        let mut bad = |field: &str, msg: String| {
            problems.push(InputError::new(path, Place::Line(line), Some(field), msg))
        };
        if e.is_none() {
            bad(
                "enterprise_id",
                format!("{eid:?} is in no enterprise file of the scenario"),
            );
        }
        if !known_parcel {
            bad(
                "parcel_id",
                format!("{pid:?} is not a parcel of the scenario"),
            );
        }
        let Some(e) = e.filter(|_| known_parcel) else {
            continue;
        };
        if let Some(prev) = placed.insert(e.id.clone(), (line, pid.clone())) {
            bad(
                "enterprise_id",
                format!(
                    "{eid:?} is assigned twice: also to parcel {:?} on line {}",
                    prev.1, prev.0
                ),
            );
        }
        assigned.entry(pid.clone()).or_default().push(label(
            s,
            &e.id,
            &e.name,
            e.industry_code.as_ref(),
        ));
        if e.site().is_some() {
            links.push(Link {
                enterprise_id: e.id.clone(),
                parcel_id: pid.clone(),
                assigned: true,
            });
        }
    }
    inputs.assigned = assigned;
    inputs.links = links;
    problems.into_result(())
}

/// Classes and actions from a ranking CSV onto `inputs.sites`.
pub fn read_ranking(path: &Path, s: &Scenario, inputs: &mut MapInputs) -> Result<(), Problems> {
    let known: HashSet<&str> = s
        .registries
        .iter()
        .flat_map(|(_, r)| &r.enterprises)
        .map(|e| e.id.as_str())
        .collect();
    let mut problems = Problems::default();
    let mut by_id: HashMap<String, (SiteClass, Option<Action>)> = HashMap::new();
    for (line, v) in read_columns(path, &["id", "class", "action"])? {
        let mut bad = |field: &str, msg: String| {
            problems.push(InputError::new(path, Place::Line(line), Some(field), msg))
        };
        if !known.contains(v[0].as_str()) {
            bad(
                "id",
                format!("{:?} is in no enterprise file of the scenario", v[0]),
            );
        }
        let class = match parse_class(&v[1]) {
            Ok(c) => c,
            Err(allowed) => {
                bad(
                    "class",
                    format!("expected one of {allowed}, or empty; got {:?}", v[1]),
                );
                SiteClass::NotRated
            }
        };
        let action = match parse_action(&v[2]) {
            Ok(a) => a,
            Err(allowed) => {
                bad(
                    "action",
                    format!("expected one of {allowed}, or empty; got {:?}", v[2]),
                );
                None
            }
        };
        by_id.insert(v[0].clone(), (class, action));
    }
    for site in &mut inputs.sites {
        if let Some((class, action)) = by_id.get(&site.id) {
            site.class = *class;
            site.action = *action;
        }
    }
    problems.into_result(())
}

/// A class as `rank` writes it (`A`..`D`, `not rated` or `未评价`, or empty), any case; `Err`
/// lists the allowed values.
fn parse_class(text: &str) -> Result<SiteClass, String> {
    let not_rated = crate::i18n::text(crate::i18n::Lang::Zh, "outcome.not_rated");
    if text.is_empty() || text.eq_ignore_ascii_case("not rated") || text == not_rated {
        return Ok(SiteClass::NotRated);
    }
    Class::ALL
        .iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(text))
        .map(|c| SiteClass::Rated(*c))
        .ok_or_else(|| {
            let names: Vec<&str> = Class::ALL.iter().map(|c| c.as_str()).collect();
            format!("{}, not rated", names.join(", "))
        })
}

/// An action as `rank` writes it (the id, any case, or its Chinese name), or empty; `Err` lists
/// the allowed values.
fn parse_action(text: &str) -> Result<Option<Action>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let all = [
        Action::Retain,
        Action::Rectify,
        Action::Relocate,
        Action::Convert,
    ];
    let zh =
        |a: &Action| crate::i18n::text(crate::i18n::Lang::Zh, &format!("action.{}", a.as_str()));
    all.iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(text) || zh(a) == text)
        .map(|a| Some(*a))
        .ok_or_else(|| all.map(|a| a.as_str()).join(", "))
}
