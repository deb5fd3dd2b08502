//! The inset locator at the foot of the legend panel: the map's surroundings at a smaller
//! scale (the context layers, the park's outline) with the main map's extent in a red frame,
//! and the centre's longitude and latitude, so a reader can place the sheet.

use super::context::{Projected, draw_context};
use super::page::{Page, View, pad};
use super::shapes::{fill_polygon, outline};
use super::style::{GREY, INK, LOCATOR, MAP_BG, Sizes, bold, font};
use super::{Area, RenderError, Sheet, err};
use crate::frame::LocalFrame;
use crate::i18n::text;
use crate::model::Parcel;
use crate::render::paper::{mm, pt};
use crate::render::pixel::Bx;
use geo::{BoundingRect, ConvexHull, Coord, MultiPoint, MultiPolygon, Point};
use plotters::prelude::{DrawingBackend, Rectangle, Text};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Most parcels whose boxes make the inset's park outline (every k-th beyond it: the inset
/// is small, and a hull of a sample is the same shape at its scale).
const OUTLINE_SAMPLE: usize = 20_000;

/// The inset's box: the foot of the panel, about as high as 0.6 of its width.
pub(super) fn inset_box(page: &Page) -> Bx {
    inset_box_of(page, 0.62)
}

/// The smallest inset the park map gives way to when its key needs the room.
pub(super) fn smallest_inset_box(page: &Page) -> Bx {
    inset_box_of(page, 0.36)
}

/// The inset at the foot of the panel, `ratio` of the panel's width high.
fn inset_box_of(page: &Page, ratio: f64) -> Bx {
    let p = page.panel();
    let h = ((p.2 - p.0) as f64 * ratio) as i32;
    (p.0, p.3 - h, p.2, p.3)
}

/// The park's outline in metres: the convex hull of its parcels' boxes (a sample of them).
pub(super) fn park_outline(frame: &LocalFrame, parcels: &[Parcel]) -> Option<geo::Polygon<f64>> {
    let step = parcels.len().div_ceil(OUTLINE_SAMPLE).max(1);
    let pts: MultiPoint<f64> = parcels
        .iter()
        .step_by(step)
        .filter_map(|p| p.geometry.bounding_rect())
        .flat_map(|r| {
            let (a, b) = (r.min(), r.max());
            [(a.x, a.y), (a.x, b.y), (b.x, a.y), (b.x, b.y)]
                .map(|(x, y)| Point(frame.project(Coord { x, y })))
        })
        .collect();
    (!pts.0.is_empty()).then(|| pts.convex_hull())
}

/// Draw the inset: surroundings four times the main map's size or the context's extent,
/// whichever is larger, the park's outline and the main map's frame.
pub(super) fn draw_inset<DB: DrawingBackend>(
    area: &Area<DB>,
    main: &View,
    frame: &LocalFrame,
    parcels: &[Parcel],
    context: &[Projected],
    sheet: &Sheet,
    b: Bx,
) -> Result<(), RenderError> {
    let head = (pt(Sizes::LEGEND_HEAD) * 1.5) as i32;
    let foot = (pt(Sizes::NOTE) * 1.5) as i32;
    area.draw(&Text::new(
        text(sheet.lang, "map.inset"),
        (b.0, b.1),
        bold(Sizes::LEGEND_HEAD),
    ))
    .map_err(err("inset"))?;
    let inner: Bx = (b.0, b.1 + head, b.2, b.3 - foot);
    area.draw(&Rectangle::new(
        [(inner.0, inner.1), (inner.2, inner.3)],
        MAP_BG.filled(),
    ))
    .map_err(err("inset"))?;
    let shown = main.visible_rect();
    let size = shown.width().max(shown.height());
    let mut ext = pad(shown, 1.5 * size);
    if let Some(c) = crate::frame::extent(context.iter().filter_map(|f| f.bounding_rect())) {
        ext = crate::frame::extent([ext, c]).unwrap_or(ext);
    }
    let view = View::fit(ext, inner);
    draw_context(area, &view, &view.visible(), context, None)?;
    if let Some(hull) = park_outline(frame, parcels) {
        let mp = MultiPolygon(vec![hull]);
        fill_polygon(area, &view, &mp, GREY.to_rgba(), MAP_BG.to_rgba())?;
        outline(area, &view, &mp, INK.stroke_width(2), None)?;
    }
    let (p0, p1) = (view.px(shown.min()), view.px(shown.max()));
    let (x0, x1) = (p0.0.min(p1.0).max(inner.0), p0.0.max(p1.0).min(inner.2));
    let (y0, y1) = (p0.1.min(p1.1).max(inner.1), p0.1.max(p1.1).min(inner.3));
    // A frame too small to see is drawn at least 2 mm wide.
    let grow = ((mm(2.0) as i32 - (x1 - x0)) / 2).max(0);
    area.draw(&Rectangle::new(
        [(x0 - grow, y0 - grow), (x1 + grow, y1 + grow)],
        LOCATOR.stroke_width(5),
    ))
    .map_err(err("inset"))?;
    area.draw(&Rectangle::new(
        [(inner.0, inner.1), (inner.2, inner.3)],
        INK.stroke_width(3),
    ))
    .map_err(err("inset"))?;
    let c = frame.unproject(shown.center());
    let centre = format!(
        "{} · {:.4}°E {:.4}°N",
        text(sheet.lang, "map.inset_note"),
        c.x,
        c.y
    );
    area.draw(&Text::new(
        centre,
        (b.0, b.3),
        font(Sizes::NOTE)
            .color(&GREY)
            .pos(Pos::new(HPos::Left, VPos::Bottom)),
    ))
    .map_err(err("inset"))?;
    Ok(())
}
