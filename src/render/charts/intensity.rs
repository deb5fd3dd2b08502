//! The intensity scatter: energy against emissions per value added, one point per rated
//! enterprise by class, the benchmark intensities dashed. The first [`NUMBERED`] of the
//! relocation ranking carry their place in it (the numbers of the relocation chart), the
//! retained (class A or B) enterprises whose burden is at least that of the last numbered one
//! are starred and lettered, and a list beside the plot names both, with why the starred are
//! retained. Those with an infinite burden (no positive value added) cannot be plotted: they
//! keep their place in both lists, marked ∞.

use super::{
    DrawResult, MAX_POINTS, NUMBERED, Plot, class_colour, font, footnote, series_legend, short,
    title,
};
use crate::i18n::{Lang, fill, text};
use crate::rank::{Action, Class, Evaluation, Ranking};
use crate::render::pixel::{Bx, clear, overlap, within};
use crate::render::register_fonts;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A plotted enterprise: the evaluation, energy and emission intensity (kg), and its class.
type Plotted<'a> = (&'a Evaluation, f64, f64, Class);

/// Width of the list beside the plot.
const LIST_W: u32 = 520;

/// One entry of the list: its mark (a relocation number or a starred letter), the enterprise
/// and whether it is plotted.
struct Marked<'a> {
    mark: String,
    ev: &'a Evaluation,
    at: Option<(f64, f64)>,
}

/// Energy per value added against emissions per value added, one point per rated enterprise
/// coloured by class, the benchmark intensities dashed, the relocation ranking's first numbered
/// and the high-burden retained starred.
pub fn draw_intensity_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
    lang: Lang,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let (plot_area, list_area) = root.split_horizontally(w.saturating_sub(LIST_W));
    let pts = plotted(ranking);
    let unplotted = ranking.rated - pts.len();
    let (numbered, starred, cut) = marked(ranking);
    // An empty or all-zero axis still gets a readable 0..1 range.
    let axis_max = |v: f64| if v > 0.0 { v * 1.08 } else { 1.0 };
    let xmax = axis_max(pts.iter().map(|p| p.1).fold(0.0, f64::max));
    let ymax = axis_max(pts.iter().map(|p| p.2).fold(0.0, f64::max));
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(
            title(ranking, &text(lang, "chart.intensity_title"), lang),
            font(28),
        )
        .margin(30)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)?;
    chart
        .configure_mesh()
        .x_desc(text(lang, "chart.intensity_x"))
        .y_desc(text(lang, "chart.intensity_y"))
        .label_style(font(20))
        .axis_desc_style(font(22))
        .light_line_style(WHITE)
        .draw()?;
    let step = pts.len().div_ceil(MAX_POINTS).max(1);
    let keep: std::collections::BTreeSet<&str> = numbered
        .iter()
        .chain(&starred)
        .map(|m| m.ev.id.as_str())
        .collect();
    for class in Class::ALL {
        let colour = class_colour(class);
        let n = ranking.class_counts.get(&class).copied().unwrap_or(0);
        chart
            .draw_series(
                pts.iter()
                    .enumerate()
                    .filter(|(i, p)| {
                        p.3 == class && (i % step == 0 || keep.contains(p.0.id.as_str()))
                    })
                    .map(|(_, p)| Circle::new((p.1, p.2), 5, colour.mix(0.8).filled())),
            )?
            .label(format!("{class} ({n})"))
            .legend(move |(x, y)| Circle::new((x + 9, y), 7, colour.filled()));
    }
    draw_benchmarks(&plot_area, &mut chart, ranking, xmax, ymax, lang)?;
    series_legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    let all: Vec<&Marked> = numbered.iter().chain(&starred).collect();
    mark_points(&plot_area, &chart, &all)?;
    draw_list(&list_area, &numbered, &starred, cut, lang)?;
    let mut notes = Vec::new();
    let infinite = numbered
        .iter()
        .chain(&starred)
        .filter(|m| m.at.is_none())
        .count();
    if unplotted > infinite {
        notes.push(fill(
            lang,
            "chart.intensity_unrated",
            &[("n", &(unplotted - infinite).to_string())],
        ));
    }
    if step > 1 {
        notes.push(fill(
            lang,
            "chart.intensity_thinned",
            &[("n", &pts.len().to_string()), ("step", &step.to_string())],
        ));
    }
    if !notes.is_empty() {
        footnote(root, notes.join("; "))?;
    }
    root.present()
}

/// The rated enterprises with both intensities finite, in rank order. Emissions in kg per 10k
/// yuan: tonnes give unreadable 0.000x labels.
fn plotted(ranking: &Ranking) -> Vec<Plotted<'_>> {
    ranking
        .in_rank_order()
        .filter_map(|e| {
            let r = e.rated()?;
            let (x, y) = position(e)?;
            Some((e, x, y, r.class))
        })
        .collect()
}

/// Where an enterprise is plotted, when both intensities are finite.
fn position(e: &Evaluation) -> Option<(f64, f64)> {
    let x = e.intensity.energy_per_value_added?;
    let y = e.intensity.emissions_per_value_added? * 1000.0;
    (x.is_finite() && y.is_finite()).then_some((x, y))
}

/// The numbered (the relocation ranking's first [`NUMBERED`], by their place in it), the
/// starred (retained with a burden at least the last numbered one's, worst first, ties by id,
/// at most [`NUMBERED`]) and that burden.
fn marked(ranking: &Ranking) -> (Vec<Marked<'_>>, Vec<Marked<'_>>, Option<f64>) {
    let numbered: Vec<Marked> = ranking
        .relocation_order()
        .take(NUMBERED)
        .map(|e| Marked {
            mark: e
                .rated()
                .and_then(|r| r.relocation_rank)
                .unwrap_or(0)
                .to_string(),
            ev: e,
            at: position(e),
        })
        .collect();
    let cut = numbered
        .iter()
        .filter_map(|m| m.ev.intensity.burden)
        .reduce(f64::min);
    let Some(cut) = cut else {
        return (numbered, Vec::new(), None);
    };
    let mut retained: Vec<&Evaluation> = ranking
        .in_rank_order()
        .filter(|e| e.action() == Some(Action::Retain))
        .filter(|e| e.intensity.burden.is_some_and(|b| b >= cut))
        .collect();
    retained.sort_by(|a, b| {
        let (ba, bb) = (
            a.intensity.burden.unwrap_or(0.0),
            b.intensity.burden.unwrap_or(0.0),
        );
        bb.total_cmp(&ba).then_with(|| a.id.cmp(&b.id))
    });
    let starred = retained
        .into_iter()
        .take(NUMBERED)
        .enumerate()
        .map(|(k, e)| Marked {
            mark: format!("★{}", (b'a' + k as u8) as char),
            ev: e,
            at: position(e),
        })
        .collect();
    (numbered, starred, Some(cut))
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
    lang: Lang,
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
        let t = fill(
            lang,
            "chart.benchmark",
            &[("value", &format!("{bench_x:.2}"))],
        );
        boxed_text(root, &t, (bx + 6, by + 4))?;
    }
    if bench_y.is_finite() && bench_y < ymax {
        chart.draw_series(DashedLineSeries::new(
            [(0.0, bench_y), (xmax, bench_y)],
            8,
            6,
            dash,
        ))?;
        let t = fill(
            lang,
            "chart.benchmark",
            &[("value", &format!("{bench_y:.3}"))],
        );
        let (tw, th) = root.estimate_text_size(&t, &font(18))?;
        let (bx, by) = chart.backend_coord(&(xmax, bench_y));
        boxed_text(root, &t, (bx - tw as i32 - 8, by - th as i32 - 6))?;
    }
    Ok(())
}

/// Each plotted mark: a ring on its point and its number or letter near it, clear of the
/// other marks' labels, points and the legend corner, with a leader line.
fn mark_points<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    marks: &[&Marked],
) -> DrawResult<DB> {
    let plot = chart.plotting_area();
    let (px, py) = plot.get_pixel_range();
    let area: Bx = (px.start, py.start, px.end, py.end);
    let legend: Bx = (px.end - 200, py.start, px.end, py.start + 170);
    let mut placed: Vec<Bx> = vec![legend];
    let at: Vec<Option<(i32, i32)>> = marks
        .iter()
        .map(|m| m.at.map(|p| chart.backend_coord(&p)))
        .collect();
    let points: Vec<(i32, i32)> = at.iter().flatten().copied().collect();
    for (m, at) in marks.iter().zip(&at) {
        let Some((cx, cy)) = *at else { continue };
        let starred = m.mark.starts_with('★');
        let style = if starred {
            font(20).color(&RGBColor(150, 20, 30))
        } else {
            font(20)
        };
        let (tw, th) = root.estimate_text_size(&m.mark, &style)?;
        root.draw(&Circle::new((cx, cy), 7, BLACK.stroke_width(2)))?;
        let Some(b) = place_label((cx, cy), (tw as i32, th as i32), &points, area, &placed) else {
            continue;
        };
        placed.push(b);
        let anchor = (b.0.max(cx.min(b.2)), b.1.max(cy.min(b.3)));
        root.draw(&PathElement::new([anchor, (cx, cy)], BLACK.mix(0.6)))?;
        root.draw(&Rectangle::new(
            [(b.0, b.1), (b.2, b.3)],
            WHITE.mix(0.9).filled(),
        ))?;
        root.draw(&Text::new(m.mark.clone(), (b.0 + 3, b.1 + 2), style))?;
    }
    Ok(())
}

/// The list beside the plot: the numbered with their burden, then the starred with their
/// class and burden and why they are retained.
fn draw_list<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    numbered: &[Marked],
    starred: &[Marked],
    cut: Option<f64>,
    lang: Lang,
) -> DrawResult<DB> {
    let (w, _) = area.dim_in_pixel();
    let x = 10;
    let mut y = 70;
    let line = 26;
    let burden = |m: &Marked| match m.ev.intensity.burden {
        Some(b) if b.is_infinite() => "∞".to_string(),
        Some(b) => format!("{b:.2}"),
        None => "—".to_string(),
    };
    let wrap = |s: &str| crate::render::text::wrap(s, 16.0, w as i32 - 20);
    area.draw(&Text::new(
        fill(
            lang,
            "chart.worst_list",
            &[("n", &numbered.len().to_string())],
        ),
        (x, y),
        font(22),
    ))?;
    y += line + 6;
    for m in numbered {
        let row = format!(
            "{:>2}. {}  {}  {}",
            m.mark,
            short(&m.ev.name, 9),
            m.ev.id,
            burden(m)
        );
        area.draw(&Text::new(row, (x, y), font(18)))?;
        y += line;
    }
    if numbered.iter().any(|m| m.at.is_none()) {
        let list: Vec<String> = numbered
            .iter()
            .filter(|m| m.at.is_none())
            .map(|m| m.mark.clone())
            .collect();
        for l in wrap(&fill(
            lang,
            "chart.intensity_unplotted",
            &[("list", &list.join(", "))],
        )) {
            area.draw(&Text::new(l, (x, y), font(16).color(&RGBColor(90, 90, 90))))?;
            y += line - 4;
        }
    }
    let Some(cut) = cut.filter(|_| !starred.is_empty()) else {
        return Ok(());
    };
    y += line;
    area.draw(&Text::new(
        text(lang, "chart.retained_list"),
        (x, y),
        font(22).color(&RGBColor(150, 20, 30)),
    ))?;
    y += line + 6;
    let cut_text = if cut.is_infinite() {
        "∞".to_string()
    } else {
        format!("{cut:.2}")
    };
    let last = numbered.last().map_or(String::new(), |m| m.mark.clone());
    for l in wrap(&fill(
        lang,
        "chart.retained_rule",
        &[("n", &last), ("burden", &cut_text)],
    )) {
        area.draw(&Text::new(l, (x, y), font(16).color(&RGBColor(90, 90, 90))))?;
        y += line - 4;
    }
    for m in starred {
        let class = m.ev.class().map_or(String::new(), |c| c.to_string());
        let row = format!(
            "{} {}  {}  {}  {}",
            m.mark,
            short(&m.ev.name, 9),
            m.ev.id,
            class,
            burden(m)
        );
        area.draw(&Text::new(row, (x, y), font(18)))?;
        y += line;
    }
    let classes: std::collections::BTreeSet<String> = starred
        .iter()
        .filter_map(|m| m.ev.class())
        .map(|c| c.to_string())
        .collect();
    let classes: Vec<String> = classes.into_iter().collect();
    y += 6;
    for l in wrap(&fill(
        lang,
        "chart.retained_why",
        &[("classes", &classes.join("/"))],
    )) {
        area.draw(&Text::new(l, (x, y), font(16)))?;
        y += line - 4;
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
    for dist in [10, 24, 40, 70, 100, 140] {
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
                .all(|&(mx, my)| !overlap(b, (mx - 7, my - 7, mx + 7, my + 7)));
            if within(b, area) && clear_of_marks && clear(placed, b) {
                return Some(b);
            }
        }
    }
    None
}
