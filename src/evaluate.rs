//! Per-mu benefit evaluation and relocation ranking of urban enterprises.
//!
//! [`rank`] scores each enterprise on the rule set's indicators (Zhejiang 亩均效益综合评价),
//! sorts the rated ones into classes A/B/C/D by rank share, applies Wenzhou's weed-out line,
//! computes the pollution-and-energy burden that orders relocation, and proposes an action:
//! `retain`, `rectify`, `relocate` or `convert`. [`conversion_candidates`] hands the converting
//! enterprises to the allocation stage. Everything numeric comes from [`RankingRules`].
//!
//! Boundaries are exact in decimal: scores and tax per mu are compared with a relative tolerance
//! of 1e-9 ([`TOLERANCE`]), so binary rounding never decides a tie or the weed-out line.

use crate::model::{Candidate, CandidateKind, Enterprise, PollutionClass};
use crate::rules::RuleSet;
use crate::rules::ranking::{Metric, RankingRules, ZeroDenominator};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Relative tolerance for "equal in decimal" comparisons (scores, the weed-out line).
pub const TOLERANCE: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// `a >= b`, where values equal in decimal count as equal.
fn at_least(a: f64, b: f64) -> bool {
    a >= b || close(a, b)
}

/// The per-mu benefit class, A best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Class {
    A,
    B,
    C,
    D,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::A, Class::B, Class::C, Class::D];
    pub fn as_str(self) -> &'static str {
        match self {
            Class::A => "A",
            Class::B => "B",
            Class::C => "C",
            Class::D => "D",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the plan proposes for an enterprise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A and B: keep as is.
    Retain,
    /// C: rectify (upgrade, cut energy and emissions) on site.
    Rectify,
    /// D: close or move out of the urban area.
    Relocate,
    /// A willing C or D enterprise meeting the conversion criteria: becomes a park applicant.
    Convert,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Retain => "retain",
            Action::Rectify => "rectify",
            Action::Relocate => "relocate",
            Action::Convert => "convert",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One indicator of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub metric: Metric,
    /// The computed value; `None` when its denominator is zero and it earns the cap
    /// (no energy use, no emissions).
    pub value: Option<f64>,
    /// `min(value / benchmark, cap)`.
    pub ratio: f64,
    /// `weight x ratio`.
    pub points: f64,
}

/// Energy and pollution intensity, and the burden index that orders relocation.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Intensity {
    /// tce per 10k yuan of value added; `None` when not computable (missing, value added <= 0).
    pub energy_per_value_added: Option<f64>,
    /// Tonnes of the four pollutants per 10k yuan of value added.
    pub emissions_per_value_added: Option<f64>,
    /// Tonnes of the four pollutants per mu of land.
    pub emissions_per_mu: Option<f64>,
    /// Burden index; `f64::INFINITY` when value added is zero or negative while the enterprise
    /// uses energy or emits (the worst burden; the string `"inf"` in JSON); `None` when an
    /// input is missing.
    #[serde(serialize_with = "burden_json")]
    pub burden: Option<f64>,
}

/// The indicator that cost an enterprise most, and what meeting its benchmark would bring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    pub metric: Metric,
    /// Points below what the benchmark would give (`weight x (1 - ratio)`).
    pub points_lost: f64,
    /// The class it would reach with this indicator at its benchmark, against today's class
    /// boundaries (and clear of the weed-out line if the indicator is tax per mu).
    pub class_if_met: Class,
}

/// The outcome for a rated enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rated {
    /// Score after the floor.
    pub score: f64,
    /// Sum of the indicator points before the floor.
    pub raw_score: f64,
    pub indicators: Vec<IndicatorScore>,
    /// 1-based position by score, best first, ties by id.
    pub rank: usize,
    /// The class by rank share (ties joining the better class), before the weed-out line.
    pub share_class: Class,
    pub class: Class,
    /// Tax per mu below the weed-out line: class D whatever the score.
    pub weed_out: bool,
    pub action: Action,
    /// Why this action (conversion criteria met or which one failed).
    pub action_reason: ActionReason,
    /// `None` when every indicator meets its benchmark.
    pub driver: Option<Driver>,
    /// 1-based place in the relocation ranking (C and D by burden, worst first).
    pub relocation_rank: Option<usize>,
}

/// Rated, or not rated with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Rated(Rated),
    NotRated { reason: String },
}

/// The evaluation of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Position in the input slice.
    pub index: usize,
    /// CSV line, for messages.
    pub line: u64,
    pub id: String,
    pub name: String,
    pub land_mu: Option<f64>,
    pub tax_10k_yuan: Option<f64>,
    pub intensity: Intensity,
    pub outcome: Outcome,
}

impl Evaluation {
    pub fn rated(&self) -> Option<&Rated> {
        match &self.outcome {
            Outcome::Rated(r) => Some(r),
            Outcome::NotRated { .. } => None,
        }
    }
    pub fn class(&self) -> Option<Class> {
        self.rated().map(|r| r.class)
    }
    pub fn action(&self) -> Option<Action> {
        self.rated().map(|r| r.action)
    }
}

/// Where the classes split: the cut positions and the score of the last enterprise at each.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Boundaries {
    /// Number of rated enterprises.
    pub rated: usize,
    /// floor(share x N) for A, B, C.
    pub positions: [usize; 3],
    /// Score of the enterprise at each cut position (`None` when the class is empty).
    pub scores: [Option<f64>; 3],
}

impl Boundaries {
    /// The class a score reaches against these boundaries (the weed-out line aside).
    pub fn class_for(&self, score: f64) -> Class {
        for (i, class) in [Class::A, Class::B, Class::C].into_iter().enumerate() {
            if self.scores[i].is_some_and(|s| at_least(score, s)) {
                return class;
            }
        }
        Class::D
    }
}

/// Land of one group of enterprises and the tax it earns today.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Land {
    pub enterprises: usize,
    pub mu: f64,
    pub tax_10k_yuan: f64,
}

impl Land {
    fn add(&mut self, mu: f64, tax: f64) {
        self.enterprises += 1;
        self.mu += mu;
        self.tax_10k_yuan += tax;
    }
    /// Tax per mu the land earns today; `None` for no land.
    pub fn tax_per_mu(&self) -> Option<f64> {
        (self.mu > 0.0).then(|| self.tax_10k_yuan / self.mu)
    }
}

/// The urban land the `relocate` and `convert` actions would free.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LandFreed {
    pub total: Land,
    pub by_class: BTreeMap<Class, Land>,
    pub by_action: BTreeMap<Action, Land>,
}

/// The result of the ranking stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    pub rules_version: String,
    pub rules_hash: String,
    /// The rule set's indicators, in its order (the columns of the outputs).
    pub metrics: Vec<Metric>,
    /// The burden coefficients (energy, emissions) the ranking used; the charts mark the
    /// benchmark intensities, their reciprocals.
    pub burden_coefficients: (f64, f64),
    /// One per input enterprise, in input order.
    pub evaluations: Vec<Evaluation>,
    /// Indices into `evaluations`: rated by rank, then not rated by id.
    pub order: Vec<usize>,
    /// Indices into `evaluations`: C and D by burden, worst first, ties by id.
    pub relocation: Vec<usize>,
    pub boundaries: Boundaries,
    pub class_counts: BTreeMap<Class, usize>,
    pub action_counts: BTreeMap<Action, usize>,
    pub not_rated: usize,
    pub land_freed: LandFreed,
}

impl Ranking {
    /// Evaluations in output order: rated best first, then the not rated by id.
    pub fn in_rank_order(&self) -> impl Iterator<Item = &Evaluation> {
        self.order.iter().map(|&i| &self.evaluations[i])
    }
    /// The relocation ranking: C and D enterprises, worst burden first.
    pub fn relocation_order(&self) -> impl Iterator<Item = &Evaluation> {
        self.relocation.iter().map(|&i| &self.evaluations[i])
    }
}

/// Compute one enterprise's indicators; `Err(reason)` when it cannot be rated.
fn indicators(e: &Enterprise, rules: &RankingRules) -> Result<Vec<IndicatorScore>, String> {
    let mut missing: Vec<&str> = Vec::new();
    for ind in &rules.indicators {
        if ind.metric.value.parts(e).is_none() {
            for &col in ind.metric.value.inputs() {
                if input_missing(e, col) && !missing.contains(&col) {
                    missing.push(col);
                }
            }
        }
    }
    // The burden needs value added, energy and emissions whatever the indicators are.
    for col in [
        "value_added",
        "energy_tce",
        "cod_t",
        "nh3n_t",
        "so2_t",
        "nox_t",
    ] {
        if input_missing(e, col) && !missing.contains(&col) {
            missing.push(col);
        }
    }
    if !missing.is_empty() {
        return Err(format!("not reported: {}", missing.join(", ")));
    }
    let cap = rules.cap.value;
    let mut zero: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(rules.indicators.len());
    for ind in &rules.indicators {
        let metric = ind.metric.value;
        let Some((num, den)) = metric.parts(e) else {
            continue;
        };
        let (value, ratio) = if den == 0.0 {
            match metric.zero_denominator() {
                ZeroDenominator::EarnsCap => (None, cap),
                ZeroDenominator::NotRated => {
                    if !zero.contains(&metric.denominator()) {
                        zero.push(metric.denominator());
                    }
                    continue;
                }
            }
        } else {
            let v = num / den;
            (Some(v), (v / ind.benchmark.value).min(cap))
        };
        out.push(IndicatorScore {
            metric,
            value,
            ratio,
            points: ind.weight.value * ratio,
        });
    }
    if !zero.is_empty() {
        return Err(format!("not computable: zero {}", zero.join(", ")));
    }
    Ok(out)
}

fn input_missing(e: &Enterprise, col: &str) -> bool {
    match col {
        "tax" => e.tax_10k_yuan.is_none(),
        "land_mu" => e.land_mu.is_none(),
        "value_added" => e.value_added_10k_yuan.is_none(),
        "energy_tce" => e.energy_tce.is_none(),
        "cod_t" => e.cod_t.is_none(),
        "nh3n_t" => e.nh3n_t.is_none(),
        "so2_t" => e.so2_t.is_none(),
        "nox_t" => e.nox_t.is_none(),
        "staff" => e.staff.is_none(),
        "rd_expense" => e.rd_expense_10k_yuan.is_none(),
        "revenue" => e.revenue_10k_yuan.is_none(),
        _ => false,
    }
}

/// Energy and emission intensities and the burden, from whatever inputs are present.
pub fn intensity(e: &Enterprise, rules: &RankingRules) -> Intensity {
    let va = e.value_added_10k_yuan;
    let emissions = e.emissions_t();
    let per_va = |x: Option<f64>| match (x, va) {
        (Some(x), Some(v)) if v > 0.0 => Some(x / v),
        _ => None,
    };
    let emissions_per_mu = match (emissions, e.land_mu) {
        (Some(x), Some(l)) if l > 0.0 => Some(x / l),
        _ => None,
    };
    let burden = match (e.energy_tce, emissions, va) {
        (Some(en), Some(em), Some(v)) if v > 0.0 => Some(
            en / v * rules.burden.energy_per_value_added.value
                + em / v * rules.burden.emissions_per_value_added.value,
        ),
        // No value added: any energy use or emission is the worst burden; none is no burden.
        (Some(en), Some(em), Some(_)) => Some(if en > 0.0 || em > 0.0 {
            f64::INFINITY
        } else {
            0.0
        }),
        _ => None,
    };
    Intensity {
        energy_per_value_added: per_va(e.energy_tce),
        emissions_per_value_added: per_va(emissions),
        emissions_per_mu,
        burden,
    }
}

/// floor(share x n), where a product equal to an integer in decimal is that integer
/// (0.95 x 20 is 19, not 18.999...).
fn cut(share: f64, n: usize) -> usize {
    let x = share * n as f64;
    let r = x.round();
    let k = if close(x, r) { r } else { x.floor() };
    (k.max(0.0) as usize).min(n)
}

/// Rank urban enterprises: indicators, score, class, burden, action, driver, land freed.
///
/// ```
/// # use parkplan::evaluate::{rank, Class};
/// let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
/// let csv = "id,name,tax,land_mu,value_added,energy_tce,cod_t,nh3n_t,so2_t,nox_t,staff,rd_expense,revenue\n\
///            U1,瓯江阀门厂,0.5,10,100,20,0.01,0,0.01,0.01,10,30,1000\n";
/// let reg = parkplan::io::enterprises::read_enterprises("u.csv".as_ref(), csv).unwrap();
/// let r = rank(&reg.enterprises, &rules);
/// // Tax 0.05 per mu is under Wenzhou's weed-out line: D whatever the score.
/// assert_eq!(r.evaluations[0].class(), Some(Class::D));
/// ```
pub fn rank(enterprises: &[Enterprise], rules: &RuleSet) -> Ranking {
    let rr = &rules.ranking;
    struct Pre {
        indicators: Vec<IndicatorScore>,
        raw: f64,
        score: f64,
    }
    // Each enterprise on its own, in parallel (the order of the results is the input order).
    use rayon::prelude::*;
    let (mut evaluations, mut pre): (Vec<Evaluation>, Vec<Option<Pre>>) = enterprises
        .par_iter()
        .enumerate()
        .map(|(index, e)| {
            let (outcome, p) = if !rr.is_configured() {
                let reason = format!("rule set {} has no [ranking] indicators", rules.version);
                (Outcome::NotRated { reason }, None)
            } else {
                match indicators(e, rr) {
                    Ok(ind) => {
                        let raw: f64 = ind.iter().map(|i| i.points).sum();
                        let score = raw.max(rr.score_floor.value);
                        let p = Pre {
                            indicators: ind,
                            raw,
                            score,
                        };
                        // Replaced by the rated outcome once the classes are known.
                        (
                            Outcome::NotRated {
                                reason: String::new(),
                            },
                            Some(p),
                        )
                    }
                    Err(reason) => (Outcome::NotRated { reason }, None),
                }
            };
            let ev = Evaluation {
                index,
                line: e.line,
                id: e.id.clone(),
                name: e.name.clone(),
                land_mu: e.land_mu,
                tax_10k_yuan: e.tax_10k_yuan,
                intensity: intensity(e, rr),
                outcome,
            };
            (ev, p)
        })
        .unzip();

    // Rated by score, best first, ties by id (then input order, for duplicate ids given in
    // code). Sorting compact (score, index) keys keeps the comparisons in cache.
    let mut keys: Vec<(f64, usize)> = pre
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.as_ref().map(|p| (p.score, i)))
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| enterprises[a.1].id.cmp(&enterprises[b.1].id))
            .then(a.1.cmp(&b.1))
    });
    let rated: Vec<usize> = keys.iter().map(|k| k.1).collect();
    let score = |i: usize| pre[i].as_ref().map_or(0.0, |p| p.score);
    let n = rated.len();
    let shares = [
        rr.class_shares.a.value,
        rr.class_shares.b.value,
        rr.class_shares.c.value,
    ];
    let positions = shares.map(|s| cut(s, n));
    let scores = positions.map(|k| (k >= 1).then(|| score(rated[k - 1])));
    let boundaries = Boundaries {
        rated: n,
        positions,
        scores,
    };

    // Class by position, then ties with the last of a better class join it.
    let mut share_class: Vec<Class> = (1..=n)
        .map(|p| match p {
            p if p <= positions[0] => Class::A,
            p if p <= positions[1] => Class::B,
            p if p <= positions[2] => Class::C,
            _ => Class::D,
        })
        .collect();
    for (b, class) in [Class::A, Class::B, Class::C].into_iter().enumerate() {
        let k = positions[b];
        let Some(s) = scores[b] else { continue };
        for p in k..n {
            if !close(score(rated[p]), s) {
                break;
            }
            share_class[p] = share_class[p].min(class);
        }
    }

    let weed_line = rr.weed_out_tax_per_mu.value;
    let below_line = |e: &Enterprise| match (e.tax_10k_yuan, e.land_mu) {
        (Some(t), Some(l)) if l > 0.0 => !at_least(t / l, weed_line),
        _ => false,
    };
    for (pos, &i) in rated.iter().enumerate() {
        let e = &enterprises[i];
        let Some(p) = pre[i].take() else { continue };
        let weed_out = below_line(e);
        let class = if weed_out { Class::D } else { share_class[pos] };
        let (action, action_reason) = action_for(e, class, rr);
        let driver = driver(&p.indicators, p.raw, weed_out, rr, &boundaries);
        evaluations[i].outcome = Outcome::Rated(Rated {
            score: p.score,
            raw_score: p.raw,
            indicators: p.indicators,
            rank: pos + 1,
            share_class: share_class[pos],
            class,
            weed_out,
            action,
            action_reason,
            driver,
            relocation_rank: None,
        });
    }

    // The relocation ranking: C and D by burden, worst first, ties by id.
    let mut keys: Vec<(f64, usize)> = rated
        .iter()
        .filter(|&&i| matches!(evaluations[i].class(), Some(Class::C | Class::D)))
        .map(|&i| {
            (
                evaluations[i].intensity.burden.unwrap_or(f64::NEG_INFINITY),
                i,
            )
        })
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| evaluations[a.1].id.cmp(&evaluations[b.1].id))
            .then(a.1.cmp(&b.1))
    });
    let relocation: Vec<usize> = keys.into_iter().map(|k| k.1).collect();
    for (k, &i) in relocation.iter().enumerate() {
        if let Outcome::Rated(r) = &mut evaluations[i].outcome {
            r.relocation_rank = Some(k + 1);
        }
    }

    let mut not_rated: Vec<usize> = (0..enterprises.len())
        .filter(|&i| evaluations[i].rated().is_none())
        .collect();
    not_rated.sort_by(|&a, &b| evaluations[a].id.cmp(&evaluations[b].id));
    let mut order = rated;
    let not_rated_count = not_rated.len();
    order.extend(not_rated);

    let mut class_counts: BTreeMap<Class, usize> = Class::ALL.iter().map(|&c| (c, 0)).collect();
    let mut action_counts: BTreeMap<Action, usize> = BTreeMap::new();
    let mut land_freed = LandFreed::default();
    for ev in &evaluations {
        let Some(r) = ev.rated() else { continue };
        *class_counts.entry(r.class).or_default() += 1;
        *action_counts.entry(r.action).or_default() += 1;
        if matches!(r.action, Action::Relocate | Action::Convert) {
            let (mu, tax) = (ev.land_mu.unwrap_or(0.0), ev.tax_10k_yuan.unwrap_or(0.0));
            land_freed.total.add(mu, tax);
            land_freed.by_class.entry(r.class).or_default().add(mu, tax);
            land_freed
                .by_action
                .entry(r.action)
                .or_default()
                .add(mu, tax);
        }
    }

    Ranking {
        rules_version: rules.version.clone(),
        rules_hash: rules.hash.clone(),
        metrics: rr.indicators.iter().map(|i| i.metric.value).collect(),
        burden_coefficients: (
            rr.burden.energy_per_value_added.value,
            rr.burden.emissions_per_value_added.value,
        ),
        evaluations,
        order,
        relocation,
        boundaries,
        class_counts,
        action_counts,
        not_rated: not_rated_count,
        land_freed,
    }
}

/// Why an enterprise got its action; written out as a sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ActionReason {
    /// A or B: the class alone decides.
    ByClass,
    /// Willing, and its violations are within the conversion criteria.
    Converts {
        violations: f64,
        max: f64,
    },
    /// Willing, but too many violations in the last year.
    TooManyViolations {
        violations: f64,
        max: f64,
    },
    /// Willing, but violations were not reported (not assumed to be zero).
    ViolationsNotReported,
    NotWilling,
    WillingnessNotReported,
}

impl fmt::Display for ActionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActionReason::ByClass => f.write_str("by class"),
            ActionReason::Converts { violations, max } => {
                write!(
                    f,
                    "willing to convert, {violations} violations (at most {max})"
                )
            }
            ActionReason::TooManyViolations { violations, max } => write!(
                f,
                "willing to convert but {violations} violations in the last year (at most {max})"
            ),
            ActionReason::ViolationsNotReported => {
                f.write_str("willing to convert but violations not reported")
            }
            ActionReason::NotWilling => f.write_str("not willing to convert"),
            ActionReason::WillingnessNotReported => {
                f.write_str("willingness to convert not reported")
            }
        }
    }
}

impl Serialize for ActionReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The action for a class, with conversion for willing enterprises that meet the criteria.
fn action_for(e: &Enterprise, class: Class, rules: &RankingRules) -> (Action, ActionReason) {
    let base = match class {
        Class::A | Class::B => return (Action::Retain, ActionReason::ByClass),
        Class::C => Action::Rectify,
        Class::D => Action::Relocate,
    };
    let max = rules.conversion.max_violations.value;
    match (e.willing_to_convert, e.violations) {
        (Some(true), Some(violations)) if violations <= max => {
            (Action::Convert, ActionReason::Converts { violations, max })
        }
        (Some(true), Some(violations)) => {
            (base, ActionReason::TooManyViolations { violations, max })
        }
        (Some(true), None) => (base, ActionReason::ViolationsNotReported),
        (Some(false), _) => (base, ActionReason::NotWilling),
        (None, _) => (base, ActionReason::WillingnessNotReported),
    }
}

/// The indicator that cost most points against its benchmark, and the class with it met.
/// Under the weed-out line, tax per mu drives it (if it is an indicator): nothing else lifts D.
fn driver(
    ind: &[IndicatorScore],
    raw: f64,
    weed_out: bool,
    rules: &RankingRules,
    b: &Boundaries,
) -> Option<Driver> {
    let weight = |m: Metric| {
        rules
            .indicators
            .iter()
            .find(|i| i.metric.value == m)
            .map_or(0.0, |i| i.weight.value)
    };
    let lost = |s: &IndicatorScore| weight(s.metric) * (1.0 - s.ratio);
    let mut pick: Option<&IndicatorScore> = None;
    if weed_out {
        pick = ind.iter().find(|s| s.metric == Metric::TaxPerMu);
    }
    if pick.is_none() {
        for s in ind {
            // Strictly more: ties keep the rule file's order.
            if lost(s) > 0.0 && pick.is_none_or(|p| lost(s) > lost(p)) {
                pick = Some(s);
            }
        }
    }
    let s = pick?;
    let met_ratio = s.ratio.max(1.0);
    let new_score = (raw - s.points + weight(s.metric) * met_ratio).max(rules.score_floor.value);
    let tax_benchmark = rules
        .indicators
        .iter()
        .find(|i| i.metric.value == Metric::TaxPerMu)
        .map(|i| i.benchmark.value);
    let still_weeded = weed_out
        && !(s.metric == Metric::TaxPerMu
            && tax_benchmark.is_some_and(|t| at_least(t, rules.weed_out_tax_per_mu.value)));
    let class_if_met = if still_weeded {
        Class::D
    } else {
        b.class_for(new_score)
    };
    Some(Driver {
        metric: s.metric,
        points_lost: lost(s).max(0.0),
        class_if_met,
    })
}

/// Converting enterprises as park applicants for the allocation stage.
///
/// Each requests its `requested_mu`, else its current `land_mu`; it is placed under the rule
/// file's target pollution class; its priority is `priority_base + priority_per_point x score`,
/// which `RankingRules::check` keeps below `certified_priority_floor`, so converting enterprises
/// rank below every certified applicant. Ordered as the ranking (best score first).
pub fn conversion_candidates(
    ranking: &Ranking,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> Vec<Candidate> {
    // The loaders refuse PollutionClass values they do not know; a loaded [ranking] section always
    // has a target (check requires it). Light is the SPEC default for rule sets built in code.
    let target = rules
        .ranking
        .conversion
        .target_pollution_class
        .as_ref()
        .map_or(PollutionClass::Light, |v| v.value);
    urban_candidates(ranking, registry, Action::Convert)
        .map(|(e, score)| urban_candidate(e, score, rules, target, CandidateKind::Converting))
        .collect()
}

/// Relocating enterprises (action `relocate`) as allocation *probes*: not admitted to the park
/// (they never enter the matching), but the allocation lists the parcels they could move to.
///
/// Each requests its `requested_mu`, else its current `land_mu`, under its own reported pollution
/// class (a heavy polluter finds no land class it may use: that is the answer the planner needs).
/// Its priority uses the converting formula, `priority_base + priority_per_point x score`, so its
/// option weights are on the same scale as a converting enterprise's. One without a site (lon,
/// lat) or without a pollution class cannot be probed; it is returned with the reason. Ordered as
/// the ranking.
pub fn relocation_probes(
    ranking: &Ranking,
    registry: &[Enterprise],
    rules: &RuleSet,
) -> (Vec<Candidate>, Vec<crate::screen::Excluded>) {
    let mut probes = Vec::new();
    let mut left_out = Vec::new();
    for (e, score) in urban_candidates(ranking, registry, Action::Relocate) {
        let missing = match (e.site(), e.pollution_class) {
            (None, _) => "no current site (lon, lat)",
            (_, None) => {
                "no pollution_class reported, so neither land class nor buffers can be checked"
            }
            (Some(_), Some(class)) => {
                probes.push(urban_candidate(
                    e,
                    score,
                    rules,
                    class,
                    CandidateKind::Relocating,
                ));
                continue;
            }
        };
        left_out.push(crate::screen::Excluded {
            id: e.id.clone(),
            reason: format!("relocation options not computed: {missing}"),
        });
    }
    (probes, left_out)
}

/// The rated urban enterprises whose action is `action`, with their scores, in rank order.
fn urban_candidates<'a>(
    ranking: &'a Ranking,
    registry: &'a [Enterprise],
    action: Action,
) -> impl Iterator<Item = (&'a Enterprise, f64)> + 'a {
    let by_id: HashMap<&str, &Enterprise> = registry.iter().map(|e| (e.id.as_str(), e)).collect();
    ranking.in_rank_order().filter_map(move |ev| {
        let r = ev.rated()?;
        if r.action != action {
            return None;
        }
        let e = match registry.get(ev.index) {
            Some(e) if e.id == ev.id => e,
            _ => by_id.get(ev.id.as_str())?,
        };
        Some((e, r.score))
    })
}

/// An urban enterprise as an allocation candidate: its request, cluster and priority.
fn urban_candidate(
    e: &Enterprise,
    score: f64,
    rules: &RuleSet,
    pollution_class: PollutionClass,
    kind: CandidateKind,
) -> Candidate {
    let conv = &rules.ranking.conversion;
    Candidate {
        id: e.id.clone(),
        name: e.name.clone(),
        industry_code: e.industry_code.clone(),
        cluster: rules
            .clusters
            .cluster_for(e.industry_code.as_ref())
            .to_string(),
        pollution_class,
        requested_mu: e.requested_mu.or(e.land_mu),
        priority: conv.priority_base.value + conv.priority_per_point.value * score,
        kind,
        site: e.site(),
    }
}

fn burden_json<S: serde::Serializer>(b: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match b {
        Some(x) if x.is_infinite() => s.serialize_str("inf"),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

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
/// (a comma, quote or line break in it; quotes doubled), as the csv crate writes it.
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
    fn text(&mut self, s: &str) {
        self.sep();
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

/// Append one enterprise's CSV line.
fn csv_record(out: &mut Vec<u8>, ranking: &Ranking, ev: &Evaluation) {
    let mut l = Line { out, first: true };
    let r = ev.rated();
    l.text(&ev.id);
    l.text(&ev.name);
    l.num(r.map(|r| r.score));
    l.text(r.map_or("not rated", |r| r.class.as_str()));
    l.text(r.map_or("", |r| r.action.as_str()));
    l.num(r.map(|r| r.rank as f64));
    l.num(ev.intensity.burden);
    l.num(r.and_then(|r| r.relocation_rank).map(|x| x as f64));
    let k = ranking.metrics.len();
    // A rated enterprise has every indicator, in the rule set's order.
    let ind = r.map(|r| r.indicators.as_slice()).filter(|i| i.len() == k);
    for j in 0..k {
        l.num(ind.and_then(|i| i[j].value));
    }
    for j in 0..k {
        l.num(ind.map(|i| i[j].points));
    }
    l.num(ev.intensity.energy_per_value_added);
    l.num(ev.intensity.emissions_per_value_added);
    l.num(ev.intensity.emissions_per_mu);
    l.num(ev.land_mu);
    l.text(r.map_or("", |r| r.share_class.as_str()));
    l.text(r.map_or("", |r| if r.weed_out { "true" } else { "false" }));
    let d = r.and_then(|r| r.driver.as_ref());
    l.text(d.map_or("", |d| d.metric.key()));
    l.num(d.map(|d| d.points_lost));
    l.text(d.map_or("", |d| d.class_if_met.as_str()));
    match r.map(|r| r.action_reason) {
        Some(ActionReason::ByClass) => l.text("by class"),
        Some(reason) => l.text(&reason.to_string()),
        None => l.text(""),
    }
    l.text(match &ev.outcome {
        Outcome::NotRated { reason } => reason.as_str(),
        Outcome::Rated(_) => "",
    });
    l.text(&ranking.rules_version);
    l.text(&ranking.rules_hash);
    l.end();
}

/// Write the ranking as CSV: one row per enterprise, rated best first, then the not rated.
///
/// Columns: `id,name,score,class,action,rank,burden,relocation_rank`, each indicator's value
/// and points, the intensities, why (driver, weed-out, action reason, not-rated reason), and the
/// rule set's version and hash on every row. Rows are formatted in parallel in blocks and
/// written in order, so the bytes do not depend on the number of threads.
pub fn write_csv(w: &mut dyn std::io::Write, ranking: &Ranking) -> std::io::Result<()> {
    {
        let mut out = csv::Writer::from_writer(&mut *w);
        out.write_record(csv_header(&ranking.metrics))?;
        out.flush()?;
    }
    in_parallel_blocks(w, &ranking.order, |_, chunk| {
        let mut out = Vec::with_capacity(chunk.len() * 400);
        for &i in chunk {
            csv_record(&mut out, ranking, &ranking.evaluations[i]);
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
    let summary: [(&str, serde_json::Value); 7] = [
        (
            "rules",
            serde_json::json!({ "version": ranking.rules_version, "hash": ranking.rules_hash }),
        ),
        ("rated", json(&ranking.boundaries.rated)?),
        ("not_rated", json(&ranking.not_rated)?),
        ("boundaries", json(&ranking.boundaries)?),
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
    ];
    writeln!(w, "{{")?;
    for (key, value) in &summary {
        let text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
        writeln!(w, "  \"{key}\": {},", text.replace('\n', "\n  "))?;
    }
    // Each array: one compact object per line, formatted in parallel blocks written in order.
    fn array(
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
    let relocation_item = |ev: &Evaluation| {
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
            "class": ev.class(),
            "action": ev.action(),
            "burden": burden,
            "land_mu": ev.land_mu,
        });
        round_json(&mut v);
        Ok(v)
    };
    array(
        w,
        "relocation",
        &ranking.relocation,
        ranking,
        &relocation_item,
        false,
    )?;
    array(
        w,
        "enterprises",
        &ranking.order,
        ranking,
        &|ev| json(ev),
        true,
    )?;
    writeln!(w, "}}")
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

    #[test]
    fn cuts_are_exact_in_decimal() {
        assert_eq!(cut(0.95, 20), 19);
        assert_eq!(cut(0.2, 15), 3);
        assert_eq!(cut(0.8, 7), 5);
        assert_eq!(cut(0.2, 4), 0);
        assert_eq!(cut(1.0, 3), 3);
    }
}
