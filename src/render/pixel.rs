//! Pixel points and boxes shared by the maps and the charts, for placing labels that must not
//! overlap each other or leave the plot.

/// A pixel position: (x, y), y down.
pub(super) type Px = (i32, i32);
/// A pixel box: (left, top, right, bottom).
pub(super) type Bx = (i32, i32, i32, i32);

/// `p` lies in `b`, edges included.
pub(super) fn in_box(p: Px, b: Bx) -> bool {
    p.0 >= b.0 && p.0 <= b.2 && p.1 >= b.1 && p.1 <= b.3
}

/// `inner` lies wholly in `outer`, edges included.
pub(super) fn within(inner: Bx, outer: Bx) -> bool {
    inner.0 >= outer.0 && inner.2 <= outer.2 && inner.1 >= outer.1 && inner.3 <= outer.3
}

/// The two boxes share some area (touching edges do not count).
pub(super) fn overlap(a: Bx, b: Bx) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// `b` overlaps none of the boxes `taken`.
pub(super) fn clear(taken: &[Bx], b: Bx) -> bool {
    !taken.iter().any(|t| overlap(*t, b))
}
