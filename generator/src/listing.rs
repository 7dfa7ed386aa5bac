//! A listing of everything a model generates, one fact per line: types with their fields, wire
//! names, presence and docs; functions with their signatures, parameters, bodies, every
//! response and whether they send credentials. Snapshots of it make a spec change a short,
//! readable diff.
//!
//! The listing is complete by construction: every part of the model is destructured without
//! `..`, so a fact added to the model does not compile until the listing shows it. Generated
//! code is a function of the model, so a spec change that changes the generated code changes
//! the listing (a test edits copies of a spec and checks it).

use crate::ir::{
    Access, Api, BodyKind, Constraints, Docs, EnumRepr, Enumeration, Field, Multipart, Operation,
    Param, ParamLocation, Presence, RequestBody, Response, ResponseBody, ResponseHeader, Struct,
    TypeDef, TypeKind, TypeRef, Union, UnionVariant, Upgrade, Variant,
};
use std::fmt::Write;

/// The listing of `api`.
pub fn api_listing(api: &Api) -> String {
    let Api {
        source,
        title,
        version,
        server,
        types,
        operations,
        warnings,
    } = api;
    let mut out = String::new();
    let server = server.as_deref().unwrap_or("no server");
    let _ = writeln!(out, "# {title} {version} ({source}; {server})");
    for warning in warnings {
        let _ = writeln!(out, "# warning at {}: {}", warning.pointer, warning.message);
    }
    for def in types {
        type_listing(&mut out, def);
    }
    for op in operations {
        operation_listing(&mut out, op);
    }
    out
}

/// Doc lines (`/// …`) at `indent`: summary, description, default and example.
fn docs_listing(out: &mut String, docs: &Docs, indent: &str) {
    let Docs {
        summary,
        description,
        example,
        default,
    } = docs;
    let labelled = [
        ("", summary),
        ("", description),
        ("default: ", default),
        ("example: ", example),
    ];
    for (label, text) in labelled {
        let Some(text) = text else { continue };
        for (i, line) in text.lines().enumerate() {
            let label = if i == 0 { label } else { "" };
            let _ = writeln!(out, "{indent}/// {label}{line}");
        }
    }
}

fn deprecated_mark(deprecated: bool) -> &'static str {
    if deprecated {
        " #[deprecated]"
    } else {
        ""
    }
}

fn type_listing(out: &mut String, def: &TypeDef) {
    let TypeDef {
        name,
        origin,
        docs,
        deprecated,
        kind,
    } = def;
    let deprecated = deprecated_mark(*deprecated);
    match kind {
        TypeKind::Struct(Struct {
            fields,
            additional_properties,
        }) => {
            let _ = writeln!(out, "struct {name}{deprecated}  <- {origin}");
            docs_listing(out, docs, "  ");
            for field in fields {
                field_listing(out, field);
            }
            if let Some(extra) = additional_properties {
                let _ = writeln!(out, "  ..: BTreeMap<String, {extra}>");
            }
        }
        TypeKind::Enum(Enumeration { variants, repr }) => {
            let repr = match repr {
                EnumRepr::String => "strings",
                EnumRepr::Integer => "integers",
            };
            let values: Vec<String> = variants
                .iter()
                .map(|Variant { rust_name, value }| format!("{value} ({rust_name})"))
                .collect();
            let _ = writeln!(
                out,
                "enum {name}{deprecated} of {repr} = {}  <- {origin}",
                values.join(" | ")
            );
            docs_listing(out, docs, "  ");
        }
        TypeKind::Union(Union {
            variants,
            discriminator,
        }) => {
            let variants: Vec<String> = variants
                .iter()
                .map(
                    |UnionVariant {
                         rust_name,
                         ty,
                         tags,
                     }| match tags.as_slice() {
                        [] => format!("{rust_name}({ty})"),
                        tags => format!("{rust_name}({ty}) if {}", tags.join("/")),
                    },
                )
                .collect();
            let tagged = discriminator
                .as_ref()
                .map_or(String::new(), |tag| format!(" by {tag}"));
            let _ = writeln!(
                out,
                "union {name}{deprecated}{tagged} = {}  <- {origin}",
                variants.join(" | ")
            );
            docs_listing(out, docs, "  ");
        }
        TypeKind::Alias(target) => {
            let _ = writeln!(out, "type {name}{deprecated} = {target}  <- {origin}");
            docs_listing(out, docs, "  ");
        }
    }
}

fn field_listing(out: &mut String, field: &Field) {
    let Field {
        json_name,
        rust_name,
        ty,
        required,
        nullable,
        docs,
        deprecated,
        access,
        constraints,
    } = field;
    let mut flags = vec![if *required { "required" } else { "optional" }];
    if *nullable {
        flags.push("nullable");
    }
    match access {
        Access::ReadWrite => {}
        Access::ReadOnly => flags.push("read-only"),
        Access::WriteOnly => flags.push("write-only"),
    }
    let _ = writeln!(
        out,
        "  {rust_name}: {}{} ({}){}{}",
        field_type(ty, field.presence()),
        wire_name(rust_name, json_name),
        flags.join(", "),
        deprecated_mark(*deprecated),
        constraints_listing(constraints),
    );
    docs_listing(out, docs, "    ");
}

fn operation_listing(out: &mut String, op: &Operation) {
    let Operation {
        operation_id,
        rust_name,
        module,
        method,
        path,
        docs,
        deprecated,
        secured,
        params,
        body,
        responses,
        params_struct,
        upgrade,
        subset,
    } = op;
    let mut arguments: Vec<String> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| format!("{}: {}", p.rust_name, p.ty))
        .collect();
    if let Some(body) = body {
        let optional = if body.required { "" } else { "?" };
        arguments.push(format!("body{optional}: {}", body_type(&body.kind)));
    }
    if let Some(params_struct) = params_struct {
        let optional: Vec<String> = params
            .iter()
            .filter(|p| !p.required)
            .map(|p| format!("{}: {}", p.rust_name, p.ty))
            .collect();
        arguments.push(format!("{params_struct} {{ {} }}", optional.join(", ")));
    }
    let success: Vec<String> = op
        .success_responses()
        .map(|r| format!("{} {}", r.status, response_type(&r.body)))
        .collect();
    let credentials = if *secured { " with credentials" } else { "" };
    let websocket = match upgrade {
        Upgrade::No => "",
        Upgrade::Only => " upgrades to a WebSocket",
        Upgrade::AlsoHttp => " also as a WebSocket",
    };
    let subset = subset
        .as_ref()
        .map_or(String::new(), |subset| format!(" in subset {subset}"));
    let _ = writeln!(
        out,
        "fn {module}::{rust_name}({}) -> {}{}  [{} {path} {operation_id}{credentials}{websocket}{subset}]",
        arguments.join(", "),
        success.join(" | "),
        deprecated_mark(*deprecated),
        method.as_str(),
    );
    docs_listing(out, docs, "  ");
    for param in params {
        param_listing(out, param);
    }
    if let Some(body) = body {
        body_listing(out, body);
    }
    for response in responses {
        response_listing(out, response);
    }
}

fn param_listing(out: &mut String, param: &Param) {
    let Param {
        json_name,
        rust_name,
        location,
        ty,
        required,
        explode,
        docs,
        deprecated,
        constraints,
    } = param;
    let location = match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let mut flags = vec![if *required { "required" } else { "optional" }];
    if *explode {
        flags.push("exploded");
    }
    let _ = writeln!(
        out,
        "  param {rust_name}: {ty} in {location}{} ({}){}{}",
        wire_name(rust_name, json_name),
        flags.join(", "),
        deprecated_mark(*deprecated),
        constraints_listing(constraints),
    );
    docs_listing(out, docs, "    ");
}

fn body_listing(out: &mut String, body: &RequestBody) {
    let RequestBody {
        media_type,
        media_types,
        kind,
        required,
        docs,
    } = body;
    let required = if *required { "required" } else { "optional" };
    let _ = writeln!(
        out,
        "  body {media_type}: {} ({required}){}",
        body_type(kind),
        other_media_types(media_type, media_types)
    );
    docs_listing(out, docs, "    ");
}

fn response_listing(out: &mut String, response: &Response) {
    let Response {
        status,
        body,
        media_type,
        media_types,
        headers,
        description,
    } = response;
    let others = other_media_types(media_type.as_deref().unwrap_or(""), media_types);
    let media_type = media_type.as_deref().unwrap_or("no body");
    let _ = writeln!(
        out,
        "  response {status} {media_type}: {}{others}",
        response_type(body)
    );
    for ResponseHeader {
        name,
        required,
        schema_type,
        deprecated,
    } in headers
    {
        let required = if *required { "required" } else { "optional" };
        let _ = writeln!(
            out,
            "    header {name}: {} ({required}){}",
            schema_type.as_deref().unwrap_or("any"),
            deprecated_mark(*deprecated)
        );
    }
    if let Some(description) = description {
        for line in description.lines() {
            let _ = writeln!(out, "    /// {line}");
        }
    }
}

/// The declared media types besides the one used, as ` (also a, b)`.
fn other_media_types(used: &str, declared: &[String]) -> String {
    let others: Vec<&str> = declared
        .iter()
        .map(String::as_str)
        .filter(|m| *m != used)
        .collect();
    if others.is_empty() {
        String::new()
    } else {
        format!(" (also {})", others.join(", "))
    }
}

/// Validation keywords as ` [minimum 1, maxLength 64]`, in the spec's spelling.
fn constraints_listing(constraints: &Constraints) -> String {
    let Constraints {
        minimum,
        maximum,
        min_length,
        max_length,
        min_items,
        max_items,
        pattern,
    } = constraints;
    let mut limits = Vec::new();
    let numbers = [("minimum", minimum), ("maximum", maximum)];
    for (keyword, value) in numbers {
        if let Some(value) = value {
            limits.push(format!("{keyword} {value}"));
        }
    }
    let counts = [
        ("minLength", min_length),
        ("maxLength", max_length),
        ("minItems", min_items),
        ("maxItems", max_items),
    ];
    for (keyword, value) in counts {
        if let Some(value) = value {
            limits.push(format!("{keyword} {value}"));
        }
    }
    if let Some(pattern) = pattern {
        limits.push(format!("pattern {pattern}"));
    }
    if limits.is_empty() {
        String::new()
    } else {
        format!(" [{}]", limits.join(", "))
    }
}

/// A request body as the signature shows it.
pub(crate) fn body_type(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Json(ty) => ty.to_string(),
        BodyKind::Form(ty) => format!("form {ty}"),
        BodyKind::Text => "text".to_string(),
        BodyKind::Bytes => "bytes".to_string(),
        BodyKind::Multipart(Multipart { ty, array_prefix }) => match array_prefix {
            Some(prefix) => format!("multipart [{ty}] as {prefix}[i]"),
            None => format!("multipart {ty}"),
        },
    }
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
