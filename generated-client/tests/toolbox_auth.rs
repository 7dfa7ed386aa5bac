//! Every toolbox operation sends the credentials: Daytona's toolbox proxy refuses requests
//! without them, although the toolbox spec declares no security (`specs/codegen.yaml` adds it).

use daytona_client::toolbox::samples;
use daytona_client::{Client, Config, RetryPolicy};
use wiremock::{matchers::any, Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn every_toolbox_operation_sends_the_bearer_token_and_the_client_name() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let config = Config::builder()
        .api_key("dtn_toolbox_key")
        .api_url(server.uri())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    for operation in samples::OPERATIONS {
        // The answer need not decode: what was sent is under test.
        let _ = samples::call(&client, operation)
            .await
            .expect("a known operation");
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received.len(),
        samples::OPERATIONS.len(),
        "one request each"
    );
    assert_eq!(received.len(), 92);
    for request in &received {
        let at = format!("{} {}", request.method, request.url.path());
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(
            header("authorization"),
            Some("Bearer dtn_toolbox_key"),
            "{at}"
        );
        assert_eq!(
            header("x-daytona-source"),
            Some("daytona-client-rust"),
            "{at}"
        );
    }
}
