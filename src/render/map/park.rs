//! The park layout map: sensitive areas and their buffer rings, parcels by cluster and status,
//! parcel ids and enterprise names, and a legend of what is shown. Drawn in that order, so
//! labels lie on top of every fill.

use super::labels::{
    boxed_lines, boxed_text, centred_box, fit_size, label_point, measure_lines, sensitive_anchor,
    wrap_label,
};
use super::legend::{Legend, swatch_dashed, swatch_fill, swatch_hatched};
use super::page::{View, frame_map_box, lonlat_bounds, pad, page_for, start_page, view_of};
use super::shapes::{as_multipolygon, fill_polygon, hatch, outline};
use super::style::{
    GREY, INK, MAP_BG, OCCUPIED, PAPER, bold, cluster_colour, cluster_name, font, kind_colour,
    kind_name, pale,
};
use super::{Area, Label, MIN_PAGE_WIDTH, PAGE_HEIGHT, ParkMap, RenderError, err};
use crate::frame::LocalFrame;
use crate::model::ParcelStatus;
use crate::render::pixel::{Bx, Px, clear, in_box};
use geo::{
    BooleanOps, BoundingRect, Buffer, Geometry, GeometryCollection, MultiLineString, MultiPolygon,
    Point, Rect,
};
use plotters::element::DashedPathElement;
use plotters::prelude::{Circle, DrawingBackend};
use plotters::style::Color;
use std::collections::{BTreeMap, BTreeSet};

struct ParkGeometry {
    parcels: Vec<MultiPolygon<f64>>,
    sensitive: Vec<Geometry<f64>>,
    context: Vec<super::context::Projected>,
}

/// What the map shows, for the legend: clusters, sensitive kinds, and ring distances per kind.
struct Shown {
    clusters: BTreeSet<String>,
    kinds: BTreeSet<String>,
    rings: BTreeMap<String, Vec<f64>>,
    context: BTreeSet<crate::model::ContextKind>,
}

/// The park map's frame, projected geometry and extent in metres (parcels plus a margin for
/// nearby sensitive areas and their rings); `None` with nothing to draw.
fn park_layout(map: &ParkMap) -> Option<(ParkGeometry, Rect<f64>)> {
    let bounds = lonlat_bounds(
        map.parcels
            .iter()
            .filter_map(|p| p.geometry.bounding_rect()),
    )
    .or_else(|| {
        lonlat_bounds(
            map.sensitive
                .iter()
                .filter_map(|s| s.geometry.bounding_rect()),
        )
    })?;
    let frame = LocalFrame::around(bounds);
    let g = ParkGeometry {
        parcels: map
            .parcels
            .iter()
            .map(|p| frame.project_geometry(&p.geometry))
            .collect(),
        sensitive: map
            .sensitive
            .iter()
            .map(|s| frame.project_geometry(&s.geometry))
            .collect(),
        context: super::context::project(&frame, map.context),
    };
    // The parcels, plus room for nearby sensitive areas' rings (at most a fifth of the park's size).
    let max_buffer = map.buffers.iter().map(|(_, d)| *d).fold(0.0, f64::max);
    let park_extent = crate::frame::extent(g.parcels.iter().filter_map(|p| p.bounding_rect()))
        .or_else(|| crate::frame::extent(g.sensitive.iter().filter_map(|s| s.bounding_rect())))?;
    let size = park_extent.width().max(park_extent.height());
    let margin = max_buffer.min(0.2 * size).max(0.06 * size).max(50.0);
    Some((g, pad(park_extent, margin)))
}

/// The page size of the park map (pixels): [`PAGE_HEIGHT`] high, wider for a wide park.
pub fn park_map_page(map: &ParkMap) -> (u32, u32) {
    park_layout(map).map_or((MIN_PAGE_WIDTH, PAGE_HEIGHT), |(_, e)| page_for(e))
}

/// Draw the park layout map on `area` (of the size [`park_map_page`] gives).
pub fn draw_park_map<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &ParkMap,
) -> Result<(), RenderError> {
    let layout = park_layout(map);
    let Some((g, view)) = start_page(
        area,
        "park map",
        &map.title,
        &map.subtitle,
        layout,
        "no parcels",
    )?
    else {
        return Ok(());
    };
    let visible = view.visible();
    let context = super::context::draw_context(area, &view, &visible, &g.context)?;
    let kinds = draw_sensitive_areas(area, &view, &visible, map, &g)?;
    let rings = draw_buffer_rings(area, &view, &visible, map, &g)?;
    let clusters = draw_parcels(area, &view, map, &g)?;
    // Labels last, so no fill covers them. First the ids of parcels without an enterprise, then
    // the enterprises' short names (with the parcel id below where there is room) on top.
    draw_free_parcel_ids(area, &view, map, &g)?;
    draw_enterprise_names(area, &view, map, &g)?;
    draw_sensitive_names(area, &view, &visible, map, &g)?;
    frame_map_box(area, &view, "park map")?;
    let shown = Shown {
        clusters,
        kinds,
        rings,
        context,
    };
    draw_legend(area, map, &shown)
}

/// Sensitive areas under everything, clipped to the map box: points as dots, areas filled pale
/// and outlined in their kind's colour. Returns the kinds in view.
fn draw_sensitive_areas<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<BTreeSet<String>, RenderError> {
    let mut kinds_shown = BTreeSet::new();
    for (s, geom) in map.sensitive.iter().zip(&g.sensitive) {
        let c = kind_colour(&s.kind);
        match geom {
            Geometry::Point(_) | Geometry::MultiPoint(_) => {
                let pts: Vec<Point<f64>> = match geom {
                    Geometry::Point(p) => vec![*p],
                    Geometry::MultiPoint(m) => m.0.clone(),
                    _ => vec![],
                };
                for p in pts {
                    let at = view.px(p.0);
                    if in_box(at, view.bx) {
                        kinds_shown.insert(s.kind.clone());
                        area.draw(&Circle::new(at, 12, c.filled()))
                            .map_err(err("park map"))?;
                        area.draw(&Circle::new(at, 12, PAPER.stroke_width(3)))
                            .map_err(err("park map"))?;
                    }
                }
            }
            other => {
                let mp = as_multipolygon(other).intersection(visible);
                if !mp.0.is_empty() {
                    kinds_shown.insert(s.kind.clone());
                    fill_polygon(area, view, &mp, pale(c, 0.7).to_rgba(), MAP_BG.to_rgba())?;
                    outline(area, view, &mp, c.stroke_width(2), None)?;
                }
            }
        }
    }
    Ok(kinds_shown)
}

/// Buffer rings: one per (kind, distance), the union of that kind's areas grown by the
/// distance, dashed and labelled with the distance. Returns the distances drawn per kind.
fn draw_buffer_rings<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<BTreeMap<String, Vec<f64>>, RenderError> {
    let mut rings_shown: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (kind, d) in &map.buffers {
        let geoms: Vec<Geometry<f64>> = map
            .sensitive
            .iter()
            .zip(&g.sensitive)
            .filter(|(s, _)| &s.kind == kind)
            .map(|(_, geom)| geom.clone())
            .collect();
        if geoms.is_empty() {
            continue;
        }
        let grown = GeometryCollection(geoms).buffer(*d);
        // The ring is the buffer's boundary clipped to the map box as lines (clipping the
        // polygon would make the box edge part of it).
        let lines = MultiLineString(
            grown
                .0
                .iter()
                .flat_map(|p| {
                    std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
                })
                .collect(),
        );
        let clipped = visible.clip(&lines, false);
        if clipped.0.is_empty() {
            continue;
        }
        draw_ring(area, view, &clipped, kind, *d)?;
        rings_shown.entry(kind.clone()).or_default().push(*d);
    }
    Ok(rings_shown)
}

/// One buffer ring's visible lines, dashed, with its distance at its northernmost point.
fn draw_ring<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    clipped: &MultiLineString<f64>,
    kind: &str,
    d: f64,
) -> Result<(), RenderError> {
    let c = kind_colour(kind);
    for ls in &clipped.0 {
        let r = view.ring(ls);
        if r.len() >= 2 {
            area.draw(&DashedPathElement::new(r, 14, 8, c.stroke_width(3)))
                .map_err(err("park map"))?;
        }
    }
    // Label the ring's northernmost visible point with its distance.
    if let Some(top) = clipped
        .0
        .iter()
        .flat_map(|l| l.0.iter())
        .max_by(|a, b| a.y.total_cmp(&b.y).then(b.x.total_cmp(&a.x)))
    {
        let at = view.px(*top);
        if in_box((at.0, at.1 + 14), view.bx) {
            boxed_text(
                area,
                &format!("{d} m"),
                (at.0, at.1 + 14),
                &font(18.0).color(&c),
                0.8,
            )?;
        }
    }
    Ok(())
}

/// Parcels: cluster fill, full colour when assigned, pale when available, grey when occupied,
/// hatched when reserved. Returns the clusters drawn.
fn draw_parcels<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<BTreeSet<String>, RenderError> {
    let mut clusters_shown = BTreeSet::new();
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let c = cluster_colour(&p.cluster);
        clusters_shown.insert(p.cluster.clone());
        let assigned = map.assigned.contains_key(&p.id);
        match p.status {
            ParcelStatus::Occupied => {
                fill_polygon(area, view, mp, OCCUPIED.to_rgba(), MAP_BG.to_rgba())?;
            }
            ParcelStatus::Reserved => {
                fill_polygon(area, view, mp, PAPER.to_rgba(), MAP_BG.to_rgba())?;
                hatch(area, view, mp, 9, GREY.stroke_width(2))?;
            }
            ParcelStatus::Available => {
                let fill = if assigned { c } else { pale(c, 0.62) };
                fill_polygon(area, view, mp, fill.to_rgba(), MAP_BG.to_rgba())?;
            }
        }
        let edge = if p.status == ParcelStatus::Available {
            INK.stroke_width(1)
        } else {
            c.stroke_width(3)
        };
        outline(area, view, mp, edge, None)?;
    }
    Ok(clusters_shown)
}

/// A parcel's size on the page in pixels (width, height of its bounding box).
fn extent_px(view: &View, mp: &MultiPolygon<f64>) -> (f64, f64) {
    mp.bounding_rect().map_or((0.0, 0.0), |r| {
        (r.width() * view.scale, r.height() * view.scale)
    })
}

/// The ids of parcels without an enterprise, where the id fits inside the parcel.
fn draw_free_parcel_ids<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<(), RenderError> {
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        if map.assigned.contains_key(&p.id) {
            continue;
        }
        let Some(anchor) = label_point(mp) else {
            continue;
        };
        let style = font(13.0).color(&GREY);
        let (w, _) = area
            .estimate_text_size(&p.id, &style)
            .map_err(err("park map"))?;
        if (w as f64) < extent_px(view, mp).0 * 0.95 {
            // Grey and hatched fills get a box behind the id; pale fills read without one.
            let alpha = if p.status == ParcelStatus::Available {
                0.0
            } else {
                0.8
            };
            boxed_text(area, &p.id, view.px(anchor), &style, alpha)?;
        }
    }
    Ok(())
}

/// The enterprises' short names on their parcels, with the parcel id below where there is
/// room; a name moves up or down inside its parcel to clear names already placed.
fn draw_enterprise_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<(), RenderError> {
    let mut taken: Vec<Bx> = Vec::new();
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let (Some(labels), Some(anchor)) = (map.assigned.get(&p.id), label_point(mp)) else {
            continue;
        };
        if labels.is_empty() {
            continue;
        }
        let at = view.px(anchor);
        let (width_px, height_px) = extent_px(view, mp);
        let (size, lines) = name_lines(area, labels, width_px, height_px)?;
        let style = bold(size);
        let (w, h) = measure_lines(area, &lines, &style)?;
        let room = ((height_px as i32 - h as i32) / 2).max(0);
        let boxed = |c: Px| centred_box(c, w, h);
        let pick = [0, -room, room, -room / 2, room / 2]
            .into_iter()
            .map(|dy| (at.0, at.1 + dy))
            .find(|c| clear(&taken, boxed(*c)))
            .unwrap_or(at);
        boxed_lines(area, &lines, pick, &style, 0.78)?;
        taken.push(boxed(pick));
        // The id below the name, if it stays in the parcel and clears every other label.
        let id_style = font(13.0).color(&GREY);
        let (iw, ih) = area
            .estimate_text_size(&p.id, &id_style)
            .map_err(err("park map"))?;
        let id_at = (pick.0, pick.1 + (h + ih) as i32 / 2 + 5);
        let id_box = centred_box(id_at, iw, ih);
        let inside = (id_at.1 + ih as i32 / 2) as f64 <= at.1 as f64 + height_px * 0.47;
        if inside && (iw as f64) <= width_px * 0.95 && clear(&taken, id_box) {
            boxed_text(area, &p.id, id_at, &id_style, 0.6)?;
            taken.push(id_box);
        }
    }
    Ok(())
}

/// The lines of a parcel's name block and their font size, fitted to the parcel's pixel size:
/// one enterprise's name wrapped, or several enterprises (block mode) one name a line.
fn name_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    labels: &[Label],
    width_px: f64,
    height_px: f64,
) -> Result<(f64, Vec<String>), RenderError> {
    if let [label] = labels {
        return wrap_label(area, &label.short_name, width_px * 0.92, 13.0, 24.0);
    }
    let lines: Vec<String> = labels.iter().map(|l| l.short_name.clone()).collect();
    let longest = lines
        .iter()
        .max_by_key(|l| l.chars().count())
        .cloned()
        .unwrap_or_default();
    let by_height = height_px * 0.9 / (1.3 * lines.len() as f64);
    let size =
        fit_size(area, &longest, width_px * 0.92, 11.0, 18.0)?.min(by_height.max(11.0).floor());
    Ok((size, lines))
}

/// Names of the sensitive areas in view, kept inside the map box.
fn draw_sensitive_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<(), RenderError> {
    for (s, geom) in map.sensitive.iter().zip(&g.sensitive) {
        let Some(c) = sensitive_anchor(geom, visible) else {
            continue;
        };
        let at = view.px(c);
        let inner = (
            view.bx.0 + 60,
            view.bx.1 + 20,
            view.bx.2 - 60,
            view.bx.3 - 20,
        );
        if in_box(at, inner) {
            let dy = if matches!(geom, Geometry::Point(_) | Geometry::MultiPoint(_)) {
                28
            } else {
                0
            };
            // Kept inside the map box: shifted inward when the name is wider than the room left.
            let colour = kind_colour(&s.kind);
            let style = font(20.0).color(&colour);
            let (w, _) = area
                .estimate_text_size(s.label(), &style)
                .map_err(err("park map"))?;
            let half = w as i32 / 2 + 8;
            let x =
                at.0.clamp(view.bx.0 + half, (view.bx.2 - half).max(view.bx.0 + half));
            boxed_text(area, s.label(), (x, at.1 + dy), &style, 0.7)?;
        }
    }
    Ok(())
}

/// The legend panel: clusters, parcel states, sensitive kinds with their rings, and counts.
fn draw_legend<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &ParkMap,
    shown: &Shown,
) -> Result<(), RenderError> {
    let mut lg = Legend::in_panel(area);
    lg.heading("产业组团 Clusters")?;
    for cl in &shown.clusters {
        lg.row(&cluster_name(cl), swatch_fill(cluster_colour(cl), INK))?;
    }
    legend_parcel_states(&mut lg, shown)?;
    legend_sensitive(&mut lg, shown)?;
    let synthetic = map.context.iter().any(|l| l.synthetic);
    super::context::legend(&mut lg, &shown.context, synthetic)?;
    lg.y += 16;
    let n_avail = map
        .parcels
        .iter()
        .filter(|p| p.status == ParcelStatus::Available)
        .count();
    let placed = map
        .parcels
        .iter()
        .filter(|p| map.assigned.contains_key(&p.id))
        .count();
    lg.note(&format!(
        "{} parcels, {} available, {} assigned",
        map.parcels.len(),
        n_avail,
        placed
    ))?;
    lg.note("Buffer rings: distance from the sensitive")?;
    lg.note("area's edge, per pollution class (rules).")?;
    lg.note("Local transverse Mercator, metres; WGS84.")?;
    Ok(())
}

/// Legend rows for the parcel states, shown in the first cluster's colour.
fn legend_parcel_states<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    shown: &Shown,
) -> Result<(), RenderError> {
    lg.heading("地块状态 Parcels")?;
    let first = shown
        .clusters
        .iter()
        .next()
        .map(|c| cluster_colour(c))
        .unwrap_or(GREY);
    lg.row("已分配 assigned (企业简称)", swatch_fill(first, INK))?;
    lg.row("可用 available", swatch_fill(pale(first, 0.62), INK))?;
    lg.row("已占用 occupied", swatch_fill(OCCUPIED, first))?;
    lg.row("预留 reserved", swatch_hatched(first))?;
    Ok(())
}

/// Legend rows for the sensitive kinds in view, each followed by its ring distances.
fn legend_sensitive<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    shown: &Shown,
) -> Result<(), RenderError> {
    if shown.kinds.is_empty() && shown.rings.is_empty() {
        return Ok(());
    }
    lg.heading("敏感区与防护距离 Sensitive areas")?;
    let kinds: BTreeSet<&String> = shown.kinds.iter().chain(shown.rings.keys()).collect();
    for kind in kinds {
        let c = kind_colour(kind);
        lg.row(&kind_name(kind), swatch_fill(pale(c, 0.7), c))?;
        if let Some(ds) = shown.rings.get(kind.as_str()) {
            let text = format!(
                "  防护 buffer {}",
                ds.iter()
                    .map(|d| format!("{d} m"))
                    .collect::<Vec<_>>()
                    .join(" / ")
            );
            lg.row(&text, swatch_dashed(c, 14, 8))?;
        }
    }
    Ok(())
}

/// Each parcel's outline in the park map's page pixels, as an SVG path (`M x y L ... Z`), by
/// parcel id: the report lays these over the drawn map to make parcels clickable.
pub fn park_map_shapes(map: &ParkMap) -> Vec<(String, String)> {
    let Some((g, extent)) = park_layout(map) else {
        return vec![];
    };
    let view = view_of(park_map_page(map), extent);
    map.parcels
        .iter()
        .zip(&g.parcels)
        .map(|(p, mp)| (p.id.clone(), super::shapes::svg_path(&view, mp)))
        .collect()
}
