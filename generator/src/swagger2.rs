//! Converts a Swagger 2.0 document to OpenAPI 3.0.3 in memory, the way `swagger2openapi` does
//! for what a client needs: servers from `host`/`basePath`/`schemes`, `consumes` and `produces`
//! into media types, `body` and `formData` parameters into request bodies, `collectionFormat`
//! into `style`/`explode`, `definitions`, `parameters`, `responses` and `securityDefinitions`
//! into `components`, `x-nullable` into `nullable`. Every converted node records where it came
//! from, so messages about it point into the file as written.

use serde_json::{Map, Value, json};

use crate::error::{Error, Note, escape_token};
use crate::load::{LoadedSpec, Origins};
use crate::walk::METHODS;

/// Keys of a 2.0 non-body parameter that describe its value; in 3.0 they move into `schema`.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

/// The converted document and where its nodes came from.
pub fn convert(spec: &LoadedSpec, notes: &mut Vec<Note>) -> Result<(Value, Origins), Error> {
    let mut converter = Converter {
        spec,
        notes,
        origins: Origins::default(),
        root: spec.document.as_object().cloned().unwrap_or_default(),
    };
    let document = converter.document()?;
    Ok((document, converter.origins))
}

struct Converter<'a> {
    spec: &'a LoadedSpec,
    notes: &'a mut Vec<Note>,
    origins: Origins,
    root: Map<String, Value>,
}

impl Converter<'_> {
    fn document(&mut self) -> Result<Value, Error> {
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        self.origins.record("/openapi", "/swagger");
        for key in ["info", "externalDocs"] {
            if let Some(value) = self.root.get(key) {
                out.insert(key.into(), value.clone());
            }
        }
        if let Some(servers) = self.servers() {
            out.insert("servers".into(), servers);
        }
        if let Some(tags) = self.root.get("tags") {
            out.insert("tags".into(), tags.clone());
        }
        let consumes = media_types(self.root.get("consumes"));
        let produces = media_types(self.root.get("produces"));
        let mut paths = Map::new();
        let mut extra_bodies = Map::new();
        if let Some(items) = self.root.get("paths").cloned() {
            let Some(items) = items.as_object() else {
                return Err(self
                    .spec
                    .error_at("/paths", None, "`paths` must be a mapping"));
            };
            for (path, item) in items {
                let at = format!("/paths/{}", escape_token(path));
                if path.starts_with("x-") {
                    paths.insert(path.clone(), item.clone());
                    continue;
                }
                paths.insert(
                    path.clone(),
                    self.path_item(&at, item, &consumes, &produces, &mut extra_bodies)?,
                );
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        let components = self.components(&consumes, &produces, extra_bodies)?;
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        if let Some(security) = self.root.get("security") {
            out.insert("security".into(), security.clone());
        }
        for (key, value) in &self.root {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(out))
    }

    /// `schemes://host/basePath`, one server per scheme (https first).
    fn servers(&mut self) -> Option<Value> {
        let host = self.root.get("host").and_then(Value::as_str);
        let base_path = self
            .root
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_end_matches('/');
        let mut schemes: Vec<&str> = self
            .root
            .get("schemes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|s| matches!(*s, "http" | "https"))
            .collect();
        schemes.sort_by_key(|s| *s != "https");
        let servers: Vec<Value> = match host {
            Some(host) => {
                if schemes.is_empty() {
                    schemes.push("https");
                }
                schemes
                    .iter()
                    .map(|scheme| json!({ "url": format!("{scheme}://{host}{base_path}") }))
                    .collect()
            }
            None if !base_path.is_empty() => vec![json!({ "url": base_path })],
            None => return None,
        };
        Some(Value::Array(servers))
    }

    fn path_item(
        &mut self,
        at: &str,
        item: &Value,
        consumes: &[String],
        produces: &[String],
        extra_bodies: &mut Map<String, Value>,
    ) -> Result<Value, Error> {
        let Some(item) = item.as_object() else {
            return Ok(item.clone());
        };
        let mut out = Map::new();
        let shared: Vec<Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let op_at = format!("{at}/{key}");
                out.insert(
                    key.clone(),
                    self.operation(&op_at, value, &shared, at, consumes, produces, extra_bodies)?,
                );
            } else if key == "parameters" {
                // Body and form parameters shared by a path's operations move into each
                // operation's request body; the others stay shared.
                let kept = self.plain_parameters(&format!("{at}/parameters"), &shared)?;
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Array(kept));
                }
            } else {
                out.insert(key.clone(), value.clone());
            }
        }
        Ok(Value::Object(out))
    }

    /// The non-body, non-form parameters of a list, converted, with their origins recorded.
    fn plain_parameters(&mut self, at: &str, parameters: &[Value]) -> Result<Vec<Value>, Error> {
        let mut kept = Vec::new();
        for (index, parameter) in parameters.iter().enumerate() {
            let original = format!("{at}/{index}");
            let resolved = self.resolve_parameter(parameter);
            if matches!(
                resolved.get("in").and_then(Value::as_str),
                Some("body" | "formData")
            ) {
                continue;
            }
            let converted = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => json!({ "$ref": convert_ref(reference) }),
                None => self.parameter(&original, parameter)?,
            };
            let new_at = format!("{at}/{}", kept.len());
            self.origins.record(format!("{new_at}/schema"), &original);
            self.origins.record(new_at, original);
            kept.push(converted);
        }
        Ok(kept)
    }

    fn resolve_parameter(&self, parameter: &Value) -> Value {
        match parameter.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|pointer| self.spec.document.pointer(pointer))
                .cloned()
                .unwrap_or(Value::Null),
            None => parameter.clone(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        at: &str,
        operation: &Value,
        shared: &[Value],
        item_at: &str,
        consumes: &[String],
        produces: &[String],
        extra_bodies: &mut Map<String, Value>,
    ) -> Result<Value, Error> {
        let Some(operation) = operation.as_object() else {
            return Ok(operation.clone());
        };
        let consumes = operation
            .get("consumes")
            .map(|c| media_types(Some(c)))
            .unwrap_or_else(|| consumes.to_vec());
        let produces = operation
            .get("produces")
            .map(|p| media_types(Some(p)))
            .unwrap_or_else(|| produces.to_vec());
        let own: Vec<Value> = operation
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut out = Map::new();
        for (key, value) in operation {
            match key.as_str() {
                "consumes" | "produces" | "parameters" | "responses" | "schemes" => {}
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let parameters = self.plain_parameters(&format!("{at}/parameters"), &own)?;
        if !parameters.is_empty() {
            out.insert("parameters".into(), Value::Array(parameters));
        }
        // Body and form parameters: the operation's own, then the path's not overridden.
        let mut body_sources: Vec<(String, Value)> = own
            .iter()
            .enumerate()
            .map(|(index, p)| (format!("{at}/parameters/{index}"), p.clone()))
            .collect();
        for (index, parameter) in shared.iter().enumerate() {
            let resolved = self.resolve_parameter(parameter);
            let overridden = own.iter().any(|p| {
                let p = self.resolve_parameter(p);
                p.get("name") == resolved.get("name") && p.get("in") == resolved.get("in")
            });
            if !overridden {
                body_sources.push((format!("{item_at}/parameters/{index}"), parameter.clone()));
            }
        }
        if let Some(body) = self.request_body(at, &body_sources, &consumes, extra_bodies)? {
            out.insert("requestBody".into(), body);
        }
        if let Some(responses) = operation.get("responses") {
            out.insert(
                "responses".into(),
                self.responses(&format!("{at}/responses"), responses, &produces)?,
            );
        }
        Ok(Value::Object(out))
    }

    /// The request body made of a `body` parameter or of `formData` parameters, if any.
    fn request_body(
        &mut self,
        at: &str,
        sources: &[(String, Value)],
        consumes: &[String],
        extra_bodies: &mut Map<String, Value>,
    ) -> Result<Option<Value>, Error> {
        let body_at = format!("{at}/requestBody");
        let mut form = Map::new();
        let mut required = Vec::new();
        let mut has_file = false;
        let mut first_form = None;
        for (original, parameter) in sources {
            let reference = parameter.get("$ref").and_then(Value::as_str);
            let resolved = self.resolve_parameter(parameter);
            match resolved.get("in").and_then(Value::as_str) {
                Some("body") => {
                    // A shared body parameter by reference becomes a shared request body.
                    if let Some(reference) = reference
                        && let Some(name) = reference.strip_prefix("#/parameters/")
                    {
                        extra_bodies.insert(name.to_string(), Value::Null);
                        self.origins.record(&body_at, original);
                        return Ok(Some(
                            json!({ "$ref": format!("#/components/requestBodies/{name}") }),
                        ));
                    }
                    let body = self.body_parameter(&body_at, original, &resolved, consumes)?;
                    return Ok(Some(body));
                }
                Some("formData") => {
                    let name = resolved
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    has_file |= resolved.get("type").and_then(Value::as_str) == Some("file");
                    if resolved.get("required") == Some(&Value::Bool(true)) {
                        required.push(Value::String(name.clone()));
                    }
                    let mut schema = self.value_schema(&resolved);
                    if let Some(description) = resolved.get("description") {
                        schema.insert("description".into(), description.clone());
                    }
                    self.origins.record(
                        format!(
                            "{body_at}/content/{{form}}/schema/properties/{}",
                            escape_token(&name)
                        ),
                        original,
                    );
                    first_form.get_or_insert_with(|| original.clone());
                    form.insert(name, Value::Object(schema));
                }
                _ => {}
            }
        }
        let Some(first_form) = first_form else {
            return Ok(None);
        };
        let media = if has_file
            || consumes
                .iter()
                .any(|c| c.starts_with("multipart/form-data"))
        {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        let mut schema = json!({ "type": "object", "properties": form });
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        // The form's fields were recorded under a placeholder media type; now it is known.
        let placeholder = format!("{body_at}/content/{{form}}/schema/properties/");
        let media_at = format!("{body_at}/content/{}", escape_token(media));
        let recorded: Vec<(String, String)> = self
            .origins
            .take_prefixed(&placeholder)
            .into_iter()
            .map(|(converted, original)| {
                (
                    converted.replacen(&placeholder, &format!("{media_at}/schema/properties/"), 1),
                    original,
                )
            })
            .collect();
        for (converted, original) in recorded {
            self.origins.record(converted, original);
        }
        self.origins.record(&body_at, first_form);
        let mut body = json!({ "content": { media: { "schema": schema } } });
        if !required.is_empty() {
            body["required"] = Value::Bool(true);
        }
        Ok(Some(body))
    }

    fn body_parameter(
        &mut self,
        body_at: &str,
        original: &str,
        parameter: &Value,
        consumes: &[String],
    ) -> Result<Value, Error> {
        let Some(schema) = parameter.get("schema") else {
            return Err(self
                .spec
                .error_at(original, None, "a body parameter needs a `schema`"));
        };
        let schema = convert_schema(schema);
        let mut content = Map::new();
        let media_types = if consumes.is_empty() {
            vec!["application/json".to_string()]
        } else {
            consumes.to_vec()
        };
        for media in &media_types {
            let media_at = format!("{body_at}/content/{}", escape_token(media));
            self.origins
                .record(format!("{media_at}/schema"), format!("{original}/schema"));
            self.origins.record(media_at, original);
            content.insert(media.clone(), json!({ "schema": schema }));
        }
        self.origins.record(body_at, original);
        let mut body = json!({ "content": content });
        for key in ["description", "x-examples"] {
            if let Some(value) = parameter.get(key) {
                body[key] = value.clone();
            }
        }
        if parameter.get("required") == Some(&Value::Bool(true)) {
            body["required"] = Value::Bool(true);
        }
        Ok(body)
    }

    /// A 2.0 non-body parameter in 3.0 form: its value keys under `schema`, `collectionFormat`
    /// as `style` and `explode`.
    fn parameter(&mut self, at: &str, parameter: &Value) -> Result<Value, Error> {
        let Some(object) = parameter.as_object() else {
            return Err(self
                .spec
                .error_at(at, None, "a parameter must be a mapping"));
        };
        let location = object.get("in").and_then(Value::as_str).unwrap_or_default();
        let mut out = Map::new();
        for (key, value) in object {
            if SCHEMA_KEYS.contains(&key.as_str()) || key == "collectionFormat" {
                continue;
            }
            out.insert(key.clone(), value.clone());
        }
        let schema = self.value_schema(parameter);
        if object.get("type").and_then(Value::as_str) == Some("array") {
            let format = object
                .get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv");
            let (style, explode) = match (format, location) {
                ("multi", _) => ("form", true),
                ("ssv", "query") => ("spaceDelimited", false),
                ("pipes", "query") => ("pipeDelimited", false),
                ("csv", "query") => ("form", false),
                (_, "query") => {
                    self.notes.push(self.spec.note_at(
                        at,
                        None,
                        format!("collectionFormat {format} has no OpenAPI 3 form; the list is sent comma-separated"),
                    ));
                    ("form", false)
                }
                _ => ("simple", false),
            };
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        out.insert("schema".into(), Value::Object(schema));
        Ok(Value::Object(out))
    }

    /// The schema of a non-body 2.0 parameter (or form field).
    fn value_schema(&self, parameter: &Value) -> Map<String, Value> {
        let mut schema = Map::new();
        for key in SCHEMA_KEYS {
            if let Some(value) = parameter.get(key) {
                schema.insert(key.to_string(), value.clone());
            }
        }
        match convert_schema(&Value::Object(schema)) {
            Value::Object(schema) => schema,
            _ => Map::new(),
        }
    }

    fn responses(
        &mut self,
        at: &str,
        responses: &Value,
        produces: &[String],
    ) -> Result<Value, Error> {
        let Some(responses) = responses.as_object() else {
            return Ok(responses.clone());
        };
        let mut out = Map::new();
        for (status, response) in responses {
            let status_at = format!("{at}/{}", escape_token(status));
            out.insert(
                status.clone(),
                self.response(&status_at, response, produces),
            );
        }
        Ok(Value::Object(out))
    }

    fn response(&mut self, at: &str, response: &Value, produces: &[String]) -> Value {
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            return json!({ "$ref": convert_ref(reference) });
        }
        let Some(object) = response.as_object() else {
            return response.clone();
        };
        let mut out = Map::new();
        out.insert(
            "description".into(),
            object.get("description").cloned().unwrap_or(json!("")),
        );
        if let Some(schema) = object.get("schema") {
            let media_types = if produces.is_empty() {
                vec!["application/json".to_string()]
            } else {
                produces.to_vec()
            };
            let examples = object.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for media in media_types {
                let media_at = format!("{at}/content/{}", escape_token(&media));
                self.origins
                    .record(format!("{media_at}/schema"), format!("{at}/schema"));
                let mut entry = json!({ "schema": convert_schema(schema) });
                if let Some(example) = examples.and_then(|e| e.get(&media)) {
                    entry["example"] = example.clone();
                }
                content.insert(media, entry);
            }
            out.insert("content".into(), Value::Object(content));
        }
        if let Some(Value::Object(headers)) = object.get("headers") {
            let converted: Map<String, Value> = headers
                .iter()
                .map(|(name, header)| {
                    let mut out = Map::new();
                    if let Some(description) = header.get("description") {
                        out.insert("description".into(), description.clone());
                    }
                    out.insert("schema".into(), Value::Object(self.value_schema(header)));
                    (name.clone(), Value::Object(out))
                })
                .collect();
            out.insert("headers".into(), Value::Object(converted));
        }
        for (key, value) in object {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    fn components(
        &mut self,
        consumes: &[String],
        produces: &[String],
        extra_bodies: Map<String, Value>,
    ) -> Result<Map<String, Value>, Error> {
        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = self.root.get("definitions") {
            let schemas: Map<String, Value> = definitions
                .iter()
                .map(|(name, schema)| (name.clone(), convert_schema(schema)))
                .collect();
            components.insert("schemas".into(), Value::Object(schemas));
            self.origins.record("/components/schemas", "/definitions");
        }
        if let Some(Value::Object(parameters)) = self.root.get("parameters").cloned() {
            let mut plain = Map::new();
            let mut bodies = Map::new();
            for (name, parameter) in &parameters {
                let at = format!("/parameters/{}", escape_token(name));
                match parameter.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let body_at = format!("/components/requestBodies/{}", escape_token(name));
                        bodies.insert(
                            name.clone(),
                            self.body_parameter(&body_at, &at, parameter, consumes)?,
                        );
                    }
                    // Form fields are inlined into each operation that uses them.
                    Some("formData") => {}
                    _ => {
                        plain.insert(name.clone(), self.parameter(&at, parameter)?);
                        let converted = format!("/components/parameters/{}", escape_token(name));
                        self.origins.record(format!("{converted}/schema"), &at);
                        self.origins.record(converted, at);
                    }
                }
            }
            bodies.retain(|name, _| extra_bodies.contains_key(name));
            if !plain.is_empty() {
                components.insert("parameters".into(), Value::Object(plain));
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = self.root.get("responses").cloned() {
            let converted: Map<String, Value> = responses
                .iter()
                .map(|(name, response)| {
                    let at = format!("/responses/{}", escape_token(name));
                    self.origins
                        .record(format!("/components/responses/{}", escape_token(name)), &at);
                    (name.clone(), self.response(&at, response, produces))
                })
                .collect();
            components.insert("responses".into(), Value::Object(converted));
        }
        if let Some(Value::Object(definitions)) = self.root.get("securityDefinitions").cloned() {
            let mut schemes = Map::new();
            for (name, scheme) in &definitions {
                let at = format!("/securityDefinitions/{}", escape_token(name));
                schemes.insert(name.clone(), self.security_scheme(&at, scheme));
            }
            components.insert("securitySchemes".into(), Value::Object(schemes));
            self.origins
                .record("/components/securitySchemes", "/securityDefinitions");
        }
        Ok(components)
    }

    fn security_scheme(&mut self, at: &str, scheme: &Value) -> Value {
        let mut out = Map::new();
        if let Some(description) = scheme.get("description") {
            out.insert("description".into(), description.clone());
        }
        match scheme.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(value) = scheme.get(key) {
                        out.insert(key.into(), value.clone());
                    }
                }
            }
            Some("oauth2") => {
                let flow = scheme
                    .get("flow")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let name = match flow {
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => other,
                };
                let mut details = Map::new();
                for (from, to) in [
                    ("authorizationUrl", "authorizationUrl"),
                    ("tokenUrl", "tokenUrl"),
                ] {
                    if let Some(value) = scheme.get(from) {
                        details.insert(to.into(), value.clone());
                    }
                }
                details.insert(
                    "scopes".into(),
                    scheme.get("scopes").cloned().unwrap_or(json!({})),
                );
                out.insert("type".into(), json!("oauth2"));
                out.insert("flows".into(), json!({ name: details }));
            }
            _ => {
                self.notes.push(self.spec.note_at(
                    at,
                    None,
                    "this security definition has no known `type`; it is carried as written",
                ));
                return scheme.clone();
            }
        }
        for (key, value) in scheme.as_object().into_iter().flatten() {
            if key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }
}

fn media_types(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

/// A 2.0 reference in 3.0 form.
fn convert_ref(reference: &str) -> String {
    for (from, to) in [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ] {
        if let Some(rest) = reference.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    reference.to_string()
}

/// A 2.0 schema in 3.0 form: references rewritten, `x-nullable` as `nullable`, `type: file`
/// as binary string, a string `discriminator` as `{propertyName}`.
pub fn convert_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, value) in object {
                match key.as_str() {
                    "$ref" => {
                        let reference = value.as_str().map(convert_ref);
                        out.insert(key.clone(), reference.map_or(value.clone(), Value::String));
                    }
                    "x-nullable" => {
                        out.insert("nullable".into(), value.clone());
                    }
                    "type" if value == "file" => {
                        out.insert("type".into(), json!("string"));
                        out.insert("format".into(), json!("binary"));
                    }
                    "discriminator" if value.is_string() => {
                        out.insert(key.clone(), json!({ "propertyName": value }));
                    }
                    // Data and extensions are copied as they are.
                    "example" | "default" | "enum" => {
                        out.insert(key.clone(), value.clone());
                    }
                    _ if key.starts_with("x-") => {
                        out.insert(key.clone(), value.clone());
                    }
                    "properties" => {
                        let properties = value
                            .as_object()
                            .map(|properties| {
                                properties
                                    .iter()
                                    .map(|(name, schema)| (name.clone(), convert_schema(schema)))
                                    .collect::<Map<_, _>>()
                            })
                            .map_or(value.clone(), Value::Object);
                        out.insert(key.clone(), properties);
                    }
                    _ => {
                        out.insert(key.clone(), convert_schema(value));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(convert_schema).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use crate::load::load;
    use serde_json::json;

    const SPEC: &str = r##"
swagger: "2.0"
info: {title: t, version: "1"}
host: nas.example.com
basePath: /api/v1/
schemes: [http, https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  basic: {type: basic}
  key: {type: apiKey, name: X-Key, in: header}
paths:
  /jobs/{id}:
    parameters:
      - {name: id, in: path, required: true, type: string}
    get:
      operationId: getJob
      parameters:
        - {name: fields, in: query, type: array, items: {type: string}, collectionFormat: csv}
        - {name: tags, in: query, type: array, items: {type: string}, collectionFormat: multi}
      responses:
        200:
          description: ok
          schema: {$ref: "#/definitions/Job"}
        default:
          description: err
          schema: {$ref: "#/definitions/Error"}
    put:
      operationId: putJob
      parameters:
        - {name: body, in: body, required: true, schema: {$ref: "#/definitions/Job"}}
      responses:
        204: {description: done}
  /upload:
    post:
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
        - {name: file, in: formData, type: file, required: true}
        - {name: note, in: formData, type: string}
      responses:
        200: {description: ok}
definitions:
  Job:
    type: object
    discriminator: kind
    properties:
      kind: {type: string}
      size: {type: integer, x-nullable: true}
  Error: {type: object, properties: {message: {type: string}}}
"##;

    #[test]
    fn converts_what_a_client_needs() {
        let (spec, notes) = load("s.yaml", SPEC).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        let d = &spec.document;
        assert_eq!(d["openapi"], "3.0.3");
        assert_eq!(
            d["servers"],
            json!([{"url": "https://nas.example.com/api/v1"}, {"url": "http://nas.example.com/api/v1"}])
        );
        let get = &d["paths"]["/jobs/{id}"]["get"];
        assert_eq!(get["parameters"][0]["style"], "form");
        assert_eq!(get["parameters"][0]["explode"], false);
        assert_eq!(get["parameters"][0]["schema"]["type"], "array");
        assert_eq!(get["parameters"][1]["explode"], true);
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Job"
        );
        assert_eq!(
            d["paths"]["/jobs/{id}"]["parameters"][0]["schema"]["type"],
            "string"
        );
        let put = &d["paths"]["/jobs/{id}"]["put"];
        assert_eq!(put["requestBody"]["required"], true);
        assert_eq!(
            put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Job"
        );
        let upload = &d["paths"]["/upload"]["post"]["requestBody"];
        let form = &upload["content"]["multipart/form-data"]["schema"];
        assert_eq!(form["properties"]["file"]["format"], "binary");
        assert_eq!(form["required"], json!(["file"]));
        let job = &d["components"]["schemas"]["Job"];
        assert_eq!(job["discriminator"]["propertyName"], "kind");
        assert_eq!(job["properties"]["size"]["nullable"], true);
        assert_eq!(
            d["components"]["securitySchemes"]["basic"]["scheme"],
            "basic"
        );
        assert_eq!(d["components"]["securitySchemes"]["key"]["in"], "header");
    }

    #[test]
    fn messages_point_into_the_original_file() {
        let (spec, _) = load("s.yaml", SPEC).unwrap();
        let located = |pointer: &str| {
            let location = spec.location(pointer, None);
            (location.line_col.unwrap(), location.pointer.unwrap())
        };
        let (line_col, pointer) = located("/components/schemas/Job/properties/size");
        assert_eq!(pointer, "/definitions/Job/properties/size");
        assert_eq!(line_col, (49, 7));
        let (_, pointer) =
            located("/paths/~1jobs~1{id}/put/requestBody/content/application~1json/schema");
        assert_eq!(pointer, "/paths/~1jobs~1{id}/put/parameters/0/schema");
        let (line_col, pointer) = located(
            "/paths/~1upload/post/requestBody/content/multipart~1form-data/schema/properties/note",
        );
        assert_eq!(pointer, "/paths/~1upload/post/parameters/1");
        assert_eq!(line_col, (40, 12));
    }
}
