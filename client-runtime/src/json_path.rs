//! The JSON path of the value a decoding error is about, read off the error's position.
//!
//! Decoding runs plain `serde_json` once per response type. A path-tracking deserializer would
//! give the path directly, but it instantiates every model's deserializer a second time, which
//! roughly doubles the machine code of decoding and costs seconds on every build of a large
//! client. Instead, when decoding fails, this module re-reads the body up to where `serde_json`
//! stopped and reports the keys and indices that lead there, in the same notation as
//! `serde_path_to_error` (`items[3].name`, `.` for the whole body).

/// The path of the value `error` (from decoding `body` with `serde_json`, and displayed as
/// `message`) is about.
pub fn json_path_of(body: &[u8], error: &serde_json::Error, message: &str) -> String {
    let Some(end) = error_offset(body, error.line(), error.column()) else {
        return ".".to_string();
    };
    // serde_json places most errors one byte past the last byte it read (the byte it peeked
    // at), so a value read whole lies before `end - 1` and one refused on its first byte starts
    // at the next byte that is not white space. Two kinds are placed otherwise: an object or
    // array refused as a whole is reported at its opening bracket, and a missing field at the
    // closing brace of its object, which then belongs to the scan (the path is the object's).
    let refused_container = matches!(body.get(end), Some(b'{' | b'['))
        && (message.starts_with("invalid type: map")
            || message.starts_with("invalid type: sequence"));
    let (scanned, peeked) = if refused_container {
        (end, body.get(end).copied())
    } else if message.starts_with("missing field") || end == 0 {
        (end, None)
    } else {
        let next_token = body[end - 1..]
            .iter()
            .copied()
            .find(|byte| !byte.is_ascii_whitespace());
        (end - 1, next_token)
    };
    let mut scan = scan(&body[..scanned]);
    if let Some(byte) = peeked {
        scan.mark_element_start(byte);
    }
    // An enum written as an object (`{"variant": ...}`) whose key names no variant: the error
    // is about the enum, not about a field of that object.
    if scan.ends_with_key && message.starts_with("unknown variant") {
        scan.frames.pop();
    }
    scan.render()
}

/// The byte offset of serde_json's 1-based line and byte column, if the error has a position.
fn error_offset(body: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, byte)| **byte == b'\n')
            .nth(line - 2)
            .map(|(index, _)| index + 1)?
    };
    Some((line_start + column).min(body.len()))
}

/// Where the scan is inside one open container.
enum Frame {
    /// In an object, after `key` (until the next comma), if a key has been read.
    Object { key: Option<String> },
    /// In an array, at element `index`, once that element has begun.
    Array { index: usize, in_element: bool },
}

/// The containers open at the end of a scan.
struct Scan {
    frames: Vec<Frame>,
    /// Whether the last token read was an object key.
    ends_with_key: bool,
}

/// Reads `body` (a prefix of a JSON text) and tells which containers are open at its end.
fn scan(body: &[u8]) -> Scan {
    let mut scan = Scan {
        frames: Vec::new(),
        ends_with_key: false,
    };
    let mut position = 0;
    while position < body.len() {
        let byte = body[position];
        if byte.is_ascii_whitespace() {
            position += 1;
            continue;
        }
        scan.mark_element_start(byte);
        scan.ends_with_key = false;
        match byte {
            b'"' => {
                let close = string_end(body, position);
                if let Some(Frame::Object { key: key @ None }) = scan.frames.last_mut() {
                    let text = &body[position..close];
                    *key = Some(serde_json::from_slice(text).unwrap_or_else(|_| {
                        // A key cut off by the end of the scan: shown as far as it was read.
                        String::from_utf8_lossy(text.get(1..).unwrap_or_default()).into_owned()
                    }));
                    scan.ends_with_key = true;
                }
                position = close;
                continue;
            }
            b'{' => scan.frames.push(Frame::Object { key: None }),
            b'[' => scan.frames.push(Frame::Array {
                index: 0,
                in_element: false,
            }),
            b'}' | b']' => {
                scan.frames.pop();
            }
            b',' => match scan.frames.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index, in_element }) => {
                    *index += 1;
                    *in_element = false;
                }
                None => {}
            },
            _ => {}
        }
        position += 1;
    }
    scan
}

/// The offset just past the string that starts at `start` (or the end of `body`).
fn string_end(body: &[u8], start: usize) -> usize {
    let mut position = start + 1;
    while position < body.len() {
        match body[position] {
            b'\\' => position += 2,
            b'"' => return position + 1,
            _ => position += 1,
        }
    }
    body.len()
}

impl Scan {
    /// Notes that the current array element has begun when `byte` (never white space) is part
    /// of a value.
    fn mark_element_start(&mut self, byte: u8) {
        if let Some(Frame::Array { in_element, .. }) = self.frames.last_mut() {
            if !matches!(byte, b',' | b']') {
                *in_element = true;
            }
        }
    }

    /// `serde_path_to_error`'s notation: keys joined by `.`, indices as `[i]`, `.` for the
    /// root.
    fn render(&self) -> String {
        let mut path = String::new();
        for frame in &self.frames {
            match frame {
                Frame::Object { key: Some(key) } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Frame::Array {
                    index,
                    in_element: true,
                } => path.push_str(&format!("[{index}]")),
                Frame::Object { key: None } | Frame::Array { .. } => {}
            }
        }
        if path.is_empty() {
            path.push('.');
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The paths are checked against serde_path_to_error in tests/decode_paths.rs, through the
    // public decoder; this covers what only the module can produce.
    #[test]
    fn an_error_without_a_position_is_about_the_root() {
        let error = <serde_json::Error as serde::de::Error>::custom("no position");
        assert_eq!(json_path_of(b"{}", &error, "no position"), ".");
    }
}
