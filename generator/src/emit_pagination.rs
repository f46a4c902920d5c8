//! Emits `src/pagination.rs` of a generated crate: for each operation with `x-pagination`, a
//! `<method>_stream` method that lists every item through the runtime's pagination loop.
//! `validate.rs` has checked every `x-pagination` against the spec before this runs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::access::{array_item_schema, optional_ref};
use crate::error::{escape_token, unescape_token};
use crate::model::{Api, Operation, Payload, Success};
use crate::rust_names::{field_ident, ident, method_ident, parameter_ident, type_ident};

/// The whole `src/pagination.rs`, or `None` if no operation declares pagination.
pub fn emit(api: &Api, document: &Value) -> Result<Option<syn::File>, String> {
    let mut methods = Vec::new();
    for operation in &api.operations {
        if let Some(pagination) = &operation.pagination {
            methods.push(stream_method(document, operation, pagination)?);
        }
    }
    if methods.is_empty() {
        return Ok(None);
    }
    let tokens = quote! {
        use crate::{Client, Error, builder, errors, types};
        use storage_jobs_runtime::futures::Stream;

        impl Client {
            #(#methods)*
        }
    };
    syn::parse2(tokens)
        .map(Some)
        .map_err(|e| format!("emitting pagination.rs: {e}"))
}

/// The component schema of an operation's JSON success body.
pub fn page_schema(operation: &Operation) -> Option<String> {
    match operation.success() {
        Success::Single(Payload::Json(ty)) => ty.named().map(str::to_string),
        _ => None,
    }
}

fn stream_method(
    document: &Value,
    operation: &Operation,
    pagination: &Value,
) -> Result<TokenStream, String> {
    let text = |key: &str| pagination.get(key).and_then(Value::as_str);
    let required = |key: &str| text(key).ok_or_else(|| format!("x-pagination needs `{key}`"));
    let page_name = page_schema(operation)
        .ok_or("x-pagination needs one JSON success body that refers to a component schema")?;
    let page_schema = document
        .pointer(&format!("/components/schemas/{}", escape_token(&page_name)))
        .ok_or_else(|| format!("no schema `{page_name}`"))?;
    let items_pointer = required("items")?;
    let (_, items_schema) = optional_ref(document, page_schema, quote!(page), items_pointer)?;
    let item = array_item_schema(document, items_schema)
        .ok_or_else(|| format!("`{items_pointer}` must be an array of a component schema"))?;
    let item = type_ident(item);
    let items_field = match items_pointer.split('/').skip(1).collect::<Vec<_>>()[..] {
        [field] => field_ident(&unescape_token(field)),
        _ => {
            return Err(format!(
                "`items` must be a top-level property, not `{items_pointer}`"
            ));
        }
    };
    let method = method_ident(&operation.name);
    let method_name = method.to_string();
    let stream = format_ident!("{}_stream", method);
    let builder_type = ident(&operation.builder());
    let error = ident(&operation.error_type());

    let style = required("style")?;
    let (body, doc) = match style {
        "offset" => {
            let offset = parameter_ident(required("offset")?);
            let limit = required("limit")?;
            let total = match text("total") {
                Some(pointer) => {
                    let (access, _) = optional_ref(document, page_schema, quote!(page), pointer)?;
                    quote! { #access.and_then(|total| u64::try_from(*total).ok()) }
                }
                None => quote! { ::std::option::Option::None },
            };
            let body = quote! {
                storage_jobs_runtime::paginate::by_offset(self.inner.paging_limits(), move |offset| {
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
            let (next, _) = optional_ref(document, page_schema, quote!(page), required("next")?)?;
            let page_size = text("pageSize")
                .map(|p| format!("; set `{p}` in the body for the page size"))
                .unwrap_or_default();
            let body = quote! {
                storage_jobs_runtime::paginate::by_token(self.inner.paging_limits(), move |token| {
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
            let (next, _) = optional_ref(document, page_schema, quote!(page), required("next")?)?;
            let page_size = text("pageSize")
                .map(|p| format!("; set `{p}` in `configure` for the page size"))
                .unwrap_or_default();
            let body = quote! {
                storage_jobs_runtime::paginate::by_next_link(
                    self.inner.paging_limits(),
                    move || {
                        let request = configure(self.#method());
                        async move {
                            let page = request.send().await?.into_inner();
                            let next = #next.cloned();
                            Ok((page.#items_field, next))
                        }
                    },
                    move |link| async move {
                        let answer = self.inner.fetch_link(&self.client, &self.baseurl, &link, #method_name).await?;
                        let page = crate::responses::#method(answer)?.into_inner();
                        let next = #next.cloned();
                        Ok((page.#items_field, next))
                    },
                )
            };
            (body, format!("follows `{}`{page_size}", required("next")?))
        }
        other => {
            return Err(format!(
                "x-pagination style `{other}` is not one of offset, body-token, next-link"
            ));
        }
    };
    let summary = format!(" Every item of [`Client::{method}`], page by page: {doc}.");
    Ok(quote! {
        #[doc = #summary]
        ///
        /// `configure` sets the request's other parameters (filters, page size); the stream
        /// sets the paging ones. Pages are fetched only as the stream is polled, one at a
        /// time; an error is the stream's last item. A server that sends a page cursor a
        /// second time (a cycle) or a page that does not advance, or a listing longer than
        /// the connection's `max_pages` or `max_items`, ends the stream with an error.
        pub fn #stream<'a, F>(&'a self, configure: F) -> impl Stream<Item = ::std::result::Result<types::#item, Error<errors::#error>>> + 'a
        where
            F: Fn(builder::#builder_type<'a>) -> builder::#builder_type<'a> + 'a,
        {
            #body
        }
    })
}
