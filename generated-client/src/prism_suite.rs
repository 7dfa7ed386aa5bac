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

/// The command-line example, run in-process.
#[path = "../examples/daytona.rs"]
#[allow(dead_code)]
mod cli;

/// Runs one command line of the example with `config`.
async fn run_cli(args: &[&str], config: Config) -> Result<(), String> {
    use clap::Parser;
    let cli = cli::Cli::try_parse_from(std::iter::once("daytona").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let output = cli::Output {
        out: &mut out,
        err: &mut err,
    };
    cli::run(cli, config, output).await
}

#[tokio::test]
async fn every_command_of_the_cli_example_runs_against_prism() {
    let (Some(api), Some(toolbox)) = (
        prism_url("DAYTONA_PRISM_API_URL"),
        prism_url("DAYTONA_PRISM_TOOLBOX_URL"),
    ) else {
        return;
    };
    // Dynamic mode: the spec's own example sandbox does not fit its schema (`buildInfo: ""`).
    let config = || {
        Config::builder()
            .api_key("dtn_cli_key")
            .api_url(&api)
            .default_header("Prefer", "dynamic=true")
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    let commands: &[&[&str]] = &[
        &["sandbox", "list"],
        &["sandbox", "list", "--label", "team=ci"],
        &[
            "sandbox",
            "create",
            "--snapshot",
            "ubuntu",
            "--cpu",
            "2",
            "--env",
            "A=b",
            "--label",
            "team=ci",
            // Prism's random sandboxes never settle in `started`; waiting is tested against
            // the service double (tests/service.rs).
            "--no-wait",
        ],
        &["sandbox", "create", "--image", "python:3.12", "--no-wait"],
        &["sandbox", "get", "sandbox123"],
        &["sandbox", "start", "sandbox123"],
        &["sandbox", "stop", "sandbox123"],
        &["sandbox", "delete", "sandbox123"],
        &["snapshot", "list"],
        &[
            "api-key",
            "create",
            "ci",
            "--permission",
            "write:sandboxes",
            "--ttl-minutes",
            "5",
        ],
        &["api-key", "list"],
        &["api-key", "revoke", "ci-key"],
    ];
    for command in commands {
        run_cli(command, config())
            .await
            .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    }

    // A random sandbox is seldom `started`, so `exec` gets its sandbox from a stub that says
    // so; the toolbox requests go to the toolbox Prism.
    let stub = wiremock::MockServer::start().await;
    let sandbox = serde_json::json!({
        "id": "sandbox123", "organizationId": "o", "name": "n", "user": "daytona", "env": {},
        "labels": {}, "public": false, "networkBlockAll": false, "target": "eu", "cpu": 1,
        "gpu": 0, "memory": 1, "disk": 1, "state": "started", "toolboxProxyUrl": "http://unused"
    });
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(sandbox))
        .mount(&stub)
        .await;
    let exec_config = Config::builder()
        .api_key("dtn_cli_key")
        .api_url(stub.uri())
        .toolbox_url(toolbox)
        .build()
        .unwrap();
    run_cli(
        &["sandbox", "exec", "sandbox123", "--", "echo", "hello"],
        exec_config,
    )
    .await
    .unwrap_or_else(|e| panic!("exec: {e}"));
}

#[test]
fn the_cli_example_names_the_missing_variables_on_one_line() {
    let error = cli::config(|_| None).unwrap_err();
    assert!(!error.contains('\n'), "{error}");
    assert!(error.contains("DAYTONA_API_KEY"), "{error}");
}
