//! A list query parameter sent as one comma-separated value (`fields=uuid,state`), which is
//! what OpenAPI's `style: form, explode: false` means and what ONTAP expects.

use std::fmt;

use serde::{Serialize, Serializer};

/// A list of values sent as `a,b,c`. Build it from an array, a `Vec` or an iterator.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CommaSeparated(Vec<String>);

impl CommaSeparated {
    /// The items.
    pub fn items(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for CommaSeparated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl Serialize for CommaSeparated {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<S: Into<String>> FromIterator<S> for CommaSeparated {
    fn from_iter<I: IntoIterator<Item = S>>(items: I) -> Self {
        CommaSeparated(items.into_iter().map(Into::into).collect())
    }
}

impl<S: Into<String>> From<Vec<S>> for CommaSeparated {
    fn from(items: Vec<S>) -> Self {
        items.into_iter().collect()
    }
}

impl<S: Into<String>, const N: usize> From<[S; N]> for CommaSeparated {
    fn from(items: [S; N]) -> Self {
        items.into_iter().collect()
    }
}

impl From<&[&str]> for CommaSeparated {
    fn from(items: &[&str]) -> Self {
        items.iter().copied().collect()
    }
}

/// Percent-decodes the commas that URL encoding put into the named query parameters, so that
/// `fields=uuid%2Cstate` goes out as `fields=uuid,state`.
pub fn unescape_commas(url: &mut reqwest::Url, names: &[&str]) {
    let Some(query) = url.query() else { return };
    let rewritten = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if names.contains(&name) => {
                format!("{name}={}", value.replace("%2C", ",").replace("%2c", ","))
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(Some(&rewritten));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_from_arrays_and_vectors_and_joins_with_commas() {
        assert_eq!(
            CommaSeparated::from(["uuid", "state"]).to_string(),
            "uuid,state"
        );
        assert_eq!(
            CommaSeparated::from(vec!["start_time desc".to_string()]).to_string(),
            "start_time desc"
        );
        assert_eq!(
            serde_json::to_string(&CommaSeparated::from(["a", "b"])).unwrap(),
            "\"a,b\""
        );
    }

    #[test]
    fn commas_are_unescaped_only_in_named_parameters() {
        let mut url =
            reqwest::Url::parse("http://h/p?fields=uuid%2Cstate&message=a%2Cb&order_by=x%2Cy")
                .unwrap();
        unescape_commas(&mut url, &["fields", "order_by"]);
        assert_eq!(
            url.query(),
            Some("fields=uuid,state&message=a%2Cb&order_by=x,y")
        );
    }
}
