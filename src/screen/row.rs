//! An enterprise seen through the rule language's metric names: the row the compiled
//! admission expressions read, with ratios and derived metrics computed on the fly.

use crate::model::{Categorical, Enterprise};
use crate::rules::RuleSet;
use crate::rules::admission::{Derivation, m, metric};
use crate::rules::expr::{MetricId, Missing, Row, Value};

/// An enterprise seen through the metric names of the rule language.
pub(super) struct EntRow<'a> {
    pub(super) e: &'a Enterprise,
    pub(super) rules: &'a RuleSet,
}

fn num(v: Option<f64>, id: MetricId) -> Value<'static> {
    match v {
        Some(x) => Value::Num(x),
        None => Value::Missing(Missing::NotReported(id)),
    }
}

impl EntRow<'_> {
    pub(super) fn column(&self, id: MetricId) -> Option<f64> {
        let e = self.e;
        match id {
            m::LON => e.lon,
            m::LAT => e.lat,
            m::CATALOGUE_PRODUCTS => e.catalogue_products,
            m::REVENUE => e.revenue_10k_yuan,
            m::RD_EXPENSE => e.rd_expense_10k_yuan,
            m::HIGHTECH_REVENUE => e.hightech_revenue_10k_yuan,
            m::STAFF => e.staff,
            m::RD_STAFF => e.rd_staff,
            m::IP_COUNT => e.ip_count,
            m::VALUE_ADDED => e.value_added_10k_yuan,
            m::TAX => e.tax_10k_yuan,
            m::LAND_MU => e.land_mu,
            m::ENERGY_TCE => e.energy_tce,
            m::COD_T => e.cod_t,
            m::NH3N_T => e.nh3n_t,
            m::SO2_T => e.so2_t,
            m::NOX_T => e.nox_t,
            m::VIOLATIONS => e.violations,
            m::REQUESTED_MU => e.requested_mu,
            m::PLANNED_INVESTMENT => e.planned_investment_10k_yuan,
            m::PLANNED_FAR => e.planned_far,
            _ => None,
        }
    }
}

impl Row for EntRow<'_> {
    fn metric(&self, id: MetricId) -> Value<'_> {
        let e = self.e;
        let missing = Value::Missing(Missing::NotReported(id));
        match id {
            m::ID => Value::Str(&e.id),
            m::NAME => Value::Str(&e.name),
            m::INDUSTRY_CODE => e
                .industry_code
                .as_ref()
                .map_or(missing, |c| Value::Str(c.as_str())),
            m::HIGHTECH_LEVEL => e.hightech_level.map_or(missing, |l| Value::Str(l.name())),
            m::CERT_EXPIRY => e.cert_expiry.map_or(missing, Value::Date),
            m::POLLUTION_CLASS => e.pollution_class.map_or(missing, |c| Value::Str(c.name())),
            m::WILLING_TO_CONVERT => e.willing_to_convert.map_or(missing, Value::Bool),
            m::EMISSIONS_T => match (e.cod_t, e.nh3n_t, e.so2_t, e.nox_t) {
                (Some(a), Some(b), Some(c), Some(d)) => Value::Num(a + b + c + d),
                (None, ..) => Value::Missing(Missing::NotReported(m::COD_T)),
                (_, None, ..) => Value::Missing(Missing::NotReported(m::NH3N_T)),
                (_, _, None, _) => Value::Missing(Missing::NotReported(m::SO2_T)),
                _ => Value::Missing(Missing::NotReported(m::NOX_T)),
            },
            m::MIN_FAR => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => self
                    .rules
                    .admission
                    .min_far
                    .of(c)
                    .map_or(Value::Missing(Missing::NotReported(m::MIN_FAR)), Value::Num),
            },
            m::CLUSTER => match &e.industry_code {
                None => Value::Missing(Missing::NotReported(m::INDUSTRY_CODE)),
                Some(c) => Value::Str(self.rules.clusters.cluster_of(c)),
            },
            _ => match metric(id).derivation {
                Derivation::Ratio { num: n, den: d, .. } => {
                    match (self.column(n), self.column(d)) {
                        (None, _) => Value::Missing(Missing::NotReported(n)),
                        (_, None) => Value::Missing(Missing::NotReported(d)),
                        (Some(_), Some(0.0)) => Value::Missing(Missing::NotComputable(id)),
                        // A ratio that overflows (1e300 / 1e-300) is not computable either:
                        // an infinite value must never pass a test.
                        (Some(x), Some(y)) if !(x / y).is_finite() => {
                            Value::Missing(Missing::OutOfRange(id))
                        }
                        (Some(x), Some(y)) => Value::Num(x / y),
                    }
                }
                _ => num(self.column(id), id),
            },
        }
    }
}
