//! The `[admission]` section: criteria for screening park applicants, the metrics they may name,
//! the minimum floor-area-ratio table and the priority weights.
//!
//! Every criterion's expressions are compiled and type-checked when the rule file loads
//! ([`AdmissionRules::check`]), so a misspelt metric, a type error or a syntax error is refused
//! with the criterion id, the file, line and column, before any enterprise is read.

use super::expr::{AtomOp, MetricId, Program, Schema, Ty};
use super::{CheckContext, SpanError};
use crate::model::{Categorical, HightechLevel, IndustryCode, PollutionClass};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use toml::Spanned;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmissionRules {
    /// Priority weights for admitted and conditional applicants.
    #[serde(default)]
    pub priority: Priority,
    /// Minimum floor-area ratio by industry (the `min_far` metric).
    #[serde(default)]
    pub min_far: MinFarTable,
    /// How admitted applicants become allocation candidates.
    #[serde(default)]
    pub candidates: CandidateRules,
    /// The criteria, in the order traces list them.
    #[serde(default, rename = "criterion")]
    pub criteria: Vec<Criterion>,
    #[serde(skip)]
    compiled: OnceLock<Vec<CompiledCriterion>>,
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

// ---------------------------------------------------------------------------------------------
// Metrics

/// Units of metrics: how values print and how far a remedy rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Money,
    Mu,
    Persons,
    Count,
    Ratio,
    Tce,
    Tonnes,
    Far,
    MoneyPerMu,
    MoneyPerTce,
    MoneyPerPerson,
    Degrees,
    None,
}

impl Unit {
    pub fn en(self) -> &'static str {
        match self {
            Unit::Money => "10k yuan",
            Unit::Mu => "mu",
            Unit::Persons => "persons",
            Unit::Count => "",
            Unit::Ratio => "%",
            Unit::Tce => "tce",
            Unit::Tonnes => "t",
            Unit::Far => "",
            Unit::MoneyPerMu => "10k yuan/mu",
            Unit::MoneyPerTce => "10k yuan/tce",
            Unit::MoneyPerPerson => "10k yuan/person",
            Unit::Degrees => "°",
            Unit::None => "",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Unit::Money => "万元",
            Unit::Mu => "亩",
            Unit::Persons => "人",
            Unit::Count => "项",
            Unit::Tce => "吨标煤",
            Unit::Tonnes => "吨",
            Unit::MoneyPerMu => "万元/亩",
            Unit::MoneyPerTce => "万元/吨标煤",
            Unit::MoneyPerPerson => "万元/人",
            _ => "",
        }
    }
    /// The rounding step of a remedy: a change is rounded up to a whole step so it passes.
    pub fn step(self) -> f64 {
        match self {
            Unit::Persons | Unit::Count => 1.0,
            Unit::Far | Unit::Ratio => 0.01,
            Unit::Degrees => 1e-6,
            _ => 0.1,
        }
    }
}

/// How a metric gets its value from a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Derivation {
    /// A CSV column of the same name.
    Column,
    /// `num / den`; a zero `den` is "not computable". `den_lever`: a remedy may also lower `den`.
    Ratio {
        num: MetricId,
        den: MetricId,
        den_lever: bool,
    },
    /// `cod_t + nh3n_t + so2_t + nox_t`.
    Emissions,
    /// The industry's minimum floor-area ratio from `[admission.min_far]`.
    MinFar,
    /// The industry's park cluster from `[clusters]`.
    Cluster,
}

/// A metric expressions may name.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    pub name: &'static str,
    pub ty: Ty,
    pub derivation: Derivation,
    pub en: &'static str,
    pub zh: &'static str,
    pub unit: Unit,
}

macro_rules! metrics {
    ($( $k:ident = $name:literal, $ty:ident, $der:expr, $unit:ident, $en:literal, $zh:literal; )*) => {
        /// Metric ids, by name.
        pub mod m {
            metrics!(@ids 0u16, $($k)*);
        }
        /// Every metric: the CSV columns by canonical name, then the derived ones.
        pub const METRICS: &[MetricDef] = &[$(MetricDef {
            name: $name, ty: Ty::$ty, derivation: $der, en: $en, zh: $zh, unit: Unit::$unit
        }),*];
    };
    (@ids $n:expr, $k:ident $($rest:ident)*) => {
        pub const $k: crate::rules::expr::MetricId = $n;
        metrics!(@ids $n + 1u16, $($rest)*);
    };
    (@ids $n:expr,) => {};
}

use Derivation::Column;

metrics! {
    ID = "id", Str, Column, None, "id", "企业编号";
    NAME = "name", Str, Column, None, "name", "企业名称";
    LON = "lon", Num, Column, Degrees, "longitude", "经度";
    LAT = "lat", Num, Column, Degrees, "latitude", "纬度";
    INDUSTRY_CODE = "industry_code", Str, Column, None, "industry code", "行业代码";
    HIGHTECH_LEVEL = "hightech_level", Str, Column, None, "high-tech certification level", "高新技术企业级别";
    CERT_EXPIRY = "cert_expiry", Date, Column, None, "certificate expiry", "证书有效期至";
    CATALOGUE_PRODUCTS = "catalogue_products", Num, Column, Count, "catalogue products", "目录产品数";
    REVENUE = "revenue", Num, Column, Money, "revenue", "营业收入";
    RD_EXPENSE = "rd_expense", Num, Column, Money, "R&D expense", "研发费用";
    HIGHTECH_REVENUE = "hightech_revenue", Num, Column, Money, "high-tech revenue", "高新技术产品收入";
    STAFF = "staff", Num, Column, Persons, "staff", "职工人数";
    RD_STAFF = "rd_staff", Num, Column, Persons, "R&D staff", "科技人员";
    IP_COUNT = "ip_count", Num, Column, Count, "core IP", "核心知识产权数";
    VALUE_ADDED = "value_added", Num, Column, Money, "value added", "工业增加值";
    TAX = "tax", Num, Column, Money, "tax paid", "实缴税金";
    LAND_MU = "land_mu", Num, Column, Mu, "land used", "用地面积";
    ENERGY_TCE = "energy_tce", Num, Column, Tce, "energy use", "综合能耗";
    COD_T = "cod_t", Num, Column, Tonnes, "COD", "化学需氧量";
    NH3N_T = "nh3n_t", Num, Column, Tonnes, "ammonia nitrogen", "氨氮";
    SO2_T = "so2_t", Num, Column, Tonnes, "SO2", "二氧化硫";
    NOX_T = "nox_t", Num, Column, Tonnes, "NOx", "氮氧化物";
    POLLUTION_CLASS = "pollution_class", Str, Column, None, "pollution class", "污染类别";
    VIOLATIONS = "violations", Num, Column, Count, "violations", "违法违规次数";
    WILLING_TO_CONVERT = "willing_to_convert", Bool, Column, None, "willing to convert", "转型意愿";
    REQUESTED_MU = "requested_mu", Num, Column, Mu, "requested land", "申请用地";
    PLANNED_INVESTMENT = "planned_investment", Num, Column, Money, "planned investment", "计划投资";
    PLANNED_FAR = "planned_far", Num, Column, Far, "planned floor-area ratio", "计划容积率";
    RD_RATIO = "rd_ratio", Num, Derivation::Ratio { num: m::RD_EXPENSE, den: m::REVENUE, den_lever: false }, Ratio, "R&D intensity", "研发投入强度";
    HIGHTECH_SHARE = "hightech_share", Num, Derivation::Ratio { num: m::HIGHTECH_REVENUE, den: m::REVENUE, den_lever: false }, Ratio, "high-tech revenue share", "高新技术产品收入占比";
    RD_STAFF_SHARE = "rd_staff_share", Num, Derivation::Ratio { num: m::RD_STAFF, den: m::STAFF, den_lever: false }, Ratio, "R&D staff share", "科技人员占比";
    INVESTMENT_PER_MU = "investment_per_mu", Num, Derivation::Ratio { num: m::PLANNED_INVESTMENT, den: m::REQUESTED_MU, den_lever: true }, MoneyPerMu, "investment per mu", "亩均投资强度";
    TAX_PER_MU = "tax_per_mu", Num, Derivation::Ratio { num: m::TAX, den: m::LAND_MU, den_lever: false }, MoneyPerMu, "tax per mu", "亩均税收";
    VALUE_ADDED_PER_MU = "value_added_per_mu", Num, Derivation::Ratio { num: m::VALUE_ADDED, den: m::LAND_MU, den_lever: false }, MoneyPerMu, "value added per mu", "亩均增加值";
    VALUE_ADDED_PER_TCE = "value_added_per_tce", Num, Derivation::Ratio { num: m::VALUE_ADDED, den: m::ENERGY_TCE, den_lever: false }, MoneyPerTce, "value added per tce", "单位能耗增加值";
    LABOUR_PRODUCTIVITY = "labour_productivity", Num, Derivation::Ratio { num: m::VALUE_ADDED, den: m::STAFF, den_lever: false }, MoneyPerPerson, "labour productivity", "全员劳动生产率";
    EMISSIONS_T = "emissions_t", Num, Derivation::Emissions, Tonnes, "emissions (COD+NH3-N+SO2+NOx)", "主要污染物排放量";
    MIN_FAR = "min_far", Num, Derivation::MinFar, Far, "industry minimum floor-area ratio", "行业容积率下限";
    CLUSTER = "cluster", Str, Derivation::Cluster, None, "park cluster", "产业集群";
}

/// The metric definition of an id.
pub fn metric(id: MetricId) -> &'static MetricDef {
    &METRICS[id as usize]
}

/// The schema expressions are checked against: [`METRICS`] and `eval_date`.
pub struct AdmissionSchema;

impl Schema for AdmissionSchema {
    fn lookup(&self, name: &str) -> Option<(MetricId, Ty)> {
        METRICS
            .iter()
            .position(|d| d.name == name)
            .map(|i| (i as MetricId, METRICS[i].ty))
    }
    fn names(&self) -> Vec<&str> {
        METRICS
            .iter()
            .map(|d| d.name)
            .chain(["eval_date"])
            .collect()
    }
    fn categories(&self, id: MetricId) -> Option<&[&str]> {
        const LEVELS: &[&str] = &["none", "municipal", "provincial", "national"];
        const CLASSES: &[&str] = &["light", "moderate", "heavy"];
        match id {
            m::HIGHTECH_LEVEL => Some(LEVELS),
            m::POLLUTION_CLASS => Some(CLASSES),
            _ => None,
        }
    }
}

/// Byte offset in the file of the character at `offset` inside a TOML string value spanning
/// `span` (quotes included); exact unless the string has escapes, then its start.
fn file_offset(text: &str, span: &std::ops::Range<usize>, value: &str, offset: usize) -> usize {
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
    /// The compiled criteria, in file order (compiled at load by [`AdmissionRules::check`]).
    pub fn compiled(&self) -> &[CompiledCriterion] {
        self.compiled.get_or_init(|| {
            // Only a rule set built in code without `rules::parse` gets here: it must compile.
            self.compile(None).unwrap_or_else(|errors| {
                let msgs: Vec<String> = errors
                    .into_iter()
                    .map(|e| format!("{}: {}", e.key, e.message))
                    .collect();
                panic!(
                    "admission rules used without checking them: {}",
                    msgs.join("; ")
                )
            })
        })
    }

    /// Position of a criterion by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.criteria.iter().position(|c| c.id == id)
    }

    fn compile(
        &self,
        ctx: Option<&CheckContext>,
    ) -> Result<Vec<CompiledCriterion>, Vec<SpanError>> {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        let one = |c: &Criterion,
                   field: &str,
                   s: &Spanned<String>,
                   errors: &mut Vec<SpanError>|
         -> Option<Program> {
            match Program::compile(s.get_ref(), &AdmissionSchema, Ty::Bool) {
                Ok(p) => Some(p),
                Err(es) => {
                    for e in es {
                        let at = ctx.map_or(0, |ctx| {
                            file_offset(ctx.text, &s.span(), s.get_ref(), e.span.start)
                        });
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

    /// Semantic checks after parsing; each error is located by a span in the file.
    pub fn check(&self, ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        self.check_criteria(&mut errors);
        self.check_priority_levels(&mut errors);
        self.check_min_far(&mut errors);
        self.check_candidates(&mut errors);
        match self.compile(Some(ctx)) {
            Ok(compiled) => {
                self.check_margins(&compiled, &mut errors);
                if errors.is_empty() {
                    let _ = self.compiled.set(compiled);
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
                    key.clone(),
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
                        key.clone(),
                        format!("criterion {:?}: expected a weight >= 0, got {w}", c.id),
                    ))
                }
                (Severity::Required | Severity::Conditional, Some(_)) => errors.push(unplaced(
                    key.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_and_classes_match_the_model() {
        let s = AdmissionSchema;
        let levels: Vec<&str> = HightechLevel::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(s.categories(m::HIGHTECH_LEVEL).unwrap(), levels.as_slice());
        let classes: Vec<&str> = PollutionClass::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            s.categories(m::POLLUTION_CLASS).unwrap(),
            classes.as_slice()
        );
    }
}
