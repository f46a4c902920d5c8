//! Refuses, before any lowering, what no lowering can carry: a document without `paths`, and
//! the workspace's own vendor extensions (`x-pagination`, `x-csrf`, `x-token`, `x-error-code`,
//! `x-error-message`) when they do not fit the spec they sit in. Everything else a spec may
//! hold is lowered or dropped with a note; these are the spec author's own promises.

use serde_json::Value;

use crate::access::{array_item_schema, optional_ref};
use crate::error::{Error, Errors, escape_token};
use crate::load::LoadedSpec;
use crate::lower::bodies::{MediaKind, media_kind};
use crate::lower::{component_name, operations, resolve};

/// Runs every check and returns all problems found, in document order.
pub fn validate(spec: &LoadedSpec) -> Result<(), Errors> {
    let mut errors = Vec::new();
    let document = &spec.document;
    match document.get("paths") {
        Some(Value::Object(_)) => {}
        Some(_) => errors.push(spec.error_at(
            "/paths",
            None,
            "`paths` must be a mapping of paths to operations",
        )),
        None => errors.push(spec.error_at(
            "",
            None,
            "missing `paths`: a spec needs at least one operation",
        )),
    }
    for (pointer, _, _) in operations(document) {
        let operation = &document.pointer(&pointer).cloned().unwrap_or_default();
        let id = operation.get("operationId").and_then(Value::as_str);
        if let Some(pagination) = operation.get("x-pagination") {
            let at = format!("{pointer}/x-pagination");
            if let Err(message) = check_pagination(document, operation, pagination) {
                errors.push(spec.error_at(&at, id, message));
            }
        }
    }
    check_select(spec, &mut errors);
    check_csrf(spec, &mut errors);
    crate::token::check(spec, &mut errors);
    check_error_fields(spec, &mut errors);
    errors.sort_by_key(|e| e.location.line_col);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Errors(errors))
    }
}

/// The component schema of the first 2xx JSON body of an operation, if it names one.
fn success_schema(document: &Value, operation: &Value) -> Option<String> {
    operation
        .get("responses")?
        .as_object()?
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, response)| {
            let response = resolve(document, response).ok()?.1;
            response
                .get("content")?
                .as_object()?
                .iter()
                .find(|(media, _)| media_kind(media) == MediaKind::Json)
                .and_then(|(_, entry)| entry.pointer("/schema/$ref")?.as_str())
                .and_then(component_name)
        })
}

fn check_pagination(document: &Value, operation: &Value, pagination: &Value) -> Result<(), String> {
    let text = |key: &str| pagination.get(key).and_then(Value::as_str);
    let required = |key: &str| text(key).ok_or_else(|| format!("x-pagination needs `{key}`"));
    let page = success_schema(document, operation)
        .ok_or("x-pagination needs a 2xx JSON body that refers to a component schema")?;
    let page_schema = document
        .pointer(&format!("/components/schemas/{}", escape_token(&page)))
        .ok_or_else(|| format!("no schema `{page}`"))?;
    let items = required("items")?;
    let (_, items_schema) = optional_ref(document, page_schema, quote::quote!(page), items)?;
    array_item_schema(document, items_schema)
        .ok_or_else(|| format!("`{items}` must be an array of a component schema"))?;
    if items.split('/').count() != 2 {
        return Err(format!(
            "`items` must be a top-level property, not `{items}`"
        ));
    }
    let pointer_resolves = |key: &str| -> Result<(), String> {
        let pointer = required(key)?;
        optional_ref(document, page_schema, quote::quote!(page), pointer).map(|_| ())
    };
    match required("style")? {
        "offset" => {
            let offset = required("offset")?;
            required("limit")?;
            let declared = operation
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| resolve(document, p).ok())
                .any(|(_, p)| p.get("name").and_then(Value::as_str) == Some(offset));
            if !declared {
                return Err(format!(
                    "x-pagination names `{offset}`, which is not a parameter of the operation"
                ));
            }
            if text("total").is_some() {
                pointer_resolves("total")?;
            }
        }
        "body-token" => {
            required("token")?;
            pointer_resolves("next")?;
        }
        "next-link" => pointer_resolves("next")?,
        other => {
            return Err(format!(
                "x-pagination style `{other}` is not one of offset, body-token, next-link"
            ));
        }
    }
    Ok(())
}

/// `x-select` names operations (by operationId or by the name the generator gives them) and
/// tags that exist.
fn check_select(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    let document = &spec.document;
    let Some(select) = document.get("x-select") else {
        return;
    };
    let mut fail = |at: &str, message: String| errors.push(spec.error_at(at, None, message));
    let Some(select) = select.as_object() else {
        fail(
            "/x-select",
            "`x-select` must be a mapping with `operations` and/or `tags`".into(),
        );
        return;
    };
    let operations = operations(document);
    let ids: Vec<Option<String>> = operations
        .iter()
        .map(|(pointer, _, _)| {
            document
                .pointer(&format!("{pointer}/operationId"))
                .and_then(Value::as_str)
                .filter(|id| id.chars().any(char::is_alphabetic))
                .map(str::to_string)
        })
        .collect();
    let requests: Vec<crate::operation_names::Request<'_>> = operations
        .iter()
        .zip(&ids)
        .map(|((_, path, method), id)| crate::operation_names::Request {
            method,
            path,
            operation_id: id.as_deref(),
        })
        .collect();
    let mut known: Vec<String> = crate::operation_names::assign(&requests)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    known.extend(ids.into_iter().flatten());
    let tags: Vec<&str> = operations
        .iter()
        .filter_map(|(pointer, _, _)| document.pointer(&format!("{pointer}/tags")))
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (key, _) in select {
        if !matches!(key.as_str(), "operations" | "tags") {
            fail(
                &format!("/x-select/{}", escape_token(key)),
                format!("`x-select` has no `{key}`: it takes `operations` and `tags`"),
            );
        }
    }
    for (key, valid) in [
        (
            "operations",
            &known.iter().map(String::as_str).collect::<Vec<_>>(),
        ),
        ("tags", &tags),
    ] {
        let Some(list) = select.get(key) else {
            continue;
        };
        let Some(list) = list.as_array() else {
            fail(
                &format!("/x-select/{key}"),
                format!("`x-select.{key}` must be a list of names"),
            );
            continue;
        };
        for (index, name) in list.iter().enumerate() {
            let at = format!("/x-select/{key}/{index}");
            match name.as_str() {
                Some(name) if valid.contains(&name) => {}
                Some(name) => fail(
                    &at,
                    format!(
                        "`x-select` names {} `{name}`, which the spec does not have",
                        &key[..key.len() - 1]
                    ),
                ),
                None => fail(&at, format!("`x-select.{key}` must hold names")),
            }
        }
    }
}

fn check_csrf(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    let document = &spec.document;
    let Some(schemes) = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return;
    };
    for (name, scheme) in schemes {
        let Some(csrf) = scheme.get("x-csrf") else {
            continue;
        };
        let at = format!("/components/securitySchemes/{}/x-csrf", escape_token(name));
        let mut fail = |message: String| errors.push(spec.error_at(&at, None, message));
        let Some(token_operation) = csrf.get("tokenOperation").and_then(Value::as_str) else {
            fail("x-csrf needs `tokenOperation`".into());
            continue;
        };
        let Some(cookie_scheme) = csrf.get("cookieScheme").and_then(Value::as_str) else {
            fail("x-csrf needs `cookieScheme`".into());
            continue;
        };
        let found = operations(document)
            .into_iter()
            .any(|(pointer, _, method)| {
                method == "get"
                    && document
                        .pointer(&format!("{pointer}/operationId"))
                        .and_then(Value::as_str)
                        == Some(token_operation)
            });
        if !found {
            fail(format!("x-csrf: no GET operation `{token_operation}`"));
        }
        let cookie = schemes
            .get(cookie_scheme)
            .filter(|s| s["type"] == "apiKey" && s["in"] == "cookie" && s["name"].is_string());
        if cookie.is_none() {
            fail(format!(
                "x-csrf: `{cookie_scheme}` is not an apiKey cookie scheme"
            ));
        }
        if !(scheme["type"] == "apiKey" && scheme["in"] == "header" && scheme["name"].is_string()) {
            fail("x-csrf belongs on an apiKey header scheme".into());
        }
    }
}

fn check_error_fields(spec: &LoadedSpec, errors: &mut Vec<Error>) {
    let document = &spec.document;
    for (name, schema) in document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for key in ["x-error-code", "x-error-message"] {
            let Some(pointer) = schema.get(key) else {
                continue;
            };
            let at = format!("/components/schemas/{}/{key}", escape_token(name));
            let Some(pointer) = pointer.as_str() else {
                errors.push(spec.error_at(&at, None, format!("{key} must be a JSON pointer")));
                continue;
            };
            match optional_ref(document, schema, quote::quote!(self), pointer) {
                Ok((_, leaf)) => {
                    let leaf = resolve(document, leaf).map_or(leaf, |(_, l)| l);
                    if !matches!(
                        leaf.get("type").and_then(Value::as_str),
                        Some("string" | "integer" | "number")
                    ) {
                        errors.push(spec.error_at(
                            &at,
                            None,
                            format!("{key} `{pointer}` must point at a string or number"),
                        ));
                    }
                }
                Err(message) => errors.push(spec.error_at(&at, None, message)),
            }
        }
    }
}
