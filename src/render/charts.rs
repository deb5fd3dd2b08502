//! Charts of the ranking stage: the score distribution by class, energy against emission
//! intensity by class (the ten worst burdens named), and the relocation ranking as bars.
//!
//! Each `draw_*` function draws on any plotters drawing area the caller gives (SVG, PNG, a
//! buffer); [`write_ranking_charts`] writes all three as SVG and PNG into a folder, each file
//! through a temporary name so nothing is left half-written.

use crate::error::Error;
use crate::evaluate::{Class, Evaluation, Ranking};
use crate::render::{FAMILY, register_fonts};
use plotters::coord::Shift;
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

/// Fill colour of a class: A green, B blue, C orange, D red.
pub fn class_colour(c: Class) -> RGBColor {
    match c {
        Class::A => RGBColor(46, 139, 87),
        Class::B => RGBColor(66, 120, 190),
        Class::C => RGBColor(235, 150, 30),
        Class::D => RGBColor(205, 45, 45),
    }
}

fn font(size: u32) -> TextStyle<'static> {
    (FAMILY, size).into_font().color(&BLACK)
}

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

/// Histogram of scores, bars stacked by class, with the class boundary scores marked.
pub fn draw_score_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    let rated: Vec<(f64, Class)> = ranking
        .in_rank_order()
        .filter_map(|e| e.rated().map(|r| (r.score, r.class)))
        .collect();
    let max = rated.iter().map(|r| r.0).fold(0.0, f64::max);
    // Bins of 5 points (10 above 200), from 0 to just past the best score.
    let width = if max > 200.0 { 10.0 } else { 5.0 };
    let bins = ((max / width).floor() as usize + 1).max(1);
    let upper = bins as f64 * width;
    let mut counts = vec![[0usize; 4]; bins];
    for &(s, c) in &rated {
        let b = ((s / width).floor() as usize).min(bins - 1);
        counts[b][c as usize] += 1;
    }
    let ymax = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(
            title(ranking, "亩均效益得分分布 / score distribution by class"),
            font(30),
        )
        .margin(30)
        .x_label_area_size(70)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..upper, 0.0..(ymax as f64 * 1.15).ceil())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("得分 score (points)")
        .y_desc("企业数 enterprises")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .light_line_style(WHITE)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    for class in Class::ALL {
        let n = ranking.class_counts.get(&class).copied().unwrap_or(0);
        let colour = class_colour(class);
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c[class as usize] > 0)
                    .map(|(b, c)| {
                        let below: usize = c[..class as usize].iter().sum();
                        let x0 = b as f64 * width;
                        Rectangle::new(
                            [
                                (x0 + width * 0.05, below as f64),
                                (x0 + width * 0.95, (below + c[class as usize]) as f64),
                            ],
                            colour.filled(),
                        )
                    }),
            )?
            .label(format!("{class} ({n})"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], colour.filled()));
    }
    // Boundary scores: the last enterprise of A, B, C, labelled beside the line's top.
    for (i, class) in [Class::A, Class::B, Class::C].into_iter().enumerate() {
        if let Some(s) = ranking.boundaries.scores[i] {
            let style = ShapeStyle::from(&BLACK.mix(0.6)).stroke_width(2);
            let top = ymax as f64 * (1.12 - 0.04 * i as f64);
            chart.draw_series(DashedLineSeries::new([(s, 0.0), (s, top)], 8, 6, style))?;
            let (bx, by) = chart.backend_coord(&(s, top));
            let text = format!("{class} ≥ {s:.1}");
            let (tw, th) = root.estimate_text_size(&text, &font(18))?;
            root.draw(&Rectangle::new(
                [(bx + 4, by - 2), (bx + 10 + tw as i32, by + th as i32 + 2)],
                WHITE.filled(),
            ))?;
            root.draw(&Text::new(text, (bx + 7, by), font(18)))?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(font(20))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    let weeded = ranking
        .in_rank_order()
        .filter(|e| e.rated().is_some_and(|r| r.weed_out))
        .count();
    let mut notes = Vec::new();
    if weeded > 0 {
        notes.push(format!(
            "{weeded} D by the weed-out line (tax per mu) whatever the score"
        ));
    }
    if ranking.not_rated > 0 {
        notes.push(format!(
            "{} not rated (missing or zero inputs) not shown",
            ranking.not_rated
        ));
    }
    if !notes.is_empty() {
        let (_, h) = root.dim_in_pixel();
        root.draw(&Text::new(notes.join("; "), (30, h as i32 - 28), font(18)))?;
    }
    root.present()
}

/// Text on a white box at a pixel position (top left), readable over lines and points.
fn boxed_text<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    (x, y): (i32, i32),
) -> DrawResult<DB> {
    let (tw, th) = root.estimate_text_size(text, &font(18))?;
    root.draw(&Rectangle::new(
        [(x - 3, y - 2), (x + tw as i32 + 3, y + th as i32 + 2)],
        WHITE.mix(0.85).filled(),
    ))?;
    root.draw(&Text::new(text.to_string(), (x, y), font(18)))
}

/// Pixel rectangle of a label.
#[derive(Clone, Copy)]
struct Boxed {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Boxed {
    fn overlaps(&self, o: &Boxed) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
    fn inside(&self, area: &Boxed) -> bool {
        self.x0 >= area.x0 && self.x1 <= area.x1 && self.y0 >= area.y0 && self.y1 <= area.y1
    }
}

/// Energy per value added against emissions per value added, one point per rated enterprise
/// coloured by class, the benchmark intensities dashed and the ten worst burdens named.
pub fn draw_intensity_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    // Emissions in kg per 10k yuan: tonnes give unreadable 0.000x labels.
    let pts: Vec<(&Evaluation, f64, f64, Class)> = ranking
        .in_rank_order()
        .filter_map(|e| {
            let r = e.rated()?;
            let x = e.intensity.energy_per_value_added?;
            let y = e.intensity.emissions_per_value_added? * 1000.0;
            (x.is_finite() && y.is_finite()).then_some((e, x, y, r.class))
        })
        .collect();
    let unplotted = ranking.boundaries.rated - pts.len();
    // The ten worst burdens among the plotted points, worst first, ties by id.
    let mut worst: Vec<usize> = (0..pts.len()).collect();
    let burden = |i: usize| pts[i].0.intensity.burden.unwrap_or(f64::NEG_INFINITY);
    worst.sort_by(|&a, &b| {
        burden(b)
            .total_cmp(&burden(a))
            .then_with(|| pts[a].0.id.cmp(&pts[b].0.id))
    });
    worst.truncate(10);
    // An empty or all-zero axis still gets a readable 0..1 range.
    let axis_max = |v: f64| if v > 0.0 { v * 1.08 } else { 1.0 };
    let xmax = axis_max(pts.iter().map(|p| p.1).fold(0.0, f64::max));
    let ymax = axis_max(pts.iter().map(|p| p.2).fold(0.0, f64::max));
    let mut chart = ChartBuilder::on(root)
        .caption(
            title(ranking, "能耗与排放强度 / energy and emission intensity"),
            font(30),
        )
        .margin(30)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)?;
    chart
        .configure_mesh()
        .x_desc("单位增加值能耗 energy per value added (tce / 10k yuan)")
        .y_desc("单位增加值排放 emissions per value added (kg / 10k yuan)")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .light_line_style(WHITE)
        .draw()?;
    let step = pts.len().div_ceil(MAX_POINTS).max(1);
    for class in Class::ALL {
        let colour = class_colour(class);
        let n = ranking.class_counts.get(&class).copied().unwrap_or(0);
        chart
            .draw_series(
                pts.iter()
                    .enumerate()
                    .filter(|(i, p)| p.3 == class && (i % step == 0 || worst.contains(i)))
                    .map(|(_, p)| Circle::new((p.1, p.2), 5, colour.mix(0.75).filled())),
            )?
            .label(format!("{class} ({n})"))
            .legend(move |(x, y)| Circle::new((x + 9, y), 7, colour.filled()));
    }
    // Benchmark intensities: where each burden term is 1.
    let dash = ShapeStyle::from(&BLACK.mix(0.5)).stroke_width(2);
    let bench_x = ranking.burden_coefficients.0.recip();
    let bench_y = ranking.burden_coefficients.1.recip() * 1000.0;
    if bench_x.is_finite() && bench_x < xmax {
        chart.draw_series(DashedLineSeries::new(
            [(bench_x, 0.0), (bench_x, ymax)],
            8,
            6,
            dash,
        ))?;
        let (bx, by) = chart.backend_coord(&(bench_x, ymax));
        boxed_text(root, &format!("benchmark {bench_x:.2}"), (bx + 6, by + 4))?;
    }
    if bench_y.is_finite() && bench_y < ymax {
        chart.draw_series(DashedLineSeries::new(
            [(0.0, bench_y), (xmax, bench_y)],
            8,
            6,
            dash,
        ))?;
        let text = format!("benchmark {bench_y:.3}");
        let (tw, th) = root.estimate_text_size(&text, &font(18))?;
        let (bx, by) = chart.backend_coord(&(xmax, bench_y));
        boxed_text(root, &text, (bx - tw as i32 - 8, by - th as i32 - 6))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .label_font(font(20))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;

    // Name the worst ten: try positions around each point, skip any that overlap a placed label,
    // the legend corner or the plot's edge; draw a leader line from the label to the point.
    let plot = chart.plotting_area();
    let (px, py) = plot.get_pixel_range();
    let (qy0, qy1) = (py.start, py.end);
    let area = Boxed {
        x0: px.start,
        y0: qy0,
        x1: px.end,
        y1: qy1,
    };
    let legend = Boxed {
        x0: px.end - 200,
        y0: qy0,
        x1: px.end,
        y1: qy0 + 170,
    };
    let label_font = font(18);
    let mut placed: Vec<Boxed> = vec![legend];
    let marks: Vec<(i32, i32)> = worst
        .iter()
        .map(|&i| chart.backend_coord(&(pts[i].1, pts[i].2)))
        .collect();
    for (k, &i) in worst.iter().enumerate() {
        let (cx, cy) = marks[k];
        let text = format!("{}. {}", k + 1, short(&pts[i].0.name, 12));
        let (tw, th) = root.estimate_text_size(&text, &label_font)?;
        let (tw, th) = (tw as i32, th as i32);
        let mut chosen = None;
        'search: for dist in [12, 40, 70, 100, 140, 190] {
            for (dx, dy) in [
                (1, 0),
                (-1, 0),
                (1, -1),
                (-1, -1),
                (1, 1),
                (-1, 1),
                (0, -1),
                (0, 1),
            ] {
                let x0 = match dx {
                    1 => cx + dist,
                    -1 => cx - dist - tw,
                    _ => cx - tw / 2,
                };
                let y0 = match dy {
                    -1 => cy - dist - th,
                    1 => cy + dist,
                    _ => cy - th / 2,
                };
                let b = Boxed {
                    x0: x0 - 3,
                    y0: y0 - 2,
                    x1: x0 + tw + 3,
                    y1: y0 + th + 2,
                };
                let clear_of_marks = marks.iter().all(|&(mx, my)| {
                    !b.overlaps(&Boxed {
                        x0: mx - 6,
                        y0: my - 6,
                        x1: mx + 6,
                        y1: my + 6,
                    })
                });
                if b.inside(&area) && clear_of_marks && placed.iter().all(|p| !p.overlaps(&b)) {
                    chosen = Some(b);
                    break 'search;
                }
            }
        }
        let Some(b) = chosen else { continue };
        placed.push(b);
        let anchor = (b.x0.max(cx.min(b.x1)), b.y0.max(cy.min(b.y1)));
        root.draw(&PathElement::new([anchor, (cx, cy)], BLACK.mix(0.6)))?;
        root.draw(&Rectangle::new(
            [(b.x0, b.y0), (b.x1, b.y1)],
            WHITE.mix(0.85).filled(),
        ))?;
        root.draw(&Text::new(text, (b.x0 + 3, b.y0 + 2), label_font.clone()))?;
        root.draw(&Circle::new((cx, cy), 6, BLACK.stroke_width(2)))?;
    }
    let (w, h) = root.dim_in_pixel();
    let mut note = "numbered: the ten worst burdens".to_string();
    if unplotted > 0 {
        note.push_str(&format!(
            "; {unplotted} rated without positive value added not shown"
        ));
    }
    if step > 1 {
        note.push_str(&format!("; every {step}th of {} points drawn", pts.len()));
    }
    root.draw(&Text::new(note, (30, h as i32 - 28), font(18)))?;
    let _ = w;
    root.present()
}

/// The relocation ranking (C and D by burden, worst first) as horizontal bars, at most `max_bars`.
pub fn draw_relocation_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
    max_bars: usize,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    let rows: Vec<&Evaluation> = ranking.relocation_order().take(max_bars).collect();
    let n = rows.len().max(1);
    let finite_max = rows
        .iter()
        .filter_map(|e| e.intensity.burden)
        .filter(|b| b.is_finite())
        .fold(0.0, f64::max);
    let xmax = if finite_max > 0.0 {
        finite_max * 1.25
    } else {
        1.0
    };
    let label_font = font(18);
    let labels: Vec<String> = rows
        .iter()
        .map(|e| {
            format!(
                "{}. {} ({})",
                e.rated().and_then(|r| r.relocation_rank).unwrap_or(0),
                short(&e.name, 14),
                e.id
            )
        })
        .collect();
    let mut label_w = 100;
    for l in &labels {
        label_w = label_w.max(root.estimate_text_size(l, &label_font)?.0 + 20);
    }
    let heading = if ranking.relocation.len() > rows.len() {
        format!(
            "搬迁排序 / relocation ranking, worst {} of {}",
            rows.len(),
            ranking.relocation.len()
        )
    } else {
        "搬迁排序 / relocation ranking (classes C and D)".to_string()
    };
    let mut chart = ChartBuilder::on(root)
        .caption(title(ranking, &heading), font(30))
        .margin(30)
        .x_label_area_size(70)
        .y_label_area_size(label_w)
        .build_cartesian_2d(0.0..xmax, 0.0..n as f64)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .light_line_style(WHITE)
        .x_desc("能耗排放负担 burden (1 = benchmark intensity per term)")
        .label_style(font(20))
        .axis_desc_style(font(22))
        .draw()?;
    for class in [Class::C, Class::D] {
        let colour = class_colour(class);
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .filter(|(_, e)| e.class() == Some(class))
                    .map(|(i, e)| {
                        let y = (n - 1 - i) as f64;
                        let b = e.intensity.burden.map_or(0.0, |b| b.min(xmax));
                        Rectangle::new([(0.0, y + 0.15), (b, y + 0.85)], colour.filled())
                    }),
            )?
            .label(format!("{class}"))
            .legend(move |(x, y)| Rectangle::new([(x, y - 8), (x + 18, y + 8)], colour.filled()));
    }
    let bar_font = font(16);
    for (i, e) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64 + 0.5;
        let burden = e.intensity.burden.unwrap_or(0.0);
        let (value, x) = if burden.is_infinite() {
            ("∞ no value added".to_string(), xmax * 0.80)
        } else {
            (format!("{burden:.2}"), burden)
        };
        let action = e.action().map_or("", |a| a.as_str());
        let (bx, by) = chart.backend_coord(&(x, y));
        root.draw(&Text::new(
            format!("{value}  {action}"),
            (bx + 6, by),
            bar_font.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))?;
        let (lx, ly) = chart.backend_coord(&(0.0, y));
        root.draw(&Text::new(
            labels[i].clone(),
            (lx - 10, ly),
            label_font.pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Right,
                plotters::style::text_anchor::VPos::Center,
            )),
        ))?;
    }
    if rows.is_empty() {
        let (w, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            "no enterprise in class C or D",
            (w as i32 / 2 - 150, h as i32 / 2),
            font(24),
        ))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(font(20))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()?;
    root.present()
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
