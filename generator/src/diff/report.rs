//! Change reports as Markdown for pull requests, and as JSON for tools.

use super::{Change, Location, Severity};
use std::fmt::Write;

/// The Markdown report of `changes` between `old` and `new` (names of the compared inputs).
pub fn markdown(old: &str, new: &str, changes: &[Change]) -> String {
    let count = |severity| changes.iter().filter(|c| c.severity == severity).count();
    let mut out = String::new();
    let _ = writeln!(out, "## API changes: `{old}` → `{new}`\n");
    if changes.is_empty() {
        let _ = writeln!(out, "No changes to the API.");
        return out;
    }
    let _ = writeln!(out, "| kind | changes |\n|---|---|");
    let _ = writeln!(out, "| Breaking | {} |", count(Severity::Breaking));
    let _ = writeln!(out, "| Deprecations | {} |", count(Severity::Deprecation));
    let _ = writeln!(out, "| Non-breaking | {} |", count(Severity::NonBreaking));
    for (severity, title) in [
        (Severity::Breaking, "Breaking changes"),
        (Severity::Deprecation, "Deprecations"),
        (Severity::NonBreaking, "Non-breaking changes"),
    ] {
        let section: Vec<&Change> = changes.iter().filter(|c| c.severity == severity).collect();
        if section.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title}\n");
        for change in section {
            let _ = writeln!(
                out,
                "- `{}` {}: {}. Rust: {}.",
                change.rule,
                location(&change.location),
                change.message,
                change.rust
            );
        }
    }
    out
}

fn location(location: &Location) -> String {
    match location {
        Location::Operation {
            method,
            path,
            operation_id,
        } => format!("**{method} `{path}`** (`{operation_id}`)"),
        Location::Schema {
            schema,
            field: Some(field),
        } => format!("**`{schema}.{field}`**"),
        Location::Schema {
            schema,
            field: None,
        } => format!("**`{schema}`**"),
    }
}

/// The JSON report: `{"old", "new", "summary", "changes"}`.
pub fn json(old: &str, new: &str, changes: &[Change]) -> String {
    let count = |severity| changes.iter().filter(|c| c.severity == severity).count();
    let report = serde_json::json!({
        "old": old,
        "new": new,
        "summary": {
            "breaking": count(Severity::Breaking),
            "deprecation": count(Severity::Deprecation),
            "non-breaking": count(Severity::NonBreaking),
        },
        "changes": changes,
    });
    serde_json::to_string_pretty(&report).unwrap_or_default()
}
