//! A pathological document: thousands of object schemas that refer to the next, the previous
//! and themselves (through `allOf` wrappers, arrays and maps), a chain of as many aliases, one
//! schema with as many properties, and inline objects nested sixty deep. Shared by
//! `tests/deep_recursion.rs` (it generates, on a small stack) and `benches/deep.rs` (how long
//! and how much memory).

use serde_json::{json, Map, Value};

/// How deep the inline objects nest: two JSON levels each, and the JSON and YAML readers
/// refuse a document more than 128 levels deep.
pub const NESTING: usize = 60;

/// The document with `n` schemas of each kind.
pub fn deep_document(n: usize) -> Value {
    let mut schemas = Map::new();
    let schema = |i: usize| format!("#/components/schemas/S{}", i % n);
    for i in 0..n {
        schemas.insert(
            format!("S{i}"),
            json!({
                "type": "object",
                "required": ["next"],
                "properties": {
                    "next": {"$ref": schema(i + 1)},
                    "prev": {"$ref": schema(i + n - 1)},
                    "me": {"allOf": [{"$ref": schema(i)}, {"description": "itself"}]},
                    "many": {"type": "array", "items": {"$ref": schema(i * 7)}},
                    "map": {"type": "object", "additionalProperties": {"$ref": schema(i * 13)}},
                    "inline": {
                        "type": "object",
                        "properties": {
                            "back": {"$ref": schema(i)},
                            "merged": {"allOf": [{"$ref": schema(i)}, {"type": "object", "properties": {"extra": {"type": "string"}}}]}
                        }
                    }
                }
            }),
        );
        let alias_target = if i + 1 < n {
            format!("#/components/schemas/A{}", i + 1)
        } else {
            schema(0)
        };
        schemas.insert(format!("A{i}"), json!({"$ref": alias_target}));
    }
    let wide: Map<String, Value> = (0..n)
        .map(|i| (format!("p{i}"), json!({"$ref": schema(i)})))
        .collect();
    schemas.insert("Wide".into(), json!({"type": "object", "properties": wide}));
    let mut nested = json!({"type": "string"});
    for level in (0..NESTING).rev() {
        nested = json!({"type": "object", "properties": {format!("level{level}"): nested}});
    }
    schemas.insert("Nested".into(), nested);
    let mut paths = Map::new();
    for i in (0..n).step_by(10) {
        paths.insert(
            format!("/s/{i}"),
            json!({"get": {
                "operationId": format!("getS{i}"),
                "responses": {"200": {"description": "one", "content": {"application/json": {
                    "schema": {"$ref": format!("#/components/schemas/A{i}")}
                }}}}
            }}),
        );
    }
    paths.insert(
        "/wide".into(),
        json!({"post": {
            "operationId": "putWide",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Wide"}}}},
            "responses": {"200": {"description": "nested", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Nested"}
            }}}}
        }}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Deep", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}
