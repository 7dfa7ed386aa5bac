//! Every operation of both specs against Stoplight Prism, which validates each request against
//! the spec (400/401/404/422 when it does not fit) and answers with the spec's examples, or with
//! random schema-valid data in dynamic mode.
//!
//! `cargo xtask test` starts Prism and sets `DAYTONA_PRISM_API_URL` and
//! `DAYTONA_PRISM_TOOLBOX_URL`. Without them the suite is skipped with a message, except in CI
//! (`CI` set), where that is a failure.

use crate::runtime::{Config, Error, RetryPolicy};
use crate::Client;
use std::future::Future;
use std::pin::Pin;

type Outcome<'a> = Pin<Box<dyn Future<Output = Option<Result<(), Error>>> + 'a>>;

struct Spec {
    name: &'static str,
    url_variable: &'static str,
    operations: &'static [&'static str],
    returns_json: &'static [&'static str],
    array_forms: &'static [&'static str],
    call: for<'a> fn(&'a Client, &'a str) -> Outcome<'a>,
}

fn specs() -> [Spec; 2] {
    [
        Spec {
            name: "daytona-api",
            url_variable: "DAYTONA_PRISM_API_URL",
            operations: crate::api::samples::OPERATIONS,
            returns_json: crate::api::samples::RETURNS_JSON,
            array_forms: crate::api::samples::ARRAY_FORMS,
            call: |client, op| Box::pin(crate::api::samples::call(client, op)),
        },
        Spec {
            name: "daytona-toolbox",
            url_variable: "DAYTONA_PRISM_TOOLBOX_URL",
            operations: crate::toolbox::samples::OPERATIONS,
            returns_json: crate::toolbox::samples::RETURNS_JSON,
            array_forms: crate::toolbox::samples::ARRAY_FORMS,
            call: |client, op| Box::pin(crate::toolbox::samples::call(client, op)),
        },
    ]
}

/// The Prism URL for a spec, or `None` (with a message) when the suite is to be skipped.
fn prism_url(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!("{variable} is not set: in CI the Prism suite must run; use `cargo xtask test`")
        }
        _ => {
            eprintln!(
                "SKIPPED: the Prism suite needs {variable}; `cargo xtask test` starts Prism and sets it"
            );
            None
        }
    }
}

fn client(url: &str, dynamic: bool) -> Client {
    let mut config = Config::builder()
        .api_key("dtn_prism_test_key")
        .api_url(url)
        .retry(RetryPolicy::none());
    if dynamic {
        config = config.default_header("Prefer", "dynamic=true");
    }
    Client::new(config.build().unwrap()).unwrap()
}

/// Prism's answer to a multipart body sent as `prefix[i].field` parts where the spec declares an
/// array: it reads the form as one object. The wire format of these operations is checked in
/// `tests/requests.rs` instead.
fn refused_as_not_an_array(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.status == 422 && api.body.contains("must be array"))
}

/// Prism's answer when it accepted the request but cannot write the declared response: it has
/// no serializer for multipart responses (the toolbox's bulk download), nor for an object
/// declared as `*/*` (the toolbox's single upload).
fn response_not_producible(error: &Error) -> bool {
    matches!(error, Error::Api(api) if api.status == 500
        && (api.body.contains("Cannot find serializer for multipart/form-data")
            || api.body.contains("NO_COMPLEX_OBJECT_TEXT")))
}

#[tokio::test]
async fn every_operation_is_accepted_and_its_example_response_decoded() {
    let mut problems = Vec::new();
    for spec in specs() {
        let Some(url) = prism_url(spec.url_variable) else {
            return;
        };
        let client = client(&url, false);
        let mut decoded = 0;
        let mut misfits = Vec::new();
        let mut array_forms = 0;
        let mut unproducible = Vec::new();
        for operation in spec.operations {
            let outcome = (spec.call)(&client, operation)
                .await
                .expect("a known operation");
            match outcome {
                Ok(()) => decoded += 1,
                Err(Error::Decode {
                    json_path, message, ..
                }) => {
                    assert!(
                        !json_path.is_empty(),
                        "{operation}: the decode error names a field"
                    );
                    misfits.push(format!("{operation}: at `{json_path}`: {message}"));
                }
                Err(error)
                    if spec.array_forms.contains(operation) && refused_as_not_an_array(&error) =>
                {
                    array_forms += 1
                }
                Err(error) if response_not_producible(&error) => unproducible.push(*operation),
                Err(error) => problems.push(format!("{}: {operation}: {error}", spec.name)),
            }
        }
        println!(
            "{}: {} operations called; Prism accepted {} requests ({array_forms} array-form \
             uploads excepted); {decoded} responses decoded; Prism cannot produce the response \
             of {:?}; {} example responses do not fit their own schema:",
            spec.name,
            spec.operations.len(),
            decoded + misfits.len() + unproducible.len(),
            unproducible,
            misfits.len()
        );
        for misfit in &misfits {
            println!("  {misfit}");
        }
        assert_eq!(array_forms, spec.array_forms.len(), "{}", spec.name);
    }
    assert!(
        problems.is_empty(),
        "Prism rejected:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
async fn random_schema_valid_responses_decode() {
    const CALLS: usize = 3;
    let mut failures = Vec::new();
    for spec in specs() {
        let Some(url) = prism_url(spec.url_variable) else {
            return;
        };
        let client = client(&url, true);
        for operation in spec.returns_json {
            for call in 1..=CALLS {
                let outcome = (spec.call)(&client, operation)
                    .await
                    .expect("a known operation");
                if let Err(error) = outcome {
                    failures.push(format!("{}: {operation} (call {call}): {error}", spec.name));
                }
            }
        }
        println!(
            "{}: {} operations return JSON; {CALLS} random responses each decoded",
            spec.name,
            spec.returns_json.len(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
