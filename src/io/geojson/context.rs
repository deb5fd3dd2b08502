//! Context features (`--context`): boundaries, roads, water, coastlines and urban districts drawn
//! under the maps. Any geometry is accepted; only the coordinates are checked, since nothing is
//! computed from these shapes.

use super::reader::{FeatureCheck, WhenEmpty, read_collection};
use crate::error::{Problems, Warning};
use crate::io::fields::{self, Field};
use crate::io::source::RawFeature;
use crate::model::{ContextFeature, ContextKind, ContextLayer};
use geo::CoordsIter;
use std::path::Path;

/// A context layer from features already in WGS84. A feature's kind comes from its `kind` (or
/// `类型`) property; without one, or with a value that names none, it is drawn as `other`.
pub(crate) fn context_from(
    path: &Path,
    features: Vec<RawFeature>,
    problems: Problems,
) -> Result<(ContextLayer, Vec<Warning>), Problems> {
    let synthetic = !features.is_empty()
        && features
            .iter()
            .all(|f| f.properties.get("synthetic") == Some(&serde_json::Value::Bool(true)));
    let (features, warnings) = read_collection(
        path,
        features,
        problems,
        WhenEmpty::Warning("no features: the context layer draws nothing"),
        read_feature,
    )?;
    Ok((
        ContextLayer {
            source: crate::io::shown_path(path),
            features,
            synthetic,
        },
        warnings,
    ))
}

fn read_feature(f: RawFeature, check: &mut FeatureCheck) -> Option<ContextFeature> {
    let kind = check
        .text(&f.properties, Field::Kind)
        .and_then(fields::context_kind)
        .unwrap_or(ContextKind::Other);
    let name = check.text(&f.properties, Field::Name).map(str::to_string);
    let g = f.geometry?;
    let geometry = check.ok(
        "geometry",
        geo::Geometry::<f64>::try_from(g).map_err(|e| format!("not a usable geometry: {e}")),
    )?;
    let outside = geometry
        .coords_iter()
        .find(|c| !(c.x.is_finite() && c.y.is_finite() && c.x.abs() <= 180.0 && c.y.abs() <= 90.0));
    if let Some(c) = outside {
        check.bad(
            "geometry",
            format!(
                "[{}, {}] is outside lon [-180, 180] / lat [-90, 90]",
                c.x, c.y
            ),
        );
        return None;
    }
    Some(ContextFeature {
        kind,
        name,
        geometry,
    })
}
