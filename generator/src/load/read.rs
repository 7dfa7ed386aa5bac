//! Reading: YAML or JSON text into a JSON tree, and the version check.

use crate::error::{pointer_push, Error, Result, Warning};
use serde_json::{Map, Value};

/// The text into a JSON tree whose object keys are all strings: JSON (a document whose first
/// character is `{`) with a JSON parser, anything else as YAML. Warnings for what was read
/// leniently.
pub(super) fn parse_tree(text: &str) -> Result<(Value, Vec<Warning>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_yaml(text).map(|tree| (tree, Vec::new()))
    }
}

/// JSON, read as JSON: YAML parsers reject escapes JSON allows (a surrogate pair such as
/// `\ud83d\ude80`, which Python's `json.dump` writes by default). An escaped surrogate without
/// its other half cannot be text; it is read as U+FFFD, with a warning where it is.
fn parse_json(text: &str) -> Result<(Value, Vec<Warning>)> {
    let (text, replaced) = replace_lone_surrogates(text);
    let tree: Value = serde_json::from_str(&text).map_err(|e| {
        Error::new(format!("the document is not valid JSON: {e}"))
            .with_line_column(e.line(), e.column())
    })?;
    let mut warnings = Vec::new();
    if replaced {
        let mut pending: Vec<(String, &Value)> = vec![("#".to_string(), &tree)];
        while let Some((pointer, node)) = pending.pop() {
            match node {
                Value::Object(object) => {
                    for (key, child) in object.iter().rev() {
                        let child_pointer = pointer_push(&pointer, key);
                        if key.contains('\u{fffd}') {
                            warnings.push(lone_surrogate(&child_pointer));
                        }
                        pending.push((child_pointer, child));
                    }
                }
                Value::Array(items) => {
                    for (i, child) in items.iter().enumerate().rev() {
                        pending.push((pointer_push(&pointer, &i.to_string()), child));
                    }
                }
                Value::String(string) if string.contains('\u{fffd}') => {
                    warnings.push(lone_surrogate(&pointer));
                }
                _ => {}
            }
        }
    }
    Ok((tree, warnings))
}

fn lone_surrogate(pointer: &str) -> Warning {
    Warning::at(
        "an escaped UTF-16 surrogate without its other half is not text; it is read as U+FFFD",
        pointer,
    )
}

/// The JSON text with each `\uXXXX` escape of a surrogate that is not half of a pair replaced
/// by `\ufffd`, and whether any was.
fn replace_lone_surrogates(text: &str) -> (std::borrow::Cow<'_, str>, bool) {
    if !text.contains("\\u") && !text.contains("\\U") {
        return (std::borrow::Cow::Borrowed(text), false);
    }
    let unit = |at: usize| -> Option<u16> {
        let escape = text.get(at..at + 6)?;
        let hex = escape.strip_prefix("\\u")?;
        u16::from_str_radix(hex, 16).ok()
    };
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    let mut out = String::with_capacity(text.len());
    let mut replaced = false;
    let mut rest = 0;
    let mut i = 0;
    let bytes = text.as_bytes();
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(high) if is_high(high) && unit(i + 6).is_some_and(is_low) => i += 12,
            Some(lone) if is_high(lone) || is_low(lone) => {
                out.push_str(&text[rest..i]);
                out.push_str("\\ufffd");
                replaced = true;
                i += 6;
                rest = i;
            }
            // Any other escape: its second character is never the start of another one.
            _ => i += 2,
        }
    }
    if !replaced {
        return (std::borrow::Cow::Borrowed(text), false);
    }
    out.push_str(&text[rest..]);
    (std::borrow::Cow::Owned(out), true)
}

/// YAML (a superset of JSON) into a JSON tree.
fn parse_yaml(text: &str) -> Result<Value> {
    parse_yaml_split(text, SPLIT_FROM)
}

/// Documents from this size on are read in two halves at once (a 400 KB spec takes 13 ms to
/// read whole, 7 ms in halves on two cores); smaller ones are not worth a thread.
const SPLIT_FROM: usize = 64 * 1024;

/// Reads a document of `split_from` bytes or more as two halves on two threads, each half a
/// run of the top-level mapping's entries, and joins them. Whenever that could read differently
/// from the whole (a half that does not read as a mapping, an alias to an anchor in the other
/// half, a second document, a directive), the whole is read instead, so the result and any
/// error are the whole document's.
fn parse_yaml_split(text: &str, split_from: usize) -> Result<Value> {
    if text.len() >= split_from {
        if let Some(halves) = split_top_level(text) {
            let read = crate::parallel::map(&halves, |half| parse_yaml_whole(half).ok());
            if let [Some(Value::Object(mut first)), Some(Value::Object(second))] =
                <[_; 2]>::try_from(read).unwrap_or([None, None])
            {
                // As the whole read inserts them: a repeated key keeps its first place.
                for (key, value) in second {
                    first.insert(key, value);
                }
                return Ok(Value::Object(first));
            }
        }
    }
    parse_yaml_whole(text)
}

/// The text cut in two before the top-level key nearest its middle: a line that starts in
/// column 0 with neither a space, a comment, a sequence dash nor a bracket. `None` when there
/// is no such line past the first, or the text has directives or document markers.
fn split_top_level(text: &str) -> Option<[&str; 2]> {
    let mut cuts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        let first = line.chars().next().unwrap_or(' ');
        let key_line = !matches!(
            first,
            ' ' | '\t' | '\r' | '\n' | '#' | '-' | '[' | ']' | '{' | '}'
        ) && line.contains(':');
        if key_line {
            cuts.push(offset);
        }
        offset += line.len();
    }
    let middle = text.len() / 2;
    let cut = cuts
        .into_iter()
        .skip(1)
        .min_by_key(|cut| cut.abs_diff(middle))?;
    Some([&text[..cut], &text[cut..]])
}

fn parse_yaml_whole(text: &str) -> Result<Value> {
    serde_yaml::from_str::<FromYaml>(text)
        .map(|read| read.0)
        .map_err(|e| {
            let error = Error::new(format!("the document is not valid YAML: {e}"));
            match e.location() {
                Some(at) => error.with_line_column(at.line(), at.column()),
                None => error,
            }
        })
}

/// A JSON value read from YAML through serde's visitor rather than `serde_yaml::Value`, which
/// cannot hold an integer beyond 64 bits: such a number (`maximum: 18446744073709552000`) is
/// read as the float it is closest to, for the lenient stage to fit or leave out. Keys that are
/// numbers or booleans become strings; a tagged value is its value.
struct FromYaml(Value);

impl<'de> serde::Deserialize<'de> for FromYaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(FromYaml)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Value, E> {
        self.visit_f64(value as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {value} cannot be represented in JSON")))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, inner: D) -> Result<Value, D::Error> {
        inner.deserialize_any(YamlVisitor)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut array = Vec::new();
        while let Some(FromYaml(item)) = items.next_element()? {
            array.push(item);
        }
        Ok(Value::Array(array))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some((FromYaml(key), FromYaml(value))) = entries.next_entry()? {
            let key = match key {
                Value::String(key) => key,
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                _ => {
                    return Err(serde::de::Error::custom(
                        "an object key is not a string, number or boolean",
                    ))
                }
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, tagged: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, value) = tagged.variant::<String>()?;
        value.newtype_variant::<FromYaml>().map(|read| read.0)
    }
}

/// How deep a document may nest: the limit of the JSON and YAML readers, so a tree built in
/// memory is held to what a file can hold, and every later stage may recurse that deep.
const MAX_DEPTH: usize = 128;

/// Refuses a tree nested deeper than the readers allow, at the first node too deep.
pub(super) fn check_depth(tree: &Value) -> Result<()> {
    let mut pending: Vec<(usize, String, &Value)> = vec![(0, "#".to_string(), tree)];
    while let Some((depth, pointer, node)) = pending.pop() {
        if depth > MAX_DEPTH {
            return Err(Error::at(
                format!("the document nests deeper than {MAX_DEPTH} levels"),
                pointer,
            ));
        }
        match node {
            Value::Object(object) => pending.extend(
                object
                    .iter()
                    .map(|(key, child)| (depth + 1, pointer_push(&pointer, key), child)),
            ),
            Value::Array(items) => pending.extend(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, child)| (depth + 1, pointer_push(&pointer, &i.to_string()), child)),
            ),
            _ => {}
        }
    }
    Ok(())
}

pub(super) fn check_version(tree: &Value) -> Result<()> {
    if let Some(swagger) = tree.get("swagger") {
        return Err(Error::at(
            format!(
                "this is a Swagger {} document, not OpenAPI 3",
                display(swagger)
            ),
            "#/swagger",
        )
        .with_hint(
            "convert it to OpenAPI 3 first, for example with swagger2openapi or the Swagger Editor",
        ));
    }
    match tree.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(v) => Err(
            Error::at(format!("unsupported OpenAPI version {v}"), "#/openapi")
                .with_hint("OpenAPI 3.0.x and 3.1.x are supported"),
        ),
        None => Err(
            Error::at("the document has no `openapi` version field", "#")
                .with_hint("an OpenAPI document starts with `openapi: 3.0.3` or `openapi: 3.1.0`"),
        ),
    }
}

fn display(value: &Value) -> String {
    value
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| value.to_string())
}

#[cfg(test)]
mod split_tests {
    use super::*;
    use std::path::Path;

    /// The result or the error's text of reading `text` whole and in halves.
    fn both(
        text: &str,
    ) -> (
        std::result::Result<Value, String>,
        std::result::Result<Value, String>,
    ) {
        let whole = parse_yaml_whole(text).map_err(|e| e.to_string());
        let split = parse_yaml_split(text, 0).map_err(|e| e.to_string());
        (whole, split)
    }

    #[test]
    fn every_yaml_document_here_reads_the_same_in_halves() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for folder in ["specs", "generator/tests/fixtures"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 10, "{files:?}");
        let mut split = 0;
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            split += usize::from(split_top_level(&text).is_some());
            let (whole, halves) = both(&text);
            assert_eq!(whole, halves, "{}", path.display());
        }
        assert!(split > 5, "only {split} documents were split");
    }

    #[test]
    fn what_halves_could_read_differently_is_read_whole() {
        let cases = [
            // An alias to an anchor in the other half.
            "info: &info {title: t}\nopenapi: 3.0.0\nother: *info\n",
            // The same key in both halves: the later value, in the first place.
            "a: 1\nb: 2\na: 3\n",
            // A second document.
            "a: 1\n---\nb: 2\n",
            // A top-level sequence with a stray key.
            "- a\nb: 1\n",
            // A flow mapping whose entries start in column 0.
            "a: {\nb: 1,\nc: 2\n}\nd: 3\n",
            // Broken in the second half: the error names the whole document's line.
            "a: 1\nb: [1, 2\nc: 3\n",
        ];
        for text in cases {
            let (whole, halves) = both(text);
            assert_eq!(whole, halves, "{text:?}");
        }
    }
}
