//! Test support: a call of every operation with sample arguments, so the client's test suite
//! can exercise every generated function against a mock server (Prism) that validates requests.
//!
//! Samples are minimal valid values: required fields only, the spec's own example where it fits
//! the type, otherwise a plain value of the type (the first value of an enum).

use super::rust_type;
use super::types::ident;
use crate::ir::{Api, BodyKind, EnumRepr, Operation, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};

/// How deep nested required structs are filled in before an empty object stands in.
const MAX_DEPTH: usize = 6;

/// The `samples` module of one spec.
pub fn samples_module(api: &Api) -> TokenStream {
    let ids = api.operations.iter().map(|op| op.operation_id.as_str());
    let json_ids = api
        .operations
        .iter()
        .filter(|op| {
            op.success_responses().any(|r| {
                r.body.json_type().is_some()
                    && r.media_type.as_deref().is_some_and(|m| m.contains("json"))
            })
        })
        .map(|op| op.operation_id.as_str());
    let array_form_ids = api
        .operations
        .iter()
        .filter(|op| {
            matches!(&op.body, Some(body)
                if matches!(&body.kind, BodyKind::Multipart(form) if form.array_prefix.is_some()))
        })
        .map(|op| op.operation_id.as_str());
    let arms: Vec<TokenStream> = api
        .operations
        .iter()
        .map(|op| {
            let id = &op.operation_id;
            let call = call(api, op);
            quote!(#id => #call.await.map(drop),)
        })
        .collect();
    // A spec without operations has nothing to call.
    let body = if arms.is_empty() {
        quote! {
            let _ = (client, operation);
            None
        }
    } else {
        quote! {
            Some(match operation {
                #(#arms)*
                _ => return None,
            })
        }
    };
    quote! {
        //! Test support: every operation called with sample arguments.
        #![allow(deprecated, clippy::unwrap_used)]
        /// Every operation id of the spec, in spec order.
        pub const OPERATIONS: &[&str] = &[#(#ids),*];

        /// The operations whose success response is declared as JSON.
        pub const RETURNS_JSON: &[&str] = &[#(#json_ids),*];

        /// The operations whose multipart body the spec declares as an array (sent as
        /// `prefix[i].field` parts, which a validator reading the body as one object refuses).
        pub const ARRAY_FORMS: &[&str] = &[#(#array_form_ids),*];

        /// Calls `operation` with sample arguments; `None` for an unknown id.
        pub async fn call(
            client: &crate::runtime::Client,
            operation: &str,
        ) -> Option<Result<(), crate::runtime::Error>> {
            #body
        }
    }
}

fn call(api: &Api, op: &Operation) -> TokenStream {
    let module = ident(&op.module);
    let function = ident(&op.rust_name);
    let mut arguments = Vec::new();
    for param in op.params.iter().filter(|p| p.required) {
        let example = param.docs.example.as_deref();
        arguments.push(argument(&param.ty, sample(api, &param.ty, example, 0)));
    }
    if let Some(body) = &op.body {
        let value = match &body.kind {
            BodyKind::Json(ty) | BodyKind::Form(ty) => {
                let ty_tokens = rust_type(ty, quote!(super::types::));
                let json = sample(api, ty, None, 0).to_string();
                quote!(&serde_json::from_str::<#ty_tokens>(#json).unwrap())
            }
            BodyKind::Multipart(form) => {
                let item = rust_type(&form.ty, quote!(super::types::));
                // Every field of a form, so that a form of optional fields is not empty.
                let one = form_sample(api, &form.ty);
                if form.array_prefix.is_some() {
                    let json = Value::Array(vec![one]).to_string();
                    quote!(&serde_json::from_str::<Vec<#item>>(#json).unwrap())
                } else {
                    let json = one.to_string();
                    quote!(&serde_json::from_str::<#item>(#json).unwrap())
                }
            }
            BodyKind::Text => quote!("sample"),
            BodyKind::Bytes => quote!(crate::runtime::Binary::new(&b"sample"[..])),
        };
        arguments.push(if body.required {
            value
        } else {
            quote!(Some(#value))
        });
    }
    if op.params_struct.is_some() {
        arguments.push(quote!(&Default::default()));
    }
    quote!(super::#module::#function(client, #(#arguments),*))
}

/// A positional argument holding `value`, borrowed as the generated signature wants it.
fn argument(ty: &TypeRef, value: Value) -> TokenStream {
    let json = value.to_string();
    match ty {
        TypeRef::String => {
            let text = value.as_str().unwrap_or("sample").to_string();
            quote!(#text)
        }
        // Passed by value as the operation takes them (the same rule as its signature).
        ty if ty.is_copy_scalar() => {
            let ty = rust_type(ty, quote!(super::types::));
            quote!(serde_json::from_str::<#ty>(#json).unwrap())
        }
        _ => {
            let ty = rust_type(ty, quote!(super::types::));
            quote!(&serde_json::from_str::<#ty>(#json).unwrap())
        }
    }
}

/// A sample of a multipart form struct with all its fields.
fn form_sample(api: &Api, ty: &TypeRef) -> Value {
    let Some(TypeKind::Struct(form)) = ty.named().and_then(|n| api.type_named(n)).map(|d| &d.kind)
    else {
        return sample(api, ty, None, 0);
    };
    let object = form
        .fields
        .iter()
        .map(|f| {
            (
                f.json_name.clone(),
                sample(api, &f.ty, f.docs.example.as_deref(), 1),
            )
        })
        .collect();
    Value::Object(object)
}

/// A minimal valid JSON value of `ty`, preferring `example` when it fits.
pub fn sample(api: &Api, ty: &TypeRef, example: Option<&str>, depth: usize) -> Value {
    if let Some(example) = example.and_then(|e| serde_json::from_str::<Value>(e).ok()) {
        if fits(api, ty, &example, 0) {
            return example;
        }
    }
    match ty {
        TypeRef::String | TypeRef::Secret | TypeRef::Binary | TypeRef::Base64 => json!("sample"),
        TypeRef::Uuid => json!("00000000-0000-4000-8000-000000000000"),
        TypeRef::Bool => json!(false),
        TypeRef::I32 | TypeRef::I64 | TypeRef::Int(_) | TypeRef::F32 | TypeRef::F64 => json!(1),
        TypeRef::DateTime => json!("2024-01-01T00:00:00Z"),
        TypeRef::Date => json!("2024-01-01"),
        TypeRef::Json | TypeRef::Map(_) => json!({}),
        TypeRef::Array(item) => json!([sample(api, item, None, depth + 1)]),
        // Past the depth limit a named type is `{}`: bounded work for any chain of types.
        TypeRef::Named(_) if depth >= MAX_DEPTH => json!({}),
        TypeRef::Named(name) => match api.type_named(name).map(|def| &def.kind) {
            Some(TypeKind::Enum(e)) => e.variants.first().map_or(json!("sample"), |v| {
                serde_json::from_str::<i64>(&v.value)
                    .ok()
                    .filter(|_| e.repr == EnumRepr::Integer)
                    .map_or(json!(v.value), |n| json!(n))
            }),
            Some(TypeKind::Union(union)) => union
                .variants
                .first()
                .map_or(json!({}), |v| sample(api, &v.ty, None, depth + 1)),
            Some(TypeKind::Alias(target)) => sample(api, target, None, depth + 1),
            Some(TypeKind::Struct(s)) => {
                let mut object = Map::new();
                for field in s.fields.iter().filter(|f| f.required) {
                    let value = if field.nullable && depth > 0 {
                        Value::Null
                    } else {
                        sample(api, &field.ty, field.docs.example.as_deref(), depth + 1)
                    };
                    object.insert(field.json_name.clone(), value);
                }
                Value::Object(object)
            }
            _ => json!({}),
        },
    }
}

/// Whether `value` is a valid value of `ty` (shallowly for structs).
fn fits(api: &Api, ty: &TypeRef, value: &Value, depth: usize) -> bool {
    match (ty, value) {
        (
            TypeRef::String | TypeRef::Secret | TypeRef::Binary | TypeRef::Base64 | TypeRef::Uuid,
            Value::String(_),
        ) => true,
        (TypeRef::DateTime, Value::String(s)) => s.contains('T') && s.len() >= 20,
        (TypeRef::Date, Value::String(s)) => s.len() == 10,
        (TypeRef::Bool, Value::Bool(_)) => true,
        (TypeRef::I32 | TypeRef::I64 | TypeRef::Int(_), Value::Number(n)) => {
            n.is_i64() || n.is_u64()
        }
        (TypeRef::F32 | TypeRef::F64, Value::Number(_)) => true,
        (TypeRef::Json, _) => true,
        (TypeRef::Map(inner), Value::Object(o)) => o.values().all(|v| fits(api, inner, v, depth)),
        (TypeRef::Array(inner), Value::Array(items)) => {
            !items.is_empty() && items.iter().all(|v| fits(api, inner, v, depth))
        }
        (TypeRef::Named(name), value) if depth < MAX_DEPTH => {
            match api.type_named(name).map(|def| &def.kind) {
                Some(TypeKind::Enum(e)) => {
                    let text = match value {
                        Value::String(s) => s.clone(),
                        Value::Number(n) if e.repr == EnumRepr::Integer => n.to_string(),
                        _ => return false,
                    };
                    e.variants.iter().any(|v| v.value == text)
                }
                Some(TypeKind::Union(union)) => union
                    .variants
                    .iter()
                    .any(|v| fits(api, &v.ty, value, depth + 1)),
                Some(TypeKind::Alias(target)) => fits(api, target, value, depth + 1),
                Some(TypeKind::Struct(s)) => value.as_object().is_some_and(|object| {
                    s.fields.iter().all(|f| match object.get(&f.json_name) {
                        Some(Value::Null) => f.nullable,
                        Some(v) => fits(api, &f.ty, v, depth + 1),
                        None => !f.required,
                    })
                }),
                None => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Docs, Enumeration, Field, Struct, TypeDef, Variant};

    fn api() -> Api {
        let field = |name: &str, ty: TypeRef, required: bool, example: Option<&str>| Field {
            json_name: name.into(),
            rust_name: name.into(),
            ty,
            required,
            nullable: false,
            docs: Docs {
                example: example.map(str::to_string),
                ..Docs::default()
            },
            deprecated: false,
            access: crate::ir::Access::ReadWrite,
            constraints: Default::default(),
        };
        Api {
            source: "t.yaml".into(),
            title: "t".into(),
            version: "1".into(),
            server: None,
            warnings: Vec::new(),
            types: vec![
                TypeDef {
                    name: "Color".into(),
                    origin: "#/components/schemas/Color".into(),
                    docs: Docs::default(),
                    deprecated: false,
                    kind: TypeKind::Enum(Enumeration {
                        variants: vec![Variant {
                            rust_name: "Red".into(),
                            value: "red".into(),
                        }],
                        repr: crate::ir::EnumRepr::String,
                    }),
                },
                TypeDef {
                    name: "Box".into(),
                    origin: "#/components/schemas/Box".into(),
                    docs: Docs::default(),
                    deprecated: false,
                    kind: TypeKind::Struct(Struct {
                        fields: vec![
                            field("cpu", TypeRef::I64, true, Some("4")),
                            field("name", TypeRef::String, true, Some("{\"bad\":1}")),
                            field("color", TypeRef::Named("Color".into()), true, None),
                            field("note", TypeRef::String, false, None),
                        ],
                        additional_properties: None,
                    }),
                },
            ],
            operations: Vec::new(),
        }
    }

    #[test]
    fn samples_use_fitting_examples_and_required_fields_only() {
        let api = api();
        let value = sample(&api, &TypeRef::Named("Box".into()), None, 0);
        assert_eq!(value, json!({"cpu": 4, "name": "sample", "color": "red"}));
    }

    #[test]
    fn examples_that_do_not_fit_are_ignored() {
        let api = api();
        let date = sample(&api, &TypeRef::DateTime, Some("\"\""), 0);
        assert_eq!(date, json!("2024-01-01T00:00:00Z"));
        let color = sample(&api, &TypeRef::Named("Color".into()), Some("\"blue\""), 0);
        assert_eq!(color, json!("red"));
    }
}
