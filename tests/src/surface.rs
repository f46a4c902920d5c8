//! Renders a generated crate's API surface: one line per operation (method, path, Rust method,
//! parameters, success and error types) and one per type, read from its sources with `syn`.

use quote::ToTokens;
use std::fmt::Write;
use std::path::Path;
use syn::{Fields, ImplItem, Item, ReturnType, Type};

/// The surface of the crate in `dir` (a directory with `src/client.rs`, `src/builder.rs`,
/// `src/responses.rs`, `src/errors.rs` and `src/types.rs`).
pub fn render(dir: &Path) -> String {
    let client = parse(&dir.join("src/client.rs"));
    let mut builder = parse(&dir.join("src/builder.rs"));
    // `send` lives beside the builders, in `responses.rs`.
    builder
        .items
        .extend(parse(&dir.join("src/responses.rs")).items);
    let types = parse(&dir.join("src/types.rs"));
    let mut out = String::new();
    for item in &client.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for member in &block.items {
            let ImplItem::Fn(function) = member else {
                continue;
            };
            let docs = doc_text(&function.attrs);
            let Some(request) = docs
                .lines()
                .find_map(|line| line.trim().strip_prefix("Sends a `"))
            else {
                continue;
            };
            let (method, rest) = request
                .split_once("` request to `")
                .unwrap_or((request, ""));
            let path = rest.trim_end_matches('`');
            let builder_name = match &function.sig.output {
                ReturnType::Type(_, ty) => last_segment(ty),
                ReturnType::Default => String::new(),
            };
            let (parameters, success, error) = builder_surface(&builder, &builder_name);
            let _ = writeln!(
                out,
                "{method} {path} -> {}({}) -> Result<{success}, {error}>",
                function.sig.ident,
                parameters.join(", ")
            );
        }
    }
    let pagination = dir.join("src/pagination.rs");
    if pagination.exists() {
        for item in &parse(&pagination).items {
            let Item::Impl(block) = item else { continue };
            for member in &block.items {
                let ImplItem::Fn(function) = member else {
                    continue;
                };
                if let ReturnType::Type(_, output) = &function.sig.output {
                    let text = ty(output);
                    let item = text
                        .split_once("Item=Result<")
                        .map_or(text.as_str(), |(_, rest)| {
                            rest.strip_suffix(">>+'a").unwrap_or(rest)
                        });
                    let _ = writeln!(
                        out,
                        "stream {} -> Stream<Result<{item}>>",
                        function.sig.ident
                    );
                }
            }
        }
    }
    for item in &parse(&dir.join("src/auth.rs")).items {
        if let Item::Enum(e) = item {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let fields = v.fields.iter().map(field).collect::<Vec<_>>();
                    if fields.is_empty() {
                        v.ident.to_string()
                    } else {
                        format!("{} {{ {} }}", v.ident, fields.join(", "))
                    }
                })
                .collect::<Vec<_>>();
            let _ = writeln!(
                out,
                "credentials {}{}",
                variants.join(" | "),
                if non_exhaustive(&e.attrs) {
                    " | .."
                } else {
                    ""
                }
            );
        }
    }
    out.push('\n');
    for file in ["src/errors.rs", "src/responses.rs"] {
        for item in &parse(&dir.join(file)).items {
            if let Item::Enum(e) = item {
                let _ = writeln!(
                    out,
                    "enum {} {{ {} }}",
                    e.ident,
                    members(&variants(e), &e.attrs)
                );
            }
        }
    }
    for item in &types.items {
        match item {
            Item::Struct(s) => {
                let fields = match &s.fields {
                    Fields::Named(named) => named.named.iter().map(field).collect::<Vec<_>>(),
                    Fields::Unnamed(unnamed) => unnamed.unnamed.iter().map(|f| ty(&f.ty)).collect(),
                    Fields::Unit => Vec::new(),
                };
                let _ = writeln!(
                    out,
                    "struct {} {{ {} }}",
                    s.ident,
                    members(&fields.join(", "), &s.attrs)
                );
            }
            Item::Enum(e) => {
                let _ = writeln!(
                    out,
                    "enum {} {{ {} }}",
                    e.ident,
                    members(&variants(e), &e.attrs)
                );
            }
            Item::Type(alias) => {
                let _ = writeln!(out, "type {} = {}", alias.ident, ty(&alias.ty));
            }
            _ => {}
        }
    }
    out
}

/// Whether an item is `#[non_exhaustive]`: code outside the crate cannot name all of it.
fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// `members` followed by `..` when the item is `#[non_exhaustive]`, as rustdoc shows it.
fn members(members: &str, attrs: &[syn::Attribute]) -> String {
    match (members.is_empty(), non_exhaustive(attrs)) {
        (_, false) => members.to_string(),
        (true, true) => "..".to_string(),
        (false, true) => format!("{members}, .."),
    }
}

/// An enum's variants, with their payload types.
fn variants(e: &syn::ItemEnum) -> String {
    e.variants
        .iter()
        .map(|v| match &v.fields {
            Fields::Unnamed(fields) => format!(
                "{}({})",
                v.ident,
                fields
                    .unnamed
                    .iter()
                    .map(|f| ty(&f.ty))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => v.ident.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parameters (with `?` when optional), success type and error type of one builder.
fn builder_surface(builder: &syn::File, name: &str) -> (Vec<String>, String, String) {
    let mut parameters = Vec::new();
    let mut success = String::from("?");
    let mut error = String::from("?");
    for item in &builder.items {
        match item {
            Item::Struct(s) if s.ident == name => {
                for field in s.fields.iter() {
                    let field_name = field
                        .ident
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    if field_name == "client" {
                        continue;
                    }
                    // Builder fields are `Result<T, String>`; `T` is `Option<U>` for optional ones.
                    let inner = ty(&field.ty);
                    let inner = inner
                        .strip_prefix("Result<")
                        .and_then(|t| t.strip_suffix(",String>"))
                        .unwrap_or(&inner);
                    match inner
                        .strip_prefix("Option<")
                        .and_then(|t| t.strip_suffix('>'))
                    {
                        Some(optional) => parameters.push(format!("{field_name}?: {optional}")),
                        None => parameters.push(format!("{field_name}: {inner}")),
                    }
                }
            }
            Item::Impl(block) if last_segment(&block.self_ty) == name => {
                for member in &block.items {
                    let ImplItem::Fn(function) = member else {
                        continue;
                    };
                    if function.sig.ident != "send" {
                        continue;
                    }
                    if let ReturnType::Type(_, output) = &function.sig.output {
                        let text = ty(output);
                        if let Some(inside) = text.strip_prefix("Result<ResponseValue<") {
                            let (ok, err) = inside.split_once(">,Error<").unwrap_or((inside, ""));
                            success = ok.to_string();
                            error = err.trim_end_matches(">>").to_string();
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (parameters, success, error)
}

/// `name: Type` for a named field.
fn field(f: &syn::Field) -> String {
    format!(
        "{}: {}",
        f.ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        ty(&f.ty)
    )
}

fn parse(path: &Path) -> syn::File {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn last_segment(ty: &Type) -> String {
    match ty {
        Type::Path(path) => path
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// A type without spaces and without the standard-library paths progenitor spells out.
fn ty(ty: &Type) -> String {
    let text: String = ty
        .to_token_stream()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    [
        "::std::option::",
        "::std::string::",
        "::std::vec::",
        "::std::collections::",
        "::std::result::",
        "::std::",
        "std::",
        "::storage_jobs_runtime::",
        "::chrono::offset::",
        "::chrono::",
        "::serde_json::",
        "::uuid::",
        "types::",
        "errors::",
        "responses::",
        "super::",
    ]
    .iter()
    .fold(text, |acc, prefix| acc.replace(prefix, ""))
    // A type broken over lines keeps a trailing comma before its closing bracket.
    .replace(",>", ">")
}
