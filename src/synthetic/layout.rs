//! Geometry both kinds of scenario share: the plane-to-lon/lat placement, the road grid, blocks
//! cut into parcels on an integer-metre lattice, and the simple shapes sensitive areas are made of.

use super::enterprises::{Trade, company_name};
use super::random::{pick, uni, weighted};
use crate::io::geojson::round_to;
use crate::model::{GENERAL_CLUSTER, LandUse, M2_PER_MU, Parcel, ParcelStatus, SensitiveArea};
use geo::{Coord, GeodesicArea, Geometry, LineString, MultiPolygon, Polygon};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, json};

/// Park centre: the reclaimed east of Lingkun island.
const LON0: f64 = 120.87;
const LAT0: f64 = 27.96;
/// Metres per degree on the WGS84 ellipsoid at 27.96 N, fixed so the map is plain arithmetic
/// (the same on every platform). An equirectangular map: fine for synthetic data.
const M_PER_DEG_LON: f64 = 98_398.165;
const M_PER_DEG_LAT: f64 = 110_818.806;

/// Position in the local plane (metres east, north) to the affine lon/lat map.
#[derive(Clone, Copy)]
pub(super) struct Placement {
    /// Plane point that lands on the park centre.
    pub(super) cx: f64,
    pub(super) cy: f64,
    pub(super) cos: f64,
    pub(super) sin: f64,
}

impl Placement {
    pub(super) fn lonlat(&self, u: f64, v: f64) -> Coord<f64> {
        let (du, dv) = (u - self.cx, v - self.cy);
        let x = self.cos * du - self.sin * dv;
        let y = self.sin * du + self.cos * dv;
        Coord {
            x: round_to(LON0 + x / M_PER_DEG_LON, 7),
            y: round_to(LAT0 + y / M_PER_DEG_LAT, 7),
        }
    }
    pub(super) fn ring(&self, pts: &[(f64, f64)]) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = pts.iter().map(|&(u, v)| self.lonlat(u, v)).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }
    /// The polygon with outer ring `pts` (no holes), as a sensitive area's geometry.
    pub(super) fn polygon(&self, pts: &[(f64, f64)]) -> Geometry<f64> {
        Geometry::Polygon(Polygon::new(self.ring(pts), vec![]))
    }
}

/// An axis-aligned rectangle on the integer-metre lattice.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Rect {
    pub(super) fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    pub(super) fn h(&self) -> f64 {
        self.y1 - self.y0
    }
    fn mu(&self) -> f64 {
        self.w() * self.h() / M2_PER_MU
    }
}

/// Smallest parcel a split may leave (mu) and its shortest side (m).
const MIN_PIECE_MU: f64 = 12.0;
const MIN_SIDE_M: f64 = 45.0;
/// Largest parcel in the plane: inside the spec's 10-200 mu range with room for the scale
/// change of the fixed lon/lat map across a large tiled grid (about 1% at 2,000,000 parcels).
const MAX_PARCEL_MU: f64 = 195.0;

/// Cut a block into parcels near `target_mu` by guillotine cuts across the longer side, at whole
/// metres, never leaving a piece below 12 mu or above 200 mu.
fn subdivide(r: Rect, target_mu: f64, rng: &mut ChaCha8Rng, out: &mut Vec<Rect>) {
    let mu = r.mu();
    if mu <= MAX_PARCEL_MU && mu <= target_mu * 1.35 {
        out.push(r);
        return;
    }
    let across_y = r.h() > r.w();
    let (len, other) = if across_y {
        (r.h(), r.w())
    } else {
        (r.w(), r.h())
    };
    let min_len = (MIN_PIECE_MU * M2_PER_MU / other).max(MIN_SIDE_M).ceil();
    if len < 2.0 * min_len {
        out.push(r); // cannot be cut further; only reachable below 200 mu (see the bound above)
        return;
    }
    let cut = (len * uni(rng, 0.3, 0.7))
        .round()
        .clamp(min_len, len - min_len);
    let (a, b) = if across_y {
        (
            Rect {
                y1: r.y0 + cut,
                ..r
            },
            Rect {
                y0: r.y0 + cut,
                ..r
            },
        )
    } else {
        (
            Rect {
                x1: r.x0 + cut,
                ..r
            },
            Rect {
                x0: r.x0 + cut,
                ..r
            },
        )
    };
    subdivide(a, target_mu, rng, out);
    subdivide(b, target_mu, rng, out);
}

/// The ring of `r`, anticlockwise, with every corner of its block's other parcels that lies on
/// its edges inserted, so two neighbours share the very same vertices (no T-junctions).
fn parcel_ring(r: &Rect, corners: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let on = |f: &dyn Fn(&(f64, f64)) -> bool, key: &dyn Fn(&(f64, f64)) -> f64, desc: bool| {
        let mut v: Vec<(f64, f64)> = corners.iter().copied().filter(|c| f(c)).collect();
        v.sort_by(|a, b| key(a).total_cmp(&key(b)));
        if desc {
            v.reverse();
        }
        v
    };
    let mut ring = on(
        &|c| c.1 == r.y0 && c.0 >= r.x0 && c.0 < r.x1,
        &|c| c.0,
        false,
    );
    ring.extend(on(
        &|c| c.0 == r.x1 && c.1 >= r.y0 && c.1 < r.y1,
        &|c| c.1,
        false,
    ));
    ring.extend(on(
        &|c| c.1 == r.y1 && c.0 > r.x0 && c.0 <= r.x1,
        &|c| c.0,
        true,
    ));
    ring.extend(on(
        &|c| c.0 == r.x0 && c.1 > r.y0 && c.1 <= r.y1,
        &|c| c.1,
        true,
    ));
    ring
}

/// Zoning of one block.
pub(super) struct Zone {
    pub(super) land_use: LandUse,
    /// `None`: no cluster property (the parcel is `general`).
    pub(super) cluster: Option<&'static str>,
    /// Typical parcel size in the block, mu.
    pub(super) target_mu: f64,
}

pub(super) const CLUSTERS: [&str; 4] = [
    "electronics",
    "biomedicine",
    "mechatronics",
    "pharma_equipment",
];

pub(super) fn block_target_mu(r: &mut ChaCha8Rng) -> f64 {
    // Small-firm blocks, standard plots, and a few large single-tenant plots.
    match r.random_range(0..10) {
        0..=2 => uni(r, 14.0, 30.0),
        3..=6 => uni(r, 40.0, 90.0),
        _ => uni(r, 100.0, 190.0),
    }
}

/// Per-parcel planning attributes and properties.
fn parcel_from(
    index: usize,
    id: String,
    ring: &[(f64, f64)],
    at: &Placement,
    zone: &Zone,
    r: &mut ChaCha8Rng,
    name_prefix: &str,
) -> Parcel {
    let status = *weighted(
        r,
        &[
            (ParcelStatus::Available, 0.80),
            (ParcelStatus::Occupied, 0.13),
            (ParcelStatus::Reserved, 0.07),
        ],
    );
    let occupant = (status == ParcelStatus::Occupied).then(|| {
        let mut s = String::new();
        company_name(
            r,
            zone.cluster.map_or(Trade::Other, Trade::of_cluster),
            "",
            &mut s,
        );
        s
    });
    let max_far = (r.random::<f64>() < 0.35).then(|| *pick(r, &[1.2, 1.5, 2.0, 2.5, 3.0]));
    let poly = Polygon::new(at.ring(ring), vec![]);
    let geometry = MultiPolygon(vec![poly]);
    let area_m2 = geometry.geodesic_area_unsigned();
    let mut props = Map::new();
    props.insert("id".into(), json!(id));
    props.insert(
        "name".into(),
        json!(format!("{name_prefix}{} 地块 parcel", id)),
    );
    props.insert("land_use".into(), json!(zone.land_use.to_string()));
    if let Some(c) = zone.cluster {
        props.insert("cluster".into(), json!(c));
    }
    props.insert("status".into(), json!(status.to_string()));
    if let Some(o) = &occupant {
        props.insert("occupant".into(), json!(o));
    }
    if let Some(f) = max_far {
        props.insert("max_far".into(), json!(f));
    }
    props.insert("synthetic".into(), json!(true));
    Parcel {
        index,
        id,
        land_use: zone.land_use,
        cluster: zone.cluster.unwrap_or(GENERAL_CLUSTER).to_string(),
        status,
        occupant,
        max_far,
        geometry,
        area_m2,
        area_mu: area_m2 / M2_PER_MU,
        properties: props,
    }
}

/// Turn one block into parcels appended to `out`, at most `limit` of them.
#[allow(clippy::too_many_arguments)]
pub(super) fn emit_block(
    block: Rect,
    block_id: &str,
    zone: &Zone,
    at: &Placement,
    r: &mut ChaCha8Rng,
    out: &mut Vec<Parcel>,
    limit: usize,
    name_prefix: &str,
) {
    let mut rects = Vec::new();
    subdivide(block, zone.target_mu, r, &mut rects);
    let mut corners: Vec<(f64, f64)> = rects
        .iter()
        .flat_map(|q| [(q.x0, q.y0), (q.x1, q.y0), (q.x1, q.y1), (q.x0, q.y1)])
        .collect();
    corners.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    corners.dedup();
    for (k, q) in rects.iter().enumerate().take(limit) {
        let ring = parcel_ring(q, &corners);
        let id = format!("{block_id}-{:02}", k + 1);
        let p = parcel_from(out.len(), id, &ring, at, zone, r, name_prefix);
        out.push(p);
    }
}

/// Widths of blocks along one axis, with roads between: a 40 m trunk road after every third
/// block, 24 m roads otherwise. Returns (start, end) of each block.
pub(super) struct Axis {
    spans: Vec<(f64, f64)>,
    next: f64,
    min: u32,
    max: u32,
}

impl Axis {
    pub(super) fn new(min: u32, max: u32) -> Self {
        Axis {
            spans: Vec::new(),
            next: 0.0,
            min,
            max,
        }
    }
    pub(super) fn get(&mut self, i: usize, r: &mut ChaCha8Rng) -> (f64, f64) {
        while self.spans.len() <= i {
            let w = f64::from(r.random_range(self.min..=self.max));
            let start = self.next;
            self.spans.push((start, start + w));
            let road = if self.spans.len().is_multiple_of(3) {
                40.0
            } else {
                24.0
            };
            self.next = start + w + road;
        }
        self.spans[i]
    }
    pub(super) fn extent(&self) -> f64 {
        self.spans.last().map_or(0.0, |s| s.1)
    }
}

/// A star-shaped blob (so never self-intersecting) around (cx, cy) with radii rx, ry.
pub(super) fn blob(
    r: &mut ChaCha8Rng,
    cx: f64,
    cy: f64,
    rx: f64,
    ry: f64,
    n: usize,
) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let a = (i as f64 + uni(r, -0.25, 0.25)) / n as f64 * std::f64::consts::TAU;
            let k = uni(r, 0.82, 1.08);
            (
                (cx + rx * k * a.cos()).round(),
                (cy + ry * k * a.sin()).round(),
            )
        })
        .collect()
}

/// The corners of an axis-aligned rectangle, anticlockwise from the south-west.
pub(super) fn rect_pts(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

/// A sensitive area with its GeoJSON properties (id, kind, name, marked synthetic).
pub(super) fn area(
    index: usize,
    id: &str,
    kind: &str,
    name: &str,
    geometry: Geometry<f64>,
) -> SensitiveArea {
    let mut props = Map::new();
    props.insert("id".into(), json!(id));
    props.insert("kind".into(), json!(kind));
    props.insert("name".into(), json!(name));
    props.insert("synthetic".into(), json!(true));
    SensitiveArea {
        index,
        id: id.into(),
        name: Some(name.into()),
        kind: kind.into(),
        geometry,
        properties: props,
    }
}

#[cfg(test)]
mod tests {
    use super::super::random::{rng, stream};
    use super::*;

    /// Cutting a block tiles it exactly with parcels of 12-195 mu, and each parcel's ring carries
    /// every neighbour corner on its edges (no T-junctions, so shared edges are identical).
    #[test]
    fn blocks_are_tiled_exactly_within_the_size_range() {
        for seed in 0..40 {
            let mut r = rng(seed, stream::BLOCKS);
            let block = Rect {
                x0: 0.0,
                y0: 0.0,
                x1: f64::from(r.random_range(330..=520u32)),
                y1: f64::from(r.random_range(260..=400u32)),
            };
            let target = block_target_mu(&mut r);
            let mut rects = Vec::new();
            subdivide(block, target, &mut r, &mut rects);
            let total: f64 = rects.iter().map(|q| q.w() * q.h()).sum();
            assert_eq!(
                total,
                block.w() * block.h(),
                "seed {seed}: pieces do not tile the block"
            );
            let corners: Vec<(f64, f64)> = rects
                .iter()
                .flat_map(|q| [(q.x0, q.y0), (q.x1, q.y0), (q.x1, q.y1), (q.x0, q.y1)])
                .collect();
            for q in &rects {
                assert!(
                    (MIN_PIECE_MU..=MAX_PARCEL_MU).contains(&q.mu()),
                    "seed {seed}: {} mu",
                    q.mu()
                );
                let ring = parcel_ring(q, &corners);
                for c in &corners {
                    let on_edge = (c.0 == q.x0 || c.0 == q.x1) && (q.y0..=q.y1).contains(&c.1)
                        || (c.1 == q.y0 || c.1 == q.y1) && (q.x0..=q.x1).contains(&c.0);
                    assert_eq!(
                        on_edge,
                        ring.contains(c),
                        "seed {seed}: corner {c:?} of {q:?}"
                    );
                }
            }
        }
    }
}
