//! The names and defaults that make this runtime Daytona's. Crates that `cargo xtask generate`
//! writes for other APIs carry the same runtime with a profile of their own.

/// Prefix of the environment variables [`Config::from_env`](super::Config::from_env) reads:
/// `DAYTONA_API_KEY`, `DAYTONA_API_URL`, and so on.
pub const ENV_PREFIX: &str = "DAYTONA";

/// The API URL used when `DAYTONA_API_URL` is not set.
pub const DEFAULT_API_URL: &str = "https://app.daytona.io/api";

/// The header that selects the organization (in lower case, as HTTP/2 sends header names).
pub const ORGANIZATION_HEADER: &str = "x-daytona-organization-id";

/// The product name in the default `User-Agent` (followed by the crate version).
pub const USER_AGENT_PRODUCT: &str = "daytona-client-rust";

/// The name of the `tracing` span around each request.
pub const SPAN_NAME: &str = "daytona_request";
