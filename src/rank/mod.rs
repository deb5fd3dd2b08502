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

mod candidates;
mod classes;
mod land;
mod output;
mod scoring;

pub use candidates::{conversion_candidates, relocation_probes};
pub use classes::{Action, ActionReason, Boundaries, Class, Driver, TOLERANCE};
pub use land::{Land, LandFreed};
pub use output::{fmt_num, summary_lines, write_csv, write_json};
pub use scoring::{IndicatorScore, Intensity, intensity};

use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::ranking::{Metric, RankingRules};
use classes::{action_for, at_least, close, cut, driver};
use rayon::prelude::*;
use scoring::indicators;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// Rank urban enterprises: indicators, score, class, burden, action, driver, land freed.
///
/// ```
/// # use parkplan::rank::{rank, Class};
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
    let (mut evaluations, mut pre) = score_each(enterprises, rules);
    let rated = rank_order(enterprises, &pre);
    let boundaries = boundaries(rr, &rated, &pre);
    let share_class = share_classes(&rated, &pre, &boundaries);
    rate(
        enterprises,
        rr,
        &rated,
        &share_class,
        &boundaries,
        &mut pre,
        &mut evaluations,
    );
    let relocation = relocation_order(&rated, &mut evaluations);
    let (order, not_rated) = output_order(rated, &evaluations);
    let (class_counts, action_counts, land_freed) = counts(&evaluations);
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
        not_rated,
        land_freed,
    }
}

/// A rateable enterprise's indicators and score, held until the classes are known.
struct Pre {
    indicators: Vec<IndicatorScore>,
    raw: f64,
    score: f64,
}

/// Score each enterprise on its own, in parallel (the order of the results is the input
/// order): its evaluation (not rated yet, or not rated with the reason), and for one that can
/// be rated its indicators and score.
fn score_each(enterprises: &[Enterprise], rules: &RuleSet) -> (Vec<Evaluation>, Vec<Option<Pre>>) {
    let rr = &rules.ranking;
    enterprises
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
        .unzip()
}

/// The score an enterprise's rank rests on (0 when it is not rated).
fn score_of(pre: &[Option<Pre>], i: usize) -> f64 {
    pre[i].as_ref().map_or(0.0, |p| p.score)
}

/// The rated enterprises (indices) by score, best first, ties by id (then input order, for
/// duplicate ids given in code). Sorting compact (score, index) keys keeps the comparisons in
/// cache.
fn rank_order(enterprises: &[Enterprise], pre: &[Option<Pre>]) -> Vec<usize> {
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
    keys.iter().map(|k| k.1).collect()
}

/// Where the classes split among `rated` (in rank order): floor(share x N) for A, B and C, and
/// the score at each cut.
fn boundaries(rr: &RankingRules, rated: &[usize], pre: &[Option<Pre>]) -> Boundaries {
    let n = rated.len();
    let shares = [
        rr.class_shares.a.value,
        rr.class_shares.b.value,
        rr.class_shares.c.value,
    ];
    let positions = shares.map(|s| cut(s, n));
    let scores = positions.map(|k| (k >= 1).then(|| score_of(pre, rated[k - 1])));
    Boundaries {
        rated: n,
        positions,
        scores,
    }
}

/// Each rated enterprise's class by rank share, in rank order: by position, then ties with the
/// last of a better class join it.
fn share_classes(rated: &[usize], pre: &[Option<Pre>], boundaries: &Boundaries) -> Vec<Class> {
    let n = rated.len();
    let (positions, scores) = (boundaries.positions, boundaries.scores);
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
            if !close(score_of(pre, rated[p]), s) {
                break;
            }
            share_class[p] = share_class[p].min(class);
        }
    }
    share_class
}

/// Apply Wenzhou's weed-out line (tax per mu below it: class D whatever the score), then give
/// each rated enterprise its rated outcome: class, action and driver.
fn rate(
    enterprises: &[Enterprise],
    rr: &RankingRules,
    rated: &[usize],
    share_class: &[Class],
    boundaries: &Boundaries,
    pre: &mut [Option<Pre>],
    evaluations: &mut [Evaluation],
) {
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
        let driver = driver(&p.indicators, p.raw, weed_out, rr, boundaries);
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
}

/// The relocation ranking: C and D by burden, worst first, ties by id; each gets its place.
fn relocation_order(rated: &[usize], evaluations: &mut [Evaluation]) -> Vec<usize> {
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
    relocation
}

/// The output order, rated by rank then the not rated by id, and how many are not rated.
fn output_order(rated: Vec<usize>, evaluations: &[Evaluation]) -> (Vec<usize>, usize) {
    let mut not_rated: Vec<usize> = (0..evaluations.len())
        .filter(|&i| evaluations[i].rated().is_none())
        .collect();
    not_rated.sort_by(|&a, &b| evaluations[a].id.cmp(&evaluations[b].id));
    let mut order = rated;
    let not_rated_count = not_rated.len();
    order.extend(not_rated);
    (order, not_rated_count)
}

/// Enterprises per class and per action, and the land `relocate` and `convert` would free.
fn counts(
    evaluations: &[Evaluation],
) -> (BTreeMap<Class, usize>, BTreeMap<Action, usize>, LandFreed) {
    let mut class_counts: BTreeMap<Class, usize> = Class::ALL.iter().map(|&c| (c, 0)).collect();
    let mut action_counts: BTreeMap<Action, usize> = BTreeMap::new();
    let mut land_freed = LandFreed::default();
    for ev in evaluations {
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
    (class_counts, action_counts, land_freed)
}
