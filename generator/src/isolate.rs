//! Runs the pipeline in a child process, so that an engine failure no guard can catch (a stack
//! overflow aborts the whole process) costs the child, not the generator. When a child dies,
//! the parent finds the part it died on by running the engine on each part in further
//! children, sets that part aside with a note, and runs the pipeline again.
//!
//! A program that offers isolation calls [`serve`] when its first argument is
//! [`CHILD_ARGUMENT`]; `cargo xtask regen` does.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::engine::{self, Drops, Failure};
use crate::error::Errors;
use crate::{Generated, load, lower};

/// The first argument that makes a program serve one request as a child.
pub const CHILD_ARGUMENT: &str = "__generator-child";

/// How many times a spec is run again after its child died.
const MAX_RESTARTS: usize = 16;

/// What a child is asked to do.
#[derive(Serialize, Deserialize)]
enum Request {
    /// The whole pipeline, with parts set aside.
    Generate {
        spec_path: String,
        text: String,
        name: String,
        drops: Drops,
    },
    /// The engine alone, on a lowered document.
    Check { document: Value },
    /// Raw progenitor on a document, for the corpus table.
    Raw { file: String, text: String },
}

/// What a child answers.
#[derive(Serialize, Deserialize)]
enum Reply {
    Generated(Box<Result<Generated, Errors>>),
    Checked(Result<(), Failure>),
    Raw(crate::baseline::RawOutcome),
}

/// Serves one request read from standard input, answering on standard output.
pub fn serve() -> std::process::ExitCode {
    let mut input = Vec::new();
    if std::io::stdin().read_to_end(&mut input).is_err() {
        return std::process::ExitCode::FAILURE;
    }
    serve_request(&input)
}

/// Serves one request (the bytes a parent sent), answering on standard output.
pub fn serve_request(input: &[u8]) -> std::process::ExitCode {
    let Ok(request) = serde_json::from_slice::<Request>(input) else {
        return std::process::ExitCode::FAILURE;
    };
    let reply = match request {
        Request::Generate {
            spec_path,
            text,
            name,
            drops,
        } => Reply::Generated(Box::new(crate::generate_crate_with(
            &spec_path, &text, &name, &drops,
        ))),
        Request::Check { document } => {
            Reply::Checked(engine::on_large_stack(|| engine::check(&document)))
        }
        Request::Raw { file, text } => Reply::Raw(crate::baseline::raw_outcome(&file, &text)),
    };
    let written = serde_json::to_writer(std::io::stdout().lock(), &reply);
    if written.is_err() || std::io::stdout().flush().is_err() {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

/// How to start a child: a program and the arguments before [`CHILD_ARGUMENT`].
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The program, usually the running one (`std::env::current_exe()`).
    pub program: PathBuf,
    /// Arguments it needs before [`CHILD_ARGUMENT`].
    pub arguments: Vec<String>,
}

impl Isolation {
    /// Isolation in a copy of the running program.
    pub fn current_exe() -> std::io::Result<Self> {
        Ok(Isolation {
            program: std::env::current_exe()?,
            arguments: Vec::new(),
        })
    }

    /// Sends `request` to a new child; `Err` describes how the child died.
    fn call(&self, request: &Request) -> Result<Reply, String> {
        let mut child = Command::new(&self.program)
            .args(&self.arguments)
            .arg(CHILD_ARGUMENT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", self.program.display()))?;
        let body = serde_json::to_vec(request).map_err(|e| e.to_string())?;
        let mut stdin = child.stdin.take().ok_or("no stdin")?;
        let writer = std::thread::spawn(move || stdin.write_all(&body));
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        let _ = writer.join();
        if output.status.success()
            && let Ok(reply) = serde_json::from_slice(&output.stdout)
        {
            return Ok(reply);
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message");
        Err(format!("{} ({})", output.status, last.trim()))
    }

    fn check(&self, document: &Value) -> Result<(), Failure> {
        match self.call(&Request::Check {
            document: document.clone(),
        }) {
            Ok(Reply::Checked(outcome)) => outcome,
            Ok(_) => Err(Failure::Crash("the child answered another request".into())),
            Err(died) => Err(Failure::Crash(died)),
        }
    }

    /// Raw progenitor's outcome on a document, in a child: it may well abort.
    pub fn raw_progenitor(&self, file: &str, text: &str) -> crate::baseline::RawOutcome {
        match self.call(&Request::Raw {
            file: file.to_string(),
            text: text.to_string(),
        }) {
            Ok(Reply::Raw(outcome)) => outcome,
            Ok(_) => {
                crate::baseline::RawOutcome::Aborted("the child answered another request".into())
            }
            Err(died) => crate::baseline::RawOutcome::Aborted(died),
        }
    }

    /// Runs the pipeline on one spec in a child; when the child dies, sets aside the part it
    /// died on and runs it again.
    pub fn generate(&self, spec_path: &str, text: &str) -> Result<Generated, Errors> {
        let name = crate::crate_name(crate::spec_stem(spec_path));
        self.generate_as(spec_path, text, &name)
    }

    /// [`Isolation::generate`] under another crate name.
    pub fn generate_as(
        &self,
        spec_path: &str,
        text: &str,
        name: &str,
    ) -> Result<Generated, Errors> {
        let mut drops = Drops::default();
        for _ in 0..MAX_RESTARTS {
            let died = match self.call(&Request::Generate {
                spec_path: spec_path.to_string(),
                text: text.to_string(),
                name: name.to_string(),
                drops: drops.clone(),
            }) {
                Ok(Reply::Generated(outcome)) => return *outcome,
                Ok(_) => "the child answered another request".to_string(),
                Err(died) => died,
            };
            // The parent's own stages cannot crash; only the engine runs in children.
            let (mut spec, _) = load::load(spec_path, text)?;
            let document = std::mem::take(&mut spec.document);
            let (mut lowered, mut notes) = lower::lower(&spec, document)?;
            drops.apply(&spec, &mut lowered, &mut notes);
            match engine::blame(&lowered, &|document| self.check(document)) {
                Some((culprit, failure)) => drops.0.push((culprit, failure.to_string())),
                None => {
                    return Err(spec
                        .error_at(
                            "",
                            None,
                            format!("the generator's child process died: {died}"),
                        )
                        .into());
                }
            }
        }
        let (spec, _) = load::load(spec_path, text)?;
        Err(spec
            .error_at("", None, "the engine keeps dying after setting parts aside")
            .into())
    }
}
