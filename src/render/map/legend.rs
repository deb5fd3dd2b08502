//! The legend panel at the right of a map page: headings, rows of swatch and text, notes, and
//! the swatches the two maps' legends use.

use super::page::panel_at;
use super::style::{GREY, PAPER, bold, font};
use super::{Area, RenderError, err};
use crate::render::pixel::Bx;
use plotters::element::DashedPathElement;
use plotters::prelude::{Circle, DrawingBackend, PathElement, RGBColor, Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The side panel: a column of legend rows, each a swatch drawer and a text.
pub(super) struct Legend<'a, DB: DrawingBackend> {
    area: &'a Area<DB>,
    x: i32,
    /// Top of the next row; a gap is left by adding to it.
    pub(super) y: i32,
}

impl<'a, DB: DrawingBackend> Legend<'a, DB> {
    /// An empty legend at the top of `area`'s panel.
    pub(super) fn in_panel(area: &'a Area<DB>) -> Self {
        let (lx, ly) = panel_at(area);
        Legend {
            area,
            x: lx,
            y: ly - 14,
        }
    }
    pub(super) fn heading(&mut self, text: &str) -> Result<(), RenderError> {
        self.y += 14;
        self.area
            .draw(&Text::new(text.to_string(), (self.x, self.y), bold(28.0)))
            .map_err(err("legend"))?;
        self.y += 44;
        Ok(())
    }
    pub(super) fn row(
        &mut self,
        text: &str,
        swatch: impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        swatch(self.area, (self.x, self.y, self.x + 56, self.y + 30))?;
        self.area
            .draw(&Text::new(
                text.to_string(),
                (self.x + 72, self.y + 15),
                font(24.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err("legend"))?;
        self.y += 42;
        Ok(())
    }
    pub(super) fn note(&mut self, text: &str) -> Result<(), RenderError> {
        self.area
            .draw(&Text::new(
                text.to_string(),
                (self.x, self.y),
                font(20.0).color(&GREY),
            ))
            .map_err(err("legend"))?;
        self.y += 30;
        Ok(())
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
pub(super) fn swatch_fill<DB: DrawingBackend>(
    fill: RGBColor,
    edge: RGBColor,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, b| {
        swatch_box(a, b, fill.filled())?;
        swatch_box(a, b, edge.stroke_width(2))
    }
}

/// A white box hatched grey with an edge: a reserved parcel.
pub(super) fn swatch_hatched<DB: DrawingBackend>(
    edge: RGBColor,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, b| {
        let (x0, y0, x1, y1) = b;
        swatch_box(a, b, PAPER.filled())?;
        for k in (0..(x1 - x0 + y1 - y0)).step_by(9) {
            // Diagonals clipped to the swatch by hand.
            let (ax, ay) = (x0 + k.min(x1 - x0), y1 - (k - (x1 - x0)).max(0));
            let (bx, by) = (x0 + (k - (y1 - y0)).max(0), y1 - k.min(y1 - y0));
            a.draw(&PathElement::new(
                vec![(bx, by), (ax, ay)],
                GREY.stroke_width(2),
            ))
            .map_err(err("legend"))?;
        }
        swatch_box(a, b, edge.stroke_width(3))
    }
}

/// A solid horizontal line across the swatch.
pub(super) fn swatch_line<DB: DrawingBackend>(
    colour: RGBColor,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, (x0, y0, x1, y1)| {
        let y = (y0 + y1) / 2;
        a.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            colour.stroke_width(3),
        ))
        .map_err(err("legend"))?;
        Ok(())
    }
}

/// A dashed horizontal line across the swatch, `on` and `off` pixels.
pub(super) fn swatch_dashed<DB: DrawingBackend>(
    colour: RGBColor,
    on: i32,
    off: i32,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, (x0, y0, x1, y1)| {
        let y = (y0 + y1) / 2;
        a.draw(&DashedPathElement::new(
            vec![(x0, y), (x1, y)],
            on,
            off,
            colour.stroke_width(3),
        ))
        .map_err(err("legend"))?;
        Ok(())
    }
}

/// A filled box with a dashed edge: an area drawn with a dashed outline.
pub(super) fn swatch_dashed_box<DB: DrawingBackend>(
    fill: RGBColor,
    edge: RGBColor,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, b| {
        let (x0, y0, x1, y1) = b;
        swatch_box(a, b, fill.filled())?;
        a.draw(&DashedPathElement::new(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            10,
            6,
            edge.stroke_width(3),
        ))
        .map_err(err("legend"))?;
        Ok(())
    }
}

/// A dot in the swatch's centre, optionally ringed: a site.
pub(super) fn swatch_dot<DB: DrawingBackend>(
    fill: RGBColor,
    ring: Option<RGBColor>,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, (x0, y0, x1, y1)| {
        let at = ((x0 + x1) / 2, (y0 + y1) / 2);
        a.draw(&Circle::new(at, 11, fill.filled()))
            .map_err(err("legend"))?;
        if let Some(ring) = ring {
            a.draw(&Circle::new(at, 11, ring.stroke_width(3)))
                .map_err(err("legend"))?;
        }
        Ok(())
    }
}
