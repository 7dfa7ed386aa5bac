//! Spec diffs: one fixture pair per rule (the base spec and a copy with one edit), the Daytona
//! history as snapshots, and specs that differ only in form reporting no change.

use generator::diff::{diff, markdown, Change, Severity};
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

/// The changes made by `edit` to the base spec, as (rule, severity) pairs.
fn changes_after(edit: impl FnOnce(&mut Value)) -> Vec<(&'static str, Severity)> {
    let old = base();
    let mut new = old.clone();
    edit(&mut new);
    diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"))
        .into_iter()
        .map(|c| (c.rule, c.severity))
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

use Severity::{Breaking, Deprecation, NonBreaking};

#[test]
fn removed_operations() {
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths").remove("/old");
        }),
        [("api-removed-without-deprecation", Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths/~1pets~1{petId}").remove("delete");
        }),
        [("api-removed-with-deprecation", NonBreaking)]
    );
}

#[test]
fn changed_method_or_path() {
    assert_eq!(
        changes_after(|s| {
            let item = object(s, "/paths").remove("/old").unwrap();
            object(s, "/paths").insert("/older".into(), item);
        }),
        [("api-operation-moved", Breaking)]
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
        [("new-required-request-parameter", Breaking)]
    );
    assert_eq!(
        changes_after(add(false)),
        [("new-optional-request-parameter", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| {
            array(s, "/paths/~1pets~1{petId}/get/parameters")
                .push(json!({"name": "X-Trace", "in": "header", "required": true, "schema": {"type": "string"}}))
        }),
        [("new-required-request-parameter", Breaking)],
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
            ("request-path-parameter-renamed", NonBreaking),
            ("request-path-parameter-renamed", NonBreaking)
        ]
    );
}

#[test]
fn parameter_became_required_or_changed_type() {
    assert_eq!(
        changes_after(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][1]["required"] = json!(true)
        ),
        [("request-parameter-became-required", Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["paths"]["/pets/{petId}"]["get"]["parameters"][1]["schema"] =
                json!({"type": "string"})
        ),
        [("request-parameter-type-changed", Breaking)]
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
        [("new-required-request-property", Breaking)]
    );
    assert_eq!(
        changes_after(add(false)),
        [("new-optional-request-property", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/NewPet/required").push(json!("kind"))),
        [("request-property-became-required", Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["NewPet"]["properties"]["name"] =
                json!({"type": "integer"})
        ),
        [("request-property-type-changed", Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["NewPet"]["properties"]["name"]["deprecated"] =
                json!(true)
        ),
        [("request-property-deprecated", Deprecation)]
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
        [("request-property-became-nullable", NonBreaking)]
    );
    assert_eq!(
        changes_after(nullable("Pet", "name", true)),
        [("response-property-became-nullable", Breaking)]
    );
    // The other way: the base with the property nullable is the old side.
    let from_nullable = |schema: &'static str, property: &'static str| {
        let mut old = base();
        nullable(schema, property, true)(&mut old);
        let new = base();
        diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"))
            .into_iter()
            .map(|c| (c.rule, c.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        from_nullable("NewPet", "name"),
        [("request-property-became-not-nullable", Breaking)]
    );
    assert_eq!(
        from_nullable("Pet", "name"),
        [("response-property-became-not-nullable", NonBreaking)]
    );
    // Presence and nullability changed at once are two changes.
    assert_eq!(
        changes_after(|s| {
            nullable("Pet", "name", true)(s);
            array(s, "/components/schemas/Pet/required").retain(|r| r != "name");
        }),
        [
            ("response-property-became-nullable", Breaking),
            ("response-property-became-optional", Breaking)
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
            .map(|c| (c.rule, c.severity))
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
        [("request-property-one-of-added", NonBreaking)]
    );
    assert_eq!(
        changes(
            with_unions(two.clone(), three.clone()),
            with_unions(two.clone(), two.clone())
        ),
        [("request-property-one-of-removed", Breaking)]
    );
    // `Toy` travels both ways: each direction has its reading.
    assert_eq!(
        changes(
            with_unions(two.clone(), two.clone()),
            with_unions(three.clone(), two.clone())
        ),
        [
            ("response-property-one-of-added", Breaking),
            ("request-property-one-of-added", NonBreaking)
        ]
    );
    assert_eq!(
        changes(
            with_unions(three.clone(), two.clone()),
            with_unions(two.clone(), two)
        ),
        [
            ("request-property-one-of-removed", Breaking),
            ("response-property-one-of-removed", NonBreaking)
        ]
    );
}

#[test]
fn response_properties_and_statuses() {
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties").remove("tag");
        }),
        [("response-property-removed", Breaking)]
    );
    assert_eq!(
        changes_after(
            |s| s["components"]["schemas"]["Pet"]["properties"]["id"] = json!({"type": "string"})
        ),
        [("response-property-type-changed", Breaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/components/schemas/Pet/properties")
                .insert("age".into(), json!({"type": "integer"}));
        }),
        [("response-optional-property-added", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| {
            let responses = object(s, "/paths/~1pets/post/responses");
            let created = responses.remove("201").unwrap();
            responses.insert("200".into(), created);
        }),
        [
            ("response-success-status-removed", Breaking),
            ("response-success-status-added", NonBreaking)
        ]
    );
    assert_eq!(
        changes_after(|s| {
            s["paths"]["/pets/{petId}"]["get"]["responses"]["200"]["content"]["application/json"]
                ["schema"] = json!({"$ref": "#/components/schemas/NewPet"})
        }),
        [("response-body-type-changed", Breaking)]
    );
}

#[test]
fn enum_values() {
    assert_eq!(
        changes_after(|s| s["components"]["schemas"]["Kind"]["enum"] = json!(["cat"])),
        [("request-property-enum-value-removed", Breaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/Kind/enum").push(json!("bird"))),
        [("request-property-enum-value-added", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| array(s, "/components/schemas/PetStatus/enum").push(json!("pending"))),
        [("response-property-enum-value-added", NonBreaking)],
        "clients keep unknown response values, so this is not breaking"
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
        [("api-security-added", Breaking)]
    );
    assert_eq!(
        changes_after(|s| s["paths"]["/pets/{petId}"]["get"]["summary"] = json!("Fetch a pet.")),
        [("api-description-changed", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| {
            object(s, "/paths").insert("/toys".into(), json!({"get": {"operationId": "listToys", "responses": {"204": {"description": "None."}}}}));
        }),
        [("endpoint-added", NonBreaking)]
    );
    assert_eq!(
        changes_after(|s| s["paths"]["/pets/{petId}"]["get"]["deprecated"] = json!(true)),
        [("api-deprecated", Deprecation)]
    );
}

#[test]
fn breaking_changes_come_first_in_the_report() {
    let old = base();
    let mut new = old.clone();
    object(&mut new, "/paths").remove("/old");
    array(&mut new, "/components/schemas/PetStatus/enum").push(json!("pending"));
    let changes: Vec<Change> = diff(&lower(&old, "old.yaml"), &lower(&new, "new.yaml"));
    let report = markdown("old.yaml", "new.yaml", &changes);
    let breaking = report.find("### Breaking changes").unwrap();
    let non_breaking = report.find("### Non-breaking changes").unwrap();
    assert!(breaking < non_breaking);
    assert!(report.contains("| Breaking | 1 |"), "{report}");
    assert!(report.contains("**GET `/old`** (`oldOp`)"), "{report}");
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
        insta::assert_snapshot!(
            format!("history__{old}__to__{new}"),
            markdown(old, new, &changes)
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
        markdown("a", "b", &changes)
    );
}
