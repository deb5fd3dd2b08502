//! The park layout map: sensitive areas and their buffer rings, parcels by cluster and status,
//! enterprise names and parcel ids, a legend, a key to the parcels too small to label and an
//! inset locator. Drawn in that order, so labels lie on top of every fill.
//!
//! Every label is at least [`Sizes::MIN_LABEL`] points on the sheet and overlaps no other: an
//! assigned parcel shows its enterprise's short name (one line, or two broken before the trade
//! word) with the parcel id under it; a free parcel its id. A parcel where that does not fit
//! shows its number within its block ([`super::blocks`]), an assigned one with a key row by id
//! for its enterprise; a parcel whose id has no block gets a running number (inside it, or
//! beside it on a leader line) and a key row; when the key is full the rest are counted. Above [`ParkMap::overview_above`]
//! parcels the map is an overview instead ([`super::overview`]).

use super::key::{self, KeyEntry};
use super::labels::{
    Block, Line, Shape, Taken, label_point, leader, place_beside, place_inside, place_near,
    sensitive_anchor,
};
use super::legend::{EDGE, Legend, swatch_dashed, swatch_fill, swatch_hatched, swatch_stripes};
use super::page::{Page, View, frame_map_box, furniture, lonlat_bounds, pad, start_page, view_of};
use super::shapes::{as_multipolygon, fill_polygon, hatch, outline};
use super::style::{
    GREY, INK, MAP_BG, OCCUPIED_INK, PAPER, Sizes, cluster_colour, cluster_name, kind_colour,
    kind_dash, kind_name, pale,
};
use super::{Area, Label, ParcelDiff, ParkMap, RenderError, err, split_name};
use crate::frame::LocalFrame;
use crate::i18n::{Lang, fill, text};
use crate::model::ParcelStatus;
use crate::render::palette::{
    AVAILABLE_TINT, CLUSTERS, DIFF_CHANGED, DIFF_FREED, DIFF_PLACED, DIFF_UNCHANGED,
};
use crate::render::paper::mm;
use crate::render::pixel::{Bx, in_box, within};
use geo::{
    BooleanOps, BoundingRect, Buffer, Geometry, GeometryCollection, MultiLineString, MultiPolygon,
    Rect,
};
use plotters::element::DashedPathElement;
use plotters::prelude::{Circle, DrawingBackend};
use plotters::style::Color;
use std::collections::{BTreeMap, BTreeSet};

/// Above this many parcels the park map is an overview (a raster of parcels, no labels):
/// one SVG path per parcel stops being readable or quick well before it.
pub const OVERVIEW_ABOVE: usize = 20_000;

pub(super) struct ParkGeometry {
    pub(super) parcels: Vec<MultiPolygon<f64>>,
    pub(super) sensitive: Vec<Geometry<f64>>,
    pub(super) context: Vec<super::context::Projected>,
}

/// What the map shows, for the legend.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) clusters: BTreeSet<String>,
    pub(super) kinds: BTreeSet<String>,
    pub(super) rings: BTreeMap<String, Vec<f64>>,
    pub(super) context: BTreeSet<crate::model::ContextKind>,
    pub(super) states: BTreeSet<ParcelStatus>,
}

/// The frame of a park map and its extent in metres (parcels, with a margin for nearby
/// sensitive areas and their rings); `None` with nothing to draw. Only boxes are projected,
/// so this costs little at any size.
pub(super) fn park_frame(map: &ParkMap) -> Option<(LocalFrame, Rect<f64>)> {
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
    let ext = super::projected_extent(&frame, bounds)?;
    let max_buffer = map.buffers.iter().map(|(_, d)| *d).fold(0.0, f64::max);
    let size = ext.width().max(ext.height());
    let margin = max_buffer.min(0.2 * size).max(0.06 * size).max(50.0);
    Some((frame, pad(ext, margin)))
}

/// Draw the park layout map on `area`, of the sheet's size (`map.sheet.paper.pixels()`).
pub fn draw_park_map<DB: DrawingBackend>(
    area: &Area<DB>,
    map: &ParkMap,
) -> Result<(), RenderError> {
    let sheet = &map.sheet;
    let empty = text(sheet.lang, "map.no_parcels");
    let Some((frame, view)) = start_page(area, "park map", sheet, park_frame(map), &empty)? else {
        return Ok(());
    };
    let page = Page::of(sheet);
    if map.parcels.len() > map.overview_above {
        let shown = super::overview::draw_overview(area, &view, &frame, map)?;
        frame_map_box(area, &view, sheet, "park map")?;
        let mut lg = Legend::in_panel(area, page.panel());
        draw_legend(&mut lg, map, &shown)?;
        lg.gap(2.0);
        let cell = format!("{:.0} m", 1.0 / view.scale);
        lg.note(&fill(
            sheet.lang,
            "map.overview",
            &[
                ("n", &map.parcels.len().to_string()),
                ("max", &map.overview_above.to_string()),
                ("cell", &cell),
            ],
        ))?;
        let context = super::context::project(&frame, map.context);
        let inset = super::inset::inset_box(&page);
        return super::inset::draw_inset(area, &view, &frame, map.parcels, &context, sheet, inset);
    }
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
    let visible = view.visible();
    let mut taken = Taken::new();
    for b in furniture(&view) {
        taken.add(b);
    }
    let mut shown = Shown {
        context: super::context::draw_context(area, &view, &visible, &g.context, Some(&mut taken))?,
        ..Shown::default()
    };
    shown.kinds = draw_sensitive_areas(area, &view, &visible, map, &g)?;
    let rings = draw_buffer_rings(area, &view, &visible, map, &g)?;
    draw_parcels(area, &view, map, &g, &mut shown)?;
    // Labels last, so no fill covers them: sensitive names and ring distances, then parcels.
    draw_sensitive_names(area, &view, &visible, map, &g, &mut taken)?;
    for (kind, d, lines) in &rings {
        label_ring(area, &view, lines, kind, *d, &mut taken)?;
        shown.rings.entry(kind.clone()).or_default().push(*d);
    }
    // The legend first, so the key table knows the room it has.
    let panel = page.panel();
    let mut lg = Legend::in_panel(area, panel);
    draw_legend(&mut lg, map, &shown)?;
    // The key may take the inset's room down to the smallest inset.
    let inset_top = super::inset::smallest_inset_box(&page).1;
    let key_top = lg.y + mm(3.0) as i32;
    let mut key_box = (panel.0, key_top, panel.2, inset_top - mm(3.0) as i32);
    if key_box.3 - key_box.1 < mm(Sizes::MIN_INSET_MM) as i32 {
        // The legend leaves no room for a key above even the smallest inset: the key (or its
        // count of unlabelled parcels) goes first, the inset only if room is left.
        key_box.3 = panel.3;
    }
    let capacity = key::capacity(key_box, &key_template(map));
    let labelled = label_parcels(area, &view, map, &g, &mut taken, capacity)?;
    let key_bottom = key::draw_key(
        area,
        key_box,
        sheet.lang,
        &labelled.key,
        labelled.unlabelled,
        map.changes.is_some(),
    )?;
    frame_map_box(area, &view, sheet, "park map")?;
    // The inset takes what the legend and the key leave, and is left out when that is too
    // little to read (a small sheet with a long legend).
    let mut inset = super::inset::inset_box(&page);
    inset.1 = inset.1.max(key_bottom + mm(3.0) as i32);
    if inset.3 - inset.1 < mm(Sizes::MIN_INSET_MM) as i32 {
        return Ok(());
    }
    let context = &g.context;
    super::inset::draw_inset(area, &view, &frame, map.parcels, context, sheet, inset)
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
                let pts: Vec<geo::Point<f64>> = match geom {
                    Geometry::Point(p) => vec![*p],
                    Geometry::MultiPoint(m) => m.0.clone(),
                    _ => vec![],
                };
                for p in pts {
                    let at = view.px(p.0);
                    if in_box(at, view.bx) {
                        kinds_shown.insert(s.kind.clone());
                        let r = mm(1.3) as i32;
                        area.draw(&Circle::new(at, r, c.filled()))
                            .map_err(err("park map"))?;
                        area.draw(&Circle::new(at, r, PAPER.stroke_width(4)))
                            .map_err(err("park map"))?;
                    }
                }
            }
            other => {
                let mp = as_multipolygon(other).intersection(visible);
                if !mp.0.is_empty() {
                    kinds_shown.insert(s.kind.clone());
                    fill_polygon(area, view, &mp, pale(c, 0.75).to_rgba(), MAP_BG.to_rgba())?;
                    outline(area, view, &mp, c.stroke_width(4), None)?;
                }
            }
        }
    }
    Ok(kinds_shown)
}

/// A ring drawn: its kind, distance and visible lines.
type Ring = (String, f64, MultiLineString<f64>);

/// Buffer rings: one per (kind, distance), the union of that kind's areas grown by the
/// distance, dashed in the kind's dash; returns the rings drawn, to label later.
fn draw_buffer_rings<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    map: &ParkMap,
    g: &ParkGeometry,
) -> Result<Vec<Ring>, RenderError> {
    let mut drawn = Vec::new();
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
        let c = kind_colour(kind);
        let (on, off) = kind_dash(kind);
        for ls in &clipped.0 {
            let r = view.ring(ls);
            if r.len() >= 2 {
                area.draw(&DashedPathElement::new(
                    r,
                    mm(on) as i32,
                    mm(off) as i32,
                    c.stroke_width(5),
                ))
                .map_err(err("park map"))?;
            }
        }
        drawn.push((kind.clone(), *d, clipped));
    }
    Ok(drawn)
}

/// A ring's distance at its northernmost visible point, else at its southernmost, eastern- or
/// westernmost, wherever it clears the labels already placed.
fn label_ring<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    lines: &MultiLineString<f64>,
    kind: &str,
    d: f64,
    taken: &mut Taken,
) -> Result<(), RenderError> {
    let pts: Vec<geo::Coord<f64>> = lines.0.iter().flat_map(|l| l.0.iter().copied()).collect();
    let extreme = |key: &dyn Fn(&geo::Coord<f64>) -> f64| {
        pts.iter().copied().max_by(|a, b| key(a).total_cmp(&key(b)))
    };
    let block = Block::new(vec![Line::new(
        &format!("{d} m"),
        Sizes::AREA_NAME,
        true,
        kind_colour(kind),
    )]);
    let candidates = [
        extreme(&|c| c.y),
        extreme(&|c| -c.y),
        extreme(&|c| c.x),
        extreme(&|c| -c.x),
    ];
    for c in candidates.into_iter().flatten() {
        let b = block.at(view.px(c));
        if within(b, view.bx) && taken.clear(b) {
            block.draw(area, b, 0.85)?;
            taken.add(b);
            break;
        }
    }
    Ok(())
}

/// Parcels: full cluster colour when assigned, its pale tint when available, cross-hatched
/// when occupied, hatched when reserved. Records the clusters and states drawn.
fn draw_parcels<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
    shown: &mut Shown,
) -> Result<(), RenderError> {
    let gap = mm(1.1) as i32;
    if let Some(changes) = &map.changes {
        return draw_changed_parcels(area, view, map, changes, g);
    }
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let c = cluster_colour(&p.cluster);
        shown.clusters.insert(p.cluster.clone());
        shown.states.insert(p.status);
        let assigned = map.assigned.contains_key(&p.id);
        match p.status {
            ParcelStatus::Occupied => {
                fill_polygon(area, view, mp, PAPER.to_rgba(), MAP_BG.to_rgba())?;
                hatch(area, view, mp, gap, OCCUPIED_INK.stroke_width(2), true)?;
            }
            ParcelStatus::Reserved => {
                fill_polygon(area, view, mp, PAPER.to_rgba(), MAP_BG.to_rgba())?;
                hatch(area, view, mp, gap, GREY.stroke_width(2), false)?;
            }
            ParcelStatus::Available => {
                let fill = if assigned { c } else { pale(c, AVAILABLE_TINT) };
                fill_polygon(area, view, mp, fill.to_rgba(), MAP_BG.to_rgba())?;
            }
        }
        // Occupied and reserved parcels keep their cluster in a thick edge.
        let edge = if p.status == ParcelStatus::Available {
            INK.stroke_width(2)
        } else {
            c.stroke_width(6)
        };
        outline(area, view, mp, edge, None)?;
    }
    Ok(())
}

/// A difference map's parcels: each changed one in the colour of its change, the rest pale.
fn draw_changed_parcels<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    changes: &super::Changes,
    g: &ParkGeometry,
) -> Result<(), RenderError> {
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let (fill, edge) = match changes.get(&p.id) {
            Some(d) => (diff_colour(*d), INK.stroke_width(3)),
            None => (DIFF_UNCHANGED, GREY.stroke_width(1)),
        };
        fill_polygon(area, view, mp, fill.to_rgba(), MAP_BG.to_rgba())?;
        outline(area, view, mp, edge, None)?;
    }
    Ok(())
}

fn diff_colour(d: ParcelDiff) -> plotters::style::RGBColor {
    match d {
        ParcelDiff::Placed => DIFF_PLACED,
        ParcelDiff::Freed => DIFF_FREED,
        ParcelDiff::Changed => DIFF_CHANGED,
    }
}

/// The difference map's legend rows: what each colour means and how to read the labels.
fn legend_changes<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    map: &ParkMap,
    changes: &super::Changes,
) -> Result<(), RenderError> {
    let lang = map.sheet.lang;
    lg.heading(&text(lang, "compare.map_changes"))?;
    for (d, key) in [
        (ParcelDiff::Placed, "compare.map_placed"),
        (ParcelDiff::Freed, "compare.map_freed"),
        (ParcelDiff::Changed, "compare.map_changed"),
    ] {
        let n = changes.values().filter(|x| **x == d).count();
        let label = fill(lang, key, &[("n", &n.to_string())]);
        lg.row(&label, swatch_fill(diff_colour(d), EDGE))?;
    }
    lg.row(
        &text(lang, "compare.map_unchanged"),
        swatch_fill(DIFF_UNCHANGED, EDGE),
    )?;
    lg.note(&text(lang, "compare.map_labels"))?;
    Ok(())
}

/// The lines of an assigned parcel's name block at `points`: each enterprise's short name
/// (block mode: one a line; one enterprise: whole, or `two` lines broken before its trade
/// word), then the parcel id.
fn name_block(labels: &[Label], id: &str, points: f64, two: bool) -> Option<Block> {
    let mut lines = Vec::new();
    if let [label] = labels {
        if two {
            let (a, b) = split_name(&label.short_name)?;
            lines.push(Line::new(&a, points, true, INK));
            lines.push(Line::new(&b, points, true, INK));
        } else {
            lines.push(Line::new(&label.short_name, points, true, INK));
        }
    } else {
        if two {
            return None;
        }
        lines.extend(
            labels
                .iter()
                .map(|l| Line::new(&l.short_name, points, true, INK)),
        );
    }
    lines.push(Line::new(id, Sizes::MIN_LABEL, false, GREY));
    Some(Block::new(lines))
}

/// The text of an assigned parcel's key row: its enterprises' short names (on a difference
/// map, the before and after lines, apart by `；`).
fn names_of(map: &ParkMap, labels: &[Label]) -> String {
    let sep = match (map.changes.is_some(), map.sheet.lang) {
        (false, _) => "、",
        (true, Lang::En) => "; ",
        (true, _) => "；",
    };
    labels
        .iter()
        .map(|l| l.short_name.as_str())
        .collect::<Vec<_>>()
        .join(sep)
}

/// The widest key row any parcel could need, for sizing the key table's columns.
fn key_template(map: &ParkMap) -> KeyEntry {
    let parcel = map
        .parcels
        .iter()
        .map(|p| &p.id)
        .max_by_key(|id| crate::render::text::measure(id, 1.0).0)
        .cloned()
        .unwrap_or_default();
    let names = map
        .assigned
        .values()
        .map(|l| names_of(map, l))
        .max_by_key(|n| crate::render::text::measure(n, 1.0).0)
        .unwrap_or_default();
    KeyEntry {
        // A difference map numbers its changed parcels only.
        number: Some(map.changes.as_ref().map_or(map.parcels.len(), |c| c.len())),
        parcel,
        names,
    }
}

/// How the parcels were labelled: the key table's rows and how many got no label at all.
struct Labelled {
    key: Vec<KeyEntry>,
    unlabelled: usize,
}

/// Label every parcel that can be: inside it when its block fits, else a number in the key
/// (inside, or beside it on a leader line), assigned parcels first, at most `capacity` numbers.
fn label_parcels<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
    taken: &mut Taken,
    capacity: usize,
) -> Result<Labelled, RenderError> {
    // Assigned parcels first, then the others; larger first within each, ties by id.
    let mut order: Vec<usize> = (0..map.parcels.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&map.parcels[a], &map.parcels[b]);
        (!map.assigned.contains_key(&pa.id))
            .cmp(&!map.assigned.contains_key(&pb.id))
            .then(pb.area_m2.total_cmp(&pa.area_m2))
            .then(pa.id.cmp(&pb.id))
    });
    let mut pending: Vec<Pending> = Vec::new();
    for i in order {
        let (p, mp) = (&map.parcels[i], &g.parcels[i]);
        if map.changes.as_ref().is_some_and(|c| !c.contains_key(&p.id)) {
            continue; // a difference map labels what changes only
        }
        let (Some(anchor), Some(shape)) = (label_point(mp), Shape::of(mp, |c| view.pxf(c))) else {
            continue;
        };
        let at = view.px(anchor);
        if !in_box(at, view.bx) {
            continue;
        }
        let blocks: Vec<Block> = match map.assigned.get(&p.id).filter(|l| !l.is_empty()) {
            Some(labels) => [false, true]
                .iter()
                .flat_map(|&two| {
                    [Sizes::MAX_NAME, 8.5, 7.0, Sizes::MIN_LABEL]
                        .into_iter()
                        .filter_map(move |pts| name_block(labels, &p.id, pts, two))
                })
                .collect(),
            None => vec![Block::new(vec![Line::new(
                &p.id,
                Sizes::MIN_LABEL,
                false,
                GREY,
            )])],
        };
        let alpha = match (p.status, map.assigned.contains_key(&p.id)) {
            (ParcelStatus::Available, false) => 0.0,
            _ => 0.8,
        };
        let fitted = blocks
            .iter()
            .find_map(|b| place_inside(b, at, &shape, taken).map(|bx| (b, bx)));
        match fitted {
            Some((block, bx)) => {
                block.draw(area, bx, alpha)?;
                taken.add(bx);
            }
            None => pending.push((i, at, shape)),
        }
    }
    // Parcels numbered within their block: the block's prefix once, each parcel's number in it;
    // an assigned one also gets a key row by its id for its enterprises' names.
    let (mut key, mut pending) = number_within_blocks(area, view, map, g, pending, taken)?;
    key.sort_by(|a, b| a.parcel.cmp(&b.parcel));
    let over = key.len().saturating_sub(capacity);
    key.truncate(capacity);
    // The numbered key: assigned parcels first, up to the table's capacity, numbered in
    // reading order.
    let room = capacity - key.len();
    let unlabelled = over + pending.len().saturating_sub(room);
    pending.truncate(room);
    pending.sort_by_key(|(_, at, _)| (at.1 / mm(20.0) as i32, at.0));
    let mut missed = 0;
    let mut number = 0;
    for (i, at, shape) in pending {
        let p = &map.parcels[i];
        number += 1;
        let block = Block::new(vec![Line::new(&number.to_string(), Sizes::KEY, true, INK)]);
        if let Some(bx) = place_inside(&block, at, &shape, taken) {
            block.draw(area, bx, 0.85)?;
            taken.add(bx);
        } else if let Some(bx) = place_beside(&block, at, view.bx, taken) {
            leader(area, bx, at)?;
            block.draw(area, bx, 0.95)?;
            taken.add(bx);
        } else {
            missed += 1;
            number -= 1;
            continue;
        }
        key.push(KeyEntry {
            number: Some(number),
            parcel: p.id.clone(),
            names: map
                .assigned
                .get(&p.id)
                .map(|l| names_of(map, l))
                .unwrap_or_default(),
        });
    }
    Ok(Labelled {
        key,
        unlabelled: unlabelled + missed,
    })
}

/// A parcel's number within its block, as drawn on it.
fn number_block(number: &str) -> Block {
    Block::new(vec![Line::new(number, Sizes::MIN_LABEL, false, INK)])
}

/// A parcel waiting for a label: its index, its label point in pixels and its shape.
type Pending = (usize, (i32, i32), Shape);

/// Label the `pending` parcels by their number within their block ([`super::blocks`]): for each
/// block (ids sharing a prefix) whose prefix finds a place beside it, the prefix once and each
/// parcel's number inside the parcel (or beside it on a leader line). Returns the key rows of
/// the assigned parcels so labelled (by id, for their enterprises' names) and the parcels still
/// unlabelled, in their order.
fn number_within_blocks<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    map: &ParkMap,
    g: &ParkGeometry,
    pending: Vec<Pending>,
    taken: &mut Taken,
) -> Result<(Vec<KeyEntry>, Vec<Pending>), RenderError> {
    use super::blocks::{place_block_label, split_id};
    let mut by_block: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (k, (i, _, _)) in pending.iter().enumerate() {
        if let Some((block, _)) = split_id(&map.parcels[*i].id) {
            by_block.entry(block).or_default().push(k);
        }
    }
    // Each block's box on the sheet, over all its parcels.
    let mut boxes: BTreeMap<&str, Bx> = BTreeMap::new();
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let (Some((block, _)), Some(shape)) = (split_id(&p.id), Shape::of(mp, |c| view.pxf(c)))
        else {
            continue;
        };
        let b = shape.bbox();
        boxes
            .entry(block)
            .and_modify(|a| *a = (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))
            .or_insert(b);
    }
    let all: Vec<Bx> = boxes.values().copied().collect();
    let mut done = vec![false; pending.len()];
    let mut key = Vec::new();
    for (block, ks) in by_block {
        let bbox = boxes[block];
        let label = Block::new(vec![Line::new(block, Sizes::BLOCK, true, INK)]);
        let numbers: Vec<Bx> = ks
            .iter()
            .filter_map(|&k| {
                let (i, anchor, _) = &pending[k];
                let (_, n) = split_id(&map.parcels[*i].id)?;
                Some(number_block(n).at(*anchor))
            })
            .collect();
        let Some(at) = place_block_label(&label, bbox, &numbers, &all, view.bx, taken) else {
            continue;
        };
        label.draw(area, at, 0.85)?;
        taken.add(at);
        for k in ks {
            let (i, anchor, shape) = &pending[k];
            let p = &map.parcels[*i];
            let Some((_, number)) = split_id(&p.id) else {
                continue;
            };
            let text = number_block(number);
            if let Some(bx) = place_inside(&text, *anchor, shape, taken) {
                text.draw(area, bx, 0.0)?;
                taken.add(bx);
            } else if let Some(bx) =
                place_near(&text, *anchor, view.bx, taken, Sizes::NUMBER_LEADER_MM)
            {
                leader(area, bx, *anchor)?;
                text.draw(area, bx, 0.95)?;
                taken.add(bx);
            } else {
                continue;
            }
            done[k] = true;
            if let Some(labels) = map.assigned.get(&p.id).filter(|l| !l.is_empty()) {
                key.push(KeyEntry {
                    number: None,
                    parcel: p.id.clone(),
                    names: names_of(map, labels),
                });
            }
        }
    }
    let rest = pending
        .into_iter()
        .zip(done)
        .filter(|(_, d)| !d)
        .map(|(p, _)| p)
        .collect();
    Ok((key, rest))
}

/// Names of the sensitive areas in view, inside the map box and clear of other labels (at a
/// point area, below its dot).
fn draw_sensitive_names<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    visible: &geo::Polygon<f64>,
    map: &ParkMap,
    g: &ParkGeometry,
    taken: &mut Taken,
) -> Result<(), RenderError> {
    for (s, geom) in map.sensitive.iter().zip(&g.sensitive) {
        let Some(c) = sensitive_anchor(geom, visible) else {
            continue;
        };
        let at = view.px(c);
        if !in_box(at, view.bx) {
            continue;
        }
        let block = Block::new(vec![Line::new(
            s.label(),
            Sizes::AREA_NAME,
            true,
            kind_colour(&s.kind),
        )]);
        let point = matches!(geom, Geometry::Point(_) | Geometry::MultiPoint(_));
        let first = if point {
            block.at((at.0, at.1 + block.size().1 / 2 + mm(1.6) as i32))
        } else {
            block.at(at)
        };
        let b = if within(first, view.bx) && taken.clear(first) {
            Some(first)
        } else {
            place_beside(&block, at, view.bx, taken)
        };
        if let Some(b) = b {
            block.draw(area, b, 0.75)?;
            taken.add(b);
        }
    }
    Ok(())
}

/// The legend: clusters, parcel states, sensitive kinds with their rings, context, counts.
pub(super) fn draw_legend<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    map: &ParkMap,
    shown: &Shown,
) -> Result<(), RenderError> {
    let lang = map.sheet.lang;
    if let Some(changes) = &map.changes {
        legend_changes(lg, map, changes)?;
    } else {
        lg.heading(&text(lang, "map.clusters"))?;
        for cl in &shown.clusters {
            lg.row(
                &cluster_name(lang, cl),
                swatch_fill(cluster_colour(cl), EDGE),
            )?;
        }
        legend_parcel_states(lg, lang, shown)?;
    }
    legend_sensitive(lg, lang, shown)?;
    let synthetic = map.context.iter().any(|l| l.synthetic);
    super::context::legend(lg, lang, &shown.context, synthetic)?;
    lg.gap(1.5);
    if map.changes.is_some() {
        lg.note(&text(lang, "map.projection_note"))?;
        return Ok(());
    }
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
    lg.note(&fill(
        lang,
        "map.park_counts",
        &[
            ("n", &map.parcels.len().to_string()),
            ("available", &n_avail.to_string()),
            ("assigned", &placed.to_string()),
        ],
    ))?;
    if !shown.rings.is_empty() {
        lg.note(&text(lang, "map.buffer_note"))?;
    }
    lg.note(&text(lang, "map.projection_note"))?;
    Ok(())
}

/// Legend rows for the parcel states. "Assigned" and "available" are shown in every cluster's
/// colour (stripes), not one cluster's, since the state is told by fullness, not hue.
fn legend_parcel_states<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    lang: Lang,
    shown: &Shown,
) -> Result<(), RenderError> {
    lg.heading(&text(lang, "map.parcels"))?;
    let mut clusters: Vec<&str> = CLUSTERS
        .iter()
        .copied()
        .filter(|c| shown.clusters.contains(*c))
        .collect();
    clusters.extend(
        shown
            .clusters
            .iter()
            .map(String::as_str)
            .filter(|c| !CLUSTERS.contains(c)),
    );
    let full: Vec<_> = clusters.iter().map(|c| cluster_colour(c)).collect();
    let tints: Vec<_> = full.iter().map(|c| pale(*c, AVAILABLE_TINT)).collect();
    let gap = mm(1.1) as i32;
    lg.row(&text(lang, "map.assigned"), swatch_stripes(full, EDGE))?;
    lg.row(&text(lang, "map.available"), swatch_stripes(tints, EDGE))?;
    if shown.states.contains(&ParcelStatus::Occupied) {
        lg.row(
            &text(lang, "map.occupied"),
            swatch_hatched(OCCUPIED_INK, EDGE, gap, true),
        )?;
    }
    if shown.states.contains(&ParcelStatus::Reserved) {
        lg.row(
            &text(lang, "map.reserved"),
            swatch_hatched(GREY, EDGE, gap, false),
        )?;
    }
    Ok(())
}

/// Legend rows for the sensitive kinds in view, each followed by its ring distances.
fn legend_sensitive<DB: DrawingBackend>(
    lg: &mut Legend<DB>,
    lang: Lang,
    shown: &Shown,
) -> Result<(), RenderError> {
    if shown.kinds.is_empty() && shown.rings.is_empty() {
        return Ok(());
    }
    lg.heading(&text(lang, "map.sensitive"))?;
    let kinds: BTreeSet<&String> = shown.kinds.iter().chain(shown.rings.keys()).collect();
    for kind in kinds {
        let c = kind_colour(kind);
        lg.row(&kind_name(lang, kind), swatch_fill(pale(c, 0.75), c))?;
        if let Some(ds) = shown.rings.get(kind.as_str()) {
            let distances = ds
                .iter()
                .map(|d| format!("{d} m"))
                .collect::<Vec<_>>()
                .join(" / ");
            let (on, off) = kind_dash(kind);
            lg.row(
                &fill(lang, "map.buffer", &[("distances", &distances)]),
                swatch_dashed(c, 5, mm(on) as i32, mm(off) as i32),
            )?;
        }
    }
    Ok(())
}

/// The outline of each parcel `keep` accepts (by position) in the park map's page pixels, as an
/// SVG path (`M x y L ... Z`), by parcel id: the report lays these over the drawn map to make
/// parcels clickable.
pub fn park_map_shapes(map: &ParkMap, keep: impl Fn(usize) -> bool) -> Vec<(String, String)> {
    let Some((frame, extent)) = park_frame(map) else {
        return vec![];
    };
    let view = view_of(&map.sheet, extent);
    map.parcels
        .iter()
        .enumerate()
        .filter(|(j, _)| keep(*j))
        .map(|(_, p)| {
            let mp = frame.project_geometry(&p.geometry);
            (p.id.clone(), super::shapes::svg_path(&view, &mp))
        })
        .collect()
}
