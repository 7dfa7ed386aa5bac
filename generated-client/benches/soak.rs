//! The client under load and faults: 10,000 requests, 100 in flight, through one shared client,
//! against a local server that answers as a busy service does.
//!
//! `cargo bench -p daytona-client --bench soak` (what `cargo xtask bench` runs), or with
//! `-- --requests N` for another count (10,000 by default; 1,000 when run by
//! `cargo test --benches`, to show that it works).
//!
//! The server runs in a process of its own (this program, started again with `--serve`), so
//! the memory and the sockets measured here are the client's alone. Its answers, decided per
//! attempt by a fixed pseudo-random sequence:
//!
//! * 1 % `429 Too Many Requests` with `Retry-After: 1`;
//! * 1 % `503 Service Unavailable`;
//! * 0.5 % a reset connection (RST, no answer);
//! * 0.5 % an answer 3 s late, past the client's 2 s timeout;
//! * 0.2 % a body cut off half-way (the connection closes short of its `Content-Length`);
//! * otherwise the JSON the API sends: a sandbox (`getSandbox`, 4 requests in 5, about 800
//!   bytes) or a page of 50 (`listSandboxes`, about 40 KB).
//!
//! The report: requests completed and failed by error kind (a request that ends neither way
//! within two minutes is counted as lost), the attempts the server saw, the latency of each
//! request (retries included) at p50 and p99, the peak resident memory, the resident memory
//! after the first and after the last thousand requests, and the sockets still open once the
//! client is dropped, on both sides.

#[path = "../../tools/bench/resident.rs"]
mod resident;

use daytona_client::api::sandbox::{self, GetSandboxParams, ListSandboxesParams};
use daytona_client::runtime::TransportKind;
use daytona_client::{Client, Config, Error, RetryPolicy};
use futures_util::StreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::{Request, Response};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The system allocator, counting the bytes in use: the heap the process holds, apart from
/// what the allocator keeps back from the system (which resident memory includes).
struct Counting;

static HEAP_IN_USE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to the system allocator with the caller's arguments; the counter
// only adds and subtracts the sizes.
unsafe impl std::alloc::GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as the caller's contract.
        let pointer = unsafe { std::alloc::System.alloc(layout) };
        if !pointer.is_null() {
            HEAP_IN_USE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: as the caller's contract.
        unsafe { std::alloc::System.dealloc(pointer, layout) };
        HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(
        &self,
        pointer: *mut u8,
        layout: std::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        // SAFETY: as the caller's contract.
        let moved = unsafe { std::alloc::System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            HEAP_IN_USE.fetch_add(new_size, Ordering::Relaxed);
            HEAP_IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const IN_FLIGHT: usize = 100;
/// The requests between two samples of the memory.
const ROUND: usize = 1_000;
/// The client's time limit for each attempt.
const TIMEOUT: Duration = Duration::from_secs(2);
/// How late a slow answer comes.
const SLOW: Duration = Duration::from_secs(3);
/// How long one request may take, retries included, before the run counts it as lost.
const LOST_AFTER: Duration = Duration::from_secs(120);
/// The longest the server process lives, whatever happens to the run.
const SERVER_LIMIT: Duration = Duration::from_secs(30 * 60);
/// The growth of resident memory allowed between the first and the last thousand requests.
const GROWTH_LIMIT: f64 = 0.10;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        serve_until_stdin_closes();
        return;
    }
    let benching = args.iter().any(|a| a == "--bench");
    let requests: usize = args
        .iter()
        .position(|a| a == "--requests")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 10_000 } else { 1_000 });

    let exe = std::env::current_exe().expect("this program's path");
    let mut server = Command::new(exe)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let mut lines = BufReader::new(server.stdout.take().expect("the server's output"));
    let mut address = String::new();
    lines.read_line(&mut address).expect("the server's address");
    let address = address.trim().to_string();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    // Sockets open before the client exists are not the client's: tokio's signal driver keeps
    // a socket pair for the life of the process.
    let before = open_sockets();
    let report = runtime.block_on(soak(&address, requests, &before));
    drop(runtime);
    let server_stats = server_stats(&address);
    // Closing its input ends the server.
    drop(server.stdin.take());
    let _ = server.wait();
    report.print(requests, &server_stats);
}

/// What one request came to.
enum Outcome {
    Done,
    Failed(String),
    Lost,
}

struct Report {
    outcomes: BTreeMap<String, usize>,
    latencies: Vec<Duration>,
    elapsed: Duration,
    /// Resident memory and heap in use (KiB) after each thousand requests.
    samples: Vec<(u64, u64)>,
    peak_kib: u64,
    /// The client's sockets still open after it was dropped.
    sockets_left: usize,
}

async fn soak(address: &str, requests: usize, before: &BTreeSet<String>) -> Report {
    let config = Config::builder()
        .api_key("soak")
        .api_url(format!("http://{address}/api"))
        .timeout(TIMEOUT)
        .retry(RetryPolicy::default())
        .build()
        .expect("a configuration");
    let client = Client::new(config).expect("a client");
    let progress = indicatif::ProgressBar::new(requests as u64).with_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} requests, {elapsed}")
            .expect("a progress template"),
    );
    // Everything the run records is allocated before it starts, so that the memory measured
    // as it goes is the client's.
    let latencies = Mutex::new(Vec::with_capacity(requests));
    let outcomes = Mutex::new(BTreeMap::new());
    let mut samples = Vec::with_capacity(requests.div_ceil(ROUND));
    let started = Instant::now();
    // Rounds of a thousand, each with 100 in flight until its last request ends, so that the
    // memory is sampled in the same state after each: nothing in flight, the pool warm.
    for round in (0..requests).step_by(ROUND) {
        futures_util::stream::iter(round..requests.min(round + ROUND))
            .for_each_concurrent(IN_FLIGHT, |i| {
                let client = client.clone();
                let progress = progress.clone();
                let (latencies, outcomes) = (&latencies, &outcomes);
                async move {
                    let begun = Instant::now();
                    let outcome = tokio::time::timeout(LOST_AFTER, one_request(&client, i))
                        .await
                        .unwrap_or(Outcome::Lost);
                    let latency = begun.elapsed();
                    let key = match outcome {
                        Outcome::Done => "completed".to_string(),
                        Outcome::Failed(kind) => format!("failed: {kind}"),
                        Outcome::Lost => "lost".to_string(),
                    };
                    *outcomes.lock().expect("the tally").entry(key).or_insert(0) += 1;
                    latencies.lock().expect("the tally").push(latency);
                    progress.inc(1);
                }
            })
            .await;
        samples.push((resident::resident_kib("VmRSS:"), heap_kib()));
    }
    let elapsed = started.elapsed();
    progress.finish_and_clear();
    drop(client);
    // The pool's connections close as the client goes; the runtime is still running.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sockets_left = open_sockets().difference(before).count();

    let mut latencies = latencies.into_inner().expect("the tally");
    latencies.sort();
    Report {
        outcomes: outcomes.into_inner().expect("the tally"),
        latencies,
        elapsed,
        samples,
        peak_kib: resident::resident_kib("VmHWM:"),
        sockets_left,
    }
}

/// Request `i`: a page of sandboxes every fifth time, one sandbox otherwise.
async fn one_request(client: &Client, i: usize) -> Outcome {
    let result = if i % 5 == 0 {
        sandbox::list_sandboxes(client, &ListSandboxesParams::default())
            .await
            .map(|page| assert_eq!(page.items.len(), 50))
    } else {
        let id = format!("sandbox-{i}");
        sandbox::get_sandbox(client, &id, &GetSandboxParams::default())
            .await
            .map(|found| assert_eq!(found.id, id))
    };
    match result {
        Ok(()) => Outcome::Done,
        Err(error) => Outcome::Failed(error_kind(&error)),
    }
}

/// The kind of an error, as the report counts it.
fn error_kind(error: &Error) -> String {
    let kind = |kind: &TransportKind| match kind {
        TransportKind::Timeout => "timeout",
        TransportKind::Connect => "connect",
        TransportKind::Other => "connection broken",
    };
    match error {
        Error::Api(answer) => format!("status {}", answer.status),
        Error::Transport { kind: k, .. } => format!("transport, {}", kind(k)),
        Error::Transfer { kind: k, .. } => format!("transfer, {}", kind(k)),
        Error::Decode { .. } => "decode".to_string(),
        other => format!("{other:?}")
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

impl Report {
    fn print(&self, requests: usize, server: &ServerStats) {
        let client_sockets = self.sockets_left;
        let percentile = |p: f64| {
            let index = ((self.latencies.len() as f64 * p).ceil() as usize).max(1) - 1;
            self.latencies.get(index).copied().unwrap_or_default()
        };
        let mib = |kib: u64| kib as f64 / 1024.0;
        let first = self.samples.first().copied().unwrap_or_default();
        let last = self.samples.last().copied().unwrap_or_default();
        let growth = |first: u64, last: u64| last as f64 / first.max(1) as f64 - 1.0;
        let (resident_growth, heap_growth) = (growth(first.0, last.0), growth(first.1, last.1));
        let counted: usize = self.outcomes.values().sum();
        let lost = self.outcomes.get("lost").copied().unwrap_or(0) + requests - counted;
        println!(
            "\n{requests} requests, {IN_FLIGHT} in flight, in {:.1} s\n",
            self.elapsed.as_secs_f64()
        );
        println!("| outcome | requests |\n|---|---|");
        for (outcome, count) in &self.outcomes {
            println!("| {outcome} | {count} |");
        }
        println!("\n| measure | value |\n|---|---|");
        println!(
            "| attempts the server saw | {} ({:.3} a request) |",
            server.requests,
            server.requests as f64 / requests as f64
        );
        println!(
            "| connections the server accepted | {} |",
            server.connections
        );
        for (name, p) in [("p50", 0.50), ("p99", 0.99)] {
            println!(
                "| latency {name} (retries included) | {:.1} ms |",
                percentile(p).as_secs_f64() * 1e3
            );
        }
        println!("| peak resident memory | {:.1} MiB |", mib(self.peak_kib));
        for (name, pick, growth) in [
            ("resident memory", 0, resident_growth),
            ("heap in use", 1, heap_growth),
        ] {
            let series: Vec<String> = self
                .samples
                .iter()
                .map(|sample| format!("{:.1}", mib([sample.0, sample.1][pick])))
                .collect();
            println!(
                "| {name} after each 1,000 | {} MiB (last against first: {:+.1} %) |",
                series.join(", "),
                growth * 100.0
            );
        }
        println!("| client sockets open after the client is dropped | {client_sockets} |");
        println!("| server connections open at the end | {} |", server.open);
        println!(
            "\nlost: {lost} (target 0: {}); heap growth from the first to the last 1,000 {:+.1} % (limit {:.0} %: {}); sockets left open: {} (target 0: {})",
            verdict(lost == 0),
            heap_growth * 100.0,
            GROWTH_LIMIT * 100.0,
            verdict(heap_growth <= GROWTH_LIMIT),
            client_sockets + server.open,
            verdict(client_sockets + server.open == 0),
        );
    }
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "not met"
    }
}

/// The heap in use, in KiB.
fn heap_kib() -> u64 {
    (HEAP_IN_USE.load(Ordering::Relaxed) / 1024) as u64
}

/// The sockets this process has open (`socket:[inode]`).
fn open_sockets() -> BTreeSet<String> {
    std::fs::read_dir("/proc/self/fd")
        .map(|entries| {
            entries
                .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
                .map(|target| target.to_string_lossy().into_owned())
                .filter(|target| target.starts_with("socket:"))
                .collect()
        })
        .unwrap_or_default()
}

/// What the server counted.
#[derive(Debug, Default)]
struct ServerStats {
    requests: u64,
    connections: u64,
    open: usize,
}

/// Asks the server for its counts over a connection of its own (not counted as open).
fn server_stats(address: &str) -> ServerStats {
    let mut stream = std::net::TcpStream::connect(address).expect("the server answers");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("a read timeout");
    stream
        .write_all(b"GET /stats HTTP/1.1\r\nhost: soak\r\nconnection: close\r\n\r\n")
        .expect("asking the server");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .expect("the server's counts");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let numbers: Vec<u64> = body
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        // Less the connection asking.
        [requests, connections, open] => ServerStats {
            requests,
            connections: connections.saturating_sub(1),
            open: open.saturating_sub(1) as usize,
        },
        _ => panic!("the server's counts: {answer}"),
    }
}

/// The server's counters.
#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    connections: AtomicU64,
    open: AtomicUsize,
}

type Body = BoxBody<Bytes, std::io::Error>;

/// The server process: prints its address, serves until its standard input closes.
fn serve_until_stdin_closes() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!("{}", listener.local_addr().expect("an address"));
        let counters = Arc::new(Counters::default());
        let bodies = Arc::new(Bodies::new());
        let accepting = async {
            while let Ok((stream, _)) = listener.accept().await {
                let (counters, bodies) = (Arc::clone(&counters), Arc::clone(&bodies));
                counters.connections.fetch_add(1, Ordering::SeqCst);
                counters.open.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    serve_connection(stream, Arc::clone(&counters), bodies).await;
                    counters.open.fetch_sub(1, Ordering::SeqCst);
                });
            }
        };
        let stdin_closed = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        });
        tokio::select! {
            () = accepting => {}
            _ = stdin_closed => {}
            () = tokio::time::sleep(SERVER_LIMIT) => {}
        }
    });
    // The blocking stdin reader has ended; nothing else holds the runtime.
    runtime.shutdown_timeout(Duration::from_millis(100));
}

/// The answers' bodies, built once.
struct Bodies {
    page: Bytes,
}

impl Bodies {
    fn new() -> Bodies {
        let items: Vec<serde_json::Value> = (0..50)
            .map(|i| sandbox_json(&format!("sandbox-{i}")))
            .collect();
        let page = serde_json::json!({ "items": items, "nextCursor": null });
        Bodies {
            page: serde_json::to_vec(&page).expect("JSON").into(),
        }
    }
}

/// A sandbox as the API describes one.
fn sandbox_json(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "organizationId": "org-1", "name": format!("box-{id}"),
        "snapshot": "daytonaio/sandbox:0.4.3", "user": "daytona",
        "env": {"NODE_ENV": "production"}, "labels": {"team": "ci", "run": id},
        "public": false, "networkBlockAll": false, "target": "eu",
        "cpu": 2, "gpu": 0, "memory": 4, "disk": 10, "state": "started",
        "desiredState": "started", "errorReason": null, "backupState": "None",
        "autoStopInterval": 15, "autoArchiveInterval": 10080, "autoDeleteInterval": -1,
        "volumes": [], "daemonVersion": "0.190.0",
        "toolboxProxyUrl": "https://proxy.app.daytona.io/toolbox",
        "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-02T00:00:00Z"
    })
}

/// Serves one connection. A reset closes it with `SO_LINGER` 0, so the client gets an RST:
/// the socket's duplicate, kept beside the connection, is set so and closed first.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    counters: Arc<Counters>,
    bodies: Arc<Bodies>,
) {
    let Ok(std_stream) = stream.into_std() else {
        return;
    };
    let duplicate = std_stream
        .try_clone()
        .ok()
        .map(tokio::net::TcpSocket::from_std_stream);
    let Ok(stream) = tokio::net::TcpStream::from_std(std_stream) else {
        return;
    };
    let duplicate = Arc::new(Mutex::new(duplicate));
    let service = hyper::service::service_fn(|request: Request<Incoming>| {
        let (counters, bodies, duplicate) = (
            Arc::clone(&counters),
            Arc::clone(&bodies),
            Arc::clone(&duplicate),
        );
        async move { answer(request, &counters, &bodies, &duplicate).await }
    });
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
        .await;
}

/// The answer to an attempt (or to the question for the counts, which is not one).
async fn answer(
    request: Request<Incoming>,
    counters: &Counters,
    bodies: &Bodies,
    duplicate: &Mutex<Option<tokio::net::TcpSocket>>,
) -> Result<Response<Body>, std::io::Error> {
    let path = request.uri().path().to_string();
    if path == "/stats" {
        let counts = format!(
            "{} {} {}",
            counters.requests.load(Ordering::SeqCst),
            counters.connections.load(Ordering::SeqCst),
            counters.open.load(Ordering::SeqCst)
        );
        return Ok(json(200, Bytes::from(counts)));
    }
    let n = counters.requests.fetch_add(1, Ordering::SeqCst);
    let body = match path.strip_prefix("/api/sandbox/") {
        Some(id) => Bytes::from(serde_json::to_vec(&sandbox_json(id)).expect("JSON")),
        None => bodies.page.clone(),
    };
    match draw(n) {
        d if d < 10 => Ok(Response::builder()
            .status(429)
            .header("retry-after", "1")
            .body(full(Bytes::from_static(
                b"{\"message\":\"Too many requests\"}",
            )))
            .expect("an answer")),
        d if d < 20 => Ok(json(
            503,
            Bytes::from_static(b"{\"message\":\"Unavailable\"}"),
        )),
        d if d < 25 => {
            if let Some(socket) = duplicate.lock().expect("the duplicate").take() {
                let _ = socket.set_zero_linger();
            }
            Err(std::io::Error::other("reset"))
        }
        d if d < 30 => {
            tokio::time::sleep(SLOW).await;
            Ok(json(200, body))
        }
        d if d < 32 => {
            let half = body.slice(..body.len() / 2);
            let frames = futures_util::stream::iter([
                Ok(Frame::data(half)),
                Err(std::io::Error::other("cut off")),
            ]);
            Ok(Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("content-length", body.len())
                .body(BodyExt::boxed(StreamBody::new(frames)))
                .expect("an answer"))
        }
        _ => Ok(json(200, body)),
    }
}

/// A number in `0..1000` for attempt `n` (splitmix64: the same sequence every run).
fn draw(n: u64) -> u64 {
    let mut z = n.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % 1000
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

fn json(status: u16, body: Bytes) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(full(body))
        .expect("an answer")
}
