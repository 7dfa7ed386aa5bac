//! File contents (`format: binary`) to send: bytes in memory (the fast path), a file on disk,
//! or a reader or stream read as it is sent, so a body of any size goes out in bounded memory.

use super::error::Error;
use super::stream::{Progress, Watch};
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};

/// How much of a file or reader is read at a time.
const CHUNK: usize = 64 * 1024;

/// A one-time source of bytes: what a reader or stream becomes.
type Source = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// A callback told how far a transfer has come.
type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// The contents of a file (`format: binary`), with the name and type sent in multipart forms.
///
/// Bytes in memory are sent as they are; a file is read as it is sent (and read again if the
/// request is retried); a reader or stream is read once, as it is sent, so a request that sends
/// one is not retried.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use client_runtime::Binary;
///
/// let small = Binary::new("hello").with_file_name("hello.txt");
/// let large = Binary::from_file("/var/backups/disk.img")
///     .on_progress(|p| eprintln!("{} of {:?} bytes sent", p.done, p.total));
/// let piped = Binary::from_reader(tokio::io::empty(), Some(0));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Binary {
    content: Content,
    /// The file name sent in a multipart part's `Content-Disposition` (default `file`).
    pub file_name: Option<String>,
    /// The multipart part's `Content-Type` (default `application/octet-stream`).
    pub content_type: Option<String>,
    progress: Option<ProgressFn>,
}

#[derive(Clone)]
enum Content {
    Bytes(Bytes),
    File(PathBuf),
    /// A reader or stream, taken when the request is sent; the length, when known.
    Once(Arc<Mutex<Option<Source>>>, Option<u64>),
}

impl Binary {
    /// File contents held in memory.
    pub fn new(data: impl Into<Bytes>) -> Self {
        Binary::with_content(Content::Bytes(data.into()))
    }

    /// The contents of the file at `path`, read as the request is sent (never whole in
    /// memory); the file name sent with it is the path's, unless set.
    pub fn from_file(path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let mut binary = Binary::with_content(Content::File(path.to_path_buf()));
        binary.file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        binary
    }

    /// Contents read from `reader` as the request is sent, once. `len`, when known, is sent as
    /// the length (and used for progress).
    pub fn from_reader(
        reader: impl tokio::io::AsyncRead + Send + 'static,
        len: Option<u64>,
    ) -> Self {
        let stream = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK);
        Binary::with_content(Content::Once(
            Arc::new(Mutex::new(Some(Box::pin(stream)))),
            len,
        ))
    }

    /// Contents taken from `stream` as the request is sent, once.
    pub fn from_stream<S, E>(stream: S, len: Option<u64>) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        let stream = stream.map_err(io::Error::other);
        Binary::with_content(Content::Once(
            Arc::new(Mutex::new(Some(Box::pin(stream)))),
            len,
        ))
    }

    fn with_content(content: Content) -> Self {
        Binary {
            content,
            file_name: None,
            content_type: None,
            progress: None,
        }
    }

    /// Sets the file name.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the content type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Calls `progress` as the contents are sent, with the bytes sent so far and the total
    /// when known; the last call has `done` equal to the total.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The bytes, when the contents are held in memory.
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.content {
            Content::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The bytes, when they are in memory and nobody watches their progress: the fast path.
    pub(crate) fn plain_bytes(&self) -> Option<&Bytes> {
        self.bytes().filter(|_| self.progress.is_none())
    }

    /// Whether the contents can be sent again (a retry): bytes and files can, a reader or a
    /// stream cannot.
    pub fn is_replayable(&self) -> bool {
        !matches!(self.content, Content::Once(..))
    }

    /// Whether the contents are read as they are sent (a file, a reader, a stream), rather than
    /// held in memory.
    pub fn is_streamed(&self) -> bool {
        !matches!(self.content, Content::Bytes(_))
    }

    /// The contents as a request body, with their length when known. Reading a file or taking
    /// a reader happens here, when the request is sent; `watch` learns of every chunk sent.
    pub(crate) async fn body(&self, watch: &Watch) -> Result<(reqwest::Body, Option<u64>), Error> {
        let (source, total): (Source, Option<u64>) = match &self.content {
            Content::Bytes(bytes) if self.progress.is_none() => {
                return Ok((reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64)))
            }
            Content::Bytes(bytes) => {
                let chunks: Vec<io::Result<Bytes>> = (0..bytes.len())
                    .step_by(CHUNK)
                    .map(|at| Ok(bytes.slice(at..(at + CHUNK).min(bytes.len()))))
                    .collect();
                (
                    Box::pin(futures_util::stream::iter(chunks)),
                    Some(bytes.len() as u64),
                )
            }
            Content::File(path) => {
                let file = tokio::fs::File::open(path).await.map_err(|e| {
                    Error::InvalidArgument(format!("cannot read {}: {e}", path.display()))
                })?;
                let len = file.metadata().await.ok().map(|m| m.len());
                let stream = tokio_util::io::ReaderStream::with_capacity(file, CHUNK);
                (Box::pin(stream), len)
            }
            Content::Once(source, len) => {
                let taken = source.lock().ok().and_then(|mut slot| slot.take());
                let source = taken.ok_or_else(|| {
                    Error::InvalidArgument(
                        "a reader or stream body can be sent once, and this one was".to_string(),
                    )
                })?;
                (source, *len)
            }
        };
        let counted = count(source, total, self.progress.clone(), watch.clone());
        Ok((reqwest::Body::wrap_stream(counted), total))
    }
}

/// `source`, telling `watch` and `progress` of every chunk that passes.
fn count(
    source: Source,
    total: Option<u64>,
    progress: Option<ProgressFn>,
    watch: Watch,
) -> impl Stream<Item = io::Result<Bytes>> + Send {
    let mut done = 0u64;
    source.inspect(move |chunk| {
        if let Ok(chunk) = chunk {
            done += chunk.len() as u64;
            watch.touch();
            if let Some(progress) = &progress {
                progress(Progress { done, total });
            }
        }
    })
}

impl Default for Binary {
    fn default() -> Self {
        Binary::new(Bytes::new())
    }
}

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content = match &self.content {
            Content::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Content::File(path) => format!("file {}", path.display()),
            Content::Once(_, len) => match len {
                Some(len) => format!("a reader of {len} bytes"),
                None => "a reader".to_string(),
            },
        };
        f.debug_struct("Binary")
            .field("content", &content)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Equal contents: the same bytes, the same file, or the very same reader.
impl PartialEq for Binary {
    fn eq(&self, other: &Binary) -> bool {
        let same = match (&self.content, &other.content) {
            (Content::Bytes(a), Content::Bytes(b)) => a == b,
            (Content::File(a), Content::File(b)) => a == b,
            (Content::Once(a, _), Content::Once(b, _)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl Eq for Binary {}

impl From<Bytes> for Binary {
    fn from(bytes: Bytes) -> Self {
        Binary::new(bytes)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary::new(bytes)
    }
}

/// In JSON (where a spec puts binary data in a model), the bytes travel as a string; only
/// contents held in memory can.
impl serde::Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.content {
            Content::Bytes(bytes) => serializer.serialize_str(&String::from_utf8_lossy(bytes)),
            _ => Err(serde::ser::Error::custom(
                "a file, reader or stream cannot be sent inside JSON; use bytes in memory",
            )),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        <String as serde::Deserialize>::deserialize(deserializer)
            .map(|text| Binary::new(text.into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn collect(binary: &Binary) -> Result<(Vec<u8>, Option<u64>), Error> {
        let (body, len) = binary.body(&Watch::new()).await?;
        let bytes = http_body_util::BodyExt::collect(body)
            .await
            .map_err(|e| Error::InvalidArgument(e.to_string()))?
            .to_bytes();
        Ok((bytes.to_vec(), len))
    }

    #[tokio::test]
    async fn every_source_sends_its_bytes_and_reports_progress() {
        let dir = std::env::temp_dir().join(format!("binary-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("data.bin");
        let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
        std::fs::write(&path, &data).unwrap();

        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let file = Binary::from_file(&path).on_progress(move |p| log.lock().unwrap().push(p));
        assert_eq!(file.file_name.as_deref(), Some("data.bin"));
        assert!(file.is_streamed() && file.is_replayable());
        assert_eq!(collect(&file).await.unwrap(), (data.clone(), Some(200_000)));
        let seen = std::mem::take(&mut *seen.lock().unwrap());
        assert_eq!(
            collect(&file).await.unwrap().0,
            data,
            "a file is read again"
        );
        assert_eq!(seen.last().unwrap().done, 200_000);
        assert!(seen.iter().all(|p| p.total == Some(200_000)));
        assert!(seen.windows(2).all(|w| w[0].done < w[1].done));

        let reader = Binary::from_reader(tokio::fs::File::open(&path).await.unwrap(), None);
        assert!(!reader.is_replayable());
        assert_eq!(collect(&reader).await.unwrap(), (data.clone(), None));
        let again = collect(&reader).await.unwrap_err();
        assert!(matches!(again, Error::InvalidArgument(_)), "{again}");

        let bytes = Binary::new(data.clone());
        assert_eq!(collect(&bytes).await.unwrap(), (data, Some(200_000)));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
