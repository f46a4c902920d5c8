//! Makes typify's string enums forward-compatible: each gets an `Unknown(String)` variant that
//! keeps a value the spec never listed and sends it back unchanged, instead of failing the
//! whole response. typify's `Display`, `FromStr` and `TryFrom` impls for the enum are
//! replaced by ones that know the new variant.

use std::collections::BTreeMap;

use quote::quote;
use syn::visit_mut::VisitMut;
use syn::{Fields, File, Ident, Item, ItemEnum};

/// Rewrites every string enum in `types`.
pub fn open_string_enums(types: &mut File) {
    let mut values: BTreeMap<Ident, Vec<(Ident, String)>> = BTreeMap::new();
    for item in &types.items {
        if let Item::Enum(enumeration) = item
            && !is_tagged(enumeration)
            && let Some(variants) = string_variants(enumeration)
        {
            values.insert(enumeration.ident.clone(), variants);
        }
    }
    if values.is_empty() {
        return;
    }
    let renamed: Vec<Ident> = values
        .iter()
        .filter(|(_, variants)| variants.iter().any(|(ident, _)| ident == "UnknownValue"))
        .map(|(name, _)| name.clone())
        .collect();
    if !renamed.is_empty() {
        RenameUnknown {
            enums: renamed,
            in_impl_of: None,
        }
        .visit_file_mut(types);
    }
    let mut items = Vec::with_capacity(types.items.len());
    for item in types.items.drain(..) {
        match item {
            Item::Enum(mut enumeration) if values.contains_key(&enumeration.ident) => {
                let name = enumeration.ident.clone();
                open(&mut enumeration);
                items.push(Item::Enum(enumeration));
                items.extend(impls(&name, &values[&name]));
            }
            // typify's impls for these enums give way to the ones `impls` writes.
            Item::Impl(block) if is_replaced_impl(&block, &values) => {}
            other => items.push(other),
        }
    }
    types.items = items;
}

/// Points typify's own references to a spec value named `Unknown` (defaults, conversions) at
/// its new name, `UnknownValue`.
struct RenameUnknown {
    enums: Vec<Ident>,
    in_impl_of: Option<Ident>,
}

impl VisitMut for RenameUnknown {
    fn visit_item_impl_mut(&mut self, block: &mut syn::ItemImpl) {
        let outer = self.in_impl_of.take();
        if let syn::Type::Path(self_type) = &*block.self_ty {
            self.in_impl_of = self_type.path.get_ident().cloned();
        }
        syn::visit_mut::visit_item_impl_mut(self, block);
        self.in_impl_of = outer;
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let count = path.segments.len();
        if count >= 2 && path.segments[count - 1].ident == "Unknown" {
            let owner = &path.segments[count - 2].ident;
            let is_enum = self.enums.contains(owner)
                || (owner == "Self"
                    && self
                        .in_impl_of
                        .as_ref()
                        .is_some_and(|i| self.enums.contains(i)));
            if is_enum {
                path.segments[count - 1].ident =
                    Ident::new("UnknownValue", proc_macro2::Span::call_site());
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// Whether serde reads the enum by a tag or by shape (`tag`, `content`, `untagged`): then its
/// unit variants are not string values, and the enum stays as typify wrote it.
fn is_tagged(enumeration: &ItemEnum) -> bool {
    let mut tagged = false;
    for attribute in enumeration
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
    {
        let _ = attribute.parse_nested_meta(|meta| {
            tagged |= ["tag", "content", "untagged"]
                .iter()
                .any(|key| meta.path.is_ident(key));
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    tagged
}

/// The `(variant, value)` pairs of an enum whose variants are all unit variants, or `None`.
/// A variant that a spec value named `Unknown` is renamed `UnknownValue`, so the catch-all
/// can keep the name every open enum uses for it.
fn string_variants(enumeration: &ItemEnum) -> Option<Vec<(Ident, String)>> {
    enumeration
        .variants
        .iter()
        .map(|variant| match variant.fields {
            Fields::Unit => Some((
                if variant.ident == "Unknown" {
                    Ident::new("UnknownValue", variant.ident.span())
                } else {
                    variant.ident.clone()
                },
                crate::surface::serde_rename(&variant.attrs)
                    .unwrap_or_else(|| variant.ident.to_string()),
            )),
            _ => None,
        })
        .collect()
}

/// Drops `Copy` (a `String` is not `Copy`) and appends the catch-all variant.
fn open(enumeration: &mut ItemEnum) {
    for attribute in &mut enumeration.attrs {
        if attribute.path().is_ident("derive")
            && let Ok(list) = attribute.meta.require_list()
        {
            let kept: Vec<String> = list
                .tokens
                .to_string()
                .split(',')
                .map(|d| d.trim().to_string())
                // `Copy` cannot hold a `String`; serde's derives give way to the hand-rolled
                // impls below, which read the value as a string without buffering it.
                .filter(|d| {
                    !matches!(
                        d.replace(' ', "").as_str(),
                        "Copy" | "::serde::Deserialize" | "::serde::Serialize" | ""
                    )
                })
                .collect();
            let kept: proc_macro2::TokenStream =
                kept.join(", ").parse().expect("derive paths reparse");
            *attribute = syn::parse_quote! { #[derive(#kept)] };
        }
    }
    // Without serde's derive, serde's own attributes must go: the container's, and the
    // variants' `#[serde(rename)]` (which `impls` has read).
    enumeration
        .attrs
        .retain(|attribute| !attribute.path().is_ident("serde"));
    for variant in &mut enumeration.variants {
        variant
            .attrs
            .retain(|attribute| !attribute.path().is_ident("serde"));
        if variant.ident == "Unknown" {
            variant.ident = Ident::new("UnknownValue", variant.ident.span());
        }
    }
    enumeration.variants.push(syn::parse_quote! {
        /// A value the spec does not list, kept exactly as the server sent it.
        Unknown(::std::string::String)
    });
}

fn is_replaced_impl(block: &syn::ItemImpl, values: &BTreeMap<Ident, Vec<(Ident, String)>>) -> bool {
    let syn::Type::Path(self_type) = &*block.self_ty else {
        return false;
    };
    let Some(name) = self_type.path.get_ident() else {
        return false;
    };
    if !values.contains_key(name) {
        return false;
    }
    let Some((trait_path, _)) = &block.trait_ else {
        return false;
    };
    let last = trait_path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    matches!(last.as_str(), "Display" | "FromStr" | "TryFrom")
}

/// The enum's conversions: one invocation of the runtime's `open_enum!`, built without parsing.
fn impls(name: &Ident, variants: &[(Ident, String)]) -> Vec<Item> {
    let pairs = variants
        .iter()
        .map(|(ident, text)| quote! { #ident => #text });
    let mac = syn::Macro {
        path: syn::parse_quote! { ::storage_jobs_runtime::open_enum },
        bang_token: Default::default(),
        delimiter: syn::MacroDelimiter::Paren(Default::default()),
        tokens: quote! { #name { #(#pairs),* } },
    };
    vec![Item::Macro(syn::ItemMacro {
        attrs: Vec::new(),
        ident: None,
        mac,
        semi_token: Some(Default::default()),
    })]
}

#[cfg(test)]
mod tests {
    #[test]
    fn adds_unknown_and_replaces_conversions() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
            pub enum State { #[serde(rename = "queued")] Queued, Running }
            impl ::std::fmt::Display for State { fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { Ok(()) } }
            impl ::std::convert::TryFrom<&str> for State { type Error = (); fn try_from(v: &str) -> Result<Self, ()> { Err(()) } }
            pub struct Other;
        };
        super::open_string_enums(&mut file);
        let text = prettyplease::unparse(&file);
        assert!(text.contains("#[derive(Clone, Debug)]"), "{text}");
        assert!(text.contains("Unknown(::std::string::String)"));
        assert!(
            text.contains("::storage_jobs_runtime::open_enum!(State { Queued => \"queued\", Running => \"Running\" });"),
            "{text}"
        );
        assert!(!text.contains("TryFrom<&str>"));
        assert!(!text.contains("impl ::std::fmt::Display for State"));
        assert!(text.contains("pub struct Other"));
    }
}
