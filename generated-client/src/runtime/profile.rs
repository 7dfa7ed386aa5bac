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

/// Headers every request carries to name the client, unless the configuration's default
/// headers set them. Daytona's API and toolbox read `X-Daytona-Source` to tell clients apart
/// (its official SDKs send `sdk-python`, `sdk-typescript`, `sdk-go`); this client names itself.
/// It sends no `X-Daytona-SDK-Version`: the toolbox compares that header with the versions of
/// Daytona's own SDKs to choose its answer's format, so a version of this crate would be
/// misread.
pub const IDENTITY_HEADERS: &[(&str, &str)] = &[("x-daytona-source", USER_AGENT_PRODUCT)];

/// The name of the `tracing` span around each request.
pub const SPAN_NAME: &str = "daytona_request";
