//! The metric catalogue: every enterprise column and every derived metric, defined once.
//!
//! A metric has a canonical name (the CSV header, the rule language's identifier and the output
//! column), English and Chinese labels, a unit, a type in the rule language, and how its value
//! is obtained: read from a column (with the header aliases registries use) or derived from other
//! metrics. The enterprise loader and writer, the rule language's schema, the screening trace and
//! its remedies, the ranking indicators and the missing-input checks all read this table, so a
//! new column is one line in the `catalogue!` list below (and its field in [`Enterprise`]).
//!
//! ```
//! use parkplan::metrics::{self, m};
//! let rd = metrics::by_name("rd_ratio").unwrap();
//! assert_eq!(metrics::metric(rd).zh, "研发投入强度");
//! assert_eq!(metrics::column_by_header("营业收入"), Some(m::REVENUE));
//! // Labour productivity is one metric under two names.
//! assert_eq!(metrics::by_name("labour_productivity"), metrics::by_name("value_added_per_staff"));
//! ```

use crate::model::{Categorical, Enterprise, HightechLevel, IndustryCode, PollutionClass};
pub use crate::rules::expr::{MetricId, Ty};
use chrono::{Datelike, NaiveDate};
use std::borrow::Cow;

/// Units of metrics: how values print and how far a remedy rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Money,
    Mu,
    Persons,
    Count,
    Ratio,
    Tce,
    Tonnes,
    Far,
    MoneyPerMu,
    MoneyPerTce,
    MoneyPerTonne,
    MoneyPerPerson,
    Degrees,
    /// Electricity in 10k kWh (万千瓦时), the unit of Zhejiang's per-mu returns.
    Electricity,
    /// 10k yuan per 10k kWh, which is also yuan per kWh.
    MoneyPerElectricity,
    Metres,
    None,
}

impl Unit {
    pub fn en(self) -> &'static str {
        match self {
            Unit::Money => "10k yuan",
            Unit::Mu => "mu",
            Unit::Persons => "persons",
            Unit::Count => "",
            Unit::Ratio => "%",
            Unit::Tce => "tce",
            Unit::Tonnes => "t",
            Unit::Far => "",
            Unit::MoneyPerMu => "10k yuan/mu",
            Unit::MoneyPerTce => "10k yuan/tce",
            Unit::MoneyPerTonne => "10k yuan/t",
            Unit::MoneyPerPerson => "10k yuan/person",
            Unit::Degrees => "°",
            Unit::Electricity => "10k kWh",
            Unit::MoneyPerElectricity => "10k yuan/10k kWh",
            Unit::Metres => "m",
            Unit::None => "",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Unit::Money => "万元",
            Unit::Mu => "亩",
            Unit::Persons => "人",
            Unit::Count => "项",
            Unit::Tce => "吨标煤",
            Unit::Tonnes => "吨",
            Unit::MoneyPerMu => "万元/亩",
            Unit::MoneyPerTce => "万元/吨标煤",
            Unit::MoneyPerTonne => "万元/吨",
            Unit::MoneyPerPerson => "万元/人",
            Unit::Electricity => "万千瓦时",
            Unit::MoneyPerElectricity => "万元/万千瓦时",
            Unit::Metres => "米",
            _ => "",
        }
    }
    /// The units a header may name in brackets for a column in this unit (`营业收入(万元)`);
    /// any other unit there (`营业收入(元)`) is not this column.
    pub fn header_units(self) -> &'static [&'static str] {
        match self {
            Unit::Money => &["万元"],
            Unit::Mu => &["亩"],
            Unit::Persons => &["人", "名"],
            Unit::Count => &["项", "个", "件", "次"],
            Unit::Tce => &["吨标煤", "吨标准煤", "tce"],
            Unit::Tonnes => &["吨", "t", "吨/年", "t/a"],
            Unit::Degrees => &["°", "度"],
            Unit::Ratio => &["%"],
            Unit::Electricity => &["万千瓦时", "万kwh", "万kw·h"],
            Unit::Metres => &["米", "m"],
            _ => &[],
        }
    }
    /// The rounding step of a remedy: a change is rounded up to a whole step so it passes.
    pub fn step(self) -> f64 {
        match self {
            Unit::Persons | Unit::Count => 1.0,
            Unit::Far | Unit::Ratio => 0.01,
            Unit::Degrees => 1e-6,
            _ => 0.1,
        }
    }
}

/// How a column's cell is read (every cell is trimmed first; empty is "not reported").
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Read {
    /// Text as given (`id`, `name`).
    Text,
    /// A finite number, at least `min` when given; `whole`: a count (people, products,
    /// violations), so a fraction is a data error, not a value.
    Number { min: Option<f64>, whole: bool },
    /// A GB/T 4754-2017 industry code with its section letter.
    IndustryCode,
    /// `none`/`municipal`/`provincial`/`national` or 无/市级/省级/国家级.
    HightechLevel,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// `light`/`moderate`/`heavy` or 轻度/中度/重度.
    PollutionClass,
    /// `true`/`false`, yes/no, 是/否, 1/0.
    Flag,
}

/// What a ratio with a zero denominator means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZeroDenominator {
    /// Not computable: a criterion on it fails, and the ranking cannot rate the enterprise
    /// (zero land, staff or revenue).
    NotComputable,
    /// The best possible value: the ranking gives the indicator its cap (no energy use, no
    /// emissions). The rule language still reports such a ratio as not computable.
    Best,
}

/// How a metric gets its value from a row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Derivation {
    /// A column of the same name, read as given.
    Column(Read),
    /// `num / den`. `den_lever`: a remedy may also lower `den` (the applicant controls it).
    Ratio {
        num: MetricId,
        den: MetricId,
        den_lever: bool,
        zero: ZeroDenominator,
    },
    /// The sum of these metrics; missing when any of them is.
    Sum(&'static [MetricId]),
    /// The industry's minimum floor-area ratio from `[admission.min_far]` (longest prefix).
    MinFar,
    /// The industry's park cluster from `[clusters]` (longest prefix).
    Cluster,
}

/// One metric of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct MetricDef {
    /// Canonical name: CSV header, rule-language identifier, output column.
    pub name: &'static str,
    pub ty: Ty,
    pub derivation: Derivation,
    pub unit: Unit,
    pub en: &'static str,
    pub zh: &'static str,
    /// Other names: header spellings for a column (matched after [`normalise_header`]), other
    /// identifiers for a derived metric.
    pub aliases: &'static [&'static str],
}

impl MetricDef {
    /// Whether the metric is a column of the enterprise files.
    pub fn is_column(&self) -> bool {
        matches!(self.derivation, Derivation::Column(_))
    }
}

/// An enterprise's value of a column, as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Number(Option<f64>),
    IndustryCode(Option<&'a IndustryCode>),
    HightechLevel(Option<HightechLevel>),
    Date(Option<NaiveDate>),
    PollutionClass(Option<PollutionClass>),
    Flag(Option<bool>),
    /// A derived metric: no stored value (see [`number`] and the rule language's row).
    Derived,
}

impl Cell<'_> {
    /// The number of a numeric column, `None` when not reported or not a number.
    pub fn number(self) -> Option<f64> {
        match self {
            Cell::Number(v) => v,
            _ => None,
        }
    }
    /// The value as written in an enterprise CSV; empty when not reported.
    pub fn text(self) -> Cow<'static, str> {
        fn opt<T: ToString>(v: Option<T>) -> Cow<'static, str> {
            v.map_or(Cow::Borrowed(""), |x| Cow::Owned(x.to_string()))
        }
        match self {
            Cell::Text(s) => Cow::Owned(s.to_string()),
            Cell::Number(v) => opt(v),
            Cell::IndustryCode(v) => opt(v),
            Cell::HightechLevel(v) => opt(v),
            Cell::Date(v) => opt(v.map(|d| d.format("%Y-%m-%d"))),
            Cell::PollutionClass(v) => opt(v),
            Cell::Flag(v) => opt(v),
            Cell::Derived => Cow::Borrowed(""),
        }
    }
}

/// A field of [`Enterprise`] that a column is read into and written from.
pub(crate) trait Field: Sized {
    /// Parse a non-empty, trimmed cell.
    fn parse(text: &str, read: Read) -> Result<Self, String>;
    fn cell(&self) -> Cell<'_>;
}

impl Field for String {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        Ok(text.to_string())
    }
    fn cell(&self) -> Cell<'_> {
        Cell::Text(self)
    }
}

impl Field for Option<f64> {
    fn parse(text: &str, read: Read) -> Result<Self, String> {
        let (min, whole) = match read {
            Read::Number { min, whole } => (min, whole),
            _ => (None, false),
        };
        let v = parse_number(text, min)?;
        if whole && v.fract() != 0.0 {
            return Err(format!("expected a whole number (a count), got {text:?}"));
        }
        Ok(Some(v))
    }
    fn cell(&self) -> Cell<'_> {
        Cell::Number(*self)
    }
}

impl Field for Option<IndustryCode> {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        IndustryCode::parse(text).map(Some)
    }
    fn cell(&self) -> Cell<'_> {
        Cell::IndustryCode(self.as_ref())
    }
}

impl Field for Option<HightechLevel> {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        match text.trim() {
            "无" | "否" => Ok(HightechLevel::None),
            "市级" => Ok(HightechLevel::Municipal),
            "省级" => Ok(HightechLevel::Provincial),
            "国家级" => Ok(HightechLevel::National),
            other => HightechLevel::parse(other),
        }
        .map(Some)
    }
    fn cell(&self) -> Cell<'_> {
        Cell::HightechLevel(*self)
    }
}

impl Field for Option<NaiveDate> {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        parse_date(text).map(Some)
    }
    fn cell(&self) -> Cell<'_> {
        Cell::Date(*self)
    }
}

impl Field for Option<PollutionClass> {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        match text.trim() {
            "轻度" | "轻" => Ok(PollutionClass::Light),
            "中度" | "中" => Ok(PollutionClass::Moderate),
            "重度" | "重" => Ok(PollutionClass::Heavy),
            other => PollutionClass::parse(other),
        }
        .map(Some)
    }
    fn cell(&self) -> Cell<'_> {
        Cell::PollutionClass(*self)
    }
}

impl Field for Option<bool> {
    fn parse(text: &str, _: Read) -> Result<Self, String> {
        match text.trim().to_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "是" => Ok(Some(true)),
            "false" | "no" | "n" | "0" | "否" => Ok(Some(false)),
            _ => Err(format!("expected true or false, got {text:?}")),
        }
    }
    fn cell(&self) -> Cell<'_> {
        Cell::Flag(*self)
    }
}

/// A number cell: finite, at least `min`; a thousands separator is named as the fault.
fn parse_number(text: &str, min: Option<f64>) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if !v.is_finite() => Err(format!("expected a finite number, got {text:?}")),
        Ok(v) if min.is_some_and(|m| v < m) => Err(format!(
            "expected a number >= {}, got {text:?}",
            min.unwrap_or(0.0)
        )),
        // `-0` reads as 0, so no output or message shows a negative zero.
        Ok(v) => Ok(v + 0.0),
        Err(_)
            if text.contains([',', '，'])
                && text.replace([',', '，'], "").parse::<f64>().is_ok() =>
        {
            Err(format!(
                "expected a number without thousands separators (e.g. 1234.5), got {text:?}"
            ))
        }
        Err(_) => Err(format!("expected a number, got {text:?}")),
    }
}

/// The earliest year a date cell or `--date` may name: certificates and evaluations are of this
/// century, and year 0 or 1 is a typing slip or an empty date exported as zeros.
pub const FIRST_YEAR: i32 = 1900;

/// A date, in a cell or given as `--date`: `YYYY-MM-DD`, or as Excel and Chinese forms write
/// dates, `YYYY/M/D` and `YYYY年M月D日` (month and day with one or two digits), from
/// [`FIRST_YEAR`] on.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let d = parse_date_any_year(s)?;
    if d.year() < FIRST_YEAR {
        return Err(format!("expected a date from {FIRST_YEAR} on, got {s:?}"));
    }
    Ok(d)
}

fn parse_date_any_year(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    // Fast path for the usual all-digit YYYY-MM-DD (chrono's format parser is slow on 1M rows).
    let b = t.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        let n =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        if let Some(d) = NaiveDate::from_ymd_opt(n(0..4) as i32, n(5..7), n(8..10)) {
            return Ok(d);
        }
    }
    date_parts(t)
        .and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        .ok_or_else(|| {
            format!("expected a date as YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日), got {s:?}")
        })
}

/// Year, month and day of `YYYY-MM-DD`, `YYYY/M/D` or `YYYY年M月D日` (`日` optional).
fn date_parts(t: &str) -> Option<(i32, u32, u32)> {
    let digits = |p: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let ymd = t.strip_suffix('日').unwrap_or(t);
    let parts: Vec<&str> = if ymd.contains('年') {
        let (y, md) = ymd.split_once('年')?;
        let (m, d) = md.split_once('月')?;
        vec![y, m, d]
    } else if t.contains('/') {
        t.split('/').collect()
    } else {
        let p: Vec<&str> = t.split('-').collect();
        // The ISO form keeps its two-digit month and day.
        if p.len() == 3 && (p[1].len() != 2 || p[2].len() != 2) {
            return None;
        }
        p
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    Some((
        digits(y, 4..=4)? as i32,
        digits(m, 1..=2)?,
        digits(d, 1..=2)?,
    ))
}

/// The catalogue: the columns (in the order enterprise files are written) with the
/// [`Enterprise`] field each is stored in, then the derived metrics. Generates the ids in [`m`],
/// [`METRICS`], [`COLUMN_COUNT`] and the field access of [`Enterprise`].
macro_rules! catalogue {
    (
        columns { $( $cid:ident = $cname:literal, $field:ident, $cty:ident, $read:expr, $cunit:ident,
                     $cen:literal, $czh:literal, [$($calias:literal),*]; )* }
        derived { $( $did:ident = $dname:literal, $dty:ident, $deriv:expr, $dunit:ident,
                     $den:literal, $dzh:literal, [$($dalias:literal),*]; )* }
    ) => {
        /// Metric ids, by name: the columns first, in file order, then the derived metrics.
        pub mod m {
            catalogue!(@ids 0u16, $($cid)* $($did)*);
        }
        /// Every metric, indexed by its id.
        pub static METRICS: &[MetricDef] = &[
            $(MetricDef { name: $cname, ty: Ty::$cty, derivation: Derivation::Column($read),
                unit: Unit::$cunit, en: $cen, zh: $czh, aliases: &[$($calias),*] },)*
            $(MetricDef { name: $dname, ty: Ty::$dty, derivation: $deriv,
                unit: Unit::$dunit, en: $den, zh: $dzh, aliases: &[$($dalias),*] },)*
        ];
        /// The number of columns: ids `0..COLUMN_COUNT` are the columns.
        pub const COLUMN_COUNT: usize = [$(m::$cid),*].len();

        impl Enterprise {
            /// The stored value of column `id` ([`Cell::Derived`] for a derived metric).
            pub fn cell(&self, id: MetricId) -> Cell<'_> {
                match id {
                    $(m::$cid => Field::cell(&self.$field),)*
                    _ => Cell::Derived,
                }
            }
            /// Read every column but `id` from a row: `cell(id)` gives the trimmed, non-empty
            /// text of a column, `bad(id, message)` receives each cell that does not parse.
            pub(crate) fn read_columns<'t>(
                &mut self,
                mut cell: impl FnMut(MetricId) -> Option<&'t str>,
                mut bad: impl FnMut(MetricId, String),
            ) {
                $(
                    if m::$cid != m::ID && let Some(text) = cell(m::$cid) {
                        match Field::parse(text, $read) {
                            Ok(v) => self.$field = v,
                            Err(msg) => bad(m::$cid, msg),
                        }
                    }
                )*
            }
        }
    };
    (@ids $n:expr, $k:ident $($rest:ident)*) => {
        pub const $k: super::MetricId = $n;
        catalogue!(@ids $n + 1u16, $($rest)*);
    };
    (@ids $n:expr,) => {};
}

const fn num(min: f64) -> Read {
    Read::Number {
        min: Some(min),
        whole: false,
    }
}
const NUM_ANY: Read = Read::Number {
    min: None,
    whole: false,
};
/// A count: a whole number, at least 0. Staff are not counts here: the statistical forms ask
/// for the year's average headcount (从业人员年平均人数), which may be fractional.
const COUNT: Read = Read::Number {
    min: Some(0.0),
    whole: true,
};

const fn ratio(num: MetricId, den: MetricId) -> Derivation {
    Derivation::Ratio {
        num,
        den,
        den_lever: false,
        zero: ZeroDenominator::NotComputable,
    }
}

const fn ratio_best_at_zero(num: MetricId, den: MetricId) -> Derivation {
    Derivation::Ratio {
        num,
        den,
        den_lever: false,
        zero: ZeroDenominator::Best,
    }
}

catalogue! {
    columns {
        ID = "id", id, Str, Read::Text, None, "id", "企业编号", ["企业编号", "编号", "统一社会信用代码", "社会信用代码", "信用代码", "企业代码"];
        NAME = "name", name, Str, Read::Text, None, "name", "企业名称", ["企业名称", "名称", "单位名称", "公司名称", "企业(单位)名称"];
        LON = "lon", lon, Num, num(-180.0), Degrees, "longitude", "经度", ["经度", "东经"];
        LAT = "lat", lat, Num, num(-90.0), Degrees, "latitude", "纬度", ["纬度", "北纬"];
        INDUSTRY_CODE = "industry_code", industry_code, Str, Read::IndustryCode, None, "industry code", "行业代码",
            ["行业代码", "国民经济行业代码", "所属行业代码", "国民经济行业分类代码", "行业分类代码"];
        HIGHTECH_LEVEL = "hightech_level", hightech_level, Str, Read::HightechLevel, None,
            "high-tech certification level", "高新技术企业级别", ["高新技术企业级别", "高企级别", "高新技术企业等级", "高企等级", "高新技术企业认定级别",
             "认定级别"];
        CERT_EXPIRY = "cert_expiry", cert_expiry, Date, Read::Date, None, "certificate expiry", "证书有效期至",
            ["证书有效期至", "证书到期日", "证书有效期", "有效期至", "证书截止日期", "证书到期时间",
             "高企证书有效期", "高新技术企业证书有效期", "有效期截止日期"];
        CATALOGUE_PRODUCTS = "catalogue_products", catalogue_products, Num, COUNT, Count, "catalogue products",
            "目录产品数", ["目录产品数", "高新技术产品目录产品数", "入选目录产品数", "目录内产品数"];
        REVENUE = "revenue", revenue_10k_yuan, Num, num(0.0), Money, "revenue", "营业收入",
            ["营业收入", "主营业务收入", "营业收入(万元)", "主营业务收入(万元)", "营业总收入", "销售收入",
             "主营收入"];
        RD_EXPENSE = "rd_expense", rd_expense_10k_yuan, Num, num(0.0), Money, "R&D expense", "研发费用",
            ["研发费用", "研发费用(万元)", "研发经费", "研发经费支出", "R&D经费支出", "R&D经费",
             "研究开发费用", "研发投入"];
        HIGHTECH_REVENUE = "hightech_revenue", hightech_revenue_10k_yuan, Num, num(0.0), Money, "high-tech revenue",
            "高新技术产品收入", ["高新技术产品收入", "高新技术产品收入(万元)", "高新技术产品(服务)收入", "高新产品收入",
             "高品收入"];
        STAFF = "staff", staff, Num, num(0.0), Persons, "staff", "职工人数", ["职工人数", "从业人员", "职工总数", "从业人员数", "年平均职工人数", "从业人员年平均人数",
             "员工人数"];
        RD_STAFF = "rd_staff", rd_staff, Num, num(0.0), Persons, "R&D staff", "科技人员", ["科技人员", "研发人员", "科技人员数", "研发人员数", "科技人员人数", "研究开发人员"];
        IP_COUNT = "ip_count", ip_count, Num, COUNT, Count, "core IP", "核心知识产权数", ["知识产权数", "核心知识产权", "知识产权数量", "核心知识产权数", "核心自主知识产权数",
             "有效知识产权数"];
        VALUE_ADDED = "value_added", value_added_10k_yuan, Num, NUM_ANY, Money, "value added", "工业增加值",
            ["工业增加值", "工业增加值(万元)", "增加值"];
        TAX = "tax", tax_10k_yuan, Num, num(0.0), Money, "tax paid", "实缴税金", ["实缴税金", "税收", "实缴税金(万元)", "评价税收", "实缴税收", "实缴税费", "纳税总额"];
        LAND_MU = "land_mu", land_mu, Num, num(0.0), Mu, "land used", "用地面积", ["用地面积(亩)", "用地面积", "土地面积", "占地面积", "实际用地面积"];
        ENERGY_TCE = "energy_tce", energy_tce, Num, num(0.0), Tce, "energy use", "综合能耗",
            ["综合能耗(吨标煤)", "综合能耗", "综合能耗(等价值)", "综合能源消费量", "总能耗", "能耗"];
        COD_T = "cod_t", cod_t, Num, num(0.0), Tonnes, "COD", "化学需氧量", ["化学需氧量(吨)", "化学需氧量", "化学需氧量排放量", "COD", "COD排放量"];
        NH3N_T = "nh3n_t", nh3n_t, Num, num(0.0), Tonnes, "ammonia nitrogen", "氨氮", ["氨氮(吨)", "氨氮", "氨氮排放量", "NH3-N", "NH3-N排放量"];
        SO2_T = "so2_t", so2_t, Num, num(0.0), Tonnes, "SO2", "二氧化硫", ["二氧化硫(吨)", "二氧化硫", "二氧化硫排放量", "SO2", "SO2排放量"];
        NOX_T = "nox_t", nox_t, Num, num(0.0), Tonnes, "NOx", "氮氧化物", ["氮氧化物(吨)", "氮氧化物", "氮氧化物排放量", "NOx", "NOx排放量"];
        POLLUTION_CLASS = "pollution_class", pollution_class, Str, Read::PollutionClass, None, "pollution class",
            "污染类别", ["污染类别", "污染程度", "污染等级", "污染级别", "环境污染等级"];
        VIOLATIONS = "violations", violations, Num, COUNT, Count, "violations", "违法违规次数",
            ["违法违规次数", "违规次数", "违法次数", "环保违法次数"];
        WILLING_TO_CONVERT = "willing_to_convert", willing_to_convert, Bool, Read::Flag, None, "willing to convert",
            "转型意愿", ["转型意愿", "是否愿意转型", "转型升级意愿"];
        REQUESTED_MU = "requested_mu", requested_mu, Num, num(0.0), Mu, "requested land", "申请用地",
            ["申请用地(亩)", "申请用地", "申请用地面积", "拟用地面积", "用地需求"];
        PLANNED_INVESTMENT = "planned_investment", planned_investment_10k_yuan, Num, num(0.0), Money,
            "planned investment", "计划投资", ["计划投资(万元)", "计划投资", "计划总投资", "拟投资额", "投资总额", "总投资"];
        PLANNED_FAR = "planned_far", planned_far, Num, num(0.0), Far, "planned floor-area ratio", "计划容积率",
            ["计划容积率", "容积率", "规划容积率", "拟建容积率"];
        ELECTRICITY = "electricity_10k_kwh", electricity_10k_kwh, Num, num(0.0), Electricity,
            "electricity use", "用电量", ["用电量(万千瓦时)", "用电量", "用电量(万kwh)", "总用电量", "年用电量", "用电总量", "工业用电量",
             "全年用电量"];
        RATING_EXEMPT = "rating_exempt", rating_exempt, Str, Read::Text, None,
            "exempt from the per-mu evaluation (reason)", "免评原因", ["免评原因", "免评理由", "不参评原因", "免评说明", "免评类型"];
        PLANNED_OUTPUT = "planned_output", planned_output_10k_yuan, Num, num(0.0), Money,
            "planned output", "计划产出", ["计划产出(万元)", "计划产出", "达产产值(万元)", "达产产值", "达产后产值", "预计产值",
             "预计年产值", "计划产值"];
        PLANNED_TAX = "planned_tax", planned_tax_10k_yuan, Num, num(0.0), Money,
            "planned tax", "计划税收", ["计划税收(万元)", "计划税收", "达产税收(万元)", "达产税收", "达产后税收", "预计税收",
             "预计年税收"];
        PLANNED_HEIGHT = "planned_height_m", planned_height_m, Num, num(0.0), Metres,
            "planned building height", "计划建筑高度", ["计划建筑高度(米)", "计划建筑高度", "建筑高度(米)", "建筑高度", "规划建筑高度",
             "拟建建筑高度"];
    }
    derived {
        RD_RATIO = "rd_ratio", Num, ratio(m::RD_EXPENSE, m::REVENUE), Ratio, "R&D intensity", "研发投入强度", [];
        HIGHTECH_SHARE = "hightech_share", Num, ratio(m::HIGHTECH_REVENUE, m::REVENUE), Ratio,
            "high-tech revenue share", "高新技术产品收入占比", [];
        RD_STAFF_SHARE = "rd_staff_share", Num, ratio(m::RD_STAFF, m::STAFF), Ratio, "R&D staff share",
            "科技人员占比", [];
        INVESTMENT_PER_MU = "investment_per_mu", Num,
            Derivation::Ratio { num: m::PLANNED_INVESTMENT, den: m::REQUESTED_MU, den_lever: true,
                                zero: ZeroDenominator::NotComputable },
            MoneyPerMu, "investment per mu", "亩均投资强度", [];
        TAX_PER_MU = "tax_per_mu", Num, ratio(m::TAX, m::LAND_MU), MoneyPerMu, "tax per mu", "亩均税收", [];
        VALUE_ADDED_PER_MU = "value_added_per_mu", Num, ratio(m::VALUE_ADDED, m::LAND_MU), MoneyPerMu,
            "value added per mu", "亩均增加值", [];
        VALUE_ADDED_PER_TCE = "value_added_per_tce", Num, ratio_best_at_zero(m::VALUE_ADDED, m::ENERGY_TCE),
            MoneyPerTce, "value added per tce", "单位能耗增加值", [];
        VALUE_ADDED_PER_STAFF = "value_added_per_staff", Num, ratio(m::VALUE_ADDED, m::STAFF), MoneyPerPerson,
            "labour productivity", "全员劳动生产率", ["labour_productivity"];
        EMISSIONS_T = "emissions_t", Num, Derivation::Sum(&[m::COD_T, m::NH3N_T, m::SO2_T, m::NOX_T]), Tonnes,
            "emissions (COD+NH3-N+SO2+NOx)", "主要污染物排放量", [];
        VALUE_ADDED_PER_T_EMISSIONS = "value_added_per_t_emissions", Num,
            ratio_best_at_zero(m::VALUE_ADDED, m::EMISSIONS_T), MoneyPerTonne,
            "value added per t emissions", "单位排放增加值", [];
        TAX_PER_ELECTRICITY = "tax_per_electricity", Num, ratio(m::TAX, m::ELECTRICITY), MoneyPerElectricity,
            "tax per unit of electricity", "单位电耗税收", [];
        PLANNED_OUTPUT_PER_MU = "planned_output_per_mu", Num,
            Derivation::Ratio { num: m::PLANNED_OUTPUT, den: m::REQUESTED_MU, den_lever: true,
                                zero: ZeroDenominator::NotComputable },
            MoneyPerMu, "planned output per mu", "亩均产出（承诺）", [];
        PLANNED_TAX_PER_MU = "planned_tax_per_mu", Num,
            Derivation::Ratio { num: m::PLANNED_TAX, den: m::REQUESTED_MU, den_lever: true,
                                zero: ZeroDenominator::NotComputable },
            MoneyPerMu, "planned tax per mu", "亩均税收（承诺）", [];
        MIN_FAR = "min_far", Num, Derivation::MinFar, Far, "industry minimum floor-area ratio", "行业容积率下限", [];
        CLUSTER = "cluster", Str, Derivation::Cluster, None, "park cluster", "产业集群", [];
    }
}

/// The definition of a metric id.
pub fn metric(id: MetricId) -> &'static MetricDef {
    &METRICS[id as usize]
}

/// The id of a metric by its canonical name or an identifier alias (`labour_productivity`).
pub fn by_name(name: &str) -> Option<MetricId> {
    METRICS
        .iter()
        .position(|d| d.name == name || (!d.is_column() && d.aliases.contains(&name)))
        .map(|i| i as MetricId)
}

/// Every metric, columns then derived ones, with its id.
pub fn all() -> impl Iterator<Item = (MetricId, &'static MetricDef)> {
    METRICS.iter().enumerate().map(|(i, d)| (i as MetricId, d))
}

/// The columns, in file order, with their ids.
pub fn columns() -> impl Iterator<Item = (MetricId, &'static MetricDef)> {
    METRICS[..COLUMN_COUNT]
        .iter()
        .enumerate()
        .map(|(i, d)| (i as MetricId, d))
}

/// A header cell as compared with the catalogue: trimmed, lower-case, spaces dropped, full-width
/// brackets made ASCII, a BOM dropped.
pub fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['（', '【'], "(")
        .replace(['）', '】'], ")")
        .replace(' ', "")
}

/// The column a header names: its canonical name or one of its aliases, optionally followed by
/// the column's unit in brackets (`营业收入(万元)`, `职工人数（人）`; see [`Unit::header_units`]).
pub fn column_by_header(header: &str) -> Option<MetricId> {
    let n = normalise_header(header);
    column_by_normalised(&n).or_else(|| {
        let (base, unit) = split_unit(&n)?;
        let id = column_by_normalised(base)?;
        metric(id).unit.header_units().contains(&unit).then_some(id)
    })
}

/// The column whose name or an alias is this normalised header.
fn column_by_normalised(n: &str) -> Option<MetricId> {
    columns()
        .find(|(_, d)| d.name == n || d.aliases.iter().any(|a| normalise_header(a) == n))
        .map(|(id, _)| id)
}

/// A normalised header split into its name and the unit in its trailing brackets:
/// `营业收入(万元)` -> (`营业收入`, `万元`).
pub fn split_unit(n: &str) -> Option<(&str, &str)> {
    let inner = n.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (base, unit) = (&inner[..open], &inner[open + 1..]);
    (!base.is_empty()).then_some((base, unit))
}

/// A numeric metric of an enterprise that needs no rule set: a number column, a sum or a
/// ratio; `None` when an input is not reported or a ratio's denominator is zero.
pub fn number(e: &Enterprise, id: MetricId) -> Option<f64> {
    match metric(id).derivation {
        Derivation::Column(_) => e.cell(id).number(),
        Derivation::Sum(parts) => parts.iter().map(|&p| number(e, p)).sum(),
        Derivation::Ratio { num, den, .. } => {
            let d = number(e, den)?;
            (d != 0.0).then_some(number(e, num)? / d)
        }
        Derivation::MinFar | Derivation::Cluster => None,
    }
}

/// The columns a metric is computed from (itself, for a column), in catalogue order.
pub fn inputs(id: MetricId) -> Vec<MetricId> {
    fn walk(id: MetricId, out: &mut Vec<MetricId>) {
        match metric(id).derivation {
            Derivation::Column(_) => {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
            Derivation::Sum(parts) => parts.iter().for_each(|&p| walk(p, out)),
            Derivation::Ratio { num, den, .. } => {
                walk(num, out);
                walk(den, out);
            }
            Derivation::MinFar | Derivation::Cluster => walk(m::INDUSTRY_CODE, out),
        }
    }
    let mut out = Vec::new();
    walk(id, &mut out);
    out
}

/// The rule language's schema: every metric by name and alias, `eval_date`, and the allowed
/// values of the categorical columns.
pub struct Catalogue;

impl crate::rules::expr::Schema for Catalogue {
    fn lookup(&self, name: &str) -> Option<(MetricId, Ty)> {
        by_name(name).map(|id| (id, metric(id).ty))
    }
    fn names(&self) -> Vec<&str> {
        METRICS
            .iter()
            .map(|d| d.name)
            .chain(["eval_date"])
            .collect()
    }
    fn categories(&self, id: MetricId) -> Option<&[&str]> {
        const LEVELS: &[&str] = &["none", "municipal", "provincial", "national"];
        const CLASSES: &[&str] = &["light", "moderate", "heavy"];
        match id {
            m::HIGHTECH_LEVEL => Some(LEVELS),
            m::POLLUTION_CLASS => Some(CLASSES),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::expr::Schema;

    #[test]
    fn names_are_unique_and_columns_come_first() {
        for (i, a) in METRICS.iter().enumerate() {
            assert_eq!(by_name(a.name), Some(i as MetricId), "{}", a.name);
            assert_eq!(a.is_column(), i < COLUMN_COUNT, "{}", a.name);
        }
        assert_eq!(metric(m::PLANNED_FAR).name, "planned_far");
        assert_eq!(metric(m::CLUSTER).name, "cluster");
    }

    #[test]
    fn levels_and_classes_match_the_model() {
        let levels: Vec<&str> = HightechLevel::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            Catalogue.categories(m::HIGHTECH_LEVEL).unwrap(),
            levels.as_slice()
        );
        let classes: Vec<&str> = PollutionClass::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            Catalogue.categories(m::POLLUTION_CLASS).unwrap(),
            classes.as_slice()
        );
    }

    #[test]
    fn headers_match_names_and_aliases() {
        assert_eq!(column_by_header(" Revenue "), Some(m::REVENUE));
        assert_eq!(column_by_header("营业收入（万元）"), Some(m::REVENUE));
        assert_eq!(column_by_header("labour_productivity"), None);
        assert_eq!(
            inputs(m::VALUE_ADDED_PER_T_EMISSIONS),
            [m::VALUE_ADDED, m::COD_T, m::NH3N_T, m::SO2_T, m::NOX_T]
        );
    }

    #[test]
    fn dates_as_excel_and_forms_write_them() {
        let d = |y, m, d| Ok(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        for (t, want) in [
            ("2026-05-01", d(2026, 5, 1)),
            (" 2024-02-29 ", d(2024, 2, 29)),
            ("2029/11/27", d(2029, 11, 27)),
            ("2029/1/7", d(2029, 1, 7)),
            ("2029年1月7日", d(2029, 1, 7)),
            ("2029年11月27", d(2029, 11, 27)),
        ] {
            assert_eq!(parse_date(t), want, "{t}");
        }
        for t in [
            "2023-02-29",
            "2026-13-01",
            "2026-5-01",
            "+202-01-01",
            "2026-05-0x",
            "26/5/1",
            "2026/5",
            "2026年5月",
            "2026/005/01",
            "",
        ] {
            let e = parse_date(t).unwrap_err();
            assert!(e.starts_with("expected a date as YYYY-MM-DD"), "{t}: {e}");
        }
    }

    #[test]
    fn every_header_names_one_column() {
        let mut seen = std::collections::HashMap::new();
        for (id, d) in columns() {
            for a in d.aliases.iter().chain([&d.name]) {
                let n = normalise_header(a);
                if let Some(other) = seen.insert(n.clone(), id) {
                    assert_eq!(other, id, "{a} names two columns");
                }
                assert_eq!(column_by_header(a), Some(id), "{a}");
            }
        }
        assert_eq!(column_by_header("职工人数（人）"), Some(m::STAFF));
        assert_eq!(column_by_header("化学需氧量(t)"), Some(m::COD_T));
        assert_eq!(
            column_by_header("营业收入(元)"),
            None,
            "yuan are not 10k yuan"
        );
        assert_eq!(
            column_by_header("高新技术企业等级"),
            Some(m::HIGHTECH_LEVEL)
        );
        assert_eq!(column_by_header("证书有效期"), Some(m::CERT_EXPIRY));
        assert_eq!(column_by_header("科技人员数"), Some(m::RD_STAFF));
        assert_eq!(column_by_header("污染等级"), Some(m::POLLUTION_CLASS));
        // The 亩均 evaluation forms' spellings of the per-mu columns.
        assert_eq!(column_by_header("年用电量（万kWh）"), Some(m::ELECTRICITY));
        assert_eq!(column_by_header("达产后税收(万元)"), Some(m::PLANNED_TAX));
        assert_eq!(column_by_header("免评理由"), Some(m::RATING_EXEMPT));
    }
}
