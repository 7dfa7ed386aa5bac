//! API keys, and ephemeral keys: scoped to a few permissions, expiring on their own, revoked
//! as soon as the work that needed them is done.

use crate::api::api_keys;
use crate::api::types::{ApiKeyList, ApiKeyResponse, CreateApiKey, Permission};
use crate::runtime::{Call, DateTime, Error, Secret};
use crate::Client;
use futures_util::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// The shortest time-to-live of an ephemeral key.
pub const MIN_TTL: Duration = Duration::from_secs(60);
/// The longest time-to-live of an ephemeral key.
pub const MAX_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// The time-to-live of an ephemeral key unless another is asked for.
pub const DEFAULT_TTL: Duration = Duration::from_secs(10 * 60);

/// Creates an API key; `expires_at: None` makes a key that does not expire.
pub fn create_api_key(
    client: &Client,
    name: &str,
    permissions: &[Permission],
    expires_at: Option<DateTime>,
) -> Call<ApiKeyResponse> {
    let body = CreateApiKey {
        name: name.to_string(),
        permissions: permissions.to_vec(),
        expires_at: expires_at.map(Some),
    };
    api_keys::create_api_key(client, &body, &Default::default())
}

/// The organization's API keys (their values masked by the API).
pub fn list_api_keys(client: &Client) -> Call<Vec<ApiKeyList>> {
    api_keys::list_api_keys(client, &Default::default())
}

/// The key this client authenticates with.
pub fn current_api_key(client: &Client) -> Call<ApiKeyList> {
    api_keys::get_current_api_key(client, &Default::default())
}

/// A key by name.
pub fn get_api_key(client: &Client, name: &str) -> Call<ApiKeyList> {
    api_keys::get_api_key(client, name, &Default::default())
}

/// Deletes (revokes) a key by name.
pub fn delete_api_key(client: &Client, name: &str) -> Call<()> {
    api_keys::delete_api_key(client, name, &Default::default())
}

/// Deletes another user's key (organization owners).
pub fn delete_api_key_for_user(client: &Client, user_id: &str, name: &str) -> Call<()> {
    api_keys::delete_api_key_for_user(client, user_id, name, &Default::default())
}

/// What an ephemeral key may do, and for how long.
#[derive(Debug, Clone, PartialEq)]
pub struct EphemeralKeyRequest {
    /// The key's name starts with this; a unique suffix follows.
    pub name_prefix: String,
    /// The only permissions the key has.
    pub permissions: Vec<Permission>,
    /// How long the key lives: from [`MIN_TTL`] to [`MAX_TTL`], [`DEFAULT_TTL`] by default.
    pub ttl: Duration,
}

impl EphemeralKeyRequest {
    /// A request with the default time-to-live.
    pub fn new(name_prefix: impl Into<String>, permissions: &[Permission]) -> Self {
        EphemeralKeyRequest {
            name_prefix: name_prefix.into(),
            permissions: permissions.to_vec(),
            ttl: DEFAULT_TTL,
        }
    }

    fn check(&self) -> Result<(), Error> {
        if self.ttl < MIN_TTL || self.ttl > MAX_TTL {
            return Err(Error::InvalidArgument(format!(
                "an ephemeral key lives from 1 minute to 24 hours, not {:?}",
                self.ttl
            )));
        }
        if self.name_prefix.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "an ephemeral key needs a name prefix".to_string(),
            ));
        }
        Ok(())
    }
}

/// A short-lived key. Its `Debug` shows the name and expiry, never the secret.
#[derive(Debug, Clone, PartialEq)]
pub struct EphemeralKey {
    /// The key's name (used to revoke it).
    pub name: String,
    /// The key itself.
    pub key: Secret,
    /// When the API expires it.
    pub expires_at: DateTime,
    /// What it may do.
    pub permissions: Vec<Permission>,
}

impl EphemeralKey {
    /// A client that authenticates with this key, otherwise configured like `client`.
    pub fn client(&self, client: &Client) -> Result<Client, Error> {
        let mut config = client.config().clone();
        config.credentials = crate::Credentials::ApiKey(self.key.clone());
        Ok(Client::new(config)?.with_base_url(client.base_url()))
    }
}

/// Creates an ephemeral key. The time-to-live is checked before any request.
pub async fn create_ephemeral_key(
    client: &Client,
    request: &EphemeralKeyRequest,
) -> Result<EphemeralKey, Error> {
    request.check()?;
    let ttl = chrono::Duration::from_std(request.ttl)
        .map_err(|e| Error::InvalidArgument(format!("time-to-live: {e}")))?;
    let expires_at = chrono::Utc::now() + ttl;
    let name = format!("{}-{}", request.name_prefix, super::unique_suffix());
    let created = create_api_key(client, &name, &request.permissions, Some(expires_at)).await?;
    Ok(EphemeralKey {
        name: created.name,
        key: created.value,
        expires_at: created.expires_at.unwrap_or(expires_at),
        permissions: created.permissions,
    })
}

/// Revokes a key now rather than at its expiry.
pub fn revoke(client: &Client, key: &EphemeralKey) -> Call<()> {
    delete_api_key(client, &key.name)
}

/// Runs `work` with a fresh ephemeral key and revokes the key afterwards, whether the work
/// succeeds, fails or panics (the panic then continues). The work's error wins over a failure
/// to revoke, which is logged; after successful work a failure to revoke is the error.
pub async fn with_ephemeral_key<T, E, F, Fut>(
    client: &Client,
    request: &EphemeralKeyRequest,
    work: F,
) -> Result<T, E>
where
    E: From<Error>,
    F: FnOnce(EphemeralKey) -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let key = create_ephemeral_key(client, request).await?;
    let outcome = AssertUnwindSafe(work(key.clone())).catch_unwind().await;
    let revoked = revoke(client, &key).await;
    if let Ok(Ok(value)) = outcome {
        revoked?;
        return Ok(value);
    }
    // The work failed or panicked: that outcome wins, and a failure to revoke is only logged.
    if let Err(error) = &revoked {
        log_not_revoked(error, &key);
    }
    match outcome {
        Err(panic) => std::panic::resume_unwind(panic),
        Ok(result) => result,
    }
}

/// Logs a key that could not be revoked (it still expires at the end of its time-to-live).
/// Not generic, so the logging compiles once here rather than in every caller of
/// [`with_ephemeral_key`].
fn log_not_revoked(error: &Error, key: &EphemeralKey) {
    tracing::warn!(%error, key = %key.name, "could not revoke the ephemeral key");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_bounds() {
        let mut request = EphemeralKeyRequest::new("ci", &[Permission::WriteSandboxes]);
        assert_eq!(request.ttl, Duration::from_secs(600));
        assert!(request.check().is_ok());
        for ttl in [MIN_TTL, MAX_TTL] {
            request.ttl = ttl;
            assert!(request.check().is_ok(), "{ttl:?} is allowed");
        }
        for ttl in [
            Duration::from_secs(59),
            MAX_TTL + Duration::from_secs(1),
            Duration::ZERO,
        ] {
            request.ttl = ttl;
            let error = request.check().unwrap_err();
            assert!(
                error.to_string().contains("1 minute to 24 hours"),
                "{error}"
            );
        }
    }
}
