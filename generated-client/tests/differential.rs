//! This client and Daytona's official Python SDK (`daytona` 0.226.1, pinned in
//! `tools/python-sdk/requirements.txt`) do the same user actions against the service double;
//! what each sent and what each got must agree, except for the differences listed in
//! [`KNOWN_DIFFERENCES`] with their reasons. A new difference fails the test, and so does a
//! listed one that no longer occurs, so the list stays exact.
//!
//! `cargo xtask test` installs the SDK in a virtual environment, sets `DAYTONA_PYTHON_SDK` to
//! its `python` and runs this test, which is `#[ignore]`d otherwise. Run without the variable,
//! it fails.

mod support;

use daytona_client::api::types::Permission;
use daytona_client::runtime::Binary;
use daytona_client::workflows::{self, ExecRequest, SandboxSource, SandboxSpec};
use daytona_client::Client;
use daytona_client::Config;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;
use support::double::{self, Double, Recorded, Settings};

/// The differences that remain, by action (`*`: any) and subject, with the reason each is
/// right.
const KNOWN_DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "*",
        "header x-daytona-source",
        "each client names itself: `daytona-client-rust` here, `sdk-python` there; the API reads \
         it for audit and metrics only (apps/api/src/audit, interceptors/metrics.interceptor.ts)",
    ),
    (
        "*",
        "header x-daytona-sdk-version",
        "the daemon compares this header with the versions of Daytona's own SDKs to choose the \
         form of command output (apps/daemon/pkg/session/common.go); a version of this crate \
         would be misread, so this client sends none",
    ),
    (
        "*",
        "header x-daytona-split-output",
        "without an SDK version, this header is how a client asks the daemon for stdout and \
         stderr apart (the raw log with stream markers, split by this client); the official SDK \
         gets them split by the server through its version instead. The toolbox client sends it \
         on every toolbox request; only the session endpoints read it",
    ),
    (
        "exec",
        "header accept",
        "creating a session answers 201 without a body and the spec declares no media type, so \
         this client accepts any (reqwest's `*/*`); the daemon does not read Accept",
    ),
    ("long-exec", "header accept", "as for exec"),
    ("follow", "header accept", "as for exec"),
    (
        "upload",
        "POST /toolbox/sb-seed/files/bulk-upload: body /1/contentType",
        "the file part's type: httpx guesses it from the file name (`text/plain` for \
         hello.txt), this client sends `application/octet-stream` unless told otherwise \
         (`Binary::with_content_type`); the daemon does not read it (upload_files.go)",
    ),
    (
        "*",
        "request only in the official SDK: GET /api/socket.io/",
        "the official SDK subscribes to sandbox events over Socket.IO and polls when that fails \
         (the double has no Socket.IO); this client polls",
    ),
    (
        "create",
        "POST /api/sandbox: body /autoStopInterval",
        "this client sends the auto-stop interval it uses, 15 minutes by default; the official \
         SDK leaves it out and the API applies the same default",
    ),
    (
        "create",
        "POST /api/sandbox: body /env",
        "the official SDK sends an empty map where this client leaves the field out; the API \
         reads both as no variables",
    ),
    (
        "create",
        "POST /api/sandbox: body /volumes",
        "the official SDK sends an empty list where this client leaves the field out; the API \
         reads both as no volumes",
    ),
    (
        "create",
        "POST /api/sandbox: body /labels",
        "the official SDK labels every sandbox `code-toolbox-language: python`, the language of \
         its code_run; this client has no code_run and sets no label (the official SDK reads a \
         sandbox without it as python)",
    ),
];

/// The headers compared; the rest (user agent, connection, lengths) say nothing about the action.
const COMPARED_HEADERS: &[&str] = &[
    "authorization",
    "x-daytona-organization-id",
    "x-daytona-source",
    "x-daytona-sdk-version",
    "x-daytona-split-output",
    "content-type",
    "accept",
];

/// How a run authenticates.
#[derive(Debug, Clone, Copy)]
enum Auth {
    ApiKey,
    JwtWithOrganization,
}

impl Auth {
    fn env(self) -> Vec<(&'static str, &'static str)> {
        match self {
            Auth::ApiKey => vec![("DAYTONA_API_KEY", double::API_KEY)],
            Auth::JwtWithOrganization => vec![
                ("DAYTONA_JWT_TOKEN", double::JWT),
                ("DAYTONA_ORGANIZATION_ID", double::ORGANIZATION),
            ],
        }
    }
}

/// The Python of the virtual environment holding the official SDK.
fn official_python() -> PathBuf {
    match std::env::var_os("DAYTONA_PYTHON_SDK") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!("DAYTONA_PYTHON_SDK is not set: `cargo xtask test` installs the official SDK and sets it"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Daytona's Python SDK: `cargo xtask test` installs it and runs this"]
async fn this_client_and_the_official_python_sdk_agree() {
    let python = official_python();
    let mut found = BTreeMap::new();
    for auth in [Auth::ApiKey, Auth::JwtWithOrganization] {
        let double = Double::start(Settings::default()).await;
        let theirs_results = run_official(&python, &double, auth).await;
        let theirs = forms_as_json(double.take_recorded()).await;
        double.reset();
        let ours_results = run_ours(&double, auth).await;
        let ours = forms_as_json(double.take_recorded()).await;
        for (action, ours_result) in &ours_results {
            let theirs_result = theirs_results.get(action);
            assert_eq!(
                Some(ours_result),
                theirs_result,
                "{auth:?} {action}: this client and the official SDK got different results"
            );
        }
        assert_eq!(
            ours_results.keys().collect::<Vec<_>>(),
            theirs_results.keys().collect::<Vec<_>>(),
            "{auth:?}: the same actions ran"
        );
        for (action, subject, detail) in differences(&ours, &theirs) {
            found
                .entry((action, subject))
                .or_insert_with(|| format!("{auth:?}: {detail}"));
        }
    }
    report_and_check(&found);
}

/// Every difference must be listed, and every listed one must occur.
fn report_and_check(found: &BTreeMap<(String, String), String>) {
    let listed = |action: &str, subject: &str| {
        KNOWN_DIFFERENCES
            .iter()
            .find(|(a, s, _)| (*a == "*" || *a == action) && *s == subject)
    };
    println!("Differences between this client and the official Python SDK, each with its reason:");
    let mut unlisted = Vec::new();
    for ((action, subject), detail) in found {
        match listed(action, subject) {
            Some((_, _, reason)) => println!("  {action}: {subject}: {reason}\n      ({detail})"),
            None => unlisted.push(format!("  {action}: {subject}\n      {detail}")),
        }
    }
    let gone: Vec<String> = KNOWN_DIFFERENCES
        .iter()
        .filter(|(a, s, _)| {
            !found
                .keys()
                .any(|(action, subject)| (*a == "*" || a == action) && s == subject)
        })
        .map(|(a, s, _)| format!("  {a}: {s}"))
        .collect();
    assert!(
        unlisted.is_empty() && gone.is_empty(),
        "differences not listed in KNOWN_DIFFERENCES:\n{}\nlisted differences that no longer occur:\n{}",
        unlisted.join("\n"),
        gone.join("\n")
    );
}

/// Runs the official SDK's script; its result per action.
async fn run_official(python: &PathBuf, double: &Double, auth: Auth) -> BTreeMap<String, Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/official_sdk.py");
    let mut command = tokio::process::Command::new(python);
    command
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DAYTONA_API_URL", double.api_url())
        .env("DOUBLE_URL", double.api_url().trim_end_matches("/api"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .kill_on_drop(true);
    for (name, value) in auth.env() {
        command.env(name, value);
    }
    let output = tokio::time::timeout(Duration::from_secs(180), command.output())
        .await
        .expect("the official SDK's actions finish within 3 minutes")
        .expect("the official SDK's Python runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the official SDK's script failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| {
            let line: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
            let outcome = match line.get("result") {
                Some(result) => json!({"result": result}),
                None => json!({"error": line["error"]}),
            };
            (line["action"].as_str().unwrap().to_string(), outcome)
        })
        .collect()
}

/// The same actions with this client; the result of each, shaped as the script shapes it.
async fn run_ours(double: &Double, auth: Auth) -> BTreeMap<String, Value> {
    let config = || {
        let builder = Config::builder().api_url(double.api_url());
        match auth {
            Auth::ApiKey => builder.api_key(double::API_KEY),
            Auth::JwtWithOrganization => builder
                .jwt_token(double::JWT)
                .organization_id(double::ORGANIZATION),
        }
    };
    let client = Client::new(config().build().unwrap()).unwrap();
    // A client whose requests time out after 2 s still runs a 3 s command: the command's
    // request takes the command's timeout.
    let impatient = Client::new(config().timeout(Duration::from_secs(2)).build().unwrap()).unwrap();
    let mut results = BTreeMap::new();
    let summary = |s: &daytona_client::api::types::Sandbox| json!({"id": s.id, "state": s.state.as_ref().map(|s| s.to_string())});
    let ids = |items: Vec<daytona_client::api::types::SandboxListItem>| {
        json!(items.into_iter().map(|s| s.id).collect::<Vec<_>>())
    };
    let outcome = |result: Result<Value, daytona_client::Error>| match result {
        Ok(value) => json!({"result": value}),
        Err(error) => json!({"error": error.to_string()}),
    };

    double.begin("get");
    let got = workflows::get_sandbox(&client, double::SEED_SANDBOX).await;
    results.insert("get".into(), outcome(got.map(|s| summary(&s))));

    double.begin("list");
    let listed = workflows::list_sandboxes(&client, &BTreeMap::new()).await;
    results.insert("list".into(), outcome(listed.map(ids)));

    double.begin("list-labels");
    let labels = BTreeMap::from([("team".to_string(), "ci".to_string())]);
    let listed = workflows::list_sandboxes(&client, &labels).await;
    results.insert("list-labels".into(), outcome(listed.map(ids)));

    double.begin("create");
    let spec = SandboxSpec {
        source: Some(SandboxSource::Snapshot("daytonaio/sandbox:0.5.0".into())),
        ..SandboxSpec::default()
    };
    let created = workflows::create_sandbox(&client, &spec).await;
    results.insert("create".into(), outcome(created.map(|s| summary(&s))));

    for (action, client, command) in [
        ("exec", &client, "echo hello; echo oops >&2"),
        ("long-exec", &impatient, "sleep 3; echo done"),
    ] {
        double.begin(action);
        let mut request = ExecRequest::new(command);
        request.timeout = Duration::from_secs(if action == "exec" { 60 } else { 10 });
        let ran = match workflows::get_sandbox(client, double::SEED_SANDBOX).await {
            Ok(sandbox) => workflows::exec(client, &sandbox, &request).await,
            Err(error) => Err(error),
        };
        let ran = ran.map(|output| {
            json!({"exitCode": output.exit_code, "stdout": output.stdout, "stderr": output.stderr})
        });
        results.insert(action.into(), outcome(ran));
    }

    let toolbox =
        |sandbox: &daytona_client::api::types::Sandbox| workflows::toolbox_client(&client, sandbox);
    double.begin("upload");
    let uploaded = match workflows::get_sandbox(&client, double::SEED_SANDBOX).await {
        Ok(sandbox) => {
            let contents = Binary::new("hello from a file\n");
            workflows::upload_file(&toolbox(&sandbox), contents, "/home/daytona/hello.txt").await
        }
        Err(error) => Err(error),
    };
    results.insert("upload".into(), outcome(uploaded.map(|()| Value::Null)));

    double.begin("download");
    let downloaded = match workflows::get_sandbox(&client, double::SEED_SANDBOX).await {
        Ok(sandbox) => {
            match workflows::download_file(&toolbox(&sandbox), "/home/daytona/hello.txt").await {
                Ok(part) => part.bytes().await,
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    };
    let downloaded = downloaded.map(|bytes| json!(String::from_utf8_lossy(&bytes)));
    results.insert("download".into(), outcome(downloaded));

    double.begin("follow");
    let command = "echo one; echo err >&2; sleep 1; echo two; exit 3";
    let followed = match workflows::get_sandbox(&client, double::SEED_SANDBOX).await {
        Ok(sandbox) => {
            match workflows::exec_stream(&client, &sandbox, &ExecRequest::new(command)).await {
                Ok(run) => run.collect().await,
                Err(error) => Err(error),
            }
        }
        Err(error) => Err(error),
    };
    let followed = followed.map(|output| {
        json!({"exitCode": output.exit_code, "stdout": output.stdout, "stderr": output.stderr})
    });
    results.insert("follow".into(), outcome(followed));

    double.begin("api-key");
    let expires = "2030-01-01T00:00:00Z".parse().unwrap();
    let key = workflows::create_api_key(
        &client,
        "ci-diff",
        &[Permission::WriteSandboxes],
        Some(expires),
    )
    .await;
    let key = key.map(|key| {
        json!({
            "name": key.name,
            "permissions": key.permissions.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            "valueGiven": !key.value.expose().is_empty(),
        })
    });
    results.insert("api-key".into(), outcome(key));
    double.begin("");
    results
}

/// Multipart bodies as JSON, part by part (name, file name, content type, contents), so that
/// two forms compare by what they hold rather than by their boundaries.
async fn forms_as_json(recorded: Vec<Recorded>) -> Vec<Recorded> {
    let mut out = Vec::with_capacity(recorded.len());
    for mut request in recorded {
        let boundary = request
            .header("content-type")
            .and_then(|c| multer::parse_boundary(c).ok());
        if let Some(boundary) = boundary {
            let body = request.body.clone();
            let stream =
                futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
            let mut form = multer::Multipart::new(stream, boundary);
            let mut parts = Vec::new();
            while let Some(field) = form.next_field().await.expect("a well-formed form") {
                let (name, file_name) = (
                    field.name().map(str::to_string),
                    field.file_name().map(str::to_string),
                );
                let content_type = field.content_type().map(|m| m.to_string());
                let contents = field.text().await.expect("a part's contents");
                parts.push(json!({"name": name, "fileName": file_name, "contentType": content_type, "contents": contents}));
            }
            request.body = json!(parts).to_string().into();
        }
        out.push(request);
    }
    out
}

/// A request as compared: ids that each client picks itself are replaced by placeholders.
#[derive(Debug, Clone, PartialEq)]
struct Normal {
    key: String,
    query: BTreeMap<String, String>,
    headers: BTreeMap<String, String>,
    body: Value,
}

fn normalise(request: &Recorded) -> Normal {
    let path = session_placeholder(&request.path);
    let query = double::url_pairs(request.query.as_deref().unwrap_or_default())
        .into_iter()
        .collect();
    let headers = COMPARED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = request.header(name)?;
            let value = match *name {
                // The media type; a multipart boundary or charset is the library's choice.
                "content-type" => value.split(';').next().unwrap_or("").trim().to_lowercase(),
                _ => value.to_string(),
            };
            Some((name.to_string(), value))
        })
        .collect();
    let mut body = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&request.body).into_owned()))
    };
    if let Some(session) = body.get_mut("sessionId") {
        *session = json!("{session}");
    }
    Normal {
        key: format!("{} {path}", request.method),
        query,
        headers,
        body,
    }
}

/// `/…/process/session/{any id}/…` with the id replaced.
fn session_placeholder(path: &str) -> String {
    let mut segments: Vec<String> = path.split('/').map(str::to_string).collect();
    for i in 2..segments.len() {
        if segments[i - 2] == "process" && segments[i - 1] == "session" {
            segments[i] = "{session}".into();
        }
    }
    segments.join("/")
}

/// Each action's requests, normalised. A GET repeated within an action is a poll, whose count
/// depends on timing: only its first occurrence counts.
fn by_action(recorded: &[Recorded]) -> BTreeMap<String, Vec<Normal>> {
    let mut actions: BTreeMap<String, Vec<Normal>> = BTreeMap::new();
    for request in recorded.iter().filter(|r| !r.action.is_empty()) {
        let normal = normalise(request);
        let list = actions.entry(request.action.clone()).or_default();
        if !(request.method == "GET" && list.contains(&normal)) {
            list.push(normal);
        }
    }
    actions
}

/// The differences between the two clients' requests: (action, subject, detail).
fn differences(ours: &[Recorded], theirs: &[Recorded]) -> Vec<(String, String, String)> {
    let (ours, theirs) = (by_action(ours), by_action(theirs));
    let actions: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let mut found = Vec::new();
    for action in actions {
        let empty = Vec::new();
        let (a, b) = (
            ours.get(action).unwrap_or(&empty),
            theirs.get(action).unwrap_or(&empty),
        );
        let mut push = |subject: String, detail: String| {
            found.push((action.clone(), subject, detail));
        };
        let (pairs, only_ours, only_theirs) = align(a, b);
        for i in only_ours {
            push(
                format!("request only in this client: {}", a[i].key),
                String::new(),
            );
        }
        for j in only_theirs {
            push(
                format!("request only in the official SDK: {}", b[j].key),
                String::new(),
            );
        }
        for (i, j) in pairs {
            let (x, y) = (&a[i], &b[j]);
            let names: BTreeSet<&String> = x.headers.keys().chain(y.headers.keys()).collect();
            for name in names {
                let (p, q) = (x.headers.get(name), y.headers.get(name));
                if p != q {
                    push(
                        format!("header {name}"),
                        format!("{}: this client {p:?}, the official SDK {q:?}", x.key),
                    );
                }
            }
            let names: BTreeSet<&String> = x.query.keys().chain(y.query.keys()).collect();
            for name in names {
                let (p, q) = (x.query.get(name), y.query.get(name));
                // A JSON value in the query (the label filter) is compared as JSON: white space
                // inside it is each JSON library's choice.
                let as_json =
                    |v: Option<&String>| v.and_then(|v| serde_json::from_str::<Value>(v).ok());
                let same_json = as_json(p).is_some() && as_json(p) == as_json(q);
                if p != q && !same_json {
                    push(
                        format!("{}: query {name}", x.key),
                        format!("this client {p:?}, the official SDK {q:?}"),
                    );
                }
            }
            for (pointer, p, q) in json_differences(&x.body, &y.body, String::new()) {
                push(
                    format!("{}: body {pointer}", x.key),
                    format!("this client {p}, the official SDK {q}"),
                );
            }
        }
    }
    found
}

/// The longest common subsequence of request keys: matched pairs, then the rest of each side.
fn align(a: &[Normal], b: &[Normal]) -> (Vec<(usize, usize)>, Vec<usize>, Vec<usize>) {
    let mut table = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i][j] = if a[i].key == b[j].key {
                table[i + 1][j + 1] + 1
            } else {
                table[i + 1][j].max(table[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut pairs, mut only_a, mut only_b) = (Vec::new(), Vec::new(), Vec::new());
    while i < a.len() && j < b.len() {
        if a[i].key == b[j].key {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if table[i + 1][j] >= table[i][j + 1] {
            only_a.push(i);
            i += 1;
        } else {
            only_b.push(j);
            j += 1;
        }
    }
    only_a.extend(i..a.len());
    only_b.extend(j..b.len());
    (pairs, only_a, only_b)
}

/// Leaves where two JSON values differ, by JSON pointer. Numbers compare by value and
/// timestamps by instant.
fn json_differences(a: &Value, b: &Value, at: String) -> Vec<(String, String, String)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            keys.into_iter()
                .flat_map(|k| {
                    let missing = Value::String("(absent)".into());
                    json_differences(
                        x.get(k).unwrap_or(&missing),
                        y.get(k).unwrap_or(&missing),
                        format!("{at}/{k}"),
                    )
                })
                .collect()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .flat_map(|(i, (p, q))| json_differences(p, q, format!("{at}/{i}")))
            .collect(),
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Vec::new(),
        (Value::String(x), Value::String(y))
            if x == y
                || matches!(
                    (chrono::DateTime::parse_from_rfc3339(x), chrono::DateTime::parse_from_rfc3339(y)),
                    (Ok(p), Ok(q)) if p == q
                ) =>
        {
            Vec::new()
        }
        (x, y) if x == y => Vec::new(),
        (x, y) => vec![(
            if at.is_empty() { "/".into() } else { at },
            x.to_string(),
            y.to_string(),
        )],
    }
}
