//! Lists the sandboxes of the configured organization, and the files in the first one's
//! working directory when it is started.
//!
//! Run with `DAYTONA_API_KEY=… cargo run -p daytona-client --example list_sandboxes`.

use daytona_client::{api, toolbox, Client};

#[tokio::main]
async fn main() -> Result<(), daytona_client::Error> {
    // DAYTONA_API_KEY (or DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID),
    // DAYTONA_API_URL (default https://app.daytona.io/api) and DAYTONA_TARGET.
    let client = Client::from_env()?;

    let page = api::sandbox::list_sandboxes(&client, &Default::default()).await?;
    for sandbox in &page.items {
        let state = sandbox.state.as_ref().map_or("unknown", |s| s.as_str());
        println!("{}  {}  {state}", sandbox.id, sandbox.name);
    }

    let Some(first) = page.items.first() else {
        return Ok(());
    };
    // Required parameters are arguments; optional ones go in a `…Params` struct.
    let params = api::sandbox::GetSandboxParams::default().with_verbose(true);
    let sandbox = api::sandbox::get_sandbox(&client, &first.id, &params).await?;
    if sandbox.state.as_ref().map(|s| s.as_str()) == Some("started") {
        // The toolbox API uses the same client, pointed at the sandbox's toolbox URL.
        let toolbox_client =
            client.with_base_url(format!("{}/{}", sandbox.toolbox_proxy_url, sandbox.id));
        let files = toolbox::file_system::list_files(&toolbox_client, &Default::default()).await?;
        for file in files {
            println!("  {}", file.name);
        }
    }
    Ok(())
}
