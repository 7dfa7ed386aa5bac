//! `cargo xtask test`: the whole suite, with what it needs installed and started, and one total
//! line at the end that counts skipped tests as skipped.
//!
//! Tests that need something outside the repository are `#[ignore]`d with the reason, so a plain
//! `cargo test` reports them as ignored rather than passed. This command provides what they need
//! and runs them (`--include-ignored`); what it cannot provide it skips by name (`--skip`), so
//! they show as skipped in the total, and in CI (`CI` set) it fails instead.

use crate::{exit_code, prism, python_sdk, semver_checks};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// A need of some tests: what it is, and the name filter that selects its tests.
struct Need {
    what: &'static str,
    tests: &'static str,
}

const PUBLIC_SPECS: Need = Need {
    what: "the public specs `generate` is tested on (tools/public-specs)",
    tests: "public_specs_generate_and_compile",
};
const PYTHON_SDK: Need = Need {
    what: "Daytona's Python SDK (tools/python-sdk)",
    tests: "this_client_and_the_official_python_sdk_agree",
};
const SEMVER_CHECKS: Need = Need {
    what: "cargo-semver-checks (target/tools)",
    tests: "rust_verdicts_agree_with_cargo_semver_checks",
};
const PRISM: Need = Need {
    what: "the Prism mock servers (tools/prism)",
    tests: "prism_suite::",
};

/// Runs the suite; `extra` goes to `cargo test` (after `--`: to the test binaries).
pub fn run(root: &Path, extra: &[&str]) -> Result<ExitCode, String> {
    let ci = std::env::var_os("CI").is_some();
    let mut skipped_needs = Vec::new();
    // What is missing: an error in CI, a skip elsewhere.
    let mut unavailable = |need: &Need, error: String| -> Result<(), String> {
        if ci {
            return Err(format!("error: {error}\n(in CI every test must run)"));
        }
        eprintln!(
            "warning: {error}\nwarning: skipping the tests that need {}",
            need.what
        );
        skipped_needs.push(need.tests);
        Ok(())
    };

    let public_specs = root.join("tools/public-specs");
    if !public_specs.join("node_modules").exists() {
        if let Err(e) = prism::npm_ci(&public_specs, PUBLIC_SPECS.what) {
            unavailable(&PUBLIC_SPECS, e)?;
        }
    }
    let python = match python_sdk::install(root) {
        Ok(python) => Some(python),
        Err(e) => {
            unavailable(&PYTHON_SDK, e)?;
            None
        }
    };
    let semver_checks = match semver_checks::install(root) {
        Ok(binary) => Some(binary),
        Err(e) => {
            unavailable(&SEMVER_CHECKS, e)?;
            None
        }
    };
    let prism = match prism::Prism::start(root) {
        Ok(prism) => Some(prism),
        Err(e) => {
            unavailable(&PRISM, e)?;
            None
        }
    };

    let (cargo_args, test_args) = match extra.iter().position(|a| *a == "--") {
        Some(at) => (&extra[..at], &extra[at + 1..]),
        None => (extra, &[][..]),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = Command::new(cargo);
    command
        .args(["test", "--workspace", "--no-fail-fast"])
        .args(cargo_args)
        .arg("--")
        .args(test_args)
        // Run the tests that need what was provided; show what passing tests print (the Prism
        // suite's coverage, the known misfits, the differences with the official SDK).
        .args(["--include-ignored", "--show-output"])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for filter in &skipped_needs {
        command.args(["--skip", filter]);
    }
    for (variable, url) in prism.iter().flat_map(|p| p.env.iter()) {
        command.env(variable, url);
    }
    if let Some(python) = &python {
        command.env("DAYTONA_PYTHON_SDK", python);
    }
    if let Some(binary) = &semver_checks {
        command.env("CARGO_SEMVER_CHECKS", binary);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("error: cannot run cargo test: {e}"))?;
    // cargo names each failing test binary on stderr; pass it through and count them.
    let stderr = child.stderr.take();
    let failed_targets = std::thread::spawn(move || {
        let mut failed = 0u64;
        for line in stderr.into_iter().flat_map(|s| BufReader::new(s).lines()) {
            let Ok(line) = line else { break };
            if line.starts_with("error: test failed, to rerun pass") {
                failed += 1;
            }
            eprintln!("{line}");
        }
        failed
    });
    let mut totals = Totals::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("error: reading cargo test output: {e}"))?;
            totals.add(&line);
            println!("{line}");
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("error: cargo test did not finish: {e}"))?;
    drop(prism);
    let failed_targets = failed_targets.join().unwrap_or(0);
    let aborted = totals.aborted(failed_targets);
    println!("{}", totals.summary(aborted));
    Ok(if aborted > 0 {
        ExitCode::FAILURE
    } else {
        exit_code(status)
    })
}

/// Sums of libtest's `test result:` lines, and the binaries that started without one.
#[derive(Debug, Default, PartialEq)]
struct Totals {
    passed: u64,
    failed: u64,
    /// Ignored, or filtered out (`--skip` of a need that could not be met, or the caller's own
    /// filter): not run.
    skipped: u64,
    /// Binaries that printed `running N tests`.
    started: u64,
    /// Binaries that printed a result line.
    finished: u64,
    /// Binaries whose result says `FAILED`.
    failed_binaries: u64,
}

impl Totals {
    /// Counts `running N tests` and lines such as
    /// `test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 2 filtered out; …`.
    fn add(&mut self, line: &str) {
        if line.starts_with("running ") && line.ends_with(" tests") || line == "running 1 test" {
            self.started += 1;
            return;
        }
        let Some(rest) = line.strip_prefix("test result: ") else {
            return;
        };
        self.finished += 1;
        if rest.starts_with("FAILED") {
            self.failed_binaries += 1;
        }
        for part in rest.split(['.', ';']) {
            let mut words = part.split_whitespace();
            let (Some(count), Some(label)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                "ignored" | "filtered" => self.skipped += count,
                _ => {}
            }
        }
    }

    /// Test binaries that ended without a result: started and never finished, or failed by
    /// cargo's count (`failed_targets`) without a failing result line (a binary that aborted
    /// before it printed anything).
    fn aborted(&self, failed_targets: u64) -> u64 {
        let unfinished = self.started.saturating_sub(self.finished);
        unfinished.max(failed_targets.saturating_sub(self.failed_binaries))
    }

    fn summary(&self, aborted: u64) -> String {
        let mut line = format!(
            "tests: {} passed, {} failed, {} skipped",
            self.passed,
            self.failed + aborted,
            self.skipped
        );
        if aborted > 0 {
            line.push_str(&format!(
                " ({aborted} test binary ended without a result and counts as failed)"
            ));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::Totals;

    #[test]
    fn totals_sum_result_lines_and_count_skips() {
        let mut totals = Totals::default();
        for line in [
            "running 33 tests",
            "test something ... ok",
            "test result: ok. 31 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.01s",
            "running 6 tests",
            "test result: FAILED. 5 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out",
            "running 1 test",
            "test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out",
        ] {
            totals.add(line);
        }
        assert_eq!(
            totals,
            Totals {
                passed: 37,
                failed: 1,
                skipped: 5,
                started: 3,
                finished: 3,
                failed_binaries: 1,
            }
        );
        assert_eq!(totals.aborted(1), 0);
        assert_eq!(totals.summary(0), "tests: 37 passed, 1 failed, 5 skipped");
    }

    #[test]
    fn a_binary_without_a_result_counts_as_failed() {
        let mut totals = Totals::default();
        // One binary started and aborted (a stack overflow prints no result line) …
        totals.add("running 4 tests");
        totals.add("running 2 tests");
        totals.add("test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out");
        assert_eq!(totals.aborted(1), 1);
        // … or aborted before it printed anything: cargo still names it as failed.
        let mut totals = Totals::default();
        totals.add("running 2 tests");
        totals.add("test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out");
        assert_eq!(totals.aborted(1), 1);
        assert_eq!(
            totals.summary(1),
            "tests: 2 passed, 1 failed, 0 skipped (1 test binary ended without a result and counts as failed)"
        );
    }
}
