//! Text laid out with the bundled font's own metrics, for the PNGs and for measuring.
//!
//! plotters' `ab_glyph` text drawing places each glyph at its advance but drops the glyph's
//! left side bearing (`px_bounds().min.x`), so every glyph is pulled left by its own bearing:
//! glyphs with a wide bearing open a gap before them and close up after ("蒲州恒昆 塑业",
//! "已占 用"), while the SVG (laid out by the viewer) holds the whole string. [`Typeset`] wraps
//! a backend: on a bitmap it rasterises text itself, each glyph at its pen position plus its
//! bearing, with kerning, at the size the SVG states (`font-size` = plotters size / 1.24); on
//! any backend it measures text the same way, so an SVG and its PNG are laid out alike.
//! Bold is drawn as the regular face twice, a hair apart (the bundled font has no bold face).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::DrawingBackend;
use plotters::style::FontStyle;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    text_anchor::{HPos, VPos},
};
use std::sync::OnceLock;

/// plotters' font size over the em the SVG writes (`font-size` = size / 1.24).
pub(crate) const SIZE_PER_EM: f64 = 1.24;

/// The bundled font, parsed once.
fn face() -> &'static FontRef<'static> {
    static FACE: OnceLock<FontRef<'static>> = OnceLock::new();
    FACE.get_or_init(|| {
        // Compiled in and known to parse; a failure here would be a build defect.
        FontRef::try_from_slice_and_index(super::FONT, 0)
            .unwrap_or_else(|_| panic!("bundled font assets/fonts/wqy-microhei.ttc failed to load"))
    })
}

/// The ab_glyph scale whose em is `em` pixels.
fn scale_for_em(font: &FontRef<'static>, em: f64) -> PxScale {
    let upem = font.units_per_em().unwrap_or(1000.0);
    PxScale::from((em as f32) * font.height_unscaled() / upem)
}

/// Width and height in pixels of `text` at plotters size `size`: the sum of advances and
/// kerning by width, one em by height (as plotters' own estimate, so layouts keep their
/// heights).
pub(crate) fn measure(text: &str, size: f64) -> (u32, u32) {
    let em = size / SIZE_PER_EM;
    let font = face();
    let scaled = font.as_scaled(scale_for_em(font, em));
    let mut w = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            w += scaled.kern(p, id);
        }
        w += scaled.h_advance(id);
        prev = Some(id);
    }
    (w.ceil().max(0.0) as u32, em.round() as u32)
}

/// Whether `c` is set solid, like Chinese: a line may break before or after it.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Punctuation that must not start a line (it stays with the character before it).
fn no_break_before(c: char) -> bool {
    "，。、：；！？）》」』”’%,.;:!?)".contains(c)
}

/// `text` in lines at most `width` pixels wide at plotters size `size`: breaking at spaces,
/// and between Chinese characters (as Chinese prose is set), never before closing
/// punctuation; a word wider than the line stays whole.
pub(crate) fn wrap(text: &str, size: f64, width: i32) -> Vec<String> {
    // Tokens: a Latin word, or one Chinese character with the punctuation after it; `true`
    // when a space came before it.
    let mut tokens: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        let joins = match tokens.last() {
            Some((_, t)) if !space => {
                let last = t.chars().last().unwrap_or(' ');
                no_break_before(c) || (!is_cjk(c) && !is_cjk(last))
            }
            _ => false,
        };
        if joins {
            if let Some((_, t)) = tokens.last_mut() {
                t.push(c);
            }
        } else {
            tokens.push((space, c.to_string()));
        }
        space = false;
    }
    let mut lines: Vec<String> = Vec::new();
    for (spaced, t) in tokens {
        let sep = if spaced { " " } else { "" };
        match lines.last_mut() {
            Some(l) if (measure(&format!("{l}{sep}{t}"), size).0 as i32) <= width => {
                l.push_str(sep);
                l.push_str(&t);
            }
            _ => lines.push(t),
        }
    }
    lines
}

/// Call `put(x, y, coverage)` for every pixel of `text` at size `size` whose layout box has its
/// top left at (0, 0): the baseline sits the font's ascent below the top of a one-em box.
fn rasterise(text: &str, size: f64, bold: bool, mut put: impl FnMut(i32, i32, f32)) {
    let em = size / SIZE_PER_EM;
    let font = face();
    let scale = scale_for_em(font, em);
    let scaled = font.as_scaled(scale);
    let baseline = (em as f32) * scaled.ascent() / (scaled.ascent() - scaled.descent());
    let strokes: &[f32] = if bold {
        &[0.0, (em as f32 / 24.0).max(1.0)]
    } else {
        &[0.0]
    };
    let mut pen = 0f32;
    let mut prev = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = prev {
            pen += scaled.kern(p, id);
        }
        for dx in strokes {
            let glyph = id.with_scale_and_position(scale, point(pen + dx, baseline));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                let (x0, y0) = (b.min.x as i32, b.min.y as i32);
                outline.draw(|x, y, v| put(x0 + x as i32, y0 + y as i32, v));
            }
        }
        pen += scaled.h_advance(id);
        prev = Some(id);
    }
}

/// A drawing backend that lays out text with [`measure`] and, on a bitmap, draws it with
/// [`rasterise`]; everything else goes to the backend inside.
pub struct Typeset<B> {
    inner: B,
    /// Draw text as pixels (a bitmap) rather than pass it on (an SVG keeps its text).
    raster: bool,
}

impl<B> Typeset<B> {
    /// Text drawn as pixels (for a bitmap backend).
    pub fn raster(inner: B) -> Self {
        Typeset {
            inner,
            raster: true,
        }
    }
    /// Text passed on as text (for an SVG backend), measured like the bitmap's.
    pub fn vector(inner: B) -> Self {
        Typeset {
            inner,
            raster: false,
        }
    }
}

impl<B: DrawingBackend> DrawingBackend for Typeset<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        Ok(measure(text, style.size()))
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if !self.raster {
            return self.inner.draw_text(text, style, pos);
        }
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (w, h) = measure(text, style.size());
        let (w, h) = (w as i32, h as i32);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -w,
            HPos::Center => -w / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -h / 2,
            VPos::Bottom => -h,
        };
        let trans = style.transform();
        let (pw, ph) = self.inner.get_size();
        let bold = matches!(style.style(), FontStyle::Bold);
        let mut result = Ok(());
        rasterise(text, style.size(), bold, |x, y, v| {
            if result.is_err() || v <= 0.0 {
                return;
            }
            let (x, y) = trans.transform(x + dx, y + dy);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && x < pw as i32 && y < ph as i32 {
                let c = BackendColor {
                    alpha: color.alpha * f64::from(v.min(1.0)),
                    rgb: color.rgb,
                };
                result = self.inner.draw_pixel((x, y), c);
            }
        });
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_between_chinese_characters() {
        let size = 20.0;
        let em = (size / SIZE_PER_EM) as i32;
        let lines = wrap(
            "保留原因：按亩均效益得分评为A类，搬迁排序只排C、D类企业",
            size,
            em * 8,
        );
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('、')),
            "{lines:?}"
        );
        assert_eq!(
            lines.concat(),
            "保留原因：按亩均效益得分评为A类，搬迁排序只排C、D类企业"
        );
        let latin = wrap(
            "the relocation ranking covers classes C and D only",
            size,
            em * 10,
        );
        assert!(latin.len() >= 2);
        assert_eq!(
            latin.join(" "),
            "the relocation ranking covers classes C and D only"
        );
    }

    /// The leftmost inked column of each glyph of `text` drawn alone and within the string:
    /// a glyph keeps its place relative to the pen, so the gaps between glyphs are the font's.
    #[test]
    fn glyphs_keep_their_bearings() {
        let size = 62.0;
        let ink = |text: &str| {
            let mut cols = std::collections::BTreeSet::new();
            rasterise(text, size, false, |x, _, v| {
                if v > 0.5 {
                    cols.insert(x);
                }
            });
            cols
        };
        let (w1, _) = measure("塑", size);
        let alone = ink("业");
        let after = ink("塑业");
        // "业" after "塑" is "业" alone moved by the first glyph's advance (no kerning in CJK).
        let shifted: std::collections::BTreeSet<i32> =
            alone.iter().map(|x| x + w1 as i32).collect();
        let tail: std::collections::BTreeSet<i32> =
            after.iter().copied().filter(|x| *x >= w1 as i32).collect();
        let common = shifted.intersection(&tail).count();
        assert!(
            common * 10 >= shifted.len() * 9,
            "{common} of {} columns in place",
            shifted.len()
        );
        // A CJK glyph is about one em wide.
        let em = size / SIZE_PER_EM;
        assert!((w1 as f64 - em).abs() <= 2.0, "{w1} vs em {em}");
    }
}
