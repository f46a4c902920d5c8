//! Generates one document's crate into a directory, the way `cargo xtask regen` generates
//! each spec, or with `--raw` writes what raw progenitor makes of the same document; for
//! `generator/scripts/large-crate.sh`, which measures time and memory around it.
//!
//! `cargo run --release -p generator --example generate_one -- [--raw] SPEC OUT_DIR`

use std::path::Path;
use std::process::ExitCode;

use generator::baseline::{RawOutcome, parse, raw_progenitor};

fn write(dir: &Path, file: &str, contents: &str) -> std::io::Result<()> {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap_or(dir))?;
    std::fs::write(path, contents)
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let raw = args.first().is_some_and(|a| a == "--raw");
    if raw {
        args.remove(0);
    }
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: generate_one [--raw] SPEC OUT_DIR");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(spec) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{spec}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let out = Path::new(out);
    let written = if raw {
        let outcome = parse(spec, &text)
            .map(|document| raw_progenitor(&document))
            .unwrap_or_else(RawOutcome::Unreadable);
        match outcome {
            RawOutcome::Generated(code) => write(out, "src/lib.rs", &code).map(|()| 0),
            other => {
                eprintln!("raw progenitor {}", other.summary());
                return ExitCode::FAILURE;
            }
        }
    } else {
        match generator::generate_crate(spec, &text) {
            Ok(generated) => generated
                .krate
                .files
                .iter()
                .try_for_each(|(file, contents)| write(out, file, contents))
                .map(|()| generated.operations.len()),
            Err(errors) => {
                eprintln!("{errors}");
                return ExitCode::FAILURE;
            }
        }
    };
    match written {
        Ok(count) => {
            println!("{count}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", out.display());
            ExitCode::FAILURE
        }
    }
}
