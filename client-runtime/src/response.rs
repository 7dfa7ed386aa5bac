//! A received response, and decoding it into the declared type.

use super::error::{ApiError, Error, ErrorDecoder};
use super::json_path::json_path_of;
use super::redact::shown_headers;
use super::secret::Secret;
use super::stream::ByteStream;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::Method;
use std::sync::Arc;

/// A response: its body read whole, or (for a streamed success) arriving. Its `Debug` shows
/// the body's length, not the body (an answer may carry a new key), and no credential header.
pub struct Response {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    /// The body read whole (empty while it streams).
    pub(crate) body: Bytes,
    /// The body as it arrives, for a streamed success.
    pub(crate) streaming: Option<ByteStream>,
    pub(crate) error_models: Vec<(Option<u16>, ErrorDecoder)>,
    /// The credentials the request carried (the bearer token, credential-named header and
    /// query values), so that text taken from the body into an error never carries them
    /// (a server or proxy may echo it back).
    pub(crate) secrets: Arc<[Secret]>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers = shown_headers(&self.headers);
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("status", &self.status)
            .field("headers", &headers)
            .field("body_bytes", &self.body.len())
            .field("streaming", &self.streaming.is_some())
            .finish()
    }
}

impl Response {
    /// The status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body, as received.
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The body as it arrives, as a decode step: for operations whose success body is binary
    /// or `*/*` (their requests ask for a streamed response).
    pub fn stream(self) -> Result<ByteStream, Error> {
        Ok(match self.streaming {
            Some(stream) => stream,
            None => ByteStream::buffered(self.body, self.headers, self.operation, self.path),
        })
    }

    /// Nothing: for operations whose success responses have no body.
    pub fn discard(self) -> Result<(), Error> {
        Ok(())
    }

    /// The body as text (invalid UTF-8 is replaced).
    pub fn text(self) -> Result<String, Error> {
        Ok(String::from_utf8_lossy(&self.body).into_owned())
    }

    /// The body decoded from JSON, or as text when the server answered with a `text/*`
    /// `Content-Type`: for operations that declare both (which one the server sends depends on
    /// the request).
    pub fn json_or_text<T: serde::de::DeserializeOwned>(self) -> Result<JsonOrText<T>, Error> {
        if self.is_text() {
            self.text().map(JsonOrText::Text)
        } else {
            self.json().map(JsonOrText::Json)
        }
    }

    /// Whether the `Content-Type` is `text/*`.
    fn is_text(&self) -> bool {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .trim_start()
                    .get(..5)
                    .is_some_and(|start| start.eq_ignore_ascii_case("text/"))
            })
    }

    /// The body decoded from JSON; a failure names the JSON path of the value that did not fit.
    pub fn json<T: serde::de::DeserializeOwned>(self) -> Result<T, Error> {
        // Only the call to serde_json depends on `T`; building the error does not, so it is
        // compiled once rather than once per response type.
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(error) => Err(self.decode_error(&error)),
        }
    }

    fn decode_error(&self, error: &serde_json::Error) -> Error {
        let mut error = decode_error(self.operation, self.status, &self.body, error);
        if let Error::Decode {
            json_path, message, ..
        } = &mut error
        {
            *json_path = self.scrub(std::mem::take(json_path));
            *message = self.scrub(std::mem::take(message));
        }
        error
    }

    /// The error for a status the operation does not declare.
    pub fn unexpected_status(self) -> Error {
        self.into_api_error()
    }

    pub(crate) fn is_success(&self) -> bool {
        (100..300).contains(&self.status)
    }

    pub(crate) fn into_api_error(self) -> Error {
        let decoder = self
            .error_models
            .iter()
            .find(|(status, _)| *status == Some(self.status))
            .or_else(|| {
                self.error_models
                    .iter()
                    .find(|(status, _)| status.is_none())
            });
        let body = self.scrub(String::from_utf8_lossy(&self.body).into_owned());
        let model = decoder.and_then(|(_, decode)| decode(body.as_bytes()));
        Error::Api(Box::new(ApiError {
            model,
            operation: self.operation,
            method: self.method,
            path: self.path,
            status: self.status,
            body,
            headers: self.headers,
        }))
    }

    fn scrub(&self, mut text: String) -> String {
        for secret in self.secrets.iter() {
            let secret = secret.expose();
            if !secret.is_empty() && text.contains(secret) {
                text = text.replace(secret, "[redacted]");
            }
        }
        text
    }
}

/// A body an operation declares both as JSON and as text.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonOrText<T> {
    /// The server answered with JSON.
    Json(T),
    /// The server answered with text.
    Text(String),
}

/// Decodes a JSON body as the response of `operation` with `status`; a failure is
/// [`Error::Decode`] naming the JSON path of the value that did not fit.
pub fn decode<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(error) => Err(decode_error(operation, status, body, &error)),
    }
}

fn decode_error(
    operation: &'static str,
    status: u16,
    body: &[u8],
    error: &serde_json::Error,
) -> Error {
    let message = error.to_string();
    Error::Decode {
        operation,
        status,
        json_path: json_path_of(body, error, &message),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &'static str) -> Response {
        Response {
            operation: "getThing",
            method: Method::GET,
            path: "/thing".into(),
            status: 200,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            streaming: None,
            error_models: Vec::new(),
            secrets: Arc::from([Secret::new("k3y")]),
        }
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Thing {
        inner: Inner,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    #[test]
    fn decode_errors_name_the_field() {
        let error = response(r#"{"inner": {"count": "many"}}"#)
            .json::<Thing>()
            .unwrap_err();
        let Error::Decode {
            json_path,
            operation,
            ..
        } = &error
        else {
            panic!("{error}")
        };
        assert_eq!(json_path, "inner.count");
        assert_eq!(*operation, "getThing");
        assert!(error.to_string().contains("`inner.count`"), "{error}");
    }

    #[test]
    fn api_errors_carry_status_operation_and_body() {
        let mut r = response("{\"message\":\"nope\"}");
        r.status = 404;
        let error = r.unexpected_status();
        assert_eq!(error.status(), Some(404));
        assert_eq!(
            error.to_string(),
            "getThing (GET /thing) failed with status 404: {\"message\":\"nope\"}"
        );
    }
}
