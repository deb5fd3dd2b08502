//! Parcels and sensitive areas from RFC 7946 GeoJSON, validated feature by feature.
//!
//! The `geojson` crate parses each feature; geometry is then converted by hand so every problem
//! can name the feature, the ring and the position at fault, and so projected coordinates
//! (metres mistaken for degrees) are recognised as such instead of being silently misplaced.

mod features;
mod geometry;
mod parcels;
mod reader;
mod sensitive;
mod write;

pub use parcels::{load_parcels, read_parcels};
pub use sensitive::{load_sensitive, read_sensitive};
pub use write::{
    parcels_to_geojson, round_to, sensitive_to_geojson, write_feature_collection, write_park,
};

use serde_json::{Map, Value};

type Properties = Map<String, Value>;
