//! Why each unplaced enterprise has no land: no feasible parcel (and which constraints removed
//! them), out-competed by the holders of its best parcels, or kept out by the side constraints.

use super::feasibility::{CONSTRAINTS, Constraint, Feasible, Losses};
use super::status::UnplacedCause;
use super::{Assignment, Params, Problem, Rival, Unplaced, best_first, fmt_w};
use crate::model::Candidate;
use crate::spatial::ParkGeometry;
use std::collections::HashMap;

/// Why each unassigned candidate has no land, in candidate order.
pub(super) fn reasons(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    feasible: &Feasible,
    assignments: &[Assignment],
    col_price: Option<&[i64]>,
    blocks: bool,
) -> Vec<Unplaced> {
    let mut holder: HashMap<usize, &Assignment> = HashMap::new();
    let mut placed = vec![false; p.candidates.len()];
    for a in assignments {
        holder.entry(a.parcel).or_insert(a);
        placed[a.candidate] = true;
    }
    let n = p.park.parcels.len();
    let exact = col_price.filter(|_| feasible.complete).map(|price| {
        super::shortfall::extra_weight_needed(feasible, assignments, price, p.candidates.len())
    });
    let mut out = Vec::new();
    for (i, c) in p.candidates.iter().enumerate() {
        if placed[i] {
            continue;
        }
        let losses = &feasible.losses[i];
        let row = feasible.row(i);
        let rivals = rivals(p, row, &holder);
        // Exact from the whole chain of displacements when every pair is listed; otherwise the
        // smallest reduced cost, a lower bound.
        let weight_short = match (col_price, &exact) {
            (Some(_), Some(need)) => need[i].map(fmt_w),
            (Some(price), None) => row
                .iter()
                .map(|&(j, w)| price[j as usize] - w)
                .min()
                .map(fmt_w),
            _ => None,
        };
        // Rows may list only an enterprise's best parcels; the funnel counts them all.
        let n_feasible = losses.feasible as usize;
        let (cause, message) = if n_feasible == 0 {
            (
                UnplacedCause::NoFeasibleParcel,
                no_parcel_message(p, params, geometry, c, losses, n, blocks),
            )
        } else if rivals.iter().all(|r| r.taken_by.is_some()) {
            (
                UnplacedCause::OutCompeted,
                out_competed_message(n_feasible, &rivals, weight_short, exact.is_some(), blocks),
            )
        } else {
            (
                UnplacedCause::SideConstraints,
                side_constraints_message(n_feasible, &rivals, blocks),
            )
        };
        out.push(Unplaced {
            enterprise_id: c.id.clone(),
            name: c.name.clone(),
            cause,
            feasible_parcels: losses.feasible,
            removed_by: losses.by_constraint.clone(),
            rivals,
            weight_short,
            message,
        });
    }
    out
}

/// An enterprise's three best feasible parcels and who holds each: what it lost, and to whom.
fn rivals(p: &Problem, row: &[(u32, i64)], holder: &HashMap<usize, &Assignment>) -> Vec<Rival> {
    let mut best = best_first(&p.park.parcels, row);
    best.truncate(3);
    best.iter()
        .map(|&(j, w)| {
            let h = holder.get(&(j as usize));
            Rival {
                parcel_id: p.park.parcels[j as usize].id.clone(),
                weight: fmt_w(w),
                taken_by: h.map(|a| a.enterprise_id.clone()),
                taken_by_weight: h.map(|a| a.weight),
            }
        })
        .collect()
}

/// "out-competed: 4 feasible parcels, all taken; best: P7 went to A3 (weight ...)", with the
/// extra weight that would place it when the matching's dual prices are known (`exact`: the
/// whole chain of displacements; otherwise a lower bound).
fn out_competed_message(
    feasible: usize,
    rivals: &[Rival],
    weight_short: Option<f64>,
    exact: bool,
    blocks: bool,
) -> String {
    let list: Vec<String> = rivals
        .iter()
        .map(|r| {
            format!(
                "{} went to {} (weight {:.3} vs its {:.3})",
                r.parcel_id,
                r.taken_by.as_deref().unwrap_or("?"),
                r.taken_by_weight.unwrap_or(0.0),
                r.weight
            )
        })
        .collect();
    let taken = if blocks { "all full" } else { "all taken" };
    let mut m = format!(
        "out-competed: {} feasible parcel{}, {taken}; best: {}",
        feasible,
        if feasible == 1 { "" } else { "s" },
        list.join("; ")
    );
    match weight_short {
        Some(s) if !exact => m.push_str(&format!("; it would need at least {s:.3} extra weight (priority x fit) on one of them to be placed (a lower bound: only each enterprise's best parcels were listed)")),
        Some(s) if s > 0.0 => m.push_str(&format!("; it would need more than {s:.3} extra weight (priority x fit) on one of them to be placed")),
        Some(_) => m.push_str("; a tie: any extra weight (priority x fit) on one of them would place it"),
        None => {}
    }
    m
}

/// Some of its best parcels are free, yet it is out: the parcels' areas (blocks) or the side
/// constraints keep it out.
fn side_constraints_message(feasible: usize, rivals: &[Rival], blocks: bool) -> String {
    let free: Vec<&str> = rivals
        .iter()
        .filter(|r| r.taken_by.is_none())
        .map(|r| r.parcel_id.as_str())
        .collect();
    if blocks {
        format!(
            "{} feasible parcel{} ({} among the best) but no room left under the parcels' areas or the side constraints",
            feasible,
            if feasible == 1 { "" } else { "s" },
            free.join(", ")
        )
    } else {
        format!(
            "{} feasible parcel{}, {} left empty: the side constraints (land budget, cluster areas, moderate-pollution cap) keep it out",
            feasible,
            if feasible == 1 { "" } else { "s" },
            free.join(", ")
        )
    }
}

/// "no parcel passes: of 300 parcels, 40 not available, 210 outside 0.9-1.5 x 30 mu (27.0-45.0
/// mu), ...; the last 12 all within the buffers: 9 within 300 m of Lingkun village (residential)".
pub(super) fn no_parcel_message(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    c: &Candidate,
    losses: &Losses,
    n: usize,
    blocks: bool,
) -> String {
    let get = |k: Constraint| losses.by_constraint.get(&k).copied().unwrap_or(0);
    if get(Constraint::Request) > 0 {
        return "no land request: the enterprise gives neither requested_mu nor land_mu (or it is not positive)".into();
    }
    if get(Constraint::Priority) as usize == n {
        return format!(
            "priority {} is not positive, so placing it adds no weight",
            c.priority
        );
    }
    let funnel = Funnel {
        p,
        params,
        geometry,
        c,
        losses,
        blocks,
    };
    let mut parts = Vec::new();
    let mut left = n as u32;
    for k in CONSTRAINTS {
        let v = get(k);
        if v == 0 {
            continue;
        }
        let what = funnel.removed(k, v, left);
        if k == Constraint::Buffer {
            parts.push(what);
        } else {
            parts.push(format!("{v} {what}"));
        }
        left -= v.min(left);
    }
    format!(
        "no parcel passes every constraint: {}of {n} parcels, {}",
        barred(params, c),
        parts.join("; ")
    )
}

/// A class the rule file gives no land class at all (heavy, in the bundled rules) is the whole
/// answer, whatever else the funnel removed first: the message's prefix then says so.
fn barred(params: &Params, c: &Candidate) -> String {
    if params
        .land_classes
        .get(&c.pollution_class)
        .is_none_or(|l| l.is_empty())
    {
        format!(
            "{} enterprises may use no land class in the park (allocation.land_classes allows none); ",
            c.pollution_class
        )
    } else {
        String::new()
    }
}

/// One enterprise's way through the constraints, to word what each of them removed.
struct Funnel<'a> {
    p: &'a Problem<'a>,
    params: &'a Params,
    geometry: &'a ParkGeometry,
    c: &'a Candidate,
    losses: &'a Losses,
    blocks: bool,
}

impl Funnel<'_> {
    /// What constraint `k` removed, `v` parcels of the `left` that passed the ones before it.
    fn removed(&self, k: Constraint, v: u32, left: u32) -> String {
        let (params, c) = (self.params, self.c);
        let r = c.requested_mu.unwrap_or(0.0);
        match k {
            Constraint::Status => "occupied or reserved".to_string(),
            Constraint::AreaFit if self.blocks => format!("smaller than its {r:.1} mu request"),
            Constraint::AreaFit => format!(
                "outside the area fit {}-{} x {r:.1} mu ({:.1}-{:.1} mu)",
                params.area_fit.min,
                params.area_fit.max,
                params.area_fit.min * r,
                params.area_fit.max * r
            ),
            Constraint::LandClass => {
                let allowed: Vec<String> = params
                    .land_classes
                    .get(&c.pollution_class)
                    .map(|l| l.iter().map(|x| x.to_string()).collect())
                    .unwrap_or_default();
                format!(
                    "of a land class {} enterprises may not use (allowed: {})",
                    c.pollution_class,
                    if allowed.is_empty() {
                        "none".into()
                    } else {
                        allowed.join(", ")
                    }
                )
            }
            Constraint::Cluster => format!("designated for another cluster (it is {})", c.cluster),
            Constraint::Buffer => self.buffers(v, left),
            Constraint::MaxFar => format!(
                "whose max_far is below its planned FAR {}",
                self.p.planned_far.get(&c.id).copied().unwrap_or(0.0)
            ),
            Constraint::Request | Constraint::Priority => format!("{k:?}"),
        }
    }

    /// "too close to sensitive areas (all 12 of the 12 left: 9 within 300 m of ...)": the three
    /// sensitive areas that removed the most parcels.
    fn buffers(&self, v: u32, left: u32) -> String {
        let mut by_area: Vec<(&(usize, usize), &u32)> = self.losses.by_area.iter().collect();
        by_area.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = by_area
            .iter()
            .take(3)
            .map(|((kind, area), cnt)| {
                let kind = &self.geometry.kinds[*kind];
                let s = &self.p.park.sensitive[*area];
                format!(
                    "{cnt} within {} m of {} ({kind})",
                    self.params
                        .buffer(kind, self.c.pollution_class)
                        .unwrap_or(0.0),
                    s.label()
                )
            })
            .collect();
        let all = if v == left {
            format!("all {v}")
        } else {
            v.to_string()
        };
        format!(
            "too close to sensitive areas ({all} of the {left} left: {})",
            list.join(", ")
        )
    }
}
