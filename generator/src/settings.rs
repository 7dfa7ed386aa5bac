//! The one settings type of the generator, and the file that configures the workspace's own
//! client (`specs/codegen.yaml`): which spec becomes which module, and the few fixes a spec
//! needs.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

/// How one document is generated: the fixes and names chosen for it, and what to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The Rust module the API goes into (`api` in a standalone crate).
    pub module: String,
    /// Nodes replaced or added before the document is read, for facts it leaves out.
    pub patches: Vec<Patch>,
    /// Type names chosen by hand, keyed by the JSON pointer of the schema the generator would
    /// otherwise name by rule (the first place an inline enum or object appears).
    pub type_names: BTreeMap<String, String>,
    /// String properties that hold secrets, as `Schema.property`; their Rust type redacts the
    /// value in `Debug` and `Display`. (`format: password` properties are secrets anyway.)
    pub secrets: Vec<String>,
    /// Operations that upgrade the connection to a WebSocket, which a spec cannot say.
    pub websockets: Vec<WebSocketOperation>,
    /// Cargo features for part of a tag's operations, for builds that need a few of a large
    /// tag's operations.
    pub subsets: Vec<Subset>,
    /// The command generated headers name.
    pub command: String,
    /// Whether the helpers a crate's own test suite drives are emitted (behind the
    /// `test-support` feature).
    pub test_support: bool,
    /// Whether what would be a warning (a part of the document generated otherwise than it is
    /// written, such as a bound left out) is an error instead.
    pub strict: bool,
}

impl Settings {
    /// A document generated as it is into `module`: no patches, names by rule, no configured
    /// secrets, no test support.
    pub fn new(module: &str, command: &str) -> Self {
        Settings {
            module: module.to_string(),
            patches: Vec::new(),
            type_names: BTreeMap::new(),
            secrets: Vec::new(),
            websockets: Vec::new(),
            subsets: Vec::new(),
            command: command.to_string(),
            test_support: false,
            strict: false,
        }
    }
}

/// An operation the server answers by upgrading to a WebSocket.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebSocketOperation {
    /// Its `operationId`.
    pub operation: String,
    /// Whether it also answers plain HTTP (then both functions are generated: the call, and
    /// `<name>_websocket` for the upgrade).
    #[serde(default)]
    pub also_http: bool,
    /// Why (documentation only): where the server's source says so.
    #[serde(default)]
    pub why: Option<String>,
}

/// A Cargo feature that compiles some operations of one tag (and the models they use) without
/// the rest of the tag; the tag's own feature turns it on.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subset {
    /// The feature's name after the spec module's: `sandbox-lifecycle` in the module `api` is
    /// the feature `api-sandbox-lifecycle`.
    pub feature: String,
    /// The operations, by `operationId`, all of one tag.
    pub operations: Vec<String>,
    /// What the subset is for (documentation only).
    #[serde(default)]
    pub why: Option<String>,
}

/// Sets the node at a JSON pointer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// JSON pointer of the node, such as `#/paths/~1files~1bulk-upload/post/requestBody`.
    pub pointer: String,
    /// The node's new value.
    pub value: serde_json::Value,
    /// Why the patch is needed (documentation only).
    #[serde(default)]
    pub why: Option<String>,
}

/// The parsed `codegen.yaml`: the workspace's own client.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workspace {
    /// Folder (relative to the workspace root) that receives the generated modules.
    pub output: String,
    /// One entry per generated module, in output order.
    pub specs: Vec<WorkspaceSpec>,
}

/// One spec of the workspace's client, as `codegen.yaml` writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceSpec {
    /// The spec file, relative to the folder holding `codegen.yaml`.
    pub file: String,
    /// The Rust module the spec's code goes into.
    pub module: String,
    /// See [`Settings::patches`].
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// See [`Settings::type_names`].
    #[serde(default)]
    pub type_names: BTreeMap<String, String>,
    /// See [`Settings::secrets`].
    #[serde(default)]
    pub secrets: Vec<String>,
    /// See [`Settings::websockets`].
    #[serde(default)]
    pub websockets: Vec<WebSocketOperation>,
    /// See [`Settings::subsets`].
    #[serde(default)]
    pub subsets: Vec<Subset>,
}

impl WorkspaceSpec {
    /// The settings this entry asks for, generated by `command` with test support (the
    /// workspace's client runs its suite against them), strictly: a part of the spec the
    /// client would generate otherwise than written is an error, to be fixed by a patch here.
    pub fn settings(&self, command: &str) -> Settings {
        Settings {
            module: self.module.clone(),
            patches: self.patches.clone(),
            type_names: self.type_names.clone(),
            secrets: self.secrets.clone(),
            websockets: self.websockets.clone(),
            subsets: self.subsets.clone(),
            command: command.to_string(),
            test_support: true,
            strict: true,
        }
    }
}

impl Workspace {
    /// Parses the text of a configuration file named `file` in errors.
    pub fn parse(text: &str, file: &str) -> Result<Workspace> {
        serde_yaml::from_str(text).map_err(|e| {
            let error = Error::new(format!("invalid codegen configuration: {e}")).in_file(file);
            match e.location() {
                Some(at) => error.with_line_column(at.line(), at.column()),
                None => error,
            }
        })
    }

    /// The entry whose file has the file name of `path` (a path, or `<git-rev>:<path>`), if
    /// any: the settings a spec diff of that file reads it with.
    pub fn spec_for(&self, path: &str) -> Option<&WorkspaceSpec> {
        let file_name = path.rsplit(['/', ':']).next().unwrap_or(path);
        self.specs.iter().find(|spec| spec.file == file_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs_patches_and_names() {
        let workspace = Workspace::parse(
            "output: out\nspecs:\n  - file: a.yaml\n    module: a\n    patches:\n      - pointer: '#/x'\n        value: {y: 1}\n        why: missing\n    type_names:\n      '#/components/schemas/A/properties/b': B\n",
            "codegen.yaml",
        )
        .unwrap();
        assert_eq!(workspace.output, "out");
        let settings = workspace.specs[0].settings("cmd");
        assert_eq!(settings.module, "a");
        assert_eq!(settings.patches[0].value["y"], 1);
        assert_eq!(
            settings.type_names["#/components/schemas/A/properties/b"],
            "B"
        );
        assert!(settings.test_support);
        assert_eq!(
            workspace
                .spec_for("origin/main:specs/a.yaml")
                .map(|s| &s.module),
            Some(&"a".to_string())
        );
        assert!(workspace.spec_for("specs/ba.yaml").is_none());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let error =
            Workspace::parse("output: out\nspecs: []\nextra: 1\n", "codegen.yaml").unwrap_err();
        assert!(error.headline.contains("extra"), "{error}");
        assert!(error.line_column.is_some());
    }
}
