//! The client: one shared HTTP connection pool, the configuration, and the single non-generic
//! function every generated operation sends its request through.

use super::config::Config;
use super::error::{Error, TransportKind};
use super::redact::{credential_parts, is_credential_header};
use super::request::{Body, Request};
use super::response::Response;
use super::retry::{parse_retry_after, RETRY_STATUSES};
use super::secret::Secret;
use super::stream::{watched, ByteStream, Watch};
use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE,
    LOCATION, RETRY_AFTER,
};
use reqwest::Method;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// The name of the `tracing` span around each call.
pub const SPAN_NAME: &str = "api_request";

/// An API client. Cloning is cheap and shares the connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<dyn Shared>,
    base_url: Arc<str>,
    /// Headers this handle adds to every request (see [`Client::with_header`]).
    headers: Arc<[(HeaderName, HeaderValue)]>,
}

/// What every handle of a client shares, behind a trait object: the debug information of a
/// crate that holds a `Client` then describes a pointer to `dyn Shared`, not reqwest's
/// connection pool, TLS and HTTP/2 types field by field (some 1,400 types in every codegen
/// unit that names a `Client`).
trait Shared: Send + Sync {
    fn get(&self) -> &Inner;
}

impl Shared for Inner {
    fn get(&self) -> &Inner {
        self
    }
}

struct Inner {
    http: reqwest::Client,
    config: Config,
    /// What every request carries before its own headers: identity, configured defaults and
    /// the user agent (reqwest adds them to HTTP requests; WebSocket upgrades add them too).
    default_headers: HeaderMap,
    jitter_state: AtomicU64,
    /// Until when each server (by base URL) asked this client to hold off: a `429`, `502`,
    /// `503` or `504` with `Retry-After` pauses every request of the client to that server, not
    /// only the one that was answered, so that requests in flight elsewhere do not keep
    /// hammering it.
    paused: std::sync::Mutex<std::collections::HashMap<Arc<str>, Instant>>,
    /// The credentials every request carries (the token, credential-named default headers),
    /// scrubbed from any text of a response that goes into an error.
    secrets: Arc<[Secret]>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header names only: a value may be a credential.
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("headers", &headers)
            .field("config", &self.inner.get().config)
            .finish()
    }
}

impl Client {
    /// A client for the API at `config.api_url`.
    ///
    /// Redirects are not followed: a `3xx` answer is [`Error::Redirect`], so a request body
    /// and credentials are never sent again to an address the caller did not choose.
    pub fn new(config: Config) -> Result<Client, Error> {
        let mut headers = HeaderMap::new();
        for (name, value) in &config.default_headers {
            let (name, value) = parse_header(name, value).map_err(Error::Config)?;
            headers.append(name, value);
        }
        // The client names itself unless the configuration names it otherwise.
        for (name, value) in config.profile.identity_headers {
            if !headers.contains_key(*name) {
                headers.insert(
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                );
            }
        }
        // No client-wide timeout: each request gets its own (a streamed one, a limit on time
        // without progress).
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| Error::Config("the user agent holds characters a header cannot".into()))?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);
        let http = reqwest::Client::builder()
            .default_headers(headers.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9, |d| d.as_nanos() as u64);
        Ok(Client {
            base_url: Arc::from(config.api_url.as_str()),
            headers: Arc::from([]),
            inner: Arc::new(Inner {
                http,
                default_headers: headers,
                jitter_state: AtomicU64::new(seed | 1),
                paused: Default::default(),
                secrets: config
                    .token
                    .iter()
                    .cloned()
                    .chain(credential_secrets(
                        config
                            .default_headers
                            .iter()
                            .map(|(name, value)| (name.as_str(), value.as_str())),
                    ))
                    .collect(),
                config,
            }),
        })
    }

    /// The same client (credentials, pool, policies) sending to another base URL, such as a
    /// second service reached with the same credentials.
    pub fn with_base_url(&self, base_url: impl AsRef<str>) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            base_url: Arc::from(base_url.as_ref().trim_end_matches('/')),
            headers: Arc::clone(&self.headers),
        }
    }

    /// The same client (credentials, pool, policies, base URL) sending one more header with
    /// every request; it replaces a header of the same name that the client would send.
    /// A name or value that cannot be a header is [`Error::InvalidArgument`].
    pub fn with_header(&self, name: &str, value: &str) -> Result<Client, Error> {
        let (name, value) = parse_header(name, value).map_err(Error::InvalidArgument)?;
        let mut headers: Vec<_> = self
            .headers
            .iter()
            .filter(|(existing, _)| *existing != name)
            .cloned()
            .collect();
        headers.push((name, value));
        Ok(Client {
            inner: Arc::clone(&self.inner),
            base_url: Arc::clone(&self.base_url),
            headers: Arc::from(headers),
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.get().config
    }

    /// Sends a request, retrying as the policy allows, and returns the success response.
    /// A non-success status is returned as [`Error::Api`].
    ///
    /// Each call is a `tracing` span named [`SPAN_NAME`] with the
    /// operation id, method, path, attempt and status; it costs nothing unless a subscriber is
    /// installed.
    pub async fn execute(&self, request: Request) -> Result<Response, Error> {
        let span = tracing::debug_span!(
            SPAN_NAME,
            operation = request.operation,
            method = %request.method,
            path = %request.path,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        self.execute_with_retries(request, &span)
            .instrument(span.clone())
            .await
    }

    async fn execute_with_retries(
        &self,
        request: Request,
        span: &tracing::Span,
    ) -> Result<Response, Error> {
        let policy = request
            .overrides
            .retry
            .as_ref()
            .unwrap_or(&self.inner.get().config.retry);
        let idempotent = !matches!(request.method, Method::POST | Method::PATCH);
        // A body read from a reader or stream is gone once sent.
        let may_retry = (idempotent || policy.retry_non_idempotent) && request.is_replayable();
        let started = Instant::now();
        let mut attempt = 1;
        loop {
            span.record("attempt", attempt);
            self.wait_while_paused().await;
            let outcome = self.send_once(&request).await;
            match &outcome {
                Ok(response) => {
                    span.record("status", response.status);
                    tracing::debug!(attempt, status = response.status, "response");
                }
                Err(error) => tracing::debug!(attempt, %error, "no response"),
            }
            let retry_after = match &outcome {
                Ok(response) if RETRY_STATUSES.contains(&response.status) => Some(
                    response
                        .headers
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after),
                ),
                // The rule callers see as `Error::is_retryable`.
                Err(error @ Error::Transport { .. }) if error.is_retryable() => Some(None),
                _ => None,
            };
            let Some(retry_after) = retry_after else {
                return self.finish(outcome);
            };
            if let Some(wait) = retry_after {
                self.pause(wait.min(policy.max_backoff));
            }
            let wait = policy.backoff(attempt, retry_after, self.jitter());
            if !may_retry
                || attempt >= policy.max_attempts
                || started.elapsed() + wait > policy.max_elapsed
            {
                return self.finish(outcome);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(&self, request: &Request) -> Result<Response, Error> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self.inner.get().http.request(request.method.clone(), &url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value.as_str());
        }
        let config = &self.inner.get().config;
        if let Some(authorization) = self.authorization(request)? {
            builder = builder.header(AUTHORIZATION, authorization);
        }
        if let Some(accept) = request.accept {
            builder = builder.header(ACCEPT, accept);
        }
        let timeout = request.overrides.timeout.unwrap_or(config.timeout);
        // A streamed transfer may take as long as it keeps moving: its timeout is a limit on
        // time without progress, kept by the watch. Any other request has a total time limit.
        let streaming = request.is_streaming();
        let watch = Watch::new();
        if !streaming {
            builder = builder.timeout(timeout);
        }
        builder = match &request.body {
            Body::None => builder,
            Body::Bytes { content_type, data } => builder
                .header(CONTENT_TYPE, *content_type)
                .body(data.clone()),
            Body::Multipart(form) => builder.multipart(form.to_reqwest(&watch).await?),
            Body::Binary {
                content_type,
                binary,
            } => {
                let (body, len) = binary.body(&watch).await?;
                let builder = builder.header(CONTENT_TYPE, *content_type);
                match len {
                    Some(len) => builder.header(CONTENT_LENGTH, len).body(body),
                    None => builder.body(body),
                }
            }
        };
        let transport = |source: reqwest::Error| Error::Transport {
            operation: request.operation,
            method: request.method.clone(),
            path: request.path.clone(),
            kind: if source.is_timeout() {
                TransportKind::Timeout
            } else if source.is_connect() {
                TransportKind::Connect
            } else {
                TransportKind::Other
            },
            // Without the URL: its query may hold a credential, and the error names the
            // operation and path already.
            source: source.without_url(),
        };
        let mut built = builder.build().map_err(transport)?;
        // The handle's headers, then the call's, each replacing what came before.
        for (name, value) in self.headers.iter().chain(&request.overrides.headers) {
            built.headers_mut().insert(name.clone(), value.clone());
        }
        let sent = self.inner.get().http.execute(built);
        let response = if streaming {
            match watched(sent, &watch, timeout).await {
                Some(response) => response.map_err(transport)?,
                None => {
                    return Err(Error::Transfer {
                        operation: request.operation,
                        path: request.path.clone(),
                        kind: TransportKind::Timeout,
                        message: format!("no progress for {timeout:?}"),
                    })
                }
            }
        } else {
            sent.await.map_err(transport)?
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let success = (200..300).contains(&status);
        let (body, streaming) = if request.stream_response && success {
            let stream =
                ByteStream::live(response, request.operation, request.path.clone(), timeout);
            (Bytes::new(), Some(stream))
        } else {
            // A request that is not streamed is under reqwest's total time limit already.
            let read = response.bytes();
            let body = if streaming {
                match tokio::time::timeout(timeout, read).await {
                    Ok(body) => body.map_err(transport)?,
                    Err(_) => {
                        return Err(Error::Transfer {
                            operation: request.operation,
                            path: request.path.clone(),
                            kind: TransportKind::Timeout,
                            message: format!("the body took longer than {timeout:?}"),
                        })
                    }
                }
            } else {
                read.await.map_err(transport)?
            };
            (body, None)
        };
        Ok(Response {
            operation: request.operation,
            method: request.method.clone(),
            path: request.path.clone(),
            status,
            headers,
            body,
            streaming,
            error_models: request.error_models.clone(),
            secrets: self.secrets_for(request),
        })
    }

    /// Waits while the server at this handle's base URL has asked the client to hold off.
    pub(crate) async fn wait_while_paused(&self) {
        // Bounded: each pass either returns or sleeps until a later instant.
        loop {
            let until = {
                let mut paused = self.paused();
                match paused.get(&self.base_url).copied() {
                    Some(until) if until > Instant::now() => until,
                    Some(_) => {
                        paused.remove(&self.base_url);
                        return;
                    }
                    None => return,
                }
            };
            tracing::debug!(wait = ?until.saturating_duration_since(Instant::now()), "the server asked to hold off");
            tokio::time::sleep_until(until.into()).await;
        }
    }

    /// The table of servers that asked to hold off, and until when. A panic while it was held
    /// leaves nothing half-written in it (one insert or remove), so a poisoned lock is taken as is.
    fn paused(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<Arc<str>, Instant>> {
        self.inner
            .get()
            .paused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Holds off every request of this client to this handle's server for `wait`.
    fn pause(&self, wait: std::time::Duration) {
        let until = Instant::now() + wait;
        let mut paused = self.paused();
        let entry = paused.entry(Arc::clone(&self.base_url)).or_insert(until);
        *entry = (*entry).max(until);
    }

    /// The `Authorization` header of a request that declares security (none otherwise); a
    /// secured request without a configured token is an error naming the variable.
    pub(crate) fn authorization(&self, request: &Request) -> Result<Option<HeaderValue>, Error> {
        if !request.secured {
            return Ok(None);
        }
        let config = &self.inner.get().config;
        let token = config.token.as_ref().ok_or_else(|| {
            Error::Config(format!(
                "{} needs credentials: set {}",
                request.operation,
                config.profile.env_var("API_KEY")
            ))
        })?;
        let mut value =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                Error::Config("the API key or token holds characters a header cannot".to_string())
            })?;
        value.set_sensitive(true);
        Ok(Some(value))
    }

    /// The credentials `request` carries: the client's, and those of credential-named headers
    /// and query pairs of this handle, the call and the operation.
    pub(crate) fn secrets_for(&self, request: &Request) -> Arc<[Secret]> {
        let handle = self
            .headers
            .iter()
            .chain(&request.overrides.headers)
            .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)));
        let own = request
            .headers
            .iter()
            .chain(&request.query)
            .map(|(name, value)| (*name, value.as_str()));
        let mut more = credential_secrets(handle.chain(own)).peekable();
        if more.peek().is_none() {
            return Arc::clone(&self.inner.get().secrets);
        }
        self.inner
            .get()
            .secrets
            .iter()
            .cloned()
            .chain(more)
            .collect()
    }

    /// The headers every request carries before its own.
    pub(crate) fn default_headers(&self) -> &HeaderMap {
        &self.inner.get().default_headers
    }

    /// The headers this handle adds (see [`Client::with_header`]).
    pub(crate) fn handle_headers(&self) -> impl Iterator<Item = &(HeaderName, HeaderValue)> {
        self.headers.iter()
    }

    /// The success response, or the error for a redirect or another non-success status.
    pub(crate) fn finish(&self, outcome: Result<Response, Error>) -> Result<Response, Error> {
        let response = outcome?;
        if response.is_success() {
            Ok(response)
        } else if (300..400).contains(&response.status) {
            Err(Error::Redirect {
                operation: response.operation,
                method: response.method,
                path: response.path,
                status: response.status,
                location: response
                    .headers
                    .get(LOCATION)
                    .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned()),
            })
        } else {
            Err(response.into_api_error())
        }
    }

    /// A number in `0.0..1.0` (xorshift; jitter needs spread, not quality).
    fn jitter(&self) -> f64 {
        let mut x = self.inner.get().jitter_state.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.inner.get().jitter_state.store(x, Ordering::Relaxed);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The credentials among name and value pairs: the parts of each value whose name says it
/// carries one.
fn credential_secrets<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)> + 'a,
) -> impl Iterator<Item = Secret> + 'a {
    pairs
        .filter(|(name, _)| is_credential_header(name))
        .flat_map(|(_, value)| credential_parts(value).map(Secret::new))
}

/// A header name and value, or why they cannot be one. The value of a header whose name says
/// it carries a credential is marked sensitive, so its `Debug` shows nothing of it.
pub(crate) fn parse_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("'{name}' is not a valid header name"))?;
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header '{name}' has characters a header cannot hold"))?;
    value.set_sensitive(is_credential_header(name.as_str()));
    Ok((name, value))
}
