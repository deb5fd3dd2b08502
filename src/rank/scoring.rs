//! Scoring one enterprise: its indicators against its track's benchmarks (capped, weighted,
//! with the track's rule for inputs not reported) and its energy and pollution intensities
//! with the burden index that orders relocation.

use crate::metrics::{self, MetricId, ZeroDenominator, m};
use crate::model::Enterprise;
use crate::rules::ranking::{Metric, MissingInput, RankingRules, Track};
use serde::Serialize;

/// One indicator of one enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    pub metric: Metric,
    /// The computed value; `None` when its denominator is zero and it earns the cap (no
    /// energy use, no emissions), or when an input is not reported and `imputed` says what
    /// it scores instead.
    pub value: Option<f64>,
    /// `min(value / benchmark, cap)` (for an imputed indicator, `points / weight`).
    pub ratio: f64,
    /// `weight x ratio`.
    pub points: f64,
    /// An input was not reported and the indicator scores the track's average or zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imputed: Option<MissingInput>,
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

/// Compute one enterprise's indicators on `track`; `Err(reason)` when it cannot be rated.
/// An indicator whose input is not reported follows its `missing` rule: the enterprise is not
/// rated, or the indicator scores zero, or the track's average (filled in by the caller, once
/// every enterprise is scored: `points` is NaN until then).
pub(super) fn indicators(e: &Enterprise, track: &Track) -> Result<Vec<IndicatorScore>, String> {
    let mut missing: Vec<MetricId> = Vec::new();
    for ind in &track.indicators {
        if ind.missing == MissingInput::NotRated && ind.metric.value.parts(e).is_none() {
            for id in ind.metric.value.inputs() {
                if e.cell(id).number().is_none() && !missing.contains(&id) {
                    missing.push(id);
                }
            }
        }
    }
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|&id| metrics::metric(id).name).collect();
        return Err(format!("not reported: {}", names.join(", ")));
    }
    let cap = track.cap.value;
    let mut zero: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(track.indicators.len());
    for ind in &track.indicators {
        let metric = ind.metric.value;
        let Some((num, den)) = metric.parts(e) else {
            let (ratio, points) = match ind.missing {
                MissingInput::Zero => (0.0, 0.0),
                _ => (f64::NAN, f64::NAN),
            };
            out.push(IndicatorScore {
                metric,
                value: None,
                ratio,
                points,
                imputed: Some(ind.missing),
            });
            continue;
        };
        let (value, ratio) = if den == 0.0 {
            match metric.zero_denominator() {
                ZeroDenominator::Best => (None, cap),
                ZeroDenominator::NotComputable => {
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
            imputed: None,
        });
    }
    if !zero.is_empty() {
        return Err(format!("not computable: zero {}", zero.join(", ")));
    }
    Ok(out)
}

/// Energy and emission intensities and the burden, from whatever inputs are present.
pub fn intensity(e: &Enterprise, rules: &RankingRules) -> Intensity {
    let va = e.value_added_10k_yuan;
    let emissions = metrics::number(e, m::EMISSIONS_T);
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
