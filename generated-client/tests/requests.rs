//! Generated functions against an in-process HTTP server: what goes on the wire, and what
//! comes back as errors.

#![allow(deprecated)] // the multipart uploads of the main API are deprecated operations

use daytona_client::runtime::Binary;
use daytona_client::{api, toolbox, Client, Error};
use daytona_client::{Config, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "dtn_test_key_0123456789";

fn client(server: &MockServer) -> Client {
    let config = Config::builder()
        .api_key(KEY)
        .api_url(server.uri())
        .organization_id("org-from-config")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

fn sandbox_json(id: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id, "organizationId": "org", "name": "box", "user": "daytona",
        "env": {}, "labels": {}, "public": false, "networkBlockAll": false,
        "target": "eu", "cpu": 2, "gpu": 0, "memory": 4, "disk": 10,
        "state": "started", "toolboxProxyUrl": "https://proxy.example/toolbox"
    })
}

#[tokio::test]
async fn path_query_auth_and_organization_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sandbox/my%20box%2F1"))
        .and(query_param("verbose", "true"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("x-daytona-organization-id", "org-from-config"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("abc")))
        .expect(1)
        .mount(&server)
        .await;
    let params = api::sandbox::GetSandboxParams::default().with_verbose(true);
    let sandbox = api::sandbox::get_sandbox(&client(&server), "my box/1", &params)
        .await
        .unwrap();
    assert_eq!(sandbox.id, "abc");
    assert_eq!(sandbox.state.as_ref().map(|s| s.as_str()), Some("started"));
}

#[tokio::test]
async fn an_explicit_organization_header_wins_over_the_configured_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sandbox/x"))
        .and(header("x-daytona-organization-id", "org-explicit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("x")))
        .expect(1)
        .mount(&server)
        .await;
    let params = api::sandbox::GetSandboxParams::default()
        .with_x_daytona_organization_id("org-explicit".into());
    api::sandbox::get_sandbox(&client(&server), "x", &params)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let values: Vec<_> = requests[0]
        .headers
        .get_all("x-daytona-organization-id")
        .iter()
        .collect();
    assert_eq!(values.len(), 1, "the header is sent once");
}

/// The parts of a multipart body: (name, file name, content).
fn parts(body: &[u8], content_type: &str) -> Vec<(String, Option<String>, String)> {
    let boundary = content_type.split("boundary=").nth(1).expect("a boundary");
    let text = String::from_utf8_lossy(body);
    text.split(&format!("--{boundary}"))
        .filter_map(|part| {
            let (head, content) = part.split_once("\r\n\r\n")?;
            let disposition = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
            let field = |key: &str| {
                disposition
                    .split(&format!("{key}=\""))
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .map(str::to_string)
            };
            let content = content.trim_end_matches("\r\n").to_string();
            Some((field("name")?, field("filename"), content))
        })
        .collect()
}

fn content_type(request: &wiremock::Request) -> &str {
    request
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
}

#[tokio::test]
async fn bulk_upload_sends_every_file_with_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/toolbox/sb-1/toolbox/files/bulk-upload"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let files = [
        api::types::UploadFile::new(
            Binary::new("hello").with_file_name("a.txt"),
            "/work/a.txt".into(),
        ),
        api::types::UploadFile::new(Binary::new(vec![0u8, 1, 2]), "/work/b.bin".into()),
    ];
    api::toolbox::upload_files_deprecated(&client(&server), "sb-1", &files, &Default::default())
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(content_type(request).starts_with("multipart/form-data"));
    let parts = parts(&request.body, content_type(request));
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    // Each file's path before its contents: the daemon reads the form as a stream.
    assert_eq!(
        names,
        [
            "files[0].path",
            "files[0].file",
            "files[1].path",
            "files[1].file"
        ]
    );
    assert_eq!(parts[0].2, "/work/a.txt");
    assert_eq!(parts[1].1.as_deref(), Some("a.txt"));
    assert_eq!(parts[1].2, "hello");
    assert_eq!(parts[2].2, "/work/b.bin");
    assert_eq!(
        parts[3].1.as_deref(),
        Some("file"),
        "a file part always has a file name"
    );
}

#[tokio::test]
async fn toolbox_uploads_send_files_not_an_empty_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let toolbox_client = client(&server);
    let one = toolbox::types::UploadFileRequest::new(Binary::new("single").with_file_name("s.txt"));
    toolbox::file_system::upload_file(&toolbox_client, "/tmp/s.txt", &one)
        .await
        .unwrap();
    let many = [toolbox::types::UploadFile::new(
        Binary::new("x"),
        "/tmp/x".into(),
    )];
    toolbox::file_system::upload_files(&toolbox_client, &many)
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/files/upload");
    assert_eq!(requests[0].url.query(), Some("path=%2Ftmp%2Fs.txt"));
    let single = parts(&requests[0].body, content_type(&requests[0]));
    assert_eq!(
        single,
        [(
            "file".to_string(),
            Some("s.txt".to_string()),
            "single".to_string()
        )]
    );
    let bulk: Vec<String> = parts(&requests[1].body, content_type(&requests[1]))
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(bulk, ["files[0].path", "files[0].file"]);
}

#[tokio::test]
async fn wildcard_bodies_are_sent_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/init"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({"token": "t0k"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"status": "ok"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = toolbox::types::InitializeRequest::default().with_token("t0k".into());
    let answer = toolbox::server::initialize(&client(&server), &body)
        .await
        .unwrap();
    assert_eq!(answer.get("status").map(String::as_str), Some("ok"));
}

#[tokio::test]
async fn non_success_statuses_are_api_errors_with_operation_and_body() {
    let server = MockServer::start().await;
    // The body also echoes the bearer token, as a careless server or proxy might.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_string(format!(
            "{{\"message\":\"no such sandbox\",\"auth\":\"Bearer {KEY}\"}}"
        )))
        .mount(&server)
        .await;
    let error = api::sandbox::get_sandbox(&client(&server), "gone", &Default::default())
        .await
        .unwrap_err();
    let Error::Api(api_error) = &error else {
        panic!("{error}")
    };
    assert_eq!(api_error.status, 404);
    assert_eq!(api_error.operation, "getSandbox");
    assert_eq!(api_error.path, "/sandbox/gone");
    assert_eq!(api_error.json().unwrap()["message"], "no such sandbox");
    assert_eq!(
        error.to_string(),
        "getSandbox (GET /sandbox/gone) failed with status 404: {\"message\":\"no such sandbox\",\"auth\":\"Bearer [redacted]\"}"
    );
    assert!(!format!("{error:?}").contains(KEY));
}

#[tokio::test]
async fn decode_errors_name_the_field() {
    let server = MockServer::start().await;
    let mut broken = sandbox_json("x");
    broken["cpu"] = serde_json::json!("two");
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(broken))
        .mount(&server)
        .await;
    let error = api::sandbox::get_sandbox(&client(&server), "x", &Default::default())
        .await
        .unwrap_err();
    let Error::Decode { json_path, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(json_path, "cpu");
}

#[tokio::test]
async fn an_operation_is_a_spawnable_future_that_sends_when_polled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sandbox/x"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("x")))
        .mount(&server)
        .await;
    let client = client(&server);
    let call = api::sandbox::get_sandbox(&client, "x", &Default::default());
    drop(client); // the future holds its own handle to the client
    assert!(server.received_requests().await.unwrap().is_empty());
    let sandbox = tokio::spawn(call).await.unwrap().unwrap();
    assert_eq!(sandbox.id, "x");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_finished_call_polled_again_is_an_error_not_a_panic() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("x")))
        .mount(&server)
        .await;
    let mut call = api::sandbox::get_sandbox(&client(&server), "x", &Default::default());
    assert!((&mut call).await.is_ok());
    let again = (&mut call).await.unwrap_err();
    assert!(matches!(again, Error::InvalidArgument(_)), "{again}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_call_that_could_not_be_built_fails_without_sending() {
    let failed = daytona_client::runtime::Call::<()>::failed(Error::InvalidArgument("no".into()));
    assert_eq!(format!("{failed:?}"), "Call(InvalidArgument(\"no\"))");
    let error = failed.await.unwrap_err();
    assert_eq!(error.to_string(), "invalid argument: no");
}

#[tokio::test]
async fn https_urls_speak_tls() {
    // A plain TCP listener sees what the client sends first: for https, a TLS ClientHello
    // (record type 0x16, version 3.x), which shows the rustls stack is in the build.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buffer = [0u8; 3];
        socket.read_exact(&mut buffer).await.unwrap();
        buffer
    });
    let config = Config::builder()
        .api_key(KEY)
        .api_url(format!("https://127.0.0.1:{port}"))
        .timeout(Duration::from_secs(2))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let error = api::config::get_config(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    let bytes = first_bytes.await.unwrap();
    assert_eq!(bytes[0], 0x16, "a TLS handshake record");
    assert_eq!(bytes[1], 0x03, "TLS major version 3");
}

#[tokio::test]
async fn a_redirect_is_an_error_naming_the_location_and_nothing_is_sent_there() {
    for status in [301, 302, 303, 307, 308] {
        let server = MockServer::start().await;
        let elsewhere = MockServer::start().await;
        let location = format!("{}/login?next=%2Fapi-keys", elsewhere.uri());
        Mock::given(method("POST"))
            .and(path("/api-keys"))
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let body = api::types::CreateApiKey::default()
            .with_name("ci".into())
            .with_permissions(vec![api::types::Permission::WriteSandboxes]);
        let error = api::api_keys::create_api_key(&client(&server), &body, &Default::default())
            .await
            .unwrap_err();
        let Error::Redirect {
            status: got,
            location: Some(got_location),
            operation,
            ..
        } = &error
        else {
            panic!("{status}: {error}")
        };
        assert_eq!(
            (*got, got_location.as_str(), *operation),
            (status, location.as_str(), "createApiKey")
        );
        assert_eq!(
            error.to_string(),
            format!("createApiKey (POST /api-keys) was redirected with status {status} to {location}; redirects are not followed")
        );
        assert_eq!(error.status(), Some(status));
        let followed = elsewhere.received_requests().await.unwrap();
        assert!(
            followed.is_empty(),
            "{status}: the body went to {followed:?}"
        );
    }
}

#[tokio::test]
async fn a_call_can_set_its_own_timeout_headers_and_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/sandbox/slow"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(sandbox_json("slow"))
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/sandbox/busy"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let config = Config::builder()
        .api_key(KEY)
        .api_url(server.uri())
        .timeout(Duration::from_millis(500))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let none = Default::default();

    // The client's timeout applies unless the call sets its own.
    let error = api::sandbox::get_sandbox(&client, "slow", &none)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    let sandbox = api::sandbox::get_sandbox(&client, "slow", &none)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(sandbox.id, "slow");

    // A header of the call's replaces the client's and the operation's own.
    api::sandbox::get_sandbox(&client, "slow", &none)
        .timeout(Duration::from_secs(5))
        .header("X-Daytona-Organization-ID", "org-of-this-call")
        .header("x-trace", "42")
        .await
        .unwrap();
    let last = server.received_requests().await.unwrap().pop().unwrap();
    let values = |name: &str| -> Vec<&str> {
        last.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(values("x-daytona-organization-id"), ["org-of-this-call"]);
    assert_eq!(values("x-trace"), ["42"]);

    // Retries follow the call's policy; the client's says none.
    let before = server.received_requests().await.unwrap().len();
    let policy = RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let error = api::sandbox::get_sandbox(&client, "busy", &none)
        .retry(policy)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    let attempts = server.received_requests().await.unwrap().len() - before;
    assert_eq!(attempts, 3);

    // A header that cannot be sent fails the call before anything is sent.
    let before = server.received_requests().await.unwrap().len();
    let error = api::sandbox::get_sandbox(&client, "slow", &none)
        .header("bad name", "x")
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidArgument(m) if m.contains("bad name")),
        "{error}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

#[tokio::test]
async fn every_request_names_the_client_unless_configured_otherwise() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("x")))
        .mount(&server)
        .await;
    api::sandbox::get_sandbox(&client(&server), "x", &Default::default())
        .await
        .unwrap();
    let config = Config::builder()
        .api_key(KEY)
        .api_url(server.uri())
        .default_header("X-Daytona-Source", "my-agent")
        .build()
        .unwrap();
    api::sandbox::get_sandbox(&Client::new(config).unwrap(), "x", &Default::default())
        .await
        .unwrap();
    let sources: Vec<Vec<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.headers
                .get_all("x-daytona-source")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(sources, [vec!["daytona-client-rust"], vec!["my-agent"]]);
}
