//! Relocation options: the best feasible parcels of each urban enterprise that converts or
//! relocates, and those of them with no feasible parcel at all.

use super::explain::no_parcel_message;
use super::feasibility::Feasible;
use super::{Assignment, Params, Problem, RelocationOption, WithoutOptions, best_first, fmt_w};
use crate::model::{Candidate, CandidateKind};
use crate::rank::Action;
use crate::spatial::ParkGeometry;
use geo::{Centroid, Distance, Geodesic, Point};
use std::collections::HashMap;

/// Relocation options of the converting candidates (marked when assigned), then of the probes;
/// and those of either with a site but no feasible parcel.
pub(super) fn options(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    feasible: &Feasible,
    probe_feasible: &Feasible,
    assignments: &[Assignment],
    blocks: bool,
) -> (Vec<RelocationOption>, Vec<WithoutOptions>) {
    let assigned: HashMap<usize, usize> = assignments
        .iter()
        .map(|a| (a.candidate, a.parcel))
        .collect();
    let mut options = relocation_options(p, params, p.candidates, feasible, &assigned);
    options.extend(relocation_options(
        p,
        params,
        p.probes,
        probe_feasible,
        &HashMap::new(),
    ));
    let without_options = [(p.candidates, feasible), (p.probes, probe_feasible)]
        .into_iter()
        .flat_map(|(cs, f)| without_options(p, params, geometry, cs, f, blocks))
        .collect();
    (options, without_options)
}

/// `convert` or `relocate` for the urban enterprises that get relocation options.
fn action(c: &Candidate) -> Option<Action> {
    match (c.kind, c.site) {
        (CandidateKind::Converting, Some(_)) => Some(Action::Convert),
        (CandidateKind::Relocating, Some(_)) => Some(Action::Relocate),
        _ => None,
    }
}

/// Each converting or relocating enterprise with a current site: its best feasible parcels.
/// `feasible` has one row per enterprise of `cs`; `assigned` maps an index of `cs` to its parcel.
fn relocation_options(
    p: &Problem,
    params: &Params,
    cs: &[Candidate],
    feasible: &Feasible,
    assigned: &HashMap<usize, usize>,
) -> Vec<RelocationOption> {
    let mut out = Vec::new();
    for (i, c) in cs.iter().enumerate() {
        let (Some(action), Some((lon, lat))) = (action(c), c.site) else {
            continue;
        };
        let row = best_first(&p.park.parcels, feasible.row(i));
        for (rank, &(j, w)) in row.iter().take(params.options_k).enumerate() {
            let q = &p.park.parcels[j as usize];
            let centroid = q.geometry.centroid().unwrap_or(Point::new(lon, lat));
            out.push(RelocationOption {
                enterprise_id: c.id.clone(),
                action,
                rank: rank + 1,
                parcel_id: q.id.clone(),
                weight: fmt_w(w),
                area_mu: q.area_mu,
                distance_km: Geodesic.distance(Point::new(lon, lat), centroid) / 1000.0,
                assigned: assigned.get(&i) == Some(&(j as usize)),
            });
        }
    }
    out
}

/// Converting or relocating enterprises of `cs` with a site but no feasible parcel, and why.
fn without_options(
    p: &Problem,
    params: &Params,
    geometry: &ParkGeometry,
    cs: &[Candidate],
    feasible: &Feasible,
    blocks: bool,
) -> Vec<WithoutOptions> {
    let n = p.park.parcels.len();
    cs.iter()
        .enumerate()
        .filter(|&(i, _)| feasible.losses[i].feasible == 0)
        .filter_map(|(i, c)| {
            let losses = &feasible.losses[i];
            Some(WithoutOptions {
                enterprise_id: c.id.clone(),
                name: c.name.clone(),
                action: action(c)?,
                removed_by: losses.by_constraint.clone(),
                message: no_parcel_message(p, params, geometry, c, losses, n, blocks),
            })
        })
        .collect()
}
