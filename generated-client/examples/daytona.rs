//! A small command-line tool over the object layer (`Daytona`, `Sandbox`) and the workflows,
//! reading the same environment variables as the client (`DAYTONA_API_KEY`, `DAYTONA_API_URL`,
//! …).
//!
//! ```text
//! cargo run -p daytona-client --example daytona -- sandbox list [--label key=value]
//! cargo run -p daytona-client --example daytona -- sandbox create [--snapshot NAME | --image IMAGE] [--cpu N] [--memory GIB] [--disk GIB] [--env K=V] [--label K=V] [--auto-stop MINUTES] [--no-wait]
//! cargo run -p daytona-client --example daytona -- sandbox get|start|stop|delete ID
//! cargo run -p daytona-client --example daytona -- sandbox exec ID [--follow] -- COMMAND…
//! cargo run -p daytona-client --example daytona -- sandbox upload ID LOCAL_FILE REMOTE_PATH
//! cargo run -p daytona-client --example daytona -- sandbox download ID REMOTE_PATH LOCAL_FILE
//! cargo run -p daytona-client --example daytona -- snapshot list
//! cargo run -p daytona-client --example daytona -- api-key create NAME_PREFIX [--permission SCOPE]… [--ttl-minutes N]
//! cargo run -p daytona-client --example daytona -- api-key list
//! cargo run -p daytona-client --example daytona -- api-key revoke NAME
//! ```

use clap::{Parser, Subcommand};
use daytona_client::api::sandbox::ListSandboxesParams;
use daytona_client::api::types::Permission;
use daytona_client::runtime::{Binary, Progress};
use daytona_client::workflows::{
    self, EphemeralKeyRequest, ExecEvent, ExecRequest, SandboxSource, SandboxSpec,
};
use daytona_client::{Config, Daytona};
use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// Daytona from the command line.
#[derive(Debug, Parser)]
#[command(name = "daytona")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sandboxes.
    #[command(subcommand)]
    Sandbox(SandboxCommand),
    /// Snapshots.
    #[command(subcommand)]
    Snapshot(SnapshotCommand),
    /// API keys.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
}

#[derive(Debug, Subcommand)]
enum SandboxCommand {
    /// Lists sandboxes, optionally only those with the given labels.
    List {
        /// `key=value`; repeat for more.
        #[arg(long = "label", value_parser = key_value)]
        labels: Vec<(String, String)>,
    },
    /// Creates a sandbox.
    Create {
        #[arg(long, conflicts_with = "image")]
        snapshot: Option<String>,
        #[arg(long)]
        image: Option<String>,
        #[arg(long)]
        cpu: Option<i64>,
        #[arg(long)]
        memory: Option<i64>,
        #[arg(long)]
        disk: Option<i64>,
        #[arg(long = "env", value_parser = key_value)]
        env: Vec<(String, String)>,
        #[arg(long = "label", value_parser = key_value)]
        labels: Vec<(String, String)>,
        /// Minutes of inactivity before it stops.
        #[arg(long, default_value_t = workflows::DEFAULT_AUTO_STOP_MINUTES)]
        auto_stop: i64,
        /// Return as soon as the API has accepted the sandbox, without waiting until it is
        /// started.
        #[arg(long)]
        no_wait: bool,
    },
    /// Shows a sandbox.
    Get { id: String },
    /// Starts a sandbox.
    Start { id: String },
    /// Stops a sandbox.
    Stop { id: String },
    /// Deletes a sandbox.
    Delete { id: String },
    /// Runs a command in a started sandbox.
    Exec {
        id: String,
        #[arg(long)]
        cwd: Option<String>,
        #[arg(long, default_value_t = 600)]
        timeout_seconds: u64,
        /// Print the output as the command writes it, instead of when it ends.
        #[arg(long)]
        follow: bool,
        #[arg(last = true, required = true)]
        command: Vec<String>,
    },
    /// Uploads a local file into a started sandbox, streamed from disk.
    Upload {
        id: String,
        local: std::path::PathBuf,
        remote: String,
    },
    /// Downloads a file from a started sandbox, streamed to disk (the file appears when whole).
    Download {
        id: String,
        remote: String,
        local: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum SnapshotCommand {
    /// Lists snapshots.
    List,
}

#[derive(Debug, Subcommand)]
enum ApiKeyCommand {
    /// Creates an expiring key with the given permissions.
    Create {
        name_prefix: String,
        /// A scope such as `write:sandboxes`; repeat for more.
        #[arg(long = "permission")]
        permissions: Vec<String>,
        #[arg(long, default_value_t = 10)]
        ttl_minutes: u64,
    },
    /// Lists keys (values masked).
    List,
    /// Revokes a key by name.
    Revoke { name: String },
}

fn key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected key=value, got '{text}'"))
}

/// The configuration from `lookup` (the environment, in `main`); the error is one line.
pub fn config(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, String> {
    Config::from_lookup(lookup).map_err(|e| e.to_string())
}

/// Where the tool writes: standard output and standard error in `main`, buffers in tests.
pub struct Output<'a> {
    /// What a command prints as its result.
    pub out: &'a mut (dyn Write + Send),
    /// Diagnostics, and the stderr of a command run in a sandbox.
    pub err: &'a mut (dyn Write + Send),
}

/// Runs the tool; the error is one line for the user.
pub async fn run(cli: Cli, config: Config, output: Output<'_>) -> Result<(), String> {
    let daytona = Daytona::new(config).map_err(|e| e.to_string())?;
    execute(&daytona, cli.command, output)
        .await
        .map_err(|e| e.to_string())
}

async fn execute(
    daytona: &Daytona,
    command: Command,
    output: Output<'_>,
) -> Result<(), Box<dyn std::error::Error>> {
    let Output { out, err } = output;
    let client = daytona.client();
    match command {
        Command::Sandbox(SandboxCommand::List { labels }) => {
            let labels: BTreeMap<_, _> = labels.into_iter().collect();
            let mut params = ListSandboxesParams::default();
            if !labels.is_empty() {
                params = params.with_labels(daytona_client::runtime::json_text(&labels));
            }
            // Printed page by page, as the pages come.
            let mut sandboxes = daytona.list(&params);
            while let Some(sandbox) = sandboxes.next().await {
                let sandbox = sandbox?;
                let state = sandbox.state.as_ref().map_or("-", |s| s.as_str());
                writeln!(out, "{}\t{}\t{state}", sandbox.id, sandbox.name)?;
            }
        }
        Command::Sandbox(SandboxCommand::Create {
            snapshot,
            image,
            cpu,
            memory,
            disk,
            env,
            labels,
            auto_stop,
            no_wait,
        }) => {
            let source = match (snapshot, image) {
                (Some(snapshot), _) => Some(SandboxSource::Snapshot(snapshot)),
                (None, Some(image)) => Some(SandboxSource::Image(image)),
                (None, None) => None,
            };
            let spec = SandboxSpec {
                source,
                cpu,
                memory,
                disk,
                env: env.into_iter().collect(),
                labels: labels.into_iter().collect(),
                auto_stop_minutes: auto_stop,
                ..SandboxSpec::default()
            };
            let spec = if no_wait {
                SandboxSpec { wait: None, ..spec }
            } else {
                spec
            };
            // A spinner on stderr while the sandbox starts (hidden when stderr is not a terminal).
            let progress = indicatif::ProgressBar::new_spinner();
            progress.enable_steady_tick(Duration::from_millis(120));
            progress.set_message("creating the sandbox");
            let created = workflows::create_sandbox_reporting(client, &spec, &mut |sandbox| {
                let state = sandbox.state.as_ref().map_or("-", |s| s.as_str());
                progress.set_message(format!("sandbox {}: {state}", sandbox.id));
            })
            .await;
            progress.finish_and_clear();
            let sandbox = created?;
            let state = sandbox.state.as_ref().map_or("-", |s| s.as_str());
            writeln!(out, "{}\t{state}", sandbox.id)?;
        }
        Command::Sandbox(SandboxCommand::Get { id }) => {
            print_sandbox(out, daytona.get(&id).await?.data())?
        }
        Command::Sandbox(SandboxCommand::Start { id }) => {
            print_sandbox(out, &workflows::start_sandbox(client, &id).await?)?
        }
        Command::Sandbox(SandboxCommand::Stop { id }) => {
            print_sandbox(out, &workflows::stop_sandbox(client, &id).await?)?
        }
        Command::Sandbox(SandboxCommand::Delete { id }) => {
            print_sandbox(out, &workflows::delete_sandbox(client, &id).await?)?
        }
        Command::Sandbox(SandboxCommand::Exec {
            id,
            cwd,
            timeout_seconds,
            follow,
            command,
        }) => {
            let sandbox = daytona.get(&id).await?;
            let mut request = ExecRequest::new(command.join(" "));
            request.cwd = cwd;
            request.timeout = Duration::from_secs(timeout_seconds);
            let process = sandbox.process();
            if follow {
                let mut run = process.exec_stream(&request).await?;
                while let Some(event) = run.next().await {
                    match event? {
                        ExecEvent::Stdout(bytes) => {
                            out.write_all(&bytes)?;
                            out.flush()?;
                        }
                        ExecEvent::Stderr(bytes) => {
                            err.write_all(&bytes)?;
                            err.flush()?;
                        }
                        ExecEvent::Exit(code) => writeln!(out, "exit code: {code}")?,
                    }
                }
                return Ok(());
            }
            let output = process.exec(&request).await?;
            write!(out, "{}", output.stdout)?;
            write!(err, "{}", output.stderr)?;
            if output.combined {
                writeln!(
                    err,
                    "note: this sandbox's toolbox sent stdout and stderr mixed, all above"
                )?;
            }
            writeln!(
                out,
                "exit code: {}",
                output.exit_code.map_or("-".to_string(), |c| c.to_string())
            )?;
        }
        Command::Sandbox(SandboxCommand::Upload { id, local, remote }) => {
            let fs = daytona.get(&id).await?.fs();
            let size = std::fs::metadata(&local)
                .map_err(|e| format!("{}: {e}", local.display()))?
                .len();
            let bar = transfer_bar(size, &format!("uploading {}", local.display()));
            let shown = bar.clone();
            let contents =
                Binary::from_file(&local).on_progress(move |p| shown.set_position(p.done));
            let sent = fs.upload_file(contents, &remote).await;
            bar.finish_and_clear();
            sent?;
            writeln!(
                out,
                "uploaded {} ({size} bytes) to {remote}",
                local.display()
            )?;
        }
        Command::Sandbox(SandboxCommand::Download { id, remote, local }) => {
            let contents = daytona.get(&id).await?.fs().download_file(&remote).await?;
            let bar = transfer_bar(
                contents.content_length().unwrap_or(0),
                &format!("downloading {remote}"),
            );
            let written = contents
                .write_to_file(&local, |p: Progress| bar.set_position(p.done))
                .await;
            bar.finish_and_clear();
            let written = written?;
            writeln!(
                out,
                "downloaded {remote} ({written} bytes) to {}",
                local.display()
            )?;
        }
        Command::Snapshot(SnapshotCommand::List) => {
            let mut snapshots = daytona.snapshots().list(&Default::default());
            while let Some(snapshot) = snapshots.next().await {
                let snapshot = snapshot?;
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    snapshot.id, snapshot.name, snapshot.state
                )?;
            }
        }
        Command::ApiKey(ApiKeyCommand::Create {
            name_prefix,
            permissions,
            ttl_minutes,
        }) => {
            let permissions: Vec<Permission> = permissions
                .iter()
                .map(|p| Permission::from(p.as_str()))
                .collect();
            let request = EphemeralKeyRequest {
                ttl: Duration::from_secs(ttl_minutes * 60),
                ..EphemeralKeyRequest::new(name_prefix, &permissions)
            };
            let key = workflows::create_ephemeral_key(client, &request).await?;
            // Printed once, on purpose: this is how the user receives the key.
            writeln!(
                out,
                "{}\t{}\texpires {}",
                key.name,
                key.key.expose(),
                key.expires_at
            )?;
        }
        Command::ApiKey(ApiKeyCommand::List) => {
            for key in workflows::list_api_keys(client).await? {
                let expires = key
                    .expires_at
                    .map_or("never".to_string(), |t| t.to_string());
                writeln!(out, "{}\t{}\texpires {expires}", key.name, key.value)?;
            }
        }
        Command::ApiKey(ApiKeyCommand::Revoke { name }) => {
            workflows::delete_api_key(client, &name).await?;
            writeln!(out, "revoked {name}")?;
        }
    }
    Ok(())
}

/// A progress bar on stderr for a transfer of `total` bytes (hidden when stderr is not a
/// terminal).
fn transfer_bar(total: u64, message: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_message(message.to_string());
    bar
}

fn print_sandbox(
    out: &mut (dyn Write + Send),
    sandbox: &daytona_client::api::types::Sandbox,
) -> std::io::Result<()> {
    let state = sandbox.state.as_ref().map_or("-", |s| s.as_str());
    writeln!(
        out,
        "{}\t{}\t{state}\t{} CPU, {} GiB, {} GiB disk",
        sandbox.id, sandbox.name, sandbox.cpu, sandbox.memory, sandbox.disk
    )
}

#[allow(dead_code)] // `main` is unused where a test includes this file as a module.
#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match config(|name| std::env::var(name).ok()) {
        Ok(config) => {
            let output = Output {
                out: &mut std::io::stdout(),
                err: &mut std::io::stderr(),
            };
            run(cli, config, output).await
        }
        Err(message) => Err(message),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
