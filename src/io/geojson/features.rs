//! The FeatureCollection level of a GeoJSON file: JSON syntax, the collection's type and CRS,
//! and each feature's type, properties and geometry object, split into [`RawFeature`]s.

use super::Properties;
use crate::error::{InputError, Place, Problems};
use serde_json::{Map, Value};
use std::path::Path;

/// One feature's raw parts, before the caller interprets its properties.
pub(super) struct RawFeature {
    pub(super) index: usize,
    pub(super) id: Option<String>,
    pub(super) properties: Properties,
    pub(super) geometry: Option<geojson::Geometry>,
}

impl RawFeature {
    /// Where this feature's problems are reported: its position and, when it has one, its id.
    pub(super) fn place(&self) -> Place {
        Place::Feature {
            index: self.index,
            id: self.id.clone(),
        }
    }
}

/// Split a FeatureCollection's text into features; JSON and structure errors are located.
pub(super) fn read_features(
    path: &Path,
    text: &str,
    problems: &mut Problems,
) -> Option<Vec<RawFeature>> {
    let root = parse_json(path, text, problems)?;
    let features = collection_features(path, &root, problems)?;
    let mut out = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        if let Some(raw) = raw_feature(path, index, f, problems) {
            out.push(raw);
        }
    }
    Some(out)
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

/// The `features` array of a FeatureCollection object, after its type and CRS are checked.
fn collection_features<'a>(
    path: &Path,
    root: &'a Value,
    problems: &mut Problems,
) -> Option<&'a Vec<Value>> {
    let Some(obj) = root.as_object() else {
        problems.push(InputError::file(
            path,
            "expected a GeoJSON FeatureCollection object at the top level",
        ));
        return None;
    };
    check_collection_type(path, obj, problems)?;
    check_crs(path, obj, problems);
    let Some(features) = obj.get("features").and_then(Value::as_array) else {
        problems.push(InputError::new(
            path,
            Place::File,
            Some("features"),
            "expected an array of features",
        ));
        return None;
    };
    Some(features)
}

/// `Some` when the top-level `type` is `FeatureCollection`; anything else is reported.
fn check_collection_type(
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

/// A declared CRS other than WGS84 is a problem (the features are still read, so their own
/// problems are reported too).
fn check_crs(path: &Path, obj: &Map<String, Value>, problems: &mut Problems) {
    if let Some(crs) = obj.get("crs") {
        let name = crs
            .pointer("/properties/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let wgs84 = ["OGC:1.3:CRS84", "EPSG::4326", "EPSG:4326"]
            .iter()
            .any(|n| name.ends_with(n));
        if !wgs84 {
            problems.push(InputError::new(path, Place::File, Some("crs"), format!(
                "declares CRS {name:?}; RFC 7946 GeoJSON must be WGS84 lon/lat (reproject, e.g. `ogr2ogr -t_srs EPSG:4326`)"
            )));
        }
    }
}

/// The `properties.id` a feature's messages name it by: a string, or a number as written.
fn feature_id(f: &Value) -> Option<String> {
    f.pointer("/properties/id").and_then(|v| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// One feature's parts; `None` (with the problem reported) when its type, properties or
/// geometry object is malformed.
fn raw_feature(
    path: &Path,
    index: usize,
    f: &Value,
    problems: &mut Problems,
) -> Option<RawFeature> {
    let id = feature_id(f);
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
