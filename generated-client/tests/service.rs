//! The client against a test double of the Daytona service built from its published source
//! (`tests/support/double.rs`): what the specs leave out and the service enforces.
//!
//! * the toolbox proxy refuses requests without the bearer token;
//! * the daemon answers a command's output in one of three forms, chosen by the request's
//!   headers and its own version;
//! * a synchronous command is one request that lasts as long as the command;
//! * a new sandbox is not started yet when the API answers its create.

mod cli;
mod support;

use daytona_client::api::types::{Sandbox, SandboxState};
use daytona_client::toolbox::process;
use daytona_client::toolbox::types::{CreateSessionRequest, SessionExecuteRequest};
use daytona_client::workflows::{
    self, toolbox_client, CommandOutput, ExecRequest, SandboxSource, SandboxSpec, WaitOptions,
};
use daytona_client::{Client, Error};
use daytona_client::{Config, RetryPolicy};
use std::time::{Duration, Instant};
use support::double::{self, Daemon, Double, OutputForm, Settings};

fn config(double: &Double) -> daytona_client::ConfigBuilder {
    Config::builder()
        .api_key(double::API_KEY)
        .api_url(double.api_url())
        .retry(RetryPolicy::none())
}

fn client(double: &Double) -> Client {
    Client::new(config(double).build().unwrap()).unwrap()
}

async fn seed(client: &Client) -> Sandbox {
    workflows::get_sandbox(client, double::SEED_SANDBOX)
        .await
        .unwrap()
}

const HELLO_OOPS: &str = "echo hello; echo oops >&2";

fn split(exit_code: i64, stdout: &str, stderr: &str) -> CommandOutput {
    CommandOutput {
        exit_code: Some(exit_code),
        stdout: stdout.into(),
        stderr: stderr.into(),
        combined: false,
    }
}

/// Every toolbox request of the double's recording carries the bearer token, the client's
/// name and the split-output request, and claims no SDK version.
fn assert_toolbox_headers(double: &Double) {
    let toolbox: Vec<_> = double
        .recorded()
        .into_iter()
        .filter(|r| r.path.starts_with("/toolbox/"))
        .collect();
    assert!(!toolbox.is_empty(), "no toolbox request was made");
    for request in toolbox {
        let at = format!("{} {}", request.method, request.path);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", double::API_KEY).as_str()),
            "{at}"
        );
        assert_eq!(
            request.header("x-daytona-split-output"),
            Some("true"),
            "{at}"
        );
        assert_eq!(
            request.header("x-daytona-source"),
            Some("daytona-client-rust"),
            "{at}"
        );
        assert_eq!(request.header("x-daytona-sdk-version"), None, "{at}");
    }
}

#[tokio::test]
async fn exec_returns_stdout_and_stderr_in_every_form_the_daemon_answers() {
    // The current daemon answers this client (split-output header, no SDK version) with the
    // raw log; daemons of other versions answer with split fields or mixed output.
    let cases = [
        (Daemon::FromHeaders, split(0, "hello\n", "oops\n")),
        (
            Daemon::Always(OutputForm::Markers),
            split(0, "hello\n", "oops\n"),
        ),
        (
            Daemon::Always(OutputForm::Fields),
            split(0, "hello\n", "oops\n"),
        ),
        (
            Daemon::Always(OutputForm::Combined),
            CommandOutput {
                exit_code: Some(0),
                stdout: "hello\noops\n".into(),
                stderr: String::new(),
                combined: true,
            },
        ),
    ];
    for (daemon, expected) in cases {
        let double = Double::start(Settings {
            daemon,
            ..Settings::default()
        })
        .await;
        let client = client(&double);
        let output = workflows::exec(&client, &seed(&client).await, &ExecRequest::new(HELLO_OOPS))
            .await
            .unwrap();
        assert_eq!(output, expected, "{daemon:?}");
        assert_toolbox_headers(&double);
    }
}

#[tokio::test]
async fn exec_keeps_the_exit_code_working_directory_and_environment() {
    let double = Double::start(Settings::default()).await;
    let client = client(&double);
    let mut request = ExecRequest::new("echo $GREETING; pwd; echo bad >&2; false");
    request.cwd = Some("/work/it's here".into());
    request.env.insert("GREETING".into(), "hello world".into());
    let output = workflows::exec(&client, &seed(&client).await, &request)
        .await
        .unwrap();
    assert_eq!(output.stdout, "hello world\n/work/it's here\n");
    assert_eq!(output.stderr, "bad\n");
    assert_eq!(output.exit_code, Some(1));
    assert!(!output.combined);
}

#[tokio::test]
async fn the_cli_prints_stdout_and_stderr_apart_in_every_form() {
    for daemon in [
        Daemon::FromHeaders,
        Daemon::Always(OutputForm::Markers),
        Daemon::Always(OutputForm::Fields),
    ] {
        let double = Double::start(Settings {
            daemon,
            ..Settings::default()
        })
        .await;
        let (stdout, stderr) = run_cli(
            &double,
            &["sandbox", "exec", double::SEED_SANDBOX, "--", HELLO_OOPS],
        )
        .await
        .unwrap();
        assert_eq!(stdout, "hello\nexit code: 0\n", "{daemon:?}");
        assert_eq!(stderr, "oops\n", "{daemon:?}");
    }
    let double = Double::start(Settings {
        daemon: Daemon::Always(OutputForm::Combined),
        ..Settings::default()
    })
    .await;
    let (stdout, stderr) = run_cli(
        &double,
        &["sandbox", "exec", double::SEED_SANDBOX, "--", HELLO_OOPS],
    )
    .await
    .unwrap();
    assert_eq!(stdout, "hello\noops\nexit code: 0\n");
    assert!(stderr.contains("mixed"), "{stderr}");
}

#[tokio::test]
async fn a_command_may_run_longer_than_the_client_timeout() {
    // One second of the command's clock is 50 ms: `sleep 60` takes 3 s, three times the
    // client's timeout.
    let double = Double::start(Settings {
        clock: 0.05,
        ..Settings::default()
    })
    .await;
    let client = Client::new(
        config(&double)
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap(),
    )
    .unwrap();
    let started = Instant::now();
    let output = workflows::exec(
        &client,
        &seed(&client).await,
        &ExecRequest::new("sleep 60; echo done"),
    )
    .await
    .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert_eq!(output, split(0, "done\n", ""));

    // Any other call of the same client still has the client's timeout.
    let toolbox = toolbox_client(&client, &seed(&client).await);
    process::create_session(
        &toolbox,
        &CreateSessionRequest::default().with_session_id("s".into()),
    )
    .await
    .unwrap();
    let body = SessionExecuteRequest::default().with_command("sleep 60".into());
    let error = process::session_execute_command(&toolbox, "s", &body)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport { kind, .. } if *kind == daytona_client::runtime::TransportKind::Timeout),
        "{error}"
    );
}

/// The honest one: real time, the default configuration (a 60 s request timeout), a command
/// of 65 s.
#[tokio::test]
async fn a_command_of_65_seconds_outlasts_the_default_request_timeout() {
    let double = Double::start(Settings::default()).await;
    let client = double.client_with_key(double::API_KEY);
    assert_eq!(client.config().timeout, Duration::from_secs(60));
    let started = Instant::now();
    let output = workflows::exec(
        &client,
        &seed(&client).await,
        &ExecRequest::new("echo started; sleep 65; echo finished >&2"),
    )
    .await
    .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(65));
    assert_eq!(output, split(0, "started\n", "finished\n"));
}

#[tokio::test]
async fn a_command_past_its_own_timeout_is_ended_with_its_session() {
    let double = Double::start(Settings {
        clock: 0.05,
        ..Settings::default()
    })
    .await;
    let client = client(&double);
    let mut request = ExecRequest::new("sleep 200");
    request.timeout = Duration::from_millis(500);
    let started = Instant::now();
    let error = workflows::exec(&client, &seed(&client).await, &request)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Deadline { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let deleted = double
        .recorded()
        .iter()
        .any(|r| r.method == "DELETE" && r.path.contains("/process/session/exec-"));
    assert!(deleted, "the session that ran the command is deleted");
}

#[tokio::test]
async fn the_proxy_refuses_a_toolbox_request_without_valid_credentials() {
    let double = Double::start(Settings::default()).await;
    let sandbox = seed(&client(&double)).await;
    let stranger = double.client_with_key("dtn_not_a_key");
    let error = workflows::exec(&stranger, &sandbox, &ExecRequest::new("echo hi"))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error}")
    };
    assert_eq!(api.status, 401);
    assert!(api.body.contains("Bearer token is invalid"), "{}", api.body);
}

#[tokio::test]
async fn a_redirect_to_a_login_page_is_an_error_and_nothing_follows_it() {
    let double = Double::start(Settings {
        redirect_unauthenticated: true,
        ..Settings::default()
    })
    .await;
    let sandbox = seed(&client(&double)).await;
    let stranger = double.client_with_key("dtn_not_a_key");
    double.take_recorded();
    let error = workflows::exec(&stranger, &sandbox, &ExecRequest::new("echo secret"))
        .await
        .unwrap_err();
    let Error::Redirect {
        status, location, ..
    } = &error
    else {
        panic!("{error}")
    };
    assert_eq!(*status, 307);
    let location = location.as_deref().unwrap();
    assert!(location.ends_with("/login?sandbox=sb-seed"), "{location}");
    assert!(error.to_string().contains(location), "{error}");
    let recorded = double.recorded();
    assert!(
        recorded.iter().all(|r| !r.path.starts_with("/login")),
        "the login page got a request: {recorded:?}"
    );
    // The first toolbox request (creating the session) was refused; nothing else was sent.
    assert_eq!(recorded.len(), 1, "{recorded:?}");
}

#[tokio::test]
async fn create_waits_until_the_sandbox_is_started() {
    let double = Double::start(Settings::default()).await;
    let client = client(&double);
    let spec = SandboxSpec {
        source: Some(SandboxSource::Snapshot("daytonaio/sandbox:0.5.0".into())),
        wait: Some(WaitOptions {
            initial_interval: Duration::from_millis(20),
            ..WaitOptions::default()
        }),
        ..SandboxSpec::default()
    };
    let mut seen = Vec::new();
    let sandbox = workflows::create_sandbox_reporting(&client, &spec, &mut |s| {
        seen.push(s.state.as_ref().map_or("-", |s| s.as_str()).to_string())
    })
    .await
    .unwrap();
    assert_eq!(sandbox.state, Some(SandboxState::Started));
    assert_eq!(seen.first().map(String::as_str), Some("creating"));
    assert_eq!(seen.last().map(String::as_str), Some("started"));
    // Started means a command runs at once.
    let output = workflows::exec(&client, &sandbox, &ExecRequest::new("echo ready"))
        .await
        .unwrap();
    assert_eq!(output.stdout, "ready\n");

    // Without waiting, create returns the sandbox as the API answered.
    let spec = SandboxSpec { wait: None, ..spec };
    let sandbox = workflows::create_sandbox(&client, &spec).await.unwrap();
    assert_eq!(sandbox.state, Some(SandboxState::Creating));
}

#[tokio::test]
async fn create_fails_with_the_reason_when_the_sandbox_cannot_start() {
    let double = Double::start(Settings::default()).await;
    let spec = SandboxSpec {
        source: Some(SandboxSource::Snapshot("broken".into())),
        wait: Some(WaitOptions {
            initial_interval: Duration::from_millis(20),
            ..WaitOptions::default()
        }),
        ..SandboxSpec::default()
    };
    let error = workflows::create_sandbox(&client(&double), &spec)
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "sandbox sb-1 is error: the snapshot cannot start"
    );
    let spec = SandboxSpec {
        source: Some(SandboxSource::Snapshot("daytonaio/sandbox:0.5.0".into())),
        wait: Some(WaitOptions {
            deadline: Duration::from_millis(100),
            initial_interval: Duration::from_millis(20),
            max_interval: Duration::from_millis(20),
        }),
        ..SandboxSpec::default()
    };
    let error = workflows::create_sandbox(&client(&double), &spec)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Deadline { what, .. } if what.contains("sb-2")),
        "{error}"
    );
}

#[tokio::test]
async fn session_command_logs_read_as_json_and_as_text() {
    for (daemon, expected) in [
        (Daemon::FromHeaders, ("hello\n", "oops\n", false)),
        (
            Daemon::Always(OutputForm::Fields),
            ("hello\n", "oops\n", false),
        ),
        (
            Daemon::Always(OutputForm::Markers),
            ("hello\n", "oops\n", false),
        ),
        (
            Daemon::Always(OutputForm::Combined),
            ("hello\noops\n", "", true),
        ),
    ] {
        let double = Double::start(Settings {
            daemon,
            ..Settings::default()
        })
        .await;
        let client = client(&double);
        let toolbox = toolbox_client(&client, &seed(&client).await);
        process::create_session(
            &toolbox,
            &CreateSessionRequest::default().with_session_id("logs".into()),
        )
        .await
        .unwrap();
        let body = SessionExecuteRequest::default()
            .with_command(HELLO_OOPS.into())
            .with_run_async(true);
        let started = process::session_execute_command(&toolbox, "logs", &body)
            .await
            .unwrap();
        let command = started.cmd_id;
        let mut logs = CommandOutput::default();
        for _ in 0..100 {
            logs = workflows::command_logs(&toolbox, "logs", &command)
                .await
                .unwrap();
            if logs.stdout.contains("hello") && (logs.stderr.contains("oops") || logs.combined) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let (stdout, stderr, combined) = expected;
        assert_eq!(
            (logs.stdout.as_str(), logs.stderr.as_str(), logs.combined),
            (stdout, stderr, combined),
            "{daemon:?}"
        );
    }
}

#[tokio::test]
async fn a_jwt_goes_with_its_organization_to_the_api_and_the_toolbox() {
    let double = Double::start(Settings::default()).await;
    let client = Client::new(
        Config::builder()
            .jwt_token(double::JWT)
            .organization_id(double::ORGANIZATION)
            .api_url(double.api_url())
            .build()
            .unwrap(),
    )
    .unwrap();
    let output = workflows::exec(&client, &seed(&client).await, &ExecRequest::new(HELLO_OOPS))
        .await
        .unwrap();
    assert_eq!(output, split(0, "hello\n", "oops\n"));
    for request in double.recorded() {
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {}", double::JWT).as_str())
        );
        assert_eq!(
            request.header("x-daytona-organization-id"),
            Some(double::ORGANIZATION)
        );
    }
}

#[test]
fn the_cli_example_names_the_missing_variables_on_one_line() {
    let error = cli::config(|_| None).unwrap_err();
    assert!(!error.contains('\n'), "{error}");
    assert!(error.contains("DAYTONA_API_KEY"), "{error}");
}

/// Runs one command line of the `daytona` example against the double; its stdout and stderr.
async fn run_cli(double: &Double, args: &[&str]) -> Result<(String, String), String> {
    cli::run(args, config(double).build().unwrap()).await
}
