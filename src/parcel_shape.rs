//! What a parcel's shape must be beyond simple rings ([`crate::rings`]): some area, a longitude
//! span that does not wrap round the antimeridian, and the parts of a MultiPolygon apart from
//! each other. Each would otherwise give a silently wrong area: a zero-area parcel that fits no
//! request, a parcel "across 180°" measured the long way round the Earth, overlapping parts
//! counted twice.
//!
//! ```
//! use geo::{MultiPolygon, polygon};
//! use parkplan::parcel_shape::check_parcel_shape;
//!
//! let a = polygon![(x: 120.0, y: 28.0), (x: 120.001, y: 28.0), (x: 120.001, y: 28.001), (x: 120.0, y: 28.001)];
//! let b = polygon![(x: 120.0005, y: 28.0), (x: 120.002, y: 28.0), (x: 120.002, y: 28.001), (x: 120.0005, y: 28.001)];
//! assert!(check_parcel_shape(&MultiPolygon(vec![a.clone()])).is_ok());
//! let err = check_parcel_shape(&MultiPolygon(vec![a, b])).unwrap_err();
//! assert!(err.contains("parts 0 and 1 overlap"), "{err}");
//! ```

use geo::{BooleanOps, BoundingRect, GeodesicArea, Intersects, MultiPolygon};

/// Overlaps and areas below this (square metres) are rounding, not shape: two parts that only
/// share an edge give an intersection of about 1e-6 m² after the polygon clipping.
const NEGLIGIBLE_M2: f64 = 0.01;

/// The parcel's area in square metres when it has one, stays on one side of the antimeridian and
/// its parts do not overlap; otherwise what is wrong and what was expected.
pub fn check_parcel_shape(shape: &MultiPolygon<f64>) -> Result<f64, String> {
    if let Some(r) = shape.bounding_rect()
        && r.width() > 180.0
    {
        return Err(format!(
            "spans {:.1}° of longitude ({} to {}): a shape crossing the antimeridian (180°) must be split there into two polygons (RFC 7946 section 3.1.9)",
            r.width(),
            r.min().x,
            r.max().x
        ));
    }
    let area = shape.geodesic_area_unsigned();
    if area < NEGLIGIBLE_M2 {
        return Err(format!(
            "has no area ({area:.3} m2): expected a parcel of some size, not a line or a point"
        ));
    }
    let parts = &shape.0;
    let boxes: Vec<_> = parts.iter().map(BoundingRect::bounding_rect).collect();
    for i in 0..parts.len() {
        for j in i + 1..parts.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else {
                continue;
            };
            if !a.intersects(&b) {
                continue;
            }
            let shared = parts[i].intersection(&parts[j]).geodesic_area_unsigned();
            if shared >= NEGLIGIBLE_M2 {
                return Err(format!(
                    "parts {i} and {j} overlap by {shared:.1} m2 (their area would be counted twice): expected the parts of a MultiPolygon to be apart; merge them into one polygon"
                ));
            }
        }
    }
    Ok(area)
}
