//! Parcels numbered within their block, as cadastral maps number a parcel within its street
//! block (街坊号 + 宗地号): when ids share a prefix (`LK-G07-01` … `LK-G07-12`), the prefix is
//! written once beside the block and a parcel too small for its whole id shows only its number
//! within the block (`12`). Every parcel stays identifiable at print scale without a key row;
//! the key keeps only the enterprises of parcels too small for their names.

use super::labels::{Block, Taken};
use crate::render::pixel::{Bx, within};

/// An id split into its block and its number within the block, at the last `-`, `_` or `/`,
/// when the number is short (one to four characters) and the block is not empty.
pub(super) fn split_id(id: &str) -> Option<(&str, &str)> {
    let at = id.rfind(['-', '_', '/'])?;
    let (block, number) = (&id[..at], &id[at + 1..]);
    let short = (1..=4).contains(&number.chars().count());
    (short && !block.is_empty()).then_some((block, number))
}

/// Where a block's label goes: on the block (towards its top or bottom edge, its middle, or a
/// corner), so it reads as the block's own, covering as few of `numbers` (where the block's
/// parcel numbers would go) as it can; else just outside it (above, below, left, right) where
/// it touches no other block's box (`blocks`). Only places inside `inside` and clear of
/// `taken`; ties go to the earlier place.
pub(super) fn place_block_label(
    label: &Block,
    bbox: Bx,
    numbers: &[Bx],
    blocks: &[Bx],
    inside: Bx,
    taken: &Taken,
) -> Option<Bx> {
    let (w, h) = label.size();
    let (cx, cy) = ((bbox.0 + bbox.2) / 2, (bbox.1 + bbox.3) / 2);
    let (top, bottom) = (bbox.1 + h / 2 + 2, bbox.3 - h / 2 - 2);
    let (left, right) = (bbox.0 + w / 2 + 2, bbox.2 - w / 2 - 2);
    let on = [
        (cx, top),
        (cx, bottom),
        (cx, cy),
        (left, top),
        (right, top),
        (left, bottom),
        (right, bottom),
        (cx, cy - h),
        (cx, cy + h),
    ]
    .map(|c| (label.at(c), true));
    let beside = [
        (cx, bbox.1 - h / 2),
        (cx, bbox.3 + h / 2),
        (bbox.0 - w / 2, cy),
        (bbox.2 + w / 2, cy),
    ]
    .map(|c| (label.at(c), false));
    let overlaps = |a: Bx, b: Bx| a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3;
    let fits = |&(b, on_block): &(Bx, bool)| {
        let placed = if on_block {
            within(b, bbox)
        } else {
            !blocks.iter().any(|o| *o != bbox && overlaps(b, *o))
        };
        placed && within(b, inside) && taken.clear(b)
    };
    let covered = |b: Bx| numbers.iter().filter(|n| overlaps(b, **n)).count();
    let best_on = on.into_iter().filter(fits).min_by_key(|&(b, _)| covered(b));
    match best_on {
        Some((b, _)) if covered(b) == 0 => Some(b),
        best => beside
            .into_iter()
            .filter(fits)
            .map(|(b, _)| b)
            .find(|b| covered(*b) == 0)
            .or(best.map(|(b, _)| b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_split_at_their_last_separator_into_block_and_short_number() {
        assert_eq!(split_id("LK-G07-12"), Some(("LK-G07", "12")));
        assert_eq!(split_id("G00000123_7"), Some(("G00000123", "7")));
        assert_eq!(split_id("P12"), None);
        assert_eq!(split_id("-12"), None);
        assert_eq!(split_id("LK-"), None);
        assert_eq!(
            split_id("AB-12345"),
            None,
            "a long tail is no number within a block"
        );
    }
}
