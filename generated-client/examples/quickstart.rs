//! Creates a sandbox, runs `echo hello` in it, prints the output and deletes the sandbox.
//!
//! `DAYTONA_API_KEY=… cargo run -p daytona-client --example quickstart`

use daytona_client::api::types::SandboxState;
use daytona_client::workflows::{self, ExecRequest, SandboxSpec, WaitOptions};
use daytona_client::Client;

#[tokio::main]
async fn main() -> Result<(), daytona_client::Error> {
    let client = Client::from_env()?;
    // Not waiting in `create_sandbox` itself: if starting fails, the sandbox still exists, and
    // the cleanup below needs its id.
    let spec = SandboxSpec {
        wait: None,
        ..SandboxSpec::default()
    };
    let sandbox = workflows::create_sandbox(&client, &spec).await?;
    println!("created sandbox {}", sandbox.id);

    let outcome = async {
        let started = workflows::wait_for_state(
            &client,
            &sandbox.id,
            SandboxState::Started,
            &WaitOptions::default(),
        )
        .await?;
        workflows::exec(&client, &started, &ExecRequest::new("echo hello")).await
    }
    .await;
    // Delete the sandbox whether or not the command ran.
    workflows::delete_sandbox(&client, &sandbox.id).await?;
    let output = outcome?;
    print!("{}", output.stdout);
    println!(
        "exit code {:?}; sandbox {} deleted",
        output.exit_code, sandbox.id
    );
    Ok(())
}
