//! cargo-semver-checks, the independent judge of the spec diff's Rust verdicts
//! (`xtask/tests/semver_agreement.rs`): installed from crates.io into `target/tools` at a
//! pinned version, and reinstalled only when that version changes.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned version: the rustdoc JSON formats it reads must include the toolchain's.
pub const VERSION: &str = "0.51.0";

/// Where it is installed, relative to the workspace root.
const ROOT: &str = "target/tools";

/// The binary, installing it first if needed.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let tools = root.join(ROOT);
    let binary = tools.join("bin/cargo-semver-checks");
    let installed = Command::new(&binary)
        .args(["semver-checks", "--version"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if installed.is_some_and(|v| v.split_whitespace().last() == Some(VERSION)) {
        return Ok(binary);
    }
    eprintln!(
        "installing cargo-semver-checks {VERSION} (for the Rust-verdict agreement test) into \
         {ROOT}; it builds once, in a few minutes"
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // Without default features: they fetch baselines from registries and git, which the
    // test, giving both sides as rustdoc JSON, does not use. Its release profile asks for
    // LTO and one codegen unit; a lighter one builds in 4 minutes instead of 7 on 2 cores,
    // and checks a pair of crates in under a second all the same.
    let status = Command::new(cargo)
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1")
        .args([
            "install",
            "cargo-semver-checks",
            "--locked",
            "--no-default-features",
            "--version",
            VERSION,
            "--root",
        ])
        .arg(&tools)
        .status()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if status.success() {
        Ok(binary)
    } else {
        Err(format!(
            "cargo install cargo-semver-checks {VERSION} failed ({status})"
        ))
    }
}
