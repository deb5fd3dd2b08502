//! Context layers under both maps: water filled blue, urban districts beige, coastlines,
//! boundaries (dashed) and roads as lines, other features thin grey; area names in small grey
//! text. Drawn first, clipped to the map box, so the plan's own layers lie on top.

use super::labels::{Block, Line, Taken, label_point};
use super::legend::{Legend, swatch_fill, swatch_line};
use super::page::View;
use super::shapes::{as_multipolygon, fill_polygon, outline};
use super::style::{GREY, MAP_BG, Sizes};
use super::{Area, RenderError, err};
use crate::frame::LocalFrame;
use crate::i18n::{Lang, text};
use crate::model::{ContextKind, ContextLayer};
use geo::{BooleanOps, Geometry, LineString, MultiLineString};
use plotters::element::DashedPathElement;
use plotters::prelude::{DrawingBackend, PathElement, RGBColor};
use plotters::style::Color;
use std::collections::BTreeSet;

/// A context feature in the map's metres.
pub(super) struct Projected {
    pub(super) kind: ContextKind,
    name: Option<String>,
    geometry: Geometry<f64>,
}

impl Projected {
    pub(super) fn bounding_rect(&self) -> Option<geo::Rect<f64>> {
        use geo::BoundingRect;
        self.geometry.bounding_rect()
    }
    pub(super) fn geometry(&self) -> &Geometry<f64> {
        &self.geometry
    }
}

/// The lines of a geometry (polygon rings included), for stroking.
pub(super) fn lines_of(g: &Geometry<f64>) -> MultiLineString<f64> {
    lines(g)
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

/// (fill of areas, line colour, line width in pixels at 300 dpi, dashed) of a kind.
fn look(kind: ContextKind) -> (Option<RGBColor>, RGBColor, u32, bool) {
    match kind {
        ContextKind::Water => (
            Some(RGBColor(214, 230, 242)),
            RGBColor(150, 185, 215),
            2,
            false,
        ),
        ContextKind::Urban => (
            Some(RGBColor(240, 233, 220)),
            RGBColor(205, 190, 165),
            2,
            false,
        ),
        ContextKind::Coastline => (None, RGBColor(110, 150, 190), 4, false),
        ContextKind::Boundary => (None, RGBColor(110, 110, 110), 4, true),
        ContextKind::Road => (None, RGBColor(185, 185, 185), 6, false),
        ContextKind::Other => (None, RGBColor(160, 160, 160), 2, false),
    }
}

/// A context kind's legend name.
fn kind_text(lang: Lang, k: ContextKind) -> String {
    let key = match k {
        ContextKind::Water => "map.context_water",
        ContextKind::Urban => "map.context_urban",
        ContextKind::Coastline => "map.context_coastline",
        ContextKind::Boundary => "map.context_boundary",
        ContextKind::Road => "map.context_road",
        ContextKind::Other => "map.context_other",
    };
    text(lang, key)
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

/// Draw the context under the map; returns the kinds in view, for the legend. With `names`
/// (the main map, not the inset), area names are drawn too, each where it clears `taken`.
pub(super) fn draw_context<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    features: &[Projected],
    names: Option<&mut Taken>,
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
                area.draw(&DashedPathElement::new(r, 24, 14, style))
                    .map_err(err("context"))?;
            } else {
                area.draw(&PathElement::new(r, style))
                    .map_err(err("context"))?;
            }
        }
    }
    if let Some(taken) = names {
        draw_context_names(area, view, visible, features, taken)?;
    }
    Ok(shown)
}

/// The names of the urban districts and waters in view, each where it clears `taken`: inside
/// the area, else just below, above, left or right of it. Drawn after the map's markers and their names when
/// those are in `taken`, so a name never hides under a marker.
pub(super) fn draw_context_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    features: &[Projected],
    taken: &mut Taken,
) -> Result<(), RenderError> {
    use geo::BoundingRect;
    for f in features
        .iter()
        .filter(|f| f.kind == ContextKind::Urban || f.kind == ContextKind::Water)
    {
        let (Some(name), mp) = (&f.name, as_multipolygon(&f.geometry).intersection(visible)) else {
            continue;
        };
        let (Some(at), Some(rect)) = (label_point(&mp), mp.bounding_rect()) else {
            continue;
        };
        let text = name.split(" (").next().unwrap_or(name);
        let block = Block::new(vec![Line::new(text, Sizes::AREA_NAME, false, GREY)]);
        let (w, h) = block.size();
        let c = view.px(at);
        // Pixel rows grow downwards: the area's lowest point on the sheet is its `min` y.
        let (lo, hi) = (view.px(rect.min()), view.px(rect.max()));
        let places = [
            c,
            (c.0, lo.1 + h / 2 + 4),
            (c.0, hi.1 - h / 2 - 4),
            (lo.0 - w / 2 - 4, c.1),
            (hi.0 + w / 2 + 4, c.1),
            (c.0, lo.1 + 3 * h / 2 + 8),
            (c.0, hi.1 - 3 * h / 2 - 8),
            (lo.0 - w / 2 - 4, c.1 + 2 * h),
            (lo.0 - w / 2 - 4, c.1 - 2 * h),
            (hi.0 + w / 2 + 4, c.1 + 2 * h),
            (hi.0 + w / 2 + 4, c.1 - 2 * h),
        ];
        if let Some(b) = places
            .into_iter()
            .map(|p| block.at(p))
            .find(|b| crate::render::pixel::within(*b, view.bx) && taken.clear(*b))
        {
            block.draw(area, b, 0.0)?;
            taken.add(b);
        }
    }
    Ok(())
}

/// The legend rows of the context kinds in view, with a note when a layer is synthetic.
pub(super) fn legend<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    lang: Lang,
    shown: &BTreeSet<ContextKind>,
    synthetic: bool,
) -> Result<(), RenderError> {
    if shown.is_empty() {
        return Ok(());
    }
    lg.heading(&text(
        lang,
        if synthetic {
            "map.context_synthetic"
        } else {
            "map.context"
        },
    ))?;
    for k in shown {
        let (fill, colour, width, dashed) = look(*k);
        let name = kind_text(lang, *k);
        match (fill, dashed) {
            (Some(f), _) => lg.row(&name, swatch_fill(f, colour))?,
            (None, true) => lg.row(&name, super::legend::swatch_dashed(colour, width, 24, 14))?,
            (None, false) => lg.row(&name, swatch_line(colour, width))?,
        }
    }
    Ok(())
}
