//! The JSON path in a decoding error, checked against serde_path_to_error, which finds it by
//! tracking the whole decode: the runtime reads it off serde_json's error position instead
//! (see runtime/json_path.rs).

use client_runtime::decode;
use client_runtime::Error;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Root {
    name: String,
    count: u32,
    inner: Inner,
    items: Vec<Item>,
    #[serde(default)]
    labels: BTreeMap<String, Item>,
    #[serde(default)]
    state: Option<State>,
    #[serde(default)]
    matrix: Vec<Vec<u8>>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Inner {
    flag: bool,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Item {
    id: u64,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
enum State {
    Started,
    Stopped,
}

/// Our path next to the one serde_path_to_error finds by tracking the whole decode.
fn both(body: &str) -> (String, String) {
    let error = decode::<Root>("getRoot", 200, body.as_bytes()).unwrap_err();
    let Error::Decode { json_path, .. } = error else {
        panic!("{error}")
    };
    let mut tracked = serde_json::Deserializer::from_slice(body.as_bytes());
    let expected = serde_path_to_error::deserialize::<_, Root>(&mut tracked)
        .map(|_| ())
        .unwrap_err();
    (json_path, expected.path().to_string())
}

const VALID: &str = r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [{"id": 1}]}"#;

#[test]
fn the_fixture_itself_decodes() {
    serde_json::from_str::<Root>(VALID).unwrap();
}

#[test]
fn paths_match_a_tracking_decoder() {
    let cases = [
        // Wrong types, at every depth and position.
        r#"{"name": 5, "count": 1, "inner": {"flag": true}, "items": []}"#,
        r#"{"name": "a", "count": "many", "inner": {"flag": true}, "items": []}"#,
        r#"{"name": "a", "count": 1.5, "inner": {"flag": true}, "items": []}"#,
        r#"{"name": "a", "count": -1, "inner": {"flag": true}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": 5, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": "yes"}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true, "note": 3}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [{"id": 1}, {"id": "x"}]}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [{"id": 1, "tags": ["a", 2]}]}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [], "matrix": [[1], [2, 300]]}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": {}}"#,
        // Map keys, including ones with escapes and commas, braces and quotes inside.
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [], "labels": {"x,{\"y\"}": {"id": true}}}"#,
        r#"{"name": "a,}]", "count": 1, "inner": {"flag": true}, "items": [], "labels": {"k\u00e9": {"id": 1, "tags": [null]}}}"#,
        // Missing fields: the path of the object that lacks them.
        r#"{"count": 1, "inner": {"flag": true}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {"note": "n"}, "items": []}"#,
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [{"id": 1}, {"tags": []}]}"#,
        // Unknown enum values and null where a value is required.
        r#"{"name": "a", "count": 1, "inner": {"flag": true}, "items": [], "state": "paused"}"#,
        r#"{"name": null, "count": 1, "inner": {"flag": true}, "items": []}"#,
        // Whitespace and new lines between tokens.
        "{\n  \"name\": \"a\",\n  \"count\": 1,\n  \"inner\": {\n    \"flag\": 7\n  },\n  \"items\": []\n}",
        "{\n  \"name\": \"a\",\n  \"count\": 1,\n  \"inner\": {\"flag\": true},\n  \"items\": [\n    {\"id\": 1},\n    {}\n  ]\n}",
        // The whole body.
        "[]",
        "7",
        "{}",
    ];
    for body in cases {
        let (ours, tracked) = both(body);
        assert_eq!(ours, tracked, "for {body}");
    }
}

/// Every value of a valid document swapped for each value of another kind, compact and
/// pretty-printed: wherever decoding fails, both paths agree.
#[test]
fn paths_match_a_tracking_decoder_on_every_swapped_value() {
    let valid: serde_json::Value = serde_json::from_str(
        r#"{"name": "a", "count": 1, "inner": {"flag": true, "note": "n"},
            "items": [{"id": 1, "tags": ["x", "y"]}, {"id": 2}],
            "labels": {"k": {"id": 3}}, "state": "started", "matrix": [[1, 2], [3]]}"#,
    )
    .unwrap();
    let replacements = [
        serde_json::json!("s"),
        serde_json::json!(1),
        serde_json::json!(-1),
        serde_json::json!(1.5),
        serde_json::json!(null),
        serde_json::json!(true),
        serde_json::json!({}),
        serde_json::json!([]),
        serde_json::json!([1]),
        serde_json::json!({"id": "s"}),
    ];
    let mut failures = 0;
    for pointer in pointers(&valid, String::new()) {
        for replacement in &replacements {
            let mut document = valid.clone();
            *document.pointer_mut(&pointer).unwrap() = replacement.clone();
            for body in [
                document.to_string(),
                serde_json::to_string_pretty(&document).unwrap(),
            ] {
                if serde_json::from_str::<Root>(&body).is_ok() {
                    continue;
                }
                failures += 1;
                let (ours, tracked) = both(&body);
                assert_eq!(ours, tracked, "for {body}");
            }
        }
    }
    assert!(failures > 100, "only {failures} documents failed to decode");
}

/// The JSON pointers of every value in `value`, below `prefix`.
fn pointers(value: &serde_json::Value, prefix: String) -> Vec<String> {
    let children: Vec<(String, &serde_json::Value)> = match value {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| (format!("{prefix}/{k}"), v))
            .collect(),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("{prefix}/{i}"), v))
            .collect(),
        _ => Vec::new(),
    };
    let mut all = Vec::new();
    for (pointer, child) in children {
        all.push(pointer.clone());
        all.extend(pointers(child, pointer));
    }
    all
}

#[test]
fn broken_json_points_into_the_open_value() {
    let body = r#"{"name": "a", "items": [{"id": 1}, {"id": "#;
    assert_eq!(both(body).0, "items[1].id");
}
