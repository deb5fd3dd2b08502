//! Pairs fixed before solving: the rule file's locks and, when `lock_occupants` is on, occupied
//! parcels held by their occupant.

use super::{Params, Problem, feasibility};
use crate::error::{InputError, Place, Problems};
use crate::model::ParcelStatus;
use std::collections::{BTreeMap, HashMap};

/// Locked pairs `(candidate, parcel, weight units)`: rule-file locks and, when
/// `lock_occupants` is on, occupied parcels whose occupant is a candidate.
pub(super) fn locks(
    p: &Problem,
    params: &Params,
    blocks: bool,
    warnings: &mut Vec<String>,
) -> Result<Vec<(usize, u32, i64)>, Problems> {
    let by_id: HashMap<&str, usize> = p
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let parcel_by_id: HashMap<&str, usize> = p
        .park
        .parcels
        .iter()
        .enumerate()
        .map(|(j, q)| (q.id.as_str(), j))
        .collect();
    let mut out: BTreeMap<usize, (usize, u32)> = BTreeMap::new(); // candidate -> (candidate, parcel)
    let mut problems = Problems::default();
    let add =
        |i: usize, j: usize, out: &mut BTreeMap<usize, (usize, u32)>, problems: &mut Problems| {
            if let Some(&(_, prev)) = out.get(&i)
                && prev as usize != j
            {
                problems.push(InputError::new(
                    &p.rules.source,
                    Place::File,
                    Some("allocation.side.locks"),
                    format!(
                        "enterprise {} is locked to two parcels, {} and {}",
                        p.candidates[i].id, p.park.parcels[prev as usize].id, p.park.parcels[j].id
                    ),
                ));
            }
            out.insert(i, (i, j as u32));
        };
    for (parcel_id, ent) in &params.side.locks {
        let Some(&j) = parcel_by_id.get(parcel_id.as_str()) else {
            problems.push(InputError::new(
                &p.rules.source,
                Place::File,
                Some(&format!("allocation.side.locks.{parcel_id}")),
                format!("no parcel has id {parcel_id:?}"),
            ));
            continue;
        };
        match by_id.get(ent.as_str()) {
            Some(&i) => add(i, j, &mut out, &mut problems),
            None => warnings.push(format!("lock of parcel {parcel_id} to {ent} ignored: {ent} is not among the enterprises to allocate")),
        }
    }
    if params.side.lock_occupants {
        for (j, q) in p.park.parcels.iter().enumerate() {
            if q.status == ParcelStatus::Occupied
                && let Some(&i) = q.occupant.as_deref().and_then(|o| by_id.get(o))
            {
                add(i, j, &mut out, &mut problems);
            }
        }
    }
    if !blocks {
        let mut holder: BTreeMap<u32, usize> = BTreeMap::new();
        for &(i, j) in out.values() {
            if let Some(prev) = holder.insert(j, i) {
                problems.push(InputError::new(
                    &p.rules.source,
                    Place::File,
                    Some("allocation.side.locks"),
                    format!(
                        "parcel {} is locked to two enterprises, {} and {}, in plot mode",
                        p.park.parcels[j as usize].id, p.candidates[prev].id, p.candidates[i].id
                    ),
                ));
            }
        }
    }
    let locked: Vec<(usize, u32, i64)> = out
        .values()
        .map(|&(i, j)| {
            (
                i,
                j,
                feasibility::weight_units(feasibility::weight(
                    params,
                    blocks,
                    &p.candidates[i],
                    &p.park.parcels[j as usize],
                )),
            )
        })
        .collect();
    problems.into_result(locked)
}
