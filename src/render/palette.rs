//! The colours of the maps and charts, chosen to stay apart on a greyscale photocopy.
//!
//! A copier keeps only lightness, so every set of colours a legend tells apart (the five park
//! clusters, the per-mu classes A-D, the sensitive kinds) differs in [`luma`] (Rec. 601, what
//! "convert to greyscale" computes) by at least [`MIN_LUMA_STEP`], not only in hue; the parcel
//! states differ by pattern (pale tint, cross-hatching, hatching), and the classes on the
//! relocation map also by marker shape. A test converts each set to grey and checks the steps.

use crate::rank::Class;
use plotters::style::RGBColor;

/// Least lightness difference (0-255 luma) between two colours a legend tells apart.
pub const MIN_LUMA_STEP: f64 = 20.0;

/// Rec. 601 luma of a colour, 0 (black) to 255 (white): its grey on a photocopy.
pub fn luma(c: RGBColor) -> f64 {
    0.299 * f64::from(c.0) + 0.587 * f64::from(c.1) + 0.114 * f64::from(c.2)
}

/// `c` mixed with white; `t` = 1 is pure white.
pub fn pale(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (f64::from(v) + (255.0 - f64::from(v)) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

/// How pale an available parcel's tint of its cluster colour is (luma 215 or more for every
/// cluster, above the lightest full cluster colour).
pub const AVAILABLE_TINT: f64 = 0.8;

/// The difference map's parcels: newly placed (green), freed (vermilion), another occupant
/// (blue), unchanged (pale grey); apart in hue and in grey.
pub const DIFF_PLACED: RGBColor = RGBColor(27, 140, 70);
pub const DIFF_FREED: RGBColor = RGBColor(222, 90, 40);
pub const DIFF_CHANGED: RGBColor = RGBColor(40, 100, 190);
pub const DIFF_UNCHANGED: RGBColor = RGBColor(228, 228, 224);

/// The park's own clusters, in the order their lightness rises: each has a fixed colour.
pub const CLUSTERS: [&str; 5] = [
    "electronics",
    "pharma_equipment",
    "biomedicine",
    "mechatronics",
    "general",
];

/// Colour of a park cluster (assigned parcels; available ones take its [`AVAILABLE_TINT`]).
/// Other clusters take one of a few further colours by a hash of the name, which may repeat
/// a lightness: only the five of [`CLUSTERS`] are guaranteed apart in grey.
pub fn cluster_colour(cluster: &str) -> RGBColor {
    match cluster {
        "electronics" => RGBColor(31, 84, 160),
        "pharma_equipment" => RGBColor(140, 80, 150),
        "biomedicine" => RGBColor(80, 175, 90),
        "mechatronics" => RGBColor(245, 150, 40),
        "general" => RGBColor(205, 190, 150),
        other => {
            const MORE: [RGBColor; 5] = [
                RGBColor(230, 200, 60),
                RGBColor(60, 160, 170),
                RGBColor(140, 95, 70),
                RGBColor(240, 130, 150),
                RGBColor(110, 110, 190),
            ];
            MORE[other
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
                % MORE.len()]
        }
    }
}

/// The sensitive kinds the bundled rules know, by rising lightness.
pub const KINDS: [&str; 5] = [
    "hospital",
    "water_source",
    "residential",
    "school",
    "wetland",
];

/// Colour of a sensitive kind: its area's edge, its buffer rings and its name.
pub fn kind_colour(kind: &str) -> RGBColor {
    match kind {
        "hospital" => RGBColor(150, 20, 30),
        "water_source" => RGBColor(30, 90, 200),
        "residential" => RGBColor(150, 100, 55),
        "school" => RGBColor(225, 85, 185),
        "wetland" => RGBColor(80, 210, 170),
        _ => RGBColor(100, 100, 100),
    }
}

/// Dash of a sensitive kind's buffer rings, (on, off) in millimetres: kinds differ by dash as
/// well as colour, so rings of two kinds stay apart on a copy.
pub fn kind_dash(kind: &str) -> (f64, f64) {
    match kind {
        "hospital" => (1.0, 1.0),
        "water_source" => (4.0, 1.2),
        "residential" => (2.5, 1.2),
        "school" => (1.5, 0.8),
        "wetland" => (5.0, 2.0),
        _ => (2.0, 2.0),
    }
}

/// Colour of a per-mu class; light grey for a site without one. By lightness D < B < A < C <
/// unrated, and each class has its own marker shape on the relocation map too.
pub fn class_colour(class: Option<Class>) -> RGBColor {
    match class {
        Some(Class::D) => RGBColor(160, 20, 30),
        Some(Class::B) => RGBColor(50, 100, 190),
        Some(Class::A) => RGBColor(80, 180, 90),
        Some(Class::C) => RGBColor(250, 170, 50),
        None => RGBColor(215, 215, 215),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of `colours` is at least [`MIN_LUMA_STEP`] apart in grey.
    fn apart(what: &str, colours: &[(String, RGBColor)]) {
        for (i, (a, ca)) in colours.iter().enumerate() {
            for (b, cb) in &colours[i + 1..] {
                let d = (luma(*ca) - luma(*cb)).abs();
                assert!(
                    d >= MIN_LUMA_STEP,
                    "{what}: {a} ({:.0}) and {b} ({:.0}) are {d:.0} apart in grey",
                    luma(*ca),
                    luma(*cb)
                );
            }
        }
    }

    #[test]
    fn clusters_stay_apart_in_grey_and_above_the_available_tint() {
        let mut all: Vec<(String, RGBColor)> = CLUSTERS
            .iter()
            .map(|c| (c.to_string(), cluster_colour(c)))
            .collect();
        apart("clusters", &all);
        // Every available tint is lighter than every full colour by the step: an available
        // parcel never reads as an assigned one.
        let darkest_tint = CLUSTERS
            .iter()
            .map(|c| luma(pale(cluster_colour(c), AVAILABLE_TINT)))
            .fold(f64::INFINITY, f64::min);
        let lightest_full = all.iter().map(|(_, c)| luma(*c)).fold(0.0, f64::max);
        assert!(
            darkest_tint - lightest_full >= MIN_LUMA_STEP,
            "available tint {darkest_tint:.0} vs full {lightest_full:.0}"
        );
        all.clear();
    }

    #[test]
    fn classes_and_kinds_stay_apart_in_grey() {
        let classes: Vec<(String, RGBColor)> = [
            Some(Class::A),
            Some(Class::B),
            Some(Class::C),
            Some(Class::D),
            None,
        ]
        .iter()
        .map(|c| (format!("{c:?}"), class_colour(*c)))
        .collect();
        apart("classes", &classes);
        let kinds: Vec<(String, RGBColor)> = KINDS
            .iter()
            .map(|k| (k.to_string(), kind_colour(k)))
            .collect();
        apart("sensitive kinds", &kinds);
        // And their rings differ by dash.
        for (i, a) in KINDS.iter().enumerate() {
            for b in &KINDS[i + 1..] {
                assert_ne!(kind_dash(a), kind_dash(b), "{a} and {b}");
            }
        }
    }
}
