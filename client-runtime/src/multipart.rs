//! Multipart answers (`multipart/form-data` or `multipart/mixed` bodies, such as bulk
//! downloads), parsed part by part as they arrive, with `multer`: no part is held whole in
//! memory unless asked for.
//!
//! Its futures are boxed ([`BoxFuture`]) rather than `async fn`s: rustc compiles the state
//! machine of an `async fn` in the crate that polls it, and this crate polls none of them, so
//! every crate that read parts compiled its own copy, with multer's parser under it. Boxed, they
//! compile here once.

use super::error::{Error, TransportKind};
use super::stream::{chunks, collect, write_file, ByteStream, Chunked, Progress};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::Stream;
use reqwest::header::{HeaderMap, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE};
use std::path::Path;

/// The parts of a multipart answer, in the order they arrive.
///
/// Each part must be read (or dropped) before the next is asked for; the parts are one stream.
///
/// ```no_run
/// # async fn run(body: client_runtime::ByteStream) -> Result<(), client_runtime::Error> {
/// let mut parts = body.multipart()?;
/// while let Some(part) = parts.next_part().await? {
///     let name = part.file_name().unwrap_or("unnamed").replace('/', "_");
///     part.write_to_file(name, |_| {}).await?;
/// }
/// # Ok(())
/// # }
/// ```
pub struct Parts {
    multipart: multer::Multipart<'static>,
    operation: &'static str,
    path: String,
}

impl std::fmt::Debug for Parts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parts")
            .field("operation", &self.operation)
            .finish()
    }
}

/// One part of a multipart answer: its headers, then its contents as they arrive.
pub struct Part {
    field: multer::Field<'static>,
    file_name: Option<String>,
    operation: &'static str,
    path: String,
    received: u64,
}

impl std::fmt::Debug for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Part")
            .field("name", &self.name())
            .field("file_name", &self.file_name)
            .field("content_length", &self.content_length())
            .finish()
    }
}

impl ByteStream {
    /// The body as multipart parts, read as they arrive. A body that is not multipart (no
    /// boundary in its `Content-Type`) is [`Error::Transfer`].
    pub fn multipart(self) -> Result<Parts, Error> {
        let (operation, path) = (self.operation, self.path.clone());
        let content_type = self
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let boundary = multer::parse_boundary(&content_type).map_err(|e| Error::Transfer {
            operation,
            path: path.clone(),
            kind: TransportKind::Other,
            message: format!("not a multipart answer (`Content-Type: {content_type}`): {e}"),
        })?;
        Ok(Parts {
            multipart: multer::Multipart::new(self.into_stream(), boundary),
            operation,
            path,
        })
    }
}

impl Parts {
    /// The next part, or `None` after the last. A body that ends before its closing boundary
    /// is an error, never a quiet end.
    pub fn next_part(&mut self) -> BoxFuture<'_, Result<Option<Part>, Error>> {
        Box::pin(self.read_next_part())
    }

    async fn read_next_part(&mut self) -> Result<Option<Part>, Error> {
        match self.multipart.next_field().await {
            Ok(Some(field)) => Ok(Some(Part {
                file_name: file_name(field.headers()),
                field,
                operation: self.operation,
                path: self.path.clone(),
                received: 0,
            })),
            Ok(None) => Ok(None),
            Err(error) => Err(failure(self.operation, &self.path, error)),
        }
    }
}

impl Part {
    /// The part's name (`name=` in its `Content-Disposition`).
    pub fn name(&self) -> Option<&str> {
        self.field.name()
    }

    /// The part's file name: `filename*=` (RFC 5987, any characters) when given, else
    /// `filename=`.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The part's length, when its headers give it.
    pub fn content_length(&self) -> Option<u64> {
        self.headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok())
    }

    /// The part's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.field.headers()
    }

    /// The next chunk of the part, or `None` at its end. A part shorter than its announced
    /// length is an error.
    pub fn chunk(&mut self) -> BoxFuture<'_, Result<Option<Bytes>, Error>> {
        Box::pin(self.read_chunk())
    }

    async fn read_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match self.field.chunk().await {
            Ok(Some(chunk)) => {
                self.received += chunk.len() as u64;
                Ok(Some(chunk))
            }
            Ok(None) => match self.content_length() {
                Some(total) if self.received != total => Err(Error::Transfer {
                    operation: self.operation,
                    path: self.path.clone(),
                    kind: TransportKind::Other,
                    message: format!(
                        "part {:?} has {} bytes, its header says {total}",
                        self.file_name.as_deref().or(self.name()).unwrap_or(""),
                        self.received
                    ),
                }),
                _ => Ok(None),
            },
            Err(error) => Err(failure(self.operation, &self.path, error)),
        }
    }

    /// The whole part in memory (for parts known to be small, such as error descriptions).
    pub fn bytes(self) -> BoxFuture<'static, Result<Bytes, Error>> {
        Box::pin(collect(self))
    }

    /// The part as a [`Stream`] of chunks.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
        chunks(self)
    }

    /// Writes the part to the file at `path` as [`ByteStream::write_to_file`] writes a body:
    /// through a temporary file renamed when the part is whole. The bytes written.
    pub async fn write_to_file(
        self,
        path: impl AsRef<Path>,
        progress: impl Fn(Progress),
    ) -> Result<u64, Error> {
        let (operation, total) = (self.operation, self.content_length());
        write_file(
            path.as_ref(),
            operation,
            self.into_stream(),
            total,
            progress,
        )
        .await
    }
}

impl Chunked for Part {
    fn next_chunk(
        &mut self,
    ) -> impl std::future::Future<Output = Result<Option<Bytes>, Error>> + Send + '_ {
        self.chunk()
    }
}

fn failure(operation: &'static str, path: &str, error: multer::Error) -> Error {
    // The body's own failures (a timeout, a broken connection) keep their kind.
    if let multer::Error::StreamReadFailed(inner) = &error {
        if let Some(Error::Transfer { kind, message, .. }) = inner.downcast_ref::<Error>() {
            return Error::Transfer {
                operation,
                path: path.to_string(),
                kind: *kind,
                message: message.clone(),
            };
        }
    }
    Error::Transfer {
        operation,
        path: path.to_string(),
        kind: TransportKind::Other,
        message: format!("reading the multipart answer: {error}"),
    }
}

/// The file name in a part's `Content-Disposition`: `filename*=UTF-8''…` decoded when present
/// (servers put names outside Latin-1 only there), else `filename=`.
fn file_name(headers: &HeaderMap) -> Option<String> {
    let disposition = headers.get(CONTENT_DISPOSITION)?.as_bytes();
    let disposition = String::from_utf8_lossy(disposition);
    let mut plain = None;
    for parameter in split_parameters(&disposition) {
        let Some((key, value)) = parameter.split_once('=') else {
            continue;
        };
        match key.trim().to_ascii_lowercase().as_str() {
            "filename*" => {
                let value = value.trim();
                let (charset, rest) = value.split_once('\'')?;
                let (_language, encoded) = rest.split_once('\'')?;
                if charset.eq_ignore_ascii_case("utf-8") {
                    let decoded = percent_encoding::percent_decode_str(encoded).decode_utf8();
                    if let Ok(decoded) = decoded {
                        return Some(decoded.into_owned());
                    }
                }
            }
            "filename" => plain = Some(unquote(value.trim())),
            _ => {}
        }
    }
    plain
}

/// The `;`-separated parameters of a header value, `;` inside quotes kept.
fn split_parameters(value: &str) -> Vec<&str> {
    let (mut parameters, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parameters.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parameters.push(&value[start..]);
    parameters
}

/// A quoted string's contents, escapes removed; other values as they are.
fn unquote(value: &str) -> String {
    match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' {
                    chars.next().unwrap_or(c)
                } else {
                    c
                });
            }
            out
        }
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn disposition(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_DISPOSITION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_file_name_prefers_the_encoded_form() {
        let headers = disposition(
            r#"form-data; name="file"; filename="/tmp/caf_.txt"; filename*=utf-8''%2Ftmp%2Fcaf%C3%A9.txt"#,
        );
        assert_eq!(file_name(&headers).as_deref(), Some("/tmp/café.txt"));
        let headers = disposition(r#"form-data; name="file"; filename="a \"quoted\"; name.txt""#);
        assert_eq!(
            file_name(&headers).as_deref(),
            Some(r#"a "quoted"; name.txt"#)
        );
        assert_eq!(file_name(&disposition(r#"form-data; name="x""#)), None);
    }

    fn body(content_type: &str, body: &'static [u8]) -> ByteStream {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        ByteStream::buffered(Bytes::from_static(body), headers, "Op", "/p".into())
    }

    #[tokio::test]
    async fn parts_arrive_in_order_and_a_missing_end_is_an_error() {
        let whole = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Length: 3\r\n\r\nabc\r\n--B\r\nContent-Disposition: form-data; name=\"error\"; filename=\"b\"\r\n\r\n{}\r\n--B--\r\n";
        let mut parts = body("multipart/form-data; boundary=B", whole)
            .multipart()
            .unwrap();
        let first = parts.next_part().await.unwrap().unwrap();
        assert_eq!((first.name(), first.file_name()), (Some("file"), Some("a")));
        assert_eq!(first.content_length(), Some(3));
        assert_eq!(&first.bytes().await.unwrap()[..], b"abc");
        let second = parts.next_part().await.unwrap().unwrap();
        assert_eq!(second.name(), Some("error"));
        assert_eq!(&second.bytes().await.unwrap()[..], b"{}");
        assert!(parts.next_part().await.unwrap().is_none());

        let cut = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nab";
        let mut parts = body("multipart/form-data; boundary=B", cut)
            .multipart()
            .unwrap();
        let part = parts.next_part().await.unwrap().unwrap();
        assert!(part.bytes().await.is_err(), "a part cut short is an error");

        let short = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nContent-Length: 9\r\n\r\nabc\r\n--B--\r\n";
        let mut parts = body("multipart/form-data; boundary=B", short)
            .multipart()
            .unwrap();
        let part = parts.next_part().await.unwrap().unwrap();
        assert!(
            part.bytes().await.is_err(),
            "a part shorter than its length is an error"
        );

        assert!(body("application/json", b"{}").multipart().is_err());
    }
}
