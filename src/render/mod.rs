//! Maps and charts with plotters, as SVG and PNG.
//!
//! Text is drawn with the bundled WenQuanYi Micro Hei font (Apache-2.0, `assets/fonts/`), so
//! Chinese enterprise names render on a machine with no fonts installed: plotters is built with
//! `ab_glyph` and no system font libraries, and the font is registered before any drawing.
//! PNG text is laid out by [`Typeset`] (plotters' own bitmap text drops glyph bearings and
//! splits Chinese words with gaps); maps are drawn for a [`Paper`] sheet at 300 dpi, their
//! colours ([`palette`]) chosen to stay apart on a greyscale copy.

pub mod charts;
pub mod map;
pub mod palette;
pub mod paper;
mod pixel;
pub(crate) mod text;

pub use paper::Paper;
pub use text::Typeset;

use std::sync::Once;

/// The bundled CJK font, compiled into the binary.
pub(crate) static FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// The family name to use in plotters text styles.
pub(crate) const FAMILY: &str = "sans-serif";

/// Register the bundled font with plotters; call before drawing any text (SVG included).
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for style in [
            plotters::style::FontStyle::Normal,
            plotters::style::FontStyle::Bold,
        ] {
            // The font is compiled in and known to parse; a failure here would be a build defect.
            if plotters::style::register_font(FAMILY, style, FONT).is_err() {
                panic!("bundled font assets/fonts/wqy-microhei.ttc failed to load");
            }
        }
    });
}

/// Why a map or chart could not be drawn (a plotters or PNG-encoding failure, not bad user data).
#[derive(Debug, thiserror::Error)]
#[error("drawing the {what} failed: {message}")]
pub struct RenderError {
    pub what: &'static str,
    pub message: String,
}
