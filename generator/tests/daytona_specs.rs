//! The real Daytona specs through the whole pipeline: snapshots of every generated file and of
//! the API listing, operation counts against the specs themselves, and the shared enums.

use generator::ir::{Api, TypeKind, TypeRef};
use generator::Generator;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn generated() -> generator::Generated {
    generator::codegen(&root()).unwrap_or_else(|e| panic!("{e}"))
}

fn api<'a>(generated: &'a generator::Generated, module: &str) -> &'a Api {
    &generated
        .apis
        .iter()
        .find(|(m, _)| m == module)
        .expect("module configured")
        .1
}

/// Operation ids of a spec, read straight from its YAML (not through the generator).
fn spec_operation_ids(spec: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join("specs").join(spec)).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut ids = Vec::new();
    for (_, item) in doc["paths"].as_mapping().unwrap() {
        for (method, op) in item.as_mapping().unwrap() {
            if methods.contains(&method.as_str().unwrap()) {
                ids.push(op["operationId"].as_str().unwrap().to_string());
            }
        }
    }
    ids
}

/// The API listing: a spec change shows up here first, as a short diff.
#[test]
fn snapshots_of_the_api_listing() {
    for (module, api) in &generated().apis {
        insta::assert_snapshot!(
            format!("listing__{module}"),
            generator::listing::api_listing(api)
        );
    }
}

/// The one golden copy of the generated code is the checked-in client
/// (`generated-client/src/generated/`); a stale file fails here with a readable diff (and
/// `cargo xtask codegen --check` fails in CI). The reviewer reads the listing snapshots above.
#[test]
fn generated_code_matches_the_checked_in_client() {
    let generated = generated();
    let dir = root().join(&generated.output_dir);
    let mut stale = Vec::new();
    for file in &generated.files {
        let on_disk = std::fs::read_to_string(dir.join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            let diff = similar::TextDiff::from_lines(&on_disk, &file.contents);
            stale.push(format!(
                "{}\n{}",
                file.path.display(),
                diff.unified_diff().context_radius(2)
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the checked-in client is stale; run `cargo xtask codegen`:\n{}",
        stale.join("\n")
    );
}

/// The toolbox spec as a JSON tree, and a generator with its configuration.
fn toolbox_spec() -> (serde_json::Value, Generator) {
    let text = std::fs::read_to_string(root().join("specs/daytona-toolbox.yaml")).unwrap();
    let tree: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let workspace = generator::files::read_workspace(&root()).unwrap();
    let spec = workspace.spec_for("daytona-toolbox.yaml").unwrap();
    (
        tree,
        Generator::new(spec.settings(generator::CODEGEN_COMMAND)),
    )
}

/// The generated code and the listing of a document.
fn code_and_listing(generator: &Generator, tree: &serde_json::Value) -> (Vec<String>, String) {
    let api = generator
        .api(&tree.to_string(), "specs/daytona-toolbox.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let code = generator
        .module_files(&api)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| f.contents)
        .collect();
    (code, generator::listing::api_listing(&api))
}

/// One description changed in a copy of the toolbox spec: the generated code changes (a doc
/// comment), so must the listing snapshot, and its failure shows the reviewer the changed line.
#[test]
fn a_changed_description_fails_the_listing_snapshot_with_a_readable_diff() {
    let (original, generator) = toolbox_spec();
    let mut edited = original.clone();
    edited["paths"]["/process/session/{sessionId}/exec"]["post"]["description"] =
        serde_json::json!("Runs a command in a session, now described differently");
    let (old_code, old_listing) = code_and_listing(&generator, &original);
    let (new_code, new_listing) = code_and_listing(&generator, &edited);
    assert_ne!(old_code, new_code, "the edit changes the generated code");
    // The listing snapshot test compares the listing with the stored snapshot: it holds the
    // original listing, so the edited one fails it.
    let stored = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/snapshots/daytona_specs__listing__toolbox.snap"),
    )
    .unwrap();
    // An insta snapshot: a `---`-fenced header, then the contents.
    let stored = stored.splitn(3, "---\n").nth(2).unwrap();
    assert_eq!(
        stored.trim_end(),
        old_listing.trim_end(),
        "the snapshot is fresh"
    );
    assert_ne!(
        stored.trim_end(),
        new_listing.trim_end(),
        "the edit fails it"
    );
    // What the reviewer reads: the old line out, the new one in.
    let diff = similar::TextDiff::from_lines(&old_listing, &new_listing)
        .unified_diff()
        .to_string();
    assert!(
        diff.contains("-  /// Execute a command within an existing shell session")
            && diff.contains("+  /// Runs a command in a session, now described differently"),
        "{diff}"
    );
}

/// Every single edit of a spec that changes the generated code changes the listing too, so the
/// listing snapshots see everything the generated code does. The edits: each description,
/// summary, example, default, `required`, `nullable`, `deprecated`, `format`, enum value and
/// security requirement of the toolbox spec, changed one at a time (a sample of every eighth).
#[test]
fn every_edit_that_changes_the_code_changes_the_listing() {
    let (original, generator) = toolbox_spec();
    let (code, listing) = code_and_listing(&generator, &original);
    let mut edits = Vec::new();
    collect_edits(&original, String::new(), &mut edits);
    let (mut changed_code, mut checked) = (0, 0);
    for (pointer, replacement) in edits.into_iter().step_by(8) {
        let mut edited = original.clone();
        *edited.pointer_mut(&pointer).unwrap() = replacement;
        let Ok(api) = generator.api(&edited.to_string(), "specs/daytona-toolbox.yaml") else {
            continue; // an edit the generator rejects changes nothing it generates
        };
        checked += 1;
        let edited_code: Vec<String> = match generator.module_files(&api) {
            Ok(files) => files.into_iter().map(|f| f.contents).collect(),
            Err(e) => panic!("{pointer}: {e}"),
        };
        if edited_code != code {
            changed_code += 1;
            assert_ne!(
                generator::listing::api_listing(&api),
                listing,
                "editing {pointer} changes the generated code but not the listing"
            );
        }
    }
    println!("{checked} edits generated; {changed_code} changed the code, and the listing with it");
    assert!(
        changed_code > 50,
        "the edits exercise the listing ({changed_code})"
    );
}

/// The JSON pointer and a new value of every node an edit tries.
fn collect_edits(node: &serde_json::Value, at: String, out: &mut Vec<(String, serde_json::Value)>) {
    use serde_json::{json, Value};
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let pointer = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                let replacement = match (key.as_str(), value) {
                    ("description" | "summary", Value::String(text)) => {
                        Some(json!(format!("{text} (edited)")))
                    }
                    ("example" | "default", value) => Some(json!({"edited": value})),
                    ("required", Value::Array(items)) if !items.is_empty() => {
                        Some(json!(items[1..].to_vec()))
                    }
                    ("required", Value::Bool(flag)) => Some(json!(!flag)),
                    ("nullable" | "deprecated", Value::Bool(flag)) => Some(json!(!flag)),
                    ("format", Value::String(_)) => Some(json!("date-time")),
                    ("enum", Value::Array(items)) => {
                        let mut items = items.clone();
                        items.push(json!("edited"));
                        Some(json!(items))
                    }
                    ("security", _) => Some(json!([])),
                    _ => None,
                };
                if let Some(replacement) = replacement {
                    out.push((pointer.clone(), replacement));
                }
                collect_edits(value, pointer, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_edits(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// The operation id of each generated operation function in `code`: the second argument of
/// its `Request::new(method, "operationId", path)`, and whether the function opens a WebSocket
/// (returns `Connect`). Read from the syntax tree, so lists of ids elsewhere (the test-support
/// samples) do not count.
fn operation_functions(code: &str) -> Vec<(String, bool)> {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut ids = Vec::new();
    for item in &file.items {
        let syn::Item::Fn(function) = item else {
            continue;
        };
        let connects = match &function.sig.output {
            syn::ReturnType::Type(_, ty) => quote::ToTokens::to_token_stream(ty)
                .to_string()
                .ends_with("Connect"),
            syn::ReturnType::Default => false,
        };
        for statement in &function.block.stmts {
            let syn::Stmt::Local(local) = statement else {
                continue;
            };
            let Some(init) = &local.init else { continue };
            let syn::Expr::Call(call) = &*init.expr else {
                continue;
            };
            let syn::Expr::Path(callee) = &*call.func else {
                continue;
            };
            let is_request_new = callee
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .ends_with(&["Request".to_string(), "new".to_string()]);
            if let (true, Some(syn::Expr::Lit(literal))) = (is_request_new, call.args.iter().nth(1))
            {
                if let syn::Lit::Str(id) = &literal.lit {
                    ids.push((id.value(), connects));
                }
            }
        }
    }
    ids
}

/// The operations `codegen.yaml` marks as WebSockets for a spec: (id, also plain HTTP).
fn websocket_operations(spec: &str) -> Vec<(String, bool)> {
    let text = std::fs::read_to_string(root().join("specs/codegen.yaml")).unwrap();
    let config: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let specs = config["specs"]
        .as_sequence()
        .expect("codegen.yaml lists specs");
    let entry = specs.iter().find(|s| s["file"].as_str() == Some(spec));
    entry
        .and_then(|entry| entry["websockets"].as_sequence())
        .into_iter()
        .flatten()
        .map(|w| {
            let id = w["operation"]
                .as_str()
                .expect("an operation id")
                .to_string();
            (id, w["also_http"].as_bool().unwrap_or(false))
        })
        .collect()
}

#[test]
fn one_function_per_operation_in_each_spec() {
    let generated = generated();
    for (module, spec, expected, upgrading) in [
        ("api", "daytona-api.yaml", 231, 0),
        ("toolbox", "daytona-toolbox.yaml", 92, 4),
    ] {
        let ids = spec_operation_ids(spec);
        assert_eq!(ids.len(), expected, "{spec} has {expected} operations");
        let websockets = websocket_operations(spec);
        assert_eq!(
            websockets.len(),
            upgrading,
            "{spec} has {upgrading} WebSocket operations"
        );
        let functions: Vec<(String, bool)> = generated
            .files
            .iter()
            .filter(|f| f.path.starts_with(module))
            .flat_map(|f| operation_functions(&f.contents))
            .collect();
        println!(
            "{module}: {} functions for {} operations, {} of them WebSockets",
            functions.len(),
            ids.len(),
            websockets.len()
        );
        // A plain call for each operation but those that only upgrade.
        let mut calls: Vec<String> = functions
            .iter()
            .filter(|(_, connects)| !connects)
            .map(|(id, _)| id.clone())
            .collect();
        let mut expected_calls: Vec<String> = ids
            .iter()
            .filter(|id| !websockets.iter().any(|(w, also)| w == *id && !also))
            .cloned()
            .collect();
        calls.sort();
        expected_calls.sort();
        assert_eq!(
            calls, expected_calls,
            "{module}: one call function per operation"
        );
        // A WebSocket function for each operation marked as one.
        let mut connects: Vec<String> = functions
            .iter()
            .filter(|(_, connects)| *connects)
            .map(|(id, _)| id.clone())
            .collect();
        let mut expected_connects: Vec<String> = websockets.into_iter().map(|(id, _)| id).collect();
        connects.sort();
        expected_connects.sort();
        assert_eq!(
            connects, expected_connects,
            "{module}: one WebSocket function per upgrade"
        );
    }
}

#[test]
fn file_uploads_and_wildcard_bodies_send_their_content() {
    let generated = generated();
    let main = api(&generated, "api");
    let toolbox = api(&generated, "toolbox");
    let listing = |api: &Api, id: &str| {
        let op = api.operation(id).unwrap_or_else(|| panic!("{id} exists"));
        generator::listing::api_listing(&Api {
            types: Vec::new(),
            operations: vec![op.clone()],
            ..api.clone()
        })
    };
    assert!(listing(main, "uploadFile_deprecated")
        .contains("body: multipart UploadFileDeprecatedRequest"));
    assert!(listing(main, "uploadFiles_deprecated")
        .contains("body: multipart [UploadFile] as files[i]"));
    assert!(listing(toolbox, "UploadFile").contains("body: multipart UploadFileRequest"));
    assert!(listing(toolbox, "UploadFiles").contains("body: multipart [UploadFile] as files[i]"));
    assert!(listing(toolbox, "Initialize").contains("body: InitializeRequest"));
}

#[test]
fn permission_is_one_enum_used_by_every_permissions_field() {
    let generated = generated();
    let main = api(&generated, "api");
    let permission = main.type_named("Permission").expect("Permission exists");
    let TypeKind::Enum(values) = &permission.kind else {
        panic!("Permission is an enum")
    };
    let values: Vec<&str> = values.variants.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values.len(), 15);
    assert!(values.contains(&"write:sandboxes") && values.contains(&"read:audit_logs"));

    let mut holders = BTreeSet::new();
    for def in &main.types {
        if let TypeKind::Struct(s) = &def.kind {
            // `FileInfo.permissions` is a file mode string, not a list of scopes.
            let scope_lists = s
                .fields
                .iter()
                .filter(|f| f.json_name == "permissions" && matches!(f.ty, TypeRef::Array(_)));
            for field in scope_lists {
                assert_eq!(
                    field.ty,
                    TypeRef::Array(Box::new(TypeRef::Named("Permission".into()))),
                    "{}.permissions",
                    def.name
                );
                holders.insert(def.name.as_str());
            }
        }
    }
    for expected in [
        "CreateApiKey",
        "ApiKeyResponse",
        "ApiKeyList",
        "OrganizationRole",
        "CreateOrganizationRole",
        "UpdateOrganizationRole",
    ] {
        assert!(
            holders.contains(expected),
            "{expected} has a permissions field"
        );
    }
    let enum_count = generated
        .files
        .iter()
        .map(|f| f.contents.matches("pub enum Permission {").count())
        .sum::<usize>();
    assert_eq!(enum_count, 1, "Permission is defined once");
}

#[test]
fn codegen_is_deterministic() {
    let first = generated().files;
    let second = generated().files;
    assert_eq!(first, second);
}

#[test]
fn generated_files_say_how_they_were_made() {
    for file in generated().files {
        assert!(
            file.contents
                .starts_with("// This file is generated by `cargo xtask codegen` from `specs/"),
            "{}",
            file.path.display()
        );
    }
}
