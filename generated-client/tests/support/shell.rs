//! The few shell commands the test double's sandboxes run, so tests can run real command lines
//! (`cd '/work' && export NAME='x' && echo hello; echo oops >&2; sleep 70`) with a clock they
//! control.
//!
//! Output goes to a command log as the daemon writes it (`apps/daemon/pkg/session/execute.go`):
//! every line of stdout prefixed with `\x01\x01\x01`, every line of stderr with `\x02\x02\x02`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The prefix of stdout lines in a log.
pub const STDOUT: &[u8] = b"\x01\x01\x01";
/// The prefix of stderr lines in a log.
pub const STDERR: &[u8] = b"\x02\x02\x02";

/// What a session keeps between commands, as a shell does.
#[derive(Debug, Clone, Default)]
pub struct ShellState {
    /// The working directory.
    pub cwd: String,
    /// Exported variables.
    pub env: BTreeMap<String, String>,
}

/// A log that grows while a command runs.
pub type Log = Arc<Mutex<Vec<u8>>>;

/// Runs `line` and returns its exit code. `clock` is how many real seconds one second of
/// `sleep` takes.
///
/// Understood: `echo [-n] WORDS [>&2]`, `sleep SECONDS`, `exit CODE`, `cd DIR`,
/// `export NAME=VALUE`, `pwd`, `true`, `false`, joined by `;` and `&&`; words in single or double
/// quotes, `$NAME` expanded outside single quotes. Anything else is "not found" (127).
pub async fn run(line: &str, state: &mut ShellState, log: &Log, clock: f64) -> i32 {
    let mut code = 0;
    for (joiner, command) in split_commands(line) {
        if joiner == Joiner::And && code != 0 {
            continue;
        }
        let words = words(&command, &state.env);
        let (words, to_stderr) = match words.iter().position(|w| w == ">&2" || w == "1>&2") {
            Some(at) => {
                let mut words = words.clone();
                words.remove(at);
                (words, true)
            }
            None => (words, false),
        };
        let Some((name, args)) = words.split_first() else {
            continue;
        };
        let out = |text: &str| write(log, if to_stderr { STDERR } else { STDOUT }, text);
        code = match name.as_str() {
            "echo" => {
                let args: Vec<&str> = args
                    .iter()
                    .map(String::as_str)
                    .filter(|a| *a != "-n")
                    .collect();
                out(&args.join(" "));
                0
            }
            "pwd" => {
                out(&state.cwd);
                0
            }
            "sleep" => match args.first().and_then(|a| a.parse::<f64>().ok()) {
                Some(seconds) if seconds >= 0.0 => {
                    tokio::time::sleep(Duration::from_secs_f64(seconds * clock)).await;
                    0
                }
                _ => {
                    write(log, STDERR, "sleep: invalid time interval");
                    1
                }
            },
            "exit" => return args.first().and_then(|a| a.parse().ok()).unwrap_or(0),
            "cd" => {
                state.cwd = args
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "/home/daytona".into());
                0
            }
            "export" => {
                for assignment in args {
                    if let Some((name, value)) = assignment.split_once('=') {
                        state.env.insert(name.to_string(), value.to_string());
                    }
                }
                0
            }
            "true" => 0,
            "false" => 1,
            other => {
                write(log, STDERR, &format!("sh: 1: {other}: not found"));
                127
            }
        };
    }
    code
}

/// Appends one line to the log with its stream's prefix, as the daemon's labelers do.
fn write(log: &Log, prefix: &[u8], text: &str) {
    let mut log = log.lock().unwrap();
    for line in text.split('\n') {
        log.extend_from_slice(prefix);
        log.extend_from_slice(line.as_bytes());
        log.push(b'\n');
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Joiner {
    Always,
    And,
}

/// The command line cut at `;` and `&&` outside quotes.
fn split_commands(line: &str) -> Vec<(Joiner, String)> {
    let mut commands = Vec::new();
    let mut current = String::new();
    let mut joiner = Joiner::Always;
    let mut quote = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some('\''), c) => current.push(c),
            (_, '\\') => {
                current.push(c);
                current.extend(chars.next());
            }
            (None, ';') | (None, '\n') => {
                commands.push((joiner, std::mem::take(&mut current)));
                joiner = Joiner::Always;
            }
            (None, '&') if chars.peek() == Some(&'&') => {
                chars.next();
                commands.push((joiner, std::mem::take(&mut current)));
                joiner = Joiner::And;
            }
            _ => current.push(c),
        }
    }
    commands.push((joiner, current));
    commands
        .into_iter()
        .filter(|(_, c)| !c.trim().is_empty())
        .collect()
}

/// The words of one command, quotes removed and variables expanded.
fn words(command: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = command.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '$' => word.push_str(&variable(&mut chars, env)),
                        '\\' => word.extend(chars.next()),
                        c => word.push(c),
                    }
                }
            }
            '$' => {
                in_word = true;
                word.push_str(&variable(&mut chars, env));
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn variable(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    env: &BTreeMap<String, String>,
) -> String {
    let mut name = String::new();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
            chars.next();
        } else {
            break;
        }
    }
    env.get(&name).cloned().unwrap_or_default()
}
