//! Per-mu benefit evaluation and relocation ranking of urban enterprises.
//!
//! [`rank`] puts each enterprise on the first track of the rule set whose condition holds
//! (Zhejiang 亩均效益综合评价: above designated size, below it, small land listed apart),
//! leaves out the exempt, scores the rest on their track's indicators, sorts each track's rated
//! enterprises into classes A/B/C/D by its own rank shares, applies Wenzhou's weed-out line,
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
pub mod robustness;
mod scoring;
mod tracks;

pub use candidates::{conversion_candidates, relocation_probes};
pub use classes::{Action, ActionReason, Boundaries, Class, Driver, TOLERANCE};
pub use land::{Land, LandFreed};
pub use output::{fmt_num, summary_lines, write_csv, write_csv_in, write_json};
pub use scoring::{IndicatorScore, Intensity, intensity};
pub use tracks::{TrackIndicator, TrackResult};

use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::ranking::{Metric, RankingRules, Track};
use classes::{action_for, at_least, close, cut, driver};
use rayon::prelude::*;
use scoring::indicators;
use serde::Serialize;
use std::collections::BTreeMap;
use tracks::{Placed, fill_averages, place};

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

/// Rated, or why not: an input missing or no track applies, a track that lists its
/// enterprises apart, or an exemption.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Rated(Rated),
    /// An input missing (or zero where it divides), or no track's condition holds.
    NotRated {
        reason: String,
    },
    /// On a track that is `listed_apart` (e.g. very little land): not rated, no share.
    ListedApart {
        reason: String,
    },
    /// `rating_exempt` gives a reason (a new enterprise, one relocated by policy).
    Exempt {
        reason: String,
    },
}

impl Outcome {
    /// The status as outputs write it.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Rated(_) => "rated",
            Outcome::NotRated { .. } => "not_rated",
            Outcome::ListedApart { .. } => "listed_apart",
            Outcome::Exempt { .. } => "exempt",
        }
    }
    /// Why it is not rated; `None` when it is.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Outcome::Rated(_) => None,
            Outcome::NotRated { reason }
            | Outcome::ListedApart { reason }
            | Outcome::Exempt { reason } => Some(reason),
        }
    }
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
    /// Index into [`Ranking::tracks`] of the track it took (`None`: exempt, or no track applies);
    /// outputs write the track's id.
    #[serde(skip)]
    pub track: Option<usize>,
    pub land_mu: Option<f64>,
    pub tax_10k_yuan: Option<f64>,
    pub intensity: Intensity,
    pub outcome: Outcome,
}

impl Evaluation {
    pub fn rated(&self) -> Option<&Rated> {
        match &self.outcome {
            Outcome::Rated(r) => Some(r),
            _ => None,
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
    /// The `[ranking]` section's source.
    pub source: Option<String>,
    /// Every track of the rule set, in its order.
    pub tracks: Vec<TrackResult>,
    /// Every indicator metric of any track, in the order they first appear (the CSV columns).
    pub metrics: Vec<Metric>,
    /// The burden coefficients (energy, emissions) the ranking used; the charts mark the
    /// benchmark intensities, their reciprocals.
    pub burden_coefficients: (f64, f64),
    /// One per input enterprise, in input order.
    pub evaluations: Vec<Evaluation>,
    /// Indices into `evaluations`: rated by track (in the rule file's order) and rank within
    /// it, then the others by id.
    pub order: Vec<usize>,
    /// Indices into `evaluations`: C and D of every track by burden, worst first (an unknown
    /// burden last), ties by id.
    pub relocation: Vec<usize>,
    /// Classes over all tracks.
    pub class_counts: BTreeMap<Class, usize>,
    pub action_counts: BTreeMap<Action, usize>,
    pub rated: usize,
    pub not_rated: usize,
    pub listed_apart: usize,
    pub exempt: usize,
    pub land_freed: LandFreed,
}

impl Ranking {
    /// Evaluations in output order: rated by track and rank, then the others by id.
    pub fn in_rank_order(&self) -> impl Iterator<Item = &Evaluation> {
        self.order.iter().map(|&i| &self.evaluations[i])
    }
    /// The relocation ranking: C and D enterprises, worst burden first.
    pub fn relocation_order(&self) -> impl Iterator<Item = &Evaluation> {
        self.relocation.iter().map(|&i| &self.evaluations[i])
    }
    /// The id of an evaluation's track, empty when it has none.
    pub fn track_id(&self, ev: &Evaluation) -> &str {
        ev.track.map_or("", |t| self.tracks[t].id.as_str())
    }
}

/// Which of the rule set's tracks take at least one of `enterprises` (by track index), as
/// [`rank`] places them: the columns a registry needs follow from the tracks its enterprises
/// are on (`io::enterprises::needs::ranking`).
pub fn tracks_taken(enterprises: &[Enterprise], rules: &RuleSet) -> Vec<bool> {
    let mut taken = vec![false; rules.ranking.tracks.len()];
    for e in enterprises {
        if let Placed::On(t) = place(e, rules) {
            taken[t] = true;
            if taken.iter().all(|&x| x) {
                break;
            }
        }
    }
    taken
}

/// Rank urban enterprises: tracks, indicators, score, class, burden, action, driver, land freed.
///
/// ```
/// # use parkplan::rank::{rank, Class};
/// let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
/// let csv = "id,name,tax,land_mu,value_added,energy_tce,cod_t,nh3n_t,so2_t,nox_t,staff,rd_expense,revenue\n\
///            U1,瓯江阀门厂,0.5,10,100,20,0.01,0,0.01,0.01,10,30,3000\n";
/// let reg = parkplan::io::enterprises::read_enterprises("u.csv".as_ref(), csv).unwrap();
/// let r = rank(&reg.enterprises, &rules);
/// // Revenue 3,000: above designated size (规上).
/// assert_eq!(r.track_id(&r.evaluations[0]), "above_size");
/// // Tax 0.05 per mu is under Wenzhou's weed-out line: D whatever the score.
/// assert_eq!(r.evaluations[0].class(), Some(Class::D));
/// ```
pub fn rank(enterprises: &[Enterprise], rules: &RuleSet) -> Ranking {
    let rr = &rules.ranking;
    let (mut evaluations, mut pre) = score_each(enterprises, rules);
    fill_averages(rr, &mut evaluations, &mut pre);
    let mut order = Vec::new();
    let mut tracks = Vec::with_capacity(rr.tracks.len());
    for (t, track) in rr.tracks.iter().enumerate() {
        let members: Vec<usize> = (0..enterprises.len())
            .filter(|&i| evaluations[i].track == Some(t))
            .collect();
        let rated = rank_order(enterprises, &pre, &members);
        let boundaries = boundaries(track, &rated, &pre);
        let share_class = share_classes(&rated, &pre, &boundaries);
        rate(
            enterprises,
            rr,
            track,
            &rated,
            &share_class,
            &boundaries,
            &mut pre,
            &mut evaluations,
        );
        let mut class_counts: BTreeMap<Class, usize> = Class::ALL.iter().map(|&c| (c, 0)).collect();
        for &i in &rated {
            if let Some(c) = evaluations[i].class() {
                *class_counts.entry(c).or_default() += 1;
            }
        }
        tracks.push(TrackResult::new(
            track,
            members.len(),
            boundaries,
            class_counts,
        ));
        order.extend(rated);
    }
    let rated = order.len();
    let relocation = relocation_order(&order, &mut evaluations);
    let order = output_order(order, &evaluations);
    let (class_counts, action_counts, land_freed) = counts(&evaluations);
    let count = |status: &str| {
        evaluations
            .iter()
            .filter(|e| e.outcome.status() == status)
            .count()
    };
    Ranking {
        rules_version: rules.version.clone(),
        rules_hash: rules.hash.clone(),
        source: rr.source.clone(),
        metrics: rr.metrics(),
        burden_coefficients: (
            rr.burden.energy_per_value_added.value,
            rr.burden.emissions_per_value_added.value,
        ),
        not_rated: count("not_rated"),
        listed_apart: count("listed_apart"),
        exempt: count("exempt"),
        rated,
        tracks,
        evaluations,
        order,
        relocation,
        class_counts,
        action_counts,
        land_freed,
    }
}

/// A rateable enterprise's indicators and score, held until the classes are known.
pub(super) struct Pre {
    pub(super) indicators: Vec<IndicatorScore>,
    pub(super) raw: f64,
    pub(super) score: f64,
}

/// Place and score each enterprise on its own, in parallel (the order of the results is the
/// input order): its evaluation (not rated yet, or why not), and for one that can be rated its
/// indicators (averages still to fill).
fn score_each(enterprises: &[Enterprise], rules: &RuleSet) -> (Vec<Evaluation>, Vec<Option<Pre>>) {
    let rr = &rules.ranking;
    enterprises
        .par_iter()
        .enumerate()
        .map(|(index, e)| {
            let mut track = None;
            let (outcome, p) = if !rr.is_configured() {
                let reason = format!("rule set {} has no [ranking] indicators", rules.version);
                (Outcome::NotRated { reason }, None)
            } else {
                match place(e, rules) {
                    Placed::Exempt(reason) => (Outcome::Exempt { reason }, None),
                    Placed::NoTrack(reason) => (Outcome::NotRated { reason }, None),
                    Placed::On(t) => {
                        track = Some(t);
                        let tr = &rr.tracks[t];
                        if tr.listed_apart {
                            let when = tr.when_text().unwrap_or("every enterprise left");
                            let reason = format!("listed apart: {} ({when})", tr.label());
                            (Outcome::ListedApart { reason }, None)
                        } else {
                            match indicators(e, tr) {
                                // Replaced by the rated outcome once the classes are known.
                                Ok(ind) => (
                                    Outcome::NotRated {
                                        reason: String::new(),
                                    },
                                    Some(Pre {
                                        indicators: ind,
                                        raw: 0.0,
                                        score: 0.0,
                                    }),
                                ),
                                Err(reason) => (Outcome::NotRated { reason }, None),
                            }
                        }
                    }
                }
            };
            let ev = Evaluation {
                index,
                line: e.line,
                id: e.id.clone(),
                name: e.name.clone(),
                track,
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

/// The rated enterprises among `members` (indices) by score, best first, ties by id (then
/// input order, for duplicate ids given in code). Sorting compact (score, index) keys keeps the
/// comparisons in cache.
fn rank_order(enterprises: &[Enterprise], pre: &[Option<Pre>], members: &[usize]) -> Vec<usize> {
    let mut keys: Vec<(f64, usize)> = members
        .iter()
        .filter_map(|&i| pre[i].as_ref().map(|p| (p.score, i)))
        .collect();
    keys.par_sort_unstable_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| enterprises[a.1].id.cmp(&enterprises[b.1].id))
            .then(a.1.cmp(&b.1))
    });
    keys.iter().map(|k| k.1).collect()
}

/// Where a track's classes split among its `rated` (in rank order): floor(share x N) for A,
/// B and C, and the score at each cut.
fn boundaries(track: &Track, rated: &[usize], pre: &[Option<Pre>]) -> Boundaries {
    let n = rated.len();
    let s = &track.class_shares;
    let positions = [s.a.value, s.b.value, s.c.value].map(|s| cut(s, n));
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
/// each rated enterprise of `track` its rated outcome: class, action and driver.
#[allow(clippy::too_many_arguments)]
fn rate(
    enterprises: &[Enterprise],
    rr: &RankingRules,
    track: &Track,
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
        let driver = driver(&p.indicators, p.raw, weed_out, track, weed_line, boundaries);
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

/// The relocation ranking: C and D of every track by burden, worst first (an unknown burden
/// last), ties by id; each gets its place.
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

/// The output order: the rated by track and rank, then the others by id.
fn output_order(rated: Vec<usize>, evaluations: &[Evaluation]) -> Vec<usize> {
    let mut others: Vec<usize> = (0..evaluations.len())
        .filter(|&i| evaluations[i].rated().is_none())
        .collect();
    others.sort_by(|&a, &b| evaluations[a].id.cmp(&evaluations[b].id).then(a.cmp(&b)));
    let mut order = rated;
    order.extend(others);
    order
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
