//! `cargo xtask`: the thin command line over the `generator` library.

use generator::output::{self, Mode};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen            regenerate the client from the specs in specs/ (see specs/codegen.yaml)
  codegen --check    write nothing; fail and name each stale file if the checked-in code is stale
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => codegen(Mode::Write),
        ["codegen", "--check"] => codegen(Mode::Check),
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

fn codegen(mode: Mode) -> Result<ExitCode, String> {
    let root = workspace_root();
    let generated = generator::codegen(&root).map_err(|e| e.to_string())?;
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
