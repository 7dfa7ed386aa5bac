//! The Daytona client generator: OpenAPI documents in, a typed async Rust client out.
//!
//! One entry point, [`Generator`], made from one [`Settings`]:
//!
//! ```
//! use generator::{Generator, Settings};
//!
//! let spec = r#"{"openapi": "3.0.3", "info": {"title": "Pets", "version": "1"},
//!     "paths": {"/pets": {"get": {"operationId": "listPets",
//!         "responses": {"200": {"description": "ok"}}}}}}"#;
//! let generator = Generator::new(Settings::new("api", "an example"));
//! let api = generator.api(spec, "pets.json")?;
//! let files = generator.module_files(&api)?;
//! assert!(files.iter().any(|f| f.path.ends_with("default.rs")));
//! # Ok::<(), generator::Error>(())
//! ```
//!
//! Inside, the data flows one way, one private module per stage: `load` (text → `openapiv3`,
//! 3.1 normalised to 3.0) → `lower` (→ the [`ir`] model) → `emit` (→ tokens) → `format`
//! (→ source text). [`files`] holds all file I/O; [`listing`] renders the public API surface of
//! the model for review and [`diff`] compares two models.

mod emit;
mod format;
mod load;
mod lower;
mod naming;
mod paging;
mod parallel;
mod scaffold;
#[cfg(test)]
mod test_specs;
mod usage;

pub mod diff;
pub mod error;
pub mod files;
pub mod ir;
pub mod listing;
pub mod settings;

pub use error::{Error, Result, Warning};
pub use files::OutputFile;
pub use scaffold::{CrateSettings, Dependency, RuntimeCrate, RuntimeSource, RUNTIME_PACKAGE};
pub use settings::{Patch, Settings, Workspace, WorkspaceSpec};

use std::path::{Path, PathBuf};

/// The command that regenerates the workspace's client; its generated headers name it.
pub const CODEGEN_COMMAND: &str = "cargo xtask codegen";

/// The command that writes a standalone crate; its generated headers name it.
pub const GENERATE_COMMAND: &str = "cargo xtask generate";

/// Generates Rust from OpenAPI documents, as its [`Settings`] say.
#[derive(Debug, Clone)]
pub struct Generator {
    settings: Settings,
}

impl Generator {
    /// A generator with these settings.
    pub fn new(settings: Settings) -> Generator {
        Generator { settings }
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Reads an OpenAPI 3.0 or 3.1 document (YAML or JSON text) into the model, with the
    /// settings' patches, type names and secrets. `display` names the file in errors.
    pub fn api(&self, text: &str, display: &str) -> Result<ir::Api> {
        let document = load::parse(text, display, &self.settings.patches)?;
        lower::lower(&document, &self.settings)
    }

    /// Like [`Generator::api`], for a document already read into a JSON tree (tools that build
    /// or change documents in memory, such as the mutation tests). Patches are not applied.
    pub fn api_from_tree(&self, tree: serde_json::Value, display: &str) -> Result<ir::Api> {
        let document = load::from_tree(tree, display)?;
        lower::lower(&document, &self.settings)
    }

    /// The document as a JSON tree with the settings' patches applied: what the client is
    /// generated from, for tools (such as a mock server) that must see the same spec.
    pub fn patched(&self, text: &str, display: &str) -> Result<serde_json::Value> {
        load::patched(text, display, &self.settings.patches)
    }

    /// The formatted files of the API's module, with paths under the settings' module folder.
    /// The files' parts are emitted and formatted on the machine's cores, then joined in order:
    /// the output is the same on any number of them.
    pub fn module_files(&self, api: &ir::Api) -> Result<Vec<OutputFile>> {
        let settings = &self.settings;
        let header = format::header(&settings.command, &api.source);
        let test_support = emit::TestSupport::from(settings.test_support);
        let emitter = emit::ModuleEmitter::new(api, &settings.module, test_support);
        let parts = emitter.parts();
        let texts = parallel::map(&parts, |part| {
            let path = PathBuf::from(&settings.module).join(&part.path);
            let text = format::format_items(emitter.emit(part), &path.display().to_string());
            (path, text)
        });
        let mut files: Vec<OutputFile> = Vec::new();
        for (path, text) in texts {
            match files.last_mut() {
                Some(file) if file.path == path => file.contents.push_str(&text?),
                _ => files.push(OutputFile {
                    path,
                    contents: format!("{header}{}", text?),
                }),
            }
        }
        Ok(files)
    }

    /// Every file of a standalone crate for the API: manifest, `lib.rs`, the API module under
    /// `src/`, and the runtime when it is vendored.
    pub fn crate_files(&self, api: &ir::Api, krate: &CrateSettings) -> Result<Vec<OutputFile>> {
        let settings = &self.settings;
        let mut files = scaffold::crate_files(
            api,
            krate,
            &settings.module,
            &settings.command,
            settings.test_support,
        )?;
        for file in self.module_files(api)? {
            files.push(OutputFile {
                path: PathBuf::from("src").join(file.path),
                contents: file.contents,
            });
        }
        Ok(files)
    }
}

/// What the workspace's configuration generates: where the files go and what they are.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The output folder, relative to the workspace root.
    pub output_dir: PathBuf,
    /// Every generated file, relative to the output folder.
    pub files: Vec<OutputFile>,
    /// The lowered APIs with their module names, in configuration order.
    pub apis: Vec<(String, ir::Api)>,
    /// The client crate's manifest (relative to the workspace root) with its tag features
    /// brought up to date, when it marks where they go (see [`files::FEATURES_BEGIN`]).
    pub manifest: Option<OutputFile>,
}

/// Generates everything the workspace configuration ([`files::WORKSPACE_CONFIG`]) under `root`
/// asks for, in memory: a module per spec, with test support, and the `mod.rs` over them.
pub fn codegen(root: &Path) -> Result<Generated> {
    let workspace = files::read_workspace(root)?;
    let mut generated = Vec::new();
    let mut apis = Vec::new();
    let mut modules = Vec::new();
    for spec in &workspace.specs {
        let display = files::workspace_spec_path(&spec.file);
        let text = files::read_text(&root.join(&display), &display)?;
        let generator = Generator::new(spec.settings(CODEGEN_COMMAND));
        let api = generator.api(&text, &display)?;
        generated.extend(generator.module_files(&api)?);
        modules.push((spec.module.clone(), display));
        apis.push((spec.module.clone(), api));
    }
    let sources: Vec<&str> = modules.iter().map(|(_, s)| s.as_str()).collect();
    let header = format::header(CODEGEN_COMMAND, &sources.join("`, `"));
    generated.push(OutputFile {
        path: PathBuf::from("mod.rs"),
        contents: format::format_file(emit::emit_root(&modules), &header, "mod.rs")?,
    });
    let manifest = client_manifest(root, &workspace.output, &apis)?;
    Ok(Generated {
        output_dir: PathBuf::from(&workspace.output),
        files: generated,
        apis,
        manifest,
    })
}

/// The manifest of the crate the output folder is in, its marked block of tag features
/// replaced by the features of `apis`; `None` when no manifest marks the block.
fn client_manifest(
    root: &Path,
    output: &str,
    apis: &[(String, ir::Api)],
) -> Result<Option<OutputFile>> {
    let Some(relative) = files::client_manifest_path(root, output) else {
        return Ok(None);
    };
    let display = relative.display().to_string();
    let text = files::read_text(&root.join(&relative), &display)?;
    let apis: Vec<(&str, &ir::Api)> = apis.iter().map(|(m, a)| (m.as_str(), a)).collect();
    let block = scaffold::tag_features_toml(&apis);
    Ok(
        files::replace_marked_block(&text, &block).map(|contents| OutputFile {
            path: relative,
            contents,
        }),
    )
}

/// Each configured spec with its patches applied, by module: what the workspace's client is
/// generated from (the mock servers of the test suite serve these).
pub fn patched_workspace_specs(root: &Path) -> Result<Vec<(String, serde_json::Value)>> {
    files::read_workspace(root)?
        .specs
        .iter()
        .map(|spec| {
            let display = files::workspace_spec_path(&spec.file);
            let text = files::read_text(&root.join(&display), &display)?;
            let generator = Generator::new(spec.settings(CODEGEN_COMMAND));
            Ok((spec.module.clone(), generator.patched(&text, &display)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts of a file, formatted one by one (and on several threads) and joined, are the
    /// file formatted whole: checked on a spec with models enough for several parts.
    #[test]
    fn files_formatted_in_parts_are_files_formatted_whole() {
        let mut spec = String::from(
            "openapi: 3.0.3\ninfo: {title: Parts, version: '1'}\npaths:\n  /things:\n    get:\n      operationId: listThings\n      tags: [things]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Thing0'}\ncomponents:\n  schemas:\n",
        );
        for i in 0..130 {
            let next = (i + 1) % 130;
            spec.push_str(&format!(
                "    Thing{i}:\n      description: thing {i}\n      type: object\n      required: [id]\n      properties:\n        id: {{type: string}}\n        next: {{$ref: '#/components/schemas/Thing{next}'}}\n"
            ));
        }
        let mut settings = Settings::new("api", "test");
        settings.test_support = true;
        let generator = Generator::new(settings);
        let api = generator.api(&spec, "parts.yaml").unwrap();
        let emitter = emit::ModuleEmitter::new(&api, "api", emit::TestSupport::Include);
        let parts = emitter.parts();
        let type_parts: Vec<_> = parts.iter().filter(|p| p.path == "types.rs").collect();
        assert!(type_parts.len() >= 3, "{} parts", type_parts.len());
        let whole: proc_macro2::TokenStream = type_parts.iter().map(|p| emitter.emit(p)).collect();
        let whole = format::format_items(whole, "types.rs").unwrap();
        let files = generator.module_files(&api).unwrap();
        let types = files.iter().find(|f| f.path.ends_with("types.rs")).unwrap();
        let header = format::header("test", "parts.yaml");
        assert_eq!(types.contents, format!("{header}{whole}"));
        assert!(whole.contains("pub struct Thing129"));
    }
}
