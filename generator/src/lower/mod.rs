//! Stage 2: `openapiv3` → the intermediate model in [`crate::ir`].
//!
//! Resolves `$ref`s, unwraps single-`allOf` wrappers, names every type, dedupes identical enums
//! and decides the Rust type of everything. No `openapiv3` type leaves this module.

mod enums;
mod hint;
mod operations;
mod refs;
mod schema;

use crate::error::{Error, Result};
use crate::ir::{Api, TypeRef, Upgrade};
use crate::load::Document;
use crate::settings::{Settings, Subset, WebSocketOperation};
use std::collections::{BTreeMap, BTreeSet};

/// Lowers a parsed document, with the type names and secrets `settings` choose.
pub fn lower(doc: &Document, settings: &Settings) -> Result<Api> {
    lower_document(doc, settings).map_err(|e| e.in_file(&doc.file))
}

fn lower_document(doc: &Document, options: &Settings) -> Result<Api> {
    let openapi = &doc.openapi;
    let type_names = &options.type_names;
    let mut types = schema::TypeLowering::new(openapi, type_names, &options.secrets);
    types.lower_components()?;
    let operations = operations::lower_operations(openapi, &mut types)?;
    let names = types.enums.assign_names(&mut types.scope, type_names);
    let warnings: Vec<_> = doc
        .warnings
        .iter()
        .cloned()
        .chain(types.warnings.into_iter().map(|w| w.in_file(&doc.file)))
        .collect();
    if let (true, Some(first)) = (options.strict, warnings.first()) {
        return Err(first.clone().into_error());
    }
    let mut api = Api {
        source: doc.file.clone(),
        title: openapi.info.title.clone(),
        version: openapi.info.version.clone(),
        server: openapi.servers.first().map(server_url),
        types: types.types,
        operations,
        warnings,
    };
    rename_types(&mut api, &names);
    check_alias_cycles(&api)?;
    check_secrets(&api, &options.secrets)?;
    mark_websockets(&mut api, &options.websockets)?;
    mark_subsets(&mut api, &options.module, &options.subsets)?;
    Ok(api)
}

/// Puts each operation a subset names into it. An operation the spec does not have, one in two
/// subsets, a subset across tags and a feature name some tag already has are errors.
fn mark_subsets(api: &mut Api, spec_module: &str, subsets: &[Subset]) -> Result<()> {
    let feature = |name: &str| crate::naming::tag_feature(spec_module, name);
    let taken: BTreeSet<String> = api
        .operations
        .iter()
        .map(|op| op.module.as_str())
        .chain([crate::usage::OTHER_TYPES])
        .map(feature)
        .collect();
    let mut named = BTreeSet::new();
    for subset in subsets {
        let invalid = |why: String| {
            Error::new(format!("the subset '{}' {why}", subset.feature))
                .with_hint("a subset names operations of one tag by operationId, under a feature name no tag has")
        };
        let well_formed = !subset.feature.is_empty()
            && subset
                .feature
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !well_formed {
            return Err(invalid(
                "is not a feature name (lowercase letters, digits, '-')".to_string(),
            ));
        }
        if taken.contains(&feature(&subset.feature)) || !named.insert(feature(&subset.feature)) {
            return Err(invalid(
                "has the name of a tag or of another subset".to_string(),
            ));
        }
        if subset.operations.is_empty() {
            return Err(invalid("names no operation".to_string()));
        }
        let mut module: Option<String> = None;
        for id in &subset.operations {
            let op = api
                .operations
                .iter_mut()
                .find(|op| op.operation_id == *id)
                .ok_or_else(|| invalid(format!("names '{id}', which is not in the spec")))?;
            if let Some(other) = &op.subset {
                return Err(invalid(format!(
                    "names '{id}', already in the subset '{other}'"
                )));
            }
            match &module {
                Some(module) if *module != op.module => {
                    return Err(invalid(format!(
                        "spans the tags '{module}' and '{}' ('{id}')",
                        op.module
                    )))
                }
                _ => module = Some(op.module.clone()),
            }
            op.subset = Some(subset.feature.clone());
        }
    }
    Ok(())
}

/// Marks the operations the settings say upgrade to a WebSocket; one the spec does not have is
/// an error.
fn mark_websockets(api: &mut Api, websockets: &[WebSocketOperation]) -> Result<()> {
    for websocket in websockets {
        let op = api
            .operations
            .iter_mut()
            .find(|op| op.operation_id == websocket.operation)
            .ok_or_else(|| {
                Error::new(format!(
                    "the WebSocket operation '{}' is not in the spec",
                    websocket.operation
                ))
                .with_hint("websockets name operations by their operationId")
            })?;
        op.upgrade = if websocket.also_http {
            Upgrade::AlsoHttp
        } else {
            Upgrade::Only
        };
    }
    Ok(())
}

/// A server's URL with each `{variable}` replaced by its default.
fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}

/// A schema that is only a `$ref` (maybe in an array or map) becomes a type alias, and Rust
/// aliases cannot refer to themselves: `A: {$ref: B}`, `B: {$ref: A}` has no type at all.
/// Each alias has one target, so every chain is walked once (a document may hold thousands).
fn check_alias_cycles(api: &Api) -> Result<()> {
    let index: BTreeMap<&str, &crate::ir::TypeDef> = api
        .types
        .iter()
        .map(|def| (def.name.as_str(), def))
        .collect();
    let alias_target = |name: &str| match index.get(name).map(|def| &def.kind) {
        Some(crate::ir::TypeKind::Alias(target)) => target.named(),
        _ => None,
    };
    // 1: on the chain being walked; 2: known to end without a cycle.
    let mut state: BTreeMap<&str, u8> = BTreeMap::new();
    for def in &api.types {
        let mut chain = vec![def.name.as_str()];
        let mut current = def.name.as_str();
        while !state.contains_key(current) {
            state.insert(current, 1);
            let Some(next) = alias_target(current) else {
                break;
            };
            if state.get(next) == Some(&1) {
                let start = chain.iter().position(|name| *name == next).unwrap_or(0);
                let mut cycle = chain[start..].to_vec();
                cycle.push(next);
                let origin = index
                    .get(next)
                    .map_or(def.origin.clone(), |d| d.origin.clone());
                return Err(crate::Error::at(
                    format!("cyclic $ref: {}", cycle.join(" → ")),
                    origin,
                )
                .with_hint("a schema must contain something besides references to itself"));
            }
            chain.push(next);
            current = next;
        }
        for name in chain {
            state.insert(name, 2);
        }
    }
    Ok(())
}

/// Every configured secret must name a string property, so a typo cannot leave a key exposed.
fn check_secrets(api: &Api, secrets: &[String]) -> Result<()> {
    for secret in secrets {
        let (schema, property) = secret.split_once('.').unwrap_or((secret, ""));
        let origin = crate::error::pointer_push("#/components/schemas", schema);
        let found = api.types.iter().any(|def| {
            def.origin == origin
                && matches!(&def.kind, crate::ir::TypeKind::Struct(s)
                    if s.fields.iter().any(|f| f.json_name == property && f.ty == TypeRef::Secret))
        });
        if !found {
            return Err(crate::Error::at(
                format!("the secret '{secret}' names no string property"),
                origin,
            )
            .with_hint("secrets are written `Schema.property`, for a property of type string"));
        }
    }
    Ok(())
}

/// Replaces placeholder type names with their final names, everywhere they appear.
fn rename_types(api: &mut Api, names: &BTreeMap<String, String>) {
    let rename = |ty: &mut TypeRef| {
        if let TypeRef::Named(name) = ty {
            if enums::EnumTable::is_placeholder(name) {
                if let Some(new_name) = names.get(name.as_str()) {
                    *name = new_name.clone();
                }
            }
        }
    };
    for def in &mut api.types {
        if let Some(new_name) = names.get(&def.name) {
            def.name = new_name.clone();
        }
    }
    api.for_each_type_ref_mut(rename);
}
