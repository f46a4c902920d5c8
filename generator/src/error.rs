//! The generator's error type: every failure names the spec file and where in it, compiler style.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where in a spec a problem is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// The spec's path as the user gave it, for example `specs/ontap.yaml`.
    pub file: String,
    /// Line and column (both 1-based), when known.
    pub line_col: Option<(usize, usize)>,
    /// JSON pointer into the document, when the problem belongs to a node.
    pub pointer: Option<String>,
    /// The `operationId` of the operation the problem belongs to, if any.
    pub operation: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        Ok(())
    }
}

/// What went wrong, in one lowercase line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub struct Error {
    /// Where the problem is.
    pub location: Location,
    /// What the problem is.
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        self.location.fmt_pointer(f)
    }
}

impl Location {
    /// ` (at #pointer, operation id)`, the part of a message after the text.
    fn fmt_pointer(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.pointer, &self.operation) {
            (Some(pointer), Some(operation)) => {
                write!(f, " (at #{pointer}, operation {operation})")
            }
            (Some(pointer), None) if !pointer.is_empty() => write!(f, " (at #{pointer})"),
            (None, Some(operation)) => write!(f, " (operation {operation})"),
            _ => Ok(()),
        }
    }
}

/// Something the generator dropped or rewrote to carry a spec it could not take as written.
/// The spec still generates; `cargo xtask regen` prints each note, and the crate's docs list them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Note {
    /// Where the construct is.
    pub location: Location,
    /// What was done, in one lowercase line.
    pub message: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: note: {}", self.location, self.message)?;
        self.location.fmt_pointer(f)
    }
}

impl Note {
    /// The note without its file and line, for the crate docs: `message (at #pointer)`.
    pub fn without_file(&self) -> String {
        struct Tail<'a>(&'a Note);
        impl fmt::Display for Tail<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.message)?;
                self.0.location.fmt_pointer(f)
            }
        }
        Tail(self).to_string()
    }
}

/// Everything wrong with one spec; validation reports all problems it finds, not just the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub struct Errors(pub Vec<Error>);

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Self {
        Errors(vec![error])
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_token`].
pub fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
