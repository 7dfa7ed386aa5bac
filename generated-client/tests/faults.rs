//! The runtime under faults, against in-process servers on 127.0.0.1: each test asserts the
//! outcome and the number of attempts.

use daytona_client::runtime::TransportKind;
use daytona_client::{api, toolbox, Client, Error};
use daytona_client::{Config, RetryPolicy};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "dtn_fault_key_9876543210";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_secs(2),
        max_elapsed: Duration::from_secs(10),
        retry_non_idempotent: false,
    }
}

fn client_for(url: &str, retry: RetryPolicy, timeout: Duration) -> Client {
    let config = Config::builder()
        .api_key(KEY)
        .api_url(url)
        .retry(retry)
        .timeout(timeout)
        .build()
        .unwrap();
    Client::new(config).unwrap()
}

fn client(server: &MockServer) -> Client {
    client_for(&server.uri(), fast_retries(), Duration::from_secs(5))
}

fn config_json() -> serde_json::Value {
    serde_json::json!({
        "version": "1", "linkedAccountsEnabled": false, "announcements": {},
        "pylonAppId": "p", "proxyTemplateUrl": "t", "proxyToolboxUrl": "u",
        "defaultSnapshot": "s", "dashboardUrl": "d", "maxAutoArchiveInterval": 1,
        "maintananceMode": false, "environment": "test", "billingApiUrl": "b",
        "oidc": {"issuer": "i", "clientId": "c", "audience": "a"}
    })
}

async fn attempts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(config_json()))
        .mount(&server)
        .await;
    let started = Instant::now();
    let config = api::config::get_config(&client(&server)).await.unwrap();
    assert_eq!(config.version, "1");
    assert_eq!(attempts(&server).await, 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}, Retry-After said 1 s",
        started.elapsed()
    );
}

#[tokio::test]
async fn unavailable_then_ok_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(config_json()))
        .mount(&server)
        .await;
    api::config::get_config(&client(&server)).await.unwrap();
    assert_eq!(attempts(&server).await, 2);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let error = api::config::get_config(&client(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert_eq!(attempts(&server).await, 3);
}

#[tokio::test]
async fn post_is_not_retried_unless_the_caller_opts_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let body = api::types::CreateOrganization::default()
        .with_name("acme".into())
        .with_default_region_id("eu".into());
    let error = api::organizations::create_organization(&client(&server), &body)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(attempts(&server).await, 1, "POST is not retried by default");

    let opted_in = RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retries()
    };
    let client = client_for(&server.uri(), opted_in, Duration::from_secs(5));
    api::organizations::create_organization(&client, &body)
        .await
        .unwrap_err();
    assert_eq!(attempts(&server).await, 1 + 3, "opted in: three attempts");
}

#[tokio::test]
async fn reset_connections_are_retried_then_reported() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let server = tokio::spawn(async move {
        // Accepts as many connections as come (up to a bound far above the policy's three), so
        // a client that tried a fourth time would be seen doing it, not refused.
        for _ in 0..20 {
            let Ok((socket, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            // Linger 0 makes the close a TCP reset.
            #[allow(deprecated)] // fine here: a zero linger never blocks
            socket.set_linger(Some(Duration::ZERO)).unwrap();
            drop(socket);
        }
    });
    let client = client_for(&url, fast_retries(), Duration::from_secs(5));
    let error = api::config::get_config(&client).await.unwrap_err();
    let Error::Transport { kind, .. } = &error else {
        panic!("{error}")
    };
    assert_ne!(*kind, TransportKind::Timeout);
    // A fourth attempt, had there been one, would have been accepted by now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 3);
    server.abort();
}

#[tokio::test]
async fn a_slow_response_hits_the_timeout_and_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(config_json())
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = client_for(&server.uri(), fast_retries(), Duration::from_millis(300));
    let started = Instant::now();
    let error = api::config::get_config(&client).await.unwrap_err();
    let Error::Transport { kind, .. } = &error else {
        panic!("{error}")
    };
    assert_eq!(*kind, TransportKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(attempts(&server).await, 1);
    assert!(error.to_string().contains("timed out"), "{error}");
}

#[tokio::test]
async fn invalid_json_is_a_decode_error_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{not json"))
        .mount(&server)
        .await;
    let error = api::config::get_config(&client(&server)).await.unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 200, .. }),
        "{error}"
    );
    assert_eq!(attempts(&server).await, 1);
}

#[tokio::test]
async fn unauthorized_is_an_api_error_without_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("{\"message\":\"Unauthorized\"}"))
        .mount(&server)
        .await;
    let error = api::config::get_config(&client(&server)).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(attempts(&server).await, 1);
    assert!(!error.to_string().contains(KEY));
}

#[tokio::test]
async fn declared_error_bodies_are_decoded_into_their_model() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(serde_json::json!({"error": "no recording"})),
        )
        .mount(&server)
        .await;
    let error = toolbox::computer_use::delete_recording(&client(&server), "r1")
        .await
        .unwrap_err();
    let Error::Api(api_error) = &error else {
        panic!("{error}")
    };
    let model = api_error
        .model::<std::collections::BTreeMap<String, String>>()
        .expect("the spec declares a map for 404");
    assert_eq!(model["error"], "no recording");
}

#[tokio::test]
async fn unknown_fields_and_enum_values_decode() {
    let server = MockServer::start().await;
    let mut body = config_json();
    body["someFutureField"] = serde_json::json!({"nested": true});
    let role = serde_json::json!([{
        "id": "r", "name": "n", "description": "d", "isGlobal": false,
        "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "2024-01-01T00:00:00Z",
        "permissions": ["write:sandboxes", "launch:rockets"]
    }]);
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/config"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/organizations/o/roles"))
        .respond_with(ResponseTemplate::new(200).set_body_json(role))
        .mount(&server)
        .await;
    api::config::get_config(&client(&server)).await.unwrap();
    let roles = api::organizations::list_organization_roles(&client(&server), "o")
        .await
        .unwrap();
    use api::types::Permission;
    assert_eq!(
        roles[0].permissions,
        [
            Permission::WriteSandboxes,
            Permission::Unknown("launch:rockets".into())
        ]
    );
    let encoded = serde_json::to_value(&roles[0].permissions).unwrap();
    assert_eq!(
        encoded,
        serde_json::json!(["write:sandboxes", "launch:rockets"])
    );
}

/// Answers the first request with 429 and `Retry-After: 1`, every other with the configuration,
/// and notes when each arrived (in the list it shares with the test).
struct Storm(Arc<std::sync::Mutex<Vec<Instant>>>);

impl wiremock::Respond for Storm {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut arrivals = self.0.lock().unwrap();
        arrivals.push(Instant::now());
        if arrivals.len() == 1 {
            ResponseTemplate::new(429).insert_header("Retry-After", "1")
        } else {
            ResponseTemplate::new(200).set_body_json(config_json())
        }
    }
}

/// What the README promises: while a server's `Retry-After` runs, it sees no request from this
/// client that was not already on its way when the 429 was sent; at most one per caller in
/// flight.
#[tokio::test]
async fn a_retry_after_holds_off_every_request_of_the_client() {
    const CALLERS: usize = 20;
    const EACH: usize = 5;
    let server = MockServer::start().await;
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .respond_with(Storm(Arc::clone(&arrivals)))
        .mount(&server)
        .await;
    let client = client(&server);
    let started = Instant::now();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..EACH {
                    api::config::get_config(&client).await.unwrap();
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    let arrivals = arrivals.lock().unwrap().clone();
    // Every call succeeded, the first after one retry.
    assert_eq!(arrivals.len(), CALLERS * EACH + 1);
    let limited = arrivals[0];
    let during = arrivals
        .iter()
        .skip(1)
        .filter(|at| **at < limited + Duration::from_millis(900))
        .count();
    println!(
        "{during} requests arrived during the Retry-After; all {} calls took {:?}",
        CALLERS * EACH,
        started.elapsed()
    );
    assert!(
        during < CALLERS,
        "{during} requests arrived during the Retry-After (at most the {} others in flight)",
        CALLERS - 1
    );
}

/// Each answer's error says what it is, the client retried exactly those `is_retryable` calls
/// retryable, and the request id comes from the answer.
#[tokio::test]
async fn errors_say_what_they_are_and_retries_follow_is_retryable() {
    for (status, attempts_expected) in [(404, 1), (409, 1), (401, 1), (429, 3), (503, 3), (500, 1)]
    {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("X-Request-Id", format!("req-{status}").as_str()),
            )
            .mount(&server)
            .await;
        let error = api::config::get_config(&client(&server)).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.is_not_found(), status == 404, "{status}");
        assert_eq!(error.is_conflict(), status == 409, "{status}");
        assert_eq!(error.is_unauthorized(), status == 401, "{status}");
        assert_eq!(error.is_rate_limited(), status == 429, "{status}");
        assert_eq!(error.is_server_error(), status >= 500, "{status}");
        assert_eq!(error.is_retryable(), attempts_expected > 1, "{status}");
        assert_eq!(attempts(&server).await, attempts_expected, "{status}");
        assert_eq!(error.request_id(), Some(format!("req-{status}").as_str()));
        let api_error = error.api().unwrap();
        assert_eq!(api_error.header("x-request-id"), error.request_id());
    }
    // No answer at all: a refused connection is retried, and is no status's error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let error = api::config::get_config(&client_for(&url, fast_retries(), Duration::from_secs(5)))
        .await
        .unwrap_err();
    assert!(error.is_retryable() && !error.is_not_found() && error.status().is_none());
}

#[tokio::test]
async fn a_success_comes_with_its_status_and_headers_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(config_json())
                .insert_header("ETag", "\"v7\"")
                .insert_header("Set-Cookie", "session=secret-cookie-value"),
        )
        .mount(&server)
        .await;
    let answer = api::config::get_config(&client(&server))
        .with_response()
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.headers["etag"], "\"v7\"");
    assert_eq!(answer.value.version, "1");
    let shown = format!("{answer:?}");
    assert!(
        shown.contains("v7") && !shown.contains("secret-cookie-value"),
        "{shown}"
    );
}
