//! The rule table: every kind of change the spec diff reports, with its wire level. The checks,
//! the README's rule table (`cargo xtask spec-diff --rules`) and the tests all read this one
//! table.
//!
//! Ids and levels are oasdiff's where oasdiff has the rule (its `checker/rules.go`); the few
//! levels that differ say why in `deviation`. Rules oasdiff does not have are marked `ours`.

use serde::Serialize;

/// What a change does to clients already deployed against the old server (oasdiff's `ERR`,
/// `WARN` and `INFO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Deployed clients may fail.
    Breaking,
    /// Deployed clients may fail, depending on what they send or how they read answers.
    Warning,
    /// Deployed clients keep working.
    Safe,
}

impl Level {
    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Safe => "safe",
        }
    }

    /// Reads a level as oasdiff spells it (`ERR`, `WARN`, `INFO`) or as reports do.
    pub fn parse(text: &str) -> Option<Level> {
        match text.to_ascii_lowercase().as_str() {
            "err" | "error" | "breaking" => Some(Level::Breaking),
            "warn" | "warning" => Some(Level::Warning),
            "info" | "safe" => Some(Level::Safe),
            _ => None,
        }
    }
}

/// The part of the document a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Operations: paths, methods, security, deprecation.
    Paths,
    /// Parameters.
    Parameters,
    /// Request bodies.
    RequestBody,
    /// Responses: statuses, bodies, media types, headers.
    Responses,
    /// Named schemas and their properties.
    Schema,
}

impl Area {
    /// The name used in the README table.
    pub fn name(self) -> &'static str {
        match self {
            Area::Paths => "paths",
            Area::Parameters => "parameters",
            Area::RequestBody => "request body",
            Area::Responses => "responses",
            Area::Schema => "schema",
        }
    }
}

/// Whose rule it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// oasdiff has the rule, at the level given.
    Oasdiff(Level),
    /// A rule of this project (oasdiff has no such id).
    Ours,
}

/// One rule.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable id, such as `new-required-request-property`.
    pub id: &'static str,
    /// What part of the document it concerns.
    pub area: Area,
    /// Its wire level, before any override.
    pub level: Level,
    /// Whether oasdiff has it, and at which level.
    pub origin: Origin,
    /// What it means, for the README table.
    pub text: &'static str,
    /// Why the level differs from oasdiff's, where it does.
    pub deviation: Option<&'static str>,
}

const fn oasdiff(id: &'static str, area: Area, level: Level, text: &'static str) -> Rule {
    Rule {
        id,
        area,
        level,
        origin: Origin::Oasdiff(level),
        text,
        deviation: None,
    }
}

const fn ours(id: &'static str, area: Area, level: Level, text: &'static str) -> Rule {
    Rule {
        id,
        area,
        level,
        origin: Origin::Ours,
        text,
        deviation: None,
    }
}

const fn differs(
    id: &'static str,
    area: Area,
    level: Level,
    theirs: Level,
    text: &'static str,
    why: &'static str,
) -> Rule {
    Rule {
        id,
        area,
        level,
        origin: Origin::Oasdiff(theirs),
        text,
        deviation: Some(why),
    }
}

use Area::{Parameters, Paths, RequestBody, Responses, Schema};
use Level::{Breaking, Safe, Warning};

/// Every rule, grouped by area.
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    // Operations.
    oasdiff("endpoint-added", Paths, Safe, "a new operation"),
    oasdiff("api-removed-without-deprecation", Paths, Breaking, "an operation removed that was not deprecated"),
    oasdiff("api-removed-with-deprecation", Paths, Safe, "a deprecated operation removed"),
    ours("api-operation-moved", Paths, Breaking, "an operation (same operationId) moved to another method or path"),
    ours("api-operation-id-changed", Paths, Safe, "an operation's operationId changed (not on the wire; it names the Rust function)"),
    ours("api-operation-tag-changed", Paths, Safe, "an operation's first tag changed (not on the wire; it names the Rust module)"),
    oasdiff("endpoint-deprecated", Paths, Safe, "an operation marked deprecated"),
    oasdiff("endpoint-reactivated", Paths, Safe, "an operation no longer deprecated"),
    differs("api-security-added", Paths, Breaking, Safe, "an operation now requires credentials",
        "a deployed client that sends no credentials is refused"),
    oasdiff("api-security-removed", Paths, Safe, "an operation no longer requires credentials"),
    ours("api-description-changed", Paths, Safe, "an operation's summary or description changed"),
    // Parameters.
    oasdiff("new-required-request-parameter", Parameters, Breaking, "a new required parameter"),
    oasdiff("new-optional-request-parameter", Parameters, Safe, "a new optional parameter"),
    ours("request-path-parameter-renamed", Parameters, Safe, "a path parameter renamed in the same place of the path"),
    oasdiff("request-parameter-removed", Parameters, Warning, "a parameter removed (deployed clients still send it)"),
    oasdiff("request-parameter-became-required", Parameters, Breaking, "an optional parameter became required"),
    oasdiff("request-parameter-became-optional", Parameters, Safe, "a required parameter became optional"),
    oasdiff("request-parameter-type-changed", Parameters, Breaking, "a parameter's type changed"),
    oasdiff("request-parameter-deprecated", Parameters, Safe, "a parameter marked deprecated"),
    oasdiff("request-parameter-reactivated", Parameters, Safe, "a parameter no longer deprecated"),
    oasdiff("request-parameter-default-value-added", Parameters, Breaking, "a default value added to a parameter (the server now assumes it when the parameter is left out)"),
    oasdiff("request-parameter-default-value-changed", Parameters, Breaking, "a parameter's default value changed"),
    oasdiff("request-parameter-default-value-removed", Parameters, Breaking, "a parameter's default value removed"),
    oasdiff("request-parameter-max-decreased", Parameters, Breaking, "a parameter's `maximum` lowered (or set where there was a larger one)"),
    oasdiff("request-parameter-max-increased", Parameters, Safe, "a parameter's `maximum` raised or removed"),
    oasdiff("request-parameter-max-set", Parameters, Warning, "a `maximum` set on a parameter that had none"),
    oasdiff("request-parameter-min-increased", Parameters, Breaking, "a parameter's `minimum` raised"),
    oasdiff("request-parameter-min-decreased", Parameters, Safe, "a parameter's `minimum` lowered or removed"),
    oasdiff("request-parameter-min-set", Parameters, Warning, "a `minimum` set on a parameter that had none"),
    oasdiff("request-parameter-max-length-decreased", Parameters, Breaking, "a parameter's `maxLength` lowered"),
    oasdiff("request-parameter-max-length-increased", Parameters, Safe, "a parameter's `maxLength` raised or removed"),
    oasdiff("request-parameter-max-length-set", Parameters, Warning, "a `maxLength` set on a parameter that had none"),
    oasdiff("request-parameter-min-length-increased", Parameters, Breaking, "a parameter's `minLength` raised or set"),
    oasdiff("request-parameter-min-length-decreased", Parameters, Safe, "a parameter's `minLength` lowered or removed"),
    oasdiff("request-parameter-max-items-decreased", Parameters, Breaking, "a parameter's `maxItems` lowered or set"),
    oasdiff("request-parameter-max-items-increased", Parameters, Safe, "a parameter's `maxItems` raised or removed"),
    oasdiff("request-parameter-min-items-increased", Parameters, Breaking, "a parameter's `minItems` raised"),
    oasdiff("request-parameter-min-items-decreased", Parameters, Safe, "a parameter's `minItems` lowered or removed"),
    oasdiff("request-parameter-min-items-set", Parameters, Warning, "a `minItems` set on a parameter that had none"),
    oasdiff("request-parameter-pattern-added", Parameters, Breaking, "a `pattern` set on a parameter"),
    oasdiff("request-parameter-pattern-changed", Parameters, Warning, "a parameter's `pattern` changed"),
    oasdiff("request-parameter-pattern-removed", Parameters, Safe, "a parameter's `pattern` removed"),
    // Request bodies.
    oasdiff("request-body-added-required", RequestBody, Breaking, "a required request body added"),
    oasdiff("request-body-added-optional", RequestBody, Safe, "an optional request body added"),
    oasdiff("request-body-removed", RequestBody, Breaking, "the request body removed"),
    oasdiff("request-body-became-required", RequestBody, Breaking, "an optional request body became required"),
    oasdiff("request-body-became-optional", RequestBody, Safe, "a required request body became optional"),
    oasdiff("request-body-type-changed", RequestBody, Breaking, "the request body's type changed (or a type used in requests changed kind)"),
    oasdiff("request-body-media-type-added", RequestBody, Safe, "a media type added to the request body"),
    oasdiff("request-body-media-type-removed", RequestBody, Breaking, "a media type removed from the request body"),
    // Responses.
    oasdiff("response-success-status-added", Responses, Safe, "a success status added"),
    oasdiff("response-success-status-removed", Responses, Breaking, "a success status removed"),
    oasdiff("response-non-success-status-added", Responses, Safe, "an error status added"),
    oasdiff("response-non-success-status-removed", Responses, Safe, "an error status removed"),
    oasdiff("response-body-type-changed", Responses, Breaking, "a response body's type changed (or a type used in responses changed kind)"),
    oasdiff("response-media-type-added", Responses, Safe, "a media type added to a response"),
    oasdiff("response-media-type-removed", Responses, Breaking, "a media type removed from a response"),
    oasdiff("response-header-added", Responses, Safe, "a response header added"),
    oasdiff("required-response-header-removed", Responses, Breaking, "a required response header removed"),
    oasdiff("optional-response-header-removed", Responses, Warning, "an optional response header removed"),
    oasdiff("response-header-became-optional", Responses, Breaking, "a required response header became optional"),
    ours("response-header-became-required", Responses, Safe, "an optional response header became required"),
    oasdiff("response-header-type-changed", Responses, Breaking, "a response header's type changed"),
    ours("response-header-deprecated", Responses, Safe, "a response header marked deprecated"),
    ours("response-header-reactivated", Responses, Safe, "a response header no longer deprecated"),
    // Schemas.
    ours("api-schema-added", Schema, Safe, "a new named schema"),
    oasdiff("api-schema-removed", Schema, Safe, "a named schema removed"),
    ours("generated-type-renamed", Schema, Safe, "a type renamed with the same JSON (for example an inline enum of a renamed operation)"),
    ours("schema-deprecated", Schema, Safe, "a schema marked deprecated"),
    ours("schema-reactivated", Schema, Safe, "a schema no longer deprecated"),
    oasdiff("new-required-request-property", Schema, Breaking, "a new required property in requests"),
    oasdiff("new-optional-request-property", Schema, Safe, "a new optional property in requests"),
    oasdiff("response-required-property-added", Schema, Safe, "a new required property in responses"),
    oasdiff("response-optional-property-added", Schema, Safe, "a new optional property in responses"),
    oasdiff("request-property-removed", Schema, Warning, "a property removed from requests (deployed clients still send it)"),
    oasdiff("response-required-property-removed", Schema, Breaking, "a required property removed from responses"),
    oasdiff("response-optional-property-removed", Schema, Warning, "an optional property removed from responses"),
    oasdiff("request-property-type-changed", Schema, Breaking, "a request property's type changed"),
    oasdiff("response-property-type-changed", Schema, Breaking, "a response property's type changed"),
    oasdiff("request-property-became-required", Schema, Breaking, "a request property became required"),
    oasdiff("request-property-became-optional", Schema, Safe, "a request property became optional"),
    oasdiff("response-property-became-required", Schema, Safe, "a response property became required"),
    oasdiff("response-property-became-optional", Schema, Breaking, "a response property became optional"),
    oasdiff("request-property-became-nullable", Schema, Safe, "a request property now takes null"),
    oasdiff("request-property-became-not-nullable", Schema, Breaking, "a request property no longer takes null"),
    oasdiff("response-property-became-nullable", Schema, Breaking, "a response property may now be null"),
    oasdiff("response-property-became-not-nullable", Schema, Safe, "a response property is no longer null"),
    oasdiff("request-property-deprecated", Schema, Safe, "a request property marked deprecated"),
    oasdiff("request-property-reactivated", Schema, Safe, "a request property no longer deprecated"),
    oasdiff("response-property-deprecated", Schema, Safe, "a response property marked deprecated"),
    oasdiff("response-property-reactivated", Schema, Safe, "a response property no longer deprecated"),
    oasdiff("request-property-enum-value-added", Schema, Safe, "an enum value added in requests"),
    oasdiff("request-property-enum-value-removed", Schema, Breaking, "an enum value removed from requests"),
    oasdiff("response-property-enum-value-added", Schema, Warning, "an enum value added in responses (this crate's clients decode it as `Unknown`)"),
    oasdiff("response-property-enum-value-removed", Schema, Safe, "an enum value removed from responses"),
    oasdiff("request-property-one-of-added", Schema, Safe, "a union alternative added in requests"),
    oasdiff("request-property-one-of-removed", Schema, Breaking, "a union alternative removed from requests"),
    oasdiff("response-property-one-of-added", Schema, Breaking, "a union alternative added in responses"),
    oasdiff("response-property-one-of-removed", Schema, Safe, "a union alternative removed from responses"),
    differs("request-property-discriminator-property-name-changed", Schema, Breaking, Safe,
        "a union's discriminator property changed (requests)",
        "the server reads the tag from another property, so what deployed clients send no longer selects an alternative"),
    differs("response-property-discriminator-property-name-changed", Schema, Breaking, Safe,
        "a union's discriminator property changed (responses)",
        "clients decode tagged unions by the old property and cannot decode the new answers"),
    oasdiff("request-property-default-value-added", Schema, Safe, "a default added to a request property"),
    oasdiff("request-property-default-value-changed", Schema, Safe, "a request property's default changed"),
    oasdiff("request-property-default-value-removed", Schema, Safe, "a request property's default removed"),
    oasdiff("response-property-default-value-added", Schema, Safe, "a default added to a response property"),
    oasdiff("response-property-default-value-changed", Schema, Safe, "a response property's default changed"),
    oasdiff("response-property-default-value-removed", Schema, Safe, "a response property's default removed"),
    oasdiff("request-property-max-decreased", Schema, Breaking, "a request property's `maximum` lowered"),
    oasdiff("request-property-max-increased", Schema, Safe, "a request property's `maximum` raised or removed"),
    oasdiff("request-property-max-set", Schema, Warning, "a `maximum` set on a request property that had none"),
    oasdiff("request-property-min-increased", Schema, Breaking, "a request property's `minimum` raised"),
    oasdiff("request-property-min-decreased", Schema, Safe, "a request property's `minimum` lowered or removed"),
    oasdiff("request-property-min-set", Schema, Warning, "a `minimum` set on a request property that had none"),
    oasdiff("request-property-max-length-decreased", Schema, Breaking, "a request property's `maxLength` lowered"),
    oasdiff("request-property-max-length-increased", Schema, Safe, "a request property's `maxLength` raised or removed"),
    oasdiff("request-property-max-length-set", Schema, Warning, "a `maxLength` set on a request property that had none"),
    oasdiff("request-property-min-length-increased", Schema, Breaking, "a request property's `minLength` raised or set"),
    oasdiff("request-property-min-length-decreased", Schema, Safe, "a request property's `minLength` lowered or removed"),
    ours("request-property-max-items-decreased", Schema, Breaking, "a request property's `maxItems` lowered or set"),
    ours("request-property-max-items-increased", Schema, Safe, "a request property's `maxItems` raised or removed"),
    oasdiff("request-property-min-items-increased", Schema, Breaking, "a request property's `minItems` raised"),
    ours("request-property-min-items-decreased", Schema, Safe, "a request property's `minItems` lowered or removed"),
    oasdiff("request-property-min-items-set", Schema, Warning, "a `minItems` set on a request property that had none"),
    oasdiff("request-property-pattern-added", Schema, Breaking, "a `pattern` set on a request property"),
    oasdiff("request-property-pattern-changed", Schema, Warning, "a request property's `pattern` changed"),
    oasdiff("request-property-pattern-removed", Schema, Safe, "a request property's `pattern` removed"),
    oasdiff("response-property-max-increased", Schema, Breaking, "a response property's `maximum` raised or removed"),
    ours("response-property-max-decreased", Schema, Safe, "a response property's `maximum` lowered or set"),
    oasdiff("response-property-min-decreased", Schema, Breaking, "a response property's `minimum` lowered or removed"),
    ours("response-property-min-increased", Schema, Safe, "a response property's `minimum` raised or set"),
    oasdiff("response-property-max-length-increased", Schema, Breaking, "a response property's `maxLength` raised or removed"),
    ours("response-property-max-length-decreased", Schema, Safe, "a response property's `maxLength` lowered or set"),
    oasdiff("response-property-min-length-decreased", Schema, Breaking, "a response property's `minLength` lowered or removed"),
    ours("response-property-min-length-increased", Schema, Safe, "a response property's `minLength` raised or set"),
    ours("response-property-max-items-increased", Schema, Breaking, "a response property's `maxItems` raised or removed"),
    ours("response-property-max-items-decreased", Schema, Safe, "a response property's `maxItems` lowered or set"),
    oasdiff("response-property-min-items-decreased", Schema, Breaking, "a response property's `minItems` lowered or removed"),
    ours("response-property-min-items-increased", Schema, Safe, "a response property's `minItems` raised or set"),
    oasdiff("response-property-pattern-added", Schema, Safe, "a `pattern` set on a response property"),
    oasdiff("response-property-pattern-changed", Schema, Safe, "a response property's `pattern` changed"),
    oasdiff("response-property-pattern-removed", Schema, Safe, "a response property's `pattern` removed"),
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// The README's rule table, in Markdown: one row per rule.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| rule | change | area | wire level | oasdiff |\n|---|---|---|---|---|\n");
    for rule in RULES {
        let theirs = match (rule.origin, rule.deviation) {
            (Origin::Ours, _) => "not in oasdiff".to_string(),
            (Origin::Oasdiff(_), None) => "same id and level".to_string(),
            (Origin::Oasdiff(level), Some(why)) => {
                format!("{} there; {} here: {why}", level.name(), rule.level.name())
            }
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {theirs} |\n",
            rule.id,
            rule.text,
            rule.area.name(),
            rule.level.name(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_levels_match_oasdiff_unless_explained() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let count = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), count, "a rule id is listed twice");
        for rule in RULES {
            if let Origin::Oasdiff(theirs) = rule.origin {
                assert_eq!(
                    theirs == rule.level,
                    rule.deviation.is_none(),
                    "{}: a level that differs from oasdiff's needs a reason, and only then",
                    rule.id
                );
            }
        }
    }
}
