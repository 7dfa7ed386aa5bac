//! The Daytona client generator: OpenAPI documents in, a typed async Rust client out.
//!
//! The pipeline runs in one direction, one module per stage:
//! [`load`] (text → `openapiv3`, 3.1 normalised to 3.0) → [`lower`] (→ the [`ir`] model) →
//! [`emit`] (→ tokens) → [`format`] (→ source text) → [`output`] (compare, write atomically).
//! [`listing`] renders the public API surface of the model for review; [`scaffold`] wraps one
//! API into a standalone crate.

pub mod config;
pub mod diff;
pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod listing;
pub mod load;
pub mod lower;
pub mod naming;
pub mod output;
pub mod scaffold;
pub mod usage;

pub use error::{Error, Result};

use config::{Config, SpecConfig};
use output::OutputFile;
use std::path::{Path, PathBuf};

/// The command that regenerates the checked-in client; generated headers name it.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// Where the configuration lives, relative to the workspace root.
pub const CONFIG_PATH: &str = "specs/codegen.yaml";

/// Reads, patches and lowers one spec. `display` names the file in errors and headers.
pub fn load_api(path: &Path, display: &str, spec: &SpecConfig) -> Result<ir::Api> {
    lower_text(&read_spec(path, display)?, display, spec)
}

/// Patches and lowers the text of a spec.
pub fn lower_text(text: &str, display: &str, spec: &SpecConfig) -> Result<ir::Api> {
    let document = load::parse(text, display, &spec.patches)?;
    let options = lower::Options {
        type_names: spec.type_names.clone(),
        secrets: spec.secrets.clone(),
    };
    lower::lower(&document, &options)
}

/// The formatted files of one API, with paths under `module/`.
pub fn render_api(
    api: &ir::Api,
    module: &str,
    command: &str,
    test_support: emit::TestSupport,
) -> Result<Vec<OutputFile>> {
    let header = format::header(command, &api.source);
    emit::emit_api(api, test_support)
        .into_iter()
        .map(|file| {
            let path = PathBuf::from(module).join(&file.path);
            let contents = format::format_file(file.tokens, &header, &path.display().to_string())?;
            Ok(OutputFile { path, contents })
        })
        .collect()
}

/// The result of a configured run: where the files go and what they are.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The output folder, relative to the workspace root.
    pub output_dir: PathBuf,
    /// Every generated file, relative to the output folder.
    pub files: Vec<OutputFile>,
    /// The lowered APIs with their module names, in configuration order.
    pub apis: Vec<(String, ir::Api)>,
}

fn read_spec(path: &Path, display: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::new(format!("cannot read the spec: {e}")).in_file(display))
}

/// The codegen configuration of the workspace at `root`.
pub fn read_config(root: &Path) -> Result<Config> {
    let config_text = std::fs::read_to_string(root.join(CONFIG_PATH)).map_err(|e| {
        Error::new(format!("cannot read the codegen configuration: {e}")).in_file(CONFIG_PATH)
    })?;
    Config::parse(&config_text, CONFIG_PATH)
}

/// A configured spec's path relative to the workspace root (as headers and errors show it).
fn spec_path(spec: &SpecConfig) -> String {
    let spec_dir = Path::new(CONFIG_PATH).parent().unwrap_or(Path::new(""));
    spec_dir.join(&spec.file).display().to_string()
}

/// Each configured spec with its patches applied, by module: what the client is generated from.
pub fn patched_specs(root: &Path) -> Result<Vec<(String, serde_json::Value)>> {
    read_config(root)?
        .specs
        .iter()
        .map(|spec| {
            let display = spec_path(spec);
            let text = std::fs::read_to_string(root.join(&display))
                .map_err(|e| Error::new(format!("cannot read the spec: {e}")).in_file(&display))?;
            Ok((
                spec.module.clone(),
                load::patched(&text, &display, &spec.patches)?,
            ))
        })
        .collect()
}

/// Generates everything [`CONFIG_PATH`] under `root` asks for, in memory.
pub fn codegen(root: &Path) -> Result<Generated> {
    let config = read_config(root)?;
    let mut files = Vec::new();
    let mut apis = Vec::new();
    let mut modules = Vec::new();
    for spec in &config.specs {
        let display = spec_path(spec);
        let api = load_api(&root.join(&display), &display, spec)?;
        files.extend(render_api(
            &api,
            &spec.module,
            CODEGEN_COMMAND,
            emit::TestSupport::Include,
        )?);
        modules.push((spec.module.clone(), display));
        apis.push((spec.module.clone(), api));
    }
    let sources: Vec<&str> = modules.iter().map(|(_, s)| s.as_str()).collect();
    let header = format::header(CODEGEN_COMMAND, &sources.join("`, `"));
    files.push(OutputFile {
        path: PathBuf::from("mod.rs"),
        contents: format::format_file(emit::emit_root(&modules), &header, "mod.rs")?,
    });
    Ok(Generated {
        output_dir: PathBuf::from(&config.output),
        files,
        apis,
    })
}

/// Generates a standalone crate (manifest, runtime, API module) for any OpenAPI 3.0 or 3.1
/// document, in memory. `display` names the file in errors and headers.
pub fn generate_crate(
    path: &Path,
    display: &str,
    options: impl FnOnce(&ir::Api) -> Result<scaffold::CrateOptions>,
) -> Result<Vec<OutputFile>> {
    let api = load_api(path, display, &SpecConfig::plain(display, "api"))?;
    let options = options(&api)?;
    scaffold::crate_files(&api, &options)
}
