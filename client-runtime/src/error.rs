//! The one error type of the client.

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
#[derive(Debug, Clone)]
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
}

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

impl Error {
    /// The HTTP status, for errors that have one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Redirect { status, .. } | Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }
}
