//! The `x-token` vendor extension: a security scheme whose token the clients obtain and renew
//! themselves at one of the spec's operations, with the grants a caller may choose. Read into
//! the model here, and checked here before any lowering.
//!
//! ```yaml
//! bearerAuth:
//!   type: http
//!   scheme: bearer
//!   x-token:
//!     operation: createToken        # operationId of a POST taking the grant as its body
//!     at: origin                    # optional: base (default) or origin of the base URL
//!     prefix: "Bearer "             # optional: before the token in the header
//!     grants:
//!       password: {fields: [username, password]}
//!       refresh_token: {fields: [refresh_token], constants: {client_id: abc}}
//! ```
//!
//! A field is secret when the request body's property says `format: password`. An operation
//! with a `servers` entry of its own (an absolute URL) is reached there.

use serde_json::Value;

use crate::error::{Error, escape_token};
use crate::load::LoadedSpec;
use crate::lower::{operations, resolve};
use crate::model::Operation;

/// Where the token operation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// Under the base URL.
    Base,
    /// On the base URL's host, outside its path.
    Origin,
    /// On its own server.
    Server(String),
}

/// One grant a caller may choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The `grant_type` value, for example `password`.
    pub grant_type: String,
    /// The fields the caller fills in: name, and whether it is secret.
    pub fields: Vec<(String, bool)>,
    /// Fields the spec fixes: name and value.
    pub constants: Vec<(String, String)>,
}

/// The token arrangement of an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The security scheme whose token is obtained.
    pub scheme: String,
    /// The token operation's method name.
    pub operation: String,
    /// Its path.
    pub path: String,
    /// Where that path is.
    pub place: Place,
    /// Whether the grant is sent as a form (else as JSON).
    pub form: bool,
    /// The header that carries the token.
    pub header: String,
    /// What precedes the token in it.
    pub prefix: String,
    /// The grants, in the spec's order.
    pub grants: Vec<Grant>,
}

const FORM: &str = "application/x-www-form-urlencoded";

/// The request body schema's properties of the operation at `pointer`, resolved.
fn body_properties(document: &Value, operation: &Value) -> Option<serde_json::Map<String, Value>> {
    let body = resolve(document, operation.get("requestBody")?).ok()?.1;
    let content = body.get("content")?.as_object()?;
    let media = content
        .get(FORM)
        .or_else(|| content.get("application/json"))?;
    let schema = resolve(document, media.get("schema")?).ok()?.1;
    let properties = schema.get("properties")?.as_object()?;
    Some(
        properties
            .iter()
            .map(|(name, property)| {
                let property = resolve(document, property)
                    .map(|(_, p)| p.clone())
                    .unwrap_or(Value::Null);
                (name.clone(), property)
            })
            .collect(),
    )
}

fn operation_by_id<'d>(document: &'d Value, id: &str) -> Option<(String, &'d Value, String)> {
    operations(document)
        .into_iter()
        .find_map(|(pointer, _, method)| {
            let operation = document.pointer(&pointer)?;
            (operation.get("operationId").and_then(Value::as_str) == Some(id))
                .then_some((pointer, operation, method))
        })
}

/// The model's token arrangement, from a document that passed [`check`].
pub fn build(document: &Value, operations: &[Operation]) -> Option<Token> {
    let schemes = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)?;
    let (scheme_name, scheme, extension) = schemes
        .iter()
        .find_map(|(name, scheme)| Some((name, scheme, scheme.get("x-token")?)))?;
    let id = extension.get("operation")?.as_str()?;
    let operation = operations
        .iter()
        .find(|o| o.spec_id.as_deref() == Some(id) || o.name == id)?;
    let object = document.pointer(&operation.pointer)?;
    let properties = body_properties(document, object).unwrap_or_default();
    let form = resolve(document, object.get("requestBody")?)
        .ok()
        .and_then(|(_, body)| Some(body.get("content")?.as_object()?.contains_key(FORM)))
        .unwrap_or(false);
    let server = object
        .pointer("/servers/0/url")
        .and_then(Value::as_str)
        .filter(|url| url.contains("://") && !url.contains('{'));
    let place = match (server, extension.get("at").and_then(Value::as_str)) {
        (Some(url), _) => Place::Server(url.trim_end_matches('/').to_string()),
        (None, Some("origin")) => Place::Origin,
        _ => Place::Base,
    };
    let bearer = scheme.get("type").and_then(Value::as_str) != Some("apiKey");
    let header = if bearer {
        "Authorization".to_string()
    } else {
        scheme.get("name")?.as_str()?.to_string()
    };
    let prefix = extension
        .get("prefix")
        .and_then(Value::as_str)
        .unwrap_or(if bearer { "Bearer " } else { "" })
        .to_string();
    let grants = extension
        .get("grants")?
        .as_object()?
        .iter()
        .map(|(grant_type, grant)| Grant {
            grant_type: grant_type.clone(),
            fields: strings(grant.get("fields"))
                .into_iter()
                .map(|field| {
                    let secret = properties
                        .get(&field)
                        .and_then(|p| p.get("format"))
                        .and_then(Value::as_str)
                        == Some("password");
                    (field, secret)
                })
                .collect(),
            constants: grant
                .get("constants")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_string())))
                .collect(),
        })
        .collect();
    Some(Token {
        scheme: scheme_name.clone(),
        operation: operation.name.clone(),
        path: operation.path.clone(),
        place,
        form,
        header,
        prefix,
        grants,
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// Checks every `x-token`: its operation is a `POST` of the spec taking a form or JSON body,
/// each grant names fields that body has, and at most one scheme declares one.
pub fn check(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    let document = &spec.document;
    let Some(schemes) = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return;
    };
    let mut seen = 0;
    for (name, scheme) in schemes {
        let Some(extension) = scheme.get("x-token") else {
            continue;
        };
        let at = format!("/components/securitySchemes/{}/x-token", escape_token(name));
        let mut fail = |message: String| errors.push(spec.error_at(&at, None, message));
        seen += 1;
        if seen > 1 {
            fail("only one security scheme may declare x-token".into());
            continue;
        }
        let kind = scheme.get("type").and_then(Value::as_str);
        let sendable = match kind {
            Some("http") => scheme
                .get("scheme")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("bearer")),
            Some("oauth2" | "openIdConnect") => true,
            Some("apiKey") => scheme.get("in").and_then(Value::as_str) == Some("header"),
            _ => false,
        };
        if !sendable {
            fail(
                "x-token belongs on a bearer, OAuth 2, OpenID Connect or header apiKey scheme"
                    .into(),
            );
        }
        let Some(id) = extension.get("operation").and_then(Value::as_str) else {
            fail("x-token needs `operation`, the operationId of the token operation".into());
            continue;
        };
        let Some((_, operation, method)) = operation_by_id(document, id) else {
            fail(format!("x-token: the spec has no operation `{id}`"));
            continue;
        };
        if method != "post" {
            fail(format!(
                "x-token: `{id}` must be a POST, not {}",
                method.to_uppercase()
            ));
            continue;
        }
        let Some(properties) = body_properties(document, operation) else {
            fail(format!(
                "x-token: `{id}` needs an {FORM} or application/json request body with properties"
            ));
            continue;
        };
        match extension.get("at").map(|v| v.as_str()) {
            None | Some(Some("base" | "origin")) => {}
            _ => fail("x-token: `at` is `base` or `origin`".into()),
        }
        if extension.get("prefix").is_some_and(|p| !p.is_string()) {
            fail("x-token: `prefix` must be text".into());
        }
        let Some(grants) = extension
            .get("grants")
            .and_then(Value::as_object)
            .filter(|g| !g.is_empty())
        else {
            fail("x-token needs `grants`, a mapping of grant types to their fields".into());
            continue;
        };
        for (grant_type, grant) in grants {
            let fields = grant.get("fields").and_then(Value::as_array);
            let Some(fields) = fields.filter(|f| f.iter().all(Value::is_string)) else {
                fail(format!(
                    "x-token: grant `{grant_type}` needs `fields`, a list of names"
                ));
                continue;
            };
            let constants = grant.get("constants").map(|c| c.as_object());
            if let Some(None) = constants {
                fail(format!(
                    "x-token: `constants` of grant `{grant_type}` must be a mapping"
                ));
            }
            let named = fields.iter().filter_map(Value::as_str).chain(
                constants
                    .flatten()
                    .into_iter()
                    .flat_map(|c| c.keys().map(String::as_str)),
            );
            for field in named {
                if !properties.contains_key(field) {
                    fail(format!(
                        "x-token: grant `{grant_type}` sends `{field}`, which the body of `{id}` does not have"
                    ));
                }
                if field == "grant_type" {
                    fail(format!(
                        "x-token: grant `{grant_type}` may not list `grant_type` itself"
                    ));
                }
            }
            if let Some(bad) = constants
                .flatten()
                .and_then(|c| c.iter().find(|(_, v)| !v.is_string()))
            {
                fail(format!(
                    "x-token: constant `{}` of grant `{grant_type}` must be text",
                    bad.0
                ));
            }
        }
    }
}
