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
