//! The Daytona client: the runtime's client with Daytona's configuration beside it (target,
//! toolbox URL). It dereferences to [`runtime::Client`](crate::runtime::Client), so every
//! generated function takes `&client`.

use crate::config::Config;
use crate::runtime::{self, Error};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A Daytona API client. Cloning is cheap and shares the connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), daytona_client::Error> {
/// let client = daytona_client::Client::from_env()?;
/// // Generated functions take the runtime's client; `&client` is one.
/// let sandboxes = daytona_client::api::sandbox::list_sandboxes(&client, &Default::default()).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    http: runtime::Client,
    config: Arc<Config>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.http.base_url())
            .field("config", &self.config)
            .finish()
    }
}

impl Deref for Client {
    type Target = runtime::Client;

    fn deref(&self) -> &runtime::Client {
        &self.http
    }
}

impl Client {
    /// A client for the API at `config.api_url`.
    pub fn new(config: Config) -> Result<Client, Error> {
        Ok(Client {
            http: runtime::Client::new(config.runtime_config())?,
            config: Arc::new(config),
        })
    }

    /// A client configured from the environment (see [`Config::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        Client::new(Config::from_env()?)
    }

    /// Daytona's configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The runtime's client, which generated functions take (`&client` derefs to it too).
    pub fn runtime(&self) -> &runtime::Client {
        &self.http
    }

    /// The same client (credentials, pool, policies) sending to another base URL, such as a
    /// sandbox's toolbox.
    pub fn with_base_url(&self, base_url: impl AsRef<str>) -> Client {
        Client {
            http: self.http.with_base_url(base_url),
            config: Arc::clone(&self.config),
        }
    }

    /// The same client sending one more header with every request (see
    /// [`runtime::Client::with_header`]).
    pub fn with_header(&self, name: &str, value: &str) -> Result<Client, Error> {
        Ok(Client {
            http: self.http.with_header(name, value)?,
            config: Arc::clone(&self.config),
        })
    }
}
