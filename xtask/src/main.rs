//! Repository tasks. `cargo xtask regen [--check] [--spec NAME]` regenerates the client crates
//! under `generated/` from `specs/`, or with `--check` proves they are fresh without writing;
//! `cargo xtask corpus` generates every corpus document into a scratch workspace for CI to
//! build, and keeps `docs/CORPUS.md` true.

mod corpus;
mod regen;
mod release;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask regen [--check | --report] [--spec NAME]...
       cargo xtask release CRATE... [--date YYYY-MM-DD]
       cargo xtask corpus [--table]

  regen          regenerate generated/<NAME>-client from specs/<NAME>.{yaml,yml,json}, for every spec,
                 and print what changed in each crate since its release, with its new version
  --check        write nothing; print a diff and the changes, and fail if generated/ is stale
  --report       write nothing; print the changes as Markdown for a pull request description
  --spec NAME    only this spec (repeatable), for example --spec ontap
  release        record the crates' current versions as released (CHANGELOG.md and release.yaml);
                 CRATE is a package (ontap-client) or a spec name (ontap); `--all` for every one
  --date         the release date for the changelog (default: today, UTC)
  corpus         generate every document under tests/corpus/ into target/corpus/ (a workspace
                 for CI to build) and raw progenitor's code into target/corpus-raw/
  --table        also rewrite the table in docs/CORPUS.md";

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // A copy of this program runs the generator's pipeline in isolation (see regen.rs).
    if args.first().map(String::as_str) == Some(generator::isolate::CHILD_ARGUMENT) {
        return generator::isolate::serve();
    }
    match run(args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<std::process::ExitCode> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("regen") => {
            let mut options = generator::regen::Request::default();
            let mut markdown = false;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => options.check = true,
                    "--report" => markdown = true,
                    "--spec" => match args.next() {
                        Some(name) => options.specs.push(name),
                        None => bail!("--spec needs a spec name\n\n{USAGE}"),
                    },
                    "-h" | "--help" => {
                        println!("{USAGE}");
                        return Ok(std::process::ExitCode::SUCCESS);
                    }
                    other => bail!("unknown argument `{other}`\n\n{USAGE}"),
                }
            }
            if markdown && options.check {
                bail!("--check and --report do not go together\n\n{USAGE}");
            }
            regen::run(options, markdown)
        }
        Some("release") => {
            let (mut crates, mut date, mut all) = (Vec::new(), None, false);
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--date" => match args.next() {
                        Some(value) => date = Some(value),
                        None => bail!("--date needs a date (YYYY-MM-DD)\n\n{USAGE}"),
                    },
                    "--all" => all = true,
                    other if other.starts_with('-') => {
                        bail!("unknown argument `{other}`\n\n{USAGE}")
                    }
                    name => crates.push(name.to_string()),
                }
            }
            if crates.is_empty() && !all {
                bail!("name the crates to release, or `--all`\n\n{USAGE}");
            }
            release::run(&crates, date)
        }
        Some("corpus") => {
            let mut table = false;
            for arg in args {
                match arg.as_str() {
                    "--table" => table = true,
                    other => bail!("unknown argument `{other}`\n\n{USAGE}"),
                }
            }
            corpus::run(table)
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}
