//! How much more weight an out-competed enterprise needs to be placed, exactly, from the
//! matching's dual prices.
//!
//! With prices `p_j` and row duals `u_r = w(r, its parcel) - p_(its parcel)` (0 when unplaced),
//! every pair's reduced cost `u_r + p_j - w_rj` is at least 0. Placing an unplaced enterprise `i`
//! on parcel `j` displaces `j`'s holder, who moves to another parcel or drops out, and so on:
//! the optimum falls by the sum of the reduced costs along that chain, plus the dual of the row
//! that drops out at its end. So the extra weight `i` needs is the shortest such chain: one
//! Dijkstra over parcels from the chain ends (a free parcel costs nothing more; a held parcel
//! can end the chain by dropping its holder, at the holder's dual), shared by every unplaced
//! enterprise. The smallest reduced cost alone (the holder never moves on) is only a lower bound:
//! it reads 0, "a tie", when the rival has nowhere else to go and would have to drop out.

use super::Assignment;
use super::feasibility::Feasible;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// For each candidate, the extra weight (in weight units) on one of its listed pairs that would
/// make a plan placing it as good as today's: `None` for placed and locked candidates, and for
/// those without a listed pair. Exact when `feasible` lists every pair; with rows listing only
/// their best parcels, chains through unlisted pairs are missed, so callers use the lower
/// bound there instead.
pub(super) fn extra_weight_needed(
    feasible: &Feasible,
    assignments: &[Assignment],
    price: &[i64],
    candidates: usize,
) -> Vec<Option<i64>> {
    let parcels = price.len();
    // Who holds each parcel in the matching (locked parcels are out of the matching: unusable).
    let mut holder: Vec<Option<(usize, i64)>> = vec![None; parcels];
    let mut blocked = vec![false; parcels];
    let mut placed = vec![false; candidates];
    for a in assignments {
        placed[a.candidate] = true;
        if a.locked {
            blocked[a.parcel] = true;
        } else {
            holder[a.parcel] = Some((a.candidate, a.weight_units));
        }
    }
    let row_dual = |j: usize| holder[j].map_or(0, |(_, w)| (w - price[j]).max(0));
    // Reverse adjacency: for each parcel c, the held parcels j whose holder could move to c,
    // with the reduced cost of that move.
    let mut into: Vec<Vec<(u32, i64)>> = vec![Vec::new(); parcels];
    for (j, h) in holder.iter().enumerate() {
        let Some((r, _)) = *h else { continue };
        let u = row_dual(j);
        for &(c, w) in feasible.row(r) {
            let c = c as usize;
            if c != j && !blocked[c] {
                into[c].push((j as u32, (u + price[c] - w).max(0)));
            }
        }
    }
    // dist[j]: the cheapest way to end a chain that reaches parcel j.
    let mut dist: Vec<i64> = (0..parcels)
        .map(|j| if holder[j].is_some() { row_dual(j) } else { 0 })
        .collect();
    let mut heap: BinaryHeap<Reverse<(i64, u32)>> = (0..parcels)
        .filter(|&j| !blocked[j])
        .map(|j| Reverse((dist[j], j as u32)))
        .collect();
    let mut done = vec![false; parcels];
    while let Some(Reverse((d, c))) = heap.pop() {
        let c = c as usize;
        if done[c] || d > dist[c] {
            continue;
        }
        done[c] = true;
        for &(j, rc) in &into[c] {
            let j = j as usize;
            if d + rc < dist[j] {
                dist[j] = d + rc;
                heap.push(Reverse((dist[j], j as u32)));
            }
        }
    }
    (0..candidates)
        .map(|i| {
            if placed[i] {
                return None;
            }
            feasible
                .row(i)
                .iter()
                .filter(|&&(j, _)| !blocked[j as usize])
                .map(|&(j, w)| (price[j as usize] - w).max(0) + dist[j as usize])
                .min()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feasible(rows: &[&[(u32, i64)]]) -> Feasible {
        let mut f = Feasible {
            start: vec![0],
            complete: true,
            ..Default::default()
        };
        for r in rows {
            f.pairs.extend_from_slice(r);
            f.start.push(f.pairs.len());
            f.losses.push(Default::default());
        }
        f
    }

    fn placed(candidate: usize, parcel: usize, w: i64) -> Assignment {
        Assignment {
            candidate,
            parcel,
            enterprise_id: format!("E{candidate}"),
            parcel_id: format!("P{parcel}"),
            weight: w as f64,
            weight_units: w,
            locked: false,
        }
    }

    /// The rival holds the only parcel and has nowhere else to go: the enterprise needs the
    /// whole difference of weights, whatever price in between the duals happen to give it.
    #[test]
    fn a_rival_with_no_other_parcel_must_be_outweighed() {
        // Candidate 0 (weight 5) lost parcel 0 to candidate 1 (weight 7).
        let f = feasible(&[&[(0, 5)], &[(0, 7)]]);
        let a = [placed(1, 0, 7)];
        for price in [5, 6, 7] {
            let need = extra_weight_needed(&f, &a, &[price], 2);
            assert_eq!(need, vec![Some(2), None], "price {price}");
        }
    }

    /// The rival can move to a free parcel it values 1 less: that is all the enterprise needs.
    #[test]
    fn a_rival_that_can_move_costs_only_its_loss() {
        let a = [placed(1, 0, 7)];
        let f = feasible(&[&[(0, 1)], &[(0, 7), (1, 6)]]);
        let need = extra_weight_needed(&f, &a, &[1, 0], 2);
        // Placing candidate 0 on parcel 0 moves candidate 1 to parcel 1: 1 + 6 = 7 = today's 7.
        assert_eq!(need[0], Some(0));
        let f = feasible(&[&[(0, 1)], &[(0, 9), (1, 6)]]);
        let a = [placed(1, 0, 9)];
        let need = extra_weight_needed(&f, &a, &[3, 0], 2);
        // 1 + 6 = 7 against 9: 2 more.
        assert_eq!(need[0], Some(2));
    }
}
