//! Seeded random streams and the few draws the generator is made of (uniform, log-uniform,
//! pick, weighted pick), kept in one place so every part draws the same way.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Independent random streams, so changing one part of a scenario leaves the others alone.
pub(super) mod stream {
    pub(in crate::synthetic) const GRID: u64 = 1;
    pub(in crate::synthetic) const BLOCKS: u64 = 2;
    pub(in crate::synthetic) const SENSITIVE: u64 = 3;
    pub(in crate::synthetic) const APPLICANTS: u64 = 4;
    pub(in crate::synthetic) const URBAN: u64 = 5;
    /// The bundled urban enterprises' electricity use, drawn apart so the other figures stay.
    pub(in crate::synthetic) const URBAN_ELECTRICITY: u64 = 6;
    /// The bundled applicants' commitments and emissions, drawn apart likewise.
    pub(in crate::synthetic) const APPLICANT_COMMITMENTS: u64 = 7;
    /// Chunks of large registries use streams from here up (one per chunk).
    pub(in crate::synthetic) const CHUNKS: u64 = 1 << 32;
    /// The same chunks' electricity use or commitments (one stream per chunk from here up).
    pub(in crate::synthetic) const CHUNK_EXTRAS: u64 = 1 << 33;
}

/// The ChaCha8 generator for one independent stream of `seed`.
pub(super) fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

/// Uniform in `[a, b)`.
pub(super) fn uni(r: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    a + (b - a) * r.random::<f64>()
}

/// Log-uniform: sizes and money spread over orders of magnitude.
pub(super) fn logu(r: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    (a.ln() + (b.ln() - a.ln()) * r.random::<f64>()).exp()
}

/// One of `items`, uniformly.
pub(super) fn pick<'a, T>(r: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[r.random_range(0..items.len())]
}

/// Weighted choice; weights need not sum to 1.
pub(super) fn weighted<'a, T>(r: &mut ChaCha8Rng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}
