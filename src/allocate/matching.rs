//! Maximum-weight bipartite matching, exact, with a dual certificate, on graphs whose rows may
//! list only their best edges.
//!
//! Successive shortest augmenting paths (the Jonker–Volgenant / Crouse scheme) with integer
//! weights. Every row (enterprise) also gets a private "stay unassigned" column of weight 0, so
//! each row is inserted by one Dijkstra search over reduced costs that stops at the first free
//! column it settles. Potentials keep reduced costs non-negative, so the search is exact; with
//! integer weights there is no rounding at all. The final potentials form a feasible solution of
//! the dual LP `min sum(u) + sum(p)  s.t.  u_i + p_j >= w_ij, u >= 0, p >= 0`, whose value bounds
//! every matching from above: [`certify`] checks that certificate independently, and at the
//! optimum the bound equals the objective (gap 0).
//!
//! **Rows that list only their best edges** ([`Rows`]): column prices never fall, so an edge
//! the search has not seen costs at least `m_i - u_i - w` where `w` is the best weight the row
//! does not list. The search queues that bound as an entry of its own, ahead of columns at the
//! same distance; only if the search gets that far does the row list more (its edges down to
//! that distance, at least doubling what it lists) and get scanned again. Ties between rows
//! reaching a column at the same distance go to the row scanned first, as in one pass over the
//! complete graph, so the searches are exactly the complete graph's — same matching, same duals —
//! while a row lists only what its searches reach (debug builds check after each search that no
//! unlisted edge could have mattered). At the end a row whose dual is below its best unlisted
//! weight lists down to its dual, so every unlisted edge is covered by `u_i >= w`, `p >= 0`.
//!
//! **Speed**: each row's edges are kept sorted by an upper bound of their current profit
//! `w - p_j` (prices only rise, so a profit computed earlier bounds today's), and a row's scan
//! stops at the first edge whose bound cannot beat the best free column found so far. The order
//! of a row's edges never changes the result, only how soon the scan stops. Nor does memory
//! layout: edges are 32-bit when every weight fits, and columns sit in the order the graph
//! suggests ([`Rows::column_order`]), while ties still break by column number. The benchmark
//! (`benches/assign.rs`, `benches/assign_ortools.py`) measures this against OR-Tools' min-cost
//! flow on the same pairs.

use crate::meter::Meter;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const NONE: u32 = u32::MAX;

/// A graph the matching reads row by row. A row lists edges `(column, weight > 0)` in any order;
/// it may leave out its weaker edges if it says how good the best of them is and can list more.
pub trait Rows {
    fn rows(&self) -> usize;
    fn cols(&self) -> usize;
    /// Row `i`'s listed edges (while the graph holds them: see [`Rows::release`]).
    fn row(&self, i: usize) -> &[(u32, i64)];
    /// `f` of row `i`'s listed edges, the same edges in the same order as [`Rows::row`] gave
    /// them, whether the graph still holds them or lists them again.
    fn with_row<T>(&self, i: usize, f: impl FnOnce(&[(u32, i64)]) -> T) -> T {
        f(self.row(i))
    }
    /// The weight of row `i`'s listed edge to column `j`, if it lists one.
    fn weight(&self, i: usize, j: u32) -> Option<i64> {
        self.with_row(i, |row| row.iter().find(|e| e.0 == j).map(|e| e.1))
    }
    /// The solver has its own copy of row `i`'s listed edges: the graph may drop its copy, as
    /// long as [`Rows::with_row`] gives them again (so edges are not held twice while solving).
    fn release(&mut self, _i: usize) {}
    /// The best weight among row `i`'s edges that are not listed; `None` when the row is complete.
    fn unlisted_max(&self, _i: usize) -> Option<i64> {
        None
    }
    /// List every edge of row `i` whose weight is at least `at_least` (complete rows ignore it).
    fn list_down_to(&mut self, _i: usize, _at_least: i64) {}
    /// The columns in the order the solver should lay them out in memory, each once: columns
    /// that the same rows list, next to each other. Only speed depends on it, never the result.
    fn column_order(&self) -> Option<Vec<u32>> {
        None
    }
}

/// A sparse bipartite graph in compressed rows, every edge listed: row `i`'s edges are
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

impl Rows for Graph {
    fn rows(&self) -> usize {
        self.rows
    }
    fn cols(&self) -> usize {
        self.cols
    }
    fn row(&self, i: usize) -> &[(u32, i64)] {
        Graph::row(self, i)
    }
}

/// An optimal matching with its dual certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// Column matched to each row, if any.
    pub col_of_row: Vec<Option<u32>>,
    /// Total weight of the matching.
    pub objective: i64,
    /// Dual values: `u` per row, `p` per column, both >= 0.
    pub row_dual: Vec<i64>,
    pub col_dual: Vec<i64>,
}

/// Solve a complete graph to optimality. Weights must be positive; rows may be left unmatched.
pub fn max_weight_matching(g: &Graph) -> Matching {
    let mut g = Complete(g);
    solve(&mut g)
}

/// A borrowed complete graph as [`Rows`].
struct Complete<'g>(&'g Graph);

impl Rows for Complete<'_> {
    fn rows(&self) -> usize {
        self.0.rows
    }
    fn cols(&self) -> usize {
        self.0.cols
    }
    fn row(&self, i: usize) -> &[(u32, i64)] {
        self.0.row(i)
    }
}

/// Solve to optimality over every edge of `g`, listed or not; rows list more where the proof
/// needs them (see the module docs). Afterwards every row with unlisted edges has a dual at least
/// its best unlisted weight, which [`certify`] checks.
pub fn solve<R: Rows>(g: &mut R) -> Matching {
    solve_counted(g, None)
}

/// [`solve`], counting each row inserted into `meter`.
pub(crate) fn solve_counted<R: Rows>(g: &mut R, meter: Option<&Meter>) -> Matching {
    let order = insertion_order(g);
    // Weights that fit in 32 bits are kept in 32 bits: 12 bytes an edge instead of 20, and more
    // of a row in each cache line. The result is the same either way.
    let max_w = (0..g.rows())
        .map(|i| {
            let listed = g.row(i).iter().map(|e| e.1).max().unwrap_or(0);
            listed.max(g.unlisted_max(i).unwrap_or(0))
        })
        .max()
        .unwrap_or(0);
    let mut m = if max_w <= i64::from(i32::MAX) {
        insert_all(&mut Search::<i32>::new(g), g, &order, meter)
    } else {
        insert_all(&mut Search::<i64>::new(g), g, &order, meter)
    };
    // Cover every unlisted edge by its row's dual: u_i >= w >= w - p_j.
    let mut extended = false;
    for i in 0..g.rows() {
        if g.unlisted_max(i).is_some_and(|w| w > m.row_dual[i]) {
            g.list_down_to(i, m.row_dual[i] + 1);
            extended = true;
        }
    }
    if extended {
        // The matched edges are still listed; only the objective's lookup needs the new rows.
        m.objective = objective_of(g, &m.col_of_row);
    }
    m
}

/// Insert every row in `order`, one shortest augmenting path each.
fn insert_all<K: Unit, R: Rows>(
    s: &mut Search<K>,
    g: &mut R,
    order: &[usize],
    meter: Option<&Meter>,
) -> Matching {
    for &cur in order {
        let (sink, min_val) = s.shortest_path(g, cur);
        debug_assert!(
            s.unlisted_within(g, min_val).is_none(),
            "a row's unlisted edges were reachable by the search but never listed"
        );
        s.update_duals(cur, min_val);
        s.augment(cur, sink);
        s.reset();
        if let Some(m) = meter {
            m.add(1);
        }
    }
    s.matching(g)
}

/// Total weight of the matched edges.
fn objective_of<R: Rows>(g: &R, col_of_row: &[Option<u32>]) -> i64 {
    col_of_row
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|j| (i, j)))
        .map(|(i, j)| g.weight(i, j).unwrap_or(0))
        .sum()
}

/// Rows with the best edges first: they set the prices the others then compete against,
/// which keeps later searches short. Ties by row index, so the result is deterministic.
fn insertion_order<R: Rows>(g: &R) -> Vec<usize> {
    let best: Vec<i64> = (0..g.rows())
        .map(|i| g.row(i).iter().map(|e| e.1).max().unwrap_or(0))
        .collect();
    let mut order: Vec<usize> = (0..g.rows()).collect();
    order.sort_by(|&a, &b| best[b].cmp(&best[a]).then(a.cmp(&b)));
    order
}

/// The integer type a search keeps its edges' weights and keys in: `i32` when every weight
/// fits, else `i64`.
trait Unit: Copy + Ord + Default + Into<i64> {
    /// `x` exactly (weights, which are checked to fit).
    fn exact(x: i64) -> Self;
    /// `x`, or the nearest value in range: a key clamped upward when below the range is still
    /// an upper bound of the profit, which is all a key must be.
    fn at_least(x: i64) -> Self;
}

impl Unit for i32 {
    #[inline]
    fn exact(x: i64) -> Self {
        debug_assert!(i32::try_from(x).is_ok());
        x as i32
    }
    #[inline]
    fn at_least(x: i64) -> Self {
        x.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    }
}

impl Unit for i64 {
    #[inline]
    fn exact(x: i64) -> Self {
        x
    }
    #[inline]
    fn at_least(x: i64) -> Self {
        x
    }
}

/// One edge as the search keeps it: `key`, an upper bound of its current profit `w - p_j`,
/// its weight, and its column's slot (see [`Search::slot`]). Kept together: a scan reads them
/// in turn, edge after edge.
#[derive(Debug, Clone, Copy, Default)]
struct Edge<K> {
    key: K,
    w: K,
    slot: u32,
}

/// Per column: the Crouse dual `v` (the price is `-v`), the search's distance and path, the
/// row holding it, whether the search settled it, and its number in the graph (which breaks ties
/// between columns, whatever their slots). Kept together: a scan touches them all.
#[derive(Debug, Clone, Copy)]
struct Col {
    v: i64,
    d: i64,
    path: u32,
    row: u32,
    id: u32,
    settled: bool,
}

/// Bits of a heap entry's tag: a column entry has `COLUMN` set, its number above `ID_SHIFT` and
/// its slot below, so entries at equal distance come out by column number; a row entry is the
/// row alone, so rows come first.
const COLUMN: u64 = 1 << 63;
const ID_SHIFT: u32 = 31;
const SLOT_MASK: u64 = (1 << ID_SHIFT) - 1;

/// The solver's state across row insertions: the duals and the matching so far, each row's
/// edges by profit, and the Dijkstra search's scratch, which each search resets only where it
/// touched it.
///
/// Columns live in *slots*: the real columns by [`Rows::column_order`] (columns that rows share
/// next to each other, so a search's columns stay in cache), then one private dummy per row.
struct Search<K> {
    cols: usize,
    /// Per column of the graph, its slot.
    slot: Vec<u32>,
    // Costs are c = -w (minimisation); u, v are the Crouse duals with u_i + v_j <= c_ij.
    u: Vec<i64>,
    col: Vec<Col>,
    /// Per row, the slot it holds.
    col4row: Vec<u32>,
    adj: Vec<Vec<Edge<K>>>,
    /// Edges scanned in vain since the row's keys were last refreshed.
    waste: Vec<u32>,
    touched: Vec<u32>,
    /// Rows with a deferred entry this search.
    touched_rows: Vec<u32>,
    /// Rows scanned by the current search, and the distance at which each was reached.
    scanned_rows: Vec<(u32, i64)>,
    /// Per row: its position in `scanned_rows` this search (`NONE`: not scanned), and the
    /// distance below which none of its unlisted edges lies (`i64::MAX`: nothing deferred).
    scan_pos: Vec<u32>,
    deferred: Vec<i64>,
    settled_cols: Vec<u32>,
    /// Entries `(distance, tag)`: a column (see [`COLUMN`]), or a row `r` whose unlisted edges
    /// lie at that distance or beyond; rows come first at equal distance, so their edges are
    /// listed before any column at that distance is settled.
    heap: BinaryHeap<Reverse<(i64, u64)>>,
}

/// The best free column a search has reached: `(distance, column number)`.
type Free = (i64, u32);

impl<K: Unit> Search<K> {
    fn new<R: Rows>(g: &mut R) -> Self {
        let (rows, cols) = (g.rows(), g.cols());
        let total = cols + rows;
        let order = g.column_order();
        debug_assert!(order.as_ref().is_none_or(|o| o.len() == cols));
        let mut slot = vec![0u32; cols];
        let mut col = Vec::with_capacity(total);
        let blank = |id: u32| Col {
            v: 0,
            d: i64::MAX,
            path: NONE,
            row: NONE,
            id,
            settled: false,
        };
        match order {
            Some(order) => {
                for (s, &j) in order.iter().enumerate() {
                    slot[j as usize] = s as u32;
                    col.push(blank(j));
                }
            }
            None => {
                for j in 0..cols as u32 {
                    slot[j as usize] = j;
                    col.push(blank(j));
                }
            }
        }
        col.extend((cols as u32..total as u32).map(blank));
        let mut s = Search {
            cols,
            slot,
            u: vec![0i64; rows],
            col,
            col4row: vec![NONE; rows],
            adj: vec![Vec::new(); rows],
            waste: vec![0; rows],
            touched: Vec::new(),
            touched_rows: Vec::new(),
            scanned_rows: Vec::new(),
            scan_pos: vec![NONE; rows],
            deferred: vec![i64::MAX; rows],
            settled_cols: Vec::new(),
            heap: BinaryHeap::new(),
        };
        for i in 0..rows {
            s.load_row(g, i);
            g.release(i);
        }
        s
    }

    /// (Re)load row `i`'s listed edges, keyed by their current profit, best first.
    fn load_row<R: Rows>(&mut self, g: &R, i: usize) {
        let (col, slot) = (&self.col, &self.slot);
        let row = g.row(i);
        let adj = &mut self.adj[i];
        adj.clear();
        adj.reserve_exact(row.len());
        adj.extend(row.iter().map(|&(j, w)| {
            let s = slot[j as usize];
            Edge {
                key: K::at_least(w + col[s as usize].v),
                w: K::exact(w),
                slot: s,
            }
        }));
        adj.sort_unstable_by_key(|e| Reverse(e.key));
        self.waste[i] = 0;
    }

    /// Recompute row `i`'s profit keys from today's prices and re-sort.
    fn refresh(&mut self, i: usize) {
        let col = &self.col;
        let adj = &mut self.adj[i];
        for e in adj.iter_mut() {
            e.key = K::at_least(e.w.into() + col[e.slot as usize].v);
        }
        adj.sort_unstable_by_key(|e| Reverse(e.key));
        self.waste[i] = 0;
    }

    /// Dijkstra over reduced costs from row `cur` to the first free column it settles (at the
    /// latest the row's own dummy). Returns that column's slot and its distance.
    fn shortest_path<R: Rows>(&mut self, g: &mut R, cur: usize) -> (usize, i64) {
        let cols = self.cols;
        let mut min_val = 0i64;
        let mut i = cur;
        // Best free column seen so far: entries keyed above it can never be settled first.
        let mut best_free: Free = (i64::MAX, NONE);
        let sink = loop {
            self.scan_pos[i] = self.scanned_rows.len() as u32;
            self.scanned_rows.push((i as u32, min_val));
            let base = min_val - self.u[i];
            // The private dummy first: it is free, so it bounds the search from the start and
            // edges no better than "stay unplaced" are never queued.
            let dummy = cols + i;
            self.relax(dummy as u32, i, base, &mut best_free);
            self.scan(i, base, &mut best_free);
            self.defer(g, i, base, best_free);
            let j = loop {
                let Reverse((dj, tag)) = self
                    .heap
                    .pop()
                    .expect("the row's own dummy column is always reachable");
                if tag & COLUMN == 0 {
                    // The search reached a row's unlisted edges: list them, then scan it again.
                    let r = tag as usize;
                    if self.deferred[r] != dj {
                        continue;
                    }
                    self.deferred[r] = i64::MAX;
                    let rbase = self.scanned_rows[self.scan_pos[r] as usize].1 - self.u[r];
                    g.list_down_to(r, rbase - dj);
                    self.load_row(g, r);
                    g.release(r);
                    self.scan(r, rbase, &mut best_free);
                    self.defer(g, r, rbase, best_free);
                    continue;
                }
                let j = (tag & SLOT_MASK) as u32;
                let c = &self.col[j as usize];
                if !c.settled && dj == c.d {
                    break j;
                }
            };
            let c = &mut self.col[j as usize];
            min_val = c.d;
            c.settled = true;
            self.settled_cols.push(j);
            if c.row == NONE {
                break j as usize;
            }
            i = c.row as usize;
        };
        (sink, min_val)
    }

    /// Relax row `i`'s listed edges from `base` (its distance less its dual), best key first,
    /// until no edge can beat the best free column.
    fn scan(&mut self, i: usize, base: i64, best_free: &mut Free) {
        let mut scanned = 0u32;
        let mut useful = 0u32;
        let len = self.adj[i].len();
        for k in 0..len {
            let e = self.adj[i][k];
            // r = base - w + p_j >= base - key: nothing from here on can beat the best free.
            if base - e.key.into() > best_free.0 {
                break;
            }
            scanned += 1;
            let c = &self.col[e.slot as usize];
            if c.settled {
                continue;
            }
            let r = base - e.w.into() - c.v;
            if r < best_free.0 {
                useful += 1;
            }
            self.relax_to(e.slot, i, r, best_free);
        }
        let wasted = scanned - useful;
        self.waste[i] = self.waste[i].saturating_add(wasted);
        if self.waste[i] as usize >= (2 * len).max(16) {
            self.refresh(i);
        }
    }

    /// Queue row `i`'s unlisted edges at the nearest distance any of them can have, `base - w`
    /// for its best unlisted weight `w` (prices are >= 0), unless that cannot beat the best free
    /// column. They are listed only if the search gets that far.
    fn defer<R: Rows>(&mut self, g: &R, i: usize, base: i64, best_free: Free) {
        if let Some(w) = g.unlisted_max(i) {
            let d = base - w;
            if d <= best_free.0 {
                if self.deferred[i] == i64::MAX {
                    self.touched_rows.push(i as u32);
                }
                self.deferred[i] = d;
                self.heap.push(Reverse((d, i as u64)));
            }
        }
    }

    /// Relax the dummy column in slot `j` of row `i` (cost 0).
    #[inline]
    fn relax(&mut self, j: u32, i: usize, base: i64, best_free: &mut Free) {
        let c = &self.col[j as usize];
        if c.settled {
            return;
        }
        let r = base - c.v;
        self.relax_to(j, i, r, best_free);
    }

    /// The column in slot `j` reached from row `i` at distance `r`.
    #[inline]
    fn relax_to(&mut self, j: u32, i: usize, r: i64, best_free: &mut Free) {
        let c = &mut self.col[j as usize];
        // At equal distance the row scanned first keeps the column, whatever order the rows'
        // edges were listed in: the search is the complete graph's.
        if r < c.d || (r == c.d && self.scan_pos[i] < self.scan_pos[c.path as usize]) {
            if c.d == i64::MAX {
                self.touched.push(j);
            }
            c.d = r;
            c.path = i as u32;
            if (r, c.id) < *best_free {
                if c.row == NONE {
                    *best_free = (r, c.id);
                }
                let tag = COLUMN | u64::from(c.id) << ID_SHIFT | u64::from(j);
                self.heap.push(Reverse((r, tag)));
            }
        }
    }

    /// A row scanned by a search that ended at distance `min_val` whose unlisted edges could
    /// have changed it: an unlisted edge of row `i`, reached at `m_i`, is at distance at least
    /// `m_i - u_i - w_unlisted` (prices are >= 0). The deferred entries rule this out; checked in
    /// debug builds.
    fn unlisted_within<R: Rows>(&self, g: &R, min_val: i64) -> Option<usize> {
        self.scanned_rows.iter().find_map(|&(i, m)| {
            let i = i as usize;
            let w = g.unlisted_max(i)?;
            (m - self.u[i] - w <= min_val).then_some(i)
        })
    }

    /// Dual update (before augmenting: it uses the columns rows held while scanned).
    fn update_duals(&mut self, cur: usize, min_val: i64) {
        self.u[cur] += min_val;
        for &(r, _) in &self.scanned_rows[1..] {
            let r = r as usize;
            let d = self.col[self.col4row[r] as usize].d;
            self.u[r] += min_val - d;
        }
        for &j in &self.settled_cols {
            let c = &mut self.col[j as usize];
            c.v -= min_val - c.d;
        }
    }

    /// Augment along the path back to `cur`.
    fn augment(&mut self, cur: usize, sink: usize) {
        let mut j = sink;
        loop {
            let r = self.col[j].path as usize;
            self.col[j].row = r as u32;
            let prev = self.col4row[r];
            self.col4row[r] = j as u32;
            if r == cur {
                break;
            }
            j = prev as usize;
        }
    }

    /// Clear what the search touched, for the next row.
    fn reset(&mut self) {
        for &j in &self.touched {
            let c = &mut self.col[j as usize];
            c.d = i64::MAX;
            c.settled = false;
        }
        self.touched.clear();
        for &(i, _) in &self.scanned_rows {
            self.scan_pos[i as usize] = NONE;
        }
        for &i in &self.touched_rows {
            self.deferred[i as usize] = i64::MAX;
        }
        self.touched_rows.clear();
        self.scanned_rows.clear();
        self.settled_cols.clear();
        self.heap.clear();
    }

    /// Back to the maximisation dual and the graph's column numbers: p_j = -v_j, and each row's
    /// dummy price folds into its u.
    fn matching<R: Rows>(&self, g: &R) -> Matching {
        let cols = self.cols;
        let rows = self.u.len();
        let col_dual: Vec<i64> = self.slot.iter().map(|&s| -self.col[s as usize].v).collect();
        let row_dual: Vec<i64> = (0..rows)
            .map(|i| -self.u[i] - self.col[cols + i].v)
            .collect();
        let col_of_row: Vec<Option<u32>> = self
            .col4row
            .iter()
            .map(|&s| ((s as usize) < cols).then(|| self.col[s as usize].id))
            .collect();
        Matching {
            objective: objective_of(g, &col_of_row),
            col_of_row,
            row_dual,
            col_dual,
        }
    }
}

/// Check a matching and its certificate against the graph, independently of the solver: the
/// matching uses listed edges and no column twice, the duals are feasible on every listed edge,
/// and every row with unlisted edges has a dual at least its best unlisted weight (so
/// `u_i + p_j >= w_ij` holds there too, prices being >= 0). Returns `(objective, bound)`; the
/// bound holds for every matching of the whole graph.
pub fn certify<R: Rows + Sync>(g: &R, m: &Matching) -> Result<(i64, i64), String> {
    let mut used = vec![false; g.cols()];
    let mut objective = 0i64;
    for (i, c) in m.col_of_row.iter().enumerate() {
        if let Some(j) = c {
            let w = g
                .weight(i, *j)
                .ok_or(format!("row {i} matched to column {j} without an edge"))?;
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
    // Row by row on every core (a released row is listed again); the first failing row in row
    // order is the one reported.
    use rayon::prelude::*;
    let failed = (0..g.rows())
        .into_par_iter()
        .map(|i| {
            let infeasible = g.with_row(i, |row| {
                row.iter()
                    .find(|&&(j, w)| m.row_dual[i] + m.col_dual[j as usize] < w)
                    .copied()
            });
            if let Some((j, _)) = infeasible {
                return Some(format!("dual infeasible on edge ({i}, {j})"));
            }
            match g.unlisted_max(i) {
                Some(w) if m.row_dual[i] < w => Some(format!(
                    "row {i}: dual {} below its best unlisted weight {w}",
                    m.row_dual[i]
                )),
                _ => None,
            }
        })
        .find_first(Option::is_some)
        .flatten();
    if let Some(e) = failed {
        return Err(e);
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

    /// A complete graph whose rows list only their `k` best edges until asked for more, and
    /// that refuses to lend a row the solver has taken over (`release`) until it lists more.
    struct Truncated {
        full: Graph,
        /// Per row: edges by weight, best first, how many are listed, and whether released.
        sorted: Vec<Vec<(u32, i64)>>,
        listed: Vec<usize>,
        released: Vec<bool>,
        /// The column layout it suggests to the solver.
        order: Option<Vec<u32>>,
    }

    impl Truncated {
        fn new(full: Graph, k: usize) -> Self {
            let sorted: Vec<Vec<(u32, i64)>> = (0..full.rows)
                .map(|i| {
                    let mut r = full.row(i).to_vec();
                    r.sort_by_key(|e| (Reverse(e.1), e.0));
                    r
                })
                .collect();
            let listed = sorted.iter().map(|r| r.len().min(k)).collect();
            Truncated {
                order: None,
                released: vec![false; full.rows],
                full,
                sorted,
                listed,
            }
        }
    }

    impl Rows for Truncated {
        fn rows(&self) -> usize {
            self.full.rows
        }
        fn cols(&self) -> usize {
            self.full.cols
        }
        fn row(&self, i: usize) -> &[(u32, i64)] {
            assert!(!self.released[i], "row {i} read after it was released");
            &self.sorted[i][..self.listed[i]]
        }
        fn with_row<T>(&self, i: usize, f: impl FnOnce(&[(u32, i64)]) -> T) -> T {
            f(&self.sorted[i][..self.listed[i]])
        }
        fn release(&mut self, i: usize) {
            self.released[i] = true;
        }
        fn unlisted_max(&self, i: usize) -> Option<i64> {
            self.sorted[i].get(self.listed[i]).map(|e| e.1)
        }
        fn column_order(&self) -> Option<Vec<u32>> {
            self.order.clone()
        }
        fn list_down_to(&mut self, i: usize, at_least: i64) {
            self.released[i] = false;
            while self.listed[i] < self.sorted[i].len()
                && self.sorted[i][self.listed[i]].1 >= at_least
            {
                self.listed[i] += 1;
            }
        }
    }

    #[test]
    fn rows_listing_only_their_best_edges_give_the_complete_graphs_matching_and_duals() {
        // A seeded random contended graph: 40 rows, 25 columns, ties included.
        let mut x = 12345u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20 {
            let mut edges = Vec::new();
            for i in 0..40 {
                for j in 0..25u32 {
                    if next() % 3 == 0 {
                        edges.push((i, j, 1 + (next() % 12) as i64));
                    }
                }
            }
            let full = graph(40, 25, &edges);
            let want = max_weight_matching(&full);
            // A layout that scatters the columns: the solver's slots, not the result, change.
            let mut order: Vec<u32> = (0..25).collect();
            order.sort_by_key(|&j| (j * 7) % 25);
            for (k, order) in [(1, None), (2, Some(order.clone())), (5, Some(order))] {
                let mut t = Truncated::new(full.clone(), k);
                t.order = order;
                let got = solve(&mut t);
                assert_eq!(got, want, "k = {k}");
                assert_eq!(certify(&t, &got), certify(&full, &want));
                let listed: usize = t.listed.iter().sum();
                assert!(listed <= full.edges.len());
            }
        }
    }

    #[test]
    fn weights_beyond_32_bits_give_the_same_matching_scaled() {
        // The same graph with every weight times 2^33 is solved in 64 bits: the matching is
        // the same and the duals and objective scale with it.
        let edges = [
            (0, 0, 10),
            (0, 1, 9),
            (1, 0, 8),
            (1, 2, 3),
            (2, 1, 7),
            (2, 2, 7),
        ];
        let small = graph(3, 3, &edges);
        let big: Vec<(usize, u32, i64)> = edges.iter().map(|&(i, j, w)| (i, j, w << 33)).collect();
        let big = graph(3, 3, &big);
        let (a, b) = (max_weight_matching(&small), max_weight_matching(&big));
        assert_eq!(a.col_of_row, b.col_of_row);
        assert_eq!(a.objective << 33, b.objective);
        assert_eq!(
            certify(&big, &b),
            Ok((a.objective << 33, a.objective << 33))
        );
    }
}
