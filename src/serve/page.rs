//! The page: `assets/serve.html` (inline CSS and script, compiled into the binary) with the
//! session's data — the form's fields with their labels, the base plan's counts and the
//! page's texts in the chosen language — as one JSON object in place of its `__DATA__` mark.

use super::Session;
use super::form::{self, Field};
use crate::i18n::{self, Lang};
use serde::Serialize;
use toml::Value;

const TEMPLATE: &str = include_str!("../../assets/serve.html");

#[derive(Serialize)]
struct Shown<'a> {
    #[serde(flatten)]
    field: &'a Field,
    /// The label in the page's language.
    name: String,
}

/// The display label of a field: the criterion's text, the indicator's name, the sensitive
/// kind and pollution class, or the area-fit bound.
fn name(lang: Lang, values: &toml::Table, f: &Field) -> String {
    let parts: Vec<&str> = f.id.split('.').collect();
    match parts.as_slice() {
        ["criterion", id] => {
            let text = values
                .get("admission")
                .and_then(|a| a.get("criterion"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|c| c.get("id").and_then(Value::as_str) == Some(id))
                .and_then(|c| c.get(if lang == Lang::En { "en" } else { "zh" }))
                .and_then(Value::as_str);
            match text {
                Some(t) => format!("{id}: {t}"),
                None => id.to_string(),
            }
        }
        ["weight", track, metric] => {
            let indicator = values
                .get("ranking")
                .and_then(|r| r.get("track"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|t| t.get("id").and_then(Value::as_str) == Some(track))
                .flat_map(|t| {
                    t.get("indicators")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .find(|i| i.get("metric").and_then(Value::as_str) == Some(metric))
                .and_then(|i| i.get("name"))
                .and_then(Value::as_str);
            format!("{track} · {}", indicator.unwrap_or(metric))
        }
        ["buffer", kind, class] => format!(
            "{} · {}",
            i18n::name_of(lang, "sensitive", kind),
            i18n::name_of(lang, "category", class)
        ),
        ["area_fit", bound @ ("min" | "max")] => i18n::text(lang, &format!("serve.fit_{bound}")),
        _ => f.label.clone(),
    }
}

fn texts(lang: Lang, areas: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    areas
        .iter()
        .flat_map(|a| {
            i18n::area(lang, a)
                .into_iter()
                .map(move |(k, v)| (format!("{a}.{k}"), v))
        })
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect()
}

/// The page with the session's data.
pub(super) fn html(s: &Session) -> String {
    let lang = s.opts.lang;
    let values = &s.scenario.rules.values;
    let fields = form::fields(values);
    let shown: Vec<Shown> = fields
        .iter()
        .map(|f| Shown {
            field: f,
            name: name(lang, values, f),
        })
        .collect();
    let (admit, conditional, reject) = s.base.admission.screen.counts();
    let data = serde_json::json!({
        "lang": if lang == Lang::En { "en" } else { "zh" },
        "rules_file": crate::io::shown_path(&s.scenario.files.rules),
        "rules_version": s.scenario.rules.version,
        "fields": shown,
        "counts": { "admit": admit, "conditional": conditional, "reject": reject },
        "out": s.write_target(),
        "t": texts(lang, &["serve", "decision", "category", "class", "action"]),
    });
    // `</` would end the script element the data sits in.
    let json = data.to_string().replace("</", "<\\/");
    TEMPLATE
        .replace("__LANG__", if lang == Lang::En { "en" } else { "zh-CN" })
        .replace("__TITLE__", &i18n::text(lang, "serve.title"))
        .replace("__DATA__", &json)
}
