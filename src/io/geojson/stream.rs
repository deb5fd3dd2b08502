//! The fast way through a FeatureCollection: one pass over the text cuts it into the top-level
//! members and each feature's raw JSON text (validating the syntax, building nothing), then the
//! features are deserialised straight into their typed parts on every core, without a
//! `serde_json::Value` tree of the file.
//!
//! Anything out of the ordinary (a feature whose type, properties or geometry is malformed, a
//! duplicate key, a top level that is not a FeatureCollection object) is handed back to the
//! `Value`-based reader ([`super::features`]), feature by feature or for the whole file, so the
//! problems reported, their text and their order are exactly the ones that reader gives.

use super::features::{check_collection_type, declared_crs, feature_id, raw_feature};
use crate::error::{InputError, Problems};
use crate::io::source::{RawFeature, Source};
use rayon::prelude::*;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::fmt;
use std::path::Path;

/// What the fast reader makes of a text: `None` when the `Value`-based reader must read the
/// whole file instead (a syntax error, a top level it does not expect).
pub(super) fn source(path: &Path, text: &str, problems: &mut Problems) -> Option<Option<Source>> {
    let top: TopLevel = serde_json::from_str(text).ok()?;
    // The collection's own members, checked by the same code as the slow path.
    let mut obj = Map::new();
    for (key, raw) in [("type", top.kind), ("crs", top.crs)] {
        if let Some(raw) = raw {
            obj.insert(key.to_string(), serde_json::from_str(raw.get()).ok()?);
        }
    }
    let mut own = Problems::default();
    if check_collection_type(path, &obj, &mut own).is_none() {
        problems.extend(own);
        return Some(None);
    }
    let declared = declared_crs(path, &obj, &mut own);
    let Some(raws) = top.features else {
        own.push(InputError::new(
            path,
            crate::error::Place::File,
            Some("features"),
            "expected an array of features",
        ));
        problems.extend(own);
        return Some(None);
    };
    let read: Vec<Option<(Option<RawFeature>, Problems)>> = raws
        .par_iter()
        .enumerate()
        .map(|(index, raw)| feature(path, index, raw))
        .collect();
    let mut features = Vec::with_capacity(read.len());
    for r in read {
        let (f, p) = r?; // a feature the slow reader cannot parse alone: read the whole file
        own.extend(p);
        features.extend(f);
    }
    problems.extend(own);
    Some(Some(Source {
        features,
        declared,
        declared_in: "its crs member",
        warnings: Vec::new(),
    }))
}

/// One feature from its raw text: typed directly when it is well-formed, else through a `Value`
/// and the slow reader's checks (its problem, or `None` when even that fails to parse).
fn feature(path: &Path, index: usize, raw: &RawValue) -> Option<(Option<RawFeature>, Problems)> {
    if let Ok(f) = serde_json::from_str::<TypedFeature>(raw.get()) {
        let properties = f.properties.map(|m| m.0).unwrap_or_default();
        let id = feature_id(&properties);
        let raw = RawFeature {
            index,
            id,
            properties,
            geometry: f.geometry,
        };
        return Some((Some(raw), Problems::default()));
    }
    let mut problems = Problems::default();
    if let Some(key) = super::duplicates::duplicate_key(raw.get()) {
        problems.push(duplicate_problem(path, index, raw, &key));
        return Some((None, problems));
    }
    let value: Value = serde_json::from_str(raw.get()).ok()?;
    let f = raw_feature(path, index, &value, &mut problems);
    Some((f, problems))
}

/// A key repeated within one object of a feature: refused, since a JSON reader keeps only one
/// of its values and which one is not the file's to say.
fn duplicate_problem(path: &Path, index: usize, raw: &RawValue, key: &str) -> InputError {
    let id = serde_json::from_str::<Value>(raw.get()).ok().and_then(|v| {
        v.get("properties")
            .and_then(Value::as_object)
            .and_then(feature_id)
    });
    InputError::new(
        path,
        crate::error::Place::Feature { index, id },
        Some(key),
        "the key appears twice in one object: expected each key once (a JSON reader would keep only one of the values)",
    )
}

/// The members of a FeatureCollection's top level parkplan reads, as raw text.
struct TopLevel<'a> {
    kind: Option<&'a RawValue>,
    crs: Option<&'a RawValue>,
    features: Option<Vec<&'a RawValue>>,
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for TopLevel<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = TopLevel<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a FeatureCollection object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel<'a>, A::Error> {
                let mut top = TopLevel {
                    kind: None,
                    crs: None,
                    features: None,
                };
                let mut seen = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    // A repeated member means "the last one" to a `Value`: leave it to that reader.
                    if seen.contains(&key) {
                        return Err(de::Error::custom("duplicate member"));
                    }
                    match key.as_str() {
                        "type" => top.kind = Some(map.next_value()?),
                        "crs" => top.crs = Some(map.next_value()?),
                        "features" => top.features = Some(map.next_value()?),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                    seen.push(key);
                }
                Ok(top)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// A well-formed feature: `"type": "Feature"`, properties an object or null, a valid geometry
/// or null. Anything else fails, and the feature goes the slow way.
struct TypedFeature {
    properties: Option<UniqueMap>,
    geometry: Option<geojson::Geometry>,
}

impl<'de> serde::Deserialize<'de> for TypedFeature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TypedFeature;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Feature object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TypedFeature, A::Error> {
                let (mut kind, mut properties, mut geometry) = (false, None, None);
                let mut seen = [false; 3];
                while let Some(key) = map.next_key::<Key>()? {
                    let slot = match key {
                        Key::Type => 0,
                        Key::Properties => 1,
                        Key::Geometry => 2,
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    if std::mem::replace(&mut seen[slot], true) {
                        return Err(de::Error::custom("duplicate member"));
                    }
                    match key {
                        Key::Type => kind = map.next_value::<IsFeature>()?.0,
                        Key::Properties => properties = map.next_value()?,
                        _ => geometry = map.next_value()?,
                    }
                }
                if !kind {
                    return Err(de::Error::custom("not a Feature"));
                }
                Ok(TypedFeature {
                    properties,
                    geometry,
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// The members of a feature that matter.
enum Key {
    Type,
    Properties,
    Geometry,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "type" => Key::Type,
                    "properties" => Key::Properties,
                    "geometry" => Key::Geometry,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// Whether a `type` member is the string "Feature" (anything that is not a string fails).
struct IsFeature(bool);

impl<'de> serde::Deserialize<'de> for IsFeature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IsFeature;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IsFeature, E> {
                Ok(IsFeature(v == "Feature"))
            }
        }
        d.deserialize_str(V)
    }
}

/// A properties object whose keys are all different; a repeated key fails the typed read, and
/// the feature goes the slow way, which refuses it by name.
struct UniqueMap(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for UniqueMap {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = UniqueMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a properties object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueMap, A::Error> {
                let mut m = Map::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    if m.insert(k, v).is_some() {
                        return Err(de::Error::custom("duplicate key"));
                    }
                }
                Ok(UniqueMap(m))
            }
        }
        d.deserialize_map(V)
    }
}
