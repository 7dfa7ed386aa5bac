//! Running a command in a started sandbox through its toolbox.

use super::toolbox::{toolbox_client, CommandOutput};
use crate::api::types::{Sandbox, SandboxState};
use crate::runtime::Error;
use crate::toolbox::process;
use crate::toolbox::types::{CreateSessionRequest, SessionExecuteRequest};
use crate::Client;
use std::collections::BTreeMap;
use std::time::Duration;

/// How much longer than the command's own timeout its HTTP request may take: the answer still
/// has to travel back. Daytona's official SDKs add the same 5 seconds.
pub const EXEC_HTTP_MARGIN: Duration = Duration::from_secs(5);

/// A command to run.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecRequest {
    /// The shell command line.
    pub command: String,
    /// The working directory; the sandbox user's home when `None`.
    pub cwd: Option<String>,
    /// Environment variables for this command.
    pub env: BTreeMap<String, String>,
    /// How long the command may run; the session (and the command with it) is ended then.
    /// The command's HTTP request may take this long plus [`EXEC_HTTP_MARGIN`], whatever the
    /// client's configured timeout.
    pub timeout: Duration,
}

impl ExecRequest {
    /// A command with no working directory or environment and a 10 minute limit.
    pub fn new(command: impl Into<String>) -> Self {
        ExecRequest {
            command: command.into(),
            cwd: None,
            env: BTreeMap::new(),
            timeout: Duration::from_secs(600),
        }
    }

    /// The line the session's shell runs: `cd`, exports, then the command.
    fn shell_line(&self) -> String {
        let mut line = String::new();
        if let Some(cwd) = &self.cwd {
            line.push_str(&format!("cd {} && ", quote(cwd)));
        }
        for (name, value) in &self.env {
            line.push_str(&format!("export {name}={} && ", quote(value)));
        }
        line.push_str(&self.command);
        line
    }
}

/// Single-quotes a word for the shell.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Runs a command in a started sandbox and waits for it, returning its exit code, stdout and
/// stderr.
///
/// The command runs in a session of its own, as one synchronous request (as Daytona's official
/// SDKs run it): the request lasts as long as the command, so its time limit is the command's
/// [`timeout`](ExecRequest::timeout) plus [`EXEC_HTTP_MARGIN`], not the client's. Past its
/// timeout the command is an [`Error::Deadline`] and the session is deleted, which ends it.
/// A sandbox that is not started is an [`Error::UnexpectedState`] before any toolbox request.
pub async fn exec(
    client: &Client,
    sandbox: &Sandbox,
    request: &ExecRequest,
) -> Result<CommandOutput, Error> {
    if sandbox.state != Some(SandboxState::Started) {
        return Err(Error::UnexpectedState {
            subject: format!("sandbox {}", sandbox.id),
            state: sandbox
                .state
                .as_ref()
                .map_or_else(|| "in no known state".to_string(), |s| s.to_string()),
            reason: Some("commands run only in a started sandbox".to_string()),
        });
    }
    let toolbox = toolbox_client(client, sandbox);
    let session_id = format!("exec-{}", unique_suffix());
    let session = CreateSessionRequest {
        session_id: session_id.clone(),
    };
    process::create_session(&toolbox, &session).await?;
    let body = SessionExecuteRequest {
        command: request.shell_line(),
        run_async: Some(false),
        ..Default::default()
    };
    let run = process::session_execute_command(&toolbox, &session_id, &body)
        .timeout(request.timeout + EXEC_HTTP_MARGIN);
    let outcome = tokio::time::timeout(request.timeout, run).await;
    // Deleting the session ends its shell and anything still running in it.
    let cleanup = process::delete_session(&toolbox, &session_id).await;
    let response = match outcome {
        Ok(response) => response?,
        Err(_) => {
            return Err(Error::Deadline {
                what: format!("`{}` to finish", request.command),
                waited: request.timeout,
                last: "running".to_string(),
            })
        }
    };
    if let Err(error) = cleanup {
        tracing::warn!(%error, session = %session_id, "could not delete the exec session");
    }
    Ok(CommandOutput::from_execute(response))
}

/// A suffix that makes names unique enough for sessions and keys: time and a counter.
pub(crate) fn unique_suffix() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_line_changes_directory_and_exports_quoted_values() {
        let mut request = ExecRequest::new("echo $GREETING");
        request.cwd = Some("/home/it's".into());
        request.env.insert("GREETING".into(), "hello world".into());
        assert_eq!(
            request.shell_line(),
            r"cd '/home/it'\''s' && export GREETING='hello world' && echo $GREETING"
        );
    }
}
