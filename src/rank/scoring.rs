//! Scoring one enterprise: its indicators against the rule set's benchmarks (capped, weighted)
//! and its energy and pollution intensities with the burden index that orders relocation.

use crate::model::Enterprise;
use crate::rules::ranking::{Metric, RankingRules, ZeroDenominator};
use serde::Serialize;

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

fn burden_json<S: serde::Serializer>(b: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match b {
        Some(x) if x.is_infinite() => s.serialize_str("inf"),
        Some(x) => s.serialize_f64(*x),
        None => s.serialize_none(),
    }
}

/// Compute one enterprise's indicators; `Err(reason)` when it cannot be rated.
pub(super) fn indicators(
    e: &Enterprise,
    rules: &RankingRules,
) -> Result<Vec<IndicatorScore>, String> {
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
