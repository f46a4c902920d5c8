//! The Rust names progenitor and typify give spec names, computed the way they compute them
//! (heck's case conversion, unicode-ident, typify's keyword rule), so that code emitted beside
//! theirs can refer to their types, fields and methods.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::{Ident, Span};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The two cases the engines use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// `PascalCase`: types, enum variants, builder structs.
    Pascal,
    /// `snake_case`: fields, methods, parameters.
    Snake,
}

fn recase(input: &str, case: Case) -> String {
    match case {
        Case::Pascal => input.to_pascal_case(),
        Case::Snake => input.to_snake_case(),
    }
}

/// The shared part of both engines' sanitising: `+1`/`-1` spelled out, quotes dropped, every
/// character that cannot continue an identifier made a word break, then heck's case.
fn cased(input: &str, case: Case) -> String {
    // The engines spell these two out and, unlike everything else, do not recase them.
    match input {
        "+1" => "plus1".to_string(),
        "-1" => "minus1".to_string(),
        _ => recase(
            &input
                .replace('\'', "")
                .replace(|c: char| !is_xid_continue(c), "-"),
            case,
        ),
    }
}

/// typify's `sanitize`: what it names a type (Pascal), a field or a variant from a spec name.
/// A name that cannot start an identifier gets an `x`/`X` prefix; a keyword a trailing `_`.
pub fn typify_name(input: &str, case: Case) -> String {
    let out = cased(input, case);
    let prefix = recase("x", case);
    let out = match out.chars().next() {
        None => prefix,
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// progenitor's `sanitize`: what it names a method, builder, parameter or its own inline types.
/// It differs from typify's only in the prefix for a name that cannot start an identifier (`_`).
pub fn progenitor_name(input: &str, case: Case) -> String {
    let out = cased(input, case);
    let out = match out.chars().next() {
        None => recase("x", case),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("_{out}"),
    };
    if typify::accept_as_ident(&out) {
        out
    } else {
        format!("{out}_")
    }
}

/// The Rust type name typify gives a component schema.
pub fn type_name(schema_name: &str) -> String {
    typify_name(schema_name, Case::Pascal)
}

/// The field name typify gives a JSON property.
pub fn field_name(property: &str) -> String {
    typify_name(property, Case::Snake)
}

/// The identifier typify gives the field for JSON property `property`.
pub fn field_ident(property: &str) -> Ident {
    ident(&field_name(property))
}

/// The builder method progenitor gives a parameter (its snake-cased name).
pub fn parameter_ident(parameter: &str) -> Ident {
    ident(&progenitor_name(parameter, Case::Snake))
}

/// The identifier of the client method progenitor generates for an operation name.
pub fn method_ident(operation: &str) -> Ident {
    ident(&progenitor_name(operation, Case::Snake))
}

/// The builder struct progenitor generates for an operation name.
pub fn builder_ident(operation: &str) -> Ident {
    ident(&progenitor_name(operation, Case::Pascal))
}

/// The identifier of a schema's type in the generated `types` module.
pub fn type_ident(schema_name: &str) -> Ident {
    ident(&type_name(schema_name))
}

/// An identifier from a name the functions above made: a keyword-safe name, or a raw one.
pub fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name).unwrap_or_else(|_| Ident::new_raw(name, Span::call_site()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_heck_and_typify() {
        assert_eq!(
            progenitor_name("getClusterJobs", Case::Snake),
            "get_cluster_jobs"
        );
        assert_eq!(progenitor_name("list-jobs", Case::Snake), "list_jobs");
        assert_eq!(
            progenitor_name("apps/list-webhooks", Case::Snake),
            "apps_list_webhooks"
        );
        assert_eq!(field_name("_links"), "links");
        assert_eq!(field_name("pagingInfo"), "paging_info");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("gen"), "gen_", "typify treats gen as a keyword");
        assert_eq!(type_name("error_response"), "ErrorResponse");
        assert_eq!(type_name("HTTPError"), "HttpError");
        assert_eq!(type_name("RUNNING"), "Running");
        assert_eq!(type_name("+1"), "plus1");
        assert_eq!(type_name("-1"), "minus1");
        assert_eq!(type_name("1st"), "X1st");
        assert_eq!(progenitor_name("1st", Case::Snake), "_1st");
        assert_eq!(type_name("v1.Pod"), "V1Pod");
        assert_eq!(type_name(""), "X");
    }
}
