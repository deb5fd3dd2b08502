//! Context layers under both maps: water filled blue, urban districts beige, coastlines,
//! boundaries (dashed) and roads as lines, other features thin grey; area names in small grey
//! text. Drawn first, clipped to the map box, so the plan's own layers lie on top.

use super::labels::{boxed_text, label_point};
use super::legend::{Legend, swatch_fill, swatch_line};
use super::page::View;
use super::shapes::{as_multipolygon, fill_polygon, outline};
use super::style::{GREY, MAP_BG, font};
use super::{Area, RenderError, err};
use crate::frame::LocalFrame;
use crate::model::{ContextKind, ContextLayer};
use geo::{BooleanOps, Geometry, LineString, MultiLineString};
use plotters::element::DashedPathElement;
use plotters::prelude::{DrawingBackend, PathElement, RGBColor};
use plotters::style::Color;
use std::collections::BTreeSet;

/// A context feature in the map's metres.
pub(super) struct Projected {
    kind: ContextKind,
    name: Option<String>,
    geometry: Geometry<f64>,
}

/// Every context feature, projected into `frame`.
pub(super) fn project(frame: &LocalFrame, layers: &[ContextLayer]) -> Vec<Projected> {
    layers
        .iter()
        .flat_map(|l| &l.features)
        .map(|f| Projected {
            kind: f.kind,
            name: f.name.clone(),
            geometry: frame.project_geometry(&f.geometry),
        })
        .collect()
}

/// (fill of areas, line colour, line width, dashed) of a kind.
fn look(kind: ContextKind) -> (Option<RGBColor>, RGBColor, u32, bool) {
    match kind {
        ContextKind::Water => (
            Some(RGBColor(214, 230, 242)),
            RGBColor(150, 185, 215),
            1,
            false,
        ),
        ContextKind::Urban => (
            Some(RGBColor(240, 233, 220)),
            RGBColor(205, 190, 165),
            1,
            false,
        ),
        ContextKind::Coastline => (None, RGBColor(110, 150, 190), 2, false),
        ContextKind::Boundary => (None, RGBColor(110, 110, 110), 2, true),
        ContextKind::Road => (None, RGBColor(185, 185, 185), 3, false),
        ContextKind::Other => (None, RGBColor(160, 160, 160), 1, false),
    }
}

/// The lines of a geometry (polygon rings included), for stroking.
fn lines(g: &Geometry<f64>) -> MultiLineString<f64> {
    let mut out: Vec<LineString<f64>> = Vec::new();
    match g {
        Geometry::LineString(l) => out.push(l.clone()),
        Geometry::MultiLineString(m) => out.extend(m.0.iter().cloned()),
        Geometry::Line(l) => out.push(LineString::from(vec![l.start, l.end])),
        Geometry::GeometryCollection(c) => out.extend(c.0.iter().flat_map(|g| lines(g).0)),
        other => {
            for p in as_multipolygon(other).0 {
                out.push(p.exterior().clone());
                out.extend(p.interiors().iter().cloned());
            }
        }
    }
    MultiLineString(out)
}

/// Draw the context under the map; returns the kinds in view, for the legend.
pub(super) fn draw_context<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    features: &[Projected],
) -> Result<BTreeSet<ContextKind>, RenderError> {
    let mut shown = BTreeSet::new();
    // Areas first (water, districts), then every line on top, then the names of areas.
    for f in features {
        if let (Some(fill), edge, _, _) = look(f.kind) {
            let mp = as_multipolygon(&f.geometry).intersection(visible);
            if !mp.0.is_empty() {
                shown.insert(f.kind);
                fill_polygon(area, view, &mp, fill.to_rgba(), MAP_BG.to_rgba())?;
                outline(area, view, &mp, edge.stroke_width(1), None)?;
            }
        }
    }
    for f in features {
        let (fill, colour, width, dashed) = look(f.kind);
        if fill.is_some() {
            continue;
        }
        let clipped = visible.clip(&lines(&f.geometry), false);
        for ls in &clipped.0 {
            let r = view.ring(ls);
            if r.len() < 2 {
                continue;
            }
            shown.insert(f.kind);
            let style = colour.stroke_width(width);
            if dashed {
                area.draw(&DashedPathElement::new(r, 12, 8, style))
                    .map_err(err("context"))?;
            } else {
                area.draw(&PathElement::new(r, style))
                    .map_err(err("context"))?;
            }
        }
    }
    for f in features
        .iter()
        .filter(|f| f.kind == ContextKind::Urban || f.kind == ContextKind::Water)
    {
        let (Some(name), mp) = (&f.name, as_multipolygon(&f.geometry).intersection(visible)) else {
            continue;
        };
        if let Some(at) = label_point(&mp) {
            let text = name.split(" (").next().unwrap_or(name);
            boxed_text(area, text, view.px(at), &font(16.0).color(&GREY), 0.0)?;
        }
    }
    Ok(shown)
}

/// The legend rows of the context kinds in view, with a note when a layer is synthetic.
pub(super) fn legend<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    shown: &BTreeSet<ContextKind>,
    synthetic: bool,
) -> Result<(), RenderError> {
    if shown.is_empty() {
        return Ok(());
    }
    lg.heading(if synthetic {
        "背景 Context (合成 synthetic)"
    } else {
        "背景 Context"
    })?;
    for k in shown {
        let (fill, colour, _, _) = look(*k);
        let text = match k {
            ContextKind::Water => "水域 water",
            ContextKind::Urban => "城区 urban area",
            ContextKind::Coastline => "岸线 coastline",
            ContextKind::Boundary => "边界 boundary",
            ContextKind::Road => "道路 road",
            ContextKind::Other => "其他 other",
        };
        match fill {
            Some(f) => lg.row(text, swatch_fill(f, colour))?,
            None => lg.row(text, swatch_line(colour))?,
        }
    }
    Ok(())
}
