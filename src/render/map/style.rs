//! The maps' palette and wording: ink and paper, cluster, sensitive-kind and class colours,
//! bilingual legend names and the two text styles, so both maps look alike.

use crate::rank::Class;
use plotters::prelude::{IntoFont, RGBColor, TextStyle};
use plotters::style::FontStyle;

pub(crate) const INK: RGBColor = RGBColor(33, 33, 33);
pub(crate) const GREY: RGBColor = RGBColor(120, 120, 120);
pub(crate) const OCCUPIED: RGBColor = RGBColor(128, 128, 128);
pub(crate) const PAPER: RGBColor = RGBColor(255, 255, 255);
pub(crate) const MAP_BG: RGBColor = RGBColor(247, 248, 246);
/// The park's parcels on the relocation map (and its legend swatch).
pub(crate) const PARK_GREY: RGBColor = RGBColor(200, 200, 200);

/// Colour of a park cluster; the four key clusters and `general` have fixed colours.
pub(crate) fn cluster_colour(cluster: &str) -> RGBColor {
    match cluster {
        "electronics" => RGBColor(78, 121, 167),
        "biomedicine" => RGBColor(89, 161, 79),
        "mechatronics" => RGBColor(242, 142, 43),
        "pharma_equipment" => RGBColor(176, 122, 161),
        "general" => RGBColor(186, 176, 172),
        other => {
            const MORE: [RGBColor; 5] = [
                RGBColor(237, 201, 72),
                RGBColor(118, 183, 178),
                RGBColor(156, 117, 95),
                RGBColor(255, 157, 167),
                RGBColor(140, 140, 200),
            ];
            MORE[other
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
                % MORE.len()]
        }
    }
}

/// "中文 name" for a legend entry, or the name alone when it has no Chinese label.
fn bilingual(name: &str, zh: Option<&str>) -> String {
    zh.map_or_else(|| name.to_string(), |zh| format!("{zh} {name}"))
}

/// A cluster's legend name, Chinese first where it has one.
pub(crate) fn cluster_name(cluster: &str) -> String {
    let zh = match cluster {
        "electronics" => Some("电子信息"),
        "biomedicine" => Some("生物医药"),
        "mechatronics" => Some("机电装备"),
        "pharma_equipment" => Some("制药装备"),
        "general" => Some("综合"),
        _ => None,
    };
    bilingual(cluster, zh)
}

/// Colour of a sensitive area's kind, for its fill, edge, buffer rings and name.
pub(crate) fn kind_colour(kind: &str) -> RGBColor {
    match kind {
        "residential" => RGBColor(156, 102, 64),
        "school" => RGBColor(214, 39, 140),
        "hospital" => RGBColor(214, 39, 40),
        "wetland" => RGBColor(23, 150, 120),
        "water_source" => RGBColor(31, 90, 190),
        _ => RGBColor(100, 100, 100),
    }
}

/// A sensitive kind's legend name, Chinese first where it has one.
pub(crate) fn kind_name(kind: &str) -> String {
    let zh = match kind {
        "residential" => Some("居住区"),
        "school" => Some("学校"),
        "hospital" => Some("医院"),
        "wetland" => Some("湿地"),
        "water_source" => Some("水源地"),
        _ => None,
    };
    bilingual(kind, zh)
}

/// Colour of a per-mu class on the relocation map; grey for a site without one.
pub(crate) fn class_colour(class: Option<Class>) -> RGBColor {
    match class {
        Some(Class::A) => RGBColor(26, 152, 80),
        Some(Class::B) => RGBColor(69, 117, 180),
        Some(Class::C) => RGBColor(244, 165, 30),
        Some(Class::D) => RGBColor(215, 25, 28),
        None => RGBColor(160, 160, 160),
    }
}

/// `c` mixed with white; `t` = 1 is pure white.
pub(crate) fn pale(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (v as f64 + (255.0 - v as f64) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// Regular text in ink at `size` pixels.
pub(crate) fn font(size: f64) -> TextStyle<'static> {
    (crate::render::FAMILY, size).into_font().color(&INK)
}

/// Bold text in ink at `size` pixels.
pub(crate) fn bold(size: f64) -> TextStyle<'static> {
    (crate::render::FAMILY, size, FontStyle::Bold)
        .into_font()
        .color(&INK)
}
