//! `cargo xtask generate`: the crates it writes for the fixtures, the API-keys spec and public
//! specs compile (in one `cargo check` of one scratch workspace, so dependencies build once);
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

/// The public documents of `@readme/oas-examples` (installed by `.ci/run` from
/// tools/public-specs), except those that use a construct the generator rejects on purpose.
fn public_specs() -> Option<Vec<PathBuf>> {
    let package = workspace().join("tools/public-specs/node_modules/@readme/oas-examples");
    // Rejected with a clear error, which is what they are kept out for: a `$ref` into `paths`
    // and a path item `$ref`.
    const REJECTED: &[&str] = &["circular-paths.json", "server-path-level.json"];
    let mut specs = Vec::new();
    for version in ["3.0", "3.1"] {
        let dir = package.join(version).join("json");
        for entry in fs::read_dir(&dir).ok()? {
            let path = entry.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            if name.ends_with(".json") && !REJECTED.contains(&name.as_str()) {
                specs.push(path);
            }
        }
    }
    specs.sort();
    Some(specs)
}

#[test]
fn generated_crates_compile() {
    let mut specs: Vec<PathBuf> = fs::read_dir(workspace().join("generator/tests/fixtures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    specs.sort();
    specs.push(workspace().join("specs/daytona-api-keys.yaml"));
    match public_specs() {
        Some(public) => specs.extend(public),
        None if std::env::var_os("CI").is_some() => {
            panic!("the public specs are missing: run `npm ci --prefix tools/public-specs`")
        }
        None => println!(
            "SKIPPED the public specs (tools/public-specs/node_modules is missing; \
             `npm ci --prefix tools/public-specs` installs them)"
        ),
    }
    let root = scratch().join("workspace");
    let mut members = Vec::new();
    for spec in &specs {
        let stem = spec
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('.', "_");
        let version = spec
            .parent()
            .and_then(Path::parent)
            .and_then(Path::file_name);
        let name = match version.map(|v| v.to_string_lossy().replace('.', "_")) {
            Some(v) if v.starts_with('3') => format!("oas{v}-{stem}"),
            _ => format!("fixture-{stem}"),
        };
        let output = generate(
            spec,
            &root.join(&name),
            &["--in-workspace", "--crate-name", &name],
        );
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
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let check = Command::new(cargo)
        .args(["check", "--workspace", "--all-targets", "--quiet"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", scratch().join("target"))
        .env("RUSTFLAGS", "-D warnings")
        // Incremental caches of ~50 crates would take gigabytes for nothing.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "generated crates do not compile:\n{}",
        text(&check.stderr)
    );
    println!(
        "{} generated crates compile without warnings",
        members.len()
    );
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
    let dir = scratch().join("bad-input").join(case);
    let _ = fs::remove_dir_all(&dir);
    let out = dir.join("crate");
    let good = workspace().join("generator/tests/fixtures/formats.yaml");
    assert!(generate(&good, &out, &[]).status.success());
    let before = contents(&out);
    let spec = dir.join("spec.yaml");
    fs::write(&spec, spec_text).unwrap();
    let output = generate(&spec, &out, &[]);
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
        "error: the document is not valid YAML or JSON: did not find expected ',' or ']' at line 5 column 1, while parsing a flow sequence at line 4 column 7",
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
fn duplicate_operation_ids_name_the_second() {
    let operation = "operationId: getIt\n      responses: {\"204\": {description: ok}}";
    rejects(
        "duplicate",
        &format!("{HEAD}paths:\n  /a:\n    get:\n      {operation}\n  /b:\n    get:\n      {operation}\n"),
        "error: duplicate operationId 'getIt'",
        "  at SPEC#/paths/~1b/get/operationId",
    );
}

#[test]
fn unsupported_constructs_are_named_where_they_are() {
    rejects(
        "path-item-ref",
        &format!("{HEAD}paths:\n  /a:\n    $ref: \"#/paths/~1b\"\n  /b:\n    get:\n      responses: {{\"204\": {{description: ok}}}}\n"),
        "error: path item $ref '#/paths/~1b' is not supported",
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
