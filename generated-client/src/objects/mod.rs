//! The object layer, shaped like Daytona's official SDKs: a [`Daytona`] handle for the API, a
//! [`Sandbox`] handle per sandbox with its lifecycle and waiters, and the sandbox's
//! [`Process`], [`FileSystem`], [`Git`], [`Lsp`] and [`ComputerUse`]; [`Volumes`] and
//! [`Snapshots`] of the organization.
//!
//! Hand-written over the generated functions and the [`workflows`](crate::workflows). A method
//! that sends one request returns the generated [`Call`](crate::runtime::Call), so its time
//! limit, retries, headers and response headers stay the caller's to set; a method that waits
//! or sends several requests is an `async fn`.
//!
//! ```no_run
//! use daytona_client::objects::Daytona;
//! use daytona_client::workflows::{ExecRequest, SandboxSpec};
//!
//! # async fn run() -> Result<(), daytona_client::Error> {
//! let daytona = Daytona::from_env()?;
//! let sandbox = daytona.create(&SandboxSpec::default()).await?;
//! let output = sandbox.process().exec(&ExecRequest::new("echo hello")).await?;
//! println!("{}", output.stdout);
//! sandbox.delete().await?;
//! # Ok(())
//! # }
//! ```

#[cfg(feature = "toolbox-computer-use")]
mod computer_use;
mod daytona;
#[cfg(feature = "toolbox-file-system-transfer")]
mod fs;
#[cfg(feature = "toolbox-git")]
mod git;
#[cfg(feature = "toolbox-lsp")]
mod lsp;
#[cfg(feature = "toolbox-process-sessions")]
mod process;
mod sandbox;
#[cfg(feature = "api-snapshots")]
mod snapshots;
#[cfg(feature = "api-volumes")]
mod volumes;

#[cfg(feature = "toolbox-computer-use")]
pub use computer_use::ComputerUse;
pub use daytona::Daytona;
#[cfg(feature = "toolbox-file-system-transfer")]
pub use fs::FileSystem;
#[cfg(feature = "toolbox-git")]
pub use git::Git;
#[cfg(feature = "toolbox-lsp")]
pub use lsp::Lsp;
#[cfg(feature = "toolbox-process-sessions")]
pub use process::Process;
pub use sandbox::Sandbox;
#[cfg(feature = "api-snapshots")]
pub use snapshots::Snapshots;
#[cfg(feature = "api-volumes")]
pub use volumes::Volumes;
