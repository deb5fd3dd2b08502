//! The matching's rows in plot mode: each enterprise lists its best feasible parcels — every one
//! whose weight is at least the row's threshold — from the parcel index, and lists more when the
//! matching asks ([`matching::Rows`]), so memory grows with the parcels the proof needs rather
//! than with every feasible pair.

use super::index::{ParcelIndex, Query};
use super::matching;

/// The fewest edges a row lists after its first extension.
const FIRST_GROWTH: usize = 64;

/// The fewest edges a row lists for the matching to take it over (see `Rows::release`): the
/// long rows of a province's contended buckets, not the few best parcels of most rows.
const RELEASE_FROM: usize = 512;

/// Rows of the matching over the unlocked candidates, without the locked parcels.
pub(super) struct Listing<'i, 'q> {
    index: &'i ParcelIndex<'i>,
    queries: &'q [Query<'q>],
    /// The candidate of each matching row.
    pub(super) candidates: Vec<usize>,
    /// Per row: the weight down to which it lists (1: every feasible parcel), what it lists
    /// (empty once released to the matching, which keeps its own copy: the index lists it
    /// again), how many edges that is, and the best weight it does not list.
    pub(super) threshold: Vec<i64>,
    listed: Vec<Vec<(u32, i64)>>,
    count: Vec<usize>,
    /// Whether the rows list only their best parcels (some threshold above 1): only then are
    /// rows released to the matching.
    sparse: bool,
    unlisted: Vec<Option<i64>>,
    /// Locked parcels, which no matching row lists.
    skip: Vec<bool>,
}

impl<'i, 'q> Listing<'i, 'q> {
    /// Rows for `candidates` (indexes into `queries`), each listing down to its threshold in
    /// `thresholds` (indexed like `queries`), none listing a parcel of `skip`.
    pub(super) fn new(
        index: &'i ParcelIndex<'i>,
        queries: &'q [Query<'q>],
        candidates: Vec<usize>,
        thresholds: &[i64],
        skip: Vec<bool>,
    ) -> Self {
        use rayon::prelude::*;
        let threshold: Vec<i64> = candidates.iter().map(|&i| thresholds[i]).collect();
        // Per row: what it lists, and the best weight it leaves out.
        type Row = (Vec<(u32, i64)>, Option<i64>);
        let rows: Vec<Row> = candidates
            .par_iter()
            .zip(&threshold)
            .map(|(&i, &t)| {
                let mut row = Vec::new();
                index.list(&queries[i], t, Some(&skip), &mut row);
                (row, index.best_below(&queries[i], t, Some(&skip)))
            })
            .collect();
        let (listed, unlisted): (Vec<_>, Vec<_>) = rows.into_iter().unzip();
        let mut l = Listing {
            index,
            queries,
            sparse: threshold.iter().any(|&t| t > 1),
            count: listed.iter().map(Vec::len).collect(),
            candidates,
            threshold,
            listed,
            unlisted,
            skip,
        };
        // A row whose best parcels are all locked lists down to the best one left.
        for r in 0..l.candidates.len() {
            if l.listed[r].is_empty()
                && let Some(w) = l.unlisted[r]
            {
                matching::Rows::list_down_to(&mut l, r, w);
            }
        }
        l
    }
}

impl Listing<'_, '_> {
    /// Whether row `i` was handed over to the matching: it holds fewer edges than it lists.
    fn released(&self, i: usize) -> bool {
        self.listed[i].len() < self.count[i]
    }
}

impl matching::Rows for Listing<'_, '_> {
    fn rows(&self) -> usize {
        self.candidates.len()
    }
    fn cols(&self) -> usize {
        self.skip.len()
    }
    fn row(&self, i: usize) -> &[(u32, i64)] {
        debug_assert!(!self.released(i), "row {i} was released; use with_row");
        &self.listed[i]
    }
    fn with_row<T>(&self, i: usize, f: impl FnOnce(&[(u32, i64)]) -> T) -> T {
        match self.released(i) {
            // The same call that listed it, so the same edges in the same order.
            true => {
                let q = &self.queries[self.candidates[i]];
                let mut row = Vec::new();
                self.index
                    .list(q, self.threshold[i], Some(&self.skip), &mut row);
                f(&row)
            }
            false => f(&self.listed[i]),
        }
    }
    fn release(&mut self, i: usize) {
        // Complete rows (at most `max_listed_pairs` pairs in all) and short rows are kept:
        // listing them again would cost more time than holding them costs memory.
        if self.sparse && self.count[i] >= RELEASE_FROM {
            self.listed[i] = Vec::new();
        }
    }
    fn column_order(&self) -> Option<Vec<u32>> {
        Some(self.index.column_order())
    }
    fn unlisted_max(&self, i: usize) -> Option<i64> {
        self.unlisted[i]
    }
    fn list_down_to(&mut self, i: usize, at_least: i64) {
        let t = at_least.max(1);
        if t >= self.threshold[i] || self.unlisted[i].is_none() {
            return;
        }
        let q = &self.queries[self.candidates[i]];
        // At least twice what the row lists now: a row that needs more usually needs much more,
        // and each extension lists the row again, so doubling keeps the total linear.
        let grow = (2 * self.count[i]).max(FIRST_GROWTH);
        let t = t.min(self.index.kth_best(q, grow, Some(&self.skip)));
        self.listed[i].clear();
        self.index.list(q, t, Some(&self.skip), &mut self.listed[i]);
        self.count[i] = self.listed[i].len();
        self.unlisted[i] = self.index.best_below(q, t, Some(&self.skip));
        // Nothing left below: the row is complete, whatever the locked parcels weigh.
        self.threshold[i] = if self.unlisted[i].is_none() { 1 } else { t };
    }
}
