//! Locating: deserialising into `openapiv3`, and when that fails, the JSON pointer of the
//! deepest node that does not fit.

use crate::error::{pointer_push, Error, Result};
use serde::Deserialize;
use serde_json::Value;

/// Deserialises into `openapiv3`, naming the JSON pointer of the node that does not fit.
///
/// The paths and the components, most of a document, are deserialised on two cores (each is
/// what `openapiv3` would read as the document's field); the rest of the document with them
/// taken out reads as the same `OpenAPI` with empty paths and no components.
pub(super) fn deserialise(mut tree: Value) -> Result<openapiv3::OpenAPI> {
    let parts = tree.as_object_mut().map(|root| {
        // An absent `paths` stays absent, so the error is the one of the whole.
        let paths = root
            .get_mut("paths")
            .map(|paths| std::mem::replace(paths, Value::Object(Default::default())));
        (paths, root.remove("components"))
    });
    let read = match &parts {
        Some((paths, components)) => {
            let (head_and_paths, components) = crate::parallel::join(
                || {
                    let head = openapiv3::OpenAPI::deserialize(&tree)?;
                    let paths = paths
                        .as_ref()
                        .map(openapiv3::Paths::deserialize)
                        .transpose()?;
                    Ok::<_, serde_json::Error>((head, paths))
                },
                || {
                    components
                        .as_ref()
                        .map(Option::<openapiv3::Components>::deserialize)
                        .transpose()
                },
            );
            head_and_paths.and_then(|(mut openapi, paths)| {
                openapi.paths = paths.unwrap_or_default();
                openapi.components = components?.flatten();
                Ok(openapi)
            })
        }
        None => openapiv3::OpenAPI::deserialize(&tree),
    };
    match read {
        Ok(openapi) => Ok(openapi),
        Err(whole) => {
            // Put the document back together to find where it does not fit.
            if let (Some(root), Some((paths, components))) = (tree.as_object_mut(), parts) {
                if let Some(paths) = paths {
                    root.insert("paths".to_string(), paths);
                }
                if let Some(components) = components {
                    root.insert("components".to_string(), components);
                }
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document(paths: Value, components: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": components,
        })
    }

    #[test]
    fn paths_and_components_read_apart_read_as_the_whole() {
        let tree = document(
            json!({"/a": {"get": {"operationId": "a", "responses": {"204": {"description": "no"}}}}}),
            json!({"schemas": {"A": {"type": "string"}}}),
        );
        let whole = openapiv3::OpenAPI::deserialize(&tree).unwrap();
        assert_eq!(deserialise(tree).unwrap(), whole);
        let mut no_components = document(json!({}), Value::Null);
        let whole = openapiv3::OpenAPI::deserialize(&no_components).unwrap();
        assert_eq!(whole.components, None);
        assert_eq!(deserialise(no_components.clone()).unwrap(), whole);
        no_components.as_object_mut().unwrap().remove("components");
        assert_eq!(deserialise(no_components).unwrap(), whole);
    }

    #[test]
    fn an_absent_paths_is_still_an_error() {
        let mut tree = document(json!({}), json!({}));
        tree.as_object_mut().unwrap().remove("paths");
        let error = deserialise(tree).unwrap_err();
        assert!(error.headline.contains("paths"), "{}", error.headline);
    }

    #[test]
    fn errors_in_either_part_name_their_node() {
        let bad_schema = document(json!({}), json!({"schemas": {"A": {"type": 7}}}));
        let error = deserialise(bad_schema).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/components/schemas/A"));
        let bad_operation = document(
            json!({"/a": {"get": {"responses": 3}}}),
            json!({"schemas": {"A": {"type": "string"}}}),
        );
        let error = deserialise(bad_operation).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/paths/~1a/get/responses"));
    }
}
