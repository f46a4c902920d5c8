//! A record written for display as the server sent it: its odd values back where they came.

use std::cell::Cell;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

thread_local! {
    /// Set while [`to_raw_as_sent`] writes a record: whether an odd value was written yet.
    static ODD_WRITTEN: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Starts the key of an odd value written as sent, until [`put_back`] moves the value to its
/// place. No key a server sends starts with a NUL character in practice; were one to, it would
/// only be shown in another place.
const MARK: &str = "\u{0}odd\u{0}";

/// The key an odd value is written under while a record is written as sent; `None` when a
/// record is written for sending, where odd values are left out.
pub(crate) fn key_of_odd(key: &str) -> Option<String> {
    ODD_WRITTEN.get()?;
    ODD_WRITTEN.set(Some(true));
    Some(format!("{MARK}{key}"))
}

/// A record written as the server sent it, for showing it in full: its typed fields, the fields
/// the document does not list, and its odd values at every depth, each where it came: in place
/// of the typed field that could not hold it, or an odd list item back at its place in the list.
///
/// The record's own [`Serialize`] leaves odd values out, so that a record read and sent back
/// says only what its types say; this is for display.
pub fn to_raw_as_sent<T: Serialize>(record: &T) -> serde_json::Result<Box<RawValue>> {
    /// Restores the mode of an outer call, also when serializing panics.
    struct Restore(Option<bool>);
    impl Drop for Restore {
        fn drop(&mut self) {
            ODD_WRITTEN.set(self.0);
        }
    }
    let _restore = Restore(ODD_WRITTEN.replace(Some(false)));
    let text = serde_json::value::to_raw_value(record)?;
    if ODD_WRITTEN.get() == Some(false) {
        return Ok(text);
    }
    // Rare: written again as a tree, so that each odd value can be moved to its place.
    let mut value = serde_json::to_value(record)?;
    put_back(&mut value);
    serde_json::value::to_raw_value(&value)
}

/// Moves every marked odd value to its place: a field's value replaces what its type wrote
/// (`null`, an empty list) or is added; a list item (`name[place]`) goes back into the list.
fn put_back(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(put_back),
        Value::Object(map) => {
            // An odd value is as the server sent it: only the typed parts hold marks.
            map.iter_mut()
                .filter(|(key, _)| !key.starts_with(MARK))
                .for_each(|(_, value)| put_back(value));
            put_back_into(map);
        }
        _ => {}
    }
}

fn put_back_into(map: &mut Map<String, Value>) {
    let marked: Vec<String> = map
        .keys()
        .filter(|k| k.starts_with(MARK))
        .cloned()
        .collect();
    let mut items = Vec::new();
    for key in marked {
        let Some(odd) = map.shift_remove(&key) else {
            continue;
        };
        let name = &key[MARK.len()..];
        match list_place(name) {
            Some((list, place)) if map.get(list).is_none_or(Value::is_array) => {
                items.push((list.to_string(), place, odd));
            }
            _ => {
                map.insert(name.to_string(), odd);
            }
        }
    }
    // In the order they came, each item lands where it was: the items read keep their order.
    items.sort_by_key(|(_, place, _)| *place);
    for (list, place, odd) in items {
        if let Value::Array(list) = map.entry(list).or_insert_with(|| Value::Array(Vec::new())) {
            list.insert(place.min(list.len()), odd);
        }
    }
}

/// `records[3]` as `("records", 3)`.
fn list_place(key: &str) -> Option<(&str, usize)> {
    let (list, place) = key.strip_suffix(']')?.rsplit_once('[')?;
    Some((list, place.parse().ok()?))
}
