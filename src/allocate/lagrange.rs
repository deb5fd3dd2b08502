//! A Lagrangian bound and heuristic for the linear model, for block mode and side constraints
//! at sizes where the MIP solver cannot even load the model in time (millions of pairs).
//!
//! Every row except "at most one parcel per enterprise" moves into the objective with a price
//! `mu_r >= 0`; what is left splits by enterprise (each takes its best pair at today's prices, or
//! none), so `L(mu)` is an upper bound on every allocation for any prices (weak duality) and is
//! evaluated in one pass over the pairs. Subgradient steps (Polyak's rule against the best
//! allocation found) lower it towards the LP relaxation's bound; the greedy, guided by the priced
//! profits, turns the prices into allocations.

use super::mip::greedy;
use super::model::{LinearModel, Sense};
use std::time::{Duration, Instant};

/// Most subgradient steps.
const MAX_STEPS: usize = 400;
/// Steps without a better bound before the step size halves.
const PATIENCE: usize = 8;
/// Smallest step-size factor before the search stops.
const MIN_THETA: f64 = 1e-4;
/// A guided greedy every this many steps (each is one pass over the pairs and a sort).
const HEURISTIC_EVERY: usize = 40;

/// What the search found: its best bound and its best feasible allocation.
pub(super) struct Lagrangian {
    /// An upper bound on the objective, weight units / scale.
    pub(super) bound: f64,
    /// The best allocation found (variable indexes), with its objective in weight units.
    pub(super) best: Option<(Vec<usize>, i64)>,
    pub(super) steps: usize,
}

/// Search prices for at most `budget`, starting from the allocation `start`; stop once the
/// best allocation is within `gap` (relative) of the bound. Each step counts into `meter`, out
/// of the most steps.
pub(super) fn search(
    m: &LinearModel,
    start: Option<Vec<usize>>,
    budget: Duration,
    gap: f64,
    meter: Option<&crate::meter::Meter>,
) -> Lagrangian {
    let t0 = Instant::now();
    if let Some(meter) = meter {
        meter.start(MAX_STEPS as u64);
    }
    let value = |s: &[usize]| s.iter().map(|&k| m.obj_units[k]).sum::<i64>();
    let mut best = start.map(|s| {
        let v = value(&s);
        (s, v)
    });
    let relaxed = Relaxed::new(m);
    let mut mu = vec![0.0; relaxed.rhs.len()];
    let mut g = vec![0.0; relaxed.rhs.len()];
    let mut red = vec![0.0; m.vars.len()];
    let mut bound = f64::INFINITY;
    let mut best_mu = mu.clone();
    let mut theta = 2.0;
    let mut since = 0;
    let mut steps = 0;
    let close = |bound: f64, best: &Option<(Vec<usize>, i64)>| {
        best.as_ref().is_some_and(|(_, v)| {
            let v = *v as f64 / super::feasibility::WEIGHT_SCALE;
            bound - v <= gap * v.abs().max(1.0)
        })
    };
    while steps < MAX_STEPS && t0.elapsed() < budget {
        steps += 1;
        if let Some(meter) = meter {
            meter.add(1);
        }
        let l = relaxed.evaluate(m, &mu, &mut red, &mut g);
        if l < bound {
            bound = l;
            best_mu.clone_from(&mu);
            since = 0;
        } else {
            since += 1;
            if since >= PATIENCE {
                theta /= 2.0;
                since = 0;
            }
        }
        if steps % HEURISTIC_EVERY == 0 {
            improve(m, &red, &mut best);
        }
        if close(bound, &best) || theta < MIN_THETA {
            break;
        }
        // Polyak's step towards the best allocation's value (or 5% below the bound without one).
        let target = best
            .as_ref()
            .map_or(0.95 * l, |b| b.1 as f64 / super::feasibility::WEIGHT_SCALE);
        let norm: f64 = g
            .iter()
            .zip(&mu)
            .filter(|&(gr, mr)| !(*mr == 0.0 && *gr > 0.0))
            .map(|(gr, _)| gr * gr)
            .sum();
        if norm == 0.0 {
            break; // the relaxed choice is feasible and complementary: the bound is exact
        }
        let t = theta * (l - target).max(1e-9 * l.abs().max(1.0)) / norm;
        for (mr, gr) in mu.iter_mut().zip(&g) {
            *mr = (*mr - t * gr).max(0.0);
        }
    }
    if !close(bound, &best) && steps > 0 {
        relaxed.evaluate(m, &best_mu, &mut red, &mut g);
        improve(m, &red, &mut best);
    }
    Lagrangian { bound, best, steps }
}

/// Keep the greedy guided by the priced profits `red` if it beats `best`.
fn improve(m: &LinearModel, red: &[f64], best: &mut Option<(Vec<usize>, i64)>) {
    if let Some(s) = greedy(m, Some(red)) {
        let v: i64 = s.iter().map(|&k| m.obj_units[k]).sum();
        if best.as_ref().is_none_or(|b| v > b.1) {
            *best = Some((s, v));
        }
    }
}

/// The relaxed rows as `a x <= b` (`>=` rows negated), pairs grouped by enterprise.
struct Relaxed {
    rhs: Vec<f64>,
    /// Per variable, its terms `(relaxed row, coefficient)`.
    start: Vec<usize>,
    terms: Vec<(u32, f64)>,
    /// Variables of each enterprise (a run of `order`), and whether it is locked.
    order: Vec<usize>,
    groups: Vec<(usize, usize, bool)>,
}

impl Relaxed {
    fn new(m: &LinearModel) -> Self {
        // Rows the per-enterprise choice keeps anyway: one enterprise's pairs, at most one.
        let implied = |terms: &[(usize, f64)], rhs: f64| {
            terms.first().is_some_and(|&(k0, _)| {
                rhs >= 1.0
                    && terms
                        .iter()
                        .all(|&(k, c)| m.vars[k].0 == m.vars[k0].0 && (0.0..=1.0).contains(&c))
            })
        };
        let mut rhs = Vec::new();
        let mut per_var: Vec<Vec<(u32, f64)>> = vec![Vec::new(); m.vars.len()];
        for row in &m.rows {
            if row.sense == Sense::Le && implied(&row.terms, row.rhs) {
                continue;
            }
            let sign = if row.sense == Sense::Le { 1.0 } else { -1.0 };
            let r = rhs.len() as u32;
            rhs.push(sign * row.rhs);
            for &(k, c) in &row.terms {
                per_var[k].push((r, sign * c));
            }
        }
        let mut start = Vec::with_capacity(m.vars.len() + 1);
        start.push(0);
        let mut terms = Vec::new();
        for t in per_var {
            terms.extend(t);
            start.push(terms.len());
        }
        let mut order: Vec<usize> = (0..m.vars.len()).collect();
        order.sort_by_key(|&k| m.vars[k].0);
        let mut groups = Vec::new();
        let mut a = 0;
        while a < order.len() {
            let i = m.vars[order[a]].0;
            let mut b = a;
            while b < order.len() && m.vars[order[b]].0 == i {
                b += 1;
            }
            let locked = order[a..b].iter().any(|&k| m.locked[k]);
            groups.push((a, b, locked));
            a = b;
        }
        Relaxed {
            rhs,
            start,
            terms,
            order,
            groups,
        }
    }

    /// `L(mu)`, each variable's priced profit in `red`, and the subgradient `b - a x(mu)` in `g`.
    fn evaluate(&self, m: &LinearModel, mu: &[f64], red: &mut [f64], g: &mut [f64]) -> f64 {
        let mut l: f64 = mu.iter().zip(&self.rhs).map(|(u, b)| u * b).sum();
        g.copy_from_slice(&self.rhs);
        for (k, r) in red.iter_mut().enumerate() {
            let priced: f64 = self.terms[self.start[k]..self.start[k + 1]]
                .iter()
                .map(|&(row, c)| mu[row as usize] * c)
                .sum();
            *r = m.obj[k] - priced;
        }
        for &(a, b, locked) in &self.groups {
            let ks = &self.order[a..b];
            // A locked enterprise takes its locked pair whatever it costs.
            let pick = if locked {
                ks.iter().copied().find(|&k| m.locked[k])
            } else {
                ks.iter()
                    .copied()
                    .filter(|&k| red[k] > 0.0)
                    .max_by(|&x, &y| red[x].total_cmp(&red[y]).then(y.cmp(&x)))
            };
            if let Some(k) = pick {
                l += red[k];
                for &(row, c) in &self.terms[self.start[k]..self.start[k + 1]] {
                    g[row as usize] -= c;
                }
            }
        }
        l
    }
}
