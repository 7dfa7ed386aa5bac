//! Moving a large file through the client, next to bare reqwest doing the same transfer: the
//! throughput, and the peak resident memory of the process that moves it.
//!
//! `cargo bench -p daytona-client --bench transfer` (what `cargo xtask bench` runs), or with
//! `-- --size-mib N` for another size (1024 by default).
//!
//! Each transfer runs in a process of its own (this program, started again with `--case`), so
//! each has its own peak resident memory (`VmHWM`). The cases take turns, round after round, so
//! that the machine's drift falls on all of them alike; the table gives medians.
//!
//! * upload: the client's `workflows::upload_file` with `Binary::from_file`, and reqwest
//!   sending the same multipart form (`files[0].path`, then `files[0].file` streamed from the
//!   same file) to the same server.
//! * download: the client's `workflows::download_file_to` (the multipart answer parsed as it
//!   arrives, written beside the target and renamed), and reqwest writing the answer's body as
//!   it arrives to a file. Both flush the file to disk before they stop the clock.
//!
//! The server is in the same process: it counts the bytes of an upload without keeping them,
//! and generates a download's bytes as it sends them, in 64 KiB pieces of one shared buffer.

#[path = "../../tools/bench/resident.rs"]
mod resident;

use bytes::Bytes;
use daytona_client::runtime::Binary;
use daytona_client::{workflows, Client, Config, RetryPolicy};
use futures_util::StreamExt;
use http_body_util::{combinators::BoxBody, BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

const CASES: [&str; 4] = [
    "client-upload",
    "reqwest-upload",
    "client-download",
    "reqwest-download",
];
const ROUNDS: usize = 3;
const PIECE: usize = 64 * 1024;
const BOUNDARY: &str = "DAYTONA-FILE-BOUNDARY";
const REMOTE: &str = "/home/daytona/large.bin";
/// The memory limit each direction is held to.
const MEMORY_LIMIT_MIB: f64 = 64.0;
/// The least share of reqwest's throughput the client is held to.
const THROUGHPUT_FLOOR: f64 = 0.8;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    // `cargo bench` passes `--bench`; run any other way (`cargo test --benches`), the
    // comparison runs at a small size, to show it works.
    let benching = args.iter().any(|a| a == "--bench");
    let default_mib = if benching { 1024 } else { 8 };
    let size_mib: u64 = value("--size-mib")
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_mib);
    let size = size_mib * 1024 * 1024;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("transfer-bench");
    match value("--case") {
        Some(case) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            let seconds = runtime.block_on(run_case(&case, size, &dir));
            println!("{seconds} {}", resident::resident_kib("VmHWM:"));
        }
        None => compare(size, &dir),
    }
}

/// Runs every case in its own process, round after round, and prints the table.
fn compare(size: u64, dir: &Path) {
    std::fs::create_dir_all(dir).expect("a folder for the files");
    let source = dir.join("source.bin");
    write_source(&source, size);
    let exe = std::env::current_exe().expect("this program's path");
    let mut results: Vec<(String, Vec<f64>, Vec<u64>)> = CASES
        .iter()
        .map(|c| (c.to_string(), Vec::new(), Vec::new()))
        .collect();
    for round in 0..ROUNDS {
        for offset in 0..CASES.len() {
            let index = (round + offset) % CASES.len();
            let output = Command::new(&exe)
                .args([
                    "--case",
                    CASES[index],
                    "--size-mib",
                    &(size >> 20).to_string(),
                ])
                .output()
                .expect("the case runs");
            let text = String::from_utf8_lossy(&output.stdout);
            let line = text.lines().last().unwrap_or_default().to_string();
            let mut fields = line.split_whitespace();
            let (Some(seconds), Some(rss)) = (fields.next(), fields.next()) else {
                panic!(
                    "{} failed: {}{}",
                    CASES[index],
                    text,
                    String::from_utf8_lossy(&output.stderr)
                );
            };
            results[index].1.push(seconds.parse().expect("seconds"));
            results[index].2.push(rss.parse().expect("KiB"));
            eprintln!("round {}: {} {line}", round + 1, CASES[index]);
        }
    }
    let _ = std::fs::remove_file(&source);
    let mib = size as f64 / (1024.0 * 1024.0);
    println!("\n| case | median time | throughput | peak RSS (max of {ROUNDS}) | runs (s) |");
    println!("|---|---|---|---|---|");
    let mut medians = Vec::new();
    for (case, times, rss) in &results {
        let median = median(times);
        let peak = *rss.iter().max().unwrap_or(&0) as f64 / 1024.0;
        medians.push((median, peak));
        let runs: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
        println!(
            "| {case} | {median:.2} s | {:.0} MiB/s | {peak:.1} MiB | {} |",
            mib / median,
            runs.join(", ")
        );
    }
    for (direction, client, bare) in [("upload", 0, 1), ("download", 2, 3)] {
        let (client_time, client_peak) = medians[client];
        let (bare_time, _) = medians[bare];
        let share = bare_time / client_time;
        println!(
            "\n{direction}: client throughput {:.0} % of reqwest's (floor {:.0} %: {}); peak RSS {client_peak:.1} MiB (limit {MEMORY_LIMIT_MIB} MiB: {})",
            share * 100.0,
            THROUGHPUT_FLOOR * 100.0,
            verdict(share >= THROUGHPUT_FLOOR),
            verdict(client_peak < MEMORY_LIMIT_MIB),
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

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// The file uploads read: `size` bytes of a pattern, written once.
fn write_source(path: &Path, size: u64) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == size) {
        return;
    }
    use std::io::Write;
    let piece = pattern();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("the source file"));
    for _ in 0..size / PIECE as u64 {
        file.write_all(&piece).expect("writing the source file");
    }
    file.flush().expect("writing the source file");
}

fn pattern() -> Bytes {
    (0..PIECE)
        .map(|i| (i * 7 % 251) as u8)
        .collect::<Vec<u8>>()
        .into()
}

/// One transfer; its time in seconds.
async fn run_case(case: &str, size: u64, dir: &Path) -> f64 {
    let server = serve(size).await;
    let source = dir.join("source.bin");
    let target = dir.join(format!("{case}.bin"));
    let started = Instant::now();
    match case {
        "client-upload" => {
            let toolbox = client(&server);
            workflows::upload_file(&toolbox, Binary::from_file(&source), REMOTE)
                .await
                .expect("the client's upload");
        }
        "reqwest-upload" => {
            let file = tokio::fs::File::open(&source)
                .await
                .expect("the source file");
            let stream = tokio_util_stream(file);
            let part = reqwest::multipart::Part::stream_with_length(
                reqwest::Body::wrap_stream(stream),
                size,
            )
            .file_name(REMOTE)
            .mime_str("application/octet-stream")
            .expect("a content type");
            let form = reqwest::multipart::Form::new()
                .text("files[0].path", REMOTE)
                .part("files[0].file", part);
            let response = reqwest::Client::new()
                .post(format!("{server}/files/bulk-upload"))
                .bearer_auth("bench")
                .multipart(form)
                .send()
                .await
                .expect("reqwest's upload");
            assert!(response.status().is_success());
        }
        "client-download" => {
            let toolbox = client(&server);
            let written = workflows::download_file_to(&toolbox, REMOTE, &target, |_| {})
                .await
                .expect("the client's download");
            assert_eq!(written, size);
        }
        "reqwest-download" => {
            let response = reqwest::Client::new()
                .post(format!("{server}/files/bulk-download"))
                .bearer_auth("bench")
                .json(&serde_json::json!({ "paths": [REMOTE] }))
                .send()
                .await
                .expect("reqwest's download");
            let mut file = tokio::fs::File::create(&target).await.expect("the target");
            let mut body = response.bytes_stream();
            while let Some(chunk) = body.next().await {
                file.write_all(&chunk.expect("a chunk"))
                    .await
                    .expect("writing");
            }
            file.flush().await.expect("writing");
            file.sync_all().await.expect("syncing");
        }
        other => panic!("no case {other}"),
    }
    let seconds = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_file(&target);
    seconds
}

/// A file as a stream of chunks, for reqwest.
fn tokio_util_stream(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buffer = vec![0u8; PIECE];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((Ok(Bytes::from(buffer)), file))
            }
            Err(error) => Some((Err(error), file)),
        }
    })
}

fn client(server: &str) -> Client {
    let config = Config::builder()
        .api_key("bench")
        .api_url(format!("{server}/api"))
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("a configuration");
    Client::new(config).expect("a client").with_base_url(server)
}

type Answer = Response<BoxBody<Bytes, Infallible>>;

/// A server on 127.0.0.1 for the bulk upload (counted, not kept) and the bulk download (`size`
/// generated bytes in one `file` part); its base URL.
async fn serve(size: u64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| answer(request, size));
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    base
}

async fn answer(request: Request<Incoming>, size: u64) -> Result<Answer, Infallible> {
    let path = request.uri().path().to_string();
    let mut body = request.into_body();
    let mut received = 0u64;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame.ok().and_then(|f| f.into_data().ok()) {
            received += data.len() as u64;
        }
    }
    let response = Response::builder().status(200);
    Ok(match path.as_str() {
        "/files/bulk-download" => {
            let head = format!(
                "--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{REMOTE}\"\r\nContent-Length: {size}\r\n\r\n"
            );
            let tail = format!("\r\n--{BOUNDARY}--\r\n");
            let piece = pattern();
            let pieces = size / PIECE as u64;
            let frames = futures_util::stream::once(async move { Bytes::from(head) })
                .chain(futures_util::stream::iter(
                    (0..pieces).map(move |_| piece.clone()),
                ))
                .chain(futures_util::stream::once(async move { Bytes::from(tail) }))
                .map(|bytes| Ok::<_, Infallible>(Frame::data(bytes)));
            response
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(BodyExt::boxed(StreamBody::new(frames)))
                .expect("a response")
        }
        _ => response
            .header("content-type", "application/json")
            .body(
                Full::new(Bytes::from(format!(
                    "{{\"files\":[{{\"path\":\"{REMOTE}\",\"bytes\":{received}}}]}}"
                )))
                .boxed(),
            )
            .expect("a response"),
    })
}
