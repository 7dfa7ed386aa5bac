//! `cargo xtask`: the thin command line over the `generator` library.

use generator::output::{self, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask [--root DIR] <command>

commands:
  codegen            regenerate the client from the specs in specs/ (see specs/codegen.yaml)
  codegen --check    write nothing; fail and name each stale file if the checked-in code is stale
  test [ARGS]        run the whole test suite (`cargo test --workspace [ARGS]`)

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
        ["test", rest @ ..] => test(rest),
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

/// Runs the workspace's tests with the cargo that runs this command.
fn test(extra: &[&str]) -> Result<ExitCode, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = std::process::Command::new(cargo)
        .args(["test", "--workspace"])
        .args(extra)
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("error: cannot run cargo test: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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
