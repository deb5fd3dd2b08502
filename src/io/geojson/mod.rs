//! Parcels, sensitive areas and context features from GeoJSON, validated feature by feature;
//! the same validation reads the features of Shapefiles and GeoPackages ([`crate::io::source`]).
//!
//! The `geojson` crate parses each feature; geometry is then converted by hand so every problem
//! can name the feature, the ring and the position at fault, and so projected coordinates
//! (metres mistaken for degrees) are recognised as such instead of being silently misplaced.
//! A `crs` member naming a supported CRS (GDAL writes one for any CRS but WGS84) is honoured.

pub(crate) mod context;
mod duplicates;
mod features;
pub(crate) mod geometry;
pub(crate) mod parcels;
pub(crate) mod reader;
pub(crate) mod sensitive;
mod stream;
mod write;

pub(crate) use features::{feature_id, source};
pub use parcels::{load_parcels, read_parcels};
pub use sensitive::{load_sensitive, read_sensitive};
pub use write::{
    Layout, parcels_to_geojson, round_to, sensitive_to_geojson, write_feature_collection,
    write_parcels, write_park,
};

use crate::error::Problems;
use crate::io::source::{self as src, RawFeature};
use serde_json::{Map, Value};
use std::path::Path;

type Properties = Map<String, Value>;

/// A GeoJSON text's features in WGS84 (its `crs` member honoured) and the problems of the
/// collection itself, which do not stop the features being checked; a CRS that cannot be used
/// stops here, as one problem.
fn wgs84_features(path: &Path, text: &str) -> Result<(Vec<RawFeature>, Problems), Problems> {
    let mut problems = Problems::default();
    let Some(mut source) = source(path, text, &mut problems) else {
        return Err(problems);
    };
    if problems.0.iter().any(|p| p.field.as_deref() == Some("crs")) {
        return Err(problems);
    }
    let crs = source.declared.clone();
    if let Err(e) = src::to_wgs84(path, &mut source, crs.as_ref()) {
        problems.push(e);
        return Err(problems);
    }
    Ok((source.features, problems))
}
