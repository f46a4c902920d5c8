//! Emits `src/errors.rs` of a generated crate: `VendorError` for each error body type, from
//! the schema's `x-error-code` and `x-error-message` pointers, so errors display as the
//! vendor's message and code.

use quote::quote;
use serde_json::Value;

use crate::access::optional_ref;
use crate::emit_pagination::error_schemas;
use crate::error::{Error, escape_token};
use crate::load::LoadedSpec;
use crate::rust_names::type_ident;

/// The whole `src/errors.rs`.
pub fn emit(spec: &LoadedSpec, document: &Value) -> Result<syn::File, Error> {
    let mut impls = Vec::new();
    for name in error_schemas(document) {
        let at = format!("/components/schemas/{}", escape_token(&name));
        let schema = document.pointer(&at).cloned().unwrap_or(Value::Null);
        let field = |key: &str| -> Result<proc_macro2::TokenStream, Error> {
            match schema.get(key).and_then(Value::as_str) {
                Some(pointer) => {
                    let (access, leaf) = optional_ref(document, &schema, quote!(self), pointer)
                        .map_err(|m| spec.error_at(&format!("{at}/{key}"), None, m))?;
                    if !matches!(
                        leaf.get("type").and_then(Value::as_str),
                        Some("string" | "integer" | "number" | "boolean")
                    ) {
                        return Err(spec.error_at(
                            &format!("{at}/{key}"),
                            None,
                            format!("{key} `{pointer}` must point at a string or number"),
                        ));
                    }
                    Ok(quote! { #access.map(|value| value.to_string()) })
                }
                None => Ok(quote! { ::std::option::Option::None }),
            }
        };
        let code = field("x-error-code")?;
        let message = field("x-error-message")?;
        let ident = type_ident(&name);
        impls.push(quote! {
            impl storage_jobs_runtime::VendorError for types::#ident {
                fn code(&self) -> ::std::option::Option<::std::string::String> {
                    #code
                }
                fn message(&self) -> ::std::option::Option<::std::string::String> {
                    #message
                }
            }
        });
    }
    let tokens = quote! {
        #[allow(unused_imports)]
        use crate::types;
        #(#impls)*
    };
    syn::parse2(tokens).map_err(|e| spec.error_at("", None, format!("emitting errors.rs: {e}")))
}
