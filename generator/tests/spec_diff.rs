//! Spec diffs: one fixture pair per rule (the base spec and a copy with one edit), the Daytona
//! history as snapshots, and specs that differ only in form reporting no change.

use generator::diff::{diff, markdown, semver, Change, Level, RustImpact as R};
use generator::ir::Api;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn lower(value: &Value, name: &str) -> Api {
    generator::Generator::new(generator::Settings::new("api", "test"))
        .api(&value.to_string(), name)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn base() -> Value {
    let text = std::fs::read_to_string(tests_dir().join("diff/base.yaml")).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The changes made by `edit` to the base spec, as (rule, wire level, Rust impact).
fn changes_after(edit: impl FnOnce(&mut Value)) -> Vec<(&'static str, Level, R)> {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"))
        .into_iter()
        .map(|c| (c.rule, c.wire, c.rust.impact))
        .collect()
}

fn object<'a>(value: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    value
        .pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{pointer}"))
}

fn array<'a>(value: &'a mut Value, pointer: &str) -> &'a mut Vec<Value> {
    value
        .pointer_mut(pointer)
        .and_then(Value::as_array_mut)
        .unwrap_or_else(|| panic!("{pointer}"))
}

use Level::{Breaking, Safe, Warning};

#[test]
fn removed_operations() {
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths").remove("/old");
        }),
        [("api-removed-without-deprecation", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths/~1pets~1{petId}").remove("delete");
        }),
        [("api-removed-with-deprecation", Safe, R::Breaking)]
    );
}

#[test]
fn changed_method_or_path() {
    assert_eq!(
        changes_after(|s| {
            let item = object(s, "/paths").remove("/old").unwrap();
            object(s, "/paths").insert("/older".into(), item);
        }),
        [("api-operation-moved", Breaking, R::None)]
    );
}

#[test]
fn new_parameters() {
    let add = |required: bool| {
        move |s: &mut Value| {
            array(s, "/paths/~1pets~1{petId}/get/parameters")
                .push(json!({"name": "owner", "in": "query", "required": required, "schema": {"type": "string"}}))
        }
    };
    assert_eq!(
        changes_after(add(true)),
        [("new-required-request-parameter", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(add(false)),
        [("new-optional-request-parameter", Safe, R::Addition)]
    );
    assert_eq!(
        changes_after(|s| {
            array(s, "/paths/~1pets~1{petId}/get/parameters")
                .push(json!({"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}))
        }),
        [("new-required-request-parameter", Breaking, R::Breaking)],
        "a new required header"
    );
}

#[test]
fn a_renamed_path_parameter_is_the_same_parameter() {
    assert_eq!(
        changes_after(|s| {
            let item = object(s, "/paths").remove("/pets/{petId}").unwrap();
            object(s, "/paths").insert("/pets/{id}".into(), item);
            for method in ["get", "delete"] {
                s["paths"]["/pets/{id}"][method]["parameters"][0]["name"] = json!("id");
            }
        }),
        [
            ("request-path-parameter-renamed", Safe, R::None),
            ("request-path-parameter-renamed", Safe, R::None)
        ]
    );
}

#[test]
fn parameter_became_required_or_changed_type() {
    assert_eq!(
        changes_after(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][1]["required"] = json!(true)
        ),
        [("request-parameter-became-required", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][1]["schema"] =
                json!({"type": "string"})
        ),
        [("request-parameter-type-changed", Breaking, R::Breaking)]
    );
}

#[test]
fn request_properties() {
    let add = |required: bool| {
        move |s: &mut Value| {
            object(s, "/components/schemas/NewPet/properties")
                .insert("age".into(), json!({"type": "integer"}));
            if required {
                array(s, "/components/schemas/NewPet/required").push(json!("age"));
            }
        }
    };
    assert_eq!(
        changes_after(add(true)),
        [("new-required-request-property", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(add(false)),
        [("new-optional-request-property", Safe, R::Addition)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/NewPet/required").push(json!("kind"))),
        [("request-property-became-required", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["NewPet"]["properties"]["name"] =
                json!({"type": "integer"})
        ),
        [("request-property-type-changed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["NewPet"]["properties"]["name"]["deprecated"] =
                json!(true)
        ),
        [("request-property-deprecated", Safe, R::None)]
    );
}

#[test]
fn nullability_in_both_directions() {
    let nullable = |schema: &'static str, property: &'static str, value: bool| {
        move |s: &mut Value| {
            s["components"]["schemas"][schema]["properties"][property]["nullable"] = json!(value)
        }
    };
    // `NewPet.name` is sent; `Pet.name` is received.
    assert_eq!(
        changes_after(nullable("NewPet", "name", true)),
        [("request-property-became-nullable", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(nullable("Pet", "name", true)),
        [("response-property-became-nullable", Breaking, R::Breaking)]
    );
    // The other way: the base with the property nullable is the old side.
    let from_nullable = |schema: &'static str, property: &'static str| {
        let mut old = base();
        nullable(schema, property, true)(&mut old);
        let new = base();
        diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"))
            .into_iter()
            .map(|c| (c.rule, c.wire, c.rust.impact))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        from_nullable("NewPet", "name"),
        [(
            "request-property-became-not-nullable",
            Breaking,
            R::Breaking
        )]
    );
    assert_eq!(
        from_nullable("Pet", "name"),
        [("response-property-became-not-nullable", Safe, R::Breaking)]
    );
    // Presence and nullability changed at once are two changes.
    assert_eq!(
        changes_after(|s| {
            nullable("Pet", "name", true)(s);
            array(s, "/components/schemas/Pet/required").retain(|r| r != "name");
        }),
        [
            ("response-property-became-nullable", Breaking, R::Breaking),
            ("response-property-became-optional", Breaking, R::Breaking)
        ]
    );
}

#[test]
fn union_alternatives_in_both_directions() {
    // `Toy` is a union sent in `NewPet` (requests) and received in `Pet` (responses); `Ball`
    // only in requests.
    let with_unions = |toy: Value, ball: Value| {
        let mut spec = base();
        let schemas = object(&mut spec, "/components/schemas");
        schemas.insert("Toy".into(), json!({"oneOf": toy}));
        schemas.insert("Ball".into(), json!({"oneOf": ball}));
        object(&mut spec, "/components/schemas/Pet/properties")
            .insert("toy".into(), json!({"$ref": "#/components/schemas/Toy"}));
        let new_pet = object(&mut spec, "/components/schemas/NewPet/properties");
        new_pet.insert("toy".into(), json!({"$ref": "#/components/schemas/Toy"}));
        new_pet.insert("ball".into(), json!({"$ref": "#/components/schemas/Ball"}));
        spec
    };
    let changes = |old: Value, new: Value| {
        diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"))
            .into_iter()
            .map(|c| (c.rule, c.wire, c.rust.impact))
            .collect::<Vec<_>>()
    };
    let two = json!([{"type": "string"}, {"type": "integer"}]);
    let three = json!([{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]);
    // Unchanged unions are no change.
    assert_eq!(
        changes(
            with_unions(two.clone(), two.clone()),
            with_unions(two.clone(), two.clone())
        ),
        []
    );
    assert_eq!(
        changes(
            with_unions(two.clone(), two.clone()),
            with_unions(two.clone(), three.clone())
        ),
        [("request-property-one-of-added", Safe, R::Breaking)]
    );
    assert_eq!(
        changes(
            with_unions(two.clone(), three.clone()),
            with_unions(two.clone(), two.clone())
        ),
        [("request-property-one-of-removed", Breaking, R::Breaking)]
    );
    // `Toy` travels both ways: each direction has its reading.
    assert_eq!(
        changes(
            with_unions(two.clone(), two.clone()),
            with_unions(three.clone(), two.clone())
        ),
        [
            ("response-property-one-of-added", Breaking, R::Breaking),
            ("request-property-one-of-added", Safe, R::Breaking)
        ]
    );
    assert_eq!(
        changes(
            with_unions(three.clone(), two.clone()),
            with_unions(two.clone(), two)
        ),
        [
            ("request-property-one-of-removed", Breaking, R::Breaking),
            ("response-property-one-of-removed", Safe, R::Breaking)
        ]
    );
}

#[test]
fn response_properties_and_statuses() {
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties").remove("tag");
        }),
        [("response-optional-property-removed", Warning, R::Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["Pet"]["properties"]["id"] = json!({"type": "string"})
        ),
        [("response-property-type-changed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties")
                .insert("age".into(), json!({"type": "integer"}));
        }),
        [("response-optional-property-added", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            let responses = object(s, "/paths/~1pets/post/responses");
            let created = responses.remove("201").unwrap();
            responses.insert("200".into(), created);
        }),
        [
            ("response-success-status-removed", Breaking, R::None),
            ("response-success-status-added", Safe, R::None)
        ]
    );
    assert_eq!(
        changes_after(|s| {
            s["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"] = json!({"$ref": "#/components/schemas/NewPet"})
        }),
        [("response-body-type-changed", Breaking, R::Breaking)]
    );
}

#[test]
fn enum_values() {
    assert_eq!(
        changes_after(|s| s["components"]["schemas"]["Kind"]["enum"] = json!(["cat"])),
        [("request-property-enum-value-removed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/Kind/enum").push(json!("bird"))),
        [("request-property-enum-value-added", Safe, R::Addition)]
    );
    assert_eq!(
        changes_after(|s| s["components"]["schemas"]["PetStatus"]["enum"] = json!(["available"])),
        [("response-property-enum-value-removed", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/PetStatus/enum").push(json!("pending"))),
        [("response-property-enum-value-added", Warning, R::Addition)],
        "clients keep unknown response values, and the enum is non-exhaustive"
    );
}

#[test]
fn security_descriptions_and_new_operations() {
    assert_eq!(
        changes_after(|s| {
            s["components"]["securitySchemes"] =
                json!({"bearer": {"type": "http", "scheme": "bearer"}});
            s["paths"]["/pets/{petId}"]["get"]["security"] = json!([{"bearer": []}]);
        }),
        [("api-security-added", Breaking, R::None)]
    );
    assert_eq!(
        changes_after(|s| s["paths"]["/pets/{petId}"]["get"]["summary"] = json!("Fetch a pet.")),
        [("api-description-changed", Safe, R::None)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths").insert("/toys".into(), json!({"get": {"operationId": "listToys", "responses": {"204": {"description": "None."}}}}));
        }),
        [("endpoint-added", Safe, R::Addition)]
    );
    assert_eq!(
        changes_after(|s| s["paths"]["/pets/{petId}"]["get"]["deprecated"] = json!(true)),
        [("endpoint-deprecated", Safe, R::None)]
    );
}

#[test]
fn breaking_changes_come_first_in_the_report() {
    let old = base();
    let mut new = old.clone();
    object(&mut new, "/paths").remove("/old");
    array(&mut new, "/components/schemas/PetStatus/enum").push(json!("pending"));
    let changes: Vec<Change> = diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"));
    let proposal = semver::propose(Some("0.4.2"), &changes);
    let report = markdown("old.yaml", "new.yaml", &changes, &proposal);
    let breaking = report.find("### Wire: breaking (1)").unwrap();
    let warning = report.find("### Wire: warning (1)").unwrap();
    assert!(breaking < warning, "{report}");
    assert!(report.contains("| breaking | 1 | 0 | 0 |"), "{report}");
    assert!(report.contains("| warning | 0 | 1 | 0 |"), "{report}");
    assert!(
        report.contains("**GET /old**: removed without deprecation. Rust breaking: `pets::old_op` is removed. `api-removed-without-deprecation GET /old`"),
        "{report}"
    );
    assert!(
        report.contains("Next crate version: **major** → **0.5.0**. 1 change(s) break Rust code"),
        "{report}"
    );
}

fn history(file: &str) -> Value {
    let path = if file == "current" {
        tests_dir().join("../../specs/daytona-api.yaml")
    } else {
        tests_dir().join("spec-history").join(file)
    };
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn daytona_history_snapshots() {
    let versions = [
        "daytona-api.2025-05-23.yaml",
        "daytona-api.2025-07-22.yaml",
        "daytona-api.2025-11-27.yaml",
        "daytona-api.2026-04-27.yaml",
        "current",
    ];
    for pair in versions.windows(2) {
        let (old, new) = (pair[0], pair[1]);
        let changes = diff(&lower(&history(old), old), &lower(&history(new), new));
        // A path parameter renamed in place is the same URL and the same positional argument.
        let renames: Vec<&Change> = changes
            .iter()
            .filter(|c| c.rule == "request-path-parameter-renamed")
            .collect();
        assert!(
            renames
                .iter()
                .all(|c| c.wire == Safe && c.rust.impact == R::None),
            "{old} → {new}: {renames:?}"
        );
        let proposal = semver::propose(Some("0.1.0"), &changes);
        insta::assert_snapshot!(
            format!("history__{old}__to__{new}"),
            markdown(old, new, &changes, &proposal)
        );
    }
}

/// Reverses the key order of every object in the tree.
fn reorder(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let entries: Vec<(String, Value)> = std::mem::take(map).into_iter().rev().collect();
            for (key, mut child) in entries {
                reorder(&mut child);
                map.insert(key, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(reorder),
        _ => {}
    }
}

/// Replaces every `$ref` to an enum component with a copy of the enum.
fn inline_enum_refs(value: &mut Value, schemas: &serde_json::Map<String, Value>) -> usize {
    match value {
        Value::Object(map) => {
            let target = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| schemas.get(name))
                .filter(|schema| schema.get("enum").is_some())
                .cloned();
            if let Some(schema) = target {
                *value = schema;
                return 1;
            }
            map.values_mut().map(|v| inline_enum_refs(v, schemas)).sum()
        }
        Value::Array(items) => items.iter_mut().map(|v| inline_enum_refs(v, schemas)).sum(),
        _ => 0,
    }
}

#[test]
fn the_same_spec_in_another_form_reports_no_change() {
    let spec = history("current");
    let api = lower(&spec, "a.yaml");
    assert_eq!(
        diff(&api, &api),
        Vec::<Change>::new(),
        "the spec against itself"
    );

    let mut other = spec.clone();
    let schemas = spec["components"]["schemas"].as_object().unwrap().clone();
    let inlined = inline_enum_refs(&mut other["paths"], &schemas)
        + inline_enum_refs(&mut other["components"]["schemas"], &schemas);
    assert!(inlined > 10, "only {inlined} references inlined");
    reorder(&mut other);
    assert_ne!(other.to_string(), spec.to_string());
    let changes = diff(&api, &lower(&other, "b.yaml"));
    assert_eq!(
        changes,
        Vec::<Change>::new(),
        "{}",
        markdown("a", "b", &changes, &semver::propose(None, &changes))
    );
}

/// The changes from the base spec edited by `old` to the base spec edited by `new`.
fn changes_between(
    old: impl FnOnce(&mut Value),
    new: impl FnOnce(&mut Value),
) -> Vec<(&'static str, Level, R)> {
    let (mut before, mut after) = (base(), base());
    old(&mut before);
    new(&mut after);
    diff(&lower(&before, "old.yaml"), &lower(&after, "new.yaml"))
        .into_iter()
        .map(|c| (c.rule, c.wire, c.rust.impact))
        .collect()
}

/// Merges `keywords` into the schema at `pointer`.
fn with_keywords(pointer: &'static str, keywords: Value) -> impl FnOnce(&mut Value) {
    move |s: &mut Value| {
        let schema = object(s, pointer);
        for (key, value) in keywords.as_object().unwrap() {
            schema.insert(key.clone(), value.clone());
        }
    }
}

const LIMIT: &str = "/paths/~1pets~1{petId}/get/parameters/2/schema";
const PET_ID: &str = "/paths/~1pets~1{petId}/get/parameters/0/schema";
const IDS: &str = "/paths/~1pets~1{petId}/get/parameters/3/schema";
const NEW_WEIGHT: &str = "/components/schemas/NewPet/properties/weight";
const NEW_NAME: &str = "/components/schemas/NewPet/properties/name";
const NEW_TOYS: &str = "/components/schemas/NewPet/properties/toys";
const PET_WEIGHT: &str = "/components/schemas/Pet/properties/weight";
const PET_NAME: &str = "/components/schemas/Pet/properties/name";
const PET_TOYS: &str = "/components/schemas/Pet/properties/toys";

#[test]
fn limits_in_each_place_and_each_direction() {
    // (schema, old keywords, new keywords, rule, wire level): a limit tightened on what
    // clients send, or loosened on what they receive, can break them.
    let cases: &[(&str, Value, Value, &str, Level)] = &[
        (
            LIMIT,
            json!({"maximum": 10}),
            json!({"maximum": 5}),
            "request-parameter-max-decreased",
            Breaking,
        ),
        (
            LIMIT,
            json!({"maximum": 5}),
            json!({"maximum": 10}),
            "request-parameter-max-increased",
            Safe,
        ),
        (
            LIMIT,
            json!({}),
            json!({"maximum": 5}),
            "request-parameter-max-set",
            Warning,
        ),
        (
            LIMIT,
            json!({"minimum": 1}),
            json!({"minimum": 2}),
            "request-parameter-min-increased",
            Breaking,
        ),
        (
            LIMIT,
            json!({"minimum": 2}),
            json!({}),
            "request-parameter-min-decreased",
            Safe,
        ),
        (
            LIMIT,
            json!({}),
            json!({"minimum": 1}),
            "request-parameter-min-set",
            Warning,
        ),
        (
            PET_ID,
            json!({"maxLength": 10}),
            json!({"maxLength": 5}),
            "request-parameter-max-length-decreased",
            Breaking,
        ),
        (
            PET_ID,
            json!({"maxLength": 5}),
            json!({}),
            "request-parameter-max-length-increased",
            Safe,
        ),
        (
            PET_ID,
            json!({}),
            json!({"maxLength": 5}),
            "request-parameter-max-length-set",
            Warning,
        ),
        (
            PET_ID,
            json!({}),
            json!({"minLength": 2}),
            "request-parameter-min-length-increased",
            Breaking,
        ),
        (
            PET_ID,
            json!({"minLength": 2}),
            json!({"minLength": 1}),
            "request-parameter-min-length-decreased",
            Safe,
        ),
        (
            IDS,
            json!({"maxItems": 5}),
            json!({"maxItems": 3}),
            "request-parameter-max-items-decreased",
            Breaking,
        ),
        (
            IDS,
            json!({"maxItems": 3}),
            json!({"maxItems": 5}),
            "request-parameter-max-items-increased",
            Safe,
        ),
        (
            IDS,
            json!({"minItems": 1}),
            json!({"minItems": 2}),
            "request-parameter-min-items-increased",
            Breaking,
        ),
        (
            IDS,
            json!({"minItems": 2}),
            json!({"minItems": 1}),
            "request-parameter-min-items-decreased",
            Safe,
        ),
        (
            IDS,
            json!({}),
            json!({"minItems": 1}),
            "request-parameter-min-items-set",
            Warning,
        ),
        (
            PET_ID,
            json!({}),
            json!({"pattern": "^p"}),
            "request-parameter-pattern-added",
            Breaking,
        ),
        (
            PET_ID,
            json!({"pattern": "^p"}),
            json!({"pattern": "^q"}),
            "request-parameter-pattern-changed",
            Warning,
        ),
        (
            PET_ID,
            json!({"pattern": "^p"}),
            json!({}),
            "request-parameter-pattern-removed",
            Safe,
        ),
        (
            NEW_WEIGHT,
            json!({"maximum": 10}),
            json!({"maximum": 5}),
            "request-property-max-decreased",
            Breaking,
        ),
        (
            NEW_WEIGHT,
            json!({"maximum": 5}),
            json!({}),
            "request-property-max-increased",
            Safe,
        ),
        (
            NEW_WEIGHT,
            json!({}),
            json!({"maximum": 5}),
            "request-property-max-set",
            Warning,
        ),
        (
            NEW_WEIGHT,
            json!({"minimum": 1}),
            json!({"minimum": 2}),
            "request-property-min-increased",
            Breaking,
        ),
        (
            NEW_WEIGHT,
            json!({"minimum": 2}),
            json!({"minimum": 1}),
            "request-property-min-decreased",
            Safe,
        ),
        (
            NEW_WEIGHT,
            json!({}),
            json!({"minimum": 1}),
            "request-property-min-set",
            Warning,
        ),
        (
            NEW_NAME,
            json!({"maxLength": 10}),
            json!({"maxLength": 5}),
            "request-property-max-length-decreased",
            Breaking,
        ),
        (
            NEW_NAME,
            json!({"maxLength": 5}),
            json!({"maxLength": 10}),
            "request-property-max-length-increased",
            Safe,
        ),
        (
            NEW_NAME,
            json!({}),
            json!({"maxLength": 5}),
            "request-property-max-length-set",
            Warning,
        ),
        (
            NEW_NAME,
            json!({"minLength": 1}),
            json!({"minLength": 2}),
            "request-property-min-length-increased",
            Breaking,
        ),
        (
            NEW_NAME,
            json!({"minLength": 1}),
            json!({}),
            "request-property-min-length-decreased",
            Safe,
        ),
        (
            NEW_TOYS,
            json!({}),
            json!({"maxItems": 3}),
            "request-property-max-items-decreased",
            Breaking,
        ),
        (
            NEW_TOYS,
            json!({"maxItems": 3}),
            json!({"maxItems": 5}),
            "request-property-max-items-increased",
            Safe,
        ),
        (
            NEW_TOYS,
            json!({"minItems": 1}),
            json!({"minItems": 2}),
            "request-property-min-items-increased",
            Breaking,
        ),
        (
            NEW_TOYS,
            json!({"minItems": 2}),
            json!({"minItems": 1}),
            "request-property-min-items-decreased",
            Safe,
        ),
        (
            NEW_TOYS,
            json!({}),
            json!({"minItems": 1}),
            "request-property-min-items-set",
            Warning,
        ),
        (
            NEW_NAME,
            json!({}),
            json!({"pattern": "^p"}),
            "request-property-pattern-added",
            Breaking,
        ),
        (
            NEW_NAME,
            json!({"pattern": "^p"}),
            json!({"pattern": "^q"}),
            "request-property-pattern-changed",
            Warning,
        ),
        (
            NEW_NAME,
            json!({"pattern": "^p"}),
            json!({}),
            "request-property-pattern-removed",
            Safe,
        ),
        (
            PET_WEIGHT,
            json!({"maximum": 5}),
            json!({"maximum": 10}),
            "response-property-max-increased",
            Breaking,
        ),
        (
            PET_WEIGHT,
            json!({}),
            json!({"maximum": 5}),
            "response-property-max-decreased",
            Safe,
        ),
        (
            PET_WEIGHT,
            json!({"minimum": 2}),
            json!({}),
            "response-property-min-decreased",
            Breaking,
        ),
        (
            PET_WEIGHT,
            json!({"minimum": 1}),
            json!({"minimum": 2}),
            "response-property-min-increased",
            Safe,
        ),
        (
            PET_NAME,
            json!({"maxLength": 5}),
            json!({}),
            "response-property-max-length-increased",
            Breaking,
        ),
        (
            PET_NAME,
            json!({"maxLength": 10}),
            json!({"maxLength": 5}),
            "response-property-max-length-decreased",
            Safe,
        ),
        (
            PET_NAME,
            json!({"minLength": 2}),
            json!({"minLength": 1}),
            "response-property-min-length-decreased",
            Breaking,
        ),
        (
            PET_NAME,
            json!({}),
            json!({"minLength": 1}),
            "response-property-min-length-increased",
            Safe,
        ),
        (
            PET_TOYS,
            json!({"maxItems": 3}),
            json!({"maxItems": 5}),
            "response-property-max-items-increased",
            Breaking,
        ),
        (
            PET_TOYS,
            json!({"maxItems": 5}),
            json!({"maxItems": 3}),
            "response-property-max-items-decreased",
            Safe,
        ),
        (
            PET_TOYS,
            json!({"minItems": 2}),
            json!({"minItems": 1}),
            "response-property-min-items-decreased",
            Breaking,
        ),
        (
            PET_TOYS,
            json!({}),
            json!({"minItems": 1}),
            "response-property-min-items-increased",
            Safe,
        ),
        (
            PET_NAME,
            json!({}),
            json!({"pattern": "^p"}),
            "response-property-pattern-added",
            Safe,
        ),
        (
            PET_NAME,
            json!({"pattern": "^p"}),
            json!({"pattern": "^q"}),
            "response-property-pattern-changed",
            Safe,
        ),
        (
            PET_NAME,
            json!({"pattern": "^p"}),
            json!({}),
            "response-property-pattern-removed",
            Safe,
        ),
    ];
    for (pointer, old, new, rule, level) in cases {
        // The pointers are `'static` constants; the closures own copies of the keywords.
        let pointer: &'static str = match *pointer {
            p if p == LIMIT => LIMIT,
            p if p == PET_ID => PET_ID,
            p if p == IDS => IDS,
            p if p == NEW_WEIGHT => NEW_WEIGHT,
            p if p == NEW_NAME => NEW_NAME,
            p if p == NEW_TOYS => NEW_TOYS,
            p if p == PET_WEIGHT => PET_WEIGHT,
            p if p == PET_NAME => PET_NAME,
            _ => PET_TOYS,
        };
        assert_eq!(
            changes_between(
                with_keywords(pointer, old.clone()),
                with_keywords(pointer, new.clone())
            ),
            [(*rule, *level, R::None)],
            "{pointer}: {old} → {new}"
        );
    }
}

#[test]
fn defaults_in_each_place() {
    let cases: &[(&'static str, &str, Level)] = &[
        (LIMIT, "request-parameter-default-value", Breaking),
        (NEW_WEIGHT, "request-property-default-value", Safe),
        (PET_WEIGHT, "response-property-default-value", Safe),
    ];
    for &(pointer, prefix, level) in cases {
        let steps = [
            (json!({}), json!({"default": 1}), "added"),
            (json!({"default": 1}), json!({"default": 2}), "changed"),
            (json!({"default": 2}), json!({}), "removed"),
        ];
        for (old, new, action) in steps {
            let rule = format!("{prefix}-{action}");
            let changes = changes_between(with_keywords(pointer, old), with_keywords(pointer, new));
            assert_eq!(changes.len(), 1, "{rule}: {changes:?}");
            assert_eq!(
                (changes[0].0, changes[0].1, changes[0].2),
                (rule.as_str(), level, R::None)
            );
        }
    }
}

#[test]
fn media_types_of_bodies_and_responses_both_ways() {
    let form = |s: &mut Value| {
        object(s, "/paths/~1pets/post/requestBody/content").insert(
            "application/x-www-form-urlencoded".into(),
            json!({"schema": {"$ref": "#/components/schemas/NewPet"}}),
        );
    };
    let xml = |s: &mut Value| {
        object(s, "/paths/~1pets~1{petId}/get/responses/200/content").insert(
            "application/xml".into(),
            json!({"schema": {"type": "string"}}),
        );
    };
    let none = |_: &mut Value| {};
    assert_eq!(
        changes_between(none, form),
        [("request-body-media-type-added", Safe, R::None)]
    );
    assert_eq!(
        changes_between(form, none),
        [("request-body-media-type-removed", Breaking, R::None)]
    );
    assert_eq!(
        changes_between(none, xml),
        [("response-media-type-added", Safe, R::None)]
    );
    assert_eq!(
        changes_between(xml, none),
        [("response-media-type-removed", Breaking, R::None)]
    );
}

#[test]
fn response_headers_both_ways() {
    let header = |required: bool, ty: &'static str, deprecated: bool| {
        move |s: &mut Value| {
            s["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["headers"] = json!({
                "X-Rate-Limit": {"required": required, "deprecated": deprecated, "schema": {"type": ty}}
            });
        }
    };
    let none = |_: &mut Value| {};
    let cases = [
        (
            changes_between(none, header(false, "integer", false)),
            "response-header-added",
            Safe,
        ),
        (
            changes_between(header(false, "integer", false), none),
            "optional-response-header-removed",
            Warning,
        ),
        (
            changes_between(header(true, "integer", false), none),
            "required-response-header-removed",
            Breaking,
        ),
        (
            changes_between(
                header(true, "integer", false),
                header(false, "integer", false),
            ),
            "response-header-became-optional",
            Breaking,
        ),
        (
            changes_between(
                header(false, "integer", false),
                header(true, "integer", false),
            ),
            "response-header-became-required",
            Safe,
        ),
        (
            changes_between(
                header(true, "integer", false),
                header(true, "string", false),
            ),
            "response-header-type-changed",
            Breaking,
        ),
        (
            changes_between(
                header(true, "integer", false),
                header(true, "integer", true),
            ),
            "response-header-deprecated",
            Safe,
        ),
        (
            changes_between(
                header(true, "integer", true),
                header(true, "integer", false),
            ),
            "response-header-reactivated",
            Safe,
        ),
    ];
    for (changes, rule, level) in cases {
        assert_eq!(changes, [(rule, level, R::None)], "{rule}");
    }
}

#[test]
fn deprecation_added_and_removed() {
    let deprecate = |pointer: &'static str| {
        move |s: &mut Value| {
            object(s, pointer).insert("deprecated".into(), json!(true));
        }
    };
    let none = |_: &mut Value| {};
    let places = [
        (
            "/paths/~1pets~1{petId}/get",
            "endpoint-deprecated",
            "endpoint-reactivated",
        ),
        (
            "/paths/~1pets~1{petId}/get/parameters/1",
            "request-parameter-deprecated",
            "request-parameter-reactivated",
        ),
        (
            NEW_NAME,
            "request-property-deprecated",
            "request-property-reactivated",
        ),
        (
            PET_NAME,
            "response-property-deprecated",
            "response-property-reactivated",
        ),
        (
            "/components/schemas/Kind",
            "schema-deprecated",
            "schema-reactivated",
        ),
    ];
    for (pointer, deprecated, reactivated) in places {
        assert_eq!(
            changes_between(none, deprecate(pointer)),
            [(deprecated, Safe, R::None)]
        );
        assert_eq!(
            changes_between(deprecate(pointer), none),
            [(reactivated, Safe, R::None)]
        );
    }
}

#[test]
fn bodies_statuses_schemas_and_security_the_other_way() {
    let none = |_: &mut Value| {};
    // A required body that becomes optional: `body: NewPet` becomes `Option<NewPet>`.
    assert_eq!(
        changes_after(|s| s["paths"]["/pets"]["post"]["requestBody"]["required"] = json!(false)),
        [("request-body-became-optional", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths/~1pets/post").remove("requestBody");
        }),
        [("request-body-removed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_between(
            |s| {
                object(s, "/paths/~1pets/post").remove("requestBody");
            },
            none
        ),
        [("request-body-added-required", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            s["paths"]["/pets"]["post"]["requestBody"]["content"]["application/json"]["schema"] =
                json!({"type": "string"})
        }),
        [("request-body-type-changed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_between(
            |s| {
                object(s, "/paths/~1pets/post").remove("requestBody");
            },
            |s| s["paths"]["/pets"]["post"]["requestBody"]["required"] = json!(false)
        ),
        [("request-body-added-optional", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths/~1pets~1{petId}/get/responses").remove("404");
        }),
        [("response-non-success-status-removed", Safe, R::None)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths/~1pets~1{petId}/get/responses")
                .insert("409".into(), json!({"description": "Conflict."}));
        }),
        [("response-non-success-status-added", Safe, R::None)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/Pet/required").retain(|r| r != "id")),
        [("response-property-became-optional", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/Pet/required").push(json!("tag"))),
        [("response-property-became-required", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/NewPet/required").clear()),
        [("request-property-became-optional", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties").remove("name");
            array(s, "/components/schemas/Pet/required").retain(|r| r != "name");
        }),
        [("response-required-property-removed", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties")
                .insert("age".into(), json!({"type": "integer"}));
            array(s, "/components/schemas/Pet/required").push(json!("age"));
        }),
        [("response-required-property-added", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/NewPet/properties").remove("kind");
        }),
        [("request-property-removed", Warning, R::Breaking)],
        "`Kind` is a component: it stays"
    );
    assert_eq!(
        changes_between(
            |s| {
                object(s, "/components/schemas/NewPet/properties").remove("kind");
            },
            none
        ),
        [("new-optional-request-property", Safe, R::Addition)]
    );
    assert_eq!(
        changes_between(
            |s| s["paths"]["/pets"]["post"]["requestBody"]["required"] = json!(false),
            none
        ),
        [("request-body-became-required", Breaking, R::Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][0]["required"] = json!(true)
        ),
        [],
        "path parameters are always required"
    );
    assert_eq!(
        changes_between(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][1]["required"] = json!(true),
            none
        ),
        [("request-parameter-became-optional", Safe, R::Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            array(s, "/paths/~1pets~1{petId}/get/parameters").remove(1);
        }),
        [("request-parameter-removed", Warning, R::Breaking)]
    );
    let secured = |s: &mut Value| {
        s["components"]["securitySchemes"] =
            json!({"bearer": {"type": "http", "scheme": "bearer"}});
        s["paths"]["/pets/{petId}"]["get"]["security"] = json!([{"bearer": []}]);
    };
    assert_eq!(
        changes_between(secured, none),
        [("api-security-removed", Safe, R::None)]
    );
}

#[test]
fn discriminators_and_renamed_types_in_each_direction() {
    let tagged = |property: &'static str| {
        move |s: &mut Value| {
            let schemas = object(s, "/components/schemas");
            schemas.insert("Cat".into(), json!({"type": "object", "properties": {"kind": {"type": "string"}, "type": {"type": "string"}}}));
            schemas.insert("Dog".into(), json!({"type": "object", "properties": {"kind": {"type": "string"}, "type": {"type": "string"}}}));
            schemas.insert(
                "Animal".into(),
                json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                       "discriminator": {"propertyName": property}}),
            );
            object(s, "/components/schemas/Pet/properties").insert(
                "animal".into(),
                json!({"$ref": "#/components/schemas/Animal"}),
            );
            object(s, "/components/schemas/NewPet/properties").insert(
                "animal".into(),
                json!({"$ref": "#/components/schemas/Animal"}),
            );
        }
    };
    assert_eq!(
        changes_between(tagged("kind"), tagged("type")),
        [
            (
                "request-property-discriminator-property-name-changed",
                Breaking,
                R::None
            ),
            (
                "response-property-discriminator-property-name-changed",
                Breaking,
                R::None
            )
        ]
    );
    // An inline enum named after its operation: renaming the operation renames the function
    // and the Rust type; the JSON stays the same.
    let inline_enum = |operation_id: &'static str| {
        move |s: &mut Value| {
            s["paths"]["/pets/{petId}"]["get"]["operationId"] = json!(operation_id);
            array(s, "/paths/~1pets~1{petId}/get/parameters").push(
                json!({"name": "sort", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}}),
            );
        }
    };
    assert_eq!(
        changes_between(inline_enum("getPet"), inline_enum("fetchPet")),
        [
            ("api-operation-id-changed", Safe, R::Breaking),
            ("api-schema-added", Safe, R::Addition),
            ("api-schema-removed", Safe, R::Breaking),
            ("generated-type-renamed", Safe, R::Breaking)
        ]
    );
    assert_eq!(
        changes_after(|s| s["paths"]["/pets/{petId}"]["get"]["tags"] = json!(["animals"])),
        [("api-operation-tag-changed", Safe, R::Breaking)]
    );
}

/// Every rule of the table has a fixture pair in this file.
#[test]
fn every_rule_has_a_fixture() {
    let source = include_str!("spec_diff.rs");
    let prefixes = [
        "request-parameter-default-value",
        "request-property-default-value",
        "response-property-default-value",
    ];
    let missing: Vec<&str> = generator::diff::RULES
        .iter()
        .map(|rule| rule.id)
        .filter(|id| {
            let built = prefixes.iter().any(|p| id.starts_with(p));
            !built && !source.contains(&format!("\"{id}\""))
        })
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

/// The README's rule table is the table the checks read.
#[test]
fn the_readme_shows_the_rule_table() {
    let readme = std::fs::read_to_string(tests_dir().join("../../README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start -->\n")
        .expect("the start marker")
        + 21;
    let end = readme.find("<!-- rules:end -->").expect("the end marker");
    assert!(
        readme[start..end] == generator::diff::rules::markdown_table(),
        "the README's rule table is stale: replace it with the output of \
         `cargo xtask spec-diff --rules`"
    );
}
