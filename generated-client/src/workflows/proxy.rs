//! The toolbox proxy: a client for one sandbox's toolbox.

use crate::api::types::Sandbox;
use crate::Client;

/// The header that asks the toolbox for a command's raw log, markers kept, instead of its
/// output with stdout and stderr mixed.
pub const SPLIT_OUTPUT_HEADER: &str = "x-daytona-split-output";

/// A client for a sandbox's toolbox: the toolbox proxy URL the API gives for the sandbox,
/// followed by the sandbox id (or the configured `toolbox_url`), with this client's
/// credentials and policies, asking for separate stdout and stderr ([`SPLIT_OUTPUT_HEADER`]).
///
/// The credentials matter: the toolbox proxy refuses requests without the API key or JWT,
/// although the toolbox spec declares no security (see `specs/codegen.yaml`).
pub fn toolbox_client(client: &Client, sandbox: &Sandbox) -> Client {
    let base = match &client.config().toolbox_url {
        Some(url) => client.with_base_url(url),
        None => {
            let proxy = sandbox.toolbox_proxy_url.trim_end_matches('/');
            client.with_base_url(format!("{proxy}/{}", sandbox.id))
        }
    };
    // A constant name and value, so this cannot fail; `base` is the fallback all the same.
    base.with_header(SPLIT_OUTPUT_HEADER, "true")
        .unwrap_or(base)
}
