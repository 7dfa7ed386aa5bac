//! `cargo xtask generate`: a complete client crate for any OpenAPI 3.0/3.1 document. The
//! runtime crate is found with `cargo metadata`, so a generated crate depends on it (or copies
//! its source) exactly as Cargo knows it.

use argh::FromArgs;
use generator::files::{self, Mode};
use generator::{
    CrateSettings, Dependency, Generator, RuntimeCrate, RuntimeSource, Settings, GENERATE_COMMAND,
    RUNTIME_PACKAGE,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;

/// Write a complete client crate for any OpenAPI 3.0/3.1 document (YAML or JSON); nothing is
/// written unless the whole crate generated.
#[derive(FromArgs)]
#[argh(subcommand, name = "generate")]
pub struct Generate {
    /// the OpenAPI document
    #[argh(option)]
    spec: PathBuf,
    /// the folder to write into: new, empty, or a crate this command wrote
    #[argh(option)]
    out: PathBuf,
    /// the package name (default: from the API's title, `Swagger Petstore` →
    /// `swagger-petstore-client`)
    #[argh(option)]
    crate_name: Option<String>,
    /// make the crate a member of an enclosing workspace instead of its own
    #[argh(switch)]
    in_workspace: bool,
    /// where the runtime comes from: `path` (a dependency on this checkout's client-runtime,
    /// the default), `registry` (its version), or `vendor` (its source copied into
    /// src/runtime/, so the crate builds anywhere)
    #[argh(option, default = "Runtime::Path")]
    runtime: Runtime,
    /// also emit the helpers a test suite drives (samples of every call, round trips), behind
    /// the crate's `test-support` feature
    #[argh(switch)]
    test_support: bool,
    /// fail, writing nothing, where the generator would warn (a part of the document generated
    /// otherwise than written, such as a bound left out or a form sent as bytes)
    #[argh(switch)]
    strict: bool,
}

/// The `--runtime` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Runtime {
    Path,
    Registry,
    Vendor,
}

impl FromStr for Runtime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "path" => Ok(Runtime::Path),
            "registry" => Ok(Runtime::Registry),
            "vendor" => Ok(Runtime::Vendor),
            other => Err(format!(
                "--runtime takes path, registry or vendor, not '{other}'"
            )),
        }
    }
}

/// Writes the crate; the error is what to tell the user.
pub fn run(root: &Path, args: Generate) -> Result<ExitCode, String> {
    files::check_writable(&args.out).map_err(|e| e.to_string())?;
    let (runtime, dir) = runtime_crate(root)?;
    let source = match args.runtime {
        Runtime::Path => RuntimeSource::Path(dir.display().to_string()),
        Runtime::Registry => RuntimeSource::Registry,
        Runtime::Vendor => RuntimeSource::Vendored(source_files(&dir.join("src"))?),
    };
    let display = args.spec.display().to_string();
    let text = files::read_text(&args.spec, &display).map_err(|e| e.to_string())?;
    let mut settings = Settings::new("api", GENERATE_COMMAND);
    settings.test_support = args.test_support;
    settings.strict = args.strict;
    let generator = Generator::new(settings);
    let api = generator.api(&text, &display).map_err(|e| e.to_string())?;
    for warning in &api.warnings {
        eprintln!("{warning}");
    }
    let mut krate = CrateSettings::new(&api, args.crate_name.as_deref(), runtime, source)
        .map_err(|e| e.to_string())?;
    krate.own_workspace = !args.in_workspace;
    let crate_files = generator
        .crate_files(&api, &krate)
        .map_err(|e| e.to_string())?;
    let outcome = files::sync(&args.out, &crate_files, Mode::Write)
        .map_err(|e| format!("error: writing {}: {e}", args.out.display()))?;
    println!(
        "generated {} files into {} ({} changed, {} warnings)",
        crate_files.len(),
        args.out.display(),
        outcome.stale.len() + outcome.extra.len(),
        api.warnings.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// The runtime crate of the workspace at `root`, as `cargo metadata` describes it, and its
/// folder.
fn runtime_crate(root: &Path) -> Result<(RuntimeCrate, PathBuf), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("error: cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "error: cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("error: cargo metadata's output: {e}"))?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == RUNTIME_PACKAGE)
        .ok_or_else(|| format!("error: the workspace has no {RUNTIME_PACKAGE} package"))?;
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    // Normal dependencies have no `kind`; dev dependencies have "dev".
    let of_kind = |kind: Option<&str>| -> Vec<Dependency> {
        package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|d| d["kind"].as_str() == kind)
            .map(|d| Dependency {
                name: text(&d["name"]),
                req: text(&d["req"]),
                features: d["features"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(text)
                    .collect(),
                default_features: d["uses_default_features"].as_bool().unwrap_or(true),
            })
            .collect()
    };
    let (dependencies, dev_dependencies) = (of_kind(None), of_kind(Some("dev")));
    let manifest = PathBuf::from(text(&package["manifest_path"]));
    let dir = manifest
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| format!("error: {} has no folder", manifest.display()))?;
    let runtime = RuntimeCrate {
        version: text(&package["version"]),
        edition: text(&package["edition"]),
        rust_version: package["rust_version"].as_str().map(str::to_string),
        dependencies,
        dev_dependencies,
    };
    Ok((runtime, dir))
}

/// Every `.rs` file under `dir`, relative to it, in a stable order.
fn source_files(dir: &Path) -> Result<Vec<(PathBuf, String)>, String> {
    let mut found = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        let entries = std::fs::read_dir(dir.join(&relative))
            .map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("error: {e}"))?;
            let path = relative.join(entry.file_name());
            if entry.path().is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(entry.path())
                    .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
                found.push((path, text));
            }
        }
    }
    found.sort();
    Ok(found)
}
