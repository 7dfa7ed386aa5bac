//! Test support shared by the integration tests: a test double of the Daytona service built
//! from its published source and the small shell its sandboxes run, and the lists of known
//! exceptions the suites compare with.

// Each test binary uses part of the support code.
#![allow(dead_code)]

pub mod double;
pub mod fault_proxy;
pub mod filesystem;
pub mod known;
pub mod shell;
pub mod sockets;
