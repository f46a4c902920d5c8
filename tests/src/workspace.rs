//! Where the specs, the source documents and the generated crates live.

use std::path::{Path, PathBuf};

/// One API of the workspace: its spec file stem and the source document it was transcribed from.
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// The spec's file stem under `specs/`, which is also the generated crate's prefix.
    pub name: &'static str,
    /// The file name of the source document under the seeds directory.
    pub seed: &'static str,
}

/// Every API, in the order of `../shared/seeds/README.md`.
pub const APIS: [Api; 5] = [
    Api {
        name: "hnas",
        seed: "000_6422c009eb0a1f15.txt",
    },
    Api {
        name: "vsp-object",
        seed: "001_18ad4df258aad498.txt",
    },
    Api {
        name: "vspc",
        seed: "002_71d6ded0adc5fd52.txt",
    },
    Api {
        name: "bluexp-backup",
        seed: "003_a2bebd23e03725bb.txt",
    },
    Api {
        name: "ontap",
        seed: "004_170cdda7be8c0e12.txt",
    },
];

/// The workspace root (the parent of this package's directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests package sits inside the workspace")
        .to_path_buf()
}

impl Api {
    /// Path of the spec, relative to the workspace root, as it appears in messages.
    pub fn spec_rel(&self) -> String {
        format!("specs/{}.yaml", self.name)
    }

    /// Absolute path of the spec.
    pub fn spec_path(&self) -> PathBuf {
        root().join(self.spec_rel())
    }

    /// The spec as a JSON value (YAML read through serde_yaml).
    pub fn spec_json(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.spec_path())
            .unwrap_or_else(|e| panic!("{}: {e}", self.spec_rel()));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", self.spec_rel()))
    }

    /// The spec parsed into the `openapiv3` model that the generator uses.
    pub fn spec_model(&self) -> openapiv3::OpenAPI {
        serde_json::from_value(self.spec_json())
            .unwrap_or_else(|e| panic!("{}: not an OpenAPI 3.0 document: {e}", self.spec_rel()))
    }
}

/// Where the source documents are: `$SEEDS_DIR`, or `shared/seeds` beside the workspace.
pub fn seeds_dir() -> PathBuf {
    match std::env::var_os("SEEDS_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => root().join("../shared/seeds"),
    }
}

/// Copies a directory tree (for scratch copies of the workspace).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
