//! API change reports: two lowered specs compared through the intermediate model, so `$ref`
//! indirection, key order and formatting never show as changes, and every change says what it
//! does to the generated Rust API.
//!
//! Rule ids follow oasdiff's where oasdiff has the rule.

mod report;
mod wire;

pub use report::{json, markdown};

use crate::ir::{
    Api, BodyKind, Field, Method, Operation, Param, ParamLocation, Presence, ResponseBody, Status,
    TypeDef, TypeKind,
};
use crate::listing::response_type;
use crate::usage::{Directions, Usage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How a change affects callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Existing callers may fail.
    Breaking,
    /// Something is newly deprecated.
    Deprecation,
    /// Existing callers keep working.
    NonBreaking,
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Location {
    /// An operation.
    Operation {
        /// HTTP method.
        method: String,
        /// Path template.
        path: String,
        /// `operationId`.
        operation_id: String,
    },
    /// A schema, or one of its fields.
    Schema {
        /// The Rust type name.
        schema: String,
        /// The JSON property name, for field changes.
        field: Option<String>,
    },
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// How it affects callers.
    pub severity: Severity,
    /// Stable rule id, such as `new-required-request-property`.
    pub rule: &'static str,
    /// Where.
    pub location: Location,
    /// What changed, in API terms.
    pub message: String,
    /// What it does to the generated Rust API.
    pub rust: String,
}

/// Every change from `old` to `new`, breaking first, then deprecations, then the rest; each
/// group ordered by rule and location.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_operations(old, new, &mut changes);
    diff_types(old, new, &mut changes);
    changes.sort();
    changes.dedup();
    changes
}

fn operation_location(op: &Operation) -> Location {
    Location::Operation {
        method: op.method.as_str().to_string(),
        path: op.path.clone(),
        operation_id: op.operation_id.clone(),
    }
}

/// A path with its parameter names blanked out: renaming `{id}` to `{sandboxId}` is no change.
fn path_shape(path: &str) -> String {
    let mut shape = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                shape.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => shape.push(c),
        }
    }
    shape
}

fn function(op: &Operation) -> String {
    format!("`{}::{}`", op.module, op.rust_name)
}

fn diff_operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let same_wire = wire::Comparer { old, new };
    let key = |op: &Operation| (op.method, path_shape(&op.path));
    let old_ops: BTreeMap<(Method, String), &Operation> =
        old.operations.iter().map(|op| (key(op), op)).collect();
    let new_ops: BTreeMap<(Method, String), &Operation> =
        new.operations.iter().map(|op| (key(op), op)).collect();
    for (k, old_op) in &old_ops {
        match new_ops.get(k) {
            Some(new_op) => diff_operation(&same_wire, old_op, new_op, out),
            None => {
                let moved = new
                    .operations
                    .iter()
                    .find(|op| op.operation_id == old_op.operation_id);
                out.push(match moved {
                    Some(moved) => Change {
                        severity: Severity::Breaking,
                        rule: "api-operation-moved",
                        location: operation_location(old_op),
                        message: format!("moved to `{} {}`", moved.method.as_str(), moved.path),
                        rust: format!("{} sends to the new method and path", function(moved)),
                    },
                    None if old_op.deprecated => Change {
                        severity: Severity::NonBreaking,
                        rule: "api-removed-with-deprecation",
                        location: operation_location(old_op),
                        message: "removed (it was deprecated)".to_string(),
                        rust: format!("{} is removed", function(old_op)),
                    },
                    None => Change {
                        severity: Severity::Breaking,
                        rule: "api-removed-without-deprecation",
                        location: operation_location(old_op),
                        message: "removed without deprecation".to_string(),
                        rust: format!("{} is removed", function(old_op)),
                    },
                });
            }
        }
    }
    for (k, new_op) in &new_ops {
        let moved_here = old
            .operations
            .iter()
            .any(|op| op.operation_id == new_op.operation_id && !new_ops.contains_key(&key(op)));
        if !old_ops.contains_key(k) && !moved_here {
            out.push(Change {
                severity: Severity::NonBreaking,
                rule: "endpoint-added",
                location: operation_location(new_op),
                message: "new operation".to_string(),
                rust: format!("new function {}", function(new_op)),
            });
        }
    }
}

/// A function that records changes at one location.
fn push_at(
    out: &mut Vec<Change>,
    location: Location,
) -> impl FnMut(Severity, &'static str, String, String) + '_ {
    move |severity, rule, message, rust| {
        out.push(Change {
            severity,
            rule,
            location: location.clone(),
            message,
            rust,
        })
    }
}

fn diff_operation(wire: &wire::Comparer, old: &Operation, new: &Operation, out: &mut Vec<Change>) {
    let mut push = push_at(out, operation_location(new));
    if !old.deprecated && new.deprecated {
        push(
            Severity::Deprecation,
            "api-deprecated",
            "deprecated".to_string(),
            format!("{} is `#[deprecated]`", function(new)),
        );
    }
    if !old.secured && new.secured {
        push(
            Severity::Breaking,
            "api-security-added",
            "now requires authentication".to_string(),
            format!("{} sends the bearer token", function(new)),
        );
    } else if old.secured && !new.secured {
        push(
            Severity::NonBreaking,
            "api-security-removed",
            "no longer requires authentication".to_string(),
            format!("{} no longer sends the bearer token", function(new)),
        );
    }
    if old.docs != new.docs {
        push(
            Severity::NonBreaking,
            "api-description-changed",
            "summary or description changed".to_string(),
            format!("doc comment of {}", function(new)),
        );
    }
    diff_params(wire, old, new, &mut push);
    diff_body(wire, old, new, &mut push);
    diff_responses(wire, old, new, &mut push);
}

/// How a parameter is matched across versions: a path parameter by its place in the path
/// template (`{sandboxId}` → `{sandboxIdOrName}` is the same URL segment and the same
/// positional Rust argument, as oasdiff matches them), any other by location and name (names
/// compared case-insensitively, as HTTP headers are).
fn param_key(op: &Operation, p: &Param) -> (ParamLocation, String) {
    if p.location == ParamLocation::Path {
        let place = op
            .path
            .split('{')
            .skip(1)
            .position(|rest| rest.split('}').next() == Some(p.json_name.as_str()));
        if let Some(place) = place {
            return (p.location, format!("{{{place}}}"));
        }
    }
    (p.location, p.json_name.to_ascii_lowercase())
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn diff_params(
    wire: &wire::Comparer,
    old: &Operation,
    new: &Operation,
    push: &mut impl FnMut(Severity, &'static str, String, String),
) {
    let rust_param = |op: &Operation, p: &Param| {
        if p.required {
            format!("argument `{}: {}` of {}", p.rust_name, p.ty, function(op))
        } else {
            let params = op.params_struct.as_deref().unwrap_or("Params");
            format!("field `{params}::{}: Option<{}>`", p.rust_name, p.ty)
        }
    };
    for new_param in &new.params {
        let what = format!(
            "{} parameter `{}`",
            location_name(new_param.location),
            new_param.json_name
        );
        match old
            .params
            .iter()
            .find(|p| param_key(old, p) == param_key(new, new_param))
        {
            None if new_param.required => push(
                Severity::Breaking,
                "new-required-request-parameter",
                format!("new required {what}"),
                format!("new {}", rust_param(new, new_param)),
            ),
            None => push(
                Severity::NonBreaking,
                "new-optional-request-parameter",
                format!("new optional {what}"),
                format!("new {}", rust_param(new, new_param)),
            ),
            Some(old_param) => {
                if old_param.json_name != new_param.json_name {
                    push(
                        Severity::NonBreaking,
                        "request-path-parameter-renamed",
                        format!(
                            "path parameter `{}` renamed `{}` (the same place in the URL)",
                            old_param.json_name, new_param.json_name
                        ),
                        format!(
                            "the positional argument `{}` of {} is named `{}`; callers are \
                             unaffected",
                            old_param.rust_name,
                            function(new),
                            new_param.rust_name
                        ),
                    );
                }
                if !old_param.required && new_param.required {
                    push(
                        Severity::Breaking,
                        "request-parameter-became-required",
                        format!("{what} became required"),
                        format!(
                            "{} becomes {}",
                            rust_param(old, old_param),
                            rust_param(new, new_param)
                        ),
                    );
                } else if old_param.required && !new_param.required {
                    push(
                        Severity::NonBreaking,
                        "request-parameter-became-optional",
                        format!("{what} became optional"),
                        format!(
                            "{} becomes {}",
                            rust_param(old, old_param),
                            rust_param(new, new_param)
                        ),
                    );
                }
                if old_param.ty != new_param.ty && wire.same(&old_param.ty, &new_param.ty) {
                    push(
                        Severity::NonBreaking,
                        "generated-type-renamed",
                        format!("{what}: same on the wire"),
                        format!(
                            "the type of `{}` is renamed from `{}` to `{}`",
                            new_param.rust_name, old_param.ty, new_param.ty
                        ),
                    );
                } else if old_param.ty != new_param.ty {
                    push(
                        Severity::Breaking,
                        "request-parameter-type-changed",
                        format!("{what}: type changed"),
                        format!(
                            "`{}` changes from `{}` to `{}`",
                            new_param.rust_name, old_param.ty, new_param.ty
                        ),
                    );
                }
                if !old_param.deprecated && new_param.deprecated {
                    push(
                        Severity::Deprecation,
                        "request-parameter-deprecated",
                        format!("{what} deprecated"),
                        format!("`{}` is `#[deprecated]`", new_param.rust_name),
                    );
                }
            }
        }
    }
    for old_param in &old.params {
        if !new
            .params
            .iter()
            .any(|p| param_key(new, p) == param_key(old, old_param))
        {
            push(
                Severity::NonBreaking,
                "request-parameter-removed",
                format!(
                    "{} parameter `{}` removed",
                    location_name(old_param.location),
                    old_param.json_name
                ),
                format!("{} is removed", rust_param(old, old_param)),
            );
        }
    }
}

fn diff_body(
    wire: &wire::Comparer,
    old: &Operation,
    new: &Operation,
    push: &mut impl FnMut(Severity, &'static str, String, String),
) {
    match (&old.body, &new.body) {
        (None, Some(body)) if body.required => push(
            Severity::Breaking,
            "request-body-added-required",
            "a required request body was added".to_string(),
            format!(
                "new argument `body: {}` of {}",
                crate::listing::body_type(&body.kind),
                function(new)
            ),
        ),
        (None, Some(body)) => push(
            Severity::NonBreaking,
            "request-body-added-optional",
            "an optional request body was added".to_string(),
            format!(
                "new argument `body: Option<{}>`",
                crate::listing::body_type(&body.kind)
            ),
        ),
        (Some(body), None) => push(
            Severity::NonBreaking,
            "request-body-removed",
            "the request body was removed".to_string(),
            format!(
                "argument `body: {}` is removed",
                crate::listing::body_type(&body.kind)
            ),
        ),
        (Some(old_body), Some(new_body)) => {
            let renamed_only = match (&old_body.kind, &new_body.kind) {
                (BodyKind::Json(a), BodyKind::Json(b)) => a != b && wire.same(a, b),
                _ => false,
            };
            if renamed_only && old_body.media_type == new_body.media_type {
                push(
                    Severity::NonBreaking,
                    "generated-type-renamed",
                    "request body: same on the wire".to_string(),
                    format!(
                        "argument `body` changes from `{}` to `{}`",
                        crate::listing::body_type(&old_body.kind),
                        crate::listing::body_type(&new_body.kind)
                    ),
                );
            } else if old_body.kind != new_body.kind || old_body.media_type != new_body.media_type {
                push(
                    Severity::Breaking,
                    "request-body-type-changed",
                    format!(
                        "request body changed from `{}` ({}) to `{}` ({})",
                        crate::listing::body_type(&old_body.kind),
                        old_body.media_type,
                        crate::listing::body_type(&new_body.kind),
                        new_body.media_type
                    ),
                    format!(
                        "argument `body` changes from `{}` to `{}`",
                        crate::listing::body_type(&old_body.kind),
                        crate::listing::body_type(&new_body.kind)
                    ),
                );
            }
            if !old_body.required && new_body.required {
                push(
                    Severity::Breaking,
                    "request-body-became-required",
                    "the request body became required".to_string(),
                    "argument `body` is no longer an `Option`".to_string(),
                );
            }
        }
        (None, None) => {}
    }
}

fn diff_responses(
    wire: &wire::Comparer,
    old: &Operation,
    new: &Operation,
    push: &mut impl FnMut(Severity, &'static str, String, String),
) {
    let statuses = |op: &Operation| -> BTreeMap<Status, ResponseBody> {
        op.responses
            .iter()
            .map(|r| (r.status, r.body.clone()))
            .collect()
    };
    let (old_responses, new_responses) = (statuses(old), statuses(new));
    for (status, old_body) in &old_responses {
        match new_responses.get(status) {
            None if status.is_success() => push(
                Severity::Breaking,
                "response-success-status-removed",
                format!("success status {status} removed"),
                format!(
                    "{} no longer returns `{}` for {status}",
                    function(new),
                    response_type(old_body)
                ),
            ),
            None => push(
                Severity::NonBreaking,
                "response-non-success-status-removed",
                format!("status {status} removed"),
                "no change to the Rust API".to_string(),
            ),
            Some(ResponseBody::Json(new_ty))
                if status.is_success()
                    && matches!(old_body, ResponseBody::Json(old_ty) if old_ty != new_ty && wire.same(old_ty, new_ty)) =>
            {
                push(
                    Severity::NonBreaking,
                    "generated-type-renamed",
                    format!("{status} response body: same on the wire"),
                    format!(
                        "{} returns `{new_ty}` instead of `{}`",
                        function(new),
                        response_type(old_body)
                    ),
                )
            }
            Some(new_body) if new_body != old_body && status.is_success() => push(
                Severity::Breaking,
                "response-body-type-changed",
                format!("{status} response body changed"),
                format!(
                    "{} returns `{}` instead of `{}`",
                    function(new),
                    response_type(new_body),
                    response_type(old_body)
                ),
            ),
            Some(_) => {}
        }
    }
    for (status, new_body) in &new_responses {
        if !old_responses.contains_key(status) {
            let (rule, rust) = if status.is_success() {
                (
                    "response-success-status-added",
                    format!(
                        "{} may return `{}` for {status}",
                        function(new),
                        response_type(new_body)
                    ),
                )
            } else {
                (
                    "response-non-success-status-added",
                    "no change to the Rust API".to_string(),
                )
            };
            push(
                Severity::NonBreaking,
                rule,
                format!("status {status} added"),
                rust,
            );
        }
    }
}

/// The Rust type of a field as it appears in the struct.
fn field_rust_type(field: &Field) -> String {
    crate::listing::field_type(&field.ty, field.presence())
}

fn diff_types(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let same_wire = wire::Comparer { old, new };
    let old_usage = Usage::of(old);
    let new_usage = Usage::of(new);
    let old_types: BTreeMap<&str, &TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let names: BTreeSet<&str> = old_types.keys().chain(new_types.keys()).copied().collect();
    for name in names {
        let location = |field: Option<&str>| Location::Schema {
            schema: name.to_string(),
            field: field.map(str::to_string),
        };
        match (old_types.get(name), new_types.get(name)) {
            (Some(_), None) => out.push(Change {
                severity: Severity::NonBreaking,
                rule: "schema-removed",
                location: location(None),
                message: "schema removed".to_string(),
                rust: format!("type `{name}` is removed"),
            }),
            (None, Some(_)) => out.push(Change {
                severity: Severity::NonBreaking,
                rule: "schema-added",
                location: location(None),
                message: "new schema".to_string(),
                rust: format!("new type `{name}`"),
            }),
            (Some(old_def), Some(new_def)) => {
                // A type in requests and responses, in either version, gets both readings.
                let directions = old_usage.directions(name) | new_usage.directions(name);
                diff_type(&same_wire, name, old_def, new_def, directions, out);
            }
            (None, None) => {}
        }
    }
}

fn diff_type(
    wire: &wire::Comparer,
    name: &str,
    old: &TypeDef,
    new: &TypeDef,
    directions: Directions,
    out: &mut Vec<Change>,
) {
    let Directions {
        sent: in_request,
        received: in_response,
    } = directions;
    let location = |field: Option<&str>| Location::Schema {
        schema: name.to_string(),
        field: field.map(str::to_string),
    };
    if !old.deprecated && new.deprecated {
        out.push(Change {
            severity: Severity::Deprecation,
            rule: "schema-deprecated",
            location: location(None),
            message: "schema deprecated".to_string(),
            rust: format!("`{name}` is `#[deprecated]`"),
        });
    }
    match (&old.kind, &new.kind) {
        (TypeKind::Struct(old_struct), TypeKind::Struct(new_struct)) => {
            let directions = [(in_request, "request"), (in_response, "response")];
            for (_, direction) in directions.into_iter().filter(|(used, _)| *used) {
                diff_fields(
                    wire,
                    name,
                    &old_struct.fields,
                    &new_struct.fields,
                    direction,
                    out,
                );
            }
        }
        (TypeKind::Enum(old_enum), TypeKind::Enum(new_enum)) => {
            let old_values: Vec<&str> =
                old_enum.variants.iter().map(|v| v.value.as_str()).collect();
            let new_values: Vec<&str> =
                new_enum.variants.iter().map(|v| v.value.as_str()).collect();
            for value in old_values.iter().filter(|v| !new_values.contains(v)) {
                let variant = old_enum
                    .variants
                    .iter()
                    .find(|v| v.value == *value)
                    .map_or("", |v| &v.rust_name);
                if in_request {
                    out.push(Change {
                        severity: Severity::Breaking,
                        rule: "request-property-enum-value-removed",
                        location: location(None),
                        message: format!("value `{value}` removed; requests may no longer send it"),
                        rust: format!("variant `{name}::{variant}` is removed"),
                    });
                }
                if in_response {
                    out.push(Change {
                        severity: Severity::NonBreaking,
                        rule: "response-property-enum-value-removed",
                        location: location(None),
                        message: format!("value `{value}` removed from responses"),
                        rust: format!("variant `{name}::{variant}` is removed"),
                    });
                }
            }
            for value in new_values.iter().filter(|v| !old_values.contains(v)) {
                let variant = new_enum
                    .variants
                    .iter()
                    .find(|v| v.value == *value)
                    .map_or("", |v| &v.rust_name);
                let (rule, note) = if in_response {
                    (
                        "response-property-enum-value-added",
                        " (older clients decode it as `Unknown`)",
                    )
                } else {
                    ("request-property-enum-value-added", "")
                };
                out.push(Change {
                    severity: Severity::NonBreaking,
                    rule,
                    location: location(None),
                    message: format!("value `{value}` added{note}"),
                    rust: format!("new variant `{name}::{variant}`"),
                });
            }
        }
        (TypeKind::Alias(old_target), TypeKind::Alias(new_target)) if old_target == new_target => {}
        (TypeKind::Union(old_union), TypeKind::Union(new_union)) => {
            diff_union(wire, name, old_union, new_union, directions, out);
        }
        _ => {
            let describe = |kind: &TypeKind| match kind {
                TypeKind::Struct(_) => "a struct".to_string(),
                TypeKind::Enum(_) => "an enum".to_string(),
                TypeKind::Union(_) => "a union".to_string(),
                TypeKind::Alias(target) => format!("`{target}`"),
            };
            let (rule, severity) = if in_request {
                ("request-body-type-changed", Severity::Breaking)
            } else {
                ("response-body-type-changed", Severity::Breaking)
            };
            out.push(Change {
                severity,
                rule,
                location: location(None),
                message: "type changed".to_string(),
                rust: format!(
                    "`{name}` changes from {} to {}",
                    describe(&old.kind),
                    describe(&new.kind)
                ),
            });
        }
    }
}

/// The alternatives of a union, matched by type (a type renamed with the same JSON is the same
/// alternative). In requests the server refuses an alternative it dropped and accepts one it
/// gained; in responses deployed clients cannot decode an alternative they do not know (an
/// untagged union tries only the ones it has), and lose nothing when one goes.
fn diff_union(
    wire: &wire::Comparer,
    name: &str,
    old: &crate::ir::Union,
    new: &crate::ir::Union,
    directions: Directions,
    out: &mut Vec<Change>,
) {
    let same = |a: &crate::ir::TypeRef, b: &crate::ir::TypeRef| a == b || wire.same(a, b);
    let location = Location::Schema {
        schema: name.to_string(),
        field: None,
    };
    let mut push = push_at(out, location);
    if old.discriminator != new.discriminator {
        push(
            Severity::Breaking,
            "discriminator-property-name-changed",
            format!(
                "the discriminator property is now {}",
                new.discriminator
                    .as_deref()
                    .map_or("none".into(), |d| format!("`{d}`"))
            ),
            format!("`{name}` is tagged differently"),
        );
    }
    for variant in &new.variants {
        if !old.variants.iter().any(|v| same(&v.ty, &variant.ty)) {
            let rust = format!(
                "new variant `{name}::{}({})`",
                variant.rust_name, variant.ty
            );
            if directions.sent {
                push(
                    Severity::NonBreaking,
                    "request-property-one-of-added",
                    format!("alternative `{}` added to requests", variant.ty),
                    rust.clone(),
                );
            }
            if directions.received {
                push(
                    Severity::Breaking,
                    "response-property-one-of-added",
                    format!(
                        "alternative `{}` added to responses; deployed clients cannot decode it",
                        variant.ty
                    ),
                    rust,
                );
            }
        }
    }
    for variant in &old.variants {
        if !new.variants.iter().any(|v| same(&v.ty, &variant.ty)) {
            let rust = format!("variant `{name}::{}` is removed", variant.rust_name);
            if directions.sent {
                push(
                    Severity::Breaking,
                    "request-property-one-of-removed",
                    format!(
                        "alternative `{}` removed; requests may no longer send it",
                        variant.ty
                    ),
                    rust.clone(),
                );
            }
            if directions.received {
                push(
                    Severity::NonBreaking,
                    "response-property-one-of-removed",
                    format!("alternative `{}` removed from responses", variant.ty),
                    rust,
                );
            }
        }
    }
}

fn diff_fields(
    wire: &wire::Comparer,
    name: &str,
    old_fields: &[Field],
    new_fields: &[Field],
    direction: &str,
    out: &mut Vec<Change>,
) {
    let request = direction == "request";
    let location = |field: &str| Location::Schema {
        schema: name.to_string(),
        field: Some(field.to_string()),
    };
    let rust_field = |f: &Field| format!("`{name}::{}: {}`", f.rust_name, field_rust_type(f));
    for new_field in new_fields {
        let json = &new_field.json_name;
        let Some(old_field) = old_fields.iter().find(|f| f.json_name == *json) else {
            let (severity, rule) = match (request, new_field.required) {
                (true, true) => (Severity::Breaking, "new-required-request-property"),
                (true, false) => (Severity::NonBreaking, "new-optional-request-property"),
                (false, true) => (Severity::NonBreaking, "response-required-property-added"),
                (false, false) => (Severity::NonBreaking, "response-optional-property-added"),
            };
            let required = if new_field.required {
                "required"
            } else {
                "optional"
            };
            out.push(Change {
                severity,
                rule,
                location: location(json),
                message: format!("new {required} property in {direction}s"),
                rust: format!("new field {}", rust_field(new_field)),
            });
            continue;
        };
        if old_field.ty != new_field.ty && wire.same(&old_field.ty, &new_field.ty) {
            out.push(Change {
                severity: Severity::NonBreaking,
                rule: "generated-type-renamed",
                location: location(json),
                message: format!("same on the wire ({direction}s)"),
                rust: format!(
                    "`{name}::{}` changes from `{}` to `{}`",
                    new_field.rust_name,
                    field_rust_type(old_field),
                    field_rust_type(new_field)
                ),
            });
        } else if old_field.ty != new_field.ty {
            let rule = if request {
                "request-property-type-changed"
            } else {
                "response-property-type-changed"
            };
            out.push(Change {
                severity: Severity::Breaking,
                rule,
                location: location(json),
                message: format!("type changed ({direction}s)"),
                rust: format!(
                    "`{name}::{}` changes from `{}` to `{}`",
                    new_field.rust_name,
                    field_rust_type(old_field),
                    field_rust_type(new_field)
                ),
            });
        } else if old_field.presence() != new_field.presence() {
            // Presence and nullability are two rules each way: in a request, the server may
            // now refuse what deployed clients send (a field they leave out, a null they send);
            // in a response, deployed clients may now meet what they do not expect.
            let mut aspects = Vec::new();
            if old_field.required != new_field.required {
                aspects.push(match (request, new_field.required) {
                    (true, true) => (Severity::Breaking, "request-property-became-required"),
                    (true, false) => (Severity::NonBreaking, "request-property-became-optional"),
                    (false, true) => (Severity::NonBreaking, "response-property-became-required"),
                    (false, false) => (Severity::Breaking, "response-property-became-optional"),
                });
            }
            if old_field.nullable != new_field.nullable {
                aspects.push(match (request, new_field.nullable) {
                    (true, true) => (Severity::NonBreaking, "request-property-became-nullable"),
                    (true, false) => (Severity::Breaking, "request-property-became-not-nullable"),
                    (false, true) => (Severity::Breaking, "response-property-became-nullable"),
                    (false, false) => (
                        Severity::NonBreaking,
                        "response-property-became-not-nullable",
                    ),
                });
            }
            for (severity, rule) in aspects {
                out.push(Change {
                    severity,
                    rule,
                    location: location(json),
                    message: format!(
                        "{} → {} ({direction}s)",
                        presence_words(old_field),
                        presence_words(new_field)
                    ),
                    rust: format!(
                        "`{name}::{}` changes from `{}` to `{}`",
                        new_field.rust_name,
                        field_rust_type(old_field),
                        field_rust_type(new_field)
                    ),
                });
            }
        }
        if !old_field.deprecated && new_field.deprecated {
            out.push(Change {
                severity: Severity::Deprecation,
                rule: if request {
                    "request-property-deprecated"
                } else {
                    "response-property-deprecated"
                },
                location: location(json),
                message: "property deprecated".to_string(),
                rust: format!("`{name}::{}` is `#[deprecated]`", new_field.rust_name),
            });
        }
    }
    for old_field in old_fields {
        if !new_fields
            .iter()
            .any(|f| f.json_name == old_field.json_name)
        {
            let (severity, rule) = if request {
                (Severity::NonBreaking, "request-property-removed")
            } else {
                (Severity::Breaking, "response-property-removed")
            };
            out.push(Change {
                severity,
                rule,
                location: location(&old_field.json_name),
                message: format!("property removed from {direction}s"),
                rust: format!("field {} is removed", rust_field(old_field)),
            });
        }
    }
}

fn presence_words(field: &Field) -> &'static str {
    match field.presence() {
        Presence::Required => "required",
        Presence::RequiredNullable => "required, nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional, nullable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TypeRef;

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(path_shape("/sandbox/{id}/start"), "/sandbox/{}/start");
        assert_eq!(
            path_shape("/sandbox/{sandboxIdOrName}/start"),
            "/sandbox/{}/start"
        );
    }

    #[test]
    fn field_types_include_presence() {
        let field = Field {
            json_name: "a".into(),
            rust_name: "a".into(),
            ty: TypeRef::I64,
            required: false,
            nullable: true,
            docs: Default::default(),
            deprecated: false,
            access: crate::ir::Access::ReadWrite,
        };
        assert_eq!(field_rust_type(&field), "Option<Option<i64>>");
    }
}
