//! WebSockets against a server on 127.0.0.1: messages both ways, the client's headers on the
//! upgrade, keepalive pings in a silence, and the close code and reason.

use client_runtime::{Client, Config, Message, Method, Profile, Request};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio_tungstenite::tungstenite::handshake::server::{Request as Upgrade, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as Frame;

const PROFILE: Profile = Profile {
    env_prefix: "ECHO",
    default_url: "http://127.0.0.1:1",
    user_agent: "echo-client/0.1.0",
    identity_headers: &[("x-client", "echo-client")],
};

#[tokio::test]
// tungstenite's handshake callback returns its own (large) error response type.
#[allow(clippy::result_large_err)]
async fn a_websocket_carries_the_headers_pings_in_silence_and_reports_the_close() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut headers = Vec::new();
        let callback = |request: &Upgrade, response: Response| {
            for name in ["authorization", "x-client", "user-agent"] {
                let value = request
                    .headers()
                    .get(name)
                    .map(|v| v.to_str().unwrap().to_string());
                headers.push((name, value));
            }
            headers.push(("query", request.uri().query().map(str::to_string)));
            Ok(response)
        };
        let mut socket = tokio_tungstenite::accept_hdr_async(stream, callback)
            .await
            .unwrap();
        // Silent until the client pings (ten seconds at most).
        let mut pinged = false;
        while let Ok(Some(Ok(frame))) =
            tokio::time::timeout(Duration::from_secs(10), socket.next()).await
        {
            match frame {
                Frame::Ping(_) => {
                    pinged = true;
                    socket.send(Frame::text("pong seen")).await.unwrap();
                }
                Frame::Binary(data) => socket.send(Frame::binary(data)).await.unwrap(),
                Frame::Text(text) if text.as_str() == "bye" => break,
                _ => {}
            }
        }
        let close = CloseFrame {
            code: CloseCode::from(4008),
            reason: r#"{"why":"done"}"#.into(),
        };
        socket.send(Frame::Close(Some(close))).await.unwrap();
        // The client answers the close while it still holds the connection.
        let answered = tokio::time::timeout(Duration::from_secs(2), socket.next()).await;
        let answered = matches!(answered, Ok(Some(Ok(Frame::Close(_)))) | Ok(None));
        (headers, pinged, answered)
    });

    let config = Config::builder(PROFILE)
        .api_url(url)
        .token("secret-key")
        .build()
        .unwrap();
    let client = Client::new(config).unwrap();
    let mut request = Request::new(Method::GET, "Echo", "/echo".to_string());
    request.secured();
    request.query("follow", &true);
    let socket = client.connect(request).await.unwrap();
    let mut socket = socket.with_keepalive(Duration::from_millis(100));

    socket.send_binary(&b"\x00\x01 binary"[..]).await.unwrap();
    let echoed = socket.next().await.unwrap().unwrap();
    assert_eq!(echoed, Message::Binary((&b"\x00\x01 binary"[..]).into()));
    // Nothing comes until the client pings after 100 ms of silence.
    let after_silence = socket.next().await.unwrap().unwrap();
    assert_eq!(after_silence, Message::Text("pong seen".into()));
    socket.send_text("bye").await.unwrap();
    match socket.next().await.unwrap().unwrap() {
        Message::Close(close) => {
            assert_eq!(
                (close.code, close.reason.as_str()),
                (4008, r#"{"why":"done"}"#)
            )
        }
        other => panic!("{other:?}"),
    }
    let (headers, pinged, answered) = server.await.unwrap();
    drop(socket);
    assert!(pinged);
    assert!(answered, "the close was answered");
    assert_eq!(
        headers,
        [
            ("authorization", Some("Bearer secret-key".to_string())),
            ("x-client", Some("echo-client".to_string())),
            ("user-agent", Some("echo-client/0.1.0".to_string())),
            ("query", Some("follow=true".to_string())),
        ]
    );
}

#[tokio::test]
async fn a_server_that_stops_answering_ends_the_wait_with_an_error() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let socket = tokio_tungstenite::accept_async(stream).await.unwrap();
        // Holds the connection open and reads nothing, so pings go unanswered (for 10 s at most).
        tokio::time::sleep(Duration::from_secs(10)).await;
        drop(socket);
    });
    let config = Config::builder(PROFILE).api_url(url).build().unwrap();
    let client = Client::new(config).unwrap();
    let request = Request::new(Method::GET, "Silent", "/silent".to_string());
    let socket = client.connect(request).await.unwrap();
    let mut socket = socket.with_keepalive(Duration::from_millis(100));
    let started = std::time::Instant::now();
    match socket.next().await {
        Some(Err(client_runtime::Error::Transfer { kind, message, .. })) => {
            assert_eq!(kind, client_runtime::TransportKind::Timeout);
            assert!(message.contains("ping"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A ping after 100 ms of silence, the error after 100 ms more without an answer.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    server.abort();
}

/// The handles hold the connection and the client's shared state behind trait objects (for
/// smaller debug information downstream); the objects must keep them shareable across tasks.
#[test]
fn the_handles_stay_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Client>();
    send_sync::<client_runtime::WebSocket>();
    send_sync::<client_runtime::Sender>();
    send_sync::<client_runtime::Receiver>();
    send_sync::<client_runtime::time::Pause>();
}
