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

/// The decoded value, or the value that came. serde's own scalar deserializers do not step into
/// `Option` or newtypes, so a value they refuse is tried once more as a `Value`, which does.
fn read_or<T: DeserializeOwned>(
    decoded: Result<T, value::Error>,
    came: impl FnOnce() -> Value,
) -> Read<T> {
    match decoded {
        Ok(read) => Read(Ok(read)),
        Err(_) => from_buffered(came()),
    }
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
            Err(_) => Ok(from_buffered(Value::String(v))),
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
            crate::unread::tell_once(
                unbuilt.record,
                "required field",
                format_args!(
                    "a {} without a readable required field {:?} is kept as it came",
                    unbuilt.record, unbuilt.missing
                ),
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

/// How many items of one list that do not fit are kept as they came; the rest are only
/// counted, so a hostile answer of millions of odd items costs no more memory than their count.
pub const ODD_ITEMS_KEPT: usize = 100;

/// A list whose items are read one by one: an item that does not fit is kept as it came (up to
/// [`ODD_ITEMS_KEPT`] per list, the rest counted) and the others are read; `null` reads as empty;
/// anything but a list is kept whole.
pub struct Items<S: Slot> {
    read: Vec<S::Value>,
    odd: Vec<(usize, Box<Value>)>,
    left_out: usize,
    not_a_list: Option<Box<Value>>,
    /// Whether the field came at all (an absent one is not written back when a record that
    /// could not be built is kept as it came).
    sent: bool,
}

impl<S: Slot> Default for Items<S> {
    fn default() -> Self {
        Items {
            read: Vec::new(),
            odd: Vec::new(),
            left_out: 0,
            not_a_list: None,
            sent: false,
        }
    }
}

impl<S: Slot> Items<S> {
    /// Whether the list was absent (wire forms skip it when writing a record back).
    pub fn unsent(&self) -> bool {
        !self.sent
    }

    fn not_a_list(raw: Value) -> Self {
        Items {
            not_a_list: Some(Box::new(raw)),
            sent: true,
            ..Items::default()
        }
    }
}

/// The items in the order they came (those only counted are left out).
impl<S: Slot> Serialize for Items<S>
where
    S::Value: Serialize,
{
    fn serialize<Z: Serializer>(&self, serializer: Z) -> Result<Z::Ok, Z::Error> {
        use serde::ser::SerializeSeq;
        if let Some(raw) = &self.not_a_list {
            return raw.serialize(serializer);
        }
        let mut list = serializer.serialize_seq(Some(self.read.len() + self.odd.len()))?;
        let mut read = self.read.iter();
        let mut odd = self.odd.iter().peekable();
        for place in 0..self.read.len() + self.odd.len() {
            match odd.peek() {
                Some((at, raw)) if *at == place => {
                    list.serialize_element(raw)?;
                    odd.next();
                }
                _ => {
                    if let Some(item) = read.next() {
                        list.serialize_element(item)?;
                    }
                }
            }
        }
        list.end()
    }
}

impl<'de, S: Slot + Deserialize<'de>> Deserialize<'de> for Items<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ItemsVisitor(PhantomData))
    }
}

struct ItemsVisitor<S>(PhantomData<S>);

impl<'de, S: Slot + Deserialize<'de>> Visitor<'de> for ItemsVisitor<S> {
    type Value = Items<S>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // The size hint comes from the sender; never trust it for more than a small start.
        let mut items = Items {
            read: Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024)),
            sent: true,
            ..Items::default()
        };
        let mut place = 0;
        while let Some(item) = seq.next_element::<S>()? {
            match item.into_result() {
                Ok(value) => items.read.push(value),
                Err(raw) if items.odd.len() < ODD_ITEMS_KEPT => {
                    items.odd.push((place, Box::new(raw)))
                }
                Err(_) => items.left_out += 1,
            }
            place += 1;
        }
        Ok(items)
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
        Ok(Items::not_a_list(v.into()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Items::not_a_list(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Items::not_a_list(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Items::not_a_list(v.into()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Items::not_a_list(v.into()))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let buffered = Value::deserialize(value::MapAccessDeserializer::new(map))?;
        Ok(Items::not_a_list(buffered))
    }
}

/// What of a list did not fit: each item kept with its place and the number only counted, or
/// the whole value when it was no list.
pub(crate) type OddItems = Result<(Vec<(usize, Value)>, usize), Value>;

impl<S: Slot> Items<S> {
    /// The items read, and what did not fit.
    pub(crate) fn split(self) -> (Vec<S::Value>, OddItems) {
        if let Some(raw) = self.not_a_list {
            return (Vec::new(), Err(*raw));
        }
        let odd = self.odd.into_iter().map(|(at, raw)| (at, *raw)).collect();
        (self.read, Ok((odd, self.left_out)))
    }
}

#[cfg(test)]
mod tests;
