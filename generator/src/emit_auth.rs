//! Emits `src/auth.rs` of a generated crate: the `Credentials` the spec's security
//! requirements allow, the `connect` constructors, and the `ClientHooks` implementation that
//! hands every request to the runtime's `Session` (credentials, CSRF, list parameters).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::Error;
use crate::load::LoadedSpec;
use crate::rust_names::{field_ident, method_ident, type_name};
use crate::walk;

/// One way to authenticate: a variant of the generated `Credentials`.
pub struct Alternative {
    /// The variant's name, for example `BasicAuth`.
    pub variant: Ident,
    /// The fields the caller fills in: name, whether it is secret, and its doc line.
    pub fields: Vec<(Ident, bool, String)>,
    /// What the schemes send, as runtime `Credential` constructors.
    pub credentials: Vec<TokenStream>,
    /// A one-line description for the docs.
    pub doc: String,
}

/// The CSRF arrangement declared by `x-csrf` on a security scheme.
pub struct CsrfSettings {
    /// Schemes the client manages itself (the token header and cookie).
    pub managed: BTreeSet<String>,
    /// The runtime `Csrf` value.
    pub tokens: TokenStream,
}

/// Reads `x-csrf`, if a scheme declares it.
pub fn csrf_settings(spec: &LoadedSpec, document: &Value) -> Result<Option<CsrfSettings>, Error> {
    let schemes = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        let Some(csrf) = scheme.get("x-csrf") else {
            continue;
        };
        let at = format!(
            "/components/securitySchemes/{}/x-csrf",
            crate::error::escape_token(name)
        );
        let operation_id = csrf
            .get("tokenOperation")
            .and_then(Value::as_str)
            .ok_or_else(|| spec.error_at(&at, None, "x-csrf needs `tokenOperation`"))?;
        let cookie_scheme = csrf
            .get("cookieScheme")
            .and_then(Value::as_str)
            .ok_or_else(|| spec.error_at(&at, None, "x-csrf needs `cookieScheme`"))?;
        let operation = walk::operations(document)
            .into_iter()
            .find(|o| o.id() == Some(operation_id));
        let Some(operation) = operation.filter(|o| o.method == "get") else {
            return Err(spec.error_at(
                &at,
                None,
                format!("x-csrf: no GET operation `{operation_id}`"),
            ));
        };
        let cookie = schemes
            .and_then(|s| s.get(cookie_scheme))
            .filter(|s| s["type"] == "apiKey" && s["in"] == "cookie");
        let Some(cookie) = cookie.and_then(|s| s["name"].as_str()) else {
            return Err(spec.error_at(
                &at,
                None,
                format!("x-csrf: `{cookie_scheme}` is not an apiKey cookie scheme"),
            ));
        };
        let header = match (
            scheme["type"].as_str(),
            scheme["in"].as_str(),
            scheme["name"].as_str(),
        ) {
            (Some("apiKey"), Some("header"), Some(header)) => header,
            _ => return Err(spec.error_at(&at, None, "x-csrf belongs on an apiKey header scheme")),
        };
        let path = operation.path;
        // Hooks see progenitor's method name (`get_csrf_token`), not the operationId.
        let token_method = method_ident(operation_id).to_string();
        return Ok(Some(CsrfSettings {
            managed: [name.clone(), cookie_scheme.to_string()].into(),
            tokens: quote! {
                ::std::option::Option::Some(::storage_jobs_runtime::Csrf {
                    token_path: #path,
                    token_operation: #token_method,
                    cookie: #cookie,
                    header: #header,
                })
            },
        }));
    }
    Ok(None)
}

/// The security alternatives callers choose from, without the schemes the client manages.
pub fn alternatives(document: &Value, managed: &BTreeSet<String>) -> Vec<Alternative> {
    let schemes = document
        .pointer("/components/securitySchemes")
        .cloned()
        .unwrap_or(Value::Null);
    let requirements = document
        .get("security")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for requirement in requirements.iter().chain(
        std::iter::once(&Value::Object(Default::default())).filter(|_| requirements.is_empty()),
    ) {
        let names: Vec<&String> = requirement
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, _)| name)
            .filter(|name| !managed.contains(*name))
            .collect();
        let variant_name = if names.is_empty() {
            "None".to_string()
        } else {
            names
                .iter()
                .map(|name| type_name(name))
                .collect::<Vec<_>>()
                .join("And")
        };
        if !seen.insert(variant_name.clone()) {
            continue;
        }
        let mut fields = Vec::new();
        let mut credentials = Vec::new();
        let mut docs = Vec::new();
        for name in names {
            let scheme = &schemes[name.as_str()];
            match (
                scheme["type"].as_str(),
                scheme["scheme"]
                    .as_str()
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
            ) {
                (Some("http"), Some("basic")) => {
                    fields.push((
                        format_ident!("username"),
                        false,
                        "The user name.".to_string(),
                    ));
                    fields.push((format_ident!("password"), true, "The password.".to_string()));
                    credentials.push(
                        quote! { ::storage_jobs_runtime::Credential::Basic { username, password } },
                    );
                    docs.push("HTTP basic authentication".to_string());
                }
                (Some("http"), _) => {
                    fields.push((
                        format_ident!("token"),
                        true,
                        "The token, without the `Bearer ` prefix.".to_string(),
                    ));
                    credentials
                        .push(quote! { ::storage_jobs_runtime::Credential::Bearer { token } });
                    docs.push("a bearer token".to_string());
                }
                _ => {
                    let field = field_ident(name);
                    let header = scheme["name"].as_str().unwrap_or_default();
                    let place = match scheme["in"].as_str() {
                        Some("query") => quote! { Query },
                        Some("cookie") => quote! { Cookie },
                        _ => quote! { Header },
                    };
                    credentials.push(quote! { ::storage_jobs_runtime::Credential::#place { name: #header, value: #field } });
                    docs.push(format!(
                        "`{header}` ({})",
                        scheme["in"].as_str().unwrap_or("header")
                    ));
                    fields.push((field, true, format!("The `{header}` value.")));
                }
            }
        }
        let doc = if docs.is_empty() {
            "No credentials.".to_string()
        } else {
            format!("Sends {}.", docs.join(" and "))
        };
        found.push(Alternative {
            variant: Ident::new(&variant_name, Span::call_site()),
            fields,
            credentials,
            doc,
        });
    }
    found
}

/// Operations whose own `security` is empty: they are sent without credentials.
fn anonymous_operations(document: &Value) -> Vec<String> {
    walk::operations(document)
        .into_iter()
        .filter(|o| {
            o.object
                .get("security")
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
        })
        .filter_map(|o| o.id().map(|id| method_ident(id).to_string()))
        .collect()
}

/// `(operationId, parameter)` of each parameter the lowering marked comma-separated.
fn comma_separated(document: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for operation in walk::operations(document) {
        for (_, parameter) in operation.parameters(document) {
            if parameter.get("x-comma-separated") == Some(&Value::Bool(true)) {
                found.push((
                    method_ident(operation.id().unwrap_or_default()).to_string(),
                    parameter["name"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    found
}

/// The whole `src/auth.rs`.
pub fn emit(spec: &LoadedSpec, document: &Value) -> Result<syn::File, Error> {
    let csrf = csrf_settings(spec, document)?;
    let managed = csrf.as_ref().map(|c| c.managed.clone()).unwrap_or_default();
    let csrf_tokens = csrf
        .map(|c| c.tokens)
        .unwrap_or_else(|| quote! { ::std::option::Option::None });
    let alternatives = alternatives(document, &managed);
    let variants = alternatives.iter().map(|alternative| {
        let variant = &alternative.variant;
        let doc = &alternative.doc;
        let fields = alternative.fields.iter().map(|(field, secret, field_doc)| {
            let ty = if *secret {
                quote! { ::storage_jobs_runtime::Secret }
            } else {
                quote! { ::std::string::String }
            };
            quote! { #[doc = #field_doc] #field: #ty }
        });
        if alternative.fields.is_empty() {
            quote! { #[doc = #doc] #variant }
        } else {
            quote! { #[doc = #doc] #variant { #(#fields),* } }
        }
    });
    let arms = alternatives.iter().map(|alternative| {
        let variant = &alternative.variant;
        let names = alternative.fields.iter().map(|(field, _, _)| field);
        let credentials = &alternative.credentials;
        if alternative.fields.is_empty() {
            quote! { Credentials::#variant => ::std::vec::Vec::new() }
        } else {
            quote! { Credentials::#variant { #(#names),* } => ::std::vec![#(#credentials),*] }
        }
    });
    let anonymous = anonymous_operations(document);
    let comma = comma_separated(document)
        .into_iter()
        .map(|(operation, name)| quote! { (#operation, #name) });
    let tokens = quote! {
        use crate::Client;
        use storage_jobs_runtime::{ConfigError, ConnectionSettings, Session};

        /// The credentials the spec's security requirements accept; choose one variant.
        ///
        /// Secrets are [`storage_jobs_runtime::Secret`]s: they never show in `Debug` output,
        /// error messages or logs.
        #[derive(Clone, Debug)]
        pub enum Credentials {
            #(#variants),*
        }

        impl Credentials {
            fn into_list(self) -> ::std::vec::Vec<::storage_jobs_runtime::Credential> {
                match self {
                    #(#arms),*
                }
            }
        }

        /// The `User-Agent` this crate sends unless the settings name another: its name and version.
        pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        /// What the spec says about its operations that the session needs to know.
        const RULES: ::storage_jobs_runtime::Rules = ::storage_jobs_runtime::Rules {
            anonymous_operations: &[#(#anonymous),*],
            comma_separated: &[#(#comma),*],
            csrf: #csrf_tokens,
        };

        impl Client {
            /// Connects to `base_url` (scheme, host, port and path prefix) with the default
            /// [`ConnectionSettings`]: HTTPS verified against the system's roots, 10 s to
            /// connect, 60 s per request.
            pub fn connect(base_url: &str, credentials: Credentials) -> ::std::result::Result<Self, ConfigError> {
                Self::connect_with(base_url, credentials, &ConnectionSettings::default())
            }

            /// Connects to `base_url` with `settings`, for example an appliance's own CA
            /// certificate or other timeouts.
            pub fn connect_with(
                base_url: &str,
                credentials: Credentials,
                settings: &ConnectionSettings,
            ) -> ::std::result::Result<Self, ConfigError> {
                let base_url = ::storage_jobs_runtime::check_base_url(base_url)?;
                let http = settings.build_http_client(USER_AGENT)?;
                Ok(Self::new_with_client(&base_url, http, Session::new(credentials.into_list(), RULES).with_settings(settings)))
            }
        }

        impl progenitor_client::ClientHooks<Session> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                self.inner
                    .prepare(&self.client, &self.baseurl, request, info.operation_id)
                    .await
                    .map_err(progenitor_client::Error::Custom)
            }

            async fn post<E>(
                &self,
                result: &reqwest::Result<reqwest::Response>,
                _info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                self.inner.check(result).map_err(progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner.execute(&self.client, &self.baseurl, request, info.operation_id).await
            }
        }
    };
    syn::parse2(tokens).map_err(|e| spec.error_at("", None, format!("emitting auth.rs: {e}")))
}
