//! The client through a proxy that breaks connections the ways networks do
//! (`tests/support/fault_proxy.rs`), in front of the service double: API calls, toolbox calls,
//! streamed downloads and uploads, and WebSockets. Each test asserts the outcome and that it
//! came within a bound of the configured timeout: nothing hangs.

mod support;

use daytona_client::runtime::{Binary, Bytes, Message, TransportKind, WebSocket};
use daytona_client::toolbox::process;
use daytona_client::toolbox::types::{CreateSessionRequest, SessionExecuteRequest};
use daytona_client::workflows::{self, toolbox_client};
use daytona_client::{Client, Config, Error, RetryPolicy};
use std::time::{Duration, Instant};
use support::double::{self, Double, Settings};
use support::fault_proxy::{Fault, FaultProxy};

/// The time limit the clients here are given.
const TIMEOUT: Duration = Duration::from_millis(800);
/// How long any outcome may take: the limit, a retry or two, and slack for a busy machine.
const BOUND: Duration = Duration::from_secs(5);

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_elapsed: Duration::from_secs(10),
        retry_non_idempotent: false,
    }
}

/// A client (with its own connections) whose API and toolbox requests all go through `proxy`.
fn proxied_client(proxy: &FaultProxy) -> Client {
    let config = Config::builder()
        .api_key(double::API_KEY)
        .api_url(format!("{}/api", proxy.url()))
        .toolbox_url(format!("{}/toolbox/{}", proxy.url(), double::SEED_SANDBOX))
        .retry(fast_retries())
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

async fn setup(fault: Fault) -> (Double, FaultProxy, Client) {
    let double = Double::start(Settings::default()).await;
    let proxy = FaultProxy::start(&double.api_url(), fault).await;
    let client = proxied_client(&proxy);
    (double, proxy, client)
}

/// Runs `future`, failing the test if it takes longer than [`BOUND`]; its output and time.
async fn bounded<T>(what: &str, future: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let output = tokio::time::timeout(BOUND, future)
        .await
        .unwrap_or_else(|_| panic!("{what} hung past {BOUND:?}"));
    (output, started.elapsed())
}

/// Reads a WebSocket past its data messages: what ends them (a close, an error or the end).
async fn past_the_data(socket: &mut WebSocket) -> Option<Result<Message, Error>> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Binary(_) | Message::Text(_))) => continue,
            other => break other,
        }
    }
}

fn assert_timeout(error: &Error) {
    assert_eq!(
        transport_kind(error),
        Some(TransportKind::Timeout),
        "{error}"
    );
}

fn transport_kind(error: &Error) -> Option<TransportKind> {
    match error {
        Error::Transport { kind, .. } | Error::Transfer { kind, .. } => Some(*kind),
        _ => None,
    }
}

#[tokio::test]
async fn latency_below_the_timeout_only_slows_a_call_and_above_it_is_a_timeout() {
    let (_double, proxy, client) = setup(Fault::Latency(Duration::from_millis(100))).await;
    let (got, took) = bounded("a slow answer", workflows::get_sandbox(&client, "sb-seed")).await;
    assert_eq!(got.unwrap().id, "sb-seed");
    assert!(took >= Duration::from_millis(100), "{took:?}");

    // New connections for the new fault: a pooled one would keep the old behaviour.
    proxy.set(Fault::Latency(TIMEOUT * 2));
    let client = proxied_client(&proxy);
    let before = proxy.connections();
    let (got, took) = bounded(
        "a too slow answer",
        workflows::get_sandbox(&client, "sb-seed"),
    )
    .await;
    let error = got.unwrap_err();
    assert_timeout(&error);
    assert!(took < TIMEOUT * 2, "the timeout ended it: {took:?}");
    // Timeouts are not retried.
    assert_eq!(proxy.connections() - before, 1);
}

#[tokio::test]
async fn a_reset_connection_is_retried_when_safe_then_reported() {
    let (_double, proxy, client) = setup(Fault::Reset).await;
    let (got, _) = bounded("a reset GET", workflows::get_sandbox(&client, "sb-seed")).await;
    let error = got.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert_eq!(proxy.connections(), 3, "a GET is tried three times");

    // A POST to the toolbox (it may not be idempotent) is tried once.
    let toolbox = client.with_base_url(format!("{}/toolbox/sb-seed", proxy.url()));
    let session = CreateSessionRequest::default().with_session_id("s".into());
    let before = proxy.connections();
    let (got, _) = bounded("a reset POST", process::create_session(&toolbox, &session)).await;
    assert!(matches!(got, Err(Error::Transport { .. })), "{got:?}");
    assert_eq!(proxy.connections() - before, 1);
}

#[tokio::test]
async fn a_half_closed_or_truncated_answer_is_an_error_at_once() {
    for fault in [
        Fault::HalfClose { after: 60 },
        Fault::Truncate { after: 60 },
    ] {
        let (_double, proxy, client) = setup(fault).await;
        let (got, took) = bounded("a cut answer", workflows::get_sandbox(&client, "sb-seed")).await;
        let error = got.unwrap_err();
        assert!(
            matches!(error, Error::Transport { .. }),
            "{fault:?}: {error}"
        );
        assert!(
            took < TIMEOUT,
            "{fault:?}: an ended connection is known at once ({took:?})"
        );
        assert_eq!(proxy.connections(), 3, "{fault:?}: retried, as a GET");
    }
}

#[tokio::test]
async fn a_stalled_answer_times_out() {
    let (_double, proxy, client) = setup(Fault::StallAnswer { after: 60 }).await;
    let (got, took) = bounded(
        "a stalled answer",
        workflows::get_sandbox(&client, "sb-seed"),
    )
    .await;
    let error = got.unwrap_err();
    assert_timeout(&error);
    assert!(took >= TIMEOUT, "{took:?}");
    assert_eq!(proxy.connections(), 1);
    // The stalled connection is dropped by the client, not left open.
    bounded("the proxy seeing the close", async {
        while proxy.open() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn toolbox_calls_fail_the_same_ways() {
    let (_double, proxy, client) = setup(Fault::None).await;
    let sandbox = workflows::get_sandbox(&client, "sb-seed").await.unwrap();
    let session = CreateSessionRequest::default().with_session_id("s".into());
    process::create_session(&toolbox_client(&client, &sandbox), &session)
        .await
        .unwrap();
    for (fault, expected) in [
        (Fault::Truncate { after: 40 }, None),
        (
            Fault::StallAnswer { after: 40 },
            Some(TransportKind::Timeout),
        ),
    ] {
        proxy.set(fault);
        let body = SessionExecuteRequest::default()
            .with_command("echo hello".into())
            .with_run_async(false);
        // New connections for the new fault: a pooled one would keep the old behaviour.
        let fresh = proxied_client(&proxy);
        let toolbox = toolbox_client(&fresh, &sandbox);
        let (got, _) = bounded(
            "a toolbox command",
            process::session_execute_command(&toolbox, "s", &body),
        )
        .await;
        let error = got.unwrap_err();
        match expected {
            Some(kind) => assert_eq!(transport_kind(&error), Some(kind), "{fault:?}: {error}"),
            None => assert!(
                matches!(error, Error::Transport { .. }),
                "{fault:?}: {error}"
            ),
        }
    }
}

/// The names in a folder.
fn names(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn a_download_cut_or_stalled_mid_file_fails_and_leaves_no_file() {
    let dir = std::env::temp_dir().join(format!("network-faults-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (fault, kind) in [
        (Fault::Truncate { after: 300_000 }, TransportKind::Other),
        (
            Fault::StallAnswer { after: 300_000 },
            TransportKind::Timeout,
        ),
    ] {
        let (double, proxy, client) = setup(fault).await;
        double.put_file("sb-seed", "/big.bin", vec![7u8; 1 << 20]);
        let toolbox = client.with_base_url(format!("{}/toolbox/sb-seed", proxy.url()));
        let target = dir.join("big.bin");
        let (got, _) = bounded(
            "a broken download",
            workflows::download_file_to(&toolbox, "/big.bin", &target, |_| {}),
        )
        .await;
        let error = got.unwrap_err();
        assert_eq!(transport_kind(&error), Some(kind), "{fault:?}: {error}");
        assert!(names(&dir).is_empty(), "{fault:?}: {:?}", names(&dir));
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn an_upload_the_server_stops_taking_times_out() {
    let (_double, proxy, client) = setup(Fault::StallRequest { after: 1 << 20 }).await;
    let toolbox = client.with_base_url(format!("{}/toolbox/sb-seed", proxy.url()));
    // 256 MiB offered, far more than the connection's buffers hold once the proxy stops reading.
    let chunk = Bytes::from(vec![1u8; 1 << 20]);
    let chunks =
        futures_util::stream::iter((0..256).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let contents = Binary::from_stream(chunks, Some(256 << 20));
    let (got, took) = bounded(
        "a stalled upload",
        workflows::upload_file(&toolbox, contents, "/up.bin"),
    )
    .await;
    let error = got.unwrap_err();
    assert_timeout(&error);
    assert!(took >= TIMEOUT, "{took:?}");
}

#[tokio::test]
async fn a_websocket_through_a_broken_connection_ends_instead_of_hanging() {
    let (double, proxy, client) = setup(Fault::None).await;
    // The command and its session are set up through a direct client; only the log's
    // WebSocket goes through the proxy.
    let direct = double.client_with_key(double::API_KEY);
    let sandbox = workflows::get_sandbox(&direct, "sb-seed").await.unwrap();
    let toolbox = toolbox_client(&direct, &sandbox);
    let session = CreateSessionRequest::default().with_session_id("s".into());
    process::create_session(&toolbox, &session).await.unwrap();
    let body = SessionExecuteRequest::default()
        .with_command("seq 1 2000; sleep 30".into())
        .with_run_async(true);
    let started = process::session_execute_command(&toolbox, "s", &body)
        .await
        .unwrap();
    let proxied = client.with_base_url(format!("{}/toolbox/sb-seed", proxy.url()));
    let follow = process::GetSessionCommandLogsParams::default().with_follow(true);

    // Cut after the upgrade, in the middle of the log: the stream ends, it does not wait on.
    proxy.set(Fault::Truncate { after: 200 });
    let connect =
        process::get_session_command_logs_websocket(&proxied, "s", &started.cmd_id, &follow);
    let (socket, _) = bounded("the upgrade", connect).await;
    let mut socket = socket.unwrap();
    let (ended, _) = bounded("reading a cut WebSocket", past_the_data(&mut socket)).await;
    assert!(
        !matches!(ended, Some(Ok(Message::Close(_)))),
        "a cut connection is not a normal close: {ended:?}"
    );

    // Stalled after the upgrade: the unanswered keepalive ping ends the wait.
    proxy.set(Fault::StallAnswer { after: 200 });
    let connect =
        process::get_session_command_logs_websocket(&proxied, "s", &started.cmd_id, &follow);
    let (socket, _) = bounded("the upgrade", connect).await;
    let mut socket = socket.unwrap().with_keepalive(Duration::from_millis(300));
    let (ended, took) = bounded("reading a stalled WebSocket", past_the_data(&mut socket)).await;
    match ended {
        Some(Err(error)) => assert_timeout(&error),
        other => panic!("{other:?}"),
    }
    assert!(
        took >= Duration::from_millis(600),
        "ping, then another silence: {took:?}"
    );

    // Reset at the upgrade: an error, not a hang.
    proxy.set(Fault::Reset);
    let connect =
        process::get_session_command_logs_websocket(&proxied, "s", &started.cmd_id, &follow);
    let (socket, _) = bounded("a reset upgrade", connect).await;
    assert!(socket.is_err());
    process::delete_session(&toolbox, "s").await.unwrap();
}
