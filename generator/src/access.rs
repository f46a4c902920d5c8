//! Rust expressions that reach into a generated type along a JSON pointer (`/meta/pagingInfo/total`),
//! built from the schema so that each step matches typify's field: `Option` for optional
//! properties, plain for required ones and for arrays (typify defaults those to empty).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use crate::error::unescape_token;
use crate::rust_names::field_ident;
use crate::walk;

/// An expression of type `Option<&T>` for the value at `pointer` below `root` (an expression
/// of the type generated for `schema`), and the schema of that value.
pub fn optional_ref<'d>(
    document: &'d Value,
    schema: &'d Value,
    root: TokenStream,
    pointer: &str,
) -> Result<(TokenStream, &'d Value), String> {
    let mut expression = quote! { ::std::option::Option::Some(&#root) };
    let mut current = walk::resolved(document, schema);
    for token in pointer.split('/').skip(1) {
        let property = unescape_token(token);
        // An index into an array (`/errors/0/message`): typify's `Vec`, read with `get`.
        if let (Ok(index), Some("array")) = (
            property.parse::<usize>(),
            current.get("type").and_then(Value::as_str),
        ) {
            expression = if index == 0 {
                quote! { #expression.and_then(|value| value.first()) }
            } else {
                quote! { #expression.and_then(|value| value.get(#index)) }
            };
            current = walk::resolved(document, current.get("items").unwrap_or(&Value::Null));
            continue;
        }
        let Some(child) = current.get("properties").and_then(|p| p.get(&property)) else {
            return Err(format!(
                "`{pointer}`: no property `{property}` in the schema"
            ));
        };
        let required = current
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n == &Value::String(property.clone())));
        let child = walk::resolved(document, child);
        let field = field_ident(&property);
        let is_collection = matches!(child.get("type").and_then(Value::as_str), Some("array"))
            || (child.get("type").and_then(Value::as_str) == Some("object")
                && child
                    .get("additionalProperties")
                    .is_some_and(Value::is_object));
        expression = if required || is_collection {
            quote! { #expression.map(|value| &value.#field) }
        } else {
            quote! { #expression.and_then(|value| value.#field.as_ref()) }
        };
        current = child;
    }
    Ok((expression, current))
}

/// The name of the component schema an array's items refer to, for `types::Name`.
pub fn array_item_schema<'d>(document: &'d Value, array: &'d Value) -> Option<&'d str> {
    let items = walk::resolved(document, array).get("items")?;
    items
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn optional_and_required_steps() {
        let document = json!({"components": {"schemas": {
            "Page": {"type": "object", "required": ["meta"], "properties": {
                "meta": {"$ref": "#/components/schemas/Meta"},
                "data": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
            }},
            "Meta": {"type": "object", "properties": {"pagingInfo": {"type": "object", "properties": {"total": {"type": "integer"}}}}}
        }}});
        let page = &document["components"]["schemas"]["Page"];
        let (expression, leaf) =
            optional_ref(&document, page, quote!(page), "/meta/pagingInfo/total").unwrap();
        assert_eq!(
            expression.to_string().replace(' ', ""),
            "::std::option::Option::Some(&page).map(|value|&value.meta).and_then(|value|value.paging_info.as_ref()).and_then(|value|value.total.as_ref())"
        );
        assert_eq!(leaf["type"], "integer");
        let (_, data) = optional_ref(&document, page, quote!(page), "/data").unwrap();
        assert_eq!(array_item_schema(&document, data), Some("Item"));
        assert!(
            optional_ref(&document, page, quote!(page), "/nope")
                .unwrap_err()
                .contains("no property `nope`")
        );
        let (indexed, _) = optional_ref(&document, page, quote!(page), "/data/0").unwrap();
        assert!(
            indexed
                .to_string()
                .replace(' ', "")
                .ends_with(".map(|value|&value.data).and_then(|value|value.first())"),
            "{indexed}"
        );
    }
}
