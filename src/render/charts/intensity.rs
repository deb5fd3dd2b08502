//! The intensity scatter: energy against emissions per value added, one point per rated
//! enterprise by class, the benchmark intensities dashed and the ten worst burdens named with
//! labels placed clear of each other.

use super::{
    DrawResult, MAX_POINTS, Plot, class_colour, font, footnote, series_legend, short, title,
};
use crate::rank::{Class, Evaluation, Ranking};
use crate::render::pixel::{Bx, clear, overlap, within};
use crate::render::register_fonts;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A plotted enterprise: the evaluation, energy and emission intensity (kg), and its class.
type Plotted<'a> = (&'a Evaluation, f64, f64, Class);

/// Energy per value added against emissions per value added, one point per rated enterprise
/// coloured by class, the benchmark intensities dashed and the ten worst burdens named.
pub fn draw_intensity_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    let pts = plotted(ranking);
    let unplotted = ranking.rated - pts.len();
    let worst = worst_ten(&pts);
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
    draw_benchmarks(root, &mut chart, ranking, xmax, ymax)?;
    series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    name_worst(root, &chart, &pts, &worst)?;
    let mut note = "numbered: the ten worst burdens".to_string();
    if unplotted > 0 {
        note.push_str(&format!(
            "; {unplotted} rated without positive value added not shown"
        ));
    }
    if step > 1 {
        note.push_str(&format!("; every {step}th of {} points drawn", pts.len()));
    }
    footnote(root, note)?;
    root.present()
}

/// The rated enterprises with both intensities finite, in rank order. Emissions in kg per 10k
/// yuan: tonnes give unreadable 0.000x labels.
fn plotted(ranking: &Ranking) -> Vec<Plotted<'_>> {
    ranking
        .in_rank_order()
        .filter_map(|e| {
            let r = e.rated()?;
            let x = e.intensity.energy_per_value_added?;
            let y = e.intensity.emissions_per_value_added? * 1000.0;
            (x.is_finite() && y.is_finite()).then_some((e, x, y, r.class))
        })
        .collect()
}

/// Indices of the ten worst burdens among the plotted points, worst first, ties by id.
fn worst_ten(pts: &[Plotted]) -> Vec<usize> {
    let mut worst: Vec<usize> = (0..pts.len()).collect();
    let burden = |i: usize| pts[i].0.intensity.burden.unwrap_or(f64::NEG_INFINITY);
    worst.sort_by(|&a, &b| {
        burden(b)
            .total_cmp(&burden(a))
            .then_with(|| pts[a].0.id.cmp(&pts[b].0.id))
    });
    worst.truncate(10);
    worst
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

/// Benchmark intensities, where each burden term is 1: dashed lines across the plot, labelled.
fn draw_benchmarks<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Plot<'_, DB>,
    ranking: &Ranking,
    xmax: f64,
    ymax: f64,
) -> DrawResult<DB> {
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
    Ok(())
}

/// Name the worst ten: a label near each point, clear of placed labels, the legend corner and
/// the plot's edge (skipped where none fits), with a leader line from the label to the point.
fn name_worst<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    pts: &[Plotted],
    worst: &[usize],
) -> DrawResult<DB> {
    let plot = chart.plotting_area();
    let (px, py) = plot.get_pixel_range();
    let (qy0, qy1) = (py.start, py.end);
    let area: Bx = (px.start, qy0, px.end, qy1);
    let legend: Bx = (px.end - 200, qy0, px.end, qy0 + 170);
    let label_font = font(18);
    let mut placed: Vec<Bx> = vec![legend];
    let marks: Vec<(i32, i32)> = worst
        .iter()
        .map(|&i| chart.backend_coord(&(pts[i].1, pts[i].2)))
        .collect();
    for (k, &i) in worst.iter().enumerate() {
        let (cx, cy) = marks[k];
        let text = format!("{}. {}", k + 1, short(&pts[i].0.name, 12));
        let (tw, th) = root.estimate_text_size(&text, &label_font)?;
        let Some(b) = place_label((cx, cy), (tw as i32, th as i32), &marks, area, &placed) else {
            continue;
        };
        placed.push(b);
        let anchor = (b.0.max(cx.min(b.2)), b.1.max(cy.min(b.3)));
        root.draw(&PathElement::new([anchor, (cx, cy)], BLACK.mix(0.6)))?;
        root.draw(&Rectangle::new(
            [(b.0, b.1), (b.2, b.3)],
            WHITE.mix(0.85).filled(),
        ))?;
        root.draw(&Text::new(text, (b.0 + 3, b.1 + 2), label_font.clone()))?;
        root.draw(&Circle::new((cx, cy), 6, BLACK.stroke_width(2)))?;
    }
    Ok(())
}

/// The box of a `tw` x `th` label for the point at `(cx, cy)`: the first of eight directions at
/// growing distances that stays in `area` and clears every point and every `placed` box.
fn place_label(
    (cx, cy): (i32, i32),
    (tw, th): (i32, i32),
    marks: &[(i32, i32)],
    area: Bx,
    placed: &[Bx],
) -> Option<Bx> {
    for dist in [12, 40, 70, 100, 140, 190] {
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
            let b: Bx = (x0 - 3, y0 - 2, x0 + tw + 3, y0 + th + 2);
            let clear_of_marks = marks
                .iter()
                .all(|&(mx, my)| !overlap(b, (mx - 6, my - 6, mx + 6, my + 6)));
            if within(b, area) && clear_of_marks && clear(placed, b) {
                return Some(b);
            }
        }
    }
    None
}
