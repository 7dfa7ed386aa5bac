//! The specs' own example payloads, run through the generated models: every example that fits
//! its schema must come back unchanged after a decode and an encode.

use serde_json::Value;
use std::path::Path;

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
        .filter_map(|(name, schema)| Some((name.clone(), schema.get("example")?.clone())))
        .collect()
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

/// Round-trips every example of `spec`; returns how many round-tripped and the examples that
/// do not fit their own schema (a fact about the spec, printed so it is never hidden).
fn check(spec: &str, round_trip: RoundTrip) -> (usize, Vec<String>) {
    let mut passed = 0;
    let mut misfits = Vec::new();
    for (schema, example) in component_examples(spec) {
        match round_trip(&schema, example.clone()) {
            None => panic!("{spec}: no generated type for schema {schema}"),
            Some(Err(error)) => misfits.push(format!("{schema} {error}")),
            Some(Ok(encoded)) => {
                assert!(
                    same_json(&example, &encoded),
                    "{spec}: {schema} changed in a round trip\n example: {example}\n encoded: {encoded}"
                );
                passed += 1;
            }
        }
    }
    println!(
        "{spec}: {passed} examples round-tripped; {} do not fit their schema:",
        misfits.len()
    );
    for misfit in &misfits {
        println!("  {misfit}");
    }
    (passed, misfits)
}

#[test]
fn main_api_examples_round_trip() {
    let (passed, misfits) = check("daytona-api.yaml", crate::api::round_trip::round_trip);
    assert!(passed >= 100, "only {passed} examples round-tripped");
    assert!(misfits.iter().all(|m| m.contains(" at `")), "{misfits:?}");
}

#[test]
fn toolbox_examples_round_trip() {
    let (passed, misfits) = check(
        "daytona-toolbox.yaml",
        crate::toolbox::round_trip::round_trip,
    );
    assert!(passed >= 80, "only {passed} examples round-tripped");
    assert!(misfits.iter().all(|m| m.contains(" at `")), "{misfits:?}");
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
