//! The `[map]` section of a rule file: what the printed maps' titles say about the park.
//!
//! ```toml
//! [map]
//! park = "灵昆高新园区"              # the park's name in map titles
//! park_en = "Lingkun High-tech Park"
//! office = "灵昆高新园区规划编制组"   # the issuing office, in the subtitle
//! office_en = "Lingkun park planning team"
//! ```
//!
//! Every key is optional; `parkplan map` and `plan` flags (`--park-name`, `--office`) override
//! them, and without either the title names the parcels file (see `plan::maps::Sheet`).

use serde::Deserialize;

/// Names printed on the maps.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MapRules {
    /// The park's name in Chinese (and as the default in English).
    #[serde(default)]
    pub park: Option<String>,
    #[serde(default)]
    pub park_en: Option<String>,
    /// The office that issues the maps.
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub office_en: Option<String>,
}
