//! Every operation of both specs against Stoplight Prism, which validates each request against
//! the spec (400/401/404/422 when it does not fit) and answers with the spec's examples, or with
//! random schema-valid data in dynamic mode.
//!
//! `cargo xtask test` starts Prism, sets `DAYTONA_PRISM_API_URL` and
//! `DAYTONA_PRISM_TOOLBOX_URL`, and runs these tests, which are `#[ignore]`d otherwise (a plain
//! `cargo test` reports them as ignored). Run without the variables, they fail.
//!
//! What the specs get wrong is pinned here, each with its reason, and compared for equality:
//! a new misfit and a fixed one both fail the suite, so the README's figures stay true.

mod cli;
mod support;

use support::known::{assert_known, Known};

use daytona_client::{Client, Config, Error, RetryPolicy};
use std::future::Future;
use std::pin::Pin;

type Outcome<'a> = Pin<Box<dyn Future<Output = Option<Result<(), Error>>> + 'a>>;

struct Spec {
    name: &'static str,
    url_variable: &'static str,
    misfits: Known,
    unproducible: Known,
    websockets: Known,
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
            misfits: API_MISFITS,
            unproducible: &[],
            websockets: &[],
            operations: daytona_client::api::samples::OPERATIONS,
            returns_json: daytona_client::api::samples::RETURNS_JSON,
            array_forms: daytona_client::api::samples::ARRAY_FORMS,
            call: |client, op| Box::pin(daytona_client::api::samples::call(client, op)),
        },
        Spec {
            name: "daytona-toolbox",
            url_variable: "DAYTONA_PRISM_TOOLBOX_URL",
            misfits: TOOLBOX_MISFITS,
            unproducible: TOOLBOX_UNPRODUCIBLE,
            websockets: TOOLBOX_WEBSOCKETS,
            operations: daytona_client::toolbox::samples::OPERATIONS,
            returns_json: daytona_client::toolbox::samples::RETURNS_JSON,
            array_forms: daytona_client::toolbox::samples::ARRAY_FORMS,
            call: |client, op| Box::pin(daytona_client::toolbox::samples::call(client, op)),
        },
    ]
}

/// The Prism URL for a spec.
fn prism_url(variable: &str) -> String {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!("{variable} is not set: `cargo xtask test` starts Prism and sets it"),
    }
}

const BUILD_INFO: &str =
    "the spec's example has `buildInfo: \"\"` where the schema declares a BuildInfo object";
const OTEL_CONFIG: &str =
    "the spec's example has `otelConfig: \"\"` where the schema declares an OtelConfig object";
const DOCUMENTATION: &str =
    "the spec's example has `documentation: \"{}\"` (a string) where the schema declares an object";
const NULL_CHILD: &str =
    "the spec's example has `children: [null]` where the schema declares accessibility nodes";

/// The main API's operations whose example response does not fit its own schema, by the JSON
/// path of the value that does not fit.
const API_MISFITS: Known = &[
    ("ConfigController_getConfig", "rateLimit", "the spec's example has `rateLimit: \"\"` where the schema declares a RateLimitConfig object"),
    ("listOrganizations", "[0].otelConfig", OTEL_CONFIG),
    ("createOrganization", "otelConfig", OTEL_CONFIG),
    ("getOrganization", "otelConfig", OTEL_CONFIG),
    ("getOrganizationBySandboxId", "otelConfig", OTEL_CONFIG),
    ("createSandbox", "buildInfo", BUILD_INFO),
    ("listSandboxesPaginated_deprecated", "items[0].buildInfo", BUILD_INFO),
    ("getSandboxesForRunner", "[0].buildInfo", BUILD_INFO),
    ("getSandbox", "buildInfo", BUILD_INFO),
    ("deleteSandbox", "buildInfo", BUILD_INFO),
    ("recoverSandbox", "buildInfo", BUILD_INFO),
    ("startSandbox", "buildInfo", BUILD_INFO),
    ("stopSandbox", "buildInfo", BUILD_INFO),
    ("resizeSandbox", "buildInfo", BUILD_INFO),
    ("createBackup", "buildInfo", BUILD_INFO),
    ("createSandboxSnapshot", "buildInfo", BUILD_INFO),
    ("forkSandbox", "buildInfo", BUILD_INFO),
    ("getSandboxForks", "[0].buildInfo", BUILD_INFO),
    ("getSandboxParent", "buildInfo", BUILD_INFO),
    ("getSandboxAncestors", "[0].buildInfo", BUILD_INFO),
    ("updatePublicStatus", "buildInfo", BUILD_INFO),
    ("setAutostopInterval", "buildInfo", BUILD_INFO),
    ("setAutoArchiveInterval", "buildInfo", BUILD_INFO),
    ("setAutoDeleteInterval", "buildInfo", BUILD_INFO),
    ("updateNetworkSettings", "buildInfo", BUILD_INFO),
    ("archiveSandbox", "buildInfo", BUILD_INFO),
    ("revokeSshAccess", "buildInfo", BUILD_INFO),
    ("adminRecoverSandbox", "buildInfo", BUILD_INFO),
    ("getAllSnapshots", "items[0].buildInfo", BUILD_INFO),
    ("createSnapshot", "buildInfo", BUILD_INFO),
    ("getSnapshot", "buildInfo", BUILD_INFO),
    ("activateSnapshot", "buildInfo", BUILD_INFO),
    ("adminSetSnapshotGeneralStatus", "buildInfo", BUILD_INFO),
    ("LspCompletions_deprecated", "items[0].documentation", DOCUMENTATION),
];

/// The same for the toolbox.
const TOOLBOX_MISFITS: Known = &[
    ("FindAccessibilityNodes", "matches[0].children[0]", NULL_CHILD),
    ("GetAccessibilityTree", "root.children[0]", NULL_CHILD),
    ("GetStatus", "fileStatus[0].worktree", "the spec's example has `worktree: null` where the schema declares a string that is not nullable"),
    ("Completions", "items[0].documentation", DOCUMENTATION),
];

/// Operations whose request Prism accepts but whose declared response it cannot write (it
/// answers 500).
const TOOLBOX_UNPRODUCIBLE: Known = &[
    (
        "DownloadFiles",
        "",
        "Prism has no serializer for a multipart/form-data response",
    ),
    (
        "UploadFile",
        "",
        "Prism cannot write an object declared as `*/*` (NO_COMPLEX_OBJECT_TEXT)",
    ),
];

/// Operations that only upgrade to a WebSocket (`specs/codegen.yaml`): Prism, an HTTP mock,
/// answers the upgrade request without upgrading. They are tested against the test double,
/// which speaks the daemon's WebSockets (`tests/streams.rs`).
const WEBSOCKET: &str =
    "Prism answers without upgrading; tested against the double in tests/streams.rs";
const TOOLBOX_WEBSOCKETS: Known = &[
    ("ConnectPtySession", "", WEBSOCKET),
    ("ExecuteInterpreterCode", "", WEBSOCKET),
];

/// The error of an upgrade request answered without an upgrade.
fn not_upgraded(error: &Error) -> bool {
    matches!(error, Error::Transfer { message, .. } if message.contains("\"Upgrade: websocket\""))
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
#[ignore = "needs Prism: `cargo xtask test` starts it and runs this"]
async fn every_operation_is_accepted_and_its_example_response_decoded() {
    let mut problems = Vec::new();
    for spec in specs() {
        let client = client(&prism_url(spec.url_variable), false);
        let mut decoded = 0;
        let mut misfits = Vec::new();
        let mut array_forms = 0;
        let mut unproducible = Vec::new();
        let mut websockets = Vec::new();
        for operation in spec.operations {
            let outcome = (spec.call)(&client, operation)
                .await
                .expect("a known operation");
            match outcome {
                Ok(()) => decoded += 1,
                Err(Error::Decode {
                    json_path, message, ..
                }) => misfits.push((operation.to_string(), json_path, message)),
                Err(error)
                    if spec.array_forms.contains(operation) && refused_as_not_an_array(&error) =>
                {
                    array_forms += 1
                }
                Err(error) if not_upgraded(&error) => {
                    websockets.push((operation.to_string(), String::new(), error.to_string()))
                }
                Err(error) if response_not_producible(&error) => {
                    unproducible.push((operation.to_string(), String::new(), error.to_string()))
                }
                Err(error) => problems.push(format!("{}: {operation}: {error}", spec.name)),
            }
        }
        println!(
            "{}: {} operations called; Prism accepted {} requests ({array_forms} array-form \
             uploads excepted); {decoded} responses decoded",
            spec.name,
            spec.operations.len(),
            decoded + misfits.len() + unproducible.len(),
        );
        assert_known(
            &format!("{}: WebSockets Prism cannot open", spec.name),
            &websockets,
            spec.websockets,
        );
        assert_known(
            &format!(
                "{}: example responses that do not fit their own schema",
                spec.name
            ),
            &misfits,
            spec.misfits,
        );
        assert_known(
            &format!("{}: responses Prism cannot produce", spec.name),
            &unproducible,
            spec.unproducible,
        );
        assert_eq!(array_forms, spec.array_forms.len(), "{}", spec.name);
    }
    assert!(
        problems.is_empty(),
        "Prism rejected:\n{}",
        problems.join("\n")
    );
}

#[tokio::test]
#[ignore = "needs Prism: `cargo xtask test` starts it and runs this"]
async fn random_schema_valid_responses_decode() {
    const CALLS: usize = 3;
    let mut failures = Vec::new();
    for spec in specs() {
        let client = client(&prism_url(spec.url_variable), true);
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
            "{}: {} operations return JSON; {CALLS} random responses each called",
            spec.name,
            spec.returns_json.len(),
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs one command line of the example with `config`.
async fn run_cli(args: &[&str], config: Config) -> Result<(), String> {
    cli::run(args, config).await.map(drop)
}

#[tokio::test]
#[ignore = "needs Prism: `cargo xtask test` starts it and runs this"]
async fn every_command_of_the_cli_example_runs_against_prism() {
    let (api, toolbox) = (
        prism_url("DAYTONA_PRISM_API_URL"),
        prism_url("DAYTONA_PRISM_TOOLBOX_URL"),
    );
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
        match run_cli(command, config()).await {
            Ok(()) => {}
            // Prism numbers its random pages at random: a list that goes past its first page
            // may be answered with an earlier page number, and the paginator refuses a list
            // that would never end, as it must. Prism has accepted the requests by then.
            Err(e) if command[1] == "list" && e.contains("which would never end the list") => {}
            Err(e) => panic!("{command:?}: {e}"),
        }
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

/// A handle for a sandbox named as in the spec's examples, its API calls sent to Prism's main
/// API and its toolbox calls to Prism's toolbox, both answering random schema-valid data (the
/// static examples of `Sandbox` do not fit its schema: see `API_MISFITS`).
fn prism_sandbox() -> daytona_client::objects::Sandbox {
    let config = Config::builder()
        .api_key("dtn_prism_test_key")
        .api_url(prism_url("DAYTONA_PRISM_API_URL"))
        .toolbox_url(prism_url("DAYTONA_PRISM_TOOLBOX_URL"))
        .retry(RetryPolicy::none())
        .default_header("Prefer", "dynamic=true")
        .build()
        .unwrap();
    let data = daytona_client::api::types::Sandbox {
        id: "sandbox123".into(),
        name: "sandbox123".into(),
        ..Default::default()
    };
    daytona_client::objects::Sandbox::new(Client::new(config).unwrap(), data)
}

#[tokio::test]
#[ignore = "needs Prism: `cargo xtask test` starts it and runs this"]
async fn the_object_layers_single_requests_are_accepted_by_prism() {
    use daytona_client::api::types::UpdateSandboxNetworkSettings;
    let mut sandbox = prism_sandbox();
    let mut failures = Vec::new();
    let mut check = |what: &str, outcome: Result<(), Error>| {
        if let Err(error) = outcome {
            failures.push(format!("{what}: {error}"));
        }
    };

    // The sandbox's settings and access (each refreshes the handle's data, or answers).
    check("set_public", sandbox.set_public(true).await);
    check(
        "set_autostop_interval",
        sandbox.set_autostop_interval(30).await,
    );
    check(
        "set_auto_archive_interval",
        sandbox.set_auto_archive_interval(60).await,
    );
    check(
        "set_auto_delete_interval",
        sandbox.set_auto_delete_interval(None).await,
    );
    let network = UpdateSandboxNetworkSettings::default().with_network_block_all(true);
    check(
        "update_network_settings",
        sandbox.update_network_settings(&network).await,
    );
    check("create_snapshot", sandbox.create_snapshot("saved").await);
    check(
        "signed_preview_link",
        sandbox.signed_preview_link(3000).await.map(drop),
    );
    check(
        "expire_signed_preview_link",
        sandbox.expire_signed_preview_link(3000, "token").await,
    );
    check(
        "create_ssh_access",
        sandbox.create_ssh_access().await.map(drop),
    );
    check(
        "revoke_ssh_access",
        sandbox.revoke_ssh_access().await.map(drop),
    );
    check(
        "validate_ssh_access",
        sandbox.validate_ssh_access("token").await.map(drop),
    );
    check("refresh_activity", sandbox.refresh_activity().await);

    // The organization's volumes and snapshots.
    let daytona = daytona_client::Daytona::with_client(sandbox.client().clone());
    let volumes = daytona.volumes();
    check("volumes.list", volumes.list(false).await.map(drop));
    check("volumes.get", volumes.get("volume123").await.map(drop));
    check(
        "volumes.get_by_name",
        volumes.get_by_name("data").await.map(drop),
    );
    check("volumes.delete", volumes.delete("volume123").await);
    let snapshots = daytona.snapshots();
    check(
        "snapshots.get",
        snapshots.get("snapshot123").await.map(drop),
    );
    check(
        "snapshots.activate",
        snapshots.activate("snapshot123").await.map(drop),
    );
    check("snapshots.delete", snapshots.delete("snapshot123").await);

    // The sandbox's files, beyond the transfers the double plays.
    let fs = sandbox.fs();
    check(
        "fs.list_files",
        fs.list_files("/home/daytona").await.map(drop),
    );
    check(
        "fs.get_file_info",
        fs.get_file_info("/home/daytona/a.txt").await.map(drop),
    );
    check(
        "fs.create_folder",
        fs.create_folder("/home/daytona/new", "755").await,
    );
    check(
        "fs.delete_file",
        fs.delete_file("/home/daytona/new", true).await,
    );
    check(
        "fs.move_file",
        fs.move_file("/home/daytona/a", "/home/daytona/b").await,
    );
    check(
        "fs.find_in_files",
        fs.find_in_files("/home/daytona", "TODO").await.map(drop),
    );
    check(
        "fs.search_files",
        fs.search_files("/home/daytona", "*.rs").await.map(drop),
    );
    check(
        "fs.replace_in_files",
        fs.replace_in_files(&["/home/daytona/a.txt"], "old", "new")
            .await
            .map(drop),
    );
    check(
        "fs.set_file_permissions",
        fs.set_file_permissions("/home/daytona/a.txt", Some("644"), None, None)
            .await,
    );

    // Git.
    let git = sandbox.git();
    let repo = "/home/daytona/repo";
    check(
        "git.clone",
        git.clone("https://github.com/octocat/Hello-World", repo)
            .await,
    );
    check("git.status", git.status(repo).await.map(drop));
    check("git.add", git.add(repo, &["README.md"]).await);
    check(
        "git.commit",
        git.commit(repo, "message", "Ada", "ada@example.com")
            .await
            .map(drop),
    );
    let credentials = Some(("ada", daytona_client::runtime::Secret::new("password")));
    check("git.push", git.push(repo, credentials.clone()).await);
    check("git.pull", git.pull(repo, None).await);
    check("git.branches", git.branches(repo).await.map(drop));
    check(
        "git.create_branch",
        git.create_branch(repo, "feature").await,
    );
    check("git.checkout", git.checkout(repo, "feature").await);
    check(
        "git.delete_branch",
        git.delete_branch(repo, "feature").await,
    );
    check("git.history", git.history(repo).await.map(drop));

    // A language server.
    let lsp = sandbox.lsp("python", "/home/daytona/repo");
    let file = "file:///home/daytona/repo/main.py";
    check("lsp.start", lsp.start().await);
    check("lsp.did_open", lsp.did_open(file).await);
    check(
        "lsp.document_symbols",
        lsp.document_symbols(file).await.map(drop),
    );
    check(
        "lsp.workspace_symbols",
        lsp.workspace_symbols("main").await.map(drop),
    );
    check(
        "lsp.completions",
        lsp.completions(file, 1, 4).await.map(drop),
    );
    check("lsp.did_close", lsp.did_close(file).await);
    check("lsp.stop", lsp.stop().await);

    // The desktop.
    let desktop = sandbox.computer_use();
    check("computer_use.start", desktop.start().await.map(drop));
    check("computer_use.status", desktop.status().await.map(drop));
    check(
        "computer_use.process_status",
        desktop.process_status("xvfb").await.map(drop),
    );
    check(
        "computer_use.restart_process",
        desktop.restart_process("xvfb").await.map(drop),
    );
    check(
        "computer_use.process_logs",
        desktop.process_logs("xvfb").await.map(drop),
    );
    check(
        "computer_use.process_errors",
        desktop.process_errors("xvfb").await.map(drop),
    );
    check(
        "computer_use.screenshot",
        desktop.screenshot().await.map(drop),
    );
    check(
        "computer_use.screenshot_region",
        desktop.screenshot_region(0, 0, 100, 100).await.map(drop),
    );
    check(
        "computer_use.display_info",
        desktop.display_info().await.map(drop),
    );
    check("computer_use.windows", desktop.windows().await.map(drop));
    check(
        "computer_use.mouse_position",
        desktop.mouse_position().await.map(drop),
    );
    check(
        "computer_use.move_mouse",
        desktop.move_mouse(10, 20).await.map(drop),
    );
    check(
        "computer_use.click",
        desktop.click(10, 20, "left", false).await.map(drop),
    );
    check(
        "computer_use.drag",
        desktop.drag((1, 2), (30, 40)).await.map(drop),
    );
    check(
        "computer_use.scroll",
        desktop.scroll(10, 20, "down", 3).await.map(drop),
    );
    check(
        "computer_use.type_text",
        desktop.type_text("hello").await.map(drop),
    );
    check(
        "computer_use.press_key",
        desktop.press_key("a", &["ctrl"]).await.map(drop),
    );
    check(
        "computer_use.press_hotkey",
        desktop.press_hotkey("ctrl+c").await.map(drop),
    );
    check("computer_use.stop", desktop.stop().await.map(drop));

    // Code run in the process handle.
    let code = daytona_client::toolbox::types::CodeRunRequest::default()
        .with_code("print(1)".into())
        .with_language("python".into());
    check(
        "process.code_run",
        sandbox.process().code_run(&code).await.map(drop),
    );

    assert!(failures.is_empty(), "{failures:#?}");
}
