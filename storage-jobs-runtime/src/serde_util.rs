//! How generated records are read without one odd value costing a page: each record is read
//! through a wire form the generator writes beside it, whose fields are the slots below, and
//! what does not fit its type is kept, as sent, in the record's [`Unread`].
//!
//! Values are read straight from the parser (no buffering, no allocation a plain field would
//! not make); only a list or object arriving where a single value belongs, or a value whose
//! type has no wire form of its own (a map, a boxed record), is read into a
//! `serde_json::Value` first, so it can be kept when it does not fit.

use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor, value};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

pub use crate::unread::Unread;

/// The fields of a record the API document does not list, by name, as sent, collected by a
/// wire form. Nothing is allocated when there are none, which is almost always.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unlisted(pub(crate) Option<Box<serde_json::Map<String, Value>>>);

impl<'de> Deserialize<'de> for Unlisted {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UnlistedVisitor)
    }
}

struct UnlistedVisitor;

impl<'de> Visitor<'de> for UnlistedVisitor {
    type Value = Unlisted;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fields")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let Some((name, value)) = map.next_entry::<String, Value>()? else {
            return Ok(Unlisted(None));
        };
        let mut fields = serde_json::Map::new();
        fields.insert(name, value);
        while let Some((name, value)) = map.next_entry::<String, Value>()? {
            fields.insert(name, value);
        }
        Ok(Unlisted(Some(Box::new(fields))))
    }
}

impl Serialize for Unlisted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Some(fields) => serializer.collect_map(fields.iter()),
            None => serializer.collect_map(std::iter::empty::<(&str, &Value)>()),
        }
    }
}

/// A generated record: it is read through its wire form, which can fail to become the record
/// only when a required field is absent or unreadable, and then still hands back what came.
pub trait Record: Sized {
    /// The wire form: every field a slot, unlisted fields collected.
    type Wire: DeserializeOwned + TryInto<Self, Error = Unbuilt>;
}

/// A record that could not be built because a required field was absent or unreadable, with
/// the record as it came (rebuilt from what was read).
#[derive(Debug, Clone, PartialEq)]
pub struct Unbuilt {
    record: &'static str,
    missing: Vec<&'static str>,
    raw: Value,
}

impl std::fmt::Display for Unbuilt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let record = self.record.rsplit("::").next().unwrap_or(self.record);
        let fields: Vec<String> = self.missing.iter().map(|f| format!("`{f}`")).collect();
        write!(
            f,
            "{record} has no readable value for its required field {}",
            fields.join(", ")
        )
    }
}

impl std::error::Error for Unbuilt {}

impl Unbuilt {
    /// Fails when any of `required` (a field's JSON name and whether it was read) was not read;
    /// the error holds `wire` rebuilt as JSON, so the record can still be kept raw.
    pub fn check<W: Serialize>(
        wire: &W,
        record: &'static str,
        required: &[(&'static str, bool)],
    ) -> Result<(), Unbuilt> {
        let missing: Vec<&'static str> = required
            .iter()
            .filter(|(_, read)| !read)
            .map(|(name, _)| *name)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Unbuilt {
            record,
            missing,
            raw: serde_json::to_value(wire).unwrap_or(Value::Null),
        })
    }

    /// The same failure found after the wire form was taken apart (no raw record left).
    pub fn without_raw(record: &'static str, missing: &[&'static str]) -> Unbuilt {
        Unbuilt {
            record,
            missing: missing.to_vec(),
            raw: Value::Null,
        }
    }

    /// The record as it came.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The required fields that had no readable value, by JSON name.
    pub fn missing(&self) -> &[&'static str] {
        &self.missing
    }
}

/// Whether an optional slot holds a value read as its type.
pub fn readable<S: Slot>(slot: &Option<S>) -> bool {
    slot.as_ref().is_some_and(Slot::is_read)
}

/// One field's or one list item's value, read as its type or kept as it came.
pub trait Slot {
    /// The type the value is read as.
    type Value;
    /// The value, or what came instead, as sent.
    fn into_result(self) -> Result<Self::Value, Value>;
    /// Whether the value was read as its type.
    fn is_read(&self) -> bool;
}

/// A single value (text, number, boolean, time, UUID, enum, or a type with no wire form of its
/// own), or what came instead.
#[derive(Debug, Clone, PartialEq)]
pub struct Read<T>(Result<T, Box<Value>>);

impl<T> Slot for Read<T> {
    type Value = T;
    fn into_result(self) -> Result<T, Value> {
        self.0.map_err(|raw| *raw)
    }
    fn is_read(&self) -> bool {
        self.0.is_ok()
    }
}

impl<T: Serialize> Serialize for Read<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(read) => read.serialize(serializer),
            Err(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReadVisitor(PhantomData))
    }
}

struct ReadVisitor<T>(PhantomData<T>);

/// The decoded value, or the value that came.
fn read_or<T>(decoded: Result<T, value::Error>, came: impl FnOnce() -> Value) -> Read<T> {
    Read(decoded.map_err(|_| Box::new(came())))
}

impl<'de, T: DeserializeOwned> Visitor<'de> for ReadVisitor<T> {
    type Value = Read<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(read_or(T::deserialize(().into_deserializer()), || {
            Value::Null
        }))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(read_or(T::deserialize(v.into_deserializer()), || v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(read_or(T::deserialize(v.into_deserializer()), || v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(read_or(T::deserialize(v.into_deserializer()), || v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(read_or(T::deserialize(v.into_deserializer()), || v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(read_or(
            T::deserialize(value::StrDeserializer::new(v)),
            || v.into(),
        ))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        match T::deserialize(value::StrDeserializer::<value::Error>::new(&v)) {
            Ok(read) => Ok(Read(Ok(read))),
            Err(_) => Ok(Read(Err(Box::new(Value::String(v))))),
        }
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let buffered = Value::deserialize(value::SeqAccessDeserializer::new(seq))?;
        Ok(from_buffered(buffered))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let buffered = Value::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(from_buffered(buffered))
    }
}

fn from_buffered<T: DeserializeOwned>(buffered: Value) -> Read<T> {
    match T::deserialize(&buffered) {
        Ok(read) => Read(Ok(read)),
        Err(_) => Read(Err(Box::new(buffered))),
    }
}

/// A record inside another (an object-typed field or a list item), read through its wire form
/// straight from the parser, or kept as it came when it is no object or lacks a required field.
#[derive(Debug, Clone, PartialEq)]
pub struct Part<T>(Result<T, Box<Value>>);

impl<T> Slot for Part<T> {
    type Value = T;
    fn into_result(self) -> Result<T, Value> {
        self.0.map_err(|raw| *raw)
    }
    fn is_read(&self) -> bool {
        self.0.is_ok()
    }
}

impl<T: Serialize> Serialize for Part<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Ok(read) => read.serialize(serializer),
            Err(raw) => raw.serialize(serializer),
        }
    }
}

impl<'de, T: Record> Deserialize<'de> for Part<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PartVisitor(PhantomData))
    }
}

struct PartVisitor<T>(PhantomData<T>);

impl<'de, T: Record> Visitor<'de> for PartVisitor<T> {
    type Value = Part<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let wire = T::Wire::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(Part(wire.try_into().map_err(|unbuilt| {
            tracing::warn!(
                record = unbuilt.record,
                missing = ?unbuilt.missing,
                "a record without a readable required field is kept as it came"
            );
            Box::new(unbuilt.raw)
        })))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(Value::Null))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(v.into()))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(v.into()))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(v.into()))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(v.into()))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Part(Err(Box::new(v.into()))))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let buffered = Value::deserialize(value::SeqAccessDeserializer::new(seq))?;
        Ok(Part(Err(Box::new(buffered))))
    }
}

/// A list whose items are read one by one: an item that does not fit is kept as it came and the
/// others are read; `null` reads as empty; anything but a list is kept whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Items<S> {
    items: Vec<S>,
    not_a_list: Option<Box<Value>>,
    /// Whether the field came at all (an absent one is not written back when a record that
    /// could not be built is kept as it came).
    sent: bool,
}

impl<S> Default for Items<S> {
    fn default() -> Self {
        Items {
            items: Vec::new(),
            not_a_list: None,
            sent: false,
        }
    }
}

impl<S> Items<S> {
    /// Whether the list was absent (wire forms skip it when writing a record back).
    pub fn unsent(&self) -> bool {
        !self.sent
    }
}

impl<S: Serialize> Serialize for Items<S> {
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        match &self.not_a_list {
            Some(raw) => raw.serialize(serializer),
            None => serializer.collect_seq(&self.items),
        }
    }
}

impl<'de, S: Deserialize<'de>> Deserialize<'de> for Items<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemsVisitor(PhantomData))
    }
}

struct ItemsVisitor<S>(PhantomData<S>);

impl<S> ItemsVisitor<S> {
    fn not_a_list(raw: Value) -> Items<S> {
        Items {
            items: Vec::new(),
            not_a_list: Some(Box::new(raw)),
            sent: true,
        }
    }
}

impl<'de, S: Deserialize<'de>> Visitor<'de> for ItemsVisitor<S> {
    type Value = Items<S>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The size hint comes from the sender; never trust it for more than a small start.
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<S>()? {
            items.push(item);
        }
        Ok(Items {
            items,
            not_a_list: None,
            sent: true,
        })
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Items {
            sent: true,
            ..Items::default()
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Self::not_a_list(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::not_a_list(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::not_a_list(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Self::not_a_list(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Self::not_a_list(v.into()))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let buffered = Value::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(Self::not_a_list(buffered))
    }
}

/// What of a list did not fit: each item with its place, or the whole value when it was no list.
pub(crate) type OddItems = Result<Vec<(usize, Value)>, Value>;

impl<S> Items<S> {
    /// The items read, and what did not fit.
    pub(crate) fn split(self) -> (Vec<S::Value>, OddItems)
    where
        S: Slot,
    {
        if let Some(raw) = self.not_a_list {
            return (Vec::new(), Err(*raw));
        }
        let mut read = Vec::with_capacity(self.items.len());
        let mut odd = Vec::new();
        for (place, item) in self.items.into_iter().enumerate() {
            match item.into_result() {
                Ok(value) => read.push(value),
                Err(raw) => odd.push((place, raw)),
            }
        }
        (read, Ok(odd))
    }
}

#[cfg(test)]
mod tests;
