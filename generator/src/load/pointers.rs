//! References that point inside things.
//!
//! A `$ref` is a JSON pointer, and publishers use that: `#/components/schemas/profile/properties/birthDate`,
//! `#/components/responses/X/content/application~1json/schema`, a schema under `#/paths/…`,
//! a leftover `#/definitions/Foo`. The model refers to components by name only, so each such
//! target becomes a component of its own (named after where it was), its original place
//! refers to that component, and every reference to it is pointed there. What the document
//! means does not change; the generated code gets one named type for the target.
//!
//! The kind of component (schema, parameter, response, request body, header) is what the
//! referring place expects. A reference in a place that is none of those, or to something
//! outside this document, is left for the later stages to report.
//!
//! A path item that is a `$ref` (to another path, or to `#/components/pathItems/…` in 3.1)
//! is replaced by what it refers to, its own fields beside the `$ref` kept: the model has no
//! path item references, and a path's operations are its own functions either way.

use super::trail::Trail;
use crate::error::{closest, pointer_push, Error, Result};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The component sections a reference can name directly: `#/components/<section>/<name>`.
const SECTIONS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
];

/// Gives every local reference target that is not a component of its own a component, and
/// points the references at it.
pub(super) fn hoist_inner_targets(tree: &mut Value) -> Result<()> {
    inline_path_items(tree)?;
    let references = inner_references(tree);
    if references.is_empty() {
        return Ok(());
    }
    // Each target once, with the section the first place referring to it expects.
    let mut targets: BTreeMap<String, (&'static str, String)> = BTreeMap::new();
    for reference in &references {
        let Some(section) = reference.section else {
            continue;
        };
        if !targets.contains_key(&reference.target) {
            resolve(tree, &reference.target, &reference.at)?;
            targets.insert(reference.target.clone(), (section, String::new()));
        }
    }
    name_targets(tree, &mut targets);
    for reference in &references {
        if let Some((section, name)) = targets.get(&reference.target) {
            if let Some(Value::Object(holder)) = tree.pointer_mut(&reference.at) {
                holder.insert("$ref".to_string(), Value::String(component(section, name)));
            }
        }
    }
    // Deepest first: a target inside another is replaced by its reference before the outer one
    // is moved, so the outer component refers to the inner one instead of holding a copy.
    let mut order: Vec<(&String, &(&str, String))> = targets.iter().collect();
    order.sort_by_key(|(target, _)| std::cmp::Reverse(target.matches('/').count()));
    for (target, (section, name)) in order {
        let Some(node) = tree.pointer_mut(target) else {
            continue;
        };
        let moved = std::mem::replace(node, reference_to(&component(section, name)));
        let components = tree.as_object_mut().map(|document| {
            document
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()))
        });
        if let Some(Value::Object(components)) = components {
            if let Value::Object(entries) = components
                .entry(section.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                entries.insert(name.clone(), moved);
            }
        }
    }
    Ok(())
}

/// Replaces each path item that is a local `$ref` by a copy of its target, following chains;
/// one that leads back to itself, or out of the document, is left for lowering to report.
fn inline_path_items(tree: &mut Value) -> Result<()> {
    let Some(paths) = tree.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    let keys: Vec<String> = paths.keys().cloned().collect();
    let path_items = tree
        .pointer("/components/pathItems")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    for key in &keys {
        let at = pointer_push("/paths", key);
        // A chain longer than all the path items there are goes round in a loop.
        for _ in 0..=keys.len() + path_items {
            let Some(Value::Object(holder)) = tree.pointer(&at) else {
                break;
            };
            let Some(Value::String(reference)) = holder.get("$ref") else {
                break;
            };
            let Some(target) = reference.strip_prefix('#').map(str::to_string) else {
                break;
            };
            resolve(tree, &target, &at)?;
            let Some(Value::Object(mut inlined)) = tree.pointer(&target).cloned() else {
                break;
            };
            if let Some(Value::Object(holder)) = tree.pointer(&at) {
                for (field, value) in holder.iter().filter(|(field, _)| *field != "$ref") {
                    inlined.insert(field.clone(), value.clone());
                }
            }
            if let Some(slot) = tree.pointer_mut(&at) {
                *slot = Value::Object(inlined);
            }
        }
    }
    Ok(())
}

/// A `$ref` found in the document.
struct Reference {
    /// The pointer of the object holding the `$ref`.
    at: String,
    /// The pointer it refers to (without the leading `#`).
    target: String,
    /// The component section the referring place expects, if it is one this module moves.
    section: Option<&'static str>,
}

/// Every local `$ref` that is not of the form `#/components/<section>/<name>`.
fn inner_references(tree: &Value) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut trail = Trail::new();
    let mut pending: Vec<(usize, &Value)> = vec![(Trail::ROOT, tree)];
    while let Some((at, node)) = pending.pop() {
        match node {
            Value::Object(object) => {
                if let Some(Value::String(reference)) = object.get("$ref") {
                    if let Some(target) = reference.strip_prefix('#') {
                        if !is_component(target) {
                            let pointer = trail.pointer("", at);
                            found.push(Reference {
                                section: section_expected_at(&pointer),
                                at: pointer,
                                target: target.to_string(),
                            });
                        }
                    }
                }
                for (key, child) in object.iter().rev() {
                    pending.push((trail.key(at, key), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    pending.push((trail.index(at, i), child));
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether a pointer names a component directly, or is a place no component can be moved
/// from (the document, `components` or a section): those are left as they are.
fn is_component(target: &str) -> bool {
    let tokens: Vec<&str> = target.split('/').collect();
    match tokens[..] {
        ["", "components", section, name] => SECTIONS.contains(&section) && !name.is_empty(),
        [""] | ["", "components"] | ["", "components", _] => true,
        _ => false,
    }
}

/// The component section a `$ref` at `pointer` stands for, judged by where it is.
fn section_expected_at(pointer: &str) -> Option<&'static str> {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    let last = tokens.last().copied()?;
    let parent = tokens.len().checked_sub(2).map(|i| tokens[i]);
    match (parent, last) {
        (
            Some(
                "properties" | "patternProperties" | "allOf" | "oneOf" | "anyOf" | "schemas"
                | "definitions",
            ),
            _,
        ) => Some("schemas"),
        (_, "schema" | "items" | "not" | "additionalProperties") => Some("schemas"),
        (Some("parameters"), _) => Some("parameters"),
        (Some("responses"), _) => Some("responses"),
        (Some("requestBodies"), _) | (_, "requestBody") => Some("requestBodies"),
        (Some("headers"), _) => Some("headers"),
        _ => None,
    }
}

/// Checks that `target` is in the document; the error names the reference and suggests the
/// closest key where the pointer leaves the document.
fn resolve(tree: &Value, target: &str, at: &str) -> Result<()> {
    let mut node = tree;
    let mut walked = String::from("#");
    for token in target.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        let next = match node {
            Value::Object(object) => object.get(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(next) => {
                node = next;
                walked.push('/');
                walked.push_str(token);
            }
            None => {
                let error = Error::at(format!("unresolved $ref '#{target}'"), format!("#{at}"));
                let keys = node.as_object().map(|o| o.keys().map(String::as_str));
                return Err(match keys.and_then(|keys| closest(&key, keys)) {
                    Some(near) => error.with_hint(format!(
                        "{walked} has no '{key}'; did you mean '{}'?",
                        pointer_push(&walked, near)
                    )),
                    None => error.with_hint(format!("{walked} has no '{key}'")),
                });
            }
        }
    }
    Ok(())
}

/// Names each target after the place it is at, without the words every place has
/// (`components`, `schemas`, `properties`, `content`, media types), unique in its section.
fn name_targets(tree: &Value, targets: &mut BTreeMap<String, (&'static str, String)>) {
    const STRUCTURAL: &[&str] = &[
        "components",
        "schemas",
        "definitions",
        "responses",
        "parameters",
        "requestBodies",
        "headers",
        "properties",
        "content",
        "schema",
        "paths",
    ];
    let mut taken: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (target, (section, name)) in targets.iter_mut() {
        let words: Vec<String> = target
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .filter(|token| !STRUCTURAL.contains(&token.as_str()) && !token.contains("/json"))
            .map(|token| {
                token
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect::<Vec<_>>()
                    .join("_")
            })
            .filter(|word| !word.is_empty())
            .collect();
        let base = if words.is_empty() {
            "Inner".to_string()
        } else {
            words.join("_")
        };
        let existing = tree
            .pointer(&format!("/components/{section}"))
            .and_then(Value::as_object);
        let used = taken.entry(section).or_default();
        let free = |candidate: &String| {
            !used.contains(candidate) && !existing.is_some_and(|e| e.contains_key(candidate))
        };
        let chosen = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}_{n}")))
            .find(free)
            .expect("an unbounded sequence always yields a free name");
        used.push(chosen.clone());
        *name = chosen;
    }
}

/// The reference to a component.
fn component(section: &str, name: &str) -> String {
    format!(
        "#{}",
        pointer_push(&pointer_push("/components", section), name)
    )
}

fn reference_to(reference: &str) -> Value {
    let mut object = Map::new();
    object.insert("$ref".to_string(), Value::String(reference.to_string()));
    Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets_inside_things_become_components() {
        let mut tree = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "born": {"$ref": "#/components/schemas/profile/properties/birthDate"},
                        "same": {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema"}
                    }
                }}}},
                "404": {"$ref": "#/components/responses/Missing"}
            }}}},
            "components": {
                "schemas": {"profile": {"type": "object", "properties": {
                    "birthDate": {"type": "string", "format": "date"}
                }}},
                "responses": {"Missing": {"description": "gone"}}
            }
        });
        hoist_inner_targets(&mut tree).unwrap();
        let schemas = &tree["components"]["schemas"];
        assert_eq!(
            schemas["profile_birthDate"],
            json!({"type": "string", "format": "date"})
        );
        assert_eq!(
            schemas["profile"]["properties"]["birthDate"],
            json!({"$ref": "#/components/schemas/profile_birthDate"})
        );
        let answer = "#/components/schemas/a_get_200";
        assert_eq!(
            tree["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"],
            json!({"$ref": answer})
        );
        // The moved schema refers to itself through its new name.
        assert_eq!(
            schemas["a_get_200"]["properties"]["same"],
            json!({"$ref": answer})
        );
        assert_eq!(
            schemas["a_get_200"]["properties"]["born"],
            json!({"$ref": "#/components/schemas/profile_birthDate"})
        );
        assert_eq!(
            tree["paths"]["/a"]["get"]["responses"]["404"],
            json!({"$ref": "#/components/responses/Missing"})
        );
    }

    #[test]
    fn a_pointer_that_misses_is_located_with_a_suggestion() {
        let mut tree = json!({
            "components": {"schemas": {
                "profile": {"type": "object", "properties": {"birthDate": {"type": "string"}}},
                "User": {"type": "object", "properties": {
                    "born": {"$ref": "#/components/schemas/profile/properties/birthdate"}
                }}
            }}
        });
        let error = hoist_inner_targets(&mut tree).unwrap_err();
        assert_eq!(
            error.headline,
            "unresolved $ref '#/components/schemas/profile/properties/birthdate'"
        );
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/components/schemas/User/properties/born")
        );
        assert_eq!(
            error.hint.as_deref(),
            Some(
                "#/components/schemas/profile/properties has no 'birthdate'; did you mean \
                 '#/components/schemas/profile/properties/birthDate'?"
            )
        );
    }

    #[test]
    fn path_items_that_refer_elsewhere_are_copied_in() {
        let get = json!({"get": {"operationId": "b", "responses": {}}});
        let mut tree = json!({
            "paths": {
                "/a": {"$ref": "#/paths/~1b", "summary": "a's own"},
                "/b": get,
                "/c": {"$ref": "#/paths/~1c"}
            }
        });
        hoist_inner_targets(&mut tree).unwrap();
        assert_eq!(tree["paths"]["/a"]["get"], get["get"]);
        assert_eq!(tree["paths"]["/a"]["summary"], "a's own");
        assert_eq!(tree["paths"]["/a"].get("$ref"), None);
        // A loop stays a reference, for lowering to report.
        assert_eq!(tree["paths"]["/c"], json!({"$ref": "#/paths/~1c"}));
    }

    #[test]
    fn the_place_says_what_kind_of_component() {
        assert_eq!(
            section_expected_at("/paths/~1a/get/parameters/0"),
            Some("parameters")
        );
        assert_eq!(
            section_expected_at("/paths/~1a/get/requestBody"),
            Some("requestBodies")
        );
        assert_eq!(
            section_expected_at("/components/schemas/A/properties/parameters"),
            Some("schemas")
        );
        assert_eq!(
            section_expected_at("/components/schemas/A/items"),
            Some("schemas")
        );
        assert_eq!(
            section_expected_at("/paths/~1a/get/responses/200"),
            Some("responses")
        );
        assert_eq!(section_expected_at("/info"), None);
    }
}
