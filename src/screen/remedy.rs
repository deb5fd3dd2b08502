//! "What it would take": the smallest change that makes a failed test pass, in the test's own
//! units (rounded up to a whole step of the unit), for the trace's `remedy`.
//!
//! A remedy is typed ([`Remedy`]: the metric, the amount and its unit, the target) and rendered
//! per language from the message catalogue's `[remedy]` area: English exactly as the JSON and
//! CSV outputs have always written it (`R&D expense +38.5 (10k yuan) to reach 5.0% of
//! revenue`), Chinese for the report (`研发费用增加38.5万元，使其达到营业收入的5.0%`).

use super::format::{Val, atom_unit, fmt_num, op_text};
use super::row::EntRow;
use crate::i18n::{self, Lang};
use crate::metrics::{Derivation, Unit, m, metric};
use crate::rules::expr::{Atom, AtomOp, MetricId, Missing, Value};
use chrono::NaiveDate;

/// Round a needed change up to a whole step, so the rounded change passes.
fn round_up(delta: f64, step: f64, strict: bool) -> f64 {
    let k = (delta / step - 1e-9).ceil().max(0.0);
    let mut r = k * step;
    if strict && (r - delta).abs() <= 1e-9 * delta.abs().max(step) {
        r += step;
    }
    r
}

/// A change rounded to its step, with as many decimals as the step has (scientific notation
/// for an absurdly large one).
fn fmt_step(v: f64, step: f64) -> String {
    if let Some(s) = super::format::fmt_huge(v) {
        s
    } else if step >= 1.0 {
        format!("{v:.0}")
    } else if step >= 0.1 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// The unit after a change: English ` (10k yuan)`, Chinese `万元`; none for counts in English,
/// ratios and the like.
fn unit_suffix(lang: Lang, u: Unit) -> String {
    match (lang, u) {
        (_, Unit::Far | Unit::None | Unit::Ratio | Unit::Degrees) => String::new(),
        (Lang::Zh, u) => u.zh().to_string(),
        (_, Unit::Count) => String::new(),
        (_, u) => format!(" ({})", u.en()),
    }
}

/// A metric's label in one language.
fn label(lang: Lang, id: MetricId) -> String {
    lang.pick(metric(id).zh, metric(id).en)
}

/// What a test is about: a metric, or the expression's left side as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Metric(MetricId),
    Text(String),
}

impl Subject {
    fn of(a: &Atom) -> Subject {
        a.lhs_metric
            .map_or(Subject::Text(a.lhs_text.clone()), Subject::Metric)
    }
    fn render(&self, lang: Lang) -> String {
        match self {
            Subject::Metric(id) => label(lang, *id),
            Subject::Text(t) => t.clone(),
        }
    }
}

/// The value a failed test must reach, and the metric it comes from when the threshold is a
/// metric (`planned_far >= min_far`).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub value: Val,
    pub metric: Option<MetricId>,
}

impl Target {
    fn render(&self, lang: Lang) -> String {
        let v = self.value.render(lang);
        match (self.metric, lang) {
            (Some(id), Lang::Zh) => format!("{v}（{}）", metric(id).zh),
            (Some(id), _) => format!("{v} ({})", metric(id).en),
            (None, _) => v,
        }
    }
}

/// A change by a rounded amount: the amount, the step it was rounded to, and its direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub amount: f64,
    pub step: f64,
    /// `true`: the value must rise.
    pub up: bool,
}

impl Step {
    fn args(&self, lang: Lang) -> [(&'static str, String); 3] {
        let dir = if self.up { "remedy.up" } else { "remedy.down" };
        [
            ("sign", if self.up { "+" } else { "-" }.to_string()),
            ("change", i18n::text(lang, dir)),
            ("amount", fmt_step(self.amount, self.step)),
        ]
    }
}

/// What it would take to pass one failed test (or to decide one that could not be decided).
#[derive(Debug, Clone, PartialEq)]
pub enum Remedy {
    /// A metric moved by an amount: `planned investment +1000.0 (10k yuan) to reach 300 ...`.
    Metric {
        metric: MetricId,
        unit: Unit,
        change: Step,
        target: Target,
    },
    /// A ratio's numerator moved (`share`: the ratio is a share of the denominator; else the
    /// denominator's value is named), and, where the applicant controls the denominator, the
    /// cut in it that would do as well.
    Ratio {
        num: MetricId,
        den: MetricId,
        den_value: f64,
        share: bool,
        change: Step,
        target: Target,
        /// The denominator's cut and its step.
        cut: Option<(f64, f64)>,
    },
    /// `threshold x denominator` overflows: no amount can be named.
    RatioOverflow {
        num: MetricId,
        den: MetricId,
        den_value: f64,
        target: Target,
    },
    /// A number that must (`equal`) or must not equal another: `violations is 1: must be 0`.
    Equal {
        subject: Subject,
        value: f64,
        threshold: f64,
        equal: bool,
    },
    /// A test on an expression, not a bare metric: `` `a + b` is 3: must be >= 4 ``.
    Expr {
        text: String,
        value: Val,
        op: AtomOp,
        target: Target,
    },
    /// The certificate expired before the evaluation date.
    CertExpired { expired: NaiveDate, date: NaiveDate },
    /// Any other date out of its bound.
    Date {
        subject: Subject,
        value: NaiveDate,
        op: AtomOp,
        bound: NaiveDate,
    },
    /// A text value (a code, a class, a level) that must (not) be one of a list or a value.
    Text {
        subject: Subject,
        value: String,
        op: AtomOp,
        list: Vec<String>,
        rhs: Val,
    },
    /// An input is missing or unusable: report it.
    Report(Missing),
}

impl Remedy {
    /// The remedy in `lang` (`Both`: Chinese, then English).
    pub fn render(&self, lang: Lang) -> String {
        match lang {
            Lang::Both => format!("{} {}", self.render(Lang::Zh), self.render(Lang::En)),
            l => self.render_in(l),
        }
    }

    fn render_in(&self, lang: Lang) -> String {
        let fill = |key: &str, args: &[(&str, String)]| {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            i18n::fill(lang, key, &args)
        };
        let list = |l: &[String]| match lang {
            Lang::Zh => l
                .iter()
                .map(|x| i18n::name_of(lang, "category", x))
                .collect::<Vec<_>>()
                .join("、"),
            _ => l.join(", "),
        };
        match self {
            Remedy::Metric {
                metric,
                unit,
                change,
                target,
            } => {
                let mut args = change.args(lang).to_vec();
                args.extend([
                    ("metric", label(lang, *metric)),
                    ("unit", unit_suffix(lang, *unit)),
                    ("target", target.render(lang)),
                ]);
                fill("remedy.change", &args)
            }
            Remedy::Ratio {
                num,
                den,
                den_value,
                share,
                change,
                target,
                cut,
            } => {
                let mut args = change.args(lang).to_vec();
                args.extend([
                    ("metric", label(lang, *num)),
                    ("unit", unit_suffix(lang, metric(*num).unit)),
                    ("target", target.render(lang)),
                    ("den", label(lang, *den)),
                    ("den_value", fmt_num(*den_value)),
                    (
                        "den_unit",
                        lang.pick(metric(*den).unit.zh(), metric(*den).unit.en()),
                    ),
                ]);
                let key = if *share {
                    "remedy.ratio_share"
                } else {
                    "remedy.ratio_on"
                };
                let mut s = fill(key, &args);
                if let Some((c, step)) = cut {
                    s.push_str(&fill(
                        "remedy.ratio_cut",
                        &[
                            ("den", label(lang, *den)),
                            ("cut", fmt_step(*c, *step)),
                            ("unit", unit_suffix(lang, metric(*den).unit)),
                        ],
                    ));
                }
                s
            }
            Remedy::RatioOverflow {
                num,
                den,
                den_value,
                target,
            } => fill(
                "remedy.ratio_overflow",
                &[
                    ("metric", label(lang, *num)),
                    ("target", target.render(lang)),
                    ("den", label(lang, *den)),
                    ("den_value", fmt_num(*den_value)),
                ],
            ),
            Remedy::Equal {
                subject,
                value,
                threshold,
                equal,
            } => fill(
                if *equal {
                    "remedy.must_be"
                } else {
                    "remedy.must_not_be"
                },
                &[
                    ("subject", subject.render(lang)),
                    ("value", fmt_num(*value)),
                    ("threshold", fmt_num(*threshold)),
                ],
            ),
            Remedy::Expr {
                text,
                value,
                op,
                target,
            } => fill(
                "remedy.expr",
                &[
                    ("expr", text.clone()),
                    ("value", value.render(lang)),
                    ("op", op_in(lang, *op)),
                    ("target", target.render(lang)),
                ],
            ),
            Remedy::CertExpired { expired, date } => fill(
                "remedy.cert_expired",
                &[
                    ("expired", expired.format("%Y-%m-%d").to_string()),
                    ("date", date.format("%Y-%m-%d").to_string()),
                ],
            ),
            Remedy::Date {
                subject,
                value,
                op,
                bound,
            } => fill(
                "remedy.date_bound",
                &[
                    ("subject", subject.render(lang)),
                    ("value", value.format("%Y-%m-%d").to_string()),
                    ("op", op_in(lang, *op)),
                    ("bound", bound.format("%Y-%m-%d").to_string()),
                ],
            ),
            Remedy::Text {
                subject,
                value,
                op,
                list: l,
                rhs,
            } => {
                let key = match op {
                    AtomOp::In => "remedy.one_of",
                    AtomOp::NotIn => "remedy.not_one_of",
                    AtomOp::StartsWith => "remedy.outside",
                    AtomOp::Ne => "remedy.must_not_be",
                    _ => "remedy.must_be",
                };
                fill(
                    key,
                    &[
                        ("subject", subject.render(lang)),
                        ("value", Val::Str(value.clone()).render(lang)),
                        ("list", list(l)),
                        ("threshold", rhs.render(lang)),
                    ],
                )
            }
            Remedy::Report(why) => report_remedy(lang, why),
        }
    }
}

/// A comparison as the English text has always written it (`>=`), in Chinese in words.
fn op_in(lang: Lang, op: AtomOp) -> String {
    match lang {
        Lang::Zh => op_text(lang, op),
        _ => op.symbol().to_string(),
    }
}

/// What to report when an input is missing or unusable.
fn report_remedy(lang: Lang, why: &Missing) -> String {
    let f = |key: &str, args: &[(&str, &str)]| i18n::fill(lang, key, args);
    match why {
        Missing::NotReported(id) => {
            let d = metric(*id);
            f(
                "remedy.report",
                &[("en", d.en), ("zh", d.zh), ("name", d.name)],
            )
        }
        Missing::NotComputable(id) => match metric(*id).derivation {
            Derivation::Ratio { den, .. } => f(
                "remedy.report_nonzero",
                &[("den", &label(lang, den)), ("name", metric(den).name)],
            ),
            _ => i18n::text(lang, "remedy.report_inputs"),
        },
        Missing::DivisionByZero(_) => i18n::text(lang, "remedy.report_nonzero_inputs"),
        Missing::OutOfRange(id) => f("remedy.check_inputs", &[("name", metric(*id).name)]),
    }
}

/// The smallest change that makes a failed test pass, in the test's own units.
pub(super) fn remedy(a: &Atom, lhs: &Value, rhs: &Value, row: &EntRow) -> Option<Remedy> {
    match (lhs, rhs, a.op) {
        (
            Value::Num(v),
            Value::Num(t),
            op @ (AtomOp::Ge | AtomOp::Gt | AtomOp::Le | AtomOp::Lt),
        ) => ordering_remedy(a, *v, *t, op, rhs, row),
        (Value::Num(v), Value::Num(t), AtomOp::Eq | AtomOp::Ne) => Some(Remedy::Equal {
            subject: Subject::of(a),
            value: *v,
            threshold: *t,
            equal: a.op == AtomOp::Eq,
        }),
        (Value::Date(d), Value::Date(t), op) => Some(date_remedy(a, *d, *t, op)),
        (Value::Str(s), _, op) => Some(Remedy::Text {
            subject: Subject::of(a),
            value: s.to_string(),
            op,
            list: a.list.clone(),
            rhs: Val::of(rhs, None),
        }),
        (Value::Bool(b), _, _) => Some(Remedy::Expr {
            text: a.lhs_text.clone(),
            value: Val::Bool(*b),
            op: a.op,
            target: Target {
                value: Val::of(rhs, None),
                metric: None,
            },
        }),
        _ => None,
    }
}

/// A failed `>=`, `>`, `<=` or `<` test on numbers: how much the measured metric (or, for a
/// ratio, its numerator or denominator) must change.
fn ordering_remedy(
    a: &Atom,
    v: f64,
    t: f64,
    op: AtomOp,
    rhs: &Value,
    row: &EntRow,
) -> Option<Remedy> {
    let target = match a.rhs_metric {
        Some(id) => Target {
            value: Val::of(rhs, Some(metric(id).unit)),
            metric: Some(id),
        },
        None => Target {
            value: Val::of(rhs, atom_unit(a)),
            metric: None,
        },
    };
    let Some(id) = a.lhs_metric else {
        return Some(Remedy::Expr {
            text: a.lhs_text.clone(),
            value: Val::Num(v, None),
            op,
            target,
        });
    };
    let up = matches!(op, AtomOp::Ge | AtomOp::Gt);
    let strict = matches!(op, AtomOp::Gt | AtomOp::Lt);
    let def = metric(id);
    if let Derivation::Ratio {
        num,
        den,
        den_lever,
        ..
    } = def.derivation
    {
        return ratio_remedy(def.unit, num, den, den_lever, t, up, strict, target, row);
    }
    let u = def.unit;
    Some(Remedy::Metric {
        metric: id,
        unit: u,
        change: Step {
            amount: round_up((t - v).abs(), u.step(), strict),
            step: u.step(),
            up,
        },
        target,
    })
}

/// A ratio short of its threshold `t`: the change in its numerator that meets it, and for a
/// ratio whose denominator is a lever (`den_lever`) the cut in the denominator that would too.
/// `None` when the row lacks either input.
#[allow(clippy::too_many_arguments)]
fn ratio_remedy(
    unit: Unit,
    num: MetricId,
    den: MetricId,
    den_lever: bool,
    t: f64,
    up: bool,
    strict: bool,
    target: Target,
    row: &EntRow,
) -> Option<Remedy> {
    let (n, d) = (row.column(num)?, row.column(den)?);
    let need = (t * d - n).abs();
    let nu = metric(num).unit;
    let step = round_up(need, nu.step(), strict);
    if !step.is_finite() {
        return Some(Remedy::RatioOverflow {
            num,
            den,
            den_value: d,
            target,
        });
    }
    let mut cut = None;
    if den_lever && up && t > 0.0 {
        let du = metric(den).unit;
        let c = round_up(d - n / t, du.step(), strict);
        if c > 0.0 && c < d {
            cut = Some((c, du.step()));
        }
    }
    Some(Remedy::Ratio {
        num,
        den,
        den_value: d,
        share: unit == Unit::Ratio,
        change: Step {
            amount: step,
            step: nu.step(),
            up,
        },
        target,
        cut,
    })
}

/// A failed test on dates: an expired certificate reads as such, any other date as the bound
/// it must meet.
fn date_remedy(a: &Atom, d: NaiveDate, t: NaiveDate, op: AtomOp) -> Remedy {
    if a.lhs_metric == Some(m::CERT_EXPIRY) && matches!(op, AtomOp::Ge | AtomOp::Gt) {
        Remedy::CertExpired {
            expired: d,
            date: t,
        }
    } else {
        Remedy::Date {
            subject: Subject::of(a),
            value: d,
            op,
            bound: t,
        }
    }
}
