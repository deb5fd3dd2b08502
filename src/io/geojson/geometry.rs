//! GeoJSON geometry to `geo` types, by hand so every problem names the ring and the position at
//! fault, and projected coordinates (metres mistaken for degrees) are recognised as such.

use crate::rings::check_ring;
use geo::{Coord, Geometry, LineString, MultiPoint, MultiPolygon, Orient, Point, Polygon};
use geojson::{GeometryValue, Position};

/// One position as a WGS84 lon/lat coordinate; `at` names it in the error.
fn coord(p: &Position, at: &str) -> Result<Coord<f64>, String> {
    coord_at(p, || at.to_string())
}

/// [`coord`] with the name made only when there is an error (a file has millions of positions).
fn coord_at(p: &Position, at: impl FnOnce() -> String) -> Result<Coord<f64>, String> {
    let s = p.as_slice();
    if s.len() >= 2
        && s[0].is_finite()
        && s[1].is_finite()
        && s[0].abs() <= 180.0
        && s[1].abs() <= 90.0
    {
        return Ok(Coord { x: s[0], y: s[1] });
    }
    let at = at();
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

/// One ring of positions, closed and simple (see [`check_ring`]); `at` names it in errors.
fn ring(positions: &[Position], at: &str) -> Result<LineString<f64>, String> {
    let coords = positions
        .iter()
        .enumerate()
        .map(|(i, p)| coord_at(p, || format!("{at}[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;
    let ls = LineString::new(coords);
    check_ring(&ls).map_err(|p| format!("{at}: ring {p}"))?;
    Ok(ls)
}

/// One polygon: exterior ring first, then holes, which must lie inside it; wound the default way.
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

/// A Polygon or MultiPolygon as a MultiPolygon: the only shapes a parcel may have.
pub(super) fn polygons(value: &GeometryValue) -> Result<MultiPolygon<f64>, String> {
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

/// A sensitive area's shape: Polygon, MultiPolygon, Point or MultiPoint, kept as its own kind
/// (a one-polygon MultiPolygon becomes a Polygon).
pub(super) fn area_geometry(value: &GeometryValue) -> Result<Geometry<f64>, String> {
    match value {
        GeometryValue::Point { coordinates } => {
            coord(coordinates, "coordinates").map(|c| Geometry::Point(Point(c)))
        }
        GeometryValue::MultiPoint { coordinates } if coordinates.is_empty() => {
            Err("coordinates: a MultiPoint needs at least one position".into())
        }
        GeometryValue::MultiPoint { coordinates } => coordinates
            .iter()
            .enumerate()
            .map(|(i, p)| coord_at(p, || format!("coordinates[{i}]")).map(Point))
            .collect::<Result<Vec<_>, _>>()
            .map(|pts| Geometry::MultiPoint(MultiPoint(pts))),
        GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. } => {
            polygons(value).map(|mp| {
                if mp.0.len() == 1 {
                    Geometry::Polygon(mp.0[0].clone())
                } else {
                    Geometry::MultiPolygon(mp)
                }
            })
        }
        other => Err(format!(
            "expected a Polygon, MultiPolygon, Point or MultiPoint, got a {}",
            other.type_name()
        )),
    }
}
