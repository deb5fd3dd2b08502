//! The bundled scenario's synthetic context layer (`parcels/lingkun-context.geojson`): an outline
//! of Lingkun island around the park and its villages, the Oujiang estuary around it, the south
//! bank of the mainland, and the old urban districts of Longwan where the urban enterprises sit.
//! Invented shapes for orientation on the maps (published maps of China need the surveying
//! authority's approval, so no real boundary data ships): every feature says `synthetic: true`.

use super::URBAN_AREAS;
use super::lingkun::lingkun_park;
use crate::frame::LocalFrame;
use crate::io::geojson::round_to;
use geo::{
    BooleanOps, Buffer, ConvexHull, Coord, MapCoords, MultiPoint, MultiPolygon, Point, Polygon,
};
use serde_json::json;

/// The south bank (Longwan, mainland) as a lon/lat ring, west of and below the island.
const MAINLAND: &[(f64, f64)] = &[
    (120.70, 28.005),
    (120.772, 27.998),
    (120.788, 27.978),
    (120.797, 27.952),
    (120.815, 27.936),
    (120.845, 27.931),
    (120.872, 27.921),
    (120.96, 27.915),
    (120.96, 27.88),
    (120.70, 27.88),
];

/// The box the estuary fills (lon/lat): beyond it the maps show nothing.
const ESTUARY: (f64, f64, f64, f64) = (120.70, 27.88, 120.96, 28.03);

fn ring(pts: &[(f64, f64)]) -> Polygon<f64> {
    Polygon::new(pts.to_vec().into(), vec![])
}

fn rounded(g: MultiPolygon<f64>) -> MultiPolygon<f64> {
    g.map_coords(|c| Coord {
        x: round_to(c.x, 6),
        y: round_to(c.y, 6),
    })
}

/// The context layer's features as a FeatureCollection (seed: the park's, so the island fits it).
pub fn lingkun_context(seed: u64) -> geojson::FeatureCollection {
    let (parcels, sensitive) = lingkun_park(seed);
    let frame = LocalFrame::new(120.87, 27.96);
    // The island: the hull of the park and its villages, schools and reservoir, 250 m wider.
    let pts: MultiPoint<f64> = parcels
        .iter()
        .flat_map(|p| p.geometry.0.iter().flat_map(|q| q.exterior().0.clone()))
        .chain(
            sensitive
                .iter()
                .filter(|s| s.kind != "wetland")
                .flat_map(|s| geo::CoordsIter::coords_iter(&s.geometry).collect::<Vec<_>>()),
        )
        .map(|c| Point(frame.project(c)))
        .collect();
    let hull = pts.convex_hull().buffer(250.0);
    let island = rounded(frame.unproject_geometry(&hull));
    let mainland = MultiPolygon(vec![ring(MAINLAND)]);
    let (w, s, e, n) = ESTUARY;
    let bbox = ring(&[(w, s), (e, s), (e, n), (w, n), (w, s)]);
    let water = rounded(
        MultiPolygon(vec![bbox])
            .difference(&island)
            .difference(&mainland),
    );
    let mut features = vec![
        feature(&water, "water", "瓯江口 Oujiang estuary (synthetic)"),
        feature(
            &mainland,
            "coastline",
            "龙湾 南岸 Longwan, south bank (synthetic)",
        ),
        feature(
            &island,
            "coastline",
            "灵昆岛 Lingkun island (synthetic outline)",
        ),
    ];
    for (name, lon, lat, spread) in URBAN_AREAS {
        let c = frame.project(Coord { x: *lon, y: *lat });
        let r = spread * 98_400.0;
        let blob = Point(c).buffer(r);
        let district = rounded(frame.unproject_geometry(&blob).intersection(&mainland));
        features.push(feature(
            &district,
            "urban",
            &format!("{name} 老城区 old urban district (synthetic)"),
        ));
    }
    geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    }
}

fn feature(g: &MultiPolygon<f64>, kind: &str, name: &str) -> geojson::Feature {
    let props = json!({ "kind": kind, "name": name, "synthetic": true });
    geojson::Feature {
        geometry: Some(geojson::Geometry::from(&geo::Geometry::MultiPolygon(
            g.clone(),
        ))),
        properties: props.as_object().cloned(),
        ..Default::default()
    }
}
