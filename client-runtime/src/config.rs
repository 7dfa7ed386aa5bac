//! Client configuration: from the environment (variables named by the API's [`Profile`]), or a
//! builder.

use super::error::Error;
use super::profile::Profile;
use super::redact::shown_pairs;
use super::retry::RetryPolicy;
use super::secret::Secret;
use std::fmt;
use std::time::Duration;

/// Everything a [`Client`](super::Client) needs to know.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// The API's names and defaults.
    pub profile: Profile,
    /// Base URL of the API, without a trailing slash.
    pub api_url: String,
    /// The bearer token sent with operations that declare security; without one, such an
    /// operation fails with [`Error::Config`] before anything is sent.
    pub token: Option<Secret>,
    /// Time limit of one attempt of one request.
    pub timeout: Duration,
    /// When and how often to retry.
    pub retry: RetryPolicy,
    /// The `User-Agent` header.
    pub user_agent: String,
    /// Headers sent with every request that does not set them itself. Values of headers whose
    /// names look like credentials are redacted in `Debug`.
    pub default_headers: Vec<(String, String)>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = shown_pairs(
            self.default_headers
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        );
        f.debug_struct("Config")
            .field("profile", &self.profile.env_prefix)
            .field("api_url", &self.api_url)
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("default_headers", &headers)
            .finish()
    }
}

impl Config {
    /// Reads the configuration from the environment: `<PREFIX>_API_KEY` (the bearer token, if
    /// the API needs one) and `<PREFIX>_API_URL` (default: the profile's URL), the prefix being
    /// the profile's.
    pub fn from_env(profile: Profile) -> Result<Config, Error> {
        Config::from_lookup(profile, |name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`], reading variables through `lookup` (for tests and embedding).
    pub fn from_lookup(
        profile: Profile,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, Error> {
        let get = |suffix: &str| {
            lookup(&profile.env_var(suffix))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let mut builder = Config::builder(profile);
        if let Some(token) = get("API_KEY") {
            builder = builder.token(token);
        }
        if let Some(url) = get("API_URL") {
            builder = builder.api_url(url);
        }
        builder.build()
    }

    /// A builder with the profile's defaults.
    pub fn builder(profile: Profile) -> ConfigBuilder {
        ConfigBuilder {
            profile,
            api_url: None,
            token: None,
            timeout: None,
            retry: None,
            user_agent: None,
            default_headers: Vec::new(),
        }
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone)]
pub struct ConfigBuilder {
    profile: Profile,
    api_url: Option<String>,
    token: Option<Secret>,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    user_agent: Option<String>,
    default_headers: Vec<(String, String)>,
}

impl ConfigBuilder {
    /// Sets the bearer token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Sets the API URL.
    pub fn api_url(mut self, url: impl Into<String>) -> Self {
        self.api_url = Some(url.into());
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

    /// Adds a header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Checks the settings and builds the configuration.
    pub fn build(self) -> Result<Config, Error> {
        let profile = self.profile;
        let token = self.token.filter(|t| !t.expose().trim().is_empty());
        let api_url = self
            .api_url
            .unwrap_or_else(|| profile.default_url.to_string());
        let api_url = api_url.trim_end_matches('/').to_string();
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            // The URL is repeated to help, except a credential pasted into it.
            let shown = match &token {
                Some(token) => api_url.replace(token.expose(), "[redacted]"),
                None => api_url,
            };
            return Err(Error::Config(format!(
                "{} must be an http(s) URL, got '{shown}'",
                profile.env_var("API_URL")
            )));
        }
        Ok(Config {
            profile,
            api_url,
            token,
            timeout: self.timeout.unwrap_or(Duration::from_secs(60)),
            retry: self.retry.unwrap_or_default(),
            user_agent: self
                .user_agent
                .unwrap_or_else(|| profile.user_agent.to_string()),
            default_headers: self.default_headers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const PROFILE: Profile = Profile {
        env_prefix: "PETSTORE",
        default_url: "https://petstore.example/v3",
        user_agent: "petstore-client/1.0",
        identity_headers: &[],
    };

    fn from(vars: &[(&str, &str)]) -> Result<Config, Error> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (PROFILE.env_var(k), v.to_string()))
            .collect();
        Config::from_lookup(PROFILE, |name| vars.get(name).cloned())
    }

    #[test]
    fn the_profile_names_the_variables_and_the_defaults() {
        let config = from(&[("API_KEY", "k1"), ("API_URL", "http://127.0.0.1:4010/")]).unwrap();
        assert_eq!(config.token, Some(Secret::new("k1")));
        assert_eq!(config.api_url, "http://127.0.0.1:4010");
        let config = from(&[]).unwrap();
        assert_eq!(config.token, None);
        assert_eq!(config.api_url, PROFILE.default_url);
        assert_eq!(config.user_agent, PROFILE.user_agent);
    }

    #[test]
    fn urls_must_be_http() {
        let error = from(&[("API_KEY", "k"), ("API_URL", "ftp://x")]).unwrap_err();
        assert!(error.to_string().contains("PETSTORE_API_URL"), "{error}");
    }

    #[test]
    fn credential_headers_are_redacted_in_debug() {
        let config = Config::builder(PROFILE)
            .default_header("X-Api-Key", "hunter2-key")
            .default_header("Cookie", "session=hunter2-cookie")
            .default_header("X-Trace", "visible")
            .build()
            .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("visible"), "{debug}");
    }
}
