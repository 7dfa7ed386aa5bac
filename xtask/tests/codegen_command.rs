//! `cargo xtask codegen` on a scratch copy of the workspace: check mode names stale files and
//! writes nothing; write mode converges; bad input is an error that changes nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A scratch workspace holding the specs and the checked-in generated code.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&workspace().join("specs"), &dir.join("specs"));
    copy_dir(
        &workspace().join("generated-client/src/generated"),
        &dir.join("generated-client/src/generated"),
    );
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .unwrap()
}

fn snapshot_of(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.clone(), fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn checked_in_code_is_fresh() {
    let root = scratch("fresh");
    let output = xtask(&root, &["codegen", "--check"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_changed_description_makes_check_fail_and_name_the_file() {
    let root = scratch("stale");
    let spec = root.join("specs/daytona-api.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let changed = text.replacen("summary: Get config", "summary: Get the configuration", 1);
    assert_ne!(text, changed);
    fs::write(&spec, changed).unwrap();
    let generated = root.join("generated-client/src/generated");
    let before = snapshot_of(&generated);

    let check = xtask(&root, &["codegen", "--check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stale: generated-client/src/generated/api/config.rs"),
        "{stderr}"
    );
    assert_eq!(snapshot_of(&generated), before, "--check writes nothing");

    let write = xtask(&root, &["codegen"]);
    assert!(write.status.success());
    assert!(fs::read_to_string(generated.join("api/config.rs"))
        .unwrap()
        .contains("Get the configuration"));
    assert!(xtask(&root, &["codegen", "--check"]).status.success());
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_broken_spec_is_an_error_and_nothing_is_written() {
    let root = scratch("broken");
    // The first spec changes validly, the second breaks: the first must not be written either.
    let main = root.join("specs/daytona-api.yaml");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        text.replacen("summary: Get config", "summary: Changed", 1),
    )
    .unwrap();
    let toolbox = root.join("specs/daytona-toolbox.yaml");
    let text = fs::read_to_string(&toolbox).unwrap();
    let reference = "$ref: \"#/components/schemas/GitAddRequest\"";
    assert!(text.contains(reference));
    fs::write(
        &toolbox,
        text.replacen(
            reference,
            "$ref: \"#/components/schemas/GitAddRequestt\"",
            1,
        ),
    )
    .unwrap();
    let generated = root.join("generated-client/src/generated");
    let before = snapshot_of(&generated);

    let output = xtask(&root, &["codegen"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr.trim_end(),
        "error: unresolved $ref '#/components/schemas/GitAddRequestt'\n  \
         at specs/daytona-toolbox.yaml#/paths/~1git~1add/post/requestBody/content/application~1json/schema\n  \
         hint: did you mean '#/components/schemas/GitAddRequest'?"
    );
    assert_eq!(
        snapshot_of(&generated),
        before,
        "a failed run writes nothing"
    );
    fs::remove_dir_all(root).unwrap();
}
