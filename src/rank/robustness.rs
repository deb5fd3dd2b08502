//! How stable each rated enterprise's class is when the evaluation's own numbers move.
//!
//! The published weights and benchmarks are policy choices, not measurements: a class that
//! flips when they move a little is a decision to look at twice. [`stability`] recomputes the
//! whole ranking ([`super::rank`]) `draws` times, each time with every indicator weight, every
//! benchmark and the weed-out line multiplied by its own factor drawn uniformly from
//! `[1 - spread, 1 + spread]` (`[ranking.robustness]`), and counts for each enterprise the
//! draws that keep its class and those that keep it on the same side of the weed-out line.
//! The factors come from one ChaCha8 stream seeded by the rule file, drawn in a fixed order
//! before any ranking runs, so the figures are the same on every machine and thread count.

use super::{Class, Ranking, rank};
use crate::model::Enterprise;
use crate::rules::RuleSet;
use crate::rules::robustness::RobustnessRules;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// One rated enterprise's stability over the draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stable {
    pub id: String,
    pub name: String,
    pub track: String,
    /// Its class in the plan (the unperturbed rules).
    pub class: Class,
    /// Share of draws giving the same class.
    pub class_share: f64,
    /// The class it takes most often when it does not keep its own (ties: the better class);
    /// `None` when it always keeps it.
    pub other_class: Option<Class>,
    /// Below the weed-out line in the plan.
    pub weed_out: bool,
    /// Share of draws keeping it on the same side of the weed-out line.
    pub weed_out_share: f64,
    /// `class_share` below the rule file's `borderline`.
    pub borderline: bool,
    /// `weed_out_share` below the rule file's `borderline`.
    pub weed_out_borderline: bool,
}

/// The ranking's robustness, or why it was not measured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRobustness {
    pub spread: f64,
    pub draws: usize,
    pub seed: u64,
    pub borderline: f64,
    /// Why the draws were not run (`draws = 0`, or more evaluations than `max_evaluations`).
    pub skipped: Option<String>,
    /// Rated enterprises in rank order (by track, then rank).
    pub enterprises: Vec<Stable>,
}

impl RankRobustness {
    /// Borderline enterprises: class, weed-out side.
    pub fn borderline_counts(&self) -> (usize, usize) {
        let n = |f: fn(&Stable) -> bool| self.enterprises.iter().filter(|s| f(s)).count();
        (n(|s| s.borderline), n(|s| s.weed_out_borderline))
    }
}

/// The factors of one draw: per track, per indicator, (weight, benchmark); and the weed-out line.
struct Draw {
    indicators: Vec<Vec<(f64, f64)>>,
    weed_out: f64,
}

/// Measure each rated enterprise's stability in `ranking` (the ranking of `enterprises` under
/// `rules`) as `[ranking.robustness]` says.
///
/// ```
/// # use parkplan::rank::{rank, robustness::stability};
/// let rules = parkplan::rules::load(&parkplan::io::bundled::rules()).unwrap();
/// let reg = parkplan::io::enterprises::load_enterprises(&parkplan::io::bundled::urban()).unwrap();
/// let r = rank(&reg.enterprises, &rules);
/// let s = stability(&reg.enterprises, &rules, &r);
/// assert_eq!(s.enterprises.len(), r.rated);
/// assert_eq!(s, stability(&reg.enterprises, &rules, &r)); // seeded: the same every run
/// ```
pub fn stability(enterprises: &[Enterprise], rules: &RuleSet, ranking: &Ranking) -> RankRobustness {
    let rr: &RobustnessRules = &rules.ranking.robustness;
    let (spread, draws, seed) = (rr.spread.value, rr.draws.value, rr.seed.value);
    let borderline = rr.borderline.value;
    let mut out = RankRobustness {
        spread,
        draws,
        seed,
        borderline,
        skipped: None,
        enterprises: Vec::new(),
    };
    let evaluations = ranking.rated.saturating_mul(draws);
    if draws == 0 {
        out.skipped = Some("ranking.robustness.draws = 0".into());
        return out;
    }
    if evaluations > rr.max_evaluations.value {
        out.skipped = Some(format!(
            "{} rated enterprises x {draws} draws = {evaluations} evaluations, above ranking.robustness.max_evaluations = {}",
            ranking.rated, rr.max_evaluations.value
        ));
        return out;
    }
    let rated: Vec<usize> = ranking
        .order
        .iter()
        .copied()
        .filter(|&i| ranking.evaluations[i].rated().is_some())
        .collect();
    if rated.is_empty() {
        return out;
    }
    let plan = draw_factors(rules, spread, draws, seed);
    // Per draw, the class and weed-out flag of each rated enterprise (`None`: not rated there).
    let results: Vec<Vec<Option<(Class, bool)>>> = plan
        .par_iter()
        .map(|d| {
            let r = rank(enterprises, &perturbed(rules, d));
            rated
                .iter()
                .map(|&i| r.evaluations[i].rated().map(|x| (x.class, x.weed_out)))
                .collect()
        })
        .collect();
    out.enterprises = rated
        .iter()
        .enumerate()
        .map(|(k, &i)| {
            let ev = &ranking.evaluations[i];
            let base = ev.rated().expect("rated");
            let mut same_class = 0usize;
            let mut same_side = 0usize;
            let mut others: BTreeMap<Class, usize> = BTreeMap::new();
            for r in &results {
                match r[k] {
                    Some((c, w)) => {
                        if c == base.class {
                            same_class += 1;
                        } else {
                            *others.entry(c).or_default() += 1;
                        }
                        same_side += usize::from(w == base.weed_out);
                    }
                    None => same_side += usize::from(!base.weed_out),
                }
            }
            let share = |n: usize| n as f64 / draws as f64;
            // Most frequent, ties to the better class (BTreeMap iterates A first).
            let other_class = others
                .iter()
                .fold(None, |best: Option<(Class, usize)>, (&c, &n)| match best {
                    Some((_, m)) if m >= n => best,
                    _ => Some((c, n)),
                })
                .map(|(c, _)| c);
            let (class_share, weed_out_share) = (share(same_class), share(same_side));
            Stable {
                id: ev.id.clone(),
                name: ev.name.clone(),
                track: ranking.track_id(ev).to_string(),
                class: base.class,
                class_share,
                other_class,
                weed_out: base.weed_out,
                weed_out_share,
                borderline: class_share < borderline,
                weed_out_borderline: weed_out_share < borderline,
            }
        })
        .collect();
    out
}

/// Every draw's factors, in a fixed order from one seeded stream.
fn draw_factors(rules: &RuleSet, spread: f64, draws: usize, seed: u64) -> Vec<Draw> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut factor = || {
        if spread == 0.0 {
            1.0
        } else {
            rng.random_range(1.0 - spread..=1.0 + spread)
        }
    };
    (0..draws)
        .map(|_| Draw {
            indicators: rules
                .ranking
                .tracks
                .iter()
                .map(|t| t.indicators.iter().map(|_| (factor(), factor())).collect())
                .collect(),
            weed_out: factor(),
        })
        .collect()
}

/// The rule set with one draw's factors applied to the weights, benchmarks and weed-out line.
fn perturbed(rules: &RuleSet, d: &Draw) -> RuleSet {
    let mut r = rules.clone();
    let rr = &mut r.ranking;
    rr.weed_out_tax_per_mu.value *= d.weed_out;
    for (t, f) in rr.tracks.iter_mut().zip(&d.indicators) {
        for (ind, (fw, fb)) in t.indicators.iter_mut().zip(f) {
            ind.weight.value *= fw;
            ind.benchmark.value *= fb;
        }
    }
    r
}

/// `ranking-stability.csv`: one row per rated enterprise, in rank order.
pub fn write_csv(w: &mut dyn std::io::Write, r: &RankRobustness) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "id",
        "name",
        "track",
        "class",
        "class_share",
        "other_class",
        "borderline",
        "weed_out",
        "weed_out_share",
        "weed_out_borderline",
    ])?;
    for s in &r.enterprises {
        c.write_record([
            s.id.as_str(),
            s.name.as_str(),
            s.track.as_str(),
            &s.class.to_string(),
            &share(s.class_share),
            &s.other_class.map_or(String::new(), |c| c.to_string()),
            bool_str(s.borderline),
            bool_str(s.weed_out),
            &share(s.weed_out_share),
            bool_str(s.weed_out_borderline),
        ])?;
    }
    c.flush()
}

/// A share of draws as written: at most 4 decimals, no trailing zeros.
pub fn share(x: f64) -> String {
    super::fmt_num((x * 1e4).round() / 1e4)
}

fn bool_str(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}
