//! Generation at scale: the whole pipeline (load, lower, engine, model, emitters, format)
//! against progenitor alone (generate the client, format it) on the largest corpus documents,
//! interleaved in one run; prints medians and ratios. Run with
//! `cargo bench -p generator --bench scale` (`ROUNDS=n` for more rounds); docs/PERFORMANCE.md
//! has the figures.
//!
//! Two baselines: raw progenitor on the document as published (it refuses GitHub's), and
//! progenitor on the document as the pipeline hands it over (lowered, answers read by the
//! crate's own code), which is the engine's share of the pipeline's work.

use std::path::Path;
use std::time::{Duration, Instant};

use generator::baseline::{RawOutcome, parse, progenitor_alone, raw_progenitor};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus/progenitor");
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(7);
    println!(
        "{:<22} {:>10} {:>12} {:>7} {:>12} {:>7}",
        "document", "pipeline", "raw", "ratio", "engine view", "ratio"
    );
    for file in ["nexus.json", "api.github.com.json"] {
        let spec_path = format!("tests/corpus/progenitor/{file}");
        let text = std::fs::read_to_string(corpus.join(file)).unwrap();
        let (mut spec, _) = generator::load::load(&spec_path, &text).unwrap();
        let document = std::mem::take(&mut spec.document);
        let (lowered, _) = generator::lower::lower(&spec, document).unwrap();
        // The engine's view as a document of its own, read from text like any other.
        let view_text =
            serde_json::to_string(&generator::engine::client_view(&lowered).unwrap()).unwrap();
        let (mut ours, mut raw, mut view) = (Vec::new(), Vec::new(), Vec::new());
        let mut raw_runs = true;
        for _ in 0..rounds {
            let started = Instant::now();
            let generated = generator::generate_crate(&spec_path, &text);
            ours.push(started.elapsed());
            assert!(generated.is_ok(), "{file}: {}", generated.unwrap_err());

            let started = Instant::now();
            let outcome = raw_progenitor(&parse(file, &text).unwrap());
            raw.push(started.elapsed());
            raw_runs &= matches!(outcome, RawOutcome::Generated(_));

            let started = Instant::now();
            let outcome = progenitor_alone(serde_json::from_str(&view_text).unwrap());
            view.push(started.elapsed());
            assert!(
                matches!(outcome, RawOutcome::Generated(_)),
                "{file}: {}",
                outcome.summary()
            );
        }
        let (ours, raw, view) = (median(ours), median(raw), median(view));
        let raw_columns = if raw_runs {
            format!(
                "{:>9.0} ms {:>6.2}x",
                millis(raw),
                ours.as_secs_f64() / raw.as_secs_f64()
            )
        } else {
            format!("{:>12} {:>7}", "refuses", "-")
        };
        println!(
            "{file:<22} {:>7.0} ms {raw_columns} {:>9.0} ms {:>6.2}x",
            millis(ours),
            millis(view),
            ours.as_secs_f64() / view.as_secs_f64()
        );
    }
}
