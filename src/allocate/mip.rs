//! Block mode and side constraints: the [`LinearModel`] solved as a MIP by microlp through
//! good_lp, with a time limit, a greedy warm start and the solver's best bound.

use super::model::{LinearModel, Sense};
use good_lp::solvers::microlp::microlp;
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, WithInitialSolution, WithTimeLimit,
    variable,
};

/// What the MIP solver returned.
#[derive(Debug, Clone)]
pub struct MipOutcome {
    /// Chosen variables (indexes into the model's vars).
    pub chosen: Vec<usize>,
    /// Best proven bound on the objective (weight units / scale), when the solver has one.
    pub bound: Option<f64>,
    /// `optimal`, `time_limit`, `greedy` (the solver found nothing better in time), ...
    pub status: String,
}

/// A feasible start: pairs by weight, best first (ties by variable order), kept when every
/// `<=` row still holds; locked variables first. `None` if a `>=` row ends up violated.
pub fn greedy(m: &LinearModel) -> Option<Vec<usize>> {
    let mut lhs = vec![0.0; m.rows.len()];
    let mut rows_of: Vec<Vec<(usize, f64)>> = vec![Vec::new(); m.vars.len()];
    for (r, row) in m.rows.iter().enumerate() {
        for &(k, c) in &row.terms {
            rows_of[k].push((r, c));
        }
    }
    let mut order: Vec<usize> = (0..m.vars.len()).collect();
    order.sort_by(|&a, &b| {
        m.locked[b]
            .cmp(&m.locked[a])
            .then(m.obj_units[b].cmp(&m.obj_units[a]))
            .then(a.cmp(&b))
    });
    let mut chosen = Vec::new();
    for k in order {
        let fits = rows_of[k]
            .iter()
            .all(|&(r, c)| m.rows[r].sense != Sense::Le || lhs[r] + c <= m.rows[r].rhs + 1e-9);
        if fits || m.locked[k] {
            for &(r, c) in &rows_of[k] {
                lhs[r] += c;
            }
            chosen.push(k);
        }
    }
    let ok = m.rows.iter().enumerate().all(|(r, row)| match row.sense {
        Sense::Le => lhs[r] <= row.rhs + 1e-9,
        Sense::Ge => lhs[r] >= row.rhs - 1e-9,
    });
    ok.then(|| {
        chosen.sort_unstable();
        chosen
    })
}

/// Solve the model with microlp within `time_limit_s` seconds.
pub fn solve(m: &LinearModel, time_limit_s: f64) -> Result<MipOutcome, String> {
    let start = greedy(m);
    if m.vars.is_empty() {
        return Ok(MipOutcome {
            chosen: Vec::new(),
            bound: Some(0.0),
            status: "optimal".into(),
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
        .with_time_limit(time_limit_s);
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
                good_lp::SolutionStatus::Optimal => "optimal",
                good_lp::SolutionStatus::TimeLimit => "time_limit",
                good_lp::SolutionStatus::GapLimit => "gap_limit",
            };
            let chosen: Vec<usize> = (0..xs.len()).filter(|&k| sol.value(xs[k]) > 0.5).collect();
            let inner = sol.into_inner();
            let bound = if status == "optimal" { Some(inner.objective()) } else { inner.stats().best_bound };
            Ok(MipOutcome { chosen, bound, status: status.into() })
        }
        Err(good_lp::ResolutionError::Infeasible) => Err("the side constraints cannot all hold: no allocation meets them (check the cluster minimums and locks against the land budget)".into()),
        Err(e) => match start {
            // Out of time before the solver's own incumbent: keep the greedy start, no bound.
            Some(chosen) => Ok(MipOutcome { chosen, bound: None, status: format!("greedy ({e})") }),
            None => Err(format!("the MIP solver stopped without a solution: {e}")),
        },
    }
}
