//! Map labels: blocks of text measured in points, placed inside a shape or beside it with a
//! leader line, never over another label ([`Taken`]), on a white box so they read over any
//! fill.

use super::shapes::as_multipolygon;
use super::style::{INK, PAPER};
use super::{Area, RenderError, err};
use crate::render::paper::{font_pt, mm};
use crate::render::pixel::{Bx, Px, overlap};
use geo::{BooleanOps, Centroid, Contains, Coord, Geometry, InteriorPoint, MultiPolygon};
use plotters::prelude::{DrawingBackend, IntoFont, PathElement, RGBColor, Rectangle, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle};
use std::collections::HashMap;

/// Label boxes already drawn, bucketed on a grid so an overlap test looks at a few.
pub(super) struct Taken {
    cell: i32,
    buckets: HashMap<(i32, i32), Vec<Bx>>,
}

impl Taken {
    pub(super) fn new() -> Self {
        Taken {
            cell: mm(12.0) as i32,
            buckets: HashMap::new(),
        }
    }
    fn cells(&self, b: Bx) -> impl Iterator<Item = (i32, i32)> {
        let c = self.cell;
        let (x0, y0, x1, y1) = (
            b.0.div_euclid(c),
            b.1.div_euclid(c),
            b.2.div_euclid(c),
            b.3.div_euclid(c),
        );
        (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
    }
    /// `b` overlaps no box taken.
    pub(super) fn clear(&self, b: Bx) -> bool {
        self.cells(b).all(|k| {
            self.buckets
                .get(&k)
                .is_none_or(|v| !v.iter().any(|t| overlap(*t, b)))
        })
    }
    pub(super) fn add(&mut self, b: Bx) {
        let cells: Vec<(i32, i32)> = self.cells(b).collect();
        for k in cells {
            self.buckets.entry(k).or_default().push(b);
        }
    }
}

/// One line of a label: its text, size in points, weight and colour.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) text: String,
    pub(super) points: f64,
    pub(super) bold: bool,
    pub(super) colour: RGBColor,
}

impl Line {
    pub(super) fn new(text: &str, points: f64, bold: bool, colour: RGBColor) -> Self {
        Line {
            text: text.to_string(),
            points,
            bold,
            colour,
        }
    }
    /// Width and height in pixels.
    pub(super) fn size(&self) -> (i32, i32) {
        let (w, h) = crate::render::text::measure(&self.text, font_pt(self.points));
        (w as i32, h as i32)
    }
    fn style(&self) -> plotters::prelude::TextStyle<'static> {
        let weight = if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        (crate::render::FAMILY, font_pt(self.points), weight)
            .into_font()
            .color(&self.colour)
    }
}

/// Lines stacked and centred, with the white box behind them.
#[derive(Debug, Clone)]
pub(super) struct Block {
    pub(super) lines: Vec<Line>,
}

/// Room around a block's text inside its white box, pixels.
const PAD: i32 = 4;

impl Block {
    pub(super) fn new(lines: Vec<Line>) -> Self {
        Block { lines }
    }
    /// Width and height of the block's box.
    pub(super) fn size(&self) -> (i32, i32) {
        let mut w = 0;
        let mut h = 0;
        for l in &self.lines {
            let (lw, lh) = l.size();
            w = w.max(lw);
            h += line_height(lh);
        }
        (w + 2 * PAD, h + 2 * PAD)
    }
    /// The block's box centred on `c`.
    pub(super) fn at(&self, c: Px) -> Bx {
        let (w, h) = self.size();
        (c.0 - w / 2, c.1 - h / 2, c.0 - w / 2 + w, c.1 - h / 2 + h)
    }
    /// Draw the block in box `b` (from [`Block::at`]) with a white box of opacity `alpha`.
    pub(super) fn draw<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        b: Bx,
        alpha: f64,
    ) -> Result<(), RenderError> {
        if alpha > 0.0 {
            area.draw(&Rectangle::new(
                [(b.0, b.1), (b.2, b.3)],
                PAPER.mix(alpha).filled(),
            ))
            .map_err(err("map"))?;
        }
        let cx = (b.0 + b.2) / 2;
        let mut y = b.1 + PAD;
        for l in &self.lines {
            let (_, lh) = l.size();
            let step = line_height(lh);
            area.draw(&Text::new(
                l.text.clone(),
                (cx, y + step / 2),
                l.style().pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err("map"))?;
            y += step;
        }
        Ok(())
    }
}

/// A line's advance: its em and a little leading.
fn line_height(em: i32) -> i32 {
    em + em / 6
}

/// A parcel's shape in pixels, for testing whether a label box lies inside it.
pub(super) struct Shape {
    poly: geo::Polygon<f64>,
}

impl Shape {
    /// The largest polygon of `mp` projected by `px`.
    pub(super) fn of(
        mp: &MultiPolygon<f64>,
        px: impl Fn(Coord<f64>) -> (f64, f64),
    ) -> Option<Shape> {
        use geo::Area;
        let largest =
            mp.0.iter()
                .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
        let ring = |ls: &geo::LineString<f64>| -> geo::LineString<f64> {
            ls.0.iter()
                .map(|c| {
                    let (x, y) = px(*c);
                    Coord { x, y }
                })
                .collect()
        };
        Some(Shape {
            poly: geo::Polygon::new(
                ring(largest.exterior()),
                largest.interiors().iter().map(ring).collect(),
            ),
        })
    }
    /// The shape's bounding box in pixels.
    pub(super) fn bbox(&self) -> Bx {
        use geo::BoundingRect;
        match self.poly.bounding_rect() {
            Some(r) => (
                r.min().x.floor() as i32,
                r.min().y.floor() as i32,
                r.max().x.ceil() as i32,
                r.max().y.ceil() as i32,
            ),
            None => (0, 0, 0, 0),
        }
    }
    /// Every corner and edge midpoint of `b` lies inside the shape.
    pub(super) fn holds(&self, b: Bx) -> bool {
        let (x0, y0, x1, y1) = (b.0 as f64, b.1 as f64, b.2 as f64, b.3 as f64);
        let (xm, ym) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        [
            (x0, y0),
            (x1, y0),
            (x0, y1),
            (x1, y1),
            (xm, y0),
            (xm, y1),
            (x0, ym),
            (x1, ym),
        ]
        .iter()
        .all(|&(x, y)| self.poly.contains(&Coord { x, y }))
    }
}

/// Where a block goes inside `shape` near `anchor`: the anchor, or shifted up or down by up to
/// half the block's height, the first that lies inside and clear of `taken`.
pub(super) fn place_inside(block: &Block, anchor: Px, shape: &Shape, taken: &Taken) -> Option<Bx> {
    let (_, h) = block.size();
    [0, -h / 3, h / 3, -h / 2, h / 2]
        .into_iter()
        .map(|dy| block.at((anchor.0, anchor.1 + dy)))
        .find(|b| shape.holds(*b) && taken.clear(*b))
}

/// Where a block goes beside `anchor` when it does not fit inside: around it at growing
/// distances (3 to 12 mm on the sheet), in `within`, clear of `taken`.
pub(super) fn place_beside(block: &Block, anchor: Px, within: Bx, taken: &Taken) -> Option<Bx> {
    place_near(block, anchor, within, taken, 12.0)
}

/// [`place_beside`] no farther than `max_mm` on the sheet: a short number on a long leader is
/// hard to tell from its neighbours'.
pub(super) fn place_near(
    block: &Block,
    anchor: Px,
    within: Bx,
    taken: &Taken,
    max_mm: f64,
) -> Option<Bx> {
    let (w, h) = block.size();
    for dist_mm in [3.0, 5.0, 7.5, 10.0, 12.0]
        .into_iter()
        .filter(|d| *d <= max_mm)
    {
        let d = mm(dist_mm) as i32;
        for (dx, dy) in [
            (1, -1),
            (-1, -1),
            (1, 1),
            (-1, 1),
            (0, -1),
            (0, 1),
            (1, 0),
            (-1, 0),
        ] {
            let cx = anchor.0 + dx * (d + w / 2);
            let cy = anchor.1 + dy * (d + h / 2);
            let b = block.at((cx, cy));
            if crate::render::pixel::within(b, within) && taken.clear(b) {
                return Some(b);
            }
        }
    }
    None
}

/// A thin leader line from the edge of box `b` to `anchor`, ending in a dot.
pub(super) fn leader<DB: DrawingBackend>(
    area: &Area<DB>,
    b: Bx,
    anchor: Px,
) -> Result<(), RenderError> {
    let from = (anchor.0.clamp(b.0, b.2), anchor.1.clamp(b.1, b.3));
    area.draw(&PathElement::new(vec![from, anchor], INK.stroke_width(2)))
        .map_err(err("map"))?;
    area.draw(&plotters::element::Circle::new(anchor, 4, INK.filled()))
        .map_err(err("map"))?;
    Ok(())
}

/// A point inside the largest polygon of a parcel, where its label goes.
pub(super) fn label_point(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::Area;
    let largest =
        mp.0.iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let c = largest.centroid()?;
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
