//! Repository tasks. `cargo xtask regen [--check] [--spec NAME]` regenerates the client crates
//! under `generated/` from `specs/`, or with `--check` proves they are fresh without writing.

mod regen;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask regen [--check] [--spec NAME]...

  regen          regenerate generated/<NAME>-client from specs/<NAME>.yaml, for every spec
  --check        write nothing; print a diff and fail if generated/ is stale
  --spec NAME    only this spec (repeatable), for example --spec ontap";

fn main() -> std::process::ExitCode {
    match run(std::env::args().skip(1).collect()) {
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
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--check" => options.check = true,
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
            regen::run(&options)
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(std::process::ExitCode::SUCCESS)
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
}
