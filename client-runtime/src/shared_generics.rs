//! Generic code that every generated crate would otherwise compile again, compiled here once.
//!
//! Models hold a few field types over and over: strings, numbers, booleans, timestamps, lists
//! of strings, maps of strings. Reading them instantiates serde_json's reader for each
//! (`next_value::<Option<i64>>`, the `BTreeMap<String, String>` visitor, …), writing them its
//! writer, and the models' derives their `Clone`, `PartialEq` and `Debug`. None of that
//! depends on the model, yet all of it was compiled into every generated crate, where it can be
//! a quarter of a small build's LLVM IR.
//!
//! [`round_trip`] uses each of those instantiations, so they are compiled in this crate. In
//! unoptimised builds (Cargo's `dev` and `test` profiles) rustc shares generics between crates
//! by default: a generated crate links to these copies instead of compiling its own. `release`
//! builds compile their own copies, as before, so that they can be inlined. The calls here must
//! be the ones generated code makes: fields read through [`FromObject`] (with [`read_some`] and
//! [`read_value`]) from serde_json's slice reader, bodies written by `serde_json::to_vec`
//! through [`write_object`], parameters by [`json_text`] and `to_rfc3339`. A vendored copy of
//! this crate leaves this module out: in the same crate as the generated code, it would share
//! nothing.
//!
//! Each type here adds to this crate's build whether or not a generated crate uses it, so the
//! list holds the types most APIs' models use, not every type the generator can emit.

use super::request::json_text;
use super::serde_support::{
    count_present, deserialize_object, read_some, read_value, skip_value, write_object, FieldName,
    FromObject,
};
use super::{DateTime, Secret};
use std::collections::BTreeMap;

/// Declares [`Fields`]: for each type, a required and an optional field and, where named, a
/// nullable one, read and written as generated models read and write them. An optional field is
/// an `Option`, left out when `None`; a nullable one an `Option<Option<_>>`, where `Some(None)`
/// is `null`.
macro_rules! fields {
    ($($required:ident, $optional:ident $(, $nullable:ident)?: $field:ty;)*) => {
        /// Fields of the types models hold most.
        #[derive(Debug, Clone, Default, PartialEq)]
        struct Fields {
            $(
                $required: $field,
                $optional: Option<$field>,
                $(
                    $nullable: Option<Option<$field>>,
                )?
            )*
        }

        impl serde::Serialize for Fields {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // Per type: the required field, then the optional and nullable ones if `Some`.
                let present = [$(true, self.$optional.is_some() $(, self.$nullable.is_some())?),*];
                let mut object = write_object(serializer, "Fields", count_present(&present))?;
                $(
                    object.field(stringify!($required), &self.$required);
                    object.optional(stringify!($optional), &self.$optional);
                    $(
                        object.optional(stringify!($nullable), &self.$nullable);
                    )?
                )*
                object.end()
            }
        }

        impl FromObject for Fields {
            const EXPECTING: &'static str = "an object of common fields";

            fn from_object<'de, A: serde::de::MapAccess<'de>>(
                mut map: A,
            ) -> Result<Self, A::Error> {
                let mut fields = Fields::default();
                while let Some(key) = map.next_key::<FieldName<'de>>()? {
                    match key.as_str() {
                        $(
                            // Generated models hold a required field in an `Option` until
                            // the object ends.
                            stringify!($required) => {
                                let mut value = None;
                                let read = read_some(&mut map, &mut value);
                                if let Some(value) = value {
                                    fields.$required = value;
                                }
                                read
                            }
                            stringify!($optional) => read_value(&mut map, &mut fields.$optional),
                            $(
                                stringify!($nullable) => read_some(&mut map, &mut fields.$nullable),
                            )?
                        )*
                        _ => skip_value(&mut map),
                    }?;
                }
                Ok(fields)
            }
        }
    };
}

// The scalars a schema maps to when it names no rarer format (`string`, `boolean`, `integer`,
// `number`, `date-time`), secrets and free-form JSON; lists of strings and numbers; maps from
// strings to strings or to JSON. Nullable where models commonly make them so.
fields! {
    string, optional_string, nullable_string: String;
    boolean, optional_boolean, nullable_boolean: bool;
    integer, optional_integer, nullable_integer: i64;
    number, optional_number, nullable_number: f64;
    date_time, optional_date_time, nullable_date_time: DateTime;
    secret, optional_secret: Secret;
    json, optional_json: serde_json::Value;
    strings, optional_strings: Vec<String>;
    integers, optional_integers: Vec<i64>;
    numbers, optional_numbers: Vec<f64>;
    string_map, optional_string_map, nullable_string_map: BTreeMap<String, String>;
    json_map, optional_json_map: BTreeMap<String, serde_json::Value>;
}

impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserialize_object(deserializer)
    }
}

/// Reads a JSON object of common fields and writes it back, with the generic code generated
/// models and operations use: not an API, but what makes that code compile here (see the
/// module docs). Returns the object as written, and the texts that its timestamp, lists, maps
/// and JSON take as query parameters. A field left out reads as its type's default.
#[doc(hidden)]
pub fn round_trip(body: &[u8]) -> Result<(Vec<u8>, Vec<String>), serde_json::Error> {
    let fields: Fields = serde_json::from_slice(body)?;
    let copy = fields.clone();
    if copy != fields {
        return Err(serde::de::Error::custom(format!(
            "a copy differs: {copy:?}"
        )));
    }
    let texts = vec![
        copy.date_time.to_rfc3339(),
        json_text(&copy.json),
        json_text(&copy.strings),
        json_text(&copy.integers),
        json_text(&copy.numbers),
        json_text(&copy.string_map),
        json_text(&copy.json_map),
    ];
    Ok((serde_json::to_vec(&copy)?, texts))
}

#[cfg(test)]
mod tests {
    use super::round_trip;
    use serde_json::{json, Value};

    #[test]
    fn writes_back_what_it_reads_and_leaves_out_what_is_absent() {
        let body = json!({
            "string": "s",
            "boolean": true,
            "integer": -7,
            "number": 1.5,
            "date_time": "2024-05-06T07:08:09Z",
            "secret": "hunter2",
            "json": {"any": [1, null]},
            "strings": ["a", "b"],
            "integers": [1, 2],
            "numbers": [0.5],
            "string_map": {"k": "v"},
            "json_map": {"k": {"n": 1}},
            "optional_integer": 3,
            "nullable_date_time": null,
            "nullable_string_map": {"k": "v"},
            "unknown": {"ignored": [true]},
        });
        let (written, texts) = round_trip(body.to_string().as_bytes()).unwrap();
        let mut expected = body;
        expected.as_object_mut().unwrap().remove("unknown");
        assert_eq!(serde_json::from_slice::<Value>(&written).unwrap(), expected);
        assert_eq!(
            texts,
            [
                "2024-05-06T07:08:09+00:00",
                r#"{"any":[1,null]}"#,
                r#"["a","b"]"#,
                "[1,2]",
                "[0.5]",
                r#"{"k":"v"}"#,
                r#"{"k":{"n":1}}"#,
            ]
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error() {
        let error = round_trip(br#"{"integer": "seven"}"#).unwrap_err();
        assert!(error.to_string().contains("invalid type"), "{error}");
    }
}
