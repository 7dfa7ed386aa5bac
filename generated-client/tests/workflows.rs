//! The workflows against an in-process server that plays realistic state sequences.

use daytona_client::api::types::{Permission, SandboxState};
use daytona_client::workflows::{self, EphemeralKeyRequest, ExecRequest, WaitOptions};
use daytona_client::{Client, Error};
use daytona_client::{Config, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .api_key("dtn_workflow_key")
        .api_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

fn sandbox(state: &str, toolbox: &str) -> serde_json::Value {
    serde_json::json!({
        "id": "sb-1", "organizationId": "org", "name": "box", "user": "daytona",
        "env": {}, "labels": {}, "public": false, "networkBlockAll": false,
        "target": "eu", "cpu": 1, "gpu": 0, "memory": 1, "disk": 3,
        "state": state, "errorReason": if state == "error" { "out of capacity" } else { "" },
        "toolboxProxyUrl": toolbox
    })
}

fn fast() -> WaitOptions {
    WaitOptions {
        deadline: Duration::from_secs(5),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
    }
}

/// Answers `GET /sandbox/sb-1` with `states` in turn, then the last one forever.
async fn play_states(server: &MockServer, states: &[&str]) {
    for (i, state) in states.iter().enumerate() {
        let last = i + 1 == states.len();
        let mock = Mock::given(method("GET"))
            .and(path("/sandbox/sb-1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(sandbox(state, "http://x")))
            .with_priority(u8::try_from(i + 1).unwrap());
        let mock = if last { mock } else { mock.up_to_n_times(1) };
        mock.mount(server).await;
    }
}

#[tokio::test]
async fn waits_through_creating_until_started() {
    let server = MockServer::start().await;
    play_states(&server, &["creating", "creating", "starting", "started"]).await;
    let started =
        workflows::wait_for_state(&client(&server), "sb-1", SandboxState::Started, &fast())
            .await
            .unwrap();
    assert_eq!(started.state, Some(SandboxState::Started));
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn an_error_state_is_an_error_with_the_reason() {
    let server = MockServer::start().await;
    play_states(&server, &["started", "error"]).await;
    let error = workflows::wait_for_state(&client(&server), "sb-1", SandboxState::Stopped, &fast())
        .await
        .unwrap_err();
    let Error::UnexpectedState { state, reason, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(state, "error");
    assert_eq!(reason.as_deref(), Some("out of capacity"));
    assert_eq!(error.to_string(), "sandbox sb-1 is error: out of capacity");
}

#[tokio::test]
async fn a_sandbox_that_never_starts_hits_the_deadline() {
    let server = MockServer::start().await;
    play_states(&server, &["creating"]).await;
    let options = WaitOptions {
        deadline: Duration::from_millis(200),
        ..fast()
    };
    let started = std::time::Instant::now();
    let error =
        workflows::wait_for_state(&client(&server), "sb-1", SandboxState::Started, &options)
            .await
            .unwrap_err();
    assert!(
        matches!(&error, Error::Deadline { last, .. } if last == "creating"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    let polls = server.received_requests().await.unwrap().len();
    assert!((3..=40).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn exec_runs_in_a_session_of_the_sandbox_toolbox() {
    let server = MockServer::start().await;
    let toolbox = format!("{}/toolbox", server.uri());
    Mock::given(method("POST"))
        .and(path("/toolbox/sb-1/process/session"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(
            r"^/toolbox/sb-1/process/session/exec-[0-9a-f]+/exec$",
        ))
        .respond_with(|request: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(
                body["command"],
                "cd '/work' && export NAME='world' && echo hello $NAME"
            );
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "cmdId": "c1", "exitCode": 0, "stdout": "hello world\n", "stderr": ""
            }))
        })
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex(
            r"^/toolbox/sb-1/process/session/exec-[0-9a-f]+$",
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sandbox = serde_json::from_value(sandbox("started", &toolbox)).unwrap();
    let mut request = ExecRequest::new("echo hello $NAME");
    request.cwd = Some("/work".into());
    request.env.insert("NAME".into(), "world".into());
    let output = workflows::exec(&client(&server), &sandbox, &request)
        .await
        .unwrap();
    assert_eq!(output.exit_code, Some(0));
    assert_eq!(output.stdout, "hello world\n");
    assert_eq!(output.stderr, "");
}

#[tokio::test]
async fn exec_on_a_stopped_sandbox_is_an_error_without_a_request() {
    let server = MockServer::start().await;
    let sandbox = serde_json::from_value(sandbox("stopped", &server.uri())).unwrap();
    let error = workflows::exec(&client(&server), &sandbox, &ExecRequest::new("true"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedState { state, .. } if state == "stopped"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A server that creates keys (echoing name and expiry) and records deletions.
async fn key_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api-keys"))
        .respond_with(|request: &Request| {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            ResponseTemplate::new(201).set_body_json(serde_json::json!({
                "name": body["name"], "value": "dtn_ephemeral_secret_value",
                "createdAt": "2026-01-01T00:00:00Z", "permissions": body["permissions"],
                "expiresAt": body["expiresAt"]
            }))
        })
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path_regex(r"^/api-keys/ci-[0-9a-f]+$"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

async fn deletions(server: &MockServer) -> usize {
    let requests = server.received_requests().await.unwrap();
    requests
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .count()
}

#[tokio::test]
async fn ephemeral_keys_expire_after_their_ttl_and_are_redacted() {
    let server = key_server().await;
    let request = EphemeralKeyRequest::new("ci", &[Permission::WriteSandboxes]);
    let before = chrono::Utc::now();
    let key = workflows::create_ephemeral_key(&client(&server), &request)
        .await
        .unwrap();
    let ttl = key.expires_at - before;
    assert!(
        ttl >= chrono::Duration::seconds(599) && ttl <= chrono::Duration::seconds(601),
        "default TTL is 10 minutes, got {ttl}"
    );
    assert!(key.name.starts_with("ci-"));
    assert_eq!(key.permissions, [Permission::WriteSandboxes]);
    assert_eq!(key.key.expose(), "dtn_ephemeral_secret_value");
    assert!(!format!("{key:?}").contains("dtn_ephemeral_secret_value"));
}

#[tokio::test]
async fn a_ttl_out_of_bounds_is_refused_before_any_request() {
    let server = key_server().await;
    for ttl in [Duration::from_secs(30), Duration::from_secs(25 * 3600)] {
        let request = EphemeralKeyRequest {
            ttl,
            ..EphemeralKeyRequest::new("ci", &[Permission::ReadVolumes])
        };
        let error = workflows::create_ephemeral_key(&client(&server), &request)
            .await
            .unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_scoped_key_is_revoked_after_success_failure_and_panic() {
    let server = key_server().await;
    let client = client(&server);
    let request = EphemeralKeyRequest::new("ci", &[Permission::WriteSandboxes]);

    let value: Result<u32, Error> =
        workflows::with_ephemeral_key(&client, &request, |_key| async { Ok(7) }).await;
    assert_eq!(value.unwrap(), 7);
    assert_eq!(deletions(&server).await, 1, "revoked after success");

    let failed: Result<(), Error> =
        workflows::with_ephemeral_key(&client, &request, |_key| async {
            Err(Error::InvalidArgument("the work failed".into()))
        })
        .await;
    assert_eq!(
        failed.unwrap_err().to_string(),
        "invalid argument: the work failed"
    );
    assert_eq!(deletions(&server).await, 2, "revoked after failure");

    let panicked = tokio::spawn(async move {
        let _: Result<(), Error> =
            workflows::with_ephemeral_key(&client, &request, |_key| async { panic!("boom") }).await;
    })
    .await;
    assert!(panicked.unwrap_err().is_panic(), "the panic goes on");
    assert_eq!(deletions(&server).await, 3, "revoked after a panic");
}
