//! Serde helpers and small value types the generated models use.

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;

/// Bytes sent as a base64 string (`format: byte`). Decoding accepts standard base64 with or
/// without padding; encoding writes it padded.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Vec<u8>);

const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Base64(bytes)
    }
}

impl std::ops::Deref for Base64 {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = enum_string(deserializer)?;
        BASE64
            .decode(text.as_bytes())
            .map(Base64)
            .map_err(|e| serde::de::Error::custom(format!("invalid base64: {e}")))
    }
}

/// Unions with a discriminator (`oneOf` + `discriminator`): the tag is read from the object,
/// then the whole object, tag included, decodes as the alternative it names. Members usually
/// declare the tag property themselves, which serde's internally tagged enums cannot decode.
pub mod tagged {
    use serde::de::{DeserializeOwned, Error as _};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::Value;

    /// The object and the string value of its `tag` property.
    pub fn split<'de, D: Deserializer<'de>>(
        deserializer: D,
        tag: &str,
    ) -> Result<(String, Value), D::Error> {
        let value = Value::deserialize(deserializer)?;
        match value.get(tag) {
            Some(Value::String(name)) => Ok((name.clone(), value)),
            Some(_) => Err(D::Error::custom(format!("`{tag}` must be a string"))),
            None => Err(D::Error::custom(format!("missing field `{tag}`"))),
        }
    }

    /// Decodes the object as the chosen alternative.
    pub fn decode<T: DeserializeOwned, E: serde::de::Error>(value: Value) -> Result<T, E> {
        serde_json::from_value(value).map_err(E::custom)
    }

    /// Encodes an alternative, setting the tag when the alternative does not carry it.
    pub fn serialize<S: Serializer, T: Serialize>(
        serializer: S,
        value: &T,
        tag: &str,
        tag_value: &str,
    ) -> Result<S::Ok, S::Error> {
        let mut value = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
        if let Value::Object(object) = &mut value {
            object
                .entry(tag)
                .or_insert_with(|| Value::String(tag_value.to_string()));
        }
        value.serialize(serializer)
    }
}

/// Reads an enum's string without copying when the input allows it.
pub fn enum_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Cow<'de, str>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_string()))
        }

        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    deserializer.deserialize_str(Visitor)
}

/// A property name read from a JSON object, borrowed from the input where it can be. Generated
/// models match their fields against it in one `visit_map`, instead of each model compiling a
/// field enum, its visitor and a `visit_seq` that JSON never calls (what serde's derive emits).
#[derive(Debug)]
pub struct FieldName<'de>(Cow<'de, str>);

impl FieldName<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned (for the map of properties beyond the declared ones).
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        enum_string(deserializer).map(FieldName)
    }
}

/// A model read from a JSON object: the body of a serde `visit_map`. Generated models implement
/// it and call [`deserialize_object`] from their `Deserialize` impl, so the visitor around it is
/// written once here rather than once per model.
pub trait FromObject: Sized {
    /// What a decoding error says was expected: `an object (Sandbox)`.
    const EXPECTING: &'static str;

    /// Reads the model from the object's entries.
    fn from_object<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Reads an entry's value into a field that holds what the JSON holds: an optional field's
/// `Option`, where `null` and absence are both `None`.
///
/// Generated [`FromObject`] bodies call this (and [`read_some`], [`skip_value`],
/// [`read_additional`]) once per field instead of `map.next_value()?`, so the code that reads a
/// value and returns its error is compiled once per field type, not once per field of every
/// model; in unoptimised builds that is most of a model's decoding code.
pub fn read_value<'de, A, T>(map: &mut A, slot: &mut T) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = map.next_value()?;
    Ok(())
}

/// Reads an entry's value into a field's slot as `Some`: the slot stays `None` while the field
/// is absent, so a required field that never came can be named.
pub fn read_some<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads past an entry no field of the model names.
pub fn skip_value<'de, A: serde::de::MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>()?;
    Ok(())
}

/// Reads an entry no declared field names into the model's `additional_properties`.
pub fn read_additional<'de, A, T>(
    map: &mut A,
    properties: &mut std::collections::BTreeMap<String, T>,
    name: FieldName<'de>,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: Deserialize<'de>,
{
    let value = map.next_value()?;
    properties.insert(name.into_string(), value);
    Ok(())
}

/// Starts writing a model as an object (a serde struct named `name` with `len` fields present):
/// what generated `Serialize` impls call instead of serde's derive. `len` must be the number of
/// fields that will be written: serde_json, for one, writes `{}` at once for `0`.
///
/// The derive puts each field's `?`, and for an optional field its `if`, in the model's own
/// code; through [`ObjectWriter`] a field is one call, compiled once per field type, and the
/// object's one error check is in [`ObjectWriter::end`].
pub fn write_object<S: Serializer>(
    serializer: S,
    name: &'static str,
    len: usize,
) -> Result<ObjectWriter<S::SerializeStruct>, S::Error> {
    Ok(ObjectWriter {
        object: serializer.serialize_struct(name, len)?,
        error: None,
    })
}

/// How many of the optional fields are present: the `len` of [`write_object`] for a model,
/// with its required fields' count added. A flat list rather than a sum, so a model with
/// thousands of optional fields is not one expression nested thousands deep.
pub fn count_present(present: &[bool]) -> usize {
    present.iter().filter(|present| **present).count()
}

/// An object being written field by field (see [`write_object`]). After a field fails, the
/// rest are not written, and [`end`](Self::end) returns that first error.
pub struct ObjectWriter<S: serde::ser::SerializeStruct> {
    object: S,
    error: Option<S::Error>,
}

impl<S: serde::ser::SerializeStruct> ObjectWriter<S> {
    /// Writes a field that is always present.
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.object.serialize_field(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes an optional field when it is `Some`, and leaves it out when it is `None`.
    pub fn optional<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if self.error.is_none() {
            let written = match value {
                Some(_) => self.object.serialize_field(key, value),
                None => self.object.skip_field(key),
            };
            if let Err(error) = written {
                self.error = Some(error);
            }
        }
    }

    /// Ends the object, or returns the first field's error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.object.end(),
        }
    }
}

/// Reads a `T` from a JSON object through [`FromObject`].
pub fn deserialize_object<'de, T: FromObject, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: FromObject> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(T::EXPECTING)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::from_object(map)
        }
    }

    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// Nullable fields: `required` for fields that must be present (maybe `null`), `optional` for
/// fields that may also be absent, which keeps absent (`None`) and `null` (`Some(None)`) apart.
pub mod nullable {
    use super::*;

    /// A required, nullable field: present, and `null` or a value. Missing is an error.
    pub fn required<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer)
    }

    /// An optional, nullable field: `null` becomes `Some(None)`; absence is `None` through
    /// `#[serde(default)]`.
    pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        #[serde(deserialize_with = "super::nullable::required")]
        must: Option<i32>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "super::nullable::optional"
        )]
        may: Option<Option<i32>>,
    }

    #[test]
    fn optional_nullable_keeps_three_states() {
        let absent: Model = serde_json::from_str(r#"{"must": 1}"#).unwrap();
        let null: Model = serde_json::from_str(r#"{"must": 1, "may": null}"#).unwrap();
        let value: Model = serde_json::from_str(r#"{"must": 1, "may": 2}"#).unwrap();
        assert_eq!(absent.may, None);
        assert_eq!(null.may, Some(None));
        assert_eq!(value.may, Some(Some(2)));
        assert_eq!(serde_json::to_string(&absent).unwrap(), r#"{"must":1}"#);
        assert_eq!(
            serde_json::to_string(&null).unwrap(),
            r#"{"must":1,"may":null}"#
        );
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"must":1,"may":2}"#
        );
    }

    #[test]
    fn required_nullable_must_be_present_and_sends_null() {
        let error = serde_json::from_str::<Model>("{}").unwrap_err();
        assert!(
            error.to_string().contains("missing field `must`"),
            "{error}"
        );
        let null: Model = serde_json::from_str(r#"{"must": null}"#).unwrap();
        assert_eq!(null.must, None);
        assert_eq!(serde_json::to_string(&null).unwrap(), r#"{"must":null}"#);
    }

    #[test]
    fn base64_round_trips_and_accepts_missing_padding() {
        let bytes = super::Base64(b"hi!?".to_vec());
        let text = serde_json::to_string(&bytes).unwrap();
        assert_eq!(text, r#""aGkhPw==""#);
        let back: super::Base64 = serde_json::from_str(&text).unwrap();
        assert_eq!(back, bytes);
        let unpadded: super::Base64 = serde_json::from_str(r#""aGkhPw""#).unwrap();
        assert_eq!(unpadded, bytes);
        let error = serde_json::from_str::<super::Base64>(r#""not base64!""#).unwrap_err();
        assert!(error.to_string().contains("invalid base64"), "{error}");
    }

    #[test]
    fn tagged_reads_the_tag_and_keeps_it_in_the_object() {
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Dog {
            kind: String,
            barks: bool,
        }
        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Cat {
            lives: u8,
        }
        let json = serde_json::json!({"kind": "dog", "barks": true});
        let (tag, value) = super::tagged::split(&json, "kind").unwrap();
        assert_eq!(tag, "dog");
        let dog: Dog = super::tagged::decode::<_, serde_json::Error>(value).unwrap();
        assert!(dog.barks);
        let error = super::tagged::split(&serde_json::json!({"barks": true}), "kind").unwrap_err();
        assert!(
            error.to_string().contains("missing field `kind`"),
            "{error}"
        );
        // An alternative without the tag property gets it on the way out.
        let cat = super::tagged::serialize(
            serde_json::value::Serializer,
            &Cat { lives: 9 },
            "kind",
            "cat",
        );
        assert_eq!(cat.unwrap(), serde_json::json!({"kind": "cat", "lives": 9}));
    }

    /// A model written the way generated `Serialize` impls write one.
    struct Written {
        id: &'static str,
        name: Option<&'static str>,
        broken: Option<Broken>,
        after: Option<u8>,
    }

    /// A value that cannot be written.
    struct Broken;

    impl Serialize for Broken {
        fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(serde::ser::Error::custom("broken on purpose"))
        }
    }

    impl Serialize for Written {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let present = [
                self.name.is_some(),
                self.broken.is_some(),
                self.after.is_some(),
            ];
            let mut object =
                super::write_object(serializer, "Written", 1 + super::count_present(&present))?;
            object.field("id", &self.id);
            object.optional("name", &self.name);
            object.optional("broken", &self.broken);
            object.optional("after", &self.after);
            object.end()
        }
    }

    #[test]
    fn object_writer_leaves_out_absent_fields_and_keeps_the_first_error() {
        let written = |name, broken, after| {
            serde_json::to_string(&Written {
                id: "a",
                name,
                broken,
                after,
            })
        };
        assert_eq!(written(None, None, None).unwrap(), r#"{"id":"a"}"#);
        assert_eq!(
            written(Some("n"), None, Some(7)).unwrap(),
            r#"{"id":"a","name":"n","after":7}"#
        );
        let error = written(Some("n"), Some(Broken), Some(7)).unwrap_err();
        assert_eq!(error.to_string(), "broken on purpose");
        assert_eq!(super::count_present(&[true, false, true]), 2);
        assert_eq!(super::count_present(&[]), 0);
    }
}
