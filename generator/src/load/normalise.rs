//! Normalising: OpenAPI 3.1 constructs rewritten into their 3.0 equivalents, so one model
//! (`openapiv3`) reads both.

use serde_json::{Map, Value};

/// Rewrites OpenAPI 3.1 schema constructs into their 3.0 equivalents, in place.
pub(super) fn normalise_3_1(tree: &mut Value) {
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
