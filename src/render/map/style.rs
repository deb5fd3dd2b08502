//! The maps' ink and paper, text sizes in points on the sheet, and the names the legends give
//! clusters, sensitive kinds and context kinds (from the message catalogue). Colours are in
//! [`crate::render::palette`], chosen to stay apart in grey.

use crate::i18n::{Lang, text};
use crate::render::paper::font_pt;
use plotters::prelude::{IntoFont, RGBColor, TextStyle};
use plotters::style::FontStyle;

pub(crate) use crate::render::palette::{
    class_colour, cluster_colour, kind_colour, kind_dash, pale,
};

pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
pub(crate) const GREY: RGBColor = RGBColor(105, 105, 105);
/// The lines of an occupied parcel's cross-hatching.
pub(crate) const OCCUPIED_INK: RGBColor = RGBColor(70, 70, 70);
pub(crate) const PAPER: RGBColor = RGBColor(255, 255, 255);
pub(crate) const MAP_BG: RGBColor = RGBColor(250, 250, 248);
/// The park's parcels on the relocation map (and its legend swatch).
pub(crate) const PARK_GREY: RGBColor = RGBColor(200, 200, 200);
/// The red of the inset's frame around the main map.
pub(crate) const LOCATOR: RGBColor = RGBColor(210, 30, 30);

/// Text sizes in points on the printed sheet, whatever the paper.
pub(crate) struct Sizes;

impl Sizes {
    pub(crate) const TITLE: f64 = 18.0;
    pub(crate) const SUBTITLE: f64 = 10.0;
    pub(crate) const SOURCE: f64 = 7.5;
    pub(crate) const LEGEND_HEAD: f64 = 10.0;
    pub(crate) const LEGEND: f64 = 8.5;
    pub(crate) const NOTE: f64 = 7.0;
    pub(crate) const SCALE: f64 = 8.0;
    /// The smallest printed label: parcel ids, key numbers, key table rows.
    pub(crate) const MIN_LABEL: f64 = 6.0;
    /// The largest enterprise name on a parcel.
    pub(crate) const MAX_NAME: f64 = 10.0;
    pub(crate) const KEY: f64 = 6.5;
    /// A block's prefix, above the parcels numbered within it.
    pub(crate) const BLOCK: f64 = 7.0;
    /// The lowest inset locator worth drawing, millimetres.
    pub(crate) const MIN_INSET_MM: f64 = 25.0;
    /// The longest leader from a parcel to its number within its block, millimetres.
    pub(crate) const NUMBER_LEADER_MM: f64 = 5.0;
    pub(crate) const AREA_NAME: f64 = 7.5;
}

/// Regular text in ink, `points` high on the sheet.
pub(crate) fn font(points: f64) -> TextStyle<'static> {
    (crate::render::FAMILY, font_pt(points))
        .into_font()
        .color(&INK)
}

/// Bold text in ink, `points` high on the sheet.
pub(crate) fn bold(points: f64) -> TextStyle<'static> {
    (crate::render::FAMILY, font_pt(points), FontStyle::Bold)
        .into_font()
        .color(&INK)
}

/// A catalogue name, or `id` itself when the catalogue has no `area.<prefix>_<id>` message.
fn named(lang: Lang, prefix: &str, id: &str) -> String {
    let key = format!("map.{prefix}_{id}");
    match crate::i18n::catalogue().get(&key) {
        Some(_) => text(lang, &key),
        None => id.to_string(),
    }
}

/// A cluster's legend name.
pub(crate) fn cluster_name(lang: Lang, cluster: &str) -> String {
    named(lang, "cluster", cluster)
}

/// A sensitive kind's legend name.
pub(crate) fn kind_name(lang: Lang, kind: &str) -> String {
    named(lang, "kind", kind)
}
