//! A test double of the Daytona service on 127.0.0.1: the API, the toolbox proxy and each
//! sandbox's daemon, behaving as their published source does in what the specs leave out.
//!
//! * API (`/api/…`): bearer auth with an API key, or a JWT with `X-Daytona-Organization-ID`
//!   (`apps/api/src/auth/jwt.strategy.ts`); sandboxes that go `creating` → `starting` →
//!   `started` over time (or to `error`); cursor pages; API keys.
//! * Toolbox proxy (`/toolbox/{sandboxId}/…`, the `toolboxProxyUrl` the API gives): every request
//!   needs a valid bearer token, else 401 (`apps/proxy/pkg/proxy/get_sandbox_target.go`,
//!   `auth.go`; the `/toolbox/` path form answers 401 where the preview-host form redirects to
//!   a login page). [`Settings::redirect_unauthenticated`] plays the redirecting form.
//! * Daemon: sessions whose commands run in [`super::shell`], their output in one log with
//!   stream markers, answered in the form the request's headers select
//!   (`apps/daemon/pkg/session/common.go`, `toolbox/process/session/execute.go`, `log.go`);
//!   followed logs, terminals and the code interpreter over WebSockets ([`super::sockets`]);
//!   bulk uploads and downloads ([`super::filesystem`]).
//!
//! Every request is recorded (method, path, query, headers, body) with the name of the action
//! under way, for tests that compare what two clients send.

use super::filesystem::{self, Files};
use super::shell::{self, Log, ShellState};
use super::sockets::{self, Contexts, FollowedLog, Pty};
use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The API key the double accepts.
pub const API_KEY: &str = "dtn_double_api_key";
/// The JWT the double accepts, with [`ORGANIZATION`].
pub const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.double.jwt";
/// The organization of every principal.
pub const ORGANIZATION: &str = "org-double";
/// The id of the sandbox that exists from the start, started.
pub const SEED_SANDBOX: &str = "sb-seed";

/// The form of a daemon's answer with a command's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputForm {
    /// One `output`, markers removed: stdout and stderr mixed.
    Combined,
    /// `output` holding the raw log, markers kept, for the client to split.
    Markers,
    /// `stdout` and `stderr` split by the server (and the raw log in `output`).
    Fields,
}

/// How the daemon chooses its answer's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Daemon {
    /// As the current source does: by `X-Daytona-SDK-Version` and `X-Daytona-Split-Output`.
    FromHeaders,
    /// Always the one form, whatever the headers: a daemon of another version.
    Always(OutputForm),
}

/// How the double behaves.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How the daemon answers.
    pub daemon: Daemon,
    /// Real seconds per second of `sleep` in a command.
    pub clock: f64,
    /// How long a new or restarted sandbox takes to be started.
    pub start_after: Duration,
    /// Sandboxes per page when a list names no limit (small, so lists cross pages).
    pub page_size: usize,
    /// Answer unauthenticated toolbox requests with a redirect to a login page, as the proxy's
    /// preview-host form does, instead of 401.
    pub redirect_unauthenticated: bool,
    /// The most bytes per message of a followed log (small, so messages cut through markers).
    pub log_piece: usize,
    /// Stop a bulk download's answer after this many bytes, holding the connection open (a
    /// transfer that stalls, for cancellation tests).
    pub stall_downloads_after: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            daemon: Daemon::FromHeaders,
            clock: 1.0,
            start_after: Duration::from_millis(300),
            page_size: 2,
            redirect_unauthenticated: false,
            log_piece: 4,
            stall_downloads_after: None,
        }
    }
}

/// One request the double received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The action under way (see [`Double::begin`]).
    pub action: String,
    /// The method.
    pub method: String,
    /// The path, as sent (percent-encoded).
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl Recorded {
    /// The value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running double; stopped when dropped.
pub struct Double {
    base: String,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Double {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Double {
    /// Starts a double on a free port of 127.0.0.1.
    pub async fn start(settings: Settings) -> Double {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            settings,
            base: base.clone(),
            state: Mutex::new(State::new(&base)),
        });
        let server = Arc::clone(&shared);
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let shared = Arc::clone(&server);
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        let shared = Arc::clone(&shared);
                        async move { Ok::<_, Infallible>(shared.handle(request).await) }
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        Double { base, shared, task }
    }

    /// The API's base URL (as `DAYTONA_API_URL`).
    pub fn api_url(&self) -> String {
        format!("{}/api", self.base)
    }

    /// A client of this double with the configuration's defaults (retries and a 60 s timeout
    /// included), sending `api_key`.
    pub fn client_with_key(&self, api_key: &str) -> daytona_client::Client {
        let config = daytona_client::Config::builder()
            .api_key(api_key)
            .api_url(self.api_url())
            .build()
            .unwrap();
        daytona_client::Client::new(config).unwrap()
    }

    /// The toolbox proxy's URL (as the API gives it in `toolboxProxyUrl`).
    pub fn toolbox_proxy_url(&self) -> String {
        format!("{}/toolbox", self.base)
    }

    /// Names the action that the following requests belong to.
    pub fn begin(&self, action: &str) {
        self.shared.state.lock().unwrap().action = action.to_string();
    }

    /// The requests received so far, and forgets them.
    pub fn take_recorded(&self) -> Vec<Recorded> {
        std::mem::take(&mut self.shared.state.lock().unwrap().recorded)
    }

    /// The requests received so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.shared.state.lock().unwrap().recorded.clone()
    }

    /// The contents of a file in a sandbox.
    pub fn file(&self, sandbox: &str, path: &str) -> Option<Bytes> {
        let mut state = self.shared.state.lock().unwrap();
        state.sandbox(sandbox)?.files.get(path).cloned()
    }

    /// Puts a file in a sandbox.
    pub fn put_file(&self, sandbox: &str, path: &str, contents: impl Into<Bytes>) {
        let mut state = self.shared.state.lock().unwrap();
        let sandbox = state.sandbox(sandbox).expect("a sandbox of the double");
        sandbox.files.insert(path.to_string(), contents.into());
    }

    /// Adds an interpreter context to a sandbox.
    pub fn add_context(&self, sandbox: &str, id: &str) {
        let mut state = self.shared.state.lock().unwrap();
        let sandbox = state.sandbox(sandbox).expect("a sandbox of the double");
        sandbox.contexts.lock().unwrap().push(id.to_string());
    }

    /// Whether a PTY session exists in a sandbox.
    pub fn has_pty(&self, sandbox: &str, id: &str) -> bool {
        let mut state = self.shared.state.lock().unwrap();
        state
            .sandbox(sandbox)
            .is_some_and(|s| s.ptys.get(id).is_some_and(|p| !p.lock().unwrap().exited))
    }

    /// The number of sessions in a sandbox.
    pub fn session_count(&self, sandbox: &str) -> usize {
        let mut state = self.shared.state.lock().unwrap();
        state.sandbox(sandbox).map_or(0, |s| s.sessions.len())
    }

    /// Puts the sandboxes, sessions and keys back as they were at the start (recordings stay).
    pub fn reset(&self) {
        let mut state = self.shared.state.lock().unwrap();
        let fresh = State::new(&self.base);
        state.sandboxes = fresh.sandboxes;
        state.keys = fresh.keys;
        state.next_id = fresh.next_id;
    }
}

struct Shared {
    settings: Settings,
    base: String,
    state: Mutex<State>,
}

struct State {
    action: String,
    recorded: Vec<Recorded>,
    sandboxes: Vec<SandboxRecord>,
    keys: Vec<KeyRecord>,
    /// The organization's snapshots, as the API lists them.
    snapshots: Vec<Value>,
    /// Volumes by name: the volume and when it is ready (or fails, for the name `broken`).
    volumes: Vec<(Value, Instant)>,
    /// Snapshots created through the API: the snapshot and when its build ends.
    builds: Vec<(Value, Instant)>,
    next_id: u32,
}

struct SandboxRecord {
    fields: Value,
    /// States and when each begins; the last begun is current.
    timeline: Vec<(Instant, &'static str)>,
    error_reason: Option<String>,
    sessions: BTreeMap<String, Session>,
    files: Files,
    ptys: BTreeMap<String, Arc<Mutex<Pty>>>,
    contexts: Contexts,
}

struct Session {
    shell: Arc<tokio::sync::Mutex<ShellState>>,
    commands: BTreeMap<String, Command>,
}

struct Command {
    line: String,
    log: Log,
    exit_code: Arc<Mutex<Option<i32>>>,
    task: tokio::task::JoinHandle<()>,
}

struct KeyRecord {
    name: String,
    value: String,
    permissions: Value,
    expires_at: Value,
    created_at: String,
}

/// Who a request's credentials name.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Principal {
    ApiKey,
    Jwt,
}

type Answer = Response<BoxBody<Bytes, Infallible>>;

/// A body held whole.
fn full(body: impl Into<Bytes>) -> BoxBody<Bytes, Infallible> {
    Full::new(body.into()).boxed()
}

fn answer(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Answer {
    Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(full(body))
        .unwrap()
}

fn json_answer(status: StatusCode, value: &Value) -> Answer {
    answer(status, "application/json; charset=utf-8", value.to_string())
}

fn empty(status: StatusCode) -> Answer {
    Response::builder()
        .status(status)
        .body(full(Bytes::new()))
        .unwrap()
}

/// The API's (NestJS) error body.
fn api_error(status: StatusCode, message: &str) -> Answer {
    json_answer(
        status,
        &json!({
            "statusCode": status.as_u16(),
            "message": message,
            "error": status.canonical_reason().unwrap_or(""),
        }),
    )
}

/// The proxy's and daemon's error body (`libs/common-go/pkg/errors`).
fn common_error(status: StatusCode, code: &str, message: &str, method: &str, path: &str) -> Answer {
    json_answer(
        status,
        &json!({
            "statusCode": status.as_u16(),
            "message": message,
            "code": code,
            "timestamp": "2026-06-23T12:00:00Z",
            "path": path,
            "method": method,
        }),
    )
}

impl State {
    fn new(base: &str) -> State {
        let mut state = State {
            action: String::new(),
            recorded: Vec::new(),
            sandboxes: Vec::new(),
            keys: Vec::new(),
            snapshots: (1..=SNAPSHOTS).map(snapshot_json).collect(),
            volumes: Vec::new(),
            builds: Vec::new(),
            next_id: 1,
        };
        let toolbox = format!("{base}/toolbox");
        for (id, name, labels) in [
            (SEED_SANDBOX, "seed", json!({"team": "ci"})),
            ("sb-other", "other", json!({"team": "web"})),
            ("sb-third", "third", json!({"team": "ci"})),
        ] {
            state.sandboxes.push(SandboxRecord {
                fields: sandbox_fields(id, name, labels, &toolbox, &json!({})),
                timeline: vec![(Instant::now(), "started")],
                error_reason: None,
                sessions: BTreeMap::new(),
                files: Files::new(),
                ptys: BTreeMap::new(),
                contexts: Contexts::default(),
            });
        }
        state
    }

    fn command(&mut self, sandbox: &str, session: &str, command: &str) -> Option<&Command> {
        self.sandbox(sandbox)?
            .sessions
            .get(session)?
            .commands
            .get(command)
    }

    fn sandbox(&mut self, id_or_name: &str) -> Option<&mut SandboxRecord> {
        self.sandboxes
            .iter_mut()
            .find(|s| s.fields["id"] == id_or_name || s.fields["name"] == id_or_name)
    }
}

/// How many snapshots the organization has.
pub const SNAPSHOTS: usize = 5;

/// How many items each of the other paged lists holds (jobs, audit logs, telemetry).
pub const LISTED: usize = 5;

/// `LISTED` items made by `item`.
fn listed(item: fn(usize) -> Value) -> Vec<Value> {
    (1..=LISTED).map(item).collect()
}

fn job_json(n: usize) -> Value {
    json!({"id": format!("job-{n}"), "type": "CREATE_SANDBOX", "status": "COMPLETED",
           "resourceType": "SANDBOX", "resourceId": format!("sb-{n}"),
           "createdAt": "2026-06-23T12:00:00.000Z"})
}

fn log_json(n: usize) -> Value {
    json!({"timestamp": "2026-06-23T12:00:00Z", "body": format!("line {n}"),
           "severityText": "INFO", "serviceName": "sandbox", "resourceAttributes": {},
           "logAttributes": {}})
}

fn trace_json(n: usize) -> Value {
    json!({"traceId": format!("trace-{n}"), "rootSpanName": "exec", "startTime": "0",
           "endTime": "1", "durationMs": 1, "spanCount": 1})
}

fn audit_json(n: usize) -> Value {
    json!({"id": format!("audit-{n}"), "actorId": "user-1", "actorEmail": "ada@example.com",
           "action": "create", "createdAt": "2026-06-23T12:00:00.000Z"})
}

/// One page of `all`, as the API's lists by number answer (pages from 1, `limit` items, 100
/// unless the query says otherwise, `totalPages` = ceil(total / limit); numbers read as NestJS
/// reads them, `2` and `2.0` alike). With `token_after`, past that page the answer also carries
/// a `nextToken` (the offset, base64 in the service; plain here), and a request with
/// `nextToken` is answered from that offset whatever its page.
fn numbered_page(request: &Received, all: &[Value], token_after: Option<usize>) -> Answer {
    let number = |name: &str, default: usize| {
        request
            .query_value(name)
            .and_then(|n| n.parse::<f64>().ok())
            .map_or(default, |n| n as usize)
    };
    let (page, limit) = (number("page", 1), number("limit", 100));
    if page < 1 || limit < 1 {
        return api_error(StatusCode::BAD_REQUEST, "page and limit must be at least 1");
    }
    let token = request
        .query_value("nextToken")
        .and_then(|t| t.parse::<usize>().ok());
    let start = token.unwrap_or((page - 1) * limit).min(all.len());
    let end = (start + limit).min(all.len());
    let mut answer = json!({"items": all[start..end].to_vec(), "total": all.len(), "page": page,
                            "totalPages": all.len().div_ceil(limit)});
    let past_offsets = token.is_some() || token_after.is_some_and(|after| page >= after);
    if past_offsets && end < all.len() && token_after.is_some() {
        answer["nextToken"] = json!(end.to_string());
    }
    json_answer(StatusCode::OK, &answer)
}

/// A snapshot as `GET /snapshots` lists it (`SnapshotDto`).
fn snapshot_json(n: usize) -> Value {
    json!({
        "id": format!("snap-{n}"), "general": false, "name": format!("snapshot-{n}"),
        "state": "active", "size": 1.5, "entrypoint": null, "cpu": 1, "gpu": 0, "mem": 1,
        "disk": 3, "errorReason": null, "createdAt": "2026-06-23T12:00:00.000Z",
        "updatedAt": "2026-06-23T12:00:00.000Z", "lastUsedAt": null,
    })
}

fn sandbox_fields(id: &str, name: &str, labels: Value, toolbox: &str, body: &Value) -> Value {
    json!({
        "id": id,
        "organizationId": ORGANIZATION,
        "name": name,
        "snapshot": body.get("snapshot").cloned().unwrap_or(json!("daytonaio/sandbox:0.5.0")),
        "user": "daytona",
        "env": body.get("env").cloned().unwrap_or(json!({})),
        "labels": labels,
        "public": false,
        "networkBlockAll": false,
        // Newer than the pinned spec; the official SDK 0.226.1 requires it.
        "kvm": false,
        "target": body.get("target").cloned().unwrap_or(json!("us")),
        "cpu": body.get("cpu").cloned().unwrap_or(json!(1)),
        "gpu": 0,
        "memory": body.get("memory").cloned().unwrap_or(json!(1)),
        "disk": body.get("disk").cloned().unwrap_or(json!(3)),
        "autoStopInterval": body.get("autoStopInterval").cloned().unwrap_or(json!(15)),
        "autoArchiveInterval": 10080,
        "autoDeleteInterval": -1,
        "volumes": [],
        "createdAt": "2026-06-23T12:00:00.000Z",
        "updatedAt": "2026-06-23T12:00:00.000Z",
        "daemonVersion": "0.190.0",
        "toolboxProxyUrl": toolbox,
    })
}

impl SandboxRecord {
    fn state(&self) -> &'static str {
        let now = Instant::now();
        self.timeline
            .iter()
            .rev()
            .find(|(at, _)| *at <= now)
            .map_or("unknown", |(_, state)| state)
    }

    fn json(&self) -> Value {
        let mut value = self.fields.clone();
        let state = self.state();
        value["state"] = json!(state);
        value["errorReason"] = match (&self.error_reason, state) {
            (Some(reason), "error") => json!(reason),
            _ => Value::Null,
        };
        // The double's errors (a snapshot that cannot start) are all recoverable.
        value["recoverable"] = json!(state == "error");
        value
    }

    /// Moves through `states`, one every half of `settle`, starting now.
    /// Goes through `states` for `action`, unless the sandbox carries the label `fails` with
    /// that action: then the last state is `error` (a runner that failed it), for tests of
    /// waiters that meet an error.
    fn go_or_fail(&mut self, action: &str, states: &[&'static str], settle: Duration) {
        if self.fields["labels"]["fails"] == action {
            let mut failing = states.to_vec();
            if let Some(last) = failing.last_mut() {
                *last = "error";
            }
            self.error_reason = Some(format!("the runner failed to {action}"));
            self.go(&failing, settle);
        } else {
            self.go(states, settle);
        }
    }

    fn go(&mut self, states: &[&'static str], settle: Duration) {
        let now = Instant::now();
        let step = settle / 2;
        self.timeline = states
            .iter()
            .enumerate()
            .map(|(i, state)| (now + step * i as u32, *state))
            .collect();
    }
}

/// A request, read whole.
struct Received {
    method: String,
    path: String,
    query: Option<String>,
    headers: hyper::HeaderMap,
    body: Bytes,
    /// The connection's upgrade, for a WebSocket request.
    upgrade: Mutex<Option<hyper::upgrade::OnUpgrade>>,
}

impl Received {
    /// Whether the request asks for a WebSocket.
    fn is_websocket(&self) -> bool {
        self.header("upgrade")
            .is_some_and(|u| u.eq_ignore_ascii_case("websocket"))
    }

    /// Accepts the WebSocket and serves `handler` on it; 400 for a request that is not one.
    fn accept<F, Fut>(&self, handler: F) -> Answer
    where
        F: FnOnce(sockets::Socket) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send,
    {
        let key = self.header("sec-websocket-key").map(str::as_bytes);
        let (Some(key), Some(upgrade)) = (key, self.upgrade.lock().unwrap().take()) else {
            return common_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "websocket upgrade required",
                &self.method,
                &self.path,
            );
        };
        let accept = sockets::accept_key(key);
        sockets::serve(upgrade, handler);
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("upgrade", "websocket")
            .header("connection", "Upgrade")
            .header("sec-websocket-accept", accept)
            .body(full(Bytes::new()))
            .unwrap()
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn bearer(&self) -> Option<&str> {
        self.header("authorization")?.strip_prefix("Bearer ")
    }

    fn query_value(&self, name: &str) -> Option<String> {
        let query = self.query.as_deref()?;
        url_pairs(query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// `a=1&b=x%20y` as pairs, decoded.
pub fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(k), decode(v))
        })
        .collect()
}

impl Shared {
    async fn handle(self: Arc<Self>, mut request: Request<Incoming>) -> Answer {
        let upgrade = request
            .headers()
            .contains_key("upgrade")
            .then(|| hyper::upgrade::on(&mut request));
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let request = Received {
            method: parts.method.as_str().to_string(),
            path: parts.uri.path().to_string(),
            query: parts.uri.query().map(str::to_string),
            headers: parts.headers,
            body,
            upgrade: Mutex::new(upgrade),
        };
        if request.path == "/__double/action" {
            // The official SDK's script names its actions here; not recorded.
            let name = request.query_value("name").unwrap_or_default();
            self.state.lock().unwrap().action = name;
            return empty(StatusCode::NO_CONTENT);
        }
        {
            let mut state = self.state.lock().unwrap();
            let recorded = Recorded {
                action: state.action.clone(),
                method: request.method.clone(),
                path: request.path.clone(),
                query: request.query.clone(),
                headers: request
                    .headers
                    .iter()
                    .map(|(n, v)| {
                        (
                            n.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: request.body.clone(),
            };
            state.recorded.push(recorded);
        }
        if let Some(rest) = request.path.strip_prefix("/api") {
            let rest = rest.to_string();
            return self.api(&request, &rest);
        }
        if let Some(rest) = request.path.strip_prefix("/toolbox/") {
            let rest = rest.to_string();
            return self.proxy(&request, &rest).await;
        }
        api_error(StatusCode::NOT_FOUND, "not found")
    }

    /// The answer that refuses a request the API would not accept, if it would not.
    fn api_refusal(&self, request: &Received) -> Option<Answer> {
        match self.principal(request.bearer()) {
            None => Some(api_error(StatusCode::UNAUTHORIZED, "Unauthorized")),
            Some(Principal::Jwt)
                if request.header("x-daytona-organization-id") != Some(ORGANIZATION) =>
            {
                Some(api_error(
                    StatusCode::FORBIDDEN,
                    "X-Daytona-Organization-ID is required with a JWT",
                ))
            }
            Some(_) => None,
        }
    }

    fn principal(&self, token: Option<&str>) -> Option<Principal> {
        let token = token?;
        if token == JWT {
            return Some(Principal::Jwt);
        }
        let state = self.state.lock().unwrap();
        (token == API_KEY || state.keys.iter().any(|k| k.value == token))
            .then_some(Principal::ApiKey)
    }

    fn api(&self, request: &Received, rest: &str) -> Answer {
        let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
        if segments.first() == Some(&"socket.io") {
            // Sandbox events over Socket.IO are not played; clients fall back to polling.
            return api_error(StatusCode::NOT_FOUND, "Cannot GET /api/socket.io/");
        }
        if let Some(refusal) = self.api_refusal(request) {
            return refusal;
        }
        let method = request.method.as_str();
        let mut state = self.state.lock().unwrap();
        match (method, segments.as_slice()) {
            ("GET", ["sandbox"]) => {
                let labels: Option<BTreeMap<String, String>> = request
                    .query_value("labels")
                    .and_then(|l| serde_json::from_str(&l).ok());
                let matching: Vec<Value> = state
                    .sandboxes
                    .iter()
                    .filter(|s| s.state() != "destroyed")
                    .filter(|s| {
                        labels.as_ref().is_none_or(|wanted| {
                            wanted.iter().all(|(k, v)| s.fields["labels"][k] == *v)
                        })
                    })
                    .map(SandboxRecord::json)
                    .collect();
                let start: usize = request
                    .query_value("cursor")
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                let limit = request
                    .query_value("limit")
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(self.settings.page_size);
                let end = (start + limit).min(matching.len());
                let page = matching.get(start..end).unwrap_or_default().to_vec();
                let next = (end < matching.len()).then(|| end.to_string());
                json_answer(StatusCode::OK, &json!({"items": page, "nextCursor": next}))
            }
            ("POST", ["sandbox"]) => {
                let body = request.json();
                let id = format!("sb-{}", state.next_id);
                state.next_id += 1;
                let name = body["name"].as_str().map_or(id.clone(), str::to_string);
                let labels = body.get("labels").cloned().unwrap_or(json!({}));
                let toolbox = format!("{}/toolbox", self.base);
                let mut record = SandboxRecord {
                    fields: sandbox_fields(&id, &name, labels, &toolbox, &body),
                    timeline: Vec::new(),
                    error_reason: None,
                    sessions: BTreeMap::new(),
                    files: Files::new(),
                    ptys: BTreeMap::new(),
                    contexts: Contexts::default(),
                };
                if body["snapshot"] == "broken" {
                    record.error_reason = Some("the snapshot cannot start".into());
                    record.go(&["creating", "error"], self.settings.start_after * 2);
                } else {
                    record.go(
                        &["creating", "starting", "started"],
                        self.settings.start_after,
                    );
                }
                let created = record.json();
                state.sandboxes.push(record);
                json_answer(StatusCode::OK, &created)
            }
            // Before `sandbox/{id}`, which would take `paginated` for an id.
            ("GET", ["sandbox", "paginated"]) => {
                let sandboxes: Vec<Value> = (0..LISTED)
                    .map(|i| state.sandboxes[i % state.sandboxes.len()].json())
                    .collect();
                numbered_page(request, &sandboxes, None)
            }
            ("GET", ["sandbox", id]) => match state.sandbox(id) {
                Some(sandbox) => json_answer(StatusCode::OK, &sandbox.json()),
                None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
            },
            ("POST", ["sandbox", id, action @ ("start" | "stop")]) => {
                let settle = self.settings.start_after;
                match state.sandbox(id) {
                    Some(sandbox) => {
                        if *action == "start" {
                            sandbox.go_or_fail(
                                "start",
                                &["starting", "starting", "started"],
                                settle,
                            );
                        } else {
                            sandbox.go_or_fail(
                                "stop",
                                &["stopping", "stopping", "stopped"],
                                settle,
                            );
                        }
                        json_answer(StatusCode::OK, &sandbox.json())
                    }
                    None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
                }
            }
            ("POST", ["sandbox", id, "archive"]) => {
                // sandbox.service.ts `archive`: only a stopped sandbox; archiving, then archived.
                let settle = self.settings.start_after;
                match state.sandbox(id) {
                    Some(sandbox) if sandbox.state() == "stopped" => {
                        sandbox.go_or_fail(
                            "archive",
                            &["archiving", "archiving", "archived"],
                            settle,
                        );
                        json_answer(StatusCode::OK, &sandbox.json())
                    }
                    Some(_) => api_error(StatusCode::BAD_REQUEST, "Sandbox is not stopped"),
                    None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
                }
            }
            ("POST", ["sandbox", id, "resize"]) => {
                // sandbox.service.ts `resize`: started or stopped; disk only when stopped and
                // never smaller; resizing, then the state it had.
                let body = request.json();
                let settle = self.settings.start_after;
                let Some(sandbox) = state.sandbox(id) else {
                    return api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found"));
                };
                let before = sandbox.state();
                if before != "started" && before != "stopped" {
                    return api_error(
                        StatusCode::BAD_REQUEST,
                        "Sandbox must be in started or stopped state to resize",
                    );
                }
                if body.get("disk").is_some() && before != "stopped" {
                    return api_error(
                        StatusCode::BAD_REQUEST,
                        "Disk resize can only be performed on a stopped sandbox",
                    );
                }
                for field in ["cpu", "memory", "disk"] {
                    if let Some(value) = body.get(field) {
                        sandbox.fields[field] = value.clone();
                    }
                }
                sandbox.go_or_fail("resize", &["resizing", "resizing", before], settle);
                json_answer(StatusCode::OK, &sandbox.json())
            }
            ("GET", ["sandbox", id, "ports", port, "preview-url"]) => match state.sandbox(id) {
                Some(sandbox) => {
                    let id = sandbox.fields["id"].clone();
                    json_answer(
                        StatusCode::OK,
                        &json!({"sandboxId": id, "url": format!("https://{port}-{}.proxy.localhost", id.as_str().unwrap_or_default()), "token": "preview-token"}),
                    )
                }
                None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
            },
            ("POST", ["sandbox", id, "recover"]) => {
                // sandbox.service.ts `recover`: only a recoverable sandbox in `error`.
                let settle = self.settings.start_after;
                match state.sandbox(id) {
                    Some(sandbox) if sandbox.state() == "error" => {
                        sandbox.error_reason = None;
                        sandbox.go_or_fail("recover", &["starting", "starting", "started"], settle);
                        json_answer(StatusCode::OK, &sandbox.json())
                    }
                    Some(_) => api_error(
                        StatusCode::BAD_REQUEST,
                        "Sandbox is not in a recoverable state",
                    ),
                    None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
                }
            }
            ("POST", ["sandbox", id, "fork"]) => {
                // sandbox.service.ts `fork`: a started sandbox; the copy is created, then starts.
                let body = request.json();
                let settle = self.settings.start_after;
                let next = state.next_id;
                let Some(source) = state.sandbox(id) else {
                    return api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found"));
                };
                if source.state() != "started" {
                    return api_error(
                        StatusCode::BAD_REQUEST,
                        "Sandbox must be in started state to fork",
                    );
                }
                let id = format!("sb-{next}");
                let name = body["name"].as_str().map_or(id.clone(), str::to_string);
                let mut fields = source.fields.clone();
                fields["id"] = json!(id);
                fields["name"] = json!(name);
                let mut fork = SandboxRecord {
                    fields,
                    timeline: Vec::new(),
                    error_reason: None,
                    sessions: BTreeMap::new(),
                    files: source.files.clone(),
                    ptys: BTreeMap::new(),
                    contexts: Contexts::default(),
                };
                fork.go_or_fail("fork", &["creating", "starting", "started"], settle);
                let created = fork.json();
                state.next_id += 1;
                state.sandboxes.push(fork);
                json_answer(StatusCode::OK, &created)
            }
            ("PUT", ["sandbox", id, "labels"]) => {
                let labels = request.json()["labels"].clone();
                match state.sandbox(id) {
                    Some(sandbox) => {
                        sandbox.fields["labels"] = labels.clone();
                        json_answer(StatusCode::OK, &json!({"labels": labels}))
                    }
                    None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
                }
            }
            ("DELETE", ["sandbox", id]) => match state.sandbox(id) {
                Some(sandbox) => {
                    sandbox.go(&["destroying", "destroying", "destroyed"], Duration::ZERO);
                    json_answer(StatusCode::OK, &sandbox.json())
                }
                None => api_error(StatusCode::NOT_FOUND, &format!("Sandbox {id} not found")),
            },
            ("GET", ["snapshots"]) => {
                // apps/api/src/sandbox/services/snapshot.service.ts: pages from 1, 100 a page
                // unless the query says otherwise; `totalPages` is ceil(total / limit).
                numbered_page(request, &state.snapshots, None)
            }
            // The other lists that page by number, each with `LISTED` items of its kind; the
            // audit logs switch to a `nextToken` past their second page, as the audit adapter
            // does past its offset limit (apps/api/src/audit/adapters/audit-opensearch.adapter.ts).
            ("GET", ["jobs"]) => numbered_page(request, &listed(job_json), None),
            ("GET", ["sandbox", _, "telemetry", "logs"]) => {
                numbered_page(request, &listed(log_json), None)
            }
            ("GET", ["sandbox", _, "telemetry", "traces"]) => {
                numbered_page(request, &listed(trace_json), None)
            }
            ("GET", ["audit", "organizations", _]) | ("GET", ["admin", "audit"]) => {
                numbered_page(request, &listed(audit_json), Some(2))
            }
            ("POST", ["volumes"]) => {
                // A volume is `pending_create`, then `ready` (`error` for the name `broken`).
                let name = request.json()["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let volume = json!({
                    "id": format!("vol-{}", state.volumes.len() + 1), "name": name,
                    "organizationId": ORGANIZATION, "state": "pending_create",
                    "createdAt": "2026-06-23T12:00:00.000Z",
                    "updatedAt": "2026-06-23T12:00:00.000Z", "errorReason": null,
                });
                state
                    .volumes
                    .push((volume.clone(), Instant::now() + self.settings.start_after));
                json_answer(StatusCode::OK, &volume)
            }
            ("GET", ["volumes", "by-name", name]) => {
                match state.volumes.iter().find(|(v, _)| v["name"] == *name) {
                    Some((volume, ready_at)) => {
                        let mut volume = volume.clone();
                        if Instant::now() >= *ready_at {
                            let broken = *name == "broken";
                            volume["state"] = json!(if broken { "error" } else { "ready" });
                            if broken {
                                volume["errorReason"] = json!("no space left for the volume");
                            }
                        }
                        json_answer(StatusCode::OK, &volume)
                    }
                    None => api_error(StatusCode::NOT_FOUND, &format!("Volume {name} not found")),
                }
            }
            ("POST", ["snapshots"]) => {
                // A new snapshot is `pending`, then `active` (`build_failed` for `broken`).
                let body = request.json();
                let name = body["name"].as_str().unwrap_or_default().to_string();
                let mut snapshot = snapshot_json(SNAPSHOTS + state.builds.len() + 1);
                snapshot["name"] = json!(name);
                snapshot["state"] = json!("pending");
                state
                    .builds
                    .push((snapshot.clone(), Instant::now() + self.settings.start_after));
                json_answer(StatusCode::OK, &snapshot)
            }
            ("GET", ["snapshots", id]) => {
                match state
                    .builds
                    .iter()
                    .find(|(s, _)| s["id"] == *id || s["name"] == *id)
                {
                    Some((snapshot, built_at)) => {
                        let mut snapshot = snapshot.clone();
                        if Instant::now() >= *built_at {
                            let broken = snapshot["name"] == "broken";
                            let done = if broken { "build_failed" } else { "active" };
                            snapshot["state"] = json!(done);
                            if broken {
                                snapshot["errorReason"] = json!("the image does not build");
                            }
                        }
                        json_answer(StatusCode::OK, &snapshot)
                    }
                    None => api_error(StatusCode::NOT_FOUND, &format!("Snapshot {id} not found")),
                }
            }
            ("POST", ["api-keys"]) => {
                let body = request.json();
                let Some(name) = body["name"].as_str() else {
                    return api_error(StatusCode::BAD_REQUEST, "name must be a string");
                };
                if state.keys.iter().any(|k| k.name == name) {
                    return api_error(
                        StatusCode::CONFLICT,
                        "API key with this name already exists",
                    );
                }
                let key = KeyRecord {
                    name: name.to_string(),
                    value: format!("dtn_created_{}", state.keys.len() + 1),
                    permissions: body.get("permissions").cloned().unwrap_or(json!([])),
                    expires_at: body.get("expiresAt").cloned().unwrap_or(Value::Null),
                    created_at: "2026-06-23T12:00:00.000Z".to_string(),
                };
                let created = json!({
                    "name": key.name,
                    "value": key.value,
                    "createdAt": key.created_at,
                    "permissions": key.permissions,
                    "expiresAt": key.expires_at,
                });
                state.keys.push(key);
                json_answer(StatusCode::CREATED, &created)
            }
            ("GET", ["api-keys"]) => {
                let keys: Vec<Value> = state.keys.iter().map(masked).collect();
                json_answer(StatusCode::OK, &json!(keys))
            }
            ("GET", ["api-keys", name]) => match state.keys.iter().find(|k| k.name == *name) {
                Some(key) => json_answer(StatusCode::OK, &masked(key)),
                None => api_error(StatusCode::NOT_FOUND, "API key not found"),
            },
            ("DELETE", ["api-keys", name]) => {
                let before = state.keys.len();
                state.keys.retain(|k| k.name != *name);
                if state.keys.len() < before {
                    empty(StatusCode::NO_CONTENT)
                } else {
                    api_error(StatusCode::NOT_FOUND, "API key not found")
                }
            }
            _ => api_error(
                StatusCode::NOT_FOUND,
                &format!("Cannot {method} /api{rest}"),
            ),
        }
    }

    /// The toolbox proxy: authenticates, then hands the request to the sandbox's daemon.
    async fn proxy(self: &Arc<Self>, request: &Received, rest: &str) -> Answer {
        let (sandbox_id, daemon_path) = match rest.split_once('/') {
            Some((id, path)) => (id.to_string(), format!("/{path}")),
            None => {
                return common_error(
                    StatusCode::NOT_FOUND,
                    "NOT_FOUND",
                    "not found",
                    &request.method,
                    &request.path,
                )
            }
        };
        if self.principal(request.bearer()).is_none() {
            if self.settings.redirect_unauthenticated {
                return Response::builder()
                    .status(StatusCode::TEMPORARY_REDIRECT)
                    .header(
                        "location",
                        format!("{}/login?sandbox={sandbox_id}", self.base),
                    )
                    .body(full(Bytes::new()))
                    .unwrap();
            }
            let message = match request.bearer() {
                Some(_) => "authentication failed: Bearer token is invalid",
                None => "missing authentication: provide a preview access token (via header, query parameter, or cookie) or use an API key or JWT",
            };
            return common_error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHORIZED",
                message,
                &request.method,
                &request.path,
            );
        }
        if self.state.lock().unwrap().sandbox(&sandbox_id).is_none() {
            return common_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "failed to get runner info: sandbox not found",
                &request.method,
                &request.path,
            );
        }
        self.daemon(request, &sandbox_id, &daemon_path).await
    }

    /// The form a daemon answers in for this request (`IsCombinedOutput`, `SkipServerDemux`).
    fn output_form(&self, request: &Received) -> OutputForm {
        if let Daemon::Always(form) = self.settings.daemon {
            return form;
        }
        let version = sdk_version(request);
        if version.is_empty() {
            return if request.header("x-daytona-split-output") == Some("true") {
                OutputForm::Markers
            } else {
                OutputForm::Combined
            };
        }
        let dev = version.contains("dev");
        match parse_version(&version) {
            Some(v) if v < (0, 27, 0) && !dev => OutputForm::Combined,
            Some(v) if v < (0, 167, 0) && !dev => OutputForm::Markers,
            None if !dev => OutputForm::Markers,
            _ => OutputForm::Fields,
        }
    }

    async fn daemon(self: &Arc<Self>, request: &Received, sandbox_id: &str, path: &str) -> Answer {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let not_found = |message: &str| {
            common_error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND",
                message,
                &request.method,
                path,
            )
        };
        let form = self.output_form(request);
        match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["process", "session"]) => {
                let Some(session_id) = request.json()["sessionId"].as_str().map(str::to_string)
                else {
                    return common_error(
                        StatusCode::BAD_REQUEST,
                        "INVALID_REQUEST_BODY",
                        "sessionId is required",
                        &request.method,
                        path,
                    );
                };
                let mut state = self.state.lock().unwrap();
                let sandbox = state.sandbox(sandbox_id).unwrap();
                if sandbox.sessions.contains_key(&session_id) {
                    return common_error(
                        StatusCode::CONFLICT,
                        "CONFLICT",
                        "session already exists",
                        &request.method,
                        path,
                    );
                }
                sandbox.sessions.insert(
                    session_id,
                    Session {
                        shell: Arc::new(tokio::sync::Mutex::new(ShellState {
                            cwd: "/home/daytona".into(),
                            env: BTreeMap::new(),
                        })),
                        commands: BTreeMap::new(),
                    },
                );
                empty(StatusCode::CREATED)
            }
            ("DELETE", ["process", "session", session_id]) => {
                let mut state = self.state.lock().unwrap();
                let sandbox = state.sandbox(sandbox_id).unwrap();
                match sandbox.sessions.remove(*session_id) {
                    Some(session) => {
                        // Ending the session's shell ends what runs in it.
                        for command in session.commands.values() {
                            command.task.abort();
                        }
                        empty(StatusCode::NO_CONTENT)
                    }
                    None => not_found("session not found"),
                }
            }
            ("GET", ["process", "session", session_id]) => {
                let mut state = self.state.lock().unwrap();
                let sandbox = state.sandbox(sandbox_id).unwrap();
                match sandbox.sessions.get(*session_id) {
                    Some(session) => json_answer(
                        StatusCode::OK,
                        &json!({
                            "sessionId": session_id,
                            "commands": session.commands.iter().map(|(id, c)| command_json(id, c)).collect::<Vec<_>>(),
                        }),
                    ),
                    None => not_found("session not found"),
                }
            }
            ("POST", ["process", "session", session_id, "exec"]) => {
                let body = request.json();
                let line = body["command"].as_str().unwrap_or_default().to_string();
                if line.trim().is_empty() {
                    return common_error(
                        StatusCode::BAD_REQUEST,
                        "BAD_REQUEST",
                        "command cannot be empty",
                        &request.method,
                        path,
                    );
                }
                let run_async = body["runAsync"] == true || body["async"] == true;
                let (command_id, exit_code, log) = {
                    let mut state = self.state.lock().unwrap();
                    let sandbox = state.sandbox(sandbox_id).unwrap();
                    let Some(session) = sandbox.sessions.get_mut(*session_id) else {
                        return not_found("session not found");
                    };
                    let command_id = format!("cmd-{}", session.commands.len() + 1);
                    let log: Log = Arc::default();
                    let exit_code: Arc<Mutex<Option<i32>>> = Arc::default();
                    let (task_log, task_exit, shell) = (
                        Arc::clone(&log),
                        Arc::clone(&exit_code),
                        Arc::clone(&session.shell),
                    );
                    let (clock, task_line) = (self.settings.clock, line.clone());
                    // The command runs on its own, as in the daemon: a client that stops
                    // waiting does not stop it; deleting the session does.
                    let task = tokio::spawn(async move {
                        let mut shell = shell.lock().await;
                        let code = shell::run(&task_line, &mut shell, &task_log, clock).await;
                        *task_exit.lock().unwrap() = Some(code);
                    });
                    session.commands.insert(
                        command_id.clone(),
                        Command {
                            line,
                            log: Arc::clone(&log),
                            exit_code: Arc::clone(&exit_code),
                            task,
                        },
                    );
                    (command_id, exit_code, log)
                };
                if run_async {
                    return json_answer(
                        StatusCode::ACCEPTED,
                        &json!({"cmdId": command_id, "output": null, "stdout": null, "stderr": null, "exitCode": null}),
                    );
                }
                // Synchronous: the request lasts as long as the command (the daemon polls its
                // exit-code file every 50 ms).
                let code = loop {
                    if let Some(code) = *exit_code.lock().unwrap() {
                        break code;
                    }
                    let aborted = {
                        let mut state = self.state.lock().unwrap();
                        let sandbox = state.sandbox(sandbox_id).unwrap();
                        sandbox
                            .sessions
                            .get(*session_id)
                            .is_none_or(|s| !s.commands.contains_key(&command_id))
                    };
                    if aborted {
                        return common_error(
                            StatusCode::BAD_REQUEST,
                            "BAD_REQUEST",
                            "session cancelled",
                            &request.method,
                            path,
                        );
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                };
                let raw = log.lock().unwrap().clone();
                let (output, stdout, stderr) = match form {
                    OutputForm::Combined => (json!(strip(&raw)), Value::Null, Value::Null),
                    OutputForm::Markers => (json!(text(&raw)), Value::Null, Value::Null),
                    OutputForm::Fields => {
                        let (out, err) = demux(&raw);
                        (json!(text(&raw)), json!(out), json!(err))
                    }
                };
                json_answer(
                    StatusCode::OK,
                    &json!({"cmdId": command_id, "output": output, "stdout": stdout, "stderr": stderr, "exitCode": code}),
                )
            }
            ("GET", ["process", "session", session_id, "command", command_id]) => {
                let mut state = self.state.lock().unwrap();
                match state.command(sandbox_id, session_id, command_id) {
                    Some(command) => {
                        json_answer(StatusCode::OK, &command_json(command_id, command))
                    }
                    None => not_found("command not found"),
                }
            }
            ("GET", ["process", "session", session_id, "command", command_id, "logs"])
                if request.is_websocket() =>
            {
                let (log, exit_code) = {
                    let mut state = self.state.lock().unwrap();
                    match state.command(sandbox_id, session_id, command_id) {
                        Some(command) => (Arc::clone(&command.log), Arc::clone(&command.exit_code)),
                        None => return not_found("command not found"),
                    }
                };
                let follow = request.query_value("follow").as_deref() == Some("true");
                let shared = Arc::clone(self);
                let (sandbox, session) = (sandbox_id.to_string(), session_id.to_string());
                let source = FollowedLog {
                    log,
                    // Without `follow`, the log as it is now, then the end.
                    exit_code: if follow {
                        exit_code
                    } else {
                        Arc::new(Mutex::new(Some(0)))
                    },
                    alive: Box::new(move || {
                        let mut state = shared.state.lock().unwrap();
                        state
                            .sandbox(&sandbox)
                            .is_some_and(|s| s.sessions.contains_key(&session))
                    }),
                    combined: form == OutputForm::Combined,
                    piece: self.settings.log_piece,
                };
                request.accept(move |socket| sockets::follow_log(socket, source))
            }
            ("GET", ["process", "session", session_id, "command", command_id, "logs"]) => {
                let raw = {
                    let mut state = self.state.lock().unwrap();
                    match state.command(sandbox_id, session_id, command_id) {
                        Some(command) => command.log.lock().unwrap().clone(),
                        None => return not_found("command not found"),
                    }
                };
                match form {
                    OutputForm::Combined => {
                        answer(StatusCode::OK, "text/plain; charset=utf-8", strip(&raw))
                    }
                    OutputForm::Markers => answer(StatusCode::OK, "text/plain; charset=utf-8", raw),
                    OutputForm::Fields => {
                        let (out, err) = demux(&raw);
                        json_answer(
                            StatusCode::OK,
                            &json!({"output": text(&raw), "stdout": out, "stderr": err}),
                        )
                    }
                }
            }
            ("POST", ["process", "pty"]) => {
                let body = request.json();
                let mut state = self.state.lock().unwrap();
                let sandbox = state.sandbox(sandbox_id).unwrap();
                let id = body["id"].as_str().unwrap_or("pty").to_string();
                if sandbox
                    .ptys
                    .get(&id)
                    .is_some_and(|p| !p.lock().unwrap().exited)
                {
                    return common_error(
                        StatusCode::CONFLICT,
                        "CONFLICT",
                        &format!("PTY session with ID '{id}' already exists"),
                        &request.method,
                        path,
                    );
                }
                let env = body["envs"]
                    .as_object()
                    .map(|envs| {
                        envs.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .unwrap_or_default();
                let lazy_start = body["lazyStart"] == true;
                let pty = Pty {
                    id: id.clone(),
                    cols: body["cols"].as_u64().unwrap_or(80),
                    rows: body["rows"].as_u64().unwrap_or(24),
                    shell: ShellState {
                        cwd: body["cwd"].as_str().unwrap_or("/home/daytona").to_string(),
                        env,
                    },
                    active: !lazy_start,
                    lazy_start,
                    created_at: "2026-06-23T12:00:00Z".to_string(),
                    exited: false,
                };
                sandbox.ptys.insert(id.clone(), Arc::new(Mutex::new(pty)));
                json_answer(StatusCode::CREATED, &json!({"sessionId": id}))
            }
            (method, ["process", "pty", id, rest @ ..]) => {
                let pty = {
                    let mut state = self.state.lock().unwrap();
                    let sandbox = state.sandbox(sandbox_id).unwrap();
                    match sandbox.ptys.get(*id) {
                        Some(pty) if !pty.lock().unwrap().exited => Arc::clone(pty),
                        _ => return not_found(&format!("PTY session '{id}' not found")),
                    }
                };
                match (method, rest) {
                    ("GET", ["connect"]) => {
                        let clock = self.settings.clock;
                        request.accept(move |socket| sockets::pty(socket, pty, clock))
                    }
                    ("POST", ["resize"]) => {
                        let body = request.json();
                        let mut pty = pty.lock().unwrap();
                        let (Some(cols), Some(rows)) =
                            (body["cols"].as_u64(), body["rows"].as_u64())
                        else {
                            return common_error(
                                StatusCode::BAD_REQUEST,
                                "INVALID_REQUEST_BODY",
                                "cols and rows are required",
                                &request.method,
                                path,
                            );
                        };
                        pty.cols = cols;
                        pty.rows = rows;
                        json_answer(StatusCode::OK, &pty.info())
                    }
                    ("GET", []) => json_answer(StatusCode::OK, &pty.lock().unwrap().info()),
                    ("DELETE", []) => {
                        pty.lock().unwrap().exited = true;
                        json_answer(StatusCode::OK, &json!({"message": "PTY session deleted"}))
                    }
                    _ => not_found("not found"),
                }
            }
            ("GET", ["process", "interpreter", "execute"]) => {
                let contexts = {
                    let mut state = self.state.lock().unwrap();
                    Arc::clone(&state.sandbox(sandbox_id).unwrap().contexts)
                };
                let clock = self.settings.clock;
                request.accept(move |socket| sockets::interpreter(socket, contexts, clock))
            }
            ("POST", ["files", "bulk-upload"]) => {
                let mut files = {
                    let mut state = self.state.lock().unwrap();
                    std::mem::take(&mut state.sandbox(sandbox_id).unwrap().files)
                };
                let (status, body) = filesystem::bulk_upload(
                    request.header("content-type"),
                    request.body.clone(),
                    &mut files,
                )
                .await;
                let mut state = self.state.lock().unwrap();
                let sandbox = state.sandbox(sandbox_id).unwrap();
                files.append(&mut sandbox.files);
                sandbox.files = files;
                json_answer(StatusCode::from_u16(status).unwrap(), &body)
            }
            ("POST", ["files", "bulk-download"]) => {
                let paths: Vec<String> = request.json()["paths"]
                    .as_array()
                    .map(|p| {
                        p.iter()
                            .filter_map(|p| p.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                if paths.is_empty() {
                    return json_answer(
                        StatusCode::BAD_REQUEST,
                        &json!({"error": "request body must be {\"paths\": [ ... ]} and non-empty"}),
                    );
                }
                let body = {
                    let mut state = self.state.lock().unwrap();
                    filesystem::bulk_download(&paths, &state.sandbox(sandbox_id).unwrap().files)
                };
                let content_type =
                    format!("multipart/form-data; boundary={}", filesystem::BOUNDARY);
                let Some(after) = self.settings.stall_downloads_after else {
                    return answer(StatusCode::OK, &content_type, body);
                };
                // The first bytes, then nothing: the connection stays open, the body unfinished
                // (for a minute at most).
                let first = Bytes::from(body[..after.min(body.len())].to_vec());
                let frames = futures_util::stream::once(async move {
                    Ok::<_, Infallible>(hyper::body::Frame::data(first))
                })
                .chain(futures_util::stream::once(async {
                    tokio::time::sleep(sockets::LIMIT).await;
                    Ok(hyper::body::Frame::data(Bytes::new()))
                }));
                Response::builder()
                    .status(StatusCode::OK)
                    .header("content-type", content_type)
                    .body(BodyExt::boxed(StreamBody::new(frames)))
                    .unwrap()
            }
            _ => not_found("not found"),
        }
    }
}

fn command_json(id: &str, command: &Command) -> Value {
    let mut value = json!({"id": id, "command": command.line});
    if let Some(code) = *command.exit_code.lock().unwrap() {
        value["exitCode"] = json!(code);
    }
    value
}

fn masked(key: &KeyRecord) -> Value {
    json!({
        "name": key.name,
        "value": format!("{}********", &key.value[..4]),
        "createdAt": key.created_at,
        "permissions": key.permissions,
        "lastUsedAt": null,
        "expiresAt": key.expires_at,
        "userId": "user-double",
    })
}

/// The SDK version a request names: `X-Daytona-SDK-Version`, or a `Sec-WebSocket-Protocol`
/// entry `X-Daytona-SDK-Version~<version>` (`apps/daemon/internal/util/version.go`).
fn sdk_version(request: &Received) -> String {
    if let Some(version) = request
        .header("x-daytona-sdk-version")
        .filter(|v| !v.is_empty())
    {
        return version.to_string();
    }
    request
        .header("sec-websocket-protocol")
        .into_iter()
        .flat_map(|protocols| protocols.split(','))
        .find_map(|p| p.trim().strip_prefix("X-Daytona-SDK-Version~"))
        .unwrap_or_default()
        .to_string()
}

/// `major.minor.patch` of a version, ignoring a pre-release suffix.
fn parse_version(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}

fn text(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).into_owned()
}

/// The log with its markers removed (the combined form).
pub fn strip(raw: &[u8]) -> String {
    text(raw)
        .replace(std::str::from_utf8(shell::STDOUT).unwrap(), "")
        .replace(std::str::from_utf8(shell::STDERR).unwrap(), "")
}

/// The log split by its markers (`DemuxLogBytes`).
fn demux(raw: &[u8]) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut current: Option<bool> = None;
    let mut i = 0;
    while i < raw.len() {
        if raw[i..].starts_with(shell::STDOUT) {
            current = Some(true);
            i += 3;
        } else if raw[i..].starts_with(shell::STDERR) {
            current = Some(false);
            i += 3;
        } else {
            match current {
                Some(true) => out.push(raw[i]),
                Some(false) => err.push(raw[i]),
                None => {}
            }
            i += 1;
        }
    }
    (text(&out), text(&err))
}
