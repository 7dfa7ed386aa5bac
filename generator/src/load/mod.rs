//! Stage 1: text → a generic JSON tree ([`read`]) → patched ([`patch`]) → OpenAPI 3.1
//! normalised to 3.0 ([`normalise`]) → numbers fitted ([`lenient`]) → references into things
//! given components of their own ([`pointers`]) → `openapiv3`, or an error located at the
//! node that does not fit ([`locate`]).

mod lenient;
mod locate;
mod normalise;
mod patch;
mod pointers;
mod read;
mod trail;

use crate::error::{Result, Warning};
use crate::settings::Patch;
use serde_json::Value;

/// A parsed spec, ready for lowering.
#[derive(Debug, Clone)]
pub struct Document {
    /// The name errors and headers use for the file.
    pub file: String,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// What was read leniently (a number the model cannot hold, text that is not text).
    pub warnings: Vec<Warning>,
}

/// Parses the text of an OpenAPI 3.0 or 3.1 document (YAML or JSON), applies `patches`, and
/// deserialises it. `file` names the input in errors.
pub fn parse(text: &str, file: &str, patches: &[Patch]) -> Result<Document> {
    let (tree, warnings) = read_patched(text, file, patches)?;
    typed(tree, file, warnings)
}

/// Like [`parse`], from a document already read into a JSON tree (for tools that build or
/// change documents in memory, such as the mutation tests).
pub fn from_tree(tree: Value, file: &str) -> Result<Document> {
    read::check_version(&tree).map_err(|e| e.in_file(file))?;
    read::check_depth(&tree).map_err(|e| e.in_file(file))?;
    typed(tree, file, Vec::new())
}

/// A checked, patched tree: 3.1 normalised, numbers fitted, inner references given
/// components, then deserialised.
fn typed(mut tree: Value, file: &str, mut warnings: Vec<Warning>) -> Result<Document> {
    normalise::normalise_3_1(&mut tree);
    warnings.extend(lenient::fit_numbers(&mut tree));
    pointers::hoist_inner_targets(&mut tree).map_err(|e| e.in_file(file))?;
    let openapi = locate::deserialise(tree).map_err(|e| e.in_file(file))?;
    Ok(Document {
        file: file.to_string(),
        openapi,
        warnings: warnings.into_iter().map(|w| w.in_file(file)).collect(),
    })
}

/// The document as a JSON tree with `patches` applied: what the client is generated from, for
/// tools (such as a mock server) that must see the same spec.
pub fn patched(text: &str, file: &str, patches: &[Patch]) -> Result<Value> {
    read_patched(text, file, patches).map(|(tree, _)| tree)
}

/// The patched tree and the warnings of reading it.
fn read_patched(text: &str, file: &str, patches: &[Patch]) -> Result<(Value, Vec<Warning>)> {
    let (mut tree, warnings) = read::parse_tree(text).map_err(|e| e.in_file(file))?;
    read::check_version(&tree).map_err(|e| e.in_file(file))?;
    for patch in patches {
        patch::apply_patch(&mut tree, patch).map_err(|e| e.in_file(file))?;
    }
    Ok((tree, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    #[test]
    fn parses_a_minimal_document() {
        let doc = parse(MINIMAL, "min.yaml", &[]).unwrap();
        assert_eq!(doc.openapi.info.title, "t");
        assert_eq!(doc.file, "min.yaml");
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let error = parse("openapi: 3.0.3\ninfo: [unclosed\n", "bad.yaml", &[]).unwrap_err();
        assert!(error.headline.contains("not valid YAML"), "{error}");
        assert_eq!(error.file.as_deref(), Some("bad.yaml"));
        assert!(error.line_column.is_some(), "{error}");
    }

    #[test]
    fn a_tree_nested_deeper_than_a_file_can_be_is_refused() {
        let mut nested = serde_json::json!({"type": "string"});
        for _ in 0..100 {
            nested = serde_json::json!({"type": "object", "properties": {"x": nested}});
        }
        let tree = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"Deep": nested}}
        });
        let error = from_tree(tree, "deep.json").unwrap_err();
        assert_eq!(error.headline, "the document nests deeper than 128 levels");
        let pointer = error.pointer.unwrap();
        assert!(pointer.starts_with("#/components/schemas/Deep/properties/x/properties/x"));
        assert_eq!(pointer.matches('/').count(), 129, "{pointer}");
    }

    #[test]
    fn integers_beyond_64_bits_are_read_from_yaml_and_json() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: integer, maximum: 18446744073709552000, minimum: -99999999999999999999}\n";
        let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": {"A": {"type": "integer", "maximum": 18446744073709552000, "minimum": -99999999999999999999}}}}"#;
        for (text, file) in [(yaml, "big.yaml"), (json, "big.json")] {
            let doc = parse(text, file, &[]).unwrap_or_else(|e| panic!("{file}: {e}"));
            let pointers: Vec<&str> = doc.warnings.iter().map(|w| w.pointer.as_str()).collect();
            assert_eq!(
                pointers,
                [
                    "#/components/schemas/A/maximum",
                    "#/components/schemas/A/minimum"
                ],
                "{file}"
            );
        }
    }

    #[test]
    fn swagger_2_is_refused_with_a_hint() {
        let error = parse("swagger: '2.0'\ninfo: {}\n", "old.yaml", &[]).unwrap_err();
        assert!(error.headline.contains("Swagger 2.0"), "{error}");
        assert!(error.hint.unwrap().contains("convert"));
    }

    #[test]
    fn structural_errors_name_the_pointer() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n";
        let error = parse(text, "x.yaml", &[]).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/paths/~1a/get/responses"));
    }

    #[test]
    fn bad_schemas_deep_in_components_are_located() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        b:\n          type: object\n          properties:\n            c: {type: string, maxLength: many}\n";
        let error = parse(text, "x.yaml", &[]).unwrap_err();
        assert_eq!(
            error.pointer.as_deref(),
            Some("#/components/schemas/A/properties/b/properties/c"),
            "{error}"
        );
    }

    #[test]
    fn normalises_3_1_schemas() {
        let mut tree: Value = serde_json::json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "const": {"type": ["string", "null"], "examples": ["x"]},
                "k": {"const": "fixed"},
                "n": {"type": "integer", "exclusiveMinimum": 0},
                "r": {"$ref": "#/components/schemas/B", "description": "doc"}
            }}}}
        });
        normalise::normalise_3_1(&mut tree);
        let props = &tree["components"]["schemas"]["A"]["properties"];
        assert_eq!(tree["openapi"], "3.0.3");
        assert_eq!(props["const"]["type"], "string");
        assert_eq!(props["const"]["nullable"], true);
        assert_eq!(props["const"]["example"], "x");
        assert_eq!(props["k"]["enum"], serde_json::json!(["fixed"]));
        assert_eq!(props["n"]["minimum"], 0);
        assert_eq!(props["n"]["exclusiveMinimum"], true);
        assert_eq!(props["r"]["allOf"][0]["$ref"], "#/components/schemas/B");
    }

    #[test]
    fn patches_add_missing_nodes_and_reject_bad_pointers() {
        let patch = Patch {
            pointer: "#/info/description".into(),
            value: Value::String("patched".into()),
            why: None,
        };
        let doc = parse(MINIMAL, "min.yaml", &[patch]).unwrap();
        assert_eq!(doc.openapi.info.description.as_deref(), Some("patched"));

        let bad = Patch {
            pointer: "#/nowhere/at/all".into(),
            value: Value::Null,
            why: None,
        };
        let error = parse(MINIMAL, "min.yaml", &[bad]).unwrap_err();
        assert_eq!(error.pointer.as_deref(), Some("#/nowhere/at"));
    }
}
