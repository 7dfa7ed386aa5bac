//! The code interpreter's streamed runs: code sent over a WebSocket, its output coming back as
//! it is produced.
//!
//! What the daemon speaks (`apps/daemon/pkg/toolbox/process/interpreter/controller.go`,
//! `websocket.go`, `repl_client.go`): the client's first message is the request as JSON
//! (`code`, and optionally `contextId`, `timeout` in seconds, `envs`); the daemon answers with
//! text messages `{"type":…,"text":…,"name":…,"value":…,"traceback":…}` of type `stdout`,
//! `stderr`, `error` (an exception) or `control` (`completed`, `interrupted`), then closes:
//! 1000 when the run ended, 4008 when it ran out of time, 1008 or 1002 with a reason when the
//! request was refused.

use super::proxy::toolbox_client;
use crate::api::types::Sandbox;
use crate::runtime::{Error, Message, TransportKind, WebSocket};
use crate::toolbox::interpreter;
use crate::Client;
use std::collections::BTreeMap;
use std::time::Duration;

/// The close code of a run that ran out of time.
const TIMEOUT_CLOSE: u16 = 4008;

/// Code to run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunCode {
    /// The code (Python).
    pub code: String,
    /// The interpreter context to run it in (the default context when `None`); contexts keep
    /// their variables between runs.
    pub context_id: Option<String>,
    /// How long it may run (the daemon's default, 10 minutes, when `None`; zero for no limit).
    pub timeout: Option<Duration>,
    /// Environment variables for this run.
    pub envs: BTreeMap<String, String>,
}

impl RunCode {
    /// `code`, in the default context.
    pub fn new(code: impl Into<String>) -> Self {
        RunCode {
            code: code.into(),
            ..Default::default()
        }
    }
}

/// An exception the code raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeError {
    /// The exception's type (`ZeroDivisionError`).
    pub name: String,
    /// Its message.
    pub value: String,
    /// The traceback.
    pub traceback: String,
}

/// What a run produced, as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeEvent {
    /// Text written to standard output.
    Stdout(String),
    /// Text written to standard error.
    Stderr(String),
    /// The code raised an exception (the run ends after it).
    Error(CodeError),
}

/// A run of code in a sandbox's interpreter: see [`run_code`].
#[derive(Debug)]
pub struct CodeRun {
    socket: WebSocket,
    timeout: Option<Duration>,
    ended: bool,
}

/// The message the daemon sends for each piece of output.
#[derive(serde::Deserialize)]
struct Output {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    traceback: String,
}

/// Runs code in a started sandbox's interpreter and streams its output.
///
/// ```no_run
/// # async fn run(client: &daytona_client::Client, sandbox: &daytona_client::api::types::Sandbox)
/// # -> Result<(), daytona_client::runtime::Error> {
/// use daytona_client::workflows::{run_code, CodeEvent, RunCode};
///
/// let mut run = run_code(client, sandbox, &RunCode::new("for i in range(3): print(i)")).await?;
/// while let Some(event) = run.next().await {
///     if let CodeEvent::Stdout(text) = event? {
///         print!("{text}");
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub async fn run_code(
    client: &Client,
    sandbox: &Sandbox,
    request: &RunCode,
) -> Result<CodeRun, Error> {
    let toolbox = toolbox_client(client, sandbox);
    let mut socket = interpreter::execute_interpreter_code(&toolbox).await?;
    let mut first = serde_json::json!({ "code": request.code });
    if let Some(context) = &request.context_id {
        first["contextId"] = context.clone().into();
    }
    if let Some(timeout) = request.timeout {
        first["timeout"] = timeout.as_secs().into();
    }
    if !request.envs.is_empty() {
        first["envs"] = serde_json::to_value(&request.envs).unwrap_or_default();
    }
    socket.send_text(first.to_string()).await?;
    Ok(CodeRun {
        socket,
        timeout: request.timeout,
        ended: false,
    })
}

impl CodeRun {
    /// The next output; `None` once the run has ended. A run that runs out of time ends with
    /// [`Error::Deadline`]; a refused request (an unknown context) with [`Error::Transfer`]
    /// giving the daemon's reason.
    pub async fn next(&mut self) -> Option<Result<CodeEvent, Error>> {
        while !self.ended {
            let message = match self.socket.next().await {
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
                Message::Text(text) => {
                    let Ok(output) = serde_json::from_str::<Output>(&text) else {
                        continue;
                    };
                    match output.kind.as_str() {
                        "stdout" => return Some(Ok(CodeEvent::Stdout(output.text))),
                        "stderr" => return Some(Ok(CodeEvent::Stderr(output.text))),
                        "error" => {
                            return Some(Ok(CodeEvent::Error(CodeError {
                                name: output.name,
                                value: output.value,
                                traceback: output.traceback,
                            })))
                        }
                        // `completed` and `interrupted`: the close that follows says how.
                        _ => {}
                    }
                }
                Message::Binary(_) => {}
                Message::Close(close) => {
                    self.ended = true;
                    return match close.code {
                        1000 | 1005 => None,
                        TIMEOUT_CLOSE => Some(Err(Error::Deadline {
                            what: "the code to finish".to_string(),
                            waited: self.timeout.unwrap_or(Duration::from_secs(600)),
                            last: "running".to_string(),
                        })),
                        code => Some(Err(Error::Transfer {
                            operation: "ExecuteInterpreterCode",
                            path: "/process/interpreter/execute".to_string(),
                            kind: TransportKind::Other,
                            message: format!(
                                "the interpreter closed with code {code}: {}",
                                close.reason
                            ),
                        })),
                    };
                }
            }
        }
        None
    }
}
