//! Pagination links: resolved against the base URL, and followed only on its origin, so that
//! credentials never travel to a host the caller did not name.

use reqwest::Url;

/// Resolves a pagination link against the base URL, refusing other origins so that
/// credentials are never sent to a host the caller did not name.
pub(crate) fn resolve_link(base_url: &str, link: &str) -> Result<Url, String> {
    let base = Url::parse(base_url).map_err(|e| format!("base url: {e}"))?;
    let url = if link.starts_with('/') {
        base.join(link)
    } else {
        Url::parse(link).or_else(|_| base.join(link))
    }
    .map_err(|e| format!("link `{link}`: {e}"))?;
    if url.origin() != base.origin() {
        return Err(format!(
            "link `{link}` leaves {}; not followed",
            base.origin().ascii_serialization()
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_on_the_same_origin_only() {
        let base = "https://cluster.example.com/api";
        assert_eq!(
            resolve_link(base, "/api/cluster/jobs?start.uuid=1&max_records=2")
                .unwrap()
                .as_str(),
            "https://cluster.example.com/api/cluster/jobs?start.uuid=1&max_records=2"
        );
        assert!(resolve_link(base, "https://cluster.example.com/api/x").is_ok());
        assert!(
            resolve_link(base, "https://evil.example.com/api/x")
                .unwrap_err()
                .contains("not followed")
        );
        assert!(
            resolve_link(base, "http://cluster.example.com/api/x").is_err(),
            "a scheme change is another origin"
        );
    }
}
