//! The key table beside the park map: one row per numbered parcel (number, parcel id, the
//! enterprises on it), in columns filling the room the legend leaves, and a count of the
//! parcels that could be neither labelled nor numbered.

use super::style::{GREY, INK, Sizes, bold, font};
use super::{Area, RenderError, err};
use crate::i18n::{Lang, fill, text};
use crate::render::paper::{font_pt, mm, pt};
use crate::render::pixel::Bx;
use crate::render::text::measure;
use plotters::prelude::{DrawingBackend, Text};
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// A numbered parcel: its number on the map, its id and its enterprises' short names.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct KeyEntry {
    pub(super) number: usize,
    pub(super) parcel: String,
    pub(super) names: String,
}

/// Pixel widths of the three columns and the gap between them.
struct Columns {
    number: i32,
    parcel: i32,
    names: i32,
    gap: i32,
}

impl Columns {
    fn of(b: Bx, template: &KeyEntry) -> Columns {
        let w = |s: &str| measure(s, font_pt(Sizes::KEY)).0 as i32;
        let gap = mm(1.5) as i32;
        let number = w(&template.number.to_string());
        let parcel = w(&template.parcel);
        let room = (b.2 - b.0) - number - parcel - 3 * gap;
        // Names are cut (with an ellipsis) to fit three columns when a column keeps four
        // characters: a key of more rows beats full names.
        let floor = w("名称名称");
        let third = (b.2 - b.0) / 3 - number - parcel - 3 * gap;
        // A key that one column holds whole (a difference map's few parcels) is not cut.
        let one_column = (template.number as i32) <= (b.3 - b.1 - head_height()) / row_height();
        let names = w(&template.names)
            .min(room.max(floor))
            .min(if third >= floor && !one_column {
                third
            } else {
                room.max(floor)
            });
        Columns {
            number,
            parcel,
            names,
            gap,
        }
    }
    fn width(&self) -> i32 {
        self.number + self.parcel + self.names + 3 * self.gap
    }
}

fn row_height() -> i32 {
    (pt(Sizes::KEY) * 1.3).round() as i32
}

/// Height of the heading lines above the rows.
fn head_height() -> i32 {
    (pt(Sizes::LEGEND_HEAD) * 1.4 + pt(Sizes::NOTE) * 2.8).round() as i32
}

/// How many rows fit in box `b` with columns as wide as `template` needs.
pub(super) fn capacity(b: Bx, template: &KeyEntry) -> usize {
    let cols = Columns::of(b, template);
    let n_cols = ((b.2 - b.0) / cols.width().max(1)).max(1);
    let rows = (b.3 - b.1 - head_height()) / row_height();
    (n_cols.max(0) * rows.max(0)) as usize
}

/// `s` cut to `width` pixels at the key's size, with an ellipsis when cut.
fn fit(s: &str, width: i32) -> String {
    let w = |s: &str| measure(s, font_pt(Sizes::KEY)).0 as i32;
    if w(s) <= width {
        return s.to_string();
    }
    let mut out: String = s.to_string();
    while !out.is_empty() && w(&format!("{out}…")) > width {
        out.pop();
    }
    format!("{out}…")
}

/// Draw the key in box `b`: its heading, the rows column by column, and the count of parcels
/// left unlabelled (`more`). Nothing when both are empty.
pub(super) fn draw_key<DB: DrawingBackend>(
    area: &Area<DB>,
    b: Bx,
    lang: Lang,
    entries: &[KeyEntry],
    more: usize,
) -> Result<(), RenderError> {
    if entries.is_empty() && more == 0 {
        return Ok(());
    }
    let mut y = b.1;
    area.draw(&Text::new(
        text(lang, "map.key"),
        (b.0, y),
        bold(Sizes::LEGEND_HEAD),
    ))
    .map_err(err("key"))?;
    y += (pt(Sizes::LEGEND_HEAD) * 1.4) as i32;
    let note = if more > 0 {
        fill(lang, "map.key_more", &[("n", &more.to_string())])
    } else {
        text(lang, "map.key_columns")
    };
    for line in super::legend::wrap(&note, Sizes::NOTE, b.2 - b.0)
        .into_iter()
        .take(2)
    {
        area.draw(&Text::new(line, (b.0, y), font(Sizes::NOTE).color(&GREY)))
            .map_err(err("key"))?;
        y += (pt(Sizes::NOTE) * 1.4) as i32;
    }
    let Some(template) = entries
        .iter()
        .max_by_key(|e| measure(&e.parcel, 10.0).0 + measure(&e.names, 10.0).0)
    else {
        return Ok(());
    };
    let template = KeyEntry {
        number: entries.len(),
        ..template.clone()
    };
    let cols = Columns::of(b, &template);
    let rows = ((b.3 - (b.1 + head_height())) / row_height()).max(1) as usize;
    let top = b.1 + head_height();
    for (k, e) in entries.iter().enumerate() {
        let (col, row) = ((k / rows) as i32, (k % rows) as i32);
        let x = b.0 + col * cols.width();
        let y = top + row * row_height() + row_height() / 2;
        if x + cols.width() > b.2 + cols.gap {
            break;
        }
        let at = |dx: i32| (x + dx, y);
        area.draw(&Text::new(
            e.number.to_string(),
            at(cols.number),
            bold(Sizes::KEY).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err("key"))?;
        area.draw(&Text::new(
            e.parcel.clone(),
            at(cols.number + cols.gap),
            font(Sizes::KEY)
                .color(&GREY)
                .pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err("key"))?;
        if !e.names.is_empty() {
            area.draw(&Text::new(
                fit(&e.names, cols.names),
                at(cols.number + cols.parcel + 2 * cols.gap),
                font(Sizes::KEY)
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err("key"))?;
        }
    }
    Ok(())
}
