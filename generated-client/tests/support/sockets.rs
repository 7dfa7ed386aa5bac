//! The daemon's WebSocket endpoints in the test double, speaking what its source speaks:
//!
//! * A followed command log (`apps/daemon/pkg/session/log.go`): the raw log (markers kept
//!   unless the output is combined) as binary messages while the command runs, then a normal
//!   close once its exit code is written.
//! * A PTY (`apps/daemon/pkg/toolbox/process/pty/websocket.go`, `session.go`): a `connected`
//!   control message, output as binary messages, input typed into the terminal, and a close
//!   carrying the exit code when the shell exits.
//! * The code interpreter (`apps/daemon/pkg/toolbox/process/interpreter/controller.go`,
//!   `repl_client.go`): the request as the first message, output chunks as JSON text, then a
//!   close: 1000, or 4008 when the run ran out of time.
//!
//! Every loop here ends: on the client's close, on the end of what it serves, or after
//! [`LIMIT`].

use super::shell::{self, Log, ShellState};
use futures_util::{SinkExt, StreamExt};
use hyper::upgrade::{OnUpgrade, Upgraded};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// An accepted WebSocket, server side.
pub type Socket = WebSocketStream<TokioIo<Upgraded>>;

/// The longest any socket here is served.
pub const LIMIT: Duration = Duration::from_secs(60);

/// How often a followed log is looked at.
const POLL: Duration = Duration::from_millis(10);

/// The `Sec-WebSocket-Accept` value for a request's key.
pub fn accept_key(key: &[u8]) -> String {
    tokio_tungstenite::tungstenite::handshake::derive_accept_key(key)
}

/// Serves `handler` on the connection once it is upgraded (within [`LIMIT`]).
pub fn serve<F, Fut>(upgrade: OnUpgrade, handler: F)
where
    F: FnOnce(Socket) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        let Ok(upgraded) = upgrade.await else {
            return;
        };
        let socket =
            WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        let _ = tokio::time::timeout(LIMIT, handler(socket)).await;
    });
}

async fn close(socket: &mut Socket, code: u16, reason: &str) {
    let frame = CloseFrame {
        code: CloseCode::from(code),
        reason: reason.to_string().into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
    // Wait for the client's answering close (bounded), as a server should.
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(message)) = socket.next().await {
            if message.is_close() {
                break;
            }
        }
    })
    .await;
}

/// What a followed log reads from.
pub struct FollowedLog {
    /// The command's log.
    pub log: Log,
    /// Its exit code, once written.
    pub exit_code: Arc<Mutex<Option<i32>>>,
    /// Whether its session still exists (deleting it ends the command).
    pub alive: Box<dyn Fn() -> bool + Send>,
    /// Send the output with the markers removed (clients that ask for no split).
    pub combined: bool,
    /// The most bytes per message, so that pieces cut through markers.
    pub piece: usize,
}

/// Follows a command's log until it has its exit code and all its output is sent.
pub async fn follow_log(mut socket: Socket, source: FollowedLog) {
    let mut sent = 0;
    for _ in 0..(LIMIT.as_millis() / POLL.as_millis()) {
        let raw = source.log.lock().unwrap().clone();
        let exited = source.exit_code.lock().unwrap().is_some();
        let log = if source.combined {
            super::double::strip(&raw).into_bytes()
        } else {
            raw
        };
        for piece in log[sent..].chunks(source.piece.max(1)) {
            if socket.send(Message::binary(piece.to_vec())).await.is_err() {
                return;
            }
        }
        sent = log.len();
        if exited || !(source.alive)() {
            close(&mut socket, 1000, "").await;
            return;
        }
        // A client's close ends the stream.
        if let Ok(Some(Ok(message))) = tokio::time::timeout(POLL, socket.next()).await {
            if message.is_close() {
                return;
            }
        }
    }
}

/// A PTY session's state, shared by the HTTP endpoints and the socket.
#[derive(Debug)]
pub struct Pty {
    /// The session id.
    pub id: String,
    /// Columns.
    pub cols: u64,
    /// Rows.
    pub rows: u64,
    /// The working directory and variables.
    pub shell: ShellState,
    /// Whether the shell is running (false while a lazy session waits for its first client).
    pub active: bool,
    /// Whether it was created to start on the first connection.
    pub lazy_start: bool,
    /// When it was created.
    pub created_at: String,
    /// Set when the shell has exited: the session is gone.
    pub exited: bool,
}

impl Pty {
    /// `PtySessionInfo`.
    pub fn info(&self) -> Value {
        json!({
            "id": self.id,
            "cols": self.cols,
            "rows": self.rows,
            "cwd": self.shell.cwd,
            "envs": self.shell.env,
            "active": self.active,
            "lazyStart": self.lazy_start,
            "createdAt": self.created_at,
        })
    }
}

/// The prompt the double's terminal shows.
pub const PROMPT: &str = "$ ";

/// Drives a PTY: echoes what is typed, runs each line with [`shell::run`] (plus `stty size`),
/// and closes with the exit code on `exit`.
pub async fn pty(mut socket: Socket, pty: Arc<Mutex<Pty>>, clock: f64) {
    let connected = json!({"type": "control", "status": "connected"}).to_string();
    if socket.send(Message::text(connected)).await.is_err() {
        return;
    }
    pty.lock().unwrap().active = true;
    let _ = socket
        .send(Message::binary(PROMPT.as_bytes().to_vec()))
        .await;
    let mut line = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(LIMIT, socket.next()).await {
        let input = match message {
            Message::Binary(data) => data.to_vec(),
            Message::Text(text) => text.as_bytes().to_vec(),
            Message::Close(_) => return,
            _ => continue,
        };
        for byte in input {
            if byte != b'\r' && byte != b'\n' {
                line.push(byte);
                // A terminal echoes what is typed.
                let _ = socket.send(Message::binary(vec![byte])).await;
                continue;
            }
            let typed = String::from_utf8_lossy(&std::mem::take(&mut line)).into_owned();
            let mut output = String::from("\r\n");
            let words: Vec<&str> = typed.split_whitespace().collect();
            match words.as_slice() {
                ["exit", rest @ ..] => {
                    let code: i64 = rest.first().and_then(|c| c.parse().ok()).unwrap_or(0);
                    let _ = socket.send(Message::binary(output.into_bytes())).await;
                    {
                        let mut pty = pty.lock().unwrap();
                        pty.exited = true;
                        pty.active = false;
                    }
                    let (code, reason) = exit_close(code);
                    close(&mut socket, code, &reason).await;
                    return;
                }
                ["stty", "size"] => {
                    let pty = pty.lock().unwrap();
                    output.push_str(&format!("{} {}\r\n", pty.rows, pty.cols));
                }
                _ => {
                    let log: Log = Arc::default();
                    let mut state = pty.lock().unwrap().shell.clone();
                    shell::run(&typed, &mut state, &log, clock).await;
                    pty.lock().unwrap().shell = state;
                    // A terminal has one output: the markers go, lines end in CR LF.
                    let text = super::double::strip(&log.lock().unwrap());
                    output.push_str(&text.replace('\n', "\r\n"));
                }
            }
            output.push_str(PROMPT);
            if socket
                .send(Message::binary(output.into_bytes()))
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// The close code and reason for a shell's exit (`closeClientsWithExitCode`).
fn exit_close(code: i64) -> (u16, String) {
    if code == 0 {
        return (1000, json!({"exitCode": 0}).to_string());
    }
    let reason = match code {
        130 => "Ctrl+C".to_string(),
        137 => "SIGKILL".to_string(),
        143 => "SIGTERM".to_string(),
        c if c > 128 => format!("signal {}", c - 128),
        _ => "non-zero exit".to_string(),
    };
    (
        1011,
        json!({"exitCode": code, "exitReason": reason}).to_string(),
    )
}

/// The interpreter contexts that exist besides the default one.
pub type Contexts = Arc<Mutex<Vec<String>>>;

/// Runs one request on the interpreter socket: a tiny Python (`print(…)`,
/// `print(…, file=sys.stderr)`, `raise Name("…")`, `time.sleep(s)`, `import …`).
pub async fn interpreter(mut socket: Socket, contexts: Contexts, clock: f64) {
    let first = match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(Message::Text(text)))) => text.as_str().to_string(),
        _ => return close(&mut socket, 1002, "failed to read first message").await,
    };
    let Ok(request) = serde_json::from_str::<Value>(&first) else {
        return close(&mut socket, 1002, "invalid JSON payload").await;
    };
    let code = request["code"].as_str().unwrap_or_default().to_string();
    if code.is_empty() {
        return close(&mut socket, 1008, "code is required").await;
    }
    if let Some(context) = request["contextId"].as_str() {
        if !contexts.lock().unwrap().iter().any(|c| c == context) {
            return close(&mut socket, 1008, &format!("context not found: {context}")).await;
        }
    }
    let timeout = match request["timeout"].as_u64() {
        Some(0) => None,
        Some(seconds) => Some(Duration::from_secs(seconds)),
        None => Some(Duration::from_secs(600)),
    };
    let chunk = |kind: &str, text: &str, name: &str, value: &str, traceback: &str| {
        Message::text(
            json!({"type": kind, "text": text, "name": name, "value": value, "traceback": traceback})
                .to_string(),
        )
    };
    let mut spent = Duration::ZERO;
    for line in code.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let message = if let Some(args) = line
            .strip_prefix("print(")
            .and_then(|l| l.strip_suffix(')'))
        {
            let (value, stream) = match args.split_once(", file=sys.stderr") {
                Some((value, _)) => (value, "stderr"),
                None => (args, "stdout"),
            };
            Some(chunk(stream, &format!("{}\n", literal(value)), "", "", ""))
        } else if let Some(seconds) = line
            .strip_prefix("time.sleep(")
            .and_then(|l| l.strip_suffix(')'))
        {
            let seconds: f64 = seconds.parse().unwrap_or(0.0);
            let wanted = Duration::from_secs_f64(seconds);
            if let Some(limit) = timeout.filter(|limit| spent + wanted > *limit) {
                tokio::time::sleep((limit - spent).mul_f64(clock)).await;
                let _ = socket
                    .send(chunk("control", "interrupted", "", "", ""))
                    .await;
                return close(&mut socket, 4008, "").await;
            }
            tokio::time::sleep(wanted.mul_f64(clock)).await;
            spent += wanted;
            None
        } else if let Some(raised) = line.strip_prefix("raise ") {
            let (name, rest) = raised.split_once('(').unwrap_or((raised, ")"));
            let value = literal(rest.trim_end_matches(')'));
            let traceback = format!("Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\n{name}: {value}");
            let _ = socket
                .send(chunk("error", "", name, &value, &traceback))
                .await;
            break;
        } else if line.starts_with("import ") {
            None
        } else {
            let name = line.split(['(', ' ', '.']).next().unwrap_or(line);
            let value = format!("name '{name}' is not defined");
            let _ = socket
                .send(chunk(
                    "error",
                    "",
                    "NameError",
                    &value,
                    &format!("NameError: {value}"),
                ))
                .await;
            break;
        };
        if let Some(message) = message {
            if socket.send(message).await.is_err() {
                return;
            }
        }
    }
    let _ = socket.send(chunk("control", "completed", "", "", "")).await;
    close(&mut socket, 1000, "").await;
}

/// A Python literal's text: quotes removed from a string, anything else as written.
fn literal(value: &str) -> String {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    value.to_string()
}
