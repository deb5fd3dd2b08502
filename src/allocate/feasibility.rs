//! Which (enterprise, parcel) pairs pass every constraint, with the weight of each, and for each
//! enterprise how many parcels each constraint removed.
//!
//! Constraints are applied in a fixed order — request, priority, status, area fit, land class,
//! cluster, buffers, max FAR — and a parcel is counted against the first one it fails, so the
//! counts add up to the number of parcels and read as a funnel ("40 available, 12 of fitting
//! size, all 12 within 300 m of Lingkun village"). The counts are range counts over the parcel
//! index (`index.rs`), not a walk over pairs, and only the pairs asked for are listed.

use super::Params;
use super::index::{ParcelIndex, Query};
use crate::model::{Candidate, GENERAL_CLUSTER, LandUse, Parcel, ParcelStatus};
use crate::spatial::Nearest;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Weights are stored as integers in units of 1e-6 so the matching and its bound are exact;
/// objective values are reported as these integers divided by `WEIGHT_SCALE`.
pub const WEIGHT_SCALE: f64 = 1e6;

/// Relative tolerance for inclusive bounds (area fit, buffers, FAR): a value equal to its bound
/// in decimal must pass even after binary rounding.
pub(crate) const TOLERANCE: f64 = 1e-9;

/// A constraint that can remove a parcel from an enterprise's choices, in the order applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// The enterprise has no usable land request.
    Request,
    /// The enterprise's priority is not positive, so no placement adds weight.
    Priority,
    /// The parcel is occupied or reserved.
    Status,
    /// Plot mode: area outside min..max x request. Block mode: area below the request.
    AreaFit,
    LandClass,
    Cluster,
    Buffer,
    MaxFar,
}

pub const CONSTRAINTS: [Constraint; 8] = [
    Constraint::Request,
    Constraint::Priority,
    Constraint::Status,
    Constraint::AreaFit,
    Constraint::LandClass,
    Constraint::Cluster,
    Constraint::Buffer,
    Constraint::MaxFar,
];

/// Per enterprise: parcels removed by each constraint, and for buffers which area caused it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Losses {
    pub by_constraint: BTreeMap<Constraint, u32>,
    /// (kind index, sensitive area index) -> parcels lost to that area's buffer (the first
    /// kind, in kind order, whose buffer the parcel violates).
    pub by_area: BTreeMap<(usize, usize), u32>,
    /// Parcels passing every constraint.
    pub feasible: u32,
}

/// The feasible pairs in compressed rows (one row per candidate, parcels ascending).
///
/// When `complete`, each row lists every feasible pair (block mode, side constraints, and plot
/// mode whenever the pairs fit `Problem::max_listed_pairs`). Otherwise a row lists its
/// enterprise's best parcels: every feasible parcel whose weight is at least some threshold of
/// that row — at least its `3` and `options_per_enterprise` best (ties included, so its rivals
/// and options are exact), and all of them for an enterprise left unplaced — while
/// `losses[i].feasible` always counts them all.
#[derive(Debug, Clone, Default)]
pub struct Feasible {
    pub start: Vec<usize>,
    /// `(parcel index, weight in 1e-6 units)`.
    pub pairs: Vec<(u32, i64)>,
    pub losses: Vec<Losses>,
    /// Whether every row lists every feasible pair.
    pub complete: bool,
}

impl Feasible {
    /// The listed pairs of one candidate.
    pub fn row(&self, candidate: usize) -> &[(u32, i64)] {
        &self.pairs[self.start[candidate]..self.start[candidate + 1]]
    }
    /// Feasible pairs in all, listed or not.
    pub fn len(&self) -> usize {
        self.losses.iter().map(|l| l.feasible as usize).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Pairs listed in the rows.
    pub fn listed(&self) -> usize {
        self.pairs.len()
    }
}

/// What feasibility needs besides the candidates and parcels.
pub struct Context<'a> {
    pub params: &'a Params,
    /// Per parcel, per kind (in `kinds` order): nearest sensitive area.
    pub nearest: &'a [Vec<Option<Nearest>>],
    /// Block mode: the area window is "at least the request".
    pub blocks: bool,
    /// Planned floor-area ratio by candidate id, where the registry gives one.
    pub planned_far: &'a BTreeMap<String, f64>,
}

/// The area window `[lo, hi]` in mu a request of `r` mu accepts, tolerance included.
pub(crate) fn area_window(params: &Params, blocks: bool, r: f64) -> (f64, f64) {
    if blocks {
        (r * (1.0 - TOLERANCE), f64::INFINITY)
    } else {
        (
            params.area_fit.min * r * (1.0 - TOLERANCE),
            params.area_fit.max * r * (1.0 + TOLERANCE),
        )
    }
}

/// Weight of placing `c` on `p`: priority x fit, as a real number (see the rule file's `fit`).
/// In block mode an enterprise uses exactly its request, so the area term is at its maximum.
pub(crate) fn weight(params: &Params, blocks: bool, c: &Candidate, p: &Parcel) -> f64 {
    let matching = p.cluster != GENERAL_CLUSTER && p.cluster == c.cluster;
    weight_of(params, blocks, c, p.area_mu, matching)
}

/// [`weight`] from the parcel's area and whether its cluster is the enterprise's.
pub(crate) fn weight_of(
    params: &Params,
    blocks: bool,
    c: &Candidate,
    area_mu: f64,
    matching: bool,
) -> f64 {
    let r = c.requested_mu.unwrap_or(0.0);
    let closeness = if blocks || r <= 0.0 {
        1.0
    } else {
        let ratio = area_mu / r;
        let span = if ratio >= 1.0 {
            params.area_fit.max - 1.0
        } else {
            1.0 - params.area_fit.min
        };
        if span <= 0.0 {
            if ratio == 1.0 { 1.0 } else { 0.0 }
        } else {
            (1.0 - (ratio - 1.0).abs() / span).clamp(0.0, 1.0)
        }
    };
    let fit = params.fit.base
        + params.fit.area * closeness
        + params.fit.cluster * f64::from(u8::from(matching));
    c.priority * fit
}

/// The weight in exact integer units.
pub(crate) fn weight_units(w: f64) -> i64 {
    (w * WEIGHT_SCALE).round() as i64
}

/// Why `p` is not available to `c`, or `None` when the pair is feasible. `kinds` and `nearest`
/// give the parcel's nearest sensitive area per kind.
pub fn check_pair(
    ctx: &Context,
    kinds: &[String],
    c: &Candidate,
    p: &Parcel,
    nearest: &[Option<Nearest>],
) -> Result<(), (Constraint, Option<(usize, usize)>)> {
    let Some(r) = c.requested_mu.filter(|r| r.is_finite() && *r > 0.0) else {
        return Err((Constraint::Request, None));
    };
    if !(c.priority.is_finite() && c.priority > 0.0) {
        return Err((Constraint::Priority, None));
    }
    if p.status != ParcelStatus::Available {
        return Err((Constraint::Status, None));
    }
    let (lo, hi) = area_window(ctx.params, ctx.blocks, r);
    if p.area_mu < lo || p.area_mu > hi {
        return Err((Constraint::AreaFit, None));
    }
    check_rest(&resolve(ctx, kinds, c), c, p, nearest)
}

/// A candidate's rules resolved once, so the per-parcel loop does no map lookups.
struct Resolved {
    /// Allowed land classes, indexed M1, M2, M3.
    land: [bool; 3],
    /// Buffer per kind (in `kinds` order), `None` where the class has none.
    buffers: Vec<Option<f64>>,
    planned_far: Option<f64>,
}

fn land_index(l: LandUse) -> usize {
    match l {
        LandUse::M1 => 0,
        LandUse::M2 => 1,
        LandUse::M3 => 2,
    }
}

fn resolve(ctx: &Context, kinds: &[String], c: &Candidate) -> Resolved {
    let mut land = [false; 3];
    for l in ctx
        .params
        .land_classes
        .get(&c.pollution_class)
        .into_iter()
        .flatten()
    {
        land[land_index(*l)] = true;
    }
    Resolved {
        land,
        // A class without a buffer for a kind is kept away from nothing of that kind; the rule
        // check makes every class in land_classes give one.
        buffers: kinds
            .iter()
            .map(|k| ctx.params.buffer(k, c.pollution_class))
            .collect(),
        planned_far: ctx.planned_far.get(&c.id).copied(),
    }
}

fn check_rest(
    r: &Resolved,
    c: &Candidate,
    p: &Parcel,
    nearest: &[Option<Nearest>],
) -> Result<(), (Constraint, Option<(usize, usize)>)> {
    if !r.land[land_index(p.land_use)] {
        return Err((Constraint::LandClass, None));
    }
    if p.cluster != GENERAL_CLUSTER && p.cluster != c.cluster {
        return Err((Constraint::Cluster, None));
    }
    for (k, (n, b)) in nearest.iter().zip(&r.buffers).enumerate() {
        if let (Some(n), Some(b)) = (n, b)
            && n.distance_m < b - TOLERANCE * b.max(1.0)
        {
            return Err((Constraint::Buffer, Some((k, n.area))));
        }
    }
    if let (Some(cap), Some(far)) = (p.max_far, r.planned_far)
        && far > cap * (1.0 + TOLERANCE)
    {
        return Err((Constraint::MaxFar, None));
    }
    Ok(())
}

/// Every candidate against the index, funnels complete: range counts, the FAR sweep, and the
/// buffer losses by sensitive area where no parcel is feasible (the only place they are named).
pub(crate) fn queries<'c>(
    index: &ParcelIndex,
    ctx: &Context,
    candidates: &'c [Candidate],
) -> Vec<Query<'c>> {
    let mut qs: Vec<Query<'c>> = candidates
        .par_iter()
        .map(|c| index.query(c, ctx.planned_far.get(&c.id).copied()))
        .collect();
    let fails = index.far_failures(&qs);
    qs.par_iter_mut().zip(fails).for_each(|(q, f)| {
        ParcelIndex::finish(q, f);
        if q.losses.feasible == 0 {
            index.buffer_areas(q);
        }
    });
    qs
}

/// Each query's feasible pairs with weight at least its threshold (1: all of them), in
/// compressed rows sorted by parcel, with the funnels. `complete` says every threshold is 1.
pub(crate) fn rows(
    index: &ParcelIndex,
    queries: &[Query],
    thresholds: &[i64],
    complete: bool,
) -> Feasible {
    // Counted, then listed in place: the pairs are allocated once at their size, never held as
    // rows and as one array at the same time (at a province's size, gigabytes).
    let lens: Vec<usize> = queries
        .par_iter()
        .zip(thresholds)
        .map(|(q, &t)| index.count(q, t))
        .collect();
    let mut start = Vec::with_capacity(queries.len() + 1);
    start.push(0);
    for l in &lens {
        start.push(start.last().copied().unwrap_or(0) + l);
    }
    let mut pairs = vec![(0u32, 0i64); start.last().copied().unwrap_or(0)];
    let mut slices: Vec<&mut [(u32, i64)]> = Vec::with_capacity(lens.len());
    let mut rest = pairs.as_mut_slice();
    for &l in &lens {
        let (row, tail) = rest.split_at_mut(l);
        slices.push(row);
        rest = tail;
    }
    slices
        .into_par_iter()
        .zip(queries.par_iter().zip(thresholds))
        .for_each_init(Vec::new, |row, (out, (q, &t))| {
            row.clear();
            index.list(q, t, None, row);
            row.sort_unstable_by_key(|e| e.0);
            out.copy_from_slice(row);
        });
    Feasible {
        start,
        pairs,
        losses: queries.iter().map(|q| q.losses.clone()).collect(),
        complete,
    }
}

/// All feasible pairs and the losses, for every candidate: the index walked to the end.
pub(crate) fn feasible_pairs(
    ctx: &Context,
    kinds: &[String],
    candidates: &[Candidate],
    parcels: &[Parcel],
) -> Feasible {
    let index = ParcelIndex::new(ctx, kinds, parcels);
    let qs = queries(&index, ctx, candidates);
    rows(&index, &qs, &vec![1; qs.len()], true)
}
