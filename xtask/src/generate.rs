//! `cargo xtask generate`: a complete client crate for any OpenAPI 3.0/3.1 document. The
//! runtime crate's version, edition and dependencies are read from its manifest, so a generated
//! crate depends on it (or copies its source) as its manifest declares it.

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
    let source = match args.runtime {
        Runtime::Path => RuntimeSource::Path(dir.display().to_string()),
        Runtime::Registry => RuntimeSource::Registry,
        Runtime::Vendor => RuntimeSource::Vendored(source_files(&dir.join("src"))?),
    };
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

/// The runtime crate of the workspace at `root` (`client-runtime/`), read from its manifest with
/// what it inherits from the workspace's, and its folder. Reading the two manifests takes well
/// under a millisecond; `cargo metadata`, which this replaced, took about 25 ms per run.
fn runtime_crate(root: &Path) -> Result<(RuntimeCrate, PathBuf), String> {
    let dir = root.join(RUNTIME_PACKAGE);
    let workspace = read_manifest(&root.join("Cargo.toml"))?;
    let manifest = read_manifest(&dir.join("Cargo.toml"))?;
    let package = manifest.get("package").and_then(toml::Value::as_table);
    if package
        .and_then(|p| p.get("name"))
        .and_then(toml::Value::as_str)
        != Some(RUNTIME_PACKAGE)
    {
        return Err(format!(
            "error: {} is not the {RUNTIME_PACKAGE} package",
            dir.display()
        ));
    }
    let inherited = workspace
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(toml::Value::as_table);
    // A package field, or the workspace's when the package says `field.workspace = true`.
    let field = |name: &str| -> Option<String> {
        let value = package?.get(name)?;
        let value = match value.get("workspace").and_then(toml::Value::as_bool) {
            Some(true) => inherited?.get(name)?,
            _ => value,
        };
        value.as_str().map(str::to_string)
    };
    let shared = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table);
    let dependencies = |table: &str| -> Result<Vec<Dependency>, String> {
        let Some(entries) = manifest.get(table).and_then(toml::Value::as_table) else {
            return Ok(Vec::new());
        };
        entries
            .iter()
            .map(|(name, spec)| dependency(name, spec, shared))
            .collect()
    };
    let runtime = RuntimeCrate {
        version: field("version")
            .ok_or_else(|| format!("error: {RUNTIME_PACKAGE} has no version"))?,
        edition: field("edition").unwrap_or_else(|| "2015".to_string()),
        rust_version: field("rust-version"),
        dependencies: dependencies("dependencies")?,
        dev_dependencies: dependencies("dev-dependencies")?,
    };
    Ok((runtime, dir))
}

/// A manifest as a TOML table.
pub(crate) fn read_manifest(path: &Path) -> Result<toml::Table, String> {
    let display = path.display().to_string();
    let text = files::read_text(path, &display).map_err(|e| e.to_string())?;
    text.parse()
        .map_err(|e| format!("error: {display} is not valid TOML: {e}"))
}

/// One dependency entry (`name = "1"` or `name = { version, features, default-features }`),
/// with `workspace = true` taken from the workspace's `[workspace.dependencies]`.
fn dependency(
    name: &str,
    spec: &toml::Value,
    shared: Option<&toml::Table>,
) -> Result<Dependency, String> {
    let strings = |value: Option<&toml::Value>| -> Vec<String> {
        value
            .and_then(toml::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(toml::Value::as_str)
            .map(str::to_string)
            .collect()
    };
    // An inherited dependency adds the package's features to the workspace's.
    let (spec, features) = match spec.get("workspace").and_then(toml::Value::as_bool) {
        Some(true) => {
            let shared = shared.and_then(|s| s.get(name)).ok_or_else(|| {
                format!("error: {RUNTIME_PACKAGE} inherits {name}, which the workspace does not declare")
            })?;
            let mut features = strings(shared.get("features"));
            features.extend(strings(spec.get("features")));
            (shared, features)
        }
        _ => (spec, strings(spec.get("features"))),
    };
    let req = match spec {
        toml::Value::String(version) => Some(version.as_str()),
        other => other.get("version").and_then(toml::Value::as_str),
    };
    Ok(Dependency {
        name: name.to_string(),
        req: req
            .ok_or_else(|| format!("error: {RUNTIME_PACKAGE}'s dependency {name} has no version"))?
            .to_string(),
        features,
        default_features: spec
            .get("default-features")
            .and_then(toml::Value::as_bool)
            .unwrap_or(true),
    })
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
