//! The map page: its size, the map box and legend panel, metres to pixels ([`View`]), and what
//! every map page has — the header, the map box's border, a scale bar and a north arrow.

use super::style::{GREY, INK, MAP_BG, PAPER, bold, font};
use super::{Area, RenderError, err};
use crate::render::pixel::{Bx, Px};
use geo::{Coord, LineString, Rect};
use plotters::prelude::{DrawingBackend, PathElement, Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Page height in pixels of both maps, SVG and PNG alike.
pub const PAGE_HEIGHT: u32 = 1700;
/// Narrowest page in pixels; a park wider than it is tall gets a wider page, up to
/// [`MAX_PAGE_WIDTH`], so its parcels stay large enough to label.
pub const MIN_PAGE_WIDTH: u32 = 2400;
pub const MAX_PAGE_WIDTH: u32 = 4000;
/// Width of the legend panel at the right of the page.
const PANEL_WIDTH: i32 = 600;
const MAP_TOP: i32 = 150;

/// Maps metres in the local frame to pixels in a box on the page, same scale on both axes.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    minx: f64,
    maxy: f64,
    /// Pixels per metre.
    pub(super) scale: f64,
    ox: f64,
    oy: f64,
    /// The pixel box the map occupies.
    pub(super) bx: Bx,
}

impl View {
    pub(super) fn fit(extent: Rect<f64>, bx: Bx) -> View {
        let (w, h) = ((bx.2 - bx.0) as f64, (bx.3 - bx.1) as f64);
        let dx = extent.width().max(1.0);
        let dy = extent.height().max(1.0);
        let scale = (w / dx).min(h / dy);
        View {
            minx: extent.min().x,
            maxy: extent.max().y,
            scale,
            ox: bx.0 as f64 + (w - dx * scale) / 2.0,
            oy: bx.1 as f64 + (h - dy * scale) / 2.0,
            bx,
        }
    }
    pub(super) fn px(&self, c: Coord<f64>) -> Px {
        (
            (self.ox + (c.x - self.minx) * self.scale).round() as i32,
            (self.oy + (self.maxy - c.y) * self.scale).round() as i32,
        )
    }
    /// The map box in metres, for clipping what lies outside it.
    pub(super) fn visible(&self) -> geo::Polygon<f64> {
        let m = |x: i32, y: i32| Coord {
            x: self.minx + (x as f64 - self.ox) / self.scale,
            y: self.maxy - (y as f64 - self.oy) / self.scale,
        };
        Rect::new(m(self.bx.0, self.bx.3), m(self.bx.2, self.bx.1)).to_polygon()
    }
    pub(super) fn ring(&self, ls: &LineString<f64>) -> Vec<Px> {
        let mut out: Vec<Px> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            let p = self.px(*c);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

/// `r` grown by `m` metres on every side.
pub(super) fn pad(r: Rect<f64>, m: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: r.min().x - m,
            y: r.min().y - m,
        },
        Coord {
            x: r.max().x + m,
            y: r.max().y + m,
        },
    )
}

/// The extent of longitude/latitude boxes, for choosing the local frame.
pub(super) fn lonlat_bounds<'a>(rects: impl Iterator<Item = Rect<f64>> + 'a) -> Option<Rect<f64>> {
    crate::frame::extent(rects)
}

/// The largest length 1, 2 or 5 x 10^k metres not longer than `max_m`.
fn nice_length(max_m: f64) -> f64 {
    let k = max_m.log10().floor();
    let base = 10f64.powf(k);
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * base)
        .find(|l| *l <= max_m)
        .unwrap_or(base)
}

/// A scale-bar length as text, in km from 1000 m up.
fn metres_text(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// A scale bar in the lower left of the map box: four alternating segments, labelled in metres.
fn scale_bar<DB: DrawingBackend>(area: &Area<DB>, view: &View) -> Result<(), RenderError> {
    let map_w_m = (view.bx.2 - view.bx.0) as f64 / view.scale;
    let len = nice_length(map_w_m / 4.0);
    let len_px = (len * view.scale).round() as i32;
    let (x0, y0) = (view.bx.0 + 40, view.bx.3 - 60);
    area.draw(&Rectangle::new(
        [(x0 - 20, y0 - 44), (x0 + len_px + 60, y0 + 40)],
        PAPER.mix(0.85).filled(),
    ))
    .map_err(err("scale bar"))?;
    for i in 0..4 {
        let a = x0 + len_px * i / 4;
        let b = x0 + len_px * (i + 1) / 4;
        let fill = if i % 2 == 0 {
            INK.filled()
        } else {
            PAPER.filled()
        };
        area.draw(&Rectangle::new([(a, y0), (b, y0 + 12)], fill))
            .map_err(err("scale bar"))?;
    }
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + len_px, y0 + 12)],
        INK.stroke_width(2),
    ))
    .map_err(err("scale bar"))?;
    let st = font(22.0).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (frac, text) in [
        (0.0, "0".to_string()),
        (0.5, metres_text(len / 2.0)),
        (1.0, metres_text(len)),
    ] {
        let x = x0 + (len_px as f64 * frac).round() as i32;
        area.draw(&Text::new(text, (x, y0 - 6), st.clone()))
            .map_err(err("scale bar"))?;
    }
    let note = font(18.0).pos(Pos::new(HPos::Left, VPos::Top)).color(&GREY);
    area.draw(&Text::new("比例尺 scale".to_string(), (x0, y0 + 18), note))
        .map_err(err("scale bar"))?;
    Ok(())
}

/// A north arrow in the upper right of the map box. The frame's central meridian runs through
/// the map's centre, so grid north is true north there (convergence under 0.1° at park scale).
fn north_arrow<DB: DrawingBackend>(area: &Area<DB>, view: &View) -> Result<(), RenderError> {
    let (cx, top) = (view.bx.2 - 70, view.bx.1 + 40);
    area.draw(&Rectangle::new(
        [(cx - 40, top - 10), (cx + 40, top + 130)],
        PAPER.mix(0.85).filled(),
    ))
    .map_err(err("north arrow"))?;
    let tip = (cx, top + 40);
    let left = (cx - 22, top + 110);
    let right = (cx + 22, top + 110);
    let notch = (cx, top + 90);
    area.draw(&plotters::element::Polygon::new(
        vec![tip, left, notch],
        INK.filled(),
    ))
    .map_err(err("north arrow"))?;
    area.draw(&plotters::element::Polygon::new(
        vec![tip, notch, right],
        PAPER.filled(),
    ))
    .map_err(err("north arrow"))?;
    area.draw(&PathElement::new(
        vec![tip, left, notch, right, tip],
        INK.stroke_width(2),
    ))
    .map_err(err("north arrow"))?;
    area.draw(&Text::new(
        "N 北".to_string(),
        (cx, top + 18),
        bold(26.0).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err("north arrow"))?;
    Ok(())
}

/// The map box's border, scale bar and north arrow, drawn over the finished map.
pub(super) fn frame_map_box<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    name: &'static str,
) -> Result<(), RenderError> {
    let mbox = view.bx;
    area.draw(&Rectangle::new(
        [(mbox.0, mbox.1), (mbox.2, mbox.3)],
        INK.stroke_width(2),
    ))
    .map_err(err(name))?;
    scale_bar(area, view)?;
    north_arrow(area, view)?;
    Ok(())
}

/// The page's title and subtitle, above the map box.
fn header<DB: DrawingBackend>(
    area: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> Result<(), RenderError> {
    area.draw(&Text::new(title.to_string(), (40, 28), bold(46.0)))
        .map_err(err("title"))?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (40, 90),
        font(26.0).color(&GREY),
    ))
    .map_err(err("title"))?;
    Ok(())
}

/// The map's box on a page of `area`'s size: everything left of the legend panel.
fn map_box<DB: DrawingBackend>(area: &Area<DB>) -> Bx {
    map_box_of(area.dim_in_pixel())
}

/// The map's box on a page of `size` pixels.
fn map_box_of((w, h): (u32, u32)) -> Bx {
    (40, MAP_TOP, w as i32 - PANEL_WIDTH, h as i32 - 40)
}

/// The view a page of `size` pixels draws `extent` (metres) with, as [`start_page`] fits it:
/// for the report's clickable shapes over the drawn map.
pub(super) fn view_of(size: (u32, u32), extent: Rect<f64>) -> View {
    View::fit(extent, map_box_of(size))
}

/// Top-left corner of the legend panel.
pub(super) fn panel_at<DB: DrawingBackend>(area: &Area<DB>) -> (i32, i32) {
    (area.dim_in_pixel().0 as i32 - PANEL_WIDTH + 40, MAP_TOP)
}

/// The page size that shows `extent` (metres) at the largest scale the height allows.
pub(super) fn page_for(extent: Rect<f64>) -> (u32, u32) {
    let map_h = (PAGE_HEIGHT as i32 - 40 - MAP_TOP) as f64;
    let want = map_h * extent.width() / extent.height().max(1.0);
    let min_map = (MIN_PAGE_WIDTH as i32 - PANEL_WIDTH - 40) as f64;
    let max_map = (MAX_PAGE_WIDTH as i32 - PANEL_WIDTH - 40) as f64;
    let map_w = if want.is_finite() {
        want.clamp(min_map, max_map)
    } else {
        min_map
    };
    (map_w.round() as u32 + PANEL_WIDTH as u32 + 40, PAGE_HEIGHT)
}

/// The common start of a map page: paper, title, and either the map box's background with the
/// view fitted to `layout`'s extent, or, with nothing to draw, `empty` written in the box.
pub(super) fn start_page<DB: DrawingBackend, L>(
    area: &Area<DB>,
    name: &'static str,
    title: &str,
    subtitle: &str,
    layout: Option<(L, Rect<f64>)>,
    empty: &str,
) -> Result<Option<(L, View)>, RenderError> {
    crate::render::register_fonts();
    area.fill(&PAPER).map_err(err(name))?;
    header(area, title, subtitle)?;
    let mbox = map_box(area);
    let Some((layout, extent)) = layout else {
        area.draw(&Text::new(
            empty.to_string(),
            (mbox.0 + 40, mbox.1 + 40),
            font(30.0),
        ))
        .map_err(err(name))?;
        return Ok(None);
    };
    area.draw(&Rectangle::new(
        [(mbox.0, mbox.1), (mbox.2, mbox.3)],
        MAP_BG.filled(),
    ))
    .map_err(err(name))?;
    Ok(Some((layout, View::fit(extent, mbox))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_lengths_are_1_2_5() {
        assert_eq!(nice_length(730.0), 500.0);
        assert_eq!(nice_length(1999.0), 1000.0);
        assert_eq!(nice_length(2000.0), 2000.0);
        assert_eq!(nice_length(45.0), 20.0);
    }

    #[test]
    fn view_keeps_metres_square() {
        let v = View::fit(Rect::new((0., 0.), (2000., 1000.)), (0, 0, 1000, 1000));
        let a = v.px(Coord { x: 0., y: 0. });
        let b = v.px(Coord { x: 1000., y: 0. });
        let c = v.px(Coord { x: 0., y: 1000. });
        assert_eq!(b.0 - a.0, a.1 - c.1);
    }
}
