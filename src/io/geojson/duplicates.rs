//! JSON objects with a repeated key. RFC 8259 leaves their meaning open and serde_json keeps the
//! last value, so `"status": "available", "status": "occupied"` would silently load as occupied
//! and a second `"features": []` would empty the file: parkplan refuses them instead.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// The path (`features[3].properties.status`) of the first key repeated within one object of
/// `text`, or `None` when there is none. A syntax error also gives `None`: the JSON reader
/// reports it with its position.
pub(super) fn duplicate_key(text: &str) -> Option<String> {
    let mut d = serde_json::Deserializer::from_str(text);
    match (Walk {
        path: String::new(),
    })
    .deserialize(&mut d)
    {
        Err(e) => e.to_string().strip_prefix(MARK).map(|rest| {
            // serde_json appends " at line L column C"; the path alone names the place.
            rest.rsplit_once(" at line ")
                .map_or(rest, |(p, _)| p)
                .to_string()
        }),
        Ok(()) => None,
    }
}

const MARK: &str = "duplicate key: ";

/// Walks one JSON value, with the path that leads to it.
struct Walk {
    path: String,
}

impl<'de> DeserializeSeed<'de> for Walk {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while seq
            .next_element_seed(Walk {
                path: format!("{}[{i}]", self.path),
            })?
            .is_some()
        {
            i += 1;
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let path = if self.path.is_empty() {
                key.clone()
            } else {
                format!("{}.{key}", self.path)
            };
            if !seen.insert(key) {
                return Err(de::Error::custom(format!("{MARK}{path}")));
            }
            map.next_value_seed(Walk { path })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::duplicate_key;

    #[test]
    fn the_first_repeated_key_is_named_by_its_path() {
        assert_eq!(duplicate_key(r#"{"a":1,"b":[{"c":1}]}"#), None);
        let text = r#"{"features":[{"properties":{"status":"available","status":"occupied"}}]}"#;
        assert_eq!(
            duplicate_key(text).as_deref(),
            Some("features[0].properties.status")
        );
        assert_eq!(
            duplicate_key(r#"{"features":[],"features":[]}"#).as_deref(),
            Some("features")
        );
        assert_eq!(duplicate_key(r#"{"a":1,"b""#), None); // a syntax error: not ours to report
    }
}
