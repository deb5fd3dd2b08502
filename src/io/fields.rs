//! The property catalogue of parcels, sensitive areas and context features: each property's
//! canonical name with the Chinese (and other) names planning offices' files use, and the
//! Chinese spellings of the categorical values, in one table the readers of every format share.
//!
//! Names are matched as the enterprise CSV headers are ([`crate::metrics::normalise_header`]:
//! trimmed, any case, spaces dropped, full-width brackets made ASCII); values after trimming,
//! any case. A value that is none of the allowed ones is an error listing them in both languages.
//!
//! ```
//! use parkplan::io::fields::{self, Field};
//! assert_eq!(fields::field_of("地块编号"), Some(Field::Id));
//! assert_eq!(fields::field_of(" Land_Use "), Some(Field::LandUse));
//! assert_eq!(fields::land_use("一类工业用地"), Ok(parkplan::model::LandUse::M1));
//! assert!(fields::status("闲置").unwrap_err().contains("available (可用)"));
//! ```

use crate::metrics::normalise_header;
use crate::model::{Categorical, ContextKind, LandUse, ParcelStatus};
use serde_json::Value;
use std::collections::HashMap;

/// A property parkplan reads from map features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Id,
    LandUse,
    Status,
    Cluster,
    Occupant,
    MaxFar,
    Kind,
    Name,
}

/// One property: canonical name, Chinese label, and the other names it goes by.
pub struct FieldDef {
    pub field: Field,
    pub name: &'static str,
    pub zh: &'static str,
    pub aliases: &'static [&'static str],
}

/// Every property, canonical name first.
pub const FIELDS: &[FieldDef] = &[
    FieldDef {
        field: Field::Id,
        name: "id",
        zh: "地块编号",
        aliases: &["地块编号", "宗地编号", "地块号", "宗地号", "编号", "标识码"],
    },
    FieldDef {
        field: Field::LandUse,
        name: "land_use",
        zh: "用地性质",
        aliases: &["用地性质", "用地类型", "用地分类", "土地用途", "landuse"],
    },
    FieldDef {
        field: Field::Status,
        name: "status",
        zh: "状态",
        aliases: &["状态", "地块状态", "出让状态", "使用状态"],
    },
    FieldDef {
        field: Field::Cluster,
        name: "cluster",
        zh: "产业组团",
        aliases: &["产业组团", "组团", "产业集群", "产业方向"],
    },
    FieldDef {
        field: Field::Occupant,
        name: "occupant",
        zh: "使用单位",
        aliases: &["使用单位", "用地单位", "占用企业", "受让人"],
    },
    FieldDef {
        field: Field::MaxFar,
        name: "max_far",
        zh: "容积率上限",
        aliases: &["容积率上限", "最大容积率", "容积率"],
    },
    FieldDef {
        field: Field::Kind,
        name: "kind",
        zh: "类型",
        aliases: &["类型", "类别", "敏感区类型", "要素类型", "type"],
    },
    FieldDef {
        field: Field::Name,
        name: "name",
        zh: "名称",
        aliases: &["名称", "地块名称", "名字"],
    },
];

/// The field a property name stands for, if any.
pub fn field_of(key: &str) -> Option<Field> {
    let n = normalise_header(key);
    FIELDS
        .iter()
        .find(|d| d.name == n || d.aliases.iter().any(|a| normalise_header(a) == n))
        .map(|d| d.field)
}

/// The definition of a field.
pub fn def(field: Field) -> &'static FieldDef {
    FIELDS
        .iter()
        .find(|d| d.field == field)
        .expect("every field is listed")
}

/// Property names resolved to fields once per distinct name, for the features of one file.
#[derive(Default)]
pub(crate) struct Keys {
    cache: HashMap<String, Option<Field>>,
}

impl Keys {
    /// The property standing for `field`: its name as written and its value. The canonical
    /// name wins over an alias; among aliases the first in the feature.
    pub(crate) fn get<'a>(
        &mut self,
        props: &'a serde_json::Map<String, Value>,
        field: Field,
    ) -> Option<(&'a str, &'a Value)> {
        let name = def(field).name;
        if let Some(v) = props.get(name) {
            return Some((name, v));
        }
        props.iter().find_map(|(k, v)| {
            let f = match self.cache.get(k.as_str()) {
                Some(f) => *f,
                None => *self.cache.entry(k.clone()).or_insert_with(|| field_of(k)),
            };
            (f == Some(field)).then_some((k.as_str(), v))
        })
    }
}

/// Chinese spellings of the land classes (GB 50137-2011 names).
const LAND_USE: &[(LandUse, &[&str])] = &[
    (
        LandUse::M1,
        &["一类工业用地", "一类工业", "工业用地(一类)", "M1类"],
    ),
    (
        LandUse::M2,
        &["二类工业用地", "二类工业", "工业用地(二类)", "M2类"],
    ),
    (
        LandUse::M3,
        &["三类工业用地", "三类工业", "工业用地(三类)", "M3类"],
    ),
];

const STATUS: &[(ParcelStatus, &[&str])] = &[
    (
        ParcelStatus::Available,
        &["可用", "可出让", "待出让", "未出让", "空闲"],
    ),
    (
        ParcelStatus::Occupied,
        &["已出让", "已占用", "已使用", "已用", "占用"],
    ),
    (ParcelStatus::Reserved, &["预留", "储备", "预留用地"]),
];

/// Chinese names of the bundled rule set's clusters and the sensitive kinds; a value that is
/// not listed here is taken as written (lower-cased) and checked against the rule set.
const CLUSTERS: &[(&str, &[&str])] = &[
    ("electronics", &["电子信息"]),
    ("biomedicine", &["生物医药"]),
    ("mechatronics", &["机电装备", "智能装备"]),
    ("pharma_equipment", &["制药装备"]),
    ("general", &["综合", "通用", "一般"]),
];

const KINDS: &[(&str, &[&str])] = &[
    (
        "residential",
        &["居住区", "居民区", "住宅区", "村庄", "居民点"],
    ),
    ("school", &["学校", "中学", "小学", "幼儿园"]),
    ("hospital", &["医院", "卫生院", "卫生服务中心"]),
    ("wetland", &["湿地", "滩涂湿地"]),
    (
        "water_source",
        &["水源地", "水源保护区", "饮用水水源地", "水库"],
    ),
];

const CONTEXT_KINDS: &[(ContextKind, &[&str])] = &[
    (
        ContextKind::Boundary,
        &["边界", "界线", "行政区界", "行政边界", "园区边界", "范围线"],
    ),
    (ContextKind::Road, &["道路", "公路", "路网"]),
    (
        ContextKind::Water,
        &["水系", "水域", "河流", "水体", "河道"],
    ),
    (ContextKind::Coastline, &["海岸线", "岸线"]),
    (ContextKind::Urban, &["城区", "建成区", "老城区", "街道"]),
];

fn matches(t: &str, names: &[&str]) -> bool {
    // An ASCII value (`M1`, `available`: nearly every parcel of a big file) never normalises to
    // a Chinese name: no allocation for it.
    if t.is_ascii() && names.iter().all(|n| !n.is_ascii()) {
        return false;
    }
    let t = normalise_header(t);
    names.iter().any(|n| normalised_chars(n).eq(t.chars()))
}

/// [`normalise_header`] of a catalogue name as characters, without allocating (every parcel's
/// values are compared with every name). The same characters for any text without a capital
/// sigma, whose lower case depends on its place in a word, which no catalogue name has.
fn normalised_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            '（' | '【' => '(',
            '）' | '】' => ')',
            c => c,
        })
        .filter(|&c| c != ' ')
}

/// "M1 (一类工业用地), M2 (二类工业用地), M3 (三类工业用地)": what an error lists.
fn both<T: Copy + PartialEq>(table: &[(T, &[&str])], name: impl Fn(T) -> String) -> String {
    table
        .iter()
        .map(|(v, zh)| format!("{} ({})", name(*v), zh[0]))
        .collect::<Vec<_>>()
        .join(", ")
}

fn categorical<T: Categorical + PartialEq>(
    text: &str,
    table: &[(T, &[&str])],
) -> Result<T, String> {
    let t = text.trim();
    if let Some((v, _)) = table.iter().find(|(_, zh)| matches(t, zh)) {
        return Ok(*v);
    }
    T::parse(t).map_err(|_| {
        format!(
            "expected one of {}, got {text:?}",
            both(table, |v| v.name().to_string())
        )
    })
}

/// The allowed land classes, in both languages.
pub fn land_use_expected() -> String {
    both(LAND_USE, |v| v.name().to_string())
}

/// The allowed parcel states, in both languages.
pub fn status_expected() -> String {
    both(STATUS, |v| v.name().to_string())
}

/// A land class: `M1`..`M3` or its Chinese name.
pub fn land_use(text: &str) -> Result<LandUse, String> {
    categorical(text, LAND_USE)
}

/// A parcel state: `available`/`occupied`/`reserved` or 可用/已出让/预留 (and synonyms).
pub fn status(text: &str) -> Result<ParcelStatus, String> {
    categorical(text, STATUS)
}

/// A cluster name: a Chinese name of a known cluster becomes its canonical name; anything else
/// is kept, trimmed and lower-cased (the rule set decides whether it exists).
pub fn cluster(text: &str) -> String {
    let t = text.trim();
    CLUSTERS
        .iter()
        .find(|(_, zh)| matches(t, zh))
        .map_or_else(|| t.to_lowercase(), |(c, _)| c.to_string())
}

/// A sensitive kind: a Chinese name of a known kind becomes its canonical name; anything else
/// is kept, trimmed and lower-cased.
pub fn kind(text: &str) -> String {
    let t = text.trim();
    KINDS
        .iter()
        .find(|(_, zh)| matches(t, zh))
        .map_or_else(|| t.to_lowercase(), |(k, _)| k.to_string())
}

/// The Chinese name of a sensitive kind, when it has one (for messages).
pub fn kind_zh(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|(k, _)| *k == kind).map(|(_, zh)| zh[0])
}

/// A context feature's kind from its value; `None` when the value names none of them.
pub fn context_kind(text: &str) -> Option<ContextKind> {
    let t = text.trim();
    CONTEXT_KINDS
        .iter()
        .find(|(_, zh)| matches(t, zh))
        .map(|(k, _)| *k)
        .or_else(|| ContextKind::parse(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alias_names_one_field() {
        for d in FIELDS {
            assert_eq!(field_of(d.name), Some(d.field));
            for a in d.aliases {
                assert_eq!(field_of(a), Some(d.field), "{a}");
            }
        }
    }

    #[test]
    fn catalogue_names_normalise_as_headers_do() {
        let tables = [LAND_USE
            .iter()
            .flat_map(|(_, n)| n.iter())
            .collect::<Vec<_>>()];
        let names = tables
            .into_iter()
            .flatten()
            .chain(STATUS.iter().flat_map(|(_, n)| n.iter()))
            .chain(CLUSTERS.iter().flat_map(|(_, n)| n.iter()))
            .chain(KINDS.iter().flat_map(|(_, n)| n.iter()))
            .chain(CONTEXT_KINDS.iter().flat_map(|(_, n)| n.iter()));
        for n in names.chain([&" M1类（一） ", &"\u{feff}A【b】"]) {
            assert_eq!(normalised_chars(n).collect::<String>(), normalise_header(n));
        }
    }

    #[test]
    fn values_in_either_language() {
        assert_eq!(status(" 已出让 "), Ok(ParcelStatus::Occupied));
        assert_eq!(status("Reserved"), Ok(ParcelStatus::Reserved));
        assert_eq!(land_use("三类工业用地"), Ok(LandUse::M3));
        assert_eq!(
            land_use("工业").unwrap_err(),
            "expected one of M1 (一类工业用地), M2 (二类工业用地), M3 (三类工业用地), got \"工业\""
        );
        assert_eq!(cluster("电子信息"), "electronics");
        assert_eq!(kind("湿地"), "wetland");
        assert_eq!(context_kind("道路"), Some(ContextKind::Road));
    }
}
