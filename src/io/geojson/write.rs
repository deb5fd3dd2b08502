//! Parcels and sensitive areas back to GeoJSON, one feature per line, in the shape the loaders
//! read.

use super::Properties;
use crate::model::{Parcel, SensitiveArea};
use geo::Geometry;

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
            feature(&Geometry::MultiPolygon(p.geometry.clone()), props)
        })
        .collect();
    collection(features)
}

/// Sensitive areas as a FeatureCollection, properties as loaded.
pub fn sensitive_to_geojson(areas: &[SensitiveArea]) -> geojson::FeatureCollection {
    let features = areas
        .iter()
        .map(|a| feature(&a.geometry, a.properties.clone()))
        .collect();
    collection(features)
}

/// A feature as the writers make them: geometry and properties, no id, no bbox.
fn feature(geometry: &Geometry, properties: Properties) -> geojson::Feature {
    geojson::Feature {
        geometry: Some(geojson::Geometry::from(geometry)),
        properties: Some(properties),
        ..Default::default()
    }
}

/// A FeatureCollection of `features`, no bbox, no foreign members.
fn collection(features: Vec<geojson::Feature>) -> geojson::FeatureCollection {
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
