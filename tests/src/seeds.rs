//! Pulls the JSON documents a vendor page prints (sample requests, responses, errors) out of its
//! plain-text capture, so tests can compare them with the examples in the spec.

use serde_json::Value;

/// Text that, on these captures, comes right before a printed JSON document.
const MARKERS: [&str; 5] = [
    "RESPONSE\n",
    "Response Body: ",
    "Example response\n",
    "Example error\n",
    "-d '",
];

/// One JSON document printed on a page.
#[derive(Debug, Clone)]
pub struct Printed {
    /// 1-based line of the capture where the document starts.
    pub line: usize,
    /// The marker that introduced it, trimmed.
    pub marker: &'static str,
    /// The document.
    pub value: Value,
}

/// Every JSON document that follows one of the markers in `capture`, in page order.
///
/// A marker followed by something that is not JSON (for example `[*/* content]`) is skipped;
/// a marker followed by broken JSON is an error naming the line.
pub fn printed_documents(capture: &str) -> Result<Vec<Printed>, String> {
    let mut found = Vec::new();
    for marker in MARKERS {
        for (at, _) in capture.match_indices(marker) {
            let start = at + marker.len();
            if !capture[start..].starts_with('{') {
                continue;
            }
            let line = capture[..start].matches('\n').count() + 1;
            let mut stream =
                serde_json::Deserializer::from_str(&capture[start..]).into_iter::<Value>();
            match stream.next() {
                Some(Ok(value)) => found.push(Printed {
                    line,
                    marker: marker.trim(),
                    value,
                }),
                Some(Err(e)) => {
                    return Err(format!("line {line}: printed JSON does not parse: {e}"));
                }
                None => {}
            }
        }
    }
    found.sort_by_key(|printed| printed.line);
    Ok(found)
}

/// The single-value examples a page prints for fields and parameters (`Example:"/dir-dest"`,
/// `Example: 7B26...`), as JSON values: quoted ones as strings, bare numbers as numbers.
pub fn field_examples(capture: &str) -> Vec<(usize, Value)> {
    capture
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let raw = line.strip_prefix("Example:")?.trim();
            let value =
                serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
            Some((index + 1, value))
        })
        .collect()
}
