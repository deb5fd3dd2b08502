//! What each allocation decision rests on: the price of each constraint, each placed
//! enterprise's next-best parcel, and how irreplaceable each parcel in use is.
//!
//! - **Prices**: the objective gained when one constraint is relaxed by one step of
//!   `[allocation.sensitivity]` (a buffer `buffer_step_m` smaller; the land budget or a cluster's
//!   maximum `land_step_mu` larger, a cluster's minimum that much smaller; one more
//!   moderate-pollution place). Buffers are not rows of the model but filters on its pairs, and
//!   the MIP solver gives no duals, so every price is found by re-solving a copy of the problem
//!   with the relaxed rules (the plan's own result is never touched). A buffer no parcel lies
//!   within one step of has price 0 without a re-solve: relaxing it adds no pair.
//! - **Next best**: read from the feasible pairs, no re-solve.
//! - **Irreplaceability**: the optimum with the parcel taken away. In plot mode without side
//!   constraints that is the exact matching on the same pairs without the parcel's column, whose
//!   dual price (from the same matching) is a lower bound of the drop; otherwise a MIP re-solve
//!   with the parcel reserved.
//!
//! Re-solves are bounded: none above `max_pairs` feasible pairs, and at most `max_resolves`
//! MIP re-solves per plan; what is skipped says so.

use super::feasibility::WEIGHT_SCALE;
use super::matching::{Graph, max_weight_matching};
use super::{Allocation, Mode, Problem, allocate};
use crate::model::{Categorical, ParcelStatus, Park, PollutionClass};
use crate::rules::RuleSet;
use serde::Serialize;
use std::collections::BTreeMap;

/// The price of one constraint: what one step of relaxation gains.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Price {
    /// The rule key: `buffers_m.wetland.moderate`, `side.land_budget_mu`, `side.max_moderate`,
    /// `side.cluster_area_mu.electronics.max`.
    pub constraint: String,
    /// Its value in the rules and relaxed by one step.
    pub value: f64,
    pub relaxed: f64,
    /// `m`, `mu` or `places`.
    pub unit: &'static str,
    /// Objective (priority x fit) gained by the relaxation; `None` when not measured.
    pub gain: Option<f64>,
    /// `re-solve`, `no pair within one step` (0 without re-solving), or `skipped`.
    pub method: String,
    pub note: String,
}

/// A placed enterprise's best other parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextBest {
    pub enterprise_id: String,
    pub parcel_id: String,
    pub weight: f64,
    /// `None`: no other feasible parcel.
    pub next_parcel_id: Option<String>,
    pub next_weight: Option<f64>,
    /// `weight - next_weight`: what it would lose there.
    pub weight_lost: Option<f64>,
    /// Who holds the next-best parcel in the plan (first holder in block mode).
    pub next_held_by: Option<String>,
}

/// How much the optimum drops without one parcel in use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Irreplaceable {
    pub parcel_id: String,
    /// Its occupants in the plan, by id.
    pub enterprises: Vec<String>,
    /// Objective lost when the parcel is taken away (the others re-placed optimally).
    pub drop: Option<f64>,
    /// The exact matching's dual price of the parcel: a lower bound of `drop`.
    pub dual_price: Option<f64>,
    /// `matching`, `re-solve`, `locked` or `skipped`.
    pub method: String,
    pub note: String,
}

/// The allocation's sensitivity figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    pub objective: f64,
    /// Feasible pairs of the problem (the size the re-solve limit reads).
    pub pairs: usize,
    pub max_pairs: usize,
    /// Why no re-solve was made, when none was.
    pub skipped: Option<String>,
    /// Re-solves made (matching ones included).
    pub resolves: usize,
    pub prices: Vec<Price>,
    pub next_best: Vec<NextBest>,
    pub parcels: Vec<Irreplaceable>,
}

/// The sensitivity of `a`, the allocation of `p`.
pub fn sensitivity(p: &Problem, a: &Allocation) -> Sensitivity {
    let sr = &p.rules.allocation.sensitivity;
    let pairs = a.feasible.len();
    let skipped = (pairs > sr.max_pairs).then(|| {
        format!(
            "{pairs} feasible pairs, above allocation.sensitivity.max_pairs = {}: no re-solve",
            sr.max_pairs
        )
    });
    let mut s = Sensitivity {
        objective: a.objective,
        pairs,
        max_pairs: sr.max_pairs,
        skipped: skipped.clone(),
        resolves: 0,
        prices: Vec::new(),
        next_best: next_best(p, a),
        parcels: Vec::new(),
    };
    let mut budget = Budget {
        left: sr.max_resolves,
        max: sr.max_resolves,
        skipped,
        mip: a.mode == Mode::Blocks || p.rules.allocation.side.needs_mip(),
        made: 0,
    };
    s.prices = prices(p, a, &mut budget);
    s.parcels = irreplaceability(p, a, &mut budget);
    s.resolves = budget.made;
    s
}

/// What re-solves may still be made.
struct Budget {
    /// MIP re-solves left, of `max`.
    left: usize,
    max: usize,
    /// Why none may be made at all.
    skipped: Option<String>,
    /// Whether a re-solve is a MIP.
    mip: bool,
    made: usize,
}

impl Budget {
    /// Take one re-solve, or say why not.
    fn take(&mut self) -> Result<(), String> {
        if let Some(s) = &self.skipped {
            return Err(s.clone());
        }
        if self.mip {
            if self.left == 0 {
                return Err(match self.max {
                    0 => "MIP re-solves are off (allocation.sensitivity.max_resolves = 0; each may take up to time_limit_s)".into(),
                    n => format!("allocation.sensitivity.max_resolves = {n} reached"),
                });
            }
            self.left -= 1;
        }
        self.made += 1;
        Ok(())
    }
}

/// The objective in weight units of the allocation's placements.
fn units(a: &Allocation) -> i64 {
    a.assignments.iter().map(|x| x.weight_units).sum()
}

/// The objective gained (in weights) when `p` is solved with `rules` on `park` instead.
fn gain(
    p: &Problem,
    a: &Allocation,
    rules: &RuleSet,
    park: &Park,
) -> Result<(f64, String), String> {
    let q = Problem::new(park, p.candidates, rules, p.mode)
        .planned_far(p.planned_far.clone())
        .listing(p.max_listed_pairs, p.first_listed);
    let b = allocate(&q).map_err(|e| format!("re-solve failed: {e}"))?;
    let note = match (a.gap, b.gap) {
        (0.0, 0.0) => String::new(),
        (g, h) => format!("MIP gaps {g:.1e} and {h:.1e}: a difference within them is noise"),
    };
    Ok(((units(&b) - units(a)) as f64 / WEIGHT_SCALE, note))
}

fn price(constraint: String, value: f64, relaxed: f64, unit: &'static str) -> Price {
    Price {
        constraint,
        value,
        relaxed,
        unit,
        gain: None,
        method: String::new(),
        note: String::new(),
    }
}

/// Re-solve with `rules` and fill the price, or say why not.
fn measure(mut pr: Price, p: &Problem, a: &Allocation, rules: &RuleSet, b: &mut Budget) -> Price {
    match b.take().and_then(|_| gain(p, a, rules, p.park)) {
        Ok((g, note)) => {
            pr.gain = Some(g);
            pr.method = "re-solve".into();
            pr.note = note;
        }
        Err(why) => {
            pr.method = "skipped".into();
            pr.note = why;
        }
    }
    pr
}

/// Every side constraint's price, then every buffer's.
fn prices(p: &Problem, a: &Allocation, b: &mut Budget) -> Vec<Price> {
    let rules = p.rules;
    let sr = &rules.allocation.sensitivity;
    let mut out = Vec::new();
    let side = &rules.allocation.side;
    if let Some(budget) = side.land_budget_mu {
        let relaxed = budget + sr.land_step_mu;
        let mut r = rules.clone();
        r.allocation.side.land_budget_mu = Some(relaxed);
        let pr = price("side.land_budget_mu".into(), budget, relaxed, "mu");
        out.push(measure(pr, p, a, &r, b));
    }
    if let Some(n) = side.max_moderate {
        let mut r = rules.clone();
        r.allocation.side.max_moderate = Some(n + 1);
        let pr = price(
            "side.max_moderate".into(),
            n.into(),
            f64::from(n) + 1.0,
            "places",
        );
        let pr = if p
            .candidates
            .iter()
            .any(|c| c.pollution_class == PollutionClass::Moderate)
        {
            measure(pr, p, a, &r, b)
        } else {
            Price {
                gain: Some(0.0),
                method: "no pair within one step".into(),
                note: "no moderate candidate".into(),
                ..pr
            }
        };
        out.push(pr);
    }
    for (cluster, range) in &side.cluster_area_mu {
        let bounds = [
            ("max", range.max, range.max.map(|m| m + sr.land_step_mu)),
            (
                "min",
                range.min,
                range.min.map(|m| (m - sr.land_step_mu).max(0.0)),
            ),
        ];
        for (end, value, relaxed) in bounds {
            let (Some(v), Some(x)) = (value, relaxed) else {
                continue;
            };
            let mut r = rules.clone();
            if let Some(rg) = r.allocation.side.cluster_area_mu.get_mut(cluster) {
                if end == "max" {
                    rg.max = Some(x);
                } else {
                    rg.min = Some(x);
                }
            }
            let pr = price(format!("side.cluster_area_mu.{cluster}.{end}"), v, x, "mu");
            out.push(measure(pr, p, a, &r, b));
        }
    }
    out.extend(buffer_prices(p, a, b));
    out
}

/// Each buffer's price (after the side constraints', so a small `max_resolves` prices those first).
fn buffer_prices(p: &Problem, a: &Allocation, b: &mut Budget) -> Vec<Price> {
    let rules = p.rules;
    let sr = &rules.allocation.sensitivity;
    let mut out = Vec::new();
    // The allocation's distances say which buffers any parcel lies near; above the size bound
    // no buffer is priced.
    let measured = b.skipped.is_none().then_some(&a.nearest);
    for (kind, per_class) in &rules.allocation.buffers_m {
        for (&class, &d) in per_class {
            let relaxed = (d - sr.buffer_step_m).max(0.0);
            let mut pr = price(
                format!("buffers_m.{kind}.{}", class.name()),
                d,
                relaxed,
                "m",
            );
            let Some(nearest) = measured else {
                pr.method = "skipped".into();
                pr.note = b.skipped.clone().unwrap_or_default();
                out.push(pr);
                continue;
            };
            if d <= 0.0 {
                pr.method = "skipped".into();
                pr.note = "already 0 m".into();
                out.push(pr);
                continue;
            }
            let k = a.kinds.iter().position(|x| x == kind);
            // Widened a little past the feasibility tolerance: a parcel near either end of the
            // band is re-solved rather than assumed away.
            let (lo, hi) = (relaxed * (1.0 - 1e-6) - 1e-3, d * (1.0 + 1e-6) + 1e-3);
            let in_band = k.is_some_and(|k| {
                nearest.iter().any(|n| {
                    n[k].as_ref()
                        .is_some_and(|n| n.distance_m >= lo && n.distance_m < hi)
                })
            });
            let has_class = p.candidates.iter().any(|c| c.pollution_class == class);
            if !in_band || !has_class {
                pr.gain = Some(0.0);
                pr.method = "no pair within one step".into();
                pr.note = if has_class {
                    format!("no parcel lies {relaxed} to {d} m from a {kind} area")
                } else {
                    format!("no {} candidate", class.name())
                };
                out.push(pr);
                continue;
            }
            let mut r = rules.clone();
            if let Some(m) = r.allocation.buffers_m.get_mut(kind) {
                m.insert(class, relaxed);
            }
            out.push(measure(pr, p, a, &r, b));
        }
    }
    out
}

/// Each placed enterprise's best other feasible parcel (ties by parcel id).
fn next_best(p: &Problem, a: &Allocation) -> Vec<NextBest> {
    let parcels = &p.park.parcels;
    let mut holder: BTreeMap<usize, &str> = BTreeMap::new();
    for x in &a.assignments {
        holder.entry(x.parcel).or_insert(&x.enterprise_id);
    }
    use rayon::prelude::*;
    a.assignments
        .par_iter()
        .map(|x| {
            // The first of `best_first`'s order other than its own parcel, found in one pass.
            let next = a
                .feasible
                .row(x.candidate)
                .iter()
                .copied()
                .filter(|&(j, _)| j as usize != x.parcel)
                .min_by(|a, b| {
                    b.1.cmp(&a.1)
                        .then(parcels[a.0 as usize].id.cmp(&parcels[b.0 as usize].id))
                });
            let next_weight = next.map(|(_, w)| w as f64 / WEIGHT_SCALE);
            NextBest {
                enterprise_id: x.enterprise_id.clone(),
                parcel_id: x.parcel_id.clone(),
                weight: x.weight,
                next_parcel_id: next.map(|(j, _)| parcels[j as usize].id.clone()),
                next_weight,
                weight_lost: next.map(|(_, w)| (x.weight_units - w) as f64 / WEIGHT_SCALE),
                next_held_by: next
                    .and_then(|(j, _)| holder.get(&(j as usize)))
                    .map(|s| s.to_string()),
            }
        })
        .collect()
}

/// Each parcel in use: the optimum's drop without it.
fn irreplaceability(p: &Problem, a: &Allocation, b: &mut Budget) -> Vec<Irreplaceable> {
    let parcels = &p.park.parcels;
    let mut used: BTreeMap<&str, (usize, Vec<String>, bool)> = BTreeMap::new();
    for x in &a.assignments {
        let e = used
            .entry(parcels[x.parcel].id.as_str())
            .or_insert((x.parcel, Vec::new(), false));
        e.1.push(x.enterprise_id.clone());
        e.2 |= x.locked;
    }
    // Above the size bound nothing is re-solved, so the base matching is not built either.
    let exact = !b.mip && a.feasible.complete && b.skipped.is_none();
    let base = exact.then(|| Exact::new(a, parcels.len()));
    used.into_iter()
        .map(|(id, (j, mut enterprises, locked))| {
            enterprises.sort();
            let mut row = Irreplaceable {
                parcel_id: id.to_string(),
                enterprises,
                drop: None,
                dual_price: base.as_ref().and_then(|e| e.dual(j)),
                method: String::new(),
                note: String::new(),
            };
            if locked {
                row.method = "locked".into();
                row.note = "fixed by a lock: not taken away".into();
                return row;
            }
            match b.take() {
                Err(why) => {
                    row.method = "skipped".into();
                    row.note = why;
                }
                Ok(()) => match &base {
                    Some(e) => {
                        row.drop = Some(e.drop_without(j));
                        row.method = "matching".into();
                    }
                    None => {
                        let mut park = p.park.clone();
                        park.parcels[j].status = ParcelStatus::Reserved;
                        match gain(p, a, p.rules, &park) {
                            Ok((g, note)) => {
                                row.drop = Some(-g);
                                row.method = "re-solve".into();
                                row.note = note;
                            }
                            Err(why) => {
                                row.method = "skipped".into();
                                row.note = why;
                            }
                        }
                    }
                },
            }
            row
        })
        .collect()
}

/// The exact matching of the unlocked rows on the allocation's pairs, for re-solving without
/// one column.
struct Exact {
    rows: Vec<Vec<(u32, i64)>>,
    cols: usize,
    objective: i64,
    col_dual: Vec<i64>,
}

impl Exact {
    fn new(a: &Allocation, cols: usize) -> Exact {
        let mut locked_row = vec![false; a.feasible.losses.len()];
        let mut locked_col: Vec<u32> = Vec::new();
        for &(i, j, _) in &a.locked {
            locked_row[i] = true;
            locked_col.push(j);
        }
        let rows: Vec<Vec<(u32, i64)>> = (0..a.feasible.losses.len())
            .filter(|&i| !locked_row[i])
            .map(|i| {
                a.feasible
                    .row(i)
                    .iter()
                    .copied()
                    .filter(|&(j, w)| w > 0 && !locked_col.contains(&j))
                    .collect()
            })
            .collect();
        let m = max_weight_matching(&graph(&rows, cols, None));
        Exact {
            rows,
            cols,
            objective: m.objective,
            col_dual: m.col_dual,
        }
    }
    fn dual(&self, j: usize) -> Option<f64> {
        self.col_dual.get(j).map(|&d| d as f64 / WEIGHT_SCALE)
    }
    fn drop_without(&self, j: usize) -> f64 {
        let m = max_weight_matching(&graph(&self.rows, self.cols, Some(j as u32)));
        (self.objective - m.objective) as f64 / WEIGHT_SCALE
    }
}

/// The rows as a matching graph, without column `skip`.
fn graph(rows: &[Vec<(u32, i64)>], cols: usize, skip: Option<u32>) -> Graph {
    let mut g = Graph {
        rows: rows.len(),
        cols,
        start: vec![0],
        edges: Vec::new(),
    };
    for r in rows {
        g.edges
            .extend(r.iter().copied().filter(|&(j, _)| Some(j) != skip));
        g.start.push(g.edges.len());
    }
    g
}

/// `robustness-prices.csv`.
pub fn write_prices(w: &mut dyn std::io::Write, s: &Sensitivity) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "constraint",
        "value",
        "relaxed",
        "unit",
        "gain",
        "method",
        "note",
    ])?;
    for p in &s.prices {
        c.write_record([
            p.constraint.as_str(),
            &num(p.value),
            &num(p.relaxed),
            p.unit,
            &opt(p.gain),
            &p.method,
            &p.note,
        ])?;
    }
    c.flush()
}

/// `robustness-next-best.csv`.
pub fn write_next_best(w: &mut dyn std::io::Write, s: &Sensitivity) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "enterprise_id",
        "parcel_id",
        "weight",
        "next_parcel_id",
        "next_weight",
        "weight_lost",
        "next_held_by",
    ])?;
    for n in &s.next_best {
        c.write_record([
            n.enterprise_id.as_str(),
            &n.parcel_id,
            &num(n.weight),
            n.next_parcel_id.as_deref().unwrap_or(""),
            &opt(n.next_weight),
            &opt(n.weight_lost),
            n.next_held_by.as_deref().unwrap_or(""),
        ])?;
    }
    c.flush()
}

/// `robustness-parcels.csv`.
pub fn write_parcels(w: &mut dyn std::io::Write, s: &Sensitivity) -> std::io::Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record([
        "parcel_id",
        "enterprises",
        "drop",
        "dual_price",
        "method",
        "note",
    ])?;
    for r in &s.parcels {
        c.write_record([
            r.parcel_id.as_str(),
            &r.enterprises.join(";"),
            &opt(r.drop),
            &opt(r.dual_price),
            &r.method,
            &r.note,
        ])?;
    }
    c.flush()
}

/// A weight as written: rounded to the 1e-6 units the solver works in.
fn num(x: f64) -> String {
    crate::rank::fmt_num((x * WEIGHT_SCALE).round() / WEIGHT_SCALE)
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}
