//! Ring checks for loaded polygons: enough positions, closed, no self-intersection.
//!
//! geo's `Validation` compares every segment with every other, which takes minutes on a
//! 200,000-vertex coastline; here the segments go into an R-tree first, so the check is
//! O(n log n) and a large polygon loads in well under a second.

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line, LineString};
use rstar::{AABB, Envelope, RTree, RTreeObject};

/// What is wrong with a ring.
#[derive(Debug, Clone, PartialEq)]
pub enum RingProblem {
    TooFewPositions(usize),
    /// Fewer than three distinct positions: the ring encloses no area.
    Degenerate(usize),
    NotClosed {
        first: Coord<f64>,
        last: Coord<f64>,
    },
    /// Segments `a` and `b` (0-based, segment i runs from position i to i+1) cross or overlap near `at`.
    SelfIntersection {
        a: usize,
        b: usize,
        at: Coord<f64>,
    },
}

impl std::fmt::Display for RingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RingProblem::TooFewPositions(n) => {
                write!(
                    f,
                    "has {n} positions; a closed ring needs at least 4 (the last repeating the first)"
                )
            }
            RingProblem::Degenerate(n) => write!(
                f,
                "has {n} distinct position(s); a ring needs at least 3 to enclose an area"
            ),
            RingProblem::NotClosed { first, last } => write!(
                f,
                "is not closed: first position [{}, {}] differs from last [{}, {}]",
                first.x, first.y, last.x, last.y
            ),
            RingProblem::SelfIntersection { a, b, at } => write!(
                f,
                "intersects itself (segments {a} and {b} cross near [{:.7}, {:.7}])",
                at.x, at.y
            ),
        }
    }
}

struct Segment {
    index: usize,
    line: Line<f64>,
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(
            [self.line.start.x, self.line.start.y],
            [self.line.end.x, self.line.end.y],
        )
    }
}

/// Check one ring; the first problem found, if any.
pub fn check_ring(ring: &LineString<f64>) -> Result<(), RingProblem> {
    let n = ring.0.len();
    if n < 4 {
        return Err(RingProblem::TooFewPositions(n));
    }
    let (first, last) = (ring.0[0], ring.0[n - 1]);
    if first != last {
        return Err(RingProblem::NotClosed { first, last });
    }
    let segments: Vec<Segment> = ring
        .lines()
        .enumerate()
        .filter(|(_, l)| l.start != l.end) // repeated positions are harmless
        .map(|(index, line)| Segment { index, line })
        .collect();
    if segments.len() < 3 {
        // Closed, so the non-zero-length segments and the distinct corners are as many.
        return Err(RingProblem::Degenerate(segments.len().max(1)));
    }
    let m = n - 1; // number of segments, including zero-length ones
    // Most rings are a few corners: comparing every pair shows there is no crossing faster than
    // building a tree. When there is one, the tree finds the one it always reported.
    if segments.len() <= SMALL_RING
        && !segments.iter().enumerate().any(|(k, s)| {
            segments[k + 1..]
                .iter()
                .any(|o| s.envelope().intersects(&o.envelope()) && crossing(s, o, m).is_some())
        })
    {
        return Ok(());
    }
    by_tree(segments, m)
}

/// The first crossing among `segments` (of a ring of `m`) in the order an R-tree of them joined
/// with itself meets them.
fn by_tree(segments: Vec<Segment>, m: usize) -> Result<(), RingProblem> {
    let tree = RTree::bulk_load(segments);
    // The tree joined with itself yields every pair of segments whose boxes meet, both ways round.
    for (s, o) in tree.intersection_candidates_with_other_tree(&tree) {
        if o.index <= s.index {
            continue;
        }
        if let Some(at) = crossing(s, o, m) {
            return Err(RingProblem::SelfIntersection {
                a: s.index,
                b: o.index,
                at,
            });
        }
    }
    Ok(())
}

/// Segments up to which a ring is checked pair by pair rather than through an R-tree.
const SMALL_RING: usize = 32;

/// Where segment `o` (after `s` in a ring of `m` segments) crosses or overlaps `s`, if it does;
/// neighbouring segments meeting at their shared position do not count.
fn crossing(s: &Segment, o: &Segment, m: usize) -> Option<Coord<f64>> {
    let adjacent = o.index == s.index + 1 || (s.index == 0 && o.index == m - 1);
    match line_intersection(s.line, o.line) {
        Some(LineIntersection::SinglePoint { intersection, .. })
            if !adjacent || !(intersection == s.line.start || intersection == s.line.end) =>
        {
            Some(intersection)
        }
        Some(LineIntersection::Collinear { intersection }) => Some(intersection.start),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(pts: &[(f64, f64)]) -> LineString<f64> {
        pts.to_vec().into()
    }

    #[test]
    fn square_is_valid_either_winding() {
        assert_eq!(
            check_ring(&ring(&[(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)])),
            Ok(())
        );
        assert_eq!(
            check_ring(&ring(&[(0., 0.), (0., 1.), (1., 1.), (1., 0.), (0., 0.)])),
            Ok(())
        );
    }

    #[test]
    fn bow_tie_is_refused() {
        let r = check_ring(&ring(&[(0., 0.), (1., 1.), (1., 0.), (0., 1.), (0., 0.)]));
        assert!(
            matches!(r, Err(RingProblem::SelfIntersection { .. })),
            "{r:?}"
        );
    }

    #[test]
    fn spike_back_along_an_edge_is_refused() {
        let r = check_ring(&ring(&[(0., 0.), (2., 0.), (1., 0.), (1., 1.), (0., 0.)]));
        assert!(
            matches!(r, Err(RingProblem::SelfIntersection { .. })),
            "{r:?}"
        );
    }

    #[test]
    fn unclosed_and_short_rings_are_refused() {
        assert!(matches!(
            check_ring(&ring(&[(0., 0.), (1., 0.), (1., 1.), (0., 1.)])),
            Err(RingProblem::NotClosed { .. })
        ));
        assert!(matches!(
            check_ring(&ring(&[(0., 0.), (1., 0.), (0., 0.)])),
            Err(RingProblem::TooFewPositions(3))
        ));
    }

    /// Small rings are checked pair by pair first; the problem reported is still the tree's.
    #[test]
    fn small_rings_report_what_the_tree_reports() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for case in 0..3000 {
            let k = 3 + case % 14;
            let mut pts: Vec<(f64, f64)> = (0..k)
                .map(|_| (rng.random_range(0..6) as f64, rng.random_range(0..6) as f64))
                .collect();
            pts.push(pts[0]);
            let r = ring(&pts);
            let segments: Vec<Segment> = r
                .lines()
                .enumerate()
                .filter(|(_, l)| l.start != l.end)
                .map(|(index, line)| Segment { index, line })
                .collect();
            if segments.len() < 3 {
                continue;
            }
            assert_eq!(check_ring(&r), by_tree(segments, r.0.len() - 1), "{pts:?}");
        }
    }

    #[test]
    fn large_ring_checks_fast_enough_to_run_in_a_test() {
        let n = 200_000;
        let pts: Vec<(f64, f64)> = (0..=n)
            .map(|i| {
                let t = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
                (t.cos() * (1.0 + 0.01 * (37.0 * t).sin()), t.sin())
            })
            .collect();
        assert_eq!(check_ring(&ring(&pts)), Ok(()));
    }
}
