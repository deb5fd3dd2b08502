//! Block mode and side constraints: the [`LinearModel`] solved as a MIP by microlp through
//! good_lp, with a time limit, a greedy warm start and the solver's best bound; above
//! `allocation.mip_max_pairs` pairs by the Lagrangian search ([`super::lagrange`]) instead.

use super::model::{LinearModel, Sense};
use super::status::{SolveStatus, SolverError};
use good_lp::solvers::microlp::microlp;
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, WithInitialSolution, WithMipGap,
    WithTimeLimit, variable,
};

/// What the MIP solver returned.
#[derive(Debug, Clone)]
pub(super) struct MipOutcome {
    /// Chosen variables (indexes into the model's vars).
    pub(super) chosen: Vec<usize>,
    /// Best proven bound on the objective (weight units / scale), when the solver has one.
    pub(super) bound: Option<f64>,
    /// `optimal`, `time_limit`, `greedy` (the solver found nothing better in time), ...
    pub(super) status: SolveStatus,
}

/// A feasible start: locked variables first, then enterprises by their best weight; each takes
/// its best-weighted variable that fits every `<=` row (ties to the tightest fit, so large
/// parcels stay open for large requests). Then one improving pass: an enterprise left out
/// takes a parcel by moving one holder to another parcel with room, when that adds weight.
/// `None` if a `>=` row ends up violated.
/// With `guide` (e.g. an LP relaxation's values), variables rank by guide value first.
pub(super) fn greedy(m: &LinearModel, guide: Option<&[f64]>) -> Option<Vec<usize>> {
    let score = |k: usize| {
        (
            guide.map_or(0, |g| (g[k] * 1000.0).round() as i64),
            m.obj_units[k],
        )
    };
    let mut lhs = vec![0.0; m.rows.len()];
    let mut rows_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m.vars.len()];
    for (r, row) in m.rows.iter().enumerate() {
        for &(k, c) in &row.terms {
            rows_of[k].push((r, c));
        }
    }
    let mut by_cand: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for (k, v) in m.vars.iter().enumerate() {
        by_cand.entry(v.0).or_default().push(k);
    }
    for ks in by_cand.values_mut() {
        ks.sort_by(|&a, &b| score(b).cmp(&score(a)).then(a.cmp(&b)));
    }
    let room = |lhs: &[f64], k: usize| -> Option<f64> {
        let mut slack = f64::INFINITY;
        for &(r, c) in &rows_of[k] {
            let row = &m.rows[r];
            if row.sense == Sense::Le {
                let left = row.rhs - lhs[r] - c;
                if left < -1e-9 {
                    return None;
                }
                if row.terms.len() > 1 && row.rhs > 0.0 {
                    slack = slack.min(left / row.rhs);
                }
            }
        }
        Some(slack)
    };
    let apply = |lhs: &mut [f64], k: usize, sign: f64| {
        for &(r, c) in &rows_of[k] {
            lhs[r] += sign * c;
        }
    };
    let mut cands: Vec<(bool, (i64, i64), usize)> = by_cand
        .iter()
        .map(|(&i, ks)| (ks.iter().any(|&k| m.locked[k]), score(ks[0]), i))
        .collect();
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    let mut pick: std::collections::BTreeMap<usize, usize> = Default::default();
    for &(_, _, i) in &cands {
        let ks = &by_cand[&i];
        let choice = if let Some(&k) = ks.iter().find(|&&k| m.locked[k]) {
            Some(k)
        } else {
            let mut best: Option<((i64, i64), f64, usize)> = None;
            for &k in ks {
                if let Some(slack) = room(&lhs, k)
                    && best.is_none_or(|b| score(k) > b.0 || (score(k) == b.0 && slack < b.1))
                {
                    best = Some((score(k), slack, k));
                }
            }
            best.map(|b| b.2)
        };
        if let Some(k) = choice {
            apply(&mut lhs, k, 1.0);
            pick.insert(i, k);
        }
    }
    // One improving pass of "move a holder elsewhere to make room".
    let mut holders: std::collections::BTreeMap<u32, Vec<usize>> = Default::default();
    for (&i, &k) in &pick {
        holders.entry(m.vars[k].1).or_default().push(i);
    }
    for &(_, _, i) in &cands {
        if pick.contains_key(&i) {
            continue;
        }
        'vars: for &k in &by_cand[&i] {
            let parcel = m.vars[k].1;
            let others: Vec<usize> = holders.get(&parcel).cloned().unwrap_or_default();
            for h in others {
                let kh = pick[&h];
                if m.locked[kh] {
                    continue;
                }
                apply(&mut lhs, kh, -1.0);
                if room(&lhs, k).is_some() {
                    apply(&mut lhs, k, 1.0);
                    let alt = by_cand[&h]
                        .iter()
                        .copied()
                        .find(|&k2| m.vars[k2].1 != parcel && room(&lhs, k2).is_some());
                    if let Some(k2) = alt
                        && m.obj_units[k] + m.obj_units[k2] > m.obj_units[kh]
                    {
                        apply(&mut lhs, k2, 1.0);
                        pick.insert(h, k2);
                        pick.insert(i, k);
                        let hs = holders.get_mut(&parcel).expect("holder listed");
                        hs.retain(|&x| x != h);
                        hs.push(i);
                        holders.entry(m.vars[k2].1).or_default().push(h);
                        break 'vars;
                    }
                    apply(&mut lhs, k, -1.0);
                }
                apply(&mut lhs, kh, 1.0);
            }
        }
    }
    let ok = m.rows.iter().enumerate().all(|(r, row)| match row.sense {
        Sense::Le => lhs[r] <= row.rhs + 1e-9,
        Sense::Ge => lhs[r] >= row.rhs - 1e-9,
    });
    let mut chosen: Vec<usize> = pick.into_values().collect();
    chosen.sort_unstable();
    ok.then_some(chosen)
}

/// The LP relaxation's values (0 <= x <= 1), or `None` if it does not solve in time.
fn relaxation(m: &LinearModel, time_limit_s: f64) -> Option<Vec<f64>> {
    if m.vars.is_empty() {
        return None;
    }
    let mut pv = ProblemVariables::new();
    let xs: Vec<good_lp::Variable> = (0..m.vars.len())
        .map(|k| pv.add(variable().min(if m.locked[k] { 1.0 } else { 0.0 }).max(1.0)))
        .collect();
    let objective: Expression = xs.iter().zip(&m.obj).map(|(x, c)| *c * *x).sum();
    let mut problem = pv
        .maximise(objective)
        .using(microlp)
        .with_time_limit(time_limit_s);
    for row in &m.rows {
        let lhs: Expression = row.terms.iter().map(|&(k, c)| c * xs[k]).sum();
        problem = match row.sense {
            Sense::Le => problem.with(lhs.leq(row.rhs)),
            Sense::Ge => problem.with(lhs.geq(row.rhs)),
        };
    }
    let sol = problem.solve().ok()?;
    Some(xs.iter().map(|x| sol.value(*x)).collect())
}

/// Solve the model with microlp within `time_limit_s` seconds.
/// The solver may stop once within `mip_gap` (relative) of its bound. Above `max_pairs`
/// variables microlp is not tried (its dense simplex cannot load millions of columns in
/// time): the Lagrangian search's allocation and bound are the answer.
pub(super) fn solve(
    m: &LinearModel,
    time_limit_s: f64,
    mip_gap: f64,
    max_pairs: Option<usize>,
    meter: Option<&crate::meter::Meter>,
) -> Result<MipOutcome, SolverError> {
    let objective_of = |s: &Vec<usize>| s.iter().map(|&k| m.obj_units[k]).sum::<i64>();
    let too_big = max_pairs.is_some_and(|n| m.vars.len() > n);
    if too_big {
        return Ok(by_lagrange(m, time_limit_s, mip_gap, meter));
    }
    let mut start = greedy(m, None);
    // A second start rounded from the LP relaxation; keep the better one.
    if let Some(relaxed) = relaxation(m, time_limit_s / 4.0)
        && let Some(s) = greedy(m, Some(&relaxed))
        && start
            .as_ref()
            .is_none_or(|g| objective_of(&s) > objective_of(g))
    {
        start = Some(s);
    }
    if m.vars.is_empty() {
        return Ok(MipOutcome {
            chosen: Vec::new(),
            bound: Some(0.0),
            status: SolveStatus::Optimal,
        });
    }
    let mut pv = ProblemVariables::new();
    let xs: Vec<good_lp::Variable> = (0..m.vars.len())
        .map(|k| {
            pv.add(if m.locked[k] {
                variable().binary().min(1)
            } else {
                variable().binary()
            })
        })
        .collect();
    let objective: Expression = xs.iter().zip(&m.obj).map(|(x, c)| *c * *x).sum();
    let mut problem = pv
        .maximise(objective)
        .using(microlp)
        .with_time_limit(time_limit_s)
        .with_mip_gap(mip_gap as f32)
        .map_err(|e| SolverError::BadParameter(format!("{e:?}")))?;
    if let Some(s) = &start {
        let mut values: Vec<(good_lp::Variable, f64)> = xs.iter().map(|x| (*x, 0.0)).collect();
        for &k in s {
            values[k].1 = 1.0;
        }
        problem = problem.with_initial_solution(values);
    }
    for row in &m.rows {
        let lhs: Expression = row.terms.iter().map(|&(k, c)| c * xs[k]).sum();
        problem = match row.sense {
            Sense::Le => problem.with(lhs.leq(row.rhs)),
            Sense::Ge => problem.with(lhs.geq(row.rhs)),
        };
    }
    match problem.solve() {
        Ok(sol) => {
            let status = match sol.status() {
                good_lp::SolutionStatus::Optimal => SolveStatus::Optimal,
                good_lp::SolutionStatus::TimeLimit => SolveStatus::TimeLimit,
                good_lp::SolutionStatus::GapLimit => SolveStatus::GapLimit,
            };
            let chosen: Vec<usize> = (0..xs.len()).filter(|&k| sol.value(xs[k]) > 0.5).collect();
            let inner = sol.into_inner();
            let bound = if status.is_optimal() {
                Some(inner.objective())
            } else {
                inner.stats().best_bound
            };
            Ok(MipOutcome {
                chosen,
                bound,
                status,
            })
        }
        Err(good_lp::ResolutionError::Infeasible) => Err(SolverError::Infeasible),
        Err(e) => match start {
            // Out of time before the solver's own incumbent: keep the greedy start, no bound.
            Some(chosen) => Ok(MipOutcome {
                chosen,
                bound: None,
                status: SolveStatus::Greedy(e.to_string()),
            }),
            None => Err(SolverError::NoSolution(e.to_string())),
        },
    }
}

/// The model too large for microlp: the greedy, improved by the Lagrangian search within the
/// time limit, and the search's bound. Optimal only when the bound meets the objective.
fn by_lagrange(
    m: &LinearModel,
    time_limit_s: f64,
    mip_gap: f64,
    meter: Option<&crate::meter::Meter>,
) -> MipOutcome {
    let budget = std::time::Duration::from_secs_f64(time_limit_s);
    let l = super::lagrange::search(m, greedy(m, None), budget, mip_gap, meter);
    let (chosen, units) = l.best.unwrap_or_default();
    let obj = units as f64 / super::feasibility::WEIGHT_SCALE;
    let gap = (l.bound - obj) / obj.abs().max(1.0);
    let status = if gap <= FLOAT_NOISE {
        SolveStatus::Optimal
    } else if gap <= mip_gap {
        SolveStatus::GapLimit
    } else {
        SolveStatus::Greedy(format!(
            "{} pairs exceed allocation.mip_max_pairs, so no MIP; Lagrangian bound after {} steps",
            m.vars.len(),
            l.steps
        ))
    };
    MipOutcome {
        chosen,
        bound: Some(l.bound.max(obj)),
        status,
    }
}

/// Relative difference below which a floating-point bound meets the objective.
const FLOAT_NOISE: f64 = 1e-12;
