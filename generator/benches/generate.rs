//! Generation speed: the whole pipeline on the five specs against progenitor alone on the
//! same (already lowered) specs, and an in-process `regen --check`.
//!
//! Run with `cargo bench -p generator --bench generate`; docs/PERFORMANCE.md has the figures.

use std::path::{Path, PathBuf};

use generator::regen::{self, Request};

fn main() {
    divan::main();
}

const SPECS: [&str; 5] = ["hnas", "vsp-object", "vspc", "bluexp-backup", "ontap"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn sources() -> Vec<(String, String)> {
    SPECS
        .iter()
        .map(|name| {
            let path = format!("specs/{name}.yaml");
            let text = std::fs::read_to_string(root().join(&path)).unwrap();
            (path, text)
        })
        .collect()
}

/// The full pipeline (load, validate, lower, progenitor, split, format, scaffold) for all five.
#[divan::bench]
fn pipeline_all_five(bencher: divan::Bencher) {
    let sources = sources();
    bencher.bench(|| {
        for (path, text) in &sources {
            divan::black_box(generator::generate_crate(path, text).unwrap());
        }
    });
}

/// Baseline: progenitor's `generate_tokens` alone on the same five specs, already lowered.
#[divan::bench]
fn progenitor_alone_all_five(bencher: divan::Bencher) {
    let lowered: Vec<openapiv3::OpenAPI> = sources()
        .iter()
        .map(|(path, text)| {
            let spec = generator::load::load(path, text).unwrap();
            let document = generator::lower::lower(&spec).unwrap();
            generator::load::to_openapi(&spec, &document).unwrap()
        })
        .collect();
    bencher.bench(|| {
        for openapi in &lowered {
            let mut progenitor = progenitor::Generator::new(&generator::generate::settings());
            divan::black_box(progenitor.generate_tokens(openapi).unwrap());
        }
    });
}

/// `cargo xtask regen --check` without cargo: generate everything and compare with the tree.
#[divan::bench(sample_count = 20)]
fn regen_check_in_process() {
    let report = regen::regenerate(
        &root(),
        &Request {
            check: true,
            ..Request::default()
        },
    )
    .unwrap();
    assert!(report.is_fresh());
}
