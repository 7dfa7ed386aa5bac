//! Daytona's configuration: credentials and settings from the `DAYTONA_*` environment variables
//! Daytona's official SDKs read, or a builder; turned into the runtime's configuration with
//! Daytona's profile (names, default URL, organization header).

use crate::runtime::{self, Error, Profile, RetryPolicy, Secret};
use std::fmt;
use std::time::Duration;

/// The names and defaults that make the runtime Daytona's client.
pub const PROFILE: Profile = Profile {
    env_prefix: "DAYTONA",
    default_url: DEFAULT_API_URL,
    user_agent: concat!("daytona-client-rust/", env!("CARGO_PKG_VERSION")),
    // Daytona's API and toolbox read `X-Daytona-Source` to tell clients apart (its official
    // SDKs send `sdk-python`, `sdk-typescript`, `sdk-go`); this client names itself. It sends
    // no `X-Daytona-SDK-Version`: the toolbox compares that header with the versions of
    // Daytona's own SDKs to choose its answer's format, so a version of this crate would be
    // misread.
    identity_headers: &[("x-daytona-source", "daytona-client-rust")],
};

/// The API URL used when `DAYTONA_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://app.daytona.io/api";

/// The header that selects the organization (read by the API with a JWT).
pub const ORGANIZATION_HEADER: &str = "X-Daytona-Organization-ID";

/// The full name of a Daytona environment variable: `API_KEY` → `DAYTONA_API_KEY`.
pub fn env_var(suffix: &str) -> String {
    PROFILE.env_var(suffix)
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

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey(key) => f.debug_tuple("ApiKey").field(key).finish(),
            Credentials::Jwt(token) => f.debug_tuple("Jwt").field(token).finish(),
        }
    }
}

/// Everything a Daytona [`Client`](crate::Client) needs to know.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// Base URL of the API, without a trailing slash.
    pub api_url: String,
    /// The bearer credentials.
    pub credentials: Credentials,
    /// Sent as [`ORGANIZATION_HEADER`] when a request does not set it.
    pub organization_id: Option<String>,
    /// The default target (region) for new sandboxes, from `DAYTONA_TARGET`.
    pub target: Option<String>,
    /// Time limit of one attempt of one request (a call may set its own).
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Headers sent with every request (for example for a proxy in front of the API). Values
    /// of headers whose names look like credentials are redacted in `Debug`.
    pub default_headers: Vec<(String, String)>,
    /// The toolbox base URL to use instead of the one the API gives for each sandbox
    /// (`DAYTONA_TOOLBOX_URL`): for a toolbox reached directly, in local development or tests.
    pub toolbox_url: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The runtime's view shows the shared settings with credential headers redacted.
        f.debug_struct("Config")
            .field("credentials", &self.credentials)
            .field("organization_id", &self.organization_id)
            .field("target", &self.target)
            .field("toolbox_url", &self.toolbox_url)
            .field("runtime", &self.runtime_config())
            .finish()
    }
}

impl Config {
    /// Reads the configuration from the environment variables Daytona's SDKs use:
    /// `DAYTONA_API_KEY`, or `DAYTONA_JWT_TOKEN` with `DAYTONA_ORGANIZATION_ID`;
    /// `DAYTONA_API_URL` (default [`DEFAULT_API_URL`]), `DAYTONA_TARGET` and
    /// `DAYTONA_TOOLBOX_URL`.
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

    /// The runtime's configuration: the bearer token, and the organization as a default header
    /// (a request that names an organization itself keeps its own).
    pub fn runtime_config(&self) -> runtime::Config {
        let mut default_headers = self.default_headers.clone();
        if let Some(organization) = &self.organization_id {
            let given = default_headers
                .iter()
                .any(|(name, _)| name.eq_ignore_ascii_case(ORGANIZATION_HEADER));
            if !given {
                default_headers.push((ORGANIZATION_HEADER.to_string(), organization.clone()));
            }
        }
        runtime::Config {
            profile: PROFILE,
            api_url: self.api_url.clone(),
            token: Some(self.credentials.token().clone()),
            timeout: self.timeout,
            retry: self.retry.clone(),
            user_agent: self.user_agent.clone(),
            default_headers,
        }
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

    /// Sets the organization sent as [`ORGANIZATION_HEADER`].
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
        // The runtime checks and normalises what it shares with every API.
        let mut shared = runtime::Config::builder(PROFILE).token(credentials.token().expose());
        if let Some(url) = self.api_url {
            shared = shared.api_url(url);
        }
        if let Some(timeout) = self.timeout {
            shared = shared.timeout(timeout);
        }
        if let Some(retry) = self.retry {
            shared = shared.retry(retry);
        }
        if let Some(user_agent) = self.user_agent {
            shared = shared.user_agent(user_agent);
        }
        let shared = shared.build()?;
        Ok(Config {
            api_url: shared.api_url,
            credentials,
            organization_id: self.organization_id,
            target: self.target,
            timeout: shared.timeout,
            retry: shared.retry,
            user_agent: shared.user_agent,
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
        assert_eq!(config.user_agent, PROFILE.user_agent);
    }

    #[test]
    fn jwt_needs_an_organization_which_is_sent_as_a_header() {
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
        let runtime = config.runtime_config();
        assert_eq!(
            runtime.default_headers,
            vec![(ORGANIZATION_HEADER.to_string(), "org".to_string())]
        );
        assert_eq!(runtime.token, Some(Secret::new("jwt")));
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
