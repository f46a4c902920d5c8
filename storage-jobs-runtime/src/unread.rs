//! What a server sent that a generated record has no typed place for, kept as it came.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::{LazyLock, Mutex};

use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::serde_util::{Items, Slot, Unlisted};

/// What came with a record that its type has no place for, as sent. Every generated record
/// carries one (named `unread` unless the API has a field of that name).
///
/// A value here was not lost, only left untyped: a field the API document does not list, a
/// listed field whose value has another type than documented, an item of a list that could not
/// be read, or a nested record lacking a required field. Reading such a record never fails the
/// response it came in. A record with nothing unread allocates nothing for it.
#[derive(Clone, Default, PartialEq)]
pub struct Unread(Option<Box<Kept>>);

#[derive(Clone, Default, PartialEq)]
struct Kept {
    unlisted: Map<String, Value>,
    odd: Map<String, Value>,
    left_out: usize,
}

/// What an empty `Unread` lends out.
static NOTHING: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// Shows only what is there, so a record that read cleanly prints as it did before.
impl std::fmt::Debug for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = f.debug_struct("Unread");
        if !self.unlisted().is_empty() {
            shown.field("unlisted", self.unlisted());
        }
        if !self.odd().is_empty() {
            shown.field("odd", self.odd());
        }
        shown.finish()
    }
}

impl Serialize for Unread {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Odd values are written only when the record is written as sent, for display.
        let odd = self
            .odd()
            .iter()
            .filter_map(|(key, value)| Some((Cow::Owned(crate::as_sent::key_of_odd(key)?), value)));
        let unlisted = self
            .unlisted()
            .iter()
            .map(|(key, value)| (Cow::Borrowed(key.as_str()), value));
        serializer.collect_map(unlisted.chain(odd))
    }
}

impl Unread {
    /// Starts from the fields the document does not list.
    pub fn new(unlisted: Unlisted) -> Unread {
        Unread(unlisted.0.map(|unlisted| {
            Box::new(Kept {
                unlisted: *unlisted,
                ..Kept::default()
            })
        }))
    }

    /// Fields the API document does not list, by name. They are written back when the record
    /// is sent, so a record read and sent again keeps them.
    pub fn unlisted(&self) -> &Map<String, Value> {
        self.0.as_ref().map_or(&NOTHING, |kept| &kept.unlisted)
    }

    /// Listed fields whose value could not be read as the field's type, by JSON name (`size`),
    /// or by name and place for one item of a list (`records[3]`). They are not written back:
    /// the typed field stands for them ([`to_raw_as_sent`](crate::to_raw_as_sent) shows them).
    pub fn odd(&self) -> &Map<String, Value> {
        self.0.as_ref().map_or(&NOTHING, |kept| &kept.odd)
    }

    /// How many list items that did not fit were only counted, not kept: past
    /// [`ODD_ITEMS_KEPT`](crate::serde_util::ODD_ITEMS_KEPT) in one list.
    pub fn left_out(&self) -> usize {
        self.0.as_ref().map_or(0, |kept| kept.left_out)
    }

    /// Whether everything that came had a typed place.
    pub fn is_empty(&self) -> bool {
        self.unlisted().is_empty() && self.odd().is_empty() && self.left_out() == 0
    }

    /// A field's value, or `None` with what came kept under the field's name.
    #[doc(hidden)]
    pub fn value<S: Slot>(&mut self, slot: Option<S>, name: &'static str) -> Option<S::Value> {
        match slot?.into_result() {
            Ok(value) => Some(value),
            Err(raw) => {
                self.keep::<S::Value>(name.to_string(), name, raw);
                None
            }
        }
    }

    /// A list's items that could be read; each other item is kept under `name[place]`, and a
    /// value that was no list under `name`.
    #[doc(hidden)]
    pub fn list<S: Slot>(&mut self, items: Items<S>, name: &'static str) -> Vec<S::Value> {
        let (read, odd) = items.split();
        match odd {
            Ok((odd, left_out)) => {
                for (place, raw) in odd {
                    self.keep::<S::Value>(format!("{name}[{place}]"), name, raw);
                }
                if left_out > 0 {
                    tell_once(
                        name,
                        "items left out",
                        format_args!(
                            "`{name}`: {left_out} more items that do not fit were counted, not kept"
                        ),
                    );
                    self.0.get_or_insert_default().left_out += left_out;
                }
            }
            Err(raw) => self.keep::<Vec<S::Value>>(name.to_string(), name, raw),
        }
        read
    }

    /// An optional list, as [`Unread::list`]; absent or `null` stays `None`.
    #[doc(hidden)]
    pub fn optional_list<S: Slot>(
        &mut self,
        items: Option<Items<S>>,
        name: &'static str,
    ) -> Option<Vec<S::Value>> {
        items.map(|items| self.list(items, name))
    }

    fn keep<T>(&mut self, key: String, field: &'static str, raw: Value) {
        told_once::<T>(field, &raw);
        self.0.get_or_insert_default().odd.insert(key, raw);
    }
}

/// Logs an odd value at `warn` the first time a field of a type has one in this process and at
/// `debug` after that, so a server that sends thousands never floods the log. The value itself
/// is never logged (it may hold anything), only what kind of value it was.
fn told_once<T>(field: &'static str, raw: &Value) {
    let expected = std::any::type_name::<T>();
    let came = match raw {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    tell_once(
        field,
        expected,
        format_args!(
            "`{field}`: {came} where {expected} belongs is kept in `unread.odd()` (told once per field)"
        ),
    );
}

/// Logs `message` at `warn` the first time `(what, kind)` comes up in this process and at `debug`
/// after that. The keys are the generated code's own names, so the set stays as small as the API.
pub(crate) fn tell_once(what: &'static str, kind: &'static str, message: std::fmt::Arguments<'_>) {
    static TOLD: Mutex<BTreeSet<(&'static str, &'static str)>> = Mutex::new(BTreeSet::new());
    let first = TOLD
        .lock()
        .map(|mut told| told.insert((what, kind)))
        .unwrap_or(false);
    if first {
        tracing::warn!("{message}");
    } else {
        tracing::debug!("{message}");
    }
}
