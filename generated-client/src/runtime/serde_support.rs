//! Serde helpers the generated models use.

use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

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
}
