//! The loop an agent runtime or a CI job runs in a sandbox: create it, upload a project, run the
//! project's tests with their output shown as it is written, download the results, and delete
//! the sandbox whatever happened (an error, a failed test, Ctrl-C).
//!
//! ```sh
//! DAYTONA_API_KEY=… cargo run -p daytona-client --example agent_loop -- \
//!     --project ./my-project --command "python3 -m pytest -q --junitxml=report.xml" \
//!     --results report.xml --out ./results
//! ```
//!
//! Without `--project` it uploads a small Python project of its own whose tests write
//! `report.txt`. The exit code is the tests' (1 when the loop itself fails).

use clap::Parser;
use daytona_client::objects::Sandbox;
use daytona_client::runtime::Binary;
use daytona_client::workflows::{ExecEvent, ExecRequest, SandboxSpec};
use daytona_client::{Config, Daytona, Error};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// Runs a project's tests in a fresh Daytona sandbox.
#[derive(Debug, Parser)]
pub struct Args {
    /// The local folder to upload (its files, recursively); a sample project when left out.
    #[arg(long)]
    pub project: Option<PathBuf>,
    /// The command that runs the tests, in the project's folder in the sandbox.
    #[arg(long, default_value = "python3 run_tests.py")]
    pub command: String,
    /// A file the tests write, relative to the project's folder, to download afterwards.
    #[arg(long, default_value = "report.txt")]
    pub results: String,
    /// Where to save the downloaded results.
    #[arg(long, default_value = ".")]
    pub out: PathBuf,
    /// The snapshot to start from (the organization's default when left out).
    #[arg(long)]
    pub snapshot: Option<String>,
    /// The longest the tests may run, in seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

/// The project's folder in the sandbox (relative to the sandbox user's home).
const PROJECT_DIR: &str = "project";

/// The sample project: a module, its tests, and a runner that writes a report.
const SAMPLE: [(&str, &str); 3] = [
    ("calc.py", "def add(a, b):\n    return a + b\n"),
    (
        "test_calc.py",
        "import unittest\nfrom calc import add\n\n\nclass Add(unittest.TestCase):\n    \
         def test_small(self):\n        self.assertEqual(add(2, 2), 4)\n\n    \
         def test_negative(self):\n        self.assertEqual(add(-1, 1), 0)\n",
    ),
    (
        "run_tests.py",
        "import sys, unittest\n\nresult = unittest.main(module='test_calc', exit=False, \
         verbosity=2).result\nwith open('report.txt', 'w') as report:\n    \
         report.write(f'ran {result.testsRun}, failed {len(result.failures) + \
         len(result.errors)}\\n')\nsys.exit(0 if result.wasSuccessful() else 1)\n",
    ),
];

/// What the loop ended with: the tests' exit code and where the results were saved.
#[derive(Debug)]
pub struct Outcome {
    /// The test command's exit code.
    pub exit_code: i64,
    /// The downloaded results file.
    pub results: PathBuf,
}

/// Runs the loop with `config`, writing the sandbox's output to `out` as it comes.
pub async fn run(args: &Args, config: Config, out: &mut dyn Write) -> Result<Outcome, String> {
    let files = project_files(args.project.as_deref())?;
    let daytona = Daytona::new(config).map_err(|e| e.to_string())?;
    let spec = SandboxSpec {
        source: args
            .snapshot
            .clone()
            .map(daytona_client::workflows::SandboxSource::Snapshot),
        labels: [("purpose".to_string(), "agent-loop".to_string())].into(),
        ..SandboxSpec::default()
    };
    let sandbox = daytona.create(&spec).await.map_err(|e| e.to_string())?;
    writeln!(out, "sandbox {} started", sandbox.id()).map_err(|e| e.to_string())?;
    // The work, raced against Ctrl-C; the sandbox is deleted after either.
    let outcome = tokio::select! {
        outcome = work(&sandbox, args, files, out) => outcome.map_err(|e| e.to_string()),
        _ = tokio::signal::ctrl_c() => Err("interrupted".to_string()),
    };
    let id = sandbox.id().to_string();
    let deleted = sandbox.delete().await;
    writeln!(out, "sandbox {id} deleted").map_err(|e| e.to_string())?;
    let outcome = outcome?;
    deleted.map_err(|e| format!("deleting sandbox {id}: {e}"))?;
    Ok(outcome)
}

/// Uploads the project, runs the tests with their output streamed, downloads the results.
async fn work(
    sandbox: &Sandbox,
    args: &Args,
    files: Vec<(String, Binary)>,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let fs = sandbox.fs();
    let count = files.len();
    fs.upload_files(files).await?;
    let _ = writeln!(out, "uploaded {count} files");

    let request = ExecRequest {
        cwd: Some(PROJECT_DIR.to_string()),
        timeout: Duration::from_secs(args.timeout),
        ..ExecRequest::new(&args.command)
    };
    let mut stream = sandbox.process().exec_stream(&request).await?;
    let mut exit_code = None;
    while let Some(event) = stream.next().await {
        match event? {
            ExecEvent::Stdout(bytes) | ExecEvent::Stderr(bytes) => {
                let _ = out.write_all(&bytes);
            }
            ExecEvent::Exit(code) => exit_code = Some(code),
        }
    }
    let exit_code = exit_code.unwrap_or(-1);
    let _ = writeln!(out, "tests exited with {exit_code}");

    let remote = format!("{PROJECT_DIR}/{}", args.results);
    let contents = fs.download_file(&remote).await?.bytes().await?;
    let file_name = Path::new(&args.results)
        .file_name()
        .map_or_else(|| "results".into(), |name| name.to_os_string());
    let results = args.out.join(file_name);
    std::fs::write(&results, &contents)
        .map_err(|e| Error::InvalidArgument(format!("cannot write {}: {e}", results.display())))?;
    let _ = writeln!(out, "results saved to {}", results.display());
    Ok(Outcome { exit_code, results })
}

/// The files to upload as (path in the sandbox, contents): the project's, or the sample's.
fn project_files(project: Option<&Path>) -> Result<Vec<(String, Binary)>, String> {
    let Some(root) = project else {
        return Ok(SAMPLE
            .iter()
            .map(|(name, text)| {
                (
                    format!("{PROJECT_DIR}/{name}"),
                    text.as_bytes().to_vec().into(),
                )
            })
            .collect());
    };
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let contents = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let relative = relative.to_string_lossy().replace('\\', "/");
            files.push((format!("{PROJECT_DIR}/{relative}"), contents.into()));
        }
    }
    if files.is_empty() {
        return Err(format!("{} holds no files", root.display()));
    }
    Ok(files)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    match run(&args, config, &mut std::io::stdout()).await {
        Ok(outcome) => ExitCode::from(u8::try_from(outcome.exit_code).unwrap_or(1)),
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
