//! Turns one OpenAPI 3.0.3 spec into one Rust client crate: load, validate, lower, generate
//! (progenitor), post-process (syn), format (prettyplease), and write.

pub mod access;
pub mod emit_auth;
pub mod emit_errors;
pub mod emit_pagination;
pub mod error;
pub mod format;
pub mod generate;
pub mod load;
pub mod locate;
pub mod lower;
pub mod open_enums;
pub mod postprocess;
pub mod regen;
pub mod rust_names;
pub mod scaffold;
pub mod validate;
pub mod walk;
pub mod write;

use std::collections::BTreeMap;

pub use error::{Error, Errors, Location};

/// One generated crate, in memory: its directory and the text of every file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCrate {
    /// The package name, for example `ontap-client`.
    pub name: String,
    /// File paths relative to the crate directory, with their contents.
    pub files: BTreeMap<String, String>,
}

/// The crate name for a spec file stem: `ontap` gives `ontap-client`.
pub fn crate_name(spec_stem: &str) -> String {
    format!("{spec_stem}-client")
}

/// Runs the whole pipeline on one spec. `spec_path` is workspace-relative (`specs/ontap.yaml`);
/// it names the crate and appears in messages and file headers.
pub fn generate_crate(spec_path: &str, text: &str) -> Result<GeneratedCrate, Errors> {
    let stem = std::path::Path::new(spec_path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(spec_path);
    let name = crate_name(stem);
    let spec = load::load(spec_path, text)?;
    validate::validate(&spec)?;
    let lowered = lower::lower(&spec)?;
    let tokens = generate::generate(&spec, &lowered)?;
    let modules = postprocess::split(tokens).map_err(|message| spec.error_at("", None, message))?;
    let mut files = BTreeMap::new();
    let auth = emit_auth::emit(&spec, &lowered)?;
    files.insert(
        "src/auth.rs".to_string(),
        format::module_file(spec_path, &auth),
    );
    let errors = emit_errors::emit(&spec, &lowered)?;
    files.insert(
        "src/errors.rs".to_string(),
        format::module_file(spec_path, &errors),
    );
    if let Some(pagination) = emit_pagination::emit(&spec, &lowered)? {
        files.insert(
            "src/pagination.rs".to_string(),
            format::module_file(spec_path, &pagination),
        );
    }
    let mock = generate::generate_mock(&spec, &lowered)?;
    let mock: syn::File = syn::parse2(mock).map_err(|e| {
        spec.error_at(
            "",
            None,
            format!("progenitor emitted mock code syn cannot parse: {e}"),
        )
    })?;
    files.insert(
        "src/mock.rs".to_string(),
        format::module_file(spec_path, &postprocess::one_doc_line_per_attribute(mock)),
    );
    files.insert(
        "src/client.rs".to_string(),
        format::module_file(spec_path, &modules.client),
    );
    files.insert(
        "src/builder.rs".to_string(),
        format::module_file(spec_path, &modules.builder),
    );
    files.insert(
        "src/types.rs".to_string(),
        format::module_file(spec_path, &modules.types),
    );
    let code: String = files.values().map(String::as_str).collect();
    let info = scaffold::CrateInfo::new(&name, spec_path, &lowered);
    files.insert("Cargo.toml".to_string(), scaffold::cargo_toml(&info, &code));
    files.insert("README.md".to_string(), scaffold::readme(&info));
    files.insert("src/lib.rs".to_string(), scaffold::lib_rs(&info));
    Ok(GeneratedCrate { name, files })
}
