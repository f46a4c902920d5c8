//! Emits `src/responses.rs` of a generated crate: for each operation, the function that reads
//! an answer by its status into the documented success or the operation's error type (the one
//! path first pages and followed links both take), the `send` method that calls it, and an
//! enum of the successes when an operation documents different ones.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Api, Operation, Payload, Status, Success};
use crate::rust_names::{ident, method_ident};

/// The Rust type a successful call returns, inside `ResponseValue`.
pub fn success_type(operation: &Operation) -> TokenStream {
    match operation.success() {
        Success::Single(payload) => payload.tokens().unwrap_or_else(|| quote! { () }),
        Success::Several(_) => {
            let name = ident(&operation.response_type());
            quote! { responses::#name }
        }
        Success::Upgrade => quote! { reqwest::Upgraded },
    }
}

/// The error type of an operation's calls.
pub fn error_type(operation: &Operation) -> TokenStream {
    let name = ident(&operation.error_type());
    quote! { Error<errors::#name> }
}

/// The match arm that reads one documented success.
fn success_arm(
    operation: &Operation,
    status: Status,
    payload: &Payload,
    several: bool,
) -> TokenStream {
    let pattern = match status {
        // A `default` that stands for success (no 2xx documented) covers the 2xx range.
        Status::Default => Status::Range(2).pattern(),
        other => other.pattern(),
    };
    if several {
        let enumeration = ident(&operation.response_type());
        let variant = ident(&status.variant());
        let read = match payload {
            Payload::Empty => quote! { answer.empty_as(responses::#enumeration::#variant) },
            Payload::Json(_) => quote! { answer.json_as(responses::#enumeration::#variant) },
            Payload::Text => quote! { answer.text_as(responses::#enumeration::#variant) },
            Payload::Binary => quote! { answer.stream_as(responses::#enumeration::#variant) },
        };
        return quote! { #pattern => #read, };
    }
    let read = match payload {
        Payload::Empty => quote! { answer.empty() },
        Payload::Json(_) => quote! { answer.json() },
        Payload::Text => quote! { answer.text() },
        Payload::Binary => quote! { answer.stream() },
    };
    quote! { #pattern => #read, }
}

/// The match arm that reads one documented error, as an `Error` (not yet wrapped in `Err`).
fn error_arm(
    operation: &Operation,
    status: Status,
    payload: &Payload,
) -> (TokenStream, TokenStream) {
    let enumeration = ident(&operation.error_type());
    let variant = ident(&status.variant());
    let read = match payload {
        Payload::Empty => quote! { answer.error(errors::#enumeration::#variant) },
        Payload::Json(_) => quote! { answer.error_json(errors::#enumeration::#variant) },
        Payload::Text | Payload::Binary => {
            quote! { answer.error_text(errors::#enumeration::#variant) }
        }
    };
    (status.pattern(), read)
}

fn operation_items(operation: &Operation) -> TokenStream {
    let method = method_ident(&operation.name);
    let builder = ident(&operation.builder());
    let success = success_type(operation);
    let error = error_type(operation);
    let upgrade = operation.success() == Success::Upgrade;
    let several = matches!(operation.success(), Success::Several(_));
    // Every documented status in one match: exact statuses, then ranges, then `default`.
    let mut arms: Vec<(Status, TokenStream)> = Vec::new();
    let documents_2xx = operation.documents_2xx();
    if !upgrade {
        match operation.success() {
            Success::Single(payload)
                if !operation
                    .responses
                    .iter()
                    .any(|r| r.status.is_success(documents_2xx)) =>
            {
                arms.push((
                    Status::Range(2),
                    success_arm(operation, Status::Range(2), &payload, false),
                ));
            }
            _ => {
                for response in operation
                    .responses
                    .iter()
                    .filter(|r| r.status.is_success(documents_2xx))
                {
                    let status = if response.status == Status::Default {
                        Status::Range(2)
                    } else {
                        response.status
                    };
                    arms.push((
                        status,
                        success_arm(operation, response.status, &response.payload, several),
                    ));
                }
            }
        }
    }
    for response in operation.errors() {
        let (pattern, read) = error_arm(operation, response.status, &response.payload);
        let arm = if upgrade {
            quote! { #pattern => #read, }
        } else {
            quote! { #pattern => Err(#read), }
        };
        arms.push((response.status, arm));
    }
    arms.sort_by_key(|(status, _)| *status);
    let arms = arms.into_iter().map(|(_, arm)| arm);
    let fallback = if upgrade {
        quote! { _ => answer.undocumented(), }
    } else {
        quote! { _ => Err(answer.undocumented()), }
    };
    let read_doc = format!(
        " Reads an answer to [`Client::{}`](crate::Client::{}) by its status.",
        operation.name, operation.name
    );
    let send_doc = format!(
        " Sends the request and reads the answer: a documented success, [`Error::Documented`] with [`errors::{}`] for a documented error status, [`Error::UnexpectedStatus`] with the raw body for any other.",
        operation.error_type()
    );
    if upgrade {
        return quote! {
            #[doc = #read_doc]
            #[allow(unreachable_patterns)]
            pub(crate) fn #method(answer: Answer) -> #error {
                match answer.status() {
                    #(#arms)*
                    #fallback
                }
            }

            impl builder::#builder<'_> {
                #[doc = #send_doc]
                pub async fn send(self) -> ::std::result::Result<ResponseValue<#success>, #error> {
                    match self.send_raw().await {
                        ::std::result::Result::Ok(value) => ::std::result::Result::Ok(value),
                        ::std::result::Result::Err(::progenitor_client::Error::UnexpectedResponse(response)) => {
                            ::std::result::Result::Err(#method(respond::read(response).await?))
                        }
                        ::std::result::Result::Err(other) => ::std::result::Result::Err(storage_jobs_runtime::failure(other)),
                    }
                }
            }
        };
    }
    quote! {
        #[doc = #read_doc]
        #[allow(unreachable_patterns)]
        pub(crate) fn #method(answer: Answer) -> ::std::result::Result<ResponseValue<#success>, #error> {
            match answer.status() {
                #(#arms)*
                #fallback
            }
        }

        impl builder::#builder<'_> {
            #[doc = #send_doc]
            pub async fn send(self) -> ::std::result::Result<ResponseValue<#success>, #error> {
                #method(respond::receive(self.send_raw().await).await?)
            }
        }
    }
}

/// The enum of an operation's documented successes, when they differ.
fn response_enum(operation: &Operation) -> Option<TokenStream> {
    let Success::Several(successes) = operation.success() else {
        return None;
    };
    let name = ident(&operation.response_type());
    let doc = format!(
        " The documented successes of [`Client::{}`](crate::Client::{}), one variant per status.",
        operation.name, operation.name
    );
    let variants = successes.iter().map(|(status, payload)| {
        let variant = ident(&status.variant());
        let status_doc = format!(" `{}`", status.spec_key());
        match payload.tokens() {
            Some(ty) => quote! { #[doc = #status_doc] #variant(#ty) },
            None => quote! { #[doc = #status_doc] #variant },
        }
    });
    let derives = if successes.iter().any(|(_, p)| *p == Payload::Binary) {
        quote! {}
    } else {
        quote! { #[derive(Clone, Debug, PartialEq)] }
    };
    Some(quote! {
        #[doc = #doc]
        #derives
        #[non_exhaustive]
        pub enum #name {
            #(#variants,)*
        }
    })
}

/// The whole `src/responses.rs`.
pub fn emit(api: &Api) -> syn::File {
    let items = api.operations.iter().map(operation_items);
    let enums = api.operations.iter().filter_map(response_enum);
    let tokens = quote! {
        #[allow(unused_imports)]
        use crate::{builder, errors, responses, types, ByteStream, Error, ResponseValue};
        #[allow(unused_imports)]
        use storage_jobs_runtime::respond::{self, Answer};

        #(#enums)*
        #(#items)*
    };
    syn::parse2(tokens).expect("responses.rs is valid Rust")
}
