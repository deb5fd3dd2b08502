//! The `[ranking]` section: the Zhejiang per-mu benefit evaluation of urban enterprises.
//!
//! Which indicators count, their weights and benchmarks, the cap, the class shares, the
//! weed-out line, the burden coefficients and the conversion criteria are all data here; the
//! ranking stage ([`crate::rank`]) only knows how to compute each named metric.

use super::{CheckContext, SpanError};
use crate::metrics::{self, Derivation, MetricId, ZeroDenominator, m, metric};
use crate::model::{Enterprise, PollutionClass};
use serde::{Deserialize, Deserializer, Serialize};
use std::ops::Range;

/// A value with the byte span it came from, so semantic checks can point at it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Val<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Val<T> {
    /// A value with no place in a file (for rule sets built in code).
    pub fn new(value: T) -> Self {
        Val { value, span: 0..0 }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = toml::Spanned::<T>::deserialize(d)?;
        Ok(Val {
            span: s.span(),
            value: s.into_inner(),
        })
    }
}

/// The metric of a ranking indicator: a ratio of the metric catalogue (`tax_per_mu`,
/// `value_added_per_tce`, `rd_ratio`, ...); the rule file picks and weighs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Metric(MetricId);

impl Metric {
    /// Tax per mu: the indicator Wenzhou's weed-out line is drawn on.
    pub const TAX_PER_MU: Metric = Metric(m::TAX_PER_MU);

    /// The catalogue metric `id` as an indicator, when it is a ratio.
    pub fn new(id: MetricId) -> Option<Metric> {
        matches!(metric(id).derivation, Derivation::Ratio { .. }).then_some(Metric(id))
    }

    /// Every metric an indicator may use, in catalogue order.
    pub fn all() -> impl Iterator<Item = Metric> {
        (0..metrics::METRICS.len() as MetricId).filter_map(Metric::new)
    }

    /// Its id in the metric catalogue.
    pub fn id(self) -> MetricId {
        self.0
    }

    /// The snake_case name used in rule files and output columns.
    pub fn key(self) -> &'static str {
        metric(self.0).name
    }

    fn ratio(self) -> (MetricId, MetricId, ZeroDenominator) {
        match metric(self.0).derivation {
            Derivation::Ratio { num, den, zero, .. } => (num, den, zero),
            // `new` admits ratios only.
            _ => (self.0, self.0, ZeroDenominator::NotComputable),
        }
    }

    /// The input columns the metric needs.
    pub fn inputs(self) -> Vec<MetricId> {
        metrics::inputs(self.0)
    }

    /// What a zero denominator means for the ranking: not rated, or the best value.
    pub fn zero_denominator(self) -> ZeroDenominator {
        self.ratio().2
    }

    /// The denominator's name, for "zero land_mu" style reasons.
    pub fn denominator(self) -> &'static str {
        metric(self.ratio().1).name
    }

    /// Numerator and denominator for an enterprise; `None` when an input is not reported.
    pub fn parts(self, e: &Enterprise) -> Option<(f64, f64)> {
        let (num, den, _) = self.ratio();
        Some((metrics::number(e, num)?, metrics::number(e, den)?))
    }
}

impl std::fmt::Display for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for Metric {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        metrics::by_name(&name)
            .and_then(Metric::new)
            .ok_or_else(|| {
                let names: Vec<String> = Metric::all().map(|m| format!("`{m}`")).collect();
                serde::de::Error::custom(format!(
                    "unknown ranking metric `{name}`, expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

/// One scored indicator: `weight x min(value / benchmark, cap)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub metric: Val<Metric>,
    /// Bilingual label for tables and charts.
    #[serde(default)]
    pub name: String,
    pub weight: Val<f64>,
    pub benchmark: Val<f64>,
}

impl Indicator {
    /// The label, or the metric key when the rule file gives none.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            self.metric.value.key()
        } else {
            &self.name
        }
    }
}

/// Cumulative rank shares: position p of N is A if p <= floor(a N), B if p <= floor(b N),
/// C if p <= floor(c N), else D.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClassShares {
    #[serde(rename = "A")]
    pub a: Val<f64>,
    #[serde(rename = "B")]
    pub b: Val<f64>,
    #[serde(rename = "C")]
    pub c: Val<f64>,
}

/// The pollution-and-energy burden: `energy/value_added x energy + emissions/value_added x emissions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BurdenCoefficients {
    /// Multiplies tce per 10k yuan of value added.
    pub energy_per_value_added: Val<f64>,
    /// Multiplies tonnes of the four pollutants per 10k yuan of value added.
    pub emissions_per_value_added: Val<f64>,
}

/// Who may convert instead of being rectified or relocated, and how the allocation sees them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionRules {
    /// Most violations in the last year a converting enterprise may have (inclusive).
    pub max_violations: Val<f64>,
    /// The pollution class the conversion targets; the allocation places it under this class.
    pub target_pollution_class: Option<Val<PollutionClass>>,
    /// Allocation priority = `priority_base + priority_per_point x score`; keep the maximum
    /// (`priority_base + priority_per_point x max score`) below the lowest priority a certified
    /// applicant can have, so converting enterprises always rank below them.
    pub priority_base: Val<f64>,
    pub priority_per_point: Val<f64>,
    /// Priorities of certified applicants start here; `check` refuses converting priorities
    /// that could reach it.
    pub certified_priority_floor: Val<f64>,
}

/// The `[ranking]` section. Absent or without indicators, it is empty and the ranking stage
/// rates nobody; with indicators, every key below is required (`check` names any missing one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankingRules {
    /// The most one indicator's ratio to its benchmark may count (2: twice its weight).
    pub cap: Val<f64>,
    /// The lowest score (scores below are raised to it).
    pub score_floor: Val<f64>,
    pub class_shares: ClassShares,
    /// Wenzhou's weed-out line: tax per mu (10k yuan/mu) below this is class D whatever the score.
    pub weed_out_tax_per_mu: Val<f64>,
    pub burden: BurdenCoefficients,
    pub conversion: ConversionRules,
    pub indicators: Vec<Indicator>,
}

impl RankingRules {
    /// Whether the section was given (an absent section has no indicators).
    pub fn is_configured(&self) -> bool {
        !self.indicators.is_empty()
    }

    /// The highest score possible: every indicator at the cap.
    pub fn max_score(&self) -> f64 {
        self.indicators
            .iter()
            .map(|i| i.weight.value * self.cap.value)
            .sum()
    }

    /// Every scalar key of the section with its dotted name, for presence checks.
    fn scalars(&self) -> [(&Val<f64>, &'static str); 11] {
        let (s, b, c) = (&self.class_shares, &self.burden, &self.conversion);
        [
            (&self.cap, "cap"),
            (&self.score_floor, "score_floor"),
            (&s.a, "class_shares.A"),
            (&s.b, "class_shares.B"),
            (&s.c, "class_shares.C"),
            (&self.weed_out_tax_per_mu, "weed_out_tax_per_mu"),
            (&b.energy_per_value_added, "burden.energy_per_value_added"),
            (
                &b.emissions_per_value_added,
                "burden.emissions_per_value_added",
            ),
            (&c.max_violations, "conversion.max_violations"),
            (&c.priority_base, "conversion.priority_base"),
            (&c.priority_per_point, "conversion.priority_per_point"),
        ]
    }

    /// Semantic checks after parsing; each error is located by a span in the file.
    pub(crate) fn check(&self, _ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        if !self.is_configured() {
            return errors;
        }
        let err = |errors: &mut Vec<SpanError>, span: &Range<usize>, key: &str, message: String| {
            errors.push(SpanError {
                span: span.clone(),
                key: format!("ranking.{key}"),
                message,
            })
        };
        // A key absent from the file has an empty span (and a default of 0).
        let mut missing = false;
        let c = &self.conversion;
        for (v, key) in self.scalars().into_iter().chain([(
            &c.certified_priority_floor,
            "conversion.certified_priority_floor",
        )]) {
            if v.span.is_empty() {
                err(
                    &mut errors,
                    &v.span,
                    key,
                    "required in a [ranking] section that lists indicators, but missing".into(),
                );
                missing = true;
            }
        }
        if c.target_pollution_class.is_none() {
            err(&mut errors, &(0..0), "conversion.target_pollution_class", "required in a [ranking] section that lists indicators, but missing (e.g. \"light\")".into());
        }
        if missing {
            return errors;
        }
        let positive = |x: f64| x.is_finite() && x > 0.0;
        for (v, key) in self.scalars() {
            let ok = match key {
                "cap" => positive(v.value),
                "score_floor" => v.value.is_finite(),
                k if k.starts_with("class_shares") => (0.0..=1.0).contains(&v.value),
                _ => v.value.is_finite() && v.value >= 0.0,
            };
            if !ok {
                let expected = match key {
                    "cap" => "a positive number",
                    "score_floor" => "a finite number",
                    k if k.starts_with("class_shares") => "a share between 0 and 1",
                    _ => "a number >= 0",
                };
                err(
                    &mut errors,
                    &v.span,
                    key,
                    format!("expected {expected}, got {}", v.value),
                );
            }
        }
        let s = &self.class_shares;
        if !(s.a.value <= s.b.value && s.b.value <= s.c.value) {
            err(
                &mut errors,
                &s.a.span,
                "class_shares",
                format!(
                    "shares are cumulative and must satisfy A <= B <= C, got A {}, B {}, C {}",
                    s.a.value, s.b.value, s.c.value
                ),
            );
        }
        let top = c.priority_base.value + c.priority_per_point.value * self.max_score();
        if top.partial_cmp(&c.certified_priority_floor.value) != Some(std::cmp::Ordering::Less) {
            err(
                &mut errors,
                &c.priority_per_point.span,
                "conversion.priority_per_point",
                format!(
                    "a converting enterprise could reach priority {top} (priority_base + priority_per_point x max score {}), \
                 not below certified_priority_floor {}: converting enterprises must rank below certified applicants",
                    self.max_score(),
                    c.certified_priority_floor.value
                ),
            );
        }
        let mut seen: Vec<Metric> = Vec::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            if seen.contains(&ind.metric.value) {
                err(
                    &mut errors,
                    &ind.metric.span,
                    &format!("indicators[{i}].metric"),
                    format!("metric {} is listed twice", ind.metric.value),
                );
            }
            seen.push(ind.metric.value);
            for (v, key) in [(&ind.weight, "weight"), (&ind.benchmark, "benchmark")] {
                if !positive(v.value) {
                    err(
                        &mut errors,
                        &v.span,
                        &format!("indicators[{i}].{key}"),
                        format!("expected a positive number, got {}", v.value),
                    );
                }
            }
        }
        errors
    }
}
