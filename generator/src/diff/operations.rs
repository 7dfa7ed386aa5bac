//! Changes to operations: presence, security, parameters, bodies and responses.

use super::{limits, operation_location, record, wire, Change, Recorder, RustEffect};
use crate::ir::{Api, Method, Operation, Param, ParamLocation, Response, ResponseBody, Status};
use crate::listing::{body_type, response_type};
use std::collections::BTreeMap;

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

/// The generated function's path, `module::function`.
fn item(op: &Operation) -> String {
    format!("{}::{}", op.module, op.rust_name)
}

/// The effect, touching the operation's paginator too, when it pages.
fn with_pager(effect: RustEffect, op: &Operation, api: &Api) -> RustEffect {
    match crate::paging::paging(api, op) {
        Some(_) => effect.and(format!(
            "{}::{}",
            op.module,
            crate::naming::pager(&op.rust_name)
        )),
        None => effect,
    }
}

/// The effect, touching the operation's parameter struct and its paginator too (they come
/// and go with the function).
fn with_params_struct(effect: RustEffect, op: &Operation, api: &Api) -> RustEffect {
    let effect = with_pager(effect, op, api);
    match &op.params_struct {
        Some(params) => effect.and(params.clone()),
        None => effect,
    }
}

fn function(op: &Operation) -> String {
    format!("`{}`", item(op))
}

/// The success types a function returns, as the signature shows them.
fn returns(op: &Operation) -> String {
    let types: Vec<String> = op
        .success_responses()
        .map(|r| response_type(&r.body))
        .collect();
    types.join(" | ")
}

pub(super) fn diff_operations(old: &Api, new: &Api, out: &mut Vec<Change>) {
    let same_wire = wire::Comparer { old, new };
    let key = |op: &Operation| (op.method, path_shape(&op.path));
    let old_ops: BTreeMap<(Method, String), &Operation> =
        old.operations.iter().map(|op| (key(op), op)).collect();
    let new_ops: BTreeMap<(Method, String), &Operation> =
        new.operations.iter().map(|op| (key(op), op)).collect();
    for (k, old_op) in &old_ops {
        if let Some(new_op) = new_ops.get(k) {
            diff_operation(&same_wire, new, old_op, new_op, out);
            continue;
        }
        let moved = new
            .operations
            .iter()
            .find(|op| op.operation_id == old_op.operation_id);
        let mut at = record(out, operation_location(old_op));
        match moved {
            Some(moved) => at.push(
                "api-operation-moved",
                format!("moved to `{} {}`", moved.method.as_str(), moved.path),
                if moved.rust_name == old_op.rust_name && moved.module == old_op.module {
                    RustEffect::none(format!(
                        "{} sends to the new method and path",
                        function(moved)
                    ))
                } else {
                    with_params_struct(
                        RustEffect::breaking(
                            item(old_op),
                            format!("{} becomes {}", function(old_op), function(moved)),
                        ),
                        old_op,
                        old,
                    )
                },
            ),
            None => at.push(
                if old_op.deprecated {
                    "api-removed-with-deprecation"
                } else {
                    "api-removed-without-deprecation"
                },
                if old_op.deprecated {
                    "removed (it was deprecated)".to_string()
                } else {
                    "removed without deprecation".to_string()
                },
                with_params_struct(
                    RustEffect::breaking(item(old_op), format!("{} is removed", function(old_op))),
                    old_op,
                    old,
                ),
            ),
        }
    }
    for (k, new_op) in &new_ops {
        let moved_here = old
            .operations
            .iter()
            .any(|op| op.operation_id == new_op.operation_id && !new_ops.contains_key(&key(op)));
        if !old_ops.contains_key(k) && !moved_here {
            record(out, operation_location(new_op)).push(
                "endpoint-added",
                "new operation".to_string(),
                with_params_struct(
                    RustEffect::addition(
                        item(new_op),
                        format!("new function {}", function(new_op)),
                    ),
                    new_op,
                    new,
                ),
            );
        }
    }
}

fn diff_operation(
    wire: &wire::Comparer,
    new_api: &Api,
    old: &Operation,
    new: &Operation,
    out: &mut Vec<Change>,
) {
    let mut at = record(out, operation_location(new));
    // A function renamed is the old one gone, with its parameter struct when that is renamed
    // too (a struct that only moves module is gone from its old path).
    let renamed = || {
        if item(old) == item(new) {
            return RustEffect::none(format!("{} keeps its name", function(new)));
        }
        // Another operation may now have the old name: the function still exists.
        if let Some(heir) = new_api.operations.iter().find(|op| item(op) == item(old)) {
            let what = format!(
                "{} now calls `{} {}`",
                function(old),
                heir.method.as_str(),
                heir.path
            );
            return if signature(heir) == signature(old) {
                RustEffect::none(format!("{what}, with the same signature"))
            } else {
                RustEffect {
                    type_change: true,
                    ..RustEffect::breaking(item(old), format!("{what}, with another signature"))
                }
            };
        }
        let effect = RustEffect::breaking(
            item(old),
            format!("{} is renamed {}", function(old), function(new)),
        );
        // Its paginator is renamed with it.
        let effect = with_pager(effect, old, wire.old);
        match &old.params_struct {
            Some(params)
                if old.module != new.module || Some(params) != new.params_struct.as_ref() =>
            {
                effect.and(params.clone())
            }
            _ => effect,
        }
    };
    if old.operation_id != new.operation_id {
        at.push(
            "api-operation-id-changed",
            format!(
                "operationId `{}` became `{}`",
                old.operation_id, new.operation_id
            ),
            renamed(),
        );
    }
    if old.module != new.module {
        at.push(
            "api-operation-tag-changed",
            format!("moved from tag module `{}` to `{}`", old.module, new.module),
            renamed(),
        );
    }
    if old.deprecated != new.deprecated {
        let (rule, message, effect) = if new.deprecated {
            ("endpoint-deprecated", "deprecated", "is `#[deprecated]`")
        } else {
            (
                "endpoint-reactivated",
                "no longer deprecated",
                "is no longer `#[deprecated]`",
            )
        };
        at.push(
            rule,
            message.to_string(),
            RustEffect::none(format!("{} {effect}", function(new))),
        );
    }
    if old.secured != new.secured {
        let (rule, message, effect) = if new.secured {
            ("api-security-added", "now requires authentication", "sends")
        } else {
            (
                "api-security-removed",
                "no longer requires authentication",
                "no longer sends",
            )
        };
        at.push(
            rule,
            message.to_string(),
            RustEffect::none(format!("{} {effect} the bearer token", function(new))),
        );
    }
    if old.docs != new.docs {
        at.push(
            "api-description-changed",
            "summary or description changed".to_string(),
            RustEffect::none(format!("doc comment of {}", function(new))),
        );
    }
    diff_params(wire, old, new, &mut at);
    diff_body(wire, old, new, &mut at);
    diff_responses(wire, old, new, &mut at);
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

/// Where a parameter lives in Rust: a positional argument when required, a field of the
/// operation's parameter struct otherwise.
fn rust_param(op: &Operation, p: &Param) -> String {
    if p.required {
        format!("argument `{}: {}` of {}", p.rust_name, p.ty, function(op))
    } else {
        let params = op.params_struct.as_deref().unwrap_or("Params");
        format!("field `{params}::{}: Option<{}>`", p.rust_name, p.ty)
    }
}

/// A function's signature as the listing shows it: arguments and success types.
fn signature(op: &Operation) -> String {
    let mut arguments: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.ty.to_string())
        .collect();
    if let Some(body) = &op.body {
        arguments.push(format!(
            "{}{}",
            body_type(&body.kind),
            if body.required { "" } else { "?" }
        ));
    }
    arguments.extend(op.params_struct.clone());
    format!("({}) -> {}", arguments.join(", "), returns(op))
}

/// The arguments of an operation's function: required parameters, the body, the parameter
/// struct.
fn arity(op: &Operation) -> usize {
    op.params.iter().filter(|p| p.required).count()
        + usize::from(op.body.is_some())
        + usize::from(op.params_struct.is_some())
}

/// What a parameter's change does to the function and its parameter struct: a positional
/// argument changes the function; an optional one is a field of the struct, unless the struct
/// itself comes (the function gains an argument), goes (with an argument), or is renamed (the
/// old one is gone). With as many arguments as before, the function's change is one of type.
fn param_effect(old: &Operation, new: &Operation, p: &Param, effect: String) -> RustEffect {
    // A `…Params` struct is `#[non_exhaustive]`, built with `Default` and setters: a new
    // optional parameter in a struct both versions have adds a field and a setter.
    if let (false, Some(a), Some(b)) = (p.required, &old.params_struct, &new.params_struct) {
        if a == b && old.params.iter().all(|o| o.rust_name != p.rust_name) {
            return RustEffect::addition(
                format!("{a}.{}", p.rust_name),
                format!(
                    "{effect} and setter `{a}::{}`",
                    crate::naming::setter(&p.rust_name)
                ),
            );
        }
    }
    let mut items = Vec::new();
    if p.required || old.params_struct.is_none() || new.params_struct.is_none() {
        items.push(item(old));
    }
    if !p.required {
        match (&old.params_struct, &new.params_struct) {
            (Some(a), Some(b)) if a == b => items.push(format!("{a}.{}", p.rust_name)),
            (Some(a), _) => items.push(a.clone()),
            (None, _) => {}
        }
    }
    RustEffect {
        impact: super::RustImpact::Breaking,
        type_change: items == [item(old)] && arity(old) == arity(new),
        items,
        effect,
    }
}

fn diff_params(wire: &wire::Comparer, old: &Operation, new: &Operation, at: &mut Recorder) {
    for new_param in &new.params {
        let what = format!(
            "{} parameter `{}`",
            location_name(new_param.location),
            new_param.json_name
        );
        let new_rust = rust_param(new, new_param);
        let Some(old_param) = old
            .params
            .iter()
            .find(|p| param_key(old, p) == param_key(new, new_param))
        else {
            // A new positional argument, or a new field in a struct callers may build with a
            // literal: either way code that compiled no longer does.
            let (rule, required) = if new_param.required {
                ("new-required-request-parameter", "required")
            } else {
                ("new-optional-request-parameter", "optional")
            };
            at.push(
                rule,
                format!("new {required} {what}"),
                param_effect(old, new, new_param, format!("new {new_rust}")),
            );
            continue;
        };
        let old_rust = rust_param(old, old_param);
        if old_param.json_name != new_param.json_name {
            at.push(
                "request-path-parameter-renamed",
                format!(
                    "path parameter `{}` renamed `{}` (the same place in the URL)",
                    old_param.json_name, new_param.json_name
                ),
                RustEffect::none(format!(
                    "the positional argument `{}` of {} is named `{}`; callers are unaffected",
                    old_param.rust_name,
                    function(new),
                    new_param.rust_name
                )),
            );
        }
        if old_param.required != new_param.required {
            let (rule, became, optional) = if new_param.required {
                ("request-parameter-became-required", "required", old_param)
            } else {
                ("request-parameter-became-optional", "optional", new_param)
            };
            // The function's arguments change, and the struct gains or loses the field.
            let mut effect =
                param_effect(old, new, optional, format!("{old_rust} becomes {new_rust}"));
            if !effect.items.contains(&item(old)) {
                effect.items.insert(0, item(old));
                effect.type_change = false;
            }
            at.push(rule, format!("{what} became {became}"), effect);
        }
        if old_param.ty != new_param.ty {
            let (rule, message) = if wire.same(&old_param.ty, &new_param.ty) {
                (
                    "generated-type-renamed",
                    format!("{what}: same on the wire"),
                )
            } else {
                (
                    "request-parameter-type-changed",
                    format!("{what}: type changed"),
                )
            };
            let param_item = match &new.params_struct {
                Some(params) if !new_param.required => format!("{params}.{}", new_param.rust_name),
                _ => item(new),
            };
            at.push(
                rule,
                message,
                RustEffect::retyped(
                    param_item,
                    &format!("the type of `{}`", new_param.rust_name),
                    &old_param.ty.to_string(),
                    &new_param.ty.to_string(),
                ),
            );
        }
        if old_param.deprecated != new_param.deprecated {
            let (rule, message) = if new_param.deprecated {
                ("request-parameter-deprecated", "deprecated")
            } else {
                ("request-parameter-reactivated", "no longer deprecated")
            };
            at.push(
                rule,
                format!("{what} {message}"),
                RustEffect::none(format!("doc comment of `{}`", new_param.rust_name)),
            );
        }
        limits::diff_default(
            "request-parameter",
            &what,
            &old_param.docs.default,
            &new_param.docs.default,
            at,
        );
        limits::diff_constraints(
            "request-parameter",
            &what,
            &old_param.constraints,
            &new_param.constraints,
            at,
        );
    }
    for old_param in &old.params {
        if !new
            .params
            .iter()
            .any(|p| param_key(new, p) == param_key(old, old_param))
        {
            at.push(
                "request-parameter-removed",
                format!(
                    "{} parameter `{}` removed",
                    location_name(old_param.location),
                    old_param.json_name
                ),
                param_effect(
                    old,
                    new,
                    old_param,
                    format!("{} is removed", rust_param(old, old_param)),
                ),
            );
        }
    }
}

fn diff_body(wire: &wire::Comparer, old: &Operation, new: &Operation, at: &mut Recorder) {
    let argument = |required: bool, kind: &crate::ir::BodyKind| {
        if required {
            body_type(kind)
        } else {
            format!("Option<{}>", body_type(kind))
        }
    };
    let (old_body, new_body) = match (&old.body, &new.body) {
        (None, None) => return,
        (None, Some(body)) => {
            let (rule, required) = if body.required {
                ("request-body-added-required", "required")
            } else {
                ("request-body-added-optional", "optional")
            };
            at.push(
                rule,
                format!("a {required} request body was added"),
                RustEffect::breaking(
                    item(new),
                    format!(
                        "new argument `body: {}` of {}",
                        argument(body.required, &body.kind),
                        function(new)
                    ),
                ),
            );
            return;
        }
        (Some(body), None) => {
            at.push(
                "request-body-removed",
                "the request body was removed".to_string(),
                RustEffect::breaking(
                    item(new),
                    format!(
                        "argument `body: {}` of {} is removed",
                        argument(body.required, &body.kind),
                        function(new)
                    ),
                ),
            );
            return;
        }
        (Some(old_body), Some(new_body)) => (old_body, new_body),
    };
    let (old_type, new_type) = (body_type(&old_body.kind), body_type(&new_body.kind));
    if old_body.kind != new_body.kind || old_body.media_type != new_body.media_type {
        let renamed_only = old_body.media_type == new_body.media_type
            && match (&old_body.kind, &new_body.kind) {
                (crate::ir::BodyKind::Json(a), crate::ir::BodyKind::Json(b)) => wire.same(a, b),
                _ => false,
            };
        let (rule, message) = if renamed_only {
            (
                "generated-type-renamed",
                "request body: same on the wire".to_string(),
            )
        } else {
            (
                "request-body-type-changed",
                format!(
                    "request body changed from `{old_type}` ({}) to `{new_type}` ({})",
                    old_body.media_type, new_body.media_type
                ),
            )
        };
        at.push(
            rule,
            message,
            RustEffect::retyped(item(new), "argument `body`", &old_type, &new_type),
        );
    }
    if old_body.required != new_body.required {
        let (rule, became) = if new_body.required {
            ("request-body-became-required", "required")
        } else {
            ("request-body-became-optional", "optional")
        };
        at.push(
            rule,
            format!("the request body became {became}"),
            RustEffect::retyped(
                item(new),
                "argument `body`",
                &argument(old_body.required, &old_body.kind),
                &argument(new_body.required, &new_body.kind),
            ),
        );
    }
    diff_media_types(
        (
            "request-body-media-type-added",
            "request-body-media-type-removed",
        ),
        "request body",
        &old_body.media_types,
        &new_body.media_types,
        at,
    );
}

/// Media types declared besides the one the client uses: a server that drops one refuses
/// clients (of any SDK) that send it.
fn diff_media_types(
    (added, removed): (&'static str, &'static str),
    what: &str,
    old: &[String],
    new: &[String],
    at: &mut Recorder,
) {
    for media_type in new.iter().filter(|m| !old.contains(m)) {
        at.push(
            added,
            format!("{what}: media type `{media_type}` added"),
            RustEffect::none(
                "no change to the Rust API unless the body type changes (reported on its own)",
            ),
        );
    }
    for media_type in old.iter().filter(|m| !new.contains(m)) {
        at.push(
            removed,
            format!("{what}: media type `{media_type}` removed"),
            RustEffect::none(
                "no change to the Rust API unless the body type changes (reported on its own)",
            ),
        );
    }
}

fn diff_responses(wire: &wire::Comparer, old: &Operation, new: &Operation, at: &mut Recorder) {
    let statuses = |op: &Operation| -> BTreeMap<Status, Response> {
        op.responses.iter().map(|r| (r.status, r.clone())).collect()
    };
    let (old_responses, new_responses) = (statuses(old), statuses(new));
    // What a status does to Rust is what it does to the function's return type.
    let returned = || {
        RustEffect::retyped(
            item(new),
            &format!("the success type of {}", function(new)),
            &returns(old),
            &returns(new),
        )
    };
    // Error answers are `Error::Api` whatever their status.
    let unchanged =
        || RustEffect::none("no change to the Rust API (error answers are `Error::Api`)");
    for (status, old_response) in &old_responses {
        let Some(new_response) = new_responses.get(status) else {
            let (rule, rust) = if status.is_success() {
                ("response-success-status-removed", returned())
            } else {
                ("response-non-success-status-removed", unchanged())
            };
            at.push(rule, format!("status {status} removed"), rust);
            continue;
        };
        if status.is_success() && new_response.body != old_response.body {
            let (old_type, new_type) = (
                response_type(&old_response.body),
                response_type(&new_response.body),
            );
            let same_json = matches!(
                (&old_response.body, &new_response.body),
                (ResponseBody::Json(a), ResponseBody::Json(b)) if wire.same(a, b)
            );
            let (rule, message) = if same_json {
                (
                    "generated-type-renamed",
                    format!("{status} response body: same on the wire"),
                )
            } else {
                (
                    "response-body-type-changed",
                    format!("{status} response body changed from `{old_type}` to `{new_type}`"),
                )
            };
            at.push(rule, message, returned());
        }
        let what = format!("{status} response");
        diff_media_types(
            ("response-media-type-added", "response-media-type-removed"),
            &what,
            &old_response.media_types,
            &new_response.media_types,
            at,
        );
        diff_headers(&what, old_response, new_response, at);
    }
    for status in new_responses.keys() {
        if !old_responses.contains_key(status) {
            let (rule, rust) = if status.is_success() {
                ("response-success-status-added", returned())
            } else {
                ("response-non-success-status-added", unchanged())
            };
            at.push(rule, format!("status {status} added"), rust);
        }
    }
}

/// Declared response headers: generated functions do not read them, so only the wire changes.
fn diff_headers(what: &str, old: &Response, new: &Response, at: &mut Recorder) {
    let unread = || {
        RustEffect::none(
            "no change to the Rust API (generated functions do not read response headers)",
        )
    };
    for header in &new.headers {
        let Some(before) = old
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(&header.name))
        else {
            at.push(
                "response-header-added",
                format!("{what}: header `{}` added", header.name),
                unread(),
            );
            continue;
        };
        if before.required != header.required {
            let (rule, became) = if header.required {
                ("response-header-became-required", "required")
            } else {
                ("response-header-became-optional", "optional")
            };
            at.push(
                rule,
                format!("{what}: header `{}` became {became}", header.name),
                unread(),
            );
        }
        if before.schema_type != header.schema_type {
            let show = |t: &Option<String>| t.clone().unwrap_or_else(|| "any".to_string());
            at.push(
                "response-header-type-changed",
                format!(
                    "{what}: header `{}` changed from {} to {}",
                    header.name,
                    show(&before.schema_type),
                    show(&header.schema_type)
                ),
                unread(),
            );
        }
        if before.deprecated != header.deprecated {
            let (rule, message) = if header.deprecated {
                ("response-header-deprecated", "deprecated")
            } else {
                ("response-header-reactivated", "no longer deprecated")
            };
            at.push(
                rule,
                format!("{what}: header `{}` {message}", header.name),
                unread(),
            );
        }
    }
    for header in &old.headers {
        if !new
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case(&header.name))
        {
            let rule = if header.required {
                "required-response-header-removed"
            } else {
                "optional-response-header-removed"
            };
            at.push(
                rule,
                format!("{what}: header `{}` removed", header.name),
                unread(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_shapes_ignore_parameter_names() {
        assert_eq!(path_shape("/sandbox/{id}/start"), "/sandbox/{}/start");
        assert_eq!(
            path_shape("/sandbox/{sandboxIdOrName}/start"),
            "/sandbox/{}/start"
        );
    }
}
