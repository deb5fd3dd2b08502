//! The `[ranking]` section: the Zhejiang per-mu benefit evaluation of urban enterprises.
//!
//! An evaluation has *tracks* (`[[ranking.track]]`): enterprises above designated size (规上)
//! and below it (规下) are rated on different indicators with different class shares, and some
//! (very little land) are listed apart. Each track's condition (`when`, in the rule language),
//! indicators, weights, benchmarks, cap and class shares, what a missing input does, the
//! weed-out line, the burden coefficients and the conversion criteria are all data here; the
//! ranking stage ([`crate::rank`]) only knows how to compute each named metric.

use super::admission::file_offset;
use super::expr::{Program, Ty};
use super::{CheckContext, SpanError};
use crate::metrics::{self, Derivation, MetricId, ZeroDenominator, m, metric};
use crate::model::{Enterprise, PollutionClass};
use serde::{Deserialize, Deserializer, Serialize};
use std::ops::Range;
use toml::Spanned;

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

/// What an indicator scores when one of its inputs is not reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingInput {
    /// The enterprise is not rated, the missing input named as the reason (the default).
    #[default]
    NotRated,
    /// The average points of the indicator among the track's rated enterprises that report it
    /// (Huangyan's rule for emissions data).
    Average,
    /// No points.
    Zero,
}

impl MissingInput {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingInput::NotRated => "not_rated",
            MissingInput::Average => "average",
            MissingInput::Zero => "zero",
        }
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
    /// What an input not reported does.
    #[serde(default)]
    pub missing: MissingInput,
    /// The document the weight and benchmark come from, when it is not the track's.
    #[serde(default)]
    pub source: Option<String>,
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

/// One evaluation track (`[[ranking.track]]`): which enterprises it takes, and how it rates
/// them (or, `listed_apart`, that it lists them apart without rating them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Track {
    /// Stable id, written in every output's `track` field.
    pub id: Val<String>,
    /// Bilingual label for tables and charts.
    #[serde(default)]
    pub name: String,
    /// The document the track follows.
    #[serde(default)]
    pub source: Option<String>,
    /// The enterprises it takes (rule language); absent: every enterprise that reaches it. An
    /// enterprise takes the first track whose condition holds.
    #[serde(default)]
    pub when: Option<Spanned<String>>,
    /// Lists its enterprises apart, unrated and outside every track's shares.
    #[serde(default)]
    pub listed_apart: bool,
    /// The most one indicator's ratio to its benchmark may count (2: twice its weight).
    #[serde(default)]
    pub cap: Val<f64>,
    /// The lowest score (scores below are raised to it).
    #[serde(default)]
    pub score_floor: Val<f64>,
    #[serde(default)]
    pub class_shares: ClassShares,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// `when`, compiled by the loader.
    #[serde(skip)]
    condition: Option<Program>,
}

impl Track {
    /// The id, for outputs.
    pub fn id(&self) -> &str {
        &self.id.value
    }

    /// The label, or the id when the rule file gives none.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            self.id()
        } else {
            &self.name
        }
    }

    /// The condition as written (`None`: every enterprise that reaches the track).
    pub fn when_text(&self) -> Option<&str> {
        self.when.as_ref().map(|w| w.get_ref().as_str())
    }

    /// The compiled condition; `None` when the track has none (or the file was not loaded).
    pub fn condition(&self) -> Option<&Program> {
        self.condition.as_ref()
    }

    /// Whether the track rates its enterprises (it has indicators and is not listed apart).
    pub fn rates(&self) -> bool {
        !self.listed_apart && !self.indicators.is_empty()
    }

    /// The highest score possible on the track: every indicator at the cap.
    pub fn max_score(&self) -> f64 {
        self.indicators
            .iter()
            .map(|i| i.weight.value * self.cap.value)
            .sum()
    }

    /// The indicator of `metric`, if the track scores it.
    pub fn indicator(&self, metric: Metric) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.metric.value == metric)
    }
}

/// The pollution-and-energy burden: `energy/value_added x energy + emissions/value_added x emissions`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BurdenCoefficients {
    /// Multiplies tce per 10k yuan of value added.
    pub energy_per_value_added: Val<f64>,
    /// Multiplies tonnes of the four pollutants per 10k yuan of value added.
    pub emissions_per_value_added: Val<f64>,
    pub source: Option<String>,
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
    pub source: Option<String>,
}

/// The `[ranking]` section. Absent or without a rating track, it is empty and the ranking
/// stage rates nobody; with one, every key below is required (`check` names any missing one).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RankingRules {
    /// The document the evaluation follows.
    pub source: Option<String>,
    /// Wenzhou's weed-out line: tax per mu (10k yuan/mu) below this is class D whatever the
    /// score, on every track.
    pub weed_out_tax_per_mu: Val<f64>,
    pub burden: BurdenCoefficients,
    pub conversion: ConversionRules,
    /// The tracks, in the order enterprises are matched to them.
    #[serde(rename = "track")]
    pub tracks: Vec<Track>,
    /// How the robustness of each class is measured (`[ranking.robustness]`, defaults when
    /// absent).
    pub robustness: super::robustness::RobustnessRules,
}

impl RankingRules {
    /// Whether the section rates anyone: it has a track with indicators.
    pub fn is_configured(&self) -> bool {
        self.tracks.iter().any(Track::rates)
    }

    /// The highest score possible on any track.
    pub fn max_score(&self) -> f64 {
        self.tracks
            .iter()
            .filter(|t| t.rates())
            .map(Track::max_score)
            .fold(0.0, f64::max)
    }

    /// Every metric some track scores, in the order they first appear (the output columns).
    pub fn metrics(&self) -> Vec<Metric> {
        let mut out: Vec<Metric> = Vec::new();
        for ind in self.tracks.iter().flat_map(|t| &t.indicators) {
            if !out.contains(&ind.metric.value) {
                out.push(ind.metric.value);
            }
        }
        out
    }

    /// Every scalar key of the section (not of its tracks) with its dotted name.
    fn scalars(&self) -> [(&Val<f64>, &'static str); 7] {
        let (b, c) = (&self.burden, &self.conversion);
        [
            (&self.weed_out_tax_per_mu, "weed_out_tax_per_mu"),
            (&b.energy_per_value_added, "burden.energy_per_value_added"),
            (
                &b.emissions_per_value_added,
                "burden.emissions_per_value_added",
            ),
            (&c.max_violations, "conversion.max_violations"),
            (&c.priority_base, "conversion.priority_base"),
            (&c.priority_per_point, "conversion.priority_per_point"),
            (
                &c.certified_priority_floor,
                "conversion.certified_priority_floor",
            ),
        ]
    }

    /// Semantic checks after parsing, and the tracks' conditions compiled; each error is
    /// located by a span in the file.
    pub(crate) fn check(&mut self, ctx: &CheckContext) -> Vec<SpanError> {
        let mut errors = Vec::new();
        if !self.is_configured() {
            if !self.tracks.is_empty() {
                errors.push(span_error(
                    &(0..0),
                    "track",
                    "no track rates anyone: give a track `indicators` (and leave `listed_apart` off)"
                        .into(),
                ));
            }
            return errors;
        }
        if self.check_section(&mut errors) {
            return errors;
        }
        errors.extend(self.robustness.check());
        let mut ids: Vec<&str> = Vec::new();
        for (i, t) in self.tracks.iter().enumerate() {
            let id = t.id();
            if id.trim().is_empty() {
                errors.push(span_error(
                    &t.id.span,
                    &format!("track[{i}].id"),
                    "a track needs a non-empty id".into(),
                ));
            } else if ids.contains(&id) {
                errors.push(span_error(
                    &t.id.span,
                    &format!("track.{id}.id"),
                    format!("track id {id:?} appears twice"),
                ));
            }
            ids.push(id);
            if let Some(earlier) = self.tracks[..i].iter().find(|e| e.when.is_none()) {
                errors.push(span_error(
                    &t.id.span,
                    &format!("track.{id}"),
                    format!(
                        "track {id:?} can never apply: track {:?} before it has no `when`, so it takes every enterprise left",
                        earlier.id()
                    ),
                ));
            }
            if t.listed_apart {
                check_listed_apart(t, &mut errors);
            } else {
                check_rating_track(t, &mut errors);
            }
        }
        let conditions: Vec<Option<Program>> = self
            .tracks
            .iter()
            .map(|t| compile_condition(t, ctx, &mut errors))
            .collect();
        self.check_conversion_priority(&mut errors);
        if errors.is_empty() {
            for (t, c) in self.tracks.iter_mut().zip(conditions) {
                t.condition = c;
            }
        }
        errors
    }

    /// The section's own keys: present, and in range. True when one is missing (the other
    /// checks would only add noise).
    fn check_section(&self, errors: &mut Vec<SpanError>) -> bool {
        let mut missing = false;
        for (v, key) in self.scalars() {
            if v.span.is_empty() {
                errors.push(span_error(
                    &v.span,
                    key,
                    "required in a [ranking] section that has tracks, but missing".into(),
                ));
                missing = true;
            } else if !(v.value.is_finite() && v.value >= 0.0) {
                errors.push(span_error(
                    &v.span,
                    key,
                    format!("expected a number >= 0, got {}", v.value),
                ));
            }
        }
        if self.conversion.target_pollution_class.is_none() {
            errors.push(span_error(
                &(0..0),
                "conversion.target_pollution_class",
                "required in a [ranking] section that has tracks, but missing (e.g. \"light\")"
                    .into(),
            ));
            missing = true;
        }
        missing
    }

    /// Converting enterprises must rank below certified applicants on every track.
    fn check_conversion_priority(&self, errors: &mut Vec<SpanError>) {
        let c = &self.conversion;
        let top = c.priority_base.value + c.priority_per_point.value * self.max_score();
        if top.partial_cmp(&c.certified_priority_floor.value) != Some(std::cmp::Ordering::Less) {
            errors.push(span_error(
                &c.priority_per_point.span,
                "conversion.priority_per_point",
                format!(
                    "a converting enterprise could reach priority {top} (priority_base + priority_per_point x max score {}), \
                 not below certified_priority_floor {}: converting enterprises must rank below certified applicants",
                    self.max_score(),
                    c.certified_priority_floor.value
                ),
            ));
        }
    }
}

/// An error about `ranking.{key}`, at `span`.
fn span_error(span: &Range<usize>, key: &str, message: String) -> SpanError {
    SpanError {
        span: span.clone(),
        key: format!("ranking.{key}"),
        message,
    }
}

/// A listed-apart track rates nobody, so it has nothing to rate with.
fn check_listed_apart(t: &Track, errors: &mut Vec<SpanError>) {
    let id = t.id();
    let s = &t.class_shares;
    let given = [
        (&t.cap, "cap"),
        (&t.score_floor, "score_floor"),
        (&s.a, "class_shares"),
        (&s.b, "class_shares"),
        (&s.c, "class_shares"),
    ];
    let mut keys: Vec<&str> = given
        .iter()
        .filter(|(v, _)| !v.span.is_empty())
        .map(|(_, k)| *k)
        .collect();
    keys.dedup();
    if !t.indicators.is_empty() {
        keys.push("indicators");
    }
    if !keys.is_empty() {
        errors.push(span_error(
            &t.id.span,
            &format!("track.{id}"),
            format!(
                "track {id:?} is listed apart (not rated), so it takes no {}",
                keys.join(", ")
            ),
        ));
    }
}

/// A rating track: indicators, cap, floor and shares given and in range.
fn check_rating_track(t: &Track, errors: &mut Vec<SpanError>) {
    let id = t.id();
    let key = |k: &str| format!("track.{id}.{k}");
    if t.indicators.is_empty() {
        errors.push(span_error(
            &t.id.span,
            &key("indicators"),
            format!("track {id:?} has no indicators ([[ranking.track.indicators]] tables after it); set `listed_apart = true` to list its enterprises apart"),
        ));
    }
    let s = &t.class_shares;
    let scalars = [
        (&t.cap, "cap", "a positive number"),
        (&t.score_floor, "score_floor", "a finite number"),
        (&s.a, "class_shares.A", "a share between 0 and 1"),
        (&s.b, "class_shares.B", "a share between 0 and 1"),
        (&s.c, "class_shares.C", "a share between 0 and 1"),
    ];
    let mut missing = false;
    for (v, k, expected) in scalars {
        let ok = match k {
            "cap" => v.value.is_finite() && v.value > 0.0,
            "score_floor" => v.value.is_finite(),
            _ => (0.0..=1.0).contains(&v.value),
        };
        if v.span.is_empty() {
            errors.push(span_error(
                &t.id.span,
                &key(k),
                format!("required in track {id:?}, but missing"),
            ));
            missing = true;
        } else if !ok {
            errors.push(span_error(
                &v.span,
                &key(k),
                format!("expected {expected}, got {}", v.value),
            ));
        }
    }
    let ordered = s.a.value <= s.b.value && s.b.value <= s.c.value;
    if !missing && !ordered {
        errors.push(span_error(
            &s.a.span,
            &key("class_shares"),
            format!(
                "shares are cumulative and must satisfy A <= B <= C, got A {}, B {}, C {}",
                s.a.value, s.b.value, s.c.value
            ),
        ));
    }
    let mut seen: Vec<Metric> = Vec::new();
    for (i, ind) in t.indicators.iter().enumerate() {
        if seen.contains(&ind.metric.value) {
            errors.push(span_error(
                &ind.metric.span,
                &key(&format!("indicators[{i}].metric")),
                format!(
                    "metric {} is listed twice in track {id:?}",
                    ind.metric.value
                ),
            ));
        }
        seen.push(ind.metric.value);
        for (v, k) in [(&ind.weight, "weight"), (&ind.benchmark, "benchmark")] {
            if !(v.value.is_finite() && v.value > 0.0) {
                errors.push(span_error(
                    &v.span,
                    &key(&format!("indicators[{i}].{k}")),
                    format!("expected a positive number, got {}", v.value),
                ));
            }
        }
    }
}

/// Compile a track's `when`; the ranking has no evaluation date, so `eval_date` is refused.
fn compile_condition(
    t: &Track,
    ctx: &CheckContext,
    errors: &mut Vec<SpanError>,
) -> Option<Program> {
    let w = t.when.as_ref()?;
    let key = format!("track.{}.when", t.id());
    let text = w.get_ref();
    if let Some(at) = find_word(text, "eval_date") {
        let at = file_offset(ctx.text, &w.span(), text, at);
        errors.push(span_error(
            &(at..at),
            &key,
            format!(
                "track {:?}: the ranking has no evaluation date, so `eval_date` cannot be used here",
                t.id()
            ),
        ));
        return None;
    }
    match Program::compile(text, &metrics::Catalogue, Ty::Bool) {
        Ok(p) => Some(p),
        Err(es) => {
            for e in es {
                let at = file_offset(ctx.text, &w.span(), text, e.span.start);
                errors.push(span_error(
                    &(at..at),
                    &key,
                    format!("track {:?}: {}", t.id(), e.message),
                ));
            }
            None
        }
    }
}

/// Byte offset of `word` in `text` as a whole identifier, if it occurs.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back().is_none_or(|c| !ident(c));
        let after = text[i + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !ident(c));
        before && after
    })
}
