//! Turns one OpenAPI document (Swagger 2.0, OpenAPI 3.0 or 3.1, YAML or JSON) into one Rust
//! client crate: load, validate, lower, run the engine (progenitor), build the operation model,
//! post-process (syn), emit the crate's own modules, format (prettyplease), and write.

pub mod access;
pub mod baseline;
pub mod changes;
pub mod corpus;
pub mod emit_auth;
pub mod emit_errors;
pub mod emit_mock;
pub mod emit_pagination;
pub mod emit_responses;
pub mod engine;
pub mod error;
pub mod format;
pub mod isolate;
pub mod load;
pub mod locate;
pub mod lower;
pub mod model;
pub mod open_enums;
pub mod openapi31;
pub mod operation_names;
pub mod postprocess;
pub mod regen;
pub mod review;
pub mod rust_names;
pub mod scaffold;
pub mod schema_walk;
pub mod surface;
pub mod swagger2;
pub mod token;
pub mod validate;
pub mod versioning;
pub mod walk;
pub mod wire_forms;
pub mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use error::{Error, Errors, Location, Note};

/// One generated crate, in memory: its directory and the text of every file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedCrate {
    /// The package name, for example `ontap-client`.
    pub name: String,
    /// File paths relative to the crate directory, with their contents.
    pub files: BTreeMap<String, String>,
}

/// A generated crate and the notes on what the generator dropped or rewrote to make it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Generated {
    /// The crate.
    pub krate: GeneratedCrate,
    /// What was dropped or rewritten, in source order.
    pub notes: Vec<Note>,
    /// The method name of every operation the crate offers, in document order.
    pub operations: Vec<String>,
    /// What the crate promises its users, for comparing regenerations.
    pub surface: surface::Surface,
}

/// The package name for a spec file stem: `ontap` gives `ontap-client`, `api.github.com` gives
/// `api-github-com-client` (a package name holds letters, digits, `-` and `_` only).
pub fn crate_name(spec_stem: &str) -> String {
    let mut name = String::new();
    for c in spec_stem.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_matches('-');
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("api-{name}")
    } else {
        name.to_string()
    };
    format!("{}-client", name.trim_end_matches('-'))
}

/// The file stem of a spec path: `specs/api.github.com.json` gives `api.github.com`.
pub fn spec_stem(spec_path: &str) -> &str {
    let file = spec_path.rsplit('/').next().unwrap_or(spec_path);
    for extension in [".yaml", ".yml", ".json"] {
        if let Some(stem) = file.strip_suffix(extension) {
            return stem;
        }
    }
    file
}

/// Runs the whole pipeline on one spec, in this process. `spec_path` is workspace-relative
/// (`specs/ontap.yaml`); it names the crate and appears in messages and file headers.
pub fn generate_crate(spec_path: &str, text: &str) -> Result<Generated, Errors> {
    let name = crate_name(spec_stem(spec_path));
    generate_crate_with(spec_path, text, &name, &engine::Drops::default())
}

/// [`generate_crate`] under another crate name, with parts set aside beforehand (when the
/// engine crashed on them in another process; see [`isolate`]).
pub fn generate_crate_with(
    spec_path: &str,
    text: &str,
    name: &str,
    drops: &engine::Drops,
) -> Result<Generated, Errors> {
    engine::on_large_stack(|| {
        // A panic in the generator's own code is a bug, but still a located error, not a crash.
        engine::contained(|| pipeline(spec_path, text, name.to_string(), drops)).unwrap_or_else(
            |message| {
                Err(Errors(vec![Error {
                    location: Location {
                        file: spec_path.to_string(),
                        line_col: None,
                        pointer: None,
                        operation: None,
                    },
                    message: format!(
                        "the generator failed on this spec (a bug; please report it): {message}"
                    ),
                }]))
            },
        )
    })
}

fn pipeline(
    spec_path: &str,
    text: &str,
    name: String,
    drops: &engine::Drops,
) -> Result<Generated, Errors> {
    let (mut spec, mut notes) = load::load(spec_path, text)?;
    validate::validate(&spec)?;
    let document = std::mem::take(&mut spec.document);
    let (mut lowered, lowering_notes) = lower::lower(&spec, document)?;
    notes.extend(lowering_notes);
    drops.apply(&spec, &mut lowered, &mut notes);
    let ((mut files, api, surface), _) = engine::recover(&spec, lowered, &mut notes, |lowered| {
        modules(spec_path, lowered)
    })?;
    spec.locate_notes(&mut notes);
    notes.sort();
    notes.dedup();
    let code: String = files.values().map(String::as_str).collect();
    let info = scaffold::CrateInfo {
        name: &name,
        spec: spec_path,
        api: &api,
        notes: &notes,
        has_pagination: files.contains_key("src/pagination.rs"),
        surface: &surface,
    };
    files.insert("Cargo.toml".to_string(), scaffold::cargo_toml(&info, &code));
    files.insert("README.md".to_string(), scaffold::readme(&info));
    files.insert("src/lib.rs".to_string(), scaffold::lib_rs(&info));
    Ok(Generated {
        krate: GeneratedCrate { name, files },
        notes,
        operations: api.operations.iter().map(|o| o.name.clone()).collect(),
        surface,
    })
}

/// The crate's module files for a lowered document: the engine's client on this thread (then
/// post-processed and formatted), the crate's own modules from the model on a second one.
fn modules(
    spec_path: &str,
    lowered: &serde_json::Value,
) -> Result<(BTreeMap<String, String>, model::Api, surface::Surface), engine::Failure> {
    std::thread::scope(|scope| {
        let own = engine::spawn_large(scope, || {
            engine::contained(|| {
                let api = model::build(lowered);
                own_modules(spec_path, &api, lowered).map(|files| (files, api))
            })
            .map_err(engine::Failure::Panic)
        })?;
        let client = engine::run_client(lowered)?;
        let modules = postprocess::split(client).map_err(engine::Failure::Error)?;
        let clashes = postprocess::duplicate_type_names(&modules.types);
        if !clashes.is_empty() {
            return Err(engine::Failure::NameClash(clashes));
        }
        let (mut files, api) = own.join().map_err(|_| {
            engine::Failure::Crash("the emitting thread ended abnormally".into())
        })???;
        let auth = files
            .get("src/auth.rs")
            .and_then(|text| syn::parse_file(text).ok());
        let surface = surface::build(
            &api,
            &modules.types,
            &modules.builder,
            auth.as_ref(),
            lowered,
        );
        for (path, file) in [
            ("src/client.rs", &modules.client),
            ("src/builder.rs", &modules.builder),
            ("src/types.rs", &modules.types),
        ] {
            files.insert(path.to_string(), format::module_file(spec_path, file));
        }
        Ok((files, api, surface))
    })
}

/// The modules the crate's own emitters write from the model: credentials, errors, responses,
/// pagination and mocks.
fn own_modules(
    spec_path: &str,
    api: &model::Api,
    lowered: &serde_json::Value,
) -> Result<BTreeMap<String, String>, engine::Failure> {
    let mut files = BTreeMap::new();
    let mut module = |path: &str, file: &syn::File| {
        files.insert(path.to_string(), format::module_file(spec_path, file));
    };
    module("src/auth.rs", &emit_auth::emit(api));
    module("src/errors.rs", &emit_errors::emit(api, lowered));
    module("src/responses.rs", &emit_responses::emit(api));
    if let Some(pagination) = emit_pagination::emit(api, lowered).map_err(engine::Failure::Error)? {
        module("src/pagination.rs", &pagination);
    }
    files.insert(
        "src/mock.rs".to_string(),
        format!(
            "{}\n{}",
            format::rust_header(spec_path),
            emit_mock::emit(api)
        ),
    );
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_are_package_names() {
        assert_eq!(crate_name("ontap"), "ontap-client");
        assert_eq!(crate_name("api.github.com"), "api-github-com-client");
        assert_eq!(crate_name("My API v2"), "my-api-v2-client");
        assert_eq!(crate_name("2fa"), "api-2fa-client");
        assert_eq!(spec_stem("specs/api.github.com.json"), "api.github.com");
        assert_eq!(spec_stem("specs/vspc.yml"), "vspc");
    }
}
