//! Reshapes progenitor's single token stream with `syn`: splits it into reviewable modules
//! (client, builder, types) and turns multi-line doc attributes into one attribute per line.

use proc_macro2::Span;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Expr, ExprLit, File, Item, Lit, LitStr, Meta};

/// The generated code, one `syn::File` per module file of the crate.
pub struct Modules {
    /// `Client`, its constructor and the operation methods (`src/client.rs`).
    pub client: File,
    /// The per-operation request builders (`src/builder.rs`).
    pub builder: File,
    /// The schema types (`src/types.rs`).
    pub types: File,
}

/// The names the types module defines more than once.
pub fn duplicate_type_names(types: &File) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut twice = std::collections::BTreeSet::new();
    for item in &types.items {
        let ident = match item {
            Item::Struct(item) => &item.ident,
            Item::Enum(item) => &item.ident,
            Item::Type(item) => &item.ident,
            _ => continue,
        };
        let name = ident.to_string();
        if !seen.insert(name.clone()) {
            twice.insert(name);
        }
    }
    twice
}

/// Splits progenitor's output into modules. The crate root (`lib.rs`) is written by the
/// scaffold, so progenitor's own imports and prelude are dropped here.
pub fn split(tokens: proc_macro2::TokenStream) -> Result<Modules, String> {
    let file: File = syn::parse2(tokens)
        .map_err(|e| format!("progenitor emitted code syn cannot parse: {e}"))?;
    let mut client = Vec::new();
    let mut builder = None;
    let mut types = None;
    for item in file.items {
        match item {
            Item::Mod(module) if module.ident == "types" => {
                types = module.content.map(|(_, items)| items)
            }
            Item::Mod(module) if module.ident == "builder" => {
                builder = module.content.map(|(_, items)| items)
            }
            Item::Mod(module) if module.ident == "prelude" => {}
            Item::Use(_) => {}
            other => client.push(other),
        }
    }
    // The client module sees the crate root's imports and modules, as it did inside one file.
    client.insert(
        0,
        syn::parse_quote! { #[allow(unused_imports)] use super::*; },
    );
    let mut modules = Modules {
        client: file_of(client),
        builder: file_of(builder.ok_or("progenitor emitted no builder module")?),
        types: file_of(types.ok_or("progenitor emitted no types module")?),
    };
    remove_plain_constructor(&mut modules.client);
    send_becomes_send_raw(&mut modules.builder);
    builder_uses_progenitor_error(&mut modules.builder);
    crate::open_enums::open_string_enums(&mut modules.types);
    crate::wire_forms::records_read_through_wire_forms(&mut modules.types);
    extensible_types(&mut modules.types);
    for file in [
        &mut modules.client,
        &mut modules.builder,
        &mut modules.types,
    ] {
        OneDocLinePerAttribute.visit_file_mut(file);
        TimesKeepTheirOffset.visit_file_mut(file);
    }
    Ok(modules)
}

/// Types can grow without breaking downstream code: structs with named fields and enums are
/// `#[non_exhaustive]` (a vendor's new field or value is then an additive change; values are
/// built with `Type::builder()` or `Type::default()`), and nothing refuses a field it does not
/// know (typify writes `deny_unknown_fields` for `additionalProperties: false`, which would
/// fail a whole response over a field a newer server adds).
fn extensible_types(types: &mut File) {
    let non_exhaustive: Attribute = syn::parse_quote! { #[non_exhaustive] };
    for item in &mut types.items {
        let (attributes, extensible) = match item {
            Item::Struct(structure) => {
                let named = matches!(structure.fields, syn::Fields::Named(_));
                (&mut structure.attrs, named)
            }
            Item::Enum(enumeration) => (&mut enumeration.attrs, true),
            _ => continue,
        };
        without_deny_unknown_fields(attributes);
        if extensible
            && !attributes
                .iter()
                .any(|a| a.path().is_ident("non_exhaustive"))
        {
            attributes.push(non_exhaustive.clone());
        }
    }
}

/// Takes `deny_unknown_fields` out of serde container attributes, dropping one left empty.
fn without_deny_unknown_fields(attributes: &mut Vec<Attribute>) {
    attributes.retain_mut(|attribute| {
        if !attribute.path().is_ident("serde") {
            return true;
        }
        let Ok(list) = attribute.meta.require_list() else {
            return true;
        };
        let Ok(items) = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        ) else {
            return true;
        };
        let kept: Vec<&syn::Meta> = items
            .iter()
            .filter(|meta| !meta.path().is_ident("deny_unknown_fields"))
            .collect();
        if kept.len() == items.len() {
            return true;
        }
        if kept.is_empty() {
            return false;
        }
        *attribute = syn::parse_quote! { #[serde(#(#kept),*)] };
        true
    });
}

/// progenitor's `Client::new` builds a reqwest client without TLS settings (and panics
/// without a crypto provider); the crate's `auth.rs` offers `Client::connect` instead.
fn remove_plain_constructor(client: &mut File) {
    for item in &mut client.items {
        if let Item::Impl(block) = item
            && block.trait_.is_none()
        {
            block
                .items
                .retain(|member| !matches!(member, syn::ImplItem::Fn(f) if f.sig.ident == "new"));
        }
    }
}

/// progenitor's `send` reads every answer as raw bytes (its view of the spec documents no
/// other); it becomes the crate-internal `send_raw`, and the crate's own `send` (in
/// `responses.rs`) reads the answer by its documented status.
fn send_becomes_send_raw(builder: &mut File) {
    for item in &mut builder.items {
        if let Item::Impl(block) = item {
            for member in &mut block.items {
                if let syn::ImplItem::Fn(function) = member
                    && function.sig.ident == "send"
                {
                    function.sig.ident = syn::Ident::new("send_raw", function.sig.ident.span());
                    function.vis = syn::parse_quote! { pub(crate) };
                }
            }
        }
    }
}

/// The crate root's `Error` is the crate's own; progenitor's builders, which import everything
/// from the crate root, mean progenitor's `Error`.
fn builder_uses_progenitor_error(builder: &mut File) {
    let mut removed = false;
    for item in &mut builder.items {
        // What the builders use depends on the spec (no operation may take a typed value).
        if let Item::Use(using) = item {
            using
                .attrs
                .push(syn::parse_quote! { #[allow(unused_imports)] });
        }
        if let Item::Use(using) = item
            && let syn::UseTree::Path(path) = &mut using.tree
            && path.ident == "super"
            && let syn::UseTree::Group(group) = &mut *path.tree
        {
            let before = group.items.len();
            group.items = group
                .items
                .iter()
                .filter(|tree| !matches!(tree, syn::UseTree::Name(name) if name.ident == "Error"))
                .cloned()
                .collect();
            removed |= group.items.len() != before;
        }
    }
    if removed {
        builder
            .items
            .insert(0, syn::parse_quote! { use ::progenitor_client::Error; });
    }
}

/// `date-time` values keep the offset the server sent (`2020-02-26T10:35:44-08:00`) instead of
/// being turned into UTC: typify's `DateTime<Utc>` becomes `DateTime<FixedOffset>`, which
/// reads and writes RFC 3339 the same way and compares across offsets.
struct TimesKeepTheirOffset;

impl VisitMut for TimesKeepTheirOffset {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if names == ["chrono", "offset", "Utc"]
            && let Some(last) = path.segments.last_mut()
        {
            last.ident = syn::Ident::new("FixedOffset", last.ident.span());
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Applies the doc-line split to a file that needs no other reshaping (the mock module).
pub fn one_doc_line_per_attribute(mut file: File) -> File {
    OneDocLinePerAttribute.visit_file_mut(&mut file);
    file
}

fn file_of(items: Vec<Item>) -> File {
    File {
        shebang: None,
        frontmatter: None,
        attrs: Vec::new(),
        items,
    }
}

/// prettyplease prints a multi-line `#[doc]` as a `/** */` block; one attribute per line
/// prints as `///` lines, which is what rustfmt and readers expect.
struct OneDocLinePerAttribute;

impl VisitMut for OneDocLinePerAttribute {
    // Function bodies carry no doc comments, and they are most of the code: not walking them
    // saves a large share of the post-processing on large documents.
    fn visit_block_mut(&mut self, _: &mut syn::Block) {}

    fn visit_attributes_mut(&mut self, attributes: &mut Vec<Attribute>) {
        // Whether the doc lines so far opened a code block that has not closed.
        let mut in_code = false;
        let mut index = 0;
        while index < attributes.len() {
            let Some(text) = doc_text(&attributes[index]) else {
                index += 1;
                continue;
            };
            // `split`, not `lines`: an empty doc line is a paragraph break and must stay.
            let lines: Vec<&str> = text
                .strip_suffix('\n')
                .unwrap_or(&text)
                .split('\n')
                .collect();
            let template = attributes[index].clone();
            let split: Vec<Attribute> = lines
                .iter()
                .map(|line| {
                    let line = code_fence(line, &mut in_code);
                    let spaced = if line.is_empty() || line.starts_with(' ') {
                        line.to_string()
                    } else {
                        format!(" {line}")
                    };
                    let mut attribute = template.clone();
                    set_doc_text(&mut attribute, &spaced);
                    attribute
                })
                .collect();
            let count = split.len();
            attributes.splice(index..=index, split);
            index += count;
        }
    }
}

/// A doc line with any code block it opens marked `text`: a spec's descriptions hold examples
/// in other languages (and progenitor's call sketches are `ignore` doctests), and rustdoc would
/// compile every unmarked block as a Rust doctest.
pub fn code_fence<'l>(line: &'l str, in_code: &mut bool) -> &'l str {
    let trimmed = line.trim_start();
    if !trimmed.starts_with("```") && !trimmed.starts_with("~~~") {
        return line;
    }
    let opening = !*in_code;
    *in_code = !*in_code;
    if opening { "```text" } else { "```" }
}

/// The text of a doc attribute that needs splitting or a leading space; `None` for any other
/// attribute, and for a doc line that is fine as it is (read from the literal's source form,
/// which is cheaper than its value).
fn doc_text(attribute: &Attribute) -> Option<String> {
    let Meta::NameValue(name_value) = &attribute.meta else {
        return None;
    };
    if !name_value.path.is_ident("doc") {
        return None;
    }
    match &name_value.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(text),
            ..
        }) => {
            let source = text.token().to_string();
            let fine = (source.starts_with("\" ") || source == "\"\"")
                && !source.contains("\\n")
                && !source.contains("```")
                && !source.contains("~~~");
            (!fine).then(|| text.value())
        }
        _ => None,
    }
}

fn set_doc_text(attribute: &mut Attribute, text: &str) {
    if let Meta::NameValue(name_value) = &mut attribute.meta
        && let Expr::Lit(ExprLit { lit, .. }) = &mut name_value.value
    {
        *lit = Lit::Str(LitStr::new(text, Span::call_site()));
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn splits_modules_and_doc_lines() {
        let tokens = quote! {
            pub use progenitor_client::Error;
            pub mod types { #[doc = "First line\n\nThird"] pub struct A; }
            pub mod builder { pub struct B; }
            pub mod prelude { pub use super::Client; }
            pub struct Client;
        };
        let modules = super::split(tokens).unwrap();
        assert_eq!(
            modules.client.items.len(),
            2,
            "the glob import of the crate root, then Client"
        );
        let types = prettyplease::unparse(&modules.types);
        assert_eq!(types, "/// First line\n///\n/// Third\npub struct A;\n");
    }

    #[test]
    fn types_can_grow() {
        let mut types: syn::File = syn::parse_quote! {
            #[serde(deny_unknown_fields)]
            pub struct Closed { pub a: i64 }
            #[serde(rename_all = "camelCase", deny_unknown_fields)]
            pub struct Renamed { pub b: i64 }
            pub struct Newtype(pub i64);
            pub enum State { Running, Done }
            #[non_exhaustive]
            pub enum Already { A }
        };
        super::extensible_types(&mut types);
        let text = prettyplease::unparse(&types);
        assert!(!text.contains("deny_unknown_fields"), "{text}");
        assert!(
            text.contains("#[serde(rename_all = \"camelCase\")]"),
            "{text}"
        );
        assert_eq!(text.matches("#[non_exhaustive]").count(), 4, "{text}");
        assert!(text.contains("pub struct Newtype(pub i64);"), "{text}");
        assert!(
            !text.contains("#[non_exhaustive]\npub struct Newtype"),
            "{text}"
        );
    }
}
