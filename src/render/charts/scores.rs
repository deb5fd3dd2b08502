//! The score distribution chart: a histogram of scores stacked by class, with the class
//! boundary scores marked, one panel per evaluation track.

use super::{DrawResult, Plot, class_colour, font, footnote, series_legend, title};
use crate::rank::{Boundaries, Class, Ranking};
use crate::render::register_fonts;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Histogram of scores, bars stacked by class, with the class boundary scores marked: one
/// panel per rating track, one above the other, since each track has its own formula and
/// class shares.
pub fn draw_score_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
) -> DrawResult<DB> {
    register_fonts();
    root.fill(&WHITE)?;
    let tracks: Vec<usize> = (0..ranking.tracks.len())
        .filter(|&t| !ranking.tracks[t].listed_apart && ranking.tracks[t].boundaries.rated > 0)
        .collect();
    let (_, h) = root.dim_in_pixel();
    // Room for the footnote under the panels.
    let (plots, _) = root.split_vertically(h.saturating_sub(40));
    let panels = plots.split_evenly((tracks.len().max(1), 1));
    if tracks.is_empty() {
        draw_panel(root, &panels[0], ranking, None)?;
    }
    for (panel, &t) in panels.iter().zip(&tracks) {
        draw_panel(root, panel, ranking, Some(t))?;
    }
    let notes = score_notes(ranking);
    if !notes.is_empty() {
        footnote(root, notes.join("; "))?;
    }
    root.present()
}

/// One track's histogram in `area` of `root` (`None`: an empty chart, nobody rated).
fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    ranking: &Ranking,
    track: Option<usize>,
) -> DrawResult<DB> {
    let rated: Vec<(f64, Class)> = ranking
        .in_rank_order()
        .filter(|e| e.track == track)
        .filter_map(|e| e.rated().map(|r| (r.score, r.class)))
        .collect();
    let (width, counts) = score_bins(&rated);
    let upper = counts.len() as f64 * width;
    let ymax = counts
        .iter()
        .map(|c| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let what = match track {
        Some(t) => format!(
            "亩均效益得分分布 / score distribution by class: {}",
            ranking.tracks[t].name
        ),
        None => "亩均效益得分分布 / score distribution by class".to_string(),
    };
    let panels = ranking
        .tracks
        .iter()
        .filter(|t| !t.listed_apart && t.boundaries.rated > 0)
        .count()
        .max(1) as u32;
    let mut chart = ChartBuilder::on(area)
        .caption(
            title(ranking, &what),
            font(if panels > 1 { 24 } else { 30 }),
        )
        .margin(24)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..upper, 0.0..(ymax as f64 * 1.15).ceil())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc("得分 score (points)")
        .y_desc("企业数 enterprises")
        .label_style(font(18))
        .axis_desc_style(font(20))
        .light_line_style(WHITE)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    for class in Class::ALL {
        let n = track.map_or(0, |t| {
            ranking.tracks[t]
                .class_counts
                .get(&class)
                .copied()
                .unwrap_or(0)
        });
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
    if let Some(t) = track {
        draw_boundaries(root, &mut chart, &ranking.tracks[t].boundaries, ymax)?;
    }
    series_legend(&mut chart, SeriesLabelPosition::UpperLeft)
}

/// The histogram's bin width (5 points, 10 above 200) and the count per bin and class, from 0
/// to just past the best score.
fn score_bins(rated: &[(f64, Class)]) -> (f64, Vec<[usize; 4]>) {
    let max = rated.iter().map(|r| r.0).fold(0.0, f64::max);
    let width = if max > 200.0 { 10.0 } else { 5.0 };
    let bins = ((max / width).floor() as usize + 1).max(1);
    let mut counts = vec![[0usize; 4]; bins];
    for &(s, c) in rated {
        let b = ((s / width).floor() as usize).min(bins - 1);
        counts[b][c as usize] += 1;
    }
    (width, counts)
}

/// Boundary scores: the last enterprise of A, B, C, a dashed line labelled beside its top.
fn draw_boundaries<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &mut Plot<'_, DB>,
    boundaries: &Boundaries,
    ymax: usize,
) -> DrawResult<DB> {
    for (i, class) in [Class::A, Class::B, Class::C].into_iter().enumerate() {
        if let Some(s) = boundaries.scores[i] {
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
    Ok(())
}

/// What the histogram leaves out or overrides: weed-out Ds and enterprises not rated.
fn score_notes(ranking: &Ranking) -> Vec<String> {
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
    if ranking.listed_apart + ranking.exempt > 0 {
        notes.push(format!(
            "{} listed apart and {} exempt not shown",
            ranking.listed_apart, ranking.exempt
        ));
    }
    notes
}
