//! The `[allocation]` rules resolved into the parameters allocation reads, and the weight limit
//! the exact integer arithmetic takes.

use crate::error::{InputError, Place, Problems};
use crate::model::{LandUse, PollutionClass};
use crate::rules::RuleSet;
use crate::rules::allocation::{AreaFit, FitCoefficients, SideConstraints};
use std::collections::BTreeMap;

/// The `[allocation]` rules resolved and complete: what allocation reads.
#[derive(Debug, Clone)]
pub struct Params {
    pub area_fit: AreaFit,
    pub fit: FitCoefficients,
    pub options_k: usize,
    pub time_limit_s: f64,
    /// Relative MIP gap at which the solver may stop; 0 when the rule file gives none.
    pub mip_gap: f64,
    /// Most pairs handed to the MIP solver; above it the Lagrangian search answers alone.
    pub mip_max_pairs: Option<usize>,
    pub land_classes: BTreeMap<PollutionClass, Vec<LandUse>>,
    pub buffers_m: BTreeMap<String, BTreeMap<PollutionClass, f64>>,
    pub side: SideConstraints,
}

impl Params {
    /// The allocation keys of a rule set; a missing one is an error naming it.
    pub fn from_rules(rules: &RuleSet) -> Result<Params, Problems> {
        let a = &rules.allocation;
        let mut problems = Problems::default();
        let mut missing = |key: &str, example: &str| {
            problems.push(InputError::new(
                &rules.source,
                Place::File,
                Some(&format!("allocation.{key}")),
                format!("missing: the allocation needs it, e.g. {example}"),
            ))
        };
        if a.area_fit.is_none() {
            missing("area_fit", "area_fit = { min = 0.9, max = 1.5 }");
        }
        if a.fit.is_none() {
            missing("fit", "fit = { base = 1.0, area = 0.5, cluster = 0.5 }");
        }
        if a.options_per_enterprise.is_none() {
            missing("options_per_enterprise", "options_per_enterprise = 5");
        }
        if a.time_limit_s.is_none() {
            missing("time_limit_s", "time_limit_s = 30");
        }
        if a.land_classes.is_empty() {
            missing(
                "land_classes",
                "land_classes = { light = [\"M1\", \"M2\", \"M3\"], moderate = [\"M2\", \"M3\"] }",
            );
        }
        match (a.area_fit, a.fit, a.options_per_enterprise, a.time_limit_s) {
            (Some(area_fit), Some(fit), Some(options_k), Some(time_limit_s))
                if problems.is_empty() =>
            {
                Ok(Params {
                    area_fit,
                    fit,
                    options_k,
                    time_limit_s,
                    mip_gap: a.mip_gap.unwrap_or(0.0),
                    mip_max_pairs: a.mip_max_pairs,
                    land_classes: a.land_classes.clone(),
                    buffers_m: a.buffers_m.clone(),
                    side: a.side.clone(),
                })
            }
            _ => Err(problems),
        }
    }

    pub fn buffer(&self, kind: &str, class: PollutionClass) -> Option<f64> {
        self.buffers_m.get(kind)?.get(&class).copied()
    }
}

/// Largest weight (priority x fit) the exact integer arithmetic takes: with weights in 1e-6
/// units, a million enterprises at this weight still sum far below `i64::MAX`.
pub const MAX_WEIGHT: f64 = 1e6;
