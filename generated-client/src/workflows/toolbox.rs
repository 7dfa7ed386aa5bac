//! What Daytona's toolbox needs beyond its spec: where a sandbox's toolbox is, the header that
//! asks it for separate stdout and stderr, and how to read the three forms its answers take.
//!
//! The facts come from Daytona's source (`apps/daemon/pkg/session/common.go`, `execute.go`,
//! `apps/daemon/pkg/toolbox/process/session/execute.go`, `log.go`):
//!
//! * The daemon writes a command's output to one log, each line of stdout prefixed with
//!   [`STDOUT_MARKER`] and each line of stderr with [`STDERR_MARKER`].
//! * A client that sends no `X-Daytona-SDK-Version` and no [`SPLIT_OUTPUT_HEADER`] gets the log
//!   with the markers removed: stdout and stderr mixed, beyond repair.
//! * With [`SPLIT_OUTPUT_HEADER`] and no version (what this client sends), it gets the raw log
//!   with the markers and splits it itself ([`split_log`]).
//! * Daytona's own SDKs from version 0.167.0 get `stdout` and `stderr` split by the server.
//!
//! Deployed daemons differ in version, so [`CommandOutput`] is built from any of these answers.

use crate::runtime::{Error, JsonOrText};
use crate::toolbox::types::{SessionCommandLogsResponse, SessionExecuteResponse};
use crate::Client;

pub use super::proxy::{toolbox_client, SPLIT_OUTPUT_HEADER};

/// The prefix of every stdout line in a command's raw log.
pub const STDOUT_MARKER: &[u8] = b"\x01\x01\x01";

/// The prefix of every stderr line in a command's raw log.
pub const STDERR_MARKER: &[u8] = b"\x02\x02\x02";

/// Splits a raw command log into stdout and stderr, as the daemon does for its newer clients
/// (`DemuxLogBytes` in `apps/daemon/pkg/session/execute.go`): the bytes after a marker, up to
/// the next marker, belong to the marker's stream; bytes before the first marker belong to
/// neither.
pub fn split_log(log: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let mut demux = Demux::default();
    let chunks = demux.push(log).into_iter().chain(demux.finish());
    for chunk in chunks {
        match chunk {
            LogChunk::Stdout(bytes) => stdout.extend_from_slice(&bytes),
            LogChunk::Stderr(bytes) => stderr.extend_from_slice(&bytes),
        }
    }
    (stdout, stderr)
}

/// A piece of a command's output, from the stream it was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogChunk {
    /// Written to standard output.
    Stdout(Vec<u8>),
    /// Written to standard error.
    Stderr(Vec<u8>),
}

/// Splits a raw command log that arrives in pieces (a followed log): the [`split_log`] rule,
/// with a marker cut between two pieces recognised all the same.
#[derive(Debug, Default)]
pub struct Demux {
    /// The stream the last marker chose (none before the first marker).
    current: Option<Stream>,
    /// The end of the last piece, held back because it may be the start of a marker.
    held: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdout,
    Stderr,
}

impl Demux {
    /// The output in `piece` (with what was held back from the piece before), by stream, in
    /// order. A marker's first bytes at the end are held back for the next piece.
    pub fn push(&mut self, piece: &[u8]) -> Vec<LogChunk> {
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(piece);
        self.split(&bytes, false)
    }

    /// What was held back, at the end of the log.
    pub fn finish(&mut self) -> Vec<LogChunk> {
        let held = std::mem::take(&mut self.held);
        self.split(&held, true)
    }

    fn split(&mut self, bytes: &[u8], last: bool) -> Vec<LogChunk> {
        let mut chunks: Vec<LogChunk> = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix(STDOUT_MARKER) {
                self.current = Some(Stream::Stdout);
                rest = after;
            } else if let Some(after) = rest.strip_prefix(STDERR_MARKER) {
                self.current = Some(Stream::Stderr);
                rest = after;
            } else if !last && is_marker_start(rest) {
                self.held = rest.to_vec();
                break;
            } else {
                let mut end = next_marker(rest);
                if end == rest.len() && !last {
                    // Stop where a marker may begin, to look again with the next piece.
                    end = (1..rest.len())
                        .find(|&i| is_marker_start(&rest[i..]))
                        .unwrap_or(end);
                }
                let data = &rest[..end];
                match (self.current, chunks.last_mut()) {
                    (None, _) => {}
                    (Some(Stream::Stdout), Some(LogChunk::Stdout(last))) => {
                        last.extend_from_slice(data)
                    }
                    (Some(Stream::Stderr), Some(LogChunk::Stderr(last))) => {
                        last.extend_from_slice(data)
                    }
                    (Some(Stream::Stdout), _) => chunks.push(LogChunk::Stdout(data.to_vec())),
                    (Some(Stream::Stderr), _) => chunks.push(LogChunk::Stderr(data.to_vec())),
                }
                rest = &rest[end..];
            }
        }
        chunks
    }
}

/// Whether `bytes` are the first bytes of a marker, short of a whole one.
fn is_marker_start(bytes: &[u8]) -> bool {
    bytes.len() < STDOUT_MARKER.len()
        && (STDOUT_MARKER.starts_with(bytes) || STDERR_MARKER.starts_with(bytes))
}

/// Where the next marker starts (the length of `bytes` when there is none); never 0 unless
/// `bytes` starts with a marker.
fn next_marker(bytes: &[u8]) -> usize {
    (1..bytes.len())
        .find(|&i| bytes[i..].starts_with(STDOUT_MARKER) || bytes[i..].starts_with(STDERR_MARKER))
        .unwrap_or(bytes.len())
}

/// Whether a log holds markers, so it can be split.
fn has_markers(log: &[u8]) -> bool {
    log.windows(STDOUT_MARKER.len())
        .any(|window| window == STDOUT_MARKER || window == STDERR_MARKER)
}

/// What a command did, from any of the daemon's answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandOutput {
    /// The exit code (`None` if the answer carries none, as logs do).
    pub exit_code: Option<i64>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// `true` when the toolbox sent stdout and stderr already mixed (daemons from before
    /// September 2025 ignore [`SPLIT_OUTPUT_HEADER`]); both are then in `stdout`, and `stderr` is
    /// empty.
    pub combined: bool,
}

impl CommandOutput {
    /// The output from the three fields an answer may carry: `stdout` and `stderr` split by the
    /// server, or `output` holding the raw log (split here) or the mixed output.
    fn from_fields(
        exit_code: Option<i64>,
        output: Option<String>,
        stdout: Option<String>,
        stderr: Option<String>,
    ) -> CommandOutput {
        if stdout.is_some() || stderr.is_some() {
            return CommandOutput {
                exit_code,
                stdout: stdout.unwrap_or_default(),
                stderr: stderr.unwrap_or_default(),
                combined: false,
            };
        }
        let output = output.unwrap_or_default();
        if has_markers(output.as_bytes()) {
            let (stdout, stderr) = split_log(output.as_bytes());
            return CommandOutput {
                exit_code,
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
                combined: false,
            };
        }
        // A raw log without markers is empty; text without them was mixed by the daemon.
        CommandOutput {
            exit_code,
            combined: !output.is_empty(),
            stdout: output,
            stderr: String::new(),
        }
    }

    /// The output of a synchronous session command.
    pub fn from_execute(response: SessionExecuteResponse) -> CommandOutput {
        CommandOutput::from_fields(
            response.exit_code,
            response.output,
            response.stdout,
            response.stderr,
        )
    }

    /// The output in a session command's logs, JSON or text (the log endpoints answer either,
    /// depending on the request's headers); logs carry no exit code.
    pub fn from_logs(logs: JsonOrText<SessionCommandLogsResponse>) -> CommandOutput {
        match logs {
            // The daemon answers JSON only when it has split the log itself.
            JsonOrText::Json(logs) => CommandOutput::from_fields(
                None,
                Some(logs.output),
                Some(logs.stdout),
                Some(logs.stderr),
            ),
            JsonOrText::Text(text) => CommandOutput::from_fields(None, Some(text), None, None),
        }
    }
}

/// The logs of a command that ran (or runs) in a session, split into stdout and stderr.
pub async fn command_logs(
    toolbox: &Client,
    session_id: &str,
    command_id: &str,
) -> Result<CommandOutput, Error> {
    let logs = crate::toolbox::process::get_session_command_logs(
        toolbox,
        session_id,
        command_id,
        &Default::default(),
    )
    .await?;
    Ok(CommandOutput::from_logs(logs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_log_splits_by_its_markers() {
        let log = b"\x01\x01\x01hello\n\x02\x02\x02oops\n\x01\x01\x01world\n";
        let (stdout, stderr) = split_log(log);
        assert_eq!(stdout, b"hello\nworld\n");
        assert_eq!(stderr, b"oops\n");
        // Bytes before any marker belong to no stream, as in the daemon.
        assert_eq!(split_log(b"lost\x02\x02\x02e"), (Vec::new(), b"e".to_vec()));
        // A partial marker is data.
        assert_eq!(
            split_log(b"\x01\x01\x01a\x01\x01b"),
            (b"a\x01\x01b".to_vec(), Vec::new())
        );
    }

    #[test]
    fn a_followed_log_splits_the_same_wherever_its_pieces_are_cut() {
        let log =
            b"before\x01\x01\x01out 1\n\x02\x02\x02err 1\n\x01\x01\x01out\x01\x01 2\n\x02\x02\x02e";
        let whole = split_log(log);
        for cut in 0..=log.len() {
            for second in cut..=log.len() {
                let mut demux = Demux::default();
                let mut chunks = demux.push(&log[..cut]);
                chunks.extend(demux.push(&log[cut..second]));
                chunks.extend(demux.push(&log[second..]));
                chunks.extend(demux.finish());
                let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
                for chunk in chunks {
                    match chunk {
                        LogChunk::Stdout(b) => stdout.extend(b),
                        LogChunk::Stderr(b) => stderr.extend(b),
                    }
                }
                assert_eq!((stdout, stderr), whole, "cut at {cut} and {second}");
            }
        }
        assert_eq!(whole.0, b"out 1\nout\x01\x01 2\n");
        assert_eq!(whole.1, b"err 1\ne");
    }

    #[test]
    fn each_answer_form_gives_stdout_and_stderr() {
        let fields = CommandOutput::from_fields(
            Some(0),
            Some("\x01\x01\x01hello\n\x02\x02\x02oops\n".into()),
            Some("hello\n".into()),
            Some("oops\n".into()),
        );
        let markers = CommandOutput::from_fields(
            Some(0),
            Some("\x01\x01\x01hello\n\x02\x02\x02oops\n".into()),
            None,
            None,
        );
        let expected = CommandOutput {
            exit_code: Some(0),
            stdout: "hello\n".into(),
            stderr: "oops\n".into(),
            combined: false,
        };
        assert_eq!(fields, expected);
        assert_eq!(markers, expected);
        let mixed = CommandOutput::from_fields(Some(1), Some("hello\noops\n".into()), None, None);
        assert_eq!(
            mixed,
            CommandOutput {
                exit_code: Some(1),
                stdout: "hello\noops\n".into(),
                stderr: String::new(),
                combined: true,
            }
        );
        assert!(!CommandOutput::from_fields(None, Some(String::new()), None, None).combined);
    }
}
