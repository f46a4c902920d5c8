//! Emits `src/errors.rs` of a generated crate: one error type per operation, with a variant per
//! documented error status holding that status's body, and `VendorError` for each, so errors
//! display the vendor's code and message. Where the spec names them (`x-error-code`,
//! `x-error-message`) those fields are read; otherwise a top-level `code` or `message`
//! property (or one of their usual spellings) is.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::access::optional_ref;
use crate::error::escape_token;
use crate::model::{Api, Payload, TypeRef};
use crate::rust_names::{ident, type_ident};

/// Property names that carry an error's message, in order of preference.
const MESSAGE_FIELDS: [&str; 7] = [
    "message",
    "detail",
    "error_description",
    "errorMessage",
    "error",
    "title",
    "description",
];

/// Property names that carry an error's code, in order of preference.
const CODE_FIELDS: [&str; 5] = ["code", "error_code", "errorCode", "status", "type"];

/// The pointer of the first field of `schema` that can show as text, from the extension or
/// the usual names.
fn display_field(schema: &Value, extension: &str, names: &[&str]) -> Option<String> {
    if let Some(pointer) = schema.get(extension).and_then(Value::as_str) {
        return Some(pointer.to_string());
    }
    let properties = schema.get("properties")?.as_object()?;
    names
        .iter()
        .find(|name| {
            properties.get(**name).is_some_and(|p| {
                matches!(
                    p.get("type").and_then(Value::as_str),
                    Some("string" | "integer")
                )
            })
        })
        .map(|name| format!("/{}", escape_token(name)))
}

/// `VendorError` for one error body type: `Some` tokens if it has a code or a message.
fn body_impl(document: &Value, name: &str) -> Option<TokenStream> {
    let schema = document.pointer(&format!("/components/schemas/{}", escape_token(name)))?;
    // Only a plain object is a struct whose fields can be named.
    if ["allOf", "oneOf", "anyOf", "enum"]
        .iter()
        .any(|k| schema.get(*k).is_some())
    {
        return None;
    }
    let code = display_field(schema, "x-error-code", &CODE_FIELDS);
    let message = display_field(schema, "x-error-message", &MESSAGE_FIELDS);
    if code.is_none() && message.is_none() {
        return None;
    }
    let field = |pointer: Option<String>| match pointer {
        Some(pointer) => match optional_ref(document, schema, quote!(self), &pointer) {
            Ok((access, _)) => quote! { #access.map(|value| value.to_string()) },
            Err(_) => quote! { ::std::option::Option::None },
        },
        None => quote! { ::std::option::Option::None },
    };
    let (code, message) = (field(code), field(message));
    let ty = type_ident(name);
    Some(quote! {
        impl storage_jobs_runtime::VendorError for types::#ty {
            fn code(&self) -> ::std::option::Option<::std::string::String> {
                #code
            }
            fn message(&self) -> ::std::option::Option<::std::string::String> {
                #message
            }
        }
    })
}

/// The whole `src/errors.rs`.
pub fn emit(api: &Api, document: &Value) -> syn::File {
    // Each error body type that can show a code or message, once.
    let mut bodies: BTreeMap<String, Option<TokenStream>> = BTreeMap::new();
    for operation in &api.operations {
        for response in operation.errors() {
            if let Payload::Json(TypeRef::Named(name)) = &response.payload {
                bodies
                    .entry(name.clone())
                    .or_insert_with(|| body_impl(document, name));
            }
        }
    }
    let body_impls = bodies.values().flatten();
    let enums = api.operations.iter().map(|operation| {
        let name = ident(&operation.error_type());
        let method = &operation.name;
        let doc = format!(" The documented errors of [`Client::{method}`](crate::Client::{method}): one variant per error status the spec lists, holding that status's body.");
        let mut variants = Vec::new();
        let mut codes = Vec::new();
        let mut messages = Vec::new();
        for response in operation.errors() {
            let variant = ident(&response.status.variant());
            let status_doc = format!(
                " `{}`: {}",
                response.status.spec_key(),
                response.description.lines().next().unwrap_or_default().trim()
            );
            match &response.payload {
                Payload::Empty => {
                    variants.push(quote! { #[doc = #status_doc] #variant });
                    codes.push(quote! { Self::#variant => ::std::option::Option::None });
                    messages.push(quote! { Self::#variant => ::std::option::Option::None });
                }
                Payload::Json(ty) => {
                    let tokens = ty.tokens();
                    variants.push(quote! { #[doc = #status_doc] #variant(#tokens) });
                    let shows = ty.named().is_some_and(|n| bodies.get(n).is_some_and(Option::is_some));
                    if shows {
                        codes.push(quote! { Self::#variant(body) => storage_jobs_runtime::VendorError::code(body) });
                        messages.push(quote! { Self::#variant(body) => storage_jobs_runtime::VendorError::message(body) });
                    } else {
                        codes.push(quote! { Self::#variant(_) => ::std::option::Option::None });
                        messages.push(quote! { Self::#variant(_) => ::std::option::Option::None });
                    }
                }
                Payload::Text | Payload::Binary => {
                    variants.push(quote! { #[doc = #status_doc] #variant(::std::string::String) });
                    codes.push(quote! { Self::#variant(_) => ::std::option::Option::None });
                    messages.push(quote! { Self::#variant(text) => ::std::option::Option::Some(text.clone()) });
                }
            }
        }
        let matches = if variants.is_empty() {
            (quote! { match *self {} }, quote! { match *self {} })
        } else {
            (quote! { match self { #(#codes,)* } }, quote! { match self { #(#messages,)* } })
        };
        let (code, message) = matches;
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #(#variants,)*
            }

            impl storage_jobs_runtime::VendorError for #name {
                fn code(&self) -> ::std::option::Option<::std::string::String> {
                    #code
                }
                fn message(&self) -> ::std::option::Option<::std::string::String> {
                    #message
                }
            }
        }
    });
    let tokens = quote! {
        #[allow(unused_imports)]
        use crate::types;
        #(#body_impls)*
        #(#enums)*
    };
    syn::parse2(tokens).expect("errors.rs is valid Rust")
}
