//! Sensitive areas from map features: each feature's kind (one the rule set has buffers for),
//! id, name and shape (Polygon, MultiPolygon, Point or MultiPoint). Properties and kinds may be
//! given in Chinese ([`crate::io::fields`]).

use super::geometry::area_geometry;
use super::reader::{FeatureCheck, WhenEmpty, read_collection, required_geometry};
use crate::error::{Problems, Warning};
use crate::io::fields::{self, Field};
use crate::io::source::RawFeature;
use crate::model::SensitiveArea;
use std::collections::BTreeSet;
use std::path::Path;

/// Sensitive areas from a GeoJSON file. `kinds` are the kinds the rule set has buffers for;
/// [`crate::io::load_sensitive`] reads any supported format.
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
    let (features, problems) = super::wgs84_features(path, text)?;
    sensitive_from(path, features, problems, kinds)
}

/// Sensitive areas from features already in WGS84, with the problems found reading the file.
pub(crate) fn sensitive_from(
    path: &Path,
    features: Vec<RawFeature>,
    problems: Problems,
    kinds: &BTreeSet<String>,
) -> Result<(Vec<SensitiveArea>, Vec<Warning>), Problems> {
    let kinds = Kinds::new(kinds);
    read_collection(
        path,
        features,
        problems,
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
        let names: Vec<String> = allowed
            .iter()
            .map(|k| match fields::kind_zh(k) {
                Some(zh) => format!("{k} ({zh})"),
                None => k.clone(),
            })
            .collect();
        let expected = if names.is_empty() {
            "the rule set has no [allocation.buffers_m] table, so no kind is allowed".to_string()
        } else {
            format!("expected one of {}", names.join(", "))
        };
        Kinds { allowed, expected }
    }

    /// The area's kind, in either language, if the rule set has buffers for it.
    fn read(&self, text: &str) -> Result<String, String> {
        let k = fields::kind(text);
        if self.allowed.contains(&k) {
            Ok(k)
        } else {
            Err(format!(
                "{k:?} has no buffer rule in the rule set: {}",
                self.expected
            ))
        }
    }
}

/// One feature's area; an area without an id is named by its position (`sensitive-3`).
fn read_area(f: RawFeature, check: &mut FeatureCheck, kinds: &Kinds) -> Option<SensitiveArea> {
    let expected = &kinds.expected;
    let kind = check.required(
        &f.properties,
        Field::Kind,
        || format!("missing: {expected}"),
        |t| kinds.read(t),
    );
    let id =
        f.id.clone()
            .unwrap_or_else(|| format!("sensitive-{}", f.index));
    check.unique_id(&id);
    let (_, name) = check.prop(&f.properties, Field::Name);
    let name = name
        .and_then(|v| v.as_str())
        .filter(|s| !s.trim().is_empty())
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
