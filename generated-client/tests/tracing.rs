//! Each request is a `tracing` span with the operation id, attempt and status, and the key is
//! never in it.

use daytona_client::{api, Client};
use daytona_client::{Config, RetryPolicy};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "dtn_traced_key_5f4e3d2c1b";

/// A writer that keeps everything the subscriber prints.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn requests_are_spans_with_operation_attempt_and_status() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let retry = RetryPolicy {
        max_attempts: 2,
        initial_backoff: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    let config = Config::builder()
        .api_key(KEY)
        .api_url(server.uri())
        .retry(retry)
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    api::config::get_config(&client).await.unwrap_err();

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let events: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("client_runtime::client: response"))
        .collect();
    assert_eq!(events.len(), 2, "one event per attempt:\n{text}");
    assert!(!text.contains(KEY), "the key is in the trace:\n{text}");
    for (attempt, event) in events.iter().enumerate() {
        assert!(
            event.contains("api_request{operation=\"ConfigController_getConfig\""),
            "{event}"
        );
        let fields = format!("response attempt={} status=503", attempt + 1);
        assert!(event.ends_with(&fields), "{event}");
    }
}
