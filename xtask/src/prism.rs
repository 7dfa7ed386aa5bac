//! Stoplight Prism mock servers for the client's test suite: installed from the pinned lockfile
//! in `tools/prism`, one per configured spec (with its patches applied), on 127.0.0.1, stopped
//! when dropped.

use std::fs;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a Prism server may take to start.
const START_LIMIT: Duration = Duration::from_secs(120);

/// Running Prism servers.
pub struct Prism {
    children: Vec<Child>,
    /// Environment variables that tell the tests where each server is.
    pub env: Vec<(String, String)>,
}

impl Prism {
    /// Installs Prism if needed and starts one server per spec.
    pub fn start(root: &Path) -> Result<Prism, String> {
        let tools = root.join("tools/prism");
        let binary = tools.join("node_modules/.bin/prism");
        if !binary.exists() {
            npm_ci(&tools, "Prism (needed for the Prism suite)")?;
        }
        let work = root.join("target/prism");
        fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        let specs = generator::patched_workspace_specs(root).map_err(|e| e.to_string())?;
        let mut prism = Prism {
            children: Vec::new(),
            env: Vec::new(),
        };
        let mut pending = Vec::new();
        for (module, spec) in specs {
            let spec_file = work.join(format!("{module}.json"));
            let log_file = work.join(format!("{module}.log"));
            fs::write(&spec_file, spec.to_string())
                .map_err(|e| format!("cannot write {}: {e}", spec_file.display()))?;
            let port = free_port()?;
            let log = fs::File::create(&log_file)
                .map_err(|e| format!("cannot create {}: {e}", log_file.display()))?;
            let child = Command::new(&binary)
                .args([
                    "mock",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                    "-v",
                    "warn",
                ])
                .arg(&spec_file)
                .stdin(Stdio::null())
                .stdout(log.try_clone().map_err(|e| e.to_string())?)
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot start Prism: {e}"))?;
            prism.children.push(child);
            let variable = format!("DAYTONA_PRISM_{}_URL", module.to_uppercase());
            prism
                .env
                .push((variable, format!("http://127.0.0.1:{port}")));
            pending.push((port, log_file));
        }
        for (i, (port, log_file)) in pending.iter().enumerate() {
            prism.wait_until_listening(i, *port, log_file)?;
        }
        Ok(prism)
    }

    fn wait_until_listening(&mut self, index: usize, port: u16, log: &Path) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < START_LIMIT {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.children[index].try_wait() {
                let output = fs::read_to_string(log).unwrap_or_default();
                return Err(format!("Prism exited ({status}) while starting:\n{output}"));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "Prism did not listen on port {port} within {START_LIMIT:?}; see {}",
            log.display()
        ))
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `npm ci` in `tools` from its committed lockfile, so the versions are the pinned ones.
pub fn npm_ci(tools: &Path, what: &str) -> Result<(), String> {
    eprintln!("installing {what}: npm ci in {}", tools.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(tools)
        .status()
        .map_err(|e| format!("cannot run npm (Node.js is needed for {what}): {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("npm ci failed in {} ({status})", tools.display()))
    }
}

/// A port that is free on 127.0.0.1 right now.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}
