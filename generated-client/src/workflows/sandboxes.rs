//! Sandboxes: create, wait for a state, start, stop, delete, get, list; and snapshots.

use crate::api::sandbox;
use crate::api::types::{CreateBuildInfo, CreateSandbox, Sandbox, SandboxState};
use crate::runtime::{Call, Error};
use crate::Client;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The API's default auto-stop interval, in minutes.
pub const DEFAULT_AUTO_STOP_MINUTES: i64 = 15;

/// What a sandbox starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SandboxSource {
    /// A snapshot, by name.
    Snapshot(String),
    /// A container image (built into a snapshot by Daytona first).
    Image(String),
}

/// The settings of a new sandbox.
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxSpec {
    /// A name; Daytona picks one when `None`.
    pub name: Option<String>,
    /// The snapshot or image; the organization's default snapshot when `None`.
    pub source: Option<SandboxSource>,
    /// CPU cores.
    pub cpu: Option<i64>,
    /// Memory in GiB.
    pub memory: Option<i64>,
    /// Disk in GiB.
    pub disk: Option<i64>,
    /// Environment variables.
    pub env: BTreeMap<String, String>,
    /// Labels (list sandboxes by them with [`list_sandboxes`]).
    pub labels: BTreeMap<String, String>,
    /// Minutes of inactivity before the sandbox stops (0 disables).
    pub auto_stop_minutes: i64,
    /// The region; the configuration's `DAYTONA_TARGET` when `None`.
    pub target: Option<String>,
    /// How [`create_sandbox`] waits for the sandbox to be `started` (by default up to
    /// [`WaitOptions::default`]'s deadline); `None` returns as soon as the API has accepted the
    /// sandbox, in whatever state it is then.
    pub wait: Option<WaitOptions>,
}

impl Default for SandboxSpec {
    fn default() -> Self {
        SandboxSpec {
            name: None,
            source: None,
            cpu: None,
            memory: None,
            disk: None,
            env: BTreeMap::new(),
            labels: BTreeMap::new(),
            auto_stop_minutes: DEFAULT_AUTO_STOP_MINUTES,
            target: None,
            wait: Some(WaitOptions::default()),
        }
    }
}

impl SandboxSpec {
    /// The request body for this spec; `default_target` fills in a missing target.
    fn body(&self, default_target: Option<&str>) -> CreateSandbox {
        let (snapshot, build_info) = match &self.source {
            Some(SandboxSource::Snapshot(name)) => (Some(name.clone()), None),
            Some(SandboxSource::Image(image)) => (
                None,
                Some(CreateBuildInfo {
                    dockerfile_content: format!("FROM {image}\n"),
                    context_hashes: None,
                }),
            ),
            None => (None, None),
        };
        let non_empty = |map: &BTreeMap<String, String>| (!map.is_empty()).then(|| map.clone());
        CreateSandbox {
            name: self.name.clone(),
            snapshot,
            build_info,
            cpu: self.cpu,
            memory: self.memory,
            disk: self.disk,
            env: non_empty(&self.env),
            labels: non_empty(&self.labels),
            auto_stop_interval: Some(self.auto_stop_minutes),
            target: self
                .target
                .clone()
                .or_else(|| default_target.map(str::to_string)),
            ..CreateSandbox::default()
        }
    }
}

/// Creates a sandbox and, unless [`SandboxSpec::wait`] is `None`, waits until it is started,
/// so a command can run in it at once. The API answers a create before the sandbox runs
/// (`creating`, `starting`, or `pending_build` for an image); Daytona's official SDKs wait the
/// same way.
///
/// Waiting ends with an error when the sandbox enters `error` or `build_failed`
/// ([`Error::UnexpectedState`] with the API's reason) or at the deadline ([`Error::Deadline`]);
/// the sandbox exists then, and the error names it.
pub async fn create_sandbox(client: &Client, spec: &SandboxSpec) -> Result<Sandbox, Error> {
    create_sandbox_reporting(client, spec, &mut |_| {}).await
}

/// [`create_sandbox`], calling `on_poll` with the sandbox as created and at each poll while it
/// waits: to show progress.
pub async fn create_sandbox_reporting(
    client: &Client,
    spec: &SandboxSpec,
    on_poll: &mut (dyn FnMut(&Sandbox) + Send),
) -> Result<Sandbox, Error> {
    let body = spec.body(client.config().target.as_deref());
    let created = sandbox::create_sandbox(client, &body, &Default::default()).await?;
    on_poll(&created);
    match &spec.wait {
        Some(options) if created.state != Some(SandboxState::Started) => {
            wait_for_state_reporting(client, &created.id, SandboxState::Started, options, on_poll)
                .await
        }
        _ => Ok(created),
    }
}

/// A sandbox by id or name.
pub fn get_sandbox(client: &Client, id_or_name: &str) -> Call<Sandbox> {
    sandbox::get_sandbox(client, id_or_name, &Default::default())
}

/// Starts a sandbox (returns at once; see [`wait_for_state`]).
pub fn start_sandbox(client: &Client, id_or_name: &str) -> Call<Sandbox> {
    sandbox::start_sandbox(client, id_or_name, &Default::default())
}

/// Stops a sandbox (returns at once; see [`wait_for_state`]).
pub fn stop_sandbox(client: &Client, id_or_name: &str) -> Call<Sandbox> {
    sandbox::stop_sandbox(client, id_or_name, &Default::default())
}

/// Deletes a sandbox.
pub fn delete_sandbox(client: &Client, id_or_name: &str) -> Call<Sandbox> {
    sandbox::delete_sandbox(client, id_or_name, &Default::default())
}

/// Every sandbox that carries all of `labels` (all sandboxes when empty), across pages. For a
/// stream that stops where the caller does, or a limit, use
/// [`sandbox::list_sandboxes_pages`](crate::api::sandbox::list_sandboxes_pages).
pub async fn list_sandboxes(
    client: &Client,
    labels: &BTreeMap<String, String>,
) -> Result<Vec<crate::api::types::SandboxListItem>, Error> {
    let params = sandbox::ListSandboxesParams {
        labels: label_filter(labels),
        ..Default::default()
    };
    sandbox::list_sandboxes_pages(client, &params).all().await
}

/// The `labels` query value that selects sandboxes carrying all of `labels` (none when empty).
pub(crate) fn label_filter(labels: &BTreeMap<String, String>) -> Option<String> {
    (!labels.is_empty()).then(|| crate::runtime::json_text(labels))
}

/// Every snapshot of the organization, across pages (see
/// [`snapshots::get_all_snapshots_pages`](crate::api::snapshots::get_all_snapshots_pages)).
#[cfg(feature = "api-snapshots")]
pub async fn list_snapshots(client: &Client) -> Result<Vec<crate::api::types::SnapshotDto>, Error> {
    let params = crate::api::snapshots::GetAllSnapshotsParams {
        limit: Some(100.0),
        ..Default::default()
    };
    crate::api::snapshots::get_all_snapshots_pages(client, &params)
        .all()
        .await
}

/// How [`wait_for_state`] polls.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// Give up after this long.
    pub deadline: Duration,
    /// The first pause between polls; it doubles up to `max_interval`.
    pub initial_interval: Duration,
    /// The longest pause between polls.
    pub max_interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            deadline: Duration::from_secs(300),
            initial_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
        }
    }
}

/// Polls the sandbox until it is in `target`. A sandbox in `error` or `build_failed` (or
/// `destroyed`, unless that is the target) is an [`Error::UnexpectedState`] with the API's reason;
/// running past the deadline is [`Error::Deadline`].
pub async fn wait_for_state(
    client: &Client,
    id_or_name: &str,
    target: SandboxState,
    options: &WaitOptions,
) -> Result<Sandbox, Error> {
    wait_for_state_reporting(client, id_or_name, target, options, &mut |_| {}).await
}

/// [`wait_for_state`], calling `on_poll` with the sandbox at each poll: to show progress.
pub async fn wait_for_state_reporting(
    client: &Client,
    id_or_name: &str,
    target: SandboxState,
    options: &WaitOptions,
    on_poll: &mut (dyn FnMut(&Sandbox) + Send),
) -> Result<Sandbox, Error> {
    let what = format!("sandbox {id_or_name} to be {target}");
    poll(
        what,
        options,
        &mut || get_sandbox(client, id_or_name),
        &mut |current| {
            on_poll(&current);
            let state = current.state.clone();
            if state.as_ref() == Some(&target) {
                return Polled::Done(current);
            }
            let failed = matches!(state, Some(SandboxState::Error | SandboxState::BuildFailed))
                || (state == Some(SandboxState::Destroyed) && target != SandboxState::Destroyed);
            if failed {
                return Polled::Failed(Error::UnexpectedState {
                    subject: format!("sandbox {}", current.id),
                    state: state.map_or_else(String::new, |s| s.to_string()),
                    reason: current.error_reason,
                });
            }
            Polled::Pending(state.map_or_else(|| "no state".to_string(), |s| s.to_string()))
        },
    )
    .await
}

/// What one look at something waited for found.
pub(crate) enum Polled<T> {
    /// It is as waited for.
    Done(T),
    /// It never will be.
    Failed(Error),
    /// Not yet: the state it is in.
    Pending(String),
}

/// Fetches with `fetch` and judges with `judge` until the judge says done or failed, pausing
/// between looks from `options.initial_interval`, doubling up to `options.max_interval`; past
/// `options.deadline`, an [`Error::Deadline`] for `what` with the last state seen. The one wait
/// loop of the crate: sandboxes, volumes and snapshots wait by it.
///
/// The fetch and the judge are trait objects so that the loop compiles once for each type
/// waited for, not once for each pair of closures that waits.
pub(crate) async fn poll<T>(
    what: String,
    options: &WaitOptions,
    fetch: &mut (dyn FnMut() -> Call<T> + Send),
    judge: &mut (dyn FnMut(T) -> Polled<T> + Send),
) -> Result<T, Error> {
    let started = Instant::now();
    let mut interval = options.initial_interval;
    loop {
        let last = match judge(fetch().await?) {
            Polled::Done(value) => return Ok(value),
            Polled::Failed(error) => return Err(error),
            Polled::Pending(state) => state,
        };
        let waited = started.elapsed();
        if waited + interval > options.deadline {
            return Err(Error::Deadline { what, waited, last });
        }
        crate::runtime::time::sleep(interval).await;
        interval = (interval * 2).min(options.max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_become_a_build_and_the_target_defaults_from_configuration() {
        let spec = SandboxSpec {
            source: Some(SandboxSource::Image("python:3.12".into())),
            ..SandboxSpec::default()
        };
        let body = spec.body(Some("eu"));
        assert_eq!(body.snapshot, None);
        assert_eq!(
            body.build_info.unwrap().dockerfile_content,
            "FROM python:3.12\n"
        );
        assert_eq!(body.target.as_deref(), Some("eu"));
        assert_eq!(body.auto_stop_interval, Some(DEFAULT_AUTO_STOP_MINUTES));
        assert_eq!(body.env, None, "empty maps are left out");
    }
}
