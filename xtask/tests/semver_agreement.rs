//! An independent judge for the spec diff's Rust verdicts: cargo-semver-checks run on the crates
//! `cargo xtask generate` writes for consecutive Daytona specs. Every finding of
//! cargo-semver-checks must be among the items our Rust-breaking changes name, and every item
//! we name that it does not find must have a known reason (it has no lint for a changed type).
//!
//! It needs cargo-semver-checks, which `cargo xtask test` installs (into target/tools) and
//! names in `CARGO_SEMVER_CHECKS`; a plain `cargo test` lists it as ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The dated specs, oldest first; each consecutive pair is compared.
const VERSIONS: [&str; 4] = ["2025-05-23", "2025-07-22", "2025-11-27", "2026-04-27"];

fn spec(version: &str) -> PathBuf {
    workspace().join(format!(
        "generator/tests/spec-history/daytona-api.{version}.yaml"
    ))
}

fn run(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{text}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

/// Generates the crate for `version` and writes its rustdoc JSON; returns the JSON's path.
fn rustdoc_json(work: &Path, version: &str) -> PathBuf {
    rustdoc_json_of(work, version, &spec(version))
}

/// Generates the crate for the spec at `spec`, in `work/<name>`, and writes its rustdoc JSON.
fn rustdoc_json_of(work: &Path, name: &str, spec: &Path) -> PathBuf {
    let crate_dir = work.join(name);
    run(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(workspace())
            .args(["generate", "--crate-name", "daytona-history", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(&crate_dir),
        "xtask generate",
    );
    let target = work.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // rustdoc's JSON output is unstable; cargo-semver-checks reads it the same way.
    run(
        Command::new(cargo)
            .args(["rustdoc", "--quiet", "--lib", "--manifest-path"])
            .arg(crate_dir.join("Cargo.toml"))
            .args(["--", "-Zunstable-options", "--output-format", "json"])
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("RUSTFLAGS"),
        "cargo rustdoc",
    );
    let json = work.join(format!("{name}.json"));
    std::fs::copy(target.join("doc/daytona_history.json"), &json).unwrap();
    json
}

/// The last `n` segments of a Rust path.
fn tail(path: &str, n: usize) -> String {
    let segments: Vec<&str> = path.split("::").collect();
    segments[segments.len().saturating_sub(n)..].join("::")
}

/// One entry of a lint's "Failed in:" list, as both sides name items: `module::function`,
/// `Type`, `Type.field`, `Type::Variant`, `mod module`.
fn item(entry: &str) -> String {
    let entry = entry.split(", previously in").next().unwrap_or(entry);
    let entry = entry.split(" in src/").next().unwrap_or(entry);
    let entry = entry.split(" in file ").next().unwrap_or(entry);
    let words: Vec<&str> = entry.split_whitespace().collect();
    match words.as_slice() {
        // `field NAME of struct TYPE` (a field removed) or `field TYPE.NAME`.
        ["field", name, "of", "struct", ty, ..] => format!("{ty}.{name}"),
        ["field", field, ..] => field.to_string(),
        // A new variant is printed `Enum:Variant`, a removed one `Enum::Variant`.
        ["variant", variant, ..] => variant.replace("::", ":").replace(':', "::"),
        ["mod", path, ..] => format!("mod {}", tail(path, 1)),
        ["function", path, ..] => tail(path, 2),
        [_kind, path, ..] if !words[0].contains("::") => tail(path, 1),
        // `PATH now takes N parameters instead of M`.
        [path, ..] => tail(path, 2),
        [] => String::new(),
    }
}

/// cargo-semver-checks' findings: lint → items, from its human-readable report.
fn findings(report: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lint = None;
    let mut listing = false;
    for line in report.lines() {
        if let Some(rest) = line.strip_prefix("--- failure ") {
            lint = rest.split(':').next().map(str::to_string);
            listing = false;
        } else if line.starts_with("--- warning ") {
            lint = None;
        } else if line == "Failed in:" {
            listing = lint.is_some();
        } else if listing && line.starts_with("  ") {
            found
                .entry(lint.clone().unwrap_or_default())
                .or_default()
                .insert(item(line.trim()));
        } else if line.trim().is_empty() {
            listing = false;
        }
    }
    found
}

/// Our Rust-breaking changes: item → whether every change naming it is a type change.
fn ours(old: &Path, new: &Path) -> (usize, BTreeMap<String, bool>) {
    let report = run(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("--root")
            .arg(workspace())
            .args(["spec-diff", "--format", "json"])
            .arg(old)
            .arg(new),
        "xtask spec-diff",
    );
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    let mut items: BTreeMap<String, bool> = BTreeMap::new();
    let mut count = 0;
    for change in report["changes"].as_array().unwrap() {
        let rust = &change["rust"];
        if rust["impact"] != "breaking" {
            continue;
        }
        count += 1;
        let type_change = rust["type_change"].as_bool().unwrap();
        for item in rust["items"].as_array().unwrap() {
            let only_types = items
                .entry(item.as_str().unwrap().to_string())
                .or_insert(true);
            *only_types &= type_change;
        }
    }
    (count, items)
}

#[test]
#[ignore = "needs cargo-semver-checks: `cargo xtask test` installs it"]
fn rust_verdicts_agree_with_cargo_semver_checks() {
    let checker = std::env::var("CARGO_SEMVER_CHECKS")
        .expect("CARGO_SEMVER_CHECKS names the cargo-semver-checks binary");
    let work = workspace().join("target/semver-agreement");
    std::fs::create_dir_all(&work).unwrap();
    let docs: Vec<PathBuf> = VERSIONS.iter().map(|v| rustdoc_json(&work, v)).collect();
    let mut problems = Vec::new();
    for (i, pair) in VERSIONS.windows(2).enumerate() {
        // Judged as a minor release: what fails then needs a major one, as a Rust-breaking
        // change does (deprecations and the like, which need a minor release, do not fail).
        let output = Command::new(&checker)
            .args([
                "semver-checks",
                "--color",
                "never",
                "--release-type",
                "minor",
            ])
            .arg("--baseline-rustdoc")
            .arg(&docs[i])
            .arg("--current-rustdoc")
            .arg(&docs[i + 1])
            .output()
            .expect("cargo-semver-checks runs");
        let report = String::from_utf8_lossy(&output.stdout);
        let summary = String::from_utf8_lossy(&output.stderr);
        // 0: nothing found; 100 (its code for semver violations): a report to read.
        assert!(
            matches!(output.status.code(), Some(0 | 100)) && summary.contains("Checked"),
            "cargo-semver-checks failed ({}): {summary}",
            output.status
        );
        let theirs = findings(&report);
        let (changes, our_items) = ours(&spec(pair[0]), &spec(pair[1]));
        let their_items: BTreeSet<&String> = theirs.values().flatten().collect();
        let unmatched: Vec<&String> = their_items
            .iter()
            .copied()
            .filter(|item| match item.strip_prefix("mod ") {
                // A module goes when every function in it goes; we name the functions.
                Some(module) => !our_items
                    .keys()
                    .any(|ours| ours.starts_with(&format!("{module}::"))),
                None => !our_items.contains_key(*item),
            })
            .collect();
        let only_ours = our_items
            .iter()
            .filter(|(item, _)| !their_items.contains(item));
        let type_changes = only_ours.clone().filter(|(_, types)| **types).count();
        let unexplained: Vec<&String> = only_ours
            .filter(|(_, types)| !**types)
            .map(|(item, _)| item)
            .collect();
        println!(
            "{} → {}: ours {changes} Rust-breaking changes naming {} items; cargo-semver-checks \
             {} findings in {} lints; {} of its findings we do not name; {} items only we name, \
             all type changes (it has no lint for a changed type); {} only we name otherwise",
            pair[0],
            pair[1],
            our_items.len(),
            their_items.len(),
            theirs.len(),
            unmatched.len(),
            type_changes,
            unexplained.len(),
        );
        for (lint, items) in &theirs {
            println!("  {lint}: {}", items.len());
        }
        if !unmatched.is_empty() {
            problems.push(format!(
                "{} → {}: cargo-semver-checks finds what we do not call Rust-breaking: {unmatched:?}",
                pair[0], pair[1]
            ));
        }
        if !unexplained.is_empty() {
            problems.push(format!(
                "{} → {}: we call these Rust-breaking and cargo-semver-checks does not, with no \
                 known reason: {unexplained:?}",
                pair[0], pair[1]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Runs cargo-semver-checks on two rustdoc JSON files as a minor release: its exit code and
/// its report.
fn semver_checks(checker: &str, old: &Path, new: &Path) -> (Option<i32>, String) {
    let output = Command::new(checker)
        .args([
            "semver-checks",
            "--color",
            "never",
            "--release-type",
            "minor",
        ])
        .arg("--baseline-rustdoc")
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .output()
        .expect("cargo-semver-checks runs");
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(
        summary.contains("Checked"),
        "cargo-semver-checks failed: {summary}"
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// What the generated crates promise: a new optional property in a request model, a new value
/// of an enum and a new optional query parameter break no code written against the crate
/// (request models and `…Params` are `#[non_exhaustive]` with setters, enums
/// `#[non_exhaustive]`). Both cargo-semver-checks and the spec diff agree.
#[test]
#[ignore = "needs cargo-semver-checks: `cargo xtask test` installs it"]
fn additions_to_requests_and_enums_break_no_code() {
    let checker = std::env::var("CARGO_SEMVER_CHECKS")
        .expect("CARGO_SEMVER_CHECKS names the cargo-semver-checks binary");
    let work = workspace().join("target/semver-additions");
    std::fs::create_dir_all(&work).unwrap();
    let old_spec = workspace().join("specs/daytona-api-keys.yaml");
    let old_text = std::fs::read_to_string(&old_spec).unwrap();
    let new_text = add_to_api_keys_spec(&old_text);
    assert_ne!(new_text, old_text);
    let new_spec = work.join("daytona-api-keys.added.yaml");
    std::fs::write(&new_spec, &new_text).unwrap();

    let old_doc = rustdoc_json_of(&work, "before", &old_spec);
    let new_doc = rustdoc_json_of(&work, "after", &new_spec);
    let (code, report) = semver_checks(&checker, &old_doc, &new_doc);
    assert_eq!(
        code,
        Some(0),
        "cargo-semver-checks finds a breaking change:\n{report}"
    );

    let (breaking, _) = ours(&old_spec, &new_spec);
    assert_eq!(breaking, 0, "the spec diff calls an addition Rust-breaking");
    // The additions are there: the new field's setter, the new variant, the new parameter.
    let generated = |file: &str| std::fs::read_to_string(work.join("after/src/api").join(file));
    let types = generated("types.rs").unwrap();
    assert!(
        types.contains("pub fn with_label("),
        "no setter for the new property"
    );
    assert!(
        types.contains("ReadSecrets"),
        "no variant for the new value"
    );
    let keys = generated("api_keys.rs").unwrap();
    assert!(
        keys.contains("pub fn with_prefix("),
        "no setter for the new parameter"
    );
}

/// The API keys spec with a new optional request property (`CreateApiKey.label`), a new
/// permission value (`read:secrets`, in every list of permissions, which share one enum) and a
/// new optional query parameter of `listApiKeys` (`prefix`).
fn add_to_api_keys_spec(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if line.trim() == "- read:audit_logs" {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(&format!("{indent}- read:secrets\n"));
        }
    }
    out.replacen(
        "    CreateApiKey:\n      type: object\n      properties:\n",
        "    CreateApiKey:\n      type: object\n      properties:\n        label:\n          type: string\n          description: A label.\n",
        1,
    )
    .replacen(
        "      operationId: listApiKeys\n      parameters:\n",
        "      operationId: listApiKeys\n      parameters:\n      - name: prefix\n        in: query\n        required: false\n        schema:\n          type: string\n",
        1,
    )
}

#[test]
fn semver_checks_reports_are_read_item_by_item() {
    let report = "\
--- failure enum_variant_added: enum variant added on exhaustive enum ---

Description:
A publicly-visible enum without #[non_exhaustive] has a new variant.

Failed in:
  variant Permission:WriteSnapshots in src/api/types.rs:16

--- failure function_missing: pub fn removed or renamed ---

Failed in:
  function daytona_history::api::nodes::list_nodes, previously in file src/api/nodes.rs:8
  mod daytona_history::api::nodes, previously in file src/api/nodes.rs:1
  field Workspace.class in src/api/types.rs:2998
  field domain of struct CreateRunner, previously in file src/api/types.rs:1783
  struct daytona_history::api::sandbox::GetSandboxRegionsParams, previously in file src/api/sandbox.rs:212
  daytona_history::api::runners::list_runners now takes 2 parameters instead of 1, in src/api/runners.rs:14
";
    let found = findings(report);
    assert_eq!(
        found["enum_variant_added"],
        BTreeSet::from(["Permission::WriteSnapshots".to_string()])
    );
    assert_eq!(
        found["function_missing"],
        BTreeSet::from([
            "nodes::list_nodes".to_string(),
            "mod nodes".to_string(),
            "Workspace.class".to_string(),
            "CreateRunner.domain".to_string(),
            "GetSandboxRegionsParams".to_string(),
            "runners::list_runners".to_string(),
        ])
    );
}
