//! Charts of the ranking stage: the score distribution by class, energy against emission
//! intensity by class (the first ten of the relocation ranking numbered as in its chart, and
//! the retained enterprises with as high a burden starred, with why they are retained), and
//! the relocation ranking as bars. Names are the maps' short names ([`short_name`]); texts come
//! from the message catalogue in the language asked for; the class colours are the maps'.
//!
//! Each `draw_*` function draws on any plotters drawing area the caller gives (SVG, PNG, a
//! buffer); [`draw_ranking_charts`] draws all three as SVG and PNG in memory and
//! [`write_charts`] writes them into a folder, each file through a temporary name so nothing is
//! left half-written. One chart a file: `scores`,
//! `intensity` and `relocation`; this file holds what they share and the file writers.

mod intensity;
mod relocation;
mod scores;

pub use intensity::draw_intensity_scatter;
pub use relocation::draw_relocation_bars;
pub use scores::draw_score_distribution;

use crate::error::Error;
use crate::i18n::{Lang, fill};
use crate::rank::{Class, Ranking};
use crate::render::FAMILY;
use crate::render::RenderError;
use crate::render::Typeset;
use crate::render::map::short_name;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Pixel size of the charts (SVG and PNG alike).
pub const SIZE: (u32, u32) = (1600, 1000);
/// Enterprises numbered on the intensity chart: the first of the relocation ranking.
pub const NUMBERED: usize = 10;
/// Most bars in the relocation chart: the worst of the ranking.
pub const MAX_BARS: usize = 30;
/// Most points drawn in the scatter; larger populations are thinned evenly in rank order
/// (the named worst ten are always drawn) so an SVG stays a sensible size.
pub const MAX_POINTS: usize = 20_000;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The chart every ranking chart draws into: numbers on both axes.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Fill colour of a class, as on the relocation map (apart in grey too).
pub(crate) fn class_colour(c: Class) -> RGBColor {
    crate::render::palette::class_colour(Some(c))
}

/// Black text at `size` pixels.
fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// A chart's caption: what it shows and the rule set's version and hash.
fn title(ranking: &Ranking, what: &str, lang: Lang) -> String {
    let rules = fill(
        lang,
        "chart.rules",
        &[
            ("version", &ranking.rules_version),
            (
                "hash",
                &ranking.rules_hash[..ranking.rules_hash.len().min(8)],
            ),
        ],
    );
    format!("{what}  {rules}")
}

/// An enterprise's name on a chart: the maps' short name, cut to `max` characters.
fn short(name: &str, max: usize) -> String {
    let name = short_name(name);
    if name.chars().count() <= max {
        name
    } else {
        let mut s: String = name.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// A track's name in `lang`: its Chinese or English half of "中文 / English".
fn track_name(name: &str, lang: Lang) -> String {
    match name.split_once(" / ") {
        Some((zh, en)) => lang.pick(zh, en),
        None => name.to_string(),
    }
}

/// An action's name in `lang`.
fn action_name(a: crate::rank::Action, lang: Lang) -> String {
    crate::i18n::text(lang, &format!("chart.action_{}", a.as_str()))
}

/// The series legend (class swatches and counts) in one corner of the plot, alike on every chart.
fn series_legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Plot<'a, DB>,
    position: SeriesLabelPosition,
) -> DrawResult<DB> {
    chart
        .configure_series_labels()
        .position(position)
        .label_font(font(20))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
}

/// A note along the bottom edge of the chart.
fn footnote<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, text: String) -> DrawResult<DB> {
    let (_, h) = root.dim_in_pixel();
    root.draw(&Text::new(text, (30, h as i32 - 28), font(18)))
}

/// File stems of the three ranking charts, in the order they are drawn and listed.
pub const NAMES: [&str; 3] = ["rank-scores", "rank-intensity", "rank-relocation"];

/// A chart drawn in memory: its file stem, SVG text and PNG bytes.
#[derive(Debug, Clone)]
pub struct Chart {
    /// File stem, one of [`NAMES`].
    pub name: &'static str,
    pub svg: String,
    pub png: Vec<u8>,
}

fn chart_error<E: std::error::Error + Send + Sync>(
    name: &'static str,
) -> impl Fn(DrawingAreaErrorKind<E>) -> RenderError {
    move |e| RenderError {
        what: name,
        message: e.to_string(),
    }
}

/// Draw one chart as SVG text.
fn svg_of(
    name: &'static str,
    draw: impl for<'a> Fn(
        &DrawingArea<Typeset<SVGBackend<'a>>, Shift>,
    ) -> DrawResult<Typeset<SVGBackend<'a>>>,
) -> Result<String, RenderError> {
    let mut svg = String::new();
    {
        let root = Typeset::vector(SVGBackend::with_string(&mut svg, SIZE)).into_drawing_area();
        draw(&root).map_err(chart_error(name))?;
        root.present().map_err(chart_error(name))?;
    }
    Ok(svg)
}

/// Draw one chart as PNG bytes, encoded as plotters' file backend encodes them (the `image`
/// crate's PNG defaults: fast compression, adaptive filtering), so the bytes do not depend on
/// whether the chart went to a file or to memory.
fn png_of(
    name: &'static str,
    draw: impl for<'a> Fn(
        &DrawingArea<Typeset<BitMapBackend<'a>>, Shift>,
    ) -> DrawResult<Typeset<BitMapBackend<'a>>>,
) -> Result<Vec<u8>, RenderError> {
    let (w, h) = SIZE;
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = Typeset::raster(BitMapBackend::with_buffer(&mut rgb, SIZE)).into_drawing_area();
        draw(&root).map_err(chart_error(name))?;
        root.present().map_err(chart_error(name))?;
    }
    let png_error = |e: png::EncodingError| RenderError {
        what: name,
        message: e.to_string(),
    };
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, w, h);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::FilterType::Sub);
    enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
    let mut wr = enc.write_header().map_err(png_error)?;
    wr.write_image_data(&rgb).map_err(png_error)?;
    wr.finish().map_err(png_error)?;
    Ok(out)
}

/// Draw the three ranking charts ([`NAMES`]) as SVG and PNG, in memory, in Chinese.
pub fn draw_ranking_charts(ranking: &Ranking) -> Result<Vec<Chart>, RenderError> {
    draw_ranking_charts_in(ranking, Lang::default())
}

/// Draw the three ranking charts ([`NAMES`]) as SVG and PNG, in memory, in `lang`.
pub fn draw_ranking_charts_in(ranking: &Ranking, lang: Lang) -> Result<Vec<Chart>, RenderError> {
    crate::render::register_fonts();
    let mut out = Vec::new();
    for name in NAMES {
        // The drawing functions are generic over the backend, so each is named twice.
        let (svg, png) = match name {
            "rank-scores" => (
                svg_of(name, |a| draw_score_distribution(a, ranking, lang))?,
                png_of(name, |a| draw_score_distribution(a, ranking, lang))?,
            ),
            "rank-intensity" => (
                svg_of(name, |a| draw_intensity_scatter(a, ranking, lang))?,
                png_of(name, |a| draw_intensity_scatter(a, ranking, lang))?,
            ),
            _ => (
                svg_of(name, |a| draw_relocation_bars(a, ranking, MAX_BARS, lang))?,
                png_of(name, |a| draw_relocation_bars(a, ranking, MAX_BARS, lang))?,
            ),
        };
        out.push(Chart { name, svg, png });
    }
    Ok(out)
}

/// Write drawn charts into `dir` as `<name>.svg` and `<name>.png`, each atomically; returns
/// the paths written, SVG then PNG of each chart.
pub fn write_charts(dir: &Path, charts: &[Chart]) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for c in charts {
        let svg = dir.join(format!("{}.svg", c.name));
        crate::io::write_atomic(&svg, |w| w.write_all(c.svg.as_bytes()))?;
        let png = dir.join(format!("{}.png", c.name));
        crate::io::write_atomic(&png, |w| w.write_all(&c.png))?;
        written.extend([svg, png]);
    }
    Ok(written)
}
