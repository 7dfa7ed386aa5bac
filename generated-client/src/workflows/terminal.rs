//! Terminals: a PTY session in a sandbox, driven over a WebSocket.
//!
//! What the daemon speaks (`apps/daemon/pkg/toolbox/process/pty/websocket.go`, `session.go`):
//! once a client is attached it sends the text message
//! `{"type":"control","status":"connected"}`; after that the terminal's output arrives as
//! binary messages, and every message the client sends (text or binary) is typed into the
//! terminal. When the shell exits the daemon closes the connection: code 1000 for exit code 0,
//! or 1011 with the reason `{"exitCode":N,"exitReason":"…"}`. Newer daemons may also send a
//! `{"type":"control","status":"exited","exitCode":N}` message first, which is read the same
//! way. Resizing is an HTTP call (`POST /process/pty/{id}/resize`).

use super::proxy::toolbox_client;
use super::unique_suffix;
use crate::api::types::Sandbox;
use crate::runtime::{Bytes, Close, Error, Message, Receiver, Sender, TransportKind};
use crate::toolbox::process;
use crate::toolbox::types::{PtyCreateRequest, PtyResizeRequest};
use crate::Client;
use std::collections::BTreeMap;

/// How to open a terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalOptions {
    /// The PTY session's id (a unique one when `None`).
    pub id: Option<String>,
    /// Columns.
    pub cols: u16,
    /// Rows.
    pub rows: u16,
    /// The working directory; the sandbox user's home when `None`.
    pub cwd: Option<String>,
    /// Environment variables for the shell.
    pub envs: BTreeMap<String, String>,
}

impl Default for TerminalOptions {
    /// An 80 by 24 terminal in the home directory.
    fn default() -> Self {
        TerminalOptions {
            id: None,
            cols: 80,
            rows: 24,
            cwd: None,
            envs: BTreeMap::new(),
        }
    }
}

/// How a terminal's shell ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerminalExit {
    /// The exit code.
    pub code: i64,
    /// The daemon's words for a non-zero exit (`Ctrl+C`, `SIGKILL`, `non-zero exit`).
    pub reason: Option<String>,
}

/// An open terminal in a sandbox: write input, read output, resize, and learn the exit code.
///
/// Reading and writing at once (an interactive session) takes [`split`](Terminal::split).
///
/// ```no_run
/// # async fn run(client: &daytona_client::Client, sandbox: &daytona_client::api::types::Sandbox)
/// # -> Result<(), daytona_client::runtime::Error> {
/// use daytona_client::workflows::{open_terminal, TerminalOptions};
///
/// let mut terminal = open_terminal(client, sandbox, &TerminalOptions::default()).await?;
/// terminal.write("ls -la; exit 3\n").await?;
/// while let Some(output) = terminal.next().await {
///     print!("{}", String::from_utf8_lossy(&output?));
/// }
/// assert_eq!(terminal.exit().map(|e| e.code), Some(3));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Terminal {
    input: TerminalInput,
    output: TerminalOutput,
}

/// The writing half of a [`Terminal`].
#[derive(Debug)]
pub struct TerminalInput {
    sender: Sender,
    toolbox: Client,
    session_id: String,
}

/// The reading half of a [`Terminal`].
#[derive(Debug)]
pub struct TerminalOutput {
    receiver: Receiver,
    exit: Option<TerminalExit>,
    ended: bool,
    session_id: String,
}

/// Opens a terminal in a started sandbox: creates a PTY session and connects to it.
///
/// The session starts when the connection is made (`lazyStart`), so the shell's first output
/// (its prompt) is not lost. Returns once the daemon says the terminal is connected.
pub async fn open_terminal(
    client: &Client,
    sandbox: &Sandbox,
    options: &TerminalOptions,
) -> Result<Terminal, Error> {
    let toolbox = toolbox_client(client, sandbox);
    let request = PtyCreateRequest {
        id: Some(
            options
                .id
                .clone()
                .unwrap_or_else(|| format!("pty-{}", unique_suffix())),
        ),
        cols: Some(options.cols.into()),
        rows: Some(options.rows.into()),
        cwd: options.cwd.clone(),
        envs: (!options.envs.is_empty()).then(|| options.envs.clone()),
        lazy_start: Some(true),
    };
    let created = process::create_pty_session(&toolbox, &request).await?;
    connect_terminal(&toolbox, &created.session_id).await
}

/// Connects to an existing PTY session (as many clients as like may watch one terminal).
/// `toolbox` is the sandbox's toolbox client ([`toolbox_client`]).
pub async fn connect_terminal(toolbox: &Client, session_id: &str) -> Result<Terminal, Error> {
    let socket = process::connect_pty_session(toolbox, session_id).await?;
    let (sender, receiver) = socket.split();
    let mut terminal = Terminal {
        input: TerminalInput {
            sender,
            toolbox: toolbox.clone(),
            session_id: session_id.to_string(),
        },
        output: TerminalOutput {
            receiver,
            exit: None,
            ended: false,
            session_id: session_id.to_string(),
        },
    };
    let timeout = toolbox.config().timeout;
    match crate::runtime::time::timeout(timeout, terminal.output.wait_connected()).await {
        Some(result) => result?,
        None => {
            return Err(terminal.output.failure(format!(
                "the terminal did not report itself connected within {timeout:?}"
            )))
        }
    }
    Ok(terminal)
}

impl Terminal {
    /// The PTY session's id.
    pub fn session_id(&self) -> &str {
        &self.input.session_id
    }

    /// Types `input` into the terminal.
    pub async fn write(&mut self, input: impl Into<Bytes>) -> Result<(), Error> {
        self.input.write(input).await
    }

    /// Resizes the terminal.
    pub async fn resize(&self, cols: u16, rows: u16) -> Result<(), Error> {
        self.input.resize(cols, rows).await
    }

    /// The next output; `None` once the shell has exited (then [`exit`](Terminal::exit) says
    /// how) or the connection has ended.
    pub async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        self.output.next().await
    }

    /// How the shell exited, once it has.
    pub fn exit(&self) -> Option<&TerminalExit> {
        self.output.exit()
    }

    /// Reads (and drops) the output until the shell exits; how it exited.
    pub async fn wait(&mut self) -> Result<TerminalExit, Error> {
        self.output.wait().await
    }

    /// Ends the terminal's shell and its session.
    pub async fn kill(mut self) -> Result<(), Error> {
        let _ = self.input.sender.close().await;
        process::delete_pty_session(&self.input.toolbox, &self.input.session_id).await?;
        Ok(())
    }

    /// The two halves, to write and read at once.
    pub fn split(self) -> (TerminalInput, TerminalOutput) {
        (self.input, self.output)
    }
}

impl TerminalInput {
    /// Types `input` into the terminal.
    pub async fn write(&mut self, input: impl Into<Bytes>) -> Result<(), Error> {
        self.sender.send_binary(input).await
    }

    /// Resizes the terminal.
    pub async fn resize(&self, cols: u16, rows: u16) -> Result<(), Error> {
        let size = PtyResizeRequest {
            cols: cols.into(),
            rows: rows.into(),
        };
        process::resize_pty_session(&self.toolbox, &self.session_id, &size).await?;
        Ok(())
    }

    /// Disconnects this client; the terminal goes on for others until its shell exits.
    pub async fn close(&mut self) -> Result<(), Error> {
        self.sender.close().await
    }
}

/// A control message from the daemon (`{"type":"control",…}`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Control {
    #[serde(rename = "type")]
    kind: String,
    status: Option<String>,
    exit_code: Option<i64>,
    exit_reason: Option<String>,
    error: Option<String>,
}

/// What a control message means.
enum Said {
    Connected,
    Exited(TerminalExit),
    Failed(String),
    Other,
}

impl Control {
    /// The control message in a text message, if it is one.
    fn parse(text: &str) -> Option<Control> {
        serde_json::from_str::<Control>(text)
            .ok()
            .filter(|control| control.kind == "control")
    }

    fn meaning(self) -> Said {
        match self.status.as_deref() {
            Some("connected") => Said::Connected,
            Some("exited") => Said::Exited(TerminalExit {
                code: self.exit_code.unwrap_or_default(),
                reason: self.exit_reason,
            }),
            Some("error") => Said::Failed(
                self.error
                    .unwrap_or_else(|| "the terminal reported an error".to_string()),
            ),
            _ => Said::Other,
        }
    }
}

impl TerminalOutput {
    /// The next output; `None` once the shell has exited or the connection has ended.
    pub async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        loop {
            if self.ended {
                return None;
            }
            let message = match self.receiver.next().await {
                Some(Ok(message)) => message,
                Some(Err(error)) => {
                    self.ended = true;
                    return Some(Err(error));
                }
                None => {
                    self.ended = true;
                    return None;
                }
            };
            match message {
                Message::Binary(bytes) => return Some(Ok(bytes)),
                Message::Text(text) => match Control::parse(&text) {
                    None => return Some(Ok(Bytes::from(text))),
                    Some(control) => match control.meaning() {
                        Said::Exited(exit) => self.exit = Some(exit),
                        Said::Failed(message) => {
                            self.ended = true;
                            return Some(Err(self.failure(message)));
                        }
                        Said::Connected | Said::Other => {}
                    },
                },
                Message::Close(close) => {
                    self.ended = true;
                    match exit_from_close(&close) {
                        Some(exit) => {
                            self.exit.get_or_insert(exit);
                        }
                        None if self.exit.is_none() => {
                            return Some(Err(self.failure(format!(
                                "the terminal closed with code {}: {}",
                                close.code, close.reason
                            ))))
                        }
                        None => {}
                    }
                    return None;
                }
            }
        }
    }

    /// How the shell exited, once it has.
    pub fn exit(&self) -> Option<&TerminalExit> {
        self.exit.as_ref()
    }

    /// Reads (and drops) the output until the shell exits; how it exited.
    pub async fn wait(&mut self) -> Result<TerminalExit, Error> {
        while let Some(output) = self.next().await {
            output?;
        }
        self.exit
            .clone()
            .ok_or_else(|| self.failure("the connection ended before the shell exited".to_string()))
    }

    /// Reads until the daemon says the terminal is connected.
    async fn wait_connected(&mut self) -> Result<(), Error> {
        while let Some(message) = self.receiver.next().await {
            match message? {
                Message::Text(text) => {
                    if let Some(control) = Control::parse(&text) {
                        match control.meaning() {
                            Said::Connected => return Ok(()),
                            // A shell that exits at once may say so before "connected".
                            Said::Exited(exit) => {
                                self.exit = Some(exit);
                                return Ok(());
                            }
                            Said::Failed(message) => return Err(self.failure(message)),
                            Said::Other => {}
                        }
                    }
                }
                Message::Close(close) => {
                    self.ended = true;
                    if let Some(exit) = exit_from_close(&close) {
                        self.exit = Some(exit);
                        return Ok(());
                    }
                    return Err(self.failure(format!(
                        "the terminal closed with code {}: {}",
                        close.code, close.reason
                    )));
                }
                Message::Binary(_) => {}
            }
        }
        Err(self.failure("the connection ended before the terminal was connected".to_string()))
    }

    fn failure(&self, message: String) -> Error {
        Error::Transfer {
            operation: "ConnectPtySession",
            path: format!("/process/pty/{}/connect", self.session_id),
            kind: TransportKind::Other,
            message,
        }
    }
}

/// The exit a close frame reports: 1000 is exit code 0; a reason holding
/// `{"exitCode":N,…}` gives the code. Other closes report none.
fn exit_from_close(close: &Close) -> Option<TerminalExit> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Reason {
        exit_code: Option<i64>,
        exit_reason: Option<String>,
    }
    let reason = serde_json::from_str::<Reason>(&close.reason).ok();
    match reason {
        Some(Reason {
            exit_code: Some(code),
            exit_reason,
        }) => Some(TerminalExit {
            code,
            reason: exit_reason,
        }),
        _ if close.code == 1000 => Some(TerminalExit {
            code: 0,
            reason: None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_close_frame_carries_the_exit() {
        let close = |code, reason: &str| Close {
            code,
            reason: reason.to_string(),
        };
        assert_eq!(exit_from_close(&close(1000, "")).map(|e| e.code), Some(0));
        let failed = exit_from_close(&close(1011, r#"{"exitCode":130,"exitReason":"Ctrl+C"}"#));
        assert_eq!(
            failed,
            Some(TerminalExit {
                code: 130,
                reason: Some("Ctrl+C".into())
            })
        );
        assert_eq!(
            exit_from_close(&close(1011, "PTY session unavailable")),
            None
        );
        assert_eq!(exit_from_close(&close(1008, "slow consumer")), None);
    }
}
