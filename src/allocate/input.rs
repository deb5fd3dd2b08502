//! Candidates as a CSV file (`--candidates`), for benchmarks, tests and hand-made what-ifs:
//! `id,name,industry_code,cluster,pollution_class,requested_mu,priority,kind,lon,lat,planned_far`.
//! `cluster` may be empty (then the rule file's industry table decides), as may `industry_code`,
//! `lon`/`lat` and `planned_far`. `kind` is `admitted`, `conditional`, `converting` or
//! `relocating`; relocating rows are probes (options only, never matched): split them off with
//! [`split_probes`].

use crate::error::{InputError, Place, Problems};
use crate::model::{Candidate, CandidateKind, Categorical, IndustryCode, PollutionClass};
use crate::rules::RuleSet;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const COLUMNS: [&str; 11] = [
    "id",
    "name",
    "industry_code",
    "cluster",
    "pollution_class",
    "requested_mu",
    "priority",
    "kind",
    "lon",
    "lat",
    "planned_far",
];
const REQUIRED: [&str; 5] = ["id", "pollution_class", "requested_mu", "priority", "kind"];

/// Candidates and their planned FARs from a CSV file.
pub fn load_candidates(
    path: &Path,
    rules: &RuleSet,
) -> Result<(Vec<Candidate>, BTreeMap<String, f64>), Problems> {
    let text = crate::io::read_utf8(path)?;
    read_candidates(path, &text, rules)
}

/// Candidates from CSV text; `path` names the file in messages.
pub fn read_candidates(
    path: &Path,
    text: &str,
    rules: &RuleSet,
) -> Result<(Vec<Candidate>, BTreeMap<String, f64>), Problems> {
    let mut problems = Problems::default();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            InputError::new(
                path,
                Place::Line(1),
                None,
                format!("cannot read the header: {e}"),
            )
        })?
        .clone();
    let cols: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim().to_lowercase(), i))
        .collect();
    for h in headers.iter() {
        if !COLUMNS.contains(&h.trim().to_lowercase().as_str()) {
            problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(h),
                format!("unknown column: expected some of {}", COLUMNS.join(", ")),
            ));
        }
    }
    for r in REQUIRED {
        if !cols.contains_key(r) {
            problems.push(InputError::new(
                path,
                Place::Line(1),
                Some(r),
                "missing column",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = Vec::new();
    let mut far = BTreeMap::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (n, rec) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.push(InputError::new(
                    path,
                    Place::Line(line),
                    None,
                    format!("malformed row: {e}"),
                ));
                continue;
            }
        };
        let cell = |c: &str| {
            cols.get(c)
                .and_then(|&i| rec.get(i))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut bad = |c: &str, m: String| {
            problems.push(InputError::new(path, Place::Line(line), Some(c), m))
        };
        // A number within [lo, hi]; anything else is reported with the range.
        let number =
            |c: &str, lo: f64, hi: f64, bad: &mut dyn FnMut(&str, String)| -> Option<f64> {
                let t = cell(c)?;
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Some(v),
                    _ => {
                        let range = if hi == f64::MAX {
                            format!(">= {lo}")
                        } else {
                            format!("from {lo} to {hi}")
                        };
                        bad(c, format!("expected a number {range}, got {t:?}"));
                        None
                    }
                }
            };
        let Some(id) = cell("id").map(str::to_string) else {
            bad("id", "missing: every candidate needs an id".into());
            continue;
        };
        if let Some(prev) = seen.insert(id.clone(), line) {
            bad("id", format!("duplicate id {id:?}: also on line {prev}"));
        }
        let industry_code = cell("industry_code").and_then(|t| {
            IndustryCode::parse(t)
                .map_err(|e| bad("industry_code", e))
                .ok()
        });
        let pollution_class = match cell("pollution_class") {
            Some(t) => PollutionClass::parse(t)
                .map_err(|e| bad("pollution_class", e))
                .ok(),
            None => {
                bad(
                    "pollution_class",
                    "missing: expected light, moderate or heavy".into(),
                );
                None
            }
        };
        let kind = match cell("kind").map(str::to_lowercase).as_deref() {
            Some("admitted") => Some(CandidateKind::Admitted),
            Some("conditional") => Some(CandidateKind::Conditional),
            Some("converting") => Some(CandidateKind::Converting),
            Some("relocating") => Some(CandidateKind::Relocating),
            other => {
                bad(
                    "kind",
                    format!(
                        "expected one of admitted, conditional, converting, relocating, got {:?}",
                        other.unwrap_or("")
                    ),
                );
                None
            }
        };
        let requested_mu = number("requested_mu", 0.0, f64::MAX, &mut bad);
        // Weights (priority x fit) are exact integers in 1e-6 units up to 1e6.
        let priority = number("priority", 0.0, 1e6, &mut bad);
        if priority.is_none() && cell("priority").is_none() {
            bad("priority", "missing: expected a number".into());
        }
        let lon = number("lon", -180.0, 180.0, &mut bad);
        let lat = number("lat", -90.0, 90.0, &mut bad);
        if let Some(f) = number("planned_far", 0.0, f64::MAX, &mut bad) {
            far.insert(id.clone(), f);
        }
        let cluster = match (cell("cluster"), &industry_code) {
            (Some(c), _) => c.to_lowercase(),
            (None, code) => rules.clusters.cluster_for(code.as_ref()).to_string(),
        };
        if let (Some(pollution_class), Some(kind), Some(priority)) =
            (pollution_class, kind, priority)
        {
            out.push(Candidate {
                id,
                name: cell("name").unwrap_or("").to_string(),
                industry_code,
                cluster,
                pollution_class,
                requested_mu,
                priority,
                kind,
                site: lon.zip(lat),
            });
        }
    }
    problems.into_result((out, far))
}

/// Split relocating enterprises (probes: options only) from the candidates to match.
pub fn split_probes(all: Vec<Candidate>) -> (Vec<Candidate>, Vec<Candidate>) {
    all.into_iter()
        .partition(|c| c.kind != CandidateKind::Relocating)
}
