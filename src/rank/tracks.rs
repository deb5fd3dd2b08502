//! Tracks of the evaluation: which track an enterprise takes (after its exemption), the track
//! results the outputs report, and the track averages that `missing = "average"` indicators
//! score.

use super::{Boundaries, Class, Evaluation, Outcome, Pre};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::expr::{Missing, NoTrace, Value};
use crate::rules::ranking::{Metric, MissingInput, RankingRules, Track};
use crate::screen::row::EntRow;
use serde::Serialize;
use std::collections::BTreeMap;

/// One track of a ranking: how many enterprises took it, where its classes split, how many
/// of each class it has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackResult {
    pub id: String,
    pub name: String,
    pub source: Option<String>,
    /// The condition as written; `None` takes every enterprise that reaches the track.
    pub when: Option<String>,
    /// Lists its enterprises apart, unrated.
    pub listed_apart: bool,
    /// Its indicators, in the rule file's order.
    pub indicators: Vec<TrackIndicator>,
    /// Enterprises that took this track, rated or not.
    pub enterprises: usize,
    pub boundaries: Boundaries,
    pub class_counts: BTreeMap<Class, usize>,
}

/// An indicator of a track as the ranking applied it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackIndicator {
    pub metric: Metric,
    pub name: String,
    pub weight: f64,
    pub benchmark: f64,
    pub missing: MissingInput,
    /// Its own source (else the track's).
    pub source: Option<String>,
}

impl TrackResult {
    /// A track's result: `enterprises` took it, its classes split at `boundaries`.
    pub(super) fn new(
        track: &Track,
        enterprises: usize,
        boundaries: Boundaries,
        class_counts: BTreeMap<Class, usize>,
    ) -> TrackResult {
        TrackResult {
            id: track.id().to_string(),
            name: track.label().to_string(),
            source: track.source.clone(),
            when: track.when_text().map(String::from),
            listed_apart: track.listed_apart,
            indicators: track
                .indicators
                .iter()
                .map(|i| TrackIndicator {
                    metric: i.metric.value,
                    name: i.label().to_string(),
                    weight: i.weight.value,
                    benchmark: i.benchmark.value,
                    missing: i.missing,
                    source: i.source.clone(),
                })
                .collect(),
            enterprises,
            boundaries,
            class_counts,
        }
    }
}

/// Where an enterprise stands before scoring: exempt, without a track, or on track `t`.
pub(super) enum Placed {
    Exempt(String),
    NoTrack(String),
    On(usize),
}

/// The exemption, or the first track whose condition holds. A condition that cannot be
/// decided (an input not reported) does not hold; if no track takes the enterprise, the
/// reason names what was missing.
pub(super) fn place(e: &Enterprise, rules: &RuleSet) -> Placed {
    let exempt = e.rating_exempt.trim();
    if !exempt.is_empty() {
        return Placed::Exempt(exempt.to_string());
    }
    let row = EntRow { e, rules };
    let mut undecided: Vec<String> = Vec::new();
    for (t, track) in rules.ranking.tracks.iter().enumerate() {
        let Some(p) = track.condition() else {
            return Placed::On(t);
        };
        match p.eval(&row, chrono::NaiveDate::default(), &mut NoTrace) {
            Value::Bool(true) => return Placed::On(t),
            Value::Missing(why) => {
                let text = missing_text(why);
                if !undecided.contains(&text) {
                    undecided.push(text);
                }
            }
            _ => {}
        }
    }
    Placed::NoTrack(if undecided.is_empty() {
        "no track applies: none of the tracks' conditions holds".to_string()
    } else {
        format!("no track applies: {}", undecided.join(", "))
    })
}

/// Why a track's condition could not be decided, in words.
fn missing_text(why: Missing) -> String {
    match why {
        Missing::NotReported(id) => format!("{} not reported", crate::metrics::metric(id).name),
        Missing::NotComputable(id) | Missing::OutOfRange(id) => {
            format!("{} not computable", crate::metrics::metric(id).name)
        }
        Missing::DivisionByZero(_) => "a division by zero".to_string(),
    }
}

/// Give each `missing = "average"` indicator left open the average points of the track's
/// rated enterprises that report it, then add up every score. With nobody to average over,
/// the enterprise is not rated after all, and the reason says so.
pub(super) fn fill_averages(
    rr: &RankingRules,
    evaluations: &mut [Evaluation],
    pre: &mut [Option<Pre>],
) {
    for (t, track) in rr.tracks.iter().enumerate() {
        for (k, ind) in track.indicators.iter().enumerate() {
            if ind.missing != MissingInput::Average {
                continue;
            }
            let mut points: Vec<f64> = evaluations
                .iter()
                .zip(pre.iter())
                .filter(|(ev, _)| ev.track == Some(t))
                .filter_map(|(_, p)| p.as_ref())
                .filter(|p| p.indicators[k].imputed.is_none())
                .map(|p| p.indicators[k].points)
                .collect();
            // Summed in sorted order, so the average does not depend on the order of the rows.
            points.sort_by(f64::total_cmp);
            let (sum, n): (f64, usize) = (points.iter().sum(), points.len());
            for (ev, p) in evaluations.iter_mut().zip(pre.iter_mut()) {
                let open = ev.track == Some(t)
                    && p.as_ref()
                        .is_some_and(|p| p.indicators[k].imputed.is_some());
                if !open {
                    continue;
                }
                if n == 0 {
                    *p = None;
                    ev.outcome = Outcome::NotRated {
                        reason: format!(
                            "not reported: {} (no enterprise on track {} reports it, so there is no average to give)",
                            ind.metric
                                .value
                                .inputs()
                                .iter()
                                .map(|&id| crate::metrics::metric(id).name)
                                .collect::<Vec<_>>()
                                .join(", "),
                            track.id()
                        ),
                    };
                } else if let Some(p) = p {
                    let s = &mut p.indicators[k];
                    s.points = sum / n as f64;
                    s.ratio = s.points / ind.weight.value;
                }
            }
        }
    }
    for (ev, p) in evaluations.iter().zip(pre.iter_mut()) {
        if let (Some(t), Some(p)) = (ev.track, p) {
            p.raw = p.indicators.iter().map(|i| i.points).sum();
            p.score = p.raw.max(rr.tracks[t].score_floor.value);
        }
    }
}
