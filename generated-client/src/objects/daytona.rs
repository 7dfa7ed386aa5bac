//! The handle for the API: sandboxes, volumes and snapshots.

use super::Sandbox;
use crate::api::sandbox::{self as operations, ListSandboxesParams};
use crate::api::types::SandboxListItem;
use crate::runtime::{Error, Pages};
use crate::workflows::{self, SandboxSpec};
use crate::{Client, Config};
use std::collections::BTreeMap;

/// The Daytona API, as the official SDKs' `Daytona` class: creates, finds and lists sandboxes,
/// and hands out the organization's [`Volumes`](super::Volumes) and
/// [`Snapshots`](super::Snapshots). Cheap to clone (one connection pool).
#[derive(Debug, Clone)]
pub struct Daytona {
    client: Client,
}

impl Daytona {
    /// A handle configured from the `DAYTONA_*` environment variables (see
    /// [`Config::from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        Ok(Daytona::with_client(Client::from_env()?))
    }

    /// A handle with `config`.
    pub fn new(config: Config) -> Result<Self, Error> {
        Ok(Daytona::with_client(Client::new(config)?))
    }

    /// A handle over an existing client (and its connection pool).
    pub fn with_client(client: Client) -> Self {
        Daytona { client }
    }

    /// The client underneath, for the generated functions.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Creates a sandbox and, unless the spec says otherwise, waits until it is started (see
    /// [`workflows::create_sandbox`]).
    pub async fn create(&self, spec: &SandboxSpec) -> Result<Sandbox, Error> {
        let data = workflows::create_sandbox(&self.client, spec).await?;
        Ok(Sandbox::new(self.client.clone(), data))
    }

    /// The sandbox with this id or name.
    pub async fn get(&self, id_or_name: &str) -> Result<Sandbox, Error> {
        let data = workflows::get_sandbox(&self.client, id_or_name).await?;
        Ok(Sandbox::new(self.client.clone(), data))
    }

    /// Every sandbox `params` select (labels, states, sorting…), page after page, as a stream
    /// (see [`Pages`]). The items are the list's summaries; [`Daytona::get`] gives a handle.
    ///
    /// ```no_run
    /// # async fn run(daytona: daytona_client::objects::Daytona) -> Result<(), daytona_client::Error> {
    /// let mut sandboxes = daytona.list(&Default::default()).max_items(100);
    /// while let Some(sandbox) = sandboxes.next().await {
    ///     println!("{}", sandbox?.name);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self, params: &ListSandboxesParams) -> Pages<SandboxListItem> {
        operations::list_sandboxes_pages(&self.client, params)
    }

    /// The first sandbox (in the API's order) that carries all of `labels`, or `None` when no
    /// sandbox does.
    pub async fn find_one(
        &self,
        labels: &BTreeMap<String, String>,
    ) -> Result<Option<Sandbox>, Error> {
        let params = ListSandboxesParams {
            labels: workflows::label_filter(labels),
            limit: Some(1.0),
            ..Default::default()
        };
        let mut found = operations::list_sandboxes_pages(&self.client, &params).max_items(1);
        match found.next().await.transpose()? {
            Some(first) => self.get(&first.id).await.map(Some),
            None => Ok(None),
        }
    }

    /// The organization's volumes.
    #[cfg(feature = "api-volumes")]
    pub fn volumes(&self) -> super::Volumes<'_> {
        super::Volumes::new(&self.client)
    }

    /// The organization's snapshots.
    #[cfg(feature = "api-snapshots")]
    pub fn snapshots(&self) -> super::Snapshots<'_> {
        super::Snapshots::new(&self.client)
    }
}
