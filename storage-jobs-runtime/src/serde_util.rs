//! Serde helpers that generated types name in their attributes: lists sent as `null`, and
//! single values of the wrong type, read without failing the whole response.

use std::marker::PhantomData;

use serde::de::{self, IntoDeserializer, Visitor, value};
use serde::{Deserialize, Deserializer};

/// Decodes `null` as the type's default, so a list or map a server sends as `null` reads as
/// empty instead of failing the whole response.
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes an optional field; a value of the wrong type (text where a number belongs, a number
/// where text does) decodes as absent instead of failing the whole response, so one odd field
/// of one record never costs a page. The field is logged at `warn` with the type it should
/// have had and the kind of value that came, never the value itself.
///
/// A single value is decoded straight from the parser, as without this (no buffering, no
/// allocation a plain field would not make); only a list or object where a single value
/// belongs is read into a `serde_json::Value` first.
pub fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    deserializer.deserialize_option(Lenient(PhantomData))
}

struct Lenient<T>(PhantomData<T>);

/// The decoded value, or `None` with a warning.
fn kept<T>(decoded: Result<T, value::Error>, came: &str) -> Option<T> {
    match decoded {
        Ok(decoded) => Some(decoded),
        Err(_) => {
            tracing::warn!(
                expected = std::any::type_name::<T>(),
                came,
                "a field with a value of another type was left out"
            );
            None
        }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Lenient<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(v.into_deserializer()), "a boolean"))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(v.into_deserializer()), "a number"))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(v.into_deserializer()), "a number"))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(v.into_deserializer()), "a number"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(value::StrDeserializer::new(v)), "text"))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(kept(
            T::deserialize(value::BorrowedStrDeserializer::new(v)),
            "text",
        ))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(kept(T::deserialize(v.into_deserializer()), "text"))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let buffered = serde_json::Value::deserialize(value::SeqAccessDeserializer::new(seq))?;
        Ok(kept(
            T::deserialize(buffered).map_err(de::Error::custom),
            "a list",
        ))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let buffered = serde_json::Value::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(kept(
            T::deserialize(buffered).map_err(de::Error::custom),
            "an object",
        ))
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Page {
        #[serde(default, deserialize_with = "super::null_as_default")]
        records: Vec<u32>,
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Job {
        #[serde(default, deserialize_with = "super::lenient")]
        retention: Option<i32>,
        #[serde(default, deserialize_with = "super::lenient")]
        name: Option<String>,
    }

    #[test]
    fn an_odd_value_is_left_out_and_the_rest_decodes() {
        let decode = |text: &str| serde_json::from_str::<Job>(text).unwrap();
        assert_eq!(
            decode(r#"{"retention": "seven", "name": "copy"}"#),
            Job {
                retention: None,
                name: Some("copy".into())
            }
        );
        assert_eq!(
            decode(r#"{"retention": 7, "name": 12}"#),
            Job {
                retention: Some(7),
                name: None
            }
        );
        assert_eq!(
            decode(r#"{"retention": null}"#),
            Job {
                retention: None,
                name: None
            }
        );
        assert_eq!(
            decode("{}"),
            Job {
                retention: None,
                name: None
            }
        );
        assert_eq!(
            decode(r#"{"retention": [1, {"a": 2}], "name": "esc\"aped"}"#),
            Job {
                retention: None,
                name: Some("esc\"aped".into())
            }
        );
        assert_eq!(
            decode(r#"{"retention": {"days": 7}, "name": true}"#),
            Job {
                retention: None,
                name: None
            }
        );
        assert_eq!(
            serde_json::from_value::<Job>(serde_json::json!({"retention": 3.5, "name": "v"}))
                .unwrap(),
            Job {
                retention: None,
                name: Some("v".into())
            },
            "a fraction where an integer belongs, decoded from a Value"
        );
        assert!(
            serde_json::from_str::<Job>(r#"{"retention": 7"#).is_err(),
            "broken JSON still fails"
        );
    }

    #[test]
    fn null_absent_and_present_lists() {
        let decode = |text: &str| serde_json::from_str::<Page>(text).unwrap().records;
        assert_eq!(decode(r#"{"records": null}"#), Vec::<u32>::new());
        assert_eq!(decode("{}"), Vec::<u32>::new());
        assert_eq!(decode(r#"{"records": [1, 2]}"#), vec![1, 2]);
    }
}
