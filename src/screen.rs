//! Admission screening of park applicants: each enterprise is held to every criterion of the
//! rule set's `[admission]` section on an evaluation date, and gets a decision (`admit`,
//! `conditional`, `reject`), a priority score, and a trace an official can hand to the
//! enterprise: each criterion's result, measured value, threshold (and tier), and for a failed
//! one the smallest change that would pass it.
//!
//! [`screen`] is the fast path (compact outcomes, both cores); [`trace`] re-evaluates one
//! enterprise with every test recorded, for JSON output and `--explain`. Both run the same
//! compiled expressions, so they cannot disagree.

use crate::model::{Candidate, CandidateKind, Categorical, Enterprise};
use crate::rules::RuleSet;
use crate::rules::admission::{CompiledCriterion, Derivation, Severity, Unit, m, metric};
use crate::rules::expr::{
    Atom, AtomOp, MetricId, Missing, NoTrace, Recorded, Recorder, Row, Value,
};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;

/// The decision on one applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Admit,
    Conditional,
    Reject,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Admit => "admit",
            Decision::Conditional => "conditional",
            Decision::Reject => "reject",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Decision::Admit => "准入",
            Decision::Conditional => "有条件准入",
            Decision::Reject => "不予准入",
        }
    }
}

/// The result of one criterion for one enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// An input is empty: fails a required criterion, makes a conditional one conditional.
    NotReported,
    /// A ratio with a zero denominator (or a division by zero): fails like a missing value.
    NotComputable,
    /// The criterion's `when` does not hold for this enterprise.
    NotApplicable,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotReported => "not reported",
            Status::NotComputable => "not computable",
            Status::NotApplicable => "not applicable",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Pass => "通过",
            Status::Fail => "不通过",
            Status::NotReported => "未填报",
            Status::NotComputable => "无法计算",
            Status::NotApplicable => "不适用",
        }
    }
    /// Whether the criterion counts against the applicant.
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Status::Fail | Status::NotReported | Status::NotComputable
        )
    }
}

/// One criterion's outcome, compact: the status and the tier that applied (`u8::MAX`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub tier: u8,
}

/// One screened enterprise.
#[derive(Debug, Clone, PartialEq)]
pub struct Screened {
    pub id: String,
    /// Position in the enterprises given to [`screen`].
    pub index: usize,
    pub decision: Decision,
    /// Priority score of admitted and conditional applicants; `None` for rejected ones.
    pub score: Option<f64>,
}

/// The result of screening: one row per enterprise, in input order.
#[derive(Debug, Clone)]
pub struct ScreenReport {
    pub rules_version: String,
    /// SHA-256 of the rule file.
    pub rules_hash: String,
    pub date: NaiveDate,
    /// Criterion ids, in rule-file order; [`ScreenReport::outcomes`] follows it.
    pub criteria: Vec<String>,
    pub rows: Vec<Screened>,
    outcomes: Vec<Outcome>,
}

impl ScreenReport {
    /// Every criterion's outcome for row `i`, in the order of [`ScreenReport::criteria`].
    pub fn outcomes(&self, i: usize) -> &[Outcome] {
        let n = self.criteria.len();
        &self.outcomes[i * n..(i + 1) * n]
    }

    /// Ids of the required and conditional criteria row `i` did not pass (preferred ones only
    /// change the score).
    pub fn failed<'a>(
        &'a self,
        i: usize,
        rules: &'a RuleSet,
    ) -> impl Iterator<Item = &'a str> + 'a {
        self.outcomes(i)
            .iter()
            .zip(&rules.admission.criteria)
            .filter(|(o, c)| o.status.is_failure() && c.severity != Severity::Preferred)
            .map(|(_, c)| c.id.as_str())
    }

    /// Row of an enterprise id.
    pub fn find(&self, id: &str) -> Option<&Screened> {
        self.rows.iter().find(|r| r.id == id)
    }

    /// Count of each decision: (admit, conditional, reject).
    pub fn counts(&self) -> (usize, usize, usize) {
        let c = |d| self.rows.iter().filter(|r| r.decision == d).count();
        (
            c(Decision::Admit),
            c(Decision::Conditional),
            c(Decision::Reject),
        )
    }
}

/// An enterprise seen through the metric names of the rule language.
struct EntRow<'a> {
    e: &'a Enterprise,
    rules: &'a RuleSet,
}

fn num(v: Option<f64>, id: MetricId) -> Value<'static> {
    match v {
        Some(x) => Value::Num(x),
        None => Value::Missing(Missing::NotReported(id)),
    }
}

impl EntRow<'_> {
    fn column(&self, id: MetricId) -> Option<f64> {
        let e = self.e;
        match id {
            m::LON => e.lon,
            m::LAT => e.lat,
            m::CATALOGUE_PRODUCTS => e.catalogue_products,
            m::REVENUE => e.revenue_10k_yuan,
            m::RD_EXPENSE => e.rd_expense_10k_yuan,
            m::HIGHTECH_REVENUE => e.hightech_revenue_10k_yuan,
            m::STAFF => e.staff,
            m::RD_STAFF => e.rd_staff,
            m::IP_COUNT => e.ip_count,
            m::VALUE_ADDED => e.value_added_10k_yuan,
            m::TAX => e.tax_10k_yuan,
            m::LAND_MU => e.land_mu,
            m::ENERGY_TCE => e.energy_tce,
            m::COD_T => e.cod_t,
            m::NH3N_T => e.nh3n_t,
            m::SO2_T => e.so2_t,
            m::NOX_T => e.nox_t,
            m::VIOLATIONS => e.violations,
            m::REQUESTED_MU => e.requested_mu,
            m::PLANNED_INVESTMENT => e.planned_investment_10k_yuan,
            m::PLANNED_FAR => e.planned_far,
            _ => None,
        }
    }
}

impl Row for EntRow<'_> {
    fn metric(&self, id: MetricId) -> Value<'_> {
        let e = self.e;
        let missing = Value::Missing(Missing::NotReported(id));
        match id {
            m::ID => Value::Str(&e.id),
            m::NAME => Value::Str(&e.name),
            m::INDUSTRY_CODE => e
                .industry_code
                .as_ref()
                .map_or(missing, |c| Value::Str(c.as_str())),
            m::HIGHTECH_LEVEL => e.hightech_level.map_or(missing, |l| Value::Str(l.name())),
            m::CERT_EXPIRY => e.cert_expiry.map_or(missing, Value::Date),
            m::POLLUTION_CLASS => e.pollution_class.map_or(missing, |c| Value::Str(c.name())),
            m::WILLING_TO_CONVERT => e.willing_to_convert.map_or(missing, Value::Bool),
            m::EMISSIONS_T => match (e.cod_t, e.nh3n_t, e.so2_t, e.nox_t) {
                (Some(a), Some(b), Some(c), Some(d)) => Value::Num(a + b + c + d),
                (None, ..) => Value::Missing(Missing::NotReported(m::COD_T)),
                (_, None, ..) => Value::Missing(Missing::NotReported(m::NH3N_T)),
                (_, _, None, _) => Value::Missing(Missing::NotReported(m::SO2_T)),
                _ => Value::Missing(Missing::NotReported(m::NOX_T)),
            },
            m::MIN_FAR => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => self
                    .rules
                    .admission
                    .min_far
                    .of(c)
                    .map_or(Value::Missing(Missing::NotReported(m::MIN_FAR)), Value::Num),
            },
            m::CLUSTER => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => Value::Str(self.rules.clusters.cluster_of(c)),
            },
            _ => match metric(id).derivation {
                Derivation::Ratio { num: n, den: d, .. } => {
                    match (self.column(n), self.column(d)) {
                        (None, _) => Value::Missing(Missing::NotReported(n)),
                        (_, None) => Value::Missing(Missing::NotReported(d)),
                        (Some(_), Some(0.0)) => Value::Missing(Missing::NotComputable(id)),
                        // A ratio that overflows (1e300 / 1e-300) is not computable either:
                        // an infinite value must never pass a test.
                        (Some(x), Some(y)) if !(x / y).is_finite() => {
                            Value::Missing(Missing::OutOfRange(id))
                        }
                        (Some(x), Some(y)) => Value::Num(x / y),
                    }
                }
                _ => num(self.column(id), id),
            },
        }
    }
}

/// What one criterion came to, with the tier and the value of its test.
#[derive(Debug, Clone, Copy)]
enum CritResult<'a> {
    NotApplicable,
    /// A tiered criterion none of whose tiers holds.
    NoTier,
    Tested {
        tier: Option<usize>,
        value: Value<'a>,
    },
}

fn run_criterion<'a, T: Recorder<'a>>(
    cc: &'a CompiledCriterion,
    row: &'a EntRow<'a>,
    date: NaiveDate,
    rec: &mut T,
) -> CritResult<'a> {
    if let Some(w) = &cc.when {
        match w.eval(row, date, &mut NoTrace) {
            Value::Bool(true) => {}
            Value::Bool(false) => return CritResult::NotApplicable,
            other => {
                return CritResult::Tested {
                    tier: None,
                    value: other,
                };
            }
        }
    }
    for (i, b) in cc.branches.iter().enumerate() {
        if let Some(w) = &b.when {
            match w.eval(row, date, &mut NoTrace) {
                Value::Bool(true) => {}
                Value::Bool(false) => continue,
                other => {
                    return CritResult::Tested {
                        tier: None,
                        value: other,
                    };
                }
            }
        }
        let tier = b.label.as_ref().map(|_| i);
        return CritResult::Tested {
            tier,
            value: b.test.eval(row, date, rec),
        };
    }
    CritResult::NoTier
}

fn status_of(r: &CritResult) -> Status {
    match r {
        CritResult::NotApplicable => Status::NotApplicable,
        CritResult::NoTier => Status::Fail,
        CritResult::Tested { value, .. } => match value {
            Value::Bool(true) => Status::Pass,
            Value::Missing(Missing::NotReported(_)) => Status::NotReported,
            Value::Missing(_) => Status::NotComputable,
            _ => Status::Fail,
        },
    }
}

/// Keeps the first test's two sides: the margin of a passed criterion over its threshold.
struct FirstAtom<'a>(Option<(Value<'a>, Value<'a>)>);
impl<'a> Recorder<'a> for FirstAtom<'a> {
    fn atom(&mut self, _: usize, lhs: Value<'a>, rhs: Value<'a>, _: Value<'a>) {
        if self.0.is_none() {
            self.0 = Some((lhs, rhs));
        }
    }
}

/// Screen one enterprise: decision, score, and per-criterion outcomes appended to `out`.
fn screen_one(
    e: &Enterprise,
    rules: &RuleSet,
    margins: &[Option<(f64, f64)>],
    date: NaiveDate,
    out: &mut Vec<Outcome>,
) -> (Decision, Option<f64>) {
    let adm = &rules.admission;
    let row = EntRow { e, rules };
    let mut reject = false;
    let mut conditional = false;
    let mut score = adm.level_points(e.hightech_level);
    for ((c, cc), margin) in adm.criteria.iter().zip(adm.compiled()).zip(margins) {
        let (res, first) = if margin.is_some() {
            let mut rec = FirstAtom(None);
            let r = run_criterion(cc, &row, date, &mut rec);
            (r, rec.0)
        } else {
            (run_criterion(cc, &row, date, &mut NoTrace), None)
        };
        let status = status_of(&res);
        let tier = match res {
            CritResult::Tested { tier: Some(t), .. } => t as u8,
            _ => u8::MAX,
        };
        out.push(Outcome { status, tier });
        match (c.severity, status) {
            (Severity::Required, s) if s.is_failure() => reject = true,
            (Severity::Conditional, s) if s.is_failure() => conditional = true,
            (Severity::Preferred, Status::Pass) => score += c.weight.unwrap_or(0.0),
            _ => {}
        }
        if let (Status::Pass, Some((weight, cap)), Some((Value::Num(v), Value::Num(t)))) =
            (status, margin, first)
            && t > 0.0
        {
            score += weight * ((v - t) / t).clamp(0.0, *cap);
        }
    }
    let decision = if reject {
        Decision::Reject
    } else if conditional {
        Decision::Conditional
    } else {
        Decision::Admit
    };
    (decision, (decision != Decision::Reject).then_some(score))
}

/// (weight, cap) of each criterion's margin, in criterion order.
fn margins(rules: &RuleSet) -> Vec<Option<(f64, f64)>> {
    let adm = &rules.admission;
    adm.criteria
        .iter()
        .map(|c| {
            adm.priority
                .margin
                .iter()
                .find(|mg| mg.criterion == c.id)
                .map(|mg| (mg.weight, mg.cap))
        })
        .collect()
}

/// Screen every enterprise against the rule set's admission criteria on `date`.
///
/// Runs on all cores in chunks; the result is in input order and does not depend on the
/// number of threads.
///
/// ```
/// use parkplan::screen::{screen, trace, Decision};
/// let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
/// let csv = "id,name,industry_code,hightech_level,cert_expiry,revenue,rd_expense,hightech_revenue,staff,rd_staff,ip_count,pollution_class,violations,requested_mu,planned_investment,planned_far\n\
///            E1,温州甲科技,C3911,national,2027-01-01,3333.3,128.2,3000,100,10,2,light,0,20,8000,1.2\n";
/// let reg = parkplan::io::enterprises::read_enterprises("e.csv".as_ref(), csv).unwrap();
/// let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
/// let report = screen(&reg.enterprises, &rules, date);
/// assert_eq!(report.rows[0].decision, Decision::Reject);
/// assert_eq!(report.failed(0, &rules).collect::<Vec<_>>(), ["rd_intensity"]);
/// let t = trace(&reg.enterprises[0], &rules, date);
/// assert_eq!(t.criteria[2].remedy.as_deref(), Some("R&D expense +38.5 (10k yuan) to reach 5.0% of revenue"));
/// ```
pub fn screen(enterprises: &[Enterprise], rules: &RuleSet, date: NaiveDate) -> ScreenReport {
    let n = rules.admission.criteria.len();
    let margins = margins(rules);
    let parts: Vec<(Vec<Screened>, Vec<Outcome>)> = enterprises
        .par_chunks(4096)
        .enumerate()
        .map(|(k, chunk)| {
            let mut rows = Vec::with_capacity(chunk.len());
            let mut outs = Vec::with_capacity(chunk.len() * n);
            for (j, e) in chunk.iter().enumerate() {
                let (decision, score) = screen_one(e, rules, &margins, date, &mut outs);
                rows.push(Screened {
                    id: e.id.clone(),
                    index: k * 4096 + j,
                    decision,
                    score,
                });
            }
            (rows, outs)
        })
        .collect();
    let mut rows = Vec::with_capacity(enterprises.len());
    let mut outcomes = Vec::with_capacity(enterprises.len() * n);
    for (r, o) in parts {
        rows.extend(r);
        outcomes.extend(o);
    }
    ScreenReport {
        rules_version: rules.version.clone(),
        rules_hash: rules.hash.clone(),
        date,
        criteria: rules
            .admission
            .criteria
            .iter()
            .map(|c| c.id.clone())
            .collect(),
        rows,
        outcomes,
    }
}

// ---------------------------------------------------------------------------------------------
// Traces

/// One enterprise's full trace: what officials hand to the enterprise and to an auditor.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub id: String,
    pub name: String,
    pub decision: Decision,
    pub score: Option<f64>,
    /// Required and conditional criteria not passed.
    pub failed: Vec<String>,
    pub criteria: Vec<CriterionTrace>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionTrace {
    pub id: String,
    pub severity: Severity,
    /// Descriptions (left out of each row of the JSON output, which lists them once).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub zh: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub en: String,
    pub status: Status,
    /// The tier that applied, for a tiered criterion.
    pub tier: Option<String>,
    /// The measured value of the deciding test, formatted with its unit.
    pub value: Option<String>,
    /// The threshold it was held to, with the comparison, e.g. ">= 5.0%".
    pub threshold: Option<String>,
    /// The same two numbers unformatted (a ratio as a fraction), when both are numbers.
    pub measured_number: Option<f64>,
    pub threshold_number: Option<f64>,
    /// Why it could not be decided (not reported, not computable, no tier).
    pub reason: Option<String>,
    /// The smallest change that would pass it, in its own units.
    pub remedy: Option<String>,
    /// Every test evaluated, in order.
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub test: String,
    pub value: String,
    pub threshold: String,
    pub result: String,
}

/// Format a number: integers without decimals, others with up to 4, trailing zeros trimmed.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        return format!("{v:.0}");
    }
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// A ratio as a percentage with at least one decimal: 0.05 -> "5.0%", 0.046154 -> "4.62%".
fn fmt_pct(v: f64) -> String {
    let s = format!("{:.2}", v * 100.0);
    let s = s.trim_end_matches('0');
    let s = if s.ends_with('.') {
        format!("{s}0")
    } else {
        s.to_string()
    };
    format!("{s}%")
}

fn fmt_value(v: &Value, unit: Option<Unit>) -> String {
    match v {
        Value::Num(x) => match unit {
            Some(Unit::Ratio) => fmt_pct(*x),
            Some(u) if !u.en().is_empty() && u != Unit::Degrees => {
                format!("{} ({})", fmt_num(*x), u.en())
            }
            _ => fmt_num(*x),
        },
        Value::Str(s) => s.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Missing(why) => missing_text(why),
    }
}

fn missing_text(why: &Missing) -> String {
    match why {
        Missing::NotReported(id) => format!("{} not reported 未填报", metric(*id).name),
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => format!(
                "{} not computable: {} is 0 无法计算",
                metric(*id).name,
                metric(den).name
            ),
            _ => format!("{} not computable 无法计算", metric(*id).name),
        },
        Missing::DivisionByZero(_) => "not computable: division by zero 无法计算".into(),
        Missing::OutOfRange(id) => format!(
            "{} not computable: too large for a number 无法计算",
            metric(*id).name
        ),
    }
}

fn missing_remedy(why: &Missing) -> String {
    match why {
        Missing::NotReported(id) => format!(
            "report {} ({}, {})",
            metric(*id).en,
            metric(*id).zh,
            metric(*id).name
        ),
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => format!(
                "report a non-zero {} ({})",
                metric(den).en,
                metric(den).name
            ),
            _ => "report the inputs".into(),
        },
        Missing::DivisionByZero(_) => "report non-zero inputs".into(),
        Missing::OutOfRange(id) => format!("check the inputs of {}", metric(*id).name),
    }
}

fn atom_unit(a: &Atom) -> Option<Unit> {
    a.lhs_metric.or(a.rhs_metric).map(|id| metric(id).unit)
}

fn threshold_text(a: &Atom, rhs: &Value) -> String {
    match a.op {
        AtomOp::In | AtomOp::NotIn | AtomOp::StartsWith => {
            format!("{} {}", a.op.symbol(), a.list.join(", "))
        }
        _ => {
            let v = fmt_value(rhs, atom_unit(a));
            match a.rhs_metric {
                Some(id) if !matches!(rhs, Value::Missing(_)) => {
                    format!("{} {v} ({})", a.op.symbol(), metric(id).name)
                }
                _ => format!("{} {v}", a.op.symbol()),
            }
        }
    }
}

/// Round a needed change up to a whole step, so the rounded change passes.
fn round_up(delta: f64, step: f64, strict: bool) -> f64 {
    let k = (delta / step - 1e-9).ceil().max(0.0);
    let mut r = k * step;
    if strict && (r - delta).abs() <= 1e-9 * delta.abs().max(step) {
        r += step;
    }
    r
}

fn fmt_step(v: f64, step: f64) -> String {
    if step >= 1.0 {
        format!("{v:.0}")
    } else if step >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn unit_suffix(u: Unit) -> String {
    match u {
        Unit::Count | Unit::Far | Unit::None | Unit::Ratio | Unit::Degrees => String::new(),
        u => format!(" ({})", u.en()),
    }
}

/// The smallest change that makes a failed test pass, in the test's own units.
fn remedy(a: &Atom, lhs: &Value, rhs: &Value, row: &EntRow) -> Option<String> {
    match (lhs, rhs, a.op) {
        (
            Value::Num(v),
            Value::Num(t),
            op @ (AtomOp::Ge | AtomOp::Gt | AtomOp::Le | AtomOp::Lt),
        ) => {
            let up = matches!(op, AtomOp::Ge | AtomOp::Gt);
            let strict = matches!(op, AtomOp::Gt | AtomOp::Lt);
            let target = match a.rhs_metric {
                Some(id) => format!(
                    "{} ({})",
                    fmt_value(rhs, Some(metric(id).unit)),
                    metric(id).en
                ),
                None => fmt_value(rhs, atom_unit(a)),
            };
            let Some(id) = a.lhs_metric else {
                return Some(format!(
                    "`{}` is {}: must be {} {target}",
                    a.lhs_text,
                    fmt_num(*v),
                    op.symbol()
                ));
            };
            let def = metric(id);
            let sign = if up { "+" } else { "-" };
            if let Derivation::Ratio {
                num,
                den,
                den_lever,
            } = def.derivation
            {
                let (n, d) = (row.column(num)?, row.column(den)?);
                let need = (t * d - n).abs();
                let nu = metric(num).unit;
                let step = round_up(need, nu.step(), strict);
                let of = if def.unit == Unit::Ratio {
                    format!(" of {}", metric(den).en)
                } else {
                    format!(" on {} {}", fmt_num(d), metric(den).unit.en())
                };
                let mut s = format!(
                    "{} {sign}{}{} to reach {target}{of}",
                    metric(num).en,
                    fmt_step(step, nu.step()),
                    unit_suffix(nu)
                );
                if den_lever && up && *t > 0.0 {
                    let du = metric(den).unit;
                    let cut = round_up(d - n / t, du.step(), strict);
                    if cut > 0.0 && cut < d {
                        s.push_str(&format!(
                            ", or {} -{}{}",
                            metric(den).en,
                            fmt_step(cut, du.step()),
                            unit_suffix(du)
                        ));
                    }
                }
                return Some(s);
            }
            let u = def.unit;
            let step = round_up((t - v).abs(), u.step(), strict);
            Some(format!(
                "{} {sign}{}{} to reach {target}",
                def.en,
                fmt_step(step, u.step()),
                unit_suffix(u)
            ))
        }
        (Value::Num(v), Value::Num(t), AtomOp::Eq | AtomOp::Ne) => {
            let what = a
                .lhs_metric
                .map_or(a.lhs_text.clone(), |id| metric(id).en.to_string());
            let must = if a.op == AtomOp::Eq {
                "must be"
            } else {
                "must not be"
            };
            Some(format!("{what} is {}: {must} {}", fmt_num(*v), fmt_num(*t)))
        }
        (Value::Date(d), Value::Date(t), op) => {
            if a.lhs_metric == Some(m::CERT_EXPIRY) && matches!(op, AtomOp::Ge | AtomOp::Gt) {
                Some(format!(
                    "certificate expired {}: renew it (must be valid on {})",
                    d.format("%Y-%m-%d"),
                    t.format("%Y-%m-%d")
                ))
            } else {
                let what = a
                    .lhs_metric
                    .map_or(a.lhs_text.clone(), |id| metric(id).en.to_string());
                Some(format!(
                    "{what} is {}: must be {} {}",
                    d.format("%Y-%m-%d"),
                    op.symbol(),
                    t.format("%Y-%m-%d")
                ))
            }
        }
        (Value::Str(s), _, op) => {
            let what = a
                .lhs_metric
                .map_or(a.lhs_text.clone(), |id| metric(id).en.to_string());
            Some(match op {
                AtomOp::In => format!("{what} is {s}: must be one of {}", a.list.join(", ")),
                AtomOp::NotIn => format!("{what} is {s}: must not be one of {}", a.list.join(", ")),
                AtomOp::StartsWith => format!("{what} {s} is outside {}", a.list.join(", ")),
                AtomOp::Ne => format!("{what} is {s}: must not be {}", fmt_value(rhs, None)),
                _ => format!("{what} is {s}: must be {}", fmt_value(rhs, None)),
            })
        }
        (Value::Bool(b), _, _) => Some(format!(
            "`{}` is {b}: must be {} {}",
            a.lhs_text,
            a.op.symbol(),
            fmt_value(rhs, None)
        )),
        _ => None,
    }
}

fn result_text(v: &Value) -> String {
    match v {
        Value::Bool(true) => "pass".into(),
        Value::Bool(false) => "fail".into(),
        Value::Missing(Missing::NotReported(_)) => "not reported".into(),
        _ => "not computable".into(),
    }
}

/// The full trace of one enterprise: every criterion, every test, value, threshold, remedy.
pub fn trace(e: &Enterprise, rules: &RuleSet, date: NaiveDate) -> Trace {
    let adm = &rules.admission;
    let margins = margins(rules);
    let mut outs = Vec::new();
    let (decision, score) = screen_one(e, rules, &margins, date, &mut outs);
    let row = EntRow { e, rules };
    let mut criteria = Vec::new();
    let mut failed = Vec::new();
    for ((c, cc), o) in adm.criteria.iter().zip(adm.compiled()).zip(&outs) {
        let mut rec: Vec<Recorded> = Vec::new();
        let res = run_criterion(cc, &row, date, &mut rec);
        let tier_idx = match res {
            CritResult::Tested { tier, .. } => tier,
            _ => None,
        };
        let branch = match res {
            CritResult::Tested { tier, .. } => cc.branches.get(tier.unwrap_or(0)),
            _ => None,
        };
        let atoms: &[Atom] = branch.map_or(&[], |b| &b.test.atoms);
        let checks: Vec<Check> = rec
            .iter()
            .map(|r| {
                let a = &atoms[r.atom];
                Check {
                    test: format!("{} {} {}", a.lhs_text, a.op.symbol(), a.rhs_text),
                    value: fmt_value(&r.lhs, atom_unit(a)),
                    threshold: threshold_text(a, &r.rhs),
                    result: result_text(&r.result),
                }
            })
            .collect();
        let status = o.status;
        if status.is_failure() && c.severity != Severity::Preferred {
            failed.push(c.id.clone());
        }
        // The deciding test: the first that did not pass, else the first.
        let decisive = rec
            .iter()
            .find(|r| r.result != Value::Bool(true))
            .or(rec.first());
        let (value, threshold) = match decisive {
            Some(r) => (
                Some(fmt_value(&r.lhs, atom_unit(&atoms[r.atom]))),
                Some(threshold_text(&atoms[r.atom], &r.rhs)),
            ),
            None => (None, None),
        };
        let (measured_number, threshold_number) = match decisive {
            Some(Recorded {
                lhs: Value::Num(a),
                rhs: Value::Num(b),
                ..
            }) => (Some(*a), Some(*b)),
            _ => (None, None),
        };
        let (reason, remedy_text) = match (&res, status) {
            (CritResult::NoTier, _) => (Some("no tier applies 无适用档次".to_string()), None),
            (
                CritResult::Tested {
                    value: Value::Missing(why),
                    ..
                },
                _,
            ) => (Some(missing_text(why)), Some(missing_remedy(why))),
            (_, Status::Fail) => {
                let fixes: Vec<String> = rec
                    .iter()
                    .filter(|r| r.result == Value::Bool(false))
                    .filter_map(|r| remedy(&atoms[r.atom], &r.lhs, &r.rhs, &row))
                    .collect();
                (None, (!fixes.is_empty()).then(|| fixes.join("; ")))
            }
            _ => (None, None),
        };
        criteria.push(CriterionTrace {
            id: c.id.clone(),
            severity: c.severity,
            zh: c.zh.clone(),
            en: c.en.clone(),
            status,
            tier: tier_idx.and_then(|i| cc.branches[i].label.clone()),
            value,
            threshold,
            measured_number,
            threshold_number,
            reason,
            remedy: remedy_text,
            checks,
        });
    }
    Trace {
        id: e.id.clone(),
        name: e.name.clone(),
        decision,
        score,
        failed,
        criteria,
    }
}

// ---------------------------------------------------------------------------------------------
// Outputs

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

/// Header of the CSV output.
const CSV_HEADER: &[u8] = b"id,name,decision,score,failed,rules_version,rules_sha256\n";

/// `;`-separated ids of the required and conditional criteria not passed.
fn failed_text(outs: &[Outcome], rules: &RuleSet) -> String {
    let mut s = String::new();
    for (o, c) in outs.iter().zip(&rules.admission.criteria) {
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
) -> csv::Result<()> {
    out.write_record([
        e.id.as_str(),
        e.name.as_str(),
        decision.name(),
        &fmt_score(score),
        &failed_text(outs, rules),
        &rules.version,
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
pub fn write_csv(
    w: &mut dyn Write,
    report: &ScreenReport,
    enterprises: &[Enterprise],
    rules: &RuleSet,
) -> std::io::Result<()> {
    w.write_all(CSV_HEADER)?;
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
    let margins = margins(rules);
    let n = rules.admission.criteria.len();
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
            csv_row(&mut out, e, decision, score, &outs, rules).ok()?;
        }
        Some((out.into_inner().ok()?, counts))
    })?;
    let mut chunks = vec![CSV_HEADER.to_vec()];
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
/// descriptions, tier labels) once, and every enterprise's full [`Trace`] without repeating the
/// descriptions, one enterprise per line. Written in batches, so memory stays bounded.
pub fn write_json(
    w: &mut dyn Write,
    report: &ScreenReport,
    enterprises: &[Enterprise],
    rules: &RuleSet,
) -> std::io::Result<()> {
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
            .criteria
            .iter()
            .map(|c| Def {
                id: &c.id,
                severity: c.severity,
                zh: &c.zh,
                en: &c.en,
                weight: c.weight,
                tiers: c.tiers.iter().map(|t| t.label.as_str()).collect(),
            })
            .collect(),
    };
    let head = serde_json::to_string(&head).map_err(std::io::Error::other)?;
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

/// Display width of text in a terminal: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// One enterprise's trace as a readable bilingual table, for `--explain`.
pub fn write_explain(w: &mut dyn Write, t: &Trace, report: &ScreenReport) -> std::io::Result<()> {
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
    writeln!(w)?;
    let header = [
        "准则 criterion",
        "类别 severity",
        "结果 result",
        "实测 value",
        "门槛 threshold",
    ];
    let rows: Vec<[String; 5]> = t
        .criteria
        .iter()
        .map(|c| {
            [
                c.id.clone(),
                format!("{} {}", c.severity.zh(), c.severity.name()),
                format!("{} {}", c.status.zh(), c.status.name()),
                c.value.clone().unwrap_or_else(|| "-".into()),
                c.threshold.clone().unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = header.map(width);
    for r in &rows {
        for (k, cell) in r.iter().enumerate() {
            widths[k] = widths[k].max(width(cell));
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
    writeln!(w, "{}", line(&header.map(String::from)))?;
    writeln!(
        w,
        "{}",
        widths
            .iter()
            .map(|wd| "-".repeat(*wd))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    for (c, r) in t.criteria.iter().zip(&rows) {
        writeln!(w, "{}", line(r))?;
        writeln!(w, "    {} / {}", c.zh, c.en)?;
        if let Some(tier) = &c.tier {
            writeln!(w, "    档次 tier: {tier}")?;
        }
        if let Some(reason) = &c.reason {
            writeln!(w, "    原因 reason: {reason}")?;
        }
        if let Some(fix) = &c.remedy {
            writeln!(w, "    整改 what it would take: {fix}")?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Comparing rule sets

/// An enterprise whose decision differs between two rule sets, and the criteria that moved.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: String,
    pub name: String,
    pub before: Decision,
    pub after: Decision,
    /// e.g. `rd_intensity: fail -> pass`, `catalogue: (absent) -> pass`.
    pub why: Vec<String>,
}

/// Which enterprises change decision between screening `a` under `rules_a` and `b` under
/// `rules_b` (same enterprises, same order), and why.
pub fn compare(
    a: &ScreenReport,
    rules_a: &RuleSet,
    b: &ScreenReport,
    rules_b: &RuleSet,
    enterprises: &[Enterprise],
) -> Vec<Change> {
    let mut ids: Vec<&str> = a.criteria.iter().map(String::as_str).collect();
    for c in &b.criteria {
        if !ids.contains(&c.as_str()) {
            ids.push(c);
        }
    }
    let status = |r: &ScreenReport, rules: &RuleSet, i: usize, id: &str| {
        rules
            .admission
            .position(id)
            .map(|k| r.outcomes(i)[k].status)
    };
    a.rows
        .iter()
        .zip(&b.rows)
        .enumerate()
        .filter(|(_, (x, y))| x.decision != y.decision)
        .map(|(i, (x, y))| {
            let why = ids
                .iter()
                .filter_map(|id| {
                    let (s, t) = (status(a, rules_a, i, id), status(b, rules_b, i, id));
                    (s != t).then(|| {
                        let f = |s: Option<Status>| s.map_or("(absent)", Status::name);
                        format!("{id}: {} -> {}", f(s), f(t))
                    })
                })
                .collect();
            Change {
                id: x.id.clone(),
                name: enterprises[x.index].name.clone(),
                before: x.decision,
                after: y.decision,
                why,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Allocation candidates

/// An admitted or conditional applicant that cannot be placed, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    pub id: String,
    pub reason: String,
}

/// Admitted and conditional applicants as allocation candidates (priority = score), plus those
/// left out: a missing pollution class is assumed per `[admission.candidates]
/// missing_pollution_class`, or the applicant is excluded with that reason (the default).
pub fn candidates_checked(
    report: &ScreenReport,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> (Vec<Candidate>, Vec<Excluded>) {
    let mut out = Vec::new();
    let mut excluded = Vec::new();
    for r in &report.rows {
        let kind = match r.decision {
            Decision::Admit => CandidateKind::Admitted,
            Decision::Conditional => CandidateKind::Conditional,
            Decision::Reject => continue,
        };
        let Some(e) = registry
            .get(r.index)
            .filter(|e| e.id == r.id)
            .or_else(|| registry.iter().find(|e| e.id == r.id))
        else {
            excluded.push(Excluded {
                id: r.id.clone(),
                reason: "not in the registry given".into(),
            });
            continue;
        };
        let Some(pollution_class) = e
            .pollution_class
            .or(rules.admission.candidates.assumed_class())
        else {
            excluded.push(Excluded {
                id: r.id.clone(),
                reason: "pollution class not reported: cannot choose land class or buffers".into(),
            });
            continue;
        };
        out.push(Candidate {
            id: e.id.clone(),
            name: e.name.clone(),
            industry_code: e.industry_code.clone(),
            cluster: rules
                .clusters
                .cluster_for(e.industry_code.as_ref())
                .to_string(),
            pollution_class,
            requested_mu: e.requested_mu,
            priority: r.score.unwrap_or(0.0),
            kind,
            site: e.site(),
        });
    }
    (out, excluded)
}

/// Admitted and conditional applicants as allocation candidates; see [`candidates_checked`]
/// for the ones left out.
pub fn candidates(
    report: &ScreenReport,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> Vec<Candidate> {
    candidates_checked(report, registry, rules).0
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
