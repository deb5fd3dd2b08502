//! How robustness is measured: `[ranking.robustness]` (how far the indicator weights, benchmarks
//! and the weed-out line move in the sampled draws, how many draws, the seed, the borderline
//! threshold) and `[allocation.sensitivity]` (the steps constraints are relaxed by and how large
//! a problem is re-solved). Both sections are optional; every key has a documented default.

use super::ranking::Val;
use super::{CheckContext, SpanError};
use serde::Deserialize;

/// Default of [`RobustnessRules::spread`]: each weight and benchmark moves within ±20%.
pub const DEFAULT_SPREAD: f64 = 0.20;
/// Default of [`RobustnessRules::draws`].
pub const DEFAULT_DRAWS: usize = 200;
/// Default of [`RobustnessRules::seed`].
pub const DEFAULT_SEED: u64 = 1;
/// Default of [`RobustnessRules::borderline`]: below 80% of draws keeping the class.
pub const DEFAULT_BORDERLINE: f64 = 0.8;
/// Default of [`RobustnessRules::max_evaluations`]: rated enterprises x draws.
pub const DEFAULT_MAX_EVALUATIONS: usize = 250_000;
/// The most draws a rule file may ask for.
pub const MAX_DRAWS: usize = 100_000;

/// `[ranking.robustness]`: the seeded draws that measure how stable each class is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RobustnessRules {
    /// Each indicator weight, each benchmark and the weed-out line is multiplied by a factor
    /// drawn uniformly from `[1 - spread, 1 + spread]`, independently per draw.
    pub spread: Val<f64>,
    /// Draws (rankings recomputed); 0 turns the measure off.
    pub draws: Val<usize>,
    /// Seed of the draws (ChaCha8): the same seed gives the same figures on every machine.
    pub seed: Val<u64>,
    /// An enterprise keeping its class (or its side of the weed-out line) in a smaller share of
    /// the draws than this is flagged borderline.
    pub borderline: Val<f64>,
    /// The most enterprise evaluations (rated enterprises x draws) computed; above it the
    /// measure is skipped, with a note, so a province-scale plan stays fast.
    pub max_evaluations: Val<usize>,
    pub source: Option<String>,
}

impl Default for RobustnessRules {
    fn default() -> Self {
        RobustnessRules {
            spread: Val::new(DEFAULT_SPREAD),
            draws: Val::new(DEFAULT_DRAWS),
            seed: Val::new(DEFAULT_SEED),
            borderline: Val::new(DEFAULT_BORDERLINE),
            max_evaluations: Val::new(DEFAULT_MAX_EVALUATIONS),
            source: None,
        }
    }
}

impl RobustnessRules {
    /// Range checks, located at the value in the file.
    pub(crate) fn check(&self) -> Vec<SpanError> {
        let mut errors = Vec::new();
        let mut err = |span: &std::ops::Range<usize>, key: &str, message: String| {
            errors.push(SpanError {
                span: span.clone(),
                key: format!("ranking.robustness.{key}"),
                message,
            })
        };
        let s = self.spread.value;
        if !(s.is_finite() && (0.0..1.0).contains(&s)) {
            err(
                &self.spread.span,
                "spread",
                format!(
                    "expected a relative spread in [0, 1) (0.2: each weight and benchmark within ±20%), got {s}"
                ),
            );
        }
        if self.draws.value > MAX_DRAWS {
            err(
                &self.draws.span,
                "draws",
                format!(
                    "expected 0 to {MAX_DRAWS} draws (0 turns the measure off), got {}",
                    self.draws.value
                ),
            );
        }
        let b = self.borderline.value;
        if !(b.is_finite() && (0.0..=1.0).contains(&b)) {
            err(
                &self.borderline.span,
                "borderline",
                format!("expected a share of draws between 0 and 1, got {b}"),
            );
        }
        errors
    }
}

/// Default of [`SensitivityRules::buffer_step_m`].
pub const DEFAULT_BUFFER_STEP_M: f64 = 10.0;
/// Default of [`SensitivityRules::land_step_mu`].
pub const DEFAULT_LAND_STEP_MU: f64 = 1.0;
/// Default of [`SensitivityRules::max_pairs`].
pub const DEFAULT_MAX_PAIRS: usize = 10_000;
/// Default of [`SensitivityRules::max_resolves`].
pub const DEFAULT_MAX_RESOLVES: usize = 0;

/// `[allocation.sensitivity]`: the price of each constraint and how irreplaceable each parcel
/// is, measured by re-solving copies of the problem.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SensitivityRules {
    /// A buffer's price is the objective gained when it is this many metres smaller.
    pub buffer_step_m: f64,
    /// The land budget's and cluster ranges' price: the objective gained per this many mu more
    /// (a cluster's minimum: less).
    pub land_step_mu: f64,
    /// Re-solves only when the problem has at most this many feasible pairs; above it they are
    /// skipped, with a note (the next-best parcels are always listed).
    pub max_pairs: usize,
    /// The most MIP re-solves (block mode, side constraints) one plan makes; the exact matching's
    /// re-solves are fast and not counted. Default 0: a MIP re-solve may take up to
    /// `time_limit_s` (the bundled block plan's 43 took six minutes), so they are asked for.
    pub max_resolves: usize,
    pub source: Option<String>,
}

impl Default for SensitivityRules {
    fn default() -> Self {
        SensitivityRules {
            buffer_step_m: DEFAULT_BUFFER_STEP_M,
            land_step_mu: DEFAULT_LAND_STEP_MU,
            max_pairs: DEFAULT_MAX_PAIRS,
            max_resolves: DEFAULT_MAX_RESOLVES,
            source: None,
        }
    }
}

impl SensitivityRules {
    /// Range checks; located by key (`allocation.sensitivity.buffer_step_m`).
    pub(crate) fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        for (key, v) in [
            ("buffer_step_m", self.buffer_step_m),
            ("land_step_mu", self.land_step_mu),
        ] {
            if !(v.is_finite() && v > 0.0) {
                errors.push(SpanError {
                    span: 0..0,
                    key: format!("allocation.sensitivity.{key}"),
                    message: format!("expected a positive step, got {v}"),
                });
            }
        }
        errors
    }
}
