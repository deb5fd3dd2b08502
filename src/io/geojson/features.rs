//! The FeatureCollection level of a GeoJSON file: JSON syntax, the collection's type and CRS,
//! and each feature's type, properties and geometry object, split into [`RawFeature`]s.

use crate::crs::Crs;
use crate::error::{InputError, Place, Problems};
use crate::io::source::{RawFeature, Source};
use serde_json::{Map, Value};
use std::path::Path;

/// Split a FeatureCollection's text into features and its declared CRS; JSON and structure
/// errors are located. The fast reader ([`super::stream`]) reads the file when it can; this one,
/// through a `serde_json::Value` of the whole file, when it cannot, with the same results.
pub(crate) fn source(path: &Path, text: &str, problems: &mut Problems) -> Option<Source> {
    if !text.trim().is_empty()
        && let Some(read) = super::stream::source(path, text, problems)
    {
        return read;
    }
    if let Some(key) = super::duplicates::duplicate_key(text) {
        problems.push(InputError::new(
            path,
            Place::File,
            Some(&key),
            "the key appears twice in one object: expected each key once (a JSON reader would keep only one of the values)",
        ));
        return None;
    }
    let root = parse_json(path, text, problems)?;
    let (features, declared) = collection_features(path, &root, problems)?;
    let mut out = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        if let Some(raw) = raw_feature(path, index, f, problems) {
            out.push(raw);
        }
    }
    Some(Source {
        features: out,
        declared,
        declared_in: "its crs member",
        warnings: Vec::new(),
    })
}

/// The file's JSON value: an empty file and a syntax error are told apart, the latter located.
fn parse_json(path: &Path, text: &str, problems: &mut Problems) -> Option<Value> {
    if text.trim().is_empty() {
        problems.push(InputError::file(
            path,
            "the file is empty: expected a GeoJSON FeatureCollection",
        ));
        return None;
    }
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let place = Place::Position {
                line: e.line(),
                column: e.column(),
            };
            problems.push(InputError::new(
                path,
                place,
                None,
                format!("not valid JSON: {e}"),
            ));
            None
        }
    }
}

/// The `features` array of a FeatureCollection object and its declared CRS, after its type
/// and CRS are checked.
fn collection_features<'a>(
    path: &Path,
    root: &'a Value,
    problems: &mut Problems,
) -> Option<(&'a Vec<Value>, Option<Crs>)> {
    let Some(obj) = root.as_object() else {
        problems.push(InputError::file(
            path,
            "expected a GeoJSON FeatureCollection object at the top level",
        ));
        return None;
    };
    check_collection_type(path, obj, problems)?;
    let declared = declared_crs(path, obj, problems);
    let Some(features) = obj.get("features").and_then(Value::as_array) else {
        problems.push(InputError::new(
            path,
            Place::File,
            Some("features"),
            "expected an array of features",
        ));
        return None;
    };
    Some((features, declared))
}

/// `Some` when the top-level `type` is `FeatureCollection`; anything else is reported.
pub(super) fn check_collection_type(
    path: &Path,
    obj: &Map<String, Value>,
    problems: &mut Problems,
) -> Option<()> {
    match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => Some(()),
        Some(other) => {
            problems.push(InputError::new(path, Place::File, Some("type"), format!(
                "expected a FeatureCollection, got a {other}; wrap features in {{\"type\": \"FeatureCollection\", \"features\": [...]}}"
            )));
            None
        }
        None => {
            problems.push(InputError::new(
                path,
                Place::File,
                Some("type"),
                "missing: expected \"FeatureCollection\"",
            ));
            None
        }
    }
}

/// The CRS a `crs` member names (the 2008 GeoJSON specification's, which GDAL writes for any
/// CRS but WGS84); one parkplan does not support is a problem (the features are still read, so
/// their own problems are reported too).
pub(super) fn declared_crs(
    path: &Path,
    obj: &Map<String, Value>,
    problems: &mut Problems,
) -> Option<Crs> {
    let crs = obj.get("crs")?;
    if crs.is_null() {
        return None;
    }
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    match Crs::parse(name) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(InputError::new(
                path,
                Place::File,
                Some("crs"),
                format!("declares CRS {name:?}: {e}"),
            ));
            None
        }
    }
}

/// The id a feature's messages name it by: its `id` property (or a catalogue name for it such
/// as `地块编号`), a string, or a number as written.
pub(crate) fn feature_id(props: &Map<String, Value>) -> Option<String> {
    let v = props.get("id").or_else(|| {
        props
            .iter()
            .find(|(k, _)| crate::io::fields::field_of(k) == Some(crate::io::fields::Field::Id))
            .map(|(_, v)| v)
    })?;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// One feature's parts; `None` (with the problem reported) when its type, properties or
/// geometry object is malformed.
pub(super) fn raw_feature(
    path: &Path,
    index: usize,
    f: &Value,
    problems: &mut Problems,
) -> Option<RawFeature> {
    let id = f
        .get("properties")
        .and_then(Value::as_object)
        .and_then(feature_id);
    let place = Place::Feature {
        index,
        id: id.clone(),
    };
    let mut bad = |field: &str, msg: String| {
        problems.push(InputError::new(path, place.clone(), Some(field), msg));
    };
    if f.get("type").and_then(Value::as_str) != Some("Feature") {
        bad("type", "expected \"Feature\"".into());
        return None;
    }
    let properties = match f.get("properties") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Null) | None => Map::new(),
        Some(_) => {
            bad("properties", "expected an object".into());
            return None;
        }
    };
    let geometry = match f.get("geometry") {
        None | Some(Value::Null) => None,
        Some(g) => match <geojson::Geometry as serde::Deserialize>::deserialize(g) {
            Ok(g) => Some(g),
            Err(e) => {
                bad("geometry", format!("not a valid GeoJSON geometry: {e}"));
                return None;
            }
        },
    };
    Some(RawFeature {
        index,
        id,
        properties,
        geometry,
    })
}
