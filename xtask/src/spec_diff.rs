//! `cargo xtask spec-diff`: what changed between two versions of a spec, breaking changes first.

use argh::FromArgs;
use generator::{Generator, Settings, CODEGEN_COMMAND};
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

/// The API changes between two specs (each a file or REV:PATH; none: each spec in
/// specs/ against the merge base with the default branch), breaking first.
#[derive(FromArgs)]
#[argh(subcommand, name = "spec-diff")]
pub struct SpecDiff {
    /// the old and the new spec
    #[argh(positional)]
    sides: Vec<String>,
    /// markdown (default) or json
    #[argh(option, default = "String::from(\"markdown\")")]
    format: String,
    /// exit with 2 when any change breaks
    #[argh(switch)]
    fail_on_breaking: bool,
}

/// Runs the command; exit code 2 when `--fail-on-breaking` and something breaks.
pub fn run(root: &Path, options: SpecDiff) -> Result<ExitCode, String> {
    let json = match options.format.as_str() {
        "json" => true,
        "markdown" => false,
        other => {
            return Err(format!(
                "error: --format takes markdown or json, not {other}"
            ))
        }
    };
    let workspace = generator::files::read_workspace(root).map_err(|e| e.to_string())?;
    let pairs: Vec<(String, String)> = match options.sides.as_slice() {
        [old, new] => vec![(old.to_string(), new.to_string())],
        [] => {
            let base = merge_base(root)?;
            workspace
                .specs
                .iter()
                .map(|spec| {
                    let path = format!("specs/{}", spec.file);
                    (format!("{base}:{path}"), path)
                })
                .collect()
        }
        _ => {
            return Err(
                "error: spec-diff takes two specs (a file or <git-rev>:<path>), or none".into(),
            )
        }
    };
    let mut breaking = false;
    let mut reports = Vec::new();
    for (old, new) in pairs {
        // The settings codegen reads the spec with, so patches and names match; an
        // unconfigured file is read as it is.
        let settings = match workspace.spec_for(&new) {
            Some(spec) => spec.settings(CODEGEN_COMMAND),
            None => Settings::new("api", CODEGEN_COMMAND),
        };
        let generator = Generator::new(settings);
        let old_api = load(root, &old, &generator)?;
        let new_api = load(root, &new, &generator)?;
        let changes = generator::diff::diff(&old_api, &new_api);
        breaking |= changes
            .iter()
            .any(|c| c.severity == generator::diff::Severity::Breaking);
        reports.push(if json {
            generator::diff::json(&old, &new, &changes)
        } else {
            generator::diff::markdown(&old, &new, &changes)
        });
    }
    // A reader that stops early (`| head`) closes the pipe: that ends the output, not the
    // command with a panic.
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{}", reports.join("\n")).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(format!("error: writing the report: {e}"))
        }
        _ => {}
    }
    Ok(if breaking && options.fail_on_breaking {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// A side is a file, or `<git-rev>:<path>` read with `git show`.
fn load(root: &Path, side: &str, generator: &Generator) -> Result<generator::ir::Api, String> {
    let file = [Path::new(side).to_path_buf(), root.join(side)]
        .into_iter()
        .find(|path| path.exists());
    let text = if let Some(path) = file {
        std::fs::read_to_string(&path).map_err(|e| format!("error: cannot read {side}: {e}"))?
    } else if side.contains(':') {
        git(root, &["show", side])?
    } else {
        return Err(format!(
            "error: {side} is neither a file nor <git-rev>:<path>"
        ));
    };
    generator.api(&text, side).map_err(|e| e.to_string())
}

/// The merge base of HEAD and the default branch.
fn merge_base(root: &Path) -> Result<String, String> {
    for branch in [
        "origin/HEAD",
        "origin/main",
        "main",
        "origin/master",
        "master",
    ] {
        if let Ok(base) = git(root, &["merge-base", "HEAD", branch]) {
            return Ok(base.trim().to_string());
        }
    }
    Err("error: cannot find the merge base of HEAD and the default branch; name both specs".into())
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("error: cannot run git: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|e| format!("error: git output: {e}"))
    } else {
        Err(format!(
            "error: git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
