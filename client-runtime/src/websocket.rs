//! WebSockets: operations that upgrade the connection (following logs, terminals, streamed code
//! runs). The upgrade request carries what an HTTP call would (credentials, identity and default
//! headers), over rustls like every other request.
//!
//! Sending, receiving and closing return boxed futures ([`BoxFuture`]) rather than being
//! `async fn`s: rustc compiles the state machine of an `async fn` in the crate that polls it,
//! and this crate polls none of them, so every crate with a terminal or a followed log compiled
//! its own copies, with the WebSocket stream's code under them. Boxed, they compile here once.

use super::client::Client;
use super::error::{Error, TransportKind};
use super::request::Request;
use super::response::Response;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::{SinkExt, StreamExt};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as Frame;

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A message received on a [`WebSocket`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Bytes),
    /// The peer closed the connection, with its close code and reason.
    Close(Close),
}

/// How a WebSocket was closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    /// The close code (1000 is a normal close; 1005 means the peer sent none).
    pub code: u16,
    /// The reason the peer gave (servers may put structured data here).
    pub reason: String,
}

/// An open WebSocket. Ping and pong frames are answered and not shown.
///
/// Sending and receiving can go on at once after [`split`](WebSocket::split) (a terminal reads
/// output while input is typed).
#[derive(Debug)]
pub struct WebSocket {
    sender: Sender,
    receiver: Receiver,
}

/// How long a connection may be silent before the client pings it: proxies and load balancers
/// drop connections that carry nothing for a while, and a followed log or a terminal may be
/// quiet for minutes.
pub const KEEPALIVE: std::time::Duration = std::time::Duration::from_secs(20);

/// The sending side, shared by the two halves: the receiving half pings through it.
///
/// Both halves hold the connection behind trait objects: the debug information of a crate that
/// holds a WebSocket (a terminal, a followed log) then describes two pointers, not
/// tungstenite's, rustls' and Tokio's connection types field by field, some 800 types in every
/// codegen unit that names one.
type Sink =
    Arc<tokio::sync::Mutex<Pin<Box<dyn futures_util::Sink<Frame, Error = WsError> + Send + Sync>>>>;

/// The receiving side (see [`Sink`]).
type Frames = Pin<Box<dyn futures_util::Stream<Item = Result<Frame, WsError>> + Send + Sync>>;

type WsError = tokio_tungstenite::tungstenite::Error;

/// The sending half of a [`WebSocket`].
pub struct Sender {
    sink: Sink,
    operation: &'static str,
    path: String,
}

/// The receiving half of a [`WebSocket`]. While it waits for a message it pings the server
/// after [`KEEPALIVE`] of silence; a server that then stays silent for another [`KEEPALIVE`]
/// (no answer to the ping, nothing else) has gone, and the wait ends with an error.
pub struct Receiver {
    sink: Sink,
    keepalive: std::time::Duration,
    /// Whether a ping is out with nothing received since.
    pinged: bool,
    stream: Frames,
    operation: &'static str,
    path: String,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("operation", &self.operation)
            .field("path", &self.path)
            .finish()
    }
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("operation", &self.operation)
            .field("path", &self.path)
            .finish()
    }
}

/// A WebSocket failure as a transfer error of `operation` on `path`.
fn failure(operation: &'static str, path: &str, error: impl std::fmt::Display) -> Error {
    Error::Transfer {
        operation,
        path: path.to_string(),
        kind: TransportKind::Other,
        message: error.to_string(),
    }
}

impl WebSocket {
    fn new(stream: Stream, operation: &'static str, path: String) -> WebSocket {
        let (sink, stream) = stream.split();
        let sink: Sink = Arc::new(tokio::sync::Mutex::new(Box::pin(sink)));
        let stream: Frames = Box::pin(stream);
        WebSocket {
            sender: Sender {
                sink: Arc::clone(&sink),
                operation,
                path: path.clone(),
            },
            receiver: Receiver {
                sink,
                keepalive: KEEPALIVE,
                pinged: false,
                stream,
                operation,
                path,
            },
        }
    }

    /// Pings after `silence` without messages instead of [`KEEPALIVE`].
    pub fn with_keepalive(mut self, silence: std::time::Duration) -> WebSocket {
        self.receiver.keepalive = silence;
        self
    }

    /// Sends a text message.
    pub fn send_text(&mut self, text: impl Into<String>) -> BoxFuture<'_, Result<(), Error>> {
        self.sender.send_text(text)
    }

    /// Sends a binary message.
    pub fn send_binary(&mut self, data: impl Into<Bytes>) -> BoxFuture<'_, Result<(), Error>> {
        self.sender.send_binary(data)
    }

    /// The next message; after [`Message::Close`], or when the connection ends without one,
    /// `None`.
    // A future of the next message, as `StreamExt::next` gives; not an iterator's `next`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> BoxFuture<'_, Option<Result<Message, Error>>> {
        self.receiver.next()
    }

    /// Closes the connection normally.
    pub fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        self.sender.close()
    }

    /// The two halves, to send and receive at once.
    pub fn split(self) -> (Sender, Receiver) {
        (self.sender, self.receiver)
    }
}

impl Sender {
    /// Sends a text message.
    pub fn send_text(&mut self, text: impl Into<String>) -> BoxFuture<'_, Result<(), Error>> {
        self.send(Frame::text(text.into()))
    }

    /// Sends a binary message.
    pub fn send_binary(&mut self, data: impl Into<Bytes>) -> BoxFuture<'_, Result<(), Error>> {
        self.send(Frame::binary(data.into()))
    }

    fn send(&mut self, frame: Frame) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(self.send_frame(frame))
    }

    async fn send_frame(&mut self, frame: Frame) -> Result<(), Error> {
        let (operation, path) = (self.operation, &self.path);
        self.sink
            .lock()
            .await
            .send(frame)
            .await
            .map_err(|e| failure(operation, path, e))
    }

    /// Closes the connection normally.
    pub fn close(&mut self) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(self.send_close())
    }

    async fn send_close(&mut self) -> Result<(), Error> {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let sent = self.sink.lock().await.send(Frame::Close(Some(frame))).await;
        match sent {
            Ok(())
            | Err(tokio_tungstenite::tungstenite::Error::ConnectionClosed)
            | Err(tokio_tungstenite::tungstenite::Error::AlreadyClosed) => Ok(()),
            Err(error) => Err(failure(self.operation, &self.path, error)),
        }
    }
}

impl Receiver {
    /// The next message; after [`Message::Close`], or when the connection ends without one,
    /// `None`.
    // A future of the next message, as `StreamExt::next` gives; not an iterator's `next`.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> BoxFuture<'_, Option<Result<Message, Error>>> {
        Box::pin(self.receive())
    }

    async fn receive(&mut self) -> Option<Result<Message, Error>> {
        loop {
            let next = tokio::select! {
                next = self.stream.next() => next,
                () = tokio::time::sleep(self.keepalive) => {
                    if self.pinged {
                        return Some(Err(Error::Transfer {
                            operation: self.operation,
                            path: self.path.clone(),
                            kind: TransportKind::Timeout,
                            message: format!(
                                "the server did not answer a ping within {:?}",
                                self.keepalive
                            ),
                        }));
                    }
                    // A failed ping shows up as the next read's error.
                    let _ = self.sink.lock().await.send(Frame::Ping(Bytes::new())).await;
                    self.pinged = true;
                    continue;
                }
            };
            self.pinged = false;
            let frame = match next? {
                Ok(frame) => frame,
                // A peer that drops the connection without a close frame has ended it.
                Err(tokio_tungstenite::tungstenite::Error::ConnectionClosed) => return None,
                Err(error) => return Some(Err(failure(self.operation, &self.path, error))),
            };
            return Some(Ok(match frame {
                Frame::Text(text) => Message::Text(text.as_str().to_string()),
                Frame::Binary(data) => Message::Binary(data),
                Frame::Close(frame) => {
                    // Sends the answering close tungstenite has queued, ending the handshake.
                    let _ = self.sink.lock().await.flush().await;
                    Message::Close(close_of(frame))
                }
                Frame::Ping(_) | Frame::Pong(_) | Frame::Frame(_) => continue,
            }));
        }
    }
}

/// The code and reason of a close frame (1005 when it has none).
fn close_of(frame: Option<CloseFrame>) -> Close {
    match frame {
        Some(frame) => Close {
            code: frame.code.into(),
            reason: frame.reason.as_str().to_string(),
        },
        None => Close {
            code: 1005,
            reason: String::new(),
        },
    }
}

/// The future of a WebSocket: what an operation that upgrades returns.
#[must_use = "a Connect opens nothing until it is awaited"]
pub struct Connect {
    future: Pin<Box<dyn Future<Output = Result<WebSocket, Error>> + Send>>,
}

impl std::fmt::Debug for Connect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connect")
    }
}

impl Connect {
    /// Opens a WebSocket for `request` through `client` when first polled.
    pub fn new(client: &Client, request: Request) -> Connect {
        let client = client.clone();
        Connect {
            future: Box::pin(async move { client.connect(request).await }),
        }
    }

    /// A connection that fails with `error` without opening anything (a request that could not
    /// be built).
    pub fn failed(error: Error) -> Connect {
        Connect {
            future: Box::pin(async move { Err(error) }),
        }
    }
}

impl Future for Connect {
    type Output = Result<WebSocket, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.future.as_mut().poll(cx)
    }
}

/// The TLS setup of WebSockets: rustls with the ring provider and the webpki roots, as reqwest's.
fn tls() -> Result<tokio_tungstenite::Connector, Error> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    let config = CONFIG.get_or_init(|| {
        let roots =
            rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map(|builder| Arc::new(builder.with_root_certificates(roots).with_no_client_auth()))
            .map_err(|e| e.to_string())
    });
    match config {
        Ok(config) => Ok(tokio_tungstenite::Connector::Rustls(Arc::clone(config))),
        Err(e) => Err(Error::Config(format!(
            "cannot set up TLS for WebSockets: {e}"
        ))),
    }
}

impl Client {
    /// Opens a WebSocket for `request` (its method is not used: an upgrade is a GET), with the
    /// headers an HTTP call would send, within the call's timeout.
    pub async fn connect(&self, request: Request) -> Result<WebSocket, Error> {
        self.wait_while_paused().await;
        let config = self.config();
        let timeout = request.overrides.timeout.unwrap_or(config.timeout);
        let mut url = format!("{}{}", self.base_url(), request.path);
        if !request.query.is_empty() {
            let query = serde_urlencoded::to_string(&request.query).unwrap_or_default();
            url = format!("{url}?{query}");
        }
        let url = match url.split_once("://") {
            Some(("https", rest)) => format!("wss://{rest}"),
            Some(("http", rest)) => format!("ws://{rest}"),
            _ => url,
        };
        let failure = |kind: TransportKind, message: String| Error::Transfer {
            operation: request.operation,
            path: request.path.clone(),
            kind,
            message,
        };
        let mut upgrade = url
            .as_str()
            .into_client_request()
            .map_err(|e| failure(TransportKind::Other, e.to_string()))?;
        let headers = upgrade.headers_mut();
        // As for HTTP: the client's headers, the operation's, the credentials, then the
        // handle's and the call's, each replacing what came before.
        for (name, value) in self.default_headers() {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in &request.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                if let Ok(name) = reqwest::header::HeaderName::from_bytes(name.as_bytes()) {
                    headers.insert(name, value);
                }
            }
        }
        if let Some(authorization) = self.authorization(&request)? {
            headers.insert(AUTHORIZATION, authorization);
        }
        for (name, value) in self.handle_headers().chain(&request.overrides.headers) {
            headers.insert(name.clone(), value.clone());
        }
        let connecting =
            tokio_tungstenite::connect_async_tls_with_config(upgrade, None, false, Some(tls()?));
        let outcome = tokio::time::timeout(timeout, connecting)
            .await
            .map_err(|_| {
                failure(
                    TransportKind::Timeout,
                    format!("no upgrade within {timeout:?}"),
                )
            })?;
        match outcome {
            Ok((stream, _)) => Ok(WebSocket::new(
                stream,
                request.operation,
                request.path.clone(),
            )),
            // An answer other than the upgrade is read as an HTTP call's would be: a redirect
            // or an API error, its body scrubbed of the credentials.
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let (parts, body) = response.into_parts();
                let answer = Response {
                    operation: request.operation,
                    method: request.method.clone(),
                    path: request.path.clone(),
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body: body.map(Bytes::from).unwrap_or_default(),
                    streaming: None,
                    error_models: request.error_models.clone(),
                    secrets: self.secrets_for(&request),
                };
                match self.finish(Ok(answer)) {
                    Err(error) => Err(error),
                    Ok(answer) => Err(failure(
                        TransportKind::Other,
                        format!(
                            "the server answered {} instead of upgrading",
                            answer.status()
                        ),
                    )),
                }
            }
            Err(tokio_tungstenite::tungstenite::Error::Io(error)) => {
                Err(failure(TransportKind::Connect, error.to_string()))
            }
            Err(error) => Err(failure(TransportKind::Other, error.to_string())),
        }
    }
}
