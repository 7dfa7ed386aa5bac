//! A compact listing of the public API a model generates: types with their fields and Rust
//! types, and functions with their signatures. Snapshots of it make spec changes short diffs.

use crate::ir::{Api, BodyKind, Presence, ResponseBody, TypeKind, TypeRef};
use std::fmt::Write;

/// The listing of `api`, one item per line (fields indented under their type).
pub fn api_listing(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} {} ({})", api.title, api.version, api.source);
    for def in &api.types {
        let deprecated = if def.deprecated { " #[deprecated]" } else { "" };
        match &def.kind {
            TypeKind::Struct(s) => {
                let _ = writeln!(out, "struct {}{deprecated}", def.name);
                for field in &s.fields {
                    let _ = writeln!(
                        out,
                        "  {}: {}{}{}",
                        field.rust_name,
                        field_type(&field.ty, field.presence()),
                        wire_name(&field.rust_name, &field.json_name),
                        if field.deprecated {
                            " #[deprecated]"
                        } else {
                            ""
                        },
                    );
                }
                if let Some(extra) = &s.additional_properties {
                    let _ = writeln!(out, "  ..: BTreeMap<String, {extra}>");
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<&str> = e.variants.iter().map(|v| v.value.as_str()).collect();
                let _ = writeln!(
                    out,
                    "enum {}{deprecated} = {}",
                    def.name,
                    values.join(" | ")
                );
            }
            TypeKind::Union(union) => {
                let variants: Vec<String> = union
                    .variants
                    .iter()
                    .map(|v| match v.tags.as_slice() {
                        [] => format!("{}({})", v.rust_name, v.ty),
                        tags => format!("{}({}) if {}", v.rust_name, v.ty, tags.join("/")),
                    })
                    .collect();
                let tagged = union
                    .discriminator
                    .as_ref()
                    .map_or(String::new(), |tag| format!(" by {tag}"));
                let _ = writeln!(
                    out,
                    "union {}{deprecated}{tagged} = {}",
                    def.name,
                    variants.join(" | ")
                );
            }
            TypeKind::Alias(target) => {
                let _ = writeln!(out, "type {}{deprecated} = {target}", def.name);
            }
        }
    }
    for op in &api.operations {
        let mut arguments: Vec<String> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| format!("{}: {}", p.rust_name, p.ty))
            .collect();
        if let Some(body) = &op.body {
            let ty = match &body.kind {
                BodyKind::Json(ty) => ty.to_string(),
                BodyKind::Form(ty) => format!("form {ty}"),
                BodyKind::Text => "text".to_string(),
                BodyKind::Bytes => "bytes".to_string(),
                BodyKind::Multipart(form) => match &form.array_prefix {
                    Some(prefix) => format!("multipart [{}] as {prefix}[i]", form.ty),
                    None => format!("multipart {}", form.ty),
                },
            };
            let optional = if body.required { "" } else { "?" };
            arguments.push(format!("body{optional}: {ty}"));
        }
        if let Some(params) = &op.params_struct {
            let optional: Vec<String> = op
                .params
                .iter()
                .filter(|p| !p.required)
                .map(|p| format!("{}: {}", p.rust_name, p.ty))
                .collect();
            arguments.push(format!("{params} {{ {} }}", optional.join(", ")));
        }
        let responses: Vec<String> = op
            .success_responses()
            .map(|r| format!("{} {}", r.status, response_type(&r.body)))
            .collect();
        let deprecated = if op.deprecated { " #[deprecated]" } else { "" };
        let _ = writeln!(
            out,
            "fn {}::{}({}) -> {}{deprecated}  [{} {} {}]",
            op.module,
            op.rust_name,
            arguments.join(", "),
            responses.join(" | "),
            op.method.as_str(),
            op.path,
            op.operation_id,
        );
    }
    out
}

/// The Rust type of a field as the struct declares it (`Option` wrapping by presence).
pub(crate) fn field_type(ty: &TypeRef, presence: Presence) -> String {
    match presence {
        Presence::Required => ty.to_string(),
        Presence::RequiredNullable | Presence::Optional => format!("Option<{ty}>"),
        Presence::OptionalNullable => format!("Option<Option<{ty}>>"),
    }
}

fn wire_name(rust: &str, json: &str) -> String {
    if rust == json {
        String::new()
    } else {
        format!(" as \"{json}\"")
    }
}

/// The Rust type a response body decodes into.
pub(crate) fn response_type(body: &ResponseBody) -> String {
    match body {
        ResponseBody::Empty => "()".to_string(),
        ResponseBody::Json(ty) => ty.to_string(),
        ResponseBody::JsonOrText(ty) => format!("JsonOrText<{ty}>"),
        ResponseBody::Text => "String".to_string(),
        ResponseBody::Bytes => "Bytes".to_string(),
    }
}
