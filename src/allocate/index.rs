//! Available parcels indexed for feasibility without listing pairs.
//!
//! A pair's feasibility depends on the parcel only through its status, area, land class,
//! cluster, whether it clears the buffers of the enterprise's pollution class, and its `max_far`;
//! its weight only through its area and whether its cluster is the enterprise's. So available
//! parcels go into buckets by (land class, cluster) — all of them, and per pollution class those
//! clear of that class's buffers — each sorted by area. An enterprise's funnel ("of N parcels,
//! 40 occupied, 210 outside the area fit, ...") is then a handful of range counts (`max_far`, which
//! depends on the enterprise's planned FAR, by an offline sweep), and its weight on a bucket is
//! unimodal in the area (highest at its request), so its best parcels are a window around the
//! request found by binary search, and the next best lie just outside it.

use super::Params;
use super::feasibility::{CONSTRAINTS, Constraint, Context, Losses, TOLERANCE};
use super::feasibility::{area_window, weight_of, weight_units};
use crate::model::{Candidate, GENERAL_CLUSTER, Parcel, ParcelStatus, PollutionClass};
use rayon::prelude::*;
use std::collections::HashMap;

const CLASSES: [PollutionClass; 3] = [
    PollutionClass::Light,
    PollutionClass::Moderate,
    PollutionClass::Heavy,
];

fn class_index(c: PollutionClass) -> usize {
    match c {
        PollutionClass::Light => 0,
        PollutionClass::Moderate => 1,
        PollutionClass::Heavy => 2,
    }
}

/// Parcels of one (land class, cluster), sorted by area, ties by parcel index.
#[derive(Debug, Default)]
struct Bucket {
    area: Vec<f64>,
    parcel: Vec<u32>,
    /// `max_far x (1 + TOLERANCE)`, infinite without a `max_far`: a planned FAR above it fails.
    far_cap: Vec<f64>,
}

impl Bucket {
    /// Positions `[a, b)` of the areas inside `[lo, hi]`.
    fn window(&self, lo: f64, hi: f64) -> (usize, usize) {
        (
            self.area.partition_point(|&x| x < lo),
            self.area.partition_point(|&x| x <= hi),
        )
    }
}

/// Sorted areas: how many lie in `[lo, hi]`.
fn count_in(sorted: &[f64], lo: f64, hi: f64) -> u32 {
    (sorted.partition_point(|&x| x <= hi) - sorted.partition_point(|&x| x < lo)) as u32
}

/// The parcels of a park, indexed for one mode's rules (see the module docs).
pub(crate) struct ParcelIndex<'a> {
    params: &'a Params,
    blocks: bool,
    parcels: u32,
    /// Areas of every available parcel, and per land class (M1, M2, M3), sorted.
    available: Vec<f64>,
    by_land: [Vec<f64>; 3],
    /// Every available parcel by (land class, cluster id); cluster 0 is `general`.
    all: HashMap<(u8, u32), Bucket>,
    /// Per pollution class, the available parcels clear of its buffers, by (land, cluster): the
    /// bucket's place in `buckets`.
    clear: [HashMap<(u8, u32), u32>; 3],
    buckets: Vec<Bucket>,
    cluster_ids: HashMap<&'a str, u32>,
    /// Per parcel: bit `c` set when it clears every buffer of pollution class `c`.
    clear_bits: Vec<u8>,
    /// Per pollution class, the buffer per kind with the tolerance folded in (`-inf`: none).
    limits: [Vec<f64>; 3],
    nearest: &'a [Vec<Option<crate::spatial::Nearest>>],
}

/// One bucket an enterprise may use: its window of fitting areas `[a, b)` and the first
/// position `p` at or above the request (weights rise on `[a, p)` and fall on `[p, b)`).
#[derive(Debug, Clone, Copy)]
struct Part {
    class: u8,
    key: (u8, u32),
    /// The bucket's place in `ParcelIndex::buckets`.
    bucket: u32,
    matching: bool,
    a: u32,
    p: u32,
    b: u32,
}

/// An enterprise against the index: the buckets it may use and its funnel.
pub(crate) struct Query<'c> {
    c: &'c Candidate,
    parts: Vec<Part>,
    /// Planned FAR, when given.
    far: Option<f64>,
    pub(crate) losses: Losses,
}

impl<'a> ParcelIndex<'a> {
    /// Index the available parcels of `parcels` under the rules of `ctx` (`kinds` orders
    /// `ctx.nearest`).
    pub(crate) fn new(ctx: &Context<'a>, kinds: &[String], parcels: &'a [Parcel]) -> Self {
        let params = ctx.params;
        let limits: [Vec<f64>; 3] = CLASSES.map(|class| {
            kinds
                .iter()
                .map(|k| {
                    params
                        .buffer(k, class)
                        .map_or(f64::NEG_INFINITY, |b| b - TOLERANCE * b.max(1.0))
                })
                .collect()
        });
        let clear_bits: Vec<u8> = (0..parcels.len())
            .into_par_iter()
            .map(|j| {
                let near = &ctx.nearest[j];
                let mut bits = 0u8;
                for (c, lim) in limits.iter().enumerate() {
                    let blocked = near
                        .iter()
                        .zip(lim)
                        .any(|(n, l)| n.is_some_and(|n| n.distance_m < *l));
                    if !blocked {
                        bits |= 1 << c;
                    }
                }
                bits
            })
            .collect();
        let mut order: Vec<u32> = (0..parcels.len() as u32)
            .filter(|&j| parcels[j as usize].status == ParcelStatus::Available)
            .collect();
        order.par_sort_unstable_by(|&a, &b| {
            parcels[a as usize]
                .area_mu
                .total_cmp(&parcels[b as usize].area_mu)
                .then(a.cmp(&b))
        });
        let mut cluster_ids: HashMap<&str, u32> = HashMap::new();
        cluster_ids.insert(GENERAL_CLUSTER, 0);
        let mut available = Vec::with_capacity(order.len());
        let mut by_land: [Vec<f64>; 3] = Default::default();
        let mut all: HashMap<(u8, u32), Bucket> = HashMap::new();
        let mut clear: [HashMap<(u8, u32), Bucket>; 3] = Default::default();
        for &j in &order {
            let p = &parcels[j as usize];
            let land = land_index(p);
            let next = cluster_ids.len() as u32;
            let cluster = *cluster_ids.entry(p.cluster.as_str()).or_insert(next);
            let cap = p.max_far.map_or(f64::INFINITY, |m| m * (1.0 + TOLERANCE));
            available.push(p.area_mu);
            by_land[land as usize].push(p.area_mu);
            let push = |b: &mut Bucket| {
                b.area.push(p.area_mu);
                b.parcel.push(j);
                b.far_cap.push(cap);
            };
            push(all.entry((land, cluster)).or_default());
            for (c, map) in clear.iter_mut().enumerate() {
                if clear_bits[j as usize] & (1 << c) != 0 {
                    push(map.entry((land, cluster)).or_default());
                }
            }
        }
        // Buckets in key order, so their places do not depend on hashing.
        let mut buckets = Vec::new();
        let clear = clear.map(|map| {
            let mut entries: Vec<_> = map.into_iter().collect();
            entries.sort_unstable_by_key(|e| e.0);
            entries
                .into_iter()
                .map(|(key, b)| {
                    buckets.push(b);
                    (key, buckets.len() as u32 - 1)
                })
                .collect()
        });
        ParcelIndex {
            buckets,
            params,
            blocks: ctx.blocks,
            parcels: parcels.len() as u32,
            available,
            by_land,
            all,
            clear,
            cluster_ids,
            clear_bits,
            limits,
            nearest: ctx.nearest,
        }
    }

    /// Every parcel once, those of a bucket next to each other: by (land class, cluster), then
    /// by which pollution classes' buffers they clear, then by area; unavailable parcels last.
    /// An enterprise's parcels are then a few runs, and so are its rivals'.
    pub(crate) fn column_order(&self) -> Vec<u32> {
        let mut keys: Vec<&(u8, u32)> = self.all.keys().collect();
        keys.sort_unstable();
        let mut order = Vec::with_capacity(self.parcels as usize);
        let mut placed = vec![false; self.parcels as usize];
        for key in keys {
            let start = order.len();
            order.extend_from_slice(&self.all[key].parcel);
            order[start..].sort_by_key(|&j| self.clear_bits[j as usize]);
        }
        for &j in &order {
            placed[j as usize] = true;
        }
        order.extend((0..self.parcels).filter(|&j| !placed[j as usize]));
        order
    }

    fn bucket(&self, part: &Part) -> &Bucket {
        &self.buckets[part.bucket as usize]
    }

    /// Weight units of `q` on position `x` of `part`'s bucket.
    #[inline]
    fn weight(&self, q: &Query, part: &Part, x: usize) -> i64 {
        let area = self.bucket(part).area[x];
        weight_units(weight_of(
            self.params,
            self.blocks,
            q.c,
            area,
            part.matching,
        ))
    }

    /// Whether position `x` of `part`'s bucket passes `q`'s planned FAR and is not skipped.
    #[inline]
    fn usable(&self, q: &Query, b: &Bucket, x: usize, skip: Option<&[bool]>) -> bool {
        q.far.is_none_or(|f| f <= b.far_cap[x]) && skip.is_none_or(|s| !s[b.parcel[x] as usize])
    }

    /// `c` against the index: its buckets and every count of its funnel but `max_far`'s (see
    /// [`Self::far_failures`]), which [`Self::finish`] then folds in.
    pub(crate) fn query<'c>(&self, c: &'c Candidate, planned_far: Option<f64>) -> Query<'c> {
        let mut q = Query {
            c,
            parts: Vec::new(),
            far: planned_far,
            losses: Losses::default(),
        };
        let n = self.parcels;
        let Some(r) = c.requested_mu.filter(|r| r.is_finite() && *r > 0.0) else {
            q.losses.by_constraint.insert(Constraint::Request, n);
            return q;
        };
        if !(c.priority.is_finite() && c.priority > 0.0) {
            q.losses.by_constraint.insert(Constraint::Priority, n);
            return q;
        }
        let mut counts = [0u32; CONSTRAINTS.len()];
        counts[Constraint::Status as usize] = n - self.available.len() as u32;
        let (lo, hi) = area_window(self.params, self.blocks, r);
        let fitting = count_in(&self.available, lo, hi);
        counts[Constraint::AreaFit as usize] = self.available.len() as u32 - fitting;
        let class = class_index(c.pollution_class);
        let own = self
            .cluster_ids
            .get(c.cluster.as_str())
            .copied()
            .unwrap_or(u32::MAX);
        let mut allowed = 0;
        let mut right_cluster = 0;
        let mut clear = 0;
        let lands = self.params.land_classes.get(&c.pollution_class);
        let mut land_ok = [false; 3];
        for l in lands.into_iter().flatten() {
            land_ok[*l as usize] = true;
        }
        for land in 0..3u8 {
            if !land_ok[land as usize] {
                continue;
            }
            allowed += count_in(&self.by_land[land as usize], lo, hi);
            let clusters = [(0u32, false), (own, true)];
            for &(cluster, matching) in clusters.iter().take(if own == 0 { 1 } else { 2 }) {
                let key = (land, cluster);
                if let Some(b) = self.all.get(&key) {
                    let (a, e) = b.window(lo, hi);
                    right_cluster += (e - a) as u32;
                }
                if let Some(&bucket) = self.clear[class].get(&key) {
                    let b = &self.buckets[bucket as usize];
                    let (a, e) = b.window(lo, hi);
                    if e > a {
                        clear += (e - a) as u32;
                        let p = a + b.area[a..e].partition_point(|&x| x < r);
                        q.parts.push(Part {
                            class: class as u8,
                            key,
                            bucket,
                            matching,
                            a: a as u32,
                            p: p as u32,
                            b: e as u32,
                        });
                    }
                }
            }
        }
        counts[Constraint::LandClass as usize] = fitting - allowed;
        counts[Constraint::Cluster as usize] = allowed - right_cluster;
        counts[Constraint::Buffer as usize] = right_cluster - clear;
        counts[Constraint::Priority as usize] = self.zero_weight(&q);
        for k in CONSTRAINTS {
            if counts[k as usize] > 0 {
                q.losses.by_constraint.insert(k, counts[k as usize]);
            }
        }
        q.losses.feasible = clear - counts[Constraint::Priority as usize];
        q
    }

    /// Parcels of `q`'s windows that pass its planned FAR but carry no weight (rounded to 0):
    /// the ends of each window, where the weight is lowest.
    fn zero_weight(&self, q: &Query) -> u32 {
        let mut zero = 0;
        for part in &q.parts {
            let b = self.bucket(part);
            let (a, p, e) = (part.a as usize, part.p as usize, part.b as usize);
            let left = a + partition(a, p, |x| self.weight(q, part, x) < 1);
            let right = p + partition(p, e, |x| self.weight(q, part, x) >= 1);
            zero += (a..left)
                .chain(right..e)
                .filter(|&x| self.usable(q, b, x, None))
                .count() as u32;
        }
        zero
    }

    /// How many parcels of each query's windows its planned FAR rules out: an offline sweep
    /// per bucket over the parcels by `max_far`, counting positions with a Fenwick tree.
    pub(crate) fn far_failures(&self, queries: &[Query]) -> Vec<u32> {
        // Per bucket: (planned FAR, window start, window end, query).
        let jobs = by_bucket(queries, |qi, q, part| {
            q.far.map(|far| (far, part.a, part.b, qi as u32))
        });
        let answers: Vec<Vec<(u32, u32)>> = jobs
            .into_par_iter()
            .map(|((class, key), mut qs)| {
                let b = &self.buckets[self.clear[class as usize][&key] as usize];
                let mut caps: Vec<(f64, u32)> = b
                    .far_cap
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.is_finite())
                    .map(|(x, &c)| (c, x as u32))
                    .collect();
                if caps.is_empty() {
                    return Vec::new();
                }
                caps.sort_by(|x, y| x.0.total_cmp(&y.0));
                qs.sort_by(|x, y| x.0.total_cmp(&y.0));
                let mut tree = Fenwick::new(b.area.len());
                let mut next = 0;
                let mut out = Vec::with_capacity(qs.len());
                for (far, a, e, qi) in qs {
                    // A planned FAR fails where it is above the cap.
                    while next < caps.len() && caps[next].0 < far {
                        tree.add(caps[next].1 as usize);
                        next += 1;
                    }
                    let n = tree.prefix(e as usize) - tree.prefix(a as usize);
                    if n > 0 {
                        out.push((qi, n));
                    }
                }
                out
            })
            .collect();
        let mut fails = vec![0u32; queries.len()];
        for (qi, n) in answers.into_iter().flatten() {
            fails[qi as usize] += n;
        }
        fails
    }

    /// For each parcel, how many of `queries` could use it (feasible with a positive weight,
    /// locked parcels included): per bucket, each query's span of weights `>= 1` is a range of
    /// positions, and a sweep by planned FAR against the parcels' `max_far` leaves out what the
    /// FAR rules out. Exact without listing a pair, so the report's "n candidates could use this
    /// parcel" holds when the rows list only the best parcels.
    pub(crate) fn users_per_parcel(&self, queries: &[Query]) -> Vec<u32> {
        // Per bucket: (planned FAR or -inf, span start, span end).
        let jobs = by_bucket(queries, |_, q, part| {
            let (lo, hi) = self.span(q, part, 1);
            (hi > lo).then(|| (q.far.unwrap_or(f64::NEG_INFINITY), lo as u32, hi as u32))
        });
        let counted: Vec<Vec<(u32, u32)>> = jobs
            .into_par_iter()
            .map(|((class, key), mut spans)| {
                let b = &self.buckets[self.clear[class as usize][&key] as usize];
                // Positions by FAR cap; a span counts at a position once its FAR is within the cap.
                let mut order: Vec<u32> = (0..b.area.len() as u32).collect();
                order.sort_by(|&x, &y| b.far_cap[x as usize].total_cmp(&b.far_cap[y as usize]));
                spans.sort_by(|x, y| x.0.total_cmp(&y.0));
                let (mut starts, mut ends) =
                    (Fenwick::new(b.area.len()), Fenwick::new(b.area.len()));
                let mut next = 0;
                let mut out = Vec::new();
                for x in order {
                    let cap = b.far_cap[x as usize];
                    while next < spans.len() && spans[next].0 <= cap {
                        starts.add(spans[next].1 as usize);
                        ends.add(spans[next].2 as usize);
                        next += 1;
                    }
                    // Spans with start <= x, less those that also end at or before x.
                    let n = starts.prefix(x as usize + 1) - ends.prefix(x as usize + 1);
                    if n > 0 {
                        out.push((b.parcel[x as usize], n));
                    }
                }
                out
            })
            .collect();
        let mut users = vec![0u32; self.parcels as usize];
        for (j, n) in counted.into_iter().flatten() {
            users[j as usize] += n;
        }
        users
    }

    /// Fold the FAR failures into a query's funnel: they come before the zero-weight parcels
    /// in the order constraints apply, and are not feasible.
    pub(crate) fn finish(q: &mut Query, far_fails: u32) {
        if far_fails > 0 {
            q.losses.by_constraint.insert(Constraint::MaxFar, far_fails);
            q.losses.feasible -= far_fails;
        }
    }

    /// The buffer losses by sensitive area (`Losses::by_area`), which only the message of an
    /// enterprise without any feasible parcel names: each parcel of its windows of the right
    /// land class and cluster that a buffer of its class removes, counted against the first kind
    /// (in kind order) whose buffer it violates and that kind's nearest area.
    pub(crate) fn buffer_areas(&self, q: &mut Query) {
        let c = q.c;
        let Some(r) = c.requested_mu.filter(|r| r.is_finite() && *r > 0.0) else {
            return;
        };
        if !q.losses.by_constraint.contains_key(&Constraint::Buffer) {
            return;
        }
        let (lo, hi) = area_window(self.params, self.blocks, r);
        let class = class_index(c.pollution_class);
        let own = self
            .cluster_ids
            .get(c.cluster.as_str())
            .copied()
            .unwrap_or(u32::MAX);
        let lim = &self.limits[class];
        for l in self
            .params
            .land_classes
            .get(&c.pollution_class)
            .into_iter()
            .flatten()
        {
            let land = *l as u8;
            for cluster in [0, own].into_iter().take(if own == 0 { 1 } else { 2 }) {
                let Some(b) = self.all.get(&(land, cluster)) else {
                    continue;
                };
                let (a, e) = b.window(lo, hi);
                for &j in &b.parcel[a..e] {
                    if self.clear_bits[j as usize] & (1 << class) != 0 {
                        continue;
                    }
                    let near = &self.nearest[j as usize];
                    let first = (0..lim.len()).find_map(|k| {
                        near[k]
                            .filter(|n| n.distance_m < lim[k])
                            .map(|n| (k, n.area))
                    });
                    if let Some(key) = first {
                        *q.losses.by_area.entry(key).or_insert(0) += 1;
                    }
                }
            }
        }
    }

    /// The weight at or above which `q` has at least `k` feasible parcels (not `skip`ped): its
    /// `k`-th best weight, or 1 (every feasible parcel) when it has fewer.
    pub(crate) fn kth_best(&self, q: &Query, k: usize, skip: Option<&[bool]>) -> i64 {
        if k == 0 {
            return i64::MAX;
        }
        // Two cursors per part, walking out from the request; a max-heap of their weights.
        let mut heap = std::collections::BinaryHeap::new();
        let mut cursors: Vec<(isize, isize)> = Vec::with_capacity(q.parts.len());
        for (n, part) in q.parts.iter().enumerate() {
            let left = self.step(q, part, part.p as isize - 1, -1, skip);
            let right = self.step(q, part, part.p as isize, 1, skip);
            cursors.push((left, right));
            if left >= part.a as isize {
                heap.push((self.weight(q, part, left as usize), n, 0u8));
            }
            if right < part.b as isize {
                heap.push((self.weight(q, part, right as usize), n, 1u8));
            }
        }
        let mut taken = 0;
        while let Some((w, n, side)) = heap.pop() {
            if w < 1 {
                break;
            }
            taken += 1;
            if taken == k {
                return w;
            }
            let part = &q.parts[n];
            let cur = &mut cursors[n];
            if side == 0 {
                cur.0 = self.step(q, part, cur.0 - 1, -1, skip);
                if cur.0 >= part.a as isize {
                    heap.push((self.weight(q, part, cur.0 as usize), n, 0));
                }
            } else {
                cur.1 = self.step(q, part, cur.1 + 1, 1, skip);
                if cur.1 < part.b as isize {
                    heap.push((self.weight(q, part, cur.1 as usize), n, 1));
                }
            }
        }
        1
    }

    /// From position `x`, moving by `dir`, the first usable position inside the part's window
    /// (or one past its end).
    fn step(
        &self,
        q: &Query,
        part: &Part,
        mut x: isize,
        dir: isize,
        skip: Option<&[bool]>,
    ) -> isize {
        let b = self.bucket(part);
        while x >= part.a as isize && x < part.b as isize && !self.usable(q, b, x as usize, skip) {
            x += dir;
        }
        x
    }

    /// Positions `[lo, hi)` of `part` whose weight is at least `t` (`t` >= 1).
    fn span(&self, q: &Query, part: &Part, t: i64) -> (usize, usize) {
        let (a, p, e) = (part.a as usize, part.p as usize, part.b as usize);
        let lo = a + partition(a, p, |x| self.weight(q, part, x) < t);
        let hi = p + partition(p, e, |x| self.weight(q, part, x) >= t);
        (lo, hi)
    }

    /// Every feasible parcel of `q` (not `skip`ped) whose weight is at least `t` (>= 1), as
    /// `(parcel, weight units)`, appended to `out`.
    pub(crate) fn list(&self, q: &Query, t: i64, skip: Option<&[bool]>, out: &mut Vec<(u32, i64)>) {
        let t = t.max(1);
        for part in &q.parts {
            let b = self.bucket(part);
            let (lo, hi) = self.span(q, part, t);
            for x in lo..hi {
                if self.usable(q, b, x, skip) {
                    out.push((b.parcel[x], self.weight(q, part, x)));
                }
            }
        }
    }

    /// How many parcels [`Self::list`] gives for `q` and `t` (no `skip`), without weighing them.
    pub(crate) fn count(&self, q: &Query, t: i64) -> usize {
        let t = t.max(1);
        q.parts
            .iter()
            .map(|part| {
                let b = self.bucket(part);
                let (lo, hi) = self.span(q, part, t);
                match q.far {
                    None => hi - lo,
                    Some(_) => (lo..hi).filter(|&x| self.usable(q, b, x, None)).count(),
                }
            })
            .sum()
    }

    /// The best weight among `q`'s feasible parcels (not `skip`ped) below `t`: on each side of
    /// each part, the first usable position outside the span of weights `>= t`.
    pub(crate) fn best_below(&self, q: &Query, t: i64, skip: Option<&[bool]>) -> Option<i64> {
        let t = t.max(1);
        let mut best: Option<i64> = None;
        for part in &q.parts {
            let (lo, hi) = self.span(q, part, t);
            let left = self.step(q, part, lo as isize - 1, -1, skip);
            let right = self.step(q, part, hi as isize, 1, skip);
            for x in [left, right] {
                if x >= part.a as isize && x < part.b as isize {
                    let w = self.weight(q, part, x as usize);
                    if w >= 1 && best.is_none_or(|b| w > b) {
                        best = Some(w);
                    }
                }
            }
        }
        best
    }
}

/// A bucket of one pollution class: `(class, (land class, cluster))`.
type BucketKey = (u8, (u8, u32));

/// What `item(query index, query, part)` gives for each part of each query, gathered per bucket
/// and in bucket order, for the offline sweeps over a bucket's parcels.
fn by_bucket<T>(
    queries: &[Query],
    item: impl Fn(usize, &Query, &Part) -> Option<T>,
) -> Vec<(BucketKey, Vec<T>)> {
    let mut per_bucket: HashMap<BucketKey, Vec<T>> = HashMap::new();
    for (qi, q) in queries.iter().enumerate() {
        for part in &q.parts {
            if let Some(x) = item(qi, q, part) {
                per_bucket
                    .entry((part.class, part.key))
                    .or_default()
                    .push(x);
            }
        }
    }
    let mut jobs: Vec<_> = per_bucket.into_iter().collect();
    jobs.sort_by_key(|j| j.0);
    jobs
}

/// The first position in `[a, e)` where `below` turns false (`below` true then false).
fn partition(a: usize, e: usize, below: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (a, e);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo - a
}

fn land_index(p: &Parcel) -> u8 {
    p.land_use as u8
}

/// Counts by position, for the FAR sweep.
struct Fenwick(Vec<u32>);

impl Fenwick {
    fn new(n: usize) -> Self {
        Fenwick(vec![0; n + 1])
    }
    fn add(&mut self, x: usize) {
        let mut i = x + 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }
    /// Entries at positions `< x`.
    fn prefix(&self, x: usize) -> u32 {
        let mut i = x;
        let mut s = 0;
        while i > 0 {
            s += self.0[i];
            i -= i & i.wrapping_neg();
        }
        s
    }
}
