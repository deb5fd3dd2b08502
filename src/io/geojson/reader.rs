//! What the parcel, sensitive-area and context readers share: the loop over a file's features,
//! the rule for a file without features, per-feature problem reporting, the unique-id check and
//! the property lookups through the property catalogue ([`crate::io::fields`]).

use crate::error::{InputError, Place, Problems, Warning};
use crate::io::fields::{Field, Keys, def};
use crate::io::source::{Properties, RawFeature};
use geojson::GeometryValue;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// What a file that lists no features means to a reader.
pub(crate) enum WhenEmpty {
    /// An error with this message: the reader cannot do without features.
    Problem(&'static str),
    /// A warning with this message: the file may list none, but the user should know.
    Warning(&'static str),
}

/// Turn each feature into a `T` with `read`, which reports its problems through the
/// [`FeatureCheck`] and gives `None` when the feature is unusable. `problems` holds what was
/// found reading the file itself; every problem of every feature is added before failing.
pub(crate) fn read_collection<T>(
    path: &Path,
    features: Vec<RawFeature>,
    mut problems: Problems,
    when_empty: WhenEmpty,
    mut read: impl FnMut(RawFeature, &mut FeatureCheck) -> Option<T>,
) -> Result<(Vec<T>, Vec<Warning>), Problems> {
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
    let mut keys = Keys::default();
    for f in features {
        let mut check = FeatureCheck {
            path,
            place: f.place(),
            index: f.index,
            problems: &mut problems,
            seen: &mut seen,
            keys: &mut keys,
        };
        if let Some(t) = read(f, &mut check) {
            out.push(t);
        }
    }
    problems.into_result((out, warnings))
}

/// Reports one feature's problems, located at the feature and the property at fault.
pub(crate) struct FeatureCheck<'a> {
    path: &'a Path,
    place: Place,
    index: usize,
    problems: &'a mut Problems,
    /// The ids of the features before this one, with their positions.
    seen: &'a mut HashMap<String, usize>,
    keys: &'a mut Keys,
}

impl FeatureCheck<'_> {
    /// Report a problem with `field` of this feature.
    pub(crate) fn bad(&mut self, field: &str, msg: String) {
        self.problems.push(InputError::new(
            self.path,
            self.place.clone(),
            Some(field),
            msg,
        ));
    }

    /// The value of a property lookup, or `None` with its error reported against `field`.
    pub(crate) fn ok<T>(&mut self, field: &str, value: Result<T, String>) -> Option<T> {
        value.map_err(|e| self.bad(field, e)).ok()
    }

    /// Record this feature's id, reporting it when an earlier feature has it already.
    pub(crate) fn unique_id(&mut self, id: &str) {
        if let Some(prev) = self.seen.insert(id.to_string(), self.index) {
            self.bad(
                "id",
                format!("duplicate id {id:?}: also used by feature {prev}"),
            );
        }
    }

    /// The property standing for `field` (by its canonical or any catalogue name): how
    /// messages name it (`用地性质 (land_use)` for an alias) and its value.
    pub(crate) fn prop<'p>(
        &mut self,
        props: &'p Properties,
        field: Field,
    ) -> (String, Option<&'p Value>) {
        let canonical = def(field).name;
        match self.keys.get(props, field) {
            Some((k, v)) if k == canonical => (k.to_string(), Some(v)),
            Some((k, v)) => (format!("{k} ({canonical})"), Some(v)),
            None => (canonical.to_string(), None),
        }
    }

    /// An optional text property, checked: `None` when absent, null or blank.
    pub(crate) fn text<'p>(&mut self, props: &'p Properties, field: Field) -> Option<&'p str> {
        let (label, v) = self.prop(props, field);
        self.ok(&label, text_value(v)).flatten()
    }

    /// A required text property with `parse` applied; `missing()` is the error when absent.
    pub(crate) fn required<'p, T>(
        &mut self,
        props: &'p Properties,
        field: Field,
        missing: impl FnOnce() -> String,
        parse: impl FnOnce(&'p str) -> Result<T, String>,
    ) -> Option<T> {
        let (label, v) = self.prop(props, field);
        let value = text_value(v)
            .and_then(|t| t.ok_or_else(missing))
            .and_then(parse);
        self.ok(&label, value)
    }
}

/// A text value: `None` when absent, null or blank; an error when not a string.
fn text_value(v: Option<&Value>) -> Result<Option<&str>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

/// A feature's geometry, with `missing` as the error when it has none.
pub(crate) fn required_geometry<'a>(
    f: &'a RawFeature,
    missing: &str,
) -> Result<&'a GeometryValue, String> {
    f.geometry
        .as_ref()
        .map(|g| &g.value)
        .ok_or_else(|| missing.to_string())
}
