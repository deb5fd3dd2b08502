//! Rule sets: thresholds, weights, distances and tables as data in `rules/*.toml`.
//!
//! A rule set is read once, checked, and then handed to every stage. Unknown keys are errors
//! (a misspelt threshold must not silently fall back to a default), and every error carries
//! the file, line and column, and the offending line with a caret under the fault.

pub mod admission;
pub mod allocation;
pub mod expr;
mod locate;
pub mod map;
pub mod ranking;
pub mod robustness;

use crate::error::{InputError, Place, Problems, caret_snippet, line_column};
use crate::model::{GENERAL_CLUSTER, IndustryCode};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A checked rule set, with the version and hash that every output records.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub version: String,
    pub title: String,
    /// The file it came from, for messages.
    pub source: PathBuf,
    /// SHA-256 of the file's bytes, hex: which exact rules produced an output.
    pub hash: String,
    pub clusters: ClusterTable,
    pub admission: admission::AdmissionRules,
    pub ranking: ranking::RankingRules,
    pub allocation: allocation::AllocationRules,
    /// What the printed maps say about the park (`[map]`).
    pub map: map::MapRules,
    /// The file's values as written, key by key: what `plan --compare` diffs between two rule
    /// sets (`crate::plan::compare`).
    pub values: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuleSet {
    version: String,
    #[serde(default)]
    title: String,
    clusters: ClusterTable,
    #[serde(default)]
    admission: Option<toml::Spanned<admission::RawAdmission>>,
    #[serde(default)]
    ranking: Option<toml::Spanned<ranking::RankingRules>>,
    #[serde(default)]
    allocation: Option<toml::Spanned<allocation::AllocationRules>>,
    #[serde(default)]
    map: map::MapRules,
}

/// Industry code prefix -> cluster, matched by the longest prefix.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ClusterTable {
    /// Cluster of an industry that no prefix matches.
    #[serde(default = "general")]
    pub default: String,
    pub prefix: BTreeMap<String, String>,
    /// The plan or document the clusters follow.
    #[serde(default)]
    pub source: Option<String>,
}

fn general() -> String {
    GENERAL_CLUSTER.to_string()
}

impl ClusterTable {
    /// The cluster of an enterprise whose industry code may be missing (then the default).
    pub fn cluster_for(&self, code: Option<&IndustryCode>) -> &str {
        code.map_or(self.default.as_str(), |c| self.cluster_of(c))
    }

    /// The cluster of an industry code by longest matching prefix.
    ///
    /// ```
    /// # use parkplan::rules::ClusterTable;
    /// # use parkplan::model::IndustryCode;
    /// let t = ClusterTable { default: "general".into(), prefix: [("C35".into(), "mechatronics".into()),
    ///     ("C3544".into(), "pharma_equipment".into())].into(), source: None };
    /// assert_eq!(t.cluster_of(&IndustryCode::parse("c3544").unwrap()), "pharma_equipment");
    /// assert_eq!(t.cluster_of(&IndustryCode::parse("C3511").unwrap()), "mechatronics");
    /// assert_eq!(t.cluster_of(&IndustryCode::parse("C1711").unwrap()), "general");
    /// assert_eq!(t.cluster_for(None), "general");
    /// ```
    pub fn cluster_of(&self, code: &IndustryCode) -> &str {
        self.prefix
            .iter()
            .filter(|(p, _)| code.starts_with(p))
            .max_by_key(|(p, _)| p.len())
            .map_or(self.default.as_str(), |(_, c)| c.as_str())
    }
}

/// A problem found after parsing, located by the span of the section or key it concerns.
pub(crate) struct SpanError {
    pub span: std::ops::Range<usize>,
    pub key: String,
    pub message: String,
}

/// Turn a byte span in a rule file into a located error with the offending line shown.
pub(crate) fn located(
    path: &Path,
    src: &str,
    span_start: usize,
    key: Option<&str>,
    message: &str,
) -> InputError {
    let (line, column) = line_column(src, span_start);
    let snippet = caret_snippet(src, line, column);
    InputError::new(
        path,
        Place::Position { line, column },
        key,
        format!("{message}\n{snippet}"),
    )
}

/// Load and check a rule set file.
pub fn load(path: &Path) -> Result<RuleSet, Problems> {
    let bytes =
        std::fs::read(path).map_err(|e| InputError::file(path, format!("cannot read: {e}")))?;
    let hash = hex(&Sha256::digest(&bytes));
    let text = crate::io::decode_utf8(path, bytes)?;
    parse(path, &text, hash)
}

/// Parse rule-set text; `hash` is recorded as given.
pub fn parse(path: &Path, text: &str, hash: String) -> Result<RuleSet, Problems> {
    let raw: RawRuleSet = toml::from_str(text).map_err(|e| {
        let start = e.span().map_or(0, |s| s.start);
        // Inside a criterion (an unknown severity, a wrong type), say which one.
        let message = match locate::criterion_at(text, start) {
            Some(id) => format!("criterion {id:?}: {}", e.message()),
            None => e.message().to_string(),
        };
        located(path, text, start, None, &message)
    })?;
    let mut problems = Problems::default();
    if raw.version.trim().is_empty() {
        let at = locate::key_span(text, "version").map_or(0, |s| s.start);
        problems.push(located(
            path,
            text,
            at,
            Some("version"),
            "expected a version naming this rule set (it is recorded in every output), got an empty one",
        ));
    }
    for (prefix, cluster) in &raw.clusters.prefix {
        if IndustryCode::parse(prefix).is_err() {
            problems.push(InputError::new(path, Place::File, Some(&format!("clusters.prefix.{prefix}")), format!(
                "{prefix:?} is not an industry code prefix (a section letter then digits, e.g. C39) for cluster {cluster:?}"
            )));
        }
    }
    let ctx = CheckContext { text };
    let (admission, admission_at) = section(raw.admission);
    let (admission, admission_errors) = admission::AdmissionRules::from_raw(admission, &ctx);
    let (mut ranking, ranking_at) = section(raw.ranking);
    let ranking_errors = ranking.check(&ctx);
    let (mut allocation, allocation_at) = section(raw.allocation);
    let kind_errors = allocation.normalise_kinds();
    let checks = [
        (admission_errors, admission_at),
        (ranking_errors, ranking_at),
        (kind_errors, allocation_at),
        (allocation.check(&ctx), allocation_at),
    ];
    for (errors, section_at) in checks {
        for e in errors {
            // An error without a span of its own points at its key, found in the text, or at
            // its section's header when the key is not written there.
            let at = if e.span.is_empty() && e.span.start == 0 {
                locate::key_span(text, &e.key).map_or(section_at, |s| s.start)
            } else {
                e.span.start.max(section_at)
            };
            problems.push(located(path, text, at, Some(&e.key), &e.message));
        }
    }
    problems.into_result(RuleSet {
        version: raw.version,
        title: raw.title,
        source: path.to_path_buf(),
        hash,
        clusters: raw.clusters,
        admission,
        ranking,
        allocation,
        map: raw.map,
        // The text parsed as a rule set above, so it parses as a table too.
        values: toml::from_str(text).unwrap_or_default(),
    })
}

/// A section's value and the byte offset where it starts (0 when absent).
fn section<T: Default>(s: Option<toml::Spanned<T>>) -> (T, usize) {
    match s {
        Some(s) => {
            let start = s.span().start;
            (s.into_inner(), start)
        }
        None => (T::default(), 0),
    }
}

/// What a section's `check` may need to locate its errors.
pub(crate) struct CheckContext<'a> {
    pub text: &'a str,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl RuleSet {
    /// Commands that screen refuse a rule set without admission criteria: it would admit every
    /// applicant.
    pub fn require_admission_criteria(&self) -> Result<(), InputError> {
        if self.admission.criteria().is_empty() {
            return Err(InputError::file(
                &self.source,
                "the rule set has no [admission] criteria ([[admission.criterion]] tables), so it would admit every applicant; see rules/lingkun.toml",
            ));
        }
        Ok(())
    }

    /// `rank` refuses a rule set without ranking indicators: it would rate nobody.
    pub fn require_ranking_indicators(&self) -> Result<(), InputError> {
        if !self.ranking.is_configured() {
            return Err(InputError::file(
                &self.source,
                "the rule set has no [ranking] track with indicators ([[ranking.track]] and its [[ranking.track.indicators]] tables); see rules/lingkun.toml",
            ));
        }
        Ok(())
    }

    /// Every `source` the rule file cites, by the part it covers (`admission`,
    /// `admission.criterion.rd_intensity`, `ranking.track.below_size`, ...), in file order.
    pub fn sources<'a>(&'a self) -> Vec<(String, &'a str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        fn push<'a>(out: &mut Vec<(String, &'a str)>, part: String, s: &'a Option<String>) {
            if let Some(s) = s {
                out.push((part, s.as_str()));
            }
        }
        let mut add = |part: String, s: &'a Option<String>| push(&mut out, part, s);
        add("clusters".into(), &self.clusters.source);
        let a = &self.admission;
        add("admission".into(), &a.source);
        add("admission.priority".into(), &a.priority.source);
        add("admission.min_far".into(), &a.min_far.source);
        add("admission.candidates".into(), &a.candidates.source);
        for c in a.criteria() {
            add(format!("admission.criterion.{}", c.id), &c.source);
        }
        let r = &self.ranking;
        add("ranking".into(), &r.source);
        add("ranking.burden".into(), &r.burden.source);
        add("ranking.conversion".into(), &r.conversion.source);
        for t in &r.tracks {
            add(format!("ranking.track.{}", t.id()), &t.source);
            for i in &t.indicators {
                add(
                    format!("ranking.track.{}.{}", t.id(), i.metric.value),
                    &i.source,
                );
            }
        }
        add("allocation".into(), &self.allocation.source);
        out
    }

    /// First 12 hex digits of the hash, for titles and tables.
    pub fn short_hash(&self) -> &str {
        &self.hash[..self.hash.len().min(12)]
    }
}
