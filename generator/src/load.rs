//! Reads a spec: YAML or JSON text into a JSON value with a source map for locations, then into
//! the OpenAPI 3.0 form the rest of the pipeline reads. Swagger 2.0 is converted and OpenAPI 3.1
//! lowered here, in memory; every message still points into the file as written.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use crate::error::{Error, Errors, Location, Note, escape_token};
use crate::locate::{SourceMap, Syntax};

/// What a spec file was written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Swagger 2.0, converted to OpenAPI 3.0.3.
    Swagger2,
    /// OpenAPI 3.0.x, read as it is.
    OpenApi30,
    /// OpenAPI 3.1.x (or 3.2.x), lowered to 3.0.3.
    OpenApi31,
}

/// Where the nodes of a converted document came from: pointer prefixes in the converted
/// document, each with the prefix it was made from in the original.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    prefixes: BTreeMap<String, String>,
}

impl Origins {
    /// Records that the subtree at `converted` came from the subtree at `original`.
    pub fn record(&mut self, converted: impl Into<String>, original: impl Into<String>) {
        let (converted, original) = (converted.into(), original.into());
        if converted != original {
            self.prefixes.insert(converted, original);
        }
    }

    /// Removes and returns every recorded pair whose converted pointer starts with `prefix`.
    pub(crate) fn take_prefixed(&mut self, prefix: &str) -> Vec<(String, String)> {
        let keys: Vec<String> = self
            .prefixes
            .range(prefix.to_string()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, _)| key.clone())
            .collect();
        keys.into_iter()
            .filter_map(|key| self.prefixes.remove(&key).map(|original| (key, original)))
            .collect()
    }

    /// The pointer in the original file for a pointer into the converted document.
    pub fn original(&self, pointer: &str) -> String {
        let mut prefix = pointer;
        loop {
            if let Some(original) = self.prefixes.get(prefix) {
                return format!("{original}{}", &pointer[prefix.len()..]);
            }
            match prefix.rsplit_once('/') {
                Some((parent, _)) => prefix = parent,
                None => return pointer.to_string(),
            }
        }
    }
}

/// A spec as the pipeline carries it: the document in OpenAPI 3.0 form, and how to find its
/// nodes in the source file.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The spec's path as given, for messages.
    pub file: String,
    /// The document as JSON, in OpenAPI 3.0 form.
    pub document: Value,
    /// Pointer (into the original document) to line and column.
    pub source_map: SourceMap,
    /// Converted pointers to original ones (empty unless the spec was Swagger 2.0).
    pub origins: Origins,
    /// What the file was written as.
    pub dialect: Dialect,
}

impl LoadedSpec {
    /// A spec from a document made in memory, with no source to locate nodes in.
    pub fn in_memory(file: &str, document: Value) -> Self {
        LoadedSpec {
            file: file.to_string(),
            document,
            source_map: SourceMap::empty(),
            origins: Origins::default(),
            dialect: Dialect::OpenApi30,
        }
    }

    /// Where `pointer` (into the 3.0 form) is in the file.
    pub fn location(&self, pointer: &str, operation: Option<&str>) -> Location {
        let original = self.origins.original(pointer);
        Location {
            file: self.file.clone(),
            line_col: self.source_map.locate(&original),
            pointer: Some(original),
            operation: operation.map(str::to_string),
        }
    }

    /// An error at `pointer`, located through the source map.
    pub fn error_at(
        &self,
        pointer: &str,
        operation: Option<&str>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            location: self.location(pointer, operation),
            message: message.into(),
        }
    }

    /// A note at `pointer`; its line and column are found later, for all notes in one scan
    /// ([`LoadedSpec::locate_notes`]).
    pub fn note_at(
        &self,
        pointer: &str,
        operation: Option<&str>,
        message: impl Into<String>,
    ) -> Note {
        Note {
            location: Location {
                file: self.file.clone(),
                line_col: None,
                pointer: Some(self.origins.original(pointer)),
                operation: operation.map(str::to_string),
            },
            message: message.into(),
        }
    }

    /// Finds the line and column of every note that has none yet.
    pub fn locate_notes(&self, notes: &mut [Note]) {
        let pointers: Vec<&str> = notes
            .iter()
            .filter(|n| n.location.line_col.is_none())
            .filter_map(|n| n.location.pointer.as_deref())
            .collect();
        if pointers.is_empty() {
            return;
        }
        let mut found = self.source_map.locate_all(&pointers).into_iter();
        for note in notes
            .iter_mut()
            .filter(|n| n.location.line_col.is_none() && n.location.pointer.is_some())
        {
            note.location.line_col = found.next().flatten();
        }
    }
}

/// The syntax of a spec file, from its extension: `.json` is JSON, anything else YAML.
pub fn syntax_of(file: &str) -> Syntax {
    if file.to_ascii_lowercase().ends_with(".json") {
        Syntax::Json
    } else {
        Syntax::Yaml
    }
}

/// Parses `text` (the contents of `file`), recognises its dialect and brings it to the
/// OpenAPI 3.0 form, with notes on what that changed.
pub fn load(file: &str, text: &str) -> Result<(LoadedSpec, Vec<Note>), Errors> {
    let syntax = syntax_of(file);
    let document = match syntax {
        Syntax::Json => parse_json(file, text)?,
        Syntax::Yaml => parse_yaml(file, text)?,
    };
    let mut spec = LoadedSpec {
        file: file.to_string(),
        document,
        source_map: SourceMap::new(text, syntax),
        origins: Origins::default(),
        dialect: Dialect::OpenApi30,
    };
    spec.dialect = dialect(&spec)?;
    let mut notes = Vec::new();
    match spec.dialect {
        Dialect::OpenApi30 => {}
        Dialect::Swagger2 => {
            let (converted, origins) = crate::swagger2::convert(&spec, &mut notes)?;
            spec.document = converted;
            spec.origins = origins;
        }
        Dialect::OpenApi31 => {
            let lowered = crate::openapi31::lower(&spec, &mut notes)?;
            spec.document = lowered;
        }
    }
    Ok((spec, notes))
}

fn parse_json(file: &str, text: &str) -> Result<Value, Error> {
    serde_json::from_str(text).map_err(|e| Error {
        location: Location {
            file: file.to_string(),
            line_col: (e.line() > 0).then(|| (e.line(), e.column())),
            pointer: None,
            operation: None,
        },
        message: format!("invalid json: {}", strip_location(&e.to_string())),
    })
}

/// How deeply flow collections (`[` and `{`) may nest in YAML. The YAML parser takes time that
/// grows with the square of the nesting before it gives up, so deeper text is refused first.
const MAX_FLOW_DEPTH: usize = 128;

/// Where flow collections first nest deeper than [`MAX_FLOW_DEPTH`], if they do. Quoted text
/// and comments are skipped; anything this scan misreads is left to the parser.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1, 0);
    let mut quote: Option<char> = None;
    let mut comment = false;
    let mut previous = '\n';
    for c in text.chars() {
        column += 1;
        match (quote, c) {
            (_, '\n') => {
                line += 1;
                column = 0;
                comment = false;
            }
            _ if comment => {}
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, column));
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    None
}

fn parse_yaml(file: &str, text: &str) -> Result<Value, Error> {
    if let Some(at) = too_deep(text) {
        return Err(Error {
            location: Location {
                file: file.to_string(),
                line_col: Some(at),
                pointer: None,
                operation: None,
            },
            message: format!("invalid yaml: collections nest deeper than {MAX_FLOW_DEPTH} levels"),
        });
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| Error {
        location: Location {
            file: file.to_string(),
            line_col: e.location().map(|at| (at.line(), at.column())),
            pointer: None,
            operation: None,
        },
        message: format!("invalid yaml: {}", strip_location(&e.to_string())),
    })?;
    let located = LoadedSpec {
        file: file.to_string(),
        document: Value::Null,
        source_map: SourceMap::new(text, Syntax::Yaml),
        origins: Origins::default(),
        dialect: Dialect::OpenApi30,
    };
    to_json(&yaml, "", &located)
}

/// serde appends " at line L column C" to its messages; the location is printed in front instead.
fn strip_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn dialect(spec: &LoadedSpec) -> Result<Dialect, Error> {
    let Some(root) = spec.document.as_object() else {
        return Err(spec.error_at(
            "",
            None,
            "a spec must be a mapping with `openapi`, `info` and `paths`",
        ));
    };
    let version = |key: &str| root.get(key).map(|v| (v, format!("/{key}")));
    match (version("openapi"), version("swagger")) {
        (Some((Value::String(v), _)), _) if v.starts_with("3.0.") => Ok(Dialect::OpenApi30),
        (Some((Value::String(v), _)), _) if v.starts_with("3.1.") || v.starts_with("3.2.") => {
            Ok(Dialect::OpenApi31)
        }
        (Some((Value::String(v), at)), _) => Err(spec.error_at(
            &at,
            None,
            format!("openapi {v} is not supported: the generator reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"),
        )),
        (None, Some((Value::String(v), _))) if v == "2.0" => Ok(Dialect::Swagger2),
        (None, Some((v, at))) => Err(spec.error_at(
            &at,
            None,
            format!("swagger {} is not supported: the generator reads Swagger 2.0 and OpenAPI 3.x", plain(v)),
        )),
        (Some((other, at)), _) => Err(spec.error_at(
            &at,
            None,
            format!("`openapi` must be a version string such as \"3.0.3\", found {other}"),
        )),
        (None, None) if root.contains_key("swaggerVersion") => Err(spec.error_at(
            "/swaggerVersion",
            None,
            "this is a Swagger 1.x document, which is not supported: convert it to OpenAPI 3",
        )),
        (None, None) => Err(spec.error_at(
            "",
            None,
            "not an OpenAPI document: it has neither `openapi` (3.x) nor `swagger` (2.0)",
        )),
    }
}

fn plain(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// Converts YAML to JSON. Mapping keys that YAML reads as numbers or booleans (an unquoted
/// `200:` under `responses`) become their text; anything JSON cannot hold is an error.
fn to_json(yaml: &serde_yaml::Value, pointer: &str, spec: &LoadedSpec) -> Result<Value, Error> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => number(n)
            .ok_or_else(|| spec.error_at(pointer, None, format!("number {n} has no JSON form")))?,
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| to_json(item, &format!("{pointer}/{index}"), spec))
                .collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match key {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    _ => return Err(spec.error_at(pointer, None, "mapping keys must be strings")),
                };
                let at = format!("{pointer}/{}", escape_token(&key));
                object.insert(key, to_json(value, &at, spec)?);
            }
            Value::Object(object)
        }
        serde_yaml::Value::Tagged(tagged) => {
            return Err(spec.error_at(
                pointer,
                None,
                format!("yaml tag {} has no JSON form", tagged.tag),
            ));
        }
    })
}

fn number(n: &serde_yaml::Number) -> Option<Value> {
    if let Some(i) = n.as_i64() {
        Some(Value::Number(i.into()))
    } else if let Some(u) = n.as_u64() {
        Some(Value::Number(u.into()))
    } else {
        n.as_f64().and_then(Number::from_f64).map(Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(file: &str, text: &str) -> String {
        load(file, text).unwrap_err().to_string()
    }

    #[test]
    fn syntax_errors_are_located() {
        let message = error("x.yaml", "openapi: 3.0.3\ninfo: [\n");
        assert!(
            message.starts_with("x.yaml:3:1: invalid yaml: "),
            "{message}"
        );
        let message = error("x.json", "{\"openapi\": \"3.0.3\",\n \"info\": [}\n");
        assert!(
            message.starts_with("x.json:2:11: invalid json: "),
            "{message}"
        );
    }

    #[test]
    fn numeric_keys_become_strings() {
        let (spec, _) = load("x.yaml", "openapi: 3.0.3\nr:\n  200: ok\n").unwrap();
        assert_eq!(spec.document["r"]["200"], "ok");
    }

    #[test]
    fn dialects_are_named() {
        assert_eq!(
            error("x.yaml", "info: {}\nopenapi: 4.0.0\n"),
            "x.yaml:2:1: openapi 4.0.0 is not supported: the generator reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2 (at #/openapi)"
        );
        assert_eq!(
            error("x.yaml", "swaggerVersion: '1.2'\n"),
            "x.yaml:1:1: this is a Swagger 1.x document, which is not supported: convert it to OpenAPI 3 (at #/swaggerVersion)"
        );
        assert_eq!(
            error("x.yaml", "info: {}\n"),
            "x.yaml:1:1: not an OpenAPI document: it has neither `openapi` (3.x) nor `swagger` (2.0)"
        );
    }

    #[test]
    fn origins_map_converted_pointers_back() {
        let mut origins = Origins::default();
        origins.record("/components/schemas", "/definitions");
        origins.record("/paths/~1a/get/requestBody", "/paths/~1a/get/parameters/1");
        assert_eq!(
            origins.original("/components/schemas/Job/properties/id"),
            "/definitions/Job/properties/id"
        );
        assert_eq!(
            origins.original("/paths/~1a/get/requestBody/content/application~1json/schema"),
            "/paths/~1a/get/parameters/1/content/application~1json/schema"
        );
        assert_eq!(origins.original("/info"), "/info");
    }
}
