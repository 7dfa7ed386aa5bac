//! The real Daytona specs through the whole pipeline: snapshots of every generated file and of
//! the API listing, operation counts against the specs themselves, and the shared enums.

use generator::ir::{Api, TypeKind, TypeRef};
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

#[test]
fn snapshots_of_generated_code() {
    for file in &generated().files {
        let name = file.path.display().to_string().replace(['/', '\\'], "__");
        insta::assert_snapshot!(format!("code__{name}"), file.contents);
    }
}

/// The operation id of each generated operation function in `code`: the second argument of
/// its `Request::new(method, "operationId", path)`. Read from the syntax tree, so lists of ids
/// elsewhere (the test-support samples) do not count.
fn operation_functions(code: &str) -> Vec<String> {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut ids = Vec::new();
    for item in &file.items {
        let syn::Item::Fn(function) = item else {
            continue;
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
                    ids.push(id.value());
                }
            }
        }
    }
    ids
}

#[test]
fn one_function_per_operation_in_each_spec() {
    let generated = generated();
    for (module, spec, expected) in [
        ("api", "daytona-api.yaml", 231),
        ("toolbox", "daytona-toolbox.yaml", 92),
    ] {
        let ids = spec_operation_ids(spec);
        assert_eq!(ids.len(), expected, "{spec} has {expected} operations");
        let mut functions: Vec<String> = generated
            .files
            .iter()
            .filter(|f| f.path.starts_with(module))
            .flat_map(|f| operation_functions(&f.contents))
            .collect();
        println!(
            "{module}: {} of {} operations have a function",
            functions.len(),
            ids.len()
        );
        functions.sort();
        let mut ids = ids;
        ids.sort();
        assert_eq!(functions, ids, "{module}: one function per operation");
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
