//! The codegen configuration: which spec becomes which module, and the few fixes a spec needs.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The parsed `codegen.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder (relative to the workspace root) that receives the generated modules.
    pub output: String,
    /// One entry per generated module, in output order.
    pub specs: Vec<SpecConfig>,
}

/// How one spec is generated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecConfig {
    /// The spec file, relative to the folder holding `codegen.yaml`.
    pub file: String,
    /// The Rust module the spec's code goes into.
    pub module: String,
    /// Nodes replaced or added before the spec is read, for facts the spec leaves out.
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// Type names chosen by hand, keyed by the JSON pointer of the schema the generator would
    /// otherwise name by rule (the first place an inline enum or object appears).
    #[serde(default)]
    pub type_names: BTreeMap<String, String>,
    /// String properties that hold secrets, as `Schema.property`; their Rust type redacts the
    /// value in `Debug` and `Display`. (`format: password` properties are secrets anyway.)
    #[serde(default)]
    pub secrets: Vec<String>,
}

impl SpecConfig {
    /// A spec generated as it is: no patches, names by rule, no configured secrets.
    pub fn plain(file: &str, module: &str) -> Self {
        SpecConfig {
            file: file.to_string(),
            module: module.to_string(),
            patches: Vec::new(),
            type_names: BTreeMap::new(),
            secrets: Vec::new(),
        }
    }
}

/// Sets the node at a JSON pointer.
#[derive(Debug, Clone, Deserialize)]
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

impl Config {
    /// Parses the text of a configuration file named `file` in errors.
    pub fn parse(text: &str, file: &str) -> Result<Config> {
        serde_yaml::from_str(text).map_err(|e| {
            let error = Error::new(format!("invalid codegen configuration: {e}")).in_file(file);
            match e.location() {
                Some(at) => error.with_line_column(at.line(), at.column()),
                None => error,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs_patches_and_names() {
        let config = Config::parse(
            "output: out\nspecs:\n  - file: a.yaml\n    module: a\n    patches:\n      - pointer: '#/x'\n        value: {y: 1}\n        why: missing\n    type_names:\n      '#/components/schemas/A/properties/b': B\n",
            "codegen.yaml",
        )
        .unwrap();
        assert_eq!(config.output, "out");
        assert_eq!(config.specs[0].module, "a");
        assert_eq!(config.specs[0].patches[0].value["y"], 1);
        assert_eq!(
            config.specs[0].type_names["#/components/schemas/A/properties/b"],
            "B"
        );
    }

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let error =
            Config::parse("output: out\nspecs: []\nextra: 1\n", "codegen.yaml").unwrap_err();
        assert!(error.headline.contains("extra"), "{error}");
        assert!(error.line_column.is_some());
    }
}
