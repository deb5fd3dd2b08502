//! How far a long step has got, shared between the library doing the work and whoever shows it.
//!
//! The library's stages run on the caller's thread, so a progress bar cannot be redrawn from
//! inside them; instead a stage counts into a [`Meter`] (atomics, so rayon workers may count
//! too) and the caller's display reads it from a thread of its own. Counting never changes a
//! result.
//!
//! ```
//! use parkplan::meter::Meter;
//! let m = Meter::default();
//! m.start(200);
//! m.add(50);
//! assert_eq!(m.read(), (50, 200));
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

/// Units done of a total, both updated as the work goes.
#[derive(Debug, Default)]
pub struct Meter {
    done: AtomicU64,
    total: AtomicU64,
}

impl Meter {
    /// A new step of `total` units: the count starts again from 0.
    pub fn start(&self, total: u64) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }
    /// `n` more units done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }
    /// `(done, total)`; the total is 0 before the first step starts.
    pub fn read(&self) -> (u64, u64) {
        (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        )
    }
}
