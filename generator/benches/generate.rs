//! Generation speed on the five specs: the whole pipeline against progenitor alone on the same
//! (already lowered) specs, and an in-process `regen --check`. `benches/scale.rs` does the same
//! on the largest corpus documents.
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

/// Baseline: progenitor alone (generate the client, format it) on the same five specs as the
/// pipeline hands them over (lowered), read from their JSON text.
#[divan::bench]
fn progenitor_alone_all_five(bencher: divan::Bencher) {
    let views: Vec<String> = sources()
        .iter()
        .map(|(path, text)| {
            let (mut spec, _) = generator::load::load(path, text).unwrap();
            let document = std::mem::take(&mut spec.document);
            let (lowered, _) = generator::lower::lower(&spec, document).unwrap();
            serde_json::to_string(&generator::engine::client_view(&lowered).unwrap()).unwrap()
        })
        .collect();
    bencher.bench(|| {
        for view in &views {
            let outcome =
                generator::baseline::progenitor_alone(serde_json::from_str(view).unwrap());
            divan::black_box(outcome);
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
