//! The API key never shows up in `Debug` or `Display` of the client, its configuration, models
//! that carry secrets, or any error.

use daytona_client::runtime::{Call, Method, Request, Response};
use daytona_client::{api, Client, Error};
use daytona_client::{Config, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request as Received, ResponseTemplate};

const KEY: &str = "dtn_secret_key_a1b2c3d4e5f6";

/// Neither the key nor any 8 characters of it in a row show in `Debug`, nor in `display`
/// when given.
fn assert_hidden(what: &str, value: &(impl std::fmt::Debug + ?Sized), display: Option<String>) {
    let shown = [("Debug", Some(format!("{value:?}"))), ("Display", display)];
    for (how, text) in shown {
        let Some(text) = text else { continue };
        assert!(!text.contains(KEY), "{what} {how} shows the key: {text}");
        for start in 0..=KEY.len() - 8 {
            let part = &KEY[start..start + 8];
            assert!(
                !text.contains(part),
                "{what} {how} shows part of the key ({part}): {text}"
            );
        }
    }
}

fn config(url: &str) -> Config {
    Config::builder()
        .api_key(KEY)
        .api_url(url)
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

#[tokio::test]
async fn no_formatting_shows_the_key() {
    // The client and its configuration, with the key as an API key and as a JWT.
    let client = Client::new(config("http://127.0.0.1:9")).unwrap();
    assert_hidden("client", &client, None);
    assert_hidden("config", client.config(), None);
    assert_hidden("credentials", &client.config().credentials, None);
    let jwt_config = Config::builder()
        .jwt_token(KEY)
        .organization_id("org")
        .build()
        .unwrap();
    assert_eq!(jwt_config.credentials.token().expose(), KEY);
    let jwt_client = Client::new(jwt_config.clone()).unwrap();
    assert_hidden("JWT client", &jwt_client, None);
    assert_hidden("JWT config", &jwt_config, None);
    assert_hidden("JWT credentials", &jwt_config.credentials, None);

    // A model that carries a secret.
    let response: api::types::ApiKeyResponse = serde_json::from_value(serde_json::json!({
        "name": "ci", "value": KEY, "createdAt": "2024-01-01T00:00:00Z",
        "permissions": ["write:sandboxes"], "expiresAt": null
    }))
    .unwrap();
    assert_eq!(response.value.expose(), KEY, "the value is still usable");
    assert_hidden("ApiKeyResponse", &response, None);
    assert_hidden(
        "ApiKeyResponse.value",
        &response.value,
        Some(response.value.to_string()),
    );
    let json = serde_json::to_string(&response.value).unwrap();
    assert_eq!(
        json,
        format!("\"{KEY}\""),
        "on the wire the value is sent as it is"
    );

    // Every error variant, produced with this key in use; where an error carries text from
    // outside (a setting, a response body), that text holds the key.
    let mut errors: Vec<(&str, Error)> = Vec::new();
    let jwt_without_org = Config::builder().jwt_token(KEY).build().unwrap_err();
    errors.push(("Config", jwt_without_org));
    // The error for a bad URL repeats the URL: here, one the key was pasted into.
    let key_as_url = Config::builder()
        .api_key(KEY)
        .api_url(format!("app.daytona.io/{KEY}"))
        .build()
        .unwrap_err();
    assert!(
        key_as_url.to_string().contains("[redacted]"),
        "{key_as_url}"
    );
    errors.push(("Config", key_as_url));

    let unreachable = api::config::get_config(&client).await.unwrap_err();
    assert!(
        matches!(unreachable, Error::Transport { .. }),
        "{unreachable}"
    );
    errors.push(("Transport", unreachable));

    let server = MockServer::start().await;
    // A server that echoes the Authorization header into its error body.
    Mock::given(method("GET"))
        .respond_with(|request: &Received| {
            let auth = request
                .headers
                .get("authorization")
                .unwrap()
                .to_str()
                .unwrap();
            ResponseTemplate::new(401).set_body_string(format!("{{\"rejected\":\"{auth}\"}}"))
        })
        .mount(&server)
        .await;
    let served = Client::new(config(&server.uri())).unwrap();
    let api_error = api::api_keys::list_api_keys(&served, &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(api_error, Error::Api(_)), "{api_error}");
    assert!(api_error.to_string().contains("[redacted]"), "{api_error}");
    errors.push(("Api", api_error));
    // The same with the key as a JWT.
    let jwt_served = Client::new(Config {
        api_url: server.uri(),
        retry: RetryPolicy::none(),
        ..jwt_config
    })
    .unwrap();
    let jwt_error = api::api_keys::list_api_keys(&jwt_served, &Default::default())
        .await
        .unwrap_err();
    assert!(jwt_error.to_string().contains("[redacted]"), "{jwt_error}");
    errors.push(("Api", jwt_error));

    let decode_server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!("\"{KEY}\"")))
        .mount(&decode_server)
        .await;
    let decoding = Client::new(config(&decode_server.uri())).unwrap();
    let decode_error = api::config::get_config(&decoding).await.unwrap_err();
    assert!(
        matches!(decode_error, Error::Decode { .. }),
        "{decode_error}"
    );
    // serde_json quotes the value that did not fit: the key, redacted.
    assert!(
        decode_error.to_string().contains("[redacted]"),
        "{decode_error}"
    );
    errors.push(("Decode", decode_error));

    struct Unencodable;
    impl serde::Serialize for Unencodable {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("cannot encode this"))
        }
    }
    let mut request = Request::new(Method::POST, "op", "/x".into());
    let encode_error = request.json("application/json", &Unencodable).unwrap_err();
    errors.push(("Encode", encode_error));

    let bad_ttl = daytona_client::workflows::EphemeralKeyRequest {
        ttl: Duration::from_secs(1),
        ..daytona_client::workflows::EphemeralKeyRequest::new("ci", &[])
    };
    let invalid = daytona_client::workflows::create_ephemeral_key(&client, &bad_ttl)
        .await
        .unwrap_err();
    errors.push(("InvalidArgument", invalid));

    let sandbox_json = |state: &str| {
        serde_json::json!({
            "id": "sb", "organizationId": "o", "name": "n", "user": "u", "env": {}, "labels": {},
            "public": false, "networkBlockAll": false, "target": "eu", "cpu": 1, "gpu": 0,
            "memory": 1, "disk": 1, "state": state, "toolboxProxyUrl": "http://127.0.0.1:9"
        })
    };
    let stopped: api::types::Sandbox = serde_json::from_value(sandbox_json("stopped")).unwrap();
    let request = daytona_client::workflows::ExecRequest::new("true");
    let not_started = daytona_client::workflows::exec(&client, &stopped, &request)
        .await
        .unwrap_err();
    errors.push(("UnexpectedState", not_started));

    let creating_server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(sandbox_json("creating")))
        .mount(&creating_server)
        .await;
    let waiting = Client::new(config(&creating_server.uri())).unwrap();
    let options = daytona_client::workflows::WaitOptions {
        deadline: Duration::from_millis(50),
        initial_interval: Duration::from_millis(10),
        max_interval: Duration::from_millis(10),
    };
    let started = api::types::SandboxState::Started;
    let deadline = daytona_client::workflows::wait_for_state(&waiting, "sb", started, &options)
        .await
        .unwrap_err();
    errors.push(("Deadline", deadline));

    for (variant, error) in &errors {
        assert_hidden(variant, error, Some(error.to_string()));
    }
    let variants: Vec<&str> = errors.iter().map(|(v, _)| *v).collect();
    assert_eq!(
        variants,
        [
            "Config",
            "Config",
            "Transport",
            "Api",
            "Api",
            "Decode",
            "Encode",
            "InvalidArgument",
            "UnexpectedState",
            "Deadline"
        ]
    );
    for (variant, error) in &errors {
        let debug = format!("{error:?}");
        assert!(debug.starts_with(variant), "{variant} is {debug}");
    }
}

/// Credentials the user supplies as headers (defaults in the configuration, a handle's header,
/// a call's header, an operation's header, query pair or cookie) are sent as they are, and no
/// `Debug` or `Display` shows them: not the configuration's, the client's, a request's, a
/// call's, a response's, nor an error's that quotes an answer echoing them.
#[tokio::test]
async fn no_formatting_shows_a_credential_header() {
    let server = MockServer::start().await;
    // A server that echoes every header it got into its body and answers with credentials of
    // its own; `/fail` does the same with an error status.
    let echo = |status: u16| {
        move |request: &Received| {
            let echoed: Vec<String> = request
                .headers
                .iter()
                .map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
                .collect();
            ResponseTemplate::new(status)
                .insert_header("set-cookie", format!("session={KEY}; HttpOnly").as_str())
                .insert_header("x-api-key", KEY)
                .insert_header("x-served-by", "echo")
                .set_body_string(format!("{echoed:?} {}", request.url))
        }
    };
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/fail"))
        .respond_with(echo(400))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(echo(200))
        .mount(&server)
        .await;

    let config = Config::builder()
        .api_key("dtn_configured_token_0000")
        .api_url(server.uri())
        .default_header("X-Api-Token", KEY)
        .default_header("Cookie", format!("session={KEY}"))
        .default_header("X-Client-Secret", KEY)
        .default_header("X-Team", "platform-ci")
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    assert_hidden("config with default headers", &config, None);
    assert!(
        format!("{config:?}").contains("platform-ci"),
        "only credentials are redacted: {config:?}"
    );
    let client = Client::new(config)
        .unwrap()
        .with_header("Authorization", &format!("Bearer {KEY}"))
        .unwrap()
        .with_header("X-Private-Key", KEY)
        .unwrap();
    assert_hidden("client with credential headers", &client, None);

    let request = || {
        let mut request = Request::new(Method::GET, "echo", "/echo".into());
        request.query("api_key", &KEY);
        request.query("page", &"2");
        request.header("X-Auth-Token", &KEY);
        request.cookie("refresh_token", &KEY);
        request
            .json("application/json", &serde_json::json!({ "password": KEY }))
            .unwrap();
        request
    };
    assert_hidden("request", &request(), None);
    let shown = format!("{:?}", request());
    assert!(
        shown.contains("page") && shown.contains("bytes of application/json"),
        "{shown}"
    );
    let call = Call::new(&client, request(), Response::text).header("X-Session-Token", KEY);
    assert_hidden("call", &call, None);
    assert!(format!("{call:?}").contains("x-session-token"), "{call:?}");
    drop(call);

    // Every credential reached the server as it was given.
    let response = client.execute(request()).await.unwrap();
    assert_hidden("response", &response, None);
    assert!(format!("{response:?}").contains("echo"), "{response:?}");
    let body = String::from_utf8(response.bytes().to_vec()).unwrap();
    for sent in [
        format!("x-api-token: {KEY}"),
        format!("x-client-secret: {KEY}"),
        format!("authorization: Bearer {KEY}"),
        format!("x-private-key: {KEY}"),
        format!("x-auth-token: {KEY}"),
        format!("api_key={KEY}"),
    ] {
        assert!(body.contains(&sent), "{sent} not sent: {body}");
    }
    // The operation's cookie replaces the default `Cookie` header, as any header of the
    // operation replaces a default of the same name.
    assert!(
        body.contains(&format!("cookie: refresh_token={KEY}")),
        "{body}"
    );

    // An error quoting the echo: the credentials are scrubbed from its text.
    let mut failing = Request::new(Method::GET, "echoFailure", "/fail".into());
    failing.query("api_key", &KEY);
    failing.header("X-Auth-Token", &KEY);
    let error = Call::new(&client, failing, Response::text)
        .header("X-Session-Token", KEY)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error}");
    assert_hidden(
        "error echoing the credentials",
        &error,
        Some(error.to_string()),
    );

    // A transport error does not repeat the URL, whose query holds a credential.
    let unreachable = client.with_base_url("http://127.0.0.1:9");
    let mut refused = Request::new(Method::GET, "refused", "/x".into());
    refused.query("access_token", &KEY);
    let error = unreachable.execute(refused).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error}");
    assert_hidden("transport error", &error, Some(error.to_string()));
}
