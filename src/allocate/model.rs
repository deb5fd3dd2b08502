//! The allocation as a linear model: one binary per feasible pair, written once and then either
//! handed to the MIP solver or printed as a CPLEX LP file for any other solver to check (the
//! writer, `LinearModel::write_lp`, is in `lp.rs`).

use super::Params;
use super::feasibility::{Feasible, TOLERANCE, WEIGHT_SCALE};
use crate::model::{Candidate, Parcel, PollutionClass};
use std::collections::{BTreeMap, HashSet};

/// `<=`, `>=` or `=`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Sense {
    Le,
    Ge,
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) name: String,
    pub(super) terms: Vec<(usize, f64)>,
    pub(super) sense: Sense,
    pub(super) rhs: f64,
}

/// A 0-1 linear program: maximise `sum(obj * x)` subject to `rows`, `x` binary, locked `x` = 1.
#[derive(Debug, Clone, Default)]
pub struct LinearModel {
    /// Variable `k` is the pair `(candidate, parcel)`.
    pub(super) vars: Vec<(usize, u32)>,
    pub(super) names: Vec<String>,
    /// Objective coefficients in weight units / `WEIGHT_SCALE` (exact in decimal to 6 places).
    pub(super) obj: Vec<f64>,
    pub(super) obj_units: Vec<i64>,
    pub(super) locked: Vec<bool>,
    pub(super) rows: Vec<Row>,
}

/// A name an LP reader accepts: letters, digits and `_` only, never starting with a digit.
fn lp_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Land a pair uses: the parcel (plots) or the request (blocks).
fn land(blocks: bool, c: &Candidate, p: &Parcel) -> f64 {
    if blocks {
        c.requested_mu.unwrap_or(0.0)
    } else {
        p.area_mu
    }
}

/// Build the model: feasible pairs (plus locked pairs, which may not be in `feasible`), one
/// assignment row per enterprise, a capacity row per parcel, and the side constraints.
pub(super) fn build(
    params: &Params,
    blocks: bool,
    candidates: &[Candidate],
    parcels: &[Parcel],
    feasible: &Feasible,
    locks: &[(usize, u32, i64)],
) -> LinearModel {
    let mut m = LinearModel::default();
    add_vars(&mut m, candidates, parcels, feasible, locks);
    add_assignment_rows(&mut m, blocks, candidates, parcels);
    add_side_rows(&mut m, params, blocks, candidates, parcels);
    m
}

/// One variable per pair, in candidate order: a candidate's locked pairs, then (unless it is
/// locked) its feasible pairs, each named `x_<enterprise>_<parcel>` and unique.
fn add_vars(
    m: &mut LinearModel,
    candidates: &[Candidate],
    parcels: &[Parcel],
    feasible: &Feasible,
    locks: &[(usize, u32, i64)],
) {
    let locked: HashSet<(usize, u32)> = locks.iter().map(|&(i, j, _)| (i, j)).collect();
    let locked_rows: HashSet<usize> = locks.iter().map(|l| l.0).collect();
    let mut used_names: HashSet<String> = HashSet::new();
    let mut add = |m: &mut LinearModel, i: usize, j: u32, w: i64, is_locked: bool| {
        let mut name = format!(
            "x_{}_{}",
            lp_name(&candidates[i].id),
            lp_name(&parcels[j as usize].id)
        );
        if !used_names.insert(name.clone()) {
            name = format!("{name}_{}", m.vars.len());
            used_names.insert(name.clone());
        }
        m.vars.push((i, j));
        m.names.push(name);
        m.obj.push(w as f64 / WEIGHT_SCALE);
        m.obj_units.push(w);
        m.locked.push(is_locked);
    };
    for i in 0..candidates.len() {
        for &(ii, j, w) in locks.iter().filter(|l| l.0 == i) {
            add(m, ii, j, w, true);
        }
        // A locked enterprise takes its locked parcel only.
        if locked_rows.contains(&i) {
            continue;
        }
        for &(j, w) in feasible.row(i) {
            if !locked.contains(&(i, j)) {
                add(m, i, j, w, false);
            }
        }
    }
}

/// At most one parcel per enterprise (`one_`), and per parcel (`cap_`) one enterprise (plots)
/// or requests up to its area (blocks).
fn add_assignment_rows(
    m: &mut LinearModel,
    blocks: bool,
    candidates: &[Candidate],
    parcels: &[Parcel],
) {
    let mut per_cand: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut per_parcel: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (k, &(i, j)) in m.vars.iter().enumerate() {
        per_cand.entry(i).or_default().push(k);
        per_parcel.entry(j).or_default().push(k);
    }
    for (i, ks) in &per_cand {
        m.rows.push(Row {
            name: format!("one_{}", lp_name(&candidates[*i].id)),
            terms: ks.iter().map(|&k| (k, 1.0)).collect(),
            sense: Sense::Le,
            rhs: 1.0,
        });
    }
    for (j, ks) in &per_parcel {
        let p = &parcels[*j as usize];
        let (terms, rhs) = if blocks {
            (
                ks.iter()
                    .map(|&k| (k, land(true, &candidates[m.vars[k].0], p)))
                    .collect(),
                p.area_mu * (1.0 + TOLERANCE),
            )
        } else {
            (ks.iter().map(|&k| (k, 1.0)).collect(), 1.0)
        };
        m.rows.push(Row {
            name: format!("cap_{}", lp_name(&p.id)),
            terms,
            sense: Sense::Le,
            rhs,
        });
    }
}

/// The side constraints that couple enterprises: the land budget, each cluster's area range
/// and the cap on moderate-pollution enterprises.
fn add_side_rows(
    m: &mut LinearModel,
    params: &Params,
    blocks: bool,
    candidates: &[Candidate],
    parcels: &[Parcel],
) {
    let land_terms = |m: &LinearModel, keep: &dyn Fn(&Candidate) -> bool| -> Vec<(usize, f64)> {
        m.vars
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| keep(&candidates[*i]))
            .map(|(k, &(i, j))| (k, land(blocks, &candidates[i], &parcels[j as usize])))
            .collect()
    };
    let side = &params.side;
    if let Some(b) = side.land_budget_mu {
        let terms = land_terms(m, &|_| true);
        m.rows.push(Row {
            name: "land_budget".into(),
            terms,
            sense: Sense::Le,
            rhs: b,
        });
    }
    for (cluster, range) in &side.cluster_area_mu {
        let terms = land_terms(m, &|c: &Candidate| &c.cluster == cluster);
        if let Some(max) = range.max {
            m.rows.push(Row {
                name: format!("cluster_max_{}", lp_name(cluster)),
                terms: terms.clone(),
                sense: Sense::Le,
                rhs: max,
            });
        }
        if let Some(min) = range.min {
            m.rows.push(Row {
                name: format!("cluster_min_{}", lp_name(cluster)),
                terms,
                sense: Sense::Ge,
                rhs: min,
            });
        }
    }
    if let Some(max) = side.max_moderate {
        let terms: Vec<(usize, f64)> = m
            .vars
            .iter()
            .enumerate()
            .filter(|(_, (i, _))| candidates[*i].pollution_class == PollutionClass::Moderate)
            .map(|(k, _)| (k, 1.0))
            .collect();
        m.rows.push(Row {
            name: "max_moderate".into(),
            terms,
            sense: Sense::Le,
            rhs: f64::from(max),
        });
    }
}
