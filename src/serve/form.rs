//! The rule values the page shows as a form, read from a rule set's `values` (the file's keys),
//! and the same values written back with the changes a user made.
//!
//! Fields: each admission criterion's threshold (the number of an expression written
//! `metric OP number[%]`; any other expression is shown read-only), each ranking indicator's
//! weight, each allocation buffer (sensitive kind x pollution class) and the area-fit bounds.

use serde::Serialize;
use std::collections::BTreeMap;
use toml::{Table, Value};

/// One value of the form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// `criterion.investment_intensity`, `weight.above_size.tax_per_mu`,
    /// `buffer.wetland.moderate`, `area_fit.min`.
    pub id: String,
    /// `criterion`, `weight`, `buffer`, `area_fit`: the form's section.
    pub group: &'static str,
    /// What the form labels it with (criterion id, `track / metric`, `kind / class`, `min`).
    pub label: String,
    /// The value as the rule file writes it (`300`, `60` for `60%`), or the whole expression
    /// of a read-only criterion.
    pub value: String,
    /// `%` when the threshold is written as a percentage.
    pub unit: &'static str,
    pub editable: bool,
}

/// The operators of a `metric OP number` expression.
const OPS: [&str; 6] = [">=", "<=", "==", "!=", ">", "<"];

/// `metric OP number[%]` split into its parts, or `None`.
fn threshold(expr: &str) -> Option<(&str, &str, &str, bool)> {
    let mut parts = expr.split_whitespace();
    let (metric, op, number) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !OPS.contains(&op) {
        return None;
    }
    let (digits, pct) = match number.strip_suffix('%') {
        Some(d) => (d, true),
        None => (number, false),
    };
    digits.parse::<f64>().ok()?;
    Some((metric, op, digits, pct))
}

fn shown(v: &Value) -> String {
    match v {
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn array<'a>(t: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    t.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
}

fn table<'a>(t: &'a Table, key: &str) -> Option<&'a Table> {
    t.get(key).and_then(Value::as_table)
}

/// The form's fields of a rule file's values, in the file's order.
pub fn fields(values: &Table) -> Vec<Field> {
    let mut out = Vec::new();
    let empty = Table::new();
    let admission = table(values, "admission").unwrap_or(&empty);
    for c in array(admission, "criterion") {
        let Some(id) = c.get("id").and_then(Value::as_str) else {
            continue;
        };
        let expr = c.get("expr").and_then(Value::as_str);
        let (value, unit, editable) = match expr.and_then(threshold) {
            Some((_, _, n, pct)) => (n.to_string(), if pct { "%" } else { "" }, true),
            None => (expr.unwrap_or("(tiers)").to_string(), "", false),
        };
        out.push(Field {
            id: format!("criterion.{id}"),
            group: "criterion",
            label: id.to_string(),
            value,
            unit,
            editable,
        });
    }
    let ranking = table(values, "ranking").unwrap_or(&empty);
    for t in array(ranking, "track") {
        let Some(track) = t.get("id").and_then(Value::as_str) else {
            continue;
        };
        for i in array(t, "indicators") {
            let (Some(metric), Some(w)) =
                (i.get("metric").and_then(Value::as_str), i.get("weight"))
            else {
                continue;
            };
            out.push(Field {
                id: format!("weight.{track}.{metric}"),
                group: "weight",
                label: format!("{track} / {metric}"),
                value: shown(w),
                unit: "",
                editable: true,
            });
        }
    }
    let allocation = table(values, "allocation").unwrap_or(&empty);
    if let Some(buffers) = table(allocation, "buffers_m") {
        for (kind, classes) in buffers {
            for (class, v) in classes.as_table().into_iter().flatten() {
                out.push(Field {
                    id: format!("buffer.{kind}.{class}"),
                    group: "buffer",
                    label: format!("{kind} / {class}"),
                    value: shown(v),
                    unit: "m",
                    editable: true,
                });
            }
        }
    }
    if let Some(fit) = table(allocation, "area_fit") {
        for (bound, v) in fit {
            out.push(Field {
                id: format!("area_fit.{bound}"),
                group: "area_fit",
                label: bound.clone(),
                value: shown(v),
                unit: "",
                editable: true,
            });
        }
    }
    out
}

/// Why a change cannot be applied (an unknown or read-only field): the page sent something
/// this form does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownField(pub String);

/// A number as TOML writes it: an integer when it is one, a float when it is one, else the text
/// as a string, so that the rule loader refuses it with its own located message.
fn number(text: &str) -> Value {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Value::Integer(i);
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() => Value::Float(f),
        _ => Value::String(t.to_string()),
    }
}

fn table_mut<'a>(t: &'a mut Table, key: &str) -> Option<&'a mut Table> {
    t.get_mut(key).and_then(Value::as_table_mut)
}

fn find_mut<'a>(t: &'a mut Table, key: &str, id_key: &str, id: &str) -> Option<&'a mut Table> {
    t.get_mut(key)?
        .as_array_mut()?
        .iter_mut()
        .filter_map(Value::as_table_mut)
        .find(|x| x.get(id_key).and_then(Value::as_str) == Some(id))
}

/// Set one field in `values`. A threshold's text goes into its expression as typed (a `%` is
/// added when the expression writes one), so a bad one gets the expression parser's message.
pub fn apply(values: &mut Table, id: &str, text: &str) -> Result<(), UnknownField> {
    let unknown = || UnknownField(id.to_string());
    let text = text.trim();
    let parts: Vec<&str> = id.split('.').collect();
    let slot: &mut Value = match parts.as_slice() {
        ["criterion", c] => {
            let adm = table_mut(values, "admission").ok_or_else(unknown)?;
            let crit = find_mut(adm, "criterion", "id", c).ok_or_else(unknown)?;
            let expr = crit
                .get("expr")
                .and_then(Value::as_str)
                .ok_or_else(unknown)?;
            let (metric, op, _, pct) = threshold(expr).ok_or_else(unknown)?;
            let value = match pct && !text.ends_with('%') {
                true => format!("{text}%"),
                false => text.to_string(),
            };
            let new = format!("{metric} {op} {value}");
            crit.insert("expr".into(), Value::String(new));
            return Ok(());
        }
        ["weight", track, metric] => {
            let ranking = table_mut(values, "ranking").ok_or_else(unknown)?;
            let t = find_mut(ranking, "track", "id", track).ok_or_else(unknown)?;
            let i = find_mut(t, "indicators", "metric", metric).ok_or_else(unknown)?;
            i.get_mut("weight").ok_or_else(unknown)?
        }
        ["buffer", kind, class] => {
            let alloc = table_mut(values, "allocation").ok_or_else(unknown)?;
            let b = table_mut(alloc, "buffers_m").ok_or_else(unknown)?;
            let k = table_mut(b, kind).ok_or_else(unknown)?;
            k.get_mut(*class).ok_or_else(unknown)?
        }
        ["area_fit", bound] => {
            let alloc = table_mut(values, "allocation").ok_or_else(unknown)?;
            let fit = table_mut(alloc, "area_fit").ok_or_else(unknown)?;
            fit.get_mut(*bound).ok_or_else(unknown)?
        }
        _ => return Err(unknown()),
    };
    *slot = number(text);
    Ok(())
}

/// `values` with every change applied (by field id), or the first unknown field.
pub fn applied(values: &Table, changes: &BTreeMap<String, String>) -> Result<Table, UnknownField> {
    let mut v = values.clone();
    for (id, text) in changes {
        apply(&mut v, id, text)?;
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled() -> Table {
        crate::rules::load(&crate::io::bundled::rules())
            .unwrap()
            .values
    }

    #[test]
    fn reads_thresholds_weights_buffers_and_area_fit() {
        let f = fields(&bundled());
        let get = |id: &str| f.iter().find(|x| x.id == id).unwrap();
        assert_eq!(get("criterion.investment_intensity").value, "300");
        assert_eq!(get("criterion.hightech_share").value, "60");
        assert_eq!(get("criterion.hightech_share").unit, "%");
        assert!(!get("criterion.rd_intensity").editable);
        assert!(!get("criterion.not_heavy").editable);
        assert_eq!(get("weight.above_size.tax_per_mu").value, "30");
        assert_eq!(get("buffer.wetland.moderate").value, "500");
        assert_eq!(get("area_fit.max").value, "1.5");
    }

    #[test]
    fn applies_changes_where_the_file_keeps_them() {
        let changes = BTreeMap::from([
            ("criterion.hightech_share".to_string(), "50".to_string()),
            ("buffer.wetland.moderate".to_string(), "300".to_string()),
            ("area_fit.min".to_string(), "0.8".to_string()),
        ]);
        let v = applied(&bundled(), &changes).unwrap();
        let f = fields(&v);
        let get = |id: &str| f.iter().find(|x| x.id == id).unwrap().value.clone();
        assert_eq!(get("criterion.hightech_share"), "50");
        assert_eq!(get("buffer.wetland.moderate"), "300");
        assert_eq!(get("area_fit.min"), "0.8");
        let bad = BTreeMap::from([("criterion.not_heavy".to_string(), "1".to_string())]);
        assert!(applied(&bundled(), &bad).is_err());
    }
}
