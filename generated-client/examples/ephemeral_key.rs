//! Hands a short-lived key, allowed only to create and delete sandboxes, to a piece of work,
//! and revokes it when the work is done (even if it fails).
//!
//! `DAYTONA_API_KEY=… cargo run -p daytona-client --example ephemeral_key`

use daytona_client::api::types::Permission;
use daytona_client::workflows::{self, EphemeralKeyRequest};
use daytona_client::Client;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), daytona_client::Error> {
    let client = Client::from_env()?;
    let request = EphemeralKeyRequest {
        ttl: Duration::from_secs(5 * 60),
        ..EphemeralKeyRequest::new(
            "ci-job",
            &[Permission::WriteSandboxes, Permission::DeleteSandboxes],
        )
    };
    let count = workflows::with_ephemeral_key(&client, &request, |key| {
        let client = client.clone();
        async move {
            // The secret never shows in Debug output.
            println!("using {key:?}");
            let scoped = key.client(&client)?;
            let sandboxes = workflows::list_sandboxes(&scoped, &Default::default()).await?;
            Ok::<_, daytona_client::Error>(sandboxes.len())
        }
    })
    .await?;
    println!("the scoped key saw {count} sandboxes and has been revoked");
    Ok(())
}
