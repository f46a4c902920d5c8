//! Reads a spec: YAML text into a JSON value (for validation and lowering) with a source map
//! for locations, and checks that it is an OpenAPI 3.0 document `openapiv3` can read.

use serde_json::{Map, Number, Value};

use crate::error::{Error, Location, escape_token};
use crate::locate::SourceMap;

/// A spec as the pipeline carries it: the document, and where its nodes are in the source.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The spec's path as given, for messages.
    pub file: String,
    /// The document as JSON.
    pub document: Value,
    /// Pointer to line and column.
    pub source_map: SourceMap,
}

impl LoadedSpec {
    /// An error at `pointer`, located through the source map.
    pub fn error_at(
        &self,
        pointer: &str,
        operation: Option<&str>,
        message: impl Into<String>,
    ) -> Error {
        Error {
            location: Location {
                file: self.file.clone(),
                line_col: self.source_map.locate(pointer),
                pointer: Some(pointer.to_string()),
                operation: operation.map(str::to_string),
            },
            message: message.into(),
        }
    }
}

/// Parses `text` (the contents of `file`) and checks the OpenAPI version.
pub fn load(file: &str, text: &str) -> Result<LoadedSpec, Error> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| Error {
        location: Location {
            file: file.to_string(),
            line_col: e.location().map(|at| (at.line(), at.column())),
            pointer: None,
            operation: None,
        },
        message: format!("invalid yaml: {}", strip_location(&e.to_string())),
    })?;
    let spec = LoadedSpec {
        file: file.to_string(),
        document: Value::Null,
        source_map: SourceMap::new(text),
    };
    let document = to_json(&yaml, "", &spec)?;
    let spec = LoadedSpec { document, ..spec };
    check_version(&spec)?;
    Ok(spec)
}

/// serde_yaml appends " at line L column C" to its messages; the location is printed in front instead.
fn strip_location(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

fn check_version(spec: &LoadedSpec) -> Result<(), Error> {
    let Some(root) = spec.document.as_object() else {
        return Err(spec.error_at(
            "",
            None,
            "a spec must be a mapping with `openapi`, `info` and `paths`",
        ));
    };
    match root.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0.") => Ok(()),
        Some(Value::String(version)) => Err(spec.error_at(
            "/openapi",
            None,
            format!("openapi {version} is not supported: the generator reads OpenAPI 3.0.x (progenitor refuses 3.1)"),
        )),
        Some(other) => Err(spec.error_at("/openapi", None, format!("`openapi` must be a version string such as \"3.0.3\", found {other}"))),
        None => Err(spec.error_at("", None, "missing `openapi`: the generator reads OpenAPI 3.0.x documents")),
    }
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

/// Reads the (lowered) document into `openapiv3`'s model, locating the first field it rejects.
pub fn to_openapi(spec: &LoadedSpec, document: &Value) -> Result<openapiv3::OpenAPI, Error> {
    serde_path_to_error::deserialize(document).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .filter_map(|segment| match segment {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(escape_token(key)),
                serde_path_to_error::Segment::Enum { .. }
                | serde_path_to_error::Segment::Unknown => None,
            })
            .fold(String::new(), |pointer, token| format!("{pointer}/{token}"));
        spec.error_at(
            &pointer,
            None,
            format!("not a valid OpenAPI 3.0 document: {}", e.inner()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::load;

    #[test]
    fn syntax_errors_are_located() {
        let error = load("x.yaml", "openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(
            error.to_string().starts_with("x.yaml:3:1: invalid yaml: "),
            "{error}"
        );
    }

    #[test]
    fn numeric_keys_become_strings() {
        let spec = load("x.yaml", "openapi: 3.0.3\nr:\n  200: ok\n").unwrap();
        assert_eq!(spec.document["r"]["200"], "ok");
    }

    #[test]
    fn openapi_3_1_is_refused_at_its_line() {
        let error = load("x.yaml", "info: {}\nopenapi: 3.1.0\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.yaml:2:1: openapi 3.1.0 is not supported: the generator reads OpenAPI 3.0.x (progenitor refuses 3.1) (at #/openapi)"
        );
    }
}
