//! `cargo xtask`: the thin command line over the `generator` library.

mod prism;
mod python_sdk;
mod spec_diff;
mod test_run;

use generator::output::{self, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command>

commands:
  codegen            regenerate the client from the specs in specs/ (see specs/codegen.yaml)
  codegen --check    write nothing; fail and name each stale file if the checked-in code is stale
  spec-diff [OLD NEW] [--format markdown|json] [--fail-on-breaking]
                     the API changes between two specs (each a file or <git-rev>:<path>;
                     none: each spec in specs/ against the merge base with the default
                     branch), breaking first; --fail-on-breaking exits 2 when any breaks
  generate --spec FILE --out DIR [--crate-name NAME] [--in-workspace]
                     write a complete client crate for any OpenAPI 3.0/3.1 document (YAML or
                     JSON) into DIR; --in-workspace leaves out the manifest's own [workspace]
  render SPEC DIR    generate one spec's modules into DIR (used by the benchmark)
  bench              codegen and build-time benchmark against progenitor and openapi-generator,
                     then the client's criterion benchmarks (installs the peers when missing)
  test [ARGS]        run the whole test suite (`cargo test --workspace [ARGS]`), with Prism mock
                     servers for the specs started before and stopped after, and Daytona's
                     Python SDK installed for the differential test

options:
  --root DIR         the workspace to work on (default: this checkout)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    let root = match args.as_slice() {
        ["--root", dir, ..] => {
            let root = PathBuf::from(dir);
            args.drain(..2);
            root
        }
        _ => workspace_root(),
    };
    let result = match args.as_slice() {
        ["codegen"] => codegen(&root, Mode::Write),
        ["codegen", "--check"] => codegen(&root, Mode::Check),
        ["test", rest @ ..] => test_run::run(&workspace_root(), rest),
        ["spec-diff", rest @ ..] => spec_diff::run(&root, rest),
        ["generate", rest @ ..] => generate(rest),
        ["render", spec, out] => render(&root, spec, Path::new(out)),
        ["bench"] => bench(&root),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: the parent of this crate's folder.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Generates one spec (with its configuration when `specs/codegen.yaml` names it) into `out`.
fn render(root: &Path, spec: &str, out: &Path) -> Result<ExitCode, String> {
    let config = generator::read_config(root).map_err(|e| e.to_string())?;
    let spec_config = spec_diff::spec_config(&config.specs, spec);
    let api =
        generator::load_api(Path::new(spec), spec, &spec_config).map_err(|e| e.to_string())?;
    let files = generator::render_api(
        &api,
        &spec_config.module,
        "cargo xtask render",
        generator::emit::TestSupport::Include,
    )
    .map_err(|e| e.to_string())?;
    output::sync(out, &files, Mode::Write)
        .map_err(|e| format!("error: writing {}: {e}", out.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Writes a standalone crate for one spec; nothing is written unless the whole crate generated.
fn generate(args: &[&str]) -> Result<ExitCode, String> {
    let mut spec = None;
    let mut out = None;
    let mut crate_name = None;
    let mut own_workspace = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--spec" => spec = rest.next().copied(),
            "--out" => out = rest.next().copied(),
            "--crate-name" => crate_name = rest.next().copied(),
            "--in-workspace" => own_workspace = false,
            other => return Err(format!("error: unknown argument '{other}'\n\n{USAGE}")),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else {
        return Err(format!("error: generate needs --spec and --out\n\n{USAGE}"));
    };
    let out = Path::new(out);
    generator::scaffold::check_writable(out).map_err(|e| e.to_string())?;
    let files = generator::generate_crate(Path::new(spec), spec, |api| {
        let mut options = generator::scaffold::CrateOptions::new(api, crate_name)?;
        options.own_workspace = own_workspace;
        Ok(options)
    })
    .map_err(|e| e.to_string())?;
    let outcome = output::sync(out, &files, Mode::Write)
        .map_err(|e| format!("error: writing {}: {e}", out.display()))?;
    println!(
        "generated {} files into {} ({} changed)",
        files.len(),
        out.display(),
        outcome.stale.len() + outcome.extra.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `tools/bench/bench.py`, which measures this project against its peers.
fn bench(root: &Path) -> Result<ExitCode, String> {
    let status = std::process::Command::new("python3")
        .arg(root.join("tools/bench/bench.py"))
        .current_dir(root)
        .status()
        .map_err(|e| format!("error: cannot run python3: {e}"))?;
    Ok(exit_code(status))
}

/// Success or failure, as a child process ended.
pub(crate) fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn codegen(root: &Path, mode: Mode) -> Result<ExitCode, String> {
    let generated = generator::codegen(root).map_err(|e| e.to_string())?;
    let output_dir = root.join(&generated.output_dir);
    let outcome = output::sync(&output_dir, &generated.files, mode).map_err(|e| {
        format!(
            "error: cannot update the generated files: {e}\n  at {}",
            generated.output_dir.display()
        )
    })?;
    let shown = |path: &PathBuf| generated.output_dir.join(path).display().to_string();
    match mode {
        Mode::Check if !outcome.is_fresh() => {
            eprintln!("error: the generated client is stale; run `cargo xtask codegen`");
            for path in &outcome.stale {
                eprintln!("  stale: {}", shown(path));
            }
            for path in &outcome.extra {
                eprintln!("  no longer generated: {}", shown(path));
            }
            Ok(ExitCode::FAILURE)
        }
        Mode::Check => {
            println!(
                "generated code is up to date ({} files)",
                generated.files.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Mode::Write => {
            for path in &outcome.stale {
                println!("wrote {}", shown(path));
            }
            for path in &outcome.extra {
                println!("removed {}", shown(path));
            }
            println!(
                "{} files generated, {} changed",
                generated.files.len(),
                outcome.stale.len() + outcome.extra.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
