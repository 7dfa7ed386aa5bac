//! `cargo xtask spec-diff`: what changed between two versions of a spec, each change with its
//! wire and Rust verdicts, and the generated crate's next version.

use argh::FromArgs;
use generator::diff::{policy::Policy, semver, Level};
use generator::{Generator, Settings, CODEGEN_COMMAND};
use std::io::Write;
use std::path::Path;
use std::process::{Command, ExitCode};

/// Where the project keeps its acknowledged changes and level overrides; used when present
/// and no other file is named.
const IGNORE_FILE: &str = "specs/spec-diff-ignore.txt";
const LEVELS_FILE: &str = "specs/spec-diff-levels.txt";

/// The API changes between two specs (each a file or REV:PATH; none: each spec in specs/
/// against the merge base with the default branch), each with its wire and Rust verdicts.
#[derive(FromArgs)]
#[argh(subcommand, name = "spec-diff")]
pub struct SpecDiff {
    /// the old and the new spec
    #[argh(positional)]
    sides: Vec<String>,
    /// markdown (default), json, or github (workflow annotations)
    #[argh(option, default = "String::from(\"markdown\")")]
    format: String,
    /// exit with 1 when an unacknowledged change is at this wire level or above: breaking
    /// (ERR) or warning (WARN)
    #[argh(option)]
    fail_on: Option<String>,
    /// acknowledged changes, one `rule-id location` per line (default: specs/spec-diff-ignore.txt
    /// when it exists)
    #[argh(option)]
    ignore: Option<String>,
    /// wire level overrides, one `rule-id ERR|WARN|INFO|NONE` per line (default:
    /// specs/spec-diff-levels.txt when it exists)
    #[argh(option)]
    severity_levels: Option<String>,
    /// the generated crate's current version, for the proposed next one (default: the
    /// daytona-client version for the project's specs)
    #[argh(option)]
    crate_version: Option<String>,
    /// with no specs named: compare each spec in specs/ with its version at this git revision
    /// (default: the merge base with the default branch)
    #[argh(option)]
    base: Option<String>,
    /// print the rule table (Markdown) and exit
    #[argh(switch)]
    rules: bool,
}

/// Runs the command; exit code 1 when `--fail-on` finds an unacknowledged change at its level.
pub fn run(root: &Path, options: SpecDiff) -> Result<ExitCode, String> {
    if options.rules {
        print(&generator::diff::rules::markdown_table())?;
        return Ok(ExitCode::SUCCESS);
    }
    if !["markdown", "json", "github"].contains(&options.format.as_str()) {
        return Err(format!(
            "error: --format takes markdown, json or github, not {}",
            options.format
        ));
    }
    let fail_on = match options.fail_on.as_deref() {
        None => None,
        Some(text) => match Level::parse(text) {
            Some(level @ (Level::Breaking | Level::Warning)) => Some(level),
            _ => {
                return Err(format!(
                    "error: --fail-on takes breaking (ERR) or warning (WARN), not {text}"
                ))
            }
        },
    };
    let policy = read_policy(root, &options)?;
    let workspace = generator::files::read_workspace(root).map_err(|e| e.to_string())?;
    let pairs: Vec<(String, String)> = match options.sides.as_slice() {
        [old, new] => vec![(old.to_string(), new.to_string())],
        [] => {
            let base = match &options.base {
                Some(base) => base.clone(),
                None => merge_base(root)?,
            };
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
    let mut failing = 0;
    let mut reports = Vec::new();
    for (old, new) in pairs {
        // The settings codegen reads the spec with, so patches and names match; an
        // unconfigured file is read as it is.
        let configured = workspace.spec_for(&new);
        let settings = match configured {
            Some(spec) => spec.settings(CODEGEN_COMMAND),
            None => Settings::new("api", CODEGEN_COMMAND),
        };
        let crate_version = options.crate_version.clone().or_else(|| {
            configured
                .is_some()
                .then(|| client_version(root, &workspace.output))
                .flatten()
        });
        let generator = Generator::new(settings);
        let old_api = load(root, &old, &generator)?;
        let new_api = load(root, &new, &generator)?;
        let applied = policy.apply(generator::diff::diff(&old_api, &new_api));
        for entry in &applied.unmatched {
            eprintln!("note: the ignore file's `{entry}` matches no change in {old} → {new}");
        }
        let changes = applied.changes;
        failing += changes
            .iter()
            .filter(|c| !c.acknowledged && fail_on.is_some_and(|level| c.wire <= level))
            .count();
        let proposal = semver::propose(crate_version.as_deref(), &changes);
        reports.push(match options.format.as_str() {
            "json" => generator::diff::json(&old, &new, &changes, &proposal),
            "github" => generator::diff::github_annotations(&new, &changes),
            _ => generator::diff::markdown(&old, &new, &changes, &proposal),
        });
    }
    print(&reports.join("\n"))?;
    if failing > 0 {
        eprintln!(
            "{failing} unacknowledged change(s) at or above the --fail-on level; acknowledge \
             intended ones in {IGNORE_FILE}"
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout. A reader that stops early (`| head`) closes the pipe: that ends the
/// output, not the command with a panic.
fn print(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("error: writing the report: {e}"))
        }
        _ => Ok(()),
    }
}

/// The level overrides and acknowledgements: the files named, or the project's defaults when
/// they exist.
fn read_policy(root: &Path, options: &SpecDiff) -> Result<Policy, String> {
    let read =
        |named: &Option<String>, default: &str| -> Result<Option<(String, String)>, String> {
            let path = match named {
                Some(path) => Path::new(path).to_path_buf(),
                None if root.join(default).exists() => root.join(default),
                None => return Ok(None),
            };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            Ok(Some((text, path.display().to_string())))
        };
    let mut policy = Policy::default();
    if let Some((text, name)) = read(&options.severity_levels, LEVELS_FILE)? {
        policy = policy
            .with_levels(&text, &name)
            .map_err(|e| format!("error: {e}"))?;
    }
    if let Some((text, name)) = read(&options.ignore, IGNORE_FILE)? {
        policy = policy
            .with_acknowledged(&text, &name)
            .map_err(|e| format!("error: {e}"))?;
    }
    Ok(policy)
}

/// The `version` of the client crate the workspace generates into (its manifest above `output`).
fn client_version(root: &Path, output: &str) -> Option<String> {
    let path = generator::files::client_manifest_path(root, output)?;
    let manifest = crate::generate::read_manifest(&root.join(path)).ok()?;
    Some(
        manifest
            .get("package")?
            .get("version")?
            .as_str()?
            .to_string(),
    )
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
