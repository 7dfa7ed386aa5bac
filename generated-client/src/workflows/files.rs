//! Files in and out of a sandbox, streamed in bounded memory, the way Daytona's SDKs move them:
//! through the toolbox's bulk upload and bulk download (`/files/bulk-upload`,
//! `/files/bulk-download`), for one file as for many.
//!
//! What the daemon does (`apps/daemon/pkg/toolbox/fs/upload_files.go`, `download_files.go`):
//!
//! * An upload is a form of `files[i].path` and `files[i].file` parts, read as it arrives: each
//!   file's path must come before its contents (the generated form sends text parts first).
//! * A download answers with one multipart part per requested path, in order: a part named
//!   `file` with the contents and a `Content-Length`, or a part named `error` with a JSON
//!   description (`statusCode`, `code`, `message`). Both carry the path as the part's file name.
//!
//! Nothing here holds a file whole in memory: uploads read from a [`Binary`] as they send,
//! downloads are [`Part`]s read as they arrive, and files on disk are written beside their
//! final name and renamed only when whole.

use crate::runtime::{Binary, Error, Method, Part, Parts, Progress};
use crate::toolbox::file_system;
use crate::toolbox::types::{FilesDownloadRequest, UploadFile};
use crate::Client;
use std::path::{Component, Path, PathBuf};

/// The operation and path errors from a bulk download name.
const DOWNLOAD_OPERATION: &str = "DownloadFiles";
const DOWNLOAD_PATH: &str = "/files/bulk-download";

/// Uploads `contents` to `destination` in the sandbox (parent folders are created; a file
/// already there is replaced). The contents are read as they are sent: use
/// [`Binary::from_file`] or [`Binary::from_reader`] for large files, and
/// [`Binary::on_progress`] to watch them go.
///
/// `toolbox` is a sandbox's toolbox client ([`toolbox_client`](super::toolbox_client)).
pub async fn upload_file(
    toolbox: &Client,
    contents: Binary,
    destination: &str,
) -> Result<(), Error> {
    upload_files(toolbox, [(destination.to_string(), contents)]).await
}

/// Uploads several files in one request: `(destination, contents)` pairs, sent in order.
pub async fn upload_files(
    toolbox: &Client,
    files: impl IntoIterator<Item = (String, Binary)>,
) -> Result<(), Error> {
    let files: Vec<UploadFile> = files
        .into_iter()
        .map(|(path, file)| UploadFile {
            // The daemon ignores the part's file name; Daytona's SDKs send the destination.
            file: file.with_file_name(path.clone()),
            path,
        })
        .collect();
    if files.is_empty() {
        return Ok(());
    }
    file_system::upload_files(toolbox, &files).await
}

/// One file of a bulk download, as it arrives.
// One is handed out at a time and read at once, never kept in numbers: boxing the larger
// variant would only add an allocation per file.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Downloaded {
    /// The file's contents: read them with [`Part::chunk`], [`Part::into_stream`] or
    /// [`Part::write_to_file`] before asking for the next file.
    File {
        /// The path in the sandbox, as requested.
        path: String,
        /// The contents.
        contents: Part,
    },
    /// The sandbox could not send this file (it is missing, a folder, unreadable): an
    /// [`Error::Api`] with the daemon's status and description.
    Failed {
        /// The path in the sandbox, as requested.
        path: String,
        /// Why.
        error: Error,
    },
}

/// The files of a bulk download, one at a time, in the order they were asked for.
#[derive(Debug)]
pub struct Downloads {
    parts: Parts,
    requested: Vec<String>,
}

impl Downloads {
    /// The next file, or `None` after the last. A part for a path that was not asked for, or
    /// an answer that breaks off, is an error.
    pub async fn next(&mut self) -> Result<Option<Downloaded>, Error> {
        let Some(part) = self.parts.next_part().await? else {
            return Ok(None);
        };
        let path = match part.file_name() {
            Some(name) if self.requested.iter().any(|r| r == name) => name.to_string(),
            other => {
                return Err(protocol_error(format!(
                    "the answer has a part for {other:?}, which was not asked for"
                )))
            }
        };
        match part.name() {
            Some("file") => Ok(Some(Downloaded::File {
                path,
                contents: part,
            })),
            Some("error") => {
                let body = part.bytes().await?;
                Ok(Some(Downloaded::Failed {
                    error: file_error(&body),
                    path,
                }))
            }
            other => Err(protocol_error(format!(
                "the answer has a part named {other:?} for {path}"
            ))),
        }
    }
}

/// Starts downloading `paths` from the sandbox: the files arrive one by one through
/// [`Downloads::next`], each read as it arrives.
pub async fn download_files(toolbox: &Client, paths: &[&str]) -> Result<Downloads, Error> {
    if paths.is_empty() {
        return Err(Error::InvalidArgument(
            "a download needs at least one path".to_string(),
        ));
    }
    let requested: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
    let body = FilesDownloadRequest {
        paths: requested.clone(),
    };
    let parts = file_system::download_files(toolbox, &body)
        .await?
        .multipart()?;
    Ok(Downloads { parts, requested })
}

/// Downloads one file: its contents as they arrive (with [`Part::content_length`]), or the
/// daemon's error for it.
pub async fn download_file(toolbox: &Client, path: &str) -> Result<Part, Error> {
    let mut downloads = download_files(toolbox, &[path]).await?;
    match downloads.next().await? {
        Some(Downloaded::File { contents, .. }) => Ok(contents),
        Some(Downloaded::Failed { error, .. }) => Err(error),
        None => Err(protocol_error(format!("the answer has no part for {path}"))),
    }
}

/// Downloads one file into `local`, calling `progress` as it arrives; the bytes written. The
/// file appears under `local` only when whole: a failed or dropped download leaves nothing
/// there.
pub async fn download_file_to(
    toolbox: &Client,
    path: &str,
    local: impl AsRef<Path>,
    progress: impl Fn(Progress),
) -> Result<u64, Error> {
    download_file(toolbox, path)
        .await?
        .write_to_file(local, progress)
        .await
}

/// Downloads `paths` into the folder `dir`, each to the same path under `dir` (`/home/a.txt`
/// goes to `dir/home/a.txt`), creating folders as needed; `progress` is told which file moves
/// and how far it is. Each path's outcome, in order: where it was written, or why not. Files
/// appear under their names only when whole.
pub async fn download_files_to_dir(
    toolbox: &Client,
    paths: &[&str],
    dir: impl AsRef<Path>,
    progress: impl Fn(&str, Progress),
) -> Result<Vec<(String, Result<PathBuf, Error>)>, Error> {
    let dir = dir.as_ref();
    // Refused before anything is sent: a path that would land outside `dir`.
    let targets = paths
        .iter()
        .map(|path| local_path(dir, path).map(|local| (path.to_string(), local)))
        .collect::<Result<Vec<_>, Error>>()?;
    let mut downloads = download_files(toolbox, paths).await?;
    let mut outcomes = Vec::with_capacity(paths.len());
    while let Some(downloaded) = downloads.next().await? {
        match downloaded {
            Downloaded::Failed { path, error } => outcomes.push((path, Err(error))),
            Downloaded::File { path, contents } => {
                let local = targets
                    .iter()
                    .find(|(remote, _)| *remote == path)
                    .map(|(_, local)| local.clone())
                    .ok_or_else(|| protocol_error(format!("no local path for {path}")))?;
                if let Some(parent) = local.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .map_err(|e| Error::Transfer {
                            operation: DOWNLOAD_OPERATION,
                            path: DOWNLOAD_PATH.to_string(),
                            kind: crate::runtime::TransportKind::Other,
                            message: format!("creating {}: {e}", parent.display()),
                        })?;
                }
                contents
                    .write_to_file(&local, |p| progress(&path, p))
                    .await?;
                outcomes.push((path, Ok(local)));
            }
        }
    }
    Ok(outcomes)
}

/// Where `remote` goes under `dir`: its normal components, in order. A path with `..` is
/// refused rather than allowed out of `dir`.
fn local_path(dir: &Path, remote: &str) -> Result<PathBuf, Error> {
    let mut local = dir.to_path_buf();
    for component in Path::new(remote).components() {
        match component {
            Component::Normal(part) => local.push(part),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
            Component::ParentDir => {
                return Err(Error::InvalidArgument(format!(
                    "{remote} has `..` in it; give the path without it to download it into a folder"
                )))
            }
        }
    }
    if local == dir {
        return Err(Error::InvalidArgument(format!(
            "{remote:?} names no file to download into a folder"
        )));
    }
    Ok(local)
}

/// The error in an `error` part: the daemon's JSON, with its status. The JSON is read by the
/// runtime's [`ApiError::json`](crate::runtime::ApiError::json), compiled there once, rather than
/// by a `serde_json::Value` decoder compiled again here.
fn file_error(body: &[u8]) -> Error {
    let mut error = crate::runtime::ApiError {
        operation: DOWNLOAD_OPERATION,
        method: Method::POST,
        path: DOWNLOAD_PATH.to_string(),
        status: 500,
        body: String::from_utf8_lossy(body).into_owned(),
        model: None,
        headers: Default::default(),
    };
    let status = error
        .json()
        .and_then(|description| description.get("statusCode")?.as_u64())
        .and_then(|status| u16::try_from(status).ok());
    if let Some(status) = status {
        error.status = status;
    }
    Error::Api(Box::new(error))
}

fn protocol_error(message: String) -> Error {
    Error::Transfer {
        operation: DOWNLOAD_OPERATION,
        path: DOWNLOAD_PATH.to_string(),
        kind: crate::runtime::TransportKind::Other,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_paths_land_under_the_folder_and_never_outside_it() {
        let dir = Path::new("/tmp/out");
        assert_eq!(
            local_path(dir, "/home/daytona/a.txt").unwrap(),
            Path::new("/tmp/out/home/daytona/a.txt")
        );
        assert_eq!(
            local_path(dir, "rel/b").unwrap(),
            Path::new("/tmp/out/rel/b")
        );
        assert!(local_path(dir, "/home/../../etc/passwd").is_err());
        assert!(local_path(dir, "/").is_err());
    }

    #[test]
    fn an_error_part_is_an_api_error_with_the_daemons_status() {
        let error = file_error(
            br#"{"statusCode":404,"code":"FILE_NOT_FOUND","message":"file not found: /x"}"#,
        );
        match error {
            Error::Api(api) => {
                assert_eq!(api.status, 404);
                assert!(api.body.contains("FILE_NOT_FOUND"));
            }
            other => panic!("{other:?}"),
        }
    }
}
