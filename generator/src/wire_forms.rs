//! Gives every generated record a wire form it is read through, so one odd value never fails a
//! response: values of another type, unlisted fields, unreadable list items and nested records
//! without a required field are kept as they came in the record's `unread`.
//!
//! For each struct with named fields typify wrote, a struct of the same name in `types::wire`
//! has one slot per field (`Read<T>` for a single value, `Part<T>` for a record, `Items<_>` for a
//! list, all from `storage_jobs_runtime::serde_util`) and collects unlisted fields; the record
//! is `#[serde(try_from = "wire::Name")]` and gains the field `unread`. The record's fields,
//! their types and its serialized form do not change.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::visit_mut::VisitMut;
use syn::{Attribute, Field, File, Ident, Item, ItemStruct, Meta, Type};

/// Rewrites `types` so every record is read through its wire form.
pub fn records_read_through_wire_forms(types: &mut File) {
    let local = local_names(types);
    let records: BTreeSet<String> = types
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(structure) if is_record(structure) => Some(structure.ident.to_string()),
            _ => None,
        })
        .collect();
    let mut wire_items: Vec<TokenStream> = Vec::new();
    let mut unread_fields: Vec<(String, Ident)> = Vec::new();
    for item in &mut types.items {
        let Item::Struct(structure) = item else {
            continue;
        };
        if !is_record(structure) {
            continue;
        }
        let wire = WireForm::of(structure, &records, &local);
        wire_items.push(wire.tokens);
        let name = structure.ident.to_string();
        let try_from = format!("wire::{name}");
        structure
            .attrs
            .push(syn::parse_quote! { #[serde(try_from = #try_from)] });
        if let syn::Fields::Named(fields) = &mut structure.fields {
            let unread = &wire.unread;
            fields.named.push(syn::parse_quote! {
                /// What came with this record that has no typed place in it (fields the API
                /// document does not list, values of another type), as sent.
                #[serde(flatten)]
                pub #unread: ::storage_jobs_runtime::Unread
            });
        }
        unread_fields.push((name, wire.unread));
    }
    if wire_items.is_empty() {
        return;
    }
    defaults_set_unread(types, &unread_fields);
    builders_carry_unread(types, &unread_fields);
    types.items.push(syn::parse_quote! {
        /// The wire forms records are read through (see `storage_jobs_runtime::serde_util`).
        #[doc(hidden)]
        pub mod wire {
            #(#wire_items)*
        }
    });
}

/// A struct typify derives `Deserialize` for, with named fields and no generics.
fn is_record(structure: &ItemStruct) -> bool {
    matches!(structure.fields, syn::Fields::Named(_))
        && structure.generics.params.is_empty()
        && crate::surface::derives(&structure.attrs).contains("Deserialize")
        && !serde_metas(&structure.attrs).iter().any(|meta| {
            ["from", "try_from", "transparent"]
                .iter()
                .any(|k| meta.path().is_ident(k))
        })
}

/// The names the types module defines, which paths inside `wire` reach through `super`.
fn local_names(types: &File) -> BTreeSet<String> {
    types
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(item) => Some(item.ident.to_string()),
            Item::Enum(item) => Some(item.ident.to_string()),
            Item::Type(item) => Some(item.ident.to_string()),
            Item::Mod(item) => Some(item.ident.to_string()),
            Item::Fn(item) => Some(item.sig.ident.to_string()),
            Item::Const(item) => Some(item.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// One record's wire struct and conversion.
struct WireForm {
    tokens: TokenStream,
    /// The record's field for what it cannot read.
    unread: Ident,
}

/// How one field is read.
enum Reading {
    /// As typify wrote it (its own deserializer, or flattened).
    AsWritten,
    /// A single value or record; `required` fields must come.
    Value { slot: Type, required: bool },
    /// A value with a default when absent or unreadable.
    Defaulted { slot: Type, default: TokenStream },
    /// A list; `optional` ones stay `None` when absent, `required` ones must come, and those
    /// with a `default` path take it when absent (`null` reads as empty in every case).
    List {
        slot: Type,
        optional: bool,
        required: bool,
        default: Option<TokenStream>,
    },
}

impl WireForm {
    fn of(structure: &ItemStruct, records: &BTreeSet<String>, local: &BTreeSet<String>) -> Self {
        let name = &structure.ident;
        let name_text = name.to_string();
        let fields: Vec<&Field> = structure.fields.iter().collect();
        let taken: BTreeSet<String> = fields
            .iter()
            .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
            .collect();
        let unread = free_ident("unread", &taken);
        let unlisted = free_ident("unlisted", &taken);
        let flattened = fields.iter().any(|f| {
            serde_metas(&f.attrs)
                .iter()
                .any(|m| m.path().is_ident("flatten"))
        });

        let runtime = quote! { ::storage_jobs_runtime::serde_util };
        let mut wire_fields = Vec::new();
        let mut built = Vec::new();
        let mut required_checks = Vec::new();
        let mut required_names = Vec::new();
        let mut required_bindings = Vec::new();
        let mut required_values = Vec::new();
        let mut as_written = 0;
        for field in &fields {
            let Some(ident) = &field.ident else { continue };
            let metas = serde_metas(&field.attrs);
            let json = json_name(ident, &metas);
            let kept: Vec<&Meta> = metas
                .iter()
                .filter(|m| m.path().is_ident("rename") || m.path().is_ident("alias"))
                .collect();
            match reading(field, &metas, records, local) {
                Reading::AsWritten => {
                    as_written += 1;
                    let mut ty = field.ty.clone();
                    Qualify(local).visit_type_mut(&mut ty);
                    let attrs: Vec<&Meta> = metas
                        .iter()
                        .filter(|m| {
                            !["skip_serializing_if", "serialize_with", "skip_serializing"]
                                .iter()
                                .any(|k| m.path().is_ident(k))
                        })
                        .collect();
                    let attrs = (!attrs.is_empty()).then(|| quote! { #[serde(#(#attrs),*)] });
                    wire_fields.push(quote! { #attrs #ident: #ty });
                    built.push(quote! { #ident: wire.#ident });
                }
                Reading::Value { slot, required } => {
                    wire_fields.push(quote! {
                        #[serde(#(#kept,)* default, skip_serializing_if = "::std::option::Option::is_none")]
                        #ident: ::std::option::Option<#slot>
                    });
                    let value = quote! { unread.value(wire.#ident, #json) };
                    if required {
                        let binding = format_ident!("required_{}", required_bindings.len());
                        required_checks.push(quote! { (#json, #runtime::readable(&wire.#ident)) });
                        required_names.push(json.clone());
                        required_values.push(value);
                        built.push(quote! { #ident: #binding });
                        required_bindings.push(binding);
                    } else {
                        built.push(quote! { #ident: #value });
                    }
                }
                Reading::Defaulted { slot, default } => {
                    wire_fields.push(quote! {
                        #[serde(#(#kept,)* default, skip_serializing_if = "::std::option::Option::is_none")]
                        #ident: ::std::option::Option<#slot>
                    });
                    built.push(quote! { #ident: unread.value(wire.#ident, #json)#default });
                }
                Reading::List {
                    slot,
                    optional,
                    required,
                    default,
                } => {
                    if optional {
                        wire_fields.push(quote! {
                            #[serde(#(#kept,)* default, skip_serializing_if = "::std::option::Option::is_none")]
                            #ident: ::std::option::Option<#runtime::Items<#slot>>
                        });
                        built.push(quote! { #ident: unread.optional_list(wire.#ident, #json) });
                    } else {
                        wire_fields.push(quote! {
                            #[serde(#(#kept,)* default, skip_serializing_if = "::storage_jobs_runtime::serde_util::Items::unsent")]
                            #ident: #runtime::Items<#slot>
                        });
                        match default {
                            Some(default) => built.push(quote! {
                                #ident: if wire.#ident.unsent() {
                                    #default()
                                } else {
                                    unread.list(wire.#ident, #json)
                                }
                            }),
                            None => built.push(quote! { #ident: unread.list(wire.#ident, #json) }),
                        }
                        if required {
                            required_checks.push(quote! { (#json, !wire.#ident.unsent()) });
                        }
                    }
                }
            }
        }
        // A field typify flattened already takes every unlisted field.
        // Fields read as typify wrote them keep nothing aside.
        let mutable = (fields.len() > as_written).then(|| quote! { mut });
        let (collect, start) = if flattened {
            (
                quote! {},
                quote! { let #mutable unread = ::storage_jobs_runtime::Unread::default(); },
            )
        } else {
            (
                quote! { #[serde(flatten)] #unlisted: #runtime::Unlisted, },
                quote! { let #mutable unread = ::storage_jobs_runtime::Unread::new(wire.#unlisted); },
            )
        };
        let check = (!required_checks.is_empty()).then(|| {
            quote! { #runtime::Unbuilt::check(&wire, #name_text, &[#(#required_checks),*])?; }
        });
        let bind = (!required_bindings.is_empty()).then(|| {
            quote! {
                let (#(::std::option::Option::Some(#required_bindings),)*) = (#(#required_values,)*) else {
                    return ::std::result::Result::Err(
                        #runtime::Unbuilt::without_raw(#name_text, &[#(#required_names),*]),
                    );
                };
            }
        });
        let keep_unread = if unread == "unread" {
            quote! { unread }
        } else {
            quote! { #unread: unread }
        };
        let tokens = quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct #name {
                #(#wire_fields,)*
                #collect
            }
            impl ::std::convert::TryFrom<#name> for super::#name {
                type Error = #runtime::Unbuilt;
                fn try_from(wire: #name) -> ::std::result::Result<Self, Self::Error> {
                    #check
                    #start
                    #bind
                    ::std::result::Result::Ok(Self {
                        #(#built,)*
                        #keep_unread,
                    })
                }
            }
            impl #runtime::Record for super::#name {
                type Wire = #name;
            }
        };
        WireForm { tokens, unread }
    }
}

/// How a field is read in the wire form.
fn reading(
    field: &Field,
    metas: &[Meta],
    records: &BTreeSet<String>,
    local: &BTreeSet<String>,
) -> Reading {
    // typify reads a required nullable field with `Option::deserialize` (absent is an error);
    // here it is an optional value like any other, so a wrong type or an absence costs nothing.
    let plain_option = |meta: &Meta| {
        matches!(meta, Meta::NameValue(value)
            if matches!(&value.value, syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(path), .. })
                if path.value().replace(' ', "") == "::std::option::Option::deserialize"))
    };
    let own_way = metas.iter().any(|meta| {
        [
            "with",
            "deserialize_with",
            "flatten",
            "skip",
            "skip_deserializing",
        ]
        .iter()
        .any(|k| meta.path().is_ident(k))
            && !plain_option(meta)
    });
    if own_way {
        return Reading::AsWritten;
    }
    let slot = |ty: &Type| slot_type(ty, records, local);
    // `default = "path"` (typify's default values), or `Some(None)` for a plain `default`.
    let default: Option<Option<syn::Path>> = metas
        .iter()
        .filter(|m| m.path().is_ident("default"))
        .find_map(|meta| match meta {
            Meta::NameValue(value) => match &value.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(path),
                    ..
                }) => path.parse::<syn::Path>().ok().map(|mut path| {
                    Qualify(local).visit_path_mut(&mut path);
                    Some(path)
                }),
                _ => None,
            },
            _ => Some(None),
        });
    if let Some(inner) = generic_argument(&field.ty, "Option") {
        if let Some(item) = generic_argument(inner, "Vec") {
            return Reading::List {
                slot: slot(item),
                optional: true,
                required: false,
                default: None,
            };
        }
        return Reading::Value {
            slot: slot(inner),
            required: false,
        };
    }
    if let Some(item) = generic_argument(&field.ty, "Vec") {
        // A plain `default` is the empty list, which an absent list reads as anyway.
        return Reading::List {
            slot: slot(item),
            optional: false,
            required: default.is_none(),
            default: default.flatten().map(|path| quote! { #path }),
        };
    }
    // A required field of any JSON value reads `null` or nothing as `Value::Null`.
    let any_value = matches!(&field.ty, Type::Path(path)
        if path.path.segments.last().is_some_and(|s| s.ident == "Value" && s.arguments.is_none()));
    match default {
        Some(Some(path)) => Reading::Defaulted {
            slot: slot(&field.ty),
            default: quote! { .unwrap_or_else(#path) },
        },
        None if !any_value => Reading::Value {
            slot: slot(&field.ty),
            required: true,
        },
        // A plain `default`, or a required JSON value.
        _ => Reading::Defaulted {
            slot: slot(&field.ty),
            default: quote! { .unwrap_or_default() },
        },
    }
}

/// `Part<T>` for a record of this module, `Read<T>` for anything else.
fn slot_type(ty: &Type, records: &BTreeSet<String>, local: &BTreeSet<String>) -> Type {
    let mut qualified = ty.clone();
    Qualify(local).visit_type_mut(&mut qualified);
    let record = matches!(ty, Type::Path(path)
        if path.qself.is_none()
            && path.path.leading_colon.is_none()
            && path.path.segments.len() == 1
            && path.path.segments[0].arguments.is_none()
            && records.contains(&path.path.segments[0].ident.to_string()));
    if record {
        syn::parse_quote! { ::storage_jobs_runtime::serde_util::Part<#qualified> }
    } else {
        syn::parse_quote! { ::storage_jobs_runtime::serde_util::Read<#qualified> }
    }
}

/// `T` of a path type whose last segment is `name<T>`.
fn generic_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) if arguments.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// The field's JSON name: its `rename`, else its Rust name.
fn json_name(ident: &Ident, metas: &[Meta]) -> String {
    for meta in metas {
        if let Meta::NameValue(value) = meta
            && value.path.is_ident("rename")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(name),
                ..
            }) = &value.value
        {
            return name.value();
        }
    }
    ident.to_string().trim_start_matches("r#").to_string()
}

/// `base`, or `base_`, `base__`… when a field already has the name.
fn free_ident(base: &str, taken: &BTreeSet<String>) -> Ident {
    let mut name = base.to_string();
    while taken.contains(&name) {
        name.push('_');
    }
    format_ident!("{name}")
}

/// Every item inside the `#[serde(...)]` attributes.
fn serde_metas(attributes: &[Attribute]) -> Vec<Meta> {
    attributes
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.parse_args_with(syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Prefixes `super::` to paths that start with a name the types module defines.
struct Qualify<'a>(&'a BTreeSet<String>);

impl VisitMut for Qualify<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        if path.leading_colon.is_none()
            && path
                .segments
                .first()
                .is_some_and(|s| self.0.contains(&s.ident.to_string()))
        {
            path.segments.insert(0, syn::parse_quote!(super));
        }
    }
}

/// typify writes `impl Default` by hand for records whose fields have their own defaults; those
/// start with nothing unread.
fn defaults_set_unread(types: &mut File, unread_fields: &[(String, Ident)]) {
    for item in &mut types.items {
        let Item::Impl(block) = item else { continue };
        let (Type::Path(self_type), Some((trait_path, _))) = (&*block.self_ty, &block.trait_)
        else {
            continue;
        };
        if trait_path
            .segments
            .last()
            .is_none_or(|s| s.ident != "Default")
        {
            continue;
        }
        let Some(record) = self_type.path.segments.last() else {
            continue;
        };
        if let Some((_, unread)) = unread_fields.iter().find(|(name, _)| record.ident == name) {
            AddToSelf {
                field: unread.clone(),
                value: syn::parse_quote! { ::std::default::Default::default() },
            }
            .visit_item_impl_mut(block);
        }
    }
}

/// typify's builders convert to and from their record field by field; they carry `unread` too,
/// so a record turned into a builder and back keeps what it could not read.
fn builders_carry_unread(types: &mut File, unread_fields: &[(String, Ident)]) {
    let Some(builder) = types.items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == "builder" => module.content.as_mut(),
        _ => None,
    }) else {
        return;
    };
    let unread_of = |name: &str| {
        unread_fields
            .iter()
            .find(|(record, _)| record == name)
            .map(|(_, unread)| unread.clone())
    };
    for item in &mut builder.1 {
        match item {
            Item::Struct(structure) => {
                if let (Some(unread), syn::Fields::Named(fields)) = (
                    unread_of(&structure.ident.to_string()),
                    &mut structure.fields,
                ) {
                    fields.named.push(syn::parse_quote! {
                        #unread: ::storage_jobs_runtime::Unread
                    });
                }
            }
            Item::Impl(block) => {
                let Type::Path(self_type) = &*block.self_ty else {
                    continue;
                };
                let Some(record) = self_type.path.segments.last() else {
                    continue;
                };
                let Some(unread) = unread_of(&record.ident.to_string()) else {
                    continue;
                };
                let Some((trait_path, _)) = &block.trait_ else {
                    continue;
                };
                let value: syn::Expr = match trait_path.segments.last() {
                    Some(last) if last.ident == "Default" => {
                        syn::parse_quote! { ::std::default::Default::default() }
                    }
                    Some(last) if last.ident == "TryFrom" || last.ident == "From" => {
                        // A record with no fields of its own names its argument `_value`.
                        RenameArgument.visit_item_impl_mut(block);
                        syn::parse_quote! { value.#unread }
                    }
                    _ => continue,
                };
                AddToSelf {
                    field: unread,
                    value,
                }
                .visit_item_impl_mut(block);
            }
            _ => {}
        }
    }
}

/// Names a conversion's unused `_value` argument `value`, now that it is used.
struct RenameArgument;

impl VisitMut for RenameArgument {
    fn visit_pat_ident_mut(&mut self, pattern: &mut syn::PatIdent) {
        if pattern.ident == "_value" {
            pattern.ident = format_ident!("value");
        }
    }

    fn visit_block_mut(&mut self, _: &mut syn::Block) {}
}

/// Adds one field to every `Self { .. }` literal.
struct AddToSelf {
    field: Ident,
    value: syn::Expr,
}

impl VisitMut for AddToSelf {
    fn visit_expr_struct_mut(&mut self, literal: &mut syn::ExprStruct) {
        syn::visit_mut::visit_expr_struct_mut(self, literal);
        if literal.path.is_ident("Self") {
            let (field, value) = (&self.field, &self.value);
            literal.fields.push(syn::parse_quote! { #field: #value });
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_field_gets_the_slot_its_type_needs() {
        let mut types: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Inner { pub a: i64 }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(transparent)]
            pub struct Wrapper(pub ::std::option::Option<i64>);
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Job {
                #[serde(rename = "Name", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub name: ::std::option::Option<::std::string::String>,
                pub inner: ::std::option::Option<Inner>,
                #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                pub list: ::std::vec::Vec<Inner>,
                pub tags: ::std::option::Option<::std::vec::Vec<::std::string::String>>,
                #[serde(default = "defaults::job_count")]
                pub count: i64,
                pub required: i64,
                pub required_list: ::std::vec::Vec<i64>,
                #[serde(default = "defaults::job_tags")]
                pub tags_with_default: ::std::vec::Vec<::std::string::String>,
                #[serde(deserialize_with = "::std::option::Option::deserialize")]
                pub nullable: ::std::option::Option<i64>,
                pub anything: ::serde_json::Value,
                pub unread: bool,
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<::std::string::String, ::serde_json::Value>,
            }
            impl ::std::default::Default for Job {
                fn default() -> Self { Self { count: defaults::job_count() } }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            pub struct Empty {}
            pub mod defaults {
                pub fn job_count() -> i64 { 1 }
                pub fn job_tags() -> Vec<String> { vec!["all".into()] }
            }
            pub mod builder {
                pub struct Job { name: Result<Option<String>, String> }
                impl ::std::default::Default for Job {
                    fn default() -> Self { Self { name: Ok(Default::default()) } }
                }
                impl ::std::convert::TryFrom<Job> for super::Job {
                    type Error = String;
                    fn try_from(value: Job) -> Result<Self, String> { Ok(Self { name: value.name? }) }
                }
                pub struct Empty {}
                impl ::std::convert::From<super::Empty> for Empty {
                    fn from(_value: super::Empty) -> Self { Self {} }
                }
            }
        };
        super::records_read_through_wire_forms(&mut types);
        let text = prettyplease::unparse(&types);
        let wire = text.split("pub mod wire").nth(1).expect("a wire module");
        // Compared without whitespace: prettyplease decides the line breaks.
        let squeezed = |text: &str| {
            let text: String = text.split_whitespace().collect();
            text.replace(",>", ">")
                .replace(",)", ")")
                .replace(",]", "]")
        };
        let wire_text = wire;
        let wire = squeezed(wire);
        for expected in [
            // A single value, renamed.
            "#[serde(rename = \"Name\", default, skip_serializing_if = \"::std::option::Option::is_none\")] name: ::std::option::Option<::storage_jobs_runtime::serde_util::Read<::std::string::String>>",
            // A record of this module is read straight through its own wire form.
            "inner: ::std::option::Option<::storage_jobs_runtime::serde_util::Part<super::Inner>>",
            "list: ::storage_jobs_runtime::serde_util::Items<::storage_jobs_runtime::serde_util::Part<super::Inner>>",
            "tags: ::std::option::Option<::storage_jobs_runtime::serde_util::Items<::storage_jobs_runtime::serde_util::Read<::std::string::String>>>",
            "count: unread.value(wire.count, \"count\").unwrap_or_else(super::defaults::job_count)",
            "name: unread.value(wire.name, \"Name\")",
            "required: required_0, required_list: unread.list(wire.required_list, \"required_list\"),",
            "unread: required_1",
            "(\"required_list\", !wire.required_list.unsent())",
            // A list's own default when absent.
            "tags_with_default: if wire.tags_with_default.unsent() { super::defaults::job_tags() } else { unread.list(wire.tags_with_default, \"tags_with_default\") }",
            // A required nullable field is an optional value here.
            "nullable: unread.value(wire.nullable, \"nullable\")",
            "anything: unread.value(wire.anything, \"anything\").unwrap_or_default()",
            "(\"required\", ::storage_jobs_runtime::serde_util::readable(&wire.required))",
            // Flattened by typify: read as written, and no second collector.
            "#[serde(flatten)] extra: ::std::collections::HashMap",
            "extra: wire.extra",
            "unread_: unread",
        ] {
            assert!(
                wire.contains(&squeezed(expected)),
                "{expected}\n---\n{wire_text}"
            );
        }
        assert!(!wire.contains("Unlisted::"), "{wire_text}");
        assert!(
            !wire.contains("structWrapper"),
            "a newtype is read as written"
        );
        assert!(
            text.contains("#[serde(try_from = \"wire::Job\")]"),
            "{text}"
        );
        assert!(
            text.contains("pub unread_: ::storage_jobs_runtime::Unread"),
            "a field named `unread` keeps its name: {text}"
        );
        let builder = text.split("pub mod builder").nth(1).unwrap();
        assert!(
            builder.contains("unread_: ::std::default::Default::default()"),
            "{builder}"
        );
        assert!(builder.contains("unread_: value.unread_"), "{builder}");
        assert!(
            squeezed(builder).contains(&squeezed(
                "fn from(value: super::Empty) -> Self { Self { unread: value.unread } }"
            )),
            "{builder}"
        );
        assert!(
            squeezed(&text).contains(&squeezed(
                "count: defaults::job_count(), unread_: ::std::default::Default::default()"
            )),
            "a hand-written default starts with nothing unread: {text}"
        );
    }
}
