//! Compares two surfaces of one crate and judges every difference: breaking, additive or
//! documentation, on the wire (what a server accepts and sends) and on the Rust surface (what
//! downstream code compiles against), and what behaviour changes although nothing breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::surface::{FieldSurface, OperationSurface, STYLE_CHANGES, Shape, Surface, TypeSurface};

/// How much a change matters to downstream code, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Only documentation changed.
    Documentation,
    /// Something was added; downstream code keeps compiling and working.
    Additive,
    /// Downstream code stops compiling, or stops working against the server.
    Breaking,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Documentation => "documentation",
            Verdict::Additive => "additive",
            Verdict::Breaking => "breaking",
        })
    }
}

/// Where a change shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// On the wire only: the Rust code compiles as before, but calls or decoding behave
    /// differently.
    Wire,
    /// In the Rust surface only: the wire is unchanged.
    Rust,
    /// Both.
    Both,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Wire => "wire",
            Level::Rust => "Rust",
            Level::Both => "wire and Rust",
        })
    }
}

/// One judged difference.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Its verdict.
    pub verdict: Verdict,
    /// Where it shows.
    pub level: Level,
    /// What changed, naming the spec name and the Rust name.
    pub text: String,
    /// What behaves differently although it is not breaking, if anything.
    pub behaviour: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.verdict, self.level, self.text)?;
        if let Some(behaviour) = &self.behaviour {
            write!(f, "; behaviour: {behaviour}")?;
        }
        Ok(())
    }
}

fn change(verdict: Verdict, level: Level, text: String) -> Change {
    Change {
        verdict,
        level,
        text,
        behaviour: None,
    }
}

/// The highest verdict of a list of changes, if there is any change.
pub fn verdict(changes: &[Change]) -> Option<Verdict> {
    changes.iter().map(|c| c.verdict).max()
}

/// Every difference between `old` and `new`, breaking first.
pub fn compare(old: &Surface, new: &Surface) -> Vec<Change> {
    let mut changes = Vec::new();
    for (style, verdict, what) in STYLE_CHANGES {
        if old.style < *style && new.style >= *style {
            changes.push(change(
                *verdict,
                Level::Rust,
                format!("the generator's output changed: {what}"),
            ));
        }
    }
    if old.about != new.about {
        changes.push(change(
            Verdict::Documentation,
            Level::Rust,
            "the API's title, version or description changed (the crate docs show them)".into(),
        ));
    }
    let renamed_types = renamed_types(old, new);
    compare_operations(old, new, &renamed_types, &mut changes);
    compare_types(old, new, &renamed_types, &mut changes);
    compare_credentials(old, new, &mut changes);
    changes.sort_by(|a, b| b.verdict.cmp(&a.verdict).then_with(|| a.text.cmp(&b.text)));
    changes.dedup();
    changes
}

/// Types that disappeared under one name and appeared under another with the same shape.
fn renamed_types(old: &Surface, new: &Surface) -> BTreeMap<String, String> {
    let removed: Vec<(&String, &TypeSurface)> = old
        .types
        .iter()
        .filter(|(name, _)| !new.types.contains_key(*name))
        .collect();
    let added: Vec<(&String, &TypeSurface)> = new
        .types
        .iter()
        .filter(|(name, _)| !old.types.contains_key(*name))
        .collect();
    let mut renamed = BTreeMap::new();
    let mut taken = BTreeSet::new();
    for (old_name, old_type) in &removed {
        if let Some((new_name, _)) = added
            .iter()
            .find(|(name, ty)| !taken.contains(*name) && same_shape(&old_type.shape, &ty.shape))
        {
            taken.insert(*new_name);
            renamed.insert((*old_name).clone(), (*new_name).clone());
        }
    }
    renamed
}

fn same_shape(a: &Shape, b: &Shape) -> bool {
    match (a, b) {
        (Shape::Struct(a), Shape::Struct(b)) => {
            a.len() == b.len()
                && a.iter().all(|(name, field)| {
                    b.get(name).is_some_and(|other| {
                        other.ty == field.ty
                            && other.rust == field.rust
                            && other.required == field.required
                    })
                })
        }
        (a, b) => a == b,
    }
}

/// A type text with old type names mapped to their new names.
fn renamed_text(text: &str, renamed: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(renamed.get(word.as_str()).unwrap_or(word));
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn operation_label(name: &str, operation: &OperationSurface) -> String {
    format!(
        "operation `{} {}` (`Client::{name}`)",
        operation.method, operation.path
    )
}

fn compare_operations(
    old: &Surface,
    new: &Surface,
    renamed_types: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    let mut renamed_operations = BTreeMap::new();
    for (old_name, operation) in &old.operations {
        if new.operations.contains_key(old_name) {
            continue;
        }
        let successor = new.operations.iter().find(|(name, other)| {
            !old.operations.contains_key(*name)
                && other.method == operation.method
                && other.path == operation.path
        });
        match successor {
            Some((new_name, _)) => {
                renamed_operations.insert(new_name.clone(), old_name.clone());
                changes.push(change(
                    Verdict::Breaking,
                    Level::Rust,
                    format!(
                        "operation `{} {}` renamed from `Client::{old_name}` to `Client::{new_name}`{}; the wire is unchanged",
                        operation.method,
                        operation.path,
                        match &new.operations[new_name].spec_id {
                            Some(id) => format!(" (operationId `{id}`)"),
                            None => String::new(),
                        }
                    ),
                ));
            }
            None => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!("{} removed", operation_label(old_name, operation)),
            )),
        }
    }
    for (name, operation) in &new.operations {
        let before = old.operations.get(name).or_else(|| {
            renamed_operations
                .get(name)
                .and_then(|n| old.operations.get(n))
        });
        let Some(before) = before else {
            changes.push(change(
                Verdict::Additive,
                Level::Both,
                format!("{} added", operation_label(name, operation)),
            ));
            continue;
        };
        let label = operation_label(name, operation);
        if (before.method.as_str(), before.path.as_str())
            != (operation.method.as_str(), operation.path.as_str())
        {
            changes.push(change(
                Verdict::Breaking,
                Level::Wire,
                format!(
                    "{label} moved from `{} {}`; calls now go to the new path",
                    before.method, before.path
                ),
            ));
        }
        if before.summary != operation.summary {
            changes.push(change(
                Verdict::Documentation,
                Level::Rust,
                format!("{label}: summary changed"),
            ));
        }
        if !before.returns.is_empty()
            && renamed_text(&before.returns, renamed_types) != operation.returns
        {
            changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "{label}: `send()` now returns `{}` instead of `{}`",
                    operation.returns, before.returns
                ),
            ));
        }
        match (before.stream, operation.stream) {
            (true, false) => changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!("{label}: `Client::{name}_stream` removed (the spec no longer pages it)"),
            )),
            (false, true) => changes.push(change(
                Verdict::Additive,
                Level::Rust,
                format!("{label}: `Client::{name}_stream` added"),
            )),
            _ => {}
        }
        match (before.anonymous, operation.anonymous) {
            (true, false) => changes.push(change(
                Verdict::Breaking,
                Level::Wire,
                format!("{label} now needs credentials; clients made without any are refused"),
            )),
            (false, true) => changes.push(change(
                Verdict::Additive,
                Level::Wire,
                format!("{label} no longer needs credentials"),
            )),
            _ => {}
        }
        compare_parameters(&label, before, operation, renamed_types, changes);
        compare_body(&label, before, operation, renamed_types, changes);
        compare_responses(&label, name, before, operation, renamed_types, changes);
    }
}

fn compare_parameters(
    label: &str,
    before: &OperationSurface,
    after: &OperationSurface,
    renamed_types: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    for (key, old) in &before.parameters {
        let Some(new) = after.parameters.get(key) else {
            changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "{} of {label} removed (builder method `.{}()`)",
                    param_name(key),
                    old.rust
                ),
            ));
            continue;
        };
        let name = param_name(key);
        let setter = format!("`.{}()`", new.rust);
        if old.rust != new.rust {
            changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!(
                    "{name} of {label}: builder method renamed from `.{}()` to {setter}",
                    old.rust
                ),
            ));
        }
        if renamed_text(&old.ty, renamed_types) != new.ty {
            changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "{name} of {label} ({setter}) changed type from `{}` to `{}`",
                    old.ty, new.ty
                ),
            ));
        }
        match (old.required, new.required) {
            (false, true) => changes.push(change(
                Verdict::Breaking,
                Level::Wire,
                format!(
                    "{name} of {label} ({setter}) is now required; the Rust signature is unchanged, but a call that does not set it fails at `send()`"
                ),
            )),
            (true, false) => changes.push(change(
                Verdict::Additive,
                Level::Wire,
                format!("{name} of {label} ({setter}) is now optional"),
            )),
            _ => {}
        }
    }
    for (key, new) in &after.parameters {
        if before.parameters.contains_key(key) {
            continue;
        }
        let name = param_name(key);
        let setter = format!("`.{}()`", new.rust);
        changes.push(if new.required {
            change(
                Verdict::Breaking,
                Level::Wire,
                format!(
                    "required {name} of {label} added ({setter}, `{}`); existing calls compile but fail at `send()` until they set it",
                    new.ty
                ),
            )
        } else {
            change(
                Verdict::Additive,
                Level::Both,
                format!("optional {name} of {label} added ({setter}, `{}`)", new.ty),
            )
        });
    }
}

/// `query limit` as a report names it: ``query parameter `limit` ``.
fn param_name(key: &str) -> String {
    let (location, name) = key.split_once(' ').unwrap_or(("", key));
    format!("{location} parameter `{name}`")
}

fn compare_body(
    label: &str,
    before: &OperationSurface,
    after: &OperationSurface,
    renamed_types: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    match (&before.body, &after.body) {
        (None, Some(new)) => changes.push(if new.required {
            change(
                Verdict::Breaking,
                Level::Wire,
                format!("{label} now requires a request body (`{}`)", new.ty),
            )
        } else {
            change(
                Verdict::Additive,
                Level::Both,
                format!("{label} accepts an optional request body (`{}`)", new.ty),
            )
        }),
        (Some(old), None) => changes.push(change(
            Verdict::Breaking,
            Level::Both,
            format!("{label} no longer takes a request body (was `{}`)", old.ty),
        )),
        (Some(old), Some(new)) => {
            if renamed_text(&old.ty, renamed_types) != new.ty {
                changes.push(change(
                    Verdict::Breaking,
                    Level::Both,
                    format!(
                        "request body of {label} changed type from `{}` to `{}`",
                        old.ty, new.ty
                    ),
                ));
            }
            match (old.required, new.required) {
                (false, true) => changes.push(change(
                    Verdict::Breaking,
                    Level::Wire,
                    format!("request body of {label} is now required"),
                )),
                (true, false) => changes.push(change(
                    Verdict::Additive,
                    Level::Wire,
                    format!("request body of {label} is now optional"),
                )),
                _ => {}
            }
        }
        (None, None) => {}
    }
}

fn compare_responses(
    label: &str,
    name: &str,
    before: &OperationSurface,
    after: &OperationSurface,
    renamed_types: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    for (status, old) in &before.responses {
        match after.responses.get(status) {
            None => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!("{label}: documented status `{status}` removed"),
            )),
            Some(new) if renamed_text(old, renamed_types) != *new => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "{label}: the body of status `{status}` changed type from `{old}` to `{new}`"
                ),
            )),
            Some(_) => {}
        }
    }
    for (status, new) in &after.responses {
        if before.responses.contains_key(status) {
            continue;
        }
        let success = status.starts_with('2');
        let mut added = change(
            Verdict::Additive,
            Level::Both,
            format!("{label}: documented status `{status}` added (body `{new}`)"),
        );
        let covered_by = before
            .responses
            .keys()
            .find(|key| {
                key.as_str() == "default" || (key.ends_with("XX") && status.starts_with(&key[..1]))
            })
            .map_or("an undocumented status".to_string(), |key| {
                format!("the `{key}` variant")
            });
        added.behaviour = Some(if success {
            format!("a `{status}` answer now decodes as a documented success of `{name}`")
        } else {
            format!(
                "a `{status}` answer now arrives as its own variant of the operation's error type instead of as {covered_by}"
            )
        });
        changes.push(added);
    }
}

fn type_label(name: &str, ty: &TypeSurface) -> String {
    match &ty.spec {
        Some(spec) if spec != name => format!("schema `{spec}` (`types::{name}`)"),
        Some(_) => format!("schema `{name}` (`types::{name}`)"),
        None => format!("type `types::{name}`"),
    }
}

fn compare_types(
    old: &Surface,
    new: &Surface,
    renamed: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    for (old_name, new_name) in renamed {
        let (before, after) = (&old.types[old_name], &new.types[new_name]);
        changes.push(change(
            Verdict::Breaking,
            Level::Rust,
            format!(
                "{} renamed to {}; the wire is unchanged, Rust code naming `types::{old_name}` stops compiling",
                type_label(old_name, before),
                type_label(new_name, after)
            ),
        ));
    }
    let renamed_to: BTreeSet<&String> = renamed.values().collect();
    for (name, ty) in &old.types {
        if !new.types.contains_key(name) && !renamed.contains_key(name) {
            changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!("{} removed", type_label(name, ty)),
            ));
        }
    }
    for (name, after) in &new.types {
        let before = match old.types.get(name) {
            Some(before) => before,
            None if renamed_to.contains(name) => {
                let old_name = renamed.iter().find(|(_, n)| *n == name).map(|(o, _)| o);
                match old_name.and_then(|o| old.types.get(o)) {
                    Some(before) => before,
                    None => continue,
                }
            }
            None => {
                changes.push(change(
                    Verdict::Additive,
                    Level::Rust,
                    format!("{} added", type_label(name, after)),
                ));
                continue;
            }
        };
        let label = type_label(name, after);
        if before.doc != after.doc {
            changes.push(change(
                Verdict::Documentation,
                Level::Rust,
                format!("{label}: description changed"),
            ));
        }
        for lost in before.derives.difference(&after.derives) {
            changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!(
                    "{label} no longer implements `{lost}`{}",
                    if lost == "Default" {
                        " (a required field has no default): `Type::default()` stops compiling; build it with `Type::builder()`"
                    } else {
                        ""
                    }
                ),
            ));
        }
        for gained in after.derives.difference(&before.derives) {
            changes.push(change(
                Verdict::Additive,
                Level::Rust,
                format!("{label} now implements `{gained}`"),
            ));
        }
        let read = after.read || before.read;
        let written = after.written || before.written;
        match (&before.shape, &after.shape) {
            (Shape::Struct(old_fields), Shape::Struct(new_fields)) => compare_fields(
                &label, old_fields, new_fields, read, written, renamed, changes,
            ),
            (
                Shape::Values {
                    values: old_values, ..
                },
                Shape::Values { values, open },
            ) => compare_values(&label, name, old_values, values, *open, read, changes),
            (Shape::Other(old_text), Shape::Other(new_text))
                if renamed_text(old_text, renamed) == *new_text => {}
            _ => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!("{label} changed shape"),
            )),
        }
    }
}

fn compare_fields(
    label: &str,
    before: &BTreeMap<String, FieldSurface>,
    after: &BTreeMap<String, FieldSurface>,
    read: bool,
    written: bool,
    renamed: &BTreeMap<String, String>,
    changes: &mut Vec<Change>,
) {
    for (wire, old) in before {
        let Some(new) = after.get(wire) else {
            changes.push(change(
                Verdict::Breaking,
                if read && old.required {
                    Level::Both
                } else {
                    Level::Rust
                },
                format!("{label}: field `{wire}` (`.{}`) removed", old.rust),
            ));
            continue;
        };
        let field = format!("{label}: field `{wire}` (`.{}`)", new.rust);
        if old.rust != new.rust {
            changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!("{field} renamed in Rust from `.{}`", old.rust),
            ));
        }
        let old_ty = renamed_text(&old.ty, renamed);
        let unwrapped = |t: &str| {
            t.strip_prefix("Option<")
                .and_then(|t| t.strip_suffix('>'))
                .map(str::to_string)
                .unwrap_or_else(|| t.to_string())
        };
        if old_ty != new.ty && unwrapped(&old_ty) != unwrapped(&new.ty) {
            changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "{field} changed type from `{}` to `{}`{}",
                    old.ty,
                    new.ty,
                    if read {
                        "; values the server sends in the new type no longer decode into the old one"
                    } else {
                        ""
                    }
                ),
            ));
        } else if old.required != new.required || old_ty != new.ty {
            let now = if new.required { "required" } else { "optional" };
            let rust_changed = old_ty != new.ty;
            // A response field that may now be absent fails old decoders; a request field that
            // must now be present fails old callers.
            let wire_breaks = (read && !new.required && old.required)
                || (written && new.required && !old.required);
            let verdict = if wire_breaks || rust_changed {
                Verdict::Breaking
            } else {
                Verdict::Additive
            };
            let level = match (wire_breaks, rust_changed) {
                (true, true) => Level::Both,
                (true, false) => Level::Wire,
                _ => Level::Rust,
            };
            let mut changed = change(
                verdict,
                level,
                format!("{field} is now {now} (type `{}` was `{}`)", new.ty, old.ty),
            );
            if read && new.required && !old.required {
                changed.behaviour = Some(
                    "answers without it (from servers older than the spec) no longer decode".into(),
                );
            }
            changes.push(changed);
        }
        if old.doc != new.doc {
            changes.push(change(
                Verdict::Documentation,
                Level::Rust,
                format!("{field}: description changed"),
            ));
        }
    }
    for (wire, new) in after {
        if before.contains_key(wire) {
            continue;
        }
        let field = format!(
            "{label}: {} field `{wire}` (`.{}`, `{}`)",
            if new.required { "required" } else { "optional" },
            new.rust,
            new.ty
        );
        if written && new.required {
            changes.push(change(
                Verdict::Breaking,
                Level::Wire,
                format!(
                    "{field} added to a request; a body built without it fails to build, and the server refuses requests without it"
                ),
            ));
        } else {
            let mut added = change(Verdict::Additive, Level::Both, format!("{field} added"));
            if new.required {
                added.behaviour = Some(
                    "answers without it no longer decode, and values built without it fail to build"
                        .into(),
                );
            }
            changes.push(added);
        }
    }
}

fn compare_values(
    label: &str,
    name: &str,
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
    open: bool,
    read: bool,
    changes: &mut Vec<Change>,
) {
    for (value, variant) in before {
        match after.get(value) {
            None => {
                let mut removed = change(
                    Verdict::Breaking,
                    Level::Rust,
                    format!("{label}: value `{value}` (`{name}::{variant}`) removed"),
                );
                if open && read {
                    removed.behaviour = Some(format!(
                        "a `{value}` the server still sends arrives as `{name}::Unknown(\"{value}\")`"
                    ));
                }
                changes.push(removed);
            }
            Some(new) if new != variant => changes.push(change(
                Verdict::Breaking,
                Level::Rust,
                format!("{label}: value `{value}` renamed in Rust from `{name}::{variant}` to `{name}::{new}`"),
            )),
            Some(_) => {}
        }
    }
    for (value, variant) in after {
        if before.contains_key(value) {
            continue;
        }
        let mut added = change(
            Verdict::Additive,
            Level::Both,
            format!("{label}: value `{value}` (`{name}::{variant}`) added"),
        );
        if open && read {
            added.behaviour = Some(format!(
                "`{value}` used to arrive as `{name}::Unknown(\"{value}\")` and now arrives as `{name}::{variant}`"
            ));
        }
        changes.push(added);
    }
}

fn compare_credentials(old: &Surface, new: &Surface, changes: &mut Vec<Change>) {
    for (variant, fields) in &old.credentials {
        match new.credentials.get(variant) {
            None => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!("credentials `Credentials::{variant}` removed"),
            )),
            // Other fields mean another way of authenticating: the requests change too.
            Some(now) if now != fields => changes.push(change(
                Verdict::Breaking,
                Level::Both,
                format!(
                    "credentials `Credentials::{variant}` now take {{ {now} }} instead of {{ {fields} }}"
                ),
            )),
            Some(_) => {}
        }
    }
    for variant in new.credentials.keys() {
        if !old.credentials.contains_key(variant) {
            changes.push(change(
                Verdict::Additive,
                Level::Both,
                format!("credentials `Credentials::{variant}` added"),
            ));
        }
    }
}
