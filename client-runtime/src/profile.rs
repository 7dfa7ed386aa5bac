//! What makes the runtime one API's client: its names and defaults, supplied by the crate that
//! uses the runtime (a generated crate, or a hand-written layer over one).

/// The names and defaults of one API's client.
///
/// ```
/// const PROFILE: client_runtime::Profile = client_runtime::Profile {
///     env_prefix: "PETSTORE",
///     default_url: "https://petstore.example/v3",
///     user_agent: "petstore-client/0.1.0",
///     identity_headers: &[],
/// };
/// assert_eq!(PROFILE.env_var("API_KEY"), "PETSTORE_API_KEY");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Prefix of the environment variables [`Config::from_env`](crate::Config::from_env)
    /// reads: `<PREFIX>_API_KEY` and `<PREFIX>_API_URL`.
    pub env_prefix: &'static str,
    /// The API URL used when none is configured.
    pub default_url: &'static str,
    /// The default `User-Agent`: product and version.
    pub user_agent: &'static str,
    /// Headers every request carries to name the client, unless the configuration's default
    /// headers set them.
    pub identity_headers: &'static [(&'static str, &'static str)],
}

impl Profile {
    /// The full name of one of the profile's environment variables: `API_KEY` →
    /// `<PREFIX>_API_KEY`.
    pub fn env_var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.env_prefix)
    }
}
