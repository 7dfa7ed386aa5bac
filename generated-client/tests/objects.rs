//! The object layer (`Daytona`, `Sandbox` and the sandbox's handles) and the generated
//! paginators, against the test double of the service (`tests/support/double.rs`): every
//! lifecycle method, each waiter's success, failure and deadline, and lists over several pages.
//! The methods the double does not play are run against Prism in `tests/prism_suite.rs`.

mod support;

use daytona_client::api::sandbox::ListSandboxesParams;
use daytona_client::api::snapshots::GetAllSnapshotsParams;
use daytona_client::api::types::{ResizeSandbox, SandboxState};
use daytona_client::objects::{Daytona, Sandbox};
use daytona_client::toolbox::types::SessionExecuteRequest;
use daytona_client::workflows::{ExecRequest, SandboxSource, SandboxSpec, WaitOptions};
use daytona_client::{Config, Error, RetryPolicy};
use std::collections::BTreeMap;
use std::time::Duration;
use support::double::{self, Double, Settings};

fn daytona(double: &Double) -> Daytona {
    let config = Config::builder()
        .api_key(double::API_KEY)
        .api_url(double.api_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Daytona::new(config).unwrap()
}

/// Polls fast enough for the double's sandboxes, which settle in 300 ms.
fn quick() -> WaitOptions {
    WaitOptions {
        deadline: Duration::from_secs(10),
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(100),
    }
}

async fn seed(daytona: &Daytona) -> Sandbox {
    let mut sandbox = daytona.get(double::SEED_SANDBOX).await.unwrap();
    sandbox.set_wait_options(quick());
    sandbox
}

/// The query values a recorded request sent for `name`, in order.
fn sent(double: &Double, path: &str, name: &str) -> Vec<Option<String>> {
    query_values(&double.take_recorded(), path, name)
}

/// The query values `records` sent to `path` for `name`, in order.
fn query_values(records: &[double::Recorded], path: &str, name: &str) -> Vec<Option<String>> {
    records
        .iter()
        .filter(|r| r.path == path)
        .map(|r| {
            double::url_pairs(r.query.as_deref().unwrap_or_default())
                .into_iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value)
        })
        .collect()
}

#[tokio::test]
async fn create_exec_upload_download_and_delete_through_the_handles() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let spec = SandboxSpec {
        name: Some("handles".into()),
        wait: Some(quick()),
        ..SandboxSpec::default()
    };
    let sandbox = daytona.create(&spec).await.unwrap();
    assert_eq!(sandbox.name(), "handles");
    assert_eq!(sandbox.state(), Some(&SandboxState::Started));

    let output = sandbox
        .process()
        .exec(&ExecRequest::new("echo hello; echo oops >&2"))
        .await
        .unwrap();
    assert_eq!(
        (output.stdout.as_str(), output.stderr.as_str()),
        ("hello\n", "oops\n")
    );

    let fs = sandbox.fs();
    fs.upload_file(b"print(1)\n".to_vec(), "project/main.py")
        .await
        .unwrap();
    assert_eq!(
        double.file(sandbox.id(), "project/main.py").as_deref(),
        Some(&b"print(1)\n"[..])
    );
    let part = fs.download_file("project/main.py").await.unwrap();
    assert_eq!(&part.bytes().await.unwrap()[..], b"print(1)\n");

    let id = sandbox.id().to_string();
    sandbox.delete().await.unwrap();
    let gone = daytona.get(&id).await.unwrap();
    assert!(
        matches!(
            gone.state(),
            Some(SandboxState::Destroying | SandboxState::Destroyed)
        ),
        "{:?}",
        gone.state()
    );
}

#[tokio::test]
async fn start_stop_archive_and_refresh_wait_for_the_state_asked_for() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let mut sandbox = seed(&daytona).await;

    sandbox.stop().await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Stopped));
    sandbox.archive().await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Archived));
    sandbox.start().await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Started));
    // The handle's data is the API's: a fresh look agrees.
    assert_eq!(
        sandbox.refresh().await.unwrap().state,
        Some(SandboxState::Started)
    );
    sandbox.wait_until_started().await.unwrap();

    // The API refuses to archive a started sandbox; the handle passes its answer on.
    let refused = sandbox.archive().await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    assert!(refused.to_string().contains("not stopped"), "{refused}");
}

#[tokio::test]
async fn resize_waits_until_the_sandbox_has_left_resizing() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let mut sandbox = seed(&daytona).await;

    let grow = ResizeSandbox::default().with_cpu(2).with_memory(4);
    sandbox.resize(&grow).await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Started));
    assert_eq!((sandbox.data().cpu, sandbox.data().memory), (2.0, 4.0));

    // Disk needs a stopped sandbox.
    let disk = ResizeSandbox::default().with_disk(10);
    let refused = sandbox.resize(&disk).await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
    sandbox.stop().await.unwrap();
    sandbox.resize(&disk).await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Stopped));
    assert_eq!(sandbox.data().disk, 10.0);
}

#[tokio::test]
async fn a_waiter_fails_on_an_error_state_and_at_its_deadline() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);

    // Failure: a sandbox that ends in `error` while it is waited for.
    let broken = SandboxSpec {
        source: Some(SandboxSource::Snapshot("broken".into())),
        wait: Some(quick()),
        ..SandboxSpec::default()
    };
    match daytona.create(&broken).await.unwrap_err() {
        Error::UnexpectedState { state, reason, .. } => {
            assert_eq!(state, "error");
            assert_eq!(reason.as_deref(), Some("the snapshot cannot start"));
        }
        other => panic!("{other}"),
    }

    // Deadline: stopping takes 300 ms in the double; the handle waits 50 ms.
    let mut sandbox = seed(&daytona).await;
    sandbox.set_wait_options(WaitOptions {
        deadline: Duration::from_millis(50),
        initial_interval: Duration::from_millis(20),
        max_interval: Duration::from_millis(20),
    });
    match sandbox.stop().await.unwrap_err() {
        Error::Deadline { what, last, .. } => {
            assert!(what.contains("stopped"), "{what}");
            assert_eq!(last, "stopping");
        }
        other => panic!("{other}"),
    }
    // The sandbox stops all the same; a later wait sees it.
    sandbox.set_wait_options(quick());
    sandbox.wait_until_stopped().await.unwrap();
    sandbox.wait_until(SandboxState::Stopped).await.unwrap();
}

#[tokio::test]
async fn list_streams_every_sandbox_across_pages_and_stops_at_the_callers_limit() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    double.take_recorded();

    // Three sandboxes, two a page: two requests, the second with the first's cursor.
    let all = daytona.list(&Default::default()).all().await.unwrap();
    let names: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["seed", "other", "third"]);
    assert_eq!(
        sent(&double, "/api/sandbox", "cursor"),
        [None, Some("2".into())]
    );

    // A limit of one item asks for one page only.
    let first = daytona
        .list(&Default::default())
        .max_items(1)
        .all()
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(sent(&double, "/api/sandbox", "cursor"), [None]);

    // Filters go with every page.
    let params = ListSandboxesParams::default()
        .with_labels(r#"{"team":"ci"}"#.into())
        .with_limit(1.0);
    let team: Vec<String> = daytona
        .list(&params)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(team, ["seed", "third"]);
}

#[tokio::test]
async fn find_one_is_the_first_sandbox_with_the_labels_or_none() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let labels = |team: &str| BTreeMap::from([("team".to_string(), team.to_string())]);
    let found = daytona.find_one(&labels("web")).await.unwrap().unwrap();
    assert_eq!(found.name(), "other");
    assert!(daytona.find_one(&labels("nobody")).await.unwrap().is_none());
}

#[tokio::test]
async fn snapshots_are_listed_page_by_page_by_number() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    double.take_recorded();
    let params = GetAllSnapshotsParams::default().with_limit(2.0);
    let names: Vec<String> = daytona
        .snapshots()
        .list(&params)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    let expected: Vec<String> = (1..=double::SNAPSHOTS)
        .map(|n| format!("snapshot-{n}"))
        .collect();
    assert_eq!(names, expected);
    let pages = sent(&double, "/api/snapshots", "page");
    assert_eq!(pages, [None, Some("2".into()), Some("3".into())]);

    // Starting at a page the caller names, and stopping after a page count.
    let from_two = params.with_page(2.0);
    let second = daytona
        .snapshots()
        .list(&from_two)
        .max_pages(1)
        .all()
        .await
        .unwrap();
    assert_eq!(second.len(), 2);
    assert_eq!(second[0].name, "snapshot-3");
    // The workflow reads every page.
    let all = daytona_client::workflows::list_snapshots(daytona.client())
        .await
        .unwrap();
    assert_eq!(all.len(), double::SNAPSHOTS);
}

#[tokio::test]
async fn preview_links_name_the_sandbox_and_port() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let sandbox = seed(&daytona).await;
    let link = sandbox.preview_link(3000).await.unwrap();
    assert_eq!(link.sandbox_id, double::SEED_SANDBOX);
    assert!(link.url.starts_with("https://3000-"), "{}", link.url);
}

#[tokio::test]
async fn sessions_keep_their_commands_and_logs() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let sandbox = seed(&daytona).await;
    let process = sandbox.process();

    process.create_session("work").await.unwrap();
    let run = SessionExecuteRequest::default()
        .with_command("echo one; echo two >&2".into())
        .with_run_async(false);
    let started = process.execute_session_command("work", &run).await.unwrap();
    let command = process
        .get_session_command("work", &started.cmd_id)
        .await
        .unwrap();
    assert_eq!(command.exit_code, Some(0));
    let logs = process
        .session_command_logs("work", &started.cmd_id)
        .await
        .unwrap();
    assert_eq!(
        (logs.stdout.as_str(), logs.stderr.as_str()),
        ("one\n", "two\n")
    );
    let session = process.get_session("work").await.unwrap();
    assert_eq!(session.commands.len(), 1);
    assert_eq!(double.session_count(sandbox.id()), 1);
    process.delete_session("work").await.unwrap();
    assert_eq!(double.session_count(sandbox.id()), 0);

    let mut stream = process
        .exec_stream(&ExecRequest::new("echo streamed"))
        .await
        .unwrap();
    let mut seen = String::new();
    while let Some(event) = stream.next().await {
        if let daytona_client::workflows::ExecEvent::Stdout(bytes) = event.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert_eq!(seen, "streamed\n");
}

#[tokio::test]
async fn recover_and_fork_wait_until_the_sandbox_is_started() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let broken = SandboxSpec {
        source: Some(SandboxSource::Snapshot("broken".into())),
        wait: None,
        ..SandboxSpec::default()
    };
    let mut sandbox = daytona.create(&broken).await.unwrap();
    sandbox.set_wait_options(quick());
    sandbox.wait_until(SandboxState::Error).await.unwrap();
    assert_eq!(sandbox.data().recoverable, Some(true));
    sandbox.recover().await.unwrap();
    assert_eq!(sandbox.state(), Some(&SandboxState::Started));
    // Only a sandbox in `error` can be recovered.
    let refused = sandbox.recover().await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");

    double.put_file(sandbox.id(), "kept.txt", "kept");
    let fork = sandbox.fork(Some("copy")).await.unwrap();
    assert_eq!(
        (fork.name(), fork.state()),
        ("copy", Some(&SandboxState::Started))
    );
    assert_ne!(fork.id(), sandbox.id());
    assert_eq!(
        double.file(fork.id(), "kept.txt").as_deref(),
        Some(&b"kept"[..])
    );
    // Only a started sandbox can be forked.
    sandbox.stop().await.unwrap();
    let refused = sandbox.fork(None).await.unwrap_err();
    assert_eq!(refused.status(), Some(400), "{refused}");
}

#[tokio::test]
async fn set_labels_replaces_them_and_the_handle_keeps_the_answer() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let mut sandbox = seed(&daytona).await;
    let labels = BTreeMap::from([("team".to_string(), "data".to_string())]);
    sandbox.set_labels(labels.clone()).await.unwrap();
    assert_eq!(sandbox.data().labels, labels);
    assert_eq!(sandbox.refresh().await.unwrap().labels, labels);
}

/// Waits a tenth of the double's 300 ms settling time.
fn impatient() -> WaitOptions {
    WaitOptions {
        deadline: Duration::from_millis(30),
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(10),
    }
}

#[tokio::test]
async fn a_new_volume_is_waited_for_until_ready_or_failed_or_the_deadline() {
    let double = Double::start(Settings::default()).await;
    let volumes = daytona(&double);
    let volumes = volumes.volumes();
    let ready = volumes.create("data", &quick()).await.unwrap();
    assert_eq!(ready.state.to_string(), "ready");
    match volumes.create("broken", &quick()).await.unwrap_err() {
        Error::UnexpectedState { state, reason, .. } => {
            assert_eq!(state, "error");
            assert_eq!(reason.as_deref(), Some("no space left for the volume"));
        }
        other => panic!("{other}"),
    }
    match volumes.create("slow", &impatient()).await.unwrap_err() {
        Error::Deadline { what, last, .. } => {
            assert_eq!(what, "volume slow to be ready");
            assert_eq!(last, "pending_create");
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn a_new_snapshot_is_waited_for_until_active_or_failed_or_the_deadline() {
    use daytona_client::api::types::CreateSnapshot;
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let snapshots = daytona.snapshots();
    let create = |name: &str| {
        CreateSnapshot::default()
            .with_name(name.to_string())
            .with_image_name("python:3.12".into())
    };
    let active = snapshots.create(&create("py"), &quick()).await.unwrap();
    assert_eq!(
        (active.name.as_str(), active.state.to_string()),
        ("py", "active".into())
    );
    match snapshots
        .create(&create("broken"), &quick())
        .await
        .unwrap_err()
    {
        Error::UnexpectedState { state, reason, .. } => {
            assert_eq!(state, "build_failed");
            assert_eq!(reason.as_deref(), Some("the image does not build"));
        }
        other => panic!("{other}"),
    }
    match snapshots
        .create(&create("slow"), &impatient())
        .await
        .unwrap_err()
    {
        Error::Deadline { what, last, .. } => {
            assert_eq!(what, "snapshot slow to be active");
            assert_eq!(last, "pending");
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn files_travel_in_bulk_and_terminals_open_through_the_handles() {
    use daytona_client::workflows::{Downloaded, TerminalOptions};
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let sandbox = seed(&daytona).await;
    let fs = sandbox.fs();
    fs.upload_files([
        ("a.txt".to_string(), b"alpha".to_vec().into()),
        ("b.txt".to_string(), b"beta".to_vec().into()),
    ])
    .await
    .unwrap();
    let mut downloads = fs.download_files(&["a.txt", "b.txt"]).await.unwrap();
    let mut seen = Vec::new();
    while let Some(download) = downloads.next().await.unwrap() {
        match download {
            Downloaded::File { path, contents } => {
                seen.push((path, contents.bytes().await.unwrap()));
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        seen,
        [
            ("a.txt".to_string(), "alpha".into()),
            ("b.txt".to_string(), "beta".into())
        ]
    );

    let options = TerminalOptions {
        id: Some("handle-term".into()),
        ..TerminalOptions::default()
    };
    let mut terminal = sandbox.process().open_terminal(&options).await.unwrap();
    assert_eq!(terminal.session_id(), "handle-term");
    assert!(double.has_pty(sandbox.id(), "handle-term"));
    terminal.write("exit 4\n").await.unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(10), terminal.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(exit.code, 4);
}

#[path = "../examples/agent_loop.rs"]
#[allow(dead_code)] // `main` is the example's own.
mod agent_loop;

/// A project folder of its own under the test's temporary directory.
fn project(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn config(double: &Double) -> Config {
    Config::builder()
        .api_key(double::API_KEY)
        .api_url(double.api_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_agent_loop_uploads_runs_live_downloads_and_always_deletes_the_sandbox() {
    let double = Double::start(Settings::default()).await;
    let dir = project(
        "agent-loop-project",
        &[
            ("src/main.py", "print(1)\n"),
            ("report.txt", "ran 2, failed 0\n"),
        ],
    );
    let out = dir.with_extension("out");
    std::fs::create_dir_all(&out).unwrap();
    let args = agent_loop::Args {
        project: Some(dir.clone()),
        command: "echo testing; echo careful >&2; exit 3".into(),
        results: "report.txt".into(),
        out: out.clone(),
        snapshot: None,
        timeout: 30,
    };
    let mut shown = Vec::new();
    let outcome = agent_loop::run(&args, config(&double), &mut shown)
        .await
        .unwrap();
    assert_eq!(outcome.exit_code, 3);
    assert_eq!(
        std::fs::read_to_string(&outcome.results).unwrap(),
        "ran 2, failed 0\n"
    );
    let shown = String::from_utf8(shown).unwrap();
    for line in [
        "uploaded 2 files",
        "testing\n",
        "careful\n",
        "tests exited with 3",
    ] {
        assert!(shown.contains(line), "{line:?} in {shown}");
    }
    let id = shown
        .split_whitespace()
        .nth(1)
        .expect("the first line names the sandbox")
        .to_string();
    assert_eq!(
        double.file(&id, "project/src/main.py").as_deref(),
        Some(&b"print(1)\n"[..])
    );
    let daytona = daytona(&double);
    let gone = daytona.get(&id).await.unwrap();
    assert!(matches!(
        gone.state(),
        Some(SandboxState::Destroying | SandboxState::Destroyed)
    ));

    // A loop that fails (the results were never written) still deletes its sandbox.
    let args = agent_loop::Args {
        results: "missing.xml".into(),
        ..args
    };
    let mut shown = Vec::new();
    let error = agent_loop::run(&args, config(&double), &mut shown)
        .await
        .unwrap_err();
    assert!(
        error.contains("missing.xml") || error.contains("404"),
        "{error}"
    );
    let shown = String::from_utf8(shown).unwrap();
    let id = shown.split_whitespace().nth(1).unwrap().to_string();
    assert!(shown.contains(&format!("sandbox {id} deleted")), "{shown}");
    let gone = daytona.get(&id).await.unwrap();
    assert!(matches!(
        gone.state(),
        Some(SandboxState::Destroying | SandboxState::Destroyed)
    ));
}

#[tokio::test]
async fn a_received_sandbox_serialises_back_to_the_json_it_came_from() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let sandbox = seed(&daytona).await;
    let raw: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/sandbox/{}",
            double.api_url(),
            double::SEED_SANDBOX
        ))
        .bearer_auth(double::API_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut expected = raw.as_object().unwrap().clone();
    // A property newer than the pinned spec, which the model does not hold.
    expected.remove("kvm");
    let serialised = serde_json::to_value(sandbox.data()).unwrap();
    assert_eq!(
        same_json(serialised),
        same_json(serde_json::Value::Object(expected))
    );
}

/// JSON as the API means it: `10080` and `10080.0` are one number (the spec says `number`, so
/// the model holds an `f64`), and an optional property that is `null` is one that is absent
/// (the service sends `errorReason: null`; the model keeps both as `None`).
fn same_json(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.into_iter().map(same_json).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, same_json(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Every generated paginator the double plays, over its pages: each list holds five items and
/// is asked for two a page, so each takes three requests, and returns every item once.
#[tokio::test]
async fn every_paginator_reads_every_page_once() {
    use daytona_client::api::{admin, audit, jobs, sandbox, snapshots};
    use futures_util::StreamExt;
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let client = daytona.client();
    let when: daytona_client::runtime::DateTime = "2026-06-23T12:00:00Z".parse().unwrap();
    // The ids (or names) of every item a paginator yields, and the requests it made.
    async fn read<T, S>(pages: S, id: fn(&T) -> String, double: &Double) -> (Vec<String>, usize)
    where
        S: futures_util::Stream<Item = Result<T, Error>>,
    {
        double.take_recorded();
        let items: Vec<T> = pages.map(Result::unwrap).collect().await;
        (items.iter().map(id).collect(), double.take_recorded().len())
    }
    let expect = |prefix: &str| -> Vec<String> {
        (1..=double::LISTED)
            .map(|n| format!("{prefix}{n}"))
            .collect()
    };

    let (ids, requests) = read(
        jobs::list_jobs_pages(client, &jobs::ListJobsParams::default().with_limit(2.0)),
        |job| job.id.clone(),
        &double,
    )
    .await;
    assert_eq!((ids, requests), (expect("job-"), 3));

    let (ids, requests) = read(
        sandbox::get_sandbox_logs_pages(
            client,
            double::SEED_SANDBOX,
            &when,
            &when,
            &sandbox::GetSandboxLogsParams::default().with_limit(2.0),
        ),
        |log| log.body.clone(),
        &double,
    )
    .await;
    assert_eq!((ids, requests), (expect("line "), 3));

    let (ids, requests) = read(
        sandbox::get_sandbox_traces_pages(
            client,
            double::SEED_SANDBOX,
            &when,
            &when,
            &sandbox::GetSandboxTracesParams::default().with_limit(2.0),
        ),
        |trace| trace.trace_id.clone(),
        &double,
    )
    .await;
    assert_eq!((ids, requests), (expect("trace-"), 3));

    // The audit logs: pages 1 and 2 by number, then the token the second answer carries.
    let (ids, requests) = read(
        audit::get_organization_audit_logs_pages(
            client,
            double::ORGANIZATION,
            &audit::GetOrganizationAuditLogsParams::default().with_limit(2.0),
        ),
        |log| log.id.clone(),
        &double,
    )
    .await;
    assert_eq!((ids, requests), (expect("audit-"), 3));
    double.take_recorded();
    let ids: Vec<String> = admin::admin_get_all_audit_logs_pages(
        client,
        &admin::AdminGetAllAuditLogsParams::default().with_limit(2.0),
    )
    .map(|log| log.unwrap().id)
    .collect()
    .await;
    assert_eq!(ids, expect("audit-"));
    // The third request follows the token and sends no page of its own.
    let recorded = double.recorded();
    assert_eq!(
        sent(&double, "/api/admin/audit", "nextToken"),
        [None, None, Some("4".to_string())]
    );
    let pages = query_values(&recorded, "/api/admin/audit", "page");
    assert_eq!(pages, [None, Some("2".to_string()), None]);

    #[allow(deprecated)]
    let (ids, requests) = read(
        sandbox::list_sandboxes_paginated_deprecated_pages(
            client,
            &sandbox::ListSandboxesPaginatedDeprecatedParams::default().with_limit(2.0),
        ),
        |s| s.id.clone(),
        &double,
    )
    .await;
    assert_eq!((ids.len(), requests), (double::LISTED, 3));

    // And the two the other tests read: sandboxes by cursor, snapshots by number.
    let (ids, requests) = read(
        sandbox::list_sandboxes_pages(client, &ListSandboxesParams::default().with_limit(2.0)),
        |s| s.id.clone(),
        &double,
    )
    .await;
    assert_eq!((ids.len(), requests), (3, 2));
    let (ids, requests) = read(
        snapshots::get_all_snapshots_pages(
            client,
            &GetAllSnapshotsParams::default().with_limit(2.0),
        ),
        |s| s.name.clone(),
        &double,
    )
    .await;
    assert_eq!((ids.len(), requests), (double::SNAPSHOTS, 3));
}

/// Every waiter of the sandbox handle, each to its three ends: the state it waits for; a
/// sandbox that ends in `error` instead (the double fails the action for a sandbox labelled
/// `fails: <action>`), an `Error::UnexpectedState` with the reason; and its deadline, an
/// `Error::Deadline` naming the state it last saw.
#[tokio::test]
async fn every_waiter_ends_in_its_state_an_error_state_or_its_deadline() {
    let settings = Settings {
        start_after: Duration::from_millis(120),
        ..Settings::default()
    };
    let double = Double::start(settings).await;
    let daytona = daytona(&double);
    for action in ["start", "stop", "archive", "resize", "recover", "fork"] {
        for end in ["state", "error", "deadline"] {
            let at = format!("{action}, {end}");
            let labels = match end {
                "error" => BTreeMap::from([("fails".to_string(), action.to_string())]),
                _ => BTreeMap::new(),
            };
            let spec = SandboxSpec {
                labels,
                source: (action == "recover").then(|| SandboxSource::Snapshot("broken".into())),
                wait: None,
                ..SandboxSpec::default()
            };
            let mut sandbox = daytona.create(&spec).await.unwrap();
            sandbox.set_wait_options(quick());
            // Where the action starts from: stopped to start or archive, in error to recover.
            match action {
                "start" | "archive" => {
                    sandbox.wait_until_started().await.unwrap();
                    sandbox.stop().await.unwrap();
                }
                "recover" => sandbox.wait_until(SandboxState::Error).await.unwrap(),
                _ => sandbox.wait_until_started().await.unwrap(),
            }
            if end == "deadline" {
                sandbox.set_wait_options(impatient());
            }
            let outcome = match action {
                "start" => sandbox.start().await,
                "stop" => sandbox.stop().await,
                "archive" => sandbox.archive().await,
                "resize" => sandbox.resize(&ResizeSandbox::default().with_cpu(2)).await,
                "recover" => sandbox.recover().await,
                _ => sandbox.fork(None).await.map(drop),
            };
            match (end, outcome) {
                ("state", Ok(())) => {
                    let expected = match action {
                        "stop" => SandboxState::Stopped,
                        "archive" => SandboxState::Archived,
                        _ => SandboxState::Started,
                    };
                    assert_eq!(sandbox.state(), Some(&expected), "{at}");
                }
                ("error", Err(Error::UnexpectedState { state, reason, .. })) => {
                    assert_eq!(state, "error", "{at}");
                    let expected = format!("the runner failed to {action}");
                    assert_eq!(reason.as_deref(), Some(expected.as_str()), "{at}");
                }
                ("deadline", Err(Error::Deadline { waited, .. })) => {
                    assert!(waited < Duration::from_secs(1), "{at}: {waited:?}");
                }
                (_, other) => panic!("{at}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn create_waits_to_its_deadline_and_handles_give_their_data_up() {
    let double = Double::start(Settings::default()).await;
    let daytona = daytona(&double);
    let spec = SandboxSpec {
        wait: Some(impatient()),
        ..SandboxSpec::default()
    };
    match daytona.create(&spec).await.unwrap_err() {
        Error::Deadline { what, last, .. } => {
            assert!(what.ends_with("to be started"), "{what}");
            assert!(["creating", "starting"].contains(&last.as_str()), "{last}");
        }
        other => panic!("{other}"),
    }
    let sandbox = seed(&daytona).await;
    let data = sandbox.data().clone();
    assert_eq!(sandbox.into_data(), data);
}

#[test]
fn from_env_reads_the_daytona_variables() {
    // Whatever this process's environment holds: a handle when it names credentials, else the
    // configuration error that names the variables to set.
    let has_key = std::env::var_os("DAYTONA_API_KEY").is_some()
        || std::env::var_os("DAYTONA_JWT_TOKEN").is_some();
    match Daytona::from_env() {
        Ok(daytona) => assert!(has_key, "{daytona:?}"),
        Err(Error::Config(message)) => {
            assert!(!has_key, "{message}");
            assert!(message.contains("DAYTONA_API_KEY"), "{message}");
        }
        Err(other) => panic!("{other}"),
    }
}
