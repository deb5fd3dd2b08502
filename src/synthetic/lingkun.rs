//! The bundled Lingkun scenario: the 9 x 7 block park on the reclaimed east of Lingkun island,
//! the villages, schools, wetlands and reservoir around it, and its two small registries with
//! their deliberate edge cases (`parkplan gen --lingkun`, committed under parcels/ and
//! registries/).

use super::enterprises::{applicant, applicant_commitments, date, money, urban, urban_electricity};
use super::layout::{
    Axis, Placement, Rect, Zone, area, blob, block_target_mu, emit_block, rect_pts,
};
use super::random::{rng, stream, uni};
use crate::model::{Enterprise, HightechLevel, LandUse, Parcel, PollutionClass, SensitiveArea};
use geo::{Geometry, Point};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// The seed the bundled Lingkun scenario is generated with (`parkplan gen --lingkun`).
pub const LINGKUN_SEED: u64 = 2026;

/// The Lingkun grid is turned 10 degrees anticlockwise, along the island's axis.
const COS10: f64 = 0.984_807_753_012_208;
const SIN10: f64 = 0.173_648_177_666_930_33;

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

/// Shift a shape so its easternmost point sits at `east` (metres in the plane).
fn east_edge_at(mut pts: Vec<(f64, f64)>, east: f64) -> Vec<(f64, f64)> {
    let max = pts.iter().map(|p| p.0).fold(f64::MIN, f64::max);
    for p in &mut pts {
        p.0 += east - max;
    }
    pts
}

/// Sensitive areas around the Lingkun park (plane: park from (0,0) to (w,h)). Villages of
/// Lingkun town lie west; the nearest hamlet is 35 m from the first column of blocks (so even
/// light industry loses some parcels), others 150-300 m (moderate industry loses them); the
/// estuary tidal flat runs along the south shore 60-260 m from the southern blocks; the
/// reservoir lies north, 250-450 m off.
fn lingkun_sensitive(seed: u64, w: f64, h: f64, at: &Placement) -> Vec<SensitiveArea> {
    let mut r = rng(seed, stream::SENSITIVE);
    let mut out = Vec::new();
    push_villages(&mut r, h, at, &mut out);
    push_school_and_hospital(h, at, &mut out);
    out.push(area(
        out.len(),
        "LK-WET-01",
        "wetland",
        "瓯江口南岸潮间带湿地 Oujiang estuary tidal flat",
        at.polygon(&tidal_flat(&mut r, w)),
    ));
    out.push(area(
        out.len(),
        "LK-WET-02",
        "wetland",
        "灵昆东滩湿地 Lingkun east shoal wetland",
        at.polygon(&east_shoal(&mut r, w, h)),
    ));
    let reservoir = blob(&mut r, (0.35 * w).round(), h + 420.0, 260.0, 150.0, 12);
    out.push(area(
        out.len(),
        "LK-WAT-01",
        "water_source",
        "灵昆水库 Lingkun reservoir (water source)",
        at.polygon(&reservoir),
    ));
    out
}

/// A village of Lingkun town: id, name, centre (m), radii (m), and where its east edge is
/// pinned (if anywhere).
type Village<'a> = (&'a str, &'a str, f64, f64, f64, f64, Option<f64>);

/// The five villages west of the park, as blobs drawn in order from the sensitive stream; the
/// two nearest are pinned so their east edges sit 180 m and 35 m from the first column.
fn push_villages(r: &mut ChaCha8Rng, h: f64, at: &Placement, out: &mut Vec<SensitiveArea>) {
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
        let mut pts = blob(r, cx, cy, rx, ry, 11);
        if let Some(e) = east {
            pts = east_edge_at(pts, e);
        }
        out.push(area(out.len(), id, "residential", name, at.polygon(&pts)));
    }
}

/// The two schools (one a polygon, one a point) and the health centre west of the park; fixed
/// shapes, so they draw nothing from the random stream.
fn push_school_and_hospital(h: f64, at: &Placement, out: &mut Vec<SensitiveArea>) {
    out.push(area(
        out.len(),
        "LK-SCH-01",
        "school",
        "灵昆中学 Lingkun middle school",
        at.polygon(&rect_pts(-1090.0, 0.3 * h - 65.0, -910.0, 0.3 * h + 65.0)),
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
        at.polygon(&rect_pts(
            -1750.0,
            (0.7 * h).round() - 40.0,
            -1650.0,
            (0.7 * h).round() + 40.0,
        )),
    ));
}

/// South shore: the tidal flat of the Oujiang estuary's south branch, a long strip whose
/// landward edge wanders 60-260 m from the southern row of blocks. Draws the whole landward
/// edge first, then the seaward edge, and returns the ring anticlockwise.
fn tidal_flat(r: &mut ChaCha8Rng, w: f64) -> Vec<(f64, f64)> {
    let mut north_edge = Vec::new();
    let mut u = -3500.0;
    while u <= w + 200.0 {
        let gap = 160.0 + 100.0 * (u / 900.0 + 0.7).sin() * uni(r, 0.8, 1.0);
        north_edge.push((u, -gap.round()));
        u += 250.0;
    }
    let mut south_edge: Vec<(f64, f64)> = north_edge
        .iter()
        .map(|&(u, _)| (u, -(uni(r, 650.0, 900.0)).round()))
        .collect();
    south_edge.reverse();
    let mut strip = south_edge;
    strip.extend(north_edge);
    anticlockwise(strip)
}

/// East shore: the shoal beyond the new seawall, its landward edge 180-420 m east of the park;
/// returns the ring anticlockwise.
fn east_shoal(r: &mut ChaCha8Rng, w: f64, h: f64) -> Vec<(f64, f64)> {
    let mut west_edge = Vec::new();
    let mut v = -50.0;
    while v <= h + 400.0 {
        west_edge.push((w + uni(r, 180.0, 420.0).round(), v));
        v += 300.0;
    }
    let mut east = vec![(w + 1100.0, h + 400.0), (w + 1100.0, -50.0)];
    east.extend(west_edge);
    anticlockwise(east)
}

/// The ring reversed if it runs clockwise (GeoJSON outer rings run anticlockwise).
fn anticlockwise(pts: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    if signed_area(&pts) < 0.0 {
        pts.into_iter().rev().collect()
    } else {
        pts
    }
}

/// Shoelace area, positive for an anticlockwise ring.
fn signed_area(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len();
    (0..n)
        .map(|i| pts[i].0 * pts[(i + 1) % n].1 - pts[(i + 1) % n].0 * pts[i].1)
        .sum::<f64>()
        / 2.0
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
///
/// Each applicant also states its standard-land commitments (planned output, tax, building
/// height) and its emissions today, drawn from a stream of their own; and, left as drawn apart
/// from the one change:
/// - [AP-072] a shoe maker (C1951) planning a floor-area ratio of 0.8: enough under a flat 0.7,
///   short of the 1.0 the national land control indicators set for C19;
/// - [AP-066] planned output exactly 360 (10k yuan) per mu, [AP-070] planned tax exactly 9.6
///   per mu, [AP-074] planned height exactly 24 m (the standard-land bounds, inclusive);
///   [AP-078] planned height not reported.
pub fn lingkun_applicants(seed: u64) -> Vec<Enterprise> {
    let mut r = rng(seed, stream::APPLICANTS);
    let mut extras = rng(seed, stream::APPLICANT_COMMITMENTS);
    let mut name = String::new();
    let mut out: Vec<Enterprise> = (0..80)
        .map(|i| {
            let mut e = applicant(&mut r, format!("AP-{:03}", i + 1), i as u64 + 2, &mut name);
            applicant_commitments(&mut extras, &mut e);
            e
        })
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
    out[71].planned_far = Some(0.8);
    let per_mu = |e: &Enterprise, v: f64| e.requested_mu.map(|mu| money(mu * v));
    let e = &mut out[65];
    e.planned_output_10k_yuan = per_mu(e, 360.0);
    let e = &mut out[69];
    e.planned_tax_10k_yuan = per_mu(e, 9.6);
    out[73].planned_height_m = Some(24.0);
    out[77].planned_height_m = None;
    out
}

/// The bundled urban registry: 150 enterprises of Longwan's old industrial areas, with these
/// deliberate cases: [UR-005] tax per mu below 1 (Wenzhou's weed-out line: class D whatever its
/// score); [UR-010] zero energy use (earns the capped score); [UR-015] a heavy polluter that is
/// willing to convert but had a violation; [UR-020] energy not reported (not rated);
/// [UR-025] emissions not reported (cod_t empty: an enterprise above designated size, so its
/// emissions indicator gets the track's average score); [UR-030] zero value added with energy
/// use (the worst burden).
///
/// Every enterprise reports its electricity use (drawn from a stream of its own), which the
/// evaluation of enterprises below designated size (规下, revenue under 2,000) needs; about a
/// third of them are below it. And for the evaluation's tracks and exemptions:
/// - [UR-041] below designated size on 2.4 mu: listed apart (under 3 mu);
/// - [UR-115] below designated size on exactly 3 mu: rated (3 mu and more are);
/// - [UR-105] above designated size on 2.5 mu: rated all the same (the line is for 规下 only);
/// - [UR-050] revenue exactly 2,000: above designated size (inclusive);
/// - [UR-070] below designated size with electricity not reported: not rated;
/// - [UR-045] exempt as a new enterprise, [UR-090] exempt as relocated by policy.
pub fn lingkun_urban(seed: u64) -> Vec<Enterprise> {
    let mut r = rng(seed, stream::URBAN);
    let mut extras = rng(seed, stream::URBAN_ELECTRICITY);
    let mut name = String::new();
    let mut out: Vec<Enterprise> = (0..150)
        .map(|i| {
            let mut e = urban(&mut r, format!("UR-{:03}", i + 1), i as u64 + 2, &mut name);
            urban_electricity(&mut extras, &mut e);
            e
        })
        .collect();
    let e = &mut out[4];
    e.land_mu = Some(20.0);
    e.tax_10k_yuan = Some(18.5); // 0.925 per mu
    out[9].energy_tce = Some(0.0);
    out[9].electricity_10k_kwh = Some(0.0);
    let e = &mut out[14];
    e.pollution_class = Some(PollutionClass::Heavy);
    e.willing_to_convert = Some(true);
    e.violations = Some(1.0);
    out[19].energy_tce = None;
    out[24].cod_t = None;
    out[29].value_added_10k_yuan = Some(0.0);
    out[40].land_mu = Some(2.4);
    out[114].land_mu = Some(3.0);
    out[104].land_mu = Some(2.5);
    out[49].revenue_10k_yuan = Some(2000.0);
    out[69].electricity_10k_kwh = None;
    out[44].rating_exempt =
        "新建企业，投产未满一年 new enterprise, in production under a year".into();
    out[89].rating_exempt =
        "政策性搬迁（瓯江口新区征迁） relocated by policy (Oujiangkou new area clearance)".into();
    out
}
