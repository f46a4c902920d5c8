//! The Rust names progenitor and typify give spec names, so code emitted beside theirs can
//! refer to their types, fields and methods.

use proc_macro2::{Ident, Span};

/// The Rust type name typify gives a schema name: words split at non-alphanumerics and at
/// lower-to-upper case changes, each capitalised.
pub fn type_name(schema_name: &str) -> String {
    let mut name = String::new();
    let mut start_word = true;
    let mut previous_lower = false;
    for c in schema_name.chars() {
        if !c.is_ascii_alphanumeric() {
            start_word = true;
            previous_lower = false;
            continue;
        }
        if start_word || (c.is_ascii_uppercase() && previous_lower) {
            name.push(c.to_ascii_uppercase());
        } else {
            name.push(c.to_ascii_lowercase());
        }
        start_word = false;
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    name
}

/// The snake_case name heck gives an identifier (`getClusterJobs` is `get_cluster_jobs`,
/// `_links` is `links`): progenitor's method and builder names, typify's field names.
pub fn snake_case(id: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = true;
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Rust keywords, which typify and progenitor suffix with `_` (`type` is `type_`).
const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// The identifier typify gives the field for JSON property `property`.
pub fn field_ident(property: &str) -> Ident {
    let mut name = snake_case(property);
    if KEYWORDS.contains(&name.as_str()) || name.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        name.push('_');
    }
    Ident::new(&name, Span::call_site())
}

/// The identifier of the client method progenitor generates for `operation_id`.
pub fn method_ident(operation_id: &str) -> Ident {
    field_ident(operation_id)
}

/// The identifier of a schema's type in the generated `types` module.
pub fn type_ident(schema_name: &str) -> Ident {
    Ident::new(&type_name(schema_name), Span::call_site())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_heck_and_typify() {
        assert_eq!(snake_case("getClusterJobs"), "get_cluster_jobs");
        assert_eq!(snake_case("list-jobs"), "list_jobs");
        assert_eq!(field_ident("_links").to_string(), "links");
        assert_eq!(field_ident("pagingInfo").to_string(), "paging_info");
        assert_eq!(field_ident("type").to_string(), "type_");
        assert_eq!(type_ident("error_response").to_string(), "ErrorResponse");
    }
}
