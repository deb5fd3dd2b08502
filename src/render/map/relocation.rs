//! The relocation map: the context layers, the park's parcels and outline, lines from urban
//! enterprises' sites to the parcels they go to, the sites marked by class (colour and shape,
//! so a copy in grey still tells them apart), the movers' names, those with no park option
//! crossed and listed, a legend and an inset locator.

use super::context::draw_context;
use super::labels::{Block, Line, Taken, label_point, place_beside};
use super::legend::{EDGE, Legend, swatch_dashed, swatch_dashed_box, swatch_line, swatch_mark};
use super::page::{Page, View, frame_map_box, furniture, lonlat_bounds, pad, start_page, view_of};
use super::shapes::{fill_polygon, outline};
use super::style::{INK, MAP_BG, PAPER, PARK_GREY, Sizes, class_colour};
use super::{Area, RelocationMap, RenderError, Site, err, short_name};
use crate::frame::LocalFrame;
use crate::i18n::{Lang, fill, text};
use crate::rank::{Action, Class};
use crate::render::paper::mm;
use crate::render::pixel::{Px, within};
use geo::{BoundingRect, Coord, MultiPolygon, Rect};
use plotters::element::DashedPathElement;
use plotters::prelude::{Circle, DrawingBackend, PathElement, RGBColor};
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
    let ext = super::projected_extent(&frame, bounds)?;
    Some((
        frame,
        pad(ext, 0.06 * ext.width().max(ext.height()).max(500.0)),
    ))
}

/// Draw the relocation map on `area`, of the sheet's size (`map.sheet.paper.pixels()`).
pub fn draw_relocation_map<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &RelocationMap,
) -> Result<(), RenderError> {
    let sheet = &map.sheet;
    let empty = text(sheet.lang, "map.no_sites");
    let Some((frame, view)) = start_page(
        area,
        "relocation map",
        sheet,
        relocation_layout(map),
        &empty,
    )?
    else {
        return Ok(());
    };
    let mut taken = Taken::new();
    for b in furniture(&view) {
        taken.add(b);
    }
    let context = super::context::project(&frame, map.context);
    // The context's names come last, clear of the markers and the movers' names.
    let shown = draw_context(area, &view, &view.visible(), &context, None)?;
    draw_park(area, &view, &frame, map, &context, &mut taken)?;
    let site_at: BTreeMap<&str, Coord<f64>> = map
        .sites
        .iter()
        .map(|s| (s.id.as_str(), frame.project(Coord { x: s.lon, y: s.lat })))
        .collect();
    let linked = draw_links(area, &view, &frame, map, &site_at)?;
    let no_option: BTreeSet<&str> = if map.options_known {
        map.sites
            .iter()
            .filter(|s| moves(s.action) && !linked.contains(s.id.as_str()))
            .map(|s| s.id.as_str())
            .collect()
    } else {
        BTreeSet::new()
    };
    let mut order: Vec<&Site> = map.sites.iter().collect();
    // Retained sites first, so the ones that move are drawn on top.
    order.sort_by_key(|s| (moves(s.action), s.id.clone()));
    let counts = draw_sites(area, &view, &order, &site_at, &no_option)?;
    draw_mover_names(
        area, &view, &order, &site_at, &linked, &no_option, &mut taken,
    )?;
    for s in &order {
        let at = view.px(site_at[s.id.as_str()]);
        let r = mm(1.0) as i32;
        taken.add((at.0 - r, at.1 - r, at.0 + r, at.1 + r));
    }
    super::context::draw_context_names(area, &view, &view.visible(), &context, &mut taken)?;
    frame_map_box(area, &view, sheet, "relocation map")?;
    let page = Page::of(sheet);
    let mut lg = Legend::in_panel(area, page.panel());
    draw_legend(&mut lg, map, &counts, &shown, &no_option)?;
    let inset = super::inset::inset_box(&page);
    super::inset::draw_inset(area, &view, &frame, map.parcels, &context, sheet, inset)
}

/// The park: its parcels in light grey (a raster above the overview size) and its outline
/// (the hull of its parcels), named at its northernmost point.
fn draw_park<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    frame: &LocalFrame,
    map: &RelocationMap,
    context: &[super::context::Projected],
    taken: &mut Taken,
) -> Result<(), RenderError> {
    if map.parcels.len() > map.overview_above {
        super::overview::draw_plain(area, view, frame, map.parcels, context, PARK_GREY)?;
    } else {
        for p in map.parcels {
            let mp = frame.project_geometry(&p.geometry);
            fill_polygon(area, view, &mp, PARK_GREY.to_rgba(), MAP_BG.to_rgba())?;
        }
    }
    let Some(hull) = super::inset::park_outline(frame, map.parcels) else {
        return Ok(());
    };
    let hull = MultiPolygon(vec![hull]);
    outline(
        area,
        view,
        &hull,
        INK.stroke_width(5),
        Some((mm(2.5) as i32, mm(1.0) as i32)),
    )?;
    if let Some(top) = hull.0[0]
        .exterior()
        .0
        .iter()
        .max_by(|a, b| a.y.total_cmp(&b.y))
    {
        let at = view.px(*top);
        let block = Block::new(vec![Line::new(
            &map.sheet.park,
            Sizes::LEGEND_HEAD,
            true,
            INK,
        )]);
        let first = block.at((at.0, at.1 - block.size().1 / 2 - mm(1.5) as i32));
        let b = Some(first)
            .filter(|b| within(*b, view.bx) && taken.clear(*b))
            .or_else(|| place_beside(&block, at, view.bx, taken));
        if let Some(b) = b {
            block.draw(area, b, 0.85)?;
            taken.add(b);
        }
    }
    Ok(())
}

/// A line from each linked site to its parcel in the site's class colour, solid when assigned
/// and dashed for a best option, with a dot on the parcel. Returns the ids of linked sites.
fn draw_links<'m, DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    frame: &LocalFrame,
    map: &'m RelocationMap,
    site_at: &BTreeMap<&str, Coord<f64>>,
) -> Result<BTreeSet<&'m str>, RenderError> {
    // Only the linked parcels' label points are needed.
    let wanted: BTreeSet<&str> = map.links.iter().map(|l| l.parcel_id.as_str()).collect();
    let target: BTreeMap<&str, Coord<f64>> = map
        .parcels
        .iter()
        .filter(|p| wanted.contains(p.id.as_str()))
        .filter_map(|p| {
            Some((
                p.id.as_str(),
                label_point(&frame.project_geometry(&p.geometry))?,
            ))
        })
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
            target.get(l.parcel_id.as_str()),
        ) else {
            continue;
        };
        linked.insert(l.enterprise_id.as_str());
        let c = class_colour(class_of.get(l.enterprise_id.as_str()).copied().flatten());
        let pts = vec![view.px(*a), view.px(*b)];
        let style = c.stroke_width(5);
        if l.assigned {
            area.draw(&PathElement::new(pts.clone(), style))
                .map_err(err("relocation map"))?;
        } else {
            area.draw(&DashedPathElement::new(
                pts.clone(),
                mm(2.0) as i32,
                mm(1.5) as i32,
                style,
            ))
            .map_err(err("relocation map"))?;
        }
        area.draw(&Circle::new(pts[1], mm(0.8) as u32, c.filled()))
            .map_err(err("relocation map"))?;
    }
    Ok(linked)
}

/// A site's marker: its class colour in its class's shape (A circle, B square, C triangle, D
/// diamond; a small circle without a class), radius `r`, ringed in ink when it moves, crossed
/// when it has no park option.
fn marker<DB: DrawingBackend>(
    area: &Area<DB>,
    at: Px,
    class: Option<Class>,
    r: i32,
    moves: bool,
    crossed: bool,
) -> Result<(), RenderError> {
    let c = class_colour(class);
    let edge = if moves {
        INK.stroke_width(4)
    } else {
        PAPER.stroke_width(3)
    };
    let (x, y) = at;
    let poly = |pts: Vec<Px>, fill: RGBColor| -> Result<(), RenderError> {
        area.draw(&plotters::element::Polygon::new(pts.clone(), fill.filled()))
            .map_err(err("relocation map"))?;
        let mut ring = pts;
        ring.push(ring[0]);
        area.draw(&PathElement::new(ring, edge))
            .map_err(err("relocation map"))
    };
    match class {
        Some(Class::B) => {
            let s = r * 8 / 10;
            poly(
                vec![
                    (x - s, y - s),
                    (x + s, y - s),
                    (x + s, y + s),
                    (x - s, y + s),
                ],
                c,
            )?;
        }
        Some(Class::C) => {
            poly(
                vec![
                    (x, y - r - r / 5),
                    (x + r, y + r * 7 / 10),
                    (x - r, y + r * 7 / 10),
                ],
                c,
            )?;
        }
        Some(Class::D) => {
            poly(
                vec![
                    (x, y - r - r / 8),
                    (x + r, y),
                    (x, y + r + r / 8),
                    (x - r, y),
                ],
                c,
            )?;
        }
        Some(Class::A) => {
            area.draw(&Circle::new(at, r as u32, c.filled()))
                .map_err(err("relocation map"))?;
            area.draw(&Circle::new(at, r as u32, edge))
                .map_err(err("relocation map"))?;
        }
        None => {
            let r = (r * 7 / 10) as u32;
            area.draw(&Circle::new(at, r, c.filled()))
                .map_err(err("relocation map"))?;
            area.draw(&Circle::new(at, r, edge))
                .map_err(err("relocation map"))?;
        }
    }
    if crossed {
        let d = r + r / 2;
        for (a, b) in [
            ((x - d, y - d), (x + d, y + d)),
            ((x - d, y + d), (x + d, y - d)),
        ] {
            area.draw(&PathElement::new(vec![a, b], INK.stroke_width(5)))
                .map_err(err("relocation map"))?;
        }
    }
    Ok(())
}

/// The sites in `order`, larger and ringed for those that move. Returns the number of sites
/// per class (`None` for the unclassed).
fn draw_sites<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    order: &[&Site],
    site_at: &BTreeMap<&str, Coord<f64>>,
    no_option: &BTreeSet<&str>,
) -> Result<BTreeMap<Option<Class>, usize>, RenderError> {
    let mut counts: BTreeMap<Option<Class>, usize> = BTreeMap::new();
    for s in order {
        let at = view.px(site_at[s.id.as_str()]);
        let class = s.class.class();
        *counts.entry(class).or_default() += 1;
        let r = if moves(s.action) { mm(1.6) } else { mm(1.0) } as i32;
        marker(
            area,
            at,
            class,
            r,
            moves(s.action),
            no_option.contains(s.id.as_str()),
        )?;
    }
    Ok(counts)
}

/// Names of the enterprises that move (or have a line), right of their marker where that is
/// clear, else beside it on a leader line; skipped where neither fits.
fn draw_mover_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    order: &[&Site],
    site_at: &BTreeMap<&str, Coord<f64>>,
    linked: &BTreeSet<&str>,
    no_option: &BTreeSet<&str>,
    taken: &mut Taken,
) -> Result<(), RenderError> {
    // Markers are taken first, so no name covers one.
    for s in order.iter().filter(|s| moves(s.action)) {
        let at = view.px(site_at[s.id.as_str()]);
        let r = mm(1.8) as i32;
        taken.add((at.0 - r, at.1 - r, at.0 + r, at.1 + r));
    }
    for s in order
        .iter()
        .rev()
        .filter(|s| moves(s.action) || linked.contains(s.id.as_str()))
    {
        let at = view.px(site_at[s.id.as_str()]);
        let colour = if no_option.contains(s.id.as_str()) {
            RGBColor(150, 20, 30)
        } else {
            INK
        };
        let block = Block::new(vec![Line::new(
            &short_name(&s.name),
            Sizes::AREA_NAME,
            true,
            colour,
        )]);
        let (w, _) = block.size();
        let right = block.at((at.0 + mm(2.2) as i32 + w / 2, at.1));
        if within(right, view.bx) && taken.clear(right) {
            block.draw(area, right, 0.8)?;
            taken.add(right);
        } else if let Some(b) = place_beside(&block, at, view.bx, taken) {
            super::labels::leader(area, b, at)?;
            block.draw(area, b, 0.85)?;
            taken.add(b);
        }
    }
    Ok(())
}

/// The legend panel: sites per class, what the marks and lines mean, context, counts, and
/// the enterprises with no park option.
fn draw_legend<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    map: &RelocationMap,
    counts: &BTreeMap<Option<Class>, usize>,
    context: &BTreeSet<crate::model::ContextKind>,
    no_option: &BTreeSet<&str>,
) -> Result<(), RenderError> {
    let lang = map.sheet.lang;
    legend_classes(lg, lang, counts)?;
    lg.heading(&text(lang, "map.where_they_go"))?;
    let r = mm(1.6) as i32;
    lg.row(
        &text(lang, "map.mover"),
        swatch_mark(move |a, at| marker(a, at, Some(Class::C), r, true, false)),
    )?;
    lg.row(&text(lang, "map.line_assigned"), swatch_line(INK, 5))?;
    lg.row(
        &text(lang, "map.line_option"),
        swatch_dashed(INK, 5, mm(2.0) as i32, mm(1.5) as i32),
    )?;
    lg.note(&text(lang, "map.line_colour"))?;
    lg.gap(1.0);
    if map.options_known {
        lg.row(
            &text(lang, "map.no_option"),
            swatch_mark(move |a, at| marker(a, at, Some(Class::D), r, true, true)),
        )?;
    }
    lg.row(
        &text(lang, "map.park_outline"),
        swatch_dashed_box(PARK_GREY, EDGE, mm(2.5) as i32, mm(1.0) as i32),
    )?;
    let synthetic = map.context.iter().any(|l| l.synthetic);
    super::context::legend(lg, lang, context, synthetic)?;
    lg.gap(1.5);
    let movers = map.sites.iter().filter(|s| moves(s.action)).count();
    let placed: BTreeSet<&str> = map
        .links
        .iter()
        .filter(|l| l.assigned)
        .map(|l| l.enterprise_id.as_str())
        .collect();
    lg.note(&fill(
        lang,
        "map.site_counts",
        &[
            ("n", &map.sites.len().to_string()),
            ("movers", &movers.to_string()),
            ("placed", &placed.len().to_string()),
        ],
    ))?;
    lg.note(&text(lang, "map.projection_note"))?;
    if !no_option.is_empty() {
        lg.heading(&fill(
            lang,
            "map.no_option_list",
            &[("n", &no_option.len().to_string())],
        ))?;
        let names: Vec<String> = map
            .sites
            .iter()
            .filter(|s| no_option.contains(s.id.as_str()))
            .map(|s| format!("{} {}", s.id, short_name(&s.name)))
            .collect();
        const LISTED: usize = 12;
        for n in names.iter().take(LISTED) {
            lg.note(n)?;
        }
        if names.len() > LISTED {
            lg.note(&fill(
                lang,
                "map.and_more",
                &[("n", &(names.len() - LISTED).to_string())],
            ))?;
        }
    }
    Ok(())
}

/// Legend rows for the classes A..D and unclassed sites, with how many sites each has.
fn legend_classes<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    lang: Lang,
    counts: &BTreeMap<Option<Class>, usize>,
) -> Result<(), RenderError> {
    lg.heading(&text(lang, "map.classes"))?;
    // With no site classed at all the map was drawn without a ranking: say so, not "not rated".
    let unranked = Class::ALL.iter().all(|c| !counts.contains_key(&Some(*c)));
    let other = if unranked {
        "map.no_ranking"
    } else {
        "map.not_rated"
    };
    for (class, key) in [
        (Some(Class::A), "map.class_a"),
        (Some(Class::B), "map.class_b"),
        (Some(Class::C), "map.class_c"),
        (Some(Class::D), "map.class_d"),
        (None, other),
    ] {
        let n = counts.get(&class).copied().unwrap_or(0);
        let what = text(lang, key);
        let r = mm(1.3) as i32;
        lg.row(
            &fill(
                lang,
                "map.counted",
                &[("what", &what), ("n", &n.to_string())],
            ),
            swatch_mark(move |a, at| marker(a, at, class, r, false, false)),
        )?;
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

/// Where the relocation map draws each site (page pixels) and each parcel `keep` accepts (by
/// position, an SVG path), by id: the report lays these over the drawn map to highlight an enterprise's site and parcel.
pub fn relocation_map_shapes(map: &RelocationMap, keep: impl Fn(usize) -> bool) -> (Sites, Shapes) {
    let Some((frame, extent)) = relocation_layout(map) else {
        return (vec![], vec![]);
    };
    let view = view_of(&map.sheet, extent);
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
        .enumerate()
        .filter(|(j, _)| keep(*j))
        .map(|(_, p)| {
            let mp = frame.project_geometry(&p.geometry);
            (p.id.clone(), super::shapes::svg_path(&view, &mp))
        })
        .collect();
    (sites, parcels)
}
