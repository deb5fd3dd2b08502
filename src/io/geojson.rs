//! Parcels and sensitive areas from RFC 7946 GeoJSON, validated feature by feature.
//!
//! The `geojson` crate parses each feature; geometry is then converted by hand so every problem
//! can name the feature, the ring and the position at fault, and so projected coordinates
//! (metres mistaken for degrees) are recognised as such instead of being silently misplaced.

use crate::error::{InputError, Place, Problems, Warning};
use crate::model::{
    Categorical, GENERAL_CLUSTER, LandUse, M2_PER_MU, Parcel, ParcelStatus, SensitiveArea,
};
use crate::rings::check_ring;
use geo::{
    Coord, GeodesicArea, Geometry, LineString, MultiPoint, MultiPolygon, Orient, Point, Polygon,
};
use geojson::{GeometryValue, Position};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

type Properties = Map<String, Value>;

/// One feature's raw parts, before the caller interprets its properties.
struct RawFeature {
    index: usize,
    id: Option<String>,
    properties: Properties,
    geometry: Option<geojson::Geometry>,
}

/// Split a FeatureCollection's text into features; JSON and structure errors are located.
fn read_features(path: &Path, text: &str, problems: &mut Problems) -> Option<Vec<RawFeature>> {
    if text.trim().is_empty() {
        problems.push(InputError::file(
            path,
            "the file is empty: expected a GeoJSON FeatureCollection",
        ));
        return None;
    }
    let root: Value = match serde_json::from_str(text) {
        Ok(v) => v,
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
            return None;
        }
    };
    let Some(obj) = root.as_object() else {
        problems.push(InputError::file(
            path,
            "expected a GeoJSON FeatureCollection object at the top level",
        ));
        return None;
    };
    match obj.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        Some(other) => {
            problems.push(InputError::new(path, Place::File, Some("type"), format!(
                "expected a FeatureCollection, got a {other}; wrap features in {{\"type\": \"FeatureCollection\", \"features\": [...]}}"
            )));
            return None;
        }
        None => {
            problems.push(InputError::new(
                path,
                Place::File,
                Some("type"),
                "missing: expected \"FeatureCollection\"",
            ));
            return None;
        }
    }
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
    let Some(features) = obj.get("features").and_then(Value::as_array) else {
        problems.push(InputError::new(
            path,
            Place::File,
            Some("features"),
            "expected an array of features",
        ));
        return None;
    };
    let mut out = Vec::with_capacity(features.len());
    for (index, f) in features.iter().enumerate() {
        let id = f.pointer("/properties/id").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let place = Place::Feature {
            index,
            id: id.clone(),
        };
        if f.get("type").and_then(Value::as_str) != Some("Feature") {
            problems.push(InputError::new(
                path,
                place,
                Some("type"),
                "expected \"Feature\"",
            ));
            continue;
        }
        let properties = match f.get("properties") {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => Map::new(),
            Some(_) => {
                problems.push(InputError::new(
                    path,
                    place,
                    Some("properties"),
                    "expected an object",
                ));
                continue;
            }
        };
        let geometry = match f.get("geometry") {
            None | Some(Value::Null) => None,
            Some(g) => match <geojson::Geometry as serde::Deserialize>::deserialize(g) {
                Ok(g) => Some(g),
                Err(e) => {
                    problems.push(InputError::new(
                        path,
                        place,
                        Some("geometry"),
                        format!("not a valid GeoJSON geometry: {e}"),
                    ));
                    continue;
                }
            },
        };
        out.push(RawFeature {
            index,
            id,
            properties,
            geometry,
        });
    }
    Some(out)
}

fn coord(p: &Position, at: &str) -> Result<Coord<f64>, String> {
    let s = p.as_slice();
    if s.len() < 2 {
        return Err(format!(
            "{at}: expected a position [lon, lat], got {} number(s)",
            s.len()
        ));
    }
    let (x, y) = (s[0], s[1]);
    if !x.is_finite() || !y.is_finite() {
        return Err(format!("{at}: coordinates must be finite numbers"));
    }
    if x.abs() > 180.0 || y.abs() > 90.0 {
        let projected = x.abs() > 1000.0 || y.abs() > 1000.0;
        return Err(if projected {
            format!(
                "{at}: [{x}, {y}] is outside lon [-180, 180] / lat [-90, 90]; these look like projected coordinates in metres (e.g. CGCS2000 Gauss-Krüger or Web Mercator): reproject to WGS84 lon/lat (EPSG:4326)"
            )
        } else {
            format!(
                "{at}: [{x}, {y}] is outside lon [-180, 180] / lat [-90, 90]; expected WGS84 lon/lat in degrees, longitude first"
            )
        });
    }
    Ok(Coord { x, y })
}

fn ring(positions: &[Position], at: &str) -> Result<LineString<f64>, String> {
    let coords = positions
        .iter()
        .enumerate()
        .map(|(i, p)| coord(p, &format!("{at}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let ls = LineString::new(coords);
    check_ring(&ls).map_err(|p| format!("{at}: ring {p}"))?;
    Ok(ls)
}

fn polygon(rings: &[Vec<Position>], at: &str) -> Result<Polygon<f64>, String> {
    let Some((exterior, holes)) = rings.split_first() else {
        return Err(format!("{at}: a polygon needs an exterior ring"));
    };
    let exterior = ring(exterior, &format!("{at}[0]"))?;
    let holes = holes
        .iter()
        .enumerate()
        .map(|(i, h)| ring(h, &format!("{at}[{}]", i + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let poly = Polygon::new(exterior, holes);
    if !poly.interiors().is_empty() {
        use geo::Validation;
        if let Err(e) = poly.check_validation() {
            return Err(format!("{at}: {e}"));
        }
    }
    // RFC 7946 asks parsers to accept either winding; normalise so areas are positive.
    Ok(poly.orient(geo::orient::Direction::Default))
}

fn polygons(value: &GeometryValue) -> Result<MultiPolygon<f64>, String> {
    match value {
        GeometryValue::Polygon { coordinates } => {
            Ok(MultiPolygon(vec![polygon(coordinates, "coordinates")?]))
        }
        GeometryValue::MultiPolygon { coordinates } if coordinates.is_empty() => {
            Err("coordinates: a MultiPolygon needs at least one polygon".into())
        }
        GeometryValue::MultiPolygon { coordinates } => Ok(MultiPolygon(
            coordinates
                .iter()
                .enumerate()
                .map(|(i, p)| polygon(p, &format!("coordinates[{i}]")))
                .collect::<Result<_, _>>()?,
        )),
        other => Err(format!(
            "expected a Polygon or MultiPolygon, got a {}",
            other.type_name()
        )),
    }
}

fn text_prop<'a>(props: &'a Properties, key: &str) -> Result<Option<&'a str>, String> {
    match props.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

/// Parcels from a GeoJSON file.
pub fn load_parcels(path: &Path) -> Result<(Vec<Parcel>, Vec<Warning>), Problems> {
    let text = crate::io::read_utf8(path)?;
    read_parcels(path, &text)
}

/// Parcels from GeoJSON text; `path` is used in messages only.
///
/// ```
/// let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature",
///   "properties":{"id":"P1","land_use":"m1","status":"available"},
///   "geometry":{"type":"Polygon","coordinates":[[[120.87,27.96],[120.871,27.96],[120.871,27.961],[120.87,27.961],[120.87,27.96]]]}}]}"#;
/// let (parcels, _) = parkplan::io::geojson::read_parcels("p.geojson".as_ref(), text).unwrap();
/// assert_eq!(parcels[0].cluster, "general");
/// assert!((parcels[0].area_mu - 16.4).abs() < 0.1); // about 98 m x 111 m
/// ```
pub fn read_parcels(path: &Path, text: &str) -> Result<(Vec<Parcel>, Vec<Warning>), Problems> {
    let mut problems = Problems::default();
    let Some(features) = read_features(path, text, &mut problems) else {
        return Err(problems);
    };
    if features.is_empty() && problems.is_empty() {
        problems.push(InputError::new(
            path,
            Place::File,
            Some("features"),
            "no parcels: the park needs at least one parcel feature",
        ));
    }
    let mut parcels = Vec::with_capacity(features.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features {
        let place = Place::Feature {
            index: f.index,
            id: f.id.clone(),
        };
        let mut bad = |field: &str, msg: String| {
            problems.push(InputError::new(path, place.clone(), Some(field), msg))
        };
        let id = match f.properties.get("id") {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                bad(
                    "id",
                    "missing: every parcel needs a unique string id".into(),
                );
                None
            }
            Some(other) => {
                bad("id", format!("expected a string, got {other}"));
                None
            }
        };
        if let Some(id) = &id
            && let Some(prev) = seen.insert(id.clone(), f.index)
        {
            {
                bad(
                    "id",
                    format!("duplicate id {id:?}: also used by feature {prev}"),
                );
            }
        }
        let land_use = match text_prop(&f.properties, "land_use") {
            Ok(Some(s)) => LandUse::parse(s).map_err(|e| bad("land_use", e)).ok(),
            Ok(None) => {
                bad("land_use", "missing: expected one of M1, M2, M3".into());
                None
            }
            Err(e) => {
                bad("land_use", e);
                None
            }
        };
        let status = match text_prop(&f.properties, "status") {
            Ok(Some(s)) => ParcelStatus::parse(s).map_err(|e| bad("status", e)).ok(),
            Ok(None) => {
                bad(
                    "status",
                    "missing: expected one of available, occupied, reserved".into(),
                );
                None
            }
            Err(e) => {
                bad("status", e);
                None
            }
        };
        let cluster = match text_prop(&f.properties, "cluster") {
            Ok(c) => c.map_or(GENERAL_CLUSTER.to_string(), |c| c.trim().to_lowercase()),
            Err(e) => {
                bad("cluster", e);
                GENERAL_CLUSTER.to_string()
            }
        };
        let occupant = text_prop(&f.properties, "occupant").unwrap_or_else(|e| {
            bad("occupant", e);
            None
        });
        let max_far = match f.properties.get("max_far") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(v) if v > 0.0 && v.is_finite() => Some(v),
                _ => {
                    bad("max_far", format!("expected a positive number, got {n}"));
                    None
                }
            },
            Some(other) => {
                bad(
                    "max_far",
                    format!("expected a positive number, got {other}"),
                );
                None
            }
        };
        let geometry = match &f.geometry {
            None => {
                bad(
                    "geometry",
                    "missing: a parcel needs a Polygon or MultiPolygon".into(),
                );
                None
            }
            Some(g) => polygons(&g.value).map_err(|e| bad("geometry", e)).ok(),
        };
        if let (Some(id), Some(land_use), Some(status), Some(geometry)) =
            (id, land_use, status, geometry)
        {
            let area_m2 = geometry.geodesic_area_unsigned();
            parcels.push(Parcel {
                index: f.index,
                id,
                land_use,
                cluster,
                status,
                occupant: occupant.map(str::to_string),
                max_far,
                area_mu: area_m2 / M2_PER_MU,
                area_m2,
                geometry,
                properties: f.properties,
            });
        }
    }
    problems.into_result((parcels, Vec::new()))
}

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
    let mut problems = Problems::default();
    let Some(features) = read_features(path, text, &mut problems) else {
        return Err(problems);
    };
    let mut warnings = Vec::new();
    if features.is_empty() && problems.is_empty() {
        warnings.push(Warning(InputError::new(
            path,
            Place::File,
            Some("features"),
            "no sensitive areas: no buffer will constrain the allocation",
        )));
    }
    let allowed: Vec<&str> = kinds.iter().map(String::as_str).collect();
    let expected = if allowed.is_empty() {
        "the rule set has no [allocation.buffers_m] table, so no kind is allowed".to_string()
    } else {
        format!("expected one of {}", allowed.join(", "))
    };
    let mut areas = Vec::with_capacity(features.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in features {
        let place = Place::Feature {
            index: f.index,
            id: f.id.clone(),
        };
        let mut bad = |field: &str, msg: String| {
            problems.push(InputError::new(path, place.clone(), Some(field), msg))
        };
        let kind = match text_prop(&f.properties, "kind") {
            Ok(Some(k)) => {
                let k = k.trim().to_lowercase();
                if kinds.contains(&k) {
                    Some(k)
                } else {
                    bad(
                        "kind",
                        format!("{k:?} has no buffer rule in the rule set: {expected}"),
                    );
                    None
                }
            }
            Ok(None) => {
                bad("kind", format!("missing: {expected}"));
                None
            }
            Err(e) => {
                bad("kind", e);
                None
            }
        };
        let id =
            f.id.clone()
                .unwrap_or_else(|| format!("sensitive-{}", f.index));
        if let Some(prev) = seen.insert(id.clone(), f.index) {
            bad(
                "id",
                format!("duplicate id {id:?}: also used by feature {prev}"),
            );
        }
        let name = text_prop(&f.properties, "name")
            .ok()
            .flatten()
            .map(str::to_string);
        let geometry = match &f.geometry {
            None => {
                bad(
                    "geometry",
                    "missing: expected a Polygon, MultiPolygon, Point or MultiPoint".into(),
                );
                None
            }
            Some(g) => match &g.value {
                GeometryValue::Point { coordinates } => coord(coordinates, "coordinates")
                    .map(|c| Geometry::Point(Point(c)))
                    .map_err(|e| bad("geometry", e))
                    .ok(),
                GeometryValue::MultiPoint { coordinates } if coordinates.is_empty() => {
                    bad(
                        "geometry",
                        "coordinates: a MultiPoint needs at least one position".into(),
                    );
                    None
                }
                GeometryValue::MultiPoint { coordinates } => coordinates
                    .iter()
                    .enumerate()
                    .map(|(i, p)| coord(p, &format!("coordinates[{i}]")).map(Point))
                    .collect::<Result<Vec<_>, _>>()
                    .map(|pts| Geometry::MultiPoint(MultiPoint(pts)))
                    .map_err(|e| bad("geometry", e))
                    .ok(),
                GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
                    polygons(&g.value)
                        .map(|mp| {
                            if mp.0.len() == 1 {
                                Geometry::Polygon(mp.0[0].clone())
                            } else {
                                Geometry::MultiPolygon(mp)
                            }
                        })
                        .map_err(|e| bad("geometry", e))
                        .ok()
                }
                other => {
                    bad(
                        "geometry",
                        format!(
                            "expected a Polygon, MultiPolygon, Point or MultiPoint, got a {}",
                            other.type_name()
                        ),
                    );
                    None
                }
            },
        };
        if let (Some(kind), Some(geometry)) = (kind, geometry) {
            areas.push(SensitiveArea {
                index: f.index,
                id,
                name,
                kind,
                geometry,
                properties: f.properties,
            });
        }
    }
    problems.into_result((areas, warnings))
}

/// Parcels as a FeatureCollection with their original properties plus `extra(position, parcel)`
/// (e.g. the assignment), geometry in WGS84.
pub fn parcels_to_geojson(
    parcels: &[Parcel],
    mut extra: impl FnMut(usize, &Parcel) -> Properties,
) -> geojson::FeatureCollection {
    let features = parcels
        .iter()
        .enumerate()
        .map(|(j, p)| {
            let mut props = p.properties.clone();
            props.insert("area_mu".into(), serde_json::json!(round_to(p.area_mu, 2)));
            props.extend(extra(j, p));
            geojson::Feature {
                geometry: Some(geojson::Geometry::from(&Geometry::MultiPolygon(
                    p.geometry.clone(),
                ))),
                properties: Some(props),
                ..Default::default()
            }
        })
        .collect();
    geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// Sensitive areas as a FeatureCollection, properties as loaded.
pub fn sensitive_to_geojson(areas: &[SensitiveArea]) -> geojson::FeatureCollection {
    let features = areas
        .iter()
        .map(|a| geojson::Feature {
            geometry: Some(geojson::Geometry::from(&a.geometry)),
            properties: Some(a.properties.clone()),
            ..Default::default()
        })
        .collect();
    geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

/// Write a park's parcels and sensitive areas as the two GeoJSON files the loaders read.
pub fn write_park(
    parcels_path: &std::path::Path,
    sensitive_path: &std::path::Path,
    parcels: &[Parcel],
    sensitive: &[SensitiveArea],
) -> Result<(), crate::Error> {
    let fc = parcels_to_geojson(parcels, |_, _| Default::default());
    crate::io::write_atomic(parcels_path, |w| write_feature_collection(w, &fc))?;
    let fc = sensitive_to_geojson(sensitive);
    crate::io::write_atomic(sensitive_path, |w| write_feature_collection(w, &fc))
}

/// Write a FeatureCollection one feature per line: stable bytes, readable diffs.
pub fn write_feature_collection(
    w: &mut dyn std::io::Write,
    fc: &geojson::FeatureCollection,
) -> std::io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    for (i, f) in fc.features.iter().enumerate() {
        if i > 0 {
            w.write_all(b",\n")?;
        }
        serde_json::to_writer(&mut *w, f)?;
    }
    w.write_all(b"\n]}\n")
}

/// Round for output so files are byte-for-byte stable and readable.
pub fn round_to(v: f64, decimals: i32) -> f64 {
    let m = 10f64.powi(decimals);
    // Adding 0.0 turns -0.0 into 0.0, which would otherwise print as "-0".
    (v * m).round() / m + 0.0
}
