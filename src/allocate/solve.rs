//! Solving: plot mode without coupling side constraints is an exact maximum-weight matching
//! with a dual certificate; block mode and side constraints are a MIP with a best bound.

use super::feasibility::{Feasible, WEIGHT_SCALE};
use super::index::{ParcelIndex, Query};
use super::listing::Listing;
use super::model::LinearModel;
use super::status::{SolveStatus, SolverError};
use super::{Mode, Params, Problem, Timings, matching, mip, ms};
use std::time::Instant;

/// A chosen pair `(candidate, parcel, weight units, locked)`.
pub(super) type Pick = (usize, u32, i64, bool);

/// What either solver found, and how sure it is.
pub(super) struct Solved {
    pub chosen: Vec<Pick>,
    pub objective_units: i64,
    /// An upper bound on any allocation's objective.
    pub bound: f64,
    pub method: String,
    pub status: SolveStatus,
    /// Each parcel's dual price in weight units (exact matching only): what a rival must beat.
    pub duals: Option<Vec<i64>>,
}

/// The exact path: the locked pairs plus the certified matching of the rest, whose dual
/// certificate is the bound. The matching's rows list each enterprise's parcels down to
/// `listed_to` (indexed by candidate) and further as the proof needs; `listed_to` comes back
/// with how far each row listed in the end.
pub(super) fn by_matching(
    p: &Problem,
    index: &ParcelIndex,
    queries: &[Query],
    listed_to: &mut [i64],
    locked: &[(usize, u32, i64)],
    timings: &mut Timings,
) -> Result<Solved, crate::Error> {
    let (locked_row, skip) = locked_masks(p, locked);
    let rows: Vec<usize> = (0..p.candidates.len())
        .filter(|&i| !locked_row[i])
        .collect();
    let mut listing = Listing::new(index, queries, rows, listed_to, skip);
    if let Some(meter) = p.meter {
        meter.add(locked.len() as u64);
    }
    let m = matching::solve_counted(&mut listing, p.meter);
    let t = Instant::now();
    let (obj, bnd) = matching::certify(&listing, &m).map_err(SolverError::Certificate)?;
    timings.certify_ms = ms(t);
    for (r, &i) in listing.candidates.iter().enumerate() {
        listed_to[i] = listed_to[i].min(listing.threshold[r]);
    }
    let mut picks: Vec<Pick> = locked.iter().map(|&(i, j, w)| (i, j, w, true)).collect();
    for (r, c) in m.col_of_row.iter().enumerate() {
        if let Some(j) = c {
            let w = matching::Rows::weight(&listing, r, *j).unwrap_or(0);
            picks.push((listing.candidates[r], *j, w, false));
        }
    }
    let locked_units: i64 = locked.iter().map(|l| l.2).sum();
    Ok(Solved {
        chosen: picks,
        objective_units: obj + locked_units,
        bound: (bnd + locked_units) as f64 / WEIGHT_SCALE,
        method: "exact maximum-weight matching (successive shortest paths, integer weights in 1e-6 units, dual certificate)".into(),
        status: if bnd == obj {
            SolveStatus::Optimal
        } else {
            SolveStatus::NotProved
        },
        duals: Some(m.col_dual),
    })
}

/// Candidates and parcels fixed by a lock.
fn locked_masks(p: &Problem, locked: &[(usize, u32, i64)]) -> (Vec<bool>, Vec<bool>) {
    let mut locked_row = vec![false; p.candidates.len()];
    let mut locked_col = vec![false; p.park.parcels.len()];
    for &(i, j, _) in locked {
        locked_row[i] = true;
        locked_col[j as usize] = true;
    }
    (locked_row, locked_col)
}

/// The MIP path: microlp within the time limit, its status, and the best bound it or the
/// problem's structure gives.
pub(super) fn by_mip(
    p: &Problem,
    params: &Params,
    model: &LinearModel,
    feasible: &Feasible,
    locked: &[(usize, u32, i64)],
    timings: &mut Timings,
) -> Result<Solved, crate::Error> {
    let t = Instant::now();
    let outcome = mip::solve(
        model,
        params.time_limit_s,
        params.mip_gap,
        params.mip_max_pairs,
        p.meter,
    )?;
    timings.solve_ms = ms(t);
    let chosen: Vec<Pick> = outcome
        .chosen
        .iter()
        .map(|&k| {
            (
                model.vars[k].0,
                model.vars[k].1,
                model.obj_units[k],
                model.locked[k],
            )
        })
        .collect();
    let objective_units: i64 = chosen.iter().map(|c| c.2).sum();
    let obj = objective_units as f64 / WEIGHT_SCALE;
    let b = mip_bound(p, feasible, locked, outcome.bound)?;
    // A proved optimum reports its own objective as the bound (solver tolerance aside).
    let bound = if outcome.status.is_optimal() {
        obj
    } else {
        b.max(obj)
    };
    Ok(Solved {
        chosen,
        objective_units,
        bound,
        method: if params.mip_max_pairs.is_some_and(|n| model.vars.len() > n) {
            "greedy and Lagrangian bound (subgradient over the capacity and side rows)".into()
        } else {
            "MIP (microlp branch and bound via good_lp)".into()
        },
        status: outcome.status,
        duals: None,
    })
}

/// The tightest bound at hand besides the solver's own (`solver_bound`, if it gave one).
fn mip_bound(
    p: &Problem,
    feasible: &Feasible,
    locked: &[(usize, u32, i64)],
    solver_bound: Option<f64>,
) -> Result<f64, crate::Error> {
    let mut b = solver_bound.unwrap_or(f64::INFINITY);
    // Plot mode: the matching without side constraints bounds the constrained problem too.
    if p.mode != Mode::Blocks {
        let (_, bound) = exact_matching(p, feasible, locked)?;
        b = b.min((bound + locked.iter().map(|l| l.2).sum::<i64>()) as f64 / WEIGHT_SCALE);
    } else if !b.is_finite() {
        // Each enterprise's best pair: a bound no allocation can beat.
        b = (0..p.candidates.len())
            .map(|i| feasible.row(i).iter().map(|e| e.1).max().unwrap_or(0))
            .sum::<i64>() as f64
            / WEIGHT_SCALE;
    }
    Ok(b)
}

/// The matching's bound over unlocked candidates and parcels of a complete `feasible`,
/// certified: `(objective, bound)` in weight units.
fn exact_matching(
    p: &Problem,
    feasible: &Feasible,
    locked: &[(usize, u32, i64)],
) -> Result<(i64, i64), crate::Error> {
    let (locked_row, locked_col) = locked_masks(p, locked);
    let mut g = matching::Graph {
        rows: 0,
        cols: p.park.parcels.len(),
        start: vec![0],
        edges: Vec::with_capacity(feasible.listed()),
    };
    for i in (0..p.candidates.len()).filter(|&i| !locked_row[i]) {
        g.edges
            .extend(feasible.row(i).iter().filter(|e| !locked_col[e.0 as usize]));
        g.start.push(g.edges.len());
        g.rows += 1;
    }
    let m = matching::max_weight_matching(&g);
    Ok(matching::certify(&g, &m).map_err(SolverError::Certificate)?)
}
