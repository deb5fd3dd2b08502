//! What the parcel and sensitive-area readers share: the loop over a collection's features, the
//! rule for a file without features, per-feature problem reporting, the unique-id check and the
//! property and geometry lookups.

use super::Properties;
use super::features::{RawFeature, read_features};
use crate::error::{InputError, Place, Problems, Warning};
use geojson::GeometryValue;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// What a file that lists no features means to a reader.
pub(super) enum WhenEmpty {
    /// An error with this message: the reader cannot do without features.
    Problem(&'static str),
    /// A warning with this message: the file may list none, but the user should know.
    Warning(&'static str),
}

/// Read a FeatureCollection and turn each well-formed feature into a `T` with `read`, which
/// reports its problems through the [`FeatureCheck`] and gives `None` when the feature is
/// unusable. Every problem of every feature is collected before failing.
pub(super) fn read_collection<T>(
    path: &Path,
    text: &str,
    when_empty: WhenEmpty,
    mut read: impl FnMut(RawFeature, &mut FeatureCheck) -> Option<T>,
) -> Result<(Vec<T>, Vec<Warning>), Problems> {
    let mut problems = Problems::default();
    let Some(features) = read_features(path, text, &mut problems) else {
        return Err(problems);
    };
    let mut warnings = Vec::new();
    if features.is_empty() && problems.is_empty() {
        let empty = |m: &str| InputError::new(path, Place::File, Some("features"), m);
        match when_empty {
            WhenEmpty::Problem(m) => problems.push(empty(m)),
            WhenEmpty::Warning(m) => warnings.push(Warning(empty(m))),
        }
    }
    let mut out = Vec::with_capacity(features.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features {
        let mut check = FeatureCheck {
            path,
            place: f.place(),
            index: f.index,
            problems: &mut problems,
            seen: &mut seen,
        };
        if let Some(t) = read(f, &mut check) {
            out.push(t);
        }
    }
    problems.into_result((out, warnings))
}

/// Reports one feature's problems, located at the feature and the property at fault.
pub(super) struct FeatureCheck<'a> {
    path: &'a Path,
    place: Place,
    index: usize,
    problems: &'a mut Problems,
    /// The ids of the features before this one, with their positions.
    seen: &'a mut HashMap<String, usize>,
}

impl FeatureCheck<'_> {
    /// Report a problem with `field` of this feature.
    pub(super) fn bad(&mut self, field: &str, msg: String) {
        self.problems.push(InputError::new(
            self.path,
            self.place.clone(),
            Some(field),
            msg,
        ));
    }

    /// The value of a property lookup, or `None` with its error reported against `field`.
    pub(super) fn ok<T>(&mut self, field: &str, value: Result<T, String>) -> Option<T> {
        value.map_err(|e| self.bad(field, e)).ok()
    }

    /// Record this feature's id, reporting it when an earlier feature has it already.
    pub(super) fn unique_id(&mut self, id: &str) {
        if let Some(prev) = self.seen.insert(id.to_string(), self.index) {
            self.bad(
                "id",
                format!("duplicate id {id:?}: also used by feature {prev}"),
            );
        }
    }
}

/// An optional text property: `None` when absent, null or blank; an error when not a string.
pub(super) fn text_prop<'a>(props: &'a Properties, key: &str) -> Result<Option<&'a str>, String> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

/// A required text property: as [`text_prop`], with `missing()` as the error when it is absent.
pub(super) fn required_text<'a>(
    props: &'a Properties,
    key: &str,
    missing: impl FnOnce() -> String,
) -> Result<&'a str, String> {
    text_prop(props, key)?.ok_or_else(missing)
}

/// A feature's geometry, with `missing` as the error when it has none.
pub(super) fn required_geometry<'a>(
    f: &'a RawFeature,
    missing: &str,
) -> Result<&'a GeometryValue, String> {
    f.geometry
        .as_ref()
        .map(|g| &g.value)
        .ok_or_else(|| missing.to_string())
}
