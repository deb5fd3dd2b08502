//! Seeded synthetic scenarios: the bundled Lingkun park and registries, and scenarios of any
//! size for tests and benchmarks (`parkplan gen`).
//!
//! Everything comes from ChaCha8 streams seeded from one `u64`, and every number written is
//! rounded (coordinates to 7 decimals, about 1 cm; money to 2), so the same seed gives the same
//! bytes. Geometry is built in a local metric plane on an integer-metre lattice and mapped to
//! lon/lat by a fixed affine map (no trigonometry at run time), so neighbouring parcels share
//! their edges exactly and never overlap.
//!
//! The data is synthetic: names, figures and the layout are invented to look like the plan for
//! the reclaimed east of Lingkun island (Oujiang estuary, Wenzhou); nothing describes a real
//! enterprise.

use crate::io::geojson::round_to;
use crate::model::{
    Categorical, Enterprise, GENERAL_CLUSTER, HightechLevel, IndustryCode, LandUse, M2_PER_MU,
    Parcel, ParcelStatus, PollutionClass, SensitiveArea,
};
use chrono::{Datelike, NaiveDate};
use geo::{Coord, GeodesicArea, Geometry, LineString, MultiPolygon, Point, Polygon};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, json};
use std::io::Write;

/// The seed the bundled Lingkun scenario is generated with (`parkplan gen --lingkun`).
pub const LINGKUN_SEED: u64 = 2026;

/// Park centre: the reclaimed east of Lingkun island.
const LON0: f64 = 120.87;
const LAT0: f64 = 27.96;
/// Metres per degree on the WGS84 ellipsoid at 27.96 N, fixed so the map is plain arithmetic
/// (the same on every platform). An equirectangular map: fine for synthetic data.
const M_PER_DEG_LON: f64 = 98_398.165;
const M_PER_DEG_LAT: f64 = 110_818.806;
/// The Lingkun grid is turned 10 degrees anticlockwise, along the island's axis.
const COS10: f64 = 0.984_807_753_012_208;
const SIN10: f64 = 0.173_648_177_666_930_33;

/// Largest scenario `gen` makes; beyond it the tiled grid would leave valid lon/lat.
pub const MAX_PARCELS: usize = 2_000_000;
pub const MAX_SENSITIVE: usize = 1_000_000;

/// Independent random streams, so changing one part of a scenario leaves the others alone.
mod stream {
    pub const GRID: u64 = 1;
    pub const BLOCKS: u64 = 2;
    pub const SENSITIVE: u64 = 3;
    pub const APPLICANTS: u64 = 4;
    pub const URBAN: u64 = 5;
    /// Chunks of large registries use streams from here up (one per chunk).
    pub const CHUNKS: u64 = 1 << 32;
}

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(stream);
    r
}

fn uni(r: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    a + (b - a) * r.random::<f64>()
}

/// Log-uniform: sizes and money spread over orders of magnitude.
fn logu(r: &mut ChaCha8Rng, a: f64, b: f64) -> f64 {
    (a.ln() + (b.ln() - a.ln()) * r.random::<f64>()).exp()
}

fn pick<'a, T>(r: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[r.random_range(0..items.len())]
}

/// Weighted choice; weights need not sum to 1.
fn weighted<'a, T>(r: &mut ChaCha8Rng, items: &'a [(T, f64)]) -> &'a T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return item;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

/// Position in the local plane (metres east, north) to the affine lon/lat map.
#[derive(Clone, Copy)]
struct Placement {
    /// Plane point that lands on the park centre.
    cx: f64,
    cy: f64,
    cos: f64,
    sin: f64,
}

impl Placement {
    fn lonlat(&self, u: f64, v: f64) -> Coord<f64> {
        let (du, dv) = (u - self.cx, v - self.cy);
        let x = self.cos * du - self.sin * dv;
        let y = self.sin * du + self.cos * dv;
        Coord {
            x: round_to(LON0 + x / M_PER_DEG_LON, 7),
            y: round_to(LAT0 + y / M_PER_DEG_LAT, 7),
        }
    }
    fn ring(&self, pts: &[(f64, f64)]) -> LineString<f64> {
        let mut coords: Vec<Coord<f64>> = pts.iter().map(|&(u, v)| self.lonlat(u, v)).collect();
        coords.push(coords[0]);
        LineString::new(coords)
    }
}

/// An axis-aligned rectangle on the integer-metre lattice.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rect {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Rect {
    fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    fn h(&self) -> f64 {
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
struct Zone {
    land_use: LandUse,
    /// `None`: no cluster property (the parcel is `general`).
    cluster: Option<&'static str>,
    /// Typical parcel size in the block, mu.
    target_mu: f64,
}

const CLUSTERS: [&str; 4] = [
    "electronics",
    "biomedicine",
    "mechatronics",
    "pharma_equipment",
];

fn block_target_mu(r: &mut ChaCha8Rng) -> f64 {
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
fn emit_block(
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
struct Axis {
    spans: Vec<(f64, f64)>,
    next: f64,
    min: u32,
    max: u32,
}

impl Axis {
    fn new(min: u32, max: u32) -> Self {
        Axis {
            spans: Vec::new(),
            next: 0.0,
            min,
            max,
        }
    }
    fn get(&mut self, i: usize, r: &mut ChaCha8Rng) -> (f64, f64) {
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
    fn extent(&self) -> f64 {
        self.spans.last().map_or(0.0, |s| s.1)
    }
}

// ---------------------------------------------------------------------------------------------
// The bundled Lingkun park

/// Columns and rows of the Lingkun block grid.
const LK_COLS: usize = 9;
const LK_ROWS: usize = 7;

/// Zoning of the Lingkun park: general M1 next to the villages in the west; electronics north
/// and mechatronics south in the middle; pharma equipment and biomedicine (mostly M2) in the
/// east, farthest from where people live.
fn lingkun_zone(col: usize, row: usize, r: &mut ChaCha8Rng) -> Zone {
    let north = row >= LK_ROWS / 2;
    let target_mu = block_target_mu(r);
    let (mut land_use, mut cluster) = match col {
        0 => (LandUse::M1, None),
        1..=2 => (LandUse::M1, if north { Some("electronics") } else { None }),
        3..=5 if north => (LandUse::M1, Some("electronics")),
        3..=5 => (
            if r.random::<f64>() < 0.4 {
                LandUse::M2
            } else {
                LandUse::M1
            },
            Some("mechatronics"),
        ),
        _ if north => (
            if r.random::<f64>() < 0.5 {
                LandUse::M2
            } else {
                LandUse::M1
            },
            Some("pharma_equipment"),
        ),
        _ => (
            if r.random::<f64>() < 0.8 {
                LandUse::M2
            } else {
                LandUse::M1
            },
            Some("biomedicine"),
        ),
    };
    if col > 0 && r.random::<f64>() < 0.12 {
        cluster = None; // a few general-purpose blocks throughout
    }
    if col <= 2 {
        land_use = LandUse::M1;
    }
    Zone {
        land_use,
        cluster,
        target_mu,
    }
}

/// Block slots left without parcels: a central green and a utilities block.
fn lingkun_skip(col: usize, row: usize) -> bool {
    (col == 4 && row == 3) || (col == 8 && row == 0)
}

/// The bundled park: parcels on a 9 x 7 block grid and the sensitive areas around it.
pub fn lingkun_park(seed: u64) -> (Vec<Parcel>, Vec<SensitiveArea>) {
    let mut grid_rng = rng(seed, stream::GRID);
    let mut block_rng = rng(seed, stream::BLOCKS);
    let mut cols = Axis::new(330, 520);
    let mut rows = Axis::new(260, 400);
    for i in 0..LK_COLS {
        cols.get(i, &mut grid_rng);
    }
    for j in 0..LK_ROWS {
        rows.get(j, &mut grid_rng);
    }
    let (w, h) = (cols.extent(), rows.extent());
    let at = Placement {
        cx: w / 2.0,
        cy: h / 2.0,
        cos: COS10,
        sin: SIN10,
    };
    let mut parcels = Vec::new();
    for row in 0..LK_ROWS {
        for col in 0..LK_COLS {
            let zone = lingkun_zone(col, row, &mut block_rng);
            if lingkun_skip(col, row) {
                continue;
            }
            let (x0, x1) = cols.get(col, &mut grid_rng);
            let (y0, y1) = rows.get(row, &mut grid_rng);
            // Blocks lettered A.. from the south, numbered 01.. from the west.
            let block_id = format!("LK-{}{:02}", (b'A' + row as u8) as char, col + 1);
            emit_block(
                Rect { x0, y0, x1, y1 },
                &block_id,
                &zone,
                &at,
                &mut block_rng,
                &mut parcels,
                usize::MAX,
                "灵昆高新园 ",
            );
        }
    }
    let sensitive = lingkun_sensitive(seed, w, h, &at);
    (parcels, sensitive)
}

/// A star-shaped blob (so never self-intersecting) around (cx, cy) with radii rx, ry.
fn blob(r: &mut ChaCha8Rng, cx: f64, cy: f64, rx: f64, ry: f64, n: usize) -> Vec<(f64, f64)> {
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

/// Shift a shape so its easternmost point sits at `east` (metres in the plane).
fn east_edge_at(mut pts: Vec<(f64, f64)>, east: f64) -> Vec<(f64, f64)> {
    let max = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
    for p in &mut pts {
        p.0 += east - max;
    }
    pts
}

fn rect_pts(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<(f64, f64)> {
    vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
}

fn area(index: usize, id: &str, kind: &str, name: &str, geometry: Geometry<f64>) -> SensitiveArea {
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

/// Sensitive areas around the Lingkun park (plane: park from (0,0) to (w,h)). Villages of
/// Lingkun town lie west; the nearest hamlet is 35 m from the first column of blocks (so even
/// light industry loses some parcels), others 150-300 m (moderate industry loses them); the
/// estuary tidal flat runs along the south shore 60-260 m from the southern blocks; the
/// reservoir lies north, 250-450 m off.
fn lingkun_sensitive(seed: u64, w: f64, h: f64, at: &Placement) -> Vec<SensitiveArea> {
    let mut r = rng(seed, stream::SENSITIVE);
    let mut out = Vec::new();
    let poly = |pts: Vec<(f64, f64)>| Geometry::Polygon(Polygon::new(at.ring(&pts), vec![]));
    // id, name, centre (m), radii (m), and where its east edge is pinned.
    type Village<'a> = (&'a str, &'a str, f64, f64, f64, f64, Option<f64>);
    let villages: [Village; 5] = [
        (
            "LK-RES-01",
            "灵昆村 Lingkun village",
            -2200.0,
            0.5 * h,
            420.0,
            300.0,
            None,
        ),
        (
            "LK-RES-02",
            "北段村 Beiduan village",
            -1500.0,
            0.93 * h,
            300.0,
            190.0,
            None,
        ),
        (
            "LK-RES-03",
            "南段村 Nanduan village",
            -1400.0,
            0.12 * h,
            320.0,
            200.0,
            None,
        ),
        (
            "LK-RES-04",
            "中段村 Zhongduan village",
            -430.0,
            0.62 * h,
            250.0,
            180.0,
            Some(-180.0),
        ),
        (
            "LK-RES-05",
            "东段自然村 Dongduan hamlet",
            -160.0,
            0.3 * h,
            120.0,
            90.0,
            Some(-35.0),
        ),
    ];
    for (id, name, cx, cy, rx, ry, east) in villages {
        let mut pts = blob(&mut r, cx, cy, rx, ry, 11);
        if let Some(e) = east {
            pts = east_edge_at(pts, e);
        }
        out.push(area(out.len(), id, "residential", name, poly(pts)));
    }
    out.push(area(
        out.len(),
        "LK-SCH-01",
        "school",
        "灵昆中学 Lingkun middle school",
        poly(rect_pts(-1090.0, 0.3 * h - 65.0, -910.0, 0.3 * h + 65.0)),
    ));
    out.push(area(
        out.len(),
        "LK-SCH-02",
        "school",
        "灵昆第二小学 Lingkun No. 2 primary school",
        Geometry::Point(Point(at.lonlat(-250.0, (0.85 * h).round()))),
    ));
    out.push(area(
        out.len(),
        "LK-HOS-01",
        "hospital",
        "灵昆街道社区卫生服务中心 Lingkun community health centre",
        poly(rect_pts(
            -1750.0,
            (0.7 * h).round() - 40.0,
            -1650.0,
            (0.7 * h).round() + 40.0,
        )),
    ));
    // South shore: the tidal flat of the Oujiang estuary's south branch, a long strip whose
    // landward edge wanders 60-260 m from the southern row of blocks.
    let mut north_edge = Vec::new();
    let mut u = -3500.0;
    while u <= w + 200.0 {
        let gap = 160.0 + 100.0 * (u / 900.0 + 0.7).sin() * uni(&mut r, 0.8, 1.0);
        north_edge.push((u, -gap.round()));
        u += 250.0;
    }
    let mut south_edge: Vec<(f64, f64)> = north_edge
        .iter()
        .map(|&(u, _)| (u, -(uni(&mut r, 650.0, 900.0)).round()))
        .collect();
    south_edge.reverse();
    let mut strip = south_edge;
    strip.extend(north_edge);
    let strip = if signed_area(&strip) < 0.0 {
        strip.into_iter().rev().collect()
    } else {
        strip
    };
    out.push(area(
        out.len(),
        "LK-WET-01",
        "wetland",
        "瓯江口南岸潮间带湿地 Oujiang estuary tidal flat",
        poly(strip),
    ));
    // East shore: the shoal beyond the new seawall.
    let mut west_edge = Vec::new();
    let mut v = -50.0;
    while v <= h + 400.0 {
        west_edge.push((w + uni(&mut r, 180.0, 420.0).round(), v));
        v += 300.0;
    }
    let mut east = vec![(w + 1100.0, h + 400.0), (w + 1100.0, -50.0)];
    east.extend(west_edge);
    let east = if signed_area(&east) < 0.0 {
        east.into_iter().rev().collect()
    } else {
        east
    };
    out.push(area(
        out.len(),
        "LK-WET-02",
        "wetland",
        "灵昆东滩湿地 Lingkun east shoal wetland",
        poly(east),
    ));
    let reservoir = blob(&mut r, (0.35 * w).round(), h + 420.0, 260.0, 150.0, 12);
    out.push(area(
        out.len(),
        "LK-WAT-01",
        "water_source",
        "灵昆水库 Lingkun reservoir (water source)",
        poly(reservoir),
    ));
    out
}

fn signed_area(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| pts[i].0 * pts[(i + 1) % n].1 - pts[(i + 1) % n].0 * pts[i].1)
        .sum::<f64>()
        / 2.0
}

// ---------------------------------------------------------------------------------------------
// Scenarios of any size

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub parcels: usize,
    pub sensitive: usize,
}

/// Why a size cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("--parcels: expected at least 1 parcel, got 0 (a park needs land)")]
    NoParcels,
    #[error(
        "--parcels: at most {MAX_PARCELS} parcels fit in valid lon/lat around Lingkun, got {0}"
    )]
    TooManyParcels(usize),
    #[error("--sensitive: at most {MAX_SENSITIVE} sensitive areas, got {0}")]
    TooManySensitive(usize),
}

impl Size {
    pub fn check(&self) -> Result<(), SizeError> {
        if self.parcels == 0 {
            return Err(SizeError::NoParcels);
        }
        if self.parcels > MAX_PARCELS {
            return Err(SizeError::TooManyParcels(self.parcels));
        }
        if self.sensitive > MAX_SENSITIVE {
            return Err(SizeError::TooManySensitive(self.sensitive));
        }
        Ok(())
    }
}

/// Mean parcels per block, to spread sensitive slots evenly through the grid.
const PARCELS_PER_BLOCK: f64 = 6.0;

/// A park of exactly `size.parcels` parcels and `size.sensitive` sensitive polygons on one road
/// grid centred on Lingkun: each block slot holds either a block of parcels or a sensitive area
/// (village, school, hospital, wetland, reservoir) set back 0-80 m inside its slot, so buffers
/// across a 24-40 m road bite. The grid is about square; 100,000 parcels span about 80 km.
///
/// ```
/// use parkplan::synthetic::{park, Size};
/// let (parcels, sensitive) = park(Size { parcels: 50, sensitive: 5 }, 1).unwrap();
/// assert_eq!((parcels.len(), sensitive.len()), (50, 5));
/// assert!(parcels.iter().all(|p| (10.0..=200.0).contains(&p.area_mu)));
/// assert!(park(Size { parcels: 0, sensitive: 5 }, 1).is_err());
/// ```
pub fn park(size: Size, seed: u64) -> Result<(Vec<Parcel>, Vec<SensitiveArea>), SizeError> {
    size.check()?;
    let mut grid_rng = rng(seed, stream::GRID);
    let mut block_rng = rng(seed, stream::BLOCKS);
    let mut sens_rng = rng(seed, stream::SENSITIVE);
    let slots = size.parcels as f64 / PARCELS_PER_BLOCK + size.sensitive as f64;
    let ncols = (slots.sqrt().ceil() as usize).max(1);
    let mut cols = Axis::new(330, 520);
    let mut rows = Axis::new(260, 400);
    for i in 0..ncols {
        cols.get(i, &mut grid_rng);
    }
    // Centre the grid on Lingkun: its expected height is known from the slot count.
    let est_rows = (slots / ncols as f64).ceil().max(1.0);
    let at = Placement {
        cx: cols.extent() / 2.0,
        cy: est_rows * (330.0 + 29.0) / 2.0,
        cos: 1.0,
        sin: 0.0,
    };
    let mut parcels = Vec::with_capacity(size.parcels);
    let mut sensitive = Vec::with_capacity(size.sensitive);
    let mut slot = 0usize;
    while parcels.len() < size.parcels || sensitive.len() < size.sensitive {
        let (row, col) = (slot / ncols, slot % ncols);
        slot += 1;
        let (x0, x1) = cols.get(col, &mut grid_rng);
        let (y0, y1) = rows.get(row, &mut grid_rng);
        let rect = Rect { x0, y0, x1, y1 };
        let left_s = (size.sensitive - sensitive.len()) as f64;
        let left_b = (size.parcels - parcels.len()) as f64 / PARCELS_PER_BLOCK;
        if left_s > 0.0 && sens_rng.random::<f64>() * (left_s + left_b) < left_s {
            let i = sensitive.len();
            sensitive.push(slot_sensitive(i, rect, &at, &mut sens_rng));
        } else if left_b > 0.0 {
            let zone = generic_zone(&mut block_rng);
            let block_id = format!("G{row:04}{col:04}");
            let limit = size.parcels - parcels.len();
            emit_block(
                rect,
                &block_id,
                &zone,
                &at,
                &mut block_rng,
                &mut parcels,
                limit,
                "",
            );
        }
    }
    Ok((parcels, sensitive))
}

fn generic_zone(r: &mut ChaCha8Rng) -> Zone {
    let cluster = if r.random::<f64>() < 0.2 {
        None
    } else {
        Some(*pick(r, &CLUSTERS))
    };
    let land_use = if r.random::<f64>() < 0.35 {
        LandUse::M2
    } else {
        LandUse::M1
    };
    Zone {
        land_use,
        cluster,
        target_mu: block_target_mu(r),
    }
}

fn slot_sensitive(i: usize, slot: Rect, at: &Placement, r: &mut ChaCha8Rng) -> SensitiveArea {
    let kind = *weighted(
        r,
        &[
            ("residential", 0.5),
            ("school", 0.1),
            ("hospital", 0.05),
            ("wetland", 0.2),
            ("water_source", 0.15),
        ],
    );
    let inset = f64::from(r.random_range(0..=80u32));
    let (cx, cy) = ((slot.x0 + slot.x1) / 2.0, (slot.y0 + slot.y1) / 2.0);
    let pts = match kind {
        "school" | "hospital" => {
            let (hw, hh) = (
                f64::from(r.random_range(50..=90u32)),
                f64::from(r.random_range(40..=70u32)),
            );
            rect_pts(
                (cx - hw).round(),
                (cy - hh).round(),
                (cx + hw).round(),
                (cy + hh).round(),
            )
        }
        _ => blob(
            r,
            cx.round(),
            cy.round(),
            slot.w() / 2.0 - inset,
            slot.h() / 2.0 - inset,
            10,
        ),
    };
    let id = format!("S{:07}", i + 1);
    let name = format!("{} {}", kind_label(kind), i + 1);
    area(
        i,
        &id,
        kind,
        &name,
        Geometry::Polygon(Polygon::new(at.ring(&pts), vec![])),
    )
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "residential" => "居住区 residential area",
        "school" => "学校 school",
        "hospital" => "医院 hospital",
        "wetland" => "湿地 wetland",
        _ => "水源地 water source",
    }
}

// ---------------------------------------------------------------------------------------------
// Writers

// ---------------------------------------------------------------------------------------------
// Enterprises

/// Trade words that go into a company name, by what it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trade {
    Electronics,
    Biomedicine,
    PharmaEquipment,
    Mechatronics,
    Shoes,
    Leather,
    Plating,
    Plastics,
    Printing,
    Garments,
    Eyewear,
    Electrical,
    AutoParts,
    Valves,
    Other,
}

impl Trade {
    fn of_cluster(c: &str) -> Trade {
        match c {
            "electronics" => Trade::Electronics,
            "biomedicine" => Trade::Biomedicine,
            "pharma_equipment" => Trade::PharmaEquipment,
            "mechatronics" => Trade::Mechatronics,
            _ => Trade::Other,
        }
    }
    fn words(self) -> &'static [&'static str] {
        match self {
            Trade::Electronics => &[
                "电子科技",
                "微电子",
                "光电科技",
                "信息技术",
                "智能科技",
                "半导体",
                "软件",
            ],
            Trade::Biomedicine => &["生物医药", "制药", "生物科技", "医疗器械", "药业"],
            Trade::PharmaEquipment => &["制药机械", "制药装备", "食品机械", "轻工机械"],
            Trade::Mechatronics => &["机电", "智能装备", "精密机械", "电气", "自动化", "泵业"],
            Trade::Shoes => &["鞋业", "鞋材"],
            Trade::Leather => &["皮革", "合成革"],
            Trade::Plating => &["电镀", "表面处理"],
            Trade::Plastics => &["塑料制品", "塑业"],
            Trade::Printing => &["印刷", "包装印务"],
            Trade::Garments => &["服饰", "制衣"],
            Trade::Eyewear => &["眼镜", "光学"],
            Trade::Electrical => &["电器", "开关"],
            Trade::AutoParts => &["汽车部件", "汽配"],
            Trade::Valves => &["阀门", "流体设备"],
            Trade::Other => &["新材料", "实业", "科技"],
        }
    }
}

const BRAND: &[&str] = &[
    "瓯", "昆", "江", "海", "东", "华", "瑞", "鑫", "宏", "泰", "博", "创", "嘉", "联", "恒", "远",
    "正", "通", "达", "新", "盛", "源", "科", "信", "明", "安", "丰", "凯", "腾", "德", "天", "宇",
    "晨", "光", "浩", "星", "汇", "睿", "智", "康",
];

/// `温州{place}{two brand characters}{trade}有限公司`, written into a reused buffer.
fn company_name(r: &mut ChaCha8Rng, trade: Trade, place: &str, out: &mut String) {
    out.clear();
    out.push_str("温州");
    out.push_str(place);
    out.push_str(pick::<&str>(r, BRAND));
    out.push_str(pick::<&str>(r, BRAND));
    out.push_str(pick::<&str>(r, trade.words()));
    out.push_str("有限公司");
}

/// GB/T 4754-2017 codes applicants bring, by park cluster, with weights.
const APPLICANT_CODES: &[(&str, Trade, f64)] = &[
    ("C3911", Trade::Electronics, 3.0),
    ("C3973", Trade::Electronics, 4.0),
    ("C3976", Trade::Electronics, 4.0),
    ("C3982", Trade::Electronics, 5.0),
    ("C4011", Trade::Electronics, 4.0),
    ("C4014", Trade::Electronics, 2.0),
    ("I6510", Trade::Electronics, 5.0),
    ("I6520", Trade::Electronics, 3.0),
    ("I6531", Trade::Electronics, 3.0),
    ("C2710", Trade::Biomedicine, 3.0),
    ("C2720", Trade::Biomedicine, 5.0),
    ("C2761", Trade::Biomedicine, 4.0),
    ("C2770", Trade::Biomedicine, 2.0),
    ("C3581", Trade::Biomedicine, 4.0),
    ("C3584", Trade::Biomedicine, 2.0),
    ("C3531", Trade::PharmaEquipment, 3.0),
    ("C3544", Trade::PharmaEquipment, 5.0),
    ("C3441", Trade::Mechatronics, 4.0),
    ("C3484", Trade::Mechatronics, 4.0),
    ("C3562", Trade::Mechatronics, 3.0),
    ("C3599", Trade::Mechatronics, 3.0),
    ("C3823", Trade::Mechatronics, 5.0),
    ("C3824", Trade::Mechatronics, 3.0),
    ("C3841", Trade::Mechatronics, 4.0),
    // Outside the park's key industries: screened `conditional` at best.
    ("C2929", Trade::Plastics, 2.0),
    ("C3670", Trade::AutoParts, 3.0),
    ("C1951", Trade::Shoes, 1.0),
    ("C2651", Trade::Other, 1.0),
];

/// Industries of Longwan's old industrial areas, with the weight of (light, moderate, heavy).
const URBAN_CODES: &[(&str, Trade, f64, [f64; 3])] = &[
    ("C1951", Trade::Shoes, 8.0, [0.3, 0.6, 0.1]),
    ("C1910", Trade::Leather, 3.0, [0.0, 0.4, 0.6]),
    ("C3360", Trade::Plating, 4.0, [0.0, 0.3, 0.7]),
    ("C2929", Trade::Plastics, 5.0, [0.3, 0.6, 0.1]),
    ("C2319", Trade::Printing, 3.0, [0.4, 0.5, 0.1]),
    ("C1810", Trade::Garments, 3.0, [0.7, 0.3, 0.0]),
    ("C3587", Trade::Eyewear, 3.0, [0.6, 0.4, 0.0]),
    ("C3823", Trade::Electrical, 6.0, [0.7, 0.3, 0.0]),
    ("C3670", Trade::AutoParts, 5.0, [0.5, 0.45, 0.05]),
    ("C3443", Trade::Valves, 5.0, [0.4, 0.5, 0.1]),
    ("C3484", Trade::Mechatronics, 3.0, [0.6, 0.4, 0.0]),
    ("C3982", Trade::Electronics, 2.0, [0.8, 0.2, 0.0]),
];

/// Old industrial areas of Longwan on the mainland south of the Oujiang (lon, lat, spread).
const URBAN_AREAS: &[(&str, f64, f64, f64)] = &[
    ("状元", 120.765, 27.968, 0.010),
    ("蒲州", 120.752, 27.985, 0.006),
    ("瑶溪", 120.780, 27.950, 0.008),
    ("永中", 120.800, 27.938, 0.010),
    ("天河", 120.830, 27.935, 0.006),
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// A certificate expiry between 2027-01-01 and 2029-12-31.
fn expiry(r: &mut ChaCha8Rng) -> NaiveDate {
    date(2027, 1, 1) + chrono::Days::new(r.random_range(0..1095u64))
}

fn money(v: f64) -> f64 {
    round_to(v, 2)
}

fn level(r: &mut ChaCha8Rng, w: [f64; 4]) -> HightechLevel {
    *weighted(
        r,
        &[
            (HightechLevel::None, w[0]),
            (HightechLevel::Municipal, w[1]),
            (HightechLevel::Provincial, w[2]),
            (HightechLevel::National, w[3]),
        ],
    )
}

fn code(s: &str) -> Option<IndustryCode> {
    IndustryCode::parse(s).ok()
}

/// R&D intensity of an applicant: mostly above its revenue tier's threshold, some below.
fn applicant_rd_ratio(r: &mut ChaCha8Rng, revenue: f64) -> f64 {
    let threshold = if revenue <= 5000.0 {
        0.05
    } else if revenue <= 20000.0 {
        0.04
    } else {
        0.03
    };
    if r.random::<f64>() < 0.08 {
        uni(r, 0.01, threshold * 0.95)
    } else {
        threshold * uni(r, 1.05, 2.6)
    }
}

/// One park applicant with figures in Zhejiang ranges (money in 10k yuan).
pub fn applicant(r: &mut ChaCha8Rng, id: String, line: u64, name_buf: &mut String) -> Enterprise {
    let (code_s, trade) = {
        let total: f64 = APPLICANT_CODES.iter().map(|c| c.2).sum();
        let mut x = r.random::<f64>() * total;
        let mut hit = APPLICANT_CODES[APPLICANT_CODES.len() - 1];
        for c in APPLICANT_CODES {
            if x < c.2 {
                hit = *c;
                break;
            }
            x -= c.2;
        }
        (hit.0, hit.1)
    };
    company_name(r, trade, "", name_buf);
    let revenue = money(logu(r, 800.0, 60000.0));
    let lvl = level(r, [0.12, 0.3, 0.33, 0.25]);
    let cert_expiry = (lvl != HightechLevel::None).then(|| expiry(r));
    let rd = money(revenue * applicant_rd_ratio(r, revenue));
    let share = if r.random::<f64>() < 0.07 {
        uni(r, 0.35, 0.59)
    } else {
        uni(r, 0.62, 0.95)
    };
    let staff = (revenue / uni(r, 60.0, 200.0)).round().max(8.0);
    let rd_staff_share = if r.random::<f64>() < 0.06 {
        uni(r, 0.03, 0.09)
    } else {
        uni(r, 0.11, 0.45)
    };
    let rd_staff = (staff * rd_staff_share).round().max(1.0).min(staff);
    let pollution = *weighted(
        r,
        &[
            (PollutionClass::Light, 0.8),
            (PollutionClass::Moderate, 0.17),
            (PollutionClass::Heavy, 0.03),
        ],
    );
    let value_added = money(revenue * uni(r, 0.2, 0.38));
    let requested = (revenue / 250.0 * uni(r, 0.6, 1.6))
        .clamp(10.0, 150.0)
        .round();
    let far_min = if ["C39", "C40"].iter().any(|p| code_s.starts_with(p)) {
        1.0
    } else {
        0.7
    };
    let planned_far = round_to(
        if r.random::<f64>() < 0.08 {
            far_min * uni(r, 0.6, 0.95)
        } else {
            far_min * uni(r, 1.05, 2.8)
        },
        2,
    );
    let invest_per_mu = if r.random::<f64>() < 0.1 {
        uni(r, 150.0, 290.0)
    } else {
        uni(r, 310.0, 1200.0)
    };
    Enterprise {
        line,
        id,
        name: name_buf.clone(),
        industry_code: code(code_s),
        hightech_level: Some(lvl),
        cert_expiry,
        catalogue_products: Some(if r.random::<f64>() < 0.45 {
            f64::from(r.random_range(1..=6u32))
        } else {
            0.0
        }),
        revenue_10k_yuan: Some(revenue),
        rd_expense_10k_yuan: Some(rd),
        hightech_revenue_10k_yuan: Some(money(revenue * share)),
        staff: Some(staff),
        rd_staff: Some(rd_staff),
        ip_count: Some(if r.random::<f64>() < 0.03 {
            0.0
        } else {
            f64::from(r.random_range(1..=40u32))
        }),
        value_added_10k_yuan: Some(value_added),
        tax_10k_yuan: Some(money(revenue * uni(r, 0.03, 0.08))),
        energy_tce: Some(money(value_added * uni(r, 0.05, 0.6))),
        pollution_class: Some(pollution),
        violations: Some(if r.random::<f64>() < 0.04 { 1.0 } else { 0.0 }),
        requested_mu: Some(requested),
        planned_investment_10k_yuan: Some(money(requested * invest_per_mu)),
        planned_far: Some(planned_far),
        ..Default::default()
    }
}

/// One enterprise of Longwan's old industrial areas, on the mainland, with per-mu figures in
/// Zhejiang ranges: tax 1-80 (10k yuan) per mu, energy 0.1-3 tce per 10k yuan of value added,
/// R&D 0.5-12% of revenue.
pub fn urban(r: &mut ChaCha8Rng, id: String, line: u64, name_buf: &mut String) -> Enterprise {
    let total: f64 = URBAN_CODES.iter().map(|c| c.2).sum();
    let mut x = r.random::<f64>() * total;
    let mut hit = &URBAN_CODES[URBAN_CODES.len() - 1];
    for c in URBAN_CODES {
        if x < c.2 {
            hit = c;
            break;
        }
        x -= c.2;
    }
    let (code_s, trade, _, pw) = *hit;
    let (place, lon0, lat0, spread) = *pick(r, URBAN_AREAS);
    company_name(r, trade, place, name_buf);
    let lon = round_to((lon0 + uni(r, -spread, spread)).clamp(120.75, 120.85), 6);
    let lat = round_to((lat0 + uni(r, -spread, spread)).clamp(27.93, 28.0), 6);
    let land = round_to(logu(r, 5.0, 120.0), 1);
    let tax_per_mu = logu(r, 1.0, 80.0);
    let tax = money(land * tax_per_mu);
    let value_added = money(tax * uni(r, 3.0, 8.0));
    let revenue = money(value_added / uni(r, 0.18, 0.32));
    let energy = money(value_added * logu(r, 0.1, 3.0));
    let pollution = *weighted(
        r,
        &[
            (PollutionClass::Light, pw[0]),
            (PollutionClass::Moderate, pw[1]),
            (PollutionClass::Heavy, pw[2]),
        ],
    );
    let factor = match pollution {
        PollutionClass::Light => uni(r, 0.2, 1.5),
        PollutionClass::Moderate => uni(r, 1.0, 5.0),
        PollutionClass::Heavy => uni(r, 4.0, 20.0),
    };
    let emissions = value_added / 4930.0 * factor;
    let parts = [
        uni(r, 0.2, 1.0),
        uni(r, 0.02, 0.15),
        uni(r, 0.0, 0.8),
        uni(r, 0.2, 1.0),
    ];
    let sum: f64 = parts.iter().sum();
    let em = |k: usize| round_to(emissions * parts[k] / sum, 3);
    let staff = (value_added / uni(r, 6.0, 40.0)).round().max(5.0);
    let lvl = level(r, [0.75, 0.15, 0.08, 0.02]);
    let certified = lvl != HightechLevel::None;
    let rd_ratio = logu(r, 0.005, 0.12);
    let willing = r.random::<f64>() < 0.3;
    Enterprise {
        line,
        id,
        name: name_buf.clone(),
        lon: Some(lon),
        lat: Some(lat),
        industry_code: code(code_s),
        hightech_level: Some(lvl),
        cert_expiry: certified.then(|| expiry(r)),
        catalogue_products: Some(if certified && r.random::<f64>() < 0.4 {
            1.0
        } else {
            0.0
        }),
        revenue_10k_yuan: Some(revenue),
        rd_expense_10k_yuan: Some(money(revenue * rd_ratio)),
        hightech_revenue_10k_yuan: Some(money(
            revenue
                * if certified {
                    uni(r, 0.5, 0.85)
                } else {
                    uni(r, 0.0, 0.3)
                },
        )),
        staff: Some(staff),
        rd_staff: Some((staff * uni(r, 0.02, 0.2)).round().min(staff)),
        ip_count: Some(f64::from(r.random_range(0..=12u32))),
        value_added_10k_yuan: Some(value_added),
        tax_10k_yuan: Some(tax),
        land_mu: Some(land),
        energy_tce: Some(energy),
        cod_t: Some(em(0)),
        nh3n_t: Some(em(1)),
        so2_t: Some(em(2)),
        nox_t: Some(em(3)),
        pollution_class: Some(pollution),
        violations: Some(*weighted(
            r,
            &[(0.0, 0.85), (1.0, 0.1), (2.0, 0.04), (3.0, 0.01)],
        )),
        willing_to_convert: Some(willing),
        requested_mu: (willing && r.random::<f64>() < 0.5)
            .then(|| (land * uni(r, 0.6, 1.0)).round().max(10.0)),
        ..Default::default()
    }
}

/// The bundled applicants: 80 rows, with these deliberate edge cases (ids in brackets) so every
/// boundary of the admission rules is exercised. Each starts from a row that passes everything
/// and changes one thing:
/// - [AP-003] R&D 166.665 on revenue 3,333.3: exactly 5.0%, must pass (decimal-exact threshold);
/// - [AP-007] revenue exactly 5,000 with R&D 250 (5%, the lower tier, inclusive);
/// - [AP-011] revenue exactly 20,000 with R&D 800 (4%, the middle tier, inclusive);
/// - [AP-015] high-tech revenue exactly 60% of revenue (4,800 of 8,000);
/// - [AP-019] R&D staff exactly 10% of staff (12 of 120);
/// - [AP-023] certificate expiring 2026-12-31; [AP-027] certificate expired 2025-06-30;
/// - [AP-031] one violation; [AP-035] heavy polluter; [AP-039] no certification at all;
/// - [AP-043] high-tech revenue above revenue (the one deliberately inconsistent row);
/// - missing values (empty cells, "not reported"): [AP-047] rd_expense, [AP-051] ip_count,
///   [AP-055] planned_far, [AP-059] requested_mu and planned_investment;
/// - [AP-063] staff 0 (a zero denominator: R&D staff share not computable).
pub fn lingkun_applicants(seed: u64) -> Vec<Enterprise> {
    let mut r = rng(seed, stream::APPLICANTS);
    let mut name = String::new();
    let mut out: Vec<Enterprise> = (0..80)
        .map(|i| applicant(&mut r, format!("AP-{:03}", i + 1), i as u64 + 2, &mut name))
        .collect();
    let good = |e: &mut Enterprise| {
        e.hightech_level = Some(HightechLevel::Provincial);
        e.cert_expiry = Some(date(2028, 6, 30));
        e.violations = Some(0.0);
        e.pollution_class = Some(PollutionClass::Light);
        e.ip_count = Some(e.ip_count.unwrap_or(0.0).max(3.0));
        let rev = e.revenue_10k_yuan.unwrap();
        e.rd_expense_10k_yuan = Some(money(rev * 0.07));
        e.hightech_revenue_10k_yuan = Some(money(rev * 0.8));
        let staff = e.staff.unwrap().max(20.0);
        e.staff = Some(staff);
        e.rd_staff = Some((staff * 0.25).round());
    };
    let mut edit = |id: usize, f: &dyn Fn(&mut Enterprise)| {
        let e = &mut out[id - 1];
        good(e);
        f(e);
    };
    edit(3, &|e| {
        e.revenue_10k_yuan = Some(3333.3);
        e.rd_expense_10k_yuan = Some(166.665);
        e.hightech_revenue_10k_yuan = Some(2666.64);
    });
    edit(7, &|e| {
        e.revenue_10k_yuan = Some(5000.0);
        e.rd_expense_10k_yuan = Some(250.0);
        e.hightech_revenue_10k_yuan = Some(4000.0);
    });
    edit(11, &|e| {
        e.revenue_10k_yuan = Some(20000.0);
        e.rd_expense_10k_yuan = Some(800.0);
        e.hightech_revenue_10k_yuan = Some(15000.0);
    });
    edit(15, &|e| {
        e.revenue_10k_yuan = Some(8000.0);
        e.rd_expense_10k_yuan = Some(480.0);
        e.hightech_revenue_10k_yuan = Some(4800.0);
    });
    edit(19, &|e| {
        e.staff = Some(120.0);
        e.rd_staff = Some(12.0);
    });
    edit(23, &|e| e.cert_expiry = Some(date(2026, 12, 31)));
    edit(27, &|e| e.cert_expiry = Some(date(2025, 6, 30)));
    edit(31, &|e| e.violations = Some(1.0));
    edit(35, &|e| e.pollution_class = Some(PollutionClass::Heavy));
    edit(39, &|e| {
        e.hightech_level = Some(HightechLevel::None);
        e.cert_expiry = None;
    });
    edit(43, &|e| {
        e.hightech_revenue_10k_yuan = Some(money(e.revenue_10k_yuan.unwrap() * 1.05))
    });
    edit(47, &|e| e.rd_expense_10k_yuan = None);
    edit(51, &|e| e.ip_count = None);
    edit(55, &|e| e.planned_far = None);
    edit(59, &|e| {
        e.requested_mu = None;
        e.planned_investment_10k_yuan = None;
    });
    edit(63, &|e| {
        e.staff = Some(0.0);
        e.rd_staff = Some(0.0);
    });
    out
}

/// The bundled urban registry: 150 enterprises of Longwan's old industrial areas, with these
/// deliberate cases: [UR-005] tax per mu below 1 (Wenzhou's weed-out line: class D whatever its
/// score); [UR-010] zero energy use (earns the capped score); [UR-015] a heavy polluter that is
/// willing to convert but had a violation; [UR-020] energy not reported (not rated);
/// [UR-025] emissions not reported (cod_t empty); [UR-030] zero value added with energy use
/// (the worst burden).
pub fn lingkun_urban(seed: u64) -> Vec<Enterprise> {
    let mut r = rng(seed, stream::URBAN);
    let mut name = String::new();
    let mut out: Vec<Enterprise> = (0..150)
        .map(|i| urban(&mut r, format!("UR-{:03}", i + 1), i as u64 + 2, &mut name))
        .collect();
    let e = &mut out[4];
    e.land_mu = Some(20.0);
    e.tax_10k_yuan = Some(18.5); // 0.925 per mu
    out[9].energy_tce = Some(0.0);
    let e = &mut out[14];
    e.pollution_class = Some(PollutionClass::Heavy);
    e.willing_to_convert = Some(true);
    e.violations = Some(1.0);
    out[19].energy_tce = None;
    out[24].cod_t = None;
    out[29].value_added_10k_yuan = Some(0.0);
    out
}

/// Which rows a large registry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Park applicants, ids `E0000001`...
    Applicants,
    /// Urban enterprises with sites, ids `U0000001`...
    Urban,
}

/// Rows per chunk of a large registry; each chunk has its own random stream, so chunks can be
/// made in parallel and the file is the same whatever the number of threads.
pub const CHUNK_ROWS: usize = 16_384;

/// Share of large-registry rows with one cell left empty ("not reported"), as real returns have.
const MISSING_ROW_SHARE: f64 = 0.01;

/// Rows `[chunk * CHUNK_ROWS, ...)` of a large registry of `n` rows.
pub fn registry_chunk(kind: RowKind, n: usize, seed: u64, chunk: usize) -> Vec<Enterprise> {
    let start = chunk * CHUNK_ROWS;
    let end = (start + CHUNK_ROWS).min(n);
    let mut r = rng(seed, stream::CHUNKS + chunk as u64);
    let mut name = String::new();
    (start..end)
        .map(|i| {
            let line = i as u64 + 2;
            let mut e = match kind {
                RowKind::Applicants => applicant(&mut r, format!("E{:07}", i + 1), line, &mut name),
                RowKind::Urban => urban(&mut r, format!("U{:07}", i + 1), line, &mut name),
            };
            if r.random::<f64>() < MISSING_ROW_SHARE {
                // One of the common gaps: R&D, energy or staff not reported.
                match r.random_range(0..3) {
                    0 => e.rd_expense_10k_yuan = None,
                    1 => e.energy_tce = None,
                    _ => e.staff = None,
                }
            }
            e
        })
        .collect()
}

/// Write the CSV header the project's writer uses.
pub fn write_header(buf: &mut Vec<u8>) {
    for (i, (_, def)) in crate::metrics::columns().enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        buf.extend_from_slice(def.name.as_bytes());
    }
    buf.push(b'\n');
}

fn push_text(buf: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        buf.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                buf.push(b'"');
            }
            buf.push(b);
        }
        buf.push(b'"');
    } else {
        buf.extend_from_slice(s.as_bytes());
    }
}

fn push_num(buf: &mut Vec<u8>, v: Option<f64>) {
    buf.push(b',');
    if let Some(v) = v {
        let _ = write!(buf, "{v}");
    }
}

/// Append rows as CSV, byte for byte what [`crate::io::enterprises::write_enterprises`] writes,
/// without its per-cell allocations (a 1,000,000-row file in seconds).
pub fn write_rows(buf: &mut Vec<u8>, rows: &[Enterprise]) {
    for e in rows {
        push_text(buf, &e.id);
        buf.push(b',');
        push_text(buf, &e.name);
        push_num(buf, e.lon);
        push_num(buf, e.lat);
        buf.push(b',');
        if let Some(c) = &e.industry_code {
            buf.extend_from_slice(c.as_str().as_bytes());
        }
        buf.push(b',');
        if let Some(l) = e.hightech_level {
            buf.extend_from_slice(l.name().as_bytes());
        }
        buf.push(b',');
        if let Some(d) = e.cert_expiry {
            let _ = write!(buf, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        }
        push_num(buf, e.catalogue_products);
        push_num(buf, e.revenue_10k_yuan);
        push_num(buf, e.rd_expense_10k_yuan);
        push_num(buf, e.hightech_revenue_10k_yuan);
        push_num(buf, e.staff);
        push_num(buf, e.rd_staff);
        push_num(buf, e.ip_count);
        push_num(buf, e.value_added_10k_yuan);
        push_num(buf, e.tax_10k_yuan);
        push_num(buf, e.land_mu);
        push_num(buf, e.energy_tce);
        push_num(buf, e.cod_t);
        push_num(buf, e.nh3n_t);
        push_num(buf, e.so2_t);
        push_num(buf, e.nox_t);
        buf.push(b',');
        if let Some(p) = e.pollution_class {
            buf.extend_from_slice(p.name().as_bytes());
        }
        push_num(buf, e.violations);
        buf.push(b',');
        if let Some(b) = e.willing_to_convert {
            buf.extend_from_slice(if b { b"true" } else { b"false" });
        }
        push_num(buf, e.requested_mu);
        push_num(buf, e.planned_investment_10k_yuan);
        push_num(buf, e.planned_far);
        buf.push(b'\n');
    }
}

/// Write a registry of `n` rows: chunks made and formatted in parallel, written in order.
/// `progress` is told how many rows are done after each batch.
pub fn write_registry(
    w: &mut dyn Write,
    kind: RowKind,
    n: usize,
    seed: u64,
    progress: &dyn Fn(u64),
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let mut header = Vec::new();
    write_header(&mut header);
    w.write_all(&header)?;
    let chunks = n.div_ceil(CHUNK_ROWS);
    let batch = rayon::current_num_threads().max(1) * 2;
    for first in (0..chunks).step_by(batch) {
        let last = (first + batch).min(chunks);
        let parts: Vec<Vec<u8>> = (first..last)
            .into_par_iter()
            .map(|c| {
                let rows = registry_chunk(kind, n, seed, c);
                let mut buf = Vec::with_capacity(rows.len() * 260);
                write_rows(&mut buf, &rows);
                buf
            })
            .collect();
        for p in &parts {
            w.write_all(p)?;
        }
        progress((last * CHUNK_ROWS).min(n) as u64);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
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
