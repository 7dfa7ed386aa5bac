//! The specs' own example payloads, run through the generated models: every example that fits
//! its schema must come back unchanged after a decode and an encode.

mod support;

use serde_json::Value;
use std::path::Path;
use support::known::{assert_known, Known};

type RoundTrip = fn(&str, Value) -> Option<Result<Value, String>>;

/// Component examples of `spec` (a file in `specs/`), by schema name, in spec order.
fn component_examples(spec: &str) -> Vec<(String, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(spec);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_yaml::from_str(&text).expect("the spec is valid YAML");
    doc["components"]["schemas"]
        .as_object()
        .expect("the spec has component schemas")
        .iter()
        .filter_map(|(name, schema)| Some((name.clone(), sorted(schema.get("example")?))))
        .collect()
}

/// The value with every object's keys in sorted order, whether or not serde_json keeps
/// insertion order (its `preserve_order` feature depends on what else is built): a decode error
/// then names the same first misfit in every build.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// JSON equality that reads numbers by value (`2` = `2.0`) and timestamps by instant.
fn same_json(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (
                        chrono::DateTime::parse_from_rfc3339(x),
                        chrono::DateTime::parse_from_rfc3339(y)
                    ),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_json(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

/// Round-trips every example of `spec`: each must come back unchanged, except the examples that
/// do not fit their own schema, which must be exactly those of `misfits`. Returns how many
/// round-tripped.
fn check(spec: &str, round_trip: RoundTrip, misfits: Known) -> usize {
    let mut passed = 0;
    let mut found = Vec::new();
    for (schema, example) in component_examples(spec) {
        match round_trip(&schema, example.clone()) {
            None => panic!("{spec}: no generated type for schema {schema}"),
            Some(Err(error)) => {
                // The decode error names the JSON path: `… at `path`: message`.
                let path = error
                    .split_once(" at `")
                    .and_then(|(_, rest)| rest.split_once("`: "))
                    .map_or(String::new(), |(path, _)| path.to_string());
                found.push((schema, path, error));
            }
            Some(Ok(encoded)) => {
                assert!(
                    same_json(&example, &encoded),
                    "{spec}: {schema} changed in a round trip\n example: {example}\n encoded: {encoded}"
                );
                passed += 1;
            }
        }
    }
    println!("{spec}: {passed} examples round-tripped");
    assert_known(
        &format!("{spec}: examples that do not fit their own schema"),
        &found,
        misfits,
    );
    passed
}

const BUILD_INFO: &str = "`buildInfo: \"\"` where the schema declares a BuildInfo object";
const CREATE_BUILD_INFO: &str =
    "`buildInfo: \"\"` where the schema declares a CreateBuildInfo object";
const DOCUMENTATION: &str =
    "`documentation: \"{}\"` (a string) where the schema declares an object";
const NULL_CHILD: &str = "`children: [null]` where the schema declares accessibility nodes";
const NULL_WORKTREE: &str =
    "`worktree: null` where the schema declares a string that is not nullable";

/// The main API's component examples that do not fit their own schema.
const API_MISFITS: Known = &[
    // The first misfit in key order; `rateLimit: ""` does not fit either.
    (
        "DaytonaConfiguration",
        "oidc",
        "`oidc: \"\"` where the schema declares an OidcConfig object",
    ),
    // The first misfit in key order; `otelConfig: ""` does not fit either.
    (
        "Organization",
        "experimentalConfig",
        "`experimentalConfig: \"{}\"` (a string) where the schema declares an object",
    ),
    ("Sandbox", "buildInfo", BUILD_INFO),
    (
        "PaginatedSandboxes_deprecated",
        "items[0].buildInfo",
        BUILD_INFO,
    ),
    ("CreateSandbox", "buildInfo", CREATE_BUILD_INFO),
    (
        "RunnerHealthcheck",
        "metrics",
        "`metrics: \"\"` where the schema declares a RunnerHealthMetrics object",
    ),
    ("CompletionItem", "documentation", DOCUMENTATION),
    ("CompletionList", "items[0].documentation", DOCUMENTATION),
    ("CreateSnapshot", "buildInfo", CREATE_BUILD_INFO),
    ("SnapshotDto", "buildInfo", BUILD_INFO),
    ("PaginatedSnapshots", "items[0].buildInfo", BUILD_INFO),
];

/// The toolbox's component examples that do not fit their own schema.
const TOOLBOX_MISFITS: Known = &[
    (
        "AccessibilityNodesResponse",
        "matches[0].children[0]",
        NULL_CHILD,
    ),
    ("AccessibilityTreeResponse", "root.children[0]", NULL_CHILD),
    ("computeruse.AccessibilityNode", "children[0]", NULL_CHILD),
    ("CompletionItem", "documentation", DOCUMENTATION),
    ("CompletionList", "items[0].documentation", DOCUMENTATION),
    ("FileStatus", "worktree", NULL_WORKTREE),
    ("GitStatus", "fileStatus[0].worktree", NULL_WORKTREE),
];

#[test]
fn main_api_examples_round_trip() {
    let passed = check(
        "daytona-api.yaml",
        daytona_client::api::round_trip::round_trip,
        API_MISFITS,
    );
    assert_eq!(passed, 151);
}

#[test]
fn toolbox_examples_round_trip() {
    let passed = check(
        "daytona-toolbox.yaml",
        daytona_client::toolbox::round_trip::round_trip,
        TOOLBOX_MISFITS,
    );
    assert_eq!(passed, 85);
}

#[test]
fn comparison_reads_numbers_and_times_by_value() {
    assert!(same_json(&serde_json::json!(2), &serde_json::json!(2.0)));
    assert!(same_json(
        &serde_json::json!("2024-01-01T00:00:00.000Z"),
        &serde_json::json!("2024-01-01T00:00:00Z")
    ));
    assert!(!same_json(
        &serde_json::json!({"a": 1}),
        &serde_json::json!({"a": 1, "b": 2})
    ));
    assert!(!same_json(&serde_json::json!("x"), &serde_json::json!("y")));
}
