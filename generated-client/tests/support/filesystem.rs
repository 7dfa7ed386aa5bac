//! The daemon's bulk file transfers in the test double, as its source does them
//! (`apps/daemon/pkg/toolbox/fs/upload_files.go`, `download_files.go`): uploads read as a
//! stream of `files[i].path` and `files[i].file` parts, a file's path before its contents;
//! downloads answered with one part per path, `file` or `error`, under the boundary
//! `DAYTONA-FILE-BOUNDARY`.

use bytes::Bytes;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A sandbox's files: path to contents.
pub type Files = BTreeMap<String, Bytes>;

/// The boundary of every bulk download.
pub const BOUNDARY: &str = "DAYTONA-FILE-BOUNDARY";

/// Stores the files of a bulk upload; the status and the daemon's JSON answer.
pub async fn bulk_upload(
    content_type: Option<&str>,
    body: Bytes,
    files: &mut Files,
) -> (u16, Value) {
    let Some(boundary) = content_type.and_then(|c| multer::parse_boundary(c).ok()) else {
        return (400, json!({"errors": ["invalid multipart form"]}));
    };
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    let (mut destinations, mut errors, mut written) = (BTreeMap::new(), Vec::new(), Vec::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => {
                errors.push(format!("reading part: {error}"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        let index = name
            .trim_start_matches("files[")
            .trim_end_matches("].path")
            .trim_end_matches("].file")
            .to_string();
        let data = match field.bytes().await {
            Ok(data) => data,
            Err(error) => {
                errors.push(format!("reading part: {error}"));
                break;
            }
        };
        if name.ends_with(".path") {
            let destination = String::from_utf8_lossy(&data).trim().to_string();
            if destination.is_empty() {
                errors.push(format!("path[{index}]: empty path"));
            } else {
                destinations.insert(index, destination);
            }
        } else if name.ends_with(".file") {
            match destinations.get(&index) {
                None => errors.push(format!("file[{index}]: missing .path metadata")),
                Some(destination) => {
                    written.push(json!({"path": destination, "bytes": data.len()}));
                    files.insert(destination.clone(), data);
                }
            }
        }
    }
    if errors.is_empty() {
        (200, json!({"files": written}))
    } else {
        (400, json!({"errors": errors, "files": written}))
    }
}

/// The multipart answer of a bulk download: a `file` part per file found, an `error` part per
/// path not found.
pub fn bulk_download(paths: &[String], files: &Files) -> Vec<u8> {
    let mut body = Vec::new();
    for path in paths {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = |name: &str| {
            format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{}\"; filename*=utf-8''{}\r\n",
                latin1(path),
                percent_encoding::utf8_percent_encode(path, ATTR_CHAR)
            )
        };
        match files.get(path) {
            Some(data) => {
                body.extend_from_slice(
                    format!("Content-Type: {}\r\n", content_type(path)).as_bytes(),
                );
                body.extend_from_slice(disposition("file").as_bytes());
                body.extend_from_slice(
                    format!("Content-Length: {}\r\n\r\n", data.len()).as_bytes(),
                );
                body.extend_from_slice(data);
            }
            None => {
                let error = json!({
                    "statusCode": 404,
                    "message": format!("file not found: {path}"),
                    "code": "FILE_NOT_FOUND",
                    "timestamp": "2026-06-23T12:00:00Z",
                    "path": path,
                    "method": "POST",
                });
                body.extend_from_slice(b"Content-Type: application/json; charset=utf-8\r\n");
                body.extend_from_slice(disposition("error").as_bytes());
                body.extend_from_slice(b"\r\n");
                body.extend_from_slice(error.to_string().as_bytes());
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The characters RFC 5987 leaves as they are (`isAttrChar`): all others are percent-encoded.
const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The quoted `filename=` form (`toLatin1`): quotes escaped, characters beyond Latin-1 as `_`
/// (here beyond ASCII, which keeps the header valid UTF-8 for the test's parser).
fn latin1(path: &str) -> String {
    path.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The part's type by extension, as Go's `mime.TypeByExtension`.
fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("txt") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
