//! Reading the files a configuration names (the configuration itself, secrets, CA
//! certificates) so that no file can hang the run or fill memory: only regular files are
//! opened (a named pipe without a writer would block forever, `/dev/zero` never ends), and
//! never more than a limit is read. Secret files must not be writable by others, like ssh's keys.

use std::io::Read;
use std::path::Path;

/// The most a configuration file may hold.
pub const CONFIG_LIMIT: u64 = 1024 * 1024;
/// The most a secret file may hold.
pub const SECRET_LIMIT: u64 = 64 * 1024;
/// The most a PEM file of root certificates may hold.
pub const PEM_LIMIT: u64 = 4 * 1024 * 1024;

/// The metadata of `path` if it is a regular file: a named pipe without a writer would block
/// the open, and a device may never end.
fn regular_file(path: &Path) -> Result<std::fs::Metadata, String> {
    let metadata = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!(
            "{}: is not a regular file (a directory, device or named pipe)",
            path.display()
        ));
    }
    Ok(metadata)
}

/// At most `limit` bytes of the regular file at `path`, whose `metadata` was read already (a
/// file that grows after that is still cut at the limit).
fn read_regular(path: &Path, metadata: &std::fs::Metadata, limit: u64) -> Result<Vec<u8>, String> {
    let too_large = || format!("{}: is larger than {limit} bytes", path.display());
    if metadata.len() > limit {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| format!("{}: is not UTF-8 text", path.display()))
}

/// The bytes of the regular file at `path`, at most `limit` of them; the error says what is
/// wrong without the file's contents.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    read_regular(path, &regular_file(path)?, limit)
}

/// The text of a regular file, at most `limit` bytes of UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, String> {
    utf8(path, read_bounded(path, limit)?)
}

/// A secret from a file: refused when others may write the file (they could swap the
/// credential) or when it holds nothing; surrounding whitespace is trimmed.
pub fn read_secret(path: &Path) -> Result<String, String> {
    let metadata = regular_file(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o022 != 0 {
            return Err(format!(
                "{}: other users can write this secret file (mode {:o}); run `chmod go-w` on it",
                path.display(),
                mode & 0o777
            ));
        }
    }
    let text = utf8(path, read_regular(path, &metadata, SECRET_LIMIT)?)?;
    let secret = text.trim();
    if secret.is_empty() {
        return Err(format!("{}: the secret file is empty", path.display()));
    }
    Ok(secret.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, "abc").unwrap();
        assert_eq!(read_text(&small, 3).unwrap(), "abc");
        assert!(
            read_text(&small, 2)
                .unwrap_err()
                .contains("larger than 2 bytes")
        );
        assert!(
            read_text(dir.path(), 10)
                .unwrap_err()
                .contains("not a regular file")
        );
        #[cfg(unix)]
        assert!(
            read_text(Path::new("/dev/zero"), 10)
                .unwrap_err()
                .contains("not a regular file")
        );
    }

    #[cfg(unix)]
    #[test]
    fn secret_files_others_can_write_or_empty_ones_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "  hunter2\n").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_secret(&secret).unwrap(), "hunter2");
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o666)).unwrap();
        let error = read_secret(&secret).unwrap_err();
        assert!(
            error.contains("other users can write") && !error.contains("hunter2"),
            "{error}"
        );
        std::fs::write(&secret, " \n").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(read_secret(&secret).unwrap_err().contains("empty"));
    }
}
