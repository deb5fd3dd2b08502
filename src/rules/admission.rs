//! The `[admission]` section: criteria for screening park applicants (expressions over the
//! metrics of [`crate::metrics`]), the minimum floor-area-ratio table and the priority weights.
//!
//! Every criterion's expressions are compiled and type-checked when the rule file loads
//! (the loader builds [`AdmissionRules`] from the file's section), so a misspelt metric, a type error or a syntax error is refused
//! with the criterion id, the file, line and column, before any enterprise is read.

use super::expr::{AtomOp, Program, Ty};
use super::{CheckContext, SpanError};
use crate::model::{Categorical, HightechLevel, IndustryCode, PollutionClass};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use toml::Spanned;

/// The `[admission]` section as written in the file, before its expressions are compiled.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAdmission {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    priority: Priority,
    #[serde(default)]
    min_far: MinFarTable,
    #[serde(default)]
    candidates: CandidateRules,
    #[serde(default, rename = "criterion")]
    criteria: Vec<Criterion>,
}

/// The `[admission]` section, checked and compiled: built only by the rule loader (or empty,
/// by `Default`), and the criteria cannot be changed afterwards, so the compiled programs never
/// fall out of step with the criteria they came from.
#[derive(Debug, Clone, Default)]
pub struct AdmissionRules {
    /// The document the criteria follow, unless a criterion names its own.
    pub source: Option<String>,
    /// Priority weights for admitted and conditional applicants.
    pub priority: Priority,
    /// Minimum floor-area ratio by industry (the `min_far` metric).
    pub min_far: MinFarTable,
    /// How admitted applicants become allocation candidates.
    pub candidates: CandidateRules,
    /// The criteria, in the order traces list them.
    criteria: Vec<Criterion>,
    /// Their expressions, compiled, in the same order.
    compiled: Vec<CompiledCriterion>,
}

/// How bad a failed criterion is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Failing rejects the applicant.
    Required,
    /// Failing, or missing data, makes the decision `conditional`.
    Conditional,
    /// Passing adds `weight` to the priority score.
    Preferred,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Required => "required",
            Severity::Conditional => "conditional",
            Severity::Preferred => "preferred",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Severity::Required => "必备",
            Severity::Conditional => "附条件",
            Severity::Preferred => "优先",
        }
    }
}

/// One admission criterion as written in the rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub severity: Severity,
    /// Description in Chinese.
    pub zh: String,
    /// Description in English.
    pub en: String,
    /// The test (a boolean expression); or give `tiers`.
    #[serde(default)]
    pub expr: Option<Spanned<String>>,
    /// The criterion applies only where this holds (else "not applicable").
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// Points added to the priority score when a preferred criterion passes.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Tiered tests: the first tier whose `when` holds applies, and the trace names it.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// The document the threshold comes from, when it is not the `[admission]` section's.
    #[serde(default)]
    pub source: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// How the trace names the tier, e.g. "revenue <= 5,000 (10k yuan)".
    pub label: String,
    pub when: Spanned<String>,
    pub expr: Spanned<String>,
}

/// Priority score = level points + weights of passed preferred criteria + margins.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priority {
    /// Points by certification level, e.g. `{ national = 3, provincial = 2, municipal = 1 }`.
    #[serde(default)]
    pub level: BTreeMap<HightechLevel, f64>,
    /// Rewards for exceeding a criterion's threshold.
    #[serde(default)]
    pub margin: Vec<Margin>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `weight x min((value - threshold) / threshold, cap)`, from the criterion's first comparison
/// (the applied tier's), floored at 0: how far an applicant exceeds the bar, relative to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Margin {
    pub criterion: String,
    pub weight: f64,
    pub cap: f64,
}

/// Industry code prefix -> minimum floor-area ratio, longest prefix wins.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinFarTable {
    /// Minimum FAR of industries no prefix matches.
    #[serde(default)]
    pub default: Option<f64>,
    #[serde(default)]
    pub prefix: BTreeMap<String, f64>,
    /// The document the minimums come from.
    #[serde(default)]
    pub source: Option<String>,
}

impl MinFarTable {
    /// The minimum FAR of an industry code, by longest matching prefix.
    pub fn of(&self, code: &IndustryCode) -> Option<f64> {
        self.prefix
            .iter()
            .filter(|(p, _)| code.starts_with(p))
            .max_by_key(|(p, _)| p.len())
            .map(|(_, v)| *v)
            .or(self.default)
    }
}

/// What to do with an admitted applicant whose pollution class is not reported.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateRules {
    /// `"exclude"` (default: it is not placed, with that reason) or a class to assume.
    #[serde(default)]
    pub missing_pollution_class: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

impl CandidateRules {
    /// The class to assume for a missing one; `None` means exclude.
    pub fn assumed_class(&self) -> Option<PollutionClass> {
        self.missing_pollution_class
            .as_deref()
            .and_then(|s| PollutionClass::parse(s).ok())
    }
}

/// A criterion's compiled expressions.
#[derive(Debug, Clone)]
pub struct CompiledCriterion {
    pub when: Option<Program>,
    /// One branch for a plain criterion (no `when`, no label); one per tier otherwise.
    pub branches: Vec<Branch>,
}

#[derive(Debug, Clone)]
pub struct Branch {
    pub label: Option<String>,
    pub when: Option<Program>,
    pub test: Program,
}

/// Byte offset in the file of the character at `offset` inside a TOML string value spanning
/// `span` (quotes included); exact unless the string has escapes, then its start.
pub(super) fn file_offset(
    text: &str,
    span: &std::ops::Range<usize>,
    value: &str,
    offset: usize,
) -> usize {
    let raw = text.get(span.clone()).unwrap_or("");
    let open = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
        3
    } else {
        1
    };
    let mut inner_start = span.start + open;
    let mut body = raw.get(open..raw.len().saturating_sub(open)).unwrap_or("");
    if open == 3 && body.starts_with('\n') {
        body = &body[1..];
        inner_start += 1;
    }
    if body == value {
        inner_start + offset
    } else {
        span.start
    }
}

/// An error with no place in the file (a table key or a cross-reference), located by its key.
fn unplaced(key: String, message: String) -> SpanError {
    SpanError {
        span: 0..0,
        key,
        message,
    }
}

impl AdmissionRules {
    /// Check and compile a section as read from the file; the errors are located in it.
    pub(crate) fn from_raw(raw: RawAdmission, ctx: &CheckContext) -> (Self, Vec<SpanError>) {
        let mut rules = AdmissionRules {
            source: raw.source,
            priority: raw.priority,
            min_far: raw.min_far,
            candidates: raw.candidates,
            criteria: raw.criteria,
            compiled: Vec::new(),
        };
        let errors = rules.check(ctx);
        (rules, errors)
    }

    /// The criteria, in file order.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// The compiled criteria, in the order of [`AdmissionRules::criteria`].
    pub fn compiled(&self) -> &[CompiledCriterion] {
        &self.compiled
    }

    /// The document a criterion's threshold comes from: its own `source`, else the section's.
    pub fn source_of<'a>(&'a self, c: &'a Criterion) -> Option<&'a str> {
        c.source.as_deref().or(self.source.as_deref())
    }

    /// Position of a criterion by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }

    fn compile(&self, ctx: &CheckContext) -> Result<Vec<CompiledCriterion>, Vec<SpanError>> {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        let one = |c: &Criterion,
                   field: &str,
                   s: &Spanned<String>,
                   errors: &mut Vec<SpanError>|
         -> Option<Program> {
            match Program::compile(s.get_ref(), &crate::metrics::Catalogue, Ty::Bool) {
                Ok(p) => Some(p),
                Err(es) => {
                    for e in es {
                        let at = file_offset(ctx.text, &s.span(), s.get_ref(), e.span.start);
                        errors.push(SpanError {
                            span: at..at,
                            key: format!("admission.criterion.{}.{field}", c.id),
                            message: format!("criterion {:?}: {}", c.id, e.message),
                        });
                    }
                    None
                }
            }
        };
        for c in &self.criteria {
            let when = c.when.as_ref().and_then(|w| one(c, "when", w, &mut errors));
            let mut branches = Vec::new();
            if let Some(e) = &c.expr
                && let Some(test) = one(c, "expr", e, &mut errors)
            {
                branches.push(Branch {
                    label: None,
                    when: None,
                    test,
                });
            }
            for (i, t) in c.tiers.iter().enumerate() {
                let w = one(c, &format!("tiers[{i}].when"), &t.when, &mut errors);
                let e = one(c, &format!("tiers[{i}].expr"), &t.expr, &mut errors);
                if let (Some(w), Some(test)) = (w, e) {
                    branches.push(Branch {
                        label: Some(t.label.clone()),
                        when: Some(w),
                        test,
                    });
                }
            }
            out.push(CompiledCriterion { when, branches });
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Semantic checks after parsing, then compiling; each error is located by a span in the
    /// file. The compiled programs are kept only when there is no error.
    fn check(&mut self, ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        self.check_criteria(&mut errors);
        self.check_priority_levels(&mut errors);
        self.check_min_far(&mut errors);
        self.check_candidates(&mut errors);
        match self.compile(ctx) {
            Ok(compiled) => {
                self.check_margins(&compiled, &mut errors);
                if errors.is_empty() {
                    self.compiled = compiled;
                }
            }
            Err(es) => errors.extend(es),
        }
        errors
    }

    /// Criterion ids are non-empty and unique; each criterion gives `expr` or `tiers` (not
    /// both), and a `weight` (>= 0) exactly when it is preferred.
    fn check_criteria(&self, errors: &mut Vec<SpanError>) {
        let mut ids = BTreeSet::new();
        for c in &self.criteria {
            let key = format!("admission.criterion.{}", c.id);
            if c.id.trim().is_empty() {
                errors.push(unplaced(
                    "admission.criterion.id".into(),
                    "a criterion needs a non-empty id".into(),
                ));
            }
            if !ids.insert(c.id.as_str()) {
                errors.push(unplaced(
                    key.clone(),
                    format!("criterion id {:?} appears twice", c.id),
                ));
            }
            match (c.expr.is_some(), c.tiers.is_empty()) {
                (true, false) => errors.push(unplaced(
                    format!("{key}.tiers"),
                    format!("criterion {:?}: give `expr` or `tiers`, not both", c.id),
                )),
                (false, true) => errors.push(unplaced(
                    key.clone(),
                    format!("criterion {:?}: give an `expr` (or `tiers`)", c.id),
                )),
                _ => {}
            }
            match (c.severity, c.weight) {
                (Severity::Preferred, None) => errors.push(unplaced(
                    key.clone(),
                    format!(
                        "criterion {:?}: a preferred criterion needs a `weight`",
                        c.id
                    ),
                )),
                (Severity::Preferred, Some(w)) if !(w.is_finite() && w >= 0.0) => {
                    errors.push(unplaced(
                        format!("{key}.weight"),
                        format!("criterion {:?}: expected a weight >= 0, got {w}", c.id),
                    ))
                }
                (Severity::Required | Severity::Conditional, Some(_)) => errors.push(unplaced(
                    format!("{key}.weight"),
                    format!(
                        "criterion {:?}: only preferred criteria have a `weight`",
                        c.id
                    ),
                )),
                _ => {}
            }
        }
    }

    /// Level points are finite and >= 0.
    fn check_priority_levels(&self, errors: &mut Vec<SpanError>) {
        for (level, v) in &self.priority.level {
            if !(v.is_finite() && *v >= 0.0) {
                errors.push(unplaced(
                    format!("admission.priority.level.{level}"),
                    format!("expected points >= 0, got {v}"),
                ));
            }
        }
    }

    /// Every `[admission.min_far]` prefix is an industry code prefix, with a ratio >= 0.
    fn check_min_far(&self, errors: &mut Vec<SpanError>) {
        for (prefix, v) in &self.min_far.prefix {
            if let Err(e) = IndustryCode::parse(prefix) {
                errors.push(unplaced(
                    format!("admission.min_far.prefix.{prefix}"),
                    format!("not an industry code prefix: {e}"),
                ));
            }
            if !(v.is_finite() && *v >= 0.0) {
                errors.push(unplaced(
                    format!("admission.min_far.prefix.{prefix}"),
                    format!("expected a floor-area ratio >= 0, got {v}"),
                ));
            }
        }
    }

    /// `missing_pollution_class` is `"exclude"` or a pollution class.
    fn check_candidates(&self, errors: &mut Vec<SpanError>) {
        if let Some(s) = &self.candidates.missing_pollution_class
            && s != "exclude"
            && let Err(e) = PollutionClass::parse(s)
        {
            errors.push(unplaced(
                "admission.candidates.missing_pollution_class".into(),
                format!("expected \"exclude\" or a pollution class: {e}"),
            ));
        }
    }

    /// Each margin names a criterion whose branches all start with a `>=` or `>` test (the
    /// threshold it measures from), with a weight and cap >= 0.
    fn check_margins(&self, compiled: &[CompiledCriterion], errors: &mut Vec<SpanError>) {
        for mg in &self.priority.margin {
            let key = format!("admission.priority.margin.{}", mg.criterion);
            let Some(i) = self.position(&mg.criterion) else {
                errors.push(unplaced(
                    key,
                    format!("no criterion {:?} to take a margin from", mg.criterion),
                ));
                continue;
            };
            let numeric = compiled[i].branches.iter().all(|b| {
                b.test
                    .atoms
                    .first()
                    .is_some_and(|a| matches!(a.op, AtomOp::Ge | AtomOp::Gt))
            });
            if !numeric {
                errors.push(unplaced(
                    key.clone(),
                    format!(
                        "criterion {:?} must start with a `value >= threshold` test to give a margin",
                        mg.criterion
                    ),
                ));
            }
            if !(mg.weight.is_finite() && mg.weight >= 0.0 && mg.cap.is_finite() && mg.cap >= 0.0) {
                errors.push(unplaced(
                    key,
                    format!(
                        "expected weight and cap >= 0, got {} and {}",
                        mg.weight, mg.cap
                    ),
                ));
            }
        }
    }

    /// Points of a certification level (0 when the table does not list it).
    pub fn level_points(&self, level: Option<HightechLevel>) -> f64 {
        level
            .and_then(|l| self.priority.level.get(&l).copied())
            .unwrap_or(0.0)
    }
}
