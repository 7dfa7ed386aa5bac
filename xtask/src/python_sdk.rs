//! Daytona's official Python SDK for the differential test (`generated-client/tests/
//! differential.rs`): installed into a virtual environment under `target/` from the hashed,
//! fully pinned `tools/python-sdk/requirements.txt`, and reinstalled only when that file changes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The requirements file, relative to the workspace root.
const REQUIREMENTS: &str = "tools/python-sdk/requirements.txt";

/// The virtual environment, relative to the workspace root.
const VENV: &str = "target/python-sdk";

/// The environment's Python, installing the SDK first if needed.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let requirements_path = root.join(REQUIREMENTS);
    let requirements = fs::read_to_string(&requirements_path)
        .map_err(|e| format!("cannot read {}: {e}", requirements_path.display()))?;
    let venv = root.join(VENV);
    let python = venv.join("bin/python");
    // The stamp holds the requirements the environment was made from.
    let stamp = venv.join("installed-requirements.txt");
    if python.exists() && fs::read_to_string(&stamp).ok().as_deref() == Some(&requirements) {
        return Ok(python);
    }
    eprintln!("installing Daytona's Python SDK (for the differential test) from {REQUIREMENTS} into {VENV}");
    if venv.exists() {
        fs::remove_dir_all(&venv).map_err(|e| format!("cannot remove {}: {e}", venv.display()))?;
    }
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv (Python 3 with venv is needed for the differential test)",
    )?;
    run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "--no-deps",
                "-r",
            ])
            .arg(&requirements_path),
        "pip install of the official SDK",
    )?;
    fs::write(&stamp, requirements)
        .map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    Ok(python)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}
