//! The legend panel at the right of a map sheet: headings, rows of swatch and text (wrapped
//! to the panel), notes, and the swatches the two maps' legends use.

use super::style::{GREY, INK, PAPER, Sizes, bold, font};
use super::{Area, RenderError, err};
use crate::render::paper::{mm, pt};
use crate::render::pixel::Bx;
use plotters::element::DashedPathElement;
use plotters::prelude::{DrawingBackend, PathElement, RGBColor, Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A swatch drawer: draws into the box it is given.
pub(super) type Swatch<'s, DB> = Box<dyn FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> + 's>;

/// The side panel: a column of legend rows from the top of the panel box.
pub(super) struct Legend<'a, DB: DrawingBackend> {
    area: &'a Area<DB>,
    pub(super) panel: Bx,
    /// Top of the next row.
    pub(super) y: i32,
}

/// `text` in lines no wider than `width` pixels at `points` (see [`crate::render::text`]).
pub(super) fn wrap(text: &str, points: f64, width: i32) -> Vec<String> {
    crate::render::text::wrap(text, crate::render::paper::font_pt(points), width)
}

impl<'a, DB: DrawingBackend> Legend<'a, DB> {
    /// An empty legend at the top of the panel box.
    pub(super) fn in_panel(area: &'a Area<DB>, panel: Bx) -> Self {
        Legend {
            area,
            panel,
            y: panel.1,
        }
    }
    fn width(&self) -> i32 {
        self.panel.2 - self.panel.0
    }
    pub(super) fn heading(&mut self, text: &str) -> Result<(), RenderError> {
        self.y += mm(1.5) as i32;
        for line in wrap(text, Sizes::LEGEND_HEAD, self.width()) {
            self.area
                .draw(&Text::new(
                    line,
                    (self.panel.0, self.y),
                    bold(Sizes::LEGEND_HEAD),
                ))
                .map_err(err("legend"))?;
            self.y += (pt(Sizes::LEGEND_HEAD) * 1.35) as i32;
        }
        self.y += mm(0.8) as i32;
        Ok(())
    }
    pub(super) fn row(&mut self, text: &str, swatch: Swatch<'_, DB>) -> Result<(), RenderError> {
        let (sw, sh) = (mm(9.0) as i32, mm(4.2) as i32);
        let x_text = self.panel.0 + sw + mm(3.0) as i32;
        let lines = wrap(text, Sizes::LEGEND, self.panel.2 - x_text);
        let line_h = (pt(Sizes::LEGEND) * 1.3) as i32;
        let h = (line_h * lines.len() as i32).max(sh);
        swatch(
            self.area,
            (
                self.panel.0,
                self.y + (line_h - sh) / 2,
                self.panel.0 + sw,
                self.y + (line_h - sh) / 2 + sh,
            ),
        )?;
        for (i, l) in lines.into_iter().enumerate() {
            self.area
                .draw(&Text::new(
                    l,
                    (x_text, self.y + line_h * i as i32 + line_h / 2),
                    font(Sizes::LEGEND).pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(err("legend"))?;
        }
        self.y += h + mm(1.6) as i32;
        Ok(())
    }
    pub(super) fn note(&mut self, text: &str) -> Result<(), RenderError> {
        for line in wrap(text, Sizes::NOTE, self.width()) {
            self.area
                .draw(&Text::new(
                    line,
                    (self.panel.0, self.y),
                    font(Sizes::NOTE).color(&GREY),
                ))
                .map_err(err("legend"))?;
            self.y += (pt(Sizes::NOTE) * 1.35) as i32;
        }
        Ok(())
    }
    pub(super) fn gap(&mut self, millimetres: f64) {
        self.y += mm(millimetres) as i32;
    }
}

/// The swatch box drawn in `style` (a fill or an edge).
fn swatch_box<DB: DrawingBackend>(
    a: &Area<DB>,
    b: Bx,
    style: plotters::style::ShapeStyle,
) -> Result<(), RenderError> {
    let (x0, y0, x1, y1) = b;
    a.draw(&Rectangle::new([(x0, y0), (x1, y1)], style))
        .map_err(err("legend"))
}

/// A filled box with an edge: a parcel or sensitive-area fill.
pub(super) fn swatch_fill<'s, DB: DrawingBackend + 's>(
    fill: RGBColor,
    edge: RGBColor,
) -> Swatch<'s, DB> {
    Box::new(move |a, b| {
        swatch_box(a, b, fill.filled())?;
        swatch_box(a, b, edge.stroke_width(3))
    })
}

/// Vertical stripes of `colours` with an edge: "any of these" (assigned parcels, in their
/// cluster's colour).
pub(super) fn swatch_stripes<'s, DB: DrawingBackend + 's>(
    colours: Vec<RGBColor>,
    edge: RGBColor,
) -> Swatch<'s, DB> {
    Box::new(move |a, b| {
        let n = colours.len().max(1) as i32;
        for (i, c) in colours.iter().enumerate() {
            let i = i as i32;
            let (x0, x1) = (b.0 + (b.2 - b.0) * i / n, b.0 + (b.2 - b.0) * (i + 1) / n);
            swatch_box(a, (x0, b.1, x1, b.3), c.filled())?;
        }
        swatch_box(a, b, edge.stroke_width(3))
    })
}

/// Diagonal lines across a swatch, `gap` pixels apart, clipped to it by hand.
fn diagonals<DB: DrawingBackend>(
    a: &Area<DB>,
    b: Bx,
    gap: i32,
    colour: RGBColor,
    rising: bool,
) -> Result<(), RenderError> {
    let (x0, y0, x1, y1) = b;
    let (w, h) = (x1 - x0, y1 - y0);
    for k in (0..(w + h)).step_by(gap.max(2) as usize) {
        // The segment of the line x + y = k (in swatch coordinates from its lower left).
        let (ax, ay) = (k.min(w), (k - w).max(0));
        let (bx, by) = ((k - h).max(0), k.min(h));
        let (p, q) = if rising {
            ((x0 + ax, y1 - ay), (x0 + bx, y1 - by))
        } else {
            ((x1 - ax, y1 - ay), (x1 - bx, y1 - by))
        };
        a.draw(&PathElement::new(vec![p, q], colour.stroke_width(2)))
            .map_err(err("legend"))?;
    }
    Ok(())
}

/// A white box hatched with an edge: a reserved parcel (`cross`: cross-hatched, occupied).
pub(super) fn swatch_hatched<'s, DB: DrawingBackend + 's>(
    lines: RGBColor,
    edge: RGBColor,
    gap: i32,
    cross: bool,
) -> Swatch<'s, DB> {
    Box::new(move |a, b| {
        swatch_box(a, b, PAPER.filled())?;
        diagonals(a, b, gap, lines, true)?;
        if cross {
            diagonals(a, b, gap, lines, false)?;
        }
        swatch_box(a, b, edge.stroke_width(3))
    })
}

/// A solid horizontal line across the swatch, `width` pixels.
pub(super) fn swatch_line<'s, DB: DrawingBackend + 's>(
    colour: RGBColor,
    width: u32,
) -> Swatch<'s, DB> {
    Box::new(move |a, (x0, y0, x1, y1)| {
        let y = (y0 + y1) / 2;
        a.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            colour.stroke_width(width),
        ))
        .map_err(err("legend"))?;
        Ok(())
    })
}

/// A dashed horizontal line across the swatch, `on` and `off` pixels.
pub(super) fn swatch_dashed<'s, DB: DrawingBackend + 's>(
    colour: RGBColor,
    width: u32,
    on: i32,
    off: i32,
) -> Swatch<'s, DB> {
    Box::new(move |a, (x0, y0, x1, y1)| {
        let y = (y0 + y1) / 2;
        a.draw(&DashedPathElement::new(
            vec![(x0, y), (x1, y)],
            on,
            off,
            colour.stroke_width(width),
        ))
        .map_err(err("legend"))?;
        Ok(())
    })
}

/// A filled box with a dashed edge: an area drawn with a dashed outline.
pub(super) fn swatch_dashed_box<'s, DB: DrawingBackend + 's>(
    fill: RGBColor,
    edge: RGBColor,
    on: i32,
    off: i32,
) -> Swatch<'s, DB> {
    Box::new(move |a, b| {
        let (x0, y0, x1, y1) = b;
        swatch_box(a, b, fill.filled())?;
        a.draw(&DashedPathElement::new(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            on,
            off,
            edge.stroke_width(4),
        ))
        .map_err(err("legend"))?;
        Ok(())
    })
}

/// A swatch drawn by `mark` at the swatch's centre (a site marker).
pub(super) fn swatch_mark<'s, DB: DrawingBackend + 's>(
    mark: impl FnOnce(&Area<DB>, (i32, i32)) -> Result<(), RenderError> + 's,
) -> Swatch<'s, DB> {
    Box::new(move |a, (x0, y0, x1, y1)| mark(a, ((x0 + x1) / 2, (y0 + y1) / 2)))
}

/// Ink, for swatch edges.
pub(super) const EDGE: RGBColor = INK;
