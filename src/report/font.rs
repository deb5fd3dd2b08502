//! The report's embedded font: the bundled WenQuanYi Micro Hei (face 0 of
//! `assets/fonts/wqy-microhei.ttc`) cut down to the characters the page uses, so Chinese shows
//! on a machine without a Chinese font, in the HTML text and in the inline SVG maps alike.
//!
//! Subsetting is Google Fonts' `skera` (fontations' port of HarfBuzz's hb-subset): it keeps a
//! working `cmap`, the composite-glyph closure and the layout tables of the kept glyphs. The
//! subset of the same characters is the same bytes every time.

use base64::Engine as _;
use read_fonts::FontRef;
use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};
use skera::{DEFAULT_DROP_TABLES, DEFAULT_LAYOUT_FEATURES, Plan, SubsetFlags, subset_font as cut};
use std::collections::BTreeSet;

/// The bundled font cut down to `chars` (plus what every page needs: digits, Latin letters and
/// punctuation), as base64 TrueType for a `data:` URL.
pub fn subset_font(chars: &BTreeSet<char>) -> Result<String, String> {
    let bytes = subset_bytes(chars)?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The subset as TrueType bytes.
pub(crate) fn subset_bytes(chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font =
        FontRef::from_index(crate::render::FONT, 0).map_err(|e| format!("bundled font: {e}"))?;
    let mut unicodes: IntSet<u32> = chars.iter().map(|c| *c as u32).collect();
    // Printable ASCII always: the script writes numbers and ids the page did not show yet.
    unicodes.insert_range(0x20..=0x7e);
    let gids: IntSet<GlyphId> = IntSet::empty();
    let drop_tables: IntSet<Tag> = DEFAULT_DROP_TABLES.iter().copied().collect();
    let mut scripts: IntSet<Tag> = IntSet::empty();
    scripts.invert();
    let features: IntSet<Tag> = DEFAULT_LAYOUT_FEATURES.iter().copied().collect();
    let mut name_ids: IntSet<NameId> = IntSet::empty();
    name_ids.insert_range(NameId::from(0)..=NameId::from(6));
    let mut languages: IntSet<u16> = IntSet::empty();
    languages.insert(0x0409);
    let plan = Plan::new(
        &gids,
        &unicodes,
        &font,
        SubsetFlags::SUBSET_FLAGS_NO_HINTING,
        &drop_tables,
        &scripts,
        &features,
        &name_ids,
        &languages,
    );
    cut(&font, &plan).map_err(|e| format!("subsetting the bundled font: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use read_fonts::TableProvider;

    #[test]
    fn the_subset_maps_the_characters_asked_for_and_is_small() {
        let chars: BTreeSet<char> = "灵昆高新技术园区 规划报告 准入 万元/亩".chars().collect();
        let bytes = subset_bytes(&chars).unwrap();
        assert!(bytes.len() < 200_000, "{} bytes", bytes.len());
        let font = FontRef::new(&bytes).unwrap();
        let cmap = font.cmap().unwrap();
        for c in chars.iter().chain(['A', '9'].iter()) {
            assert!(cmap.map_codepoint(*c).is_some(), "{c} not in the subset");
        }
        // A character the page does not use is left out.
        assert!(cmap.map_codepoint('鑫').is_none());
        // Same characters, same bytes.
        assert_eq!(bytes, subset_bytes(&chars).unwrap());
    }
}
