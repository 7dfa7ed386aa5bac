//! Reading: YAML or JSON text into a JSON tree, and the version check.

use crate::error::{pointer_push, Error, Result};
use serde_json::{Map, Value};

/// YAML (a superset of JSON) into a JSON tree whose object keys are all strings.
pub(super) fn parse_tree(text: &str) -> Result<Value> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let error = Error::new(format!("the document is not valid YAML or JSON: {e}"));
        match e.location() {
            Some(at) => error.with_line_column(at.line(), at.column()),
            None => error,
        }
    })?;
    yaml_to_json(yaml, "#")
}

fn yaml_to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let float = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(float)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::at(format!("the number {float} cannot be represented"), pointer)
                    })?
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &pointer_push(pointer, &i.to_string())))
                .collect::<Result<_>>()?,
        ),
        serde_yaml::Value::Mapping(entries) => {
            let mut object = Map::new();
            for (key, value) in entries {
                let key = match key {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    _ => {
                        return Err(Error::at(
                            "an object key is not a string or number",
                            pointer,
                        ))
                    }
                };
                let value = yaml_to_json(value, &pointer_push(pointer, &key))?;
                object.insert(key, value);
            }
            Value::Object(object)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
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
