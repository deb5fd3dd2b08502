//! Polygons in metres drawn through a [`View`]: filled (holes in the map background), outlined
//! (solid or dashed) and hatched, plus the polygon part of any geometry.

use super::page::View;
use super::{Area, RenderError, err};
use crate::render::pixel::Px;
use geo::{BooleanOps, BoundingRect, Coord, Geometry, LineString, MultiLineString, MultiPolygon};
use plotters::element::DashedPathElement;
use plotters::prelude::{DrawingBackend, PathElement};
use plotters::style::{Color, RGBAColor, ShapeStyle};

/// Fill each polygon of `mp` with `fill` and paint its holes `hole` (the background below).
pub(super) fn fill_polygon<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    mp: &MultiPolygon<f64>,
    fill: RGBAColor,
    hole: RGBAColor,
) -> Result<(), RenderError> {
    for poly in &mp.0 {
        let ext = view.ring(poly.exterior());
        if ext.len() >= 3 {
            area.draw(&plotters::element::Polygon::new(ext, fill.filled()))
                .map_err(err("map"))?;
        }
        for hole_ring in poly.interiors() {
            let r = view.ring(hole_ring);
            if r.len() >= 3 {
                area.draw(&plotters::element::Polygon::new(r, hole.filled()))
                    .map_err(err("map"))?;
            }
        }
    }
    Ok(())
}

/// Stroke every ring of `mp`, exterior and holes, solid or with `dash` = (on, off) pixels.
pub(super) fn outline<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    mp: &MultiPolygon<f64>,
    style: ShapeStyle,
    dash: Option<(i32, i32)>,
) -> Result<(), RenderError> {
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let r = view.ring(ring);
            if r.len() < 2 {
                continue;
            }
            match dash {
                None => area.draw(&PathElement::new(r, style)).map_err(err("map"))?,
                Some((on, off)) => area
                    .draw(&DashedPathElement::new(r, on, off, style))
                    .map_err(err("map"))?,
            }
        }
    }
    Ok(())
}

/// Diagonal hatching of a polygon, lines `gap` pixels apart, clipped to it in pixel space.
pub(super) fn hatch<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    mp: &MultiPolygon<f64>,
    gap: i32,
    style: ShapeStyle,
) -> Result<(), RenderError> {
    let pix: MultiPolygon<f64> = MultiPolygon(
        mp.0.iter()
            .map(|p| {
                let ring = |ls: &LineString<f64>| -> LineString<f64> {
                    ls.0.iter()
                        .map(|c| {
                            let (x, y) = view.px(*c);
                            Coord {
                                x: x as f64,
                                y: y as f64,
                            }
                        })
                        .collect()
                };
                geo::Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect())
            })
            .collect(),
    );
    let Some(b) = pix.bounding_rect() else {
        return Ok(());
    };
    let (x0, x1, y0, y1) = (b.min().x, b.max().x, b.min().y, b.max().y);
    let h = y1 - y0;
    let mut lines = Vec::new();
    let mut x = x0 - h;
    while x < x1 {
        lines.push(LineString::from(vec![(x, y1), (x + h, y0)]));
        x += gap as f64;
    }
    let clipped = pix.clip(&MultiLineString(lines), false);
    for ls in clipped.0 {
        let pts: Vec<Px> =
            ls.0.iter()
                .map(|c| (c.x.round() as i32, c.y.round() as i32))
                .collect();
        area.draw(&PathElement::new(pts, style))
            .map_err(err("map"))?;
    }
    Ok(())
}

/// The polygons of a geometry (none for points and lines).
pub(super) fn as_multipolygon(g: &Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Rect(r) => MultiPolygon(vec![r.to_polygon()]),
        _ => MultiPolygon(vec![]),
    }
}

/// Every ring of `mp` as one SVG path in page pixels (`M x y L x y ... Z`, holes included,
/// to be filled with `fill-rule: evenodd`).
pub(super) fn svg_path(view: &View, mp: &MultiPolygon<f64>) -> String {
    use std::fmt::Write as _;
    let mut d = String::new();
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for (k, (x, y)) in view.ring(ring).into_iter().enumerate() {
                let _ = write!(d, "{}{x} {y}", if k == 0 { "M" } else { "L" });
            }
            d.push('Z');
        }
    }
    d
}
