//! Maximum-weight bipartite matching, exact, with a dual certificate.
//!
//! Successive shortest augmenting paths (the Jonker–Volgenant / Crouse scheme) on a sparse
//! graph with integer weights. Every row (enterprise) also gets a private "stay unassigned"
//! column of weight 0, so each row is inserted by one Dijkstra search over reduced costs that
//! stops at the first free column it settles. Potentials keep reduced costs non-negative, so the
//! search is exact; with integer weights there is no rounding at all. The final potentials form
//! a feasible solution of the dual LP
//! `min sum(u) + sum(p)  s.t.  u_i + p_j >= w_ij, u >= 0, p >= 0`,
//! whose value bounds every matching from above: [`certify`] checks that certificate
//! independently on every edge, and at the optimum the bound equals the objective (gap 0).
//!
//! Why this algorithm: parks have several times more parcels than enterprises, so most
//! insertions settle a free parcel after scanning a single row; the benchmark
//! (`benches/assign.rs`) measures it against OR-Tools' min-cost flow on the same pairs.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;

/// A sparse bipartite graph in compressed rows: row `i`'s edges are
/// `edges[start[i]..start[i + 1]]`, each `(column, weight)` with weight > 0.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub rows: usize,
    pub cols: usize,
    pub start: Vec<usize>,
    pub edges: Vec<(u32, i64)>,
}

impl Graph {
    pub fn row(&self, i: usize) -> &[(u32, i64)] {
        &self.edges[self.start[i]..self.start[i + 1]]
    }
}

/// An optimal matching with its dual certificate.
#[derive(Debug, Clone)]
pub struct Matching {
    /// Column matched to each row, if any.
    pub col_of_row: Vec<Option<u32>>,
    /// Total weight of the matching.
    pub objective: i64,
    /// Dual values: `u` per row, `p` per column, both >= 0.
    pub row_dual: Vec<i64>,
    pub col_dual: Vec<i64>,
}

/// Solve to optimality. Weights must be positive; rows may be left unmatched.
pub fn max_weight_matching(g: &Graph) -> Matching {
    let mut s = Search::new(g);
    for cur in insertion_order(g) {
        let (sink, min_val) = s.shortest_path(cur);
        s.update_duals(cur, min_val);
        s.augment(cur, sink);
        s.reset();
    }
    s.into_matching()
}

/// Rows with the best edges first: they set the prices the others then compete against,
/// which keeps later searches short. Ties by row index, so the result is deterministic.
fn insertion_order(g: &Graph) -> Vec<usize> {
    let mut order: Vec<usize> = (0..g.rows).collect();
    let best = |i: usize| g.row(i).iter().map(|e| e.1).max().unwrap_or(0);
    order.sort_by(|&a, &b| best(b).cmp(&best(a)).then(a.cmp(&b)));
    order
}

/// The solver's state across row insertions: the duals and the matching so far, and the
/// Dijkstra search's scratch arrays, which each search resets only where it touched them.
struct Search<'g> {
    g: &'g Graph,
    cols: usize,
    // Costs are c = -w (minimisation); u, v are the Crouse duals with u_i + v_j <= c_ij.
    u: Vec<i64>,
    v: Vec<i64>,
    row4col: Vec<u32>,
    col4row: Vec<u32>,
    d: Vec<i64>,
    path: Vec<u32>,
    settled: Vec<bool>,
    touched: Vec<u32>,
    scanned_rows: Vec<u32>,
    settled_cols: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl<'g> Search<'g> {
    fn new(g: &'g Graph) -> Self {
        let (rows, cols) = (g.rows, g.cols);
        let total = cols + rows; // real columns, then one private dummy per row
        Search {
            g,
            cols,
            u: vec![0i64; rows],
            v: vec![0i64; total],
            row4col: vec![NONE; total],
            col4row: vec![NONE; rows],
            d: vec![i64::MAX; total],
            path: vec![NONE; total],
            settled: vec![false; total],
            touched: Vec::new(),
            scanned_rows: Vec::new(),
            settled_cols: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Dijkstra over reduced costs from row `cur` to the first free column it settles (at the
    /// latest the row's own dummy). Returns that column and its distance.
    #[inline]
    fn shortest_path(&mut self, cur: usize) -> (usize, i64) {
        let Search {
            g,
            cols,
            u,
            v,
            row4col,
            d,
            path,
            settled,
            touched,
            scanned_rows,
            settled_cols,
            heap,
            ..
        } = self;
        let (g, cols) = (*g, *cols);
        let mut min_val = 0i64;
        let mut i = cur;
        let sink;
        // Best free column seen so far: entries keyed above it can never be settled first.
        let mut best_free = (i64::MAX, NONE);
        loop {
            scanned_rows.push(i as u32);
            let dummy = (cols + i) as u32;
            // The private dummy first: it is free, so it bounds the search from the start and
            // edges no better than "stay unplaced" are never queued.
            for (j, c) in std::iter::once((dummy, 0)).chain(g.row(i).iter().map(|&(j, w)| (j, -w)))
            {
                let ju = j as usize;
                if settled[ju] {
                    continue;
                }
                let r = min_val + c - u[i] - v[ju];
                if r < d[ju] {
                    if d[ju] == i64::MAX {
                        touched.push(j);
                    }
                    d[ju] = r;
                    path[ju] = i as u32;
                    if (r, j) < best_free {
                        if row4col[ju] == NONE {
                            best_free = (r, j);
                        }
                        heap.push(Reverse((r, j)));
                    }
                }
            }
            let j = loop {
                let Reverse((dj, j)) = heap
                    .pop()
                    .expect("the row's own dummy column is always reachable");
                if !settled[j as usize] && dj == d[j as usize] {
                    break j;
                }
            };
            let ju = j as usize;
            min_val = d[ju];
            settled[ju] = true;
            settled_cols.push(j);
            if row4col[ju] == NONE {
                sink = ju;
                break;
            }
            i = row4col[ju] as usize;
        }
        (sink, min_val)
    }

    /// Dual update (before augmenting: it uses the columns rows held while scanned).
    #[inline]
    fn update_duals(&mut self, cur: usize, min_val: i64) {
        let Search {
            u,
            v,
            col4row,
            d,
            scanned_rows,
            settled_cols,
            ..
        } = self;
        u[cur] += min_val;
        for &r in &scanned_rows[1..] {
            let r = r as usize;
            u[r] += min_val - d[col4row[r] as usize];
        }
        for &j in settled_cols.iter() {
            let j = j as usize;
            v[j] -= min_val - d[j];
        }
    }

    /// Augment along the path back to `cur`.
    #[inline]
    fn augment(&mut self, cur: usize, sink: usize) {
        let Search {
            row4col,
            col4row,
            path,
            ..
        } = self;
        let mut j = sink;
        loop {
            let r = path[j] as usize;
            row4col[j] = r as u32;
            let prev = col4row[r];
            col4row[r] = j as u32;
            if r == cur {
                break;
            }
            j = prev as usize;
        }
    }

    /// Clear what the search touched, for the next row.
    #[inline]
    fn reset(&mut self) {
        for &j in &self.touched {
            self.d[j as usize] = i64::MAX;
            self.settled[j as usize] = false;
        }
        self.touched.clear();
        self.scanned_rows.clear();
        self.settled_cols.clear();
        self.heap.clear();
    }

    /// Back to the maximisation dual: p_j = -v_j, and each row's dummy price folds into its u.
    fn into_matching(self) -> Matching {
        let Search {
            g,
            cols,
            u,
            v,
            col4row,
            ..
        } = self;
        let rows = g.rows;
        let col_dual: Vec<i64> = v[..cols].iter().map(|x| -x).collect();
        let row_dual: Vec<i64> = (0..rows).map(|i| -u[i] - v[cols + i]).collect();
        let mut objective = 0;
        let col_of_row: Vec<Option<u32>> = (0..rows)
            .map(|i| {
                let j = col4row[i];
                if (j as usize) < cols {
                    objective += g.row(i).iter().find(|e| e.0 == j).map_or(0, |e| e.1);
                    Some(j)
                } else {
                    None
                }
            })
            .collect();
        Matching {
            col_of_row,
            objective,
            row_dual,
            col_dual,
        }
    }
}

/// Check a matching and its certificate against the graph, independently of the solver: the
/// matching uses graph edges and no column twice, the duals are feasible on every edge.
/// Returns `(objective, bound)`; the bound holds for every matching of the graph.
pub fn certify(g: &Graph, m: &Matching) -> Result<(i64, i64), String> {
    let mut used = vec![false; g.cols];
    let mut objective = 0i64;
    for (i, c) in m.col_of_row.iter().enumerate() {
        if let Some(j) = c {
            let w = g
                .row(i)
                .iter()
                .find(|e| e.0 == *j)
                .ok_or(format!("row {i} matched to column {j} without an edge"))?
                .1;
            if std::mem::replace(&mut used[*j as usize], true) {
                return Err(format!("column {j} matched twice"));
            }
            objective += w;
        }
    }
    if let Some(i) = m.row_dual.iter().position(|&x| x < 0) {
        return Err(format!("row dual {i} negative"));
    }
    if let Some(j) = m.col_dual.iter().position(|&x| x < 0) {
        return Err(format!("column dual {j} negative"));
    }
    for i in 0..g.rows {
        for &(j, w) in g.row(i) {
            if m.row_dual[i] + m.col_dual[j as usize] < w {
                return Err(format!("dual infeasible on edge ({i}, {j})"));
            }
        }
    }
    let bound = m.row_dual.iter().sum::<i64>() + m.col_dual.iter().sum::<i64>();
    Ok((objective, bound))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(rows: usize, cols: usize, edges: &[(usize, u32, i64)]) -> Graph {
        let mut start = vec![0; rows + 1];
        let mut sorted = edges.to_vec();
        sorted.sort();
        for &(i, _, _) in &sorted {
            start[i + 1] += 1;
        }
        for i in 0..rows {
            start[i + 1] += start[i];
        }
        Graph {
            rows,
            cols,
            start,
            edges: sorted.iter().map(|&(_, j, w)| (j, w)).collect(),
        }
    }

    #[test]
    fn takes_the_better_total_not_the_greedy_pick() {
        // Greedy would give row 0 column 0 (10) and leave row 1 with nothing: 10.
        // Optimal: row 0 -> 1 (9), row 1 -> 0 (8): 17.
        let g = graph(2, 2, &[(0, 0, 10), (0, 1, 9), (1, 0, 8)]);
        let m = max_weight_matching(&g);
        assert_eq!(m.col_of_row, vec![Some(1), Some(0)]);
        assert_eq!(certify(&g, &m), Ok((17, 17)));
    }

    #[test]
    fn leaves_a_row_out_when_that_pays() {
        // Row 1 can only take column 0, and giving it away costs row 0 more than row 1 gains.
        let g = graph(2, 2, &[(0, 0, 10), (0, 1, 1), (1, 0, 2)]);
        let m = max_weight_matching(&g);
        assert_eq!(m.col_of_row, vec![Some(0), None]);
        assert_eq!(certify(&g, &m).unwrap(), (10, 10));
        let g = graph(2, 2, &[(0, 0, 10), (1, 0, 2)]);
        let m = max_weight_matching(&g);
        assert_eq!(m.col_of_row, vec![Some(0), None]);
        assert_eq!(certify(&g, &m).unwrap(), (10, 10));
    }
}
