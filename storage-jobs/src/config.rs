//! The configuration file: which systems to query, where they are, how to reach them, and where
//! their credentials come from (environment variables or files, never the file itself).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use jobs::Vendor;
use serde::Deserialize;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Seconds each system may take to list its jobs (default 60).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// The systems, in the order they are shown.
    #[serde(default, rename = "system")]
    pub systems: Vec<SystemConfig>,
}

fn default_timeout() -> u64 {
    60
}

/// One system.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SystemConfig {
    /// A name for output and filters.
    pub name: String,
    /// Which API: hnas, vsp-object, vspc, bluexp-backup or ontap.
    pub kind: String,
    /// The API's base URL, for example `https://cluster.example.com/api`.
    pub url: String,
    /// Credentials; which ones depends on `kind`.
    #[serde(default)]
    pub credentials: Credentials,
    /// TLS settings.
    #[serde(default)]
    pub tls: Tls,
    /// HNAS: the file system IDs whose clone jobs to list.
    #[serde(default)]
    pub filesystems: Vec<String>,
    /// BlueXP: the account ID.
    pub account: Option<String>,
    /// Seconds this system may take (overrides the file's `timeout_seconds`).
    pub timeout_seconds: Option<u64>,
}

/// Where a value comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Source {
    /// Written in the file: allowed only for values that are not secret (a user name).
    Inline(String),
    /// An environment variable.
    Env {
        /// Its name.
        env: String,
    },
    /// A file whose contents (trimmed) are the value.
    File {
        /// Its path.
        file: PathBuf,
    },
}

/// Credential fields; each kind uses some of them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// HNAS API key.
    pub api_key: Option<Source>,
    /// User name (HNAS, ONTAP).
    pub username: Option<Source>,
    /// Password (HNAS, ONTAP).
    pub password: Option<Source>,
    /// HNAS subsystem user.
    pub subsystem_user: Option<Source>,
    /// HNAS subsystem password.
    pub subsystem_password: Option<Source>,
    /// Bearer token (VSP One Object, VSPC, BlueXP).
    pub token: Option<Source>,
    /// BlueXP Connector ID.
    pub agent_id: Option<Source>,
}

/// TLS settings of one system.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tls {
    /// A PEM file of extra root certificates (the appliance's CA or its self-signed certificate).
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate; only for an appliance whose certificate you cannot get.
    #[serde(default)]
    pub danger_accept_invalid_certificates: bool,
}

impl Config {
    /// Reads and checks the file; errors name the file and, from the TOML parser, the line.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration {}", path.display()))?;
        let config: Config = toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.to_string().trim_end()))?;
        let mut names = std::collections::BTreeSet::new();
        for system in &config.systems {
            if !names.insert(system.name.as_str()) {
                bail!(
                    "{}: two systems are named `{}`",
                    path.display(),
                    system.name
                );
            }
            if Vendor::from_name(&system.kind).is_none() {
                let kinds: Vec<_> = Vendor::ALL.iter().map(|v| v.name()).collect();
                bail!(
                    "{}: system `{}` has kind `{}`; use one of {}",
                    path.display(),
                    system.name,
                    system.kind,
                    kinds.join(", ")
                );
            }
        }
        if config.systems.is_empty() {
            bail!("{}: no [[system]] is configured", path.display());
        }
        Ok(config)
    }

    /// The default location: `$STORAGE_JOBS_CONFIG`, else `$XDG_CONFIG_HOME/storage-jobs/config.toml`,
    /// else `~/.config/storage-jobs/config.toml`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os("STORAGE_JOBS_CONFIG") {
            return Some(PathBuf::from(path));
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
        Some(base.join("storage-jobs").join("config.toml"))
    }
}

impl SystemConfig {
    /// The per-system timeout.
    pub fn timeout(&self, default_seconds: u64) -> Duration {
        Duration::from_secs(self.timeout_seconds.unwrap_or(default_seconds))
    }
}

impl Source {
    /// The value; `secret` forbids inline values, so secrets never sit in the file.
    pub fn read(&self, field: &str, secret: bool) -> Result<String, String> {
        match self {
            Source::Inline(_) if secret => Err(format!(
                "`{field}` is written in the file; secrets must come from {{ env = \"NAME\" }} or {{ file = \"PATH\" }}"
            )),
            Source::Inline(value) => Ok(value.clone()),
            Source::Env { env } => std::env::var(env)
                .map_err(|_| format!("`{field}`: environment variable {env} is not set")),
            Source::File { file } => std::fs::read_to_string(file)
                .map(|text| text.trim().to_string())
                .map_err(|e| format!("`{field}`: reading {}: {e}", file.display())),
        }
    }
}
