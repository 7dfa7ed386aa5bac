//! Locating: deserialising into `openapiv3`, and when that fails, the JSON pointer of the
//! deepest node that does not fit.

use crate::error::{pointer_push, Error, Result};
use serde::Deserialize;
use serde_json::Value;

/// Deserialises into `openapiv3`, naming the JSON pointer of the node that does not fit.
pub(super) fn deserialise(tree: Value) -> Result<openapiv3::OpenAPI> {
    match openapiv3::OpenAPI::deserialize(&tree) {
        Ok(openapi) => Ok(openapi),
        Err(whole) => {
            // `openapiv3` flattens maps and uses untagged enums, which hide where an error is;
            // finding the deepest node that fails on its own gives a precise pointer.
            let (pointer, message) = locate(&tree).unwrap_or(("#".to_string(), whole.to_string()));
            Err(Error::at(
                format!("the document does not fit OpenAPI 3: {message}"),
                pointer,
            ))
        }
    }
}

/// The error of deserialising `value` as `T`, if any.
fn failure<T: serde::de::DeserializeOwned>(value: &Value) -> Option<String> {
    T::deserialize(value).err().map(|e| e.to_string())
}

/// The deepest node under the root that fails to deserialise, with its error.
fn locate(tree: &Value) -> Option<(String, String)> {
    if let Some(paths) = tree.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let pointer = pointer_push("#/paths", path);
            if let Some(found) = locate_path_item(item, &pointer) {
                return Some(found);
            }
        }
    }
    if let Some(components) = tree.get("components").and_then(Value::as_object) {
        for (section, entries) in components {
            let section_pointer = pointer_push("#/components", section);
            for (name, entry) in entries.as_object().into_iter().flatten() {
                let pointer = pointer_push(&section_pointer, name);
                let found = match section.as_str() {
                    "schemas" => locate_schema(entry, &pointer),
                    "parameters" => {
                        locate_as::<openapiv3::ReferenceOr<openapiv3::Parameter>>(entry, &pointer)
                    }
                    "responses" => locate_response(entry, &pointer),
                    "requestBodies" => {
                        locate_as::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(entry, &pointer)
                    }
                    _ => None,
                };
                if found.is_some() {
                    return found;
                }
            }
        }
    }
    for key in [
        "openapi",
        "info",
        "servers",
        "paths",
        "components",
        "security",
        "tags",
    ] {
        if let Some(value) = tree.get(key) {
            let pointer = pointer_push("#", key);
            let message = match key {
                "info" => failure::<openapiv3::Info>(value),
                "servers" => failure::<Vec<openapiv3::Server>>(value),
                "paths" => failure::<openapiv3::Paths>(value),
                "components" => failure::<openapiv3::Components>(value),
                "security" => failure::<Vec<openapiv3::SecurityRequirement>>(value),
                "tags" => failure::<Vec<openapiv3::Tag>>(value),
                _ => failure::<String>(value),
            };
            if let Some(message) = message {
                return Some((pointer, message));
            }
        }
    }
    None
}

fn locate_as<T: serde::de::DeserializeOwned>(
    value: &Value,
    pointer: &str,
) -> Option<(String, String)> {
    failure::<T>(value).map(|message| (pointer.to_string(), message))
}

fn locate_path_item(item: &Value, pointer: &str) -> Option<(String, String)> {
    failure::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item)?;
    for method in [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ] {
        let Some(op) = item.get(method) else { continue };
        let op_pointer = pointer_push(pointer, method);
        if failure::<openapiv3::Operation>(op).is_none() {
            continue;
        }
        for (i, param) in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let param_pointer =
                pointer_push(&pointer_push(&op_pointer, "parameters"), &i.to_string());
            if let Some(found) =
                locate_as::<openapiv3::ReferenceOr<openapiv3::Parameter>>(param, &param_pointer)
            {
                return Some(found);
            }
        }
        if let Some(body) = op.get("requestBody") {
            let body_pointer = pointer_push(&op_pointer, "requestBody");
            if let Some(found) = locate_content(body, &body_pointer) {
                return Some(found);
            }
            if let Some(found) =
                locate_as::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(body, &body_pointer)
            {
                return Some(found);
            }
        }
        if let Some(responses) = op.get("responses") {
            let responses_pointer = pointer_push(&op_pointer, "responses");
            for (status, response) in responses.as_object().into_iter().flatten() {
                if let Some(found) =
                    locate_response(response, &pointer_push(&responses_pointer, status))
                {
                    return Some(found);
                }
            }
            if let Some(found) = locate_as::<openapiv3::Responses>(responses, &responses_pointer) {
                return Some(found);
            }
        }
        return locate_as::<openapiv3::Operation>(op, &op_pointer);
    }
    locate_as::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, pointer)
}

fn locate_response(response: &Value, pointer: &str) -> Option<(String, String)> {
    locate_content(response, pointer)
        .or_else(|| locate_as::<openapiv3::ReferenceOr<openapiv3::Response>>(response, pointer))
}

/// Looks into `content/<media type>/schema` of a body or response.
fn locate_content(node: &Value, pointer: &str) -> Option<(String, String)> {
    let content = node.get("content")?.as_object()?;
    let content_pointer = pointer_push(pointer, "content");
    content.iter().find_map(|(media_type, media)| {
        let schema = media.get("schema")?;
        locate_schema(
            schema,
            &pointer_push(&pointer_push(&content_pointer, media_type), "schema"),
        )
    })
}

fn locate_schema(schema: &Value, pointer: &str) -> Option<(String, String)> {
    failure::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema)?;
    let object = schema.as_object();
    for (key, child) in object.into_iter().flatten() {
        let child_pointer = pointer_push(pointer, key);
        let found = match (key.as_str(), child) {
            ("properties", Value::Object(properties)) => properties
                .iter()
                .find_map(|(name, p)| locate_schema(p, &pointer_push(&child_pointer, name))),
            ("items" | "not", _) | ("additionalProperties", Value::Object(_)) => {
                locate_schema(child, &child_pointer)
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => members
                .iter()
                .enumerate()
                .find_map(|(i, m)| locate_schema(m, &pointer_push(&child_pointer, &i.to_string()))),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    // An untagged enum's own message says nothing; the plain schema's says what is wrong.
    let message = failure::<openapiv3::Schema>(schema)
        .or_else(|| failure::<openapiv3::ReferenceOr<openapiv3::Schema>>(schema))?;
    Some((pointer.to_string(), message))
}
