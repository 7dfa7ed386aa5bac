//! `cargo xtask`: the thin command line over the `generator` library, one verb per job.
//!
//! Arguments are parsed with argh: a small derive-based parser made for command lines like this
//! one (subcommands, switches, options, a greedy tail for `test`), with usage text from the doc
//! comments, at a fraction of clap's build time, which CI pays on every run.

mod generate;
mod prism;
mod python_sdk;
mod semver_checks;
mod spec_diff;
mod test_run;

use argh::FromArgs;
use generator::files::Mode;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The project's commands: codegen, standalone crates, spec diffs, benchmarks, tests.
#[derive(FromArgs)]
struct Xtask {
    /// the workspace to work on (default: this checkout)
    #[argh(option)]
    root: Option<PathBuf>,
    #[argh(subcommand)]
    command: Command,
}

#[derive(FromArgs)]
#[argh(subcommand)]
enum Command {
    Codegen(Codegen),
    Generate(generate::Generate),
    SpecDiff(spec_diff::SpecDiff),
    Bench(Bench),
    Test(Test),
}

/// Regenerate the client from the specs in specs/ (see specs/codegen.yaml).
#[derive(FromArgs)]
#[argh(subcommand, name = "codegen")]
struct Codegen {
    /// write nothing; fail and name each stale file if the checked-in code is stale
    #[argh(switch)]
    check: bool,
}

/// Codegen and build-time benchmarks against progenitor and openapi-generator, then the
/// client's criterion benchmarks, its 1 GiB transfers against bare reqwest, its soak run
/// under load and faults, the generator on a pathological document, and GitHub's REST API built
/// whole and with three tags (installs the peers and that spec when missing).
#[derive(FromArgs)]
#[argh(subcommand, name = "bench")]
struct Bench {}

/// The whole test suite (`cargo test --workspace`), with Prism mock servers started, the public
/// specs, Daytona's Python SDK and cargo-semver-checks installed; arguments go to `cargo test`.
#[derive(FromArgs)]
#[argh(subcommand, name = "test")]
struct Test {
    /// arguments for `cargo test` (after `--`: for the test binaries)
    #[argh(positional, greedy)]
    args: Vec<String>,
}

/// The generator allocates many small token trees: mimalloc makes codegen about a fifth faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let xtask = parse_args(std::env::args().collect());
    let root = xtask.root.unwrap_or_else(workspace_root);
    let result = match xtask.command {
        Command::Codegen(codegen) => run_codegen(
            &root,
            if codegen.check {
                Mode::Check
            } else {
                Mode::Write
            },
        ),
        Command::Generate(args) => generate::run(&root, args),
        Command::SpecDiff(args) => spec_diff::run(&root, args),
        Command::Bench(Bench {}) => bench(&root),
        Command::Test(Test { args }) => {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            test_run::run(&root, &args)
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

/// The command line, parsed. Everything after `test` goes to `cargo test` as it is (`cargo
/// xtask test -p daytona-client -- name`), so a `--` is put in front of it for argh.
fn parse_args(mut args: Vec<String>) -> Xtask {
    let command = args.first().cloned().unwrap_or_else(|| "xtask".to_string());
    let mut at = 1;
    while at < args.len() {
        match args[at].as_str() {
            "--root" => at += 2,
            "test" => {
                args.insert(at + 1, "--".to_string());
                break;
            }
            _ => break,
        }
    }
    let rest: Vec<&str> = args.iter().skip(1).map(String::as_str).collect();
    Xtask::from_args(&[&command], &rest).unwrap_or_else(|early_exit| {
        std::process::exit(match early_exit.status {
            Ok(()) => {
                println!("{}", early_exit.output);
                0
            }
            Err(()) => {
                eprintln!(
                    "{}\nRun cargo xtask --help for more information.",
                    early_exit.output
                );
                2
            }
        })
    })
}

/// The workspace root: the parent of this crate's folder.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
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

fn run_codegen(root: &Path, mode: Mode) -> Result<ExitCode, String> {
    let generated = generator::codegen(root).map_err(|e| e.to_string())?;
    let output_dir = root.join(&generated.output_dir);
    let outcome = generator::files::sync(&output_dir, &generated.files, mode).map_err(|e| {
        format!(
            "error: cannot update the generated files: {e}\n  at {}",
            generated.output_dir.display()
        )
    })?;
    let shown = |path: &PathBuf| generated.output_dir.join(path).display().to_string();
    let mut stale: Vec<String> = outcome.stale.iter().map(shown).collect();
    let extra: Vec<String> = outcome.extra.iter().map(shown).collect();
    // The client's manifest lists a feature per tag, between markers.
    if let Some(manifest) = &generated.manifest {
        let fresh = generator::files::sync_one(root, manifest, mode)
            .map_err(|e| format!("error: cannot update {}: {e}", manifest.path.display()))?;
        if !fresh {
            stale.push(format!("{} (its tag features)", manifest.path.display()));
        }
    }
    let count = generated.files.len() + usize::from(generated.manifest.is_some());
    match mode {
        Mode::Check if !stale.is_empty() || !extra.is_empty() => {
            eprintln!("error: the generated client is stale; run `cargo xtask codegen`");
            for path in &stale {
                eprintln!("  stale: {path}");
            }
            for path in &extra {
                eprintln!("  no longer generated: {path}");
            }
            Ok(ExitCode::FAILURE)
        }
        Mode::Check => {
            println!("generated code is up to date ({count} files)");
            Ok(ExitCode::SUCCESS)
        }
        Mode::Write => {
            for path in &stale {
                println!("wrote {path}");
            }
            for path in &extra {
                println!("removed {path}");
            }
            println!(
                "{count} files generated, {} changed",
                stale.len() + extra.len()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
