//! The plain description of a request that generated functions fill in.

use super::binary::Binary;
use super::error::{Error, ErrorDecoder};
use super::redact::shown_pairs;
use super::retry::RetryPolicy;
use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Method;
use std::fmt;
use std::time::Duration;

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A path parameter, percent-encoded so it stays one segment.
pub fn encode_path(value: &dyn fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), PATH_SEGMENT).to_string()
}

/// A value as text for a parameter whose Rust type has no `Display`: a string as it is (a union
/// of strings, base64 bytes), anything else as compact JSON.
pub fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// One request, before it is sent. Its `Debug` shows no body and no credential (header and
/// query values whose names say they carry one are redacted).
#[derive(Clone)]
pub struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) secured: bool,
    pub(crate) accept: Option<&'static str>,
    pub(crate) error_models: Vec<(Option<u16>, ErrorDecoder)>,
    /// What the caller changed for this call only (see [`Call`](super::Call)).
    pub(crate) overrides: Overrides,
    /// Whether a success response's body is handed over as it arrives rather than read whole.
    pub(crate) stream_response: bool,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let query = shown_pairs(
            self.query
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
        );
        let headers =
            shown_pairs(
                self.headers
                    .iter()
                    .map(|(name, value)| (*name, value.as_str()))
                    .chain(self.overrides.headers.iter().map(|(name, value)| {
                        (name.as_str(), value.to_str().unwrap_or("[not text]"))
                    })),
            );
        let body = match &self.body {
            Body::None => "none".to_string(),
            Body::Bytes { content_type, data } => format!("{} bytes of {content_type}", data.len()),
            Body::Multipart(form) => format!("a form of {} parts", form.parts.len()),
            Body::Binary {
                content_type,
                binary,
            } => format!("{binary:?} as {content_type}"),
        };
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &query)
            .field("headers", &headers)
            .field("body", &body)
            .field("timeout", &self.overrides.timeout)
            .finish()
    }
}

/// Settings of one call that replace the client's: set through [`Call`](super::Call)'s
/// `timeout`, `header` and `retry`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Overrides {
    /// The time limit of each attempt, instead of the configured one.
    pub(crate) timeout: Option<Duration>,
    /// The retry policy, instead of the configured one.
    pub(crate) retry: Option<RetryPolicy>,
    /// Headers sent with this call, after (and replacing) every other header of the same name.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

/// A request body.
#[derive(Debug, Clone, Default)]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// Bytes with their content type (JSON, text, or raw bytes).
    Bytes {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The encoded body.
        data: Bytes,
    },
    /// A `multipart/form-data` form.
    Multipart(Form),
    /// File contents with their content type: bytes, or read from a file, reader or stream as
    /// they are sent.
    Binary {
        /// The `Content-Type`.
        content_type: &'static str,
        /// The contents.
        binary: Binary,
    },
}

impl Request {
    /// A request for `operation` (its id in the spec) to `path` (already encoded).
    pub fn new(method: Method, operation: &'static str, path: String) -> Self {
        Request {
            operation,
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            secured: false,
            accept: None,
            error_models: Vec::new(),
            overrides: Overrides::default(),
            stream_response: false,
        }
    }

    /// Hands a success response's body over as it arrives (a [`ByteStream`](super::ByteStream))
    /// instead of reading it whole: for binary and `*/*` answers of any size.
    pub fn stream_response(&mut self) {
        self.stream_response = true;
    }

    /// Whether the request streams: its body is read as it is sent, or its response's as it
    /// arrives. Such a request's timeout is a limit on time without progress, not on the whole.
    pub(crate) fn is_streaming(&self) -> bool {
        self.stream_response
            || match &self.body {
                Body::Binary { binary, .. } => binary.is_streamed(),
                Body::Multipart(form) => form.files().any(Binary::is_streamed),
                _ => false,
            }
    }

    /// Whether the body can be sent again on a retry (a reader or stream cannot).
    pub(crate) fn is_replayable(&self) -> bool {
        match &self.body {
            Body::Binary { binary, .. } => binary.is_replayable(),
            Body::Multipart(form) => form.files().all(Binary::is_replayable),
            _ => true,
        }
    }

    /// Declares the model of error bodies with `status` (`None`: any status not declared).
    pub fn error_model(&mut self, status: Option<u16>, decode: ErrorDecoder) {
        self.error_models.push((status, decode));
    }

    /// Sends the bearer token with this request.
    pub fn secured(&mut self) {
        self.secured = true;
    }

    /// Sets the `Accept` header.
    pub fn accept(&mut self, media_type: &'static str) {
        self.accept = Some(media_type);
    }

    /// Adds a query pair.
    pub fn query(&mut self, name: &'static str, value: &dyn fmt::Display) {
        self.query.push((name, value.to_string()));
    }

    /// Adds a header.
    pub fn header(&mut self, name: &'static str, value: &dyn fmt::Display) {
        self.headers.push((name, value.to_string()));
    }

    /// Adds a cookie to the `Cookie` header.
    pub fn cookie(&mut self, name: &'static str, value: &dyn fmt::Display) {
        let pair = format!("{name}={value}");
        match self.headers.iter_mut().find(|(n, _)| *n == "cookie") {
            Some((_, cookies)) => {
                cookies.push_str("; ");
                cookies.push_str(&pair);
            }
            None => self.headers.push(("cookie", pair)),
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body from a struct's fields.
    pub fn form<T: serde::Serialize + ?Sized>(&mut self, body: &T) -> Result<(), Error> {
        let data = serde_urlencoded::to_string(body).map_err(|e| Error::Encode {
            operation: self.operation,
            message: e.to_string(),
        })?;
        self.body = Body::Bytes {
            content_type: "application/x-www-form-urlencoded",
            data: data.into(),
        };
        Ok(())
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), Error> {
        // Only the encoding depends on `T`; the rest is compiled once.
        self.encoded_body(content_type, serde_json::to_vec(body))
    }

    fn encoded_body(
        &mut self,
        content_type: &'static str,
        encoded: Result<Vec<u8>, serde_json::Error>,
    ) -> Result<(), Error> {
        let data = encoded.map_err(|e| Error::Encode {
            operation: self.operation,
            message: e.to_string(),
        })?;
        self.body = Body::Bytes {
            content_type,
            data: data.into(),
        };
        Ok(())
    }

    /// Sets a text body.
    pub fn text(&mut self, body: String) {
        self.body = Body::Bytes {
            content_type: "text/plain; charset=utf-8",
            data: body.into(),
        };
    }

    /// Sets a raw body.
    pub fn bytes(&mut self, content_type: &'static str, body: Bytes) {
        self.body = Body::Bytes {
            content_type,
            data: body,
        };
    }

    /// Sets a body of file contents (bytes, or a file, reader or stream sent as it is read).
    pub fn binary(&mut self, content_type: &'static str, body: Binary) {
        self.body = match body.plain_bytes() {
            // Bytes in memory without a progress callback stay the plain fast path.
            Some(bytes) => Body::Bytes {
                content_type,
                data: bytes.clone(),
            },
            _ => Body::Binary {
                content_type,
                binary: body,
            },
        };
    }

    /// Sets a multipart body with one part per field of `form`.
    pub fn multipart(&mut self, form: &dyn MultipartForm) {
        let mut parts = Form::default();
        form.write_parts(&mut parts, "");
        self.body = Body::Multipart(parts);
    }

    /// Sets a multipart body from several forms, their parts named `prefix[i].field`.
    pub fn multipart_array<T: MultipartForm>(&mut self, prefix: &str, forms: &[T]) {
        let mut parts = Form::default();
        for (i, form) in forms.iter().enumerate() {
            form.write_parts(&mut parts, &format!("{prefix}[{i}]."));
        }
        self.body = Body::Multipart(parts);
    }

    /// The operation id.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, relative to the base URL.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A type sent as `multipart/form-data`; generated for every such body.
pub trait MultipartForm {
    /// Appends one part per field, each name prefixed with `prefix`.
    fn write_parts(&self, form: &mut Form, prefix: &str);
}

/// The parts of a multipart form, kept so that a retry can send them again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Form {
    pub(crate) parts: Vec<(String, Part)>,
}

/// One part of a form.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text(String),
    File(Binary),
}

impl Form {
    /// Adds a text part.
    pub fn text(&mut self, name: String, value: String) {
        self.parts.push((name, Part::Text(value)));
    }

    /// Adds a file part.
    pub fn file(&mut self, name: String, file: &Binary) {
        self.parts.push((name, Part::File(file.clone())));
    }

    /// Adds a part holding a value as JSON (a string value is sent as plain text).
    pub fn json<T: serde::Serialize + ?Sized>(&mut self, name: String, value: &T) {
        let text = match serde_json::to_value(value) {
            Ok(serde_json::Value::String(text)) => text,
            Ok(other) => other.to_string(),
            Err(_) => String::new(),
        };
        self.text(name, text);
    }

    /// The names of the parts, in order.
    pub fn part_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(name, _)| name.as_str())
    }

    /// The file parts' contents.
    fn files(&self) -> impl Iterator<Item = &Binary> {
        self.parts.iter().filter_map(|(_, part)| match part {
            Part::File(file) => Some(file),
            Part::Text(_) => None,
        })
    }

    /// The form for reqwest; file contents are opened here, when the request is sent, and
    /// `watch` learns of every chunk.
    pub(crate) async fn to_reqwest(
        &self,
        watch: &super::stream::Watch,
    ) -> Result<reqwest::multipart::Form, Error> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            let part = match part {
                Part::Text(text) => reqwest::multipart::Part::text(text.clone()),
                Part::File(file) => file_part(file, watch).await?,
            };
            form = form.part(name.clone(), part);
        }
        Ok(form)
    }
}

/// A file part, always with a file name and a content type (`application/octet-stream` unless
/// the file says otherwise): some servers refuse file parts without them.
async fn file_part(
    file: &Binary,
    watch: &super::stream::Watch,
) -> Result<reqwest::multipart::Part, Error> {
    let file_name = file.file_name.clone().unwrap_or_else(|| "file".to_string());
    let (body, len) = file.body(watch).await?;
    let part = match len {
        Some(len) => reqwest::multipart::Part::stream_with_length(body, len),
        None => reqwest::multipart::Part::stream(body),
    };
    let part = part.file_name(file_name);
    let given = file
        .content_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    let content_type = if given.parse::<mime::Mime>().is_ok() {
        given
    } else {
        "application/octet-stream"
    };
    part.mime_str(content_type)
        .map_err(|e| Error::InvalidArgument(format!("content type '{content_type}': {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_stay_one_segment() {
        assert_eq!(encode_path(&"a/b c?d#e"), "a%2Fb%20c%3Fd%23e");
        assert_eq!(encode_path(&"safe-._~09AZ"), "safe-._~09AZ");
        assert_eq!(encode_path(&"ü"), "%C3%BC");
    }

    struct Upload {
        file: Binary,
        path: String,
    }

    impl MultipartForm for Upload {
        fn write_parts(&self, form: &mut Form, prefix: &str) {
            form.file(format!("{prefix}file"), &self.file);
            form.text(format!("{prefix}path"), self.path.clone());
        }
    }

    #[test]
    fn arrays_of_forms_are_indexed() {
        let uploads = [
            Upload {
                file: Binary::new("a"),
                path: "/a".into(),
            },
            Upload {
                file: Binary::new("b"),
                path: "/b".into(),
            },
        ];
        let mut request = Request::new(Method::POST, "upload", "/files".into());
        request.multipart_array("files", &uploads);
        let Body::Multipart(form) = &request.body else {
            panic!("not multipart")
        };
        let names: Vec<&str> = form.part_names().collect();
        assert_eq!(
            names,
            [
                "files[0].file",
                "files[0].path",
                "files[1].file",
                "files[1].path"
            ]
        );
    }

    #[test]
    fn json_parts_send_strings_plainly() {
        let mut form = Form::default();
        form.json("a".into(), &"text");
        form.json("b".into(), &serde_json::json!({"x": 1}));
        assert_eq!(form.parts[0].1, Part::Text("text".into()));
        assert_eq!(form.parts[1].1, Part::Text("{\"x\":1}".into()));
    }

    #[test]
    fn cookies_share_one_header_and_forms_are_url_encoded() {
        let mut request = Request::new(Method::POST, "op", "/p".to_string());
        request.cookie("session", &"abc");
        request.cookie("theme", &"dark mode");
        assert_eq!(
            request.headers,
            vec![("cookie", "session=abc; theme=dark mode".to_string())]
        );
        #[derive(serde::Serialize)]
        struct Login {
            user: &'static str,
            remember: bool,
        }
        request
            .form(&Login {
                user: "a b&c",
                remember: true,
            })
            .unwrap();
        let Body::Bytes { content_type, data } = &request.body else {
            panic!("a form is sent as bytes");
        };
        assert_eq!(*content_type, "application/x-www-form-urlencoded");
        assert_eq!(&data[..], b"user=a+b%26c&remember=true");
    }

    #[test]
    fn text_of_a_string_value_has_no_quotes() {
        assert_eq!(json_text("a b"), "a b");
        assert_eq!(json_text(&[1, 2]), "[1,2]");
    }
}
