//! The rule diff: every value that differs between two rule files, by key path.
//!
//! Tables are walked key by key (sorted, as TOML tables are); an array whose every element is a
//! table with a string `id` (`[[admission.criterion]]`, `[[ranking.track]]`) is matched by id,
//! so `admission.criterion[investment_intensity].expr` names the criterion whatever its place in
//! the file; other arrays are matched by position (`[3]`). A value is shown as the TOML text it
//! would be written as (`'investment_per_mu >= 250'` is shown `"investment_per_mu >= 250"`).

use super::RuleChange;
use toml::{Table, Value};

/// Every value that differs between `a` and `b`, by key path, sorted by path as walked.
///
/// ```
/// let a: toml::Table = toml::from_str("version = \"x\"\n[admission]\nmin = 300\n").unwrap();
/// let b: toml::Table = toml::from_str("version = \"x\"\n[admission]\nmin = 250\n").unwrap();
/// let d = parkplan::plan::compare::diff_values(&a, &b);
/// assert_eq!(d.len(), 1);
/// assert_eq!(d[0].key, "admission.min");
/// assert_eq!((d[0].before.as_deref(), d[0].after.as_deref()), (Some("300"), Some("250")));
/// ```
pub fn diff_values(a: &Table, b: &Table) -> Vec<RuleChange> {
    let mut out = Vec::new();
    tables("", a, b, &mut out);
    out
}

fn join(prefix: &str, key: &str) -> String {
    // A key that is no bare TOML key (`"C39"` is, `"a.b"` is not) is quoted.
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if prefix.is_empty() {
        key
    } else {
        format!("{prefix}.{key}")
    }
}

fn tables(prefix: &str, a: &Table, b: &Table, out: &mut Vec<RuleChange>) {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        values(&join(prefix, k), a.get(k), b.get(k), out);
    }
}

fn values(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<RuleChange>) {
    match (a, b) {
        (Some(Value::Table(x)), Some(Value::Table(y))) => tables(path, x, y, out),
        (Some(Value::Array(x)), Some(Value::Array(y))) => arrays(path, x, y, out),
        (x, y) if x != y => out.push(RuleChange {
            key: path.to_string(),
            before: x.map(shown),
            after: y.map(shown),
        }),
        _ => {}
    }
}

/// The `id` of every element when all are tables with a distinct string id.
fn ids(v: &[Value]) -> Option<Vec<&str>> {
    let ids: Vec<&str> = v
        .iter()
        .map(|e| e.as_table()?.get("id")?.as_str())
        .collect::<Option<_>>()?;
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (sorted.len() == ids.len()).then_some(ids)
}

fn arrays(path: &str, a: &[Value], b: &[Value], out: &mut Vec<RuleChange>) {
    if let (Some(ia), Some(ib)) = (ids(a), ids(b))
        && !(a.is_empty() && b.is_empty())
    {
        // By id: the base file's order, then the other's new ones.
        let mut order: Vec<&str> = ia.clone();
        order.extend(ib.iter().filter(|i| !ia.contains(i)));
        for id in order {
            let x = ia.iter().position(|i| *i == id).map(|k| &a[k]);
            let y = ib.iter().position(|i| *i == id).map(|k| &b[k]);
            values(&format!("{path}[{id}]"), x, y, out);
        }
        return;
    }
    // Scalars (a list of codes) compare as one value; tables by position.
    let all_tables = a.iter().chain(b).all(Value::is_table);
    if !all_tables {
        if a != b {
            out.push(RuleChange {
                key: path.to_string(),
                before: Some(shown(&Value::Array(a.to_vec()))),
                after: Some(shown(&Value::Array(b.to_vec()))),
            });
        }
        return;
    }
    for k in 0..a.len().max(b.len()) {
        values(&format!("{path}[{k}]"), a.get(k), b.get(k), out);
    }
}

/// A value as TOML text, on one line.
fn shown(v: &Value) -> String {
    match v {
        Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| format!("{} = {}", join("", k), shown(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(shown).collect();
            format!("[{}]", parts.join(", "))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Table {
        toml::from_str(s).unwrap()
    }

    #[test]
    fn criteria_are_matched_by_id_whatever_their_order() {
        let a = t("[[c]]\nid = \"x\"\nexpr = 'a >= 1'\n[[c]]\nid = \"y\"\nexpr = 'b >= 2'\n");
        let b = t("[[c]]\nid = \"y\"\nexpr = 'b >= 3'\n[[c]]\nid = \"x\"\nexpr = 'a >= 1'\n");
        let d = diff_values(&a, &b);
        assert_eq!(
            d,
            vec![RuleChange {
                key: "c[y].expr".into(),
                before: Some("\"b >= 2\"".into()),
                after: Some("\"b >= 3\"".into()),
            }]
        );
    }

    #[test]
    fn added_removed_and_quoted_keys() {
        let a = t("[p]\n\"C39\" = \"e\"\n\"a.b\" = 1\n");
        let b = t("[p]\nC39 = \"e\"\nnew = [1, 2]\n");
        let d = diff_values(&a, &b);
        let keys: Vec<&str> = d.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["p.\"a.b\"", "p.new"]);
        assert_eq!(d[0].after, None);
        assert_eq!(d[1].after.as_deref(), Some("[1, 2]"));
    }
}
