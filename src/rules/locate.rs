//! Where a dotted key of a rule file sits in its text, so an error found after parsing points at
//! the key at fault (`admission.criterion.core_ip.weight`) rather than at its section's header.
//!
//! Keys are the ones the checks report: table names and keys joined by dots, an array of tables
//! entered by an element's `id` (`admission.criterion.core_ip`) or by index (`indicators[2]`).
//! The lookup walks the spanned document `toml` parses (`DeTable`) and stops at the deepest part
//! it finds, so a key the file does not contain (a missing one) points at its parent.

use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// The byte span of the value at `key` in `text`, or of the deepest part of the key found;
/// `None` when the text does not parse or not even the first part is there.
pub(crate) fn key_span(text: &str, key: &str) -> Option<Range<usize>> {
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable = doc.get_ref();
    let mut found: Option<Range<usize>> = None;
    let mut parts = split(key).into_iter().peekable();
    while let Some(part) = parts.next() {
        let (name, index) = part;
        // A key may itself hold dots only when quoted; the checks never produce such keys.
        let Some((_, value)) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name) else {
            break;
        };
        found = Some(value.span());
        let mut v = value.get_ref();
        if let DeValue::Array(items) = v {
            // Enter an element: by index (`x[2]`), else by the next part as its `id`.
            let element = match index {
                Some(i) => items.get(i),
                None => match parts.peek() {
                    Some((id, None)) => {
                        let hit = items.iter().find(|item| {
                            item.get_ref().as_table().is_some_and(|t| {
                                t.iter().any(|(k, v)| {
                                    k.get_ref().as_ref() == "id"
                                        && matches!(v.get_ref(), DeValue::String(s) if s.as_ref() == *id)
                                })
                            })
                        });
                        if hit.is_some() {
                            parts.next();
                        }
                        hit
                    }
                    _ => None,
                },
            };
            let Some(element) = element else { break };
            found = Some(element.span());
            v = element.get_ref();
        }
        match v.as_table() {
            Some(t) => table = t,
            None => break,
        }
    }
    found
}

/// `a.b[2].c` as `[("a", None), ("b", Some(2)), ("c", None)]`.
fn split(key: &str) -> Vec<(&str, Option<usize>)> {
    key.split('.')
        .map(|p| match p.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
            None => (p, None),
        })
        .collect()
}

/// The `id` of the `[[admission.criterion]]` table whose text holds byte `offset`, for naming
/// the criterion of an error the TOML reader reports (an unknown severity, a wrong type).
pub(crate) fn criterion_at(text: &str, offset: usize) -> Option<String> {
    let doc = DeTable::parse(text).ok()?;
    let admission = doc
        .get_ref()
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "admission")?
        .1;
    let criteria = admission
        .get_ref()
        .as_table()?
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == "criterion")?
        .1;
    let items = criteria.get_ref().as_array()?;
    // Array-of-tables elements span their keys only: the criterion is the last one starting at
    // or before the offset.
    let item = items
        .iter()
        .filter(|i| i.span().start <= offset)
        .max_by_key(|i| i.span().start)?;
    // A table header between that criterion and the offset (`[ranking]`, `[allocation]`):
    // the offset is in a later section, not in a criterion.
    let between = text.get(item.span().start..offset)?;
    let header = |l: &str| {
        let l = l.trim();
        l.starts_with('[') && l.ends_with(']') && !l.contains('=')
    };
    if between.lines().skip(1).any(header) {
        return None;
    }
    item.get_ref().as_table()?.iter().find_map(|(k, v)| {
        (k.get_ref().as_ref() == "id")
            .then(|| match v.get_ref() {
                DeValue::String(s) => Some(s.to_string()),
                _ => None,
            })
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "version = \"v\"\n\n[admission]\n\n[[admission.criterion]]\nid = \"a\"\nweight = 1\n\n[[admission.criterion]]\nid = \"b\"\nweight = nan\n\n[ranking]\nindicators = [{ metric = \"x\", weight = 2 }, { metric = \"y\", weight = 3 }]\n";

    fn line_of(span: Range<usize>) -> usize {
        TEXT[..span.start].matches('\n').count() + 1
    }

    #[test]
    fn a_later_section_is_in_no_criterion() {
        let at = |s: &str| TEXT.find(s).unwrap();
        assert_eq!(criterion_at(TEXT, at("nan")).as_deref(), Some("b"));
        assert_eq!(criterion_at(TEXT, at("metric")), None);
    }

    #[test]
    fn keys_are_found_by_criterion_id_and_index() {
        assert_eq!(
            line_of(key_span(TEXT, "admission.criterion.b.weight").unwrap()),
            11
        );
        assert_eq!(line_of(key_span(TEXT, "admission.criterion.a").unwrap()), 5);
        let s = key_span(TEXT, "ranking.indicators[1].weight").unwrap();
        assert_eq!(&TEXT[s], "3");
        // A missing key points at the deepest part that is there.
        assert_eq!(
            line_of(key_span(TEXT, "admission.criterion.b.tiers").unwrap()),
            9
        );
        assert_eq!(key_span(TEXT, "allocation.time_limit_s"), None);
    }

    #[test]
    fn the_criterion_around_an_offset_is_named() {
        let at = TEXT.find("nan").unwrap();
        assert_eq!(criterion_at(TEXT, at).as_deref(), Some("b"));
        assert_eq!(criterion_at(TEXT, 0), None);
    }
}
