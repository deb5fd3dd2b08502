//! Registries the way a bureau keeps them, made from parkplan enterprises: a workbook with
//! Chinese headers (the spellings of registry templates and 亩均 forms), a merged title above
//! the header, Chinese values, Excel date cells, and optionally some numbers stored as text,
//! text dates and formulas; and the CSV text Excel saves from such a sheet (Chinese headers,
//! `yyyy/m/d` dates, CRLF), to encode as GBK or UTF-16.
//!
//! `tests/excel.rs` regenerates the fixtures in `tests/data/excel/` with these
//! (`cargo test --test excel -- --ignored regenerate_fixtures`); `benches/excel.rs` writes its
//! million-row workbook with them.

use chrono::Datelike;
use parkplan::metrics::{self, Cell};
use parkplan::model::{Enterprise, HightechLevel, PollutionClass};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Formula, Workbook};

/// The header each column gets: spellings from registry templates and 亩均 evaluation forms,
/// several with the unit in brackets.
pub const HEADERS: &[(&str, &str)] = &[
    ("id", "统一社会信用代码"),
    ("name", "企业名称"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("industry_code", "国民经济行业代码"),
    ("hightech_level", "高新技术企业等级"),
    ("cert_expiry", "证书有效期"),
    ("catalogue_products", "目录产品数"),
    ("revenue", "营业收入(万元)"),
    ("rd_expense", "研发经费支出（万元）"),
    ("hightech_revenue", "高新技术产品(服务)收入(万元)"),
    ("staff", "职工总数(人)"),
    ("rd_staff", "科技人员数"),
    ("ip_count", "知识产权数量"),
    ("value_added", "工业增加值(万元)"),
    ("tax", "实缴税金(万元)"),
    ("land_mu", "用地面积(亩)"),
    ("energy_tce", "综合能耗(吨标准煤)"),
    ("cod_t", "化学需氧量排放量(吨)"),
    ("nh3n_t", "氨氮排放量(吨)"),
    ("so2_t", "二氧化硫排放量(吨)"),
    ("nox_t", "氮氧化物排放量(吨)"),
    ("pollution_class", "污染等级"),
    ("violations", "违法违规次数"),
    ("willing_to_convert", "是否愿意转型"),
    ("requested_mu", "申请用地面积(亩)"),
    ("planned_investment", "计划总投资(万元)"),
    ("planned_far", "规划容积率"),
    ("electricity_10k_kwh", "用电量(万千瓦时)"),
    ("rating_exempt", "免评原因"),
    ("planned_output", "达产产值(万元)"),
    ("planned_tax", "达产税收(万元)"),
    ("planned_height_m", "建筑高度(米)"),
];

/// The header for catalogue column `name`.
fn header(name: &str) -> &'static str {
    HEADERS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, h)| *h)
        .unwrap_or_else(|| panic!("no header for {name}"))
}

/// A cell as a bureau writes it: levels, classes and flags in Chinese.
fn shown(cell: Cell) -> Option<String> {
    Some(match cell {
        Cell::HightechLevel(Some(l)) => match l {
            HightechLevel::None => "无",
            HightechLevel::Municipal => "市级",
            HightechLevel::Provincial => "省级",
            HightechLevel::National => "国家级",
        }
        .to_string(),
        Cell::PollutionClass(Some(p)) => match p {
            PollutionClass::Light => "轻度",
            PollutionClass::Moderate => "中度",
            PollutionClass::Heavy => "重度",
        }
        .to_string(),
        Cell::Flag(Some(b)) => if b { "是" } else { "否" }.to_string(),
        Cell::Date(Some(d)) => format!("{}/{}/{}", d.year(), d.month(), d.day()),
        other => {
            let t = other.text();
            if t.is_empty() {
                return None;
            }
            t.into_owned()
        }
    })
}

/// How messy a workbook is.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// A merged title row and a "filled in by" row above the header.
    pub title: bool,
    /// Every 5th row's numbers stored as text, every 7th row's date as `yyyy/m/d` text and
    /// every 11th as `yyyy年m月d日`, every 9th row's tax a formula with its saved result.
    pub messy: bool,
}

/// A workbook holding `enterprises` on sheet `sheet` (and a notes sheet after it), as
/// [`Style`] says. The same bytes every time.
pub fn registry_xlsx(enterprises: &[Enterprise], sheet: &str, style: Style) -> Vec<u8> {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2026, 11, 1).unwrap();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&fixed));
    let ws = book.add_worksheet_with_low_memory().unwrap();
    ws.set_name(sheet).unwrap();
    let date = Format::new().set_num_format("yyyy/m/d");
    let bold = Format::new().set_bold();
    let columns: Vec<_> = metrics::columns().collect();
    let last = (columns.len() - 1) as u16;
    let mut row = 0u32;
    if style.title {
        let title = Format::new().set_bold().set_align(FormatAlign::Center);
        ws.merge_range(0, 0, 0, last, "灵昆高新园区企业名册（合成数据）", &title)
            .unwrap();
        ws.merge_range(
            1,
            0,
            1,
            last,
            "填报单位：灵昆街道    填报日期：2026年11月",
            &Format::new(),
        )
        .unwrap();
        row = 2;
    }
    for (j, (_, d)) in columns.iter().enumerate() {
        ws.write_string_with_format(row, j as u16, header(d.name), &bold)
            .unwrap();
    }
    for (i, e) in enterprises.iter().enumerate() {
        row += 1;
        let text_numbers = style.messy && i % 5 == 3;
        for (j, (id, d)) in columns.iter().enumerate() {
            let col = j as u16;
            let cell = e.cell(*id);
            match cell {
                Cell::Number(Some(x)) if d.name == "tax" && style.messy && i % 9 == 4 => {
                    let f = Formula::new(format!("={x}*1")).set_result(x.to_string());
                    ws.write_formula(row, col, f).unwrap();
                }
                Cell::Number(Some(x)) if !text_numbers => {
                    ws.write_number(row, col, x).unwrap();
                }
                Cell::Date(Some(dt)) if !(style.messy && (i % 7 == 2 || i % 11 == 6)) => {
                    let v =
                        ExcelDateTime::from_ymd(dt.year() as u16, dt.month() as u8, dt.day() as u8)
                            .unwrap();
                    ws.write_datetime_with_format(row, col, &v, &date).unwrap();
                }
                Cell::Date(Some(dt)) if i % 11 == 6 => {
                    let t = format!("{}年{}月{}日", dt.year(), dt.month(), dt.day());
                    ws.write_string(row, col, t).unwrap();
                }
                other => {
                    if let Some(t) = shown(other) {
                        ws.write_string(row, col, t).unwrap();
                    }
                }
            }
        }
    }
    let notes = book.add_worksheet();
    notes.set_name("填表说明").unwrap();
    notes
        .write_string(0, 0, "金额单位：万元；面积单位：亩；能耗单位：吨标准煤。")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// The CSV text Excel saves from a registry sheet: Chinese headers and values, `yyyy/m/d`
/// dates, CRLF line ends, fields separated by `sep` (`,` for "CSV", a tab for "Unicode text").
pub fn registry_text(enterprises: &[Enterprise], sep: char) -> String {
    let quote = |s: &str| {
        if s.contains([sep, '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let headers: Vec<String> = metrics::columns()
        .map(|(_, d)| quote(header(d.name)))
        .collect();
    out.push_str(&headers.join(&sep.to_string()));
    out.push_str("\r\n");
    for e in enterprises {
        let cells: Vec<String> = metrics::columns()
            .map(|(id, _)| shown(e.cell(id)).map(|t| quote(&t)).unwrap_or_default())
            .collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out
}

/// GBK bytes of `text` (every character must have one).
pub fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "a character has no GBK code");
    bytes.into_owned()
}

/// UTF-16 LE bytes of `text` after the byte-order mark, as Excel saves "Unicode text".
pub fn utf16le(text: &str) -> Vec<u8> {
    [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect()
}
