//! Renders a spec as a short inventory (servers, security, operations, parameters, responses,
//! schemas and their fields with types), so a spec change reads as a small snapshot diff.

use serde_json::{Map, Value};
use std::fmt::Write;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The inventory of one spec, one fact per line.
pub fn render(spec: &Value) -> String {
    let mut out = String::new();
    let info = &spec["info"];
    let _ = writeln!(out, "openapi {}", text(&spec["openapi"]));
    let _ = writeln!(
        out,
        "info {:?} version {}",
        text(&info["title"]),
        text(&info["version"])
    );
    for server in array(&spec["servers"]) {
        let variables = object(&server["variables"])
            .map(|(name, var)| format!("{name}={}", text(&var["default"])))
            .collect::<Vec<_>>();
        let _ = writeln!(
            out,
            "server {} ({})",
            text(&server["url"]),
            variables.join(", ")
        );
    }
    let _ = writeln!(out, "security {}", security(&spec["security"]));
    for (name, scheme) in object(&spec["components"]["securitySchemes"]) {
        let how = match text(&scheme["type"]).as_str() {
            "apiKey" => format!(
                "apiKey in {} {}",
                text(&scheme["in"]),
                text(&scheme["name"])
            ),
            "http" => format!("http {}", text(&scheme["scheme"])),
            other => other.to_string(),
        };
        let _ = writeln!(out, "scheme {name}: {how}");
    }
    for (path, item) in object(&spec["paths"]) {
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            operation_lines(&mut out, path, method, item, operation);
        }
    }
    for (name, schema) in object(&spec["components"]["schemas"]) {
        let _ = writeln!(out, "\nschema {name}: {}", type_of(schema));
        fields(&mut out, schema, 1);
    }
    out
}

fn operation_lines(out: &mut String, path: &str, method: &str, item: &Value, operation: &Value) {
    let _ = writeln!(
        out,
        "\n{} {path} {}",
        method.to_uppercase(),
        text(&operation["operationId"])
    );
    if let Some(security_override) = operation.get("security") {
        let _ = writeln!(out, "  security {}", security(security_override));
    }
    let parameters = array(&item["parameters"]).chain(array(&operation["parameters"]));
    for parameter in parameters {
        let mut line = format!(
            "  param {} {}: {}",
            text(&parameter["in"]),
            text(&parameter["name"]),
            type_of(&parameter["schema"])
        );
        if parameter["required"] == Value::Bool(true) {
            line.push_str(", required");
        }
        if let Some(style) = parameter.get("style") {
            let _ = write!(line, ", style {}", text(style));
        }
        if let Some(explode) = parameter.get("explode") {
            let _ = write!(line, ", explode {explode}");
        }
        let _ = writeln!(out, "{line}");
    }
    if let Some(body) = operation.get("requestBody") {
        for (media, content) in object(&body["content"]) {
            let required = if body["required"] == Value::Bool(true) {
                ", required"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  body {media}: {}{required}",
                type_of(&content["schema"])
            );
        }
    }
    for (status, response) in object(&operation["responses"]) {
        let contents = object(&response["content"]).collect::<Vec<_>>();
        if contents.is_empty() {
            let _ = writeln!(out, "  response {status}: no body");
        }
        for (media, content) in contents {
            let _ = writeln!(
                out,
                "  response {status} {media}: {}",
                type_of(&content["schema"])
            );
        }
        for (header, spec) in object(&response["headers"]) {
            let _ = writeln!(
                out,
                "  response {status} header {header}: {}",
                type_of(&spec["schema"])
            );
        }
    }
}

/// One line per field of an object schema, nested objects indented below their field.
fn fields(out: &mut String, schema: &Value, depth: usize) {
    let required = array(&schema["required"])
        .filter_map(Value::as_str)
        .collect::<Vec<_>>();
    for (name, field) in object(&schema["properties"]) {
        let mark = if required.contains(&name.as_str()) {
            ", required"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{}{name}: {}{mark}",
            "  ".repeat(depth),
            type_of(field)
        );
        if field.get("properties").is_some() {
            fields(out, field, depth + 1);
        }
    }
}

/// A compact type: `$ref` names, formats, enums, bounds, defaults, item and map value types.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    let mut kind = match schema.get("type").and_then(Value::as_str) {
        Some("array") => format!("array<{}>", type_of(&schema["items"])),
        Some("object") => match schema.get("additionalProperties") {
            Some(values @ Value::Object(_)) => format!("map<string, {}>", type_of(values)),
            _ => "object".to_string(),
        },
        Some(other) => other.to_string(),
        None => "any".to_string(),
    };
    if let Some(format) = schema.get("format") {
        let _ = write!(kind, "({})", text(format));
    }
    if let Some(values) = schema.get("enum") {
        let values = array(values).map(text).collect::<Vec<_>>();
        let _ = write!(kind, " enum [{}]", values.join(", "));
    }
    for bound in ["minimum", "maximum"] {
        if let Some(limit) = schema.get(bound) {
            let _ = write!(kind, " {bound} {limit}");
        }
    }
    if let Some(default) = schema.get("default") {
        let _ = write!(kind, " default {default}");
    }
    kind
}

fn security(requirements: &Value) -> String {
    let alternatives = array(requirements)
        .map(|requirement| {
            let schemes = object(requirement)
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>();
            if schemes.is_empty() {
                "(none)".to_string()
            } else {
                schemes.join(" + ")
            }
        })
        .collect::<Vec<_>>();
    if alternatives.is_empty() {
        "(none)".to_string()
    } else {
        alternatives.join(" | ")
    }
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn array(value: &Value) -> impl Iterator<Item = &Value> {
    value.as_array().into_iter().flatten()
}

fn object(value: &Value) -> impl Iterator<Item = (&String, &Value)> {
    value.as_object().into_iter().flat_map(Map::iter)
}
