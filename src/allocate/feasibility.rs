//! Which (enterprise, parcel) pairs pass every constraint, with the weight of each, and for each
//! enterprise how many parcels each constraint removed.
//!
//! Constraints are applied in a fixed order — request, priority, status, area fit, land class,
//! cluster, buffers, max FAR — and a parcel is counted against the first one it fails, so the
//! counts add up to the number of parcels and read as a funnel ("40 available, 12 of fitting
//! size, all 12 within 300 m of Lingkun village"). Only feasible pairs are stored: parcels are
//! sorted by area once, and each enterprise scans only the parcels inside its area window.

use super::Params;
use crate::model::{Candidate, GENERAL_CLUSTER, LandUse, Parcel, ParcelStatus};
use crate::spatial::Nearest;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

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
#[derive(Debug, Clone, Default)]
pub struct Feasible {
    pub start: Vec<usize>,
    /// `(parcel index, weight in 1e-6 units)`.
    pub pairs: Vec<(u32, i64)>,
    pub losses: Vec<Losses>,
}

impl Feasible {
    pub fn row(&self, candidate: usize) -> &[(u32, i64)] {
        &self.pairs[self.start[candidate]..self.start[candidate + 1]]
    }
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
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
fn weight_of(params: &Params, blocks: bool, c: &Candidate, area_mu: f64, matching: bool) -> f64 {
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

/// All feasible pairs and the losses, for every candidate, in parallel.
///
/// Available parcels are laid out once in area order as flat arrays (land class, interned
/// cluster, nearest distance per kind), so each candidate's window is a sequential scan.
pub(crate) fn feasible_pairs(
    ctx: &Context,
    kinds: &[String],
    candidates: &[Candidate],
    parcels: &[Parcel],
) -> Feasible {
    let mut by_area: Vec<u32> = (0..parcels.len() as u32)
        .filter(|&j| parcels[j as usize].status == ParcelStatus::Available)
        .collect();
    by_area.sort_by(|&a, &b| {
        parcels[a as usize]
            .area_mu
            .total_cmp(&parcels[b as usize].area_mu)
            .then(a.cmp(&b))
    });
    let nk = kinds.len();
    let mut cluster_ids: HashMap<&str, u32> = HashMap::new();
    cluster_ids.insert(GENERAL_CLUSTER, 0);
    let mut areas = Vec::with_capacity(by_area.len());
    let mut land = Vec::with_capacity(by_area.len());
    let mut cluster = Vec::with_capacity(by_area.len());
    let mut max_far = Vec::with_capacity(by_area.len());
    let mut dist = Vec::with_capacity(by_area.len() * nk);
    for &j in &by_area {
        let p = &parcels[j as usize];
        areas.push(p.area_mu);
        land.push(land_index(p.land_use) as u8);
        let next = cluster_ids.len() as u32;
        cluster.push(*cluster_ids.entry(p.cluster.as_str()).or_insert(next));
        max_far.push(p.max_far.unwrap_or(f64::INFINITY));
        dist.extend(
            ctx.nearest[j as usize]
                .iter()
                .map(|n| n.map_or(f64::INFINITY, |n| n.distance_m)),
        );
    }
    let n = parcels.len() as u32;
    let not_available = n - by_area.len() as u32;
    let rows: Vec<(Vec<(u32, i64)>, Losses)> = candidates
        .par_iter()
        .map(|c| {
            let mut losses = Losses::default();
            let Some(r) = c.requested_mu.filter(|r| r.is_finite() && *r > 0.0) else {
                losses.by_constraint.insert(Constraint::Request, n);
                return (Vec::new(), losses);
            };
            if !(c.priority.is_finite() && c.priority > 0.0) {
                losses.by_constraint.insert(Constraint::Priority, n);
                return (Vec::new(), losses);
            }
            let mut counts = [0u32; CONSTRAINTS.len()];
            counts[Constraint::Status as usize] = not_available;
            let (lo, hi) = area_window(ctx.params, ctx.blocks, r);
            let a = areas.partition_point(|&x| x < lo);
            let b = areas.partition_point(|&x| x <= hi);
            counts[Constraint::AreaFit as usize] = (areas.len() - (b - a)) as u32;
            let resolved = resolve(ctx, kinds, c);
            // Buffers with a tolerance folded in; a kind without a buffer never binds.
            let limits: Vec<f64> = resolved
                .buffers
                .iter()
                .map(|b| b.map_or(f64::NEG_INFINITY, |b| b - TOLERANCE * b.max(1.0)))
                .collect();
            let own_cluster = cluster_ids
                .get(c.cluster.as_str())
                .copied()
                .unwrap_or(u32::MAX);
            let far = resolved.planned_far.unwrap_or(0.0);
            let mut row = Vec::new();
            for x in a..b {
                let failed = if !resolved.land[land[x] as usize] {
                    Constraint::LandClass
                } else if cluster[x] != 0 && cluster[x] != own_cluster {
                    Constraint::Cluster
                } else if let Some(k) = (0..nk).find(|&k| dist[x * nk + k] < limits[k]) {
                    let j = by_area[x] as usize;
                    if let Some(near) = ctx.nearest[j][k] {
                        *losses.by_area.entry((k, near.area)).or_insert(0) += 1;
                    }
                    Constraint::Buffer
                } else if resolved.planned_far.is_some() && far > max_far[x] * (1.0 + TOLERANCE) {
                    Constraint::MaxFar
                } else {
                    let matching = cluster[x] != 0 && cluster[x] == own_cluster;
                    let w = weight_units(weight_of(ctx.params, ctx.blocks, c, areas[x], matching));
                    if w > 0 {
                        row.push((by_area[x], w));
                        continue;
                    }
                    Constraint::Priority
                };
                counts[failed as usize] += 1;
            }
            for k in CONSTRAINTS {
                if counts[k as usize] > 0 {
                    losses.by_constraint.insert(k, counts[k as usize]);
                }
            }
            row.sort_unstable_by_key(|e| e.0);
            losses.feasible = row.len() as u32;
            (row, losses)
        })
        .collect();
    let mut start = Vec::with_capacity(candidates.len() + 1);
    start.push(0);
    let mut pairs = Vec::with_capacity(rows.iter().map(|r| r.0.len()).sum());
    let mut all_losses = Vec::with_capacity(rows.len());
    for (row, losses) in rows {
        pairs.extend(row);
        start.push(pairs.len());
        all_losses.push(losses);
    }
    Feasible {
        start,
        pairs,
        losses: all_losses,
    }
}
