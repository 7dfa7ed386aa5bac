//! Lenient reading of what publishers write: numeric keywords the model cannot hold.
//!
//! `openapiv3` holds an integer schema's bounds as `i64` and every length or count as `usize`,
//! so a document with `maximum: 18446744073709552000` (above `u64`) or `maxLength: 1.5` would
//! fail as a whole. Such a keyword is rewritten as an integer when it is one (`5.0`) and left
//! out otherwise, with a warning at its pointer: the generated code does not enforce bounds, so
//! nothing else changes.

use super::trail::Trail;
use crate::error::{pointer_push, Warning};
use serde_json::{Map, Value};

/// Keywords that hold an integer schema's bounds (`i64` in the model).
const INTEGER_BOUNDS: &[&str] = &["minimum", "maximum", "multipleOf"];
/// Keywords that hold a length or a count (`usize` in the model).
const COUNTS: &[&str] = &[
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
];

/// The type the model holds a numeric keyword in.
#[derive(Clone, Copy)]
enum Narrow {
    /// `usize`.
    Count,
    /// `i64`.
    Integer,
}

/// Rewrites or removes the numeric keywords the model cannot hold, anywhere in `tree`; a
/// warning for each one removed.
pub(super) fn fit_numbers(tree: &mut Value) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut trail = Trail::new();
    // An explicit work list: a document's depth costs heap, not stack. Children are pushed
    // last first, so they are visited (and warned about) in document order.
    let mut pending: Vec<(usize, &mut Value)> = vec![(Trail::ROOT, tree)];
    while let Some((at, node)) = pending.pop() {
        match node {
            Value::Object(object) => {
                fit_keywords(object, &|| trail.pointer("#", at), &mut warnings);
                for (key, child) in object.iter_mut().rev() {
                    pending.push((trail.key(at, key), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter_mut().enumerate().rev() {
                    pending.push((trail.index(at, i), child));
                }
            }
            _ => {}
        }
    }
    warnings
}

/// Fits the numeric keywords of one object; `pointer` gives its JSON pointer, for warnings.
fn fit_keywords(
    object: &mut Map<String, Value>,
    pointer: &dyn Fn() -> String,
    warnings: &mut Vec<Warning>,
) {
    let integer_schema = object.get("type").and_then(Value::as_str) == Some("integer");
    // In the object's order, so warnings come in the order the document has them.
    let checks: Vec<(String, Narrow)> = object
        .keys()
        .filter_map(|key| {
            if COUNTS.contains(&key.as_str()) {
                Some((key.clone(), Narrow::Count))
            } else if integer_schema && INTEGER_BOUNDS.contains(&key.as_str()) {
                Some((key.clone(), Narrow::Integer))
            } else {
                None
            }
        })
        .collect();
    for (key, narrow) in checks {
        let Some(Value::Number(number)) = object.get(&key) else {
            continue;
        };
        let (fitted, what) = match narrow {
            Narrow::Count => (
                as_count(number),
                "a count that is not a whole number from 0 to 2^64",
            ),
            Narrow::Integer => (
                as_integer(number),
                "a bound that does not fit a 64-bit integer",
            ),
        };
        match fitted {
            Some(fitted) => {
                object.insert(key.to_string(), fitted);
            }
            None => {
                warnings.push(Warning::at(
                    format!("`{key}: {number}` is {what}; it is left out"),
                    pointer_push(&pointer(), &key),
                ));
                object.remove(&key);
            }
        }
    }
    if integer_schema {
        let misfit = object
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|values| {
                values.iter().find(|value| match value {
                    Value::Number(n) => as_integer(n).is_none(),
                    _ => false,
                })
            })
            .cloned();
        if let Some(value) = misfit {
            warnings.push(Warning::at(
                format!(
                    "the integer enum value {value} does not fit a 64-bit integer; the enum is \
                     left out and the field is a plain integer"
                ),
                pointer_push(&pointer(), "enum"),
            ));
            object.remove("enum");
        }
    }
}

/// An `i64`, from an integer or a float with no fraction.
fn as_integer(number: &serde_json::Number) -> Option<Value> {
    if let Some(i) = number.as_i64() {
        return Some(Value::from(i));
    }
    let float = number.as_f64()?;
    // The range test is exact: both ends are powers of two.
    let fits = float.fract() == 0.0 && (-(2f64.powi(63))..2f64.powi(63)).contains(&float);
    fits.then(|| Value::from(float as i64))
}

/// A `u64` (what `usize` holds on the 64-bit targets the generator runs on), from an integer
/// or a float with no fraction.
fn as_count(number: &serde_json::Number) -> Option<Value> {
    if let Some(u) = number.as_u64() {
        return Some(Value::from(u));
    }
    let float = number.as_f64()?;
    let fits = float.fract() == 0.0 && (0.0..2f64.powi(64)).contains(&float);
    fits.then(|| Value::from(float as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_the_model_cannot_hold_are_fitted_or_left_out() {
        let mut tree = json!({"components": {"schemas": {
            "Big": {"type": "integer", "maximum": 18446744073709552000.0_f64, "minimum": 5.0},
            "Text": {"type": "string", "maxLength": 1.5, "minLength": 2.0},
            "Huge": {"type": "integer", "enum": [1, 1e30]},
            "Float": {"type": "number", "maximum": 1e300},
            "Named": {"type": "object", "properties": {"maximum": {"type": "integer"}}}
        }}});
        let warnings = fit_numbers(&mut tree);
        let schemas = &tree["components"]["schemas"];
        assert_eq!(schemas["Big"], json!({"type": "integer", "minimum": 5}));
        assert_eq!(schemas["Text"], json!({"type": "string", "minLength": 2}));
        assert_eq!(schemas["Huge"], json!({"type": "integer"}));
        assert_eq!(schemas["Float"]["maximum"], json!(1e300));
        assert_eq!(
            schemas["Named"]["properties"]["maximum"],
            json!({"type": "integer"})
        );
        let pointers: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "#/components/schemas/Big/maximum",
                "#/components/schemas/Text/maxLength",
                "#/components/schemas/Huge/enum"
            ]
        );
        assert!(
            warnings[0]
                .message
                .contains("maximum: 1.8446744073709552e+19"),
            "{:?}",
            warnings[0]
        );
    }
}
