//! The map sheet: its size from the paper, the header, the map box and the side panel, metres
//! to pixels at a round ratio scale ([`View`]), and what every map has — the map box's border,
//! a scale bar with the ratio (1:N on the chosen paper) and a north arrow.

use super::style::{GREY, INK, MAP_BG, PAPER, Sizes, bold, font};
use super::{Area, RenderError, Sheet, err};
use crate::i18n::fill;
use crate::render::paper::{self, mm, pt, ratio_of, ratio_text, round_scale};
use crate::render::pixel::Bx;
use geo::{Coord, LineString, Rect};
use plotters::prelude::{DrawingBackend, PathElement, Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The layout of a sheet in pixels: margins, header, map box and legend panel.
#[derive(Debug, Clone, Copy)]
pub(super) struct Page {
    pub(super) size: (u32, u32),
    margin: i32,
    /// Bottom of the header (title, subtitle, source lines).
    header: i32,
    panel_w: i32,
}

impl Page {
    pub(super) fn of(sheet: &Sheet) -> Page {
        let size = sheet.paper.pixels();
        let margin = mm(8.0).round() as i32;
        let header = margin
            + (pt(Sizes::TITLE) * 1.3 + pt(Sizes::SUBTITLE) * 1.5).round() as i32
            + (pt(Sizes::SOURCE) * 1.6).round() as i32;
        // The panel keeps its width in millimetres, so legend text (in points) fits on any sheet.
        let panel_w = mm(match sheet.paper {
            paper::Paper::A4 => 82.0,
            paper::Paper::A3 => 100.0,
            paper::Paper::A2 => 120.0,
        })
        .round() as i32;
        Page {
            size,
            margin,
            header,
            panel_w,
        }
    }
    /// The map's box: everything below the header and left of the panel.
    pub(super) fn map_box(&self) -> Bx {
        (
            self.margin,
            self.header + mm(1.5) as i32,
            self.size.0 as i32 - self.margin - self.panel_w - mm(4.0) as i32,
            self.size.1 as i32 - self.margin,
        )
    }
    /// The legend panel at the right.
    pub(super) fn panel(&self) -> Bx {
        (
            self.size.0 as i32 - self.margin - self.panel_w,
            self.header + mm(1.5) as i32,
            self.size.0 as i32 - self.margin,
            self.size.1 as i32 - self.margin,
        )
    }
}

/// Maps metres in the local frame to pixels in a box on the page, same scale on both axes, at
/// a round ratio scale on the sheet.
#[derive(Debug, Clone, Copy)]
pub(super) struct View {
    minx: f64,
    maxy: f64,
    /// Pixels per metre.
    pub(super) scale: f64,
    /// The scale denominator N of 1:N on the printed sheet.
    pub(super) ratio: f64,
    ox: f64,
    oy: f64,
    /// The pixel box the map occupies.
    pub(super) bx: Bx,
}

impl View {
    /// `extent` centred in `bx` at the largest round scale (see [`round_scale`]) that shows
    /// all of it.
    pub(super) fn fit(extent: Rect<f64>, bx: Bx) -> View {
        let (w, h) = ((bx.2 - bx.0) as f64, (bx.3 - bx.1) as f64);
        let dx = extent.width().max(1.0);
        let dy = extent.height().max(1.0);
        let ratio = round_scale(ratio_of((w / dx).min(h / dy)));
        View::at(extent, bx, ratio)
    }
    /// `extent`'s centre in the middle of `bx` at 1:`ratio`.
    pub(super) fn at(extent: Rect<f64>, bx: Bx, ratio: f64) -> View {
        let scale = paper::DPI / 0.0254 / ratio;
        let (w, h) = ((bx.2 - bx.0) as f64, (bx.3 - bx.1) as f64);
        let c = extent.center();
        View {
            minx: c.x - w / 2.0 / scale,
            maxy: c.y + h / 2.0 / scale,
            scale,
            ratio,
            ox: bx.0 as f64,
            oy: bx.1 as f64,
            bx,
        }
    }
    pub(super) fn px(&self, c: Coord<f64>) -> (i32, i32) {
        let (x, y) = self.pxf(c);
        (x.round() as i32, y.round() as i32)
    }
    /// The pixel position, unrounded.
    pub(super) fn pxf(&self, c: Coord<f64>) -> (f64, f64) {
        (
            self.ox + (c.x - self.minx) * self.scale,
            self.oy + (self.maxy - c.y) * self.scale,
        )
    }
    /// The map box in metres.
    pub(super) fn visible_rect(&self) -> Rect<f64> {
        let m = |x: i32, y: i32| Coord {
            x: self.minx + (x as f64 - self.ox) / self.scale,
            y: self.maxy - (y as f64 - self.oy) / self.scale,
        };
        Rect::new(m(self.bx.0, self.bx.3), m(self.bx.2, self.bx.1))
    }
    /// The map box in metres, for clipping what lies outside it.
    pub(super) fn visible(&self) -> geo::Polygon<f64> {
        self.visible_rect().to_polygon()
    }
    pub(super) fn ring(&self, ls: &LineString<f64>) -> Vec<(i32, i32)> {
        let mut out: Vec<(i32, i32)> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            let p = self.px(*c);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
    /// A length in millimetres on the sheet as metres on the ground.
    pub(super) fn ground_m(&self, sheet_mm: f64) -> f64 {
        mm(sheet_mm) / self.scale
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

/// The boxes the scale bar and north arrow cover, so labels keep clear of them.
pub(super) fn furniture(view: &View) -> Vec<Bx> {
    vec![scale_bar_box(view), north_arrow_box(view)]
}

/// Where the scale bar goes: the lower left of the map box.
fn scale_bar_box(view: &View) -> Bx {
    let (x0, y1) = (view.bx.0 + mm(3.0) as i32, view.bx.3 - mm(3.0) as i32);
    (x0, y1 - mm(14.0) as i32, x0 + mm(62.0) as i32, y1)
}

/// Where the north arrow goes: the upper right of the map box.
fn north_arrow_box(view: &View) -> Bx {
    let (x1, y0) = (view.bx.2 - mm(3.0) as i32, view.bx.1 + mm(3.0) as i32);
    (x1 - mm(11.0) as i32, y0, x1, y0 + mm(17.0) as i32)
}

/// A scale bar in the lower left of the map box: four alternating segments in metres, and the
/// ratio scale on the sheet below it.
fn scale_bar<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    sheet: &Sheet,
) -> Result<(), RenderError> {
    let b = scale_bar_box(view);
    area.draw(&Rectangle::new(
        [(b.0, b.1), (b.2, b.3)],
        PAPER.mix(0.9).filled(),
    ))
    .map_err(err("scale bar"))?;
    let len = nice_length(view.ground_m(50.0));
    let len_px = (len * view.scale).round() as i32;
    let (x0, y0) = (b.0 + mm(4.0) as i32, b.1 + mm(6.0) as i32);
    let bar_h = mm(1.2) as i32;
    for i in 0..4 {
        let a = x0 + len_px * i / 4;
        let e = x0 + len_px * (i + 1) / 4;
        let fill = if i % 2 == 0 {
            INK.filled()
        } else {
            PAPER.filled()
        };
        area.draw(&Rectangle::new([(a, y0), (e, y0 + bar_h)], fill))
            .map_err(err("scale bar"))?;
    }
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + len_px, y0 + bar_h)],
        INK.stroke_width(3),
    ))
    .map_err(err("scale bar"))?;
    let st = font(Sizes::SCALE).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (frac, text) in [
        (0.0, "0".to_string()),
        (0.5, metres_text(len / 2.0)),
        (1.0, metres_text(len)),
    ] {
        let x = x0 + (len_px as f64 * frac).round() as i32;
        area.draw(&Text::new(text, (x, y0 - mm(0.8) as i32), st.clone()))
            .map_err(err("scale bar"))?;
    }
    let ratio = fill(
        sheet.lang,
        "map.scale",
        &[
            ("ratio", &ratio_text(view.ratio)),
            ("paper", sheet.paper.name()),
        ],
    );
    area.draw(&Text::new(
        ratio,
        (x0, y0 + bar_h + mm(1.2) as i32),
        bold(Sizes::SCALE).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(err("scale bar"))?;
    Ok(())
}

/// A north arrow in the upper right of the map box. The frame's central meridian runs through
/// the map's centre, so grid north is true north there (convergence under 0.1° at park scale).
fn north_arrow<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    sheet: &Sheet,
) -> Result<(), RenderError> {
    let b = north_arrow_box(view);
    area.draw(&Rectangle::new(
        [(b.0, b.1), (b.2, b.3)],
        PAPER.mix(0.9).filled(),
    ))
    .map_err(err("north arrow"))?;
    let cx = (b.0 + b.2) / 2;
    let u = mm(1.0);
    let at = |dx: f64, dy: f64| (cx + (dx * u) as i32, b.1 + (dy * u) as i32);
    let (tip, left, right, notch) = (at(0.0, 6.0), at(-3.2, 15.5), at(3.2, 15.5), at(0.0, 12.5));
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
        INK.stroke_width(3),
    ))
    .map_err(err("north arrow"))?;
    area.draw(&Text::new(
        crate::i18n::text(sheet.lang, "map.north"),
        at(0.0, 3.0),
        bold(Sizes::LEGEND_HEAD).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err("north arrow"))?;
    Ok(())
}

/// The map box's border, scale bar and north arrow, drawn over the finished map.
pub(super) fn frame_map_box<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    sheet: &Sheet,
    name: &'static str,
) -> Result<(), RenderError> {
    let mbox = view.bx;
    area.draw(&Rectangle::new(
        [(mbox.0, mbox.1), (mbox.2, mbox.3)],
        INK.stroke_width(4),
    ))
    .map_err(err(name))?;
    scale_bar(area, view, sheet)?;
    north_arrow(area, view, sheet)?;
    Ok(())
}

/// The sheet's title, subtitle (issuing office, date) and source line, above the map box.
fn header<DB: DrawingBackend>(
    area: &Area<DB>,
    page: &Page,
    sheet: &Sheet,
) -> Result<(), RenderError> {
    let x = page.margin;
    let mut y = page.margin;
    area.draw(&Text::new(sheet.title.clone(), (x, y), bold(Sizes::TITLE)))
        .map_err(err("title"))?;
    y += (pt(Sizes::TITLE) * 1.3).round() as i32;
    area.draw(&Text::new(
        sheet.subtitle.clone(),
        (x, y),
        font(Sizes::SUBTITLE),
    ))
    .map_err(err("title"))?;
    y += (pt(Sizes::SUBTITLE) * 1.5).round() as i32;
    area.draw(&Text::new(
        sheet.source.clone(),
        (x, y),
        font(Sizes::SOURCE).color(&GREY),
    ))
    .map_err(err("title"))?;
    Ok(())
}

/// The view a sheet draws `extent` (metres) with, as [`start_page`] fits it: for the report's
/// clickable shapes over the drawn map.
pub(super) fn view_of(sheet: &Sheet, extent: Rect<f64>) -> View {
    View::fit(extent, Page::of(sheet).map_box())
}

/// The common start of a map sheet: paper, header, and either the map box's background with
/// the view fitted to `layout`'s extent, or, with nothing to draw, `empty` written in the box.
pub(super) fn start_page<DB: DrawingBackend, L>(
    area: &Area<DB>,
    name: &'static str,
    sheet: &Sheet,
    layout: Option<(L, Rect<f64>)>,
    empty: &str,
) -> Result<Option<(L, View)>, RenderError> {
    crate::render::register_fonts();
    let page = Page::of(sheet);
    area.fill(&PAPER).map_err(err(name))?;
    header(area, &page, sheet)?;
    let mbox = page.map_box();
    let Some((layout, extent)) = layout else {
        area.draw(&Text::new(
            empty.to_string(),
            (mbox.0 + mm(10.0) as i32, mbox.1 + mm(10.0) as i32),
            font(Sizes::LEGEND_HEAD),
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
    fn view_keeps_metres_square_at_a_round_scale() {
        let v = View::fit(Rect::new((0., 0.), (2000., 1000.)), (0, 0, 1000, 1000));
        let a = v.px(Coord { x: 0., y: 0. });
        let b = v.px(Coord { x: 1000., y: 0. });
        let c = v.px(Coord { x: 0., y: 1000. });
        assert_eq!(b.0 - a.0, a.1 - c.1);
        // 2 km in 1000 px (84.7 mm at 300 dpi) needs 1:23,622: drawn at 1:25,000, all in view.
        assert_eq!(v.ratio, 25_000.0);
        let r = v.visible_rect();
        assert!(r.width() >= 2000.0 && r.height() >= 1000.0);
    }
}
