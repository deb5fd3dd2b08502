//! The `[allocation]` section: land classes, buffers and the allocation objective.

use super::{CheckContext, SpanError};
use crate::model::{Categorical, LandUse, PollutionClass};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationRules {
    /// Land classes each pollution class may occupy, e.g. `light = ["M1", "M2", "M3"]`.
    #[serde(default)]
    pub land_classes: BTreeMap<PollutionClass, Vec<LandUse>>,
    /// Minimum distance in metres from each sensitive kind, per pollution class:
    /// `[allocation.buffers_m.residential] light = 50, moderate = 300`.
    #[serde(default)]
    pub buffers_m: BTreeMap<String, BTreeMap<PollutionClass, f64>>,
}

impl AllocationRules {
    /// The sensitive kinds this rule set knows (those with a buffer rule).
    pub fn sensitive_kinds(&self) -> BTreeSet<String> {
        self.buffers_m
            .keys()
            .map(|k| k.trim().to_lowercase())
            .collect()
    }

    /// The buffer in metres a `class` enterprise keeps from `kind`.
    pub fn buffer_m(&self, kind: &str, class: PollutionClass) -> Option<f64> {
        self.buffers_m.get(kind)?.get(&class).copied()
    }

    /// Semantic checks after parsing; each error is located by a span in the file.
    pub fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        let classes: BTreeSet<PollutionClass> = self.land_classes.keys().copied().collect();
        for (kind, per_class) in &self.buffers_m {
            for class in &classes {
                if !per_class.contains_key(class) {
                    errors.push(SpanError {
                        span: 0..0,
                        key: format!("allocation.buffers_m.{kind}"),
                        message: format!("no buffer for {} enterprises: give one for every class in allocation.land_classes", class.name()),
                    });
                }
            }
            for (class, d) in per_class {
                if !(d.is_finite() && *d >= 0.0) {
                    errors.push(SpanError {
                        span: 0..0,
                        key: format!("allocation.buffers_m.{kind}.{}", class.name()),
                        message: format!("expected a distance in metres >= 0, got {d}"),
                    });
                }
            }
        }
        errors
    }
}
