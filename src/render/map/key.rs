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

/// A parcel of the key: its number on the map (none when the map shows its number within its
/// block instead), its id and its enterprises' short names.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct KeyEntry {
    pub(super) number: Option<usize>,
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
        let number = template.number.map_or(0, |n| w(&n.to_string()));
        let parcel = w(&template.parcel);
        let room = (b.2 - b.0) - number - parcel - 3 * gap;
        // Names are cut (with an ellipsis) to fit three columns when a column keeps four
        // characters: a key of more rows beats full names.
        let floor = w("名称名称");
        let third = (b.2 - b.0) / 3 - number - parcel - 3 * gap;
        let names = w(&template.names)
            .min(room.max(floor))
            .min(if third >= floor {
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
    /// Names as wide as the box allows, uncut when they fit (a key of one column).
    fn whole_names(&mut self, b: Bx, template: &KeyEntry) {
        let room = (b.2 - b.0) - self.number - self.parcel - 3 * self.gap;
        self.names = (measure(&template.names, font_pt(Sizes::KEY)).0 as i32).min(room);
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
/// left unlabelled (`more`). Nothing when both are empty. Returns the lowest pixel row used
/// (the box's top when nothing is drawn).
pub(super) fn draw_key<DB: DrawingBackend>(
    area: &Area<DB>,
    b: Bx,
    lang: Lang,
    entries: &[KeyEntry],
    more: usize,
    whole_names: bool,
) -> Result<i32, RenderError> {
    if entries.is_empty() && more == 0 {
        return Ok(b.1);
    }
    // Without room for the heading and a row, only the count of unlabelled parcels, if it fits:
    // nothing below the box is to be covered.
    if b.3 - b.1 < head_height() + row_height() {
        let line = (pt(Sizes::NOTE) * 1.4) as i32;
        let mut y = b.1;
        if more > 0 {
            let note = fill(lang, "map.key_more", &[("n", &more.to_string())]);
            for l in super::legend::wrap(&note, Sizes::NOTE, b.2 - b.0) {
                if y + line > b.3 {
                    break;
                }
                area.draw(&Text::new(l, (b.0, y), font(Sizes::NOTE).color(&GREY)))
                    .map_err(err("key"))?;
                y += line;
            }
        }
        return Ok(y);
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
    } else if entries.iter().any(|e| e.number.is_some()) {
        text(lang, "map.key_columns")
    } else {
        text(lang, "map.key_blocks")
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
        return Ok(y);
    };
    let numbered = entries.iter().filter_map(|e| e.number).max();
    let template = KeyEntry {
        number: numbered,
        ..template.clone()
    };
    let mut cols = Columns::of(b, &template);
    let rows = ((b.3 - (b.1 + head_height())) / row_height()).max(1) as usize;
    // `whole_names` (a difference map's few parcels): names are not cut when one column holds
    // every row.
    if whole_names && entries.len() <= rows {
        cols.whole_names(b, &template);
    }
    let top = b.1 + head_height();
    let bottom = top + (entries.len().min(rows) as i32) * row_height();
    for (k, e) in entries.iter().enumerate() {
        let (col, row) = ((k / rows) as i32, (k % rows) as i32);
        let x = b.0 + col * cols.width();
        let y = top + row * row_height() + row_height() / 2;
        if x + cols.width() > b.2 + cols.gap {
            break;
        }
        let at = |dx: i32| (x + dx, y);
        if let Some(n) = e.number {
            area.draw(&Text::new(
                n.to_string(),
                at(cols.number),
                bold(Sizes::KEY).pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(err("key"))?;
        }
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
    Ok(bottom)
}
