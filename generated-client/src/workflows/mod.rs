//! The everyday tasks as one call each, on top of the generated functions: sandboxes, commands
//! in a sandbox (waited for or streamed), files in and out, terminals, the code interpreter,
//! and short-lived API keys with limited permissions.
//!
//! Hand-written; it only calls the generated [`api`](crate::api) and
//! [`toolbox`](crate::toolbox) functions. A task that is one request (getting, starting or
//! deleting a sandbox, listing or deleting keys) returns that request's
//! [`Call`](crate::runtime::Call), as the generated functions do: await it, or first give it a
//! [`timeout`](crate::runtime::Call::timeout) or a [`retry`](crate::runtime::Call::retry) policy.

// Each workflow compiles with the features of the operations it calls (a tag's feature turns on
// its subsets, such as `api-sandbox-lifecycle`).
#[cfg(feature = "api-api-keys")]
mod api_keys;
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions"
))]
mod exec;
#[cfg(feature = "toolbox-file-system-transfer")]
pub mod files;
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions",
    feature = "toolbox-interpreter"
))]
mod interpreter;
#[cfg(feature = "api-sandbox-lifecycle")]
mod proxy;
#[cfg(feature = "api-sandbox-lifecycle")]
mod sandboxes;
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-terminals"
))]
mod terminal;
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions"
))]
pub mod toolbox;

#[cfg(feature = "api-api-keys")]
pub use api_keys::{
    create_api_key, create_ephemeral_key, current_api_key, delete_api_key, delete_api_key_for_user,
    get_api_key, list_api_keys, revoke, with_ephemeral_key, EphemeralKey, EphemeralKeyRequest,
    DEFAULT_TTL, MAX_TTL, MIN_TTL,
};
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions"
))]
pub use exec::{exec, exec_stream, ExecEvent, ExecRequest, ExecStream, EXEC_HTTP_MARGIN};
#[cfg(feature = "toolbox-file-system-transfer")]
pub use files::{
    download_file, download_file_to, download_files, download_files_to_dir, upload_file,
    upload_files, Downloaded, Downloads,
};
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions",
    feature = "toolbox-interpreter"
))]
pub use interpreter::{run_code, CodeError, CodeEvent, CodeRun, RunCode};
#[cfg(feature = "api-sandbox-lifecycle")]
pub use proxy::toolbox_client;
#[cfg(all(feature = "api-sandbox-lifecycle", feature = "api-snapshots"))]
pub use sandboxes::list_snapshots;
#[cfg(feature = "api-sandbox-lifecycle")]
pub use sandboxes::{
    create_sandbox, create_sandbox_reporting, delete_sandbox, get_sandbox, list_sandboxes,
    start_sandbox, stop_sandbox, wait_for_state, wait_for_state_reporting, SandboxSource,
    SandboxSpec, WaitOptions, DEFAULT_AUTO_STOP_MINUTES,
};
#[cfg(feature = "api-sandbox-lifecycle")]
pub(crate) use sandboxes::{label_filter, poll, Polled};
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-terminals"
))]
pub use terminal::{
    connect_terminal, open_terminal, Terminal, TerminalExit, TerminalInput, TerminalOptions,
    TerminalOutput,
};
#[cfg(all(
    feature = "api-sandbox-lifecycle",
    feature = "toolbox-process-sessions"
))]
pub use toolbox::{command_logs, CommandOutput, Demux, LogChunk};

/// A suffix that makes names unique enough for sessions and keys: time and a counter.
#[cfg(any(
    feature = "api-api-keys",
    all(
        feature = "api-sandbox-lifecycle",
        any(
            feature = "toolbox-process-sessions",
            feature = "toolbox-process-terminals"
        )
    )
))]
fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!(
        "{millis:x}{:04x}",
        COUNTER.fetch_add(1, Ordering::Relaxed) & 0xffff
    )
}
