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
        .map(|(j, p)| parcel_feature(p, extra(j, p)))
        .collect();
    collection(features)
}

/// A parcel as the writers give it: its properties, its rounded `area_mu` and `extra`.
fn parcel_feature(p: &Parcel, extra: Properties) -> geojson::Feature {
    let mut props = p.properties.clone();
    props.insert("area_mu".into(), serde_json::json!(round_to(p.area_mu, 2)));
    props.extend(extra);
    feature(&Geometry::MultiPolygon(p.geometry.clone()), props)
}

/// How a written FeatureCollection lays out its features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// All on one line, as `serde_json` writes a [`geojson::FeatureCollection`].
    Compact,
    /// One feature per line, as [`write_feature_collection`] writes them.
    Lines,
}

impl Layout {
    /// The bytes before the first feature, between two and after the last.
    fn framing(self) -> (&'static [u8], &'static [u8], &'static [u8]) {
        match self {
            Layout::Compact => (
                b"{\"type\":\"FeatureCollection\",\"features\":[",
                b",",
                b"]}",
            ),
            Layout::Lines => (
                b"{\"type\":\"FeatureCollection\",\"features\":[\n",
                b",\n",
                b"\n]}\n",
            ),
        }
    }
}

/// Parcels per block of [`write_parcels`]: each block is serialized on its own thread.
const BLOCK: usize = 2048;

/// [`parcels_to_geojson`] written straight to `w`: the features are serialized in parallel
/// blocks and written in order, so a million parcels never exist as one JSON tree; the bytes
/// are those of serializing the collection.
pub fn write_parcels(
    w: &mut dyn std::io::Write,
    parcels: &[Parcel],
    extra: impl Fn(usize, &Parcel) -> Properties + Sync,
    layout: Layout,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let (open, sep, close) = layout.framing();
    w.write_all(open)?;
    let blocks: Vec<usize> = (0..parcels.len()).step_by(BLOCK).collect();
    // A few blocks per thread at a time: enough to keep every core busy, little held.
    let window = 4 * rayon::current_num_threads().max(1);
    for starts in blocks.chunks(window) {
        let written: Vec<std::io::Result<Vec<u8>>> = starts
            .par_iter()
            .map(|&start| {
                let mut out = Vec::new();
                for (j, p) in parcels.iter().enumerate().skip(start).take(BLOCK) {
                    if j > 0 {
                        out.extend_from_slice(sep);
                    }
                    serde_json::to_writer(&mut out, &parcel_feature(p, extra(j, p)))?;
                }
                Ok(out)
            })
            .collect();
        for block in written {
            w.write_all(&block?)?;
        }
    }
    w.write_all(close)
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
    crate::io::write_atomic(parcels_path, |w| {
        write_parcels(w, parcels, |_, _| Default::default(), Layout::Lines)
    })?;
    let fc = sensitive_to_geojson(sensitive);
    crate::io::write_atomic(sensitive_path, |w| write_feature_collection(w, &fc))
}

/// Write a FeatureCollection one feature per line: stable bytes, readable diffs.
pub fn write_feature_collection(
    w: &mut dyn std::io::Write,
    fc: &geojson::FeatureCollection,
) -> std::io::Result<()> {
    let (open, sep, close) = Layout::Lines.framing();
    w.write_all(open)?;
    for (i, f) in fc.features.iter().enumerate() {
        if i > 0 {
            w.write_all(sep)?;
        }
        serde_json::to_writer(&mut *w, f)?;
    }
    w.write_all(close)
}

/// Round for output so files are byte-for-byte stable and readable.
pub fn round_to(v: f64, decimals: i32) -> f64 {
    let m = 10f64.powi(decimals);
    // Adding 0.0 turns -0.0 into 0.0, which would otherwise print as "-0".
    (v * m).round() / m + 0.0
}
