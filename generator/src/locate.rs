//! Maps JSON pointers to line and column in the YAML source, so semantic errors read like compiler errors.

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::error::escape_token;

/// Line and column (1-based) of every node of a YAML document, keyed by JSON pointer.
/// A mapping entry is located at its key, the place a reader looks for it.
#[derive(Debug, Default)]
pub struct SourceMap {
    positions: HashMap<String, (usize, usize)>,
}

impl SourceMap {
    /// Indexes `source`. A document the YAML parser rejects gives an empty map: the caller
    /// reports that syntax error itself, with its own location.
    pub fn new(source: &str) -> Self {
        let mut indexer = Indexer::default();
        let mut parser = Parser::new_from_str(source);
        if parser.load(&mut indexer, false).is_err() {
            return SourceMap::default();
        }
        SourceMap {
            positions: indexer.positions,
        }
    }

    /// Where `pointer` is, or where its nearest located ancestor is.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut current = pointer;
        loop {
            if let Some(position) = self.positions.get(current) {
                return Some(*position);
            }
            let (parent, _) = current.rsplit_once('/')?;
            current = parent;
        }
    }
}

enum Frame {
    /// `fresh` until the first key: a block mapping's start mark can sit past its first key,
    /// so the mapping is located at that key instead.
    Mapping {
        pointer: String,
        key: Option<String>,
        fresh: bool,
    },
    Sequence {
        pointer: String,
        index: usize,
    },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

impl Indexer {
    /// The pointer of the value that the next event starts, or `None` if it is a mapping key.
    fn next_value_pointer(&self) -> Option<String> {
        match self.stack.last() {
            None => Some(String::new()),
            Some(Frame::Mapping { key: None, .. }) => None,
            Some(Frame::Mapping {
                pointer,
                key: Some(key),
                ..
            }) => Some(format!("{pointer}/{}", escape_token(key))),
            Some(Frame::Sequence { pointer, index }) => Some(format!("{pointer}/{index}")),
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

    fn record(&mut self, pointer: &str, mark: Marker) {
        self.positions
            .entry(pointer.to_string())
            .or_insert((mark.line(), mark.col() + 1));
    }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(text, ..) => match self.next_value_pointer() {
                None => {
                    if let Some(Frame::Mapping {
                        pointer,
                        key,
                        fresh,
                    }) = self.stack.last_mut()
                    {
                        let at = format!("{pointer}/{}", escape_token(&text));
                        let container = std::mem::take(fresh).then(|| pointer.clone());
                        *key = Some(text);
                        self.record(&at, mark);
                        if let Some(container) = container {
                            self.positions
                                .insert(container, (mark.line(), mark.col() + 1));
                        }
                    }
                }
                Some(at) => {
                    self.record(&at, mark);
                    self.value_done();
                }
            },
            Event::Alias(_) => {
                if let Some(at) = self.next_value_pointer() {
                    self.record(&at, mark);
                }
                self.value_done();
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection used as a mapping key has no pointer; index it under a placeholder.
                let pointer = self
                    .next_value_pointer()
                    .unwrap_or_else(|| "/?".to_string());
                // A mapping that is the value of a key is already located at that key.
                let fresh = !self.positions.contains_key(&pointer);
                self.record(&pointer, mark);
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping {
                        pointer,
                        key: None,
                        fresh,
                    },
                    _ => Frame::Sequence { pointer, index: 0 },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
                self.value_done();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SourceMap;

    #[test]
    fn locates_keys_items_and_ancestors() {
        let map = SourceMap::new("a:\n  b: 1\n  c:\n    - x\n    - y: 2\n\"d/e\": 3\n");
        assert_eq!(map.locate("/a"), Some((1, 1)));
        assert_eq!(map.locate("/a/b"), Some((2, 3)));
        assert_eq!(map.locate("/a/c/1"), Some((5, 7)));
        assert_eq!(map.locate("/a/c/1/y"), Some((5, 7)));
        assert_eq!(map.locate("/d~1e"), Some((6, 1)));
        assert_eq!(map.locate("/a/b/missing"), Some((2, 3)));
    }

    #[test]
    fn broken_yaml_gives_an_empty_map() {
        assert_eq!(SourceMap::new("a: [1,\n").locate("/a"), None);
    }
}
