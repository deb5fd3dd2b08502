//! Park layout and relocation maps, drawn with plotters to SVG and PNG.
//!
//! Both maps take plain input types ([`ParkMap`], [`RelocationMap`]) that the pipeline fills
//! from the stages' outputs, so drawing depends on no stage. Geometry is projected into the
//! local transverse Mercator frame ([`LocalFrame`]) before drawing: a metre east and a metre
//! north are the same length on the page, and buffers are computed in metres (geo's `Buffer`
//! is planar). A page is [`PAGE_HEIGHT`] pixels high and at least [`MIN_PAGE_WIDTH`] wide,
//! wider for a wide park (print resolution for A3 at about 200 dpi); the
//! legend sits in a side panel so it never covers the map.

use crate::frame::LocalFrame;
use crate::model::{Parcel, ParcelStatus, SensitiveArea};
use crate::rules::allocation::AllocationRules;
use geo::{
    BooleanOps, BoundingRect, Buffer, Centroid, ConvexHull, Coord, Geometry, GeometryCollection,
    InteriorPoint, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Rect,
};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::{
    BitMapBackend, Circle, DrawingArea, DrawingBackend, IntoDrawingArea, IntoFont, PathElement,
    RGBColor, Rectangle, SVGBackend, Text, TextStyle,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, RGBAColor, ShapeStyle};
use std::collections::{BTreeMap, BTreeSet};

/// Page height in pixels of both maps, SVG and PNG alike.
pub const PAGE_HEIGHT: u32 = 1700;
/// Narrowest page in pixels; a park wider than it is tall gets a wider page, up to
/// [`MAX_PAGE_WIDTH`], so its parcels stay large enough to label.
pub const MIN_PAGE_WIDTH: u32 = 2400;
pub const MAX_PAGE_WIDTH: u32 = 4000;
/// Width of the legend panel at the right of the page.
const PANEL_WIDTH: i32 = 600;
const MAP_TOP: i32 = 150;

/// Why a map could not be drawn (a plotters or PNG-encoding failure, not bad user data).
#[derive(Debug, thiserror::Error)]
#[error("drawing the {what} failed: {message}")]
pub struct RenderError {
    pub what: &'static str,
    pub message: String,
}

impl From<RenderError> for crate::Error {
    fn from(e: RenderError) -> Self {
        crate::Error::Other(e.to_string())
    }
}

/// What an assigned parcel shows: the enterprise's short name, its id and cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// Shown on the parcel; see [`short_name`].
    pub short_name: String,
    pub enterprise_id: String,
    pub cluster: String,
}

/// Parcel id -> the enterprises placed on it (one in plot mode, possibly several in block mode).
pub type Assigned = BTreeMap<String, Vec<Label>>;

/// Everything the park layout map draws.
#[derive(Debug, Clone)]
pub struct ParkMap<'a> {
    pub title: String,
    /// Scenario and rule set, e.g. "灵昆 Lingkun · rules lingkun-2026.1 (sha256 1a2b3c4d5e6f)".
    pub subtitle: String,
    pub parcels: &'a [Parcel],
    pub sensitive: &'a [SensitiveArea],
    /// Buffer distances drawn as rings around the sensitive areas: (kind, metres).
    /// [`buffers_from_rules`] gives every distinct distance per kind of a rule set.
    pub buffers: Vec<(String, f64)>,
    /// Parcel id -> the enterprises placed on it (one in plot mode, possibly several in block
    /// mode; drawn one name a line).
    pub assigned: Assigned,
}

/// An urban enterprise at its current site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Per-mu class `A`..`D`; anything else (e.g. "not rated") is drawn grey.
    pub class: String,
    /// `retain`, `rectify`, `relocate`, `convert`, ...
    pub action: String,
}

/// A line from an enterprise's site to a parcel.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub enterprise_id: String,
    pub parcel_id: String,
    /// `true`: the parcel the allocation assigned (solid line); `false`: its best option (dashed).
    pub assigned: bool,
}

/// Everything the relocation map draws.
#[derive(Debug, Clone)]
pub struct RelocationMap<'a> {
    pub title: String,
    pub subtitle: String,
    pub sites: Vec<Site>,
    pub links: Vec<Link>,
    /// The park's parcels, drawn as its outline.
    pub parcels: &'a [Parcel],
}

/// Every distinct buffer distance per sensitive kind in a rule set, sorted by kind then metres.
pub fn buffers_from_rules(rules: &AllocationRules) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for (kind, per_class) in &rules.buffers_m {
        let mut d: Vec<f64> = per_class.values().copied().filter(|d| *d > 0.0).collect();
        d.sort_by(f64::total_cmp);
        d.dedup();
        out.extend(d.into_iter().map(|d| (kind.clone(), d)));
    }
    out
}

/// An enterprise's name as a map label: place-name prefixes and legal-form suffixes trimmed
/// ("温州灵昆电子科技有限公司" -> "灵昆电子科技"). Falls back to the full name if nothing is left.
///
/// ```
/// use parkplan::render::map::short_name;
/// assert_eq!(short_name("温州市瓯华电子科技有限公司"), "瓯华电子科技");
/// assert_eq!(short_name("浙江龙湾精密机械股份有限公司"), "精密机械");
/// assert_eq!(short_name("Acme Photonics Co., Ltd."), "Acme Photonics");
/// ```
pub fn short_name(name: &str) -> String {
    const PREFIXES: &[&str] = &[
        "浙江省",
        "浙江",
        "温州市",
        "温州",
        "龙湾区",
        "龙湾",
        "洞头区",
        "洞头",
        "鹿城区",
        "瓯海区",
    ];
    const SUFFIXES: &[&str] = &[
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团",
        "公司",
        "厂",
        " Co., Ltd.",
        " Co.,Ltd.",
        " Co. Ltd.",
        " Ltd.",
        " Ltd",
        " Inc.",
        ",",
        " ",
    ];
    let mut s = name.trim().to_string();
    for region in ["(温州)", "（温州）", "(浙江)", "（浙江）"] {
        s = s.replace(region, "");
    }
    let mut changed = true;
    while changed {
        changed = false;
        for p in PREFIXES {
            if let Some(rest) = s.strip_prefix(p)
                && !rest.is_empty()
            {
                s = rest.to_string();
                changed = true;
            }
        }
        for suf in SUFFIXES {
            // A name that is only a legal form ("有限公司") is kept whole, not cut to "有限".
            if SUFFIXES.iter().any(|x| x.trim() == s.trim()) {
                break;
            }
            if let Some(rest) = s.strip_suffix(suf)
                && !rest.trim().is_empty()
            {
                s = rest.trim_end().to_string();
                changed = true;
            }
        }
    }
    if s.trim().is_empty() {
        name.trim().to_string()
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Colours and names

const INK: RGBColor = RGBColor(33, 33, 33);
const GREY: RGBColor = RGBColor(120, 120, 120);
const OCCUPIED: RGBColor = RGBColor(128, 128, 128);
const PAPER: RGBColor = RGBColor(255, 255, 255);
const MAP_BG: RGBColor = RGBColor(247, 248, 246);

/// Colour of a park cluster; the four key clusters and `general` have fixed colours.
pub fn cluster_colour(cluster: &str) -> RGBColor {
    match cluster {
        "electronics" => RGBColor(78, 121, 167),
        "biomedicine" => RGBColor(89, 161, 79),
        "mechatronics" => RGBColor(242, 142, 43),
        "pharma_equipment" => RGBColor(176, 122, 161),
        "general" => RGBColor(186, 176, 172),
        other => {
            const MORE: [RGBColor; 5] = [
                RGBColor(237, 201, 72),
                RGBColor(118, 183, 178),
                RGBColor(156, 117, 95),
                RGBColor(255, 157, 167),
                RGBColor(140, 140, 200),
            ];
            MORE[other
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize))
                % MORE.len()]
        }
    }
}

/// "中文 name" for a legend entry, or the name alone when it has no Chinese label.
fn bilingual(name: &str, zh: Option<&str>) -> String {
    zh.map_or_else(|| name.to_string(), |zh| format!("{zh} {name}"))
}

fn cluster_name(cluster: &str) -> String {
    let zh = match cluster {
        "electronics" => Some("电子信息"),
        "biomedicine" => Some("生物医药"),
        "mechatronics" => Some("机电装备"),
        "pharma_equipment" => Some("制药装备"),
        "general" => Some("综合"),
        _ => None,
    };
    bilingual(cluster, zh)
}

fn kind_colour(kind: &str) -> RGBColor {
    match kind {
        "residential" => RGBColor(156, 102, 64),
        "school" => RGBColor(214, 39, 140),
        "hospital" => RGBColor(214, 39, 40),
        "wetland" => RGBColor(23, 150, 120),
        "water_source" => RGBColor(31, 90, 190),
        _ => RGBColor(100, 100, 100),
    }
}

fn kind_name(kind: &str) -> String {
    let zh = match kind {
        "residential" => Some("居住区"),
        "school" => Some("学校"),
        "hospital" => Some("医院"),
        "wetland" => Some("湿地"),
        "water_source" => Some("水源地"),
        _ => None,
    };
    bilingual(kind, zh)
}

fn class_colour(class: &str) -> RGBColor {
    match class.trim().to_ascii_uppercase().as_str() {
        "A" => RGBColor(26, 152, 80),
        "B" => RGBColor(69, 117, 180),
        "C" => RGBColor(244, 165, 30),
        "D" => RGBColor(215, 25, 28),
        _ => RGBColor(160, 160, 160),
    }
}

/// `c` mixed with white; `t` = 1 is pure white.
fn pale(c: RGBColor, t: f64) -> RGBColor {
    let m = |v: u8| (v as f64 + (255.0 - v as f64) * t).round() as u8;
    RGBColor(m(c.0), m(c.1), m(c.2))
}

fn font(size: f64) -> TextStyle<'static> {
    (super::FAMILY, size).into_font().color(&INK)
}

fn bold(size: f64) -> TextStyle<'static> {
    (super::FAMILY, size, FontStyle::Bold)
        .into_font()
        .color(&INK)
}

// ---------------------------------------------------------------------------------------------
// The page: metres to pixels

type Px = (i32, i32);
/// A pixel box: (left, top, right, bottom).
type Bx = (i32, i32, i32, i32);

/// Maps metres in the local frame to pixels in a box on the page, same scale on both axes.
#[derive(Debug, Clone, Copy)]
struct View {
    minx: f64,
    maxy: f64,
    scale: f64,
    ox: f64,
    oy: f64,
    /// The pixel box the map occupies.
    bx: Bx,
}

impl View {
    fn fit(extent: Rect<f64>, bx: Bx) -> View {
        let (w, h) = ((bx.2 - bx.0) as f64, (bx.3 - bx.1) as f64);
        let dx = extent.width().max(1.0);
        let dy = extent.height().max(1.0);
        let scale = (w / dx).min(h / dy);
        View {
            minx: extent.min().x,
            maxy: extent.max().y,
            scale,
            ox: bx.0 as f64 + (w - dx * scale) / 2.0,
            oy: bx.1 as f64 + (h - dy * scale) / 2.0,
            bx,
        }
    }
    fn px(&self, c: Coord<f64>) -> Px {
        (
            (self.ox + (c.x - self.minx) * self.scale).round() as i32,
            (self.oy + (self.maxy - c.y) * self.scale).round() as i32,
        )
    }
    /// The map box in metres, for clipping what lies outside it.
    fn visible(&self) -> geo::Polygon<f64> {
        let m = |x: i32, y: i32| Coord {
            x: self.minx + (x as f64 - self.ox) / self.scale,
            y: self.maxy - (y as f64 - self.oy) / self.scale,
        };
        Rect::new(m(self.bx.0, self.bx.3), m(self.bx.2, self.bx.1)).to_polygon()
    }
    fn ring(&self, ls: &LineString<f64>) -> Vec<Px> {
        let mut out: Vec<Px> = Vec::with_capacity(ls.0.len());
        for c in &ls.0 {
            let p = self.px(*c);
            if out.last() != Some(&p) {
                out.push(p);
            }
        }
        out
    }
}

fn pad(r: Rect<f64>, m: f64) -> Rect<f64> {
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

fn lonlat_bounds<'a>(rects: impl Iterator<Item = Rect<f64>> + 'a) -> Option<Rect<f64>> {
    crate::frame::extent(rects)
}

/// A drawing error from plotters, named after the map being drawn.
fn err<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> RenderError {
    move |e| RenderError {
        what,
        message: e.to_string(),
    }
}

type Area<DB> = DrawingArea<DB, Shift>;

fn fill_polygon<DB: DrawingBackend>(
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

fn outline<DB: DrawingBackend>(
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
fn hatch<DB: DrawingBackend>(
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

/// Text with a white box behind it so it reads over any fill.
fn boxed_text<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    at: Px,
    style: &TextStyle,
    box_alpha: f64,
) -> Result<(u32, u32), RenderError> {
    let (w, h) = area.estimate_text_size(text, style).map_err(err("map"))?;
    let (w2, h2) = (w as i32 / 2 + 3, h as i32 / 2 + 2);
    area.draw(&Rectangle::new(
        [(at.0 - w2, at.1 - h2), (at.0 + w2, at.1 + h2)],
        PAPER.mix(box_alpha).filled(),
    ))
    .map_err(err("map"))?;
    area.draw(&Text::new(
        text.to_string(),
        at,
        style.pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err("map"))?;
    Ok((w, h))
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

fn metres_text(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

/// A scale bar in the lower left of the map box: four alternating segments, labelled in metres.
fn scale_bar<DB: DrawingBackend>(area: &Area<DB>, view: &View) -> Result<(), RenderError> {
    let map_w_m = (view.bx.2 - view.bx.0) as f64 / view.scale;
    let len = nice_length(map_w_m / 4.0);
    let len_px = (len * view.scale).round() as i32;
    let (x0, y0) = (view.bx.0 + 40, view.bx.3 - 60);
    area.draw(&Rectangle::new(
        [(x0 - 20, y0 - 44), (x0 + len_px + 60, y0 + 40)],
        PAPER.mix(0.85).filled(),
    ))
    .map_err(err("scale bar"))?;
    for i in 0..4 {
        let a = x0 + len_px * i / 4;
        let b = x0 + len_px * (i + 1) / 4;
        let fill = if i % 2 == 0 {
            INK.filled()
        } else {
            PAPER.filled()
        };
        area.draw(&Rectangle::new([(a, y0), (b, y0 + 12)], fill))
            .map_err(err("scale bar"))?;
    }
    area.draw(&Rectangle::new(
        [(x0, y0), (x0 + len_px, y0 + 12)],
        INK.stroke_width(2),
    ))
    .map_err(err("scale bar"))?;
    let st = font(22.0).pos(Pos::new(HPos::Center, VPos::Bottom));
    for (frac, text) in [
        (0.0, "0".to_string()),
        (0.5, metres_text(len / 2.0)),
        (1.0, metres_text(len)),
    ] {
        let x = x0 + (len_px as f64 * frac).round() as i32;
        area.draw(&Text::new(text, (x, y0 - 6), st.clone()))
            .map_err(err("scale bar"))?;
    }
    let note = font(18.0).pos(Pos::new(HPos::Left, VPos::Top)).color(&GREY);
    area.draw(&Text::new("比例尺 scale".to_string(), (x0, y0 + 18), note))
        .map_err(err("scale bar"))?;
    Ok(())
}

/// A north arrow in the upper right of the map box. The frame's central meridian runs through
/// the map's centre, so grid north is true north there (convergence under 0.1° at park scale).
fn north_arrow<DB: DrawingBackend>(area: &Area<DB>, view: &View) -> Result<(), RenderError> {
    let (cx, top) = (view.bx.2 - 70, view.bx.1 + 40);
    area.draw(&Rectangle::new(
        [(cx - 40, top - 10), (cx + 40, top + 130)],
        PAPER.mix(0.85).filled(),
    ))
    .map_err(err("north arrow"))?;
    let tip = (cx, top + 40);
    let left = (cx - 22, top + 110);
    let right = (cx + 22, top + 110);
    let notch = (cx, top + 90);
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
        INK.stroke_width(2),
    ))
    .map_err(err("north arrow"))?;
    area.draw(&Text::new(
        "N 北".to_string(),
        (cx, top + 18),
        bold(26.0).pos(Pos::new(HPos::Center, VPos::Center)),
    ))
    .map_err(err("north arrow"))?;
    Ok(())
}

fn header<DB: DrawingBackend>(
    area: &Area<DB>,
    title: &str,
    subtitle: &str,
) -> Result<(), RenderError> {
    area.draw(&Text::new(title.to_string(), (40, 28), bold(46.0)))
        .map_err(err("title"))?;
    area.draw(&Text::new(
        subtitle.to_string(),
        (40, 90),
        font(26.0).color(&GREY),
    ))
    .map_err(err("title"))?;
    Ok(())
}

/// The side panel: a column of legend rows, each a swatch drawer and a text.
struct Legend<'a, DB: DrawingBackend> {
    area: &'a Area<DB>,
    x: i32,
    y: i32,
}

impl<DB: DrawingBackend> Legend<'_, DB> {
    fn heading(&mut self, text: &str) -> Result<(), RenderError> {
        self.y += 14;
        self.area
            .draw(&Text::new(text.to_string(), (self.x, self.y), bold(28.0)))
            .map_err(err("legend"))?;
        self.y += 44;
        Ok(())
    }
    fn row(
        &mut self,
        text: &str,
        swatch: impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError>,
    ) -> Result<(), RenderError> {
        swatch(self.area, (self.x, self.y, self.x + 56, self.y + 30))?;
        self.area
            .draw(&Text::new(
                text.to_string(),
                (self.x + 72, self.y + 15),
                font(24.0).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err("legend"))?;
        self.y += 42;
        Ok(())
    }
    fn note(&mut self, text: &str) -> Result<(), RenderError> {
        self.area
            .draw(&Text::new(
                text.to_string(),
                (self.x, self.y),
                font(20.0).color(&GREY),
            ))
            .map_err(err("legend"))?;
        self.y += 30;
        Ok(())
    }
}

fn swatch_fill<DB: DrawingBackend>(
    fill: RGBColor,
    edge: RGBColor,
) -> impl FnOnce(&Area<DB>, Bx) -> Result<(), RenderError> {
    move |a, (x0, y0, x1, y1)| {
        a.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
            .map_err(err("legend"))?;
        a.draw(&Rectangle::new([(x0, y0), (x1, y1)], edge.stroke_width(2)))
            .map_err(err("legend"))?;
        Ok(())
    }
}

/// The map's box on a page of `area`'s size: everything left of the legend panel.
fn map_box<DB: DrawingBackend>(area: &Area<DB>) -> Bx {
    let (w, h) = area.dim_in_pixel();
    (40, MAP_TOP, w as i32 - PANEL_WIDTH, h as i32 - 40)
}

/// Top-left corner of the legend panel.
fn panel_at<DB: DrawingBackend>(area: &Area<DB>) -> (i32, i32) {
    (area.dim_in_pixel().0 as i32 - PANEL_WIDTH + 40, MAP_TOP)
}

/// The page size that shows `extent` (metres) at the largest scale the height allows.
fn page_for(extent: Rect<f64>) -> (u32, u32) {
    let map_h = (PAGE_HEIGHT as i32 - 40 - MAP_TOP) as f64;
    let want = map_h * extent.width() / extent.height().max(1.0);
    let min_map = (MIN_PAGE_WIDTH as i32 - PANEL_WIDTH - 40) as f64;
    let max_map = (MAX_PAGE_WIDTH as i32 - PANEL_WIDTH - 40) as f64;
    let map_w = if want.is_finite() {
        want.clamp(min_map, max_map)
    } else {
        min_map
    };
    (map_w.round() as u32 + PANEL_WIDTH as u32 + 40, PAGE_HEIGHT)
}

// ---------------------------------------------------------------------------------------------
// Park layout map

struct ParkGeometry {
    parcels: Vec<MultiPolygon<f64>>,
    sensitive: Vec<Geometry<f64>>,
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

/// The common start of a map page: paper, title, and either the map box's background with the
/// view fitted to `layout`'s extent, or, with nothing to draw, `empty` written in the box.
fn start_page<DB: DrawingBackend, L>(
    area: &Area<DB>,
    name: &'static str,
    title: &str,
    subtitle: &str,
    layout: Option<(L, Rect<f64>)>,
    empty: &str,
) -> Result<Option<(L, View)>, RenderError> {
    super::register_fonts();
    area.fill(&PAPER).map_err(err(name))?;
    header(area, title, subtitle)?;
    let mbox = map_box(area);
    let Some((layout, extent)) = layout else {
        area.draw(&Text::new(
            empty.to_string(),
            (mbox.0 + 40, mbox.1 + 40),
            font(30.0),
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
    let mbox = view.bx;
    let visible = view.visible();

    // Sensitive areas under everything, clipped to the map box.
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
                let mp = as_multipolygon(other).intersection(&visible);
                if !mp.0.is_empty() {
                    kinds_shown.insert(s.kind.clone());
                    fill_polygon(area, &view, &mp, pale(c, 0.7).to_rgba(), MAP_BG.to_rgba())?;
                    outline(area, &view, &mp, c.stroke_width(2), None)?;
                }
            }
        }
    }

    // Buffer rings: one per (kind, distance), the union of that kind's areas grown by the distance.
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
        rings_shown.entry(kind.clone()).or_default().push(*d);
    }

    // Parcels: cluster fill, full colour when assigned, pale when available, grey when occupied,
    // hatched when reserved.
    let mut clusters_shown = BTreeSet::new();
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let c = cluster_colour(&p.cluster);
        clusters_shown.insert(p.cluster.clone());
        let assigned = map.assigned.contains_key(&p.id);
        match p.status {
            ParcelStatus::Occupied => {
                fill_polygon(area, &view, mp, OCCUPIED.to_rgba(), MAP_BG.to_rgba())?;
            }
            ParcelStatus::Reserved => {
                fill_polygon(area, &view, mp, PAPER.to_rgba(), MAP_BG.to_rgba())?;
                hatch(area, &view, mp, 9, GREY.stroke_width(2))?;
            }
            ParcelStatus::Available => {
                let fill = if assigned { c } else { pale(c, 0.62) };
                fill_polygon(area, &view, mp, fill.to_rgba(), MAP_BG.to_rgba())?;
            }
        }
        let edge = if p.status == ParcelStatus::Available {
            INK.stroke_width(1)
        } else {
            c.stroke_width(3)
        };
        outline(area, &view, mp, edge, None)?;
    }

    // Labels last, so no fill covers them. First the ids of parcels without an enterprise, then
    // the enterprises' short names (with the parcel id below where there is room) on top; a
    // name moves up or down inside its parcel to clear names already placed.
    let extent_px = |mp: &MultiPolygon<f64>| {
        mp.bounding_rect().map_or((0.0, 0.0), |r| {
            (r.width() * view.scale, r.height() * view.scale)
        })
    };
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
        if (w as f64) < extent_px(mp).0 * 0.95 {
            // Grey and hatched fills get a box behind the id; pale fills read without one.
            let alpha = if p.status == ParcelStatus::Available {
                0.0
            } else {
                0.8
            };
            boxed_text(area, &p.id, view.px(anchor), &style, alpha)?;
        }
    }
    let mut taken: Vec<Bx> = Vec::new();
    for (p, mp) in map.parcels.iter().zip(&g.parcels) {
        let (Some(labels), Some(anchor)) = (map.assigned.get(&p.id), label_point(mp)) else {
            continue;
        };
        if labels.is_empty() {
            continue;
        }
        let at = view.px(anchor);
        let (width_px, height_px) = extent_px(mp);
        let (size, lines) = if let [label] = labels.as_slice() {
            wrap_label(area, &label.short_name, width_px * 0.92, 13.0, 24.0)?
        } else {
            // Several enterprises share the parcel (block mode): one name a line.
            let lines: Vec<String> = labels.iter().map(|l| l.short_name.clone()).collect();
            let longest = lines
                .iter()
                .max_by_key(|l| l.chars().count())
                .cloned()
                .unwrap_or_default();
            let by_height = height_px * 0.9 / (1.3 * lines.len() as f64);
            let size = fit_size(area, &longest, width_px * 0.92, 11.0, 18.0)?
                .min(by_height.max(11.0).floor());
            (size, lines)
        };
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
    // Names of the sensitive areas in view.
    for (s, geom) in map.sensitive.iter().zip(&g.sensitive) {
        let Some(c) = sensitive_anchor(geom, &visible) else {
            continue;
        };
        let at = view.px(c);
        if in_box(
            at,
            (
                view.bx.0 + 60,
                view.bx.1 + 20,
                view.bx.2 - 60,
                view.bx.3 - 20,
            ),
        ) {
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

    area.draw(&Rectangle::new(
        [(mbox.0, mbox.1), (mbox.2, mbox.3)],
        INK.stroke_width(2),
    ))
    .map_err(err("park map"))?;
    scale_bar(area, &view)?;
    north_arrow(area, &view)?;

    // Legend panel.
    let (lx, ly) = panel_at(area);
    let mut lg = Legend {
        area,
        x: lx,
        y: ly - 14,
    };
    lg.heading("产业组团 Clusters")?;
    for cl in &clusters_shown {
        lg.row(&cluster_name(cl), swatch_fill(cluster_colour(cl), INK))?;
    }
    lg.heading("地块状态 Parcels")?;
    let first = clusters_shown
        .iter()
        .next()
        .map(|c| cluster_colour(c))
        .unwrap_or(GREY);
    lg.row("已分配 assigned (企业简称)", swatch_fill(first, INK))?;
    lg.row("可用 available", swatch_fill(pale(first, 0.62), INK))?;
    lg.row("已占用 occupied", swatch_fill(OCCUPIED, first))?;
    lg.row("预留 reserved", |a, (x0, y0, x1, y1)| {
        a.draw(&Rectangle::new([(x0, y0), (x1, y1)], PAPER.filled()))
            .map_err(err("legend"))?;
        for k in (0..(x1 - x0 + y1 - y0)).step_by(9) {
            // Diagonals clipped to the swatch by hand.
            let (ax, ay) = (x0 + k.min(x1 - x0), y1 - (k - (x1 - x0)).max(0));
            let (bx, by) = (x0 + (k - (y1 - y0)).max(0), y1 - k.min(y1 - y0));
            a.draw(&PathElement::new(
                vec![(bx, by), (ax, ay)],
                GREY.stroke_width(2),
            ))
            .map_err(err("legend"))?;
        }
        a.draw(&Rectangle::new([(x0, y0), (x1, y1)], first.stroke_width(3)))
            .map_err(err("legend"))?;
        Ok(())
    })?;
    if !kinds_shown.is_empty() || !rings_shown.is_empty() {
        lg.heading("敏感区与防护距离 Sensitive areas")?;
        let kinds: BTreeSet<&String> = kinds_shown.iter().chain(rings_shown.keys()).collect();
        for kind in kinds {
            let c = kind_colour(kind);
            lg.row(&kind_name(kind), swatch_fill(pale(c, 0.7), c))?;
            if let Some(ds) = rings_shown.get(kind.as_str()) {
                let text = format!(
                    "  防护 buffer {}",
                    ds.iter()
                        .map(|d| format!("{d} m"))
                        .collect::<Vec<_>>()
                        .join(" / ")
                );
                lg.row(&text, move |a, (x0, y0, x1, y1)| {
                    let y = (y0 + y1) / 2;
                    a.draw(&DashedPathElement::new(
                        vec![(x0, y), (x1, y)],
                        14,
                        8,
                        c.stroke_width(3),
                    ))
                    .map_err(err("legend"))?;
                    Ok(())
                })?;
            }
        }
    }
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

fn in_box(p: Px, b: Bx) -> bool {
    p.0 >= b.0 && p.0 <= b.2 && p.1 >= b.1 && p.1 <= b.3
}

fn as_multipolygon(g: &Geometry<f64>) -> MultiPolygon<f64> {
    match g {
        Geometry::Polygon(p) => MultiPolygon(vec![p.clone()]),
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Rect(r) => MultiPolygon(vec![r.to_polygon()]),
        _ => MultiPolygon(vec![]),
    }
}

/// A point inside the largest polygon of a parcel, where its label goes.
fn label_point(mp: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    use geo::Area;
    let largest =
        mp.0.iter()
            .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))?;
    let c = largest.centroid()?;
    use geo::Contains;
    if largest.contains(&c) {
        Some(c.0)
    } else {
        largest.interior_point().map(|p| p.0)
    }
}

/// Where a sensitive area's name goes: inside its visible part.
fn sensitive_anchor(g: &Geometry<f64>, visible: &geo::Polygon<f64>) -> Option<Coord<f64>> {
    match g {
        Geometry::Point(p) => Some(p.0),
        Geometry::MultiPoint(m) => m.0.first().map(|p| p.0),
        other => label_point(&as_multipolygon(other).intersection(visible)),
    }
}

/// The largest font size in [min, max] at which `text` is at most `width` pixels wide (min if none).
fn fit_size<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    width: f64,
    min: f64,
    max: f64,
) -> Result<f64, RenderError> {
    let (w, _) = area
        .estimate_text_size(text, &bold(20.0))
        .map_err(err("map"))?;
    if w == 0 {
        return Ok(max);
    }
    Ok((20.0 * width / w as f64).clamp(min, max).floor())
}

/// A label fitted to `width` pixels: one line if it fits at `min` size or larger, else broken
/// into up to three lines (at spaces for Latin text, between any characters for Chinese).
fn wrap_label<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    width: f64,
    min: f64,
    max: f64,
) -> Result<(f64, Vec<String>), RenderError> {
    let (w_min, _) = area
        .estimate_text_size(text, &bold(min))
        .map_err(err("map"))?;
    let chars: Vec<char> = text.chars().collect();
    if (w_min as f64) <= width || chars.len() < 4 {
        return Ok((
            fit_size(area, text, width, min, max)?,
            vec![text.to_string()],
        ));
    }
    let n = ((w_min as f64 / width.max(1.0)).ceil() as usize).clamp(2, 3);
    let lines = split_even(text, n);
    let longest = lines
        .iter()
        .max_by_key(|l| l.chars().count())
        .cloned()
        .unwrap_or_default();
    // Wrapped labels stay smaller, so their box leaves the parcel's fill in view.
    Ok((fit_size(area, &longest, width, min, max.min(18.0))?, lines))
}

/// `text` in `n` lines of about equal length, breaking at spaces when it has them.
fn split_even(text: &str, n: usize) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() >= n {
        let total: usize = text.chars().count();
        let mut lines = vec![String::new()];
        for w in words {
            let cur = lines.last().map_or(0, |l| l.chars().count());
            if cur > 0 && cur + w.chars().count() / 2 >= total / n && lines.len() < n {
                lines.push(String::new());
            }
            let l = lines.last_mut().expect("one line at least");
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(w);
        }
        return lines;
    }
    let chars: Vec<char> = text.chars().collect();
    let per = chars.len().div_ceil(n);
    chars.chunks(per).map(|c| c.iter().collect()).collect()
}

/// Width and height of a block of lines as [`boxed_lines`] draws it.
fn measure_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    lines: &[String],
    style: &TextStyle,
) -> Result<(u32, u32), RenderError> {
    let mut w = 0;
    let mut line_h = 0;
    for l in lines {
        let (lw, lh) = area.estimate_text_size(l, style).map_err(err("map"))?;
        w = w.max(lw);
        line_h = line_h.max(lh);
    }
    Ok((w, (line_h + 2) * lines.len() as u32))
}

/// The box of a `w` x `h` block centred on `c`, with the margin the white box has.
fn centred_box(c: Px, w: u32, h: u32) -> Bx {
    let (w2, h2) = (w as i32 / 2 + 3, h as i32 / 2 + 2);
    (c.0 - w2, c.1 - h2, c.0 + w2, c.1 + h2)
}

fn overlap(a: Bx, b: Bx) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// `b` overlaps none of the boxes `taken`.
fn clear(taken: &[Bx], b: Bx) -> bool {
    !taken.iter().any(|t| overlap(*t, b))
}

/// Lines of text centred on `at` with one white box behind them; returns the block's height.
fn boxed_lines<DB: DrawingBackend>(
    area: &Area<DB>,
    lines: &[String],
    at: Px,
    style: &TextStyle,
    box_alpha: f64,
) -> Result<u32, RenderError> {
    let mut sizes = Vec::with_capacity(lines.len());
    for l in lines {
        sizes.push(area.estimate_text_size(l, style).map_err(err("map"))?);
    }
    let line_h = sizes.iter().map(|s| s.1).max().unwrap_or(0) as i32 + 2;
    let w = sizes.iter().map(|s| s.0).max().unwrap_or(0) as i32;
    let h = line_h * lines.len() as i32;
    let top = at.1 - h / 2;
    area.draw(&Rectangle::new(
        [(at.0 - w / 2 - 3, top - 2), (at.0 + w / 2 + 3, top + h + 2)],
        PAPER.mix(box_alpha).filled(),
    ))
    .map_err(err("map"))?;
    for (i, l) in lines.iter().enumerate() {
        let y = top + line_h * i as i32 + line_h / 2;
        area.draw(&Text::new(
            l.clone(),
            (at.0, y),
            style.pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(err("map"))?;
    }
    Ok(h as u32)
}

// ---------------------------------------------------------------------------------------------
// Relocation map

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
    let mbox = view.bx;

    // The park: its parcels in light grey and its outline (convex hull of every parcel).
    let parcels: Vec<MultiPolygon<f64>> = map
        .parcels
        .iter()
        .map(|p| frame.project_geometry(&p.geometry))
        .collect();
    let park_grey = RGBColor(200, 200, 200);
    for mp in &parcels {
        fill_polygon(area, &view, mp, park_grey.to_rgba(), MAP_BG.to_rgba())?;
    }
    let all: MultiPoint<f64> = parcels
        .iter()
        .flat_map(|mp| {
            mp.0.iter()
                .flat_map(|p| p.exterior().0.iter().map(|c| Point(*c)))
        })
        .collect();
    if !all.0.is_empty() {
        let hull = all.convex_hull();
        let hull = MultiPolygon(vec![hull]);
        outline(area, &view, &hull, INK.stroke_width(3), Some((18, 8)))?;
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
    }

    // Lines from sites to parcels, then the sites on top.
    let centroid: BTreeMap<&str, Coord<f64>> = map
        .parcels
        .iter()
        .zip(&parcels)
        .filter_map(|(p, mp)| Some((p.id.as_str(), label_point(mp)?)))
        .collect();
    let site_at: BTreeMap<&str, Coord<f64>> = map
        .sites
        .iter()
        .map(|s| (s.id.as_str(), frame.project(Coord { x: s.lon, y: s.lat })))
        .collect();
    let class_of: BTreeMap<&str, &str> = map
        .sites
        .iter()
        .map(|s| (s.id.as_str(), s.class.as_str()))
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
        let c = class_colour(
            class_of
                .get(l.enterprise_id.as_str())
                .copied()
                .unwrap_or(""),
        );
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
    let mut order: Vec<&Site> = map.sites.iter().collect();
    // Retained sites first, so the ones that move are drawn on top.
    order.sort_by_key(|s| (moves(&s.action), s.id.clone()));
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for s in &order {
        let at = view.px(site_at[s.id.as_str()]);
        let class = s.class.trim().to_ascii_uppercase();
        let class = if ["A", "B", "C", "D"].contains(&class.as_str()) {
            class
        } else {
            "-".to_string()
        };
        *counts.entry(class.clone()).or_default() += 1;
        let c = class_colour(&class);
        let r = if moves(&s.action) { 11 } else { 8 };
        area.draw(&Circle::new(at, r, c.filled()))
            .map_err(err("relocation map"))?;
        let edge = if moves(&s.action) {
            INK.stroke_width(3)
        } else {
            PAPER.stroke_width(2)
        };
        area.draw(&Circle::new(at, r, edge))
            .map_err(err("relocation map"))?;
    }
    // Names of the enterprises that move, skipping any that would overlap one already drawn.
    let mut taken: Vec<Bx> = Vec::new();
    for s in order
        .iter()
        .filter(|s| moves(&s.action) || linked.contains(s.id.as_str()))
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
        if b.2 > view.bx.2
            || taken
                .iter()
                .any(|t| t.0 < b.2 && b.0 < t.2 && t.1 < b.3 && b.1 < t.3)
        {
            continue;
        }
        taken.push(b);
        boxed_text(area, &text, ((b.0 + b.2) / 2, at.1), &st, 0.75)?;
    }

    area.draw(&Rectangle::new(
        [(mbox.0, mbox.1), (mbox.2, mbox.3)],
        INK.stroke_width(2),
    ))
    .map_err(err("relocation map"))?;
    scale_bar(area, &view)?;
    north_arrow(area, &view)?;

    let (lx, ly) = panel_at(area);
    let mut lg = Legend {
        area,
        x: lx,
        y: ly - 14,
    };
    lg.heading("亩均效益分类 Class")?;
    // With no site classed at all the map was drawn without a ranking: say so, not "not rated".
    let unranked = ["A", "B", "C", "D"]
        .iter()
        .all(|c| !counts.contains_key(*c));
    let other = if unranked {
        "未分类 no ranking given"
    } else {
        "未评价 not rated"
    };
    for (class, text) in [
        ("A", "A 优先支持 A"),
        ("B", "B 鼓励提升 B"),
        ("C", "C 整治提升 C"),
        ("D", "D 淘汰/搬迁 D"),
        ("-", other),
    ] {
        let n = counts.get(class).copied().unwrap_or(0);
        let c = class_colour(class);
        lg.row(&format!("{text} ({n})"), move |a, (x0, y0, x1, y1)| {
            a.draw(&Circle::new(((x0 + x1) / 2, (y0 + y1) / 2), 11, c.filled()))
                .map_err(err("legend"))?;
            Ok(())
        })?;
    }
    lg.heading("去向 Where they go")?;
    lg.row(
        "转型/搬迁 convert or relocate",
        |a, (x0, y0, x1, y1)| {
            let at = ((x0 + x1) / 2, (y0 + y1) / 2);
            a.draw(&Circle::new(at, 11, GREY.filled()))
                .map_err(err("legend"))?;
            a.draw(&Circle::new(at, 11, INK.stroke_width(3)))
                .map_err(err("legend"))?;
            Ok(())
        },
    )?;
    lg.row("已分配地块 assigned parcel", |a, (x0, y0, x1, y1)| {
        let y = (y0 + y1) / 2;
        a.draw(&PathElement::new(
            vec![(x0, y), (x1, y)],
            INK.stroke_width(3),
        ))
        .map_err(err("legend"))?;
        Ok(())
    })?;
    lg.row(
        "最佳备选 best option (unplaced)",
        |a, (x0, y0, x1, y1)| {
            let y = (y0 + y1) / 2;
            a.draw(&DashedPathElement::new(
                vec![(x0, y), (x1, y)],
                12,
                10,
                INK.stroke_width(3),
            ))
            .map_err(err("legend"))?;
            Ok(())
        },
    )?;
    lg.row("园区范围 park outline", |a, (x0, y0, x1, y1)| {
        a.draw(&Rectangle::new([(x0, y0), (x1, y1)], park_grey.filled()))
            .map_err(err("legend"))?;
        a.draw(&DashedPathElement::new(
            vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)],
            10,
            6,
            INK.stroke_width(3),
        ))
        .map_err(err("legend"))?;
        Ok(())
    })?;
    lg.y += 16;
    let movers = map.sites.iter().filter(|s| moves(&s.action)).count();
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

fn moves(action: &str) -> bool {
    matches!(
        action.trim().to_ascii_lowercase().as_str(),
        "convert" | "relocate"
    )
}

// ---------------------------------------------------------------------------------------------
// Files

/// Draw into an SVG document held in memory.
pub fn to_svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<SVGBackend>) -> Result<(), RenderError>,
) -> Result<String, RenderError> {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&area)?;
        area.present().map_err(err("SVG"))?;
    }
    Ok(svg)
}

/// Draw into a PNG file image held in memory (RGB, `size` pixels).
pub fn to_png(
    size: (u32, u32),
    draw: impl FnOnce(&Area<BitMapBackend>) -> Result<(), RenderError>,
) -> Result<Vec<u8>, RenderError> {
    let (w, h) = size;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let area = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        draw(&area)?;
        area.present().map_err(err("PNG"))?;
    }
    encode_png(&rgb, w, h)
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut wr = enc.write_header().map_err(err("PNG"))?;
    wr.write_image_data(rgb).map_err(err("PNG"))?;
    wr.finish().map_err(err("PNG"))?;
    Ok(out)
}

/// The park layout map as SVG text.
pub fn park_map_svg(map: &ParkMap) -> Result<String, RenderError> {
    to_svg(park_map_page(map), |a| draw_park_map(a, map))
}

/// The park layout map as PNG bytes.
pub fn park_map_png(map: &ParkMap) -> Result<Vec<u8>, RenderError> {
    to_png(park_map_page(map), |a| draw_park_map(a, map))
}

/// The relocation map as SVG text.
pub fn relocation_map_svg(map: &RelocationMap) -> Result<String, RenderError> {
    to_svg(relocation_map_page(map), |a| draw_relocation_map(a, map))
}

/// The relocation map as PNG bytes.
pub fn relocation_map_png(map: &RelocationMap) -> Result<Vec<u8>, RenderError> {
    to_png(relocation_map_page(map), |a| draw_relocation_map(a, map))
}

/// Draw `draw`'s SVG and PNG to `<dir>/<stem>.svg` and `.png`, atomically; returns the SVG text
/// (for the report).
pub fn write_svg_and_png(
    dir: &std::path::Path,
    stem: &str,
    svg: impl FnOnce() -> Result<String, RenderError>,
    png: impl FnOnce() -> Result<Vec<u8>, RenderError>,
) -> Result<String, crate::Error> {
    let text = svg()?;
    crate::io::write_atomic(&dir.join(format!("{stem}.svg")), |w| {
        w.write_all(text.as_bytes())
    })?;
    let bytes = png()?;
    crate::io::write_atomic(&dir.join(format!("{stem}.png")), |w| w.write_all(&bytes))?;
    Ok(text)
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
    fn short_names_keep_something() {
        assert_eq!(short_name("有限公司"), "有限公司");
        assert_eq!(short_name("温州"), "温州");
        assert_eq!(
            short_name(" 温州瓯江生物医药（温州）有限公司 "),
            "瓯江生物医药"
        );
    }

    #[test]
    fn view_keeps_metres_square() {
        let v = View::fit(Rect::new((0., 0.), (2000., 1000.)), (0, 0, 1000, 1000));
        let a = v.px(Coord { x: 0., y: 0. });
        let b = v.px(Coord { x: 1000., y: 0. });
        let c = v.px(Coord { x: 0., y: 1000. });
        assert_eq!(b.0 - a.0, a.1 - c.1);
    }
}
