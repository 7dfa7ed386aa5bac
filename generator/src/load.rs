//! Stage 1: text → a generic JSON tree (patched, OpenAPI 3.1 normalised to 3.0) → `openapiv3`.

use crate::config::Patch;
use crate::error::{pointer_push, Error, Result};
use serde::Deserialize;
use serde_json::{Map, Value};

/// A parsed spec, ready for lowering.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name errors and headers use for the file.
    pub file: String,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
}

/// Parses the text of an OpenAPI 3.0 or 3.1 document (YAML or JSON), applies `patches`, and
/// deserialises it. `file` names the input in errors.
pub fn parse(text: &str, file: &str, patches: &[Patch]) -> Result<Document> {
    typed(patched(text, file, patches)?, file)
}

/// Like [`parse`], from a document already read into a JSON tree (for tools that build or
/// change documents in memory, such as the mutation tests).
pub fn from_tree(tree: Value, file: &str) -> Result<Document> {
    check_version(&tree).map_err(|e| e.in_file(file))?;
    typed(tree, file)
}

/// A checked, patched tree: 3.1 normalised, then deserialised.
fn typed(mut tree: Value, file: &str) -> Result<Document> {
    normalise_3_1(&mut tree);
    let openapi = deserialise(tree).map_err(|e| e.in_file(file))?;
    Ok(Document {
        file: file.to_string(),
        openapi,
    })
}

/// The document as a JSON tree with `patches` applied: what the client is generated from, for
/// tools (such as a mock server) that must see the same spec.
pub fn patched(text: &str, file: &str, patches: &[Patch]) -> Result<Value> {
    let mut tree = parse_tree(text).map_err(|e| e.in_file(file))?;
    check_version(&tree).map_err(|e| e.in_file(file))?;
    for patch in patches {
        apply_patch(&mut tree, patch).map_err(|e| e.in_file(file))?;
    }
    Ok(tree)
}

/// YAML (a superset of JSON) into a JSON tree whose object keys are all strings.
fn parse_tree(text: &str) -> Result<Value> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let error = Error::new(format!("the document is not valid YAML or JSON: {e}"));
        match e.location() {
            Some(at) => error.with_line_column(at.line(), at.column()),
            None => error,
        }
    })?;
    yaml_to_json(yaml, "#")
}

fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let float = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(float)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::at(format!("the number {float} cannot be represented"), pointer)
                    })?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &pointer_push(pointer, &i.to_string())))
                .collect::<Result<_>>()?,
        ),
        serde_yaml::Value::Mapping(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match key {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    _ => {
                        return Err(Error::at(
                            "an object key is not a string or number",
                            pointer,
                        ))
                    }
                };
                let value = yaml_to_json(value, &pointer_push(pointer, &key))?;
                object.insert(key, value);
            }
            Value::Object(object)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

fn check_version(tree: &Value) -> Result<()> {
    if let Some(swagger) = tree.get("swagger") {
        return Err(Error::at(
            format!(
                "this is a Swagger {} document, not OpenAPI 3",
                display(swagger)
            ),
            "#/swagger",
        )
        .with_hint(
            "convert it to OpenAPI 3 first, for example with swagger2openapi or the Swagger Editor",
        ));
    }
    match tree.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => Err(
            Error::at(format!("unsupported OpenAPI version {v}"), "#/openapi")
                .with_hint("OpenAPI 3.0.x and 3.1.x are supported"),
        ),
        None => Err(
            Error::at("the document has no `openapi` version field", "#")
                .with_hint("an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"),
        ),
    }
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

/// Sets the node at `patch.pointer` to `patch.value`, creating the last key when it is missing.
fn apply_patch(tree: &mut Value, patch: &Patch) -> Result<()> {
    let pointer = patch.pointer.trim_start_matches('#');
    let (parent, last) = match pointer.rfind('/') {
        Some(at) => (&pointer[..at], &pointer[at + 1..]),
        None => {
            return Err(Error::at(
                "a patch pointer must name a key below the root",
                &patch.pointer,
            ))
        }
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match tree.pointer_mut(parent) {
        Some(Value::Object(object)) => {
            object.insert(last, patch.value.clone());
            Ok(())
        }
        _ => Err(Error::at(
            "a patch names a place that does not exist in the spec",
            format!("#{parent}"),
        )
        .with_hint("check the pointer in the codegen configuration against the spec")),
    }
}

/// Rewrites OpenAPI 3.1 schema constructs into their 3.0 equivalents, in place.
fn normalise_3_1(tree: &mut Value) {
    let is_3_1 = tree
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    if !is_3_1 {
        return;
    }
    tree["openapi"] = Value::String("3.0.3".to_string());
    normalise_document(tree);
    normalise_node(tree);
}

/// The document-level differences: 3.1 makes `paths` and each operation's `responses`
/// optional, and adds the `mutualTLS` security scheme, which a client cannot act on.
fn normalise_document(tree: &mut Value) {
    let Value::Object(document) = tree else {
        return;
    };
    let paths = document
        .entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    for item in paths
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for method in [
            "get", "put", "post", "delete", "options", "head", "patch", "trace",
        ] {
            if let Some(Value::Object(operation)) = item.get_mut(method) {
                operation
                    .entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
        }
    }
    if let Some(Value::Object(schemes)) = document
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
    {
        schemes.retain(|_, scheme| scheme.get("type").and_then(Value::as_str) != Some("mutualTLS"));
    }
}

fn normalise_node(node: &mut Value) {
    match node {
        Value::Object(object) => {
            normalise_schema_keywords(object);
            for (key, child) in object.iter_mut() {
                if key == "properties" {
                    // A map of property names to schemas: the map itself holds no keywords.
                    if let Value::Object(properties) = child {
                        properties.values_mut().for_each(normalise_node);
                    }
                } else {
                    normalise_node(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_node),
        _ => {}
    }
}

fn normalise_schema_keywords(schema: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = schema.get("type").cloned() {
        let non_null: Vec<&Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        if non_null.len() < types.len() {
            schema.insert("nullable".to_string(), Value::Bool(true));
        }
        match non_null.as_slice() {
            [single] => {
                schema.insert("type".to_string(), (*single).clone());
            }
            [] => {
                schema.remove("type");
            }
            several => {
                let members = type_alternatives(schema, several);
                schema.remove("type");
                schema.insert("anyOf".to_string(), Value::Array(members));
            }
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("null") {
        schema.remove("type");
        schema.insert("nullable".to_string(), Value::Bool(true));
    }
    for combinator in ["oneOf", "anyOf"] {
        // `oneOf: [X, {type: null}]` is 3.1's nullable X.
        if let Some(Value::Array(members)) = schema.get_mut(combinator) {
            let before = members.len();
            members.retain(|member| !is_null_schema(member));
            if members.len() < before {
                schema.insert("nullable".to_string(), Value::Bool(true));
            }
        }
    }
    if schema.get("type").and_then(Value::as_str) == Some("string")
        && !schema.contains_key("format")
    {
        // 3.1 says how a string is encoded with `contentEncoding`/`contentMediaType`.
        if schema.get("contentEncoding").and_then(Value::as_str) == Some("base64") {
            schema.insert("format".to_string(), Value::String("byte".to_string()));
        } else if schema.contains_key("contentMediaType") {
            schema.insert("format".to_string(), Value::String("binary".to_string()));
        }
    }
    if let Some(constant) = schema.remove("const") {
        if !schema.contains_key("type") {
            if let Some(kind) = json_type_of(&constant) {
                schema.insert("type".to_string(), Value::String(kind.to_string()));
            }
        }
        schema.insert("enum".to_string(), Value::Array(vec![constant]));
    }
    if let Some(Value::Array(examples)) = schema.get("examples").cloned() {
        schema.remove("examples");
        if let Some(first) = examples.into_iter().next() {
            schema.entry("example").or_insert(first);
        }
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(number @ Value::Number(_)) = schema.get(exclusive).cloned() {
            schema.insert(bound.to_string(), number);
            schema.insert(exclusive.to_string(), Value::Bool(true));
        }
    }
    if schema.contains_key("$ref") && schema.len() > 1 {
        // 3.1 allows keywords beside `$ref`; 3.0 ignores them. Keep the reference, and the
        // documentation through an `allOf` wrapper.
        let reference = schema.remove("$ref").unwrap_or(Value::Null);
        let mut only_ref = Map::new();
        only_ref.insert("$ref".to_string(), reference);
        schema.insert(
            "allOf".to_string(),
            Value::Array(vec![Value::Object(only_ref)]),
        );
    }
}

/// Keywords that only apply to numbers.
const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
];

/// Keywords that only apply to values of one JSON type.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    ("string", &["pattern", "minLength", "maxLength", "enum"]),
    ("integer", NUMBER_KEYWORDS),
    ("number", NUMBER_KEYWORDS),
    ("array", &["items", "minItems", "maxItems", "uniqueItems"]),
    (
        "object",
        &[
            "properties",
            "required",
            "additionalProperties",
            "minProperties",
            "maxProperties",
        ],
    ),
];

/// `type: [string, integer]` as one schema per type, each with the keywords that apply to it;
/// those keywords leave the parent.
fn type_alternatives(schema: &mut Map<String, Value>, types: &[&Value]) -> Vec<Value> {
    let mut members = Vec::with_capacity(types.len());
    for kind in types {
        let mut member = Map::new();
        member.insert("type".to_string(), (*kind).clone());
        if let Some(format) = schema.get("format") {
            member.insert("format".to_string(), format.clone());
        }
        let keywords = TYPE_KEYWORDS
            .iter()
            .find(|(name, _)| kind.as_str() == Some(name))
            .map_or(&[][..], |(_, keywords)| *keywords);
        for keyword in keywords {
            if let Some(value) = schema.get(*keyword) {
                member.insert(keyword.to_string(), value.clone());
            }
        }
        members.push(Value::Object(member));
    }
    for (_, keywords) in TYPE_KEYWORDS {
        for keyword in *keywords {
            schema.remove(*keyword);
        }
    }
    schema.remove("format");
    members
}

/// The JSON type of a value, as a schema `type`.
fn json_type_of(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("boolean"),
        _ => None,
    }
}

/// Whether a schema allows only `null` (`type: null`, or `type: [null]`).
fn is_null_schema(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t.as_str() == Some("null")),
        _ => false,
    }
}

/// Deserialises into `openapiv3`, naming the JSON pointer of the node that does not fit.
fn deserialise(tree: Value) -> Result<openapiv3::OpenAPI> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn parses_a_minimal_document() {
        let doc = parse(MINIMAL, "min.yaml", &[]).unwrap();
        assert_eq!(doc.openapi.info.title, "t");
        assert_eq!(doc.file, "min.yaml");
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let error = parse("openapi: 3.0.3\ninfo: [unclosed\n", "bad.yaml", &[]).unwrap_err();
        assert!(error.headline.contains("not valid YAML"), "{error}");
        assert_eq!(error.file.as_deref(), Some("bad.yaml"));
        assert!(error.line_column.is_some(), "{error}");
    }

    #[test]
    fn swagger_2_is_refused_with_a_hint() {
        let error = parse("swagger: '2.0'\ninfo: {}\n", "old.yaml", &[]).unwrap_err();
        assert!(error.headline.contains("Swagger 2.0"), "{error}");
        assert!(error.hint.unwrap().contains("convert"));
    }

    #[test]
    fn structural_errors_name_the_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let error = parse(text, "x.yaml", &[]).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/paths/~1a/get/responses"));
    }

    #[test]
    fn bad_schemas_deep_in_components_are_located() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: object\n          properties:\n            c: {type: string, maxLength: many}\n";
        let error = parse(text, "x.yaml", &[]).unwrap_err();
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/components/schemas/A/properties/b/properties/c"),
            "{error}"
        );
    }

    #[test]
    fn normalises_3_1_schemas() {
        let mut tree: Value = serde_json::json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "const": {"type": ["string", "null"], "examples": ["x"]},
                "k": {"const": "fixed"},
                "n": {"type": "integer", "exclusiveMinimum": 0},
                "r": {"$ref": "#/components/schemas/B", "description": "doc"}
            }}}}
        });
        normalise_3_1(&mut tree);
        let props = &tree["components"]["schemas"]["A"]["properties"];
        assert_eq!(tree["openapi"], "3.0.3");
        assert_eq!(props["const"]["type"], "string");
        assert_eq!(props["const"]["nullable"], true);
        assert_eq!(props["const"]["example"], "x");
        assert_eq!(props["k"]["enum"], serde_json::json!(["fixed"]));
        assert_eq!(props["n"]["minimum"], 0);
        assert_eq!(props["n"]["exclusiveMinimum"], true);
        assert_eq!(props["r"]["allOf"][0]["$ref"], "#/components/schemas/B");
    }

    #[test]
    fn patches_add_missing_nodes_and_reject_bad_pointers() {
        let patch = Patch {
            pointer: "#/info/description".into(),
            value: Value::String("patched".into()),
            why: None,
        };
        let doc = parse(MINIMAL, "min.yaml", &[patch]).unwrap();
        assert_eq!(doc.openapi.info.description.as_deref(), Some("patched"));

        let bad = Patch {
            pointer: "#/nowhere/at/all".into(),
            value: Value::Null,
            why: None,
        };
        let error = parse(MINIMAL, "min.yaml", &[bad]).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/nowhere/at"));
    }
}
