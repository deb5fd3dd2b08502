//! Park layout and relocation maps, drawn with plotters to SVG and PNG, for print.
//!
//! Both maps take plain input types ([`ParkMap`], [`RelocationMap`]) that the pipeline fills
//! from the stages' outputs, so drawing depends on no stage. Each is drawn for a [`Sheet`]: a
//! paper size (A4, A3 or A2 landscape at 300 dpi; see [`crate::render::Paper`]), a language
//! and the header texts. Text sizes are in points on that sheet (labels at least 6 pt), the map
//! is drawn at a round ratio scale (1:N, printed beside the scale bar), and the SVG states the
//! sheet's size in millimetres, so both print true to scale. Geometry is projected into the
//! local transverse Mercator frame ([`LocalFrame`](crate::frame::LocalFrame)) before drawing: a
//! metre east and a metre north are the same length on the page, and buffers are computed in
//! metres (geo's `Buffer` is planar).
//!
//! This file holds the input types, [`short_name`] and the SVG/PNG entry points. The drawing
//! is split by concern: `park` and `relocation` draw the two maps step by step, `overview`
//! the park map above [`OVERVIEW_ABOVE`] parcels (into a `raster`); `page` lays out the sheet
//! and maps metres to pixels (header, scale bar, north arrow); `shapes` fills, outlines and
//! hatches polygons; `labels` places text clear of other text; `key` is the table of numbered
//! parcels; `legend` draws the side panel and `inset` the locator; `style` holds text sizes
//! and names; the colours are in [`crate::render::palette`].

mod blocks;
mod context;
mod inset;
mod key;
mod labels;
mod legend;
mod overview;
mod page;
mod park;
mod raster;
mod relocation;
mod shapes;
pub(crate) mod style;

pub use park::{OVERVIEW_ABOVE, draw_park_map, park_map_shapes};
pub use relocation::{draw_relocation_map, relocation_map_shapes};

use crate::frame::LocalFrame;
use crate::i18n::Lang;
use crate::model::{ContextLayer, Parcel, SensitiveArea};
use crate::rank::{Action, Class};
use crate::render::Paper;
use crate::render::text::Typeset;
use crate::rules::allocation::AllocationRules;
use geo::{BoundingRect, Coord, Rect};
use plotters::coord::Shift;
use plotters::prelude::{BitMapBackend, DrawingArea, IntoDrawingArea, SVGBackend};
use std::collections::BTreeMap;
use std::sync::OnceLock;

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

/// The sheet a map is printed on and what its header says.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub paper: Paper,
    /// The language of every text the map draws itself (names and ids are as given).
    pub lang: Lang,
    /// e.g. "灵昆高新园区 地块布局图".
    pub title: String,
    /// The issuing office and the date, e.g. "编制单位：… · 日期：2026-11-26".
    pub subtitle: String,
    /// Scenario and rule set with its hash, in small print.
    pub source: String,
    /// The park's name, written at the park's outline on the relocation map.
    pub park: String,
}

impl Sheet {
    /// A sheet of `paper` in `lang` with only a title.
    pub fn new(paper: Paper, lang: Lang, title: &str) -> Sheet {
        Sheet {
            paper,
            lang,
            title: title.to_string(),
            subtitle: String::new(),
            source: String::new(),
            park: String::new(),
        }
    }
}

/// Everything the park layout map draws.
#[derive(Debug, Clone)]
pub struct ParkMap<'a> {
    pub sheet: Sheet,
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
    /// Above this many parcels the map is an overview (no labels); [`OVERVIEW_ABOVE`] by default.
    pub overview_above: usize,
    /// A difference map (`plan --compare`): the parcels that change, drawn in the colour of
    /// their change, the rest pale (none may change); `None` for the park layout map.
    pub changes: Option<Changes>,
}

/// How a parcel changes between two plans, on a difference map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParcelDiff {
    /// Free in the base plan, in use in the other.
    Placed,
    /// In use in the base plan, free in the other.
    Freed,
    /// In use in both, by another enterprise.
    Changed,
}

/// Parcel id -> how it changes.
pub type Changes = BTreeMap<String, ParcelDiff>;

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
    pub sheet: Sheet,
    pub sites: Vec<Site>,
    pub links: Vec<Link>,
    /// The park's parcels, drawn as its outline.
    pub parcels: &'a [Parcel],
    /// Context layers drawn under everything.
    pub context: &'a [ContextLayer],
    /// `links` hold every moving enterprise's parcel or best option (a plan's, not a
    /// `map --assignments` file's): a mover without a link has no park option, and the map
    /// crosses and lists it.
    pub options_known: bool,
    /// Above this many parcels the park is drawn as an overview; [`OVERVIEW_ABOVE`] by default.
    pub overview_above: usize,
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

/// How names are shortened and broken: `assets/map-names.toml`, compiled in.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NameRules {
    regions: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    trades: Vec<String>,
}

fn name_rules() -> &'static NameRules {
    static RULES: OnceLock<NameRules> = OnceLock::new();
    RULES.get_or_init(|| {
        // Compiled in and parsed by a test: a failure here is a build defect.
        toml::from_str(include_str!("../../../assets/map-names.toml"))
            .unwrap_or_else(|e| panic!("assets/map-names.toml: {e}"))
    })
}

/// An enterprise's name as a map label: bracketed regions, place-name prefixes and
/// legal-form suffixes trimmed (`assets/map-names.toml`). Falls back to the full name if
/// nothing is left.
///
/// ```
/// use parkplan::render::map::short_name;
/// assert_eq!(short_name("温州市瓯华电子科技有限公司"), "瓯华电子科技");
/// assert_eq!(short_name("浙江龙湾精密机械股份有限公司"), "精密机械");
/// assert_eq!(short_name("Acme Photonics Co., Ltd."), "Acme Photonics");
/// ```
pub fn short_name(name: &str) -> String {
    let rules = name_rules();
    let mut s = name.trim().to_string();
    for region in &rules.regions {
        s = s.replace(region.as_str(), "");
    }
    let mut changed = true;
    while changed {
        changed = false;
        for p in &rules.prefixes {
            if let Some(rest) = s.strip_prefix(p.as_str())
                && !rest.is_empty()
            {
                s = rest.to_string();
                changed = true;
            }
        }
        for suf in &rules.suffixes {
            // A name that is only a legal form ("有限公司") is kept whole, not cut to "有限".
            if rules.suffixes.iter().any(|x| x.trim() == s.trim()) {
                break;
            }
            if let Some(rest) = s.strip_suffix(suf.as_str())
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

/// A short name in two lines of whole words: Latin text at the space nearest the middle, a
/// Chinese name before the longest trade word it ends with (`assets/map-names.toml`) that
/// leaves two characters or more in front; `None` when it has no such break.
///
/// ```
/// use parkplan::render::map::split_name;
/// assert_eq!(split_name("蒲州恒昆塑业"), Some(("蒲州恒昆".into(), "塑业".into())));
/// assert_eq!(split_name("瓯华电子科技"), Some(("瓯华".into(), "电子科技".into())));
/// assert_eq!(split_name("Acme Photonics Works"), Some(("Acme Photonics".into(), "Works".into())));
/// assert_eq!(split_name("瓯华"), None);
/// ```
pub fn split_name(name: &str) -> Option<(String, String)> {
    let name = name.trim();
    if name.contains(' ') {
        let half = name.chars().count() / 2;
        let (at, _) = name
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .min_by_key(|(i, _)| name[..*i].chars().count().abs_diff(half))?;
        return Some((name[..at].trim().to_string(), name[at..].trim().to_string()));
    }
    let trade = name_rules()
        .trades
        .iter()
        .filter(|t| name.ends_with(t.as_str()) && name[..name.len() - t.len()].chars().count() >= 2)
        .max_by_key(|t| t.chars().count())?;
    let cut = name.len() - trade.len();
    Some((name[..cut].to_string(), trade.to_string()))
}

/// The extent in `frame`'s metres of a lon/lat box (its edges sampled, since a transverse
/// Mercator grid curves them).
fn projected_extent(frame: &LocalFrame, bounds: Rect<f64>) -> Option<Rect<f64>> {
    let (a, b) = (bounds.min(), bounds.max());
    let steps = 16;
    let pts: Vec<Coord<f64>> = (0..=steps)
        .flat_map(|i| {
            let t = i as f64 / steps as f64;
            let (x, y) = (a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            [(x, a.y), (x, b.y), (a.x, y), (b.x, y)]
        })
        .map(|(x, y)| frame.project(Coord { x, y }))
        .collect();
    geo::MultiPoint::from(pts).bounding_rect()
}

// ---------------------------------------------------------------------------------------------
// Files

/// Draw into an SVG document held in memory, its size stated in millimetres of `paper` (the
/// drawing in the sheet's 300-dpi pixels), so it prints true to scale.
pub(crate) fn to_svg(
    paper: Option<Paper>,
    size: (u32, u32),
    draw: impl FnOnce(&Area<Typeset<SVGBackend>>) -> Result<(), RenderError>,
) -> Result<String, RenderError> {
    let mut svg = String::new();
    {
        let area = Typeset::vector(SVGBackend::with_string(&mut svg, size)).into_drawing_area();
        draw(&area)?;
        area.present().map_err(err("SVG"))?;
    }
    // plotters writes an embedded raster as `data:png;base64,`, which is no MIME type: browsers
    // and QGIS want `image/png`.
    if svg.contains("href=\"data:png;base64,") {
        svg = svg.replace("href=\"data:png;base64,", "href=\"data:image/png;base64,");
    }
    if let Some(paper) = paper {
        let (w, h) = paper.mm();
        let from = format!("width=\"{}\" height=\"{}\"", size.0, size.1);
        if let Some(at) = svg.find(&from).filter(|at| *at < 200) {
            svg.replace_range(
                at..at + from.len(),
                &format!("width=\"{w}mm\" height=\"{h}mm\""),
            );
        }
    }
    Ok(svg)
}

/// Draw into a PNG file image held in memory (RGB, `size` pixels), its resolution recorded.
pub(crate) fn to_png(
    size: (u32, u32),
    draw: impl FnOnce(&Area<Typeset<BitMapBackend>>) -> Result<(), RenderError>,
) -> Result<Vec<u8>, RenderError> {
    let (w, h) = size;
    let mut rgb = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let area = Typeset::raster(BitMapBackend::with_buffer(&mut rgb, size)).into_drawing_area();
        draw(&area)?;
        area.present().map_err(err("PNG"))?;
    }
    encode_png(&rgb, w, h)
}

/// RGB pixels as PNG bytes (8-bit, fast compression, 300 dpi in the pHYs chunk).
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let per_metre = (crate::render::paper::DPI / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut wr = enc.write_header().map_err(err("PNG"))?;
    wr.write_image_data(rgb).map_err(err("PNG"))?;
    wr.finish().map_err(err("PNG"))?;
    Ok(out)
}

/// The park layout map as SVG text.
pub fn park_map_svg(map: &ParkMap) -> Result<String, RenderError> {
    let paper = map.sheet.paper;
    to_svg(Some(paper), paper.pixels(), |a| draw_park_map(a, map))
}

/// The park layout map as PNG bytes.
pub fn park_map_png(map: &ParkMap) -> Result<Vec<u8>, RenderError> {
    to_png(map.sheet.paper.pixels(), |a| draw_park_map(a, map))
}

/// The relocation map as SVG text.
pub fn relocation_map_svg(map: &RelocationMap) -> Result<String, RenderError> {
    let paper = map.sheet.paper;
    to_svg(Some(paper), paper.pixels(), |a| draw_relocation_map(a, map))
}

/// The relocation map as PNG bytes.
pub fn relocation_map_png(map: &RelocationMap) -> Result<Vec<u8>, RenderError> {
    to_png(map.sheet.paper.pixels(), |a| draw_relocation_map(a, map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_rules_parse() {
        assert!(!name_rules().trades.is_empty());
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
}
