//! The pull-request check (`tools/spec-diff-pr/spec_diff_pr.py`, run by
//! `.github/workflows/spec-diff.yml`) run locally, as the README shows, with a fake
//! `pull_request` event and a fake GitHub API on 127.0.0.1: the first push creates the report
//! comment and fails the check on an unacknowledged wire break; once the breaks are
//! acknowledged in the ignore file, the next push updates the same comment and passes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const MARKER: &str = "<!-- spec-diff-report -->";

/// A request the fake API received.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    path: String,
    authorization: String,
    body: String,
}

/// A fake GitHub API answering `requests` requests (each within 60 s), then stopping. The
/// comments list is empty until a comment was created.
fn fake_github(
    requests: usize,
    existing_comment: bool,
) -> (String, std::thread::JoinHandle<Vec<Received>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let received = Arc::new(Mutex::new(Vec::new()));
    let handle = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        while received.lock().unwrap().len() < requests && Instant::now() < deadline {
            let Ok((stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut parts = line.split_whitespace();
            let (method, path) = (
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default().to_string(),
            );
            let (mut length, mut authorization) = (0, String::new());
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap_or((header, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => authorization = value.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let answer = match (method.as_str(), existing_comment) {
                ("GET", true) => format!(
                    r#"[{{"id": 5, "body": "a reviewer's comment"}}, {{"id": 7, "body": "{MARKER}\nold report"}}]"#
                ),
                ("GET", false) => "[]".to_string(),
                _ => r#"{"id": 7}"#.to_string(),
            };
            let status = if method == "POST" {
                "201 Created"
            } else {
                "200 OK"
            };
            let mut stream = reader.into_inner();
            write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            )
            .unwrap();
            received.lock().unwrap().push(Received {
                method,
                path,
                authorization,
                body: String::from_utf8(body).unwrap(),
            });
        }
        let received = received.lock().unwrap().clone();
        received
    });
    (url, handle)
}

fn spec(version: &str) -> String {
    workspace()
        .join(format!(
            "generator/tests/spec-history/daytona-api.{version}.yaml"
        ))
        .display()
        .to_string()
}

/// Runs the script as the workflow does, with a fake event and API.
fn run_check(dir: &Path, api: &str, extra: &[&str]) -> Output {
    let event = dir.join("event.json");
    std::fs::write(
        &event,
        r#"{"action": "synchronize", "pull_request": {"number": 42, "base": {"sha": "0123abc"}}}"#,
    )
    .unwrap();
    let xtask = format!(
        "{} --root {}",
        env!("CARGO_BIN_EXE_xtask"),
        workspace().display()
    );
    Command::new("python3")
        .arg(workspace().join("tools/spec-diff-pr/spec_diff_pr.py"))
        .args(["--spec", &spec("2025-11-27"), &spec("2026-04-27")])
        .args(extra)
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "daytona-rust/sdk")
        .env("GITHUB_TOKEN", "test-token")
        .env("GITHUB_API_URL", api)
        .env("GITHUB_STEP_SUMMARY", dir.join("summary.md"))
        .env("XTASK", xtask)
        .output()
        .expect("python3 runs the script")
}

const LIST_COMMENTS: &str = "/repos/daytona-rust/sdk/issues/42/comments?per_page=100&page=1";

/// The method and path of each request, in order.
fn calls(requests: &[Received]) -> Vec<(&str, &str)> {
    requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect()
}

fn comment_of(request: &Received) -> String {
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    body["body"].as_str().unwrap().to_string()
}

#[test]
fn the_check_comments_fails_on_a_break_and_passes_once_it_is_acknowledged() {
    let dir = std::env::temp_dir().join(format!("spec-diff-pr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // First push: no comment yet, so one is created; the breaks fail the check.
    let (api, server) = fake_github(2, false);
    let first = run_check(&dir, &api, &[]);
    let requests = server.join().unwrap();
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert_eq!(first.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("50 wire-breaking change(s) are not acknowledged"),
        "{stderr}"
    );
    assert_eq!(
        calls(&requests),
        [
            ("GET", LIST_COMMENTS),
            ("POST", "/repos/daytona-rust/sdk/issues/42/comments"),
        ]
    );
    assert!(requests
        .iter()
        .all(|r| r.authorization == "Bearer test-token"));
    let comment = comment_of(&requests[1]);
    assert!(comment.starts_with(MARKER));
    assert!(comment.contains("### Wire: breaking (50)"), "{comment}");
    assert!(
        comment.contains("Next crate version: **major**."),
        "{comment}"
    );
    assert!(comment.len() <= 65_536, "GitHub's limit");
    let annotations = String::from_utf8_lossy(&first.stdout);
    assert!(
        annotations.contains("::error file=")
            && annotations.contains("title=api-removed-without-deprecation::GET /audit"),
        "{annotations}"
    );
    let summary = std::fs::read_to_string(dir.join("summary.md")).unwrap();
    assert!(summary.contains("## API changes"));

    // The reviewer acknowledges every wire break, each with its key from the report.
    let report = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--root")
        .arg(workspace())
        .args([
            "spec-diff",
            "--format",
            "json",
            &spec("2025-11-27"),
            &spec("2026-04-27"),
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let keys: Vec<String> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["wire"] == "breaking")
        .map(|c| {
            let location = &c["location"];
            let place = match location["kind"].as_str().unwrap() {
                "operation" => format!(
                    "{} {}",
                    location["method"].as_str().unwrap(),
                    location["path"].as_str().unwrap()
                ),
                _ => match location["field"].as_str() {
                    Some(field) => format!("{}.{field}", location["schema"].as_str().unwrap()),
                    None => location["schema"].as_str().unwrap().to_string(),
                },
            };
            format!(
                "{} {place}  # intended: the 2026-04 release",
                c["rule"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(keys.len(), 50);
    let ignore = dir.join("spec-diff-ignore.txt");
    std::fs::write(&ignore, keys.join("\n")).unwrap();

    // Next push: the comment is found and updated, and the check passes.
    let (api, server) = fake_github(2, true);
    let second = run_check(&dir, &api, &["--ignore", ignore.to_str().unwrap()]);
    let requests = server.join().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert_eq!(
        calls(&requests),
        [
            ("GET", LIST_COMMENTS),
            ("PATCH", "/repos/daytona-rust/sdk/issues/comments/7"),
        ]
    );
    let comment = comment_of(&requests[1]);
    assert!(comment.contains("(acknowledged)"), "{comment}");
    assert!(!comment.contains("not acknowledged"), "{comment}");
    let annotations = String::from_utf8_lossy(&second.stdout);
    assert!(!annotations.contains("::error"), "{annotations}");
    assert!(annotations.contains("::notice"), "{annotations}");
    let _ = std::fs::remove_dir_all(&dir);
}
