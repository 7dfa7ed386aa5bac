//! The handle for one sandbox: its data, its lifecycle, waiters, preview links and the
//! handles for what runs inside it.

use crate::api::sandbox as operations;
use crate::api::types::{self, PortPreviewUrl, ResizeSandbox, SandboxState};
use crate::runtime::{Call, Error};
use crate::workflows::{self, poll, Polled, WaitOptions};
use crate::Client;
use std::future::Future;

/// A sandbox, as the official SDKs' `Sandbox` class: the API's last answer about it
/// ([`data`](Sandbox::data), refreshed by every method that changes it), its lifecycle
/// (`start`, `stop`, `archive`, `resize`, `delete`), waiters for a state, preview links, and
/// the handles for its [`process`](Sandbox::process), [`fs`](Sandbox::fs) and
/// [`git`](Sandbox::git).
///
/// The lifecycle methods wait, as the official SDKs' do, for the sandbox to reach the state
/// asked for, polling with [`wait_options`](Sandbox::set_wait_options) (by default
/// [`WaitOptions::default`]); a sandbox that enters `error` or `build_failed` while waited for
/// is an [`Error::UnexpectedState`], running out of time an [`Error::Deadline`].
#[derive(Debug, Clone)]
pub struct Sandbox {
    client: Client,
    data: types::Sandbox,
    wait: WaitOptions,
}

/// What a lifecycle method waits for once the API has answered.
enum Then {
    /// Nothing: the answer is all.
    Done,
    /// The sandbox to be in this state.
    Until(SandboxState),
    /// The sandbox to leave this state.
    Leaves(SandboxState),
}

impl Sandbox {
    /// A handle for the sandbox the API described as `data`.
    pub fn new(client: Client, data: types::Sandbox) -> Self {
        Sandbox {
            client,
            data,
            wait: WaitOptions::default(),
        }
    }

    /// The sandbox's id.
    pub fn id(&self) -> &str {
        &self.data.id
    }

    /// The sandbox's name.
    pub fn name(&self) -> &str {
        &self.data.name
    }

    /// Its state when the API last answered about it (`None` when the API did not say).
    pub fn state(&self) -> Option<&SandboxState> {
        self.data.state.as_ref()
    }

    /// Everything the API last said about the sandbox.
    pub fn data(&self) -> &types::Sandbox {
        &self.data
    }

    /// The API's last answer, giving up the handle.
    pub fn into_data(self) -> types::Sandbox {
        self.data
    }

    /// The client the handle sends its API requests with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// How the lifecycle methods wait.
    pub fn set_wait_options(&mut self, wait: WaitOptions) {
        self.wait = wait;
    }

    /// Asks the API about the sandbox again.
    pub async fn refresh(&mut self) -> Result<&types::Sandbox, Error> {
        let call = workflows::get_sandbox(&self.client, &self.data.id);
        self.apply(Some(call), Then::Done).await?;
        Ok(&self.data)
    }

    /// Starts the sandbox and waits until it is `started`.
    pub fn start(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        let call = workflows::start_sandbox(&self.client, &self.data.id);
        self.apply(Some(call), Then::Until(SandboxState::Started))
    }

    /// Stops the sandbox and waits until it is `stopped`.
    pub fn stop(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        let call = workflows::stop_sandbox(&self.client, &self.data.id);
        self.apply(Some(call), Then::Until(SandboxState::Stopped))
    }

    /// Archives a stopped sandbox (its filesystem moves to object storage; starting it again
    /// takes longer) and waits until it is `archived`. The API refuses a sandbox that is not
    /// stopped.
    pub fn archive(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::ArchiveSandboxParams::default();
        let call = operations::archive_sandbox(&self.client, &self.data.id, &params);
        self.apply(Some(call), Then::Until(SandboxState::Archived))
    }

    /// Changes the sandbox's CPU cores, memory (GiB) or disk (GiB), and waits until the
    /// resize is done. A started sandbox can only grow CPU and memory; disk changes, and
    /// shrinking, need a stopped sandbox (the API says which it refuses).
    pub fn resize(
        &mut self,
        resources: &ResizeSandbox,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::ResizeSandboxParams::default();
        let call = operations::resize_sandbox(&self.client, &self.data.id, resources, &params);
        self.apply(Some(call), Then::Leaves(SandboxState::Resizing))
    }

    /// Deletes the sandbox. The API answers at once; the sandbox is `destroyed` soon after.
    pub async fn delete(self) -> Result<(), Error> {
        workflows::delete_sandbox(&self.client, &self.data.id).await?;
        Ok(())
    }

    /// Waits until the sandbox is `started`.
    pub fn wait_until_started(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        self.wait_until(SandboxState::Started)
    }

    /// Waits until the sandbox is `stopped`.
    pub fn wait_until_stopped(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        self.wait_until(SandboxState::Stopped)
    }

    /// Waits until the sandbox is in `state`, polling with the handle's wait options.
    pub fn wait_until(
        &mut self,
        state: SandboxState,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        self.apply(None, Then::Until(state))
    }

    /// Sends `call`, when there is one, and keeps its answer; then waits as `then` says. The
    /// one body of the lifecycle methods and waiters, which return its future: each `async fn`
    /// would compile a state machine of its own around it.
    async fn apply(&mut self, call: Option<Call<types::Sandbox>>, then: Then) -> Result<(), Error> {
        if let Some(call) = call {
            self.data = call.await?;
        }
        match then {
            Then::Done => Ok(()),
            Then::Until(state) if self.state() == Some(&state) => Ok(()),
            Then::Until(state) => {
                self.data =
                    workflows::wait_for_state(&self.client, &self.data.id, state, &self.wait)
                        .await?;
                Ok(())
            }
            Then::Leaves(state) => self.wait_while(state).await,
        }
    }

    /// Waits until the sandbox has left `state` (for a state the API passes through, such as
    /// `resizing`), with the handle's wait options; it ends with an error like
    /// [`wait_until`](Sandbox::wait_until)'s.
    async fn wait_while(&mut self, state: SandboxState) -> Result<(), Error> {
        if self.state() != Some(&state) {
            return Ok(());
        }
        let (client, id) = (&self.client, self.data.id.as_str());
        let what = format!("sandbox {id} to leave {state}");
        self.data = poll(
            what,
            &self.wait,
            &mut || workflows::get_sandbox(client, id),
            &mut |current| match &current.state {
                Some(SandboxState::Error | SandboxState::BuildFailed) => {
                    Polled::Failed(Error::UnexpectedState {
                        subject: format!("sandbox {}", current.id),
                        state: current
                            .state
                            .as_ref()
                            .map_or_else(String::new, ToString::to_string),
                        reason: current.error_reason,
                    })
                }
                Some(now) if *now == state => Polled::Pending(state.to_string()),
                _ => Polled::Done(current),
            },
        )
        .await?;
        Ok(())
    }

    /// The URL (and token, for a private sandbox) at which the sandbox's `port` is served.
    pub fn preview_link(&self, port: u16) -> Call<PortPreviewUrl> {
        let params = operations::GetPortPreviewUrlParams::default();
        operations::get_port_preview_url(&self.client, &self.data.id, f64::from(port), &params)
    }

    /// A client for the sandbox's toolbox (see [`workflows::toolbox_client`]).
    pub fn toolbox(&self) -> Client {
        workflows::toolbox_client(&self.client, &self.data)
    }

    /// Commands in the sandbox.
    #[cfg(feature = "toolbox-process-sessions")]
    pub fn process(&self) -> super::Process<'_> {
        super::Process::new(self)
    }

    /// Files in the sandbox.
    #[cfg(feature = "toolbox-file-system-transfer")]
    pub fn fs(&self) -> super::FileSystem {
        super::FileSystem::new(self.toolbox())
    }

    /// A language server for `language_id` (`python`, `typescript`…) over the project at
    /// `path_to_project`.
    #[cfg(feature = "toolbox-lsp")]
    pub fn lsp(&self, language_id: &str, path_to_project: &str) -> super::Lsp {
        super::Lsp::new(self.toolbox(), language_id, path_to_project)
    }

    /// The sandbox's desktop: screenshots, mouse and keyboard.
    #[cfg(feature = "toolbox-computer-use")]
    pub fn computer_use(&self) -> super::ComputerUse {
        super::ComputerUse::new(self.toolbox())
    }

    /// Git repositories in the sandbox.
    #[cfg(feature = "toolbox-git")]
    pub fn git(&self) -> super::Git {
        super::Git::new(self.toolbox())
    }
}

/// Settings, access and copies: the rest of the sandbox tag (feature `api-sandbox`).
#[cfg(feature = "api-sandbox")]
impl Sandbox {
    /// Replaces the sandbox's labels; answers the labels it now has.
    pub async fn set_labels(
        &mut self,
        labels: std::collections::BTreeMap<String, String>,
    ) -> Result<(), Error> {
        let body = types::SandboxLabels { labels };
        let params = operations::ReplaceLabelsParams::default();
        let answer =
            operations::replace_labels(&self.client, &self.data.id, &body, &params).await?;
        self.data.labels = answer.labels;
        Ok(())
    }

    /// Makes the sandbox's previews public (no token needed) or private.
    pub fn set_public(&mut self, public: bool) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::UpdatePublicStatusParams::default();
        let call = operations::update_public_status(&self.client, &self.data.id, public, &params);
        self.apply(Some(call), Then::Done)
    }

    /// Minutes without activity before the sandbox stops; 0 never stops it.
    pub fn set_autostop_interval(
        &mut self,
        minutes: u32,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::SetAutostopIntervalParams::default();
        let interval = f64::from(minutes);
        let call =
            operations::set_autostop_interval(&self.client, &self.data.id, interval, &params);
        self.apply(Some(call), Then::Done)
    }

    /// Minutes stopped before the sandbox is archived; 0 uses the longest the API allows.
    pub fn set_auto_archive_interval(
        &mut self,
        minutes: u32,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::SetAutoArchiveIntervalParams::default();
        let interval = f64::from(minutes);
        let call =
            operations::set_auto_archive_interval(&self.client, &self.data.id, interval, &params);
        self.apply(Some(call), Then::Done)
    }

    /// Minutes stopped before the sandbox is deleted: `None` never deletes it, `Some(0)` deletes
    /// it as soon as it stops.
    pub fn set_auto_delete_interval(
        &mut self,
        minutes: Option<u32>,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::SetAutoDeleteIntervalParams::default();
        // The API's value for "never" is -1.
        let interval = minutes.map_or(-1.0, f64::from);
        let call =
            operations::set_auto_delete_interval(&self.client, &self.data.id, interval, &params);
        self.apply(Some(call), Then::Done)
    }

    /// Limits the sandbox's network: block everything, or allow only a list of CIDRs.
    pub fn update_network_settings(
        &mut self,
        settings: &types::UpdateSandboxNetworkSettings,
    ) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::UpdateNetworkSettingsParams::default();
        let call =
            operations::update_network_settings(&self.client, &self.data.id, settings, &params);
        self.apply(Some(call), Then::Done)
    }

    /// Recovers a sandbox in `error` that the API marks recoverable, and waits until it is
    /// `started`.
    pub fn recover(&mut self) -> impl Future<Output = Result<(), Error>> + '_ {
        let params = operations::RecoverSandboxParams::default();
        let call = operations::recover_sandbox(&self.client, &self.data.id, &params);
        self.apply(Some(call), Then::Until(SandboxState::Started))
    }

    /// A copy of the sandbox (its filesystem and settings) named `name` (or by Daytona), once
    /// the copy is `started`.
    pub async fn fork(&self, name: Option<&str>) -> Result<Sandbox, Error> {
        let body = types::ForkSandbox {
            name: name.map(str::to_string),
        };
        let params = operations::ForkSandboxParams::default();
        let data = operations::fork_sandbox(&self.client, &self.data.id, &body, &params).await?;
        let mut fork = Sandbox::new(self.client.clone(), data);
        fork.set_wait_options(self.wait.clone());
        fork.wait_until(SandboxState::Started).await?;
        Ok(fork)
    }

    /// Saves the sandbox as a snapshot named `name`, for new sandboxes to start from. The
    /// API answers once it has begun; the snapshot is listed by
    /// [`Snapshots`](super::Snapshots) while it is built.
    pub fn create_snapshot(&mut self, name: &str) -> impl Future<Output = Result<(), Error>> + '_ {
        let body = types::CreateSandboxSnapshot {
            name: name.to_string(),
        };
        let params = operations::CreateSandboxSnapshotParams::default();
        let call = operations::create_sandbox_snapshot(&self.client, &self.data.id, &body, &params);
        self.apply(Some(call), Then::Done)
    }

    /// A signed URL for `port` that needs no token, valid for the API's default time.
    pub fn signed_preview_link(&self, port: u16) -> Call<types::SignedPortPreviewUrl> {
        let params = operations::GetSignedPortPreviewUrlParams::default();
        operations::get_signed_port_preview_url(
            &self.client,
            &self.data.id,
            i64::from(port),
            &params,
        )
    }

    /// Ends a signed preview URL before its time.
    pub fn expire_signed_preview_link(&self, port: u16, token: &str) -> Call<()> {
        let params = operations::ExpireSignedPortPreviewUrlParams::default();
        operations::expire_signed_port_preview_url(
            &self.client,
            &self.data.id,
            i64::from(port),
            token,
            &params,
        )
    }

    /// A token for SSH access to the sandbox.
    pub fn create_ssh_access(&self) -> Call<types::SshAccessDto> {
        let params = operations::CreateSshAccessParams::default();
        operations::create_ssh_access(&self.client, &self.data.id, &params)
    }

    /// Revokes the sandbox's SSH access tokens.
    pub fn revoke_ssh_access(&self) -> Call<types::Sandbox> {
        let params = operations::RevokeSshAccessParams::default();
        operations::revoke_ssh_access(&self.client, &self.data.id, &params)
    }

    /// Whether an SSH access token is valid, and for which sandbox.
    pub fn validate_ssh_access(&self, token: &str) -> Call<types::SshAccessValidationDto> {
        let params = operations::ValidateSshAccessParams::default();
        operations::validate_ssh_access(&self.client, token, &params)
    }

    /// Counts as activity, so the auto-stop interval starts again.
    pub fn refresh_activity(&self) -> Call<()> {
        let params = operations::UpdateLastActivityParams::default();
        operations::update_last_activity(&self.client, &self.data.id, &params)
    }
}
