//! The relocation map: the park's parcels and outline, lines from urban enterprises' sites to
//! the parcels they go to, the sites coloured by class, the movers' names, and a legend.

use super::labels::{boxed_text, label_point};
use super::legend::{Legend, swatch_dashed, swatch_dashed_box, swatch_dot, swatch_line};
use super::page::{View, frame_map_box, lonlat_bounds, pad, page_for, start_page, view_of};
use super::shapes::{fill_polygon, outline};
use super::style::{GREY, INK, MAP_BG, PAPER, PARK_GREY, bold, class_colour, font};
use super::{Area, MIN_PAGE_WIDTH, PAGE_HEIGHT, RelocationMap, RenderError, Site, err, short_name};
use crate::frame::LocalFrame;
use crate::rank::{Action, Class};
use crate::render::pixel::{Bx, clear};
use geo::{BoundingRect, ConvexHull, Coord, MultiPoint, MultiPolygon, Point, Rect};
use plotters::element::DashedPathElement;
use plotters::prelude::{Circle, DrawingBackend, PathElement};
use plotters::style::Color;
use std::collections::{BTreeMap, BTreeSet};

/// The relocation map's frame and extent in metres (sites and parcels with a margin).
fn relocation_layout(map: &RelocationMap) -> Option<(LocalFrame, Rect<f64>)> {
    let site_rect = |s: &Site| Rect::new((s.lon, s.lat), (s.lon, s.lat));
    let bounds = lonlat_bounds(
        map.parcels
            .iter()
            .filter_map(|p| p.geometry.bounding_rect())
            .chain(map.sites.iter().map(site_rect)),
    )?;
    let frame = LocalFrame::around(bounds);
    let ext = frame
        .project_geometry(&bounds.to_polygon())
        .bounding_rect()?;
    Some((
        frame,
        pad(ext, 0.06 * ext.width().max(ext.height()).max(500.0)),
    ))
}

/// The page size of the relocation map (pixels).
pub fn relocation_map_page(map: &RelocationMap) -> (u32, u32) {
    relocation_layout(map).map_or((MIN_PAGE_WIDTH, PAGE_HEIGHT), |(_, e)| page_for(e))
}

/// Draw the relocation map on `area` (of the size [`relocation_map_page`] gives).
pub fn draw_relocation_map<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &RelocationMap,
) -> Result<(), RenderError> {
    let layout = relocation_layout(map);
    let Some((frame, view)) = start_page(
        area,
        "relocation map",
        &map.title,
        &map.subtitle,
        layout,
        "no parcels and no sites",
    )?
    else {
        return Ok(());
    };
    let parcels: Vec<MultiPolygon<f64>> = map
        .parcels
        .iter()
        .map(|p| frame.project_geometry(&p.geometry))
        .collect();
    let context = super::context::project(&frame, map.context);
    let shown = super::context::draw_context(area, &view, &view.visible(), &context)?;
    draw_park(area, &view, &parcels)?;
    // Lines from sites to parcels, then the sites on top, then the movers' names.
    let site_at: BTreeMap<&str, Coord<f64>> = map
        .sites
        .iter()
        .map(|s| (s.id.as_str(), frame.project(Coord { x: s.lon, y: s.lat })))
        .collect();
    let linked = draw_links(area, &view, map, &parcels, &site_at)?;
    let mut order: Vec<&Site> = map.sites.iter().collect();
    // Retained sites first, so the ones that move are drawn on top.
    order.sort_by_key(|s| (moves(s.action), s.id.clone()));
    let counts = draw_sites(area, &view, &order, &site_at)?;
    draw_mover_names(area, &view, &order, &site_at, &linked)?;
    frame_map_box(area, &view, "relocation map")?;
    draw_legend(area, map, &counts, &shown)
}

/// The park: its parcels in light grey and its outline (convex hull of every parcel), named at
/// its northernmost point.
fn draw_park<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    parcels: &[MultiPolygon<f64>],
) -> Result<(), RenderError> {
    for mp in parcels {
        fill_polygon(area, view, mp, PARK_GREY.to_rgba(), MAP_BG.to_rgba())?;
    }
    let all: MultiPoint<f64> = parcels
        .iter()
        .flat_map(|mp| {
            mp.0.iter()
                .flat_map(|p| p.exterior().0.iter().map(|c| Point(*c)))
        })
        .collect();
    if all.0.is_empty() {
        return Ok(());
    }
    let hull = all.convex_hull();
    let hull = MultiPolygon(vec![hull]);
    outline(area, view, &hull, INK.stroke_width(3), Some((18, 8)))?;
    if let Some(top) = hull.0[0]
        .exterior()
        .0
        .iter()
        .max_by(|a, b| a.y.total_cmp(&b.y))
    {
        let at = view.px(*top);
        boxed_text(
            area,
            "灵昆高新园区 park",
            (at.0, (at.1 - 26).max(view.bx.1 + 20)),
            &bold(26.0),
            0.8,
        )?;
    }
    Ok(())
}

/// A line from each linked site to its parcel in the site's class colour, solid when assigned
/// and dashed for a best option, with a dot on the parcel. Returns the ids of linked sites.
fn draw_links<'m, DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &'m RelocationMap,
    parcels: &[MultiPolygon<f64>],
    site_at: &BTreeMap<&str, Coord<f64>>,
) -> Result<BTreeSet<&'m str>, RenderError> {
    let centroid: BTreeMap<&str, Coord<f64>> = map
        .parcels
        .iter()
        .zip(parcels)
        .filter_map(|(p, mp)| Some((p.id.as_str(), label_point(mp)?)))
        .collect();
    let class_of: BTreeMap<&str, Option<Class>> = map
        .sites
        .iter()
        .map(|s| (s.id.as_str(), s.class.class()))
        .collect();
    let mut linked = BTreeSet::new();
    for l in &map.links {
        let (Some(a), Some(b)) = (
            site_at.get(l.enterprise_id.as_str()),
            centroid.get(l.parcel_id.as_str()),
        ) else {
            continue;
        };
        linked.insert(l.enterprise_id.as_str());
        let c = class_colour(class_of.get(l.enterprise_id.as_str()).copied().flatten());
        let pts = vec![view.px(*a), view.px(*b)];
        if l.assigned {
            area.draw(&PathElement::new(pts.clone(), c.stroke_width(3)))
                .map_err(err("relocation map"))?;
        } else {
            area.draw(&DashedPathElement::new(
                pts.clone(),
                12,
                10,
                c.stroke_width(3),
            ))
            .map_err(err("relocation map"))?;
        }
        area.draw(&Circle::new(pts[1], 6, c.filled()))
            .map_err(err("relocation map"))?;
    }
    Ok(linked)
}

/// The sites in `order`, dots in their class colour, larger and ringed in ink for those that
/// move. Returns the number of sites per class (`None` for the unclassed).
fn draw_sites<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    order: &[&Site],
    site_at: &BTreeMap<&str, Coord<f64>>,
) -> Result<BTreeMap<Option<Class>, usize>, RenderError> {
    let mut counts: BTreeMap<Option<Class>, usize> = BTreeMap::new();
    for s in order {
        let at = view.px(site_at[s.id.as_str()]);
        let class = s.class.class();
        *counts.entry(class).or_default() += 1;
        let c = class_colour(class);
        let r = if moves(s.action) { 11 } else { 8 };
        area.draw(&Circle::new(at, r, c.filled()))
            .map_err(err("relocation map"))?;
        let edge = if moves(s.action) {
            INK.stroke_width(3)
        } else {
            PAPER.stroke_width(2)
        };
        area.draw(&Circle::new(at, r, edge))
            .map_err(err("relocation map"))?;
    }
    Ok(counts)
}

/// Names of the enterprises that move (or have a line), right of their dot, skipping any that
/// would overlap one already drawn or leave the map box.
fn draw_mover_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    order: &[&Site],
    site_at: &BTreeMap<&str, Coord<f64>>,
    linked: &BTreeSet<&str>,
) -> Result<(), RenderError> {
    let mut taken: Vec<Bx> = Vec::new();
    for s in order
        .iter()
        .filter(|s| moves(s.action) || linked.contains(s.id.as_str()))
    {
        let at = view.px(site_at[s.id.as_str()]);
        let text = short_name(&s.name);
        let st = font(18.0);
        let (w, h) = area
            .estimate_text_size(&text, &st)
            .map_err(err("relocation map"))?;
        let b = (
            at.0 + 14,
            at.1 - h as i32 / 2 - 2,
            at.0 + 14 + w as i32 + 6,
            at.1 + h as i32 / 2 + 2,
        );
        if b.2 > view.bx.2 || !clear(&taken, b) {
            continue;
        }
        taken.push(b);
        boxed_text(area, &text, ((b.0 + b.2) / 2, at.1), &st, 0.75)?;
    }
    Ok(())
}

/// The legend panel: sites per class, what the marks and lines mean, and counts.
fn draw_legend<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &RelocationMap,
    counts: &BTreeMap<Option<Class>, usize>,
    context: &BTreeSet<crate::model::ContextKind>,
) -> Result<(), RenderError> {
    let mut lg = Legend::in_panel(area);
    legend_classes(&mut lg, counts)?;
    lg.heading("去向 Where they go")?;
    lg.row("转型/搬迁 convert or relocate", swatch_dot(GREY, Some(INK)))?;
    lg.row("已分配地块 assigned parcel", swatch_line(INK))?;
    lg.row(
        "最佳备选 best option (unplaced)",
        swatch_dashed(INK, 12, 10),
    )?;
    lg.row("园区范围 park outline", swatch_dashed_box(PARK_GREY, INK))?;
    let synthetic = map.context.iter().any(|l| l.synthetic);
    super::context::legend(&mut lg, context, synthetic)?;
    lg.y += 16;
    let movers = map.sites.iter().filter(|s| moves(s.action)).count();
    let placed: BTreeSet<&str> = map
        .links
        .iter()
        .filter(|l| l.assigned)
        .map(|l| l.enterprise_id.as_str())
        .collect();
    lg.note(&format!(
        "{} sites, {} to convert or relocate,",
        map.sites.len(),
        movers
    ))?;
    lg.note(&format!("{} of them placed in the park", placed.len()))?;
    lg.note("Local transverse Mercator, metres; WGS84.")?;
    Ok(())
}

/// Legend rows for the classes A..D and unclassed sites, with how many sites each has.
fn legend_classes<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    counts: &BTreeMap<Option<Class>, usize>,
) -> Result<(), RenderError> {
    lg.heading("亩均效益分类 Class")?;
    // With no site classed at all the map was drawn without a ranking: say so, not "not rated".
    let unranked = Class::ALL.iter().all(|c| !counts.contains_key(&Some(*c)));
    let other = if unranked {
        "未分类 no ranking given"
    } else {
        "未评价 not rated"
    };
    for (class, text) in [
        (Some(Class::A), "A 优先支持 A"),
        (Some(Class::B), "B 鼓励提升 B"),
        (Some(Class::C), "C 整治提升 C"),
        (Some(Class::D), "D 淘汰/搬迁 D"),
        (None, other),
    ] {
        let n = counts.get(&class).copied().unwrap_or(0);
        let c = class_colour(class);
        lg.row(&format!("{text} ({n})"), swatch_dot(c, None))?;
    }
    Ok(())
}

/// The site's enterprise leaves it: `convert` or `relocate`.
fn moves(action: Option<Action>) -> bool {
    matches!(action, Some(Action::Convert | Action::Relocate))
}

/// Parcel outlines by id: (id, SVG path in page pixels).
pub(super) type Shapes = Vec<(String, String)>;
/// Site markers by id: (id, page pixel).
pub(super) type Sites = Vec<(String, (i32, i32))>;

/// Where the relocation map draws each site (page pixels) and each parcel (an SVG path), by
/// id: the report lays these over the drawn map to highlight an enterprise's site and parcel.
pub fn relocation_map_shapes(map: &RelocationMap) -> (Sites, Shapes) {
    let Some((frame, extent)) = relocation_layout(map) else {
        return (vec![], vec![]);
    };
    let view = view_of(relocation_map_page(map), extent);
    let sites = map
        .sites
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                view.px(frame.project(Coord { x: s.lon, y: s.lat })),
            )
        })
        .collect();
    let parcels = map
        .parcels
        .iter()
        .map(|p| {
            let mp = frame.project_geometry(&p.geometry);
            (p.id.clone(), super::shapes::svg_path(&view, &mp))
        })
        .collect();
    (sites, parcels)
}
