//! The typed operation model: what a generated crate offers, built once from the lowered
//! document. Every emitter and the scaffold read it instead of walking the document again.

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::lower::bodies::{MediaKind, media_kind};
use crate::lower::operations::{SchemeKind, scheme_kind};
use crate::lower::{component_name, operations, resolve};
use crate::rust_names::{Case, progenitor_name, type_ident, type_name};

/// A whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// The first server URL, with its variables' defaults filled in.
    pub base_url: String,
    /// Every operation, in document order.
    pub operations: Vec<Operation>,
    /// The security requirement alternatives, in document order (none: no credentials).
    pub security: Vec<Vec<Scheme>>,
    /// The CSRF arrangement, if a scheme declares one (`x-csrf`).
    pub csrf: Option<Csrf>,
    /// The token arrangement, if a scheme declares one (`x-token`).
    pub token: Option<crate::token::Token>,
}

/// A CSRF arrangement: a `GET` that sets a cookie whose value every other call repeats in a
/// header (checked by `validate.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Csrf {
    /// The schemes the client manages itself: the header scheme and the cookie scheme.
    pub managed: Vec<String>,
    /// The token operation's method name.
    pub token_operation: String,
    /// The token operation's path.
    pub token_path: String,
    /// The cookie that carries the token.
    pub cookie: String,
    /// The header that repeats it.
    pub header: String,
}

/// One operation: a client method, a request builder, a `send`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method name (snake case), also what the hooks see as the operation.
    pub name: String,
    /// The `operationId` as the spec writes it, if it has one.
    pub spec_id: Option<String>,
    /// The lowercase HTTP method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// JSON pointer of the operation.
    pub pointer: String,
    /// The summary, if any.
    pub summary: Option<String>,
    /// Its parameters, after lowering.
    pub parameters: Vec<Parameter>,
    /// Its request body, if any.
    pub body: Option<Body>,
    /// Its documented responses, in document order.
    pub responses: Vec<Response>,
    /// Whether the spec says it needs no credentials (`security: []`).
    pub anonymous: bool,
    /// `x-pagination`, as the spec writes it.
    pub pagination: Option<Value>,
    /// The request body's own media type, when progenitor would send another name.
    pub content_type: Option<String>,
    /// Whether a success upgrades the connection (a `101`, or a Dropshot websocket).
    pub upgrade: bool,
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The name on the wire.
    pub name: String,
    /// The builder method progenitor gives it.
    pub method: String,
    /// Where it goes.
    pub location: Location,
    /// Whether the spec requires it.
    pub required: bool,
    /// Whether it is sent as one comma-separated value.
    pub comma_separated: bool,
    /// Its JSON type (`string`, `integer`, ...), if it has a plain one.
    pub kind: Option<String>,
    /// Whether its schema is an enum.
    pub is_enum: bool,
    /// Its schema's `format`, if any.
    pub format: Option<String>,
    /// A value from the spec's `example`, if it gives one.
    pub example: Option<Value>,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// How it is sent.
    pub kind: MediaKind,
    /// Whether the spec requires it.
    pub required: bool,
    /// The component schema it is, if it is one.
    pub schema: Option<String>,
    /// Whether that schema is an object with properties (typify gives it a builder).
    pub has_builder: bool,
}

/// A documented status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// One status code.
    Code(u16),
    /// A range: `4` for `4XX`.
    Range(u8),
    /// `default`: every status not documented otherwise.
    Default,
}

/// What a documented response carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    /// No body.
    Empty,
    /// JSON of this type.
    Json(TypeRef),
    /// Text.
    Text,
    /// Bytes.
    Binary,
}

/// One documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Its status.
    pub status: Status,
    /// Its body.
    pub payload: Payload,
    /// Its media types as the spec lists them.
    pub media_types: Vec<String>,
    /// Its description.
    pub description: String,
}

/// The Rust type of a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A component schema (a type in the `types` module).
    Named(String),
    /// A list.
    List(Box<TypeRef>),
    /// A map with string keys.
    Map(Box<TypeRef>),
    /// `String`.
    String,
    /// `i64` (or `u64` for unsigned formats).
    Integer(bool),
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// Any JSON value.
    Any,
}

/// One credential a security requirement asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in `components.securitySchemes`.
    pub name: String,
    /// How it is sent.
    pub kind: SchemeKind,
    /// For API keys: the header, query parameter or cookie name.
    pub key_name: String,
    /// For API keys: `header`, `query` or `cookie`.
    pub key_in: String,
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// One payload for every success status.
    Single(Payload),
    /// A different payload per documented success status: an enum per operation.
    Several(Vec<(Status, Payload)>),
    /// A connection upgrade (101).
    Upgrade,
}

impl Status {
    /// Whether a response with this status is a success of the operation, given whether the
    /// operation documents any 2xx.
    pub fn is_success(self, documents_2xx: bool) -> bool {
        match self {
            Status::Code(code) => (200..300).contains(&code),
            Status::Range(range) => range == 2,
            Status::Default => !documents_2xx,
        }
    }

    /// The variant name of this status in an operation's response or error enum.
    pub fn variant(self) -> String {
        match self {
            Status::Code(code) => reqwest_reason(code)
                .map(|reason| progenitor_name(reason, Case::Pascal))
                .unwrap_or_else(|| format!("Status{code}")),
            Status::Range(1) => "Informational".into(),
            Status::Range(2) => "Success".into(),
            Status::Range(3) => "Redirection".into(),
            Status::Range(4) => "ClientError".into(),
            Status::Range(5) => "ServerError".into(),
            Status::Range(other) => format!("Status{other}xx"),
            Status::Default => "Default".into(),
        }
    }

    /// The pattern that matches this status in generated code.
    pub fn pattern(self) -> TokenStream {
        match self {
            Status::Code(code) => quote! { #code },
            Status::Range(range) => {
                let (low, high) = (u16::from(range) * 100, u16::from(range) * 100 + 99);
                quote! { #low..=#high }
            }
            // `default` documents the errors an operation answers with: client and server errors.
            // A redirect or an informational status is no error the spec describes.
            Status::Default => quote! { 400u16..=599u16 },
        }
    }

    /// How the spec writes it.
    pub fn spec_key(self) -> String {
        match self {
            Status::Code(code) => code.to_string(),
            Status::Range(range) => format!("{range}XX"),
            Status::Default => "default".into(),
        }
    }
}

/// The canonical reason phrase of a status code, as `http` knows it.
fn reqwest_reason(code: u16) -> Option<&'static str> {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
}

impl TypeRef {
    /// The Rust type, as generated code names it.
    pub fn tokens(&self) -> TokenStream {
        match self {
            TypeRef::Named(name) => {
                let ident = type_ident(name);
                quote! { types::#ident }
            }
            TypeRef::List(item) => {
                let item = item.tokens();
                quote! { ::std::vec::Vec<#item> }
            }
            TypeRef::Map(value) => {
                let value = value.tokens();
                quote! { ::std::collections::HashMap<::std::string::String, #value> }
            }
            TypeRef::String => quote! { ::std::string::String },
            TypeRef::Integer(false) => quote! { i64 },
            TypeRef::Integer(true) => quote! { u64 },
            TypeRef::Number => quote! { f64 },
            TypeRef::Boolean => quote! { bool },
            TypeRef::Any => quote! { ::serde_json::Value },
        }
    }

    /// The component schema this type is, if it is one.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(name) => Some(name),
            _ => None,
        }
    }
}

/// The Rust type of a JSON body as source text (`types::Job`, `Vec<types::Job>`).
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => format!("types::{}", type_name(name)),
        TypeRef::List(item) => format!("::std::vec::Vec<{}>", type_text(item)),
        TypeRef::Map(value) => format!(
            "::std::collections::HashMap<::std::string::String, {}>",
            type_text(value)
        ),
        TypeRef::String => "::std::string::String".into(),
        TypeRef::Integer(false) => "i64".into(),
        TypeRef::Integer(true) => "u64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Any => "::serde_json::Value".into(),
    }
}

impl Payload {
    /// The Rust type of the payload, or `None` for no body.
    pub fn tokens(&self) -> Option<TokenStream> {
        match self {
            Payload::Empty => None,
            Payload::Json(ty) => Some(ty.tokens()),
            Payload::Text => Some(quote! { ::std::string::String }),
            Payload::Binary => Some(quote! { ByteStream }),
        }
    }
}

impl Operation {
    /// Whether any documented response is a 2xx (then `default` means errors only).
    pub fn documents_2xx(&self) -> bool {
        self.responses
            .iter()
            .any(|r| matches!(r.status, Status::Code(200..=299) | Status::Range(2)))
    }

    /// What a successful call returns.
    pub fn success(&self) -> Success {
        if self.upgrade {
            return Success::Upgrade;
        }
        let documents_2xx = self.documents_2xx();
        let successes: Vec<(Status, Payload)> = self
            .responses
            .iter()
            .filter(|r| r.status.is_success(documents_2xx))
            .map(|r| (r.status, r.payload.clone()))
            .collect();
        match successes.as_slice() {
            // Nothing documented: whatever a 2xx carries is handed over as bytes.
            [] => Success::Single(Payload::Binary),
            [(_, payload), rest @ ..] if rest.iter().all(|(_, p)| p == payload) => {
                Success::Single(payload.clone())
            }
            _ => Success::Several(successes),
        }
    }

    /// The documented error responses: exact statuses first, then ranges, then `default`.
    pub fn errors(&self) -> Vec<&Response> {
        let documents_2xx = self.documents_2xx();
        let mut errors: Vec<&Response> = self
            .responses
            .iter()
            .filter(|r| !r.status.is_success(documents_2xx) && r.status != Status::Code(101))
            .collect();
        errors.sort_by_key(|r| r.status);
        errors
    }

    /// The builder struct progenitor generates for the operation.
    pub fn builder(&self) -> String {
        progenitor_name(&self.name, Case::Pascal)
    }

    /// The name of the operation's error type in the `errors` module.
    pub fn error_type(&self) -> String {
        format!("{}Error", self.builder())
    }

    /// The name of the operation's response enum, when it has several successes.
    pub fn response_type(&self) -> String {
        format!("{}Response", self.builder())
    }

    /// The Accept header its documented answers ask for.
    pub fn accept(&self) -> Option<String> {
        let mut media: Vec<&str> = Vec::new();
        for response in &self.responses {
            for m in &response.media_types {
                if !media.contains(&m.as_str()) && m != "*/*" {
                    media.push(m);
                }
            }
        }
        media.sort_by_key(|m| media_kind(m) != MediaKind::Json);
        (!media.is_empty()).then(|| media.join(", "))
    }

    /// How messages name the operation: its `operationId`, or its method and path.
    pub fn label(&self) -> String {
        self.spec_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method.to_uppercase(), self.path))
    }
}

/// Builds the model from a lowered document.
pub fn build(document: &Value) -> Api {
    let info = &document["info"];
    let text = |v: &Value| v.as_str().map(str::to_string);
    let operations: Vec<Operation> = operations(document)
        .into_iter()
        .filter_map(|(pointer, path, method)| {
            let object = document.pointer(&pointer)?;
            Some(operation(document, object, pointer, path, method))
        })
        .collect();
    let csrf = csrf(document, &operations);
    let token = crate::token::build(document, &operations);
    Api {
        csrf,
        token,
        title: text(&info["title"]).unwrap_or_default(),
        version: text(&info["version"]).unwrap_or_default(),
        description: text(&info["description"]),
        base_url: base_url(document),
        operations,
        security: security(document),
    }
}

fn base_url(document: &Value) -> String {
    let server = &document["servers"][0];
    let mut url = server["url"]
        .as_str()
        .unwrap_or("https://appliance.example.com")
        .to_string();
    for (name, variable) in server["variables"].as_object().into_iter().flatten() {
        url = url.replace(
            &format!("{{{name}}}"),
            variable["default"].as_str().unwrap_or_default(),
        );
    }
    if !url.contains("://") {
        url = format!("https://appliance.example.com{}", url.trim_end_matches('/'));
    }
    url
}

fn csrf(document: &Value, operations: &[Operation]) -> Option<Csrf> {
    let schemes = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)?;
    schemes.iter().find_map(|(name, scheme)| {
        let csrf = scheme.get("x-csrf")?;
        let token_operation = csrf.get("tokenOperation")?.as_str()?;
        let cookie_scheme = csrf.get("cookieScheme")?.as_str()?;
        let operation = operations
            .iter()
            .find(|o| o.spec_id.as_deref() == Some(token_operation) || o.name == token_operation)?;
        Some(Csrf {
            managed: vec![name.clone(), cookie_scheme.to_string()],
            token_operation: operation.name.clone(),
            token_path: operation.path.clone(),
            cookie: schemes
                .get(cookie_scheme)?
                .get("name")?
                .as_str()?
                .to_string(),
            header: scheme.get("name")?.as_str()?.to_string(),
        })
    })
}

fn security(document: &Value) -> Vec<Vec<Scheme>> {
    let schemes = document
        .pointer("/components/securitySchemes")
        .cloned()
        .unwrap_or(Value::Null);
    document
        .get("security")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|requirement| {
            requirement
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(name, _)| {
                    let scheme = schemes.get(name)?;
                    Some(Scheme {
                        name: name.clone(),
                        kind: scheme_kind(scheme)?,
                        key_name: scheme["name"].as_str().unwrap_or_default().to_string(),
                        key_in: scheme["in"].as_str().unwrap_or("header").to_string(),
                    })
                })
                .collect()
        })
        .collect()
}

fn operation(
    document: &Value,
    object: &Value,
    pointer: String,
    path: String,
    method: String,
) -> Operation {
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_string);
    let parameters = object["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| parameter(document, p))
        .collect();
    let body = object
        .get("requestBody")
        .map(|body| request_body(document, body));
    let responses = object["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(status, r)| response(status, r))
        .collect();
    Operation {
        name: text("operationId").unwrap_or_default(),
        spec_id: text("x-operation-id"),
        method,
        path,
        pointer,
        summary: text("summary"),
        parameters,
        body,
        responses,
        anonymous: object
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty),
        pagination: object.get("x-pagination").cloned(),
        content_type: object
            .pointer("/requestBody/x-content-type")
            .and_then(Value::as_str)
            .map(str::to_string),
        upgrade: is_upgrade(object),
    }
}

/// Whether an operation's success upgrades the connection: it documents a `101`, or it is a
/// Dropshot websocket (whose `default` progenitor reads as the `101`).
pub fn is_upgrade(operation: &Value) -> bool {
    operation.pointer("/responses/101").is_some() || operation.get("x-dropshot-websocket").is_some()
}

fn parameter(document: &Value, parameter: &Value) -> Parameter {
    let name = parameter["name"].as_str().unwrap_or_default().to_string();
    let schema = resolve(document, &parameter["schema"]).map_or(&Value::Null, |(_, s)| s);
    Parameter {
        method: progenitor_name(&name, Case::Snake),
        location: match parameter["in"].as_str() {
            Some("path") => Location::Path,
            Some("header") => Location::Header,
            _ => Location::Query,
        },
        required: parameter["required"] == Value::Bool(true),
        comma_separated: parameter["x-comma-separated"] == Value::Bool(true),
        kind: schema["type"].as_str().map(str::to_string),
        is_enum: schema.get("enum").is_some(),
        format: schema["format"].as_str().map(str::to_string),
        example: parameter
            .get("example")
            .or_else(|| schema.get("example"))
            .cloned(),
        name,
    }
}

fn request_body(document: &Value, body: &Value) -> Body {
    let (media, entry) = body["content"]
        .as_object()
        .and_then(|c| c.iter().next())
        .map(|(m, e)| (m.as_str(), e))
        .unwrap_or(("application/json", &Value::Null));
    let schema = entry
        .pointer("/schema/$ref")
        .and_then(Value::as_str)
        .and_then(component_name);
    let has_builder = schema.as_ref().is_some_and(|name| {
        document
            .pointer(&format!(
                "/components/schemas/{}",
                crate::error::escape_token(name)
            ))
            .is_some_and(|s| {
                s.get("properties").is_some_and(Value::is_object)
                    && s.get("oneOf").is_none()
                    && s.get("anyOf").is_none()
            })
    });
    Body {
        kind: media_kind(media),
        required: body["required"] == Value::Bool(true),
        schema,
        has_builder,
    }
}

fn response(status: &str, response: &Value) -> Option<Response> {
    let status = match status {
        "default" => Status::Default,
        _ if status.ends_with("XX") => Status::Range(status[..1].parse().ok()?),
        _ => Status::Code(status.parse().ok()?),
    };
    let content = response["content"].as_object();
    let media_types: Vec<String> = content
        .into_iter()
        .flatten()
        .map(|(m, _)| m.clone())
        .collect();
    let best = content
        .into_iter()
        .flatten()
        .min_by_key(|(m, _)| match media_kind(m) {
            MediaKind::Json => 0,
            MediaKind::Text => 1,
            _ => 2,
        });
    let payload = match best {
        None => Payload::Empty,
        Some((media, entry)) => match media_kind(media) {
            MediaKind::Json => Payload::Json(
                entry
                    .get("schema")
                    .map_or(TypeRef::Any, |schema| type_ref(schema, 0)),
            ),
            MediaKind::Text => Payload::Text,
            _ => Payload::Binary,
        },
    };
    Some(Response {
        status,
        payload,
        media_types,
        description: response["description"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    })
}

/// The Rust type of a schema the lowering left inline or named.
pub fn type_ref(schema: &Value, depth: usize) -> TypeRef {
    if depth > 16 {
        return TypeRef::Any;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(component_name)
    {
        return TypeRef::Named(name);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => TypeRef::String,
        Some("integer") => TypeRef::Integer(matches!(
            schema.get("format").and_then(Value::as_str),
            Some("uint" | "uint8" | "uint16" | "uint32" | "uint64")
        )),
        Some("number") => TypeRef::Number,
        Some("boolean") => TypeRef::Boolean,
        Some("array") => TypeRef::List(Box::new(
            schema
                .get("items")
                .map_or(TypeRef::Any, |items| type_ref(items, depth + 1)),
        )),
        Some("object") => match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) => TypeRef::Map(Box::new(type_ref(values, depth + 1))),
            _ => TypeRef::Any,
        },
        _ => TypeRef::Any,
    }
}

/// The Rust type name typify gives a component schema (re-exported for emitters).
pub fn component_type(name: &str) -> String {
    type_name(name)
}
