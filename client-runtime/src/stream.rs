//! Bodies that stream: a response received chunk by chunk ([`ByteStream`]), written to a file
//! that appears under its name only when it is whole, and the progress and idle-time watch of
//! streamed transfers.

use super::error::{Error, TransportKind};
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use reqwest::header::HeaderMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;

/// How far a transfer has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Bytes moved so far.
    pub done: u64,
    /// All the bytes, when known.
    pub total: Option<u64>,
}

/// When a streamed transfer last moved, for the watchdog that ends a silent one.
#[derive(Debug, Clone)]
pub(crate) struct Watch(Arc<(Instant, AtomicU64)>);

impl Watch {
    pub(crate) fn new() -> Watch {
        Watch(Arc::new((Instant::now(), AtomicU64::new(0))))
    }

    /// Records progress now.
    pub(crate) fn touch(&self) {
        let since = self.0 .0.elapsed().as_millis() as u64;
        self.0 .1.store(since, Ordering::Relaxed);
    }

    /// How long since the last progress (or since the watch began).
    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.0 .1.load(Ordering::Relaxed));
        self.0 .0.elapsed().saturating_sub(last)
    }
}

/// Runs `future` until it ends, or until `watch` has seen no progress for `limit` (then
/// `None`): the time limit of a streamed transfer, which may take as long as it keeps moving.
pub(crate) async fn watched<F: Future>(
    future: F,
    watch: &Watch,
    limit: Duration,
) -> Option<F::Output> {
    let watchdog = async {
        loop {
            let idle = watch.idle();
            if idle >= limit {
                return;
            }
            tokio::time::sleep((limit - idle).max(Duration::from_millis(10))).await;
        }
    };
    tokio::select! {
        output = future => Some(output),
        () = watchdog => None,
    }
}

/// A response body received as it arrives: for binary and `*/*` answers, of any size, in
/// bounded memory. Each chunk must arrive within the call's timeout; the transfer as a whole
/// may take as long as it keeps moving.
///
/// ```no_run
/// # async fn run(body: client_runtime::ByteStream) -> Result<(), client_runtime::Error> {
/// // Into a file: written beside it and renamed when whole, so a transfer that fails or is
/// // dropped never leaves a partial file under the name.
/// let written = body
///     .write_to_file("disk.img", |p| eprintln!("{} of {:?}", p.done, p.total))
///     .await?;
/// # Ok(())
/// # }
/// ```
pub struct ByteStream {
    source: Source,
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    headers: HeaderMap,
    idle: Duration,
    received: u64,
    total: Option<u64>,
}

enum Source {
    Live(reqwest::Response),
    Buffered(Option<Bytes>),
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("received", &self.received)
            .field("total", &self.total)
            .finish()
    }
}

impl ByteStream {
    /// The body of a live response.
    pub(crate) fn live(
        response: reqwest::Response,
        operation: &'static str,
        path: String,
        idle: Duration,
    ) -> ByteStream {
        ByteStream {
            total: response.content_length(),
            headers: response.headers().clone(),
            source: Source::Live(response),
            operation,
            path,
            idle,
            received: 0,
        }
    }

    /// A body already received whole.
    pub(crate) fn buffered(
        bytes: Bytes,
        headers: HeaderMap,
        operation: &'static str,
        path: String,
    ) -> ByteStream {
        ByteStream {
            total: Some(bytes.len() as u64),
            source: Source::Buffered(Some(bytes)),
            headers,
            operation,
            path,
            idle: Duration::MAX,
            received: 0,
        }
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.total
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The next chunk, or `None` at the end. A chunk that takes longer than the call's timeout
    /// to arrive, a broken connection, or a body that ends short of its announced length is
    /// [`Error::Transfer`].
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        let next = match &mut self.source {
            Source::Buffered(bytes) => bytes.take(),
            Source::Live(response) => {
                match tokio::time::timeout(self.idle, response.chunk()).await {
                    Err(_) => {
                        return Err(self.failure(
                            TransportKind::Timeout,
                            format!("no data for {:?}", self.idle),
                        ))
                    }
                    Ok(Err(error)) => {
                        return Err(self.failure(TransportKind::Other, error.to_string()))
                    }
                    Ok(Ok(chunk)) => chunk,
                }
            }
        };
        match next {
            Some(chunk) => {
                self.received += chunk.len() as u64;
                Ok(Some(chunk))
            }
            None => match self.total {
                Some(total) if self.received < total => Err(self.failure(
                    TransportKind::Other,
                    format!("the body ended after {} of {total} bytes", self.received),
                )),
                _ => Ok(None),
            },
        }
    }

    fn failure(&self, kind: TransportKind, message: String) -> Error {
        Error::Transfer {
            operation: self.operation,
            path: self.path.clone(),
            kind,
            message,
        }
    }

    /// The whole body in memory (for bodies known to be small).
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        if let Source::Buffered(bytes) = &mut self.source {
            return Ok(bytes.take().unwrap_or_default());
        }
        collect(self).await
    }

    /// The body as a [`Stream`] of chunks.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
        chunks(self)
    }

    /// Writes the body to `writer`, calling `progress` after each chunk; the bytes written.
    pub async fn write_to<W>(
        self,
        writer: &mut W,
        progress: impl Fn(Progress),
    ) -> Result<u64, Error>
    where
        W: tokio::io::AsyncWrite + Unpin,
    {
        let (operation, path, total) = (self.operation, self.path.clone(), self.total);
        copy(self.into_stream(), writer, total, progress, |message| {
            Error::Transfer {
                operation,
                path: path.clone(),
                kind: TransportKind::Other,
                message,
            }
        })
        .await
    }

    /// Writes the body to the file at `path`, calling `progress` after each chunk; the bytes
    /// written. The body goes to a temporary file beside `path`, renamed to `path` only once
    /// it is whole: a transfer that fails, or whose future is dropped, leaves nothing under
    /// `path` (and no temporary file).
    pub async fn write_to_file(
        self,
        path: impl AsRef<Path>,
        progress: impl Fn(Progress),
    ) -> Result<u64, Error> {
        let (operation, total) = (self.operation, self.total);
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

/// Something read chunk by chunk: a body or a multipart part.
pub(crate) trait Chunked: Send + Sized + 'static {
    /// The next chunk, or `None` at the end.
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, Error>> + Send + '_;
}

impl Chunked for ByteStream {
    fn next_chunk(&mut self) -> impl Future<Output = Result<Option<Bytes>, Error>> + Send + '_ {
        self.chunk()
    }
}

/// All of `source`'s chunks in memory.
pub(crate) async fn collect(mut source: impl Chunked) -> Result<Bytes, Error> {
    let mut all = bytes::BytesMut::new();
    while let Some(chunk) = source.next_chunk().await? {
        all.extend_from_slice(&chunk);
    }
    Ok(all.freeze())
}

/// `source`'s chunks as a [`Stream`], which ends after an error.
pub(crate) fn chunks(
    source: impl Chunked,
) -> impl Stream<Item = Result<Bytes, Error>> + Send + 'static {
    futures_util::stream::unfold(Some(source), |state| async move {
        let mut source = state?;
        match source.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(source))),
            Ok(None) => None,
            Err(error) => Some((Err(error), None)),
        }
    })
}

/// Copies `chunks` to `writer`, calling `progress` after each chunk; the bytes copied. Write
/// failures become errors through `failure`.
pub(crate) async fn copy<W>(
    chunks: impl Stream<Item = Result<Bytes, Error>>,
    writer: &mut W,
    total: Option<u64>,
    progress: impl Fn(Progress),
    failure: impl Fn(String) -> Error,
) -> Result<u64, Error>
where
    W: tokio::io::AsyncWrite + Unpin,
{
    let mut chunks = std::pin::pin!(chunks);
    let mut done = 0;
    while let Some(chunk) = chunks.next().await.transpose()? {
        writer
            .write_all(&chunk)
            .await
            .map_err(|e| failure(format!("writing: {e}")))?;
        done += chunk.len() as u64;
        progress(Progress { done, total });
    }
    writer
        .flush()
        .await
        .map_err(|e| failure(format!("writing: {e}")))?;
    Ok(done)
}

/// Writes `chunks` to the file at `path` through a temporary file beside it, renamed to `path`
/// only when all of them are written: on failure, or when the future is dropped, nothing is
/// left under `path` and the temporary file is removed. The bytes written.
pub(crate) async fn write_file(
    path: &Path,
    operation: &'static str,
    chunks: impl Stream<Item = Result<Bytes, Error>>,
    total: Option<u64>,
    progress: impl Fn(Progress),
) -> Result<u64, Error> {
    let failure = |message: String| Error::Transfer {
        operation,
        path: path.display().to_string(),
        kind: TransportKind::Other,
        message: format!("{}: {message}", path.display()),
    };
    let partial = PartialFile::create(path)
        .await
        .map_err(|e| failure(format!("creating: {e}")))?;
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&partial.path)
        .await
        .map_err(|e| failure(format!("opening: {e}")))?;
    let written = copy(chunks, &mut file, total, progress, &failure).await?;
    file.sync_all()
        .await
        .map_err(|e| failure(format!("syncing: {e}")))?;
    drop(file);
    partial
        .persist(path)
        .await
        .map_err(|e| failure(format!("renaming: {e}")))?;
    Ok(written)
}

/// A temporary file beside a target, removed when dropped unless it was renamed to the target.
pub(crate) struct PartialFile {
    pub(crate) path: PathBuf,
    kept: bool,
}

impl PartialFile {
    /// Creates an empty temporary file in `target`'s folder.
    pub(crate) async fn create(target: &Path) -> std::io::Result<PartialFile> {
        use std::sync::atomic::AtomicU32;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".to_string());
        let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = target.with_file_name(format!(".{name}.{}-{unique}.part", std::process::id()));
        tokio::fs::File::create(&path).await?;
        Ok(PartialFile { path, kept: false })
    }

    /// Renames the temporary file to `target`.
    pub(crate) async fn persist(mut self, target: &Path) -> std::io::Result<()> {
        tokio::fs::rename(&self.path, target).await?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_buffered_body_writes_to_a_file_through_a_temporary_one() {
        let dir = std::env::temp_dir().join(format!("bytestream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.bin");
        let body = ByteStream::buffered(
            Bytes::from_static(b"hello"),
            HeaderMap::new(),
            "op",
            "/p".into(),
        );
        let seen = std::sync::Mutex::new(Vec::new());
        let written = body
            .write_to_file(&target, |p| seen.lock().unwrap().push(p))
            .await
            .unwrap();
        assert_eq!(written, 5);
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        assert_eq!(
            seen.into_inner().unwrap(),
            [Progress {
                done: 5,
                total: Some(5)
            }]
        );
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn the_watchdog_ends_a_silent_transfer_and_spares_a_moving_one() {
        let watch = Watch::new();
        let silent = watched(
            tokio::time::sleep(Duration::from_secs(5)),
            &watch,
            Duration::from_millis(50),
        );
        assert!(silent.await.is_none());

        let watch = Watch::new();
        let ticking = {
            let watch = watch.clone();
            async move {
                for _ in 0..10 {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    watch.touch();
                }
            }
        };
        // 200 ms in all, but never 50 ms without progress.
        assert!(watched(ticking, &watch, Duration::from_millis(50))
            .await
            .is_some());
    }
}
