//! Parcels from map features: each feature's id, land use, status, cluster, occupant, FAR cap
//! and (multi)polygon, checked property by property. Properties may carry their canonical or
//! Chinese names and values ([`crate::io::fields`]).

use super::geometry::polygons;
use super::reader::{FeatureCheck, WhenEmpty, read_collection, required_geometry};
use crate::error::{Problems, Warning};
use crate::io::fields::{self, Field};
use crate::io::source::RawFeature;
use crate::model::{GENERAL_CLUSTER, M2_PER_MU, Parcel};
use serde_json::Value;
use std::path::Path;

/// Parcels from a GeoJSON file (its `crs` member is honoured); [`crate::io::load_parcels`]
/// reads any supported format.
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
    let (features, problems) = super::wgs84_features(path, text)?;
    parcels_from(path, features, problems)
}

/// Parcels from features already in WGS84, with the problems found reading the file.
pub(crate) fn parcels_from(
    path: &Path,
    features: Vec<RawFeature>,
    problems: Problems,
) -> Result<(Vec<Parcel>, Vec<Warning>), Problems> {
    read_collection(
        path,
        features,
        problems,
        WhenEmpty::Problem("no parcels: the park needs at least one parcel feature"),
        read_parcel,
    )
}

/// One feature's parcel, every property checked in turn; `None` when a required one is bad.
fn read_parcel(f: RawFeature, check: &mut FeatureCheck) -> Option<Parcel> {
    let props = &f.properties;
    let (label, v) = check.prop(props, Field::Id);
    let id = check.ok(&label, parcel_id(v));
    if let Some(id) = &id {
        check.unique_id(id);
    }
    let land_use = check.required(
        props,
        Field::LandUse,
        || format!("missing: expected one of {}", fields::land_use_expected()),
        fields::land_use,
    );
    let status = check.required(
        props,
        Field::Status,
        || format!("missing: expected one of {}", fields::status_expected()),
        fields::status,
    );
    let cluster = check
        .text(props, Field::Cluster)
        .map_or(GENERAL_CLUSTER.to_string(), fields::cluster);
    let occupant = check.text(props, Field::Occupant).map(str::to_string);
    let (label, v) = check.prop(props, Field::MaxFar);
    let max_far = check.ok(&label, max_far(v)).flatten();
    let geometry = check.ok(
        "geometry",
        required_geometry(&f, "missing: a parcel needs a Polygon or MultiPolygon")
            .and_then(polygons)
            .and_then(|g| crate::parcel_shape::check_parcel_shape(&g).map(|area| (g, area))),
    );
    let (id, land_use, status, (geometry, area_m2)) = (id?, land_use?, status?, geometry?);
    Some(Parcel {
        index: f.index,
        id,
        land_use,
        cluster,
        status,
        occupant,
        max_far,
        area_mu: area_m2 / M2_PER_MU,
        area_m2,
        geometry,
        properties: f.properties,
    })
}

/// The parcel's own id, which must be a non-blank string (trimmed); numbers are refused.
fn parcel_id(v: Option<&Value>) -> Result<String, String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err("missing: every parcel needs a unique string id".into())
        }
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

/// The optional floor-area-ratio cap, a positive finite number.
fn max_far(v: Option<&Value>) -> Result<Option<f64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(v) if v > 0.0 && v.is_finite() => Ok(Some(v)),
            _ => Err(format!("expected a positive number, got {n}")),
        },
        Some(other) => Err(format!("expected a positive number, got {other}")),
    }
}
