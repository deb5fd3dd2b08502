//! The `[allocation]` section: land classes, buffers, area fit, the objective's coefficients and
//! the side constraints of the land allocation.
//!
//! The keys beyond `land_classes` and `buffers_m` are optional while parsing, so a rule file
//! written only for screening or ranking still loads; `allocate` then names the missing key.

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
    /// Parcel area as a multiple of the request, inclusive bounds (plot mode).
    #[serde(default)]
    pub area_fit: Option<AreaFit>,
    /// Coefficients of the fit term of the objective.
    #[serde(default)]
    pub fit: Option<FitCoefficients>,
    /// How many feasible parcels `options.csv` lists per relocating enterprise.
    #[serde(default)]
    pub options_per_enterprise: Option<usize>,
    /// Wall-clock limit of the MIP solver (block mode and side constraints), seconds.
    #[serde(default)]
    pub time_limit_s: Option<f64>,
    /// Relative gap at which the MIP solver may stop (0 = prove optimality).
    #[serde(default)]
    pub mip_gap: Option<f64>,
    /// Most pairs (variables) handed to the MIP solver; above it block mode and side
    /// constraints are answered by the greedy and the Lagrangian bound. None: no limit.
    #[serde(default)]
    pub mip_max_pairs: Option<usize>,
    /// Side constraints; any of them turns plot mode into a MIP.
    #[serde(default)]
    pub side: SideConstraints,
    /// The document the values come from.
    #[serde(default)]
    pub source: Option<String>,
    /// How constraint prices and parcel irreplaceability are measured
    /// (`[allocation.sensitivity]`, defaults when absent).
    #[serde(default)]
    pub sensitivity: super::robustness::SensitivityRules,
}

/// `area_fit = { min = 0.9, max = 1.5 }`: a parcel fits a request of r mu when
/// `min * r <= area <= max * r`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AreaFit {
    pub min: f64,
    pub max: f64,
}

/// `fit = base + area * closeness + cluster * matching_cluster`, where closeness is 1 when the
/// parcel area equals the request and falls linearly to 0 at the area-fit bounds, and
/// matching_cluster is 1 when the parcel's designated cluster is the enterprise's (not `general`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FitCoefficients {
    pub base: f64,
    pub area: f64,
    pub cluster: f64,
}

/// Constraints across the whole allocation (`[allocation.side]`); absent keys constrain nothing.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SideConstraints {
    /// Total land allocated, in mu (requests in block mode, parcel areas in plot mode).
    #[serde(default)]
    pub land_budget_mu: Option<f64>,
    /// Minimum and maximum land allocated to each cluster's enterprises, mu.
    #[serde(default)]
    pub cluster_area_mu: BTreeMap<String, AreaRange>,
    /// Most moderate-pollution enterprises the park takes.
    #[serde(default)]
    pub max_moderate: Option<u32>,
    /// An occupied parcel whose `occupant` is a candidate's id stays with that candidate.
    #[serde(default)]
    pub lock_occupants: bool,
    /// Parcel id -> enterprise id: the planner's fixed decisions.
    #[serde(default)]
    pub locks: BTreeMap<String, String>,
}

/// `{ min = 100, max = 2000 }`, both optional, in mu.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AreaRange {
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
}

impl SideConstraints {
    /// True when a constraint couples the choices of different enterprises (locks alone do not:
    /// the exact matching handles them by fixing the pair).
    pub fn needs_mip(&self) -> bool {
        self.land_budget_mu.is_some()
            || self.max_moderate.is_some()
            || self
                .cluster_area_mu
                .values()
                .any(|r| r.min.is_some() || r.max.is_some())
    }
}

/// The longest solver time limit a rule file may set, in seconds (a day).
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;
/// The most relocation options listed per enterprise.
pub const MAX_OPTIONS: usize = 1000;

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

    /// Sensitive kinds are matched case-insensitively after trimming, as the sensitive-areas
    /// file's `kind` values are: the buffer table's keys are stored that way, and two keys that
    /// differ only in case are refused (one would silently replace the other).
    pub(crate) fn normalise_kinds(&mut self) -> Vec<SpanError> {
        let mut errors = Vec::new();
        let mut out: BTreeMap<String, BTreeMap<PollutionClass, f64>> = BTreeMap::new();
        for (kind, per_class) in std::mem::take(&mut self.buffers_m) {
            let k = kind.trim().to_lowercase();
            if out.insert(k.clone(), per_class).is_some() {
                errors.push(SpanError {
                    span: 0..0,
                    key: format!("allocation.buffers_m.{kind}"),
                    message: format!(
                        "the buffer table lists kind {k:?} twice (kinds are matched ignoring case and spaces); expected each kind once"
                    ),
                });
            }
        }
        self.buffers_m = out;
        errors
    }

    /// Semantic checks after parsing; each error is located by a span in the file.
    pub(crate) fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = self.sensitivity.check(_ctx);
        let mut err = |key: String, message: String| {
            errors.push(SpanError {
                span: 0..0,
                key,
                message,
            })
        };
        let classes: BTreeSet<PollutionClass> = self.land_classes.keys().copied().collect();
        for (kind, per_class) in &self.buffers_m {
            for class in &classes {
                if !per_class.contains_key(class) {
                    err(
                        format!("allocation.buffers_m.{kind}"),
                        format!(
                            "no buffer for {} enterprises: give one for every class in allocation.land_classes",
                            class.name()
                        ),
                    );
                }
            }
            for (class, d) in per_class {
                if !(d.is_finite() && *d >= 0.0) {
                    err(
                        format!("allocation.buffers_m.{kind}.{}", class.name()),
                        format!("expected a distance in metres >= 0, got {d}"),
                    );
                }
            }
        }
        if let Some(a) = self.area_fit
            && !(a.min.is_finite()
                && a.max.is_finite()
                && a.min > 0.0
                && a.min <= 1.0
                && a.max >= 1.0)
        {
            err(
                "allocation.area_fit".into(),
                format!(
                    "expected 0 < min <= 1 <= max (multiples of the request), got min {} max {}",
                    a.min, a.max
                ),
            );
        }
        if let Some(f) = self.fit {
            for (name, v) in [("base", f.base), ("area", f.area), ("cluster", f.cluster)] {
                if !(v.is_finite() && v >= 0.0) {
                    err(
                        format!("allocation.fit.{name}"),
                        format!("expected a coefficient >= 0, got {v}"),
                    );
                }
            }
        }
        if let Some(t) = self.time_limit_s
            && !(t.is_finite() && t > 0.0 && t <= MAX_TIME_LIMIT_S)
        {
            err(
                "allocation.time_limit_s".into(),
                format!("expected seconds in (0, {MAX_TIME_LIMIT_S}] (at most a day), got {t}"),
            );
        }
        if let Some(k) = self.options_per_enterprise
            && !(1..=MAX_OPTIONS).contains(&k)
        {
            err(
                "allocation.options_per_enterprise".into(),
                format!("expected 1 to {MAX_OPTIONS} options per enterprise, got {k}"),
            );
        }
        if let Some(g) = self.mip_gap
            && !(g.is_finite() && (0.0..1.0).contains(&g))
        {
            err(
                "allocation.mip_gap".into(),
                format!("expected a relative gap in [0, 1), got {g}"),
            );
        }
        if let Some(b) = self.side.land_budget_mu
            && !(b.is_finite() && b >= 0.0)
        {
            err(
                "allocation.side.land_budget_mu".into(),
                format!("expected mu >= 0, got {b}"),
            );
        }
        for (cluster, r) in &self.side.cluster_area_mu {
            let ok = |v: Option<f64>| v.is_none_or(|v| v.is_finite() && v >= 0.0);
            if !ok(r.min) || !ok(r.max) || matches!((r.min, r.max), (Some(a), Some(b)) if a > b) {
                err(
                    format!("allocation.side.cluster_area_mu.{cluster}"),
                    format!(
                        "expected 0 <= min <= max in mu, got min {:?} max {:?}",
                        r.min, r.max
                    ),
                );
            }
        }
        errors
    }
}
