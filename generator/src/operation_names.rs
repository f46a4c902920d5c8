//! The Rust method name of every operation: its `operationId` in snake case, or, for an
//! operation that has none, a name derived from its method and path alone.
//!
//! The derivation (documented in `docs/NAMING.md`):
//!
//! 1. The path is split into segments; a leading `api`, `apis` or `rest` segment and every
//!    version segment (`v1`, `v2beta1`, `2.26`) are left out.
//! 2. A parameter segment (`{id}`) is left out, and the literal word before it is made
//!    singular: `/arrays/{id}/volumes` gives `array volumes`.
//! 3. The words of each literal segment (split at `.`, `-`, `_`, `:` and case changes) are
//!    snake-cased after the lowercase HTTP method: `get_array_volumes`. A path of parameters
//!    only gives `<method>_root`.
//!
//! A name depends only on its own operation, so adding an operation never renames another,
//! unless the two derive the same name. Then each derived one of them takes its full form,
//! which keeps versions and names parameters (`get_v1_arrays_by_id`); a name still shared
//! after that gets `_2`, `_3` in path order. An `operationId` is never renamed except when it
//! duplicates another, or when it is a name the crate itself uses (`new`, `connect`, ...).

use std::collections::BTreeMap;

use crate::rust_names::{Case, progenitor_name};

/// Client methods the crate defines itself; an operation with one of these names gets
/// `_operation` appended.
const RESERVED_METHODS: [&str; 10] = [
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "inner",
    "api_version",
    "connect",
    "connect_with",
    "clone",
    "fmt",
];

/// Names the builder module imports; an operation whose builder would be named like one of
/// them gets `_operation` appended.
const RESERVED_BUILDERS: [&str; 9] = [
    "Error",
    "ResponseValue",
    "ByteStream",
    "ClientInfo",
    "ClientHooks",
    "OperationInfo",
    "RequestBuilderExt",
    "Result",
    "Option",
];

/// One operation as the naming sees it.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Lowercase HTTP method.
    pub method: &'a str,
    /// The path template.
    pub path: &'a str,
    /// The `operationId`, if it has a usable one.
    pub operation_id: Option<&'a str>,
}

/// How an operation got its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Its `operationId`, snake-cased.
    OperationId,
    /// Derived from method and path (it has no `operationId`).
    Derived,
    /// Changed from the above, for the reason given.
    Renamed(String),
}

/// The name of each operation, in the order given, and how it came about.
pub fn assign(requests: &[Request<'_>]) -> Vec<(String, Origin)> {
    let mut names: Vec<(String, Origin)> = requests
        .iter()
        .map(|request| match request.operation_id {
            Some(id) => (progenitor_name(id, Case::Snake), Origin::OperationId),
            None => (derive(request.method, request.path), Origin::Derived),
        })
        .collect();
    // Derived names that collide take their full form.
    let shared = groups(&names);
    for indexes in shared.values().filter(|indexes| indexes.len() > 1) {
        for &index in indexes {
            if names[index].1 == Origin::Derived {
                names[index].0 = derive_full(requests[index].method, requests[index].path);
            }
        }
    }
    for (name, origin) in &mut names {
        let builder = progenitor_name(name, Case::Pascal);
        if RESERVED_METHODS.contains(&name.as_str())
            || RESERVED_BUILDERS.contains(&builder.as_str())
        {
            *origin = Origin::Renamed(format!(
                "`{name}` is a name the generated crate uses itself"
            ));
            name.push_str("_operation");
        }
    }
    // Whatever still collides is numbered in path order; the first keeps its name.
    let shared = groups(&names);
    for indexes in shared.values().filter(|indexes| indexes.len() > 1) {
        let mut ordered = indexes.clone();
        ordered.sort_by_key(|&index| (requests[index].path, requests[index].method, index));
        let first = ordered[0];
        for (count, &index) in ordered.iter().enumerate().skip(1) {
            let label =
                |i: usize| format!("{} {}", requests[i].method.to_uppercase(), requests[i].path);
            let taken = names[index].0.clone();
            names[index].0 = format!("{taken}_{}", count + 1);
            names[index].1 =
                Origin::Renamed(format!("`{taken}` is also the name of {}", label(first)));
        }
    }
    names
}

fn groups(names: &[(String, Origin)]) -> BTreeMap<String, Vec<usize>> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, (name, _)) in names.iter().enumerate() {
        groups.entry(name.clone()).or_default().push(index);
    }
    groups
}

/// `v1`, `V2`, `2.26`, `1.0.x`, `v2beta1`: a version, not a resource.
fn is_version(segment: &str) -> bool {
    let rest = segment.strip_prefix(['v', 'V']).unwrap_or(segment);
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() == rest.len() {
        return false;
    }
    let tail = digits
        .strip_prefix("alpha")
        .or_else(|| digits.strip_prefix("beta"))
        .filter(|_| rest.len() != segment.len())
        .unwrap_or(digits);
    tail.chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == 'x')
}

/// The words of one literal piece of a path, snake-cased.
fn words(piece: &str) -> Vec<String> {
    let snake = progenitor_name(piece, Case::Snake);
    snake
        .trim_start_matches('_')
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A segment's literal text and whether it holds a parameter.
fn literal_parts(segment: &str) -> (String, bool) {
    let mut literal = String::new();
    let mut has_parameter = false;
    let mut depth = 0;
    for c in segment.chars() {
        match c {
            '{' => {
                depth += 1;
                has_parameter = true;
                literal.push(' ');
            }
            '}' => depth -= 1,
            _ if depth == 0 => literal.push(c),
            _ => {}
        }
    }
    (literal, has_parameter)
}

/// The short name: versions and parameters left out, a word before a parameter made singular.
pub fn derive(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut parts: Vec<Vec<String>> = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        let (literal, has_parameter) = literal_parts(segment);
        if index == 0 && matches!(literal.as_str(), "api" | "apis" | "rest") {
            continue;
        }
        if !has_parameter && is_version(segment) {
            continue;
        }
        if segment.starts_with('{') {
            // A parameter (`{id}`, `{id}:snapshot`): the word before it names one item.
            if let Some(last) = parts.last_mut().and_then(|words| words.last_mut()) {
                *last = singular(last);
            }
        }
        if literal.trim().is_empty() {
            continue;
        }
        parts.push(words(&literal));
    }
    let words: Vec<String> = parts.into_iter().flatten().collect();
    if words.is_empty() {
        format!("{method}_root")
    } else {
        format!("{method}_{}", words.join("_"))
    }
}

/// The full name, for derived names that collide: every literal word, versions included, and
/// each parameter as `by_<name>`.
pub fn derive_full(method: &str, path: &str) -> String {
    let mut words = vec![method.to_string()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let mut rest = segment;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => {
                    let end = rest.find('}').map_or(rest.len(), |e| e + 1);
                    let name = rest[1..end.saturating_sub(1).max(1)].to_string();
                    words.push("by".into());
                    words.extend(self::words(&name));
                    rest = &rest[end..];
                }
                Some(start) => {
                    words.extend(self::words(&rest[..start]));
                    rest = &rest[start..];
                }
                None => {
                    words.extend(self::words(rest));
                    rest = "";
                }
            }
        }
    }
    if words.len() == 1 {
        words.push("root".into());
    }
    words.join("_")
}

/// An English plural made singular by the usual rules (`policies`, `boxes`, `volumes`).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies")
        && stem.len() > 1
    {
        return format!("{stem}y");
    }
    for suffix in ["sses", "xes", "ches", "shes", "zes"] {
        if word.ends_with(suffix) {
            return word[..word.len() - 2].to_string();
        }
    }
    if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(method: &'a str, path: &'a str) -> Request<'a> {
        Request {
            method,
            path,
            operation_id: None,
        }
    }

    #[test]
    fn derived_names_read_like_the_path() {
        for (method, path, expected) in [
            ("get", "/arrays/{id}/volumes", "get_array_volumes"),
            ("get", "/arrays", "get_arrays"),
            ("get", "/arrays/{id}", "get_array"),
            ("delete", "/arrays/{id}", "delete_array"),
            ("get", "/api/2.26/hosts", "get_hosts"),
            (
                "get",
                "/v1/storage/file-systems/{fsId}/clone-jobs",
                "get_storage_file_system_clone_jobs",
            ),
            ("post", "/jobs/list", "post_jobs_list"),
            ("get", "/files/{path}.json", "get_file_json"),
            ("post", "/volumes/{id}:snapshot", "post_volume_snapshot"),
            ("get", "/", "get_root"),
            ("get", "/{id}", "get_root"),
            ("get", "/policies/{name}", "get_policy"),
            (
                "put",
                "/api/v3/infrastructure/backupServers",
                "put_infrastructure_backup_servers",
            ),
        ] {
            assert_eq!(derive(method, path), expected, "{method} {path}");
        }
    }

    #[test]
    fn collisions_take_the_full_form_and_stay_local() {
        let requests = [
            request("get", "/v1/arrays"),
            request("get", "/v2/arrays"),
            request("get", "/hosts"),
        ];
        let names: Vec<String> = assign(&requests).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["get_v1_arrays", "get_v2_arrays", "get_hosts"]);
        // An unrelated operation added anywhere renames nothing.
        let more = [
            request("get", "/v1/arrays"),
            request("post", "/volumes"),
            request("get", "/v2/arrays"),
            request("get", "/hosts"),
        ];
        let names: Vec<String> = assign(&more).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "get_v1_arrays",
                "post_volumes",
                "get_v2_arrays",
                "get_hosts"
            ]
        );
        let by_id = [request("get", "/arrays/{id}"), request("get", "/array")];
        let names: Vec<String> = assign(&by_id).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["get_arrays_by_id", "get_array"]);
    }

    #[test]
    fn operation_ids_win_and_duplicates_are_numbered() {
        let requests = [
            Request {
                method: "get",
                path: "/b",
                operation_id: Some("listJobs"),
            },
            Request {
                method: "get",
                path: "/a",
                operation_id: Some("list-jobs"),
            },
            Request {
                method: "get",
                path: "/c",
                operation_id: Some("new"),
            },
        ];
        let names = assign(&requests);
        assert_eq!(names[1].0, "list_jobs", "the first path keeps the name");
        assert_eq!(names[0].0, "list_jobs_2");
        assert!(matches!(&names[0].1, Origin::Renamed(why) if why.contains("GET /a")));
        assert_eq!(names[2].0, "new_operation");
    }
}
