//! The everyday tasks as one call each, on top of the generated functions: sandboxes, commands
//! in a sandbox (waited for or streamed), files in and out, terminals, the code interpreter,
//! and short-lived API keys with limited permissions.
//!
//! Hand-written; it only calls the generated [`api`](crate::api) and
//! [`toolbox`](crate::toolbox) functions.

mod api_keys;
mod exec;
pub mod files;
mod interpreter;
mod sandboxes;
mod terminal;
pub mod toolbox;

pub use api_keys::{
    create_api_key, create_ephemeral_key, current_api_key, delete_api_key, delete_api_key_for_user,
    get_api_key, list_api_keys, revoke, with_ephemeral_key, EphemeralKey, EphemeralKeyRequest,
    DEFAULT_TTL, MAX_TTL, MIN_TTL,
};
pub use exec::{exec, exec_stream, ExecEvent, ExecRequest, ExecStream, EXEC_HTTP_MARGIN};
pub use files::{
    download_file, download_file_to, download_files, download_files_to_dir, upload_file,
    upload_files, Downloaded, Downloads,
};
pub use interpreter::{run_code, CodeError, CodeEvent, CodeRun, RunCode};
pub use sandboxes::{
    create_sandbox, create_sandbox_reporting, delete_sandbox, get_sandbox, list_sandboxes,
    list_snapshots, start_sandbox, stop_sandbox, wait_for_state, wait_for_state_reporting,
    SandboxSource, SandboxSpec, WaitOptions, DEFAULT_AUTO_STOP_MINUTES,
};
pub use terminal::{
    connect_terminal, open_terminal, Terminal, TerminalExit, TerminalInput, TerminalOptions,
    TerminalOutput,
};
pub use toolbox::{command_logs, toolbox_client, CommandOutput, Demux, LogChunk};
