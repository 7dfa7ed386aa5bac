//! Running a command in a started sandbox through its toolbox.

use super::proxy::toolbox_client;
use super::toolbox::{CommandOutput, Demux, LogChunk};
use crate::api::types::{Sandbox, SandboxState};
use crate::runtime::{Error, Message, WebSocket};
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

/// Single-quotes a word for the shell: each `'` in it becomes `'\''`. A loop over the
/// characters, because `str::replace` compiles a pattern searcher into this crate.
fn quote(word: &str) -> String {
    let mut quoted = String::with_capacity(word.len() + 2);
    quoted.push('\'');
    for c in word.chars() {
        if c == '\'' {
            quoted.push_str(r"'\''");
        } else {
            quoted.push(c);
        }
    }
    quoted.push('\'');
    quoted
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
    let (toolbox, session_id) = open_session(client, sandbox).await?;
    let body = SessionExecuteRequest {
        command: request.shell_line(),
        run_async: Some(false),
        ..Default::default()
    };
    let run = process::session_execute_command(&toolbox, &session_id, &body)
        .timeout(request.timeout + EXEC_HTTP_MARGIN);
    let outcome = crate::runtime::time::timeout(request.timeout, run).await;
    // Deleting the session ends its shell and anything still running in it.
    delete_session(&toolbox, &session_id).await;
    let response = match outcome {
        Some(response) => response?,
        None => {
            return Err(Error::Deadline {
                what: format!("`{}` to finish", request.command),
                waited: request.timeout,
                last: "running".to_string(),
            })
        }
    };
    Ok(CommandOutput::from_execute(response))
}

/// A toolbox client for a started sandbox and a new session of its own; a sandbox that is not
/// started is an [`Error::UnexpectedState`] before any toolbox request.
async fn open_session(client: &Client, sandbox: &Sandbox) -> Result<(Client, String), Error> {
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
    let session_id = format!("exec-{}", super::unique_suffix());
    let session = CreateSessionRequest {
        session_id: session_id.clone(),
    };
    process::create_session(&toolbox, &session).await?;
    Ok((toolbox, session_id))
}

/// What a streamed command produced, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecEvent {
    /// Bytes the command wrote to standard output.
    Stdout(Vec<u8>),
    /// Bytes the command wrote to standard error.
    Stderr(Vec<u8>),
    /// The command ended with this exit code; the last event.
    Exit(i64),
}

impl From<LogChunk> for ExecEvent {
    fn from(chunk: LogChunk) -> Self {
        match chunk {
            LogChunk::Stdout(bytes) => ExecEvent::Stdout(bytes),
            LogChunk::Stderr(bytes) => ExecEvent::Stderr(bytes),
        }
    }
}

/// A command running in a sandbox, its output arriving as it is written: see [`exec_stream`].
///
/// Dropping it before the end ends the command (its session is deleted in the background).
#[derive(Debug)]
pub struct ExecStream {
    toolbox: Client,
    session_id: String,
    command_id: String,
    command: String,
    logs: WebSocket,
    demux: Demux,
    /// Whether the log carries stream markers: `None` until its first bytes say.
    markers: Option<bool>,
    /// Events of the last message not yet handed out. A plain iterator over a `Vec`, refilled
    /// only once empty: a `VecDeque` compiles to several times the code.
    pending: std::vec::IntoIter<ExecEvent>,
    deadline: tokio::time::Instant,
    timeout: Duration,
    ended: bool,
}

/// Runs a command in a started sandbox and streams its output: stdout and stderr as they are
/// written, then the exit code.
///
/// The command runs asynchronously in a session of its own and its log is followed over a
/// WebSocket (`follow=true`), as Daytona's SDKs follow logs; the daemon sends the raw log and
/// [`Demux`] splits it, whatever the sizes of the pieces it arrives in. Past the request's
/// [`timeout`](ExecRequest::timeout) the stream yields [`Error::Deadline`] and the session is
/// deleted, which ends the command.
///
/// ```no_run
/// # async fn run(client: &daytona_client::Client, sandbox: &daytona_client::api::types::Sandbox)
/// # -> Result<(), daytona_client::runtime::Error> {
/// use daytona_client::workflows::{exec_stream, ExecEvent, ExecRequest};
///
/// let mut run = exec_stream(client, sandbox, &ExecRequest::new("make test")).await?;
/// while let Some(event) = run.next().await {
///     match event? {
///         ExecEvent::Stdout(bytes) => print!("{}", String::from_utf8_lossy(&bytes)),
///         ExecEvent::Stderr(bytes) => eprint!("{}", String::from_utf8_lossy(&bytes)),
///         ExecEvent::Exit(code) => println!("exit code {code}"),
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub async fn exec_stream(
    client: &Client,
    sandbox: &Sandbox,
    request: &ExecRequest,
) -> Result<ExecStream, Error> {
    let deadline = tokio::time::Instant::now() + request.timeout;
    let (toolbox, session_id) = open_session(client, sandbox).await?;
    let started = start_followed(&toolbox, &session_id, request).await;
    let (command_id, logs) = match started {
        Ok(started) => started,
        Err(error) => {
            delete_session(&toolbox, &session_id).await;
            return Err(error);
        }
    };
    Ok(ExecStream {
        toolbox,
        session_id,
        command_id,
        command: request.command.clone(),
        logs,
        demux: Demux::default(),
        markers: None,
        pending: Vec::new().into_iter(),
        deadline,
        timeout: request.timeout,
        ended: false,
    })
}

/// Starts the command asynchronously and opens its followed log.
async fn start_followed(
    toolbox: &Client,
    session_id: &str,
    request: &ExecRequest,
) -> Result<(String, WebSocket), Error> {
    let body = SessionExecuteRequest {
        command: request.shell_line(),
        run_async: Some(true),
        ..Default::default()
    };
    let started = process::session_execute_command(toolbox, session_id, &body).await?;
    let follow = process::GetSessionCommandLogsParams { follow: Some(true) };
    let logs =
        process::get_session_command_logs_websocket(toolbox, session_id, &started.cmd_id, &follow)
            .await?;
    Ok((started.cmd_id, logs))
}

/// Deletes a session, which ends whatever still runs in it; a failure is only logged.
async fn delete_session(toolbox: &Client, session_id: &str) {
    if let Err(error) = process::delete_session(toolbox, session_id).await {
        tracing::warn!(%error, session = %session_id, "could not delete the exec session");
    }
}

impl ExecStream {
    /// The session the command runs in.
    pub fn session_id(&self) -> &str {
        &self.session_id
    }

    /// The command's id in its session.
    pub fn command_id(&self) -> &str {
        &self.command_id
    }

    /// The next piece of output, or the exit code; `None` after the exit code.
    pub async fn next(&mut self) -> Option<Result<ExecEvent, Error>> {
        loop {
            if let Some(event) = self.pending.next() {
                return Some(Ok(event));
            }
            if self.ended {
                return None;
            }
            let message =
                match crate::runtime::time::timeout_at(self.deadline, self.logs.next()).await {
                    Some(message) => message,
                    None => {
                        self.end().await;
                        return Some(Err(Error::Deadline {
                            what: format!("`{}` to finish", self.command),
                            waited: self.timeout,
                            last: "running".to_string(),
                        }));
                    }
                };
            let mut events = Vec::new();
            match message {
                Some(Ok(Message::Binary(bytes))) => self.output(&bytes, &mut events),
                Some(Ok(Message::Text(text))) => self.output(text.as_bytes(), &mut events),
                Some(Err(error)) => {
                    self.end().await;
                    return Some(Err(error));
                }
                Some(Ok(Message::Close(close))) if !matches!(close.code, 1000 | 1005) => {
                    self.end().await;
                    return Some(Err(Error::Transfer {
                        operation: "GetSessionCommandLogs",
                        path: format!(
                            "/process/session/{}/command/{}/logs",
                            self.session_id, self.command_id
                        ),
                        kind: crate::runtime::TransportKind::Other,
                        message: format!(
                            "the log stream closed with code {}: {}",
                            close.code, close.reason
                        ),
                    }));
                }
                // The daemon closes the log normally once the command has written its exit
                // code.
                Some(Ok(Message::Close(_))) | None => {
                    events.extend(self.demux.finish().into_iter().map(ExecEvent::from));
                    let exit = self.exit_code().await;
                    self.end().await;
                    match exit {
                        Ok(code) => events.push(ExecEvent::Exit(code)),
                        Err(error) => {
                            self.pending = events.into_iter();
                            return Some(Err(error));
                        }
                    }
                }
            }
            self.pending = events.into_iter();
        }
    }

    /// Runs the command to its end, collecting its output.
    pub async fn collect(mut self) -> Result<CommandOutput, Error> {
        let mut output = CommandOutput::default();
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        while let Some(event) = self.next().await {
            match event? {
                ExecEvent::Stdout(bytes) => stdout.extend(bytes),
                ExecEvent::Stderr(bytes) => stderr.extend(bytes),
                ExecEvent::Exit(code) => output.exit_code = Some(code),
            }
        }
        output.stdout = String::from_utf8_lossy(&stdout).into_owned();
        output.stderr = String::from_utf8_lossy(&stderr).into_owned();
        output.combined = self.markers == Some(false);
        Ok(output)
    }

    /// The events in a piece of the log, appended to `events`.
    fn output(&mut self, bytes: &[u8], events: &mut Vec<ExecEvent>) {
        if bytes.is_empty() {
            return;
        }
        // The raw log starts with a marker. Daemons from before September 2025 ignore the
        // split header and send the output without markers, mixed: all of it is stdout then.
        let markers = *self.markers.get_or_insert(matches!(bytes[0], 0x01 | 0x02));
        if markers {
            events.extend(self.demux.push(bytes).into_iter().map(ExecEvent::from));
        } else {
            events.push(ExecEvent::Stdout(bytes.to_vec()));
        }
    }

    /// The exit code the command wrote. The daemon ends the log only after it, so one look is
    /// normally enough; a few more cover a slow file system.
    async fn exit_code(&self) -> Result<i64, Error> {
        for _ in 0..EXIT_CODE_LOOKS {
            let command =
                process::get_session_command(&self.toolbox, &self.session_id, &self.command_id)
                    .await?;
            if let Some(code) = command.exit_code {
                return Ok(code);
            }
            crate::runtime::time::sleep(EXIT_CODE_PAUSE).await;
        }
        Err(Error::UnexpectedState {
            subject: format!("command {} in session {}", self.command_id, self.session_id),
            state: "without an exit code".to_string(),
            reason: Some("its log ended but no exit code was recorded".to_string()),
        })
    }

    /// Ends the run: the log is closed and the session deleted.
    async fn end(&mut self) {
        if self.ended {
            return;
        }
        self.ended = true;
        let _ = self.logs.close().await;
        delete_session(&self.toolbox, &self.session_id).await;
    }
}

/// How many times, and how far apart, a finished command's exit code is looked for.
const EXIT_CODE_LOOKS: usize = 20;
const EXIT_CODE_PAUSE: Duration = Duration::from_millis(100);

impl Drop for ExecStream {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        // Dropped mid-run: the session is deleted in the background, which ends the command.
        let (toolbox, session_id) = (self.toolbox.clone(), self.session_id.clone());
        crate::runtime::spawn_detached(Box::pin(async move {
            delete_session(&toolbox, &session_id).await
        }));
    }
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
