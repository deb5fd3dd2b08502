//! Charts of the ranking stage: the score distribution by class, energy against emission
//! intensity by class (the ten worst burdens named), and the relocation ranking as bars.
//!
//! Each `draw_*` function draws on any plotters drawing area the caller gives (SVG, PNG, a
//! buffer); [`write_ranking_charts`] writes all three as SVG and PNG into a folder, each file
//! through a temporary name so nothing is left half-written. One chart a file: `scores`,
//! `intensity` and `relocation`; this file holds what they share and the file writers.

mod intensity;
mod relocation;
mod scores;

pub use intensity::draw_intensity_scatter;
pub use relocation::draw_relocation_bars;
pub use scores::draw_score_distribution;

use crate::error::Error;
use crate::evaluate::{Class, Ranking};
use crate::render::FAMILY;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::path::{Path, PathBuf};

/// Pixel size of the charts (SVG and PNG alike).
pub const SIZE: (u32, u32) = (1600, 1000);
/// Most bars in the relocation chart: the worst of the ranking.
pub const MAX_BARS: usize = 30;
/// Most points drawn in the scatter; larger populations are thinned evenly in rank order
/// (the named worst ten are always drawn) so an SVG stays a sensible size.
pub const MAX_POINTS: usize = 20_000;

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The chart every ranking chart draws into: numbers on both axes.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Fill colour of a class: A green, B blue, C orange, D red.
pub fn class_colour(c: Class) -> RGBColor {
    match c {
        Class::A => RGBColor(46, 139, 87),
        Class::B => RGBColor(66, 120, 190),
        Class::C => RGBColor(235, 150, 30),
        Class::D => RGBColor(205, 45, 45),
    }
}

/// Black text at `size` pixels.
fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

/// A chart's caption: what it shows and the rule set's version and hash.
fn title(ranking: &Ranking, what: &str) -> String {
    format!(
        "{what}  (rules {}, {})",
        ranking.rules_version,
        &ranking.rules_hash[..ranking.rules_hash.len().min(8)]
    )
}

/// A name cut to `max` characters, for labels.
fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let mut s: String = name.chars().take(max - 1).collect();
        s.push('…');
        s
    }
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

fn chart_error<E: std::error::Error + Send + Sync>(
    path: &Path,
    e: DrawingAreaErrorKind<E>,
) -> Error {
    Error::Other(format!("{}: cannot draw the chart: {e}", path.display()))
}

/// Draw one chart as SVG at `path` (written through a temporary file); returns the SVG text.
pub fn save_svg(
    path: &Path,
    draw: impl for<'a> Fn(&DrawingArea<SVGBackend<'a>, Shift>) -> DrawResult<SVGBackend<'a>>,
) -> Result<String, Error> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root).map_err(|e| chart_error(path, e))?;
    }
    crate::io::write_atomic(path, |w| w.write_all(svg.as_bytes()))?;
    Ok(svg)
}

/// Draw one chart as PNG at `path` (drawn into a temporary `.png` beside it, then renamed).
pub fn save_png(
    path: &Path,
    draw: impl for<'a> Fn(&DrawingArea<BitMapBackend<'a>, Shift>) -> DrawResult<BitMapBackend<'a>>,
) -> Result<(), Error> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::io::create_output_dir(dir)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{stem}.tmp-{}.png", std::process::id()));
    let result = (|| {
        let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        draw(&root).map_err(|e| chart_error(path, e))?;
        drop(root);
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A chart written as SVG and PNG, with its SVG text for pages that inline it.
#[derive(Debug, Clone)]
pub struct WrittenChart {
    /// File stem, e.g. `rank-scores`.
    pub name: &'static str,
    pub svg_path: PathBuf,
    pub png_path: PathBuf,
    pub svg: String,
}

/// Write the three ranking charts into `dir` as SVG and PNG: `rank-scores`, `rank-intensity`,
/// `rank-relocation`.
pub fn write_ranking_charts(ranking: &Ranking, dir: &Path) -> Result<Vec<WrittenChart>, Error> {
    let mut written = Vec::new();
    for name in ["rank-scores", "rank-intensity", "rank-relocation"] {
        let svg_path = dir.join(format!("{name}.svg"));
        let png_path = dir.join(format!("{name}.png"));
        // The drawing functions are generic over the backend, so each is named twice.
        let svg = match name {
            "rank-scores" => {
                save_png(&png_path, |a| draw_score_distribution(a, ranking))?;
                save_svg(&svg_path, |a| draw_score_distribution(a, ranking))?
            }
            "rank-intensity" => {
                save_png(&png_path, |a| draw_intensity_scatter(a, ranking))?;
                save_svg(&svg_path, |a| draw_intensity_scatter(a, ranking))?
            }
            _ => {
                save_png(&png_path, |a| draw_relocation_bars(a, ranking, MAX_BARS))?;
                save_svg(&svg_path, |a| draw_relocation_bars(a, ranking, MAX_BARS))?
            }
        };
        written.push(WrittenChart {
            name,
            svg_path,
            png_path,
            svg,
        });
    }
    Ok(written)
}
