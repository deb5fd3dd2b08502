//! Map labels: where a label goes in a shape, how large it may be, how it wraps, and text on a
//! white box so it reads over any fill.

use super::shapes::as_multipolygon;
use super::style::{PAPER, bold};
use super::{Area, RenderError, err};
use crate::render::pixel::{Bx, Px};
use geo::{BooleanOps, Centroid, Coord, Geometry, InteriorPoint, MultiPolygon};
use plotters::prelude::{DrawingBackend, Rectangle, Text, TextStyle};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Text with a white box behind it so it reads over any fill.
pub(super) fn boxed_text<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    at: Px,
    style: &TextStyle,
    box_alpha: f64,
) -> Result<(u32, u32), RenderError> {
    let (w, h) = area.estimate_text_size(text, style).map_err(err("map"))?;
    let (w2, h2) = (w as i32 / 2 + 3, h as i32 / 2 + 2);
    area.draw(&Rectangle::new(
        [(at.0 - w2, at.1 - h2), (at.0 + w2, at.1 + h2)],
        PAPER.mix(box_alpha).filled(),
    ))
    .map_err(err("map"))?;
    area.draw(&Text::new(
        text.to_string(),
        at,
        style.pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err("map"))?;
    Ok((w, h))
}

/// A point inside the largest polygon of a parcel, where its label goes.
pub(super) fn label_point(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::Area;
    let largest =
        mp.0.iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let c = largest.centroid()?;
    use geo::Contains;
    if largest.contains(&c) {
        Some(c.0)
    } else {
        largest.interior_point().map(|p| p.0)
    }
}

/// Where a sensitive area's name goes: inside its visible part.
pub(super) fn sensitive_anchor(
    g: &Geometry<f64>,
    visible: &geo::Polygon<f64>,
) -> Option<Coord<f64>> {
    match g {
        Geometry::Point(p) => Some(p.0),
        Geometry::MultiPoint(m) => m.0.first().map(|p| p.0),
        other => label_point(&as_multipolygon(other).intersection(visible)),
    }
}

/// The largest font size in [min, max] at which `text` is at most `width` pixels wide (min if none).
pub(super) fn fit_size<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    width: f64,
    min: f64,
    max: f64,
) -> Result<f64, RenderError> {
    let (w, _) = area
        .estimate_text_size(text, &bold(20.0))
        .map_err(err("map"))?;
    if w == 0 {
        return Ok(max);
    }
    Ok((20.0 * width / w as f64).clamp(min, max).floor())
}

/// A label fitted to `width` pixels: one line if it fits at `min` size or larger, else broken
/// into up to three lines (at spaces for Latin text, between any characters for Chinese).
pub(super) fn wrap_label<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    width: f64,
    min: f64,
    max: f64,
) -> Result<(f64, Vec<String>), RenderError> {
    let (w_min, _) = area
        .estimate_text_size(text, &bold(min))
        .map_err(err("map"))?;
    let chars: Vec<char> = text.chars().collect();
    if (w_min as f64) <= width || chars.len() < 4 {
        return Ok((
            fit_size(area, text, width, min, max)?,
            vec![text.to_string()],
        ));
    }
    let n = ((w_min as f64 / width.max(1.0)).ceil() as usize).clamp(2, 3);
    let lines = split_even(text, n);
    let longest = lines
        .iter()
        .max_by_key(|l| l.chars().count())
        .cloned()
        .unwrap_or_default();
    // Wrapped labels stay smaller, so their box leaves the parcel's fill in view.
    Ok((fit_size(area, &longest, width, min, max.min(18.0))?, lines))
}

/// `text` in `n` lines of about equal length, breaking at spaces when it has them.
fn split_even(text: &str, n: usize) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() >= n {
        let total: usize = text.chars().count();
        let mut lines = vec![String::new()];
        for w in words {
            let cur = lines.last().map_or(0, |l| l.chars().count());
            if cur > 0 && cur + w.chars().count() / 2 >= total / n && lines.len() < n {
                lines.push(String::new());
            }
            let l = lines.last_mut().expect("one line at least");
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(w);
        }
        return lines;
    }
    let chars: Vec<char> = text.chars().collect();
    let per = chars.len().div_ceil(n);
    chars.chunks(per).map(|c| c.iter().collect()).collect()
}

/// Width and height of a block of lines as [`boxed_lines`] draws it.
pub(super) fn measure_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    lines: &[String],
    style: &TextStyle,
) -> Result<(u32, u32), RenderError> {
    let mut w = 0;
    let mut line_h = 0;
    for l in lines {
        let (lw, lh) = area.estimate_text_size(l, style).map_err(err("map"))?;
        w = w.max(lw);
        line_h = line_h.max(lh);
    }
    Ok((w, (line_h + 2) * lines.len() as u32))
}

/// The box of a `w` x `h` block centred on `c`, with the margin the white box has.
pub(super) fn centred_box(c: Px, w: u32, h: u32) -> Bx {
    let (w2, h2) = (w as i32 / 2 + 3, h as i32 / 2 + 2);
    (c.0 - w2, c.1 - h2, c.0 + w2, c.1 + h2)
}

/// Lines of text centred on `at` with one white box behind them; returns the block's height.
pub(super) fn boxed_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    lines: &[String],
    at: Px,
    style: &TextStyle,
    box_alpha: f64,
) -> Result<u32, RenderError> {
    let mut sizes = Vec::with_capacity(lines.len());
    for l in lines {
        sizes.push(area.estimate_text_size(l, style).map_err(err("map"))?);
    }
    let line_h = sizes.iter().map(|s| s.1).max().unwrap_or(0) as i32 + 2;
    let w = sizes.iter().map(|s| s.0).max().unwrap_or(0) as i32;
    let h = line_h * lines.len() as i32;
    let top = at.1 - h / 2;
    area.draw(&Rectangle::new(
        [(at.0 - w / 2 - 3, top - 2), (at.0 + w / 2 + 3, top + h + 2)],
        PAPER.mix(box_alpha).filled(),
    ))
    .map_err(err("map"))?;
    for (i, l) in lines.iter().enumerate() {
        let y = top + line_h * i as i32 + line_h / 2;
        area.draw(&Text::new(
            l.clone(),
            (at.0, y),
            style.pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(err("map"))?;
    }
    Ok(h as u32)
}
