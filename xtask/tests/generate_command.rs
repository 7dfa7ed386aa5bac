//! `cargo xtask generate`: the crates it writes for the fixtures, the API-keys spec and public
//! specs compile (one `cargo check` per scratch workspace, sharing one target folder, so
//! dependencies build once);
//! bad input is one clear error and leaves the output folder as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the generated crates go: beside the build output, so reruns reuse the built
/// dependencies (the tests' own target folder is locked while they run).
fn scratch() -> PathBuf {
    workspace().join("target/generated-crates")
}

fn generate(spec: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("the xtask binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The public documents of `@readme/oas-examples` 8.2.2, installed by `cargo xtask test` from
/// tools/public-specs.
fn public_specs() -> Vec<PathBuf> {
    let package = workspace().join("tools/public-specs/node_modules/@readme/oas-examples");
    let mut specs = Vec::new();
    for version in ["3.0", "3.1"] {
        let dir = package.join(version).join("json");
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; `cargo xtask test` installs the public specs",
                dir.display()
            )
        });
        for entry in entries {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "json") {
                specs.push(path);
            }
        }
    }
    specs.sort();
    specs
}

/// The public documents the generator rejects on purpose, with the first line of its error:
/// none since references into `paths` and path item references are followed.
const REJECTED_PUBLIC_SPECS: &[(&str, &str)] = &[];

/// `cargo check` with `args` in `dir`, warnings denied, in the scratch target folder shared by
/// every generated crate (so dependencies build once); the errors if it fails.
fn cargo_check(dir: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let check = Command::new(cargo)
        .arg("check")
        .args(args)
        .arg("--quiet")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        // Incremental caches of ~50 crates would take gigabytes for nothing.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    if check.status.success() {
        Ok(())
    } else {
        Err(text(&check.stderr))
    }
}

/// Generates a crate for each spec (with `extra` arguments) into one scratch workspace named
/// `workspace_name` and checks them all, every feature and target, with `-D warnings` (one
/// `cargo check`, so dependencies build once for all); with `each_feature`, also each crate
/// with no tag feature and with each alone.
fn generate_and_compile(
    workspace_name: &str,
    specs: &[(PathBuf, String)],
    extra: &[&str],
    each_feature: bool,
) {
    let root = scratch().join(workspace_name);
    let mut members = Vec::new();
    for (spec, name) in specs {
        let mut args = vec!["--in-workspace", "--crate-name", name];
        args.extend_from_slice(extra);
        let output = generate(spec, &root.join(name), &args);
        assert!(
            output.status.success(),
            "{} did not generate:\n{}",
            spec.display(),
            text(&output.stderr)
        );
        members.push(format!("\"{name}\""));
    }
    fs::write(
        root.join("Cargo.toml"),
        format!(
            "# Written by xtask/tests/generate_command.rs.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // The workspace's lock file: the crates build against the versions daytona-client is tested with.
    fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    cargo_check(&root, &["--workspace", "--all-targets", "--all-features"])
        .unwrap_or_else(|errors| panic!("generated crates do not compile:\n{errors}"));
    // Each crate also compiles with no tag feature, and with each tag feature alone: a tag's
    // operations find every model they use.
    for (_, name) in specs.iter().filter(|_| each_feature) {
        let manifest = fs::read_to_string(root.join(name).join("Cargo.toml")).unwrap();
        let tags = manifest
            .lines()
            .filter_map(|line| line.strip_suffix(" = []"))
            .chain([""]);
        for tag in tags {
            cargo_check(
                &root,
                &["-p", name, "--no-default-features", "--features", tag],
            )
            .unwrap_or_else(|errors| {
                panic!("{name} does not compile with only the feature `{tag}`:\n{errors}")
            });
        }
    }
    println!(
        "{} generated crates compile without warnings",
        members.len()
    );
}

#[test]
fn generated_crates_compile() {
    let mut specs: Vec<PathBuf> = fs::read_dir(workspace().join("generator/tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    specs.sort();
    specs.push(workspace().join("specs/daytona-api-keys.yaml"));
    let named: Vec<(PathBuf, String)> = specs
        .into_iter()
        .map(|spec| {
            let stem = spec
                .file_stem()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_");
            (spec, format!("fixture-{stem}"))
        })
        .collect();
    assert_eq!(
        named.len(),
        14,
        "the thirteen fixtures and the API-keys spec"
    );
    // Everything the generator can emit, test support included, depending on the runtime crate.
    generate_and_compile("workspace", &named, &["--test-support"], true);
}

/// A crate with the runtime vendored (copied from the runtime crate's own source) builds on its
/// own, as does one that depends on the runtime crate; neither names Daytona anywhere.
#[test]
fn standalone_crates_build_with_the_runtime_vendored_or_as_a_dependency() {
    // A fixture whose own text names no Daytona header, so any mention would be the generator's.
    let spec = workspace().join("generator/tests/fixtures/unions.yaml");
    for (runtime, name) in [("vendor", "vendored-ops"), ("path", "dependent-ops")] {
        let out = scratch().join("runtime-modes").join(name);
        let _ = fs::remove_dir_all(&out);
        let output = generate(&spec, &out, &["--crate-name", name, "--runtime", runtime]);
        assert!(output.status.success(), "{}", text(&output.stderr));
        // The workspace's lock file: the crate builds against the versions the runtime is
        // tested with, and needs no new resolution.
        fs::copy(workspace().join("Cargo.lock"), out.join("Cargo.lock")).unwrap();
        let files = contents(&out);
        // Where this checkout is (in the path dependency) is not the crate's own text.
        let runtime_dir = workspace()
            .join("client-runtime")
            .canonicalize()
            .unwrap()
            .display()
            .to_string();
        assert_eq!(
            files.keys().any(|p| p.starts_with(out.join("src/runtime"))),
            runtime == "vendor",
            "{runtime}: src/runtime/ only when vendored"
        );
        // The lock file is the workspace's, copied in by this test.
        for (path, bytes) in files.iter().filter(|(p, _)| !p.ends_with("Cargo.lock")) {
            let text = text(bytes).replace(&runtime_dir, "RUNTIME");
            assert!(
                !text.to_lowercase().contains("daytona"),
                "{runtime}: {} names Daytona",
                path.display()
            );
        }
        let manifest = text(&files[&out.join("Cargo.toml")]);
        assert_eq!(
            manifest.contains("client-runtime = { path"),
            runtime == "path"
        );
        cargo_check(&out, &["--all-targets"])
            .unwrap_or_else(|errors| panic!("{runtime}: the crate does not build:\n{errors}"));
    }
}

#[test]
#[ignore = "needs the public specs: `cargo xtask test` installs them and runs this"]
fn public_specs_generate_and_compile() {
    let package = workspace().join("tools/public-specs/node_modules/@readme/oas-examples");
    let specs = public_specs();
    assert_eq!(
        specs.len(),
        53,
        "the OpenAPI documents of @readme/oas-examples 8.2.2"
    );
    let mut accepted = Vec::new();
    for spec in specs {
        let relative = spec.strip_prefix(&package).unwrap().display().to_string();
        match REJECTED_PUBLIC_SPECS
            .iter()
            .find(|(name, _)| *name == relative)
        {
            Some((_, headline)) => {
                let out = scratch().join("rejected").join(&relative);
                let output = generate(&spec, &out, &[]);
                let stderr = text(&output.stderr);
                assert!(
                    !output.status.success(),
                    "{relative} is accepted now: update REJECTED_PUBLIC_SPECS"
                );
                assert_eq!(stderr.lines().next(), Some(*headline), "{relative}");
            }
            None => {
                let stem = spec
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .replace('.', "_");
                let version = relative.split('/').next().unwrap().replace('.', "_");
                accepted.push((spec, format!("oas{version}-{stem}")));
            }
        }
    }
    assert_eq!(accepted.len(), 53);
    generate_and_compile("public", &accepted, &[], false);
}

/// Every file under `dir` with its contents.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Generates a good crate into a folder, then runs `generate` on `spec_text` into the same
/// folder: it must fail with `headline` and `location` as the first two lines of its message,
/// and leave every file as it was.
fn rejects(case: &str, spec_text: &str, headline: &str, location: &str) {
    rejects_with(case, spec_text, &[], headline, location);
}

/// [`rejects`], with more arguments for `generate`.
fn rejects_with(case: &str, spec_text: &str, args: &[&str], headline: &str, location: &str) {
    let dir = scratch().join("bad-input").join(case);
    let _ = fs::remove_dir_all(&dir);
    let out = dir.join("crate");
    let good = workspace().join("generator/tests/fixtures/formats.yaml");
    assert!(generate(&good, &out, &[]).status.success());
    let before = contents(&out);
    let spec = dir.join("spec.yaml");
    fs::write(&spec, spec_text).unwrap();
    let output = generate(&spec, &out, args);
    let stderr = text(&output.stderr);
    let mut lines = stderr.lines();
    assert!(!output.status.success(), "{case}: accepted");
    assert_eq!(lines.next(), Some(headline), "{case}: {stderr}");
    let shown = spec.display().to_string();
    assert_eq!(
        lines.next().map(|l| l.replace(&shown, "SPEC")),
        Some(location.to_string()),
        "{case}: {stderr}"
    );
    assert_eq!(contents(&out), before, "{case}: the output folder changed");
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\n";

#[test]
fn malformed_yaml_names_line_and_column() {
    rejects(
        "malformed",
        &format!("{HEAD}paths:\n  /a: [unclosed\n"),
        "error: the document is not valid YAML: did not find expected ',' or ']' at line 5 column 1, while parsing a flow sequence at line 4 column 7",
        "  at SPEC:5:1",
    );
}

#[test]
fn swagger_2_is_named_with_a_way_out() {
    rejects(
        "swagger",
        "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n",
        "error: this is a Swagger 2.0 document, not OpenAPI 3",
        "  at SPEC#/swagger",
    );
}

#[test]
fn unresolvable_ref_names_the_reference() {
    rejects(
        "unresolved",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        owner: {{$ref: \"#/components/schemas/Ownr\"}}\n    Owner: {{type: object}}\n"
        ),
        "error: unresolved $ref '#/components/schemas/Ownr'",
        "  at SPEC#/components/schemas/Pet/properties/owner",
    );
}

#[test]
fn cyclic_ref_names_the_cycle() {
    rejects(
        "cyclic",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: \"#/components/schemas/B\"}}\n    B: {{$ref: \"#/components/schemas/A\"}}\n"
        ),
        "error: cyclic $ref: A → B → A",
        "  at SPEC#/components/schemas/A",
    );
}

#[test]
fn a_duplicate_operation_id_is_a_warning_and_with_strict_an_error() {
    let operation = "operationId: getIt\n      responses: {\"204\": {description: ok}}";
    let spec_text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      {operation}\n  /b:\n    get:\n      {operation}\n"
    );
    let headline = "the operationId 'getIt' is also used at #/paths/~1a/get; this operation is \
                    named 'get_b', from its method and path";
    let dir = scratch().join("warnings").join("duplicate");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("spec.yaml");
    fs::write(&spec, &spec_text).unwrap();
    let output = generate(&spec, &dir.join("crate"), &[]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr).replace(&spec.display().to_string(), "SPEC");
    assert_eq!(
        stderr,
        format!("warning: {headline}\n  at SPEC#/paths/~1b/get/operationId\n")
    );
    assert!(fs::read_to_string(dir.join("crate/src/api/default.rs"))
        .unwrap()
        .contains("pub fn get_b("));
    rejects_with(
        "duplicate",
        &spec_text,
        &["--strict"],
        &format!("error: {headline}"),
        "  at SPEC#/paths/~1b/get/operationId",
    );
}

#[test]
fn unsupported_constructs_are_named_where_they_are() {
    rejects(
        "path-item-ref",
        &format!("{HEAD}paths:\n  /a:\n    $ref: \"#/paths/~1a\"\n  /b:\n    get:\n      responses: {{\"204\": {{description: ok}}}}\n"),
        "error: path item $ref '#/paths/~1a' cannot be followed",
        "  at SPEC#/paths/~1a",
    );
    rejects(
        "external-ref",
        &format!(
            "{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    Pet: {{$ref: \"other.yaml#/components/schemas/Pet\"}}\n"
        ),
        "error: unsupported $ref 'other.yaml#/components/schemas/Pet'",
        "  at SPEC#/components/schemas/Pet",
    );
}

#[test]
fn a_folder_that_is_not_a_generated_crate_is_left_alone() {
    let dir = scratch().join("bad-input/not-ours");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("notes.rs"), "// mine\n").unwrap();
    let good = workspace().join("generator/tests/fixtures/formats.yaml");
    let output = generate(&good, &dir, &[]);
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("holds no crate generated by `cargo xtask generate`"));
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
}
