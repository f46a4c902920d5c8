//! Emits `src/auth.rs` of a generated crate: the `Credentials` the spec's security
//! requirements allow, the `connect` constructors, and the `ClientHooks` implementation that
//! hands every request to the runtime's `Session` (credentials, CSRF, list parameters).

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::lower::operations::SchemeKind;
use crate::model::{Api, Location};
use crate::rust_names::{field_ident, type_name};

/// Methods HTTP defines as idempotent, which the session retries without being told.
const IDEMPOTENT_METHODS: [&str; 5] = ["get", "head", "options", "put", "delete"];

/// One way to authenticate: a variant of the generated `Credentials`.
pub struct Alternative {
    /// The variant's name, for example `BasicAuth`.
    pub variant: Ident,
    /// The fields the caller fills in: name, whether it is secret, and its doc line.
    pub fields: Vec<(Ident, bool, String)>,
    /// What the schemes send, as runtime `Credential` constructors.
    pub credentials: Vec<TokenStream>,
    /// The runtime `Grant` the token scheme is obtained with, if this alternative renews it.
    pub grant: Option<TokenStream>,
    /// A one-line description for the docs.
    pub doc: String,
}

/// What one scheme adds to an alternative: fields, credentials and a phrase for the docs.
struct Part {
    fields: Vec<(Ident, bool, String)>,
    credentials: Vec<TokenStream>,
    grant: Option<TokenStream>,
    doc: String,
}

/// The scheme sent as given by the caller.
fn static_part(scheme: &crate::model::Scheme) -> Part {
    match scheme.kind {
        SchemeKind::Basic => Part {
            fields: vec![
                (
                    format_ident!("username"),
                    false,
                    "The user name.".to_string(),
                ),
                (format_ident!("password"), true, "The password.".to_string()),
            ],
            credentials: vec![
                quote! { ::storage_jobs_runtime::Credential::Basic { username, password } },
            ],
            grant: None,
            doc: "HTTP basic authentication".to_string(),
        },
        SchemeKind::Bearer => Part {
            fields: vec![(
                format_ident!("token"),
                true,
                "The token, without the `Bearer ` prefix.".to_string(),
            )],
            credentials: vec![quote! { ::storage_jobs_runtime::Credential::Bearer { token } }],
            grant: None,
            doc: "a bearer token".to_string(),
        },
        SchemeKind::ApiKey => {
            let field = field_ident(&scheme.name);
            let header = &scheme.key_name;
            let place = match scheme.key_in.as_str() {
                "query" => quote! { Query },
                "cookie" => quote! { Cookie },
                _ => quote! { Header },
            };
            Part {
                credentials: vec![
                    quote! { ::storage_jobs_runtime::Credential::#place { name: #header, value: #field } },
                ],
                doc: format!("`{header}` ({})", scheme.key_in),
                fields: vec![(field, true, format!("The `{header}` value."))],
                grant: None,
            }
        }
    }
}

/// The scheme's token obtained, and renewed, with `grant` at the token operation.
fn grant_part(token: &crate::token::Token, grant: &crate::token::Grant) -> Part {
    let grant_type = &grant.grant_type;
    let fields: Vec<(Ident, bool, String)> = grant
        .fields
        .iter()
        .map(|(name, secret)| (field_ident(name), *secret, format!("The grant's `{name}`.")))
        .collect();
    let sent = grant.fields.iter().map(|(name, secret)| {
        let ident = field_ident(name);
        if *secret {
            quote! { (#name, #ident) }
        } else {
            quote! { (#name, ::storage_jobs_runtime::Secret::from(#ident)) }
        }
    });
    let constants = grant.constants.iter().map(|(name, value)| {
        quote! { (#name, ::storage_jobs_runtime::Secret::from(#value)) }
    });
    Part {
        fields,
        credentials: Vec::new(),
        grant: Some(quote! {
            ::storage_jobs_runtime::Grant::new(#grant_type, ::std::vec![#(#sent,)* #(#constants),*])
        }),
        doc: format!(
            "an access token it gets, and renews, with the `{grant_type}` grant at `{}`",
            token.operation
        ),
    }
}

/// One alternative made of `parts`, named after them.
fn alternative(names: Vec<String>, parts: Vec<Part>) -> Alternative {
    let variant_name = if names.is_empty() {
        "None".to_string()
    } else {
        names.join("And")
    };
    let docs: Vec<String> = parts.iter().map(|p| p.doc.clone()).collect();
    let doc = if docs.is_empty() {
        "No credentials.".to_string()
    } else {
        format!("Sends {}.", docs.join(" and "))
    };
    let mut found = Alternative {
        variant: Ident::new(&variant_name, Span::call_site()),
        fields: Vec::new(),
        credentials: Vec::new(),
        grant: None,
        doc,
    };
    for part in parts {
        found.fields.extend(part.fields);
        found.credentials.extend(part.credentials);
        found.grant = found.grant.or(part.grant);
    }
    found
}

/// The runtime `Csrf` value for the spec's CSRF arrangement, and the schemes it manages.
fn csrf_tokens(api: &Api) -> (BTreeSet<String>, TokenStream) {
    match &api.csrf {
        Some(csrf) => {
            let (path, method, cookie, header) = (
                &csrf.token_path,
                &csrf.token_operation,
                &csrf.cookie,
                &csrf.header,
            );
            (
                csrf.managed.iter().cloned().collect(),
                quote! {
                    ::std::option::Option::Some(::storage_jobs_runtime::Csrf {
                        token_path: #path,
                        token_operation: #method,
                        cookie: #cookie,
                        header: #header,
                    })
                },
            )
        }
        None => (BTreeSet::new(), quote! { ::std::option::Option::None }),
    }
}

/// The security alternatives callers choose from, without the schemes the client manages:
/// each requirement as given, and for a requirement with the `x-token` scheme, one more per
/// grant that obtains that token.
pub fn alternatives(api: &Api) -> Vec<Alternative> {
    let managed: BTreeSet<String> = api
        .csrf
        .iter()
        .flat_map(|csrf| csrf.managed.iter().cloned())
        .collect();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let none = [Vec::new()];
    let requirements = if api.security.is_empty() {
        &none[..]
    } else {
        &api.security[..]
    };
    for requirement in requirements {
        let schemes: Vec<_> = requirement
            .iter()
            .filter(|scheme| !managed.contains(&scheme.name))
            .collect();
        let names = schemes.iter().map(|s| type_name(&s.name)).collect();
        let parts = schemes.iter().map(|s| static_part(s)).collect();
        let mut candidates = vec![(names, parts)];
        if let Some(token) = api
            .token
            .as_ref()
            .filter(|t| schemes.iter().any(|s| s.name == t.scheme))
        {
            for grant in &token.grants {
                let mut names = Vec::new();
                let mut parts = Vec::new();
                for scheme in &schemes {
                    if scheme.name == token.scheme {
                        names.push(type_name(&grant.grant_type));
                        parts.push(grant_part(token, grant));
                    } else {
                        names.push(type_name(&scheme.name));
                        parts.push(static_part(scheme));
                    }
                }
                candidates.push((names, parts));
            }
        }
        for (names, parts) in candidates {
            let candidate = alternative(names, parts);
            if seen.insert(candidate.variant.to_string()) {
                found.push(candidate);
            }
        }
    }
    found
}

/// The runtime `TokenEndpoint` for the spec's `x-token`, if it has one.
fn token_endpoint(api: &Api) -> TokenStream {
    let Some(token) = &api.token else {
        return quote! { ::std::option::Option::None };
    };
    let (operation, path, form, header, prefix) = (
        &token.operation,
        &token.path,
        token.form,
        &token.header,
        &token.prefix,
    );
    let place = match &token.place {
        crate::token::Place::Base => quote! { ::storage_jobs_runtime::TokenPlace::Base },
        crate::token::Place::Origin => quote! { ::storage_jobs_runtime::TokenPlace::Origin },
        crate::token::Place::Server(url) => {
            quote! { ::storage_jobs_runtime::TokenPlace::Server(#url) }
        }
    };
    let refresh = match token
        .grants
        .iter()
        .find(|g| g.grant_type == "refresh_token")
    {
        Some(grant) => {
            let constants = grant
                .constants
                .iter()
                .map(|(name, value)| quote! { (#name, #value) });
            quote! { ::std::option::Option::Some(&[#(#constants),*]) }
        }
        None => quote! { ::std::option::Option::None },
    };
    quote! {
        ::std::option::Option::Some(::storage_jobs_runtime::TokenEndpoint {
            operation: #operation,
            path: #path,
            place: #place,
            form: #form,
            header: #header,
            prefix: #prefix,
            refresh: #refresh,
        })
    }
}

/// The whole `src/auth.rs`.
pub fn emit(api: &Api) -> syn::File {
    let (_, csrf_tokens) = csrf_tokens(api);
    let alternatives = alternatives(api);
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
        let grant = match &alternative.grant {
            Some(grant) => quote! { ::std::option::Option::Some(#grant) },
            None => quote! { ::std::option::Option::None },
        };
        if alternative.fields.is_empty() {
            quote! { Credentials::#variant => (::std::vec::Vec::new(), #grant) }
        } else {
            quote! { Credentials::#variant { #(#names),* } => (::std::vec![#(#credentials),*], #grant) }
        }
    });
    let token = token_endpoint(api);
    let anonymous = api
        .operations
        .iter()
        .filter(|o| o.anonymous)
        .map(|o| o.name.clone());
    let comma = api.operations.iter().flat_map(|o| {
        o.parameters
            .iter()
            .filter(|p| p.comma_separated && p.location == Location::Query)
            .map(move |p| {
                let (operation, name) = (&o.name, &p.name);
                quote! { (#operation, #name) }
            })
    });
    let accepts = api.operations.iter().filter_map(|o| {
        let (operation, accept) = (&o.name, o.accept()?);
        Some(quote! { (#operation, #accept) })
    });
    let content_types = api.operations.iter().filter_map(|o| {
        let (operation, media) = (&o.name, o.content_type.as_ref()?);
        Some(quote! { (#operation, #media) })
    });
    // Methods HTTP defines as idempotent are retried anyway; a listing (`x-pagination`) only
    // reads, whatever its method (VSP One Object lists with a POST).
    let repeatable = api
        .operations
        .iter()
        .filter(|o| o.pagination.is_some() && !IDEMPOTENT_METHODS.contains(&o.method.as_str()))
        .map(|o| &o.name);
    let tokens = quote! {
        use crate::Client;
        use storage_jobs_runtime::{ConfigError, ConnectionSettings, Session};

        /// The credentials the spec's security requirements accept; choose one variant.
        ///
        /// Secrets are [`storage_jobs_runtime::Secret`]s: they never show in `Debug` output,
        /// error messages or logs.
        #[derive(Clone, Debug)]
        #[non_exhaustive]
        pub enum Credentials {
            #(#variants),*
        }

        impl Credentials {
            /// What the session sends as given, and the grant it gets its token with.
            fn into_parts(self) -> (::std::vec::Vec<::storage_jobs_runtime::Credential>, ::std::option::Option<::storage_jobs_runtime::Grant>) {
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
            token: #token,
            accepts: &[#(#accepts),*],
            content_types: &[#(#content_types),*],
            repeatable_operations: &[#(#repeatable),*],
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
                let (list, grant) = credentials.into_parts();
                let session = Session::new(list, RULES).with_settings(settings).with_grant(grant);
                Ok(Self::new_with_client(&base_url, http, session))
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
    syn::parse2(tokens).expect("auth.rs is valid Rust")
}
