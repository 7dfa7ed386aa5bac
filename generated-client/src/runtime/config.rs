//! Client configuration: from the environment (variables named with
//! [`ENV_PREFIX`](super::profile::ENV_PREFIX)), or a builder.

use super::error::Error;
use super::profile::{DEFAULT_API_URL, ENV_PREFIX, USER_AGENT_PRODUCT};
use super::retry::RetryPolicy;
use super::secret::Secret;
use std::time::Duration;

/// The full name of an environment variable: `API_KEY` → `<ENV_PREFIX>_API_KEY`.
pub fn env_var(suffix: &str) -> String {
    format!("{ENV_PREFIX}_{suffix}")
}

/// How requests authenticate.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// A Daytona API key, sent as a bearer token.
    ApiKey(Secret),
    /// A JWT, sent as a bearer token; the API also needs an organization id with it.
    Jwt(Secret),
}

impl Credentials {
    /// The bearer token.
    pub fn token(&self) -> &Secret {
        match self {
            Credentials::ApiKey(token) | Credentials::Jwt(token) => token,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey(key) => f.debug_tuple("ApiKey").field(key).finish(),
            Credentials::Jwt(token) => f.debug_tuple("Jwt").field(token).finish(),
        }
    }
}

/// Everything a [`Client`](super::Client) needs to know.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Base URL of the API, without a trailing slash.
    pub api_url: String,
    /// The bearer credentials.
    pub credentials: Credentials,
    /// Sent as [`ORGANIZATION_HEADER`](super::profile::ORGANIZATION_HEADER) when a request does not set it.
    pub organization_id: Option<String>,
    /// The default target (region) for new sandboxes, from `<PREFIX>_TARGET`.
    pub target: Option<String>,
    /// Time limit of one attempt of one request.
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Headers sent with every request (for example for a proxy in front of the API).
    pub default_headers: Vec<(String, String)>,
    /// The toolbox base URL to use instead of the one the API gives for each sandbox
    /// (`<PREFIX>_TOOLBOX_URL`): for a toolbox reached directly, in local development or tests.
    pub toolbox_url: Option<String>,
}

impl Config {
    /// Reads the configuration from the environment variables Daytona's SDKs use, each named
    /// with [`ENV_PREFIX`]: `<PREFIX>_API_KEY`, or
    /// `<PREFIX>_JWT_TOKEN` with `<PREFIX>_ORGANIZATION_ID`; `<PREFIX>_API_URL` (default
    /// [`DEFAULT_API_URL`]), `<PREFIX>_TARGET` and `<PREFIX>_TOOLBOX_URL`.
    pub fn from_env() -> Result<Config, Error> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and embedding).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, Error> {
        let get = |suffix: &str| {
            lookup(&env_var(suffix))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = ConfigBuilder::default();
        if let Some(key) = get("API_KEY") {
            builder = builder.api_key(key);
        } else if let Some(jwt) = get("JWT_TOKEN") {
            builder = builder.jwt_token(jwt);
        }
        if let Some(organization) = get("ORGANIZATION_ID") {
            builder = builder.organization_id(organization);
        }
        if let Some(url) = get("API_URL") {
            builder = builder.api_url(url);
        }
        if let Some(target) = get("TARGET") {
            builder = builder.target(target);
        }
        if let Some(url) = get("TOOLBOX_URL") {
            builder = builder.toolbox_url(url);
        }
        builder.build()
    }

    /// A builder with the defaults.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    api_url: Option<String>,
    credentials: Option<Credentials>,
    organization_id: Option<String>,
    target: Option<String>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
    toolbox_url: Option<String>,
}

impl ConfigBuilder {
    /// Authenticates with an API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey(Secret::new(key)));
        self
    }

    /// Authenticates with a JWT (set [`organization_id`](Self::organization_id) too).
    pub fn jwt_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Jwt(Secret::new(token)));
        self
    }

    /// Sets the organization sent as [`ORGANIZATION_HEADER`](super::profile::ORGANIZATION_HEADER).
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Sets the API URL.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
        self
    }

    /// Sets the default target (region).
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Sets the time limit of each attempt (default 60 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets the toolbox base URL used instead of each sandbox's own.
    pub fn toolbox_url(mut self, url: impl Into<String>) -> Self {
        self.toolbox_url = Some(url.into());
        self
    }

    /// Adds a header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<Config, Error> {
        let credentials = self
            .credentials
            .filter(|c| !c.token().expose().trim().is_empty());
        let credentials = credentials.ok_or_else(|| {
            Error::Config(format!(
                "no credentials: set {}, or {} with {}",
                env_var("API_KEY"),
                env_var("JWT_TOKEN"),
                env_var("ORGANIZATION_ID")
            ))
        })?;
        if matches!(credentials, Credentials::Jwt(_)) && self.organization_id.is_none() {
            return Err(Error::Config(format!(
                "a JWT needs an organization: set {}",
                env_var("ORGANIZATION_ID")
            )));
        }
        let api_url = self.api_url.unwrap_or_else(|| DEFAULT_API_URL.to_string());
        let api_url = api_url.trim_end_matches('/').to_string();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            // The URL is repeated to help, except a credential pasted into it.
            let shown = api_url.replace(credentials.token().expose(), "[redacted]");
            return Err(Error::Config(format!(
                "{} must be an http(s) URL, got '{shown}'",
                env_var("API_URL")
            )));
        }
        Ok(Config {
            api_url,
            credentials,
            organization_id: self.organization_id,
            target: self.target,
            timeout: self.timeout.unwrap_or(Duration::from_secs(60)),
            retry: self.retry.unwrap_or_default(),
            user_agent: self
                .user_agent
                .unwrap_or_else(|| format!("{USER_AGENT_PRODUCT}/{}", env!("CARGO_PKG_VERSION"))),
            default_headers: self.default_headers,
            toolbox_url: self
                .toolbox_url
                .map(|url| url.trim_end_matches('/').to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Looks up variables given by suffix (`API_KEY`), so the tests hold for any prefix.
    fn from(vars: &[(&str, &str)]) -> Result<Config, Error> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (env_var(k), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn api_key_and_defaults() {
        let config = from(&[("API_KEY", "dtn_secret")]).unwrap();
        assert_eq!(config.api_url, DEFAULT_API_URL);
        assert_eq!(
            config.credentials,
            Credentials::ApiKey(Secret::new("dtn_secret"))
        );
        assert_eq!(config.organization_id, None);
    }

    #[test]
    fn jwt_needs_an_organization() {
        let error = from(&[("JWT_TOKEN", "jwt")]).unwrap_err();
        assert!(
            error.to_string().contains(&env_var("ORGANIZATION_ID")),
            "{error}"
        );
        let config = from(&[
            ("JWT_TOKEN", "jwt"),
            ("ORGANIZATION_ID", "org"),
            ("API_URL", "http://127.0.0.1:4010/"),
            ("TARGET", "eu"),
        ])
        .unwrap();
        assert_eq!(config.organization_id.as_deref(), Some("org"));
        assert_eq!(config.api_url, "http://127.0.0.1:4010");
        assert_eq!(config.target.as_deref(), Some("eu"));
    }

    #[test]
    fn missing_or_empty_credentials_name_the_variables() {
        for vars in [&[][..], &[("API_KEY", "  ")][..]] {
            let error = from(vars).unwrap_err().to_string();
            assert!(error.contains(&env_var("API_KEY")), "{error}");
            assert!(error.contains(&env_var("JWT_TOKEN")), "{error}");
        }
    }

    #[test]
    fn urls_must_be_http() {
        let error = from(&[("API_KEY", "k"), ("API_URL", "ftp://x")]).unwrap_err();
        assert!(error.to_string().contains(&env_var("API_URL")));
    }
}
