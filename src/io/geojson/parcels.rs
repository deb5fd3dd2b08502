//! Parcels from GeoJSON: each feature's id, land use, status, cluster, occupant, FAR cap and
//! (multi)polygon, checked property by property.

use super::Properties;
use super::features::RawFeature;
use super::geometry::polygons;
use super::reader::{
    FeatureCheck, WhenEmpty, read_collection, required_geometry, required_text, text_prop,
};
use crate::error::{Problems, Warning};
use crate::model::{Categorical, GENERAL_CLUSTER, LandUse, M2_PER_MU, Parcel, ParcelStatus};
use geo::GeodesicArea;
use serde_json::Value;
use std::path::Path;

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
    read_collection(
        path,
        text,
        WhenEmpty::Problem("no parcels: the park needs at least one parcel feature"),
        read_parcel,
    )
}

/// One feature's parcel, every property checked in turn; `None` when a required one is bad.
fn read_parcel(f: RawFeature, check: &mut FeatureCheck) -> Option<Parcel> {
    let props = &f.properties;
    let id = check.ok("id", parcel_id(props));
    if let Some(id) = &id {
        check.unique_id(id);
    }
    let land_use = check.ok(
        "land_use",
        required_text(props, "land_use", || {
            "missing: expected one of M1, M2, M3".into()
        })
        .and_then(LandUse::parse),
    );
    let status = check.ok(
        "status",
        required_text(props, "status", || {
            "missing: expected one of available, occupied, reserved".into()
        })
        .and_then(ParcelStatus::parse),
    );
    let cluster = check
        .ok("cluster", text_prop(props, "cluster"))
        .flatten()
        .map_or(GENERAL_CLUSTER.to_string(), |c| c.trim().to_lowercase());
    let occupant = check
        .ok("occupant", text_prop(props, "occupant"))
        .flatten()
        .map(str::to_string);
    let max_far = check.ok("max_far", max_far(props)).flatten();
    let geometry = check.ok(
        "geometry",
        required_geometry(&f, "missing: a parcel needs a Polygon or MultiPolygon")
            .and_then(polygons),
    );
    let (id, land_use, status, geometry) = (id?, land_use?, status?, geometry?);
    let area_m2 = geometry.geodesic_area_unsigned();
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
fn parcel_id(props: &Properties) -> Result<String, String> {
    match props.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err("missing: every parcel needs a unique string id".into())
        }
        Some(other) => Err(format!("expected a string, got {other}")),
    }
}

/// The optional floor-area-ratio cap, a positive finite number.
fn max_far(props: &Properties) -> Result<Option<f64>, String> {
    match props.get("max_far") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(v) if v > 0.0 && v.is_finite() => Ok(Some(v)),
            _ => Err(format!("expected a positive number, got {n}")),
        },
        Some(other) => Err(format!("expected a positive number, got {other}")),
    }
}
