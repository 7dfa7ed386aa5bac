//! `cargo xtask spec-diff`: what changed between two versions of a spec, breaking changes first.

use generator::config::SpecConfig;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Parsed arguments.
struct Options<'a> {
    sides: Vec<&'a str>,
    json: bool,
    fail_on_breaking: bool,
}

fn parse<'a>(args: &[&'a str]) -> Result<Options<'a>, String> {
    let mut options = Options {
        sides: Vec::new(),
        json: false,
        fail_on_breaking: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--fail-on-breaking" => options.fail_on_breaking = true,
            "--format" => match args.next().copied() {
                Some("json") => options.json = true,
                Some("markdown") => options.json = false,
                other => {
                    return Err(format!(
                        "error: --format takes markdown or json, not {other:?}"
                    ))
                }
            },
            flag if flag.starts_with("--") => return Err(format!("error: unknown option {flag}")),
            side => options.sides.push(side),
        }
    }
    if !matches!(options.sides.len(), 0 | 2) {
        return Err(
            "error: spec-diff takes two specs (a file or <git-rev>:<path>), or none".into(),
        );
    }
    Ok(options)
}

/// Runs the command; exit code 2 when `--fail-on-breaking` and something breaks.
pub fn run(root: &Path, args: &[&str]) -> Result<ExitCode, String> {
    let options = parse(args)?;
    let config = generator::read_config(root).map_err(|e| e.to_string())?;
    let pairs: Vec<(String, String)> = match options.sides.as_slice() {
        [old, new] => vec![(old.to_string(), new.to_string())],
        _ => {
            let base = merge_base(root)?;
            config
                .specs
                .iter()
                .map(|spec| {
                    let path = format!("specs/{}", spec.file);
                    (format!("{base}:{path}"), path)
                })
                .collect()
        }
    };
    let mut breaking = false;
    let mut reports = Vec::new();
    for (old, new) in pairs {
        let spec = spec_config(&config.specs, &new);
        let old_api = load(root, &old, &spec)?;
        let new_api = load(root, &new, &spec)?;
        let changes = generator::diff::diff(&old_api, &new_api);
        breaking |= changes
            .iter()
            .any(|c| c.severity == generator::diff::Severity::Breaking);
        reports.push(if options.json {
            generator::diff::json(&old, &new, &changes)
        } else {
            generator::diff::markdown(&old, &new, &changes)
        });
    }
    println!("{}", reports.join("\n"));
    Ok(if breaking && options.fail_on_breaking {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The configuration of the spec a path names (by file name), so patches and names match what
/// codegen does; an unconfigured file is read as it is.
pub fn spec_config(specs: &[SpecConfig], side: &str) -> SpecConfig {
    let file_name = side.rsplit(['/', ':']).next().unwrap_or(side);
    specs
        .iter()
        .find(|spec| spec.file == file_name)
        .cloned()
        .unwrap_or_else(|| SpecConfig::plain(file_name, "api"))
}

/// A side is a file, or `<git-rev>:<path>` read with `git show`.
fn load(root: &Path, side: &str, spec: &SpecConfig) -> Result<generator::ir::Api, String> {
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
    generator::lower_text(&text, side, spec).map_err(|e| e.to_string())
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
