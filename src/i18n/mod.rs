//! One message catalogue for every user-facing text, in Chinese and English.
//!
//! The texts are data, not code: `assets/messages.toml` (compiled into the binary) holds one
//! table per area (`[decision]`, `[report]`, `[map]`, ...), each message a key with its `zh` and
//! `en` text and optional `{name}` placeholders:
//!
//! ```toml
//! [decision]
//! admit = { zh = "准入", en = "admitted" }
//! [report]
//! screened = { zh = "共审核{n}家申请企业", en = "{n} applicants screened" }
//! ```
//!
//! Code names a message by its dotted key (`decision.admit`) and a [`Lang`]; machine outputs
//! (CSV and JSON field names and enum values) keep their stable English ids and never go
//! through here unless a user asks for Chinese headers. A test checks that every message has
//! both languages and that every key the code names exists.
//!
//! ```
//! use parkplan::i18n::{Lang, text};
//! assert_eq!(text(Lang::Zh, "lang.zh"), "中文");
//! assert_eq!(text(Lang::En, "lang.zh"), "Chinese");
//! assert_eq!(text(Lang::Both, "lang.zh"), "中文 Chinese");
//! ```

use std::collections::HashMap;
use std::sync::OnceLock;

/// The language of human documents (report, maps, messages). Chinese by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
    /// Chinese then English, for bilingual tables and legends.
    Both,
}

impl Lang {
    /// `zh`, `en` or `both`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            "both" => Some(Lang::Both),
            _ => None,
        }
    }
    /// The text in this language of a pair given in code (e.g. a rule file's `zh`/`en`
    /// descriptions).
    pub fn pick(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => zh.to_string(),
            Lang::En => en.to_string(),
            Lang::Both if zh == en || en.is_empty() => zh.to_string(),
            Lang::Both if zh.is_empty() => en.to_string(),
            Lang::Both => format!("{zh} {en}"),
        }
    }
}

/// One message: its Chinese and English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub zh: String,
    pub en: String,
}

/// Every message by dotted key.
#[derive(Debug, Default)]
pub struct Catalogue {
    messages: HashMap<String, Message>,
}

impl Catalogue {
    /// Parse a catalogue from TOML text; every message needs both `zh` and `en`.
    pub fn parse(text: &str) -> Result<Catalogue, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut messages = HashMap::new();
        for (area, v) in &table {
            let Some(t) = v.as_table() else {
                return Err(format!("{area}: expected a table of messages"));
            };
            for (key, m) in t {
                let get = |lang: &str| {
                    m.get(lang)
                        .and_then(|s| s.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| format!("{area}.{key}: expected a `{lang}` text"))
                };
                messages.insert(
                    format!("{area}.{key}"),
                    Message {
                        zh: get("zh")?,
                        en: get("en")?,
                    },
                );
            }
        }
        Ok(Catalogue { messages })
    }

    /// The message of `key`, if the catalogue has it.
    pub fn get(&self, key: &str) -> Option<&Message> {
        self.messages.get(key)
    }

    /// Every key, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.messages.keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }
}

/// The bundled catalogue, parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        // The file is compiled in and a test parses it: a failure here is a build defect.
        Catalogue::parse(include_str!("../../assets/messages.toml"))
            .unwrap_or_else(|e| panic!("assets/messages.toml: {e}"))
    })
}

/// The text of `key` in `lang`; the key itself when the catalogue lacks it (a test makes sure
/// it never does).
pub fn text(lang: Lang, key: &str) -> String {
    match catalogue().get(key) {
        Some(m) => lang.pick(&m.zh, &m.en),
        None => key.to_string(),
    }
}

/// The display name of `id` in catalogue area `area` (a cluster, a sensitive kind, a land
/// class), or `id` itself when the catalogue has none (a rule set's own cluster).
///
/// ```
/// use parkplan::i18n::{Lang, name_of};
/// assert_eq!(name_of(Lang::Zh, "cluster", "electronics"), "电子信息");
/// assert_eq!(name_of(Lang::Zh, "cluster", "robotics"), "robotics");
/// ```
pub fn name_of(lang: Lang, area: &str, id: &str) -> String {
    match catalogue().get(&format!("{area}.{id}")) {
        Some(m) => lang.pick(&m.zh, &m.en),
        None => id.to_string(),
    }
}

/// Every message of one area as (key without the area, text in `lang`), sorted by key: e.g.
/// the labels the report's script uses.
pub fn area(lang: Lang, area: &str) -> Vec<(String, String)> {
    let prefix = format!("{area}.");
    catalogue()
        .keys()
        .into_iter()
        .filter_map(|k| {
            k.strip_prefix(&prefix)
                .map(|rest| (rest.to_string(), text(lang, k)))
        })
        .collect()
}

/// The text of `key` in `lang` with its `{name}` placeholders filled from `args`.
///
/// ```
/// use parkplan::i18n::{Lang, fill};
/// assert_eq!(fill(Lang::En, "lang.named", &[("name", "Lingkun")]), "Lingkun");
/// ```
pub fn fill(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = text(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("{{{name}}}"), value);
    }
    s
}

/// Display width of text in a terminal or a spreadsheet column: CJK and full-width characters
/// take two columns, so Chinese tables line up.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_catalogue_parses_and_has_both_languages() {
        let c = Catalogue::parse(include_str!("../../assets/messages.toml")).unwrap();
        assert!(!c.keys().is_empty());
        for k in c.keys() {
            let m = c.get(k).unwrap();
            assert!(!m.zh.trim().is_empty() && !m.en.trim().is_empty(), "{k}");
        }
    }

    #[test]
    fn a_message_without_english_is_refused() {
        let e = Catalogue::parse("[a]\nb = { zh = \"甲\" }\n").unwrap_err();
        assert!(e.contains("a.b") && e.contains("en"), "{e}");
    }
}
