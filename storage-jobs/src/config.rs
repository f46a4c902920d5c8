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
    /// Seconds each system may take to list its jobs, and each request (default 60).
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// The memory all systems' answers and jobs may take together, in MiB (default 1024):
    /// each system gets an equal share for its response bodies and the jobs it lists, so any
    /// number of misbehaving systems cannot take more.
    #[serde(default = "default_memory_limit")]
    pub memory_limit_mib: u64,
    /// The systems, in the order they are shown.
    #[serde(default, rename = "system")]
    pub systems: Vec<SystemConfig>,
}

fn default_timeout() -> u64 {
    60
}

fn default_memory_limit() -> u64 {
    1024
}

/// A TOML error as `path:line:col: message`, without the line it quotes: that line may hold a
/// secret written where it does not belong, and so may a quoted value in the message.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> anyhow::Error {
    let place = error
        .span()
        .map(|span| {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!(":{line}:{column}")
        })
        .unwrap_or_default();
    anyhow::anyhow!(
        "{}{place}: {}",
        path.display(),
        redact_quoted(error.message().trim_end())
    )
}

/// Every double-quoted string in `message` replaced by `"…"`.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    let mut escaped = false;
    for c in message.chars() {
        if inside {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                inside = false;
                out.push_str("…\"");
            }
            continue;
        }
        out.push(c);
        inside = c == '"';
    }
    if inside {
        out.push('…');
    }
    out
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
    /// Where to get access tokens instead of the vendor's token endpoint (a private identity
    /// provider, a proxy, a simulator): the whole URL.
    pub token_url: Option<String>,
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
    /// A bearer token pasted in (VSP One Object, VSPC, BlueXP); it is not renewed.
    pub token: Option<Source>,
    /// A refresh token the client renews its access token with (VSPC, BlueXP user).
    pub refresh_token: Option<Source>,
    /// An OAuth client (BlueXP service account, VSP One Object's Keycloak client).
    pub client_id: Option<Source>,
    /// That client's secret.
    pub client_secret: Option<Source>,
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
        let text = crate::files::read_text(path, crate::files::CONFIG_LIMIT)
            .map_err(anyhow::Error::msg)
            .context("reading the configuration")?;
        let config: Config = toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))?;
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
        if config.memory_limit_mib == 0 || config.timeout_seconds == 0 {
            bail!(
                "{}: `memory_limit_mib` and `timeout_seconds` must be above 0",
                path.display()
            );
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
            Source::Env { env } => match std::env::var(env) {
                Ok(value) if secret && value.trim().is_empty() => {
                    Err(format!("`{field}`: environment variable {env} is empty"))
                }
                Ok(value) => Ok(value),
                Err(_) => Err(format!(
                    "`{field}`: environment variable {env} is not set (or not UTF-8)"
                )),
            },
            Source::File { file } if secret => {
                crate::files::read_secret(file).map_err(|e| format!("`{field}`: {e}"))
            }
            Source::File { file } => crate::files::read_text(file, crate::files::SECRET_LIMIT)
                .map(|text| text.trim().to_string())
                .map_err(|e| format!("`{field}`: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_errors_are_located_and_quote_no_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        for text in [
            "[[system]]\nname = \"a\"\npassword = \"hunter2\" oops\n",
            "[[system]]\nname = \"a\"\nkind = \"ontap\"\nurl = \"https://h\"\ncredentials = { password = 1, username = \"hunter2\" }\n",
            "timeout_seconds = \"hunter2\"\n",
            "[[system]]\nname = \"hunter2\nkind = 1\n",
        ] {
            std::fs::write(&path, text).unwrap();
            let error = format!("{:#}", Config::load(&path).unwrap_err());
            assert!(!error.contains("hunter2"), "{error}");
            assert!(error.contains("config.toml:"), "{error}");
        }
        assert_eq!(redact_quoted(r#"a "b\"c" d "e"#), r#"a "…" d "…"#);
    }
}
