//! The difference map: the other plan's park with every parcel whose occupant changes drawn in
//! the colour of its change (newly placed, freed, another enterprise) and labelled with the
//! enterprise before (原) and after (新); the rest pale. Drawn by the park map's renderer
//! ([`crate::render::map`]) on the same sheet, with its own legend.

use super::{Comparison, Occupant};
use crate::i18n::{Lang, fill, text};
use crate::plan::Outcome;
use crate::plan::maps::{Drawn, sheet};
use crate::render::map::{self, Changes, Label, ParcelDiff, ParkMap, RenderError};

/// The difference map of a comparison, on the other plan's parcels (`other`: its outcome, whose
/// print options it takes).
pub fn difference_map<'s>(c: &Comparison, other: &Outcome<'s>) -> ParkMap<'s> {
    let s = other.scenario;
    let lang = other.maps.lang;
    let mut assigned = map::Assigned::new();
    let mut changes = Changes::new();
    for p in &c.allocation.parcels {
        let kind = match p.kind() {
            "placed" | "added" => ParcelDiff::Placed,
            "freed" => ParcelDiff::Freed,
            "removed" => continue, // not on the other plan's layout the map draws
            _ => ParcelDiff::Changed,
        };
        changes.insert(p.parcel_id.clone(), kind);
        let line = |key: &str, who: &[Occupant]| Label {
            short_name: fill(lang, key, &[("names", &names(lang, who))]),
            enterprise_id: who.first().map(|o| o.id.clone()).unwrap_or_default(),
            cluster: String::new(),
        };
        assigned.insert(
            p.parcel_id.clone(),
            vec![
                line("compare.map_before", &p.before),
                line("compare.map_after", &p.after),
            ],
        );
    }
    let mut sh = sheet(s, &other.maps, "compare.map_title");
    let before = format!("{} ({})", c.base.rules_version, c.base.short_hash());
    let after = format!("{} ({})", c.other.rules_version, c.other.short_hash());
    let versions = fill(
        lang,
        "compare.map_subtitle",
        &[("before", &before), ("after", &after)],
    );
    sh.subtitle = match sh.subtitle.is_empty() {
        true => versions,
        false => format!("{} · {versions}", sh.subtitle),
    };
    ParkMap {
        sheet: sh,
        parcels: &s.park.parcels,
        sensitive: &s.park.sensitive,
        buffers: map::buffers_from_rules(&s.rules.allocation),
        assigned,
        context: &s.context,
        overview_above: map::OVERVIEW_ABOVE,
        changes: Some(changes),
    }
}

/// The short names of a parcel's enterprises, or "free".
fn names(lang: Lang, who: &[Occupant]) -> String {
    if who.is_empty() {
        return text(lang, "compare.map_free");
    }
    let sep = if lang == Lang::En { ", " } else { "、" };
    who.iter()
        .map(|o| map::short_name(&o.name))
        .collect::<Vec<_>>()
        .join(sep)
}

/// Draw the difference map as SVG and PNG.
pub fn draw(c: &Comparison, other: &Outcome) -> Result<Drawn, RenderError> {
    let m = difference_map(c, other);
    crate::render::register_fonts();
    Ok(Drawn {
        svg: map::park_map_svg(&m)?,
        png: map::park_map_png(&m)?,
    })
}
