//! The `daytona` command-line example, run in-process with its output captured, for the tests
//! that drive it (`prism_suite.rs`, `service.rs`, `streams.rs`).

use daytona_client::Config;

#[path = "../../examples/daytona.rs"]
#[allow(dead_code)] // `main` is the example's own.
mod example;

// Used by the tests of the configuration error, not by every includer.
#[allow(unused_imports)]
pub use example::config;

/// Runs one command line of the example with `config`; what it printed to stdout and stderr,
/// or its one-line error.
pub async fn run(args: &[&str], config: Config) -> Result<(String, String), String> {
    use clap::Parser;
    let cli = example::Cli::try_parse_from(std::iter::once("daytona").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let output = example::Output {
        out: &mut out,
        err: &mut err,
    };
    example::run(cli, config, output).await?;
    Ok((
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    ))
}
