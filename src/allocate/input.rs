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

pub(crate) const COLUMNS: [&str; 11] = [
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
    let cols = read_header(path, &mut reader)?;
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
        let mut cells = Cells {
            path,
            line,
            cols: &cols,
            rec: &rec,
            problems: &mut problems,
        };
        if let Some(c) = read_row(&mut cells, rules, &mut seen, &mut far) {
            out.push(c);
        }
    }
    problems.into_result((out, far))
}

/// The header's column positions (lowercase names); unknown and missing required columns are
/// reported together, before any row is read.
fn read_header(
    path: &Path,
    reader: &mut csv::Reader<&[u8]>,
) -> Result<HashMap<String, usize>, Problems> {
    let mut problems = Problems::default();
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
    problems.into_result(cols)
}

/// One record's cells by column name, and where to report what is wrong with them.
struct Cells<'a> {
    path: &'a Path,
    line: u64,
    cols: &'a HashMap<String, usize>,
    rec: &'a csv::StringRecord,
    problems: &'a mut Problems,
}

impl<'a> Cells<'a> {
    /// The trimmed cell of column `c`; `None` when the column is absent or the cell empty.
    fn get(&self, c: &str) -> Option<&'a str> {
        let rec = self.rec;
        self.cols
            .get(c)
            .and_then(|&i| rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// Report what is wrong with the cell of column `c`.
    fn bad(&mut self, c: &str, m: String) {
        self.problems.push(InputError::new(
            self.path,
            Place::Line(self.line),
            Some(c),
            m,
        ))
    }

    /// A number within [lo, hi]; anything else is reported with the range.
    fn number(&mut self, c: &str, lo: f64, hi: f64) -> Option<f64> {
        let t = self.get(c)?;
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() && (lo..=hi).contains(&v) => Some(v),
            _ => {
                let range = if hi == f64::MAX {
                    format!(">= {lo}")
                } else {
                    format!("from {lo} to {hi}")
                };
                self.bad(c, format!("expected a number {range}, got {t:?}"));
                None
            }
        }
    }
}

/// One row's candidate, or `None` when a required cell is missing or wrong (reported in
/// `cells`); its planned FAR goes to `far`, its id and line to `seen`.
fn read_row(
    cells: &mut Cells,
    rules: &RuleSet,
    seen: &mut HashMap<String, u64>,
    far: &mut BTreeMap<String, f64>,
) -> Option<Candidate> {
    let Some(id) = cells.get("id").map(str::to_string) else {
        cells.bad("id", "missing: every candidate needs an id".into());
        return None;
    };
    if let Some(prev) = seen.insert(id.clone(), cells.line) {
        cells.bad("id", format!("duplicate id {id:?}: also on line {prev}"));
    }
    let industry_code = cells.get("industry_code").and_then(|t| {
        IndustryCode::parse(t)
            .map_err(|e| cells.bad("industry_code", e))
            .ok()
    });
    let pollution_class = match cells.get("pollution_class") {
        Some(t) => PollutionClass::parse(t)
            .map_err(|e| cells.bad("pollution_class", e))
            .ok(),
        None => {
            cells.bad(
                "pollution_class",
                "missing: expected light, moderate or heavy".into(),
            );
            None
        }
    };
    let kind = read_kind(cells);
    let requested_mu = cells.number("requested_mu", 0.0, f64::MAX);
    // Weights (priority x fit) are exact integers in 1e-6 units up to 1e6.
    let priority = cells.number("priority", 0.0, 1e6);
    if priority.is_none() && cells.get("priority").is_none() {
        cells.bad("priority", "missing: expected a number".into());
    }
    let lon = cells.number("lon", -180.0, 180.0);
    let lat = cells.number("lat", -90.0, 90.0);
    if let Some(f) = cells.number("planned_far", 0.0, f64::MAX) {
        far.insert(id.clone(), f);
    }
    let cluster = match (cells.get("cluster"), &industry_code) {
        (Some(c), _) => c.to_lowercase(),
        (None, code) => rules.clusters.cluster_for(code.as_ref()).to_string(),
    };
    Some(Candidate {
        id,
        name: cells.get("name").unwrap_or("").to_string(),
        industry_code,
        cluster,
        pollution_class: pollution_class?,
        requested_mu,
        priority: priority?,
        kind: kind?,
        site: lon.zip(lat),
    })
}

/// The `kind` cell: admitted, conditional, converting or relocating (any case).
fn read_kind(cells: &mut Cells) -> Option<CandidateKind> {
    match cells.get("kind").map(str::to_lowercase).as_deref() {
        Some("admitted") => Some(CandidateKind::Admitted),
        Some("conditional") => Some(CandidateKind::Conditional),
        Some("converting") => Some(CandidateKind::Converting),
        Some("relocating") => Some(CandidateKind::Relocating),
        other => {
            cells.bad(
                "kind",
                format!(
                    "expected one of admitted, conditional, converting, relocating, got {:?}",
                    other.unwrap_or("")
                ),
            );
            None
        }
    }
}

/// Split relocating enterprises (probes: options only) from the candidates to match.
pub fn split_probes(all: Vec<Candidate>) -> (Vec<Candidate>, Vec<Candidate>) {
    all.into_iter()
        .partition(|c| c.kind != CandidateKind::Relocating)
}
