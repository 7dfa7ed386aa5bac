//! The one error type of the client.

use super::retry::RETRY_STATUSES;
use reqwest::Method;
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The client is not configured correctly (missing credentials, bad URL).
    #[error("configuration error: {0}")]
    Config(String),
    /// The request did not get an answer: connection refused or reset, or a timeout.
    #[error("{operation} ({method} {path}): {kind}: {source}")]
    Transport {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The request path.
        path: String,
        /// What kind of failure.
        kind: TransportKind,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },
    /// The server answered with a status that is not a success.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The server answered with a redirect (`3xx`). The client does not follow redirects:
    /// following one would send the request body and the credentials again to an address the
    /// caller did not choose (an unauthenticated request, for example, can be sent to a
    /// login page).
    #[error(
        "{operation} ({method} {path}) was redirected with status {status} to {}; redirects are not followed",
        .location.as_deref().unwrap_or("no location")
    )]
    Redirect {
        /// The operation id.
        operation: &'static str,
        /// The HTTP method.
        method: Method,
        /// The request path.
        path: String,
        /// The status code (301, 302, 303, 307 or 308).
        status: u16,
        /// Where the server sent the request: its `Location` header.
        location: Option<String>,
    },
    /// A body being sent or received broke off: the connection failed, the transfer went
    /// without progress for longer than the call's timeout, or the body ended short of its
    /// announced length.
    #[error("{operation} ({path}): {kind} during the transfer: {message}")]
    Transfer {
        /// The operation id.
        operation: &'static str,
        /// The request path.
        path: String,
        /// What kind of failure.
        kind: TransportKind,
        /// What happened.
        message: String,
    },
    /// A success response whose body does not match the declared type.
    #[error(
        "{operation}: cannot decode the response (status {status}) at `{json_path}`: {message}"
    )]
    Decode {
        /// The operation id.
        operation: &'static str,
        /// The response status.
        status: u16,
        /// The JSON path of the value that failed (`items[3].name`; `.` for the whole body).
        json_path: String,
        /// What was wrong with it.
        message: String,
    },
    /// A request body could not be encoded.
    #[error("{operation}: cannot encode the request body: {message}")]
    Encode {
        /// The operation id.
        operation: &'static str,
        /// What went wrong.
        message: String,
    },
    /// An argument was refused before any request was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// Something the API manages is in a state that does not allow what was asked (a build
    /// that failed, a machine that is not running).
    #[error("{subject} is {state}{}", .reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    UnexpectedState {
        /// What is in that state (`sandbox sb-1`).
        subject: String,
        /// Its state.
        state: String,
        /// The reason the API gives, if any.
        reason: Option<String>,
    },
    /// Waiting ran past its deadline.
    #[error("gave up after {waited:?} waiting for {what} (last seen: {last})")]
    Deadline {
        /// What was awaited.
        what: String,
        /// How long it waited.
        waited: std::time::Duration,
        /// The last state seen.
        last: String,
    },
}

/// The kinds of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Could not connect.
    Connect,
    /// The attempt's time limit ran out.
    Timeout,
    /// Anything else (reset connection, broken body).
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "cannot connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Other => "request failed",
        })
    }
}

/// A non-success answer from the server.
#[derive(Clone)]
pub struct ApiError {
    /// The operation id.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The request path.
    pub path: String,
    /// The status code.
    pub status: u16,
    /// The response body, as text.
    pub body: String,
    /// The body decoded into the model the spec declares for this status, if it declares one
    /// and the body fits it.
    pub model: Option<ErrorModel>,
    /// The response headers (`Debug` shows credential-named ones as `[redacted]`).
    pub headers: reqwest::header::HeaderMap,
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = super::redact::shown_headers(&self.headers);
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("body", &self.body)
            .field("model", &self.model)
            .field("headers", &headers)
            .finish()
    }
}

impl ApiError {
    /// The body decoded as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The declared error model, if it is a `T`.
    pub fn model<T: 'static>(&self) -> Option<&T> {
        self.model.as_ref()?.downcast_ref()
    }

    /// A response header, when it is present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The id the server gave the request (its `X-Request-Id`, or `Request-Id`), for a
    /// support ticket or a log search; `None` when it gave none.
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS.iter().find_map(|name| self.header(name))
    }
}

/// The response headers that carry a request id, most common first.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "request-id"];

/// An error body decoded into the type the spec declares for its status.
#[derive(Clone)]
pub struct ErrorModel {
    value: Arc<dyn Any + Send + Sync>,
    debug: Arc<str>,
}

impl ErrorModel {
    /// The model, if it is a `T`.
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.value.downcast_ref()
    }
}

impl fmt::Debug for ErrorModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.debug)
    }
}

/// Decodes an error body into an [`ErrorModel`]; generated code names one per declared status.
pub type ErrorDecoder = fn(&[u8]) -> Option<ErrorModel>;

/// The [`ErrorDecoder`] for `T`.
pub fn error_model<T>(body: &[u8]) -> Option<ErrorModel>
where
    T: serde::de::DeserializeOwned + fmt::Debug + Send + Sync + 'static,
{
    let value: T = serde_json::from_slice(body).ok()?;
    Some(ErrorModel {
        debug: Arc::from(format!("{value:?}")),
        value: Arc::new(value),
    })
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 500;
        write!(
            f,
            "{} ({} {}) failed with status {}",
            self.operation, self.method, self.path, self.status
        )?;
        let body = self.body.trim();
        if !body.is_empty() {
            let end = body
                .char_indices()
                .nth(SHOWN)
                .map_or(body.len(), |(i, _)| i);
            let more = if end < body.len() { "…" } else { "" };
            write!(f, ": {}{more}", &body[..end])?;
        }
        Ok(())
    }
}

/// What a failure is, to decide what to do about it: [`Error::is_not_found`] and the like ask
/// about the status of an answer; a failure with no answer is none of those.
impl Error {
    /// The HTTP status, for errors that have one: a non-success answer, a redirect, or a
    /// success whose body did not decode.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Redirect { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's non-success answer, when that is what this is.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    fn api_status(&self) -> Option<u16> {
        self.api().map(|api| api.status)
    }

    /// The server answered 404: what was named does not exist (or is not visible to the
    /// credentials used).
    ///
    /// ```
    /// # async fn run(call: client_runtime::Call<()>) -> Result<(), client_runtime::Error> {
    /// match call.await {
    ///     Err(error) if error.is_not_found() => println!("already gone"),
    ///     other => other?,
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(404)
    }

    /// The server answered 409: the request conflicts with the current state (a name already
    /// taken, a sandbox in a state that does not allow the change).
    pub fn is_conflict(&self) -> bool {
        self.api_status() == Some(409)
    }

    /// The server answered 429: too many requests. The client has already retried as its
    /// [`RetryPolicy`](super::RetryPolicy) allows.
    pub fn is_rate_limited(&self) -> bool {
        self.api_status() == Some(429)
    }

    /// The server answered 401: the credentials are missing, wrong or expired.
    pub fn is_unauthorized(&self) -> bool {
        self.api_status() == Some(401)
    }

    /// The server answered 403: the credentials are valid but may not do this.
    pub fn is_forbidden(&self) -> bool {
        self.api_status() == Some(403)
    }

    /// The server answered with a 5xx status.
    pub fn is_server_error(&self) -> bool {
        self.api_status().is_some_and(|status| status >= 500)
    }

    /// Time ran out: an attempt's time limit, a transfer without progress, or a wait's
    /// deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            } | Error::Transfer {
                kind: TransportKind::Timeout,
                ..
            } | Error::Deadline { .. }
        )
    }

    /// Whether the client retries a failure like this one: an answer with one of
    /// [`RETRY_STATUSES`](super::RETRY_STATUSES) or no answer at all for a reason other than
    /// a timeout (a timed-out request may still be running on the server). The client applies
    /// this same rule; an error that reaches the caller and says `true` has used up its
    /// attempts, or its operation is not one the client may repeat.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => RETRY_STATUSES.contains(&api.status),
            Error::Transport { kind, .. } => *kind != TransportKind::Timeout,
            _ => false,
        }
    }

    /// The id the server gave the request, when it answered with one
    /// ([`ApiError::request_id`]).
    pub fn request_id(&self) -> Option<&str> {
        self.api()?.request_id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    fn answered(status: u16, headers: &[(&'static str, &str)]) -> Error {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        Error::Api(Box::new(ApiError {
            operation: "getSandbox",
            method: Method::GET,
            path: "/sandbox/sb-1".to_string(),
            status,
            body: String::new(),
            model: None,
            headers: map,
        }))
    }

    #[test]
    fn each_question_is_true_for_its_status_alone() {
        type Question = fn(&Error) -> bool;
        let questions: [(&str, Question, u16); 5] = [
            ("not found", Error::is_not_found, 404),
            ("conflict", Error::is_conflict, 409),
            ("rate limited", Error::is_rate_limited, 429),
            ("unauthorized", Error::is_unauthorized, 401),
            ("forbidden", Error::is_forbidden, 403),
        ];
        for status in [400, 401, 403, 404, 409, 429, 500, 502, 503] {
            let error = answered(status, &[]);
            for (name, question, its_status) in questions {
                assert_eq!(
                    question(&error),
                    status == its_status,
                    "{name} for {status}"
                );
            }
            assert_eq!(error.is_server_error(), status >= 500, "{status}");
            assert_eq!(
                error.is_retryable(),
                RETRY_STATUSES.contains(&status),
                "{status}"
            );
            assert_eq!(error.status(), Some(status));
        }
        // A decode failure has a status but is no answer's error.
        let decode = Error::Decode {
            operation: "getSandbox",
            status: 404,
            json_path: ".".to_string(),
            message: "x".to_string(),
        };
        assert!(!decode.is_not_found() && !decode.is_retryable() && !decode.is_timeout());
    }

    #[test]
    fn timeouts_and_waits_are_timeouts_and_not_retried() {
        let transfer = Error::Transfer {
            operation: "downloadFile",
            path: "/files/download".to_string(),
            kind: TransportKind::Timeout,
            message: "no progress".to_string(),
        };
        let deadline = Error::Deadline {
            what: "sandbox sb-1 to start".to_string(),
            waited: std::time::Duration::from_secs(60),
            last: "starting".to_string(),
        };
        for error in [&transfer, &deadline] {
            assert!(error.is_timeout() && !error.is_retryable(), "{error}");
        }
        assert!(!answered(504, &[]).is_timeout());
    }

    #[test]
    fn the_request_id_comes_from_the_answer_and_debug_hides_credentials() {
        let error = answered(
            500,
            &[
                ("x-request-id", "req-42"),
                ("set-cookie", "session=abcdefgh12345"),
            ],
        );
        assert_eq!(error.request_id(), Some("req-42"));
        assert_eq!(
            answered(500, &[("request-id", "r-7")]).request_id(),
            Some("r-7")
        );
        assert_eq!(answered(500, &[]).request_id(), None);
        let shown = format!("{error:?}");
        assert!(shown.contains("req-42"), "{shown}");
        assert!(!shown.contains("abcdefgh12345"), "{shown}");
    }
}
