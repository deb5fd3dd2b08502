//! The relocation ranking chart: classes C and D by burden, worst first, as horizontal bars
//! labelled with the enterprise, its burden and its action.

use super::{DrawResult, Plot, class_colour, font, series_legend, short, title};
use crate::rank::{Class, Evaluation, Ranking};
use crate::render::register_fonts;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

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
    let labels = bar_labels(&rows);
    let mut label_w = 100;
    for l in &labels {
        label_w = label_w.max(root.estimate_text_size(l, &font(18))?.0 + 20);
    }
    let mut chart = ChartBuilder::on(root)
        .caption(title(ranking, &heading(ranking, rows.len())), font(30))
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
    draw_bar_texts(root, &chart, ranking, &rows, &labels, xmax)?;
    if rows.is_empty() {
        let (w, h) = root.dim_in_pixel();
        root.draw(&Text::new(
            "no enterprise in class C or D",
            (w as i32 / 2 - 150, h as i32 / 2),
            font(24),
        ))?;
    }
    series_legend(&mut chart, SeriesLabelPosition::LowerRight)?;
    root.present()
}

/// Each bar's label left of the axis: "rank. short name (id)".
fn bar_labels(rows: &[&Evaluation]) -> Vec<String> {
    rows.iter()
        .map(|e| {
            format!(
                "{}. {} ({})",
                e.rated().and_then(|r| r.relocation_rank).unwrap_or(0),
                short(&e.name, 14),
                e.id
            )
        })
        .collect()
}

/// The chart's heading, saying when only the worst of a longer ranking are shown.
fn heading(ranking: &Ranking, shown: usize) -> String {
    if ranking.relocation.len() > shown {
        format!(
            "搬迁排序 / relocation ranking, worst {} of {}",
            shown,
            ranking.relocation.len()
        )
    } else {
        "搬迁排序 / relocation ranking (classes C and D)".to_string()
    }
}

/// Per bar: its burden, action and track (classes are by track) right of the bar's end (an
/// infinite burden at 80 % of the axis), and its label left of the axis.
fn draw_bar_texts<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    ranking: &Ranking,
    rows: &[&Evaluation],
    labels: &[String],
    xmax: f64,
) -> DrawResult<DB> {
    let n = rows.len().max(1);
    let label_font = font(18);
    let bar_font = font(16);
    for (i, e) in rows.iter().enumerate() {
        let y = (n - 1 - i) as f64 + 0.5;
        let (value, x) = match e.intensity.burden {
            None => ("burden not computable 无法计算".to_string(), 0.0),
            Some(b) if b.is_infinite() => ("∞ no value added".to_string(), xmax * 0.80),
            Some(b) => (format!("{b:.2}"), b),
        };
        let action = e.action().map_or("", |a| a.as_str());
        // The Chinese half of the track's name ("规下企业 / below ..." -> "规下企业").
        let track = e.track.map_or("", |t| {
            let name = ranking.tracks[t].name.as_str();
            name.split(" / ").next().unwrap_or(name)
        });
        let (bx, by) = chart.backend_coord(&(x, y));
        root.draw(&Text::new(
            format!("{value}  {action}  {track}"),
            (bx + 6, by),
            bar_font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        let (lx, ly) = chart.backend_coord(&(0.0, y));
        root.draw(&Text::new(
            labels[i].clone(),
            (lx - 10, ly),
            label_font.pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    Ok(())
}
