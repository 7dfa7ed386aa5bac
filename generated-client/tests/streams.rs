//! Streams against the test double (`tests/support`), which speaks what the daemon's source
//! speaks: files moved in bounded pieces with progress and cancellation, command logs followed
//! over a WebSocket, terminals and the code interpreter.

mod cli;
mod support;

use daytona_client::api::types::Sandbox;
use daytona_client::runtime::{Binary, Progress, TransportKind};
use daytona_client::workflows::{
    self, toolbox_client, CodeEvent, Downloaded, ExecEvent, ExecRequest, RunCode, TerminalOptions,
};
use daytona_client::{Client, Config, Error, RetryPolicy};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::double::{self, Double, Recorded, Settings};

fn client_with(double: &Double, timeout: Duration) -> Client {
    let config = Config::builder()
        .api_key(double::API_KEY)
        .api_url(double.api_url())
        .retry(RetryPolicy::none())
        .timeout(timeout)
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

async fn setup(settings: Settings) -> (Double, Client, Sandbox) {
    let double = Double::start(settings).await;
    let client = client_with(&double, Duration::from_secs(10));
    let sandbox = workflows::get_sandbox(&client, double::SEED_SANDBOX)
        .await
        .unwrap();
    (double, client, sandbox)
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("daytona-streams-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names in a folder.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Bytes that differ from position to position, so a misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

/// A progress callback and what it saw.
fn recorder() -> (
    Arc<Mutex<Vec<Progress>>>,
    impl Fn(Progress) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    (seen, move |p| sink.lock().unwrap().push(p))
}

/// Progress only grows, and ends at the total.
fn assert_progress_reaches(seen: &[Progress], total: u64) {
    assert!(seen.len() > 1, "progress was reported {} times", seen.len());
    assert!(seen.windows(2).all(|w| w[0].done <= w[1].done), "{seen:?}");
    let last = seen.last().unwrap();
    assert_eq!((last.done, last.total), (total, Some(total)));
}

#[tokio::test]
async fn a_file_uploaded_from_a_reader_arrives_whole_and_progress_reaches_the_total() {
    let (double, client, sandbox) = setup(Settings::default()).await;
    let toolbox = toolbox_client(&client, &sandbox);
    let data = pattern(300 * 1024);
    let (seen, progress) = recorder();
    let reader = std::io::Cursor::new(data.clone());
    let contents = Binary::from_reader(reader, Some(data.len() as u64)).on_progress(progress);
    workflows::upload_file(&toolbox, contents, "/home/daytona/big.bin")
        .await
        .unwrap();
    assert_eq!(
        double
            .file(double::SEED_SANDBOX, "/home/daytona/big.bin")
            .as_deref(),
        Some(&data[..])
    );
    assert_progress_reaches(&seen.lock().unwrap(), data.len() as u64);

    // From disk and from memory, several at once; the form names each file's path first.
    let dir = scratch("upload");
    std::fs::write(dir.join("a.txt"), b"from disk").unwrap();
    workflows::upload_files(
        &toolbox,
        [
            (
                "/tmp/a.txt".to_string(),
                Binary::from_file(dir.join("a.txt")),
            ),
            ("/tmp/b.txt".to_string(), Binary::new("from memory")),
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        double.file(double::SEED_SANDBOX, "/tmp/a.txt").as_deref(),
        Some(&b"from disk"[..])
    );
    assert_eq!(
        double.file(double::SEED_SANDBOX, "/tmp/b.txt").as_deref(),
        Some(&b"from memory"[..])
    );
    let upload = double
        .recorded()
        .into_iter()
        .rfind(|r| r.path.ends_with("/files/bulk-upload"))
        .unwrap();
    let body = String::from_utf8_lossy(&upload.body);
    let order: Vec<usize> = [
        "files[0].path",
        "files[0].file",
        "files[1].path",
        "files[1].file",
    ]
    .iter()
    .map(|name| body.find(&format!("name=\"{name}\"")).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_download_goes_to_a_file_and_progress_reaches_the_total() {
    let (double, client, sandbox) = setup(Settings::default()).await;
    let toolbox = toolbox_client(&client, &sandbox);
    let data = pattern(200 * 1024 + 17);
    double.put_file(double::SEED_SANDBOX, "/home/daytona/data.bin", data.clone());
    let dir = scratch("download");
    let target = dir.join("data.bin");
    let (seen, progress) = recorder();
    let written =
        workflows::download_file_to(&toolbox, "/home/daytona/data.bin", &target, progress)
            .await
            .unwrap();
    assert_eq!(written, data.len() as u64);
    assert_eq!(std::fs::read(&target).unwrap(), data);
    assert_progress_reaches(&seen.lock().unwrap(), data.len() as u64);
    assert_eq!(names(&dir), ["data.bin"], "no temporary file is left");

    // A missing file is the daemon's 404, and nothing is written.
    let missing = workflows::download_file_to(&toolbox, "/nope", dir.join("nope"), |_| {}).await;
    match missing {
        Err(Error::Api(api)) => assert_eq!(api.status, 404, "{api:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(names(&dir), ["data.bin"]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_bulk_download_writes_each_file_and_reports_the_missing_one() {
    let (double, client, sandbox) = setup(Settings::default()).await;
    let toolbox = toolbox_client(&client, &sandbox);
    double.put_file(double::SEED_SANDBOX, "/home/daytona/a.txt", "alpha");
    // A name beyond Latin-1 travels only in `filename*`.
    double.put_file(
        double::SEED_SANDBOX,
        "/home/daytona/café ☕.bin",
        pattern(600_000),
    );
    let paths = [
        "/home/daytona/a.txt",
        "/missing.txt",
        "/home/daytona/café ☕.bin",
    ];
    let dir = scratch("bulk");
    let (seen, progress) = recorder();
    let outcomes = workflows::download_files_to_dir(&toolbox, &paths, &dir, move |path, p| {
        if path.ends_with(".bin") {
            progress(p)
        }
    })
    .await
    .unwrap();
    let order: Vec<&str> = outcomes.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(order, paths);
    assert_eq!(
        outcomes[0].1.as_ref().unwrap(),
        &dir.join("home/daytona/a.txt")
    );
    assert!(matches!(&outcomes[1].1, Err(Error::Api(api)) if api.status == 404));
    assert_eq!(
        std::fs::read(dir.join("home/daytona/a.txt")).unwrap(),
        b"alpha"
    );
    assert_eq!(
        std::fs::read(dir.join("home/daytona/café ☕.bin")).unwrap(),
        pattern(600_000)
    );
    assert_progress_reaches(&seen.lock().unwrap(), 600_000);
    assert_eq!(names(&dir.join("home/daytona")), ["a.txt", "café ☕.bin"]);

    // Part by part, in memory.
    let mut downloads =
        workflows::download_files(&toolbox, &["/missing.txt", "/home/daytona/a.txt"])
            .await
            .unwrap();
    assert!(matches!(
        downloads.next().await.unwrap(),
        Some(Downloaded::Failed { path, .. }) if path == "/missing.txt"
    ));
    match downloads.next().await.unwrap() {
        Some(Downloaded::File { path, contents }) => {
            assert_eq!(path, "/home/daytona/a.txt");
            assert_eq!(contents.content_length(), Some(5));
            assert_eq!(&contents.bytes().await.unwrap()[..], b"alpha");
        }
        other => panic!("{other:?}"),
    }
    assert!(downloads.next().await.unwrap().is_none());
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_dropped_download_leaves_no_file_under_its_name() {
    let data = pattern(256 * 1024);
    let (double, client, sandbox) = setup(Settings {
        // Headers and about half the file, then nothing.
        stall_downloads_after: Some(128 * 1024),
        ..Settings::default()
    })
    .await;
    let toolbox = toolbox_client(&client, &sandbox);
    double.put_file(double::SEED_SANDBOX, "/big.bin", data.clone());
    let dir = scratch("dropped");
    let target = dir.join("big.bin");
    let (moved_tx, moved_rx) = tokio::sync::oneshot::channel();
    let moved_tx = Mutex::new(Some(moved_tx));
    let download = workflows::download_file_to(&toolbox, "/big.bin", &target, move |p| {
        if let Some(tx) = moved_tx.lock().unwrap().take() {
            let _ = tx.send(p);
        }
    });
    let first = tokio::select! {
        outcome = download => panic!("the stalled download ended: {outcome:?}"),
        progress = moved_rx => progress.unwrap(),
    };
    // The download future is dropped here, mid-transfer.
    assert!(
        first.done > 0 && first.done < data.len() as u64,
        "{first:?}"
    );
    assert!(!target.exists(), "nothing under the final name");
    assert_eq!(names(&dir), Vec::<String>::new(), "and no temporary file");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_stalled_download_fails_after_the_idle_limit_and_leaves_no_file() {
    let (double, _, sandbox) = setup(Settings {
        stall_downloads_after: Some(1000),
        ..Settings::default()
    })
    .await;
    let client = client_with(&double, Duration::from_millis(300));
    let toolbox = toolbox_client(&client, &sandbox);
    double.put_file(double::SEED_SANDBOX, "/big.bin", pattern(64 * 1024));
    let dir = scratch("stalled");
    let outcome = tokio::time::timeout(
        Duration::from_secs(10),
        workflows::download_file_to(&toolbox, "/big.bin", dir.join("big.bin"), |_| {}),
    )
    .await
    .expect("the idle limit ends the download");
    match outcome {
        Err(Error::Transfer { kind, .. }) => assert_eq!(kind, TransportKind::Timeout),
        other => panic!("{other:?}"),
    }
    assert_eq!(names(&dir), Vec::<String>::new());
    std::fs::remove_dir_all(dir).unwrap();
}

/// The WebSocket upgrades among the recorded requests.
fn upgrades(double: &Double) -> Vec<Recorded> {
    double
        .recorded()
        .into_iter()
        .filter(|r| r.header("upgrade") == Some("websocket"))
        .collect()
}

/// Every upgrade carries the client's credentials and headers, as its HTTP calls do.
fn assert_upgrade_headers(double: &Double) {
    let upgrades = upgrades(double);
    assert!(!upgrades.is_empty(), "no WebSocket was opened");
    for upgrade in upgrades {
        let at = &upgrade.path;
        assert_eq!(
            upgrade.header("authorization"),
            Some(format!("Bearer {}", double::API_KEY).as_str()),
            "{at}"
        );
        assert_eq!(
            upgrade.header("x-daytona-source"),
            Some("daytona-client-rust"),
            "{at}"
        );
        assert_eq!(
            upgrade.header("x-daytona-split-output"),
            Some("true"),
            "{at}"
        );
        assert!(upgrade.path.starts_with("/toolbox/sb-seed/"), "{at}");
    }
}

/// Adjacent pieces of the same stream joined, as (stream, text).
fn joined(events: &[ExecEvent]) -> Vec<(&'static str, String)> {
    let mut joined: Vec<(&'static str, String)> = Vec::new();
    for event in events {
        let (stream, bytes) = match event {
            ExecEvent::Stdout(bytes) => ("stdout", bytes),
            ExecEvent::Stderr(bytes) => ("stderr", bytes),
            ExecEvent::Exit(_) => continue,
        };
        let text = String::from_utf8_lossy(bytes);
        match joined.last_mut() {
            Some((last, all)) if *last == stream => all.push_str(&text),
            _ => joined.push((stream, text.into_owned())),
        }
    }
    joined
}

#[tokio::test]
async fn followed_logs_arrive_in_order_and_split_into_stdout_and_stderr() {
    // Four bytes a message (the double's setting): markers are cut between messages.
    let (double, client, sandbox) = setup(Settings::default()).await;
    let command = "echo one; echo err1 >&2; sleep 1; echo two; echo err2 >&2; exit 3";
    let mut run = workflows::exec_stream(&client, &sandbox, &ExecRequest::new(command))
        .await
        .unwrap();
    let toolbox = toolbox_client(&client, &sandbox);
    let mut events = Vec::new();
    while let Some(event) = run.next().await {
        let event = event.unwrap();
        if events.is_empty() {
            // Output arrives while the command runs, not at its end.
            let running = daytona_client::toolbox::process::get_session_command(
                &toolbox,
                run.session_id(),
                run.command_id(),
            )
            .await
            .unwrap();
            assert_eq!(running.exit_code, None, "the first output came at the end");
        }
        events.push(event);
    }
    assert_eq!(
        joined(&events),
        [
            ("stdout", "one\n".to_string()),
            ("stderr", "err1\n".to_string()),
            ("stdout", "two\n".to_string()),
            ("stderr", "err2\n".to_string()),
        ]
    );
    assert_eq!(events.last(), Some(&ExecEvent::Exit(3)));
    assert!(events.len() > 5, "the log came in pieces: {events:?}");
    assert_eq!(
        double.session_count(double::SEED_SANDBOX),
        0,
        "the session is deleted"
    );
    let follow = upgrades(&double);
    assert_eq!(follow.len(), 1);
    assert_eq!(follow[0].query.as_deref(), Some("follow=true"));
    assert_upgrade_headers(&double);
}

#[tokio::test]
async fn a_streamed_command_that_runs_too_long_ends_and_so_does_a_dropped_one() {
    let (double, client, sandbox) = setup(Settings::default()).await;
    let mut request = ExecRequest::new("echo started; sleep 30");
    request.timeout = Duration::from_millis(500);
    let mut run = workflows::exec_stream(&client, &sandbox, &request)
        .await
        .unwrap();
    let mut stdout = Vec::new();
    let ended = loop {
        match run.next().await.expect("the run ends with an error") {
            Ok(ExecEvent::Stdout(bytes)) => stdout.extend(bytes),
            other => break other,
        }
    };
    assert_eq!(stdout, b"started\n");
    assert!(matches!(ended, Err(Error::Deadline { .. })), "{ended:?}");
    assert!(run.next().await.is_none());
    assert_eq!(double.session_count(double::SEED_SANDBOX), 0);

    let run = workflows::exec_stream(&client, &sandbox, &ExecRequest::new("sleep 30"))
        .await
        .unwrap();
    assert_eq!(double.session_count(double::SEED_SANDBOX), 1);
    drop(run);
    // Deleted in the background: looked for ten times at most.
    for _ in 0..10 {
        if double.session_count(double::SEED_SANDBOX) == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        double.session_count(double::SEED_SANDBOX),
        0,
        "the dropped run's session"
    );
}

/// Reads terminal output until it ends with `until` (ten seconds at most).
async fn read_until(output: &mut workflows::TerminalOutput, until: &str) -> String {
    let mut seen = String::new();
    let read = async {
        while !seen.ends_with(until) {
            let bytes = output.next().await.expect("the terminal ended").unwrap();
            seen.push_str(&String::from_utf8_lossy(&bytes));
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .unwrap_or_else(|_| panic!("no {until:?} in {seen:?}"));
    seen
}

#[tokio::test]
async fn a_terminal_round_trips_input_and_output_resizes_and_reports_its_exit_code() {
    let (double, client, sandbox) = setup(Settings::default()).await;
    let options = TerminalOptions {
        id: Some("term".into()),
        ..TerminalOptions::default()
    };
    let terminal = workflows::open_terminal(&client, &sandbox, &options)
        .await
        .unwrap();
    assert_eq!(terminal.session_id(), "term");
    let (mut input, mut output) = terminal.split();
    // The session starts with its first client, so its first prompt is not lost.
    assert_eq!(read_until(&mut output, "$ ").await, "$ ");

    input.write("echo hello; echo oops >&2\n").await.unwrap();
    let seen = read_until(&mut output, "$ ").await;
    assert_eq!(seen, "echo hello; echo oops >&2\r\nhello\r\noops\r\n$ ");

    input.resize(120, 40).await.unwrap();
    input.write("stty size\r").await.unwrap();
    assert!(read_until(&mut output, "$ ")
        .await
        .contains("\r\n40 120\r\n"));

    input.write("exit 3\n").await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(bytes) = output.next().await {
                bytes.unwrap();
            }
        })
        .await
        .is_ok(),
        "the terminal ends when its shell exits"
    );
    let exit = output.exit().cloned().unwrap();
    assert_eq!(
        (exit.code, exit.reason.as_deref()),
        (3, Some("non-zero exit"))
    );
    assert!(!double.has_pty(double::SEED_SANDBOX, "term"));

    // A clean exit is code 0.
    let mut terminal = workflows::open_terminal(&client, &sandbox, &TerminalOptions::default())
        .await
        .unwrap();
    terminal.write("exit\n").await.unwrap();
    assert_eq!(terminal.wait().await.unwrap().code, 0);

    let create = double
        .recorded()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/process/pty"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body["lazyStart"], true);
    assert_eq!(
        (body["cols"].as_u64(), body["rows"].as_u64()),
        (Some(80), Some(24))
    );
    assert_upgrade_headers(&double);
}

#[tokio::test]
async fn the_interpreter_streams_output_errors_and_timeouts() {
    let (double, client, sandbox) = setup(Settings {
        clock: 0.01,
        ..Settings::default()
    })
    .await;
    let code = "import sys\nprint('one')\nprint('warn', file=sys.stderr)\nprint(2)\nraise ValueError('bad')";
    let mut run = workflows::run_code(&client, &sandbox, &RunCode::new(code))
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(event) = run.next().await {
        events.push(event.unwrap());
    }
    assert_eq!(
        &events[..3],
        [
            CodeEvent::Stdout("one\n".into()),
            CodeEvent::Stderr("warn\n".into()),
            CodeEvent::Stdout("2\n".into()),
        ]
    );
    match &events[3..] {
        [CodeEvent::Error(error)] => {
            assert_eq!(
                (error.name.as_str(), error.value.as_str()),
                ("ValueError", "bad")
            );
            assert!(error.traceback.contains("ValueError: bad"));
        }
        other => panic!("{other:?}"),
    }

    let mut slow = RunCode::new("import time\ntime.sleep(5)\nprint('late')");
    slow.timeout = Some(Duration::from_secs(1));
    let mut run = workflows::run_code(&client, &sandbox, &slow).await.unwrap();
    assert!(matches!(
        run.next().await,
        Some(Err(Error::Deadline { .. }))
    ));
    assert!(run.next().await.is_none());

    let mut elsewhere = RunCode::new("print(1)");
    elsewhere.context_id = Some("ctx-unknown".into());
    let mut run = workflows::run_code(&client, &sandbox, &elsewhere)
        .await
        .unwrap();
    match run.next().await {
        Some(Err(Error::Transfer { message, .. })) => {
            assert!(
                message.contains("context not found: ctx-unknown"),
                "{message}"
            )
        }
        other => panic!("{other:?}"),
    }
    double.add_context(double::SEED_SANDBOX, "ctx-1");
    elsewhere.context_id = Some("ctx-1".into());
    let mut run = workflows::run_code(&client, &sandbox, &elsewhere)
        .await
        .unwrap();
    assert_eq!(
        run.next().await.unwrap().unwrap(),
        CodeEvent::Stdout("1\n".into())
    );
    assert!(run.next().await.is_none());
    assert_upgrade_headers(&double);
}

#[tokio::test]
async fn an_upgrade_without_valid_credentials_is_refused_as_an_http_call_is() {
    let (double, _, sandbox) = setup(Settings::default()).await;
    let config = Config::builder()
        .api_key("dtn_wrong")
        .api_url(double.api_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let stranger = Client::new(config).unwrap();
    let outcome = workflows::run_code(&stranger, &sandbox, &RunCode::new("print(1)")).await;
    match outcome {
        Err(Error::Api(api)) => {
            assert_eq!(api.status, 401);
            assert_eq!(api.operation, "ExecuteInterpreterCode");
            assert!(!api.body.contains("dtn_wrong"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_cli_uploads_downloads_and_follows_a_command() {
    let (double, _, _) = setup(Settings::default()).await;
    let config = || {
        Config::builder()
            .api_key(double::API_KEY)
            .api_url(double.api_url())
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let dir = scratch("cli");
    let local = dir.join("in.bin");
    std::fs::write(&local, pattern(100_000)).unwrap();
    let local_arg = local.to_string_lossy().into_owned();
    let (out, _) = cli::run(
        &["sandbox", "upload", "sb-seed", &local_arg, "/tmp/in.bin"],
        config(),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        format!("uploaded {local_arg} (100000 bytes) to /tmp/in.bin\n")
    );
    assert_eq!(
        double.file("sb-seed", "/tmp/in.bin").unwrap().len(),
        100_000
    );

    let back = dir.join("back.bin");
    let back_arg = back.to_string_lossy().into_owned();
    let (out, _) = cli::run(
        &["sandbox", "download", "sb-seed", "/tmp/in.bin", &back_arg],
        config(),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        format!("downloaded /tmp/in.bin (100000 bytes) to {back_arg}\n")
    );
    assert_eq!(std::fs::read(&back).unwrap(), pattern(100_000));

    let missing = cli::run(
        &["sandbox", "download", "sb-seed", "/nope", &back_arg],
        config(),
    )
    .await;
    assert!(missing.unwrap_err().contains("404"));

    let (out, err) = cli::run(
        &[
            "sandbox",
            "exec",
            "sb-seed",
            "--follow",
            "--",
            "echo hello; echo oops >&2; exit 2",
        ],
        config(),
    )
    .await
    .unwrap();
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("hello\nexit code: 2\n", "oops\n")
    );
    assert_eq!(
        upgrades(&double).len(),
        1,
        "--follow follows the log over a WebSocket"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
