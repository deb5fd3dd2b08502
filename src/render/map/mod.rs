//! Park layout and relocation maps, drawn with plotters to SVG and PNG.
//!
//! Both maps take plain input types ([`ParkMap`], [`RelocationMap`]) that the pipeline fills
//! from the stages' outputs, so drawing depends on no stage. Geometry is projected into the
//! local transverse Mercator frame ([`LocalFrame`](crate::frame::LocalFrame)) before drawing: a
//! metre east and a metre north are the same length on the page, and buffers are computed in
//! metres (geo's `Buffer` is planar). A page is [`PAGE_HEIGHT`] pixels high and at least
//! [`MIN_PAGE_WIDTH`] wide, wider for a wide park (print resolution for A3 at about 200 dpi); the
//! legend sits in a side panel so it never covers the map.
//!
//! This file holds the input types, [`short_name`] and the SVG/PNG entry points. The drawing
//! is split by concern: `park` and `relocation` draw the two maps step by step; `page` sizes
//! the page and maps metres to pixels (header, scale bar, north arrow); `shapes` fills,
//! outlines and hatches polygons; `labels` places and fits text; `legend` draws the side panel;
//! `style` holds the colours, names and fonts.

mod context;
mod labels;
mod legend;
mod page;
mod park;
mod relocation;
mod shapes;
pub(crate) mod style;

pub use page::{MAX_PAGE_WIDTH, MIN_PAGE_WIDTH, PAGE_HEIGHT};
pub use park::{draw_park_map, park_map_page, park_map_shapes};
pub use relocation::{draw_relocation_map, relocation_map_page, relocation_map_shapes};

use crate::model::{ContextLayer, Parcel, SensitiveArea};
use crate::rank::{Action, Class};
use crate::rules::allocation::AllocationRules;
use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, IntoDrawingArea, SVGBackend};
use std::collections::BTreeMap;

pub use crate::render::RenderError;

/// A drawing error from plotters, named after the map being drawn.
fn err<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> RenderError {
    move |e| RenderError {
        what,
        message: e.to_string(),
    }
}

/// The drawing area every map drawer takes, on any plotters backend.
type Area<DB> = DrawingArea<DB, Shift>;

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
    /// Context layers drawn under everything (boundaries, roads, water, coastline).
    pub context: &'a [ContextLayer],
}

/// An urban enterprise at its current site.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Its per-mu class, drawn in the class colour (grey when not rated or not ranked).
    pub class: SiteClass,
    /// Its proposed action; `convert` and `relocate` sites are drawn larger and named.
    pub action: Option<Action>,
}

/// Where a site stands in the per-mu evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteClass {
    /// The map was drawn without a ranking.
    Unranked,
    /// The ranking could not rate it (missing or zero inputs).
    NotRated,
    Rated(Class),
}

impl SiteClass {
    /// The class, when rated.
    pub fn class(self) -> Option<Class> {
        match self {
            SiteClass::Rated(c) => Some(c),
            _ => None,
        }
    }
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
    /// Context layers drawn under everything.
    pub context: &'a [ContextLayer],
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
// Files

/// Draw into an SVG document held in memory.
pub(crate) fn to_svg(
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
pub(crate) fn to_png(
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

/// RGB pixels as PNG bytes (8-bit, fast compression).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_keep_something() {
        assert_eq!(short_name("有限公司"), "有限公司");
        assert_eq!(short_name("温州"), "温州");
        assert_eq!(
            short_name(" 温州瓯江生物医药（温州）有限公司 "),
            "瓯江生物医药"
        );
    }
}
