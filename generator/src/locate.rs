//! Maps JSON pointers to line and column in the spec's source text (YAML or JSON), so semantic
//! errors and notes read like compiler messages. Nothing is indexed until a message needs a
//! place, and then only the nodes on the way to the pointers asked for: a spec that generates
//! without a message never pays for it, and one with a few notes pays for a scan, not an index.

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::error::escape_token;

/// The syntax a spec is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// YAML (which also reads most JSON).
    Yaml,
    /// JSON.
    Json,
}

/// Line and column (1-based) of the nodes of a document, keyed by JSON pointer. A mapping
/// entry is located at its key, the place a reader looks for it.
#[derive(Debug)]
pub struct SourceMap {
    source: String,
    syntax: Syntax,
}

impl SourceMap {
    /// A map over `source`; nothing is indexed until something is located.
    pub fn new(source: &str, syntax: Syntax) -> Self {
        SourceMap {
            source: source.to_string(),
            syntax,
        }
    }

    /// A map that locates nothing, for documents made in memory.
    pub fn empty() -> Self {
        SourceMap::new("", Syntax::Json)
    }

    /// Where `pointer` is, or where its nearest located ancestor is.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        self.locate_all(&[pointer]).pop().flatten()
    }

    /// Where each of `pointers` is (or its nearest located ancestor), in one scan of the text
    /// that only records the nodes on the way to them.
    pub fn locate_all(&self, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
        let mut wanted = HashSet::new();
        for pointer in pointers {
            let mut current = *pointer;
            loop {
                wanted.insert(current.to_string());
                match current.rsplit_once('/') {
                    Some((parent, _)) => current = parent,
                    None => break,
                }
            }
        }
        let mut indexer = Indexer {
            wanted: Some(wanted),
            ..Indexer::default()
        };
        match self.syntax {
            Syntax::Yaml => index_yaml(&self.source, &mut indexer),
            Syntax::Json => index_json(&self.source, &mut indexer),
        }
        let positions = indexer.positions;
        pointers
            .iter()
            .map(|pointer| {
                let mut current = *pointer;
                loop {
                    if let Some(position) = positions.get(current) {
                        return Some(*position);
                    }
                    let (parent, _) = current.rsplit_once('/')?;
                    current = parent;
                }
            })
            .collect()
    }
}

/// A YAML document the parser rejects leaves the map empty: the loader reports that syntax
/// error itself, with its own location.
fn index_yaml(source: &str, indexer: &mut Indexer) {
    let mut parser = Parser::new_from_str(source);
    if parser.load(indexer, false).is_err() {
        indexer.positions.clear();
    }
}

/// A collection being read. Its pointer is `None` when no wanted pointer lies inside it: then
/// nothing in it is recorded, and no pointer is built for it.
enum Frame {
    /// `fresh` until the first key: a block mapping's start mark can sit past its first key,
    /// so the mapping is located at that key instead.
    Mapping {
        pointer: Option<String>,
        key: Option<String>,
        fresh: bool,
    },
    Sequence {
        pointer: Option<String>,
        index: usize,
    },
}

/// What the next event starts.
enum Next {
    /// A mapping key.
    Key,
    /// A value at this pointer (`None`: in a part of the document nobody asked about).
    Value(Option<String>),
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
    /// JSON marks where a mapping starts exactly; only YAML's block mappings need relocating.
    exact_starts: bool,
    /// The pointers to record and all their ancestors; `None` records everything.
    wanted: Option<HashSet<String>>,
}

impl Indexer {
    fn is_wanted(&self, pointer: &str) -> bool {
        self.wanted.as_ref().is_none_or(|w| w.contains(pointer))
    }

    /// What the next event starts.
    fn next(&self) -> Next {
        let child = |pointer: &Option<String>, token: &str| {
            let pointer = pointer.as_ref()?;
            let child = format!("{pointer}/{token}");
            self.is_wanted(&child).then_some(child)
        };
        match self.stack.last() {
            None => Next::Value(Some(String::new())),
            Some(Frame::Mapping { key: None, .. }) => Next::Key,
            Some(Frame::Mapping {
                pointer,
                key: Some(key),
                ..
            }) => Next::Value(child(pointer, &escape_token(key))),
            Some(Frame::Sequence { pointer, index }) => {
                Next::Value(child(pointer, &index.to_string()))
            }
        }
    }

    /// Moves the parent past the value that just ended.
    fn value_done(&mut self) {
        match self.stack.last_mut() {
            Some(Frame::Mapping { key, .. }) => *key = None,
            Some(Frame::Sequence { index, .. }) => *index += 1,
            None => {}
        }
    }

    fn record(&mut self, pointer: &str, at: (usize, usize)) {
        self.positions.entry(pointer.to_string()).or_insert(at);
    }

    /// A scalar: a mapping key (which locates the entry) or a value.
    fn scalar(&mut self, text: String, at: (usize, usize)) {
        match self.next() {
            Next::Key => {
                let wanted = self.wanted.take();
                if let Some(Frame::Mapping {
                    pointer: Some(pointer),
                    key,
                    fresh,
                }) = self.stack.last_mut()
                {
                    let entry = format!("{pointer}/{}", escape_token(&text));
                    let container = std::mem::take(fresh).then(|| pointer.clone());
                    if wanted.as_ref().is_none_or(|w| w.contains(&entry)) {
                        self.positions.entry(entry).or_insert(at);
                    }
                    if let Some(container) = container {
                        self.positions.insert(container, at);
                    }
                    *key = Some(text);
                } else if let Some(Frame::Mapping { key, .. }) = self.stack.last_mut() {
                    *key = Some(text);
                }
                self.wanted = wanted;
            }
            Next::Value(pointer) => {
                if let Some(pointer) = pointer {
                    self.record(&pointer, at);
                }
                self.value_done();
            }
        }
    }

    fn start(&mut self, mapping: bool, at: (usize, usize)) {
        // A collection used as a mapping key has no place of its own.
        let pointer = match self.next() {
            Next::Value(pointer) => pointer,
            Next::Key => None,
        };
        // A mapping that is the value of a key is already located at that key.
        let fresh = !self.exact_starts
            && pointer
                .as_ref()
                .is_some_and(|p| !self.positions.contains_key(p));
        if let Some(pointer) = &pointer {
            self.record(pointer, at);
        }
        self.stack.push(if mapping {
            Frame::Mapping {
                pointer,
                key: None,
                fresh,
            }
        } else {
            Frame::Sequence { pointer, index: 0 }
        });
    }

    fn end(&mut self) {
        self.stack.pop();
        self.value_done();
    }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, event: Event, mark: Marker) {
        let at = (mark.line(), mark.col() + 1);
        match event {
            Event::Scalar(text, ..) => self.scalar(text, at),
            Event::Alias(_) => {
                if let Next::Value(Some(pointer)) = self.next() {
                    self.record(&pointer, at);
                }
                self.value_done();
            }
            Event::MappingStart(..) => self.start(true, at),
            Event::SequenceStart(..) => self.start(false, at),
            Event::MappingEnd | Event::SequenceEnd => self.end(),
            _ => {}
        }
    }
}

/// Indexes JSON text with a small scanner that feeds the same indexer as YAML. Text that is
/// not JSON stops the scan where it breaks; the loader has reported that already.
fn index_json(source: &str, indexer: &mut Indexer) {
    indexer.exact_starts = true;
    let bytes = source.as_bytes();
    // The column is counted in characters, as the index advances (never by rescanning a line).
    let (mut index, mut line, mut column, mut counted) = (0, 1, 1, 0);
    while index < bytes.len() {
        column += bytes[counted..index]
            .iter()
            .filter(|b| (**b & 0xC0) != 0x80)
            .count();
        counted = index;
        let at = (line, column);
        match bytes[index] {
            b'\n' => {
                line += 1;
                column = 0;
                index += 1;
            }
            b'{' => {
                indexer.start(true, at);
                index += 1;
            }
            b'[' => {
                indexer.start(false, at);
                index += 1;
            }
            b'}' | b']' => {
                indexer.end();
                index += 1;
            }
            b'"' => {
                let Some(end) = string_end(bytes, index) else {
                    break;
                };
                // Only a key in a wanted part of the document needs its text.
                let text = if matches!(
                    indexer.stack.last(),
                    Some(Frame::Mapping {
                        pointer: Some(_),
                        key: None,
                        ..
                    })
                ) {
                    let raw = &source[index..=end];
                    if raw.contains('\\') {
                        serde_json::from_str::<String>(raw).unwrap_or_default()
                    } else {
                        raw[1..raw.len() - 1].to_string()
                    }
                } else {
                    String::new()
                };
                indexer.scalar(text, at);
                index = end + 1;
            }
            b',' | b':' | b' ' | b'\t' | b'\r' => index += 1,
            _ => {
                // A number, `true`, `false` or `null`: a scalar up to the next delimiter.
                let end = bytes[index..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t'))
                    .map_or(bytes.len(), |offset| index + offset);
                indexer.scalar(String::new(), at);
                index = end.max(index + 1);
            }
        }
    }
}

/// The index of the closing quote of the string that opens at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut index = start + 1;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'"' => return Some(index),
            _ => index += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{SourceMap, Syntax};

    #[test]
    fn locates_keys_items_and_ancestors() {
        let map = SourceMap::new(
            "a:\n  b: 1\n  c:\n    - x\n    - y: 2\n\"d/e\": 3\n",
            Syntax::Yaml,
        );
        assert_eq!(map.locate("/a"), Some((1, 1)));
        assert_eq!(map.locate("/a/b"), Some((2, 3)));
        assert_eq!(map.locate("/a/c/1"), Some((5, 7)));
        assert_eq!(map.locate("/a/c/1/y"), Some((5, 7)));
        assert_eq!(map.locate("/d~1e"), Some((6, 1)));
        assert_eq!(map.locate("/a/b/missing"), Some((2, 3)));
    }

    #[test]
    fn locates_json_the_same_way() {
        let map = SourceMap::new(
            "{\n  \"a\": {\n    \"b\": 1,\n    \"c\": [\"x\", {\"y\": 2}]\n  },\n  \"d/e\\u00e9\": true\n}\n",
            Syntax::Json,
        );
        assert_eq!(map.locate("/a"), Some((2, 3)));
        assert_eq!(map.locate("/a/b"), Some((3, 5)));
        assert_eq!(map.locate("/a/c/0"), Some((4, 11)));
        assert_eq!(map.locate("/a/c/1"), Some((4, 16)));
        assert_eq!(map.locate("/a/c/1/y"), Some((4, 17)));
        assert_eq!(map.locate("/d~1e\u{e9}"), Some((6, 3)));
    }

    #[test]
    fn broken_yaml_gives_an_empty_map() {
        assert_eq!(SourceMap::new("a: [1,\n", Syntax::Yaml).locate("/a"), None);
    }
}
