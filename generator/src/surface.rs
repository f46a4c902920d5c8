//! What a generated crate promises its users, in one comparable value: every operation with its
//! parameters, body and responses (the wire contract) and every public type with its fields and
//! values (the Rust surface), each under its spec name and its Rust name. Built from the typed
//! operation model and the post-processed code; `changes` compares two of them.

use std::collections::{BTreeMap, BTreeSet};

use quote::ToTokens;
use serde::{Deserialize, Serialize};
use syn::visit_mut::VisitMut;
use syn::{Attribute, Fields, File, Item};

use crate::model::{Api, Location, Payload, TypeRef};
use crate::rust_names::type_name;

/// The style of the generated code. Raise it whenever the generator changes the public shape
/// of every crate in a way downstream code notices, and say how in [`STYLE_CHANGES`]: a crate
/// released under an older style then gets that change, with its verdict, in its next report.
pub const STYLE: u32 = 3;

/// What each style changed for downstream code, by the style that introduced it, with its
/// verdict.
pub const STYLE_CHANGES: &[(u32, crate::changes::Verdict, &str)] = &[
    (
        2,
        crate::changes::Verdict::Breaking,
        "types a server sends are `#[non_exhaustive]` and no longer refuse unknown fields: build \
         values with `Type::builder()` or `Type::default()`, and match enums with a `_` arm",
    ),
    (
        3,
        crate::changes::Verdict::Additive,
        "every record has the field `unread` (`storage_jobs_runtime::Unread`), which keeps what \
         came without a typed place in it: fields the document does not list, and values that \
         do not fit their type; a value of another type, an unreadable list item or a nested \
         record without a required field no longer fails a response",
    ),
];

/// A crate's promises.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surface {
    /// The generator style the crate was generated in.
    pub style: u32,
    /// The API's title, version and description, as the crate docs show them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub about: String,
    /// Every operation, by its method name on the client.
    pub operations: BTreeMap<String, OperationSurface>,
    /// Every public type of the `types` module, by its Rust name.
    pub types: BTreeMap<String, TypeSurface>,
    /// The variants of `Credentials`, with their fields.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub credentials: BTreeMap<String, String>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationSurface {
    /// The uppercase HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// The `operationId`, if the spec gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_id: Option<String>,
    /// The summary.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// Parameters by `location name` (`query limit`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, ParameterSurface>,
    /// The request body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySurface>,
    /// Each documented status with the Rust type of its body (`-` for none).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub responses: BTreeMap<String, String>,
    /// What `send()` returns on success (`Job`, `GetJobResponse` for several successes, `()`).
    #[serde(default)]
    pub returns: String,
    /// Whether the client has a `<name>_stream` method for it (`x-pagination`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub stream: bool,
    /// Whether it is sent without credentials (`security: []`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub anonymous: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// One parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterSurface {
    /// The builder method that sets it.
    pub rust: String,
    /// Whether the spec requires it.
    pub required: bool,
    /// The Rust type its builder method takes.
    pub ty: String,
}

/// A request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodySurface {
    /// Whether the spec requires it.
    pub required: bool,
    /// Its type (`types::JobListRequest`, `text`, `bytes`, `form`).
    pub ty: String,
}

/// One public type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeSurface {
    /// The component schema it comes from, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// Whether a server sends it (it is reachable from a documented response).
    pub read: bool,
    /// Whether a client sends it (reachable from a parameter or a request body).
    pub written: bool,
    /// Its documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
    /// The traits it derives (`Default` tells whether `Type::default()` compiles).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub derives: BTreeSet<String>,
    /// Its shape.
    pub shape: Shape,
}

/// The shape of a type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// A struct with named fields, by their JSON names.
    Struct(BTreeMap<String, FieldSurface>),
    /// An enum of plain values: wire value to variant; `open` when it keeps unknown values.
    Values {
        /// Wire value to Rust variant.
        values: BTreeMap<String, String>,
        /// Whether a value the spec never listed arrives as `Unknown(String)`.
        open: bool,
    },
    /// Anything else (newtypes, enums with data), as normalized Rust source.
    Other(String),
}

/// One field of a struct.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSurface {
    /// Its Rust name.
    pub rust: String,
    /// Its Rust type, paths shortened (`Option<DateTime<FixedOffset>>`).
    pub ty: String,
    /// Whether it must be present on the wire: no serde default and not skipped when absent
    /// (a required field that may be `null` is an `Option` and still required).
    pub required: bool,
    /// Its documentation.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc: String,
}

/// Builds the surface of a crate from its model, its post-processed `types` and `builder`
/// modules, and the lowered document (for the component names).
pub fn build(
    api: &Api,
    types: &File,
    builder: &File,
    auth: Option<&File>,
    lowered: &serde_json::Value,
) -> Surface {
    let spec_names: BTreeMap<String, String> = lowered
        .pointer("/components/schemas")
        .and_then(|s| s.as_object())
        .map(|schemas| {
            schemas
                .keys()
                .map(|name| (type_name(name), name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut surface = Surface {
        style: STYLE,
        about: format!(
            "{} (API version {}){}",
            api.title,
            api.version,
            api.description
                .as_deref()
                .map_or(String::new(), |d| format!(": {}", d.trim()))
        ),
        ..Surface::default()
    };
    let builder_fields = builder_field_types(builder);
    let (mut read_roots, mut written_roots) = (BTreeSet::new(), BTreeSet::new());
    for operation in &api.operations {
        let fields = builder_fields.get(&operation.builder());
        let mut parameters = BTreeMap::new();
        for parameter in &operation.parameters {
            let ty = fields
                .and_then(|f| f.get(&parameter.method))
                .cloned()
                .unwrap_or_else(|| parameter.kind.clone().unwrap_or_else(|| "?".into()));
            names_in(&ty, &mut written_roots);
            let location = match parameter.location {
                Location::Path => "path",
                Location::Query => "query",
                Location::Header => "header",
            };
            parameters.insert(
                format!("{location} {}", parameter.name),
                ParameterSurface {
                    rust: parameter.method.clone(),
                    required: parameter.required,
                    ty,
                },
            );
        }
        let body = operation.body.as_ref().map(|body| {
            let ty = match &body.schema {
                Some(schema) => format!("types::{}", type_name(schema)),
                None => format!("{:?}", body.kind).to_lowercase(),
            };
            names_in(&ty, &mut written_roots);
            BodySurface {
                required: body.required,
                ty,
            }
        });
        let mut responses = BTreeMap::new();
        for response in &operation.responses {
            let ty = payload_text(&response.payload);
            names_in(&ty, &mut read_roots);
            responses.insert(status_key(response.status), ty);
        }
        let returns = match operation.success() {
            crate::model::Success::Single(payload) => payload_text(&payload),
            crate::model::Success::Several(_) => operation.response_type(),
            crate::model::Success::Upgrade => "Upgraded".to_string(),
        };
        surface.operations.insert(
            operation.name.clone(),
            OperationSurface {
                method: operation.method.to_uppercase(),
                path: operation.path.clone(),
                spec_id: operation.spec_id.clone(),
                summary: operation.summary.clone().unwrap_or_default(),
                parameters,
                body,
                responses,
                returns,
                stream: operation.pagination.is_some(),
                anonymous: operation.anonymous,
            },
        );
    }

    let enum_values = open_enum_values(types);
    let mut references: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in &types.items {
        let (name, attributes, shape, mentioned) = match item {
            Item::Struct(structure) => {
                let mut mentioned = BTreeSet::new();
                let shape = match &structure.fields {
                    Fields::Named(named) => {
                        let mut fields = BTreeMap::new();
                        for field in &named.named {
                            let ty = short(&field.ty);
                            // What a record could not read is the generator's, not the API's.
                            if ty == "Unread" {
                                continue;
                            }
                            names_in(&ty, &mut mentioned);
                            let ident = field.ident.as_ref().map(ToString::to_string);
                            let rust = ident.unwrap_or_default();
                            let wire = serde_rename(&field.attrs)
                                .unwrap_or_else(|| rust.trim_start_matches("r#").to_string());
                            let required =
                                !ty.starts_with("Option<") && !serde_default(&field.attrs);
                            fields.insert(
                                wire,
                                FieldSurface {
                                    rust,
                                    ty,
                                    required,
                                    doc: doc_of(&field.attrs),
                                },
                            );
                        }
                        Shape::Struct(fields)
                    }
                    _ => {
                        let text = normalized(item);
                        names_in(&text, &mut mentioned);
                        Shape::Other(text)
                    }
                };
                (
                    structure.ident.to_string(),
                    &structure.attrs,
                    shape,
                    mentioned,
                )
            }
            Item::Enum(enumeration) => {
                let name = enumeration.ident.to_string();
                let mut mentioned = BTreeSet::new();
                let shape = match enum_values.get(&name) {
                    Some(values) => Shape::Values {
                        values: values.clone(),
                        open: true,
                    },
                    None if enumeration.variants.iter().all(|v| v.fields.is_empty()) => {
                        Shape::Values {
                            values: enumeration
                                .variants
                                .iter()
                                .map(|v| {
                                    let rust = v.ident.to_string();
                                    (serde_rename(&v.attrs).unwrap_or_else(|| rust.clone()), rust)
                                })
                                .collect(),
                            open: false,
                        }
                    }
                    None => {
                        let text = normalized(item);
                        names_in(&text, &mut mentioned);
                        Shape::Other(text)
                    }
                };
                (name, &enumeration.attrs, shape, mentioned)
            }
            _ => continue,
        };
        references.insert(name.clone(), mentioned);
        surface.types.insert(
            name.clone(),
            TypeSurface {
                spec: spec_names.get(&name).cloned(),
                read: false,
                written: false,
                doc: doc_of(attributes),
                derives: derives(attributes),
                shape,
            },
        );
    }
    surface.credentials = auth.map(credential_variants).unwrap_or_default();
    for (roots, read) in [(read_roots, true), (written_roots, false)] {
        let mut pending: Vec<String> = roots.into_iter().collect();
        let mut seen = BTreeSet::new();
        while let Some(name) = pending.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(ty) = surface.types.get_mut(&name) {
                if read {
                    ty.read = true;
                } else {
                    ty.written = true;
                }
            }
            if let Some(next) = references.get(&name) {
                pending.extend(next.iter().cloned());
            }
        }
    }
    surface
}

/// A body's Rust type as the report shows it (`-` for none).
fn payload_text(payload: &Payload) -> String {
    match payload {
        Payload::Empty => "-".to_string(),
        Payload::Json(ty) => short_type_text(ty),
        Payload::Text => "String".to_string(),
        Payload::Binary => "ByteStream".to_string(),
    }
}

/// The variants of the `Credentials` enum in `auth.rs`, with their fields.
fn credential_variants(auth: &File) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    for item in &auth.items {
        if let Item::Enum(enumeration) = item
            && enumeration.ident == "Credentials"
        {
            for variant in &enumeration.variants {
                let fields: Vec<String> = variant
                    .fields
                    .iter()
                    .map(|field| {
                        let name = field.ident.as_ref().map(ToString::to_string);
                        format!("{}: {}", name.unwrap_or_default(), short(&field.ty))
                    })
                    .collect();
                found.insert(variant.ident.to_string(), fields.join(", "));
            }
        }
    }
    found
}

/// The traits named in `#[derive(...)]` attributes.
pub(crate) fn derives(attributes: &[Attribute]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for attribute in attributes.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                found.insert(last.ident.to_string());
            }
            Ok(())
        });
    }
    found
}

/// How a report names a documented status.
fn status_key(status: crate::model::Status) -> String {
    match status {
        crate::model::Status::Code(code) => code.to_string(),
        crate::model::Status::Range(digit) => format!("{digit}XX"),
        crate::model::Status::Default => "default".to_string(),
    }
}

/// A body type as the report shows it: paths shortened.
fn short_type_text(ty: &TypeRef) -> String {
    match syn::parse_str::<syn::Type>(&crate::model::type_text(ty)) {
        Ok(parsed) => short(&parsed),
        Err(_) => crate::model::type_text(ty),
    }
}

/// The types of each request builder's fields, by builder name and field name, with progenitor's
/// `Result<_, String>` taken off.
fn builder_field_types(builder: &File) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    for item in &builder.items {
        let Item::Struct(structure) = item else {
            continue;
        };
        let mut fields = BTreeMap::new();
        for field in &structure.fields {
            let Some(ident) = &field.ident else { continue };
            let ty = short(&field.ty);
            // The setter takes the value itself; whether it may be left out is `required`.
            let ty = ty
                .strip_prefix("Result<")
                .and_then(|t| t.strip_suffix(",String>"))
                .map(str::to_string)
                .unwrap_or(ty);
            let ty = ty
                .strip_prefix("Option<")
                .and_then(|t| t.strip_suffix('>'))
                .map(str::to_string)
                .unwrap_or(ty);
            fields.insert(ident.to_string().trim_start_matches("r#").to_string(), ty);
        }
        found.insert(structure.ident.to_string(), fields);
    }
    found
}

/// The values of the open enums, read from their `open_enum!` invocations.
fn open_enum_values(types: &File) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut found = BTreeMap::new();
    for item in &types.items {
        let Item::Macro(invocation) = item else {
            continue;
        };
        if invocation
            .mac
            .path
            .segments
            .last()
            .is_none_or(|s| s.ident != "open_enum")
        {
            continue;
        }
        let tokens: Vec<proc_macro2::TokenTree> =
            invocation.mac.tokens.clone().into_iter().collect();
        let (Some(proc_macro2::TokenTree::Ident(name)), Some(proc_macro2::TokenTree::Group(body))) =
            (tokens.first(), tokens.get(1))
        else {
            continue;
        };
        let inner: Vec<proc_macro2::TokenTree> = body.stream().into_iter().collect();
        let mut values = BTreeMap::new();
        for window in inner.windows(4) {
            if let [
                proc_macro2::TokenTree::Ident(variant),
                proc_macro2::TokenTree::Punct(first),
                proc_macro2::TokenTree::Punct(second),
                proc_macro2::TokenTree::Literal(literal),
            ] = window
                && first.as_char() == '='
                && second.as_char() == '>'
                && let Ok(syn::Lit::Str(text)) = syn::parse_str::<syn::Lit>(&literal.to_string())
            {
                values.insert(text.value(), variant.to_string());
            }
        }
        found.insert(name.to_string(), values);
    }
    found
}

/// Every identifier in a shortened type text that starts with a capital letter.
fn names_in(text: &str, into: &mut BTreeSet<String>) {
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
        if word.starts_with(|c: char| c.is_ascii_uppercase()) {
            into.insert(word.to_string());
        }
    }
}

/// A type as text with every path cut to its last segment and no spaces.
pub fn short(ty: &syn::Type) -> String {
    let mut ty = ty.clone();
    LastSegments.visit_type_mut(&mut ty);
    compact(&ty.to_token_stream().to_string())
}

/// An item as text without its documentation, paths cut short.
fn normalized(item: &Item) -> String {
    let mut item = item.clone();
    WithoutDocs.visit_item_mut(&mut item);
    LastSegments.visit_item_mut(&mut item);
    compact(&item.to_token_stream().to_string())
}

fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_word = false;
    for token in text.split_whitespace() {
        let word = token.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"');
        if word && previous_word {
            out.push(' ');
        }
        out.push_str(token);
        previous_word = token.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '"');
    }
    out
}

struct LastSegments;

impl VisitMut for LastSegments {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.segments.len() > 1 {
            let last = path.segments.pop();
            path.segments.clear();
            if let Some(last) = last {
                path.segments.push(last);
            }
        }
        path.leading_colon = None;
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Takes off the attributes that do not change what an item means to its users.
struct WithoutDocs;

impl VisitMut for WithoutDocs {
    fn visit_attributes_mut(&mut self, attributes: &mut Vec<Attribute>) {
        // `#[non_exhaustive]` belongs to the generator's style, which is compared on its own.
        attributes.retain(|a| !a.path().is_ident("doc") && !a.path().is_ident("non_exhaustive"));
    }
}

/// The text of the doc attributes, lines joined.
fn doc_of(attributes: &[Attribute]) -> String {
    attributes
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(pair) => match &pair.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(text),
                    ..
                }) => Some(text.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
        .trim()
        .to_string()
}

/// The `rename = "..."` of a serde attribute, if any (other keys and their values skipped).
pub(crate) fn serde_rename(attributes: &[Attribute]) -> Option<String> {
    let mut found = None;
    for attribute in attributes.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                found = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

/// Whether serde lets the field be absent: it has a default, or it is left out when empty
/// (serde reads an absent `Option` as `None` either way; typify marks optional fields so).
fn serde_default(attributes: &[Attribute]) -> bool {
    let mut found = false;
    for attribute in attributes.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") || meta.path.is_ident("skip_serializing_if") {
                found = true;
            }
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_short() {
        let ty: syn::Type = syn::parse_quote! {
            ::std::option::Option<::chrono::DateTime<::chrono::offset::FixedOffset>>
        };
        assert_eq!(short(&ty), "Option<DateTime<FixedOffset>>");
        let ty: syn::Type = syn::parse_quote! { ::std::vec::Vec<types::Job> };
        assert_eq!(short(&ty), "Vec<Job>");
    }

    #[test]
    fn open_enum_values_come_from_the_macro() {
        let file: File = syn::parse_quote! {
            ::storage_jobs_runtime::open_enum!(JobState { Queued => "queued", Failure => "failure" });
        };
        let values = open_enum_values(&file);
        assert_eq!(
            values["JobState"],
            BTreeMap::from([
                ("queued".to_string(), "Queued".to_string()),
                ("failure".to_string(), "Failure".to_string())
            ])
        );
    }
}
