//! Sensitive areas from GeoJSON: each feature's kind (one the rule set has buffers for), id,
//! name and shape (Polygon, MultiPolygon, Point or MultiPoint).

use super::Properties;
use super::features::RawFeature;
use super::geometry::area_geometry;
use super::reader::{
    FeatureCheck, WhenEmpty, read_collection, required_geometry, required_text, text_prop,
};
use crate::error::{Problems, Warning};
use crate::model::SensitiveArea;
use std::collections::BTreeSet;
use std::path::Path;

/// Sensitive areas from a GeoJSON file. `kinds` are the kinds the rule set has buffers for.
pub fn load_sensitive(
    path: &Path,
    kinds: &BTreeSet<String>,
) -> Result<(Vec<SensitiveArea>, Vec<Warning>), Problems> {
    let text = crate::io::read_utf8(path)?;
    read_sensitive(path, &text, kinds)
}

/// Sensitive areas from GeoJSON text: Polygon, MultiPolygon, Point or MultiPoint with a `kind`.
pub fn read_sensitive(
    path: &Path,
    text: &str,
    kinds: &BTreeSet<String>,
) -> Result<(Vec<SensitiveArea>, Vec<Warning>), Problems> {
    let kinds = Kinds::new(kinds);
    read_collection(
        path,
        text,
        WhenEmpty::Warning("no sensitive areas: no buffer will constrain the allocation"),
        |f, check| read_area(f, check, &kinds),
    )
}

/// The kinds an area may have, and how the error for any other one says so.
struct Kinds<'a> {
    allowed: &'a BTreeSet<String>,
    expected: String,
}

impl<'a> Kinds<'a> {
    fn new(allowed: &'a BTreeSet<String>) -> Self {
        let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let expected = if names.is_empty() {
            "the rule set has no [allocation.buffers_m] table, so no kind is allowed".to_string()
        } else {
            format!("expected one of {}", names.join(", "))
        };
        Kinds { allowed, expected }
    }

    /// The area's `kind` property, trimmed and lower-cased, if the rule set has buffers for it.
    fn read(&self, props: &Properties) -> Result<String, String> {
        let expected = &self.expected;
        let k = required_text(props, "kind", || format!("missing: {expected}"))?
            .trim()
            .to_lowercase();
        if self.allowed.contains(&k) {
            Ok(k)
        } else {
            Err(format!(
                "{k:?} has no buffer rule in the rule set: {expected}"
            ))
        }
    }
}

/// One feature's area; an area without an id is named by its position (`sensitive-3`).
fn read_area(f: RawFeature, check: &mut FeatureCheck, kinds: &Kinds) -> Option<SensitiveArea> {
    let kind = check.ok("kind", kinds.read(&f.properties));
    let id =
        f.id.clone()
            .unwrap_or_else(|| format!("sensitive-{}", f.index));
    check.unique_id(&id);
    let name = text_prop(&f.properties, "name")
        .ok()
        .flatten()
        .map(str::to_string);
    let geometry = check.ok(
        "geometry",
        required_geometry(
            &f,
            "missing: expected a Polygon, MultiPolygon, Point or MultiPoint",
        )
        .and_then(area_geometry),
    );
    let (kind, geometry) = (kind?, geometry?);
    Some(SensitiveArea {
        index: f.index,
        id,
        name,
        kind,
        geometry,
        properties: f.properties,
    })
}
