//! An enterprise seen through the rule language's metric names: the row the compiled
//! admission expressions read, with ratios and derived metrics computed on the fly.

use crate::metrics::{Cell, Derivation, m, metric};
use crate::model::{Categorical, Enterprise};
use crate::rules::RuleSet;
use crate::rules::expr::{MetricId, Missing, Row, Value};

/// An enterprise seen through the metric names of the rule language.
pub(crate) struct EntRow<'a> {
    pub(crate) e: &'a Enterprise,
    pub(crate) rules: &'a RuleSet,
}

fn num(v: Option<f64>, id: MetricId) -> Value<'static> {
    match v {
        Some(x) => Value::Num(x),
        None => Value::Missing(Missing::NotReported(id)),
    }
}

impl EntRow<'_> {
    /// A numeric metric that needs no rule table (a number column, a sum or a ratio), or why
    /// it is missing.
    fn number(&self, id: MetricId) -> Result<f64, Missing> {
        match metric(id).derivation {
            Derivation::Column(_) => self.e.cell(id).number().ok_or(Missing::NotReported(id)),
            Derivation::Sum(parts) => {
                let mut total = 0.0;
                for &p in parts {
                    total += self.number(p)?;
                }
                Ok(total)
            }
            Derivation::Ratio { num, den, .. } => {
                let (x, y) = (self.number(num)?, self.number(den)?);
                if y == 0.0 {
                    Err(Missing::NotComputable(id))
                } else if !(x / y).is_finite() {
                    // A ratio that overflows (1e300 / 1e-300) is not computable either: an
                    // infinite value must never pass a test.
                    Err(Missing::OutOfRange(id))
                } else {
                    Ok(x / y)
                }
            }
            Derivation::MinFar | Derivation::Cluster => Err(Missing::NotReported(id)),
        }
    }

    /// The value of a numeric metric, `None` when missing (remedies work from it).
    pub(super) fn column(&self, id: MetricId) -> Option<f64> {
        self.number(id).ok()
    }
}

impl Row for EntRow<'_> {
    fn metric(&self, id: MetricId) -> Value<'_> {
        let e = self.e;
        let missing = Value::Missing(Missing::NotReported(id));
        match metric(id).derivation {
            Derivation::Column(_) => match e.cell(id) {
                Cell::Text(s) => Value::Str(s),
                Cell::Number(v) => num(v, id),
                Cell::IndustryCode(c) => c.map_or(missing, |c| Value::Str(c.as_str())),
                Cell::HightechLevel(l) => l.map_or(missing, |l| Value::Str(l.name())),
                Cell::Date(d) => d.map_or(missing, Value::Date),
                Cell::PollutionClass(c) => c.map_or(missing, |c| Value::Str(c.name())),
                Cell::Flag(b) => b.map_or(missing, Value::Bool),
                Cell::Derived => missing,
            },
            Derivation::MinFar => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => self
                    .rules
                    .admission
                    .min_far
                    .of(c)
                    .map_or(Value::Missing(Missing::NotReported(m::MIN_FAR)), Value::Num),
            },
            Derivation::Cluster => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => Value::Str(self.rules.clusters.cluster_of(c)),
            },
            Derivation::Sum(_) | Derivation::Ratio { .. } => match self.number(id) {
                Ok(x) => Value::Num(x),
                Err(why) => Value::Missing(why),
            },
        }
    }
}
