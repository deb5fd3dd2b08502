//! One enterprise row: company names, the GB/T 4754 industry tables of park applicants and of
//! Longwan's old industrial areas, and the draws behind [`applicant`] and [`urban`] rows.

use super::random::{logu, pick, uni, weighted};
use crate::io::geojson::round_to;
use crate::model::{Enterprise, HightechLevel, IndustryCode, PollutionClass};
use chrono::NaiveDate;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

/// Trade words that go into a company name, by what it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Trade {
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
    /// The trade of a park cluster's firms (`Other` for general parcels).
    pub(super) fn of_cluster(c: &str) -> Trade {
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
pub(super) fn company_name(r: &mut ChaCha8Rng, trade: Trade, place: &str, out: &mut String) {
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
pub(super) const URBAN_AREAS: &[(&str, f64, f64, f64)] = &[
    ("状元", 120.765, 27.968, 0.010),
    ("蒲州", 120.752, 27.985, 0.006),
    ("瑶溪", 120.780, 27.950, 0.008),
    ("永中", 120.800, 27.938, 0.010),
    ("天河", 120.830, 27.935, 0.006),
];

/// A calendar date the tables know to be valid.
pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// A certificate expiry between 2027-01-01 and 2029-12-31.
fn expiry(r: &mut ChaCha8Rng) -> NaiveDate {
    date(2027, 1, 1) + chrono::Days::new(r.random_range(0..1095u64))
}

/// Money rounded to 2 decimals, as written.
pub(super) fn money(v: f64) -> f64 {
    round_to(v, 2)
}

/// A high-tech certification level drawn with weights (none, municipal, provincial, national).
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

/// A table code as an [`IndustryCode`] (every table entry parses).
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

/// Tonnes of standard coal equivalent in 10k kWh of electricity at its calorific value
/// (0.1229 kgce/kWh, GB/T 2589): electricity is part of an enterprise's total energy use.
const TCE_PER_10K_KWH: f64 = 1.229;

/// An urban enterprise's electricity use (10k kWh): 35-90% of its energy use, so it never
/// exceeds the energy total. Drawn from its own stream `r` (one draw a row whatever the row),
/// so adding it left every other figure of the registries as it was.
pub(super) fn urban_electricity(r: &mut ChaCha8Rng, e: &mut Enterprise) {
    let share = uni(r, 0.35, 0.9);
    e.electricity_10k_kwh = e.energy_tce.map(|t| money(t * share / TCE_PER_10K_KWH));
}

/// What an applicant commits to for standard land (标准地), and its emissions today, drawn
/// from its own stream `r` (the same draws a row whatever the row): planned output 370-1500
/// (10k yuan) per requested mu, tax 10-60 per mu, building height 12-24 m, each missed by
/// about one applicant in twelve; emissions of the four pollutants by pollution class, as for
/// urban enterprises.
pub(super) fn applicant_commitments(r: &mut ChaCha8Rng, e: &mut Enterprise) {
    let output_per_mu = if r.random::<f64>() < 0.08 {
        uni(r, 200.0, 355.0)
    } else {
        uni(r, 370.0, 1500.0)
    };
    let tax_per_mu = if r.random::<f64>() < 0.08 {
        uni(r, 4.0, 9.5)
    } else {
        uni(r, 10.0, 60.0)
    };
    let height = if r.random::<f64>() < 0.08 {
        uni(r, 25.0, 40.0)
    } else {
        uni(r, 12.0, 24.0)
    };
    let factor = match e.pollution_class {
        Some(PollutionClass::Heavy) => uni(r, 4.0, 20.0),
        Some(PollutionClass::Moderate) => uni(r, 1.0, 5.0),
        _ => uni(r, 0.2, 1.5),
    };
    let parts = [
        uni(r, 0.2, 1.0),
        uni(r, 0.02, 0.15),
        uni(r, 0.0, 0.8),
        uni(r, 0.2, 1.0),
    ];
    if let Some(mu) = e.requested_mu {
        e.planned_output_10k_yuan = Some(money(mu * output_per_mu));
        e.planned_tax_10k_yuan = Some(money(mu * tax_per_mu));
    }
    e.planned_height_m = Some(round_to(height, 1));
    if let Some(va) = e.value_added_10k_yuan {
        let emissions = va / 4930.0 * factor;
        let sum: f64 = parts.iter().sum();
        let em = |k: usize| Some(round_to(emissions * parts[k] / sum, 3));
        (e.cod_t, e.nh3n_t, e.so2_t, e.nox_t) = (em(0), em(1), em(2), em(3));
    }
}
