//! The models' `Deserialize` impls, which the generator writes out instead of deriving: they
//! read what serde's derive read with the fields' attributes.

use daytona_client::api::types::{
    ApiKeyResponse, CreateApiKey, HealthControllerCheck200ResponseInfoValue,
};
use serde_json::json;

const KEY: &str = r#"{"name": "ci", "value": "bb_sk_1", "createdAt": "2024-03-14T12:00:00Z",
    "permissions": ["write:sandboxes"], "expiresAt": null, "somethingNew": {"nested": [1, 2]}}"#;

#[test]
fn required_nullable_fields_take_null_and_unknown_properties_are_skipped() {
    let key: ApiKeyResponse = serde_json::from_str(KEY).unwrap();
    assert_eq!(key.name, "ci");
    assert_eq!(key.expires_at, None);
    assert_eq!(key.permissions.len(), 1);
    let later = KEY.replace("null", r#""2025-06-09T12:00:00Z""#);
    let key: ApiKeyResponse = serde_json::from_str(&later).unwrap();
    assert_eq!(
        key.expires_at.unwrap().to_rfc3339(),
        "2025-06-09T12:00:00+00:00"
    );
}

#[test]
fn a_missing_required_field_is_an_error_that_names_it() {
    // A required, nullable field must be present, even as null.
    let without = KEY.replace(r#""expiresAt": null,"#, "");
    let error = serde_json::from_str::<ApiKeyResponse>(&without).unwrap_err();
    assert!(
        error.to_string().contains("missing field `expiresAt`"),
        "{error}"
    );
    let without = KEY.replace(r#""name": "ci","#, "");
    let error = serde_json::from_str::<ApiKeyResponse>(&without).unwrap_err();
    assert!(
        error.to_string().contains("missing field `name`"),
        "{error}"
    );
    // With several missing, the first in the schema's order is named, as serde's derive does.
    let without = without.replace(r#""expiresAt": null,"#, "");
    let error = serde_json::from_str::<ApiKeyResponse>(&without).unwrap_err();
    assert!(
        error.to_string().contains("missing field `name`"),
        "{error}"
    );
    // A wrong type is an error at its place, as before.
    let error = serde_json::from_str::<ApiKeyResponse>(&KEY.replace(r#""ci""#, "7")).unwrap_err();
    assert!(
        error.to_string().contains("invalid type: integer `7`"),
        "{error}"
    );
    let error = serde_json::from_str::<ApiKeyResponse>("[1, 2]").unwrap_err();
    assert!(
        error.to_string().contains("an object (ApiKeyResponse)"),
        "{error}"
    );
}

#[test]
fn optional_nullable_fields_keep_absent_and_null_apart() {
    let read = |expires: &str| -> CreateApiKey {
        serde_json::from_str(&format!(r#"{{"name": "ci", "permissions": []{expires}}}"#)).unwrap()
    };
    assert_eq!(read("").expires_at, None);
    assert_eq!(read(r#", "expiresAt": null"#).expires_at, Some(None));
    assert!(matches!(
        read(r#", "expiresAt": "2025-06-09T12:00:00Z""#).expires_at,
        Some(Some(_))
    ));
}

#[test]
fn escaped_names_and_readers_decode_like_borrowed_input() {
    // `\u006e` is `n`: the name cannot be borrowed from the input and is read owned.
    let escaped = KEY.replace(r#""name""#, r#""\u006eame""#);
    let key: ApiKeyResponse = serde_json::from_str(&escaped).unwrap();
    assert_eq!(key.name, "ci");
    let key: ApiKeyResponse = serde_json::from_reader(KEY.as_bytes()).unwrap();
    assert_eq!(key.name, "ci");
}

#[test]
fn properties_beyond_the_declared_ones_are_kept_where_the_model_has_room() {
    let value: HealthControllerCheck200ResponseInfoValue =
        serde_json::from_value(json!({"status": "up", "latency": 3, "region": "eu"})).unwrap();
    assert_eq!(value.status, "up");
    assert_eq!(value.additional_properties.len(), 2);
    assert_eq!(value.additional_properties["latency"], json!(3));
    // And they are written back out beside the declared ones.
    let written = serde_json::to_value(&value).unwrap();
    assert_eq!(
        written,
        json!({"status": "up", "latency": 3, "region": "eu"})
    );
}
