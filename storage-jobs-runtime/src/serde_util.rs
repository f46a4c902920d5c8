//! Serde helpers that generated types name in their attributes.

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

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Page {
        #[serde(default, deserialize_with = "super::null_as_default")]
        records: Vec<u32>,
    }

    #[test]
    fn null_absent_and_present_lists() {
        let decode = |text: &str| serde_json::from_str::<Page>(text).unwrap().records;
        assert_eq!(decode(r#"{"records": null}"#), Vec::<u32>::new());
        assert_eq!(decode("{}"), Vec::<u32>::new());
        assert_eq!(decode(r#"{"records": [1, 2]}"#), vec![1, 2]);
    }
}
