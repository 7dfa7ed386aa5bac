//! The runtime that generated API clients call: configuration, the client that sends requests
//! (auth, retries, timeouts, redirects refused), errors, and the small types models use.
//!
//! Generic over APIs: a generated crate supplies its [`Profile`] (environment prefix, default
//! URL, user agent) and its operations fill a [`Request`] and return a [`Call`]. Nothing here
//! knows any one API.

mod background;
mod binary;
mod call;
mod client;
mod config;
mod error;
mod json_path;
mod multipart;
mod pages;
mod profile;
mod redact;
mod request;
mod response;
mod retry;
mod secret;
mod serde_support;
// Public only so that its generic code is compiled here, for generated crates to link to.
#[doc(hidden)]
pub mod shared_generics;
mod stream;
pub mod time;
mod websocket;

pub use background::spawn_detached;
pub use binary::Binary;
pub use bytes::Bytes;
pub use call::{Call, Success, WithResponse};
pub use client::{Client, SPAN_NAME};
pub use config::{Config, ConfigBuilder};
pub use error::{error_model, ApiError, Error, ErrorDecoder, ErrorModel, TransportKind};
pub use multipart::{Part, Parts};
pub use pages::{NextPage, Page, PageFuture, Pages};
pub use profile::Profile;
pub use redact::is_credential_header;
pub use request::{encode_path, json_text, Body, Form, MultipartForm, Request};
pub use reqwest::Method;
pub use response::{decode, JsonOrText, Response};
pub use retry::{RetryPolicy, RETRY_STATUSES};
pub use secret::Secret;
pub use serde_support::{
    count_present, deserialize_object, enum_string, nullable, read_additional, read_some,
    read_value, skip_value, tagged, write_object, Base64, FieldName, FromObject, ObjectWriter,
};
pub use stream::{ByteStream, Progress};
pub use uuid::Uuid;
pub use websocket::{Close, Connect, Message, Receiver, Sender, WebSocket, KEEPALIVE};

/// A `date-time` value: a UTC timestamp.
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// A `date` value: a calendar date.
pub type Date = chrono::NaiveDate;
