//! `cargo xtask spec-diff` as a command line: a reader that stops early (`| head`) ends the
//! output quietly, with no panic.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn a_closed_pipe_ends_the_report_quietly() {
    let history = workspace().join("generator/tests/spec-history");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(workspace())
        .arg("spec-diff")
        .arg(history.join("daytona-api.2025-05-23.yaml"))
        .arg(history.join("daytona-api.2025-07-22.yaml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the xtask binary runs");
    // The reader goes away before the report is written (reading two specs takes far longer
    // than this), so the write meets a closed pipe.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr, "");
}
