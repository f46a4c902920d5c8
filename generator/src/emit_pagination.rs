//! Emits `src/pagination.rs` of a generated crate: for each operation with `x-pagination`, a
//! `<method>_stream` method that lists every item through the runtime's pagination loop.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::access::{array_item_schema, optional_ref};
use crate::error::{Error, escape_token};
use crate::load::LoadedSpec;
use crate::rust_names::{field_ident, method_ident, type_ident};
use crate::walk::{self, Operation};

/// The component schemas of an operation's success body and of its error body, if any.
pub fn body_schemas(
    document: &Value,
    operation: &Operation<'_>,
) -> (Option<String>, Option<String>) {
    let responses = operation.object.get("responses").and_then(Value::as_object);
    let schema_of = |status: &str| {
        responses
            .and_then(|r| r.get(status))
            .map(|r| walk::resolved(document, r))
            .and_then(|r| r.pointer("/content/application~1json/schema/$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_string)
    };
    let statuses: Vec<&String> = responses
        .into_iter()
        .flatten()
        .map(|(status, _)| status)
        .collect();
    let success = statuses
        .iter()
        .filter(|s| s.starts_with('2'))
        .find_map(|s| schema_of(s));
    let error = statuses
        .iter()
        .filter(|s| s.starts_with('4') || s.starts_with('5'))
        .find_map(|s| schema_of(s));
    (success, error)
}

/// The error body schema of every operation, sorted, for `VendorError` implementations.
pub fn error_schemas(document: &Value) -> Vec<String> {
    let mut names: Vec<String> = walk::operations(document)
        .iter()
        .filter_map(|operation| body_schemas(document, operation).1)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The whole `src/pagination.rs`, or `None` if no operation declares pagination.
pub fn emit(spec: &LoadedSpec, document: &Value) -> Result<Option<syn::File>, Error> {
    let mut methods = Vec::new();
    for operation in walk::operations(document) {
        let Some(pagination) = operation.object.get("x-pagination") else {
            continue;
        };
        methods.push(stream_method(spec, document, &operation, pagination)?);
    }
    if methods.is_empty() {
        return Ok(None);
    }
    let tokens = quote! {
        use crate::{Client, builder, types};
        use storage_jobs_runtime::ApiError;
        use storage_jobs_runtime::futures::Stream;

        impl Client {
            #(#methods)*
        }
    };
    syn::parse2(tokens)
        .map(Some)
        .map_err(|e| spec.error_at("", None, format!("emitting pagination.rs: {e}")))
}

fn stream_method(
    spec: &LoadedSpec,
    document: &Value,
    operation: &Operation<'_>,
    pagination: &Value,
) -> Result<TokenStream, Error> {
    let id = operation.id().unwrap_or_default();
    let at = format!("{}/x-pagination", operation.pointer);
    let fail = |message: String| spec.error_at(&at, Some(id), message);
    let text = |key: &str| pagination.get(key).and_then(Value::as_str);
    let required = |key: &str| text(key).ok_or_else(|| fail(format!("x-pagination needs `{key}`")));

    let (success, error) = body_schemas(document, operation);
    let error = match error {
        Some(name) => {
            let ident = type_ident(&name);
            quote! { types::#ident }
        }
        None => quote! { () },
    };
    let success = success.ok_or_else(|| {
        fail("x-pagination needs a 2xx JSON body that refers to a component schema".into())
    })?;
    let page_schema = document
        .pointer(&format!("/components/schemas/{}", escape_token(&success)))
        .ok_or_else(|| fail(format!("no schema `{success}`")))?;
    let items_pointer = required("items")?;
    let (_, items_schema) =
        optional_ref(document, page_schema, quote!(page), items_pointer).map_err(&fail)?;
    let item = array_item_schema(document, items_schema).ok_or_else(|| {
        fail(format!(
            "`{items_pointer}` must be an array of a component schema"
        ))
    })?;
    let item = type_ident(item);
    let items_field = match items_pointer.split('/').skip(1).collect::<Vec<_>>()[..] {
        [field] => field_ident(&crate::error::unescape_token(field)),
        _ => {
            return Err(fail(format!(
                "`items` must be a top-level property, not `{items_pointer}`"
            )));
        }
    };
    let method = method_ident(id);
    let method_name = method.to_string();
    let stream = format_ident!("{}_stream", method);
    let builder_type = type_ident(id);
    let page_type = type_ident(&success);

    let style = required("style")?;
    let (body, doc) = match style {
        "offset" => {
            let offset = field_ident(required("offset")?);
            let limit = required("limit")?;
            let total = match text("total") {
                Some(pointer) => {
                    let (access, _) = optional_ref(document, page_schema, quote!(page), pointer)
                        .map_err(&fail)?;
                    quote! { #access.and_then(|total| u64::try_from(*total).ok()) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let body = quote! {
                storage_jobs_runtime::paginate::by_offset(move |offset| {
                    let request = configure(self.#method()).#offset(offset);
                    async move {
                        let page = request.send().await?.into_inner();
                        let total = #total;
                        Ok((page.#items_field, total))
                    }
                })
            };
            (
                body,
                format!(
                    "pages by `{}` from 0; set `{limit}` in `configure` for the page size",
                    required("offset")?
                ),
            )
        }
        "body-token" => {
            let token = field_ident(required("token")?);
            let (next, _) = optional_ref(document, page_schema, quote!(page), required("next")?)
                .map_err(&fail)?;
            let page_size = text("pageSize")
                .map(|p| format!("; set `{p}` in the body for the page size"))
                .unwrap_or_default();
            let body = quote! {
                storage_jobs_runtime::paginate::by_token(move |token| {
                    let request = configure(self.#method()).body_map(move |body| body.#token(token));
                    async move {
                        let page = request.send().await?.into_inner();
                        let next = #next.cloned();
                        Ok((page.#items_field, next))
                    }
                })
            };
            (
                body,
                format!("pages with the body's `{}`{page_size}", required("token")?),
            )
        }
        "next-link" => {
            let (next, _) = optional_ref(document, page_schema, quote!(page), required("next")?)
                .map_err(&fail)?;
            let page_size = text("pageSize")
                .map(|p| format!("; set `{p}` in `configure` for the page size"))
                .unwrap_or_default();
            let body = quote! {
                storage_jobs_runtime::paginate::by_next_link(
                    move || {
                        let request = configure(self.#method());
                        async move {
                            let page = request.send().await?.into_inner();
                            let next = #next.cloned();
                            Ok((page.#items_field, next))
                        }
                    },
                    move |link| async move {
                        let page: types::#page_type = self.inner.get_json(&self.client, &self.baseurl, &link, #method_name).await?;
                        let next = #next.cloned();
                        Ok((page.#items_field, next))
                    },
                )
            };
            (body, format!("follows `{}`{page_size}", required("next")?))
        }
        other => {
            return Err(fail(format!(
                "x-pagination style `{other}` is not one of offset, body-token, next-link"
            )));
        }
    };
    let summary = format!(" Every item of [`Client::{method}`], page by page: {doc}.");
    Ok(quote! {
        #[doc = #summary]
        ///
        /// `configure` sets the request's other parameters (filters, page size); the stream
        /// sets the paging ones. Pages are fetched only as the stream is polled, one at a
        /// time; an error is the stream's last item.
        pub fn #stream<'a, F>(&'a self, configure: F) -> impl Stream<Item = ::std::result::Result<types::#item, ApiError<#error>>> + 'a
        where
            F: Fn(builder::#builder_type<'a>) -> builder::#builder_type<'a> + 'a,
        {
            #body
        }
    })
}
