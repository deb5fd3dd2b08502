//! The park map as an overview, for parks above [`ParkMap::overview_above`] parcels: every
//! parcel painted into one raster of the map box at the sheet's resolution (its state and
//! cluster as on the detailed map: full colour, pale tint, cross-hatching, hatching, the
//! patterns made in the raster), sensitive areas and their buffer rings (from an exact
//! distance transform of each kind's pixels) likewise, and no parcel labels. Parcels are
//! projected in parallel, a chunk at a time, so memory stays at the raster and one chunk
//! whatever the park's size; the sheet says it is an overview.

use super::ParkMap;
use super::context::{Projected, project};
use super::page::View;
use super::park::Shown;
use super::raster::{Blit, Raster, distance2, scan};
use super::shapes::as_multipolygon;
use super::style::{GREY, MAP_BG, OCCUPIED_INK, PAPER, cluster_colour, kind_colour, pale};
use super::{Area, RenderError, err};
use crate::frame::LocalFrame;
use crate::model::{ContextKind, ParcelStatus};
use crate::render::palette::AVAILABLE_TINT;
use crate::render::paper::mm;
use geo::{Coord, Geometry, MultiPolygon};
use plotters::prelude::{DrawingBackend, RGBColor};
use rayon::prelude::*;

/// Parcels projected per parallel chunk.
const CHUNK: usize = 65_536;

fn rgb(c: RGBColor) -> [u8; 3] {
    [c.0, c.1, c.2]
}

/// The rings of a polygon set in the raster's pixels.
type PixelRings = Vec<Vec<(f64, f64)>>;

/// `mp` (metres) in the raster's pixels.
fn pixel_rings(view: &View, mp: &MultiPolygon<f64>) -> PixelRings {
    let (ox, oy) = (view.bx.0 as f64, view.bx.1 as f64);
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|ring| {
            ring.0
                .iter()
                .map(|c| {
                    let (x, y) = view.pxf(*c);
                    (x - ox, y - oy)
                })
                .collect()
        })
        .collect()
}

/// The pattern of a parcel's state at pixel (x, y): its fill colour there.
fn parcel_paint(
    status: ParcelStatus,
    assigned: bool,
    cluster: RGBColor,
    gap: i64,
) -> impl Fn(i64, i64) -> [u8; 3] {
    move |x, y| {
        let on_line = |d: i64| d.rem_euclid(gap) < 2;
        match status {
            ParcelStatus::Available if assigned => rgb(cluster),
            ParcelStatus::Available => rgb(pale(cluster, AVAILABLE_TINT)),
            ParcelStatus::Occupied if on_line(x + y) || on_line(x - y) => rgb(OCCUPIED_INK),
            ParcelStatus::Reserved if on_line(x + y) => rgb(GREY),
            _ => rgb(PAPER),
        }
    }
}

/// Paint the context's areas (water, urban) and lines into the raster.
fn paint_context(r: &mut Raster, view: &View, context: &[Projected], shown: &mut Shown) {
    for f in context {
        let (fill, line) = match f.kind {
            ContextKind::Water => (Some(RGBColor(214, 230, 242)), None),
            ContextKind::Urban => (Some(RGBColor(240, 233, 220)), None),
            ContextKind::Coastline => (None, Some(RGBColor(110, 150, 190))),
            ContextKind::Boundary => (None, Some(RGBColor(110, 110, 110))),
            ContextKind::Road => (None, Some(RGBColor(185, 185, 185))),
            ContextKind::Other => (None, Some(RGBColor(160, 160, 160))),
        };
        shown.context.insert(f.kind);
        let mp = as_multipolygon(f.geometry());
        if let Some(c) = fill {
            r.fill(&pixel_rings(view, &mp), rgb(c));
        }
        if let Some(c) = line {
            let (ox, oy) = (view.bx.0 as f64, view.bx.1 as f64);
            for ls in super::context::lines_of(f.geometry()).0 {
                for seg in ls.0.windows(2) {
                    let (a, b) = (view.pxf(seg[0]), view.pxf(seg[1]));
                    r.line((a.0 - ox, a.1 - oy), (b.0 - ox, b.1 - oy), 3.0, rgb(c));
                }
            }
        }
    }
}

/// Draw the overview into the map box of `view`; returns what it shows, for the legend.
pub(super) fn draw_overview<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    frame: &LocalFrame,
    map: &ParkMap,
) -> Result<Shown, RenderError> {
    let (w, h) = (
        (view.bx.2 - view.bx.0).max(1) as usize,
        (view.bx.3 - view.bx.1).max(1) as usize,
    );
    let mut r = Raster::new(w, h, MAP_BG);
    let mut shown = Shown::default();
    paint_context(&mut r, view, &project(frame, map.context), &mut shown);
    paint_sensitive(&mut r, view, frame, map, &mut shown);
    let gap = mm(1.1).round() as i64;
    for chunk in map.parcels.chunks(CHUNK) {
        let rings: Vec<PixelRings> = chunk
            .par_iter()
            .map(|p| pixel_rings(view, &frame.project_geometry(&p.geometry)))
            .collect();
        for (p, rings) in chunk.iter().zip(&rings) {
            shown.clusters.insert(p.cluster.clone());
            shown.states.insert(p.status);
            let paint = parcel_paint(
                p.status,
                map.assigned.contains_key(&p.id),
                cluster_colour(&p.cluster),
                gap,
            );
            let (w, h) = (r.w, r.h);
            scan(rings, w, h, &mut |x, y| r.put(x, y, paint(x, y)));
        }
    }
    area.draw(&Blit {
        at: (view.bx.0, view.bx.1),
        size: (w as u32, h as u32),
        rgb: &r.rgb,
    })
    .map_err(err("park map"))?;
    Ok(shown)
}

/// Sensitive areas (pale fill, dots for points) and, where a ring is at least a millimetre
/// from its area on the sheet, each kind's buffer rings from the distance transform of that
/// kind's pixels.
fn paint_sensitive(
    r: &mut Raster,
    view: &View,
    frame: &LocalFrame,
    map: &ParkMap,
    shown: &mut Shown,
) {
    let (ox, oy) = (view.bx.0 as f64, view.bx.1 as f64);
    let to_px = |c: Coord<f64>| {
        let (x, y) = view.pxf(frame.project(c));
        (x - ox, y - oy)
    };
    let kinds: std::collections::BTreeSet<&str> =
        map.sensitive.iter().map(|s| s.kind.as_str()).collect();
    for kind in kinds {
        let c = kind_colour(kind);
        let mut mask = vec![false; r.w * r.h];
        let fill = rgb(pale(c, 0.75));
        for s in map.sensitive.iter().filter(|s| s.kind == kind) {
            match &s.geometry {
                Geometry::Point(p) => mark(r, &mut mask, to_px(p.0), fill),
                Geometry::MultiPoint(m) => {
                    for p in &m.0 {
                        mark(r, &mut mask, to_px(p.0), fill);
                    }
                }
                g => {
                    let rings = pixel_rings(view, &frame.project_geometry(&as_multipolygon(g)));
                    let (w, h) = (r.w, r.h);
                    scan(&rings, w, h, &mut |x, y| {
                        r.put(x, y, fill);
                        mask[y as usize * w + x as usize] = true;
                    });
                }
            }
        }
        if !mask.iter().any(|m| *m) {
            continue;
        }
        shown.kinds.insert(kind.to_string());
        let distances: Vec<f64> = map
            .buffers
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, d)| *d)
            .collect();
        let px: Vec<(f64, f64)> = distances
            .iter()
            .map(|d| (*d, d * view.scale))
            .filter(|(_, p)| *p >= mm(1.0))
            .collect();
        if px.is_empty() {
            continue;
        }
        let d2 = distance2(&mask, r.w, r.h);
        let half = mm(0.2).max(1.5);
        let ring = rgb(c);
        for (i, dist) in d2.iter().enumerate() {
            if !dist.is_finite() {
                continue;
            }
            let d = f64::from(*dist).sqrt();
            if px.iter().any(|(_, p)| (d - p).abs() <= half) {
                r.put((i % r.w) as i64, (i / r.w) as i64, ring);
            }
        }
        for (d, _) in px {
            shown.rings.entry(kind.to_string()).or_default().push(d);
        }
    }
}

/// A point sensitive area: a dot in the raster and in the kind's mask.
fn mark(r: &mut Raster, mask: &mut [bool], at: (f64, f64), fill: [u8; 3]) {
    let rad = mm(0.6);
    r.dot(at, rad, fill);
    let (x, y) = (at.0.round() as i64, at.1.round() as i64);
    if x >= 0 && y >= 0 && (x as usize) < r.w && (y as usize) < r.h {
        mask[y as usize * r.w + x as usize] = true;
    }
}

/// The context and every parcel in one colour, as a raster over the map box (the relocation
/// map's park at overview sizes).
pub(super) fn draw_plain<DB: DrawingBackend>(
    area: &Area<DB>,
    view: &View,
    frame: &LocalFrame,
    parcels: &[crate::model::Parcel],
    context: &[Projected],
    colour: RGBColor,
) -> Result<(), RenderError> {
    let (w, h) = (
        (view.bx.2 - view.bx.0).max(1) as usize,
        (view.bx.3 - view.bx.1).max(1) as usize,
    );
    let mut r = Raster::new(w, h, MAP_BG);
    paint_context(&mut r, view, context, &mut Shown::default());
    for chunk in parcels.chunks(CHUNK) {
        let rings: Vec<PixelRings> = chunk
            .par_iter()
            .map(|p| pixel_rings(view, &frame.project_geometry(&p.geometry)))
            .collect();
        for rings in &rings {
            r.fill(rings, rgb(colour));
        }
    }
    area.draw(&Blit {
        at: (view.bx.0, view.bx.1),
        size: (w as u32, h as u32),
        rgb: &r.rgb,
    })
    .map_err(err("relocation map"))
}
